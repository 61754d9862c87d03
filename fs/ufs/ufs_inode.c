/*
 * In-core inodes: decoding the UFS1 and UFS2 on-disk inodes (in either
 * byte order) into host order and back, device numbers, times, and the
 * end of an inode's life (VOP_INACTIVE frees it once the last link and
 * the last user are gone; VOP_RECLAIM writes it back and frees memory).
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

struct inode *
ufs_inode_alloc(struct ufsmount *ump, ino_t ino)
{
	struct inode *ip;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	ip->i_number = ino;
	ip->i_ump = ump;
	ip->i_nextr = -1;
	return ip;
}

void
ufs_inode_free(struct inode *ip)
{
	ufs_dirhash_free(ip);
	kmem_free(ip, sizeof(*ip));
}

enum vtype
ufs_mode2vtype(uint16_t mode)
{
	switch (mode & UFS_IFMT) {
	case UFS_IFREG:
		return VREG;
	case UFS_IFDIR:
		return VDIR;
	case UFS_IFLNK:
		return VLNK;
	case UFS_IFCHR:
		return VCHR;
	case UFS_IFBLK:
		return VBLK;
	case UFS_IFIFO:
		return VFIFO;
	case UFS_IFSOCK:
		return VSOCK;
	default:
		return VNON;
	}
}

/* A symbolic link whose target lives in the inode itself. */
bool
ufs_isshortlink(const struct inode *ip)
{
	const struct ufsmount *ump = ip->i_ump;

	if ((ip->i_mode & UFS_IFMT) != UFS_IFLNK)
		return false;
	if (ump->um_maxsymlinklen == 0)
		return ip->i_blocks == 0;
	return ip->i_size < ump->um_maxsymlinklen;
}

/* Does ip have data blocks (as opposed to a device number or nothing)? */
bool
ufs_has_blockmap(const struct inode *ip)
{
	switch (ip->i_mode & UFS_IFMT) {
	case UFS_IFREG:
	case UFS_IFDIR:
		return true;
	case UFS_IFLNK:
		return !ufs_isshortlink(ip);
	default:
		return false;
	}
}

/* The bytes of a fast symlink's target: the block-pointer area. */
uint8_t *
ufs_shortlink(struct inode *ip)
{
	if (ip->i_ump->um_ufs2)
		return ip->i_din + offsetof(struct ufs2_dinode, di_db);
	return ip->i_din + offsetof(struct ufs1_dinode, di_db);
}

/*
 * Device numbers are kept as BSD and glibc both encode them: major in
 * bits 8-19, minor in bits 0-7 and 20-31, wider values above bit 32
 * (UFS2 only).
 */
dev_t
ufs_rdev_decode(uint64_t d)
{
	uint32_t major, minor;

	major = (uint32_t)(((d >> 32) & 0xfffff000) | ((d >> 8) & 0xfff));
	minor = (uint32_t)(((d >> 12) & 0xffffff00) | (d & 0xff));
	return RUMP_MAKEDEV(major, minor);
}

int
ufs_rdev_encode(const struct ufsmount *ump, dev_t dev, uint64_t *raw)
{
	uint64_t major = RUMP_MAJOR(dev), minor = RUMP_MINOR(dev), d;

	d = (minor & 0xff) | ((major & 0xfff) << 8) |
	    ((minor & ~(uint64_t)0xff) << 12) |
	    ((major & ~(uint64_t)0xfff) << 32);
	if (!ump->um_ufs2 && d > UINT32_MAX)
		return EINVAL;
	*raw = d;
	return 0;
}

static void
ufs_settime(struct timespec *ts, int64_t sec, int32_t nsec)
{
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = (nsec >= 0 && nsec < 1000000000) ? nsec : 0;
}

