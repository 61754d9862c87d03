/*
 * In-core state of a mounted LFS and the functions the lfs files offer
 * each other.
 *
 * Writing: file buffers stay dirty in the buffer cache until they are
 * written (by sync, fsync, or the cache making room); then VOP_STRATEGY
 * appends each one to the log (lfs_segment.c) and points its parent at
 * the new address.  The partial segment being built lives in memory
 * (the staging area) until it is closed: its summary gets its checksums
 * and the whole partial goes to the disk in one write.  Reads of blocks
 * still in the staging area are served from it.
 *
 * The segment usage table and the cleaner information are kept in host
 * memory and written into the IFILE at each checkpoint; the inode map
 * lives in IFILE buffers.  lm_lock protects the log, the tables and the
 * counters; it is never held across a buffer-cache call.
 */
#ifndef _LFS_LFS_EXTERN_H_
#define _LFS_LFS_EXTERN_H_

#include "sys/param.h"
#include "sys/lock.h"
#include "sys/vnode.h"
#include "lfs/lfs.h"
#include "ufs/inode.h"
#include "ufs/ufsmount.h"

struct buf;
struct uio;

#define LFS_FSNAME     "lfs"
#define LFS_PSEG_MAXBLKS 256 /* blocks in one partial segment at most */

/* a block placed in the partial segment being built */
struct lfs_psblk {
	uint32_t pb_off;  /* byte offset in the staging area */
	uint32_t pb_size;
};

struct lfsmount {
	struct ufsmount lm_um; /* first: mnt_data points at both */
	struct dlfs lm_sb;     /* the superblock of the last checkpoint */
	kmutex_t lm_lock;
	kmutex_t lm_iflock;    /* the inode free list */
	struct vnode *lm_ivp;  /* the IFILE */
	struct segusage *lm_su; /* the segment usage table */
	uint8_t *lm_sufreed;   /* emptied since the last checkpoint */
	struct cleanerinfo32 lm_ci;
	uint64_t lm_serial;    /* of the next partial segment */
	int64_t lm_pending;    /* fragments allocated, not yet logged */
	int64_t lm_usable;     /* fragments segments can hold, less reserve */
	int64_t lm_livefrags;  /* sum of the segments' live fragments */
	int64_t lm_nclean;     /* clean segments, -1: to count */
	unsigned lm_nextsb;    /* superblock slot of the next checkpoint */
	bool lm_dirty;         /* anything logged since the checkpoint */
	bool lm_incleaner;     /* a thread runs the cleaner (lm_lock) */
	/*
	 * Writers short of clean segments that must wait for the directory
	 * operations in progress to end before the cleaner may run (its
	 * checkpoint must not fall inside one); new ones wait meanwhile,
	 * so that they drain.  lm_cv: the end of either.
	 */
	unsigned lm_cleanwant;
	kcondvar_t lm_cv;
	/*
	 * Directory operations are atomic across roll-forward: partial
	 * segments are written with SS_CONT except the one that ends a
	 * consistent state (no directory operation half done, every
	 * dirty file in the log), and roll-forward applies a run of them
	 * only up to such a closing one.
	 */
	unsigned lm_dirops;    /* directory operations in progress */
	bool lm_runopen;       /* an SS_CONT partial is on the disk */
	bool lm_diropseen;     /* a directory operation in this run */

	/* the log head */
	uint32_t lm_curseg;   /* segment number being written */
	uint32_t lm_nextseg;  /* the one after it */
	int64_t lm_offset;    /* next free fragment in lm_curseg */

	/* the partial segment being built (ps_start < 0: none) */
	int64_t ps_start;     /* address of its summary */
	uint8_t *ps_buf;      /* summary then blocks, lm_pscap bytes */
	size_t lm_pscap;
	size_t ps_used;       /* bytes of ps_buf in use */
	size_t ps_limit;      /* bytes the segment leaves for this partial */
	unsigned ps_finfo_off; /* offset of the open FINFO, 0: none */
	unsigned ps_sumoff;   /* next free byte for FINFOs */
	unsigned ps_ninoblk;  /* inode block addresses at the summary's end */
	unsigned ps_ninos;
	unsigned ps_iboff;    /* offset of the open inode block, 0: none */
	unsigned ps_ibcount;  /* inodes in it */
	unsigned ps_nblk;
	struct lfs_psblk ps_blk[LFS_PSEG_MAXBLKS];
	uint16_t ps_flags;
};

#define VFSTOLFS(mp)  ((struct lfsmount *)(mp)->mnt_data)
#define UMPTOLFS(ump) ((struct lfsmount *)(ump))
#define ITOLFS(ip)    UMPTOLFS((ip)->i_ump)

/* geometry */
static inline int64_t
lfs_sntod(const struct dlfs *sb, uint32_t sn)
{
	return (int64_t)sn * sb->dlfs_fsbpseg;
}
static inline uint32_t
lfs_dtosn(const struct dlfs *sb, int64_t addr)
{
	return (uint32_t)(addr / sb->dlfs_fsbpseg);
}
/* first fragment of segment sn that partial segments may use */
int64_t lfs_seg_first(const struct lfsmount *, uint32_t sn);
uint32_t lfs_btofsb(const struct dlfs *, uint64_t bytes);

/* lfs_subr.c */
int lfs_sb_valid(const struct dlfs *, uint64_t devsize, char *why, size_t);
int lfs_rawio(struct vnode *devvp, int64_t daddr_db, void *buf, size_t len,
    bool isread);
