/*
 * Building a request, sending it and checking the reply.  Nothing in a
 * reply is trusted: its length, sequence number and result bytes are
 * checked against what was asked.
 */
#include <sys/socket.h>
#include <string.h>

#include "rc_int.h"

int
rc_begin(struct rc_call *c, uint32_t op)
{
	int error;

	pthread_mutex_lock(&rc_conn.rc_lock);
	if ((error = rc_connect_locked()) != 0) {
		pthread_mutex_unlock(&rc_conn.rc_lock);
		errno = error;
		return -1;
	}
	c->c_buf = rc_conn.rc_sbuf;
	c->c_len = sizeof(struct rc_reqhdr);
	c->c_error = 0;
	c->c_rv = -1;
	c->c_rp = NULL;
	c->c_rlen = 0;
	c->c_flags = 0;
	((struct rc_reqhdr *)c->c_buf)->rq_op = op;
	return 0;
}

static unsigned char *
room(struct rc_call *c, size_t n)
{
	unsigned char *p;

	if (c->c_error != 0)
		return NULL;
	if (RC_MAXMSG - c->c_len < RC_ALIGN(n)) {
		c->c_error = E2BIG;
		return NULL;
	}
	p = c->c_buf + c->c_len;
	memset(p + n, 0, RC_ALIGN(n) - n);
	c->c_len += RC_ALIGN(n);
	return p;
}

void
rc_put_scalar(struct rc_call *c, int64_t v)
{
	unsigned char *p = room(c, 8);

	if (p != NULL)
		memcpy(p, &v, 8);
}

static void
put_item(struct rc_call *c, const void *data, size_t len, uint32_t hdr)
{
	unsigned char *p;

	if ((p = room(c, 8)) == NULL)
		return;
	memcpy(p, &hdr, 4);
	memset(p + 4, 0, 4);
	if (data != NULL && len > 0 && (p = room(c, len)) != NULL)
		memcpy(p, data, len);
}

void
rc_put_str(struct rc_call *c, const char *s)
{
	size_t len;

	if (s == NULL) {
		put_item(c, NULL, 0, RC_NULL);
		return;
	}
	len = strnlen(s, RC_MAXSTR) + 1;
	if (len > RC_MAXSTR) {
		if (c->c_error == 0)
			c->c_error = ENAMETOOLONG;
		return;
	}
	put_item(c, s, len, (uint32_t)len);
}

void
rc_put_bytes(struct rc_call *c, const void *p, size_t len)
{
	if (p == NULL) {
		put_item(c, NULL, 0, RC_NULL);
		return;
	}
	if (len > RC_MAXIO) {
		if (c->c_error == 0)
			c->c_error = E2BIG;
		return;
	}
	put_item(c, p, len, (uint32_t)len);
}

/*
 * The reply into rc_rbuf, header first, in as few reads as the socket
 * allows: requests and replies alternate, so nothing of a later message
 * can be waiting behind it.  0 or an errno value.
 */
static int
recv_reply(int fd, uint32_t seq, struct rc_rephdr *rp)
{
	unsigned char *buf = rc_conn.rc_rbuf;
	size_t have = 0, want = sizeof(*rp);
	ssize_t n;

	while (have < want) {
		n = recv(fd, buf + have, RC_MAXMSG - have, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? ECONNRESET : errno;
		have += (size_t)n;
		if (want == sizeof(*rp) && have >= want) {
			memcpy(rp, buf, sizeof(*rp));
			if (rp->rp_seq != seq || rp->rp_len < sizeof(*rp) ||
			    rp->rp_len > RC_MAXMSG)
				return EPROTO;
			want = rp->rp_len;
		}
	}
	return have == want ? 0 : EPROTO;
}

int
rc_call_locked(struct rc_call *c)
{
	struct rc_reqhdr *rq = (struct rc_reqhdr *)c->c_buf;
	struct rc_rephdr rp;
	int fd = rc_conn.rc_fd, error;
	uint32_t seq = ++rc_conn.rc_seq;

	if (c->c_error != 0)
		return c->c_error;
	rq->rq_len = (uint32_t)c->c_len;
	rq->rq_seq = seq;
	rq->rq_flags = c->c_flags;
	if ((error = rc_send_all(fd, c->c_buf, c->c_len)) != 0)
		goto lost;
	if (c->c_flags & RC_RQ_NOREPLY) {
		c->c_rv = 0;
		return 0;
	}
	if ((error = recv_reply(fd, seq, &rp)) != 0)
		goto lost;
	c->c_rlen = rp.rp_len - sizeof(rp);
	c->c_rp = rc_conn.rc_rbuf + sizeof(rp);
	c->c_rv = rp.rp_retval;
	if (rp.rp_retval == -1) {
		if (rp.rp_error <= 0 || rp.rp_error >= 4096 || c->c_rlen != 0)
			return EPROTO;
		return rp.rp_error;
	}
	if (rp.rp_retval < -1)
		return EPROTO;
	return 0;
lost:
	/* the stream is out of step: start over on the next call */
	rc_disconnect_locked();
	return error == ECONNRESET || error == EPIPE ? ENOTCONN : error;
}

int
rc_call(struct rc_call *c)
{
	int error = rc_call_locked(c);

	if (error != 0) {
		pthread_mutex_unlock(&rc_conn.rc_lock);
		errno = error;
		return -1;
	}
	return 0;
}

void
rc_get_upto(struct rc_call *c, void *buf, size_t len)
{
	if (c->c_rlen > len || (int64_t)c->c_rlen != c->c_rv) {
		c->c_error = EPROTO;
		return;
	}
	if (c->c_rlen > 0)
		memcpy(buf, c->c_rp, c->c_rlen);
	c->c_rlen = 0;
}

void
rc_get_exact(struct rc_call *c, void *buf, size_t len)
{
	if (c->c_rlen != len) {
		c->c_error = EPROTO;
		return;
	}
	memcpy(buf, c->c_rp, len);
	c->c_rlen = 0;
}

int64_t
rc_end(struct rc_call *c)
{
	int64_t rv = c->c_rv;

	if (c->c_rlen != 0) /* result bytes nobody asked for */
		c->c_error = EPROTO;
	pthread_mutex_unlock(&rc_conn.rc_lock);
	if (c->c_error != 0) {
		errno = c->c_error;
		return -1;
	}
	return rv;
}

const void *
rc_get_all(struct rc_call *c, size_t *len)
{
	const void *p = c->c_rp;

	*len = c->c_rlen;
	c->c_rlen = 0;
	return p;
}
