/*
 * Inodes: find one in its group's inode table, read it, check that it
 * makes sense, and decode the fields that need more than a byte swap.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

/* May ino name a file?  Reserved inodes other than the root may not. */
int
ext2fs_ino_check(const struct ext2fs_mount *ump, ino_t ino)
{
	if (ino == 0 || ino > ump->um_ninodes)
		return EINVAL;
	if (ino != E2FS_ROOTINO && ino < ump->um_first_ino)
		return EINVAL;
	return 0;
}

/*
 * Copy the on-disk inode ino (um_isize bytes) into buf.  ENOENT: it lies
 * in the part of its group's table that was never initialised.
 */
int
ext2fs_dinode_read(struct ext2fs_mount *ump, ino_t ino, void *buf)
{
	const struct ext2fs_group *gp;
	uint32_t g, idx;
	struct buf *bp;
	int error;

	KASSERT(ino >= 1 && ino <= ump->um_ninodes);
	g = (uint32_t)((ino - 1) / ump->um_ipg);
	idx = (uint32_t)((ino - 1) % ump->um_ipg);
	gp = &ump->um_groups[g];
	if ((gp->g_flags & E2FS_BG_INODE_UNINIT) != 0 ||
	    idx >= ump->um_ipg - gp->g_itable_unused)
		return ENOENT;
	error = ext2fs_bread(ump, gp->g_inode_table + idx / ump->um_ipb, &bp);
	if (error != 0)
		return error;
	memcpy(buf,
	    (const uint8_t *)bp->b_data + (idx % ump->um_ipb) * ump->um_isize,
	    ump->um_isize);
	brelse(bp, 0);
	return 0;
}

enum vtype
ext2fs_mode2vtype(uint16_t mode)
{
	switch (mode & E2FS_IFMT) {
	case E2FS_IFREG:
		return VREG;
	case E2FS_IFDIR:
		return VDIR;
	case E2FS_IFLNK:
		return VLNK;
	case E2FS_IFCHR:
		return VCHR;
	case E2FS_IFBLK:
		return VBLK;
	case E2FS_IFIFO:
		return VFIFO;
	case E2FS_IFSOCK:
		return VSOCK;
	default:
		return VBAD;
	}
}

/* Bytes of storage the inode holds, data and metadata (i_blocks). */
uint64_t
ext2fs_inode_nbytes(const struct ext2fs_inode *ip)
{
	const struct ext2fs_mount *ump = ip->i_ump;
	uint64_t n = e2fs_le32(ip->i_din->i_blocks_lo);

	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_HUGE_FILE)) {
		n |= (uint64_t)e2fs_le16(ip->i_din->i_blocks_high) << 32;
		if (ip->i_flags & EXT4_HUGE_FILE_FL)
			return n << ump->um_bshift;
	}
	return n * DEV_BSIZE;
}

/*
 * A fast symlink keeps its target in i_block.  Like Linux, tell it by
 * its holding no block other than an extended-attribute block.
 */
bool
ext2fs_is_fastlink(const struct ext2fs_inode *ip)
{
	uint64_t acl, nbytes;

	if ((ip->i_mode & E2FS_IFMT) != E2FS_IFLNK ||
	    (ip->i_flags & EXT4_INLINE_DATA_FL) != 0)
		return false;
	if (ip->i_size >= E2FS_IBLOCK_BYTES)
		return false;
	acl = e2fs_le32(ip->i_din->i_file_acl_lo) |
	    (uint64_t)e2fs_le16(ip->i_din->i_file_acl_high) << 32;
	nbytes = ext2fs_inode_nbytes(ip);
	return nbytes == (acl != 0 ? ip->i_ump->um_bsize : 0);
}

/* Does i_block hold a block map (pointers or an extent tree)? */
bool
ext2fs_has_blockmap(const struct ext2fs_inode *ip)
{
	switch (ip->i_mode & E2FS_IFMT) {
	case E2FS_IFREG:
	case E2FS_IFDIR:
		return (ip->i_flags & EXT4_INLINE_DATA_FL) == 0;
	case E2FS_IFLNK:
		return (ip->i_flags & EXT4_INLINE_DATA_FL) == 0 &&
		    !ext2fs_is_fastlink(ip);
	default:
		return false;
	}
}

