/*
 * Reading the items of a request body.  Every length is checked against
 * the bytes left before it is used; a string must end in its one NUL.
 */
#include <limits.h>
#include <string.h>

#include "rs_dispatch.h"

void
rs_bad(struct rs_req *q)
{
	if (!q->q_done) {
		q->q_done = 1;
		q->q_rv = -1;
		q->q_error = EBADMSG;
		q->q_outlen = 0;
	}
}

static void
refuse(struct rs_req *q, int error)
{
	rs_bad(q);
	q->q_error = error;
}

int
rs_get_scalar(struct rs_req *q, int64_t *v, enum rs_range range)
{
	int ok;

	if (q->q_end - q->q_p < 8) {
		rs_bad(q);
		return -1;
	}
	memcpy(v, q->q_p, 8);
	q->q_p += 8;
	switch (range) {
	case RC_INT:
		ok = *v >= INT_MIN && *v <= INT_MAX;
		break;
	case RC_U32:
		ok = *v >= 0 && *v <= UINT32_MAX;
		break;
	case RC_SIZE:
		ok = *v >= 0;
		break;
	case RC_IOSIZE:
		ok = *v >= 0 && *v <= RC_MAXIO;
		break;
	default:
		ok = 1;
		break;
	}
	if (!ok) {
		rs_bad(q);
		return -1;
	}
	return 0;
}

int
rs_get_bytes(struct rs_req *q, const void **p, size_t *len)
{
	uint32_t n;

	if (q->q_end - q->q_p < 8) {
		rs_bad(q);
		return -1;
	}
	memcpy(&n, q->q_p, 4);
	q->q_p += 8;
	if (n == RC_NULL) {
		*p = NULL;
		*len = 0;
		return 0;
	}
	if (n > RC_MAXIO || (size_t)(q->q_end - q->q_p) < RC_ALIGN(n)) {
		rs_bad(q);
		return -1;
	}
	*p = q->q_p;
	*len = n;
	q->q_p += RC_ALIGN(n);
	return 0;
}

int
rs_get_str(struct rs_req *q, const char **s)
{
	const void *p;
	size_t len;

	if (rs_get_bytes(q, &p, &len) == -1)
		return -1;
	if (p == NULL) {
		refuse(q, EFAULT);
		return -1;
	}
	if (len == 0 || len > RC_MAXSTR ||
	    memchr(p, '\0', len) != (const char *)p + len - 1) {
		rs_bad(q);
		return -1;
	}
	*s = p;
	return 0;
}

int
rs_get_end(struct rs_req *q)
{
	if (q->q_p != q->q_end) {
		rs_bad(q);
		return -1;
	}
	return 0;
}

void *
rs_outbuf(struct rs_req *q, size_t len)
{
	q->q_outbuf = 1;
	q->q_outmax = len;
	return q->q_out;
}

void *
rs_outstruct(struct rs_req *q, size_t len)
{
	q->q_outbuf = 0;
	q->q_outmax = len;
	return q->q_out;
}

void
rs_result(struct rs_req *q, int64_t rv, int error)
{
	q->q_done = 1;
	q->q_rv = rv;
	q->q_error = rv == -1 ? error : 0;
	q->q_outlen = 0;
	if (rv == -1 || q->q_outmax == 0)
		return;
	if (!q->q_outbuf)
		q->q_outlen = q->q_outmax;
	else
		q->q_outlen = (uint64_t)rv < q->q_outmax ? (size_t)rv : q->q_outmax;
}

void
rs_dispatch(uint32_t op, struct rs_req *q)
{
	if (op >= (uint32_t)rs_nsys || rs_sysent[op].se_call == NULL) {
		refuse(q, ENOSYS);
		return;
	}
	rs_sysent[op].se_call(q);
	if (!q->q_done)
		rs_bad(q);
}
