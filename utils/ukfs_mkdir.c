/* ukfs-mkdir: make directories in an image, as mkdir(1). */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mode.h"

static const char mkdir_usage[] =
    "usage: ukfs-mkdir [-pv] [-m mode] [-t type] [-o options] image path "
    "...\n"
    "       ukfs-mkdir [-pv] [-m mode] [-t type] [-o options] image:path "
    "[path ...]\n";

struct mkd {
	struct ukfs *u;
	const char *image;
	int pflag, vflag;
	mode_t mode;  /* of the named directories */
	int setmode;  /* -m: chmod after mkdir (umask or special bits) */
	mode_t pmode; /* of the parents -p makes */
};

static int
make_one(struct mkd *m, const char *path, mode_t mode, int chmod_after)
{
	if (ukfs_mkdir(m->u, path, mode & 0777) == -1)
		return -1;
	if (chmod_after && ukfs_chmod(m->u, path, mode) == -1)
		return -1;
	if (m->vflag)
		printf("%s: created directory '%s'\n", progname, path);
	return 0;
}

/* Is path an existing directory (following symlinks)? */
static int
is_dir(struct mkd *m, const char *path)
{
	struct stat st;

	return ukfs_stat(m->u, path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* -p: make every missing parent of path. */
static int
make_parents(struct mkd *m, char *path)
{
	char *p = path;

	while (*p == '/')
		p++;
	while ((p = strchr(p, '/')) != NULL) {
		*p = '\0';
		if (!is_dir(m, path) && make_one(m, path, m->pmode, 0) == -1 &&
		    (errno != EEXIST || !is_dir(m, path))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			warnpath(m->image, path, errno);
			*p = '/';
			return -1;
		}
		*p = '/';
		while (*p == '/')
			p++;
	}
	return 0;
}

static int
mkdir_path(struct mkd *m, char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	if (m->pflag) {
		if (make_parents(m, path) == -1)
			return -1;
		if (is_dir(m, path))
			return 0;
	}
	if (make_one(m, path, m->mode, m->setmode) == -1) {
		warnpath(m->image, path, errno);
		return -1;
	}
	return 0;
}

int
ukfs_mkdir_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct modeop *mo = NULL;
	struct mkd m;
	char *image, **paths;
	mode_t um = host_umask();
	int ch, i, n, status = 0;

	memset(&m, 0, sizeof(m));
	while (
	    (ch = common_getopt(argc, argv, "pvm:", &co, mkdir_usage)) != -1) {
		switch (ch) {
		case 'p':
			m.pflag = 1;
			break;
		case 'v':
			m.vflag = 1;
			break;
		case 'm':
			mode_free(mo);
			mo = mode_parse(optarg);
			if (mo == NULL) {
				warnmsg("invalid mode '%s'", optarg);
				return 1;
			}
			break;
		default:
			return 1;
		}
	}
	/* as mkdir(1): -m is applied to a=rwx; parents get u+wx besides */
	m.mode = mo ? mode_apply(mo, S_IFDIR | 0777, um) : 0777 & ~um;
	m.setmode = mo != NULL;
	m.pmode = (0777 & ~um) | S_IWUSR | S_IXUSR;
	mode_free(mo);
	if (path_operands(
	        argc - optind, argv + optind, 1, &image, &paths, &n) == -1)
		usage_exit(mkdir_usage);
	m.image = image;
	m.u = mount_image(image, &co, UKFS_RDWR);
	if (m.u == NULL) {
		free_operands(image, paths, n);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (mkdir_path(&m, paths[i]) == -1)
			status = 1;
	if (release_image(m.u) == -1)
		status = 1;
	free_operands(image, paths, n);
	return finish_stdout(status);
}
