/*
 * ukfs-cp: copy files and trees out of images, into images, and from one
 * image to another, with cp(1)'s semantics.
 *
 * Safety: an image is untrusted, so nothing it names may lead the copy
 * outside the destination.  Every name from a directory is checked, every
 * object is created relative to an open directory descriptor with
 * O_EXCL/O_NOFOLLOW, directories are never replaced, and symlinks the copy
 * creates are never followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "cp.h"

static const char cp_usage[] =
    "usage: ukfs-cp [-aRpv] [-t type] [-o options] source dest\n"
    "       ukfs-cp [-aRpv] [-t type] [-o options] source ... directory\n"
    "  a source or the destination is IMAGE:PATH (a path in an image),\n"
    "  the others host paths; sources may come from several images\n";

/* One mount per distinct image file named by the operands. */
struct mnt {
	char *image;
	dev_t dev;
	ino_t ino;
	uint64_t offset; /* of a partition of the file */
	struct ukfs *u;
	struct mnt *next;
};

static struct ukfs *
get_mount(struct cp *cp, struct mnt **list, const char *image, int flags)
{
	struct stat st;
	struct mnt *m;
	uint64_t off, size;
	char *host;

	/* one mount per file system: the host file and the partition */
	if (ukfs_resolve(image, &host, &off, &size) == -1) {
		warnmsg("%s", ukfs_errmsg());
		return NULL;
	}
	if (stat(host, &st) == -1) {
		warnmsg("%s: %s", image, strerror(errno));
		free(host);
		return NULL;
	}
	free(host);
	for (m = *list; m != NULL; m = m->next)
		if (m->dev == st.st_dev && m->ino == st.st_ino &&
		    m->offset == off)
			return m->u;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->image = strdup(image)) == NULL) {
		free(m);
		warnmsg("%s", strerror(ENOMEM));
		return NULL;
	}
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->offset = off;
	m->u = mount_image(image, &cp->co, flags);
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
		if (release_image(list->u) == -1)
			status = 1;
		free(list->image);
		free(list);
	}
	return status;
}

/*
 * The last component of a path; "" for the root and "." (copy the
 * contents), ".." stays ".." (refused by the caller).
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

/* What the destination operand came to. */
struct dest {
	const char *path; /* as given (the path in the image for an image) */
	int is_dir;
	char *newname; /* the copy's name when dest is not a directory */
	char *real;    /* the directory's canonical path, for an image */
};

/*
 * For a copy inside one image: a directory must not go into itself, a
 * file not onto itself.  0 when the copy may go ahead.
 */
static int
same_image_check(struct cp *cp, const struct dest *d, const char *spath,
    const char *dname, const struct stat *st)
{
	char sreal[4096], target[8200];
	struct stat dst;
	size_t n;

	if (cp->src.u != cp->dst.u || d->real == NULL)
		return 0;
	if (ukfs_realpath(cp->src.u, spath, sreal, sizeof(sreal)) == NULL)
		return 0; /* the copy reports it */
	snprintf(target, sizeof(target), "%s%s%s", d->real,
	    strcmp(d->real, "/") == 0 ? "" : "/", dname ? dname : "");
	n = strlen(sreal);
	if (S_ISDIR(st->st_mode) &&
	    (strcmp(sreal, "/") == 0 ||
	        (strncmp(target, sreal, n) == 0 &&
	            (target[n] == '/' || target[n] == '\0')))) {
		warnmsg("cannot copy a directory, '%s', into itself, '%s:%s'",
		    side_name(&cp->src, spath), cp->dst.image, target);
		return -1;
	}
	if (!S_ISDIR(st->st_mode) && ukfs_lstat(cp->dst.u, target, &dst) == 0 &&
	    dst.st_ino == st->st_ino && dst.st_dev == st->st_dev) {
		warnmsg("'%s' and '%s:%s' are the same file",
		    side_name(&cp->src, spath), cp->dst.image, target);
		return -1;
	}
	return 0;
}

