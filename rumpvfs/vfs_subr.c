/* Small conversions between the kernel's and the public representations. */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"

void
vattr_null(struct vattr *vap)
{
	memset(vap, 0xff, sizeof(*vap)); /* every field VNOVAL */
	vap->va_type = VNON;
	vap->va_vaflags = 0;
}

enum vtype
iftovt(mode_t mode)
{
	switch (mode & RUMP_S_IFMT) {
	case RUMP_S_IFREG:
		return VREG;
	case RUMP_S_IFDIR:
		return VDIR;
	case RUMP_S_IFLNK:
		return VLNK;
	case RUMP_S_IFBLK:
		return VBLK;
	case RUMP_S_IFCHR:
		return VCHR;
	case RUMP_S_IFIFO:
		return VFIFO;
	case RUMP_S_IFSOCK:
		return VSOCK;
	default:
		return VNON;
	}
}

mode_t
vttoif(enum vtype t)
{
	static const mode_t tab[] = { [VNON] = 0, [VREG] = RUMP_S_IFREG,
		[VDIR] = RUMP_S_IFDIR, [VBLK] = RUMP_S_IFBLK,
		[VCHR] = RUMP_S_IFCHR, [VLNK] = RUMP_S_IFLNK,
		[VSOCK] = RUMP_S_IFSOCK, [VFIFO] = RUMP_S_IFIFO, [VBAD] = 0 };

	return (unsigned)t < __arraycount(tab) ? tab[t] : 0;
}

uint8_t
vtype2dt(enum vtype t)
{
	switch (t) {
	case VREG:
		return RUMP_DT_REG;
	case VDIR:
		return RUMP_DT_DIR;
	case VLNK:
		return RUMP_DT_LNK;
	case VBLK:
		return RUMP_DT_BLK;
	case VCHR:
		return RUMP_DT_CHR;
	case VFIFO:
		return RUMP_DT_FIFO;
	case VSOCK:
		return RUMP_DT_SOCK;
	default:
		return RUMP_DT_UNKNOWN;
	}
}

static void
ts_out(struct rump_timespec *out, const struct timespec *in)
{
	out->tv_sec = in->tv_sec;
	out->tv_nsec = in->tv_nsec;
}

int
vn_stat(struct vnode *vp, struct rump_stat *sb)
{
	struct vattr va;
	int error;

	vattr_null(&va);
	error = VOP_GETATTR(vp, &va, kauth_cred_get());
	if (error)
		return error;
	memset(sb, 0, sizeof(*sb));
	sb->st_dev = va.va_fsid;
	sb->st_ino = va.va_fileid;
	sb->st_mode = (va.va_mode & RUMP_ALLPERMS) | vttoif(vp->v_type);
	sb->st_nlink = va.va_nlink;
	sb->st_uid = va.va_uid;
	sb->st_gid = va.va_gid;
	sb->st_rdev = (vp->v_type == VBLK || vp->v_type == VCHR) ?
	    va.va_rdev : 0;
	sb->st_size = va.va_size;
	sb->st_blocks = (int64_t)(va.va_bytes / 512);
	sb->st_blksize = (uint32_t)va.va_blocksize;
	sb->st_flags = (uint32_t)va.va_flags;
	sb->st_gen = (uint32_t)va.va_gen;
	ts_out(&sb->st_atim, &va.va_atime);
	ts_out(&sb->st_mtim, &va.va_mtime);
	ts_out(&sb->st_ctim, &va.va_ctime);
	if (va.va_birthtime.tv_sec == VNOVAL) {
		sb->st_birthtim.tv_sec = -1;
		sb->st_birthtim.tv_nsec = 0;
	} else
		ts_out(&sb->st_birthtim, &va.va_birthtime);
	return 0;
}

void
vfs_statvfs_copy_names(struct mount *mp, struct rump_statvfs *sbp)
{
	if (sbp == &mp->mnt_stat)
		return;
	memcpy(sbp->f_fstypename, mp->mnt_stat.f_fstypename,
	    sizeof(sbp->f_fstypename));
	memcpy(sbp->f_mntonname, mp->mnt_stat.f_mntonname,
	    sizeof(sbp->f_mntonname));
	memcpy(sbp->f_mntfromname, mp->mnt_stat.f_mntfromname,
	    sizeof(sbp->f_mntfromname));
	sbp->f_fsid = mp->mnt_fsid;
	sbp->f_flag = (uint64_t)mp->mnt_flag;
}

int
mount_parse_options(const char *opts,
    int (*fn)(void *, const char *, const char *), void *arg)
{
	char name[64], value[256];
	const char *p, *end, *eq;
	size_t nl, vl;
	int error;

	if (opts == NULL)
		return 0;
	for (p = opts; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		nl = (size_t)((eq ? eq : end) - p);
		vl = eq ? (size_t)(end - eq - 1) : 0;
		if (nl >= sizeof(name) || vl >= sizeof(value))
			return EINVAL;
		memcpy(name, p, nl);
		name[nl] = '\0';
		if (eq)
			memcpy(value, eq + 1, vl);
		value[vl] = '\0';
		error = fn(arg, name, eq ? value : NULL);
		if (error)
			return error;
	}
	return 0;
}
