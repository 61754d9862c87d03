/*
 * The file-system operations of ext2fs: mount and unmount, the root,
 * statvfs, loading vnodes, and the registration of the file-system type.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/rump_private.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

static int ext2fs_mount(struct mount *, const char *, void *, size_t *);
static int ext2fs_unmount(struct mount *, int);
static int ext2fs_root(struct mount *, int, struct vnode **);
static int ext2fs_statvfs(struct mount *, struct rump_statvfs *);
static int ext2fs_sync(struct mount *, int, kauth_cred_t);
static int ext2fs_vget(struct mount *, ino_t, int, struct vnode **);
static int ext2fs_loadvnode(
    struct mount *, struct vnode *, const void *, size_t, const void **);

static struct vfsops ext2fs_vfsops = {
    .vfs_name = "ext2fs",
    .vfs_min_mount_data = sizeof(struct rump_diskfs_args),
    .vfs_mount = ext2fs_mount,
    .vfs_unmount = ext2fs_unmount,
    .vfs_root = ext2fs_root,
    .vfs_statvfs = ext2fs_statvfs,
    .vfs_sync = ext2fs_sync,
    .vfs_vget = ext2fs_vget,
    .vfs_loadvnode = ext2fs_loadvnode,
    .vfs_opv_descs = ext2fs_vnodeopv_descs,
};

static void
ext2fs_modinit(void)
{
	int error;

	if ((error = vfs_attach(&ext2fs_vfsops)) != 0)
		kprintf("ext2fs: cannot register: error %d\n", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_FS, ext2fs, ext2fs_modinit)

/* Counters and sizes of statvfs, from the in-core group descriptors. */
static void
ext2fs_statvfs_fill(const struct ext2fs_mount *ump, struct rump_statvfs *sbp)
{
	uint64_t bfree = 0, ffree = 0, resv;
	uint32_t g;

	for (g = 0; g < ump->um_ngroups; g++) {
		bfree += ump->um_groups[g].g_free_blocks;
		ffree += ump->um_groups[g].g_free_inodes;
	}
	bfree <<= ump->um_cluster_shift; /* counted in clusters */
	resv = e2fs_le32(ump->um_sb.s_r_blocks_count_lo);
	if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_64BIT))
		resv |= (uint64_t)e2fs_le32(ump->um_sb.s_r_blocks_count_hi)
		    << 32;
	sbp->f_bsize = sbp->f_frsize = sbp->f_iosize = ump->um_bsize;
	sbp->f_blocks = ump->um_nblocks - ump->um_overhead;
	sbp->f_bfree = MIN(bfree, sbp->f_blocks);
	sbp->f_bresvd = MIN(resv, sbp->f_bfree);
	sbp->f_bavail = sbp->f_bfree - sbp->f_bresvd;
	sbp->f_files = ump->um_ninodes;
	sbp->f_ffree = sbp->f_favail = MIN(ffree, ump->um_ninodes);
	sbp->f_fresvd = 0;
	sbp->f_namemax = 255;
}

static void
ext2fs_ump_free(struct ext2fs_mount *ump)
{
	ext2fs_groups_free(ump);
	kmem_free(ump, sizeof(*ump));
}

/* Read and check the superblock, the group descriptors and the root. */
static int
ext2fs_mountfs(struct vnode *devvp, struct mount *mp, uint64_t devsize,
    struct ext2fs_mount **umpp)
{
	struct ext2fs_mount *ump;
	struct ext2fs_inode *root;
	struct buf *bp;
	int error;

	if (devsize < E2FS_SBOFF + E2FS_SBSIZE) {
		kprintf("ext2fs: device too small (%llu bytes)\n",
		    (unsigned long long)devsize);
		return EINVAL;
	}
	error = bread(devvp, E2FS_SBOFF / DEV_BSIZE, E2FS_SBSIZE, 0, &bp);
	if (error != 0)
		return error;
	ump = kmem_zalloc(sizeof(*ump), KM_SLEEP);
	memcpy(&ump->um_sb, bp->b_data, sizeof(ump->um_sb));
	brelse(bp, 0);
	ump->um_mountp = mp;
	ump->um_devvp = devvp;
	ump->um_devsize = devsize;
	ump->um_ronly = (mp->mnt_flag & MNT_RDONLY) != 0;

	if ((error = ext2fs_sb_check(ump, devsize)) != 0 ||
	    (error = ext2fs_groups_load(ump)) != 0)
		goto fail;
	/* Refuse now, not at the first lookup, if the root is unusable. */
	if ((error = ext2fs_inode_load(ump, E2FS_ROOTINO, &root)) != 0) {
		if (error == ENOENT)
			error = EFSCORRUPTED;
		goto fail;
	}
	if ((root->i_mode & E2FS_IFMT) != E2FS_IFDIR) {
		fs_corrupt(E2FS_FSNAME, "root inode is not a directory");
		error = EFSCORRUPTED;
	}
	ext2fs_inode_free(root);
	if (error != 0)
		goto fail;
	*umpp = ump;
	return 0;
fail:
	ext2fs_ump_free(ump);
	return error;
}

