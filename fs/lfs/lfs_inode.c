/*
 * LFS inodes: found through the inode map in the IFILE, written into
 * inode blocks in the log, truncated with every freed block uncounted
 * from its segment.
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

/* The map entry of ino, in its IFILE buffer (busy). */
int
lfs_ifentry(struct lfsmount *lm, ino_t ino, struct buf **bpp,
    struct ifile32 **ifpp)
{
	const struct dlfs *sb = &lm->lm_sb;
	daddr_t lbn;
	int error;

	*bpp = NULL;
	if (ino >= lm->lm_um.um_ninodes)
		return ENOENT;
	lbn = (daddr_t)(ino / sb->dlfs_ifpb) + sb->dlfs_cleansz +
	    sb->dlfs_segtabsz;
	error = bread(lm->lm_ivp, lbn, (int)sb->dlfs_bsize, 0, bpp);
	if (error != 0)
		return error;
	*ifpp = (struct ifile32 *)(*bpp)->b_data + ino % sb->dlfs_ifpb;
	return 0;
}

/* The on-disk image of ip: pointers not yet logged read as holes. */
void
lfs_dinode_out(struct inode *ip, uint8_t *out)
{
	uint32_t num = (uint32_t)ip->i_number;
	struct ufs1_dinode *dp = (struct ufs1_dinode *)out;
	int i;

	ufs_dinode_encode(ip);
	memcpy(out, ip->i_din, LFS_DINODE_SIZE);
	memcpy(out + 4, &num, 4); /* di_inumber */
	if (!ufs_has_blockmap(ip) && ip->i_number != LFS_IFILE_INUM)
		return;
	for (i = 0; i < UFS_NDADDR; i++)
		if (dp->di_db[i] < 0)
			dp->di_db[i] = 0;
	for (i = 0; i < UFS_NIADDR; i++)
		if (dp->di_ib[i] < 0)
			dp->di_ib[i] = 0;
}

/*
 * The copy of inode ino in the inode block at daddr.  Inode blocks
 * hold inodes of any number; di_inumber says which.
 */
int
lfs_iblock_find(struct lfsmount *lm, ino_t ino, int64_t daddr,
    uint8_t *din)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t *blk;
	uint32_t num;
	unsigned i;
	int error;

	if (!ufs_addr_valid(&lm->lm_um, daddr,
	        lfs_btofsb(sb, sb->dlfs_ibsize))) {
		fs_corrupt(LFS_FSNAME, "inode %llu: map address %lld outside "
		                       "the file system",
		    (unsigned long long)ino, (long long)daddr);
		return EFSCORRUPTED;
	}
	blk = kmem_alloc(sb->dlfs_ibsize, KM_SLEEP);
	error = lfs_readfrags(lm, daddr, blk, sb->dlfs_ibsize);
	/* an inode freed and allocated again may be in a block twice: the
	 * later copy is the newer */
	for (i = sb->dlfs_inopb; error == 0 && i-- > 0;) {
		memcpy(&num, blk + i * LFS_DINODE_SIZE + 4, 4);
		if (num == ino) {
			memcpy(din, blk + i * LFS_DINODE_SIZE,
			    LFS_DINODE_SIZE);
			break;
		}
	}
	kmem_free(blk, sb->dlfs_ibsize);
	if (error == 0 && i == (unsigned)-1) {
		fs_corrupt(LFS_FSNAME, "inode %llu is not in the inode block "
		                       "at %lld",
		    (unsigned long long)ino, (long long)daddr);
		error = EFSCORRUPTED;
	}
	return error;
}

int
lfs_inode_read(struct lfsmount *lm, ino_t ino, uint8_t din[LFS_DINODE_SIZE],
    int64_t *daddrp)
{
	struct ifile32 *ife;
	struct buf *bp;
	int64_t daddr;
	int error;

	if (ino == LFS_IFILE_INUM)
		daddr = lm->lm_sb.dlfs_idaddr;
	else {
		if ((error = lfs_ifentry(lm, ino, &bp, &ife)) != 0)
			return error;
		daddr = ife->if_daddr;
		brelse(bp, 0);
	}
	if (daddrp != NULL)
		*daddrp = daddr;
	if (daddr == LFS_UNUSED_DADDR)
		return ENOENT;
	return lfs_iblock_find(lm, ino, daddr, din);
}

