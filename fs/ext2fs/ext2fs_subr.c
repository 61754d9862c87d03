/*
 * The superblock and the block-group descriptors: decode them, check
 * every field before anything relies on it, and read metadata blocks
 * with their bounds checked.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_extern.h"

/* Refuse more groups than this: the in-core table is kept in memory. */
#define E2FS_MAX_GROUPS (1u << 22)

static int sb_corrupt(const char *, ...) __printflike(1, 2);

static int
sb_corrupt(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_corrupt(E2FS_FSNAME, "superblock: %s", msg);
	return EFSCORRUPTED;
}

/* The first block that may hold anything but the boot block or superblock. */
static uint64_t
ext2fs_minblk(const struct ext2fs_mount *ump)
{
	return (E2FS_SBOFF >> ump->um_bshift) + 1;
}

bool
ext2fs_blk_valid(const struct ext2fs_mount *ump, uint64_t blk)
{
	return blk >= ext2fs_minblk(ump) && blk < ump->um_nblocks;
}

/* Read one metadata block of the device, after checking that it exists. */
int
ext2fs_bread(struct ext2fs_mount *ump, uint64_t blk, struct buf **bpp)
{
	*bpp = NULL;
	if (!ext2fs_blk_valid(ump, blk)) {
		fs_corrupt(E2FS_FSNAME, "metadata block %llu out of range",
		    (unsigned long long)blk);
		return EFSCORRUPTED;
	}
	return bread(
	    ump->um_devvp, E2FS_FSBTODB(ump, blk), (int)ump->um_bsize, 0, bpp);
}

static const struct {
	uint32_t bit;
	const char *name;
} incompat_names[] = {
    {EXT2F_INCOMPAT_COMPRESSION, "compression"},
    {EXT3F_INCOMPAT_JOURNAL_DEV, "journal_dev"},
    {EXT4F_INCOMPAT_EA_INODE, "ea_inode"},
    {EXT4F_INCOMPAT_DIRDATA, "dirdata"},
    {EXT4F_INCOMPAT_ENCRYPT, "encrypt"},
    {EXT4F_INCOMPAT_CASEFOLD, "casefold"},
};

/* Name every incompatible feature we cannot read; true if there was one. */
static bool
ext2fs_features_refused(const struct ext2fs_mount *ump)
{
	uint32_t bad = ump->um_incompat & ~(uint32_t)EXT2F_INCOMPAT_SUPP_RO;
	size_t i;

	if (bad == 0)
		return false;
	for (i = 0; i < __arraycount(incompat_names); i++) {
		if (bad & incompat_names[i].bit) {
			kprintf("ext2fs: unsupported feature: %s\n",
			    incompat_names[i].name);
			bad &= ~incompat_names[i].bit;
		}
	}
	if (bad != 0)
		kprintf("ext2fs: unsupported feature: incompat %#x\n", bad);
	return true;
}

/*
 * Blocks per group.  The bitmaps count clusters: with bigalloc a cluster
 * is 2^n blocks, otherwise one.
 */
static int
ext2fs_sb_clusters(struct ext2fs_mount *ump)
{
	const struct ext2fs_super *sb = &ump->um_sb;
	uint32_t logc, cpg;

	ump->um_bpg = e2fs_le32(sb->s_blocks_per_group);
	ump->um_cluster_shift = 0;
	cpg = ump->um_bpg;
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_BIGALLOC)) {
		logc = e2fs_le32(sb->s_log_cluster_size);
		if (logc < ump->um_bshift - E2FS_MIN_BSHIFT ||
		    logc - (ump->um_bshift - E2FS_MIN_BSHIFT) > 16)
			return sb_corrupt("cluster size 1024<<%u", logc);
		ump->um_cluster_shift =
		    logc - (ump->um_bshift - E2FS_MIN_BSHIFT);
		cpg = e2fs_le32(sb->s_clusters_per_group);
		if ((uint64_t)cpg << ump->um_cluster_shift != ump->um_bpg)
			return sb_corrupt("%u clusters but %u blocks per group",
			    cpg, ump->um_bpg);
	}
	if (cpg == 0 || cpg > 8 * ump->um_bsize)
		return sb_corrupt("%u %s per group", cpg,
		    ump->um_cluster_shift ? "clusters" : "blocks");
	return 0;
}

