/*
 * FFS helpers: finding and checking the superblock, the compatibility
 * rules of old UFS1 superblocks, cylinder-group blocks and their maps,
 * fragment and cluster accounting, and the group summaries.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

static int
ffs_log2(uint64_t v)
{
	int n = 0;

	if (v == 0 || !powerof2(v))
		return -1;
	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static bool
ffs_magic_ok(int32_t magic)
{
	return magic == FS_UFS1_MAGIC || magic == FS_UFS2_MAGIC ||
	    magic == FS_UFS2EA_MAGIC;
}

/*
 * The old UFS1 superblock kept sizes and counts in 32-bit fields; once
 * FS_FLAGS_UPDATED is set the 64-bit ones are authoritative.  Bring an
 * old one into the new form.
 */
void
ffs_oldfscompat_read(struct fs *fs, int64_t loc)
{
	if (fs->fs_magic != FS_UFS1_MAGIC)
		return;
	if ((fs->fs_old_flags & FS_FLAGS_UPDATED) == 0) {
		fs->fs_flags = fs->fs_old_flags;
		fs->fs_maxbsize = fs->fs_bsize;
		fs->fs_time = fs->fs_old_time;
		fs->fs_size = fs->fs_old_size;
		fs->fs_dsize = fs->fs_old_dsize;
		fs->fs_csaddr = fs->fs_old_csaddr;
		fs->fs_sblockloc = loc;
		fs->fs_cstotal.cs_ndir = fs->fs_old_cstotal.cs_ndir;
		fs->fs_cstotal.cs_nbfree = fs->fs_old_cstotal.cs_nbfree;
		fs->fs_cstotal.cs_nifree = fs->fs_old_cstotal.cs_nifree;
		fs->fs_cstotal.cs_nffree = fs->fs_old_cstotal.cs_nffree;
	}
	if (fs->fs_old_inodefmt < FS_44INODEFMT)
		fs->fs_maxsymlinklen = 0;
}

/* Fill the old fields of a UFS1 superblock from the new ones. */
void
ffs_oldfscompat_write(const struct fs *fs, struct fs *out)
{
	if (fs->fs_magic != FS_UFS1_MAGIC)
		return;
	out->fs_old_time = (int32_t)fs->fs_time;
	out->fs_old_size = (int32_t)fs->fs_size;
	out->fs_old_dsize = (int32_t)fs->fs_dsize;
	out->fs_old_csaddr = (int32_t)fs->fs_csaddr;
	out->fs_old_cstotal.cs_ndir = (int32_t)fs->fs_cstotal.cs_ndir;
	out->fs_old_cstotal.cs_nbfree = (int32_t)fs->fs_cstotal.cs_nbfree;
	out->fs_old_cstotal.cs_nifree = (int32_t)fs->fs_cstotal.cs_nifree;
	out->fs_old_cstotal.cs_nffree = (int32_t)fs->fs_cstotal.cs_nffree;
	out->fs_old_flags |= FS_FLAGS_UPDATED;
}

#define SBFAIL(...)                                                            \
	do {                                                                   \
		ksnprintf(why, whylen, __VA_ARGS__);                           \
		return EFSCORRUPTED;                                           \
	} while (0)

