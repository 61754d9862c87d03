/* Internal interfaces between rumpfs, etfs and the VFS start-up. */
#ifndef _RUMPVFS_RUMPFS_H_
#define _RUMPVFS_RUMPFS_H_

struct vnode;
struct etfs_dev;
struct vfsops;

struct vnode *rumpfs_mountroot(void);
void rumpfs_setdev(struct vnode *, struct etfs_dev *);
struct etfs_dev *rumpfs_getdev(struct vnode *);
void etfs_release(struct etfs_dev *);
struct mount *mount_root_alloc(struct vfsops *, const char *path);
void vfs_rename_init(void);

/* Callers that hold vnodes rather than paths or descriptors (vfs_p2k.c). */
struct vattr;
#define VFS_RENAME_NOREPLACE 0x1
int vfs_rename_at(struct vnode *fromdir, const char *from, struct vnode *todir,
    const char *to, int flags);
int vn_setattr_checked(struct vnode *, struct vattr *, kauth_cred_t);

#endif
