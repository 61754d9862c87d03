/*
 * The buffer cache.  A buffer holds one block of a vnode: for a device
 * vnode, b_lblkno is the disk address in DEV_BSIZE units; for a file,
 * b_lblkno is the logical block and VOP_STRATEGY maps it (VOP_BMAP) to
 * b_blkno on the device.  Buffers are found by (vnode, b_lblkno), kept on
 * an LRU list when not busy, and the total memory they hold is bounded.
 */
#ifndef _SYS_BUF_H_
#define _SYS_BUF_H_

#include "sys/param.h"
#include "sys/queue.h"

struct vnode;

struct buf {
	unsigned b_flags;
#define B_BUSY	  0x0001 /* owned by one thread */
#define B_DONE	  0x0002 /* contents valid */
#define B_DELWRI  0x0004 /* dirty: write before reuse */
#define B_INVAL	  0x0008 /* do not cache after release */
#define B_READ	  0x0010 /* the transfer is a read */
#define B_ERROR	  0x0020
#define B_AGE	  0x0040 /* reuse soon */
#define B_WANTED  0x0080 /* somebody sleeps for B_BUSY */
#define B_NOCACHE 0x0100 /* do not keep after release */
#define B_META	  0x0200 /* metadata: written before data on sync */
#define B_GATHER  0x0400 /* a plugged write may keep b_data till the unplug */
	int b_error;
	size_t b_bcount;  /* bytes requested / valid */
	size_t b_bufsize; /* bytes allocated */
	size_t b_resid;	  /* bytes not transferred */
	void *b_data;
	daddr_t b_lblkno; /* block of the vnode */
	daddr_t b_blkno;  /* block on the device, DEV_BSIZE units (-1: hole) */
	struct vnode *b_vp;
	LIST_ENTRY(buf) b_hash;
	LIST_ENTRY(buf) b_vnbufs;
	TAILQ_ENTRY(buf) b_freelist;
	void *b_private;
};

/* bread flags */
#define B_MODIFY 0x1 /* caller will change the block */

int bread(struct vnode *, daddr_t, int size, int flags, struct buf **);
/* bread plus asynchronous-ish read-ahead of the given blocks */
int breadn(struct vnode *, daddr_t, int size, const daddr_t *rablks,
    const int *rasizes, int nrablks, int flags, struct buf **);
struct buf *getblk(struct vnode *, daddr_t, int size);
struct buf *incore(struct vnode *, daddr_t);
void brelse(struct buf *, int set);
int bwrite(struct buf *);
void bdwrite(struct buf *);
void bawrite(struct buf *);
void biodone(struct buf *);
int biowait(struct buf *);
/* Write all dirty buffers of a vnode. */
int vflushbuf(struct vnode *, int flags);
/* Throw away the vnode's buffers, writing dirty ones first if save. */
int vinvalbuf(struct vnode *, bool save);
/* Drop buffers of the vnode at or past lblkno (after truncation). */
void vtruncbuf(struct vnode *, daddr_t lblkno);
/*
 * The vnode's file is closed: its clean buffers are reused first, its
 * dirty data is written behind in batches gathered across files.
 */
void vagebuf(struct vnode *);
/* Write the closed files' dirty data now, in device order (sync). */
void buf_flushbehind(void);
void bufinit(void);
/* Configured limit and current use of buffer memory, in bytes. */
size_t buf_memlimit(void);
size_t buf_meminuse(void);

#endif /* _SYS_BUF_H_ */
