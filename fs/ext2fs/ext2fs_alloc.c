/*
 * Allocation of blocks and inodes with the group bitmaps.  Every change
 * keeps three counts in step: the bit in the bitmap, the group's free
 * count (written with the descriptors at sync), and the file system's
 * total (written with the superblock).  All of it under um_lock.
 *
 * Groups that were never used may have their bitmaps uninitialised
 * (BLOCK_UNINIT, INODE_UNINIT, with descriptor checksums): the first
 * allocation builds the bitmap from the layout and clears the flag.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

static bool
bit_isset(const uint8_t *map, uint32_t bit)
{
	return (map[bit >> 3] & (1u << (bit & 7))) != 0;
}

static void
bit_set(uint8_t *map, uint32_t bit)
{
	map[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

static void
bit_clr(uint8_t *map, uint32_t bit)
{
	map[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
}

/* The first clear bit in [from, nbits) of map, or nbits. */
static uint32_t
bit_findclr(const uint8_t *map, uint32_t from, uint32_t nbits)
{
	uint32_t bit = from;

	while (bit < nbits) {
		if ((bit & 7) == 0 && map[bit >> 3] == 0xff) {
			bit += 8;
			continue;
		}
		if (!bit_isset(map, bit))
			return bit;
		bit++;
	}
	return nbits;
}

/* Blocks in group g (the last group may be short). */
uint32_t
ext2fs_group_nblocks(const struct ext2fs_mount *ump, uint32_t g)
{
	uint64_t first = ext2fs_group_first_block(ump, g);

	return (uint32_t)MIN((uint64_t)ump->um_bpg, ump->um_nblocks - first);
}

static void
bits_set_range(uint8_t *map, uint64_t from, uint64_t to)
{
	for (; from < to; from++)
		bit_set(map, (uint32_t)from);
}

/* Mark in map (of group g) the blocks of [blk, blk + n) that lie in g. */
static void
mark_in_group(const struct ext2fs_mount *ump, uint32_t g, uint8_t *map,
    uint64_t blk, uint64_t n)
{
	uint64_t first = ext2fs_group_first_block(ump, g);
	uint64_t end = first + ext2fs_group_nblocks(ump, g);
	uint64_t lo = MAX(blk, first), hi = MIN(blk + n, end);

	if (lo < hi)
		bits_set_range(map, lo - first, hi - first);
}

/*
 * Build the block bitmap of a group that never had one: the superblock
 * copy and descriptors at its start, any group's bitmaps and inode table
 * that lie in it (flex_bg puts them anywhere), and the padding past its
 * last block.
 */
void
ext2fs_block_bitmap_build(
    const struct ext2fs_mount *ump, uint32_t g, uint8_t *map)
{
	const struct ext2fs_group *gp;
	uint32_t h;

	memset(map, 0, ump->um_bsize);
	bits_set_range(map, 0, ext2fs_group_super_blocks(ump, g));
	for (h = 0; h < ump->um_ngroups; h++) {
		gp = &ump->um_groups[h];
		mark_in_group(ump, g, map, gp->g_block_bitmap, 1);
		mark_in_group(ump, g, map, gp->g_inode_bitmap, 1);
		mark_in_group(
		    ump, g, map, gp->g_inode_table, ump->um_itb_per_group);
	}
	bits_set_range(
	    map, ext2fs_group_nblocks(ump, g), (uint64_t)ump->um_bsize * 8);
}

/*
 * The block bitmap of group g, busy.  An uninitialised one is built and
 * its flag cleared.  Called with um_lock held.
 */
int
ext2fs_block_bitmap(struct ext2fs_mount *ump, uint32_t g, struct buf **bpp)
{
	struct ext2fs_group *gp = &ump->um_groups[g];
	struct buf *bp;

	KASSERT(mutex_owned(&ump->um_lock));
	if ((gp->g_flags & E2FS_BG_BLOCK_UNINIT) == 0)
		return ext2fs_bread(ump, gp->g_block_bitmap, bpp);
	bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, gp->g_block_bitmap),
	    (int)ump->um_bsize);
	ext2fs_block_bitmap_build(ump, g, bp->b_data);
	gp->g_flags &= ~E2FS_BG_BLOCK_UNINIT;
	ext2fs_gd_dirty(ump, g);
	*bpp = bp;
	return 0;
}

