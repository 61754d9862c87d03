/*
 * Changing a file's size.  Growing only moves the end (the new part is a
 * hole); shrinking zeroes the tail of the last block, drops the cached
 * blocks past the end, and gives back every block past it, indirect
 * blocks included.  Freeing an inode also releases its extended-attribute
 * block.
 *
 * No buffer is held busy while blocks are freed (see um_lock): a block of
 * pointers is copied, released, its children freed, then it is read again
 * to clear the pointers that went.
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

/*
 * Free what indirect block blk (of the given level: 1 points to data)
 * maps from its relative block `cutoff` on.  *emptyp: nothing is left
 * in it, and it was freed too.  *nfreed counts the blocks freed.
 */
static int
ind_trunc(struct ext2fs_inode *ip, uint64_t blk, int level, uint64_t cutoff,
    bool *emptyp, int64_t *nfreed)
{
	struct ext2fs_mount *ump = ip->i_ump;
	uint64_t span = (uint64_t)1 << (ump->um_nindirshift * (level - 1));
	uint64_t start, child;
	uint32_t *ptrs, *p;
	uint8_t *gone;
	unsigned i, nleft = 0, ngone = 0;
	struct buf *bp;
	bool cempty;
	int error;

	*emptyp = false;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	ptrs = kmem_alloc(ump->um_bsize, KM_SLEEP);
	gone = kmem_zalloc(ump->um_nindir, KM_SLEEP);
	memcpy(ptrs, bp->b_data, ump->um_bsize);
	brelse(bp, 0);
	for (i = 0; i < ump->um_nindir && error == 0; i++) {
		child = e2fs_le32(ptrs[i]);
		if (child == 0)
			continue;
		start = (uint64_t)i * span;
		if (start + span <= cutoff) {
			nleft++;
			continue;
		}
		if (!ext2fs_blk_valid(ump, child)) {
			fs_corrupt(E2FS_FSNAME,
			    "inode %llu: block pointer "
			    "%llu out of range",
			    (unsigned long long)ip->i_number,
			    (unsigned long long)child);
			gone[i] = 1;
			ngone++;
			continue;
		}
		if (level == 1) {
			ext2fs_blkfree(ump, child);
			(*nfreed)++;
			cempty = true;
		} else {
			error = ind_trunc(ip, child, level - 1,
			    cutoff > start ? cutoff - start : 0, &cempty,
			    nfreed);
		}
		if (cempty) {
			gone[i] = 1;
			ngone++;
		} else
			nleft++;
	}
	if (error == 0 && nleft == 0) {
		ext2fs_blkfree(ump, blk);
		(*nfreed)++;
		*emptyp = true;
	} else if (ngone > 0 && (error = ext2fs_bread(ump, blk, &bp)) == 0) {
		p = bp->b_data;
		for (i = 0; i < ump->um_nindir; i++)
			if (gone[i])
				p[i] = 0;
		bdwrite(bp);
	}
	kmem_free(gone, ump->um_nindir);
	kmem_free(ptrs, ump->um_bsize);
	return error;
}

/* Free the blocks of a classic-mapped file from block nb on. */
static int
ind_truncate(struct ext2fs_inode *ip, uint64_t nb, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	uint32_t *slots = ip->i_din->i_block;
	uint64_t start = E2FS_NDADDR, span, blk;
	int64_t nfreed = 0;
	bool empty;
	int level, error = 0;
	unsigned i;

	for (i = (unsigned)MIN(nb, (uint64_t)E2FS_NDADDR); i < E2FS_NDADDR;
	     i++) {
		if ((blk = e2fs_le32(slots[i])) == 0)
			continue;
		slots[i] = 0;
		if (ext2fs_blk_valid(ump, blk)) {
			ext2fs_blkfree(ump, blk);
			nfreed++;
		}
	}
	for (level = 1; level <= E2FS_NIADDR && error == 0; level++) {
		span = (uint64_t)1 << (ump->um_nindirshift * level);
		blk = e2fs_le32(slots[E2FS_NDADDR + level - 1]);
		if (blk != 0 && nb < start + span) {
			if (!ext2fs_blk_valid(ump, blk))
				empty = true;
			else
				error = ind_trunc(ip, blk, level,
				    nb > start ? nb - start : 0, &empty,
				    &nfreed);
			if (error == 0 && empty)
				slots[E2FS_NDADDR + level - 1] = 0;
		}
		start += span;
	}
	ext2fs_blocks_add(ip, -nfreed);
	return error;
}

