/*
 * Calls of the protocol itself that save round trips for librumphijack:
 * an open that brings the file's status and first bytes along, and a
 * close that does not wait for its answer.
 */
#include <string.h>

#include "rc_int.h"

RC_PUBLIC int
rumpclient_openread(int dirfd, const char *path, int flags, uint32_t mode,
    struct rump_stat *st, int *gotst, void *buf, size_t *len)
{
	struct rc_call c;
	const unsigned char *p;
	size_t n;
	int64_t rv;

	*gotst = 0;
	if (*len > RC_MAXIO - sizeof(*st))
		*len = RC_MAXIO - sizeof(*st);
	if (rc_begin(&c, RC_OP_OPENREAD) == -1)
		return -1;
	rc_put_scalar(&c, dirfd);
	rc_put_str(&c, path);
	rc_put_scalar(&c, flags);
	rc_put_scalar(&c, mode);
	rc_put_scalar(&c, (int64_t)*len);
	if (rc_call(&c) == -1)
		return -1;
	p = rc_get_all(&c, &n);
	if (n == 0) {
		*len = 0;
	} else if (n < sizeof(*st) || n - sizeof(*st) > *len ||
	    c.c_rv > 0x7fffffff) {
		c.c_error = EPROTO;
	} else {
		memcpy(st, p, sizeof(*st));
		*gotst = 1;
		*len = n - sizeof(*st);
		memcpy(buf, p + sizeof(*st), *len);
	}
	rv = rc_end(&c);
	return (int)rv;
}

RC_PUBLIC int
rumpclient_close_noreply(int fd)
{
	struct rc_call c;

	if (rc_begin(&c, 3 /* close, syscalls.master */) == -1)
		return -1;
	c.c_flags = RC_RQ_NOREPLY;
	rc_put_scalar(&c, fd);
	if (rc_call(&c) == -1)
		return -1;
	return (int)rc_end(&c);
}
