/* Mounted file systems and the operations every file system provides. */
#ifndef _SYS_MOUNT_H_
#define _SYS_MOUNT_H_

#include "sys/param.h"
#include "sys/queue.h"
#include "sys/lock.h"
#include "sys/kauth.h"

struct vnode;
struct vattr;
struct mount;
struct uio;
struct fsck_report;

struct vfsops {
	const char *vfs_name;
	size_t vfs_min_mount_data;
	int (*vfs_mount)(struct mount *, const char *path, void *data,
	    size_t *data_len);
	int (*vfs_unmount)(struct mount *, int mntflags);
	int (*vfs_root)(struct mount *, int lktype, struct vnode **);
	int (*vfs_statvfs)(struct mount *, struct rump_statvfs *);
	int (*vfs_sync)(struct mount *, int waitfor, kauth_cred_t);
	int (*vfs_vget)(struct mount *, ino_t, int lktype, struct vnode **);
	/* Fill a fresh vnode for key; *new_key must stay valid with it. */
	int (*vfs_loadvnode)(struct mount *, struct vnode *, const void *key,
	    size_t keylen, const void **new_key);
	/* Allocate a new file on disk for vcache_new(). */
	int (*vfs_newvnode)(struct mount *, struct vnode *dvp,
	    struct vnode *vp, struct vattr *, kauth_cred_t, void *extra,
	    size_t *keylen, const void **new_key);
	/*
	 * Optional: make an empty file system on devvp (opened for writing;
	 * its size is va_size), with fs-specific "name=value,..." options.
	 */
	int (*vfs_newfs)(struct vnode *devvp, const char *options);
	/*
	 * Optional: check the file system on devvp; repair when options has
	 * "repair".  Human-readable findings go to report; *nproblems counts
	 * them.  Returns 0 when the check ran (clean or not).
	 */
	int (*vfs_fsck)(struct vnode *devvp, const char *options,
	    struct uio *report, int *nproblems);
	/*
	 * Optional, preferred over vfs_fsck (sys/fsck.h): the same check,
	 * reporting through fr, which counts the problems found and those
	 * repaired apart, so that a tool can tell "repaired" from "left".
	 * A file system with only vfs_fsck (lfs, for now) still works: all
	 * it finds counts as repaired when repairing returned 0.
	 */
	int (*vfs_fsckr)(struct vnode *devvp, const char *options,
	    struct fsck_report *fr);
	void (*vfs_init)(void);
	void (*vfs_done)(void);
	const struct vnodeopv_desc *const *vfs_opv_descs;
	/* kernel-private */
	LIST_ENTRY(vfsops) vfs_list;
	int vfs_refcount;
};

struct mount {
	TAILQ_ENTRY(mount) mnt_list;
	struct vfsops *mnt_op;
	struct vnode *mnt_vnodecovered; /* the directory we are mounted on */
	TAILQ_HEAD(, vnode) mnt_vnodelist;
	int mnt_flag;	/* RUMP_MNT_* */
	int mnt_iflag;
#define IMNT_UNMOUNT 0x01 /* unmount in progress */
#define IMNT_GONE    0x02
	void *mnt_data; /* the file system's private mount data */
	krwlock_t mnt_unmounting; /* readers: busy users; writer: unmount */
	struct rump_statvfs mnt_stat;
	uint64_t mnt_fsid;
	unsigned mnt_fs_bshift;	 /* block size of the file system */
	unsigned mnt_dev_bshift; /* sector size of its device */
	int mnt_refcnt;
};

#define MNT_RDONLY  RUMP_MNT_RDONLY
#define MNT_FORCE   RUMP_MNT_FORCE
#define MNT_NOATIME RUMP_MNT_NOATIME
#define MNT_UPDATE  RUMP_MNT_UPDATE
#define MNT_WAIT    RUMP_MNT_WAIT
#define MNT_NOWAIT  RUMP_MNT_NOWAIT

#define VFS_MOUNT(mp, a, b, c)	 (*(mp)->mnt_op->vfs_mount)(mp, a, b, c)
#define VFS_UNMOUNT(mp, a)	 (*(mp)->mnt_op->vfs_unmount)(mp, a)
#define VFS_ROOT(mp, lk, vpp)	 (*(mp)->mnt_op->vfs_root)(mp, lk, vpp)
#define VFS_STATVFS(mp, sbp)	 (*(mp)->mnt_op->vfs_statvfs)(mp, sbp)
#define VFS_SYNC(mp, w, c)	 (*(mp)->mnt_op->vfs_sync)(mp, w, c)
#define VFS_VGET(mp, ino, lk, vpp) (*(mp)->mnt_op->vfs_vget)(mp, ino, lk, vpp)

/* Registry of file-system types (vfs_init.c). */
int vfs_attach(struct vfsops *);
int vfs_detach(struct vfsops *);
struct vfsops *vfs_getopsbyname(const char *);

/* Mount table (vfs_mount.c). */
extern struct vnode *rootvnode;
int vfs_busy(struct mount *);	 /* keep unmount away; fails if going */
void vfs_unbusy(struct mount *);
int mount_domount(const char *fstype, struct vnode *coveredvp, int flags,
    void *data, size_t data_len, const char *path);
int mount_dounmount(struct mount *, int flags);
void mount_syncall(int waitfor);
void mount_init(void);

/* Parse "a,b=c" mount options: calls fn for each; fn returns errno. */
int mount_parse_options(const char *opts,
    int (*fn)(void *arg, const char *name, const char *value), void *arg);

/* Helpers for file systems' vfs_statvfs. */
void vfs_statvfs_copy_names(struct mount *, struct rump_statvfs *);
/* The block device behind a disk mount (vfs_disk.c): open and size it,
 * and at unmount flush, close and release it. */
struct vnode;
int vfs_disk_open(const char *fspec, bool ronly, struct vnode **devvpp,
    uint64_t *sizep);
int vfs_disk_close(struct vnode *devvp, bool ronly);

#endif /* _SYS_MOUNT_H_ */