/* Block size, block and group geometry. */
static int
ext2fs_sb_geometry(struct ext2fs_mount *ump, uint64_t devsize)
{
	const struct ext2fs_super *sb = &ump->um_sb;
	uint32_t logbs = e2fs_le32(sb->s_log_block_size);
	uint64_t ngroups, span;
	int error;

	if (logbs > E2FS_MAX_LOG_BSIZE)
		return sb_corrupt("block size 1024<<%u too large", logbs);
	ump->um_bshift = E2FS_MIN_BSHIFT + logbs;
	ump->um_bsize = 1u << ump->um_bshift;
	ump->um_fsbtodb = ump->um_bshift - DEV_BSHIFT;
	ump->um_nindir = ump->um_bsize / sizeof(uint32_t);
	ump->um_nindirshift = ump->um_bshift - 2;

	ump->um_first_data_block = e2fs_le32(sb->s_first_data_block);
	if (ump->um_first_data_block > (ump->um_bsize == 1024 ? 1u : 0u))
		return sb_corrupt(
		    "first data block %u", ump->um_first_data_block);

	ump->um_nblocks = e2fs_le32(sb->s_blocks_count_lo);
	if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_64BIT))
		ump->um_nblocks |= (uint64_t)e2fs_le32(sb->s_blocks_count_hi)
		    << 32;
	if (ump->um_nblocks <= ext2fs_minblk(ump))
		return sb_corrupt("block count %llu too small",
		    (unsigned long long)ump->um_nblocks);
	if (ump->um_nblocks > (devsize >> ump->um_bshift))
		return sb_corrupt("%llu blocks of %u bytes do not fit the "
		                  "device (%llu bytes)",
		    (unsigned long long)ump->um_nblocks, ump->um_bsize,
		    (unsigned long long)devsize);

	if ((error = ext2fs_sb_clusters(ump)) != 0)
		return error;

	/* Without overflow: nblocks may be close to 2^64. */
	span = ump->um_nblocks - ump->um_first_data_block;
	ngroups = span / ump->um_bpg + (span % ump->um_bpg != 0);
	if (ngroups > E2FS_MAX_GROUPS) {
		kprintf("ext2fs: %llu block groups: too many\n",
		    (unsigned long long)ngroups);
		return EFBIG;
	}
	ump->um_ngroups = (uint32_t)ngroups;
	return 0;
}

/* Inode geometry. */
static int
ext2fs_sb_inodes(struct ext2fs_mount *ump)
{
	const struct ext2fs_super *sb = &ump->um_sb;
	bool rev0 = e2fs_le32(sb->s_rev_level) == E2FS_REV0;

	if (rev0) {
		ump->um_isize = E2FS_GOOD_OLD_INODE_SIZE;
		ump->um_first_ino = E2FS_GOOD_OLD_FIRST_INO;
	} else {
		ump->um_isize = e2fs_le16(sb->s_inode_size);
		ump->um_first_ino = e2fs_le32(sb->s_first_ino);
	}
	if (ump->um_isize < E2FS_GOOD_OLD_INODE_SIZE ||
	    ump->um_isize > ump->um_bsize || !powerof2(ump->um_isize))
		return sb_corrupt("inode size %u", ump->um_isize);
	ump->um_ipb = ump->um_bsize / ump->um_isize;

	ump->um_ipg = e2fs_le32(sb->s_inodes_per_group);
	if (ump->um_ipg < ump->um_ipb || ump->um_ipg > 8 * ump->um_bsize)
		return sb_corrupt("%u inodes per group", ump->um_ipg);
	ump->um_itb_per_group = howmany(ump->um_ipg, ump->um_ipb);

	ump->um_ninodes = e2fs_le32(sb->s_inodes_count);
	if ((uint64_t)ump->um_ngroups * ump->um_ipg != ump->um_ninodes)
		return sb_corrupt("%u inodes, but %u groups of %u",
		    ump->um_ninodes, ump->um_ngroups, ump->um_ipg);
	if (ump->um_first_ino < E2FS_GOOD_OLD_FIRST_INO ||
	    ump->um_first_ino > ump->um_ninodes)
		return sb_corrupt("first inode %u", ump->um_first_ino);
	return 0;
}

