/*
 * Randomised operations on a read-write ext2 image, mirrored on a host
 * directory: creates, writes at random offsets (holes included),
 * truncates, renames of files and directories, links, unlinks, symlinks,
 * mkdir and rmdir.  Every operation must succeed or fail on both sides;
 * every hundred operations the two trees are compared (names, types,
 * sizes, contents, link counts), and now and then the image is unmounted
 * and mounted again, so that what is compared comes back from the disk.
 *
 *   ext2_random_test [-v] [-s SEED] [-n OPS] [-f FSTYPE] [-d DIR]
 *                    [-F MINFREE] IMAGE HOSTDIR
 *
 * Writes are left out while less than MINFREE bytes (8 MiB) are free;
 * the last line says how many bytes were written.
 *
 * HOSTDIR must not exist, and the image starts empty; or, with -d, the
 * operations work in directory DIR of the image and HOSTDIR is a copy of
 * what it holds.  The seed is printed first; -s replays a run.
 * Exit status 0: the trees agreed all along.
 */
#include <rump/rump.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MNT         "/mnt"
#define MAXNODES    8192
#define MAXFILESIZE (3 * 1024 * 1024)
#define MAXWRITE    (96 * 1024)
#define MAXLIST     8192 /* entries of a directory compared */
#define FULLMODEL   400  /* past this, removals win */

static const char *fstype = "ext2fs";
/* writes stop while less than this is free (-F) */
static int64_t minfree = 8 * 1024 * 1024;
static uint64_t nwritten; /* bytes written to the image */
static const char *hostroot;
static char iroot[512] = MNT;
static int verbose;
static uint64_t rng;
static unsigned long opno;

/* The model: every path that exists, and whether it is a directory. */
struct node {
	char path[256]; /* relative, "" for the root */
	bool dir;
};
static struct node nodes[MAXNODES];
static int nnodes;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned
rndn(unsigned n)
{
	return n == 0 ? 0 : (unsigned)(rnd() % n);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL at operation %lu: ", opno);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

/* buf = a "/" b (or just a when b is empty); paths never get truncated. */
static void
join(char *buf, size_t len, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + 1 + lb + 1 > len)
		die("path too long: %s/%s", a, b);
	memcpy(buf, a, la);
	if (lb > 0) {
		buf[la++] = '/';
		memcpy(buf + la, b, lb);
	}
	buf[la + lb] = '\0';
}

static void
ipath(char *buf, size_t len, const char *rel)
{
	join(buf, len, iroot, rel);
}

static void
hpath(char *buf, size_t len, const char *rel)
{
	join(buf, len, hostroot, rel);
}

/* Both sides must agree on success; returns whether it succeeded. */
static bool
agree(const char *what, const char *rel, int irc, int ierr, int hrc, int herr)
{
	if ((irc < 0) != (hrc < 0))
		die("%s %s: image %s (%s), host %s (%s)", what, rel,
		    irc < 0 ? "failed" : "succeeded", strerror(ierr),
		    hrc < 0 ? "failed" : "succeeded", strerror(herr));
	if (verbose > 1)
		printf("%lu: %s %s: %s\n", opno, what, rel,
		    irc < 0 ? strerror(ierr) : "ok");
	return irc >= 0;
}

#define BOTH(what, rel, icall, hcall)                                          \
	({                                                                     \
		int irc_, ierr_, hrc_, herr_;                                  \
		errno = 0;                                                     \
		irc_ = (int)(icall);                                           \
		ierr_ = errno;                                                 \
		errno = 0;                                                     \
		hrc_ = (int)(hcall);                                           \
		herr_ = errno;                                                 \
		agree(what, rel, irc_, ierr_, hrc_, herr_);                    \
	})

static int
node_find(const char *rel)
{
	int i;

	for (i = 0; i < nnodes; i++)
		if (strcmp(nodes[i].path, rel) == 0)
			return i;
	return -1;
}