/*
 * uo_update: write the inode into the log and point the map at it.
 * UFS_UPDATE_WAIT writes everything dirty and closes the run of partial
 * segments, so that it is on the disk for roll-forward.  The IFILE's inode goes out only with a
 * checkpoint.
 */
int
lfs_update(struct inode *ip, int flags)
{
	struct lfsmount *lm = ITOLFS(ip);
	struct ifile32 *ife;
	struct buf *bp;
	int64_t old, addr;
	int error;

	ufs_itimes(ip);
	if (lm->lm_um.um_ronly || ip->i_number == LFS_IFILE_INUM)
		return 0;
	/* on the disk for roll-forward: the log up to a consistent point */
	if (flags & UFS_UPDATE_WAIT)
		return lfs_segwrite(lm, ITOV(ip), false);
	/* a freed inode is logged too (mode 0): roll-forward frees it */
	if (!(ip->i_flag & IN_MODIFIED) || (ip->i_flag & IN_FREED))
		return 0;
	/*
	 * Not before the file's blocks: an inode in the log must not count
	 * blocks it cannot point at yet.  Writing them writes it after.
	 */
	if (ITOV(ip)->v_ndirty > 0)
		return 0;
	if ((error = lfs_ifentry(lm, ip->i_number, &bp, &ife)) != 0)
		return error;
	old = ife->if_daddr;
	ip->i_flag &= ~IN_MODIFIED;
	mutex_enter(&lm->lm_lock);
	error = lfs_append_inode(lm, ip, old, &addr);
	if (error == 0 && old != addr)
		lfs_account(lm, old, -LFS_DINODE_SIZE);
	mutex_exit(&lm->lm_lock);
	if (error != 0) {
		ip->i_flag |= IN_MODIFIED;
		brelse(bp, 0);
		return error;
	}
	ife->if_daddr = (int32_t)addr;
	bdwrite(bp);
	return 0;
}

/*
 * Free the blocks of the subtree under indirect block metalbn (height
 * h, data from base) that hold data at or past `keep`; *ptr is the
 * pointer to it, cleared when the whole block goes.
 */
static int
lfs_free_tree(struct inode *ip, int32_t metalbn, int64_t *ptr, int h,
    daddr_t base, daddr_t keep)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t span = (daddr_t)1 << (ump->um_nindirshift * (unsigned)(h - 1));
	int32_t *p;
	int64_t c;
	unsigned i;
	struct buf *bp;
	bool changed = false;
	int error = 0;

	if (*ptr == 0)
		return 0;
	/*
	 * Read it at the address we hold rather than through the strategy,
	 * which would look for the pointer in the parent we keep busy.
	 */
	bp = getblk(ITOV(ip), metalbn, (int)ump->um_bsize);
	if (!(bp->b_flags & B_DONE)) {
		if (*ptr > 0)
			error = lfs_readfrags(ITOLFS(ip), *ptr, bp->b_data,
			    ump->um_bsize);
		else
			memset(bp->b_data, 0, ump->um_bsize);
		if (error != 0) {
			brelse(bp, B_INVAL);
			return error;
		}
		bp->b_flags |= B_DONE;
	}
	p = bp->b_data;
	for (i = 0; i < ump->um_nindir; i++) {
		daddr_t cb = base + (daddr_t)i * span;

		if (cb + span <= keep || p[i] == 0)
			continue;
		c = p[i];
		if (h == 1)
			lfs_freeblock(ip, c, (long)ump->um_bsize), c = 0;
		else if ((error = lfs_free_tree(ip, lfs_metalbn(ump, cb, h - 1),
		              &c, h - 1, cb, keep)) != 0)
			break;
		if (c != p[i]) {
			p[i] = (int32_t)c;
			changed = true;
		}
	}
	if (error == 0 && base >= keep) {
		lfs_freeblock(ip, *ptr, (long)ump->um_bsize);
		*ptr = 0;
		bp->b_flags &= ~B_DELWRI;
		brelse(bp, B_INVAL);
		return 0;
	}
	if (changed)
		bdwrite(bp);
	else
		brelse(bp, 0);
	return error;
}

