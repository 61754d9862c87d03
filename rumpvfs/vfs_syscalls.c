/*
 * System calls on the name space: open, stat, readlink, access, the
 * current and root directories, statvfs, mount, and the calls that add or
 * remove names (mkdir, rmdir, unlink, rename, link, symlink, mknod).
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/file.h"
#include "sys/uio.h"
#include "sys/lwp.h"
#include "syscallargs.h"

/* Resolve relative paths of the *at() calls from the directory fd. */
static int
nd_setat(struct nameidata *nd, int fd, struct file **fpp)
{
	struct file *fp;

	*fpp = NULL;
	if (fd == RUMP_AT_FDCWD || nd->ni_dirp == NULL || nd->ni_dirp[0] == '/')
		return 0;
	fp = fd_getfile(fd);
	if (fp == NULL)
		return EBADF;
	if (fp->f_vnode->v_type != VDIR) {
		fd_putfile(fp);
		return ENOTDIR;
	}
	nd->ni_atdir = fp->f_vnode;
	*fpp = fp;
	return 0;
}

/* namei relative to fd; the hold on the directory file ends with it. */
static int
namei_at(struct nameidata *nd, int fd)
{
	struct file *fp;
	int error;

	error = nd_setat(nd, fd, &fp);
	if (error)
		return error;
	error = namei(nd);
	if (fp != NULL)
		fd_putfile(fp);
	return error;
}

static mode_t
cur_umask(void)
{
	return curproc->p_cwdi->cwdi_cmask;
}

/* Drop what a CREATE/DELETE namei returned. */
static void
nd_release(struct nameidata *nd, bool leaflocked)
{
	struct vnode *dvp = nd->ni_dvp, *vp = nd->ni_vp;

	if (vp != NULL) {
		if (vp == dvp)
			vrele(vp);
		else if (leaflocked)
			vput(vp);
		else
			vrele(vp);
	}
	if (dvp != NULL)
		vput(dvp);
}

static int
do_open(int fd, const char *path, int flags, mode_t mode, int64_t *retval)
{
	struct nameidata nd;
	struct file *fp, *dfp;
	struct vnode *vp;
	int fmode, error, newfd;

	if ((flags & RUMP_O_ACCMODE) == RUMP_O_ACCMODE)
		return EINVAL;
	fmode = FFLAGS(flags);
	NDINIT(&nd, LOOKUP, 0, path);
	error = nd_setat(&nd, fd, &dfp);
	if (error)
		return error;
	error = vn_open(&nd, fmode,
	    (mode & RUMP_ALLPERMS) & ~cur_umask());
	if (dfp != NULL)
		fd_putfile(dfp);
	if (error)
		return error;
	vp = nd.ni_vp;
	fp = file_alloc();
	fp->f_vnode = vp;
	fp->f_flag = fmode & FMASK;
	fp->f_cred = kauth_cred_get();
	kauth_cred_hold(fp->f_cred);
	vn_unlock(vp);
	error = fd_alloc(fp, 0, &newfd);
	if (error) {
		file_release(fp);
		return error;
	}
	*retval = newfd;
	return 0;
}

int
sys_open(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_open_args *uap = v;

	return do_open(RUMP_AT_FDCWD, uap->path, uap->flags, uap->mode,
	    retval);
}

int
sys_openat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_openat_args *uap = v;

	return do_open(uap->fd, uap->path, uap->flags, uap->mode, retval);
}

static int
do_stat(int fd, const char *path, struct rump_stat *usb, bool follow)
{
	struct nameidata nd;
	struct rump_stat sb;
	int error;

	NDINIT(&nd, LOOKUP, (follow ? FOLLOW : NOFOLLOW) | LOCKLEAF |
	    LOCKSHARED, path);
	error = namei_at(&nd, fd);
	if (error)
		return error;
	error = vn_stat(nd.ni_vp, &sb);
	vput(nd.ni_vp);
	if (error == 0)
		error = copyout(&sb, usb, sizeof(sb));
	return error;
}

