/*
 * Pass 5 of the ext2 check: the block and inode bitmaps, the groups'
 * free and directory counts, against what the passes found.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/fsck.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"
#include "ext2fs/ext2fs_fsck.h"

/* Mark the blocks of the groups' own structures as in use. */
void
ext2fs_fsck_mark_layout(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	const struct ext2fs_group *gp;
	uint64_t first, k, n;
	uint32_t g;

	for (k = 0; k < ump->um_first_data_block; k++)
		setbit(fk->bused, k);
	for (g = 0; g < ump->um_ngroups; g++) {
		gp = &ump->um_groups[g];
		first = ext2fs_group_first_block(ump, g);
		n = ext2fs_group_super_blocks(ump, g);
		for (k = 0; k < n; k++)
			setbit(fk->bused, first + k);
		setbit(fk->bused, gp->g_block_bitmap);
		setbit(fk->bused, gp->g_inode_bitmap);
		for (k = 0; k < ump->um_itb_per_group; k++)
			setbit(fk->bused, gp->g_inode_table + k);
	}
}

/*
 * Compare the bitmap of group g (block or inode, nbits meaningful bits)
 * with what was found; fix it and the group's counts with repair.
 */
static void
check_bitmap(struct fsck *fk, uint32_t g, bool blocks)
{
	struct ext2fs_mount *ump = fk->ump;
	struct ext2fs_group *gp = &ump->um_groups[g];
	uint32_t nbits = blocks ? ext2fs_group_nblocks(ump, g) : ump->um_ipg;
	uint64_t base = blocks ? ext2fs_group_first_block(ump, g)
	                       : (uint64_t)g * ump->um_ipg + 1;
	const uint8_t *found = blocks ? fk->bused : fk->iused;
	uint32_t i, nfree = 0, ndiff = 0, ndirs = 0, first = 0;
	uint8_t *want;
	struct buf *bp;
	bool uninit = blocks ? (gp->g_flags & E2FS_BG_BLOCK_UNINIT) != 0
	                     : (gp->g_flags & E2FS_BG_INODE_UNINIT) != 0;

	want = kmem_zalloc(ump->um_bsize, KM_SLEEP);
	for (i = 0; i < 8 * ump->um_bsize; i++) {
		if (i >= nbits || isset(found, base + i))
			setbit(want, i);
		else
			nfree++;
		if (!blocks && i < nbits && isset(fk->isdir, base + i) &&
		    isset(found, base + i))
			ndirs++;
	}
	if (uninit) {
		/* what the flag stands for: the layout, or nothing */
		uint8_t *virt = kmem_zalloc(ump->um_bsize, KM_SLEEP);

		if (blocks)
			ext2fs_block_bitmap_build(ump, g, virt);
		else
			for (i = ump->um_ipg; i < 8 * ump->um_bsize; i++)
				setbit(virt, i);
		if (memcmp(virt, want, ump->um_bsize) != 0) {
			fsck_problem(fk->fr,
			    "group %u: %s bitmap is marked "
			    "uninitialised but things are in use",
			    g, blocks ? "block" : "inode");
			if (fk->repair) {
				mutex_enter(&ump->um_lock);
				gp->g_flags &= blocks ? ~E2FS_BG_BLOCK_UNINIT
				                      : ~E2FS_BG_INODE_UNINIT;
				ext2fs_gd_dirty(ump, g);
				mutex_exit(&ump->um_lock);
				uninit = false;
				fsck_fixed(fk->fr);
			}
		}
		kmem_free(virt, ump->um_bsize);
	}
	if (!uninit &&
	    ext2fs_bread(ump, blocks ? gp->g_block_bitmap : gp->g_inode_bitmap,
	        &bp) == 0) {
		for (i = 0; i < 8 * ump->um_bsize; i++) {
			if (isset(bp->b_data, i) != isset(want, i)) {
				if (ndiff++ == 0)
					first = i;
			}
		}
		if (ndiff > 0) {
			fsck_problem(fk->fr,
			    "group %u: %u %s bitmap differences "
			    "(the first at %llu)",
			    g, ndiff, blocks ? "block" : "inode",
			    (unsigned long long)(base + first));
			if (fk->repair) {
				memcpy(bp->b_data, want, ump->um_bsize);
				bp->b_flags |= B_META;
				bdwrite(bp);
				/* its checksum is in the descriptor */
				mutex_enter(&ump->um_lock);
				ext2fs_gd_dirty(ump, g);
				mutex_exit(&ump->um_lock);
				fsck_fixed(fk->fr);
			} else
				brelse(bp, 0);
		} else
			brelse(bp, 0);
	}
	kmem_free(want, ump->um_bsize);
	mutex_enter(&ump->um_lock);
	if (blocks && gp->g_free_blocks != nfree) {
		fsck_problem(fk->fr, "group %u: %u free blocks counted, %u found",
		    g, gp->g_free_blocks, nfree);
		gp->g_free_blocks = nfree;
		ext2fs_gd_dirty(ump, g);
		if (fk->repair)
			fsck_fixed(fk->fr);
	}
	if (!blocks && gp->g_free_inodes != nfree) {
		fsck_problem(fk->fr, "group %u: %u free inodes counted, %u found",
		    g, gp->g_free_inodes, nfree);
		gp->g_free_inodes = nfree;
		ext2fs_gd_dirty(ump, g);
		if (fk->repair)
			fsck_fixed(fk->fr);
	}
	if (!blocks && gp->g_used_dirs != ndirs) {
		fsck_problem(fk->fr, "group %u: %u directories counted, %u found",
		    g, gp->g_used_dirs, ndirs);
		gp->g_used_dirs = ndirs;
		ext2fs_gd_dirty(ump, g);
		if (fk->repair)
			fsck_fixed(fk->fr);
	}
	mutex_exit(&ump->um_lock);
}

void
ext2fs_fsck_pass5(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g;

	ext2fs_fsck_mark_layout(fk);
	for (g = 0; g < ump->um_ngroups; g++) {
		check_bitmap(fk, g, true);
		check_bitmap(fk, g, false);
	}
	ump->um_nfreeblks = 0;
	ump->um_nfreeinos = 0;
	for (g = 0; g < ump->um_ngroups; g++) {
		ump->um_nfreeblks += ump->um_groups[g].g_free_blocks;
		ump->um_nfreeinos += ump->um_groups[g].g_free_inodes;
	}
}
