/*
 * The buffer cache: blocks of vnodes kept in memory, found by (vnode,
 * logical block), written back lazily, bounded in total size.
 *
 * One mutex (bufcache_lock) protects the hash, the LRU lists, every
 * vnode's buffer list and dirty count, the memory totals, and the cache's
 * own view of each buffer (busy, dirty) kept in a private wrapper, struct
 * cbuf.  b_flags belongs to whoever owns the buffer (holds it busy), who
 * may change it without the lock; nobody else reads or writes it.  So a
 * thread that waits for a busy buffer counts itself in bufcache_nwaiters
 * rather than setting B_WANTED, and no update of the owner's can be lost.
 * B_BUSY and B_DELWRI in b_flags mirror the private state for the owner.
 *
 * I/O is synchronous: VOP_STRATEGY has finished the transfer when it
 * returns.  It is never called with the lock held, since it may block on
 * the host and may read through the cache itself (a file's strategy maps
 * blocks through indirect blocks of the device vnode).  The buffer is
 * marked busy, the lock dropped, the I/O done and the lock retaken.
 *
 * Buffers that are not busy wait on one of two LRU lists, clean or dirty.
 * When memory is needed the oldest clean buffer goes first, as dropping it
 * costs nothing; dirty ones are written and dropped once they hold more
 * than half the limit or no clean buffer is left.
 *
 * A file that nobody has open any more (its vnode went inactive) has its
 * clean buffers moved to the head of the clean list and marked aged, as
 * B_AGE does.  A new block takes over the memory of an aged buffer of its
 * size before the cache grows, and of the clean victim when it is full,
 * rather than free one buffer and allocate another: a stream of files
 * read once (an extraction) then runs in a few buffers' memory, the
 * cache keeps what is still in use, and no buffer memory goes back and
 * forth to the host allocator.
 *
 * Dirty data of a closed file waits on a third list, behind: once a
 * batch of it has gathered it is written (write-behind), sorted by device
 * address so that the small files of a copy-in, which lie side by side
 * on the device, go out in a few large writes, and its buffers become
 * aged clean ones that the next blocks reuse.  A stream of files written
 * once so runs in a few batches' memory instead of filling the cache.
 *
 * A thread that holds buffers busy never writes a dirty victim back: the
 * victim's strategy may have to read a block (an indirect block, say) that
 * this very thread holds, and would wait for it forever.  Such a thread
 * takes clean victims only, and when there are none it goes over the
 * limit for a moment; the next thread that holds nothing writes back.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/uio.h" /* vnode.h uses enum uio_rw */
#include "sys/vnode.h"

#include "sys/etfs.h"
#include "rumpvfs_if_priv.h"

#define BUFCACHE_DEFAULT_MB 64
#define BUFCACHE_MINMEM     ((size_t)4 << 20)
#define BUFHASH_MINSIZE     1024
#define BUFHASH_MAXSIZE     ((size_t)1 << 24)
/* Write clustering: a file's run of dirty blocks written in one go. */
#define CLUSTER_MAXBUFS  256
#define CLUSTER_MAXBYTES ((size_t)1 << 20)
/* Write-behind: a batch of closed files' dirty data, at most this much. */
#define BEHIND_MAXBUFS	 1024
#define BEHIND_MAXBYTES	 ((size_t)4 << 20)
/* Larger than any block a file system uses; bigger requests are damage. */
#define BUF_MAXSIZE (1 << 24)

/* Every cached buffer is one of these; struct buf comes first. */
struct cbuf {
	struct buf cb_buf;
	unsigned cb_state;
#define CB_BUSY  0x1 /* owned by a thread, off the LRU lists */
#define CB_DIRTY 0x2 /* counted in v_ndirty and bufcache_dirtymem */
#define CB_AGED  0x4 /* clean: at the head of the clean list, reuse first;
			 * dirty: of a closed file, on the behind list */
#define CB_WRITING 0x8 /* being written, no longer dirty: fsync waits */
};
#define CB(bp) ((struct cbuf *)(bp))

LIST_HEAD(bufhashhead, buf);
TAILQ_HEAD(buflru, buf);

static kmutex_t bufcache_lock;
static kcondvar_t bufcache_cv;
static unsigned bufcache_nwaiters;

static struct bufhashhead *bufhash;
static size_t bufhash_mask;
static size_t bufcache_nbufs;

static struct buflru buflru_clean;
static struct buflru buflru_dirty;
static struct buflru buflru_behind; /* dirty data of closed files */

static size_t bufcache_limit;
static size_t bufcache_inuse;    /* sum of b_bufsize */
static size_t bufcache_dirtymem; /* sum of b_bufsize of CB_DIRTY buffers */
static size_t bufcache_behindmem; /* the part of it on buflru_behind */

/* Buffers this thread holds busy (I/O is synchronous: taker releases). */
static _Thread_local unsigned buf_nheld;

