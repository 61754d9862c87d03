/*
 * Processes and lwps.  proc0 is the initial process, with root's
 * credentials; a host thread that enters the kernel without an lwp of its
 * own runs on an implicit lwp of proc0 for the length of that entry.
 * rump_lwproc_*() give host threads lwps in processes of their own.
 */
#include "sys/param.h"
#include "sys/lwp.h"
#include "sys/kauth.h"
#include "sys/rump_private.h"

#include <rump/rumpuser.h>

#include "kern_impl.h"
#include "rumpkern_if_priv.h"

#define PID_MAX 0x7ffffff0

struct proc proc0;

/* Lock order: proclist_lock, then a process's p_lock. */
static kmutex_t proclist_lock;
static LIST_HEAD(, proc) allproc = LIST_HEAD_INITIALIZER(allproc);
static pid_t nextpid = 1;
static struct rump_proc_hooks proc_hooks;

void
rump_proc0_init(void)
{
	mutex_init(&proclist_lock);
	mutex_init(&proc0.p_lock);
	proc0.p_pid = 0;
	proc0.p_cred = kauth_cred_alloc(); /* all ids 0: root */
	proc0.p_nlwps = 0;
	LIST_INSERT_HEAD(&allproc, &proc0, p_list);
}

void
rump_proc_sethooks(const struct rump_proc_hooks *hooks)
{
	proc_hooks = *hooks;
}

static struct proc *
pfind_locked(pid_t pid)
{
	struct proc *p;

	KASSERT(mutex_owned(&proclist_lock));
	LIST_FOREACH(p, &allproc, p_list)
	{
		if (p->p_pid == pid)
			return p;
	}
	return NULL;
}

static pid_t
pid_alloc(void)
{
	pid_t pid;

	mutex_enter(&proclist_lock);
	do {
		pid = nextpid;
		nextpid = nextpid >= PID_MAX ? 1 : nextpid + 1;
	} while (pfind_locked(pid) != NULL);
	mutex_exit(&proclist_lock);
	return pid;
}

/* The lwp's own reference to its process's credential. */
static void
lwp_cred_take(struct lwp *l)
{
	struct proc *p = l->l_proc;

	mutex_enter(&p->p_lock);
	kauth_cred_hold(p->p_cred);
	l->l_cred = p->p_cred;
	mutex_exit(&p->p_lock);
}

/* After a set*id(), the process's lwps pick the new credential up here. */
void
lwp_cred_refresh(struct lwp *l)
{
	struct proc *p = l->l_proc;
	kauth_cred_t old = l->l_cred;

	if (__atomic_load_n(&p->p_cred, __ATOMIC_RELAXED) == old)
		return;
	lwp_cred_take(l);
	kauth_cred_free(old);
}

static struct lwp *
lwp_alloc(struct proc *p, int flags)
{
	struct lwp *l = kmem_zalloc(sizeof(*l), KM_SLEEP);

	l->l_proc = p;
	l->l_flag = flags;
	lwp_cred_take(l);
	return l;
}

struct lwp *
lwp_alloc_implicit(void)
{
	return lwp_alloc(&proc0, LW_IMPLICIT | LW_RUNNING);
}

static void
proc_free(struct proc *p)
{
	if (proc_hooks.ph_release != NULL)
		proc_hooks.ph_release(p);
	kauth_cred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p));
}

/*
 * Take an lwp that no thread runs out of its process, which goes with its
 * last lwp; what is left is memory only.
 */
static void
lwp_detach(struct lwp *l)
{
	struct proc *p = l->l_proc;
	bool last = false;

	KASSERT(l->l_cpu == NULL && l->l_nesting == 0);
	kauth_cred_free(l->l_cred);
	l->l_cred = NULL;
	if (!(l->l_flag & LW_IMPLICIT)) {
		mutex_enter(&proclist_lock);
		mutex_enter(&p->p_lock);
		KASSERT(p->p_nlwps > 0);
		if (--p->p_nlwps == 0 && p != &proc0) {
			LIST_REMOVE(p, p_list);
			last = true;
		}
		mutex_exit(&p->p_lock);
		mutex_exit(&proclist_lock);
	}
	l->l_proc = NULL;
	if (last)
		proc_free(p);
}

/* Free an lwp that no thread runs; its process goes with its last lwp. */
void
lwp_free(struct lwp *l)
{
	lwp_detach(l);
	kmem_free(l, sizeof(*l));
}

/*
 * Forget an orphan (see rump_lwproc_orphan) that this thread still had
 * as its lwp.
 */
void
lwp_drop_orphan(struct lwp *l)
{
	KASSERT(l->l_flag & LW_ORPHAN);
	kmem_free(l, sizeof(*l));
}

/*
 * Make "to" the lwp of this thread in place of "from", for the rest of
 * this kernel entry and the entries after it: the CPU and the entry count
 * move over, so the outer rump_unschedule() releases the right lwp.
 * An implicit "from" is freed, and so is "from" with release.
 */
