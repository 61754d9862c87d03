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
	{ &vop_open_desc, ext2fs_open },
	{ &vop_close_desc, ext2fs_close },
	{ &vop_access_desc, ext2fs_access },
	{ &vop_getattr_desc, ext2fs_getattr },
	{ &vop_setattr_desc, genfs_erofs }, /* read-only for now */
	{ &vop_read_desc, ext2fs_read },
	{ &vop_write_desc, genfs_erofs }, /* read-only for now */
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
	{ &vop_read_desc, ext2fs_spec_eopnotsupp },
	{ &vop_write_desc, ext2fs_spec_eopnotsupp },
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
static bool
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

int
ext2fs_fsync(void *v)
{
	return 0; /* nothing is ever dirty on a read-only mount */
}

int
ext2fs_inactive(void *v)
{
	struct vop_inactive_args *ap = v;

	*ap->a_recycle = false;
	return 0;
}

int
ext2fs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;

	if (vp->v_data != NULL)
		ext2fs_inode_free(VTOI(vp));
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

	if ((bp->b_flags & B_READ) == 0)
		return ext2fs_strategy_fail(bp, EROFS);
	error = ext2fs_blkmap(ip, bp->b_lblkno, &pbn, &run);
	if (error != 0)
		return ext2fs_strategy_fail(bp, error);
	/* A buffer spanning blocks must lie in one run. */
	if (bp->b_bcount > ((size_t)run + 1) << ump->um_bshift)
		return ext2fs_strategy_fail(bp, EINVAL);
	if (pbn < 0) {
		memset(bp->b_data, 0, bp->b_bcount);
		bp->b_blkno = -1;
		bp->b_resid = 0;
		biodone(bp);
		return 0;
	}
	bp->b_blkno = E2FS_FSBTODB(ump, pbn);
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
