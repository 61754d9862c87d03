/*
 * The file-system operations of ffs: mount and unmount (with the clean
 * flag), the root, statvfs, sync, loading vnodes and making new ones, and
 * the registration of the file-system type with its newfs and fsck.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/rump_private.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

static int ffs_mount(struct mount *, const char *, void *, size_t *);
static int ffs_unmount(struct mount *, int);
static int ffs_root(struct mount *, int, struct vnode **);
static int ffs_statvfs(struct mount *, struct rump_statvfs *);
static int ffs_sync(struct mount *, int, kauth_cred_t);
static int ffs_vget(struct mount *, ino_t, int, struct vnode **);
static int ffs_loadvnode(
    struct mount *, struct vnode *, const void *, size_t, const void **);
static int ffs_newvnode(struct mount *, struct vnode *, struct vnode *,
    struct vattr *, kauth_cred_t, void *, size_t *, const void **);

static struct vfsops ffs_vfsops = {
    .vfs_name = "ffs",
    .vfs_min_mount_data = sizeof(struct rump_diskfs_args),
    .vfs_mount = ffs_mount,
    .vfs_unmount = ffs_unmount,
    .vfs_root = ffs_root,
    .vfs_statvfs = ffs_statvfs,
    .vfs_sync = ffs_sync,
    .vfs_vget = ffs_vget,
    .vfs_loadvnode = ffs_loadvnode,
    .vfs_newvnode = ffs_newvnode,
    .vfs_newfs = ffs_newfs,
    .vfs_fsckr = ffs_fsck,
    .vfs_opv_descs = ffs_vnodeopv_descs,
};

static void
ffs_modinit(void)
{
	int error;

	ffs_alloc_init();
	if ((error = vfs_attach(&ffs_vfsops)) != 0)
		kprintf("ffs: cannot register: error %d\n", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_FS, ffs, ffs_modinit)

struct ffs_mntopts {
	bool force;
	bool async; /* metadata in no particular order (ukfs-makefs) */
};

static int
ffs_mntopt(void *arg, const char *name, const char *value)
{
	struct ffs_mntopts *o = arg;

	/* Others (newfs's, say, passed along by the tools) do not matter. */
	if (strcmp(name, "force") == 0)
		o->force = true;
	else if (strcmp(name, "async") == 0)
		o->async = true;
	return 0;
}

static void
ffs_fm_free(struct ffsmount *fm)
{
	if (fm->fm_cs != NULL)
		kmem_free(
		    fm->fm_cs, (size_t)fm->fm_fs->fs_ncg * sizeof(struct csum));
	kmem_free(fm->fm_fs, sizeof(struct fs));
	mutex_destroy(&fm->fm_um.um_lock);
	kmem_free(fm, sizeof(*fm));
}

/* Why this image may only be mounted read-only, or NULL. */
static const char *
ffs_rw_refusal(const struct fs *fs, bool force)
{
	if (fs->fs_magic == FS_UFS2EA_MAGIC)
		return "it has extended attributes (UFS2EA)";
	if ((fs->fs_flags & FS_DOWAPBL) && !(fs->fs_clean & FS_ISCLEAN))
		return "its journal (WAPBL) needs replaying";
	if (!(fs->fs_clean & FS_ISCLEAN) && !force)
		return "it is not clean (run fsck, or mount with force)";
	return NULL;
}

static int
ffs_mountfs(struct vnode *devvp, struct mount *mp, uint64_t devsize, bool force,
    struct ffsmount **fmp)
{
	struct ffsmount *fm;
	struct ufsmount *ump;
	struct fs *fs;
	uint8_t din[256];
	const char *why;
	int64_t loc;
	bool ns;
	int error;

