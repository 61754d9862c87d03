/*
 * t_libukfs: the libukfs API against an ext2 image of the test fixture.
 *
 * usage: t_libukfs IMAGE FIXTURE_DIR
 *
 * IMAGE must hold FIXTURE_DIR (testimages/mkfixture.sh --small, put in an
 * image with mke2fs -d).  Prints one line per check; exit 0 when all pass.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ukfs.h"

static int failures;
static const char *fixture;

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

/* A fixture file's bytes, read on the host. */
static char *
host_file(const char *rel, size_t *len)
{
	char path[4096];
	struct stat st;
	char *buf;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", fixture, rel);
	fp = fopen(path, "rb");
	if (fp == NULL || fstat(fileno(fp), &st) == -1)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL ||
	    fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	*len = (size_t)st.st_size;
	return buf;
}

static void
check_names(void)
{
	CHECK(strcmp(ukfs_canon_fstype("ext4"), "ext2fs") == 0, "ext4 alias");
	CHECK(strcmp(ukfs_canon_fstype("UFS2"), "ffs") == 0, "ufs2 alias");
	CHECK(strcmp(ukfs_canon_fstype("vfat"), "msdos") == 0, "vfat alias");
	CHECK(strcmp(ukfs_canon_fstype("iso9660"), "cd9660") == 0,
	    "iso9660 alias");
	CHECK(ukfs_canon_fstype("nosuchfs") == NULL, "unknown type name");
	CHECK(ukfs_canon_fstype(NULL) == NULL, "NULL type name");
}

static void
check_detect(const char *image)
{
	char type[32], zero[] = "/tmp/t_libukfs.zeroXXXXXX";
	int fd;

	CHECK(ukfs_detect(image, 0, type, sizeof(type)) == 0 &&
	        strcmp(type, "ext2fs") == 0,
	    "detect ext2fs");
	fd = mkstemp(zero);
	if (fd != -1 && ftruncate(fd, 1 << 20) == 0) {
		CHECK(ukfs_detect(zero, 0, type, sizeof(type)) == -1 &&
		        errno == ENODEV &&
		        strstr(ukfs_errmsg(), "no known file system") != NULL,
		    "detect on zeros: %s", ukfs_errmsg());
	}
	if (fd != -1) {
		close(fd);
		unlink(zero);
	}
	CHECK(ukfs_detect("/nonexistent.img", 0, type, sizeof(type)) == -1 &&
	        errno == ENOENT,
	    "detect on a missing file");
	CHECK(ukfs_detect(image, 0, type, 3) == -1, "detect, short buffer");
}

static void
check_spec(const char *image)
{
	struct ukfs_spec sp;
	char buf[4200];

	snprintf(buf, sizeof(buf), "%s:/a/b", image);
	CHECK(ukfs_spec_parse(buf, 0, &sp) == 1 &&
	        strcmp(sp.image, image) == 0 && strcmp(sp.path, "/a/b") == 0,
	    "spec IMAGE:/a/b");
	ukfs_spec_free(&sp);
	snprintf(buf, sizeof(buf), "%s:", image);
	CHECK(ukfs_spec_parse(buf, 0, &sp) == 1 && strcmp(sp.path, "/") == 0,
	    "spec IMAGE: is the root");
	ukfs_spec_free(&sp);
	snprintf(buf, sizeof(buf), "%s:rel:x", image);
	CHECK(
	    ukfs_spec_parse(buf, 0, &sp) == 1 && strcmp(sp.path, "/rel:x") == 0,
	    "spec with ':' in the path");
	ukfs_spec_free(&sp);
	CHECK(ukfs_spec_parse("/nonexistent:/x", 0, &sp) == 0,
	    "spec of a missing image is a host path");
	CHECK(ukfs_spec_parse(image, 0, &sp) == 0, "bare image, no WHOLE");
	CHECK(ukfs_spec_parse(image, UKFS_SPEC_WHOLE, &sp) == 1 &&
	        strcmp(sp.path, "/") == 0,
	    "bare image with UKFS_SPEC_WHOLE");
	ukfs_spec_free(&sp);
}

