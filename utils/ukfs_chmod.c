/* ukfs-chmod: change modes of files in an image, as chmod(1). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mode.h"
#include "walk.h"

static const char chmod_usage[] =
    "usage: ukfs-chmod [-Rv] [-t type] [-o options] mode image path ...\n"
    "       ukfs-chmod [-Rv] [-t type] [-o options] mode image:path [path "
    "...]\n"
    "  mode: octal (755, 4755) or symbolic (u+x,go-w, a=rX, g=u, +t)\n";

struct chm {
	struct side side;
	struct modeop *mo;
	mode_t umask;
	int vflag;
};

static void
change(struct walk *w, int dirfd, const char *name, const struct stat *st,
    int flags)
{
	struct chm *c = w->arg;
	mode_t mode = mode_apply(c->mo, st->st_mode, c->umask);

	if (mode == (st->st_mode & 07777))
		return;
	if (ukfs_fchmodat(c->side.u, dirfd, name, mode, flags) == -1)
		walk_err(w, errno);
	else if (c->vflag)
		printf("mode of '%s' changed from %04o to %04o\n", w->path.p,
		    (unsigned)(st->st_mode & 07777), (unsigned)mode);
}

/* Directories before their entries, so that u+rx lets the walk in. */
static int
chmod_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	change(w, dirfd, name, st, 0);
	return 0;
}

static void
chmod_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	/* as chmod(1): symbolic links met in the walk are left alone */
	if (w->depth > 0 && S_ISLNK(st->st_mode))
		return;
	change(w, dirfd, name, st, 0);
}

static const struct walk_ops chmod_ops = {
    .pre = chmod_pre,
    .leaf = chmod_leaf,
};

static int
chmod_path(struct chm *c, const char *path, int Rflag)
{
	struct stat st;
	struct walk w;
	int status;

	/* operands are followed, as chmod(1) follows them */
	if (ukfs_stat(c->side.u, path, &st) == -1) {
		warnpath(c->side.image, path, errno);
		return -1;
	}
	if (walk_init(&w, &c->side, &chmod_ops, c, path) == -1)
		return -1;
	if (Rflag)
		walk_tree(&w, AT_FDCWD, path, &st);
	else
		change(&w, AT_FDCWD, path, &st, 0);
	status = w.status;
	walk_fini(&w);
	return status ? -1 : 0;
}

/*
 * A mode that starts with '-' ("-w", "-rx") looks like options; take it
 * out of argv before getopt sees it, as chmod(1) does.  "-t" stays the
 * type option: write "a-t" or "-- -t" for that mode.
 */
static const char *
dash_mode(int *argc, char **argv)
{
	const char *mode;
	int i;

	for (i = 1; i < *argc && strcmp(argv[i], "--") != 0; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0' ||
		    strcmp(argv[i], "-t") == 0 ||
		    strspn(argv[i] + 1, "rwxXst") != strlen(argv[i] + 1))
			continue;
		mode = argv[i];
		memmove(&argv[i], &argv[i + 1],
		    (size_t)(*argc - i) * sizeof(argv[0]));
		(*argc)--;
		return mode;
	}
	return NULL;
}

int
ukfs_chmod_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	const char *mode;
	struct chm c;
	char *image, **paths;
	int ch, i, n, Rflag = 0, status = 0;

	memset(&c, 0, sizeof(c));
	mode = dash_mode(&argc, argv);
	while ((ch = common_getopt(argc, argv, "Rv", &co, chmod_usage)) != -1) {
		switch (ch) {
		case 'R':
			Rflag = 1;
			break;
		case 'v':
			c.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (mode == NULL) {
		if (argc < 1)
			usage_exit(chmod_usage);
		mode = argv[0];
		argc--;
		argv++;
	}
	c.mo = mode_parse(mode);
	if (c.mo == NULL) {
		warnmsg("invalid mode: '%s'", mode);
		return 1;
	}
	c.umask = host_umask();
	if (path_operands(argc, argv, 1, &image, &paths, &n) == -1) {
		mode_free(c.mo);
		usage_exit(chmod_usage);
	}
	c.side.image = image;
	c.side.u = mount_image(image, &co, UKFS_RDWR);
	if (c.side.u != NULL) {
		for (i = 0; i < n; i++)
			if (chmod_path(&c, paths[i], Rflag) == -1)
				status = 1;
		if (release_image(c.side.u) == -1)
			status = 1;
	} else
		status = 1;
	mode_free(c.mo);
	free_operands(image, paths, n);
	return finish_stdout(status);
}
