/*
 * What the UFS layer knows about a mounted file system: geometry that the
 * shared code (block maps, directories, inodes) needs, and the operations
 * each file system (ffs, lfs) supplies for what it does its own way.
 */
#ifndef _UFS_UFSMOUNT_H_
#define _UFS_UFSMOUNT_H_

#include "sys/param.h"
#include "sys/lock.h"
#include "sys/kauth.h"

struct buf;
struct inode;
struct mount;
struct vnode;

struct ufs_ops {
	/* the operation vectors of files and of device nodes and fifos */
	int (***uo_vnodeop_p)(void *);
	int (***uo_specop_p)(void *);
	/*
	 * Make the block holding [off, off + size) of ip exist and be big
	 * enough; *bpp is its buffer on the file's vnode, busy.  With
	 * UFS_BALLOC_CLRBUF the bytes outside the range are valid (read or
	 * zeroed); without it the caller fills the whole block.
	 */
	int (*uo_balloc)(struct inode *, off_t off, int size, kauth_cred_t,
	    int flags, struct buf **bpp);
	/* Shrink or grow ip to length bytes, freeing what lies beyond. */
	int (*uo_truncate)(struct inode *, off_t length, kauth_cred_t);
	/* Write the in-core inode to its on-disk slot (UFS_UPDATE_WAIT). */
	int (*uo_update)(struct inode *, int flags);
	/* Give inode ip, which had this mode, back to the free pool. */
	int (*uo_vfree)(struct inode *, uint16_t mode);
};
#define UFS_BALLOC_CLRBUF 0x01
#define UFS_UPDATE_WAIT   0x01

struct ufsmount {
	struct mount *um_mountp;
	struct vnode *um_devvp;
	const struct ufs_ops *um_ops;
	const char *um_fsname; /* for messages */
	kmutex_t um_lock;      /* allocation maps and free counts */
	bool um_ronly;
	bool um_needswap;  /* image byte order is not the host's */
	bool um_ufs2;      /* 64-bit pointers, 256-byte inodes */
	bool um_oldfmt;    /* 4.2BSD inodes and directory entries */
	bool um_blkalign;  /* a block's fragments never cross a block */
	bool um_nodirectread; /* reads always go through the file's cache */
	bool um_ordered;   /* metadata written in dependency order (ffs) */
	uint32_t um_bsize; /* block size */
	unsigned um_bshift;
	uint32_t um_fsize; /* fragment size: the unit of addresses */
	unsigned um_fshift;
	uint32_t um_frag;    /* fragments per block */
	unsigned um_fsbtodb; /* fragments -> DEV_BSIZE units */
	uint32_t um_nindir;  /* pointers per indirect block */
	unsigned um_nindirshift;
	uint64_t um_nfrags;        /* addresses lie below this */
	uint64_t um_ninodes;       /* inode numbers lie below this */
	uint32_t um_maxsymlinklen; /* longest link target kept in the inode */
	uint64_t um_maxfilesize;
	uint32_t um_dinodesize; /* 128 or 256 */
	void *um_fs;            /* the file system's own state */
};

#define VFSTOUFS(mp) ((struct ufsmount *)(mp)->mnt_data)

/* fragments and blocks, bytes and logical blocks */
#define UFS_FSBTODB(ump, b)    ((daddr_t)(b) << (ump)->um_fsbtodb)
#define UFS_LBLKNO(ump, off)   ((daddr_t)((off) >> (ump)->um_bshift))
#define UFS_LBLKTOSIZE(ump, b) ((off_t)(b) << (ump)->um_bshift)
#define UFS_BLKOFF(ump, off)   ((size_t)((off) & ((ump)->um_bsize - 1)))
#define UFS_FRAGROUNDUP(ump, n)                                                \
	(((n) + (ump)->um_fsize - 1) & ~(uint64_t)((ump)->um_fsize - 1))
#define UFS_NUMFRAGS(ump, n) ((n) >> (ump)->um_fshift)

/* Bound on VOP_BMAP's run, so one transfer stays modest. */
#define UFS_MAXRUN_BYTES (1024 * 1024)

#endif /* _UFS_UFSMOUNT_H_ */
