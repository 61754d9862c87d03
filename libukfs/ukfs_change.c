/*
 * Changes to the name space and to attributes.  Straight calls into the
 * kernel; a read-only mount or a file system without write support answers
 * EROFS or EOPNOTSUPP.  The path forms are the *at forms at AT_FDCWD.
 */
#include <errno.h>
#include <fcntl.h>

#include "ukfs_int.h"

/* Most calls below: check the path, enter, one system call, leave. */
#define CALL(u, path, call)                                                    \
	do {                                                                   \
		int rv_;                                                       \
		if (ukfs_check((u), (path)) == -1)                             \
			return -1;                                             \
		ukfs_enter(u);                                                 \
		rv_ = (call);                                                  \
		ukfs_leave(u);                                                 \
		return rv_;                                                    \
	} while (0)

#define AT(fd) ukfs_conv_dirfd(fd)

mode_t
ukfs_umask(struct ukfs *u, mode_t mask)
{
	int old;

	if (ukfs_check(u, "") == -1)
		return (mode_t)-1;
	ukfs_enter(u);
	old = rump_sys_umask((uint32_t)(mask & 0777));
	ukfs_leave(u);
	return (mode_t)old;
}

int
ukfs_mkdirat(struct ukfs *u, int dirfd, const char *path, mode_t mode)
{
	CALL(u, path,
	    rump_sys_mkdirat(AT(dirfd), path, (uint32_t)(mode & 07777)));
}

int
ukfs_mkdir(struct ukfs *u, const char *path, mode_t mode)
{
	return ukfs_mkdirat(u, AT_FDCWD, path, mode);
}

int
ukfs_mknodat(
    struct ukfs *u, int dirfd, const char *path, mode_t mode, dev_t dev)
{
	uint64_t rdev = 0;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFCHR:
	case S_IFBLK:
		rdev = ukfs_conv_dev(dev);
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	/* the type bits are the same octal values in the kernel */
	CALL(u, path, rump_sys_mknodat(AT(dirfd), path, (uint32_t)mode, rdev));
}

int
ukfs_mknod(struct ukfs *u, const char *path, mode_t mode, dev_t dev)
{
	return ukfs_mknodat(u, AT_FDCWD, path, mode, dev);
}

int
ukfs_symlinkat(struct ukfs *u, const char *target, int dirfd, const char *path)
{
	if (target == NULL) {
		errno = EFAULT;
		return -1;
	}
	CALL(u, path, rump_sys_symlinkat(target, AT(dirfd), path));
}

int
ukfs_symlink(struct ukfs *u, const char *target, const char *path)
{
	return ukfs_symlinkat(u, target, AT_FDCWD, path);
}

int
ukfs_linkat(struct ukfs *u, int olddirfd, const char *existing, int newdirfd,
    const char *path, int flags)
{
	int rf;

	if (existing == NULL) {
		errno = EFAULT;
		return -1;
	}
	if ((flags & ~AT_SYMLINK_FOLLOW) != 0 ||
	    ukfs_conv_atflags(flags, &rf) == -1) {
		errno = EINVAL;
		return -1;
	}
	CALL(u, path,
	    rump_sys_linkat(AT(olddirfd), existing, AT(newdirfd), path, rf));
}

int
ukfs_link(struct ukfs *u, const char *existing, const char *path)
{
	return ukfs_linkat(u, AT_FDCWD, existing, AT_FDCWD, path, 0);
}

int
ukfs_unlinkat(struct ukfs *u, int dirfd, const char *path, int flags)
{
	int rf;

	if ((flags & ~AT_REMOVEDIR) != 0 ||
	    ukfs_conv_atflags(flags, &rf) == -1) {
		errno = EINVAL;
		return -1;
	}
	CALL(u, path, rump_sys_unlinkat(AT(dirfd), path, rf));
}

int
ukfs_remove(struct ukfs *u, const char *path)
{
	return ukfs_unlinkat(u, AT_FDCWD, path, 0);
}

