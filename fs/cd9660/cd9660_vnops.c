/*
 * Vnode operations of cd9660.  The tables come first: what each node type
 * supports, and whether cd9660 or the generic layer implements it.  An
 * ISO 9660 image is read-only: every operation that would change it fails
 * with EROFS.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"

static int cd9660_open(void *);
static int cd9660_close(void *);
static int cd9660_access(void *);
static int cd9660_getattr(void *);
static int cd9660_fsync(void *);
static int cd9660_readlink(void *);
static int cd9660_inactive(void *);
static int cd9660_reclaim(void *);
static int cd9660_pathconf(void *);
static int cd9660_print(void *);
static int cd9660_spec_eopnotsupp(void *);

/* Regular files, directories and symbolic links. */
int (**cd9660_vnodeop_p)(void *);
static const struct vnodeopv_entry_desc cd9660_vnodeop_entries[] = {
    {&vop_default_desc, vn_default_error}, {&vop_lookup_desc, cd9660_lookup},
    {&vop_create_desc, genfs_erofs}, {&vop_mknod_desc, genfs_erofs},
    {&vop_open_desc, cd9660_open}, {&vop_close_desc, cd9660_close},
    {&vop_access_desc, cd9660_access}, {&vop_getattr_desc, cd9660_getattr},
    {&vop_setattr_desc, genfs_erofs}, {&vop_read_desc, cd9660_read},
    {&vop_write_desc, genfs_erofs}, {&vop_fsync_desc, cd9660_fsync},
    {&vop_seek_desc, genfs_seek}, {&vop_remove_desc, genfs_erofs},
    {&vop_link_desc, genfs_erofs}, {&vop_rename_desc, genfs_erofs},
    {&vop_mkdir_desc, genfs_erofs}, {&vop_rmdir_desc, genfs_erofs},
    {&vop_symlink_desc, genfs_erofs}, {&vop_readdir_desc, cd9660_readdir},
    {&vop_readlink_desc, cd9660_readlink},
    {&vop_inactive_desc, cd9660_inactive}, {&vop_reclaim_desc, cd9660_reclaim},
    {&vop_lock_desc, genfs_lock}, {&vop_unlock_desc, genfs_unlock},
    {&vop_islocked_desc, genfs_islocked}, {&vop_bmap_desc, cd9660_bmap},
    {&vop_strategy_desc, cd9660_strategy},
    {&vop_pathconf_desc, cd9660_pathconf}, {&vop_print_desc, cd9660_print},
    {NULL, NULL}};

/*
 * Device nodes, fifos and sockets recorded in the image: only their
 * attributes are visible.  They never reach a device of the host.
 */
int (**cd9660_specop_p)(void *);
static const struct vnodeopv_entry_desc cd9660_specop_entries[] = {
    {&vop_default_desc, vn_default_error}, {&vop_open_desc, cd9660_open},
    {&vop_close_desc, cd9660_close}, {&vop_access_desc, cd9660_access},
    {&vop_getattr_desc, cd9660_getattr}, {&vop_setattr_desc, genfs_erofs},
    {&vop_read_desc, cd9660_spec_eopnotsupp},
    {&vop_write_desc, cd9660_spec_eopnotsupp}, {&vop_fsync_desc, cd9660_fsync},
    {&vop_inactive_desc, cd9660_inactive}, {&vop_reclaim_desc, cd9660_reclaim},
    {&vop_lock_desc, genfs_lock}, {&vop_unlock_desc, genfs_unlock},
    {&vop_islocked_desc, genfs_islocked}, {&vop_pathconf_desc, cd9660_pathconf},
    {&vop_print_desc, cd9660_print}, {NULL, NULL}};

static const struct vnodeopv_desc cd9660_vnodeop_opv_desc = {
    &cd9660_vnodeop_p, cd9660_vnodeop_entries};
static const struct vnodeopv_desc cd9660_specop_opv_desc = {
    &cd9660_specop_p, cd9660_specop_entries};
