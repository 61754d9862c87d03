/*
 * Checking an ext2/ext4 file system that is not mounted (vfs_fsck), in
 * the passes of e2fsck, much reduced:
 *
 *   1. inodes: each one in use has a valid type, and its blocks (data,
 *      indirect blocks, extent tree nodes, attribute block) lie inside
 *      the file system, claimed by nobody else; i_blocks counts them;
 *   2. directories: their records are sound, every entry names an inode
 *      in use, "." and ".." come first;
 *   3. connectivity: every directory is named by an entry of another;
 *   4. link counts: what each inode says against the entries naming it;
 *   5. bitmaps and counters: the block and inode bitmaps, the groups' free
 *      counts and directory counts, against what the passes found.
 *
 * With "repair", link counts, i_blocks, deletion times of inodes in use,
 * entries naming unused inodes, bitmaps, counters and the clean flag are
 * fixed; damage it cannot fix (blocks claimed twice, broken records,
 * inodes or directories nothing names) is reported.
 * e2fsck remains the real checker: this one is for images without it.
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

#define E2FS_RESIZE_INO 7
#define FSCK_MAXDEPTH   (EXT4_EXT_MAX_DEPTH + 1)

struct fsck {
	struct ext2fs_mount *ump;
	struct fsck_report *fr;
	bool repair;
	uint8_t *bused; /* blocks found in use */
	uint8_t *iused; /* inodes found in use (by ino) */
	uint8_t *isdir;
	uint16_t *nlinks;  /* entries naming each inode (saturating) */
	uint8_t *named;    /* named by an entry other than "." and ".." */
	uint32_t *parent;  /* directories: the directory naming them */
	uint32_t *dotdot;  /* directories: what their ".." names (0: bad) */
	ino_t lostfound;   /* 0: not looked up yet; -1: none */
	struct e2clone {   /* direct blocks shared: copied after pass 1 */
		ino_t ino;
		int slot;
		uint64_t blk;
	} *clones;
	size_t nclones, capclones;
	uint64_t nclaimed; /* blocks of the inode being walked */
	ino_t ino;         /* the inode being walked */
	int ndups, nbad;
};

static bool
isset(const uint8_t *map, uint64_t i)
{
	return (map[i >> 3] & (1u << (i & 7))) != 0;
}

static void
setbit(uint8_t *map, uint64_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void
clrbit(uint8_t *map, uint64_t i)
{
	map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* --- pass 1: inodes and their blocks ------------------------------------ */

/* blk belongs to the inode being walked. */
static void
claim(struct fsck *fk, uint64_t blk)
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
static void
claim_direct(struct fsck *fk, int slot, uint64_t blk)
{
	struct e2clone *nc;
	size_t cap;

	if (!fk->repair || !ext2fs_blk_valid(fk->ump, blk) ||
	    !isset(fk->bused, blk) || fk->ino < fk->ump->um_first_ino) {
		claim(fk, blk);
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
static void
walk_ind(struct fsck *fk, uint64_t blk, int level)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t *ptrs;
	struct buf *bp;
	uint64_t child;
	unsigned i;

	claim(fk, blk);
	if (!ext2fs_blk_valid(ump, blk) || ext2fs_bread(ump, blk, &bp) != 0)
		return;
	ptrs = kmem_alloc(ump->um_bsize, KM_SLEEP);
	memcpy(ptrs, bp->b_data, ump->um_bsize);
	brelse(bp, 0);
	for (i = 0; i < ump->um_nindir; i++) {
		if ((child = e2fs_le32(ptrs[i])) == 0)
			continue;
		if (level == 1)
			claim(fk, child);
		else
			walk_ind(fk, child, level - 1);
	}
	kmem_free(ptrs, ump->um_bsize);
}

/* The blocks of an extent tree node (a copy) at the given depth. */
static void
walk_ext(
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
				claim(fk, blk + k);
			continue;
		}
		memcpy(&ei, node + 12 * (i + 1), sizeof(ei));
		blk = e2fs_le32(ei.ei_leaf_lo) |
		    (uint64_t)e2fs_le16(ei.ei_leaf_hi) << 32;
		claim(fk, blk);
		if (!ext2fs_blk_valid(ump, blk) ||
		    ext2fs_bread(ump, blk, &bp) != 0)
			continue;
		child = kmem_alloc(ump->um_bsize, KM_SLEEP);
		memcpy(child, bp->b_data, ump->um_bsize);
		brelse(bp, 0);
		walk_ext(fk, child, (ump->um_bsize - 12) / 12, depth - 1,
		    budget - 1);
		kmem_free(child, ump->um_bsize);
	}
}

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

/* Fix a field of the inode in its table block. */
static void
inode_patch(
    struct fsck *fk, ino_t ino, uint16_t *links, uint32_t *blocks, bool nodtime)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g = (uint32_t)((ino - 1) / ump->um_ipg);
	uint32_t idx = (uint32_t)((ino - 1) % ump->um_ipg);
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (ext2fs_bread(ump,
	        ump->um_groups[g].g_inode_table + idx / ump->um_ipb, &bp) != 0)
		return;
	raw = (uint8_t *)bp->b_data + (idx % ump->um_ipb) * ump->um_isize;
	memcpy(&din, raw, MIN(sizeof(din), (size_t)ump->um_isize));
	if (links != NULL)
		din.i_links_count = e2fs_le16(*links);
	if (blocks != NULL)
		din.i_blocks_lo = e2fs_le32(*blocks);
	if (nodtime)
		din.i_dtime = 0;
	memcpy(raw, &din, E2FS_GOOD_OLD_INODE_SIZE);
	ext2fs_inode_csum_set(ump, ino, raw);
	bdwrite(bp);
	fsck_fixed(fk->fr);
}

