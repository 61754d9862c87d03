/*
 * Making a new ext2 file system on a whole device (vfs_newfs), laid out
 * the way mke2fs lays out ext2: groups of 8 * blocksize blocks, each with
 * its block bitmap, inode bitmap and inode table after the superblock copy
 * and descriptors (in groups 0, 1 and powers of 3, 5 and 7: sparse_super),
 * a root directory and a lost+found with a few blocks.
 *
 * Options: bsize=1024|2048|4096 (default: 1024 below 512 MiB, else 4096),
 * density=N (also ipb=: bytes per inode; default 4096 below 512 MiB, else
 * 16384), isize=128|256 (default 256), label=TEXT, rev=0|1 (revision 0
 * has no features and 128-byte inodes).
 *
 * Everything is written straight to the device, past the buffer cache.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"

#define NEWFS_SMALL            ((uint64_t)512 << 20)
#define NEWFS_LPF_BYTES        16384 /* lost+found spans this much */
#define NEWFS_ZERO_CHUNK       (1024 * 1024)
#define NEWFS_WIPE_BYTES       (128 * 1024) /* old signatures at the start */
#define NEWFS_LPF_INO          11
#define EXT2_FLAGS_SIGNED_HASH 0x0001
#define EXT2_HASH_HALF_MD4     1

struct newfs_opts {
	uint32_t bsize;
	uint64_t density;
	uint32_t isize;
	uint32_t rev;
	char label[16];
	bool badopt;
};

/* The geometry of the new file system. */
struct newfs_geom {
	uint32_t bsize, isize, rev, ipb;
	uint64_t nblocks;
	uint32_t fdb; /* first data block */
	uint32_t bpg, ngroups, ipg, itb, gdb;
	uint32_t nlpf;         /* blocks of lost+found */
	struct ext2fs_mount m; /* enough of a mount for the shared helpers */
};

static int
newfs_num(const char *value, uint64_t *v)
{
	uint64_t n = 0;
	const char *p = value;

	if (p == NULL || *p == '\0')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > UINT64_MAX / 10)
			return EINVAL;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'k':
	case 'K':
		n <<= 10;
		p++;
		break;
	case 'm':
	case 'M':
		n <<= 20;
		p++;
		break;
	case 'g':
	case 'G':
		n <<= 30;
		p++;
		break;
	}
	if (*p != '\0')
		return EINVAL;
	*v = n;
	return 0;
}

static int
newfs_opt(void *arg, const char *name, const char *value)
{
	struct newfs_opts *o = arg;
	uint64_t v = 0;

	if (strcmp(name, "label") == 0) {
		if (value == NULL || strlen(value) > sizeof(o->label)) {
			kprintf(
			    "ext2fs: newfs: a label has at most 16 bytes\n");
			return EINVAL;
		}
		memset(o->label, 0, sizeof(o->label));
		memcpy(o->label, value, strlen(value));
		return 0;
	}
	if (newfs_num(value, &v) != 0) {
		kprintf("ext2fs: newfs: bad value for %s\n", name);
		return EINVAL;
	}
	if (strcmp(name, "bsize") == 0 || strcmp(name, "blocksize") == 0) {
		if (v < 1024 || v > 65536 || !powerof2(v))
			goto bad;
		o->bsize = (uint32_t)v;
	} else if (strcmp(name, "density") == 0 || strcmp(name, "ipb") == 0 ||
	    strcmp(name, "inode_ratio") == 0) {
		if (v < 1024 || v > (64u << 20))
			goto bad;
		o->density = v;
	} else if (strcmp(name, "isize") == 0 ||
	    strcmp(name, "inode_size") == 0) {
		if (v < 128 || v > 1024 || !powerof2(v))
			goto bad;
		o->isize = (uint32_t)v;
	} else if (strcmp(name, "rev") == 0) {
		if (v > 1)
			goto bad;
		o->rev = (uint32_t)v;
	} else {
		kprintf("ext2fs: newfs: unknown option %s\n", name);
		return EINVAL;
	}
	return 0;
bad:
	kprintf("ext2fs: newfs: %s=%s is out of range\n", name, value);
	return EINVAL;
}

