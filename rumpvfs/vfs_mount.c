/* The mount table: mounting, unmounting, and syncing every file system. */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/lwp.h"
#include "rumpfs.h"

static kmutex_t mountlist_lock;
static TAILQ_HEAD(, mount) mountlist;
static uint64_t mount_nextfsid = 1;

void
mount_init(void)
{
	mutex_init(&mountlist_lock);
	TAILQ_INIT(&mountlist);
}

int
vfs_busy(struct mount *mp)
{
	if (!rw_tryenter(&mp->mnt_unmounting, RW_READER))
		return EBUSY;
	if (mp->mnt_iflag & (IMNT_UNMOUNT | IMNT_GONE)) {
		rw_exit(&mp->mnt_unmounting);
		return ENOENT;
	}
	return 0;
}

void
vfs_unbusy(struct mount *mp)
{
	rw_exit(&mp->mnt_unmounting);
}

static void
copy_name(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A mount with nothing beneath it: the root file system. */
struct mount *
mount_root_alloc(struct vfsops *vfs, const char *path)
{
	struct mount *mp;

	mp = kmem_zalloc(sizeof(*mp), KM_SLEEP);
	mp->mnt_op = vfs;
	TAILQ_INIT(&mp->mnt_vnodelist);
	rw_init(&mp->mnt_unmounting);
	mutex_enter(&mountlist_lock);
	mp->mnt_fsid = mount_nextfsid++;
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	mutex_exit(&mountlist_lock);
	copy_name(mp->mnt_stat.f_fstypename, sizeof(mp->mnt_stat.f_fstypename),
	    vfs->vfs_name);
	copy_name(mp->mnt_stat.f_mntonname, sizeof(mp->mnt_stat.f_mntonname),
	    path);
	vfs->vfs_refcount++;
	return mp;
}

/*
 * Mount a file system of type fstype on coveredvp (referenced and locked by
 * the caller, who keeps both: on success the mount holds its own reference).
 */
int
mount_domount(const char *fstype, struct vnode *coveredvp, int flags,
    void *data, size_t data_len, const char *path)
{
	struct vfsops *vfs;
	struct mount *mp;
	int error;

	vfs = vfs_getopsbyname(fstype);
	if (vfs == NULL)
		return ENODEV;
	if (coveredvp->v_type != VDIR)
		return ENOTDIR;
	if (coveredvp->v_mountedhere != NULL)
		return EBUSY;
	if (data_len < vfs->vfs_min_mount_data)
		return EINVAL;

	mp = kmem_zalloc(sizeof(*mp), KM_SLEEP);
	mp->mnt_op = vfs;
	mp->mnt_flag = flags & (MNT_RDONLY | RUMP_MNT_SYNCHRONOUS |
	    RUMP_MNT_NOEXEC | RUMP_MNT_NOSUID | RUMP_MNT_NODEV |
	    MNT_NOATIME | RUMP_MNT_LOG);
	mp->mnt_vnodecovered = coveredvp;
	TAILQ_INIT(&mp->mnt_vnodelist);
	rw_init(&mp->mnt_unmounting);
	mutex_enter(&mountlist_lock);
	mp->mnt_fsid = mount_nextfsid++;
	mutex_exit(&mountlist_lock);
	copy_name(mp->mnt_stat.f_fstypename, sizeof(mp->mnt_stat.f_fstypename),
	    fstype);
	copy_name(mp->mnt_stat.f_mntonname, sizeof(mp->mnt_stat.f_mntonname),
	    path);
	mp->mnt_stat.f_fsid = mp->mnt_fsid;

	error = VFS_MOUNT(mp, path, data, &data_len);
	if (error) {
		rw_destroy(&mp->mnt_unmounting);
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	mp->mnt_stat.f_flag = (uint64_t)mp->mnt_flag;
	vref(coveredvp);
	coveredvp->v_mountedhere = mp;
	vfs->vfs_refcount++;
	mutex_enter(&mountlist_lock);
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	mutex_exit(&mountlist_lock);
	return 0;
}

int
mount_dounmount(struct mount *mp, int flags)
{
	struct vnode *coveredvp;
	int error;

	rw_enter(&mp->mnt_unmounting, RW_WRITER);
	if (mp->mnt_iflag & IMNT_UNMOUNT) {
		rw_exit(&mp->mnt_unmounting);
		return EBUSY;
	}
	mp->mnt_iflag |= IMNT_UNMOUNT;
	if (!(flags & MNT_FORCE) && !(mp->mnt_flag & MNT_RDONLY)) {
		error = VFS_SYNC(mp, MNT_WAIT, NOCRED);
		if (error) {
			mp->mnt_iflag &= ~IMNT_UNMOUNT;
			rw_exit(&mp->mnt_unmounting);
			return error;
		}
	}
	error = VFS_UNMOUNT(mp, flags);
	if (error) {
		mp->mnt_iflag &= ~IMNT_UNMOUNT;
		rw_exit(&mp->mnt_unmounting);
		return error;
	}
	mp->mnt_iflag |= IMNT_GONE;
	coveredvp = mp->mnt_vnodecovered;
	coveredvp->v_mountedhere = NULL;
	mutex_enter(&mountlist_lock);
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
	mutex_exit(&mountlist_lock);
	mp->mnt_op->vfs_refcount--;
	rw_exit(&mp->mnt_unmounting);
	vrele(coveredvp);
	/* Dead vnodes of a forced unmount no longer point at us. */
	KASSERT(TAILQ_EMPTY(&mp->mnt_vnodelist));
	rw_destroy(&mp->mnt_unmounting);
	kmem_free(mp, sizeof(*mp));
	return 0;
}

void
mount_syncall(int waitfor)
{
	struct mount *mp;

	/*
	 * The list lock is dropped around each sync; busying the mount keeps
	 * it from going away meanwhile.
	 */
	mutex_enter(&mountlist_lock);
	TAILQ_FOREACH(mp, &mountlist, mnt_list)
	{
		if (mp->mnt_flag & MNT_RDONLY)
			continue;
		if (vfs_busy(mp) != 0)
			continue;
		mutex_exit(&mountlist_lock);
		VFS_SYNC(mp, waitfor, NOCRED);
		mutex_enter(&mountlist_lock);
		vfs_unbusy(mp);
	}
	mutex_exit(&mountlist_lock);
}

/* Unmount everything, newest first: used when the kernel shuts down. */
void mount_unmountall(void);
void
mount_unmountall(void)
{
	struct mount *mp, *tmp;

	for (;;) {
		mutex_enter(&mountlist_lock);
		mp = NULL;
		TAILQ_FOREACH(tmp, &mountlist, mnt_list)
			mp = tmp;
		mutex_exit(&mountlist_lock);
		if (mp == NULL || mount_dounmount(mp, MNT_FORCE) != 0)
			return;
	}
}
