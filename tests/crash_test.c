/*
 * Crash safety: a writer is cut off at a random moment, either killed
 * (SIGKILL) or, with -p, by a simulated power loss (the hypercall layer
 * drops every image write after the Nth, N random: UKFS_FAULT_WRITES);
 * the image must then be repairable by the checker, and every file the
 * writer had fsync'd before the cut must be intact.
 *
 *   crash_test [-dp] [-o OPTS] [-s SEED] [-r ROUNDS] [-w MAXWRITES] [-f FSTYPE]
 *              [-c REPAIR] [-C CHECK] IMAGE LOG
 *
 * -F: the writer mounts with MNT_FORCE (for a file system whose checker
 * cannot repair, so that an image marked unclean is mounted again).
 *
 * Each round forks a writer that mounts the image and, in a few
 * directories, creates files of random sizes, writes them, fsyncs them and
 * then appends their number and size to LOG (a host file, fsync'd);
 * between those it makes a mess that is never fsync'd (scratch files
 * written, renamed, truncated, removed).  The parent kills it after a
 * random delay (with -p: the writer stops a little after the cut, or is
 * killed if it never comes), runs CHECK once to count the images left
 * clean by the cut, then REPAIR (default "e2fsck -fy", status 0 or 1), then
 * CHECK (default "e2fsck -fn", status 0), and in another child mounts the
 * image read-only and reads every logged file back.  The next writer
 * first removes the files checked, so that the image does not fill up.
 * IMAGE.crashed keeps the image as the last kill left it.
 *
 * -d: the scratch work is mostly directory operations (hard links,
 * renames of files and of directories between parents, mkdir, rmdir,
 * symlinks, files made in subdirectories, a removed file kept open),
 * more of it between fsyncs.
 */
#include <rump/rump.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MNT   "/mnt"
#define NDIRS 4
#define MAXSZ (700 * 1024)

static const char *fstype = "ext2fs";
static const char *repair = "e2fsck -fy";
static const char *check = "e2fsck -fn";
static const char *image, *logpath;
static char markpath[1024]; /* made when the power goes (-p) */
static bool power;
static bool dirheavy; /* -d: the scratch work is mostly name changes */
static const char *wopts; /* -o: the writer's mount options */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	return x ^ (x >> 33);
}

/* File id's bytes: a function of the id and the offset. */
static void
pattern(uint8_t *buf, size_t n, uint64_t id, uint64_t off)
{
	size_t k;
	uint64_t w = 0;

	for (k = 0; k < n; k++) {
		if (k == 0 || ((off + k) & 7) == 0)
			w = mix(id * 1000003 + ((off + k) >> 3));
		buf[k] = (uint8_t)(w >> (((off + k) & 7) * 8));
	}
}

static void
boot(int flags)
{
	struct rump_diskfs_args args = {"/dev/img", NULL};

	if (!(flags & RUMP_MNT_RDONLY))
		args.options = wopts;

	if (rump_init() != 0 || rump_sys_mkdir(MNT, 0755) != 0 ||
	    rump_pub_etfs_register("/dev/img", image, RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF,
	        (flags & RUMP_MNT_RDONLY) ? RUMP_ETFS_RDONLY : 0) != 0)
		die("setup: %s", strerror(errno));
	if (rump_sys_mount(fstype, MNT, flags, &args, sizeof(args)) != 0)
		die("mount: %s", strerror(errno));
}

static int
write_file(const char *path, uint64_t id, size_t size, bool sync)
{
	static uint8_t buf[65536];
	size_t off, n;
	int fd;

	fd = rump_sys_open(
	    path, RUMP_O_CREAT | RUMP_O_TRUNC | RUMP_O_WRONLY, 0644);
	if (fd < 0)
		return -1;
	for (off = 0; off < size; off += n) {
		n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		pattern(buf, n, id, off);
		if (rump_sys_pwrite(fd, buf, n, (int64_t)off) != (int64_t)n) {
			rump_sys_close(fd);
			return -1;
		}
	}
	if (sync && rump_sys_fsync(fd) != 0) {
		rump_sys_close(fd);
		return -1;
	}
	return rump_sys_close(fd);
}

