/*
 * Block maps of LFS files.  The pointers are those of the ufs1 inode,
 * but indirect blocks live in the file's own buffer cache at negative
 * logical block numbers (as NetBSD numbers them: the single indirect
 * block of the inode is -12), since they move every time they are
 * written.  A pointer of LFS_UNWRITTEN marks a block allocated in core
 * whose buffer has not reached the log yet.
 *
 * VOP_STRATEGY writes a block by appending it to the log and pointing
 * its parent (the inode or an indirect block) at the new address.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

/* first data lbn of the region reached through i_ib[level - 1] */
static daddr_t
lfs_region_start(const struct ufsmount *ump, int level)
{
	daddr_t n = UFS_NDADDR;
	int l;

	for (l = 1; l < level; l++)
		n += (daddr_t)1 << (ump->um_nindirshift * l);
	return n;
}

int32_t
lfs_metalbn(const struct ufsmount *ump, daddr_t base, int height)
{
	return (int32_t)-(base + height - 1);
}

/* The data range (first lbn, height) of indirect block metalbn. */
int
lfs_metainfo(const struct ufsmount *ump, int32_t metalbn, daddr_t *basep,
    int *heightp)
{
	unsigned path[UFS_MAXLEVEL];
	daddr_t m = -(daddr_t)metalbn, base;
	int h, level;

	for (h = 1; h <= UFS_NIADDR; h++) {
		base = m - (h - 1);
		if (base < UFS_NDADDR)
			break;
		level = ufs_getpath(ump, base, path);
		if (level < h)
			continue;
		if (((base - lfs_region_start(ump, level)) &
		        (((daddr_t)1 << (ump->um_nindirshift * h)) - 1)) != 0)
			continue;
		*basep = base;
		*heightp = h;
		return 0;
	}
	return EINVAL;
}

/*
 * Where the pointer to block lbn (data >= 0, indirect < 0) lives: in
 * the inode (*parentp = 0, *idxp indexes i_db then i_ib) or at index
 * *idxp of indirect block *parentp.
 */
static int
lfs_ptrloc(struct inode *ip, daddr_t lbn, int32_t *parentp, unsigned *idxp)
{
	const struct ufsmount *ump = ip->i_ump;
	unsigned path[UFS_MAXLEVEL];
	daddr_t target = lbn, base, pbase;
	int level, depth, height, d;

	if (lbn >= 0) {
		if (lbn < UFS_NDADDR) {
			*parentp = 0;
			*idxp = (unsigned)lbn;
			return 0;
		}
		height = 0;
	} else {
		if (lfs_metainfo(ump, (int32_t)lbn, &target, &height) != 0)
			return EINVAL;
	}
	level = ufs_getpath(ump, target, path);
	if (level < 1)
		return EFBIG;
	depth = level - height; /* depth of the parent, 0: the inode */
	if (depth == 0) {
		*parentp = 0;
		*idxp = UFS_NDADDR + (unsigned)level - 1;
		return 0;
	}
	/* the parent, at depth `depth`, covers data from pbase */
	pbase = lfs_region_start(ump, level);
	for (d = 1; d < depth; d++)
		pbase += (daddr_t)path[d]
		    << (ump->um_nindirshift * (unsigned)(level - d));
	base = pbase;
	*parentp = lfs_metalbn(ump, base, level - depth + 1);
	*idxp = path[depth];
	return 0;
}

static int64_t
lfs_ind_get(const void *blk, unsigned idx)
{
	return ((const int32_t *)blk)[idx];
}

static void
lfs_ind_set(void *blk, unsigned idx, int64_t v)
{
	((int32_t *)blk)[idx] = (int32_t)v;
}

static int64_t *
lfs_inoptr(struct inode *ip, unsigned idx)
{
	return idx < UFS_NDADDR ? &ip->i_db[idx] : &ip->i_ib[idx - UFS_NDADDR];
}

