/*
 * libukfs internals for image names and image bytes: "IMAGE@N",
 * "IMAGE%DISKLABEL:x%", "IMAGE%OFFSET:START,END%" resolve to a host file
 * and a byte window, and the host file is read as the kernel sees it
 * (compressed images decompressed).  Not installed.
 */
#ifndef _UKFS_IMG_H_
#define _UKFS_IMG_H_

#include <stddef.h>
#include <stdint.h>

#include "ukfs.h"

struct rumpuser_cimg;

/* An image file opened for reading its (uncompressed) bytes. */
struct ukfs_himg {
	int fd;
	struct rumpuser_cimg *cimg; /* NULL: a plain file or device */
	char *name;                 /* for messages */
	uint64_t size;
	int have_size;
};

/* -1 with ukfs_errmsg() when the file cannot be opened or is damaged. */
int ukfs_himg_open(const char *host, struct ukfs_himg **hp);
/* Exactly len bytes at off: 0, or -1 (errno; EIO for a short read). */
int ukfs_himg_read(struct ukfs_himg *h, uint64_t off, void *buf, size_t len);
/* The size in bytes; -1 with ukfs_errmsg(). */
int ukfs_himg_size(struct ukfs_himg *h, uint64_t *sizep);
/* "gzip", "vndcompress", or NULL for an uncompressed file. */
const char *ukfs_himg_kind(const struct ukfs_himg *h);
void ukfs_himg_close(struct ukfs_himg *h);

/* Where a named file system lies: the host file and a byte window. */
struct ukfs_where {
	char *host;
	uint64_t offset;
	uint64_t size; /* 0: to the end of the image */
};

/*
 * Resolve an image name; offset and size (0: all) are the caller's window
 * inside the named partition.  -1 with ukfs_errmsg() for a bad name, a
 * missing partition or one that does not fit the image.
 */
int ukfs_where(
    const char *name, uint64_t offset, uint64_t size, struct ukfs_where *w);
void ukfs_where_free(struct ukfs_where *w);

/* Does name name an existing image, with or without a partition suffix? */
int ukfs_name_exists(const char *name);

/* Partition tables (ukfs_part*.c). */
struct ukfs_partlist {
	struct ukfs_part *v;
	size_t n, cap;
	uint64_t disksize;
	char note[200]; /* e.g. that a GPT backup was used */
};

int ukfs_part_add(struct ukfs_partlist *pl, const struct ukfs_part *p);
/* 1 found, 0 not there, -1 error with ukfs_errmsg(); *protective: GPT */
int ukfs_part_mbr(
    struct ukfs_himg *h, struct ukfs_partlist *pl, int *protective);
int ukfs_part_gpt(struct ukfs_himg *h, struct ukfs_partlist *pl);
/* A disklabel near byte start (a NetBSD MBR partition, or 0). */
int ukfs_part_disklabel(struct ukfs_himg *h, uint64_t start, unsigned number,
    struct ukfs_partlist *pl);
/* All tables of an open image. */
int ukfs_part_read(struct ukfs_himg *h, struct ukfs_partlist *pl);

static inline uint32_t
ukfs_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
ukfs_le64(const unsigned char *p)
{
	return (uint64_t)ukfs_le32(p) | (uint64_t)ukfs_le32(p + 4) << 32;
}

static inline unsigned
ukfs_le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

#endif /* _UKFS_IMG_H_ */