/* Set up geom->m so that ext2fs_group_has_super() and friends work. */
static void
geom_mount(struct newfs_geom *g)
{
	struct ext2fs_mount *m = &g->m;

	memset(m, 0, sizeof(*m));
	m->um_bsize = g->bsize;
	m->um_desc_size = E2FS_GD_SIZE;
	m->um_gdb_count = g->gdb;
	m->um_ngroups = g->ngroups;
	m->um_first_data_block = g->fdb;
	m->um_bpg = g->bpg;
	m->um_nblocks = g->nblocks;
	if (g->rev > 0)
		m->um_rocompat = EXT2F_ROCOMPAT_SPARSE_SUPER;
}

static uint32_t
group_overhead(struct newfs_geom *g, uint32_t grp)
{
	return (uint32_t)ext2fs_group_super_blocks(&g->m, grp) + 2 + g->itb;
}

/* Work out the layout; ENOSPC if the device is too small. */
static int
newfs_geometry(
    struct newfs_geom *g, uint64_t devsize, const struct newfs_opts *o)
{
	uint64_t ninodes, rem;
	uint32_t need0, pass, maxipg;

	g->rev = o->rev;
	g->bsize = o->bsize ? o->bsize : devsize < NEWFS_SMALL ? 1024 : 4096;
	g->isize = g->rev == 0 ? E2FS_GOOD_OLD_INODE_SIZE
	                       : (o->isize ? o->isize : 256);
	if (g->isize > g->bsize)
		return EINVAL;
	g->ipb = g->bsize / g->isize;
	g->nblocks = MIN(devsize / g->bsize, (uint64_t)UINT32_MAX);
	g->fdb = g->bsize == 1024 ? 1 : 0;
	/* descriptors count blocks and inodes of a group in 16 bits */
	g->bpg = MIN(8 * g->bsize, 65528u);
	g->nlpf =
	    MIN(MAX(NEWFS_LPF_BYTES / g->bsize, 2u), (uint32_t)E2FS_NDADDR);
	maxipg = MIN(8 * g->bsize, 65536 - g->ipb);
	maxipg -= maxipg % MAX(g->ipb, 8u);
	if (g->nblocks < 64)
		return ENOSPC;
	for (pass = 0; pass < 4; pass++) {
		g->ngroups = (uint32_t)howmany(g->nblocks - g->fdb, g->bpg);
		g->gdb = howmany(g->ngroups * E2FS_GD_SIZE, g->bsize);
		ninodes = g->nblocks * g->bsize /
		    (o->density                     ? o->density
		            : devsize < NEWFS_SMALL ? 4096
		                                    : 16384);
		g->ipg = (uint32_t)MIN(
		    howmany(ninodes, g->ngroups), (uint64_t)maxipg);
		g->ipg = MAX(g->ipg, 16u);
		g->ipg = MIN(roundup(g->ipg, MAX(g->ipb, 8u)), maxipg);
		g->itb = g->ipg / g->ipb;
		geom_mount(g);
		/* A last group too small to be worth its overhead goes. */
		rem = g->nblocks - g->fdb - (uint64_t)(g->ngroups - 1) * g->bpg;
		if (g->ngroups > 1 &&
		    rem < group_overhead(g, g->ngroups - 1) + 50) {
			g->nblocks -= rem;
			continue;
		}
		break;
	}
	if ((uint64_t)g->ipg * g->ngroups > UINT32_MAX)
		return EFBIG;
	need0 = group_overhead(g, 0) + 1 + g->nlpf;
	if (ext2fs_group_nblocks(&g->m, 0) < need0 + 8)
		return ENOSPC;
	return 0;
}

/* Write len bytes at byte offset off of the device, past the cache. */
static int
newfs_write(struct vnode *devvp, uint64_t off, const void *data, size_t len)
{
	struct buf b;
	int error;

	memset(&b, 0, sizeof(b));
	b.b_flags = B_BUSY;
	b.b_data = (void *)(uintptr_t)data;
	b.b_bcount = b.b_bufsize = len;
	b.b_blkno = b.b_lblkno = (daddr_t)(off >> DEV_BSHIFT);
	b.b_vp = devvp;
	VOP_STRATEGY(devvp, &b);
	error = biowait(&b);
	if (error == 0 && b.b_resid != 0)
		error = EIO;
	return error;
}

static int
newfs_zero(struct vnode *devvp, uint64_t off, uint64_t len, void *zeros)
{
	size_t n;
	int error;

	while (len > 0) {
		n = (size_t)MIN(len, (uint64_t)NEWFS_ZERO_CHUNK);
		if ((error = newfs_write(devvp, off, zeros, n)) != 0)
			return error;
		off += n;
		len -= n;
	}
	return 0;
}