/* Is the superblock (host order, found at byte loc) usable? */
int
ffs_sb_check(const struct fs *fs, int64_t loc, uint64_t devsize, char *why,
    size_t whylen)
{
	bool ufs2 = fs->fs_magic != FS_UFS1_MAGIC;
	int64_t dinsize = ufs2 ? 256 : 128, ptrsize = ufs2 ? 8 : 4;
	int64_t frag, ncg, csfrags, inoblks;

	if (!ffs_magic_ok(fs->fs_magic))
		SBFAIL("bad magic number %#x", (unsigned)fs->fs_magic);
	if (fs->fs_bsize < MINBSIZE || fs->fs_bsize > MAXBSIZE ||
	    !powerof2(fs->fs_bsize) ||
	    ffs_log2((uint64_t)fs->fs_bsize) != fs->fs_bshift)
		SBFAIL("bad block size %d", fs->fs_bsize);
	if (fs->fs_fsize < DEV_BSIZE || fs->fs_fsize > fs->fs_bsize ||
	    !powerof2(fs->fs_fsize) ||
	    ffs_log2((uint64_t)fs->fs_fsize) != fs->fs_fshift)
		SBFAIL("bad fragment size %d", fs->fs_fsize);
	frag = fs->fs_bsize / fs->fs_fsize;
	if (frag > MAXFRAG || fs->fs_frag != frag ||
	    ffs_log2((uint64_t)frag) != fs->fs_fragshift)
		SBFAIL("bad fragments per block %d", fs->fs_frag);
	if (ffs_log2((uint64_t)fs->fs_fsize / DEV_BSIZE) != fs->fs_fsbtodb)
		SBFAIL("bad fsbtodb %d", fs->fs_fsbtodb);
	if (fs->fs_sbsize < (int32_t)sizeof(struct fs) / 2 ||
	    fs->fs_sbsize > SBLOCKSIZE)
		SBFAIL("bad superblock size %d", fs->fs_sbsize);
	if (fs->fs_inopb != fs->fs_bsize / dinsize ||
	    fs->fs_nindir != fs->fs_bsize / ptrsize)
		SBFAIL("bad inodes or pointers per block");
	if (fs->fs_size <= 0 || (!ufs2 && fs->fs_size > INT32_MAX) ||
	    (uint64_t)fs->fs_size > devsize / (uint64_t)fs->fs_fsize)
		SBFAIL("file system size %lld fragments does not fit the "
		       "device (%llu bytes)",
		    (long long)fs->fs_size, (unsigned long long)devsize);
	if (fs->fs_fpg <= 0 || fs->fs_fpg % frag != 0 || fs->fs_ipg <= 0 ||
	    fs->fs_ipg % fs->fs_inopb != 0)
		SBFAIL("bad group geometry (fpg %d, ipg %d)", fs->fs_fpg,
		    fs->fs_ipg);
	ncg = (fs->fs_size + fs->fs_fpg - 1) / fs->fs_fpg;
	if (fs->fs_ncg != ncg)
		SBFAIL("%d cylinder groups, %lld expected", fs->fs_ncg,
		    (long long)ncg);
	if ((uint64_t)fs->fs_ncg * (uint64_t)fs->fs_ipg > UINT32_MAX)
		SBFAIL("too many inodes");
	if (!ufs2 && fs->fs_old_cgoffset != 0 &&
	    (fs->fs_old_cgoffset < 0 || fs->fs_old_cgoffset > fs->fs_fpg))
		SBFAIL("bad cylinder-group offset %d", fs->fs_old_cgoffset);
	inoblks = (int64_t)fs->fs_ipg / fs->fs_inopb * frag;
	if (fs->fs_sblkno < 0 || fs->fs_cblkno <= fs->fs_sblkno ||
	    fs->fs_iblkno <= fs->fs_cblkno || fs->fs_dblkno > fs->fs_fpg ||
	    fs->fs_iblkno + inoblks > fs->fs_dblkno ||
	    fs->fs_iblkno % frag != 0 ||
	    fs->fs_old_cgoffset + (int64_t)fs->fs_dblkno > fs->fs_fpg)
		SBFAIL("bad layout of a cylinder group");
	if (fs->fs_cgsize < (int32_t)sizeof(struct cg) ||
	    fs->fs_cgsize > fs->fs_bsize ||
	    (int64_t)fs->fs_cblkno + howmany(fs->fs_cgsize, fs->fs_fsize) >
	        fs->fs_iblkno)
		SBFAIL("bad cylinder-group size %d", fs->fs_cgsize);
	if (loc + SBLOCKSIZE > ffs_cgtod(fs, 0) * fs->fs_fsize)
		SBFAIL("superblock overlaps the first cylinder group");
	csfrags = howmany(fs->fs_cssize, fs->fs_fsize);
	if (fs->fs_cssize < fs->fs_ncg * (int32_t)sizeof(struct csum) ||
	    fs->fs_csaddr < ffs_cgdmin(fs, 0) ||
	    fs->fs_csaddr + csfrags > fs->fs_size)
		SBFAIL("bad summary area (%lld, %d bytes)",
		    (long long)fs->fs_csaddr, fs->fs_cssize);
	if (ffs_cg_ndblk(fs, (uint32_t)fs->fs_ncg - 1) <
	    ffs_cgdmin(fs, (uint32_t)fs->fs_ncg - 1) -
	        ffs_cgbase(fs, (uint32_t)fs->fs_ncg - 1))
		SBFAIL("last cylinder group too small");
	if (fs->fs_maxsymlinklen < 0 ||
	    fs->fs_maxsymlinklen >
	        (ufs2 ? UFS2_MAXSYMLINKLEN : UFS1_MAXSYMLINKLEN))
		SBFAIL("bad fast symlink length %d", fs->fs_maxsymlinklen);
	if (fs->fs_contigsumsize < 0 || fs->fs_contigsumsize > FS_MAXCONTIG)
		SBFAIL("bad cluster summary size %d", fs->fs_contigsumsize);
	if (fs->fs_minfree < 0 || fs->fs_minfree > 99)
		SBFAIL("bad minfree %d", fs->fs_minfree);
	if (fs->fs_dsize <= 0 || fs->fs_dsize > fs->fs_size)
		SBFAIL("bad data size %lld", (long long)fs->fs_dsize);
	return 0;
}
#undef SBFAIL

