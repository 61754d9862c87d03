/*
 * ext2 directory entries as they lie on disk.  A directory block is a
 * chain of variable-length records that exactly covers the block; a record
 * with inode 0 is unused space (deleted entries, hash-tree nodes, the
 * checksum tail of metadata_csum file systems).
 */
#ifndef _EXT2FS_EXT2FS_DIR_H_
#define _EXT2FS_EXT2FS_DIR_H_

#include "sys/param.h"

#define E2FS_MAXNAMLEN 255

struct ext2fs_direct {
	uint32_t e2d_ino;
	uint16_t e2d_reclen;
	uint8_t e2d_namlen;
	uint8_t
	    e2d_type; /* with the filetype feature; else namlen's high byte */
	              /* name follows, not NUL-terminated */
};
#define E2FS_DIRHDR_SIZE 8
_Static_assert(sizeof(struct ext2fs_direct) == E2FS_DIRHDR_SIZE, "dirent");

/* Records are 4-byte aligned; the smallest record for a name of n bytes: */
#define E2FS_DIR_ROUND 3u
#define E2FS_DIRSIZ(n)                                                         \
	((E2FS_DIRHDR_SIZE + (size_t)(n) + E2FS_DIR_ROUND) &                   \
	    ~(size_t)E2FS_DIR_ROUND)

/* With metadata_csum, a block ends in a 12-byte record with its checksum. */
#define E2FS_DIRTAIL_SIZE 12

/* e2d_type */
#define EXT2_FT_UNKNOWN  0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR      2
#define EXT2_FT_CHRDEV   3
#define EXT2_FT_BLKDEV   4
#define EXT2_FT_FIFO     5
#define EXT2_FT_SOCK     6
#define EXT2_FT_SYMLINK  7
#define EXT2_FT_MAX      8

/*
 * Inline-data directories (inline_data feature) start with the parent's
 * inode number instead of "." and "..".
 */
#define E2FS_INLINE_DOTDOT_SIZE 4

#endif /* _EXT2FS_EXT2FS_DIR_H_ */
