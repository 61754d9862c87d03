/*
 * rename(2).  Renames on the whole kernel are serialised by one lock, so
 * that the tree cannot change shape while we check that a directory is
 * not being moved below itself and choose the order in which to lock the
 * two parent directories (ancestor first, as every other path locks).
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/file.h"
#include "sys/lwp.h"
#include "syscallargs.h"
#include "rumpfs.h"

/* Deeper than any sane tree; a longer climb means a damaged image. */
#define RENAME_MAXDEPTH 8192
/* Lookups repeated when others keep changing the names. */
#define RENAME_RACES 1000

static kmutex_t rename_lock;

void
vfs_rename_init(void)
{
	mutex_init(&rename_lock);
}

/* The parent directory of dir (referenced), within its file system. */
static int
lookup_parent(struct vnode *dir, struct vnode **parentp)
{
	struct componentname cn;
	int error;

	memset(&cn, 0, sizeof(cn));
	cn.cn_nameiop = LOOKUP;
	cn.cn_flags = ISDOTDOT | ISLASTCN;
	cn.cn_cred = FSCRED;
	cn.cn_nameptr = "..";
	cn.cn_namelen = 2;
	vn_lock(dir, LK_SHARED | LK_RETRY);
	error = VOP_LOOKUP(dir, parentp, &cn);
	vn_unlock(dir);
	return error;
}

/*
 * Is anc an ancestor of (or equal to) vp on vp's file system?  Sets
 * *result; fails only on I/O errors or damage.
 */
static int
is_ancestor(struct vnode *anc, struct vnode *vp, bool *result)
{
	struct vnode *cur, *parent;
	int depth, error = 0;

	*result = false;
	cur = vp;
	vref(cur);
	for (depth = 0; depth < RENAME_MAXDEPTH; depth++) {
		if (cur == anc) {
			*result = true;
			break;
		}
		if (cur->v_vflag & VV_ROOT)
			break;
		error = lookup_parent(cur, &parent);
		if (error)
			break;
		if (parent == cur) {
			vrele(parent);
			break;
		}
		vrele(cur);
		cur = parent;
	}
	if (depth == RENAME_MAXDEPTH)
		error = EFSCORRUPTED;
	vrele(cur);
	return error;
}

static int
rename_checks(struct vnode *fdvp, struct vnode *fvp, struct vnode *tdvp,
    struct vnode *tvp)
{
	if (fvp->v_mount != tdvp->v_mount)
		return EXDEV;
	if ((fvp->v_vflag & VV_ROOT) || (tvp != NULL && (tvp->v_vflag & VV_ROOT)))
		return EBUSY;
	if (tvp != NULL) {
		if (fvp->v_type == VDIR && tvp->v_type != VDIR)
			return ENOTDIR;
		if (fvp->v_type != VDIR && tvp->v_type == VDIR)
			return EISDIR;
		if (tvp == fdvp)
			return ENOTEMPTY;
	}
	return 0;
}

/*
 * The vnode name names in dvp now (referenced; NULL when absent).  namei
 * looked before the directories were locked: the caller compares.
 */
static int
relookup(struct vnode *dvp, struct componentname *cnp, struct vnode **vpp)
{
	int error;

	*vpp = NULL;
	error = VOP_LOOKUP(dvp, vpp, cnp);
	if (error == EJUSTRETURN || error == ENOENT) {
		*vpp = NULL;
		return 0;
	}
	return error;
}

/* Both names still name what namei found?  Else EAGAIN (look again). */
static int
rename_recheck(struct vnode *fdvp, struct nameidata *fnd, struct vnode *fvp,
    struct vnode *tdvp, struct nameidata *tnd, struct vnode *tvp)
{
	struct vnode *nfvp, *ntvp;
	int error;

	error = relookup(fdvp, &fnd->ni_cnd, &nfvp);
	if (error)
		return error;
	if (nfvp == NULL)
		return ENOENT;
	error = relookup(tdvp, &tnd->ni_cnd, &ntvp);
	if (error == 0 && (nfvp != fvp || ntvp != tvp))
		error = EAGAIN;
	vrele(nfvp);
	if (ntvp != NULL)
		vrele(ntvp);
	return error;
}

/*
 * Rename from (relative to the directory fromdir, or the current
 * directory when NULL) to to (likewise todir).  flags: 0 or
 * VFS_RENAME_NOREPLACE (fail with EEXIST when to exists).
 */
