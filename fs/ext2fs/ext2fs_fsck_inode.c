/*
 * Pass 1 of the ext2 check: every inode in use has a valid type, no
 * deletion time, sound blocks (ext2fs_fsck_blocks.c) and the i_blocks
 * they add up to; and the edits of inodes in their table blocks.
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

/* Does a raw inode hold a block map (and not a fast link or device)? */
static bool
raw_has_blocks(const struct ext2fs_mount *ump, const struct ext2fs_dinode *din)
{
	uint16_t mode = e2fs_le16(din->i_mode) & E2FS_IFMT;
	uint32_t flags = e2fs_le32(din->i_flags);
	uint64_t size = e2fs_le32(din->i_size_lo);

	if (flags & EXT4_INLINE_DATA_FL)
		return false;
	if (mode == E2FS_IFLNK)
		return size >= E2FS_IBLOCK_BYTES ||
		    e2fs_le32(din->i_blocks_lo) >
		    (din->i_file_acl_lo ? ump->um_bsize / DEV_BSIZE : 0);
	return mode == E2FS_IFREG || mode == E2FS_IFDIR || mode == 0;
}

/*
 * Inode ino's table block (busy) and its first E2FS_GOOD_OLD_INODE_SIZE
 * bytes copied into *din: -1 when the block cannot be read.
 */
static int
inode_load(struct fsck *fk, ino_t ino, struct buf **bpp, uint8_t **rawp,
    struct ext2fs_dinode *din)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g = (uint32_t)((ino - 1) / ump->um_ipg);
	uint32_t idx = (uint32_t)((ino - 1) % ump->um_ipg);

	if (ext2fs_bread(ump,
	        ump->um_groups[g].g_inode_table + idx / ump->um_ipb, bpp) != 0)
		return -1;
	*rawp = (uint8_t *)(*bpp)->b_data + (idx % ump->um_ipb) * ump->um_isize;
	memcpy(din, *rawp, MIN(sizeof(*din), (size_t)fk->ump->um_isize));
	return 0;
}

/* The changed *din back into its table block, with its checksum. */
static void
inode_store(struct fsck *fk, ino_t ino, struct buf *bp, uint8_t *raw,
    const struct ext2fs_dinode *din)
{
	memcpy(raw, din, E2FS_GOOD_OLD_INODE_SIZE);
	ext2fs_inode_csum_set(fk->ump, ino, raw);
	bp->b_flags |= B_META;
	bdwrite(bp);
	fsck_fixed(fk->fr);
}

/* Fix a field of the inode in its table block. */
void
ext2fs_fsck_inode_patch(
    struct fsck *fk, ino_t ino, uint16_t *links, uint32_t *blocks, bool nodtime)
{
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (inode_load(fk, ino, &bp, &raw, &din) != 0)
		return;
	if (links != NULL)
		din.i_links_count = e2fs_le16(*links);
	if (blocks != NULL)
		din.i_blocks_lo = e2fs_le32(*blocks);
	if (nodtime)
		din.i_dtime = 0;
	inode_store(fk, ino, bp, raw, &din);
}

/*
 * Free inode ino (its blocks are bad or another file's): deleted as the
 * kernel deletes, so that the entries naming it go in pass 2 and its
 * blocks are freed by the next round's bitmaps.
 */
void
ext2fs_fsck_inode_clear(struct fsck *fk, ino_t ino)
{
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (inode_load(fk, ino, &bp, &raw, &din) != 0)
		return;
	din.i_mode = 0;
	din.i_links_count = 0;
	din.i_dtime = e2fs_le32((uint32_t)time_second());
	clrbit(fk->iused, ino);
	clrbit(fk->isdir, ino);
	fsck_say(fk->fr, "inode %llu: cleared", (unsigned long long)ino);
	inode_store(fk, ino, bp, raw, &din);
}

/* Point direct slot `slot` of inode ino at block blk. */
void
ext2fs_fsck_inode_patch_block(struct fsck *fk, ino_t ino, int slot, uint32_t blk)
{
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (inode_load(fk, ino, &bp, &raw, &din) != 0)
		return;
	din.i_block[slot] = e2fs_le32(blk);
	inode_store(fk, ino, bp, raw, &din);
}

/* Clear the obsolete fragment address of inode ino. */
static void
inode_patch_faddr(struct fsck *fk, ino_t ino)
{
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (inode_load(fk, ino, &bp, &raw, &din) != 0)
		return;
	din.i_faddr = 0;
	inode_store(fk, ino, bp, raw, &din);
}

/*
 * The resize inode's double-indirect block lists the reserved descriptor
 * blocks, each listing its backups: all inside the file system (not
 * repaired: e2fsck remakes the inode).  Returns the blocks it holds (the
 * double-indirect block, the reserved blocks and their backups), what
 * its i_blocks counts; 0 when they could not all be read.
 */
