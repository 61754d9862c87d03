/*
 * The block map of a UFS file: 12 direct pointers in the inode, then a
 * single, a double and a triple indirect block, with 32-bit (UFS1) or
 * 64-bit (UFS2) fragment addresses in the image's byte order.  An address
 * of 0 is a hole.  Indirect blocks are read through the device's buffer
 * cache, always as whole blocks.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

int64_t
ufs_ind_get(const struct ufsmount *ump, const void *blk, unsigned idx)
{
	if (ump->um_ufs2)
		return (int64_t)ufs_rw64(
		    ((const uint64_t *)blk)[idx], ump->um_needswap);
	return (int32_t)ufs_rw32(
	    ((const uint32_t *)blk)[idx], ump->um_needswap);
}

void
ufs_ind_set(const struct ufsmount *ump, void *blk, unsigned idx, int64_t addr)
{
	if (ump->um_ufs2)
		((uint64_t *)blk)[idx] =
		    ufs_rw64((uint64_t)addr, ump->um_needswap);
	else
		((uint32_t *)blk)[idx] =
		    ufs_rw32((uint32_t)addr, ump->um_needswap);
}

/* Is [addr, addr + nfrags) inside the file system (and not address 0)? */
bool
ufs_addr_valid(const struct ufsmount *ump, int64_t addr, uint32_t nfrags)
{
	return addr > 0 && (uint64_t)addr < ump->um_nfrags &&
	    nfrags <= ump->um_nfrags - (uint64_t)addr;
}

int
ufs_corrupt_ptr(const struct inode *ip, int64_t addr)
{
	fs_corrupt(ip->i_ump->um_fsname,
	    "inode %llu: block address %lld out of range",
	    (unsigned long long)ip->i_number, (long long)addr);
	return EFSCORRUPTED;
}

/*
 * May nbytes of data start at fragment address addr?  Inside the file
 * system, and where blocks are aligned (ffs), within one block.
 */
bool
ufs_data_valid(const struct ufsmount *ump, int64_t addr, size_t nbytes)
{
	uint32_t nfrags = (uint32_t)howmany(nbytes, ump->um_fsize);

	if (!ufs_addr_valid(ump, addr, nfrags))
		return false;
	if (!ump->um_blkalign)
		return true;
	if (nbytes > ump->um_bsize)
		return (addr & (ump->um_frag - 1)) == 0;
	return (addr & (ump->um_frag - 1)) + nfrags <= ump->um_frag;
}

/* A metadata block (an indirect block) at fragment address addr. */
int
ufs_bread_meta(struct ufsmount *ump, int64_t addr, struct buf **bpp)
{
	if (!ufs_data_valid(ump, addr, ump->um_bsize))
		return EFSCORRUPTED;
	return bread(
	    ump->um_devvp, UFS_FSBTODB(ump, addr), (int)ump->um_bsize, 0, bpp);
}

/* The first logical block past the triple-indirect range. */
daddr_t
ufs_lastlbn_max(const struct ufsmount *ump)
{
	uint64_t n = UFS_NDADDR, span = 1;
	int level;

	for (level = 1; level <= UFS_NIADDR; level++) {
		span <<= ump->um_nindirshift;
		n += span;
	}
	return (daddr_t)n;
}

/*
 * The path to the pointer of lbn: path[0] is the slot among the inode's
 * 15 pointers, then one index per level of indirect blocks.  Returns the
 * number of indirect levels (0 for a direct block), or -1 past the end.
 */
int
ufs_getpath(
    const struct ufsmount *ump, daddr_t lbn, unsigned path[UFS_MAXLEVEL])
{
	unsigned shift = ump->um_nindirshift, level, i;
	uint64_t n = (uint64_t)lbn, span;

	if (lbn < 0)
		return -1;
	if (n < UFS_NDADDR) {
		path[0] = (unsigned)n;
		return 0;
	}
	n -= UFS_NDADDR;
	for (level = 1; level <= UFS_NIADDR; level++) {
		span = (uint64_t)1 << (shift * level);
		if (n < span)
			break;
		n -= span;
	}
	if (level > UFS_NIADDR)
		return -1;
	path[0] = UFS_NDADDR + level - 1;
	for (i = 1; i <= level; i++)
		path[i] = (unsigned)(n >> (shift * (level - i))) &
		    (ump->um_nindir - 1);
	return (int)level;
}

/* Size of logical block lbn: the last block below NDADDR may be short. */
long
ufs_blksize(const struct inode *ip, daddr_t lbn)
{
	const struct ufsmount *ump = ip->i_ump;
	uint64_t start = (uint64_t)UFS_LBLKTOSIZE(ump, lbn);

	if (lbn >= UFS_NDADDR || ip->i_size >= start + ump->um_bsize ||
	    ip->i_size <= start)
		return (long)ump->um_bsize;
	return (long)UFS_FRAGROUNDUP(ump, ip->i_size - start);
}

static int
ufs_maxrun(const struct ufsmount *ump)
{
	return (int)MAX(UFS_MAXRUN_BYTES >> ump->um_bshift, 1) - 1;
}

/*
 * How many of the n pointers after index idx continue the run that
 * starts at addr: consecutive blocks, or, after a hole, more holes.
 */
