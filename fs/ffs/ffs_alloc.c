/*
 * Allocation in cylinder groups: blocks, fragments (and their growth in
 * place), inodes, and freeing them again.
 *
 * Every change of a block's free bits goes through ffs_blkchange(),
 * which keeps the group's free-block and free-fragment counts, its
 * fragment-run summary (cg_frsum), its cluster map and summary, the
 * in-core group summary and the superblock totals in step.  um_lock
 * covers all of them; cylinder-group buffers are only touched with it
 * held.
 *
 * Which group: the one of the preferred address or of the inode, then
 * groups at growing (quadratic) distances, then all of them in turn.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

/* Blocks after the preferred one that are still worth taking. */
#define FFS_PREF_SLACK 4

/* Returns the address found in the group, or 0. */
typedef int64_t ffs_allocator(struct ffsmount *, struct ffs_cgbuf *,
    int64_t pref, int size, uint16_t mode);

static unsigned
ffs_fullbits(const struct fs *fs)
{
	return (1u << fs->fs_frag) - 1;
}

static void
ffs_count(struct ffsmount *fm, uint32_t c, int64_t dnb, int64_t dnf,
    int64_t dni, int64_t dnd)
{
	struct fs *fs = fm->fm_fs;

	fm->fm_cs[c].cs_nbfree += (int32_t)dnb;
	fm->fm_cs[c].cs_nffree += (int32_t)dnf;
	fm->fm_cs[c].cs_nifree += (int32_t)dni;
	fm->fm_cs[c].cs_ndir += (int32_t)dnd;
	fs->fs_cstotal.cs_nbfree += dnb;
	fs->fs_cstotal.cs_nffree += dnf;
	fs->fs_cstotal.cs_nifree += dni;
	fs->fs_cstotal.cs_ndir += dnd;
	fm->fm_fmod = true;
}

/* Block h of the group goes from free bits oldbits to newbits. */
static void
ffs_blkchange(struct ffsmount *fm, struct ffs_cgbuf *cb, int64_t h,
    unsigned oldbits, unsigned newbits)
{
	struct fs *fs = fm->fm_fs;
	unsigned full = ffs_fullbits(fs);
	int32_t frsum[MAXFRAG];
	int64_t dnb = 0, dnf = 0;
	int i;

	if (oldbits == newbits)
		return;
	memset(frsum, 0, sizeof(frsum));
	if (oldbits == full) {
		dnb--;
		ffs_clusteracct(fs, cb, h, -1);
	} else {
		dnf -= __builtin_popcount(oldbits);
		ffs_fragacct(fs, oldbits, frsum, -1);
	}
	if (newbits == full) {
		dnb++;
		ffs_clusteracct(fs, cb, h, 1);
	} else {
		dnf += __builtin_popcount(newbits);
		ffs_fragacct(fs, newbits, frsum, 1);
	}
	ffs_setblkbits(fs, cb->cb_blksfree, h, newbits);
	for (i = 1; i < fs->fs_frag; i++)
		if (frsum[i] != 0)
			CG_ADD(cb, cg_frsum[i], frsum[i]);
	CG_ADD(cb, cg_cs.cs_nbfree, dnb);
	CG_ADD(cb, cg_cs.cs_nffree, dnf);
	ffs_count(fm, cb->cb_cgx, dnb, dnf, 0, 0);
}

/* Whole blocks of the group (a short last block never counts). */
static int64_t
ffs_cg_nblks(const struct fs *fs, const struct ffs_cgbuf *cb)
{
	return ffs_fragstoblks(fs, CG_GET(cb, cg_ndblk));
}

/*
 * Take a free block: at pref if that is free (or a little after it, to
 * keep a file together), else the next free one from the group's rotor,
 * which follows the allocations so that a search does not walk over the
 * same full blocks again and again.
 */
/*
 * With 8 fragments a block, a block's free bits are one byte of the map:
 * look at 8 blocks at once.  ffs_word8(): the 8 bytes from block h on.
 */
static inline uint64_t
ffs_word8(const uint8_t *map, int64_t h)
{
	uint64_t w;

	memcpy(&w, map + h, sizeof(w));
	return w;
}

