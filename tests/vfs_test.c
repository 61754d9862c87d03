/*
 * VFS-level tests through the rump_sys_*() calls: written once and run
 * against every file system, each declaring what it can do.
 *
 *   vfs_test [-v] FSTYPE [IMAGE]      (rumpfs needs no image)
 *   vfs_test -r FSTYPE IMAGE          (read-only mount: read tests only)
 *   vfs_test -X nsec ...              (drop a capability: this image's
 *                                      format lacks it, e.g. small inodes)
 *
 * Writable tests create what they read; read-only tests walk whatever the
 * image holds and check that the views agree (readdir vs lookup vs stat).
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

/* What a file system can do. */
#define CAP_WRITE    0x001
#define CAP_SYMLINK  0x002
#define CAP_HARDLINK 0x004
#define CAP_OWNERS   0x008 /* chown, per-file owners and modes */
#define CAP_FIFO     0x010
#define CAP_DEV	     0x020
#define CAP_NSEC     0x040 /* nanosecond times */
#define CAP_UNLINKOPEN 0x080 /* an unlinked open file stays readable */
#define CAP_STICKY   0x100
#define CAP_TIMES    0x200 /* any time since 1970 to the second, atime too */

struct fsconf {
	const char *name;
	unsigned caps;
	unsigned maxname;
};

static const struct fsconf fsconfs[] = {
	{ "rumpfs", 0x3ff, 511 },
	{ "ext2fs", 0x3ff, 255 },
	{ "ffs", 0x3ff, 255 },
	{ "lfs", 0x3ff, 255 },
	{ "msdos", CAP_WRITE | CAP_UNLINKOPEN, 255 },
	{ "cd9660", 0, 255 },
};

static const struct fsconf *fs;
static unsigned caps, dropcaps;

/* Capability names for -X. */
static const struct {
	const char *name;
	unsigned cap;
} capnames[] = {
	{ "symlink", CAP_SYMLINK }, { "hardlink", CAP_HARDLINK },
	{ "owners", CAP_OWNERS }, { "fifo", CAP_FIFO }, { "dev", CAP_DEV },
	{ "nsec", CAP_NSEC }, { "unlinkopen", CAP_UNLINKOPEN },
	{ "sticky", CAP_STICKY }, { "times", CAP_TIMES },
};

static int
dropcap(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(capnames) / sizeof(capnames[0]); i++) {
		if (strcmp(capnames[i].name, name) == 0) {
			dropcaps |= capnames[i].cap;
			return 0;
		}
	}
	fprintf(stderr, "vfs_test: unknown capability %s\n", name);
	return -1;
}
static const char *root; /* directory the tests work in */
static int verbose;
static int nfail, npass, nskip;
static const char *curtest;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fail_at(__LINE__, #cond);                              \
			return;                                                \
		}                                                              \
	} while (0)
#define CHECK_ERR(call, err)                                                   \
	do {                                                                   \
		errno = 0;                                                     \
		if ((call) != -1 || errno != (err)) {                          \
			fail_err(__LINE__, #call, err);                        \
			return;                                                \
		}                                                              \
	} while (0)

static bool failed_now;

static void
fail_at(int line, const char *what)
{
	printf("  %s: line %d: %s failed (errno %d: %s)\n", curtest, line, what,
	    errno, strerror(errno));
	failed_now = true;
}

static void
fail_err(int line, const char *what, int want)
{
	printf("  %s: line %d: %s: wanted error %s, got errno %d (%s)\n",
	    curtest, line, what, strerror(want), errno, strerror(errno));
	failed_now = true;
}

static char pathbuf[8][2048];
static int pathidx;

/* A path under the test root (a small ring of buffers). */
static const char *
P(const char *fmt, ...)
{
	char *b = pathbuf[pathidx++ & 7];
	int n;
	va_list ap;

	n = snprintf(b, 2048, "%s/", root);
	va_start(ap, fmt);
	vsnprintf(b + n, (size_t)(2048 - n), fmt, ap);
	va_end(ap);
	return b;
}

static int
writefile(const char *path, const void *data, size_t len, int flags)
{
	int fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | flags, 0644);

	if (fd < 0)
		return -1;
	if (rump_sys_write(fd, data, len) != (int64_t)len) {
		rump_sys_close(fd);
		return -1;
	}
	return rump_sys_close(fd);
}

static int64_t
readfile(const char *path, void *buf, size_t len)
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
ino_of(const char *path)
{
	struct rump_stat sb;

	if (rump_sys_lstat(path, &sb) != 0)
		return 0;
	return sb.st_ino;
}

