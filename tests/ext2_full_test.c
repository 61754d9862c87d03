/*
 * A full file system: writing until the blocks run out and creating until
 * the inodes run out must fail with ENOSPC, lose nothing already written,
 * leave an image e2fsck finds clean, and, once everything is removed
 * again, give back every block and inode (statvfs as at the start).
 * Blocks reserved for root stay out of reach of other users.
 *
 *   ext2_full_test [-f FSTYPE] [-c CHECKER] IMAGE
 *
 * CHECKER (default "e2fsck -fn") runs on the unmounted image after each
 * phase and must exit 0.
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

#define MNT   "/mnt"
#define CHUNK (64 * 1024)
#define MAXF  100000

static const char *fstype = "ext2fs";
static const char *checker = "e2fsck -fn";
static const char *image;
static int64_t sizes[MAXF];
static int nfiles;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void
mnt(int flags)
{
	struct rump_diskfs_args args = {"/dev/img", NULL};

	if (rump_sys_mount(fstype, MNT, flags, &args, sizeof(args)) != 0)
		die("mount: %s", strerror(errno));
}

static void
umnt(const char *when)
{
	char cmd[1024];
	int rc;

	if (rump_sys_unmount(MNT, 0) != 0)
		die("unmount %s: %s", when, strerror(errno));
	snprintf(cmd, sizeof(cmd), "%s '%s' >/dev/null 2>&1", checker, image);
	rc = system(cmd);
	if (rc != 0)
		die("%s finds problems %s (status %d)", checker, when, rc);
	printf("ok: %s clean %s\n", checker, when);
}

static void
statfs_now(uint64_t *bfree, uint64_t *ffree)
{
	struct rump_statvfs sv;

	if (rump_sys_statvfs(MNT, &sv) != 0)
		die("statvfs: %s", strerror(errno));
	*bfree = sv.f_bfree;
	*ffree = sv.f_ffree;
}

/* The contents of file i at offset off: its number and the offset. */
static void
pattern(uint8_t *buf, size_t n, int i, int64_t off)
{
	size_t k;

	for (k = 0; k < n; k++)
		buf[k] = (uint8_t)((off + (int64_t)k) * 131 + i * 7 +
		    ((off + (int64_t)k) >> 12));
}

/* Fill file i until the space runs out; returns the error that stopped it. */
static int
fill_file(int i, int64_t limit)
{
	static uint8_t buf[CHUNK];
	char path[64];
	int64_t off = 0, n;
	int fd, error = 0;

	snprintf(path, sizeof(path), MNT "/d/f%d", i);
	fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	if (fd < 0)
		return errno;
	while (off < limit) {
		pattern(buf, CHUNK, i, off);
		n = rump_sys_write(fd, buf, CHUNK);
		if (n < 0) {
			error = errno;
			break;
		}
		off += n;
		if (n < CHUNK) {
			/* a short write; the next one says why */
			continue;
		}
	}
	sizes[i] = off;
	if (rump_sys_close(fd) != 0)
		die("close f%d: %s", i, strerror(errno));
	return error;
}

static void
verify_files(const char *when)
{
	static uint8_t buf[CHUNK], want[CHUNK];
	struct rump_stat st;
	char path[64];
	int64_t off, n;
	int i, fd;

	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), MNT "/d/f%d", i);
		if (rump_sys_stat(path, &st) != 0)
			die("%s: f%d: %s", when, i, strerror(errno));
		if ((int64_t)st.st_size != sizes[i])
			die("%s: f%d has %lld bytes, %lld were written", when,
			    i, (long long)st.st_size, (long long)sizes[i]);
		if ((fd = rump_sys_open(path, RUMP_O_RDONLY, 0)) < 0)
			die("%s: open f%d: %s", when, i, strerror(errno));
		for (off = 0; off < sizes[i]; off += n) {
			n = rump_sys_pread(fd, buf, CHUNK, off);
			if (n <= 0)
				die("%s: read f%d at %lld", when, i,
				    (long long)off);
			pattern(want, (size_t)n, i, off);
			if (memcmp(buf, want, (size_t)n) != 0)
				die("%s: f%d differs near %lld", when, i,
				    (long long)off);
		}
		rump_sys_close(fd);
	}
	printf("ok: %d files intact %s\n", nfiles, when);
}

static void
remove_all(void)
{
	char path[64];
	int i;

	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), MNT "/d/f%d", i);
		if (rump_sys_unlink(path) != 0)
			die("unlink f%d: %s", i, strerror(errno));
	}
	if (rump_sys_rmdir(MNT "/d") != 0)
		die("rmdir: %s", strerror(errno));
	nfiles = 0;
}