#define FFS_ONES8 UINT64_C(0x0101010101010101)
#define FFS_HIGH8 UINT64_C(0x8080808080808080)

/* Has none of the 8 blocks all of its fragments free? */
static inline bool
ffs_nofull8(uint64_t w)
{
	uint64_t x = ~w; /* a free block is a zero byte of x */

	return ((x - FFS_ONES8) & ~x & FFS_HIGH8) == 0;
}

/* Is every one of the 8 blocks either all free or all in use? */
static inline bool
ffs_nopartial8(uint64_t w)
{
	return ((w ^ (w >> 1)) & UINT64_C(0x7f7f7f7f7f7f7f7f)) == 0;
}

static int64_t
ffs_alloccgblk(struct ffsmount *fm, struct ffs_cgbuf *cb, int64_t pref,
    int size, uint16_t mode)
{
	struct fs *fs = fm->fm_fs;
	unsigned full = ffs_fullbits(fs);
	int64_t nblks = ffs_cg_nblks(fs, cb), h, start, i;

	if (CG_GET(cb, cg_cs.cs_nbfree) <= 0 || nblks == 0)
		return 0;
	if (pref > 0 && ffs_dtog(fs, pref) == cb->cb_cgx) {
		h = ffs_fragstoblks(fs, ffs_dtogd(fs, pref));
		for (i = 0; i < FFS_PREF_SLACK && h + i < nblks; i++)
			if (ffs_blkbits(fs, cb->cb_blksfree, h + i) == full) {
				h += i;
				goto found;
			}
	}
	start = ffs_fragstoblks(fs, CG_GET(cb, cg_rotor));
	if (start >= nblks)
		start = 0;
	for (i = 0; i < nblks; i++) {
		h = start + i;
		if (h >= nblks)
			h -= nblks;
		/* skip a whole byte of the map at a time where we can */
		if (fs->fs_frag == 8) {
			/* and eight where no block is free */
			while (h + 8 < nblks && i + 8 < nblks &&
			    ffs_nofull8(ffs_word8(cb->cb_blksfree, h))) {
				h += 8;
				i += 8;
			}
			if (cb->cb_blksfree[h] != 0xff)
				continue;
		}
		if (ffs_blkbits(fs, cb->cb_blksfree, h) == full)
			goto found;
	}
	fs_corrupt(FFS_FSNAME,
	    "cylinder group %u: free block count %d but "
	    "no free block",
	    cb->cb_cgx, CG_GET(cb, cg_cs.cs_nbfree));
	return 0;
found:
	ffs_blkchange(fm, cb, h, full, 0);
	CG_SET(cb, cg_rotor, ffs_blkstofrags(fs, h));
	return ffs_cgbase(fs, cb->cb_cgx) + ffs_blkstofrags(fs, h);
}

/* First run of exactly `len` free fragments in bits, or -1. */
static int
ffs_findrun(const struct fs *fs, unsigned bits, int len)
{
	int i, run = 0;

	for (i = 0; i <= fs->fs_frag; i++) {
		if (i < fs->fs_frag && (bits & (1u << i))) {
			run++;
			continue;
		}
		if (run == len)
			return i - run;
		run = 0;
	}
	return -1;
}

/*
 * For each block size (by fs_fragshift) and each value of a block's free
 * bits: a bit for each length of run of free fragments found there.
 * Searches test this rather than walk the bits of every block.
 */
static uint16_t ffs_runs[4][256];

void
ffs_alloc_init(void)
{
	unsigned shift, bits, frag;
	int i, run;

	for (shift = 0; shift < 4; shift++) {
		frag = 1u << shift;
		for (bits = 0; bits < (1u << frag); bits++) {
			for (i = 0, run = 0; i <= (int)frag; i++) {
				if (i < (int)frag && (bits & (1u << i))) {
					run++;
					continue;
				}
				if (run > 0)
					ffs_runs[shift][bits] |=
					    (uint16_t)(1u << run);
				run = 0;
			}
		}
	}
}

