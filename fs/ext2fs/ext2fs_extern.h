/*
 * In-core state of a mounted ext2 file system and of its inodes, and the
 * functions the ext2fs files offer each other.
 */
#ifndef _EXT2FS_EXT2FS_EXTERN_H_
#define _EXT2FS_EXT2FS_EXTERN_H_

#include "sys/param.h"
#include "sys/kauth.h"
#include "sys/lock.h"
#include "sys/uio.h"
#include "sys/vnode.h"
#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"

struct buf;
struct mount;
struct uio;
struct fsck_report;

/* A block group, decoded and checked at mount time. */
struct ext2fs_group {
	uint64_t g_block_bitmap;
	uint64_t g_inode_bitmap;
	uint64_t g_inode_table;
	uint32_t g_free_blocks;
	uint32_t g_free_inodes;
	uint32_t g_used_dirs;
	uint32_t g_itable_unused;
	uint16_t g_flags;
	/* metadata_csum: the bitmaps' checksums, once computed */
	bool g_csum_valid;
	uint32_t g_bb_csum, g_ib_csum;
};

/* Writing: the last link a file may have without dir_nlink. */
#define E2FS_LINK_MAX 65000

/* A mounted file system.  Immutable after mount while read-only. */
/* Small direct writes go through a bounce buffer of this size. */
#define E2FS_BOUNCE_MAX (64 * 1024)

struct ext2fs_mount {
	struct mount *um_mountp;
	struct vnode *um_devvp;
	uint64_t um_devsize; /* bytes */
	bool um_ronly;
	struct ext2fs_super um_sb; /* as read, little-endian */

	/* derived from the superblock */
	uint32_t um_bsize;   /* block size in bytes */
	unsigned um_bshift;  /* log2(um_bsize) */
	unsigned um_fsbtodb; /* shift from fs blocks to DEV_BSIZE units */
	uint32_t um_nindir;  /* block pointers per indirect block */
	unsigned um_nindirshift;
	uint64_t um_nblocks; /* blocks in the file system */
	uint32_t um_first_data_block;
	uint32_t um_bpg;           /* blocks per group */
	unsigned um_cluster_shift; /* log2(blocks per cluster), bigalloc */
	uint32_t um_ipg;           /* inodes per group */
	uint32_t um_ninodes;
	uint32_t um_first_ino;     /* first inode for ordinary files */
	uint32_t um_isize;         /* on-disk inode size */
	uint32_t um_ipb;           /* inodes per block */
	uint32_t um_itb_per_group; /* inode-table blocks per group */
	uint32_t um_desc_size;
	uint32_t um_ngroups;
	uint32_t um_gdb_count; /* blocks of group descriptors */
	uint64_t um_overhead;  /* blocks of the fs's own structures */
	uint32_t um_compat, um_incompat, um_rocompat;
	struct ext2fs_group *um_groups;

	/*
	 * Read-write mounts.  um_lock guards the allocation maps, the
	 * group counters, um_sb and the dirty marks below.  It is never
	 * taken while holding a buffer busy (an eviction inside the
	 * allocator may have to wait for that buffer), and never by
	 * VOP_STRATEGY.
	 */
	kmutex_t um_lock;
	bool um_fmod;          /* superblock and descriptors to write */
	uint64_t um_nfreeblks; /* the sums of the groups' counts */
	uint32_t um_nfreeinos;
	uint8_t *um_gddirty;     /* per block of descriptors */
	uint16_t um_mntstate;    /* s_state at mount: restored at unmount */
	uint32_t um_gen;         /* next inode generation */
	uint32_t um_dirrotor;    /* where the next directory search starts */
	unsigned um_extra_isize; /* i_extra_isize of new inodes */
	bool um_gdt_csum;        /* group descriptors carry checksums */
	bool um_meta_csum;       /* metadata_csum */
	uint32_t um_csum_seed;   /* crc32c of the uuid (metadata_csum) */
	bool um_extents;         /* new files get extent trees */
	void *um_bounce; /* a spare bounce buffer of small direct writes */
};

/* The in-core inode: the private data of an ext2fs vnode. */
struct ext2fs_inode {
	ino_t i_number; /* the vnode-cache key */
	struct vnode *i_vnode;
	struct ext2fs_mount *i_ump;

	/* decoded from the dinode at load */
	uint16_t i_mode;
	uint32_t i_flags;
	uint64_t i_size;
	uint32_t i_nlink;
	uid_t i_uid;
	gid_t i_gid;
	unsigned i_extra_isize; /* 0 for 128-byte inodes */
	/* inline data: the "system.data" value within i_din, if any */
	uint32_t i_inline_off;
	uint32_t i_inline_len;

	daddr_t i_nextr; /* block after the last one read (read-ahead) */
	off_t i_diroff;  /* where the last lookup found its name */

