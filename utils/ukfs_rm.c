/* ukfs-rm and ukfs-rmdir: remove files and directories from an image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "walk.h"

static const char rm_usage[] =
    "usage: ukfs-rm [-dfrRv] [-t type] [-o options] image path ...\n"
    "       ukfs-rm [-dfrRv] [-t type] [-o options] image:path [path ...]\n";

static const char rmdir_usage[] =
    "usage: ukfs-rmdir [-pv] [-t type] [-o options] image path ...\n"
    "       ukfs-rmdir [-pv] [-t type] [-o options] image:path [path ...]\n";

struct rm {
	struct side side;
	int rflag, fflag, vflag, dflag;
	int status;
	int retries; /* of a directory that was not empty after a pass */
};

static void
removed(const struct rm *rm, const char *path, int dir)
{
	if (rm->vflag)
		printf("%s: removed %s'%s'\n", progname,
		    dir ? "directory " : "", path);
}

static void
rm_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct rm *rm = w->arg;

	if (ukfs_unlinkat(rm->side.u, dirfd, name, 0) == -1)
		walk_err(w, errno);
	else
		removed(rm, w->path.p, 0);
}

static int
rm_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	return 0;
}

static void
rm_post(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	struct rm *rm = w->arg;

	if (w->depth == 0 && strcmp(w->path.p, "/") == 0)
		return; /* the root stays */
	if (ukfs_unlinkat(rm->side.u, dirfd, name, AT_REMOVEDIR) == 0) {
		removed(rm, w->path.p, 1);
		return;
	}
	/*
	 * Removing entries while reading a directory may make a file
	 * system skip some; read it again, a bounded number of times.
	 */
	if (errno == ENOTEMPTY && w->status == 0 && rm->retries < 2) {
		rm->retries++;
		walk_tree(w, dirfd, name, st);
		rm->retries--;
		return;
	}
	walk_err(w, errno);
}

static const struct walk_ops rm_ops = {
    .pre = rm_pre,
    .post = rm_post,
    .leaf = rm_leaf,
};

/* The last component is "." or ".."? */
static int
dot_or_dotdot(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return (end - start == 1 && path[start] == '.') ||
	    (end - start == 2 && path[start] == '.' && path[start + 1] == '.');
}

static void
rm_path(struct rm *rm, const char *path)
{
	struct stat st;
	struct walk w;

	if (dot_or_dotdot(path)) {
		warnmsg("refusing to remove '.' or '..' directory: skipping "
		        "'%s:%s'",
		    rm->side.image, path);
		rm->status = 1;
		return;
	}
	if (ukfs_lstat(rm->side.u, path, &st) == -1) {
		if (errno != ENOENT || !rm->fflag) {
			warnpath(rm->side.image, path, errno);
			rm->status = 1;
		}
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (ukfs_remove(rm->side.u, path) == -1) {
			warnpath(rm->side.image, path, errno);
			rm->status = 1;
		} else
			removed(rm, path, 0);
		return;
	}
	if (!rm->rflag) {
		if (rm->dflag && ukfs_rmdir(rm->side.u, path) == 0) {
			removed(rm, path, 1);
			return;
		}
		warnpath(rm->side.image, path, rm->dflag ? errno : EISDIR);
		rm->status = 1;
		return;
	}
	if (walk_init(&w, &rm->side, &rm_ops, rm, path) == -1) {
		rm->status = 1;
		return;
	}
	walk_tree(&w, AT_FDCWD, path, &st);
	if (w.status)
		rm->status = 1;
	walk_fini(&w);
}

/* Mount the image the operands name; NULL after a message. */
static struct ukfs *
mount_operands(int argc, char **argv, const struct common_opts *co,
    const char *usage, char **image, char ***paths, int *n)
{
	struct ukfs *u;

	if (path_operands(argc - optind, argv + optind, 1, image, paths, n) ==
	    -1)
		usage_exit(usage);
	u = mount_image(*image, co, UKFS_RDWR);
	if (u == NULL)
		free_operands(*image, *paths, *n);
	return u;
}

int
ukfs_rm_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct rm rm;
	char *image, **paths;
	int ch, i, n;

	memset(&rm, 0, sizeof(rm));
	while ((ch = common_getopt(argc, argv, "dfrRv", &co, rm_usage)) != -1) {
		switch (ch) {
		case 'd':
			rm.dflag = 1;
			break;
		case 'f':
			rm.fflag = 1;
			break;
		case 'r':
		case 'R':
			rm.rflag = 1;
			break;
		case 'v':
			rm.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	rm.side.u =
	    mount_operands(argc, argv, &co, rm_usage, &image, &paths, &n);
	if (rm.side.u == NULL)
		return 1;
	rm.side.image = image;
	for (i = 0; i < n; i++)
		rm_path(&rm, paths[i]);
	if (release_image(rm.side.u) == -1)
		rm.status = 1;
	free_operands(image, paths, n);
	return finish_stdout(rm.status);
}

/* rmdir -p: the path, then each parent up to the root. */
static int
rmdir_path(struct rm *rm, char *path, int pflag)
{
	char *slash;
	size_t len;

	for (;;) {
		len = strlen(path);
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
		if (ukfs_rmdir(rm->side.u, path) == -1) {
			warnpath(rm->side.image, path, errno);
			return -1;
		}
		removed(rm, path, 1);
		if (!pflag)
			return 0;
		slash = strrchr(path, '/');
		if (slash == NULL || slash == path)
			return 0;
		*slash = '\0';
	}
}

int
ukfs_rmdir_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct rm rm;
	char *image, **paths;
	int ch, i, n, pflag = 0;

	memset(&rm, 0, sizeof(rm));
	while ((ch = common_getopt(argc, argv, "pv", &co, rmdir_usage)) != -1) {
		switch (ch) {
		case 'p':
			pflag = 1;
			break;
		case 'v':
			rm.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	rm.side.u =
	    mount_operands(argc, argv, &co, rmdir_usage, &image, &paths, &n);
	if (rm.side.u == NULL)
		return 1;
	rm.side.image = image;
	for (i = 0; i < n; i++)
		if (rmdir_path(&rm, paths[i], pflag) == -1)
			rm.status = 1;
	if (release_image(rm.side.u) == -1)
		rm.status = 1;
	free_operands(image, paths, n);
	return finish_stdout(rm.status);
}
