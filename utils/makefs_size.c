/*
 * How big an image a tree needs: one walk over the host tree adding up
 * the blocks of files (holes left out), directories and long symlinks,
 * the indirect blocks of large files, and one inode per object (hard
 * links counted once).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "makefs.h"
#include "walk.h"

struct devino {
	dev_t dev;
	ino_t ino;
};

struct sizer {
	struct treesize *ts;
	uint64_t unit;
	struct devino *seen; /* multi-link inodes counted: a hash set */
	size_t nseen, capseen;
};

static uint64_t
roundup_unit(uint64_t n, uint64_t unit)
{
	return (n + unit - 1) / unit * unit;
}

static size_t
seen_slot(const struct sizer *s, dev_t dev, ino_t ino)
{
	size_t h = (size_t)(((uint64_t)ino * 0x9E3779B97F4A7C15ULL) >> 17) ^
	    (size_t)dev;

	for (h &= s->capseen - 1;; h = (h + 1) & (s->capseen - 1))
		if (s->seen[h].ino == 0 ||
		    (s->seen[h].ino == ino && s->seen[h].dev == dev))
			return h;
}

/* 1 when st's inode was seen before; else remembers it. */
static int
seen_before(struct sizer *s, const struct stat *st)
{
	struct devino *old = s->seen;
	size_t oldcap = s->capseen, i, h;

	if (2 * (s->nseen + 1) > s->capseen) {
		s->capseen = oldcap ? oldcap * 2 : 256;
		s->seen = calloc(s->capseen, sizeof(*s->seen));
		if (s->seen == NULL) {
			s->seen = old;
			s->capseen = oldcap;
			return 0; /* count it again: the size only grows */
		}
		for (i = 0; i < oldcap; i++)
			if (old[i].ino != 0)
				s->seen[seen_slot(s, old[i].dev, old[i].ino)] =
				    old[i];
		free(old);
	}
	h = seen_slot(s, st->st_dev, st->st_ino);
	if (s->seen[h].ino != 0)
		return 1;
	s->seen[h].dev = st->st_dev;
	s->seen[h].ino = st->st_ino;
	s->nseen++;
	return 0;
}

/* Blocks of a file of size bytes, with its indirect blocks. */
static uint64_t
file_bytes(const struct sizer *s, const struct stat *st)
{
	uint64_t size = (uint64_t)st->st_size, alloc;
	uint64_t ptrs = s->unit / 4, blocks;

	/* a sparse file keeps its holes */
	alloc = (uint64_t)st->st_blocks * 512;
	if (alloc < size)
		size = alloc;
	blocks = roundup_unit(size, s->unit) / s->unit;
	/* one indirect block per ptrs data blocks beyond the direct ones */
	if (blocks > 12)
		blocks += (blocks - 12 + ptrs - 1) / ptrs + 1;
	return blocks * s->unit;
}

static void
count(struct walk *w, const char *name, const struct stat *st)
{
	struct sizer *s = w->arg;

	/* its entry in the parent: header and name, 4-byte aligned */
	s->ts->data += (8 + strlen(name) + 3) & ~(uint64_t)3;
	if (st->st_nlink > 1 && !S_ISDIR(st->st_mode) && seen_before(s, st))
		return;
	s->ts->ninodes++;
	if (S_ISREG(st->st_mode)) {
		s->ts->nfiles++;
		s->ts->data += file_bytes(s, st);
	} else if (S_ISLNK(st->st_mode) && st->st_size >= 60)
		s->ts->data += roundup_unit((uint64_t)st->st_size, s->unit);
}

static int
size_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct sizer *s = w->arg;

	count(w, name, st);
	/* "." and ".." and the block the entries start in */
	s->ts->data += s->unit;
	return 0;
}

static void
size_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	count(w, name, st);
}

static const struct walk_ops size_ops = {
    .pre = size_pre,
    .leaf = size_leaf,
};

int
tree_size(const char *dir, uint64_t unit, struct treesize *ts)
{
	struct side host = {NULL, NULL, 0};
	struct sizer s;
	struct stat st;
	struct walk w;

	memset(ts, 0, sizeof(*ts));
	memset(&s, 0, sizeof(s));
	s.ts = ts;
	s.unit = unit;
	if (stat(dir, &st) == -1) {
		warnmsg("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		warnmsg("%s: %s", dir, strerror(ENOTDIR));
		return -1;
	}
	if (walk_init(&w, &host, &size_ops, &s, dir) == -1)
		return -1;
	walk_tree(&w, AT_FDCWD, dir, &st);
	ts->status = w.status;
	walk_fini(&w);
	free(s.seen);
	return 0;
}