	/* writing; under the vnode lock */
	unsigned i_flag;
#define IN_MODIFIED 0x01    /* the in-core inode differs from the disk's */
#define IN_FREED    0x02    /* its blocks and number were given back */
	daddr_t i_lastlbn;  /* the block allocated last, and where: the */
	uint64_t i_lastpbn; /* next one goes after it */
	daddr_t i_dirhint;  /* directory block where space was last found */

	/* the on-disk inode, at least sizeof(*i_din) bytes, zero padded */
	struct ext2fs_dinode *i_din;
	size_t i_dinsize;
};

#define VFSTOEXT2(mp) ((struct ext2fs_mount *)(mp)->mnt_data)
#define VTOI(vp)      ((struct ext2fs_inode *)(vp)->v_data)
#define ITOV(ip)      ((ip)->i_vnode)

#define E2FS_HAS_COMPAT(ump, f)   (((ump)->um_compat & (f)) != 0)
#define E2FS_HAS_INCOMPAT(ump, f) (((ump)->um_incompat & (f)) != 0)
#define E2FS_HAS_ROCOMPAT(ump, f) (((ump)->um_rocompat & (f)) != 0)

/* fs blocks <-> DEV_BSIZE device units, bytes <-> logical blocks */
#define E2FS_FSBTODB(ump, b)     ((daddr_t)(b) << (ump)->um_fsbtodb)
#define E2FS_LBLKNO(ump, off)    ((daddr_t)((off) >> (ump)->um_bshift))
#define E2FS_LBLKTOOFF(ump, lbn) ((off_t)(lbn) << (ump)->um_bshift)
#define E2FS_BLKOFF(ump, off)    ((size_t)((off) & ((ump)->um_bsize - 1)))

/* ext4 logical block numbers are 32 bits wide. */
#define E2FS_MAX_LBLK ((daddr_t)UINT32_MAX)
/* Bound on VOP_BMAP's run, so one transfer stays modest. */
#define E2FS_MAXRUN_BYTES (1024 * 1024)

#define E2FS_FSNAME "ext2fs"

/* ext2fs_subr.c: superblock, group descriptors, metadata blocks */
uint64_t ext2fs_group_first_block(const struct ext2fs_mount *, uint32_t g);
uint64_t ext2fs_group_super_blocks(const struct ext2fs_mount *, uint32_t g);
uint64_t ext2fs_descblk_loc(const struct ext2fs_mount *, uint32_t descblk);
int ext2fs_sb_check(struct ext2fs_mount *, uint64_t devsize);
int ext2fs_groups_load(struct ext2fs_mount *);
void ext2fs_groups_free(struct ext2fs_mount *);
bool ext2fs_group_has_super(const struct ext2fs_mount *, uint32_t group);
bool ext2fs_blk_valid(const struct ext2fs_mount *, uint64_t blk);
int ext2fs_bread(struct ext2fs_mount *, uint64_t blk, struct buf **);
uint64_t ext2fs_overhead(const struct ext2fs_mount *);

/* ext2fs_super.c: read-write mounts, writing superblock and descriptors */
int ext2fs_rw_check(const struct ext2fs_mount *, bool force);
void ext2fs_rw_init(struct ext2fs_mount *);
void ext2fs_rw_done(struct ext2fs_mount *);
void ext2fs_gd_dirty(struct ext2fs_mount *, uint32_t g);
int ext2fs_sbupdate(struct ext2fs_mount *, bool waitfor);

/* ext2fs_alloc.c: blocks and inodes */
uint32_t ext2fs_group_nblocks(const struct ext2fs_mount *, uint32_t g);
uint32_t ext2fs_ino_group(const struct ext2fs_mount *, ino_t);
void ext2fs_block_bitmap_build(
    const struct ext2fs_mount *, uint32_t g, uint8_t *map);
int ext2fs_block_bitmap(struct ext2fs_mount *, uint32_t g, struct buf **);
int ext2fs_inode_bitmap(struct ext2fs_mount *, uint32_t g, struct buf **);
int ext2fs_blkalloc(
    struct ext2fs_inode *, uint64_t goal, kauth_cred_t, uint64_t *bnp);
void ext2fs_blkfree(struct ext2fs_mount *, uint64_t blk);
int ext2fs_inoalloc(struct ext2fs_inode *dp, bool isdir, ino_t *inop);
void ext2fs_inofree(struct ext2fs_mount *, ino_t, bool isdir);

/* ext2fs_balloc.c: mapping blocks for writing */
uint64_t ext2fs_blkpref(
    const struct ext2fs_inode *, daddr_t lbn, uint64_t near);
int ext2fs_balloc(struct ext2fs_inode *, daddr_t lbn, kauth_cred_t,
    uint64_t *pbnp, bool *newp);

