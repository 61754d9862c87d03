/*
 * The superblock and group descriptors on read-write mounts: which
 * images may be written at all, the counters kept in memory while
 * mounted, and writing both back.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

/* Features not listed in ext2fs.h. */
#define EXT4F_ROCOMPAT_REPLICA        0x0800
#define EXT4F_ROCOMPAT_SHARED_BLOCKS  0x4000
#define EXT4F_ROCOMPAT_ORPHAN_PRESENT 0x10000

/* Incompatible features this implementation keeps consistent. */
#define EXT2F_INCOMPAT_SUPP_RW                                                 \
	(EXT2F_INCOMPAT_FILETYPE | EXT2F_INCOMPAT_META_BG |                    \
	    EXT4F_INCOMPAT_64BIT | EXT4F_INCOMPAT_FLEX_BG |                    \
	    EXT4F_INCOMPAT_LARGEDIR | EXT4F_INCOMPAT_EXTENTS |                 \
	    EXT4F_INCOMPAT_CSUM_SEED)
#define EXT2F_ROCOMPAT_SUPP_RW                                                 \
	(EXT2F_ROCOMPAT_SPARSE_SUPER | EXT2F_ROCOMPAT_LARGE_FILE |             \
	    EXT2F_ROCOMPAT_BTREE_DIR | EXT4F_ROCOMPAT_HUGE_FILE |              \
	    EXT4F_ROCOMPAT_GDT_CSUM | EXT4F_ROCOMPAT_DIR_NLINK |               \
	    EXT4F_ROCOMPAT_EXTRA_ISIZE | EXT4F_ROCOMPAT_METADATA_CSUM)

static const struct {
	uint32_t bit;
	bool incompat;
	const char *name;
} rw_names[] = {
    {EXT3F_INCOMPAT_RECOVER, true, "needs_recovery (a journal to replay)"},
    {EXT4F_INCOMPAT_MMP, true, "mmp"},
    {EXT4F_INCOMPAT_INLINE_DATA, true, "inline_data"},
    {EXT4F_INCOMPAT_DIRDATA, true, "dirdata"},
    {EXT4F_ROCOMPAT_QUOTA, false, "quota"},
    {EXT4F_ROCOMPAT_BIGALLOC, false, "bigalloc"},
    {EXT4F_ROCOMPAT_READONLY, false, "read-only"},
    {EXT4F_ROCOMPAT_PROJECT, false, "project"},
    {EXT4F_ROCOMPAT_VERITY, false, "verity"},
    {EXT4F_ROCOMPAT_REPLICA, false, "replica"},
    {EXT4F_ROCOMPAT_SHARED_BLOCKS, false, "shared_blocks"},
    {EXT4F_ROCOMPAT_ORPHAN_PRESENT, false, "orphan_present"},
};

/*
 * May this file system be written?  Features we cannot keep consistent
 * refuse (EROFS) by name; an image that is not clean or has errors
 * recorded refuses (EFSCORRUPTED) unless forced.  A journal that needs
 * no recovery is left alone: nothing is written through it, so e2fsck
 * finds a consistent file system and an empty journal.
 */
int
ext2fs_rw_check(const struct ext2fs_mount *ump, bool force)
{
	uint32_t inc = ump->um_incompat & ~(uint32_t)EXT2F_INCOMPAT_SUPP_RW;
	uint32_t roc = ump->um_rocompat & ~(uint32_t)EXT2F_ROCOMPAT_SUPP_RW;
	uint16_t state = e2fs_le16(ump->um_sb.s_state);
	size_t i;

	if (inc != 0 || roc != 0) {
		for (i = 0; i < __arraycount(rw_names); i++) {
			if ((rw_names[i].incompat ? inc : roc) &
			    rw_names[i].bit) {
				kprintf("ext2fs: cannot write a file system "
				        "with the feature %s; mount it "
				        "read-only\n",
				    rw_names[i].name);
				if (rw_names[i].incompat)
					inc &= ~rw_names[i].bit;
				else
					roc &= ~rw_names[i].bit;
			}
		}
		if (inc != 0 || roc != 0)
			kprintf("ext2fs: cannot write a file system with the "
			        "features incompat %#x ro_compat %#x; mount "
			        "it read-only\n",
			    inc, roc);
		return EROFS;
	}
	if (force)
		return 0;
	if (state & E2FS_ERRORS) {
		kprintf("ext2fs: the file system has errors recorded: run "
		        "e2fsck, or mount with -o force\n");
		return EFSCORRUPTED;
	}
	if (!(state & E2FS_ISCLEAN)) {
		kprintf("ext2fs: the file system was not cleanly unmounted: "
		        "run e2fsck, or mount with -o force\n");
		return EFSCORRUPTED;
	}
	return 0;
}

