/*
 * Processes and threads.  A host thread that enters the kernel runs as an
 * lwp; the lwp belongs to a process that carries the credentials, the
 * descriptor table and the current and root directories.
 */
#ifndef _SYS_LWP_H_
#define _SYS_LWP_H_

#include "sys/queue.h"
#include "sys/lock.h"
#include "sys/kauth.h"

struct filedesc;
struct cwdinfo;
struct cpu_info;

struct proc {
	pid_t p_pid;
	kmutex_t p_lock;
	kauth_cred_t p_cred;
	struct filedesc *p_fd;
	struct cwdinfo *p_cwdi;
	int p_nlwps;
	LIST_ENTRY(proc) p_list;
};

struct lwp {
	struct proc *l_proc;
	struct cpu_info *l_cpu;
	int l_flag;
#define LW_IMPLICIT 0x01 /* made on entry by a host thread with no lwp */
#define LW_WEMBRYO  0x02
#define LW_RUNNING  0x04 /* bound to a host thread */
#define LW_ORPHAN   0x08 /* cut off its process; its thread frees it */
	int l_nesting; /* kernel entries on this lwp (for rump_schedule) */
	kauth_cred_t l_cred; /* held copy of p_cred, refreshed on entry */
	LIST_ENTRY(lwp) l_list;
};

struct lwp *rump_curlwp(void);
#define curlwp	(rump_curlwp())
#define curproc (curlwp->l_proc)

extern struct proc proc0;

/* Hooks by which the VFS gives each new process its tables. */
struct rump_proc_hooks {
	int (*ph_init)(struct proc *newp, struct proc *parent, int flags);
	void (*ph_release)(struct proc *);
};
void rump_proc_sethooks(const struct rump_proc_hooks *);
#define RUMP_RFFDG  0x04 /* copy the descriptor table */
#define RUMP_RFCFDG 0x10 /* start with an empty descriptor table */

#endif /* _SYS_LWP_H_ */
