/*
 * Vnode operations of msdosfs.  The table comes first: FAT holds regular
 * files and directories only, so links, symbolic links and device nodes
 * are not supported (the default, EOPNOTSUPP).
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

static int msdosfs_create(void *);
static int msdosfs_mkdir(void *);
static int msdosfs_open(void *);
static int msdosfs_close(void *);
static int msdosfs_access(void *);
static int msdosfs_getattr(void *);
static int msdosfs_setattr(void *);
static int msdosfs_fsync(void *);
static int msdosfs_remove(void *);
static int msdosfs_rmdir(void *);
static int msdosfs_inactive(void *);
static int msdosfs_reclaim(void *);
static int msdosfs_bmap(void *);
static int msdosfs_strategy(void *);
static int msdosfs_pathconf(void *);
static int msdosfs_print(void *);

int (**msdosfs_vnodeop_p)(void *);
static const struct vnodeopv_entry_desc msdosfs_vnodeop_entries[] = {
    {&vop_default_desc, vn_default_error},
    {&vop_lookup_desc, msdosfs_lookup}, /* msdosfs_lookup.c */
    {&vop_create_desc, msdosfs_create},
    {&vop_mknod_desc, genfs_eopnotsupp},
    {&vop_open_desc, msdosfs_open},
    {&vop_close_desc, msdosfs_close},
    {&vop_access_desc, msdosfs_access},
    {&vop_getattr_desc, msdosfs_getattr},
    {&vop_setattr_desc, msdosfs_setattr},
    {&vop_read_desc, msdosfs_read},   /* msdosfs_rdwr.c */
    {&vop_write_desc, msdosfs_write}, /* msdosfs_rdwr.c */
    {&vop_fsync_desc, msdosfs_fsync},
    {&vop_seek_desc, genfs_seek},
    {&vop_remove_desc, msdosfs_remove},
    {&vop_link_desc, genfs_eopnotsupp},
    {&vop_rename_desc, msdosfs_rename}, /* msdosfs_rename.c */
    {&vop_mkdir_desc, msdosfs_mkdir},
    {&vop_rmdir_desc, msdosfs_rmdir},
    {&vop_symlink_desc, genfs_eopnotsupp},
    {&vop_readdir_desc, msdosfs_readdir}, /* msdosfs_dir.c */
    {&vop_readlink_desc, genfs_einval},
    {&vop_inactive_desc, msdosfs_inactive},
    {&vop_reclaim_desc, msdosfs_reclaim},
    {&vop_lock_desc, genfs_lock},
    {&vop_unlock_desc, genfs_unlock},
    {&vop_islocked_desc, genfs_islocked},
    {&vop_bmap_desc, msdosfs_bmap},
    {&vop_strategy_desc, msdosfs_strategy},
    {&vop_pathconf_desc, msdosfs_pathconf},
    {&vop_print_desc, msdosfs_print},
    {NULL, NULL},
};

static const struct vnodeopv_desc msdosfs_vnodeop_opv_desc = {
    &msdosfs_vnodeop_p, msdosfs_vnodeop_entries};
const struct vnodeopv_desc *const msdosfs_vnodeopv_descs[] = {
    &msdosfs_vnodeop_opv_desc,
    NULL,
};

static bool
msdosfs_ronly(const struct denode *dep)
{
	return (dep->de_pmp->pm_flags & MSDOSFS_RONLY) != 0;
}

/*
 * Permission bits: everybody may do everything, less the mount's mask
 * (NetBSD's mount_msdos -o mask, dirmask); the read-only attribute takes
 * the write bits of a file away.
 */
static mode_t
msdosfs_mode(const struct denode *dep)
{
	const struct msdosfsmount *pmp = dep->de_pmp;

	if (msdosfs_isdir(dep))
		return 0777 & pmp->pm_dirmask;
	if (dep->de_attr & ATTR_RDONLY)
		return 0555 & pmp->pm_mask;
	return 0777 & pmp->pm_mask;
}

static int
msdosfs_create(void *v)
{
	struct vop_create_args *ap = v;

	return vcache_new(ap->a_dvp->v_mount, ap->a_dvp, ap->a_vap,
	    ap->a_cnp->cn_cred, ap->a_cnp, ap->a_vpp);
}

