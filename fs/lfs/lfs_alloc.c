/*
 * Allocation in LFS: inode numbers come from the free list threaded
 * through the inode map (its head and tail in the cleaner information),
 * and the map grows a block at a time when the list runs dry.  Disk
 * space is only reserved here; addresses are chosen as the log is
 * written.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

int
lfs_space_reserve(struct lfsmount *lm, int64_t frags)
{
	int error = 0;

	mutex_enter(&lm->lm_lock);
	if (lfs_bfree(lm) < frags)
		error = ENOSPC;
	else
		lm->lm_pending += frags;
	mutex_exit(&lm->lm_lock);
	return error;
}

/* One more block of free inodes at the end of the map. */
int
lfs_ifile_extend(struct lfsmount *lm)
{
	const struct dlfs *sb = &lm->lm_sb;
	struct inode *iip = VTOI(lm->lm_ivp);
	struct ifile32 *ife;
	uint64_t nblk = iip->i_size / sb->dlfs_bsize;
	uint32_t first, i;
	struct buf *bp;
	int error;

	first = (uint32_t)((nblk - sb->dlfs_cleansz - sb->dlfs_segtabsz) *
	    sb->dlfs_ifpb);
	if ((uint64_t)first + sb->dlfs_ifpb > UINT32_MAX / 2)
		return ENOSPC;
	error = lfs_balloc(iip, (off_t)iip->i_size, (int)sb->dlfs_bsize,
	    NOCRED, 0, &bp);
	if (error != 0)
		return error;
	ife = bp->b_data;
	for (i = 0; i < sb->dlfs_ifpb; i++) {
		ife[i].if_version = 1;
		ife[i].if_daddr = LFS_UNUSED_DADDR;
		ife[i].if_nextfree = i + 1 < sb->dlfs_ifpb ? first + i + 1 : 0;
	}
	iip->i_size += sb->dlfs_bsize;
	lm->lm_ivp->v_size = (off_t)iip->i_size;
	iip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
	bdwrite(bp);
	lm->lm_um.um_ninodes = (uint64_t)first + sb->dlfs_ifpb;
	lm->lm_ci.free_head = first;
	lm->lm_ci.free_tail = first + sb->dlfs_ifpb - 1;
	return 0;
}

/* A free inode number and its version (the new file's generation). */
int
lfs_valloc(struct lfsmount *lm, ino_t *inop, uint32_t *versp)
{
	struct ifile32 *ife;
	struct buf *bp;
	uint32_t ino;
	int error;

	mutex_enter(&lm->lm_iflock);
	if (lm->lm_ci.free_head == LFS_UNUSED_INUM &&
	    (error = lfs_ifile_extend(lm)) != 0)
		goto out;
	ino = lm->lm_ci.free_head;
	if (ino < LFS_ROOTINO || ino >= lm->lm_um.um_ninodes) {
		fs_corrupt(LFS_FSNAME, "inode free list head %u out of range",
		    ino);
		error = EFSCORRUPTED;
		goto out;
	}
	if ((error = lfs_ifentry(lm, ino, &bp, &ife)) != 0)
		goto out;
	if (ife->if_daddr != LFS_UNUSED_DADDR) {
		brelse(bp, 0);
		fs_corrupt(LFS_FSNAME, "inode %u on the free list is in use",
		    ino);
		error = EFSCORRUPTED;
		goto out;
	}
	lm->lm_ci.free_head = ife->if_nextfree;
	if (lm->lm_ci.free_head == LFS_UNUSED_INUM)
		lm->lm_ci.free_tail = LFS_UNUSED_INUM;
	ife->if_nextfree = 0;
	*versp = ife->if_version;
	bdwrite(bp);
	*inop = ino;
	lm->lm_sb.dlfs_nfiles++;
out:
	mutex_exit(&lm->lm_iflock);
	return error;
}

/* uo_vfree: the inode is dead; its map entry goes on the free list. */
int
lfs_vfree(struct inode *ip, uint16_t mode)
{
	struct lfsmount *lm = ITOLFS(ip);
	struct ifile32 *ife;
	struct buf *bp;
	int error;

	mutex_enter(&lm->lm_iflock);
	if ((error = lfs_ifentry(lm, ip->i_number, &bp, &ife)) != 0) {
		mutex_exit(&lm->lm_iflock);
		return error;
	}
	mutex_enter(&lm->lm_lock);
	lfs_account(lm, ife->if_daddr, -LFS_DINODE_SIZE);
	mutex_exit(&lm->lm_lock);
	ife->if_daddr = LFS_UNUSED_DADDR;
	ife->if_version++;
	ife->if_nextfree = lm->lm_ci.free_head;
	lm->lm_ci.free_head = (uint32_t)ip->i_number;
	if (lm->lm_ci.free_tail == LFS_UNUSED_INUM)
		lm->lm_ci.free_tail = (uint32_t)ip->i_number;
	bdwrite(bp);
	if (lm->lm_sb.dlfs_nfiles > 0)
		lm->lm_sb.dlfs_nfiles--;
	mutex_exit(&lm->lm_iflock);
	return 0;
}
