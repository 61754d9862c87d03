/*
 * rumpfs: the in-memory file system at the root of the kernel.  It holds
 * the directories that images are mounted on and the device nodes through
 * which host files are seen (etfs); it is a complete small file system in
 * its own right, so the VFS tests run against it too.
 *
 * A node's contents are protected by its vnode lock; the node lives while
 * it has links or a vnode.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/buf.h"
#include "sys/uio.h"
#include "sys/etfs.h"
#include "sys/file.h"
#include "sys/rump_private.h"
#include "rumpfs.h"

struct rumpfs_dent {
	TAILQ_ENTRY(rumpfs_dent) rd_entries;
	struct rumpfs_node *rd_node;
	off_t rd_cookie; /* readdir position; grows with each insert */
	size_t rd_namelen;
	char rd_name[];
};

struct rumpfs_node {
	struct rumpfs_node *rn_key; /* points to itself: the vcache key */
	ino_t rn_ino;
	enum vtype rn_type;
	mode_t rn_mode;
	uid_t rn_uid;
	gid_t rn_gid;
	nlink_t rn_nlink;
	bool rn_hasvnode;
	struct timespec rn_atime, rn_mtime, rn_ctime, rn_birthtime;
	dev_t rn_rdev;
	/* VDIR */
	TAILQ_HEAD(, rumpfs_dent) rn_dir;
	struct rumpfs_node *rn_parent;
	off_t rn_nextcookie;
	/* VREG */
	uint8_t *rn_data;
	size_t rn_alloc;
	off_t rn_size;
	/* VLNK */
	char *rn_target;
	/* VBLK from etfs */
	struct etfs_dev *rn_etfs;
};

#define RUMPFS_MAXSIZE ((off_t)1 << 32) /* memory-backed: keep it sane */
#define DOT_COOKIE     0
#define DOTDOT_COOKIE  1
#define FIRST_COOKIE   2

static int (**rumpfs_vnodeop_p)(void *);
static int (**rumpfs_specop_p)(void *);
static struct mount *rumpfs_mp;
static struct rumpfs_node *rumpfs_root;
static kmutex_t rumpfs_ino_lock;
static ino_t rumpfs_nextino = 2;

static struct rumpfs_node *
rn_alloc(enum vtype type, mode_t mode, uid_t uid, gid_t gid)
{
	struct rumpfs_node *rn;

	rn = kmem_zalloc(sizeof(*rn), KM_SLEEP);
	rn->rn_key = rn;
	rn->rn_type = type;
	rn->rn_mode = mode & RUMP_ALLPERMS;
	rn->rn_uid = uid;
	rn->rn_gid = gid;
	rn->rn_rdev = (dev_t)VNOVAL;
	TAILQ_INIT(&rn->rn_dir);
	rn->rn_nextcookie = FIRST_COOKIE;
	getnanotime(&rn->rn_ctime);
	rn->rn_atime = rn->rn_mtime = rn->rn_birthtime = rn->rn_ctime;
	mutex_enter(&rumpfs_ino_lock);
	rn->rn_ino = rumpfs_nextino++;
	mutex_exit(&rumpfs_ino_lock);
	return rn;
}

static void
rn_free(struct rumpfs_node *rn)
{
	KASSERT(TAILQ_EMPTY(&rn->rn_dir));
	if (rn->rn_data != NULL)
		kmem_free(rn->rn_data, rn->rn_alloc);
	if (rn->rn_target != NULL)
		kmem_strfree(rn->rn_target);
	if (rn->rn_etfs != NULL)
		etfs_release(rn->rn_etfs);
	kmem_free(rn, sizeof(*rn));
}

static void
rn_touch(struct rumpfs_node *rn, bool mod)
{
	getnanotime(&rn->rn_ctime);
	if (mod)
		rn->rn_mtime = rn->rn_ctime;
}

static struct rumpfs_dent *
dir_find(struct rumpfs_node *dir, const char *name, size_t len)
{
	struct rumpfs_dent *rd;

	TAILQ_FOREACH(rd, &dir->rn_dir, rd_entries)
	{
		if (rd->rd_namelen == len && memcmp(rd->rd_name, name, len) == 0)
			return rd;
	}
	return NULL;
}

