/*
 * ukfs-diff: what differs between two trees, each in an image or on the
 * host: names only on one side, then per path the type, permission bits,
 * owner, size, modification time, symlink target, device number and
 * content.  Exit 0 when the same, 1 when different, 2 on trouble, as
 * diff(1).  The two directories are read whole and merged in name order,
 * so the output is sorted and the same for any directory order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"
#include "side.h"

static const char diff_usage[] =
    "usage: ukfs-diff [-q] [-x field,...] [-t type] [-o options] "
    "A[:path] B[:path]\n"
    "  A and B: an image (optionally :path in it) or a host directory\n"
    "  -x: ignore mode, owner, size, mtime, target, device or content\n";

enum {
	F_MODE = 1,
	F_OWNER = 2,
	F_SIZE = 4,
	F_MTIME = 8,
	F_TARGET = 16,
	F_DEVICE = 32,
	F_CONTENT = 64
};

struct diff {
	struct side s[2];
	const char *label[2];
	char *root[2];
	int ignore;
	int qflag;
	int differ;
	int trouble;
};

static void report(struct diff *d, const char *rel, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct diff *d, const char *rel, const char *fmt, ...)
{
	va_list ap;

	d->differ = 1;
	if (d->qflag)
		return;
	printf("%s: ", rel);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
trouble(struct diff *d, int i, const char *rel, int error)
{
	warnmsg("%s: %s: %s", d->label[i], rel, strerror(error));
	d->trouble = 1;
}

static const char *
type_name(mode_t m)
{
	return S_ISREG(m) ? "regular file"
	    : S_ISDIR(m)  ? "directory"
	    : S_ISLNK(m)  ? "symbolic link"
	    : S_ISBLK(m)  ? "block device"
	    : S_ISCHR(m)  ? "character device"
	    : S_ISFIFO(m) ? "fifo"
	    : S_ISSOCK(m) ? "socket"
	                  : "unknown";
}

/* Compare two regular files' bytes; both are open. */
static void
cmp_content(struct diff *d, int fa, int fb, const char *rel)
{
	static char a[65536], b[65536];
	off_t off = 0;
	ssize_t na, nb;

	for (;;) {
		na = side_pread(&d->s[0], fa, a, sizeof(a), off);
		nb = side_pread(&d->s[1], fb, b, sizeof(b), off);
		if (na == -1 || nb == -1) {
			trouble(d, na == -1 ? 0 : 1, rel, errno);
			return;
		}
		if (na != nb || memcmp(a, b, (size_t)na) != 0) {
			report(d, rel, "content differs");
			return;
		}
		if (na == 0)
			return;
		off += na;
	}
}