static uint64_t
check_resize(struct fsck *fk, uint64_t dind)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t *l1, *l2, i, j, v, nbad = 0;
	uint64_t n = 1;
	struct buf *bp;

	if (!ext2fs_blk_valid(ump, dind) || ext2fs_bread(ump, dind, &bp) != 0)
		return 0;
	l1 = kmem_alloc(ump->um_bsize, KM_SLEEP);
	l2 = kmem_alloc(ump->um_bsize, KM_SLEEP);
	memcpy(l1, bp->b_data, ump->um_bsize);
	brelse(bp, 0);
	for (i = 0; i < ump->um_nindir && nbad < 3; i++) {
		if ((v = e2fs_le32(l1[i])) == 0)
			continue;
		n++;
		if (!ext2fs_blk_valid(ump, v) || ext2fs_bread(ump, v, &bp) != 0) {
			nbad++;
			fsck_problem(fk->fr,
			    "resize inode: block %u outside the file system", v);
			continue;
		}
		memcpy(l2, bp->b_data, ump->um_bsize);
		brelse(bp, 0);
		for (j = 0; j < ump->um_nindir && nbad < 3; j++) {
			v = e2fs_le32(l2[j]);
			if (v != 0)
				n++;
			if (v != 0 && !ext2fs_blk_valid(ump, v)) {
				nbad++;
				fsck_problem(fk->fr,
				    "resize inode: block %u outside the "
				    "file system",
				    v);
			}
		}
	}
	kmem_free(l1, ump->um_bsize);
	kmem_free(l2, ump->um_bsize);
	return nbad == 0 ? n : 0;
}

/* The resize inode's i_blocks against the blocks it holds. */
static void
check_resize_blocks(struct fsck *fk, const struct ext2fs_dinode *din)
{
	struct ext2fs_mount *ump = fk->ump;
	uint64_t n, have, want;
	uint32_t fix;

	n = check_resize(fk, e2fs_le32(din->i_block[E2FS_DIND_BLOCK]));
	if (n == 0)
		return;
	have = e2fs_le32(din->i_blocks_lo);
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_HUGE_FILE))
		have |= (uint64_t)e2fs_le16(din->i_blocks_high) << 32;
	want = n << (ump->um_bshift - DEV_BSHIFT);
	if (have == want)
		return;
	fsck_problem(fk->fr, "inode %d (resize): i_blocks is %llu, should be "
	                     "%llu",
	    E2FS_RESIZE_INO, (unsigned long long)have,
	    (unsigned long long)want);
	if (fk->repair && want <= UINT32_MAX) {
		fix = (uint32_t)want;
		ext2fs_fsck_inode_patch(fk, E2FS_RESIZE_INO, NULL, &fix, false);
	}
}

/* Is ino one the superblock names (journal, quota, orphan file ...)? */
bool
ext2fs_fsck_special_inode(const struct ext2fs_mount *ump, ino_t ino)
{
	const struct ext2fs_super *sb = &ump->um_sb;

	if (ino < ump->um_first_ino && ino != E2FS_ROOTINO)
		return true;
	return ino == e2fs_le32(sb->s_journal_inum) ||
	    ino == e2fs_le32(sb->s_usr_quota_inum) ||
	    ino == e2fs_le32(sb->s_grp_quota_inum) ||
	    ino == e2fs_le32(sb->s_prj_quota_inum) ||
	    ino == e2fs_le32(sb->s_snapshot_inum) ||
	    ino == e2fs_le32(sb->s_orphan_file_inum);
}