static size_t
bufhash_index(const struct vnode *vp, daddr_t lblkno)
{
	uint64_t x;

	x = (uint64_t)(uintptr_t)vp ^
	    ((uint64_t)lblkno * UINT64_C(0x9e3779b97f4a7c15));
	x ^= x >> 31;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 29;
	return (size_t)x & bufhash_mask;
}

static struct buf *
bufhash_lookup_locked(const struct vnode *vp, daddr_t lblkno)
{
	struct buf *bp;

	/* a file just made has none: no walk over others' buffers */
	if (LIST_EMPTY(&vp->v_bufs))
		return NULL;
	LIST_FOREACH(bp, &bufhash[bufhash_index(vp, lblkno)], b_hash)
	{
		if (bp->b_vp == vp && bp->b_lblkno == lblkno)
			return bp;
	}
	return NULL;
}

/* Double the hash table; amortised O(1) per buffer ever allocated. */
static void
bufhash_grow_locked(void)
{
	struct bufhashhead *old = bufhash;
	size_t oldn = bufhash_mask + 1, newn = oldn * 2, i;
	struct buf *bp;

	bufhash = kmem_alloc(newn * sizeof(*bufhash), KM_SLEEP);
	for (i = 0; i < newn; i++)
		LIST_INIT(&bufhash[i]);
	bufhash_mask = newn - 1;
	for (i = 0; i < oldn; i++) {
		while ((bp = LIST_FIRST(&old[i])) != NULL) {
			LIST_REMOVE(bp, b_hash);
			LIST_INSERT_HEAD(
			    &bufhash[bufhash_index(bp->b_vp, bp->b_lblkno)], bp,
			    b_hash);
		}
	}
	kmem_free(old, oldn * sizeof(*old));
}

static void
buf_wait_locked(void)
{
	bufcache_nwaiters++;
	cv_wait(&bufcache_cv, &bufcache_lock);
	bufcache_nwaiters--;
}

static void
buf_wakeup_locked(void)
{
	if (bufcache_nwaiters > 0)
		cv_broadcast(&bufcache_cv);
}

static struct buflru *
buf_lru(struct buf *bp)
{
	if (CB(bp)->cb_state & CB_DIRTY)
		return (CB(bp)->cb_state & CB_AGED) ? &buflru_behind
						    : &buflru_dirty;
	return &buflru_clean;
}

/* The oldest idle dirty buffer: closed files' data before the rest. */
static struct buf *
buf_firstdirty_locked(void)
{
	struct buf *bp = TAILQ_FIRST(&buflru_behind);

	return bp != NULL ? bp : TAILQ_FIRST(&buflru_dirty);
}

/* Make an idle buffer ours: busy and off its LRU list. */
static void
buf_take_locked(struct buf *bp)
{
	KASSERT(!(CB(bp)->cb_state & CB_BUSY));
	TAILQ_REMOVE(buf_lru(bp), bp, b_freelist);
	if ((CB(bp)->cb_state & (CB_DIRTY | CB_AGED)) == (CB_DIRTY | CB_AGED))
		bufcache_behindmem -= bp->b_bufsize;
	CB(bp)->cb_state = (CB(bp)->cb_state & ~CB_AGED) | CB_BUSY;
	bp->b_flags |= B_BUSY;
	buf_nheld++;
}

/* Dirtiness changes only while the buffer is busy (off the LRU lists). */
static void
buf_setdirty_locked(struct buf *bp)
{
	KASSERT(CB(bp)->cb_state & CB_BUSY);
	bp->b_flags |= B_DELWRI;
	if (CB(bp)->cb_state & CB_DIRTY)
		return;
	CB(bp)->cb_state |= CB_DIRTY;
	bp->b_vp->v_ndirty++;
	bufcache_dirtymem += bp->b_bufsize;
}

static void
buf_clrdirty_locked(struct buf *bp)
{
	KASSERT(CB(bp)->cb_state & CB_BUSY);
	bp->b_flags &= ~B_DELWRI;
	if (!(CB(bp)->cb_state & CB_DIRTY))
		return;
	CB(bp)->cb_state &= ~CB_DIRTY;
	KASSERT(bp->b_vp->v_ndirty > 0);
	bp->b_vp->v_ndirty--;
	bufcache_dirtymem -= bp->b_bufsize;
}

static void buf_free_locked(struct buf *bp);
static struct buf *buf_victim_locked(void);

static struct buf *
buf_alloc_locked(struct vnode *vp, daddr_t lblkno, size_t size)
{
	struct cbuf *cb;
	struct buf *bp;

	cb = kmem_zalloc(sizeof(*cb), KM_SLEEP);
	cb->cb_state = CB_BUSY;
	bp = &cb->cb_buf;
	bp->b_data = kmem_alloc(size, KM_SLEEP);
	bp->b_flags = B_BUSY;
	bp->b_bcount = size;
	bp->b_bufsize = size;
	bp->b_vp = vp;
	bp->b_lblkno = lblkno;
	bp->b_blkno = lblkno;
	LIST_INSERT_HEAD(&bufhash[bufhash_index(vp, lblkno)], bp, b_hash);
	LIST_INSERT_HEAD(&vp->v_bufs, bp, b_vnbufs);
	bufcache_inuse += size;
	buf_nheld++;
	if (++bufcache_nbufs > 2 * (bufhash_mask + 1) &&
	    bufhash_mask + 1 < BUFHASH_MAXSIZE)
		bufhash_grow_locked();
	return bp;
}