/*
 * Free inode ino (its blocks are bad or another file's): deleted as the
 * kernel deletes, so that the entries naming it go in pass 2 and its
 * blocks are freed by the next round's bitmaps.
 */
static void
inode_clear(struct fsck *fk, ino_t ino)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g = (uint32_t)((ino - 1) / ump->um_ipg);
	uint32_t idx = (uint32_t)((ino - 1) % ump->um_ipg);
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (ext2fs_bread(ump,
	        ump->um_groups[g].g_inode_table + idx / ump->um_ipb, &bp) != 0)
		return;
	raw = (uint8_t *)bp->b_data + (idx % ump->um_ipb) * ump->um_isize;
	memcpy(&din, raw, MIN(sizeof(din), (size_t)ump->um_isize));
	din.i_mode = 0;
	din.i_links_count = 0;
	din.i_dtime = e2fs_le32((uint32_t)time_second());
	memcpy(raw, &din, E2FS_GOOD_OLD_INODE_SIZE);
	ext2fs_inode_csum_set(ump, ino, raw);
	bp->b_flags |= B_META;
	bdwrite(bp);
	clrbit(fk->iused, ino);
	clrbit(fk->isdir, ino);
	fsck_say(fk->fr, "inode %llu: cleared", (unsigned long long)ino);
	fsck_fixed(fk->fr);
}

/* Point direct slot `slot` of inode ino at block blk. */
static void
inode_patch_block(struct fsck *fk, ino_t ino, int slot, uint32_t blk)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g = (uint32_t)((ino - 1) / ump->um_ipg);
	uint32_t idx = (uint32_t)((ino - 1) % ump->um_ipg);
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (ext2fs_bread(ump,
	        ump->um_groups[g].g_inode_table + idx / ump->um_ipb, &bp) != 0)
		return;
	raw = (uint8_t *)bp->b_data + (idx % ump->um_ipb) * ump->um_isize;
	memcpy(&din, raw, MIN(sizeof(din), (size_t)ump->um_isize));
	din.i_block[slot] = e2fs_le32(blk);
	memcpy(raw, &din, E2FS_GOOD_OLD_INODE_SIZE);
	ext2fs_inode_csum_set(ump, ino, raw);
	bp->b_flags |= B_META;
	bdwrite(bp);
	fsck_fixed(fk->fr);
}

/* Clear the obsolete fragment address of inode ino. */
static void
inode_patch_faddr(struct fsck *fk, ino_t ino)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g = (uint32_t)((ino - 1) / ump->um_ipg);
	uint32_t idx = (uint32_t)((ino - 1) % ump->um_ipg);
	struct ext2fs_dinode din;
	struct buf *bp;
	uint8_t *raw;

	if (ext2fs_bread(ump,
	        ump->um_groups[g].g_inode_table + idx / ump->um_ipb, &bp) != 0)
		return;
	raw = (uint8_t *)bp->b_data + (idx % ump->um_ipb) * ump->um_isize;
	memcpy(&din, raw, MIN(sizeof(din), (size_t)ump->um_isize));
	din.i_faddr = 0;
	memcpy(raw, &din, E2FS_GOOD_OLD_INODE_SIZE);
	ext2fs_inode_csum_set(ump, ino, raw);
	bp->b_flags |= B_META;
	bdwrite(bp);
	fsck_fixed(fk->fr);
}

