/*
 * The log: partial segments built in memory and written whole, segment
 * changes, the accounting of live bytes per segment, and checkpoints.
 *
 * A partial segment is its summary (sumsize bytes: SEGSUM, FINFOs
 * forwards, inode block addresses backwards from the end) followed by
 * the blocks, each a whole number of fragments.  Live bytes are counted
 * as blocks are placed (data and indirect blocks at their size, inodes
 * at 128 bytes each) and uncounted when a block or inode moves or dies,
 * so that at a checkpoint su_nbytes is exactly what is reachable.
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

static int64_t
lfs_seg_end(const struct lfsmount *lm, uint32_t sn)
{
	return lfs_sntod(&lm->lm_sb, sn + 1);
}

uint32_t
lfs_nclean(struct lfsmount *lm)
{
	uint32_t sn, n = 0;

	if (lm->lm_nclean >= 0)
		return (uint32_t)lm->lm_nclean;
	for (sn = 0; sn < lm->lm_sb.dlfs_nseg; sn++)
		if (!(lm->lm_su[sn].su_flags & (SEGUSE_DIRTY | SEGUSE_ACTIVE)))
			n++;
	lm->lm_nclean = n;
	return n;
}

/* The totals kept beside the table, counted again from it. */
void
lfs_recount(struct lfsmount *lm)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint32_t sn;

	lm->lm_usable = 0;
	lm->lm_livefrags = 0;
	for (sn = 0; sn < sb->dlfs_nseg; sn++) {
		lm->lm_usable += lfs_seg_end(lm, sn) - lfs_seg_first(lm, sn) -
		    (int64_t)lfs_btofsb(sb, sb->dlfs_sumsize);
		lm->lm_livefrags += lfs_btofsb(sb, lm->lm_su[sn].su_nbytes);
	}
	lm->lm_usable -= (int64_t)sb->dlfs_minfreeseg * sb->dlfs_fsbpseg;
	lm->lm_nclean = -1;
}

/* Free fragments: usable space less the reserve, live and pending. */
int64_t
lfs_bfree(struct lfsmount *lm)
{
	return lm->lm_usable - lm->lm_livefrags - lm->lm_pending;
}

void
lfs_su_setdirty(struct lfsmount *lm, uint32_t sn)
{
	if (!(lm->lm_su[sn].su_flags & SEGUSE_DIRTY))
		lm->lm_nclean = -1;
	lm->lm_su[sn].su_flags |= SEGUSE_DIRTY;
	lm->lm_su[sn].su_lastmod = (uint64_t)time_second();
}

/* bytes more (or fewer) live in the segment of addr */
void
lfs_account(struct lfsmount *lm, int64_t addr, long bytes)
{
	uint32_t sn;
	struct segusage *su;

	if (addr <= 0)
		return;
	sn = lfs_dtosn(&lm->lm_sb, addr);
	if (sn >= lm->lm_sb.dlfs_nseg)
		return;
	su = &lm->lm_su[sn];
	lm->lm_livefrags -= lfs_btofsb(&lm->lm_sb, su->su_nbytes);
	if (bytes < 0 && su->su_nbytes < (uint32_t)-bytes) {
		kprintf("lfs: segment %u: live byte count below zero\n", sn);
		su->su_nbytes = 0;
	} else
		su->su_nbytes = (uint32_t)((int64_t)su->su_nbytes + bytes);
	lm->lm_livefrags += lfs_btofsb(&lm->lm_sb, su->su_nbytes);
	if (bytes > 0)
		lfs_su_setdirty(lm, sn);
	if (su->su_nbytes == 0)
		lm->lm_sufreed[sn] = 1;
}