/* Where the group descriptors are. */
static int
ext2fs_sb_descriptors(struct ext2fs_mount *ump)
{
	const struct ext2fs_super *sb = &ump->um_sb;
	uint32_t dpb;

	if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_64BIT)) {
		ump->um_desc_size = e2fs_le16(sb->s_desc_size);
		if (ump->um_desc_size < E2FS_GD_SIZE_64BIT ||
		    ump->um_desc_size > E2FS_GD_SIZE_MAX ||
		    !powerof2(ump->um_desc_size))
			return sb_corrupt(
			    "descriptor size %u", ump->um_desc_size);
	} else
		ump->um_desc_size = E2FS_GD_SIZE;
	dpb = ump->um_bsize / ump->um_desc_size;
	ump->um_gdb_count = howmany(ump->um_ngroups, dpb);

	if (E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_META_BG) &&
	    e2fs_le32(sb->s_first_meta_bg) > ump->um_gdb_count)
		return sb_corrupt("first meta group %u of %u",
		    e2fs_le32(sb->s_first_meta_bg), ump->um_gdb_count);
	if (e2fs_le16(sb->s_reserved_gdt_blocks) > ump->um_bsize / 4)
		return sb_corrupt("%u reserved descriptor blocks",
		    e2fs_le16(sb->s_reserved_gdt_blocks));
	return 0;
}

/*
 * Decode and check the superblock in ump->um_sb (as read from the device
 * of devsize bytes), filling the derived fields of ump.
 */
int
ext2fs_sb_check(struct ext2fs_mount *ump, uint64_t devsize)
{
	const struct ext2fs_super *sb = &ump->um_sb;
	uint32_t rev;
	int error;

	if (e2fs_le16(sb->s_magic) != E2FS_MAGIC) {
		kprintf("ext2fs: not an ext2 file system (magic %#x)\n",
		    e2fs_le16(sb->s_magic));
		return EINVAL;
	}
	rev = e2fs_le32(sb->s_rev_level);
	if (rev > E2FS_REV1) {
		kprintf("ext2fs: unsupported revision %u\n", rev);
		return ENOTSUP;
	}
	ump->um_compat = e2fs_le32(sb->s_feature_compat);
	ump->um_incompat = e2fs_le32(sb->s_feature_incompat);
	ump->um_rocompat = e2fs_le32(sb->s_feature_ro_compat);
	if (ext2fs_features_refused(ump))
		return ENOTSUP;

	if ((error = ext2fs_sb_geometry(ump, devsize)) != 0 ||
	    (error = ext2fs_sb_inodes(ump)) != 0 ||
	    (error = ext2fs_sb_descriptors(ump)) != 0)
		return error;

	if (E2FS_HAS_INCOMPAT(ump, EXT3F_INCOMPAT_RECOVER))
		kprintf("ext2fs: warning: the journal needs recovery and was "
		        "not replayed; recent changes may be missing\n");
	if (e2fs_le16(sb->s_state) & E2FS_ERRORS)
		kprintf("ext2fs: warning: the file system has errors; "
		        "run e2fsck\n");
	return 0;
}

/* Does this group hold a copy of the superblock (and descriptors)? */
bool
ext2fs_group_has_super(const struct ext2fs_mount *ump, uint32_t group)
{
	static const uint32_t bases[] = {3, 5, 7};
	uint32_t n;
	size_t i;

	if (group == 0)
		return true;
	if (E2FS_HAS_COMPAT(ump, EXT4F_COMPAT_SPARSE_SUPER2))
		return group == e2fs_le32(ump->um_sb.s_backup_bgs[0]) ||
		    group == e2fs_le32(ump->um_sb.s_backup_bgs[1]);
	if (!E2FS_HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_SPARSE_SUPER) || group == 1)
		return true;
	for (i = 0; i < __arraycount(bases); i++) {
		for (n = bases[i]; n < group; n *= bases[i])
			if (n > UINT32_MAX / bases[i])
				break;
		if (n == group)
			return true;
	}
	return false;
}

