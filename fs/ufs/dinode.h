/*
 * The UFS inode as it lies on disk: the 128-byte UFS1 inode with 32-bit
 * block pointers and times, and the 256-byte UFS2 inode with 64-bit ones,
 * birth times and extended-attribute blocks.  Fields are in the image's
 * byte order (ufs_bswap.h).
 */
#ifndef _UFS_DINODE_H_
#define _UFS_DINODE_H_

#include "sys/param.h"

#define UFS_NDADDR 12 /* direct block pointers */
#define UFS_NIADDR 3  /* single, double and triple indirect */
#define UFS_NXADDR 2  /* UFS2 extended-attribute blocks */

#define UFS_WINO    1 /* the whiteout inode */
#define UFS_ROOTINO 2

/* Fast symbolic links keep their target in the block-pointer area. */
#define UFS1_MAXSYMLINKLEN ((UFS_NDADDR + UFS_NIADDR) * 4)
#define UFS2_MAXSYMLINKLEN ((UFS_NDADDR + UFS_NIADDR) * 8)

/* di_mode: the traditional values, as the public interface has them */
#define UFS_IFMT   0170000
#define UFS_IFIFO  0010000
#define UFS_IFCHR  0020000
#define UFS_IFDIR  0040000
#define UFS_IFBLK  0060000
#define UFS_IFREG  0100000
#define UFS_IFLNK  0120000
#define UFS_IFSOCK 0140000
#define UFS_IFWHT  0160000

#define UFS_LINK_MAX 32767 /* di_nlink is 16 bits, signed */

struct ufs1_dinode {
	uint16_t di_mode;
	int16_t di_nlink;
	uint16_t di_ouid; /* 4.2BSD inode format only */
	uint16_t di_ogid;
	uint64_t di_size;
	int32_t di_atime;
	int32_t di_atimensec;
	int32_t di_mtime;
	int32_t di_mtimensec;
	int32_t di_ctime;
	int32_t di_ctimensec;
	int32_t di_db[UFS_NDADDR];
	int32_t di_ib[UFS_NIADDR];
	uint32_t di_flags;
	uint32_t di_blocks; /* DEV_BSIZE units held, indirect blocks too */
	int32_t di_gen;
	uint32_t di_uid;
	uint32_t di_gid;
	uint64_t di_modrev;
};
_Static_assert(sizeof(struct ufs1_dinode) == 128, "ufs1_dinode size");
_Static_assert(offsetof(struct ufs1_dinode, di_db) == 0x28, "ufs1 di_db");
_Static_assert(offsetof(struct ufs1_dinode, di_flags) == 0x64, "ufs1 flags");
_Static_assert(offsetof(struct ufs1_dinode, di_uid) == 0x70, "ufs1 di_uid");

struct ufs2_dinode {
	uint16_t di_mode;
	int16_t di_nlink;
	uint32_t di_uid;
	uint32_t di_gid;
	uint32_t di_blksize;
	uint64_t di_size;
	uint64_t di_blocks;
	int64_t di_atime;
	int64_t di_mtime;
	int64_t di_ctime;
	int64_t di_birthtime;
	int32_t di_mtimensec;
	int32_t di_atimensec;
	int32_t di_ctimensec;
	int32_t di_birthnsec;
	int32_t di_gen;
	uint32_t di_kernflags;
	uint32_t di_flags;
	int32_t di_extsize;
	int64_t di_extb[UFS_NXADDR];
	int64_t di_db[UFS_NDADDR];
	int64_t di_ib[UFS_NIADDR];
	uint64_t di_modrev;
	uint32_t di_freelink;
	uint32_t di_spare[3];
};
_Static_assert(sizeof(struct ufs2_dinode) == 256, "ufs2_dinode size");
_Static_assert(offsetof(struct ufs2_dinode, di_atime) == 0x20, "ufs2 atime");
_Static_assert(offsetof(struct ufs2_dinode, di_mtimensec) == 0x40, "nsec");
_Static_assert(offsetof(struct ufs2_dinode, di_db) == 0x70, "ufs2 di_db");
_Static_assert(offsetof(struct ufs2_dinode, di_modrev) == 0xe8, "modrev");

/* di_flags (chflags(2) values, as BSD keeps them) */
#define UFS_SF_IMMUTABLE 0x00020000
#define UFS_SF_APPEND    0x00040000
#define UFS_UF_IMMUTABLE 0x00000002
#define UFS_UF_APPEND    0x00000004
#define UFS_IMMUTABLE    (UFS_SF_IMMUTABLE | UFS_UF_IMMUTABLE)
#define UFS_APPEND       (UFS_SF_APPEND | UFS_UF_APPEND)

#endif /* _UFS_DINODE_H_ */