/* Open the device named by fspec; returns it referenced and unlocked. */
static int
ext2fs_opendev(const char *fspec, struct vnode **devvpp, uint64_t *sizep)
{
	struct nameidata nd;
	struct vnode *devvp;
	struct vattr va;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, fspec);
	if ((error = namei(&nd)) != 0)
		return error;
	devvp = nd.ni_vp;
	if (devvp->v_type != VBLK) {
		vrele(devvp);
		return ENOTBLK;
	}
	vn_lock(devvp, LK_EXCLUSIVE | LK_RETRY);
	error = VOP_OPEN(devvp, FREAD, FSCRED);
	if (error == 0) {
		vattr_null(&va);
		error = VOP_GETATTR(devvp, &va, FSCRED);
		if (error != 0)
			VOP_CLOSE(devvp, FREAD, FSCRED);
	}
	vn_unlock(devvp);
	if (error != 0) {
		vrele(devvp);
		return error;
	}
	*devvpp = devvp;
	*sizep = (uint64_t)va.va_size;
	return 0;
}

/* Throw away the device's buffers, close it and drop our reference. */
static void
ext2fs_closedev(struct vnode *devvp)
{
	vn_lock(devvp, LK_EXCLUSIVE | LK_RETRY);
	vinvalbuf(devvp, true);
	VOP_CLOSE(devvp, FREAD, FSCRED);
	vput(devvp);
}

static int
ext2fs_mount(struct mount *mp, const char *path, void *data, size_t *data_len)
{
	struct rump_diskfs_args *args = data;
	struct ext2fs_mount *ump;
	struct vnode *devvp;
	uint64_t devsize;
	int error;

	if (mp->mnt_flag & MNT_UPDATE) {
		if (VFSTOEXT2(mp) == NULL)
			return EINVAL;
		return (mp->mnt_flag & MNT_RDONLY) ? 0 : EROFS;
	}
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->fspec == NULL)
		return EINVAL;
	if ((mp->mnt_flag & MNT_RDONLY) == 0) {
		kprintf("ext2fs: only read-only mounts are supported\n");
		return EROFS;
	}
	if ((error = ext2fs_opendev(args->fspec, &devvp, &devsize)) != 0)
		return error;
	if ((error = ext2fs_mountfs(devvp, mp, devsize, &ump)) != 0) {
		ext2fs_closedev(devvp);
		return error;
	}
	mp->mnt_data = ump;
	mp->mnt_fs_bshift = ump->um_bshift;
	mp->mnt_dev_bshift = DEV_BSHIFT;
	ext2fs_statvfs_fill(ump, &mp->mnt_stat);
	if (mp->mnt_stat.f_mntfromname[0] == '\0')
		ksnprintf(mp->mnt_stat.f_mntfromname,
		    sizeof(mp->mnt_stat.f_mntfromname), "%s", args->fspec);
	if (mp->mnt_stat.f_fstypename[0] == '\0')
		ksnprintf(mp->mnt_stat.f_fstypename,
		    sizeof(mp->mnt_stat.f_fstypename), "%s",
		    ext2fs_vfsops.vfs_name);
	vfs_statvfs_copy_names(mp, &mp->mnt_stat);
	return 0;
}

static int
ext2fs_unmount(struct mount *mp, int mntflags)
{
	struct ext2fs_mount *ump = VFSTOEXT2(mp);
	int error;

	error = vflush(mp, NULL, (mntflags & MNT_FORCE) ? FORCECLOSE : 0);
	if (error != 0)
		return error;
	ext2fs_closedev(ump->um_devvp);
	ext2fs_ump_free(ump);
	mp->mnt_data = NULL;
	return 0;
}

static int
ext2fs_root(struct mount *mp, int lktype, struct vnode **vpp)
{
	return ext2fs_vget(mp, E2FS_ROOTINO, lktype, vpp);
}

static int
ext2fs_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	ext2fs_statvfs_fill(VFSTOEXT2(mp), sbp);
	sbp->f_fsid = mp->mnt_fsid;
	sbp->f_flag = (uint64_t)mp->mnt_flag;
	vfs_statvfs_copy_names(mp, sbp);
	return 0;
}

static int
ext2fs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	return 0; /* read-only: nothing to write */
}

static int
ext2fs_vget(struct mount *mp, ino_t ino, int lktype, struct vnode **vpp)
{
	int error;

	*vpp = NULL;
	if (ext2fs_ino_check(VFSTOEXT2(mp), ino) != 0)
		return ENOENT;
	if ((error = vcache_get(mp, &ino, sizeof(ino), vpp)) != 0)
		return error;
	if (lktype != LK_NONE && (error = vn_lock(*vpp, lktype)) != 0) {
		vrele(*vpp);
		*vpp = NULL;
	}
	return error;
}

/* Fill the fresh vnode vp with inode *key. */
static int
ext2fs_loadvnode(struct mount *mp, struct vnode *vp, const void *key,
    size_t keylen, const void **new_key)
{
	struct ext2fs_mount *ump = VFSTOEXT2(mp);
	struct ext2fs_inode *ip;
	ino_t ino;
	int error;

	KASSERT(keylen == sizeof(ino));
	memcpy(&ino, key, sizeof(ino));
	if (ext2fs_ino_check(ump, ino) != 0)
		return ENOENT;
	if ((error = ext2fs_inode_load(ump, ino, &ip)) != 0)
		return error;
	ip->i_vnode = vp;
	vp->v_type = ext2fs_mode2vtype(ip->i_mode);
	if (ino == E2FS_ROOTINO) {
		if (vp->v_type != VDIR) {
			ext2fs_inode_free(ip);
			fs_corrupt(
			    E2FS_FSNAME, "root inode is not a directory");
			return EFSCORRUPTED;
		}
		vp->v_vflag |= VV_ROOT;
	}
	vp->v_op =
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK)
	    ? ext2fs_vnodeop_p
	    : ext2fs_specop_p;
	vp->v_data = ip;
	vp->v_size = (off_t)ip->i_size;
	*new_key = &ip->i_number;
	return 0;
}
