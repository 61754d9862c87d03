/*
 * The cylinder-group part of the ffs check: each group block on its own,
 * then (once the inodes have been walked) its inode and fragment maps,
 * cluster map, free counts and fragment-run summary against what is
 * really in use, the group summaries and the superblock totals.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/fsck.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/ffs_fsck.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufsmount.h"

/*
 * The maps of group c where newfs puts them: the inode map after the
 * header (and, in UFS1, the old rotational tables of one cylinder), the
 * fragment map, then the cluster summary and map.
 */
static void
ffs_fsck_cglayout(struct ffs_fsck *st, uint32_t c, struct ffs_cgbuf *cb)
{
	struct fs *fs = st->fm.fm_fs;
	struct cg *cgp = cb->cb_cg;
	int32_t iused, freeoff, off;

	memset((uint8_t *)cgp + sizeof(*cgp), 0,
	    (size_t)fs->fs_cgsize - sizeof(*cgp));
	memset(&cgp->cg_cs, 0, sizeof(cgp->cg_cs));
	memset(cgp->cg_frsum, 0, sizeof(cgp->cg_frsum));
	if (fs->fs_magic == FS_UFS1_MAGIC) {
		cgp->cg_old_ncyl = (int16_t)ufs_rw16(1, cb->cb_ns);
		CG_SET(cb, cg_old_btotoff, sizeof(struct cg));
		CG_SET(cb, cg_old_boff, sizeof(struct cg) + 4);
		iused = (int32_t)sizeof(struct cg) + 4 + 2;
	} else
		iused = (int32_t)sizeof(struct cg);
	freeoff = iused + howmany(fs->fs_ipg, 8);
	CG_SET(cb, cg_iusedoff, iused);
	CG_SET(cb, cg_freeoff, freeoff);
	if (fs->fs_contigsumsize > 0) {
		off = (int32_t)roundup(freeoff + howmany(fs->fs_fpg, 8), 4) - 4;
		CG_SET(cb, cg_clustersumoff, off);
		off += (fs->fs_contigsumsize + 1) * 4;
		CG_SET(cb, cg_clusteroff, off);
		CG_SET(cb, cg_nclusterblks,
		    ffs_fragstoblks(fs, ffs_cg_ndblk(fs, c)));
		CG_SET(cb, cg_nextfreeoff,
		    off + howmany(ffs_fragstoblks(fs, fs->fs_fpg), 8));
	} else
		CG_SET(cb, cg_nextfreeoff, freeoff + howmany(fs->fs_fpg, 8));
}

/*
 * Rebuild the header of group c (in bp) from the superblock's geometry:
 * its identity first; when its maps are still out of the block, the
 * whole layout.  What the maps and counts say is put right afterwards
 * by ffs_fsck_maps, from what the walk finds in use.  True when the
 * block is sane now.
 */
static bool
ffs_fsck_cgrebuild(struct ffs_fsck *st, uint32_t c, struct buf *bp)
{
	struct fs *fs = st->fm.fm_fs;
	struct ffs_cgbuf cb;
	char why[128];

	memset(&cb, 0, sizeof(cb));
	cb.cb_cg = bp->b_data;
	cb.cb_ns = st->fm.fm_um.um_needswap;
	CG_SET(&cb, cg_magic, CG_MAGIC);
	CG_SET(&cb, cg_cgx, c);
	CG_SET(&cb, cg_ndblk, ffs_cg_ndblk(fs, c));
	if (fs->fs_magic == FS_UFS1_MAGIC)
		cb.cb_cg->cg_old_niblk =
		    (int16_t)ufs_rw16((uint16_t)fs->fs_ipg, cb.cb_ns);
	else {
		CG_SET(&cb, cg_niblk, fs->fs_ipg);
		if (CG_GET(&cb, cg_initediblk) < 0 ||
		    CG_GET(&cb, cg_initediblk) > fs->fs_ipg)
			CG_SET(&cb, cg_initediblk, fs->fs_ipg);
	}
	if (ffs_cg_check(fs, cb.cb_ns, c, cb.cb_cg, (size_t)bp->b_bcount, why,
	        sizeof(why)) != 0)
		ffs_fsck_cglayout(st, c, &cb);
	return ffs_cg_check(fs, cb.cb_ns, c, cb.cb_cg, (size_t)bp->b_bcount,
	           why, sizeof(why)) == 0;
}

