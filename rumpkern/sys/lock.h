/*
 * Sleep locks: mutexes, reader/writer locks and condition variables.
 * A thread that has to wait gives up its virtual CPU first, so a waiter
 * never holds a CPU that the lock holder needs.
 */
#ifndef _SYS_LOCK_H_
#define _SYS_LOCK_H_

struct lwp;
struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;

typedef struct kmutex {
	struct rumpuser_mtx *mtx_host;
	struct lwp *mtx_owner;
} kmutex_t;

typedef enum { RW_READER, RW_WRITER } krw_t;
typedef struct krwlock {
	struct rumpuser_rw *rw_host;
	struct lwp *rw_writer;
	volatile int rw_readers;
} krwlock_t;

typedef struct kcondvar {
	struct rumpuser_cv *cv_host;
} kcondvar_t;

void mutex_init(kmutex_t *);
void mutex_destroy(kmutex_t *);
void mutex_enter(kmutex_t *);
bool mutex_tryenter(kmutex_t *);
void mutex_exit(kmutex_t *);
bool mutex_owned(const kmutex_t *);

void rw_init(krwlock_t *);
void rw_destroy(krwlock_t *);
void rw_enter(krwlock_t *, krw_t);
bool rw_tryenter(krwlock_t *, krw_t);
void rw_exit(krwlock_t *);
bool rw_write_held(const krwlock_t *);
bool rw_lock_held(const krwlock_t *);

void cv_init(kcondvar_t *);
void cv_destroy(kcondvar_t *);
void cv_wait(kcondvar_t *, kmutex_t *);
/* Returns EWOULDBLOCK on timeout. */
int cv_timedwait(kcondvar_t *, kmutex_t *, int ms);
void cv_signal(kcondvar_t *);
void cv_broadcast(kcondvar_t *);

#endif /* _SYS_LOCK_H_ */