static void
dir_add(struct rumpfs_node *dir, struct rumpfs_node *rn, const char *name,
    size_t len)
{
	struct rumpfs_dent *rd;

	rd = kmem_alloc(sizeof(*rd) + len + 1, KM_SLEEP);
	rd->rd_node = rn;
	rd->rd_namelen = len;
	memcpy(rd->rd_name, name, len);
	rd->rd_name[len] = '\0';
	rd->rd_cookie = dir->rn_nextcookie++;
	TAILQ_INSERT_TAIL(&dir->rn_dir, rd, rd_entries);
	rn->rn_nlink++;
	if (rn->rn_type == VDIR) {
		rn->rn_parent = dir;
		dir->rn_nlink++; /* the child's ".." */
	}
	rn_touch(dir, true);
}

static void
dir_remove(struct rumpfs_node *dir, struct rumpfs_dent *rd)
{
	struct rumpfs_node *rn = rd->rd_node;

	TAILQ_REMOVE(&dir->rn_dir, rd, rd_entries);
	rn->rn_nlink--;
	if (rn->rn_type == VDIR) {
		dir->rn_nlink--;
		rn->rn_nlink--; /* its "." */
	}
	kmem_free(rd, sizeof(*rd) + rd->rd_namelen + 1);
	rn_touch(dir, true);
	rn_touch(rn, false);
}

static int
rumpfs_getvnode(struct rumpfs_node *rn, struct vnode **vpp)
{
	return vcache_get(rumpfs_mp, &rn->rn_key, sizeof(rn->rn_key), vpp);
}

/* --- vfs operations ------------------------------------------------------ */

static int
rumpfs_mount(struct mount *mp, const char *path, void *data, size_t *len)
{
	if (rumpfs_mp != NULL)
		return EBUSY; /* one instance: the root */
	rumpfs_mp = mp;
	mp->mnt_fs_bshift = 12;
	mp->mnt_dev_bshift = DEV_BSHIFT;
	memcpy(mp->mnt_stat.f_mntfromname, "rumpfs", 7);
	return 0;
}

static int
rumpfs_unmount(struct mount *mp, int flags)
{
	return EBUSY; /* the root stays */
}

static int
rumpfs_root_op(struct mount *mp, int lktype, struct vnode **vpp)
{
	int error;

	error = rumpfs_getvnode(rumpfs_root, vpp);
	if (error == 0 && lktype != LK_NONE)
		vn_lock(*vpp, lktype | LK_RETRY);
	return error;
}

static int
rumpfs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	sbp->f_bsize = sbp->f_frsize = sbp->f_iosize = 4096;
	sbp->f_namemax = MAXNAMLEN;
	return 0;
}

static int
rumpfs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	return 0;
}

static int
rumpfs_loadvnode(struct mount *mp, struct vnode *vp, const void *key,
    size_t keylen, const void **newkey)
{
	struct rumpfs_node *rn;

	KASSERT(keylen == sizeof(rn));
	memcpy(&rn, key, sizeof(rn));
	vp->v_type = rn->rn_type;
	vp->v_op = (rn->rn_type == VBLK || rn->rn_type == VCHR) ?
	    rumpfs_specop_p : rumpfs_vnodeop_p;
	vp->v_data = rn;
	vp->v_size = rn->rn_type == VBLK && rn->rn_etfs ?
	    (off_t)rn->rn_etfs->ed_size : rn->rn_size;
	vp->v_specdev = rn->rn_etfs;
	if (rn == rumpfs_root)
		vp->v_vflag |= VV_ROOT;
	rn->rn_hasvnode = true;
	*newkey = &rn->rn_key;
	return 0;
}

