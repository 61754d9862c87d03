/*
 * ukfs-du: du(1) inside an image: the space each directory's tree takes
 * (1024-byte units, rounded up, as GNU du), a file with several links
 * counted once, -a for files too, -s for totals only, -h human sizes and
 * -b apparent sizes in bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "walk.h"

static const char du_usage[] =
    "usage: ukfs-du [-abhs] [-t type] [-o options] image[:path] [path ...]\n";

struct du {
	struct side side;
	int aflag, bflag, hflag, sflag;
	uint64_t *sums; /* a total per directory being walked */
	size_t nsums, capsums;
	ino_t *seen; /* hash set of multiply linked inodes counted */
	size_t nseen, capseen;
	int status;
};

/* Record ino; 1 when it was seen before. */
static int
seen_before(struct du *d, ino_t ino)
{
	size_t i, cap;
	ino_t *t;

	if (ino == 0)
		ino = (ino_t)-1;
	if (d->nseen * 2 >= d->capseen) {
		cap = d->capseen ? d->capseen * 2 : 256;
		t = calloc(cap, sizeof(*t));
		if (t == NULL) {
			warnmsg("%s", strerror(ENOMEM));
			exit(1);
		}
		for (i = 0; i < d->capseen; i++) {
			size_t h;

			if (d->seen[i] == 0)
				continue;
			for (h = (size_t)d->seen[i] % cap; t[h] != 0;
			     h = (h + 1) % cap)
				;
			t[h] = d->seen[i];
		}
		free(d->seen);
		d->seen = t;
		d->capseen = cap;
	}
	for (i = (size_t)ino % d->capseen; d->seen[i] != 0;
	     i = (i + 1) % d->capseen)
		if (d->seen[i] == ino)
			return 1;
	d->seen[i] = ino;
	d->nseen++;
	return 0;
}

static uint64_t
usage_of(const struct du *d, const struct stat *st)
{
	return d->bflag ? (uint64_t)st->st_size : (uint64_t)st->st_blocks * 512;
}

/* GNU du's -h: one decimal below 10, rounded up, powers of 1024. */
static void
print_size(const struct du *d, uint64_t bytes, const char *path)
{
	static const char units[] = "KMGTPE";
	double v;
	int u;

	if (!d->hflag) {
		printf("%" PRIu64 "\t%s\n",
		    d->bflag ? bytes : (bytes + 1023) / 1024, path);
		return;
	}
	if (bytes < 1024) {
		printf("%" PRIu64 "\t%s\n", bytes, path);
		return;
	}
	v = (double)bytes / 1024;
	for (u = 0; v >= 1024 && u < 5; u++)
		v /= 1024;
	if (v < 10) {
		double r = (double)(uint64_t)(v * 10 + 0.999999) / 10;

		if (r < 10) {
			printf("%.1f%c\t%s\n", r, units[u], path);
			return;
		}
		v = r;
	}
	v = (double)(uint64_t)(v + 0.999999);
	if (v >= 1024 && u < 5) {
		printf("1.0%c\t%s\n", units[u + 1], path);
		return;
	}
	printf("%.0f%c\t%s\n", v, units[u], path);
}

static void
add(struct du *d, uint64_t n)
{
	if (d->nsums > 0)
		d->sums[d->nsums - 1] += n;
}

static void
du_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct du *d = w->arg;
	uint64_t n;

	if (st->st_nlink > 1 && seen_before(d, st->st_ino))
		return;
	n = usage_of(d, st);
	add(d, n);
	if (w->depth == 0 || (d->aflag && !d->sflag))
		print_size(d, n, w->path.p);
}

static int
du_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct du *d = w->arg;

	if (d->nsums == d->capsums) {
		size_t cap = d->capsums ? d->capsums * 2 : 32;
		uint64_t *s = realloc(d->sums, cap * sizeof(*s));

		if (s == NULL) {
			walk_err(w, ENOMEM);
			return -1;
		}
		d->sums = s;
		d->capsums = cap;
	}
	d->sums[d->nsums++] = usage_of(d, st);
	return 0;
}

static void
du_post(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct du *d = w->arg;
	uint64_t total = d->sums[--d->nsums];

	add(d, total);
	if (w->depth == 0 || !d->sflag)
		print_size(d, total, w->path.p);
}

static const struct walk_ops du_ops = {
    .pre = du_pre,
    .post = du_post,
    .leaf = du_leaf,
};

static void
du_path(struct du *d, const char *path)
{
	struct stat st;
	struct walk w;

	if (ukfs_lstat(d->side.u, path, &st) == -1) {
		warnpath(d->side.image, path, errno);
		d->status = 1;
		return;
	}
	if (walk_init(&w, &d->side, &du_ops, d, path) == -1) {
		d->status = 1;
		return;
	}
	walk_tree(&w, AT_FDCWD, path, &st);
	if (w.status)
		d->status = 1;
	walk_fini(&w);
}

int
ukfs_du_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct du d;
	char *image, **paths;
	int ch, i, n;

	memset(&d, 0, sizeof(d));
	while ((ch = common_getopt(argc, argv, "abhs", &co, du_usage)) != -1) {
		switch (ch) {
		case 'a':
			d.aflag = 1;
			break;
		case 'b':
			d.bflag = 1;
			break;
		case 'h':
			d.hflag = 1;
			break;
		case 's':
			d.sflag = 1;
			break;
		default:
			return 1;
		}
	}
	if (path_operands(
	        argc - optind, argv + optind, 0, &image, &paths, &n) == -1)
		usage_exit(du_usage);
	d.side.image = image;
	d.side.u = mount_image(image, &co, UKFS_RDONLY);
	if (d.side.u == NULL) {
		free_operands(image, paths, n);
		return 1;
	}
	for (i = 0; i < n; i++)
		du_path(&d, paths[i]);
	if (n == 0)
		du_path(&d, "/");
	if (release_image(d.side.u) == -1)
		d.status = 1;
	free_operands(image, paths, n);
	free(d.sums);
	free(d.seen);
	return finish_stdout(d.status);
}
