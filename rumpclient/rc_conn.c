/*
 * The connection to the server: the address, the hello, and what a fork
 * does to it (the child takes a copy of the process that the parent
 * asked the server for just before the fork).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rc_int.h"

struct rc_conn rc_conn = {
	.rc_lock = PTHREAD_MUTEX_INITIALIZER,
	.rc_fd = -1,
	.rc_minfd = 256,
	.rc_pid = -1,
};

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static uint64_t fork_cookie; /* from the prepare handler to the child */

int
rc_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? EPIPE : errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
rc_recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? ECONNRESET : errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "unix:///abs/path" or "unix://rel/path" into a socket address. */
static int
parse_url(const char *url, struct sockaddr_un *sun)
{
	const char *path;

	if (url == NULL || strncmp(url, "unix://", 7) != 0)
		return EINVAL;
	path = url + 7;
	if (path[0] == '\0' || strlen(path) >= sizeof(sun->sun_path))
		return EINVAL;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	return 0;
}

/* Keep the socket out of the way of the program's own descriptors. */
static int
move_high(int fd, int minfd)
{
	int nfd;

	if (fd >= minfd)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, minfd);
	if (nfd == -1)
		return fd;
	close(fd);
	return nfd;
}

static void
atfork_prepare(void)
{
	struct rc_call c;
	uint64_t cookie = 0;

	fork_cookie = 0;
	/* held across the fork: no call is half-done in the child */
	pthread_mutex_lock(&rc_conn.rc_lock);
	if (rc_conn.rc_fd == -1)
		return;
	/* rc_begin/rc_call without taking the lock we hold */
	memset(&c, 0, sizeof(c));
	c.c_buf = rc_conn.rc_sbuf;
	c.c_len = sizeof(struct rc_reqhdr);
	((struct rc_reqhdr *)c.c_buf)->rq_op = RC_OP_FORK;
	if (rc_call_locked(&c) == 0 && c.c_rv == 0 &&
	    c.c_rlen == sizeof(cookie))
		memcpy(&cookie, c.c_rp, sizeof(cookie));
	fork_cookie = cookie;
}

static void
atfork_parent(void)
{
	pthread_mutex_unlock(&rc_conn.rc_lock);
}

static void
atfork_child(void)
{
	if (rc_conn.rc_fd != -1) {
		close(rc_conn.rc_fd); /* the parent's connection */
		rc_conn.rc_fd = -1;
		rc_conn.rc_pid = -1;
		/* no copy: the child starts without the parent's files */
		rc_conn.rc_cookie = fork_cookie;
	}
	pthread_mutex_unlock(&rc_conn.rc_lock);
}

static void
atfork_register(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

static int
hello(int fd, uint32_t kind, uint64_t cookie)
{
	struct rc_hello h;
	struct rc_welcome w;
	mode_t mask;
	int error;

	mask = umask(022);
	umask(mask);
	memset(&h, 0, sizeof(h));
	h.h_magic = RC_MAGIC;
	h.h_version = RC_VERSION;
	h.h_kind = kind;
	h.h_umask = (uint32_t)mask;
	h.h_cookie = cookie;
	if ((error = rc_send_all(fd, &h, sizeof(h))) != 0 ||
	    (error = rc_recv_all(fd, &w, sizeof(w))) != 0)
		return error;
	if (w.w_magic != RC_MAGIC || w.w_version != RC_VERSION)
		return EPROTO;
	if (w.w_error != 0)
		return w.w_error > 0 && w.w_error < 4096 ? w.w_error : EPROTO;
	rc_conn.rc_pid = w.w_pid;
	return 0;
}

int
rc_connect_locked(void)
{
	struct sockaddr_un sun;
	const char *url;
	uint64_t cookie;
	int fd, error;

	if (rc_conn.rc_fd != -1)
		return 0;
	url = rc_conn.rc_url != NULL ? rc_conn.rc_url : getenv("RUMP_SERVER");
	if (url == NULL)
		return ENOTCONN;
	if ((error = parse_url(url, &sun)) != 0)
		return error;
	if (rc_conn.rc_sbuf == NULL) {
		rc_conn.rc_sbuf = malloc(RC_MAXMSG);
		rc_conn.rc_rbuf = malloc(RC_MAXMSG);
		if (rc_conn.rc_sbuf == NULL || rc_conn.rc_rbuf == NULL)
			return ENOMEM;
	}
	pthread_once(&atfork_once, atfork_register);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		error = errno;
		close(fd);
		return error;
	}
	fd = move_high(fd, rc_conn.rc_minfd);
	/* A fork's cookie is good once: after it, a new process. */
	cookie = rc_conn.rc_cookie;
	rc_conn.rc_cookie = 0;
	error = hello(fd, cookie ? RC_HELLO_FORK : RC_HELLO_NEW, cookie);
	if (error != 0) {
		close(fd);
		return error;
	}
	rc_conn.rc_fd = fd;
	rc_conn.rc_seq = 0;
	return 0;
}

