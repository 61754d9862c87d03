/*
 * The state of an LFS check (fsck -n): the newest valid checkpoint
 * read without mounting, the IFILE in memory, and what the walk found.
 */
#ifndef _LFS_LFS_FSCK_H_
#define _LFS_LFS_FSCK_H_

#include "lfs/lfs_extern.h"

struct lfs_fsck {
	struct lfsmount *lm;
	struct uio *report;
	int *nproblems;
	unsigned nlines;
	uint8_t *ifile; /* the whole IFILE */
	size_t ifsize;
	struct cleanerinfo32 *ci;
	struct segusage *su;
	uint64_t ninodes;
	uint64_t *segbytes;  /* live bytes found per segment */
	uint32_t *owner;     /* per fragment: inode whose block starts here */
	uint32_t *descino;   /* per fragment: what the summaries say */
	int32_t *desclbn;
#define LFS_DESC_INODES INT32_MIN /* an inode block */
	uint8_t *istate;     /* per inode: 0 free, 1 in use, 2 bad */
	uint16_t *mode;
	int32_t *nlink;
	int32_t *refs;
	uint32_t *parent;    /* the directory that names a directory */
	uint32_t cur;        /* inode being walked */
	uint64_t curblocks;
};

/* the map entry of ino: each IFILE block holds ifpb of them */
#define LFS_FSCK_MAP(st, ino)                                                 \
	((struct ifile32 *)((st)->ifile +                                      \
	    ((size_t)(st)->lm->lm_sb.dlfs_cleansz +                            \
	        (st)->lm->lm_sb.dlfs_segtabsz +                                \
	        (ino) / (st)->lm->lm_sb.dlfs_ifpb) *                           \
	        (st)->lm->lm_sb.dlfs_bsize) +                                  \
	    (ino) % (st)->lm->lm_sb.dlfs_ifpb)

void lfs_fsck_problem(struct lfs_fsck *, const char *fmt, ...)
    __printflike(2, 3);
void lfs_fsck_dirs(struct lfs_fsck *);

#endif /* _LFS_LFS_FSCK_H_ */