/*
 * The resize inode's double-indirect block lists the reserved descriptor
 * blocks, each listing its backups: all inside the file system (not
 * repaired: e2fsck remakes the inode).
 */
static void
check_resize(struct fsck *fk, uint64_t dind)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t *l1, *l2, i, j, v, nbad = 0;
	struct buf *bp;

	if (!ext2fs_blk_valid(ump, dind) || ext2fs_bread(ump, dind, &bp) != 0)
		return;
	l1 = kmem_alloc(ump->um_bsize, KM_SLEEP);
	l2 = kmem_alloc(ump->um_bsize, KM_SLEEP);
	memcpy(l1, bp->b_data, ump->um_bsize);
	brelse(bp, 0);
	for (i = 0; i < ump->um_nindir && nbad < 3; i++) {
		if ((v = e2fs_le32(l1[i])) == 0)
			continue;
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
}

/* Is ino one the superblock names (journal, quota, orphan file ...)? */
static bool
special_inode(const struct ext2fs_mount *ump, ino_t ino)
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
			inode_clear(fk, ino);
		return;
	}
	if (type == VDIR)
		setbit(fk->isdir, ino);
	if (din->i_dtime != 0 && !special_inode(ump, ino)) {
		fsck_problem(fk->fr, "inode %llu is in use but has a deletion time",
		    (unsigned long long)ino);
		if (fk->repair)
			inode_patch(fk, ino, NULL, NULL, true);
	}
	if (ino == E2FS_RESIZE_INO) {
		/* its indirect blocks are the reserved descriptor blocks */
		if (din->i_block[E2FS_DIND_BLOCK] != 0) {
			claim(fk, e2fs_le32(din->i_block[E2FS_DIND_BLOCK]));
			check_resize(fk, e2fs_le32(din->i_block[E2FS_DIND_BLOCK]));
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
			walk_ext(fk, (const uint8_t *)din->i_block,
			    (E2FS_IBLOCK_BYTES - 12) / 12, -1, FSCK_MAXDEPTH);
		else {
			for (level = 0; level < E2FS_NDADDR; level++)
				if (din->i_block[level] != 0)
					claim_direct(fk, level,
					    e2fs_le32(din->i_block[level]));
			for (level = 1; level <= E2FS_NIADDR; level++)
				if (din->i_block[E2FS_NDADDR + level - 1] != 0)
					walk_ind(fk,
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
	    !special_inode(ump, ino) && ino >= ump->um_first_ino) {
		/* cut: the file that came second loses */
		inode_clear(fk, ino);
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
			inode_patch(fk, ino, NULL, &fix, false);
		}
	}
}

static void mark_layout(struct fsck *);

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
static void
clone_blocks(struct fsck *fk)
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
	mark_layout(fk);
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
		inode_patch_block(fk, c->ino, c->slot, v);
		fsck_say(fk->fr, "inode %llu: block %llu copied to %llu",
		    (unsigned long long)c->ino, (unsigned long long)c->blk,
		    (unsigned long long)nb);
	}
	kmem_free(layout, mapsize);
	kmem_free(fk->clones, fk->capclones * sizeof(*fk->clones));
	fk->clones = NULL;
	fk->nclones = fk->capclones = 0;
}

static void
pass1(struct fsck *fk)
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
			if (!special_inode(ump, ino) &&
			    e2fs_le16(din.i_links_count) == 0)
				continue;
			if (special_inode(ump, ino) && din.i_mode == 0) {
				setbit(fk->iused, ino);
				continue;
			}
			if (idx >= nused && !special_inode(ump, ino))
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
	clone_blocks(fk);
}

/* --- pass 2: directories ------------------------------------------------ */

struct dirck {
	struct fsck *fk;
	struct ext2fs_inode *dp;
	unsigned nrec; /* records seen in the directory */
	bool changed;
};