/* --- tests on writable file systems ------------------------------------ */

static void
t_create_rw(void)
{
	char buf[20000], back[20000];
	struct rump_stat sb;
	int fd, i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	CHECK(writefile(P("f"), buf, sizeof(buf), 0) == 0);
	CHECK(rump_sys_stat(P("f"), &sb) == 0);
	CHECK(sb.st_size == sizeof(buf));
	CHECK((sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFREG);
	CHECK(readfile(P("f"), back, sizeof(back)) == sizeof(buf));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	fd = rump_sys_open(P("f"), RUMP_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_pwrite(fd, "XYZ", 3, 4095) == 3);
	CHECK(rump_sys_pread(fd, back, 5, 4094) == 5);
	CHECK(back[0] == buf[4094] && memcmp(back + 1, "XYZ", 3) == 0 &&
	    back[4] == buf[4098]);
	CHECK(rump_sys_lseek(fd, 0, RUMP_SEEK_END) == sizeof(buf));
	CHECK(rump_sys_close(fd) == 0);
	CHECK_ERR(rump_sys_open(P("f"), RUMP_O_CREAT | RUMP_O_EXCL |
	    RUMP_O_WRONLY, 0644), EEXIST);
	CHECK_ERR(rump_sys_open(P("nonexist"), RUMP_O_RDONLY, 0), ENOENT);
	CHECK_ERR(rump_sys_open(P("f/x"), RUMP_O_RDONLY, 0), ENOTDIR);
	CHECK(rump_sys_unlink(P("f")) == 0);
	CHECK_ERR(rump_sys_stat(P("f"), &sb), ENOENT);
}

static void
t_append_trunc(void)
{
	char buf[64];
	struct rump_stat sb;
	int fd;

	CHECK(writefile(P("a"), "hello", 5, 0) == 0);
	CHECK(writefile(P("a"), " world", 6, RUMP_O_APPEND) == 0);
	CHECK(readfile(P("a"), buf, sizeof(buf)) == 11);
	CHECK(memcmp(buf, "hello world", 11) == 0);
	CHECK(writefile(P("a"), "bye", 3, RUMP_O_TRUNC) == 0);
	CHECK(readfile(P("a"), buf, sizeof(buf)) == 3);
	fd = rump_sys_open(P("a"), RUMP_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_ftruncate(fd, 100000) == 0);
	CHECK(rump_sys_fstat(fd, &sb) == 0 && sb.st_size == 100000);
	CHECK(rump_sys_pread(fd, buf, 10, 50000) == 10);
	CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10) == 0);
	CHECK(rump_sys_ftruncate(fd, 2) == 0);
	CHECK(rump_sys_pread(fd, buf, 10, 0) == 2 && memcmp(buf, "by", 2) == 0);
	CHECK(rump_sys_truncate(P("a"), 0) == 0);
	CHECK(rump_sys_fstat(fd, &sb) == 0 && sb.st_size == 0);
	CHECK_ERR(rump_sys_ftruncate(fd, -1), EINVAL);
	CHECK(rump_sys_close(fd) == 0);
	fd = rump_sys_open(P("a"), RUMP_O_RDONLY, 0);
	CHECK_ERR(rump_sys_ftruncate(fd, 1), EINVAL);
	CHECK_ERR(rump_sys_write(fd, "x", 1), EBADF);
	rump_sys_close(fd);
	CHECK(rump_sys_unlink(P("a")) == 0);
}

static void
t_holes(void)
{
	static char buf[65536];
	struct rump_stat sb;
	int fd;

	fd = rump_sys_open(P("h"), RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(rump_sys_pwrite(fd, "end", 3, 3 * 1048576) == 3);
	CHECK(rump_sys_fstat(fd, &sb) == 0 && sb.st_size == 3 * 1048576 + 3);
	memset(buf, 1, sizeof(buf));
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 1048576) == sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0);
	CHECK(rump_sys_pread(fd, buf, 10, 3 * 1048576) == 3);
	CHECK(memcmp(buf, "end", 3) == 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(rump_sys_unlink(P("h")) == 0);
}

