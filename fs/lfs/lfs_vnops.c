/*
 * Vnode operations of lfs.  The tables come first: what lfs does itself
 * (lfs_*), what it shares with the other UFS file systems (ufs_*), and
 * what the generic layer provides (genfs_*).
 */
#include "sys/param.h"
#include "sys/vnode.h"

#include "sys/buf.h"
#include "sys/mount.h"
#include "lfs/lfs_extern.h"
#include "ufs/ufs_extern.h"

static int lfs_fsync(void *);
static int lfs_create(void *);
static int lfs_mknod(void *);
static int lfs_mkdir(void *);
static int lfs_symlink(void *);
static int lfs_remove(void *);
static int lfs_rmdir(void *);
static int lfs_link(void *);
static int lfs_rename(void *);

/* clang-format off */
/* Regular files, directories and symbolic links. */
int (**lfs_vnodeop_p)(void *);
static const struct vnodeopv_entry_desc lfs_vnodeop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_lookup_desc, ufs_lookup },
	{ &vop_create_desc, lfs_create },
	{ &vop_mknod_desc, lfs_mknod },
	{ &vop_open_desc, ufs_open },
	{ &vop_close_desc, ufs_close },
	{ &vop_access_desc, ufs_access },
	{ &vop_getattr_desc, ufs_getattr },
	{ &vop_setattr_desc, ufs_setattr },
	{ &vop_read_desc, ufs_read },
	{ &vop_write_desc, ufs_write },
	{ &vop_fsync_desc, lfs_fsync },
	{ &vop_seek_desc, genfs_seek },
	{ &vop_remove_desc, lfs_remove },
	{ &vop_link_desc, lfs_link },
	{ &vop_rename_desc, lfs_rename },
	{ &vop_mkdir_desc, lfs_mkdir },
	{ &vop_rmdir_desc, lfs_rmdir },
	{ &vop_symlink_desc, lfs_symlink },
	{ &vop_readdir_desc, ufs_readdir },
	{ &vop_readlink_desc, ufs_readlink },
	{ &vop_inactive_desc, ufs_inactive },
	{ &vop_reclaim_desc, lfs_reclaim },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_bmap_desc, lfs_bmap },
	{ &vop_strategy_desc, lfs_strategy },
	{ &vop_pathconf_desc, ufs_pathconf },
	{ &vop_print_desc, ufs_print },
	{ NULL, NULL }
};

/*
 * Device nodes, fifos and sockets stored in the image: attributes only.
 * They never reach a device of the host.
 */
int (**lfs_specop_p)(void *);
static const struct vnodeopv_entry_desc lfs_specop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_open_desc, ufs_open },
	{ &vop_close_desc, ufs_close },
	{ &vop_access_desc, ufs_access },
	{ &vop_getattr_desc, ufs_getattr },
	{ &vop_setattr_desc, ufs_setattr },
	{ &vop_read_desc, ufs_spec_eopnotsupp },
	{ &vop_write_desc, ufs_spec_eopnotsupp },
	{ &vop_fsync_desc, lfs_fsync },
	{ &vop_inactive_desc, ufs_inactive },
	{ &vop_reclaim_desc, lfs_reclaim },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_pathconf_desc, ufs_pathconf },
	{ &vop_print_desc, ufs_print },
	{ NULL, NULL }
};
/* clang-format on */

static const struct vnodeopv_desc lfs_vnodeop_opv_desc = {
    &lfs_vnodeop_p, lfs_vnodeop_entries};
static const struct vnodeopv_desc lfs_specop_opv_desc = {
    &lfs_specop_p, lfs_specop_entries};
const struct vnodeopv_desc *const lfs_vnodeopv_descs[] = {
    &lfs_vnodeop_opv_desc,
    &lfs_specop_opv_desc,
    NULL,
};

/* What the UFS layer calls back for. */
const struct ufs_ops lfs_ufsops = {
    .uo_vnodeop_p = &lfs_vnodeop_p,
    .uo_specop_p = &lfs_specop_p,
    .uo_balloc = lfs_balloc,
    .uo_truncate = lfs_truncate,
    .uo_update = lfs_update,
    .uo_vfree = lfs_vfree,
};

/*
 * fsync: everything dirty goes to the log and the partial segment to
 * the disk, where roll-forward finds it after a crash.  (A file's name
 * is in its directory, which is written too.)
 */
static int
lfs_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if (ip == NULL || ip->i_ump->um_ronly)
		return 0;
	return lfs_segwrite(ITOLFS(ip), vp, false);
}

/*
 * Directory operations: bracketed so that no partial segment that ends
 * a run (a point roll-forward may stop at) is written while one is
 * half done.
 */
static int
lfs_dirop(void *v, struct vnode *dvp, int (*op)(void *))
{
	struct lfsmount *lm = VFSTOLFS(dvp->v_mount);
	int error;

	lfs_dirop_begin(lm, dvp);
	error = op(v);
	lfs_dirop_end(lm);
	return error;
}

static int
lfs_create(void *v)
{
	return lfs_dirop(v, ((struct vop_create_args *)v)->a_dvp, ufs_create);
}

static int
lfs_mknod(void *v)
{
	return lfs_dirop(v, ((struct vop_mknod_args *)v)->a_dvp, ufs_mknod);
}

static int
lfs_mkdir(void *v)
{
	return lfs_dirop(v, ((struct vop_mkdir_args *)v)->a_dvp, ufs_mkdir);
}

static int
lfs_symlink(void *v)
{
	return lfs_dirop(v, ((struct vop_symlink_args *)v)->a_dvp,
	    ufs_symlink);
}

static int
lfs_remove(void *v)
{
	return lfs_dirop(v, ((struct vop_remove_args *)v)->a_dvp, ufs_remove);
}

static int
lfs_rmdir(void *v)
{
	return lfs_dirop(v, ((struct vop_rmdir_args *)v)->a_dvp, ufs_rmdir);
}

static int
lfs_link(void *v)
{
	return lfs_dirop(v, ((struct vop_link_args *)v)->a_dvp, ufs_link);
}

static int
lfs_rename(void *v)
{
	return lfs_dirop(v, ((struct vop_rename_args *)v)->a_fdvp, ufs_rename);
}
