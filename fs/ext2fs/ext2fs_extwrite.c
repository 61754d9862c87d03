/*
 * Writing ext4 extent trees: mapping a hole (growing the extent before it
 * when the new block follows on the disk, else inserting an extent),
 * turning a block of an unwritten extent into a written one, and freeing
 * everything past a new end of file.
 *
 * The tree is changed on copies of its nodes: the path from the root to a
 * leaf is read into memory, changed there (a full node splits in two, a
 * full root moves into a new block and the tree grows a level), and the
 * changed nodes are written back.  So no buffer is held while blocks are
 * allocated or freed.  The caller holds the vnode locked exclusive, and
 * nobody else walks the tree meanwhile: dirty file buffers carry their
 * device address and are never mapped again when they are written.
 *
 * Invariants kept for e2fsck: extents sorted and disjoint, each index
 * entry starting at the first block of its child, eh_max what the node's
 * space holds, i_blocks counting the tree's blocks too.
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

#define ENT     12u /* size of a header, an index entry or an extent */
#define ROOTMAX ((E2FS_IBLOCK_BYTES - ENT) / ENT)

/* An extent, decoded. */
struct xt {
	uint64_t lblk, pblk;
	uint32_t len;
	bool unwritten;
};

/* One node of a path, copied. */
struct xnode {
	uint64_t blk; /* 0: the root in i_block */
	uint8_t *data;
	size_t size;
	unsigned idx; /* the entry the path goes through (index nodes) */
	bool dirty;
};

struct xpath {
	int depth; /* of the root: the leaf is lv[depth] */
	struct xnode lv[EXT4_EXT_MAX_DEPTH + 1];
};

static unsigned
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return e2fs_le16(v);
}

static void
put16(uint8_t *p, unsigned v)
{
	uint16_t x = e2fs_le16((uint16_t)v);

	memcpy(p, &x, sizeof(x));
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return e2fs_le32(v);
}

static void
put32(uint8_t *p, uint32_t v)
{
	uint32_t x = e2fs_le32(v);

	memcpy(p, &x, sizeof(x));
}

/* Header fields: eh_magic 0, eh_entries 2, eh_max 4, eh_depth 6. */
static unsigned
nentries(const uint8_t *n)
{
	return get16(n + 2);
}

static unsigned
nmax(const uint8_t *n)
{
	return get16(n + 4);
}

static void
set_nentries(uint8_t *n, unsigned v)
{
	put16(n + 2, v);
}

static uint8_t *
entry(uint8_t *n, unsigned i)
{
	return n + ENT + (size_t)i * ENT;
}

static void
header_init(uint8_t *n, unsigned max, unsigned depth)
{
	memset(n, 0, ENT);
	put16(n, EXT4_EXT_MAGIC);
	put16(n + 4, max);
	put16(n + 6, depth);
}

/* Extent: ee_block 0, ee_len 4, ee_start_hi 6, ee_start_lo 8. */
static void
xt_get(const uint8_t *e, struct xt *x)
{
	unsigned len = get16(e + 4);

	x->lblk = get32(e);
	x->unwritten = len > EXT4_EXT_INIT_MAX_LEN;
	x->len = x->unwritten ? len - EXT4_EXT_INIT_MAX_LEN : len;
	x->pblk = get32(e + 8) | (uint64_t)get16(e + 6) << 32;
}

static void
xt_put(uint8_t *e, const struct xt *x)
{
	put32(e, (uint32_t)x->lblk);
	put16(e + 4, x->len + (x->unwritten ? EXT4_EXT_INIT_MAX_LEN : 0));
	put16(e + 6, (unsigned)(x->pblk >> 32));
	put32(e + 8, (uint32_t)x->pblk);
}

/* Index entry: ei_block 0, ei_leaf_lo 4, ei_leaf_hi 8. */
static uint64_t
idx_child(const uint8_t *e)
{
	return get32(e + 4) | (uint64_t)get16(e + 8) << 32;
}

static void
idx_put(uint8_t *e, uint64_t lblk, uint64_t child)
{
	memset(e, 0, ENT);
	put32(e, (uint32_t)lblk);
	put32(e + 4, (uint32_t)child);
	put16(e + 8, (unsigned)(child >> 32));
}

