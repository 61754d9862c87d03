/*
 * VFS corner cases that vfs_test.c's one-thread battery cannot reach:
 *  - times: 1969-12-31T23:59:59 (tv_sec -1) is a time like any other:
 *    it can be set, reads back, and needs the owner as any time does;
 *  - open(O_CREAT) without O_EXCL while other threads make and remove
 *    the same name never fails with EEXIST, and never enters it twice;
 *  - rename onto a name that other threads make and remove never leaves
 *    two entries of one name nor fails.
 * The races are run for a bounded number of rounds; each round checks
 * the directory by readdir (a name listed twice is a failure).
 *
 *   vfs_race_test [-R] [-n ROUNDS] FSTYPE [IMAGE]   (rumpfs needs no image)
 *
 * -R leaves the rename race out.
 */
#include <rump/rump.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NTHR 3

static const char *root;
static int rounds = 300;
static int nfail;
/* set by any thread to end the others (atomic: they poll it) */
static int stop;
#define STOPPED()  __atomic_load_n(&stop, __ATOMIC_RELAXED)
#define SETSTOP(v) __atomic_store_n(&stop, (v), __ATOMIC_RELAXED)

static void
fail(const char *what, int err)
{
	printf("FAIL %s (errno %d: %s)\n", what, err, strerror(err));
	nfail++;
}

static void
path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", root, name);
}

/* How often name is listed in dir; -1 when dir cannot be read. */
static int
count_name(const char *dir, const char *name)
{
	char buf[8192];
	int fd, off, count = 0;
	int64_t n;
	struct rump_dirent *d;

	if ((fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0)) < 0)
		return -1;
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < (int)n; off += d->d_reclen) {
			d = (struct rump_dirent *)(void *)(buf + off);
			if (d->d_reclen == 0)
				break;
			if (strcmp(d->d_name, name) == 0)
				count++;
		}
	}
	rump_sys_close(fd);
	return n < 0 ? -1 : count;
}

static void
t_time_minus_one(void)
{
	struct rump_timespec ts[2] = {{-1, 0}, {-1, 0}};
	struct rump_stat sb;
	char p[256];
	int fd;

	path(p, sizeof(p), "tm1");
	if ((fd = rump_sys_open(p, RUMP_O_WRONLY | RUMP_O_CREAT, 0644)) < 0) {
		fail("times: create", errno);
		return;
	}
	rump_sys_close(fd);
	if (rump_sys_utimensat(RUMP_AT_FDCWD, p, ts, 0) != 0)
		fail("times: utimensat(-1 s)", errno);
	else if (rump_sys_stat(p, &sb) != 0)
		fail("times: stat", errno);
	else if (sb.st_mtim.tv_sec != -1 || sb.st_atim.tv_sec != -1) {
		printf("FAIL times: -1 s set, read back atime %lld mtime %lld\n",
		    (long long)sb.st_atim.tv_sec, (long long)sb.st_mtim.tv_sec);
		nfail++;
	}
	/* -1 s is a time, so only the owner may set it */
	if (rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		fail("times: rfork", errno);
		return;
	}
	if (rump_sys_setuid(1000) != 0)
		fail("times: setuid", errno);
	else if (rump_sys_utimensat(RUMP_AT_FDCWD, p, ts, 0) == 0 ||
	    errno != EPERM)
		fail("times: a stranger set -1 s, wanted EPERM", errno);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(NULL);
	if (rump_sys_unlink(p) != 0)
		fail("times: unlink", errno);
}

/* --- open(O_CREAT) against others making and removing the name --------- */

static void *
creat_thread(void *arg)
{
	char p[256];
	int fd, i;

	path(p, sizeof(p), "race/c");
	for (i = 0; i < rounds * 4 && !STOPPED(); i++) {
		fd = rump_sys_open(p, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0) {
			fail("O_CREAT race: open", errno);
			SETSTOP(1);
			break;
		}
		rump_sys_close(fd);
		if (rump_sys_unlink(p) != 0 && errno != ENOENT) {
			fail("O_CREAT race: unlink", errno);
			SETSTOP(1);
		}
	}
	return arg;
}

static void
t_creat_race(void)
{
	pthread_t t[NTHR];
	char dir[256];
	int i, n;

	SETSTOP(0);
	path(dir, sizeof(dir), "race");
	if (rump_sys_mkdir(dir, 0755) != 0) {
		fail("O_CREAT race: mkdir", errno);
		return;
	}
	for (i = 0; i < NTHR; i++)
		pthread_create(&t[i], NULL, creat_thread, NULL);
	for (i = 0; i < NTHR; i++)
		pthread_join(t[i], NULL);
	n = count_name(dir, "c");
	if (n > 1) {
		printf("FAIL O_CREAT race: \"c\" listed %d times\n", n);
		nfail++;
	}
	path(dir, sizeof(dir), "race/c");
	for (; n > 0; n--)
		if (rump_sys_unlink(dir) != 0)
			break;
}