/*
 * Take size bytes of fragments: from the shortest free run that is long
 * enough, or from a whole block, whose rest stays free.
 */
static int64_t
ffs_alloccg(struct ffsmount *fm, struct ffs_cgbuf *cb, int64_t pref, int size,
    uint16_t mode)
{
	struct fs *fs = fm->fm_fs;
	int frags = ffs_numfrags(fs, size), allocsiz, at;
	int64_t nblks, h, start, i, addr;
	unsigned bits, full = ffs_fullbits(fs), mask;

	if (frags >= fs->fs_frag)
		return ffs_alloccgblk(fm, cb, pref, size, mode);
	for (allocsiz = frags; allocsiz < fs->fs_frag; allocsiz++)
		if (CG_GET(cb, cg_frsum[allocsiz]) > 0)
			break;
	if (allocsiz == fs->fs_frag) {
		addr = ffs_alloccgblk(fm, cb, pref, fs->fs_bsize, mode);
		if (addr == 0)
			return 0;
		h = ffs_fragstoblks(fs, ffs_dtogd(fs, addr));
		mask = full & ~((1u << frags) - 1);
		ffs_blkchange(fm, cb, h, 0, mask);
		return addr;
	}
	/* the short last block counts too */
	nblks = howmany(CG_GET(cb, cg_ndblk), fs->fs_frag);
	start = ffs_fragstoblks(fs, CG_GET(cb, cg_frotor));
	if (pref > 0 && ffs_dtog(fs, pref) == cb->cb_cgx)
		start = ffs_fragstoblks(fs, ffs_dtogd(fs, pref));
	if (start >= nblks)
		start = 0;
	for (i = 0; i < nblks; i++) {
		h = start + i;
		if (h >= nblks)
			h -= nblks;
		/* blocks wholly free or in use have no fragments to give */
		if (fs->fs_frag == 8) {
			while (h + 8 < nblks && i + 8 < nblks &&
			    ffs_nopartial8(ffs_word8(cb->cb_blksfree, h))) {
				h += 8;
				i += 8;
			}
		}
		bits = ffs_blkbits(fs, cb->cb_blksfree, h);
		if (!(ffs_runs[fs->fs_fragshift][bits] & (1u << allocsiz)) ||
		    bits == full)
			continue;
		if ((at = ffs_findrun(fs, bits, allocsiz)) < 0)
			continue;
		mask = ((1u << frags) - 1) << at;
		ffs_blkchange(fm, cb, h, bits, bits & ~mask);
		CG_SET(cb, cg_frotor, ffs_blkstofrags(fs, h));
		return ffs_cgbase(fs, cb->cb_cgx) + ffs_blkstofrags(fs, h) + at;
	}
	fs_corrupt(FFS_FSNAME,
	    "cylinder group %u: fragment summary says a "
	    "run of %d is free, but none is",
	    cb->cb_cgx, allocsiz);
	return 0;
}

/* Might group c satisfy a request of size bytes (or an inode)? */
static bool
ffs_cg_hasroom(struct ffsmount *fm, uint32_t c, int size)
{
	struct csum *cs = &fm->fm_cs[c];
	struct fs *fs = fm->fm_fs;

	if (size == 0)
		return cs->cs_nifree > 0;
	if (size >= fs->fs_bsize)
		return cs->cs_nbfree > 0;
	return cs->cs_nbfree > 0 || cs->cs_nffree >= ffs_numfrags(fs, size);
}

static int64_t
ffs_tryalloc(struct ffsmount *fm, uint32_t c, int64_t pref, int size,
    uint16_t mode, ffs_allocator *fn)
{
	struct ffs_cgbuf cb;
	int64_t addr;

	if (!ffs_cg_hasroom(fm, c, size))
		return 0;
	if (ffs_cg_read(fm, c, &cb) != 0)
		return 0;
	addr = fn(fm, &cb, pref, size, mode);
	if (addr != 0)
		CG_SET(&cb, cg_old_time, time_second());
	if (addr != 0 && fm->fm_um.um_ufs2)
		cb.cb_cg->cg_time =
		    (int64_t)ufs_rw64((uint64_t)time_second(), cb.cb_ns);
	ffs_cg_release(&cb, addr != 0);
	return addr;
}

