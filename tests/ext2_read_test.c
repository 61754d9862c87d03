/*
 * ext2_read_test: mount an ext2/3/4 image read-only in the rump kernel and
 * check everything it holds against the host tree it was made from.
 *
 *   ext2_read_test [-v] [-j N] [-r RES] [-x attr,...] [-I pattern]...
 *                  IMAGE SRCDIR
 *   ext2_read_test -B IMAGE
 *
 * For every entry of SRCDIR: type, permission bits, owner, link count,
 * size, mtime (to RES seconds; 0.000000001 by default), device numbers,
 * symlink targets and file contents (read whole through the direct path,
 * in odd-sized pieces through the buffer cache, and at scattered
 * offsets).  Every directory is listed with getdents and must hold
 * exactly the host's names, with d_type and d_fileno agreeing with lstat;
 * directory cookies must resume listings, and garbage cookies must not
 * hurt.  Hard links must group the same paths.  Writes of every kind must
 * fail with EROFS.  With -j N, N threads then read all files at once.
 *
 *   -x: mode owner uid gid links mtime dirtimes rdev hardlinks
 *   -I: skip host paths (relative to SRCDIR) matching the fnmatch pattern
 *
 * -B is for damaged images: mount if possible and read everything the
 * image seems to hold (every name, attribute, link and byte, each
 * directory once), taking errors as answers.  Only a crash or a hang
 * fails it, so run it under the sanitizers and a time limit.
 *
 * Exit status 0 when everything matched; the last line counts the checks.
 */
#include <rump/rump.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* glibc's <dirent.h> makes d_fileno a macro for d_ino: keep rump's name. */
#undef d_fileno

#define MNT         "/mnt"
#define DEVKEY      "/dev/img"
#define MAXIGN      32
#define BIGREAD     (4u << 20)
#define BADMAXREAD  ((int64_t)64 << 20) /* -B: bytes read of a file */
#define CONCMAX     (256 << 20) /* bigger files are not read concurrently */
#define NITEMS(a)   (sizeof(a) / sizeof((a)[0]))
#define MINSZ(a, b) ((a) < (b) ? (a) : (b))

enum {
	X_MODE = 1 << 0,
	X_UID = 1 << 1,
	X_GID = 1 << 2,
	X_LINKS = 1 << 3,
	X_MTIME = 1 << 4,
	X_DIRTIMES = 1 << 5,
	X_RDEV = 1 << 6,
	X_HARDLINKS = 1 << 7,
};

static const struct {
	const char *name;
	unsigned bits;
} xnames[] = {
    {"mode", X_MODE},
    {"owner", X_UID | X_GID},
    {"uid", X_UID},
    {"gid", X_GID},
    {"links", X_LINKS},
    {"mtime", X_MTIME},
    {"times", X_MTIME | X_DIRTIMES},
    {"dirtimes", X_DIRTIMES},
    {"atime", 0}, /* atimes are not compared */
    {"rdev", X_RDEV},
    {"hardlinks", X_HARDLINKS},
};

static unsigned excl;
static long long res_ns = 1;
static const char *ignore[MAXIGN];
static int nignore;
static int verbose;
static const char *srcdir;
static unsigned long nchecks, nfail;
static pthread_mutex_t outlock = PTHREAD_MUTEX_INITIALIZER;

/* Regular files seen, for the concurrent phase. */
static char **files;
static size_t nfiles, maxfiles;

/* host inode -> image inode, for hard links */
struct linkrec {
	dev_t hdev;
	ino_t hino;
	uint64_t iino;
	char *path;
};
static struct linkrec *links;
static size_t nlinks, maxlinks;

static void fail(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(const char *path, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&outlock);
	nfail++;
	printf("FAIL %s: ", path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	pthread_mutex_unlock(&outlock);
}

static void
pass(void)
{
	pthread_mutex_lock(&outlock);
	nchecks++;
	pthread_mutex_unlock(&outlock);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "ext2_read_test: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "ext2_read_test: out of memory\n");
		exit(2);
	}
	return s;
}

static bool
ignored(const char *rel)
{
	int i;

	for (i = 0; i < nignore; i++)
		if (fnmatch(ignore[i], rel, 0) == 0)
			return true;
	return false;
}

/* Times agree to the resolution of the image (host time truncated). */
static bool
time_eq(int64_t hs, long hns, int64_t is, long ins)
{
	int64_t q;

	if (res_ns >= 1000000000LL) {
		q = res_ns / 1000000000LL;
		hs = hs >= 0 ? hs / q : -((-hs + q - 1) / q);
		is = is >= 0 ? is / q : -((-is + q - 1) / q);
		return hs == is;
	}
	return hs == is && hns / res_ns == ins / res_ns;
}

