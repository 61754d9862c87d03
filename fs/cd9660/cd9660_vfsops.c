/*
 * The file-system operations of cd9660: mount (volume descriptors and the
 * choice of tree), unmount, the root, statvfs, loading vnodes, and the
 * registration of the file-system type.
 *
 * The tree shown is the primary one with Rock Ridge if its root carries
 * SUSP and Rock Ridge entries, else the Joliet tree of a supplementary
 * descriptor, else the plain primary tree.  Options as NetBSD's
 * mount_cd9660(8) names them: norrip, nojoliet, gens (keep ";1"),
 * nomaplcase (plain names keep their upper case).  Only the last session
 * of a multi-session image is seen (its descriptors are the ones at block
 * 16 of an image file).  Read-write mounts fail with EROFS.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/rump_private.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"
#include "cd9660/rrip.h"

static int cd9660_mount(struct mount *, const char *, void *, size_t *);
static int cd9660_unmount(struct mount *, int);
static int cd9660_root(struct mount *, int, struct vnode **);
static int cd9660_statvfs(struct mount *, struct rump_statvfs *);
static int cd9660_sync(struct mount *, int, kauth_cred_t);
static int cd9660_vget(struct mount *, ino_t, int, struct vnode **);
static int cd9660_loadvnode(
    struct mount *, struct vnode *, const void *, size_t, const void **);

static struct vfsops cd9660_vfsops = {
    .vfs_name = CD9660_FSNAME,
    .vfs_min_mount_data = sizeof(struct rump_diskfs_args),
    .vfs_mount = cd9660_mount,
    .vfs_unmount = cd9660_unmount,
    .vfs_root = cd9660_root,
    .vfs_statvfs = cd9660_statvfs,
    .vfs_sync = cd9660_sync,
    .vfs_vget = cd9660_vget,
    .vfs_loadvnode = cd9660_loadvnode,
    .vfs_opv_descs = cd9660_vnodeopv_descs,
};

static void
cd9660_modinit(void)
{
	int error;

	if ((error = vfs_attach(&cd9660_vfsops)) != 0)
		kprintf("cd9660: cannot register: error %d\n", error);
}

RUMP_COMPONENT(RUMP_COMPONENT_FS, cd9660, cd9660_modinit)

static int
cd9660_option(void *arg, const char *name, const char *value)
{
	unsigned *opts = arg;
	static const struct {
		const char *name;
		unsigned bit;
	} tab[] = {
	    {"norrip", CD9660_OPT_NORRIP},
	    {"nojoliet", CD9660_OPT_NOJOLIET},
	    {"gens", CD9660_OPT_GENS},
	    {"nomaplcase", CD9660_OPT_NOMAPLCASE},
	    {"rrip", 0},
	    {"joliet", 0},
	    {"ro", 0},
	    {"rdonly", 0},
	};
	size_t i;

	for (i = 0; i < __arraycount(tab); i++)
		if (strcmp(name, tab[i].name) == 0 && value == NULL) {
			*opts |= tab[i].bit;
			return 0;
		}
	kprintf("cd9660: unknown mount option \"%s\" (known: norrip, "
	        "nojoliet, gens, nomaplcase)\n",
	    name);
	return EINVAL;
}

/* What the volume descriptors say. */
struct cd9660_vds {
	uint8_t pvd_root[ISO_DR_MINLEN];
	uint8_t svd_root[ISO_DR_MINLEN];
	uint32_t volsize;
	int joliet;
	char volid[33];
};

/* Check a root record copied from a descriptor. */
static int
cd9660_vd_root(
    struct cd9660_mount *ump, const uint8_t *rec, uint32_t *lba, uint32_t *size)
{
	struct iso_dirent d;
	int error;

	if ((error = cd9660_dirent_parse(ump, rec, ISO_DR_MINLEN, 0, &d)) != 0)
		return error;
	if ((d.d_flags & ISO_FLAG_DIRECTORY) == 0 || d.d_size == 0)
		return cd9660_corrupt("root record is not a directory");
	*lba = d.d_extent + d.d_xarlen;
	*size = d.d_size;
	return cd9660_check_extent(ump, *lba, *size, 0, 0, "root directory");
}

