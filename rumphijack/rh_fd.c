/*
 * The table of the server's descriptors, indexed by the host number the
 * program sees.  Each host number is held open on /dev/null (close on
 * exec: the server's descriptors do not survive an exec, and a program
 * after it must not write into /dev/null thinking it a file).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

#define RH_MAXFD 65536

struct rh_fdent {
	int rfd; /* server descriptor + 1; 0: not ours */
	int hflags; /* open flags, host values (F_GETFL) */
	int cloexec;
	char *path; /* host path, or NULL */
};

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rh_fdent fds[RH_MAXFD];

int
rh_rfd_nosync(int fd)
{
	if (fd < 0 || fd >= RH_MAXFD)
		return -1;
	return __atomic_load_n(&fds[fd].rfd, __ATOMIC_ACQUIRE) - 1;
}

int
rh_rfd(int fd)
{
	if (rh_rc_has(fd))
		rh_rc_sync(fd);
	return rh_rfd_nosync(fd);
}

/* A host number held open on /dev/null: the lowest free one, or atfd. */
static int
reserve(int atfd)
{
	int fd, nfd;

	fd = REAL(open)("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd == -1 || atfd == -1 || fd == atfd)
		return fd;
	if (atfd == rumpclient_fd())
		rumpclient_movefd(1000);
	nfd = REAL(dup3)(fd, atfd, O_CLOEXEC);
	REAL(close)(fd);
	return nfd;
}

int
rh_fd_attach(int rfd, int atfd, int hflags, int cloexec, const char *hpath)
{
	struct rh_fdent *e;
	char *p = NULL;
	int fd, old;

	if (hpath != NULL && (p = strdup(hpath)) == NULL) {
		rump_sys_close(rfd);
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_lock(&fd_lock);
	fd = reserve(atfd);
	if (fd == -1 || fd >= RH_MAXFD) {
		int error = fd == -1 ? errno : EMFILE;

		if (fd != -1 && fd != atfd)
			REAL(close)(fd);
		pthread_mutex_unlock(&fd_lock);
		free(p);
		rump_sys_close(rfd);
		errno = error;
		return -1;
	}
	e = &fds[fd];
	old = e->rfd - 1;
	rh_rc_drop(fd); /* dup2 over a file read ahead */
	free(e->path);
	e->path = p;
	e->hflags = hflags;
	e->cloexec = cloexec;
	__atomic_store_n(&e->rfd, rfd + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&fd_lock);
	if (old != -1) /* dup2 over one of ours */
		rump_sys_close(old);
	return fd;
}

int
rh_fd_close(int fd, int noreply)
{
	struct rh_fdent *e;
	int rfd, rv;

	if (fd < 0 || fd >= RH_MAXFD) {
		errno = EBADF;
		return -1;
	}
	pthread_mutex_lock(&fd_lock);
	e = &fds[fd];
	rfd = e->rfd - 1;
	__atomic_store_n(&e->rfd, 0, __ATOMIC_RELEASE);
	rh_rc_drop(fd);
	free(e->path);
	e->path = NULL;
	if (rfd != -1)
		REAL(close)(fd);
	pthread_mutex_unlock(&fd_lock);
	if (rfd == -1) {
		errno = EBADF;
		return -1;
	}
	rv = noreply ? rumpclient_close_noreply(rfd) : rump_sys_close(rfd);
	return rv;
}

int
rh_fd_flags(int fd, int *hflags, int *cloexec)
{
	if (rh_rfd(fd) == -1) {
		errno = EBADF;
		return -1;
	}
	pthread_mutex_lock(&fd_lock);
	*hflags = fds[fd].hflags;
	*cloexec = fds[fd].cloexec;
	pthread_mutex_unlock(&fd_lock);
	return 0;
}

void
rh_fd_setflags(int fd, int hflags, int cloexec)
{
	if (rh_rfd(fd) == -1)
		return;
	pthread_mutex_lock(&fd_lock);
	fds[fd].hflags = hflags;
	fds[fd].cloexec = cloexec;
	pthread_mutex_unlock(&fd_lock);
}

const char *
rh_fd_path(int fd, char *buf, size_t len)
{
	const char *rv = NULL;

	if (rh_rfd(fd) == -1)
		return NULL;
	pthread_mutex_lock(&fd_lock);
	if (fds[fd].path != NULL && strlen(fds[fd].path) < len) {
		strcpy(buf, fds[fd].path);
		rv = buf;
	}
	pthread_mutex_unlock(&fd_lock);
	return rv;
}

/*
 * The program is about to put a host file at fd (dup2, or the host
 * gave the number out after a close behind our back): forget ours.
 */
void
rh_fd_vacate(int fd)
{
	if (fd == rumpclient_fd())
		rumpclient_movefd(1000);
	if (rh_rfd(fd) != -1) {
		int rfd;

		rh_rc_drop(fd);
		pthread_mutex_lock(&fd_lock);
		rfd = fds[fd].rfd - 1;
		fds[fd].rfd = 0;
		free(fds[fd].path);
		fds[fd].path = NULL;
		pthread_mutex_unlock(&fd_lock);
		if (rfd != -1)
			rump_sys_close(rfd);
	}
}

int
rh_fd_inherit(char *buf, size_t len, int set)
{
	size_t used = 0;
	int fd, n = 0, w;

	if (len > 0)
		buf[0] = '\0';
	pthread_mutex_lock(&fd_lock);
	for (fd = 0; fd < RH_MAXFD; fd++) {
		if (fds[fd].rfd == 0 || fds[fd].cloexec)
			continue;
		if (set) {
			w = snprintf(buf + used, len - used, "%s%d:%d",
			    n ? "," : "", fd, fds[fd].rfd - 1);
			if (w < 0 || (size_t)w >= len - used)
				break; /* the rest stay behind */
			used += (size_t)w;
		}
		REAL(fcntl)(fd, F_SETFD, set ? 0 : FD_CLOEXEC);
		n++;
	}
	pthread_mutex_unlock(&fd_lock);
	return n;
}

/* RUMPHIJACK_FDS=sock,pid;host:server,... from the program before. */
void
rh_fd_adopt(void)
{
	const char *env = getenv(RH_FDSENV), *p;
	int sock, pid, h, r, n;

	if (env == NULL)
		return;
	if (sscanf(env, "%d,%d;%n", &sock, &pid, &n) == 2 &&
	    rumpclient_adoptfd(sock, pid) == 0) {
		p = env + n;
		while (sscanf(p, "%d:%d%n", &h, &r, &n) == 2) {
			if (h >= 0 && h < RH_MAXFD && r >= 0 &&
			    rh_fd_attach(r, h, O_RDWR | O_LARGEFILE, 0, NULL) == h)
				rh_stdio_adopt(h);
			p += n;
			if (*p++ != ',')
				break;
		}
	}
	unsetenv(RH_FDSENV);
}
