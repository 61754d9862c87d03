/*
 * System calls on open descriptors: close, dup, read, write, lseek,
 * fstat, getdents, fsync.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/file.h"
#include "sys/uio.h"
#include "sys/lwp.h"
#include "syscallargs.h"

int
sys_close(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_close_args *uap = v;

	return fd_close(uap->fd);
}

int
sys_dup(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_dup_args *uap = v;
	struct file *fp;
	int fd, error;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	error = fd_alloc(fp, 0, &fd); /* our hold becomes the table's */
	if (error) {
		fd_putfile(fp);
		return error;
	}
	*retval = fd;
	return 0;
}

int
sys_dup2(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_dup2_args *uap = v;
	int error;

	error = fd_dup2(uap->from, uap->to);
	if (error == 0)
		*retval = uap->to;
	return error;
}

static int
do_io(int fd, enum uio_rw rw, void *buf, size_t n, off_t pos, bool usepos,
    int64_t *retval)
{
	struct file *fp;
	int error;

	if (usepos && pos < 0)
		return EINVAL;
	fp = fd_getfile(fd);
	if (fp == NULL)
		return EBADF;
	if (usepos && fp->f_vnode->v_type == VFIFO)
		error = ESPIPE;
	else
		error = vn_io(fp, rw, buf, n, pos, usepos, retval);
	fd_putfile(fp);
	return error;
}

int
sys_read(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_read_args *uap = v;

	return do_io(uap->fd, UIO_READ, uap->buf, uap->nbyte, 0, false,
	    retval);
}

int
sys_pread(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_pread_args *uap = v;

	return do_io(uap->fd, UIO_READ, uap->buf, uap->nbyte, uap->offset,
	    true, retval);
}

int
sys_write(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_write_args *uap = v;

	return do_io(uap->fd, UIO_WRITE, (void *)(uintptr_t)uap->buf,
	    uap->nbyte, 0, false, retval);
}

int
sys_pwrite(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_pwrite_args *uap = v;

	return do_io(uap->fd, UIO_WRITE, (void *)(uintptr_t)uap->buf,
	    uap->nbyte, uap->offset, true, retval);
}

int
sys_lseek(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_lseek_args *uap = v;
	struct file *fp;
	struct vnode *vp;
	struct vattr va;
	off_t newoff = 0, cur, size = 0;
	int error = 0;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	vp = fp->f_vnode;
	if (vp->v_type == VFIFO) {
		fd_putfile(fp);
		return ESPIPE;
	}
	if (uap->whence == RUMP_SEEK_END || uap->whence == RUMP_SEEK_DATA ||
	    uap->whence == RUMP_SEEK_HOLE) {
		vn_lock(vp, LK_SHARED | LK_RETRY);
		vattr_null(&va);
		error = VOP_GETATTR(vp, &va, fp->f_cred);
		vn_unlock(vp);
		size = va.va_size;
	}
	mutex_enter(&fp->f_lock);
	cur = fp->f_offset;
	switch (error ? -1 : uap->whence) {
	case -1:
		break;
	case RUMP_SEEK_SET:
		newoff = uap->offset;
		break;
	case RUMP_SEEK_CUR:
		if (__builtin_add_overflow(cur, uap->offset, &newoff))
			error = EOVERFLOW;
		break;
	case RUMP_SEEK_END:
		if (__builtin_add_overflow(size, uap->offset, &newoff))
			error = EOVERFLOW;
		break;
	case RUMP_SEEK_DATA:
		/* Without finer knowledge the whole file is data. */
		newoff = uap->offset;
		if (newoff >= size)
			error = ENXIO;
		break;
	case RUMP_SEEK_HOLE:
		newoff = size;
		if (uap->offset >= size)
			error = ENXIO;
		break;
	default:
		error = EINVAL;
	}
	if (error == 0 && newoff < 0)
		error = EINVAL;
	if (error == 0)
		error = VOP_SEEK(vp, cur, newoff, fp->f_cred);
	if (error == 0) {
		fp->f_offset = newoff;
		*retval = newoff;
	}
	mutex_exit(&fp->f_lock);
	fd_putfile(fp);
	return error;
}

int
sys_fstat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fstat_args *uap = v;
	struct rump_stat sb;
	struct file *fp;
	int error;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	vn_lock(fp->f_vnode, LK_SHARED | LK_RETRY);
	error = vn_stat(fp->f_vnode, &sb);
	vn_unlock(fp->f_vnode);
	fd_putfile(fp);
	if (error == 0)
		error = copyout(&sb, uap->sb, sizeof(sb));
	return error;
}

int
sys_getdents(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_getdents_args *uap = v;
	struct file *fp;
	struct vnode *vp;
	struct kiovec iov;
	struct uio uio;
	int error, eof = 0;

	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	vp = fp->f_vnode;
	if (!(fp->f_flag & FREAD)) {
		error = EBADF;
		goto out;
	}
	if (vp->v_type != VDIR) {
		error = ENOTDIR;
		goto out;
	}
	vn_lock(vp, LK_SHARED | LK_RETRY);
	mutex_enter(&fp->f_lock);
	uio_setup1(&uio, &iov, uap->buf, uap->count, fp->f_offset, UIO_READ);
	mutex_exit(&fp->f_lock);
	error = VOP_READDIR(vp, &uio, fp->f_cred, &eof);
	if (error == 0) {
		mutex_enter(&fp->f_lock);
		fp->f_offset = uio.uio_offset;
		mutex_exit(&fp->f_lock);
		*retval = (int64_t)(uap->count - uio.uio_resid);
	}
	vn_unlock(vp);
out:
	fd_putfile(fp);
	return error;
}

static int
do_fsync(int fd, int flags)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	fp = fd_getfile(fd);
	if (fp == NULL)
		return EBADF;
	vp = fp->f_vnode;
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	error = VOP_FSYNC(vp, fp->f_cred, flags, 0, 0);
	vn_unlock(vp);
	fd_putfile(fp);
	return error;
}

int
sys_fsync(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fsync_args *uap = v;

	return do_fsync(uap->fd, FSYNC_WAIT);
}

int
sys_fdatasync(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_fdatasync_args *uap = v;

	return do_fsync(uap->fd, FSYNC_WAIT | FSYNC_DATAONLY);
}

int
sys_sync(struct lwp *l, const void *v, int64_t *retval)
{
	mount_syncall(MNT_WAIT);
	return 0;
}