int
sys_stat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_stat_args *uap = v;

	return do_stat(RUMP_AT_FDCWD, uap->path, uap->sb, true);
}

int
sys_lstat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_lstat_args *uap = v;

	return do_stat(RUMP_AT_FDCWD, uap->path, uap->sb, false);
}

int
sys_fstatat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fstatat_args *uap = v;

	return do_stat(uap->fd, uap->path, uap->sb,
	    !(uap->flag & RUMP_AT_SYMLINK_NOFOLLOW));
}

static int
do_readlink(int fd, const char *path, char *buf, size_t count,
    int64_t *retval)
{
	struct nameidata nd;
	struct kiovec iov;
	struct uio uio;
	struct vnode *vp;
	int error;

	NDINIT(&nd, LOOKUP, NOFOLLOW | LOCKLEAF | LOCKSHARED, path);
	error = namei_at(&nd, fd);
	if (error)
		return error;
	vp = nd.ni_vp;
	if (vp->v_type != VLNK) {
		vput(vp);
		return EINVAL;
	}
	uio_setup1(&uio, &iov, buf, count, 0, UIO_READ);
	error = VOP_READLINK(vp, &uio, nd.ni_cnd.cn_cred);
	vput(vp);
	if (error == 0)
		*retval = (int64_t)(count - uio.uio_resid);
	return error;
}

int
sys_readlink(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_readlink_args *uap = v;

	return do_readlink(RUMP_AT_FDCWD, uap->path, uap->buf, uap->bufsize,
	    retval);
}

int
sys_readlinkat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_readlinkat_args *uap = v;

	return do_readlink(uap->fd, uap->path, uap->buf, uap->bufsize, retval);
}

static int
do_access(int fd, const char *path, int mode, int flag)
{
	struct nameidata nd;
	struct vnode *vp;
	kauth_cred_t cred, orig;
	int error, acc = 0;

	if (mode & ~(RUMP_R_OK | RUMP_W_OK | RUMP_X_OK))
		return EINVAL;
	orig = kauth_cred_get();
	cred = orig;
	if (!(flag & RUMP_AT_EACCESS) && (orig->cr_uid != orig->cr_euid ||
	    orig->cr_gid != orig->cr_egid)) {
		/* access(2) asks with the real ids. */
		cred = kauth_cred_dup(orig);
		cred->cr_euid = orig->cr_uid;
		cred->cr_egid = orig->cr_gid;
	}
	NDINIT(&nd, LOOKUP, ((flag & RUMP_AT_SYMLINK_NOFOLLOW) ? NOFOLLOW :
	    FOLLOW) | LOCKLEAF | LOCKSHARED, path);
	nd.ni_cnd.cn_cred = cred;
	error = namei_at(&nd, fd);
	if (error)
		goto out;
	vp = nd.ni_vp;
	if (mode & RUMP_R_OK)
		acc |= VREAD;
	if (mode & RUMP_W_OK)
		acc |= VWRITE;
	if (mode & RUMP_X_OK)
		acc |= VEXEC;
	if ((acc & VWRITE) && (vp->v_mount->mnt_flag & MNT_RDONLY) &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		error = EROFS;
	else if (acc)
		error = VOP_ACCESS(vp, acc, cred);
	vput(vp);
out:
	if (cred != orig)
		kauth_cred_free(cred);
	return error;
}

int
sys_access(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_access_args *uap = v;

	return do_access(RUMP_AT_FDCWD, uap->path, uap->mode, 0);
}

int
sys_faccessat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_faccessat_args *uap = v;

	return do_access(uap->fd, uap->path, uap->mode, uap->flag);
}

