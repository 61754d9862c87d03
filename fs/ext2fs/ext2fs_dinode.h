/*
 * The ext2/ext4 inode as it lies on disk (little-endian), the ext4 extent
 * tree nodes that can live in its i_block, and the in-inode extended
 * attribute area that follows its extra fields.
 */
#ifndef _EXT2FS_EXT2FS_DINODE_H_
#define _EXT2FS_EXT2FS_DINODE_H_

#include "sys/param.h"

#define E2FS_NDADDR     12 /* direct block pointers */
#define E2FS_NIADDR     3  /* single, double, triple indirect */
#define E2FS_N_BLOCKS   (E2FS_NDADDR + E2FS_NIADDR)
#define E2FS_IND_BLOCK  E2FS_NDADDR
#define E2FS_DIND_BLOCK (E2FS_NDADDR + 1)
#define E2FS_TIND_BLOCK (E2FS_NDADDR + 2)
/* Bytes of i_block: a fast symlink or inline data keeps its start there. */
#define E2FS_IBLOCK_BYTES (E2FS_N_BLOCKS * 4)

struct ext2fs_dinode {
	uint16_t i_mode;
	uint16_t i_uid; /* low 16 bits */
	uint32_t i_size_lo;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid; /* low 16 bits */
	uint16_t i_links_count;
	uint32_t i_blocks_lo;
	uint32_t i_flags;
	uint32_t i_version; /* osd1 */
	uint32_t i_block[E2FS_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl_lo;
	uint32_t i_size_high;
	uint32_t i_faddr;
	/* osd2, the Linux layout */
	uint16_t i_blocks_high;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* large inodes: present as far as i_extra_isize says */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime;
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
};
_Static_assert(offsetof(struct ext2fs_dinode, i_block) == 0x28, "i_block");
_Static_assert(offsetof(struct ext2fs_dinode, i_blocks_high) == 0x74, "osd2");
_Static_assert(
    offsetof(struct ext2fs_dinode, i_extra_isize) == 0x80, "i_extra_isize");
_Static_assert(sizeof(struct ext2fs_dinode) == 0xA0, "dinode size");

/* Is the field f present in a large inode whose i_extra_isize is xs? */
#define E2DI_HAS_EXTRA(xs, f)                                                  \
	(E2FS_GOOD_OLD_INODE_SIZE + (size_t)(xs) >=                            \
	    offsetof(struct ext2fs_dinode, f) +                                \
	        sizeof(((struct ext2fs_dinode *)0)->f))

/* i_mode */
#define E2FS_IFMT   0170000
#define E2FS_IFIFO  0010000
#define E2FS_IFCHR  0020000
#define E2FS_IFDIR  0040000
#define E2FS_IFBLK  0060000
#define E2FS_IFREG  0100000
#define E2FS_IFLNK  0120000
#define E2FS_IFSOCK 0140000
#define E2FS_ISUID  0004000
#define E2FS_ISGID  0002000
#define E2FS_ISVTX  0001000

/* i_flags */
#define EXT2_SECRM_FL       0x00000001
#define EXT2_UNRM_FL        0x00000002
#define EXT2_COMPR_FL       0x00000004
#define EXT2_SYNC_FL        0x00000008
#define EXT2_IMMUTABLE_FL   0x00000010
#define EXT2_APPEND_FL      0x00000020
#define EXT2_NODUMP_FL      0x00000040
#define EXT2_NOATIME_FL     0x00000080
#define EXT4_ENCRYPT_FL     0x00000800
#define EXT2_INDEX_FL       0x00001000 /* hashed directory */
#define EXT4_HUGE_FILE_FL   0x00040000 /* i_blocks counts fs blocks */
#define EXT4_EXTENTS_FL     0x00080000
#define EXT4_VERITY_FL      0x00100000
#define EXT4_EA_INODE_FL    0x00200000
#define EXT4_INLINE_DATA_FL 0x10000000
#define EXT4_CASEFOLD_FL    0x40000000

/* The 32-bit time fields become wider with an _extra word: */
#define E2FS_EPOCH_BITS 2
#define E2FS_EPOCH_MASK ((1u << E2FS_EPOCH_BITS) - 1)
#define E2FS_NSEC_SHIFT E2FS_EPOCH_BITS

/*
 * ext4 extent trees.  Every node starts with a header; interior nodes hold
 * index entries, leaves hold extents.  The root lives in i_block.
 */
#define EXT4_EXT_MAGIC     0xF30A
#define EXT4_EXT_MAX_DEPTH 5
struct ext4_extent_header {
	uint16_t eh_magic;
	uint16_t eh_entries;
	uint16_t eh_max;
	uint16_t eh_depth; /* 0: entries are extents */
	uint32_t eh_generation;
};

struct ext4_extent_idx {
	uint32_t ei_block; /* first logical block covered */
	uint32_t ei_leaf_lo;
	uint16_t ei_leaf_hi;
	uint16_t ei_unused;
};

struct ext4_extent {
	uint32_t ee_block; /* first logical block */
	uint16_t ee_len;   /* > EXT4_EXT_INIT_MAX_LEN: unwritten */
	uint16_t ee_start_hi;
	uint32_t ee_start_lo;
};
_Static_assert(sizeof(struct ext4_extent_header) == 12, "extent header");
_Static_assert(sizeof(struct ext4_extent_idx) == 12, "extent index");
_Static_assert(sizeof(struct ext4_extent) == 12, "extent");
#define EXT4_EXT_INIT_MAX_LEN 32768u

/* In-inode extended attributes follow the extra fields of a large inode. */
#define EXT2_XATTR_MAGIC        0xEA020000u
#define EXT2_XATTR_INDEX_SYSTEM 7
struct ext2fs_xattr_entry {
	uint8_t e_name_len;
	uint8_t e_name_index;
	uint16_t e_value_offs; /* from the first entry */
	uint32_t e_value_inum; /* value in an inode (ea_inode) */
	uint32_t e_value_size;
	uint32_t e_hash;
	/* e_name[e_name_len] follows, then padding to 4 bytes */
};
_Static_assert(sizeof(struct ext2fs_xattr_entry) == 16, "xattr entry");
#define EXT2_XATTR_ROUND 3u
#define EXT2_XATTR_LEN(namelen)                                                \
	((sizeof(struct ext2fs_xattr_entry) + (namelen) + EXT2_XATTR_ROUND) &  \
	    ~EXT2_XATTR_ROUND)

#endif /* _EXT2FS_EXT2FS_DINODE_H_ */
