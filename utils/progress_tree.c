/*
 * Time left for a tree: before a copy of a tree, when the progress line
 * is on, one quick walk counts the files and bytes to come.  It is a
 * look-ahead only: it prints nothing (the copy reports what is wrong),
 * and it gives up, leaving the line without a time left, once it has
 * taken PROGRESS_COUNT_NS or seen PROGRESS_COUNT_MAX objects, so a huge
 * or slow tree costs the copy little.
 */
#include <string.h>
#include <time.h>

#include "progress.h"
#include "walk.h"

#define PROGRESS_COUNT_NS  1500000000LL /* 1.5 s */
#define PROGRESS_COUNT_MAX 2000000

struct counter {
	uint64_t files, bytes, seen;
	struct timespec start;
	int gaveup;
};

static void
tally(struct walk *w, const struct stat *st, int leaf)
{
	struct counter *c = w->arg;
	struct timespec now;

	if (leaf) {
		c->files++;
		if (S_ISREG(st->st_mode))
			c->bytes += (uint64_t)st->st_size;
	}
	/* the clock is read every 256 objects: cheap enough */
	if (++c->seen % 256 != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (c->seen >= PROGRESS_COUNT_MAX ||
	    (now.tv_sec - c->start.tv_sec) * 1000000000LL +
	            (now.tv_nsec - c->start.tv_nsec) >
	        PROGRESS_COUNT_NS) {
		c->gaveup = 1;
		w->stop = 1;
	}
}

static int
count_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	tally(w, st, 0);
	return 0;
}

static void
count_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	tally(w, st, 1);
}

static const struct walk_ops count_ops = {
    .pre = count_pre,
    .leaf = count_leaf,
};

void
progress_count_tree(struct progress *p, const struct side *s, int dirfd,
    const char *name, const struct stat *st)
{
	struct counter c;
	struct walk w;

	progress_expect(p, 0, 0);
	if (!p->on)
		return;
	memset(&c, 0, sizeof(c));
	clock_gettime(CLOCK_MONOTONIC_COARSE, &c.start);
	if (walk_init(&w, s, &count_ops, &c, name) == -1)
		return;
	w.quiet = 1;
	walk_tree(&w, dirfd, name, st);
	walk_fini(&w);
	if (!c.gaveup)
		progress_expect(p, p->files + c.files, p->bytes + c.bytes);
}