uint64_t
ext2fs_group_first_block(const struct ext2fs_mount *ump, uint32_t group)
{
	return ump->um_first_data_block + (uint64_t)group * ump->um_bpg;
}

static bool
ext2fs_meta_bg_block(const struct ext2fs_mount *ump, uint32_t descblk)
{
	return E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_META_BG) &&
	    descblk >= e2fs_le32(ump->um_sb.s_first_meta_bg);
}

/* The block holding the descblk'th block of group descriptors. */
uint64_t
ext2fs_descblk_loc(const struct ext2fs_mount *ump, uint32_t descblk)
{
	uint32_t dpb = ump->um_bsize / ump->um_desc_size;
	uint32_t group;

	if (!ext2fs_meta_bg_block(ump, descblk))
		return (E2FS_SBOFF >> ump->um_bshift) + 1 + descblk;
	/* meta_bg: in the first group of its meta group, after any super */
	group = descblk * dpb;
	return ext2fs_group_first_block(ump, group) +
	    (ext2fs_group_has_super(ump, group) ? 1 : 0);
}

static bool
ext2fs_range_in(uint64_t start, uint64_t len, uint64_t lo, uint64_t hi)
{
	return start >= lo && start <= hi && len <= hi - start;
}

/* Check that a group's bitmaps and inode table lie where they may. */
static int
ext2fs_group_check(
    const struct ext2fs_mount *ump, uint32_t g, const struct ext2fs_group *gp)
{
	uint64_t lo = ext2fs_minblk(ump), hi = ump->um_nblocks, first;

	if (!E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_FLEX_BG)) {
		first = ext2fs_group_first_block(ump, g);
		lo = MAX(lo, first);
		hi = MIN(hi, first + ump->um_bpg);
	}
	if (!ext2fs_range_in(gp->g_block_bitmap, 1, lo, hi) ||
	    !ext2fs_range_in(gp->g_inode_bitmap, 1, lo, hi) ||
	    !ext2fs_range_in(
	        gp->g_inode_table, ump->um_itb_per_group, lo, hi)) {
		fs_corrupt(E2FS_FSNAME,
		    "group %u: bitmaps at %llu, %llu or inode table at %llu "
		    "outside blocks %llu..%llu",
		    g, (unsigned long long)gp->g_block_bitmap,
		    (unsigned long long)gp->g_inode_bitmap,
		    (unsigned long long)gp->g_inode_table,
		    (unsigned long long)lo, (unsigned long long)hi - 1);
		return EFSCORRUPTED;
	}
	if (gp->g_itable_unused > ump->um_ipg) {
		fs_corrupt(E2FS_FSNAME, "group %u: %u unused inodes of %u", g,
		    gp->g_itable_unused, ump->um_ipg);
		return EFSCORRUPTED;
	}
	return 0;
}

static void
ext2fs_gd_decode(
    const struct ext2fs_mount *ump, const void *raw, struct ext2fs_group *gp)
{
	struct ext2fs_gd gd;
	bool wide = ump->um_desc_size >= E2FS_GD_SIZE_64BIT;
	bool csum = E2FS_HAS_ROCOMPAT(
	    ump, EXT4F_ROCOMPAT_GDT_CSUM | EXT4F_ROCOMPAT_METADATA_CSUM);

	memset(&gd, 0, sizeof(gd));
	memcpy(&gd, raw, wide ? sizeof(gd) : E2FS_GD_SIZE);
	gp->g_block_bitmap = e2fs_le32(gd.bg_block_bitmap_lo) |
	    (uint64_t)e2fs_le32(gd.bg_block_bitmap_hi) << 32;
	gp->g_inode_bitmap = e2fs_le32(gd.bg_inode_bitmap_lo) |
	    (uint64_t)e2fs_le32(gd.bg_inode_bitmap_hi) << 32;
	gp->g_inode_table = e2fs_le32(gd.bg_inode_table_lo) |
	    (uint64_t)e2fs_le32(gd.bg_inode_table_hi) << 32;
	gp->g_free_blocks = e2fs_le16(gd.bg_free_blocks_count_lo) |
	    (uint32_t)e2fs_le16(gd.bg_free_blocks_count_hi) << 16;
	gp->g_free_inodes = e2fs_le16(gd.bg_free_inodes_count_lo) |
	    (uint32_t)e2fs_le16(gd.bg_free_inodes_count_hi) << 16;
	gp->g_used_dirs = e2fs_le16(gd.bg_used_dirs_count_lo) |
	    (uint32_t)e2fs_le16(gd.bg_used_dirs_count_hi) << 16;
	/* The "uninit" hints only mean something with descriptor checksums. */
	if (csum) {
		gp->g_flags = e2fs_le16(gd.bg_flags);
		gp->g_itable_unused = e2fs_le16(gd.bg_itable_unused_lo) |
		    (uint32_t)e2fs_le16(gd.bg_itable_unused_hi) << 16;
	} else {
		gp->g_flags = 0;
		gp->g_itable_unused = 0;
	}
}

