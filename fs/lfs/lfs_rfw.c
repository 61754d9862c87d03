/*
 * Roll-forward: partial segments written after the last checkpoint
 * (fsync writes them) are found by following the log from the
 * checkpoint's position: each must carry this file system's ident, the
 * next serial number and good summary and data checksums.  The inodes
 * they hold take the place of the ones in the map (a freed inode was
 * logged with mode 0), then the segment usage and the free list are
 * counted again.  The mount writes a checkpoint right after.
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

/* Map blocks one partial segment may add (more is damage). */
#define LFS_RFW_MAXGROW 64

/* Point the map at the inodes of one partial segment. */
static int
lfs_rfw_inodes(struct lfsmount *lm, const uint8_t *sum)
{
	const struct dlfs *sb = &lm->lm_sb;
	const struct segsum *ss = (const struct segsum *)sum;
	unsigned nib = (unsigned)howmany(ss->ss_ninos, sb->dlfs_inopb);
	unsigned left = ss->ss_ninos, b, i, n;
	uint8_t *blk = kmem_alloc(sb->dlfs_ibsize, KM_SLEEP);
	struct ifile32 *ife;
	struct buf *bp;
	int32_t a;
	int error = 0;

	for (b = 0; b < nib && error == 0; b++) {
		memcpy(&a, sum + sb->dlfs_sumsize - 4 * (b + 1), 4);
		if ((error = lfs_readfrags(lm, a, blk, sb->dlfs_ibsize)) != 0)
			break;
		n = MIN(left, sb->dlfs_inopb);
		left -= n;
		for (i = 0; i < n; i++) {
			const struct ufs1_dinode *dp =
			    (const void *)(blk + i * LFS_DINODE_SIZE);
			uint32_t ino;

			memcpy(&ino, blk + i * LFS_DINODE_SIZE + 4, 4);
			if (ino < LFS_ROOTINO)
				continue;
			/* the map grew after the checkpoint: grow it again */
			while (ino >= lm->lm_um.um_ninodes &&
			    ino < lm->lm_um.um_ninodes +
			            (uint64_t)LFS_RFW_MAXGROW * sb->dlfs_ifpb &&
			    (error = lfs_ifile_extend(lm)) == 0)
				;
			if (error != 0)
				break;
			if (ino >= lm->lm_um.um_ninodes)
				continue;
			if ((error = lfs_ifentry(lm, ino, &bp, &ife)) != 0)
				break;
			if (dp->di_mode == 0) {
				if (ife->if_daddr != LFS_UNUSED_DADDR)
					ife->if_version++;
				ife->if_daddr = LFS_UNUSED_DADDR;
			} else {
				ife->if_daddr = a;
				ife->if_version = (uint32_t)dp->di_gen;
			}
			bdwrite(bp);
		}
	}
	kmem_free(blk, sb->dlfs_ibsize);
	return error;
}

/* Where the log stands after a partial segment. */
struct lfs_rfw_pos {
	uint32_t cur, next; /* segments */
	int64_t addr;       /* the next partial */
	uint64_t serial;    /* its serial number */
};

/*
 * Follow the log from the checkpoint: the addresses of the valid
 * partial segments in *addrsp (*nfoundp of them), of which the first
 * *ncommitp end with a closing one (no SS_CONT), with the log's
 * position after it in *commit; the serial after the last one found
 * in *seenp.
 */
