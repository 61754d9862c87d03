/* Attributes: stat in its variants, readlink, statvfs. */
#include <errno.h>
#include <fcntl.h>

#include "ukfs_int.h"

/* One kernel stat: dirfd/path with at-flags, or fstat when path is "". */
static int
kstat(struct ukfs *u, int dirfd, const char *path, int flags,
    struct rump_stat *rs)
{
	int rf, rv;

	if (ukfs_check(u, path) == -1 || ukfs_conv_atflags(flags, &rf) == -1)
		return -1;
	ukfs_enter(u);
	if (path[0] == '\0' && dirfd != AT_FDCWD)
		rv = rump_sys_fstat(dirfd, rs);
	else
		rv = rump_sys_fstatat(ukfs_conv_dirfd(dirfd), path, rs, rf);
	ukfs_leave(u);
	return rv;
}

int
ukfs_fstatat(
    struct ukfs *u, int dirfd, const char *path, struct stat *st, int flags)
{
	struct rump_stat rs;

	if (st == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (kstat(u, dirfd, path, flags, &rs) == -1)
		return -1;
	ukfs_conv_stat(&rs, st);
	return 0;
}

int
ukfs_stat(struct ukfs *u, const char *path, struct stat *st)
{
	return ukfs_fstatat(u, AT_FDCWD, path, st, 0);
}

int
ukfs_lstat(struct ukfs *u, const char *path, struct stat *st)
{
	return ukfs_fstatat(u, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int
ukfs_fstat(struct ukfs *u, int fd, struct stat *st)
{
	if (fd == AT_FDCWD) {
		errno = EBADF;
		return -1;
	}
	return ukfs_fstatat(u, fd, "", st, 0);
}

int
ukfs_xstat(struct ukfs *u, int dirfd, const char *path, struct ukfs_xstat *xst,
    int flags)
{
	struct rump_stat rs;

	if (xst == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (kstat(u, dirfd, path != NULL ? path : "", flags, &rs) == -1)
		return -1;
	ukfs_conv_xstat(&rs, xst);
	return 0;
}

ssize_t
ukfs_readlinkat(
    struct ukfs *u, int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t n;

	if (ukfs_check(u, path) == -1 || ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	n = (ssize_t)rump_sys_readlinkat(
	    ukfs_conv_dirfd(dirfd), path, buf, len);
	ukfs_leave(u);
	return n;
}

ssize_t
ukfs_readlink(struct ukfs *u, const char *path, char *buf, size_t len)
{
	return ukfs_readlinkat(u, AT_FDCWD, path, buf, len);
}

int
ukfs_statvfs(struct ukfs *u, const char *path, struct statvfs *sv)
{
	struct rump_statvfs rs;
	int rv;

	if (ukfs_check(u, path) == -1)
		return -1;
	if (sv == NULL) {
		errno = EFAULT;
		return -1;
	}
	ukfs_enter(u);
	rv = rump_sys_statvfs(path, &rs);
	ukfs_leave(u);
	if (rv == -1)
		return -1;
	ukfs_conv_statvfs(&rs, sv);
	return 0;
}
