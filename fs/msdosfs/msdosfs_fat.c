/*
 * The file allocation table: reading links, walking cluster chains with a
 * remembered position, allocating and freeing clusters with every FAT
 * copy kept identical, the in-core map of used clusters and the free
 * count that FSInfo publishes, and the clean-shutdown bit in FAT[1].
 *
 * The FAT is read and written through the device's buffer cache in
 * blocks of pm_fatblksize bytes, counted from the start of each copy (the
 * last block of a copy may be shorter).  Everything here runs under
 * pm_fatlock.  Links are written so that a crash leaves at worst lost
 * clusters: a new chain is complete before anything points at it, and a
 * chain is cut before it is freed.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

/* The FAT blocks in use by one operation, one per copy. */
struct fatcursor {
	struct msdosfsmount *fc_pmp;
	struct buf *fc_bp[2];
	uint32_t fc_blk[2];
	bool fc_dirty[2];
	bool fc_sync; /* write dirty blocks at once */
};

static void
fc_init(struct fatcursor *fc, struct msdosfsmount *pmp)
{
	memset(fc, 0, sizeof(*fc));
	fc->fc_pmp = pmp;
}

static int
fc_put(struct fatcursor *fc, unsigned copy)
{
	struct buf *bp = fc->fc_bp[copy];
	int error = 0;

	if (bp == NULL)
		return 0;
	fc->fc_bp[copy] = NULL;
	if (!fc->fc_dirty[copy]) {
		brelse(bp, 0);
		return 0;
	}
	fc->fc_dirty[copy] = false;
	bp->b_flags |= B_META;
	if (fc->fc_sync)
		error = bwrite(bp);
	else
		bdwrite(bp);
	return error;
}

static int
fc_done(struct fatcursor *fc)
{
	int error, e;

	error = fc_put(fc, 0);
	if ((e = fc_put(fc, 1)) != 0 && error == 0)
		error = e;
	return error;
}

/* A pointer to byte off of FAT copy `copy`. */
static int
fc_byte(struct fatcursor *fc, unsigned copy, uint64_t off, uint8_t **pp)
{
	struct msdosfsmount *pmp = fc->fc_pmp;
	uint64_t fatbytes = (uint64_t)pmp->pm_fatsecs << pmp->pm_bpsshift;
	uint32_t blk = (uint32_t)(off / pmp->pm_fatblksize);
	uint64_t boff = (uint64_t)blk * pmp->pm_fatblksize;
	struct buf *bp;
	daddr_t dblk;
	int size, error;

	KASSERT(copy < pmp->pm_nfats && copy < 2);
	if (off >= fatbytes) {
		fs_corrupt(MSDOSFS_NAME, "FAT offset %llu past the FAT",
		    (unsigned long long)off);
		return EFSCORRUPTED;
	}
	if (fc->fc_bp[copy] == NULL || fc->fc_blk[copy] != blk) {
		if ((error = fc_put(fc, copy)) != 0)
			return error;
		size = (int)MIN((uint64_t)pmp->pm_fatblksize, fatbytes - boff);
		dblk = msdosfs_sectodb(pmp,
		           (uint64_t)pmp->pm_fatstart +
		               (uint64_t)copy * pmp->pm_fatsecs) +
		    (daddr_t)(boff >> DEV_BSHIFT);
		if ((error = bread(pmp->pm_devvp, dblk, size, 0, &bp)) != 0)
			return error;
		fc->fc_bp[copy] = bp;
		fc->fc_blk[copy] = blk;
	}
	*pp = (uint8_t *)fc->fc_bp[copy]->b_data + (off - boff);
	return 0;
}

