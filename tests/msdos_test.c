/*
 * FAT-specific behaviour through the system calls, beyond the common VFS
 * tests (vfs_test.c):
 *
 *   msdos_test [-v] [-s SEED] IMAGE [MOUNT-OPTIONS]
 *
 * IMAGE is a freshly made, empty FAT file system; the tests leave it
 * holding what they made, for fsck.fat to check afterwards.
 */
#include <rump/rump.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int verbose;
static int nfail, npass;
static const char *curtest;
static bool failed_now;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("  %s: line %d: %s failed (errno %d: %s)\n",    \
			    curtest, __LINE__, #cond, errno, strerror(errno)); \
			failed_now = true;                                     \
			return;                                                \
		}                                                              \
	} while (0)
#define CHECK_ERR(call, err)                                                   \
	do {                                                                   \
		errno = 0;                                                     \
		if ((call) != -1 || errno != (err)) {                          \
			printf("  %s: line %d: %s: wanted %s, got %d (%s)\n",  \
			    curtest, __LINE__, #call, strerror(err), errno,    \
			    strerror(errno));                                  \
			failed_now = true;                                     \
			return;                                                \
		}                                                              \
	} while (0)

static char pbuf[8][1024];
static int pidx;

static const char *
P(const char *fmt, ...)
{
	char *b = pbuf[pidx++ & 7];
	va_list ap;
	int n;

	n = snprintf(b, 1024, "/mnt/");
	va_start(ap, fmt);
	vsnprintf(b + n, (size_t)(1024 - n), fmt, ap);
	va_end(ap);
	return b;
}

static int
put(const char *path, const char *data, size_t len)
{
	int fd = rump_sys_open(
	    path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (rump_sys_write(fd, data, len) != (int64_t)len) {
		rump_sys_close(fd);
		return -1;
	}
	return rump_sys_close(fd);
}

static int64_t
get(const char *path, char *buf, size_t len)
{
	int fd = rump_sys_open(path, RUMP_O_RDONLY, 0);
	int64_t n;

	if (fd < 0)
		return -1;
	n = rump_sys_read(fd, buf, len);
	rump_sys_close(fd);
	return n;
}

static uint64_t
ino(const char *path)
{
	struct rump_stat sb;

	return rump_sys_stat(path, &sb) == 0 ? sb.st_ino : 0;
}

/* Does a directory listing hold exactly this name? */
static bool
listed(const char *dir, const char *name)
{
	char buf[8192];
	int64_t n, off;
	bool found = false;
	int fd;

	if ((fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0)) < 0)
		return false;
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n;) {
			struct rump_dirent *d = (void *)(buf + off);
			if (strcmp(d->d_name, name) == 0)
				found = true;
			off += d->d_reclen;
		}
	rump_sys_close(fd);
	return found;
}

/* Lookups keep working when the entry they last found is replaced. */
static void
t_stale_hint(void)
{
	const char *l1 = "first-long-name-aaaaaaaaa.txt";
	const char *l2 =
	    "second-long-name-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.txt";
	struct rump_stat sb;
	char buf[64];

	CHECK(rump_sys_mkdir(P("hint"), 0755) == 0);
	CHECK(put(P("hint/x"), "x", 1) == 0);
	CHECK(put(P("hint/%s", l1), "1", 1) == 0);
	CHECK(rump_sys_stat(P("hint/%s", l1), &sb) == 0); /* hint: l1 */
	CHECK(rump_sys_unlink(P("hint/%s", l1)) == 0);
	CHECK(rump_sys_unlink(P("hint/x")) == 0);
	/* l2 takes the slots from x's on, over where the hint points */
	CHECK(put(P("hint/%s", l2), "2", 1) == 0);
	CHECK(get(P("hint/%s", l2), buf, sizeof(buf)) == 1 && buf[0] == '2');
	CHECK(listed(P("hint"), l2));
}