static int
msdosfs_mkdir(void *v)
{
	struct vop_mkdir_args *ap = v;

	return vcache_new(ap->a_dvp->v_mount, ap->a_dvp, ap->a_vap,
	    ap->a_cnp->cn_cred, ap->a_cnp, ap->a_vpp);
}

static int
msdosfs_open(void *v)
{
	struct vop_open_args *ap = v;

	if ((ap->a_mode & FWRITE) && msdosfs_ronly(VTODE(ap->a_vp)))
		return EROFS;
	return 0;
}

static int
msdosfs_close(void *v)
{
	return 0;
}

static int
msdosfs_access(void *v)
{
	struct vop_access_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);

	if ((ap->a_mode & VWRITE) && msdosfs_ronly(dep))
		return EROFS;
	return genfs_can_access(vp->v_type, msdosfs_mode(dep),
	    dep->de_pmp->pm_uid, dep->de_pmp->pm_gid, ap->a_mode, ap->a_cred);
}

static int
msdosfs_getattr(void *v)
{
	struct vop_getattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	struct vattr *vap = ap->a_vap;
	int nsub = 0, error;

	if (vp->v_type == VDIR &&
	    (error = msdosfs_dir_nsubdirs(dep, &nsub)) != 0)
		return error;
	vap->va_type = vp->v_type;
	vap->va_mode = msdosfs_mode(dep);
	vap->va_nlink = vp->v_type == VDIR ? 2 + (nlink_t)nsub : 1;
	vap->va_uid = pmp->pm_uid;
	vap->va_gid = pmp->pm_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = msdosfs_de_fileno(dep);
	if (vp->v_type == VDIR) {
		vap->va_size = msdosfs_dirsize(dep);
		vap->va_bytes = (uint64_t)vap->va_size;
	} else {
		vap->va_size = dep->de_size;
		vap->va_bytes = (((uint64_t)dep->de_size + pmp->pm_csize - 1) >>
		                    pmp->pm_cshift)
		    << pmp->pm_cshift;
	}
	vap->va_blocksize = (long)pmp->pm_csize;
	msdosfs_dos2unix(dep->de_mdate, dep->de_mtime, 0, &vap->va_mtime);
	msdosfs_dos2unix(dep->de_adate, 0, 0, &vap->va_atime);
	vap->va_ctime = vap->va_mtime; /* FAT keeps no change time */
	if (dep->de_flag & DE_ROOT)
		vap->va_birthtime.tv_sec = VNOVAL,
		vap->va_birthtime.tv_nsec = 0;
	else
		msdosfs_dos2unix(dep->de_cdate, dep->de_ctime, dep->de_ctime_cs,
		    &vap->va_birthtime);
	vap->va_gen = 0;
	vap->va_flags = 0;
	vap->va_rdev = 0;
	vap->va_vaflags = 0;
	return 0;
}

/*
 * chown cannot change anything FAT stores; chmod sets or clears the
 * read-only attribute of a file by its owner-write bit; times are kept to
 * FAT's resolution (two seconds, a date for access).
 */
static int
msdosfs_setattr(void *v)
{
	struct vop_setattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	struct vattr *vap = ap->a_vap;
	uint16_t d, t;
	int error;

	if (msdosfs_ronly(dep))
		return EROFS;
	if ((vap->va_uid != (uid_t)VNOVAL && vap->va_uid != pmp->pm_uid) ||
	    (vap->va_gid != (gid_t)VNOVAL && vap->va_gid != pmp->pm_gid))
		return EOPNOTSUPP;
	if (vap->va_flags != (unsigned long)VNOVAL && vap->va_flags != 0)
		return EOPNOTSUPP;
	if (vap->va_size != VNOVAL) {
		if (vp->v_type == VDIR)
			return EISDIR;
		if (vap->va_size < 0)
			return EINVAL;
		if ((uint64_t)vap->va_size > MSDOSFS_FILESIZE_MAX)
			return EFBIG;
		if ((uint32_t)vap->va_size < dep->de_size)
			error = msdosfs_detrunc(dep, (uint32_t)vap->va_size);
		else
			error = msdosfs_deextend(dep, (uint32_t)vap->va_size);
		if (error != 0)
			return error;
		msdosfs_de_touch(dep, false, true);
	}
	if (vap->va_mode != (mode_t)VNOVAL && vp->v_type == VREG) {
		if (vap->va_mode & 0200)
			dep->de_attr &= ~ATTR_RDONLY;
		else
			dep->de_attr |= ATTR_RDONLY;
		dep->de_flag |= DE_MODIFIED;
	}
	if (dep->de_flag & DE_ROOT)
		return 0; /* the root has no entry to keep times in */
	if (vap->va_mtime.tv_sec != VNOVAL) {
		msdosfs_unix2dos(&vap->va_mtime, &d, &t, NULL);
		dep->de_mdate = d;
		dep->de_mtime = t;
		dep->de_flag |= DE_MODIFIED;
	}
	if (vap->va_atime.tv_sec != VNOVAL) {
		msdosfs_unix2dos(&vap->va_atime, &d, &t, NULL);
		dep->de_adate = d;
		dep->de_flag |= DE_MODIFIED;
	}
	/*
	 * The entry is written when the file is closed, synced or fsynced,
	 * not once per attribute (a copy sets times and then the mode).
	 */
	return 0;
}

