/*
 * Several threads change one read-write image at once: each creates,
 * writes, appends to, truncates, renames and removes files, in a
 * directory of its own and in one they share, while another thread
 * syncs now and then and the buffer cache is kept small.  Nothing may
 * hang or fail unexpectedly; at the end every thread's files must hold
 * what it wrote, and the image must pass the checker.  Any writable
 * file system (-f: ext2fs, ffs, msdos, ...).
 *
 *   mt_test [-f FSTYPE] [-t THREADS] [-n OPS] [-S USEC] [-N NAMES]
 *           [-c CHECKER] IMAGE
 *
 * -S: the pause between syncs (default 20000 us; 0 syncs back to back,
 * which races syncs against inode reuse in the shared directory).
 * -N: names in the shared directory (default 40; few make the threads
 * race for the same names: mkdir against create, rename onto them).
 */
#include <rump/rump.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MNT     "/mnt"
#define NFILES  24
#define MAXTHR  16
#define MAXSIZE (256 * 1024)

static const char *checker = "e2fsck -fn";
static const char *fstype = "ext2fs";
static int nops = 2000;
static int syncpause = 20000;
static int nshared = 40;
static int stop; /* atomic */
static int failures;

struct thr {
	pthread_t t;
	int id;
	uint64_t rng;
	uint8_t *data[NFILES]; /* what each file of ours holds */
	size_t size[NFILES];
};

static void
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static uint64_t
rnd(struct thr *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static void
path(char *buf, size_t len, struct thr *t, int f)
{
	snprintf(buf, len, MNT "/t%d/f%d", t->id, f);
}

static void
put(struct thr *t, int f, size_t off, size_t n, bool append)
{
	static __thread uint8_t buf[65536];
	char p[64];
	size_t k, need;
	int fd;

	if (append)
		off = t->size[f];
	for (k = 0; k < n; k++)
		buf[k] = (uint8_t)(rnd(t) >> 24);
	path(p, sizeof(p), t, f);
	fd = rump_sys_open(p,
	    RUMP_O_WRONLY | RUMP_O_CREAT | (append ? RUMP_O_APPEND : 0), 0644);
	if (fd < 0) {
		fail("open %s: %s", p, strerror(errno));
		return;
	}
	if ((append ? rump_sys_write(fd, buf, n)
	            : rump_sys_pwrite(fd, buf, n, (int64_t)off)) != (int64_t)n)
		fail("write %s: %s", p, strerror(errno));
	rump_sys_close(fd);
	need = off + n;
	if (need > t->size[f]) {
		t->data[f] = realloc(t->data[f], need);
		memset(t->data[f] + t->size[f], 0, need - t->size[f]);
		t->size[f] = need;
	}
	memcpy(t->data[f] + off, buf, n);
}

static void
shrink(struct thr *t, int f, size_t size)
{
	char p[64];
	int fd;

	path(p, sizeof(p), t, f);
	if ((fd = rump_sys_open(p, RUMP_O_WRONLY | RUMP_O_CREAT, 0644)) < 0 ||
	    rump_sys_ftruncate(fd, (int64_t)size) != 0)
		fail("truncate %s: %s", p, strerror(errno));
	if (fd >= 0)
		rump_sys_close(fd);
	if (size > t->size[f]) {
		t->data[f] = realloc(t->data[f], size);
		memset(t->data[f] + t->size[f], 0, size - t->size[f]);
	}
	t->size[f] = size;
}

/* Names in the shared directory come and go; only errors are checked. */
static void
shared(struct thr *t)
{
	char a[64], b[64];
	uint64_t r = rnd(t);
	int fd;

	snprintf(a, sizeof(a), MNT "/shared/s%d", (int)(r % (unsigned)nshared));
	snprintf(b, sizeof(b), MNT "/shared/s%d",
	    (int)((r >> 8) % (unsigned)nshared));
	switch ((r >> 16) % 4) {
	case 0:
		fd = rump_sys_open(a, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd >= 0) {
			(void)rump_sys_write(fd, a, 10);
			rump_sys_close(fd);
		} else if (errno != EISDIR)
			fail("create %s: %s", a, strerror(errno));
		break;
	case 1:
		/* a directory may have been renamed to this name */
		if (rump_sys_unlink(a) != 0 && errno != ENOENT &&
		    errno != EPERM)
			fail("unlink %s: %s", a, strerror(errno));
		break;
	case 2:
		/*
		 * EEXIST: the target was made after the VFS looked for it
		 * (it does not look again once it holds the locks).
		 */
		if (rump_sys_rename(a, b) != 0 && errno != ENOENT &&
		    errno != EEXIST && errno != EISDIR && errno != ENOTDIR &&
		    errno != ENOTEMPTY && errno != EINVAL)
			fail("rename %s: %s", a, strerror(errno));
		break;
	default:
		if (rump_sys_mkdir(a, 0755) != 0 && errno != EEXIST)
			fail("mkdir %s: %s", a, strerror(errno));
		else if (rump_sys_rmdir(a) != 0 && errno != ENOENT &&
		    errno != ENOTDIR && errno != ENOTEMPTY)
			fail("rmdir %s: %s", a, strerror(errno));
		break;
	}
}

static void *
worker(void *arg)
{
	struct thr *t = arg;
	char p[64], q[64];
	int i, f;

	for (i = 0; i < nops && __atomic_load_n(&failures, __ATOMIC_RELAXED) == 0; i++) {
		f = (int)(rnd(t) % NFILES);
		switch (rnd(t) % 8) {
		case 0:
		case 1:
			put(t, f, (size_t)(rnd(t) % MAXSIZE), 1 + rnd(t) % 9000,
			    false);
			break;
		case 2:
			put(t, f, 0, 1 + rnd(t) % 65536, true);
			break;
		case 3:
			shrink(t, f, (size_t)(rnd(t) % (t->size[f] + 1)));
			break;
		case 4: /* move it away and back */
			path(p, sizeof(p), t, f);
			snprintf(q, sizeof(q), MNT "/t%d/moved", t->id);
			if (t->size[f] > 0 &&
			    (rump_sys_rename(p, q) != 0 ||
			        rump_sys_rename(q, p) != 0))
				fail("rename %s: %s", p, strerror(errno));
			break;
		default:
			shared(t);
			break;
		}
	}
	return NULL;
}

static void *
syncer(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		rump_sys_sync();
		if (syncpause > 0)
			usleep((useconds_t)syncpause);
	}
	return NULL;
}