void
rc_disconnect_locked(void)
{
	if (rc_conn.rc_fd != -1)
		close(rc_conn.rc_fd);
	rc_conn.rc_fd = -1;
	rc_conn.rc_pid = -1;
}

RC_PUBLIC int
rumpclient_init(const char *url)
{
	int error;

	pthread_mutex_lock(&rc_conn.rc_lock);
	if (url != NULL) {
		char *u = strdup(url);

		if (u == NULL) {
			pthread_mutex_unlock(&rc_conn.rc_lock);
			errno = ENOMEM;
			return -1;
		}
		rc_disconnect_locked();
		free(rc_conn.rc_url);
		rc_conn.rc_url = u;
	}
	error = rc_connect_locked();
	pthread_mutex_unlock(&rc_conn.rc_lock);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}

RC_PUBLIC int
rumpclient_getpid(void)
{
	int pid;

	pthread_mutex_lock(&rc_conn.rc_lock);
	pid = rc_conn.rc_fd != -1 ? rc_conn.rc_pid : -1;
	pthread_mutex_unlock(&rc_conn.rc_lock);
	return pid;
}

RC_PUBLIC int
rumpclient_fd(void)
{
	return __atomic_load_n(&rc_conn.rc_fd, __ATOMIC_RELAXED);
}

RC_PUBLIC int
rumpclient_movefd(int minfd)
{
	int fd;

	if (minfd < 0) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&rc_conn.rc_lock);
	rc_conn.rc_minfd = minfd;
	if (rc_conn.rc_fd != -1) {
		fd = fcntl(rc_conn.rc_fd, F_DUPFD_CLOEXEC, minfd);
		if (fd != -1) {
			close(rc_conn.rc_fd);
			rc_conn.rc_fd = fd;
		}
	}
	pthread_mutex_unlock(&rc_conn.rc_lock);
	return 0;
}

RC_PUBLIC int
rumpclient_keepfd(int keep)
{
	int fd = rumpclient_fd();

	if (fd == -1) {
		errno = ENOTCONN;
		return -1;
	}
	return fcntl(fd, F_SETFD, keep ? 0 : FD_CLOEXEC);
}

RC_PUBLIC int
rumpclient_adoptfd(int fd, int pid)
{
	int type, error = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM) {
		errno = EBADF;
		return -1;
	}
	pthread_mutex_lock(&rc_conn.rc_lock);
	if (rc_conn.rc_fd != -1)
		error = EBUSY;
	else if (rc_conn.rc_sbuf == NULL &&
	    ((rc_conn.rc_sbuf = malloc(RC_MAXMSG)) == NULL ||
	        (rc_conn.rc_rbuf = malloc(RC_MAXMSG)) == NULL))
		error = ENOMEM;
	if (error == 0) {
		pthread_once(&atfork_once, atfork_register);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		rc_conn.rc_fd = move_high(fd, rc_conn.rc_minfd);
		rc_conn.rc_pid = pid;
		rc_conn.rc_seq = 0;
	}
	pthread_mutex_unlock(&rc_conn.rc_lock);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}