/* --- attributes -------------------------------------------------------- */

static void
check_hardlink(
    const char *rel, const struct stat *hst, const struct rump_stat *ist)
{
	size_t i;

	if ((excl & X_HARDLINKS) || S_ISDIR(hst->st_mode))
		return;
	for (i = 0; i < nlinks; i++) {
		bool hsame = links[i].hdev == hst->st_dev &&
		    links[i].hino == hst->st_ino;
		bool isame = links[i].iino == ist->st_ino;

		if (hsame != isame) {
			fail(rel,
			    "hard links: %s with %s on %s but not the "
			    "other",
			    hsame ? "shares" : "does not share", links[i].path,
			    hsame ? "the host" : "the image");
			return;
		}
		if (hsame) {
			pass();
			return;
		}
	}
	if (nlinks == maxlinks) {
		maxlinks = maxlinks ? 2 * maxlinks : 256;
		links = realloc(links, maxlinks * sizeof(*links));
		if (links == NULL)
			exit(2);
	}
	links[nlinks].hdev = hst->st_dev;
	links[nlinks].hino = hst->st_ino;
	links[nlinks].iino = ist->st_ino;
	links[nlinks].path = strdup(rel);
	nlinks++;
}

static void
check_attrs(
    const char *rel, const struct stat *hst, const struct rump_stat *ist)
{
	bool isdir = S_ISDIR(hst->st_mode);

	if ((hst->st_mode & S_IFMT) != (ist->st_mode & RUMP_S_IFMT)) {
		fail(rel, "type %o vs %o", hst->st_mode & S_IFMT,
		    ist->st_mode & RUMP_S_IFMT);
		return;
	}
	pass();
	if (!(excl & X_MODE) &&
	    (hst->st_mode & 07777) != (ist->st_mode & 07777))
		fail(rel, "mode %o vs %o", hst->st_mode & 07777,
		    ist->st_mode & 07777);
	if (!(excl & X_UID) && hst->st_uid != ist->st_uid)
		fail(rel, "uid %u vs %u", hst->st_uid, ist->st_uid);
	if (!(excl & X_GID) && hst->st_gid != ist->st_gid)
		fail(rel, "gid %u vs %u", hst->st_gid, ist->st_gid);
	if (!(excl & X_LINKS) && !isdir && hst->st_nlink != ist->st_nlink)
		fail(rel, "links %lu vs %u", (unsigned long)hst->st_nlink,
		    ist->st_nlink);
	if (!isdir && hst->st_size != ist->st_size)
		fail(rel, "size %lld vs %lld", (long long)hst->st_size,
		    (long long)ist->st_size);
	if (!(excl & X_MTIME) && (!isdir || !(excl & X_DIRTIMES)) &&
	    !time_eq(hst->st_mtim.tv_sec, hst->st_mtim.tv_nsec,
	        ist->st_mtim.tv_sec, ist->st_mtim.tv_nsec))
		fail(rel, "mtime %lld.%09ld vs %lld.%09lld",
		    (long long)hst->st_mtim.tv_sec, hst->st_mtim.tv_nsec,
		    (long long)ist->st_mtim.tv_sec,
		    (long long)ist->st_mtim.tv_nsec);
	if (!(excl & X_RDEV) &&
	    (S_ISCHR(hst->st_mode) || S_ISBLK(hst->st_mode)) &&
	    (major(hst->st_rdev) != RUMP_MAJOR(ist->st_rdev) ||
	        minor(hst->st_rdev) != RUMP_MINOR(ist->st_rdev)))
		fail(rel, "rdev %u,%u vs %u,%u", major(hst->st_rdev),
		    minor(hst->st_rdev), RUMP_MAJOR(ist->st_rdev),
		    RUMP_MINOR(ist->st_rdev));
	if (ist->st_blksize == 0 || ist->st_blocks < 0)
		fail(rel, "blksize %u blocks %lld", ist->st_blksize,
		    (long long)ist->st_blocks);
	check_hardlink(rel, hst, ist);
}

/* --- contents ---------------------------------------------------------- */

/* Read exactly n bytes at off from a host file (short at its end). */
static size_t
host_pread(int fd, char *buf, size_t n, off_t off)
{
	size_t done = 0;
	ssize_t r;

	while (done < n &&
	    (r = pread(fd, buf + done, n - done, off + (off_t)done)) > 0)
		done += (size_t)r;
	return done;
}

