/*
 * The ext2/ext3/ext4 superblock and block-group descriptors as they lie on
 * disk (little-endian), the feature bits, and the byte-order helpers.
 * Layouts follow the published ext4 disk-layout documentation.
 */
#ifndef _EXT2FS_EXT2FS_H_
#define _EXT2FS_EXT2FS_H_

#include "sys/param.h"

/*
 * Every on-disk field is little-endian: convert with these on the way in
 * (and, being their own inverse, on the way out).
 */
static inline uint16_t
e2fs_le16(uint16_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(x);
#else
	return x;
#endif
}

static inline uint32_t
e2fs_le32(uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(x);
#else
	return x;
#endif
}

static inline uint64_t
e2fs_le64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(x);
#else
	return x;
#endif
}

#define E2FS_SBOFF               1024 /* byte offset of the superblock */
#define E2FS_SBSIZE              1024
#define E2FS_MAGIC               0xEF53
#define E2FS_MIN_BSHIFT          10 /* 1 KiB blocks ... */
#define E2FS_MAX_LOG_BSIZE       6  /* ... up to 64 KiB */
#define E2FS_ROOTINO             2
#define E2FS_GOOD_OLD_FIRST_INO  11
#define E2FS_GOOD_OLD_INODE_SIZE 128
#define E2FS_REV0                0 /* fixed inode size, no features */
#define E2FS_REV1                1 /* dynamic inode sizes and features */

/* s_state */
#define E2FS_ISCLEAN 0x0001
#define E2FS_ERRORS  0x0002

/* The superblock: 1024 bytes at byte offset 1024 of the device. */
struct ext2fs_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count_lo;
	uint32_t s_r_blocks_count_lo;
	uint32_t s_free_blocks_count_lo;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_cluster_size;
	uint32_t s_blocks_per_group;
	uint32_t s_clusters_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* revision 1 (dynamic) only */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	/* journalling */
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	/* 64bit */
	uint32_t s_blocks_count_hi;
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_count_hi;
	uint16_t s_min_extra_isize;
	uint16_t s_want_extra_isize;
	uint32_t s_flags;
	uint16_t s_raid_stride;
	uint16_t s_mmp_interval;
	uint64_t s_mmp_block;
	uint32_t s_raid_stripe_width;
	uint8_t s_log_groups_per_flex;
	uint8_t s_checksum_type;
	uint16_t s_reserved_pad;
	uint64_t s_kbytes_written;
	uint32_t s_snapshot_inum;
	uint32_t s_snapshot_id;
	uint64_t s_snapshot_r_blocks_count;
	uint32_t s_snapshot_list;
	uint32_t s_error_count;
	uint32_t s_first_error_time;
	uint32_t s_first_error_ino;
	uint64_t s_first_error_block;
	uint8_t s_first_error_func[32];
	uint32_t s_first_error_line;
	uint32_t s_last_error_time;
	uint32_t s_last_error_ino;
	uint32_t s_last_error_line;
	uint64_t s_last_error_block;
	uint8_t s_last_error_func[32];
	uint8_t s_mount_opts[64];
	uint32_t s_usr_quota_inum;
	uint32_t s_grp_quota_inum;
	uint32_t s_overhead_clusters;
	uint32_t s_backup_bgs[2]; /* sparse_super2: the backup groups */
	uint8_t s_encrypt_algos[4];
	uint8_t s_encrypt_pw_salt[16];
	uint32_t s_lpf_ino;
	uint32_t s_prj_quota_inum;
	uint32_t s_checksum_seed;
	uint8_t s_wtime_hi;
	uint8_t s_mtime_hi;
	uint8_t s_mkfs_time_hi;
	uint8_t s_lastcheck_hi;
	uint8_t s_first_error_time_hi;
	uint8_t s_last_error_time_hi;
	uint8_t s_first_error_errcode;
	uint8_t s_last_error_errcode;
	uint16_t s_encoding;
	uint16_t s_encoding_flags;
	uint32_t s_orphan_file_inum;
	uint32_t s_reserved[94];
	uint32_t s_checksum;
};
_Static_assert(sizeof(struct ext2fs_super) == E2FS_SBSIZE, "superblock size");
_Static_assert(offsetof(struct ext2fs_super, s_magic) == 0x38, "s_magic");
_Static_assert(offsetof(struct ext2fs_super, s_desc_size) == 0xFE, "desc");
_Static_assert(offsetof(struct ext2fs_super, s_blocks_count_hi) == 0x150,
    "s_blocks_count_hi");
_Static_assert(
    offsetof(struct ext2fs_super, s_backup_bgs) == 0x24C, "s_backup_bgs");
_Static_assert(
    offsetof(struct ext2fs_super, s_checksum) == 0x3FC, "s_checksum");

/* Compatible features: an implementation may ignore them. */
#define EXT2F_COMPAT_PREALLOC      0x0001
#define EXT2F_COMPAT_IMAGIC        0x0002
#define EXT3F_COMPAT_HAS_JOURNAL   0x0004
#define EXT2F_COMPAT_EXT_ATTR      0x0008
#define EXT2F_COMPAT_RESIZE_INODE  0x0010
#define EXT2F_COMPAT_DIR_INDEX     0x0020
#define EXT4F_COMPAT_SPARSE_SUPER2 0x0200