/* Set up the in-core state of a read-write mount. */
void
ext2fs_rw_init(struct ext2fs_mount *ump)
{
	uint32_t g;

	mutex_init(&ump->um_lock);
	ump->um_gddirty = kmem_zalloc(ump->um_gdb_count, KM_SLEEP);
	ump->um_nfreeblks = 0;
	ump->um_nfreeinos = 0;
	for (g = 0; g < ump->um_ngroups; g++) {
		ump->um_nfreeblks += ump->um_groups[g].g_free_blocks;
		ump->um_nfreeinos += ump->um_groups[g].g_free_inodes;
	}
	ump->um_gen = (uint32_t)time_second() * 2654435761u;
	ump->um_gdt_csum = E2FS_HAS_ROCOMPAT(
	    ump, EXT4F_ROCOMPAT_GDT_CSUM | EXT4F_ROCOMPAT_METADATA_CSUM);
	ump->um_meta_csum =
	    E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_METADATA_CSUM);
	ump->um_extents = E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_EXTENTS);
	ump->um_extra_isize = 0;
	if (ump->um_isize >= sizeof(struct ext2fs_dinode))
		ump->um_extra_isize =
		    MAX(sizeof(struct ext2fs_dinode) - E2FS_GOOD_OLD_INODE_SIZE,
		        (unsigned)e2fs_le16(ump->um_sb.s_want_extra_isize));
	if (ump->um_extra_isize > ump->um_isize - E2FS_GOOD_OLD_INODE_SIZE)
		ump->um_extra_isize =
		    sizeof(struct ext2fs_dinode) - E2FS_GOOD_OLD_INODE_SIZE;
	ext2fs_csum_init(ump);
}

void
ext2fs_rw_done(struct ext2fs_mount *ump)
{
	if (ump->um_gddirty == NULL)
		return;
	kmem_free(ump->um_gddirty, ump->um_gdb_count);
	ump->um_gddirty = NULL;
	mutex_destroy(&ump->um_lock);
}

/* Group g's descriptor must be written.  Called with um_lock held. */
void
ext2fs_gd_dirty(struct ext2fs_mount *ump, uint32_t g)
{
	KASSERT(mutex_owned(&ump->um_lock));
	ump->um_gddirty[g / (ump->um_bsize / ump->um_desc_size)] = 1;
	ump->um_fmod = true;
}

static void
put16(uint16_t *lo, uint16_t *hi, uint32_t v, bool wide)
{
	*lo = e2fs_le16((uint16_t)v);
	if (wide)
		*hi = e2fs_le16((uint16_t)(v >> 16));
}

