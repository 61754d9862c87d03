/*
 * Geometry, raw transfers, superblocks and summary checks of LFS.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/dinode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

uint32_t
lfs_btofsb(const struct dlfs *sb, uint64_t bytes)
{
	return (uint32_t)howmany(bytes, sb->dlfs_fsize);
}

/* Is there a superblock at the start of segment sn? */
static bool
lfs_seg_hassb(const struct dlfs *sb, uint32_t sn)
{
	int64_t base = lfs_sntod(sb, sn);
	int i;

	for (i = 0; i < LFS_MAXNUMSB; i++)
		if (sb->dlfs_sboffs[i] > 0 && sb->dlfs_sboffs[i] >= base &&
		    sb->dlfs_sboffs[i] < base + sb->dlfs_fsbpseg)
			return true;
	return false;
}

int64_t
lfs_seg_first(const struct lfsmount *lm, uint32_t sn)
{
	const struct dlfs *sb = &lm->lm_sb;
	int64_t base = lfs_sntod(sb, sn);

	if (sn == 0)
		return MAX(base, (int64_t)sb->dlfs_start);
	if (lfs_seg_hassb(sb, sn))
		return base + lfs_btofsb(sb, LFS_SBPAD);
	return base;
}

/* One synchronous transfer with the device, bypassing its cache. */
int
lfs_rawio(struct vnode *devvp, int64_t dbaddr, void *data, size_t len,
    bool isread)
{
	struct buf buf;
	int error;

	memset(&buf, 0, sizeof(buf));
	buf.b_flags = (isread ? B_READ : 0) | B_BUSY;
	buf.b_data = data;
	buf.b_bcount = buf.b_bufsize = len;
	buf.b_blkno = buf.b_lblkno = dbaddr;
	buf.b_vp = devvp;
	VOP_STRATEGY(devvp, &buf);
	error = biowait(&buf);
	if (error == 0 && buf.b_resid != 0)
		error = EIO;
	return error;
}

/* len bytes at fragment address addr, from the staging area or disk. */
int
lfs_readfrags(struct lfsmount *lm, int64_t addr, void *buf, size_t len)
{
	struct dlfs *sb = &lm->lm_sb;

	if (addr <= 0 || (uint64_t)addr + lfs_btofsb(sb, len) > sb->dlfs_size)
		return EFSCORRUPTED;
	if (lfs_staged(lm, addr, buf, len))
		return 0;
	return lfs_rawio(lm->lm_um.um_devvp,
	    addr << lm->lm_um.um_fsbtodb, buf, len, true);
}

static bool
lfs_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* Is the superblock usable?  why says what is wrong. */
int
lfs_sb_valid(const struct dlfs *sb, uint64_t devsize, char *why, size_t wl)
{
	const char *w = NULL;
	uint64_t nfrags;

	if (sb->dlfs_magic != LFS_MAGIC)
		w = "bad magic number";
	else if (sb->dlfs_version != LFS_VERSION)
		w = "not version 2";
	else if (lfs_sb_cksum(sb) != sb->dlfs_cksum)
		w = "bad superblock checksum";
	else if (!lfs_pow2(sb->dlfs_bsize) || sb->dlfs_bsize < 4096 ||
	    sb->dlfs_bsize > 65536 || !lfs_pow2(sb->dlfs_fsize) ||
	    sb->dlfs_fsize < DEV_BSIZE || sb->dlfs_fsize > sb->dlfs_bsize ||
	    sb->dlfs_frag != sb->dlfs_bsize / sb->dlfs_fsize)
		w = "bad block or fragment size";
	else if (sb->dlfs_ssize % sb->dlfs_bsize != 0 ||
	    sb->dlfs_ssize < 8 * sb->dlfs_bsize ||
	    sb->dlfs_ssize > (16u << 20) ||
	    sb->dlfs_fsbpseg != sb->dlfs_ssize / sb->dlfs_fsize)
		w = "bad segment size";
	else if (sb->dlfs_nindir != sb->dlfs_bsize / 4 ||
	    sb->dlfs_ifpb != sb->dlfs_bsize / sizeof(struct ifile32) ||
	    sb->dlfs_sepb != sb->dlfs_bsize / sizeof(struct segusage) ||
	    sb->dlfs_ibsize % LFS_DINODE_SIZE != 0 ||
	    sb->dlfs_ibsize < sb->dlfs_fsize ||
	    sb->dlfs_ibsize > sb->dlfs_bsize ||
	    sb->dlfs_ibsize % sb->dlfs_fsize != 0 ||
	    sb->dlfs_inopb != sb->dlfs_ibsize / LFS_DINODE_SIZE)
		w = "inconsistent derived sizes";
	else if (sb->dlfs_sumsize < 512 || sb->dlfs_sumsize > sb->dlfs_bsize ||
	    sb->dlfs_sumsize % sb->dlfs_fsize != 0)
		w = "bad summary size";
	else if (sb->dlfs_nseg < 4 || sb->dlfs_segtabsz < howmany(
	        sb->dlfs_nseg, sb->dlfs_sepb) || sb->dlfs_cleansz < 1 ||
	    sb->dlfs_cleansz + sb->dlfs_segtabsz > UFS_NDADDR)
		w = "bad segment count or IFILE tables";
	else if ((nfrags = (uint64_t)sb->dlfs_nseg * sb->dlfs_fsbpseg) >
	        sb->dlfs_size ||
	    (uint64_t)sb->dlfs_size * sb->dlfs_fsize > devsize)
		w = "file system larger than the device";
	else if (sb->dlfs_start <= 0 ||
	    (uint64_t)sb->dlfs_start >= sb->dlfs_fsbpseg)
		w = "bad start of segment 0";
	else if (sb->dlfs_idaddr <= 0 ||
	    (uint64_t)sb->dlfs_idaddr >= nfrags)
		w = "IFILE inode address outside the file system";
	else if (sb->dlfs_curseg < 0 || sb->dlfs_nextseg < 0 ||
	    (uint64_t)sb->dlfs_curseg >= nfrags ||
	    (uint64_t)sb->dlfs_nextseg >= nfrags ||
	    sb->dlfs_curseg % sb->dlfs_fsbpseg != 0 ||
	    sb->dlfs_nextseg % sb->dlfs_fsbpseg != 0 ||
	    sb->dlfs_offset < sb->dlfs_curseg ||
	    sb->dlfs_offset > sb->dlfs_curseg + (int64_t)sb->dlfs_fsbpseg)
		w = "log position outside the file system";
	else if (sb->dlfs_ifile != LFS_IFILE_INUM)
		w = "IFILE is not inode 1";
	if (w == NULL)
		return 0;
	if (why != NULL)
		ksnprintf(why, wl, "%s", w);
	return EFSCORRUPTED;
}

