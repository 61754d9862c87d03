/*
 * State of an offline check of an FFS image (ffs_fsck.c walks the inodes
 * and directories, ffs_fsck_cg.c compares the cylinder groups with what
 * the walk found in use, ffs_fsck_names.c finds names given twice).
 */
#ifndef _FFS_FFS_FSCK_H_
#define _FFS_FFS_FSCK_H_

#include "sys/param.h"
#include "ffs/ffs_extern.h"

struct fsck_report;

/* istate values */
#define FSCK_FREE 0
#define FSCK_FILE 1 /* anything that is not a directory */
#define FSCK_DIR  2
#define FSCK_BAD  3 /* in use but unreadable: not walked */

/* A fix to an inode, made after its inode block is released. */
#define FFS_FIX_CLEAR  1 /* free it */
#define FFS_FIX_BLOCKS 2 /* di_blocks = f_val */
#define FFS_FIX_NLINK  3 /* di_nlink = f_val */
#define FFS_FIX_SIZE   4 /* di_size = f_val */
#define FFS_FIX_CLONE  5 /* direct block f_val (f_addr, f_frags) copied */
struct ffs_fsck_fix {
	uint64_t f_ino;
	uint64_t f_val;
	int64_t f_addr;
	int64_t f_frags;
	int f_what;
};

/* What one group should say, computed from the walk. */
struct ffs_cgwant {
	int32_t ndir, nbfree, nifree, nffree;
	int32_t frsum[MAXFRAG];
	int32_t clustersum[FS_MAXCONTIG + 1];
};

struct ffs_fsck {
	struct ffsmount fm; /* a mount-like view for the shared helpers */
	struct fsck_report *fr;
	uint64_t ninodes;
	uint8_t *used; /* a bit per fragment: claimed */
	uint8_t *istate;
	uint8_t *dtype;            /* file type as directory entries give it */
	int16_t *nlink;            /* link counts the inodes claim */
	uint16_t *refs;            /* names found for each inode (saturating) */
	uint32_t *parent;          /* directories: the directory naming them */
	uint32_t *dotdot;          /* directories: what ".." says */
	uint8_t *cgok;             /* groups whose block passed the checks */
	struct ffs_nameset *names; /* of the directory being read */
	struct ffs_fsck_fix *fix;  /* queued inode fixes (repair) */
	size_t nfix, capfix;
	uint32_t lostfound; /* 0: not looked up; UINT32_MAX: none */
};

void ffs_fsck_problem(struct ffs_fsck *, const char *, ...) __printflike(2, 3);
void ffs_fsck_claim_range(struct ffs_fsck *, int64_t addr, int64_t n);
struct ffs_nameset *ffs_nameset_new(void);
void ffs_nameset_free(struct ffs_nameset *);
void ffs_nameset_clear(struct ffs_nameset *);
bool ffs_nameset_add(struct ffs_nameset *, const char *, size_t);

/* ffs_fsck_fix.c */
void ffs_fsck_queue(struct ffs_fsck *, ino_t, int what, uint64_t val);
void ffs_fsck_queue_clone(
    struct ffs_fsck *, ino_t, daddr_t lbn, int64_t addr, int64_t frags);
void ffs_fsck_apply(struct ffs_fsck *);
void ffs_fsck_dropent(
    struct ffs_fsck *, uint8_t *chunk, int prev, unsigned pos, bool whole);
int ffs_fsck_setdotdot(struct ffs_fsck *, ino_t dino, uint32_t to);
bool ffs_fsck_reconnect(struct ffs_fsck *, ino_t);
void ffs_fsck_dots(
    struct ffs_fsck *, uint8_t *chunk, ino_t dino, uint32_t parent);
void ffs_fsck_cgfix(struct ffs_fsck *, uint32_t c, struct ffs_cgbuf *,
    const struct ffs_cgwant *);

/*
 * ffs_fsck_sb.c: a copy of the superblock in a cylinder group, for a
 * damaged primary: fs (host order), *primp the primary's byte offset,
 * *altp the copy's; ENOENT when there is none.
 */
int ffs_fsck_altsb(struct vnode *devvp, uint64_t devsize, struct fs *fs,
    int64_t *primp, bool *nsp, uint64_t *altp);

void ffs_fsck_cgcheck(struct ffs_fsck *);
void ffs_fsck_maps(struct ffs_fsck *);

#endif /* _FFS_FFS_FSCK_H_ */