/* Move the log head to the next segment and choose the one after. */
static int
lfs_newseg(struct lfsmount *lm)
{
	uint32_t nseg = lm->lm_sb.dlfs_nseg, sn = 0, i;

	lm->lm_nclean = -1;
	lm->lm_su[lm->lm_curseg].su_flags &= ~SEGUSE_ACTIVE;
	for (i = 1; i < nseg; i++) {
		sn = (lm->lm_nextseg + i) % nseg;
		if (sn == lm->lm_nextseg || sn == lm->lm_curseg)
			continue;
		if (lm->lm_su[sn].su_flags & (SEGUSE_DIRTY | SEGUSE_ACTIVE))
			continue;
		if (lm->lm_sufreed[sn])
			continue;
		break;
	}
	if (i == nseg) {
		lm->lm_su[lm->lm_curseg].su_flags |= SEGUSE_ACTIVE;
		kprintf("lfs: no clean segment left for the log\n");
		return ENOSPC;
	}
	lm->lm_curseg = lm->lm_nextseg;
	lm->lm_nextseg = sn;
	lm->lm_offset = lfs_seg_first(lm, lm->lm_curseg);
	lm->lm_su[lm->lm_curseg].su_flags |= SEGUSE_ACTIVE;
	lfs_su_setdirty(lm, lm->lm_curseg);
	lm->lm_su[lm->lm_nextseg].su_flags |= SEGUSE_ACTIVE;
	return 0;
}

/* Make sure a partial segment is open with room for need more bytes. */
int
lfs_pseg_open(struct lfsmount *lm, size_t need)
{
	const struct dlfs *sb = &lm->lm_sb;
	size_t room;
	int error, tries;

	if (lm->ps_start >= 0) {
		if (lm->ps_used + need <= lm->ps_limit &&
		    lm->ps_nblk < LFS_PSEG_MAXBLKS)
			return 0;
		if ((error = lfs_pseg_close(lm)) != 0)
			return error;
	}
	for (tries = 0;; tries++) {
		room = (size_t)(lfs_seg_end(lm, lm->lm_curseg) -
		           lm->lm_offset) * sb->dlfs_fsize;
		if (room >= sb->dlfs_sumsize + need)
			break;
		if (tries > 1)
			return ENOSPC;
		if ((error = lfs_newseg(lm)) != 0)
			return error;
	}
	lm->ps_start = lm->lm_offset;
	lm->ps_limit = MIN(room, lm->lm_pscap);
	lm->ps_used = sb->dlfs_sumsize;
	memset(lm->ps_buf, 0, sb->dlfs_sumsize);
	lm->ps_sumoff = sizeof(struct segsum);
	lm->ps_finfo_off = 0;
	lm->ps_ninoblk = 0;
	lm->ps_ninos = 0;
	lm->ps_iboff = 0;
	lm->ps_ibcount = 0;
	lm->ps_nblk = 0;
	lm->ps_flags = 0;
	lm->lm_su[lm->lm_curseg].su_nsums++;
	lfs_su_setdirty(lm, lm->lm_curseg);
	return 0;
}

static int64_t
lfs_ps_addr(const struct lfsmount *lm, size_t off)
{
	return lm->ps_start + (int64_t)(off / lm->lm_sb.dlfs_fsize);
}

static struct segsum *
lfs_ps_sum(struct lfsmount *lm)
{
	return (struct segsum *)lm->ps_buf;
}

/* Summary bytes still free between the FINFOs and the inode list. */
static size_t
lfs_ps_sumroom(const struct lfsmount *lm)
{
	return lm->lm_sb.dlfs_sumsize - 4 * lm->ps_ninoblk - lm->ps_sumoff;
}