/* The largest file size the block map of ip can describe. */
uint64_t
ext2fs_maxsize(const struct ext2fs_inode *ip)
{
	const struct ext2fs_mount *ump = ip->i_ump;
	uint64_t n = ump->um_nindir, blocks;

	if (ip->i_flags & EXT4_EXTENTS_FL)
		blocks = (uint64_t)E2FS_MAX_LBLK + 1;
	else
		blocks = MIN(E2FS_NDADDR + n + n * n + n * n * n,
		    (uint64_t)E2FS_MAX_LBLK + 1);
	return blocks << ump->um_bshift;
}

static int
ext2fs_inode_corrupt(const struct ext2fs_inode *ip, const char *what)
{
	fs_corrupt(E2FS_FSNAME, "inode %llu: %s",
	    (unsigned long long)ip->i_number, what);
	return EFSCORRUPTED;
}

/* Decode the fields every operation uses and check them. */
static int
ext2fs_inode_decode(struct ext2fs_inode *ip)
{
	const struct ext2fs_mount *ump = ip->i_ump;
	const struct ext2fs_dinode *din = ip->i_din;
	enum vtype type;
	int error;

	ip->i_mode = e2fs_le16(din->i_mode);
	ip->i_nlink = e2fs_le16(din->i_links_count);
	if (ip->i_nlink == 0)
		return ENOENT; /* free, or deleted */
	type = ext2fs_mode2vtype(ip->i_mode);
	if (type == VBAD)
		return ext2fs_inode_corrupt(ip, "bad file type");
	ip->i_flags = e2fs_le32(din->i_flags);
	ip->i_uid =
	    e2fs_le16(din->i_uid) | (uint32_t)e2fs_le16(din->i_uid_high) << 16;
	ip->i_gid =
	    e2fs_le16(din->i_gid) | (uint32_t)e2fs_le16(din->i_gid_high) << 16;
	ip->i_size = e2fs_le32(din->i_size_lo);
	if (type == VREG || E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_LARGEDIR))
		ip->i_size |= (uint64_t)e2fs_le32(din->i_size_high) << 32;

	if (ump->um_isize > E2FS_GOOD_OLD_INODE_SIZE) {
		ip->i_extra_isize = e2fs_le16(din->i_extra_isize);
		if (ip->i_extra_isize >
		        ump->um_isize - E2FS_GOOD_OLD_INODE_SIZE ||
		    (ip->i_extra_isize & 3) != 0)
			return ext2fs_inode_corrupt(ip, "bad extra size");
	} else
		ip->i_extra_isize = 0;

	if (ip->i_flags & EXT4_INLINE_DATA_FL) {
		if (!E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_INLINE_DATA) ||
		    (ip->i_flags & EXT4_EXTENTS_FL) != 0)
			return ext2fs_inode_corrupt(ip, "bad inline-data flag");
		if (type == VREG || type == VDIR || type == VLNK) {
			if ((error = ext2fs_inline_locate(ip)) != 0)
				return error;
		}
	}
	if (ext2fs_has_blockmap(ip)) {
		if (ip->i_size > ext2fs_maxsize(ip))
			return ext2fs_inode_corrupt(ip, "size too large");
		if ((ip->i_flags & EXT4_EXTENTS_FL) != 0 &&
		    (error = ext2fs_ext_check_root(ip)) != 0)
			return error;
	}
	if (type == VDIR && ext2fs_has_blockmap(ip)) {
		if ((ip->i_size & (ump->um_bsize - 1)) != 0)
			return ext2fs_inode_corrupt(ip,
			    "directory size not a multiple of the block size");
		/*
		 * A directory has no holes, so it holds all its blocks.  This
		 * bounds every walk of a directory by what the disk holds.
		 */
		if (ip->i_size > ext2fs_inode_nbytes(ip) ||
		    (ip->i_size >> ump->um_bshift) > ump->um_nblocks)
			return ext2fs_inode_corrupt(
			    ip, "directory larger than its blocks");
	}
	if (type == VLNK && ip->i_size > ump->um_bsize)
		return ext2fs_inode_corrupt(ip, "symbolic link too long");
	return 0;
}