/*
 * Read the superblock at byte offset loc into fs (host order).  Returns
 * ENOENT when there is none, *needswap set by the byte order found.
 */
static int
ffs_sb_read(struct vnode *devvp, int64_t loc, struct fs *fs, bool *needswap)
{
	struct buf *bp;
	int error;

	error = bread(devvp, loc / DEV_BSIZE, SBLOCKSIZE, 0, &bp);
	if (error != 0)
		return error;
	memcpy(fs, bp->b_data, sizeof(*fs));
	/* Probes at other places must not leave buffers behind. */
	brelse(bp, B_INVAL);
	if (ffs_magic_ok(fs->fs_magic)) {
		*needswap = false;
		return 0;
	}
	if (ffs_magic_ok((int32_t)__builtin_bswap32((uint32_t)fs->fs_magic))) {
		ffs_sb_swap(fs, fs);
		*needswap = true;
		return 0;
	}
	return ENOENT;
}

/*
 * Find the superblock as NetBSD does: UFS2 at 64 KiB, then UFS1 (and
 * UFS2 as some makefs versions write it) at 8 KiB.  A UFS2 superblock
 * must say it is where it was found, or it is a backup copy.
 */
int
ffs_sb_find(struct vnode *devvp, uint64_t devsize, struct fs *fs, int64_t *locp,
    bool *needswap, char *why, size_t whylen)
{
	static const int64_t tries[] = {
	    SBLOCK_UFS2, SBLOCK_UFS1, SBLOCK_FLOPPY, SBLOCK_PIGGY};
	char mywhy[128];
	bool quiet = why != NULL;
	int error, firsterr = ENOENT;
	size_t i;

	if (why == NULL) {
		why = mywhy;
		whylen = sizeof(mywhy);
	}
	ksnprintf(why, whylen, "no superblock found");
	for (i = 0; i < __arraycount(tries); i++) {
		if ((uint64_t)tries[i] + SBLOCKSIZE > devsize)
			continue;
		error = ffs_sb_read(devvp, tries[i], fs, needswap);
		if (error == ENOENT)
			continue;
		if (error != 0)
			return error;
		if (fs->fs_magic == FS_UFS1_MAGIC && tries[i] == SBLOCK_UFS2)
			continue;
		if (fs->fs_magic != FS_UFS1_MAGIC &&
		    fs->fs_sblockloc != tries[i])
			continue;
		ffs_oldfscompat_read(fs, tries[i]);
		error = ffs_sb_check(fs, tries[i], devsize, why, whylen);
		if (error != 0) {
			if (!quiet)
				fs_corrupt(FFS_FSNAME, "superblock at %lld: %s",
				    (long long)tries[i], why);
			firsterr = error;
			continue;
		}
		*locp = tries[i];
		return 0;
	}
	if (firsterr == ENOENT && !quiet)
		kprintf("ffs: no superblock found\n");
	return firsterr == ENOENT ? EINVAL : firsterr;
}

