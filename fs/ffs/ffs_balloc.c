/*
 * Allocation on write: make the block that holds a byte range of a file
 * exist and be big enough, allocating indirect blocks on the way.
 *
 * Only the last block of a file, and only below UFS_NDADDR, may be a run
 * of fragments shorter than a block.  A write past it first promotes it
 * to a full block; a write that grows it grows its fragments (in place if
 * the ones after it are free, else moved).  Data buffers live on the
 * file's vnode; indirect blocks on the device's, at their address.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

/* The buffer of a block just allocated: zeros. */
static struct buf *
ffs_newbuf(struct vnode *vp, daddr_t lbn, int size)
{
	struct buf *bp = getblk(vp, lbn, size);

	memset(bp->b_data, 0, (size_t)size);
	return bp;
}

/* The buffer of an existing block, read unless the caller fills it all. */
static int
ffs_oldbuf(struct vnode *vp, daddr_t lbn, int size, int flags, struct buf **bpp)
{
	if (flags & UFS_BALLOC_CLRBUF)
		return bread(vp, lbn, size, 0, bpp);
	*bpp = getblk(vp, lbn, size);
	return 0;
}

/*
 * Grow the fragments of direct block lbn from osize to nsize bytes and
 * return its buffer at the new size, holding the old data and zeros.
 */
static int
ffs_growfrag(struct inode *ip, daddr_t lbn, int osize, int nsize,
    kauth_cred_t cred, struct buf **bpp)
{
	struct vnode *vp = ITOV(ip);
	struct buf *bp;
	int64_t addr, pref, bprev;
	uint8_t *save;
	bool dirty;
	int error;

	*bpp = NULL;
	if ((error = bread(vp, lbn, osize, 0, &bp)) != 0)
		return error;
	/*
	 * The buffer changes size: carry the data over by hand, and do not
	 * keep a buffer busy while allocating (that may write buffers).
	 */
	save = kmem_alloc((size_t)osize, KM_SLEEP);
	memcpy(save, bp->b_data, (size_t)osize);
	dirty = (bp->b_flags & B_DELWRI) != 0;
	bp->b_flags &= ~B_DELWRI;
	brelse(bp, B_INVAL);
	pref = ffs_blkpref(
	    ip, lbn, (unsigned)lbn, lbn > 0 ? &ip->i_db[lbn - 1] : NULL);
	bprev = ip->i_db[lbn];
	error = ffs_realloccg(ip, lbn, bprev, pref, osize, nsize, cred, &addr);
	if (error != 0) {
		/* put the old block back as it was */
		bp = getblk(vp, lbn, osize);
		memcpy(bp->b_data, save, (size_t)osize);
		kmem_free(save, (size_t)osize);
		if (dirty)
			bdwrite(bp);
		else {
			bp->b_flags |= B_DONE;
			brelse(bp, 0);
		}
		return error;
	}
	ip->i_db[lbn] = addr;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	bp = ffs_newbuf(vp, lbn, nsize);
	memcpy(bp->b_data, save, (size_t)osize);
	kmem_free(save, (size_t)osize);
	/*
	 * Moved, the old fragments free in the map already: the data at
	 * its new place (a directory's entries), then the inode pointing
	 * there, before anyone else's pointer to the old fragments can
	 * reach the disk.
	 */
	if (addr != bprev && ip->i_ump->um_ordered) {
		if ((error = bwrite(bp)) == 0)
			error = ffs_update(ip, UFS_UPDATE_WAIT);
		if (error != 0)
			return error;
		return bread(vp, lbn, nsize, 0, bpp);
	}
	*bpp = bp;
	return 0;
}

/*
 * The file is about to reach logical block lbn: if its last block is a
 * short one before lbn, make it a full block.
 */
int
ffs_balloc_promote(struct inode *ip, daddr_t lbn, kauth_cred_t cred)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t last;
	struct buf *bp;
	long osize;
	int error;

	if (ip->i_size == 0)
		return 0;
	last = UFS_LBLKNO(ump, ip->i_size - 1);
	if (last >= UFS_NDADDR || last >= lbn || ip->i_db[last] == 0)
		return 0;
	osize = ufs_blksize(ip, last);
	if (osize >= (long)ump->um_bsize)
		return 0;
	error =
	    ffs_growfrag(ip, last, (int)osize, (int)ump->um_bsize, cred, &bp);
	if (error != 0)
		return error;
	/* The file now reaches to the end of that block, as its size says. */
	ip->i_size = (uint64_t)UFS_LBLKTOSIZE(ump, last + 1);
	ITOV(ip)->v_size = (off_t)ip->i_size;
	bdwrite(bp);
	return 0;
}

