/*
 * Inodes on disk: reading one, writing one back (ffs_update), and
 * changing a file's length (ffs_truncate), which frees the data blocks,
 * fragments and indirect blocks past the new end, or promotes the last
 * fragment to a block when a file grows past it.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufsmount.h"

/*
 * Blocks a truncation frees, given back to the maps only after the
 * pointers to them are gone on disk: a crash then never finds a block
 * claimed by the shortened file and by the next one to get it.
 */
struct ffs_freeq {
	struct ffs_freeq_ent {
		int64_t addr;
		long size;
	} *q;
	size_t n, cap;
};

static void ffs_freeblk(struct inode *, struct ffs_freeq *, int64_t, long);

/* The buffer of the block holding inode ino, and where in it it lies. */
static int
ffs_inode_buf(
    struct ffsmount *fm, ino_t ino, int flags, struct buf **bpp, size_t *offp)
{
	struct ufsmount *ump = &fm->fm_um;
	struct fs *fs = fm->fm_fs;

	if (ino >= ump->um_ninodes)
		return EINVAL;
	*offp = ffs_ino_to_fsbo(fs, ino) * ump->um_dinodesize;
	return bread(ump->um_devvp, UFS_FSBTODB(ump, ffs_ino_to_fsba(fs, ino)),
	    fs->fs_bsize, flags, bpp);
}

/* Copy the on-disk inode ino (disk order) into din. */
int
ffs_inode_read(struct ffsmount *fm, ino_t ino, void *din)
{
	struct buf *bp;
	size_t off;
	int error;

	if ((error = ffs_inode_buf(fm, ino, 0, &bp, &off)) != 0)
		return error;
	memcpy(din, (uint8_t *)bp->b_data + off, fm->fm_um.um_dinodesize);
	brelse(bp, 0);
	return 0;
}

