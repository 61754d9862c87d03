/*
 * fsck -n for LFS, on the newest valid checkpoint: every partial
 * segment's summary and data checksums, every live block described by
 * the summary of the partial it lies in and claimed once, the segment
 * usage table against the live bytes found, the inode map and its free
 * list, block counts, then (lfs_fsck_dirs.c) directories and links.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "lfs/lfs_fsck.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

#define LFS_FSCK_MAXLINES 100
#define LFS_FSCK_MAXIFILE (256u << 20)

void
lfs_fsck_problem(struct lfs_fsck *st, const char *fmt, ...)
{
	char line[200];
	va_list ap;
	int n;

	(*st->nproblems)++;
	if (st->nlines > LFS_FSCK_MAXLINES)
		return;
	if (st->nlines++ == LFS_FSCK_MAXLINES)
		ksnprintf(line, sizeof(line), "(more problems not listed)\n");
	else {
		va_start(ap, fmt);
		n = kvsnprintf(line, sizeof(line) - 1, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n > sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	n = (int)strlen(line);
	if ((size_t)n <= st->report->uio_resid)
		(void)uiomove(line, (size_t)n, st->report);
}

/* The IFILE's blocks into memory. */
static int
lfs_fsck_ifile_cb(void *arg, int32_t lbn, int64_t addr, uint32_t size)
{
	struct lfs_fsck *st = arg;
	size_t off;

	if (lbn < 0)
		return 0;
	off = (size_t)lbn * st->lm->lm_sb.dlfs_bsize;
	if (off + size > st->ifsize)
		return EFSCORRUPTED;
	return lfs_readfrags(st->lm, addr, st->ifile + off, size);
}

static int
lfs_fsck_load(struct lfs_fsck *st)
{
	struct lfsmount *lm = st->lm;
	const struct dlfs *sb = &lm->lm_sb;
	uint8_t din[LFS_DINODE_SIZE];
	const struct ufs1_dinode *dp = (const void *)din;
	size_t ntab = sb->dlfs_cleansz + sb->dlfs_segtabsz;
	int error;

	if ((error = lfs_inode_read(lm, LFS_IFILE_INUM, din, NULL)) != 0) {
		lfs_fsck_problem(st, "cannot read the IFILE inode at %d",
		    sb->dlfs_idaddr);
		return error;
	}
	if (dp->di_size % sb->dlfs_bsize != 0 ||
	    dp->di_size < (ntab + 1) * sb->dlfs_bsize ||
	    dp->di_size > LFS_FSCK_MAXIFILE) {
		lfs_fsck_problem(st, "IFILE size %llu is wrong",
		    (unsigned long long)dp->di_size);
		return EFSCORRUPTED;
	}
	st->ifsize = (size_t)dp->di_size;
	st->ifile = kmem_zalloc(st->ifsize, KM_SLEEP);
	error = lfs_walk_blocks(lm, LFS_IFILE_INUM, din, lfs_fsck_ifile_cb, st);
	if (error != 0) {
		lfs_fsck_problem(st, "cannot read the IFILE");
		return error;
	}
	st->ci = (struct cleanerinfo32 *)st->ifile;
	st->su = kmem_zalloc(sb->dlfs_nseg * sizeof(struct segusage),
	    KM_SLEEP);
	lfs_su_unpack(sb, st->ifile + (size_t)sb->dlfs_cleansz *
	    sb->dlfs_bsize, st->su);
	st->ninodes = (st->ifsize / sb->dlfs_bsize - ntab) * sb->dlfs_ifpb;
	lm->lm_um.um_ninodes = st->ninodes;
	return 0;
}