/* The first logical block a node maps (its first entry's). */
static uint64_t
node_first(const uint8_t *n)
{
	return get32(n + ENT);
}

static unsigned
blockmax(const struct ext2fs_mount *ump)
{
	return (ump->um_bsize - ENT) / ENT;
}

static int
xcorrupt(const struct ext2fs_inode *ip, const char *what)
{
	fs_corrupt(E2FS_FSNAME, "inode %llu: extent tree: %s",
	    (unsigned long long)ip->i_number, what);
	return EFSCORRUPTED;
}

static void
path_free(struct xpath *p)
{
	int i;

	for (i = 1; i <= p->depth; i++)
		if (p->lv[i].data != NULL)
			kmem_free(p->lv[i].data, p->lv[i].size);
	memset(p, 0, sizeof(*p));
}

/* Check the header of a copied node: magic, counts, depth. */
static int
node_check(
    const struct ext2fs_inode *ip, const uint8_t *n, unsigned room, int depth)
{
	if (get16(n) != EXT4_EXT_MAGIC || nmax(n) == 0 || nmax(n) > room ||
	    nentries(n) > nmax(n) ||
	    (depth >= 0 && get16(n + 6) != (unsigned)depth))
		return xcorrupt(ip, "bad node header");
	return 0;
}

/* In an index node, the entry whose child covers lbn (0 if before all). */
static unsigned
idx_find(uint8_t *n, uint64_t lbn)
{
	unsigned i, cnt = nentries(n);

	for (i = 1; i < cnt; i++)
		if (get32(entry(n, i)) > lbn)
			break;
	return i - 1;
}

/* In a leaf, the last extent starting at or before lbn, or -1. */
static int
leaf_find(uint8_t *n, uint64_t lbn)
{
	int i, cnt = (int)nentries(n);

	for (i = 0; i < cnt; i++)
		if (get32(entry(n, (unsigned)i)) > lbn)
			break;
	return i - 1;
}

/* Read the path to the leaf that should map lbn, as copies. */
static int
path_read(struct ext2fs_inode *ip, uint64_t lbn, struct xpath *p)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct xnode *x;
	uint64_t child;
	struct buf *bp;
	int d, error;

	memset(p, 0, sizeof(*p));
	x = &p->lv[0];
	x->data = (uint8_t *)ip->i_din->i_block;
	x->size = E2FS_IBLOCK_BYTES;
	if ((error = node_check(ip, x->data, ROOTMAX, -1)) != 0)
		return error;
	p->depth = get16(x->data + 6);
	if (p->depth > EXT4_EXT_MAX_DEPTH)
		return xcorrupt(ip, "too deep");
	for (d = 0; d < p->depth; d++) {
		x = &p->lv[d];
		if (nentries(x->data) == 0) {
			error = xcorrupt(ip, "empty index node");
			goto fail;
		}
		x->idx = idx_find(x->data, lbn);
		child = idx_child(entry(x->data, x->idx));
		if (!ext2fs_blk_valid(ump, child)) {
			error = xcorrupt(ip, "node block out of range");
			goto fail;
		}
		if ((error = ext2fs_bread(ump, child, &bp)) != 0)
			goto fail;
		x = &p->lv[d + 1];
		x->blk = child;
		x->size = ump->um_bsize;
		x->data = kmem_alloc(x->size, KM_SLEEP);
		memcpy(x->data, bp->b_data, x->size);
		brelse(bp, 0);
		error =
		    node_check(ip, x->data, blockmax(ump), p->depth - d - 1);
		if (error != 0) {
			d++; /* the node just read goes too */
			goto fail;
		}
	}
	return 0;
fail:
	p->depth = d;
	path_free(p);
	return error;
}

