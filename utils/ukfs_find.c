/*
 * ukfs-find: find(1) inside an image.  The primaries -name, -iname,
 * -type, -size, -newer, -mtime, the actions -print and -ls, the operators
 * ! -not -a -and -o -or and parentheses, and -mindepth/-maxdepth, with
 * find's meanings; without an action the expression gets -print.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "lsformat.h"
#include "walk.h"

static const char find_usage[] =
    "usage: ukfs-find [-t type] [-o options] image[:path] [path ...] "
    "[expression]\n";

enum op {
	P_NAME,
	P_INAME,
	P_TYPE,
	P_SIZE,
	P_NEWER,
	P_MTIME,
	P_PRINT,
	P_PRINT0,
	P_LS,
	P_TRUE,
	P_NOT,
	P_AND,
	P_OR
};

struct node {
	enum op op;
	struct node *l, *r;
	const char *s;     /* pattern, type letters */
	int cmp;           /* -1 less, 0 exactly, 1 more */
	uint64_t n, unit;  /* -size, -mtime */
	struct timespec t; /* -newer */
};

struct find {
	struct side side;
	struct node *expr;
	char **argv;
	int argc, pos;
	int mindepth, maxdepth;
	int status;
	time_t now;
	struct timespec nowts;
};

static struct node *parse_or(struct find *f);

static struct node *
mknode(enum op op, struct node *l, struct node *r)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL) {
		warnmsg("%s", strerror(ENOMEM));
		exit(2);
	}
	n->op = op;
	n->l = l;
	n->r = r;
	return n;
}

static void
free_node(struct node *n)
{
	if (n == NULL)
		return;
	free_node(n->l);
	free_node(n->r);
	free(n);
}