static int
rumpfs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    struct vattr *vap, kauth_cred_t cred, void *extra, size_t *keylen,
    const void **newkey)
{
	struct rumpfs_node *dir = dvp->v_data, *rn;
	struct componentname *cnp = extra;
	uid_t uid = cred == NOCRED || cred == FSCRED ? 0 : cred->cr_euid;
	gid_t gid = dir->rn_gid; /* BSD rule: the group of the directory */

	rn = rn_alloc(vap->va_type, vap->va_mode, uid, gid);
	if (vap->va_type == VDIR)
		rn->rn_nlink = 1; /* "." */
	if (vap->va_rdev != (dev_t)VNOVAL)
		rn->rn_rdev = vap->va_rdev;
	dir_add(dir, rn, cnp->cn_nameptr, cnp->cn_namelen);
	vp->v_type = rn->rn_type;
	vp->v_op = (rn->rn_type == VBLK || rn->rn_type == VCHR) ?
	    rumpfs_specop_p : rumpfs_vnodeop_p;
	vp->v_data = rn;
	rn->rn_hasvnode = true;
	*keylen = sizeof(rn->rn_key);
	*newkey = &rn->rn_key;
	return 0;
}

/* --- vnode operations ---------------------------------------------------- */

static int
rumpfs_lookup(void *v)
{
	struct vop_lookup_args *ap = v;
	struct rumpfs_node *dir = ap->a_dvp->v_data;
	struct componentname *cnp = ap->a_cnp;
	struct rumpfs_dent *rd;

	if (cnp->cn_flags & ISDOTDOT) {
		if (dir->rn_parent == NULL)
			return ENOENT;
		return rumpfs_getvnode(dir->rn_parent, ap->a_vpp);
	}
	rd = dir_find(dir, cnp->cn_nameptr, cnp->cn_namelen);
	if (rd == NULL)
		return (cnp->cn_flags & ISLASTCN) &&
			(cnp->cn_nameiop == CREATE ||
			cnp->cn_nameiop == RENAME) ?
		    EJUSTRETURN :
		    ENOENT;
	return rumpfs_getvnode(rd->rd_node, ap->a_vpp);
}

static int
rumpfs_makenode(struct vnode *dvp, struct vnode **vpp,
    struct componentname *cnp, struct vattr *vap)
{
	if (cnp->cn_namelen > MAXNAMLEN)
		return ENAMETOOLONG;
	return vcache_new(dvp->v_mount, dvp, vap, cnp->cn_cred, cnp, vpp);
}

static int
rumpfs_create(void *v)
{
	struct vop_create_args *ap = v;

	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
}

static int
rumpfs_mknod(void *v)
{
	struct vop_mknod_args *ap = v;

	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
}

static int
rumpfs_mkdir(void *v)
{
	struct vop_mkdir_args *ap = v;

	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
}

static int
rumpfs_symlink(void *v)
{
	struct vop_symlink_args *ap = v;
	struct rumpfs_node *rn;
	int error;

	error = rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap);
	if (error)
		return error;
	rn = (*ap->a_vpp)->v_data;
	rn->rn_target = kmem_strdup(ap->a_target);
	rn->rn_size = (off_t)strlen(ap->a_target);
	(*ap->a_vpp)->v_size = rn->rn_size;
	return 0;
}

static int
rumpfs_remove(void *v)
{
	struct vop_remove_args *ap = v;
	struct rumpfs_node *dir = ap->a_dvp->v_data;
	struct rumpfs_dent *rd;

	rd = dir_find(dir, ap->a_cnp->cn_nameptr, ap->a_cnp->cn_namelen);
	if (rd == NULL || rd->rd_node != ap->a_vp->v_data)
		return ENOENT;
	dir_remove(dir, rd);
	return 0;
}

static int
rumpfs_rmdir(void *v)
{
	struct vop_rmdir_args *ap = v;
	struct rumpfs_node *dir = ap->a_dvp->v_data, *rn = ap->a_vp->v_data;
	struct rumpfs_dent *rd;

	if (!TAILQ_EMPTY(&rn->rn_dir))
		return ENOTEMPTY;
	if (ap->a_vp->v_mountedhere != NULL)
		return EBUSY;
	rd = dir_find(dir, ap->a_cnp->cn_nameptr, ap->a_cnp->cn_namelen);
	if (rd == NULL || rd->rd_node != rn)
		return ENOENT;
	dir_remove(dir, rd);
	rn->rn_parent = NULL;
	return 0;
}