/*
 * Is the file system getting full?  A full one is no test of ours: e2fsck
 * may then fail to rebuild directories it wants to optimise.
 */
static bool
low_space(void)
{
	struct rump_statvfs sv;

	if (rump_sys_statvfs(MNT, &sv) != 0)
		return true;
	return sv.f_bavail < sv.f_blocks / 4;
}

/* Scratch name changes that are never synced (-d). */
static void
mess_dirs(uint64_t r, const char *a, const char *b)
{
	static int held = -1; /* a removed file kept open across fsyncs */
	char m[64], n[80];

	snprintf(m, sizeof(m), MNT "/d%d/m%d", (int)((r >> 44) % NDIRS),
	    (int)((r >> 48) % 6));
	snprintf(n, sizeof(n), MNT "/d%d/m%d", (int)((r >> 52) % NDIRS),
	    (int)((r >> 56) % 6));
	switch ((r >> 32) % 9) {
	case 0:
		(void)rump_sys_link(a, b);
		break;
	case 8:
		/* an open file loses its last name: the crash must not
		 * leave it allocated */
		if (held >= 0)
			rump_sys_close(held);
		held = rump_sys_open(a, RUMP_O_RDWR, 0);
		if (held >= 0) {
			(void)rump_sys_unlink(a);
			(void)rump_sys_pwrite(held, "held", 4, 70000);
		}
		break;
	case 1:
		(void)rump_sys_mkdir(m, 0755);
		break;
	case 2:
		(void)rump_sys_rmdir(m);
		break;
	case 3:
		/* a directory to another parent: ".." and link counts */
		(void)rump_sys_rename(m, n);
		break;
	case 4:
		(void)rump_sys_symlink(a, b);
		break;
	case 5:
		/* a file into a subdirectory and out again */
		snprintf(n, sizeof(n), "%.60s/x%d", m, (int)((r >> 8) % 4));
		if ((r >> 40) & 1)
			(void)write_file(n, r, (size_t)((r >> 41) % 9000),
			    false);
		else
			(void)rump_sys_rename(n, a);
		break;
	case 6:
		(void)rump_sys_rename(a, b);
		break;
	default:
		(void)rump_sys_unlink(a);
		break;
	}
}

/* Scratch work that is never synced. */
static void
mess(uint64_t *rng)
{
	char a[64], b[64];
	uint64_t r = *rng = mix(*rng);
	int fd;

	snprintf(a, sizeof(a), MNT "/d%d/s%d", (int)(r % NDIRS),
	    (int)((r >> 8) % 20));
	snprintf(b, sizeof(b), MNT "/d%d/s%d", (int)((r >> 16) % NDIRS),
	    (int)((r >> 24) % 20));
	if (dirheavy && (r >> 60) % 4 != 0) {
		mess_dirs(r, a, b);
		return;
	}
	switch ((r >> 32) % 5) {
	case 0:
	case 1:
		(void)write_file(
		    a, r, (size_t)((r >> 40) % (MAXSZ / 4)), false);
		break;
	case 2:
		(void)rump_sys_rename(a, b);
		break;
	case 3:
		fd = rump_sys_open(a, RUMP_O_WRONLY, 0);
		if (fd >= 0) {
			(void)rump_sys_ftruncate(
			    fd, (int64_t)((r >> 40) % 5000));
			rump_sys_close(fd);
		}
		break;
	default:
		(void)rump_sys_unlink(a);
		break;
	}
}

