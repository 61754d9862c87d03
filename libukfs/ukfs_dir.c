/*
 * Directory reading over getdents(2): records are fetched a bufferful at a
 * time and checked before use, so a confused kernel or file system gives
 * EIO rather than a read past the buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_int.h"

#define DIRBUFSIZE 32768

struct ukfs_dir {
	struct ukfs *d_ukfs;
	int d_fd;
	size_t d_len; /* bytes in d_buf */
	size_t d_pos; /* next record */
	int d_eof;
	char d_buf[DIRBUFSIZE];
};

struct ukfs_dir *
ukfs_opendirat(struct ukfs *u, int dirfd, const char *path)
{
	struct ukfs_dir *d;
	int fd, error;

	if (ukfs_check(u, path) == -1)
		return NULL;
	d = malloc(sizeof(*d));
	if (d == NULL)
		return NULL;
	ukfs_enter(u);
	fd = rump_sys_openat(
	    ukfs_conv_dirfd(dirfd), path, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	ukfs_leave(u);
	if (fd == -1) {
		error = errno;
		free(d);
		errno = error;
		return NULL;
	}
	d->d_ukfs = u;
	d->d_fd = fd;
	d->d_len = d->d_pos = 0;
	d->d_eof = 0;
	return d;
}

struct ukfs_dir *
ukfs_opendir(struct ukfs *u, const char *path)
{
	return ukfs_opendirat(u, AT_FDCWD, path);
}

static int
fill(struct ukfs_dir *d)
{
	int64_t n;

	ukfs_enter(d->d_ukfs);
	n = rump_sys_getdents(d->d_fd, d->d_buf, sizeof(d->d_buf));
	ukfs_leave(d->d_ukfs);
	if (n < 0)
		return -1;
	if ((uint64_t)n > sizeof(d->d_buf)) {
		errno = EIO;
		return -1;
	}
	d->d_len = (size_t)n;
	d->d_pos = 0;
	if (n == 0)
		d->d_eof = 1;
	return 0;
}

int
ukfs_readdir(struct ukfs_dir *d, struct ukfs_dirent *de)
{
	struct rump_dirent hdr;
	size_t left;
	char *rec;

	if (d == NULL || de == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (d->d_pos >= d->d_len) {
		if (d->d_eof)
			return 0;
		if (fill(d) == -1)
			return -1;
		if (d->d_eof)
			return 0;
	}
	rec = d->d_buf + d->d_pos;
	left = d->d_len - d->d_pos;
	if (left < RUMP_DIRENT_HDRSIZE)
		goto bad;
	memcpy(&hdr, rec, RUMP_DIRENT_HDRSIZE);
	if (hdr.d_reclen < RUMP_DIRENT_HDRSIZE + hdr.d_namlen + 1 ||
	    hdr.d_reclen > left || hdr.d_namlen == 0 ||
	    hdr.d_namlen > RUMP_MAXNAMLEN ||
	    rec[RUMP_DIRENT_HDRSIZE + hdr.d_namlen] != '\0' ||
	    memchr(rec + RUMP_DIRENT_HDRSIZE, '\0', hdr.d_namlen) != NULL)
		goto bad;
	d->d_pos += hdr.d_reclen;
	de->d_name = rec + RUMP_DIRENT_HDRSIZE;
	de->d_namlen = hdr.d_namlen;
	de->d_ino = hdr.d_fileno;
	de->d_type = hdr.d_type;
	return 1;

bad:
	d->d_pos = d->d_len;
	d->d_eof = 1;
	errno = EIO;
	return -1;
}

int
ukfs_dirfd(struct ukfs_dir *d)
{
	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	return d->d_fd;
}

int
ukfs_closedir(struct ukfs_dir *d)
{
	int rv;

	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	ukfs_enter(d->d_ukfs);
	rv = rump_sys_close(d->d_fd);
	ukfs_leave(d->d_ukfs);
	free(d);
	return rv;
}