static int
cd9660_vd_primary(const uint8_t *vd, struct cd9660_vds *vds)
{
	uint16_t bsize;
	size_t n;

	if (!iso_723(vd + ISO_PVD_BLOCK_SIZE, &bsize) ||
	    !iso_733(vd + ISO_PVD_VOLUME_SIZE, &vds->volsize))
		return cd9660_corrupt("primary volume descriptor: both-endian "
		                      "halves differ");
	if (bsize != ISO_SECTOR) {
		kprintf("cd9660: logical block size %u is not supported (only "
		        "2048)\n",
		    bsize);
		return EOPNOTSUPP;
	}
	memcpy(vds->pvd_root, vd + ISO_PVD_ROOT, ISO_DR_MINLEN);
	memcpy(vds->volid, vd + ISO_PVD_VOLUME_ID, 32);
	for (n = 32;
	     n > 0 && (vds->volid[n - 1] == ' ' || vds->volid[n - 1] == '\0');
	     n--)
		;
	vds->volid[n] = '\0';
	return 0;
}

/* Read the descriptors from block 16 to the terminator. */
static int
cd9660_read_vds(struct cd9660_mount *ump, struct cd9660_vds *vds)
{
	bool pvd = false;
	struct buf *bp;
	const uint8_t *vd;
	uint16_t bsize;
	uint32_t sec;
	int error = 0, level;

	memset(vds, 0, sizeof(*vds));
	for (sec = ISO_SYSAREA_SECTORS;
	     sec < ISO_SYSAREA_SECTORS + ISO_MAX_VDS && error == 0; sec++) {
		if (sec >= ump->um_nsectors)
			break;
		if ((error = cd9660_bread(ump, sec, &bp)) != 0)
			return error;
		vd = bp->b_data;
		if (memcmp(vd + ISO_VD_ID, ISO_STANDARD_ID, 5) != 0) {
			brelse(bp, 0);
			break;
		}
		switch (vd[ISO_VD_TYPE]) {
		case ISO_VD_PRIMARY:
			if (!pvd)
				error = cd9660_vd_primary(vd, vds);
			pvd = true;
			break;
		case ISO_VD_SUPPLEMENTARY:
			level = cd9660_joliet_level(vd + ISO_PVD_ESCAPES);
			if (level > vds->joliet &&
			    iso_723(vd + ISO_PVD_BLOCK_SIZE, &bsize) &&
			    bsize == ISO_SECTOR) {
				vds->joliet = level;
				memcpy(vds->svd_root, vd + ISO_PVD_ROOT,
				    ISO_DR_MINLEN);
			}
			break;
		}
		brelse(bp, 0);
		if (error == 0 && vd[ISO_VD_TYPE] == ISO_VD_TERMINATOR)
			break;
	}
	if (error == 0 && !pvd) {
		kprintf("cd9660: no primary volume descriptor: not an ISO 9660 "
		        "image\n");
		error = EINVAL;
	}
	return error;
}

/* Does the primary root carry SUSP and Rock Ridge? Sets um_susp_skip. */
static int
cd9660_probe_rrip(struct cd9660_mount *ump, uint32_t root, bool *rrip)
{
	struct cd9660_dircursor *c;
	struct cd9660_rr *rr;
	struct iso_dirent d;
	int error;

	*rrip = false;
	c = kmem_alloc(sizeof(*c), KM_SLEEP);
	rr = kmem_zalloc(sizeof(*rr), KM_SLEEP);
	ump->um_susp_skip = 0;
	cd9660_dircursor_init(c, ump, root, ISO_SECTOR, 0);
	error = cd9660_dircursor_next(c, &d);
	if (error == 0 && d.d_sulen >= SUSP_SP_LEN && d.d_su[0] == 'S' &&
	    d.d_su[1] == 'P') {
		error = cd9660_rrip_parse(ump, &d, rr);
		if (error == 0 && (rr->rr_have & RR_SP))
			*rrip = (rr->rr_have & (RR_ER | RR_PX | RR_TF)) != 0;
		ump->um_susp_skip = rr->rr_sp_skip;
	}
	if (error == ENOENT)
		error = cd9660_corrupt("root directory is empty");
	kmem_free(rr, sizeof(*rr));
	kmem_free(c, sizeof(*c));
	return error;
}

/*
 * The directory genisoimage or makefs moved deep directories into.  Its
 * relocated directories are shown only where they belong, and it is
 * hidden itself if that leaves it empty: it is an artefact of the image.
 */
