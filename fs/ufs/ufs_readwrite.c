/*
 * File data: reading and writing regular files (and slow symlinks).
 *
 * Reads go through the buffer cache of the file vnode, with read-ahead
 * on sequential reads; runs of whole blocks that lie contiguously on the
 * device and are not cached go straight from the device into the
 * caller's buffer.  Writes ask the file system to allocate (uo_balloc)
 * and leave delayed-write buffers behind.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

#define UFS_READAHEAD_BYTES (64 * 1024)
#define UFS_READAHEAD_MAX   16

static struct kiovec *
ufs_uio_iov(struct uio *uio)
{
	int i;

	for (i = 0; i < uio->uio_iovcnt; i++)
		if (uio->uio_iov[i].iov_len > 0)
			return &uio->uio_iov[i];
	return NULL;
}

static void
ufs_uio_advance(struct uio *uio, struct kiovec *iov, size_t n)
{
	iov->iov_base = (uint8_t *)iov->iov_base + n;
	iov->iov_len -= n;
	uio->uio_resid -= n;
	uio->uio_offset += (off_t)n;
}

/*
 * The fast path: from a block boundary, at least two whole blocks or all
 * the rest of the file, read in one transfer per device run and without
 * buffers.  *done is 0 when it does not apply.
 */
static int
ufs_read_direct(struct inode *ip, struct uio *uio, size_t *done)
{
	struct ufsmount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	struct kiovec *iov;
	struct buf buf;
	daddr_t lbn, addr;
	size_t want, n, i, nblk, adv;
	uint64_t remain;
	bool tail;
	int run, error;

	*done = 0;
	if (ump->um_nodirectread || UFS_BLKOFF(ump, uio->uio_offset) != 0 ||
	    (iov = ufs_uio_iov(uio)) == NULL)
		return 0;
	remain = ip->i_size - (uint64_t)uio->uio_offset;
	want = MIN(iov->iov_len, uio->uio_resid);
	want = (size_t)MIN((uint64_t)want, remain);
	/*
	 * A read to the end of the file may take the last, short block too,
	 * if the caller's buffer has room for its whole sectors.
	 */
	tail = want == remain && UFS_BLKOFF(ump, remain) != 0 &&
	    iov->iov_len >= roundup(remain, DEV_BSIZE);
	nblk = (want >> ump->um_bshift) + (tail ? 1 : 0);
	if (nblk < 2 && !(tail && nblk == 1))
		return 0;
	lbn = UFS_LBLKNO(ump, uio->uio_offset);
	if ((error = ufs_blkmap(ip, lbn, &addr, &run)) != 0)
		return error;
	n = MIN(nblk, (size_t)run + 1);
	for (i = 0; i < n; i++)
		if (incore(vp, lbn + (daddr_t)i) != NULL)
			break;
	if ((n = i) == 0)
		return 0;
	if (tail && n == nblk) {
		/* the device reads whole sectors; the caller gets the rest */
		adv = (size_t)remain;
		n = (size_t)roundup(remain, DEV_BSIZE);
	} else {
		/* whole blocks only (a short tail would be the last one) */
		n <<= ump->um_bshift;
		adv = n;
	}
	if (addr < 0) {
		memset(iov->iov_base, 0, n);
	} else {
		if (!ufs_addr_valid(
		        ump, addr, (uint32_t)howmany(n, ump->um_fsize)) ||
		    !ufs_data_valid(ump, addr, MIN(n, ump->um_bsize)))
			return ufs_corrupt_ptr(ip, addr);
		memset(&buf, 0, sizeof(buf));
		buf.b_flags = B_READ | B_BUSY;
		buf.b_data = iov->iov_base;
		buf.b_bcount = buf.b_bufsize = n;
		buf.b_blkno = buf.b_lblkno = UFS_FSBTODB(ump, addr);
		buf.b_vp = ump->um_devvp;
		VOP_STRATEGY(ump->um_devvp, &buf);
		error = biowait(&buf);
		if (error == 0 && buf.b_resid != 0)
			error = EIO;
		if (error != 0)
			return error;
	}
	ufs_uio_advance(uio, iov, adv);
	*done = adv;
	return 0;
}

/* Read the block that holds uio_offset through the buffer cache. */
static int
ufs_read_cached(struct inode *ip, struct uio *uio)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t rablks[UFS_READAHEAD_MAX], lbn, lastlbn;
	int rasizes[UFS_READAHEAD_MAX], nra = 0;
	size_t boff, n;
	struct buf *bp;
	int error;

	lbn = UFS_LBLKNO(ump, uio->uio_offset);
	boff = UFS_BLKOFF(ump, uio->uio_offset);
	n = MIN(ump->um_bsize - boff, uio->uio_resid);
	n = (size_t)MIN((uint64_t)n, ip->i_size - uio->uio_offset);
	lastlbn = UFS_LBLKNO(ump, ip->i_size - 1);

	if (lbn == __atomic_load_n(&ip->i_nextr, __ATOMIC_RELAXED)) {
		while (nra < UFS_READAHEAD_MAX &&
		    ((size_t)nra + 1) * ump->um_bsize <= UFS_READAHEAD_BYTES &&
		    lbn + nra + 1 <= lastlbn) {
			rablks[nra] = lbn + nra + 1;
			rasizes[nra] = (int)ufs_blksize(ip, rablks[nra]);
			nra++;
		}
	}
	if (nra > 0)
		error = breadn(ITOV(ip), lbn, (int)ufs_blksize(ip, lbn), rablks,
		    rasizes, nra, 0, &bp);
	else
		error = bread(ITOV(ip), lbn, (int)ufs_blksize(ip, lbn), 0, &bp);
	if (error != 0)
		return error;
	__atomic_store_n(&ip->i_nextr, lbn + 1, __ATOMIC_RELAXED);
	if (boff + n > bp->b_bcount) {
		brelse(bp, 0);
		return EIO;
	}
	error = uiomove((uint8_t *)bp->b_data + boff, n, uio);
	brelse(bp, 0);
	return error;
}