/* Read the image file in pieces of `chunk` bytes from `start` to the end. */
static bool
image_read_chunks(const char *rel, int ifd, int hfd, uint64_t len, size_t chunk,
    uint64_t start, char *ibuf, char *hbuf)
{
	uint64_t off = start;
	int64_t n;

	if (rump_sys_lseek(ifd, (int64_t)start, RUMP_SEEK_SET) !=
	    (int64_t)start) {
		fail(rel, "lseek: %s", strerror(errno));
		return false;
	}
	for (;;) {
		n = rump_sys_read(ifd, ibuf, chunk);
		if (n < 0) {
			fail(rel, "read at %llu: %s", (unsigned long long)off,
			    strerror(errno));
			return false;
		}
		if (n == 0)
			break;
		if (off + (uint64_t)n > len ||
		    host_pread(hfd, hbuf, (size_t)n, (off_t)off) != (size_t)n ||
		    memcmp(ibuf, hbuf, (size_t)n) != 0) {
			fail(rel,
			    "contents differ in the %zu bytes at %llu "
			    "(pieces of %zu)",
			    (size_t)n, (unsigned long long)off, chunk);
			return false;
		}
		off += (uint64_t)n;
	}
	if (off != len) {
		fail(rel, "read %llu bytes of %llu (pieces of %zu)",
		    (unsigned long long)off, (unsigned long long)len, chunk);
		return false;
	}
	return true;
}

/*
 * Compare a file's contents: whole (big reads, the direct path), in odd
 * pieces from odd places (the buffer cache), and by scattered preads.
 */
static void
check_contents(const char *rel, const char *hpath, const char *ipath, bool full)
{
	static const size_t pieces[] = {1000, 4096, 65536 + 512};
	char *ibuf, *hbuf;
	uint64_t len, off;
	struct stat st;
	int ifd, hfd;
	size_t i, n;
	int64_t got;

	if ((hfd = open(hpath, O_RDONLY | O_NOATIME)) < 0 &&
	    (hfd = open(hpath, O_RDONLY)) < 0) {
		fail(rel, "host open: %s", strerror(errno));
		return;
	}
	if (fstat(hfd, &st) != 0 ||
	    (ifd = rump_sys_open(ipath, RUMP_O_RDONLY, 0)) < 0) {
		fail(rel, "open: %s", strerror(errno));
		close(hfd);
		return;
	}
	len = (uint64_t)st.st_size;
	ibuf = xmalloc(BIGREAD);
	hbuf = xmalloc(BIGREAD);
	if (image_read_chunks(rel, ifd, hfd, len, BIGREAD, 0, ibuf, hbuf))
		pass();
	for (i = 0; full && i < NITEMS(pieces); i++) {
		/* small pieces of big files are slow and add nothing */
		if (len > ((uint64_t)pieces[i] << 12))
			continue;
		if (image_read_chunks(rel, ifd, hfd, len, pieces[i],
		        i == 0 ? 0 : len / 3 + (len > 0), ibuf, hbuf))
			pass();
	}
	for (i = 0; full && i < 16 && len > 0; i++) {
		off = ((uint64_t)i * 2654435761u * 977) % len;
		n = 1 + (i * 40503u) % 9000;
		got = rump_sys_pread(ifd, ibuf, n, (int64_t)off);
		if (got != (int64_t)MINSZ(n, len - off) ||
		    host_pread(hfd, hbuf, (size_t)got, (off_t)off) !=
		        (size_t)got ||
		    memcmp(ibuf, hbuf, (size_t)got) != 0) {
			fail(rel, "pread(%zu, %llu) = %lld", n,
			    (unsigned long long)off, (long long)got);
			break;
		}
	}
	if ((got = rump_sys_pread(ifd, ibuf, 10, (int64_t)len + 4096)) != 0)
		fail(rel, "pread past the end = %lld", (long long)got);
	rump_sys_close(ifd);
	close(hfd);
	free(ibuf);
	free(hbuf);
}