static int
ufs_ptr_run(const struct ufsmount *ump, const void *blk, const int64_t *arr,
    unsigned idx, unsigned n, int64_t addr)
{
	int run = 0, maxrun = ufs_maxrun(ump);
	int64_t want, got;
	unsigned i;

	for (i = idx + 1; i < n && run < maxrun; i++, run++) {
		want = addr == 0 ? 0 : addr + (int64_t)ump->um_frag * (run + 1);
		got = arr != NULL ? arr[i] : ufs_ind_get(ump, blk, i);
		if (got != want ||
		    (addr != 0 && !ufs_addr_valid(ump, want, ump->um_frag)))
			break;
	}
	return run;
}

/* A null pointer at level depth leaves all blocks below it holes. */
static int
ufs_hole_run(
    const struct ufsmount *ump, const unsigned *path, int depth, int level)
{
	uint64_t span = 1, offset = 0;
	int j;

	for (j = level; j > depth; j--) {
		offset += path[j] * span;
		span <<= ump->um_nindirshift;
	}
	return (int)MIN(span - 1 - offset, (uint64_t)ufs_maxrun(ump));
}

/*
 * Logical block lbn of ip -> fragment address *addr (-1: a hole), and in
 * *runp how many blocks after it follow contiguously on the device (or,
 * after a hole, are holes too).
 */
int
ufs_blkmap(struct inode *ip, daddr_t lbn, daddr_t *addr, int *runp)
{
	struct ufsmount *ump = ip->i_ump;
	unsigned path[UFS_MAXLEVEL];
	struct buf *bp;
	int64_t blk;
	int level, depth, error, run = 0;

	*addr = -1;
	if (runp != NULL)
		*runp = 0;
	if (!ufs_has_blockmap(ip))
		return EINVAL;
	level = ufs_getpath(ump, lbn, path);
	if (level < 0)
		return EFBIG;
	if (level == 0) {
		blk = ip->i_db[path[0]];
		run =
		    ufs_ptr_run(ump, NULL, ip->i_db, path[0], UFS_NDADDR, blk);
	} else
		blk = ip->i_ib[path[0] - UFS_NDADDR];
	/* Each level is read once: a cycle of pointers cannot loop. */
	for (depth = 0; depth < level && blk != 0; depth++) {
		if (!ufs_addr_valid(ump, blk, ump->um_frag))
			return ufs_corrupt_ptr(ip, blk);
		if ((error = ufs_bread_meta(ump, blk, &bp)) != 0)
			return error;
		blk = ufs_ind_get(ump, bp->b_data, path[depth + 1]);
		if (depth + 1 == level)
			run = ufs_ptr_run(ump, bp->b_data, NULL, path[level],
			    ump->um_nindir, blk);
		brelse(bp, 0);
	}
	if (blk != 0) {
		if (!ufs_addr_valid(ump, blk, 1))
			return ufs_corrupt_ptr(ip, blk);
		*addr = (daddr_t)blk;
	} else if (depth < level)
		run = ufs_hole_run(ump, path, depth, level);
	if (runp != NULL)
		*runp = run;
	return 0;
}

/* VOP_BMAP: the same, in DEV_BSIZE units of the device vnode. */
int
ufs_bmap(void *v)
{
	struct vop_bmap_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);
	daddr_t addr;
	int error;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = ip->i_ump->um_devvp;
	if (ap->a_bnp == NULL)
		return 0;
	error = ufs_blkmap(ip, ap->a_bn, &addr, ap->a_runp);
	if (error != 0)
		return error;
	*ap->a_bnp = addr < 0 ? -1 : UFS_FSBTODB(ip->i_ump, addr);
	return 0;
}

static int
ufs_strategy_fail(struct buf *bp, int error)
{
	bp->b_error = error;
	bp->b_flags |= B_ERROR;
	bp->b_resid = bp->b_bcount;
	biodone(bp);
	return error;
}

/*
 * VOP_STRATEGY of a file: map the logical block to the device and pass
 * the buffer on.  A hole reads as zeros; writing one is a bug of ours,
 * since blocks are allocated before their buffers are dirtied.
 */
int
ufs_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	struct inode *ip = VTOI(ap->a_vp);
	struct ufsmount *ump;
	daddr_t addr;
	int run, error;

	if (ip == NULL)
		return ufs_strategy_fail(bp, EIO);
	ump = ip->i_ump;
	error = ufs_blkmap(ip, bp->b_lblkno, &addr, &run);
	if (error != 0)
		return ufs_strategy_fail(bp, error);
	if (bp->b_bcount > ((size_t)run + 1) << ump->um_bshift)
		return ufs_strategy_fail(bp, EINVAL);
	if (addr < 0) {
		if ((bp->b_flags & B_READ) == 0) {
			kprintf("%s: inode %llu: write to unallocated block "
			        "%lld\n",
			    ump->um_fsname, (unsigned long long)ip->i_number,
			    (long long)bp->b_lblkno);
			return ufs_strategy_fail(bp, EIO);
		}
		memset(bp->b_data, 0, bp->b_bcount);
		bp->b_blkno = -1;
		bp->b_resid = 0;
		biodone(bp);
		return 0;
	}
	if (!ufs_data_valid(ump, addr, bp->b_bcount))
		return ufs_strategy_fail(bp, ufs_corrupt_ptr(ip, addr));
	bp->b_blkno = UFS_FSBTODB(ump, addr);
	return VOP_STRATEGY(ump->um_devvp, bp);
}
