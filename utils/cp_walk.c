/*
 * ukfs-cp's walk: one function per kind of object, each creating its copy
 * relative to an open host directory and never following what it made.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"

int
cp_init(struct cp *cp)
{
	cp->root = geteuid() == 0;
	cp->umask = umask(0);
	umask(cp->umask);
	cp->topfd = -1;
	if (posix_memalign((void **)&cp->buf, 4096, CPBUF) != 0) {
		warnmsg("%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

void
cp_fini(struct cp *cp)
{
	size_t i;

	for (i = 0; i < cp->caplinks; i++)
		free(cp->links[i].rel);
	free(cp->links);
	free(cp->anc);
	free(cp->buf);
	pathbuf_free(&cp->src);
	pathbuf_free(&cp->dst);
	pathbuf_free(&cp->rel);
}

void
cp_srcerr(struct cp *cp, int error)
{
	warnpath(cp->image, cp->src.p, error);
	cp->status = 1;
}

void
cp_dsterr(struct cp *cp, int error)
{
	warnmsg("%s: %s", cp->dst.p, strerror(error));
	cp->status = 1;
}

static void
verbose(struct cp *cp)
{
	if (cp->vflag)
		printf("'%s:%s' -> '%s'\n", cp->image, cp->src.p, cp->dst.p);
}

/* --- hard links ----------------------------------------------------------- */

static size_t
link_slot(const struct cp *cp, const struct ukfs *u, ino_t ino)
{
	size_t h = (size_t)((uint64_t)ino * 0x9E3779B97F4A7C15ULL >> 7);

	h ^= (size_t)(uintptr_t)u;
	for (h &= cp->caplinks - 1;; h = (h + 1) & (cp->caplinks - 1))
		if (cp->links[h].rel == NULL ||
		    (cp->links[h].ino == ino && cp->links[h].u == u))
			return h;
}

static const char *
link_find(const struct cp *cp, ino_t ino)
{
	if (cp->caplinks == 0)
		return NULL;
	return cp->links[link_slot(cp, cp->u, ino)].rel;
}

static void
link_add(struct cp *cp, ino_t ino)
{
	struct linkent *old = cp->links, *e;
	size_t oldcap = cp->caplinks, i;

	if (2 * (cp->nlinks + 1) > cp->caplinks) {
		cp->caplinks = oldcap ? oldcap * 2 : 256;
		cp->links = calloc(cp->caplinks, sizeof(*cp->links));
		if (cp->links == NULL) {
			cp->links = old;
			cp->caplinks = oldcap;
			return; /* later links become copies */
		}
		for (i = 0; i < oldcap; i++)
			if (old[i].rel != NULL)
				cp->links[link_slot(cp, old[i].u, old[i].ino)] =
				    old[i];
		free(old);
	}
	e = &cp->links[link_slot(cp, cp->u, ino)];
	if (e->rel != NULL)
		return;
	e->rel = strdup(cp->rel.p);
	if (e->rel == NULL)
		return;
	e->u = cp->u;
	e->ino = ino;
	cp->nlinks++;
}

/* --- creating ------------------------------------------------------------- */

/*
 * After EEXIST: remove what is in the way, unless it is a directory.
 * 0 when the caller may try again.
 */