/* Read inode ino into a new in-core inode. */
int
ext2fs_inode_load(
    struct ext2fs_mount *ump, ino_t ino, struct ext2fs_inode **ipp)
{
	struct ext2fs_inode *ip;
	int error;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	ip->i_number = ino;
	ip->i_ump = ump;
	ip->i_dinsize = MAX(ump->um_isize, sizeof(struct ext2fs_dinode));
	ip->i_din = kmem_zalloc(ip->i_dinsize, KM_SLEEP);
	ip->i_lastlbn = -1;
	error = ext2fs_dinode_read(ump, ino, ip->i_din);
	if (error == 0)
		error = ext2fs_inode_decode(ip);
	if (error != 0) {
		ext2fs_inode_free(ip);
		return error;
	}
	*ipp = ip;
	return 0;
}

void
ext2fs_inode_free(struct ext2fs_inode *ip)
{
	kmem_free(ip->i_din, ip->i_dinsize);
	kmem_free(ip, sizeof(*ip));
}

/*
 * A time is 32 signed bits of seconds; a large inode may add an _extra
 * word: two more bits of seconds (the epoch) and 30 bits of nanoseconds.
 */
static void
ext2fs_time_decode(uint32_t base, const uint32_t *extra, struct timespec *ts)
{
	uint32_t x;

	ts->tv_sec = (time_t)(int32_t)e2fs_le32(base);
	ts->tv_nsec = 0;
	if (extra == NULL)
		return;
	x = e2fs_le32(*extra);
	ts->tv_sec += (time_t)((int64_t)(x & E2FS_EPOCH_MASK) << 32);
	ts->tv_nsec = MIN(x >> E2FS_NSEC_SHIFT, 999999999u);
}

void
ext2fs_inode_times(const struct ext2fs_inode *ip, struct vattr *va)
{
	const struct ext2fs_dinode *din = ip->i_din;
	unsigned xs = ip->i_extra_isize;

	ext2fs_time_decode(din->i_atime,
	    E2DI_HAS_EXTRA(xs, i_atime_extra) ? &din->i_atime_extra : NULL,
	    &va->va_atime);
	ext2fs_time_decode(din->i_mtime,
	    E2DI_HAS_EXTRA(xs, i_mtime_extra) ? &din->i_mtime_extra : NULL,
	    &va->va_mtime);
	ext2fs_time_decode(din->i_ctime,
	    E2DI_HAS_EXTRA(xs, i_ctime_extra) ? &din->i_ctime_extra : NULL,
	    &va->va_ctime);
	if (E2DI_HAS_EXTRA(xs, i_crtime))
		ext2fs_time_decode(din->i_crtime,
		    E2DI_HAS_EXTRA(xs, i_crtime_extra) ? &din->i_crtime_extra
		                                       : NULL,
		    &va->va_birthtime);
	else {
		va->va_birthtime.tv_sec = VNOVAL;
		va->va_birthtime.tv_nsec = 0;
	}
}

/*
 * Device numbers live in i_block: the old encoding (8-bit major and
 * minor) in i_block[0], or, when that is zero, the new one in i_block[1]:
 * minor bits 0-7, major bits 8-19, minor bits 8-19 in bits 20-31.
 */
dev_t
ext2fs_inode_rdev(const struct ext2fs_inode *ip)
{
	uint32_t old = e2fs_le32(ip->i_din->i_block[0]);
	uint32_t new = e2fs_le32(ip->i_din->i_block[1]);

	if (old != 0)
		return RUMP_MAKEDEV((old >> 8) & 0xff, old & 0xff);
	return RUMP_MAKEDEV(
	    (new >> 8) & 0xfff, (new & 0xff) | ((new >> 12) & 0xfff00));
}

/* --- writing ------------------------------------------------------------ */