int
ukfs_rmdir(struct ukfs *u, const char *path)
{
	return ukfs_unlinkat(u, AT_FDCWD, path, AT_REMOVEDIR);
}

int
ukfs_renameat(struct ukfs *u, int fromdirfd, const char *from, int todirfd,
    const char *to)
{
	if (from == NULL) {
		errno = EFAULT;
		return -1;
	}
	CALL(u, to, rump_sys_renameat(AT(fromdirfd), from, AT(todirfd), to));
}

int
ukfs_rename(struct ukfs *u, const char *from, const char *to)
{
	return ukfs_renameat(u, AT_FDCWD, from, AT_FDCWD, to);
}

int
ukfs_fchmodat(
    struct ukfs *u, int dirfd, const char *path, mode_t mode, int flags)
{
	int rf;

	if ((flags & ~AT_SYMLINK_NOFOLLOW) != 0 ||
	    ukfs_conv_atflags(flags, &rf) == -1) {
		errno = EINVAL;
		return -1;
	}
	CALL(u, path,
	    rump_sys_fchmodat(AT(dirfd), path, (uint32_t)(mode & 07777), rf));
}

int
ukfs_chmod(struct ukfs *u, const char *path, mode_t mode)
{
	return ukfs_fchmodat(u, AT_FDCWD, path, mode, 0);
}

int
ukfs_lchmod(struct ukfs *u, const char *path, mode_t mode)
{
	return ukfs_fchmodat(u, AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

int
ukfs_fchownat(struct ukfs *u, int dirfd, const char *path, uid_t uid, gid_t gid,
    int flags)
{
	int rf;

	if ((flags & ~AT_SYMLINK_NOFOLLOW) != 0 ||
	    ukfs_conv_atflags(flags, &rf) == -1) {
		errno = EINVAL;
		return -1;
	}
	CALL(u, path,
	    rump_sys_fchownat(
	        AT(dirfd), path, (uint32_t)uid, (uint32_t)gid, rf));
}

int
ukfs_chown(struct ukfs *u, const char *path, uid_t uid, gid_t gid)
{
	return ukfs_fchownat(u, AT_FDCWD, path, uid, gid, 0);
}

int
ukfs_lchown(struct ukfs *u, const char *path, uid_t uid, gid_t gid)
{
	return ukfs_fchownat(u, AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int
ukfs_utimensat(struct ukfs *u, int dirfd, const char *path,
    const struct timespec times[2], int flags)
{
	struct rump_timespec rt[2];
	int rf;

	if ((flags & ~AT_SYMLINK_NOFOLLOW) != 0 ||
	    ukfs_conv_atflags(flags, &rf) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (ukfs_conv_times(times, rt) == -1)
		return -1;
	CALL(u, path, rump_sys_utimensat(AT(dirfd), path, rt, rf));
}

int
ukfs_utimens(
    struct ukfs *u, const char *path, const struct timespec times[2], int flags)
{
	return ukfs_utimensat(u, AT_FDCWD, path, times, flags);
}

int
ukfs_fchmod(struct ukfs *u, int fd, mode_t mode)
{
	CALL(u, "", rump_sys_fchmod(fd, (uint32_t)(mode & 07777)));
}

int
ukfs_fchown(struct ukfs *u, int fd, uid_t uid, gid_t gid)
{
	CALL(u, "", rump_sys_fchown(fd, (uint32_t)uid, (uint32_t)gid));
}

int
ukfs_futimens(struct ukfs *u, int fd, const struct timespec times[2])
{
	struct rump_timespec rt[2];

	if (ukfs_conv_times(times, rt) == -1)
		return -1;
	CALL(u, "", rump_sys_futimens(fd, rt));
}

int
ukfs_truncate(struct ukfs *u, const char *path, off_t length)
{
	CALL(u, path, rump_sys_truncate(path, (int64_t)length));
}

/*
 * The kernel's sync(2) writes back every mount: more than needed, but
 * correct, and the kernel has no per-mount sync call.
 */
int
ukfs_sync(struct ukfs *u)
{
	CALL(u, "", rump_sys_sync());
}
