/*
 * The hypercall interface: everything the kernel asks of its host.  This is
 * the only boundary between kernel code and the host system; rumpuser/
 * implements it with POSIX calls.  Functions return 0 or an errno value.
 */
#ifndef _RUMP_RUMPUSER_H_
#define _RUMP_RUMPUSER_H_

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

int rumpuser_init(void);

/* memory */
int rumpuser_malloc(size_t len, size_t alignment, void **memp);
void rumpuser_free(void *mem, size_t len);

/* files */
#define RUMPUSER_OPEN_RDONLY 0x1
#define RUMPUSER_OPEN_RDWR   0x2
/* Also take an advisory lock (shared for RDONLY, exclusive for RDWR);
 * EBUSY when another open file holds a conflicting one. */
#define RUMPUSER_OPEN_LOCK   0x4
/* A compressed image (gzip, vndcompress) reads as its uncompressed bytes
 * (read-only: EROFS with RDWR); other files are unaffected. */
#define RUMPUSER_OPEN_DECOMPRESS 0x8
int rumpuser_open(const char *path, int flags, int *fdp);
int rumpuser_close(int fd);
int rumpuser_getfilesize(int fd, uint64_t *sizep);
int rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *done);
int rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off,
    size_t *done);
/* One write of the pieces, one after another from off (at most 1024). */
struct rumpuser_iovec {
	const void *iov_base;
	size_t iov_len;
};
int rumpuser_pwritev(int fd, const struct rumpuser_iovec *, int iovcnt,
    int64_t off, size_t *done);
int rumpuser_fsync(int fd);

/* time */
int rumpuser_clock_gettime(int64_t *sec, long *nsec);

/* threads and synchronisation */
struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;
int rumpuser_thread_create(void *(*fn)(void *), void *arg, void **cookie);
int rumpuser_thread_join(void *cookie);
void rumpuser_mutex_init(struct rumpuser_mtx **);
void rumpuser_mutex_enter(struct rumpuser_mtx *);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *); /* 0 when taken */
void rumpuser_mutex_exit(struct rumpuser_mtx *);
void rumpuser_mutex_destroy(struct rumpuser_mtx *);
void rumpuser_rw_init(struct rumpuser_rw **);
void rumpuser_rw_enter(struct rumpuser_rw *, int write);
int rumpuser_rw_tryenter(struct rumpuser_rw *, int write);
void rumpuser_rw_exit(struct rumpuser_rw *);
void rumpuser_rw_destroy(struct rumpuser_rw *);
void rumpuser_cv_init(struct rumpuser_cv **);
void rumpuser_cv_wait(struct rumpuser_cv *, struct rumpuser_mtx *);
int rumpuser_cv_timedwait(struct rumpuser_cv *, struct rumpuser_mtx *,
    int64_t ms); /* ETIMEDOUT on timeout */
void rumpuser_cv_signal(struct rumpuser_cv *);
void rumpuser_cv_broadcast(struct rumpuser_cv *);
void rumpuser_cv_destroy(struct rumpuser_cv *);

/* the lwp the calling host thread runs as (thread-local) */
void rumpuser_curlwp_set(void *l);
void *rumpuser_curlwp_get(void);

/* console, errors, process */
void rumpuser_putstr(const char *s);
void rumpuser_seterrno(int error);
void rumpuser_abort(void) __attribute__((noreturn));
int rumpuser_getparam(const char *name, char *buf, size_t buflen);
int rumpuser_ncpu(void);
int rumpuser_getrandom(void *buf, size_t len);

#endif /* _RUMP_RUMPUSER_H_ */
