/*
 * Vnode operations that every UFS file system shares: attributes, the
 * operations that add, remove and rename names, symbolic links, and
 * fsync.  What is allocated where is the file system's business, reached
 * through vcache_new() (its vfs_newvnode) and the ufs_ops of the mount.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ufs/dinode.h"
#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

/*
 * Is this time of a vattr set?  vattr_null() fills both fields with
 * VNOVAL, while a real time of -1 (one second before the epoch) has a
 * valid tv_nsec: so both are looked at.
 */
#define UFS_TIMESET(ts) ((ts)->tv_sec != VNOVAL || (ts)->tv_nsec != VNOVAL)

static bool
ufs_is_fsnode(const struct vnode *vp)
{
	return vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK;
}

int
ufs_spec_eopnotsupp(void *v)
{
	return EOPNOTSUPP;
}

int
ufs_getattr(void *v)
{
	struct vop_getattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;

	ufs_itimes(ip);
	vap->va_type = vp->v_type;
	vap->va_mode = ip->i_mode & RUMP_ALLPERMS;
	vap->va_nlink = (nlink_t)MAX(ip->i_nlink, 0);
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = ip->i_number;
	vap->va_size = (off_t)ip->i_size;
	vap->va_blocksize = (long)ip->i_ump->um_bsize;
	vap->va_atime = ip->i_atime;
	vap->va_mtime = ip->i_mtime;
	vap->va_ctime = ip->i_ctime;
	vap->va_birthtime = ip->i_birthtime;
	vap->va_gen = (unsigned long)(uint32_t)ip->i_gen;
	vap->va_flags = ip->i_flags;
	vap->va_rdev = (vp->v_type == VCHR || vp->v_type == VBLK)
	    ? ufs_rdev_decode(ip->i_rdev)
	    : 0;
	vap->va_bytes = ip->i_blocks * DEV_BSIZE;
	vap->va_vaflags = 0;
	return 0;
}

static int
ufs_chsize(struct inode *ip, off_t size, kauth_cred_t cred)
{
	struct vnode *vp = ITOV(ip);
	int error;

	if (vp->v_type != VREG)
		return vp->v_type == VDIR ? EISDIR : EINVAL;
	if (size < 0)
		return EINVAL;
	if ((uint64_t)size > ip->i_ump->um_maxfilesize)
		return EFBIG;
	if ((uint64_t)size == ip->i_size)
		return 0;
	error = ip->i_ump->um_ops->uo_truncate(ip, size, cred);
	vp->v_size = (off_t)ip->i_size;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	return error;
}

int
ufs_setattr(void *v)
{
	struct vop_setattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;
	int error;

	if (ip->i_ump->um_ronly)
		return EROFS;
	if (vap->va_flags != (unsigned long)VNOVAL) {
		ip->i_flags = (uint32_t)vap->va_flags;
		ip->i_flag |= IN_CHANGE;
	}
	if ((ip->i_flags & UFS_IMMUTABLE) &&
	    (vap->va_size != VNOVAL || vap->va_mode != (mode_t)VNOVAL ||
	        vap->va_uid != (uid_t)VNOVAL || vap->va_gid != (gid_t)VNOVAL ||
	        UFS_TIMESET(&vap->va_atime) || UFS_TIMESET(&vap->va_mtime)))
		return EPERM;
	if (vap->va_size != VNOVAL) {
		if ((error = ufs_chsize(ip, vap->va_size, ap->a_cred)) != 0)
			return error;
	}
	if (vap->va_mode != (mode_t)VNOVAL) {
		ip->i_mode = (uint16_t)((ip->i_mode & UFS_IFMT) |
		    (vap->va_mode & RUMP_ALLPERMS));
		ip->i_flag |= IN_CHANGE;
	}
	if (vap->va_uid != (uid_t)VNOVAL) {
		ip->i_uid = vap->va_uid;
		ip->i_flag |= IN_CHANGE;
	}
	if (vap->va_gid != (gid_t)VNOVAL) {
		ip->i_gid = vap->va_gid;
		ip->i_flag |= IN_CHANGE;
	}
	if (UFS_TIMESET(&vap->va_atime)) {
		ip->i_atime = vap->va_atime;
		ip->i_flag &= ~IN_ACCESS;
		ip->i_flag |= IN_CHANGE | IN_MODIFIED;
	}
	if (UFS_TIMESET(&vap->va_mtime)) {
		ip->i_mtime = vap->va_mtime;
		ip->i_flag &= ~IN_UPDATE;
		ip->i_flag |= IN_CHANGE | IN_MODIFIED;
	}
	if (UFS_TIMESET(&vap->va_birthtime) && ip->i_ump->um_ufs2) {
		ip->i_birthtime = vap->va_birthtime;
		ip->i_flag |= IN_CHANGE | IN_MODIFIED;
	}
	/*
	 * The inode is written when the file is closed, synced or fsynced,
	 * not once per attribute (a copy sets times, owner and mode one
	 * call after another).
	 */
	if (ip->i_flag & (IN_CHANGE | IN_UPDATE))
		ip->i_flag |= IN_MODIFIED;
	return 0;
}

