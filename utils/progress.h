/*
 * A progress line for long copies: files, bytes, rate and (when the totals
 * are known) time left, redrawn on stderr at most four times a second.
 * Shown only when stderr is a terminal (UKFS_PROGRESS=1 forces it, =0
 * turns it off, =all redraws on every step, for tests), so logs and
 * pipes stay quiet.
 */
#ifndef _UKFS_UTILS_PROGRESS_H_
#define _UKFS_UTILS_PROGRESS_H_

#include <sys/stat.h>
#include <stdint.h>
#include <time.h>

#include "side.h"

struct progress {
	int on;
	long tick_ns; /* least time between two drawings */
	uint64_t files, bytes;
	uint64_t total;  /* bytes expected, 0: unknown */
	uint64_t tfiles; /* files expected, 0: unknown */
	struct timespec start, last;
	int drawn; /* a line is on the screen */
};

void progress_init(struct progress *, int wanted);
void progress_total(struct progress *, uint64_t bytes);
/* Files and bytes expected in all (0, 0: not known). */
void progress_expect(struct progress *, uint64_t files, uint64_t bytes);
/*
 * Before copying the tree name (relative to dirfd on side s; st its
 * lstat): when the line is on, count what is under it for the time left,
 * in a quick walk without messages that gives up on a huge or slow tree
 * (progress_tree.c).
 */
void progress_count_tree(struct progress *, const struct side *s,
    int dirfd, const char *name, const struct stat *st);
void progress_add(struct progress *, uint64_t bytes, uint64_t files);
/* Draw the final figures and end the line. */
void progress_done(struct progress *);

#endif /* _UKFS_UTILS_PROGRESS_H_ */
