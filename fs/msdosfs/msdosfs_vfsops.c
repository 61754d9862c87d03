/*
 * The file-system operations of msdosfs: mount (options, the clean bit),
 * unmount, the root, statvfs, sync, and the registration of the type.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/rump_private.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

static int msdosfs_mount(struct mount *, const char *, void *, size_t *);
static int msdosfs_unmount(struct mount *, int);
static int msdosfs_root(struct mount *, int, struct vnode **);
static int msdosfs_statvfs(struct mount *, struct rump_statvfs *);
static int msdosfs_sync(struct mount *, int, kauth_cred_t);
static int msdosfs_vget(struct mount *, ino_t, int, struct vnode **);

static struct vfsops msdosfs_vfsops = {
    .vfs_name = MSDOSFS_NAME,
    .vfs_min_mount_data = sizeof(struct rump_diskfs_args),
    .vfs_mount = msdosfs_mount,
    .vfs_unmount = msdosfs_unmount,
    .vfs_root = msdosfs_root,
    .vfs_statvfs = msdosfs_statvfs,
    .vfs_sync = msdosfs_sync,
    .vfs_vget = msdosfs_vget,
    .vfs_loadvnode = msdosfs_loadvnode, /* msdosfs_denode.c */
    .vfs_newvnode = msdosfs_newvnode,   /* msdosfs_denode.c */
    .vfs_newfs = msdosfs_newfs,         /* msdosfs_newfs.c */
    .vfs_fsckr = msdosfs_fsck,          /* msdosfs_fsck.c */
    .vfs_opv_descs = msdosfs_vnodeopv_descs,
};

static void
msdosfs_modinit(void)
{
	int error;

	if ((error = vfs_attach(&msdosfs_vfsops)) != 0)
		kprintf("msdos: cannot register: error %d\n", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_FS, msdosfs, msdosfs_modinit)

/* --- options ----------------------------------------------------------------
 */

static int
parse_num(const char *s, int base, uint32_t max, uint32_t *vp)
{
	uint64_t v = 0;
	int d;

	if (s == NULL || *s == '\0')
		return EINVAL;
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else
			return EINVAL;
		if (d >= base)
			return EINVAL;
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > max)
			return EINVAL;
	}
	*vp = (uint32_t)v;
	return 0;
}

static int
mount_option(void *arg, const char *name, const char *value)
{
	struct msdosfsmount *pmp = arg;
	bool dirmask_set = (pmp->pm_flags & MSDOSFS_DIRMASKSET) != 0;
	uint32_t v;
	int error = 0;

	if (strcmp(name, "uid") == 0) {
		if ((error = parse_num(value, 10, UINT32_MAX - 1, &v)) == 0)
			pmp->pm_uid = v;
	} else if (strcmp(name, "gid") == 0) {
		if ((error = parse_num(value, 10, UINT32_MAX - 1, &v)) == 0)
			pmp->pm_gid = v;
	} else if (strcmp(name, "mask") == 0) {
		if ((error = parse_num(value, 8, 0777, &v)) == 0) {
			pmp->pm_mask = v;
			if (!dirmask_set)
				pmp->pm_dirmask = v;
		}
	} else if (strcmp(name, "dirmask") == 0) {
		if ((error = parse_num(value, 8, 0777, &v)) == 0) {
			pmp->pm_dirmask = v;
			pmp->pm_flags |= MSDOSFS_DIRMASKSET;
		}
	} else if (strcmp(name, "codepage") == 0) {
		error = msdosfs_parse_codepage(value, &pmp->pm_codepage);
	} else if (strcmp(name, "force") == 0) {
		pmp->pm_flags |= MSDOSFS_FORCE;
	} else if (strcmp(name, "ro") == 0 || strcmp(name, "rw") == 0) {
		/* the mount flags say it */
	} else {
		kprintf("msdos: unknown mount option \"%s\"\n", name);
		return EINVAL;
	}
	if (error != 0)
		kprintf("msdos: bad value for mount option %s: \"%s\"\n", name,
		    value != NULL ? value : "");
	return error;
}

/* --- mount ---------------------------------------------------------------- */

static void
pmp_free(struct msdosfsmount *pmp)
{
	msdosfs_fat_done(pmp);
	kmem_free(pmp, sizeof(*pmp));
}