static int
msdosfs_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	bool wait = (ap->a_flags & FSYNC_WAIT) != 0;
	int error, e;

	if (msdosfs_ronly(dep))
		return 0;
	error = vflushbuf(vp, ap->a_flags);
	if ((e = msdosfs_deupdat(dep, wait)) != 0 && error == 0)
		error = e;
	if (!(ap->a_flags & FSYNC_DATAONLY)) {
		/* the chain and the entry live in the device's buffers */
		if ((e = vflushbuf(pmp->pm_devvp, ap->a_flags)) != 0 &&
		    error == 0)
			error = e;
	}
	return error;
}

static int
msdosfs_remove(void *v)
{
	struct vop_remove_args *ap = v;
	struct denode *ddep = VTODE(ap->a_dvp), *dep = VTODE(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	struct msdosfs_found f;
	int error;

	if (ap->a_vp->v_type == VDIR)
		return EPERM;
	error = msdosfs_dir_find(ddep, cnp->cn_nameptr, cnp->cn_namelen, &f);
	if (error != 0)
		return error;
	if (f.f_pos.dp_offset != dep->de_pos.dp_offset ||
	    f.f_pos.dp_dirclust != dep->de_pos.dp_dirclust)
		return ENOENT; /* the name no longer leads to vp */
	if ((error = msdosfs_dir_remove(ddep, f.f_first, f.f_pos.dp_offset)))
		return error;
	msdosfs_de_unlink(dep);
	cache_purge(ap->a_vp); /* other spellings of the name */
	msdosfs_dirmodified(ddep);
	return 0;
}

static int
msdosfs_rmdir(void *v)
{
	struct vop_rmdir_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *ddep = VTODE(ap->a_dvp), *dep = VTODE(vp);
	struct componentname *cnp = ap->a_cnp;
	struct msdosfs_found f;
	bool empty;
	int error;

	if (vp->v_mountedhere != NULL)
		return EBUSY;
	if ((error = msdosfs_dir_isempty(dep, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	error = msdosfs_dir_find(ddep, cnp->cn_nameptr, cnp->cn_namelen, &f);
	if (error != 0)
		return error;
	if (f.f_pos.dp_offset != dep->de_pos.dp_offset ||
	    f.f_pos.dp_dirclust != dep->de_pos.dp_dirclust)
		return ENOENT;
	if ((error = msdosfs_dir_remove(ddep, f.f_first, f.f_pos.dp_offset)))
		return error;
	msdosfs_de_unlink(dep);
	cache_purge(vp);
	mutex_enter(&ddep->de_lock);
	if (ddep->de_nsubdirs > 0)
		ddep->de_nsubdirs--;
	mutex_exit(&ddep->de_lock);
	msdosfs_dirmodified(ddep);
	return 0;
}

/*
 * The last reference went.  A node without an entry gives its clusters
 * back now (an unlinked file stays readable while open); others write
 * their entry if it changed.
 */
static int
msdosfs_inactive(void *v)
{
	struct vop_inactive_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	uint32_t start;
	int error = 0;

	*ap->a_recycle = false;
	if (!(dep->de_flag & DE_UNLINKED))
		return msdosfs_ronly(dep) ? 0 : msdosfs_deupdat(dep, false);
	*ap->a_recycle = true;
	if (msdosfs_ronly(dep) || dep->de_chain.ch_start == 0)
		return 0;
	if (vp->v_type == VDIR)
		error = msdosfs_dir_forget(dep);
	else
		vtruncbuf(vp, 0);
	mutex_enter(&dep->de_lock);
	start = dep->de_chain.ch_start;
	memset(&dep->de_chain, 0, sizeof(dep->de_chain));
	mutex_exit(&dep->de_lock);
	if (error == 0)
		error = msdosfs_fat_freechain(dep->de_pmp, start);
	dep->de_size = 0;
	dep->de_nclust = 0;
	return error;
}

static int
msdosfs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);

	if (dep == NULL)
		return 0;
	if (!msdosfs_ronly(dep))
		(void)msdosfs_deupdat(dep, false);
	msdosfs_de_free(dep);
	vp->v_data = NULL;
	return 0;
}

/* VOP_BMAP: file blocks are clusters. */
static int
msdosfs_bmap(void *v)
{
	struct vop_bmap_args *ap = v;
	struct denode *dep = VTODE(ap->a_vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t pcn, run;
	int error;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = pmp->pm_devvp;
	if (ap->a_bn < 0 || ap->a_bn > (daddr_t)pmp->pm_maxclust)
		return EINVAL;
	error = msdosfs_bmap_cn(
	    dep, (uint32_t)ap->a_bn, ap->a_runp != NULL ? 64 : 0, &pcn, &run);
	if (error != 0)
		return error;
	if (ap->a_bnp != NULL)
		*ap->a_bnp = pcn == 0 ? -1 : msdosfs_cntodb(pmp, pcn);
	if (ap->a_runp != NULL)
		*ap->a_runp = (int)run;
	return 0;
}

static int
strategy_fail(struct buf *bp, int error)
{
	bp->b_error = error;
	bp->b_flags |= B_ERROR;
	bp->b_resid = bp->b_bcount;
	biodone(bp);
	return error;
}

/*
 * VOP_STRATEGY of a file: map the cluster and pass the buffer on.
 * Buffers that the write path filled carry their mapping already, so a
 * write-back from the cache never has to read the FAT (which could need
 * buffer space itself).
 */
static int
msdosfs_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	struct denode *dep = VTODE(ap->a_vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t pcn, lcn;
	int error;

	if (bp->b_private != &msdosfs_premapped) {
		if (bp->b_lblkno < 0 ||
		    bp->b_lblkno > (daddr_t)pmp->pm_maxclust)
			return strategy_fail(bp, EINVAL);
		lcn = (uint32_t)bp->b_lblkno;
		if ((error = msdosfs_bmap_cn(dep, lcn, 0, &pcn, NULL)) != 0)
			return strategy_fail(bp, error);
		if (pcn == 0) {
			fs_corrupt(MSDOSFS_NAME,
			    "file at cluster %u: chain "
			    "shorter than its size",
			    dep->de_chain.ch_start);
			return strategy_fail(bp, EFSCORRUPTED);
		}
		bp->b_blkno = msdosfs_cntodb(pmp, pcn);
		bp->b_private = &msdosfs_premapped;
	}
	if (bp->b_bcount > pmp->pm_csize)
		return strategy_fail(bp, EINVAL);
	return VOP_STRATEGY(pmp->pm_devvp, bp);
}

static int
msdosfs_pathconf(void *v)
{
	struct vop_pathconf_args *ap = v;

	switch (ap->a_name) {
	case _PC_LINK_MAX:
		*ap->a_retval = 1;
		return 0;
	case _PC_NAME_MAX:
		*ap->a_retval = WIN_MAXLEN;
		return 0;
	case _PC_PATH_MAX:
		*ap->a_retval = MAXPATHLEN;
		return 0;
	case _PC_FILESIZEBITS:
		*ap->a_retval = 33;
		return 0;
	default:
		return EINVAL;
	}
}

static int
msdosfs_print(void *v)
{
	struct vop_print_args *ap = v;
	struct denode *dep = VTODE(ap->a_vp);

	if (dep == NULL)
		kprintf("msdos vnode %p: reclaimed\n", (void *)ap->a_vp);
	else
		kprintf("msdos vnode %p: entry %u@%u, cluster %u, size %u\n",
		    (void *)ap->a_vp, dep->de_pos.dp_offset,
		    dep->de_pos.dp_dirclust, dep->de_chain.ch_start,
		    dep->de_size);
	return 0;
}
