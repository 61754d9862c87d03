/*
 * Booting the kernel: rump_init() sets up proc0 and the virtual CPUs,
 * then initialises the components that registered themselves when the
 * library was loaded, class by class (kernel, VFS, file systems, last).
 */
#include "sys/param.h"
#include "sys/lwp.h"
#include "sys/rump_private.h"

#include <stdatomic.h>

#include <rump/rump.h>
#include <rump/rumpuser.h>

#include "kern_impl.h"

#define MAXCPUS 256

enum { BOOT_NONE, BOOT_UP };

static atomic_int boot_state;
static struct rumpuser_mtx *boot_mtx;
static _Thread_local bool boot_thread; /* this thread is booting */

/* Registration happens from constructors: no allocation, no locks. */
static struct rump_component *comp_head;
static struct rump_component **comp_tail = &comp_head;

/* The boot lock must exist before any thread can call rump_init(). */
static void __attribute__((constructor(101))) rump_boot_lock_init(void)
{
	if (boot_mtx == NULL)
		rumpuser_mutex_init(&boot_mtx);
}

void
rump_component_register(struct rump_component *c)
{
	if (atomic_load(&boot_state) == BOOT_UP) {
		kprintf("rump: component %s registered after boot: ignored\n",
		    c->rc_name);
		return;
	}
	c->rc_next = NULL;
	*comp_tail = c;
	comp_tail = &c->rc_next;
}

static void
components_init(void)
{
	for (int type = 0; type < RUMP_COMPONENT_MAX; type++) {
		for (struct rump_component *c = comp_head; c != NULL;
		     c = c->rc_next) {
			if ((int)c->rc_type == type && c->rc_init != NULL)
				c->rc_init();
		}
	}
	for (struct rump_component *c = comp_head; c != NULL; c = c->rc_next)
		if ((int)c->rc_type < 0 || c->rc_type >= RUMP_COMPONENT_MAX)
			kprintf("rump: component %s has bad class %d\n",
			    c->rc_name, (int)c->rc_type);
}

static int
rump_boot(void)
{
	int error, ncpu;

	if ((error = rumpuser_init()) != 0)
		return error;
	ncpu = rump_getparam_int("RUMP_NCPU", rumpuser_ncpu());
	ncpu = MIN(MAX(ncpu, 2), MAXCPUS);
	rump_cpus_init(ncpu);
	rump_proc0_init();
	if (rump_getparam_int("RUMP_VERBOSE", 0) > 0)
		kprintf("rump: kernel with %d virtual CPUs\n", ncpu);

	rump_schedule();
	components_init();
	rump_unschedule();
	return 0;
}

RUMP_PUBLIC int
rump_init(void)
{
	int error = 0;

	if (atomic_load(&boot_state) == BOOT_UP || boot_thread)
		return 0;
	rump_boot_lock_init(); /* in case we run before the constructors */
	rumpuser_mutex_enter(boot_mtx);
	if (atomic_load(&boot_state) != BOOT_UP) {
		boot_thread = true;
		error = rump_boot();
		boot_thread = false;
		if (error == 0)
			atomic_store(&boot_state, BOOT_UP);
	}
	rumpuser_mutex_exit(boot_mtx);
	return error;
}

/* Every entry checks this, so a program that forgot rump_init() works. */
void
rump_boot_check(void)
{
	int error;

	if (__predict_true(atomic_load_explicit(
	                       &boot_state, memory_order_acquire) == BOOT_UP) ||
	    boot_thread)
		return;
	if ((error = rump_init()) != 0)
		panic("rump kernel failed to boot: error %d", error);
}
