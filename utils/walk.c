/* The tree walk shared by the tools. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walk.h"
#include "walk_ahead.h"

int
walk_init(struct walk *w, const struct side *s, const struct walk_ops *ops,
    void *arg, const char *path)
{
	memset(w, 0, sizeof(*w));
	w->leaffd = -1;
	w->side = s;
	w->ops = ops;
	w->arg = arg;
	if (pathbuf_set(&w->path, path) == -1) {
		warnmsg("%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

void
walk_fini(struct walk *w)
{
	pathbuf_free(&w->path);
	free(w->anc);
	w->anc = NULL;
}

static void
quiesce(struct walk *w)
{
	if (w->ops->quiesce != NULL)
		w->ops->quiesce(w);
}

void
walk_err(struct walk *w, int error)
{
	if (!w->quiet) {
		quiesce(w);
		warnmsg("%s: %s", side_name(w->side, w->path.p),
		    strerror(error));
	}
	w->status = 1;
}

static int
valid_name(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int
is_ancestor(const struct walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->nanc; i++)
		if (w->anc[i].ino == st->st_ino && w->anc[i].dev == st->st_dev)
			return 1;
	return 0;
}

static int
push_ancestor(struct walk *w, const struct stat *st)
{
	if (w->nanc == w->capanc) {
		size_t cap = w->capanc ? w->capanc * 2 : 32;
		void *a = realloc(w->anc, cap * sizeof(*w->anc));

		if (a == NULL) {
			walk_err(w, ENOMEM);
			return -1;
		}
		w->anc = a;
		w->capanc = cap;
	}
	w->anc[w->nanc].dev = st->st_dev;
	w->anc[w->nanc].ino = st->st_ino;
	w->nanc++;
	return 0;
}

/*
 * A regular file (so its directory says) for a leaf that reads it: open
 * it and stat the descriptor.  Never waits on a fifo or follows a symlink
 * that took the file's place; anything but a regular file is closed
 * again before a byte is read.  1 when the entry has been dealt with, 0
 * when the caller should stat the name as usual (the open failed: the
 * lstat and the leaf's own open then report what is wrong).
 */
static int
walk_open_leaf(struct walk *w, int dfd, const char *name)
{
	struct stat st;
	int fd, error;

	fd = side_openat(
	    w->side, dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd == -1)
		return 0;
	if (side_fstat(w->side, fd, &st) == -1) {
		error = errno;
		side_close(w->side, fd);
		walk_err(w, error);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		side_close(w->side, fd);
		walk_tree(w, dfd, name, &st);
		return 1;
	}
	w->leaffd = fd;
	w->ops->leaf(w, dfd, name, &st);
	w->leaffd = -1;
	side_close(w->side, fd);
	return 1;
}

/* The leaf for a regular file that walk_ahead opened (and maybe read). */
static void
walk_ahead_leaf(struct walk *w, int dfd, const char *name, int fd,
    const struct stat *st, char *data, size_t len)
{
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		walk_tree(w, dfd, name, st);
		return;
	}
	w->leaffd = fd;
	w->leafdata = data;
	w->leaflen = len;
	w->ops->leaf(w, dfd, name, st);
	w->leaffd = -1;
	w->leafdata = NULL;
	w->leaflen = 0;
	free(data);
	close(fd);
}

/*
 * One entry of the directory open as dfd; a and i: where walk_ahead
 * holds it (a NULL: not read ahead).  0, or -1 to end the directory.
 */
static int
walk_entry(struct walk *w, int dfd, const char *name, int type,
    struct walk_ahead *a, size_t i)
{
	struct stat st;
	char *data;
	size_t old, len;
	int fd;

	old = pathbuf_push(&w->path, name);
	if (old == (size_t)-1) {
		walk_err(w, ENOMEM);
		return -1;
	}
	if (!valid_name(name)) {
		if (!w->quiet) {
			quiesce(w);
			warnmsg("%s: skipping invalid name '%s'",
			    side_name(w->side, w->path.p), name);
		}
		w->status = 1;
	} else if (a != NULL && type == DT_REG &&
	    walk_ahead_take(a, i, &fd, &st, &data, &len))
		walk_ahead_leaf(w, dfd, name, fd, &st, data, len);
	else if (type == DT_REG && w->ops->open_regular &&
	    walk_open_leaf(w, dfd, name))
		;
	else if (side_fstatat(w->side, dfd, name, &st, AT_SYMLINK_NOFOLLOW) ==
	    -1)
		walk_err(w, errno);
	else
		walk_tree(w, dfd, name, &st);
	pathbuf_cut(&w->path, old);
	return 0;
}

/*
 * The entries of the host directory d, listed first, their small files
 * read ahead (walk_ahead.c); 0 when that could not be set up (the caller
 * walks d as usual).
 */
static int
walk_entries_ahead(struct walk *w, struct side_dir *d)
{
	struct walk_ahead *a;
	const char *name;
	size_t i, n;
	int dfd = side_dirfd(d), rv, type;

	if ((a = walk_ahead_new(dfd)) == NULL)
		return 0;
	while ((rv = side_readdir(d, &name, &type)) == 1)
		if (walk_ahead_add(a, name, type) == -1) {
			walk_ahead_free(a);
			walk_err(w, ENOMEM);
			return 1;
		}
	if (rv == -1) {
		walk_ahead_free(a);
		walk_err(w, errno);
		return 1;
	}
	walk_ahead_start(a);
	n = walk_ahead_count(a);
	for (i = 0; i < n && !w->stop; i++) {
		walk_ahead_get(a, i, &name, &type);
		if (walk_entry(w, dfd, name, type, a, i) == -1)
			break;
	}
	walk_ahead_free(a);
	return 1;
}

/* Walk the entries of the open directory d. */
static void
walk_entries(struct walk *w, struct side_dir *d)
{
	const char *name;
	int dfd = side_dirfd(d), rv = 0, type;

	if (w->ahead && w->side->u == NULL && w->ops->open_regular &&
	    walk_entries_ahead(w, d))
		return;
	while (!w->stop && (rv = side_readdir(d, &name, &type)) == 1)
		if (walk_entry(w, dfd, name, type, NULL, 0) == -1)
			return;
	if (!w->stop && rv == -1)
		walk_err(w, errno);
}

static void
walk_dir(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct side_dir *d;
	int rv;

	if (is_ancestor(w, st)) {
		if (!w->quiet) {
			quiesce(w);
			warnmsg("%s: directory loop; not walked again",
			    side_name(w->side, w->path.p));
		}
		w->status = 1;
		return;
	}
	rv = w->ops->pre(w, dirfd, name, st);
	if (rv == -1)
		return;
	if (rv == 0) {
		d = side_opendirat(w->side, dirfd, name, w->depth == 0);
		if (d == NULL)
			walk_err(w, errno);
		else {
			if (push_ancestor(w, st) == 0) {
				w->depth++;
				walk_entries(w, d);
				w->depth--;
				w->nanc--;
			}
			side_closedir(d);
		}
	}
	if (w->ops->post != NULL)
		w->ops->post(w, dirfd, name, st);
}

void
walk_tree(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		walk_dir(w, dirfd, name, st);
	else
		w->ops->leaf(w, dirfd, name, st);
}