static int
rumpfs_link(void *v)
{
	struct vop_link_args *ap = v;
	struct rumpfs_node *dir = ap->a_dvp->v_data, *rn = ap->a_vp->v_data;

	if (rn->rn_nlink >= 65000)
		return EMLINK;
	dir_add(dir, rn, ap->a_cnp->cn_nameptr, ap->a_cnp->cn_namelen);
	rn_touch(rn, false);
	return 0;
}

static int
rumpfs_rename(void *v)
{
	struct vop_rename_args *ap = v;
	struct rumpfs_node *fdir = ap->a_fdvp->v_data, *tdir = ap->a_tdvp->v_data;
	struct rumpfs_node *rn = ap->a_fvp->v_data;
	struct rumpfs_dent *frd, *trd;

	frd = dir_find(fdir, ap->a_fcnp->cn_nameptr, ap->a_fcnp->cn_namelen);
	if (frd == NULL || frd->rd_node != rn)
		return ENOENT;
	trd = dir_find(tdir, ap->a_tcnp->cn_nameptr, ap->a_tcnp->cn_namelen);
	if (trd != NULL) {
		if (trd->rd_node->rn_type == VDIR &&
		    !TAILQ_EMPTY(&trd->rd_node->rn_dir))
			return ENOTEMPTY;
		if (ap->a_tvp != NULL && ap->a_tvp->v_mountedhere != NULL)
			return EBUSY;
		dir_remove(tdir, trd);
	}
	dir_remove(fdir, frd);
	dir_add(tdir, rn, ap->a_tcnp->cn_nameptr, ap->a_tcnp->cn_namelen);
	if (rn->rn_type == VDIR)
		rn->rn_nlink++; /* dir_remove took its "." too */
	return 0;
}

static int
rumpfs_readlink(void *v)
{
	struct vop_readlink_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;

	return uiomove(rn->rn_target, (size_t)rn->rn_size, ap->a_uio);
}

static int
emit_dirent(struct uio *uio, ino_t ino, const char *name, size_t len,
    uint8_t type, off_t next, bool *full)
{
	struct rump_dirent d;
	size_t reclen = RUMP_DIRENT_SIZE(len);

	if (reclen > uio->uio_resid) {
		*full = true;
		return 0;
	}
	memset(&d, 0, reclen);
	d.d_fileno = ino;
	d.d_off = next;
	d.d_reclen = (uint16_t)reclen;
	d.d_namlen = (uint16_t)len;
	d.d_type = type;
	memcpy(d.d_name, name, len);
	return uiomove(&d, reclen, uio);
}

static int
rumpfs_readdir(void *v)
{
	struct vop_readdir_args *ap = v;
	struct rumpfs_node *dir = ap->a_vp->v_data;
	struct uio *uio = ap->a_uio;
	struct rumpfs_dent *rd;
	size_t startresid = uio->uio_resid;
	off_t off = uio->uio_offset;
	bool full = false;
	int error = 0;

	if (off < 0)
		return EINVAL;
	if (off == DOT_COOKIE) {
		error = emit_dirent(uio, dir->rn_ino, ".", 1, RUMP_DT_DIR,
		    DOTDOT_COOKIE, &full);
		if (!full)
			off = DOTDOT_COOKIE;
	}
	if (error == 0 && !full && off == DOTDOT_COOKIE) {
		error = emit_dirent(uio,
		    dir->rn_parent ? dir->rn_parent->rn_ino : dir->rn_ino,
		    "..", 2, RUMP_DT_DIR, FIRST_COOKIE, &full);
		if (!full)
			off = FIRST_COOKIE;
	}
	TAILQ_FOREACH(rd, &dir->rn_dir, rd_entries)
	{
		if (error || full)
			break;
		if (rd->rd_cookie < off)
			continue;
		error = emit_dirent(uio, rd->rd_node->rn_ino, rd->rd_name,
		    rd->rd_namelen, vtype2dt(rd->rd_node->rn_type),
		    rd->rd_cookie + 1, &full);
		if (!full)
			off = rd->rd_cookie + 1;
	}
	if (error == 0 && full && uio->uio_resid == startresid)
		error = EINVAL; /* not even one entry fits */
	uio->uio_offset = off;
	if (ap->a_eofflag != NULL)
		*ap->a_eofflag = !full;
	return error;
}

