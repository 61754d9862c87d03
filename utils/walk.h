/*
 * The one tree walk of the tools (cp, makefs, rm -r, chmod -R, chown -R,
 * makefs's size estimate), on either side.  Directories are visited before
 * and after their entries; every name read from a directory is checked;
 * a directory that contains itself (a damaged image) is reported, not
 * walked forever.
 */
#ifndef _UKFS_UTILS_WALK_H_
#define _UKFS_UTILS_WALK_H_

#include <sys/stat.h>

#include "common.h"
#include "side.h"

struct walk;

struct walk_ops {
	/*
	 * A directory, before its entries: 0 to walk into it, 1 to skip
	 * its entries (post is still called), -1 to skip it entirely.
	 */
	int (*pre)(
	    struct walk *w, int dirfd, const char *name, const struct stat *st);
	/* The same directory after its entries (may be NULL). */
	void (*post)(
	    struct walk *w, int dirfd, const char *name, const struct stat *st);
	/* Anything that is not a directory. */
	void (*leaf)(
	    struct walk *w, int dirfd, const char *name, const struct stat *st);
	/*
	 * Nonzero: the leaf reads regular files.  The walk then opens an
	 * entry that its directory calls regular (O_RDONLY | O_NOFOLLOW |
	 * O_NONBLOCK) and takes st from the descriptor: one lookup of the
	 * name instead of two.  The leaf finds the descriptor in w->leaffd
	 * when st says regular (else -1); the walk closes it afterwards.
	 */
	int open_regular;
	/* Called before the walk prints a message of its own (may be NULL). */
	void (*quiesce)(struct walk *w);
};

struct walk {
	const struct side *side;
	const struct walk_ops *ops;
	void *arg;           /* the caller's */
	struct pathbuf path; /* the current object, as messages name it */
	int depth;           /* 0: the object walk_tree() was called on */
	int status;          /* 1 after a reported error */
	int stop;            /* set by a callback: end the walk */
	int leaffd;          /* see walk_ops.open_regular */
	/* the leaf's whole content when read ahead (else NULL): see ahead */
	const char *leafdata;
	size_t leaflen;
	/*
	 * Set by the caller: on the host side, read the small regular files
	 * of a directory ahead in a second thread (walk_ahead.c), for a leaf
	 * whose own work (writing into an image) is worth overlapping.
	 */
	int ahead;
	int quiet; /* no messages (a look-ahead walk) */
	struct {
		dev_t dev;
		ino_t ino;
	} * anc; /* the directories being walked */
	size_t nanc, capanc;
};

/* Set up a walk; path is the top object's name for messages. */
int walk_init(struct walk *w, const struct side *s, const struct walk_ops *ops,
    void *arg, const char *path);
void walk_fini(struct walk *w);

/*
 * Walk the object name (relative to dirfd) that st describes (lstat, or
 * stat for a followed top-level symlink).
 */
void walk_tree(
    struct walk *w, int dirfd, const char *name, const struct stat *st);

/* "progname: side:path: strerror(error)", status 1. */
void walk_err(struct walk *w, int error);

#endif /* _UKFS_UTILS_WALK_H_ */