static void
lwp_switch_to(struct lwp *from, struct lwp *to, bool release)
{
	bool implicit = from->l_flag & LW_IMPLICIT;

	KASSERT(from == rumpuser_curlwp_get());
	KASSERT(to->l_flag & LW_RUNNING);
	rump_cpu_handover(from, to);
	rumpuser_curlwp_set(to);
	lwp_cred_refresh(to);
	if (implicit || release) {
		lwp_free(from); /* still marked running: nobody can take it */
		return;
	}
	/* From here on another thread may take "from" over: hands off. */
	__atomic_fetch_and(&from->l_flag, ~LW_RUNNING, __ATOMIC_RELEASE);
}

int
rump_lwproc_rfork(int flags)
{
	struct proc *parent = curproc;
	struct proc *p;
	struct lwp *l;
	int error;

	if ((flags & ~(RUMP_RFFDG | RUMP_RFCFDG)) != 0 ||
	    (flags & (RUMP_RFFDG | RUMP_RFCFDG)) == (RUMP_RFFDG | RUMP_RFCFDG))
		return EINVAL;

	p = kmem_zalloc(sizeof(*p), KM_SLEEP);
	mutex_init(&p->p_lock);
	p->p_pid = pid_alloc();
	mutex_enter(&parent->p_lock);
	kauth_cred_hold(parent->p_cred);
	p->p_cred = parent->p_cred; /* shared until one of them changes it */
	mutex_exit(&parent->p_lock);

	if (proc_hooks.ph_init != NULL &&
	    (error = proc_hooks.ph_init(p, parent, flags)) != 0) {
		kauth_cred_free(p->p_cred);
		mutex_destroy(&p->p_lock);
		kmem_free(p, sizeof(*p));
		return error;
	}

	l = lwp_alloc(p, LW_RUNNING);
	p->p_nlwps = 1;
	mutex_enter(&proclist_lock);
	LIST_INSERT_HEAD(&allproc, p, p_list);
	mutex_exit(&proclist_lock);

	lwp_switch_to(curlwp, l, false);
	return 0;
}

struct lwp *
rump_lwproc_newlwp(int pid)
{
	struct proc *p;
	struct lwp *l;

	mutex_enter(&proclist_lock);
	if ((p = pfind_locked(pid)) == NULL) {
		mutex_exit(&proclist_lock);
		rumpuser_seterrno(ESRCH);
		return NULL;
	}
	l = lwp_alloc(p, 0);
	mutex_enter(&p->p_lock);
	p->p_nlwps++;
	mutex_exit(&p->p_lock);
	mutex_exit(&proclist_lock);
	return l;
}

void
rump_lwproc_switch(struct lwp *l)
{
	struct lwp *cur = curlwp;

	if (l == cur)
		return;
	if (l == NULL) {
		if (cur->l_flag & LW_IMPLICIT)
			return;
		/* Finish this entry on an implicit lwp; freed on exit. */
		l = lwp_alloc_implicit();
	} else {
		int oflag;

		if (l->l_flag & LW_IMPLICIT)
			panic("rump_lwproc_switch: lwp %p is implicit",
			    (void *)l);
		oflag =
		    __atomic_fetch_or(&l->l_flag, LW_RUNNING, __ATOMIC_ACQUIRE);
		if (oflag & LW_RUNNING)
			panic("rump_lwproc_switch: lwp %p is already running",
			    (void *)l);
	}
	lwp_switch_to(cur, l, false);
}

/*
 * Cut l off its process while another host thread has it as its lwp but
 * runs no kernel code on it (the caller's locking makes sure of that): the
 * process goes with its last lwp, so that a mount its process held can be
 * unmounted.  The lwp's memory stays until that thread enters the kernel
 * again, which then finds l an orphan, frees it and goes on as a thread
 * without an lwp.
 */
void
rump_lwproc_orphan(struct lwp *l)
{
	int flag;

	if (l == NULL || l == curlwp)
		panic("rump_lwproc_orphan: lwp %p is this thread's", (void *)l);
	flag = __atomic_load_n(&l->l_flag, __ATOMIC_ACQUIRE);
	if ((flag & (LW_IMPLICIT | LW_ORPHAN)) || !(flag & LW_RUNNING) ||
	    l->l_nesting != 0 || l->l_cpu != NULL)
		panic("rump_lwproc_orphan: lwp %p is not idle on a thread",
		    (void *)l);
	lwp_detach(l);
	/* The owner frees the memory once it sees this: nothing after it. */
	__atomic_fetch_or(&l->l_flag, LW_ORPHAN, __ATOMIC_RELEASE);
}

void
rump_lwproc_releaselwp(void)
{
	struct lwp *l = curlwp;

	if (l->l_flag & LW_IMPLICIT) {
		kprintf("rump_lwproc_releaselwp: no lwp to release\n");
		return;
	}
	lwp_switch_to(l, lwp_alloc_implicit(), true);
}

/* NULL for an implicit lwp: it does not outlive this entry. */
struct lwp *
rump_lwproc_curlwp(void)
{
	struct lwp *l = curlwp;

	return (l->l_flag & LW_IMPLICIT) ? NULL : l;
}

int
rump_lwproc_getpid(void)
{
	return curproc->p_pid;
}