/* Try group c, then others quadratically further, then every one. */
static int64_t
ffs_hashalloc(struct ffsmount *fm, uint32_t c, int64_t pref, int size,
    uint16_t mode, ffs_allocator *fn)
{
	uint32_t ncg = (uint32_t)fm->fm_fs->fs_ncg, i, cg;
	int64_t addr;

	if (c >= ncg)
		c = 0;
	if ((addr = ffs_tryalloc(fm, c, pref, size, mode, fn)) != 0)
		return addr;
	for (i = 1, cg = c; i < ncg; i *= 2) {
		cg = (cg + i) % ncg;
		if ((addr = ffs_tryalloc(fm, cg, 0, size, mode, fn)) != 0)
			return addr;
	}
	for (i = 1; i < ncg; i++)
		if ((addr = ffs_tryalloc(
		         fm, (c + i) % ncg, 0, size, mode, fn)) != 0)
			return addr;
	return 0;
}

/* Free fragments, less the part kept for root (fs_minfree). */
static int64_t
ffs_freespace(const struct fs *fs)
{
	return ffs_blkstofrags(fs, fs->fs_cstotal.cs_nbfree) +
	    fs->fs_cstotal.cs_nffree - fs->fs_dsize * fs->fs_minfree / 100;
}

static bool
ffs_reserve_denied(const struct fs *fs, int64_t frags, kauth_cred_t cred)
{
	return ffs_freespace(fs) < frags && !kauth_cred_issuser(cred);
}

static int
ffs_nospace(struct ffsmount *fm)
{
	static time_t last;

	if (time_second() != last) {
		last = time_second();
		kprintf("ffs: %s: file system full\n",
		    fm->fm_um.um_mountp != NULL
		        ? fm->fm_um.um_mountp->mnt_stat.f_mntonname
		        : "?");
	}
	return ENOSPC;
}

/* Allocate size bytes (a block or fragments) for logical block lbn. */
int
ffs_alloc(struct inode *ip, daddr_t lbn, int64_t bpref, int size,
    kauth_cred_t cred, int64_t *addrp)
{
	struct ffsmount *fm = UMPTOFFS(ip->i_ump);
	struct fs *fs = fm->fm_fs;
	int64_t addr;
	uint32_t c;

	*addrp = 0;
	if (size <= 0 || size > fs->fs_bsize || size % fs->fs_fsize != 0)
		panic("ffs_alloc: bad size %d", size);
	mutex_enter(&fm->fm_um.um_lock);
	if (ffs_reserve_denied(fs, ffs_numfrags(fs, size), cred) ||
	    (size == fs->fs_bsize && fs->fs_cstotal.cs_nbfree <= 0)) {
		mutex_exit(&fm->fm_um.um_lock);
		return ffs_nospace(fm);
	}
	if (bpref > 0 && bpref < fs->fs_size)
		c = ffs_dtog(fs, bpref);
	else {
		c = ffs_ino_to_cg(fs, ip->i_number);
		bpref = 0;
	}
	addr = ffs_hashalloc(fm, c, bpref, size, 0, ffs_alloccg);
	mutex_exit(&fm->fm_um.um_lock);
	if (addr == 0)
		return ffs_nospace(fm);
	ip->i_blocks += (uint64_t)size / DEV_BSIZE;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	*addrp = addr;
	return 0;
}

