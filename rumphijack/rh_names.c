/*
 * Changes by name: mkdir, rmdir, unlink, rename, link, symlink, mknod,
 * chmod, chown, utimes, truncate; and the extended attributes, which the
 * server's file systems do not keep (ENOTSUP, as on a file system
 * without them).  A rename or link between the host and the server is
 * EXDEV, as between two file systems.
 */
#include <sys/time.h>
#include <sys/xattr.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "rh.h"

/* Declared by the headers only under conditions we do not want. */
int lchmod(const char *path, mode_t mode);

RH_API int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	char rpath[RH_PATHMAX];
	int rdirfd;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(mkdirat)(dirfd, path, mode);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		return rump_sys_mkdirat(rdirfd, rpath, (uint32_t)(mode & 07777));
	}
}

RH_API int
mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

RH_API int
unlinkat(int dirfd, const char *path, int flags)
{
	char rpath[RH_PATHMAX];
	int rdirfd, rflags;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(unlinkat)(dirfd, path, flags);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		if (ukfs_conv_atflags(flags, &rflags) == -1)
			return -1;
		return rump_sys_unlinkat(rdirfd, rpath, rflags);
	}
}

RH_API int
unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

RH_API int
rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

RH_API int
remove(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return rmdir(path);
	return unlink(path);
}

/* Both names on one side; EXDEV otherwise. */
static enum rh_where
two(int fd1, const char *p1, char *r1, int *rd1, int fd2, const char *p2,
    char *r2, int *rd2)
{
	enum rh_where w1 = rh_path(fd1, p1, r1, rd1);
	enum rh_where w2;

	if (w1 == RH_ERROR)
		return RH_ERROR;
	w2 = rh_path(fd2, p2, r2, rd2);
	if (w2 == RH_ERROR)
		return RH_ERROR;
	if (w1 != w2) {
		errno = EXDEV;
		return RH_ERROR;
	}
	return w1;
}

RH_API int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	char r1[RH_PATHMAX], r2[RH_PATHMAX];
	int rd1, rd2;

	switch (two(fd1, from, r1, &rd1, fd2, to, r2, &rd2)) {
	case RH_HOST:
		return REAL(renameat2)(fd1, from, fd2, to, flags);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		if (flags != 0) { /* no RENAME_NOREPLACE on the server */
			errno = EINVAL;
			return -1;
		}
		return rump_sys_renameat(rd1, r1, rd2, r2);
	}
}

RH_API int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	char r1[RH_PATHMAX], r2[RH_PATHMAX];
	int rd1, rd2;

	switch (two(fd1, from, r1, &rd1, fd2, to, r2, &rd2)) {
	case RH_HOST:
		return REAL(renameat)(fd1, from, fd2, to);
	case RH_ERROR:
		return -1;
	default:
		return rump_sys_renameat(rd1, r1, rd2, r2);
	}
}

RH_API int
rename(const char *from, const char *to)
{
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

RH_API int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	char r1[RH_PATHMAX], r2[RH_PATHMAX];
	int rd1, rd2, rflags;

	switch (two(fd1, from, r1, &rd1, fd2, to, r2, &rd2)) {
	case RH_HOST:
		return REAL(linkat)(fd1, from, fd2, to, flags);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		if (ukfs_conv_atflags(flags, &rflags) == -1)
			return -1;
		return rump_sys_linkat(rd1, r1, rd2, r2, rflags);
	}
}

RH_API int
link(const char *from, const char *to)
{
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

RH_API int
symlinkat(const char *target, int dirfd, const char *path)
{
	char rpath[RH_PATHMAX];
	int rdirfd;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(symlinkat)(target, dirfd, path);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		return rump_sys_symlinkat(target, rdirfd, rpath);
	}
}

RH_API int
symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}

RH_API int
mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	char rpath[RH_PATHMAX];
	int rdirfd;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(mknodat)(dirfd, path, mode, dev);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		return rump_sys_mknodat(rdirfd, rpath, (uint32_t)mode,
		    ukfs_conv_dev(dev));
	}
}

