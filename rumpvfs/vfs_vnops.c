/* Operations on vnodes that the system calls share: open, read, write. */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/file.h"
#include "sys/uio.h"
#include "sys/lwp.h"

/* Lookups repeated when others keep making and removing the name. */
#define VN_OPEN_RACES 1000

/*
 * namei looked the last name up before it locked dvp for us: another
 * thread may have made that name since.  Look again under the lock.
 */
int
create_recheck(struct nameidata *ndp, struct vnode *dvp,
    struct componentname *cnp, bool *exists)
{
	struct vnode *vp;
	int error;

	*exists = false;
	/* nobody else had it locked for a change since: nothing to see */
	if (ndp->ni_gendvp == dvp && dvp->v_xlockgen == ndp->ni_dvpgen + 1)
		return 0;
	error = VOP_LOOKUP(dvp, &vp, cnp);
	if (error == EJUSTRETURN || error == ENOENT)
		return 0;
	if (error)
		return error;
	*exists = true;
	vrele(vp);
	return 0;
}

/*
 * Open (and with O_CREAT create) the file ndp names.  fmode is FFLAGS of
 * the open flags.  On success ndp->ni_vp is referenced and locked.
 */
int
vn_open(struct nameidata *ndp, int fmode, mode_t cmode)
{
	struct componentname *cnp = &ndp->ni_cnd;
	kauth_cred_t cred = cnp->cn_cred;
	struct vnode *vp, *dvp;
	struct vattr va;
	bool created = false, there;
	int error, acc, races = 0;

	if (fmode & RUMP_O_CREAT) {
again:
		ndp->ni_cnd.cn_nameiop = CREATE;
		ndp->ni_cnd.cn_flags |= LOCKPARENT | LOCKLEAF;
		if (!(fmode & RUMP_O_EXCL) && !(fmode & RUMP_O_NOFOLLOW))
			ndp->ni_cnd.cn_flags |= FOLLOW;
		error = namei(ndp);
		if (error)
			return error;
		dvp = ndp->ni_dvp;
		vp = ndp->ni_vp;
		if (vp == NULL) {
			error = create_recheck(ndp, dvp, cnp, &there);
			if (error || there) {
				vput(dvp);
				if (error)
					return error;
				if (fmode & RUMP_O_EXCL)
					return EEXIST;
				if (races++ < VN_OPEN_RACES) {
					ndp->ni_loopcnt = 0;
					goto again;
				}
				return EEXIST;
			}
			vattr_null(&va);
			va.va_type = VREG;
			va.va_mode = cmode & RUMP_ALLPERMS;
			error = VOP_CREATE(dvp, &vp, cnp, &va);
			if (error == 0)
				cache_purge_name(dvp, cnp->cn_nameptr,
				    cnp->cn_namelen);
			vput(dvp);
			/*
			 * Made by another thread since namei looked: without
			 * O_EXCL that file is ours to open, so look again.
			 */
			if (error == EEXIST && !(fmode & RUMP_O_EXCL) &&
			    races++ < VN_OPEN_RACES) {
				ndp->ni_loopcnt = 0;
				goto again;
			}
			if (error)
				return error;
			vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
			created = true;
			fmode &= ~RUMP_O_TRUNC;
		} else {
			if (vp == dvp) {
				vrele(dvp);
			} else {
				/*
				 * Dropping what may be the last reference to
				 * the directory locks it: never while holding
				 * its child (a rename holds them the other
				 * way round).
				 */
				vn_unlock(vp);
				vput(dvp);
				vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
			}
			ndp->ni_dvp = NULL;
			if (fmode & RUMP_O_EXCL) {
				error = EEXIST;
				goto bad;
			}
		}
	} else {
		ndp->ni_cnd.cn_nameiop = LOOKUP;
		ndp->ni_cnd.cn_flags |= LOCKLEAF;
		if (!(fmode & RUMP_O_NOFOLLOW))
			ndp->ni_cnd.cn_flags |= FOLLOW;
		if (!(fmode & (FWRITE | RUMP_O_TRUNC)))
			ndp->ni_cnd.cn_flags |= LOCKSHARED;
		error = namei(ndp);
		if (error)
			return error;
		vp = ndp->ni_vp;
	}
	ndp->ni_vp = vp;

	if (vp->v_type == VSOCK) {
		error = EOPNOTSUPP;
		goto bad;
	}
	if (vp->v_type == VLNK) {
		error = ELOOP; /* O_NOFOLLOW on a symlink */
		goto bad;
	}
	if ((fmode & RUMP_O_DIRECTORY) && vp->v_type != VDIR) {
		error = ENOTDIR;
		goto bad;
	}
	if (!created) {
		acc = 0;
		if (fmode & FREAD)
			acc |= VREAD;
		if (fmode & (FWRITE | RUMP_O_TRUNC)) {
			if (vp->v_type == VDIR) {
				error = EISDIR;
				goto bad;
			}
			acc |= VWRITE;
			if ((vp->v_type == VREG || vp->v_type == VLNK) &&
			    (vp->v_mount->mnt_flag & MNT_RDONLY)) {
				error = EROFS;
				goto bad;
			}
		}
		if (acc) {
			error = VOP_ACCESS(vp, acc, cred);
			if (error)
				goto bad;
		}
	}
	if ((fmode & RUMP_O_TRUNC) && vp->v_type == VREG) {
		vattr_null(&va);
		va.va_size = 0;
		error = VOP_SETATTR(vp, &va, cred);
		if (error)
			goto bad;
	}
	error = VOP_OPEN(vp, fmode & (FMASK | RUMP_O_TRUNC), cred);
	if (error)
		goto bad;
	return 0;

bad:
	vput(vp);
	ndp->ni_vp = NULL;
	return error;
}

