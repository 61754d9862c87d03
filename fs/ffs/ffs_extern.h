/*
 * In-core state of a mounted FFS and the functions the ffs files offer
 * each other.  The superblock and the group summaries are kept in host
 * order (ffs_bswap.c converts at the disk); cylinder-group blocks stay in
 * disk order in the buffer cache and are read through the accessors here.
 */
#ifndef _FFS_FFS_EXTERN_H_
#define _FFS_FFS_EXTERN_H_

#include "sys/param.h"
#include "sys/vnode.h"
#include "ffs/fs.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufsmount.h"

struct buf;
struct uio;
struct fsck_report;

struct ffsmount {
	struct ufsmount fm_um; /* first: mnt_data points at both */
	struct fs *fm_fs;      /* the superblock, host order */
	struct csum *fm_cs;    /* summary of each group, host order */
	bool fm_fmod;          /* superblock or summaries to write */
	bool fm_wasclean;      /* clean when mounted read-write */
	uint32_t fm_gen;       /* next inode generation number */
};

#define VFSTOFFS(mp)  ((struct ffsmount *)(mp)->mnt_data)
#define UMPTOFFS(ump) ((struct ffsmount *)(ump))
#define FFS_FSNAME    "ffs"

/* Geometry (fs in host order).  Addresses are fragments. */
static inline int64_t
ffs_cgbase(const struct fs *fs, uint32_t c)
{
	return (int64_t)fs->fs_fpg * c;
}

static inline int64_t
ffs_cgstart(const struct fs *fs, uint32_t c)
{
	if (fs->fs_magic != FS_UFS1_MAGIC)
		return ffs_cgbase(fs, c);
	return ffs_cgbase(fs, c) +
	    (int64_t)fs->fs_old_cgoffset * (c & ~(uint32_t)fs->fs_old_cgmask);
}

#define ffs_cgsblock(fs, c)    (ffs_cgstart(fs, c) + (fs)->fs_sblkno)
#define ffs_cgtod(fs, c)       (ffs_cgstart(fs, c) + (fs)->fs_cblkno)
#define ffs_cgimin(fs, c)      (ffs_cgstart(fs, c) + (fs)->fs_iblkno)
#define ffs_cgdmin(fs, c)      (ffs_cgstart(fs, c) + (fs)->fs_dblkno)
#define ffs_dtog(fs, d)        ((uint32_t)((d) / (fs)->fs_fpg))
#define ffs_dtogd(fs, d)       ((int32_t)((d) % (fs)->fs_fpg))
#define ffs_ino_to_cg(fs, i)   ((uint32_t)((i) / (uint64_t)(fs)->fs_ipg))
#define ffs_blkstofrags(fs, b) ((int64_t)(b) * (fs)->fs_frag)
#define ffs_fragstoblks(fs, f) ((int64_t)(f) >> (fs)->fs_fragshift)
#define ffs_fragnum(fs, f)     ((int32_t)((f) & ((fs)->fs_frag - 1)))
#define ffs_blknum(fs, f)      ((f) & ~(int64_t)((fs)->fs_frag - 1))
#define ffs_numfrags(fs, n)    ((int32_t)((n) >> (fs)->fs_fshift))

static inline int64_t
ffs_ino_to_fsba(const struct fs *fs, uint64_t ino)
{
	uint32_t c = ffs_ino_to_cg(fs, ino);

	return ffs_cgimin(fs, c) +
	    ffs_blkstofrags(
	        fs, (ino % (uint64_t)fs->fs_ipg) / (uint64_t)fs->fs_inopb);
}
#define ffs_ino_to_fsbo(fs, i) ((unsigned)((i) % (uint64_t)(fs)->fs_inopb))

/* Fragments in group c (the last one may be short). */
static inline int32_t
ffs_cg_ndblk(const struct fs *fs, uint32_t c)
{
	int64_t n = fs->fs_size - ffs_cgbase(fs, c);

	return (int32_t)MIN(n, (int64_t)fs->fs_fpg);
}

/* A cylinder-group block read and checked, with its maps located. */
struct ffs_cgbuf {
	struct buf *cb_bp;
	struct cg *cb_cg;
	uint32_t cb_cgx;
	uint8_t *cb_inosused;
	uint8_t *cb_blksfree;
	uint8_t *cb_clustersfree; /* NULL without cluster summaries */
	int32_t *cb_clustersum;
	bool cb_ns;
};

/* a field of the cylinder-group block, host order */
#define CG_GET(cb, f) ((int32_t)ufs_rw32((uint32_t)(cb)->cb_cg->f, (cb)->cb_ns))
#define CG_SET(cb, f, v)                                                       \
	((cb)->cb_cg->f = (int32_t)ufs_rw32((uint32_t)(v), (cb)->cb_ns))
