/*
 * Fuzz target: an input is a disk image.  Each input is written to a
 * memory file, registered as the kernel's block device /dev/fuzz, mounted
 * read-only at /fuzzmnt, walked (fs_walk.c) and unmounted; the image must
 * then be unchanged.  Then, unless FUZZ_WRITE=0, it is mounted read-write
 * (a file system that refuses, as cd9660 does, is left at that), changed
 * (fs_write.c) and unmounted.  Everything
 * the image can make fail may fail; what must not happen is a crash, a
 * hang, a leak, or state that outlives the input: a failing unmount or
 * device removal, a descriptor left open, a mount that failed but stayed.
 *
 * The file-system type is FUZZ_FSTYPE from the environment, else the
 * suffix of the program's name (fs_fuzz_ffs: ffs), else the
 * compile-time FUZZ_FSTYPE (default "ext2fs"); FUZZ_OPTIONS, if set, are
 * the mount options.  Only <rump/rump.h> is used, as any program would.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>

#include "fs_fuzz.h"

#ifndef FUZZ_FSTYPE
#define FUZZ_FSTYPE "ext2fs"
#endif

#define FUZZ_DEV "/dev/fuzz"
#define FUZZ_MNT "/fuzzmnt"

int LLVMFuzzerInitialize(int *, char ***);
const char *__asan_default_options(void);

/*
 * Every input mounts afresh and frees all it allocated: a small
 * quarantine reuses that memory (fewer page faults, a smaller RSS) and
 * short allocation stacks cost less to record.  ASAN_OPTIONS overrides.
 */
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=32:malloc_context_size=8";
}
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *fuzz_fstype;
static const char *fuzz_options; /* mount options, FUZZ_OPTIONS */
static int fuzz_write = 1;        /* FUZZ_WRITE=0: read-only only */
static uint8_t *fuzz_back;        /* the image as read back */
static size_t fuzz_backsize;
static int fuzz_imgfd = -1;
static char fuzz_imgpath[64];
static int fuzz_freefd;       /* the descriptor an open gets with none leaked */
static uint64_t fuzz_bufbase; /* buffer-cache bytes with no image */