/*
 * A new block in the memory of a buffer we own (taken, clean): it leaves
 * its old vnode and block for the new ones, as if just allocated.
 */
static struct buf *
buf_reuse_locked(struct buf *bp, struct vnode *vp, daddr_t lblkno)
{
	struct cbuf *cb = CB(bp);
	size_t size = bp->b_bufsize;
	void *data = bp->b_data;

	KASSERT(cb->cb_state == CB_BUSY);
	LIST_REMOVE(bp, b_hash);
	LIST_REMOVE(bp, b_vnbufs);
	memset(cb, 0, sizeof(*cb));
	cb->cb_state = CB_BUSY;
	bp->b_data = data;
	bp->b_flags = B_BUSY;
	bp->b_bcount = size;
	bp->b_bufsize = size;
	bp->b_vp = vp;
	bp->b_lblkno = lblkno;
	bp->b_blkno = lblkno;
	LIST_INSERT_HEAD(&bufhash[bufhash_index(vp, lblkno)], bp, b_hash);
	LIST_INSERT_HEAD(&vp->v_bufs, bp, b_vnbufs);
	return bp;
}

/*
 * A buffer for a new block without new memory: the first clean buffer,
 * when it has the size and is aged, or is the victim anyway because the
 * block does not fit.  An aged buffer of another size is freed, so that
 * aged memory goes before the cache grows.  NULL: allocate.
 */
static struct buf *
buf_recycle_locked(struct vnode *vp, daddr_t lblkno, size_t size)
{
	struct buf *bp = TAILQ_FIRST(&buflru_clean);
	bool aged;

	if (bp == NULL)
		return NULL;
	aged = (CB(bp)->cb_state & CB_AGED) != 0;
	if (bp->b_bufsize != size) {
		if (aged) {
			buf_take_locked(bp);
			buf_free_locked(bp);
		}
		return NULL;
	}
	if (!aged && (bufcache_inuse + size <= bufcache_limit ||
	                 buf_victim_locked() != bp))
		return NULL;
	buf_take_locked(bp);
	return buf_reuse_locked(bp, vp, lblkno);
}

/* Forget a busy buffer entirely and give its memory back. */
static void
buf_free_locked(struct buf *bp)
{
	KASSERT(CB(bp)->cb_state & CB_BUSY);
	buf_clrdirty_locked(bp);
	LIST_REMOVE(bp, b_hash);
	LIST_REMOVE(bp, b_vnbufs);
	bufcache_nbufs--;
	bufcache_inuse -= bp->b_bufsize;
	kmem_free(bp->b_data, bp->b_bufsize);
	kmem_free(CB(bp), sizeof(struct cbuf));
	buf_nheld--;
	buf_wakeup_locked();
}

/*
 * Run one transfer on a buffer we own, without the cache lock.  The
 * strategy routine reports through biodone()/b_error or its return value;
 * all three are folded into b_error here.
 */
static int
buf_doio(struct buf *bp, bool isread)
{
	int error;

	if (isread)
		bp->b_flags = (bp->b_flags | B_READ) & ~(B_DONE | B_ERROR);
	else
		bp->b_flags &= ~(B_READ | B_ERROR);
	bp->b_error = 0;
	bp->b_resid = 0;
	error = VOP_STRATEGY(bp->b_vp, bp);
	if (error != 0 && bp->b_error == 0)
		bp->b_error = error;
	if (bp->b_error != 0)
		bp->b_flags |= B_ERROR;
	else
		bp->b_flags |= B_DONE;
	return biowait(bp);
}

/* Write a busy dirty buffer, dropping the lock for the transfer. */
static int
buf_writeout_locked(struct buf *bp)
{
	int error;

	buf_clrdirty_locked(bp);
	CB(bp)->cb_state |= CB_WRITING;
	mutex_exit(&bufcache_lock);
	error = buf_doio(bp, false);
	mutex_enter(&bufcache_lock);
	CB(bp)->cb_state &= ~CB_WRITING; /* the caller releases: wakeup */
	return error;
}

/* May nb go with bp in one write: an idle dirty data block of its size? */
static bool
buf_runmate_locked(const struct buf *bp, const struct buf *nb)
{
	return nb != NULL &&
	    (CB(nb)->cb_state & (CB_BUSY | CB_DIRTY)) == CB_DIRTY &&
	    nb->b_bcount == bp->b_bcount && !(nb->b_flags & B_META);
}

/* File data: what may go to the device gathered with other blocks. */
static bool
buf_clusterable(const struct buf *bp)
{
	return bp->b_vp->v_type == VREG && !(bp->b_flags & B_META) &&
	    bp->b_lblkno >= 0 && bp->b_bcount > 0 &&
	    bp->b_bcount <= CLUSTER_MAXBYTES / 2;
}