static void
check_attrs(struct ukfs *u)
{
	struct ukfs_xstat xst;
	struct stat st, hst;
	char buf[4096], path[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/links/target.txt", fixture);
	CHECK(ukfs_stat(u, "/links/target.txt", &st) == 0 &&
	        stat(path, &hst) == 0 && st.st_size == hst.st_size &&
	        st.st_mode == hst.st_mode &&
	        st.st_mtim.tv_sec == hst.st_mtim.tv_sec,
	    "stat of a file");
	CHECK(ukfs_lstat(u, "/links/fast", &st) == 0 && S_ISLNK(st.st_mode),
	    "lstat of a symlink");
	CHECK(ukfs_stat(u, "/links/chain3", &st) == 0 && S_ISREG(st.st_mode),
	    "stat follows a chain of symlinks");
	n = ukfs_readlink(u, "/links/fast", buf, sizeof(buf));
	CHECK(n == 10 && memcmp(buf, "target.txt", 10) == 0, "readlink");
	CHECK(ukfs_stat(u, "/links/loop-a", &st) == -1 && errno == ELOOP,
	    "symlink loop is ELOOP");
	/* the image's root is the root: /etc/passwd is not the host's */
	CHECK(ukfs_stat(u, "/links/absolute", &st) == -1 && errno == ENOENT,
	    "absolute symlink resolves inside the image");
	CHECK(ukfs_stat(u, "/../../links/fast", &st) == 0,
	    "'..' of the root is the root");
	CHECK(ukfs_xstat(u, AT_FDCWD, "/links", &xst, 0) == 0 &&
	        S_ISDIR(xst.st.st_mode),
	    "xstat (birth time %lld)", (long long)xst.birthtime.tv_sec);
	CHECK(ukfs_stat(NULL, "/", &st) == -1 && errno == EINVAL, "NULL ukfs");
	CHECK(ukfs_stat(u, NULL, &st) == -1 && errno == EFAULT, "NULL path");
	CHECK(ukfs_stat(u, "/", NULL) == -1 && errno == EFAULT, "NULL stat");
	CHECK(ukfs_stat(u, "", &st) == -1 && errno == ENOENT, "empty path");
	CHECK(
	    ukfs_stat(u, "/links/target.txt/x", &st) == -1 && errno == ENOTDIR,
	    "file as a directory is ENOTDIR");
}

static void
check_realpath(struct ukfs *u)
{
	char buf[4096];
	const char *r;

	r = ukfs_realpath(u, "/links/chain3", buf, sizeof(buf));
	CHECK(r && strcmp(r, "/links/target.txt") == 0, "realpath chain: %s",
	    r ? r : strerror(errno));
	r = ukfs_realpath(u, "links/to-dir/..", buf, sizeof(buf));
	CHECK(r && strcmp(r, "/deep") == 0, "realpath symlink then ..: %s",
	    r ? r : strerror(errno));
	r = ukfs_realpath(u, "/links/dotdot/links/./", buf, sizeof(buf));
	CHECK(r && strcmp(r, "/links") == 0, "realpath dotdot link: %s",
	    r ? r : strerror(errno));
	r = ukfs_realpath(u, "/..", buf, sizeof(buf));
	CHECK(r && strcmp(r, "/") == 0, "realpath /..");
	CHECK(ukfs_realpath(u, "/links/loop-a", buf, sizeof(buf)) == NULL &&
	        errno == ELOOP,
	    "realpath loop");
	CHECK(ukfs_realpath(u, "/links/dangling", buf, sizeof(buf)) == NULL &&
	        errno == ENOENT,
	    "realpath dangling");
	CHECK(ukfs_realpath(u, "/links/chain3", buf, 4) == NULL &&
	        errno == ERANGE,
	    "realpath short buffer");
}

static void
check_files(struct ukfs *u)
{
	char *want, buf[65536];
	size_t len;
	ssize_t n;
	int fd;

	want = host_file("sizes/size-0000004097", &len);
	if (want == NULL) {
		CHECK(0, "fixture file sizes/size-0000004097");
		return;
	}
	n = ukfs_read_path(u, "/sizes/size-0000004097", 0, buf, sizeof(buf));
	CHECK(n == (ssize_t)len && memcmp(buf, want, len) == 0,
	    "read_path whole file");
	n = ukfs_read_path(u, "/sizes/size-0000004097", 4000, buf, 200);
	CHECK(n == 97 && memcmp(buf, want + 4000, 97) == 0,
	    "read_path across the end");
	fd = ukfs_open(u, "/sizes/size-0000004097", O_RDONLY);
	CHECK(fd >= 0, "open");
	CHECK(ukfs_lseek(u, fd, 4096, SEEK_SET) == 4096, "lseek");
	CHECK(ukfs_read(u, fd, buf, sizeof(buf)) == 1 && buf[0] == want[4096],
	    "read after lseek");
	CHECK(ukfs_read(u, fd, buf, sizeof(buf)) == 0, "read at EOF");
	CHECK(ukfs_pread(u, fd, buf, 10, 0) == 10 && memcmp(buf, want, 10) == 0,
	    "pread");
	CHECK(ukfs_close(u, fd) == 0, "close");
	CHECK(ukfs_close(u, fd) == -1 && errno == EBADF, "double close");
	CHECK(ukfs_read(u, 9999, buf, 1) == -1 && errno == EBADF,
	    "read of a bad handle");
	CHECK(ukfs_open(u, "/nonexistent", O_RDONLY) == -1 && errno == ENOENT,
	    "open of a missing file");
	CHECK(ukfs_open(u, "/links/fast", O_RDONLY | O_NOFOLLOW) == -1,
	    "O_NOFOLLOW on a symlink");
	CHECK(ukfs_mkdir(u, "/newdir", 0755) == -1, "mkdir on read-only: %s",
	    strerror(errno));
	CHECK(ukfs_open(u, "/newfile", O_WRONLY | O_CREAT, 0644) == -1,
	    "create on read-only: %s", strerror(errno));
	free(want);
}

static void
check_dirs(struct ukfs *u)
{
	struct ukfs_dirent de;
	struct ukfs_dir *d;
	char path[4096];
	int n = 0, hn = 0, dots = 0, rv;
	FILE *p;

	d = ukfs_opendir(u, "/bigdir");
	CHECK(d != NULL, "opendir");
	if (d == NULL)
		return;
	while ((rv = ukfs_readdir(d, &de)) == 1) {
		if (strcmp(de.d_name, ".") == 0 || strcmp(de.d_name, "..") == 0)
			dots++;
		else
			n++;
	}
	CHECK(rv == 0, "readdir to the end");
	CHECK(ukfs_readdir(d, &de) == 0, "readdir after the end");
	CHECK(ukfs_closedir(d) == 0, "closedir");
	snprintf(path, sizeof(path), "ls -A '%s/bigdir' | wc -l", fixture);
	p = popen(path, "r");
	if (p != NULL) {
		if (fscanf(p, "%d", &hn) != 1)
			hn = -1;
		pclose(p);
	}
	CHECK(n == hn && dots == 2, "readdir saw %d entries (host %d)", n, hn);
	CHECK(ukfs_opendir(u, "/links/target.txt") == NULL && errno == ENOTDIR,
	    "opendir of a file");
	CHECK(
	    ukfs_readdir(NULL, &de) == -1 && errno == EINVAL, "readdir(NULL)");
}

/* Several threads on one mount: results must not mix. */
struct job {
	struct ukfs *u;
	const char *path;
	const char *want;
	size_t len;
	int bad;
};

static void *
reader(void *arg)
{
	struct job *j = arg;
	char buf[65536];
	struct stat st;
	int i;

	for (i = 0; i < 300; i++) {
		if (ukfs_read_path(j->u, j->path, 0, buf, sizeof(buf)) !=
		        (ssize_t)j->len ||
		    memcmp(buf, j->want, j->len) != 0)
			j->bad++;
		if (ukfs_stat(j->u, "/nonexistent", &st) != -1 ||
		    errno != ENOENT)
			j->bad++;
	}
	return NULL;
}

static void
check_threads(struct ukfs *u)
{
	static const char *files[] = {"links/target.txt",
	    "sizes/size-0000001023", "sizes/size-0000001025",
	    "sizes/size-0000004096"};
	struct job jobs[4];
	pthread_t t[4];
	int i, bad = 0;

	for (i = 0; i < 4; i++) {
		jobs[i].u = u;
		jobs[i].path = files[i];
		jobs[i].want = host_file(files[i], &jobs[i].len);
		jobs[i].bad = jobs[i].want == NULL;
	}
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, reader, &jobs[i]);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += jobs[i].bad;
		free((void *)jobs[i].want);
	}
	CHECK(bad == 0, "4 threads x 300 reads on one mount (%d bad)", bad);
}