/* The raw entry cn of the FAT we read from. */
static int
fat_read(struct fatcursor *fc, uint32_t cn, uint32_t *valp)
{
	struct msdosfsmount *pmp = fc->fc_pmp;
	unsigned copy = pmp->pm_activefat;
	uint64_t off;
	uint8_t *p, b0;
	int error;

	switch (pmp->pm_fatbits) {
	case 32:
		if ((error = fc_byte(fc, copy, (uint64_t)cn * 4, &p)) != 0)
			return error;
		*valp = le32get(p) & FAT32_MASK;
		return 0;
	case 16:
		if ((error = fc_byte(fc, copy, (uint64_t)cn * 2, &p)) != 0)
			return error;
		*valp = le16get(p);
		return 0;
	default:
		off = (uint64_t)cn + cn / 2; /* may straddle two blocks */
		if ((error = fc_byte(fc, copy, off, &p)) != 0)
			return error;
		b0 = *p;
		if ((error = fc_byte(fc, copy, off + 1, &p)) != 0)
			return error;
		*valp = (uint32_t)b0 | ((uint32_t)*p << 8);
		*valp = (cn & 1) ? *valp >> 4 : *valp & FAT12_MASK;
		return 0;
	}
}

/* Set entry cn in every FAT we keep up to date. */
static int
fat_write(struct fatcursor *fc, uint32_t cn, uint32_t val)
{
	struct msdosfsmount *pmp = fc->fc_pmp;
	unsigned copy, first, last;
	uint64_t off;
	uint8_t *p;
	int error;

	first = pmp->pm_mirror ? 0 : pmp->pm_activefat;
	last = pmp->pm_mirror ? pmp->pm_nfats - 1 : pmp->pm_activefat;
	for (copy = first; copy <= last; copy++) {
		switch (pmp->pm_fatbits) {
		case 32:
			error = fc_byte(fc, copy, (uint64_t)cn * 4, &p);
			if (error != 0)
				return error;
			/* the top four bits are reserved: keep them */
			le32put(
			    p, (le32get(p) & ~FAT32_MASK) | (val & FAT32_MASK));
			break;
		case 16:
			error = fc_byte(fc, copy, (uint64_t)cn * 2, &p);
			if (error != 0)
				return error;
			le16put(p, (uint16_t)val);
			break;
		default:
			off = (uint64_t)cn + cn / 2;
			if ((error = fc_byte(fc, copy, off, &p)) != 0)
				return error;
			if (cn & 1)
				*p = (uint8_t)((*p & 0x0f) |
				    ((val & 0x0f) << 4));
			else
				*p = (uint8_t)val;
			fc->fc_dirty[copy] = true;
			if ((error = fc_byte(fc, copy, off + 1, &p)) != 0)
				return error;
			if (cn & 1)
				*p = (uint8_t)(val >> 4);
			else
				*p = (uint8_t)((*p & 0xf0) |
				    ((val >> 8) & 0x0f));
			break;
		}
		fc->fc_dirty[copy] = true;
	}
	return 0;
}

int
msdosfs_fat_isend(const struct msdosfsmount *pmp, uint32_t val)
{
	return val >= CLUST_EOFS(pmp->pm_fatmask);
}

static uint32_t
fat_eoc(const struct msdosfsmount *pmp)
{
	return pmp->pm_fatmask; /* 0xFFF, 0xFFFF, 0x0FFFFFFF */
}

/* The in-use map. */
static bool
inuse_test(const struct msdosfsmount *pmp, uint32_t cn)
{
	return (pmp->pm_inuse[cn / 32] >> (cn % 32)) & 1;
}

static void
inuse_set(struct msdosfsmount *pmp, uint32_t cn)
{
	pmp->pm_inuse[cn / 32] |= 1u << (cn % 32);
}

static void
inuse_clr(struct msdosfsmount *pmp, uint32_t cn)
{
	pmp->pm_inuse[cn / 32] &= ~(1u << (cn % 32));
}

static size_t
inuse_words(const struct msdosfsmount *pmp)
{
	return ((size_t)pmp->pm_maxclust + 32) / 32;
}

/* The next free cluster at or after cn, wrapping; 0 if none. */
static uint32_t
inuse_findfree(const struct msdosfsmount *pmp, uint32_t cn)
{
	uint32_t n, w;

	if (pmp->pm_freeclust == 0)
		return 0;
	if (!msdosfs_validclust(pmp, cn))
		cn = CLUST_FIRST;
	for (n = 0; n <= pmp->pm_maxclust;) {
		w = pmp->pm_inuse[cn / 32];
		if (cn % 32 == 0 && w == 0xffffffffu) {
			cn += 32;
			n += 32;
		} else {
			if (!((w >> (cn % 32)) & 1))
				return cn;
			cn++;
			n++;
		}
		if (cn > pmp->pm_maxclust)
			cn = CLUST_FIRST;
	}
	return 0;
}

