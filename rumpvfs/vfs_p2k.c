/*
 * libp2k's kernel half: puffs-style node operations on vnodes, for file
 * servers (the FUSE bridge) that name files by node instead of by path.
 *
 * A node is a referenced vnode.  The server keeps a reference for as long
 * as its client knows the node, so VOP_INACTIVE and VOP_RECLAIM follow the
 * client's lifetime of the node.  Names are single components, looked up
 * with namei() relative to the directory vnode: the checks of the
 * system-call layer (search and write permission, the sticky rule,
 * read-only mounts, "." and "..", the name cache) apply unchanged.  Every
 * call runs with the credentials of the request it serves.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/file.h"
#include "sys/uio.h"
#include "sys/lwp.h"
#include "rumpfs.h"
#include "rumpvfs_if_priv.h"

/* --- credentials ---------------------------------------------------------- */

/* Run the rest of this call as pc; returns what p2k_cred_leave() restores. */
static kauth_cred_t
p2k_cred_enter(const struct rump_p2k_cred *pc)
{
	struct lwp *l = curlwp;
	kauth_cred_t save = l->l_cred, cred;
	uint32_t i, n;

	if (pc == NULL)
		return save;
	cred = kauth_cred_alloc();
	cred->cr_uid = cred->cr_euid = cred->cr_svuid = pc->pc_uid;
	cred->cr_gid = cred->cr_egid = cred->cr_svgid = pc->pc_gid;
	n = MIN(pc->pc_ngroups, (uint32_t)NGROUPS_MAX_K);
	for (i = 0; i < n; i++)
		cred->cr_groups[i] = pc->pc_groups[i];
	cred->cr_ngroups = (int)n;
	l->l_cred = cred;
	return save;
}

static void
p2k_cred_leave(kauth_cred_t save)
{
	struct lwp *l = curlwp;

	if (l->l_cred != save) {
		kauth_cred_free(l->l_cred);
		l->l_cred = save;
	}
}

static bool
p2k_sysvgroups(const struct rump_p2k_cred *pc)
{
	return pc != NULL && (pc->pc_flags & RUMP_P2K_SYSVGROUPS);
}

/* --- helpers -------------------------------------------------------------- */

/* namei() of the single component name in dvp. */
static int
p2k_namei(struct nameidata *nd, struct vnode *dvp, const char *name,
    uint32_t op, uint32_t flags)
{
	if (dvp == NULL || name == NULL)
		return EINVAL;
	if (name[0] == '\0')
		return ENOENT;
	if (strchr(name, '/') != NULL)
		return EINVAL;
	NDINIT(nd, op, flags | NOFOLLOW | NOCROSSMOUNT, name);
	nd->ni_atdir = dvp;
	return namei(nd);
}

/* A CREATE lookup; EEXIST (with everything released) if name exists. */
static int
p2k_namei_create(struct nameidata *nd, struct vnode *dvp, const char *name)
{
	int error;

	error = p2k_namei(nd, dvp, name, CREATE, LOCKPARENT);
	if (error)
		return error;
	if (nd->ni_vp != NULL) {
		vrele(nd->ni_vp); /* unlocked: LOCKLEAF was not asked for */
		vput(nd->ni_dvp);
		return EEXIST;
	}
	return 0;
}

/* Attributes of an unlocked vnode (st may be NULL). */
static int
p2k_stat(struct vnode *vp, struct rump_stat *st)
{
	int error;

	if (st == NULL)
		return 0;
	vn_lock(vp, LK_SHARED | LK_RETRY);
	error = vn_stat(vp, st);
	vn_unlock(vp);
	return error;
}

/*
 * Give a new file the creator's group, as Linux does unless the directory
 * is set-group-id; the file systems follow the BSD rule (the directory's).
 */