void
fuzz_bug(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fs_fuzz: BUG (%s): ", fuzz_fstype);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void
fuzz_fatal(const char *what)
{
	fprintf(stderr, "fs_fuzz: %s: %s\n", what, strerror(errno));
	exit(2);
}

const char *
fs_fuzz_fstype(void)
{
	return fuzz_fstype;
}

/* The memory file that holds the current input. */
static void
image_open(void)
{
	fuzz_imgfd = memfd_create("fs_fuzz", MFD_CLOEXEC);
	if (fuzz_imgfd == -1)
		fuzz_fatal("memfd_create");
	snprintf(
	    fuzz_imgpath, sizeof(fuzz_imgpath), "/proc/self/fd/%d", fuzz_imgfd);
	if (access(fuzz_imgpath, R_OK) != 0)
		fuzz_fatal(fuzz_imgpath); /* no /proc */
}

static void
image_load(const uint8_t *data, size_t size)
{
	size_t done = 0;

	/* over the last input, then cut to size: its pages are reused */
	while (done < size) {
		ssize_t n =
		    pwrite(fuzz_imgfd, data + done, size - done, (off_t)done);

		if (n <= 0)
			fuzz_fatal("pwrite");
		done += (size_t)n;
	}
	if (ftruncate(fuzz_imgfd, (off_t)size) != 0)
		fuzz_fatal("ftruncate");
}

/* The lowest free descriptor in the kernel's table. */
static int
lowest_fd(void)
{
	int fd = rump_sys_open("/", RUMP_O_RDONLY, 0);

	if (fd < 0)
		fuzz_bug("open /: %s", strerror(errno));
	if (rump_sys_close(fd) != 0)
		fuzz_bug("close: %s", strerror(errno));
	return fd;
}

/* Is the file system being fuzzed in this kernel? */
static void
check_fstype(void)
{
	char names[512], list[512];
	int error;

	error = rump_pub_vfs_typenames(names, sizeof(names));
	if (error != 0) {
		fprintf(
		    stderr, "fs_fuzz: vfs_typenames: %s\n", strerror(error));
		return;
	}
	memcpy(list, names, sizeof(list));
	for (char *p = list, *save, *tok; (tok = strtok_r(p, ",", &save));
	     p = NULL)
		if (strcmp(tok, fuzz_fstype) == 0)
			return;
	fprintf(stderr,
	    "fs_fuzz: warning: no file system \"%s\" in the kernel (%s): "
	    "every mount will fail\n",
	    fuzz_fstype, names);
}

void
fs_fuzz_init(const char *argv0)
{
	const char *w = getenv("FUZZ_WRITE"), *base;
	int error;

	fuzz_fstype = getenv("FUZZ_FSTYPE");
	base = argv0 != NULL ? strrchr(argv0, '/') : NULL;
	base = base != NULL ? base + 1 : argv0;
	if ((fuzz_fstype == NULL || fuzz_fstype[0] == '\0') && base != NULL &&
	    strncmp(base, "fs_fuzz_", 8) == 0 && base[8] != '\0' &&
	    strcmp(base, "fs_fuzz_replay") != 0)
		fuzz_fstype = base + 8;
	if (fuzz_fstype == NULL || fuzz_fstype[0] == '\0')
		fuzz_fstype = FUZZ_FSTYPE;
	fuzz_options = getenv("FUZZ_OPTIONS");
	if (w != NULL && strcmp(w, "0") == 0)
		fuzz_write = 0;
	if ((error = rump_init()) != 0) {
		errno = error;
		fuzz_fatal("rump_init");
	}
	if (rump_sys_mkdir(FUZZ_MNT, 0755) != 0)
		fuzz_fatal("mkdir " FUZZ_MNT);
	check_fstype();
	image_open();
	fuzz_freefd = lowest_fd();
	fuzz_bufbase = rump_pub_bufcache_inuse();
}

/* After a failed mount nothing may be left mounted on the mount point. */
static void
check_not_mounted(void)
{
	struct rump_statvfs sv;

	if (rump_sys_statvfs(FUZZ_MNT, &sv) != 0)
		fuzz_bug("statvfs %s: %s", FUZZ_MNT, strerror(errno));
	if (strcmp(sv.f_fstypename, fuzz_fstype) == 0)
		fuzz_bug("mount failed but %s is mounted", FUZZ_MNT);
}

/* A read-only mount, walk and unmount must not have changed a byte. */
static void
check_unchanged(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (fuzz_backsize < size) {
		free(fuzz_back);
		if ((fuzz_back = malloc(size)) == NULL)
			fuzz_fatal("malloc");
		fuzz_backsize = size;
	}
	while (done < size) {
		ssize_t n = pread(
		    fuzz_imgfd, fuzz_back + done, size - done, (off_t)done);

		if (n <= 0)
			fuzz_fatal("pread");
		done += (size_t)n;
	}
	/* memcmp: a loop here would be traced compare by compare */
	if (memcmp(fuzz_back, data, size) == 0)
		return;
	for (size_t i = 0; i < size; i++)
		if (fuzz_back[i] != data[i])
			fuzz_bug("read-only mount changed the image at byte %zu",
			    i);
}

void
fs_fuzz_one(const uint8_t *data, size_t size, struct fuzz_stats *st)
{
	struct rump_diskfs_args args = {
	    .fspec = FUZZ_DEV, .options = fuzz_options};
	int error, fd;

	memset(st, 0, sizeof(*st));
	st->write_error = -1;
	image_load(data, size);
	error = rump_pub_etfs_register(FUZZ_DEV, fuzz_imgpath, RUMP_ETFS_BLK, 0,
	    RUMP_ETFS_SIZE_ENDOFF, fuzz_write ? 0 : RUMP_ETFS_RDONLY);
	if (error != 0)
		fuzz_bug("etfs_register: %s", strerror(error));

	if (rump_sys_mount(fuzz_fstype, FUZZ_MNT, RUMP_MNT_RDONLY, &args,
	        sizeof(args)) != 0) {
		st->mount_error = errno;
		check_not_mounted();
	} else {
		fs_walk(FUZZ_MNT, st);
		if (rump_sys_unmount(FUZZ_MNT, 0) != 0)
			fuzz_bug("unmount: %s", strerror(errno));
		check_unchanged(data, size);
	}

	/* Only an image that mounts read-only is worth changing. */
	if (fuzz_write && st->mount_error == 0) {
		if (rump_sys_mount(fuzz_fstype, FUZZ_MNT, 0, &args,
		        sizeof(args)) != 0) {
			st->write_error = errno;
			check_not_mounted();
		} else {
			st->write_error = 0;
			fs_write(FUZZ_MNT, st);
			/* Writing back to a damaged image may fail, and the
			 * unmount with it, as NetBSD's does; a forced one
			 * must then succeed. */
			if (rump_sys_unmount(FUZZ_MNT, 0) != 0 &&
			    rump_sys_unmount(FUZZ_MNT, RUMP_MNT_FORCE) != 0)
				fuzz_bug("forced unmount after writing: %s",
				    strerror(errno));
		}
	}

	if ((error = rump_pub_etfs_remove(FUZZ_DEV)) != 0)
		fuzz_bug("etfs_remove: %s (device still referenced?)",
		    strerror(error));
	/* The device is gone, and with it every buffer of the image. */
	if (rump_pub_bufcache_inuse() > fuzz_bufbase)
		fuzz_bug("buffer cache holds %llu bytes, %llu before the input",
		    (unsigned long long)rump_pub_bufcache_inuse(),
		    (unsigned long long)fuzz_bufbase);
	if ((fd = lowest_fd()) != fuzz_freefd)
		fuzz_bug(
		    "descriptor leak: lowest free %d, was %d", fd, fuzz_freefd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fs_fuzz_init(argv != NULL && *argv != NULL ? (*argv)[0] : NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_stats st;

	fs_fuzz_one(data, size, &st);
	return 0;
}
