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

/* --- writing ------------------------------------------------------------ */

/* b_private of file buffers whose b_blkno is known to be right. */
static const int ext2fs_premapped;

/* File buffer bp holds device block pbn: write it there without a bmap. */
void
ext2fs_buf_mapped(struct ext2fs_inode *ip, struct buf *bp, uint64_t pbn)
{
	bp->b_blkno = E2FS_FSBTODB(ip->i_ump, pbn);
	bp->b_private = (void *)(uintptr_t)&ext2fs_premapped;
}

bool
ext2fs_buf_ismapped(const struct buf *bp)
{
	return bp->b_private == &ext2fs_premapped;
}

/*
 * Set the size of a file that grows.  A regular file past 2 GiB needs
 * the large_file feature, which is turned on the first time.
 */
int
ext2fs_setsize(struct ext2fs_inode *ip, uint64_t size)
{
	struct ext2fs_mount *ump = ip->i_ump;

	if (size > INT32_MAX && (ip->i_mode & E2FS_IFMT) == E2FS_IFREG &&
	    !E2FS_HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_LARGE_FILE)) {
		if (e2fs_le32(ump->um_sb.s_rev_level) == E2FS_REV0)
			return EFBIG;
		mutex_enter(&ump->um_lock);
		ump->um_rocompat |= EXT2F_ROCOMPAT_LARGE_FILE;
		ump->um_sb.s_feature_ro_compat = e2fs_le32(ump->um_rocompat);
		ump->um_fmod = true;
		mutex_exit(&ump->um_lock);
	}
	ip->i_size = size;
	ITOV(ip)->v_size = (off_t)size;
	ip->i_flag |= IN_MODIFIED;
	return 0;
}

/*
 * Write one block's worth of uio (at most the rest of the block holding
 * uio_offset), allocating the block if it is a hole.
 */
static int
ext2fs_write_block(struct ext2fs_inode *ip, struct uio *uio, size_t n,
    int ioflag, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	daddr_t lbn = E2FS_LBLKNO(ump, uio->uio_offset);
	size_t off = E2FS_BLKOFF(ump, uio->uio_offset);
	uint64_t pbn, end;
	struct buf *bp;
	bool isnew;
	int error;

	if ((error = ext2fs_balloc(ip, lbn, cred, &pbn, &isnew)) != 0)
		return error;
	if (isnew || n == ump->um_bsize) {
		bp = getblk(vp, lbn, (int)ump->um_bsize);
		if (!(bp->b_flags & B_DONE))
			memset(bp->b_data, 0, ump->um_bsize);
	} else if ((error = bread(vp, lbn, (int)ump->um_bsize, 0, &bp)) != 0)
		return error;
	ext2fs_buf_mapped(ip, bp, pbn);
	end = (uint64_t)uio->uio_offset + n;
	error = uiomove((uint8_t *)bp->b_data + off, n, uio);
	if (error == 0 && end > ip->i_size)
		error = ext2fs_setsize(ip, end);
	if (error != 0 && !isnew && !(bp->b_flags & B_DELWRI)) {
		/* the block is unchanged on disk; forget our copy */
		brelse(bp, B_INVAL);
		return error;
	}
	/* A new block must reach the disk even if the copy failed. */
	if (ioflag & IO_SYNC) {
		int e = bwrite(bp);

		return error ? error : e;
	}
	bdwrite(bp);
	return error;
}

/* Write len bytes at device block pbn from data, past the cache. */
static int
ext2fs_devwrite(struct ext2fs_mount *ump, uint64_t pbn, void *data, size_t len)
{
	struct buf buf;
	int error;

	memset(&buf, 0, sizeof(buf));
	buf.b_flags = B_BUSY;
	buf.b_data = data;
	buf.b_bcount = buf.b_bufsize = len;
	buf.b_blkno = buf.b_lblkno = E2FS_FSBTODB(ump, pbn);
	buf.b_vp = ump->um_devvp;
	VOP_STRATEGY(ump->um_devvp, &buf);
	if ((error = biowait(&buf)) == 0 && buf.b_resid != 0)
		error = EIO;
	return error;
}


/*
 * The fast path for writing: from a block boundary, whole blocks, and a
 * last partial block when the write ends the file there (nothing past
 * the data in that block is part of the file, so it may be written as
 * zeros), as many as lie in one physical run and are not in the cache,
 * go straight to the device.  *done is 0 when the path does not apply.
 */