/* The inode bitmap of group g, busy; likewise built if uninitialised. */
int
ext2fs_inode_bitmap(struct ext2fs_mount *ump, uint32_t g, struct buf **bpp)
{
	struct ext2fs_group *gp = &ump->um_groups[g];
	struct buf *bp;

	KASSERT(mutex_owned(&ump->um_lock));
	if ((gp->g_flags & E2FS_BG_INODE_UNINIT) == 0)
		return ext2fs_bread(ump, gp->g_inode_bitmap, bpp);
	bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, gp->g_inode_bitmap),
	    (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	bits_set_range(bp->b_data, ump->um_ipg, (uint64_t)ump->um_bsize * 8);
	gp->g_flags &= ~E2FS_BG_INODE_UNINIT;
	ext2fs_gd_dirty(ump, g);
	*bpp = bp;
	return 0;
}

/* Bitmaps are written before the pointers to what they allocate. */
static void
bitmap_done(struct buf *bp)
{
	bp->b_flags |= B_META;
	bdwrite(bp);
}

/* Is blk one of group g's own structures (a damaged bitmap hands it out)? */
static bool
block_is_meta(const struct ext2fs_mount *ump, uint32_t g, uint64_t blk)
{
	const struct ext2fs_group *gp = &ump->um_groups[g];
	uint64_t first = ext2fs_group_first_block(ump, g);

	return blk < first + ext2fs_group_super_blocks(ump, g) ||
	    blk == gp->g_block_bitmap || blk == gp->g_inode_bitmap ||
	    (blk >= gp->g_inode_table &&
	        blk < gp->g_inode_table + ump->um_itb_per_group);
}

static uint32_t
block_group(const struct ext2fs_mount *ump, uint64_t blk)
{
	return (uint32_t)((blk - ump->um_first_data_block) / ump->um_bpg);
}

/*
 * Take a free block of group g, at or after bit `from`.  ENOSPC: none
 * (the free count was wrong; it is corrected).
 */
static int
alloc_in_group(
    struct ext2fs_mount *ump, uint32_t g, uint32_t from, uint64_t *bnp)
{
	struct ext2fs_group *gp = &ump->um_groups[g];
	uint32_t nbits = ext2fs_group_nblocks(ump, g), bit;
	uint64_t blk;
	struct buf *bp;
	int error;

	if ((error = ext2fs_block_bitmap(ump, g, &bp)) != 0)
		return error;
	bit = bit_findclr(bp->b_data, from, nbits);
	if (bit == nbits && from > 0)
		bit = bit_findclr(bp->b_data, 0, from);
	if (bit >= nbits) {
		brelse(bp, 0);
		if (gp->g_free_blocks != 0) {
			kprintf("ext2fs: group %u: free block count %u, but "
			        "the bitmap is full\n",
			    g, gp->g_free_blocks);
			ump->um_nfreeblks -=
			    MIN(ump->um_nfreeblks, gp->g_free_blocks);
			gp->g_free_blocks = 0;
			ext2fs_gd_dirty(ump, g);
		}
		return ENOSPC;
	}
	blk = ext2fs_group_first_block(ump, g) + bit;
	if (block_is_meta(ump, g, blk)) {
		brelse(bp, 0);
		fs_corrupt(E2FS_FSNAME,
		    "group %u: the block bitmap says block %llu (a bitmap, "
		    "inode table or descriptor block) is free",
		    g, (unsigned long long)blk);
		return EFSCORRUPTED;
	}
	bit_set(bp->b_data, bit);
	bitmap_done(bp);
	if (gp->g_free_blocks > 0)
		gp->g_free_blocks--;
	if (ump->um_nfreeblks > 0)
		ump->um_nfreeblks--;
	ext2fs_gd_dirty(ump, g);
	*bnp = blk;
	return 0;
}

/* May cred dig into the blocks reserved for root? */
static bool
may_use_reserve(const struct ext2fs_mount *ump, kauth_cred_t cred)
{
	if (cred == NOCRED || cred == FSCRED || kauth_cred_issuser(cred))
		return true;
	return kauth_cred_geteuid(cred) == e2fs_le16(ump->um_sb.s_def_resuid) ||
	    kauth_cred_groupmember(cred, e2fs_le16(ump->um_sb.s_def_resgid));
}

static uint64_t
reserved_blocks(const struct ext2fs_mount *ump)
{
	uint64_t r = e2fs_le32(ump->um_sb.s_r_blocks_count_lo);

	if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_64BIT))
		r |= (uint64_t)e2fs_le32(ump->um_sb.s_r_blocks_count_hi) << 32;
	return r;
}

/* The group a file's data starts in: its inode's. */
uint32_t
ext2fs_ino_group(const struct ext2fs_mount *ump, ino_t ino)
{
	return (uint32_t)((ino - 1) / ump->um_ipg);
}