/* --- rename onto a name that others make and remove --------------------- */

static void *
rename_thread(void *arg)
{
	char a[256], b[256];
	int fd, i, id = (int)(intptr_t)arg;

	/* from another directory: the rename checks widen the window */
	snprintf(a, sizeof(a), "%s/race/s%d/src", root, id);
	path(b, sizeof(b), "race/dst");
	for (i = 0; i < rounds && !STOPPED(); i++) {
		fd = rump_sys_open(a, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0) {
			fail("rename race: create source", errno);
			SETSTOP(1);
			break;
		}
		rump_sys_close(fd);
		if (rump_sys_rename(a, b) != 0) {
			fail("rename race: rename", errno);
			SETSTOP(1);
		}
	}
	return arg;
}

static void *
churn_thread(void *arg)
{
	char b[256];
	int fd;

	path(b, sizeof(b), "race/dst");
	while (!STOPPED()) {
		fd = rump_sys_open(b, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL,
		    0644);
		if (fd >= 0)
			rump_sys_close(fd);
		else if (errno != EEXIST) {
			fail("rename race: O_EXCL create", errno);
			break;
		}
		if (rump_sys_unlink(b) != 0 && errno != ENOENT) {
			fail("rename race: unlink", errno);
			break;
		}
	}
	return arg;
}

static void
t_rename_race(void)
{
	pthread_t r[2], c;
	char dir[256], b[256];
	int i, n;

	SETSTOP(0);
	path(dir, sizeof(dir), "race");
	for (i = 0; i < 2; i++) {
		snprintf(b, sizeof(b), "%s/race/s%d", root, i);
		if (rump_sys_mkdir(b, 0755) != 0) {
			fail("rename race: mkdir", errno);
			return;
		}
	}
	path(b, sizeof(b), "race/dst");
	pthread_create(&c, NULL, churn_thread, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&r[i], NULL, rename_thread, (void *)(intptr_t)i);
	for (i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	SETSTOP(1);
	pthread_join(c, NULL);
	n = count_name(dir, "dst");
	if (n > 1) {
		printf("FAIL rename race: \"dst\" listed %d times\n", n);
		nfail++;
	}
	for (; n > 0; n--)
		if (rump_sys_unlink(b) != 0)
			break;
	for (i = 0; i < 2; i++) {
		snprintf(b, sizeof(b), "%s/race/s%d/src", root, i);
		rump_sys_unlink(b); /* left over when a round failed */
		snprintf(b, sizeof(b), "%s/race/s%d", root, i);
		if (rump_sys_rmdir(b) != 0)
			fail("rename race: rmdir", errno);
	}
	if (rump_sys_rmdir(dir) != 0)
		fail("rename race: rmdir (an entry left behind)", errno);
}

int
main(int argc, char **argv)
{
	struct rump_diskfs_args args;
	char b[256];
	const char *fstype, *image;
	bool norename = false;
	int c;

	while ((c = getopt(argc, argv, "n:R")) != -1) {
		if (c == 'n')
			rounds = atoi(optarg);
		else if (c == 'R')
			norename = true;
		else
			return 2;
	}
	if (optind >= argc || rounds <= 0) {
		fprintf(stderr, "usage: vfs_race_test [-R] [-n ROUNDS] FSTYPE [IMAGE]\n");
		return 2;
	}
	fstype = argv[optind];
	image = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (rump_init() != 0)
		return 1;
	if (image == NULL) {
		root = "/racetest";
		if (rump_sys_mkdir(root, 0755) != 0)
			return 1;
	} else {
		root = "/mnt";
		if (rump_sys_mkdir(root, 0755) != 0 ||
		    rump_pub_etfs_register("/dev/img", image, RUMP_ETFS_BLK, 0,
			RUMP_ETFS_SIZE_ENDOFF, 0) != 0) {
			perror("vfs_race_test: setup");
			return 1;
		}
		args.fspec = "/dev/img";
		args.options = NULL;
		if (rump_sys_mount(fstype, root, 0, &args, sizeof(args)) != 0) {
			perror("vfs_race_test: mount");
			return 1;
		}
	}
	t_time_minus_one();
	t_creat_race();
	if (!norename)
		t_rename_race();
	else {
		path(b, sizeof(b), "race");
		if (rump_sys_rmdir(b) != 0)
			fail("rmdir race (an entry left behind)", errno);
	}
	if (image != NULL && rump_sys_unmount(root, 0) != 0)
		fail("unmount", errno);
	printf("vfs_race_test %s: %s\n", fstype, nfail ? "FAILED" : "ok");
	return nfail ? 1 : 0;
}
