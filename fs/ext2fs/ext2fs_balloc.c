/*
 * Mapping a logical block of a file for writing: find it, or allocate it
 * (and the indirect blocks on the way to it).  Blocks are allocated after
 * the one the file got last, so that a file written from start to end
 * lies in one run.  ext2fs_balloc() is the one entry; extent-mapped files
 * go to ext2fs_ext_balloc().
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

/* Where a new block for ip should go: after the last one it got. */
uint64_t
ext2fs_blkpref(const struct ext2fs_inode *ip, daddr_t lbn, uint64_t near)
{
	if (ip->i_lastlbn >= 0 && ip->i_lastpbn != 0)
		return ip->i_lastpbn + 1 +
		    (uint64_t)MAX(lbn - ip->i_lastlbn - 1, (daddr_t)0);
	if (near != 0)
		return near + 1;
	return 0;
}

/* A fresh indirect block: zeroed but for the one pointer it starts with. */
static void
ind_init(struct ext2fs_mount *ump, uint64_t blk, unsigned slot, uint64_t ptr)
{
	struct buf *bp;
	uint32_t *p;

	bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, blk), (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	p = bp->b_data;
	p[slot] = e2fs_le32((uint32_t)ptr);
	bdwrite(bp);
}

/* Set pointer slot of the existing indirect block blk to ptr. */
static int
ind_setptr(struct ext2fs_mount *ump, uint64_t blk, unsigned slot, uint64_t ptr)
{
	struct buf *bp;
	uint32_t *p;
	int error;

	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	p = bp->b_data;
	p[slot] = e2fs_le32((uint32_t)ptr);
	bdwrite(bp);
	return 0;
}

/*
 * Read the chain of pointers to lbn: chain[0] is the slot in i_block,
 * chain[i] the pointer in indirect block chain[i - 1]; chain[level] is
 * the data block.  Stops at the first zero.
 */
static int
ind_chain(
    struct ext2fs_inode *ip, const unsigned *path, int level, uint64_t *chain)
{
	struct ext2fs_mount *ump = ip->i_ump;
	const uint32_t *p;
	struct buf *bp;
	int i, error;

	memset(chain, 0, sizeof(*chain) * (1 + E2FS_NIADDR));
	chain[0] = e2fs_le32(ip->i_din->i_block[path[0]]);
	for (i = 0; i < level && chain[i] != 0; i++) {
		if (!ext2fs_blk_valid(ump, chain[i]))
			goto bad;
		if ((error = ext2fs_bread(ump, chain[i], &bp)) != 0)
			return error;
		p = bp->b_data;
		chain[i + 1] = e2fs_le32(p[path[i + 1]]);
		brelse(bp, 0);
	}
	if (chain[i] != 0 && !ext2fs_blk_valid(ump, chain[i]))
		goto bad;
	return 0;
bad:
	fs_corrupt(E2FS_FSNAME, "inode %llu: block pointer %llu out of range",
	    (unsigned long long)ip->i_number, (unsigned long long)chain[i]);
	return EFSCORRUPTED;
}

/* The classic block map. */
static int
ext2fs_balloc_ind(struct ext2fs_inode *ip, daddr_t lbn, kauth_cred_t cred,
    uint64_t *pbnp, bool *newp)
{
	struct ext2fs_mount *ump = ip->i_ump;
	unsigned path[1 + E2FS_NIADDR];
	uint64_t chain[1 + E2FS_NIADDR], goal;
	int level, first, i, error;

	level = ext2fs_ind_path(ump, lbn, path);
	if (level < 0)
		return EFBIG;
	if ((error = ind_chain(ip, path, level, chain)) != 0)
		return error;
	if (chain[level] != 0) {
		*pbnp = chain[level];
		return 0;
	}
	for (first = 0; chain[first] != 0; first++)
		continue;
	/* Allocate all missing blocks, holding no buffer. */
	goal = ext2fs_blkpref(ip, lbn, first > 0 ? chain[first - 1] : 0);
	if (goal > UINT32_MAX)
		goal = 0;
	for (i = first; i <= level; i++) {
		error = ext2fs_blkalloc(ip, goal, cred, &chain[i]);
		if (error == 0 && chain[i] > UINT32_MAX) {
			/* block pointers have 32 bits: out of reach */
			ext2fs_blkfree(ump, chain[i]);
			error = ENOSPC;
		}
		if (error != 0) {
			while (--i >= first)
				ext2fs_blkfree(ump, chain[i]);
			return error;
		}
		goal = chain[i] + 1;
	}
	/* Bottom up: each new block points to the next before it is linked. */
	for (i = level - 1; i >= first; i--)
		ind_init(ump, chain[i], path[i + 1], chain[i + 1]);
	if (first == 0) {
		ip->i_din->i_block[path[0]] = e2fs_le32((uint32_t)chain[0]);
	} else if ((error = ind_setptr(ump, chain[first - 1], path[first],
	                chain[first])) != 0) {
		for (i = first; i <= level; i++)
			ext2fs_blkfree(ump, chain[i]);
		return error;
	}
	ext2fs_blocks_add(ip, level - first + 1);
	ip->i_lastlbn = lbn;
	ip->i_lastpbn = chain[level];
	*pbnp = chain[level];
	*newp = true;
	return 0;
}

/*
 * The device block of logical block lbn of ip, allocated if it is a
 * hole (then *newp is set: its contents are undefined).  The caller
 * holds the vnode locked exclusive and no buffer busy.
 */
int
ext2fs_balloc(struct ext2fs_inode *ip, daddr_t lbn, kauth_cred_t cred,
    uint64_t *pbnp, bool *newp)
{
	*newp = false;
	*pbnp = 0;
	if (lbn < 0 || lbn > E2FS_MAX_LBLK)
		return EFBIG;
	if (ip->i_flags & EXT4_EXTENTS_FL)
		return ext2fs_ext_balloc(ip, lbn, cred, pbnp, newp);
	return ext2fs_balloc_ind(ip, lbn, cred, pbnp, newp);
}