static void
ufs1_decode(struct inode *ip, const struct ufs1_dinode *dp, bool ns)
{
	int i;

	ip->i_mode = ufs_rw16(dp->di_mode, ns);
	ip->i_nlink = (int16_t)ufs_rw16((uint16_t)dp->di_nlink, ns);
	if (ip->i_ump->um_oldfmt) {
		ip->i_uid = ufs_rw16(dp->di_ouid, ns);
		ip->i_gid = ufs_rw16(dp->di_ogid, ns);
	} else {
		ip->i_uid = ufs_rw32(dp->di_uid, ns);
		ip->i_gid = ufs_rw32(dp->di_gid, ns);
	}
	ip->i_size = ufs_rw64(dp->di_size, ns);
	ip->i_blocks = ufs_rw32(dp->di_blocks, ns);
	ip->i_flags = ufs_rw32(dp->di_flags, ns);
	ip->i_gen = (int32_t)ufs_rw32((uint32_t)dp->di_gen, ns);
	ufs_settime(&ip->i_atime, (int32_t)ufs_rw32((uint32_t)dp->di_atime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_atimensec, ns));
	ufs_settime(&ip->i_mtime, (int32_t)ufs_rw32((uint32_t)dp->di_mtime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_mtimensec, ns));
	ufs_settime(&ip->i_ctime, (int32_t)ufs_rw32((uint32_t)dp->di_ctime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_ctimensec, ns));
	ip->i_birthtime.tv_sec = VNOVAL;
	ip->i_birthtime.tv_nsec = 0;
	for (i = 0; i < UFS_NDADDR; i++)
		ip->i_db[i] = (int32_t)ufs_rw32((uint32_t)dp->di_db[i], ns);
	for (i = 0; i < UFS_NIADDR; i++)
		ip->i_ib[i] = (int32_t)ufs_rw32((uint32_t)dp->di_ib[i], ns);
	ip->i_rdev = (uint32_t)ip->i_db[0];
}

static void
ufs2_decode(struct inode *ip, const struct ufs2_dinode *dp, bool ns)
{
	int i;

	ip->i_mode = ufs_rw16(dp->di_mode, ns);
	ip->i_nlink = (int16_t)ufs_rw16((uint16_t)dp->di_nlink, ns);
	ip->i_uid = ufs_rw32(dp->di_uid, ns);
	ip->i_gid = ufs_rw32(dp->di_gid, ns);
	ip->i_size = ufs_rw64(dp->di_size, ns);
	ip->i_blocks = ufs_rw64(dp->di_blocks, ns);
	ip->i_flags = ufs_rw32(dp->di_flags, ns);
	ip->i_gen = (int32_t)ufs_rw32((uint32_t)dp->di_gen, ns);
	ufs_settime(&ip->i_atime, (int64_t)ufs_rw64((uint64_t)dp->di_atime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_atimensec, ns));
	ufs_settime(&ip->i_mtime, (int64_t)ufs_rw64((uint64_t)dp->di_mtime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_mtimensec, ns));
	ufs_settime(&ip->i_ctime, (int64_t)ufs_rw64((uint64_t)dp->di_ctime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_ctimensec, ns));
	ufs_settime(&ip->i_birthtime,
	    (int64_t)ufs_rw64((uint64_t)dp->di_birthtime, ns),
	    (int32_t)ufs_rw32((uint32_t)dp->di_birthnsec, ns));
	for (i = 0; i < UFS_NDADDR; i++)
		ip->i_db[i] = (int64_t)ufs_rw64((uint64_t)dp->di_db[i], ns);
	for (i = 0; i < UFS_NIADDR; i++)
		ip->i_ib[i] = (int64_t)ufs_rw64((uint64_t)dp->di_ib[i], ns);
	ip->i_rdev = (uint64_t)ip->i_db[0];
}

/* Are the inode's values usable?  Block pointers are checked on use. */
static int
ufs_dinode_check(const struct inode *ip)
{
	const struct ufsmount *ump = ip->i_ump;
	const char *why = NULL;

	if (ip->i_mode != 0 && ufs_mode2vtype(ip->i_mode) == VNON)
		why = "unknown file type";
	else if (ip->i_nlink < 0)
		why = "negative link count";
	else if (ufs_has_blockmap(ip) && ip->i_size > ump->um_maxfilesize)
		why = "size beyond the largest file";
	else if (ufs_isshortlink(ip) && ump->um_maxsymlinklen != 0 &&
	    ip->i_size >= ump->um_maxsymlinklen)
		why = "fast symlink too long";
	if (why == NULL)
		return 0;
	fs_corrupt(ump->um_fsname, "inode %llu: %s (mode %#o, size %llu)",
	    (unsigned long long)ip->i_number, why, ip->i_mode,
	    (unsigned long long)ip->i_size);
	return EFSCORRUPTED;
}

/*
 * Take the on-disk inode din (disk order, um_dinodesize bytes) as ip's
 * and decode it.  Device nodes and fast symlinks have no block map: their
 * pointers read as zeros in i_db and i_ib.
 */