/* The UFS layer's view of the file system. */
void
ffs_ump_setup(struct ffsmount *fm, bool needswap)
{
	struct ufsmount *ump = &fm->fm_um;
	struct fs *fs = fm->fm_fs;
	uint64_t max, nblocks, span;
	int level;

	ump->um_fsname = FFS_FSNAME;
	ump->um_needswap = needswap;
	ump->um_ufs2 = fs->fs_magic != FS_UFS1_MAGIC;
	ump->um_oldfmt = !ump->um_ufs2 && fs->fs_old_inodefmt < FS_44INODEFMT;
	ump->um_blkalign = true;
	ump->um_bsize = (uint32_t)fs->fs_bsize;
	ump->um_bshift = (unsigned)fs->fs_bshift;
	ump->um_fsize = (uint32_t)fs->fs_fsize;
	ump->um_fshift = (unsigned)fs->fs_fshift;
	ump->um_frag = (uint32_t)fs->fs_frag;
	ump->um_fsbtodb = (unsigned)fs->fs_fsbtodb;
	ump->um_nindir = (uint32_t)fs->fs_nindir;
	ump->um_nindirshift = (unsigned)ffs_log2((uint64_t)fs->fs_nindir);
	ump->um_nfrags = (uint64_t)fs->fs_size;
	ump->um_ninodes = (uint64_t)fs->fs_ncg * (uint64_t)fs->fs_ipg;
	ump->um_maxsymlinklen = (uint32_t)fs->fs_maxsymlinklen;
	ump->um_dinodesize = ump->um_ufs2 ? 256 : 128;
	/* The map reaches this far; the superblock may say less. */
	nblocks = UFS_NDADDR;
	span = 1;
	for (level = 1; level <= UFS_NIADDR; level++) {
		span <<= ump->um_nindirshift;
		nblocks += span;
	}
	max = nblocks > (UINT64_C(1) << 62) >> ump->um_bshift
	    ? UINT64_C(1) << 62
	    : nblocks << ump->um_bshift;
	if (fs->fs_maxfilesize != 0 && fs->fs_maxfilesize < max)
		max = fs->fs_maxfilesize;
	ump->um_maxfilesize = max;
}

/* Locate the maps of a checked cylinder-group block. */
void
ffs_cg_locate(
    const struct fs *fs, bool ns, struct cg *cgp, struct ffs_cgbuf *cb)
{
	uint8_t *base = (uint8_t *)cgp;

	cb->cb_cg = cgp;
	cb->cb_ns = ns;
	cb->cb_inosused = base + ufs_rw32((uint32_t)cgp->cg_iusedoff, ns);
	cb->cb_blksfree = base + ufs_rw32((uint32_t)cgp->cg_freeoff, ns);
	if (fs->fs_contigsumsize > 0) {
		cb->cb_clustersfree =
		    base + ufs_rw32((uint32_t)cgp->cg_clusteroff, ns);
		cb->cb_clustersum = (int32_t *)(void *)(base +
		    ufs_rw32((uint32_t)cgp->cg_clustersumoff, ns));
	} else {
		cb->cb_clustersfree = NULL;
		cb->cb_clustersum = NULL;
	}
}

