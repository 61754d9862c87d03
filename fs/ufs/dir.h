/*
 * UFS directory entries.  A directory is a sequence of DIRBLKSIZ chunks;
 * entries never cross a chunk boundary and their d_reclen values add up
 * to exactly the chunk.  Free space is the slack at the end of an entry
 * (d_reclen beyond DIRSIZ of its name) or an entry with d_ino 0, which
 * may only be the first of its chunk.
 */
#ifndef _UFS_DIR_H_
#define _UFS_DIR_H_

#include "sys/param.h"

#define UFS_DIRBLKSIZ 512
#define UFS_MAXNAMLEN 255
#define UFS_DIRHDRSIZ 8 /* d_ino, d_reclen, d_type, d_namlen */

struct direct {
	uint32_t d_ino;
	uint16_t d_reclen;
	uint8_t d_type; /* 4.2BSD format: high byte of a 16-bit d_namlen */
	uint8_t d_namlen;
	char d_name[UFS_MAXNAMLEN + 1]; /* NUL-terminated, padded to 4 */
};
_Static_assert(offsetof(struct direct, d_name) == UFS_DIRHDRSIZ, "header");

/* Bytes an entry with a name of namlen needs. */
#define UFS_DIRSIZ(namlen) ((UFS_DIRHDRSIZ + (namlen) + 1 + 3) & ~3u)

/* d_type: the dirent values */
#define UFS_DT_UNKNOWN 0
#define UFS_DT_FIFO    1
#define UFS_DT_CHR     2
#define UFS_DT_DIR     4
#define UFS_DT_BLK     6
#define UFS_DT_REG     8
#define UFS_DT_LNK     10
#define UFS_DT_SOCK    12
#define UFS_DT_WHT     14

#define UFS_IFTODT(mode) (((mode)&0170000) >> 12)

#endif /* _UFS_DIR_H_ */
