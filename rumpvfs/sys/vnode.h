/*
 * Vnodes: the kernel's handle on a file of some mounted file system.
 *
 * Life cycle: vcache_get() finds or loads a vnode by (mount, key) and
 * returns it referenced.  vrele() drops a reference; when the last one
 * goes, VOP_INACTIVE runs and the vnode either stays cached (unreferenced,
 * on an LRU list) or is reclaimed (VOP_RECLAIM) and freed.
 *
 * Locks: v_lock is the vnode lock taken by vn_lock()/VOP_LOCK (shared for
 * reading and lookups, exclusive for changes).  Reference counts and state
 * are protected by the vnode cache lock inside vfs_vnode.c.
 */
#ifndef _SYS_VNODE_H_
#define _SYS_VNODE_H_

#include "sys/param.h"
#include "sys/queue.h"
#include "sys/lock.h"
#include "sys/kauth.h"
#include "sys/uio.h"

struct mount;
struct buf;
struct uio;
struct componentname;
struct vattr;

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };

enum vnode_state {
	VS_LOADING,    /* being loaded by the file system */
	VS_ACTIVE,     /* usable */
	VS_RECLAIMING, /* being torn down */
	VS_RECLAIMED,  /* file system data gone; only the husk remains */
	VS_MARKER      /* a walker's place in a mount's list, no vnode */
};

struct vnode {
	krwlock_t v_lock;
	int v_usecount;
	enum vnode_state v_state;
	unsigned v_vflag;
#define VV_ROOT	     0x01 /* root of its file system */
#define VV_MPSAFE    0x02
	enum vtype v_type;
	struct mount *v_mount;
	int (**v_op)(void *);
	void *v_data; /* the file system's node */
	off_t v_size; /* file size as the buffer cache sees it */
	struct mount *v_mountedhere; /* a file system mounted on this dir */
	void *v_specdev;	     /* device behind a VBLK/VCHR vnode */

	/* vnode cache */
	const void *v_key;
	size_t v_keylen;
	uint32_t v_hash;
	LIST_ENTRY(vnode) v_hashlist;
	TAILQ_ENTRY(vnode) v_mntvnodes;
	TAILQ_ENTRY(vnode) v_lrulist;
	bool v_onlru;

	/* buffers of this vnode */
	LIST_HEAD(, buf) v_bufs;
	int v_ndirty;

	/* name-cache entries that name this vnode or live in it (a dir) */
	LIST_HEAD(, namecache) v_nclist;    /* entries whose target is us */
	LIST_HEAD(, namecache) v_dnclist;   /* entries in this directory */
	/* exclusive vn_lock()s so far: unchanged, nobody changed the file */
	unsigned long v_xlockgen;
	/* in VOP_INACTIVE from vrele (set atomically, cleared under the
	   cache lock); somebody in vcache_new() waits for its end */
	int v_inactivating;
	bool v_inactwait;
	/* v_key while reclaiming (the file system frees the original) */
	uint64_t v_keysave[4];
};

/* Attributes of a file, as VOP_GETATTR and VOP_SETATTR pass them. */
struct vattr {
	enum vtype va_type;
	mode_t va_mode;
	nlink_t va_nlink;
	uid_t va_uid;
	gid_t va_gid;
	uint64_t va_fsid;
	ino_t va_fileid;
	off_t va_size;
	long va_blocksize;
	struct timespec va_atime;
	struct timespec va_mtime;
	struct timespec va_ctime;
	struct timespec va_birthtime;
	unsigned long va_gen;
	unsigned long va_flags;
	dev_t va_rdev;
	uint64_t va_bytes;
	unsigned va_vaflags;
#define VA_UTIMES_NULL 0x01 /* utimes with "now": owner may, not just root */
};
#define VNOVAL (-1)
/* A vattr time is given unless both halves are VNOVAL: -1 s is a time. */
#define VATTR_TIMESET(ts) ((ts)->tv_sec != VNOVAL || (ts)->tv_nsec != VNOVAL)
void vattr_null(struct vattr *);

/* Access bits for VOP_ACCESS. */
#define VREAD	0x0004
#define VWRITE	0x0002
#define VEXEC	0x0001
#define VAPPEND 0x0008

/* ioflag for VOP_READ/VOP_WRITE */
#define IO_UNIT	  0x01
#define IO_APPEND 0x02
#define IO_SYNC	  0x04
#define IO_NODELOCKED 0x08
#define IO_DSYNC  0x10