/* Copy one operand into the destination set up in cp. */
static void
copy_operand(struct cp *cp, const char *spath, const struct dest *d)
{
	struct stat st;
	const char *dname;
	char *name;
	int rv;

	if (cp->Rflag)
		rv = side_fstatat(
		    &cp->src, AT_FDCWD, spath, &st, AT_SYMLINK_NOFOLLOW);
	else
		rv = side_fstatat(&cp->src, AT_FDCWD, spath, &st, 0);
	if (rv == -1) {
		warnmsg("%s: %s", side_name(&cp->src, spath), strerror(errno));
		cp->status = 1;
		return;
	}
	/* time left: a file's size, or what a quick walk of a tree finds */
	if (S_ISDIR(st.st_mode) && cp->Rflag)
		progress_count_tree(&cp->prog, &cp->src, AT_FDCWD, spath, &st);
	else
		progress_total(&cp->prog, S_ISREG(st.st_mode) ?
		        cp->prog.bytes + (uint64_t)st.st_size : 0);
	if (S_ISDIR(st.st_mode) && !cp->Rflag) {
		warnmsg("-R not specified; omitting directory '%s'",
		    side_name(&cp->src, spath));
		cp->status = 1;
		return;
	}
	name = source_name(spath);
	if (name == NULL || strcmp(name, "..") == 0) {
		warnmsg("%s: cannot copy a path ending in '..'; name the "
		        "directory",
		    side_name(&cp->src, spath));
		cp->status = 1;
		free(name);
		return;
	}
	if (!d->is_dir)
		dname = d->newname;
	else if (name[0] == '\0' && S_ISDIR(st.st_mode))
		dname = NULL; /* the root or "dir/.": merged into dest */
	else
		dname = name;
	if (dname != NULL && dname[0] == '\0') {
		warnmsg("%s: cannot copy onto '%s'", side_name(&cp->src, spath),
		    d->path);
		cp->status = 1;
	} else if (same_image_check(cp, d, spath, dname, &st) == -1)
		cp->status = 1;
	else if (pathbuf_set(&cp->dstp, d->path) == -1 ||
	    pathbuf_set(&cp->rel, dname ? dname : "") == -1 ||
	    (d->is_dir && dname != NULL &&
	        pathbuf_push(&cp->dstp, dname) == (size_t)-1)) {
		warnmsg("%s", strerror(ENOMEM));
		cp->status = 1;
	} else {
		cp->topname = dname;
		cp->follow = !cp->Rflag;
		cp_copy(cp, AT_FDCWD, spath, spath, &st);
	}
	free(name);
}

/* The parent of a path and its last name ("dir/x/" -> "dir", "x"). */
static int
split_dest(const char *path, char **parent, char **name)
{
	char *copy, *slash;
	size_t len;

	copy = strdup(path);
	if (copy == NULL)
		return -1;
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		*name = strdup(copy);
		*parent = strdup(".");
	} else {
		*name = strdup(slash + 1);
		slash[slash == copy ? 1 : 0] = '\0';
		*parent = strdup(copy);
	}
	free(copy);
	if (*name == NULL || *parent == NULL) {
		free(*name);
		free(*parent);
		return -1;
	}
	return 0;
}

/*
 * Where the copies go: into the destination when it is a directory, else
 * it is the new name, made in its parent directory.
 */
static int
open_dest(struct cp *cp, struct dest *d, int nsrc)
{
	const struct side *s = &cp->dst;
	char *parent = NULL, buf[4096];
	const char *dir = d->path;
	struct stat st;

	d->is_dir = side_fstatat(s, AT_FDCWD, d->path, &st, 0) == 0 &&
	    S_ISDIR(st.st_mode);
	if (!d->is_dir) {
		if (nsrc > 1) {
			warnmsg("target '%s' is not a directory",
			    side_name(s, d->path));
			return -1;
		}
		if (split_dest(d->path, &parent, &d->newname) == -1) {
			warnmsg("%s", strerror(ENOMEM));
			return -1;
		}
		dir = parent;
	}
	cp->topfd = side_openat(s, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, 0);
	if (cp->topfd == -1) {
		warnmsg("%s: %s", side_name(s, d->path), strerror(errno));
		free(parent);
		return -1;
	}
	if (s->u != NULL && ukfs_realpath(s->u, dir, buf, sizeof(buf)) != NULL)
		d->real = strdup(buf);
	free(parent);
	return 0;
}