#define CG_ADD(cb, f, n) CG_SET(cb, f, CG_GET(cb, f) + (n))

static inline bool
ffs_isset(const uint8_t *map, int64_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}
static inline void
ffs_setbit(uint8_t *map, int64_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}
static inline void
ffs_clrbit(uint8_t *map, int64_t i)
{
	map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* The fs_frag free bits of block h of a group's fragment map. */
static inline unsigned
ffs_blkbits(const struct fs *fs, const uint8_t *map, int64_t h)
{
	int64_t bit = h << fs->fs_fragshift;

	return (map[bit >> 3] >> (bit & 7)) & ((1u << fs->fs_frag) - 1);
}

static inline void
ffs_setblkbits(const struct fs *fs, uint8_t *map, int64_t h, unsigned bits)
{
	int64_t bit = h << fs->fs_fragshift;
	unsigned mask = ((1u << fs->fs_frag) - 1) << (bit & 7);

	map[bit >> 3] =
	    (uint8_t)((map[bit >> 3] & ~mask) | ((bits << (bit & 7)) & mask));
}

/* ffs_bswap.c: the superblock and summaries between disk and host */
void ffs_sb_swap(const struct fs *from, struct fs *to);
void ffs_csum_swap(const struct csum *from, struct csum *to, size_t n);

/* ffs_subr.c: superblock checks, maps, cylinder groups */
int ffs_sb_find(struct vnode *devvp, uint64_t devsize, struct fs *fs,
    int64_t *locp, bool *needswap, char *why, size_t whylen);
int ffs_sb_check(const struct fs *fs, int64_t loc, uint64_t devsize, char *why,
    size_t whylen);
void ffs_oldfscompat_read(struct fs *fs, int64_t loc);
void ffs_oldfscompat_write(const struct fs *fs, struct fs *out);
void ffs_ump_setup(struct ffsmount *, bool needswap);
int ffs_cg_read(struct ffsmount *, uint32_t cgx, struct ffs_cgbuf *);
int ffs_cg_check(const struct fs *, bool ns, uint32_t cgx, struct cg *,
    size_t size, char *why, size_t whylen);
void ffs_cg_locate(const struct fs *, bool ns, struct cg *, struct ffs_cgbuf *);
void ffs_cg_release(struct ffs_cgbuf *, bool dirty);
void ffs_fragacct(
    const struct fs *, unsigned bits, int32_t frsum[MAXFRAG], int cnt);
void ffs_clusteracct(
    const struct fs *, struct ffs_cgbuf *, int64_t blk, int cnt);
int ffs_csum_read(struct ffsmount *);
void ffs_csum_sanitize(struct ffsmount *);
int ffs_sbupdate(struct ffsmount *, bool wait);

/* ffs_alloc.c: blocks, fragments and inodes */
void ffs_alloc_init(void);
int ffs_alloc(struct inode *, daddr_t lbn, int64_t bpref, int size,
    kauth_cred_t, int64_t *addrp);
int ffs_realloccg(struct inode *, daddr_t lbn, int64_t bprev, int64_t bpref,
    int osize, int nsize, kauth_cred_t, int64_t *addrp);
int64_t ffs_blkpref(
    struct inode *, daddr_t lbn, unsigned indx, const int64_t *prevaddr);
void ffs_blkfree(struct ffsmount *, int64_t addr, long size, ino_t owner);
int ffs_valloc(struct inode *pip, uint16_t mode, kauth_cred_t, ino_t *inop);
int ffs_vfree(struct inode *, uint16_t mode);

/* ffs_balloc.c */
int ffs_balloc_promote(struct inode *, daddr_t lbn, kauth_cred_t);
int ffs_balloc(struct inode *, off_t off, int size, kauth_cred_t, int flags,
    struct buf **bpp);

/* ffs_inode.c */
int ffs_update(struct inode *, int flags);
int ffs_truncate(struct inode *, off_t length, kauth_cred_t);
int ffs_inode_read(struct ffsmount *, ino_t, void *din);
void ffs_discard_meta(struct ffsmount *, int64_t addr);
int ffs_extblocks(
    const struct inode *, int64_t addr[UFS_NXADDR], long size[UFS_NXADDR]);
void ffs_extfree(struct inode *);

/* ffs_vnops.c */
extern int (**ffs_vnodeop_p)(void *);
extern int (**ffs_specop_p)(void *);
extern const struct vnodeopv_desc *const ffs_vnodeopv_descs[];
extern const struct ufs_ops ffs_ufsops;

/* ffs_newfs.c and ffs_fsck.c */
int ffs_newfs(struct vnode *devvp, const char *options);
int ffs_fsck(
    struct vnode *devvp, const char *options, struct fsck_report *fr);

#endif /* _FFS_FFS_EXTERN_H_ */
