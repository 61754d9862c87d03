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

#endif
