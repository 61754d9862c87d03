/*
 * newfs for LFS: the geometry (options bsize, fsize, segsize, size),
 * both superblocks, and a first partial segment in segment 0 with the
 * root directory, the IFILE (cleaner information, segment usage table,
 * one block of inode map) and an inode block holding both inodes.
 */
#include "sys/param.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/dinode.h"
#include "ufs/dir.h"

struct lfs_newfs_opts {
	uint64_t bsize, fsize, segsize, size;
};

static int
lfs_newfs_opt(void *arg, const char *name, const char *value)
{
	struct lfs_newfs_opts *o = arg;
	uint64_t n = 0;
	const char *p = value;

	if (p == NULL || *p == '\0')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - 9) / 10)
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
	if (strcmp(name, "bsize") == 0)
		o->bsize = n;
	else if (strcmp(name, "fsize") == 0)
		o->fsize = n;
	else if (strcmp(name, "segsize") == 0)
		o->segsize = n;
	else if (strcmp(name, "size") == 0)
		o->size = n;
	else {
		kprintf("lfs newfs: unknown option %s\n", name);
		return EINVAL;
	}
	return 0;
bad:
	kprintf("lfs newfs: bad value for %s\n", name);
	return EINVAL;
}

static bool
lfs_ispow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static unsigned
lfs_log2(uint64_t x)
{
	unsigned n = 0;

	while (x > 1)
		x >>= 1, n++;
	return n;
}

/* The superblock for a device of `bytes`. */
static int
lfs_newfs_geometry(const struct lfs_newfs_opts *o, uint64_t bytes,
    struct dlfs *sb)
{
	uint64_t B = o->bsize ? o->bsize : 8192, F = o->fsize ? o->fsize : 1024;
	uint64_t S = o->segsize, nseg, maxblk, nind;

