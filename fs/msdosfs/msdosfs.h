/*
 * In-core state of a mounted FAT file system and of its nodes (denodes),
 * and the functions the msdosfs files offer each other.
 *
 * FAT has no inodes: a file is its directory entry.  A denode is found in
 * the vnode cache by the position of that entry (struct msdosfs_dirpos);
 * the root directory, which has no entry, has a fixed key.  A file that
 * loses its entry while open (unlink, or replaced by rename) gets a key of
 * its own that no entry can have.
 *
 * Locks: the vnode lock protects a denode's fields; de_lock protects its
 * cluster-chain hint and lookup hint, which readers holding the vnode lock
 * shared update; pm_fatlock protects the FAT buffers, the in-use map and
 * the free count.  Order: vnode lock, de_lock, pm_fatlock.
 */
#ifndef _MSDOSFS_MSDOSFS_H_
#define _MSDOSFS_MSDOSFS_H_

#include "sys/param.h"
#include "sys/lock.h"
#include "sys/uio.h"
#include "sys/vnode.h"
#include "msdosfs/msdosfs_fs.h"

struct buf;
struct mount;
struct componentname;

#define MSDOSFS_NAME "msdos"

/* Code pages for short names. */
#define MSDOSFS_CP437 437
#define MSDOSFS_CP850 850

/* --- the mount ---------------------------------------------------------- */

struct msdosfsmount {
	struct mount *pm_mountp;
	struct vnode *pm_devvp;
	uint64_t pm_devsize; /* bytes */

	/* geometry, from the boot sector (msdosfs_bpb.c) */
	uint32_t pm_bps; /* bytes per sector */
	unsigned pm_bpsshift;
	uint32_t pm_spc;   /* sectors per cluster */
	uint32_t pm_csize; /* bytes per cluster */
	unsigned pm_cshift;
	uint32_t pm_rsvdsecs;
	uint32_t pm_nfats;
	uint32_t pm_fatsecs;  /* sectors per FAT */
	uint32_t pm_rootents; /* FAT12/16 root entries */
	uint32_t pm_rootsecs;
	uint32_t pm_totsecs;
	uint32_t pm_fatstart;  /* sector of the first FAT */
	uint32_t pm_rootstart; /* sector of the FAT12/16 root */
	uint32_t pm_datastart; /* sector of cluster 2 */
	uint32_t pm_maxclust;  /* highest valid cluster number */
	unsigned pm_fatbits;   /* 12, 16 or 32 */
	uint32_t pm_fatmask;
	uint32_t pm_rootclust; /* FAT32: first cluster of the root */
	uint32_t pm_fsinfosec; /* FAT32: FSInfo sector, 0 if none */
	uint32_t pm_bkbootsec; /* FAT32: backup boot sector, 0 if none */
	unsigned pm_activefat; /* the FAT read (and the only one written
	                          when mirroring is off) */
	bool pm_mirror;        /* write every FAT copy */
	uint8_t pm_media;
	uint8_t pm_bsflags;     /* BS16_FLAGS / BS32_FLAGS */
	uint32_t pm_fatblksize; /* bytes per FAT buffer */
	uint32_t pm_volid;
	char pm_label[12]; /* volume label, blanks trimmed */
	char pm_why[96];   /* what was wrong with the boot sector */

	/* allocation state, under pm_fatlock */
	kmutex_t pm_fatlock;
	uint32_t *pm_inuse;    /* bit per cluster: allocated */
	uint32_t pm_freeclust; /* free clusters */
	uint32_t pm_nxtfree;   /* where the next search starts */
	uint32_t pm_fsi_free;  /* FSInfo values on disk */
	uint32_t pm_fsi_next;
	bool pm_fsi_valid;
	uint64_t pm_unlinkgen; /* keys for files without an entry */

	/* mount options */
	uid_t pm_uid;
	gid_t pm_gid;
	mode_t pm_mask;
	mode_t pm_dirmask;
	int pm_codepage;
	unsigned pm_flags;
#define MSDOSFS_RONLY      0x01
#define MSDOSFS_FORCE      0x02
#define MSDOSFS_MARKED     0x04 /* we cleared the clean bit at mount */
#define MSDOSFS_DIRMASKSET 0x08 /* dirmask given: mask leaves it */
};

#define VFSTOMSDOSFS(mp) ((struct msdosfsmount *)(mp)->mnt_data)

/* Sector and cluster arithmetic; device blocks are DEV_BSIZE units. */
static inline daddr_t
msdosfs_sectodb(const struct msdosfsmount *pmp, uint64_t sec)
{
	return (daddr_t)(sec << (pmp->pm_bpsshift - DEV_BSHIFT));
}

static inline uint64_t
msdosfs_cntosec(const struct msdosfsmount *pmp, uint32_t cn)
{
	return pmp->pm_datastart + (uint64_t)(cn - CLUST_FIRST) * pmp->pm_spc;
}