	fs = kmem_zalloc(sizeof(*fs), KM_SLEEP);
	if ((error = ffs_sb_find(devvp, devsize, fs, &loc, &ns, NULL, 0)) !=
	    0) {
		kmem_free(fs, sizeof(*fs));
		return error;
	}
	fm = kmem_zalloc(sizeof(*fm), KM_SLEEP);
	fm->fm_fs = fs;
	ump = &fm->fm_um;
	mutex_init(&ump->um_lock);
	ump->um_mountp = mp;
	ump->um_devvp = devvp;
	ump->um_ops = &ffs_ufsops;
	ump->um_ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	ump->um_ordered = true; /* see ufs_wait() */
	ffs_ump_setup(fm, ns);
	fm->fm_gen = (uint32_t)time_second() * 2654435761u;
	if ((error = ffs_csum_read(fm)) != 0)
		goto fail;
	ffs_csum_sanitize(fm);
	if ((error = ffs_inode_read(fm, UFS_ROOTINO, din)) != 0)
		goto fail;
	{
		struct inode *root = ufs_inode_alloc(ump, UFS_ROOTINO);

		error = ufs_dinode_load(root, din);
		if (error == 0 && (root->i_mode & UFS_IFMT) != UFS_IFDIR) {
			fs_corrupt(FFS_FSNAME, "root inode is not a directory");
			error = EFSCORRUPTED;
		}
		ufs_inode_free(root);
		if (error != 0)
			goto fail;
	}
	if (!ump->um_ronly) {
		if ((why = ffs_rw_refusal(fs, force)) != NULL) {
			kprintf("ffs: %s: cannot mount read-write: %s\n",
			    mp->mnt_stat.f_mntonname, why);
			error = EROFS;
			goto fail;
		}
		fm->fm_wasclean = (fs->fs_clean & FS_ISCLEAN) != 0;
		fs->fs_clean = fm->fm_wasclean ? FS_WASCLEAN : 0;
		fs->fs_time = time_second();
		if ((error = ffs_sbupdate(fm, true)) != 0)
			goto fail;
	}
	*fmp = fm;
	return 0;
fail:
	ffs_fm_free(fm);
	return error;
}

static void
ffs_statvfs_fill(struct ffsmount *fm, struct rump_statvfs *sbp)
{
	struct fs *fs = fm->fm_fs;
	int64_t bfree, resv;

	mutex_enter(&fm->fm_um.um_lock);
	bfree = ffs_blkstofrags(fs, fs->fs_cstotal.cs_nbfree) +
	    fs->fs_cstotal.cs_nffree;
	resv = fs->fs_dsize * fs->fs_minfree / 100;
	sbp->f_bsize = (uint64_t)fs->fs_bsize;
	sbp->f_frsize = (uint64_t)fs->fs_fsize;
	sbp->f_iosize = (uint64_t)fs->fs_bsize;
	sbp->f_blocks = (uint64_t)fs->fs_dsize;
	sbp->f_bfree = (uint64_t)MAX(bfree, 0);
	sbp->f_bresvd = (uint64_t)MAX(MIN(resv, bfree), 0);
	sbp->f_bavail = sbp->f_bfree - sbp->f_bresvd;
	sbp->f_files = fm->fm_um.um_ninodes - UFS_ROOTINO;
	sbp->f_ffree = sbp->f_favail =
	    (uint64_t)MAX(fs->fs_cstotal.cs_nifree, 0);
	sbp->f_fresvd = 0;
	sbp->f_namemax = 255;
	mutex_exit(&fm->fm_um.um_lock);
}

static int
ffs_mount(struct mount *mp, const char *path, void *data, size_t *data_len)
{
	struct rump_diskfs_args *args = data;
	struct ffs_mntopts opts = {false};
	struct ffsmount *fm;
	struct vnode *devvp;
	uint64_t devsize;
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE) {
		if (VFSTOFFS(mp) == NULL)
			return EINVAL;
		return ronly == VFSTOFFS(mp)->fm_um.um_ronly ? 0 : EOPNOTSUPP;
	}
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->fspec == NULL)
		return EINVAL;
	if (args->options != NULL &&
	    (error = mount_parse_options(args->options, ffs_mntopt, &opts)))
		return error;
	if ((error = vfs_disk_open(args->fspec, ronly, &devvp, &devsize)) != 0)
		return error;
	if ((error = ffs_mountfs(devvp, mp, devsize, opts.force, &fm)) != 0) {
		vfs_disk_close(devvp, ronly);
		return error;
	}
	/*
	 * async: an image being built from nothing (makefs), which a crash
	 * leaves useless anyway, gains nothing from ordered writes.
	 */
	if (opts.async)
		fm->fm_um.um_ordered = false;
	mp->mnt_data = fm;
	mp->mnt_fs_bshift = (unsigned)fm->fm_fs->fs_bshift;
	mp->mnt_dev_bshift = DEV_BSHIFT;
	ffs_statvfs_fill(fm, &mp->mnt_stat);
	if (mp->mnt_stat.f_mntfromname[0] == '\0')
		ksnprintf(mp->mnt_stat.f_mntfromname,
		    sizeof(mp->mnt_stat.f_mntfromname), "%s", args->fspec);
	vfs_statvfs_copy_names(mp, &mp->mnt_stat);
	return 0;
}