/* The superblock at DEV_BSIZE address dbaddr. */
int
lfs_sb_read(struct vnode *devvp, uint64_t devsize, int dbaddr,
    struct dlfs *sb)
{
	if ((uint64_t)(dbaddr + 1) * DEV_BSIZE > devsize)
		return EINVAL;
	return lfs_rawio(devvp, dbaddr, sb, sizeof(*sb), true);
}

int
lfs_sb_write(struct lfsmount *lm, int64_t addr, const struct dlfs *sb)
{
	struct dlfs copy = *sb;

	copy.dlfs_cksum = lfs_sb_cksum(&copy);
	return lfs_rawio(lm->lm_um.um_devvp, addr << lm->lm_um.um_fsbtodb,
	    &copy, sizeof(copy), false);
}

void
lfs_ump_setup(struct lfsmount *lm)
{
	struct ufsmount *ump = &lm->lm_um;
	const struct dlfs *sb = &lm->lm_sb;

	ump->um_fsname = LFS_FSNAME;
	ump->um_needswap = false;
	ump->um_ufs2 = false;
	ump->um_oldfmt = false;
	ump->um_blkalign = false;
	ump->um_nodirectread = true;
	ump->um_bsize = sb->dlfs_bsize;
	ump->um_bshift = (unsigned)__builtin_ctz(sb->dlfs_bsize);
	ump->um_fsize = sb->dlfs_fsize;
	ump->um_fshift = (unsigned)__builtin_ctz(sb->dlfs_fsize);
	ump->um_frag = sb->dlfs_frag;
	ump->um_fsbtodb = ump->um_fshift - DEV_BSHIFT;
	ump->um_nindir = sb->dlfs_nindir;
	ump->um_nindirshift = (unsigned)__builtin_ctz(sb->dlfs_nindir);
	/* addresses lie in the segments (which may end before dlfs_size) */
	ump->um_nfrags = (uint64_t)sb->dlfs_nseg * sb->dlfs_fsbpseg;
	ump->um_maxsymlinklen = UFS1_MAXSYMLINKLEN;
	ump->um_dinodesize = LFS_DINODE_SIZE;
	ump->um_maxfilesize = MIN(sb->dlfs_maxfilesize,
	    (uint64_t)ufs_lastlbn_max(ump) << ump->um_bshift);
	if (ump->um_maxfilesize > ((uint64_t)INT32_MAX << ump->um_bshift))
		ump->um_maxfilesize = (uint64_t)INT32_MAX << ump->um_bshift;
}

/*
 * Is the summary at addr one of this file system's, whole and with the
 * right checksum?  The data checksum is the caller's to check.
 */
