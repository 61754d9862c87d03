/*
 * ffs write tests through the public rump interface: newfs, then
 * operations whose results are checked against a model, and the image's
 * own check (vfs_fsck) after each test.
 *
 *   ffs_write_test [-v] [-o NEWFS-OPTIONS] [-r SEED] [-s MiB] [-t TEST] IMAGE
 *
 * IMAGE is made (or truncated) to the size given by -s (default 32 MiB).
 * Tests:
 *   fill     write files of many sizes until ENOSPC, then remove them:
 *            free counts go back exactly; inodes run out the same way
 *   random   random writes, appends and truncates on a few files
 *            (fragments grow, move and shrink), compared with a model
 *   sparse   data in the direct, single, double and triple indirect
 *            ranges of one sparse file; truncate back step by step
 *   bigdir   20000 names in one directory: create, look up, remove
 *            half, list, remove the rest
 *   threads  four threads writing, renaming and removing at once
 */
#include <rump/rump.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int verbose;
static int nfail;
static const char *image;
static const char *newfs_opts = "";
static uint64_t imgsize = 32 << 20;
static uint32_t seedopt; /* -r: replay a seed of the random test */

#define FAIL(...)                                                              \
	do {                                                                   \
		printf("FAIL: " __VA_ARGS__);                                  \
		printf("\n");                                                  \
		nfail++;                                                       \
	} while (0)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