/* Case-insensitive lookups, the case written kept. */
static void
t_case(void)
{
	struct rump_stat sb, sb2;
	char buf[16];

	CHECK(rump_sys_mkdir(P("case"), 0755) == 0);
	CHECK(put(P("case/MixedCase.Txt"), "m", 1) == 0);
	CHECK(rump_sys_stat(P("case/mixedcase.txt"), &sb) == 0);
	CHECK(rump_sys_stat(P("case/MIXEDCASE.TXT"), &sb2) == 0);
	CHECK(sb.st_ino == sb2.st_ino);
	CHECK(listed(P("case"), "MixedCase.Txt"));
	CHECK(!listed(P("case"), "mixedcase.txt"));
	CHECK_ERR(rump_sys_open(P("case/MIXEDcase.txt"),
	              RUMP_O_CREAT | RUMP_O_EXCL | RUMP_O_WRONLY, 0644),
	    EEXIST);
	CHECK_ERR(rump_sys_mkdir(P("CASE"), 0755), EEXIST);
	/* short-name-only entries, lower case by the NT flags */
	CHECK(put(P("case/lower.txt"), "l", 1) == 0);
	CHECK(put(P("case/UPPER.TXT"), "u", 1) == 0);
	CHECK(listed(P("case"), "lower.txt") && listed(P("case"), "UPPER.TXT"));
	CHECK(get(P("case/LOWER.TXT"), buf, sizeof(buf)) == 1);
	/* a rename that only changes case is a rename to itself */
	CHECK(rump_sys_rename(P("case/upper.txt"), P("case/Upper.Txt")) == 0);
	CHECK(rump_sys_stat(P("case/UPPER.TXT"), &sb) == 0);
	/* Greek and Cyrillic fold too */
	CHECK(put(P("case/\xce\xa9mega-\xd0\x96"), "g", 1) == 0); /* Ωmega-Ж */
	CHECK(rump_sys_stat(P("case/\xcf\x89MEGA-\xd0\xb6"), &sb) == 0);
}

static void
t_badnames(void)
{
	static const char *bad[] = {"a*b", "a?b", "a<b", "a>b", "a|b", "a\"b",
	    "a:b", "a\\b", "a\001b", "trailing.", "blank ", "..."};
	char name[600];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_ERR(put(P("%s", bad[i]), "", 0), EINVAL);
	CHECK_ERR(rump_sys_mkdir(P("x:y"), 0755), EINVAL);
	CHECK_ERR(put(P("bad-utf8-\xff"), "", 0), EINVAL);
	/* 255 UTF-16 units, as UTF-8 of 2 bytes each: fine; 256: too long */
	memset(name, 0, sizeof(name));
	for (i = 0; i < 255; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[510] = '\0';
	CHECK(put(P("%s", name), "e", 1) == 0);
	CHECK(rump_sys_unlink(P("%s", name)) == 0);
	CHECK(rump_sys_symlink("x", P("sym")) == -1 && errno == EOPNOTSUPP);
	CHECK(rump_sys_mkfifo(P("fifo"), 0644) == -1 && errno == EOPNOTSUPP);
	CHECK(put(P("linksrc"), "s", 1) == 0);
	CHECK(rump_sys_link(P("linksrc"), P("linkdst")) == -1 &&
	    errno == EOPNOTSUPP);
	CHECK(rump_sys_chown(P("linksrc"), 1, 1) == -1 && errno == EOPNOTSUPP);
	CHECK(rump_sys_chown(P("linksrc"), 0, 0) == 0); /* no change */
	CHECK(rump_sys_unlink(P("linksrc")) == 0);
}

/* File numbers: stable across renames, the same from readdir and stat. */
static void
t_fileno(void)
{
	char buf[8192];
	int64_t n, off;
	uint64_t i1, i2, d1;
	int fd;

	CHECK(rump_sys_mkdir(P("fn"), 0755) == 0);
	CHECK(rump_sys_mkdir(P("fn/a"), 0755) == 0);
	CHECK(rump_sys_mkdir(P("fn/b"), 0755) == 0);
	CHECK(put(P("fn/a/file"), "data", 4) == 0);
	CHECK(put(P("fn/a/empty"), "", 0) == 0);
	i1 = ino(P("fn/a/file"));
	d1 = ino(P("fn/a"));
	CHECK(rump_sys_rename(
	          P("fn/a/file"), P("fn/b/moved with a long name")) == 0);
	CHECK(ino(P("fn/b/moved with a long name")) == i1);
	CHECK(rump_sys_rename(P("fn/a"), P("fn/b/a2")) == 0);
	CHECK(ino(P("fn/b/a2")) == d1);
	CHECK(ino(P("fn/b/a2/..")) == ino(P("fn/b")));
	CHECK(ino(P("fn/b/a2/empty")) != 0);
	i2 = ino(P("fn/b/a2/empty"));
	CHECK(i2 != i1 && i2 != d1);
	fd = rump_sys_open(P("fn/b"), RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n;) {
			struct rump_dirent *d = (void *)(buf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, "..") == 0)
				CHECK(d->d_fileno == ino(P("fn")));
			else
				CHECK(d->d_fileno ==
				    ino(P("fn/b/%s", d->d_name)));
		}
	rump_sys_close(fd);
}