/* Put a block in the partial segment; caller holds lm_lock. */
int
lfs_append(struct lfsmount *lm, uint32_t ino, uint32_t version, int32_t lbn,
    const void *data, size_t size, int64_t *addrp)
{
	const struct dlfs *sb = &lm->lm_sb;
	size_t fsz = roundup(size, sb->dlfs_fsize), sumneed;
	struct finfo32 *fi = NULL;
	int error, pass;

	for (pass = 0;; pass++) {
		if ((error = lfs_pseg_open(lm, fsz)) != 0)
			return error;
		fi = lm->ps_finfo_off != 0
		    ? (struct finfo32 *)(lm->ps_buf + lm->ps_finfo_off)
		    : NULL;
		sumneed = (fi != NULL && fi->fi_ino == ino &&
		              fi->fi_lastlength == sb->dlfs_bsize &&
		              lm->ps_sumoff ==
		                  lm->ps_finfo_off + LFS_FINFOSIZE +
		                      4 * fi->fi_nblocks)
		    ? 4
		    : LFS_FINFOSIZE + 4;
		if (lfs_ps_sumroom(lm) >= sumneed)
			break;
		if (pass > 0)
			return ENOSPC;
		if ((error = lfs_pseg_close(lm)) != 0)
			return error;
	}
	if (sumneed > 4) {
		lm->ps_finfo_off = lm->ps_sumoff;
		fi = (struct finfo32 *)(lm->ps_buf + lm->ps_sumoff);
		fi->fi_nblocks = 0;
		fi->fi_version = version;
		fi->fi_ino = ino;
		lm->ps_sumoff += LFS_FINFOSIZE;
		lfs_ps_sum(lm)->ss_nfinfo++;
	}
	memcpy(lm->ps_buf + lm->ps_sumoff, &lbn, 4);
	lm->ps_sumoff += 4;
	fi->fi_nblocks++;
	fi->fi_lastlength = (uint32_t)size;
	memcpy(lm->ps_buf + lm->ps_used, data, size);
	if (fsz > size)
		memset(lm->ps_buf + lm->ps_used + size, 0, fsz - size);
	lm->ps_blk[lm->ps_nblk].pb_off = (uint32_t)lm->ps_used;
	lm->ps_blk[lm->ps_nblk].pb_size = (uint32_t)fsz;
	lm->ps_nblk++;
	*addrp = lfs_ps_addr(lm, lm->ps_used);
	lm->ps_used += fsz;
	lfs_account(lm, *addrp, (long)size);
	lm->lm_dirty = true;
	return 0;
}

/*
 * Put inode ip in the open inode block (a new one if needed).  If its
 * previous copy, at olddaddr, is in that very block, overwrite it.
 * Caller holds lm_lock; the map entry is the caller's to update.
 */
int
lfs_append_inode(struct lfsmount *lm, struct inode *ip, int64_t olddaddr,
    int64_t *addrp)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t *slot = NULL;
	uint32_t num;
	unsigned i;
	int error;

	if (lm->ps_start >= 0 && lm->ps_iboff != 0 &&
	    olddaddr == lfs_ps_addr(lm, lm->ps_iboff)) {
		for (i = lm->ps_ibcount; i-- > 0;) {
			slot = lm->ps_buf + lm->ps_iboff + i * LFS_DINODE_SIZE;
			memcpy(&num, slot + 4, 4);
			if (num == ip->i_number)
				break;
		}
		if (i < lm->ps_ibcount) {
			lfs_dinode_out(ip, slot);
			*addrp = olddaddr;
			return 0;
		}
	}
	if (lm->ps_start < 0 || lm->ps_iboff == 0 ||
	    lm->ps_ibcount == sb->dlfs_inopb) {
		if ((error = lfs_pseg_open(lm, sb->dlfs_ibsize)) != 0)
			return error;
		if (lfs_ps_sumroom(lm) < 4) {
			if ((error = lfs_pseg_close(lm)) != 0 ||
			    (error = lfs_pseg_open(lm, sb->dlfs_ibsize)) != 0)
				return error;
		}
		lm->ps_iboff = (unsigned)lm->ps_used;
		lm->ps_ibcount = 0;
		memset(lm->ps_buf + lm->ps_used, 0, sb->dlfs_ibsize);
		lm->ps_blk[lm->ps_nblk].pb_off = (uint32_t)lm->ps_used;
		lm->ps_blk[lm->ps_nblk].pb_size = sb->dlfs_ibsize;
		lm->ps_nblk++;
		lm->ps_ninoblk++;
		{
			int32_t a = (int32_t)lfs_ps_addr(lm, lm->ps_used);
			memcpy(lm->ps_buf + sb->dlfs_sumsize -
			        4 * lm->ps_ninoblk,
			    &a, 4);
		}
		lm->ps_used += sb->dlfs_ibsize;
		lm->lm_su[lm->lm_curseg].su_ninos++;
	}
	slot = lm->ps_buf + lm->ps_iboff + lm->ps_ibcount * LFS_DINODE_SIZE;
	lfs_dinode_out(ip, slot);
	lm->ps_ibcount++;
	lm->ps_ninos++;
	lfs_ps_sum(lm)->ss_ninos++;
	*addrp = lfs_ps_addr(lm, lm->ps_iboff);
	lfs_account(lm, *addrp, LFS_DINODE_SIZE);
	lm->lm_dirty = true;
	return 0;
}