/* Phase 1: blocks. */
static void
phase_blocks(void)
{
	uint64_t b0, f0, b1, f1;
	int error = 0, fd;

	mnt(0);
	statfs_now(&b0, &f0);
	if (rump_sys_mkdir(MNT "/d", 0755) != 0)
		die("mkdir: %s", strerror(errno));
	/* files of a few MiB until one stops early */
	for (nfiles = 0; nfiles < MAXF && error == 0; nfiles++)
		error = fill_file(nfiles, 3 << 20);
	if (error != ENOSPC)
		die("filling the blocks ended with %s, not ENOSPC",
		    strerror(error));
	printf("ok: ENOSPC after %d files\n", nfiles);
	/* nothing more fits, even in a new file */
	fd = rump_sys_open(MNT "/d/more", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	if (fd >= 0) {
		if (rump_sys_write(fd, "x", 1) != -1 || errno != ENOSPC)
			die("a write to a full file system did not fail with "
			    "ENOSPC");
		rump_sys_close(fd);
		rump_sys_unlink(MNT "/d/more");
	} else if (errno != ENOSPC)
		die("create on a full file system: %s", strerror(errno));
	printf("ok: a full file system refuses more data with ENOSPC\n");
	verify_files("when full");
	umnt("when full");
	mnt(0);
	verify_files("after a remount");
	remove_all();
	statfs_now(&b1, &f1);
	if (b1 != b0 || f1 != f0)
		die("after removing everything: %llu blocks and %llu inodes "
		    "free, %llu and %llu at the start",
		    (unsigned long long)b1, (unsigned long long)f1,
		    (unsigned long long)b0, (unsigned long long)f0);
	printf("ok: removing everything gives back every block and inode\n");
	umnt("after emptying");
}

/* Phase 2: inodes. */
static void
phase_inodes(void)
{
	uint64_t b0, f0, b1, f1;
	char path[64];
	int fd, i;

	mnt(0);
	statfs_now(&b0, &f0);
	if (rump_sys_mkdir(MNT "/d", 0755) != 0)
		die("mkdir: %s", strerror(errno));
	for (i = 0; i < MAXF; i++) {
		snprintf(path, sizeof(path), MNT "/d/f%d", i);
		fd = rump_sys_open(path, RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
		if (fd < 0)
			break;
		sizes[i] = i % 3 == 0 ? 100 : 0;
		if (sizes[i] > 0) {
			uint8_t buf[100];

			pattern(buf, sizeof(buf), i, 0);
			if (rump_sys_write(fd, buf, sizeof(buf)) != 100)
				die("write f%d: %s", i, strerror(errno));
		}
		rump_sys_close(fd);
	}
	if (i == MAXF || errno != ENOSPC)
		die("creating files ended with %s, not ENOSPC",
		    strerror(errno));
	nfiles = i;
	if (rump_sys_mkdir(MNT "/d/sub", 0755) != -1 || errno != ENOSPC)
		die("mkdir with no inode left: %s", strerror(errno));
	printf("ok: ENOSPC on create after %d files\n", nfiles);
	verify_files("with no inode left");
	umnt("with no inode left");
	mnt(0);
	verify_files("after a remount");
	remove_all();
	statfs_now(&b1, &f1);
	if (b1 != b0 || f1 != f0)
		die("after removing everything: %llu blocks and %llu inodes "
		    "free, %llu and %llu at the start",
		    (unsigned long long)b1, (unsigned long long)f1,
		    (unsigned long long)b0, (unsigned long long)f0);
	printf("ok: removing everything gives back every block and inode\n");
	umnt("after emptying");
}

/* Phase 3: the blocks reserved for root. */
static void
phase_reserve(void)
{
	struct rump_statvfs sv;
	int error = 0, fd;

	mnt(0);
	if (rump_sys_mkdir(MNT "/d", 0777) != 0 ||
	    rump_sys_chmod(MNT "/d", 0777) != 0)
		die("mkdir: %s", strerror(errno));
	if (rump_pub_lwproc_rfork(RUMP_RFFDG) != 0 ||
	    rump_sys_setgroups(0, NULL) != 0 || rump_sys_setgid(1000) != 0 ||
	    rump_sys_setuid(1000) != 0)
		die("becoming a user: %s", strerror(errno));
	for (nfiles = 0; nfiles < MAXF && error == 0; nfiles++)
		error = fill_file(nfiles, 3 << 20);
	if (error != ENOSPC)
		die("a user filling the disk: %s", strerror(error));
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(NULL);
	if (rump_sys_statvfs(MNT, &sv) != 0)
		die("statvfs: %s", strerror(errno));
	if (sv.f_bavail != 0 || sv.f_bfree == 0)
		die("a user stopped with %llu blocks free, %llu available",
		    (unsigned long long)sv.f_bfree,
		    (unsigned long long)sv.f_bavail);
	/* root writes on into the reserve */
	fd = rump_sys_open(MNT "/d/root", RUMP_O_CREAT | RUMP_O_WRONLY, 0644);
	if (fd < 0 || rump_sys_write(fd, "root may", 8) != 8)
		die("root cannot use the reserved blocks: %s", strerror(errno));
	rump_sys_close(fd);
	rump_sys_unlink(MNT "/d/root");
	printf("ok: users stop at the reserve (%llu blocks), root does not\n",
	    (unsigned long long)sv.f_bfree);
	verify_files("after a user filled the disk");
	remove_all();
	umnt("after the reserve test");
}

int
main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "c:f:")) != -1) {
		if (c == 'c')
			checker = optarg;
		else if (c == 'f')
			fstype = optarg;
		else
			return 2;
	}
	if (argc - optind != 1) {
		fprintf(stderr,
		    "usage: ext2_full_test [-f FSTYPE] "
		    "[-c CHECKER] IMAGE\n");
		return 2;
	}
	image = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rump_init() != 0 || rump_sys_mkdir(MNT, 0755) != 0 ||
	    rump_pub_etfs_register("/dev/img", image, RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF, 0) != 0)
		die("setup: %s", strerror(errno));
	phase_blocks();
	phase_inodes();
	phase_reserve();
	printf("ext2_full_test: all passed\n");
	return 0;
}
