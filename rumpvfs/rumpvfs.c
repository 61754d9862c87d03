/* Start-up of the VFS component: caches, the root file system, /dev. */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/lwp.h"
#include "sys/rump_private.h"
#include "rumpfs.h"

struct vnode *rootvnode;

static void
rumpvfs_init(void)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	bufinit();
	vnode_init();
	nchinit();
	mount_init();
	vfs_rename_init();
	rootvnode = rumpfs_mountroot();
	filedesc_init();

	/* /dev holds the devices that host files are registered as. */
	NDINIT(&nd, CREATE, LOCKPARENT, "/dev");
	error = namei(&nd);
	if (error == 0 && nd.ni_vp == NULL) {
		vattr_null(&va);
		va.va_type = VDIR;
		va.va_mode = 0755;
		error = VOP_MKDIR(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
		if (error == 0)
			vrele(vp);
		vput(nd.ni_dvp);
	}
	if (error)
		panic("rumpvfs: cannot create /dev: %d", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_VFS, rumpvfs, rumpvfs_init)