/* Set up the destination side: a path in an image or a host path. */
static int
setup_dest(struct cp *cp, struct mnt **mounts, const char *operand,
    struct ukfs_spec *dspec)
{
	struct stat st;
	uint64_t off, size;
	char *host;
	int rv;

	rv = ukfs_spec_parse(operand, 0, dspec);
	if (rv == -1) {
		warnmsg("%s: %s", operand, strerror(errno));
		return -1;
	}
	if (rv == 0)
		return 0; /* the host */
	cp->dst.u = get_mount(cp, mounts, dspec->image, UKFS_RDWR);
	if (cp->dst.u == NULL)
		return -1;
	cp->dst.image = dspec->image;
	cp->dst.cmask = cp->umask;
	ukfs_umask(cp->dst.u, 0);
	/* the host file behind a partition name is the one to skip */
	if (ukfs_resolve(dspec->image, &host, &off, &size) == 0) {
		if (stat(host, &st) == 0) {
			cp->skipdev = st.st_dev;
			cp->skipino = st.st_ino;
		}
		free(host);
	}
	return 1;
}

static void
parse_opts(int argc, char **argv, struct cp *cp)
{
	int ch;

	while ((ch = common_getopt(argc, argv, "aRrpv", &cp->co, cp_usage)) !=
	    -1) {
		switch (ch) {
		case 'a':
			cp->Rflag = cp->pflag = 1;
			break;
		case 'R':
		case 'r':
			cp->Rflag = 1;
			break;
		case 'p':
			cp->pflag = 1;
			break;
		case 'v':
			cp->vflag = 1;
			break;
		default:
			exit(1);
		}
	}
}

/* Copy the source operand src (a host path or IMAGE:PATH). */
static void
copy_source(
    struct cp *cp, struct mnt **mounts, const char *src, const struct dest *d)
{
	struct ukfs_spec spec;
	int rv;

	rv = ukfs_spec_parse(src, 0, &spec);
	if (rv == -1) {
		warnmsg("%s: %s", src, strerror(errno));
		cp->status = 1;
		return;
	}
	if (rv == 0 && cp->dst.u == NULL) {
		warnmsg("%s: not an image operand (IMAGE:PATH, IMAGE an "
		        "existing file); one side must be an image",
		    src);
		cp->status = 1;
		return;
	}
	if (rv == 0) {
		cp->src.u = NULL;
		cp->src.image = NULL;
		copy_operand(cp, src, d);
		return;
	}
	cp->src.image = spec.image;
	cp->src.u = get_mount(cp, mounts, spec.image, UKFS_RDONLY);
	if (cp->src.u == NULL)
		cp->status = 1;
	else
		copy_operand(cp, spec.path, d);
	ukfs_spec_free(&spec);
}

int
ukfs_cp_main(int argc, char **argv)
{
	struct ukfs_spec dspec;
	struct mnt *mounts = NULL;
	struct dest d;
	struct cp cp;
	int i, nsrc, rv;

	memset(&cp, 0, sizeof(cp));
	memset(&d, 0, sizeof(d));
	memset(&dspec, 0, sizeof(dspec));
	parse_opts(argc, argv, &cp);
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage_exit(cp_usage);
	nsrc = argc - 1;
	if (cp_init(&cp) == -1)
		return 1;
	progress_init(&cp.prog, !cp.vflag);
	cp.devices = cp.pflag && geteuid() == 0; /* -p as root only */
	cp.owners = cp.pflag && geteuid() == 0;
	rv = setup_dest(&cp, &mounts, argv[nsrc], &dspec);
	d.path = rv == 1 ? dspec.path : argv[nsrc];
	if (rv == -1 || open_dest(&cp, &d, nsrc) == -1) {
		cp.status = 1;
		goto out;
	}
	for (i = 0; i < nsrc; i++)
		copy_source(&cp, &mounts, argv[i], &d);
	side_close(&cp.dst, cp.topfd);
out:
	free(d.newname);
	free(d.real);
	cp_fini(&cp);
	if (release_mounts(mounts) != 0)
		cp.status = 1;
	progress_done(&cp.prog);
	ukfs_spec_free(&dspec); /* also after a failed mount */
	return finish_stdout(cp.status);
}