static int
msdosfs_mountfs(struct mount *mp, struct vnode *devvp, uint64_t devsize,
    const char *options, struct msdosfsmount **pmpp)
{
	struct msdosfsmount *pmp;
	struct vnode *rootvp;
	bool clean;
	int error;

	pmp = kmem_zalloc(sizeof(*pmp), KM_SLEEP);
	pmp->pm_mountp = mp;
	pmp->pm_mask = pmp->pm_dirmask = 0755;
	pmp->pm_codepage = MSDOSFS_CP437;
	if (mp->mnt_flag & MNT_RDONLY)
		pmp->pm_flags |= MSDOSFS_RONLY;
	if ((error = mount_parse_options(options, mount_option, pmp)) != 0) {
		kmem_free(pmp, sizeof(*pmp));
		return error;
	}
	if ((error = msdosfs_bpb_read(pmp, devvp, devsize, false)) != 0) {
		kmem_free(pmp, sizeof(*pmp));
		return error;
	}
	if ((error = msdosfs_fat_init(pmp)) != 0) {
		kmem_free(pmp, sizeof(*pmp));
		return error;
	}
	if (!(pmp->pm_flags & MSDOSFS_RONLY)) {
		if ((error = msdosfs_fat_clean(pmp, &clean)) != 0)
			goto fail;
		if (!clean && !(pmp->pm_flags & MSDOSFS_FORCE)) {
			kprintf(
			    "msdos: %s was not unmounted cleanly or had I/O "
			    "errors (dirty bit set): check it first, or "
			    "mount read-only or with -o force\n",
			    mp->mnt_stat.f_mntfromname[0] != '\0'
			        ? mp->mnt_stat.f_mntfromname
			        : "the file system");
			error = EROFS;
			goto fail;
		}
	}
	mp->mnt_data = pmp;
	/* Refuse now, not at the first lookup, if the root is unusable. */
	if ((error = msdosfs_root(mp, LK_NONE, &rootvp)) != 0) {
		mp->mnt_data = NULL;
		goto fail;
	}
	vrele(rootvp);
	if (!(pmp->pm_flags & MSDOSFS_RONLY) && pmp->pm_fatbits != 12) {
		/* dirty until a clean unmount */
		if ((error = msdosfs_fat_markclean(pmp, false)) != 0) {
			vflush(mp, NULL, FORCECLOSE);
			mp->mnt_data = NULL;
			goto fail;
		}
		pmp->pm_flags |= MSDOSFS_MARKED;
	}
	*pmpp = pmp;
	return 0;
fail:
	pmp_free(pmp);
	return error;
}

static int
msdosfs_mount(struct mount *mp, const char *path, void *data, size_t *data_len)
{
	struct rump_diskfs_args *args = data;
	struct msdosfsmount *pmp;
	struct vnode *devvp;
	uint64_t devsize;
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE) {
		if (VFSTOMSDOSFS(mp) == NULL)
			return EINVAL;
		return 0;
	}
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->fspec == NULL)
		return EINVAL;
	if ((error = vfs_disk_open(args->fspec, ronly, &devvp, &devsize)))
		return error;
	ksnprintf(mp->mnt_stat.f_mntfromname,
	    sizeof(mp->mnt_stat.f_mntfromname), "%s", args->fspec);
	if ((error = msdosfs_mountfs(
	         mp, devvp, devsize, args->options, &pmp)) != 0) {
		vfs_disk_close(devvp, ronly);
		return error;
	}
	mp->mnt_data = pmp;
	mp->mnt_fs_bshift = pmp->pm_cshift;
	mp->mnt_dev_bshift = DEV_BSHIFT;
	msdosfs_statvfs(mp, &mp->mnt_stat);
	return 0;
}

static int
msdosfs_unmount(struct mount *mp, int mntflags)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	bool ronly = (pmp->pm_flags & MSDOSFS_RONLY) != 0;
	int error;

	error = vflush(mp, NULL, (mntflags & MNT_FORCE) ? FORCECLOSE : 0);
	if (error != 0)
		return error;
	if (!ronly) {
		(void)msdosfs_fsinfo_write(pmp);
		(void)vflushbuf(pmp->pm_devvp, FSYNC_WAIT);
		if (pmp->pm_flags & MSDOSFS_MARKED)
			(void)msdosfs_fat_markclean(pmp, true);
	}
	vfs_disk_close(pmp->pm_devvp, ronly);
	pmp_free(pmp);
	mp->mnt_data = NULL;
	return 0;
}