static void
t_dirs(void)
{
	struct rump_stat sb, sb2;

	CHECK(rump_sys_mkdir(P("d"), 0755) == 0);
	CHECK_ERR(rump_sys_mkdir(P("d"), 0755), EEXIST);
	CHECK(rump_sys_mkdir(P("d/e"), 0700) == 0);
	CHECK(rump_sys_stat(P("d"), &sb) == 0 && sb.st_nlink == 3);
	CHECK(rump_sys_stat(P("d/e"), &sb2) == 0 && sb2.st_nlink == 2);
	if (caps & CAP_OWNERS)
		CHECK((sb2.st_mode & 07777) == 0700);
	CHECK(rump_sys_stat(P("d/e/.."), &sb2) == 0 && sb2.st_ino == sb.st_ino);
	CHECK(rump_sys_stat(P("d//e/./../e/"), &sb2) == 0);
	CHECK_ERR(rump_sys_rmdir(P("d")), ENOTEMPTY);
	CHECK_ERR(rump_sys_rmdir(P("d/e/.")), EINVAL);
	CHECK(writefile(P("d/f"), "x", 1, 0) == 0);
	CHECK_ERR(rump_sys_rmdir(P("d/f")), ENOTDIR);
	CHECK_ERR(rump_sys_unlink(P("d/e")), EPERM);
	CHECK_ERR(rump_sys_mkdir(P("d/f/g"), 0755), ENOTDIR);
	CHECK_ERR(rump_sys_stat(P("d/f/"), &sb), ENOTDIR);
	CHECK(rump_sys_unlink(P("d/f")) == 0);
	CHECK(rump_sys_rmdir(P("d/e")) == 0);
	CHECK(rump_sys_stat(P("d"), &sb) == 0 && sb.st_nlink == 2);
	CHECK(rump_sys_rmdir(P("d/")) == 0);
	CHECK_ERR(rump_sys_rmdir(P("d")), ENOENT);
}

static void
t_rename(void)
{
	struct rump_stat sb;
	char buf[16];
	uint64_t ino;

	CHECK(rump_sys_mkdir(P("r1"), 0755) == 0);
	CHECK(rump_sys_mkdir(P("r2"), 0755) == 0);
	CHECK(writefile(P("r1/a"), "A", 1, 0) == 0);
	CHECK(writefile(P("r2/b"), "B", 1, 0) == 0);
	ino = ino_of(P("r1/a"));
	/* replace a file across directories */
	CHECK(rump_sys_rename(P("r1/a"), P("r2/b")) == 0);
	CHECK(ino_of(P("r2/b")) == ino);
	CHECK(readfile(P("r2/b"), buf, sizeof(buf)) == 1 && buf[0] == 'A');
	CHECK_ERR(rump_sys_stat(P("r1/a"), &sb), ENOENT);
	/* a directory moves and its ".." follows */
	CHECK(rump_sys_mkdir(P("r1/sub"), 0755) == 0);
	CHECK(rump_sys_rename(P("r1/sub"), P("r2/sub")) == 0);
	CHECK(ino_of(P("r2/sub/..")) == ino_of(P("r2")));
	CHECK(rump_sys_stat(P("r1"), &sb) == 0 && sb.st_nlink == 2);
	CHECK(rump_sys_stat(P("r2"), &sb) == 0 && sb.st_nlink == 3);
	/* refusals */
	CHECK_ERR(rump_sys_rename(P("r2"), P("r2/sub/x")), EINVAL);
	CHECK(writefile(P("r2/sub/f"), "x", 1, 0) == 0);
	CHECK(rump_sys_mkdir(P("r1/empty"), 0755) == 0);
	CHECK_ERR(rump_sys_rename(P("r1/empty"), P("r2/b")), ENOTDIR);
	CHECK_ERR(rump_sys_rename(P("r2/b"), P("r1/empty")), EISDIR);
	CHECK_ERR(rump_sys_rename(P("r1/empty"), P("r2/sub")), ENOTEMPTY);
	CHECK_ERR(rump_sys_rename(P("r1/nothere"), P("r2/x")), ENOENT);
	CHECK_ERR(rump_sys_rename(P("r1/."), P("r2/x")), EINVAL);
	/* over an empty directory */
	CHECK(rump_sys_rename(P("r2/sub"), P("r1/empty")) == 0);
	CHECK(rump_sys_stat(P("r1/empty/f"), &sb) == 0);
	CHECK(ino_of(P("r1/empty/..")) == ino_of(P("r1")));
	/* same name, and two links of one file: nothing happens */
	CHECK(rump_sys_rename(P("r2/b"), P("r2/b")) == 0);
	if (caps & CAP_HARDLINK) {
		CHECK(rump_sys_link(P("r2/b"), P("r2/c")) == 0);
		CHECK(rump_sys_rename(P("r2/b"), P("r2/c")) == 0);
		CHECK(rump_sys_stat(P("r2/b"), &sb) == 0 && sb.st_nlink == 2);
		CHECK(rump_sys_unlink(P("r2/c")) == 0);
	}
	CHECK(rump_sys_unlink(P("r1/empty/f")) == 0);
	CHECK(rump_sys_rmdir(P("r1/empty")) == 0);
	CHECK(rump_sys_unlink(P("r2/b")) == 0);
	CHECK(rump_sys_rmdir(P("r1")) == 0);
	CHECK(rump_sys_rmdir(P("r2")) == 0);
}