/* Where group grp's bitmaps and inode table go. */
static void
group_layout(struct newfs_geom *g, uint32_t grp, struct ext2fs_group *gp)
{
	uint64_t start = ext2fs_group_first_block(&g->m, grp) +
	    ext2fs_group_super_blocks(&g->m, grp);

	gp->g_block_bitmap = start;
	gp->g_inode_bitmap = start + 1;
	gp->g_inode_table = start + 2;
	gp->g_free_blocks =
	    ext2fs_group_nblocks(&g->m, grp) - group_overhead(g, grp);
	gp->g_free_inodes = g->ipg;
	gp->g_used_dirs = 0;
}

static void
setbits(uint8_t *map, uint32_t from, uint32_t to)
{
	for (; from < to; from++)
		map[from >> 3] |= (uint8_t)(1u << (from & 7));
}

/* Stamp an inode: type, links, size, times, and the blocks it has. */
static void
inode_make(const struct newfs_geom *g, struct ext2fs_dinode *din, uint16_t mode,
    uint16_t nlink, uint64_t first, uint32_t nblk, uint32_t now)
{
	uint32_t i;

	memset(din, 0, g->isize);
	din->i_mode = e2fs_le16(mode);
	din->i_links_count = e2fs_le16(nlink);
	din->i_size_lo = e2fs_le32(nblk * g->bsize);
	din->i_blocks_lo = e2fs_le32(nblk * (g->bsize / DEV_BSIZE));
	din->i_atime = din->i_ctime = din->i_mtime = e2fs_le32(now);
	for (i = 0; i < nblk && i < E2FS_NDADDR; i++)
		din->i_block[i] = e2fs_le32((uint32_t)(first + i));
	if (g->isize >= sizeof(*din)) {
		din->i_extra_isize =
		    e2fs_le16(sizeof(*din) - E2FS_GOOD_OLD_INODE_SIZE);
		din->i_crtime = e2fs_le32(now);
	}
}

static void
dirent_make(const struct newfs_geom *g, uint8_t *p, uint32_t ino, size_t reclen,
    const char *name, uint8_t type)
{
	struct ext2fs_direct d;
	size_t n = strlen(name);

	d.e2d_ino = e2fs_le32(ino);
	d.e2d_reclen = ext2fs_dir_reclen_enc(&g->m, reclen);
	d.e2d_namlen = (uint8_t)n;
	d.e2d_type = type;
	memcpy(p, &d, sizeof(d));
	memcpy(p + E2FS_DIRHDR_SIZE, name, n);
}

/* Pseudo-random bytes for the UUID and hash seed (no entropy is needed). */
static void
newfs_random(uint8_t *out, size_t len, uint64_t salt)
{
	struct timespec ts;
	uint32_t h, word[4];
	size_t i;

	getnanotime(&ts);
	word[0] = (uint32_t)ts.tv_sec;
	word[1] = (uint32_t)ts.tv_nsec;
	word[2] = (uint32_t)salt;
	word[3] = (uint32_t)(salt >> 32) ^ (uint32_t)(uintptr_t)out;
	for (i = 0; i < len; i++) {
		h = hash32_buf(word, sizeof(word), (uint32_t)i * 2654435761u);
		word[i & 3] ^= h;
		out[i] = (uint8_t)(h >> 13);
	}
}

static void
super_make(const struct newfs_geom *g, const struct newfs_opts *o,
    struct ext2fs_super *sb, uint64_t freeblks, uint32_t freeinos, uint32_t now)
{
	uint8_t rnd[32];