/* ext2fs_truncate.c */
int ext2fs_truncate(struct ext2fs_inode *, uint64_t size, kauth_cred_t);
int ext2fs_xattr_release(struct ext2fs_inode *);

/* ext2fs_csum.c: checksums of metadata_csum and gdt_csum */
void ext2fs_csum_tables_init(void);
uint32_t ext2fs_crc32c(uint32_t crc, const void *, size_t);
void ext2fs_csum_init(struct ext2fs_mount *);
void ext2fs_sb_csum_set(struct ext2fs_mount *);
void ext2fs_gd_csum_set(struct ext2fs_mount *, uint32_t g, uint8_t *raw);
void ext2fs_bitmap_csums(struct ext2fs_mount *, uint32_t g);
void ext2fs_inode_csum_set(struct ext2fs_mount *, ino_t, uint8_t *raw);
bool ext2fs_dirtail_present(const struct ext2fs_mount *, const uint8_t *);
size_t ext2fs_dirblk_len(const struct ext2fs_mount *, const uint8_t *);
void ext2fs_dirtail_init(const struct ext2fs_mount *, uint8_t *blk);
void ext2fs_dirblk_csum_set(const struct ext2fs_inode *, uint8_t *blk);
void ext2fs_extblk_csum_set(const struct ext2fs_inode *, uint8_t *blk);
void ext2fs_xattrblk_csum_set(
    const struct ext2fs_mount *, uint64_t bno, uint8_t *blk);

/* ext2fs_newfs.c, ext2fs_fsck.c */
int ext2fs_newfs(struct vnode *devvp, const char *options);
int ext2fs_fsck(
    struct vnode *devvp, const char *options, struct fsck_report *fr);

/* ext2fs_inode.c: reading and decoding inodes */
int ext2fs_ino_check(const struct ext2fs_mount *, ino_t);
int ext2fs_dinode_read(struct ext2fs_mount *, ino_t, void *buf);
int ext2fs_inode_load(struct ext2fs_mount *, ino_t, struct ext2fs_inode **);
void ext2fs_inode_free(struct ext2fs_inode *);
enum vtype ext2fs_mode2vtype(uint16_t mode);
uint64_t ext2fs_inode_nbytes(const struct ext2fs_inode *);
void ext2fs_inode_times(const struct ext2fs_inode *, struct vattr *);
dev_t ext2fs_inode_rdev(const struct ext2fs_inode *);
bool ext2fs_is_fastlink(const struct ext2fs_inode *);
bool ext2fs_has_blockmap(const struct ext2fs_inode *);
uint64_t ext2fs_maxsize(const struct ext2fs_inode *);
int ext2fs_update(struct ext2fs_inode *, bool waitfor);
#define E2FS_ATIME  0x1
#define E2FS_MTIME  0x2
#define E2FS_CTIME  0x4
#define E2FS_CRTIME 0x8
void ext2fs_settimes(
    struct ext2fs_inode *, unsigned which, const struct timespec *);
void ext2fs_itimes(struct ext2fs_inode *, unsigned which);
void ext2fs_blocks_add(struct ext2fs_inode *, int64_t n);
void ext2fs_inode_setrdev(struct ext2fs_inode *, dev_t);
struct ext2fs_inode *ext2fs_inode_create(
    struct ext2fs_mount *, ino_t, uint16_t mode, uid_t, gid_t);

/* ext2fs_bmap.c: logical -> physical blocks (fs-block units, -1: hole) */
int ext2fs_blkmap(struct ext2fs_inode *, daddr_t lbn, daddr_t *pbn, int *runp);
int ext2fs_bmap(void *);
int ext2fs_bmap_ind(
    struct ext2fs_inode *, daddr_t lbn, daddr_t *pbn, int *runp);
int ext2fs_maxrun(const struct ext2fs_mount *);
int ext2fs_ind_path(
    const struct ext2fs_mount *, daddr_t lbn, unsigned path[1 + E2FS_NIADDR]);

/* ext2fs_extents.c */
int ext2fs_ext_check_root(const struct ext2fs_inode *);
int ext2fs_ext_bmap(
    struct ext2fs_inode *, daddr_t lbn, daddr_t *pbn, int *runp);
void ext2fs_ext_init(struct ext2fs_inode *);
int ext2fs_ext_balloc(struct ext2fs_inode *, daddr_t lbn, kauth_cred_t,
    uint64_t *pbnp, bool *newp);
int ext2fs_ext_truncate(struct ext2fs_inode *, uint64_t nb, kauth_cred_t);

/* ext2fs_inline.c: data kept inside the inode (inline_data) */
int ext2fs_inline_locate(struct ext2fs_inode *);
size_t ext2fs_inline_size(const struct ext2fs_inode *);
int ext2fs_inline_read(struct ext2fs_inode *, struct uio *);
const uint8_t *ext2fs_inline_value(const struct ext2fs_inode *);

