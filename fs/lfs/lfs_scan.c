/*
 * Walks over what is on the disk, shared by roll-forward, the cleaner
 * and fsck: the blocks of an inode (read raw, bounds-checked), partial
 * segments (summary checks, length, data checksum), and the rebuild of
 * the segment usage table and the inode free list from the inode map.
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

bool
lfs_din_hasblocks(const struct lfsmount *lm, const uint8_t *din)
{
	const struct ufs1_dinode *dp = (const struct ufs1_dinode *)din;

	switch (dp->di_mode & UFS_IFMT) {
	case UFS_IFREG:
	case UFS_IFDIR:
		return true;
	case UFS_IFLNK:
		return dp->di_size >= lm->lm_um.um_maxsymlinklen;
	default:
		return false;
	}
}

static int
lfs_walk_ind(struct lfsmount *lm, ino_t ino, int64_t addr, int height,
    daddr_t base, lfs_blk_cb *cb, void *arg)
{
	const struct dlfs *sb = &lm->lm_sb;
	struct ufsmount *ump = &lm->lm_um;
	daddr_t span = (daddr_t)1 << (ump->um_nindirshift * (unsigned)(height - 1));
	int32_t *blk;
	unsigned i;
	int error;

	if (!ufs_addr_valid(ump, addr, sb->dlfs_frag)) {
		fs_corrupt(LFS_FSNAME, "inode %llu: indirect block address "
		                       "%lld out of range",
		    (unsigned long long)ino, (long long)addr);
		return EFSCORRUPTED;
	}
	if ((error = cb(arg, lfs_metalbn(ump, base, height), addr,
	         sb->dlfs_bsize)) != 0)
		return error;
	blk = kmem_alloc(sb->dlfs_bsize, KM_SLEEP);
	error = lfs_readfrags(lm, addr, blk, sb->dlfs_bsize);
	for (i = 0; error == 0 && i < sb->dlfs_nindir; i++) {
		daddr_t cb0 = base + (daddr_t)i * span;

		if (blk[i] == 0)
			continue;
		if (height > 1) {
			error = lfs_walk_ind(lm, ino, blk[i], height - 1, cb0,
			    cb, arg);
			continue;
		}
		if (!ufs_addr_valid(ump, blk[i], sb->dlfs_frag)) {
			fs_corrupt(LFS_FSNAME, "inode %llu: block %lld at "
			                       "address %d out of range",
			    (unsigned long long)ino, (long long)cb0, blk[i]);
			error = EFSCORRUPTED;
		} else
			error = cb(arg, (int32_t)cb0, blk[i], sb->dlfs_bsize);
	}
	kmem_free(blk, sb->dlfs_bsize);
	return error;
}

/* Every block of the inode din: data, then indirect subtrees. */
int
lfs_walk_blocks(struct lfsmount *lm, ino_t ino, const uint8_t *din,
    lfs_blk_cb *cb, void *arg)
{
	const struct ufs1_dinode *dp = (const struct ufs1_dinode *)din;
	const struct dlfs *sb = &lm->lm_sb;
	struct ufsmount *ump = &lm->lm_um;
	uint64_t size = dp->di_size, start;
	daddr_t base = UFS_NDADDR;
	uint32_t bsz;
	int i, error;

	if (ino != LFS_IFILE_INUM && !lfs_din_hasblocks(lm, din))
		return 0;
	for (i = 0; i < UFS_NDADDR; i++) {
		if (dp->di_db[i] == 0)
			continue;
		start = (uint64_t)i * sb->dlfs_bsize;
		bsz = sb->dlfs_bsize;
		if (size > start && size < start + sb->dlfs_bsize)
			bsz = (uint32_t)roundup(size - start, sb->dlfs_fsize);
		if (!ufs_addr_valid(ump, dp->di_db[i], lfs_btofsb(sb, bsz))) {
			fs_corrupt(LFS_FSNAME, "inode %llu: block %d at "
			                       "address %d out of range",
			    (unsigned long long)ino, i, dp->di_db[i]);
			return EFSCORRUPTED;
		}
		if ((error = cb(arg, i, dp->di_db[i], bsz)) != 0)
			return error;
	}
	for (i = 0; i < UFS_NIADDR; i++) {
		if (dp->di_ib[i] != 0 &&
		    (error = lfs_walk_ind(lm, ino, dp->di_ib[i], i + 1, base,
		         cb, arg)) != 0)
			return error;
		base += (daddr_t)1 << (ump->um_nindirshift * (unsigned)(i + 1));
	}
	return 0;
}

/*
 * Read and check the summary at addr into sum (sumsize bytes) and work
 * out how many fragments the partial segment takes.
 */