RH_API int
mknod(const char *path, mode_t mode, dev_t dev)
{
	return mknodat(AT_FDCWD, path, mode, dev);
}

RH_API int
mkfifoat(int dirfd, const char *path, mode_t mode)
{
	return mknodat(dirfd, path, S_IFIFO | (mode & 07777), 0);
}

RH_API int
mkfifo(const char *path, mode_t mode)
{
	return mkfifoat(AT_FDCWD, path, mode);
}

/* --- attributes ----------------------------------------------------------- */

RH_API int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	char rpath[RH_PATHMAX];
	int rdirfd, rflags;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(fchmodat)(dirfd, path, mode, flags);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		if (ukfs_conv_atflags(flags, &rflags) == -1)
			return -1;
		return rump_sys_fchmodat(
		    rdirfd, rpath, (uint32_t)(mode & 07777), rflags);
	}
}

RH_API int
chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

RH_API int
lchmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

RH_API int
fchmod(int fd, mode_t mode)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fchmod)(fd, mode);
	rh_rc_changed();
	return rump_sys_fchmod(rfd, (uint32_t)(mode & 07777));
}

RH_API int
fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	char rpath[RH_PATHMAX];
	int rdirfd, rflags;

	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && rh_rfd(dirfd) != -1) {
		rh_rc_changed();
		return rump_sys_fchown(rh_rfd(dirfd), uid, gid);
	}
	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(fchownat)(dirfd, path, uid, gid, flags);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		if (ukfs_conv_atflags(flags, &rflags) == -1)
			return -1;
		return rump_sys_fchownat(rdirfd, rpath, uid, gid, rflags);
	}
}

RH_API int
chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

RH_API int
lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

RH_API int
fchown(int fd, uid_t uid, gid_t gid)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fchown)(fd, uid, gid);
	rh_rc_changed();
	return rump_sys_fchown(rfd, uid, gid);
}

RH_API int
utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	struct rump_timespec rts[2];
	char rpath[RH_PATHMAX];
	int rdirfd, rflags;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(utimensat)(dirfd, path, ts, flags);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		if (ukfs_conv_atflags(flags, &rflags) == -1 ||
		    (ts != NULL && ukfs_conv_times(ts, rts) == -1))
			return -1;
		return rump_sys_utimensat(
		    rdirfd, rpath, ts != NULL ? rts : NULL, rflags);
	}
}

RH_API int
futimens(int fd, const struct timespec ts[2])
{
	struct rump_timespec rts[2];
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(futimens)(fd, ts);
	rh_rc_changed();
	if (ts != NULL && ukfs_conv_times(ts, rts) == -1)
		return -1;
	return rump_sys_futimens(rfd, ts != NULL ? rts : NULL);
}

static const struct timespec *
tv2ts(const struct timeval tv[2], struct timespec ts[2])
{
	int i;

	if (tv == NULL)
		return NULL;
	for (i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return ts;
}

RH_API int
utimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	return utimensat(AT_FDCWD, path, tv2ts(tv, ts), 0);
}

RH_API int
lutimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	return utimensat(AT_FDCWD, path, tv2ts(tv, ts), AT_SYMLINK_NOFOLLOW);
}

RH_API int
futimes(int fd, const struct timeval tv[2])
{
	struct timespec ts[2];

	return futimens(fd, tv2ts(tv, ts));
}

RH_API int
futimesat(int dirfd, const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];

	return utimensat(dirfd, path, tv2ts(tv, ts), 0);
}

RH_API int
utime(const char *path, const struct utimbuf *ub)
{
	struct timespec ts[2];

	if (ub == NULL)
		return utimensat(AT_FDCWD, path, NULL, 0);
	ts[0].tv_sec = ub->actime;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = ub->modtime;
	ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, 0);
}

