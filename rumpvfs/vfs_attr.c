/*
 * System calls that change attributes: chmod, chown, utimensat, truncate.
 * The POSIX rules (who may change what, which bits a change clears) live
 * here once, so every file system's VOP_SETATTR only has to store.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/file.h"
#include "sys/lwp.h"
#include "syscallargs.h"
#include "rumpfs.h"

#define SETID (RUMP_S_ISUID | RUMP_S_ISGID)

/* Apply the attribute changes in va to vp (locked exclusive). */
static int
setattr_checked(struct vnode *vp, struct vattr *va, kauth_cred_t cred)
{
	struct vattr cur;
	bool root = kauth_cred_issuser(cred), owner;
	uid_t nuid;
	gid_t ngid;
	int error;

	if (vp->v_mount->mnt_flag & MNT_RDONLY)
		return EROFS;
	vattr_null(&cur);
	error = VOP_GETATTR(vp, &cur, cred);
	if (error)
		return error;
	owner = kauth_cred_geteuid(cred) == cur.va_uid;

	if (va->va_uid != (uid_t)VNOVAL || va->va_gid != (gid_t)VNOVAL) {
		nuid = va->va_uid != (uid_t)VNOVAL ? va->va_uid : cur.va_uid;
		ngid = va->va_gid != (gid_t)VNOVAL ? va->va_gid : cur.va_gid;
		if (!root && (!owner || nuid != cur.va_uid ||
		    (ngid != cur.va_gid && !kauth_cred_groupmember(cred, ngid))))
			return EPERM;
		/* An unprivileged chown of an executable drops set-id bits. */
		if (!root && vp->v_type == VREG && (cur.va_mode & 0111) &&
		    (cur.va_mode & SETID) && va->va_mode == (mode_t)VNOVAL)
			va->va_mode = cur.va_mode & ~SETID & RUMP_ALLPERMS;
	}
	if (va->va_mode != (mode_t)VNOVAL) {
		if (!root && !owner)
			return EPERM;
		va->va_mode &= RUMP_ALLPERMS;
		if (!root && (va->va_mode & RUMP_S_ISGID) &&
		    !kauth_cred_groupmember(cred,
			va->va_gid != (gid_t)VNOVAL ? va->va_gid : cur.va_gid))
			va->va_mode &= ~RUMP_S_ISGID;
	}
	if (va->va_size != VNOVAL) {
		if (vp->v_type == VDIR)
			return EISDIR;
		if (vp->v_type != VREG)
			return EINVAL;
	}
	if (VATTR_TIMESET(&va->va_atime) || VATTR_TIMESET(&va->va_mtime)) {
		if (va->va_vaflags & VA_UTIMES_NULL) {
			if (!root && !owner &&
			    VOP_ACCESS(vp, VWRITE, cred) != 0)
				return EACCES;
		} else if (!root && !owner)
			return EPERM;
	}
	return VOP_SETATTR(vp, va, cred);
}

/* Find the vnode a path or descriptor names, locked exclusive. */
static int
attr_target(int fd, const char *path, bool follow, bool usefd,
    struct vnode **vpp)
{
	struct nameidata nd;
	struct file *fp;
	int error;

	if (usefd) {
		fp = fd_getfile(fd);
		if (fp == NULL)
			return EBADF;
		*vpp = fp->f_vnode;
		vref(*vpp);
		fd_putfile(fp);
		vn_lock(*vpp, LK_EXCLUSIVE | LK_RETRY);
		return 0;
	}
	NDINIT(&nd, LOOKUP, (follow ? FOLLOW : NOFOLLOW) | LOCKLEAF, path);
	if (fd != RUMP_AT_FDCWD && path[0] != '/') {
		fp = fd_getfile(fd);
		if (fp == NULL)
			return EBADF;
		nd.ni_atdir = fp->f_vnode;
		error = namei(&nd);
		fd_putfile(fp);
	} else
		error = namei(&nd);
	if (error == 0)
		*vpp = nd.ni_vp;
	return error;
}

static int
do_setattr(int fd, const char *path, bool follow, bool usefd,
    struct vattr *va)
{
	struct vnode *vp;
	int error;

	error = attr_target(fd, path, follow, usefd, &vp);
	if (error)
		return error;
	error = setattr_checked(vp, va, kauth_cred_get());
	vput(vp);
	return error;
}

static int
do_chmod(int fd, const char *path, bool follow, bool usefd, mode_t mode)
{
	struct vattr va;

	vattr_null(&va);
	va.va_mode = mode & RUMP_ALLPERMS;
	return do_setattr(fd, path, follow, usefd, &va);
}

int
sys_chmod(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_chmod_args *uap = v;

	return do_chmod(RUMP_AT_FDCWD, uap->path, true, false, uap->mode);
}

int
sys_lchmod(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_lchmod_args *uap = v;

	return do_chmod(RUMP_AT_FDCWD, uap->path, false, false, uap->mode);
}

int
sys_fchmod(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fchmod_args *uap = v;

	return do_chmod(uap->fd, NULL, false, true, uap->mode);
}

int
sys_fchmodat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fchmodat_args *uap = v;

	return do_chmod(uap->fd, uap->path,
	    !(uap->flag & RUMP_AT_SYMLINK_NOFOLLOW), false, uap->mode);
}

