/*
 * librumphijack internals.  The library is preloaded into a host program
 * and takes over the file calls whose path lies under the prefix given
 * in RUMPHIJACK (path=/img: /img/etc/passwd is /etc/passwd on the server)
 * or whose descriptor is one of the server's, and passes every other
 * call to the C library underneath (REAL()).
 *
 * A server descriptor is shown to the program under a host descriptor
 * number of its own, which the library keeps open on /dev/null (close on
 * exec) so that the host never hands the number out twice.
 */
#ifndef _RH_H_
#define _RH_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rump/rumpclient.h>

#define RH_API __attribute__((visibility("default")))

/* The C library's function of that name (the next definition in order). */
void *rh_dlsym(const char *name);
#define REAL(fn)                                                               \
	({                                                                     \
		static __typeof__(&fn) p_;                                     \
		if (p_ == NULL)                                                \
			p_ = (__typeof__(&fn))rh_dlsym(#fn);                   \
		p_;                                                            \
	})

/* --- paths (rh_path.c) ----------------------------------------------------- */

#define RH_PATHMAX 4096

/*
 * Where a path given with dirfd goes.  RH_HOST: to the C library;
 * RH_RUMP: to the server, as rpath relative to *rdirfd (a server
 * descriptor or RUMP_AT_FDCWD); RH_ERROR: -1 with errno.
 */
enum rh_where { RH_HOST, RH_RUMP, RH_ERROR };
enum rh_where rh_path(int dirfd, const char *path, char *rpath, int *rdirfd);
/* The same for a path alone (dirfd AT_FDCWD). */
#define rh_path1(p, r) rh_path(AT_FDCWD, (p), (r), NULL)

/* The environment variable that carries the current directory over exec. */
#define RH_CWDENV "RUMPHIJACK_CWD"

/* The current directory is under the prefix (a chdir there). */
int rh_cwd_is_rump(void);
/* chdir/fchdir bookkeeping: host path of the new current directory. */
void rh_cwd_set(const char *hostpath);
void rh_cwd_clear(void);
int rh_cwd_get(char *buf, size_t len);
/* The host form of a path the server understands ("/etc" -> "/img/etc"). */
int rh_hostpath(const char *rpath, char *buf, size_t len);
/* Lexically clean an absolute path: no ".", "..", "//". */
void rh_clean(char *path);

/* --- descriptors (rh_fd.c) --------------------------------------------------- */

/*
 * The server's descriptor behind host descriptor fd, or -1; a read-ahead
 * cache of fd is settled and forgotten first (any call but read, pread,
 * fstat and close may depend on the server's offset or change the file).
 */
int rh_rfd(int fd);
/* The same, leaving the cache: for the calls that serve from it. */
int rh_rfd_nosync(int fd);
/*
 * Give server descriptor rfd a host number: the lowest free one
 * (atfd -1) or exactly atfd (dup2).  The host's path of the file is kept
 * for fchdir and /proc-less path lookups.  Returns the host number or -1.
 */
int rh_fd_attach(int rfd, int atfd, int hflags, int cloexec, const char *hpath);
/*
 * Forget fd (closing the server's descriptor first; noreply: without
 * waiting for the server's answer); 0 or -1.
 */
int rh_fd_close(int fd, int noreply);
int rh_fd_flags(int fd, int *hflags, int *cloexec);
void rh_fd_setflags(int fd, int hflags, int cloexec);
/* The host path of the file at fd (NULL if not kept). */
const char *rh_fd_path(int fd, char *buf, size_t len);
/*
 * For an exec: the server descriptors that survive it (not close on
 * exec) as "host:server,..." into buf, their host numbers made to
 * survive too (set) or close on exec again (!set).  Returns the count.
 */
int rh_fd_inherit(char *buf, size_t len, int set);
/* The environment variable that hands them, and the connection, over. */
#define RH_FDSENV "RUMPHIJACK_FDS"
/* In a new program: take over what the one before handed over. */
void rh_fd_adopt(void);
/* Standard stream fd (0, 1, 2) is the server's: a stream that says so. */
void rh_stdio_adopt(int fd);

/* A descriptor number the program wants that the library uses itself. */
void rh_fd_vacate(int fd);

/* The server's errno values are the host's: a call's result as is. */

/* --- read-ahead of files opened for reading (rh_rcache.c) --------------- */

#define RH_RCMAX (64 * 1024) /* what an open for reading brings along */

/* fd was opened with rumpclient_openread: keep what came (asked: max). */
void rh_rc_set(int fd, int rfd, const struct rump_stat *st, const void *data,
    size_t len, size_t asked);
int rh_rc_has(int fd);
/* read(2) on fd (server descriptor rfd), from the cache where it can. */
ssize_t rh_rc_read(int fd, int rfd, void *buf, size_t n);
/* pread and fstat from the cache: 1 when served. */
int rh_rc_pread(int fd, void *buf, size_t n, off_t off, ssize_t *rv);
int rh_rc_fstat(int fd, struct rump_stat *st);
/* lseek (SEEK_SET, SEEK_CUR, SEEK_END) within what came: 1 when served. */
int rh_rc_lseek(int fd, off_t off, int whence, off_t *rv);
/* Settle the server's offset and forget the cache of fd, or of all. */
void rh_rc_sync(int fd);
void rh_rc_syncall(void);
/* Forget fd's cache without settling (fd is closing); 1 if it had one. */
int rh_rc_drop(int fd);
/*
 * The program changes something on the server (writes, truncates,
 * renames, links, unlinks, sets attributes): settle and forget every
 * cache, so that its own later reads and fstats see the change.
 */
void rh_rc_changed(void);

/* --- entries' status from directory reads (rh_dcache.c) ------------------ */

/*
 * Keep the status of record de of the server directory dir (first: the
 * first record of a new reading of it).
 */
void rh_dc_add(const char *dir, bool first, const struct rump_dirent *de,
    const struct rump_stat *st);
/* fstatat served from what was kept: 1, with st (rs) filled. */
int rh_dc_statat(
    int dirfd, int rdirfd, const char *rpath, int hflags, struct stat *st);
int rh_dc_rstatat(int dirfd, int rdirfd, const char *rpath, int hflags,
    struct rump_stat *rs);
void rh_dc_dropall(void);

/* --- conversions (from libukfs) -------------------------------------------- */

int ukfs_conv_oflags(int hostflags, int *rumpflags);
int ukfs_conv_atflags(int hostflags, int *rumpflags);
void ukfs_conv_stat(const struct rump_stat *rs, struct stat *st);
int ukfs_conv_times(const struct timespec *in, struct rump_timespec *out);
uint64_t ukfs_conv_dev(dev_t dev);

/* Fill a host stat from the server's, as fstatat() does. */
int rh_statat(int rdirfd, const char *rpath, struct stat *st, int hflags);
int rh_fstat(int rfd, struct stat *st);

/* --- declarations of glibc's older exports that we take over too ---------- */

int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int fl);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __fxstatat64(
    int ver, int dirfd, const char *path, struct stat64 *st, int fl);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen);
ssize_t __readlink_chk(const char *path, char *buf, size_t n, size_t buflen);
ssize_t __readlinkat_chk(
    int dirfd, const char *path, char *buf, size_t n, size_t buflen);
char *__getcwd_chk(char *buf, size_t size, size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);

#endif /* _RH_H_ */