/* The pointer to block lbn: an address, 0 (a hole) or LFS_UNWRITTEN. */
int
lfs_blkmap(struct inode *ip, daddr_t lbn, int64_t *addrp)
{
	struct ufsmount *ump = ip->i_ump;
	unsigned idx;
	int32_t parent;
	int64_t paddr;
	struct buf *bp;
	int error;

	*addrp = 0;
	if ((error = lfs_ptrloc(ip, lbn, &parent, &idx)) != 0)
		return error;
	if (parent == 0) {
		*addrp = *lfs_inoptr(ip, idx);
	} else {
		if ((error = lfs_blkmap(ip, parent, &paddr)) != 0)
			return error;
		if (paddr == 0 && incore(ITOV(ip), parent) == NULL)
			return 0;
		if ((error = bread(ITOV(ip), parent, (int)ump->um_bsize, 0,
		         &bp)) != 0)
			return error;
		*addrp = lfs_ind_get(bp->b_data, idx);
		brelse(bp, 0);
	}
	if (*addrp < 0 && *addrp != LFS_UNWRITTEN)
		return ufs_corrupt_ptr(ip, *addrp);
	if (*addrp > 0 && !ufs_addr_valid(ump, *addrp, 1))
		return ufs_corrupt_ptr(ip, *addrp);
	return 0;
}

/* Point block lbn at addr; the old pointer in *oldp. */
int
lfs_setptr(struct inode *ip, daddr_t lbn, int64_t addr, int64_t *oldp)
{
	struct ufsmount *ump = ip->i_ump;
	unsigned idx;
	int32_t parent;
	struct buf *bp;
	int error;

	if ((error = lfs_ptrloc(ip, lbn, &parent, &idx)) != 0)
		return error;
	if (parent == 0) {
		if (oldp != NULL)
			*oldp = *lfs_inoptr(ip, idx);
		*lfs_inoptr(ip, idx) = addr;
		ip->i_flag |= IN_MODIFIED;
		return 0;
	}
	if ((error = bread(ITOV(ip), parent, (int)ump->um_bsize, 0, &bp)) != 0)
		return error;
	if (oldp != NULL)
		*oldp = lfs_ind_get(bp->b_data, idx);
	lfs_ind_set(bp->b_data, idx, addr);
	bdwrite(bp);
	return 0;
}

/* The size of block lbn as the file's size makes it. */
long
lfs_blksize_of(struct inode *ip, daddr_t lbn)
{
	if (lbn < 0)
		return (long)ip->i_ump->um_bsize;
	return ufs_blksize(ip, lbn);
}

int
lfs_bmap(void *v)
{
	struct vop_bmap_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);
	int64_t addr;
	int error;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = ip->i_ump->um_devvp;
	if (ap->a_runp != NULL)
		*ap->a_runp = 0;
	if (ap->a_bnp == NULL)
		return 0;
	if ((error = lfs_blkmap(ip, ap->a_bn, &addr)) != 0)
		return error;
	*ap->a_bnp = addr <= 0 ? -1 : UFS_FSBTODB(ip->i_ump, addr);
	return 0;
}

static int
lfs_strategy_done(struct buf *bp, int error)
{
	if (error != 0) {
		bp->b_error = error;
		bp->b_flags |= B_ERROR;
		bp->b_resid = bp->b_bcount;
	} else
		bp->b_resid = 0;
	biodone(bp);
	return error;
}

/* Indirect blocks go to the log with unwritten children as holes. */
static void *
lfs_meta_copy(struct lfsmount *lm, const struct buf *bp)
{
	uint32_t n = lm->lm_sb.dlfs_nindir, i;
	int32_t *copy = kmem_alloc(bp->b_bcount, KM_SLEEP);

	memcpy(copy, bp->b_data, bp->b_bcount);
	for (i = 0; i < n; i++)
		if (copy[i] < 0)
			copy[i] = 0;
	return copy;
}