/* Replace a directory slot of the process (cwd or root) by vp. */
static int
set_dir(struct vnode *vp, bool root)
{
	struct cwdinfo *cwdi = curproc->p_cwdi;
	struct vnode *old;
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	vn_lock(vp, LK_SHARED | LK_RETRY);
	error = VOP_ACCESS(vp, VEXEC, kauth_cred_get());
	vn_unlock(vp);
	if (error)
		return error;
	vref(vp);
	rw_enter(&cwdi->cwdi_lock, RW_WRITER);
	if (root) {
		old = cwdi->cwdi_rdir;
		cwdi->cwdi_rdir = vp;
	} else {
		old = cwdi->cwdi_cdir;
		cwdi->cwdi_cdir = vp;
	}
	rw_exit(&cwdi->cwdi_lock);
	if (old != NULL)
		vrele(old);
	return 0;
}

static int
chdir_path(const char *path, bool root)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, path);
	error = namei(&nd);
	if (error)
		return error;
	error = set_dir(nd.ni_vp, root);
	vrele(nd.ni_vp);
	return error;
}

int
sys_chdir(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_chdir_args *uap = v;

	return chdir_path(uap->path, false);
}

int
sys_fchdir(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fchdir_args *uap = v;
	struct file *fp;
	int error;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	error = set_dir(fp->f_vnode, false);
	fd_putfile(fp);
	return error;
}

int
sys_chroot(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_chroot_args *uap = v;

	if (!kauth_cred_issuser(kauth_cred_get()))
		return EPERM;
	return chdir_path(uap->path, true);
}

int
sys_umask(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_umask_args *uap = v;
	struct cwdinfo *cwdi = curproc->p_cwdi;

	rw_enter(&cwdi->cwdi_lock, RW_WRITER);
	*retval = cwdi->cwdi_cmask;
	cwdi->cwdi_cmask = uap->newmask & RUMP_ALLPERMS;
	rw_exit(&cwdi->cwdi_lock);
	return 0;
}

static int
do_statvfs(struct vnode *vp, struct rump_statvfs *ubuf)
{
	struct mount *mp = vp->v_mount;
	struct rump_statvfs sb;
	int error;

	memset(&sb, 0, sizeof(sb));
	error = VFS_STATVFS(mp, &sb);
	if (error)
		return error;
	vfs_statvfs_copy_names(mp, &sb);
	if (sb.f_namemax == 0)
		sb.f_namemax = 255;
	return copyout(&sb, ubuf, sizeof(sb));
}

int
sys_statvfs(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_statvfs_args *uap = v;
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, uap->path);
	error = namei(&nd);
	if (error)
		return error;
	error = do_statvfs(nd.ni_vp, uap->buf);
	vrele(nd.ni_vp);
	return error;
}

int
sys_fstatvfs(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fstatvfs_args *uap = v;
	struct file *fp;
	int error;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	error = do_statvfs(fp->f_vnode, uap->buf);
	fd_putfile(fp);
	return error;
}

int
sys_mount(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_mount_args *uap = v;
	struct nameidata nd;
	char type[RUMP_FSTYPENAMELEN];
	size_t done;
	int error;

	if (!kauth_cred_issuser(kauth_cred_get()))
		return EPERM;
	error = copyinstr(uap->type, type, sizeof(type), &done);
	if (error)
		return error;
	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, uap->path);
	error = namei(&nd);
	if (error)
		return error;
	error = mount_domount(type, nd.ni_vp, uap->flags, uap->data, uap->len,
	    nd.ni_pnbuf[0] ? uap->path : "?");
	vput(nd.ni_vp);
	return error;
}

int
sys_unmount(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_unmount_args *uap = v;
	struct nameidata nd;
	struct mount *mp;
	int error;

	if (!kauth_cred_issuser(kauth_cred_get()))
		return EPERM;
	/* Not into the mount: its root may be unreadable on a damaged
	 * image, and the unmount must still go through. */
	NDINIT(&nd, LOOKUP, FOLLOW | NOCROSSMOUNT, uap->path);
	error = namei(&nd);
	if (error)
		return error;
	if ((mp = nd.ni_vp->v_mountedhere) != NULL) {
		vrele(nd.ni_vp);
		return mount_dounmount(mp, uap->flags);
	}
	mp = nd.ni_vp->v_mount;
	if (!(nd.ni_vp->v_vflag & VV_ROOT) || mp->mnt_vnodecovered == NULL) {
		vrele(nd.ni_vp);
		return EINVAL;
	}
	vrele(nd.ni_vp);
	return mount_dounmount(mp, uap->flags);
}