/*
 * Take the idle dirty blocks of bp's file that make one run with bp (a
 * taken dirty buffer) into run[], in block order: from where the run
 * starts, so that a flush writes it whole; max buffers at most.  Only
 * file data: a file's strategy may read metadata blocks through the
 * cache, which must not be among the buffers we hold.  Returns the
 * count (at least 1: bp itself).
 */
static size_t
buf_gather_locked(struct buf *bp, struct buf **run, size_t max)
{
	struct vnode *vp = bp->b_vp;
	daddr_t first = bp->b_lblkno, lbn;
	struct buf *nb;
	size_t n = 0;

	run[0] = bp;
	if (!buf_clusterable(bp) || max <= 1)
		return 1;
	while (first > 0 && (size_t)(bp->b_lblkno - first) + 1 < max &&
	    buf_runmate_locked(bp, bufhash_lookup_locked(vp, first - 1)))
		first--;
	for (lbn = first; n < max; lbn++) {
		if (lbn == bp->b_lblkno) {
			run[n++] = bp;
			continue;
		}
		nb = bufhash_lookup_locked(vp, lbn);
		if (!buf_runmate_locked(bp, nb)) {
			KASSERT(lbn > bp->b_lblkno); /* checked just above */
			break;
		}
		buf_take_locked(nb);
		run[n++] = nb;
	}
	return n;
}

/*
 * A dirty victim's write takes along its file's run and then the next
 * dirty victims' runs (files written one after another sit one after
 * another on the device), up to the cluster limits.
 */
static size_t
buf_gather_victims_locked(struct buf *bp, struct buf **run)
{
	size_t n, i, bytes = 0;
	struct buf *nb;

	n = buf_gather_locked(bp, run,
	    MIN(CLUSTER_MAXBUFS,
		CLUSTER_MAXBYTES / MAX(bp->b_bcount, (size_t)1)));
	if (!buf_clusterable(bp))
		return n;
	for (i = 0; i < n; i++)
		bytes += run[i]->b_bcount;
	while (n < CLUSTER_MAXBUFS && (nb = buf_firstdirty_locked()) != NULL &&
	    buf_clusterable(nb) && bytes + nb->b_bcount <= CLUSTER_MAXBYTES) {
		buf_take_locked(nb);
		i = buf_gather_locked(nb, run + n,
		    MIN(CLUSTER_MAXBUFS - n,
			(CLUSTER_MAXBYTES - bytes) / nb->b_bcount));
		while (i-- > 0)
			bytes += run[n++]->b_bcount;
	}
	return n;
}

/*
 * Write the taken dirty buffers run[0, n) (gathered as above) with
 * the lock dropped.  The device layer gathers what is contiguous on the
 * device too into one host write.  err[i]: the error of run[i].
 */
static void
buf_writerun_locked(struct buf **run, size_t n, int *err)
{
	size_t i;
	int e;

	if (n == 1) {
		err[0] = buf_writeout_locked(run[0]);
		return;
	}
	for (i = 0; i < n; i++) {
		buf_clrdirty_locked(run[i]);
		CB(run[i])->cb_state |= CB_WRITING;
	}
	mutex_exit(&bufcache_lock);
	etfs_plug();
	for (i = 0; i < n; i++) {
		run[i]->b_flags |= B_GATHER; /* held busy till the unplug */
		err[i] = buf_doio(run[i], false);
	}
	e = etfs_unplug();
	for (i = 0; i < n; i++)
		run[i]->b_flags &= ~B_GATHER;
	/* a failed gathered write fails every block that went into it */
	if (e != 0) {
		for (i = 0; i < n; i++) {
			if (err[i] != 0)
				continue;
			err[i] = run[i]->b_error = e;
			run[i]->b_flags = (run[i]->b_flags | B_ERROR) & ~B_DONE;
		}
	}
	mutex_enter(&bufcache_lock);
	for (i = 0; i < n; i++)
		CB(run[i])->cb_state &= ~CB_WRITING; /* released next: wakeup */
}

static void
buf_lost(const struct buf *bp, int error)
{
	kprintf("bufcache: write of block %lld of vnode %p failed (error %d);"
	        " data lost\n",
	    (long long)bp->b_lblkno, (const void *)bp->b_vp, error);
}

static struct buf *
buf_victim_locked(void)
{
	struct buf *clean = TAILQ_FIRST(&buflru_clean);
	struct buf *dirty = buf_firstdirty_locked();

	if (buf_nheld > 0)
		return clean; /* see the top of the file */
	if (dirty != NULL &&
	    (clean == NULL || bufcache_dirtymem > bufcache_limit / 2))
		return dirty;
	return clean;
}

/*
 * Evict idle buffers until `need` more bytes fit under the limit, or none
 * may go (then the caller goes over the limit rather than wait).  Returns
 * true if the lock was dropped on the way, for writing a dirty victim.
 */