int
lfs_pseg_parse(struct lfsmount *lm, int64_t addr, uint8_t *sum,
    uint32_t *nfragsp, char *why, size_t wl)
{
	const struct dlfs *sb = &lm->lm_sb;
	const struct segsum *ss = (const struct segsum *)sum;
	uint64_t frags;
	size_t off = sizeof(*ss);
	unsigned i;
	int error;

	if (addr <= 0 || (uint64_t)addr + lfs_btofsb(sb, sb->dlfs_sumsize) >
	        (uint64_t)sb->dlfs_nseg * sb->dlfs_fsbpseg)
		return EINVAL;
	if ((error = lfs_readfrags(lm, addr, sum, sb->dlfs_sumsize)) != 0)
		return error;
	if ((error = lfs_segsum_check(sb, sum, addr, why, wl)) != 0)
		return error;
	frags = lfs_btofsb(sb, sb->dlfs_sumsize) +
	    (uint64_t)howmany(ss->ss_ninos, sb->dlfs_inopb) *
	        lfs_btofsb(sb, sb->dlfs_ibsize);
	for (i = 0; i < ss->ss_nfinfo; i++) {
		struct finfo32 fi;

		memcpy(&fi, sum + off, sizeof(fi));
		off += LFS_FINFOSIZE + 4 * (size_t)fi.fi_nblocks;
		if (off > sb->dlfs_sumsize || fi.fi_nblocks == 0 ||
		    fi.fi_lastlength == 0 || fi.fi_lastlength > sb->dlfs_bsize) {
			ksnprintf(why, wl, "summary at %lld: bad FINFO %u",
			    (long long)addr, i);
			return EFSCORRUPTED;
		}
		frags += (uint64_t)(fi.fi_nblocks - 1) * sb->dlfs_frag +
		    lfs_btofsb(sb, fi.fi_lastlength);
	}
	if (off + 4 * howmany((size_t)ss->ss_ninos, sb->dlfs_inopb) >
	        sb->dlfs_sumsize ||
	    lfs_dtosn(sb, addr) != lfs_dtosn(sb, addr + (int64_t)frags - 1)) {
		ksnprintf(why, wl, "summary at %lld: partial segment "
		                   "overflows its segment",
		    (long long)addr);
		return EFSCORRUPTED;
	}
	*nfragsp = (uint32_t)frags;
	return 0;
}

/*
 * Check the data checksum of the partial segment: the first word of
 * each block, inode blocks where the summary lists them, file blocks in
 * FINFO order elsewhere.
 */
int
lfs_pseg_datasum(struct lfsmount *lm, int64_t addr, const uint8_t *sum,
    uint32_t nfrags, char *why, size_t wl)
{
	const struct dlfs *sb = &lm->lm_sb;
	const struct segsum *ss = (const struct segsum *)sum;
	unsigned nib = (unsigned)howmany(ss->ss_ninos, sb->dlfs_inopb);
	unsigned fino = 0, fblk = 0, nwords = 0, i;
	size_t foff = sizeof(*ss);
	uint32_t *words, wsize, bsz;
	int64_t p = addr + lfs_btofsb(sb, sb->dlfs_sumsize),
	        end = addr + nfrags;
	struct finfo32 fi;
	uint8_t *blk;
	bool isino;
	int error = 0;

	wsize = 4 * nfrags;
	words = kmem_alloc(wsize, KM_SLEEP);
	blk = kmem_alloc(sb->dlfs_bsize, KM_SLEEP);
	memset(&fi, 0, sizeof(fi));
	if (ss->ss_nfinfo > 0)
		memcpy(&fi, sum + foff, sizeof(fi));
	while (p < end && error == 0) {
		isino = false;
		for (i = 0; i < nib; i++) {
			int32_t a;
			memcpy(&a, sum + sb->dlfs_sumsize - 4 * (i + 1), 4);
			if (a == p)
				isino = true;
		}
		if (isino)
			bsz = sb->dlfs_ibsize;
		else {
			while (fino < ss->ss_nfinfo && fblk >= fi.fi_nblocks) {
				foff += LFS_FINFOSIZE + 4 * (size_t)fi.fi_nblocks;
				fino++;
				fblk = 0;
				if (fino < ss->ss_nfinfo)
					memcpy(&fi, sum + foff, sizeof(fi));
			}
			if (fino >= ss->ss_nfinfo) {
				error = EFSCORRUPTED;
				break;
			}
			bsz = fblk + 1 == fi.fi_nblocks
			    ? (uint32_t)roundup(fi.fi_lastlength, sb->dlfs_fsize)
			    : sb->dlfs_bsize;
			fblk++;
		}
		if ((error = lfs_readfrags(lm, p, blk, DEV_BSIZE)) != 0)
			break;
		memcpy(&words[nwords++], blk, 4);
		p += lfs_btofsb(sb, bsz);
	}
	if (error == 0 && lfs_cksum(words, 4 * (size_t)nwords) != ss->ss_datasum)
		error = EFSCORRUPTED;
	if (error == EFSCORRUPTED)
		ksnprintf(why, wl, "partial segment at %lld: data checksum "
		                   "mismatch",
		    (long long)addr);
	kmem_free(blk, sb->dlfs_bsize);
	kmem_free(words, wsize);
	return error;
}

