/*
 * ukfs-ls: list directories in an image like ls(1); -l prints what GNU
 * ls -l prints, so that the two can be compared line for line.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "lsformat.h"

static const char ls_usage[] =
    "usage: ukfs-ls [-1adilnR] [-t type] [-o options] image [path ...]\n"
    "       ukfs-ls [-1adilnR] [-t type] [-o options] image:path [path ...]\n";

struct ent {
	char *name;
	char *target; /* -l: a symlink's target */
	struct stat st;
};

struct entlist {
	struct ent *v;
	size_t n, cap;
};

/* A directory being listed, for loop detection in -R. */
struct ancestor {
	dev_t dev;
	ino_t ino;
};

struct ls {
	struct ukfs *u;
	const char *image;
	int lflag, aflag, Rflag, dflag, iflag, nflag;
	int headers; /* print "dir:" before a listing */
	int printed; /* a blank line goes before the next header */
	int status;
	struct timespec now;
	struct ancestor *anc;
	size_t nanc, capanc;
};

static int
need_stat(const struct ls *ls)
{
	return ls->lflag || ls->Rflag || ls->iflag;
}

static struct ent *
ent_add(struct entlist *el, const char *name)
{
	struct ent *e;

	if (el->n == el->cap) {
		size_t cap = el->cap ? el->cap * 2 : 64;
		struct ent *v = realloc(el->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		el->v = v;
		el->cap = cap;
	}
	e = &el->v[el->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (e->name == NULL)
		return NULL;
	el->n++;
	return e;
}

static void
ent_free(struct entlist *el)
{
	size_t i;

	for (i = 0; i < el->n; i++) {
		free(el->v[i].name);
		free(el->v[i].target);
	}
	free(el->v);
	el->v = NULL;
	el->n = el->cap = 0;
}

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static void
ent_sort(struct entlist *el)
{
	if (el->n > 1)
		qsort(el->v, el->n, sizeof(el->v[0]), ent_cmp);
}

static char *
read_target(struct ukfs *u, int dirfd, const char *name)
{
	char buf[4096];
	ssize_t n;

	n = ukfs_readlinkat(u, dirfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static int
ndigits(uintmax_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int
max(int a, int b)
{
	return a > b ? a : b;
}

struct widths {
	int ino, nlink, owner, group, size, major, minor;
};

static int
id_width(const char *name, unsigned id)
{
	return name ? (int)strlen(name) : ndigits(id);
}

static void
compute_widths(const struct ls *ls, const struct entlist *el, struct widths *w)
{
	const struct stat *st;
	int devs = 0;
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < el->n; i++) {
		st = &el->v[i].st;
		w->ino = max(w->ino, ndigits(st->st_ino));
		if (!ls->lflag)
			continue;
		w->nlink = max(w->nlink, ndigits(st->st_nlink));
		w->owner = max(w->owner,
		    id_width(
		        ls->nflag ? NULL : user_name(st->st_uid), st->st_uid));
		w->group = max(w->group,
		    id_width(
		        ls->nflag ? NULL : group_name(st->st_gid), st->st_gid));
		if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
			devs = 1;
			w->major = max(w->major, ndigits(major(st->st_rdev)));
			w->minor = max(w->minor, ndigits(minor(st->st_rdev)));
		} else
			w->size = max(w->size, ndigits((uintmax_t)st->st_size));
	}
	if (devs)
		w->size = max(w->size, w->major + 2 + w->minor);
}

/*
 * A line of -l output, built by hand: printf's parsing of the same few
 * formats costs more than all the rest of a long listing.
 */
struct line {
	char *p, *end;
};

/* s padded with blanks to width, on the left (right-aligned) or right. */
static void
put_str(struct line *l, const char *s, int width, int left)
{
	size_t n = strlen(s);
	size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;

	if (l->p == NULL || (size_t)(l->end - l->p) < n + pad) {
		l->p = NULL; /* too long: the caller falls back to printf */
		return;
	}
	if (!left) {
		memset(l->p, ' ', pad);
		l->p += pad;
	}
	memcpy(l->p, s, n);
	l->p += n;
	if (left) {
		memset(l->p, ' ', pad);
		l->p += pad;
	}
}

static void
put_num(struct line *l, intmax_t v, int width)
{
	char d[24], *q = d + sizeof(d);
	uintmax_t u = v < 0 ? -(uintmax_t)v : (uintmax_t)v;

	*--q = '\0';
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	put_str(l, q, width, 0);
}

/* Names left-aligned and padded; numbers (no name) right-aligned. */
static void
put_id(struct line *l, const char *name, unsigned id, int width)
{
	if (name != NULL)
		put_str(l, name, width, 1);
	else
		put_num(l, id, width);
	put_str(l, " ", 0, 0);
}

static void
print_long(const struct ls *ls, const struct ent *e, const struct widths *w)
{
	static char buf[8192];
	const struct stat *st = &e->st;
	const char *user = ls->nflag ? NULL : user_name(st->st_uid);
	const char *group = ls->nflag ? NULL : group_name(st->st_gid);
	struct line l = {buf, buf + sizeof(buf)};
	char mode[12], tbuf[64];

	mode_string(st->st_mode, mode);
	ls_time(&st->st_mtim, &ls->now, tbuf, sizeof(tbuf));
	put_str(&l, mode, 0, 0);
	put_str(&l, " ", 0, 0);
	put_num(&l, (intmax_t)st->st_nlink, w->nlink);
	put_str(&l, " ", 0, 0);
	put_id(&l, user, (unsigned)st->st_uid, w->owner);
	put_id(&l, group, (unsigned)st->st_gid, w->group);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		put_num(&l, major(st->st_rdev), w->size - 2 - w->minor);
		put_str(&l, ", ", 0, 0);
		put_num(&l, minor(st->st_rdev), w->minor);
	} else
		put_num(&l, (intmax_t)st->st_size, w->size);
	put_str(&l, " ", 0, 0);
	put_str(&l, tbuf, 0, 0);
	put_str(&l, " ", 0, 0);
	put_str(&l, e->name, 0, 0);
	if (S_ISLNK(st->st_mode) && e->target != NULL) {
		put_str(&l, " -> ", 0, 0);
		put_str(&l, e->target, 0, 0);
	}
	put_str(&l, "\n", 0, 0);
	if (l.p != NULL) {
		fwrite(buf, 1, (size_t)(l.p - buf), stdout);
		return;
	}
	/* a line longer than the buffer */
	printf("%s %*ju ", mode, w->nlink, (uintmax_t)st->st_nlink);
	if (user != NULL)
		printf("%-*s ", w->owner, user);
	else
		printf("%*u ", w->owner, (unsigned)st->st_uid);
	if (group != NULL)
		printf("%-*s ", w->group, group);
	else
		printf("%*u ", w->group, (unsigned)st->st_gid);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("%*u, %*u ", w->size - 2 - w->minor, major(st->st_rdev),
		    w->minor, minor(st->st_rdev));
	else
		printf("%*jd ", w->size, (intmax_t)st->st_size);
	printf("%s %s", tbuf, e->name);
	if (S_ISLNK(st->st_mode) && e->target != NULL)
		printf(" -> %s", e->target);
	putchar('\n');
}

/*
 * Print entries with column widths from wl, which may hold more entries:
 * GNU ls sizes the columns of the command-line files over all the
 * operands, directories included.
 */
static void
print_entries(
    const struct ls *ls, const struct entlist *el, const struct entlist *wl)
{
	struct widths w;
	size_t i;

	compute_widths(ls, wl, &w);
	for (i = 0; i < el->n; i++) {
		if (ls->iflag)
			printf("%*ju ", w.ino, (uintmax_t)el->v[i].st.st_ino);
		if (ls->lflag)
			print_long(ls, &el->v[i], &w);
		else
			printf("%s\n", el->v[i].name);
	}
}

/* Read a directory's entries (with attributes when needed). */
static int
read_dir(struct ls *ls, const char *path, struct entlist *el)
{
	struct ukfs_dirent de;
	struct ukfs_dir *d;
	struct ent *e;
	int rv, fd;

	d = ukfs_opendir(ls->u, path);
	if (d == NULL) {
		warnpath(ls->image, path, errno);
		return -1;
	}
	fd = ukfs_dirfd(d);
	while ((rv = ukfs_readdir(d, &de)) == 1) {
		if (de.d_name[0] == '.' && !ls->aflag)
			continue;
		e = ent_add(el, de.d_name);
		if (e == NULL) {
			rv = -1;
			break;
		}
		e->st.st_ino = (ino_t)de.d_ino;
		if (!need_stat(ls))
			continue;
		if (ukfs_fstatat(ls->u, fd, de.d_name, &e->st,
		        AT_SYMLINK_NOFOLLOW) == -1) {
			/* report and leave it out, like a vanished entry */
			int error = errno;

			ls->status = 1;
			free(e->name);
			el->n--;
			fflush(stdout);
			fprintf(stderr, "%s: %s:%s%s%s: %s\n", progname,
			    ls->image, path,
			    path[strlen(path) - 1] == '/' ? "" : "/", de.d_name,
			    strerror(error));
			continue;
		}
		if (ls->lflag && S_ISLNK(e->st.st_mode))
			e->target = read_target(ls->u, fd, de.d_name);
	}
	if (rv == -1)
		warnpath(ls->image, path, errno);
	ukfs_closedir(d);
	ent_sort(el);
	return rv == -1 ? -1 : 0;
}

static int
is_ancestor(const struct ls *ls, const struct stat *st)
{
	size_t i;

	for (i = 0; i < ls->nanc; i++)
		if (ls->anc[i].ino == st->st_ino &&
		    ls->anc[i].dev == st->st_dev)
			return 1;
	return 0;
}

static int
push_ancestor(struct ls *ls, const struct stat *st)
{
	if (ls->nanc == ls->capanc) {
		size_t cap = ls->capanc ? ls->capanc * 2 : 32;
		struct ancestor *a = realloc(ls->anc, cap * sizeof(*a));

		if (a == NULL)
			return -1;
		ls->anc = a;
		ls->capanc = cap;
	}
	ls->anc[ls->nanc].dev = st->st_dev;
	ls->anc[ls->nanc].ino = st->st_ino;
	ls->nanc++;
	return 0;
}

static void
list_dir(struct ls *ls, struct pathbuf *path, const struct stat *dst)
{
	struct entlist el = {NULL, 0, 0};
	uintmax_t blocks = 0;
	size_t i, old;

	if (ls->printed)
		putchar('\n');
	ls->printed = 1;
	if (ls->headers)
		printf("%s:\n", path->p);
	if (read_dir(ls, path->p, &el) == -1)
		ls->status = 1;
	if (ls->lflag) {
		for (i = 0; i < el.n; i++)
			blocks += (uintmax_t)el.v[i].st.st_blocks;
		printf("total %ju\n", (blocks + 1) / 2);
	}
	print_entries(ls, &el, &el);
	if (!ls->Rflag || push_ancestor(ls, dst) == -1)
		goto out;
	for (i = 0; i < el.n; i++) {
		const struct ent *e = &el.v[i];

		if (!S_ISDIR(e->st.st_mode) || strcmp(e->name, ".") == 0 ||
		    strcmp(e->name, "..") == 0)
			continue;
		old = pathbuf_push(path, e->name);
		if (old == (size_t)-1) {
			warnmsg("%s", strerror(ENOMEM));
			ls->status = 1;
			break;
		}
		if (is_ancestor(ls, &e->st)) {
			warnmsg("%s:%s: not listing already-listed directory "
			        "(directory loop)",
			    ls->image, path->p);
			ls->status = 1;
		} else
			list_dir(ls, path, &e->st);
		pathbuf_cut(path, old);
	}
	ls->nanc--;
out:
	ent_free(&el);
}

/* Sort the operands into files to list and directories to open. */
static void
sort_operands(struct ls *ls, char **paths, int npaths, struct entlist *files,
    struct entlist *dirs)
{
	struct stat st;
	struct ent *e;
	int i, rv;

	for (i = 0; i < npaths; i++) {
		if (ls->lflag || ls->dflag)
			rv = ukfs_lstat(ls->u, paths[i], &st);
		else if ((rv = ukfs_stat(ls->u, paths[i], &st)) == -1)
			rv = ukfs_lstat(ls->u, paths[i], &st); /* dangling */
		if (rv == -1) {
			warnpath(ls->image, paths[i], errno);
			ls->status = 1;
			continue;
		}
		e = ent_add(
		    S_ISDIR(st.st_mode) && !ls->dflag ? dirs : files, paths[i]);
		if (e == NULL) {
			warnmsg("%s", strerror(ENOMEM));
			ls->status = 1;
			continue;
		}
		e->st = st;
		if (ls->lflag && S_ISLNK(st.st_mode))
			e->target = read_target(ls->u, AT_FDCWD, paths[i]);
	}
	ent_sort(files);
	ent_sort(dirs);
}

static void
list_operands(struct ls *ls, char **paths, int npaths)
{
	struct entlist files = {NULL, 0, 0}, dirs = {NULL, 0, 0};
	struct pathbuf pb = {NULL, 0, 0};
	size_t j;

	ls->headers = npaths > 1 || ls->Rflag;
	sort_operands(ls, paths, npaths, &files, &dirs);
	if (files.n > 0) {
		struct entlist all = files;
		size_t i;

		/* widths over files and directories alike */
		all.v = malloc((files.n + dirs.n) * sizeof(*all.v));
		if (all.v != NULL) {
			memcpy(all.v, files.v, files.n * sizeof(*all.v));
			for (i = 0; i < dirs.n; i++)
				all.v[files.n + i] = dirs.v[i];
			all.n = files.n + dirs.n;
		} else
			all = files;
		print_entries(ls, &files, &all);
		if (all.v != files.v)
			free(all.v);
		ls->printed = 1;
	}
	for (j = 0; j < dirs.n; j++) {
		if (pathbuf_set(&pb, dirs.v[j].name) == -1) {
			warnmsg("%s", strerror(ENOMEM));
			ls->status = 1;
			break;
		}
		list_dir(ls, &pb, &dirs.v[j].st);
	}
	pathbuf_free(&pb);
	ent_free(&files);
	ent_free(&dirs);
}

int
ukfs_ls_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct ls ls;
	char *image, *first, *root = "/";
	char **paths;
	int ch, npaths;

	memset(&ls, 0, sizeof(ls));
	while (
	    (ch = common_getopt(argc, argv, "1adilnR", &co, ls_usage)) != -1) {
		switch (ch) {
		case '1':
			break; /* one per line is all ukfs-ls does */
		case 'a':
			ls.aflag = 1;
			break;
		case 'd':
			ls.dflag = 1;
			break;
		case 'i':
			ls.iflag = 1;
			break;
		case 'l':
			ls.lflag = 1;
			break;
		case 'n':
			ls.nflag = ls.lflag = 1;
			break;
		case 'R':
			ls.Rflag = 1;
			break;
		default:
			return 1;
		}
	}
	if (ls.dflag)
		ls.Rflag = 0;
	argc -= optind;
	argv += optind;
	if (argc < 1 || image_operand(argv[0], &image, &first) == -1)
		usage_exit(ls_usage);
	if (first != NULL)
		argv[0] = first;
	else {
		argc--;
		argv++;
	}
	paths = argc > 0 ? argv : &root;
	npaths = argc > 0 ? argc : 1;
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	clock_gettime(CLOCK_REALTIME, &ls.now);
	ls.image = image;
	ls.u = mount_image(image, &co, UKFS_RDONLY);
	if (ls.u == NULL) {
		free(image);
		free(first);
		return 1;
	}
	list_operands(&ls, paths, npaths);
	ls.status = finish_stdout(ls.status);
	if (ukfs_release(ls.u, 0) == -1) {
		warnmsg("%s", ukfs_errmsg());
		ls.status = 1;
	}
	free(ls.anc);
	free(image);
	free(first);
	return ls.status;
}