static int
lfs_strategy_write(struct inode *ip, struct buf *bp)
{
	struct lfsmount *lm = ITOLFS(ip);
	struct ufsmount *ump = &lm->lm_um;
	daddr_t lbn = bp->b_lblkno;
	int64_t old, addr;
	unsigned idx;
	int32_t parent;
	struct buf *pbp = NULL;
	const void *data = bp->b_data;
	void *copy = NULL;
	int error;

	if ((error = lfs_ptrloc(ip, lbn, &parent, &idx)) != 0)
		return error;
	if (parent != 0) {
		error = bread(ITOV(ip), parent, (int)ump->um_bsize, 0, &pbp);
		if (error != 0)
			return error;
		old = lfs_ind_get(pbp->b_data, idx);
	} else
		old = *lfs_inoptr(ip, idx);
	if (lbn < 0)
		data = copy = lfs_meta_copy(lm, bp);
	mutex_enter(&lm->lm_lock);
	error = lfs_append(lm, (uint32_t)ip->i_number, (uint32_t)ip->i_gen,
	    (int32_t)lbn, data, bp->b_bcount, &addr);
	if (error == 0) {
		if (old > 0)
			lfs_account(lm, old, -(long)bp->b_bcount);
		else if (lm->lm_pending > 0)
			lm->lm_pending -= MIN(lm->lm_pending,
			    (int64_t)lfs_btofsb(&lm->lm_sb, bp->b_bcount));
	}
	mutex_exit(&lm->lm_lock);
	if (copy != NULL)
		kmem_free(copy, bp->b_bcount);
	if (error != 0) {
		if (pbp != NULL)
			brelse(pbp, 0);
		return error;
	}
	if (pbp != NULL) {
		lfs_ind_set(pbp->b_data, idx, addr);
		bdwrite(pbp);
	} else
		*lfs_inoptr(ip, idx) = addr;
	ip->i_flag |= IN_MODIFIED;
	bp->b_blkno = UFS_FSBTODB(ump, addr);
	return 0;
}

int
lfs_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	struct inode *ip = VTOI(ap->a_vp);
	struct lfsmount *lm;
	int64_t addr;
	int error;

	if (ip == NULL)
		return lfs_strategy_done(bp, EIO);
	lm = ITOLFS(ip);
	if ((bp->b_flags & B_READ) == 0) {
		if (lm->lm_um.um_ronly)
			return lfs_strategy_done(bp, EROFS);
		return lfs_strategy_done(bp, lfs_strategy_write(ip, bp));
	}
	if ((error = lfs_blkmap(ip, bp->b_lblkno, &addr)) != 0)
		return lfs_strategy_done(bp, error);
	if (addr <= 0) {
		memset(bp->b_data, 0, bp->b_bcount);
		bp->b_blkno = -1;
		return lfs_strategy_done(bp, 0);
	}
	if (!ufs_addr_valid(&lm->lm_um, addr,
	        lfs_btofsb(&lm->lm_sb, bp->b_bcount)))
		return lfs_strategy_done(bp, ufs_corrupt_ptr(ip, addr));
	bp->b_blkno = UFS_FSBTODB(&lm->lm_um, addr);
	error = lfs_readfrags(lm, addr, bp->b_data, bp->b_bcount);
	return lfs_strategy_done(bp, error);
}

/* A fresh zeroed buffer for block lbn, left busy. */
static struct buf *
lfs_newbuf(struct vnode *vp, daddr_t lbn, int size)
{
	struct buf *bp = getblk(vp, lbn, size);

	memset(bp->b_data, 0, (size_t)size);
	return bp;
}

/*
 * Allocate block lbn of size bytes in core: space is reserved now and
 * taken in the log when the buffer is written.
 */