/* An unlinked open file keeps its data while its slot is reused. */
static void
t_unlinked_reuse(void)
{
	char buf[16];
	int fd;

	CHECK(rump_sys_mkdir(P("ul"), 0755) == 0);
	CHECK(put(P("ul/first"), "first data", 10) == 0);
	fd = rump_sys_open(P("ul/first"), RUMP_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_unlink(P("ul/first")) == 0);
	CHECK(put(P("ul/second"), "second", 6) == 0);
	CHECK(rump_sys_pwrite(fd, "FIRST", 5, 0) == 5);
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 0) == 10);
	CHECK(memcmp(buf, "FIRST data", 10) == 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(get(P("ul/second"), buf, sizeof(buf)) == 6);
	CHECK(memcmp(buf, "second", 6) == 0);
}

/* Truncation frees, extension zero-fills, even inside a cluster. */
static void
t_trunc_zero(void)
{
	char buf[70000];
	size_t i;
	int fd;

	memset(buf, 'x', sizeof(buf));
	CHECK(put(P("tz"), buf, sizeof(buf)) == 0);
	fd = rump_sys_open(P("tz"), RUMP_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_ftruncate(fd, 100) == 0);
	CHECK(rump_sys_ftruncate(fd, 70000) == 0);
	memset(buf, 1, sizeof(buf));
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 0) == 70000);
	for (i = 0; i < 100; i++)
		CHECK(buf[i] == 'x');
	for (; i < sizeof(buf); i++)
		CHECK(buf[i] == 0);
	/* a write past the end fills the gap with zeros */
	CHECK(rump_sys_ftruncate(fd, 10) == 0);
	CHECK(rump_sys_pwrite(fd, "end", 3, 50000) == 3);
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 0) == 50003);
	for (i = 10; i < 50000; i++)
		CHECK(buf[i] == 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(rump_sys_truncate(P("tz"), 0) == 0);
}

