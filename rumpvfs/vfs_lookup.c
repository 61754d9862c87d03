/*
 * namei: turn a path into a vnode.
 *
 * The walk holds a reference on the current directory and locks it only
 * around each VOP_LOOKUP.  It handles "." and ".." itself (including ".."
 * across mount points and at the process's root), crosses onto file
 * systems mounted on directories, expands symbolic links (at most
 * MAXSYMLINKS of them), consults the name cache, and does the permission
 * checks that every file system would otherwise repeat: search permission
 * on each directory, write permission and read-only mounts for changes,
 * and the sticky-directory rule.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/file.h"
#include "sys/lwp.h"

void
NDINIT(struct nameidata *ndp, uint32_t op, uint32_t flags, const char *path)
{
	ndp->ni_dirp = path;
	ndp->ni_atdir = NULL;
	ndp->ni_vp = NULL;
	ndp->ni_dvp = NULL;
	ndp->ni_cnd.cn_nameiop = op;
	ndp->ni_cnd.cn_flags = flags;
	ndp->ni_cnd.cn_cred = kauth_cred_get();
	ndp->ni_loopcnt = 0;
}

/* Is dp the root the walk may not climb above? */
static bool
is_walk_root(struct vnode *dp, struct vnode *rdir)
{
	return dp == rdir || dp == rootvnode;
}

/* Step onto the root of whatever is mounted on vp (repeatedly). */
static int
cross_mounts(struct vnode **vpp)
{
	struct vnode *vp = *vpp, *tvp;
	struct mount *mp;
	int error;

	while (vp->v_type == VDIR && (mp = vp->v_mountedhere) != NULL) {
		error = vfs_busy(mp);
		if (error)
			return error;
		error = VFS_ROOT(mp, LK_NONE, &tvp);
		vfs_unbusy(mp);
		if (error)
			return error;
		vrele(vp);
		vp = tvp;
		*vpp = vp;
	}
	return 0;
}

/*
 * Replace the path still to walk (rest) by the target of the symlink vp,
 * followed by "/rest".  The result goes into ni_pnbuf.
 */
static int
expand_symlink(struct nameidata *ndp, struct vnode *vp, const char *rest,
    bool *absolute)
{
	struct kiovec iov;
	struct uio uio;
	size_t linklen, restlen;
	int error;

	if (++ndp->ni_loopcnt > MAXSYMLINKS)
		return ELOOP;
	uio_setup1(&uio, &iov, ndp->ni_linkbuf, MAXPATHLEN - 1, 0, UIO_READ);
	vn_lock(vp, LK_SHARED | LK_RETRY);
	error = VOP_READLINK(vp, &uio, ndp->ni_cnd.cn_cred);
	vn_unlock(vp);
	if (error)
		return error;
	linklen = MAXPATHLEN - 1 - uio.uio_resid;
	if (linklen == 0)
		return ENOENT;
	if (memchr(ndp->ni_linkbuf, '\0', linklen) != NULL)
		return ENOENT; /* a NUL inside the target: damaged */
	restlen = strlen(rest);
	if (linklen + (restlen ? restlen + 1 : 0) >= MAXPATHLEN)
		return ENAMETOOLONG;
	if (restlen) {
		ndp->ni_linkbuf[linklen] = '/';
		memcpy(ndp->ni_linkbuf + linklen + 1, rest, restlen);
		linklen += restlen + 1;
	}
	ndp->ni_linkbuf[linklen] = '\0';
	memcpy(ndp->ni_pnbuf, ndp->ni_linkbuf, linklen + 1);
	*absolute = ndp->ni_pnbuf[0] == '/';
	return 0;
}

/* Look one component up in dp (referenced); *vpp comes back referenced. */
static int
lookup_component(struct nameidata *ndp, struct vnode *dp, struct vnode **vpp)
{
	struct componentname *cnp = &ndp->ni_cnd;
	bool modify = (cnp->cn_flags & ISLASTCN) && cnp->cn_nameiop != LOOKUP;
	bool usecache = !modify && !(cnp->cn_flags & (ISDOTDOT | NOCACHE));
	int error;

	vn_lock(dp, (modify ? LK_EXCLUSIVE : LK_SHARED) | LK_RETRY);
	if (dp->v_state == VS_RECLAIMED) {
		vn_unlock(dp);
		return ENOENT;
	}
	if (modify) {
		ndp->ni_gendvp = dp;
		ndp->ni_dvpgen = dp->v_xlockgen;
	}
	error = VOP_ACCESS(dp, VEXEC, cnp->cn_cred);
	if (error) {
		vn_unlock(dp);
		return error;
	}
	if (usecache && cache_lookup(dp, cnp->cn_nameptr, cnp->cn_namelen,
	    vpp) == 0) {
		vn_unlock(dp);
		return 0;
	}
	error = VOP_LOOKUP(dp, vpp, cnp);
	vn_unlock(dp);
	if (error == 0 && usecache && *vpp != dp)
		cache_enter(dp, *vpp, cnp->cn_nameptr, cnp->cn_namelen);
	return error;
}