static int
lfs_newblock(struct inode *ip, daddr_t lbn, int size)
{
	struct lfsmount *lm = ITOLFS(ip);
	int error;

	if ((error = lfs_space_reserve(lm,
	         lfs_btofsb(&lm->lm_sb, (uint64_t)size))) != 0)
		return error;
	if ((error = lfs_setptr(ip, lbn, LFS_UNWRITTEN, NULL)) != 0) {
		mutex_enter(&lm->lm_lock);
		lm->lm_pending -= lfs_btofsb(&lm->lm_sb, (uint64_t)size);
		mutex_exit(&lm->lm_lock);
		return error;
	}
	ip->i_blocks += (uint64_t)size >> DEV_BSHIFT;
	ip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
	return 0;
}

/* Give back block lbn at pointer value addr, of size bytes. */
void
lfs_freeblock(struct inode *ip, int64_t addr, long size)
{
	struct lfsmount *lm = ITOLFS(ip);

	if (addr == 0)
		return;
	mutex_enter(&lm->lm_lock);
	if (addr > 0)
		lfs_account(lm, addr, -size);
	else
		lm->lm_pending -= MIN(lm->lm_pending,
		    (int64_t)lfs_btofsb(&lm->lm_sb, (uint64_t)size));
	mutex_exit(&lm->lm_lock);
	ip->i_blocks -= MIN(ip->i_blocks, (uint64_t)size >> DEV_BSHIFT);
	ip->i_flag |= IN_CHANGE | IN_MODIFIED;
}

/*
 * Change direct block lbn from osize to nsize bytes: a new block in
 * the log, holding the old data (cut or zero-extended).
 */
int
lfs_resizeblock(struct inode *ip, daddr_t lbn, int osize, int nsize,
    struct buf **bpp)
{
	struct vnode *vp = ITOV(ip);
	struct buf *bp;
	uint8_t *save;
	int64_t old;
	int error;

	*bpp = NULL;
	if ((error = bread(vp, lbn, osize, 0, &bp)) != 0)
		return error;
	save = kmem_alloc((size_t)osize, KM_SLEEP);
	memcpy(save, bp->b_data, (size_t)osize);
	bp->b_flags &= ~B_DELWRI;
	brelse(bp, B_INVAL);
	old = ip->i_db[lbn];
	error = lfs_newblock(ip, lbn, nsize);
	if (error != 0) {
		bp = getblk(vp, lbn, osize);
		memcpy(bp->b_data, save, (size_t)osize);
		kmem_free(save, (size_t)osize);
		bdwrite(bp);
		return error;
	}
	lfs_freeblock(ip, old, osize);
	bp = lfs_newbuf(vp, lbn, nsize);
	memcpy(bp->b_data, save, (size_t)MIN(osize, nsize));
	kmem_free(save, (size_t)osize);
	*bpp = bp;
	return 0;
}

/* The file reaches past its short last block: make that block whole. */
static int
lfs_promote(struct inode *ip, daddr_t lbn)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t last;
	long osize;
	struct buf *bp;
	int error;

	if (ip->i_size == 0)
		return 0;
	last = UFS_LBLKNO(ump, ip->i_size - 1);
	if (last >= UFS_NDADDR || last >= lbn || ip->i_db[last] == 0)
		return 0;
	osize = ufs_blksize(ip, last);
	if (osize >= (long)ump->um_bsize)
		return 0;
	error = lfs_resizeblock(ip, last, (int)osize, (int)ump->um_bsize, &bp);
	if (error != 0)
		return error;
	ip->i_size = (uint64_t)UFS_LBLKTOSIZE(ump, last + 1);
	ITOV(ip)->v_size = (off_t)ip->i_size;
	bdwrite(bp);
	return 0;
}