static inline daddr_t
msdosfs_cntodb(const struct msdosfsmount *pmp, uint32_t cn)
{
	return msdosfs_sectodb(pmp, msdosfs_cntosec(pmp, cn));
}

static inline bool
msdosfs_validclust(const struct msdosfsmount *pmp, uint32_t cn)
{
	return cn >= CLUST_FIRST && cn <= pmp->pm_maxclust;
}

/* --- nodes -------------------------------------------------------------- */

/*
 * Where a directory entry lives: the directory (by its first cluster; 0
 * for the fixed root of FAT12/16), the byte offset of the short entry,
 * and the device block of the directory block holding it.  The last is
 * determined by the first two; it is kept so that a node can find its
 * entry without walking the directory's chain.
 */
struct msdosfs_dirpos {
	uint32_t dp_dirclust;
	uint32_t dp_offset;
	int64_t dp_blkno;
};
#define MSDOSFS_ROOTKEY     0xfffffffeu /* dp_dirclust of the root */
#define MSDOSFS_UNLINKEDKEY 0xffffffffu /* dp_dirclust without an entry */

/* A cluster chain with a remembered position for sequential walks. */
struct msdosfs_chain {
	uint32_t ch_start; /* first cluster; 0: no clusters */
	uint32_t ch_hlcn;  /* logical cluster ch_hlcn ... */
	uint32_t ch_hpcn;  /* ... is ch_hpcn (0: no hint) */
};

struct denode {
	struct msdosfs_dirpos de_pos; /* the vcache key */
	struct vnode *de_vnode;
	struct msdosfsmount *de_pmp;
	unsigned de_flag;
#define DE_MODIFIED 0x01 /* the directory entry must be written */
#define DE_UNLINKED 0x02 /* no directory entry any more */
#define DE_ROOT     0x04
	/* the short entry, decoded */
	uint8_t de_name[11];
	uint8_t de_attr;
	uint8_t de_lcase;
	uint8_t de_ctime_cs;
	uint16_t de_ctime;
	uint16_t de_cdate;
	uint16_t de_adate;
	uint16_t de_mtime;
	uint16_t de_mdate;
	uint32_t de_size;   /* files: from the entry; dirs: chain bytes */
	uint32_t de_nclust; /* clusters in the chain */

	kmutex_t de_lock;
	struct msdosfs_chain de_chain; /* ch_start: the first cluster */
	uint32_t de_lookhint;          /* dirs: offset to start lookups at */
	struct msdosfs_dirindex *de_dirindex; /* dirs: or NULL (dirindex.c) */
	int de_nsubdirs;               /* dirs: subdirectories, -1 unknown */
	bool de_chainok;               /* files: chain checked against size */
};

#define VTODE(vp)  ((struct denode *)(vp)->v_data)
#define DETOV(dep) ((dep)->de_vnode)

static inline bool
msdosfs_isdir(const struct denode *dep)
{
	return (dep->de_flag & DE_ROOT) || (dep->de_attr & ATTR_DIRECTORY);
}

/* The FAT12/16 root: fixed sectors, no cluster chain. */
static inline bool
msdosfs_isfixedroot(const struct denode *dep)
{
	return (dep->de_flag & DE_ROOT) && dep->de_pmp->pm_fatbits != 32;
}

/* The inode number of the root directory. */
#define MSDOSFS_ROOTINO 1
/* File numbers of entries without clusters: the entry position. */
#define MSDOSFS_POSINO_BASE ((uint64_t)1 << 48)

/* --- msdosfs_bpb.c: the boot sector ------------------------------------ */
int msdosfs_bpb_parse(
    struct msdosfsmount *, const uint8_t *bs, uint64_t devsize, bool quiet);
int msdosfs_bpb_read(
    struct msdosfsmount *, struct vnode *devvp, uint64_t devsize, bool quiet);

/* --- msdosfs_fat.c: the allocation table ------------------------------- */
int msdosfs_fat_init(struct msdosfsmount *);
void msdosfs_fat_done(struct msdosfsmount *);
int msdosfs_fat_get(struct msdosfsmount *, uint32_t cn, uint32_t *val);
int msdosfs_fat_readcopy(struct msdosfsmount *, unsigned copy, uint32_t first,
    uint32_t n, uint32_t *vals);
int msdosfs_fat_isend(const struct msdosfsmount *, uint32_t val);
int msdosfs_chain_map(struct msdosfsmount *, struct msdosfs_chain *,
    uint32_t lcn, uint32_t maxrun, uint32_t *pcnp, uint32_t *runp);
int msdosfs_chain_length(
    struct msdosfsmount *, uint32_t start, uint32_t max, uint32_t *np);