static void
p2k_fixgroup(struct vnode *vp, kauth_cred_t cred)
{
	struct vattr va;

	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	vattr_null(&va);
	if (VOP_GETATTR(vp, &va, cred) == 0 &&
	    va.va_gid != kauth_cred_getegid(cred)) {
		vattr_null(&va);
		va.va_gid = kauth_cred_getegid(cred);
		(void)VOP_SETATTR(vp, &va, FSCRED);
	}
	vn_unlock(vp);
}

/*
 * Make the node a CREATE lookup found free: the type is va->va_type.  The
 * parent (locked by the lookup) is unlocked and released.
 */
static int
p2k_newnode(struct nameidata *nd, struct vattr *va, char *target,
    bool sysvgroups, struct vnode **vpp)
{
	struct vnode *dvp = nd->ni_dvp;
	struct componentname *cnp = &nd->ni_cnd;
	struct vattr dva;
	bool fix = false;
	int error;

	switch (va->va_type) {
	case VDIR:
		error = VOP_MKDIR(dvp, vpp, cnp, va);
		break;
	case VLNK:
		error = VOP_SYMLINK(dvp, vpp, cnp, va, target);
		break;
	case VREG:
		error = VOP_CREATE(dvp, vpp, cnp, va);
		break;
	default:
		error = VOP_MKNOD(dvp, vpp, cnp, va);
		break;
	}
	if (error == 0) {
		cache_purge_name(dvp, cnp->cn_nameptr, cnp->cn_namelen);
		vattr_null(&dva);
		fix = sysvgroups && VOP_GETATTR(dvp, &dva, cnp->cn_cred) == 0 &&
		    !(dva.va_mode & RUMP_S_ISGID);
	}
	vput(dvp);
	if (fix)
		p2k_fixgroup(*vpp, cnp->cn_cred);
	return error;
}

/*
 * What open(2) does once it has the vnode (locked; exclusive for writing
 * or truncating): the checks, O_TRUNC, VOP_OPEN, and a file object.
 */
static int
p2k_openvp(struct vnode *vp, int fmode, kauth_cred_t cred, bool created,
    struct file **fpp)
{
	struct vattr va;
	struct file *fp;
	int error, acc = 0;

	if (vp->v_type == VSOCK)
		return EOPNOTSUPP;
	if (vp->v_type == VLNK)
		return ELOOP;
	if ((fmode & RUMP_O_DIRECTORY) && vp->v_type != VDIR)
		return ENOTDIR;
	if (!created) {
		if (fmode & FREAD)
			acc |= VREAD;
		if (fmode & (FWRITE | RUMP_O_TRUNC)) {
			if (vp->v_type == VDIR)
				return EISDIR;
			acc |= VWRITE;
			if (vp->v_type == VREG &&
			    (vp->v_mount->mnt_flag & MNT_RDONLY))
				return EROFS;
		}
		if (acc && (error = VOP_ACCESS(vp, acc, cred)) != 0)
			return error;
		if ((fmode & RUMP_O_TRUNC) && vp->v_type == VREG) {
			vattr_null(&va);
			va.va_size = 0;
			error = VOP_SETATTR(vp, &va, cred);
			if (error)
				return error;
		}
	}
	error = VOP_OPEN(vp, fmode & (FMASK | RUMP_O_TRUNC), cred);
	if (error)
		return error;
	fp = file_alloc();
	vref(vp);
	fp->f_vnode = vp;
	fp->f_flag = fmode & FMASK;
	kauth_cred_hold(cred);
	fp->f_cred = cred;
	*fpp = fp;
	return 0;
}

static int
p2k_fmode(int oflags, int *fmodep)
{
	if ((oflags & RUMP_O_ACCMODE) == RUMP_O_ACCMODE)
		return EINVAL;
	*fmodep = FFLAGS(oflags);
	return 0;
}

/* --- nodes ---------------------------------------------------------------- */