/* Read FSInfo; remember its values if its signatures are right. */
static void
fsinfo_read(struct msdosfsmount *pmp)
{
	struct buf *bp;
	const uint8_t *p;

	pmp->pm_fsi_valid = false;
	if (pmp->pm_fsinfosec == 0)
		return;
	if (bread(pmp->pm_devvp, msdosfs_sectodb(pmp, pmp->pm_fsinfosec),
	        (int)pmp->pm_bps, 0, &bp) != 0)
		return;
	p = bp->b_data;
	if (le32get(p + FSI_LEADSIG) == FSI_LEADSIG_VAL &&
	    le32get(p + FSI_STRUCSIG) == FSI_STRUCSIG_VAL &&
	    le32get(p + FSI_TRAILSIG) == FSI_TRAILSIG_VAL) {
		pmp->pm_fsi_valid = true;
		pmp->pm_fsi_free = le32get(p + FSI_FREECOUNT);
		pmp->pm_fsi_next = le32get(p + FSI_NXTFREE);
	}
	brelse(bp, 0);
}

/*
 * At mount: read the whole FAT once to build the in-use map and count
 * the free clusters (FSInfo's count is only a hint, often stale).
 */
int
msdosfs_fat_init(struct msdosfsmount *pmp)
{
	struct fatcursor fc;
	uint32_t cn, val;
	int error = 0;

	mutex_init(&pmp->pm_fatlock);
	pmp->pm_inuse =
	    kmem_zalloc(inuse_words(pmp) * sizeof(uint32_t), KM_SLEEP);
	pmp->pm_freeclust = 0;
	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	for (cn = CLUST_FIRST; cn <= pmp->pm_maxclust; cn++) {
		if ((error = fat_read(&fc, cn, &val)) != 0)
			break;
		if (val == CLUST_FREE)
			pmp->pm_freeclust++;
		else
			inuse_set(pmp, cn);
	}
	fc_done(&fc);
	fsinfo_read(pmp);
	pmp->pm_nxtfree = CLUST_FIRST;
	if (pmp->pm_fsi_valid && msdosfs_validclust(pmp, pmp->pm_fsi_next))
		pmp->pm_nxtfree = pmp->pm_fsi_next;
	mutex_exit(&pmp->pm_fatlock);
	if (error != 0)
		msdosfs_fat_done(pmp);
	return error;
}

void
msdosfs_fat_done(struct msdosfsmount *pmp)
{
	if (pmp->pm_inuse == NULL)
		return;
	kmem_free(pmp->pm_inuse, inuse_words(pmp) * sizeof(uint32_t));
	pmp->pm_inuse = NULL;
	mutex_destroy(&pmp->pm_fatlock);
}

uint32_t
msdosfs_fat_nfree(struct msdosfsmount *pmp)
{
	uint32_t n;

	mutex_enter(&pmp->pm_fatlock);
	n = pmp->pm_freeclust;
	mutex_exit(&pmp->pm_fatlock);
	return n;
}

