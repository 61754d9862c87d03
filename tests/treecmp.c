/*
 * treecmp: compare two directory trees completely.
 *
 * usage: treecmp [-aHq] [-r RES] [-x attr,...] [-I pattern]... DIR_A DIR_B
 *
 * Walks both trees together (never following symlinks) and compares the set
 * of names, file types, regular-file contents, sizes, the 12 permission bits,
 * owners, mtimes (optionally atimes), symlink targets, device numbers and
 * link counts.  Hard links are compared as a partition: paths that share an
 * inode in A must share one in B and vice versa.  With -H, files that are
 * sparse in A must not be (much) less sparse in B.
 *
 * Files and directories are opened with O_NOATIME where permitted, so a
 * comparison does not disturb the atimes it compares (-a); symlink atimes
 * are never compared because reading a link updates them.  Directory sizes
 * are never compared (they depend on the file system).
 *
 * Each difference is one line on stdout, "path: what: A-value vs B-value",
 * followed by a summary line starting with "treecmp:".
 * Exit status: 0 identical, 1 different, 2 usage or I/O error.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
 *            -o treecmp tests/treecmp.c
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	A_MODE = 1 << 0,
	A_UID = 1 << 1,
	A_GID = 1 << 2,
	A_MTIME = 1 << 3,
	A_ATIME = 1 << 4,
	A_LINKS = 1 << 5,
	A_SIZE = 1 << 6,
	A_CONTENT = 1 << 7,
	A_HARDLINKS = 1 << 8,
	A_RDEV = 1 << 9,
	A_DIRTIMES = 1 << 10,
	A_TARGET = 1 << 11,
};

static const struct attrname {
	const char *name;
	unsigned bits;
} attrnames[] = {
    {"mode", A_MODE},
    {"uid", A_UID},
    {"gid", A_GID},
    {"owner", A_UID | A_GID},
    {"mtime", A_MTIME},
    {"atime", A_ATIME},
    {"times", A_MTIME | A_ATIME | A_DIRTIMES},
    {"links", A_LINKS},
    {"size", A_SIZE},
    {"content", A_CONTENT},
    {"hardlinks", A_HARDLINKS},
    {"rdev", A_RDEV},
    {"dirtimes", A_DIRTIMES},
    {"target", A_TARGET},
};

#define NSEC_PER_SEC 1000000000LL
#define CMPBUF       (1024 * 1024)

/* One non-directory present with the same type in both trees. */
struct linkrec {
	dev_t dev[2];
	ino_t ino[2];
	size_t first[2]; /* start of its inode's group in ord[side] */
	size_t count[2]; /* paths in that group */
	char *path;
};

static struct {
	unsigned excl;
	long long res_ns;
	int atime;
	int holes;
	int quiet;
	const char **ignore;
	size_t nignore;
} opt = {0, 1, 0, 0, 0, NULL, 0};

static unsigned long ndiff, nentries;
static unsigned depth, fdkeep = 256; /* levels that keep descriptors open */
static int ioerr;
static char *buf[2];
static struct linkrec *links;
static size_t nlinks, maxlinks;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: treecmp [-aHq] [-r RES] [-x attr,...] [-I pattern]... "
	    "DIR_A DIR_B\n"
	    "  -a          also compare atime\n"
	    "  -H          files sparse in A must be sparse in B\n"
	    "  -I pattern  skip paths matching the fnmatch(3) pattern\n"
	    "  -q          print only the summary\n"
	    "  -r RES      time resolution in seconds (e.g. 1, 2, 0.001)\n"
	    "  -x list     exclude: mode uid gid owner mtime atime times "
	    "links\n"
	    "              size content hardlinks rdev dirtimes target\n");
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "treecmp: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* Print a path, escaping control bytes so each difference stays one line. */
static void
putpath(FILE *f, const char *p)
{
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			putc(c, f);
	}
}