/* Pass 1 for one inode in use. */
static void
check_inode(struct fsck *fk, ino_t ino, const struct ext2fs_dinode *din)
{
	struct ext2fs_mount *ump = fk->ump;
	uint16_t mode = e2fs_le16(din->i_mode);
	uint32_t flags = e2fs_le32(din->i_flags);
	uint64_t acl, iblocks, want;
	enum vtype type = ext2fs_mode2vtype(mode);
	uint32_t fix;
	int level;

	fk->ino = ino;
	fk->nclaimed = 0;
	fk->ndups = fk->nbad = 0;
	setbit(fk->iused, ino);
	if (type == VBAD && ino >= ump->um_first_ino) {
		fsck_problem(fk->fr, "inode %llu: bad file type %#o",
		    (unsigned long long)ino, mode & E2FS_IFMT);
		if (fk->repair)
			ext2fs_fsck_inode_clear(fk, ino);
		return;
	}
	if (type == VDIR)
		setbit(fk->isdir, ino);
	if (din->i_dtime != 0 && !ext2fs_fsck_special_inode(ump, ino)) {
		fsck_problem(fk->fr, "inode %llu is in use but has a deletion time",
		    (unsigned long long)ino);
		if (fk->repair)
			ext2fs_fsck_inode_patch(fk, ino, NULL, NULL, true);
	}
	if (ino == E2FS_RESIZE_INO) {
		/* its indirect blocks are the reserved descriptor blocks */
		if (din->i_block[E2FS_DIND_BLOCK] != 0) {
			ext2fs_fsck_claim(fk, e2fs_le32(din->i_block[E2FS_DIND_BLOCK]));
			check_resize_blocks(fk, din);
		}
		return;
	}
	if (din->i_faddr != 0) {
		fsck_problem(fk->fr, "inode %llu: fragment address %u, not 0",
		    (unsigned long long)ino, e2fs_le32(din->i_faddr));
		if (fk->repair)
			inode_patch_faddr(fk, ino);
	}
	if (raw_has_blocks(ump, din)) {
		if (flags & EXT4_EXTENTS_FL)
			ext2fs_fsck_walk_ext(fk, (const uint8_t *)din->i_block,
			    (E2FS_IBLOCK_BYTES - 12) / 12, -1, FSCK_MAXDEPTH);
		else {
			for (level = 0; level < E2FS_NDADDR; level++)
				if (din->i_block[level] != 0)
					ext2fs_fsck_claim_direct(fk, level,
					    e2fs_le32(din->i_block[level]));
			for (level = 1; level <= E2FS_NIADDR; level++)
				if (din->i_block[E2FS_NDADDR + level - 1] != 0)
					ext2fs_fsck_walk_ind(fk,
					    e2fs_le32(din->i_block[E2FS_NDADDR +
					        level - 1]),
					    level);
		}
	}
	acl = e2fs_le32(din->i_file_acl_lo) |
	    (uint64_t)e2fs_le16(din->i_file_acl_high) << 32;
	if (acl != 0) {
		/* shared by several inodes: claimed once */
		if (ext2fs_blk_valid(ump, acl)) {
			if (!isset(fk->bused, acl))
				setbit(fk->bused, acl);
			fk->nclaimed++;
		} else
			fsck_problem(fk->fr,
			    "inode %llu: attribute block %llu "
			    "outside the file system",
			    (unsigned long long)ino, (unsigned long long)acl);
	}
	if ((fk->ndups > 0 || fk->nbad > 0) && fk->repair &&
	    !ext2fs_fsck_special_inode(ump, ino) && ino >= ump->um_first_ino) {
		/* cut: the file that came second loses */
		ext2fs_fsck_inode_clear(fk, ino);
		return;
	}
	iblocks = e2fs_le32(din->i_blocks_lo);
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_HUGE_FILE))
		iblocks |= (uint64_t)e2fs_le16(din->i_blocks_high) << 32;
	want = fk->nclaimed << (ump->um_bshift - DEV_BSHIFT);
	if ((flags & EXT4_HUGE_FILE_FL) &&
	    E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_HUGE_FILE))
		want = fk->nclaimed;
	if (iblocks != want && fk->ndups == 0 && fk->nbad == 0) {
		fsck_problem(fk->fr, "inode %llu: i_blocks is %llu, should be %llu",
		    (unsigned long long)ino, (unsigned long long)iblocks,
		    (unsigned long long)want);
		if (fk->repair && want <= UINT32_MAX &&
		    !(flags & EXT4_HUGE_FILE_FL)) {
			fix = (uint32_t)want;
			ext2fs_fsck_inode_patch(fk, ino, NULL, &fix, false);
		}
	}
}

void
ext2fs_fsck_pass1(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	const struct ext2fs_group *gp;
	struct ext2fs_dinode din;
	uint32_t g, idx, nused;
	struct buf *bp = NULL;
	uint64_t tblk, cur = 0;
	ino_t ino;

	for (g = 0; g < ump->um_ngroups; g++) {
		gp = &ump->um_groups[g];
		if (gp->g_flags & E2FS_BG_INODE_UNINIT)
			continue;
		nused = ump->um_ipg - gp->g_itable_unused;
		for (idx = 0; idx < ump->um_ipg; idx++) {
			ino = (ino_t)g * ump->um_ipg + idx + 1;
			tblk = gp->g_inode_table + idx / ump->um_ipb;
			if (bp == NULL || tblk != cur) {
				if (bp != NULL)
					brelse(bp, 0);
				if (ext2fs_bread(ump, tblk, &bp) != 0) {
					bp = NULL;
					fsck_problem(fk->fr,
					    "inode table block "
					    "%llu unreadable",
					    (unsigned long long)tblk);
					idx += ump->um_ipb - 1;
					continue;
				}
				cur = tblk;
			}
			memset(&din, 0, sizeof(din));
			memcpy(&din,
			    (uint8_t *)bp->b_data +
			        (idx % ump->um_ipb) * ump->um_isize,
			    MIN(sizeof(din), (size_t)ump->um_isize));
			if (!ext2fs_fsck_special_inode(ump, ino) &&
			    e2fs_le16(din.i_links_count) == 0)
				continue;
			if (ext2fs_fsck_special_inode(ump, ino) && din.i_mode == 0) {
				setbit(fk->iused, ino);
				continue;
			}
			if (idx >= nused && !ext2fs_fsck_special_inode(ump, ino))
				fsck_problem(fk->fr,
				    "inode %llu in use past the "
				    "initialised part of group %u",
				    (unsigned long long)ino, g);
			/* the walk reads other blocks: let this one go */
			brelse(bp, 0);
			bp = NULL;
			check_inode(fk, ino, &din);
		}
	}
	if (bp != NULL)
		brelse(bp, 0);
	ext2fs_fsck_clone_blocks(fk);
}
