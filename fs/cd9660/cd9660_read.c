/*
 * Reading file data.  A file's bytes lie in one or more extents (several
 * for files over 4 GiB), each contiguous or interleaved (file units of fu
 * blocks separated by gaps of gap blocks).  cd9660_map turns a file
 * offset into a run of device blocks.
 *
 * Plain files are read straight from the device into the caller's buffer,
 * one transfer per run of whole blocks; only the partial blocks at either
 * end go through the buffer cache of the device.  The image is read-only,
 * so no cached copy can be newer than the device.  zisofs files are read
 * through the buffer cache of the file vnode in units of their
 * compression block, which VOP_STRATEGY fills by decompressing.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"

/*
 * The device block that holds byte off of the file's stored data, and
 * how many blocks from there are contiguous on the device and in the file.
 */
int
cd9660_map(const struct cd9660_node *ip, uint64_t off, uint32_t *sector,
    uint32_t *nsectors)
{
	const struct cd9660_extent *e;
	unsigned lo = 0, hi = ip->i_nextents, mid;
	uint64_t s, nsec, unit, within;

	if (off >= ip->i_rawsize || hi == 0)
		return EINVAL;
	while (hi - lo > 1) { /* the last extent starting at or before off */
		mid = (lo + hi) / 2;
		if (ip->i_extents[mid].e_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	e = &ip->i_extents[lo];
	if (off - e->e_off >= e->e_len)
		return EINVAL;
	s = (off - e->e_off) / ISO_SECTOR;
	nsec = howmany(e->e_len, ISO_SECTOR);
	if (e->e_fu == 0) {
		*sector = (uint32_t)(e->e_lba + s);
		*nsectors = (uint32_t)MIN(nsec - s, UINT32_MAX);
	} else {
		unit = s / e->e_fu;
		within = s % e->e_fu;
		*sector =
		    (uint32_t)(e->e_lba + unit * (e->e_fu + e->e_gap) + within);
		*nsectors = (uint32_t)MIN(e->e_fu - within, nsec - s);
	}
	return 0;
}

/* Read n whole blocks from the device straight into buf. */
static int
cd9660_read_direct(
    struct cd9660_mount *ump, uint32_t sector, void *buf, size_t n)
{
	struct buf b;
	int error;

	memset(&b, 0, sizeof(b));
	b.b_flags = B_READ | B_BUSY;
	b.b_data = buf;
	b.b_bcount = b.b_bufsize = n * ISO_SECTOR;
	b.b_blkno = b.b_lblkno = (daddr_t)sector
	    << (ISO_SECTOR_SHIFT - DEV_BSHIFT);
	b.b_vp = ump->um_devvp;
	VOP_STRATEGY(ump->um_devvp, &b);
	error = biowait(&b);
	if (error == 0 && b.b_resid != 0)
		error = EIO;
	return error;
}

/* Largest direct transfer: bounds the time one call holds the host. */
#define CD9660_MAXDIRECT (8u << 20)

/*
 * Copy len bytes of the file's stored data from offset off into buf
 * (kernel or caller memory); the range must lie within the stored size.
 */
int
cd9660_read_raw(struct cd9660_node *ip, uint64_t off, void *buf, size_t len)
{
	struct cd9660_mount *ump = ip->i_ump;
	uint8_t *dst = buf;
	uint32_t sector, run;
	struct buf *bp;
	size_t boff, n;
	int error;

	if (off > ip->i_rawsize || len > ip->i_rawsize - off)
		return EINVAL;
	while (len > 0) {
		if ((error = cd9660_map(ip, off, &sector, &run)) != 0)
			return error;
		boff = (size_t)(off % ISO_SECTOR);
		if (boff == 0 && len >= ISO_SECTOR) {
			n = MIN((size_t)run, len / ISO_SECTOR);
			n = MIN(n, CD9660_MAXDIRECT / ISO_SECTOR);
			if (sector + (uint64_t)n > ump->um_nsectors)
				return cd9660_corrupt("file data past the end "
				                      "of the volume");
			error = cd9660_read_direct(ump, sector, dst, n);
			n *= ISO_SECTOR;
		} else {
			n = MIN(ISO_SECTOR - boff, len);
			if ((error = cd9660_bread(ump, sector, &bp)) == 0) {
				memcpy(dst, (uint8_t *)bp->b_data + boff, n);
				brelse(bp, 0);
			}
		}
		if (error != 0)
			return error;
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* The iovec the next bytes of uio go to. */
static struct kiovec *
cd9660_uio_iov(struct uio *uio)
{
	int i;

	for (i = 0; i < uio->uio_iovcnt; i++)
		if (uio->uio_iov[i].iov_len > 0)
			return &uio->uio_iov[i];
	return NULL;
}

/* A plain file: straight into the caller's buffers. */
static int
cd9660_read_plain(struct cd9660_node *ip, struct uio *uio)
{
	struct kiovec *iov;
	size_t n;
	int error;

	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < ip->i_size) {
		if ((iov = cd9660_uio_iov(uio)) == NULL)
			break;
		n = MIN(iov->iov_len, uio->uio_resid);
		n = (size_t)MIN((uint64_t)n, ip->i_size - uio->uio_offset);
		error = cd9660_read_raw(
		    ip, (uint64_t)uio->uio_offset, iov->iov_base, n);
		if (error != 0)
			return error;
		iov->iov_base = (uint8_t *)iov->iov_base + n;
		iov->iov_len -= n;
		uio->uio_resid -= n;
		uio->uio_offset += (off_t)n;
	}
	return 0;
}

/* A zisofs file: whole compression blocks through the buffer cache. */
static int
cd9660_read_zisofs(struct cd9660_node *ip, struct uio *uio)
{
	size_t bsize = (size_t)1 << ip->i_zbshift, boff, n;
	struct buf *bp;
	daddr_t lbn;
	int error = 0;

	if (ip->i_zbshift == 0) {
		kprintf("cd9660: file at byte %llu is compressed with an "
		        "unknown algorithm\n",
		    (unsigned long long)ip->i_key.k_addr);
		return EOPNOTSUPP;
	}
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < ip->i_size) {
		lbn = (daddr_t)((uint64_t)uio->uio_offset >> ip->i_zbshift);
		boff = (size_t)((uint64_t)uio->uio_offset & (bsize - 1));
		n = MIN(bsize - boff, uio->uio_resid);
		n = (size_t)MIN((uint64_t)n, ip->i_size - uio->uio_offset);
		if ((error = bread(ITOV(ip), lbn, (int)bsize, 0, &bp)) != 0)
			break;
		error = uiomove((uint8_t *)bp->b_data + boff, n, uio);
		brelse(bp, 0);
	}
	return error;
}

/* VOP_READ */
int
cd9660_read(void *v)
{
	struct vop_read_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct cd9660_node *ip = VTOI(vp);

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (ap->a_uio->uio_offset < 0)
		return EINVAL;
	if (ip->i_zisofs)
		return cd9660_read_zisofs(ip, ap->a_uio);
	return cd9660_read_plain(ip, ap->a_uio);
}

/* VOP_BMAP: 2048-byte blocks of stored data to device blocks. */
int
cd9660_bmap(void *v)
{
	struct vop_bmap_args *ap = v;
	struct cd9660_node *ip = VTOI(ap->a_vp);
	uint32_t sector, run;
	int error;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = ip->i_ump->um_devvp;
	if (ip->i_zisofs)
		return EOPNOTSUPP;
	if (ap->a_bn < 0)
		return EINVAL;
	error = cd9660_map(ip, (uint64_t)ap->a_bn * ISO_SECTOR, &sector, &run);
	if (error != 0)
		return error;
	if (ap->a_bnp != NULL)
		*ap->a_bnp = (daddr_t)sector << (ISO_SECTOR_SHIFT - DEV_BSHIFT);
	if (ap->a_runp != NULL)
		*ap->a_runp = (int)MIN(run - 1, (uint32_t)INT32_MAX);
	return 0;
}

/*
 * VOP_STRATEGY of a file vnode: a zisofs block is decompressed; other
 * buffers (b_lblkno in 2048-byte blocks) are read from the device, with
 * zeros past the end of the file.
 */
int
cd9660_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	struct cd9660_node *ip = VTOI(ap->a_vp);
	uint64_t off;
	size_t n = 0;
	int error;

	if ((bp->b_flags & B_READ) == 0)
		error = EROFS;
	else if (ip->i_zisofs)
		error = cd9660_zisofs_fill(ip, bp);
	else if (bp->b_lblkno < 0)
		error = EINVAL;
	else {
		off = (uint64_t)bp->b_lblkno * ISO_SECTOR;
		if (off < ip->i_rawsize)
			n = (size_t)MIN(
			    (uint64_t)bp->b_bcount, ip->i_rawsize - off);
		error = cd9660_read_raw(ip, off, bp->b_data, n);
		if (error == 0)
			memset((uint8_t *)bp->b_data + n, 0, bp->b_bcount - n);
	}
	bp->b_error = error;
	bp->b_resid = error != 0 ? bp->b_bcount : 0;
	if (error != 0)
		bp->b_flags |= B_ERROR;
	biodone(bp);
	return error;
}