static void
verify(struct thr *t)
{
	static uint8_t buf[MAXSIZE + 65536 * 64];
	struct rump_stat st;
	char p[64];
	int f, fd;
	int64_t n;

	for (f = 0; f < NFILES; f++) {
		path(p, sizeof(p), t, f);
		if (rump_sys_stat(p, &st) != 0) {
			if (t->size[f] != 0 || t->data[f] != NULL)
				fail("%s: %s", p, strerror(errno));
			continue;
		}
		if ((size_t)st.st_size != t->size[f] ||
		    t->size[f] > sizeof(buf)) {
			fail("%s: %lld bytes, want %zu", p,
			    (long long)st.st_size, t->size[f]);
			continue;
		}
		fd = rump_sys_open(p, RUMP_O_RDONLY, 0);
		n = rump_sys_pread(fd, buf, t->size[f], 0);
		rump_sys_close(fd);
		if (n != (int64_t)t->size[f] ||
		    memcmp(buf, t->data[f], t->size[f]) != 0)
			fail("%s: contents differ", p);
	}
}

int
main(int argc, char **argv)
{
	struct rump_diskfs_args args = {"/dev/img", NULL};
	static struct thr thr[MAXTHR];
	pthread_t st;
	char cmd[1024], d[64];
	int nthr = 4, c, i;

	while ((c = getopt(argc, argv, "c:f:n:N:S:t:")) != -1) {
		if (c == 'c')
			checker = optarg;
		else if (c == 'f')
			fstype = optarg;
		else if (c == 'n')
			nops = atoi(optarg);
		else if (c == 'N')
			nshared = atoi(optarg) > 0 ? atoi(optarg) : 1;
		else if (c == 'S')
			syncpause = atoi(optarg);
		else if (c == 't')
			nthr = atoi(optarg) < MAXTHR ? atoi(optarg) : MAXTHR;
		else
			return 2;
	}
	if (argc - optind != 1) {
		fprintf(stderr,
		    "usage: mt_test [-f FSTYPE] [-t THREADS] [-n OPS] "
		    "[-S USEC] [-N NAMES] [-c CHECKER] IMAGE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rump_init() != 0 || rump_sys_mkdir(MNT, 0755) != 0 ||
	    rump_pub_etfs_register("/dev/img", argv[optind], RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF, 0) != 0 ||
	    rump_sys_mount(fstype, MNT, 0, &args, sizeof(args)) != 0) {
		perror("setup");
		return 1;
	}
	rump_sys_mkdir(MNT "/shared", 0755);
	for (i = 0; i < nthr; i++) {
		snprintf(d, sizeof(d), MNT "/t%d", i);
		rump_sys_mkdir(d, 0755);
		thr[i].id = i;
		thr[i].rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
	}
	pthread_create(&st, NULL, syncer, NULL);
	for (i = 0; i < nthr; i++)
		pthread_create(&thr[i].t, NULL, worker, &thr[i]);
	for (i = 0; i < nthr; i++)
		pthread_join(thr[i].t, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(st, NULL);
	if (rump_sys_unmount(MNT, 0) != 0) {
		fail("unmount: %s", strerror(errno));
		return 1;
	}
	if (rump_sys_mount(
	        fstype, MNT, RUMP_MNT_RDONLY, &args, sizeof(args)) != 0) {
		fail("mount again: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < nthr; i++)
		verify(&thr[i]);
	rump_sys_unmount(MNT, 0);
	snprintf(
	    cmd, sizeof(cmd), "%s '%s' >/dev/null 2>&1", checker, argv[optind]);
	if (system(cmd) != 0) {
		fail("%s finds problems", checker);
		/* what it found, for the log (its first lines) */
		snprintf(cmd, sizeof(cmd), "%s '%s' 2>&1 | head -20 >&2",
		    checker, argv[optind]);
		if (system(cmd) != 0) {
			/* it fails again: its report is what we wanted */
		}
	}
	if (failures == 0)
		printf("mt_test: %s, %d threads, %d operations each: all "
		       "files intact, %s clean\n",
		    fstype, nthr, nops, checker);
	return failures ? 1 : 0;
}