static void
diff(const char *path, const char *what, const char *fmt, ...)
{
	va_list ap;

	ndiff++;
	if (opt.quiet)
		return;
	putpath(stdout, path);
	printf(": %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
ioerror(const char *path, const char *side, const char *what)
{
	int e = errno;

	ioerr = 1;
	fprintf(stderr, "treecmp: ");
	putpath(stderr, path);
	fprintf(stderr, ": %s %s: %s\n", what, side, strerror(e));
}

/* Open read-only without touching atimes where we may (owner or root). */
static int
openro(int dfd, const char *name, int flags)
{
	int fd;

	flags |= O_RDONLY | O_CLOEXEC;
	fd = openat(dfd, name, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dfd, name, flags);
	return fd;
}

static int
parse_excl(char *list)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(attrnames) / sizeof(attrnames[0]); i++)
			if (strcmp(tok, attrnames[i].name) == 0)
				break;
		if (i == sizeof(attrnames) / sizeof(attrnames[0])) {
			fprintf(
			    stderr, "treecmp: unknown attribute '%s'\n", tok);
			return -1;
		}
		opt.excl |= attrnames[i].bits;
	}
	return 0;
}

/* Decimal seconds ("2", "0.5", "1e-3" is not accepted) to nanoseconds. */
static int
parse_res(const char *s, long long *ns)
{
	long long v = 0, frac = 0, scale = NSEC_PER_SEC;
	const char *p = s;

	if (*p == '\0')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 1000000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p != '\0' || v * NSEC_PER_SEC + frac <= 0)
		return -1;
	*ns = v * NSEC_PER_SEC + frac;
	return 0;
}

static const char *
typestr(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symlink";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "char device";
	case S_IFBLK:
		return "block device";
	}
	return "unknown type";
}

static int
ignored(const char *rel)
{
	size_t i;

	for (i = 0; i < opt.nignore; i++)
		if (fnmatch(opt.ignore[i], rel, 0) == 0)
			return 1;
	return 0;
}

static char *
joinpath(const char *dir, const char *name)
{
	size_t ld, ln;
	char *p;

	if (strcmp(dir, ".") == 0)
		return xstrdup(name);
	ld = strlen(dir);
	ln = strlen(name);
	p = xmalloc(ld + ln + 2);
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln + 1);
	return p;
}

static void
fmttime(char *out, size_t len, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	char b[64];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		snprintf(out, len, "@%lld.%09ld", (long long)ts->tv_sec,
		    ts->tv_nsec);
		return;
	}
	snprintf(out, len, "%s.%09ld", b, ts->tv_nsec);
}

static void
cmptime(const char *path, const char *what, const struct timespec *a,
    const struct timespec *b)
{
	long long ds = (long long)a->tv_sec - (long long)b->tv_sec;
	long long dn;
	char ta[80], tb[80];

	/* Resolutions are far below 10^9 s; this also avoids overflow. */
	if (ds > 1000000000LL || ds < -1000000000LL)
		dn = opt.res_ns;
	else
		dn = ds * NSEC_PER_SEC + (a->tv_nsec - b->tv_nsec);
	if (dn < 0)
		dn = -dn;
	if (dn < opt.res_ns)
		return;
	fmttime(ta, sizeof(ta), a);
	fmttime(tb, sizeof(tb), b);
	diff(path, what, "%s vs %s", ta, tb);
}