static bool
buf_makeroom_locked(size_t need)
{
	struct buf *bp, *run[CLUSTER_MAXBUFS];
	int err[CLUSTER_MAXBUFS];
	bool dropped = false;
	size_t i, n;

	while (bufcache_inuse + need > bufcache_limit) {
		if ((bp = buf_victim_locked()) == NULL)
			break;
		buf_take_locked(bp);
		if (!(CB(bp)->cb_state & CB_DIRTY)) {
			buf_free_locked(bp);
			continue;
		}
		/* the blocks that follow a dirty victim go with it */
		dropped = true;
		n = buf_gather_victims_locked(bp, run);
		buf_writerun_locked(run, n, err);
		for (i = 0; i < n; i++) {
			if (err[i] != 0)
				buf_lost(run[i], err[i]);
			buf_free_locked(run[i]);
		}
	}
	return dropped;
}

/*
 * Give a buffer we own a new size.  The contents are kept as far as they
 * go but are no longer B_DONE: a later bread reads the block again.
 */
static void
buf_resize_locked(struct buf *bp, size_t size)
{
	size_t osize;
	void *data;
	int error;

	if (CB(bp)->cb_state & CB_DIRTY) {
		if ((error = buf_writeout_locked(bp)) != 0)
			buf_lost(bp, error);
	}
	osize = bp->b_bufsize;
	if (size > osize)
		(void)buf_makeroom_locked(size - osize);
	data = kmem_alloc(size, KM_SLEEP);
	memcpy(data, bp->b_data, MIN(size, osize));
	if (size > osize)
		memset((char *)data + osize, 0, size - osize);
	kmem_free(bp->b_data, osize);
	bp->b_data = data;
	bp->b_bufsize = size;
	bufcache_inuse = bufcache_inuse - osize + size;
	bp->b_flags &= ~(B_DONE | B_ERROR);
}

/*
 * Give back a buffer we own.  A buffer that is clean and invalid, failed
 * or never filled is freed; anything else goes to the tail of its LRU
 * list (the head with B_AGE, B_INVAL or B_NOCACHE).  The owner's B_DELWRI
 * decides whether it is dirty.
 */
static void
buf_release_locked(struct buf *bp, int set)
{
	unsigned flags;

	KASSERT(CB(bp)->cb_state & CB_BUSY);
	bp->b_flags |= (unsigned)set;
	if (bp->b_flags & B_DELWRI)
		buf_setdirty_locked(bp);
	else
		buf_clrdirty_locked(bp);
	flags = bp->b_flags;
	if (!(flags & B_DELWRI) &&
	    ((flags & (B_INVAL | B_NOCACHE | B_ERROR)) || !(flags & B_DONE))) {
		buf_free_locked(bp);
		return;
	}
	bp->b_flags &= ~(
	    B_BUSY | B_AGE | B_INVAL | B_NOCACHE | B_ERROR | B_READ | B_WANTED);
	bp->b_error = 0;
	CB(bp)->cb_state &= ~CB_BUSY;
	buf_nheld--;
	if (flags & (B_AGE | B_INVAL | B_NOCACHE)) {
		if (!(CB(bp)->cb_state & CB_DIRTY))
			CB(bp)->cb_state |= CB_AGED;
		TAILQ_INSERT_HEAD(buf_lru(bp), bp, b_freelist);
	} else
		TAILQ_INSERT_TAIL(buf_lru(bp), bp, b_freelist);
	buf_wakeup_locked();
}

struct buf *
getblk(struct vnode *vp, daddr_t lblkno, int size)
{
	struct buf *bp;

	KASSERT(size > 0);
	mutex_enter(&bufcache_lock);
	for (;;) {
		bp = bufhash_lookup_locked(vp, lblkno);
		if (bp != NULL) {
			if (CB(bp)->cb_state & CB_BUSY) {
				/* it may be gone when we wake: look again */
				buf_wait_locked();
				continue;
			}
			buf_take_locked(bp);
			if (bp->b_bufsize != (size_t)size)
				buf_resize_locked(bp, (size_t)size);
			break;
		}
		if ((bp = buf_recycle_locked(vp, lblkno, (size_t)size)))
			break;
		/* Somebody may have made the block while the lock was off. */
		if (buf_makeroom_locked((size_t)size))
			continue;
		bp = buf_alloc_locked(vp, lblkno, (size_t)size);
		break;
	}
	bp->b_bcount = (size_t)size;
	mutex_exit(&bufcache_lock);
	return bp;
}

struct buf *
incore(struct vnode *vp, daddr_t lblkno)
{
	struct buf *bp;

	mutex_enter(&bufcache_lock);
	bp = bufhash_lookup_locked(vp, lblkno);
	mutex_exit(&bufcache_lock);
	return bp;
}