/* Store the in-core counters of group g into its raw descriptor. */
static void
gd_encode(struct ext2fs_mount *ump, uint32_t g, uint8_t *raw)
{
	const struct ext2fs_group *gp = &ump->um_groups[g];
	bool wide = ump->um_desc_size >= E2FS_GD_SIZE_64BIT;
	struct ext2fs_gd gd;
	size_t len = wide ? sizeof(gd) : E2FS_GD_SIZE;

	memset(&gd, 0, sizeof(gd));
	memcpy(&gd, raw, len);
	put16(&gd.bg_free_blocks_count_lo, &gd.bg_free_blocks_count_hi,
	    gp->g_free_blocks, wide);
	put16(&gd.bg_free_inodes_count_lo, &gd.bg_free_inodes_count_hi,
	    gp->g_free_inodes, wide);
	put16(&gd.bg_used_dirs_count_lo, &gd.bg_used_dirs_count_hi,
	    gp->g_used_dirs, wide);
	if (ump->um_gdt_csum) {
		gd.bg_flags = e2fs_le16(gp->g_flags);
		put16(&gd.bg_itable_unused_lo, &gd.bg_itable_unused_hi,
		    gp->g_itable_unused, wide);
	}
	if (ump->um_meta_csum && gp->g_csum_valid) {
		put16(&gd.bg_block_bitmap_csum_lo, &gd.bg_block_bitmap_csum_hi,
		    gp->g_bb_csum, wide);
		put16(&gd.bg_inode_bitmap_csum_lo, &gd.bg_inode_bitmap_csum_hi,
		    gp->g_ib_csum, wide);
	}
	memcpy(raw, &gd, len);
	ext2fs_gd_csum_set(ump, g, raw);
}

/* Write the dirty blocks of descriptors.  Called with um_lock held. */
static int
gd_write(struct ext2fs_mount *ump, bool waitfor)
{
	uint32_t dpb = ump->um_bsize / ump->um_desc_size, blk, i, g;
	struct buf *bp;
	int error = 0, e;

	for (blk = 0; blk < ump->um_gdb_count; blk++) {
		if (!ump->um_gddirty[blk])
			continue;
		ump->um_gddirty[blk] = 0;
		/* Bitmap checksums live in the descriptors. */
		for (i = 0; i < dpb; i++) {
			g = blk * dpb + i;
			if (g >= ump->um_ngroups)
				break;
			ext2fs_bitmap_csums(ump, g);
		}
		e = ext2fs_bread(ump, ext2fs_descblk_loc(ump, blk), &bp);
		if (e != 0) {
			error = error ? error : e;
			continue;
		}
		for (i = 0; i < dpb; i++) {
			g = blk * dpb + i;
			if (g >= ump->um_ngroups)
				break;
			gd_encode(ump, g,
			    (uint8_t *)bp->b_data + i * ump->um_desc_size);
		}
		if (waitfor)
			e = bwrite(bp);
		else {
			bdwrite(bp);
			e = 0;
		}
		if (e != 0 && error == 0)
			error = e;
	}
	return error;
}

/* Put the counters and times into um_sb.  Called with um_lock held. */
static void
sb_encode(struct ext2fs_mount *ump)
{
	struct ext2fs_super *sb = &ump->um_sb;
	uint64_t now = (uint64_t)time_second();

	sb->s_free_blocks_count_lo = e2fs_le32((uint32_t)ump->um_nfreeblks);
	if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_64BIT))
		sb->s_free_blocks_count_hi =
		    e2fs_le32((uint32_t)(ump->um_nfreeblks >> 32));
	sb->s_free_inodes_count = e2fs_le32(ump->um_nfreeinos);
	sb->s_wtime = e2fs_le32((uint32_t)now);
	if (e2fs_le32(sb->s_rev_level) >= E2FS_REV1)
		sb->s_wtime_hi = (uint8_t)(now >> 32);
	ext2fs_sb_csum_set(ump);
}

/*
 * Write the dirty group descriptors and the superblock (waitfor: now,
 * else as delayed writes).
 */
int
ext2fs_sbupdate(struct ext2fs_mount *ump, bool waitfor)
{
	struct buf *bp;
	int error, e;

	if (ump->um_ronly)
		return 0;
	mutex_enter(&ump->um_lock);
	error = gd_write(ump, waitfor);
	sb_encode(ump);
	ump->um_fmod = false;
	e = bread(ump->um_devvp, E2FS_SBOFF / DEV_BSIZE, E2FS_SBSIZE, 0, &bp);
	if (e == 0) {
		memcpy(bp->b_data, &ump->um_sb, E2FS_SBSIZE);
		if (waitfor)
			e = bwrite(bp);
		else
			bdwrite(bp);
	}
	mutex_exit(&ump->um_lock);
	return error ? error : e;
}
