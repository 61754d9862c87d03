/*
 * What the ukfs tools share: option parsing, messages, mounting the image
 * named on the command line, and a growable path buffer.
 */
#ifndef _UKFS_UTILS_COMMON_H_
#define _UKFS_UTILS_COMMON_H_

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ukfs.h"

#ifndef UKFS_VERSION
#define UKFS_VERSION "0.1.0"
#endif

/* "ukfs-ls" etc., for messages; set by the dispatcher. */
extern const char *progname;

/* What --help says about a tool besides its usage lines (utils/ukfs.c). */
struct toolhelp {
	const char *what;  /* what it does: one sentence */
	const char *opts;  /* its own options, "  -x   text\n" lines */
	const char *exits; /* exit statuses; NULL: 0 success, 1 error */
};
/* The running tool's, set by the dispatcher; NULL: usage lines only. */
extern const struct toolhelp *progtool;

/* Options every tool takes. */
struct common_opts {
	const char *fstype;  /* -t, NULL: detect */
	const char *options; /* -o */
};

/*
 * getopt over the tool's own option letters (toolopts, getopt syntax) plus
 * -t TYPE, -o OPTS, -h/--help and --version, which are handled here (help
 * and version exit) unless toolopts has the letter too (then the tool
 * gets it).  Returns the next tool option letter, '?' after printing a
 * usage error (the caller exits 1), or -1 at the operands.
 */
int common_getopt(int argc, char **argv, const char *toolopts,
    struct common_opts *co, const char *usage);

/*
 * --help: the usage lines ("usage: ..." as the tool writes them, printed
 * as "Usage: ..."), what the tool does, its options, the common options
 * (those of toolopts, the tool's getopt letters, are the tool's own), the
 * exit statuses and the manual page, on stdout; exit 0.
 */
void help_exit(const char *usage, const char *toolopts)
    __attribute__((noreturn));
/* --version: "ukfs-ls (ukfs) 0.1.0" on stdout; exit 0. */
void version_exit(void) __attribute__((noreturn));
/* The usage lines and a pointer to --help, for a usage error. */
void usage_print(FILE *fp, const char *usage);
/* usage_print() to stderr and exit 1. */
void usage_exit(const char *usage) __attribute__((noreturn));

/* "progname: message" on stderr. */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "progname: image:path: strerror(error)" on stderr. */
void warnpath(const char *image, const char *path, int error);

/*
 * Mount image with the common options (flags UKFS_RDONLY or UKFS_RDWR);
 * on failure print the library's explanation and return NULL.  A
 * read-write mount gets the umask 0: the tools apply the host's umask
 * themselves where cp(1), mkdir(1) etc. would, so that symbolic links in
 * images are made 0777 as Linux makes them.
 */
struct ukfs *mount_image(
    const char *image, const struct common_opts *co, int flags);

/* Unmount (writing back a read-write mount); -1 after a message. */
int release_image(struct ukfs *u);

/* The process's umask. */
mode_t host_umask(void);

/*
 * The operands of the tools that take "IMAGE PATH..." or "IMAGE:PATH
 * [PATH...]": the image and at least min paths (else a usage error).
 * *paths is an array of *npaths strings; free it and *image with
 * free_operands().
 */
int path_operands(
    int argc, char **argv, int min, char **image, char ***paths, int *npaths);
void free_operands(char *image, char **paths, int npaths);

/*
 * Make the host file image hold size bytes for a new file system:
 * created when missing (*created set), extended when shorter; with fresh,
 * emptied first (makefs).  A block device is taken as it is.  -1 after a
 * message.
 */
int image_prepare(const char *image, uint64_t size, int fresh, int *created);

/* A size with an optional suffix k, m, g, t (powers of 1024) or b (512). */
int parse_size(const char *s, uint64_t *out);

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
int ukfs_mkdir_main(int argc, char **argv);
int ukfs_rm_main(int argc, char **argv);
int ukfs_rmdir_main(int argc, char **argv);
int ukfs_mv_main(int argc, char **argv);
int ukfs_ln_main(int argc, char **argv);
int ukfs_chmod_main(int argc, char **argv);
int ukfs_chown_main(int argc, char **argv);
int ukfs_touch_main(int argc, char **argv);
int ukfs_write_main(int argc, char **argv);
int ukfs_newfs_main(int argc, char **argv);
int ukfs_makefs_main(int argc, char **argv);
int ukfs_fsck_main(int argc, char **argv);
int ukfs_lfs_clean_main(int argc, char **argv);
int ukfs_info_main(int argc, char **argv);
int ukfs_parts_main(int argc, char **argv);
int ukfs_compress_main(int argc, char **argv);
int ukfs_find_main(int argc, char **argv);
int ukfs_du_main(int argc, char **argv);
int ukfs_diff_main(int argc, char **argv);

/* The partition listing of ukfs-parts (also ukfs-info -p); -1 after a message. */
int parts_print(const char *image);

#endif /* _UKFS_UTILS_COMMON_H_ */