#define CGFAIL(...)                                                            \
	do {                                                                   \
		ksnprintf(why, whylen, __VA_ARGS__);                           \
		return EFSCORRUPTED;                                           \
	} while (0)

/* Is this cylinder-group block (size bytes) sane for group cgx? */
int
ffs_cg_check(const struct fs *fs, bool ns, uint32_t cgx, struct cg *cgp,
    size_t size, char *why, size_t whylen)
{
	int64_t iused, freeo, csum, clo, nclb;
	int32_t ndblk = ffs_cg_ndblk(fs, cgx);

#define F(f) ((int64_t)(int32_t)ufs_rw32((uint32_t)cgp->f, ns))
	if (F(cg_magic) != CG_MAGIC)
		CGFAIL(
		    "bad magic number %#llx", (unsigned long long)F(cg_magic));
	if (F(cg_cgx) != cgx)
		CGFAIL("says it is group %lld", (long long)F(cg_cgx));
	if (F(cg_ndblk) != ndblk)
		CGFAIL("%lld fragments, %d expected", (long long)F(cg_ndblk),
		    ndblk);
	iused = F(cg_iusedoff);
	freeo = F(cg_freeoff);
	if (iused < (int64_t)sizeof(struct cg) ||
	    iused + howmany(fs->fs_ipg, 8) > (int64_t)size)
		CGFAIL("inode map out of the block");
	if (freeo < (int64_t)sizeof(struct cg) ||
	    freeo + howmany(fs->fs_fpg, 8) > (int64_t)size)
		CGFAIL("fragment map out of the block");
	if (fs->fs_contigsumsize > 0) {
		csum = F(cg_clustersumoff);
		clo = F(cg_clusteroff);
		nclb = F(cg_nclusterblks);
		if (csum < (int64_t)sizeof(struct cg) || (csum & 3) != 0 ||
		    csum + (fs->fs_contigsumsize + 1) * 4 > (int64_t)size)
			CGFAIL("cluster summary out of the block");
		if (nclb != ffs_fragstoblks(fs, ndblk) ||
		    clo < (int64_t)sizeof(struct cg) ||
		    clo + howmany(nclb, 8) > (int64_t)size)
			CGFAIL("cluster map out of the block");
	}
	if (fs->fs_magic != FS_UFS1_MAGIC &&
	    (F(cg_initediblk) < 0 || F(cg_initediblk) > fs->fs_ipg))
		CGFAIL("bad count of initialised inodes %lld",
		    (long long)F(cg_initediblk));
	if (F(cg_rotor) < 0 || F(cg_rotor) >= ndblk)
		cgp->cg_rotor = 0;
	if (F(cg_frotor) < 0 || F(cg_frotor) >= ndblk)
		cgp->cg_frotor = 0;
	if (F(cg_irotor) < 0 || F(cg_irotor) >= fs->fs_ipg)
		cgp->cg_irotor = 0;
#undef F
	return 0;
}
#undef CGFAIL

/* Read cylinder group cgx, checked; the buffer stays busy in cb. */
int
ffs_cg_read(struct ffsmount *fm, uint32_t cgx, struct ffs_cgbuf *cb)
{
	struct fs *fs = fm->fm_fs;
	struct ufsmount *ump = &fm->fm_um;
	char why[128];
	struct buf *bp;
	int error;

	memset(cb, 0, sizeof(*cb));
	if (cgx >= (uint32_t)fs->fs_ncg)
		return EINVAL;
	error = bread(ump->um_devvp, UFS_FSBTODB(ump, ffs_cgtod(fs, cgx)),
	    fs->fs_cgsize, 0, &bp);
	if (error != 0)
		return error;
	error = ffs_cg_check(fs, ump->um_needswap, cgx, bp->b_data,
	    bp->b_bcount, why, sizeof(why));
	if (error != 0) {
		brelse(bp, 0);
		fs_corrupt(FFS_FSNAME, "cylinder group %u: %s", cgx, why);
		return error;
	}
	cb->cb_bp = bp;
	cb->cb_cgx = cgx;
	ffs_cg_locate(fs, ump->um_needswap, bp->b_data, cb);
	return 0;
}

