/*
 * Reading a host directory's small regular files ahead of the walk, in a
 * second thread (walk_ahead.c).  The walk lists the directory into it
 * (walk_ahead_add), starts it, and takes each entry in order.
 */
#ifndef _UKFS_UTILS_WALK_AHEAD_H_
#define _UKFS_UTILS_WALK_AHEAD_H_

#include <stddef.h>
#include <sys/stat.h>

struct walk_ahead;

/* For the entries of the host directory open as dfd. */
struct walk_ahead *walk_ahead_new(int dfd);
int walk_ahead_add(struct walk_ahead *a, const char *name, int type);
void walk_ahead_start(struct walk_ahead *a);
size_t walk_ahead_count(const struct walk_ahead *a);
void walk_ahead_get(
    struct walk_ahead *a, size_t i, const char **name, int *type);
/*
 * Entry i, reached by the walk: 1 with the open descriptor, its stat and
 * (for a small regular file read whole) the data, all the caller's now;
 * 0 when the walk should open the name itself.
 */
int walk_ahead_take(struct walk_ahead *a, size_t i, int *fd, struct stat *st,
    char **data, size_t *len);
/* Stop the thread; close and free what was not taken. */
void walk_ahead_free(struct walk_ahead *a);

#endif /* _UKFS_UTILS_WALK_AHEAD_H_ */