int
ufs_dinode_load(struct inode *ip, const void *din)
{
	struct ufsmount *ump = ip->i_ump;

	memset(ip->i_din, 0, sizeof(ip->i_din));
	memcpy(ip->i_din, din, ump->um_dinodesize);
	if (ump->um_ufs2)
		ufs2_decode(ip, (const void *)ip->i_din, ump->um_needswap);
	else
		ufs1_decode(ip, (const void *)ip->i_din, ump->um_needswap);
	if (!ufs_has_blockmap(ip)) {
		memset(ip->i_db, 0, sizeof(ip->i_db));
		memset(ip->i_ib, 0, sizeof(ip->i_ib));
	}
	return ufs_dinode_check(ip);
}

static void
ufs1_encode(struct inode *ip, struct ufs1_dinode *dp, bool ns, bool ptrs)
{
	int i;

	dp->di_mode = ufs_rw16(ip->i_mode, ns);
	dp->di_nlink = (int16_t)ufs_rw16((uint16_t)ip->i_nlink, ns);
	if (ip->i_ump->um_oldfmt) {
		dp->di_ouid = ufs_rw16((uint16_t)ip->i_uid, ns);
		dp->di_ogid = ufs_rw16((uint16_t)ip->i_gid, ns);
	} else {
		dp->di_uid = ufs_rw32(ip->i_uid, ns);
		dp->di_gid = ufs_rw32(ip->i_gid, ns);
	}
	dp->di_size = ufs_rw64(ip->i_size, ns);
	dp->di_blocks = ufs_rw32((uint32_t)ip->i_blocks, ns);
	dp->di_flags = ufs_rw32(ip->i_flags, ns);
	dp->di_gen = (int32_t)ufs_rw32((uint32_t)ip->i_gen, ns);
	dp->di_atime = (int32_t)ufs_rw32((uint32_t)ip->i_atime.tv_sec, ns);
	dp->di_atimensec = (int32_t)ufs_rw32((uint32_t)ip->i_atime.tv_nsec, ns);
	dp->di_mtime = (int32_t)ufs_rw32((uint32_t)ip->i_mtime.tv_sec, ns);
	dp->di_mtimensec = (int32_t)ufs_rw32((uint32_t)ip->i_mtime.tv_nsec, ns);
	dp->di_ctime = (int32_t)ufs_rw32((uint32_t)ip->i_ctime.tv_sec, ns);
	dp->di_ctimensec = (int32_t)ufs_rw32((uint32_t)ip->i_ctime.tv_nsec, ns);
	if (!ptrs)
		return;
	for (i = 0; i < UFS_NDADDR; i++)
		dp->di_db[i] = (int32_t)ufs_rw32((uint32_t)ip->i_db[i], ns);
	for (i = 0; i < UFS_NIADDR; i++)
		dp->di_ib[i] = (int32_t)ufs_rw32((uint32_t)ip->i_ib[i], ns);
}

static void
ufs2_encode(struct inode *ip, struct ufs2_dinode *dp, bool ns, bool ptrs)
{
	int i;

	dp->di_mode = ufs_rw16(ip->i_mode, ns);
	dp->di_nlink = (int16_t)ufs_rw16((uint16_t)ip->i_nlink, ns);
	dp->di_uid = ufs_rw32(ip->i_uid, ns);
	dp->di_gid = ufs_rw32(ip->i_gid, ns);
	dp->di_size = ufs_rw64(ip->i_size, ns);
	dp->di_blocks = ufs_rw64(ip->i_blocks, ns);
	dp->di_flags = ufs_rw32(ip->i_flags, ns);
	dp->di_gen = (int32_t)ufs_rw32((uint32_t)ip->i_gen, ns);
	dp->di_atime = (int64_t)ufs_rw64((uint64_t)ip->i_atime.tv_sec, ns);
	dp->di_atimensec = (int32_t)ufs_rw32((uint32_t)ip->i_atime.tv_nsec, ns);
	dp->di_mtime = (int64_t)ufs_rw64((uint64_t)ip->i_mtime.tv_sec, ns);
	dp->di_mtimensec = (int32_t)ufs_rw32((uint32_t)ip->i_mtime.tv_nsec, ns);
	dp->di_ctime = (int64_t)ufs_rw64((uint64_t)ip->i_ctime.tv_sec, ns);
	dp->di_ctimensec = (int32_t)ufs_rw32((uint32_t)ip->i_ctime.tv_nsec, ns);
	dp->di_birthtime =
	    (int64_t)ufs_rw64((uint64_t)ip->i_birthtime.tv_sec, ns);
	dp->di_birthnsec =
	    (int32_t)ufs_rw32((uint32_t)ip->i_birthtime.tv_nsec, ns);
	if (!ptrs)
		return;
	for (i = 0; i < UFS_NDADDR; i++)
		dp->di_db[i] = (int64_t)ufs_rw64((uint64_t)ip->i_db[i], ns);
	for (i = 0; i < UFS_NIADDR; i++)
		dp->di_ib[i] = (int64_t)ufs_rw64((uint64_t)ip->i_ib[i], ns);
}