int
bread(struct vnode *vp, daddr_t lblkno, int size, int flags, struct buf **bpp)
{
	struct buf *bp;
	int error;

	*bpp = NULL;
	if (size <= 0 || size > BUF_MAXSIZE)
		return EIO;
	bp = getblk(vp, lblkno, size);
	if (!(bp->b_flags & B_DONE)) {
		if ((error = buf_doio(bp, true)) != 0) {
			brelse(bp, B_INVAL);
			return error;
		}
	}
	*bpp = bp;
	return 0;
}

/*
 * Read a block ahead unless it is in the cache already (even busy: we
 * never wait here, as the caller holds a buffer of its own).
 */
static void
buf_readahead(struct vnode *vp, daddr_t lblkno, int size)
{
	struct buf *bp;

	if (size <= 0 || size > BUF_MAXSIZE)
		return;
	mutex_enter(&bufcache_lock);
	do {
		if (bufhash_lookup_locked(vp, lblkno) != NULL) {
			mutex_exit(&bufcache_lock);
			return;
		}
		if ((bp = buf_recycle_locked(vp, lblkno, (size_t)size)))
			break;
	} while (buf_makeroom_locked((size_t)size));
	if (bp == NULL)
		bp = buf_alloc_locked(vp, lblkno, (size_t)size);
	mutex_exit(&bufcache_lock);
	if (buf_doio(bp, true) != 0)
		brelse(bp, B_INVAL);
	else
		brelse(bp, 0);
}

int
breadn(struct vnode *vp, daddr_t lblkno, int size, const daddr_t *rablks,
    const int *rasizes, int nrablks, int flags, struct buf **bpp)
{
	int error, i;

	if ((error = bread(vp, lblkno, size, flags, bpp)) != 0)
		return error;
	for (i = 0; i < nrablks; i++)
		buf_readahead(vp, rablks[i], rasizes[i]);
	return 0;
}

void
brelse(struct buf *bp, int set)
{
	mutex_enter(&bufcache_lock);
	buf_release_locked(bp, set);
	mutex_exit(&bufcache_lock);
}

int
bwrite(struct buf *bp)
{
	int error;

	mutex_enter(&bufcache_lock);
	buf_clrdirty_locked(bp);
	CB(bp)->cb_state |= CB_WRITING;
	mutex_exit(&bufcache_lock);
	error = buf_doio(bp, false);
	mutex_enter(&bufcache_lock);
	CB(bp)->cb_state &= ~CB_WRITING;
	buf_release_locked(bp, 0);
	mutex_exit(&bufcache_lock);
	return error;
}

void
bdwrite(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	buf_setdirty_locked(bp);
	bp->b_flags |= B_DONE;
	buf_release_locked(bp, 0);
	mutex_exit(&bufcache_lock);
}

void
bawrite(struct buf *bp)
{
	daddr_t lblkno = bp->b_lblkno;
	struct vnode *vp = bp->b_vp;
	int error;

	/* Nobody is left to hear about a failure but the console. */
	if ((error = bwrite(bp)) != 0)
		kprintf("bufcache: write of block %lld of vnode %p failed "
		        "(error %d)\n",
		    (long long)lblkno, (void *)vp, error);
}

void
biodone(struct buf *bp)
{
	if (bp->b_error != 0)
		bp->b_flags |= B_ERROR;
	else
		bp->b_flags |= B_DONE;
}

int
biowait(struct buf *bp)
{
	if (bp->b_error != 0)
		return bp->b_error;
	return (bp->b_flags & B_ERROR) ? EIO : 0;
}

/*
 * Write the vnode's dirty buffers whose B_META bit is `meta`, waiting for
 * busy dirty ones (their B_META is the owner's business until released).
 * Returns the first error.
 */
static int
buf_flushpass_locked(struct vnode *vp, unsigned meta)
{
	struct buf *bp, *nbp, *run[CLUSTER_MAXBUFS];
	int error = 0, err[CLUSTER_MAXBUFS];
	size_t i, n;

restart:
	for (bp = LIST_FIRST(&vp->v_bufs); bp != NULL; bp = nbp) {
		nbp = LIST_NEXT(bp, b_vnbufs);
		if (!(CB(bp)->cb_state & CB_DIRTY))
			continue;
		if (CB(bp)->cb_state & CB_BUSY) {
			buf_wait_locked();
			goto restart;
		}
		if ((bp->b_flags & B_META) != meta)
			continue;
		buf_take_locked(bp);
		n = buf_gather_locked(bp, run,
		    MIN(CLUSTER_MAXBUFS,
			CLUSTER_MAXBYTES / MAX(bp->b_bcount, (size_t)1)));
		buf_writerun_locked(run, n, err);
		for (i = 0; i < n; i++)
			if (err[i] != 0 && error == 0)
				error = err[i];
		if (n > 1) {
			/* others of the run may be nbp, or go when released */
			for (i = 0; i < n; i++)
				buf_release_locked(run[i], 0);
			goto restart;
		}
		/* bp stayed on the list while busy, so its link is current */
		nbp = LIST_NEXT(bp, b_vnbufs);
		buf_release_locked(bp, 0);
	}
	return error;
}