/* Make sure the indirect blocks on the way to lbn exist. */
static int
lfs_balloc_meta(struct inode *ip, daddr_t lbn)
{
	struct ufsmount *ump = ip->i_ump;
	unsigned path[UFS_MAXLEVEL];
	int32_t chain[UFS_MAXLEVEL];
	daddr_t base;
	int64_t addr;
	int level, d, error;
	struct buf *bp;

	level = ufs_getpath(ump, lbn, path);
	if (level < 0)
		return EFBIG;
	base = lfs_region_start(ump, level);
	for (d = 1; d <= level; d++) {
		chain[d] = lfs_metalbn(ump, base, level - d + 1);
		base += (daddr_t)path[d]
		    << (ump->um_nindirshift * (unsigned)(level - d));
	}
	for (d = 1; d <= level; d++) {
		if ((error = lfs_blkmap(ip, chain[d], &addr)) != 0)
			return error;
		if (addr != 0)
			continue;
		if ((error = lfs_newblock(ip, chain[d], (int)ump->um_bsize)))
			return error;
		bp = lfs_newbuf(ITOV(ip), chain[d], (int)ump->um_bsize);
		bdwrite(bp);
	}
	return 0;
}

/*
 * Before a file grows or changes: with clean segments short, run the
 * cleaner (the caller holds no buffers; files it holds locked besides
 * this one are passed over); with too few left even then, no room.
 */
static int
lfs_log_room(struct inode *ip)
{
	struct lfsmount *lm = ITOLFS(ip);
	const struct dlfs *sb = &lm->lm_sb;
	uint32_t nclean;

	/* the inode map grows in the reserve (roll-forward needs it) */
	if (ip->i_number == LFS_IFILE_INUM)
		return 0;
	mutex_enter(&lm->lm_lock);
	nclean = lfs_nclean(lm);
	mutex_exit(&lm->lm_lock);
	if (nclean >= sb->dlfs_minfreeseg)
		return 0;
	/* no checkpoint inside a directory operation: the reserve serves */
	if (lfs_in_dirop())
		return nclean >= sb->dlfs_resvseg ? 0 : ENOSPC;
	/* others' directory operations end first (lfs_clean_wait) */
	lfs_clean_wait(lm, ITOV(ip));
	mutex_enter(&lm->lm_lock);
	nclean = lfs_nclean(lm);
	mutex_exit(&lm->lm_lock);
	return nclean >= sb->dlfs_resvseg ? 0 : ENOSPC;
}

/* uo_balloc: see ufs/ufsmount.h. */
int
lfs_balloc(struct inode *ip, off_t off, int size, kauth_cred_t cred,
    int flags, struct buf **bpp)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t lbn = UFS_LBLKNO(ump, off);
	uint64_t end = (uint64_t)off + (uint64_t)size, start;
	int64_t addr;
	int nsize, osize, error;

	*bpp = NULL;
	if (off < 0 || size <= 0 ||
	    UFS_BLKOFF(ump, off) + (size_t)size > ump->um_bsize)
		return EINVAL;
	if (end > ump->um_maxfilesize)
		return EFBIG;
	if ((error = lfs_log_room(ip)) != 0)
		return error;
	if ((error = lfs_promote(ip, lbn)) != 0)
		return error;
	start = (uint64_t)UFS_LBLKTOSIZE(ump, lbn);
	nsize = (int)ump->um_bsize;
	if (lbn < UFS_NDADDR && MAX(ip->i_size, end) < start + ump->um_bsize)
		nsize = (int)UFS_FRAGROUNDUP(ump, MAX(ip->i_size, end) - start);
	if (lbn >= UFS_NDADDR && (error = lfs_balloc_meta(ip, lbn)) != 0)
		return error;
	if ((error = lfs_blkmap(ip, lbn, &addr)) != 0)
		return error;
	if (addr != 0) {
		osize = (int)ufs_blksize(ip, lbn);
		if (osize < nsize)
			return lfs_resizeblock(ip, lbn, osize, nsize, bpp);
		if (flags & UFS_BALLOC_CLRBUF)
			return bread(ITOV(ip), lbn, osize, 0, bpp);
		*bpp = getblk(ITOV(ip), lbn, osize);
		return 0;
	}
	if ((error = lfs_newblock(ip, lbn, nsize)) != 0)
		return error;
	*bpp = lfs_newbuf(ITOV(ip), lbn, nsize);
	return 0;
}