int
main(int argc, char **argv)
{
	struct ukfs *u, *u2;
	int error = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: t_libukfs IMAGE FIXTURE_DIR\n");
		return 2;
	}
	fixture = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_names();
	check_detect(argv[1]);
	check_spec(argv[1]);
	CHECK(ukfs_init() == 0, "init");
	CHECK(strstr(ukfs_fstypes(), "ext2fs") != NULL, "fstypes: %s",
	    ukfs_fstypes());
	CHECK(ukfs_mount(NULL, NULL, 0, 0, 0, NULL, &error) == NULL &&
	        error == EINVAL,
	    "mount without an image");
	CHECK(ukfs_mount("nosuchfs", argv[1], 0, 0, 0, NULL, &error) == NULL &&
	        error == ENODEV,
	    "mount of an unknown type: %s", ukfs_errmsg());
	u = ukfs_mount(NULL, argv[1], 0, 0, UKFS_RDONLY, NULL, &error);
	CHECK(u != NULL, "mount: %s", u ? "" : ukfs_errmsg());
	if (u == NULL)
		return 1;
	CHECK(strcmp(ukfs_fstype(u), "ext2fs") == 0, "fstype");
	CHECK(strcmp(ukfs_image(u), argv[1]) == 0, "image");
	u2 = ukfs_mount("ext2", argv[1], 0, 0, UKFS_RDWR, NULL, &error);
	CHECK(u2 == NULL && error == EBUSY &&
	        strstr(ukfs_errmsg(), "in use") != NULL,
	    "read-write mount of an image in use: %s", ukfs_errmsg());
	if (u2 != NULL)
		ukfs_release(u2, 0);
	u2 = ukfs_mount("ext2", argv[1], 0, 0, UKFS_RDONLY, NULL, &error);
	CHECK(u2 != NULL, "second read-only mount of the same image");
	check_attrs(u);
	check_realpath(u);
	check_files(u);
	check_dirs(u);
	check_threads(u);
	if (u2 != NULL)
		CHECK(ukfs_release(u2, 0) == 0, "release the second mount");
	CHECK(ukfs_release(u, 0) == 0, "release: %s", ukfs_errmsg());
	CHECK(ukfs_release(NULL, 0) == -1 && errno == EINVAL, "release(NULL)");
	u = ukfs_mount(NULL, argv[1], 0, 0, UKFS_RDONLY, NULL, &error);
	CHECK(u != NULL, "mount again after release");
	if (u != NULL)
		ukfs_release(u, 0);
	printf("%s: %d failure%s\n", failures ? "FAIL" : "PASS", failures,
	    failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