/* Read or write a kernel buffer from or to a vnode (locked by caller). */
int
vn_rdwr(enum uio_rw rw, struct vnode *vp, void *base, size_t len, off_t off,
    int ioflag, kauth_cred_t cred, size_t *resid)
{
	struct kiovec iov;
	struct uio uio;
	int error;

	uio_setup1(&uio, &iov, base, len, off, rw);
	if (rw == UIO_READ)
		error = VOP_READ(vp, &uio, ioflag, cred);
	else
		error = VOP_WRITE(vp, &uio, ioflag, cred);
	if (resid != NULL)
		*resid = uio.uio_resid;
	else if (error == 0 && uio.uio_resid != 0)
		error = EIO;
	return error;
}

/* read(2)/write(2) on an open vnode at *offp (updated unless pos given). */
int
vn_io(struct file *fp, enum uio_rw rw, void *buf, size_t len, off_t pos,
    bool usepos, int64_t *done)
{
	struct vnode *vp = fp->f_vnode;
	struct kiovec iov;
	struct uio uio;
	int error, ioflag = 0;
	off_t off;

	if (rw == UIO_READ && !(fp->f_flag & FREAD))
		return EBADF;
	if (rw == UIO_WRITE && !(fp->f_flag & FWRITE))
		return EBADF;
	if (len > (size_t)INT64_MAX)
		return EINVAL;
	if (vp->v_type == VDIR && rw == UIO_READ)
		return EISDIR;
	if (rw == UIO_WRITE) {
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
		if ((fp->f_flag & FAPPEND) && !usepos)
			ioflag |= IO_APPEND;
		if (fp->f_flag & (FSYNC | FDSYNC))
			ioflag |= IO_SYNC;
	} else
		vn_lock(vp, LK_SHARED | LK_RETRY);
	mutex_enter(&fp->f_lock);
	off = usepos ? pos : fp->f_offset;
	mutex_exit(&fp->f_lock);
	if (off < 0) {
		vn_unlock(vp);
		return EINVAL;
	}
	uio_setup1(&uio, &iov, buf, len, off, rw);
	if (rw == UIO_READ)
		error = VOP_READ(vp, &uio, ioflag, fp->f_cred);
	else
		error = VOP_WRITE(vp, &uio, ioflag, fp->f_cred);
	/* A partial transfer is a success with a short count. */
	if (error && uio.uio_resid != len &&
	    (error == EINTR || error == ENOSPC || error == EFBIG))
		error = 0;
	if (!usepos) {
		mutex_enter(&fp->f_lock);
		fp->f_offset = uio.uio_offset;
		mutex_exit(&fp->f_lock);
	}
	vn_unlock(vp);
	*done = (int64_t)(len - uio.uio_resid);
	return error;
}
