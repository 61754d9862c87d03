/*
 * libukfs internals: the mount object, kernel entry and exit, and the
 * translation between host and kernel values.  Not installed.
 */
#ifndef _UKFS_INT_H_
#define _UKFS_INT_H_

#include <pthread.h>

#include <rump/rump.h>

#include "ukfs.h"

#define UKFS_TYPELEN 32

struct ukfs_bind;

struct ukfs {
	pthread_mutex_t u_lock; /* serialises the mount's operations */
	struct lwp *u_lwp;      /* the first lwp of the mount's process */
	int u_pid;              /* that process */
	struct ukfs_bind *u_binds; /* threads' lwps in it (ukfs_bind.c) */
	unsigned u_index;       /* N of /dev/ukfsN and /ukfs/N */
	int u_imgfd;            /* host fd holding the image lock */
	int u_rdonly;
	int u_force; /* UKFS_FORCE given */
	char u_fstype[UKFS_TYPELEN];
	char *u_image;
	char *u_host; /* the host file of u_image (without partition suffix) */
	char u_dev[32]; /* /dev/ukfsN */
	char u_mnt[32]; /* /ukfs/N */
};

/*
 * Run the calling thread as the mount's process: every rump_sys_* call
 * between ukfs_enter() and ukfs_leave() sees the image as its root.
 * ukfs_leave() keeps errno.  The thread stays in the process after
 * ukfs_leave(), so that the next ukfs_enter() of the same mount costs a
 * mutex only (ukfs_bind.c).
 */
void ukfs_enter(struct ukfs *u);
void ukfs_leave(struct ukfs *u);

/* Back to no process of a mount (for work in proc0); not under u_lock. */
void ukfs_unbind(void);

/*
 * With u_lock held, at the release: end every thread's lwp in the mount's
 * process and then the process.
 */
void ukfs_release_lwps(struct ukfs *u);

/*
 * Open the image file and lock it (shared when rdonly, else exclusive;
 * flags UKFS_FORCE: go on without the lock).  The descriptor, or -1 with
 * ukfs_errmsg().
 */
int ukfs_open_image(const char *image, uint64_t offset, int rdonly, int flags);

/*
 * Work in the kernel's proc0 (devices, mount points) is serialised by one
 * lock; ukfs_next_index() gives a number for /dev/ukfsN under it.
 */
void ukfs_kernel_lock(void);
void ukfs_kernel_unlock(void);
unsigned ukfs_next_index(void);

/* The canonical type to use: fstype's, or the detected one (NULL, ""). */
int ukfs_choose_type(const char *image, const char *fstype, uint64_t offset,
    char *type, size_t len);

/* EINVAL/EFAULT for a NULL ukfs or path; 0 when usable. */
int ukfs_check(const struct ukfs *u, const char *path);

/* Set the calling thread's ukfs_errmsg() (printf-style) and errno. */
void ukfs_seterr(int error, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ukfs_clearerr(void);

/* Host <-> kernel values (ukfs_conv.c). */
int ukfs_conv_oflags(int hostflags, int *rumpflags);
int ukfs_conv_atflags(int hostflags, int *rumpflags);
int ukfs_conv_dirfd(int hostfd);
void ukfs_conv_stat(const struct rump_stat *rs, struct stat *st);
void ukfs_conv_xstat(const struct rump_stat *rs, struct ukfs_xstat *xst);
void ukfs_conv_statvfs(const struct rump_statvfs *rs, struct statvfs *sv);
int ukfs_conv_times(const struct timespec *in, struct rump_timespec *out);
uint64_t ukfs_conv_dev(dev_t dev);

#endif /* _UKFS_INT_H_ */