/*
 * Put the in-core fields back into i_din.  A fast symlink's target is
 * already there; a device keeps its number in the first pointer.
 */
void
ufs_dinode_encode(struct inode *ip)
{
	struct ufsmount *ump = ip->i_ump;
	bool ns = ump->um_needswap, ptrs = !ufs_isshortlink(ip);
	uint16_t fmt = ip->i_mode & UFS_IFMT;
	bool dev = fmt == UFS_IFCHR || fmt == UFS_IFBLK;

	if (dev)
		ip->i_db[0] = (int64_t)ip->i_rdev;
	if (ump->um_ufs2)
		ufs2_encode(ip, (void *)ip->i_din, ns, ptrs);
	else
		ufs1_encode(ip, (void *)ip->i_din, ns, ptrs);
	if (dev)
		ip->i_db[0] = 0;
}

/* Set up a vnode for inode ip. */
void
ufs_vinit(struct inode *ip, struct vnode *vp)
{
	const struct ufs_ops *ops = ip->i_ump->um_ops;

	ip->i_vnode = vp;
	vp->v_type = ufs_mode2vtype(ip->i_mode);
	vp->v_op =
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK)
	    ? *ops->uo_vnodeop_p
	    : *ops->uo_specop_p;
	vp->v_data = ip;
	vp->v_size = (off_t)ip->i_size;
	if (ip->i_number == UFS_ROOTINO)
		vp->v_vflag |= VV_ROOT;
}

/* Apply the pending time stamps. */
void
ufs_itimes(struct inode *ip)
{
	struct timespec now;

	if ((ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_UPDATE)) == 0)
		return;
	if (ip->i_ump->um_ronly) {
		ip->i_flag &= ~(IN_ACCESS | IN_CHANGE | IN_UPDATE);
		return;
	}
	getnanotime(&now);
	if (ip->i_flag & IN_ACCESS)
		ip->i_atime = now;
	if (ip->i_flag & IN_UPDATE)
		ip->i_mtime = now;
	if (ip->i_flag & IN_CHANGE)
		ip->i_ctime = now;
	ip->i_flag &= ~(IN_ACCESS | IN_CHANGE | IN_UPDATE);
	ip->i_flag |= IN_MODIFIED;
}

/*
 * The last reference went.  A file without links is freed now: its
 * blocks, then the on-disk inode, cleared and written before its map bit
 * goes, so that whoever allocates it next finds it empty.
 */
int
ufs_inactive(void *v)
{
	struct vop_inactive_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct ufsmount *ump;
	const struct ufs_ops *ops;
	uint16_t mode;
	int error = 0;

	*ap->a_recycle = false;
	if (ip == NULL)
		return 0;
	ump = ip->i_ump;
	ops = ump->um_ops;
	if (ump->um_ronly)
		return 0;
	if (ip->i_nlink <= 0 && ip->i_mode != 0 &&
	    (ip->i_flag & IN_FREED) == 0) {
		mode = ip->i_mode;
		error = ops->uo_truncate(ip, 0, NOCRED);
		if (error == 0) {
			ip->i_mode = 0;
			ip->i_rdev = 0;
			ip->i_flags = 0;
			ip->i_flag |= IN_CHANGE | IN_MODIFIED;
			(void)ops->uo_update(ip, 0);
			error = ops->uo_vfree(ip, mode);
			ip->i_flag |= IN_FREED;
		}
	}
	if (ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_UPDATE | IN_MODIFIED))
		(void)ops->uo_update(ip, 0);
	*ap->a_recycle = (ip->i_flag & IN_FREED) != 0;
	return error;
}

int
ufs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if (ip == NULL)
		return 0;
	if (!ip->i_ump->um_ronly &&
	    (ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_UPDATE | IN_MODIFIED)))
		(void)ip->i_ump->um_ops->uo_update(ip, 0);
	ufs_inode_free(ip);
	vp->v_data = NULL;
	return 0;
}
