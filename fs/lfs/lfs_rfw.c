/*
 * Roll-forward: partial segments written after the last checkpoint
 * (fsync writes them) are found by following the log from the
 * checkpoint's position: each must carry this file system's ident, the
 * next serial number and good summary and data checksums.  The inodes
 * they hold take the place of the ones in the map (a freed inode was
 * logged with mode 0), then the segment usage and the free list are
 * counted again.  The mount writes a checkpoint right after.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

/* Map blocks one partial segment may add (more is damage). */
#define LFS_RFW_MAXGROW 64

/* Point the map at the inodes of one partial segment. */
static int
lfs_rfw_inodes(struct lfsmount *lm, const uint8_t *sum)
{
	const struct dlfs *sb = &lm->lm_sb;
	const struct segsum *ss = (const struct segsum *)sum;
	unsigned nib = (unsigned)howmany(ss->ss_ninos, sb->dlfs_inopb);
	unsigned left = ss->ss_ninos, b, i, n;
	uint8_t *blk = kmem_alloc(sb->dlfs_ibsize, KM_SLEEP);
	struct ifile32 *ife;
	struct buf *bp;
	int32_t a;
	int error = 0;

	for (b = 0; b < nib && error == 0; b++) {
		memcpy(&a, sum + sb->dlfs_sumsize - 4 * (b + 1), 4);
		if ((error = lfs_readfrags(lm, a, blk, sb->dlfs_ibsize)) != 0)
			break;
		n = MIN(left, sb->dlfs_inopb);
		left -= n;
		for (i = 0; i < n; i++) {
			const struct ufs1_dinode *dp =
			    (const void *)(blk + i * LFS_DINODE_SIZE);
			uint32_t ino;

			memcpy(&ino, blk + i * LFS_DINODE_SIZE + 4, 4);
			if (ino < LFS_ROOTINO)
				continue;
			/* the map grew after the checkpoint: grow it again */
			while (ino >= lm->lm_um.um_ninodes &&
			    ino < lm->lm_um.um_ninodes +
			            (uint64_t)LFS_RFW_MAXGROW * sb->dlfs_ifpb &&
			    (error = lfs_ifile_extend(lm)) == 0)
				;
			if (error != 0)
				break;
			if (ino >= lm->lm_um.um_ninodes)
				continue;
			if ((error = lfs_ifentry(lm, ino, &bp, &ife)) != 0)
				break;
			if (dp->di_mode == 0) {
				if (ife->if_daddr != LFS_UNUSED_DADDR)
					ife->if_version++;
				ife->if_daddr = LFS_UNUSED_DADDR;
			} else {
				ife->if_daddr = a;
				ife->if_version = (uint32_t)dp->di_gen;
			}
			bdwrite(bp);
		}
	}
	kmem_free(blk, sb->dlfs_ibsize);
	return error;
}

int
lfs_rollforward(struct lfsmount *lm)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t *sum = kmem_alloc(sb->dlfs_sumsize, KM_SLEEP);
	const struct segsum *ss = (const struct segsum *)sum;
	uint32_t cur = lm->lm_curseg, next = lm->lm_nextseg, nfrags;
	int64_t addr = lm->lm_offset;
	uint64_t serial = lm->lm_serial;
	unsigned found = 0;
	bool jumped = false;
	char why[120];
	int error = 0;

	for (;;) {
		why[0] = '\0';
		error = lfs_pseg_parse(lm, addr, sum, &nfrags, why, sizeof(why));
		if (error == 0 && ss->ss_serial != serial)
			error = ESRCH;
		/* at the end of a segment the next one may follow on disk */
		if (error == 0 && lfs_dtosn(sb, addr) != cur) {
			if (lfs_dtosn(sb, addr) != next)
				error = ESRCH;
			else
				cur = next;
		}
		if (error == 0)
			error = lfs_pseg_datasum(lm, addr, sum, nfrags, why,
			    sizeof(why));
		if (error != 0) {
			/* the log may go on at the start of the next one */
			if (jumped || next == cur)
				break;
			jumped = true;
			addr = lfs_seg_first(lm, next);
			cur = next;
			continue;
		}
		if ((error = lfs_rfw_inodes(lm, sum)) != 0)
			goto out;
		jumped = false;
		found++;
		serial++;
		addr += nfrags;
		next = lfs_dtosn(sb, ss->ss_next);
		lm->lm_su[lm->lm_curseg].su_flags &= ~SEGUSE_ACTIVE;
		lm->lm_su[lm->lm_nextseg].su_flags &= ~SEGUSE_ACTIVE;
		lm->lm_curseg = cur;
		lm->lm_nextseg = next;
		lm->lm_offset = addr;
		lm->lm_serial = serial;
		lm->lm_su[cur].su_flags |= SEGUSE_ACTIVE | SEGUSE_DIRTY;
		lm->lm_su[next].su_flags |= SEGUSE_ACTIVE;
		lm->lm_nclean = -1;
	}
	error = 0;
	lfs_recount(lm);
	if (found > 0) {
		kprintf("lfs: rolled forward %u partial segments\n", found);
		error = lfs_rebuild_usage(lm);
	}
out:
	kmem_free(sum, sb->dlfs_sumsize);
	return error;
}