/*
 * Finish the summary of the open partial segment and write it all.
 * Not final: SS_CONT, roll-forward takes it only with the closing
 * partial of its run.  A final one with no blocks is written all the
 * same when it has to close a run (a summary alone).
 */
static int
lfs_pseg_write(struct lfsmount *lm, bool final)
{
	const struct dlfs *sb = &lm->lm_sb;
	struct segsum *ss;
	uint8_t *words;
	unsigned i;
	int64_t start = lm->ps_start;
	int error;

	if (start < 0)
		return 0;
	if (lm->ps_nblk == 0 && !(final && lm->lm_runopen)) {
		lm->ps_start = -1;
		lm->lm_su[lm->lm_curseg].su_nsums--;
		return 0;
	}
	lm->ps_start = -1;
	ss = lfs_ps_sum(lm);
	ss->ss_magic = SS_MAGIC;
	ss->ss_next = (int32_t)lfs_sntod(sb, lm->lm_nextseg);
	ss->ss_ident = sb->dlfs_ident;
	ss->ss_flags = lm->ps_flags;
	if (lm->lm_dirops > 0 || lm->lm_diropseen)
		ss->ss_flags |= SS_DIROP;
	if (!final)
		ss->ss_flags |= SS_CONT;
	ss->ss_serial = lm->lm_serial++;
	ss->ss_create = (uint64_t)time_second();
	ss->ss_datasum = 0;
	if (lm->ps_nblk > 0) {
		words = kmem_alloc((size_t)lm->ps_nblk * 4, KM_SLEEP);
		for (i = 0; i < lm->ps_nblk; i++)
			memcpy(words + 4 * i,
			    lm->ps_buf + lm->ps_blk[i].pb_off, 4);
		ss->ss_datasum = lfs_cksum(words, (size_t)lm->ps_nblk * 4);
		kmem_free(words, (size_t)lm->ps_nblk * 4);
	}
	ss->ss_sumsum = lfs_cksum(lm->ps_buf + 4, sb->dlfs_sumsize - 4);
	error = lfs_rawio(lm->lm_um.um_devvp, start << lm->lm_um.um_fsbtodb,
	    lm->ps_buf, lm->ps_used, false);
	lm->lm_offset = start + (int64_t)(lm->ps_used / sb->dlfs_fsize);
	lm->lm_sb.dlfs_lastpseg = (int32_t)start;
	if (error != 0)
		kprintf("lfs: write of partial segment at %lld failed "
		        "(error %d)\n",
		    (long long)start, error);
	else if (final) {
		lm->lm_runopen = false;
		lm->lm_diropseen = false;
	} else
		lm->lm_runopen = true;
	return error;
}

/* Write the open partial segment as part of a run still going on. */
int
lfs_pseg_close(struct lfsmount *lm)
{
	return lfs_pseg_write(lm, false);
}

/*
 * The log is at a consistent point: write the open partial segment (an
 * empty one if need be) as the closing one of its run.
 */
int
lfs_pseg_commit(struct lfsmount *lm)
{
	int error;

	if (lm->ps_start < 0 && lm->lm_runopen &&
	    (error = lfs_pseg_open(lm, 0)) != 0)
		return error;
	return lfs_pseg_write(lm, true);
}

/* Copy len bytes at addr from the staging area, if they are there. */
bool
lfs_staged(struct lfsmount *lm, int64_t addr, void *buf, size_t len)
{
	const struct dlfs *sb = &lm->lm_sb;
	bool found = false;
	uint64_t off;

	mutex_enter(&lm->lm_lock);
	if (lm->ps_start >= 0 && addr >= lm->ps_start) {
		off = (uint64_t)(addr - lm->ps_start) * sb->dlfs_fsize;
		if (off < lm->ps_used) {
			if (off + len <= lm->ps_used)
				memcpy(buf, lm->ps_buf + off, len);
			else {
				memset(buf, 0, len);
				memcpy(buf, lm->ps_buf + off,
				    lm->ps_used - off);
			}
			found = true;
		}
	}
	mutex_exit(&lm->lm_lock);
	return found;
}

