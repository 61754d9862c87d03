/* The way into the system-call table from the generated rump_sys_*(). */
#include "sys/param.h"
#include "sys/lwp.h"
#include "sys/rump_private.h"
#include "sys/syscall.h"

#include <rump/rumpuser.h>

#include "syscallargs.h"

int
rump_syscall(int num, void *args, int64_t *retval)
{
	sy_call_t *call;
	int error;

	if (num < 0 || num >= SYS_MAXSYSCALL ||
	    (call = rump_sysent[num].sy_call) == NULL) {
		rumpuser_seterrno(ENOSYS);
		return ENOSYS;
	}
	rump_schedule();
	error = call(curlwp, args, retval);
	rump_unschedule();
	if (__predict_false(error < 0)) {
		/* EJUSTRETURN and friends must stay inside the kernel. */
		kprintf("rump_syscall: %s returned internal error %d\n",
		    rump_sysent[num].sy_name, error);
		error = EIO;
	}
	if (error != 0)
		rumpuser_seterrno(error);
	return error;
}