RH_API int
truncate(const char *path, off_t len)
{
	char rpath[RH_PATHMAX];

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(truncate)(path, len);
	case RH_ERROR:
		return -1;
	default:
		rh_rc_changed();
		return rump_sys_truncate(rpath, len);
	}
}

RH_API int
truncate64(const char *path, off64_t len)
{
	return truncate(path, len);
}

/* Limits of names on the server's file systems. */
static long
rump_pathconf(int name)
{
	switch (name) {
	case _PC_NAME_MAX:
		return 255;
	case _PC_PATH_MAX:
		return RH_PATHMAX;
	case _PC_LINK_MAX:
		return 32000;
	case _PC_PIPE_BUF:
		return 4096;
	case _PC_CHOWN_RESTRICTED:
	case _PC_NO_TRUNC:
		return 1;
	case _PC_FILESIZEBITS:
		return 64;
	default:
		errno = EINVAL;
		return -1;
	}
}

RH_API long
pathconf(const char *path, int name)
{
	char rpath[RH_PATHMAX];
	struct rump_stat rs;

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(pathconf)(path, name);
	case RH_ERROR:
		return -1;
	default:
		if (rump_sys_stat(rpath, &rs) == -1)
			return -1;
		return rump_pathconf(name);
	}
}

RH_API long
fpathconf(int fd, int name)
{
	if (rh_rfd(fd) == -1)
		return REAL(fpathconf)(fd, name);
	return rump_pathconf(name);
}

/* --- extended attributes: none on the server ---------------------------------- */

static int
no_xattr_path(const char *path)
{
	char rpath[RH_PATHMAX];
	struct rump_stat rs;

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return 0;
	case RH_ERROR:
		return -1;
	default:
		/* a missing file is ENOENT, as it would be */
		if (rump_sys_lstat(rpath, &rs) == 0)
			errno = ENOTSUP;
		return -1;
	}
}

static int
no_xattr_fd(int fd)
{
	if (rh_rfd(fd) == -1)
		return 0;
	errno = ENOTSUP;
	return -1;
}

RH_API ssize_t
getxattr(const char *path, const char *name, void *v, size_t len)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(getxattr)(path, name, v, len);
}

RH_API ssize_t
lgetxattr(const char *path, const char *name, void *v, size_t len)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(lgetxattr)(path, name, v, len);
}

RH_API ssize_t
fgetxattr(int fd, const char *name, void *v, size_t len)
{
	if (no_xattr_fd(fd) == -1)
		return -1;
	return REAL(fgetxattr)(fd, name, v, len);
}

RH_API ssize_t
listxattr(const char *path, char *list, size_t len)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(listxattr)(path, list, len);
}

RH_API ssize_t
llistxattr(const char *path, char *list, size_t len)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(llistxattr)(path, list, len);
}

RH_API ssize_t
flistxattr(int fd, char *list, size_t len)
{
	if (no_xattr_fd(fd) == -1)
		return -1;
	return REAL(flistxattr)(fd, list, len);
}

RH_API int
setxattr(const char *path, const char *name, const void *v, size_t len,
    int flags)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(setxattr)(path, name, v, len, flags);
}

RH_API int
lsetxattr(const char *path, const char *name, const void *v, size_t len,
    int flags)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(lsetxattr)(path, name, v, len, flags);
}

RH_API int
fsetxattr(int fd, const char *name, const void *v, size_t len, int flags)
{
	if (no_xattr_fd(fd) == -1)
		return -1;
	return REAL(fsetxattr)(fd, name, v, len, flags);
}

RH_API int
removexattr(const char *path, const char *name)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(removexattr)(path, name);
}

RH_API int
lremovexattr(const char *path, const char *name)
{
	if (no_xattr_path(path) == -1)
		return -1;
	return REAL(lremovexattr)(path, name);
}

RH_API int
fremovexattr(int fd, const char *name)
{
	if (no_xattr_fd(fd) == -1)
		return -1;
	return REAL(fremovexattr)(fd, name);
}
