/*
 * Host threads and synchronisation: the kernel's locks, condition
 * variables and per-thread lwp pointer sit on pthreads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rump/rumpuser.h>

struct rumpuser_mtx {
	pthread_mutex_t m;
};
struct rumpuser_rw {
	pthread_rwlock_t rw;
};
struct rumpuser_cv {
	pthread_cond_t c;
};

/* A failed pthread call on a valid object means memory corruption. */
static void
check(int error, const char *what)
{
	if (error != 0) {
		rumpuser_putstr("rumpuser: ");
		rumpuser_putstr(what);
		rumpuser_putstr(": ");
		rumpuser_putstr(strerror(error));
		rumpuser_putstr("\n");
		abort();
	}
}

static void *
xmalloc(size_t len)
{
	void *p = malloc(len);

	if (p == NULL)
		check(ENOMEM, "lock allocation");
	return p;
}

struct thread_cookie {
	pthread_t tid;
};

int
rumpuser_thread_create(void *(*fn)(void *), void *arg, void **cookie)
{
	struct thread_cookie *tc;
	int error;

	if ((tc = malloc(sizeof(*tc))) == NULL)
		return ENOMEM;
	error = pthread_create(&tc->tid, NULL, fn, arg);
	if (error) {
		free(tc);
		return error;
	}
	*cookie = tc;
	return 0;
}

int
rumpuser_thread_join(void *cookie)
{
	struct thread_cookie *tc = cookie;
	int error;

	error = pthread_join(tc->tid, NULL);
	free(tc);
	return error;
}

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp)
{
	struct rumpuser_mtx *mtx = xmalloc(sizeof(*mtx));

	check(pthread_mutex_init(&mtx->m, NULL), "mutex_init");
	*mtxp = mtx;
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	check(pthread_mutex_lock(&mtx->m), "mutex_enter");
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	int error = pthread_mutex_trylock(&mtx->m);

	if (error != 0 && error != EBUSY)
		check(error, "mutex_tryenter");
	return error;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	check(pthread_mutex_unlock(&mtx->m), "mutex_exit");
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	check(pthread_mutex_destroy(&mtx->m), "mutex_destroy");
	free(mtx);
}

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = xmalloc(sizeof(*rw));
	pthread_rwlockattr_t attr;

	/*
	 * Waiting writers hold off new readers, as in a BSD kernel: a
	 * stream of readers must not starve the writer of a vnode.
	 */
	check(pthread_rwlockattr_init(&attr), "rwlockattr_init");
	check(pthread_rwlockattr_setkind_np(
	          &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP),
	    "rwlockattr_setkind");
	check(pthread_rwlock_init(&rw->rw, &attr), "rw_init");
	pthread_rwlockattr_destroy(&attr);
	*rwp = rw;
}

void
rumpuser_rw_enter(struct rumpuser_rw *rw, int write)
{
	if (write)
		check(pthread_rwlock_wrlock(&rw->rw), "rw_enter");
	else
		check(pthread_rwlock_rdlock(&rw->rw), "rw_enter");
}

int
rumpuser_rw_tryenter(struct rumpuser_rw *rw, int write)
{
	int error;

	if (write)
		error = pthread_rwlock_trywrlock(&rw->rw);
	else
		error = pthread_rwlock_tryrdlock(&rw->rw);
	if (error != 0 && error != EBUSY)
		check(error, "rw_tryenter");
	return error;
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	check(pthread_rwlock_unlock(&rw->rw), "rw_exit");
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	check(pthread_rwlock_destroy(&rw->rw), "rw_destroy");
	free(rw);
}

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = xmalloc(sizeof(*cv));
	pthread_condattr_t attr;

	/* Timeouts must not jump with the wall clock. */
	check(pthread_condattr_init(&attr), "condattr_init");
	check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC),
	    "condattr_setclock");
	check(pthread_cond_init(&cv->c, &attr), "cv_init");
	pthread_condattr_destroy(&attr);
	*cvp = cv;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	check(pthread_cond_wait(&cv->c, &mtx->m), "cv_wait");
}

int
rumpuser_cv_timedwait(
    struct rumpuser_cv *cv, struct rumpuser_mtx *mtx, int64_t ms)
{
	struct timespec ts;
	int error;

	if (ms < 0)
		ms = 0;
	if (ms > INT64_C(1) << 40)
		ms = INT64_C(1) << 40; /* some 35 years: forever enough */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	error = pthread_cond_timedwait(&cv->c, &mtx->m, &ts);
	if (error != 0 && error != ETIMEDOUT)
		check(error, "cv_timedwait");
	return error;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	check(pthread_cond_signal(&cv->c), "cv_signal");
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	check(pthread_cond_broadcast(&cv->c), "cv_broadcast");
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	check(pthread_cond_destroy(&cv->c), "cv_destroy");
	free(cv);
}

static __thread void *curlwp_tls;

void
rumpuser_curlwp_set(void *l)
{
	curlwp_tls = l;
}

void *
rumpuser_curlwp_get(void)
{
	return curlwp_tls;
}
