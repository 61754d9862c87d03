/*
 * What the UFS layer offers the file systems built on it (ffs, lfs):
 * inodes, block maps, file I/O, directories and the vnode operations that
 * do not depend on how blocks and inodes are allocated.
 */
#ifndef _UFS_UFS_EXTERN_H_
#define _UFS_UFS_EXTERN_H_

#include "sys/param.h"
#include "sys/vnode.h"
#include "ufs/inode.h"
#include "ufs/ufsmount.h"

struct buf;
struct componentname;
struct uio;
struct vattr;

/* ufs_inode.c: in-core inodes, the on-disk format, and their end */
struct inode *ufs_inode_alloc(struct ufsmount *, ino_t);
void ufs_inode_free(struct inode *);
int ufs_dinode_load(struct inode *, const void *din);
void ufs_dinode_encode(struct inode *);
void ufs_vinit(struct inode *, struct vnode *);
enum vtype ufs_mode2vtype(uint16_t mode);
bool ufs_has_blockmap(const struct inode *);
bool ufs_isshortlink(const struct inode *);
uint8_t *ufs_shortlink(struct inode *);
dev_t ufs_rdev_decode(uint64_t raw);
int ufs_rdev_encode(const struct ufsmount *, dev_t, uint64_t *raw);
void ufs_itimes(struct inode *);
int ufs_inactive(void *);
int ufs_reclaim(void *);

/* ufs_bmap.c: logical blocks -> fragment addresses */
#define UFS_MAXLEVEL (1 + UFS_NIADDR)
int ufs_getpath(
    const struct ufsmount *, daddr_t lbn, unsigned path[UFS_MAXLEVEL]);
int64_t ufs_ind_get(const struct ufsmount *, const void *blk, unsigned idx);
void ufs_ind_set(
    const struct ufsmount *, void *blk, unsigned idx, int64_t addr);
bool ufs_addr_valid(const struct ufsmount *, int64_t addr, uint32_t nfrags);
bool ufs_data_valid(const struct ufsmount *, int64_t addr, size_t nbytes);
int ufs_bread_meta(struct ufsmount *, int64_t addr, struct buf **);
int ufs_blkmap(struct inode *, daddr_t lbn, daddr_t *addr, int *runp);
long ufs_blksize(const struct inode *, daddr_t lbn);
daddr_t ufs_lastlbn_max(const struct ufsmount *);
int ufs_corrupt_ptr(const struct inode *, int64_t addr);
int ufs_bmap(void *);
int ufs_strategy(void *);

/* ufs_readwrite.c: file data */
int ufs_read_uio(struct inode *, struct uio *);
int ufs_read(void *);
int ufs_write(void *);

/* ufs_lookup.c: directories */
struct ufs_dirent_info {
	off_t de_off;  /* offset of the entry */
	off_t de_next; /* offset of the one after it */
	ino_t de_ino;
	unsigned de_namlen;
	uint8_t de_type;
	const char *de_name;
};
typedef int ufs_dir_cb(void *arg, const struct ufs_dirent_info *);
int ufs_dir_iterate(struct inode *, off_t start, ufs_dir_cb *, void *arg);
int ufs_dirlook(struct inode *, const char *, size_t, ino_t *, off_t *);
int ufs_dir_match(struct inode *, off_t, const char *, size_t, ino_t *);
int ufs_direnter(
    struct inode *, ino_t, uint8_t type, const char *, size_t, kauth_cred_t);
int ufs_dirremove(struct inode *, const char *, size_t, ino_t);
int ufs_dirrewrite(struct inode *, const char *, size_t, ino_t oldino,
    ino_t newino, uint8_t newtype);
int ufs_dirempty(struct inode *, ino_t parent, bool *empty);
int ufs_dirinit(struct inode *ip, ino_t parent, kauth_cred_t);
uint8_t ufs_mode2dt(uint16_t mode);
int ufs_lookup(void *);
int ufs_readdir(void *);

/* ufs_dirhash.c: name -> offset hash of big directories */
struct ufs_dirhash;
int ufs_dirhash_lookup(struct inode *, const char *, size_t, ino_t *, off_t *);
off_t ufs_dirhash_findfree(struct inode *, unsigned need);
void ufs_dirhash_add(struct inode *, const char *, size_t, off_t);
void ufs_dirhash_remove(struct inode *, const char *, size_t, off_t);
void ufs_dirhash_move(
    struct inode *, const char *, size_t, off_t from, off_t to);
void ufs_dirhash_setfree(struct inode *, off_t chunk, unsigned freebytes);
void ufs_dirhash_newsize(struct inode *);
void ufs_dirhash_free(struct inode *);

/* ufs_vnops.c: operations every UFS file system shares */
int ufs_getattr(void *);
int ufs_setattr(void *);
int ufs_access(void *);
int ufs_open(void *);
int ufs_close(void *);
int ufs_create(void *);
int ufs_mknod(void *);
int ufs_mkdir(void *);
int ufs_symlink(void *);
int ufs_remove(void *);
int ufs_rmdir(void *);
int ufs_link(void *);
int ufs_rename(void *);
int ufs_readlink(void *);
int ufs_fsync(void *);
int ufs_pathconf(void *);
int ufs_print(void *);
int ufs_spec_eopnotsupp(void *);

#endif /* _UFS_UFS_EXTERN_H_ */
