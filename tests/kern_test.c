/*
 * kern_test: the kernel core as seen through the public interface.
 * Boot, identity system calls and their permission rules, processes
 * with separate credentials, switching a thread between processes, and
 * many host threads entering the kernel at once.
 * Exit status 0 when every check passes; each failure is printed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

static int failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
			failures++;                                            \
		}                                                              \
	} while (0)

/* A call that must fail with the given errno. */
#define CHECK_ERR(call, err)                                                   \
	do {                                                                   \
		errno = 0;                                                     \
		int rv_ = (call);                                              \
		if (rv_ != -1 || errno != (err)) {                             \
			fprintf(stderr,                                        \
			    "%s:%d: %s: got %d errno %d (%s), want %s\n",      \
			    __FILE__, __LINE__, #call, rv_, errno,             \
			    strerror(errno), #err);                            \
			failures++;                                            \
		}                                                              \
	} while (0)

static void
test_init(void)
{
	CHECK(rump_init() == 0);
	CHECK(rump_init() == 0);
}

static void
test_root_ids(void)
{
	CHECK(rump_sys_getuid() == 0);
	CHECK(rump_sys_geteuid() == 0);
	CHECK(rump_sys_getgid() == 0);
	CHECK(rump_sys_getegid() == 0);
	CHECK(rump_pub_lwproc_getpid() == 0);
	CHECK(rump_pub_lwproc_curlwp() == NULL); /* implicit */
}

/* The set*id() rules, in a process of its own so proc0 stays root. */
static void
test_setid_rules(void)
{
	uint32_t groups[3] = {5, 6, 7};

	CHECK(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0);
	CHECK(rump_pub_lwproc_getpid() > 0);

	/* root may set anything */
	CHECK(rump_sys_setgroups(3, groups) == 0);
	CHECK(rump_sys_setegid(50) == 0);
	CHECK(rump_sys_getegid() == 50);
	CHECK(rump_sys_getgid() == 0);
	CHECK(rump_sys_setgid(100) == 0);
	CHECK(rump_sys_getgid() == 100 && rump_sys_getegid() == 100);
	CHECK(rump_sys_seteuid(1000) == 0);
	CHECK(rump_sys_geteuid() == 1000 && rump_sys_getuid() == 0);

	/* euid 1000, real and saved 0: back to root through the real id */
	CHECK_ERR(rump_sys_setgroups(1, groups), EPERM);
	CHECK_ERR(rump_sys_seteuid(2000), EPERM);
	CHECK(rump_sys_seteuid(0) == 0);
	CHECK(rump_sys_geteuid() == 0);

	/* setuid as root sets all three ids: no way back */
	CHECK(rump_sys_setuid(1000) == 0);
	CHECK(rump_sys_getuid() == 1000 && rump_sys_geteuid() == 1000);
	CHECK_ERR(rump_sys_setuid(0), EPERM);
	CHECK_ERR(rump_sys_seteuid(0), EPERM);
	CHECK_ERR(rump_sys_setuid(1001), EPERM);
	CHECK(rump_sys_setuid(1000) == 0);
	CHECK(rump_sys_seteuid(1000) == 0);
	CHECK_ERR(rump_sys_setgid(0), EPERM);
	CHECK_ERR(rump_sys_setegid(0), EPERM);
	CHECK(rump_sys_setegid(100) == 0);
	CHECK_ERR(rump_sys_setgroups(0, NULL), EPERM);
	CHECK_ERR(rump_sys_setuid((uint32_t)-1), EINVAL);
	CHECK(rump_sys_getuid() == 1000 && rump_sys_getgid() == 100);

	/* setgroups argument checks (as root, in a fresh process) */
	rump_pub_lwproc_releaselwp();
	CHECK(rump_sys_getuid() == 0); /* back in proc0 */
	CHECK(rump_pub_lwproc_rfork(0) == 0);
	CHECK_ERR(rump_sys_setgroups(-1, groups), EINVAL);
	CHECK_ERR(rump_sys_setgroups(1000, groups), EINVAL);
	CHECK_ERR(rump_sys_setgroups(2, NULL), EFAULT);
	CHECK(rump_sys_setgroups(0, NULL) == 0);
	rump_pub_lwproc_releaselwp();

	CHECK(rump_pub_lwproc_getpid() == 0);
	CHECK(rump_sys_getuid() == 0 && rump_sys_geteuid() == 0);
	CHECK(rump_sys_getgid() == 0);
}

/* Two processes, each with its own credentials; a thread moves between. */
static void
test_processes(void)
{
	struct lwp *l1, *l2;
	int pid1, pid2;

	CHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0);
	pid1 = rump_pub_lwproc_getpid();
	l1 = rump_pub_lwproc_curlwp();
	CHECK(l1 != NULL);
	CHECK(rump_sys_setuid(111) == 0);

	/* a fork of process 1 inherits its credentials */
	CHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0);
	pid2 = rump_pub_lwproc_getpid();
	l2 = rump_pub_lwproc_curlwp();
	CHECK(pid2 != pid1 && pid2 > 0);
	CHECK(l2 != NULL && l2 != l1);
	CHECK(rump_sys_getuid() == 111);
	CHECK_ERR(rump_sys_setuid(0), EPERM);

	/* change 1's credentials without touching 2 */
	rump_pub_lwproc_switch(l1);
	CHECK(rump_pub_lwproc_getpid() == pid1);
	CHECK(rump_sys_seteuid(111) == 0);
	CHECK(rump_sys_setegid(0) == 0); /* real gid is still 0 */
	rump_pub_lwproc_switch(l2);
	CHECK(rump_pub_lwproc_getpid() == pid2);
	CHECK(rump_sys_getuid() == 111);

	/* back to the implicit lwp: proc0 and root */
	rump_pub_lwproc_switch(NULL);
	CHECK(rump_pub_lwproc_getpid() == 0);
	CHECK(rump_sys_getuid() == 0);
	CHECK(rump_pub_lwproc_curlwp() == NULL);

	/* a second lwp in process 1 shares its credentials */
	struct lwp *l1b = rump_pub_lwproc_newlwp(pid1);
	CHECK(l1b != NULL);
	rump_pub_lwproc_switch(l1b);
	CHECK(rump_pub_lwproc_getpid() == pid1);
	CHECK(rump_sys_geteuid() == 111);
	rump_pub_lwproc_releaselwp();
	CHECK(rump_pub_lwproc_getpid() == 0);

	errno = 0;
	CHECK(rump_pub_lwproc_newlwp(999999) == NULL && errno == ESRCH);

	/* release both processes */
	rump_pub_lwproc_switch(l2);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(l1);
	rump_pub_lwproc_releaselwp();
	CHECK(rump_pub_lwproc_getpid() == 0);
	errno = 0;
	CHECK(rump_pub_lwproc_newlwp(pid1) == NULL && errno == ESRCH);
	CHECK(rump_pub_lwproc_rfork(RUMP_RFFDG | RUMP_RFCFDG) == EINVAL);
	CHECK(rump_pub_lwproc_rfork(0x1000) == EINVAL);
}

