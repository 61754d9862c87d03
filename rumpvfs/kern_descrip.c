/*
 * Descriptor tables and open files, and the per-process directory state
 * (current and root directory, umask) that the VFS attaches to processes.
 *
 * An open file's f_count is changed by atomic operations only (f_lock
 * guards the offset and flags, for the system calls): a descriptor table
 * holds one reference per slot under its fd_lock, and fd_getfile() adds
 * one under that lock, so that a file cannot go while it is being taken.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/file.h"
#include "sys/lwp.h"

#define FD_MAXFILES 65536

struct file *
file_alloc(void)
{
	struct file *fp;

	fp = kmem_zalloc(sizeof(*fp), KM_SLEEP);
	mutex_init(&fp->f_lock);
	fp->f_count = 1;
	return fp;
}

static void
file_hold(struct file *fp)
{
	__atomic_add_fetch(&fp->f_count, 1, __ATOMIC_RELAXED);
}

/* Drop a reference; the last one closes the vnode. */
void
file_release(struct file *fp)
{
	struct vnode *vp;

	if (__atomic_sub_fetch(&fp->f_count, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	vp = fp->f_vnode;
	if (vp != NULL) {
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
		VOP_CLOSE(vp, fp->f_flag, fp->f_cred);
		vput(vp);
	}
	if (fp->f_cred != NULL)
		kauth_cred_free(fp->f_cred);
	mutex_destroy(&fp->f_lock);
	kmem_free(fp, sizeof(*fp));
}

static struct filedesc *
curfd(void)
{
	return curproc->p_fd;
}

struct file *
fd_getfile(int fd)
{
	struct filedesc *fdp = curfd();
	struct file *fp = NULL;

	mutex_enter(&fdp->fd_lock);
	if (fd >= 0 && fd < fdp->fd_nfiles && fdp->fd_ofiles[fd] != NULL) {
		fp = fdp->fd_ofiles[fd];
		file_hold(fp);
	}
	mutex_exit(&fdp->fd_lock);
	return fp;
}

void
fd_putfile(struct file *fp)
{
	file_release(fp);
}

static int
fd_grow(struct filedesc *fdp, int want)
{
	struct file **nf;
	uint8_t *nfl;
	int n = fdp->fd_nfiles ? fdp->fd_nfiles : 32;

	while (n <= want)
		n *= 2;
	if (n > FD_MAXFILES)
		return EMFILE;
	nf = kmem_zalloc((size_t)n * sizeof(*nf), KM_SLEEP);
	nfl = kmem_zalloc((size_t)n, KM_SLEEP);
	if (fdp->fd_nfiles) {
		memcpy(nf, fdp->fd_ofiles,
		    (size_t)fdp->fd_nfiles * sizeof(*nf));
		memcpy(nfl, fdp->fd_oflags, (size_t)fdp->fd_nfiles);
		kmem_free(fdp->fd_ofiles, (size_t)fdp->fd_nfiles * sizeof(*nf));
		kmem_free(fdp->fd_oflags, (size_t)fdp->fd_nfiles);
	}
	fdp->fd_ofiles = nf;
	fdp->fd_oflags = nfl;
	fdp->fd_nfiles = n;
	return 0;
}

/* Install fp (the caller's reference passes to the table) at a free slot. */
int
fd_alloc(struct file *fp, int minfd, int *fdpout)
{
	struct filedesc *fdp = curfd();
	int i, error;

	mutex_enter(&fdp->fd_lock);
	for (i = minfd;; i++) {
		if (i >= fdp->fd_nfiles) {
			error = fd_grow(fdp, i);
			if (error) {
				mutex_exit(&fdp->fd_lock);
				return error;
			}
		}
		if (fdp->fd_ofiles[i] == NULL)
			break;
	}
	fdp->fd_ofiles[i] = fp;
	fdp->fd_oflags[i] = 0;
	mutex_exit(&fdp->fd_lock);
	*fdpout = i;
	return 0;
}

int
fd_close(int fd)
{
	struct filedesc *fdp = curfd();
	struct file *fp;

	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles[fd] == NULL) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	fp = fdp->fd_ofiles[fd];
	fdp->fd_ofiles[fd] = NULL;
	mutex_exit(&fdp->fd_lock);
	file_release(fp);
	return 0;
}

int
fd_dup2(int from, int to)
{
	struct filedesc *fdp = curfd();
	struct file *fp, *old = NULL;
	int error;

	if (to < 0 || to >= FD_MAXFILES)
		return EBADF;
	fp = fd_getfile(from);
	if (fp == NULL)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (to >= fdp->fd_nfiles && (error = fd_grow(fdp, to)) != 0) {
		mutex_exit(&fdp->fd_lock);
		file_release(fp);
		return error;
	}
	if (from != to) {
		old = fdp->fd_ofiles[to];
		fdp->fd_ofiles[to] = fp;
		fdp->fd_oflags[to] = 0;
		fp = NULL;
	}
	mutex_exit(&fdp->fd_lock);
	if (old != NULL)
		file_release(old);
	if (fp != NULL)
		file_release(fp);
	return 0;
}

static struct filedesc *
filedesc_alloc(struct filedesc *copyfrom)
{
	struct filedesc *fdp;
	int i;

	fdp = kmem_zalloc(sizeof(*fdp), KM_SLEEP);
	mutex_init(&fdp->fd_lock);
	if (copyfrom == NULL)
		return fdp;
	mutex_enter(&copyfrom->fd_lock);
	if (copyfrom->fd_nfiles > 0) {
		fd_grow(fdp, copyfrom->fd_nfiles - 1);
		for (i = 0; i < copyfrom->fd_nfiles; i++) {
			if ((fdp->fd_ofiles[i] = copyfrom->fd_ofiles[i]))
				file_hold(fdp->fd_ofiles[i]);
			fdp->fd_oflags[i] = copyfrom->fd_oflags[i];
		}
	}
	mutex_exit(&copyfrom->fd_lock);
	return fdp;
}

static void
filedesc_free(struct filedesc *fdp)
{
	int i;

	for (i = 0; i < fdp->fd_nfiles; i++)
		if (fdp->fd_ofiles[i] != NULL)
			file_release(fdp->fd_ofiles[i]);
	if (fdp->fd_nfiles) {
		kmem_free(fdp->fd_ofiles,
		    (size_t)fdp->fd_nfiles * sizeof(*fdp->fd_ofiles));
		kmem_free(fdp->fd_oflags, (size_t)fdp->fd_nfiles);
	}
	mutex_destroy(&fdp->fd_lock);
	kmem_free(fdp, sizeof(*fdp));
}

static struct cwdinfo *
cwdi_alloc(struct cwdinfo *from)
{
	struct cwdinfo *cwdi;

	cwdi = kmem_zalloc(sizeof(*cwdi), KM_SLEEP);
	rw_init(&cwdi->cwdi_lock);
	cwdi->cwdi_refcnt = 1;
	cwdi->cwdi_cmask = 022;
	if (from != NULL) {
		rw_enter(&from->cwdi_lock, RW_READER);
		cwdi->cwdi_cdir = from->cwdi_cdir;
		cwdi->cwdi_rdir = from->cwdi_rdir;
		cwdi->cwdi_cmask = from->cwdi_cmask;
		rw_exit(&from->cwdi_lock);
	}
	if (cwdi->cwdi_cdir == NULL)
		cwdi->cwdi_cdir = rootvnode;
	vref(cwdi->cwdi_cdir);
	if (cwdi->cwdi_rdir != NULL)
		vref(cwdi->cwdi_rdir);
	return cwdi;
}

static void
cwdi_free(struct cwdinfo *cwdi)
{
	if (cwdi->cwdi_cdir != NULL)
		vrele(cwdi->cwdi_cdir);
	if (cwdi->cwdi_rdir != NULL)
		vrele(cwdi->cwdi_rdir);
	rw_destroy(&cwdi->cwdi_lock);
	kmem_free(cwdi, sizeof(*cwdi));
}

static int
vfs_proc_init(struct proc *p, struct proc *parent, int flags)
{
	struct filedesc *pfd = parent ? parent->p_fd : NULL;

	p->p_fd = filedesc_alloc((flags & RUMP_RFCFDG) ? NULL : pfd);
	p->p_cwdi = cwdi_alloc(parent ? parent->p_cwdi : NULL);
	return 0;
}

static void
vfs_proc_release(struct proc *p)
{
	if (p->p_fd != NULL)
		filedesc_free(p->p_fd);
	if (p->p_cwdi != NULL)
		cwdi_free(p->p_cwdi);
	p->p_fd = NULL;
	p->p_cwdi = NULL;
}

static const struct rump_proc_hooks vfs_proc_hooks = {
	.ph_init = vfs_proc_init,
	.ph_release = vfs_proc_release,
};

/* Give proc0 its tables once the root file system exists. */
void
filedesc_init(void)
{
	rump_proc_sethooks(&vfs_proc_hooks);
	vfs_proc_init(&proc0, NULL, RUMP_RFCFDG);
}