/* What the summaries of segment sn say each fragment holds. */
static void
lfs_fsck_segment(struct lfs_fsck *st, uint32_t sn, uint8_t *sum)
{
	struct lfsmount *lm = st->lm;
	const struct dlfs *sb = &lm->lm_sb;
	const struct segsum *ss = (const struct segsum *)sum;
	int64_t addr = lfs_seg_first(lm, sn), end = lfs_sntod(sb, sn + 1), p;
	uint64_t lastserial = 0;
	uint32_t nfrags, i, j, nib;
	size_t off;
	char why[160];

	while (addr + lfs_btofsb(sb, sb->dlfs_sumsize) <= end) {
		if (lfs_pseg_parse(lm, addr, sum, &nfrags, why,
		        sizeof(why)) != 0 ||
		    ss->ss_serial <= lastserial)
			break;
		lastserial = ss->ss_serial;
		if (lfs_pseg_datasum(lm, addr, sum, nfrags, why,
		        sizeof(why)) != 0) {
			/* a torn partial: its blocks are not described */
			addr += nfrags;
			continue;
		}
		nib = (uint32_t)howmany(ss->ss_ninos, sb->dlfs_inopb);
		for (i = 0; i < nib; i++) {
			int32_t a;
			memcpy(&a, sum + sb->dlfs_sumsize - 4 * (i + 1), 4);
			if (a > 0 && (uint64_t)a < sb->dlfs_size) {
				st->descino[a] = 0;
				st->desclbn[a] = LFS_DESC_INODES;
			}
		}
		/* file blocks in FINFO order, skipping the inode blocks */
		p = addr + lfs_btofsb(sb, sb->dlfs_sumsize);
		off = sizeof(*ss);
		for (i = 0; i < ss->ss_nfinfo; i++) {
			struct finfo32 fi;
			memcpy(&fi, sum + off, sizeof(fi));
			for (j = 0; j < fi.fi_nblocks; j++) {
				int32_t lbn;
				while (p < end &&
				    st->desclbn[p] == LFS_DESC_INODES &&
				    st->descino[p] == 0)
					p += lfs_btofsb(sb, sb->dlfs_ibsize);
				if (p >= end)
					break;
				memcpy(&lbn, sum + off + LFS_FINFOSIZE + 4 * j,
				    4);
				st->descino[p] = fi.fi_ino;
				st->desclbn[p] = lbn;
				p += j + 1 == fi.fi_nblocks
				    ? lfs_btofsb(sb, fi.fi_lastlength)
				    : sb->dlfs_frag;
			}
			off += LFS_FINFOSIZE + 4 * (size_t)fi.fi_nblocks;
		}
		addr += nfrags;
	}
}

static int
lfs_fsck_blk_cb(void *arg, int32_t lbn, int64_t addr, uint32_t size)
{
	struct lfs_fsck *st = arg;
	const struct dlfs *sb = &st->lm->lm_sb;
	uint32_t n = lfs_btofsb(sb, size), i;

	for (i = 0; i < n; i++) {
		if (st->owner[addr + i] != 0) {
			lfs_fsck_problem(st, "inode %u block %d at %lld: "
			                     "fragment %lld also used by inode %u",
			    st->cur, lbn, (long long)addr,
			    (long long)(addr + i), st->owner[addr + i]);
			break;
		}
		st->owner[addr + i] = st->cur;
	}
	if (st->descino[addr] != st->cur || st->desclbn[addr] != lbn)
		lfs_fsck_problem(st, "inode %u block %d at %lld is not what "
		                     "its segment summary says (inode %u "
		                     "block %d)",
		    st->cur, lbn, (long long)addr, st->descino[addr],
		    st->desclbn[addr]);
	st->segbytes[lfs_dtosn(sb, addr)] += size;
	st->curblocks += size / DEV_BSIZE;
	return 0;
}

/* One inode: its copy, its blocks. */
static void
lfs_fsck_inode(struct lfs_fsck *st, uint32_t ino, int64_t daddr)
{
	struct lfsmount *lm = st->lm;
	uint8_t din[LFS_DINODE_SIZE];
	const struct ufs1_dinode *dp = (const void *)din;
	int error;

	if (!ufs_addr_valid(&lm->lm_um, daddr,
	        lfs_btofsb(&lm->lm_sb, lm->lm_sb.dlfs_ibsize))) {
		lfs_fsck_problem(st, "inode %u: map address %lld outside the "
		                     "file system",
		    ino, (long long)daddr);
		st->istate[ino] = 2;
		return;
	}
	if (st->desclbn[daddr] != LFS_DESC_INODES)
		lfs_fsck_problem(st, "inode %u: block %lld is not an inode "
		                     "block of any summary",
		    ino, (long long)daddr);
	if ((error = lfs_iblock_find(lm, ino, daddr, din)) != 0) {
		lfs_fsck_problem(st, "inode %u: cannot read it (error %d)",
		    ino, error);
		st->istate[ino] = 2;
		return;
	}
	st->segbytes[lfs_dtosn(&lm->lm_sb, daddr)] += LFS_DINODE_SIZE;
	if (ino != LFS_IFILE_INUM &&
	    (dp->di_mode == 0 || ufs_mode2vtype(dp->di_mode) == VNON)) {
		lfs_fsck_problem(st, "inode %u: in the map with mode %#o",
		    ino, dp->di_mode);
		st->istate[ino] = 2;
		return;
	}
	if (ino == LFS_IFILE_INUM)
		return;
	st->istate[ino] = 1;
	st->mode[ino] = dp->di_mode;
	st->nlink[ino] = dp->di_nlink;
	st->cur = ino;
	st->curblocks = 0;
	if (lfs_walk_blocks(lm, ino, din, lfs_fsck_blk_cb, st) != 0) {
		lfs_fsck_problem(st, "inode %u: bad block pointers", ino);
		st->istate[ino] = 2;
		return;
	}
	if (lfs_din_hasblocks(lm, din) && st->curblocks != dp->di_blocks)
		lfs_fsck_problem(st, "inode %u: block count %u, found %llu",
		    ino, dp->di_blocks, (unsigned long long)st->curblocks);
}

