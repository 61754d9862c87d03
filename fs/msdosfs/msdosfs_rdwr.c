/*
 * File data: reading and writing through the buffer cache of the file
 * vnode, one cluster per buffer.  Reads of whole clusters that lie
 * contiguously on the device and are not cached go straight from the
 * device into the caller's buffer, one transfer per run, and writes of
 * whole clusters go straight to the device the same way; sequential
 * reads through the cache read ahead.  Writes allocate clusters on demand
 * (FAT has no holes: a write past the end zero-fills the gap first).
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

#define RA_BYTES      (64 * 1024) /* read-ahead on sequential reads */
#define RA_MAX        16
#define DIRECT_MAXRUN 4096 /* clusters per direct transfer */

static struct kiovec *
uio_curiov(struct uio *uio)
{
	int i;

	for (i = 0; i < uio->uio_iovcnt; i++)
		if (uio->uio_iov[i].iov_len > 0)
			return &uio->uio_iov[i];
	return NULL;
}

static void
uio_advance(struct uio *uio, struct kiovec *iov, size_t n)
{
	iov->iov_base = (uint8_t *)iov->iov_base + n;
	iov->iov_len -= n;
	uio->uio_resid -= n;
	uio->uio_offset += (off_t)n;
}

/*
 * Read at least two whole clusters at a cluster boundary straight into
 * the caller's buffer, as many as lie in one run and are not cached.
 * *done 0: the path does not apply.
 */
static int
read_direct(struct denode *dep, struct uio *uio, size_t *done)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct vnode *vp = DETOV(dep);
	struct kiovec *iov;
	struct buf buf;
	uint32_t lcn, pcn, run;
	size_t want, n, i;
	int error;

	*done = 0;
	if ((uio->uio_offset & (pmp->pm_csize - 1)) != 0 ||
	    (iov = uio_curiov(uio)) == NULL)
		return 0;
	want = MIN(iov->iov_len, uio->uio_resid);
	want = (size_t)MIN(
	    (uint64_t)want, (uint64_t)(dep->de_size - uio->uio_offset));
	want >>= pmp->pm_cshift;
	if (want < 2)
		return 0;
	lcn = (uint32_t)(uio->uio_offset >> pmp->pm_cshift);
	error = msdosfs_bmap_cn(
	    dep, lcn, (uint32_t)MIN(want - 1, DIRECT_MAXRUN), &pcn, &run);
	if (error != 0)
		return error;
	if (pcn == 0) {
		fs_corrupt(MSDOSFS_NAME,
		    "file at cluster %u: chain shorter "
		    "than its size",
		    dep->de_chain.ch_start);
		return EFSCORRUPTED;
	}
	n = MIN(want, (size_t)run + 1);
	/* A cached cluster may be newer than the disk: leave it to the cache.
	 */
	for (i = 0; i < n; i++)
		if (incore(vp, lcn + (daddr_t)i) != NULL)
			break;
	if ((n = i) == 0)
		return 0;
	n <<= pmp->pm_cshift;
	memset(&buf, 0, sizeof(buf));
	buf.b_flags = B_READ | B_BUSY;
	buf.b_data = iov->iov_base;
	buf.b_bcount = buf.b_bufsize = n;
	buf.b_blkno = buf.b_lblkno = msdosfs_cntodb(pmp, pcn);
	buf.b_vp = pmp->pm_devvp;
	VOP_STRATEGY(pmp->pm_devvp, &buf);
	error = biowait(&buf);
	if (error == 0 && buf.b_resid != 0)
		error = EIO;
	if (error != 0)
		return error;
	uio_advance(uio, iov, n);
	*done = n;
	return 0;
}

/* Read the cluster that holds uio_offset through the cache. */
static int
read_cached(struct denode *dep, struct uio *uio, uint32_t *nextr)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	daddr_t rablks[RA_MAX];
	int rasizes[RA_MAX], nra = 0, csize = (int)pmp->pm_csize;
	uint32_t lcn, lastlcn, boff;
	struct buf *bp;
	size_t n;
	int error;

	lcn = (uint32_t)(uio->uio_offset >> pmp->pm_cshift);
	boff = (uint32_t)(uio->uio_offset & (pmp->pm_csize - 1));
	n = MIN(pmp->pm_csize - boff, uio->uio_resid);
	n = (size_t)MIN(
	    (uint64_t)n, (uint64_t)(dep->de_size - uio->uio_offset));
	lastlcn = (dep->de_size - 1) >> pmp->pm_cshift;
	if (lcn == *nextr) {
		while (nra < RA_MAX &&
		    ((size_t)nra + 1) * pmp->pm_csize <= RA_BYTES &&
		    lcn + nra + 1 <= lastlcn) {
			rablks[nra] = lcn + nra + 1;
			rasizes[nra] = csize;
			nra++;
		}
	}
	if (nra > 0)
		error = breadn(
		    DETOV(dep), lcn, csize, rablks, rasizes, nra, 0, &bp);
	else
		error = bread(DETOV(dep), lcn, csize, 0, &bp);
	if (error != 0)
		return error;
	*nextr = lcn + 1;
	error = uiomove((uint8_t *)bp->b_data + boff, n, uio);
	brelse(bp, 0);
	return error;
}

