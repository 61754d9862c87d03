/*
 * Attributes: the stat family (with statx and glibc's older __xstat
 * exports), statfs/statvfs, access/faccessat, readlink.
 */
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

void ukfs_conv_statvfs(const struct rump_statvfs *rs, struct statvfs *sv);

int
rh_fstat(int rfd, struct stat *st)
{
	struct rump_stat rs;

	if (rump_sys_fstat(rfd, &rs) == -1)
		return -1;
	ukfs_conv_stat(&rs, st);
	return 0;
}

static int
rump_statat(int rdirfd, const char *rpath, struct rump_stat *rs, int hflags)
{
	int rflags;

	if (rpath[0] == '\0') {
		if (!(hflags & AT_EMPTY_PATH)) {
			errno = ENOENT;
			return -1;
		}
		return rump_sys_fstat(rdirfd, rs);
	}
	if (ukfs_conv_atflags(hflags & ~(AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
	                                  AT_STATX_SYNC_TYPE),
	        &rflags) == -1)
		return -1;
	return rump_sys_fstatat(rdirfd, rpath, rs, rflags);
}

int
rh_statat(int rdirfd, const char *rpath, struct stat *st, int hflags)
{
	struct rump_stat rs;

	if (rump_statat(rdirfd, rpath, &rs, hflags) == -1)
		return -1;
	ukfs_conv_stat(&rs, st);
	return 0;
}

/* fstatat for every name: host or server. */
static int
do_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	char rpath[RH_PATHMAX];
	int rdirfd;

	if (path != NULL && path[0] == '\0' && (flags & AT_EMPTY_PATH) &&
	    rh_rfd(dirfd) != -1)
		return rh_fstat(rh_rfd(dirfd), st);
	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(fstatat)(dirfd, path, st, flags);
	case RH_ERROR:
		return -1;
	default:
		if (rh_dc_statat(dirfd, rdirfd, rpath, flags, st))
			return 0;
		return rh_statat(rdirfd, rpath, st, flags);
	}
}

RH_API int
stat(const char *path, struct stat *st)
{
	return do_fstatat(AT_FDCWD, path, st, 0);
}

RH_API int
lstat(const char *path, struct stat *st)
{
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

RH_API int
fstat(int fd, struct stat *st)
{
	struct rump_stat rs;
	int rfd;

	if (rh_rc_fstat(fd, &rs)) {
		ukfs_conv_stat(&rs, st);
		return 0;
	}
	rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fstat)(fd, st);
	return rh_fstat(rfd, st);
}

RH_API int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return do_fstatat(dirfd, path, st, flags);
}

/* On 64-bit Linux, struct stat64 is struct stat. */
RH_API int
stat64(const char *path, struct stat64 *st)
{
	return do_fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}

RH_API int
lstat64(const char *path, struct stat64 *st)
{
	return do_fstatat(
	    AT_FDCWD, path, (struct stat *)st, AT_SYMLINK_NOFOLLOW);
}

RH_API int
fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

RH_API int
fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return do_fstatat(dirfd, path, (struct stat *)st, flags);
}

RH_API int
__xstat(int ver, const char *path, struct stat *st)
{
	return do_fstatat(AT_FDCWD, path, st, 0);
}

RH_API int
__lxstat(int ver, const char *path, struct stat *st)
{
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

RH_API int
__fxstat(int ver, int fd, struct stat *st)
{
	return fstat(fd, st);
}

RH_API int
__fxstatat(int ver, int dirfd, const char *path, struct stat *st, int fl)
{
	return do_fstatat(dirfd, path, st, fl);
}

RH_API int
__xstat64(int ver, const char *path, struct stat64 *st)
{
	return do_fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}

RH_API int
__lxstat64(int ver, const char *path, struct stat64 *st)
{
	return do_fstatat(
	    AT_FDCWD, path, (struct stat *)st, AT_SYMLINK_NOFOLLOW);
}

RH_API int
__fxstat64(int ver, int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

RH_API int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int fl)
{
	return do_fstatat(dirfd, path, (struct stat *)st, fl);
}

static void
stx_time(struct statx_timestamp *t, const struct rump_timespec *ts)
{
	t->tv_sec = ts->tv_sec;
	t->tv_nsec = (uint32_t)ts->tv_nsec;
}

RH_API int
statx(int dirfd, const char *path, int flags, unsigned mask,
    struct statx *stx)
{
	char rpath[RH_PATHMAX];
	struct rump_stat rs;
	int rdirfd;

	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && rh_rfd(dirfd) != -1) {
		if (rump_sys_fstat(rh_rfd(dirfd), &rs) == -1)
			return -1;
	} else {
		switch (rh_path(dirfd, path, rpath, &rdirfd)) {
		case RH_HOST:
			return REAL(statx)(dirfd, path, flags, mask, stx);
		case RH_ERROR:
			return -1;
		default:
			if (!rh_dc_rstatat(dirfd, rdirfd, rpath, flags, &rs) &&
			    rump_statat(rdirfd, rpath, &rs, flags) == -1)
				return -1;
		}
	}
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = rs.st_blksize;
	stx->stx_nlink = rs.st_nlink;
	stx->stx_uid = rs.st_uid;
	stx->stx_gid = rs.st_gid;
	stx->stx_mode = (uint16_t)rs.st_mode;
	stx->stx_ino = rs.st_ino;
	stx->stx_size = (uint64_t)rs.st_size;
	stx->stx_blocks = (uint64_t)rs.st_blocks;
	stx_time(&stx->stx_atime, &rs.st_atim);
	stx_time(&stx->stx_mtime, &rs.st_mtim);
	stx_time(&stx->stx_ctime, &rs.st_ctim);
	if (rs.st_birthtim.tv_sec != -1) {
		stx->stx_mask |= STATX_BTIME;
		stx_time(&stx->stx_btime, &rs.st_birthtim);
	}
	stx->stx_rdev_major = RUMP_MAJOR(rs.st_rdev);
	stx->stx_rdev_minor = RUMP_MINOR(rs.st_rdev);
	stx->stx_dev_major = RUMP_MAJOR(rs.st_dev);
	stx->stx_dev_minor = RUMP_MINOR(rs.st_dev);
	return 0;
}