static void
cmp_files(struct diff *d, const int dfd[2], const char *const name[2],
    const char *rel)
{
	int fd[2], i;

	for (i = 0; i < 2; i++) {
		fd[i] = side_openat(&d->s[i], dfd[i], name[i],
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
		if (fd[i] == -1) {
			trouble(d, i, rel, errno);
			if (i == 1)
				side_close(&d->s[0], fd[0]);
			return;
		}
	}
	cmp_content(d, fd[0], fd[1], rel);
	side_close(&d->s[0], fd[0]);
	side_close(&d->s[1], fd[1]);
}

static void
cmp_links(struct diff *d, const int dfd[2], const char *const name[2],
    const char *rel)
{
	static char t[2][4096];
	ssize_t n;
	int i;

	for (i = 0; i < 2; i++) {
		n = side_readlinkat(
		    &d->s[i], dfd[i], name[i], t[i], sizeof(t[i]) - 1);
		if (n == -1) {
			trouble(d, i, rel, errno);
			return;
		}
		t[i][n] = '\0';
	}
	if (strcmp(t[0], t[1]) != 0)
		report(d, rel, "link target: '%s' vs '%s'", t[0], t[1]);
}

static void cmp_dirs(struct diff *d, const int dfd[2],
    const char *const name[2], const char *rel, int top);

static void
cmp_node(struct diff *d, const int dfd[2], const char *const name[2],
    const char *rel, int top)
{
	struct stat st[2];
	int i, flags = top ? 0 : AT_SYMLINK_NOFOLLOW;

	for (i = 0; i < 2; i++)
		if (side_fstatat(&d->s[i], dfd[i], name[i], &st[i], flags) ==
		    -1) {
			trouble(d, i, rel, errno);
			return;
		}
	if ((st[0].st_mode & S_IFMT) != (st[1].st_mode & S_IFMT)) {
		report(d, rel, "type: %s vs %s", type_name(st[0].st_mode),
		    type_name(st[1].st_mode));
		return;
	}
	if (!(d->ignore & F_MODE) &&
	    (st[0].st_mode & 07777) != (st[1].st_mode & 07777))
		report(d, rel, "mode: %04o vs %04o",
		    (unsigned)(st[0].st_mode & 07777),
		    (unsigned)(st[1].st_mode & 07777));
	if (!(d->ignore & F_OWNER) &&
	    (st[0].st_uid != st[1].st_uid || st[0].st_gid != st[1].st_gid))
		report(d, rel, "owner: %lu:%lu vs %lu:%lu",
		    (unsigned long)st[0].st_uid, (unsigned long)st[0].st_gid,
		    (unsigned long)st[1].st_uid, (unsigned long)st[1].st_gid);
	if (!(d->ignore & F_SIZE) && !S_ISDIR(st[0].st_mode) &&
	    st[0].st_size != st[1].st_size)
		report(d, rel, "size: %lld vs %lld", (long long)st[0].st_size,
		    (long long)st[1].st_size);
	if (!(d->ignore & F_MTIME) &&
	    (st[0].st_mtim.tv_sec != st[1].st_mtim.tv_sec ||
	        st[0].st_mtim.tv_nsec != st[1].st_mtim.tv_nsec))
		report(d, rel, "mtime: %lld.%09ld vs %lld.%09ld",
		    (long long)st[0].st_mtim.tv_sec, st[0].st_mtim.tv_nsec,
		    (long long)st[1].st_mtim.tv_sec, st[1].st_mtim.tv_nsec);
	if (!(d->ignore & F_DEVICE) &&
	    (S_ISBLK(st[0].st_mode) || S_ISCHR(st[0].st_mode)) &&
	    st[0].st_rdev != st[1].st_rdev)
		report(d, rel, "device: %u,%u vs %u,%u", major(st[0].st_rdev),
		    minor(st[0].st_rdev), major(st[1].st_rdev),
		    minor(st[1].st_rdev));
	if (S_ISLNK(st[0].st_mode) && !(d->ignore & F_TARGET))
		cmp_links(d, dfd, name, rel);
	else if (S_ISREG(st[0].st_mode) && !(d->ignore & F_CONTENT)) {
		/* files of different sizes differ in content too */
		if (st[0].st_size != st[1].st_size)
			report(d, rel, "content differs");
		else
			cmp_files(d, dfd, name, rel);
	} else if (S_ISDIR(st[0].st_mode))
		cmp_dirs(d, dfd, name, rel, top);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of a directory; -1 on error. */
static int
read_names(struct diff *d, int i, struct side_dir *dir, const char *rel,
    char ***out, size_t *count)
{
	const char *name;
	char **v = NULL, **t;
	size_t n = 0, cap = 0;
	int rv;

	while ((rv = side_readdir(dir, &name, NULL)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			t = realloc(v, cap * sizeof(*v));
			if (t == NULL)
				goto nomem;
			v = t;
		}
		if ((v[n] = strdup(name)) == NULL)
			goto nomem;
		n++;
	}
	if (rv == -1) {
		trouble(d, i, rel, errno);
		goto fail;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), by_name);
	*out = v;
	*count = n;
	return 0;
nomem:
	trouble(d, i, rel, ENOMEM);
fail:
	while (n > 0)
		free(v[--n]);
	free(v);
	return -1;
}

static char *
join(const char *rel, const char *name)
{
	size_t n = strlen(rel);
	char *p = malloc(n + strlen(name) + 2);

	if (p != NULL)
		sprintf(
		    p, "%s%s%s", rel, n && rel[n - 1] == '/' ? "" : "/", name);
	return p;
}

static void
cmp_dirs(struct diff *d, const int dfd[2], const char *const name[2],
    const char *rel, int top)
{
	struct side_dir *dir[2] = {NULL, NULL};
	char **v[2] = {NULL, NULL};
	size_t n[2] = {0, 0}, a = 0, b = 0, k;
	int i, c;

	for (i = 0; i < 2; i++) {
		dir[i] = side_opendirat(&d->s[i], dfd[i], name[i], top);
		if (dir[i] == NULL ||
		    read_names(d, i, dir[i], rel, &v[i], &n[i]) == -1) {
			if (dir[i] == NULL)
				trouble(d, i, rel, errno);
			goto out;
		}
	}
	while (a < n[0] || b < n[1]) {
		char *sub;

		c = a == n[0] ? 1 : b == n[1] ? -1 : strcmp(v[0][a], v[1][b]);
		sub = join(rel, c <= 0 ? v[0][a] : v[1][b]);
		if (sub == NULL) {
			trouble(d, 0, rel, ENOMEM);
			break;
		}
		if (c < 0) {
			report(d, sub, "only in %s", d->label[0]);
			a++;
		} else if (c > 0) {
			report(d, sub, "only in %s", d->label[1]);
			b++;
		} else {
			const int sfd[2] = {
			    side_dirfd(dir[0]), side_dirfd(dir[1])};
			const char *const sn[2] = {v[0][a], v[1][b]};

			cmp_node(d, sfd, sn, sub, 0);
			a++;
			b++;
		}
		free(sub);
	}
out:
	for (i = 0; i < 2; i++) {
		for (k = 0; k < n[i]; k++)
			free(v[i][k]);
		free(v[i]);
		if (dir[i] != NULL)
			side_closedir(dir[i]);
	}
}

/* An operand: a host directory, else IMAGE[:PATH]. */
static int
open_side(
    struct diff *d, int i, const char *operand, const struct common_opts *co)
{
	struct ukfs_spec spec;
	struct stat st;

	d->label[i] = operand;
	if (stat(operand, &st) == 0 && S_ISDIR(st.st_mode)) {
		d->root[i] = strdup(operand);
		return d->root[i] != NULL ? 0 : -1;
	}
	switch (ukfs_spec_parse(operand, UKFS_SPEC_WHOLE, &spec)) {
	case 1:
		break;
	case 0:
		/* a host file, compared as it is */
		d->root[i] = strdup(operand);
		return d->root[i] != NULL ? 0 : -1;
	default:
		warnmsg("%s: %s", operand, strerror(errno));
		return -1;
	}
	d->s[i].image = spec.image;
	d->s[i].u = mount_image(spec.image, co, UKFS_RDONLY);
	d->root[i] = spec.path;
	if (d->s[i].u == NULL) {
		free(spec.image);
		d->s[i].image = NULL;
		return -1;
	}
	return 0;
}

static int
parse_ignore(const char *list)
{
	static const struct {
		const char *name;
		int bit;
	} f[] = {{"mode", F_MODE}, {"owner", F_OWNER}, {"size", F_SIZE},
	    {"mtime", F_MTIME}, {"target", F_TARGET}, {"device", F_DEVICE},
	    {"content", F_CONTENT}};
	char *copy = strdup(list), *tok, *save;
	int bits = 0;
	size_t i;

	if (copy == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (strcmp(tok, f[i].name) == 0)
				break;
		if (i == sizeof(f) / sizeof(f[0])) {
			warnmsg("-x: unknown field '%s'", tok);
			free(copy);
			return -1;
		}
		bits |= f[i].bit;
	}
	free(copy);
	return bits;
}

int
ukfs_diff_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct diff d;
	int ch, i, rv;

	memset(&d, 0, sizeof(d));
	while ((ch = common_getopt(argc, argv, "qx:", &co, diff_usage)) != -1) {
		switch (ch) {
		case 'q':
			d.qflag = 1;
			break;
		case 'x':
			if ((rv = parse_ignore(optarg)) == -1)
				return 2;
			d.ignore |= rv;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "%s", diff_usage);
		return 2;
	}
	for (i = 0; i < 2; i++)
		if (open_side(&d, i, argv[optind + i], &co) == -1) {
			d.trouble = 1;
			break;
		}
	if (!d.trouble) {
		const int dfd[2] = {AT_FDCWD, AT_FDCWD};
		const char *const name[2] = {d.root[0], d.root[1]};

		cmp_node(&d, dfd, name, "/", 1);
	}
	for (i = 0; i < 2; i++) {
		if (d.s[i].u != NULL && release_image(d.s[i].u) == -1)
			d.trouble = 1;
		free((char *)d.s[i].image);
		free(d.root[i]);
	}
	if (finish_stdout(0) != 0)
		return 2;
	return d.trouble ? 2 : d.differ ? 1 : 0;
}
