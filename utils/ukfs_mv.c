/* ukfs-mv: rename files and directories inside an image, as mv(1). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char mv_usage[] =
    "usage: ukfs-mv [-nv] [-t type] [-o options] image source dest\n"
    "       ukfs-mv [-nv] [-t type] [-o options] image source ... "
    "directory\n"
    "       ukfs-mv [-nv] [-t type] [-o options] image:source [source "
    "...] dest\n";

struct mv {
	struct ukfs *u;
	const char *image;
	int nflag, vflag;
};

/* The last component of path, trailing slashes ignored. */
static char *
last_name(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return strndup(path + start, end - start);
}

/* A directory must not move below itself. */
static int
into_itself(struct mv *m, const char *src, const char *target)
{
	char sreal[PATH_MAX], treal[PATH_MAX], *parent, *slash;
	struct stat st;
	size_t n;
	int rv = 0;

	if (ukfs_lstat(m->u, src, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    ukfs_realpath(m->u, src, sreal, sizeof(sreal)) == NULL)
		return 0;
	parent = strdup(target);
	if (parent == NULL)
		return 0;
	slash = strrchr(parent, '/');
	if (slash != NULL)
		slash[slash == parent ? 1 : 0] = '\0';
	else
		strcpy(parent, "/");
	if (ukfs_realpath(m->u, parent, treal, sizeof(treal)) != NULL) {
		n = strlen(sreal);
		rv = strcmp(sreal, "/") == 0 ||
		    (strncmp(treal, sreal, n) == 0 &&
		        (treal[n] == '/' || treal[n] == '\0'));
	}
	free(parent);
	if (rv)
		warnmsg("cannot move '%s:%s' to a subdirectory of itself, "
		        "'%s:%s'",
		    m->image, src, m->image, target);
	return rv;
}

static int
mv_one(struct mv *m, const char *src, const char *dest, int into_dir)
{
	struct stat st;
	char *name = NULL, *target;
	int rv = -1;

	if (into_dir) {
		name = last_name(src);
		if (name == NULL || name[0] == '\0' || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0) {
			warnmsg("%s:%s: cannot move this name", m->image, src);
			free(name);
			return -1;
		}
		if (asprintf(&target, "%s%s%s", dest,
		        dest[strlen(dest) - 1] == '/' ? "" : "/", name) == -1) {
			free(name);
			return -1;
		}
	} else if ((target = strdup(dest)) == NULL)
		return -1;
	if (m->nflag && ukfs_lstat(m->u, target, &st) == 0)
		rv = 0; /* -n: leave what is there */
	else if (into_itself(m, src, target))
		rv = -1;
	else if (ukfs_rename(m->u, src, target) == -1)
		warnmsg("cannot move '%s:%s' to '%s:%s': %s", m->image, src,
		    m->image, target, strerror(errno));
	else {
		if (m->vflag)
			printf("renamed '%s' -> '%s'\n", src, target);
		rv = 0;
	}
	free(name);
	free(target);
	return rv;
}

int
ukfs_mv_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct stat st;
	struct mv m;
	char *image, **paths;
	int ch, i, n, status = 0, is_dir;

	memset(&m, 0, sizeof(m));
	while ((ch = common_getopt(argc, argv, "fnv", &co, mv_usage)) != -1) {
		switch (ch) {
		case 'f':
			m.nflag = 0;
			break;
		case 'n':
			m.nflag = 1;
			break;
		case 'v':
			m.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	if (path_operands(
	        argc - optind, argv + optind, 2, &image, &paths, &n) == -1)
		usage_exit(mv_usage);
	m.image = image;
	m.u = mount_image(image, &co, UKFS_RDWR);
	if (m.u == NULL) {
		free_operands(image, paths, n);
		return 1;
	}
	is_dir = ukfs_stat(m.u, paths[n - 1], &st) == 0 && S_ISDIR(st.st_mode);
	if (!is_dir && n > 2) {
		warnmsg(
		    "target '%s:%s' is not a directory", image, paths[n - 1]);
		status = 1;
	} else
		for (i = 0; i < n - 1; i++)
			if (mv_one(&m, paths[i], paths[n - 1], is_dir) == -1)
				status = 1;
	if (release_image(m.u) == -1)
		status = 1;
	free_operands(image, paths, n);
	return finish_stdout(status);
}