/* Look up the parent of a new name: fails with EEXIST if it exists. */
static int
namei_create(struct nameidata *nd, int fd, const char *path)
{
	bool there;
	int error;

	NDINIT(nd, CREATE, LOCKPARENT | NOFOLLOW, path);
	error = namei_at(nd, fd);
	if (error)
		return error;
	if (nd->ni_vp != NULL) {
		nd_release(nd, false);
		return EEXIST;
	}
	/*
	 * namei unlocked the directory after it looked: another thread
	 * may have made the name since (mkdir racing a create entered it
	 * twice on ext2).
	 */
	if ((error = create_recheck(nd, nd->ni_dvp, &nd->ni_cnd, &there)) !=
	        0 ||
	    there) {
		nd_release(nd, false);
		return error != 0 ? error : EEXIST;
	}
	return 0;
}

static int
do_mkdir(int fd, const char *path, mode_t mode)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	error = namei_create(&nd, fd, path);
	if (error)
		return error;
	vattr_null(&va);
	va.va_type = VDIR;
	va.va_mode = mode & RUMP_ALLPERMS & ~cur_umask();
	error = VOP_MKDIR(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	if (error == 0) {
		cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
		vrele(vp);
	}
	vput(nd.ni_dvp);
	return error;
}

int
sys_mkdir(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_mkdir_args *uap = v;

	return do_mkdir(RUMP_AT_FDCWD, uap->path, uap->mode);
}

int
sys_mkdirat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_mkdirat_args *uap = v;

	return do_mkdir(uap->fd, uap->path, uap->mode);
}

/* Remove a name: a directory (rmdir) or anything else (unlink). */
static int
do_remove(int fd, const char *path, bool dir)
{
	struct nameidata nd;
	struct vnode *dvp, *vp;
	int error;

	NDINIT(&nd, DELETE, LOCKPARENT | LOCKLEAF | NOFOLLOW, path);
	error = namei_at(&nd, fd);
	if (error)
		return error;
	dvp = nd.ni_dvp;
	vp = nd.ni_vp;
	if (vp == NULL)
		error = ENOENT;
	else if (vp == dvp)
		error = EINVAL;
	else if (vp->v_vflag & VV_ROOT)
		error = EBUSY;
	else if (dir && vp->v_type != VDIR)
		error = ENOTDIR;
	else if (!dir && vp->v_type == VDIR)
		error = EPERM;
	else if (dir)
		error = VOP_RMDIR(dvp, vp, &nd.ni_cnd);
	else
		error = VOP_REMOVE(dvp, vp, &nd.ni_cnd);
	if (error == 0) {
		cache_purge_name(dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
		if (dir)
			cache_purge(vp);
	}
	nd_release(&nd, true);
	return error;
}

int
sys_rmdir(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_rmdir_args *uap = v;

	return do_remove(RUMP_AT_FDCWD, uap->path, true);
}

int
sys_unlink(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_unlink_args *uap = v;

	return do_remove(RUMP_AT_FDCWD, uap->path, false);
}

int
sys_unlinkat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_unlinkat_args *uap = v;

	if (uap->flag & ~RUMP_AT_REMOVEDIR)
		return EINVAL;
	return do_remove(uap->fd, uap->path, (uap->flag & RUMP_AT_REMOVEDIR) != 0);
}