/* Grow the fragments at bprev from osize to nsize where they are. */
static bool
ffs_fragextend(struct ffsmount *fm, int64_t bprev, int osize, int nsize)
{
	struct fs *fs = fm->fm_fs;
	int ofrags = ffs_numfrags(fs, osize), nfrags = ffs_numfrags(fs, nsize);
	int off = ffs_fragnum(fs, bprev);
	struct ffs_cgbuf cb;
	unsigned bits, mask;
	int64_t h;

	if (off + nfrags > fs->fs_frag)
		return false;
	if (fm->fm_cs[ffs_dtog(fs, bprev)].cs_nffree < nfrags - ofrags)
		return false;
	if (ffs_cg_read(fm, ffs_dtog(fs, bprev), &cb) != 0)
		return false;
	h = ffs_fragstoblks(fs, ffs_dtogd(fs, bprev));
	if (ffs_dtogd(fs, bprev) + nfrags > CG_GET(&cb, cg_ndblk)) {
		ffs_cg_release(&cb, false);
		return false;
	}
	bits = ffs_blkbits(fs, cb.cb_blksfree, h);
	mask = ((1u << (nfrags - ofrags)) - 1) << (off + ofrags);
	if ((bits & mask) != mask) {
		ffs_cg_release(&cb, false);
		return false;
	}
	ffs_blkchange(fm, &cb, h, bits, bits & ~mask);
	ffs_cg_release(&cb, true);
	return true;
}

static void ffs_blkfree_locked(struct ffsmount *, int64_t, long, ino_t);

/*
 * Grow the last block of a file from osize to nsize bytes: in place if
 * the fragments after it are free, else somewhere new (the caller moves
 * the data; the old fragments are freed here).
 */
int
ffs_realloccg(struct inode *ip, daddr_t lbn, int64_t bprev, int64_t bpref,
    int osize, int nsize, kauth_cred_t cred, int64_t *addrp)
{
	struct ffsmount *fm = UMPTOFFS(ip->i_ump);
	struct fs *fs = fm->fm_fs;
	int64_t addr;

	*addrp = 0;
	if (osize <= 0 || nsize <= osize || nsize > fs->fs_bsize ||
	    nsize % fs->fs_fsize != 0 || osize % fs->fs_fsize != 0)
		panic("ffs_realloccg: bad sizes %d -> %d", osize, nsize);
	if (!ufs_addr_valid(
	        &fm->fm_um, bprev, (uint32_t)ffs_numfrags(fs, osize)))
		return ufs_corrupt_ptr(ip, bprev);
	mutex_enter(&fm->fm_um.um_lock);
	if (ffs_reserve_denied(fs, ffs_numfrags(fs, nsize - osize), cred)) {
		mutex_exit(&fm->fm_um.um_lock);
		return ffs_nospace(fm);
	}
	if (ffs_fragextend(fm, bprev, osize, nsize)) {
		addr = bprev;
	} else {
		if (bpref <= 0 || bpref >= fs->fs_size)
			bpref = bprev;
		addr = ffs_hashalloc(
		    fm, ffs_dtog(fs, bpref), bpref, nsize, 0, ffs_alloccg);
		if (addr != 0)
			ffs_blkfree_locked(fm, bprev, osize, ip->i_number);
	}
	mutex_exit(&fm->fm_um.um_lock);
	if (addr == 0)
		return ffs_nospace(fm);
	ip->i_blocks += (uint64_t)(nsize - osize) / DEV_BSIZE;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	*addrp = addr;
	return 0;
}

/*
 * Where to put logical block lbn: right after the block before it
 * (prev, if known); else 0, for wherever the inode's group has room.
 */
int64_t
ffs_blkpref(struct inode *ip, daddr_t lbn, unsigned indx, const int64_t *prev)
{
	struct fs *fs = UMPTOFFS(ip->i_ump)->fm_fs;
	int64_t p;

	if (prev != NULL && *prev > 0) {
		p = *prev + fs->fs_frag;
		if (p < fs->fs_size)
			return ffs_blknum(fs, p);
	}
	return 0;
}

