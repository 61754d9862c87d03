/*
 * File handles: open, read, write, seek, close.  A handle is a descriptor
 * of the mount's kernel process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "ukfs_int.h"

int
ukfs_openat(struct ukfs *u, int dirfd, const char *path, int flags, mode_t mode)
{
	int rf, fd;

	if (ukfs_check(u, path) == -1 || ukfs_conv_oflags(flags, &rf) == -1)
		return -1;
	ukfs_enter(u);
	fd = rump_sys_openat(
	    ukfs_conv_dirfd(dirfd), path, rf, (uint32_t)(mode & 07777));
	ukfs_leave(u);
	return fd;
}

int
ukfs_open(struct ukfs *u, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return ukfs_openat(u, AT_FDCWD, path, flags, mode);
}

int
ukfs_create(struct ukfs *u, const char *path, mode_t mode)
{
	int fd;

	fd = ukfs_openat(u, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd == -1)
		return -1;
	return ukfs_close(u, fd);
}

int
ukfs_close(struct ukfs *u, int fd)
{
	int rv;

	if (ukfs_check(u, "") == -1)
		return -1;
	ukfs_enter(u);
	rv = rump_sys_close(fd);
	ukfs_leave(u);
	return rv;
}

ssize_t
ukfs_read(struct ukfs *u, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	n = (ssize_t)rump_sys_read(fd, buf, len);
	ukfs_leave(u);
	return n;
}

ssize_t
ukfs_pread(struct ukfs *u, int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	if (ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	n = (ssize_t)rump_sys_pread(fd, buf, len, (int64_t)off);
	ukfs_leave(u);
	return n;
}

ssize_t
ukfs_write(struct ukfs *u, int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	n = (ssize_t)rump_sys_write(fd, buf, len);
	ukfs_leave(u);
	return n;
}

ssize_t
ukfs_pwrite(struct ukfs *u, int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;

	if (ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	n = (ssize_t)rump_sys_pwrite(fd, buf, len, (int64_t)off);
	ukfs_leave(u);
	return n;
}

off_t
ukfs_lseek(struct ukfs *u, int fd, off_t off, int whence)
{
	int64_t rv;
	int rw;

	if (ukfs_check(u, "") == -1)
		return -1;
	switch (whence) {
	case SEEK_SET:
		rw = RUMP_SEEK_SET;
		break;
	case SEEK_CUR:
		rw = RUMP_SEEK_CUR;
		break;
	case SEEK_END:
		rw = RUMP_SEEK_END;
		break;
	case SEEK_DATA:
		rw = RUMP_SEEK_DATA;
		break;
	case SEEK_HOLE:
		rw = RUMP_SEEK_HOLE;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	ukfs_enter(u);
	rv = rump_sys_lseek(fd, (int64_t)off, rw);
	ukfs_leave(u);
	return (off_t)rv;
}

int
ukfs_ftruncate(struct ukfs *u, int fd, off_t length)
{
	int rv;

	if (ukfs_check(u, "") == -1)
		return -1;
	ukfs_enter(u);
	rv = rump_sys_ftruncate(fd, (int64_t)length);
	ukfs_leave(u);
	return rv;
}

int
ukfs_fsync(struct ukfs *u, int fd)
{
	int rv;

	if (ukfs_check(u, "") == -1)
		return -1;
	ukfs_enter(u);
	rv = rump_sys_fsync(fd);
	ukfs_leave(u);
	return rv;
}

/* The path helpers hold the mount for the whole open-transfer-close. */
ssize_t
ukfs_read_path(
    struct ukfs *u, const char *path, off_t off, void *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (ukfs_check(u, path) == -1 || ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
	if (fd == -1) {
		ukfs_leave(u);
		return -1;
	}
	n = (ssize_t)rump_sys_pread(fd, buf, len, (int64_t)off);
	if (n == -1) {
		int error = errno;

		rump_sys_close(fd);
		errno = error;
	} else
		rump_sys_close(fd);
	ukfs_leave(u);
	return n;
}

ssize_t
ukfs_write_path(
    struct ukfs *u, const char *path, off_t off, const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (ukfs_check(u, path) == -1 || ukfs_check(u, buf) == -1)
		return -1;
	ukfs_enter(u);
	fd = rump_sys_open(path, RUMP_O_WRONLY, 0);
	if (fd == -1) {
		ukfs_leave(u);
		return -1;
	}
	n = (ssize_t)rump_sys_pwrite(fd, buf, len, (int64_t)off);
	if (n == -1) {
		int error = errno;

		rump_sys_close(fd);
		errno = error;
	} else if (rump_sys_close(fd) == -1)
		n = -1;
	ukfs_leave(u);
	return n;
}
