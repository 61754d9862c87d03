/*
 * libukfs_write: the write side of the libukfs API on a fresh image.
 *
 * usage: libukfs_write IMAGE
 *        libukfs_write -f DIRTY_IMAGE
 *
 * IMAGE is an empty file system (mke2fs).  Every changing call is made,
 * then the image is released and mounted again read-only to see that
 * everything reached it.  tests/t_tools_libukfs.sh checks the image with
 * the file system's own checker afterwards.  With -f, DIRTY_IMAGE is not
 * clean: a read-write mount must fail and one with UKFS_FORCE succeed.
 * One line per check; exit 0 when all pass.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ukfs.h"

static int failures;

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

#define BIG (3 * 1024 * 1024 + 123)

static char *
pattern(size_t len, unsigned seed)
{
	char *p = malloc(len);
	size_t i;

	for (i = 0; p != NULL && i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (char)(seed >> 16);
	}
	return p;
}

static void
check_files(struct ukfs *u)
{
	char *big = pattern(BIG, 1), *back = malloc(BIG);
	struct stat st;
	int fd;

	if (big == NULL || back == NULL)
		return;
	fd = ukfs_open(u, "/file", O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0, "create /file: %s", fd >= 0 ? "" : strerror(errno));
	CHECK(ukfs_write(u, fd, big, BIG) == BIG, "write %d bytes", BIG);
	CHECK(ukfs_pwrite(u, fd, "HELLO", 5, 10) == 5, "pwrite");
	memcpy(big + 10, "HELLO", 5);
	CHECK(ukfs_fsync(u, fd) == 0, "fsync");
	CHECK(ukfs_pread(u, fd, back, BIG, 0) == BIG &&
	        memcmp(back, big, BIG) == 0,
	    "read back what was written");
	CHECK(ukfs_close(u, fd) == 0, "close");
	CHECK(ukfs_open(u, "/file", O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 &&
	        errno == EEXIST,
	    "O_EXCL on an existing file");
	/* a hole: write far past the end */
	fd = ukfs_open(u, "/sparse", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && ukfs_pwrite(u, fd, "end", 3, 5 << 20) == 3,
	    "write past the end");
	CHECK(ukfs_fstat(u, fd, &st) == 0 && st.st_size == (5 << 20) + 3 &&
	        st.st_blocks * 512 < (1 << 20),
	    "the gap is a hole (%lld blocks)", (long long)st.st_blocks);
	CHECK(ukfs_ftruncate(u, fd, 100) == 0 && ukfs_fstat(u, fd, &st) == 0 &&
	        st.st_size == 100,
	    "ftruncate shrinks");
	ukfs_close(u, fd);
	CHECK(ukfs_truncate(u, "/sparse", 8192) == 0 &&
	        ukfs_stat(u, "/sparse", &st) == 0 && st.st_size == 8192,
	    "truncate grows");
	CHECK(ukfs_read_path(u, "/sparse", 4000, back, 100) == 100 &&
	        back[0] == 0 && back[99] == 0,
	    "the grown part reads as zeros");
	CHECK(ukfs_write_path(u, "/file", 0, "ab", 2) == 2, "write_path");
	fd = ukfs_open(u, "/file", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && ukfs_write(u, fd, "tail", 4) == 4 &&
	        ukfs_stat(u, "/file", &st) == 0 && st.st_size == BIG + 4,
	    "O_APPEND");
	ukfs_close(u, fd);
	CHECK(ukfs_create(u, "/empty", 0640) == 0 &&
	        ukfs_stat(u, "/empty", &st) == 0 && st.st_size == 0 &&
	        (st.st_mode & 07777) == 0640,
	    "ukfs_create (mode %o)", (unsigned)(st.st_mode & 07777));
	free(big);
	free(back);
}

