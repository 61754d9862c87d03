/*
 * Entry points for the file-system tools that work on a device rather
 * than on a mounted file system: newfs and fsck.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/uio.h"
#include "rumpvfs_if_priv.h"

/* The device vnode at key, referenced and locked, opened with fmode. */
static int
dev_open(const char *key, int fmode, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, key);
	error = namei(&nd);
	if (error)
		return error;
	if (nd.ni_vp->v_type != VBLK) {
		vput(nd.ni_vp);
		return ENOTBLK;
	}
	if (nd.ni_vp->v_usecount > 1 && (fmode & FWRITE)) {
		vput(nd.ni_vp);
		return EBUSY; /* mounted */
	}
	error = VOP_OPEN(nd.ni_vp, fmode, FSCRED);
	if (error) {
		vput(nd.ni_vp);
		return error;
	}
	*vpp = nd.ni_vp;
	return 0;
}

static void
dev_close(struct vnode *vp, int fmode)
{
	VOP_FSYNC(vp, FSCRED, FSYNC_WAIT, 0, 0);
	vinvalbuf(vp, true);
	VOP_CLOSE(vp, fmode, FSCRED);
	vput(vp);
}

int
rump_vfs_newfs(const char *fstype, const char *key, const char *options)
{
	struct vfsops *vfs = vfs_getopsbyname(fstype);
	struct vnode *devvp;
	int error;

	if (vfs == NULL)
		return ENODEV;
	if (vfs->vfs_newfs == NULL)
		return EOPNOTSUPP;
	error = dev_open(key, FREAD | FWRITE, &devvp);
	if (error)
		return error;
	error = vfs->vfs_newfs(devvp, options);
	dev_close(devvp, FREAD | FWRITE);
	return error;
}

int
rump_vfs_fsck(const char *fstype, const char *key, const char *options,
    char *buf, size_t buflen, int *nproblems)
{
	struct vfsops *vfs = vfs_getopsbyname(fstype);
	struct vnode *devvp;
	struct kiovec iov;
	struct uio uio;
	bool repair;
	int error, fmode;

	if (vfs == NULL)
		return ENODEV;
	if (vfs->vfs_fsck == NULL)
		return EOPNOTSUPP;
	if (buflen == 0)
		return EINVAL;
	repair = options != NULL && strstr(options, "repair") != NULL;
	fmode = FREAD | (repair ? FWRITE : 0);
	error = dev_open(key, fmode, &devvp);
	if (error)
		return error;
	*nproblems = 0;
	uio_setup1(&uio, &iov, buf, buflen - 1, 0, UIO_READ);
	error = vfs->vfs_fsck(devvp, options, &uio, nproblems);
	buf[buflen - 1 - uio.uio_resid] = '\0';
	dev_close(devvp, fmode);
	return error;
}