/* The cleaner information as the tables say. */
void
lfs_ci_update(struct lfsmount *lm)
{
	uint32_t sn, clean = 0;
	int64_t bfree = lfs_bfree(lm);

	for (sn = 0; sn < lm->lm_sb.dlfs_nseg; sn++)
		if (!(lm->lm_su[sn].su_flags & (SEGUSE_DIRTY | SEGUSE_ACTIVE)))
			clean++;
	lm->lm_ci.clean = clean;
	lm->lm_ci.dirty = lm->lm_sb.dlfs_nseg - clean;
	lm->lm_ci.bfree = (int32_t)MAX(bfree, 0);
	lm->lm_ci.avail = lm->lm_ci.bfree;
}

struct lfs_flushctx {
	struct lfsmount *lm;
	struct vnode *locked;
	int error;
	unsigned skipped;
};

/* Write one vnode's dirty blocks, then its inode, to the log. */
static int
lfs_flush_vnode(struct vnode *vp, void *arg)
{
	struct lfs_flushctx *c = arg;
	struct inode *ip;
	int error = 0;

	bool mine;

	if (vp == c->lm->lm_ivp)
		return 0;
	/* vnodes this thread holds (the caller's, a new file's parent) */
	mine = vp == c->locked || rw_write_held(&vp->v_lock);
	if (!mine && vn_lock(vp, LK_EXCLUSIVE | LK_NOWAIT) != 0) {
		c->skipped++;
		return 0;
	}
	ip = VTOI(vp);
	if (ip != NULL && vp->v_state == VS_ACTIVE) {
		if (vp->v_ndirty > 0)
			error = vflushbuf(vp, FSYNC_WAIT);
		if (error == 0 &&
		    (ip->i_flag &
		        (IN_ACCESS | IN_CHANGE | IN_UPDATE | IN_MODIFIED)))
			error = lfs_update(ip, 0);
	}
	if (!mine)
		vn_unlock(vp);
	if (error != 0 && c->error == 0)
		c->error = error;
	return 0;
}

/*
 * The end of a checkpoint: the IFILE's tables (cleaner information and
 * segment usage, generated from memory) and its inode, in one partial
 * segment whose own accounting is done before the tables are filled.
 */
static int
lfs_write_ifile_tables(struct lfsmount *lm, int64_t *idaddr, bool consistent)
{
	const struct dlfs *sb = &lm->lm_sb;
	struct inode *iip = VTOI(lm->lm_ivp);
	unsigned n = sb->dlfs_cleansz + sb->dlfs_segtabsz, i;
	size_t need = (size_t)n * sb->dlfs_bsize + sb->dlfs_ibsize;
	size_t sumneed = LFS_FINFOSIZE + 4 * n + 4;
	int64_t addr[UFS_NDADDR], ibaddr;
	uint8_t *blk;
	int error;

	if (lm->ps_start >= 0 && (lm->ps_used + need > lm->ps_limit ||
	                             lfs_ps_sumroom(lm) < sumneed ||
	                             lm->ps_nblk + n + 1 > LFS_PSEG_MAXBLKS))
		if ((error = lfs_pseg_close(lm)) != 0)
			return error;
	if ((error = lfs_pseg_open(lm, need)) != 0)
		return error;
	/*
	 * The IFILE inode gets a block of its own: an inode block left
	 * part full counts as full, as the summary's inode count must give
	 * the number of inode blocks (empty slots have inode number 0).
	 */
	if (lm->ps_iboff != 0 && lm->ps_ibcount < sb->dlfs_inopb) {
		lfs_ps_sum(lm)->ss_ninos +=
		    (uint16_t)(sb->dlfs_inopb - lm->ps_ibcount);
		lm->ps_ibcount = sb->dlfs_inopb;
	}
	blk = kmem_zalloc(sb->dlfs_bsize, KM_SLEEP);
	for (i = 0; i < n; i++) {
		error = lfs_append(lm, LFS_IFILE_INUM, (uint32_t)iip->i_gen,
		    (int32_t)i, blk, sb->dlfs_bsize, &addr[i]);
		if (error != 0)
			break;
		lfs_account(lm, iip->i_db[i], -(long)sb->dlfs_bsize);
		iip->i_db[i] = addr[i];
	}
	kmem_free(blk, sb->dlfs_bsize);
	if (error != 0)
		return error;
	lfs_account(lm, lm->lm_sb.dlfs_idaddr, -LFS_DINODE_SIZE);
	ufs_itimes(iip);
	iip->i_flag &= ~IN_MODIFIED;
	if ((error = lfs_append_inode(lm, iip, 0, &ibaddr)) != 0)
		return error;
	/* all accounting is done: now the contents */
	lfs_ci_update(lm);
	for (i = 0; i < n; i++) {
		uint8_t *dst = lm->ps_buf +
		    (size_t)(addr[i] - lm->ps_start) * sb->dlfs_fsize;

		memset(dst, 0, sb->dlfs_bsize);
		if (i == 0)
			memcpy(dst, &lm->lm_ci, sizeof(lm->lm_ci));
		else if (i >= sb->dlfs_cleansz)
			lfs_su_block(sb, i - sb->dlfs_cleansz, dst, lm->lm_su,
			    true);
	}
	/* the inode went in before its pointers were final: again */
	lfs_dinode_out(iip, lm->ps_buf +
	        (size_t)(ibaddr - lm->ps_start) * sb->dlfs_fsize);
	*idaddr = ibaddr;
	return consistent ? lfs_pseg_commit(lm) : lfs_pseg_close(lm);
}

