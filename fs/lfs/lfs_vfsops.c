/*
 * The file-system operations of LFS: mount from the newer valid
 * checkpoint (falling back to the other), roll-forward, unmount with a
 * final checkpoint, sync, statvfs, vnodes, and registration.
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

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "ufs/dinode.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

static int lfs_mount(struct mount *, const char *, void *, size_t *);
static int lfs_unmount(struct mount *, int);
static int lfs_root(struct mount *, int, struct vnode **);
static int lfs_statvfs(struct mount *, struct rump_statvfs *);
static int lfs_sync(struct mount *, int, kauth_cred_t);
static int lfs_vget(struct mount *, ino_t, int, struct vnode **);
static int lfs_loadvnode(
    struct mount *, struct vnode *, const void *, size_t, const void **);
static int lfs_newvnode(struct mount *, struct vnode *, struct vnode *,
    struct vattr *, kauth_cred_t, void *, size_t *, const void **);

static struct vfsops lfs_vfsops = {
    .vfs_name = "lfs",
    .vfs_min_mount_data = sizeof(struct rump_diskfs_args),
    .vfs_mount = lfs_mount,
    .vfs_unmount = lfs_unmount,
    .vfs_root = lfs_root,
    .vfs_statvfs = lfs_statvfs,
    .vfs_sync = lfs_sync,
    .vfs_vget = lfs_vget,
    .vfs_loadvnode = lfs_loadvnode,
    .vfs_newvnode = lfs_newvnode,
    .vfs_newfs = lfs_newfs,
    .vfs_fsck = lfs_fsck,
    .vfs_opv_descs = lfs_vnodeopv_descs,
};

static void
lfs_modinit(void)
{
	int error;

	if ((error = vfs_attach(&lfs_vfsops)) != 0)
		kprintf("lfs: cannot register: error %d\n", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_FS, lfs, lfs_modinit)

struct lfs_mntopts {
	bool force;
	bool clean; /* run the cleaner over every dirty segment */
};

static int
lfs_mntopt(void *arg, const char *name, const char *value)
{
	struct lfs_mntopts *o = arg;

	if (strcmp(name, "force") == 0)
		o->force = true;
	else if (strcmp(name, "clean") == 0)
		o->clean = true;
	return 0;
}

static void
lfs_lm_free(struct lfsmount *lm)
{
	size_t nseg = lm->lm_sb.dlfs_nseg;

	if (lm->lm_su != NULL)
		kmem_free(lm->lm_su, nseg * sizeof(struct segusage));
	if (lm->lm_sufreed != NULL)
		kmem_free(lm->lm_sufreed, nseg);
	if (lm->ps_buf != NULL)
		kmem_free(lm->ps_buf, lm->lm_pscap);
	cv_destroy(&lm->lm_cv);
	mutex_destroy(&lm->lm_lock);
	mutex_destroy(&lm->lm_iflock);
	mutex_destroy(&lm->lm_um.um_lock);
	kmem_free(lm, sizeof(*lm));
}