struct lfs_rebuild {
	struct lfsmount *lm;
	uint64_t *nbytes;
	uint64_t nblocks;
};

static int
lfs_rebuild_cb(void *arg, int32_t lbn, int64_t addr, uint32_t size)
{
	struct lfs_rebuild *r = arg;

	r->nbytes[lfs_dtosn(&r->lm->lm_sb, addr)] += size;
	return 0;
}

/*
 * Count every live inode and block again into the segment usage table
 * and thread the inode free list through every unused map entry.  An
 * inode in use with no link left was a file removed while still open
 * when the writer stopped: nobody holds it now, so it is freed (its
 * blocks are not counted).
 */
int
lfs_rebuild_usage(struct lfsmount *lm)
{
	const struct dlfs *sb = &lm->lm_sb;
	struct lfs_rebuild r = {lm, NULL, 0};
	uint8_t din[LFS_DINODE_SIZE];
	struct ifile32 *ife;
	struct buf *bp;
	uint32_t sn, prev = 0, nfiles = 0;
	int64_t daddr;
	ino_t ino;
	int error = 0;

	r.nbytes = kmem_zalloc(sb->dlfs_nseg * sizeof(uint64_t), KM_SLEEP);
	lfs_dinode_out(VTOI(lm->lm_ivp), din);
	r.nbytes[lfs_dtosn(sb, sb->dlfs_idaddr)] += LFS_DINODE_SIZE;
	error = lfs_walk_blocks(lm, LFS_IFILE_INUM, din, lfs_rebuild_cb, &r);
	lm->lm_ci.free_head = lm->lm_ci.free_tail = LFS_UNUSED_INUM;
	for (ino = LFS_ROOTINO; error == 0 && ino < lm->lm_um.um_ninodes;
	     ino++) {
		error = lfs_inode_read(lm, ino, din, &daddr);
		if (error == 0 &&
		    ((const struct ufs1_dinode *)(const void *)din)->di_nlink ==
		        0) {
			if ((error = lfs_ifentry(lm, ino, &bp, &ife)) != 0)
				break;
			ife->if_daddr = LFS_UNUSED_DADDR;
			ife->if_version++;
			bdwrite(bp);
			kprintf("lfs: inode %llu: no links left: freed\n",
			    (unsigned long long)ino);
			error = ENOENT;
		}
		if (error == ENOENT) {
			/* free: append to the list */
			error = 0;
			if (prev != 0) {
				if ((error = lfs_ifentry(lm, prev, &bp,
				         &ife)) != 0)
					break;
				ife->if_nextfree = (uint32_t)ino;
				bdwrite(bp);
			} else
				lm->lm_ci.free_head = (uint32_t)ino;
			if ((error = lfs_ifentry(lm, ino, &bp, &ife)) != 0)
				break;
			ife->if_nextfree = 0;
			bdwrite(bp);
			prev = (uint32_t)ino;
			lm->lm_ci.free_tail = prev;
			continue;
		}
		if (error != 0)
			break;
		nfiles++;
		r.nbytes[lfs_dtosn(sb, daddr)] += LFS_DINODE_SIZE;
		error = lfs_walk_blocks(lm, ino, din, lfs_rebuild_cb, &r);
	}
	if (error == 0) {
		for (sn = 0; sn < sb->dlfs_nseg; sn++) {
			struct segusage *su = &lm->lm_su[sn];

			su->su_nbytes = (uint32_t)MIN(r.nbytes[sn], UINT32_MAX);
			if (su->su_nbytes > 0)
				su->su_flags |= SEGUSE_DIRTY;
			lm->lm_sufreed[sn] = su->su_nbytes == 0 &&
			    (su->su_flags & SEGUSE_DIRTY);
		}
		lm->lm_sb.dlfs_nfiles = nfiles + 1;
		lfs_recount(lm);
	}
	kmem_free(r.nbytes, sb->dlfs_nseg * sizeof(uint64_t));
	return error;
}
