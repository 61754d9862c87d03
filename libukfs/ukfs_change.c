/*
 * Changes to the name space and to attributes.  Straight calls into the
 * kernel; a read-only mount or a file system without write support answers
 * EROFS or EOPNOTSUPP.
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

int
ukfs_mkdir(struct ukfs *u, const char *path, mode_t mode)
{
	CALL(u, path, rump_sys_mkdir(path, (uint32_t)(mode & 07777)));
}

int
ukfs_mknod(struct ukfs *u, const char *path, mode_t mode, dev_t dev)
{
	uint64_t rdev = ukfs_conv_dev(dev);

	switch (mode & S_IFMT) {
	case S_IFIFO:
		CALL(u, path, rump_sys_mkfifo(path, (uint32_t)(mode & 07777)));
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFSOCK:
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	CALL(u, path, rump_sys_mknod(path, (uint32_t)mode, rdev));
}

int
ukfs_symlink(struct ukfs *u, const char *target, const char *path)
{
	if (target == NULL) {
		errno = EFAULT;
		return -1;
	}
	CALL(u, path, rump_sys_symlink(target, path));
}

int
ukfs_link(struct ukfs *u, const char *existing, const char *path)
{
	if (existing == NULL) {
		errno = EFAULT;
		return -1;
	}
	CALL(u, path, rump_sys_link(existing, path));
}

int
ukfs_remove(struct ukfs *u, const char *path)
{
	CALL(u, path, rump_sys_unlink(path));
}

int
ukfs_rmdir(struct ukfs *u, const char *path)
{
	CALL(u, path, rump_sys_rmdir(path));
}

int
ukfs_rename(struct ukfs *u, const char *from, const char *to)
{
	if (from == NULL) {
		errno = EFAULT;
		return -1;
	}
	CALL(u, to, rump_sys_rename(from, to));
}

int
ukfs_chmod(struct ukfs *u, const char *path, mode_t mode)
{
	CALL(u, path, rump_sys_chmod(path, (uint32_t)(mode & 07777)));
}

int
ukfs_lchmod(struct ukfs *u, const char *path, mode_t mode)
{
	CALL(u, path, rump_sys_lchmod(path, (uint32_t)(mode & 07777)));
}

int
ukfs_chown(struct ukfs *u, const char *path, uid_t uid, gid_t gid)
{
	CALL(u, path, rump_sys_chown(path, (uint32_t)uid, (uint32_t)gid));
}

int
ukfs_lchown(struct ukfs *u, const char *path, uid_t uid, gid_t gid)
{
	CALL(u, path, rump_sys_lchown(path, (uint32_t)uid, (uint32_t)gid));
}

int
ukfs_utimens(
    struct ukfs *u, const char *path, const struct timespec times[2], int flags)
{
	struct rump_timespec rt[2];
	int rf;

	if (ukfs_conv_times(times, rt) == -1 ||
	    ukfs_conv_atflags(flags, &rf) == -1)
		return -1;
	CALL(u, path, rump_sys_utimensat(RUMP_AT_FDCWD, path, rt, rf));
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
	int rv;

	if (ukfs_check(u, "") == -1)
		return -1;
	ukfs_enter(u);
	rv = rump_sys_sync();
	ukfs_leave(u);
	return rv;
}
