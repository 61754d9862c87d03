/*
 * Which kernel lwp a host thread runs as.  Every thread that works on a
 * mount gets an lwp of its own in the mount's process and stays switched
 * to it between calls, so that a run of calls on one mount enters the
 * kernel once per call, with no switch in and out.  Another mount, the
 * kernel's proc0 work (mounting), a release or the thread's exit switch
 * it away.
 *
 * bind_lock guards the lists below and every thread's t_bound.  A thread
 * enters the kernel as the lwp of a binding only while it holds the
 * mount's u_lock or bind_lock, so whoever holds both may act on another
 * thread's bindings: a release cuts the lwp the other thread is switched
 * to off the process (rump_pub_lwproc_orphan) and that thread's next
 * kernel entry drops it.
 *
 * Lock order: mount_lock (ukfs_kernel_lock), then u_lock, then bind_lock.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ukfs_int.h"

struct ukfs_bind {
	struct ukfs *b_ukfs;
	struct ukfs_thread *b_thread;
	struct lwp *b_lwp;
	struct ukfs_bind *b_tnext; /* the thread's bindings */
	struct ukfs_bind *b_unext; /* the mount's bindings */
};

struct ukfs_thread {
	/* the mount whose lwp this thread runs as; read without the lock */
	struct ukfs *_Atomic t_boundukfs;
	struct ukfs_bind *t_bound;
	struct ukfs_bind *t_binds;
	int t_orphaned; /* its lwp was cut off: enter once to drop it */
};

static pthread_mutex_t bind_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
static int key_error;

static _Thread_local struct ukfs_thread *self
    __attribute__((tls_model("initial-exec")));
/* The mount this thread entered with the mount's own lwp (no binding). */
static _Thread_local struct ukfs *eager
    __attribute__((tls_model("initial-exec")));

static void
set_bound(struct ukfs_thread *t, struct ukfs_bind *b)
{
	t->t_bound = b;
	atomic_store_explicit(&t->t_boundukfs, b != NULL ? b->b_ukfs : NULL,
	    memory_order_release);
}

static void
unlink_bind(struct ukfs_bind *b)
{
	struct ukfs_bind **pp;

	for (pp = &b->b_thread->t_binds; *pp != b; pp = &(*pp)->b_tnext)
		continue;
	*pp = b->b_tnext;
	for (pp = &b->b_ukfs->u_binds; *pp != b; pp = &(*pp)->b_unext)
		continue;
	*pp = b->b_unext;
	free(b);
}

/* Release an lwp that no thread is switched to, or this thread's own. */
static void
release_lwp(struct ukfs_thread *t, struct lwp *l)
{
	rump_pub_lwproc_switch(l);
	rump_pub_lwproc_releaselwp();
	if (t != NULL)
		set_bound(t, NULL);
}

/* At the thread's exit: give back its lwps. */
static void
thread_exit(void *arg)
{
	struct ukfs_thread *t = arg;

	pthread_mutex_lock(&bind_lock);
	while (t->t_binds != NULL) {
		release_lwp(t, t->t_binds->b_lwp);
		unlink_bind(t->t_binds);
	}
	if (t->t_orphaned)
		rump_pub_lwproc_switch(NULL); /* frees the orphan */
	pthread_mutex_unlock(&bind_lock);
	self = NULL;
	free(t);
}

static void
make_key(void)
{
	key_error = pthread_key_create(&thread_key, thread_exit);
}

/* This thread's record, made on first use; NULL when out of memory. */
static struct ukfs_thread *
thread_get(void)
{
	struct ukfs_thread *t = self;

	if (t != NULL)
		return t;
	pthread_once(&key_once, make_key);
	if (key_error != 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	atomic_init(&t->t_boundukfs, NULL);
	if (pthread_setspecific(thread_key, t) != 0) {
		free(t);
		return NULL;
	}
	self = t;
	return t;
}

/* This thread's binding to u, made if need be; NULL when impossible. */
static struct ukfs_bind *
bind_get(struct ukfs_thread *t, struct ukfs *u)
{
	struct ukfs_bind *b;

	for (b = t->t_binds; b != NULL; b = b->b_tnext)
		if (b->b_ukfs == u)
			return b;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->b_lwp = rump_pub_lwproc_newlwp(u->u_pid);
	if (b->b_lwp == NULL) {
		free(b);
		return NULL;
	}
	/* newlwp ran as whatever this thread was: it still is */
	b->b_ukfs = u;
	b->b_thread = t;
	b->b_tnext = t->t_binds;
	t->t_binds = b;
	b->b_unext = u->u_binds;
	u->u_binds = b;
	return b;
}

void
ukfs_enter(struct ukfs *u)
{
	struct ukfs_thread *t = self;
	struct ukfs_bind *b;

	pthread_mutex_lock(&u->u_lock);
	if (t != NULL &&
	    atomic_load_explicit(&t->t_boundukfs, memory_order_acquire) == u)
		return;
	pthread_mutex_lock(&bind_lock);
	t = thread_get();
	b = t != NULL ? bind_get(t, u) : NULL;
	if (b != NULL) {
		rump_pub_lwproc_switch(b->b_lwp);
		set_bound(t, b);
	} else {
		/* no memory for a binding: borrow the mount's lwp for now */
		rump_pub_lwproc_switch(u->u_lwp);
		if (t != NULL)
			set_bound(t, NULL);
		eager = u;
	}
	if (t != NULL)
		t->t_orphaned = 0; /* any kernel entry drops the orphan */
	pthread_mutex_unlock(&bind_lock);
}

void
ukfs_leave(struct ukfs *u)
{
	int error = errno;

	if (eager == u) {
		rump_pub_lwproc_switch(NULL);
		eager = NULL;
	}
	pthread_mutex_unlock(&u->u_lock);
	errno = error;
}

void
ukfs_unbind(void)
{
	struct ukfs_thread *t = self;

	if (t == NULL)
		return;
	pthread_mutex_lock(&bind_lock);
	if (t->t_bound != NULL || t->t_orphaned) {
		rump_pub_lwproc_switch(NULL);
		set_bound(t, NULL);
		t->t_orphaned = 0;
	}
	pthread_mutex_unlock(&bind_lock);
}

void
ukfs_release_lwps(struct ukfs *u)
{
	struct ukfs_thread *t = self, *bt;
	struct ukfs_bind *b;

	pthread_mutex_lock(&bind_lock);
	while ((b = u->u_binds) != NULL) {
		bt = b->b_thread;
		if (bt != t && bt->t_bound == b) {
			/* switched to by a thread that is not in the kernel */
			rump_pub_lwproc_orphan(b->b_lwp);
			set_bound(bt, NULL);
			bt->t_orphaned = 1;
		} else
			release_lwp(t, b->b_lwp);
		unlink_bind(b);
	}
	/* the mount's own lwp last: the process goes with it */
	release_lwp(t, u->u_lwp);
	u->u_lwp = NULL;
	if (t != NULL)
		t->t_orphaned = 0;
	pthread_mutex_unlock(&bind_lock);
}