	if (S == 0) {
		/*
		 * 1 MiB segments, smaller ones on small images, bigger ones
		 * (up to 16 MiB) where the segment table would outgrow the
		 * IFILE's direct blocks, the most this lfs keeps it in.
		 */
		S = 1 << 20;
		while (S > 16 * B && bytes / S < 64)
			S >>= 1;
		while (S < (16u << 20) &&
		    howmany(bytes / S, B / sizeof(struct segusage)) >
			UFS_NDADDR - 3)
			S <<= 1;
	}
	if (!lfs_ispow2(B) || B < 4096 || B > 65536 || !lfs_ispow2(F) ||
	    F < 512 || F > B || B / F > 8) {
		kprintf("lfs newfs: bad block size %llu or fragment size "
		        "%llu\n",
		    (unsigned long long)B, (unsigned long long)F);
		return EINVAL;
	}
	if (S % B != 0 || S < 16 * B || S > (16u << 20)) {
		kprintf("lfs newfs: segment size %llu must be a multiple of "
		        "the block size, 16 blocks to 16 MiB\n",
		    (unsigned long long)S);
		return EINVAL;
	}
	nseg = bytes / S;
	if (nseg < 8) {
		kprintf("lfs newfs: %llu bytes make fewer than 8 segments of "
		        "%llu\n",
		    (unsigned long long)bytes, (unsigned long long)S);
		return ENOSPC;
	}
	if (howmany(nseg, B / sizeof(struct segusage)) > UFS_NDADDR - 3) {
		kprintf("lfs newfs: too many segments (%llu): use bigger "
		        "ones\n",
		    (unsigned long long)nseg);
		return EINVAL;
	}
	if (nseg * (S / F) > LFS_MAX_DADDR)
		return EFBIG;
	memset(sb, 0, sizeof(*sb));
	sb->dlfs_magic = LFS_MAGIC;
	sb->dlfs_version = LFS_VERSION;
	sb->dlfs_ssize = (uint32_t)S;
	sb->dlfs_bsize = (uint32_t)B;
	sb->dlfs_fsize = (uint32_t)F;
	sb->dlfs_frag = (uint32_t)(B / F);
	sb->dlfs_fsbpseg = (uint32_t)(S / F);
	sb->dlfs_nseg = (uint32_t)nseg;
	sb->dlfs_size = (uint32_t)(nseg * sb->dlfs_fsbpseg);
	sb->dlfs_ifile = LFS_IFILE_INUM;
	sb->dlfs_inopf = (uint32_t)(F / LFS_DINODE_SIZE);
	sb->dlfs_minfree = 10;
	sb->dlfs_ibsize = (uint32_t)F;
	sb->dlfs_inopb = sb->dlfs_ibsize / LFS_DINODE_SIZE;
	sb->dlfs_ifpb = (uint32_t)(B / sizeof(struct ifile32));
	sb->dlfs_sepb = (uint32_t)(B / sizeof(struct segusage));
	sb->dlfs_nindir = (uint32_t)(B / 4);
	sb->dlfs_nspf = (uint32_t)(F / DEV_BSIZE);
	sb->dlfs_cleansz = 1;
	sb->dlfs_segtabsz = (uint32_t)howmany(nseg, sb->dlfs_sepb);
	sb->dlfs_segshift = lfs_log2(S);
	sb->dlfs_segmask = (uint32_t)(S - 1);
	sb->dlfs_bshift = lfs_log2(B);
	sb->dlfs_ffshift = lfs_log2(F);
	sb->dlfs_fbshift = lfs_log2(B / F);
	sb->dlfs_bmask = B - 1;
	sb->dlfs_ffmask = F - 1;
	sb->dlfs_fbmask = B / F - 1;
	sb->dlfs_blktodb = lfs_log2(B / DEV_BSIZE);
	sb->dlfs_fsbtodb = lfs_log2(F / DEV_BSIZE);
	sb->dlfs_sushift = lfs_log2(sb->dlfs_sepb);
	sb->dlfs_maxsymlinklen = UFS1_MAXSYMLINKLEN;
	nind = B / 4;
	maxblk = UFS_NDADDR + nind + nind * nind + nind * nind * nind;
	if (maxblk > (uint64_t)INT32_MAX / 2)
		maxblk = (uint64_t)INT32_MAX / 2;
	sb->dlfs_maxfilesize = maxblk * B - 1;
	sb->dlfs_sboffs[0] = (int32_t)(LFS_LABELPAD / F);
	sb->dlfs_sboffs[1] = (int32_t)((nseg / 2) * sb->dlfs_fsbpseg);
	sb->dlfs_start = (int32_t)((LFS_LABELPAD + LFS_SBPAD) / F);
	sb->dlfs_minfreeseg = (uint32_t)MIN(MAX(nseg / 4, 4), 40);
	sb->dlfs_resvseg = sb->dlfs_minfreeseg / 2 + 1;
	sb->dlfs_sumsize = (uint32_t)F;
	sb->dlfs_dsize = (uint32_t)((nseg - sb->dlfs_minfreeseg) *
	    sb->dlfs_fsbpseg);
	sb->dlfs_ident = (uint32_t)time_second() * 2654435761u ^ 0x5a17u;
	sb->dlfs_pflags = LFS_PF_CLEAN;
	sb->dlfs_inodefmt = 0;
	return 0;
}

static void
lfs_newfs_dinode(uint8_t *out, uint32_t ino, uint16_t mode, int16_t nlink,
    uint64_t size, uint32_t blocks, const int32_t *db, unsigned ndb,
    int64_t now)
{
	struct ufs1_dinode *dp = (struct ufs1_dinode *)out;
	unsigned i;

	memset(out, 0, LFS_DINODE_SIZE);
	dp->di_mode = mode;
	dp->di_nlink = nlink;
	memcpy(out + 4, &ino, 4);
	dp->di_size = size;
	dp->di_atime = dp->di_mtime = dp->di_ctime = (int32_t)now;
	for (i = 0; i < ndb; i++)
		dp->di_db[i] = db[i];
	dp->di_blocks = blocks;
	dp->di_gen = 1;
}

