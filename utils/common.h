/*
 * What the ukfs tools share: option parsing, messages, mounting the image
 * named on the command line, and a growable path buffer.
 */
#ifndef _UKFS_UTILS_COMMON_H_
#define _UKFS_UTILS_COMMON_H_

#include <stddef.h>

#include "ukfs.h"

#ifndef UKFS_VERSION
#define UKFS_VERSION "0.1.0"
#endif

/* "ukfs-ls" etc., for messages; set by the dispatcher. */
extern const char *progname;

/* Options every tool takes. */
struct common_opts {
	const char *fstype;  /* -t, NULL: detect */
	const char *options; /* -o */
};

/*
 * getopt over the tool's own option letters (toolopts, getopt syntax) plus
 * -t TYPE, -o OPTS, -h/--help and --version, which are handled here (help
 * and version exit).  Returns the next tool option letter, '?' after
 * printing a usage error (the caller exits 1), or -1 at the operands.
 */
int common_getopt(int argc, char **argv, const char *toolopts,
    struct common_opts *co, const char *usage);

/* Print the usage line(s) to stderr and exit 1. */
void usage_exit(const char *usage) __attribute__((noreturn));

/* "progname: message" on stderr. */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "progname: image:path: strerror(error)" on stderr. */
void warnpath(const char *image, const char *path, int error);

/*
 * Mount image read-only with the common options; on failure print the
 * library's explanation and return NULL.
 */
struct ukfs *mount_image(
    const char *image, const struct common_opts *co, int flags);

/*
 * The first operand of ls/cat/stat: "IMAGE" or "IMAGE:PATH".  Sets
 * *image and, for the second form, *path (else NULL); the strings are
 * the caller's to free.  Returns -1 (message printed) on error.
 */
int image_operand(const char *operand, char **image, char **path);

/* Write all of buf to a host descriptor; 0 or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* Flush stdout and report a write error; returns the new exit status. */
int finish_stdout(int status);

/* A path that grows and shrinks by components as a walk goes down and up. */
struct pathbuf {
	char *p;
	size_t len, cap;
};
/* Append "/name" (no slash when empty or ending in '/'); returns the old
 * length for pathbuf_cut(), or (size_t)-1 when out of memory. */
size_t pathbuf_push(struct pathbuf *pb, const char *name);
int pathbuf_set(struct pathbuf *pb, const char *s);
void pathbuf_cut(struct pathbuf *pb, size_t len);
void pathbuf_free(struct pathbuf *pb);

/* The tools. */
int ukfs_ls_main(int argc, char **argv);
int ukfs_cat_main(int argc, char **argv);
int ukfs_stat_main(int argc, char **argv);
int ukfs_cp_main(int argc, char **argv);

#endif /* _UKFS_UTILS_COMMON_H_ */