	memset(sb, 0, sizeof(*sb));
	sb->s_inodes_count = e2fs_le32(g->ipg * g->ngroups);
	sb->s_blocks_count_lo = e2fs_le32((uint32_t)g->nblocks);
	sb->s_r_blocks_count_lo = e2fs_le32((uint32_t)(g->nblocks / 20));
	sb->s_free_blocks_count_lo = e2fs_le32((uint32_t)freeblks);
	sb->s_free_inodes_count = e2fs_le32(freeinos);
	sb->s_first_data_block = e2fs_le32(g->fdb);
	sb->s_log_block_size =
	    e2fs_le32((uint32_t)__builtin_ctz(g->bsize) - E2FS_MIN_BSHIFT);
	sb->s_log_cluster_size = sb->s_log_block_size;
	sb->s_blocks_per_group = e2fs_le32(g->bpg);
	sb->s_clusters_per_group = e2fs_le32(g->bpg);
	sb->s_inodes_per_group = e2fs_le32(g->ipg);
	sb->s_wtime = e2fs_le32(now);
	sb->s_max_mnt_count = (int16_t)e2fs_le16(0xffff);
	sb->s_magic = e2fs_le16(E2FS_MAGIC);
	sb->s_state = e2fs_le16(E2FS_ISCLEAN);
	sb->s_errors = e2fs_le16(1); /* continue */
	sb->s_lastcheck = e2fs_le32(now);
	sb->s_rev_level = e2fs_le32(g->rev);
	if (g->rev == 0)
		return;
	sb->s_first_ino = e2fs_le32(E2FS_GOOD_OLD_FIRST_INO);
	sb->s_inode_size = e2fs_le16((uint16_t)g->isize);
	sb->s_feature_compat =
	    e2fs_le32(EXT2F_COMPAT_EXT_ATTR | EXT2F_COMPAT_DIR_INDEX);
	sb->s_feature_incompat = e2fs_le32(EXT2F_INCOMPAT_FILETYPE);
	sb->s_feature_ro_compat =
	    e2fs_le32(EXT2F_ROCOMPAT_SPARSE_SUPER | EXT2F_ROCOMPAT_LARGE_FILE);
	newfs_random(rnd, sizeof(rnd), g->nblocks);
	memcpy(sb->s_uuid, rnd, sizeof(sb->s_uuid));
	sb->s_uuid[6] = (uint8_t)((sb->s_uuid[6] & 0x0f) | 0x40); /* v4 */
	sb->s_uuid[8] = (uint8_t)((sb->s_uuid[8] & 0x3f) | 0x80);
	memcpy(sb->s_hash_seed, rnd + 16, sizeof(sb->s_hash_seed));
	sb->s_def_hash_version = EXT2_HASH_HALF_MD4;
	sb->s_flags = e2fs_le32(EXT2_FLAGS_SIGNED_HASH);
	memcpy(sb->s_volume_name, o->label, sizeof(sb->s_volume_name));
	sb->s_mkfs_time = e2fs_le32(now);
	if (g->isize >= sizeof(struct ext2fs_dinode)) {
		sb->s_min_extra_isize = e2fs_le16(
		    sizeof(struct ext2fs_dinode) - E2FS_GOOD_OLD_INODE_SIZE);
		sb->s_want_extra_isize = sb->s_min_extra_isize;
	}
}

/* The group descriptors, in their on-disk form. */
static uint8_t *
descs_make(const struct newfs_geom *g, const struct ext2fs_group *groups)
{
	size_t len = (size_t)g->gdb * g->bsize;
	uint8_t *raw = kmem_zalloc(len, KM_SLEEP);
	struct ext2fs_gd gd;
	uint32_t i;

	for (i = 0; i < g->ngroups; i++) {
		memset(&gd, 0, sizeof(gd));
		gd.bg_block_bitmap_lo =
		    e2fs_le32((uint32_t)groups[i].g_block_bitmap);
		gd.bg_inode_bitmap_lo =
		    e2fs_le32((uint32_t)groups[i].g_inode_bitmap);
		gd.bg_inode_table_lo =
		    e2fs_le32((uint32_t)groups[i].g_inode_table);
		gd.bg_free_blocks_count_lo =
		    e2fs_le16((uint16_t)groups[i].g_free_blocks);
		gd.bg_free_inodes_count_lo =
		    e2fs_le16((uint16_t)groups[i].g_free_inodes);
		gd.bg_used_dirs_count_lo =
		    e2fs_le16((uint16_t)groups[i].g_used_dirs);
		memcpy(raw + (size_t)i * E2FS_GD_SIZE, &gd, E2FS_GD_SIZE);
	}
	return raw;
}