static void
check_symlink(const char *rel, const char *hpath, const char *ipath)
{
	char h[8192], i[8192];
	ssize_t hn;
	int64_t in;

	hn = readlink(hpath, h, sizeof(h));
	in = rump_sys_readlink(ipath, i, sizeof(i));
	if (hn < 0 || in < 0) {
		fail(rel, "readlink: %s", strerror(errno));
		return;
	}
	if (hn != in || memcmp(h, i, (size_t)hn) != 0) {
		fail(rel, "target '%.*s' vs '%.*s'", (int)hn, h, (int)in, i);
		return;
	}
	/* a short buffer gets a prefix */
	if (hn > 3 &&
	    (rump_sys_readlink(ipath, i, 3) != 3 || memcmp(h, i, 3) != 0)) {
		fail(rel, "short readlink");
		return;
	}
	pass();
}

/* --- directories ------------------------------------------------------- */

struct ent {
	char *name;
	uint64_t ino;
	int64_t off;
	uint8_t type;
};

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List a directory of the image with getdents through `bufsize` bytes. */
static struct ent *
image_list(const char *rel, int fd, size_t bufsize, size_t *np)
{
	struct ent *v = NULL;
	size_t n = 0, max = 0, pos;
	char *buf = xmalloc(bufsize);
	struct rump_dirent *d;
	int64_t got;

	while ((got = rump_sys_getdents(fd, buf, bufsize)) > 0) {
		for (pos = 0; pos < (size_t)got; pos += d->d_reclen) {
			d = (struct rump_dirent *)(buf + pos);
			if (d->d_reclen < RUMP_DIRENT_SIZE(d->d_namlen) ||
			    pos + d->d_reclen > (size_t)got ||
			    strlen(d->d_name) != d->d_namlen) {
				fail(rel, "malformed dirent at %zu", pos);
				free(buf);
				*np = n;
				return v;
			}
			if (n == max) {
				max = max ? 2 * max : 64;
				v = realloc(v, max * sizeof(*v));
				if (v == NULL)
					exit(2);
			}
			v[n].name = strdup(d->d_name);
			v[n].ino = d->d_fileno;
			v[n].off = d->d_off;
			v[n].type = d->d_type;
			n++;
		}
	}
	if (got < 0)
		fail(rel, "getdents: %s", strerror(errno));
	free(buf);
	*np = n;
	return v;
}