/* Write the changed nodes of a path back: blocks, and the inode's root. */
static void
path_write(struct ext2fs_inode *ip, struct xpath *p)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct xnode *x;
	struct buf *bp;
	int d;

	for (d = p->depth; d >= 0; d--) {
		x = &p->lv[d];
		if (!x->dirty)
			continue;
		x->dirty = false;
		if (d == 0) {
			ip->i_flag |= IN_MODIFIED;
			continue;
		}
		bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, x->blk),
		    (int)ump->um_bsize);
		memcpy(bp->b_data, x->data, ump->um_bsize);
		ext2fs_extblk_csum_set(ip, bp->b_data);
		bdwrite(bp);
	}
}

/*
 * The first block of node lv[d] changed: its index entry in the parent,
 * and further up while it is the first entry there, follow.
 */
static void
path_fix_starts(struct xpath *p, int d)
{
	uint64_t first;
	uint8_t *e;

	for (; d > 0; d--) {
		if (nentries(p->lv[d].data) == 0)
			return;
		first = node_first(p->lv[d].data);
		e = entry(p->lv[d - 1].data, p->lv[d - 1].idx);
		if (get32(e) == first)
			return;
		put32(e, (uint32_t)first);
		p->lv[d - 1].dirty = true;
		if (p->lv[d - 1].idx != 0)
			return;
	}
}

/* A new block for the tree, near the file's data. */
static int
node_alloc(
    struct ext2fs_inode *ip, kauth_cred_t cred, uint64_t near, uint64_t *blkp)
{
	int error;

	error = ext2fs_blkalloc(
	    ip, ext2fs_blkpref(ip, ip->i_lastlbn + 1, near), cred, blkp);
	if (error == 0)
		ext2fs_blocks_add(ip, 1);
	return error;
}

/*
 * The root is full: move its entries to a new block, which becomes its
 * only child; the tree is one level deeper.
 */
static int
grow_root(struct ext2fs_inode *ip, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	uint8_t *root = (uint8_t *)ip->i_din->i_block;
	unsigned depth = get16(root + 6), n = nentries(root);
	uint64_t nb, first = n > 0 ? node_first(root) : 0;
	struct buf *bp;
	int error;

	if (depth >= EXT4_EXT_MAX_DEPTH)
		return EFBIG;
	if ((error = node_alloc(ip, cred, 0, &nb)) != 0)
		return error;
	bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, nb), (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	header_init(bp->b_data, blockmax(ump), depth);
	set_nentries(bp->b_data, n);
	memcpy(entry(bp->b_data, 0), entry(root, 0), (size_t)n * ENT);
	ext2fs_extblk_csum_set(ip, bp->b_data);
	bdwrite(bp);
	header_init(root, ROOTMAX, depth + 1);
	set_nentries(root, 1);
	idx_put(entry(root, 0), first, nb);
	ip->i_flag |= IN_MODIFIED;
	return 0;
}

/*
 * Split the full node lv[d] (d >= 1) in two; its parent has room for
 * the new node's index entry.  `at` is where an insertion is coming: an
 * insertion at the end moves only the last entry (files grow at the end).
 */
static int
split_node(struct ext2fs_inode *ip, struct xpath *p, int d, unsigned at,
    kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct xnode *x = &p->lv[d], *parent = &p->lv[d - 1];
	unsigned n = nentries(x->data), keep, pn, i;
	uint64_t nb;
	struct buf *bp;
	int error;

	keep = at >= n ? n - 1 : n / 2;
	if ((error = node_alloc(ip, cred, x->blk, &nb)) != 0)
		return error;
	bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, nb), (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	header_init(bp->b_data, blockmax(ump), get16(x->data + 6));
	set_nentries(bp->b_data, n - keep);
	memcpy(entry(bp->b_data, 0), entry(x->data, keep),
	    (size_t)(n - keep) * ENT);
	ext2fs_extblk_csum_set(ip, bp->b_data);
	/* the new node's first block, before the buffer goes */
	pn = nentries(parent->data);
	for (i = pn; i > parent->idx + 1; i--)
		memcpy(entry(parent->data, i), entry(parent->data, i - 1), ENT);
	idx_put(
	    entry(parent->data, parent->idx + 1), node_first(bp->b_data), nb);
	set_nentries(parent->data, pn + 1);
	bdwrite(bp);
	memset(entry(x->data, keep), 0, (size_t)(n - keep) * ENT);
	set_nentries(x->data, keep);
	x->dirty = parent->dirty = true;
	return 0;
}

