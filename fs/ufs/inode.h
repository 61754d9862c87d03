/*
 * The in-core inode shared by the UFS file systems: the on-disk inode
 * decoded into host order, plus the state of the open file.  The vnode
 * lock protects every field except i_number, which never changes.
 */
#ifndef _UFS_INODE_H_
#define _UFS_INODE_H_

#include "sys/param.h"
#include "ufs/dinode.h"
#include "ufs/ufsmount.h"

struct vnode;
struct ufs_dirhash;

struct inode {
	ino_t i_number; /* the vnode-cache key */
	struct vnode *i_vnode;
	struct ufsmount *i_ump;
	unsigned i_flag;
#define IN_ACCESS   0x0001 /* atime is due */
#define IN_CHANGE   0x0002 /* ctime is due */
#define IN_UPDATE   0x0004 /* mtime is due */
#define IN_MODIFIED 0x0008 /* the on-disk inode is stale */
#define IN_FREED    0x0010 /* the on-disk inode has been freed */

	/* the fields of the on-disk inode, in host order */
	uint16_t i_mode;
	int32_t i_nlink;
	uint32_t i_uid;
	uint32_t i_gid;
	uint64_t i_size;
	uint64_t i_blocks; /* DEV_BSIZE units */
	uint32_t i_flags;
	int32_t i_gen;
	struct timespec i_atime, i_mtime, i_ctime, i_birthtime;
	int64_t i_db[UFS_NDADDR]; /* fragment addresses; 0 is a hole */
	int64_t i_ib[UFS_NIADDR];
	uint64_t i_rdev; /* as stored in the first pointer */

	daddr_t i_nextr; /* block after the last one read (read-ahead) */
	struct ufs_dirhash *i_dirhash;

	/*
	 * The on-disk inode in disk order, kept whole so that fields we do
	 * not interpret survive, and fast symlink targets live here.
	 */
	uint8_t i_din[256];
};

#define VTOI(vp) ((struct inode *)(vp)->v_data)
#define ITOV(ip) ((ip)->i_vnode)

#define UFS_IFTOVT_DIR(ip) (((ip)->i_mode & UFS_IFMT) == UFS_IFDIR)

#endif /* _UFS_INODE_H_ */