/* After a checkpoint, emptied segments are clean. */
static void
lfs_release_freed(struct lfsmount *lm)
{
	uint32_t sn;

	lm->lm_nclean = -1;
	for (sn = 0; sn < lm->lm_sb.dlfs_nseg; sn++) {
		if (lm->lm_su[sn].su_nbytes == 0 &&
		    !(lm->lm_su[sn].su_flags & SEGUSE_ACTIVE))
			lm->lm_su[sn].su_flags &= ~SEGUSE_DIRTY;
		lm->lm_sufreed[sn] = 0;
	}
}

/*
 * Write everything dirty to the log (the vnode `locked`, if any, is
 * locked by the caller); with checkpoint, also the IFILE and a
 * superblock, which makes it the state a mount starts from.
 */
int
lfs_segwrite(struct lfsmount *lm, struct vnode *locked, bool checkpoint)
{
	struct lfs_flushctx c = {lm, locked, 0, 0};
	struct dlfs *sb = &lm->lm_sb;
	int64_t idaddr, sbaddr;
	bool consistent;
	int error, pass;

	if (lm->lm_um.um_ronly)
		return 0;
	(void)vfs_vnode_iterate(lm->lm_um.um_mountp, lfs_flush_vnode, &c);
	if (c.error != 0)
		return c.error;
	/* with no file passed over and no directory operation half done,
	 * what the log holds now is a state roll-forward may stop at */
	consistent = c.skipped == 0 && lm->lm_dirops == 0;
	if (!checkpoint) {
		mutex_enter(&lm->lm_lock);
		error = consistent ? lfs_pseg_commit(lm) : lfs_pseg_close(lm);
		mutex_exit(&lm->lm_lock);
		return error;
	}
	/*
	 * The inode map; its blocks moving changes only the IFILE inode.
	 * Inode allocation holds off (lm_iflock) from here to the
	 * superblock, so that the free list head and file count written
	 * agree with the map entries logged.
	 */
	mutex_enter(&lm->lm_iflock);
	for (pass = 0; lm->lm_ivp->v_ndirty > 0 && pass < 8; pass++)
		if ((error = vflushbuf(lm->lm_ivp, FSYNC_WAIT)) != 0) {
			mutex_exit(&lm->lm_iflock);
			return error;
		}
	mutex_enter(&lm->lm_lock);
	error = lfs_write_ifile_tables(lm, &idaddr, consistent);
	if (error != 0) {
		mutex_exit(&lm->lm_lock);
		mutex_exit(&lm->lm_iflock);
		return error;
	}
	sb->dlfs_idaddr = (int32_t)idaddr;
	sb->dlfs_curseg = (int32_t)lfs_sntod(sb, lm->lm_curseg);
	sb->dlfs_nextseg = (int32_t)lfs_sntod(sb, lm->lm_nextseg);
	sb->dlfs_lastseg = sb->dlfs_curseg;
	sb->dlfs_offset = (int32_t)lm->lm_offset;
	sb->dlfs_serial = lm->lm_serial;
	sb->dlfs_tstamp = (uint64_t)time_second();
	sb->dlfs_bfree = lm->lm_ci.bfree;
	sb->dlfs_avail = lm->lm_ci.avail;
	sb->dlfs_nclean = lm->lm_ci.clean;
	sb->dlfs_freehd = lm->lm_ci.free_head;
	sbaddr = sb->dlfs_sboffs[lm->lm_nextsb];
	error = lfs_sb_write(lm, sbaddr, sb);
	if (error == 0) {
		lm->lm_nextsb ^= 1;
		lm->lm_dirty = false;
		if (c.skipped == 0)
			lm->lm_pending = 0;
		lfs_release_freed(lm);
	}
	mutex_exit(&lm->lm_lock);
	mutex_exit(&lm->lm_iflock);
	return error;
}