static void
node_add(const char *rel, bool dir)
{
	if (node_find(rel) >= 0 || nnodes == MAXNODES)
		return;
	snprintf(nodes[nnodes].path, sizeof(nodes[nnodes].path), "%s", rel);
	nodes[nnodes].dir = dir;
	nnodes++;
}

static bool
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Forget rel and, for a directory, everything below it. */
static void
node_del(const char *rel)
{
	int i;
	char d[256];

	snprintf(d, sizeof(d), "%s", rel);
	for (i = 0; i < nnodes;) {
		if (strcmp(nodes[i].path, d) == 0 || under(nodes[i].path, d))
			nodes[i] = nodes[--nnodes];
		else
			i++;
	}
}

/* Rename in the model: rel and everything below move to to. */
static void
node_move(const char *from, const char *to)
{
	char f[256], t[256], n[512];
	int i;

	snprintf(f, sizeof(f), "%s", from);
	snprintf(t, sizeof(t), "%s", to);
	for (i = 0; i < nnodes; i++) {
		if (strcmp(nodes[i].path, f) == 0)
			snprintf(nodes[i].path, sizeof(nodes[i].path), "%s", t);
		else if (under(nodes[i].path, f)) {
			snprintf(
			    n, sizeof(n), "%s%s", t, nodes[i].path + strlen(f));
			if (strlen(n) >= sizeof(nodes[i].path))
				die("path too long in the model");
			snprintf(nodes[i].path, sizeof(nodes[i].path), "%s", n);
		}
	}
}

/* Learn what the host copy holds (-d). */
static void
model_load(const char *rel)
{
	char hp[512], sub[256];
	struct dirent *de;
	struct stat st;
	DIR *d;

	hpath(hp, sizeof(hp), rel);
	if ((d = opendir(hp)) == NULL)
		die("opendir %s: %s", hp, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strlen(rel) + strlen(de->d_name) + 2 > 200)
			continue;
		join(sub, sizeof(sub), rel, de->d_name);
		hpath(hp, sizeof(hp), sub);
		if (lstat(hp, &st) != 0)
			die("lstat %s: %s", hp, strerror(errno));
		node_add(sub, S_ISDIR(st.st_mode));
		if (S_ISDIR(st.st_mode))
			model_load(sub);
	}
	closedir(d);
}

static int
pick(int wantdir) /* -1: any */
{
	int i, tries;

	for (tries = 0; tries < 50; tries++) {
		i = (int)rndn((unsigned)nnodes);
		if (wantdir < 0 || nodes[i].dir == (wantdir != 0))
			return i;
	}
	return wantdir == 1 ? 0 : -1;
}

/* A new name in a random directory; short and long names both. */
static void
newname(char *buf, size_t len)
{
	int d = pick(1);
	unsigned n = rndn(8) == 0 ? 60 + rndn(150) : 1 + rndn(12);
	char name[256];
	unsigned i;

	for (i = 0; i < n; i++)
		name[i] = "abcdefghijklmnopqrstuvwxyz0123456789_-."[rndn(39)];
	name[n] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		name[0] = 'x';
	if (strlen(nodes[d].path) + 1 + n >= 200)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s%s%s", nodes[d].path,
		    nodes[d].path[0] ? "/" : "", name);
}

static int64_t
free_bytes(void)
{
	struct rump_statvfs sv;

	if (rump_sys_statvfs(MNT, &sv) != 0)
		die("statvfs: %s", strerror(errno));
	return (int64_t)(sv.f_bavail * sv.f_frsize);
}

static void
op_create(void)
{
	char rel[256], ip[512], hp[512];
	int ifd, hfd;

	if (nnodes >= MAXNODES)
		return;
	newname(rel, sizeof(rel));
	ipath(ip, sizeof(ip), rel);
	hpath(hp, sizeof(hp), rel);
	errno = 0;
	ifd = rump_sys_open(ip, RUMP_O_CREAT | RUMP_O_EXCL | RUMP_O_RDWR, 0644);
	int ie = errno;
	errno = 0;
	hfd = open(hp, O_CREAT | O_EXCL | O_RDWR, 0644);
	if (agree("create", rel, ifd, ie, hfd, errno)) {
		rump_sys_close(ifd);
		close(hfd);
		node_add(rel, false);
	}
}

