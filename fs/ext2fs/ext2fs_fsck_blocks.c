/*
 * Pass 1 of the ext2 check, the blocks of an inode: each one claimed for
 * the inode being walked (inside the file system, nobody else's), through
 * indirect blocks and extent trees; with repair, a direct block that
 * another file has already gets a copy of its own after the pass.
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

/* blk belongs to the inode being walked. */
void
ext2fs_fsck_claim(struct fsck *fk, uint64_t blk)
{
	if (!ext2fs_blk_valid(fk->ump, blk)) {
		if (fk->nbad++ < 3)
			fsck_problem(fk->fr,
			    "inode %llu: block %llu is outside "
			    "the file system",
			    (unsigned long long)fk->ino,
			    (unsigned long long)blk);
		return;
	}
	fk->nclaimed++;
	if (isset(fk->bused, blk)) {
		if (fk->ndups++ < 3)
			fsck_problem(fk->fr,
			    "inode %llu: block %llu is claimed "
			    "twice",
			    (unsigned long long)fk->ino,
			    (unsigned long long)blk);
		return;
	}
	setbit(fk->bused, blk);
}

/*
 * Direct block slot of the inode being walked: with repair, one that
 * another file has already gets a copy (after pass 1) instead of making
 * the inode go.
 */
void
ext2fs_fsck_claim_direct(struct fsck *fk, int slot, uint64_t blk)
{
	struct e2clone *nc;
	size_t cap;

	if (!fk->repair || !ext2fs_blk_valid(fk->ump, blk) ||
	    !isset(fk->bused, blk) || fk->ino < fk->ump->um_first_ino) {
		ext2fs_fsck_claim(fk, blk);
		return;
	}
	fsck_problem(fk->fr, "inode %llu: block %llu is claimed twice",
	    (unsigned long long)fk->ino, (unsigned long long)blk);
	fk->nclaimed++;
	if (fk->nclones == fk->capclones) {
		cap = fk->capclones ? 2 * fk->capclones : 16;
		nc = kmem_alloc(cap * sizeof(*nc), KM_SLEEP);
		if (fk->nclones > 0)
			memcpy(nc, fk->clones, fk->nclones * sizeof(*nc));
		if (fk->clones != NULL)
			kmem_free(fk->clones, fk->capclones * sizeof(*nc));
		fk->clones = nc;
		fk->capclones = cap;
	}
	fk->clones[fk->nclones].ino = fk->ino;
	fk->clones[fk->nclones].slot = slot;
	fk->clones[fk->nclones].blk = blk;
	fk->nclones++;
}

/* The blocks below indirect block blk (level 1 points to data). */
void
ext2fs_fsck_walk_ind(struct fsck *fk, uint64_t blk, int level)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t *ptrs;
	struct buf *bp;
	uint64_t child;
	unsigned i;

	ext2fs_fsck_claim(fk, blk);
	if (!ext2fs_blk_valid(ump, blk) || ext2fs_bread(ump, blk, &bp) != 0)
		return;
	ptrs = kmem_alloc(ump->um_bsize, KM_SLEEP);
	memcpy(ptrs, bp->b_data, ump->um_bsize);
	brelse(bp, 0);
	for (i = 0; i < ump->um_nindir; i++) {
		if ((child = e2fs_le32(ptrs[i])) == 0)
			continue;
		if (level == 1)
			ext2fs_fsck_claim(fk, child);
		else
			ext2fs_fsck_walk_ind(fk, child, level - 1);
	}
	kmem_free(ptrs, ump->um_bsize);
}

/* The blocks of an extent tree node (a copy) at the given depth. */
void
ext2fs_fsck_walk_ext(
    struct fsck *fk, const uint8_t *node, size_t room, int depth, int budget)
{
	struct ext2fs_mount *ump = fk->ump;
	struct ext4_extent_header eh;
	struct ext4_extent_idx ei;
	struct ext4_extent ex;
	uint64_t blk, len, k;
	uint8_t *child;
	struct buf *bp;
	unsigned i, n;