#define NTHREADS 8
#define NCALLS   10000

struct worker {
	pthread_t tid;
	int own_process;
	int errors;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	uint32_t uid = 0;

	if (w->own_process) {
		/* every other thread runs in a process of its own */
		if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0) {
			w->errors++;
			return NULL;
		}
		uid = 500 + (uint32_t)rump_pub_lwproc_getpid();
		if (rump_sys_setuid(uid) != 0)
			w->errors++;
	}
	for (int i = 0; i < NCALLS; i++) {
		if (rump_sys_getuid() != (int)uid)
			w->errors++;
	}
	if (w->own_process)
		rump_pub_lwproc_releaselwp();
	return NULL;
}

static void
test_threads(void)
{
	struct worker w[NTHREADS];
	int errors = 0;

	memset(w, 0, sizeof(w));
	for (int i = 0; i < NTHREADS; i++) {
		w[i].own_process = i % 2;
		CHECK(pthread_create(&w[i].tid, NULL, worker_run, &w[i]) == 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].tid, NULL);
		errors += w[i].errors;
	}
	CHECK(errors == 0);
	if (errors)
		fprintf(stderr, "  %d wrong answers from threads\n", errors);
	CHECK(rump_sys_getuid() == 0);
}

int
main(void)
{
	test_init();
	test_root_ids();
	test_setid_rules();
	test_processes();
	test_threads();
	if (failures) {
		printf("kern_test: %d checks failed\n", failures);
		return 1;
	}
	printf("kern_test: all checks passed\n");
	return 0;
}
