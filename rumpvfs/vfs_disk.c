/*
 * The block device a disk file system is mounted from: looked up by
 * name, opened for reading (and writing unless read-only), its size
 * read.  One copy for every file system that mounts an image.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/vnode.h"

int
vfs_disk_open(
    const char *fspec, bool ronly, struct vnode **devvpp, uint64_t *sizep)
{
	struct nameidata nd;
	struct vnode *devvp;
	struct vattr va;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, fspec);
	if ((error = namei(&nd)) != 0)
		return error;
	devvp = nd.ni_vp;
	if (devvp->v_type != VBLK) {
		vrele(devvp);
		return ENOTBLK;
	}
	vn_lock(devvp, LK_EXCLUSIVE | LK_RETRY);
	error = VOP_OPEN(devvp, FREAD | (ronly ? 0 : FWRITE), FSCRED);
	if (error == 0) {
		vattr_null(&va);
		error = VOP_GETATTR(devvp, &va, FSCRED);
		if (error != 0)
			VOP_CLOSE(devvp, FREAD | (ronly ? 0 : FWRITE), FSCRED);
	}
	vn_unlock(devvp);
	if (error != 0) {
		vrele(devvp);
		return error;
	}
	*devvpp = devvp;
	*sizep = (uint64_t)va.va_size;
	return 0;
}

/* Write and drop the device's buffers, close it, drop the reference. */
int
vfs_disk_close(struct vnode *devvp, bool ronly)
{
	int error, e;

	vn_lock(devvp, LK_EXCLUSIVE | LK_RETRY);
	error = vinvalbuf(devvp, true);
	if (!ronly && (e = VOP_FSYNC(devvp, FSCRED, FSYNC_WAIT, 0, 0)) != 0 &&
	    error == 0)
		error = e;
	VOP_CLOSE(devvp, FREAD | (ronly ? 0 : FWRITE), FSCRED);
	vput(devvp);
	return error;
}
