/*
 * Copying the bytes of a regular file from one side to the other.  Runs
 * of all-zero blocks are not written, so holes stay holes (and all-zero
 * blocks become holes, as cp --sparse=auto does for sparse sources); the
 * size is set at the end by a truncate.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"

#define HOLEBLK 4096 /* the unit of a hole on the host */

static int
allzero(const char *p, size_t n)
{
	return p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

static int
pwrite_all(const struct side *s, int fd, const char *p, size_t n, off_t off)
{
	ssize_t w;

	while (n > 0) {
		w = side_pwrite(s, fd, p, n, off);
		if (w == -1)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* Length of the block at buf[i] of a chunk at file offset off. */
static size_t
blklen(off_t off, size_t i, size_t n)
{
	size_t b = HOLEBLK - (size_t)((off + (off_t)i) % HOLEBLK);

	return b < n - i ? b : n - i;
}

int
write_sparse(const struct side *s, int dfd, const char *buf, size_t n,
    off_t off, off_t *end)
{
	size_t i = 0, start;

	while (i < n) {
		if (allzero(buf + i, blklen(off, i, n))) {
			i += blklen(off, i, n);
			continue;
		}
		start = i;
		do
			i += blklen(off, i, n);
		while (i < n && !allzero(buf + i, blklen(off, i, n)));
		if (pwrite_all(s, dfd, buf + start, i - start,
		        off + (off_t)start) == -1)
			return -1;
		*end = off + (off_t)i;
	}
	return 0;
}

/* Read [from, to) of the source and write it; -1 with *dsterr set. */
static int
copy_range(struct cp *cp, int sfd, int dfd, off_t from, off_t to, off_t *end,
    int *dsterr)
{
	ssize_t n;
	size_t want;

	while (from < to) {
		want = to - from < CPBUF ? (size_t)(to - from) : CPBUF;
		n = side_pread(&cp->src, sfd, cp->buf, want, from);
		if (n == -1) {
			*dsterr = 0;
			return -1;
		}
		if (n == 0)
			break;
		if (write_sparse(
		        &cp->dst, dfd, cp->buf, (size_t)n, from, end) == -1) {
			*dsterr = 1;
			return -1;
		}
		from += n;
		progress_add(&cp->prog, (uint64_t)n, 0);
	}
	return 0;
}

/*
 * A sparse source: ask the kernel where the data is and read only that.
 * 1 when the kernel cannot tell (the caller reads everything).
 */
static int
copy_by_extents(
    struct cp *cp, int sfd, int dfd, off_t size, off_t *end, int *dsterr)
{
	off_t off = 0, data, hole;

	while (off < size) {
		data = side_lseek(&cp->src, sfd, off, SEEK_DATA);
		if (data == -1 && errno == ENXIO)
			break;
		if (data == -1 || data < off)
			return off == 0 ? 1 : (*dsterr = 0, -1);
		hole = side_lseek(&cp->src, sfd, data, SEEK_HOLE);
		if (hole == -1 || hole <= data)
			return off == 0 ? 1 : (*dsterr = 0, -1);
		if (hole > size)
			hole = size;
		if (copy_range(cp, sfd, dfd, data, hole, end, dsterr) == -1)
			return -1;
		off = hole;
	}
	return 0;
}

int
copy_data(struct cp *cp, int sfd, int dfd, const struct stat *st, int *dsterr)
{
	off_t end = 0, size = st->st_size;
	int rv = 1;

	/* read whole ahead of the walk (walk_ahead.c) */
	if (cp->walk->leafdata != NULL && (off_t)cp->walk->leaflen == size &&
	    sfd == cp->walk->leaffd) {
		if (write_sparse(&cp->dst, dfd, cp->walk->leafdata,
		        cp->walk->leaflen, 0, &end) == -1) {
			*dsterr = 1;
			return -1;
		}
		progress_add(&cp->prog, (uint64_t)size, 0);
		rv = 0;
	} else if ((off_t)st->st_blocks * 512 < size && size > CPBUF)
		rv = copy_by_extents(cp, sfd, dfd, size, &end, dsterr);
	if (rv == 1)
		rv = copy_range(cp, sfd, dfd, 0, size, &end, dsterr);
	if (rv == -1)
		return -1;
	if (end < size && side_ftruncate(&cp->dst, dfd, size) == -1) {
		*dsterr = 1;
		return -1;
	}
	return 0;
}