static void
cd9660_find_rrmoved(struct cd9660_mount *ump)
{
	static const char *const names[] = {"rr_moved", ".rr_moved"};
	struct cd9660_entry *e;
	struct cd9660_node *root, *dir;
	struct cd9660_key key;
	size_t i, n;

	cd9660_key_dir(&key, ump->um_root);
	if (cd9660_node_load(ump, &key, &root) != 0)
		return;
	e = kmem_alloc(sizeof(*e), KM_SLEEP);
	for (i = 0; i < __arraycount(names) && ump->um_rrmoved == 0; i++)
		if (cd9660_dir_find(root, names[i], strlen(names[i]), e) == 0 &&
		    e->e_key.k_isdir)
			ump->um_rrmoved =
			    (uint32_t)(e->e_key.k_addr / ISO_SECTOR);
	if (ump->um_rrmoved != 0 &&
	    cd9660_node_load(ump, &e->e_key, &dir) == 0) {
		if (dir->i_parent == ump->um_root &&
		    cd9660_dir_count(dir, &n) == 0 && n == 0)
			ump->um_hide_rrmoved = true;
		cd9660_node_free(dir);
	}
	kmem_free(e, sizeof(*e));
	cd9660_node_free(root);
}

/* Read the descriptors, pick the tree and check its root. */
static int
cd9660_mountfs(struct cd9660_mount *ump)
{
	struct cd9660_vds vds;
	struct cd9660_node *root;
	struct cd9660_key key;
	uint32_t lba, size;
	bool rrip = false;
	int error;

	if ((error = cd9660_read_vds(ump, &vds)) != 0)
		return error;
	ump->um_volsize = vds.volsize;
	memcpy(ump->um_volid, vds.volid, sizeof(ump->um_volid));
	if (vds.volsize < ump->um_nsectors)
		ump->um_nsectors = vds.volsize;
	else if (vds.volsize > ump->um_nsectors)
		kprintf("cd9660: the volume has %u blocks, the device only "
		        "%u: image truncated?\n",
		    vds.volsize, ump->um_nsectors);
	if ((error = cd9660_vd_root(ump, vds.pvd_root, &lba, &size)) != 0)
		return error;
	if ((ump->um_opts & CD9660_OPT_NORRIP) == 0 &&
	    (error = cd9660_probe_rrip(ump, lba, &rrip)) != 0)
		return error;
	if (rrip) {
		ump->um_tree = CD9660_ROCKRIDGE;
	} else if (vds.joliet > 0 &&
	    (ump->um_opts & CD9660_OPT_NOJOLIET) == 0) {
		ump->um_susp_skip = 0;
		if ((error = cd9660_vd_root(ump, vds.svd_root, &lba, &size)) !=
		    0)
			return error;
		ump->um_tree = CD9660_JOLIET;
		ump->um_joliet_level = vds.joliet;
	} else {
		ump->um_susp_skip = 0;
		ump->um_tree = CD9660_PLAIN;
	}
	ump->um_root = lba;
	ump->um_rootsize = size;
	/* Refuse now, not at the first lookup, if the root is unusable. */
	cd9660_key_dir(&key, lba);
	if ((error = cd9660_node_load(ump, &key, &root)) != 0)
		return error;
	cd9660_node_free(root);
	if (ump->um_tree == CD9660_ROCKRIDGE)
		cd9660_find_rrmoved(ump);
	return 0;
}

static void
cd9660_statvfs_fill(const struct cd9660_mount *ump, struct rump_statvfs *sbp)
{
	sbp->f_bsize = sbp->f_frsize = ISO_SECTOR;
	sbp->f_iosize = 64 * 1024;
	sbp->f_blocks = ump->um_volsize;
	sbp->f_bfree = sbp->f_bavail = sbp->f_bresvd = 0;
	sbp->f_files = 0;
	sbp->f_ffree = sbp->f_favail = sbp->f_fresvd = 0;
	sbp->f_namemax = ump->um_tree == CD9660_JOLIET ? 206 : 255;
}