static int
dir_entry_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct dirck *dc = arg;
	struct fsck *fk = dc->fk;
	bool dot = de->de_namlen == 1 && de->de_name[0] == '.';
	bool dotdot = de->de_namlen == 2 && de->de_name[0] == '.' &&
	    de->de_name[1] == '.';
	uint32_t zero = 0;

	if (dc->nrec == 0 && de->de_off == 0 &&
	    (!dot || de->de_ino != dc->dp->i_number))
		fsck_problem(fk->fr, "directory %llu: the first entry is not \".\"",
		    (unsigned long long)dc->dp->i_number);
	if (dc->nrec == 1 && de->de_off < (off_t)fk->ump->um_bsize && !dotdot)
		fsck_problem(fk->fr,
		    "directory %llu: the second entry is not "
		    "\"..\"",
		    (unsigned long long)dc->dp->i_number);
	dc->nrec++;
	if (dotdot && !isset(fk->iused, de->de_ino)) {
		/* mended in pass 3, when the parent is known */
		fsck_problem(fk->fr,
		    "directory %llu: \"..\" names unused inode %llu",
		    (unsigned long long)dc->dp->i_number,
		    (unsigned long long)de->de_ino);
		return 0;
	}
	if (!isset(fk->iused, de->de_ino)) {
		fsck_problem(fk->fr,
		    "directory %llu: entry \"%.*s\" names unused "
		    "inode %llu",
		    (unsigned long long)dc->dp->i_number,
		    (int)MIN(de->de_namlen, 60u), de->de_name,
		    (unsigned long long)de->de_ino);
		if (fk->repair) {
			memcpy(de->de_chunk + de->de_pos, &zero, sizeof(zero));
			*de->de_dirty = true;
			fsck_fixed(fk->fr);
		}
		return 0;
	}
	if (fk->nlinks[de->de_ino] < UINT16_MAX)
		fk->nlinks[de->de_ino]++;
	if (dotdot)
		fk->dotdot[dc->dp->i_number] = (uint32_t)de->de_ino;
	if (!dot && !dotdot) {
		setbit(fk->named, de->de_ino);
		if (isset(fk->isdir, de->de_ino) && fk->parent[de->de_ino] == 0)
			fk->parent[de->de_ino] = (uint32_t)dc->dp->i_number;
	}
	return 0;
}

/*
 * Make a damaged directory block empty: one unused record, or "." and
 * ".." (the root, mended in pass 3) for the first block.
 */
static void
dir_block_reset(struct fsck *fk, ino_t ino, uint8_t *blk, bool first)
{
	struct ext2fs_mount *ump = fk->ump;
	size_t len = ump->um_bsize;
	struct ext2fs_direct d;
	uint8_t ft = E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE)
	    ? EXT2_FT_DIR
	    : EXT2_FT_UNKNOWN;
	size_t dot = E2FS_DIRSIZ(1);

	memset(blk, 0, len);
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_METADATA_CSUM)) {
		ext2fs_dirtail_init(ump, blk);
		len -= E2FS_DIRTAIL_SIZE;
	}
	memset(&d, 0, sizeof(d));
	if (!first) {
		d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(ump, len));
		memcpy(blk, &d, sizeof(d));
		return;
	}
	d.e2d_ino = e2fs_le32((uint32_t)ino);
	d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(ump, dot));
	d.e2d_namlen = 1;
	d.e2d_type = ft;
	memcpy(blk, &d, sizeof(d));
	blk[sizeof(d)] = '.';
	d.e2d_ino = e2fs_le32(E2FS_ROOTINO);
	d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(ump, len - dot));
	d.e2d_namlen = 2;
	memcpy(blk + dot, &d, sizeof(d));
	memcpy(blk + dot + sizeof(d), "..", 2);
	if (fk->nlinks[ino] < UINT16_MAX)
		fk->nlinks[ino]++;
	if (fk->nlinks[E2FS_ROOTINO] < UINT16_MAX)
		fk->nlinks[E2FS_ROOTINO]++;
	fk->dotdot[ino] = E2FS_ROOTINO;
}