/* Is each group's block readable and sane?  (With repair: made so.) */
void
ffs_fsck_cgcheck(struct ffs_fsck *st)
{
	struct fs *fs = st->fm.fm_fs;
	struct ufsmount *ump = &st->fm.fm_um;
	char why[128];
	struct buf *bp;
	uint32_t c;

	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		if (bread(ump->um_devvp, UFS_FSBTODB(ump, ffs_cgtod(fs, c)),
		        fs->fs_cgsize, 0, &bp) != 0) {
			ffs_fsck_problem(st,
			    "cylinder group %u: cannot read "
			    "it",
			    c);
			continue;
		}
		if (ffs_cg_check(fs, ump->um_needswap, c, bp->b_data,
		        bp->b_bcount, why, sizeof(why)) == 0) {
			st->cgok[c] = 1;
			brelse(bp, B_INVAL);
			continue;
		}
		ffs_fsck_problem(st, "cylinder group %u: %s", c, why);
		if (st->fr->fr_repair && ffs_fsck_cgrebuild(st, c, bp)) {
			fsck_say(st->fr, "cylinder group %u: header rebuilt", c);
			st->cgok[c] = 1;
			bdwrite(bp);
		} else
			brelse(bp, B_INVAL);
	}
}

/* Free bits of block h of group c, as the walk found them. */
static unsigned
ffs_fsck_wantbits(struct ffs_fsck *st, uint32_t c, int64_t h, int32_t ndblk)
{
	struct fs *fs = st->fm.fm_fs;
	int64_t f = ffs_blkstofrags(fs, h), base = ffs_cgbase(fs, c);
	unsigned bits = 0;
	int k;

	for (k = 0; k < fs->fs_frag && f + k < ndblk; k++)
		if (!ffs_isset(st->used, base + f + k))
			bits |= 1u << k;
	return bits;
}

static void
ffs_fsck_want(struct ffs_fsck *st, uint32_t c, struct ffs_cgwant *w)
{
	struct fs *fs = st->fm.fm_fs;
	int32_t ndblk = ffs_cg_ndblk(fs, c), run = 0;
	int64_t h, nblks = howmany(ndblk, fs->fs_frag);
	int64_t nclust = ffs_fragstoblks(fs, ndblk);
	unsigned bits, full = (1u << fs->fs_frag) - 1;
	uint64_t ino;
	int32_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < fs->fs_ipg; i++) {
		ino = (uint64_t)c * (uint64_t)fs->fs_ipg + (uint64_t)i;
		if (st->istate[ino] == FSCK_DIR)
			w->ndir++;
		if (st->istate[ino] == FSCK_FREE &&
		    !(c == 0 && i < UFS_ROOTINO))
			w->nifree++;
	}
	for (h = 0; h < nblks; h++) {
		bits = ffs_fsck_wantbits(st, c, h, ndblk);
		if (bits == full) {
			w->nbfree++;
		} else {
			w->nffree += __builtin_popcount(bits);
			ffs_fragacct(fs, bits, w->frsum, 1);
		}
		if (fs->fs_contigsumsize <= 0 || h >= nclust)
			continue;
		if (bits == full)
			run++;
		if ((bits != full || h == nclust - 1) && run > 0) {
			w->clustersum[MIN(run, fs->fs_contigsumsize)]++;
			run = 0;
		}
	}
}

/* Compare the maps of a group with the walk. */
static void
ffs_fsck_cgmaps(struct ffs_fsck *st, uint32_t c, struct ffs_cgbuf *cb,
    const struct ffs_cgwant *w)
{
	struct fs *fs = st->fm.fm_fs;
	int32_t ndblk = ffs_cg_ndblk(fs, c), i, bad = 0, first = -1;
	unsigned bits, full = (1u << fs->fs_frag) - 1;
	uint64_t ino;
	bool inuse;
	int64_t h, nclust = ffs_fragstoblks(fs, ndblk);

	for (i = 0; i < fs->fs_ipg; i++) {
		ino = (uint64_t)c * (uint64_t)fs->fs_ipg + (uint64_t)i;
		inuse =
		    st->istate[ino] != FSCK_FREE || (c == 0 && i < UFS_ROOTINO);
		if (inuse != ffs_isset(cb->cb_inosused, i) && bad++ == 0)
			first = i;
	}
	if (bad > 0)
		ffs_fsck_problem(st,
		    "cylinder group %u: inode map wrong for "
		    "%d inodes (first: inode %llu)",
		    c, bad,
		    (unsigned long long)c * (uint64_t)fs->fs_ipg +
		        (uint64_t)first);
	bad = 0;
	for (i = 0; i < ndblk; i++)
		if (ffs_isset(st->used, ffs_cgbase(fs, c) + i) ==
		        ffs_isset(cb->cb_blksfree, i) &&
		    bad++ == 0)
			first = i;
	if (bad > 0)
		ffs_fsck_problem(st,
		    "cylinder group %u: fragment map wrong "
		    "for %d fragments (first: %lld, marked %s)",
		    c, bad, (long long)(ffs_cgbase(fs, c) + first),
		    ffs_isset(cb->cb_blksfree, first) ? "free but in use"
		                                      : "in use but free");
	if (cb->cb_clustersfree == NULL)
		return;
	bad = 0;
	for (h = 0; h < nclust; h++) {
		bits = ffs_fsck_wantbits(st, c, h, ndblk);
		if ((bits == full) != ffs_isset(cb->cb_clustersfree, h))
			bad++;
	}
	if (bad > 0)
		ffs_fsck_problem(st,
		    "cylinder group %u: cluster map wrong for "
		    "%d blocks",
		    c, bad);
	for (i = 1; i <= fs->fs_contigsumsize; i++)
		if ((int32_t)ufs_rw32((uint32_t)cb->cb_clustersum[i],
		        cb->cb_ns) != w->clustersum[i]) {
			ffs_fsck_problem(st,
			    "cylinder group %u: cluster "
			    "summary wrong",
			    c);
			break;
		}
}