int
msdosfs_read(void *v)
{
	struct vop_read_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	struct uio *uio = ap->a_uio;
	uint32_t nextr = UINT32_MAX;
	size_t done;
	int error = 0;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (uio->uio_offset < 0)
		return EINVAL;
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < dep->de_size) {
		error = read_direct(dep, uio, &done);
		if (error == 0 && done == 0)
			error = read_cached(dep, uio, &nextr);
		if (nextr == UINT32_MAX)
			nextr = (uint32_t)(uio->uio_offset >>
			    dep->de_pmp->pm_cshift);
	}
	return error;
}

/* Make sure cluster lcn of dep exists; try for the whole write first. */
static int
write_alloc(struct denode *dep, uint32_t lcn, uint32_t lastlcn)
{
	uint32_t have = dep->de_nclust;
	int error;

	if (lcn < have)
		return 0;
	error = msdosfs_de_alloc(dep, lastlcn + 1);
	if (error == ENOSPC && lastlcn > lcn)
		error = msdosfs_de_alloc(dep, lcn + 1);
	return error;
}

/*
 * Write at least two whole clusters at a cluster boundary straight from
 * the caller's buffer to the device, as many as lie in one run; cached
 * copies of them are dropped, being overwritten whole.  The clusters are
 * allocated already.  *done 0: the path does not apply.
 */
static int
write_direct(struct denode *dep, struct uio *uio, uint64_t end, size_t *done)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct vnode *vp = DETOV(dep);
	struct kiovec *iov;
	struct buf buf, *bp;
	uint32_t lcn, pcn, run, i;
	size_t want, n;
	int error;

	*done = 0;
	if ((iov = uio_curiov(uio)) == NULL)
		return 0;
	want = MIN(iov->iov_len, uio->uio_resid);
	want = (size_t)MIN((uint64_t)want, end - (uint64_t)uio->uio_offset);
	want >>= pmp->pm_cshift;
	if (want < 2)
		return 0;
	lcn = (uint32_t)(uio->uio_offset >> pmp->pm_cshift);
	error = msdosfs_bmap_cn(
	    dep, lcn, (uint32_t)MIN(want - 1, DIRECT_MAXRUN), &pcn, &run);
	if (error != 0)
		return error;
	if (pcn == 0)
		return EFSCORRUPTED;
	n = MIN(want, (size_t)run + 1);
	for (i = 0; i < n; i++) {
		if (incore(vp, lcn + i) == NULL)
			continue;
		bp = getblk(vp, lcn + i, (int)pmp->pm_csize);
		bp->b_flags &= ~B_DELWRI;
		brelse(bp, B_INVAL);
	}
	n <<= pmp->pm_cshift;
	memset(&buf, 0, sizeof(buf));
	buf.b_flags = B_BUSY;
	buf.b_data = iov->iov_base;
	buf.b_bcount = buf.b_bufsize = n;
	buf.b_blkno = buf.b_lblkno = msdosfs_cntodb(pmp, pcn);
	buf.b_vp = pmp->pm_devvp;
	VOP_STRATEGY(pmp->pm_devvp, &buf);
	error = biowait(&buf);
	if (error == 0 && buf.b_resid != 0)
		error = EIO;
	if (error != 0)
		return error;
	uio_advance(uio, iov, n);
	*done = n;
	return 0;
}

/*
 * After a failed write: give back clusters allocated past what the size
 * reached, so that the chain matches the size again.
 */