	memcpy(&eh, node, sizeof(eh));
	n = e2fs_le16(eh.eh_entries);
	if (e2fs_le16(eh.eh_magic) != EXT4_EXT_MAGIC || n > room ||
	    e2fs_le16(eh.eh_max) > room ||
	    (depth >= 0 && e2fs_le16(eh.eh_depth) != (unsigned)depth) ||
	    budget <= 0) {
		fsck_problem(fk->fr, "inode %llu: damaged extent tree",
		    (unsigned long long)fk->ino);
		fk->nbad++; /* cleared with repair */
		return;
	}
	depth = e2fs_le16(eh.eh_depth);
	for (i = 0; i < n; i++) {
		if (depth == 0) {
			memcpy(&ex, node + 12 * (i + 1), sizeof(ex));
			len = e2fs_le16(ex.ee_len);
			if (len > EXT4_EXT_INIT_MAX_LEN)
				len -= EXT4_EXT_INIT_MAX_LEN;
			blk = e2fs_le32(ex.ee_start_lo) |
			    (uint64_t)e2fs_le16(ex.ee_start_hi) << 32;
			for (k = 0; k < len; k++)
				ext2fs_fsck_claim(fk, blk + k);
			continue;
		}
		memcpy(&ei, node + 12 * (i + 1), sizeof(ei));
		blk = e2fs_le32(ei.ei_leaf_lo) |
		    (uint64_t)e2fs_le16(ei.ei_leaf_hi) << 32;
		ext2fs_fsck_claim(fk, blk);
		if (!ext2fs_blk_valid(ump, blk) ||
		    ext2fs_bread(ump, blk, &bp) != 0)
			continue;
		child = kmem_alloc(ump->um_bsize, KM_SLEEP);
		memcpy(child, bp->b_data, ump->um_bsize);
		brelse(bp, 0);
		ext2fs_fsck_walk_ext(fk, child, (ump->um_bsize - 12) / 12, depth - 1,
		    budget - 1);
		kmem_free(child, ump->um_bsize);
	}
}

/* A block free in what was found, in the layout and in the bitmap. */
static uint64_t
free_block(struct fsck *fk, const uint8_t *layout)
{
	struct ext2fs_mount *ump = fk->ump;
	const struct ext2fs_group *gp;
	uint64_t first, b;
	uint32_t g, n, i;
	struct buf *bp;

	for (g = 0; g < ump->um_ngroups; g++) {
		gp = &ump->um_groups[g];
		if (gp->g_flags & E2FS_BG_BLOCK_UNINIT)
			continue;
		if (ext2fs_bread(ump, gp->g_block_bitmap, &bp) != 0)
			continue;
		first = ext2fs_group_first_block(ump, g);
		n = ext2fs_group_nblocks(ump, g);
		for (i = 0; i < n; i++) {
			b = first + i;
			if (!isset(bp->b_data, i) && !isset(fk->bused, b) &&
			    !isset(layout, b)) {
				brelse(bp, 0);
				return b;
			}
		}
		brelse(bp, 0);
	}
	return 0;
}

/* Give each shared direct block of pass 1 a copy of its own. */
void
ext2fs_fsck_clone_blocks(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	size_t i, mapsize = (size_t)howmany(ump->um_nblocks, 8);
	uint8_t *save, *layout;
	struct buf *from, *to;
	struct e2clone *c;
	uint64_t nb;
	uint32_t v;

	if (fk->nclones == 0)
		return;
	/* the groups' own blocks, without marking them found yet */
	save = fk->bused;
	layout = kmem_zalloc(mapsize, KM_SLEEP);
	fk->bused = layout;
	ext2fs_fsck_mark_layout(fk);
	fk->bused = save;
	for (i = 0; i < fk->nclones; i++) {
		c = &fk->clones[i];
		if ((nb = free_block(fk, layout)) == 0) {
			fsck_say(fk->fr, "inode %llu: no free block to copy "
			                 "block %llu to",
			    (unsigned long long)c->ino,
			    (unsigned long long)c->blk);
			continue;
		}
		if (ext2fs_bread(ump, c->blk, &from) != 0)
			continue;
		if (ext2fs_bread(ump, nb, &to) != 0) {
			brelse(from, 0);
			continue;
		}
		memcpy(to->b_data, from->b_data, ump->um_bsize);
		brelse(from, 0);
		bdwrite(to);
		setbit(fk->bused, nb);
		v = (uint32_t)nb;
		ext2fs_fsck_inode_patch_block(fk, c->ino, c->slot, v);
		fsck_say(fk->fr, "inode %llu: block %llu copied to %llu",
		    (unsigned long long)c->ino, (unsigned long long)c->blk,
		    (unsigned long long)nb);
	}
	kmem_free(layout, mapsize);
	kmem_free(fk->clones, fk->capclones * sizeof(*fk->clones));
	fk->clones = NULL;
	fk->nclones = fk->capclones = 0;
}
