/*
 * The side calls: each goes to libukfs for an image and to the host's
 * system call of the same name otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "side.h"

#define HOST(s) ((s)->u == NULL)

/*
 * Host files and directories are read without moving their atimes
 * (O_NOATIME, allowed to their owner and root), so a copy or makefs's two
 * walks leave the source tree as it was.
 */
static int
host_open(int dirfd, const char *path, int flags, mode_t mode)
{
	int fd;

	if ((flags & O_ACCMODE) == O_RDONLY) {
		fd = openat(dirfd, path, flags | O_CLOEXEC | O_NOATIME, mode);
		if (fd != -1 || errno != EPERM)
			return fd;
	}
	return openat(dirfd, path, flags | O_CLOEXEC, mode);
}

int
side_openat(
    const struct side *s, int dirfd, const char *path, int flags, mode_t mode)
{
	if (HOST(s))
		return host_open(dirfd, path, flags, mode);
	return ukfs_openat(s->u, dirfd, path, flags, mode & ~s->cmask);
}

int
side_close(const struct side *s, int fd)
{
	return HOST(s) ? close(fd) : ukfs_close(s->u, fd);
}

ssize_t
side_pread(const struct side *s, int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	if (!HOST(s))
		return ukfs_pread(s->u, fd, buf, len, off);
	while ((n = pread(fd, buf, len, off)) == -1 && errno == EINTR)
		;
	return n;
}

ssize_t
side_pwrite(
    const struct side *s, int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;

	if (!HOST(s))
		return ukfs_pwrite(s->u, fd, buf, len, off);
	while ((n = pwrite(fd, buf, len, off)) == -1 && errno == EINTR)
		;
	return n;
}

off_t
side_lseek(const struct side *s, int fd, off_t off, int whence)
{
	return HOST(s) ? lseek(fd, off, whence)
	               : ukfs_lseek(s->u, fd, off, whence);
}

int
side_ftruncate(const struct side *s, int fd, off_t len)
{
	return HOST(s) ? ftruncate(fd, len) : ukfs_ftruncate(s->u, fd, len);
}

int
side_fstat(const struct side *s, int fd, struct stat *st)
{
	return HOST(s) ? fstat(fd, st) : ukfs_fstat(s->u, fd, st);
}

int
side_fstatat(const struct side *s, int dirfd, const char *path, struct stat *st,
    int flags)
{
	return HOST(s) ? fstatat(dirfd, path, st, flags)
	               : ukfs_fstatat(s->u, dirfd, path, st, flags);
}

ssize_t
side_readlinkat(
    const struct side *s, int dirfd, const char *path, char *buf, size_t len)
{
	return HOST(s) ? readlinkat(dirfd, path, buf, len)
	               : ukfs_readlinkat(s->u, dirfd, path, buf, len);
}

int
side_mkdirat(const struct side *s, int dirfd, const char *path, mode_t mode)
{
	return HOST(s) ? mkdirat(dirfd, path, mode)
	               : ukfs_mkdirat(s->u, dirfd, path, mode & ~s->cmask);
}

int
side_mknodat(
    const struct side *s, int dirfd, const char *path, mode_t mode, dev_t dev)
{
	if (HOST(s))
		return mknodat(dirfd, path, mode, dev);
	return ukfs_mknodat(s->u, dirfd, path, mode & ~s->cmask, dev);
}

int
side_symlinkat(
    const struct side *s, const char *target, int dirfd, const char *path)
{
	return HOST(s) ? symlinkat(target, dirfd, path)
	               : ukfs_symlinkat(s->u, target, dirfd, path);
}

int
side_linkat(const struct side *s, int olddirfd, const char *old, int newdirfd,
    const char *path)
{
	return HOST(s) ? linkat(olddirfd, old, newdirfd, path, 0)
	               : ukfs_linkat(s->u, olddirfd, old, newdirfd, path, 0);
}

