/*
 * Sleep locks on host locks.  A thread that has to block gives its
 * virtual CPU back first, so that the thread it waits for can run; a
 * thread outside the kernel (no CPU) simply blocks.  Owners are tracked
 * so that mutex_owned() and the rw_*_held() assertions can be answered.
 */
#include "sys/param.h"
#include "sys/lock.h"
#include "sys/lwp.h"
#include "sys/rump_private.h"

#include <rump/rumpuser.h>

#include "kern_impl.h"

/* Stands for the owner when a host thread with no lwp takes a lock. */
static _Thread_local char lock_thread_token;

static struct lwp *
lock_self(void)
{
	struct lwp *l = rumpuser_curlwp_get();

	return l != NULL ? l : (struct lwp *)(void *)&lock_thread_token;
}

/* The lwp of this thread if it holds a virtual CPU, else NULL. */
static struct lwp *
lock_oncpu(void)
{
	struct lwp *l = rumpuser_curlwp_get();

	return l != NULL && l->l_cpu != NULL ? l : NULL;
}

static struct lwp *
owner_get(struct lwp *const *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
owner_set(struct lwp **p, struct lwp *l)
{
	__atomic_store_n(p, l, __ATOMIC_RELAXED);
}

void
mutex_init(kmutex_t *m)
{
	rumpuser_mutex_init(&m->mtx_host);
	m->mtx_owner = NULL;
}

void
mutex_destroy(kmutex_t *m)
{
	if (owner_get(&m->mtx_owner) != NULL)
		panic("mutex_destroy: mutex %p is held", (void *)m);
	rumpuser_mutex_destroy(m->mtx_host);
	m->mtx_host = NULL;
}

void
mutex_enter(kmutex_t *m)
{
	struct lwp *self = lock_self();

	if (__predict_false(owner_get(&m->mtx_owner) == self))
		panic(
		    "mutex_enter: mutex %p: locking against myself", (void *)m);
	if (rumpuser_mutex_tryenter(m->mtx_host) != 0) {
		if (lock_oncpu() != NULL) {
			rump_unschedule_cpu();
			rumpuser_mutex_enter(m->mtx_host);
			rump_schedule_cpu();
		} else
			rumpuser_mutex_enter(m->mtx_host);
	}
	owner_set(&m->mtx_owner, self);
}

bool
mutex_tryenter(kmutex_t *m)
{
	if (rumpuser_mutex_tryenter(m->mtx_host) != 0)
		return false;
	owner_set(&m->mtx_owner, lock_self());
	return true;
}

void
mutex_exit(kmutex_t *m)
{
	if (__predict_false(owner_get(&m->mtx_owner) != lock_self()))
		panic("mutex_exit: mutex %p not held by this lwp", (void *)m);
	owner_set(&m->mtx_owner, NULL);
	rumpuser_mutex_exit(m->mtx_host);
}

bool
mutex_owned(const kmutex_t *m)
{
	return owner_get(&m->mtx_owner) == lock_self();
}

void
rw_init(krwlock_t *rw)
{
	rumpuser_rw_init(&rw->rw_host);
	rw->rw_writer = NULL;
	rw->rw_readers = 0;
}

void
rw_destroy(krwlock_t *rw)
{
	if (owner_get(&rw->rw_writer) != NULL ||
	    __atomic_load_n(&rw->rw_readers, __ATOMIC_RELAXED) != 0)
		panic("rw_destroy: lock %p is held", (void *)rw);
	rumpuser_rw_destroy(rw->rw_host);
	rw->rw_host = NULL;
}

static void
rw_locked(krwlock_t *rw, krw_t op, struct lwp *self)
{
	if (op == RW_WRITER)
		owner_set(&rw->rw_writer, self);
	else
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	struct lwp *self = lock_self();
	int write = op == RW_WRITER;

	if (__predict_false(owner_get(&rw->rw_writer) == self))
		panic("rw_enter: lock %p: locking against myself", (void *)rw);
	if (rumpuser_rw_tryenter(rw->rw_host, write) != 0) {
		if (lock_oncpu() != NULL) {
			rump_unschedule_cpu();
			rumpuser_rw_enter(rw->rw_host, write);
			rump_schedule_cpu();
		} else
			rumpuser_rw_enter(rw->rw_host, write);
	}
	rw_locked(rw, op, self);
}

bool
rw_tryenter(krwlock_t *rw, krw_t op)
{
	if (rumpuser_rw_tryenter(rw->rw_host, op == RW_WRITER) != 0)
		return false;
	rw_locked(rw, op, lock_self());
	return true;
}

void
rw_exit(krwlock_t *rw)
{
	if (owner_get(&rw->rw_writer) == lock_self())
		owner_set(&rw->rw_writer, NULL);
	else if (__atomic_sub_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED) < 0)
		panic("rw_exit: lock %p not held", (void *)rw);
	rumpuser_rw_exit(rw->rw_host);
}

/* Held for writing by this lwp. */
bool
rw_write_held(const krwlock_t *rw)
{
	return owner_get(&rw->rw_writer) == lock_self();
}

/* Held for writing by this lwp, or for reading by anyone. */
bool
rw_lock_held(const krwlock_t *rw)
{
	return rw_write_held(rw) ||
	    __atomic_load_n(&rw->rw_readers, __ATOMIC_RELAXED) > 0;
}

void
cv_init(kcondvar_t *cv)
{
	rumpuser_cv_init(&cv->cv_host);
}

void
cv_destroy(kcondvar_t *cv)
{
	rumpuser_cv_destroy(cv->cv_host);
	cv->cv_host = NULL;
}

/*
 * Wait on the host condition variable with m's host mutex.  Afterwards
 * take the CPU back; if none is free, drop the mutex while waiting for
 * one rather than make everyone queue behind a thread with no CPU.
 */
static int
cv_block(kcondvar_t *cv, kmutex_t *m, int ms)
{
	struct lwp *self = lock_self();
	struct lwp *l;
	int error = 0;

	if (__predict_false(owner_get(&m->mtx_owner) != self))
		panic("cv_wait: mutex %p not held", (void *)m);
	owner_set(&m->mtx_owner, NULL);
	if ((l = lock_oncpu()) != NULL)
		rump_unschedule_cpu();
	if (ms > 0)
		error = rumpuser_cv_timedwait(cv->cv_host, m->mtx_host, ms);
	else
		rumpuser_cv_wait(cv->cv_host, m->mtx_host);
	if (l != NULL && !rump_cpu_tryacquire(l)) {
		rumpuser_mutex_exit(m->mtx_host);
		rump_schedule_cpu();
		mutex_enter(m);
	} else
		owner_set(&m->mtx_owner, self);
	return error == ETIMEDOUT ? EWOULDBLOCK : error;
}

void
cv_wait(kcondvar_t *cv, kmutex_t *m)
{
	(void)cv_block(cv, m, 0);
}

/* ms == 0 waits for ever, as in BSD; ms < 0 has already timed out. */
int
cv_timedwait(kcondvar_t *cv, kmutex_t *m, int ms)
{
	if (ms < 0)
		return EWOULDBLOCK;
	return cv_block(cv, m, ms);
}

void
cv_signal(kcondvar_t *cv)
{
	rumpuser_cv_signal(cv->cv_host);
}

void
cv_broadcast(kcondvar_t *cv)
{
	rumpuser_cv_broadcast(cv->cv_host);
}