static void
ffs_blkfree_locked(struct ffsmount *fm, int64_t addr, long size, ino_t owner)
{
	struct fs *fs = fm->fm_fs;
	int frags = ffs_numfrags(fs, size), off = ffs_fragnum(fs, addr);
	struct ffs_cgbuf cb;
	unsigned bits, mask;
	int64_t h;

	if (size <= 0 || size > fs->fs_bsize || off + frags > fs->fs_frag ||
	    !ufs_addr_valid(&fm->fm_um, addr, (uint32_t)frags)) {
		fs_corrupt(FFS_FSNAME,
		    "inode %llu: freeing bad block %lld "
		    "(%ld bytes)",
		    (unsigned long long)owner, (long long)addr, size);
		return;
	}
	if (ffs_cg_read(fm, ffs_dtog(fs, addr), &cb) != 0)
		return;
	h = ffs_fragstoblks(fs, ffs_dtogd(fs, addr));
	bits = ffs_blkbits(fs, cb.cb_blksfree, h);
	mask = ((1u << frags) - 1) << off;
	if ((bits & mask) != 0) {
		ffs_cg_release(&cb, false);
		fs_corrupt(FFS_FSNAME, "inode %llu: freeing free block %lld",
		    (unsigned long long)owner, (long long)addr);
		return;
	}
	ffs_blkchange(fm, &cb, h, bits, bits | mask);
	ffs_cg_release(&cb, true);
}

/* Free size bytes of fragments at addr (owned by inode owner). */
void
ffs_blkfree(struct ffsmount *fm, int64_t addr, long size, ino_t owner)
{
	mutex_enter(&fm->fm_um.um_lock);
	ffs_blkfree_locked(fm, addr, size, owner);
	mutex_exit(&fm->fm_um.um_lock);
}

/*
 * Write zeroed inodes over the next block of the group's inode area that
 * was never initialised (UFS2 leaves them to be written on first use).
 */
static int
ffs_init_inoblock(struct ffsmount *fm, struct ffs_cgbuf *cb)
{
	struct fs *fs = fm->fm_fs;
	struct ufsmount *ump = &fm->fm_um;
	int32_t inited = CG_GET(cb, cg_initediblk);
	uint64_t ino =
	    (uint64_t)cb->cb_cgx * (uint64_t)fs->fs_ipg + (uint64_t)inited;
	struct ufs2_dinode *dp;
	struct buf *bp;
	int i;

	bp = getblk(ump->um_devvp, UFS_FSBTODB(ump, ffs_ino_to_fsba(fs, ino)),
	    fs->fs_bsize);
	memset(bp->b_data, 0, (size_t)fs->fs_bsize);
	dp = bp->b_data;
	for (i = 0; i < fs->fs_inopb; i++)
		dp[i].di_gen = (int32_t)ufs_rw32(
		    __atomic_add_fetch(&fm->fm_gen, 1, __ATOMIC_RELAXED),
		    ump->um_needswap);
	bdwrite(bp);
	CG_SET(cb, cg_initediblk, inited + fs->fs_inopb);
	return 0;
}

/* Take a free inode of the group, near its inode rotor. */
static int64_t
ffs_nodealloccg(struct ffsmount *fm, struct ffs_cgbuf *cb, int64_t pref,
    int size, uint16_t mode)
{
	struct fs *fs = fm->fm_fs;
	int32_t ipg = fs->fs_ipg, start, i, n;
	bool dir = (mode & UFS_IFMT) == UFS_IFDIR;

	if (CG_GET(cb, cg_cs.cs_nifree) <= 0)
		return 0;
	start = CG_GET(cb, cg_irotor);
	for (n = 0; n < ipg; n++) {
		i = (start + n) % ipg;
		if (cb->cb_inosused[i >> 3] == 0xff) {
			n += 7 - (i & 7);
			continue;
		}
		if (!ffs_isset(cb->cb_inosused, i))
			break;
	}
	if (n >= ipg) {
		fs_corrupt(FFS_FSNAME,
		    "cylinder group %u: free inode count "
		    "%d but no free inode",
		    cb->cb_cgx, CG_GET(cb, cg_cs.cs_nifree));
		return 0;
	}
	if (cb->cb_cgx == 0 && i < UFS_ROOTINO)
		return 0; /* damaged map: never hand out 0 or 1 */
	if (fm->fm_um.um_ufs2)
		while (i + fs->fs_inopb > CG_GET(cb, cg_initediblk) &&
		    CG_GET(cb, cg_initediblk) < ipg)
			ffs_init_inoblock(fm, cb);
	ffs_setbit(cb->cb_inosused, i);
	CG_SET(cb, cg_irotor, i);
	CG_ADD(cb, cg_cs.cs_nifree, -1);
	if (dir)
		CG_ADD(cb, cg_cs.cs_ndir, 1);
	ffs_count(fm, cb->cb_cgx, 0, 0, -1, dir ? 1 : 0);
	/* inode numbers are offset by one so that 0 means "none" */
	return (int64_t)cb->cb_cgx * ipg + i + 1;
}