static int
do_link(int fd1, const char *path, int fd2, const char *link, int flag)
{
	struct nameidata nd, tnd;
	struct vnode *vp;
	int error;

	NDINIT(&nd, LOOKUP, (flag & RUMP_AT_SYMLINK_FOLLOW) ? FOLLOW : NOFOLLOW,
	    path);
	error = namei_at(&nd, fd1);
	if (error)
		return error;
	vp = nd.ni_vp;
	if (vp->v_type == VDIR) {
		vrele(vp);
		return EPERM;
	}
	error = namei_create(&tnd, fd2, link);
	if (error) {
		vrele(vp);
		return error;
	}
	if (tnd.ni_dvp->v_mount != vp->v_mount) {
		error = EXDEV;
	} else {
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
		error = VOP_LINK(tnd.ni_dvp, vp, &tnd.ni_cnd);
		vn_unlock(vp);
		if (error == 0)
			cache_purge_name(tnd.ni_dvp, tnd.ni_cnd.cn_nameptr,
			    tnd.ni_cnd.cn_namelen);
	}
	vput(tnd.ni_dvp);
	vrele(vp);
	return error;
}

int
sys_link(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_link_args *uap = v;

	return do_link(RUMP_AT_FDCWD, uap->path, RUMP_AT_FDCWD, uap->link, 0);
}

int
sys_linkat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_linkat_args *uap = v;

	if (uap->flag & ~RUMP_AT_SYMLINK_FOLLOW)
		return EINVAL;
	return do_link(uap->fd1, uap->path, uap->fd2, uap->link, uap->flag);
}

static int
do_symlink(const char *target, int fd, const char *link)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	char *kt;
	size_t len;
	int error;

	kt = kmem_alloc(MAXPATHLEN, KM_SLEEP);
	error = copyinstr(target, kt, MAXPATHLEN, &len);
	if (error == 0 && kt[0] == '\0')
		error = ENOENT;
	if (error == 0)
		error = namei_create(&nd, fd, link);
	if (error) {
		kmem_free(kt, MAXPATHLEN);
		return error;
	}
	vattr_null(&va);
	va.va_type = VLNK;
	va.va_mode = 0777 & ~cur_umask();
	error = VOP_SYMLINK(nd.ni_dvp, &vp, &nd.ni_cnd, &va, kt);
	if (error == 0) {
		cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
		vrele(vp);
	}
	vput(nd.ni_dvp);
	kmem_free(kt, MAXPATHLEN);
	return error;
}

int
sys_symlink(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_symlink_args *uap = v;

	return do_symlink(uap->target, RUMP_AT_FDCWD, uap->link);
}

int
sys_symlinkat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_symlinkat_args *uap = v;

	return do_symlink(uap->target, uap->fd, uap->link);
}

static int
do_mknod(int fd, const char *path, mode_t mode, dev_t dev)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	enum vtype type;
	int error;

	type = iftovt(mode);
	if ((mode & RUMP_S_IFMT) == 0)
		type = VREG;
	switch (type) {
	case VFIFO:
	case VREG:
		break;
	case VCHR:
	case VBLK:
	case VSOCK:
		if (!kauth_cred_issuser(kauth_cred_get()))
			return EPERM;
		break;
	default:
		return EINVAL;
	}
	error = namei_create(&nd, fd, path);
	if (error)
		return error;
	vattr_null(&va);
	va.va_type = type;
	va.va_mode = mode & RUMP_ALLPERMS & ~cur_umask();
	va.va_rdev = (type == VCHR || type == VBLK) ? dev : (dev_t)VNOVAL;
	if (type == VREG)
		error = VOP_CREATE(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	else
		error = VOP_MKNOD(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	if (error == 0) {
		cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
		vrele(vp);
	}
	vput(nd.ni_dvp);
	return error;
}

int
sys_mknod(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_mknod_args *uap = v;

	return do_mknod(RUMP_AT_FDCWD, uap->path, uap->mode, uap->dev);
}

int
sys_mknodat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_mknodat_args *uap = v;

	return do_mknod(uap->fd, uap->path, uap->mode, uap->dev);
}

int
sys_mkfifo(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_mkfifo_args *uap = v;

	return do_mknod(RUMP_AT_FDCWD, uap->path,
	    RUMP_S_IFIFO | (uap->mode & RUMP_ALLPERMS), 0);
}
