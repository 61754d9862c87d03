/*
 * Vnode operations of ext2fs.  The tables come first: what each node type
 * supports, and whether ext2fs or the generic layer implements it.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"

static int ext2fs_spec_eopnotsupp(void *);

/* Regular files, directories and symbolic links. */
/* clang-format off */
int (**ext2fs_vnodeop_p)(void *);
static const struct vnodeopv_entry_desc ext2fs_vnodeop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_lookup_desc, ext2fs_lookup },
	{ &vop_create_desc, ext2fs_create },
	{ &vop_mknod_desc, ext2fs_mknod },
	{ &vop_mkdir_desc, ext2fs_mkdir },
	{ &vop_symlink_desc, ext2fs_symlink },
	{ &vop_remove_desc, ext2fs_remove },
	{ &vop_rmdir_desc, ext2fs_rmdir },
	{ &vop_link_desc, ext2fs_link },
	{ &vop_rename_desc, ext2fs_rename },
	{ &vop_open_desc, ext2fs_open },
	{ &vop_close_desc, ext2fs_close },
	{ &vop_access_desc, ext2fs_access },
	{ &vop_getattr_desc, ext2fs_getattr },
	{ &vop_setattr_desc, ext2fs_setattr },
	{ &vop_read_desc, ext2fs_read },
	{ &vop_write_desc, ext2fs_write },
	{ &vop_fsync_desc, ext2fs_fsync },
	{ &vop_seek_desc, genfs_seek },
	{ &vop_readdir_desc, ext2fs_readdir },
	{ &vop_readlink_desc, ext2fs_readlink },
	{ &vop_inactive_desc, ext2fs_inactive },
	{ &vop_reclaim_desc, ext2fs_reclaim },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_bmap_desc, ext2fs_bmap },
	{ &vop_strategy_desc, ext2fs_strategy },
	{ &vop_pathconf_desc, ext2fs_pathconf },
	{ &vop_print_desc, ext2fs_print },
	{ NULL, NULL },
};
/* clang-format on */

/*
 * Device nodes, fifos and sockets stored in the image: only their
 * attributes are visible.  They never reach a device of the host.
 */
/* clang-format off */
int (**ext2fs_specop_p)(void *);
static const struct vnodeopv_entry_desc ext2fs_specop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_open_desc, ext2fs_open },
	{ &vop_close_desc, ext2fs_close },
	{ &vop_access_desc, ext2fs_access },
	{ &vop_getattr_desc, ext2fs_getattr },
	{ &vop_setattr_desc, ext2fs_setattr },
	{ &vop_read_desc, ext2fs_spec_eopnotsupp },
	{ &vop_write_desc, ext2fs_spec_eopnotsupp },
	{ &vop_fsync_desc, ext2fs_fsync },
	{ &vop_inactive_desc, ext2fs_inactive },
	{ &vop_reclaim_desc, ext2fs_reclaim },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_pathconf_desc, ext2fs_pathconf },
	{ &vop_print_desc, ext2fs_print },
	{ NULL, NULL },
};
/* clang-format on */

static const struct vnodeopv_desc ext2fs_vnodeop_opv_desc = {
    &ext2fs_vnodeop_p, ext2fs_vnodeop_entries};
static const struct vnodeopv_desc ext2fs_specop_opv_desc = {
    &ext2fs_specop_p, ext2fs_specop_entries};
const struct vnodeopv_desc *const ext2fs_vnodeopv_descs[] = {
    &ext2fs_vnodeop_opv_desc,
    &ext2fs_specop_opv_desc,
    NULL,
};

static int
ext2fs_spec_eopnotsupp(void *v)
{
	return EOPNOTSUPP;
}

/* Is vp a node whose contents live in this file system? */
bool
ext2fs_is_fsnode(const struct vnode *vp)
{
	return vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK;
}

