/* ukfs-ln: make hard and symbolic links inside an image, as ln(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char ln_usage[] =
    "usage: ukfs-ln [-fsv] [-t type] [-o options] image target [link]\n"
    "       ukfs-ln [-fsv] [-t type] [-o options] image target ... "
    "directory\n";

struct ln {
	struct ukfs *u;
	const char *image;
	int sflag, fflag, vflag;
};

/* The last component of path, trailing slashes ignored. */
static char *
base_name(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return strndup(path + start, end - start);
}

static int
make_link(struct ln *l, const char *target, const char *link)
{
	struct stat st;
	int rv;

	for (;;) {
		rv = l->sflag ? ukfs_symlink(l->u, target, link)
		              : ukfs_link(l->u, target, link);
		if (rv == 0 || errno != EEXIST || !l->fflag)
			break;
		/* -f: replace what is there, unless it is a directory */
		if (ukfs_lstat(l->u, link, &st) == 0 && S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			break;
		}
		if (ukfs_remove(l->u, link) == -1)
			break;
		l->fflag = 2; /* once */
	}
	if (l->fflag == 2)
		l->fflag = 1;
	if (rv == -1) {
		warnmsg("cannot make %s link '%s:%s' to '%s': %s",
		    l->sflag ? "symbolic" : "hard", l->image, link, target,
		    strerror(errno));
		return -1;
	}
	if (l->vflag)
		printf("'%s' -> '%s'\n", link, target);
	return 0;
}

/* Link target into directory dir under its own name. */
static int
link_into(struct ln *l, const char *target, const char *dir)
{
	char *name = base_name(target), *link;
	int rv;

	if (name == NULL || name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		warnmsg("'%s': no name to give the link; name it", target);
		free(name);
		return -1;
	}
	if (asprintf(&link, "%s%s%s", dir,
	        dir[strlen(dir) - 1] == '/' ? "" : "/", name) == -1) {
		free(name);
		return -1;
	}
	rv = make_link(l, target, link);
	free(link);
	free(name);
	return rv;
}

int
ukfs_ln_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct stat st;
	struct ln l;
	char *image, **paths;
	int ch, i, n, status = 0, last_dir;

	memset(&l, 0, sizeof(l));
	while ((ch = common_getopt(argc, argv, "fsv", &co, ln_usage)) != -1) {
		switch (ch) {
		case 'f':
			l.fflag = 1;
			break;
		case 's':
			l.sflag = 1;
			break;
		case 'v':
			l.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	if (path_operands(
	        argc - optind, argv + optind, 1, &image, &paths, &n) == -1)
		usage_exit(ln_usage);
	if (strcmp(image, argv[optind]) != 0 && l.sflag) {
		/* IMAGE:TARGET made the target absolute */
		warnmsg("with -s, name the image as its own operand, so that "
		        "the target is kept as written");
		free_operands(image, paths, n);
		return 1;
	}
	l.image = image;
	l.u = mount_image(image, &co, UKFS_RDWR);
	if (l.u == NULL) {
		free_operands(image, paths, n);
		return 1;
	}
	last_dir = n > 1 && ukfs_stat(l.u, paths[n - 1], &st) == 0 &&
	    S_ISDIR(st.st_mode);
	if (n == 1)
		status = link_into(&l, paths[0], "/") == -1;
	else if (last_dir)
		for (i = 0; i < n - 1; i++)
			status |= link_into(&l, paths[i], paths[n - 1]) == -1;
	else if (n == 2)
		status = make_link(&l, paths[0], paths[1]) == -1;
	else {
		warnmsg(
		    "target '%s:%s' is not a directory", image, paths[n - 1]);
		status = 1;
	}
	if (release_image(l.u) == -1)
		status = 1;
	free_operands(image, paths, n);
	return finish_stdout(status);
}