static int
msdosfs_root(struct mount *mp, int lktype, struct vnode **vpp)
{
	struct msdosfs_dirpos pos;
	int error;

	memset(&pos, 0, sizeof(pos));
	pos.dp_dirclust = MSDOSFS_ROOTKEY;
	if ((error = msdosfs_deget(VFSTOMSDOSFS(mp), &pos, vpp)) != 0)
		return error;
	if (lktype != LK_NONE && (error = vn_lock(*vpp, lktype)) != 0) {
		vrele(*vpp);
		*vpp = NULL;
	}
	return error;
}

static int
msdosfs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);

	sbp->f_bsize = sbp->f_frsize = sbp->f_iosize = pmp->pm_csize;
	sbp->f_blocks = pmp->pm_maxclust - 1;
	sbp->f_bfree = sbp->f_bavail = msdosfs_fat_nfree(pmp);
	sbp->f_bresvd = 0;
	/* No inode table: as many files as there are clusters, roughly. */
	sbp->f_files = sbp->f_blocks;
	sbp->f_ffree = sbp->f_favail = sbp->f_bfree;
	sbp->f_fresvd = 0;
	sbp->f_namemax = WIN_MAXLEN;
	sbp->f_fsid = mp->mnt_fsid;
	sbp->f_flag = (uint64_t)mp->mnt_flag;
	vfs_statvfs_copy_names(mp, sbp);
	return 0;
}

struct syncctx {
	int sc_waitfor;
	int sc_error;
};

static int
sync_vnode(struct vnode *vp, void *arg)
{
	struct syncctx *sc = arg;
	struct denode *dep;
	int error = 0, e;

	/* a periodic sync passes over the busy: they come next time */
	if (sc->sc_waitfor != MNT_WAIT) {
		if (vn_lock(vp, LK_EXCLUSIVE | LK_NOWAIT) != 0)
			return 0;
	} else
		vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	dep = VTODE(vp);
	if (vp->v_state != VS_RECLAIMED && dep != NULL) {
		if (vp->v_ndirty > 0)
			error = vflushbuf(vp, FSYNC_WAIT);
		if ((e = msdosfs_deupdat(dep, false)) != 0 && error == 0)
			error = e;
	}
	vn_unlock(vp);
	if (error != 0 && sc->sc_error == 0)
		sc->sc_error = error;
	return 0;
}

/* Has the file anything for sync to do?  (vfs_vnode_iterate_sel) */
static VNODE_PEEK bool
sync_wanted(struct vnode *vp)
{
	struct denode *dep = VTODE(vp);

	return __atomic_load_n(&vp->v_ndirty, __ATOMIC_RELAXED) > 0 ||
	    (dep != NULL &&
		(__atomic_load_n(&dep->de_flag, __ATOMIC_RELAXED) & DE_MODIFIED));
}

/*
 * Everything reaches the device: file data first, then the entries, the
 * FATs and FSInfo (the buffer cache writes metadata of the device after
 * data of files).
 */
static int
msdosfs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	struct syncctx sc = {waitfor, 0};
	int error;

	if (pmp->pm_flags & MSDOSFS_RONLY)
		return 0;
	buf_flushbehind(); /* closed files' data, gathered across files */
	vfs_vnode_iterate_sel(mp, sync_wanted, sync_vnode, &sc);
	if ((error = msdosfs_fsinfo_write(pmp)) != 0 && sc.sc_error == 0)
		sc.sc_error = error;
	if ((error = vflushbuf(pmp->pm_devvp, FSYNC_WAIT)) != 0 &&
	    sc.sc_error == 0)
		sc.sc_error = error;
	if (waitfor == MNT_WAIT) {
		vn_lock(pmp->pm_devvp, LK_EXCLUSIVE | LK_RETRY);
		error = VOP_FSYNC(pmp->pm_devvp, cred, FSYNC_WAIT, 0, 0);
		vn_unlock(pmp->pm_devvp);
		if (error != 0 && sc.sc_error == 0)
			sc.sc_error = error;
	}
	return sc.sc_error;
}

/* FAT files have no numbers to find them by. */
static int
msdosfs_vget(struct mount *mp, ino_t ino, int lktype, struct vnode **vpp)
{
	*vpp = NULL;
	if (ino == MSDOSFS_ROOTINO)
		return msdosfs_root(mp, lktype, vpp);
	return EOPNOTSUPP;
}
