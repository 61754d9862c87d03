/*
 * vfs_newfs for ffs: lay out an empty file system on the whole device.
 *
 * Options (name=value, comma separated), with NetBSD newfs's defaults:
 *   version=1|2     UFS1 (default, superblock at 8 KiB) or UFS2 (64 KiB)
 *   endian=be|le    byte order (default: the host's)
 *   bsize=, fsize=  block and fragment size; by default 4096/512 below
 *                   20 MiB, 8192/1024 below 1000 MiB, else 16384/2048
 *   density=        bytes of data per inode (default 4 fragments)
 *   minfree=        percent kept for root (default 5)
 *   optim=time|space
 *   label=          volume name
 *   size=           bytes to use, if less than the device
 *
 * Each cylinder group is as big as one block of maps can describe.  The
 * group summaries follow the inodes of group 0, then the root directory's
 * fragment.  UFS1 inode areas are written out whole; UFS2 ones only as
 * far as cg_initediblk, the rest when first used.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"

#define NFPI          4 /* fragments of data per inode, by default */
#define SMALL_FSSIZE  (20ULL << 20)
#define MEDIUM_FSSIZE (1000ULL << 20)
#define NEWFS_MAXPHYS 65536 /* longest transfer: sets maxcontig */
#define INOWRITE_BLKS 64    /* inode blocks written per transfer */

struct newfs_opts {
	int version;
	int endian; /* 0 host, 1 little, 2 big */
	uint64_t bsize, fsize, density, minfree, size;
	int optim;
	char label[MAXVOLLEN];
};

static int
newfs_num(const char *name, const char *value, uint64_t *v)
{
	uint64_t n = 0;
	const char *p;

	if (value == NULL || value[0] == '\0')
		goto bad;
	for (p = value; *p >= '0' && *p <= '9'; p++) {
		if (n > UINT64_MAX / 10)
			goto bad;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p == 'k' || *p == 'K')
		n <<= 10, p++;
	else if (*p == 'm' || *p == 'M')
		n <<= 20, p++;
	else if (*p == 'g' || *p == 'G')
		n <<= 30, p++;
	if (*p != '\0')
		goto bad;
	*v = n;
	return 0;
bad:
	kprintf("ffs newfs: bad value for %s\n", name);
	return EINVAL;
}

static int
newfs_opt(void *arg, const char *name, const char *value)
{
	struct newfs_opts *o = arg;
	uint64_t v;
	int error;

	if (strcmp(name, "label") == 0 || strcmp(name, "volname") == 0) {
		if (value == NULL || strlen(value) >= sizeof(o->label))
			return EINVAL;
		memcpy(o->label, value, strlen(value) + 1);
		return 0;
	}
	if (strcmp(name, "endian") == 0) {
		if (value != NULL && strcmp(value, "le") == 0)
			o->endian = 1;
		else if (value != NULL && strcmp(value, "be") == 0)
			o->endian = 2;
		else
			return EINVAL;
		return 0;
	}
	if (strcmp(name, "optim") == 0) {
		if (value != NULL && strcmp(value, "time") == 0)
			o->optim = FS_OPTTIME;
		else if (value != NULL && strcmp(value, "space") == 0)
			o->optim = FS_OPTSPACE;
		else
			return EINVAL;
		return 0;
	}
	if ((error = newfs_num(name, value, &v)) != 0)
		return error;
	if (strcmp(name, "version") == 0) {
		if (v != 1 && v != 2)
			return EINVAL;
		o->version = (int)v;
	} else if (strcmp(name, "bsize") == 0)
		o->bsize = v;
	else if (strcmp(name, "fsize") == 0)
		o->fsize = v;
	else if (strcmp(name, "density") == 0)
		o->density = v;
	else if (strcmp(name, "minfree") == 0) {
		if (v > 99)
			return EINVAL;
		o->minfree = v;
	} else if (strcmp(name, "size") == 0)
		o->size = v;
	else {
		kprintf("ffs newfs: unknown option %s\n", name);
		return EINVAL;
	}
	return 0;
}