/* One raw FAT entry (for fsck and the tests of the dirty bit). */
int
msdosfs_fat_get(struct msdosfsmount *pmp, uint32_t cn, uint32_t *valp)
{
	struct fatcursor fc;
	int error;

	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	error = fat_read(&fc, cn, valp);
	fc_done(&fc);
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

/*
 * Entries first..first+n-1 of FAT copy `copy` into vals, as stored (for
 * fsck, which checks them itself).
 */
int
msdosfs_fat_readcopy(struct msdosfsmount *pmp, unsigned copy, uint32_t first,
    uint32_t n, uint32_t *vals)
{
	struct fatcursor fc;
	unsigned active = pmp->pm_activefat;
	uint32_t i;
	int error = 0;

	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	pmp->pm_activefat = copy; /* fat_read reads the active copy */
	for (i = 0; i < n && error == 0; i++)
		error = fat_read(&fc, first + i, &vals[i]);
	pmp->pm_activefat = active;
	fc_done(&fc);
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

/* The link after cn, checked: a cluster, or 0 at the end of the chain. */
static int
fat_next(struct fatcursor *fc, uint32_t cn, uint32_t *nextp)
{
	struct msdosfsmount *pmp = fc->fc_pmp;
	uint32_t val;
	int error;

	if ((error = fat_read(fc, cn, &val)) != 0)
		return error;
	if (msdosfs_fat_isend(pmp, val)) {
		*nextp = 0;
		return 0;
	}
	if (!msdosfs_validclust(pmp, val)) {
		fs_corrupt(MSDOSFS_NAME, "cluster %u: %s link %#x", cn,
		    val == CLUST_FREE                       ? "free"
		        : val == CLUST_BAD(pmp->pm_fatmask) ? "bad-cluster"
		                                            : "out-of-range",
		    val);
		return EFSCORRUPTED;
	}
	*nextp = val;
	return 0;
}

/*
 * Find logical cluster lcn of the chain: *pcnp is its cluster, or 0 if
 * the chain is shorter.  With maxrun, *runp counts how many clusters
 * after it follow contiguously (at most maxrun).  The caller bounds lcn,
 * which bounds the walk even through a looping chain.
 */
int
msdosfs_chain_map(struct msdosfsmount *pmp, struct msdosfs_chain *ch,
    uint32_t lcn, uint32_t maxrun, uint32_t *pcnp, uint32_t *runp)
{
	struct fatcursor fc;
	uint32_t cur, i, next, run = 0;
	int error = 0;

	*pcnp = 0;
	if (runp != NULL)
		*runp = 0;
	if (ch->ch_start == 0)
		return 0;
	if (ch->ch_hpcn != 0 && ch->ch_hlcn <= lcn) {
		cur = ch->ch_hpcn;
		i = ch->ch_hlcn;
	} else {
		cur = ch->ch_start;
		i = 0;
	}
	if (!msdosfs_validclust(pmp, cur)) {
		fs_corrupt(MSDOSFS_NAME, "chain starts at cluster %#x", cur);
		return EFSCORRUPTED;
	}
	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	while (i < lcn) {
		if ((error = fat_next(&fc, cur, &next)) != 0)
			goto out;
		if (next == 0)
			goto out; /* the chain ends first */
		cur = next;
		i++;
	}
	while (run < maxrun) {
		if ((error = fat_next(&fc, cur + run, &next)) != 0)
			goto out;
		if (next != cur + run + 1)
			break;
		run++;
	}
	*pcnp = cur;
	if (runp != NULL)
		*runp = run;
	ch->ch_hlcn = lcn + run;
	ch->ch_hpcn = cur + run;
out:
	fc_done(&fc);
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

/* The number of clusters in the chain at start; EFSCORRUPTED past max. */
int
msdosfs_chain_length(
    struct msdosfsmount *pmp, uint32_t start, uint32_t max, uint32_t *np)
{
	struct fatcursor fc;
	uint32_t cn = start, n = 0, next;
	int error = 0;

	*np = 0;
	if (start == 0)
		return 0;
	if (!msdosfs_validclust(pmp, start)) {
		fs_corrupt(MSDOSFS_NAME, "chain starts at cluster %#x", start);
		return EFSCORRUPTED;
	}
	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	for (;;) {
		if (++n > max) {
			fs_corrupt(MSDOSFS_NAME,
			    "chain at cluster %u longer than %u clusters "
			    "(a loop?)",
			    start, max);
			error = EFSCORRUPTED;
			break;
		}
		if ((error = fat_next(&fc, cn, &next)) != 0 || next == 0)
			break;
		cn = next;
	}
	fc_done(&fc);
	mutex_exit(&pmp->pm_fatlock);
	if (error == 0)
		*np = n;
	return error;
}

/*
 * Check that the chain at start has at least n clusters and does not
 * loop back on itself within them (Brent's cycle finding: at most about
 * 3n links are read, and only when the chain goes on past n).
 */
int
msdosfs_chain_verify(struct msdosfsmount *pmp, uint32_t start, uint32_t n)
{
	struct fatcursor fc;
	uint32_t cn = start, saved = start, next, steps, power = 1, lam = 0;
	uint64_t limit = (uint64_t)n * 3 + 2;
	int error = 0;

	if (n == 0)
		return 0;
	if (!msdosfs_validclust(pmp, start)) {
		fs_corrupt(MSDOSFS_NAME, "chain starts at cluster %#x", start);
		return EFSCORRUPTED;
	}
	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	for (steps = 1; steps < limit; steps++) {
		if ((error = fat_next(&fc, cn, &next)) != 0)
			break;
		if (next == 0) {
			if (steps < n) {
				fs_corrupt(MSDOSFS_NAME,
				    "chain at cluster %u: "
				    "%u clusters, its file needs %u",
				    start, steps, n);
				error = EFSCORRUPTED;
			}
			break;
		}
		cn = next;
		if (cn == saved) {
			fs_corrupt(MSDOSFS_NAME,
			    "chain at cluster %u loops "
			    "back to cluster %u",
			    start, cn);
			error = EFSCORRUPTED;
			break;
		}
		if (++lam == power) {
			saved = cn;
			power *= 2;
			lam = 0;
		}
	}
	fc_done(&fc);
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

/*
 * Allocate a chain of count clusters, contiguous after prev if possible,
 * and append it to prev (0: a new chain).  All or nothing: ENOSPC if
 * there are not count free clusters.
 */
int
msdosfs_fat_alloc(
    struct msdosfsmount *pmp, uint32_t prev, uint32_t count, uint32_t *firstp)
{
	struct fatcursor fc;
	uint32_t first = 0, cur = 0, cn, i;
	int error = 0;

	KASSERT(count > 0);
	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	if (count > pmp->pm_freeclust) {
		error = ENOSPC;
		goto out;
	}
	cn = msdosfs_validclust(pmp, prev) && prev < pmp->pm_maxclust
	    ? prev + 1
	    : pmp->pm_nxtfree;
	for (i = 0; i < count; i++) {
		cn = inuse_findfree(pmp, cn);
		KASSERT(cn != 0);
		inuse_set(pmp, cn);
		pmp->pm_freeclust--;
		/* the new chain is complete before prev points at it */
		if (cur != 0 && (error = fat_write(&fc, cur, cn)) != 0)
			goto out;
		if (first == 0)
			first = cn;
		cur = cn;
	}
	if ((error = fat_write(&fc, cur, fat_eoc(pmp))) != 0)
		goto out;
	if (prev != 0 && (error = fat_write(&fc, prev, first)) != 0)
		goto out;
	pmp->pm_nxtfree = cur < pmp->pm_maxclust ? cur + 1 : CLUST_FIRST;
	*firstp = first;
out:
	fc_done(&fc);
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

static int
fat_freechain_locked(struct fatcursor *fc, uint32_t start)
{
	struct msdosfsmount *pmp = fc->fc_pmp;
	uint32_t cn = start, next;
	int error;

	while (cn != 0) {
		if (!msdosfs_validclust(pmp, cn) || !inuse_test(pmp, cn)) {
			/* a cross-link into something freed already */
			fs_corrupt(MSDOSFS_NAME,
			    "freeing chain at %u: cluster %#x not in use",
			    start, cn);
			return EFSCORRUPTED;
		}
		if (fat_next(fc, cn, &next) != 0)
			next = 0; /* free what we can reach */
		if ((error = fat_write(fc, cn, CLUST_FREE)) != 0)
			return error;
		inuse_clr(pmp, cn);
		pmp->pm_freeclust++;
		cn = next;
	}
	return 0;
}

/* Free the chain that starts at start. */
int
msdosfs_fat_freechain(struct msdosfsmount *pmp, uint32_t start)
{
	struct fatcursor fc;
	int error, e;

	if (start == 0)
		return 0;
	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	error = fat_freechain_locked(&fc, start);
	if ((e = fc_done(&fc)) != 0 && error == 0)
		error = e;
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

/* Make last the end of its chain and free what followed it. */
int
msdosfs_fat_cut(struct msdosfsmount *pmp, uint32_t last)
{
	struct fatcursor fc;
	uint32_t next;
	int error, e;

	fc_init(&fc, pmp);
	mutex_enter(&pmp->pm_fatlock);
	error = fat_next(&fc, last, &next);
	if (error == 0)
		error = fat_write(&fc, last, fat_eoc(pmp));
	if (error == 0 && next != 0)
		error = fat_freechain_locked(&fc, next);
	if ((e = fc_done(&fc)) != 0 && error == 0)
		error = e;
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

static uint32_t
fat_cleanbit(const struct msdosfsmount *pmp)
{
	return pmp->pm_fatbits == 32 ? FAT32_CLEANBIT : FAT16_CLEANBIT;
}

static uint32_t
fat_noerrbit(const struct msdosfsmount *pmp)
{
	return pmp->pm_fatbits == 32 ? FAT32_NOERRBIT : FAT16_NOERRBIT;
}

/*
 * Was the file system shut down cleanly, without I/O errors?  FAT12 has
 * no such bits; the flag Linux keeps in the boot sector counts as well.
 */
int
msdosfs_fat_clean(struct msdosfsmount *pmp, bool *cleanp)
{
	uint32_t val;
	int error;

	*cleanp = (pmp->pm_bsflags & BS_FLAG_DIRTY) == 0;
	if (pmp->pm_fatbits == 12)
		return 0;
	if ((error = msdosfs_fat_get(pmp, 1, &val)) != 0)
		return error;
	if ((val & fat_cleanbit(pmp)) == 0 || (val & fat_noerrbit(pmp)) == 0)
		*cleanp = false;
	return 0;
}

/* Set or clear the clean bit in FAT[1], written through at once. */
int
msdosfs_fat_markclean(struct msdosfsmount *pmp, bool clean)
{
	struct fatcursor fc;
	uint32_t val;
	int error, e;

	if (pmp->pm_fatbits == 12)
		return 0;
	fc_init(&fc, pmp);
	fc.fc_sync = true;
	mutex_enter(&pmp->pm_fatlock);
	error = fat_read(&fc, 1, &val);
	if (error == 0) {
		if (clean)
			val |= fat_cleanbit(pmp);
		else
			val &= ~fat_cleanbit(pmp);
		error = fat_write(&fc, 1, val);
	}
	if ((e = fc_done(&fc)) != 0 && error == 0)
		error = e;
	mutex_exit(&pmp->pm_fatlock);
	return error;
}

/* Publish the free count and the next-free hint in FSInfo. */
int
msdosfs_fsinfo_write(struct msdosfsmount *pmp)
{
	struct buf *bp;
	uint8_t *p;
	uint32_t nfree, next;
	int error;

	if (pmp->pm_fsinfosec == 0 || !pmp->pm_fsi_valid)
		return 0;
	mutex_enter(&pmp->pm_fatlock);
	nfree = pmp->pm_freeclust;
	next = pmp->pm_nxtfree;
	mutex_exit(&pmp->pm_fatlock);
	if (nfree == pmp->pm_fsi_free && next == pmp->pm_fsi_next)
		return 0;
	error = bread(pmp->pm_devvp, msdosfs_sectodb(pmp, pmp->pm_fsinfosec),
	    (int)pmp->pm_bps, 0, &bp);
	if (error != 0)
		return error;
	p = bp->b_data;
	le32put(p + FSI_FREECOUNT, nfree);
	le32put(p + FSI_NXTFREE, next);
	bp->b_flags |= B_META;
	if ((error = bwrite(bp)) == 0) {
		pmp->pm_fsi_free = nfree;
		pmp->pm_fsi_next = next;
	}
	return error;
}

/*
 * fsck: write every entry of fat (indexed by cluster) whose bit is set in
 * changed to every FAT copy kept up to date, synchronously.
 */
int
msdosfs_fat_update(struct msdosfsmount *pmp, const uint32_t *fat,
    const uint32_t *changed)
{
	struct fatcursor fc;
	uint32_t cn;
	int error = 0, e;

	fc_init(&fc, pmp);
	fc.fc_sync = true;
	mutex_enter(&pmp->pm_fatlock);
	for (cn = 0; cn <= pmp->pm_maxclust && error == 0; cn++)
		if ((changed[cn / 32] >> (cn % 32)) & 1)
			error = fat_write(&fc, cn, fat[cn]);
	if ((e = fc_done(&fc)) != 0 && error == 0)
		error = e;
	mutex_exit(&pmp->pm_fatlock);
	return error;
}
