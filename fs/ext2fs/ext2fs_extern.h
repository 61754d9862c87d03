/*
 * In-core state of a mounted ext2 file system and of its inodes, and the
 * functions the ext2fs files offer each other.
 */
#ifndef _EXT2FS_EXT2FS_EXTERN_H_
#define _EXT2FS_EXT2FS_EXTERN_H_

#include "sys/param.h"
#include "sys/uio.h"
#include "sys/vnode.h"
#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"

struct buf;
struct mount;
struct uio;

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
};

/* A mounted file system.  Immutable after mount while read-only. */
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
int ext2fs_sb_check(struct ext2fs_mount *, uint64_t devsize);
int ext2fs_groups_load(struct ext2fs_mount *);
void ext2fs_groups_free(struct ext2fs_mount *);
bool ext2fs_group_has_super(const struct ext2fs_mount *, uint32_t group);
bool ext2fs_blk_valid(const struct ext2fs_mount *, uint64_t blk);
int ext2fs_bread(struct ext2fs_mount *, uint64_t blk, struct buf **);
uint64_t ext2fs_overhead(const struct ext2fs_mount *);

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

/* ext2fs_bmap.c: logical -> physical blocks (fs-block units, -1: hole) */
int ext2fs_blkmap(struct ext2fs_inode *, daddr_t lbn, daddr_t *pbn, int *runp);
int ext2fs_bmap(void *);
int ext2fs_bmap_ind(
    struct ext2fs_inode *, daddr_t lbn, daddr_t *pbn, int *runp);
int ext2fs_maxrun(const struct ext2fs_mount *);

/* ext2fs_extents.c */
int ext2fs_ext_check_root(const struct ext2fs_inode *);
int ext2fs_ext_bmap(
    struct ext2fs_inode *, daddr_t lbn, daddr_t *pbn, int *runp);

/* ext2fs_inline.c: data kept inside the inode (inline_data) */
int ext2fs_inline_locate(struct ext2fs_inode *);
size_t ext2fs_inline_size(const struct ext2fs_inode *);
int ext2fs_inline_read(struct ext2fs_inode *, struct uio *);
const uint8_t *ext2fs_inline_value(const struct ext2fs_inode *);

/* ext2fs_lookup.c: directories */
struct ext2fs_dirent_info {
	off_t de_off;     /* cookie of this entry */
	off_t de_nextoff; /* cookie of the entry after it */
	ino_t de_ino;
	unsigned de_namlen;
	uint8_t de_type; /* EXT2_FT_*; EXT2_FT_UNKNOWN without filetype */
	const char *de_name;
};
/*
 * Called for each used entry; returns 0 to go on, or a value that stops
 * the walk and is returned by ext2fs_dir_iterate (EJUSTRETURN: found).
 */
typedef int ext2fs_dir_cb(void *arg, const struct ext2fs_dirent_info *);
int ext2fs_dir_iterate(
    struct ext2fs_inode *, off_t start, ext2fs_dir_cb *, void *arg);
int ext2fs_lookup(void *);
int ext2fs_readdir(void *);

/* ext2fs_readwrite.c */
int ext2fs_read(void *);
int ext2fs_read_uio(struct ext2fs_inode *, struct uio *);

/* ext2fs_vnops.c */
extern int (**ext2fs_vnodeop_p)(void *);
extern int (**ext2fs_specop_p)(void *);
extern const struct vnodeopv_desc *const ext2fs_vnodeopv_descs[];
int ext2fs_getattr(void *);
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
