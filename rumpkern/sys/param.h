/*
 * Basic types and constants of the kernel.  Kernel code includes only
 * standard C headers and the project's own; nothing of the host's POSIX
 * headers (those are the business of rumpuser/).
 */
#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <time.h>

#include <rump/rumpdefs.h>

typedef int64_t off_t;
typedef int64_t daddr_t; /* disk address, in DEV_BSIZE units or fs blocks */
typedef uint64_t ino_t;
typedef uint32_t mode_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef uint32_t nlink_t;
typedef uint64_t dev_t;
typedef int32_t pid_t;

#define RUMP_PUBLIC __attribute__((visibility("default")))
#define __unused    __attribute__((unused))
#define __printflike(a, b) __attribute__((format(printf, a, b)))
#define __noreturn  __attribute__((noreturn))
#define __predict_false(x) __builtin_expect(!!(x), 0)
#define __predict_true(x)  __builtin_expect(!!(x), 1)

#define DEV_BSHIFT 9
#define DEV_BSIZE  (1 << DEV_BSHIFT)
#define MAXPATHLEN 1024
#define MAXNAMLEN  RUMP_MAXNAMLEN
#define MAXSYMLINKS 32
#define NGROUPS_MAX_K 16
#define NOGROUP	    65535

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#define howmany(x, y)  (((x) + ((y)-1)) / (y))
#define roundup(x, y)  ((((x) + ((y)-1)) / (y)) * (y))
#define rounddown(x, y) (((x) / (y)) * (y))
#define powerof2(x)    ((((x)-1) & (x)) == 0)
#define __arraycount(a) (sizeof(a) / sizeof((a)[0]))

/* Error returned for damaged on-disk structures ("structure needs cleaning"). */
#ifdef EUCLEAN
#define EFSCORRUPTED EUCLEAN
#else
#define EFSCORRUPTED EIO
#endif
#define EJUSTRETURN (-2) /* a VOP finished the job itself */

#include "sys/systm.h"

#endif /* _SYS_PARAM_H_ */