/* The root of what is mounted at mntpath ("/": the kernel's own root). */
int
rump_p2k_root(const char *mntpath, struct vnode **vpp, struct rump_stat *st)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, mntpath);
	error = namei(&nd);
	if (error)
		return error;
	vp = nd.ni_vp;
	if (!(vp->v_vflag & VV_ROOT))
		error = EINVAL; /* nothing is mounted there */
	if (error == 0)
		error = p2k_stat(vp, st);
	if (error) {
		vrele(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

void
rump_p2k_vref(struct vnode *vp)
{
	vref(vp);
}

void
rump_p2k_vrele(struct vnode *vp)
{
	if (vp != NULL)
		vrele(vp);
}

int
rump_p2k_lookup(const struct rump_p2k_cred *pc, struct vnode *dvp,
    const char *name, struct vnode **vpp, struct rump_stat *st)
{
	struct nameidata nd;
	struct vnode *vp = NULL;
	kauth_cred_t save;
	int error;

	save = p2k_cred_enter(pc);
	if (dvp != NULL && name != NULL && strcmp(name, "..") == 0 &&
	    (dvp->v_vflag & VV_ROOT)) {
		/* The root is its own parent: never climb out of the image. */
		vref(dvp);
		vp = dvp;
		error = 0;
	} else {
		error = p2k_namei(&nd, dvp, name, LOOKUP, 0);
		if (error == 0)
			vp = nd.ni_vp;
	}
	if (error == 0) {
		error = p2k_stat(vp, st);
		if (error)
			vrele(vp);
		else
			*vpp = vp;
	}
	p2k_cred_leave(save);
	return error;
}

int
rump_p2k_getattr(
    const struct rump_p2k_cred *pc, struct vnode *vp, struct rump_stat *st)
{
	kauth_cred_t save;
	int error;

	save = p2k_cred_enter(pc);
	error = p2k_stat(vp, st);
	p2k_cred_leave(save);
	return error;
}

/* One time of a setattr: a value or RUMP_UTIME_NOW. */
static int
p2k_settime(struct timespec *dst, const struct rump_timespec *src,
    const struct timespec *now, int *nnow)
{
	if (src->tv_nsec == RUMP_UTIME_NOW) {
		*dst = *now;
		(*nnow)++;
		return 0;
	}
	if (src->tv_nsec < 0 || src->tv_nsec >= 1000000000)
		return EINVAL;
	dst->tv_sec = (time_t)src->tv_sec;
	dst->tv_nsec = (long)src->tv_nsec;
	return 0;
}

static int
p2k_sa2vattr(const struct rump_p2k_setattr *sa, struct vattr *va)
{
	struct timespec now;
	int error = 0, nnow = 0;

	vattr_null(va);
	if (sa->sa_valid & RUMP_P2K_SA_MODE)
		va->va_mode = sa->sa_mode & RUMP_ALLPERMS;
	if (sa->sa_valid & RUMP_P2K_SA_UID)
		va->va_uid = sa->sa_uid;
	if (sa->sa_valid & RUMP_P2K_SA_GID)
		va->va_gid = sa->sa_gid;
	if (sa->sa_valid & RUMP_P2K_SA_SIZE) {
		if (sa->sa_size < 0)
			return EINVAL;
		va->va_size = sa->sa_size;
	}
	getnanotime(&now);
	if (sa->sa_valid & RUMP_P2K_SA_ATIME)
		error = p2k_settime(&va->va_atime, &sa->sa_atime, &now, &nnow);
	if (error == 0 && (sa->sa_valid & RUMP_P2K_SA_MTIME))
		error = p2k_settime(&va->va_mtime, &sa->sa_mtime, &now, &nnow);
	if (nnow == 2)
		va->va_vaflags |= VA_UTIMES_NULL; /* "touch": writers may */
	return error;
}

/* truncate(2) by name needs write permission; ftruncate(2) had it. */
static int
p2k_truncate_check(struct vnode *vp, kauth_cred_t cred)
{
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (vp->v_mount->mnt_flag & MNT_RDONLY)
		return EROFS;
	return VOP_ACCESS(vp, VWRITE, cred);
}

/*
 * A write's loss of the set-id bits, asked for separately: allowed to
 * anybody who may write vp, though not its owner.  *done when handled.
 */
static int
p2k_killpriv(struct vnode *vp, struct vattr *va, kauth_cred_t cred, bool *done)
{
	struct vattr cur;
	mode_t setid = RUMP_S_ISUID | RUMP_S_ISGID;
	int error;

	*done = false;
	vattr_null(&cur);
	if ((error = VOP_GETATTR(vp, &cur, cred)) != 0)
		return error;
	if (kauth_cred_geteuid(cred) == cur.va_uid ||
	    kauth_cred_issuser(cred) || !(cur.va_mode & setid) ||
	    va->va_mode != (cur.va_mode & RUMP_ALLPERMS & ~setid))
		return 0; /* the ordinary rules decide */
	if ((vp->v_mount->mnt_flag & MNT_RDONLY) ||
	    VOP_ACCESS(vp, VWRITE, cred) != 0)
		return 0; /* a chmod by somebody else: EPERM then */
	*done = true;
	return VOP_SETATTR(vp, va, FSCRED);
}

int
rump_p2k_setattr(const struct rump_p2k_cred *pc, struct vnode *vp,
    struct file *fp, const struct rump_p2k_setattr *sa, struct rump_stat *st)
{
	struct vattr va;
	kauth_cred_t save;
	bool done = false;
	int error;

	error = p2k_sa2vattr(sa, &va);
	if (error)
		return error;
	save = p2k_cred_enter(pc);
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	if (sa->sa_valid == (RUMP_P2K_SA_MODE | RUMP_P2K_SA_KILLPRIV))
		error = p2k_killpriv(vp, &va, kauth_cred_get(), &done);
	if (error == 0 && (sa->sa_valid & RUMP_P2K_SA_SIZE) &&
	    (fp == NULL || !(fp->f_flag & FWRITE)))
		error = p2k_truncate_check(vp, kauth_cred_get());
	if (error == 0 && !done)
		error = vn_setattr_checked(vp, &va, kauth_cred_get());
	vn_unlock(vp);
	if (error == 0)
		error = p2k_stat(vp, st);
	p2k_cred_leave(save);
	return error;
}

int
rump_p2k_access(const struct rump_p2k_cred *pc, struct vnode *vp, int mode)
{
	kauth_cred_t save;
	int error = 0, acc = 0;

	if (mode & ~(RUMP_R_OK | RUMP_W_OK | RUMP_X_OK))
		return EINVAL;
	if (mode & RUMP_R_OK)
		acc |= VREAD;
	if (mode & RUMP_W_OK)
		acc |= VWRITE;
	if (mode & RUMP_X_OK)
		acc |= VEXEC;
	save = p2k_cred_enter(pc);
	vn_lock(vp, LK_SHARED | LK_RETRY);
	if ((acc & VWRITE) && (vp->v_mount->mnt_flag & MNT_RDONLY) &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		error = EROFS;
	else if (acc)
		error = VOP_ACCESS(vp, acc, kauth_cred_get());
	vn_unlock(vp);
	p2k_cred_leave(save);
	return error;
}

/* --- open files ----------------------------------------------------------- */

int
rump_p2k_open(const struct rump_p2k_cred *pc, struct vnode *vp, int oflags,
    struct file **fpp)
{
	kauth_cred_t save;
	int error, fmode;

	if ((error = p2k_fmode(oflags, &fmode)) != 0)
		return error;
	save = p2k_cred_enter(pc);
	vn_lock(vp,
	    ((fmode & (FWRITE | RUMP_O_TRUNC)) ? LK_EXCLUSIVE : LK_SHARED) |
	        LK_RETRY);
	error = p2k_openvp(vp, fmode, kauth_cred_get(), false, fpp);
	vn_unlock(vp);
	p2k_cred_leave(save);
	return error;
}

int
rump_p2k_close(struct file *fp)
{
	file_release(fp);
	return 0;
}

static int
p2k_io(struct file *fp, enum uio_rw rw, void *buf, size_t len, int64_t off,
    size_t *done)
{
	int64_t n = 0;
	int error;

	*done = 0;
	if (off < 0)
		return EINVAL;
	error = vn_io(fp, rw, buf, len, off, true, &n);
	*done = (size_t)n;
	return error;
}

int
rump_p2k_read(struct file *fp, void *buf, size_t len, int64_t off, size_t *done)
{
	return p2k_io(fp, UIO_READ, buf, len, off, done);
}

int
rump_p2k_write(
    struct file *fp, const void *buf, size_t len, int64_t off, size_t *done)
{
	return p2k_io(fp, UIO_WRITE, (void *)(uintptr_t)buf, len, off, done);
}

int
rump_p2k_fsync(struct file *fp, int datasync)
{
	struct vnode *vp = fp->f_vnode;
	int error;

	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	error = VOP_FSYNC(
	    vp, fp->f_cred, FSYNC_WAIT | (datasync ? FSYNC_DATAONLY : 0), 0, 0);
	vn_unlock(vp);
	return error;
}

int
rump_p2k_readdir(struct file *fp, int64_t *cookiep, void *buf, size_t len,
    size_t *done, int *eofp)
{
	struct vnode *vp = fp->f_vnode;
	struct kiovec iov;
	struct uio uio;
	int error, eof = 0;

	*done = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (!(fp->f_flag & FREAD))
		return EBADF;
	uio_setup1(&uio, &iov, buf, len, *cookiep, UIO_READ);
	vn_lock(vp, LK_SHARED | LK_RETRY);
	error = VOP_READDIR(vp, &uio, fp->f_cred, &eof);
	vn_unlock(vp);
	if (error == 0) {
		*cookiep = uio.uio_offset;
		*done = len - uio.uio_resid;
		*eofp = eof;
	}
	return error;
}

int
rump_p2k_readlink(const struct rump_p2k_cred *pc, struct vnode *vp, char *buf,
    size_t len, size_t *done)
{
	struct kiovec iov;
	struct uio uio;
	kauth_cred_t save;
	int error;

	*done = 0;
	if (vp->v_type != VLNK)
		return EINVAL;
	save = p2k_cred_enter(pc);
	uio_setup1(&uio, &iov, buf, len, 0, UIO_READ);
	vn_lock(vp, LK_SHARED | LK_RETRY);
	error = VOP_READLINK(vp, &uio, kauth_cred_get());
	vn_unlock(vp);
	if (error == 0)
		*done = len - uio.uio_resid;
	p2k_cred_leave(save);
	return error;
}

/* --- changes to names ----------------------------------------------------- */

int
rump_p2k_create(const struct rump_p2k_cred *pc, struct vnode *dvp,
    const char *name, uint32_t mode, int oflags, struct vnode **vpp,
    struct rump_stat *st, struct file **fpp)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	struct file *fp = NULL;
	kauth_cred_t save;
	bool created = false;
	int error, fmode;

	if ((error = p2k_fmode(oflags, &fmode)) != 0)
		return error;
	save = p2k_cred_enter(pc);
	error = p2k_namei(&nd, dvp, name, CREATE, LOCKPARENT);
	if (error)
		goto out;
	if (nd.ni_vp == NULL) {
		vattr_null(&va);
		va.va_type = VREG;
		va.va_mode = mode & RUMP_ALLPERMS;
		error = p2k_newnode(&nd, &va, NULL, p2k_sysvgroups(pc), &vp);
		if (error)
			goto out;
		created = true;
	} else {
		/* Opening what a concurrent create made is open(2) too. */
		vp = nd.ni_vp;
		vput(nd.ni_dvp);
		if ((fmode & RUMP_O_EXCL) || fpp == NULL) {
			vrele(vp);
			error = EEXIST;
			goto out;
		}
	}
	if (fpp != NULL) {
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
		error = p2k_openvp(vp, fmode, kauth_cred_get(), created, &fp);
		vn_unlock(vp);
	}
	if (error == 0)
		error = p2k_stat(vp, st);
	if (error) {
		if (fp != NULL)
			file_release(fp);
		vrele(vp);
		goto out;
	}
	*vpp = vp;
	if (fpp != NULL)
		*fpp = fp;
out:
	p2k_cred_leave(save);
	return error;
}

/* mknod, mkdir and symlink: a new node of va's type named name in dvp. */
static int
p2k_make(const struct rump_p2k_cred *pc, struct vnode *dvp, const char *name,
    struct vattr *va, char *target, struct vnode **vpp, struct rump_stat *st)
{
	struct nameidata nd;
	struct vnode *vp;
	kauth_cred_t save;
	int error;

	save = p2k_cred_enter(pc);
	error = p2k_namei_create(&nd, dvp, name);
	if (error == 0)
		error = p2k_newnode(&nd, va, target, p2k_sysvgroups(pc), &vp);
	if (error == 0) {
		error = p2k_stat(vp, st);
		if (error)
			vrele(vp);
		else
			*vpp = vp;
	}
	p2k_cred_leave(save);
	return error;
}

int
rump_p2k_mknod(const struct rump_p2k_cred *pc, struct vnode *dvp,
    const char *name, uint32_t mode, uint64_t rdev, struct vnode **vpp,
    struct rump_stat *st)
{
	struct vattr va;
	enum vtype type;
	bool root;

	type = (mode & RUMP_S_IFMT) == 0 ? VREG : iftovt(mode);
	root = pc == NULL || pc->pc_uid == 0;
	switch (type) {
	case VREG:
	case VFIFO:
	case VSOCK: /* Linux lets anybody make sockets and fifos */
		break;
	case VCHR:
	case VBLK:
		if (!root)
			return EPERM;
		break;
	default:
		return EINVAL;
	}
	vattr_null(&va);
	va.va_type = type;
	va.va_mode = mode & RUMP_ALLPERMS;
	va.va_rdev = (type == VCHR || type == VBLK) ? rdev : (dev_t)VNOVAL;
	return p2k_make(pc, dvp, name, &va, NULL, vpp, st);
}

int
rump_p2k_mkdir(const struct rump_p2k_cred *pc, struct vnode *dvp,
    const char *name, uint32_t mode, struct vnode **vpp, struct rump_stat *st)
{
	struct vattr va;

	vattr_null(&va);
	va.va_type = VDIR;
	va.va_mode = mode & RUMP_ALLPERMS;
	return p2k_make(pc, dvp, name, &va, NULL, vpp, st);
}

int
rump_p2k_symlink(const struct rump_p2k_cred *pc, struct vnode *dvp,
    const char *name, const char *target, struct vnode **vpp,
    struct rump_stat *st)
{
	struct vattr va;
	char *kt;
	size_t len;
	int error;

	kt = kmem_alloc(MAXPATHLEN, KM_SLEEP);
	error = copyinstr(target, kt, MAXPATHLEN, &len);
	if (error == 0 && kt[0] == '\0')
		error = ENOENT;
	if (error == 0) {
		vattr_null(&va);
		va.va_type = VLNK;
		va.va_mode = 0777;
		error = p2k_make(pc, dvp, name, &va, kt, vpp, st);
	}
	kmem_free(kt, MAXPATHLEN);
	return error;
}

/* unlink and rmdir */
static int
p2k_remove(const struct rump_p2k_cred *pc, struct vnode *dvp, const char *name,
    bool dir)
{
	struct nameidata nd;
	struct vnode *vp;
	kauth_cred_t save;
	int error;

	save = p2k_cred_enter(pc);
	error = p2k_namei(&nd, dvp, name, DELETE, LOCKPARENT | LOCKLEAF);
	if (error)
		goto out;
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
		error = EISDIR; /* Linux's unlink(2) of a directory */
	else if (dir)
		error = VOP_RMDIR(dvp, vp, &nd.ni_cnd);
	else
		error = VOP_REMOVE(dvp, vp, &nd.ni_cnd);
	if (error == 0) {
		cache_purge_name(
		    dvp, nd.ni_cnd.cn_nameptr, nd.ni_cnd.cn_namelen);
		if (dir)
			cache_purge(vp);
	}
	if (vp != NULL) {
		if (vp == dvp)
			vrele(vp);
		else
			vput(vp);
	}
	vput(dvp);
out:
	p2k_cred_leave(save);
	return error;
}

int
rump_p2k_remove(
    const struct rump_p2k_cred *pc, struct vnode *dvp, const char *name)
{
	return p2k_remove(pc, dvp, name, false);
}

int
rump_p2k_rmdir(
    const struct rump_p2k_cred *pc, struct vnode *dvp, const char *name)
{
	return p2k_remove(pc, dvp, name, true);
}

int
rump_p2k_link(const struct rump_p2k_cred *pc, struct vnode *vp,
    struct vnode *dvp, const char *name, struct rump_stat *st)
{
	struct nameidata nd;
	kauth_cred_t save;
	int error;

	if (vp->v_type == VDIR)
		return EPERM;
	save = p2k_cred_enter(pc);
	error = p2k_namei_create(&nd, dvp, name);
	if (error)
		goto out;
	if (nd.ni_dvp->v_mount != vp->v_mount) {
		error = EXDEV;
	} else {
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
		error = VOP_LINK(nd.ni_dvp, vp, &nd.ni_cnd);
		vn_unlock(vp);
		if (error == 0)
			cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
			    nd.ni_cnd.cn_namelen);
	}
	vput(nd.ni_dvp);
	if (error == 0)
		error = p2k_stat(vp, st);
out:
	p2k_cred_leave(save);
	return error;
}

static int
p2k_checkname(const char *name)
{
	if (name == NULL)
		return EINVAL;
	if (name[0] == '\0')
		return ENOENT;
	if (strchr(name, '/') != NULL)
		return EINVAL;
	return 0;
}

int
rump_p2k_rename(const struct rump_p2k_cred *pc, struct vnode *fdvp,
    const char *fname, struct vnode *tdvp, const char *tname, int flags)
{
	kauth_cred_t save;
	int error;

	if (flags & ~RUMP_P2K_RENAME_NOREPLACE)
		return EINVAL;
	if ((error = p2k_checkname(fname)) != 0 ||
	    (error = p2k_checkname(tname)) != 0)
		return error;
	save = p2k_cred_enter(pc);
	error = vfs_rename_at(fdvp, fname, tdvp, tname,
	    (flags & RUMP_P2K_RENAME_NOREPLACE) ? VFS_RENAME_NOREPLACE : 0);
	p2k_cred_leave(save);
	return error;
}

/* --- the file system ------------------------------------------------------ */

int
rump_p2k_statvfs(struct vnode *vp, struct rump_statvfs *sb)
{
	struct mount *mp = vp->v_mount;
	int error;

	memset(sb, 0, sizeof(*sb));
	error = VFS_STATVFS(mp, sb);
	if (error)
		return error;
	vfs_statvfs_copy_names(mp, sb);
	if (sb->f_namemax == 0)
		sb->f_namemax = 255;
	return 0;
}

int
rump_p2k_sync(struct vnode *vp, int waitfor)
{
	struct mount *mp = vp->v_mount;
	int error;

	if (mp->mnt_flag & MNT_RDONLY)
		return 0;
	error = vfs_busy(mp);
	if (error)
		return error;
	error = VFS_SYNC(
	    mp, waitfor == RUMP_MNT_NOWAIT ? MNT_NOWAIT : MNT_WAIT, NOCRED);
	vfs_unbusy(mp);
	return error;
}