/* --- file systems --------------------------------------------------------- */

static long
fs_magic(const char *type)
{
	static const struct {
		const char *name;
		long magic;
	} magics[] = {
	    {"ext2fs", 0xef53}, {"ffs", 0x00011954}, {"lfs", 0x00011954},
	    {"msdos", 0x4d44}, {"cd9660", 0x9660}, {"rumpfs", 0x01021994},
	};
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (strcmp(type, magics[i].name) == 0)
			return magics[i].magic;
	return 0;
}

static void
conv_statfs(const struct rump_statvfs *rs, struct statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_type = fs_magic(rs->f_fstypename);
	sf->f_bsize = (long)rs->f_bsize;
	sf->f_frsize = (long)rs->f_frsize;
	sf->f_blocks = rs->f_blocks;
	sf->f_bfree = rs->f_bfree;
	sf->f_bavail = rs->f_bavail;
	sf->f_files = rs->f_files;
	sf->f_ffree = rs->f_ffree;
	memcpy(&sf->f_fsid, &rs->f_fsid,
	    sizeof(sf->f_fsid) < sizeof(rs->f_fsid) ? sizeof(sf->f_fsid) :
	                                              sizeof(rs->f_fsid));
	sf->f_namelen = (long)rs->f_namemax;
	if (rs->f_flag & RUMP_MNT_RDONLY)
		sf->f_flags |= ST_RDONLY;
}

RH_API int
statfs(const char *path, struct statfs *sf)
{
	struct rump_statvfs rs;
	char rpath[RH_PATHMAX];

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(statfs)(path, sf);
	case RH_ERROR:
		return -1;
	default:
		if (rump_sys_statvfs(rpath, &rs) == -1)
			return -1;
		conv_statfs(&rs, sf);
		return 0;
	}
}

RH_API int
statfs64(const char *path, struct statfs64 *sf)
{
	return statfs(path, (struct statfs *)sf);
}

RH_API int
fstatfs(int fd, struct statfs *sf)
{
	struct rump_statvfs rs;
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fstatfs)(fd, sf);
	if (rump_sys_fstatvfs(rfd, &rs) == -1)
		return -1;
	conv_statfs(&rs, sf);
	return 0;
}

RH_API int
fstatfs64(int fd, struct statfs64 *sf)
{
	return fstatfs(fd, (struct statfs *)sf);
}

RH_API int
statvfs(const char *path, struct statvfs *sv)
{
	struct rump_statvfs rs;
	char rpath[RH_PATHMAX];

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(statvfs)(path, sv);
	case RH_ERROR:
		return -1;
	default:
		if (rump_sys_statvfs(rpath, &rs) == -1)
			return -1;
		ukfs_conv_statvfs(&rs, sv);
		return 0;
	}
}

RH_API int
statvfs64(const char *path, struct statvfs64 *sv)
{
	return statvfs(path, (struct statvfs *)sv);
}

RH_API int
fstatvfs(int fd, struct statvfs *sv)
{
	struct rump_statvfs rs;
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fstatvfs)(fd, sv);
	if (rump_sys_fstatvfs(rfd, &rs) == -1)
		return -1;
	ukfs_conv_statvfs(&rs, sv);
	return 0;
}

RH_API int
fstatvfs64(int fd, struct statvfs64 *sv)
{
	return fstatvfs(fd, (struct statvfs *)sv);
}

/* --- access, readlink --------------------------------------------------------- */

RH_API int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	char rpath[RH_PATHMAX];
	int rdirfd, rflags = 0;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(faccessat)(dirfd, path, mode, flags);
	case RH_ERROR:
		return -1;
	default:
		if (flags & AT_EACCESS)
			rflags |= RUMP_AT_EACCESS;
		if (flags & AT_SYMLINK_NOFOLLOW)
			rflags |= RUMP_AT_SYMLINK_NOFOLLOW;
		if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) {
			errno = EINVAL;
			return -1;
		}
		/* R_OK, W_OK, X_OK and F_OK have the server's values */
		return rump_sys_faccessat(rdirfd, rpath, mode, rflags);
	}
}

RH_API int
access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

RH_API int
euidaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

RH_API int
eaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

RH_API ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	char rpath[RH_PATHMAX];
	int rdirfd;

	switch (rh_path(dirfd, path, rpath, &rdirfd)) {
	case RH_HOST:
		return REAL(readlinkat)(dirfd, path, buf, len);
	case RH_ERROR:
		return -1;
	default:
		return rump_sys_readlinkat(rdirfd, rpath, buf, len);
	}
}

RH_API ssize_t
readlink(const char *path, char *buf, size_t len)
{
	return readlinkat(AT_FDCWD, path, buf, len);
}

RH_API ssize_t
__readlink_chk(const char *path, char *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort();
	return readlinkat(AT_FDCWD, path, buf, n);
}

RH_API ssize_t
__readlinkat_chk(
    int dirfd, const char *path, char *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort();
	return readlinkat(dirfd, path, buf, n);
}