/* Zero the bytes of the block holding `size` that lie past it. */
static int
zero_tail(struct ext2fs_inode *ip, uint64_t size)
{
	struct ext2fs_mount *ump = ip->i_ump;
	size_t off = E2FS_BLKOFF(ump, size);
	daddr_t lbn = E2FS_LBLKNO(ump, size), pbn;
	struct buf *bp;
	int error;

	if (off == 0)
		return 0;
	if ((error = ext2fs_blkmap(ip, lbn, &pbn, NULL)) != 0 || pbn < 0)
		return error;
	error = bread(ITOV(ip), lbn, (int)ump->um_bsize, 0, &bp);
	if (error != 0)
		return error;
	memset((uint8_t *)bp->b_data + off, 0, ump->um_bsize - off);
	ext2fs_buf_mapped(ip, bp, (uint64_t)pbn);
	bdwrite(bp);
	return 0;
}

/*
 * Set the size of ip (a regular file, directory or symbolic link) to
 * size.  The caller holds the vnode locked exclusive.
 */
int
ext2fs_truncate(struct ext2fs_inode *ip, uint64_t size, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct vnode *vp = ITOV(ip);
	uint64_t nb;
	int error;

	if (size == ip->i_size)
		return 0;
	if (size > ext2fs_maxsize(ip))
		return EFBIG;
	if (!ext2fs_has_blockmap(ip)) {
		/* a fast symbolic link: only its size goes */
		if (size < ip->i_size && size < E2FS_IBLOCK_BYTES)
			memset((uint8_t *)ip->i_din->i_block + size, 0,
			    E2FS_IBLOCK_BYTES - size);
		ip->i_size = size;
		ip->i_flag |= IN_MODIFIED;
		return 0;
	}
	if (size > ip->i_size) {
		if ((error = ext2fs_setsize(ip, size)) != 0)
			return error;
		return 0;
	}
	if ((error = zero_tail(ip, size)) != 0)
		return error;
	nb = howmany(size, ump->um_bsize);
	vtruncbuf(vp, (daddr_t)nb);
	ip->i_size = size;
	vp->v_size = (off_t)size;
	ip->i_flag |= IN_MODIFIED;
	if (ip->i_lastlbn >= (daddr_t)nb)
		ip->i_lastlbn = -1;
	if (ip->i_flags & EXT4_EXTENTS_FL)
		error = ext2fs_ext_truncate(ip, nb, cred);
	else
		error = ind_truncate(ip, nb, cred);
	ip->i_flag |= IN_MODIFIED;
	return error;
}

/* EA block header: magic, reference count. */
#define E2FS_XATTR_BLK_MAGIC 0xEA020000u

/*
 * The inode is going: drop its reference to its extended-attribute
 * block, freeing the block with the last reference.
 */
int
ext2fs_xattr_release(struct ext2fs_inode *ip)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct ext2fs_dinode *din = ip->i_din;
	uint64_t blk;
	uint32_t hdr[2], refs;
	struct buf *bp;
	int error;

	blk = e2fs_le32(din->i_file_acl_lo) |
	    (uint64_t)e2fs_le16(din->i_file_acl_high) << 32;
	if (blk == 0)
		return 0;
	din->i_file_acl_lo = 0;
	din->i_file_acl_high = 0;
	ip->i_flag |= IN_MODIFIED;
	if (!ext2fs_blk_valid(ump, blk))
		return 0;
	ext2fs_blocks_add(ip, -1);
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	memcpy(hdr, bp->b_data, sizeof(hdr));
	refs = e2fs_le32(hdr[1]);
	if (e2fs_le32(hdr[0]) != E2FS_XATTR_BLK_MAGIC) {
		brelse(bp, 0);
		fs_corrupt(E2FS_FSNAME,
		    "inode %llu: attribute block %llu: "
		    "bad magic",
		    (unsigned long long)ip->i_number, (unsigned long long)blk);
		return EFSCORRUPTED;
	}
	if (refs > 1) {
		hdr[1] = e2fs_le32(refs - 1);
		memcpy(bp->b_data, hdr, sizeof(hdr));
		ext2fs_xattrblk_csum_set(ump, blk, bp->b_data);
		bdwrite(bp);
		return 0;
	}
	brelse(bp, 0);
	ext2fs_blkfree(ump, blk);
	return 0;
}