int
ext2fs_getattr(void *v)
{
	struct vop_getattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;

	vap->va_type = vp->v_type;
	vap->va_mode = ip->i_mode & RUMP_ALLPERMS;
	vap->va_nlink = ip->i_nlink;
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = ip->i_number;
	vap->va_size = (off_t)ip->i_size;
	vap->va_blocksize = (long)ip->i_ump->um_bsize;
	ext2fs_inode_times(ip, vap);
	vap->va_gen = e2fs_le32(ip->i_din->i_generation);
	vap->va_flags = ip->i_flags;
	vap->va_rdev = (vp->v_type == VCHR || vp->v_type == VBLK)
	    ? ext2fs_inode_rdev(ip)
	    : 0;
	vap->va_bytes = ext2fs_inode_nbytes(ip);
	vap->va_vaflags = 0;
	return 0;
}

int
ext2fs_access(void *v)
{
	struct vop_access_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);

	if ((ap->a_mode & VWRITE) != 0) {
		if (ip->i_ump->um_ronly && ext2fs_is_fsnode(vp))
			return EROFS;
		if (ip->i_flags & EXT2_IMMUTABLE_FL)
			return EPERM;
	}
	return genfs_can_access(vp->v_type, ip->i_mode & RUMP_ALLPERMS,
	    ip->i_uid, ip->i_gid, ap->a_mode, ap->a_cred);
}

/* The inode flags chflags may change (the rest are the file system's). */
#define E2FS_USER_FLAGS                                                        \
	(EXT2_SECRM_FL | EXT2_UNRM_FL | EXT2_SYNC_FL | EXT2_IMMUTABLE_FL |     \
	    EXT2_APPEND_FL | EXT2_NODUMP_FL | EXT2_NOATIME_FL)

/*
 * Is a time in vap set?  vattr_null() leaves both fields VNOVAL; a real
 * time of -1 (a second before the epoch) has a valid tv_nsec.
 */
static bool
vattr_timeset(const struct timespec *ts)
{
	return ts->tv_sec != VNOVAL || ts->tv_nsec != VNOVAL;
}

/* Truncate or extend a regular file for VOP_SETATTR. */
static int
ext2fs_setattr_size(struct vnode *vp, off_t size, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (size < 0)
		return EINVAL;
	if ((uint64_t)size == ip->i_size)
		return 0;
	if ((error = ext2fs_truncate(ip, (uint64_t)size, cred)) != 0)
		return error;
	ext2fs_itimes(ip, E2FS_MTIME | E2FS_CTIME);
	return 0;
}

/*
 * VOP_SETATTR: store what vap sets (the VFS applied the POSIX rules).
 * Immutable and append-only files refuse every change but their flags.
 */
int
ext2fs_setattr(void *v)
{
	struct vop_setattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;
	bool changed = false;
	int error;

	if (ip->i_ump->um_ronly)
		return EROFS;
	if (vap->va_flags != (unsigned long)VNOVAL) {
		if (!kauth_cred_issuser(ap->a_cred))
			return EPERM;
		ip->i_flags = (ip->i_flags & ~(uint32_t)E2FS_USER_FLAGS) |
		    ((uint32_t)vap->va_flags & E2FS_USER_FLAGS);
		changed = true;
	}
	if ((ip->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL)) &&
	    (vap->va_size != VNOVAL || vap->va_mode != (mode_t)VNOVAL ||
	        vap->va_uid != (uid_t)VNOVAL || vap->va_gid != (gid_t)VNOVAL ||
	        vattr_timeset(&vap->va_atime) || vattr_timeset(&vap->va_mtime)))
		return EPERM;
	if (vap->va_size != VNOVAL) {
		if ((error = ext2fs_setattr_size(
		         vp, vap->va_size, ap->a_cred)) != 0)
			return error;
	}
	if (vap->va_uid != (uid_t)VNOVAL) {
		ip->i_uid = vap->va_uid;
		changed = true;
	}
	if (vap->va_gid != (gid_t)VNOVAL) {
		ip->i_gid = vap->va_gid;
		changed = true;
	}
	if (vap->va_mode != (mode_t)VNOVAL) {
		ip->i_mode = (uint16_t)((ip->i_mode & E2FS_IFMT) |
		    (vap->va_mode & RUMP_ALLPERMS));
		changed = true;
	}
	if (vattr_timeset(&vap->va_atime)) {
		ext2fs_settimes(ip, E2FS_ATIME, &vap->va_atime);
		changed = true;
	}
	if (vattr_timeset(&vap->va_mtime)) {
		ext2fs_settimes(ip, E2FS_MTIME, &vap->va_mtime);
		changed = true;
	}
	if (vattr_timeset(&vap->va_birthtime)) {
		ext2fs_settimes(ip, E2FS_CRTIME, &vap->va_birthtime);
		changed = true;
	}
	if (changed)
		ext2fs_itimes(ip, E2FS_CTIME);
	/*
	 * The inode is written when the file is closed, synced or fsynced,
	 * not once per attribute (a copy sets times, owner and mode one
	 * call after another).
	 */
	return 0;
}