static int
rumpfs_getattr(void *v)
{
	struct vop_getattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct rumpfs_node *rn = vp->v_data;
	struct vattr *va = ap->a_vap;

	va->va_type = rn->rn_type;
	va->va_mode = rn->rn_mode;
	va->va_nlink = rn->rn_nlink;
	va->va_uid = rn->rn_uid;
	va->va_gid = rn->rn_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = rn->rn_ino;
	va->va_size = rn->rn_type == VBLK && rn->rn_etfs ?
	    (off_t)rn->rn_etfs->ed_size :
	    rn->rn_type == VDIR ? 512 : rn->rn_size;
	va->va_blocksize = 4096;
	va->va_atime = rn->rn_atime;
	va->va_mtime = rn->rn_mtime;
	va->va_ctime = rn->rn_ctime;
	va->va_birthtime = rn->rn_birthtime;
	va->va_gen = 1;
	va->va_flags = 0;
	va->va_rdev = rn->rn_rdev;
	va->va_bytes = rn->rn_type == VREG ? (uint64_t)rn->rn_alloc : 0;
	return 0;
}

static int
rumpfs_resize(struct rumpfs_node *rn, off_t size)
{
	uint8_t *nd;
	size_t nalloc;

	if (size > RUMPFS_MAXSIZE)
		return EFBIG;
	if ((size_t)size > rn->rn_alloc) {
		nalloc = rn->rn_alloc ? rn->rn_alloc : 512;
		while (nalloc < (size_t)size)
			nalloc *= 2;
		nd = kmem_zalloc(nalloc, KM_SLEEP);
		if (rn->rn_data != NULL) {
			memcpy(nd, rn->rn_data, (size_t)rn->rn_size);
			kmem_free(rn->rn_data, rn->rn_alloc);
		}
		rn->rn_data = nd;
		rn->rn_alloc = nalloc;
	} else if (size < rn->rn_size) {
		memset(rn->rn_data + size, 0, (size_t)(rn->rn_size - size));
	}
	rn->rn_size = size;
	return 0;
}

static int
rumpfs_setattr(void *v)
{
	struct vop_setattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct rumpfs_node *rn = vp->v_data;
	struct vattr *va = ap->a_vap;
	int error;

	if (va->va_size != VNOVAL) {
		error = rumpfs_resize(rn, va->va_size);
		if (error)
			return error;
		vp->v_size = rn->rn_size;
		rn_touch(rn, true);
	}
	if (va->va_mode != (mode_t)VNOVAL)
		rn->rn_mode = va->va_mode & RUMP_ALLPERMS;
	if (va->va_uid != (uid_t)VNOVAL)
		rn->rn_uid = va->va_uid;
	if (va->va_gid != (gid_t)VNOVAL)
		rn->rn_gid = va->va_gid;
	if (VATTR_TIMESET(&va->va_atime))
		rn->rn_atime = va->va_atime;
	if (VATTR_TIMESET(&va->va_mtime))
		rn->rn_mtime = va->va_mtime;
	rn_touch(rn, false);
	return 0;
}

static int
rumpfs_read(void *v)
{
	struct vop_read_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;
	struct uio *uio = ap->a_uio;
	size_t n;

	if (rn->rn_type == VDIR)
		return EISDIR;
	if (rn->rn_type != VREG)
		return EOPNOTSUPP;
	if (uio->uio_offset >= rn->rn_size)
		return 0;
	n = MIN(uio->uio_resid, (size_t)(rn->rn_size - uio->uio_offset));
	return uiomove(rn->rn_data + uio->uio_offset, n, uio);
}