/* Store the decoded fields back into the on-disk copy i_din. */
static void
ext2fs_inode_encode(struct ext2fs_inode *ip)
{
	struct ext2fs_dinode *din = ip->i_din;
	enum vtype type = ext2fs_mode2vtype(ip->i_mode);

	din->i_mode = e2fs_le16(ip->i_mode);
	din->i_uid = e2fs_le16((uint16_t)ip->i_uid);
	din->i_uid_high = e2fs_le16((uint16_t)(ip->i_uid >> 16));
	din->i_gid = e2fs_le16((uint16_t)ip->i_gid);
	din->i_gid_high = e2fs_le16((uint16_t)(ip->i_gid >> 16));
	din->i_links_count = e2fs_le16((uint16_t)ip->i_nlink);
	din->i_flags = e2fs_le32(ip->i_flags);
	din->i_size_lo = e2fs_le32((uint32_t)ip->i_size);
	if (type == VREG ||
	    E2FS_HAS_INCOMPAT(ip->i_ump, EXT4F_INCOMPAT_LARGEDIR))
		din->i_size_high = e2fs_le32((uint32_t)(ip->i_size >> 32));
}

/*
 * Write the in-core inode into its inode table block (waitfor: to the
 * disk now; else as a delayed write).  The caller holds the vnode lock,
 * or is the only one who can reach the inode.
 */
int
ext2fs_update(struct ext2fs_inode *ip, bool waitfor)
{
	struct ext2fs_mount *ump = ip->i_ump;
	const struct ext2fs_group *gp;
	uint32_t g, idx;
	struct buf *bp;
	uint8_t *raw;
	int error;

	if ((ip->i_flag & IN_MODIFIED) == 0 || ump->um_ronly)
		return 0;
	ip->i_flag &= ~IN_MODIFIED;
	ext2fs_inode_encode(ip);
	g = (uint32_t)((ip->i_number - 1) / ump->um_ipg);
	idx = (uint32_t)((ip->i_number - 1) % ump->um_ipg);
	gp = &ump->um_groups[g];
	error = ext2fs_bread(ump, gp->g_inode_table + idx / ump->um_ipb, &bp);
	if (error != 0) {
		ip->i_flag |= IN_MODIFIED;
		return error;
	}
	raw = (uint8_t *)bp->b_data + (idx % ump->um_ipb) * ump->um_isize;
	memcpy(raw, ip->i_din, ump->um_isize);
	ext2fs_inode_csum_set(ump, ip->i_number, raw);
	if (waitfor)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/* One time field: seconds, and in large inodes epoch bits and ns. */
static void
ext2fs_time_encode(const struct timespec *ts, uint32_t *base, uint32_t *extra)
{
	int64_t sec = (int64_t)ts->tv_sec;
	uint32_t epoch;

	if (extra == NULL) {
		sec = MAX(sec, (int64_t)INT32_MIN);
		sec = MIN(sec, (int64_t)INT32_MAX);
		*base = e2fs_le32((uint32_t)(int32_t)sec);
		return;
	}
	/* 32 bits and an epoch of 2: from 1901 to 2446 */
	sec = MAX(sec, (int64_t)INT32_MIN);
	sec = MIN(sec, ((int64_t)E2FS_EPOCH_MASK << 32) + INT32_MAX);
	*base = e2fs_le32((uint32_t)sec);
	epoch = (uint32_t)((sec - (int64_t)(int32_t)(uint32_t)sec) >> 32) &
	    E2FS_EPOCH_MASK;
	*extra = e2fs_le32(
	    epoch | (uint32_t)MIN(ts->tv_nsec, 999999999L) << E2FS_NSEC_SHIFT);
}

/* Set the times named by which (E2FS_ATIME ...) to ts. */
void
ext2fs_settimes(
    struct ext2fs_inode *ip, unsigned which, const struct timespec *ts)
{
	struct ext2fs_dinode *din = ip->i_din;
	unsigned xs = ip->i_extra_isize;

	if (which & E2FS_ATIME)
		ext2fs_time_encode(ts, &din->i_atime,
		    E2DI_HAS_EXTRA(xs, i_atime_extra) ? &din->i_atime_extra
		                                      : NULL);
	if (which & E2FS_MTIME)
		ext2fs_time_encode(ts, &din->i_mtime,
		    E2DI_HAS_EXTRA(xs, i_mtime_extra) ? &din->i_mtime_extra
		                                      : NULL);
	if (which & E2FS_CTIME)
		ext2fs_time_encode(ts, &din->i_ctime,
		    E2DI_HAS_EXTRA(xs, i_ctime_extra) ? &din->i_ctime_extra
		                                      : NULL);
	if ((which & E2FS_CRTIME) && E2DI_HAS_EXTRA(xs, i_crtime))
		ext2fs_time_encode(ts, &din->i_crtime,
		    E2DI_HAS_EXTRA(xs, i_crtime_extra) ? &din->i_crtime_extra
		                                       : NULL);
	ip->i_flag |= IN_MODIFIED;
}

/* Set the times named by which to now. */
void
ext2fs_itimes(struct ext2fs_inode *ip, unsigned which)
{
	struct timespec now;

	getnanotime(&now);
	ext2fs_settimes(ip, which, &now);
}

/*
 * Count n more (or, negative, fewer) file-system blocks in i_blocks,
 * which counts 512-byte sectors (or, for huge files, blocks).
 */
void
ext2fs_blocks_add(struct ext2fs_inode *ip, int64_t n)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct ext2fs_dinode *din = ip->i_din;
	bool huge = E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_HUGE_FILE);
	uint64_t cur = e2fs_le32(din->i_blocks_lo);
	int64_t delta = n;

	if (huge)
		cur |= (uint64_t)e2fs_le16(din->i_blocks_high) << 32;
	if (!huge || (ip->i_flags & EXT4_HUGE_FILE_FL) == 0)
		delta = n * ((int64_t)1 << (ump->um_bshift - DEV_BSHIFT));
	if (delta < 0 && (uint64_t)-delta > cur)
		cur = 0;
	else
		cur += (uint64_t)delta;
	din->i_blocks_lo = e2fs_le32((uint32_t)cur);
	if (huge)
		din->i_blocks_high = e2fs_le16((uint16_t)(cur >> 32));
	ip->i_flag |= IN_MODIFIED;
}

