/*
 * The report of an offline check (vfs_fsckr): human-readable lines, the
 * problems found and how many of them were repaired, so that a tool can
 * tell "repaired" from "left" (fsck(8) exit statuses 1 and 4).
 */
#ifndef _SYS_FSCK_H_
#define _SYS_FSCK_H_

#include "sys/param.h"

struct uio;
struct vnode;

struct fsck_report {
	struct uio *fr_uio; /* where the lines go */
	bool fr_repair;     /* options asked for "repair" */
	int fr_found;       /* problems found */
	int fr_fixed;       /* of those, repaired */
	int fr_lines;       /* lines written (capped) */
	int fr_maxlines;
};

void fsck_report_init(struct fsck_report *, struct uio *, const char *options);
/* A line that is not a problem (a note, a note of what was done). */
void fsck_say(struct fsck_report *, const char *, ...) __printflike(2, 3);
/* A problem found: one line, counted. */
void fsck_problem(struct fsck_report *, const char *, ...) __printflike(2, 3);
/* The problem reported last was repaired. */
void fsck_fixed(struct fsck_report *);
/* A problem found and repaired at once. */
void fsck_problem_fixed(struct fsck_report *, const char *, ...)
    __printflike(2, 3);

/*
 * Run a check with repair in rounds: the first reports to fr, then
 * quiet rounds repair what the earlier ones' fixes uncovered (a cleared
 * inode frees blocks, a cut chain leaves lost clusters) until one finds
 * nothing or maxrounds ran; a last read-only round counts (and lists)
 * what is left, which sets fr_fixed.  Without repair: one round.
 */
typedef int fsck_round_fn(
    struct vnode *devvp, const char *options, struct fsck_report *);
int fsck_rounds(struct vnode *devvp, const char *options,
    struct fsck_report *fr, fsck_round_fn *round, int maxrounds);

#endif /* _SYS_FSCK_H_ */
