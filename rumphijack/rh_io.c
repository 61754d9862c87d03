/*
 * Data: read, write and their positioned, vectored and fortified forms,
 * lseek, fsync, ftruncate, and the calls that have no meaning for the
 * server's files (ioctl, mmap, fallocate, copy_file_range: the callers
 * fall back to read and write).
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

RH_API ssize_t
read(int fd, void *buf, size_t n)
{
	int rfd = rh_rfd_nosync(fd);

	if (rfd == -1)
		return REAL(read)(fd, buf, n);
	return rh_rc_read(fd, rfd, buf, n);
}

RH_API ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort(); /* what the fortified C library does */
	return read(fd, buf, n);
}

RH_API ssize_t
write(int fd, const void *buf, size_t n)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(write)(fd, buf, n);
	rh_rc_changed();
	return rump_sys_write(rfd, buf, n);
}

RH_API ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t rv;
	int rfd;

	if (rh_rc_pread(fd, buf, n, off, &rv))
		return rv;
	rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(pread)(fd, buf, n, off);
	return rump_sys_pread(rfd, buf, n, off);
}

RH_API ssize_t
pread64(int fd, void *buf, size_t n, off64_t off)
{
	return pread(fd, buf, n, off);
}

RH_API ssize_t
__pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	if (n > buflen)
		abort();
	return pread(fd, buf, n, off);
}

RH_API ssize_t
__pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	if (n > buflen)
		abort();
	return pread(fd, buf, n, off);
}

RH_API ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(pwrite)(fd, buf, n, off);
	rh_rc_changed();
	return rump_sys_pwrite(rfd, buf, n, off);
}

RH_API ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	return pwrite(fd, buf, n, off);
}

/* Vectors piece by piece; a short transfer ends the call. */
static ssize_t
rump_rw_vec(int rfd, const struct iovec *iov, int cnt, off_t off, int wr)
{
	ssize_t total = 0, n;
	int i;

	if (cnt < 0 || cnt > IOV_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (wr)
		rh_rc_changed();
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		if (off == -1)
			n = wr ? rump_sys_write(rfd, iov[i].iov_base, iov[i].iov_len) :
			    rump_sys_read(rfd, iov[i].iov_base, iov[i].iov_len);
		else
			n = wr ? rump_sys_pwrite(rfd, iov[i].iov_base,
			             iov[i].iov_len, off + total) :
			    rump_sys_pread(rfd, iov[i].iov_base, iov[i].iov_len,
			             off + total);
		if (n == -1)
			return total > 0 ? total : -1;
		total += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return total;
}

RH_API ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(readv)(fd, iov, cnt);
	return rump_rw_vec(rfd, iov, cnt, -1, 0);
}

RH_API ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(writev)(fd, iov, cnt);
	return rump_rw_vec(rfd, iov, cnt, -1, 1);
}

RH_API ssize_t
preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(preadv)(fd, iov, cnt, off);
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	return rump_rw_vec(rfd, iov, cnt, off, 0);
}

RH_API ssize_t
preadv64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	return preadv(fd, iov, cnt, off);
}

RH_API ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(pwritev)(fd, iov, cnt, off);
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	return rump_rw_vec(rfd, iov, cnt, off, 1);
}

RH_API ssize_t
pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	return pwritev(fd, iov, cnt, off);
}

RH_API ssize_t
preadv2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(preadv2)(fd, iov, cnt, off, flags);
	return rump_rw_vec(rfd, iov, cnt, off < 0 ? -1 : off, 0);
}

RH_API ssize_t
preadv64v2(int fd, const struct iovec *iov, int cnt, off64_t off, int flags)
{
	return preadv2(fd, iov, cnt, off, flags);
}

RH_API ssize_t
pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(pwritev2)(fd, iov, cnt, off, flags);
	return rump_rw_vec(rfd, iov, cnt, off < 0 ? -1 : off, 1);
}

RH_API ssize_t
pwritev64v2(int fd, const struct iovec *iov, int cnt, off64_t off, int flags)
{
	return pwritev2(fd, iov, cnt, off, flags);
}