/*
 * A group for a new directory: one with at least the average number of
 * free inodes and free blocks and the fewest directories, looking from
 * the parent's group on.
 */
static uint32_t
ffs_dirpref(struct ffsmount *fm, uint32_t pcg)
{
	struct fs *fs = fm->fm_fs;
	uint32_t ncg = (uint32_t)fs->fs_ncg, c, best = pcg, i;
	int64_t avgifree = fs->fs_cstotal.cs_nifree / ncg;
	int64_t avgbfree = fs->fs_cstotal.cs_nbfree / ncg;
	int32_t mindirs = INT32_MAX;

	for (i = 0; i < ncg; i++) {
		c = (pcg + i) % ncg;
		if (fm->fm_cs[c].cs_nifree < avgifree ||
		    fm->fm_cs[c].cs_nifree == 0 ||
		    fm->fm_cs[c].cs_nbfree < avgbfree)
			continue;
		if (fm->fm_cs[c].cs_ndir < mindirs) {
			mindirs = fm->fm_cs[c].cs_ndir;
			best = c;
		}
	}
	return best;
}

/* Allocate an inode for a file of this mode, near its parent pip. */
int
ffs_valloc(struct inode *pip, uint16_t mode, kauth_cred_t cred, ino_t *inop)
{
	struct ffsmount *fm = UMPTOFFS(pip->i_ump);
	struct fs *fs = fm->fm_fs;
	uint32_t c = ffs_ino_to_cg(fs, pip->i_number);
	int64_t r;

	*inop = 0;
	mutex_enter(&fm->fm_um.um_lock);
	if (fs->fs_cstotal.cs_nifree <= 0) {
		mutex_exit(&fm->fm_um.um_lock);
		return ffs_nospace(fm);
	}
	if ((mode & UFS_IFMT) == UFS_IFDIR)
		c = ffs_dirpref(fm, c);
	r = ffs_hashalloc(fm, c, 0, 0, mode, ffs_nodealloccg);
	mutex_exit(&fm->fm_um.um_lock);
	if (r == 0)
		return ffs_nospace(fm);
	*inop = (ino_t)(r - 1);
	return 0;
}

/* Give inode ip (which had this mode) back to its group. */
int
ffs_vfree(struct inode *ip, uint16_t mode)
{
	struct ffsmount *fm = UMPTOFFS(ip->i_ump);
	struct fs *fs = fm->fm_fs;
	uint32_t c = ffs_ino_to_cg(fs, ip->i_number);
	int32_t i = (int32_t)(ip->i_number % (uint64_t)fs->fs_ipg);
	bool dir = (mode & UFS_IFMT) == UFS_IFDIR;
	struct ffs_cgbuf cb;
	int error;

	ffs_extfree(ip);
	mutex_enter(&fm->fm_um.um_lock);
	if ((error = ffs_cg_read(fm, c, &cb)) != 0) {
		mutex_exit(&fm->fm_um.um_lock);
		return error;
	}
	if (!ffs_isset(cb.cb_inosused, i)) {
		ffs_cg_release(&cb, false);
		mutex_exit(&fm->fm_um.um_lock);
		fs_corrupt(FFS_FSNAME, "freeing free inode %llu",
		    (unsigned long long)ip->i_number);
		return EFSCORRUPTED;
	}
	ffs_clrbit(cb.cb_inosused, i);
	if (i < CG_GET(&cb, cg_irotor))
		CG_SET(&cb, cg_irotor, i);
	CG_ADD(&cb, cg_cs.cs_nifree, 1);
	if (dir)
		CG_ADD(&cb, cg_cs.cs_ndir, -1);
	ffs_count(fm, c, 0, 0, 1, dir ? -1 : 0);
	ffs_cg_release(&cb, true);
	mutex_exit(&fm->fm_um.um_lock);
	return 0;
}
