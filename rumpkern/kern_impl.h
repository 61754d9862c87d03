/*
 * Interfaces between the files of rumpkern itself; nothing outside
 * rumpkern/ includes this header.
 */
#ifndef _RUMPKERN_KERN_IMPL_H_
#define _RUMPKERN_KERN_IMPL_H_

struct lwp;
struct proc;

/* rump.c: boot on first entry if the program did not call rump_init(). */
void rump_boot_check(void);

/* kern_sched.c: the pool of virtual CPUs. */
void rump_cpus_init(int ncpu);
void rump_cpu_acquire(struct lwp *);
bool rump_cpu_tryacquire(struct lwp *);
void rump_cpu_release(struct lwp *);
void rump_cpu_handover(struct lwp *from, struct lwp *to);

/* kern_lwp.c: processes and lwps. */
void rump_proc0_init(void);
struct lwp *lwp_alloc_implicit(void);
void lwp_free(struct lwp *);
void lwp_drop_orphan(struct lwp *);
void lwp_cred_refresh(struct lwp *);

#endif /* _RUMPKERN_KERN_IMPL_H_ */
