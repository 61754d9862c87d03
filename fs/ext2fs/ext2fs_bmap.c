/*
 * The block map: which device block holds logical block lbn of a file.
 * Files either have the classic map (12 direct pointers, then single,
 * double and triple indirect blocks) or an ext4 extent tree
 * (ext2fs_extents.c); ext2fs_blkmap() is the one entry for both.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

/* Further blocks a run may cover after the first. */
int
ext2fs_maxrun(const struct ext2fs_mount *ump)
{
	return (int)MAX(E2FS_MAXRUN_BYTES >> ump->um_bshift, 1) - 1;
}

/*
 * The path to the pointer of lbn: path[0] is the slot in i_block, then
 * one index per level of indirect blocks.  Returns the number of levels
 * (0 for a direct block), or -1 past the triple-indirect range.
 */
int
ext2fs_ind_path(
    const struct ext2fs_mount *ump, daddr_t lbn, unsigned path[1 + E2FS_NIADDR])
{
	unsigned shift = ump->um_nindirshift, level, i;
	uint64_t n = (uint64_t)lbn, span;

	if (n < E2FS_NDADDR) {
		path[0] = (unsigned)n;
		return 0;
	}
	n -= E2FS_NDADDR;
	for (level = 1; level <= E2FS_NIADDR; level++) {
		span = (uint64_t)1 << (shift * level);
		if (n < span)
			break;
		n -= span;
	}
	if (level > E2FS_NIADDR)
		return -1;
	path[0] = E2FS_NDADDR + level - 1;
	for (i = 1; i <= level; i++)
		path[i] = (unsigned)(n >> (shift * (level - i))) &
		    (ump->um_nindir - 1);
	return (int)level;
}

static int
ext2fs_ind_corrupt(const struct ext2fs_inode *ip, uint64_t blk)
{
	fs_corrupt(E2FS_FSNAME, "inode %llu: block pointer %llu out of range",
	    (unsigned long long)ip->i_number, (unsigned long long)blk);
	return EFSCORRUPTED;
}

/*
 * How many pointers after ptrs[idx] (of n) continue the run that starts
 * at blk: physically consecutive blocks, or, for a hole (blk 0), more
 * holes.
 */
static int
ext2fs_ind_run(const struct ext2fs_mount *ump, const uint32_t *ptrs,
    unsigned idx, unsigned n, uint64_t blk)
{
	int run = 0, maxrun = ext2fs_maxrun(ump);
	uint64_t want;
	unsigned i;

	for (i = idx + 1; i < n && run < maxrun; i++, run++) {
		want = blk == 0 ? 0 : blk + 1 + (unsigned)run;
		if (e2fs_le32(ptrs[i]) != want ||
		    (blk != 0 && want >= ump->um_nblocks))
			break;
	}
	return run;
}

/*
 * A null pointer at path[depth] leaves the whole subtree below it a hole:
 * how many blocks of it follow lbn.
 */
static int
ext2fs_ind_holerun(
    const struct ext2fs_mount *ump, const unsigned *path, int depth, int level)
{
	uint64_t span = 1, offset = 0;
	int j;

	for (j = level; j > depth; j--) {
		offset += path[j] * span;
		span <<= ump->um_nindirshift;
	}
	return (int)MIN(span - 1 - offset, (uint64_t)ext2fs_maxrun(ump));
}

/* The classic map: walk down from i_block through the indirect blocks. */
int
ext2fs_bmap_ind(struct ext2fs_inode *ip, daddr_t lbn, daddr_t *pbn, int *runp)
{
	struct ext2fs_mount *ump = ip->i_ump;
	unsigned path[1 + E2FS_NIADDR];
	const uint32_t *ptrs;
	struct buf *bp;
	uint64_t blk;
	int level, depth, error, run = 0;

	*pbn = -1;
	level = ext2fs_ind_path(ump, lbn, path);
	if (level < 0)
		return EFBIG;
	blk = e2fs_le32(ip->i_din->i_block[path[0]]);
	if (level == 0)
		run = ext2fs_ind_run(
		    ump, ip->i_din->i_block, path[0], E2FS_NDADDR, blk);
	/* Each level is read once: a cycle of pointers cannot loop. */
	for (depth = 0; depth < level && blk != 0; depth++) {
		if (!ext2fs_blk_valid(ump, blk))
			return ext2fs_ind_corrupt(ip, blk);
		if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
			return error;
		ptrs = bp->b_data;
		blk = e2fs_le32(ptrs[path[depth + 1]]);
		if (depth + 1 == level)
			run = ext2fs_ind_run(
			    ump, ptrs, path[level], ump->um_nindir, blk);
		brelse(bp, 0);
	}
	if (blk != 0) {
		if (!ext2fs_blk_valid(ump, blk))
			return ext2fs_ind_corrupt(ip, blk);
		*pbn = (daddr_t)blk;
	} else if (depth < level)
		run = ext2fs_ind_holerun(ump, path, depth, level);
	if (runp != NULL)
		*runp = run;
	return 0;
}

/*
 * Logical block lbn of ip -> file-system block *pbn (-1: a hole), and in
 * *runp how many blocks after it follow contiguously on the device (or,
 * after a hole, are holes too).
 */
int
ext2fs_blkmap(struct ext2fs_inode *ip, daddr_t lbn, daddr_t *pbn, int *runp)
{
	*pbn = -1;
	if (runp != NULL)
		*runp = 0;
	if (lbn < 0 || lbn > E2FS_MAX_LBLK)
		return EFBIG;
	if (!ext2fs_has_blockmap(ip))
		return EINVAL;
	if (ip->i_flags & EXT4_EXTENTS_FL)
		return ext2fs_ext_bmap(ip, lbn, pbn, runp);
	return ext2fs_bmap_ind(ip, lbn, pbn, runp);
}

/* VOP_BMAP: the same, in DEV_BSIZE units of the device vnode. */
int
ext2fs_bmap(void *v)
{
	struct vop_bmap_args *ap = v;
	struct ext2fs_inode *ip = VTOI(ap->a_vp);
	daddr_t pbn;
	int error;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = ip->i_ump->um_devvp;
	if (ap->a_bnp == NULL)
		return 0;
	error = ext2fs_blkmap(ip, ap->a_bn, &pbn, ap->a_runp);
	if (error != 0)
		return error;
	*ap->a_bnp = pbn < 0 ? -1 : E2FS_FSBTODB(ip->i_ump, pbn);
	return 0;
}