/* vn_lock flags */
#define LK_SHARED    0x01
#define LK_EXCLUSIVE 0x02
#define LK_NOWAIT    0x04
#define LK_RETRY     0x08
#define LK_NONE	     0x00

/* VOP_FSYNC flags */
#define FSYNC_WAIT     0x01
#define FSYNC_DATAONLY 0x02

/* vflush flags */
#define FORCECLOSE 0x01
#define SKIPSYSTEM 0x02

/* VOP_PATHCONF names */
#define _PC_LINK_MAX   1
#define _PC_NAME_MAX   4
#define _PC_PATH_MAX   5
#define _PC_FILESIZEBITS 11

/* Operation descriptors and vectors (the generated table fills these). */
struct vnodeop_desc {
	int vdesc_offset;
	const char *vdesc_name;
};
struct vnodeopv_entry_desc {
	const struct vnodeop_desc *opve_op;
	int (*opve_impl)(void *);
};
struct vnodeopv_desc {
	int (***opv_desc_vector_p)(void *);
	const struct vnodeopv_entry_desc *opv_desc_ops;
};
/* v_op changes under a waiting locker when a vnode dies: read once */
#define VCALL(vp, off, ap)                                                     \
	((*(__atomic_load_n(&(vp)->v_op, __ATOMIC_ACQUIRE)[(off)]))(ap))
#define VOCALL(vec, off, ap) ((*((vec)[(off)]))(ap))

#include "vnode_if.h"

/* Build the op vectors named by a NULL-terminated list of descriptions. */
void vfs_opv_init(const struct vnodeopv_desc *const *);
void vfs_opv_free(const struct vnodeopv_desc *const *);

/* vnode cache and references (vfs_vnode.c) */
int vcache_get(struct mount *, const void *key, size_t keylen,
    struct vnode **);
int vcache_new(struct mount *, struct vnode *dvp, struct vattr *,
    kauth_cred_t, void *extra, struct vnode **);
void vcache_rekey(struct vnode *, const void *newkey, size_t newkeylen);
void vref(struct vnode *);
void vrele(struct vnode *);
void vput(struct vnode *);
bool vrefcnt_tryget(struct vnode *); /* ref unless dead or going */
void vgone(struct vnode *);
int vflush(struct mount *, struct vnode *skipvp, int flags);
int vn_lock(struct vnode *, int flags);
void vn_unlock(struct vnode *);
bool vn_islocked(struct vnode *);
void vop_lockcheck(struct vnode *, int rule, const char *op);
/* Call fn on each active vnode of the mount, referenced, unlocked. */
int vfs_vnode_iterate(struct mount *, int (*fn)(struct vnode *, void *),
    void *);
/*
 * The same for the vnodes sel picks.  sel runs under the vnode-cache
 * lock on active vnodes that are neither referenced nor locked: it may
 * only glance at flags (with relaxed atomic loads); the vnodes it passes
 * over cost no reference, lock or LRU move (a sync of many clean files).
 */
int vfs_vnode_iterate_sel(struct mount *, bool (*sel)(struct vnode *),
    int (*fn)(struct vnode *, void *), void *);
/*
 * For sel functions: their glances race with writers by design (a stale
 * answer only moves a file to the next sync), so ThreadSanitizer, which
 * reports relaxed loads against plain stores, does not watch them.
 */
#if defined(__SANITIZE_THREAD__)
#define VNODE_PEEK __attribute__((no_sanitize_thread))
#else
#define VNODE_PEEK
#endif
void vnode_init(void);

/* Generic operations shared by file systems (genfs_vnops.c). */
int genfs_lock(void *);
int genfs_unlock(void *);
int genfs_islocked(void *);
int genfs_eopnotsupp(void *);
int genfs_erofs(void *);
int genfs_nullop(void *);
int genfs_einval(void *);
int genfs_seek(void *);
int genfs_abortop(void *);
int genfs_badop(void *);
int vn_default_error(void *);
/*
 * The classic owner/group/other permission check: may cred have `acc`
 * (VREAD|VWRITE|VEXEC) on a file of this type, owner, group and mode?
 */
int genfs_can_access(enum vtype, mode_t, uid_t, gid_t, int acc,
    kauth_cred_t);

/* Convenience (vfs_vnops.c) */
int vn_rdwr(enum uio_rw, struct vnode *, void *, size_t, off_t, int ioflag,
    kauth_cred_t, size_t *resid);
int vn_stat(struct vnode *, struct rump_stat *);
enum vtype iftovt(mode_t);
mode_t vttoif(enum vtype);
uint8_t vtype2dt(enum vtype);

#endif /* _SYS_VNODE_H_ */
