/*
 * Calls of the protocol itself that save round trips for librumphijack:
 * an open that brings the file's status and first bytes along, and a
 * close that does not wait for its answer.
 */
#include <sys/types.h>
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

/* The records of a getdents reply: their count, or -1 if not sound. */
static ssize_t
count_records(const unsigned char *p, size_t n)
{
	const struct rump_dirent *de;
	size_t pos = 0, k = 0;
	uint16_t reclen, namlen;

	while (pos < n) {
		if (n - pos < RUMP_DIRENT_HDRSIZE)
			return -1;
		de = (const struct rump_dirent *)(p + pos);
		memcpy(&reclen, &de->d_reclen, sizeof(reclen));
		memcpy(&namlen, &de->d_namlen, sizeof(namlen));
		if (reclen < RUMP_DIRENT_HDRSIZE || reclen > n - pos ||
		    namlen > RUMP_MAXNAMLEN ||
		    RUMP_DIRENT_HDRSIZE + namlen >= reclen)
			return -1;
		pos += reclen;
		k++;
	}
	return (ssize_t)k;
}

RC_PUBLIC int64_t
rumpclient_getdentsplus(int fd, void *buf, size_t len, struct rump_stat *sts,
    size_t maxst, size_t *nst)
{
	struct rc_call c;
	const unsigned char *p;
	size_t n, rlen;
	ssize_t k;
	int64_t rv;

	*nst = 0;
	if (len > RC_MAXIO / (1 + sizeof(*sts) / 24))
		len = RC_MAXIO / (1 + sizeof(*sts) / 24);
	if (rc_begin(&c, RC_OP_GETDENTSPLUS) == -1)
		return -1;
	rc_put_scalar(&c, fd);
	rc_put_scalar(&c, (int64_t)len);
	if (rc_call(&c) == -1)
		return -1;
	p = rc_get_all(&c, &rlen);
	n = (size_t)c.c_rv;
	if (c.c_rv < 0 || n > len || n > rlen ||
	    (k = count_records(p, n)) < 0 || (size_t)k > maxst ||
	    rlen - n != (size_t)k * sizeof(*sts)) {
		c.c_error = EPROTO;
	} else {
		memcpy(buf, p, n);
		memcpy(sts, p + n, (size_t)k * sizeof(*sts));
		*nst = (size_t)k;
	}
	rv = rc_end(&c);
	return rv;
}
