/*
 * Reading an image file outside the kernel (detection, labels, partition
 * tables) through the same decoders the kernel's host layer uses, so that
 * a compressed image shows the same bytes to both.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rumpuser/rumpuser_cimg.h"
#include "ukfs_img.h"
#include "ukfs_int.h"

int
ukfs_himg_open(const char *host, struct ukfs_himg **hp)
{
	struct ukfs_himg *h;
	int error;

	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL || (h->name = strdup(host)) == NULL) {
		free(h);
		ukfs_seterr(ENOMEM, "%s: %s", host, strerror(ENOMEM));
		return -1;
	}
	h->fd = open(host, O_RDONLY | O_CLOEXEC);
	if (h->fd == -1) {
		error = errno;
		ukfs_seterr(error, "%s: %s", host, strerror(error));
		goto fail;
	}
	error = rumpuser_cimg_open(h->fd, &h->cimg);
	if (error) {
		ukfs_seterr(error == EIO ? EUCLEAN : error,
		    "%s: damaged compressed image (bad header or block table)",
		    host);
		close(h->fd);
		goto fail;
	}
	*hp = h;
	return 0;
fail:
	free(h->name);
	free(h);
	return -1;
}

int
ukfs_himg_read(struct ukfs_himg *h, uint64_t off, void *buf, size_t len)
{
	size_t done;
	int error;

	if (h->cimg != NULL)
		error = rumpuser_cimg_pread(h->cimg, buf, len, off, &done);
	else
		error = rumpuser_cimg_rd(h->fd, buf, len, off, &done);
	if (error == 0 && done != len)
		error = EIO;
	if (error) {
		errno = error;
		return -1;
	}
	return 0;
}

int
ukfs_himg_size(struct ukfs_himg *h, uint64_t *sizep)
{
	struct stat st;
	uint64_t size;
	int error = 0;

	if (h->have_size) {
		*sizep = h->size;
		return 0;
	}
	if (h->cimg != NULL)
		error = rumpuser_cimg_size(h->cimg, &size);
	else if (fstat(h->fd, &st) == -1)
		error = errno;
	else if (S_ISBLK(st.st_mode))
		error = ioctl(h->fd, BLKGETSIZE64, &size) == -1 ? errno : 0;
	else
		size = (uint64_t)st.st_size;
	if (error) {
		ukfs_seterr(error == EIO ? EUCLEAN : error,
		    "%s: cannot tell the size: %s%s", h->name, strerror(error),
		    h->cimg != NULL ? " (damaged compressed data)" : "");
		return -1;
	}
	h->size = *sizep = size;
	h->have_size = 1;
	return 0;
}

const char *
ukfs_himg_kind(const struct ukfs_himg *h)
{
	return h->cimg != NULL ? rumpuser_cimg_kind(h->cimg) : NULL;
}

void
ukfs_himg_close(struct ukfs_himg *h)
{
	if (h == NULL)
		return;
	rumpuser_cimg_close(h->cimg);
	close(h->fd);
	free(h->name);
	free(h);
}