/* The IFILE: its vnode, then the tables into memory. */
static int
lfs_ifile_load(struct lfsmount *lm)
{
	struct dlfs *sb = &lm->lm_sb;
	struct inode *iip;
	struct buf *bp;
	uint64_t nblk;
	unsigned i, ntab = sb->dlfs_cleansz + sb->dlfs_segtabsz;
	ino_t ino = LFS_IFILE_INUM;
	int error;

	if ((error = vcache_get(lm->lm_um.um_mountp, &ino, sizeof(ino),
	         &lm->lm_ivp)) != 0)
		return error;
	iip = VTOI(lm->lm_ivp);
	nblk = iip->i_size / sb->dlfs_bsize;
	if ((iip->i_mode & UFS_IFMT) != UFS_IFREG ||
	    iip->i_size % sb->dlfs_bsize != 0 || nblk < ntab + 1 ||
	    nblk - ntab > (uint64_t)UINT32_MAX / sb->dlfs_ifpb) {
		fs_corrupt(LFS_FSNAME, "IFILE inode at %d: bad type or size "
		                       "%llu",
		    sb->dlfs_idaddr, (unsigned long long)iip->i_size);
		return EFSCORRUPTED;
	}
	lm->lm_um.um_ninodes = (nblk - ntab) * sb->dlfs_ifpb;
	for (i = 0; i < ntab; i++) {
		if ((error = bread(lm->lm_ivp, i, (int)sb->dlfs_bsize, 0,
		         &bp)) != 0)
			return error;
		if (i == 0)
			memcpy(&lm->lm_ci, bp->b_data, sizeof(lm->lm_ci));
		else if (i >= sb->dlfs_cleansz)
			lfs_su_block(sb, i - sb->dlfs_cleansz, bp->b_data,
			    lm->lm_su, false);
		/* the tables live in memory from now on */
		brelse(bp, B_INVAL);
	}
	if (lm->lm_ci.free_head >= lm->lm_um.um_ninodes ||
	    lm->lm_ci.free_tail >= lm->lm_um.um_ninodes ||
	    lm->lm_ci.free_head == LFS_IFILE_INUM) {
		fs_corrupt(LFS_FSNAME, "inode free list head %u or tail %u "
		                       "out of range",
		    lm->lm_ci.free_head, lm->lm_ci.free_tail);
		return EFSCORRUPTED;
	}
	return 0;
}

static int
lfs_root_check(struct lfsmount *lm)
{
	uint8_t din[LFS_DINODE_SIZE];
	struct inode *root;
	int error;

	if ((error = lfs_inode_read(lm, LFS_ROOTINO, din, NULL)) != 0) {
		if (error == ENOENT) {
			fs_corrupt(LFS_FSNAME, "root inode is not in use");
			error = EFSCORRUPTED;
		}
		return error;
	}
	root = ufs_inode_alloc(&lm->lm_um, LFS_ROOTINO);
	error = ufs_dinode_load(root, din);
	if (error == 0 && (root->i_mode & UFS_IFMT) != UFS_IFDIR) {
		fs_corrupt(LFS_FSNAME, "root inode is not a directory");
		error = EFSCORRUPTED;
	}
	ufs_inode_free(root);
	return error;
}

/* Mount from the checkpoint in sb. */
static int
lfs_mountfs1(struct vnode *devvp, struct mount *mp, const struct dlfs *sb,
    unsigned slot, struct lfsmount **lmp)
{
	struct lfsmount *lm;
	uint32_t sn;
	int error;

	lm = kmem_zalloc(sizeof(*lm), KM_SLEEP);
	lm->lm_sb = *sb;
	mutex_init(&lm->lm_lock);
	cv_init(&lm->lm_cv);
	mutex_init(&lm->lm_iflock);
	mutex_init(&lm->lm_um.um_lock);
	lm->lm_um.um_mountp = mp;
	lm->lm_um.um_devvp = devvp;
	lm->lm_um.um_ops = &lfs_ufsops;
	lm->lm_um.um_ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	lm->lm_um.um_fs = lm;
	lfs_ump_setup(lm);
	lm->lm_su = kmem_zalloc(sb->dlfs_nseg * sizeof(struct segusage),
	    KM_SLEEP);
	lm->lm_sufreed = kmem_zalloc(sb->dlfs_nseg, KM_SLEEP);
	lm->lm_pscap = sb->dlfs_ssize;
	lm->ps_buf = kmem_alloc(lm->lm_pscap, KM_SLEEP);
	lm->ps_start = -1;
	lm->lm_serial = sb->dlfs_serial;
	lm->lm_nextsb = slot ^ 1;
	lm->lm_curseg = lfs_dtosn(sb, sb->dlfs_curseg);
	lm->lm_nextseg = lfs_dtosn(sb, sb->dlfs_nextseg);
	lm->lm_offset = sb->dlfs_offset;
	mp->mnt_data = lm;
	if ((error = lfs_ifile_load(lm)) != 0)
		goto fail;
	if (lm->lm_curseg == lm->lm_nextseg) {
		fs_corrupt(LFS_FSNAME, "current and next segment are the same");
		error = EFSCORRUPTED;
		goto fail;
	}
	/*
	 * A segment with nothing live at the checkpoint is clean from it
	 * on, as it was for the writer (the table is written before the
	 * checkpoint releases such segments); taking it for dirty would
	 * leave roll-forward, which replays the log the writer wrote into
	 * them, with no clean segment for its checkpoint.
	 */
	for (sn = 0; sn < sb->dlfs_nseg; sn++) {
		lm->lm_su[sn].su_flags &= ~SEGUSE_ACTIVE;
		if (lm->lm_su[sn].su_nbytes == 0)
			lm->lm_su[sn].su_flags &= ~SEGUSE_DIRTY;
	}
	lm->lm_su[lm->lm_curseg].su_flags |= SEGUSE_ACTIVE | SEGUSE_DIRTY;
	lm->lm_su[lm->lm_nextseg].su_flags |= SEGUSE_ACTIVE;
	lfs_recount(lm);
	if (!lm->lm_um.um_ronly && (error = lfs_rollforward(lm)) != 0)
		goto fail;
	if ((error = lfs_root_check(lm)) != 0)
		goto fail;
	*lmp = lm;
	return 0;
fail:
	if (lm->lm_ivp != NULL) {
		vrele(lm->lm_ivp);
		lm->lm_ivp = NULL;
		(void)vflush(mp, NULL, FORCECLOSE);
	}
	mp->mnt_data = NULL;
	lfs_lm_free(lm);
	return error;
}