static int
ffs_unmount(struct mount *mp, int mntflags)
{
	struct ffsmount *fm = VFSTOFFS(mp);
	struct ufsmount *ump = &fm->fm_um;
	int error;

	error = vflush(mp, NULL, (mntflags & MNT_FORCE) ? FORCECLOSE : 0);
	if (error != 0)
		return error;
	if (!ump->um_ronly) {
		/* the vnodes are gone and their inodes written */
		if (fm->fm_wasclean)
			fm->fm_fs->fs_clean = FS_ISCLEAN;
		fm->fm_fs->fs_time = time_second();
		error = vflushbuf(ump->um_devvp, FSYNC_WAIT);
		if (error == 0)
			error = ffs_sbupdate(fm, true);
		if (error != 0)
			kprintf("ffs: %s: write at unmount failed (error %d)\n",
			    mp->mnt_stat.f_mntonname, error);
	}
	vfs_disk_close(ump->um_devvp, ump->um_ronly);
	ffs_fm_free(fm);
	mp->mnt_data = NULL;
	return 0;
}

static int
ffs_root(struct mount *mp, int lktype, struct vnode **vpp)
{
	return ffs_vget(mp, UFS_ROOTINO, lktype, vpp);
}

static int
ffs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	ffs_statvfs_fill(VFSTOFFS(mp), sbp);
	sbp->f_fsid = mp->mnt_fsid;
	sbp->f_flag = (uint64_t)mp->mnt_flag;
	vfs_statvfs_copy_names(mp, sbp);
	return 0;
}

static int
ffs_sync_vnode(struct vnode *vp, void *arg)
{
	const int *waitfor = arg;
	struct inode *ip;
	int error = 0;

	/* a periodic sync passes over the busy: they come next time */
	if (*waitfor != MNT_WAIT) {
		if (vn_lock(vp, LK_EXCLUSIVE | LK_NOWAIT) != 0)
			return 0;
	} else
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	ip = VTOI(vp);
	if (ip != NULL && vp->v_state == VS_ACTIVE) {
		if (vp->v_ndirty > 0)
			error = vflushbuf(vp, FSYNC_WAIT);
		if (ip->i_flag &
		    (IN_ACCESS | IN_CHANGE | IN_UPDATE | IN_MODIFIED)) {
			int e = ffs_update(ip, 0);
			if (error == 0)
				error = e;
		}
	}
	vn_unlock(vp);
	return error;
}

/* Has the file anything for sync to do?  (vfs_vnode_iterate_sel) */
static VNODE_PEEK bool
ffs_sync_wanted(struct vnode *vp)
{
	struct inode *ip = VTOI(vp);

	return __atomic_load_n(&vp->v_ndirty, __ATOMIC_RELAXED) > 0 ||
	    (ip != NULL && (__atomic_load_n(&ip->i_flag, __ATOMIC_RELAXED) &
			       (IN_ACCESS | IN_CHANGE | IN_UPDATE |
				   IN_MODIFIED)) != 0);
}

/*
 * File data first, then the device: inodes, indirect blocks, the maps,
 * and last the summaries and the superblock.
 */
static int
ffs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	struct ffsmount *fm = VFSTOFFS(mp);
	struct ufsmount *ump = &fm->fm_um;
	int error, e;

	if (ump->um_ronly)
		return 0;
	buf_flushbehind(); /* closed files' data, gathered across files */
	error = vfs_vnode_iterate_sel(mp, ffs_sync_wanted, ffs_sync_vnode,
	    &waitfor);
	if ((e = vflushbuf(ump->um_devvp, FSYNC_WAIT)) != 0 && error == 0)
		error = e;
	fm->fm_fs->fs_time = time_second();
	if ((e = ffs_sbupdate(fm, true)) != 0 && error == 0)
		error = e;
	vn_lock(ump->um_devvp, LK_EXCLUSIVE | LK_RETRY);
	if ((e = VOP_FSYNC(ump->um_devvp, cred, FSYNC_WAIT, 0, 0)) != 0 &&
	    error == 0)
		error = e;
	vn_unlock(ump->um_devvp);
	return error;
}

static int
ffs_vget(struct mount *mp, ino_t ino, int lktype, struct vnode **vpp)
{
	int error;

	*vpp = NULL;
	if (ino < UFS_ROOTINO || ino >= VFSTOUFS(mp)->um_ninodes)
		return ENOENT;
	if ((error = vcache_get(mp, &ino, sizeof(ino), vpp)) != 0)
		return error;
	if (lktype != LK_NONE && (error = vn_lock(*vpp, lktype)) != 0) {
		vrele(*vpp);
		*vpp = NULL;
	}
	return error;
}