/* Readdir cookies survive entries removed between calls. */
static void
t_cookies(void)
{
	char buf[1024]; /* read 200 bytes at a time */
	int fd, i, seen = 0;
	int64_t n, off;
	struct rump_stat sb;

	CHECK(rump_sys_mkdir(P("ck"), 0755) == 0);
	for (i = 0; i < 40; i++)
		CHECK(put(P("ck/entry number %02d with a long name", i), "",
		          0) == 0);
	fd = rump_sys_open(P("ck"), RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	while ((n = rump_sys_getdents(fd, buf, 200)) > 0) {
		for (off = 0; off < n;) {
			struct rump_dirent *d = (void *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] != '.')
				seen++;
		}
		/* remove entries ahead of the cursor and behind it */
		if (seen == 10)
			for (i = 0; i < 40; i += 4)
				rump_sys_unlink(P("ck/entry number %02d with a "
				                  "long name",
				    i));
	}
	CHECK(n == 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(seen >= 30 && seen <= 40);
	CHECK(
	    rump_sys_stat(P("ck/entry number 01 with a long name"), &sb) == 0);
	/* a garbage offset: something sane, never a crash */
	fd = rump_sys_open(P("ck"), RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_lseek(fd, 12345, RUMP_SEEK_SET) == 12345);
	n = rump_sys_getdents(fd, buf, 200);
	CHECK(n >= 0);
	CHECK(rump_sys_lseek(fd, 1, RUMP_SEEK_SET) == 1);
	n = rump_sys_getdents(fd, buf, 200);
	CHECK(n > 0);
	CHECK(rump_sys_close(fd) == 0);
}

/* Modes: the mount's mask, the read-only attribute. */
static void
t_modes(void)
{
	struct rump_stat sb;
	int fd;

	CHECK(put(P("mode"), "m", 1) == 0);
	CHECK(rump_sys_stat(P("mode"), &sb) == 0);
	CHECK((sb.st_mode & 0777) == 0755);
	CHECK(rump_sys_chmod(P("mode"), 0444) == 0);
	CHECK(
	    rump_sys_stat(P("mode"), &sb) == 0 && (sb.st_mode & 0777) == 0555);
	CHECK(rump_sys_chmod(P("mode"), 0644) == 0);
	CHECK(
	    rump_sys_stat(P("mode"), &sb) == 0 && (sb.st_mode & 0777) == 0755);
	/* the creation mode makes it read-only, but this open may write */
	fd = rump_sys_open(P("ro"), RUMP_O_CREAT | RUMP_O_WRONLY, 0444);
	CHECK(fd >= 0);
	CHECK(rump_sys_write(fd, "w", 1) == 1);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(rump_sys_stat(P("ro"), &sb) == 0 && (sb.st_mode & 0222) == 0);
	CHECK(rump_sys_stat(P("."), &sb) == 0 && sb.st_nlink >= 2);
}

/* A fixed root directory fills up: ENOSPC, not corruption. */
static void
t_rootfull(void)
{
	struct rump_statvfs sv;
	int i, err = 0;

	CHECK(rump_sys_statvfs("/mnt", &sv) == 0);
	for (i = 0; i < 2000; i++)
		if (put(P("r%04d", i), "", 0) != 0) {
			err = errno;
			break;
		}
	if (i == 2000) /* FAT32: the root grows */
		return;
	CHECK(err == ENOSPC);
	for (i--; i >= 0; i--)
		CHECK(rump_sys_unlink(P("r%04d", i)) == 0);
}

/*
 * Random operations against a model: files written, extended, truncated,
 * renamed (over others too), removed, in a few directories, with names
 * FAT can hold (long, short, mixed case, UTF-8) that never collide when
 * case is ignored.  Contents and listings are compared as we go.
 */
#define RND_FILES 48
#define RND_DIRS  4
#define RND_MAXSZ (256 * 1024)

struct rndfile {
	bool used;
	int dir;
	char name[64];
	uint8_t *data;
	size_t size;
};

static struct rndfile rnd[RND_FILES];
static uint32_t rndstate;

static uint32_t
rnd32(void)
{
	rndstate ^= rndstate << 13;
	rndstate ^= rndstate >> 17;
	rndstate ^= rndstate << 5;
	return rndstate;
}

/* ASCII case folding is enough: the only non-ASCII letter is é. */
static bool
rnd_clash(int dir, const char *name, int except)
{
	int i;

	for (i = 0; i < RND_FILES; i++)
		if (i != except && rnd[i].used && rnd[i].dir == dir &&
		    strcasecmp(rnd[i].name, name) == 0)
			return true;
	return false;
}

static void
rnd_name(char *buf, int dir, int except)
{
	static const char *parts[] = {"a", "B", "file", "Long Name ", "x.y",
	    "\xc3\xa9", "DATA", "z-1", "_", "readme", ".txt", "~2", "Q"};
	size_t n;

	do {
		buf[0] = '\0';
		n = 1 + rnd32() % 6;
		while (n-- > 0)
			strcat(buf,
			    parts[rnd32() %
			        (sizeof(parts) / sizeof(parts[0]))]);
		n = strlen(buf);
		while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == ' '))
			buf[--n] = '\0';
	} while (n == 0 || rnd_clash(dir, buf, except));
}

static const char *
rnd_path(int dir, const char *name)
{
	return P("rnd/d%d/%s", dir, name);
}