int
ufs_access(void *v)
{
	struct vop_access_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if ((ap->a_mode & VWRITE) != 0) {
		if (ip->i_ump->um_ronly && ufs_is_fsnode(vp))
			return EROFS;
		if (ip->i_flags & UFS_IMMUTABLE)
			return EPERM;
	}
	return genfs_can_access(vp->v_type, ip->i_mode & RUMP_ALLPERMS,
	    ip->i_uid, ip->i_gid, ap->a_mode, ap->a_cred);
}

int
ufs_open(void *v)
{
	struct vop_open_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if ((ap->a_mode & FWRITE) != 0 && ip->i_ump->um_ronly &&
	    ufs_is_fsnode(vp))
		return EROFS;
	if ((ip->i_flags & UFS_APPEND) &&
	    (ap->a_mode & (FWRITE | FAPPEND)) == FWRITE)
		return EPERM;
	return 0;
}

int
ufs_close(void *v)
{
	return 0;
}

/*
 * With ordered metadata (ffs), the writes a crash must find done before
 * the next step: an inode with its new link before the entry that names
 * it, a parent's link for ".." before the new directory's block.
 */
static int
ufs_wait(const struct inode *ip)
{
	return ip->i_ump->um_ordered ? UFS_UPDATE_WAIT : 0;
}

/*
 * Make a new file of the type vap says, named cnp in dvp: a fresh inode
 * from the file system, written with its link before the entry that
 * names it.  Returns it referenced and locked exclusive.
 */
static int
ufs_makeinode(struct vnode *dvp, struct vnode **vpp, struct componentname *cnp,
    struct vattr *vap)
{
	struct inode *dp = VTOI(dvp), *ip;
	const struct ufs_ops *ops = dp->i_ump->um_ops;
	struct vnode *vp;
	int error;