static void
ents_free(struct ent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static uint8_t
mode2dt(uint32_t mode)
{
	switch (mode & RUMP_S_IFMT) {
	case RUMP_S_IFREG:
		return RUMP_DT_REG;
	case RUMP_S_IFDIR:
		return RUMP_DT_DIR;
	case RUMP_S_IFLNK:
		return RUMP_DT_LNK;
	case RUMP_S_IFCHR:
		return RUMP_DT_CHR;
	case RUMP_S_IFBLK:
		return RUMP_DT_BLK;
	case RUMP_S_IFIFO:
		return RUMP_DT_FIFO;
	case RUMP_S_IFSOCK:
		return RUMP_DT_SOCK;
	}
	return RUMP_DT_UNKNOWN;
}

/* Cookies: resuming at an entry's d_off lists the rest; garbage is safe. */
static void
check_cookies(const char *rel, int fd, const struct ent *v, size_t n)
{
	struct ent *w;
	size_t k, m, j;

	for (k = 0; k + 1 < n; k += (n / 7) + 1) {
		rump_sys_lseek(fd, v[k].off, RUMP_SEEK_SET);
		w = image_list(rel, fd, 512, &m);
		if (m != n - k - 1) {
			fail(rel,
			    "resuming after entry %zu: %zu entries, want "
			    "%zu",
			    k, m, n - k - 1);
			ents_free(w, m);
			return;
		}
		for (j = 0; j < m; j++)
			if (strcmp(w[j].name, v[k + 1 + j].name) != 0)
				break;
		if (j < m)
			fail(rel, "resuming after entry %zu: '%s', want '%s'",
			    k, w[j].name, v[k + 1 + j].name);
		ents_free(w, m);
		/* an offset inside an entry: any subset of names, no error */
		rump_sys_lseek(fd, v[k].off + 1, RUMP_SEEK_SET);
		w = image_list(rel, fd, 300, &m);
		if (m > n)
			fail(rel, "garbage cookie gave %zu entries", m);
		ents_free(w, m);
	}
	/* a buffer too small for any entry */
	rump_sys_lseek(fd, 0, RUMP_SEEK_SET);
	if (rump_sys_getdents(fd, (char[8]){0}, 8) != -1 || errno != EINVAL)
		fail(rel, "getdents into 8 bytes did not fail with EINVAL");
	/* far past the end: nothing */
	rump_sys_lseek(fd, (int64_t)1 << 40, RUMP_SEEK_SET);
	w = image_list(rel, fd, 4096, &m);
	if (m != 0)
		fail(rel, "listing past the end gave %zu entries", m);
	ents_free(w, m);
	pass();
}

static void walk(const char *rel);

/* Compare a directory's listing with the host's, then walk into it. */
static void
check_dir(const char *rel, const char *hpath, const char *ipath)
{
	char **hnames = NULL;
	size_t nh = 0, maxh = 0, ni, i, j;
	struct rump_stat st;
	struct dirent *de;
	struct ent *v;
	bool dot = false, dotdot = false;
	char *sub, *p;
	DIR *d;
	int fd;

	if ((d = opendir(hpath)) == NULL) {
		fail(rel, "host opendir: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sub = *rel ? xasprintf("%s/%s", rel, de->d_name)
		           : xasprintf("%s", de->d_name);
		if (ignored(sub)) {
			free(sub);
			continue;
		}
		free(sub);
		if (nh == maxh) {
			maxh = maxh ? 2 * maxh : 64;
			hnames = realloc(hnames, maxh * sizeof(*hnames));
			if (hnames == NULL)
				exit(2);
		}
		hnames[nh++] = strdup(de->d_name);
	}
	closedir(d);
	if (nh > 0)
		qsort(hnames, nh, sizeof(*hnames), name_cmp);

	if ((fd = rump_sys_open(ipath, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0)) <
	    0) {
		fail(rel, "open dir: %s", strerror(errno));
		goto out;
	}
	v = image_list(rel, fd, 4096, &ni);
	check_cookies(rel, fd, v, ni);
	if (rump_sys_read(fd, (char[16]){0}, 16) != -1 || errno != EISDIR)
		fail(rel, "read of a directory did not fail with EISDIR");
	rump_sys_close(fd);

	/* every image entry (but those ignored) agrees with lstat */
	for (i = 0, j = 0; i < ni; i++) {
		if (strcmp(v[i].name, ".") == 0 ||
		    strcmp(v[i].name, "..") == 0) {
			if (v[i].name[1] == '\0')
				dot = true;
			else
				dotdot = true;
			free(v[i].name);
			continue;
		}
		sub = *rel ? xasprintf("%s/%s", rel, v[i].name)
		           : xasprintf("%s", v[i].name);
		if (ignored(sub)) {
			free(sub);
			free(v[i].name);
			continue;
		}
		p = xasprintf("%s/%s", ipath, v[i].name);
		if (rump_sys_lstat(p, &st) != 0)
			fail(
			    sub, "lstat of a listed name: %s", strerror(errno));
		else if (st.st_ino != v[i].ino)
			fail(sub, "d_fileno %llu vs st_ino %llu",
			    (unsigned long long)v[i].ino,
			    (unsigned long long)st.st_ino);
		else if (v[i].type != RUMP_DT_UNKNOWN &&
		    v[i].type != mode2dt(st.st_mode))
			fail(
			    sub, "d_type %u vs mode %o", v[i].type, st.st_mode);
		else
			pass();
		free(p);
		free(sub);
		v[j++] = v[i];
	}
	if (!dot || !dotdot)
		fail(rel, "no \".\" or \"..\" entry");
	if (j > 0)
		qsort(v, j, sizeof(*v), ent_cmp);
	for (i = 0; i < j && i < nh; i++)
		if (strcmp(v[i].name, hnames[i]) != 0)
			break;
	if (i < j || i < nh || j != nh)
		fail(rel,
		    "names differ: image has %zu, host %zu; first "
		    "difference '%s' vs '%s'",
		    j, nh, i < j ? v[i].name : "(end)",
		    i < nh ? hnames[i] : "(end)");
	else
		pass();
	ents_free(v, j);

	for (i = 0; i < nh; i++) {
		sub = *rel ? xasprintf("%s/%s", rel, hnames[i])
		           : xasprintf("%s", hnames[i]);
		walk(sub);
		free(sub);
	}
out:
	for (i = 0; i < nh; i++)
		free(hnames[i]);
	free(hnames);
}

static void
add_file(const char *rel)
{
	if (nfiles == maxfiles) {
		maxfiles = maxfiles ? 2 * maxfiles : 256;
		files = realloc(files, maxfiles * sizeof(*files));
		if (files == NULL)
			exit(2);
	}
	files[nfiles++] = strdup(rel);
}

/* Check one entry (rel is relative to SRCDIR and MNT; "" is the root). */
static void
walk(const char *rel)
{
	char *hpath = xasprintf("%s/%s", srcdir, rel);
	char *ipath = xasprintf(MNT "/%s", rel);
	struct rump_stat ist;
	struct stat hst;

	if (verbose)
		printf("%s\n", *rel ? rel : ".");
	if (lstat(hpath, &hst) != 0) {
		fail(rel, "host lstat: %s", strerror(errno));
		goto out;
	}
	if (rump_sys_lstat(ipath, &ist) != 0) {
		fail(rel, "lstat: %s", strerror(errno));
		goto out;
	}
	check_attrs(*rel ? rel : ".", &hst, &ist);
	if (S_ISREG(hst.st_mode)) {
		check_contents(rel, hpath, ipath, true);
		add_file(rel);
	} else if (S_ISLNK(hst.st_mode))
		check_symlink(rel, hpath, ipath);
	else if (S_ISDIR(hst.st_mode))
		check_dir(rel, hpath, ipath);
out:
	free(hpath);
	free(ipath);
}

/* --- read-only behaviour ----------------------------------------------- */

static void
expect_err(const char *what, int ret, int want)
{
	if (ret != -1 || errno != want)
		fail(what, "returned %d (%s), want %s", ret,
		    ret == -1 ? strerror(errno) : "success", strerror(want));
	else
		pass();
}

static void
check_readonly(void)
{
	const char *file = nfiles > 0 ? files[0] : NULL;
	char *p, *q;
	int fd;

	expect_err("open of a missing name",
	    rump_sys_open(MNT "/no-such-name", RUMP_O_RDONLY, 0), ENOENT);
	expect_err("create",
	    rump_sys_open(MNT "/new-file", RUMP_O_WRONLY | RUMP_O_CREAT, 0644),
	    EROFS);
	expect_err("mkdir", rump_sys_mkdir(MNT "/new-dir", 0755), EROFS);
	expect_err("symlink", rump_sys_symlink("x", MNT "/new-link"), EROFS);
	expect_err("rmdir", rump_sys_rmdir(MNT "/lost+found"), EROFS);
	expect_err("chmod of the root", rump_sys_chmod(MNT, 0700), EROFS);
	if (file == NULL)
		return;
	p = xasprintf(MNT "/%s", file);
	q = xasprintf(MNT "/%s.renamed", file);
	expect_err("open for writing", rump_sys_open(p, RUMP_O_RDWR, 0), EROFS);
	expect_err("unlink", rump_sys_unlink(p), EROFS);
	expect_err("rename", rump_sys_rename(p, q), EROFS);
	expect_err(
	    "lookup below a file", rump_sys_open(q, RUMP_O_RDONLY, 0), ENOENT);
	free(q);
	q = xasprintf("%s/x", p);
	expect_err("a file as a directory", rump_sys_open(q, RUMP_O_RDONLY, 0),
	    ENOTDIR);
	if ((fd = rump_sys_open(p, RUMP_O_RDONLY, 0)) >= 0) {
		expect_err("getdents of a file",
		    (int)rump_sys_getdents(fd, (char[512]){0}, 512), ENOTDIR);
		rump_sys_close(fd);
	}
	free(p);
	free(q);
}

/* Device nodes of the image are attributes only. */
static void
check_devices(const char *rel)
{
	char *p = xasprintf(MNT "/%s", rel);
	char buf[16];
	int fd;

	fd = rump_sys_open(p, RUMP_O_RDONLY | RUMP_O_NONBLOCK, 0);
	if (fd >= 0) {
		if (rump_sys_read(fd, buf, sizeof(buf)) >= 0)
			fail(rel, "read of a device node succeeded");
		else
			pass();
		rump_sys_close(fd);
	} else
		pass();
	free(p);
}

static void
walk_devices(const char *rel)
{
	char *hpath = xasprintf("%s/%s", srcdir, rel), *sub;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(hpath, &st) == 0 &&
	    (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		check_devices(rel);
	else if (S_ISDIR(st.st_mode) && (d = opendir(hpath)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' &&
			    (de->d_name[1] == '\0' ||
			        strcmp(de->d_name, "..") == 0))
				continue;
			sub = *rel ? xasprintf("%s/%s", rel, de->d_name)
			           : xasprintf("%s", de->d_name);
			if (!ignored(sub))
				walk_devices(sub);
			free(sub);
		}
		closedir(d);
	}
	free(hpath);
}

/* --- concurrency ------------------------------------------------------- */

static void *
reader(void *arg)
{
	size_t start = (size_t)(uintptr_t)arg, i, k;
	struct stat st;
	char *h, *m;

	for (k = 0; k < nfiles; k++) {
		i = (start * 7919 + k) % nfiles;
		h = xasprintf("%s/%s", srcdir, files[i]);
		m = xasprintf(MNT "/%s", files[i]);
		if (stat(h, &st) == 0 && st.st_size <= CONCMAX)
			check_contents(files[i], h, m, false);
		free(h);
		free(m);
	}
	return NULL;
}

/* --- damaged images ---------------------------------------------------- */

static uint64_t *seen;
static size_t nseen, maxseen;
static unsigned long nerrors, nread;

/* Visit each directory once, however the image links them. */
static bool
seen_before(uint64_t ino)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i] == ino)
			return true;
	if (nseen == maxseen) {
		maxseen = maxseen ? 2 * maxseen : 256;
		seen = realloc(seen, maxseen * sizeof(*seen));
		if (seen == NULL)
			exit(2);
	}
	seen[nseen++] = ino;
	return false;
}

