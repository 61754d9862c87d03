/*
 * Compressed images read as if they were plain ones: gzip streams (with a
 * seek index built on first use) and NetBSD vndcompress images.  Host code
 * only; used by rumpuser_file.c for the kernel and compiled into libukfs
 * too, so that detection and partition tables see the same bytes.
 */
#ifndef _RUMPUSER_CIMG_H_
#define _RUMPUSER_CIMG_H_

#include <stddef.h>
#include <stdint.h>

struct rumpuser_cimg;

/* One compressed format. */
struct rumpuser_cimg_ops {
	const char *name;
	/* Does the file start like this format?  head holds len bytes. */
	int (*sniff)(const unsigned char *head, size_t len);
	/* errno value; *ctxp on success */
	int (*open)(int fd, uint64_t filesize, void **ctxp);
	int (*pread)(
	    void *ctx, void *buf, size_t len, uint64_t off, size_t *done);
	int (*size)(void *ctx, uint64_t *sizep);
	void (*close)(void *ctx);
};

extern const struct rumpuser_cimg_ops rumpuser_cimg_gz;
extern const struct rumpuser_cimg_ops rumpuser_cimg_vnd;

/*
 * Look at the host file fd: 0 with *cp NULL when it is not compressed,
 * 0 with *cp set when it is, or an errno value (a damaged header).  The
 * descriptor stays the caller's; close it after rumpuser_cimg_close().
 */
int rumpuser_cimg_open(int fd, struct rumpuser_cimg **cp);
/* Reads are serialised per image; a short count means the end. */
int rumpuser_cimg_pread(
    struct rumpuser_cimg *c, void *buf, size_t len, uint64_t off, size_t *done);
int rumpuser_cimg_size(struct rumpuser_cimg *c, uint64_t *sizep);
const char *rumpuser_cimg_kind(const struct rumpuser_cimg *c);
void rumpuser_cimg_close(struct rumpuser_cimg *c);

/* Big-endian fields of the formats. */
static inline uint32_t
rumpuser_cimg_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t
rumpuser_cimg_be64(const unsigned char *p)
{
	return (uint64_t)rumpuser_cimg_be32(p) << 32 |
	    rumpuser_cimg_be32(p + 4);
}

/* pread that completes short transfers; 0 or an errno value. */
int rumpuser_cimg_rd(int fd, void *buf, size_t len, uint64_t off, size_t *done);

#endif /* _RUMPUSER_CIMG_H_ */