static void
check_names(struct ukfs *u)
{
	struct stat st;
	char buf[64];
	ssize_t n;

	CHECK(ukfs_mkdir(u, "/d", 0755) == 0, "mkdir");
	CHECK(ukfs_mkdir(u, "/d", 0755) == -1 && errno == EEXIST,
	    "mkdir of an existing name");
	CHECK(ukfs_mkdir(u, "/d/e", 0700) == 0 &&
	        ukfs_mkdir(u, "/d/e/f", 0700) == 0,
	    "nested mkdir");
	CHECK(ukfs_rmdir(u, "/d/e") == -1 && errno == ENOTEMPTY,
	    "rmdir of a non-empty directory");
	CHECK(ukfs_symlink(u, "../file", "/d/link") == 0, "symlink");
	n = ukfs_readlink(u, "/d/link", buf, sizeof(buf));
	CHECK(n == 7 && memcmp(buf, "../file", 7) == 0, "readlink");
	CHECK(ukfs_link(u, "/file", "/d/hard") == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 && st.st_nlink == 2,
	    "link (nlink %lu)", (unsigned long)st.st_nlink);
	CHECK(ukfs_mknod(u, "/fifo", S_IFIFO | 0644, 0) == 0 &&
	        ukfs_lstat(u, "/fifo", &st) == 0 && S_ISFIFO(st.st_mode),
	    "mknod fifo");
	CHECK(ukfs_mknod(u, "/chr", S_IFCHR | 0600, makedev(4, 64)) == 0 &&
	        ukfs_lstat(u, "/chr", &st) == 0 && S_ISCHR(st.st_mode) &&
	        major(st.st_rdev) == 4 && minor(st.st_rdev) == 64,
	    "mknod character device 4,64");
	CHECK(ukfs_mknod(u, "/blk", S_IFBLK | 0600, makedev(259, 70000)) == 0 &&
	        ukfs_lstat(u, "/blk", &st) == 0 && S_ISBLK(st.st_mode) &&
	        major(st.st_rdev) == 259 && minor(st.st_rdev) == 70000,
	    "mknod block device 259,70000");
	CHECK(ukfs_rename(u, "/empty", "/d/e/moved") == 0 &&
	        ukfs_stat(u, "/empty", &st) == -1 &&
	        ukfs_stat(u, "/d/e/moved", &st) == 0,
	    "rename across directories");
	CHECK(ukfs_rename(u, "/d/e/f", "/f2") == 0 &&
	        ukfs_stat(u, "/f2/..", &st) == 0,
	    "rename a directory up");
	CHECK(ukfs_rename(u, "/d", "/d/e/inside") == -1 && errno == EINVAL,
	    "rename a directory under itself: %s", strerror(errno));
	CHECK(ukfs_remove(u, "/d/hard") == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 && st.st_nlink == 1,
	    "remove a link");
	CHECK(ukfs_remove(u, "/f2") == -1, "remove of a directory fails");
	CHECK(ukfs_rmdir(u, "/f2") == 0, "rmdir");
}