/* Read, decode and check every group descriptor. */
int
ext2fs_groups_load(struct ext2fs_mount *ump)
{
	uint32_t dpb = ump->um_bsize / ump->um_desc_size;
	uint32_t blk, i, g;
	struct buf *bp;
	int error;

	ump->um_groups = kmem_zalloc(
	    (size_t)ump->um_ngroups * sizeof(*ump->um_groups), KM_SLEEP);
	for (blk = 0; blk < ump->um_gdb_count; blk++) {
		error = ext2fs_bread(ump, ext2fs_descblk_loc(ump, blk), &bp);
		if (error != 0)
			goto fail;
		for (i = 0; i < dpb; i++) {
			g = blk * dpb + i;
			if (g >= ump->um_ngroups)
				break;
			ext2fs_gd_decode(ump,
			    (const uint8_t *)bp->b_data + i * ump->um_desc_size,
			    &ump->um_groups[g]);
			error = ext2fs_group_check(ump, g, &ump->um_groups[g]);
			if (error != 0) {
				brelse(bp, 0);
				goto fail;
			}
		}
		brelse(bp, 0);
	}
	ump->um_overhead = ext2fs_overhead(ump);
	return 0;
fail:
	ext2fs_groups_free(ump);
	return error;
}

void
ext2fs_groups_free(struct ext2fs_mount *ump)
{
	if (ump->um_groups == NULL)
		return;
	kmem_free(
	    ump->um_groups, (size_t)ump->um_ngroups * sizeof(*ump->um_groups));
	ump->um_groups = NULL;
}

/*
 * Blocks at the start of group g taken by the superblock copy, the
 * descriptor table (and the blocks reserved for its growth), or, with
 * meta_bg, the one descriptor block the group holds.
 */
uint64_t
ext2fs_group_super_blocks(const struct ext2fs_mount *ump, uint32_t g)
{
	uint32_t dpb = ump->um_bsize / ump->um_desc_size;
	uint32_t metagroup = g / dpb, idx = g % dpb;
	bool super = ext2fs_group_has_super(ump, g);
	uint64_t n = super ? 1 : 0;

	if (!ext2fs_meta_bg_block(ump, metagroup)) {
		if (super)
			n += E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_META_BG)
			    ? e2fs_le32(ump->um_sb.s_first_meta_bg)
			    : ump->um_gdb_count +
			        e2fs_le16(ump->um_sb.s_reserved_gdt_blocks);
	} else if (idx == 0 || idx == 1 || idx == dpb - 1)
		n++;
	return n;
}

/* Blocks the file system spends on its own structures (for statvfs). */
uint64_t
ext2fs_overhead(const struct ext2fs_mount *ump)
{
	uint64_t n;
	uint32_t g;

	if (ump->um_sb.s_overhead_clusters != 0 &&
	    !E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_BIGALLOC))
		return e2fs_le32(ump->um_sb.s_overhead_clusters);
	n = ump->um_first_data_block;
	for (g = 0; g < ump->um_ngroups; g++)
		n += ext2fs_group_super_blocks(ump, g) + 2 +
		    ump->um_itb_per_group;
	return MIN(n, ump->um_nblocks);
}