int
side_unlinkat(const struct side *s, int dirfd, const char *path, int flags)
{
	return HOST(s) ? unlinkat(dirfd, path, flags)
	               : ukfs_unlinkat(s->u, dirfd, path, flags);
}

int
side_fchownat(const struct side *s, int dirfd, const char *path, uid_t uid,
    gid_t gid, int flags)
{
	return HOST(s) ? fchownat(dirfd, path, uid, gid, flags)
	               : ukfs_fchownat(s->u, dirfd, path, uid, gid, flags);
}

int
side_fchmodat(
    const struct side *s, int dirfd, const char *path, mode_t mode, int flags)
{
	return HOST(s) ? fchmodat(dirfd, path, mode, flags)
	               : ukfs_fchmodat(s->u, dirfd, path, mode, flags);
}

int
side_utimensat(const struct side *s, int dirfd, const char *path,
    const struct timespec ts[2], int flags)
{
	return HOST(s) ? utimensat(dirfd, path, ts, flags)
	               : ukfs_utimensat(s->u, dirfd, path, ts, flags);
}

int
side_fchown(const struct side *s, int fd, uid_t uid, gid_t gid)
{
	return HOST(s) ? fchown(fd, uid, gid) : ukfs_fchown(s->u, fd, uid, gid);
}

int
side_fchmod(const struct side *s, int fd, mode_t mode)
{
	return HOST(s) ? fchmod(fd, mode) : ukfs_fchmod(s->u, fd, mode);
}

int
side_futimens(const struct side *s, int fd, const struct timespec ts[2])
{
	return HOST(s) ? futimens(fd, ts) : ukfs_futimens(s->u, fd, ts);
}

/* --- directories ---------------------------------------------------------- */

struct side_dir {
	DIR *host;
	struct ukfs_dir *img;
};

struct side_dir *
side_opendirat(const struct side *s, int dirfd, const char *path, int follow)
{
	struct side_dir *d;
	int fd, error;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	if (!HOST(s)) {
		/* an image's directories are checked by the walk's lstat */
		d->img = ukfs_opendirat(s->u, dirfd, path);
		if (d->img != NULL)
			return d;
	} else {
		fd = host_open(dirfd, path,
		    O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW), 0);
		if (fd != -1 && (d->host = fdopendir(fd)) == NULL) {
			error = errno;
			close(fd);
			errno = error;
		}
		if (d->host != NULL)
			return d;
	}
	error = errno;
	free(d);
	errno = error;
	return NULL;
}

static int
dots(const char *name)
{
	return name[0] == '.' &&
	    (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

int
side_readdir(struct side_dir *d, const char **name, int *type)
{
	struct ukfs_dirent ude;
	struct dirent *de;
	int rv, t;

	for (;;) {
		if (d->img != NULL) {
			rv = ukfs_readdir(d->img, &ude);
			if (rv != 1)
				return rv;
			*name = ude.d_name;
			t = (int)ude.d_type;
		} else {
			errno = 0;
			de = readdir(d->host);
			if (de == NULL)
				return errno ? -1 : 0;
			*name = de->d_name;
			t = de->d_type;
		}
		if (!dots(*name)) {
			if (type != NULL)
				*type = t;
			return 1;
		}
	}
}

int
side_dirfd(struct side_dir *d)
{
	return d->img != NULL ? ukfs_dirfd(d->img) : dirfd(d->host);
}

int
side_closedir(struct side_dir *d)
{
	int rv;

	if (d == NULL)
		return 0;
	rv = d->img != NULL ? ukfs_closedir(d->img) : closedir(d->host);
	free(d);
	return rv;
}

const char *
side_name(const struct side *s, const char *path)
{
	static char *buf;
	static size_t cap;
	size_t need;

	if (HOST(s))
		return path;
	need = strlen(s->image) + 1 + strlen(path) + 1;
	if (need > cap) {
		char *p = realloc(buf, need);

		if (p == NULL)
			return path;
		buf = p;
		cap = need;
	}
	snprintf(buf, cap, "%s:%s", s->image, path);
	return buf;
}