static void
check_at(struct ukfs *u)
{
	struct timespec ts[2];
	struct stat st;
	int dfd;

	dfd = ukfs_open(u, "/d", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open a directory handle");
	CHECK(ukfs_mkdirat(u, dfd, "at", 0750) == 0 &&
	        ukfs_stat(u, "/d/at", &st) == 0 && S_ISDIR(st.st_mode),
	    "mkdirat");
	CHECK(ukfs_symlinkat(u, "x", dfd, "at/sl") == 0 &&
	        ukfs_lstat(u, "/d/at/sl", &st) == 0 && S_ISLNK(st.st_mode),
	    "symlinkat");
	CHECK(ukfs_mknodat(u, dfd, "at/p", S_IFIFO | 0600, 0) == 0, "mknodat");
	CHECK(ukfs_linkat(u, AT_FDCWD, "/file", dfd, "at/l", 0) == 0, "linkat");
	CHECK(ukfs_renameat(u, dfd, "at/l", dfd, "l2") == 0 &&
	        ukfs_stat(u, "/d/l2", &st) == 0,
	    "renameat");
	CHECK(ukfs_fchmodat(u, dfd, "l2", 0604, 0) == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 && (st.st_mode & 07777) == 0604,
	    "fchmodat");
	CHECK(ukfs_fchownat(u, dfd, "at/sl", 7, 8, AT_SYMLINK_NOFOLLOW) == 0 &&
	        ukfs_lstat(u, "/d/at/sl", &st) == 0 && st.st_uid == 7 &&
	        st.st_gid == 8,
	    "fchownat on a symlink");
	ts[0].tv_sec = 1000000000;
	ts[0].tv_nsec = 123456789;
	ts[1].tv_sec = 1200000000;
	ts[1].tv_nsec = 987654321;
	CHECK(ukfs_utimensat(u, dfd, "at/sl", ts, AT_SYMLINK_NOFOLLOW) == 0 &&
	        ukfs_lstat(u, "/d/at/sl", &st) == 0 &&
	        st.st_mtim.tv_sec == 1200000000,
	    "utimensat on a symlink itself");
	CHECK(ukfs_unlinkat(u, dfd, "at/p", 0) == 0 &&
	        ukfs_unlinkat(u, dfd, "at/sl", 0) == 0 &&
	        ukfs_unlinkat(u, dfd, "at", AT_REMOVEDIR) == 0,
	    "unlinkat");
	CHECK(ukfs_unlinkat(u, dfd, "l2", 0) == 0, "unlinkat a hard link");
	ukfs_close(u, dfd);
}

static void
check_attrs(struct ukfs *u)
{
	struct timespec ts[2];
	struct stat st;
	int fd;

	CHECK(ukfs_chmod(u, "/file", 04755) == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 &&
	        (st.st_mode & 07777) == 04755,
	    "chmod with setuid");
	CHECK(ukfs_chmod(u, "/d", 01777) == 0 && ukfs_stat(u, "/d", &st) == 0 &&
	        (st.st_mode & 07777) == 01777,
	    "chmod with sticky");
	CHECK(ukfs_chown(u, "/file", 100000, 200000) == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 && st.st_uid == 100000 &&
	        st.st_gid == 200000,
	    "chown to 32-bit ids");
	CHECK(ukfs_lchown(u, "/d/link", 5, 6) == 0 &&
	        ukfs_lstat(u, "/d/link", &st) == 0 && st.st_uid == 5 &&
	        ukfs_stat(u, "/file", &st) == 0 && st.st_uid == 100000,
	    "lchown changes the link, not the target");
	ts[0].tv_sec = 946684800;
	ts[0].tv_nsec = 1;
	ts[1].tv_sec = 1234567890;
	ts[1].tv_nsec = 999999999;
	CHECK(ukfs_utimens(u, "/file", ts, 0) == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 &&
	        st.st_atim.tv_sec == 946684800 && st.st_atim.tv_nsec == 1 &&
	        st.st_mtim.tv_sec == 1234567890 &&
	        st.st_mtim.tv_nsec == 999999999,
	    "utimens with nanoseconds (%ld)", st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1000;
	ts[1].tv_nsec = 0;
	CHECK(ukfs_utimens(u, "/file", ts, 0) == 0 &&
	        ukfs_stat(u, "/file", &st) == 0 &&
	        st.st_atim.tv_sec == 946684800 && st.st_mtim.tv_sec == 1000,
	    "UTIME_OMIT keeps the atime");
	ts[0].tv_sec = 2000;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	CHECK(ukfs_utimens(u, "/d/link", ts, AT_SYMLINK_NOFOLLOW) == 0 &&
	        ukfs_lstat(u, "/d/link", &st) == 0 &&
	        st.st_mtim.tv_sec == 2000 && ukfs_stat(u, "/file", &st) == 0 &&
	        st.st_mtim.tv_sec == 1000,
	    "utimens nofollow");
	fd = ukfs_open(u, "/file", O_RDONLY);
	CHECK(fd >= 0 && ukfs_fchmod(u, fd, 0640) == 0 &&
	        ukfs_fchown(u, fd, 0, 0) == 0 &&
	        ukfs_futimens(u, fd, ts) == 0 && ukfs_fstat(u, fd, &st) == 0 &&
	        (st.st_mode & 07777) == 0640 && st.st_uid == 0 &&
	        st.st_mtim.tv_sec == 2000,
	    "fchmod, fchown, futimens");
	ukfs_close(u, fd);
	CHECK(ukfs_umask(u, 077) == 0 && ukfs_mkdir(u, "/um", 0777) == 0 &&
	        ukfs_stat(u, "/um", &st) == 0 && (st.st_mode & 0777) == 0700 &&
	        ukfs_umask(u, 0) == 077,
	    "umask applies to mkdir");
	CHECK(ukfs_sync(u) == 0, "sync");
}

/* What was written is in the image after a release. */
static void
check_persisted(const char *image)
{
	struct stat st;
	char buf[16];
	struct ukfs *u;
	int error;

	u = ukfs_mount("ext2fs", image, 0, 0, UKFS_RDONLY, NULL, &error);
	CHECK(u != NULL, "mount again read-only: %s", u ? "" : ukfs_errmsg());
	if (u == NULL)
		return;
	CHECK(ukfs_stat(u, "/file", &st) == 0 && st.st_size == BIG + 4 &&
	        (st.st_mode & 07777) == 0640 && st.st_mtim.tv_sec == 2000,
	    "file size, mode and time kept");
	CHECK(ukfs_read_path(u, "/file", 10, buf, 5) == 5 &&
	        memcmp(buf, "HELLO", 5) == 0,
	    "file data kept");
	CHECK(ukfs_lstat(u, "/blk", &st) == 0 && S_ISBLK(st.st_mode) &&
	        minor(st.st_rdev) == 70000,
	    "device kept");
	CHECK(ukfs_stat(u, "/d/e/moved", &st) == 0, "rename kept");
	CHECK(ukfs_mkdir(u, "/nope", 0755) == -1 && errno == EROFS,
	    "read-only mount refuses mkdir: %s", strerror(errno));
	CHECK(ukfs_release(u, 0) == 0, "release");
}

static void
check_locks(const char *image)
{
	struct ukfs *w, *r;
	int error;

	w = ukfs_mount("ext2fs", image, 0, 0, UKFS_RDWR, NULL, &error);
	CHECK(w != NULL, "read-write mount: %s", w ? "" : ukfs_errmsg());
	if (w == NULL)
		return;
	r = ukfs_mount("ext2fs", image, 0, 0, UKFS_RDONLY, NULL, &error);
	CHECK(r == NULL && error == EBUSY &&
	        strstr(ukfs_errmsg(), "in use by another writer") != NULL,
	    "a reader is refused while a writer has it: %s", ukfs_errmsg());
	if (r != NULL)
		ukfs_release(r, 0);
	r = ukfs_mount("ext2fs", image, 0, 0, UKFS_RDWR, NULL, &error);
	CHECK(r == NULL && error == EBUSY, "a second writer is refused");
	if (r != NULL)
		ukfs_release(r, 0);
	CHECK(ukfs_release(w, 0) == 0, "release the writer");
}

static void
check_force(const char *image)
{
	struct ukfs *u;
	int error;

	u = ukfs_mount("ext2fs", image, 0, 0, UKFS_RDWR, NULL, &error);
	CHECK(u == NULL && ukfs_errmsg()[0] != '\0',
	    "a dirty image is refused read-write: %s", ukfs_errmsg());
	if (u != NULL)
		ukfs_release(u, 0);
	u = ukfs_mount(
	    "ext2fs", image, 0, 0, UKFS_RDWR | UKFS_FORCE, NULL, &error);
	CHECK(u != NULL, "UKFS_FORCE mounts it: %s", u ? "" : ukfs_errmsg());
	if (u != NULL) {
		CHECK(ukfs_mkdir(u, "/forced", 0755) == 0, "and it writes");
		CHECK(ukfs_release(u, 0) == 0, "release");
	}
}

int
main(int argc, char **argv)
{
	struct ukfs *u;
	int error;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		check_force(argv[2]);
		return failures ? 1 : 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: libukfs_write [-f] IMAGE\n");
		return 2;
	}
	check_locks(argv[1]);
	u = ukfs_mount(NULL, argv[1], 0, 0, UKFS_RDWR, NULL, &error);
	CHECK(u != NULL, "mount read-write: %s", u ? "" : ukfs_errmsg());
	if (u == NULL)
		return 1;
	ukfs_umask(u, 0);
	check_files(u);
	check_names(u);
	check_at(u);
	check_attrs(u);
	CHECK(
	    ukfs_release(u, 0) == 0, "release writes back: %s", ukfs_errmsg());
	check_persisted(argv[1]);
	printf("%s: %d failure%s\n", failures ? "FAIL" : "PASS", failures,
	    failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