static int
newfs_log2(uint64_t v)
{
	int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

/* Bytes of a group's block for these counts (fs partly filled). */
static uint64_t
newfs_cgsize(const struct fs *fs, uint64_t fpg, uint64_t ipg)
{
	uint64_t n = sizeof(struct cg);

	if (fs->fs_magic == FS_UFS1_MAGIC)
		n += 4 + 2; /* one cylinder, one rotational position */
	n += howmany(ipg, 8) + howmany(fpg, 8);
	if (fs->fs_contigsumsize > 0)
		n = roundup(n, 4) + (uint64_t)fs->fs_contigsumsize * 4 +
		    howmany(fpg >> fs->fs_fragshift, 8);
	return n;
}

static uint64_t
newfs_ipg(const struct fs *fs, uint64_t fpg, uint64_t density, uint64_t max)
{
	uint64_t ipg = howmany(fpg * (uint64_t)fs->fs_fsize, density);

	ipg = roundup(MAX(ipg, 1), (uint64_t)fs->fs_inopb);
	return MIN(ipg, max);
}

/* Choose the block sizes and fill the parts of fs that follow from them. */
static int
newfs_sizes(const struct newfs_opts *o, uint64_t bytes, struct fs *fs)
{
	uint64_t bsize = o->bsize, fsize = o->fsize, maxcontig;
	bool ufs2 = o->version == 2;

	if (bsize == 0 && fsize == 0) {
		fsize = bytes < SMALL_FSSIZE ? 512
		    : bytes < MEDIUM_FSSIZE  ? 1024
		                             : 2048;
		bsize = fsize * 8;
	} else if (bsize == 0)
		bsize = MIN(MAX(fsize * 8, MINBSIZE), MAXBSIZE);
	else if (fsize == 0)
		fsize = MAX(bsize / 8, DEV_BSIZE);
	if (bsize < MINBSIZE || bsize > MAXBSIZE || !powerof2(bsize) ||
	    fsize < DEV_BSIZE || fsize > bsize || !powerof2(fsize) ||
	    bsize / fsize > MAXFRAG) {
		kprintf("ffs newfs: block size %llu and fragment size %llu do "
		        "not go together (blocks of 4096 to 65536 bytes, 1 to "
		        "8 fragments each)\n",
		    (unsigned long long)bsize, (unsigned long long)fsize);
		return EINVAL;
	}
	fs->fs_magic = ufs2 ? FS_UFS2_MAGIC : FS_UFS1_MAGIC;
	fs->fs_bsize = (int32_t)bsize;
	fs->fs_fsize = (int32_t)fsize;
	fs->fs_frag = (int32_t)(bsize / fsize);
	fs->fs_bshift = newfs_log2(bsize);
	fs->fs_fshift = newfs_log2(fsize);
	fs->fs_fragshift = newfs_log2(bsize / fsize);
	fs->fs_fsbtodb = newfs_log2(fsize / DEV_BSIZE);
	fs->fs_bmask = (int32_t) ~(bsize - 1);
	fs->fs_fmask = (int32_t) ~(fsize - 1);
	fs->fs_qbmask = (int64_t)bsize - 1;
	fs->fs_qfmask = (int64_t)fsize - 1;
	fs->fs_inopb = (int32_t)(bsize / (ufs2 ? 256 : 128));
	fs->fs_nindir = (int32_t)(bsize / (ufs2 ? 8 : 4));
	fs->fs_maxsymlinklen = ufs2 ? UFS2_MAXSYMLINKLEN : UFS1_MAXSYMLINKLEN;
	fs->fs_sbsize =
	    (int32_t)MIN(roundup(sizeof(struct fs), fsize), SBLOCKSIZE);
	fs->fs_maxbsize = (int32_t)bsize;
	fs->fs_maxbpg = fs->fs_nindir;
	maxcontig = MAX(1, NEWFS_MAXPHYS / bsize);
	fs->fs_maxcontig = (int32_t)maxcontig;
	fs->fs_contigsumsize =
	    maxcontig > 1 ? (int32_t)MIN(maxcontig, FS_MAXCONTIG) : 0;
	fs->fs_minfree = (int32_t)(o->minfree == (uint64_t)-1 ? 5 : o->minfree);
	fs->fs_optim = o->optim;
	fs->fs_avgfilesize = 16384;
	fs->fs_avgfpdir = 64;
	fs->fs_old_inodefmt = FS_44INODEFMT;
	return 0;
}

/*
 * The groups: as many fragments per group as one block of maps can
 * describe (with their inodes), and as many groups as the device holds.
 */
static int
newfs_groups(const struct newfs_opts *o, uint64_t bytes, struct fs *fs)
{
	uint64_t frag = (uint64_t)fs->fs_frag, nfrags, fpg, ipg, ncg, last;
	uint64_t density, maxipg, csfrags, metafrags, sbfrags;

	fs->fs_sblockloc = o->version == 2 ? SBLOCK_UFS2 : SBLOCK_UFS1;
	sbfrags = roundup(howmany(SBLOCKSIZE, (uint64_t)fs->fs_fsize), frag);
	fs->fs_sblkno =
	    (int32_t)roundup(howmany((uint64_t)fs->fs_sblockloc + SBLOCKSIZE,
	                         (uint64_t)fs->fs_fsize),
	        frag);
	fs->fs_cblkno = fs->fs_sblkno + (int32_t)sbfrags;
	fs->fs_iblkno = fs->fs_cblkno + (int32_t)frag;
	density = o->density != 0 ? o->density : NFPI * (uint64_t)fs->fs_fsize;
	/* UFS1 keeps the count of a group's inodes in 16 bits */
	maxipg = o->version == 2 ? (uint64_t)INT32_MAX : 32767;
	maxipg = rounddown(maxipg, (uint64_t)fs->fs_inopb);
	nfrags = bytes / (uint64_t)fs->fs_fsize;
	fpg = MIN(rounddown((uint64_t)fs->fs_bsize * 8, frag * 8),
	    roundup(nfrags, frag));
	for (;; fpg -= frag) {
		if (fpg <= (uint64_t)fs->fs_iblkno + frag)
			goto toosmall;
		ipg = newfs_ipg(fs, MIN(fpg, nfrags), density, maxipg);
		metafrags = (uint64_t)fs->fs_iblkno +
		    ipg / (uint64_t)fs->fs_inopb * frag;
		if (newfs_cgsize(fs, fpg, ipg) <= (uint64_t)fs->fs_bsize &&
		    metafrags + frag <= fpg)
			break;
	}
	ncg = howmany(nfrags, fpg);
	/* A last group without room for a block of data is dropped. */
	last = nfrags - (ncg - 1) * fpg;
	if (ncg > 1 && last < metafrags + frag) {
		ncg--;
		nfrags = ncg * fpg;
	}
	csfrags = howmany(ncg * sizeof(struct csum), (uint64_t)fs->fs_fsize);
	if (ncg > INT32_MAX || ncg * ipg > UINT32_MAX ||
	    MIN(fpg, nfrags) < metafrags + csfrags + frag)
		goto toosmall;
	if (o->version == 1 && nfrags > INT32_MAX) {
		kprintf("ffs newfs: too big for UFS1 (use version=2)\n");
		return EFBIG;
	}
	fs->fs_fpg = (int32_t)fpg;
	fs->fs_ipg = (int32_t)ipg;
	fs->fs_ncg = (int32_t)ncg;
	fs->fs_size = (int64_t)nfrags;
	fs->fs_dblkno = (int32_t)metafrags;
	fs->fs_cssize = (int32_t)(csfrags * (uint64_t)fs->fs_fsize);
	fs->fs_csaddr = ffs_cgdmin(fs, 0);
	fs->fs_cgsize = (int32_t)roundup(
	    newfs_cgsize(fs, fpg, ipg), (uint64_t)fs->fs_fsize);
	fs->fs_dsize = fs->fs_size - fs->fs_sblkno -
	    (int64_t)ncg * (fs->fs_dblkno - fs->fs_sblkno) - (int64_t)csfrags;
	return 0;
toosmall:
	kprintf("ffs newfs: %llu bytes are too few for a file system with "
	        "%d-byte blocks\n",
	    (unsigned long long)bytes, fs->fs_bsize);
	return ENOSPC;
}

/* What is left of the superblock: identity, the old UFS1 geometry. */
static void
newfs_misc(const struct newfs_opts *o, struct fs *fs, uint32_t *seed)
{
	uint64_t n = UFS_NDADDR, span = 1, max;
	int level;

	for (level = 1; level <= UFS_NIADDR; level++) {
		span *= (uint64_t)fs->fs_nindir;
		n += span;
	}
	max = n > (UINT64_C(1) << 63) / (uint64_t)fs->fs_bsize
	    ? INT64_MAX
	    : n * (uint64_t)fs->fs_bsize - 1;
	fs->fs_maxfilesize = max;
	fs->fs_id[0] = (int32_t)time_second();
	fs->fs_id[1] = (int32_t)*seed;
	fs->fs_time = time_second();
	fs->fs_clean = FS_ISCLEAN;
	fs->fs_old_flags = FS_FLAGS_UPDATED;
	memcpy(fs->fs_volname, o->label, sizeof(fs->fs_volname));
	if (fs->fs_magic == FS_UFS1_MAGIC) {
		fs->fs_old_cgmask = -1;
		fs->fs_old_rps = 60;
		fs->fs_old_nspf = fs->fs_fsize / DEV_BSIZE;
		fs->fs_old_spc = fs->fs_fpg * fs->fs_old_nspf;
		fs->fs_old_nsect = fs->fs_old_spc;
		fs->fs_old_npsect = fs->fs_old_spc;
		fs->fs_old_ncyl = fs->fs_ncg;
		fs->fs_old_cpg = 1;
		fs->fs_old_interleave = 1;
		fs->fs_old_nrpos = 1;
		fs->fs_old_postblformat = FS_DYNAMICPOSTBLFMT;
	}
}

static uint32_t
newfs_random(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

struct newfs {
	struct vnode *devvp;
	struct ffsmount fm; /* geometry for the shared helpers */
	struct fs *fs;      /* host order */
	bool ns;
	uint32_t seed;
	int64_t rootfrag; /* the root directory's fragment */
};

static int
newfs_write(struct newfs *nf, int64_t frag, const void *data, size_t len)
{
	struct buf *bp;

	bp = getblk(nf->devvp, UFS_FSBTODB(&nf->fm.fm_um, frag), (int)len);
	memcpy(bp->b_data, data, len);
	return bwrite(bp);
}

/* The group's block: maps with everything free but its own metadata. */
static void
newfs_cgbuild(
    struct newfs *nf, uint32_t c, struct ffs_cgbuf *cb, struct csum *cs)
{
	struct fs *fs = nf->fs;
	struct cg *cgp = cb->cb_cg;
	int32_t ndblk = ffs_cg_ndblk(fs, c), iused, freeoff, i;
	int32_t frsum[MAXFRAG];
	int64_t dlower, dupper, h, nblks, f, run = 0, nclust;
	unsigned bits, full = (1u << fs->fs_frag) - 1;
	bool ufs1 = fs->fs_magic == FS_UFS1_MAGIC;

	memset(frsum, 0, sizeof(frsum));
	memset(cs, 0, sizeof(*cs));
	CG_SET(cb, cg_magic, CG_MAGIC);
	CG_SET(cb, cg_cgx, c);
	CG_SET(cb, cg_ndblk, ndblk);
	CG_SET(cb, cg_old_time, (int32_t)fs->fs_time);
	cgp->cg_time = (int64_t)ufs_rw64((uint64_t)fs->fs_time, nf->ns);
	if (ufs1) {
		cgp->cg_old_ncyl = (int16_t)ufs_rw16(1, nf->ns);
		cgp->cg_old_niblk =
		    (int16_t)ufs_rw16((uint16_t)fs->fs_ipg, nf->ns);
		CG_SET(cb, cg_old_btotoff, sizeof(struct cg));
		CG_SET(cb, cg_old_boff, sizeof(struct cg) + 4);
		iused = (int32_t)sizeof(struct cg) + 4 + 2;
	} else {
		CG_SET(cb, cg_niblk, fs->fs_ipg);
		CG_SET(cb, cg_initediblk, MIN(fs->fs_ipg, 2 * fs->fs_inopb));
		iused = (int32_t)sizeof(struct cg);
	}
	freeoff = iused + howmany(fs->fs_ipg, 8);
	CG_SET(cb, cg_iusedoff, iused);
	CG_SET(cb, cg_freeoff, freeoff);
	if (fs->fs_contigsumsize > 0) {
		i = (int32_t)roundup(freeoff + howmany(fs->fs_fpg, 8), 4) - 4;
		CG_SET(cb, cg_clustersumoff, i);
		i += (fs->fs_contigsumsize + 1) * 4;
		CG_SET(cb, cg_clusteroff, i);
		CG_SET(cb, cg_nclusterblks, ffs_fragstoblks(fs, ndblk));
		CG_SET(cb, cg_nextfreeoff,
		    i + howmany(ffs_fragstoblks(fs, fs->fs_fpg), 8));
	} else
		CG_SET(cb, cg_nextfreeoff, freeoff + howmany(fs->fs_fpg, 8));
	ffs_cg_locate(fs, nf->ns, cgp, cb);

	cs->cs_nifree = fs->fs_ipg;
	if (c == 0) {
		for (i = 0; i <= UFS_ROOTINO; i++)
			ffs_setbit(cb->cb_inosused, i);
		cs->cs_nifree -= UFS_ROOTINO + 1;
		cs->cs_ndir = 1;
	}
	/* the group's own metadata, and in group 0 the boot area too */
	dlower = ffs_cgsblock(fs, c) - ffs_cgbase(fs, c);
	dupper = ffs_cgdmin(fs, c) - ffs_cgbase(fs, c);
	if (c == 0) {
		dlower = 0;
		dupper += howmany(fs->fs_cssize, fs->fs_fsize);
		nf->rootfrag = ffs_cgbase(fs, 0) + dupper++;
	}
	for (f = 0; f < ndblk; f++)
		if (f < dlower || f >= dupper)
			ffs_setbit(cb->cb_blksfree, f);
	nblks = howmany(ndblk, fs->fs_frag);
	nclust = ffs_fragstoblks(fs, ndblk);
	for (h = 0; h < nblks; h++) {
		bits = ffs_blkbits(fs, cb->cb_blksfree, h);
		if (bits == full) {
			cs->cs_nbfree++;
			if (cb->cb_clustersfree != NULL)
				ffs_setbit(cb->cb_clustersfree, h);
		} else {
			cs->cs_nffree += __builtin_popcount(bits);
			ffs_fragacct(fs, bits, frsum, 1);
		}
		if (cb->cb_clustersum == NULL || h >= nclust)
			continue;
		if (bits == full)
			run++;
		if ((bits != full || h == nclust - 1) && run > 0) {
			UFS_ADD32(
			    cb->cb_clustersum[MIN(run, fs->fs_contigsumsize)],
			    1, nf->ns);
			run = 0;
		}
	}
	for (i = 1; i < fs->fs_frag; i++)
		CG_SET(cb, cg_frsum[i], frsum[i]);
	CG_SET(cb, cg_cs.cs_ndir, cs->cs_ndir);
	CG_SET(cb, cg_cs.cs_nbfree, cs->cs_nbfree);
	CG_SET(cb, cg_cs.cs_nifree, cs->cs_nifree);
	CG_SET(cb, cg_cs.cs_nffree, cs->cs_nffree);
}

/* The root directory's inode, in host order through the UFS layer. */
static void
newfs_rootinode(struct newfs *nf, uint8_t *din)
{
	struct inode *ip = ufs_inode_alloc(&nf->fm.fm_um, UFS_ROOTINO);
	struct fs *fs = nf->fs;
	struct timespec now;

	getnanotime(&now);
	memcpy(ip->i_din, din, nf->fm.fm_um.um_dinodesize);
	ip->i_mode = UFS_IFDIR | 0755;
	ip->i_nlink = 2;
	ip->i_size = UFS_DIRBLKSIZ;
	ip->i_blocks = (uint64_t)fs->fs_fsize / DEV_BSIZE;
	ip->i_gen = (int32_t)newfs_random(&nf->seed);
	ip->i_atime = ip->i_mtime = ip->i_ctime = now;
	ip->i_birthtime = now;
	if (fs->fs_magic == FS_UFS1_MAGIC)
		ip->i_birthtime.tv_sec = VNOVAL;
	ip->i_db[0] = nf->rootfrag;
	ufs_dinode_encode(ip);
	memcpy(din, ip->i_din, nf->fm.fm_um.um_dinodesize);
	ufs_inode_free(ip);
}

/* The inode area of group c: zeroed inodes with fresh generations. */
static int
newfs_inodes(struct newfs *nf, uint32_t c, int32_t count, uint8_t *buf)
{
	struct fs *fs = nf->fs;
	uint32_t dsize = nf->fm.fm_um.um_dinodesize, i, n;
	int32_t blk, nblk = count / fs->fs_inopb, chunk;
	int32_t *gen;
	int error;

	for (blk = 0; blk < nblk; blk += chunk) {
		chunk = MIN(INOWRITE_BLKS, nblk - blk);
		n = (uint32_t)(chunk * fs->fs_inopb);
		memset(buf, 0, (size_t)chunk * (size_t)fs->fs_bsize);
		for (i = 0; i < n; i++) {
			/* di_gen sits at 0x6c in UFS1 inodes, 0x50 in UFS2 */
			gen = (int32_t *)(void *)(buf + i * dsize +
			    (dsize == 128 ? 0x6c : 0x50));
			*gen =
			    (int32_t)ufs_rw32(newfs_random(&nf->seed), nf->ns);
		}
		if (c == 0 && blk == 0)
			newfs_rootinode(nf, buf + UFS_ROOTINO * dsize);
		error = newfs_write(nf,
		    ffs_cgimin(fs, c) + ffs_blkstofrags(fs, blk), buf,
		    (size_t)chunk * (size_t)fs->fs_bsize);
		if (error != 0)
			return error;
	}
	return 0;
}

/* "." and ".." of the root directory, in its fragment. */
static int
newfs_rootdir(struct newfs *nf, uint8_t *buf)
{
	struct direct *dp = (void *)buf;
	unsigned dot = UFS_DIRSIZ(1);

	memset(buf, 0, (size_t)nf->fs->fs_fsize);
	dp->d_ino = ufs_rw32(UFS_ROOTINO, nf->ns);
	dp->d_reclen = ufs_rw16((uint16_t)dot, nf->ns);
	dp->d_type = UFS_DT_DIR;
	dp->d_namlen = 1;
	dp->d_name[0] = '.';
	dp = (void *)(buf + dot);
	dp->d_ino = ufs_rw32(UFS_ROOTINO, nf->ns);
	dp->d_reclen = ufs_rw16((uint16_t)(UFS_DIRBLKSIZ - dot), nf->ns);
	dp->d_type = UFS_DT_DIR;
	dp->d_namlen = 2;
	dp->d_name[0] = dp->d_name[1] = '.';
	return newfs_write(nf, nf->rootfrag, buf, (size_t)nf->fs->fs_fsize);
}

/* Blank the boot area in front of the superblock: other formats' marks. */
static int
newfs_wipe(struct newfs *nf)
{
	size_t n = (size_t)nf->fs->fs_sblockloc;
	struct buf *bp;

	bp = getblk(nf->devvp, 0, (int)n);
	memset(bp->b_data, 0, n);
	return bwrite(bp);
}

/*
 * A UFS2 superblock left at 64 KiB by an earlier file system would be
 * found before our UFS1 one: if there is one, and it is not in an area we
 * wrote (then it would be gone), clear its magic number.
 */
static int
newfs_zap_ufs2(struct newfs *nf, uint64_t bytes)
{
	struct fs *old;
	struct buf *bp;
	int error;

	if (nf->fs->fs_magic != FS_UFS1_MAGIC ||
	    bytes < SBLOCK_UFS2 + SBLOCKSIZE)
		return 0;
	if ((error = bread(
	         nf->devvp, SBLOCK_UFS2 / DEV_BSIZE, SBLOCKSIZE, 0, &bp)) != 0)
		return error;
	old = bp->b_data;
	if (old->fs_magic != FS_UFS2_MAGIC &&
	    old->fs_magic != (int32_t)__builtin_bswap32(FS_UFS2_MAGIC)) {
		brelse(bp, B_INVAL);
		return 0;
	}
	old->fs_magic = 0;
	error = bwrite(bp);
	return error;
}

/* The group summaries, then the superblock and its copies. */
static int
newfs_super(struct newfs *nf, const struct csum *cs, uint8_t *buf)
{
	struct fs *fs = nf->fs, *out;
	size_t size = (size_t)fs->fs_cssize, off, n;
	uint32_t c;
	int error;

	memset(buf, 0, roundup(size, (size_t)fs->fs_bsize));
	memcpy(buf, cs, (size_t)fs->fs_ncg * sizeof(struct csum));
	if (nf->ns)
		ffs_csum_swap((struct csum *)(void *)buf,
		    (struct csum *)(void *)buf, (size_t)fs->fs_ncg);
	for (off = 0; off < size; off += (size_t)fs->fs_bsize) {
		n = MIN((size_t)fs->fs_bsize, size - off);
		error = newfs_write(
		    nf, fs->fs_csaddr + ffs_numfrags(fs, off), buf + off, n);
		if (error != 0)
			return error;
	}
	memset(buf, 0, SBLOCKSIZE);
	out = (struct fs *)(void *)buf;
	memcpy(out, fs, sizeof(*fs));
	ffs_oldfscompat_write(fs, out);
	if (nf->ns)
		ffs_sb_swap(out, out);
	for (c = 0; c < (uint32_t)fs->fs_ncg; c++)
		if ((error = newfs_write(
		         nf, ffs_cgsblock(fs, c), buf, SBLOCKSIZE)) != 0)
			return error;
	return newfs_write(
	    nf, fs->fs_sblockloc / fs->fs_fsize, buf, SBLOCKSIZE);
}

/* Every group: its block and its inodes; the totals go into fs. */
static int
newfs_allgroups(struct newfs *nf, struct csum *cs, uint8_t *buf)
{
	struct fs *fs = nf->fs;
	struct ffs_cgbuf cb;
	uint32_t c;
	int error;

	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		memset(buf, 0, (size_t)fs->fs_cgsize);
		memset(&cb, 0, sizeof(cb));
		cb.cb_cg = (struct cg *)(void *)buf;
		cb.cb_ns = nf->ns;
		cb.cb_cgx = c;
		newfs_cgbuild(nf, c, &cb, &cs[c]);
		fs->fs_cstotal.cs_ndir += cs[c].cs_ndir;
		fs->fs_cstotal.cs_nbfree += cs[c].cs_nbfree;
		fs->fs_cstotal.cs_nifree += cs[c].cs_nifree;
		fs->fs_cstotal.cs_nffree += cs[c].cs_nffree;
		error = newfs_write(
		    nf, ffs_cgtod(fs, c), buf, (size_t)fs->fs_cgsize);
		if (error == 0)
			error = newfs_inodes(nf, c,
			    fs->fs_magic == FS_UFS1_MAGIC
			        ? fs->fs_ipg
			        : MIN(fs->fs_ipg, 2 * fs->fs_inopb),
			    buf);
		if (error != 0)
			return error;
	}
	return 0;
}

/* vfs_newfs */
int
ffs_newfs(struct vnode *devvp, const char *options)
{
	struct newfs_opts o;
	struct newfs nf;
	struct vattr va;
	struct csum *cs;
	uint64_t bytes;
	uint8_t *buf;
	size_t buflen;
	int error;

	memset(&o, 0, sizeof(o));
	o.version = 1;
	o.minfree = (uint64_t)-1;
	o.optim = FS_OPTTIME;
	if (options != NULL &&
	    (error = mount_parse_options(options, newfs_opt, &o)) != 0)
		return error;
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	bytes = (uint64_t)va.va_size;
	if (o.size != 0 && o.size < bytes)
		bytes = o.size;
	memset(&nf, 0, sizeof(nf));
	nf.devvp = devvp;
	nf.fs = kmem_zalloc(sizeof(struct fs), KM_SLEEP);
	nf.seed = (uint32_t)time_second() * 2654435761u | 1;
	if ((error = newfs_sizes(&o, bytes, nf.fs)) != 0 ||
	    (error = newfs_groups(&o, bytes, nf.fs)) != 0) {
		kmem_free(nf.fs, sizeof(struct fs));
		return error;
	}
	newfs_misc(&o, nf.fs, &nf.seed);
	nf.ns = o.endian == 0 ? false : (o.endian == 2) != ufs_host_be();
	nf.fm.fm_fs = nf.fs;
	nf.fm.fm_um.um_devvp = devvp;
	ffs_ump_setup(&nf.fm, nf.ns);
	buflen = MAX((size_t)INOWRITE_BLKS * (size_t)nf.fs->fs_bsize,
	    roundup((size_t)nf.fs->fs_cssize, (size_t)nf.fs->fs_bsize));
	buflen = MAX(buflen, SBLOCK_UFS2);
	buf = kmem_alloc(buflen, KM_SLEEP);
	cs = kmem_zalloc((size_t)nf.fs->fs_ncg * sizeof(*cs), KM_SLEEP);
	error = newfs_wipe(&nf);
	if (error == 0)
		error = newfs_allgroups(&nf, cs, buf);
	if (error == 0)
		error = newfs_rootdir(&nf, buf);
	if (error == 0)
		error = newfs_super(&nf, cs, buf);
	if (error == 0)
		error = newfs_zap_ufs2(&nf, bytes);
	kmem_free(cs, (size_t)nf.fs->fs_ncg * sizeof(*cs));
	kmem_free(buf, buflen);
	kmem_free(nf.fs, sizeof(struct fs));
	return error;
}