int
vfs_rename_at(struct vnode *fromdir, const char *from, struct vnode *todir,
    const char *to, int flags)
{
	struct nameidata fnd, tnd;
	struct vnode *fdvp, *fvp, *tdvp, *tvp;
	bool below = false, fdvp_first = false;
	int error, races = 0;

again:
	NDINIT(&fnd, RENAME, WANTPARENT | NOFOLLOW, from);
	NDINIT(&tnd, RENAME, WANTPARENT | NOFOLLOW, to);
	fnd.ni_atdir = fromdir;
	tnd.ni_atdir = todir;
	error = namei(&fnd);
	if (error)
		goto out0;
	fdvp = fnd.ni_dvp;
	fvp = fnd.ni_vp;
	if (fvp == NULL) {
		vrele(fdvp);
		error = ENOENT;
		goto out0;
	}
	error = namei(&tnd);
	if (error) {
		vrele(fvp);
		vrele(fdvp);
		goto out0;
	}
	tdvp = tnd.ni_dvp;
	tvp = tnd.ni_vp;

	if ((flags & VFS_RENAME_NOREPLACE) && tvp != NULL) {
		error = EEXIST;
		goto out1;
	}
	if (fvp == tvp) {
		error = 0; /* two names of one file: nothing to do */
		goto out1;
	}
	error = rename_checks(fdvp, fvp, tdvp, tvp);
	if (error)
		goto out1;

	mutex_enter(&rename_lock);
	if (fdvp != tdvp) {
		/* Moving a directory below itself would cut it loose. */
		error = is_ancestor(fvp, tdvp, &below);
		if (error == 0 && below)
			error = EINVAL;
		if (error == 0)
			error = is_ancestor(fdvp, tdvp, &fdvp_first);
		if (error == 0 && tvp != NULL && tvp->v_type == VDIR) {
			/* an ancestor of the source is never empty */
			error = is_ancestor(tvp, fdvp, &below);
			if (error == 0 && below)
				error = ENOTEMPTY;
		}
		if (error == 0 && fvp->v_type == VDIR) {
			/* its ".." entry changes */
			vn_lock(fvp, LK_SHARED | LK_RETRY);
			error = VOP_ACCESS(fvp, VWRITE, kauth_cred_get());
			vn_unlock(fvp);
		}
		if (error) {
			mutex_exit(&rename_lock);
			goto out1;
		}
	}
	if (fdvp == tdvp) {
		vn_lock(fdvp, LK_EXCLUSIVE | LK_RETRY);
	} else if (fdvp_first) {
		vn_lock(fdvp, LK_EXCLUSIVE | LK_RETRY);
		vn_lock(tdvp, LK_EXCLUSIVE | LK_RETRY);
	} else {
		vn_lock(tdvp, LK_EXCLUSIVE | LK_RETRY);
		vn_lock(fdvp, LK_EXCLUSIVE | LK_RETRY);
	}
	/* Others may have made or removed either name since namei looked. */
	error = rename_recheck(fdvp, &fnd, fvp, tdvp, &tnd, tvp);
	if (error) {
		vn_unlock(fdvp);
		if (fdvp != tdvp)
			vn_unlock(tdvp);
		mutex_exit(&rename_lock);
		if (error == EAGAIN && races++ < RENAME_RACES) {
			if (tvp != NULL)
				vrele(tvp);
			vrele(tdvp);
			vrele(fvp);
			vrele(fdvp);
			below = fdvp_first = false;
			goto again;
		}
		if (error == EAGAIN)
			error = EBUSY; /* the names kept changing */
		goto out1;
	}
	vn_lock(fvp, LK_EXCLUSIVE | LK_RETRY);
	if (tvp != NULL)
		vn_lock(tvp, LK_EXCLUSIVE | LK_RETRY);

	error = VOP_RENAME(fdvp, fvp, &fnd.ni_cnd, tdvp, tvp, &tnd.ni_cnd);
	if (error == 0) {
		cache_purge_name(fdvp, fnd.ni_cnd.cn_nameptr,
		    fnd.ni_cnd.cn_namelen);
		cache_purge_name(tdvp, tnd.ni_cnd.cn_nameptr,
		    tnd.ni_cnd.cn_namelen);
		if (tvp != NULL)
			cache_purge(tvp);
	}

	if (tvp != NULL)
		vn_unlock(tvp);
	vn_unlock(fvp);
	vn_unlock(fdvp);
	if (fdvp != tdvp)
		vn_unlock(tdvp);
	mutex_exit(&rename_lock);
out1:
	if (tvp != NULL)
		vrele(tvp);
	vrele(tdvp);
	vrele(fvp);
	vrele(fdvp);
out0:
	return error;
}

static int
do_rename(int fromfd, const char *from, int tofd, const char *to)
{
	struct file *ffp = NULL, *tfp = NULL;
	int error;

	/* Resolve relative paths against their directory descriptors. */
	if (fromfd != RUMP_AT_FDCWD && from[0] != '/') {
		if ((ffp = fd_getfile(fromfd)) == NULL)
			return EBADF;
	}
	if (tofd != RUMP_AT_FDCWD && to[0] != '/') {
		if ((tfp = fd_getfile(tofd)) == NULL) {
			if (ffp != NULL)
				fd_putfile(ffp);
			return EBADF;
		}
	}
	error = vfs_rename_at(ffp ? ffp->f_vnode : NULL, from,
	    tfp ? tfp->f_vnode : NULL, to, 0);
	if (ffp != NULL)
		fd_putfile(ffp);
	if (tfp != NULL)
		fd_putfile(tfp);
	return error;
}

int
sys_rename(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_rename_args *uap = v;

	return do_rename(RUMP_AT_FDCWD, uap->from, RUMP_AT_FDCWD, uap->to);
}

int
sys_renameat(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_renameat_args *uap = v;

	return do_rename(uap->fromfd, uap->from, uap->tofd, uap->to);
}
