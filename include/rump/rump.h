/*
 * The public interface of the kernel library: initialisation, the system
 * calls (rump_sys_*) and the component interfaces (rump_pub_*).  Programs
 * include only this header (and rumpdefs.h through it).
 */
#ifndef _RUMP_RUMP_H_
#define _RUMP_RUMP_H_

#include <rump/rumpdefs.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpkern_if_pub.h>
#include <rump/rumpvfs_if_pub.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Boot the kernel once per process.  Options come from the environment:
 * RUMP_NCPU (virtual CPUs), RUMP_BUFCACHE_MB (buffer-cache limit),
 * RUMP_VERBOSE.  Returns 0 or an errno value.
 */
int rump_init(void);

#ifdef __cplusplus
}
#endif

#endif /* _RUMP_RUMP_H_ */