static void
check_dir(struct fsck *fk, ino_t ino)
{
	struct ext2fs_mount *ump = fk->ump;
	struct dirck dc = {fk, NULL, 0, false};
	struct ext2fs_inode *dp;
	daddr_t lbn, pbn;
	struct buf *bp;
	size_t len;
	bool dirty;
	int error;

	if ((error = ext2fs_inode_load(ump, ino, &dp)) != 0) {
		fsck_problem(fk->fr, "directory %llu: damaged inode (error %d)",
		    (unsigned long long)ino, error);
		return;
	}
	dc.dp = dp;
	if (!ext2fs_has_blockmap(dp)) {
		fsck_say(fk->fr, "directory %llu: inline; not checked",
		    (unsigned long long)ino);
		ext2fs_inode_free(dp);
		return;
	}
	for (lbn = 0; lbn < E2FS_LBLKNO(ump, dp->i_size); lbn++) {
		if (ext2fs_blkmap(dp, lbn, &pbn, NULL) != 0 || pbn < 0) {
			fsck_problem(fk->fr, "directory %llu: block %lld missing",
			    (unsigned long long)ino, (long long)lbn);
			continue;
		}
		if (ext2fs_bread(ump, (uint64_t)pbn, &bp) != 0)
			continue;
		len = ump->um_bsize;
		if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_METADATA_CSUM) &&
		    ext2fs_dirtail_present(ump, bp->b_data))
			len -= E2FS_DIRTAIL_SIZE;
		dirty = false;
		error = ext2fs_dir_chunk(dp, bp->b_data, len,
		    E2FS_LBLKTOOFF(ump, lbn), 0, E2FS_DIRWALK_WRITE, &dirty,
		    dir_entry_cb, &dc);
		if (error != 0) {
			fsck_problem(fk->fr,
			    "directory %llu: damaged records in "
			    "block %lld",
			    (unsigned long long)ino, (long long)lbn);
			if (fk->repair) {
				/* its names are lost: what they named goes
				 * to lost+found in the next round */
				dir_block_reset(fk, ino, bp->b_data, lbn == 0);
				dirty = true;
				fsck_fixed(fk->fr);
			}
		}
		if (dirty) {
			ext2fs_dirblk_csum_set(dp, bp->b_data);
			bdwrite(bp);
		} else
			brelse(bp, 0);
	}
	ext2fs_inode_free(dp);
}

static void
pass2(struct fsck *fk)
{
	ino_t ino;

	for (ino = 1; ino <= fk->ump->um_ninodes; ino++)
		if (isset(fk->isdir, ino) && isset(fk->iused, ino))
			check_dir(fk, ino);
}

/* --- pass 3: connectivity ---------------------------------------------- */

/* lost+found's inode, or 0 when there is none. */
static ino_t
lostfound(struct fsck *fk)
{
	ino_t ino;

	if (fk->lostfound == 0) {
		fk->lostfound = (ino_t)-1;
		if (ext2fs_fsck_lookup(fk->ump, E2FS_ROOTINO, "lost+found",
		        &ino) == 0 &&
		    ino <= fk->ump->um_ninodes && isset(fk->iused, ino) &&
		    isset(fk->isdir, ino))
			fk->lostfound = ino;
	}
	return fk->lostfound == (ino_t)-1 ? 0 : fk->lostfound;
}

/* Name ino "#ino" in lost+found; the counts follow. */
static bool
reconnect(struct fsck *fk, ino_t ino)
{
	struct ext2fs_dinode din;
	uint8_t *raw;
	char name[32];
	ino_t lf = lostfound(fk);
	uint16_t mode;
	int error;

	if (lf == 0 || lf == ino) {
		fsck_say(fk->fr, "inode %llu: no lost+found to put it in",
		    (unsigned long long)ino);
		return false;
	}
	raw = kmem_zalloc(MAX(fk->ump->um_isize, sizeof(din)), KM_SLEEP);
	error = ext2fs_dinode_read(fk->ump, ino, raw);
	memcpy(&din, raw, sizeof(din));
	kmem_free(raw, MAX(fk->ump->um_isize, sizeof(din)));
	if (error != 0)
		return false;
	mode = e2fs_le16(din.i_mode);
	ksnprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
	if ((error = ext2fs_fsck_link(fk->ump, lf, ino, mode, name)) != 0) {
		fsck_say(fk->fr, "inode %llu: cannot enter it in lost+found "
		                 "(error %d)",
		    (unsigned long long)ino, error);
		return false;
	}
	fsck_say(fk->fr, "inode %llu: now lost+found/%s",
	    (unsigned long long)ino, name);
	if (fk->nlinks[ino] < UINT16_MAX)
		fk->nlinks[ino]++;
	setbit(fk->named, ino);
	if (isset(fk->isdir, ino))
		fk->parent[ino] = (uint32_t)lf;
	return true;
}

