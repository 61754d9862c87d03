/*
 * Virtual CPUs.  A host thread runs kernel code only while it holds one
 * of a fixed pool of CPUs; that bounds how many threads run in the
 * kernel at once, as the host's cores bound a real kernel.  Entries are
 * counted per lwp so that only the outermost one takes and gives the CPU.
 */
#include "sys/param.h"
#include "sys/lwp.h"
#include "sys/rump_private.h"

#include <stdatomic.h>

#include <rump/rumpuser.h>

#include "kern_impl.h"

#define CPU_ALIGN 64 /* one cache line each: CPUs are taken concurrently */

struct cpu_info {
	atomic_int ci_busy;
	int ci_index;
	struct lwp *ci_curlwp;
	char ci_pad[CPU_ALIGN - 2 * sizeof(int) - sizeof(void *)];
};

static struct cpu_info *cpus;
static int ncpus;
static struct rumpuser_mtx *sched_mtx;
static struct rumpuser_cv *sched_cv;
static atomic_int sched_waiters;
static atomic_uint sched_nexthint;
/* Where this thread last found a CPU: spreads threads over the pool. */
static _Thread_local int cpu_hint = -1;

void
rump_cpus_init(int n)
{
	void *mem;

	KASSERT(n > 0);
	if (rumpuser_malloc(n * sizeof(*cpus), CPU_ALIGN, &mem) != 0)
		panic("rump_cpus_init: out of memory");
	cpus = mem;
	memset(cpus, 0, n * sizeof(*cpus));
	for (int i = 0; i < n; i++) {
		atomic_init(&cpus[i].ci_busy, 0);
		cpus[i].ci_index = i;
	}
	ncpus = n;
	rumpuser_mutex_init(&sched_mtx);
	rumpuser_cv_init(&sched_cv);
}

static struct cpu_info *
cpu_tryget(void)
{
	int start = cpu_hint;

	if (start < 0)
		start = (int)(atomic_fetch_add(&sched_nexthint, 1) % ncpus);
	for (int i = 0; i < ncpus; i++) {
		int idx = (start + i) % ncpus;
		struct cpu_info *ci = &cpus[idx];
		int expect = 0;

		if (atomic_load_explicit(&ci->ci_busy, memory_order_relaxed))
			continue;
		if (atomic_compare_exchange_strong(&ci->ci_busy, &expect, 1)) {
			cpu_hint = idx;
			return ci;
		}
	}
	return NULL;
}

static void
cpu_bind(struct lwp *l, struct cpu_info *ci)
{
	ci->ci_curlwp = l;
	l->l_cpu = ci;
}

/* Take a CPU if one is free and nobody is queued for one. */
bool
rump_cpu_tryacquire(struct lwp *l)
{
	struct cpu_info *ci;

	KASSERT(l->l_cpu == NULL);
	if (atomic_load(&sched_waiters) > 0 || (ci = cpu_tryget()) == NULL)
		return false;
	cpu_bind(l, ci);
	return true;
}

void
rump_cpu_acquire(struct lwp *l)
{
	struct cpu_info *ci;

	if (rump_cpu_tryacquire(l))
		return;
	/*
	 * Announce the wait before looking again: a releaser either sees
	 * the waiter count or we see its CPU, so no wake-up is lost.
	 */
	rumpuser_mutex_enter(sched_mtx);
	atomic_fetch_add(&sched_waiters, 1);
	while ((ci = cpu_tryget()) == NULL)
		rumpuser_cv_wait(sched_cv, sched_mtx);
	atomic_fetch_sub(&sched_waiters, 1);
	rumpuser_mutex_exit(sched_mtx);
	cpu_bind(l, ci);
}

void
rump_cpu_release(struct lwp *l)
{
	struct cpu_info *ci = l->l_cpu;

	KASSERT(ci != NULL && ci->ci_curlwp == l);
	ci->ci_curlwp = NULL;
	l->l_cpu = NULL;
	atomic_store(&ci->ci_busy, 0);
	if (atomic_load(&sched_waiters) > 0) {
		rumpuser_mutex_enter(sched_mtx);
		rumpuser_cv_signal(sched_cv);
		rumpuser_mutex_exit(sched_mtx);
	}
}

/* Pass the CPU and the entry count of this thread from one lwp to another. */
void
rump_cpu_handover(struct lwp *from, struct lwp *to)
{
	struct cpu_info *ci = from->l_cpu;

	KASSERT(to->l_cpu == NULL && to->l_nesting == 0);
	to->l_nesting = from->l_nesting;
	from->l_nesting = 0;
	from->l_cpu = NULL;
	if (ci != NULL)
		cpu_bind(to, ci);
}

void
rump_schedule(void)
{
	struct lwp *l;

	rump_boot_check();
	l = rumpuser_curlwp_get();
	if (__predict_false(l == NULL ||
	        (__atomic_load_n(&l->l_flag, __ATOMIC_ACQUIRE) & LW_ORPHAN))) {
		if (l != NULL)
			lwp_drop_orphan(l);
		l = lwp_alloc_implicit();
		rumpuser_curlwp_set(l);
	}
	if (l->l_nesting++ == 0) {
		lwp_cred_refresh(l);
		rump_cpu_acquire(l);
	}
}

void
rump_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp_get();

	if (l == NULL || l->l_nesting <= 0)
		panic("rump_unschedule: thread is not in the kernel");
	if (--l->l_nesting > 0)
		return;
	if (l->l_cpu != NULL)
		rump_cpu_release(l);
	if (l->l_flag & LW_IMPLICIT) {
		rumpuser_curlwp_set(NULL);
		lwp_free(l);
	}
}

void
rump_unschedule_cpu(void)
{
	rump_cpu_release(curlwp);
}

void
rump_schedule_cpu(void)
{
	struct lwp *l = curlwp;

	KASSERT(l->l_cpu == NULL);
	rump_cpu_acquire(l);
}

struct lwp *
rump_curlwp(void)
{
	struct lwp *l = rumpuser_curlwp_get();

	if (__predict_false(l == NULL))
		panic("curlwp: host thread is not in the kernel");
	return l;
}