static int
lfs_mountfs(struct vnode *devvp, struct mount *mp, uint64_t devsize,
    struct lfsmount **lmp)
{
	struct dlfs sbs[2];
	unsigned slots[2];
	int n, i, error = EFSCORRUPTED;

	n = lfs_sb_choose(devvp, devsize, sbs, slots);
	if (n < 0)
		return -n;
	for (i = 0; i < n; i++) {
		error = lfs_mountfs1(devvp, mp, &sbs[i], slots[i], lmp);
		if (error == 0)
			break;
		if (i + 1 < n)
			kprintf("lfs: checkpoint with serial %llu unusable "
			        "(error %d); trying the older one\n",
			    (unsigned long long)sbs[i].dlfs_serial, error);
	}
	return error;
}

static void
lfs_statvfs_fill(struct lfsmount *lm, struct rump_statvfs *sbp)
{
	const struct dlfs *sb = &lm->lm_sb;
	int64_t bfree, total;

	mutex_enter(&lm->lm_lock);
	bfree = MAX(lfs_bfree(lm), 0);
	total = lm->lm_usable;
	mutex_exit(&lm->lm_lock);
	sbp->f_bsize = sb->dlfs_bsize;
	sbp->f_frsize = sb->dlfs_fsize;
	sbp->f_iosize = sb->dlfs_bsize;
	sbp->f_blocks = (uint64_t)total;
	sbp->f_bfree = sbp->f_bavail = (uint64_t)bfree;
	sbp->f_bresvd = 0;
	sbp->f_ffree = sbp->f_favail =
	    (uint64_t)bfree * (sb->dlfs_fsize / LFS_DINODE_SIZE);
	sbp->f_files = sb->dlfs_nfiles + sbp->f_ffree;
	sbp->f_fresvd = 0;
	sbp->f_namemax = LFS_MAXNAMLEN;
}