static void
bad_walk(const char *path, unsigned depth)
{
	char buf[8192], *sub;
	struct rump_dirent *d;
	struct rump_stat st;
	int64_t got, pos;
	int fd;

	if (rump_sys_lstat(path, &st) != 0) {
		nerrors++;
		return;
	}
	nread++;
	if ((st.st_mode & RUMP_S_IFMT) == RUMP_S_IFLNK) {
		if (rump_sys_readlink(path, buf, sizeof(buf)) < 0)
			nerrors++;
		return;
	}
	if ((st.st_mode & RUMP_S_IFMT) == RUMP_S_IFREG) {
		if ((fd = rump_sys_open(path, RUMP_O_RDONLY, 0)) < 0) {
			nerrors++;
			return;
		}
		/* a damaged size may make a file huge (and sparse) */
		for (pos = 0; pos < BADMAXREAD &&
		     (got = rump_sys_read(fd, buf, sizeof(buf))) > 0;
		     pos += got)
			nread++;
		if (got < 0)
			nerrors++;
		rump_sys_close(fd);
		return;
	}
	if ((st.st_mode & RUMP_S_IFMT) != RUMP_S_IFDIR || depth > 200 ||
	    seen_before(st.st_ino))
		return;
	if ((fd = rump_sys_open(path, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0)) <
	    0) {
		nerrors++;
		return;
	}
	while ((got = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < got; pos += d->d_reclen) {
			d = (struct rump_dirent *)(buf + pos);
			if (d->d_reclen == 0)
				break;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			sub = xasprintf("%s/%s", path, d->d_name);
			bad_walk(sub, depth + 1);
			free(sub);
		}
	}
	if (got < 0)
		nerrors++;
	rump_sys_close(fd);
}