/*
 * Insert extent *nx into the tree (it overlaps no extent there).  Full
 * nodes are split, lowest first, and the path is read again after each
 * change of shape.
 */
static int
ext_insert(struct ext2fs_inode *ip, const struct xt *nx, kauth_cred_t cred)
{
	struct xpath p;
	uint8_t *leaf;
	unsigned n, at;
	int d, error, tries;

	for (tries = 0; tries < 4 * (EXT4_EXT_MAX_DEPTH + 2); tries++) {
		if ((error = path_read(ip, nx->lblk, &p)) != 0)
			return error;
		leaf = p.lv[p.depth].data;
		n = nentries(leaf);
		at = (unsigned)(leaf_find(leaf, nx->lblk) + 1);
		if (n < nmax(leaf)) {
			memmove(entry(leaf, at + 1), entry(leaf, at),
			    (size_t)(n - at) * ENT);
			xt_put(entry(leaf, at), nx);
			set_nentries(leaf, n + 1);
			p.lv[p.depth].dirty = true;
			if (at == 0)
				path_fix_starts(&p, p.depth);
			path_write(ip, &p);
			path_free(&p);
			return 0;
		}
		/* the lowest node with room; the one below it splits */
		for (d = p.depth - 1; d >= 0; d--)
			if (nentries(p.lv[d].data) < nmax(p.lv[d].data))
				break;
		if (d < 0) {
			path_free(&p);
			if ((error = grow_root(ip, cred)) != 0)
				return error;
			continue;
		}
		error = split_node(ip, &p, d + 1,
		    d + 1 == p.depth ? at : p.lv[d + 1].idx + 1, cred);
		if (error == 0)
			path_write(ip, &p);
		path_free(&p);
		if (error != 0)
			return error;
	}
	return xcorrupt(ip, "cannot make room for an extent");
}

/* Start an empty extent tree in a new inode. */
void
ext2fs_ext_init(struct ext2fs_inode *ip)
{
	memset(ip->i_din->i_block, 0, E2FS_IBLOCK_BYTES);
	header_init((uint8_t *)ip->i_din->i_block, ROOTMAX, 0);
	ip->i_flags |= EXT4_EXTENTS_FL;
	ip->i_flag |= IN_MODIFIED;
}

/*
 * Block lbn lies in unwritten extent i of the leaf: make that one block
 * written (its contents are the caller's to zero).
 */
static int
convert_unwritten(struct ext2fs_inode *ip, struct xpath *p, int i, uint64_t lbn,
    kauth_cred_t cred, uint64_t *pbnp)
{
	uint8_t *leaf = p->lv[p->depth].data;
	struct xt x, mid, tail;
	int error;

	xt_get(entry(leaf, (unsigned)i), &x);
	*pbnp = x.pblk + (lbn - x.lblk);
	mid.lblk = lbn;
	mid.pblk = *pbnp;
	mid.len = 1;
	mid.unwritten = false;
	tail.lblk = lbn + 1;
	tail.pblk = *pbnp + 1;
	tail.len = (uint32_t)(x.lblk + x.len - lbn - 1);
	tail.unwritten = true;
	if (lbn == x.lblk) {
		/* the written block takes the extent's place */
		xt_put(entry(leaf, (unsigned)i), &mid);
	} else {
		x.len = (uint32_t)(lbn - x.lblk);
		xt_put(entry(leaf, (unsigned)i), &x);
	}
	p->lv[p->depth].dirty = true;
	path_write(ip, p);
	path_free(p);
	if (lbn != x.lblk && (error = ext_insert(ip, &mid, cred)) != 0)
		return error;
	if (tail.len > 0 && (error = ext_insert(ip, &tail, cred)) != 0)
		return error;
	return 0;
}

/*
 * Map lbn of the extent-mapped file ip, allocating a block for a hole
 * (*newp then set).
 */