RH_API off_t
lseek(int fd, off_t off, int whence)
{
	off_t rv;
	int rfd;

	if (rh_rc_lseek(fd, off, whence, &rv))
		return rv;
	rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(lseek)(fd, off, whence);
	/* SEEK_SET .. SEEK_HOLE have the server's values */
	return rump_sys_lseek(rfd, off, whence);
}

RH_API off64_t
lseek64(int fd, off64_t off, int whence)
{
	return lseek(fd, off, whence);
}

RH_API int
fsync(int fd)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fsync)(fd);
	return rump_sys_fsync(rfd);
}

RH_API int
fdatasync(int fd)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fdatasync)(fd);
	return rump_sys_fdatasync(rfd);
}

RH_API int
ftruncate(int fd, off_t len)
{
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(ftruncate)(fd, len);
	rh_rc_changed();
	return rump_sys_ftruncate(rfd, len);
}

RH_API int
ftruncate64(int fd, off64_t len)
{
	return ftruncate(fd, len);
}

RH_API int
posix_fadvise(int fd, off_t off, off_t len, int advice)
{
	if (rh_rfd_nosync(fd) == -1)
		return REAL(posix_fadvise)(fd, off, len, advice);
	return 0; /* advice only: the read-ahead cache stays */
}

RH_API int
posix_fadvise64(int fd, off64_t off, off64_t len, int advice)
{
	return posix_fadvise(fd, off, len, advice);
}

RH_API int
fallocate(int fd, int mode, off_t off, off_t len)
{
	if (rh_rfd(fd) == -1)
		return REAL(fallocate)(fd, mode, off, len);
	errno = EOPNOTSUPP;
	return -1;
}

RH_API int
fallocate64(int fd, int mode, off64_t off, off64_t len)
{
	return fallocate(fd, mode, off, len);
}

RH_API int
posix_fallocate(int fd, off_t off, off_t len)
{
	if (rh_rfd(fd) == -1)
		return REAL(posix_fallocate)(fd, off, len);
	return EOPNOTSUPP;
}

RH_API int
posix_fallocate64(int fd, off64_t off, off64_t len)
{
	return posix_fallocate(fd, off, len);
}

RH_API ssize_t
copy_file_range(int in, off64_t *inoff, int out, off64_t *outoff, size_t n,
    unsigned flags)
{
	if (rh_rfd_nosync(in) == -1 && rh_rfd_nosync(out) == -1)
		return REAL(copy_file_range)(in, inoff, out, outoff, n, flags);
	errno = EXDEV; /* not one file system: the caller copies itself */
	return -1;
}

/* sendfile between any two descriptors, through a buffer. */
RH_API ssize_t
sendfile(int out, int in, off_t *off, size_t n)
{
	char buf[65536];
	ssize_t got, put, total = 0;
	off_t pos = off != NULL ? *off : 0;

	/* (read, pread and lseek below settle a read-ahead cache) */
	if (rh_rfd_nosync(in) == -1 && rh_rfd_nosync(out) == -1)
		return REAL(sendfile)(out, in, off, n);
	while ((size_t)total < n) {
		size_t want = n - (size_t)total < sizeof(buf) ?
		    n - (size_t)total : sizeof(buf);

		got = off != NULL ? pread(in, buf, want, pos) :
		    read(in, buf, want);
		if (got <= 0) {
			if (got == -1 && total == 0)
				return -1;
			break;
		}
		put = write(out, buf, (size_t)got);
		if (put <= 0) {
			if (total == 0)
				return -1;
			break;
		}
		total += put;
		pos += put;
		if (put < got) {
			if (off == NULL)
				lseek(in, put - got, SEEK_CUR);
			break;
		}
	}
	if (off != NULL)
		*off = pos;
	return total;
}

RH_API ssize_t
sendfile64(int out, int in, off64_t *off, size_t n)
{
	return sendfile(out, in, off, n);
}

RH_API int
ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (rh_rfd(fd) == -1)
		return REAL(ioctl)(fd, req, arg);
	errno = ENOTTY;
	return -1;
}

RH_API void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!(flags & MAP_ANONYMOUS) && rh_rfd(fd) != -1) {
		errno = ENODEV; /* callers read the file instead */
		return MAP_FAILED;
	}
	return REAL(mmap)(addr, len, prot, flags, fd, off);
}

RH_API void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}