int
lfs_newfs(struct vnode *devvp, const char *options)
{
	struct lfs_newfs_opts o;
	struct vattr va;
	struct dlfs sb, sb1;
	struct segsum *ss;
	struct finfo32 *fi;
	struct segusage *su;
	struct cleanerinfo32 *ci;
	struct ifile32 *ife;
	struct direct *de;
	uint64_t bytes;
	uint8_t *ps, *p;
	size_t pslen, off;
	int64_t start, now = time_second();
	int32_t rootaddr, ifaddr[UFS_NDADDR], ibaddr, lbn;
	unsigned nif, i, nblk = 0;
	uint32_t F, B, words[UFS_NDADDR + 3], u;
	int error;

	memset(&o, 0, sizeof(o));
	if (options != NULL &&
	    (error = mount_parse_options(options, lfs_newfs_opt, &o)) != 0)
		return error;
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	bytes = (uint64_t)va.va_size;
	if (o.size != 0 && o.size < bytes)
		bytes = o.size;
	if ((error = lfs_newfs_geometry(&o, bytes, &sb)) != 0)
		return error;
	F = sb.dlfs_fsize;
	B = sb.dlfs_bsize;
	nif = sb.dlfs_cleansz + sb.dlfs_segtabsz + 1;

	/* the first partial segment: summary, root dir, IFILE, inodes */
	start = sb.dlfs_start;
	pslen = sb.dlfs_sumsize + F + (size_t)nif * B + sb.dlfs_ibsize;
	ps = kmem_zalloc(pslen, KM_SLEEP);
	off = sb.dlfs_sumsize;
	rootaddr = (int32_t)(start + off / F);
	de = (struct direct *)(ps + off);
	de->d_ino = LFS_ROOTINO;
	de->d_reclen = UFS_DIRSIZ(1);
	de->d_type = UFS_DT_DIR;
	de->d_namlen = 1;
	de->d_name[0] = '.';
	de = (struct direct *)(ps + off + UFS_DIRSIZ(1));
	de->d_ino = LFS_ROOTINO;
	de->d_reclen = UFS_DIRBLKSIZ - UFS_DIRSIZ(1);
	de->d_type = UFS_DT_DIR;
	de->d_namlen = 2;
	de->d_name[0] = de->d_name[1] = '.';
	memcpy(&words[nblk++], ps + off, 4);
	off += F;
	for (i = 0; i < nif; i++) {
		ifaddr[i] = (int32_t)(start + off / F);
		memcpy(&words[nblk++], ps + off, 4); /* filled below */
		off += B;
	}
	ibaddr = (int32_t)(start + off / F);
	off += sb.dlfs_ibsize;

	/* segment usage: 0 holds this partial; two have superblocks */
	su = kmem_zalloc(sb.dlfs_nseg * sizeof(*su), KM_SLEEP);
	su[0].su_nbytes = F + nif * B + 2 * LFS_DINODE_SIZE;
	su[0].su_nsums = 1;
	su[0].su_ninos = 1;
	su[0].su_lastmod = (uint64_t)now;
	su[0].su_flags = SEGUSE_DIRTY | SEGUSE_ACTIVE | SEGUSE_SUPERBLOCK;
	su[1].su_flags |= SEGUSE_ACTIVE;
	su[lfs_dtosn(&sb, sb.dlfs_sboffs[1])].su_flags |= SEGUSE_SUPERBLOCK;
	for (u = 0; u < sb.dlfs_nseg; u++)
		if (su[u].su_nbytes == 0)
			su[u].su_flags |= SEGUSE_EMPTY;
	for (i = 0; i < sb.dlfs_segtabsz; i++)
		lfs_su_block(&sb, i, ps + sb.dlfs_sumsize + F +
		        (size_t)(sb.dlfs_cleansz + i) * B,
		    su, true);
	/* the inode map: 0 unused, 1 the IFILE, 2 the root, 3.. free */
	ife = (struct ifile32 *)(ps + sb.dlfs_sumsize + F +
	    (size_t)(sb.dlfs_cleansz + sb.dlfs_segtabsz) * B);
	for (u = 0; u < sb.dlfs_ifpb; u++) {
		ife[u].if_version = 1;
		if (u >= LFS_FIRST_INUM && u + 1 < sb.dlfs_ifpb)
			ife[u].if_nextfree = u + 1;
	}
	ife[LFS_ROOTINO].if_daddr = ibaddr;
	ci = (struct cleanerinfo32 *)(ps + sb.dlfs_sumsize + F);
	ci->clean = sb.dlfs_nseg - 2;
	ci->dirty = 2;
	ci->free_head = LFS_FIRST_INUM;
	ci->free_tail = sb.dlfs_ifpb - 1;
	ci->bfree = (int32_t)(sb.dlfs_dsize - su[0].su_nbytes / F - 1 -
	    (uint32_t)sb.dlfs_start);
	kmem_free(su, sb.dlfs_nseg * sizeof(*su));
	ci->avail = ci->bfree;
	for (i = 0; i < nif; i++)
		memcpy(&words[1 + i], ps + sb.dlfs_sumsize + F + (size_t)i * B,
		    4);

	/* the inode block */
	p = ps + (size_t)(ibaddr - start) * F;
	{
		int32_t rdb[1] = {rootaddr};
		lfs_newfs_dinode(p, LFS_ROOTINO, UFS_IFDIR | 0755, 2,
		    UFS_DIRBLKSIZ, F / DEV_BSIZE, rdb, 1, now);
		lfs_newfs_dinode(p + LFS_DINODE_SIZE, LFS_IFILE_INUM,
		    UFS_IFREG | 0600, 1, (uint64_t)nif * B,
		    nif * (B / DEV_BSIZE), ifaddr, nif, now);
	}
	memcpy(&words[nblk++], p, 4);

	/* the summary */
	ss = (struct segsum *)ps;
	ss->ss_magic = SS_MAGIC;
	ss->ss_next = (int32_t)lfs_sntod(&sb, 1);
	ss->ss_ident = sb.dlfs_ident;
	ss->ss_nfinfo = 2;
	ss->ss_ninos = 2;
	ss->ss_serial = 1;
	ss->ss_create = (uint64_t)now;
	fi = (struct finfo32 *)(ps + sizeof(*ss));
	fi->fi_nblocks = 1;
	fi->fi_version = 1;
	fi->fi_ino = LFS_ROOTINO;
	fi->fi_lastlength = F;
	lbn = 0;
	memcpy((uint8_t *)fi + LFS_FINFOSIZE, &lbn, 4);
	fi = (struct finfo32 *)((uint8_t *)fi + LFS_FINFOSIZE + 4);
	fi->fi_nblocks = nif;
	fi->fi_version = 1;
	fi->fi_ino = LFS_IFILE_INUM;
	fi->fi_lastlength = B;
	for (i = 0; i < nif; i++) {
		lbn = (int32_t)i;
		memcpy((uint8_t *)fi + LFS_FINFOSIZE + 4 * i, &lbn, 4);
	}
	memcpy(ps + sb.dlfs_sumsize - 4, &ibaddr, 4);
	ss->ss_datasum = lfs_cksum(words, (size_t)nblk * 4);
	ss->ss_sumsum = lfs_cksum(ps + 4, sb.dlfs_sumsize - 4);

	/* the superblocks: the newer in slot 0 */
	sb.dlfs_idaddr = ibaddr;
	sb.dlfs_curseg = 0;
	sb.dlfs_nextseg = (int32_t)lfs_sntod(&sb, 1);
	sb.dlfs_offset = (int32_t)(start + pslen / F);
	sb.dlfs_lastpseg = (int32_t)start;
	sb.dlfs_serial = 2;
	sb.dlfs_tstamp = (uint64_t)now;
	sb.dlfs_nfiles = 2;
	sb.dlfs_freehd = LFS_FIRST_INUM;
	sb.dlfs_bfree = ci->bfree;
	sb.dlfs_avail = ci->avail;
	sb.dlfs_nclean = ci->clean;
	sb.dlfs_cksum = lfs_sb_cksum(&sb);
	sb1 = sb;
	sb1.dlfs_serial = 1;
	sb1.dlfs_cksum = lfs_sb_cksum(&sb1);

	error = lfs_rawio(devvp, start * (F / DEV_BSIZE), ps, pslen, false);
	if (error == 0)
		error = lfs_rawio(devvp, LFS_LABELPAD / DEV_BSIZE, &sb,
		    sizeof(sb), false);
	if (error == 0)
		error = lfs_rawio(devvp,
		    (int64_t)sb.dlfs_sboffs[1] * (F / DEV_BSIZE), &sb1,
		    sizeof(sb1), false);
	kmem_free(ps, pslen);
	return error;
}
