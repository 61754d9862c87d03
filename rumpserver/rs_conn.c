/*
 * One client connection: the hello, the kernel process the client runs
 * as (with the credentials that the host kernel gives for the socket's
 * peer, SO_PEERCRED and SO_PEERGROUPS), and the request loop.  A message
 * with a bad length ends the connection; a malformed body gets EBADMSG.
 * When the client goes, its process goes too, closing its files.  The
 * caller closes the socket.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>

#include "rs.h"
#include "rs_dispatch.h"

struct rs_conn {
	int c_fd;
	struct ucred c_cred;
	uint32_t c_groups[RC_MAXARR];
	int c_ngroups;
	unsigned char *c_in;   /* requests as received, RC_MAXMSG */
	size_t c_inlen;        /* bytes in c_in */
	unsigned char *c_sbuf; /* reply */
};

static int
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * At least want bytes of requests in c_in, reading as much as the socket
 * has (a client may send a request that wants no reply and the next one
 * at once); 0 or -1.
 */
static int
fill(struct rs_conn *c, size_t want)
{
	ssize_t n;

	while (c->c_inlen < want) {
		n = recv(c->c_fd, c->c_in + c->c_inlen, RC_MAXMSG - c->c_inlen,
		    0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->c_inlen += (size_t)n;
	}
	return 0;
}

static int
peer_creds(struct rs_conn *c)
{
	socklen_t len = sizeof(c->c_cred);
	gid_t groups[256];
	int i, n;

	if (getsockopt(c->c_fd, SOL_SOCKET, SO_PEERCRED, &c->c_cred, &len) ==
	        -1 || len != sizeof(c->c_cred))
		return EACCES;
	len = sizeof(groups);
	if (getsockopt(c->c_fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == -1)
		len = 0;
	n = (int)(len / sizeof(gid_t));
	/* the kernel keeps RC_MAXARR groups; the first ones count */
	c->c_ngroups = n < RC_MAXARR ? n : RC_MAXARR;
	for (i = 0; i < c->c_ngroups; i++)
		c->c_groups[i] = groups[i];
	return 0;
}

/* A new process for the client: root, umask, then its credentials. */
static int
new_process(struct rs_conn *c, const struct rs_opts *o, uint32_t mask)
{
	int error;

	if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0)
		return error;
	if (o->so_root != NULL && strcmp(o->so_root, "/") != 0 &&
	    (rump_sys_chdir(o->so_root) == -1 ||
	        rump_sys_chroot(o->so_root) == -1))
		return errno;
	rump_sys_umask(mask & 0777);
	if (rump_sys_setgroups(c->c_ngroups, c->c_groups) == -1 ||
	    rump_sys_setgid(c->c_cred.gid) == -1 ||
	    rump_sys_setuid(c->c_cred.uid) == -1)
		return errno;
	return 0;
}

/* Read the hello and answer it; 0 when the connection goes on. */
static int
handshake(struct rs_conn *c, const struct rs_opts *o)
{
	struct rc_hello h;
	struct rc_welcome w;
	struct timeval tv = { 10, 0 };
	struct lwp *l;
	int error;

	/* a peer that never says hello does not keep a thread for ever */
	setsockopt(c->c_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv_all(c->c_fd, &h, sizeof(h)) == -1)
		return -1;
	tv.tv_sec = 0;
	setsockopt(c->c_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&w, 0, sizeof(w));
	w.w_magic = RC_MAGIC;
	w.w_version = RC_VERSION;
	if (h.h_magic != RC_MAGIC)
		return -1; /* not ours: no answer */
	if (h.h_version != RC_VERSION)
		error = EPROTONOSUPPORT;
	else if ((error = peer_creds(c)) != 0)
		;
	else if (h.h_kind == RC_HELLO_NEW)
		error = new_process(c, o, h.h_umask);
	else if (h.h_kind == RC_HELLO_FORK) {
		l = rs_fork_take(h.h_cookie, c->c_cred.uid);
		if (l != NULL)
			rump_pub_lwproc_switch(l);
		else
			error = ESRCH;
	} else
		error = EINVAL;
	w.w_error = error;
	w.w_pid = error == 0 ? rump_pub_lwproc_getpid() : -1;
	if (send_all(c->c_fd, &w, sizeof(w)) == -1 || error != 0)
		return -1;
	return 0;
}

/* One request; -1 ends the connection. */
static int
serve_one(struct rs_conn *c)
{
	struct rc_reqhdr rq;
	struct rc_rephdr *rp = (struct rc_rephdr *)c->c_sbuf;
	struct rs_req q;
	size_t body;
	uint64_t cookie;
	int error;

	if (fill(c, sizeof(rq)) == -1)
		return -1;
	memcpy(&rq, c->c_in, sizeof(rq));
	if (rq.rq_len < sizeof(rq) || rq.rq_len > RC_MAXMSG)
		return -1; /* out of step: nothing more can be read safely */
	if (fill(c, rq.rq_len) == -1)
		return -1;
	body = rq.rq_len - sizeof(rq);
	memset(&q, 0, sizeof(q));
	q.q_p = c->c_in + sizeof(rq);
	q.q_end = q.q_p + body;
	q.q_out = c->c_sbuf + sizeof(*rp);
	if (rq.rq_op == RC_OP_FORK) {
		if (body != 0) {
			rs_bad(&q);
		} else if ((error = rs_fork_make(c, c->c_cred.uid, &cookie)) !=
		    0) {
			rs_result(&q, -1, error);
		} else {
			memcpy(rs_outstruct(&q, sizeof(cookie)), &cookie,
			    sizeof(cookie));
			rs_result(&q, 0, 0);
		}
	} else if (rq.rq_op == RC_OP_OPENREAD ||
	    rq.rq_op == RC_OP_GETDENTSPLUS) {
		if (rq.rq_op == RC_OP_OPENREAD)
			rs_openread(&q);
		else
			rs_getdentsplus(&q);
		if (!q.q_done)
			rs_bad(&q);
	} else {
		rs_dispatch(rq.rq_op, &q);
	}
	/* the request is done with: what follows it moves up */
	c->c_inlen -= rq.rq_len;
	memmove(c->c_in, c->c_in + rq.rq_len, c->c_inlen);
	if (rq.rq_flags & RC_RQ_NOREPLY)
		return 0;
	rp->rp_len = (uint32_t)(sizeof(*rp) + q.q_outlen);
	rp->rp_seq = rq.rq_seq;
	rp->rp_error = q.q_error;
	rp->rp_pad = 0;
	rp->rp_retval = q.q_rv;
	return send_all(c->c_fd, c->c_sbuf, rp->rp_len);
}

void
rs_conn_serve(int fd, const struct rs_opts *o)
{
	struct rs_conn c;

	memset(&c, 0, sizeof(c));
	c.c_fd = fd;
	c.c_in = malloc(RC_MAXMSG);
	c.c_sbuf = malloc(RC_MAXMSG + sizeof(struct rc_rephdr));
	if (c.c_in != NULL && c.c_sbuf != NULL && handshake(&c, o) == 0)
		while (serve_one(&c) == 0)
			;
	rs_fork_drop(&c);
	/* the process goes with its last lwp, closing its files */
	if (rump_pub_lwproc_curlwp() != NULL)
		rump_pub_lwproc_releaselwp();
	free(c.c_in);
	free(c.c_sbuf);
}
