/*
 * The file-system fuzz target, shared by the libFuzzer entry points
 * (fs_fuzz.c) and the plain replay driver (fs_fuzz_main.c).
 */
#ifndef FS_FUZZ_H
#define FS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_PATHMAX 256

/* What one input did; for the replay driver's report. */
struct fuzz_stats {
	int mount_error;   /* 0: the image mounted */
	unsigned entries;  /* directory entries seen */
	unsigned errors;   /* failed calls on things getdents listed */
	unsigned badnames; /* entries with an empty name, '/' or NUL */
	uint64_t bytes;    /* file and symlink bytes read */
	int write_error;   /* 0: the image mounted read-write too */
	/* Paths the walk found, for the write phase to change. */
	unsigned nfiles;
	char files[2][FUZZ_PATHMAX];
	char dir[FUZZ_PATHMAX];
};

/* Boot the kernel and make the mount point; exits on failure.  argv0
 * may name the type (fs_fuzz_ffs). */
void fs_fuzz_init(const char *argv0);

/* Mount data as an image, walk it, unmount; aborts on a kernel bug. */
void fs_fuzz_one(const uint8_t *data, size_t size, struct fuzz_stats *st);

/* The file-system type being fuzzed (FUZZ_FSTYPE). */
const char *fs_fuzz_fstype(void);

/* fs_walk.c: visit everything under the mounted root. */
void fs_walk(const char *root, struct fuzz_stats *st);

/* fs_write.c: a few changes under the root mounted read-write. */
void fs_write(const char *root, struct fuzz_stats *st);

/* A kernel bug showed: say what, then abort() for the fuzzer to report. */
void fuzz_bug(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#endif /* FS_FUZZ_H */