static bool
buf_writing_locked(struct vnode *vp)
{
	struct buf *bp;

	LIST_FOREACH(bp, &vp->v_bufs, b_vnbufs)
	{
		if (CB(bp)->cb_state & CB_WRITING)
			return true;
	}
	return false;
}

int
vflushbuf(struct vnode *vp, int flags)
{
	int error = 0, e;

	mutex_enter(&bufcache_lock);
	for (;;) {
		while (vp->v_ndirty > 0) {
			/* metadata first, as buf.h promises */
			if ((e = buf_flushpass_locked(vp, B_META)) != 0 &&
			    error == 0)
				error = e;
			if ((e = buf_flushpass_locked(vp, 0)) != 0 &&
			    error == 0)
				error = e;
		}
		/*
		 * Blocks that another thread took to write (write-behind, an
		 * eviction) are clean already but not yet on the device:
		 * fsync must not return before they are.
		 */
		if (!buf_writing_locked(vp))
			break;
		buf_wait_locked();
	}
	mutex_exit(&bufcache_lock);
	return error;
}

int
vinvalbuf(struct vnode *vp, bool save)
{
	struct buf *bp, *nbp;
	int error = 0, e;

	if (save)
		error = vflushbuf(vp, FSYNC_WAIT);
	mutex_enter(&bufcache_lock);
restart:
	LIST_FOREACH_SAFE(bp, &vp->v_bufs, b_vnbufs, nbp)
	{
		if (CB(bp)->cb_state & CB_BUSY) {
			buf_wait_locked();
			goto restart;
		}
		buf_take_locked(bp);
		if (save && (CB(bp)->cb_state & CB_DIRTY)) {
			/* dirtied again since the flush */
			if ((e = buf_writeout_locked(bp)) != 0 && error == 0)
				error = e;
			buf_free_locked(bp);
			goto restart;
		}
		buf_free_locked(bp);
	}
	mutex_exit(&bufcache_lock);
	return error;
}

/* A write-behind batch: a buffer and where it goes on which device. */
struct behind {
	struct buf *bp;
	struct vnode *devvp;
	daddr_t addr; /* -1: unknown, written in batch order */
	int error;
};

static bool
behind_before(const struct behind *a, const struct behind *b)
{
	if (a->devvp != b->devvp)
		return (uintptr_t)a->devvp < (uintptr_t)b->devvp;
	return a->addr < b->addr;
}