const struct vnodeopv_desc *const cd9660_vnodeopv_descs[] = {
    &cd9660_vnodeop_opv_desc,
    &cd9660_specop_opv_desc,
    NULL,
};

static int
cd9660_spec_eopnotsupp(void *v)
{
	return EOPNOTSUPP;
}

static bool
cd9660_is_fsnode(const struct vnode *vp)
{
	return vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK;
}

static int
cd9660_getattr(void *v)
{
	struct vop_getattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct cd9660_node *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;

	vap->va_type = vp->v_type;
	vap->va_mode = ip->i_mode & RUMP_ALLPERMS;
	vap->va_nlink = ip->i_nlink;
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = ip->i_number;
	vap->va_size = (off_t)ip->i_size;
	vap->va_blocksize = ISO_SECTOR;
	vap->va_atime = ip->i_atime;
	vap->va_mtime = ip->i_mtime;
	vap->va_ctime = ip->i_ctime;
	vap->va_birthtime = ip->i_birthtime;
	vap->va_gen = 0;
	vap->va_flags = 0;
	vap->va_rdev =
	    (vp->v_type == VCHR || vp->v_type == VBLK) ? ip->i_rdev : 0;
	vap->va_bytes = vp->v_type == VREG || vp->v_type == VDIR
	    ? roundup(ip->i_rawsize, ISO_SECTOR)
	    : 0;
	vap->va_vaflags = 0;
	return 0;
}

static int
cd9660_access(void *v)
{
	struct vop_access_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct cd9660_node *ip = VTOI(vp);

	if ((ap->a_mode & VWRITE) != 0 && cd9660_is_fsnode(vp))
		return EROFS;
	return genfs_can_access(vp->v_type, ip->i_mode & RUMP_ALLPERMS,
	    ip->i_uid, ip->i_gid, ap->a_mode, ap->a_cred);
}

static int
cd9660_open(void *v)
{
	struct vop_open_args *ap = v;

	if ((ap->a_mode & FWRITE) != 0 && cd9660_is_fsnode(ap->a_vp))
		return EROFS;
	return 0;
}

static int
cd9660_close(void *v)
{
	return 0;
}

static int
cd9660_fsync(void *v)
{
	return 0; /* nothing is ever dirty */
}

static int
cd9660_readlink(void *v)
{
	struct vop_readlink_args *ap = v;
	struct cd9660_node *ip = VTOI(ap->a_vp);

	if (ap->a_vp->v_type != VLNK)
		return EINVAL;
	if (ip->i_linklen == 0)
		return 0;
	return uiomove(ip->i_link, ip->i_linklen, ap->a_uio);
}

static int
cd9660_inactive(void *v)
{
	struct vop_inactive_args *ap = v;

	*ap->a_recycle = false;
	return 0;
}

static int
cd9660_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;

	if (vp->v_data != NULL)
		cd9660_node_free(VTOI(vp));
	vp->v_data = NULL;
	return 0;
}

static int
cd9660_pathconf(void *v)
{
	struct vop_pathconf_args *ap = v;

	switch (ap->a_name) {
	case _PC_LINK_MAX:
		*ap->a_retval = UINT32_MAX;
		return 0;
	case _PC_NAME_MAX:
		*ap->a_retval =
		    VTOI(ap->a_vp)->i_ump->um_tree == CD9660_JOLIET ? 206 : 255;
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

static int
cd9660_print(void *v)
{
	struct vop_print_args *ap = v;
	struct cd9660_node *ip = VTOI(ap->a_vp);

	if (ip == NULL)
		kprintf("cd9660 vnode %p: reclaimed\n", (void *)ap->a_vp);
	else
		kprintf("cd9660 vnode %p: record at %llu, mode %#o, size "
		        "%llu\n",
		    (void *)ap->a_vp, (unsigned long long)ip->i_key.k_addr,
		    ip->i_mode, (unsigned long long)ip->i_size);
	return 0;
}
