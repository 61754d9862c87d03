/*
 * The operations that change names: create, mknod, mkdir, symlink,
 * remove, rmdir, link and rename.  The VFS did the permission checks and
 * holds every vnode involved locked.
 *
 * Order on the disk, for a checker after a crash: a new inode is written
 * before the entry that names it, and a link count goes up before a new
 * entry and down after a removed one.  Each operation leaves the inodes
 * it changed in their (delayed-write) inode table blocks.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"

#define E2FS_NOCHANGE_FL (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL)

static bool
dir_nlink(const struct ext2fs_mount *ump)
{
	return E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_DIR_NLINK);
}

/* May directory dp get one more subdirectory? */
static int
dir_canlink(const struct ext2fs_inode *dp)
{
	if (dp->i_nlink >= E2FS_LINK_MAX && !dir_nlink(dp->i_ump))
		return EMLINK;
	return 0;
}

/*
 * dp gets a subdirectory.  Past the limit, with dir_nlink, the count
 * becomes 1: "many".
 */
static void
dir_addlink(struct ext2fs_inode *dp)
{
	if (dp->i_nlink == 1 && dir_nlink(dp->i_ump))
		;
	else if (dp->i_nlink + 1 >= E2FS_LINK_MAX && dir_nlink(dp->i_ump))
		dp->i_nlink = 1;
	else
		dp->i_nlink++;
	dp->i_flag |= IN_MODIFIED;
}

/* dp lost a subdirectory; a count of "many" is recounted. */
static void
dir_droplink(struct ext2fs_inode *dp)
{
	unsigned n;

	if (dp->i_nlink == 1 && dir_nlink(dp->i_ump)) {
		if (ext2fs_dir_nsubdirs(dp, &n) == 0 &&
		    E2FS_HAS_INCOMPAT(dp->i_ump, EXT2F_INCOMPAT_FILETYPE) &&
		    n + 2 < E2FS_LINK_MAX)
			dp->i_nlink = n + 2;
	} else if (dp->i_nlink > 0)
		dp->i_nlink--;
	dp->i_flag |= IN_MODIFIED;
}

/* The name of cnp, checked against what an entry can hold. */
static int
name_check(const struct componentname *cnp)
{
	if (cnp->cn_namelen > E2FS_MAXNAMLEN)
		return ENAMETOOLONG;
	if (cnp->cn_namelen == 0)
		return ENOENT;
	return 0;
}