static void
fill(uint8_t *buf, size_t n)
{
	size_t i;
	uint64_t x = rnd();

	/* compressible runs and noise, so blocks differ */
	for (i = 0; i < n; i++) {
		if ((i & 63) == 0)
			x = rnd();
		buf[i] = (uint8_t)(x >> ((i & 7) * 8)) ^ (uint8_t)i;
	}
}

static void
op_write(void)
{
	static uint8_t buf[MAXWRITE];
	char ip[512], hp[512];
	int i = pick(0), ifd, hfd;
	size_t n = rndn(8) == 0 ? 0 : 1 + rndn(rndn(4) == 0 ? MAXWRITE : 5000);
	off_t off = rndn(3) == 0 ? 0 : rndn(MAXFILESIZE - MAXWRITE);

	if (i < 0 || free_bytes() < minfree)
		return;
	fill(buf, n);
	nwritten += n;
	ipath(ip, sizeof(ip), nodes[i].path);
	hpath(hp, sizeof(hp), nodes[i].path);
	ifd = rump_sys_open(ip, RUMP_O_WRONLY, 0);
	hfd = open(hp, O_WRONLY);
	if (!agree("open", nodes[i].path, ifd, errno, hfd, errno))
		return;
	if (rndn(4) == 0) { /* append */
		BOTH("append", nodes[i].path,
		    rump_sys_lseek(ifd, 0, RUMP_SEEK_END) >= 0
		        ? rump_sys_write(ifd, buf, n) == (int64_t)n ? 0 : -1
		        : -1,
		    lseek(hfd, 0, SEEK_END) >= 0
		        ? write(hfd, buf, n) == (ssize_t)n ? 0 : -1
		        : -1);
	} else {
		BOTH("pwrite", nodes[i].path,
		    rump_sys_pwrite(ifd, buf, n, off) == (int64_t)n ? 0 : -1,
		    pwrite(hfd, buf, n, off) == (ssize_t)n ? 0 : -1);
	}
	if (rndn(20) == 0)
		BOTH("fsync", nodes[i].path, rump_sys_fsync(ifd), fsync(hfd));
	rump_sys_close(ifd);
	close(hfd);
}

static void
op_truncate(void)
{
	char ip[512], hp[512];
	int i = pick(0), ifd, hfd;
	off_t len = rndn(2) ? rndn(MAXFILESIZE) : rndn(70000);

	if (i < 0)
		return;
	ipath(ip, sizeof(ip), nodes[i].path);
	hpath(hp, sizeof(hp), nodes[i].path);
	ifd = rump_sys_open(ip, RUMP_O_WRONLY, 0);
	hfd = open(hp, O_WRONLY);
	if (!agree("open", nodes[i].path, ifd, errno, hfd, errno))
		return;
	BOTH("ftruncate", nodes[i].path, rump_sys_ftruncate(ifd, len),
	    ftruncate(hfd, len));
	rump_sys_close(ifd);
	close(hfd);
}

static void
op_mkdir(void)
{
	char rel[256], ip[512], hp[512];

	if (nnodes >= MAXNODES)
		return;
	newname(rel, sizeof(rel));
	ipath(ip, sizeof(ip), rel);
	hpath(hp, sizeof(hp), rel);
	if (BOTH("mkdir", rel, rump_sys_mkdir(ip, 0755), mkdir(hp, 0755)))
		node_add(rel, true);
}

static void
op_rmdir(void)
{
	char ip[512], hp[512];
	int i = pick(1);

	if (i <= 0)
		return;
	ipath(ip, sizeof(ip), nodes[i].path);
	hpath(hp, sizeof(hp), nodes[i].path);
	if (BOTH("rmdir", nodes[i].path, rump_sys_rmdir(ip), rmdir(hp)))
		node_del(nodes[i].path);
}