int msdosfs_chain_verify(struct msdosfsmount *, uint32_t start, uint32_t n);
int msdosfs_fat_alloc(
    struct msdosfsmount *, uint32_t prev, uint32_t count, uint32_t *firstp);
int msdosfs_fat_freechain(struct msdosfsmount *, uint32_t start);
int msdosfs_fat_cut(struct msdosfsmount *, uint32_t last);
int msdosfs_fat_clean(struct msdosfsmount *, bool *clean);
int msdosfs_fat_markclean(struct msdosfsmount *, bool clean);
int msdosfs_fat_update(
    struct msdosfsmount *, const uint32_t *fat, const uint32_t *changed);
int msdosfs_fsinfo_write(struct msdosfsmount *);
uint32_t msdosfs_fat_nfree(struct msdosfsmount *);

/* --- msdosfs_conv.c: names, characters and times ----------------------- */
int msdosfs_utf8_to_utf16(
    const char *, size_t, uint16_t *, size_t max, size_t *lenp);
size_t msdosfs_utf16_to_utf8(const uint16_t *, size_t, char *, size_t max);
uint16_t msdosfs_upcase(uint16_t);
uint16_t msdosfs_lowcase(uint16_t);
uint16_t msdosfs_oem2uni(int cp, uint8_t);
int msdosfs_uni2oem(int cp, uint16_t);
size_t msdosfs_sfn_decode(
    const uint8_t sfn[11], uint8_t lcase, int cp, uint16_t *out);
uint8_t msdosfs_sfn_cksum(const uint8_t sfn[11]);
int msdosfs_name_check(const uint16_t *, size_t);
/* msdosfs_sfn_make() results */
#define SFN_EXACT 0 /* the name is its own short name (maybe lcase flags) */
#define SFN_LONG  1 /* a long name with this short name */
#define SFN_TAIL  2 /* a long name; the short name needs a ~N tail */
int msdosfs_sfn_make(
    const uint16_t *, size_t, int cp, uint8_t sfn[11], uint8_t *lcase);
void msdosfs_sfn_tail(uint8_t sfn[11], const uint8_t basis[11], unsigned n);
void msdosfs_dos2unix(
    uint16_t date, uint16_t time, uint8_t cs, struct timespec *);
void msdosfs_unix2dos(
    const struct timespec *, uint16_t *date, uint16_t *time, uint8_t *cs);
int msdosfs_parse_codepage(const char *, int *);

/* --- msdosfs_denode.c: in-core nodes ----------------------------------- */
int msdosfs_deget(
    struct msdosfsmount *, const struct msdosfs_dirpos *, struct vnode **);
int msdosfs_loadvnode(
    struct mount *, struct vnode *, const void *, size_t, const void **);
int msdosfs_newvnode(struct mount *, struct vnode *, struct vnode *,
    struct vattr *, kauth_cred_t, void *, size_t *, const void **);
void msdosfs_de_free(struct denode *);
void msdosfs_de_fromentry(struct denode *, const struct direntry *);
void msdosfs_de_toentry(const struct denode *, struct direntry *);
int msdosfs_deupdat(struct denode *, bool wait);
int msdosfs_detrunc(struct denode *, uint32_t length);
int msdosfs_deextend(struct denode *, uint32_t length);
int msdosfs_de_unlink(struct denode *);
void msdosfs_de_rekey(struct denode *, const struct msdosfs_dirpos *);
uint64_t msdosfs_fileno(const struct msdosfsmount *, uint32_t startclust,
    uint32_t dirclust, uint32_t offset);
uint64_t msdosfs_de_fileno(const struct denode *);
int msdosfs_bmap_cn(struct denode *, uint32_t lcn, uint32_t maxrun,
    uint32_t *pcnp, uint32_t *runp);
int msdosfs_de_alloc(struct denode *, uint32_t nclust);
void msdosfs_de_touch(struct denode *, bool access, bool modify);
int msdosfs_clust_zero(struct msdosfsmount *, uint32_t cn, bool sync);
void msdosfs_clust_forget(struct msdosfsmount *, uint32_t cn);
int msdosfs_dir_forget(struct denode *);
extern char msdosfs_premapped;

/* --- msdosfs_dir.c: walking directories -------------------------------- */

/* One entry found by a directory walk. */
struct msdosfs_dirslot {
	uint32_t ds_offset;    /* of the short entry */
	uint32_t ds_first;     /* of the first long-name entry, or ds_offset */
	int64_t ds_blkno;      /* device block of the short entry's block */
	struct direntry ds_de; /* a copy of the short entry */
	uint16_t ds_lname[WIN_MAXSLOTS * WIN_CHARS];
	size_t ds_lnamelen; /* 0: no (valid) long name */
};