/* The checks for changing the directory entry of vp in dp. */
static int
check_modify(struct nameidata *ndp, struct vnode *dp, struct vnode *vp)
{
	struct componentname *cnp = &ndp->ni_cnd;
	kauth_cred_t cred = cnp->cn_cred;
	struct vattr dva, va;
	int error;

	if (dp->v_mount->mnt_flag & MNT_RDONLY)
		return EROFS;
	vn_lock(dp, LK_SHARED | LK_RETRY);
	error = VOP_ACCESS(dp, VWRITE, cred);
	if (error == 0 && vp != NULL && cnp->cn_nameiop != CREATE &&
	    !kauth_cred_issuser(cred)) {
		/* Sticky directory: only the owner of file or dir may. */
		vattr_null(&dva);
		error = VOP_GETATTR(dp, &dva, cred);
		if (error == 0 && (dva.va_mode & RUMP_S_ISVTX)) {
			vattr_null(&va);
			if (vp != dp)
				vn_lock(vp, LK_SHARED | LK_RETRY);
			error = VOP_GETATTR(vp, &va, cred);
			if (vp != dp)
				vn_unlock(vp);
			if (error == 0 &&
			    kauth_cred_geteuid(cred) != va.va_uid &&
			    kauth_cred_geteuid(cred) != dva.va_uid)
				error = EPERM;
		}
	}
	vn_unlock(dp);
	return error;
}

/* Hand the results to the caller, locked as asked. */
static int
namei_finish(struct nameidata *ndp, struct vnode *dp, struct vnode *vp)
{
	uint32_t flags = ndp->ni_cnd.cn_flags;

	if (vp != NULL && (flags & REQUIREDIR) && vp->v_type != VDIR) {
		vrele(vp);
		vrele(dp);
		return ENOTDIR;
	}
	if (flags & (LOCKPARENT | WANTPARENT)) {
		if (flags & LOCKPARENT)
			vn_lock(dp, LK_EXCLUSIVE | LK_RETRY);
		ndp->ni_dvp = dp;
	} else {
		vrele(dp);
	}
	if (vp != NULL && (flags & LOCKLEAF) &&
	    !(vp == dp && (flags & LOCKPARENT)))
		vn_lock(vp, ((flags & LOCKSHARED) ? LK_SHARED : LK_EXCLUSIVE) |
			LK_RETRY);
	ndp->ni_vp = vp;
	return 0;
}