static int
cd9660_mount(struct mount *mp, const char *path, void *data, size_t *data_len)
{
	struct rump_diskfs_args *args = data;
	struct cd9660_mount *ump;
	struct vnode *devvp;
	uint64_t devsize;
	unsigned opts = 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE) {
		if (VFSTOCD9660(mp) == NULL)
			return EINVAL;
		return (mp->mnt_flag & MNT_RDONLY) ? 0 : EROFS;
	}
	if (args == NULL || data_len == NULL || *data_len < sizeof(*args) ||
	    args->fspec == NULL)
		return EINVAL;
	if ((mp->mnt_flag & MNT_RDONLY) == 0) {
		kprintf("cd9660: ISO 9660 images can only be mounted "
		        "read-only\n");
		return EROFS;
	}
	if ((error = mount_parse_options(
	         args->options, cd9660_option, &opts)) != 0)
		return error;
	if ((error = vfs_disk_open(args->fspec, true, &devvp, &devsize)) != 0)
		return error;
	ump = kmem_zalloc(sizeof(*ump), KM_SLEEP);
	ump->um_mountp = mp;
	ump->um_devvp = devvp;
	ump->um_devsize = devsize;
	ump->um_opts = opts;
	ump->um_nsectors = (uint32_t)MIN(devsize / ISO_SECTOR, UINT32_MAX);
	if (ump->um_nsectors <= ISO_SYSAREA_SECTORS) {
		kprintf("cd9660: device too small (%llu bytes)\n",
		    (unsigned long long)devsize);
		error = EINVAL;
	} else
		error = cd9660_mountfs(ump);
	if (error != 0) {
		kmem_free(ump, sizeof(*ump));
		vfs_disk_close(devvp, true);
		return error;
	}
	mp->mnt_data = ump;
	mp->mnt_fs_bshift = ISO_SECTOR_SHIFT;
	mp->mnt_dev_bshift = DEV_BSHIFT;
	cd9660_statvfs_fill(ump, &mp->mnt_stat);
	if (mp->mnt_stat.f_mntfromname[0] == '\0')
		ksnprintf(mp->mnt_stat.f_mntfromname,
		    sizeof(mp->mnt_stat.f_mntfromname), "%s", args->fspec);
	if (mp->mnt_stat.f_fstypename[0] == '\0')
		ksnprintf(mp->mnt_stat.f_fstypename,
		    sizeof(mp->mnt_stat.f_fstypename), "%s",
		    cd9660_vfsops.vfs_name);
	vfs_statvfs_copy_names(mp, &mp->mnt_stat);
	return 0;
}

static int
cd9660_unmount(struct mount *mp, int mntflags)
{
	struct cd9660_mount *ump = VFSTOCD9660(mp);
	int error;

	error = vflush(mp, NULL, (mntflags & MNT_FORCE) ? FORCECLOSE : 0);
	if (error != 0)
		return error;
	vfs_disk_close(ump->um_devvp, true);
	kmem_free(ump, sizeof(*ump));
	mp->mnt_data = NULL;
	return 0;
}

static int
cd9660_root(struct mount *mp, int lktype, struct vnode **vpp)
{
	struct cd9660_key key;
	int error;

	cd9660_key_dir(&key, VFSTOCD9660(mp)->um_root);
	if ((error = vcache_get(mp, &key, sizeof(key), vpp)) != 0)
		return error;
	if (lktype != LK_NONE && (error = vn_lock(*vpp, lktype)) != 0) {
		vrele(*vpp);
		*vpp = NULL;
	}
	return error;
}

static int
cd9660_statvfs(struct mount *mp, struct rump_statvfs *sbp)
{
	cd9660_statvfs_fill(VFSTOCD9660(mp), sbp);
	sbp->f_fsid = mp->mnt_fsid;
	sbp->f_flag = (uint64_t)mp->mnt_flag;
	vfs_statvfs_copy_names(mp, sbp);
	return 0;
}

static int
cd9660_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	return 0; /* read-only: nothing to write */
}

/* Nodes are found by the location of their records, not by number. */
static int
cd9660_vget(struct mount *mp, ino_t ino, int lktype, struct vnode **vpp)
{
	*vpp = NULL;
	return EOPNOTSUPP;
}

static int
cd9660_loadvnode(struct mount *mp, struct vnode *vp, const void *key,
    size_t keylen, const void **new_key)
{
	struct cd9660_mount *ump = VFSTOCD9660(mp);
	struct cd9660_node *ip;
	int error;

	KASSERT(keylen == sizeof(struct cd9660_key));
	if ((error = cd9660_node_load(ump, key, &ip)) != 0)
		return error;
	ip->i_vnode = vp;
	vp->v_type = ip->i_type;
	if (ip->i_key.k_isdir &&
	    ip->i_key.k_addr == (uint64_t)ump->um_root * ISO_SECTOR)
		vp->v_vflag |= VV_ROOT;
	vp->v_op =
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK)
	    ? cd9660_vnodeop_p
	    : cd9660_specop_p;
	vp->v_data = ip;
	vp->v_size = (off_t)ip->i_size;
	*new_key = &ip->i_key;
	return 0;
}