static void
t_link(void)
{
	struct rump_stat sb;

	CHECK(writefile(P("l1"), "L", 1, 0) == 0);
	CHECK(rump_sys_link(P("l1"), P("l2")) == 0);
	CHECK(rump_sys_stat(P("l1"), &sb) == 0 && sb.st_nlink == 2);
	CHECK(ino_of(P("l1")) == ino_of(P("l2")));
	CHECK_ERR(rump_sys_link(P("l1"), P("l2")), EEXIST);
	CHECK(rump_sys_mkdir(P("ld"), 0755) == 0);
	CHECK_ERR(rump_sys_link(P("ld"), P("ld2")), EPERM);
	CHECK(rump_sys_unlink(P("l1")) == 0);
	CHECK(rump_sys_stat(P("l2"), &sb) == 0 && sb.st_nlink == 1);
	CHECK(rump_sys_unlink(P("l2")) == 0);
	CHECK(rump_sys_rmdir(P("ld")) == 0);
}

static void
t_symlink(void)
{
	char buf[2048], target[1001];
	struct rump_stat sb;

	CHECK(writefile(P("t"), "T", 1, 0) == 0);
	CHECK(rump_sys_symlink("t", P("s")) == 0);
	CHECK(rump_sys_readlink(P("s"), buf, sizeof(buf)) == 1 && buf[0] == 't');
	CHECK(rump_sys_stat(P("s"), &sb) == 0 && sb.st_size == 1);
	CHECK(rump_sys_lstat(P("s"), &sb) == 0 &&
	    (sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFLNK && sb.st_size == 1);
	CHECK_ERR(rump_sys_readlink(P("t"), buf, sizeof(buf)), EINVAL);
	CHECK_ERR(rump_sys_symlink("x", P("s")), EEXIST);
	/* a long target goes out of the inode */
	memset(target, 'y', sizeof(target) - 1);
	for (int i = 200; i < (int)sizeof(target) - 1; i += 200)
		target[i] = '/';
	target[sizeof(target) - 1] = '\0';
	CHECK(rump_sys_symlink(target, P("long")) == 0);
	CHECK(rump_sys_readlink(P("long"), buf, sizeof(buf)) ==
	    sizeof(target) - 1);
	CHECK(memcmp(buf, target, sizeof(target) - 1) == 0);
	CHECK_ERR(rump_sys_stat(P("long"), &sb), ENOENT);
	CHECK(rump_sys_symlink("loop2", P("loop1")) == 0);
	CHECK(rump_sys_symlink("loop1", P("loop2")) == 0);
	CHECK_ERR(rump_sys_stat(P("loop1"), &sb), ELOOP);
	CHECK(rump_sys_mkdir(P("sd"), 0755) == 0);
	CHECK(rump_sys_symlink("sd", P("sdl")) == 0);
	CHECK(writefile(P("sdl/in"), "i", 1, 0) == 0);
	CHECK(rump_sys_stat(P("sd/in"), &sb) == 0);
	CHECK(rump_sys_stat(P("sdl/"), &sb) == 0 &&
	    (sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFDIR);
	CHECK(rump_sys_unlink(P("sdl")) == 0); /* the link, not the dir */
	CHECK(rump_sys_unlink(P("sd/in")) == 0);
	CHECK(rump_sys_rmdir(P("sd")) == 0);
	CHECK(rump_sys_unlink(P("s")) == 0);
	CHECK(rump_sys_unlink(P("t")) == 0);
	CHECK(rump_sys_unlink(P("long")) == 0);
	CHECK(rump_sys_unlink(P("loop1")) == 0);
	CHECK(rump_sys_unlink(P("loop2")) == 0);
}

/* Read a whole directory with small getdents buffers; count names. */
static int
count_entries(const char *dir, int bufsize, int *dots)
{
	char buf[4096];
	int fd, n = 0;
	int64_t got, off;

	*dots = 0;
	fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	if (fd < 0)
		return -1;
	while ((got = rump_sys_getdents(fd, buf, (size_t)bufsize)) > 0) {
		for (off = 0; off < got;) {
			struct rump_dirent *d = (void *)(buf + off);
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				(*dots)++;
			else
				n++;
			off += d->d_reclen;
		}
	}
	rump_sys_close(fd);
	return got < 0 ? -1 : n;
}

static void
t_readdir(void)
{
	int i, dots, n = 600;

	CHECK(rump_sys_mkdir(P("rd"), 0755) == 0);
	for (i = 0; i < n; i++)
		CHECK(writefile(P("rd/file-with-a-longish-name-%04d", i), "", 0,
			  0) == 0);
	CHECK(count_entries(P("rd"), 4096, &dots) == n && dots == 2);
	CHECK(count_entries(P("rd"), 300, &dots) == n && dots == 2);
	for (i = 0; i < n; i += 2)
		CHECK(rump_sys_unlink(P("rd/file-with-a-longish-name-%04d",
			  i)) == 0);
	CHECK(count_entries(P("rd"), 512, &dots) == n / 2);
	for (i = 1; i < n; i += 2)
		CHECK(rump_sys_unlink(P("rd/file-with-a-longish-name-%04d",
			  i)) == 0);
	CHECK(count_entries(P("rd"), 512, &dots) == 0 && dots == 2);
	CHECK(rump_sys_rmdir(P("rd")) == 0);
}

static void
t_names(void)
{
	char name[600];
	struct rump_stat sb;

	memset(name, 'n', sizeof(name));
	name[fs->maxname] = '\0';
	CHECK(writefile(P("%s", name), "", 0, 0) == 0);
	CHECK(rump_sys_stat(P("%s", name), &sb) == 0);
	CHECK(rump_sys_unlink(P("%s", name)) == 0);
	name[fs->maxname] = 'n';
	name[fs->maxname + 1] = '\0';
	CHECK_ERR(writefile(P("%s", name), "", 0, 0), ENAMETOOLONG);
	CHECK(writefile(P("h\xc3\xa9llo w\xc3\xb6rld"), "u", 1, 0) == 0);
	CHECK(rump_sys_stat(P("h\xc3\xa9llo w\xc3\xb6rld"), &sb) == 0);
	CHECK(rump_sys_unlink(P("h\xc3\xa9llo w\xc3\xb6rld")) == 0);
}

static void
t_perms(void)
{
	struct rump_stat sb;
	int fd;

	CHECK(writefile(P("p_root"), "r", 1, 0) == 0);
	CHECK(rump_sys_chmod(P("p_root"), 0644) == 0);
	CHECK(rump_sys_mkdir(P("p_dir"), 0755) == 0);
	CHECK(rump_sys_mkdir(P("p_sticky"), 0777) == 0);
	CHECK(rump_sys_chmod(P("p_sticky"), 01777) == 0);
	CHECK(writefile(P("p_sticky/rootfile"), "r", 1, 0) == 0);
	CHECK(rump_sys_mkdir(P("p_priv"), 0700) == 0);

	CHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0);
	CHECK(rump_sys_setgid(1000) == 0);
	CHECK(rump_sys_setuid(1000) == 0);
	CHECK_ERR(rump_sys_open(P("p_root"), RUMP_O_WRONLY, 0), EACCES);
	fd = rump_sys_open(P("p_root"), RUMP_O_RDONLY, 0);
	CHECK(fd >= 0);
	rump_sys_close(fd);
	CHECK_ERR(writefile(P("p_dir/new"), "x", 1, 0), EACCES);
	CHECK_ERR(rump_sys_stat(P("p_priv/x"), &sb), EACCES);
	CHECK_ERR(rump_sys_chmod(P("p_root"), 0777), EPERM);
	CHECK_ERR(rump_sys_chown(P("p_root"), 1000, 1000), EPERM);
	CHECK_ERR(rump_sys_unlink(P("p_sticky/rootfile")), EPERM);
	CHECK(writefile(P("p_sticky/mine"), "m", 1, 0) == 0);
	CHECK(rump_sys_stat(P("p_sticky/mine"), &sb) == 0 && sb.st_uid == 1000);
	CHECK(rump_sys_access(P("p_root"), RUMP_R_OK) == 0);
	CHECK_ERR(rump_sys_access(P("p_root"), RUMP_W_OK), EACCES);
	/* setgid is dropped when the owner is not in the group */
	CHECK(rump_sys_chmod(P("p_sticky/mine"), 02755) == 0);
	CHECK(rump_sys_stat(P("p_sticky/mine"), &sb) == 0);
	CHECK((sb.st_mode & 07777) == 0755 || sb.st_gid == 1000);
	CHECK(rump_sys_unlink(P("p_sticky/mine")) == 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(NULL);

	CHECK(rump_sys_unlink(P("p_sticky/rootfile")) == 0);
	CHECK(rump_sys_rmdir(P("p_sticky")) == 0);
	CHECK(rump_sys_rmdir(P("p_dir")) == 0);
	CHECK(rump_sys_rmdir(P("p_priv")) == 0);
	CHECK(rump_sys_unlink(P("p_root")) == 0);
}

static void
t_chown_setid(void)
{
	struct rump_stat sb;

	CHECK(writefile(P("c"), "c", 1, 0) == 0);
	CHECK(rump_sys_chown(P("c"), 1000, 1000) == 0);
	CHECK(rump_sys_chmod(P("c"), 06755) == 0);
	CHECK(rump_sys_stat(P("c"), &sb) == 0 && (sb.st_mode & 07777) == 06755);
	CHECK(sb.st_uid == 1000 && sb.st_gid == 1000);
	CHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0);
	CHECK(rump_sys_setgid(1000) == 0);
	{
		uint32_t groups[2] = { 1000, 2000 };
		CHECK(rump_sys_setgroups(2, groups) == 0);
	}
	CHECK(rump_sys_setuid(1000) == 0);
	/* an owner's chown to one of its groups drops set-id bits */
	CHECK(rump_sys_chown(P("c"), (uint32_t)-1, 2000) == 0);
	CHECK(rump_sys_stat(P("c"), &sb) == 0);
	CHECK(sb.st_gid == 2000 && (sb.st_mode & 07777) == 0755);
	CHECK_ERR(rump_sys_chown(P("c"), (uint32_t)-1, 3000), EPERM);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(NULL);
	CHECK(rump_sys_chmod(P("c"), 04755) == 0);
	CHECK(rump_sys_chown(P("c"), 0, 0) == 0);
	CHECK(rump_sys_stat(P("c"), &sb) == 0 && (sb.st_mode & 07777) == 04755);
	CHECK(rump_sys_unlink(P("c")) == 0);
}

/*
 * Times as FAT keeps them: modification times in 2-second steps from 1980
 * to 2107, access times as a date.
 */
static void
t_times_fat(void)
{
	struct rump_timespec ts[2];
	struct rump_stat sb;

	CHECK(writefile(P("tm"), "t", 1, 0) == 0);
	ts[0].tv_sec = 1000000000; /* 2001-09-09 01:46:40 */
	ts[0].tv_nsec = 123456789;
	ts[1].tv_sec = 1234567891;
	ts[1].tv_nsec = 987654321;
	CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, P("tm"), ts, 0) == 0);
	CHECK(rump_sys_stat(P("tm"), &sb) == 0);
	CHECK(sb.st_mtim.tv_sec == 1234567890 && sb.st_mtim.tv_nsec == 0);
	CHECK(sb.st_atim.tv_sec == 1000000000 - 1000000000 % 86400);
	ts[0].tv_nsec = RUMP_UTIME_OMIT;
	ts[1].tv_sec = 2000000000;
	ts[1].tv_nsec = 0;
	CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, P("tm"), ts, 0) == 0);
	CHECK(rump_sys_stat(P("tm"), &sb) == 0);
	CHECK(sb.st_atim.tv_sec == 1000000000 - 1000000000 % 86400 &&
	    sb.st_mtim.tv_sec == 2000000000);
	ts[0].tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_utimensat(RUMP_AT_FDCWD, P("tm"), ts, 0), EINVAL);
	CHECK(rump_sys_unlink(P("tm")) == 0);
}