/* Make the ".." of directory ino name parent; the counts follow. */
static bool
set_dotdot(struct fsck *fk, ino_t ino, uint32_t parent)
{
	uint32_t old = fk->dotdot[ino];

	if (ext2fs_fsck_setdotdot(fk->ump, ino, parent) != 0)
		return false;
	if (old != 0 && fk->nlinks[old] > 0)
		fk->nlinks[old]--;
	if (fk->nlinks[parent] < UINT16_MAX)
		fk->nlinks[parent]++;
	fk->dotdot[ino] = parent;
	return true;
}

static void
pass3(struct fsck *fk)
{
	ino_t ino;

	for (ino = 1; ino <= fk->ump->um_ninodes; ino++) {
		if (!isset(fk->isdir, ino) || !isset(fk->iused, ino) ||
		    special_inode(fk->ump, ino))
			continue;
		if (ino != E2FS_ROOTINO && !isset(fk->named, ino)) {
			fsck_problem(fk->fr,
			    "directory %llu is not connected to the tree",
			    (unsigned long long)ino);
			if (fk->repair && reconnect(fk, ino))
				fsck_fixed(fk->fr);
		}
		if (ino == E2FS_ROOTINO)
			fk->parent[ino] = E2FS_ROOTINO;
		if (fk->parent[ino] == 0 || fk->dotdot[ino] == fk->parent[ino])
			continue;
		fsck_problem(fk->fr,
		    "directory %llu: \"..\" names %u, but %u names it",
		    (unsigned long long)ino, fk->dotdot[ino], fk->parent[ino]);
		if (fk->repair && set_dotdot(fk, ino, fk->parent[ino]))
			fsck_fixed(fk->fr);
	}
}

/* --- pass 4: link counts ------------------------------------------------ */

static void
pass4(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	struct ext2fs_dinode din;
	uint8_t *raw;
	uint16_t have, want;
	ino_t ino;

	raw = kmem_zalloc(MAX(ump->um_isize, sizeof(din)), KM_SLEEP);
	for (ino = 1; ino <= ump->um_ninodes; ino++) {
		if (!isset(fk->iused, ino) || special_inode(ump, ino))
			continue;
		if (ext2fs_dinode_read(ump, ino, raw) != 0)
			continue;
		memcpy(&din, raw, sizeof(din));
		have = e2fs_le16(din.i_links_count);
		want = fk->nlinks[ino];
		if (want == 0) {
			fsck_problem(fk->fr,
			    "inode %llu is in use but no "
			    "directory names it",
			    (unsigned long long)ino);
			if (!fk->repair || !reconnect(fk, ino))
				continue;
			fsck_fixed(fk->fr);
			want = fk->nlinks[ino];
		}
		if (isset(fk->isdir, ino) && have == 1 &&
		    want >= E2FS_LINK_MAX &&
		    E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_DIR_NLINK))
			continue;
		if (have != want) {
			fsck_problem(fk->fr,
			    "inode %llu: link count %u, should be "
			    "%u",
			    (unsigned long long)ino, have, want);
			if (fk->repair)
				inode_patch(fk, ino, &want, NULL, false);
		}
	}
	kmem_free(raw, MAX(ump->um_isize, sizeof(din)));
}

/* --- pass 5: bitmaps and counters --------------------------------------- */

/* Mark the blocks of the groups' own structures as in use. */
static void
mark_layout(struct fsck *fk)
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

