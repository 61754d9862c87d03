/*
 * A side of a copy: the host's file system or an image mounted with
 * libukfs.  The same *at-style calls work on either, so one walk and one
 * copy routine serve image -> host, host -> image and image -> image.
 */
#ifndef _UKFS_UTILS_SIDE_H_
#define _UKFS_UTILS_SIDE_H_

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "ukfs.h"

struct side {
	struct ukfs *u;    /* NULL: the host */
	const char *image; /* the image's name, for messages */
	/*
	 * Applied to the modes of new files, directories and nodes on an
	 * image side (whose kernel umask the tools set to 0, so that
	 * symbolic links are made 0777 as Linux makes them).  The host's
	 * kernel applies its own umask.
	 */
	mode_t cmask;
};

/* A directory being read; names are valid until the next side_readdir. */
struct side_dir;

int side_openat(
    const struct side *s, int dirfd, const char *path, int flags, mode_t mode);
int side_close(const struct side *s, int fd);
ssize_t side_pread(
    const struct side *s, int fd, void *buf, size_t len, off_t off);
ssize_t side_pwrite(
    const struct side *s, int fd, const void *buf, size_t len, off_t off);
off_t side_lseek(const struct side *s, int fd, off_t off, int whence);
int side_ftruncate(const struct side *s, int fd, off_t len);
int side_fstat(const struct side *s, int fd, struct stat *st);
int side_fstatat(const struct side *s, int dirfd, const char *path,
    struct stat *st, int flags);
ssize_t side_readlinkat(
    const struct side *s, int dirfd, const char *path, char *buf, size_t len);

int side_mkdirat(
    const struct side *s, int dirfd, const char *path, mode_t mode);
int side_mknodat(
    const struct side *s, int dirfd, const char *path, mode_t mode, dev_t dev);
int side_symlinkat(
    const struct side *s, const char *target, int dirfd, const char *path);
int side_linkat(const struct side *s, int olddirfd, const char *old,
    int newdirfd, const char *path);
int side_unlinkat(const struct side *s, int dirfd, const char *path, int flags);

int side_fchownat(const struct side *s, int dirfd, const char *path, uid_t uid,
    gid_t gid, int flags);
int side_fchmodat(
    const struct side *s, int dirfd, const char *path, mode_t mode, int flags);
int side_utimensat(const struct side *s, int dirfd, const char *path,
    const struct timespec ts[2], int flags);
int side_fchown(const struct side *s, int fd, uid_t uid, gid_t gid);
int side_fchmod(const struct side *s, int fd, mode_t mode);
int side_futimens(const struct side *s, int fd, const struct timespec ts[2]);

/* Open the directory path (not following a final symlink unless follow). */
struct side_dir *side_opendirat(
    const struct side *s, int dirfd, const char *path, int follow);
/*
 * 1 with *name set, 0 at the end, -1 on error; "." and ".." skipped.
 * *type (when type is not NULL) is the entry's DT_* type as the directory
 * records it, DT_UNKNOWN when it does not: a hint, not a fact (the host
 * tree may change, a damaged image may say anything).
 */
int side_readdir(struct side_dir *d, const char **name, int *type);
int side_dirfd(struct side_dir *d);
int side_closedir(struct side_dir *d);

/* "image:path" or "path", for messages; valid until the next call. */
const char *side_name(const struct side *s, const char *path);

#endif /* _UKFS_UTILS_SIDE_H_ */
