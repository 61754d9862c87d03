/*
 * Opening and closing: open/openat and their 64-bit, fortified and
 * creat forms, close, close_range, dup, dup2, dup3, fcntl.
 */
#include <sys/random.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

/* What F_GETFL shows for a file opened with flags. */
#define KEEPFLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_SYNC | O_DSYNC)

/* The host form of rpath relative to dirfd (for fchdir and getcwd). */
static void
host_of(int dirfd, const char *rpath, char *out, size_t len)
{
	char base[RH_PATHMAX];
	int n = -1;

	if (rpath[0] == '/')
		n = rh_hostpath(rpath, out, len) == 0 ? 0 : -1;
	else if (rh_fd_path(dirfd, base, sizeof(base)) != NULL)
		n = snprintf(out, len, "%s/%s", base, rpath);
	if (n < 0 || (size_t)n >= len)
		out[0] = '\0'; /* not known: no fchdir to it */
	else
		rh_clean(out);
}

/*
 * An open for reading: the file's status and first bytes come with it,
 * kept for the fstat and reads that follow (rh_rcache.c).
 */
static int
rump_openread(int dirfd, const char *rpath, int rdirfd, int flags, int rflags)
{
	char hpath[RH_PATHMAX];
	struct rump_stat st;
	unsigned char *buf;
	size_t len = RH_RCMAX;
	int rfd, fd, gotst;

	if ((buf = malloc(RH_RCMAX)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rfd = rumpclient_openread(rdirfd, rpath, rflags, 0, &st, &gotst, buf,
	    &len);
	if (rfd == -1) {
		free(buf);
		return -1;
	}
	host_of(dirfd, rpath, hpath, sizeof(hpath));
	fd = rh_fd_attach(rfd, -1, (flags & KEEPFLAGS) | O_LARGEFILE,
	    (flags & O_CLOEXEC) != 0, hpath[0] != '\0' ? hpath : NULL);
	if (fd != -1 && gotst) /* (without status, nothing was read) */
		rh_rc_set(fd, rfd, &st, buf, len, RH_RCMAX);
	free(buf);
	return fd;
}

static int
rump_open(int dirfd, const char *rpath, int rdirfd, int flags, mode_t mode)
{
	char hpath[RH_PATHMAX];
	int rflags, rfd;

	if ((flags & O_TMPFILE) == O_TMPFILE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	/* O_PATH: a read-only open stands in (it needs read permission) */
	if (flags & O_PATH)
		flags = (flags & ~(O_PATH | O_ACCMODE | O_CREAT | O_TRUNC)) |
		    O_RDONLY;
	if (ukfs_conv_oflags(flags, &rflags) == -1)
		return -1;
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC)))
		return rump_openread(dirfd, rpath, rdirfd, flags, rflags);
	rh_rc_changed(); /* a file about to change: read-ahead goes */
	rfd = rump_sys_openat(rdirfd, rpath, rflags, (uint32_t)(mode & 07777));
	if (rfd == -1)
		return -1;
	host_of(dirfd, rpath, hpath, sizeof(hpath));
	return rh_fd_attach(rfd, -1, (flags & KEEPFLAGS) | O_LARGEFILE,
	    (flags & O_CLOEXEC) != 0, hpath[0] != '\0' ? hpath : NULL);
}

static mode_t
mode_arg(int flags, va_list ap)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

static int
do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	char rpath[RH_PATHMAX];
	int rdirfd;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		if (dirfd == AT_FDCWD)
			return REAL(open)(path, flags, mode);
		return REAL(openat)(dirfd, path, flags, mode);
	case RH_ERROR:
		return -1;
	default:
		return rump_open(dirfd, rpath, rdirfd, flags, mode);
	}
}

RH_API int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags, mode);
}

RH_API int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

RH_API int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags, mode);
}

RH_API int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags | O_LARGEFILE, mode);
}

RH_API int
__open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

RH_API int
__open64_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

RH_API int
__openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

RH_API int
__openat64_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags | O_LARGEFILE, 0);
}