static bool
rnd_verify(void)
{
	static uint8_t buf[RND_MAXSZ + 1];
	struct rump_stat sb;
	int i, d, n;

	for (i = 0; i < RND_FILES; i++) {
		if (!rnd[i].used)
			continue;
		if (rump_sys_stat(rnd_path(rnd[i].dir, rnd[i].name), &sb) !=
		        0 ||
		    (size_t)sb.st_size != rnd[i].size ||
		    get(rnd_path(rnd[i].dir, rnd[i].name), (char *)buf,
		        sizeof(buf)) != (int64_t)rnd[i].size ||
		    memcmp(buf, rnd[i].data, rnd[i].size) != 0) {
			printf("  random: %s differs from the model (size "
			       "%lld, model %zu)\n",
			    rnd_path(rnd[i].dir, rnd[i].name),
			    (long long)sb.st_size, rnd[i].size);
			for (n = 0; n < (int)rnd[i].size; n++)
				if (buf[n] != rnd[i].data[n]) {
					printf("  first difference at %d\n", n);
					break;
				}
			return false;
		}
		if (!listed(P("rnd/d%d", rnd[i].dir), rnd[i].name)) {
			printf("  random: %s not listed\n",
			    rnd_path(rnd[i].dir, rnd[i].name));
			return false;
		}
	}
	for (d = 0; d < RND_DIRS; d++) {
		char dbuf[8192];
		int64_t got, off;
		int fd = rump_sys_open(P("rnd/d%d", d), RUMP_O_RDONLY, 0);

		n = 0;
		while ((got = rump_sys_getdents(fd, dbuf, sizeof(dbuf))) > 0)
			for (off = 0; off < got;) {
				struct rump_dirent *de = (void *)(dbuf + off);
				off += de->d_reclen;
				if (de->d_name[0] != '.' || de->d_name[1] > '.')
					n++;
			}
		rump_sys_close(fd);
		for (i = 0; i < RND_FILES; i++)
			if (rnd[i].used && rnd[i].dir == d)
				n--;
		if (n != 0) {
			printf("  random: d%d lists %d names too many\n", d, n);
			return false;
		}
	}
	return true;
}

static void
rnd_op(int op)
{
	struct rndfile *f = &rnd[rnd32() % RND_FILES], *g;
	size_t off, len, i;
	uint8_t chunk[32768];
	char name[64];
	int fd, dir;

	int kind = (int)(rnd32() % 6);

	if (verbose > 2)
		printf("op %d kind %d file %d %s size %zu\n", op, kind,
		    (int)(f - rnd), f->used ? rnd_path(f->dir, f->name) : "-",
		    f->size);
	switch (kind) {
	case 0: /* write somewhere */
	case 1:
		if (!f->used) {
			f->dir = (int)(rnd32() % RND_DIRS);
			rnd_name(f->name, f->dir, -1);
			f->used = true;
			f->size = 0;
		}
		off = rnd32() % (RND_MAXSZ - sizeof(chunk));
		if (rnd32() % 2 && f->size <= RND_MAXSZ - sizeof(chunk))
			off = f->size; /* append */
		len = 1 + rnd32() % sizeof(chunk);
		for (i = 0; i < len; i++)
			chunk[i] = (uint8_t)(op + i * 7);
		fd = rump_sys_open(rnd_path(f->dir, f->name),
		    RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0 ||
		    rump_sys_pwrite(fd, chunk, len, (int64_t)off) !=
		        (int64_t)len) {
			printf("  random %d: write %s: %s\n", op,
			    rnd_path(f->dir, f->name), strerror(errno));
			failed_now = true;
		}
		if (fd >= 0)
			rump_sys_close(fd);
		if (off > f->size)
			memset(f->data + f->size, 0, off - f->size);
		memcpy(f->data + off, chunk, len);
		if (off + len > f->size)
			f->size = off + len;
		break;
	case 2: /* truncate */
		if (!f->used)
			break;
		len = rnd32() % RND_MAXSZ;
		if (rump_sys_truncate(
		        rnd_path(f->dir, f->name), (int64_t)len)) {
			printf(
			    "  random %d: truncate: %s\n", op, strerror(errno));
			failed_now = true;
		}
		if (len > f->size)
			memset(f->data + f->size, 0, len - f->size);
		f->size = len;
		break;
	case 3: /* rename, maybe over another file */
		if (!f->used)
			break;
		g = &rnd[rnd32() % RND_FILES];
		if (g->used && g != f && rnd32() % 2) {
			if (rump_sys_rename(rnd_path(f->dir, f->name),
			        rnd_path(g->dir, g->name)) != 0) {
				printf("  random %d: rename over: %s\n", op,
				    strerror(errno));
				failed_now = true;
			}
			f->dir = g->dir;
			memcpy(f->name, g->name, sizeof(f->name));
			g->used = false;
			break;
		}
		dir = (int)(rnd32() % RND_DIRS);
		rnd_name(name, dir, (int)(f - rnd));
		if (rump_sys_rename(
		        rnd_path(f->dir, f->name), rnd_path(dir, name)) != 0) {
			printf("  random %d: rename %s -> %s: %s\n", op,
			    rnd_path(f->dir, f->name), rnd_path(dir, name),
			    strerror(errno));
			failed_now = true;
		}
		f->dir = dir;
		memcpy(f->name, name, sizeof(name));
		break;
	case 4: /* remove */
		if (!f->used || rnd32() % 3)
			break;
		if (rump_sys_unlink(rnd_path(f->dir, f->name)) != 0) {
			printf(
			    "  random %d: unlink: %s\n", op, strerror(errno));
			failed_now = true;
		}
		f->used = false;
		break;
	default: /* a directory comes and goes */
		dir = (int)(rnd32() % RND_DIRS);
		if (rump_sys_mkdir(P("rnd/d%d/sub", dir), 0755) != 0 ||
		    rump_sys_rmdir(P("rnd/d%d/sub", dir)) != 0) {
			printf("  random %d: mkdir/rmdir: %s\n", op,
			    strerror(errno));
			failed_now = true;
		}
		break;
	}
}