/* Read until len bytes or EOF; returns bytes read or -1. */
static ssize_t
readfull(int fd, char *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static void
cmpcontent(int dfd[2], const char *name, const char *path)
{
	static const char *side[2] = {"A", "B"};
	int fd[2] = {-1, -1};
	off_t off = 0;
	int i;

	for (i = 0; i < 2; i++) {
		fd[i] = openro(dfd[i], name, O_NOFOLLOW | O_NOCTTY);
		if (fd[i] < 0) {
			ioerror(path, side[i], "open");
			goto out;
		}
	}
	for (;;) {
		ssize_t n[2];
		size_t common, j;

		for (i = 0; i < 2; i++) {
			n[i] = readfull(fd[i], buf[i], CMPBUF);
			if (n[i] < 0) {
				ioerror(path, side[i], "read");
				goto out;
			}
		}
		common = (size_t)(n[0] < n[1] ? n[0] : n[1]);
		if (memcmp(buf[0], buf[1], common) != 0) {
			for (j = 0; buf[0][j] == buf[1][j]; j++)
				continue;
			diff(path, "content", "0x%02x vs 0x%02x at offset %lld",
			    (unsigned char)buf[0][j], (unsigned char)buf[1][j],
			    (long long)(off + (off_t)j));
			goto out;
		}
		if (n[0] != n[1]) {
			diff(path, "content", "%s vs %s at offset %lld",
			    n[0] < n[1] ? "EOF" : "data",
			    n[0] < n[1] ? "data" : "EOF",
			    (long long)(off + (off_t)common));
			goto out;
		}
		if (n[0] < CMPBUF)
			break;
		off += n[0];
	}
out:
	for (i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

/* Number of data extents in a file, by SEEK_DATA/SEEK_HOLE (at least 1). */
static long long
dataextents(int dfd, const char *name, off_t size)
{
	long long n = 0;
	off_t pos = 0;
	int fd;

	fd = openro(dfd, name, O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return 1;
	while (pos < size) {
		off_t d = lseek(fd, pos, SEEK_DATA);
		off_t h;

		if (d < 0)
			break;
		h = lseek(fd, d, SEEK_HOLE);
		if (h < 0 || h <= d)
			break;
		n++;
		pos = h;
	}
	close(fd);
	return n > 0 ? n : 1;
}

/*
 * B may round each data extent out to its own block size and add indirect
 * blocks, so allow a few blocks of B per data extent of A on top of A's
 * allocation, plus indirect blocks spanning the whole size at 1K blocks
 * (some writers, e.g. genext2fs, allocate those even over holes).  A file
 * that lost its holes exceeds that by far.
 */
static void
cmpholes(int dfd[2], const char *name, const char *path, const struct stat *a,
    const struct stat *b)
{
	long long alloca_ = (long long)a->st_blocks * 512;
	long long allocb = (long long)b->st_blocks * 512;
	long long bsz = b->st_blksize > 4096 ? b->st_blksize : 4096;
	long long limit;

	if (alloca_ >= (long long)a->st_size)
		return; /* not sparse in A */
	limit = alloca_ +
	    (dataextents(dfd[0], name, a->st_size) + 2) * 4 * bsz +
	    (long long)a->st_size / 256;
	if (allocb > limit)
		diff(path, "holes",
		    "%lld KiB allocated vs %lld KiB allocated (limit %lld KiB)",
		    alloca_ / 1024, allocb / 1024, limit / 1024);
}

/* Static buffers: the recursion must not carry them on the stack. */
static void
cmptarget(int pfd[2], const char *name, const char *path)
{
	static char ta[PATH_MAX + 1], tb[PATH_MAX + 1];
	ssize_t la = readlinkat(pfd[0], name, ta, PATH_MAX);
	ssize_t lb = readlinkat(pfd[1], name, tb, PATH_MAX);

	if (la < 0)
		ioerror(path, "A", "readlink");
	if (lb < 0)
		ioerror(path, "B", "readlink");
	if (la >= 0 && lb >= 0) {
		ta[la] = tb[lb] = '\0';
		if (la != lb || memcmp(ta, tb, (size_t)la) != 0)
			diff(path, "target", "'%s' vs '%s'", ta, tb);
	}
}

static void
addlink(const char *path, const struct stat *a, const struct stat *b)
{
	struct linkrec *l;

	if (nlinks == maxlinks) {
		maxlinks = maxlinks ? maxlinks * 2 : 1024;
		links = realloc(links, maxlinks * sizeof(*links));
		if (links == NULL) {
			fprintf(stderr, "treecmp: out of memory\n");
			exit(2);
		}
	}
	l = &links[nlinks++];
	l->dev[0] = a->st_dev;
	l->ino[0] = a->st_ino;
	l->dev[1] = b->st_dev;
	l->ino[1] = b->st_ino;
	l->path = xstrdup(path);
}

static void cmpdir(int dfd[2], const char *rel);

/* Attributes every file type has (directory size excepted). */
static void
cmpattrs(const char *path, const struct stat *a, const struct stat *b)
{
	int isdir = S_ISDIR(a->st_mode);
	int dirtimes = !isdir || !(opt.excl & A_DIRTIMES);

	if (!(opt.excl & A_MODE) &&
	    (a->st_mode & 07777) != (b->st_mode & 07777))
		diff(path, "mode", "%04o vs %04o",
		    (unsigned)(a->st_mode & 07777),
		    (unsigned)(b->st_mode & 07777));
	if (!(opt.excl & A_UID) && a->st_uid != b->st_uid)
		diff(path, "uid", "%lu vs %lu", (unsigned long)a->st_uid,
		    (unsigned long)b->st_uid);
	if (!(opt.excl & A_GID) && a->st_gid != b->st_gid)
		diff(path, "gid", "%lu vs %lu", (unsigned long)a->st_gid,
		    (unsigned long)b->st_gid);
	if (!(opt.excl & A_LINKS) && a->st_nlink != b->st_nlink)
		diff(path, "links", "%lu vs %lu", (unsigned long)a->st_nlink,
		    (unsigned long)b->st_nlink);
	if (!(opt.excl & A_MTIME) && dirtimes)
		cmptime(path, "mtime", &a->st_mtim, &b->st_mtim);
	/* readlink() updates a symlink's atime: not a stable attribute. */
	if (opt.atime && !(opt.excl & A_ATIME) && dirtimes &&
	    !S_ISLNK(a->st_mode))
		cmptime(path, "atime", &a->st_atim, &b->st_atim);
	if (!isdir && !(opt.excl & A_SIZE) && a->st_size != b->st_size)
		diff(path, "size", "%lld vs %lld", (long long)a->st_size,
		    (long long)b->st_size);
}

/*
 * Compare the subdirectory "name" of pfd[].  Below fdkeep levels the parent
 * descriptors are closed while the subtree is compared and reopened through
 * "..", so the depth of a tree is not limited by RLIMIT_NOFILE.
 */
static void
descend(int pfd[2], const char *name, const char *path)
{
	static const char *side[2] = {"A", "B"};
	struct stat pst[2], st;
	int cfd[2], i, release = depth >= fdkeep;

	for (i = 0; i < 2; i++) {
		cfd[i] = openro(pfd[i], name, O_DIRECTORY | O_NOFOLLOW);
		if (cfd[i] < 0) {
			ioerror(path, side[i], "open directory");
			if (i == 1)
				close(cfd[0]);
			return;
		}
	}
	if (release && fstat(pfd[0], &pst[0]) == 0 &&
	    fstat(pfd[1], &pst[1]) == 0) {
		close(pfd[0]);
		close(pfd[1]);
	} else {
		release = 0;
	}
	depth++;
	cmpdir(cfd, path);
	depth--;
	for (i = 0; i < 2 && release; i++) {
		pfd[i] = openro(cfd[i], "..", O_DIRECTORY);
		if (pfd[i] < 0 || fstat(pfd[i], &st) < 0 ||
		    st.st_dev != pst[i].st_dev || st.st_ino != pst[i].st_ino) {
			errno = pfd[i] < 0 ? errno : ESTALE;
			ioerror(path, side[i], "reopen parent");
			fprintf(stderr, "treecmp: cannot continue\n");
			exit(2);
		}
	}
	close(cfd[0]);
	close(cfd[1]);
}

/* Compare one entry that exists in both trees. */
static void
cmpentry(int pfd[2], const char *name, const char *path, const struct stat *a,
    const struct stat *b)
{
	int isdir = S_ISDIR(a->st_mode);

	nentries++;
	if ((a->st_mode & S_IFMT) != (b->st_mode & S_IFMT)) {
		diff(path, "type", "%s vs %s", typestr(a->st_mode),
		    typestr(b->st_mode));
		return;
	}
	cmpattrs(path, a, b);
	if (!isdir)
		addlink(path, a, b);

	if (S_ISREG(a->st_mode)) {
		if (!(opt.excl & A_CONTENT))
			cmpcontent(pfd, name, path);
		if (opt.holes)
			cmpholes(pfd, name, path, a, b);
	} else if (S_ISLNK(a->st_mode) && !(opt.excl & A_TARGET)) {
		cmptarget(pfd, name, path);
	} else if ((S_ISCHR(a->st_mode) || S_ISBLK(a->st_mode)) &&
	    !(opt.excl & A_RDEV) && a->st_rdev != b->st_rdev) {
		diff(path, "rdev", "%u:%u vs %u:%u", major(a->st_rdev),
		    minor(a->st_rdev), major(b->st_rdev), minor(b->st_rdev));
	} else if (isdir) {
		descend(pfd, name, path);
	}
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of a directory (without . and ..); NULL on error. */
static char **
readnames(int dfd, size_t *count)
{
	size_t n = 0, max = 64;
	char **v;
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd);

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	v = xmalloc(max * sizeof(*v));
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == max) {
			max *= 2;
			v = realloc(v, max * sizeof(*v));
			if (v == NULL) {
				fprintf(stderr, "treecmp: out of memory\n");
				exit(2);
			}
		}
		v[n++] = xstrdup(de->d_name);
		errno = 0;
	}
	if (errno != 0) {
		int e = errno;

		while (n > 0)
			free(v[--n]);
		free(v);
		closedir(d);
		errno = e;
		return NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmpstr);
	*count = n;
	return v;
}

static void
freenames(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

static void
onlyin(int side, int dfd, const char *name, const char *path)
{
	struct stat st;
	const char *t = "?";

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		t = typestr(st.st_mode);
	nentries++;
	if (side == 0)
		diff(path, "exists", "%s vs missing", t);
	else
		diff(path, "exists", "missing vs %s", t);
}

static void
cmpdir(int dfd[2], const char *rel)
{
	size_t n[2] = {0, 0}, i = 0, j = 0;
	char **v[2];

	v[0] = readnames(dfd[0], &n[0]);
	if (v[0] == NULL) {
		ioerror(rel, "A", "read directory");
		return;
	}
	v[1] = readnames(dfd[1], &n[1]);
	if (v[1] == NULL) {
		ioerror(rel, "B", "read directory");
		freenames(v[0], n[0]);
		return;
	}
	while (i < n[0] || j < n[1]) {
		int c;
		const char *name;
		char *path;

		if (i == n[0])
			c = 1;
		else if (j == n[1])
			c = -1;
		else
			c = strcmp(v[0][i], v[1][j]);
		name = c <= 0 ? v[0][i] : v[1][j];
		path = joinpath(rel, name);
		if (ignored(path)) {
			/* skip */
		} else if (c < 0) {
			onlyin(0, dfd[0], name, path);
		} else if (c > 0) {
			onlyin(1, dfd[1], name, path);
		} else {
			struct stat sa, sb;

			if (fstatat(dfd[0], name, &sa, AT_SYMLINK_NOFOLLOW) < 0)
				ioerror(path, "A", "stat");
			else if (fstatat(dfd[1], name, &sb,
			             AT_SYMLINK_NOFOLLOW) < 0)
				ioerror(path, "B", "stat");
			else
				cmpentry(dfd, name, path, &sa, &sb);
		}
		free(path);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	freenames(v[0], n[0]);
	freenames(v[1], n[1]);
}

static int
cmplink(const struct linkrec *a, const struct linkrec *b, int side)
{
	if (a->dev[side] != b->dev[side])
		return a->dev[side] < b->dev[side] ? -1 : 1;
	if (a->ino[side] != b->ino[side])
		return a->ino[side] < b->ino[side] ? -1 : 1;
	return 0;
}

static int sortside;

static int
cmplinkidx(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = cmplink(&links[a], &links[b], sortside);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* "{p, q, ...}": the other paths in i's group on one side. */
static void
putgroup(const size_t *ord, size_t i, int side)
{
	const struct linkrec *l = &links[i];
	size_t k, shown = 0;

	putchar('{');
	for (k = l->first[side]; k < l->first[side] + l->count[side]; k++) {
		if (ord[k] == i)
			continue;
		if (shown == 4) {
			printf(", ... %zu more", l->count[side] - 1 - shown);
			break;
		}
		if (shown++ > 0)
			printf(", ");
		putpath(stdout, links[ord[k]].path);
	}
	putchar('}');
}

/*
 * Paths sharing an inode must form the same groups in A and B.  Group each
 * side by inode; a path is reported when its A group and B group differ,
 * i.e. when a member of its A group lies in another B group or the two
 * groups differ in size.
 */
static void
cmphardlinks(void)
{
	size_t *ord[2], i, k;
	unsigned char *bad;
	int side;

	if (nlinks == 0)
		return;
	for (side = 0; side < 2; side++) {
		ord[side] = xmalloc(nlinks * sizeof(size_t));
		for (i = 0; i < nlinks; i++)
			ord[side][i] = i;
		sortside = side;
		qsort(ord[side], nlinks, sizeof(size_t), cmplinkidx);
		for (i = 0; i < nlinks; i = k) {
			for (k = i; k < nlinks &&
			     cmplink(&links[ord[side][i]], &links[ord[side][k]],
			         side) == 0;
			     k++)
				continue;
			for (size_t m = i; m < k; m++) {
				links[ord[side][m]].first[side] = i;
				links[ord[side][m]].count[side] = k - i;
			}
		}
	}
	/* bad[g]: A group starting at ord[0][g] is not one whole B group. */
	bad = xmalloc(nlinks);
	memset(bad, 0, nlinks);
	for (i = 0; i < nlinks; i++) {
		const struct linkrec *l = &links[i];
		const struct linkrec *head = &links[ord[0][l->first[0]]];

		if (l->first[1] != head->first[1] || l->count[0] != l->count[1])
			bad[l->first[0]] = 1;
	}
	for (i = 0; i < nlinks; i++) {
		if (!bad[links[i].first[0]])
			continue;
		ndiff++;
		if (opt.quiet)
			continue;
		putpath(stdout, links[i].path);
		printf(": hardlinks: ");
		putgroup(ord[0], i, 0);
		printf(" vs ");
		putgroup(ord[1], i, 1);
		putchar('\n');
	}
	free(bad);
	free(ord[0]);
	free(ord[1]);
}

/* Each directory level kept open costs two descriptors. */
static void
setfdkeep(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 2 * fdkeep + 32)
		fdkeep =
		    rl.rlim_cur > 48 ? (unsigned)(rl.rlim_cur - 32) / 2 : 8;
}

int
main(int argc, char **argv)
{
	struct stat sa, sb;
	int dfd[2], c;

	opt.ignore = xmalloc((size_t)argc * sizeof(*opt.ignore));
	while ((c = getopt(argc, argv, "aHI:qr:x:")) != -1) {
		switch (c) {
		case 'a':
			opt.atime = 1;
			break;
		case 'H':
			opt.holes = 1;
			break;
		case 'I':
			opt.ignore[opt.nignore++] = optarg;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'r':
			if (parse_res(optarg, &opt.res_ns) < 0) {
				fprintf(stderr,
				    "treecmp: bad resolution '%s'\n", optarg);
				usage();
			}
			break;
		case 'x':
			if (parse_excl(optarg) < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	setfdkeep();
	buf[0] = xmalloc(CMPBUF);
	buf[1] = xmalloc(CMPBUF);

	for (c = 0; c < 2; c++) {
		dfd[c] = openro(AT_FDCWD, argv[optind + c], O_DIRECTORY);
		if (dfd[c] < 0) {
			fprintf(stderr, "treecmp: %s: %s\n", argv[optind + c],
			    strerror(errno));
			return 2;
		}
	}
	if (fstat(dfd[0], &sa) < 0 || fstat(dfd[1], &sb) < 0) {
		fprintf(stderr, "treecmp: stat: %s\n", strerror(errno));
		return 2;
	}
	/* The roots themselves, then everything below them. */
	nentries++;
	cmpattrs(".", &sa, &sb);
	cmpdir(dfd, ".");
	if (!(opt.excl & A_HARDLINKS))
		cmphardlinks();

	if (ioerr)
		printf("treecmp: I/O errors, %lu difference%s (%lu entries)\n",
		    ndiff, ndiff == 1 ? "" : "s", nentries);
	else if (ndiff == 0)
		printf("treecmp: identical (%lu entries)\n", nentries);
	else
		printf("treecmp: %lu difference%s (%lu entries)\n", ndiff,
		    ndiff == 1 ? "" : "s", nentries);
	fflush(stdout);
	return ioerr ? 2 : ndiff ? 1 : 0;
}