RH_API int
creat(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

RH_API int
creat64(const char *path, mode_t mode)
{
	return do_openat(
	    AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_LARGEFILE, mode);
}

RH_API int
close(int fd)
{
	/* nothing to write back: no need to wait for the server */
	if (rh_rc_drop(fd))
		return rh_fd_close(fd, 1);
	if (rh_rfd(fd) != -1)
		return rh_fd_close(fd, 0);
	if (fd >= 0 && fd == rumpclient_fd())
		return 0; /* our connection: the program never opened it */
	return REAL(close)(fd);
}

RH_API int
close_range(unsigned first, unsigned last, int flags)
{
	int sock = rumpclient_fd();
	unsigned fd;

	if (first > last) {
		errno = EINVAL;
		return -1;
	}
	if (!(flags & CLOSE_RANGE_CLOEXEC))
		for (fd = first; fd <= last && fd < 65536; fd++)
			if (rh_rfd((int)fd) != -1)
				rh_fd_close((int)fd, 0);
	/* keep the connection open: close around it */
	if (sock >= 0 && (unsigned)sock >= first && (unsigned)sock <= last) {
		int rv = 0;

		if ((unsigned)sock > first)
			rv = REAL(close_range)(first, (unsigned)sock - 1, flags);
		if (rv == 0 && (unsigned)sock < last)
			rv = REAL(close_range)((unsigned)sock + 1, last, flags);
		return rv;
	}
	return REAL(close_range)(first, last, flags);
}

static int
rump_dup(int fd, int atfd, int cloexec)
{
	int hflags, ce, rfd;

	if (rh_fd_flags(fd, &hflags, &ce) == -1)
		return -1;
	if ((rfd = rump_sys_dup(rh_rfd(fd))) == -1)
		return -1;
	{
		char buf[RH_PATHMAX];

		return rh_fd_attach(rfd, atfd, hflags, cloexec,
		    rh_fd_path(fd, buf, sizeof(buf)));
	}
}

RH_API int
dup(int fd)
{
	if (rh_rfd(fd) == -1)
		return REAL(dup)(fd);
	return rump_dup(fd, -1, 0);
}

RH_API int
dup3(int from, int to, int flags)
{
	if (from == to) {
		errno = EINVAL;
		return -1;
	}
	if (rh_rfd(from) == -1) {
		rh_fd_vacate(to);
		return REAL(dup3)(from, to, flags);
	}
	if (to < 0 || (flags & ~O_CLOEXEC) != 0) {
		errno = to < 0 ? EBADF : EINVAL;
		return -1;
	}
	return rump_dup(from, to, (flags & O_CLOEXEC) != 0);
}

RH_API int
dup2(int from, int to)
{
	if (from == to) {
		if (rh_rfd(from) != -1)
			return to;
		return REAL(dup2)(from, to);
	}
	if (rh_rfd(from) == -1) {
		rh_fd_vacate(to);
		return REAL(dup2)(from, to);
	}
	return dup3(from, to, 0);
}

static int
rump_fcntl(int fd, int cmd, void *arg)
{
	int hflags, cloexec, rfd;
	struct flock *fl;

	if (rh_fd_flags(fd, &hflags, &cloexec) == -1)
		return -1;
	switch (cmd) {
	case F_GETFD:
		return cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		rh_fd_setflags(fd, hflags, ((intptr_t)arg & FD_CLOEXEC) != 0);
		return 0;
	case F_GETFL:
		return hflags;
	case F_SETFL:
		/* O_APPEND cannot change on the server's side */
		if (((intptr_t)arg ^ hflags) & O_APPEND) {
			errno = EINVAL;
			return -1;
		}
		rh_fd_setflags(fd, (hflags & ~O_NONBLOCK) |
		    ((int)(intptr_t)arg & O_NONBLOCK), cloexec);
		return 0;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* the lowest free number at or above arg */
		if ((rfd = rump_sys_dup(rh_rfd(fd))) == -1)
			return -1;
		{
			int min = (int)(intptr_t)arg, hfd;
			char buf[RH_PATHMAX];

			hfd = REAL(fcntl)(fd, F_DUPFD_CLOEXEC, min);
			if (hfd == -1) {
				rump_sys_close(rfd);
				return -1;
			}
			REAL(close)(hfd);
			/* taken back at once: free again for attach */
			/* the copy keeps the path (fchdir, fstatat) */
			return rh_fd_attach(rfd, hfd, hflags,
			    cmd == F_DUPFD_CLOEXEC,
			    rh_fd_path(fd, buf, sizeof(buf)));
		}
	case F_GETLK:
	case F_OFD_GETLK:
		/* no record locks on the server: nothing is ever locked */
		fl = arg;
		fl->l_type = F_UNLCK;
		return 0;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

RH_API int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (rh_rfd(fd) != -1)
		return rump_fcntl(fd, cmd, arg);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
		int nfd = REAL(fcntl)(fd, cmd, arg);

		return nfd;
	}
	return REAL(fcntl)(fd, cmd, arg);
}

RH_API int
fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (rh_rfd(fd) != -1)
		return rump_fcntl(fd, cmd, arg);
	return REAL(fcntl64)(fd, cmd, arg);
}