static int
lfs_mount(struct mount *mp, const char *path, void *data, size_t *data_len)
{
	struct rump_diskfs_args *args = data;
	struct lfs_mntopts opts = {false, false};
	struct lfsmount *lm;
	struct vnode *devvp;
	uint64_t devsize;
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE) {
		if (VFSTOLFS(mp) == NULL)
			return EINVAL;
		return ronly == VFSTOLFS(mp)->lm_um.um_ronly ? 0 : EOPNOTSUPP;
	}
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->fspec == NULL)
		return EINVAL;
	if (args->options != NULL &&
	    (error = mount_parse_options(args->options, lfs_mntopt, &opts)))
		return error;
	if ((error = vfs_disk_open(args->fspec, ronly, &devvp, &devsize)) != 0)
		return error;
	if ((error = lfs_mountfs(devvp, mp, devsize, &lm)) != 0) {
		vfs_disk_close(devvp, ronly);
		return error;
	}
	mp->mnt_data = lm;
	mp->mnt_fs_bshift = lm->lm_um.um_bshift;
	mp->mnt_dev_bshift = DEV_BSHIFT;
	if (!ronly) {
		/* a checkpoint now: not clean, and roll-forward kept */
		lm->lm_sb.dlfs_pflags &= (uint16_t)~LFS_PF_CLEAN;
		if ((error = lfs_checkpoint(lm)) != 0) {
			kprintf("lfs: first checkpoint failed (error %d)\n",
			    error);
			(void)lfs_unmount(mp, MNT_FORCE);
			return error;
		}
		if (opts.clean) {
			uint32_t before = lfs_nclean(lm);

			error = lfs_clean(lm, NULL, lm->lm_sb.dlfs_nseg);
			if (error != 0) {
				kprintf("lfs: cleaning failed (error %d)\n",
				    error);
				(void)lfs_unmount(mp, MNT_FORCE);
				return error;
			}
			kprintf("lfs: cleaner: %u of %u segments clean, "
			        "%u before\n",
			    lfs_nclean(lm), lm->lm_sb.dlfs_nseg, before);
		}
	}
	lfs_statvfs_fill(lm, &mp->mnt_stat);
	if (mp->mnt_stat.f_mntfromname[0] == '\0')
		ksnprintf(mp->mnt_stat.f_mntfromname,
		    sizeof(mp->mnt_stat.f_mntfromname), "%s", args->fspec);
	vfs_statvfs_copy_names(mp, &mp->mnt_stat);
	return 0;
}

static int
lfs_unmount(struct mount *mp, int mntflags)
{
	struct lfsmount *lm = VFSTOLFS(mp);
	struct ufsmount *ump = &lm->lm_um;
	int error;

	error = vflush(mp, lm->lm_ivp,
	    (mntflags & MNT_FORCE) ? FORCECLOSE : 0);
	if (error != 0)
		return error;
	if (!ump->um_ronly) {
		lm->lm_sb.dlfs_pflags |= LFS_PF_CLEAN;
		if ((error = lfs_checkpoint(lm)) != 0)
			kprintf("lfs: %s: checkpoint at unmount failed "
			        "(error %d)\n",
			    mp->mnt_stat.f_mntonname, error);
	}
	/* the IFILE has nothing dirty left: let it go quietly */
	ump->um_ronly = true;
	vrele(lm->lm_ivp);
	lm->lm_ivp = NULL;
	(void)vflush(mp, NULL, FORCECLOSE);
	ump->um_ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	vfs_disk_close(ump->um_devvp, ump->um_ronly);
	lfs_lm_free(lm);
	mp->mnt_data = NULL;
	return 0;
}

static int
lfs_root(struct mount *mp, int lktype, struct vnode **vpp)
{
	return lfs_vget(mp, LFS_ROOTINO, lktype, vpp);
}

static int
lfs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	lfs_statvfs_fill(VFSTOLFS(mp), sbp);
	sbp->f_fsid = mp->mnt_fsid;
	sbp->f_flag = (uint64_t)mp->mnt_flag;
	vfs_statvfs_copy_names(mp, sbp);
	return 0;
}

static int
lfs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	struct lfsmount *lm = VFSTOLFS(mp);
	int error;

	if (lm->lm_um.um_ronly)
		return 0;
	mutex_enter(&lm->lm_lock);
	error = lfs_nclean(lm) < lm->lm_sb.dlfs_minfreeseg ? EAGAIN : 0;
	mutex_exit(&lm->lm_lock);
	if (error != 0)
		error = lfs_clean(lm, NULL, lm->lm_sb.dlfs_minfreeseg + 2);
	if (error == 0)
		error = lfs_checkpoint(lm);
	vn_lock(lm->lm_um.um_devvp, LK_EXCLUSIVE | LK_RETRY);
	if (error == 0)
		error = VOP_FSYNC(lm->lm_um.um_devvp, cred, FSYNC_WAIT, 0, 0);
	vn_unlock(lm->lm_um.um_devvp);
	return error;
}