/* uo_update: put the in-core inode into its block (and wait for it). */
int
ffs_update(struct inode *ip, int flags)
{
	struct ffsmount *fm = UMPTOFFS(ip->i_ump);
	struct buf *bp;
	size_t off;
	int error;

	ufs_itimes(ip);
	if (fm->fm_um.um_ronly)
		return 0;
	if ((ip->i_flag & IN_MODIFIED) == 0 && (flags & UFS_UPDATE_WAIT) == 0)
		return 0;
	ip->i_flag &= ~IN_MODIFIED;
	ufs_dinode_encode(ip);
	if ((error = ffs_inode_buf(fm, ip->i_number, B_MODIFY, &bp, &off)) !=
	    0) {
		ip->i_flag |= IN_MODIFIED;
		return error;
	}
	memcpy((uint8_t *)bp->b_data + off, ip->i_din, fm->fm_um.um_dinodesize);
	bp->b_flags |= B_META;
	if (flags & UFS_UPDATE_WAIT)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/* An indirect block at addr was freed: drop its buffer unwritten. */
void
ffs_discard_meta(struct ffsmount *fm, int64_t addr)
{
	struct ufsmount *ump = &fm->fm_um;
	daddr_t blkno = UFS_FSBTODB(ump, addr);
	struct buf *bp;

	if (incore(ump->um_devvp, blkno) == NULL)
		return;
	bp = getblk(ump->um_devvp, blkno, (int)ump->um_bsize);
	bp->b_flags &= ~B_DELWRI;
	brelse(bp, B_INVAL);
}

/*
 * The blocks of a UFS2 inode's extended attributes (which we keep but do
 * not interpret): their addresses and sizes; returns how many.
 */
int
ffs_extblocks(
    const struct inode *ip, int64_t addr[UFS_NXADDR], long size[UFS_NXADDR])
{
	const struct ufsmount *ump = ip->i_ump;
	const struct ufs2_dinode *dp = (const void *)ip->i_din;
	uint64_t extsize, start;
	int i, n = 0;

	if (!ump->um_ufs2)
		return 0;
	extsize =
	    (uint32_t)ufs_rw32((uint32_t)dp->di_extsize, ump->um_needswap);
	for (i = 0; i < UFS_NXADDR; i++) {
		start = (uint64_t)i * ump->um_bsize;
		if (extsize <= start)
			break;
		addr[n] = (int64_t)ufs_rw64(
		    (uint64_t)dp->di_extb[i], ump->um_needswap);
		size[n] = extsize >= start + ump->um_bsize
		    ? (long)ump->um_bsize
		    : (long)UFS_FRAGROUNDUP(ump, extsize - start);
		if (addr[n] != 0)
			n++;
	}
	return n;
}

/* Free a dying inode's extended-attribute blocks. */
void
ffs_extfree(struct inode *ip)
{
	struct ufs2_dinode *dp = (void *)ip->i_din;
	int64_t addr[UFS_NXADDR];
	long size[UFS_NXADDR];
	int i, n = ffs_extblocks(ip, addr, size);

	for (i = 0; i < n; i++)
		if (ufs_data_valid(ip->i_ump, addr[i], (size_t)size[i]))
			ffs_freeblk(ip, NULL, addr[i], size[i]);
	if (ip->i_ump->um_ufs2) {
		dp->di_extsize = 0;
		memset(dp->di_extb, 0, sizeof(dp->di_extb));
		ip->i_flag |= IN_MODIFIED;
	}
}

/* Size of block lbn of a file of the given size (see ufs_blksize). */
static long
ffs_sizeof(const struct inode *ip, uint64_t size, daddr_t lbn)
{
	const struct ufsmount *ump = ip->i_ump;
	uint64_t start = (uint64_t)UFS_LBLKTOSIZE(ump, lbn);

	if (lbn >= UFS_NDADDR || size >= start + ump->um_bsize || size <= start)
		return (long)ump->um_bsize;
	return (long)UFS_FRAGROUNDUP(ump, size - start);
}

/* Count a freed block out of ip now; free it now (fq NULL) or queue it. */
static void
ffs_freeblk(struct inode *ip, struct ffs_freeq *fq, int64_t addr, long size)
{
	uint64_t n = (uint64_t)size / DEV_BSIZE;
	struct ffs_freeq_ent *nq;

	ip->i_blocks = ip->i_blocks >= n ? ip->i_blocks - n : 0;
	if (fq == NULL) {
		ffs_blkfree(UMPTOFFS(ip->i_ump), addr, size, ip->i_number);
		return;
	}
	if (fq->n == fq->cap) {
		size_t cap = fq->cap ? fq->cap * 2 : 64;

		nq = kmem_alloc(cap * sizeof(*nq), KM_SLEEP);
		if (fq->n > 0)
			memcpy(nq, fq->q, fq->n * sizeof(*nq));
		if (fq->cap > 0)
			kmem_free(fq->q, fq->cap * sizeof(*nq));
		fq->q = nq;
		fq->cap = cap;
	}
	fq->q[fq->n].addr = addr;
	fq->q[fq->n].size = size;
	fq->n++;
}

/* Give the queued blocks back to the maps. */
static void
ffs_freeq_run(struct inode *ip, struct ffs_freeq *fq)
{
	size_t i;

	for (i = 0; i < fq->n; i++)
		ffs_blkfree(UMPTOFFS(ip->i_ump), fq->q[i].addr, fq->q[i].size,
		    ip->i_number);
	if (fq->cap > 0)
		kmem_free(fq->q, fq->cap * sizeof(*fq->q));
	memset(fq, 0, sizeof(*fq));
}

/*
 * Free what the indirect block at addr (of `level`, the first logical
 * block it maps being base) maps at or past logical block keep.  The
 * block itself stays; its freed pointers are cleared on disk unless the
 * caller frees it too (all).
 */
static int
ffs_indirtrunc(struct inode *ip, struct ffs_freeq *fq, int64_t addr,
    int level, daddr_t base, daddr_t keep, bool all)
{
	struct ufsmount *ump = ip->i_ump;
	struct ffsmount *fm = UMPTOFFS(ump);
	uint64_t span = (uint64_t)1 << (ump->um_nindirshift * (level - 1));
	unsigned nindir = ump->um_nindir, i, first;
	int64_t *ptrs, nb;
	daddr_t cbase;
	struct buf *bp;
	int error;

	if ((error = ufs_bread_meta(ump, addr, &bp)) != 0)
		return error;
	/* Work on a copy: children are read while this block is free. */
	ptrs = kmem_alloc(nindir * sizeof(*ptrs), KM_SLEEP);
	for (i = 0; i < nindir; i++)
		ptrs[i] = ufs_ind_get(ump, bp->b_data, i);
	brelse(bp, 0);
	first = keep <= base
	    ? 0
	    : (unsigned)MIN(
	          howmany((uint64_t)(keep - base), span), (uint64_t)nindir);
	for (i = first; i < nindir; i++) {
		if ((nb = ptrs[i]) == 0)
			continue;
		if (!ufs_addr_valid(ump, nb, ump->um_frag)) {
			(void)ufs_corrupt_ptr(ip, nb);
			continue;
		}
		if (level > 1) {
			(void)ffs_indirtrunc(ip, fq, nb, level - 1,
			    base + (daddr_t)(i * span), keep, true);
			ffs_discard_meta(fm, nb);
		}
		ffs_freeblk(ip, fq, nb, (long)ump->um_bsize);
	}
	/* the child that keeps some of its blocks */
	if (level > 1 && first > 0 && ptrs[first - 1] != 0 &&
	    ufs_addr_valid(ump, ptrs[first - 1], ump->um_frag)) {
		cbase = base + (daddr_t)((first - 1) * span);
		if (keep < cbase + (daddr_t)span)
			(void)ffs_indirtrunc(ip, fq, ptrs[first - 1],
			    level - 1, cbase, keep, false);
	}
	kmem_free(ptrs, nindir * sizeof(*ptrs));
	if (all || first >= nindir)
		return 0;
	if ((error = ufs_bread_meta(ump, addr, &bp)) != 0)
		return error;
	for (i = first; i < nindir; i++)
		ufs_ind_set(ump, bp->b_data, i, 0);
	bp->b_flags |= B_META;
	/* its cleared pointers on disk before the blocks are free */
	if (ump->um_ordered)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/*
 * The new last block (holding byte length - 1): zero it past the end,
 * and if it is a direct block that ends up shorter, give back the
 * fragments it no longer needs.
 */
static int
ffs_trunc_lastblock(struct inode *ip, struct ffs_freeq *fq, off_t length)
{
	struct ufsmount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	daddr_t lbn = UFS_LBLKNO(ump, length - 1), addr;
	size_t boff = UFS_BLKOFF(ump, length);
	long osize, nsize;
	struct buf *bp;
	uint8_t *save;
	int error;

	if (boff == 0)
		return 0;
	if ((error = ufs_blkmap(ip, lbn, &addr, NULL)) != 0)
		return error;
	if (addr < 0)
		return 0;
	osize = ufs_blksize(ip, lbn);
	nsize = ffs_sizeof(ip, (uint64_t)length, lbn);
	if ((error = bread(vp, lbn, (int)osize, 0, &bp)) != 0)
		return error;
	memset((uint8_t *)bp->b_data + boff, 0, (size_t)osize - boff);
	if (nsize >= osize) {
		bdwrite(bp);
		return 0;
	}
	save = kmem_alloc((size_t)nsize, KM_SLEEP);
	memcpy(save, bp->b_data, (size_t)nsize);
	bp->b_flags &= ~B_DELWRI;
	brelse(bp, B_INVAL);
	ffs_freeblk(ip, fq, addr + ffs_numfrags(UMPTOFFS(ump)->fm_fs, nsize),
	    osize - nsize);
	ip->i_size = (uint64_t)length; /* blksize now says nsize */
	bp = getblk(vp, lbn, (int)nsize);
	memcpy(bp->b_data, save, (size_t)nsize);
	kmem_free(save, (size_t)nsize);
	bdwrite(bp);
	return 0;
}

/* Shrink ip to length bytes. */
static int
ffs_shrink(struct inode *ip, struct ffs_freeq *fq, off_t length)
{
	struct ufsmount *ump = ip->i_ump;
	uint64_t osize = ip->i_size, span = 1;
	daddr_t keep = (daddr_t)howmany((uint64_t)length, ump->um_bsize);
	daddr_t lbn, base = UFS_NDADDR;
	int64_t addr;
	int level, error = 0;

	if (length > 0 && (error = ffs_trunc_lastblock(ip, fq, length)) != 0)
		return error;
	vtruncbuf(ITOV(ip), keep);
	for (lbn = keep; lbn < UFS_NDADDR; lbn++) {
		if ((addr = ip->i_db[lbn]) == 0)
			continue;
		ip->i_db[lbn] = 0;
		if (ufs_addr_valid(ump, addr, 1))
			ffs_freeblk(ip, fq, addr, ffs_sizeof(ip, osize, lbn));
	}
	for (level = 1; level <= UFS_NIADDR; level++) {
		span <<= ump->um_nindirshift;
		addr = ip->i_ib[level - 1];
		if (addr != 0 && keep < base + (daddr_t)span) {
			if (!ufs_addr_valid(ump, addr, ump->um_frag)) {
				(void)ufs_corrupt_ptr(ip, addr);
				ip->i_ib[level - 1] = 0;
			} else if (keep <= base) {
				ip->i_ib[level - 1] = 0;
				(void)ffs_indirtrunc(
				    ip, fq, addr, level, base, keep, true);
				ffs_discard_meta(UMPTOFFS(ump), addr);
				ffs_freeblk(ip, fq, addr, (long)ump->um_bsize);
			} else
				error = ffs_indirtrunc(
				    ip, fq, addr, level, base, keep, false);
		}
		base += (daddr_t)span;
	}
	ip->i_size = (uint64_t)length;
	return error;
}

/*
 * Grow ip to length bytes, the new part a hole.  The last block must stay
 * as big as the size says: a short last block that is no longer last
 * becomes a full one; one that stays last grows its fragments.
 */
static int
ffs_grow(struct inode *ip, off_t length, kauth_cred_t cred)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t lbn = UFS_LBLKNO(ump, length - 1);
	struct buf *bp;
	int error;

	if (ip->i_size > 0 && lbn < UFS_NDADDR && ip->i_db[lbn] != 0 &&
	    UFS_LBLKNO(ump, ip->i_size - 1) == lbn) {
		error =
		    ffs_balloc(ip, length - 1, 1, cred, UFS_BALLOC_CLRBUF, &bp);
		if (error != 0)
			return error;
		bdwrite(bp);
	} else if ((error = ffs_balloc_promote(ip, lbn, cred)) != 0)
		return error;
	ip->i_size = (uint64_t)length;
	return 0;
}

/* uo_truncate */
int
ffs_truncate(struct inode *ip, off_t length, kauth_cred_t cred)
{
	struct ufsmount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	struct ffs_freeq fq = {NULL, 0, 0};
	int error = 0, e;

	if (length < 0)
		return EINVAL;
	if ((uint64_t)length > ump->um_maxfilesize)
		return EFBIG;
	if (ufs_isshortlink(ip)) {
		if (length != 0)
			return EINVAL;
		memset(ufs_shortlink(ip), 0,
		    ump->um_ufs2 ? UFS2_MAXSYMLINKLEN : UFS1_MAXSYMLINKLEN);
		ip->i_size = 0;
	} else if (!ufs_has_blockmap(ip)) {
		ip->i_size = (uint64_t)length;
	} else if ((uint64_t)length > ip->i_size) {
		error = ffs_grow(ip, length, cred);
	} else if ((uint64_t)length < ip->i_size) {
		error = ffs_shrink(ip, &fq, length);
	}
	vp->v_size = (off_t)ip->i_size;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	/* the inode without the pointers, then the blocks free */
	e = ffs_update(ip, fq.n > 0 && ump->um_ordered ? UFS_UPDATE_WAIT : 0);
	if (error == 0)
		error = e;
	ffs_freeq_run(ip, &fq);
	return error;
}