static int
lfs_rfw_scan(struct lfsmount *lm, int64_t **addrsp, unsigned *nfoundp,
    unsigned *ncommitp, struct lfs_rfw_pos *commit, uint64_t *seenp)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t *sum = kmem_alloc(sb->dlfs_sumsize, KM_SLEEP);
	const struct segsum *ss = (const struct segsum *)sum;
	struct lfs_rfw_pos pos = {lm->lm_curseg, lm->lm_nextseg,
	    lm->lm_offset, lm->lm_serial};
	int64_t *addrs = NULL, *grown;
	unsigned found = 0, cap = 0;
	uint32_t nfrags;
	bool jumped = false;
	char why[120];
	int error;

	*commit = pos;
	*ncommitp = 0;
	for (;;) {
		why[0] = '\0';
		error = lfs_pseg_parse(lm, pos.addr, sum, &nfrags, why,
		    sizeof(why));
		if (error == 0 && ss->ss_serial != pos.serial)
			error = ESRCH;
		/* at the end of a segment the next one may follow on disk */
		if (error == 0 && lfs_dtosn(sb, pos.addr) != pos.cur) {
			if (lfs_dtosn(sb, pos.addr) != pos.next)
				error = ESRCH;
			else
				pos.cur = pos.next;
		}
		if (error == 0)
			error = lfs_pseg_datasum(lm, pos.addr, sum, nfrags, why,
			    sizeof(why));
		if (error != 0) {
			/* the log may go on at the start of the next one */
			if (jumped || pos.next == pos.cur)
				break;
			jumped = true;
			pos.addr = lfs_seg_first(lm, pos.next);
			pos.cur = pos.next;
			continue;
		}
		if (found == cap) {
			cap = cap == 0 ? 64 : 2 * cap;
			grown = kmem_alloc(cap * sizeof(*addrs), KM_SLEEP);
			if (found > 0) {
				memcpy(grown, addrs, found * sizeof(*addrs));
				kmem_free(addrs, found * sizeof(*addrs));
			}
			addrs = grown;
		}
		addrs[found++] = pos.addr;
		jumped = false;
		pos.serial++;
		pos.addr += nfrags;
		pos.next = lfs_dtosn(sb, ss->ss_next);
		if (pos.next >= sb->dlfs_nseg)
			break;
		if (!(ss->ss_flags & SS_CONT)) {
			*ncommitp = found;
			*commit = pos;
		}
	}
	kmem_free(sum, sb->dlfs_sumsize);
	*seenp = pos.serial;
	if (addrs != NULL && found < cap) {
		/* hand back an array of exactly found entries */
		grown = found > 0 ? kmem_alloc(found * sizeof(*addrs), KM_SLEEP)
		                  : NULL;
		if (found > 0)
			memcpy(grown, addrs, found * sizeof(*addrs));
		kmem_free(addrs, cap * sizeof(*addrs));
		addrs = grown;
	}
	*addrsp = addrs;
	*nfoundp = found;
	return 0;
}

int
lfs_rollforward(struct lfsmount *lm)
{
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t *sum = kmem_alloc(sb->dlfs_sumsize, KM_SLEEP);
	struct lfs_rfw_pos commit;
	int64_t *addrs;
	unsigned found, ncommit, i;
	uint64_t seen;
	uint32_t nfrags;
	char why[120];
	int error;

	error = lfs_rfw_scan(lm, &addrs, &found, &ncommit, &commit, &seen);
	for (i = 0; error == 0 && i < ncommit; i++) {
		error = lfs_pseg_parse(lm, addrs[i], sum, &nfrags, why,
		    sizeof(why));
		if (error == 0)
			error = lfs_rfw_inodes(lm, sum);
	}
	if (addrs != NULL)
		kmem_free(addrs, found * sizeof(*addrs));
	kmem_free(sum, sb->dlfs_sumsize);
	if (error != 0)
		return error;
	if (ncommit > 0) {
		lm->lm_su[lm->lm_curseg].su_flags &= ~SEGUSE_ACTIVE;
		lm->lm_su[lm->lm_nextseg].su_flags &= ~SEGUSE_ACTIVE;
		lm->lm_curseg = commit.cur;
		lm->lm_nextseg = commit.next;
		lm->lm_offset = commit.addr;
		lm->lm_su[commit.cur].su_flags |= SEGUSE_ACTIVE | SEGUSE_DIRTY;
		lm->lm_su[commit.next].su_flags |= SEGUSE_ACTIVE;
	}
	/*
	 * Past every serial the log holds: a partial segment left after
	 * the new log head (an unfinished run) never passes for its next.
	 */
	lm->lm_serial = MAX(commit.serial, seen);
	if (found > ncommit)
		kprintf("lfs: roll-forward: %u partial segments of an "
		        "unfinished run left out\n",
		    found - ncommit);
	lfs_recount(lm);
	if (ncommit > 0)
		kprintf("lfs: rolled forward %u partial segments\n", ncommit);
	/* after a crash: the tables counted again, files left open freed */
	if (ncommit > 0 || !(sb->dlfs_pflags & LFS_PF_CLEAN))
		error = lfs_rebuild_usage(lm);
	return error;
}
