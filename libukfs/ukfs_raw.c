/*
 * Raw bytes of a named image (a partition, a compressed image), for tools
 * that copy or convert images rather than mount them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

struct ukfs_raw {
	struct ukfs_himg *h;
	uint64_t offset;
	uint64_t size;
};

struct ukfs_raw *
ukfs_raw_open(const char *name)
{
	struct ukfs_where w;
	struct ukfs_raw *r;
	uint64_t total;

	ukfs_clearerr();
	if (name == NULL) {
		ukfs_seterr(EINVAL, "ukfs_raw_open: NULL name");
		return NULL;
	}
	if (ukfs_where(name, 0, 0, &w) == -1)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		ukfs_where_free(&w);
		ukfs_seterr(ENOMEM, "%s: %s", name, strerror(ENOMEM));
		return NULL;
	}
	if (ukfs_himg_open(w.host, &r->h) == -1)
		goto fail;
	r->offset = w.offset;
	r->size = w.size;
	if (r->size == 0) {
		if (ukfs_himg_size(r->h, &total) == -1)
			goto fail;
		r->size = total > r->offset ? total - r->offset : 0;
	}
	ukfs_where_free(&w);
	return r;
fail:
	ukfs_where_free(&w);
	ukfs_himg_close(r->h);
	free(r);
	return NULL;
}

ssize_t
ukfs_raw_pread(struct ukfs_raw *r, void *buf, size_t len, uint64_t off)
{
	if (r == NULL || buf == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	if (ukfs_himg_read(r->h, r->offset + off, buf, len) == -1)
		return -1;
	return (ssize_t)len;
}

int
ukfs_raw_size(struct ukfs_raw *r, uint64_t *sizep)
{
	if (r == NULL || sizep == NULL) {
		errno = EINVAL;
		return -1;
	}
	*sizep = r->size;
	return 0;
}

void
ukfs_raw_close(struct ukfs_raw *r)
{
	if (r == NULL)
		return;
	ukfs_himg_close(r->h);
	free(r);
}
