/*
 * The cleaner, run inside the mounting process: when clean segments run
 * short (or on demand, mount option "clean"), choose dirty segments by
 * cost-benefit ((1 - u) * age / (1 + u), u the live fraction), find
 * their live blocks and inodes through the summaries, mark them dirty
 * in core so that the next write moves them to the log head, and write
 * a checkpoint, after which the emptied segments are clean.
 *
 * A file locked by someone else is left alone (its segment stays dirty
 * and is tried again later); the file the caller holds locked is
 * handled in place.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"


struct lfs_cleanctx {
	struct lfsmount *lm;
	struct vnode *locked;
	bool busy;       /* a live block could not be moved */
	uint64_t moved;  /* blocks marked for moving */
};

/* The vnode of ino, referenced and locked (or the caller's). */
static int
lfs_clean_getvp(struct lfs_cleanctx *c, ino_t ino, struct vnode **vpp,
    bool *didlock)
{
	struct lfsmount *lm = c->lm;
	struct vnode *vp;
	int error;

	*vpp = NULL;
	*didlock = false;
	if (ino == LFS_IFILE_INUM) {
		*vpp = lm->lm_ivp;
		return 0;
	}
	if ((error = vcache_get(lm->lm_um.um_mountp, &ino, sizeof(ino),
	         &vp)) != 0)
		return error;
	if (vp != c->locked && !rw_write_held(&vp->v_lock)) {
		if (vn_lock(vp, LK_EXCLUSIVE | LK_NOWAIT) != 0) {
			vrele(vp);
			c->busy = true;
			return EBUSY;
		}
		*didlock = true;
	}
	*vpp = vp;
	return 0;
}

static void
lfs_clean_putvp(struct lfs_cleanctx *c, struct vnode *vp, bool didlock)
{
	if (vp == c->lm->lm_ivp)
		return;
	if (didlock)
		vn_unlock(vp);
	vrele(vp);
}

/* Is map entry ino's inode at daddr?  (The IFILE's: the superblock.) */
static bool
lfs_clean_inode_live(struct lfsmount *lm, uint32_t ino, int64_t daddr)
{
	struct ifile32 *ife;
	struct buf *bp;
	bool live;

	if (ino == LFS_IFILE_INUM)
		return false; /* rewritten by every checkpoint */
	if (ino < LFS_ROOTINO || ino >= lm->lm_um.um_ninodes)
		return false;
	if (lfs_ifentry(lm, ino, &bp, &ife) != 0)
		return false;
	live = ife->if_daddr == daddr;
	brelse(bp, 0);
	return live;
}

static void
lfs_clean_inodes(struct lfs_cleanctx *c, const uint8_t *sum)
{
	struct lfsmount *lm = c->lm;
	const struct dlfs *sb = &lm->lm_sb;
	const struct segsum *ss = (const struct segsum *)sum;
	unsigned nib = (unsigned)howmany(ss->ss_ninos, sb->dlfs_inopb);
	unsigned left = ss->ss_ninos, b, i, n;
	uint8_t *blk = kmem_alloc(sb->dlfs_ibsize, KM_SLEEP);
	struct vnode *vp;
	uint32_t ino;
	int32_t a;
	bool dl;

	for (b = 0; b < nib; b++) {
		memcpy(&a, sum + sb->dlfs_sumsize - 4 * (b + 1), 4);
		n = MIN(left, sb->dlfs_inopb);
		left -= n;
		if (lfs_readfrags(lm, a, blk, sb->dlfs_ibsize) != 0) {
			c->busy = true;
			continue;
		}
		for (i = 0; i < n; i++) {
			memcpy(&ino, blk + i * LFS_DINODE_SIZE + 4, 4);
			if (!lfs_clean_inode_live(lm, ino, a))
				continue;
			if (lfs_clean_getvp(c, ino, &vp, &dl) != 0)
				continue;
			VTOI(vp)->i_flag |= IN_MODIFIED;
			c->moved++;
			lfs_clean_putvp(c, vp, dl);
		}
	}
	kmem_free(blk, sb->dlfs_ibsize);
}

/* One file block at addr: if still the file's, read it and dirty it. */
static void
lfs_clean_block(struct lfs_cleanctx *c, uint32_t ino, uint32_t version,
    int32_t lbn, int64_t addr)
{
	struct lfsmount *lm = c->lm;
	const struct dlfs *sb = &lm->lm_sb;
	struct vnode *vp;
	struct inode *ip;
	struct buf *bp;
	int64_t cur;
	long size;
	bool dl;

	if (ino == LFS_IFILE_INUM &&
	    lbn < (int32_t)(sb->dlfs_cleansz + sb->dlfs_segtabsz) && lbn >= 0)
		return; /* the tables move with every checkpoint */
	if (ino != LFS_IFILE_INUM) {
		struct ifile32 *ife;
		bool dead;

		if (ino < LFS_ROOTINO || ino >= lm->lm_um.um_ninodes ||
		    lfs_ifentry(lm, ino, &bp, &ife) != 0)
			return;
		dead = ife->if_daddr == LFS_UNUSED_DADDR ||
		    ife->if_version != version;
		brelse(bp, 0);
		if (dead)
			return;
	}
	if (lfs_clean_getvp(c, ino, &vp, &dl) != 0)
		return;
	ip = VTOI(vp);
	if (ip == NULL || lfs_blkmap(ip, lbn, &cur) != 0 || cur != addr) {
		lfs_clean_putvp(c, vp, dl);
		return;
	}
	size = lfs_blksize_of(ip, lbn);
	if (bread(vp, lbn, (int)size, 0, &bp) == 0) {
		bdwrite(bp);
		c->moved++;
	} else
		c->busy = true;
	lfs_clean_putvp(c, vp, dl);
}