static int
make_room(struct cp *cp, int ddirfd, const char *dname)
{
	struct stat st;

	if (fstatat(ddirfd, dname, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		cp_dsterr(cp, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		warnmsg("%s: cannot overwrite directory with non-directory",
		    cp->dst.p);
		cp->status = 1;
		return -1;
	}
	if (unlinkat(ddirfd, dname, 0) == -1) {
		cp_dsterr(cp, errno);
		return -1;
	}
	return 0;
}

/*
 * After a create failed: 1 to try again (the name was taken and has been
 * cleared), 0 to give up (the error has been reported).
 */
static int
retry_create(struct cp *cp, int ddirfd, const char *dname, int *tries)
{
	if (errno != EEXIST || (*tries)++ > 0) {
		cp_dsterr(cp, errno);
		return 0;
	}
	return make_room(cp, ddirfd, dname) == 0;
}

/* A later link of an already copied inode; 1 when dealt with. */
static int
copy_as_link(
    struct cp *cp, const struct stat *st, int ddirfd, const char *dname)
{
	const char *first = link_find(cp, st->st_ino);
	int tries = 0;

	if (first == NULL)
		return 0;
	while (linkat(cp->topfd, first, ddirfd, dname, 0) == -1) {
		if (errno != EEXIST)
			return 0; /* EMLINK and the like: copy it instead */
		if (!retry_create(cp, ddirfd, dname, &tries))
			return 1;
	}
	verbose(cp);
	return 1;
}

/* Owner, then mode (chown clears setuid), then times, on an open file. */
static void
set_attrs_fd(struct cp *cp, int fd, const struct stat *st, int chmod_needed)
{
	struct timespec ts[2];

	if (cp->pflag && cp->root && fchown(fd, st->st_uid, st->st_gid) == -1)
		cp_dsterr(cp, errno);
	if (chmod_needed &&
	    fchmod(fd,
	        cp->pflag ? st->st_mode & 07777
	                  : st->st_mode & 0777 & ~cp->umask) == -1)
		cp_dsterr(cp, errno);
	if (cp->pflag) {
		ts[0] = st->st_atim;
		ts[1] = st->st_mtim;
		if (futimens(fd, ts) == -1)
			cp_dsterr(cp, errno);
	}
}

/* The same for a symlink or special file, by name, not following. */
static void
set_attrs_name(
    struct cp *cp, int ddirfd, const char *dname, const struct stat *st)
{
	struct timespec ts[2];

	if (!cp->pflag)
		return;
	if (cp->root &&
	    fchownat(ddirfd, dname, st->st_uid, st->st_gid,
	        AT_SYMLINK_NOFOLLOW) == -1)
		cp_dsterr(cp, errno);
	if (!S_ISLNK(st->st_mode) &&
	    (st->st_mode & 07777) != (st->st_mode & 0777 & ~cp->umask) &&
	    fchmodat(ddirfd, dname, st->st_mode & 07777, 0) == -1)
		cp_dsterr(cp, errno);
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (utimensat(ddirfd, dname, ts, AT_SYMLINK_NOFOLLOW) == -1)
		cp_dsterr(cp, errno);
}

static int
copy_reg(struct cp *cp, int sdirfd, const char *sname, const struct stat *st,
    int ddirfd, const char *dname, int follow)
{
	int sfd, dfd, tries = 0, dsterr = 0, chmod_needed;
	mode_t mode = st->st_mode & 0777;

	sfd = ukfs_openat(
	    cp->u, sdirfd, sname, O_RDONLY | (follow ? 0 : O_NOFOLLOW), 0);
	if (sfd == -1) {
		cp_srcerr(cp, errno);
		return -1;
	}
	while ((dfd = openat(ddirfd, dname,
	            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	            mode)) == -1) {
		if (!retry_create(cp, ddirfd, dname, &tries)) {
			ukfs_close(cp->u, sfd);
			return -1;
		}
	}
	verbose(cp);
	if (copy_data(cp, sfd, dfd, st, &dsterr) == -1) {
		if (dsterr)
			cp_dsterr(cp, errno);
		else
			cp_srcerr(cp, errno);
		close(dfd);
		ukfs_close(cp->u, sfd);
		return -1;
	}
	ukfs_close(cp->u, sfd);
	/* the create applied the umask; -p wants the mode as it was */
	chmod_needed =
	    cp->pflag && (st->st_mode & 07777) != (mode & ~cp->umask);
	set_attrs_fd(cp, dfd, st, chmod_needed);
	if (close(dfd) == -1) {
		cp_dsterr(cp, errno);
		return -1;
	}
	return 0;
}

static int
copy_symlink(struct cp *cp, int sdirfd, const char *sname,
    const struct stat *st, int ddirfd, const char *dname)
{
	ssize_t n;
	int tries = 0;

	n = ukfs_readlinkat(cp->u, sdirfd, sname, cp->buf, CPBUF);
	if (n == -1 || n == CPBUF) {
		cp_srcerr(cp, n == -1 ? errno : ENAMETOOLONG);
		return -1;
	}
	cp->buf[n] = '\0';
	while (symlinkat(cp->buf, ddirfd, dname) == -1)
		if (!retry_create(cp, ddirfd, dname, &tries))
			return -1;
	verbose(cp);
	set_attrs_name(cp, ddirfd, dname, st);
	return 0;
}

/* Fifos, sockets and (as root) device nodes. */
static int
copy_special(
    struct cp *cp, const struct stat *st, int ddirfd, const char *dname)
{
	mode_t type = st->st_mode & S_IFMT;
	dev_t rdev = type == S_IFCHR || type == S_IFBLK ? st->st_rdev : 0;
	int tries = 0;

	if (!cp->Rflag) {
		warnmsg("%s:%s: not a regular file (-R copies special files)",
		    cp->image, cp->src.p);
		cp->status = 1;
		return -1;
	}
	if ((type == S_IFCHR || type == S_IFBLK) && !cp->root) {
		warnmsg("%s:%s: device node not copied: only root may make "
		        "one",
		    cp->image, cp->src.p);
		cp->status = 1;
		return -1;
	}
	while (mknodat(ddirfd, dname, type | (st->st_mode & 0777), rdev) == -1)
		if (!retry_create(cp, ddirfd, dname, &tries))
			return -1;
	verbose(cp);
	set_attrs_name(cp, ddirfd, dname, st);
	return 0;
}

/* --- directories ---------------------------------------------------------- */

static int
valid_name(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int
is_ancestor(const struct cp *cp, ino_t ino)
{
	size_t i;

	for (i = 0; i < cp->nanc; i++)
		if (cp->anc[i] == ino)
			return 1;
	return 0;
}

static int
push_ancestor(struct cp *cp, ino_t ino)
{
	if (cp->nanc == cp->capanc) {
		size_t cap = cp->capanc ? cp->capanc * 2 : 32;
		ino_t *a = realloc(cp->anc, cap * sizeof(*a));

		if (a == NULL) {
			cp_srcerr(cp, ENOMEM);
			return -1;
		}
		cp->anc = a;
		cp->capanc = cap;
	}
	cp->anc[cp->nanc++] = ino;
	return 0;
}

/* Open (making it if need be) the directory copy; -1 on error. */
static int
open_dest_dir(struct cp *cp, int ddirfd, const char *dname, int *created)
{
	int fd;

	*created = 0;
	if (mkdirat(ddirfd, dname, 0700) == 0)
		*created = 1;
	else if (errno != EEXIST) {
		cp_dsterr(cp, errno);
		return -1;
	}
	fd = openat(
	    ddirfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOTDIR || errno == ELOOP) {
			warnmsg("%s: cannot overwrite non-directory with "
			        "directory",
			    cp->dst.p);
			cp->status = 1;
		} else
			cp_dsterr(cp, errno);
	}
	return fd;
}

/* Copy the entries of the open source directory d into dfd. */
static void
copy_children(struct cp *cp, struct ukfs_dir *d, int dfd)
{
	struct ukfs_dirent de;
	struct stat st;
	size_t s, t, r;
	int sfd = ukfs_dirfd(d), rv;

	while ((rv = ukfs_readdir(d, &de)) == 1) {
		if (strcmp(de.d_name, ".") == 0 || strcmp(de.d_name, "..") == 0)
			continue;
		if (!valid_name(de.d_name)) {
			warnmsg("%s:%s: skipping invalid name '%s'", cp->image,
			    cp->src.p, de.d_name);
			cp->status = 1;
			continue;
		}
		s = pathbuf_push(&cp->src, de.d_name);
		t = pathbuf_push(&cp->dst, de.d_name);
		r = pathbuf_push(&cp->rel, de.d_name);
		if (s == (size_t)-1 || t == (size_t)-1 || r == (size_t)-1) {
			cp_srcerr(cp, ENOMEM);
			return;
		}
		if (ukfs_fstatat(
		        cp->u, sfd, de.d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			cp_srcerr(cp, errno);
		else
			copy_entry(cp, sfd, de.d_name, &st, dfd, de.d_name, 0);
		pathbuf_cut(&cp->src, s);
		pathbuf_cut(&cp->dst, t);
		pathbuf_cut(&cp->rel, r);
	}
	if (rv == -1)
		cp_srcerr(cp, errno);
}

static void
copy_dir(struct cp *cp, int sdirfd, const char *sname, const struct stat *st,
    int ddirfd, const char *dname)
{
	struct ukfs_dir *d;
	int dfd, created = 0;

	if (is_ancestor(cp, st->st_ino)) {
		warnmsg("%s:%s: directory loop; not copied again", cp->image,
		    cp->src.p);
		cp->status = 1;
		return;
	}
	d = ukfs_opendirat(cp->u, sdirfd, sname);
	if (d == NULL) {
		cp_srcerr(cp, errno);
		return;
	}
	dfd = dname ? open_dest_dir(cp, ddirfd, dname, &created) : ddirfd;
	if (dfd == -1 || push_ancestor(cp, st->st_ino) == -1) {
		ukfs_closedir(d);
		if (dname != NULL && dfd != -1)
			close(dfd);
		return;
	}
	if (created)
		verbose(cp);
	copy_children(cp, d, dfd);
	ukfs_closedir(d);
	cp->nanc--;
	/* after the contents, which change the times and need write access */
	if (cp->pflag || created)
		set_attrs_fd(cp, dfd, st, 1);
	if (dname != NULL)
		close(dfd);
}

void
copy_entry(struct cp *cp, int sdirfd, const char *sname, const struct stat *st,
    int ddirfd, const char *dname, int follow)
{
	int linked = cp->Rflag && !S_ISDIR(st->st_mode) && st->st_nlink > 1;
	int rv;

	if (S_ISDIR(st->st_mode)) {
		copy_dir(cp, sdirfd, sname, st, ddirfd, dname);
		return;
	}
	if (linked && copy_as_link(cp, st, ddirfd, dname))
		return;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		rv = copy_reg(cp, sdirfd, sname, st, ddirfd, dname, follow);
		break;
	case S_IFLNK:
		rv = copy_symlink(cp, sdirfd, sname, st, ddirfd, dname);
		break;
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		rv = copy_special(cp, st, ddirfd, dname);
		break;
	default:
		warnmsg("%s:%s: unknown file type %#o; not copied", cp->image,
		    cp->src.p, (unsigned)(st->st_mode & S_IFMT));
		cp->status = 1;
		rv = -1;
	}
	if (rv == 0 && linked)
		link_add(cp, st->st_ino);
}