static void
op_unlink(void)
{
	char ip[512], hp[512];
	int i = pick(0);

	if (i < 0)
		return;
	ipath(ip, sizeof(ip), nodes[i].path);
	hpath(hp, sizeof(hp), nodes[i].path);
	if (BOTH("unlink", nodes[i].path, rump_sys_unlink(ip), unlink(hp)))
		node_del(nodes[i].path);
}

static void
op_link(void)
{
	char rel[256], ip[512], hp[512], ip2[512], hp2[512];
	int i = pick(0);

	if (i < 0 || nnodes >= MAXNODES)
		return;
	newname(rel, sizeof(rel));
	ipath(ip, sizeof(ip), nodes[i].path);
	hpath(hp, sizeof(hp), nodes[i].path);
	ipath(ip2, sizeof(ip2), rel);
	hpath(hp2, sizeof(hp2), rel);
	if (BOTH("link", rel, rump_sys_link(ip, ip2), link(hp, hp2)))
		node_add(rel, false);
}

static void
op_symlink(void)
{
	char rel[256], ip[512], hp[512], target[300];
	unsigned n = rndn(2) ? 1 + rndn(50) : 60 + rndn(200), k;

	if (nnodes >= MAXNODES)
		return;
	for (k = 0; k < n; k++)
		target[k] = "abc/def"[rndn(7)]; /* no "..": stay inside */
	target[n] = '\0';
	newname(rel, sizeof(rel));
	ipath(ip, sizeof(ip), rel);
	hpath(hp, sizeof(hp), rel);
	if (BOTH("symlink", rel, rump_sys_symlink(target, ip),
	        symlink(target, hp)))
		node_add(rel, false);
}

/* Would every path below from still fit the model once moved to to? */
static bool
fits_moved(const char *from, const char *to)
{
	size_t lf = strlen(from), lt = strlen(to);
	int k;

	for (k = 0; k < nnodes; k++)
		if ((strcmp(nodes[k].path, from) == 0 ||
		        under(nodes[k].path, from)) &&
		    strlen(nodes[k].path) - lf + lt >= 250)
			return false;
	return true;
}

static void
op_rename(void)
{
	char to[256], ip[512], hp[512], ip2[512], hp2[512];
	int i = pick(-1), j;

	if (i <= 0)
		return;
	/* to a new name, or over an existing one */
	j = rndn(3) == 0 ? pick(-1) : -1;
	if (j > 0)
		snprintf(to, sizeof(to), "%s", nodes[j].path);
	else
		newname(to, sizeof(to));
	if (!fits_moved(nodes[i].path, to))
		return;
	ipath(ip, sizeof(ip), nodes[i].path);
	hpath(hp, sizeof(hp), nodes[i].path);
	ipath(ip2, sizeof(ip2), to);
	hpath(hp2, sizeof(hp2), to);
	if (BOTH("rename", nodes[i].path, rump_sys_rename(ip, ip2),
	        rename(hp, hp2))) {
		char from[256];

		snprintf(from, sizeof(from), "%s", nodes[i].path);
		if (strcmp(from, to) == 0)
			return;
		/* two names of one file: nothing happened */
		{
			struct stat a;

			if (lstat(hp, &a) == 0)
				return;
		}
		node_del(to);
		node_move(from, to);
	}
}