/* Every live block and inode of segment sn marked for moving. */
static void
lfs_clean_segment(struct lfs_cleanctx *c, uint32_t sn)
{
	struct lfsmount *lm = c->lm;
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t *sum = kmem_alloc(sb->dlfs_sumsize, KM_SLEEP);
	const struct segsum *ss = (const struct segsum *)sum;
	int64_t addr = lfs_seg_first(lm, sn), end = lfs_sntod(sb, sn + 1), p;
	uint64_t lastserial = 0;
	uint32_t nfrags, i, j, nib, k;
	size_t off;
	char why[120];

	while (addr + lfs_btofsb(sb, sb->dlfs_sumsize) <= end) {
		if (lfs_pseg_parse(lm, addr, sum, &nfrags, why,
		        sizeof(why)) != 0 ||
		    ss->ss_serial <= lastserial)
			break;
		lastserial = ss->ss_serial;
		lfs_clean_inodes(c, sum);
		nib = (uint32_t)howmany(ss->ss_ninos, sb->dlfs_inopb);
		p = addr + lfs_btofsb(sb, sb->dlfs_sumsize);
		off = sizeof(*ss);
		for (i = 0; i < ss->ss_nfinfo; i++) {
			struct finfo32 fi;

			memcpy(&fi, sum + off, sizeof(fi));
			for (j = 0; j < fi.fi_nblocks; j++) {
				int32_t lbn, a;
				bool skipped;

				do { /* inode blocks lie between */
					skipped = false;
					for (k = 0; k < nib; k++) {
						memcpy(&a, sum + sb->dlfs_sumsize -
						        4 * (k + 1),
						    4);
						if (a == p) {
							p += lfs_btofsb(sb,
							    sb->dlfs_ibsize);
							skipped = true;
						}
					}
				} while (skipped);
				memcpy(&lbn, sum + off + LFS_FINFOSIZE + 4 * j,
				    4);
				lfs_clean_block(c, fi.fi_ino, fi.fi_version,
				    lbn, p);
				p += j + 1 == fi.fi_nblocks
				    ? lfs_btofsb(sb, fi.fi_lastlength)
				    : sb->dlfs_frag;
			}
			off += LFS_FINFOSIZE + 4 * (size_t)fi.fi_nblocks;
		}
		addr += nfrags;
	}
	kmem_free(sum, sb->dlfs_sumsize);
}

/* The best segment to clean, or -1: cost-benefit among dirty ones. */
static int64_t
lfs_clean_choose(struct lfsmount *lm, const uint8_t *tried)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint64_t now = (uint64_t)time_second(), best = 0, score, u, age;
	int64_t pick = -1;
	uint32_t sn;

	mutex_enter(&lm->lm_lock);
	for (sn = 0; sn < sb->dlfs_nseg; sn++) {
		const struct segusage *su = &lm->lm_su[sn];

		if (tried[sn] || !(su->su_flags & SEGUSE_DIRTY) ||
		    (su->su_flags & SEGUSE_ACTIVE) || lm->lm_sufreed[sn])
			continue;
		/* u in thousandths of the segment */
		u = (uint64_t)su->su_nbytes * 1000 / sb->dlfs_ssize;
		if (u >= 950)
			continue;
		age = now > su->su_lastmod ? now - su->su_lastmod : 0;
		score = (1000 - u) * (age + 1) * 1000 / (1000 + u) + 1;
		if (score > best) {
			best = score;
			pick = sn;
		}
	}
	mutex_exit(&lm->lm_lock);
	return pick;
}

/*
 * Clean until `want` segments are clean or nothing more can be done.
 * The caller holds no buffers; `locked` is a vnode it holds locked.
 */
int
lfs_clean(struct lfsmount *lm, struct vnode *locked, unsigned want)
{
	struct lfs_cleanctx c = {lm, locked, false, 0};
	uint8_t *tried;
	unsigned round, n, nclean;
	int64_t sn;
	int error = 0;

	if (lm->lm_um.um_ronly)
		return 0;
	mutex_enter(&lm->lm_lock);
	if (lm->lm_incleaner) {
		mutex_exit(&lm->lm_lock);
		return 0;
	}
	lm->lm_incleaner = true;
	mutex_exit(&lm->lm_lock);
	tried = kmem_zalloc(lm->lm_sb.dlfs_nseg, KM_SLEEP);
	/* segments already empty become clean with a checkpoint */
	error = lfs_segwrite(lm, locked, true);
	for (round = 0; error == 0 && round < lm->lm_sb.dlfs_nseg; round++) {
		uint64_t budget, moving = 0;

		mutex_enter(&lm->lm_lock);
		nclean = lfs_nclean(lm);
		mutex_exit(&lm->lm_lock);
		if (nclean >= want || nclean < 2)
			break;
		/*
		 * As many segments as the clean ones can take the live data
		 * of (keeping one for the checkpoint): one checkpoint for
		 * them all, since each costs a partial segment.
		 */
		budget = (uint64_t)(nclean - 1) * lm->lm_sb.dlfs_ssize * 7 / 8;
		for (n = 0; n < lm->lm_sb.dlfs_nseg; n++) {
			if ((sn = lfs_clean_choose(lm, tried)) < 0)
				break;
			moving += lm->lm_su[sn].su_nbytes;
			if (n > 0 && moving > budget)
				break;
			tried[sn] = 1;
			lfs_clean_segment(&c, (uint32_t)sn);
		}
		if (n == 0)
			break;
		error = lfs_segwrite(lm, locked, true);
	}
	kmem_free(tried, lm->lm_sb.dlfs_nseg);
	mutex_enter(&lm->lm_lock);
	lm->lm_incleaner = false;
	cv_broadcast(&lm->lm_cv);
	mutex_exit(&lm->lm_lock);
	return error;
}