static void
pass5(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t g;

	mark_layout(fk);
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

/* --- the whole check ---------------------------------------------------- */

static int
fsck_open(struct vnode *devvp, bool repair, struct ext2fs_mount **umpp)
{
	struct ext2fs_mount *ump;
	struct vattr va;
	struct buf *bp;
	int error;

	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	vinvalbuf(devvp, false);
	error = bread(devvp, E2FS_SBOFF / DEV_BSIZE, E2FS_SBSIZE, 0, &bp);
	if (error != 0)
		return error;
	ump = kmem_zalloc(sizeof(*ump), KM_SLEEP);
	memcpy(&ump->um_sb, bp->b_data, sizeof(ump->um_sb));
	brelse(bp, 0);
	ump->um_devvp = devvp;
	ump->um_devsize = (uint64_t)va.va_size;
	ump->um_ronly = true;
	if ((error = ext2fs_sb_check(ump, ump->um_devsize)) != 0 ||
	    (error = ext2fs_groups_load(ump)) != 0) {
		kmem_free(ump, sizeof(*ump));
		return error;
	}
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_BIGALLOC) ||
	    E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_INLINE_DATA)) {
		kprintf("ext2fs: fsck: bigalloc and inline_data are not "
		        "checked; use e2fsck\n");
		ext2fs_groups_free(ump);
		kmem_free(ump, sizeof(*ump));
		return EOPNOTSUPP;
	}
	ext2fs_rw_init(ump);
	ump->um_ronly = !repair;
	*umpp = ump;
	return 0;
}

static int
ext2fs_fsck_round(
    struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	struct ext2fs_mount *ump;
	struct fsck fk;
	uint16_t state;
	size_t inobytes;
	int error;

	memset(&fk, 0, sizeof(fk));
	fk.repair = fr->fr_repair;
	fk.fr = fr;
	if ((error = fsck_open(devvp, fk.repair, &ump)) != 0)
		return error;
	if (fk.repair && (error = ext2fs_rw_check(ump, true)) != 0) {
		fsck_say(fk.fr, "cannot repair: a feature is not supported");
		fk.repair = false;
		ump->um_ronly = true;
	}
	fk.ump = ump;
	inobytes = (size_t)howmany((uint64_t)ump->um_ninodes + 1, 8);
	fk.bused = kmem_zalloc((size_t)howmany(ump->um_nblocks, 8), KM_SLEEP);
	fk.iused = kmem_zalloc(inobytes, KM_SLEEP);
	fk.isdir = kmem_zalloc(inobytes, KM_SLEEP);
	fk.nlinks = kmem_zalloc(
	    ((size_t)ump->um_ninodes + 1) * sizeof(uint16_t), KM_SLEEP);
	fk.named = kmem_zalloc(inobytes, KM_SLEEP);
	fk.parent = kmem_zalloc(
	    ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t), KM_SLEEP);
	fk.dotdot = kmem_zalloc(
	    ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t), KM_SLEEP);

	state = e2fs_le16(ump->um_sb.s_state);
	if (E2FS_HAS_INCOMPAT(ump, EXT3F_INCOMPAT_RECOVER))
		fsck_problem(fk.fr, "the journal needs recovery: use e2fsck");
	if (!(state & E2FS_ISCLEAN)) {
		fsck_problem(fk.fr, "the file system was not cleanly unmounted");
		if (fk.repair)
			fsck_fixed(fk.fr); /* marked clean at the end */
	}
	if (state & E2FS_ERRORS) {
		fsck_problem(fk.fr, "the file system has errors recorded");
		if (fk.repair)
			fsck_fixed(fk.fr);
	}
	pass1(&fk);
	pass2(&fk);
	pass3(&fk);
	pass4(&fk);
	pass5(&fk);

	if (fk.repair) {
		ump->um_sb.s_state = e2fs_le16(E2FS_ISCLEAN);
		ump->um_sb.s_lastcheck = e2fs_le32((uint32_t)time_second());
		error = ext2fs_sbupdate(ump, false);
	}
	kmem_free(fk.nlinks, ((size_t)ump->um_ninodes + 1) * sizeof(uint16_t));
	kmem_free(fk.parent, ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t));
	kmem_free(fk.dotdot, ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t));
	kmem_free(fk.isdir, inobytes);
	kmem_free(fk.named, inobytes);
	kmem_free(fk.iused, inobytes);
	kmem_free(fk.bused, (size_t)howmany(ump->um_nblocks, 8));
	ext2fs_rw_done(ump);
	ext2fs_groups_free(ump);
	kmem_free(ump, sizeof(*ump));
	return error;
}

#define E2FSCK_ROUNDS 3 /* repair rounds after the first one */

/* vfs_fsckr */
int
ext2fs_fsck(
    struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	return fsck_rounds(devvp, options, fr, ext2fs_fsck_round, E2FSCK_ROUNDS);
}