static int
ext2fs_write_direct(struct ext2fs_inode *ip, struct uio *uio, uint64_t maxsize,
    kauth_cred_t cred, size_t *done)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	uint64_t pbn0 = 0, pbn, end, off = (uint64_t)uio->uio_offset;
	size_t want, nblk, whole, n, bytes;
	struct kiovec *iov;
	bool isnew, cached;
	uint8_t *bounce;
	daddr_t lbn;
	int error = 0;

	*done = 0;
	if (E2FS_BLKOFF(ump, off) != 0 || (iov = ext2fs_uio_iov(uio)) == NULL)
		return 0;
	want = MIN(iov->iov_len, uio->uio_resid);
	want = (size_t)MIN((uint64_t)want, maxsize - off);
	whole = want >> ump->um_bshift;
	nblk = whole;
	/* a partial last block, if the file ends with it */
	if (E2FS_BLKOFF(ump, want) != 0 && off + want >= ip->i_size)
		nblk++;
	nblk = MIN(nblk, (size_t)ext2fs_maxrun(ump) + 1);
	if (nblk == 0)
		return 0;
	/* Nothing cached: no need to look for every block. */
	cached = !LIST_EMPTY(&vp->v_bufs);
	lbn = E2FS_LBLKNO(ump, off);
	for (n = 0; n < nblk; n++) {
		if (cached && incore(vp, lbn + (daddr_t)n) != NULL)
			break;
		error = ext2fs_balloc(ip, lbn + (daddr_t)n, cred, &pbn, &isnew);
		if (error != 0)
			break;
		if (n == 0)
			pbn0 = pbn;
		else if (pbn != pbn0 + n) {
			/* mapped, but elsewhere: the next round writes it */
			break;
		}
	}
	if (n == 0)
		return error;
	nblk = n;
	bytes = MIN(want, nblk << ump->um_bshift);
	if ((nblk << ump->um_bshift) <= E2FS_BOUNCE_MAX ||
	    bytes < (nblk << ump->um_bshift)) {
		/*
		 * Small, or with a partial block: through a copy zeroed past
		 * the data, in the mount's spare buffer when nobody else has
		 * it (one write after another would otherwise allocate and
		 * fault in a fresh one each time).
		 */
		n = nblk << ump->um_bshift;
		bounce = NULL;
		if (n <= E2FS_BOUNCE_MAX)
			bounce = __atomic_exchange_n(
			    &ump->um_bounce, NULL, __ATOMIC_ACQUIRE);
		if (bounce == NULL)
			bounce = kmem_alloc(MAX(n, E2FS_BOUNCE_MAX), KM_SLEEP);
		memcpy(bounce, iov->iov_base, bytes);
		memset(bounce + bytes, 0, n - bytes);
		error = ext2fs_devwrite(ump, pbn0, bounce, n);
		if (n > E2FS_BOUNCE_MAX ||
		    (bounce = __atomic_exchange_n(&ump->um_bounce, bounce,
			 __ATOMIC_ACQ_REL)) != NULL)
			kmem_free(bounce, MAX(n, E2FS_BOUNCE_MAX));
	} else
		error = ext2fs_devwrite(ump, pbn0, iov->iov_base, bytes);
	if (error != 0)
		return error;
	end = off + bytes;
	ext2fs_uio_advance(uio, iov, bytes);
	*done = bytes;
	if (end > ip->i_size)
		return ext2fs_setsize(ip, end);
	return 0;
}

/*
 * VOP_WRITE: through the buffer cache of the file, allocating blocks on
 * the way (or, for big aligned writes, straight to the device).  Running
 * out of space stops the write; what was written stays and the VFS
 * reports the short count.
 */
int
ext2fs_write(void *v)
{
	struct vop_write_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);
	struct ext2fs_mount *ump = ip->i_ump;
	struct uio *uio = ap->a_uio;
	size_t resid = uio->uio_resid, n, done;
	uint64_t maxsize;
	int error = 0;

	if (vp->v_type != VREG)
		return vp->v_type == VDIR ? EISDIR : EOPNOTSUPP;
	if (ump->um_ronly)
		return EROFS;
	if (ip->i_flags & EXT2_IMMUTABLE_FL)
		return EPERM;
	if (ap->a_ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ip->i_size;
	else if ((ip->i_flags & EXT2_APPEND_FL) &&
	    (uint64_t)uio->uio_offset != ip->i_size)
		return EPERM;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (resid == 0)
		return 0;
	maxsize = ext2fs_maxsize(ip);
	if ((uint64_t)uio->uio_offset >= maxsize)
		return EFBIG;
	while (uio->uio_resid > 0) {
		n = MIN(ump->um_bsize - E2FS_BLKOFF(ump, uio->uio_offset),
		    uio->uio_resid);
		if ((uint64_t)uio->uio_offset + n > maxsize)
			n = (size_t)(maxsize - (uint64_t)uio->uio_offset);
		if (n == 0) {
			error = EFBIG;
			break;
		}
		error =
		    ext2fs_write_direct(ip, uio, maxsize, ap->a_cred, &done);
		if (error != 0)
			break;
		if (done > 0)
			continue;
		error =
		    ext2fs_write_block(ip, uio, n, ap->a_ioflag, ap->a_cred);
		if (error != 0)
			break;
	}
	if (uio->uio_resid < resid) {
		ext2fs_itimes(ip, E2FS_MTIME | E2FS_CTIME);
		/* Writing by someone other than root drops the set-id bits. */
		if ((ip->i_mode & (E2FS_ISUID | E2FS_ISGID)) &&
		    !kauth_cred_issuser(ap->a_cred))
			ip->i_mode &= ~(E2FS_ISUID | E2FS_ISGID);
	}
	if ((ap->a_ioflag & IO_SYNC) && uio->uio_resid < resid) {
		/* O_SYNC: the maps and the inode that reach the data too */
		int e = ext2fs_update(ip, false);

		if (e == 0)
			e = ext2fs_sync_meta(ump);
		if (error == 0)
			error = e;
	}
	return error;
}