void
ffs_cg_release(struct ffs_cgbuf *cb, bool dirty)
{
	if (cb->cb_bp == NULL)
		return;
	if (dirty)
		bdwrite(cb->cb_bp);
	else
		brelse(cb->cb_bp, 0);
	cb->cb_bp = NULL;
}

/*
 * Count into frsum (host order) cnt times each run of free fragments
 * shorter than a block within the block whose free bits are `bits`.
 */
void
ffs_fragacct(
    const struct fs *fs, unsigned bits, int32_t frsum[MAXFRAG], int cnt)
{
	int i, run = 0;

	for (i = 0; i <= fs->fs_frag; i++) {
		if (i < fs->fs_frag && (bits & (1u << i))) {
			run++;
			continue;
		}
		if (run > 0 && run < fs->fs_frag)
			frsum[run] += cnt;
		run = 0;
	}
}

/*
 * Block blk of the group became free (cnt 1) or allocated (cnt -1):
 * update the cluster map and the counts of free clusters by length.
 */
void
ffs_clusteracct(const struct fs *fs, struct ffs_cgbuf *cb, int64_t blk, int cnt)
{
	int32_t css = fs->fs_contigsumsize, nblks;
	int64_t i, back, forw, len;
	bool ns = cb->cb_ns;

	if (css <= 0 || cb->cb_clustersfree == NULL)
		return;
	nblks = CG_GET(cb, cg_nclusterblks);
	if (blk < 0 || blk >= nblks)
		return;
	if (cnt > 0)
		ffs_setbit(cb->cb_clustersfree, blk);
	else
		ffs_clrbit(cb->cb_clustersfree, blk);
	for (i = blk + 1, forw = 0; i < nblks && forw < css; i++, forw++)
		if (!ffs_isset(cb->cb_clustersfree, i))
			break;
	for (i = blk - 1, back = 0; i >= 0 && back < css; i--, back++)
		if (!ffs_isset(cb->cb_clustersfree, i))
			break;
	len = MIN(back + forw + 1, css);
	UFS_ADD32(cb->cb_clustersum[len], cnt, ns);
	if (back > 0)
		UFS_ADD32(cb->cb_clustersum[back], -cnt, ns);
	if (forw > 0)
		UFS_ADD32(cb->cb_clustersum[forw], -cnt, ns);
}

/* Read the group summaries into fm_cs (host order). */
int
ffs_csum_read(struct ffsmount *fm)
{
	struct fs *fs = fm->fm_fs;
	struct ufsmount *ump = &fm->fm_um;
	size_t size = (size_t)fs->fs_cssize, off, n, alloc;
	uint8_t *area;
	struct buf *bp;
	int error;

	alloc = roundup(size, (size_t)fs->fs_bsize);
	area = kmem_zalloc(alloc, KM_SLEEP);
	for (off = 0; off < size; off += (size_t)fs->fs_bsize) {
		n = MIN((size_t)fs->fs_bsize, size - off);
		n = (size_t)UFS_FRAGROUNDUP(ump, n);
		error = bread(ump->um_devvp,
		    UFS_FSBTODB(ump, fs->fs_csaddr + ffs_numfrags(fs, off)),
		    (int)n, 0, &bp);
		if (error != 0) {
			kmem_free(area, alloc);
			return error;
		}
		memcpy(area + off, bp->b_data, MIN(n, size - off));
		brelse(bp, 0);
	}
	fm->fm_cs =
	    kmem_zalloc((size_t)fs->fs_ncg * sizeof(struct csum), KM_SLEEP);
	memcpy(fm->fm_cs, area, (size_t)fs->fs_ncg * sizeof(struct csum));
	if (ump->um_needswap)
		ffs_csum_swap(fm->fm_cs, fm->fm_cs, (size_t)fs->fs_ncg);
	kmem_free(area, alloc);
	return 0;
}