static int
lfs_vget(struct mount *mp, ino_t ino, int lktype, struct vnode **vpp)
{
	int error;

	*vpp = NULL;
	if (ino < LFS_ROOTINO || ino >= VFSTOUFS(mp)->um_ninodes)
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
lfs_loadvnode(struct mount *mp, struct vnode *vp, const void *key,
    size_t keylen, const void **new_key)
{
	struct lfsmount *lm = VFSTOLFS(mp);
	uint8_t din[LFS_DINODE_SIZE];
	struct inode *ip;
	ino_t ino;
	int error;

	KASSERT(keylen == sizeof(ino));
	memcpy(&ino, key, sizeof(ino));
	if (ino != LFS_IFILE_INUM &&
	    (ino < LFS_ROOTINO || ino >= lm->lm_um.um_ninodes))
		return ENOENT;
	error = lfs_inode_read(lm, ino, din, NULL);
	if (error == ENOENT) {
		fs_corrupt(LFS_FSNAME, "inode %llu is not in use",
		    (unsigned long long)ino);
		error = EFSCORRUPTED;
	}
	if (error != 0)
		return error;
	ip = ufs_inode_alloc(&lm->lm_um, ino);
	if ((error = ufs_dinode_load(ip, din)) == 0 && ip->i_mode == 0) {
		fs_corrupt(LFS_FSNAME, "inode %llu is not in use",
		    (unsigned long long)ino);
		error = EFSCORRUPTED;
	}
	if (error != 0) {
		ufs_inode_free(ip);
		return error;
	}
	ufs_vinit(ip, vp);
	if (ino == LFS_IFILE_INUM)
		vp->v_type = VREG;
	*new_key = &ip->i_number;
	return 0;
}

static int
lfs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    struct vattr *vap, kauth_cred_t cred, void *extra, size_t *keylen,
    const void **new_key)
{
	struct lfsmount *lm = VFSTOLFS(mp);
	struct ufsmount *ump = &lm->lm_um;
	struct inode *pip = VTOI(dvp), *ip;
	struct timespec now;
	uint32_t vers;
	ino_t ino;
	int error;

	if (ump->um_ronly)
		return EROFS;
	if (vttoif(vap->va_type) == 0)
		return EINVAL;
	/* the cleaner ran, if it had to, as the operation began */
	mutex_enter(&lm->lm_lock);
	error = lfs_bfree(lm) < 1 || lfs_nclean(lm) < lm->lm_sb.dlfs_resvseg
	    ? ENOSPC
	    : 0;
	mutex_exit(&lm->lm_lock);
	if (error != 0)
		return error;
	if ((error = lfs_valloc(lm, &ino, &vers)) != 0)
		return error;
	ip = ufs_inode_alloc(ump, ino);
	memset(ip->i_din, 0, sizeof(ip->i_din));
	ip->i_gen = (int32_t)vers;
	ip->i_mode =
	    (uint16_t)(vttoif(vap->va_type) | (vap->va_mode & RUMP_ALLPERMS));
	ip->i_uid = kauth_cred_geteuid(cred);
	ip->i_gid = pip->i_gid;
	if ((ip->i_mode & RUMP_S_ISGID) && !kauth_cred_issuser(cred) &&
	    !kauth_cred_groupmember(cred, ip->i_gid))
		ip->i_mode &= (uint16_t)~RUMP_S_ISGID;
	getnanotime(&now);
	ip->i_atime = ip->i_mtime = ip->i_ctime = now;
	ip->i_birthtime.tv_sec = VNOVAL;
	ip->i_birthtime.tv_nsec = 0;
	if ((vap->va_type == VCHR || vap->va_type == VBLK) &&
	    (error = ufs_rdev_encode(ump, vap->va_rdev, &ip->i_rdev)) != 0) {
		ip->i_mode = 0;
		(void)lfs_vfree(ip, 0);
		ufs_inode_free(ip);
		return error;
	}
	ip->i_flag = IN_MODIFIED;
	ufs_vinit(ip, vp);
	*keylen = sizeof(ip->i_number);
	*new_key = &ip->i_number;
	return 0;
}