/* The contents of a new symbolic link: in i_block if short, else a block. */
static int
symlink_fill(
    struct ext2fs_inode *ip, const char *target, size_t len, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	struct buf *bp;
	uint64_t pbn;
	bool isnew;
	int error;

	if (len < E2FS_IBLOCK_BYTES) {
		memcpy(ip->i_din->i_block, target, len);
		ip->i_size = len;
		ITOV(ip)->v_size = (off_t)len;
		ip->i_flag |= IN_MODIFIED;
		return 0;
	}
	if (ump->um_extents)
		ext2fs_ext_init(ip);
	if ((error = ext2fs_balloc(ip, 0, cred, &pbn, &isnew)) != 0)
		return error;
	bp = getblk(ITOV(ip), 0, (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	memcpy(bp->b_data, target, len);
	ext2fs_buf_mapped(ip, bp, pbn);
	bdwrite(bp);
	return ext2fs_setsize(ip, len);
}

/*
 * A new file of vap's type in dvp under cnp's name (target: the contents
 * of a symbolic link).  *vpp is returned referenced, unlocked.
 */
static int
ext2fs_makeinode(struct vnode *dvp, struct vnode **vpp,
    struct componentname *cnp, struct vattr *vap, const char *target)
{
	struct ext2fs_inode *dp = VTOI(dvp), *ip;
	struct ext2fs_mount *ump = dp->i_ump;
	struct vnode *vp;
	size_t tlen = 0;
	int error;

	*vpp = NULL;
	if ((error = name_check(cnp)) != 0)
		return error;
	if (dp->i_nlink == 0)
		return ENOENT;
	if (dp->i_flags & E2FS_NOCHANGE_FL)
		return EPERM;
	if (target != NULL) {
		tlen = strlen(target);
		if (tlen >= ump->um_bsize || tlen >= MAXPATHLEN)
			return ENAMETOOLONG;
	}
	error = vcache_new(dvp->v_mount, dvp, vap, cnp->cn_cred, NULL, &vp);
	if (error != 0)
		return error;
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	ip = VTOI(vp);
	if (target != NULL)
		error = symlink_fill(ip, target, tlen, cnp->cn_cred);
	if (error == 0)
		error = ext2fs_update(ip, false);
	if (error == 0)
		error = ext2fs_direnter(dp, ip->i_number, ip->i_mode,
		    cnp->cn_nameptr, cnp->cn_namelen, cnp->cn_cred);
	if (error != 0) {
		ip->i_nlink = 0;
		ip->i_flag |= IN_MODIFIED;
		vput(vp);
		return error;
	}
	ext2fs_update(dp, false);
	vn_unlock(vp);
	*vpp = vp;
	return 0;
}

int
ext2fs_create(void *v)
{
	struct vop_create_args *ap = v;

	return ext2fs_makeinode(
	    ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

int
ext2fs_mknod(void *v)
{
	struct vop_mknod_args *ap = v;

	return ext2fs_makeinode(
	    ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

int
ext2fs_symlink(void *v)
{
	struct vop_symlink_args *ap = v;

	return ext2fs_makeinode(
	    ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, ap->a_target);
}

int
ext2fs_mkdir(void *v)
{
	struct vop_mkdir_args *ap = v;
	struct vnode *dvp = ap->a_dvp, *vp;
	struct componentname *cnp = ap->a_cnp;
	struct ext2fs_inode *dp = VTOI(dvp), *ip;
	int error;

	*ap->a_vpp = NULL;
	if ((error = name_check(cnp)) != 0)
		return error;
	if (dp->i_nlink == 0)
		return ENOENT;
	if (dp->i_flags & E2FS_NOCHANGE_FL)
		return EPERM;
	if ((error = dir_canlink(dp)) != 0)
		return error;
	error =
	    vcache_new(dvp->v_mount, dvp, ap->a_vap, cnp->cn_cred, NULL, &vp);
	if (error != 0)
		return error;
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	ip = VTOI(vp);
	error = ext2fs_dirinit(ip, dp->i_number, cnp->cn_cred);
	if (error == 0)
		error = ext2fs_update(ip, false);
	if (error == 0) {
		dir_addlink(dp);
		error = ext2fs_update(dp, false);
		if (error == 0)
			error = ext2fs_direnter(dp, ip->i_number, ip->i_mode,
			    cnp->cn_nameptr, cnp->cn_namelen, cnp->cn_cred);
		if (error != 0) {
			dir_droplink(dp);
			ext2fs_update(dp, false);
		}
	}
	if (error != 0) {
		ip->i_nlink = 0;
		ip->i_flag |= IN_MODIFIED;
		vput(vp);
		return error;
	}
	ext2fs_update(dp, false);
	vn_unlock(vp);
	*ap->a_vpp = vp;
	return 0;
}

int
ext2fs_remove(void *v)
{
	struct vop_remove_args *ap = v;
	struct ext2fs_inode *dp = VTOI(ap->a_dvp), *ip = VTOI(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	int error;

	if (ap->a_vp->v_type == VDIR)
		return EPERM;
	if ((dp->i_flags | ip->i_flags) & E2FS_NOCHANGE_FL)
		return EPERM;
	error = ext2fs_dirremove(
	    dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number);
	if (error != 0)
		return error;
	ext2fs_update(dp, false);
	if (ip->i_nlink > 0)
		ip->i_nlink--;
	ext2fs_itimes(ip, E2FS_CTIME);
	return ext2fs_update(ip, false);
}

int
ext2fs_rmdir(void *v)
{
	struct vop_rmdir_args *ap = v;
	struct ext2fs_inode *dp = VTOI(ap->a_dvp), *ip = VTOI(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	bool empty;
	int error;

	if (ap->a_vp == ap->a_dvp)
		return EINVAL;
	if (ap->a_vp->v_type != VDIR)
		return ENOTDIR;
	if ((dp->i_flags | ip->i_flags) & E2FS_NOCHANGE_FL)
		return EPERM;
	if ((error = ext2fs_dirempty(ip, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	error = ext2fs_dirremove(
	    dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number);
	if (error != 0)
		return error;
	dir_droplink(dp);
	ext2fs_update(dp, false);
	/* Its entry and its "." go; the blocks go when the last user does. */
	ip->i_nlink = 0;
	ext2fs_itimes(ip, E2FS_CTIME);
	return ext2fs_update(ip, false);
}

int
ext2fs_link(void *v)
{
	struct vop_link_args *ap = v;
	struct ext2fs_inode *dp = VTOI(ap->a_dvp), *ip = VTOI(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	int error;

	if (ap->a_vp->v_type == VDIR)
		return EPERM;
	if ((error = name_check(cnp)) != 0)
		return error;
	if (ap->a_vp->v_mount != ap->a_dvp->v_mount)
		return EXDEV;
	if (ip->i_nlink >= E2FS_LINK_MAX)
		return EMLINK;
	if (dp->i_nlink == 0 || ip->i_nlink == 0)
		return ENOENT;
	if ((dp->i_flags | ip->i_flags) & E2FS_NOCHANGE_FL)
		return EPERM;
	ip->i_nlink++;
	ext2fs_itimes(ip, E2FS_CTIME);
	if ((error = ext2fs_update(ip, false)) == 0)
		error = ext2fs_direnter(dp, ip->i_number, ip->i_mode,
		    cnp->cn_nameptr, cnp->cn_namelen, cnp->cn_cred);
	if (error != 0) {
		ip->i_nlink--;
		ip->i_flag |= IN_MODIFIED;
	}
	ext2fs_update(ip, false);
	ext2fs_update(dp, false);
	return error;
}

/* Refusals of rename that come before anything changes. */
static int
rename_check(struct ext2fs_inode *fdp, struct ext2fs_inode *fip,
    struct componentname *fcnp, struct ext2fs_inode *tdp,
    struct ext2fs_inode *tip, struct componentname *tcnp)
{
	bool isdir = (fip->i_mode & E2FS_IFMT) == E2FS_IFDIR, empty;
	ino_t ino;
	int error;

	if ((error = name_check(tcnp)) != 0)
		return error;
	if ((fdp->i_flags | fip->i_flags | tdp->i_flags) & E2FS_NOCHANGE_FL)
		return EPERM;
	if (tip != NULL && (tip->i_flags & E2FS_NOCHANGE_FL))
		return EPERM;
	if (tdp->i_nlink == 0)
		return ENOENT;
	/* The source must still be there, naming the same file. */
	error = ext2fs_dir_find(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &ino);
	if (error != 0)
		return error;
	if (ino != fip->i_number)
		return ENOENT;
	/*
	 * The VFS looked the target up before it locked tdvp: the name may
	 * have been made since.  Never enter it twice.
	 */
	if (tip == NULL &&
	    ext2fs_dir_find(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, &ino) == 0)
		return EEXIST;
	if (isdir && tip == NULL && fdp != tdp &&
	    (error = dir_canlink(tdp)) != 0)
		return error;
	if (tip != NULL && (tip->i_mode & E2FS_IFMT) == E2FS_IFDIR) {
		if (!isdir)
			return EISDIR;
		if ((error = ext2fs_dirempty(tip, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	} else if (tip != NULL && isdir)
		return ENOTDIR;
	return 0;
}

/*
 * Rename: the new name first (replacing tvp's entry, or added), then the
 * old name goes; a directory that changes parent gets its ".." fixed and
 * both parents' link counts.
 */
int
ext2fs_rename(void *v)
{
	struct vop_rename_args *ap = v;
	struct ext2fs_inode *fdp = VTOI(ap->a_fdvp), *fip = VTOI(ap->a_fvp);
	struct ext2fs_inode *tdp = VTOI(ap->a_tdvp);
	struct ext2fs_inode *tip = ap->a_tvp ? VTOI(ap->a_tvp) : NULL;
	struct componentname *fcnp = ap->a_fcnp, *tcnp = ap->a_tcnp;
	bool isdir = (fip->i_mode & E2FS_IFMT) == E2FS_IFDIR;
	bool reparent = isdir && fdp != tdp;
	int error;

	if (ap->a_fvp == ap->a_tvp)
		return 0;
	if (ap->a_fvp->v_mount != ap->a_tdvp->v_mount)
		return EXDEV;
	error = rename_check(fdp, fip, fcnp, tdp, tip, tcnp);
	if (error != 0)
		return error;

	/* Two names for a moment: count both. */
	fip->i_nlink++;
	ext2fs_itimes(fip, E2FS_CTIME);
	if ((error = ext2fs_update(fip, false)) != 0)
		goto undo;
	if (reparent) {
		dir_addlink(tdp);
		ext2fs_update(tdp, false);
	}
	if (tip != NULL)
		error =
		    ext2fs_dirrewrite(tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
		        tip->i_number, fip->i_number, fip->i_mode);
	else
		error = ext2fs_direnter(tdp, fip->i_number, fip->i_mode,
		    tcnp->cn_nameptr, tcnp->cn_namelen, tcnp->cn_cred);
	if (error != 0) {
		if (reparent) {
			dir_droplink(tdp);
			ext2fs_update(tdp, false);
		}
		goto undo;
	}
	ext2fs_update(tdp, false);
	if (tip != NULL) {
		if ((tip->i_mode & E2FS_IFMT) == E2FS_IFDIR) {
			/* its "." and its entry; its ".." named tdp */
			tip->i_nlink = 0;
			dir_droplink(tdp);
			ext2fs_update(tdp, false);
		} else if (tip->i_nlink > 0)
			tip->i_nlink--;
		ext2fs_itimes(tip, E2FS_CTIME);
		ext2fs_update(tip, false);
	}

	error = ext2fs_dirremove(
	    fdp, fcnp->cn_nameptr, fcnp->cn_namelen, fip->i_number);
	if (error != 0) {
		/* the new name stays: the file keeps both links */
		return error;
	}
	fip->i_nlink--;
	fip->i_flag |= IN_MODIFIED;
	if (reparent) {
		error = ext2fs_dir_setparent(fip, tdp->i_number);
		dir_droplink(fdp);
	}
	ext2fs_update(fdp, false);
	ext2fs_update(fip, false);
	return error;
undo:
	fip->i_nlink--;
	fip->i_flag |= IN_MODIFIED;
	ext2fs_update(fip, false);
	return error;
}