static void __attribute__((noreturn)) bad(const char *what, const char *arg)
{
	warnmsg("%s%s%s", what, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static const char *
next_arg(struct find *f, const char *prim)
{
	if (f->pos >= f->argc)
		bad("missing argument to", prim);
	return f->argv[f->pos++];
}

/* "[+-]N" with an optional unit letter from units (its sizes in mult). */
static void
parse_num(struct node *n, const char *s, const char *prim, const char *units,
    const uint64_t *mult, uint64_t defunit)
{
	char *end;
	const char *u;

	n->cmp = *s == '+' ? 1 : *s == '-' ? -1 : 0;
	if (*s == '+' || *s == '-')
		s++;
	if (*s < '0' || *s > '9')
		bad("invalid argument to", prim);
	errno = 0;
	n->n = strtoull(s, &end, 10);
	n->unit = defunit;
	if (*end != '\0') {
		u = units != NULL ? strchr(units, *end) : NULL;
		if (u == NULL || end[1] != '\0')
			bad("invalid argument to", prim);
		n->unit = mult[u - units];
	}
	if (errno != 0)
		bad("invalid argument to", prim);
}

/* -newer's reference: a path in the image, else on the host. */
static void
ref_time(struct find *f, struct node *n, const char *file)
{
	struct stat st;

	if (ukfs_stat(f->side.u, file, &st) == -1 && stat(file, &st) == -1)
		bad("cannot stat -newer file", file);
	n->t = st.st_mtim;
}

static struct node *
parse_primary(struct find *f)
{
	static const uint64_t smult[] = {1, 2, 512, 1024, 1048576, 1073741824};
	const char *a = next_arg(f, "expression");
	struct node *n;

	if (strcmp(a, "(") == 0) {
		n = parse_or(f);
		if (f->pos >= f->argc || strcmp(f->argv[f->pos], ")") != 0)
			bad("missing ')'", NULL);
		f->pos++;
		return n;
	}
	if (strcmp(a, "!") == 0 || strcmp(a, "-not") == 0)
		return mknode(P_NOT, parse_primary(f), NULL);
	if (strcmp(a, "-name") == 0 || strcmp(a, "-iname") == 0) {
		n = mknode(a[1] == 'i' ? P_INAME : P_NAME, NULL, NULL);
		n->s = next_arg(f, a);
	} else if (strcmp(a, "-type") == 0) {
		n = mknode(P_TYPE, NULL, NULL);
		n->s = next_arg(f, a);
		if (strspn(n->s, "bcdflps,") != strlen(n->s) || !*n->s)
			bad("unknown argument to -type", n->s);
	} else if (strcmp(a, "-size") == 0) {
		n = mknode(P_SIZE, NULL, NULL);
		parse_num(n, next_arg(f, a), a, "cwbkMG", smult, 512);
	} else if (strcmp(a, "-mtime") == 0) {
		n = mknode(P_MTIME, NULL, NULL);
		parse_num(n, next_arg(f, a), a, NULL, NULL, 86400);
	} else if (strcmp(a, "-newer") == 0) {
		n = mknode(P_NEWER, NULL, NULL);
		ref_time(f, n, next_arg(f, a));
	} else if (strcmp(a, "-print") == 0)
		n = mknode(P_PRINT, NULL, NULL);
	else if (strcmp(a, "-print0") == 0)
		n = mknode(P_PRINT0, NULL, NULL);
	else if (strcmp(a, "-ls") == 0)
		n = mknode(P_LS, NULL, NULL);
	else if (strcmp(a, "-true") == 0)
		n = mknode(P_TRUE, NULL, NULL);
	else if (strcmp(a, "-mindepth") == 0 || strcmp(a, "-maxdepth") == 0) {
		const char *v = next_arg(f, a);
		char *end;
		long d = strtol(v, &end, 10);

		if (*end != '\0' || d < 0 || *v == '\0')
			bad("invalid argument to", a);
		*(a[2] == 'i' ? &f->mindepth : &f->maxdepth) = (int)d;
		n = mknode(P_TRUE, NULL, NULL);
	} else
		bad("unknown primary or operator", a);
	return n;
}

static int
ends_term(const struct find *f)
{
	const char *a;

	if (f->pos >= f->argc)
		return 1;
	a = f->argv[f->pos];
	return strcmp(a, ")") == 0 || strcmp(a, "-o") == 0 ||
	    strcmp(a, "-or") == 0;
}

static struct node *
parse_and(struct find *f)
{
	struct node *n = parse_primary(f);

	while (!ends_term(f)) {
		if (strcmp(f->argv[f->pos], "-a") == 0 ||
		    strcmp(f->argv[f->pos], "-and") == 0)
			f->pos++;
		n = mknode(P_AND, n, parse_primary(f));
	}
	return n;
}

static struct node *
parse_or(struct find *f)
{
	struct node *n = parse_and(f);

	while (f->pos < f->argc &&
	    (strcmp(f->argv[f->pos], "-o") == 0 ||
	        strcmp(f->argv[f->pos], "-or") == 0)) {
		f->pos++;
		n = mknode(P_OR, n, parse_and(f));
	}
	return n;
}

static int
has_action(const struct node *n)
{
	return n != NULL &&
	    (n->op == P_PRINT || n->op == P_PRINT0 || n->op == P_LS ||
	        has_action(n->l) || has_action(n->r));
}

static int
type_matches(const char *letters, mode_t m)
{
	char c = S_ISREG(m) ? 'f'
	    : S_ISDIR(m)    ? 'd'
	    : S_ISLNK(m)    ? 'l'
	    : S_ISBLK(m)    ? 'b'
	    : S_ISCHR(m)    ? 'c'
	    : S_ISFIFO(m)   ? 'p'
	    : S_ISSOCK(m)   ? 's'
	                    : '?';

	return strchr(letters, c) != NULL;
}

/* find's comparison of a rounded-up count with N. */
static int
num_matches(const struct node *n, uint64_t v)
{
	uint64_t units = v / n->unit + (v % n->unit != 0);

	return n->cmp > 0 ? units > n->n
	    : n->cmp < 0  ? units < n->n
	                  : units == n->n;
}

static void
print_ls(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct find *f = w->arg;
	char mode[12], tbuf[32], target[4096];
	const char *un = user_name(st->st_uid), *gn = group_name(st->st_gid);
	char ubuf[16], gbuf[16];
	ssize_t n;

	mode_string(st->st_mode, mode);
	ls_time(&st->st_mtim, &f->nowts, tbuf, sizeof(tbuf));
	if (un == NULL)
		snprintf(ubuf, sizeof(ubuf), "%lu", (unsigned long)st->st_uid);
	if (gn == NULL)
		snprintf(gbuf, sizeof(gbuf), "%lu", (unsigned long)st->st_gid);
	printf("%9" PRIuMAX " %6" PRIuMAX " %s %3lu %-8s %-8s ",
	    (uintmax_t)st->st_ino, (uintmax_t)(st->st_blocks + 1) / 2, mode,
	    (unsigned long)st->st_nlink, un ? un : ubuf, gn ? gn : gbuf);
	if (S_ISBLK(st->st_mode) || S_ISCHR(st->st_mode))
		printf("%3u, %3u", major(st->st_rdev), minor(st->st_rdev));
	else
		printf("%8" PRIuMAX, (uintmax_t)st->st_size);
	printf(" %s %s", tbuf, w->path.p);
	if (S_ISLNK(st->st_mode)) {
		n = side_readlinkat(
		    w->side, dirfd, name, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf(" -> %s", target);
		}
	}
	putchar('\n');
}

static int
eval(const struct node *n, struct walk *w, int dirfd, const char *name,
    const struct stat *st)
{
	struct find *f = w->arg;
	const char *base = strrchr(name, '/');

	base = base != NULL && base[1] != '\0' ? base + 1 : name;
	switch (n->op) {
	case P_NAME:
	case P_INAME:
		return fnmatch(n->s, base,
		           n->op == P_INAME ? FNM_CASEFOLD : 0) == 0;
	case P_TYPE:
		return type_matches(n->s, st->st_mode);
	case P_SIZE:
		return num_matches(n, (uint64_t)st->st_size);
	case P_MTIME: {
		/* whole days of age, the fraction dropped, as find counts */
		int64_t age = (int64_t)f->now - (int64_t)st->st_mtime;
		uint64_t days = age > 0 ? (uint64_t)age / 86400 : 0;

		return n->cmp > 0 ? days > n->n
		    : n->cmp < 0  ? days < n->n
		                  : days == n->n;
	}
	case P_NEWER:
		return st->st_mtim.tv_sec > n->t.tv_sec ||
		    (st->st_mtim.tv_sec == n->t.tv_sec &&
		        st->st_mtim.tv_nsec > n->t.tv_nsec);
	case P_PRINT:
		printf("%s\n", w->path.p);
		return 1;
	case P_PRINT0:
		fputs(w->path.p, stdout);
		putchar('\0');
		return 1;
	case P_LS:
		print_ls(w, dirfd, name, st);
		return 1;
	case P_TRUE:
		return 1;
	case P_NOT:
		return !eval(n->l, w, dirfd, name, st);
	case P_AND:
		return eval(n->l, w, dirfd, name, st) &&
		    eval(n->r, w, dirfd, name, st);
	case P_OR:
		return eval(n->l, w, dirfd, name, st) ||
		    eval(n->r, w, dirfd, name, st);
	}
	return 0;
}

static void
find_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct find *f = w->arg;

	if (w->depth >= f->mindepth &&
	    (f->maxdepth < 0 || w->depth <= f->maxdepth))
		eval(f->expr, w, dirfd, name, st);
}

static int
find_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct find *f = w->arg;

	find_leaf(w, dirfd, name, st);
	return f->maxdepth >= 0 && w->depth >= f->maxdepth ? 1 : 0;
}