/*
 * Allocate a block for ip, as close after goal as there is one (goal 0:
 * the start of the inode's group).  No buffer may be held busy by the
 * caller.
 */
int
ext2fs_blkalloc(
    struct ext2fs_inode *ip, uint64_t goal, kauth_cred_t cred, uint64_t *bnp)
{
	struct ext2fs_mount *ump = ip->i_ump;
	uint32_t g, g0, i, from;
	int error = ENOSPC;

	KASSERT(!ump->um_ronly);
	if (goal < ump->um_first_data_block || goal >= ump->um_nblocks)
		goal = ext2fs_group_first_block(
		    ump, ext2fs_ino_group(ump, ip->i_number));
	g0 = block_group(ump, goal);
	mutex_enter(&ump->um_lock);
	if (ump->um_nfreeblks == 0 ||
	    (ump->um_nfreeblks <= reserved_blocks(ump) &&
	        !may_use_reserve(ump, cred))) {
		mutex_exit(&ump->um_lock);
		return ENOSPC;
	}
	for (i = 0; i < ump->um_ngroups; i++) {
		g = (g0 + i) % ump->um_ngroups;
		if (ump->um_groups[g].g_free_blocks == 0)
			continue;
		from = i == 0
		    ? (uint32_t)(goal - ext2fs_group_first_block(ump, g))
		    : 0;
		error = alloc_in_group(ump, g, from, bnp);
		if (error != ENOSPC)
			break;
	}
	mutex_exit(&ump->um_lock);
	return error;
}

/* Drop any cached copy of a block that held metadata. */
static void
forget_block(struct ext2fs_mount *ump, uint64_t blk)
{
	struct buf *bp;

	if (incore(ump->um_devvp, E2FS_FSBTODB(ump, blk)) == NULL)
		return;
	bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, blk), (int)ump->um_bsize);
	bp->b_flags &= ~B_DELWRI;
	brelse(bp, B_INVAL);
}

/* Give block blk back.  No buffer may be held busy by the caller. */
void
ext2fs_blkfree(struct ext2fs_mount *ump, uint64_t blk)
{
	struct ext2fs_group *gp;
	uint32_t g, bit;
	struct buf *bp;

	if (!ext2fs_blk_valid(ump, blk) || blk < ump->um_first_data_block) {
		fs_corrupt(E2FS_FSNAME, "freeing block %llu: out of range",
		    (unsigned long long)blk);
		return;
	}
	forget_block(ump, blk);
	g = block_group(ump, blk);
	gp = &ump->um_groups[g];
	bit = (uint32_t)(blk - ext2fs_group_first_block(ump, g));
	mutex_enter(&ump->um_lock);
	if (block_is_meta(ump, g, blk) ||
	    ext2fs_block_bitmap(ump, g, &bp) != 0) {
		mutex_exit(&ump->um_lock);
		fs_corrupt(E2FS_FSNAME, "freeing block %llu: not a data block",
		    (unsigned long long)blk);
		return;
	}
	if (!bit_isset(bp->b_data, bit)) {
		brelse(bp, 0);
		mutex_exit(&ump->um_lock);
		fs_corrupt(E2FS_FSNAME, "freeing free block %llu",
		    (unsigned long long)blk);
		return;
	}
	bit_clr(bp->b_data, bit);
	bitmap_done(bp);
	gp->g_free_blocks++;
	ump->um_nfreeblks++;
	ext2fs_gd_dirty(ump, g);
	mutex_exit(&ump->um_lock);
}

/*
 * The group for a new inode.  A directory goes to a group with more
 * free inodes and blocks than average and few directories, starting
 * after the last one chosen (which spreads directories out); a file
 * stays with its directory when it can.
 */
static uint32_t
choose_inode_group(struct ext2fs_mount *ump, uint32_t pg, bool isdir)
{
	uint64_t avgino = ump->um_nfreeinos / ump->um_ngroups;
	uint64_t avgblk = ump->um_nfreeblks / ump->um_ngroups;
	const struct ext2fs_group *gp;
	uint32_t g, i, best = UINT32_MAX;

	if (isdir) {
		for (i = 0; i < ump->um_ngroups; i++) {
			g = (ump->um_dirrotor + i) % ump->um_ngroups;
			gp = &ump->um_groups[g];
			if (gp->g_free_inodes == 0 ||
			    gp->g_free_inodes < avgino ||
			    gp->g_free_blocks < avgblk)
				continue;
			if (best == UINT32_MAX ||
			    gp->g_used_dirs < ump->um_groups[best].g_used_dirs)
				best = g;
			if (gp->g_used_dirs == 0)
				break;
		}
		if (best != UINT32_MAX) {
			ump->um_dirrotor = (best + 1) % ump->um_ngroups;
			return best;
		}
	} else if (ump->um_groups[pg].g_free_inodes > 0)
		return pg;
	for (i = 0; i < ump->um_ngroups; i++) {
		g = (pg + i) % ump->um_ngroups;
		if (ump->um_groups[g].g_free_inodes > 0)
			return g;
	}
	return UINT32_MAX;
}