static void
t_times(void)
{
	struct rump_timespec ts[2];
	struct rump_stat sb;

	if (!(caps & CAP_TIMES)) {
		t_times_fat();
		return;
	}
	CHECK(writefile(P("tm"), "t", 1, 0) == 0);
	ts[0].tv_sec = 1000000000;
	ts[0].tv_nsec = 123456789;
	ts[1].tv_sec = 157766400; /* 1975 */
	ts[1].tv_nsec = 987654321;
	CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, P("tm"), ts, 0) == 0);
	CHECK(rump_sys_stat(P("tm"), &sb) == 0);
	CHECK(sb.st_atim.tv_sec == 1000000000 && sb.st_mtim.tv_sec == 157766400);
	if (caps & CAP_NSEC)
		CHECK(sb.st_atim.tv_nsec == 123456789 &&
		    sb.st_mtim.tv_nsec == 987654321);
	ts[0].tv_nsec = RUMP_UTIME_OMIT;
	ts[1].tv_sec = 2000000000;
	ts[1].tv_nsec = 0;
	CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, P("tm"), ts, 0) == 0);
	CHECK(rump_sys_stat(P("tm"), &sb) == 0);
	CHECK(sb.st_atim.tv_sec == 1000000000 && sb.st_mtim.tv_sec == 2000000000);
	ts[0].tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_utimensat(RUMP_AT_FDCWD, P("tm"), ts, 0), EINVAL);
	if (caps & CAP_SYMLINK) {
		CHECK(rump_sys_symlink("tm", P("tml")) == 0);
		ts[0].tv_sec = 5;
		ts[0].tv_nsec = 0;
		ts[1].tv_sec = 6;
		ts[1].tv_nsec = 0;
		CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, P("tml"), ts,
			  RUMP_AT_SYMLINK_NOFOLLOW) == 0);
		CHECK(rump_sys_lstat(P("tml"), &sb) == 0 &&
		    sb.st_mtim.tv_sec == 6);
		CHECK(rump_sys_stat(P("tml"), &sb) == 0 &&
		    sb.st_mtim.tv_sec == 2000000000);
		CHECK(rump_sys_unlink(P("tml")) == 0);
	}
	CHECK(rump_sys_unlink(P("tm")) == 0);
}