int
lfs_checkpoint(struct lfsmount *lm)
{
	return lfs_segwrite(lm, NULL, true);
}

/*
 * A directory operation (the caller holds dvp and the other vnodes it
 * names locked) starts: with clean segments short the cleaner runs now,
 * as it writes a checkpoint, which must not fall in the middle of one.
 */
/* Directory operations of this thread in progress (nested: link counts). */
static _Thread_local unsigned lfs_mydirops;

void
lfs_dirop_begin(struct lfsmount *lm, struct vnode *dvp)
{
	bool shortage;

	mutex_enter(&lm->lm_lock);
	/* a writer waits for the cleaner: let the others drain first */
	while (lfs_mydirops == 0 && (lm->lm_cleanwant > 0 || lm->lm_incleaner))
		cv_wait(&lm->lm_cv, &lm->lm_lock);
	shortage = lfs_nclean(lm) < lm->lm_sb.dlfs_minfreeseg &&
	    !lm->lm_incleaner && lm->lm_dirops == 0;
	mutex_exit(&lm->lm_lock);
	if (shortage && !lm->lm_um.um_ronly)
		(void)lfs_clean(lm, dvp, lm->lm_sb.dlfs_minfreeseg + 2);
	mutex_enter(&lm->lm_lock);
	lm->lm_dirops++;
	lm->lm_diropseen = true;
	lfs_mydirops++;
	mutex_exit(&lm->lm_lock);
}

void
lfs_dirop_end(struct lfsmount *lm)
{
	mutex_enter(&lm->lm_lock);
	KASSERT(lm->lm_dirops > 0);
	lm->lm_dirops--;
	lfs_mydirops--;
	if (lm->lm_dirops == 0 && lm->lm_cleanwant > 0)
		cv_broadcast(&lm->lm_cv);
	mutex_exit(&lm->lm_lock);
}

bool
lfs_in_dirop(void)
{
	return lfs_mydirops > 0;
}

/*
 * Clean segments short and no directory operation of ours in progress:
 * wait until the others' have ended (new ones wait for us) or another
 * thread's cleaning has ended, then clean unless that made room.
 * locked: the vnode the caller holds locked (the cleaner passes over
 * it).
 */
void
lfs_clean_wait(struct lfsmount *lm, struct vnode *locked)
{
	mutex_enter(&lm->lm_lock);
	lm->lm_cleanwant++;
	while (lm->lm_dirops > 0 || lm->lm_incleaner) {
		cv_wait(&lm->lm_cv, &lm->lm_lock);
		if (lfs_nclean(lm) >= lm->lm_sb.dlfs_minfreeseg)
			break;
	}
	lm->lm_cleanwant--;
	if (lfs_nclean(lm) >= lm->lm_sb.dlfs_minfreeseg ||
	    lm->lm_incleaner) {
		if (lm->lm_cleanwant == 0)
			cv_broadcast(&lm->lm_cv);
		mutex_exit(&lm->lm_lock);
		return;
	}
	mutex_exit(&lm->lm_lock);
	(void)lfs_clean(lm, locked, lm->lm_sb.dlfs_minfreeseg + 2);
	mutex_enter(&lm->lm_lock);
	if (lm->lm_cleanwant == 0)
		cv_broadcast(&lm->lm_cv); /* the held-off directory operations */
	mutex_exit(&lm->lm_lock);
}