static void
ffs_fsck_count(struct ffs_fsck *st, const char *where, uint32_t c,
    const char *what, int64_t have, int64_t want)
{
	if (have != want)
		ffs_fsck_problem(st, "%s %u: %s %lld, should be %lld", where, c,
		    what, (long long)have, (long long)want);
}

/* The maps and counts of every group, the summaries and the totals. */
void
ffs_fsck_maps(struct ffs_fsck *st)
{
	struct fs *fs = st->fm.fm_fs;
	struct ffs_cgbuf cb;
	struct ffs_cgwant w;
	int64_t tdir = 0, tbfree = 0, tifree = 0, tffree = 0;
	bool fix = st->fr->fr_repair;
	struct csum *cs;
	uint32_t c;
	int i, found;

	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		ffs_fsck_want(st, c, &w);
		tdir += w.ndir;
		tbfree += w.nbfree;
		tifree += w.nifree;
		tffree += w.nffree;
		cs = &st->fm.fm_cs[c];
		found = st->fr->fr_found;
		ffs_fsck_count(st, "summary of group", c, "directories",
		    cs->cs_ndir, w.ndir);
		ffs_fsck_count(st, "summary of group", c, "free blocks",
		    cs->cs_nbfree, w.nbfree);
		ffs_fsck_count(st, "summary of group", c, "free inodes",
		    cs->cs_nifree, w.nifree);
		ffs_fsck_count(st, "summary of group", c, "free fragments",
		    cs->cs_nffree, w.nffree);
		if (fix && st->fr->fr_found != found) {
			cs->cs_ndir = w.ndir;
			cs->cs_nbfree = w.nbfree;
			cs->cs_nifree = w.nifree;
			cs->cs_nffree = w.nffree;
			st->fm.fm_fmod = true;
		}
		if (!st->cgok[c] || ffs_cg_read(&st->fm, c, &cb) != 0)
			continue;
		found = st->fr->fr_found;
		ffs_fsck_count(st, "cylinder group", c, "directories",
		    CG_GET(&cb, cg_cs.cs_ndir), w.ndir);
		ffs_fsck_count(st, "cylinder group", c, "free blocks",
		    CG_GET(&cb, cg_cs.cs_nbfree), w.nbfree);
		ffs_fsck_count(st, "cylinder group", c, "free inodes",
		    CG_GET(&cb, cg_cs.cs_nifree), w.nifree);
		ffs_fsck_count(st, "cylinder group", c, "free fragments",
		    CG_GET(&cb, cg_cs.cs_nffree), w.nffree);
		for (i = 1; i < fs->fs_frag; i++)
			if (CG_GET(&cb, cg_frsum[i]) != w.frsum[i]) {
				ffs_fsck_problem(st,
				    "cylinder group %u: "
				    "fragment summary wrong",
				    c);
				break;
			}
		ffs_fsck_cgmaps(st, c, &cb, &w);
		if (fix && st->fr->fr_found != found)
			ffs_fsck_cgfix(st, c, &cb, &w);
		else
			brelse(cb.cb_bp, B_INVAL);
	}
	found = st->fr->fr_found;
	ffs_fsck_count(
	    st, "superblock", 0, "directories", fs->fs_cstotal.cs_ndir, tdir);
	ffs_fsck_count(st, "superblock", 0, "free blocks",
	    fs->fs_cstotal.cs_nbfree, tbfree);
	ffs_fsck_count(st, "superblock", 0, "free inodes",
	    fs->fs_cstotal.cs_nifree, tifree);
	ffs_fsck_count(st, "superblock", 0, "free fragments",
	    fs->fs_cstotal.cs_nffree, tffree);
	if (fix && st->fr->fr_found != found) {
		fs->fs_cstotal.cs_ndir = tdir;
		fs->fs_cstotal.cs_nbfree = tbfree;
		fs->fs_cstotal.cs_nifree = tifree;
		fs->fs_cstotal.cs_nffree = tffree;
		st->fm.fm_fmod = true;
	}
}