/* ext2fs_lookup.c: directories */
struct ext2fs_dirent_info {
	off_t de_off;     /* cookie of this entry */
	off_t de_nextoff; /* cookie of the entry after it */
	ino_t de_ino;     /* 0: unused space (E2FS_DIRWALK_EMPTY only) */
	unsigned de_namlen;
	uint8_t de_type; /* EXT2_FT_*; EXT2_FT_UNKNOWN without filetype */
	const char *de_name;
	/* for walks that change the directory (E2FS_DIRWALK_WRITE) */
	uint8_t *de_chunk; /* the records of this block */
	size_t de_pos;     /* of this record in de_chunk */
	size_t de_prevpos; /* of the record before it, or SIZE_MAX */
	size_t de_reclen;
	bool *de_dirty; /* set it to have the block written */
};
/*
 * Called for each used entry; returns 0 to go on, or a value that stops
 * the walk and is returned by ext2fs_dir_iterate (EJUSTRETURN: found).
 */
typedef int ext2fs_dir_cb(void *arg, const struct ext2fs_dirent_info *);
int ext2fs_dir_iterate(
    struct ext2fs_inode *, off_t start, ext2fs_dir_cb *, void *arg);
#define E2FS_DIRWALK_EMPTY 0x1 /* call back for unused records too */
#define E2FS_DIRWALK_WRITE 0x2 /* the callback may change the block */
int ext2fs_dir_walk(
    struct ext2fs_inode *, off_t start, int flags, ext2fs_dir_cb *, void *arg);
/* The walk over the records of one block (data[0..len) at offset base). */
int ext2fs_dir_chunk(struct ext2fs_inode *, uint8_t *data, size_t len,
    off_t base, off_t start, int flags, bool *dirty, ext2fs_dir_cb *,
    void *arg);
size_t ext2fs_dir_reclen(const struct ext2fs_mount *, uint16_t raw);
uint16_t ext2fs_dir_reclen_enc(const struct ext2fs_mount *, size_t len);
int ext2fs_dir_find(
    struct ext2fs_inode *, const char *name, size_t namelen, ino_t *inop);
int ext2fs_lookup(void *);
int ext2fs_readdir(void *);

/* ext2fs_dirops.c: changing directories */
int ext2fs_direnter(struct ext2fs_inode *dp, ino_t, uint16_t mode,
    const char *name, size_t namelen, kauth_cred_t);
int ext2fs_dirremove(
    struct ext2fs_inode *dp, const char *name, size_t namelen, ino_t);
int ext2fs_dirrewrite(struct ext2fs_inode *dp, const char *name, size_t namelen,
    ino_t oldino, ino_t newino, uint16_t newmode);
int ext2fs_dirempty(struct ext2fs_inode *, bool *emptyp);
int ext2fs_dir_nsubdirs(struct ext2fs_inode *, unsigned *np);
int ext2fs_dir_setparent(struct ext2fs_inode *, ino_t parent);
int ext2fs_dirinit(struct ext2fs_inode *, ino_t parent, kauth_cred_t);

/* ext2fs_namei.c: the operations that change names */
int ext2fs_create(void *);
int ext2fs_mknod(void *);
int ext2fs_mkdir(void *);
int ext2fs_symlink(void *);
int ext2fs_remove(void *);
int ext2fs_rmdir(void *);
int ext2fs_link(void *);
int ext2fs_rename(void *);

/* ext2fs_readwrite.c */
int ext2fs_read(void *);
int ext2fs_read_uio(struct ext2fs_inode *, struct uio *);
int ext2fs_write(void *);
int ext2fs_setsize(struct ext2fs_inode *, uint64_t size);
void ext2fs_buf_mapped(struct ext2fs_inode *, struct buf *, uint64_t pbn);
bool ext2fs_buf_ismapped(const struct buf *);

/* ext2fs_vnops.c */
extern int (**ext2fs_vnodeop_p)(void *);
extern int (**ext2fs_specop_p)(void *);
extern const struct vnodeopv_desc *const ext2fs_vnodeopv_descs[];
bool ext2fs_is_fsnode(const struct vnode *);
int ext2fs_sync_meta(struct ext2fs_mount *);
int ext2fs_getattr(void *);
int ext2fs_setattr(void *);
int ext2fs_access(void *);
int ext2fs_readlink(void *);
int ext2fs_open(void *);
int ext2fs_close(void *);
int ext2fs_inactive(void *);
int ext2fs_reclaim(void *);
int ext2fs_pathconf(void *);
int ext2fs_strategy(void *);
int ext2fs_print(void *);
int ext2fs_fsync(void *);

#endif /* _EXT2FS_EXT2FS_EXTERN_H_ */