/* Read-only compatible features: reading is safe without them. */
#define EXT2F_ROCOMPAT_SPARSE_SUPER  0x0001
#define EXT2F_ROCOMPAT_LARGE_FILE    0x0002
#define EXT2F_ROCOMPAT_BTREE_DIR     0x0004
#define EXT4F_ROCOMPAT_HUGE_FILE     0x0008
#define EXT4F_ROCOMPAT_GDT_CSUM      0x0010
#define EXT4F_ROCOMPAT_DIR_NLINK     0x0020
#define EXT4F_ROCOMPAT_EXTRA_ISIZE   0x0040
#define EXT4F_ROCOMPAT_QUOTA         0x0100
#define EXT4F_ROCOMPAT_BIGALLOC      0x0200
#define EXT4F_ROCOMPAT_METADATA_CSUM 0x0400
#define EXT4F_ROCOMPAT_READONLY      0x1000
#define EXT4F_ROCOMPAT_PROJECT       0x2000
#define EXT4F_ROCOMPAT_VERITY        0x8000

/* Incompatible features: an implementation must understand every one. */
#define EXT2F_INCOMPAT_COMPRESSION 0x0001
#define EXT2F_INCOMPAT_FILETYPE    0x0002
#define EXT3F_INCOMPAT_RECOVER     0x0004 /* journal needs replay */
#define EXT3F_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2F_INCOMPAT_META_BG     0x0010
#define EXT4F_INCOMPAT_EXTENTS     0x0040
#define EXT4F_INCOMPAT_64BIT       0x0080
#define EXT4F_INCOMPAT_MMP         0x0100
#define EXT4F_INCOMPAT_FLEX_BG     0x0200
#define EXT4F_INCOMPAT_EA_INODE    0x0400
#define EXT4F_INCOMPAT_DIRDATA     0x1000
#define EXT4F_INCOMPAT_CSUM_SEED   0x2000
#define EXT4F_INCOMPAT_LARGEDIR    0x4000
#define EXT4F_INCOMPAT_INLINE_DATA 0x8000
#define EXT4F_INCOMPAT_ENCRYPT     0x10000
#define EXT4F_INCOMPAT_CASEFOLD    0x20000

/*
 * What this implementation reads.  MMP only guards against two writers,
 * CSUM_SEED only changes checksums (which are not verified) and LARGEDIR
 * only allows bigger directories, so all three are harmless to a reader.
 */
#define EXT2F_INCOMPAT_SUPP_RO                                                 \
	(EXT2F_INCOMPAT_FILETYPE | EXT3F_INCOMPAT_RECOVER |                    \
	    EXT2F_INCOMPAT_META_BG | EXT4F_INCOMPAT_EXTENTS |                  \
	    EXT4F_INCOMPAT_64BIT | EXT4F_INCOMPAT_MMP |                        \
	    EXT4F_INCOMPAT_FLEX_BG | EXT4F_INCOMPAT_CSUM_SEED |                \
	    EXT4F_INCOMPAT_LARGEDIR | EXT4F_INCOMPAT_INLINE_DATA)

/* The block-group descriptor: 32 bytes, or s_desc_size (>= 64) with 64bit. */
struct ext2fs_gd {
	uint32_t bg_block_bitmap_lo;
	uint32_t bg_inode_bitmap_lo;
	uint32_t bg_inode_table_lo;
	uint16_t bg_free_blocks_count_lo;
	uint16_t bg_free_inodes_count_lo;
	uint16_t bg_used_dirs_count_lo;
	uint16_t bg_flags;
	uint32_t bg_exclude_bitmap_lo;
	uint16_t bg_block_bitmap_csum_lo;
	uint16_t bg_inode_bitmap_csum_lo;
	uint16_t bg_itable_unused_lo;
	uint16_t bg_checksum;
	/* 64bit only */
	uint32_t bg_block_bitmap_hi;
	uint32_t bg_inode_bitmap_hi;
	uint32_t bg_inode_table_hi;
	uint16_t bg_free_blocks_count_hi;
	uint16_t bg_free_inodes_count_hi;
	uint16_t bg_used_dirs_count_hi;
	uint16_t bg_itable_unused_hi;
	uint32_t bg_exclude_bitmap_hi;
	uint16_t bg_block_bitmap_csum_hi;
	uint16_t bg_inode_bitmap_csum_hi;
	uint32_t bg_reserved;
};
_Static_assert(sizeof(struct ext2fs_gd) == 64, "group descriptor size");
#define E2FS_GD_SIZE       32
#define E2FS_GD_SIZE_64BIT 64
#define E2FS_GD_SIZE_MAX   1024

/* bg_flags */
#define E2FS_BG_INODE_UNINIT 0x0001 /* inode table and bitmap not in use */
#define E2FS_BG_BLOCK_UNINIT 0x0002
#define E2FS_BG_INODE_ZEROED 0x0004

#endif /* _EXT2FS_EXT2FS_H_ */