/* --- comparing the trees ------------------------------------------------ */

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
list_host(const char *dir, char **names, int max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		die("opendir %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < max) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmpstr);
	return n;
}

static int
list_image(const char *dir, char **names, int max)
{
	char buf[8192];
	int fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0), n = 0;
	int64_t got, off;

	if (fd < 0)
		die("open %s: %s", dir, strerror(errno));
	while ((got = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < got;) {
			struct rump_dirent *d = (void *)(buf + off);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 ||
			    (strcmp(d->d_name, "lost+found") == 0 &&
			        strcmp(dir, MNT) == 0 &&
			        strcmp(iroot, MNT) == 0))
				continue;
			if (n < max)
				names[n++] = strdup(d->d_name);
		}
	}
	if (got < 0)
		die("getdents %s: %s", dir, strerror(errno));
	rump_sys_close(fd);
	qsort(names, (size_t)n, sizeof(*names), cmpstr);
	return n;
}

static void
compare_file(const char *ip, const char *hp, off_t size)
{
	static uint8_t a[65536], b[65536];
	int ifd = rump_sys_open(ip, RUMP_O_RDONLY, 0), hfd = open(hp, O_RDONLY);
	off_t off = 0;
	int64_t n, m;

	if (ifd < 0 || hfd < 0)
		die("open %s for comparing: %s", ip, strerror(errno));
	for (;;) {
		n = rump_sys_pread(ifd, a, sizeof(a), off);
		m = pread(hfd, b, sizeof(b), off);
		if (n != m)
			die("%s: read %lld bytes at %lld, host %lld", ip,
			    (long long)n, (long long)off, (long long)m);
		if (n <= 0)
			break;
		if (memcmp(a, b, (size_t)n) != 0) {
			int64_t k = 0;

			while (a[k] == b[k])
				k++;
			die("%s: contents differ at byte %lld", ip,
			    (long long)(off + k));
		}
		off += n;
	}
	if (off != size)
		die("%s: read %lld bytes of %lld", ip, (long long)off,
		    (long long)size);
	rump_sys_close(ifd);
	close(hfd);
}

static int ncompared;

static void
compare_tree(const char *rel)
{
	char ip[512], hp[512], sub[256];
	char **inames = NULL, **hnames = NULL;
	struct rump_stat ist;
	struct stat hst;
	int ni, nh, k;

	ipath(ip, sizeof(ip), rel);
	hpath(hp, sizeof(hp), rel);
	inames = calloc(MAXLIST, sizeof(char *));
	hnames = calloc(MAXLIST, sizeof(char *));
	ni = list_image(ip, inames, MAXLIST);
	nh = list_host(hp, hnames, MAXLIST);
	if (ni != nh)
		die("directory %s: %d entries in the image, %d on the host",
		    rel[0] ? rel : "/", ni, nh);
	for (k = 0; k < ni; k++) {
		if (strcmp(inames[k], hnames[k]) != 0)
			die("directory %s: image has %s, host %s",
			    rel[0] ? rel : "/", inames[k], hnames[k]);
		join(sub, sizeof(sub), rel, inames[k]);
		ipath(ip, sizeof(ip), sub);
		hpath(hp, sizeof(hp), sub);
		if (rump_sys_lstat(ip, &ist) != 0 || lstat(hp, &hst) != 0)
			die("lstat %s: %s", sub, strerror(errno));
		ncompared++;
		if ((ist.st_mode & RUMP_S_IFMT) != (hst.st_mode & S_IFMT))
			die("%s: type %o vs %o", sub, ist.st_mode & RUMP_S_IFMT,
			    hst.st_mode & S_IFMT);
		if (ist.st_nlink != hst.st_nlink)
			die("%s: %u links vs %u", sub, (unsigned)ist.st_nlink,
			    (unsigned)hst.st_nlink);
		if (S_ISDIR(hst.st_mode)) {
			compare_tree(sub);
			continue;
		}
		if ((int64_t)ist.st_size != (int64_t)hst.st_size)
			die("%s: size %lld vs %lld", sub,
			    (long long)ist.st_size, (long long)hst.st_size);
		if (S_ISREG(hst.st_mode))
			compare_file(ip, hp, hst.st_size);
		else if (S_ISLNK(hst.st_mode)) {
			char a[1100], b[1100];
			int64_t x = rump_sys_readlink(ip, a, sizeof(a));
			ssize_t y = readlink(hp, b, sizeof(b));

			if (x != y || x < 0 || memcmp(a, b, (size_t)x) != 0)
				die("%s: link targets differ", sub);
		}
	}
	for (k = 0; k < ni; k++)
		free(inames[k]);
	for (k = 0; k < nh; k++)
		free(hnames[k]);
	free(inames);
	free(hnames);
}

