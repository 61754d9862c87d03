/*
 * libp2k: puffs-style node operations on a mounted image, mapped onto the
 * vnode operations of the rump kernel (as NetBSD's p2k(3) maps puffs onto
 * its kernel's VOPs).  A file server (the FUSE bridge) names files by node
 * rather than by path: a lookup returns a node, and the node stays valid
 * until the server releases it.
 *
 * Conventions:
 *  - Every operation returns 0 or an errno value (never -1/errno).
 *  - A node is a referenced kernel vnode.  p2k_lookup() and the creating
 *    operations return a new reference; p2k_node_release() drops one.
 *    When the last reference goes the file system deactivates the file
 *    (and frees it if it has no names left): node lifetime is exactly the
 *    server's.  The root node belongs to the mount.
 *  - Operations take the credentials of the request (NULL: the kernel's,
 *    which may do anything); the kernel checks permissions with them as
 *    for a system call.
 *  - Flags, modes and attributes are the HOST's values (O_*, S_IF*,
 *    struct stat, DT_*); the library translates them.
 *  - All operations may be called concurrently from any number of
 *    threads; the kernel locks per vnode.
 */
#ifndef _P2K_H_
#define _P2K_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define P2K_API __attribute__((visibility("default")))

struct p2k_mount;
struct p2k_node;
struct p2k_file;

/* Who asks.  groups: ngroups supplementary groups (at most 16 are used). */
struct p2k_cred {
	uid_t uid;
	gid_t gid;
	int ngroups;
	const gid_t *groups;
};

/* --- mounting ------------------------------------------------------------ */

/* p2k_mount() flags (UKFS_RDONLY etc. of libukfs, plus group semantics) */
#define P2K_RDONLY 0x0001
#define P2K_RDWR   0x0002
#define P2K_FORCE  0x0004 /* mount: ignore the image lock; unmount: busy */
#define P2K_SYSVGROUPS                                                         \
	0x0100 /* new files get the creator's group (Linux),                   \
	          not the directory's (BSD), unless the                        \
	          directory is set-group-id */

/*
 * Mount the file system in [offset, offset+size) of the image file (size
 * 0: to the end); fstype NULL or "" detects it.  options: the file
 * system's mount options.  On failure returns NULL with the error in
 * *errorp and a one-line explanation in p2k_errmsg().
 */
P2K_API struct p2k_mount *p2k_mount(const char *fstype, const char *image,
    uint64_t offset, uint64_t size, int flags, const char *options,
    int *errorp);
/*
 * Serve the kernel's own in-memory root file system (rumpfs) instead of an
 * image: its contents vanish with the process.  For tests of servers.
 */
P2K_API struct p2k_mount *p2k_mount_memfs(int flags, int *errorp);
/* The calling thread's explanation of its last failed mount or unmount. */
P2K_API const char *p2k_errmsg(void);
/*
 * Write everything back, unmount and free.  Every node and open file must
 * have been released (else EBUSY, unless P2K_FORCE); the mount is freed
 * even when the unmount fails.
 */
P2K_API int p2k_unmount(struct p2k_mount *pm, int flags);

P2K_API struct p2k_node *p2k_root(struct p2k_mount *pm);
P2K_API int p2k_rdonly(const struct p2k_mount *pm);
P2K_API const char *p2k_fstype(const struct p2k_mount *pm);
/* Write every change of the mount back to the image. */
P2K_API int p2k_sync(struct p2k_mount *pm);
P2K_API int p2k_statvfs(struct p2k_mount *pm, struct statvfs *sv);

/* --- nodes --------------------------------------------------------------- */

P2K_API void p2k_node_ref(struct p2k_node *pn);
P2K_API void p2k_node_release(struct p2k_node *pn);

/*
 * Look name (one component; ".." of the root is the root) up in the
 * directory dir: *pnp gets a new reference, *st the attributes.
 */
P2K_API int p2k_lookup(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, struct p2k_node **pnp,
    struct stat *st);
P2K_API int p2k_getattr(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, struct stat *st);