/* Direct block lbn, to hold data up to byte `end` of the file. */
static int
ffs_balloc_direct(struct inode *ip, daddr_t lbn, off_t end, kauth_cred_t cred,
    int flags, struct buf **bpp)
{
	struct ufsmount *ump = ip->i_ump;
	uint64_t maxend = MAX(ip->i_size, (uint64_t)end);
	uint64_t start = (uint64_t)UFS_LBLKTOSIZE(ump, lbn);
	int nsize, osize, error;
	int64_t addr, pref;

	nsize = maxend >= start + ump->um_bsize
	    ? (int)ump->um_bsize
	    : (int)UFS_FRAGROUNDUP(ump, maxend - start);
	if (ip->i_db[lbn] != 0) {
		osize = (int)ufs_blksize(ip, lbn);
		if (osize >= nsize)
			return ffs_oldbuf(ITOV(ip), lbn, osize, flags, bpp);
		return ffs_growfrag(ip, lbn, osize, nsize, cred, bpp);
	}
	pref = ffs_blkpref(
	    ip, lbn, (unsigned)lbn, lbn > 0 ? &ip->i_db[lbn - 1] : NULL);
	if ((error = ffs_alloc(ip, lbn, pref, nsize, cred, &addr)) != 0)
		return error;
	ip->i_db[lbn] = addr;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	*bpp = ffs_newbuf(ITOV(ip), lbn, nsize);
	return 0;
}

/* A new indirect block: allocated, zeroed, and its buffer left dirty. */
static int
ffs_newindir(struct inode *ip, daddr_t lbn, int64_t pref, kauth_cred_t cred,
    int64_t *addrp)
{
	struct ufsmount *ump = ip->i_ump;
	struct buf *bp;
	int error;

	if ((error = ffs_alloc(
	         ip, lbn, pref, (int)ump->um_bsize, cred, addrp)) != 0)
		return error;
	bp =
	    getblk(ump->um_devvp, UFS_FSBTODB(ump, *addrp), (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	bp->b_flags |= B_META;
	/* zeros on disk before a pointer to it: never garbage pointers */
	if (ump->um_ordered)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/* Logical block lbn beyond the direct ones: walk and fill the path. */
static int
ffs_balloc_indir(struct inode *ip, daddr_t lbn, kauth_cred_t cred, int flags,
    struct buf **bpp)
{
	struct ufsmount *ump = ip->i_ump;
	unsigned path[UFS_MAXLEVEL];
	int64_t addr, nb, pref, prev;
	int level, depth, error;
	struct buf *bp;

	level = ufs_getpath(ump, lbn, path);
	if (level <= 0)
		return EFBIG;
	addr = ip->i_ib[path[0] - UFS_NDADDR];
	if (addr == 0) {
		pref = ffs_blkpref(ip, lbn, 0, NULL);
		if ((error = ffs_newindir(ip, lbn, pref, cred, &addr)) != 0)
			return error;
		ip->i_ib[path[0] - UFS_NDADDR] = addr;
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
	}
	for (depth = 1;; depth++) {
		if ((error = ufs_bread_meta(ump, addr, &bp)) != 0)
			return error == EFSCORRUPTED ? ufs_corrupt_ptr(ip, addr)
			                             : error;
		nb = ufs_ind_get(ump, bp->b_data, path[depth]);
		if (nb != 0) {
			brelse(bp, 0);
			if (!ufs_addr_valid(ump, nb, ump->um_frag))
				return ufs_corrupt_ptr(ip, nb);
			if (depth == level)
				return ffs_oldbuf(ITOV(ip), lbn,
				    (int)ump->um_bsize, flags, bpp);
			addr = nb;
			continue;
		}
		prev = path[depth] > 0
		    ? ufs_ind_get(ump, bp->b_data, path[depth] - 1)
		    : addr;
		/*
		 * Allocating may need room in the buffer cache, and making
		 * room may write a block of this file, which maps through this
		 * indirect block: so it must not be busy meanwhile.  The
		 * file's lock keeps the pointer as it is.
		 */
		brelse(bp, 0);
		pref = ffs_blkpref(ip, lbn, path[depth], &prev);
		if (depth < level)
			error = ffs_newindir(ip, lbn, pref, cred, &nb);
		else
			error = ffs_alloc(
			    ip, lbn, pref, (int)ump->um_bsize, cred, &nb);
		if (error != 0)
			return error;
		if ((error = ufs_bread_meta(ump, addr, &bp)) != 0) {
			ffs_blkfree(
			    UMPTOFFS(ump), nb, (long)ump->um_bsize, ip->i_number);
			return error;
		}
		ufs_ind_set(ump, bp->b_data, path[depth], nb);
		bp->b_flags |= B_META;
		bdwrite(bp);
		if (depth == level) {
			*bpp = ffs_newbuf(ITOV(ip), lbn, (int)ump->um_bsize);
			return 0;
		}
		addr = nb;
	}
}

/* uo_balloc: see ufs/ufsmount.h. */
int
ffs_balloc(struct inode *ip, off_t off, int size, kauth_cred_t cred, int flags,
    struct buf **bpp)
{
	struct ufsmount *ump = ip->i_ump;
	daddr_t lbn = UFS_LBLKNO(ump, off);
	int error;

	*bpp = NULL;
	if (off < 0 || size <= 0 ||
	    UFS_BLKOFF(ump, off) + (size_t)size > ump->um_bsize)
		return EINVAL;
	if ((uint64_t)off + (uint64_t)size > ump->um_maxfilesize)
		return EFBIG;
	if ((error = ffs_balloc_promote(ip, lbn, cred)) != 0)
		return error;
	if (lbn < UFS_NDADDR)
		return ffs_balloc_direct(ip, lbn, off + size, cred, flags, bpp);
	return ffs_balloc_indir(ip, lbn, cred, flags, bpp);
}
