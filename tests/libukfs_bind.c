/*
 * libukfs_bind: threads and mounts mixed, for the binding of host threads
 * to the mounts' kernel processes (libukfs/ukfs_bind.c): several mounts
 * in one thread, several threads on one mount, a release while other
 * threads are still switched to the mount's process, a mount made at the
 * address of a released one, threads exiting while switched.
 *
 * usage: libukfs_bind IMAGE FILE
 *
 * FILE is a regular file in IMAGE ("/links/target.txt").  Prints one line
 * per check; exit 0 when all pass.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ukfs.h"

#define NWORKERS 3

static int failures;
static const char *image, *file;
static struct stat want;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond)                                                      \
			printf("ok: ");                                        \
		else {                                                         \
			printf("FAIL (%s:%d): ", __FILE__, __LINE__);          \
			failures++;                                            \
		}                                                              \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

static struct ukfs *
mount_ro(void)
{
	int error;
	struct ukfs *u = ukfs_mount(NULL, image, 0, 0, UKFS_RDONLY, NULL, &error);

	if (u == NULL)
		fprintf(stderr, "mount: %s\n", ukfs_errmsg());
	return u;
}

/* The file looks as it should through u: stat, open, read, close. */
static int
file_ok(struct ukfs *u)
{
	struct stat st;
	char buf[256];
	int fd, ok;

	if (ukfs_stat(u, file, &st) == -1 || st.st_ino != want.st_ino ||
	    st.st_size != want.st_size)
		return 0;
	fd = ukfs_open(u, file, O_RDONLY);
	if (fd == -1)
		return 0;
	ok = ukfs_pread(u, fd, buf, sizeof(buf), 0) ==
	    (want.st_size < (off_t)sizeof(buf) ? want.st_size
	                                       : (off_t)sizeof(buf));
	return ukfs_close(u, fd) == 0 && ok;
}

/* Two mounts in one thread: each keeps its own descriptors. */
static void
check_two_mounts(void)
{
	struct ukfs *u1 = mount_ro(), *u2 = mount_ro();
	struct stat st;
	char c;
	int fd1, fd2, ok = 1, i;

	if (u1 == NULL || u2 == NULL) {
		CHECK(0, "two mounts of one image");
		return;
	}
	fd1 = ukfs_open(u1, file, O_RDONLY);
	for (i = 0; i < 50 && ok; i++) {
		ok = ukfs_pread(u1, fd1, &c, 1, 0) == 1 &&
		    ukfs_stat(u2, file, &st) == 0 && file_ok(u2);
		fd2 = ukfs_open(u2, "/", O_RDONLY | O_DIRECTORY);
		ok = ok && fd2 != -1 && ukfs_close(u2, fd2) == 0;
	}
	CHECK(ok, "one thread alternating between two mounts");
	/* fd1 exists in u1's process only (u2 has closed what it opened) */
	CHECK(ukfs_fstat(u2, fd1, &st) == -1 && errno == EBADF,
	    "a descriptor of one mount is unknown to the other");
	CHECK(ukfs_fstat(u1, fd1, &st) == 0 && st.st_ino == want.st_ino,
	    "and still open in its own");
	CHECK(ukfs_release(u1, 0) == 0, "release of the first (a descriptor "
	                                "open, the thread on the other)");
	CHECK(file_ok(u2), "the second mount goes on");
	CHECK(ukfs_release(u2, 0) == 0, "release of the second");
}

/* --- workers that stay switched to a mount while it is released ---------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int phase, arrived;
static struct ukfs *ua, *ub, *uc;

static void
wait_phase(int p)
{
	pthread_mutex_lock(&lock);
	arrived++;
	pthread_cond_broadcast(&cv);
	while (phase < p)
		pthread_cond_wait(&cv, &lock);
	pthread_mutex_unlock(&lock);
}

/* Wait for every worker to reach its wait_phase(). */
static void
await_workers(void)
{
	pthread_mutex_lock(&lock);
	while (arrived < NWORKERS)
		pthread_cond_wait(&cv, &lock);
	arrived = 0;
	pthread_mutex_unlock(&lock);
}