/* p2k_setattr() valid bits */
#define P2K_SET_MODE      0x01
#define P2K_SET_UID       0x02
#define P2K_SET_GID       0x04
#define P2K_SET_SIZE      0x08
#define P2K_SET_ATIME     0x10 /* attr->st_atim */
#define P2K_SET_MTIME     0x20 /* attr->st_mtim */
#define P2K_SET_ATIME_NOW 0x40
#define P2K_SET_MTIME_NOW 0x80
/*
 * With P2K_SET_MODE alone: if the new mode only clears the set-id bits,
 * anybody who may write the file may do it, as a write would (how a FUSE
 * kernel without "handle_killpriv" asks for it).
 */
#define P2K_SET_KILLPRIV 0x100
/*
 * Change the attributes valid names (with the rules of chmod, chown,
 * utimensat and truncate).  pf: the open file a size change is made
 * through (then no write permission is needed), or NULL.  *out (may be
 * NULL) gets the attributes afterwards.
 */
P2K_API int p2k_setattr(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, struct p2k_file *pf, const struct stat *attr,
    int valid, struct stat *out);
/* mode: R_OK | W_OK | X_OK (F_OK: 0) */
P2K_API int p2k_access(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, int mode);
/* Like readlink(2): no NUL added; *len gets the length. */
P2K_API int p2k_readlink(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, char *buf, size_t *len);

/* --- names --------------------------------------------------------------- */

/*
 * Create a regular file and open it with open(2) flags (an existing file
 * is opened unless O_EXCL).  pfp NULL: create only (EEXIST if it exists).
 */
P2K_API int p2k_create(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, mode_t mode, int oflags,
    struct p2k_node **pnp, struct stat *st, struct p2k_file **pfp);
/* mode holds the type (S_IFREG, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK). */
P2K_API int p2k_mknod(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, mode_t mode, dev_t rdev,
    struct p2k_node **pnp, struct stat *st);
P2K_API int p2k_mkdir(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, mode_t mode, struct p2k_node **pnp,
    struct stat *st);
P2K_API int p2k_symlink(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, const char *target,
    struct p2k_node **pnp, struct stat *st);
P2K_API int p2k_remove(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name);
P2K_API int p2k_rmdir(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name);
/* A new name for pn; *st (may be NULL) gets pn's attributes after. */
P2K_API int p2k_link(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, struct p2k_node *dir, const char *name,
    struct stat *st);
#define P2K_RENAME_NOREPLACE 0x1 /* EEXIST when the target exists */
P2K_API int p2k_rename(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *fdir, const char *fname, struct p2k_node *tdir,
    const char *tname, int flags);

/* --- open files ---------------------------------------------------------- */

/*
 * Open pn with open(2) flags (O_ACCMODE, O_TRUNC, O_APPEND, O_SYNC,
 * O_DSYNC, O_DIRECTORY, O_NONBLOCK; others are ignored).  The file keeps
 * its own reference to the node and the opener's credentials.
 */
P2K_API int p2k_open(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, int oflags, struct p2k_file **pfp);
P2K_API int p2k_close(struct p2k_file *pf);
/* *done gets the bytes moved (short at the end of the file). */
P2K_API int p2k_read(
    struct p2k_file *pf, void *buf, size_t len, off_t off, size_t *done);
P2K_API int p2k_write(
    struct p2k_file *pf, const void *buf, size_t len, off_t off, size_t *done);
P2K_API int p2k_fsync(struct p2k_file *pf, int datasync);

/*
 * Directory entries from cookie on (0: the start, then the next value of
 * an entry), "." and ".." included: fn is called for each entry until it
 * returns non-zero or the directory ends.  type is a DT_* value; next is
 * the cookie of the entry after this one.  Cookies stay valid while the
 * directory changes.  hint: about how many bytes of records to fetch from
 * the kernel at a time (0: a default), so that a caller that wants only
 * a few entries does not make the file system read many.
 */
typedef int p2k_dirent_fn(
    void *arg, const char *name, uint64_t ino, unsigned type, off_t next);
P2K_API int p2k_readdir(struct p2k_file *dir, off_t cookie, size_t hint,
    p2k_dirent_fn *fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _P2K_H_ */