/* The last round's files were checked: they make room for this one's. */
static void
clear_old(void)
{
	char dir[32], path[300], buf[8192];
	int64_t got, off;
	int d, fd;

	for (d = 0; d < NDIRS; d++) {
		snprintf(dir, sizeof(dir), MNT "/d%d", d);
		if ((fd = rump_sys_open(
		         dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0)) < 0)
			continue;
		while ((got = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
			for (off = 0; off < got;) {
				struct rump_dirent *de = (void *)(buf + off);

				off += de->d_reclen;
				if (de->d_name[0] != 'f')
					continue;
				snprintf(path, sizeof(path), "%s/%.255s", dir,
				    de->d_name);
				(void)rump_sys_unlink(path);
			}
		}
		rump_sys_close(fd);
	}
}

static void __attribute__((noreturn)) writer(uint64_t seed, uint64_t firstid)
{
	char path[64], line[64];
	uint64_t rng = seed, id;
	size_t size;
	int d, logfd, k;

	boot(0);
	int after = -1; /* -p: operations left after the cut */
	for (d = 0; d < NDIRS; d++) {
		snprintf(path, sizeof(path), MNT "/d%d", d);
		(void)rump_sys_mkdir(path, 0755);
	}
	clear_old();
	logfd = open(logpath, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (logfd < 0)
		die("%s: %s", logpath, strerror(errno));
	for (id = firstid;; id++) {
		if (power && after < 0 && access(markpath, F_OK) == 0) {
			int null = open("/dev/null", O_WRONLY);

			after = 20;
			/* what the kernel now reads back is stale (its writes
			 * are dropped): its complaints are noise */
			if (null >= 0) {
				(void)dup2(null, STDERR_FILENO);
				close(null);
			}
		}
		if (after == 0)
			_exit(0); /* the power is gone: no unmount */
		if (after > 0)
			after--;
		for (k = (int)(mix(rng ^ id) % (dirheavy ? 12 : 4)); k > 0;
		     k--)
			mess(&rng);
		rng = mix(rng);
		if (low_space()) {
			/* make room: the scratch files go */
			for (k = 0; k < 20 * NDIRS; k++) {
				snprintf(path, sizeof(path), MNT "/d%d/s%d",
				    k % NDIRS, k / NDIRS);
				(void)rump_sys_unlink(path);
			}
			if (low_space())
				usleep(2000);
			continue;
		}
		size = (size_t)(rng % 16 == 0 ? rng % MAXSZ : rng % 16000);
		snprintf(path, sizeof(path), MNT "/d%d/f%llu",
		    (int)(id % NDIRS), (unsigned long long)id);
		if (write_file(path, id, size, true) != 0)
			continue; /* e.g. full: not logged */
		/* Only an fsync that returned before the cut counts. */
		if (power && access(markpath, F_OK) == 0)
			continue;
		snprintf(line, sizeof(line), "%llu %zu\n",
		    (unsigned long long)id, size);
		if (write(logfd, line, strlen(line)) != (ssize_t)strlen(line) ||
		    fsync(logfd) != 0)
			die("log: %s", strerror(errno));
	}
}

/* Read back every logged file; the checker ran already. */
static void __attribute__((noreturn)) verifier(void)
{
	static uint8_t buf[65536], want[65536];
	unsigned long long id;
	char path[64];
	size_t size, off, n;
	int fd, nok = 0;
	FILE *f;

	boot(RUMP_MNT_RDONLY);
	if ((f = fopen(logpath, "r")) == NULL)
		exit(0);
	while (fscanf(f, "%llu %zu", &id, &size) == 2) {
		snprintf(path, sizeof(path), MNT "/d%d/f%llu",
		    (int)(id % NDIRS), id);
		fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
		if (fd < 0)
			die("fsync'd file f%llu is gone: %s", id,
			    strerror(errno));
		for (off = 0; off < size; off += n) {
			n = size - off < sizeof(buf) ? size - off : sizeof(buf);
			if (rump_sys_pread(fd, buf, n, (int64_t)off) !=
			    (int64_t)n)
				die("fsync'd file f%llu: short at %zu", id,
				    off);
			pattern(want, n, id, off);
			if (memcmp(buf, want, n) != 0)
				die("fsync'd file f%llu differs near %zu", id,
				    off);
		}
		if (rump_sys_pread(fd, buf, 1, (int64_t)size) != 0)
			die("fsync'd file f%llu is longer than %zu", id, size);
		rump_sys_close(fd);
		nok++;
	}
	fclose(f);
	printf("  %d fsync'd files intact\n", nok);
	exit(0);
}

/* Keep the image as the crash left it, for a look after a failure. */
static void
keep_copy(void)
{
	char path[1024], buf[65536];
	ssize_t n;
	int in, out;

	snprintf(path, sizeof(path), "%s.crashed", image);
	if ((in = open(image, O_RDONLY)) < 0 ||
	    (out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		die("copying %s: %s", image, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("copying %s: %s", image, strerror(errno));
	close(in);
	close(out);
}

static int
run(const char *cmd)
{
	char buf[1024];
	int st;

	snprintf(buf, sizeof(buf), "%s '%s' >/dev/null 2>&1", cmd, image);
	st = system(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void
waitchild(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("%s failed (status %#x)", what, st);
}

int
main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	int rounds = 5, r, c, rc, st, nclean = 0, ncut = 0;
	long maxwrites = 3000, nwrites = 0;
	unsigned delay;
	pid_t pid;

	while ((c = getopt(argc, argv, "c:C:df:o:pr:s:w:")) != -1) {
		switch (c) {
		case 'd':
			dirheavy = true;
			break;
		case 'o':
			wopts = optarg;
			break;
		case 'p':
			power = true;
			break;
		case 'w':
			maxwrites = atol(optarg);
			break;
		case 'c':
			repair = optarg;
			break;
		case 'C':
			check = optarg;
			break;
		case 'f':
			fstype = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
		    "usage: crash_test [-dp] [-o OPTS] [-s SEED] [-r ROUNDS] "
		    "[-w MAXWRITES] [-f FSTYPE] [-c REPAIR] [-C CHECK] IMAGE "
		    "LOG\n");
		return 2;
	}
	image = argv[optind];
	logpath = argv[optind + 1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(markpath, sizeof(markpath), "%s.cut", image);
	printf("crash_test: %s, %s, seed %llu\n", fstype,
	    power ? "power loss" : "SIGKILL", (unsigned long long)seed);
	for (r = 0; r < rounds; r++) {
		delay = 30 + (unsigned)(mix(seed + (uint64_t)r) % 600);
		if (power) {
			nwrites = (long)(mix(seed * 7 + (uint64_t)r) %
			    (uint64_t)(maxwrites > 0 ? maxwrites : 1));
			(void)unlink(markpath);
			delay = 5000; /* a cut that never comes: killed */
		}
		if ((pid = fork()) == 0) {
			char n[32];

			if (power) {
				snprintf(n, sizeof(n), "%ld", nwrites);
				setenv("UKFS_FAULT_WRITES", n, 1);
				setenv("UKFS_FAULT_MARK", markpath, 1);
			}
			writer(mix(seed ^ (uint64_t)r), (uint64_t)r * 1000000);
		}
		if (power) {
			unsigned waited = 0;

			while (waitpid(pid, &st, WNOHANG) == 0) {
				if (waited >= delay) {
					kill(pid, SIGKILL);
					if (waitpid(pid, &st, 0) != pid)
						die("waitpid: %s",
						    strerror(errno));
					break;
				}
				usleep(10000);
				waited += 10;
			}
			if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
				die("the writer failed (status %d)",
				    WEXITSTATUS(st));
			if (access(markpath, F_OK) == 0)
				ncut++;
		} else {
			usleep(delay * 1000);
			kill(pid, SIGKILL);
			if (waitpid(pid, &st, 0) != pid)
				die("waitpid: %s", strerror(errno));
			if (WIFEXITED(st))
				die("the writer exited early (status %d)",
				    WEXITSTATUS(st));
		}
		keep_copy();
		if (run(check) == 0)
			nclean++;
		rc = run(repair);
		if (rc != 0 && rc != 1)
			die("round %d: %s exits %d (the image before: "
			    "%s.crashed)",
			    r, repair, rc, image);
		if ((rc = run(check)) != 0)
			die("round %d: %s exits %d after the repair (the image "
			    "before: %s.crashed)",
			    r, check, rc, image);
		if (power)
			printf("round %d: power lost after write %ld; "
			       "repaired\n",
			    r, nwrites);
		else
			printf("round %d: killed after %u ms; repaired\n", r,
			    delay);
		if ((pid = fork()) == 0)
			verifier();
		waitchild(pid, "the verification");
		/* checked: the next writer may remove them */
		if (r + 1 < rounds && truncate(logpath, 0) != 0 &&
		    errno != ENOENT)
			die("%s: %s", logpath, strerror(errno));
	}
	if (power)
		printf("crash_test: %d of %d rounds cut by the power loss\n",
		    ncut, rounds);
	printf("crash_test: %d rounds passed; %d left the image clean "
	       "before the repair\n",
	    rounds, nclean);
	return 0;
}
