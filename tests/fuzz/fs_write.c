/*
 * The write phase of the fuzz target: with the image mounted read-write,
 * change what the read-only walk found (write into a file at its start
 * and past its end, truncate another, remove it, make a file in a
 * directory, rename it, make and remove a directory) and create new
 * files at the root.  On a damaged image every call may fail; what must
 * not happen is a crash, a hang, a leak or a bad count.  The unmount
 * afterwards writes everything back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>

#include "fs_fuzz.h"

#define WRITE_PATHMAX (FUZZ_PATHMAX + 32)

static char write_buf[20000];

static void
wr(int fd, int64_t off, size_t len)
{
	int64_t n = rump_sys_pwrite(fd, write_buf, len, off);

	if (n > (int64_t)len)
		fuzz_bug("pwrite: %lld bytes for %zu", (long long)n, len);
}

/* Into an existing file: over its start, past its end, then shorter. */
static void
change_file(const char *path, int64_t grow)
{
	struct rump_stat sb;
	int fd;

	fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_NOFOLLOW, 0);
	if (fd < 0)
		return;
	if (rump_sys_fstat(fd, &sb) != 0)
		sb.st_size = 0;
	wr(fd, 0, 3000);
	if (sb.st_size >= 0 && sb.st_size < ((int64_t)1 << 40))
		wr(fd, sb.st_size + grow, 5000);
	(void)rump_sys_ftruncate(fd, sb.st_size / 2);
	(void)rump_sys_fsync(fd);
	if (rump_sys_close(fd) != 0)
		fuzz_bug("close: %s", strerror(errno));
}

static void
new_file(const char *path, size_t len)
{
	int fd = rump_sys_open(
	    path, RUMP_O_CREAT | RUMP_O_EXCL | RUMP_O_WRONLY, 0644);

	if (fd < 0)
		return;
	wr(fd, 0, len);
	wr(fd, 70000, 100); /* a hole, then a block */
	if (rump_sys_close(fd) != 0)
		fuzz_bug("close: %s", strerror(errno));
}

void
fs_write(const char *root, struct fuzz_stats *st)
{
	char a[WRITE_PATHMAX], b[WRITE_PATHMAX];

	memset(write_buf, 0xa5, sizeof(write_buf));
	if (st->nfiles > 0)
		change_file(st->files[0], 8192);
	if (st->nfiles > 1) {
		change_file(st->files[1], 1 << 20);
		(void)rump_sys_unlink(st->files[1]);
	}
	if (st->dir[0] != '\0') {
		snprintf(a, sizeof(a), "%s/fz.new", st->dir);
		snprintf(b, sizeof(b), "%s/fz.d", root);
		new_file(a, 1500);
		(void)rump_sys_mkdir(b, 0755);
		snprintf(b, sizeof(b), "%s/fz.d/fz.moved", root);
		(void)rump_sys_rename(a, b);
		(void)rump_sys_rmdir(st->dir); /* mostly ENOTEMPTY */
	}
	snprintf(a, sizeof(a), "%s/fz.a", root);
	new_file(a, sizeof(write_buf));
	snprintf(b, sizeof(b), "%s/FZ long name %d.txt", root, 1);
	(void)rump_sys_rename(a, b);
	(void)rump_sys_symlink("fz.a", a);
	snprintf(a, sizeof(a), "%s/fz.d2", root);
	if (rump_sys_mkdir(a, 0700) == 0)
		(void)rump_sys_rmdir(a);
	(void)rump_sys_sync();
}