/* Take a free inode of group g; ENOSPC if the bitmap has none. */
static int
inoalloc_in_group(struct ext2fs_mount *ump, uint32_t g, bool isdir, ino_t *inop)
{
	struct ext2fs_group *gp = &ump->um_groups[g];
	uint32_t from = 0, bit;
	struct buf *bp;
	int error;

	if (g == 0)
		from = ump->um_first_ino - 1;
	if ((error = ext2fs_inode_bitmap(ump, g, &bp)) != 0)
		return error;
	bit = bit_findclr(bp->b_data, from, ump->um_ipg);
	if (bit >= ump->um_ipg) {
		brelse(bp, 0);
		kprintf("ext2fs: group %u: free inode count %u, but the "
		        "bitmap is full\n",
		    g, gp->g_free_inodes);
		ump->um_nfreeinos -= MIN(ump->um_nfreeinos, gp->g_free_inodes);
		gp->g_free_inodes = 0;
		ext2fs_gd_dirty(ump, g);
		return ENOSPC;
	}
	bit_set(bp->b_data, bit);
	bitmap_done(bp);
	gp->g_free_inodes--;
	ump->um_nfreeinos--;
	if (isdir)
		gp->g_used_dirs++;
	if (ump->um_gdt_csum && bit >= ump->um_ipg - gp->g_itable_unused)
		gp->g_itable_unused = ump->um_ipg - bit - 1;
	/* Like Linux: a group with inodes in use has a real block bitmap. */
	if (gp->g_flags & E2FS_BG_BLOCK_UNINIT) {
		if ((error = ext2fs_block_bitmap(ump, g, &bp)) == 0)
			bitmap_done(bp);
	}
	ext2fs_gd_dirty(ump, g);
	*inop = (ino_t)g * ump->um_ipg + bit + 1;
	return error;
}

/* Allocate an inode for a new file in directory dp. */
int
ext2fs_inoalloc(struct ext2fs_inode *dp, bool isdir, ino_t *inop)
{
	struct ext2fs_mount *ump = dp->i_ump;
	uint32_t g, tries;
	int error = ENOSPC;

	KASSERT(!ump->um_ronly);
	mutex_enter(&ump->um_lock);
	for (tries = 0; tries < ump->um_ngroups && ump->um_nfreeinos > 0;
	     tries++) {
		g = choose_inode_group(
		    ump, ext2fs_ino_group(ump, dp->i_number), isdir);
		if (g == UINT32_MAX)
			break;
		error = inoalloc_in_group(ump, g, isdir, inop);
		if (error != ENOSPC)
			break;
	}
	mutex_exit(&ump->um_lock);
	return error;
}

/* Give inode ino back. */
void
ext2fs_inofree(struct ext2fs_mount *ump, ino_t ino, bool isdir)
{
	struct ext2fs_group *gp;
	uint32_t g, bit;
	struct buf *bp;

	if (ext2fs_ino_check(ump, ino) != 0 || ino == E2FS_ROOTINO) {
		fs_corrupt(E2FS_FSNAME, "freeing inode %llu: reserved",
		    (unsigned long long)ino);
		return;
	}
	g = ext2fs_ino_group(ump, ino);
	bit = (uint32_t)((ino - 1) % ump->um_ipg);
	gp = &ump->um_groups[g];
	mutex_enter(&ump->um_lock);
	if (ext2fs_inode_bitmap(ump, g, &bp) != 0) {
		mutex_exit(&ump->um_lock);
		return;
	}
	if (!bit_isset(bp->b_data, bit)) {
		brelse(bp, 0);
		mutex_exit(&ump->um_lock);
		fs_corrupt(E2FS_FSNAME, "freeing free inode %llu",
		    (unsigned long long)ino);
		return;
	}
	bit_clr(bp->b_data, bit);
	bitmap_done(bp);
	gp->g_free_inodes++;
	ump->um_nfreeinos++;
	if (isdir && gp->g_used_dirs > 0)
		gp->g_used_dirs--;
	ext2fs_gd_dirty(ump, g);
	mutex_exit(&ump->um_lock);
}
