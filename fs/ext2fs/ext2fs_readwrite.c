/*
 * Reading file data.  Small and unaligned reads go through the buffer
 * cache of the file vnode (VOP_STRATEGY maps the blocks), with read-ahead
 * when the reads are sequential.  Reads of whole blocks that lie
 * contiguously on the device and are not cached go straight from the
 * device into the caller's buffer, one transfer per run.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

/* Read-ahead on sequential reads: this many bytes, in whole blocks. */
#define E2FS_READAHEAD_BYTES (64 * 1024)
#define E2FS_READAHEAD_MAX   16

/* The iovec the next bytes of uio go to. */
static struct kiovec *
ext2fs_uio_iov(struct uio *uio)
{
	int i;

	for (i = 0; i < uio->uio_iovcnt; i++)
		if (uio->uio_iov[i].iov_len > 0)
			return &uio->uio_iov[i];
	return NULL;
}

/* Account n bytes that were put into the current iovec directly. */
static void
ext2fs_uio_advance(struct uio *uio, struct kiovec *iov, size_t n)
{
	iov->iov_base = (uint8_t *)iov->iov_base + n;
	iov->iov_len -= n;
	uio->uio_resid -= n;
	uio->uio_offset += (off_t)n;
}

/*
 * The fast path: if uio wants at least two whole blocks at a block
 * boundary, read as many as lie in one physical run (and are not in the
 * cache) straight into its buffer.  *done is 0 when the path does not
 * apply and the caller must use the buffer cache.
 */
static int
ext2fs_read_direct(struct ext2fs_inode *ip, struct uio *uio, size_t *done)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	struct kiovec *iov;
	struct buf buf;
	daddr_t lbn, pbn;
	size_t want, n, i;
	int run, error;

	*done = 0;
	if (E2FS_BLKOFF(ump, uio->uio_offset) != 0 ||
	    (iov = ext2fs_uio_iov(uio)) == NULL)
		return 0;
	want = MIN(iov->iov_len, uio->uio_resid);
	want = (size_t)MIN((uint64_t)want, ip->i_size - uio->uio_offset);
	want >>= ump->um_bshift; /* whole blocks */
	if (want < 2)
		return 0;
	lbn = E2FS_LBLKNO(ump, uio->uio_offset);
	if ((error = ext2fs_blkmap(ip, lbn, &pbn, &run)) != 0)
		return error;
	n = MIN(want, (size_t)run + 1); /* a hole's run is of holes */
	/* A cached block may be newer than the disk: leave it to the cache. */
	for (i = 0; i < n; i++)
		if (incore(vp, lbn + (daddr_t)i) != NULL)
			break;
	if ((n = i) == 0)
		return 0;
	n <<= ump->um_bshift;
	if (pbn < 0) {
		memset(iov->iov_base, 0, n);
	} else {
		memset(&buf, 0, sizeof(buf));
		buf.b_flags = B_READ | B_BUSY;
		buf.b_data = iov->iov_base;
		buf.b_bcount = buf.b_bufsize = n;
		buf.b_blkno = buf.b_lblkno = E2FS_FSBTODB(ump, pbn);
		buf.b_vp = ump->um_devvp;
		VOP_STRATEGY(ump->um_devvp, &buf);
		error = biowait(&buf);
		if (error == 0 && buf.b_resid != 0)
			error = EIO;
		if (error != 0)
			return error;
	}
	ext2fs_uio_advance(uio, iov, n);
	*done = n;
	return 0;
}

/* Read the block that holds uio_offset through the buffer cache. */
static int
ext2fs_read_cached(struct ext2fs_inode *ip, struct uio *uio)
{
	struct ext2fs_mount *ump = ip->i_ump;
	daddr_t rablks[E2FS_READAHEAD_MAX], lbn, lastlbn;
	int rasizes[E2FS_READAHEAD_MAX], nra = 0, bsize = (int)ump->um_bsize;
	size_t boff, n;
	struct buf *bp;
	int error;

	lbn = E2FS_LBLKNO(ump, uio->uio_offset);
	boff = E2FS_BLKOFF(ump, uio->uio_offset);
	n = MIN(ump->um_bsize - boff, uio->uio_resid);
	n = (size_t)MIN((uint64_t)n, ip->i_size - uio->uio_offset);
	lastlbn = E2FS_LBLKNO(ump, ip->i_size - 1);

	if (lbn == __atomic_load_n(&ip->i_nextr, __ATOMIC_RELAXED)) {
		while (nra < E2FS_READAHEAD_MAX &&
		    ((size_t)nra + 1) * ump->um_bsize <= E2FS_READAHEAD_BYTES &&
		    lbn + nra + 1 <= lastlbn) {
			rablks[nra] = lbn + nra + 1;
			rasizes[nra] = bsize;
			nra++;
		}
	}
	if (nra > 0)
		error =
		    breadn(ITOV(ip), lbn, bsize, rablks, rasizes, nra, 0, &bp);
	else
		error = bread(ITOV(ip), lbn, bsize, 0, &bp);
	if (error != 0)
		return error;
	__atomic_store_n(&ip->i_nextr, lbn + 1, __ATOMIC_RELAXED);
	error = uiomove((uint8_t *)bp->b_data + boff, n, uio);
	brelse(bp, 0);
	return error;
}

/* Read from a file with a block map; stops at end of file. */
int
ext2fs_read_uio(struct ext2fs_inode *ip, struct uio *uio)
{
	size_t done;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	if (!ext2fs_has_blockmap(ip))
		return ext2fs_inline_read(ip, uio);
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < ip->i_size) {
		error = ext2fs_read_direct(ip, uio, &done);
		if (error == 0 && done == 0)
			error = ext2fs_read_cached(ip, uio);
	}
	return error;
}

/* VOP_READ */
int
ext2fs_read(void *v)
{
	struct vop_read_args *ap = v;
	struct vnode *vp = ap->a_vp;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG && vp->v_type != VLNK)
		return EOPNOTSUPP;
	return ext2fs_read_uio(VTOI(vp), ap->a_uio);
}