/* Store a device number: the old 8:8 encoding if it fits, else the new. */
void
ext2fs_inode_setrdev(struct ext2fs_inode *ip, dev_t dev)
{
	uint32_t ma = RUMP_MAJOR(dev), mi = RUMP_MINOR(dev);

	if (ma < 256 && mi < 256) {
		ip->i_din->i_block[0] = e2fs_le32(ma << 8 | mi);
		ip->i_din->i_block[1] = 0;
	} else {
		ip->i_din->i_block[0] = 0;
		ip->i_din->i_block[1] = e2fs_le32(
		    (mi & 0xff) | (ma & 0xfff) << 8 | (mi & ~0xffu) << 12);
	}
	ip->i_flag |= IN_MODIFIED;
}

/*
 * A new in-core inode for the freshly allocated inode number ino: no
 * blocks, one link, all times now.  Written by the caller.
 */
struct ext2fs_inode *
ext2fs_inode_create(
    struct ext2fs_mount *ump, ino_t ino, uint16_t mode, uid_t uid, gid_t gid)
{
	struct ext2fs_inode *ip;
	struct ext2fs_dinode *din;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	ip->i_number = ino;
	ip->i_ump = ump;
	ip->i_dinsize = MAX(ump->um_isize, sizeof(struct ext2fs_dinode));
	ip->i_din = din = kmem_zalloc(ip->i_dinsize, KM_SLEEP);
	ip->i_mode = mode;
	ip->i_nlink = 1;
	ip->i_uid = uid;
	ip->i_gid = gid;
	ip->i_extra_isize = ump->um_extra_isize;
	if (ump->um_isize > E2FS_GOOD_OLD_INODE_SIZE)
		din->i_extra_isize = e2fs_le16((uint16_t)ump->um_extra_isize);
	din->i_generation =
	    e2fs_le32(__atomic_fetch_add(&ump->um_gen, 1, __ATOMIC_RELAXED));
	ip->i_lastlbn = -1;
	ext2fs_itimes(ip, E2FS_ATIME | E2FS_MTIME | E2FS_CTIME | E2FS_CRTIME);
	ip->i_flag |= IN_MODIFIED;
	return ip;
}