	*vpp = NULL;
	if (cnp->cn_namelen > UFS_MAXNAMLEN)
		return ENAMETOOLONG;
	if (dp->i_ump->um_ronly)
		return EROFS;
	if (vap->va_type == VDIR && dp->i_nlink >= UFS_LINK_MAX)
		return EMLINK;
	error = vcache_new(dvp->v_mount, dvp, vap, cnp->cn_cred, cnp, &vp);
	if (error != 0)
		return error;
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	ip = VTOI(vp);
	ip->i_nlink = 1;
	ip->i_flag |= IN_ACCESS | IN_CHANGE | IN_UPDATE | IN_MODIFIED;
	if (vap->va_type == VDIR) {
		ip->i_nlink = 2;
		/* the parent's count with "..", before the block saying it */
		dp->i_nlink++;
		dp->i_flag |= IN_CHANGE;
		error = ops->uo_update(dp, ufs_wait(dp));
		if (error == 0)
			error = ufs_dirinit(ip, dp->i_number, cnp->cn_cred);
	}
	if (error == 0)
		error = ops->uo_update(ip, ufs_wait(ip));
	if (error == 0)
		error = ufs_direnter(dp, ip->i_number, ufs_mode2dt(ip->i_mode),
		    cnp->cn_nameptr, cnp->cn_namelen, cnp->cn_cred);
	if (error != 0) {
		if (vap->va_type == VDIR) {
			dp->i_nlink--;
			dp->i_flag |= IN_CHANGE;
		}
		ip->i_nlink = 0;
		ip->i_flag |= IN_CHANGE;
		vput(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

int
ufs_create(void *v)
{
	struct vop_create_args *ap = v;
	int error;

	error = ufs_makeinode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
	if (error == 0)
		vn_unlock(*ap->a_vpp);
	return error;
}

int
ufs_mknod(void *v)
{
	struct vop_mknod_args *ap = v;
	int error;

	error = ufs_makeinode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
	if (error == 0)
		vn_unlock(*ap->a_vpp);
	return error;
}

int
ufs_mkdir(void *v)
{
	struct vop_mkdir_args *ap = v;
	int error;

	error = ufs_makeinode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
	if (error == 0)
		vn_unlock(*ap->a_vpp);
	return error;
}

/* Put a symlink's target into the inode, or into blocks if too long. */
static int
ufs_symlink_target(struct inode *ip, const char *target, kauth_cred_t cred)
{
	struct ufsmount *ump = ip->i_ump;
	size_t len = strlen(target);
	struct buf *bp;
	int error;

	if (len < ump->um_maxsymlinklen) {
		memcpy(ufs_shortlink(ip), target, len);
		ip->i_size = len;
		ITOV(ip)->v_size = (off_t)len;
		ip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
		return ump->um_ops->uo_update(ip, 0);
	}
	if (len > ump->um_bsize)
		return ENAMETOOLONG;
	error = ump->um_ops->uo_balloc(ip, 0, (int)len, cred, 0, &bp);
	if (error != 0)
		return error;
	ip->i_size = len;
	ITOV(ip)->v_size = (off_t)len;
	memset(bp->b_data, 0, bp->b_bcount);
	memcpy(bp->b_data, target, len);
	bdwrite(bp);
	ip->i_flag |= IN_CHANGE | IN_UPDATE | IN_MODIFIED;
	return ump->um_ops->uo_update(ip, 0);
}

int
ufs_symlink(void *v)
{
	struct vop_symlink_args *ap = v;
	struct vnode *vp;
	int error;

	if (strlen(ap->a_target) >= MAXPATHLEN)
		return ENAMETOOLONG;
	error = ufs_makeinode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
	if (error != 0)
		return error;
	vp = *ap->a_vpp;
	error = ufs_symlink_target(VTOI(vp), ap->a_target, ap->a_cnp->cn_cred);
	if (error != 0) {
		/* unlink it again: the name must not stay with no target */
		if (ufs_dirremove(VTOI(ap->a_dvp), ap->a_cnp->cn_nameptr,
		        ap->a_cnp->cn_namelen, VTOI(vp)->i_number) == 0)
			VTOI(vp)->i_nlink = 0;
		vput(vp);
		*ap->a_vpp = NULL;
		return error;
	}
	vn_unlock(vp);
	return 0;
}

int
ufs_remove(void *v)
{
	struct vop_remove_args *ap = v;
	struct inode *dp = VTOI(ap->a_dvp), *ip = VTOI(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	int error;

	if (ap->a_vp->v_type == VDIR)
		return EPERM;
	if ((ip->i_flags & (UFS_IMMUTABLE | UFS_APPEND)) ||
	    (dp->i_flags & UFS_APPEND))
		return EPERM;
	error =
	    ufs_dirremove(dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number);
	if (error != 0)
		return error;
	ip->i_nlink--;
	ip->i_flag |= IN_CHANGE;
	return ip->i_ump->um_ops->uo_update(ip, 0);
}

int
ufs_rmdir(void *v)
{
	struct vop_rmdir_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *dp = VTOI(ap->a_dvp), *ip = VTOI(vp);
	const struct ufs_ops *ops = ip->i_ump->um_ops;
	struct componentname *cnp = ap->a_cnp;
	bool empty;
	int error;

	if (dp == ip)
		return EINVAL;
	if (vp->v_mountedhere != NULL)
		return EBUSY;
	if ((ip->i_flags & (UFS_IMMUTABLE | UFS_APPEND)) ||
	    (dp->i_flags & UFS_APPEND))
		return EPERM;
	if ((error = ufs_dirempty(ip, dp->i_number, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	error =
	    ufs_dirremove(dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number);
	if (error != 0)
		return error;
	dp->i_nlink--;
	dp->i_flag |= IN_CHANGE;
	(void)ops->uo_update(dp, 0);
	/* "." and the name in the parent */
	ip->i_nlink = 0;
	ip->i_flag |= IN_CHANGE;
	error = ops->uo_truncate(ip, 0, cnp->cn_cred);
	vp->v_size = (off_t)ip->i_size;
	ufs_dirhash_free(ip);
	return error;
}

int
ufs_link(void *v)
{
	struct vop_link_args *ap = v;
	struct inode *dp = VTOI(ap->a_dvp), *ip = VTOI(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	const struct ufs_ops *ops = ip->i_ump->um_ops;
	int error;

	if (ap->a_vp->v_type == VDIR)
		return EPERM;
	if (ip->i_nlink >= UFS_LINK_MAX)
		return EMLINK;
	if (ip->i_flags & (UFS_IMMUTABLE | UFS_APPEND))
		return EPERM;
	ip->i_nlink++;
	ip->i_flag |= IN_CHANGE;
	if ((error = ops->uo_update(ip, ufs_wait(ip))) == 0)
		error = ufs_direnter(dp, ip->i_number, ufs_mode2dt(ip->i_mode),
		    cnp->cn_nameptr, cnp->cn_namelen, cnp->cn_cred);
	if (error != 0) {
		ip->i_nlink--;
		ip->i_flag |= IN_CHANGE;
		(void)ops->uo_update(ip, 0);
	}
	return error;
}

/*
 * Drop what the target name named: a file loses a link, an (empty)
 * directory loses both of its own and its parent the one of its "..".
 */
static int
ufs_rename_droptarget(struct inode *tdp, struct inode *tip)
{
	const struct ufs_ops *ops = tip->i_ump->um_ops;
	int error;

	if ((tip->i_mode & UFS_IFMT) == UFS_IFDIR) {
		tdp->i_nlink--;
		tdp->i_flag |= IN_CHANGE;
		tip->i_nlink = 0;
		tip->i_flag |= IN_CHANGE;
		error = ops->uo_truncate(tip, 0, NOCRED);
		ITOV(tip)->v_size = (off_t)tip->i_size;
		ufs_dirhash_free(tip);
		return error;
	}
	tip->i_nlink--;
	tip->i_flag |= IN_CHANGE;
	return ops->uo_update(tip, 0);
}

/*
 * VOP_RENAME.  The source keeps an extra link while both names exist, so
 * that an interrupted rename leaves it linked.  Order: the new name is
 * entered (or the target's entry rewritten), the old name removed, then
 * a moved directory's ".." and the link counts of the parents fixed.
 */
int
ufs_rename(void *v)
{
	struct vop_rename_args *ap = v;
	struct inode *fdp = VTOI(ap->a_fdvp), *fip = VTOI(ap->a_fvp);
	struct inode *tdp = VTOI(ap->a_tdvp);
	struct inode *tip = ap->a_tvp != NULL ? VTOI(ap->a_tvp) : NULL;
	struct componentname *fcnp = ap->a_fcnp, *tcnp = ap->a_tcnp;
	const struct ufs_ops *ops = fip->i_ump->um_ops;
	bool isdir = (fip->i_mode & UFS_IFMT) == UFS_IFDIR, empty;
	bool newparent = isdir && fdp != tdp;
	ino_t ino;
	off_t off;
	int error;

	if (tcnp->cn_namelen > UFS_MAXNAMLEN)
		return ENAMETOOLONG;
	if ((fip->i_flags & (UFS_IMMUTABLE | UFS_APPEND)) ||
	    (fdp->i_flags & UFS_APPEND) ||
	    (tip != NULL && (tip->i_flags & (UFS_IMMUTABLE | UFS_APPEND))))
		return EPERM;
	error =
	    ufs_dirlook(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &ino, &off);
	if (error != 0)
		return error;
	if (ino != fip->i_number)
		return ENOENT;
	if (tip != NULL) {
		if (ap->a_tvp->v_mountedhere != NULL)
			return EBUSY;
		if ((tip->i_mode & UFS_IFMT) == UFS_IFDIR) {
			if ((error = ufs_dirempty(
			         tip, tdp->i_number, &empty)) != 0)
				return error;
			if (!empty)
				return ENOTEMPTY;
		}
	} else if (newparent && tdp->i_nlink >= UFS_LINK_MAX)
		return EMLINK;
	if (fip->i_nlink >= UFS_LINK_MAX)
		return EMLINK;

	fip->i_nlink++;
	fip->i_flag |= IN_CHANGE;
	if ((error = ops->uo_update(fip, ufs_wait(fip))) != 0)
		goto out;
	if (tip == NULL)
		error =
		    ufs_direnter(tdp, fip->i_number, ufs_mode2dt(fip->i_mode),
		        tcnp->cn_nameptr, tcnp->cn_namelen, tcnp->cn_cred);
	else
		error = ufs_dirrewrite(tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
		    tip->i_number, fip->i_number, ufs_mode2dt(fip->i_mode));
	if (error != 0)
		goto out;
	if (newparent) {
		tdp->i_nlink++;
		tdp->i_flag |= IN_CHANGE;
	}
	/* the new name (and the new parent's link) before the old goes */
	if (tip == NULL && fip->i_ump->um_ordered &&
	    (error = vflushbuf(ITOV(tdp), FSYNC_WAIT)) != 0)
		goto out;
	if (tip != NULL)
		(void)ufs_rename_droptarget(tdp, tip);
	(void)ops->uo_update(tdp, newparent ? ufs_wait(tdp) : 0);

	error = ufs_dirremove(
	    fdp, fcnp->cn_nameptr, fcnp->cn_namelen, fip->i_number);
	if (error == 0 && newparent) {
		fdp->i_nlink--;
		fdp->i_flag |= IN_CHANGE;
		error = ufs_dirrewrite(
		    fip, "..", 2, fdp->i_number, tdp->i_number, UFS_DT_DIR);
	}
	fdp->i_flag |= IN_CHANGE | IN_UPDATE;
	(void)ops->uo_update(fdp, 0);
out:
	fip->i_nlink--;
	fip->i_flag |= IN_CHANGE;
	(void)ops->uo_update(fip, 0);
	return error;
}

int
ufs_readlink(void *v)
{
	struct vop_readlink_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct uio *uio = ap->a_uio;
	size_t n;

	if (vp->v_type != VLNK)
		return EINVAL;
	if (ufs_isshortlink(ip)) {
		if (uio->uio_offset < 0)
			return EINVAL;
		if ((uint64_t)uio->uio_offset >= ip->i_size)
			return 0;
		n = (size_t)(ip->i_size - (uint64_t)uio->uio_offset);
		return uiomove(ufs_shortlink(ip) + uio->uio_offset,
		    MIN(n, uio->uio_resid), uio);
	}
	if (ip->i_size > MAXPATHLEN)
		return EFSCORRUPTED;
	return ufs_read_uio(ip, uio);
}

/* A directory with dirty blocks?  (vfs_vnode_iterate_sel) */
static VNODE_PEEK bool
ufs_dir_dirty(struct vnode *vp)
{
	return vp->v_type == VDIR &&
	    __atomic_load_n(&vp->v_ndirty, __ATOMIC_RELAXED) > 0;
}

static int
ufs_flush_dir(struct vnode *vp, void *arg)
{
	int error, *firstp = arg;

	if (vp->v_type != VDIR)
		return 0;
	if ((error = vflushbuf(vp, FSYNC_WAIT)) != 0 && *firstp == 0)
		*firstp = error;
	return 0;
}

/*
 * The file's buffers, then its inode; with FSYNC_WAIT also the device's
 * dirty buffers, which hold its indirect blocks and allocation maps, and
 * then the directories' (after the inodes they name), so that the file
 * is reachable after a crash.
 */
int
ufs_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct ufsmount *ump = ip->i_ump;
	int error;

	if (ump->um_ronly)
		return 0;
	if (ufs_is_fsnode(vp) && (error = vflushbuf(vp, ap->a_flags)) != 0)
		return error;
	if ((ap->a_flags & FSYNC_DATAONLY) == 0 ||
	    (ip->i_flag & (IN_MODIFIED | IN_UPDATE | IN_CHANGE)))
		if ((error = ump->um_ops->uo_update(ip, 0)) != 0)
			return error;
	if ((ap->a_flags & FSYNC_WAIT) == 0)
		return 0;
	if ((error = vflushbuf(ump->um_devvp, FSYNC_WAIT)) != 0)
		return error;
	if ((ap->a_flags & FSYNC_DATAONLY) == 0) {
		vfs_vnode_iterate_sel(
		    vp->v_mount, ufs_dir_dirty, ufs_flush_dir, &error);
		if (error != 0)
			return error;
	}
	vn_lock(ump->um_devvp, LK_EXCLUSIVE | LK_RETRY);
	error = VOP_FSYNC(ump->um_devvp, FSCRED, FSYNC_WAIT, 0, 0);
	vn_unlock(ump->um_devvp);
	return error;
}

int
ufs_pathconf(void *v)
{
	struct vop_pathconf_args *ap = v;

	switch (ap->a_name) {
	case _PC_LINK_MAX:
		*ap->a_retval = UFS_LINK_MAX;
		return 0;
	case _PC_NAME_MAX:
		*ap->a_retval = UFS_MAXNAMLEN;
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

int
ufs_print(void *v)
{
	struct vop_print_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);

	if (ip == NULL)
		kprintf("ufs vnode %p: reclaimed\n", (void *)ap->a_vp);
	else
		kprintf("%s vnode %p: inode %llu, mode %#o, size %llu, "
		        "nlink %d\n",
		    ip->i_ump->um_fsname, (void *)ap->a_vp,
		    (unsigned long long)ip->i_number, ip->i_mode,
		    (unsigned long long)ip->i_size, ip->i_nlink);
	return 0;
}