int
ext2fs_ext_balloc(struct ext2fs_inode *ip, daddr_t lbn, kauth_cred_t cred,
    uint64_t *pbnp, bool *newp)
{
	struct xt prev, next, nx;
	bool hasprev = false, hasnext = false;
	uint64_t goal, pbn;
	struct xpath p;
	uint8_t *leaf;
	int i, error;

	memset(&prev, 0, sizeof(prev));
	memset(&next, 0, sizeof(next));

	if ((error = path_read(ip, (uint64_t)lbn, &p)) != 0)
		return error;
	leaf = p.lv[p.depth].data;
	i = leaf_find(leaf, (uint64_t)lbn);
	if (i >= 0) {
		xt_get(entry(leaf, (unsigned)i), &prev);
		hasprev = true;
		if ((uint64_t)lbn < prev.lblk + prev.len) {
			if (!prev.unwritten) {
				*pbnp = prev.pblk + ((uint64_t)lbn - prev.lblk);
				path_free(&p);
				return 0;
			}
			*newp = true;
			return convert_unwritten(
			    ip, &p, i, (uint64_t)lbn, cred, pbnp);
		}
	}
	if ((unsigned)(i + 1) < nentries(leaf)) {
		xt_get(entry(leaf, (unsigned)(i + 1)), &next);
		hasnext = true;
	}
	goal = ext2fs_blkpref(ip, lbn,
	    hasprev ? prev.pblk + prev.len - 1 +
	            ((uint64_t)lbn - prev.lblk - prev.len)
	            : 0);
	/* the path is a copy: nothing is held while allocating */
	if ((error = ext2fs_blkalloc(ip, goal, cred, &pbn)) != 0) {
		path_free(&p);
		return error;
	}
	ext2fs_blocks_add(ip, 1);
	ip->i_lastlbn = lbn;
	ip->i_lastpbn = pbn;
	*pbnp = pbn;
	*newp = true;
	if (hasprev && !prev.unwritten &&
	    prev.lblk + prev.len == (uint64_t)lbn &&
	    prev.pblk + prev.len == pbn && prev.len < EXT4_EXT_INIT_MAX_LEN) {
		prev.len++;
		xt_put(entry(leaf, (unsigned)i), &prev);
		p.lv[p.depth].dirty = true;
	} else if (hasnext && !next.unwritten &&
	    next.lblk == (uint64_t)lbn + 1 && next.pblk == pbn + 1 &&
	    next.len < EXT4_EXT_INIT_MAX_LEN) {
		next.lblk--;
		next.pblk--;
		next.len++;
		xt_put(entry(leaf, (unsigned)(i + 1)), &next);
		p.lv[p.depth].dirty = true;
		if (i + 1 == 0)
			path_fix_starts(&p, p.depth);
	} else {
		path_free(&p);
		nx.lblk = (uint64_t)lbn;
		nx.pblk = pbn;
		nx.len = 1;
		nx.unwritten = false;
		if ((error = ext_insert(ip, &nx, cred)) != 0) {
			ext2fs_blkfree(ip->i_ump, pbn);
			ext2fs_blocks_add(ip, -1);
			*newp = false;
		}
		return error;
	}
	path_write(ip, &p);
	path_free(&p);
	return 0;
}

/* --- truncation --------------------------------------------------------- */

static void
free_run(struct ext2fs_inode *ip, uint64_t pblk, uint64_t n, int64_t *nfreed)
{
	uint64_t k;

	for (k = 0; k < n; k++)
		if (ext2fs_blk_valid(ip->i_ump, pblk + k))
			ext2fs_blkfree(ip->i_ump, pblk + k);
	*nfreed += (int64_t)n;
}

/*
 * Free what node n (a copy, at the given depth) maps from block nb on;
 * entries that go are removed from it.  *changed: n was changed.
 */