static void
lfs_fsck_inodes(struct lfs_fsck *st)
{
	struct lfsmount *lm = st->lm;
	uint8_t din[LFS_DINODE_SIZE];
	uint32_t ino;

	st->cur = LFS_IFILE_INUM;
	st->curblocks = 0;
	st->segbytes[lfs_dtosn(&lm->lm_sb, lm->lm_sb.dlfs_idaddr)] +=
	    LFS_DINODE_SIZE;
	if (st->desclbn[lm->lm_sb.dlfs_idaddr] != LFS_DESC_INODES)
		lfs_fsck_problem(st, "IFILE inode block %d is in no summary",
		    lm->lm_sb.dlfs_idaddr);
	if (lfs_inode_read(lm, LFS_IFILE_INUM, din, NULL) == 0)
		(void)lfs_walk_blocks(lm, LFS_IFILE_INUM, din,
		    lfs_fsck_blk_cb, st);
	for (ino = LFS_ROOTINO; ino < st->ninodes; ino++)
		if (LFS_FSCK_MAP(st, ino)->if_daddr != LFS_UNUSED_DADDR)
			lfs_fsck_inode(st, ino, LFS_FSCK_MAP(st, ino)->if_daddr);
	if (st->istate[LFS_ROOTINO] != 1 ||
	    (st->mode[LFS_ROOTINO] & UFS_IFMT) != UFS_IFDIR)
		lfs_fsck_problem(st, "root inode is not a directory in use");
}

static void
lfs_fsck_freelist(struct lfs_fsck *st)
{
	uint64_t nfree = 0, walked = 0;
	uint32_t ino, last = 0;

	for (ino = LFS_ROOTINO; ino < st->ninodes; ino++)
		if (LFS_FSCK_MAP(st, ino)->if_daddr == LFS_UNUSED_DADDR)
			nfree++;
	for (ino = st->ci->free_head; ino != LFS_UNUSED_INUM;
	     ino = LFS_FSCK_MAP(st, ino)->if_nextfree) {
		if (ino >= st->ninodes || ino < LFS_ROOTINO) {
			lfs_fsck_problem(st, "inode free list: entry %u out "
			                     "of range",
			    ino);
			return;
		}
		if (LFS_FSCK_MAP(st, ino)->if_daddr != LFS_UNUSED_DADDR) {
			lfs_fsck_problem(st, "inode free list: inode %u is "
			                     "in use",
			    ino);
			return;
		}
		if (++walked > nfree) {
			lfs_fsck_problem(st, "inode free list has a loop");
			return;
		}
		last = ino;
	}
	if (walked != nfree)
		lfs_fsck_problem(st, "inode free list has %llu entries, the "
		                     "map %llu free inodes",
		    (unsigned long long)walked, (unsigned long long)nfree);
	if (last != st->ci->free_tail)
		lfs_fsck_problem(st, "inode free list ends at %u, its tail "
		                     "says %u",
		    last, st->ci->free_tail);
}

static void
lfs_fsck_segusage(struct lfs_fsck *st)
{
	const struct dlfs *sb = &st->lm->lm_sb;
	uint32_t sn;

	for (sn = 0; sn < sb->dlfs_nseg; sn++) {
		if (st->su[sn].su_nbytes != st->segbytes[sn])
			lfs_fsck_problem(st, "segment %u: usage table says %u "
			                     "live bytes, found %llu",
			    sn, st->su[sn].su_nbytes,
			    (unsigned long long)st->segbytes[sn]);
		if (st->segbytes[sn] > 0 &&
		    !(st->su[sn].su_flags & SEGUSE_DIRTY))
			lfs_fsck_problem(st, "segment %u holds live data but "
			                     "is marked clean",
			    sn);
	}
}