int
namei(struct nameidata *ndp)
{
	struct componentname *cnp = &ndp->ni_cnd;
	struct cwdinfo *cwdi = curproc->p_cwdi;
	struct vnode *rdir, *dp, *vp, *tdp;
	uint32_t want = cnp->cn_flags & ~(ISDOTDOT | MAKEENTRY | ISLASTCN |
	    REQUIREDIR);
	char *cp, *next;
	size_t len;
	bool islast, absolute;
	int error;

	ndp->ni_vp = NULL;
	ndp->ni_dvp = NULL;
	ndp->ni_gendvp = NULL;
	error = copyinstr(ndp->ni_dirp, ndp->ni_pnbuf, MAXPATHLEN, &len);
	if (error)
		return error;
	if (ndp->ni_pnbuf[0] == '\0')
		return ENOENT;

	rw_enter(&cwdi->cwdi_lock, RW_READER);
	rdir = cwdi->cwdi_rdir ? cwdi->cwdi_rdir : rootvnode;
	vref(rdir);
	if (ndp->ni_pnbuf[0] == '/')
		dp = rdir;
	else if (ndp->ni_atdir != NULL)
		dp = ndp->ni_atdir;
	else
		dp = cwdi->cwdi_cdir;
	vref(dp);
	rw_exit(&cwdi->cwdi_lock);

	cp = ndp->ni_pnbuf;
	for (;;) {
		while (*cp == '/')
			cp++;
		if (*cp == '\0') {
			/* The path named dp itself ("/", "a/" after "a"). */
			cnp->cn_nameptr = ".";
			cnp->cn_namelen = 1;
			cnp->cn_flags = want | ISLASTCN;
			if (cnp->cn_nameiop != LOOKUP) {
				error = cnp->cn_nameiop == CREATE ? EEXIST :
								    EBUSY;
				goto bad_dp;
			}
			vref(dp);
			vrele(rdir);
			return namei_finish(ndp, dp, dp);
		}
		for (next = cp; *next != '\0' && *next != '/'; next++)
			continue;
		len = (size_t)(next - cp);
		if (len > MAXNAMLEN) {
			error = ENAMETOOLONG;
			goto bad_dp;
		}
		cnp->cn_nameptr = cp;
		cnp->cn_namelen = len;
		cnp->cn_flags = want;
		while (*next == '/')
			next++;
		islast = *next == '\0';
		if (islast) {
			cnp->cn_flags |= ISLASTCN;
			if (next > cp + len)
				cnp->cn_flags |= REQUIREDIR;
		}
		if (dp->v_type != VDIR) {
			error = ENOTDIR;
			goto bad_dp;
		}

		if (len == 1 && cp[0] == '.') {
			if (islast && (cnp->cn_nameiop == DELETE ||
			    cnp->cn_nameiop == RENAME)) {
				error = EINVAL;
				goto bad_dp;
			}
			vn_lock(dp, LK_SHARED | LK_RETRY);
			error = VOP_ACCESS(dp, VEXEC, cnp->cn_cred);
			vn_unlock(dp);
			if (error)
				goto bad_dp;
			vref(dp);
			vp = dp;
		} else if (len == 2 && cp[0] == '.' && cp[1] == '.') {
			if (islast && (cnp->cn_nameiop == DELETE ||
			    cnp->cn_nameiop == RENAME)) {
				error = EINVAL;
				goto bad_dp;
			}
			cnp->cn_flags |= ISDOTDOT;
			/* Climb down from mounted roots to what they cover. */
			while (!is_walk_root(dp, rdir) &&
			    (dp->v_vflag & VV_ROOT) &&
			    dp->v_mount->mnt_vnodecovered != NULL) {
				tdp = dp->v_mount->mnt_vnodecovered;
				vref(tdp);
				vrele(dp);
				dp = tdp;
			}
			if (is_walk_root(dp, rdir)) {
				vref(dp);
				vp = dp;
			} else {
				error = lookup_component(ndp, dp, &vp);
				if (error)
					goto bad_dp;
			}
		} else {
			error = lookup_component(ndp, dp, &vp);
			if (error == EJUSTRETURN || (error == ENOENT && islast &&
			    (cnp->cn_nameiop == CREATE ||
			    cnp->cn_nameiop == RENAME))) {
				if (!islast ||
				    (cnp->cn_nameiop != CREATE &&
				    cnp->cn_nameiop != RENAME)) {
					error = ENOENT;
					goto bad_dp;
				}
				error = check_modify(ndp, dp, NULL);
				if (error)
					goto bad_dp;
				vrele(rdir);
				return namei_finish(ndp, dp, NULL);
			}
			if (error)
				goto bad_dp;
		}

		/* vp is referenced here. */
		if (!(islast && (cnp->cn_flags & NOCROSSMOUNT))) {
			error = cross_mounts(&vp);
			if (error) {
				vrele(vp);
				goto bad_dp;
			}
		}
		if (vp->v_type == VLNK &&
		    (!islast || (cnp->cn_flags & (FOLLOW | REQUIREDIR)))) {
			error = expand_symlink(ndp, vp, next, &absolute);
			vrele(vp);
			if (error)
				goto bad_dp;
			if (absolute) {
				vrele(dp);
				dp = rdir;
				vref(dp);
			}
			cp = ndp->ni_pnbuf;
			continue;
		}
		if (islast) {
			if ((cnp->cn_nameiop == DELETE ||
			    cnp->cn_nameiop == RENAME) && vp != dp) {
				error = check_modify(ndp, dp, vp);
				if (error) {
					vrele(vp);
					goto bad_dp;
				}
			}
			vrele(rdir);
			return namei_finish(ndp, dp, vp);
		}
		vrele(dp);
		dp = vp;
		cp = next;
	}

bad_dp:
	vrele(dp);
	vrele(rdir);
	return error;
}