static daddr_t
lfs_region(const struct ufsmount *ump, int level)
{
	daddr_t n = UFS_NDADDR;
	int l;

	for (l = 1; l < level; l++)
		n += (daddr_t)1 << (ump->um_nindirshift * (unsigned)l);
	return n;
}

/* Zero the tail of the new last block and fit its size to length. */
static int
lfs_trunc_tail(struct inode *ip, off_t length)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t lbn = UFS_LBLKNO(ump, length);
	size_t boff = UFS_BLKOFF(ump, length);
	int64_t addr;
	long osize, nsize;
	struct buf *bp;
	int error;

	if (boff == 0)
		return 0;
	if ((error = lfs_blkmap(ip, lbn, &addr)) != 0 || addr == 0)
		return error;
	osize = ufs_blksize(ip, lbn);
	nsize = osize;
	if (lbn < UFS_NDADDR)
		nsize = (long)UFS_FRAGROUNDUP(ump, boff);
	if (nsize < osize)
		error = lfs_resizeblock(ip, lbn, (int)osize, (int)nsize, &bp);
	else
		error = bread(ITOV(ip), lbn, (int)osize, 0, &bp);
	if (error != 0)
		return error;
	memset((uint8_t *)bp->b_data + boff, 0, bp->b_bcount - boff);
	bdwrite(bp);
	return 0;
}

/* uo_truncate */
int
lfs_truncate(struct inode *ip, off_t length, kauth_cred_t cred)
{
	struct ufsmount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	daddr_t keep, last;
	long osize, nsize;
	struct buf *bp;
	int level, i, error = 0;

	if (length < 0)
		return EINVAL;
	if (!ufs_has_blockmap(ip)) {
		ip->i_size = (uint64_t)length;
		vp->v_size = length;
		ip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
		return 0;
	}
	if ((uint64_t)length > ip->i_size) {
		/* a short last block grows to what the new size needs */
		if (ip->i_size > 0) {
			last = UFS_LBLKNO(ump, ip->i_size - 1);
			if (last < UFS_NDADDR && ip->i_db[last] != 0) {
				uint64_t start = (uint64_t)UFS_LBLKTOSIZE(ump,
				    last);
				osize = ufs_blksize(ip, last);
				nsize = (uint64_t)length >= start + ump->um_bsize
				    ? (long)ump->um_bsize
				    : (long)UFS_FRAGROUNDUP(ump,
				          (uint64_t)length - start);
				if (nsize > osize) {
					error = lfs_resizeblock(ip, last,
					    (int)osize, (int)nsize, &bp);
					if (error != 0)
						return error;
					bdwrite(bp);
				}
			}
		}
		ip->i_size = (uint64_t)length;
		vp->v_size = length;
		ip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
		return 0;
	}
	if ((error = lfs_trunc_tail(ip, length)) != 0)
		return error;
	keep = (daddr_t)howmany((uint64_t)length, ump->um_bsize);
	/* cached blocks past the end go first: none may be written now */
	vtruncbuf(vp, keep);
	for (i = (int)keep; i < UFS_NDADDR; i++) {
		if (ip->i_db[i] == 0)
			continue;
		lfs_freeblock(ip, ip->i_db[i], ufs_blksize(ip, i));
		ip->i_db[i] = 0;
	}
	for (level = 1; level <= UFS_NIADDR && error == 0; level++) {
		daddr_t base = lfs_region(ump, level);

		error = lfs_free_tree(ip, lfs_metalbn(ump, base, level),
		    &ip->i_ib[level - 1], level, base, keep);
	}
	ip->i_size = (uint64_t)length;
	vp->v_size = length;
	ip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
	return error;
}

int
lfs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if (ip == NULL)
		return 0;
	if (!ip->i_ump->um_ronly &&
	    (ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_UPDATE | IN_MODIFIED)))
		(void)lfs_update(ip, 0);
	ufs_inode_free(ip);
	vp->v_data = NULL;
	return 0;
}
