/*
 * ext4 extent trees.  The root node sits in i_block; interior nodes hold
 * index entries (first logical block, child block) and leaves hold
 * extents (first logical block, length, first physical block), sorted by
 * logical block.  Every node is checked before it is used: the depth is
 * bounded and strictly decreases, so a crafted tree cannot loop.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

#define EXT_ENTRY_SIZE 12u

static int
ext2fs_ext_corrupt(
    const struct ext2fs_inode *ip, const char *what, unsigned long long n)
{
	fs_corrupt(E2FS_FSNAME, "inode %llu: extent tree: %s %llu",
	    (unsigned long long)ip->i_number, what, n);
	return EFSCORRUPTED;
}

/*
 * Check a node header.  room: entries the node's space can hold; depth:
 * the depth it must have, or -1 for the root.
 */
static int
ext2fs_ext_check_header(const struct ext2fs_inode *ip, const void *node,
    size_t room, int depth, struct ext4_extent_header *eh)
{
	unsigned max, n, d;

	memcpy(eh, node, sizeof(*eh));
	if (e2fs_le16(eh->eh_magic) != EXT4_EXT_MAGIC)
		return ext2fs_ext_corrupt(
		    ip, "bad magic", e2fs_le16(eh->eh_magic));
	max = e2fs_le16(eh->eh_max);
	n = e2fs_le16(eh->eh_entries);
	d = e2fs_le16(eh->eh_depth);
	if (max == 0 || max > room)
		return ext2fs_ext_corrupt(ip, "bad node capacity", max);
	if (n > max)
		return ext2fs_ext_corrupt(ip, "too many entries", n);
	if (depth < 0 ? d > EXT4_EXT_MAX_DEPTH : d != (unsigned)depth)
		return ext2fs_ext_corrupt(ip, "bad depth", d);
	return 0;
}

int
ext2fs_ext_check_root(const struct ext2fs_inode *ip)
{
	struct ext4_extent_header eh;

	return ext2fs_ext_check_header(ip, ip->i_din->i_block,
	    (E2FS_IBLOCK_BYTES - sizeof(eh)) / EXT_ENTRY_SIZE, -1, &eh);
}

/*
 * In an interior node, the child whose range holds lbn: the last entry
 * starting at or before it.  *child is 0 when lbn precedes them all.
 * *limit drops to the start of the entry after it, where the child's
 * range ends.
 */
static int
ext2fs_ext_index(const struct ext2fs_inode *ip, const uint8_t *node, unsigned n,
    daddr_t lbn, uint64_t *child, uint64_t *limit)
{
	struct ext4_extent_idx ei;
	uint64_t prev = 0, start;
	unsigned i;

	*child = 0;
	for (i = 0; i < n; i++) {
		memcpy(&ei, node + (i + 1) * EXT_ENTRY_SIZE, sizeof(ei));
		start = e2fs_le32(ei.ei_block);
		if (i > 0 && start <= prev)
			return ext2fs_ext_corrupt(
			    ip, "unsorted index at", start);
		prev = start;
		if ((uint64_t)lbn < start) {
			*limit = MIN(*limit, start);
			break;
		}
		*child = e2fs_le32(ei.ei_leaf_lo) |
		    (uint64_t)e2fs_le16(ei.ei_leaf_hi) << 32;
		if (!ext2fs_blk_valid(ip->i_ump, *child))
			return ext2fs_ext_corrupt(ip, "node block", *child);
	}
	return 0;
}

static void
ext2fs_ext_setrun(
    const struct ext2fs_mount *ump, daddr_t lbn, uint64_t end, int *runp)
{
	if (runp != NULL)
		*runp = (int)MIN(
		    end - 1 - (uint64_t)lbn, (uint64_t)ext2fs_maxrun(ump));
}

/*
 * In a leaf, the extent that holds lbn, if any.  Blocks up to limit (or
 * the next extent) that no extent holds are a hole.
 */
static int
ext2fs_ext_leaf(const struct ext2fs_inode *ip, const uint8_t *node, unsigned n,
    daddr_t lbn, uint64_t limit, daddr_t *pbn, int *runp)
{
	const struct ext2fs_mount *ump = ip->i_ump;
	struct ext4_extent ex;
	uint64_t end = 0, start, len, pstart;
	unsigned i;
	bool unwritten;

	for (i = 0; i < n; i++) {
		memcpy(&ex, node + (i + 1) * EXT_ENTRY_SIZE, sizeof(ex));
		start = e2fs_le32(ex.ee_block);
		len = e2fs_le16(ex.ee_len);
		unwritten = len > EXT4_EXT_INIT_MAX_LEN;
		if (unwritten)
			len -= EXT4_EXT_INIT_MAX_LEN;
		pstart = e2fs_le32(ex.ee_start_lo) |
		    (uint64_t)e2fs_le16(ex.ee_start_hi) << 32;
		if (len == 0 || start < end)
			return ext2fs_ext_corrupt(ip, "bad extent at", start);
		if (!ext2fs_blk_valid(ump, pstart) ||
		    !ext2fs_blk_valid(ump, pstart + len - 1))
			return ext2fs_ext_corrupt(ip,
			    "extent outside the "
			    "file system at",
			    pstart);
		end = start + len;
		if ((uint64_t)lbn < start) {
			/* in the hole before this extent */
			ext2fs_ext_setrun(ump, lbn, MIN(start, limit), runp);
			return 0;
		}
		if ((uint64_t)lbn >= end)
			continue;
		/* An unwritten extent reads as zeros, like a hole. */
		if (!unwritten)
			*pbn = (daddr_t)(pstart + ((uint64_t)lbn - start));
		ext2fs_ext_setrun(ump, lbn, end, runp);
		return 0;
	}
	if ((uint64_t)lbn < limit)
		ext2fs_ext_setrun(ump, lbn, limit, runp);
	return 0;
}

/* Walk the tree of ip from the root to the leaf that maps lbn. */
int
ext2fs_ext_bmap(struct ext2fs_inode *ip, daddr_t lbn, daddr_t *pbn, int *runp)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct ext4_extent_header eh;
	const uint8_t *node = (const uint8_t *)ip->i_din->i_block;
	size_t room = (E2FS_IBLOCK_BYTES - sizeof(eh)) / EXT_ENTRY_SIZE;
	struct buf *bp = NULL;
	uint64_t child, limit = (uint64_t)E2FS_MAX_LBLK + 1;
	int depth = -1, error;

	*pbn = -1;
	if (runp != NULL)
		*runp = 0;
	for (;;) {
		error = ext2fs_ext_check_header(ip, node, room, depth, &eh);
		if (error != 0)
			break;
		depth = e2fs_le16(eh.eh_depth);
		if (depth == 0) {
			error = ext2fs_ext_leaf(ip, node,
			    e2fs_le16(eh.eh_entries), lbn, limit, pbn, runp);
			break;
		}
		error = ext2fs_ext_index(
		    ip, node, e2fs_le16(eh.eh_entries), lbn, &child, &limit);
		if (error != 0)
			break;
		if (child == 0) {
			/* before the first child: a hole up to limit */
			ext2fs_ext_setrun(ump, lbn, limit, runp);
			break;
		}
		if (bp != NULL)
			brelse(bp, 0);
		if ((error = ext2fs_bread(ump, child, &bp)) != 0)
			return error;
		node = bp->b_data;
		room = (ump->um_bsize - sizeof(eh)) / EXT_ENTRY_SIZE;
		depth--;
	}
	if (bp != NULL)
		brelse(bp, 0);
	return error;
}