static int
rumpfs_write(void *v)
{
	struct vop_write_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;
	struct uio *uio = ap->a_uio;
	off_t end;
	int error;

	if (rn->rn_type != VREG)
		return EOPNOTSUPP;
	if (ap->a_ioflag & IO_APPEND)
		uio->uio_offset = rn->rn_size;
	if (uio->uio_resid == 0)
		return 0;
	if (__builtin_add_overflow(uio->uio_offset, (off_t)uio->uio_resid,
	    &end) || end > RUMPFS_MAXSIZE)
		return EFBIG;
	if (end > rn->rn_size) {
		error = rumpfs_resize(rn, end);
		if (error)
			return error;
		ap->a_vp->v_size = end;
	}
	rn_touch(rn, true);
	return uiomove(rn->rn_data + uio->uio_offset, uio->uio_resid, uio);
}

static int
rumpfs_access(void *v)
{
	struct vop_access_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;

	return genfs_can_access(rn->rn_type, rn->rn_mode, rn->rn_uid,
	    rn->rn_gid, ap->a_mode, ap->a_cred);
}

static int
rumpfs_inactive(void *v)
{
	struct vop_inactive_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;

	*ap->a_recycle = rn->rn_nlink == 0;
	return 0;
}

static int
rumpfs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;

	rn->rn_hasvnode = false;
	if (rn->rn_nlink == 0)
		rn_free(rn);
	ap->a_vp->v_data = NULL;
	return 0;
}

static int
rumpfs_pathconf(void *v)
{
	struct vop_pathconf_args *ap = v;

	switch (ap->a_name) {
	case _PC_NAME_MAX:
		*ap->a_retval = MAXNAMLEN;
		return 0;
	case _PC_LINK_MAX:
		*ap->a_retval = 65000;
		return 0;
	case _PC_PATH_MAX:
		*ap->a_retval = MAXPATHLEN;
		return 0;
	case _PC_FILESIZEBITS:
		*ap->a_retval = 33;
		return 0;
	}
	return EINVAL;
}

/* Device nodes backed by host files: the buffer cache's way out. */
static int
rumpfs_spec_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;
	struct buf *bp = ap->a_bp;

	if (rn == NULL || rn->rn_etfs == NULL) {
		bp->b_error = ENXIO;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return ENXIO;
	}
	etfs_strategy(rn->rn_etfs, bp);
	return bp->b_error;
}

static int
rumpfs_spec_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;
	int error;

	error = vflushbuf(ap->a_vp, FSYNC_WAIT);
	if (error == 0 && rn->rn_etfs != NULL && !(ap->a_flags & FSYNC_DATAONLY))
		error = etfs_sync(rn->rn_etfs);
	return error;
}

static int
rumpfs_spec_open(void *v)
{
	struct vop_open_args *ap = v;
	struct rumpfs_node *rn = ap->a_vp->v_data;

	if (rn->rn_etfs == NULL)
		return ENXIO;
	if ((ap->a_mode & FWRITE) && (rn->rn_etfs->ed_flags & RUMP_ETFS_RDONLY))
		return EROFS;
	return 0;
}

static const struct vnodeopv_entry_desc rumpfs_vnodeop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_lookup_desc, rumpfs_lookup },
	{ &vop_create_desc, rumpfs_create },
	{ &vop_mknod_desc, rumpfs_mknod },
	{ &vop_open_desc, genfs_nullop },
	{ &vop_close_desc, genfs_nullop },
	{ &vop_access_desc, rumpfs_access },
	{ &vop_getattr_desc, rumpfs_getattr },
	{ &vop_setattr_desc, rumpfs_setattr },
	{ &vop_read_desc, rumpfs_read },
	{ &vop_write_desc, rumpfs_write },
	{ &vop_fsync_desc, genfs_nullop },
	{ &vop_seek_desc, genfs_seek },
	{ &vop_remove_desc, rumpfs_remove },
	{ &vop_link_desc, rumpfs_link },
	{ &vop_rename_desc, rumpfs_rename },
	{ &vop_mkdir_desc, rumpfs_mkdir },
	{ &vop_rmdir_desc, rumpfs_rmdir },
	{ &vop_symlink_desc, rumpfs_symlink },
	{ &vop_readdir_desc, rumpfs_readdir },
	{ &vop_readlink_desc, rumpfs_readlink },
	{ &vop_inactive_desc, rumpfs_inactive },
	{ &vop_reclaim_desc, rumpfs_reclaim },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_pathconf_desc, rumpfs_pathconf },
	{ &vop_print_desc, genfs_nullop },
	{ NULL, NULL },
};