/* Read from a file with a block map; stops at end of file. */
int
ufs_read_uio(struct inode *ip, struct uio *uio)
{
	size_t done;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	if (!ufs_has_blockmap(ip))
		return EINVAL;
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < ip->i_size) {
		error = ufs_read_direct(ip, uio, &done);
		if (error == 0 && done == 0)
			error = ufs_read_cached(ip, uio);
	}
	return error;
}

/* VOP_READ */
int
ufs_read(void *v)
{
	struct vop_read_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	size_t resid = ap->a_uio->uio_resid;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG && vp->v_type != VLNK)
		return EOPNOTSUPP;
	error = ufs_read_uio(ip, ap->a_uio);
	if (ap->a_uio->uio_resid != resid && !ip->i_ump->um_ronly &&
	    (vp->v_mount->mnt_flag & MNT_NOATIME) == 0)
		ip->i_flag |= IN_ACCESS;
	return error;
}

/* Write one block's worth of uio at its offset. */
static int
ufs_write_block(
    struct inode *ip, struct uio *uio, kauth_cred_t cred, int ioflag)
{
	struct ufsmount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	size_t boff, n;
	struct buf *bp;
	off_t end;
	int error, flags = UFS_BALLOC_CLRBUF;

	boff = UFS_BLKOFF(ump, uio->uio_offset);
	n = MIN(ump->um_bsize - boff, uio->uio_resid);
	end = uio->uio_offset + (off_t)n;
	/* A write of a whole block, or of all that is left, needs no read. */
	if (boff == 0 && (n == ump->um_bsize || (uint64_t)end >= ip->i_size))
		flags = 0;
	error = ump->um_ops->uo_balloc(
	    ip, uio->uio_offset, (int)n, cred, flags, &bp);
	if (error != 0)
		return error;
	if ((uint64_t)end > ip->i_size) {
		ip->i_size = (uint64_t)end;
		vp->v_size = end;
	}
	if (flags == 0 && n < bp->b_bcount)
		memset((uint8_t *)bp->b_data + n, 0, bp->b_bcount - n);
	error = uiomove((uint8_t *)bp->b_data + boff, n, uio);
	if (error != 0) {
		brelse(bp, 0);
		return error;
	}
	if (ioflag & IO_SYNC)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/* VOP_WRITE */
int
ufs_write(void *v)
{
	struct vop_write_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct ufsmount *ump = ip->i_ump;
	struct uio *uio = ap->a_uio;
	uint64_t osize = ip->i_size;
	size_t resid = uio->uio_resid, excess = 0;
	off_t end;
	int error = 0;

	if (vp->v_type != VREG)
		return vp->v_type == VDIR ? EISDIR : EOPNOTSUPP;
	if (ump->um_ronly)
		return EROFS;
	if (ap->a_ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ip->i_size;
	if ((ip->i_flags & UFS_APPEND) && uio->uio_offset != (off_t)ip->i_size)
		return EPERM;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset >= ump->um_maxfilesize)
		return EFBIG;
	if (__builtin_add_overflow(
	        uio->uio_offset, (off_t)uio->uio_resid, &end) ||
	    (uint64_t)end > ump->um_maxfilesize) {
		excess = uio->uio_resid -
		    (size_t)(ump->um_maxfilesize - (uint64_t)uio->uio_offset);
		uio->uio_resid -= excess;
	}

	while (error == 0 && uio->uio_resid > 0)
		error = ufs_write_block(ip, uio, ap->a_cred, ap->a_ioflag);
	/* Whatever was written is kept (and reported by the caller). */
	uio->uio_resid += excess;
	if (error == 0 && excess != 0)
		error = EFBIG;
	if (resid != uio->uio_resid) {
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		if ((ip->i_mode & (RUMP_S_ISUID | RUMP_S_ISGID)) &&
		    !kauth_cred_issuser(ap->a_cred))
			ip->i_mode &= ~(RUMP_S_ISUID | RUMP_S_ISGID);
	} else if (error != 0 && ip->i_size != osize) {
		(void)ump->um_ops->uo_truncate(ip, (off_t)osize, ap->a_cred);
		vp->v_size = (off_t)ip->i_size;
	}
	if (error == 0 && (ap->a_ioflag & IO_SYNC))
		error = ump->um_ops->uo_update(ip, UFS_UPDATE_WAIT);
	return error;
}