static int
ffs_loadvnode(struct mount *mp, struct vnode *vp, const void *key,
    size_t keylen, const void **new_key)
{
	struct ffsmount *fm = VFSTOFFS(mp);
	struct ufsmount *ump = &fm->fm_um;
	uint8_t din[256];
	struct inode *ip;
	ino_t ino;
	int error;

	KASSERT(keylen == sizeof(ino));
	memcpy(&ino, key, sizeof(ino));
	if (ino < UFS_ROOTINO || ino >= ump->um_ninodes)
		return ENOENT;
	if ((error = ffs_inode_read(fm, ino, din)) != 0)
		return error;
	ip = ufs_inode_alloc(ump, ino);
	if ((error = ufs_dinode_load(ip, din)) == 0 && ip->i_mode == 0) {
		fs_corrupt(FFS_FSNAME, "inode %llu is not in use",
		    (unsigned long long)ino);
		error = EFSCORRUPTED;
	}
	if (error == 0 && ino == UFS_ROOTINO &&
	    (ip->i_mode & UFS_IFMT) != UFS_IFDIR) {
		fs_corrupt(FFS_FSNAME, "root inode is not a directory");
		error = EFSCORRUPTED;
	}
	if (error != 0) {
		ufs_inode_free(ip);
		return error;
	}
	ufs_vinit(ip, vp);
	*new_key = &ip->i_number;
	return 0;
}

/* A fresh in-core inode for a new file of the type and mode in vap. */
static int
ffs_newinode(struct ffsmount *fm, struct inode *pip, ino_t ino,
    struct vattr *vap, kauth_cred_t cred, struct inode **ipp)
{
	struct ufsmount *ump = &fm->fm_um;
	uint8_t din[256];
	struct inode *ip;
	struct timespec now;
	int error;

	if ((error = ffs_inode_read(fm, ino, din)) != 0)
		return error;
	ip = ufs_inode_alloc(ump, ino);
	(void)ufs_dinode_load(ip, din);
	if (ip->i_mode != 0) {
		fs_corrupt(FFS_FSNAME, "free inode %llu is in use (mode %#o)",
		    (unsigned long long)ino, ip->i_mode);
		ufs_inode_free(ip);
		return EFSCORRUPTED;
	}
	memset(ip->i_din, 0, sizeof(ip->i_din));
	ip->i_gen =
	    (int32_t)(__atomic_add_fetch(&fm->fm_gen, 1, __ATOMIC_RELAXED) | 1);
	ip->i_mode =
	    (uint16_t)(vttoif(vap->va_type) | (vap->va_mode & RUMP_ALLPERMS));
	ip->i_uid = kauth_cred_geteuid(cred);
	ip->i_gid = pip->i_gid; /* the BSD rule */
	if ((ip->i_mode & RUMP_S_ISGID) && !kauth_cred_issuser(cred) &&
	    !kauth_cred_groupmember(cred, ip->i_gid))
		ip->i_mode &= (uint16_t)~RUMP_S_ISGID;
	ip->i_nlink = 0;
	ip->i_size = ip->i_blocks = 0;
	ip->i_flags = 0;
	memset(ip->i_db, 0, sizeof(ip->i_db));
	memset(ip->i_ib, 0, sizeof(ip->i_ib));
	getnanotime(&now);
	ip->i_atime = ip->i_mtime = ip->i_ctime = now;
	if (ump->um_ufs2)
		ip->i_birthtime = now;
	else {
		ip->i_birthtime.tv_sec = VNOVAL;
		ip->i_birthtime.tv_nsec = 0;
	}
	ip->i_rdev = 0;
	if ((vap->va_type == VCHR || vap->va_type == VBLK) &&
	    (error = ufs_rdev_encode(ump, vap->va_rdev, &ip->i_rdev)) != 0) {
		ufs_inode_free(ip);
		return error;
	}
	ip->i_flag = IN_MODIFIED;
	*ipp = ip;
	return 0;
}

static int
ffs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    struct vattr *vap, kauth_cred_t cred, void *extra, size_t *keylen,
    const void **new_key)
{
	struct ffsmount *fm = VFSTOFFS(mp);
	struct inode *pip = VTOI(dvp), *ip, tmp;
	uint16_t mode;
	ino_t ino;
	int error;

	if (fm->fm_um.um_ronly)
		return EROFS;
	if (vttoif(vap->va_type) == 0)
		return EINVAL;
	mode =
	    (uint16_t)(vttoif(vap->va_type) | (vap->va_mode & RUMP_ALLPERMS));
	if ((error = ffs_valloc(pip, mode, cred, &ino)) != 0)
		return error;
	error = ffs_newinode(fm, pip, ino, vap, cred, &ip);
	if (error != 0) {
		if (error != EFSCORRUPTED) {
			memset(&tmp, 0, sizeof(tmp));
			tmp.i_number = ino;
			tmp.i_ump = &fm->fm_um;
			(void)ffs_vfree(&tmp, mode);
		}
		return error;
	}
	ufs_vinit(ip, vp);
	*keylen = sizeof(ip->i_number);
	*new_key = &ip->i_number;
	return 0;
}