do_mount(void)
{
	struct rump_diskfs_args args = {"/dev/ffsimg", NULL};

	if (rump_sys_mount("ffs", "/mnt", 0, &args, sizeof(args)) != 0) {
		FAIL("mount: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
do_unmount(void)
{
	if (rump_sys_unmount("/mnt", 0) != 0) {
		FAIL("unmount: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Run the file system's check; print what it says. */
static void
check(const char *when)
{
	static char report[65536];
	int n = -1, error;

	error = rump_pub_vfs_fsck(
	    "ffs", "/dev/ffsimg", "", report, sizeof(report), &n);
	if (error != 0)
		FAIL("%s: fsck: %s", when, strerror(error));
	else if (n != 0)
		FAIL("%s: fsck found %d problems:\n%s", when, n, report);
	else if (verbose)
		printf("  %s: fsck clean\n", when);
}

/* A fresh file system, with the -o options and these. */
static int
newfs_with(const char *more)
{
	char opts[512];
	int error;

	(void)rump_sys_unmount("/mnt", RUMP_MNT_FORCE); /* after a failure */
	snprintf(opts, sizeof(opts), "%s%s%s", newfs_opts,
	    newfs_opts[0] && more[0] ? "," : "", more);
	error = rump_pub_vfs_newfs("ffs", "/dev/ffsimg", opts);
	if (error != 0)
		FAIL("newfs %s: %s", opts, strerror(error));
	return error ? -1 : 0;
}

static int
newfs(void)
{
	return newfs_with("");
}

static void
fill_pattern(uint8_t *buf, size_t len, uint64_t off, unsigned tag)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] =
		    (uint8_t)((off + i) * 131 + tag * 7 + ((off + i) >> 9));
}

static int
statfs(struct rump_statvfs *sv)
{
	if (rump_sys_statvfs("/mnt", sv) != 0) {
		FAIL("statvfs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Write until the file system is full, remove everything, compare. */
static void
t_fill(void)
{
	static const size_t sizes[] = {
	    1, 511, 1024, 3000, 8192, 12288, 100000, 300000, 1 << 20};
	static uint8_t buf[1 << 20];
	struct rump_statvfs before, full, after;
	char path[64];
	int fd, i, nfiles = 0, nempty = 0;
	int64_t w;
	bool nospace = false;

	if (newfs() || do_mount() || statfs(&before))
		return;
	for (i = 0; !nospace; i++) {
		size_t sz = sizes[i % (int)(sizeof(sizes) / sizeof(sizes[0]))];
		snprintf(path, sizeof(path), "/mnt/f%05d", i);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0) {
			if (errno != ENOSPC)
				FAIL("create %s: %s", path, strerror(errno));
			break;
		}
		nfiles++;
		fill_pattern(buf, sz, 0, (unsigned)i);
		w = rump_sys_write(fd, buf, sz);
		if (w < 0 && errno != ENOSPC)
			FAIL("write %s: %s", path, strerror(errno));
		if (w != (int64_t)sz)
			nospace = true;
		rump_sys_close(fd);
	}
	if (statfs(&full))
		return;
	if (verbose)
		printf("  fill: %d files, %llu of %llu fragments free\n",
		    nfiles, (unsigned long long)full.f_bfree,
		    (unsigned long long)before.f_bfree);
	if (full.f_bfree > before.f_bfree / 50)
		FAIL("fill: ENOSPC with %llu of %llu fragments free",
		    (unsigned long long)full.f_bfree,
		    (unsigned long long)before.f_bfree);
	/* what was written must read back */
	for (i = 0; i < nfiles; i += 7) {
		size_t sz = sizes[i % (int)(sizeof(sizes) / sizeof(sizes[0]))];
		struct rump_stat sb;
		snprintf(path, sizeof(path), "/mnt/f%05d", i);
		if (rump_sys_stat(path, &sb) != 0 || sb.st_size > (int64_t)sz) {
			FAIL("fill: stat %s", path);
			continue;
		}
		fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
		w = rump_sys_read(fd, buf, sz);
		rump_sys_close(fd);
		if (w != sb.st_size) {
			FAIL("fill: read %s: %lld", path, (long long)w);
			continue;
		}
		{
			static uint8_t want[1 << 20];
			fill_pattern(want, (size_t)w, 0, (unsigned)i);
			if (memcmp(want, buf, (size_t)w) != 0)
				FAIL("fill: %s reads back wrong", path);
		}
	}
	do_unmount();
	check("fill, full");
	if (do_mount())
		return;
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "/mnt/f%05d", i);
		if (rump_sys_unlink(path) != 0)
			FAIL("unlink %s: %s", path, strerror(errno));
	}
	if (statfs(&after))
		return;
	if (after.f_bfree != before.f_bfree || after.f_ffree != before.f_ffree)
		FAIL("fill: free counts %llu/%llu after, %llu/%llu before",
		    (unsigned long long)after.f_bfree,
		    (unsigned long long)after.f_ffree,
		    (unsigned long long)before.f_bfree,
		    (unsigned long long)before.f_ffree);
	/* now run out of inodes */
	for (i = 0;; i++) {
		snprintf(path, sizeof(path), "/mnt/e%06d", i);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0) {
			if (errno != ENOSPC)
				FAIL("create %s: %s", path, strerror(errno));
			break;
		}
		rump_sys_close(fd);
		nempty++;
	}
	if (statfs(&full))
		return;
	if (full.f_ffree > 2)
		FAIL("inodes: ENOSPC with %llu inodes free",
		    (unsigned long long)full.f_ffree);
	do_unmount();
	check("inodes, full");
	if (do_mount())
		return;
	for (i = 0; i < nempty; i++) {
		snprintf(path, sizeof(path), "/mnt/e%06d", i);
		if (rump_sys_unlink(path) != 0)
			FAIL("unlink %s: %s", path, strerror(errno));
	}
	if (statfs(&after) == 0 &&
	    (after.f_bfree != before.f_bfree ||
	        after.f_ffree != before.f_ffree))
		FAIL("inodes: free counts %llu/%llu after, %llu/%llu before",
		    (unsigned long long)after.f_bfree,
		    (unsigned long long)after.f_ffree,
		    (unsigned long long)before.f_bfree,
		    (unsigned long long)before.f_ffree);
	if (verbose)
		printf("  inodes: %d empty files\n", nempty);
	do_unmount();
	check("fill, emptied");
}

#define RFILES   4
#define RMAXSIZE (600 * 1024)

static uint32_t rnd_state;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Random writes, appends and truncates against a model of each file. */
static void
t_random(void)
{
	static uint8_t model[RFILES][RMAXSIZE], buf[RMAXSIZE];
	size_t size[RFILES] = {0};
	char path[64];
	int op, f, fd, round;
	uint64_t off, len;
	int64_t got;
	uint32_t seed = seedopt ? seedopt : (uint32_t)time(NULL);

	rnd_state = seed | 1;
	if (newfs() || do_mount())
		return;
	for (f = 0; f < RFILES; f++) {
		snprintf(path, sizeof(path), "/mnt/r%d", f);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		rump_sys_close(fd);
	}
	for (op = 0; op < 3000; op++) {
		f = (int)(rnd() % RFILES);
		snprintf(path, sizeof(path), "/mnt/r%d", f);
		switch (rnd() % 4) {
		case 0: /* small write near the end: fragments grow */
		case 1:
			off = size[f] > 0
			    ? size[f] - rnd() % (size[f] + 1) / (1 + rnd() % 8)
			    : 0;
			len = 1 + rnd() % (rnd() % 3 ? 3000 : 70000);
			if (off + len > RMAXSIZE)
				len = RMAXSIZE - off;
			if (len == 0)
				break;
			fill_pattern(buf, (size_t)len, off, (unsigned)op);
			fd = rump_sys_open(path, RUMP_O_WRONLY, 0);
			got =
			    rump_sys_pwrite(fd, buf, (size_t)len, (int64_t)off);
			rump_sys_close(fd);
			if (got != (int64_t)len) {
				FAIL("random %u: op %d: pwrite %s: %s", seed,
				    op, path, strerror(errno));
				return;
			}
			if (off > size[f])
				memset(model[f] + size[f], 0, off - size[f]);
			memcpy(model[f] + off, buf, (size_t)len);
			if (off + len > size[f])
				size[f] = (size_t)(off + len);
			break;
		case 2: /* truncate, down or up */
			len = rnd() % 3 ? rnd() % (size[f] + 1)
			                : rnd() % RMAXSIZE;
			if (rump_sys_truncate(path, (int64_t)len) != 0) {
				FAIL("random %u: op %d: truncate %s: %s", seed,
				    op, path, strerror(errno));
				return;
			}
			if (len > size[f])
				memset(model[f] + size[f], 0, len - size[f]);
			size[f] = (size_t)len;
			break;
		case 3: /* append */
			len = 1 + rnd() % 5000;
			if (size[f] + len > RMAXSIZE)
				break;
			fill_pattern(buf, (size_t)len, size[f], (unsigned)op);
			fd = rump_sys_open(
			    path, RUMP_O_WRONLY | RUMP_O_APPEND, 0);
			got = rump_sys_write(fd, buf, (size_t)len);
			rump_sys_close(fd);
			if (got != (int64_t)len) {
				FAIL("random %u: op %d: append: %s", seed, op,
				    strerror(errno));
				return;
			}
			memcpy(model[f] + size[f], buf, (size_t)len);
			size[f] += (size_t)len;
			break;
		}
		if (op % 100 != 99)
			continue;
		if (op % 1000 == 999) {
			/* through the disk, not just the cache */
			do_unmount();
			if (do_mount())
				return;
		}
		for (round = 0; round < RFILES; round++) {
			snprintf(path, sizeof(path), "/mnt/r%d", round);
			fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
			got = rump_sys_read(fd, buf, RMAXSIZE);
			rump_sys_close(fd);
			if (got != (int64_t)size[round] ||
			    memcmp(buf, model[round], size[round]) != 0) {
				size_t k = 0;
				while (k < size[round] &&
				    buf[k] == model[round][k])
					k++;
				FAIL("random %u: after op %d: %s differs "
				     "(%lld bytes, %zu expected, first at %zu)",
				    seed, op, path, (long long)got, size[round],
				    k);
				return;
			}
		}
	}
	do_unmount();
	check("random");
}

static void
mark(char *buf, size_t len, int64_t off)
{
	memset(buf, 0, len);
	snprintf(buf, len, "data at %lld", (long long)off);
}

/* One file with data at each level of the block map. */
static void
t_sparse(void)
{
	struct rump_statvfs sv;
	static const int64_t offs[] = {0, 5000, 100000, 5 << 20, 300 << 20,
	    (int64_t)5 << 30, (int64_t)70 << 30};
	char buf[100], back[100];
	int fd, i, n = (int)(sizeof(offs) / sizeof(offs[0]));
	int64_t got;

	if (newfs() || do_mount() || statfs(&sv))
		return;
	fd = rump_sys_open("/mnt/sparse", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	for (i = 0; i < n; i++) {
		mark(buf, sizeof(buf), offs[i]);
		got = rump_sys_pwrite(fd, buf, sizeof(buf), offs[i]);
		if (got != sizeof(buf)) {
			if (errno == EFBIG && i > 0)
				break; /* past what this geometry maps */
			FAIL("sparse: pwrite at %lld: %s", (long long)offs[i],
			    strerror(errno));
			break;
		}
	}
	n = i;
	rump_sys_close(fd);
	do_unmount();
	check("sparse, written");
	if (do_mount())
		return;
	fd = rump_sys_open("/mnt/sparse", RUMP_O_RDWR, 0);
	for (i = 0; i < n; i++) {
		mark(buf, sizeof(buf), offs[i]);
		got = rump_sys_pread(fd, back, sizeof(back), offs[i]);
		if (got != sizeof(back) || memcmp(buf, back, sizeof(buf)) != 0)
			FAIL("sparse: data at %lld reads back wrong before "
			     "truncation: %lld %.20s",
			    (long long)offs[i], (long long)got, back);
	}
	for (i = n - 1; i >= 0; i--) {
		mark(buf, sizeof(buf), offs[i]);
		got = rump_sys_pread(fd, back, sizeof(back), offs[i]);
		if (got != sizeof(back) || memcmp(buf, back, sizeof(buf)) != 0)
			FAIL("sparse: data at %lld reads back wrong",
			    (long long)offs[i]);
		got = rump_sys_pread(fd, back, sizeof(back), offs[i] + 4096);
		if (rump_sys_ftruncate(fd, offs[i] + 50) != 0)
			FAIL("sparse: truncate to %lld: %s",
			    (long long)offs[i] + 50, strerror(errno));
	}
	rump_sys_close(fd);
	do_unmount();
	check("sparse, truncated");
	if (do_mount())
		return;
	rump_sys_unlink("/mnt/sparse");
	{
		struct rump_statvfs sv2;
		if (statfs(&sv2) == 0 && sv2.f_bfree != sv.f_bfree)
			FAIL("sparse: %llu fragments free after, %llu before",
			    (unsigned long long)sv2.f_bfree,
			    (unsigned long long)sv.f_bfree);
	}
	do_unmount();
	check("sparse, removed");
}

/* Many names in one directory. */
static void
t_bigdir(void)
{
	char path[128], buf[8192];
	struct rump_stat sb;
	int i, fd, n = 20000, count = 0;
	int64_t got, off;
	double t0;

	if (newfs_with("density=1024") || do_mount())
		return;
	rump_sys_mkdir("/mnt/big", 0755);
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/mnt/big/name-%d-%s", i,
		    i % 3 ? "short" : "a-somewhat-longer-name-for-variety");
		fd = rump_sys_open(
		    path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL, 0644);
		if (fd < 0) {
			FAIL("bigdir: create %s: %s", path, strerror(errno));
			return;
		}
		rump_sys_close(fd);
	}
	if (verbose)
		printf("  bigdir: %d creates in %.2f s\n", n, now() - t0);
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/mnt/big/name-%d-%s", i,
		    i % 3 ? "short" : "a-somewhat-longer-name-for-variety");
		if (rump_sys_lstat(path, &sb) != 0) {
			FAIL("bigdir: lstat %s: %s", path, strerror(errno));
			return;
		}
	}
	if (verbose)
		printf("  bigdir: %d lookups in %.2f s\n", n, now() - t0);
	for (i = 0; i < n; i += 2) {
		snprintf(path, sizeof(path), "/mnt/big/name-%d-%s", i,
		    i % 3 ? "short" : "a-somewhat-longer-name-for-variety");
		if (rump_sys_unlink(path) != 0)
			FAIL("bigdir: unlink %s: %s", path, strerror(errno));
	}
	/* reuse the holes: new names fill the freed space */
	for (i = 0; i < n / 4; i++) {
		snprintf(path, sizeof(path), "/mnt/big/new-%d", i);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0)
			FAIL("bigdir: create %s: %s", path, strerror(errno));
		else
			rump_sys_close(fd);
	}
	fd = rump_sys_open("/mnt/big", RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	while ((got = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < got;) {
			struct rump_dirent *d = (void *)(buf + off);
			off += d->d_reclen;
			count++;
		}
	rump_sys_close(fd);
	if (count != n / 2 + n / 4 + 2)
		FAIL("bigdir: %d entries listed, %d expected", count,
		    n / 2 + n / 4 + 2);
	do_unmount();
	check("bigdir");
	if (do_mount())
		return;
	for (i = 1; i < n; i += 2) {
		snprintf(path, sizeof(path), "/mnt/big/name-%d-%s", i,
		    i % 3 ? "short" : "a-somewhat-longer-name-for-variety");
		if (rump_sys_unlink(path) != 0)
			FAIL("bigdir: unlink %s: %s", path, strerror(errno));
	}
	for (i = 0; i < n / 4; i++) {
		snprintf(path, sizeof(path), "/mnt/big/new-%d", i);
		if (rump_sys_unlink(path) != 0)
			FAIL("bigdir: unlink %s: %s", path, strerror(errno));
	}
	if (rump_sys_stat("/mnt/big", &sb) != 0 || sb.st_size != 512)
		FAIL("bigdir: empty directory has %lld bytes",
		    (long long)sb.st_size);
	if (rump_sys_rmdir("/mnt/big") != 0)
		FAIL("bigdir: rmdir: %s", strerror(errno));
	do_unmount();
	check("bigdir, removed");
}

#define NTHREADS 4

static int thread_errors;

static void
thread_fail(const char *what, const char *path)
{
	if (__atomic_add_fetch(&thread_errors, 1, __ATOMIC_RELAXED) <= 5)
		printf("  threads: %s %s: %s\n", what, path, strerror(errno));
}

/* One thread's share: files of its own and in a shared directory. */
static void *
thread_main(void *arg)
{
	static uint8_t bufs[NTHREADS][70000];
	int id = (int)(intptr_t)arg, i, fd;
	uint8_t *buf = bufs[id];
	char path[64], to[64];
	uint32_t r = (uint32_t)id * 2654435761u | 1;
	size_t len;

	for (i = 0; i < 400; i++) {
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		len = r % 3 ? r % 5000 : r % 70000;
		snprintf(path, sizeof(path), "/mnt/%s/t%d-%d",
		    i % 2 ? "shared" : (id % 2 ? "a" : "b"), id, i % 37);
		fill_pattern(buf, len, 0, (unsigned)i);
		fd = rump_sys_open(
		    path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
		if (fd < 0 || rump_sys_write(fd, buf, len) != (int64_t)len) {
			thread_fail(fd < 0 ? "open" : "write", path);
			if (fd >= 0)
				rump_sys_close(fd);
			continue;
		}
		rump_sys_close(fd);
		snprintf(to, sizeof(to), "/mnt/shared/moved-%d-%d", id, i % 11);
		if (r % 5 == 0) {
			if (rump_sys_rename(path, to) != 0)
				thread_fail("rename", path);
		} else if (r % 7 == 0 && rump_sys_unlink(path) != 0)
			thread_fail("unlink", path);
		if (r % 13 == 0) {
			snprintf(to, sizeof(to), "/mnt/shared/d%d", id);
			rump_sys_mkdir(to, 0755);
			rump_sys_rmdir(to);
		}
	}
	return NULL;
}

/* Several threads changing the file system at once. */
static void
t_threads(void)
{
	pthread_t th[NTHREADS];
	int i;

	if (newfs() || do_mount())
		return;
	rump_sys_mkdir("/mnt/shared", 0755);
	rump_sys_mkdir("/mnt/a", 0755);
	rump_sys_mkdir("/mnt/b", 0755);
	thread_errors = 0;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, thread_main, (void *)(intptr_t)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	if (thread_errors != 0)
		FAIL("threads: %d operations failed", thread_errors);
	do_unmount();
	check("threads");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
    {"fill", t_fill},
    {"random", t_random},
    {"sparse", t_sparse},
    {"bigdir", t_bigdir},
    {"threads", t_threads},
};

int
main(int argc, char **argv)
{
	const char *only = NULL;
	size_t i;
	int c, fd;

	while ((c = getopt(argc, argv, "o:r:s:t:v")) != -1) {
		switch (c) {
		case 'r':
			seedopt = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			newfs_opts = optarg;
			break;
		case 's':
			imgsize = strtoull(optarg, NULL, 0) << 20;
			break;
		case 't':
			only = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr,
		    "usage: ffs_write_test [-v] [-o newfs-options] "
		    "[-s MiB] [-t test] image\n");
		return 2;
	}
	image = argv[optind];
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)imgsize) != 0) {
		perror(image);
		return 1;
	}
	close(fd);
	if (rump_init() != 0 || rump_sys_mkdir("/mnt", 0755) != 0 ||
	    rump_pub_etfs_register("/dev/ffsimg", image, RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF, 0) != 0) {
		perror("setup");
		return 1;
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (only != NULL && strcmp(only, tests[i].name) != 0)
			continue;
		c = nfail;
		tests[i].fn();
		printf("%s %s (%s)\n", nfail == c ? "ok  " : "FAIL",
		    tests[i].name, newfs_opts);
	}
	return nfail ? 1 : 0;
}