static int
do_chown(int fd, const char *path, bool follow, bool usefd, uid_t uid,
    gid_t gid)
{
	struct vattr va;

	vattr_null(&va);
	va.va_uid = uid;
	va.va_gid = gid;
	if (uid == (uid_t)-1 && gid == (gid_t)-1) {
		/* still check that the file exists */
		va.va_uid = (uid_t)VNOVAL;
	}
	return do_setattr(fd, path, follow, usefd, &va);
}

int
sys_chown(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_chown_args *uap = v;

	return do_chown(RUMP_AT_FDCWD, uap->path, true, false, uap->uid,
	    uap->gid);
}

int
sys_lchown(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_lchown_args *uap = v;

	return do_chown(RUMP_AT_FDCWD, uap->path, false, false, uap->uid,
	    uap->gid);
}

int
sys_fchown(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fchown_args *uap = v;

	return do_chown(uap->fd, NULL, false, true, uap->uid, uap->gid);
}

int
sys_fchownat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fchownat_args *uap = v;

	return do_chown(uap->fd, uap->path,
	    !(uap->flag & RUMP_AT_SYMLINK_NOFOLLOW), false, uap->uid,
	    uap->gid);
}

/* Fill va's times from a utimensat() argument; false if nothing changes. */
static int
times_to_vattr(const struct rump_timespec *ut, struct vattr *va, bool *any)
{
	struct rump_timespec ts[2];
	struct timespec now;
	int i, error, nnow = 0;
	struct timespec *dst[2] = { &va->va_atime, &va->va_mtime };

	getnanotime(&now);
	*any = true;
	if (ut == NULL) {
		va->va_atime = now;
		va->va_mtime = now;
		va->va_vaflags |= VA_UTIMES_NULL;
		return 0;
	}
	error = copyin(ut, ts, sizeof(ts));
	if (error)
		return error;
	*any = false;
	for (i = 0; i < 2; i++) {
		if (ts[i].tv_nsec == RUMP_UTIME_OMIT)
			continue;
		*any = true;
		if (ts[i].tv_nsec == RUMP_UTIME_NOW) {
			*dst[i] = now;
			nnow++;
			continue;
		}
		if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
			return EINVAL;
		dst[i]->tv_sec = (time_t)ts[i].tv_sec;
		dst[i]->tv_nsec = (long)ts[i].tv_nsec;
	}
	if (nnow == 2)
		va->va_vaflags |= VA_UTIMES_NULL;
	return 0;
}

static int
do_utimens(int fd, const char *path, const struct rump_timespec *times,
    int flag, bool usefd)
{
	struct vattr va;
	struct vnode *vp;
	bool any;
	int error;

	if (flag & ~RUMP_AT_SYMLINK_NOFOLLOW)
		return EINVAL;
	vattr_null(&va);
	error = times_to_vattr(times, &va, &any);
	if (error)
		return error;
	error = attr_target(fd, path, !(flag & RUMP_AT_SYMLINK_NOFOLLOW), usefd,
	    &vp);
	if (error)
		return error;
	if (any)
		error = setattr_checked(vp, &va, kauth_cred_get());
	vput(vp);
	return error;
}

int
sys_utimensat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_utimensat_args *uap = v;

	if (uap->path == NULL)
		return do_utimens(uap->fd, NULL, uap->times, uap->flag, true);
	return do_utimens(uap->fd, uap->path, uap->times, uap->flag, false);
}

int
sys_futimens(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_futimens_args *uap = v;

	return do_utimens(uap->fd, NULL, uap->times, 0, true);
}

int
sys_truncate(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_truncate_args *uap = v;
	struct vattr va;
	struct vnode *vp;
	int error;

	if (uap->length < 0)
		return EINVAL;
	error = attr_target(RUMP_AT_FDCWD, uap->path, true, false, &vp);
	if (error)
		return error;
	if (vp->v_type == VDIR)
		error = EISDIR;
	else if ((vp->v_mount->mnt_flag & MNT_RDONLY) && vp->v_type == VREG)
		error = EROFS;
	else
		error = VOP_ACCESS(vp, VWRITE, kauth_cred_get());
	if (error == 0) {
		vattr_null(&va);
		va.va_size = uap->length;
		error = VOP_SETATTR(vp, &va, kauth_cred_get());
	}
	vput(vp);
	return error;
}

int
sys_ftruncate(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_ftruncate_args *uap = v;
	struct vattr va;
	struct file *fp;
	struct vnode *vp;
	int error;

	if (uap->length < 0)
		return EINVAL;
	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	vp = fp->f_vnode;
	if (!(fp->f_flag & FWRITE)) {
		fd_putfile(fp);
		return EINVAL;
	}
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	if (vp->v_type == VDIR)
		error = EISDIR;
	else if (vp->v_type != VREG)
		error = EINVAL;
	else {
		vattr_null(&va);
		va.va_size = uap->length;
		error = VOP_SETATTR(vp, &va, fp->f_cred);
	}
	vn_unlock(vp);
	fd_putfile(fp);
	return error;
}

/* The same rules for callers that hold the vnode (libp2k's setattr). */
int
vn_setattr_checked(struct vnode *vp, struct vattr *va, kauth_cred_t cred)
{
	return setattr_checked(vp, va, cred);
}