/* --- mounting ----------------------------------------------------------- */

static void
do_mount(void)
{
	struct rump_diskfs_args args = {"/dev/img", NULL};

	if (rump_sys_mount(fstype, MNT, 0, &args, sizeof(args)) != 0)
		die("mount: %s", strerror(errno));
}

static void
do_unmount(void)
{
	if (rump_sys_unmount(MNT, 0) != 0)
		die("unmount: %s", strerror(errno));
}

/* One operation, the mix weighted; a full model removes more. */
static void
random_op(void)
{
	if (nnodes > FULLMODEL && rndn(2) == 0) {
		if (rndn(3) == 0)
			op_rmdir();
		else
			op_unlink();
		return;
	}
	switch (rndn(20)) {
	case 0:
	case 1:
	case 2:
		op_create();
		break;
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
		op_write();
		break;
	case 8:
	case 9:
		op_truncate();
		break;
	case 10:
	case 11:
		op_mkdir();
		break;
	case 12:
		op_rmdir();
		break;
	case 13:
	case 14:
		op_unlink();
		break;
	case 15:
		op_link();
		break;
	case 16:
		op_symlink();
		break;
	default:
		op_rename();
		break;
	}
}

int
main(int argc, char **argv)
{
	unsigned long nops = 3000, i;
	const char *image;
	int c, ncmp = 0, nremount = 0;

	rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((c = getopt(argc, argv, "d:F:f:n:s:v")) != -1) {
		switch (c) {
		case 'd':
			snprintf(iroot, sizeof(iroot), MNT "/%s", optarg);
			break;
		case 'f':
			fstype = optarg;
			break;
		case 'F':
			minfree = (int64_t)strtoll(optarg, NULL, 0);
			break;
		case 'n':
			nops = strtoul(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose++;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
		    "usage: ext2_random_test [-v] [-s SEED] "
		    "[-n OPS] [-f FSTYPE] [-d DIR] IMAGE HOSTDIR\n");
		return 2;
	}
	if (rng == 0)
		rng = 1;
	printf("ext2_random_test: seed %llu\n", (unsigned long long)rng);
	fflush(stdout);
	image = argv[optind];
	hostroot = argv[optind + 1];
	if (strcmp(iroot, MNT) == 0 && mkdir(hostroot, 0755) != 0) {
		perror(hostroot);
		return 1;
	}
	umask(022);
	if (rump_init() != 0 || rump_sys_mkdir(MNT, 0755) != 0 ||
	    rump_pub_etfs_register("/dev/img", image, RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF, 0) != 0) {
		perror("setup");
		return 1;
	}
	do_mount();
	node_add("", true);
	if (strcmp(iroot, MNT) != 0) {
		model_load("");
		compare_tree("");
		printf("ext2_random_test: %d entries to start with\n", nnodes);
	}
	for (i = 0; i < nops; i++) {
		opno = i;
		random_op();
		if (i % 100 == 99) {
			if (rndn(3) == 0) {
				do_unmount();
				do_mount();
				nremount++;
			}
			ncompared = 0;
			compare_tree("");
			ncmp++;
			if (verbose)
				printf("%lu operations: %d entries agree\n",
				    i + 1, ncompared);
		}
	}
	do_unmount();
	do_mount();
	ncompared = 0;
	compare_tree("");
	do_unmount();
	printf("ext2_random_test: %lu operations, %d comparisons, %d remounts,"
	       " %llu bytes written: the trees agree (%d entries at the end)\n",
	    nops, ncmp + 1, nremount, (unsigned long long)nwritten, ncompared);
	return 0;
}