/*
 * Temporary files under the prefix: glibc's mkstemp opens with its
 * internal open, so the names are tried here (O_EXCL, 6 random letters).
 */
static int
rump_mktemp(char *tmpl, int suffixlen, int flags, int dir)
{
	static const char letters[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char rpath[RH_PATHMAX];
	size_t len = strlen(tmpl);
	unsigned char rnd[6];
	char *x;
	int i, tries, fd;

	if (suffixlen < 0 || len < (size_t)suffixlen + 6 ||
	    strncmp(tmpl + len - suffixlen - 6, "XXXXXX", 6) != 0) {
		errno = EINVAL;
		return -1;
	}
	x = tmpl + len - suffixlen - 6;
	for (tries = 0; tries < 1000; tries++) {
		if (getentropy(rnd, sizeof(rnd)) == -1)
			return -1;
		for (i = 0; i < 6; i++)
			x[i] = letters[rnd[i] % (sizeof(letters) - 1)];
		if (dir) {
			if (rh_path1(tmpl, rpath) != RH_RUMP)
				return -1;
			if (rump_sys_mkdir(rpath, 0700) == 0)
				return 0;
			if (errno != EEXIST)
				return -1;
			continue;
		}
		fd = do_openat(AT_FDCWD, tmpl,
		    (flags & ~O_ACCMODE) | O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int
is_rump(const char *path)
{
	char rpath[RH_PATHMAX];

	return rh_path1(path, rpath) == RH_RUMP;
}

RH_API int
mkstemp(char *tmpl)
{
	if (!is_rump(tmpl))
		return REAL(mkstemp)(tmpl);
	return rump_mktemp(tmpl, 0, 0, 0);
}

RH_API int
mkstemp64(char *tmpl)
{
	return mkstemp(tmpl);
}

RH_API int
mkostemp(char *tmpl, int flags)
{
	if (!is_rump(tmpl))
		return REAL(mkostemp)(tmpl, flags);
	return rump_mktemp(tmpl, 0, flags, 0);
}

RH_API int
mkostemp64(char *tmpl, int flags)
{
	return mkostemp(tmpl, flags);
}

RH_API int
mkstemps(char *tmpl, int suffixlen)
{
	if (!is_rump(tmpl))
		return REAL(mkstemps)(tmpl, suffixlen);
	return rump_mktemp(tmpl, suffixlen, 0, 0);
}

RH_API int
mkostemps(char *tmpl, int suffixlen, int flags)
{
	if (!is_rump(tmpl))
		return REAL(mkostemps)(tmpl, suffixlen, flags);
	return rump_mktemp(tmpl, suffixlen, flags, 0);
}

RH_API char *
mkdtemp(char *tmpl)
{
	if (!is_rump(tmpl))
		return REAL(mkdtemp)(tmpl);
	return rump_mktemp(tmpl, 0, 0, 1) == 0 ? tmpl : NULL;
}
