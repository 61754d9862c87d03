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
static int ext2fs_mount_rw(struct ext2fs_mount *);
static int ext2fs_newvnode(struct mount *, struct vnode *, struct vnode *,
    struct vattr *, kauth_cred_t, void *, size_t *, const void **);

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
    .vfs_newvnode = ext2fs_newvnode,
    .vfs_newfs = ext2fs_newfs,
    .vfs_fsckr = ext2fs_fsck,
    .vfs_opv_descs = ext2fs_vnodeopv_descs,
};

static void
ext2fs_modinit(void)
{
	int error;

	ext2fs_csum_tables_init();
	if ((error = vfs_attach(&ext2fs_vfsops)) != 0)
		kprintf("ext2fs: cannot register: error %d\n", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_FS, ext2fs, ext2fs_modinit)

/* Counters and sizes of statvfs, from the in-core group descriptors. */
static void
ext2fs_statvfs_fill(struct ext2fs_mount *ump, struct rump_statvfs *sbp)
{
	uint64_t bfree = 0, ffree = 0, resv;
	uint32_t g;

	if (!ump->um_ronly) {
		mutex_enter(&ump->um_lock);
		bfree = ump->um_nfreeblks;
		ffree = ump->um_nfreeinos;
		mutex_exit(&ump->um_lock);
	} else {
		for (g = 0; g < ump->um_ngroups; g++) {
			bfree += ump->um_groups[g].g_free_blocks;
			ffree += ump->um_groups[g].g_free_inodes;
		}
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
	if (!ump->um_ronly)
		ext2fs_rw_done(ump);
	ext2fs_groups_free(ump);
	if (ump->um_bounce != NULL)
		kmem_free(ump->um_bounce, E2FS_BOUNCE_MAX);
	kmem_free(ump, sizeof(*ump));
}

/* Read and check the superblock, the group descriptors and the root. */
static int
ext2fs_mountfs(struct vnode *devvp, struct mount *mp, uint64_t devsize,
    bool force, struct ext2fs_mount **umpp)
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
	ump->um_ronly = true; /* until the read-write state is set up */

	if ((error = ext2fs_sb_check(ump, devsize)) != 0 ||
	    (error = ext2fs_groups_load(ump)) != 0)
		goto fail;
	if ((mp->mnt_flag & MNT_RDONLY) == 0 &&
	    (error = ext2fs_rw_check(ump, force)) != 0)
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
	if ((mp->mnt_flag & MNT_RDONLY) == 0 &&
	    (error = ext2fs_mount_rw(ump)) != 0)
		goto fail;
	*umpp = ump;
	return 0;
fail:
	ext2fs_ump_free(ump);
	return error;
}

/*
 * Start writing: the superblock says "not clean" on the disk until the
 * unmount, so that a crash leaves a file system e2fsck will look at.
 */
static int
ext2fs_mount_rw(struct ext2fs_mount *ump)
{
	struct ext2fs_super *sb = &ump->um_sb;
	uint32_t now = (uint32_t)time_second();

	ump->um_ronly = false;
	ext2fs_rw_init(ump);
	ump->um_mntstate = e2fs_le16(sb->s_state);
	sb->s_state = e2fs_le16(ump->um_mntstate & ~E2FS_ISCLEAN);
	sb->s_mnt_count = e2fs_le16((uint16_t)(e2fs_le16(sb->s_mnt_count) + 1));
	sb->s_mtime = e2fs_le32(now);
	return ext2fs_sbupdate(ump, true);
}

/* Mount options: "force" writes an image that is not clean. */
struct ext2fs_opts {
	bool force;
};

static int
ext2fs_opt(void *arg, const char *name, const char *value)
{
	struct ext2fs_opts *o = arg;

	if (strcmp(name, "force") == 0)
		o->force = true;
	else if (strcmp(name, "ro") != 0 && strcmp(name, "rw") != 0)
		kprintf("ext2fs: ignoring unknown option %s\n", name);
	return 0;
}

static int
ext2fs_mount(struct mount *mp, const char *path, void *data, size_t *data_len)
{
	struct rump_diskfs_args *args = data;
	struct ext2fs_opts opts = {false};
	struct ext2fs_mount *ump;
	struct vnode *devvp;
	uint64_t devsize;
	int error, fmode;

	if (mp->mnt_flag & MNT_UPDATE) {
		if ((ump = VFSTOEXT2(mp)) == NULL)
			return EINVAL;
		if (ump->um_ronly == ((mp->mnt_flag & MNT_RDONLY) != 0))
			return 0;
		return EOPNOTSUPP; /* no switching between ro and rw */
	}
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->fspec == NULL)
		return EINVAL;
	if (args->options != NULL &&
	    (error = mount_parse_options(args->options, ext2fs_opt, &opts)) !=
	        0)
		return error;
	fmode = FREAD | ((mp->mnt_flag & MNT_RDONLY) ? 0 : FWRITE);
	if ((error = vfs_disk_open(args->fspec, !(fmode & FWRITE), &devvp, &devsize)) != 0)
		return error;
	error = ext2fs_mountfs(devvp, mp, devsize, opts.force, &ump);
	if (error != 0) {
		vfs_disk_close(devvp, !(fmode & FWRITE));
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

	int e;

	error = vflush(mp, NULL, (mntflags & MNT_FORCE) ? FORCECLOSE : 0);
	if (error != 0)
		return error;
	if (!ump->um_ronly) {
		/* back to the state it had: clean unless it was not */
		ump->um_sb.s_state = e2fs_le16(ump->um_mntstate);
		error = ext2fs_sbupdate(ump, false);
	}
	e = vfs_disk_close(ump->um_devvp, ump->um_ronly);
	if (error == 0)
		error = e;
	if (error != 0)
		kprintf(
		    "ext2fs: unmount: writing back failed (error %d)\n", error);
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

struct ext2fs_sync_state {
	int waitfor;
	int error;
};

/* Put a vnode's inode into its table block; write a file's blocks. */
static int
ext2fs_sync_vnode(struct vnode *vp, void *arg)
{
	struct ext2fs_sync_state *ss = arg;
	struct ext2fs_inode *ip;
	int error = 0;

	/* a periodic sync passes over the busy: they come next time */
	if (vn_lock(vp, LK_EXCLUSIVE |
	        (ss->waitfor == MNT_WAIT ? 0 : LK_NOWAIT)) != 0)
		return 0;
	ip = VTOI(vp);
	if (ip != NULL) {
		if (vp->v_type != VDIR && vp->v_ndirty > 0)
			error = vflushbuf(
			    vp, ss->waitfor == MNT_WAIT ? FSYNC_WAIT : 0);
		if (error == 0)
			error = ext2fs_update(ip, false);
	}
	vn_unlock(vp);
	if (error != 0 && ss->error == 0)
		ss->error = error;
	return 0;
}

/* Has the file anything for sync to do?  (vfs_vnode_iterate_sel) */
static VNODE_PEEK bool
ext2fs_sync_wanted(struct vnode *vp)
{
	struct ext2fs_inode *ip = VTOI(vp);

	return __atomic_load_n(&vp->v_ndirty, __ATOMIC_RELAXED) > 0 ||
	    (ip != NULL &&
		(__atomic_load_n(&ip->i_flag, __ATOMIC_RELAXED) & IN_MODIFIED));
}

/*
 * Everything to the disk: file data, then the metadata in the order of
 * ext2fs_sync_meta().
 */
static int
ext2fs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = VFSTOEXT2(mp);
	struct ext2fs_sync_state ss = {waitfor, 0};
	int error;

	if (ump->um_ronly)
		return 0;
	buf_flushbehind(); /* closed files' data, gathered across files */
	vfs_vnode_iterate_sel(mp, ext2fs_sync_wanted, ext2fs_sync_vnode, &ss);
	error = ext2fs_sync_meta(ump);
	return ss.error ? ss.error : error;
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
	vp->v_op = ext2fs_is_fsnode(vp) ? ext2fs_vnodeop_p : ext2fs_specop_p;
	vp->v_data = ip;
	vp->v_size = (off_t)ip->i_size;
	*new_key = &ip->i_number;
	return 0;
}

/* Is inode ino in use on disk (a mode and links), whatever its bitmap? */
static bool
ext2fs_ino_inuse(struct ext2fs_mount *ump, ino_t ino)
{
	struct ext2fs_dinode din;
	uint8_t *raw;
	bool inuse;

	raw = kmem_zalloc(MAX(ump->um_isize, sizeof(din)), KM_SLEEP);
	inuse = ext2fs_dinode_read(ump, ino, raw) == 0 &&
	    (memcpy(&din, raw, sizeof(din)), din.i_mode != 0) &&
	    din.i_links_count != 0;
	kmem_free(raw, MAX(ump->um_isize, sizeof(din)));
	return inuse;
}

/*
 * A new file for vcache_new(): allocate an inode near directory dvp and
 * fill vp with it.  The owner is the caller, the group the directory's.
 */
static int
ext2fs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    struct vattr *vap, kauth_cred_t cred, void *extra, size_t *keylen,
    const void **new_key)
{
	struct ext2fs_mount *ump = VFSTOEXT2(mp);
	struct ext2fs_inode *dp = VTOI(dvp), *ip;
	uint16_t mode;
	ino_t ino;
	int error, tries;

	if (ump->um_ronly)
		return EROFS;
	mode =
	    (uint16_t)(vttoif(vap->va_type) | (vap->va_mode & RUMP_ALLPERMS));
	if ((mode & E2FS_IFMT) == 0)
		return EINVAL;
	/*
	 * A damaged bitmap may offer an inode that is in use (its vnode may
	 * even be active: vcache_new would wait for it forever).  Its bit
	 * stays set, as it should be, and another is taken.
	 */
	for (tries = 0;; tries++) {
		error = ext2fs_inoalloc(dp, vap->va_type == VDIR, &ino);
		if (error != 0)
			return error;
		if (!ext2fs_ino_inuse(ump, ino))
			break;
		fs_corrupt(E2FS_FSNAME,
		    "inode %llu is in use but free in its bitmap",
		    (unsigned long long)ino);
		if (tries >= 8)
			return EFSCORRUPTED;
	}
	ip = ext2fs_inode_create(
	    ump, ino, mode, kauth_cred_geteuid(cred), dp->i_gid);
	/* set-group-id only for members of the group */
	if ((mode & E2FS_ISGID) && !kauth_cred_groupmember(cred, ip->i_gid))
		ip->i_mode &= ~E2FS_ISGID;
	if (vap->va_type == VDIR)
		ip->i_nlink = 2;
	if ((vap->va_type == VCHR || vap->va_type == VBLK) &&
	    vap->va_rdev != (dev_t)VNOVAL)
		ext2fs_inode_setrdev(ip, vap->va_rdev);
	if (ump->um_extents && (vap->va_type == VREG || vap->va_type == VDIR))
		ext2fs_ext_init(ip);
	ip->i_vnode = vp;
	vp->v_type = vap->va_type;
	vp->v_op = ext2fs_is_fsnode(vp) ? ext2fs_vnodeop_p : ext2fs_specop_p;
	vp->v_data = ip;
	vp->v_size = 0;
	if ((error = ext2fs_update(ip, false)) != 0) {
		ext2fs_inofree(ump, ino, vap->va_type == VDIR);
		vp->v_data = NULL;
		ext2fs_inode_free(ip);
		return error;
	}
	*keylen = sizeof(ip->i_number);
	*new_key = &ip->i_number;
	return 0;
}