static const struct vnodeopv_entry_desc rumpfs_specop_entries[] = {
	{ &vop_default_desc, vn_default_error },
	{ &vop_open_desc, rumpfs_spec_open },
	{ &vop_close_desc, genfs_nullop },
	{ &vop_access_desc, rumpfs_access },
	{ &vop_getattr_desc, rumpfs_getattr },
	{ &vop_setattr_desc, rumpfs_setattr },
	{ &vop_fsync_desc, rumpfs_spec_fsync },
	{ &vop_seek_desc, genfs_seek },
	{ &vop_strategy_desc, rumpfs_spec_strategy },
	{ &vop_inactive_desc, rumpfs_inactive },
	{ &vop_reclaim_desc, rumpfs_reclaim },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_pathconf_desc, rumpfs_pathconf },
	{ &vop_print_desc, genfs_nullop },
	{ NULL, NULL },
};

static const struct vnodeopv_desc rumpfs_vnodeop_opv_desc = {
	&rumpfs_vnodeop_p, rumpfs_vnodeop_entries
};
static const struct vnodeopv_desc rumpfs_specop_opv_desc = {
	&rumpfs_specop_p, rumpfs_specop_entries
};
static const struct vnodeopv_desc *const rumpfs_vnodeopv_descs[] = {
	&rumpfs_vnodeop_opv_desc, &rumpfs_specop_opv_desc, NULL
};

static struct vfsops rumpfs_vfsops = {
	.vfs_name = "rumpfs",
	.vfs_mount = rumpfs_mount,
	.vfs_unmount = rumpfs_unmount,
	.vfs_root = rumpfs_root_op,
	.vfs_statvfs = rumpfs_statvfs,
	.vfs_sync = rumpfs_sync,
	.vfs_loadvnode = rumpfs_loadvnode,
	.vfs_newvnode = rumpfs_newvnode,
	.vfs_opv_descs = rumpfs_vnodeopv_descs,
};

/* Attach the node for an etfs device to a vnode made by VOP_MKNOD. */
void
rumpfs_setdev(struct vnode *vp, struct etfs_dev *ed)
{
	struct rumpfs_node *rn = vp->v_data;

	rn->rn_etfs = ed;
	vp->v_specdev = ed;
	vp->v_size = (off_t)ed->ed_size;
}

struct etfs_dev *
rumpfs_getdev(struct vnode *vp)
{
	if (vp->v_mount != rumpfs_mp || vp->v_type != VBLK)
		return NULL;
	return ((struct rumpfs_node *)vp->v_data)->rn_etfs;
}

/* Make the root file system and return its root vnode (referenced). */
struct vnode *
rumpfs_mountroot(void)
{
	struct mount *mp;
	struct vnode *vp;
	size_t len = 0;
	int error;

	mutex_init(&rumpfs_ino_lock);
	error = vfs_attach(&rumpfs_vfsops);
	if (error)
		panic("rumpfs: attach: %d", error);
	rumpfs_root = rn_alloc(VDIR, 0755, 0, 0);
	rumpfs_root->rn_nlink = 2;
	rumpfs_root->rn_ino = 2;
	mp = mount_root_alloc(&rumpfs_vfsops, "/");
	error = VFS_MOUNT(mp, "/", NULL, &len);
	if (error == 0)
		error = VFS_ROOT(mp, LK_NONE, &vp);
	if (error)
		panic("rumpfs: cannot mount root: %d", error);
	return vp;
}