static void
write_trim(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t keep =
	             (uint32_t)(((uint64_t)dep->de_size + pmp->pm_csize - 1) >>
	                 pmp->pm_cshift),
	         last, start;

	if (keep >= dep->de_nclust)
		return;
	vtruncbuf(DETOV(dep), keep);
	if (keep == 0) {
		mutex_enter(&dep->de_lock);
		start = dep->de_chain.ch_start;
		memset(&dep->de_chain, 0, sizeof(dep->de_chain));
		mutex_exit(&dep->de_lock);
		dep->de_nclust = 0;
		if (start == 0)
			return;
		dep->de_flag |= DE_MODIFIED;
		if (msdosfs_deupdat(dep, false) == 0)
			(void)msdosfs_fat_freechain(pmp, start);
		return;
	}
	if (msdosfs_bmap_cn(dep, keep - 1, 0, &last, NULL) == 0 && last != 0 &&
	    msdosfs_fat_cut(pmp, last) == 0)
		dep->de_nclust = keep;
}

int
msdosfs_write(void *v)
{
	struct vop_write_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	struct uio *uio = ap->a_uio;
	uint32_t lcn, lastlcn, boff, pcn, oldsize, have;
	uint64_t end;
	size_t n, done, resid0 = uio->uio_resid;
	struct buf *bp;
	int error = 0;

	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (pmp->pm_flags & MSDOSFS_RONLY)
		return EROFS;
	if (ap->a_ioflag & IO_APPEND)
		uio->uio_offset = dep->de_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset >= MSDOSFS_FILESIZE_MAX)
		return EFBIG;
	end = MIN(
	    (uint64_t)uio->uio_offset + uio->uio_resid, MSDOSFS_FILESIZE_MAX);
	/* FAT has no holes: zero the gap up to where the write starts */
	if ((uint64_t)uio->uio_offset > dep->de_size &&
	    (error = msdosfs_deextend(dep, (uint32_t)uio->uio_offset)) != 0)
		return error;
	oldsize = dep->de_size;
	have = (uint32_t)(((uint64_t)oldsize + pmp->pm_csize - 1) >>
	    pmp->pm_cshift);
	lastlcn = (uint32_t)((end - 1) >> pmp->pm_cshift);
	while ((uint64_t)uio->uio_offset < end) {
		lcn = (uint32_t)(uio->uio_offset >> pmp->pm_cshift);
		boff = (uint32_t)(uio->uio_offset & (pmp->pm_csize - 1));
		n = (size_t)MIN((uint64_t)(pmp->pm_csize - boff),
		    end - (uint64_t)uio->uio_offset);
		if ((error = write_alloc(dep, lcn, lastlcn)) != 0)
			break;
		done = 0;
		if (boff == 0 &&
		    (error = write_direct(dep, uio, end, &done)) != 0)
			break;
		if (done > 0)
			goto grown;
		if ((error = msdosfs_bmap_cn(dep, lcn, 0, &pcn, NULL)) != 0)
			break;
		if (pcn == 0) {
			error = EFSCORRUPTED;
			break;
		}
		if (lcn >= have || (boff == 0 && n == pmp->pm_csize)) {
			/* nothing to keep: new, or overwritten whole */
			bp = getblk(vp, lcn, (int)pmp->pm_csize);
			/* zeros around what the write puts in */
			if (n != pmp->pm_csize) {
				memset(bp->b_data, 0, boff);
				memset((uint8_t *)bp->b_data + boff + n, 0,
				    pmp->pm_csize - boff - n);
			}
		} else if ((error = bread(
		                vp, lcn, (int)pmp->pm_csize, 0, &bp)) != 0)
			break;
		bp->b_blkno = msdosfs_cntodb(pmp, pcn);
		bp->b_private = &msdosfs_premapped;
		error = uiomove((uint8_t *)bp->b_data + boff, n, uio);
		if (error != 0 && (lcn >= have || n == pmp->pm_csize))
			/* a recycled buffer's old bytes must not go out */
			memset((uint8_t *)bp->b_data + boff, 0, n);
		bp->b_flags |= B_DONE;
		if (ap->a_ioflag & IO_SYNC) {
			if ((error = bwrite(bp)) != 0)
				break;
		} else
			bdwrite(bp);
		if (error != 0)
			break;
	grown:
		if ((uint64_t)uio->uio_offset > dep->de_size) {
			dep->de_size = (uint32_t)uio->uio_offset;
			vp->v_size = dep->de_size;
		}
	}
	if (uio->uio_resid != resid0)
		msdosfs_de_touch(dep, false, true);
	if (error == 0 && uio->uio_resid > 0)
		error = EFBIG; /* stopped at the largest file size */
	if (error != 0)
		write_trim(dep);
	if (ap->a_ioflag & IO_SYNC) {
		int e = msdosfs_deupdat(dep, true);

		if (error == 0)
			error = e;
	}
	return error;
}