static void
set_phase(int p)
{
	pthread_mutex_lock(&lock);
	phase = p;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&lock);
}

static void *
worker(void *arg)
{
	int *bad = arg, i;

	for (i = 0; i < 20; i++)
		if (!file_ok(ub) || !file_ok(ua))
			(*bad)++;
	/* last on ua: still switched to its process while main releases it */
	wait_phase(1);
	/* ua is gone; uc may sit at its address */
	for (i = 0; i < 20; i++)
		if (!file_ok(uc) || !file_ok(ub))
			(*bad)++;
	wait_phase(2);
	/* exit while switched to ub's process */
	return NULL;
}

static void
check_release_under_workers(void)
{
	pthread_t t[NWORKERS];
	int bad[NWORKERS] = {0}, i, nbad = 0;

	ua = mount_ro();
	ub = mount_ro();
	if (ua == NULL || ub == NULL) {
		CHECK(0, "mounts for the workers");
		return;
	}
	for (i = 0; i < NWORKERS; i++)
		pthread_create(&t[i], NULL, worker, &bad[i]);
	await_workers();
	CHECK(file_ok(ua), "main on the mount the workers are in");
	CHECK(ukfs_release(ua, 0) == 0,
	    "release while %d other threads are switched to its process",
	    NWORKERS);
	uc = mount_ro(); /* often at ua's old address */
	CHECK(uc != NULL && file_ok(uc), "a new mount after it%s",
	    uc == ua ? " (at the same address)" : "");
	set_phase(1);
	await_workers();
	set_phase(2);
	for (i = 0; i < NWORKERS; i++) {
		pthread_join(t[i], NULL);
		nbad += bad[i];
	}
	CHECK(nbad == 0, "%d workers x 2 mounts, before and after (%d bad)",
	    NWORKERS, nbad);
	CHECK(file_ok(ub), "main on the mount the workers exited in");
	CHECK(ukfs_release(ub, 0) == 0, "its release after the workers exited");
	CHECK(uc == NULL || ukfs_release(uc, 0) == 0, "the new mount's release");
}

/* A thread switched to a mount makes and releases another. */
static void *
mounter(void *arg)
{
	struct ukfs *u = arg, *n;
	int *ok = malloc(sizeof(*ok));

	*ok = file_ok(u) && (n = mount_ro()) != NULL && file_ok(n) &&
	    file_ok(u) && ukfs_release(n, 0) == 0 && file_ok(u);
	return ok;
}

static void
check_mount_from_bound_thread(void)
{
	struct ukfs *u = mount_ro();
	pthread_t t;
	void *rv = NULL;

	if (u == NULL) {
		CHECK(0, "mount");
		return;
	}
	pthread_create(&t, NULL, mounter, u);
	pthread_join(t, &rv);
	CHECK(rv != NULL && *(int *)rv,
	    "a thread in one mount's process mounts and releases another");
	free(rv);
	CHECK(file_ok(u) && ukfs_release(u, 0) == 0, "and the first goes on");
}

int
main(int argc, char **argv)
{
	struct ukfs *u;

	if (argc != 3) {
		fprintf(stderr, "usage: libukfs_bind IMAGE FILE\n");
		return 2;
	}
	image = argv[1];
	file = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((u = mount_ro()) == NULL || ukfs_stat(u, file, &want) == -1 ||
	    !S_ISREG(want.st_mode) || ukfs_release(u, 0) == -1) {
		fprintf(stderr, "libukfs_bind: %s: no regular file %s\n", image,
		    file);
		return 2;
	}
	check_two_mounts();
	check_release_under_workers();
	check_mount_from_bound_thread();
	if (failures != 0) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("all checks passed\n");
	return 0;
}