static int
bad_image(const char *image, struct rump_diskfs_args *args)
{
	struct rump_statvfs sv;

	if (rump_sys_mount(
	        "ext2fs", MNT, RUMP_MNT_RDONLY, args, sizeof(*args)) != 0) {
		printf("ext2_read_test -B %s: mount: %s\n", image,
		    strerror(errno));
		return 0;
	}
	(void)rump_sys_statvfs(MNT, &sv);
	bad_walk(MNT, 0);
	if (rump_sys_unmount(MNT, 0) != 0) {
		printf("ext2_read_test -B %s: unmount: %s\n", image,
		    strerror(errno));
		return 1;
	}
	printf("ext2_read_test -B %s: %lu things read, %lu errors\n", image,
	    nread, nerrors);
	return 0;
}

/* --- main -------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ext2_read_test [-v] [-j N] [-r RES] "
	    "[-x attr,...] [-I pattern]... IMAGE SRCDIR\n"
	    "       ext2_read_test -B IMAGE\n");
	exit(2);
}

static void
parse_excl(char *s)
{
	char *tok;
	size_t i;

	for (tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ",")) {
		for (i = 0; i < NITEMS(xnames); i++)
			if (strcmp(tok, xnames[i].name) == 0)
				break;
		if (i == NITEMS(xnames)) {
			fprintf(stderr,
			    "ext2_read_test: unknown attribute "
			    "'%s'\n",
			    tok);
			usage();
		}
		excl |= xnames[i].bits;
	}
}

static void
check_statvfs(const char *image)
{
	struct rump_statvfs sv;
	uint8_t sb[1024];
	uint32_t logbs, ninodes;
	int fd;

	if (rump_sys_statvfs(MNT, &sv) != 0) {
		fail("statvfs", "%s", strerror(errno));
		return;
	}
	fd = open(image, O_RDONLY);
	if (fd < 0 || pread(fd, sb, sizeof(sb), 1024) != (ssize_t)sizeof(sb)) {
		fail("statvfs", "cannot read the superblock on the host");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	logbs = sb[24] | sb[25] << 8 | sb[26] << 16 | (uint32_t)sb[27] << 24;
	ninodes = sb[0] | sb[1] << 8 | sb[2] << 16 | (uint32_t)sb[3] << 24;
	if (sv.f_bsize != (1024u << logbs) || sv.f_files != ninodes ||
	    sv.f_ffree > sv.f_files || sv.f_bfree > sv.f_blocks ||
	    sv.f_bavail > sv.f_bfree || sv.f_blocks == 0 ||
	    strcmp(sv.f_fstypename, "ext2fs") != 0)
		fail("statvfs",
		    "bsize %llu files %llu ffree %llu blocks %llu bfree %llu "
		    "type '%s'",
		    (unsigned long long)sv.f_bsize,
		    (unsigned long long)sv.f_files,
		    (unsigned long long)sv.f_ffree,
		    (unsigned long long)sv.f_blocks,
		    (unsigned long long)sv.f_bfree, sv.f_fstypename);
	else
		pass();
}

int
main(int argc, char **argv)
{
	struct rump_diskfs_args args = {DEVKEY, NULL};
	pthread_t *tids;
	const char *image;
	int c, njobs = 0, i, error, bad = 0;

	while ((c = getopt(argc, argv, "BI:j:r:vx:")) != -1) {
		switch (c) {
		case 'B':
			bad = 1;
			break;
		case 'I':
			if (nignore == MAXIGN)
				usage();
			ignore[nignore++] = optarg;
			break;
		case 'j':
			njobs = atoi(optarg);
			break;
		case 'r':
			res_ns = (long long)(strtod(optarg, NULL) * 1e9 + 0.5);
			if (res_ns <= 0)
				usage();
			break;
		case 'v':
			verbose = 1;
			break;
		case 'x':
			parse_excl(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 - bad)
		usage();
	image = argv[optind];
	srcdir = argv[optind + 1 - bad];

	if ((error = rump_init()) != 0 ||
	    (error = rump_pub_etfs_register(DEVKEY, image, RUMP_ETFS_BLK, 0,
	         RUMP_ETFS_SIZE_ENDOFF, RUMP_ETFS_RDONLY)) != 0) {
		fprintf(stderr, "ext2_read_test: setup: %s\n", strerror(error));
		return 2;
	}
	if (rump_sys_mkdir(MNT, 0755) != 0 && errno != EEXIST) {
		perror("ext2_read_test: mkdir " MNT);
		return 2;
	}
	if (bad)
		return bad_image(image, &args);
	expect_err("read-write mount",
	    rump_sys_mount("ext2fs", MNT, 0, &args, sizeof(args)), EROFS);
	if (rump_sys_mount(
	        "ext2fs", MNT, RUMP_MNT_RDONLY, &args, sizeof(args)) != 0) {
		fprintf(stderr, "ext2_read_test: mount %s: %s\n", image,
		    strerror(errno));
		return 1;
	}

	walk("");
	check_statvfs(image);
	check_readonly();
	walk_devices("");

	if (njobs > 0) {
		tids = xmalloc((size_t)njobs * sizeof(*tids));
		for (i = 0; i < njobs; i++)
			pthread_create(
			    &tids[i], NULL, reader, (void *)(uintptr_t)i);
		for (i = 0; i < njobs; i++)
			pthread_join(tids[i], NULL);
		free(tids);
	}

	/* an open file keeps the file system busy */
	if (nfiles > 0) {
		char *p = xasprintf(MNT "/%s", files[0]);
		int fd = rump_sys_open(p, RUMP_O_RDONLY, 0);

		expect_err("unmount with an open file",
		    rump_sys_unmount(MNT, 0), EBUSY);
		rump_sys_close(fd);
		free(p);
	}
	if (rump_sys_unmount(MNT, 0) != 0)
		fail("unmount", "%s", strerror(errno));
	/* and once more, to see that unmount left nothing behind */
	if (rump_sys_mount(
	        "ext2fs", MNT, RUMP_MNT_RDONLY, &args, sizeof(args)) != 0 ||
	    rump_sys_unmount(MNT, 0) != 0)
		fail("remount", "%s", strerror(errno));

	printf("ext2_read_test %s: %lu checks passed, %lu failed\n", image,
	    nchecks, nfail);
	return nfail == 0 ? 0 : 1;
}