static const struct walk_ops find_ops = {
    .pre = find_pre,
    .leaf = find_leaf,
};

static void
find_path(struct find *f, const char *path)
{
	struct stat st;
	struct walk w;

	if (ukfs_lstat(f->side.u, path, &st) == -1) {
		warnpath(f->side.image, path, errno);
		f->status = 1;
		return;
	}
	if (walk_init(&w, &f->side, &find_ops, f, path) == -1) {
		f->status = 1;
		return;
	}
	walk_tree(&w, AT_FDCWD, path, &st);
	if (w.status)
		f->status = 1;
	walk_fini(&w);
}

int
ukfs_find_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct find f;
	char *image, *first;
	int i, npaths, ch;

	memset(&f, 0, sizeof(f));
	f.maxdepth = -1;
	/* options stop at the image operand: the rest is find's syntax */
	while ((ch = common_getopt(argc, argv, "+", &co, find_usage)) != -1)
		if (ch == '?')
			return 1;
	if (optind >= argc)
		usage_exit(find_usage);
	if (image_operand(argv[optind], &image, &first) == -1)
		return 1;
	optind++;
	for (npaths = 0; optind + npaths < argc; npaths++) {
		const char *a = argv[optind + npaths];

		if ((a[0] == '-' && a[1] != '\0') || strcmp(a, "!") == 0 ||
		    strcmp(a, "(") == 0)
			break;
	}
	f.side.image = image;
	f.side.u = mount_image(image, &co, UKFS_RDONLY);
	if (f.side.u == NULL) {
		free(image);
		free(first);
		return 1;
	}
	f.now = time(NULL);
	clock_gettime(CLOCK_REALTIME, &f.nowts);
	f.argv = argv;
	f.argc = argc;
	f.pos = optind + npaths;
	f.expr = f.pos < argc ? parse_or(&f) : mknode(P_TRUE, NULL, NULL);
	if (f.pos < argc)
		bad("unexpected", argv[f.pos]);
	if (!has_action(f.expr))
		f.expr = mknode(P_AND, f.expr, mknode(P_PRINT, NULL, NULL));
	if (first != NULL)
		find_path(&f, first);
	for (i = 0; i < npaths; i++)
		find_path(&f, argv[optind + i]);
	if (first == NULL && npaths == 0)
		find_path(&f, "/");
	if (release_image(f.side.u) == -1)
		f.status = 1;
	free_node(f.expr);
	free(image);
	free(first);
	return finish_stdout(f.status);
}