int
ext2fs_readlink(void *v)
{
	struct vop_readlink_args *ap = v;
	struct vnode *vp = ap->a_vp;

	if (vp->v_type != VLNK)
		return EINVAL;
	/* Fast and inline links are read from the inode, others as files. */
	return ext2fs_read_uio(VTOI(vp), ap->a_uio);
}

int
ext2fs_open(void *v)
{
	struct vop_open_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);

	if ((ap->a_mode & FWRITE) != 0 && ip->i_ump->um_ronly &&
	    ext2fs_is_fsnode(vp))
		return EROFS;
	return 0;
}

int
ext2fs_close(void *v)
{
	return 0;
}

/* A directory with dirty blocks?  (vfs_vnode_iterate_sel) */
static VNODE_PEEK bool
ext2fs_dir_dirty(struct vnode *vp)
{
	return vp->v_type == VDIR &&
	    __atomic_load_n(&vp->v_ndirty, __ATOMIC_RELAXED) > 0;
}

static int
ext2fs_flush_dir(struct vnode *vp, void *arg)
{
	int error, *firstp = arg;

	if (vp->v_type != VDIR)
		return 0;
	error = vflushbuf(vp, FSYNC_WAIT);
	if (error != 0 && *firstp == 0)
		*firstp = error;
	return 0;
}

/*
 * Write the file system's metadata: descriptors and superblock, the
 * device's buffers (bitmaps first, then inode tables and indirect
 * blocks), then the directories, so that an inode reaches the disk
 * before the entries that name it.
 */
int
ext2fs_sync_meta(struct ext2fs_mount *ump)
{
	struct vnode *devvp = ump->um_devvp;
	int error, e = 0;

	error = ext2fs_sbupdate(ump, false);
	if ((e = vflushbuf(devvp, FSYNC_WAIT)) != 0 && error == 0)
		error = e;
	e = 0;
	vfs_vnode_iterate_sel(
	    ump->um_mountp, ext2fs_dir_dirty, ext2fs_flush_dir, &e);
	if (e != 0 && error == 0)
		error = e;
	vn_lock(devvp, LK_EXCLUSIVE | LK_RETRY);
	e = VOP_FSYNC(devvp, FSCRED, FSYNC_WAIT, 0, 0);
	vn_unlock(devvp);
	return error ? error : e;
}

/*
 * VOP_FSYNC: the file's blocks and inode reach the disk, and with them
 * the metadata that makes it reachable (its entry and the maps).
 */
int
ext2fs_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);
	int error, e;

	if (ip == NULL || ip->i_ump->um_ronly)
		return 0;
	error = vflushbuf(vp, ap->a_flags & FSYNC_WAIT);
	if ((e = ext2fs_update(ip, false)) != 0 && error == 0)
		error = e;
	if ((e = ext2fs_sync_meta(ip->i_ump)) != 0 && error == 0)
		error = e;
	return error;
}

/*
 * The last reference went.  A file without links goes now: its blocks,
 * its attribute block, its inode.
 */