/* Group 0's data: the root directory's block, then lost+found's. */
static int
root_write(struct vnode *devvp, const struct newfs_geom *g, uint64_t rootblk,
    uint8_t *blk)
{
	uint8_t ft = g->rev > 0 ? EXT2_FT_DIR : 0;
	size_t rl = g->bsize;
	uint32_t i;
	int error;

	memset(blk, 0, g->bsize);
	dirent_make(g, blk, E2FS_ROOTINO, 12, ".", ft);
	dirent_make(g, blk + 12, E2FS_ROOTINO, 12, "..", ft);
	dirent_make(g, blk + 24, NEWFS_LPF_INO, rl - 24, "lost+found", ft);
	if ((error = newfs_write(devvp, rootblk * g->bsize, blk, g->bsize)) !=
	    0)
		return error;
	memset(blk, 0, g->bsize);
	dirent_make(g, blk, NEWFS_LPF_INO, 12, ".", ft);
	dirent_make(g, blk + 12, E2FS_ROOTINO, rl - 12, "..", ft);
	if ((error = newfs_write(
	         devvp, (rootblk + 1) * g->bsize, blk, g->bsize)) != 0)
		return error;
	memset(blk, 0, g->bsize);
	dirent_make(g, blk, 0, rl, "", 0);
	for (i = 1; i < g->nlpf; i++)
		if ((error = newfs_write(devvp, (rootblk + 1 + i) * g->bsize,
		         blk, g->bsize)) != 0)
			return error;
	return 0;
}

/* The bitmaps of group grp (group 0 also holds the first inodes). */
static int
bitmaps_write(struct vnode *devvp, struct newfs_geom *g, uint32_t grp,
    const struct ext2fs_group *gp, uint32_t used0, uint8_t *blk)
{
	uint32_t nb = ext2fs_group_nblocks(&g->m, grp);
	uint32_t used = group_overhead(g, grp) + (grp == 0 ? used0 : 0);
	int error;

	memset(blk, 0, g->bsize);
	setbits(blk, 0, used);
	setbits(blk, nb, 8 * g->bsize);
	if ((error = newfs_write(
	         devvp, gp->g_block_bitmap * g->bsize, blk, g->bsize)) != 0)
		return error;
	memset(blk, 0, g->bsize);
	if (grp == 0)
		setbits(blk, 0, NEWFS_LPF_INO);
	setbits(blk, g->ipg, 8 * g->bsize);
	return newfs_write(devvp, gp->g_inode_bitmap * g->bsize, blk, g->bsize);
}

/* The inode-table blocks holding the root and lost+found. */
static int
inodes_write(struct vnode *devvp, const struct newfs_geom *g,
    const struct ext2fs_group *gp0, uint64_t rootblk, uint32_t now,
    uint8_t *blk)
{
	static const uint32_t inos[2] = {E2FS_ROOTINO, NEWFS_LPF_INO};
	uint64_t tblk, done = UINT64_MAX;
	uint32_t i, k, ino;
	int error;

	for (i = 0; i < 2; i++) {
		tblk = (inos[i] - 1) / g->ipb;
		if (tblk == done)
			continue;
		memset(blk, 0, g->bsize);
		for (k = 0; k < 2; k++) {
			ino = inos[k];
			if ((ino - 1) / g->ipb != tblk)
				continue;
			inode_make(g,
			    (struct ext2fs_dinode *)(blk +
			        ((ino - 1) % g->ipb) * g->isize),
			    E2FS_IFDIR | (ino == E2FS_ROOTINO ? 0755 : 0700),
			    ino == E2FS_ROOTINO ? 3 : 2,
			    ino == E2FS_ROOTINO ? rootblk : rootblk + 1,
			    ino == E2FS_ROOTINO ? 1 : g->nlpf, now);
		}
		error = newfs_write(devvp,
		    (gp0->g_inode_table + tblk) * g->bsize, blk, g->bsize);
		if (error != 0)
			return error;
		done = tblk;
	}
	return 0;
}

/* Superblock and descriptor copies: in group 0 and the backup groups. */
static int
supers_write(struct vnode *devvp, struct newfs_geom *g, struct ext2fs_super *sb,
    const uint8_t *descs)
{
	uint64_t first;
	uint32_t grp;
	uint8_t *blk;
	int error = 0;

	blk = kmem_zalloc(g->bsize, KM_SLEEP);
	for (grp = 0; grp < g->ngroups && error == 0; grp++) {
		if (!ext2fs_group_has_super(&g->m, grp))
			continue;
		first = ext2fs_group_first_block(&g->m, grp);
		if (g->rev > 0)
			sb->s_block_group_nr = e2fs_le16((uint16_t)grp);
		if (grp == 0)
			error = newfs_write(devvp, E2FS_SBOFF, sb, sizeof(*sb));
		else {
			memset(blk, 0, g->bsize);
			memcpy(blk, sb, sizeof(*sb));
			error =
			    newfs_write(devvp, first * g->bsize, blk, g->bsize);
		}
		if (error == 0)
			error = newfs_write(devvp, (first + 1) * g->bsize,
			    descs, (size_t)g->gdb * g->bsize);
	}
	kmem_free(blk, g->bsize);
	return error;
}