/*
 * The directory walk calls fn for each entry that is not free, a volume
 * label or "." / ".." (unless dw_dots); fn returns 0 to go on,
 * MSDOSFS_STOP to stop, or an error.  It is called with no buffer held.
 * slot_fn (if not NULL) hears of every slot: used, free, or the end mark
 * after which all slots are free (the walk stops there).
 */
#define MSDOSFS_STOP (-1000)
#define DWSLOT_USED  0
#define DWSLOT_FREE  1
#define DWSLOT_END   2
struct msdosfs_dirwalk {
	struct msdosfsmount *dw_pmp;
	struct msdosfs_chain *dw_chain; /* NULL for the fixed root */
	kmutex_t *dw_lock;              /* protects dw_chain, or NULL */
	uint32_t dw_start;              /* offset to start at */
	uint32_t dw_end;                /* offset to stop at (exclusive) */
	bool dw_dots;                   /* report "." and ".." too */
	int (*dw_fn)(struct msdosfs_dirwalk *, struct msdosfs_dirslot *);
	void (*dw_slot_fn)(struct msdosfs_dirwalk *, uint32_t off, int kind);
	void *dw_arg;
	struct msdosfs_dirslot dw_slot;
	uint32_t dw_stopped; /* where the walk ended */
	bool dw_sawend;      /* reached a SLOT_EMPTY entry */
};
void msdosfs_dirwalk_init(struct msdosfs_dirwalk *, struct denode *);
void msdosfs_dirwalk_initclust(
    struct msdosfs_dirwalk *, struct msdosfsmount *, struct msdosfs_chain *);
int msdosfs_dirwalk(struct msdosfs_dirwalk *);
int msdosfs_dirblk(struct msdosfsmount *, struct msdosfs_chain *, kmutex_t *,
    uint32_t off, daddr_t *blkno, int *bsize);
uint32_t msdosfs_de_startclust(
    const struct msdosfsmount *, const struct direntry *);
void msdosfs_de_setclust(
    const struct msdosfsmount *, struct direntry *, uint32_t);
uint32_t msdosfs_dirclust(const struct denode *);
uint32_t msdosfs_dirsize(const struct denode *);
int msdosfs_dir_isempty(struct denode *, bool *);
int msdosfs_dir_nsubdirs(struct denode *, int *);
int msdosfs_dir_parent(struct denode *, struct msdosfs_dirpos *);
int msdosfs_dir_dotdot(struct msdosfsmount *, uint32_t clust, uint32_t *);
int msdosfs_dir_setdotdot(struct denode *, uint32_t parentclust);
int msdosfs_readdir(void *);

/* --- msdosfs_lookup.c: names in directories ---------------------------- */
struct msdosfs_found {
	struct msdosfs_dirpos f_pos;
	uint32_t f_first; /* offset of the first slot of the entry */
	struct direntry f_de;
};
int msdosfs_lookup(void *);
int msdosfs_dir_find(
    struct denode *, const char *, size_t, struct msdosfs_found *);
int msdosfs_dir_add(struct denode *, const char *, size_t, struct direntry *,
    struct msdosfs_dirpos *);
int msdosfs_dir_remove(struct denode *, uint32_t first, uint32_t offset);
int msdosfs_dir_remove_saved(
    struct denode *, uint32_t first, uint32_t offset, uint8_t *saved);
int msdosfs_dir_unremove(
    struct denode *, uint32_t first, uint32_t offset, const uint8_t *saved);

/* --- msdosfs_dirindex.c: short names, names and free tail of a dir ----- */
struct msdosfs_dirindex;
uint32_t msdosfs_dirix_namehash(const uint16_t *, size_t);
struct msdosfs_dirindex *msdosfs_dirix_get(struct denode *);
bool msdosfs_dirix_maybe(struct msdosfs_dirindex *, const uint16_t *, size_t);
bool msdosfs_dirix_sfn_used(struct msdosfs_dirindex *, const uint8_t[11]);
bool msdosfs_dirix_tail(struct msdosfs_dirindex *, uint32_t *);
void msdosfs_dirix_added(struct denode *, const uint8_t[11],
    const uint16_t *lname, size_t lnamelen, uint32_t end);
void msdosfs_dirix_drop(struct denode *);

/* --- msdosfs_vnops.c, msdosfs_rdwr.c, msdosfs_rename.c ----------------- */
extern int (**msdosfs_vnodeop_p)(void *);
extern const struct vnodeopv_desc *const msdosfs_vnodeopv_descs[];
int msdosfs_read(void *);
int msdosfs_write(void *);
int msdosfs_rename(void *);
int msdosfs_dirmodified(struct denode *);

/* --- msdosfs_newfs.c, msdosfs_fsck.c ----------------------------------- */
int msdosfs_newfs(struct vnode *, const char *);
struct fsck_report;
int msdosfs_fsck(struct vnode *, const char *, struct fsck_report *);

#endif /* _MSDOSFS_MSDOSFS_H_ */
