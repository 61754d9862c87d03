/* The system-call table (generated from rumpvfs/syscalls.master). */
#ifndef _SYS_SYSCALL_H_
#define _SYS_SYSCALL_H_

struct lwp;
typedef int sy_call_t(struct lwp *, const void *, int64_t *);

struct sysent {
	const char *sy_name;
	sy_call_t *sy_call;
	size_t sy_argsize;
};
extern const struct sysent rump_sysent[];

/* Enter the kernel, run one system call, leave; sets errno on failure. */
int rump_syscall(int num, void *args, int64_t *retval);

#endif /* _SYS_SYSCALL_H_ */