/* Lay the file system out on devvp. */
static int
newfs_build(
    struct vnode *devvp, struct newfs_geom *g, const struct newfs_opts *o)
{
	uint32_t now = (uint32_t)time_second(), grp, used0;
	struct ext2fs_group *groups;
	struct ext2fs_super *sb;
	uint64_t rootblk, freeblks = 0;
	uint8_t *zeros, *blk, *descs;
	int error;

	groups = kmem_zalloc((size_t)g->ngroups * sizeof(*groups), KM_SLEEP);
	zeros = kmem_zalloc(NEWFS_ZERO_CHUNK, KM_SLEEP);
	blk = kmem_zalloc(g->bsize, KM_SLEEP);
	sb = kmem_zalloc(sizeof(*sb), KM_SLEEP);
	descs = NULL;
	for (grp = 0; grp < g->ngroups; grp++)
		group_layout(g, grp, &groups[grp]);
	rootblk = groups[0].g_inode_table + g->itb;
	used0 = 1 + g->nlpf;
	groups[0].g_free_blocks -= used0;
	groups[0].g_free_inodes -= NEWFS_LPF_INO;
	groups[0].g_used_dirs = 2;
	for (grp = 0; grp < g->ngroups; grp++)
		freeblks += groups[grp].g_free_blocks;

	error = newfs_zero(devvp, 0,
	    MIN((uint64_t)NEWFS_WIPE_BYTES, g->nblocks * g->bsize), zeros);
	for (grp = 0; grp < g->ngroups && error == 0; grp++) {
		error = newfs_zero(devvp, groups[grp].g_inode_table * g->bsize,
		    (uint64_t)g->itb * g->bsize, zeros);
		if (error == 0)
			error = bitmaps_write(
			    devvp, g, grp, &groups[grp], used0, blk);
	}
	if (error == 0)
		error = root_write(devvp, g, rootblk, blk);
	if (error == 0)
		error = inodes_write(devvp, g, &groups[0], rootblk, now, blk);
	if (error == 0) {
		descs = descs_make(g, groups);
		super_make(g, o, sb, freeblks,
		    g->ipg * g->ngroups - NEWFS_LPF_INO, now);
		error = supers_write(devvp, g, sb, descs);
		kmem_free(descs, (size_t)g->gdb * g->bsize);
	}
	kmem_free(sb, sizeof(*sb));
	kmem_free(blk, g->bsize);
	kmem_free(zeros, NEWFS_ZERO_CHUNK);
	kmem_free(groups, (size_t)g->ngroups * sizeof(*groups));
	return error;
}

int
ext2fs_newfs(struct vnode *devvp, const char *options)
{
	struct newfs_opts o;
	struct newfs_geom g;
	struct vattr va;
	int error;

	memset(&o, 0, sizeof(o));
	o.rev = E2FS_REV1;
	if (options != NULL &&
	    (error = mount_parse_options(options, newfs_opt, &o)) != 0)
		return error;
	if (o.rev == 0 && o.isize != 0 && o.isize != E2FS_GOOD_OLD_INODE_SIZE) {
		kprintf("ext2fs: newfs: revision 0 has 128-byte inodes\n");
		return EINVAL;
	}
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	memset(&g, 0, sizeof(g));
	if ((error = newfs_geometry(&g, (uint64_t)va.va_size, &o)) != 0) {
		if (error == ENOSPC)
			kprintf("ext2fs: newfs: %llu bytes are too few for a "
			        "file system\n",
			    (unsigned long long)va.va_size);
		return error;
	}
	/* Nothing of an earlier file system may linger in the cache. */
	vinvalbuf(devvp, false);
	error = newfs_build(devvp, &g, &o);
	vinvalbuf(devvp, false);
	return error;
}