static void
t_special(void)
{
	struct rump_stat sb;

	if (caps & CAP_FIFO) {
		CHECK(rump_sys_mkfifo(P("fifo"), 0600) == 0);
		CHECK(rump_sys_lstat(P("fifo"), &sb) == 0 &&
		    (sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFIFO);
		CHECK(rump_sys_unlink(P("fifo")) == 0);
	}
	if (caps & CAP_DEV) {
		CHECK(rump_sys_mknod(P("cdev"), RUMP_S_IFCHR | 0600,
			  RUMP_MAKEDEV(1, 3)) == 0);
		CHECK(rump_sys_lstat(P("cdev"), &sb) == 0 &&
		    (sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFCHR &&
		    sb.st_rdev == RUMP_MAKEDEV(1, 3));
		CHECK(rump_sys_unlink(P("cdev")) == 0);
	}
}

static void
t_unlink_open(void)
{
	char buf[8];
	int fd;

	CHECK(writefile(P("uo"), "keep", 4, 0) == 0);
	fd = rump_sys_open(P("uo"), RUMP_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_unlink(P("uo")) == 0);
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 0) == 4);
	CHECK(memcmp(buf, "keep", 4) == 0);
	CHECK(rump_sys_close(fd) == 0);
}

static void
t_misc(void)
{
	struct rump_statvfs sv;
	char longpath[1100];
	int fd;

	CHECK(rump_sys_statvfs(root, &sv) == 0);
	CHECK(strcmp(sv.f_fstypename, fs->name) == 0);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_ERR(rump_sys_open(longpath, RUMP_O_RDONLY, 0), ENAMETOOLONG);
	CHECK_ERR(rump_sys_open("", RUMP_O_RDONLY, 0), ENOENT);
	CHECK(writefile(P("s"), "s", 1, 0) == 0);
	fd = rump_sys_open(P("s"), RUMP_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(rump_sys_fsync(fd) == 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK_ERR(rump_sys_close(fd), EBADF);
	CHECK(rump_sys_sync() == 0);
	CHECK(rump_sys_unlink(P("s")) == 0);
}

/* --- tests on read-only mounts ---------------------------------------- */

static void
t_ro_refusals(void)
{
	CHECK_ERR(rump_sys_mkdir(P("newdir"), 0755), EROFS);
	CHECK_ERR(rump_sys_open(P("newfile"), RUMP_O_CREAT | RUMP_O_WRONLY,
	    0644), EROFS);
	CHECK_ERR(rump_sys_chmod(root, 0700), EROFS);
}

/* Walk a tree: readdir, lookup and stat must tell the same story. */
static int walked;
static int
walk(const char *dir, int depth)
{
	char buf[8192], path[4096];
	struct rump_stat sb;
	int fd, errors = 0;
	int64_t got, off;

	if (depth > 64)
		return 0;
	fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	if (fd < 0) {
		printf("  open %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((got = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < got;) {
			struct rump_dirent *d = (void *)(buf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			walked++;
			if (rump_sys_lstat(path, &sb) != 0) {
				printf("  lstat %s: %s\n", path,
				    strerror(errno));
				errors++;
				continue;
			}
			if (sb.st_ino != d->d_fileno) {
				printf("  %s: readdir ino %llu, stat %llu\n",
				    path, (unsigned long long)d->d_fileno,
				    (unsigned long long)sb.st_ino);
				errors++;
			}
			if ((sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFDIR)
				errors += walk(path, depth + 1);
		}
	}
	if (got < 0) {
		printf("  getdents %s: %s\n", dir, strerror(errno));
		errors++;
	}
	rump_sys_close(fd);
	return errors;
}

static void
t_ro_walk(void)
{
	walked = 0;
	CHECK(walk(root, 0) == 0);
	if (verbose)
		printf("  walked %d entries\n", walked);
}

struct test {
	const char *name;
	void (*fn)(void);
	unsigned need;
	bool ro; /* for read-only mounts */
};

static const struct test tests[] = {
	{ "create_rw", t_create_rw, CAP_WRITE, false },
	{ "append_trunc", t_append_trunc, CAP_WRITE, false },
	{ "holes", t_holes, CAP_WRITE, false },
	{ "dirs", t_dirs, CAP_WRITE, false },
	{ "rename", t_rename, CAP_WRITE, false },
	{ "link", t_link, CAP_WRITE | CAP_HARDLINK, false },
	{ "symlink", t_symlink, CAP_WRITE | CAP_SYMLINK, false },
	{ "readdir", t_readdir, CAP_WRITE, false },
	{ "names", t_names, CAP_WRITE, false },
	{ "perms", t_perms, CAP_WRITE | CAP_OWNERS | CAP_STICKY, false },
	{ "chown_setid", t_chown_setid, CAP_WRITE | CAP_OWNERS, false },
	{ "times", t_times, CAP_WRITE, false },
	{ "special", t_special, CAP_WRITE, false },
	{ "unlink_open", t_unlink_open, CAP_WRITE | CAP_UNLINKOPEN, false },
	{ "misc", t_misc, CAP_WRITE, false },
	{ "walk", t_ro_walk, 0, true },
	{ "ro_refusals", t_ro_refusals, 0, true },
};

int
main(int argc, char **argv)
{
	struct rump_diskfs_args args;
	const char *image = NULL;
	bool rdonly = false;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "rvX:")) != -1) {
		if (c == 'r')
			rdonly = true;
		else if (c == 'X') {
			if (dropcap(optarg) != 0)
				return 2;
		} else if (c == 'v')
			verbose = 1;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: vfs_test [-rv] [-X cap] FSTYPE [IMAGE]\n");
		return 2;
	}
	for (i = 0; i < sizeof(fsconfs) / sizeof(fsconfs[0]); i++)
		if (strcmp(fsconfs[i].name, argv[optind]) == 0)
			fs = &fsconfs[i];
	if (fs == NULL) {
		fprintf(stderr, "vfs_test: unknown file system %s\n",
		    argv[optind]);
		return 2;
	}
	if (optind + 1 < argc)
		image = argv[optind + 1];
	caps = rdonly ? 0 : fs->caps & ~dropcaps;
	if (rump_init() != 0)
		return 1;
	if (strcmp(fs->name, "rumpfs") == 0) {
		root = "/vfstest";
		if (rump_sys_mkdir(root, 0755) != 0)
			return 1;
	} else {
		if (image == NULL) {
			fprintf(stderr, "vfs_test: %s needs an image\n",
			    fs->name);
			return 2;
		}
		root = "/mnt";
		if (rump_sys_mkdir(root, 0755) != 0 ||
		    rump_pub_etfs_register("/dev/img", image, RUMP_ETFS_BLK, 0,
			RUMP_ETFS_SIZE_ENDOFF, rdonly ? RUMP_ETFS_RDONLY : 0) !=
			0) {
			perror("vfs_test: setup");
			return 1;
		}
		args.fspec = "/dev/img";
		args.options = NULL;
		if (rump_sys_mount(fs->name, root, rdonly ? RUMP_MNT_RDONLY : 0,
			&args, sizeof(args)) != 0) {
			perror("vfs_test: mount");
			return 1;
		}
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		const struct test *t = &tests[i];
		if (t->ro != rdonly || (t->need & ~caps) != 0) {
			nskip++;
			continue;
		}
		curtest = t->name;
		failed_now = false;
		t->fn();
		if (failed_now) {
			nfail++;
			printf("FAIL %s/%s\n", fs->name, t->name);
		} else {
			npass++;
			if (verbose)
				printf("ok   %s/%s\n", fs->name, t->name);
		}
	}
	if (image != NULL && rump_sys_unmount(root, 0) != 0) {
		printf("FAIL %s/unmount: %s\n", fs->name, strerror(errno));
		nfail++;
	}
	printf("vfs_test %s%s: %d passed, %d failed, %d skipped\n", fs->name,
	    rdonly ? " (read-only)" : "", npass, nfail, nskip);
	return nfail ? 1 : 0;
}
