/*
 * NetBSD vndcompress images (the cloop2 layout, vndcompress(1), vnd(4)):
 * a 128-byte header that is a shell script, the block size and the
 * number of blocks (32-bit big-endian each), a table of n+1 64-bit
 * big-endian file offsets (block i is the zlib stream from offset i to
 * offset i+1), then the blocks.  Every block but the last holds exactly
 * the block size; the last may hold less.  One decoded block is kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "rumpuser_cimg.h"

#define VND_HEAD     128
#define VND_MAGIC    "#!/bin/sh\n#V2.0 Format\n"
#define VND_MAXBLOCK (1u << 26) /* a sanity bound, far above real use */

struct vnd {
	int fd;
	uint32_t bsize;
	uint32_t nblocks;
	uint64_t *offs;      /* nblocks + 1 */
	uint64_t size;       /* uncompressed */
	unsigned char *zbuf; /* one compressed block */
	unsigned char *blk;  /* the cached decoded block */
	int64_t cached;      /* its number, -1 none */
	size_t cached_len;
};

static int
vnd_sniff(const unsigned char *h, size_t len)
{
	return len >= VND_HEAD + 8 &&
	    memcmp(h, VND_MAGIC, sizeof(VND_MAGIC) - 1) == 0;
}

/* Decode block i into v->blk; its length in *lenp.  EIO when damaged. */
static int
vnd_load(struct vnd *v, uint32_t i)
{
	uint64_t zlen = v->offs[i + 1] - v->offs[i];
	uLongf out = v->bsize;
	size_t n;
	int error;

	if ((int64_t)i == v->cached)
		return 0;
	v->cached = -1;
	error = rumpuser_cimg_rd(v->fd, v->zbuf, (size_t)zlen, v->offs[i], &n);
	if (error)
		return error;
	if (n != zlen)
		return EIO;
	if (uncompress(v->blk, &out, v->zbuf, (uLong)zlen) != Z_OK)
		return EIO;
	if (out != v->bsize && i + 1 != v->nblocks)
		return EIO; /* only the last block may be short */
	v->cached = i;
	v->cached_len = out;
	return 0;
}

static void
vnd_free(struct vnd *v)
{
	free(v->offs);
	free(v->zbuf);
	free(v->blk);
	free(v);
}

static int
vnd_open(int fd, uint64_t filesize, void **ctxp)
{
	unsigned char h[VND_HEAD + 8], *tab = NULL;
	struct vnd *v;
	uint64_t maxz = 0, tabsize;
	size_t n;
	uint32_t i;
	int error;

	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return ENOMEM;
	v->fd = fd;
	v->cached = -1;
	error = rumpuser_cimg_rd(fd, h, sizeof(h), 0, &n);
	if (error || n != sizeof(h))
		goto bad;
	v->bsize = rumpuser_cimg_be32(h + VND_HEAD);
	v->nblocks = rumpuser_cimg_be32(h + VND_HEAD + 4);
	tabsize = ((uint64_t)v->nblocks + 1) * 8;
	if (v->bsize == 0 || v->bsize % 512 != 0 || v->bsize > VND_MAXBLOCK ||
	    sizeof(h) + tabsize > filesize)
		goto bad;
	tab = malloc((size_t)tabsize);
	v->offs = malloc((size_t)tabsize);
	if (tab == NULL || v->offs == NULL) {
		error = ENOMEM;
		goto fail;
	}
	error = rumpuser_cimg_rd(fd, tab, (size_t)tabsize, sizeof(h), &n);
	if (error || n != tabsize)
		goto bad;
	for (i = 0; i <= v->nblocks; i++) {
		v->offs[i] = rumpuser_cimg_be64(tab + 8 * (size_t)i);
		if (v->offs[i] > filesize ||
		    (i == 0 && v->offs[i] < sizeof(h) + tabsize) ||
		    (i > 0 && v->offs[i] <= v->offs[i - 1]))
			goto bad;
		/* a zlib stream of a block is never much larger than it */
		if (i > 0 &&
		    v->offs[i] - v->offs[i - 1] >
		        (uint64_t)v->bsize + v->bsize / 8 + 1024)
			goto bad;
		if (i > 0 && v->offs[i] - v->offs[i - 1] > maxz)
			maxz = v->offs[i] - v->offs[i - 1];
	}
	free(tab);
	tab = NULL;
	v->zbuf = malloc(maxz ? (size_t)maxz : 1);
	v->blk = malloc(v->bsize);
	if (v->zbuf == NULL || v->blk == NULL) {
		error = ENOMEM;
		goto fail;
	}
	v->size = 0;
	if (v->nblocks > 0) {
		if ((error = vnd_load(v, v->nblocks - 1)) != 0)
			goto fail;
		v->size = (uint64_t)(v->nblocks - 1) * v->bsize + v->cached_len;
	}
	*ctxp = v;
	return 0;
bad:
	error = error ? error : EIO;
fail:
	free(tab);
	vnd_free(v);
	return error;
}

static int
vnd_pread(void *ctx, void *buf, size_t len, uint64_t off, size_t *done)
{
	struct vnd *v = ctx;
	size_t got = 0, n;
	uint64_t pos;
	int error;

	*done = 0;
	while (got < len && off + got < v->size) {
		pos = off + got;
		error = vnd_load(v, (uint32_t)(pos / v->bsize));
		if (error)
			return error;
		n = v->cached_len - (size_t)(pos % v->bsize);
		if (n > len - got)
			n = len - got;
		memcpy((char *)buf + got, v->blk + pos % v->bsize, n);
		got += n;
		*done = got;
	}
	return 0;
}

static int
vnd_size(void *ctx, uint64_t *sizep)
{
	*sizep = ((struct vnd *)ctx)->size;
	return 0;
}

static void
vnd_close(void *ctx)
{
	vnd_free(ctx);
}

const struct rumpuser_cimg_ops rumpuser_cimg_vnd = {
    .name = "vndcompress",
    .sniff = vnd_sniff,
    .open = vnd_open,
    .pread = vnd_pread,
    .size = vnd_size,
    .close = vnd_close,
};