static int
trunc_node(struct ext2fs_inode *ip, uint8_t *n, int depth, uint64_t nb,
    bool *changed, int64_t *nfreed)
{
	struct ext2fs_mount *ump = ip->i_ump;
	unsigned cnt = nentries(n), i;
	uint64_t child, start, next;
	uint8_t *c;
	struct buf *bp;
	bool cchanged;
	struct xt x;
	int error;

	*changed = false;
	for (i = cnt; i > 0; i--) {
		if (depth == 0) {
			xt_get(entry(n, i - 1), &x);
			if (x.lblk + x.len <= nb)
				break;
			if (x.lblk >= nb) {
				free_run(ip, x.pblk, x.len, nfreed);
				set_nentries(n, i - 1);
			} else {
				free_run(ip, x.pblk + (nb - x.lblk),
				    x.lblk + x.len - nb, nfreed);
				x.len = (uint32_t)(nb - x.lblk);
				xt_put(entry(n, i - 1), &x);
			}
			*changed = true;
			continue;
		}
		start = get32(entry(n, i - 1));
		next = i < cnt ? get32(entry(n, i)) : UINT64_MAX;
		if (next != UINT64_MAX && next <= nb)
			break;
		child = idx_child(entry(n, i - 1));
		if (!ext2fs_blk_valid(ump, child))
			return xcorrupt(ip, "node block out of range");
		if ((error = ext2fs_bread(ump, child, &bp)) != 0)
			return error;
		c = kmem_alloc(ump->um_bsize, KM_SLEEP);
		memcpy(c, bp->b_data, ump->um_bsize);
		brelse(bp, 0);
		error = node_check(ip, c, blockmax(ump), depth - 1);
		if (error == 0)
			error =
			    trunc_node(ip, c, depth - 1, nb, &cchanged, nfreed);
		if (error == 0 && nentries(c) == 0) {
			ext2fs_blkfree(ump, child);
			(*nfreed)++;
			set_nentries(n, i - 1);
			*changed = true;
		} else if (error == 0 && cchanged) {
			bp = getblk(ump->um_devvp, E2FS_FSBTODB(ump, child),
			    (int)ump->um_bsize);
			memcpy(bp->b_data, c, ump->um_bsize);
			ext2fs_extblk_csum_set(ip, bp->b_data);
			bdwrite(bp);
		}
		kmem_free(c, ump->um_bsize);
		if (error != 0)
			return error;
		if (start < nb)
			break;
	}
	return 0;
}

/*
 * The root has one child whose entries fit in the root: pull them up, so
 * the tree is no deeper than it needs to be.
 */
static int
shrink_root(struct ext2fs_inode *ip, int64_t *nfreed)
{
	struct ext2fs_mount *ump = ip->i_ump;
	uint8_t *root = (uint8_t *)ip->i_din->i_block;
	uint64_t child;
	struct buf *bp;
	unsigned depth, n;
	int error;

	while ((depth = get16(root + 6)) > 0) {
		if (nentries(root) == 0) {
			header_init(root, ROOTMAX, 0);
			break;
		}
		if (nentries(root) != 1)
			break;
		child = idx_child(entry(root, 0));
		if (!ext2fs_blk_valid(ump, child))
			return xcorrupt(ip, "node block out of range");
		if ((error = ext2fs_bread(ump, child, &bp)) != 0)
			return error;
		n = nentries(bp->b_data);
		if (n > ROOTMAX ||
		    get16((uint8_t *)bp->b_data + 6) != depth - 1) {
			brelse(bp, 0);
			break;
		}
		header_init(root, ROOTMAX, depth - 1);
		set_nentries(root, n);
		memcpy(entry(root, 0), entry(bp->b_data, 0), (size_t)n * ENT);
		brelse(bp, 0);
		ext2fs_blkfree(ump, child);
		(*nfreed)++;
	}
	ip->i_flag |= IN_MODIFIED;
	return 0;
}

/* Free every block of the extent-mapped file ip from block nb on. */
int
ext2fs_ext_truncate(struct ext2fs_inode *ip, uint64_t nb, kauth_cred_t cred)
{
	uint8_t *root = (uint8_t *)ip->i_din->i_block;
	int64_t nfreed = 0;
	bool changed;
	int error, e;

	if ((error = node_check(ip, root, ROOTMAX, -1)) != 0)
		return error;
	/* only tails are cut: no index entry's start moves */
	error = trunc_node(ip, root, get16(root + 6), nb, &changed, &nfreed);
	e = shrink_root(ip, &nfreed);
	ext2fs_blocks_add(ip, -nfreed);
	ip->i_flag |= IN_MODIFIED;
	return error ? error : e;
}