/* Stable bottom-up merge sort of v[0, n) by device address. */
static void
behind_sort(struct behind *v, struct behind *tmp, size_t n)
{
	size_t w, lo, mid, hi, i, j, k;

	for (i = 1; i < n && !behind_before(&v[i], &v[i - 1]); i++)
		continue;
	if (i >= n)
		return; /* in order already, as one file's blocks usually are */
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = MIN(lo + w, n);
			hi = MIN(lo + 2 * w, n);
			for (i = lo, j = mid, k = lo; i < mid || j < hi; k++) {
				if (j >= hi ||
				    (i < mid && !behind_before(&v[j], &v[i])))
					tmp[k] = v[i++];
				else
					tmp[k] = v[j++];
			}
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

/*
 * The arrays of one batch, kept for the next: allocating and freeing
 * them per batch made the host allocator give memory back and fault it
 * in again.  A second writer at the same time makes its own.
 */
static struct behind *behind_spare;

/*
 * Write one batch from the head of the behind list: taken in list order,
 * written in device order with the device's gathering on, then left
 * clean and aged.  Only a thread that holds no buffer may (see the
 * top): the strategies may read metadata through the cache.  A block
 * whose write failed stays dirty (on the dirty list), for sync to retry
 * and report.
 */
static void
buf_writebehind_locked(void)
{
	struct behind *v;
	struct buf *bp;
	size_t n = 0, i, bytes = 0;
	int e;

	KASSERT(buf_nheld == 0);
	if ((v = behind_spare) != NULL)
		behind_spare = NULL; /* bufcache_lock guards the spare */
	else
		v = kmem_alloc(2 * BEHIND_MAXBUFS * sizeof(*v), KM_SLEEP);
	while (n < BEHIND_MAXBUFS && (bp = TAILQ_FIRST(&buflru_behind)) &&
	    (n == 0 || bytes + bp->b_bcount <= BEHIND_MAXBYTES)) {
		buf_take_locked(bp);
		buf_clrdirty_locked(bp);
		CB(bp)->cb_state |= CB_WRITING;
		bytes += bp->b_bcount;
		v[n++].bp = bp;
	}
	mutex_exit(&bufcache_lock);
	for (i = 0; i < n; i++) {
		v[i].devvp = NULL;
		if (VOP_BMAP(v[i].bp->b_vp, v[i].bp->b_lblkno, &v[i].devvp,
		        &v[i].addr, NULL) != 0)
			v[i].addr = -1;
	}
	behind_sort(v, v + BEHIND_MAXBUFS, n);
	etfs_plug();
	for (i = 0; i < n; i++) {
		v[i].bp->b_flags |= B_GATHER; /* held busy till the unplug */
		v[i].error = buf_doio(v[i].bp, false);
	}
	e = etfs_unplug();
	for (i = 0; i < n; i++)
		v[i].bp->b_flags &= ~B_GATHER;
	mutex_enter(&bufcache_lock);
	for (i = 0; i < n; i++) {
		bp = v[i].bp;
		CB(bp)->cb_state &= ~CB_WRITING;
		if (v[i].error != 0 || e != 0) {
			bp->b_flags |= B_DELWRI;
			buf_release_locked(bp, 0);
		} else
			buf_release_locked(bp, B_AGE);
	}
	if (behind_spare == NULL)
		behind_spare = v;
	else
		kmem_free(v, 2 * BEHIND_MAXBUFS * sizeof(*v));
}

/* A batch's worth: a sixteenth of the cache, up to the batch limits. */
static bool
buf_behindfull_locked(void)
{
	return bufcache_behindmem >= MIN(BEHIND_MAXBYTES, bufcache_limit / 16);
}

void
vagebuf(struct vnode *vp)
{
	struct buf *bp;

	mutex_enter(&bufcache_lock);
	LIST_FOREACH(bp, &vp->v_bufs, b_vnbufs)
	{
		if (CB(bp)->cb_state & (CB_BUSY | CB_AGED))
			continue;
		if (CB(bp)->cb_state & CB_DIRTY) {
			/* data waits for its batch; metadata for sync */
			if (!buf_clusterable(bp))
				continue;
			TAILQ_REMOVE(&buflru_dirty, bp, b_freelist);
			CB(bp)->cb_state |= CB_AGED;
			TAILQ_INSERT_TAIL(&buflru_behind, bp, b_freelist);
			bufcache_behindmem += bp->b_bufsize;
			continue;
		}
		TAILQ_REMOVE(&buflru_clean, bp, b_freelist);
		TAILQ_INSERT_HEAD(&buflru_clean, bp, b_freelist);
		CB(bp)->cb_state |= CB_AGED;
	}
	if (buf_nheld == 0 && buf_behindfull_locked())
		buf_writebehind_locked();
	mutex_exit(&bufcache_lock);
}

void
buf_flushbehind(void)
{
	mutex_enter(&bufcache_lock);
	while (buf_nheld == 0 && !TAILQ_EMPTY(&buflru_behind))
		buf_writebehind_locked();
	mutex_exit(&bufcache_lock);
}

void
vtruncbuf(struct vnode *vp, daddr_t lblkno)
{
	struct buf *bp, *nbp;

	mutex_enter(&bufcache_lock);
restart:
	LIST_FOREACH_SAFE(bp, &vp->v_bufs, b_vnbufs, nbp)
	{
		if (bp->b_lblkno < lblkno)
			continue;
		if (CB(bp)->cb_state & CB_BUSY) {
			buf_wait_locked();
			goto restart;
		}
		buf_take_locked(bp);
		buf_free_locked(bp);
	}
	mutex_exit(&bufcache_lock);
}

static size_t
buf_clamplimit(uint64_t bytes)
{
	if (bytes < BUFCACHE_MINMEM)
		return BUFCACHE_MINMEM;
	if (bytes > SIZE_MAX / 2)
		return SIZE_MAX / 2;
	return (size_t)bytes;
}

void
bufinit(void)
{
	size_t i;
	int mb;

	mutex_init(&bufcache_lock);
	cv_init(&bufcache_cv);
	TAILQ_INIT(&buflru_clean);
	TAILQ_INIT(&buflru_dirty);
	TAILQ_INIT(&buflru_behind);
	bufhash = kmem_alloc(BUFHASH_MINSIZE * sizeof(*bufhash), KM_SLEEP);
	for (i = 0; i < BUFHASH_MINSIZE; i++)
		LIST_INIT(&bufhash[i]);
	bufhash_mask = BUFHASH_MINSIZE - 1;
	mb = rump_getparam_int("RUMP_BUFCACHE_MB", BUFCACHE_DEFAULT_MB);
	if (mb <= 0)
		mb = BUFCACHE_DEFAULT_MB;
	bufcache_limit = buf_clamplimit((uint64_t)mb << 20);
}

size_t
buf_memlimit(void)
{
	size_t n;

	mutex_enter(&bufcache_lock);
	n = bufcache_limit;
	mutex_exit(&bufcache_lock);
	return n;
}

size_t
buf_meminuse(void)
{
	size_t n;

	mutex_enter(&bufcache_lock);
	n = bufcache_inuse;
	mutex_exit(&bufcache_lock);
	return n;
}

uint64_t
rump_bufcache_setlimit(uint64_t bytes)
{
	size_t old;

	mutex_enter(&bufcache_lock);
	old = bufcache_limit;
	if (bytes != 0) {
		bufcache_limit = buf_clamplimit(bytes);
		(void)buf_makeroom_locked(0);
	}
	mutex_exit(&bufcache_lock);
	return old;
}

uint64_t
rump_bufcache_inuse(void)
{
	return buf_meminuse();
}
