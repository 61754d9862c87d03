/*
 * ukfs-cp: copy files and trees out of images, with cp(1)'s semantics.
 *
 * Safety: an image is untrusted, so nothing it names may lead the copy
 * outside the destination.  Every name from a directory is checked, every
 * object is created relative to an open directory descriptor with
 * O_EXCL/O_NOFOLLOW, directories are never replaced, and symlinks the copy
 * creates are never followed.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "cp.h"

static const char cp_usage[] =
    "usage: ukfs-cp [-aRpv] [-t type] [-o options] image:path dest\n"
    "       ukfs-cp [-aRpv] [-t type] [-o options] image:path ... dir\n";

/* One mount per distinct image named by the operands. */
struct mnt {
	char *image;
	struct ukfs *u;
	struct mnt *next;
};

static struct ukfs *
get_mount(struct cp *cp, struct mnt **list, const char *image)
{
	struct mnt *m;

	for (m = *list; m != NULL; m = m->next)
		if (strcmp(m->image, image) == 0)
			return m->u;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->image = strdup(image)) == NULL) {
		free(m);
		warnmsg("%s", strerror(ENOMEM));
		return NULL;
	}
	m->u = mount_image(image, &cp->co, UKFS_RDONLY);
	if (m->u == NULL) {
		free(m->image);
		free(m);
		return NULL;
	}
	m->next = *list;
	*list = m;
	return m->u;
}

static int
release_mounts(struct mnt *list)
{
	struct mnt *next;
	int status = 0;

	for (; list != NULL; list = next) {
		next = list->next;
		if (ukfs_release(list->u, 0) == -1) {
			warnmsg("%s", ukfs_errmsg());
			status = 1;
		}
		free(list->image);
		free(list);
	}
	return status;
}

/*
 * The last component of a path in the image; "" for the root and "."
 * (copy the contents), NULL for ".." (refused).
 */
static char *
source_name(const char *path)
{
	size_t end = strlen(path), start;
	char *name;

	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	name = strndup(path + start, end - start);
	if (name == NULL)
		return NULL;
	if (strcmp(name, ".") == 0)
		name[0] = '\0';
	return name;
}

/* Copy one operand into the destination set up in cp. */
static void
copy_operand(struct cp *cp, const struct ukfs_spec *spec, const char *dest,
    int dest_is_dir, const char *newname)
{
	struct stat st;
	char *name;
	const char *dname;
	int rv;

	if (cp->Rflag)
		rv = ukfs_lstat(cp->u, spec->path, &st);
	else
		rv = ukfs_stat(cp->u, spec->path, &st);
	if (rv == -1) {
		warnpath(cp->image, spec->path, errno);
		cp->status = 1;
		return;
	}
	if (S_ISDIR(st.st_mode) && !cp->Rflag) {
		warnmsg("-R not specified; omitting directory '%s:%s'",
		    cp->image, spec->path);
		cp->status = 1;
		return;
	}
	name = source_name(spec->path);
	if (name == NULL || strcmp(name, "..") == 0) {
		warnmsg("%s:%s: cannot copy a path ending in '..'; name the "
		        "directory",
		    cp->image, spec->path);
		cp->status = 1;
		free(name);
		return;
	}
	if (!dest_is_dir)
		dname = newname;
	else if (name[0] == '\0' && S_ISDIR(st.st_mode))
		dname = NULL; /* the root or "dir/.": merged into dest */
	else
		dname = name;
	if (pathbuf_set(&cp->src, spec->path) == -1 ||
	    pathbuf_set(&cp->dst, dest) == -1 ||
	    pathbuf_set(&cp->rel, dname ? dname : "") == -1 ||
	    (dest_is_dir && dname != NULL &&
	        pathbuf_push(&cp->dst, dname) == (size_t)-1)) {
		warnmsg("%s", strerror(ENOMEM));
		cp->status = 1;
		free(name);
		return;
	}
	if (dname != NULL && dname[0] == '\0') {
		warnmsg("%s:%s: cannot copy onto '%s'", cp->image, spec->path,
		    dest);
		cp->status = 1;
	} else
		copy_entry(cp, AT_FDCWD, spec->path, &st, cp->topfd, dname,
		    !cp->Rflag);
	free(name);
}

/*
 * Where the copies go: into dest when it is a directory, else dest is the
 * new name, made in its parent directory.
 */
static int
open_dest(
    struct cp *cp, const char *dest, int nsrc, int *is_dir, char **newname)
{
	struct stat st;
	char *copy, *slash;
	size_t len;

	*newname = NULL;
	*is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
	if (*is_dir) {
		cp->topfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cp->topfd == -1) {
			warnmsg("%s: %s", dest, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (nsrc > 1) {
		warnmsg("target '%s' is not a directory", dest);
		return -1;
	}
	copy = strdup(dest);
	if (copy == NULL)
		return -1;
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		*newname = strdup(copy);
		cp->topfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		*newname = strdup(slash + 1);
		*slash = '\0';
		cp->topfd = open(
		    copy[0] ? copy : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	free(copy);
	if (*newname == NULL || cp->topfd == -1) {
		warnmsg("%s: %s", dest, strerror(errno));
		return -1;
	}
	return 0;
}

int
ukfs_cp_main(int argc, char **argv)
{
	struct ukfs_spec spec;
	struct mnt *mounts = NULL;
	struct cp cp;
	char *newname;
	const char *dest;
	int ch, i, nsrc, is_dir, rv;

	memset(&cp, 0, sizeof(cp));
	while (
	    (ch = common_getopt(argc, argv, "aRrpv", &cp.co, cp_usage)) != -1) {
		switch (ch) {
		case 'a':
			cp.Rflag = cp.pflag = 1;
			break;
		case 'R':
		case 'r':
			cp.Rflag = 1;
			break;
		case 'p':
			cp.pflag = 1;
			break;
		case 'v':
			cp.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage_exit(cp_usage);
	nsrc = argc - 1;
	dest = argv[nsrc];
	if (cp_init(&cp) == -1 ||
	    open_dest(&cp, dest, nsrc, &is_dir, &newname) == -1)
		return 1;
	for (i = 0; i < nsrc; i++) {
		rv = ukfs_spec_parse(argv[i], 0, &spec);
		if (rv != 1) {
			warnmsg("%s: not an image operand (IMAGE:PATH, "
			        "IMAGE an existing file)",
			    argv[i]);
			cp.status = 1;
			continue;
		}
		cp.image = spec.image;
		cp.u = get_mount(&cp, &mounts, spec.image);
		if (cp.u == NULL)
			cp.status = 1;
		else
			copy_operand(&cp, &spec, dest, is_dir, newname);
		ukfs_spec_free(&spec);
	}
	close(cp.topfd);
	free(newname);
	cp_fini(&cp);
	if (release_mounts(mounts) != 0)
		cp.status = 1;
	return finish_stdout(cp.status);
}