static int32_t
ffs_clamp(int32_t v, int64_t max)
{
	return v < 0 ? 0 : v > max ? (int32_t)max : v;
}

/*
 * Keep the counts we compute with in range whatever the image says, and
 * the totals the sum of the groups' (a checker sorts out which is right).
 */
void
ffs_csum_sanitize(struct ffsmount *fm)
{
	struct fs *fs = fm->fm_fs;
	struct csum_total *t = &fs->fs_cstotal;
	int64_t nblk = ffs_fragstoblks(fs, fs->fs_fpg);
	uint32_t c;

	memset(t, 0, sizeof(*t));
	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		fm->fm_cs[c].cs_ndir =
		    ffs_clamp(fm->fm_cs[c].cs_ndir, fs->fs_ipg);
		fm->fm_cs[c].cs_nifree =
		    ffs_clamp(fm->fm_cs[c].cs_nifree, fs->fs_ipg);
		fm->fm_cs[c].cs_nbfree =
		    ffs_clamp(fm->fm_cs[c].cs_nbfree, nblk);
		fm->fm_cs[c].cs_nffree =
		    ffs_clamp(fm->fm_cs[c].cs_nffree, fs->fs_fpg);
		t->cs_ndir += fm->fm_cs[c].cs_ndir;
		t->cs_nifree += fm->fm_cs[c].cs_nifree;
		t->cs_nbfree += fm->fm_cs[c].cs_nbfree;
		t->cs_nffree += fm->fm_cs[c].cs_nffree;
	}
}

/* Write the summaries and the superblock (with wait: synchronously). */
int
ffs_sbupdate(struct ffsmount *fm, bool wait)
{
	struct fs *fs = fm->fm_fs, *out;
	struct ufsmount *ump = &fm->fm_um;
	size_t size = (size_t)fs->fs_cssize, off, n, i, ncs;
	struct csum *cs;
	struct buf *bp;
	int error = 0, e;

	for (off = 0; off < size; off += (size_t)fs->fs_bsize) {
		n = (size_t)UFS_FRAGROUNDUP(
		    ump, MIN((size_t)fs->fs_bsize, size - off));
		e = bread(ump->um_devvp,
		    UFS_FSBTODB(ump, fs->fs_csaddr + ffs_numfrags(fs, off)),
		    (int)n, B_MODIFY, &bp);
		if (e != 0) {
			error = error ? error : e;
			continue;
		}
		cs = bp->b_data;
		i = off / sizeof(struct csum);
		ncs = MIN(n / sizeof(struct csum),
		    (size_t)fs->fs_ncg - MIN(i, (size_t)fs->fs_ncg));
		mutex_enter(&ump->um_lock);
		memcpy(cs, fm->fm_cs + i, ncs * sizeof(struct csum));
		mutex_exit(&ump->um_lock);
		if (ump->um_needswap)
			ffs_csum_swap(cs, cs, ncs);
		e = wait ? bwrite(bp) : (bdwrite(bp), 0);
		if (e != 0 && error == 0)
			error = e;
	}
	e = bread(ump->um_devvp, fs->fs_sblockloc / DEV_BSIZE, SBLOCKSIZE,
	    B_MODIFY, &bp);
	if (e != 0)
		return error ? error : e;
	out = bp->b_data;
	mutex_enter(&ump->um_lock);
	fs->fs_fmod = 0;
	fm->fm_fmod = false;
	memcpy(out, fs, sizeof(*fs));
	/* the totals change under um_lock: copy them under it too */
	ffs_oldfscompat_write(fs, out);
	mutex_exit(&ump->um_lock);
	if (ump->um_needswap)
		ffs_sb_swap(out, out);
	e = wait ? bwrite(bp) : (bdwrite(bp), 0);
	return error ? error : e;
}