static void
lfs_fsck_free(struct lfs_fsck *st)
{
	struct lfsmount *lm = st->lm;
	const struct dlfs *sb = &lm->lm_sb;
	uint64_t n = st->ninodes;

	if (st->ifile != NULL)
		kmem_free(st->ifile, st->ifsize);
	if (st->su != NULL)
		kmem_free(st->su, sb->dlfs_nseg * sizeof(struct segusage));
	if (st->segbytes != NULL)
		kmem_free(st->segbytes, sb->dlfs_nseg * sizeof(uint64_t));
	if (st->owner != NULL) {
		kmem_free(st->owner, sb->dlfs_size * sizeof(uint32_t));
		kmem_free(st->descino, sb->dlfs_size * sizeof(uint32_t));
		kmem_free(st->desclbn, sb->dlfs_size * sizeof(int32_t));
	}
	if (st->istate != NULL) {
		kmem_free(st->istate, n);
		kmem_free(st->mode, n * sizeof(uint16_t));
		kmem_free(st->nlink, n * sizeof(int32_t));
		kmem_free(st->refs, n * sizeof(int32_t));
		kmem_free(st->parent, n * sizeof(uint32_t));
	}
	cv_destroy(&lm->lm_cv);
	mutex_destroy(&lm->lm_lock);
	mutex_destroy(&lm->lm_iflock);
	kmem_free(lm, sizeof(*lm));
}

/* vfs_fsck */
int
lfs_fsck(struct vnode *devvp, const char *options, struct uio *report,
    int *nproblems)
{
	struct lfs_fsck st;
	struct lfsmount *lm;
	struct dlfs sbs[2];
	unsigned slots[2];
	struct vattr va;
	uint8_t *sum;
	uint32_t sn;
	uint64_t n;
	int error, nvalid;

	if (options != NULL && strstr(options, "repair") != NULL)
		return EOPNOTSUPP;
	memset(&st, 0, sizeof(st));
	st.report = report;
	st.nproblems = nproblems;
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	nvalid = lfs_sb_choose(devvp, (uint64_t)va.va_size, sbs, slots);
	if (nvalid < 0)
		return -nvalid;
	if (nvalid == 0) {
		lfs_fsck_problem(&st, "no valid superblock");
		return 0;
	}
	if (nvalid < 2)
		lfs_fsck_problem(&st, "only one valid checkpoint superblock");
	lm = st.lm = kmem_zalloc(sizeof(*lm), KM_SLEEP);
	lm->lm_sb = sbs[0];
	mutex_init(&lm->lm_lock);
	cv_init(&lm->lm_cv);
	mutex_init(&lm->lm_iflock);
	lm->lm_um.um_devvp = devvp;
	lm->lm_um.um_ronly = true;
	lm->lm_um.um_ops = &lfs_ufsops;
	lfs_ump_setup(lm);
	lm->ps_start = -1;
	if (lfs_fsck_load(&st) != 0) {
		lfs_fsck_free(&st);
		return 0;
	}
	n = st.ninodes;
	st.segbytes = kmem_zalloc(sbs[0].dlfs_nseg * sizeof(uint64_t),
	    KM_SLEEP);
	st.owner = kmem_zalloc(sbs[0].dlfs_size * sizeof(uint32_t), KM_SLEEP);
	st.descino = kmem_zalloc(sbs[0].dlfs_size * sizeof(uint32_t),
	    KM_SLEEP);
	st.desclbn = kmem_zalloc(sbs[0].dlfs_size * sizeof(int32_t), KM_SLEEP);
	st.istate = kmem_zalloc(n, KM_SLEEP);
	st.mode = kmem_zalloc(n * sizeof(uint16_t), KM_SLEEP);
	st.nlink = kmem_zalloc(n * sizeof(int32_t), KM_SLEEP);
	st.refs = kmem_zalloc(n * sizeof(int32_t), KM_SLEEP);
	st.parent = kmem_zalloc(n * sizeof(uint32_t), KM_SLEEP);
	sum = kmem_alloc(sbs[0].dlfs_sumsize, KM_SLEEP);
	for (sn = 0; sn < sbs[0].dlfs_nseg; sn++)
		if (st.su[sn].su_flags & SEGUSE_DIRTY ||
		    st.su[sn].su_nbytes > 0)
			lfs_fsck_segment(&st, sn, sum);
	kmem_free(sum, sbs[0].dlfs_sumsize);
	lfs_fsck_inodes(&st);
	lfs_fsck_segusage(&st);
	lfs_fsck_freelist(&st);
	lfs_fsck_dirs(&st);
	lfs_fsck_free(&st);
	return 0;
}