static void
t_random(void)
{
	int i, op;

	CHECK(rump_sys_mkdir(P("rnd"), 0755) == 0);
	for (i = 0; i < RND_DIRS; i++)
		CHECK(rump_sys_mkdir(P("rnd/d%d", i), 0755) == 0);
	for (i = 0; i < RND_FILES; i++)
		rnd[i].data =
		    calloc(1, RND_MAXSZ + sizeof(((struct rndfile *)0)->name));
	for (op = 0; op < 1500 && !failed_now; op++) {
		rnd_op(op);
		if (op % 100 == 99 || verbose > 1) {
			if (!rnd_verify())
				printf("  random: after op %d\n", op);
			CHECK(rnd_verify());
		}
	}
	CHECK(!failed_now && rnd_verify());
	for (i = 0; i < RND_FILES; i++)
		free(rnd[i].data);
}

struct test {
	const char *name;
	void (*fn)(void);
};

static const struct test tests[] = {
    {"stale_hint", t_stale_hint},
    {"case", t_case},
    {"badnames", t_badnames},
    {"fileno", t_fileno},
    {"unlinked_reuse", t_unlinked_reuse},
    {"trunc_zero", t_trunc_zero},
    {"cookies", t_cookies},
    {"modes", t_modes},
    {"rootfull", t_rootfull},
    {"random", t_random},
};

int
main(int argc, char **argv)
{
	struct rump_diskfs_args args;
	size_t i;
	int c;

	rndstate = 2463534242u;
	while ((c = getopt(argc, argv, "s:v")) != -1) {
		if (c == 'v')
			verbose++;
		else if (c == 's')
			rndstate =
			    (uint32_t)(strtoul(optarg, NULL, 0) * 2654435761u) |
			    1;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: msdos_test [-v] IMAGE [OPTIONS]\n");
		return 2;
	}
	if (rump_init() != 0 || rump_sys_mkdir("/mnt", 0755) != 0 ||
	    rump_pub_etfs_register("/dev/img", argv[optind], RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF, 0) != 0) {
		perror("msdos_test: setup");
		return 1;
	}
	args.fspec = "/dev/img";
	args.options = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (rump_sys_mount("msdos", "/mnt", 0, &args, sizeof(args)) != 0) {
		perror("msdos_test: mount");
		return 1;
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		curtest = tests[i].name;
		failed_now = false;
		tests[i].fn();
		if (failed_now) {
			nfail++;
			printf("FAIL msdos/%s\n", curtest);
		} else {
			npass++;
			if (verbose)
				printf("ok   msdos/%s\n", curtest);
		}
	}
	if (rump_sys_unmount("/mnt", 0) != 0) {
		printf("FAIL msdos/unmount: %s\n", strerror(errno));
		nfail++;
	}
	printf("msdos_test: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