int lfs_readfrags(struct lfsmount *, int64_t addr, void *buf, size_t len);
int lfs_sb_read(struct vnode *devvp, uint64_t devsize, int slot_addr_db,
    struct dlfs *sb);
int lfs_sb_choose(struct vnode *devvp, uint64_t devsize, struct dlfs sbs[2],
    unsigned slots[2]);
int lfs_sb_write(struct lfsmount *, int64_t addr, const struct dlfs *sb);
void lfs_ump_setup(struct lfsmount *);
int lfs_segsum_check(const struct dlfs *, const void *sum, int64_t addr,
    char *why, size_t whylen);
void lfs_su_block(const struct dlfs *, unsigned b, void *blk,
    struct segusage *su, bool out);
void lfs_su_unpack(const struct dlfs *, const uint8_t *tab,
    struct segusage *su);
void lfs_su_setdirty(struct lfsmount *, uint32_t sn);

/* lfs_segment.c: the log */
int lfs_append(struct lfsmount *, uint32_t ino, uint32_t version,
    int32_t lbn, const void *data, size_t size, int64_t *addrp);
int lfs_append_inode(struct lfsmount *, struct inode *, int64_t olddaddr,
    int64_t *addrp);
int lfs_pseg_close(struct lfsmount *);
int lfs_pseg_commit(struct lfsmount *);
int lfs_pseg_open(struct lfsmount *, size_t need);
bool lfs_staged(struct lfsmount *, int64_t addr, void *buf, size_t len);
void lfs_account(struct lfsmount *, int64_t addr, long bytes);
int lfs_checkpoint(struct lfsmount *);
int lfs_segwrite(struct lfsmount *, struct vnode *locked, bool checkpoint);
void lfs_dirop_begin(struct lfsmount *, struct vnode *dvp);
void lfs_dirop_end(struct lfsmount *);
bool lfs_in_dirop(void);
void lfs_clean_wait(struct lfsmount *, struct vnode *locked);
uint32_t lfs_nclean(struct lfsmount *);
void lfs_recount(struct lfsmount *);
int64_t lfs_bfree(struct lfsmount *);
void lfs_ci_update(struct lfsmount *);

/* lfs_bio.c: block maps, strategy, allocation */
int32_t lfs_metalbn(const struct ufsmount *, daddr_t base, int height);
int lfs_metainfo(const struct ufsmount *, int32_t metalbn, daddr_t *base,
    int *height);
int lfs_blkmap(struct inode *, daddr_t lbn, int64_t *addr);
int lfs_setptr(struct inode *, daddr_t lbn, int64_t addr, int64_t *oldp);
int lfs_bmap(void *);
int lfs_strategy(void *);
int lfs_balloc(struct inode *, off_t off, int size, kauth_cred_t, int flags,
    struct buf **bpp);
long lfs_blksize_of(struct inode *, daddr_t lbn);
void lfs_freeblock(struct inode *, int64_t addr, long size);
int lfs_resizeblock(struct inode *, daddr_t lbn, int osize, int nsize,
    struct buf **bpp);

/* lfs_inode.c */
int lfs_update(struct inode *, int flags);
int lfs_truncate(struct inode *, off_t length, kauth_cred_t);
int lfs_inode_read(struct lfsmount *, ino_t, uint8_t din[LFS_DINODE_SIZE],
    int64_t *daddrp);
int lfs_iblock_find(struct lfsmount *, ino_t, int64_t daddr, uint8_t *din);
int lfs_ifentry(struct lfsmount *, ino_t, struct buf **, struct ifile32 **);
void lfs_dinode_out(struct inode *, uint8_t *out);
int lfs_reclaim(void *);

/* lfs_alloc.c */
int lfs_ifile_extend(struct lfsmount *);
int lfs_valloc(struct lfsmount *, ino_t *inop, uint32_t *versp);
int lfs_vfree(struct inode *, uint16_t mode);
int lfs_space_reserve(struct lfsmount *, int64_t frags);

/* lfs_vnops.c */
extern int (**lfs_vnodeop_p)(void *);
extern int (**lfs_specop_p)(void *);
extern const struct vnodeopv_desc *const lfs_vnodeopv_descs[];
extern const struct ufs_ops lfs_ufsops;

/* lfs_scan.c: walks that fsck and roll-forward share */
typedef int lfs_blk_cb(void *arg, int32_t lbn, int64_t addr, uint32_t size);
bool lfs_din_hasblocks(const struct lfsmount *, const uint8_t *din);
int lfs_walk_blocks(struct lfsmount *, ino_t, const uint8_t *din,
    lfs_blk_cb *, void *arg);
int lfs_pseg_parse(struct lfsmount *, int64_t addr, uint8_t *sum,
    uint32_t *nfragsp, char *why, size_t whylen);
int lfs_pseg_datasum(struct lfsmount *, int64_t addr, const uint8_t *sum,
    uint32_t nfrags, char *why, size_t whylen);
int lfs_rebuild_usage(struct lfsmount *);

/* lfs_rfw.c, lfs_cleaner.c */
int lfs_rollforward(struct lfsmount *);
int lfs_clean(struct lfsmount *, struct vnode *locked, unsigned want);

/* lfs_newfs.c and lfs_fsck.c */
int lfs_newfs(struct vnode *devvp, const char *options);
int lfs_fsck(struct vnode *devvp, const char *options, struct uio *report,
    int *nproblems);

#endif /* _LFS_LFS_EXTERN_H_ */