int
lfs_segsum_check(const struct dlfs *sb, const void *sum, int64_t addr,
    char *why, size_t wl)
{
	const struct segsum *ss = sum;
	const char *w = NULL;
	size_t need;

	if (ss->ss_magic != SS_MAGIC)
		w = "no summary magic";
	else if (ss->ss_ident != sb->dlfs_ident)
		w = "summary of another file system";
	else if (lfs_cksum((const uint8_t *)sum + 4, sb->dlfs_sumsize - 4) !=
	    ss->ss_sumsum)
		w = "bad summary checksum";
	else {
		need = sizeof(*ss) + (size_t)ss->ss_nfinfo * LFS_FINFOSIZE +
		    howmany((size_t)ss->ss_ninos, sb->dlfs_inopb) * 4;
		if (need > sb->dlfs_sumsize)
			w = "summary counts overflow the block";
		else if (ss->ss_next < 0 ||
		    (uint64_t)ss->ss_next >=
		        (uint64_t)sb->dlfs_nseg * sb->dlfs_fsbpseg ||
		    ss->ss_next % sb->dlfs_fsbpseg != 0)
			w = "next segment outside the file system";
	}
	if (w == NULL)
		return 0;
	if (why != NULL)
		ksnprintf(why, wl, "summary at %lld: %s", (long long)addr, w);
	return EFSCORRUPTED;
}

/*
 * Both checkpoint superblocks, best first: the higher serial number
 * among the valid ones, with the slot each came from.  Returns how many
 * are valid (negative: an I/O error).
 */
int
lfs_sb_choose(struct vnode *devvp, uint64_t devsize, struct dlfs sbs[2],
    unsigned slots[2])
{
	struct dlfs tmp;
	char why[80];
	int32_t loc;
	int error, n, v0, v1 = 0;

	error = lfs_sb_read(devvp, devsize, LFS_LABELPAD / DEV_BSIZE, &sbs[0]);
	if (error != 0)
		return -error;
	slots[0] = 0;
	slots[1] = 1;
	v0 = lfs_sb_valid(&sbs[0], devsize, why, sizeof(why)) == 0;
	if (!v0)
		fs_corrupt(LFS_FSNAME, "superblock at %d: %s", LFS_LABELPAD,
		    why);
	/*
	 * The second superblock is where the first says, even when the
	 * first is damaged otherwise: it must then say the same itself.
	 */
	loc = sbs[0].dlfs_sboffs[1];
	if (sbs[0].dlfs_magic == LFS_MAGIC && loc > 0 &&
	    sbs[0].dlfs_fsize >= DEV_BSIZE && sbs[0].dlfs_fsize <= 65536 &&
	    (uint64_t)loc * sbs[0].dlfs_fsize + sizeof(struct dlfs) <=
	        devsize &&
	    lfs_sb_read(devvp, devsize,
	        (int)((int64_t)loc * (sbs[0].dlfs_fsize / DEV_BSIZE)),
	        &sbs[1]) == 0) {
		if (lfs_sb_valid(&sbs[1], devsize, why, sizeof(why)) != 0)
			kprintf("lfs: second superblock unusable: %s\n", why);
		else if (sbs[1].dlfs_sboffs[1] != loc ||
		    (v0 && sbs[1].dlfs_ident != sbs[0].dlfs_ident))
			kprintf("lfs: second superblock is not of this file "
			        "system\n");
		else
			v1 = 1;
	}
	if (!v0 && !v1)
		return 0;
	if (!v0) {
		kprintf("lfs: first superblock unusable; using the second\n");
		sbs[0] = sbs[1];
		slots[0] = 1;
		slots[1] = 0;
		return 1;
	}
	n = 1 + v1;
	if (n == 2 && sbs[1].dlfs_serial > sbs[0].dlfs_serial) {
		tmp = sbs[0];
		sbs[0] = sbs[1];
		sbs[1] = tmp;
		slots[0] = 1;
		slots[1] = 0;
	}
	return n;
}

/*
 * Block b of the segment usage table to (out) or from memory: each
 * block holds sepb entries, the rest of it is padding.
 */
void
lfs_su_block(const struct dlfs *sb, unsigned b, void *blk,
    struct segusage *su, bool out)
{
	uint64_t first = (uint64_t)b * sb->dlfs_sepb, n;

	if (first >= sb->dlfs_nseg)
		return;
	n = MIN((uint64_t)sb->dlfs_sepb, sb->dlfs_nseg - first);
	if (out)
		memcpy(blk, su + first, (size_t)n * sizeof(*su));
	else
		memcpy(su + first, blk, (size_t)n * sizeof(*su));
}

/* The whole table from the IFILE's segment table blocks at tab. */
void
lfs_su_unpack(const struct dlfs *sb, const uint8_t *tab, struct segusage *su)
{
	unsigned b;

	for (b = 0; b < sb->dlfs_segtabsz; b++)
		lfs_su_block(sb, b, (void *)(uintptr_t)(tab +
		    (size_t)b * sb->dlfs_bsize), su, false);
}