int
ext2fs_inactive(void *v)
{
	struct vop_inactive_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);
	struct ext2fs_mount *ump;
	bool isdir;

	*ap->a_recycle = false;
	if (ip == NULL)
		return 0;
	ump = ip->i_ump;
	if (ump->um_ronly)
		return 0;
	if (ip->i_nlink > 0 || (ip->i_flag & IN_FREED)) {
		ext2fs_update(ip, false);
		*ap->a_recycle = (ip->i_flag & IN_FREED) != 0;
		return 0;
	}
	isdir = (ip->i_mode & E2FS_IFMT) == E2FS_IFDIR;
	(void)ext2fs_truncate(ip, 0, FSCRED);
	(void)ext2fs_xattr_release(ip);
	ip->i_din->i_dtime = e2fs_le32((uint32_t)time_second());
	ip->i_flag |= IN_MODIFIED | IN_FREED;
	ext2fs_update(ip, false);
	ext2fs_inofree(ump, ip->i_number, isdir);
	*ap->a_recycle = true;
	return 0;
}

int
ext2fs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);

	if (ip != NULL) {
		/* a freed inode's number may already be a new file's */
		if (!ip->i_ump->um_ronly && !(ip->i_flag & IN_FREED))
			ext2fs_update(ip, false);
		ext2fs_inode_free(ip);
	}
	vp->v_data = NULL;
	return 0;
}

int
ext2fs_pathconf(void *v)
{
	struct vop_pathconf_args *ap = v;

	switch (ap->a_name) {
	case _PC_LINK_MAX:
		*ap->a_retval = 65000;
		return 0;
	case _PC_NAME_MAX:
		*ap->a_retval = E2FS_MAXNAMLEN;
		return 0;
	case _PC_PATH_MAX:
		*ap->a_retval = MAXPATHLEN;
		return 0;
	case _PC_FILESIZEBITS:
		*ap->a_retval = 64;
		return 0;
	default:
		return EINVAL;
	}
}

/* Fail a buffer before it reached the device. */
static int
ext2fs_strategy_fail(struct buf *bp, int error)
{
	bp->b_error = error;
	bp->b_flags |= B_ERROR;
	bp->b_resid = bp->b_bcount;
	biodone(bp);
	return error;
}

/*
 * VOP_STRATEGY of a file: map the logical block to the device and pass
 * the buffer on; a hole reads as zeros without any I/O.
 */
int
ext2fs_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	struct ext2fs_inode *ip = VTOI(ap->a_vp);
	struct ext2fs_mount *ump = ip->i_ump;
	daddr_t pbn;
	int run, error;

	if ((bp->b_flags & B_READ) == 0) {
		if (ump->um_ronly)
			return ext2fs_strategy_fail(bp, EROFS);
		/* Written blocks were mapped when they were allocated. */
		if (ext2fs_buf_ismapped(bp))
			return VOP_STRATEGY(ump->um_devvp, bp);
	}
	error = ext2fs_blkmap(ip, bp->b_lblkno, &pbn, &run);
	if (error != 0)
		return ext2fs_strategy_fail(bp, error);
	/* A buffer spanning blocks must lie in one run. */
	if (bp->b_bcount > ((size_t)run + 1) << ump->um_bshift)
		return ext2fs_strategy_fail(bp, EINVAL);
	if (pbn < 0) {
		if ((bp->b_flags & B_READ) == 0) {
			fs_corrupt(E2FS_FSNAME,
			    "inode %llu: write to block "
			    "%lld that has no disk block",
			    (unsigned long long)ip->i_number,
			    (long long)bp->b_lblkno);
			return ext2fs_strategy_fail(bp, EIO);
		}
		memset(bp->b_data, 0, bp->b_bcount);
		bp->b_private = NULL;
		bp->b_blkno = -1;
		bp->b_resid = 0;
		biodone(bp);
		return 0;
	}
	ext2fs_buf_mapped(ip, bp, (uint64_t)pbn);
	return VOP_STRATEGY(ump->um_devvp, bp);
}

int
ext2fs_print(void *v)
{
	struct vop_print_args *ap = v;
	struct ext2fs_inode *ip = VTOI(ap->a_vp);

	if (ip == NULL)
		kprintf("ext2fs vnode %p: reclaimed\n", (void *)ap->a_vp);
	else
		kprintf("ext2fs vnode %p: inode %llu, mode %#o, size %llu\n",
		    (void *)ap->a_vp, (unsigned long long)ip->i_number,
		    ip->i_mode, (unsigned long long)ip->i_size);
	return 0;
}
