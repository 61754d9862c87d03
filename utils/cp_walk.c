/*
 * The copy engine: the walk's callbacks make each object's copy relative
 * to an open destination directory and never follow what they made.
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

	cp_async_stop(cp);
	for (i = 0; i < cp->caplinks; i++)
		free(cp->links[i].rel);
	free(cp->links);
	cp->links = NULL;
	cp->caplinks = cp->nlinks = 0;
	free(cp->frames);
	cp->frames = NULL;
	free(cp->buf);
	cp->buf = NULL;
	pathbuf_free(&cp->dstp);
	pathbuf_free(&cp->rel);
}

void
cp_srcerr(struct cp *cp, int error)
{
	cp_async_drain(cp);
	walk_err(cp->walk, error);
	cp->status = 1;
}

void
cp_dsterr(struct cp *cp, int error)
{
	cp_async_drain(cp);
	if (error == ENOSPC) {
		cp->nospace = 1;
		if (cp->quiet_nospace) {
			cp->walk->stop = 1;
			cp->status = 1;
			return;
		}
	}
	warnmsg("%s: %s", side_name(&cp->dst, cp->dstp.p), strerror(error));
	cp->status = 1;
}

static void
verbose(struct cp *cp)
{
	if (!cp->vflag)
		return;
	printf("'%s' -> ", side_name(&cp->src, cp->walk->path.p));
	printf("'%s'\n", side_name(&cp->dst, cp->dstp.p));
}

/* --- hard links ----------------------------------------------------------- */

static size_t
link_slot(const struct cp *cp, const struct ukfs *u, dev_t dev, ino_t ino)
{
	size_t h = (size_t)(((uint64_t)ino ^ (uint64_t)dev << 32) *
	        0x9E3779B97F4A7C15ULL >>
	    7);

	h ^= (size_t)(uintptr_t)u;
	for (h &= cp->caplinks - 1;; h = (h + 1) & (cp->caplinks - 1)) {
		const struct linkent *e = &cp->links[h];

		if (e->rel == NULL ||
		    (e->ino == ino && e->dev == dev && e->u == u))
			return h;
	}
}

static const char *
link_find(const struct cp *cp, const struct stat *st)
{
	if (cp->caplinks == 0)
		return NULL;
	return cp->links[link_slot(cp, cp->src.u, st->st_dev, st->st_ino)].rel;
}

static void
link_add(struct cp *cp, const struct stat *st)
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
				cp->links[link_slot(cp, old[i].u, old[i].dev,
				    old[i].ino)] = old[i];
		free(old);
	}
	e = &cp->links[link_slot(cp, cp->src.u, st->st_dev, st->st_ino)];
	if (e->rel != NULL)
		return;
	e->rel = strdup(cp->rel.p);
	if (e->rel == NULL)
		return;
	e->u = cp->src.u;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
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

	if (side_fstatat(&cp->dst, ddirfd, dname, &st, AT_SYMLINK_NOFOLLOW) ==
	    -1) {
		cp_dsterr(cp, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		warnmsg("%s: cannot overwrite directory with non-directory",
		    side_name(&cp->dst, cp->dstp.p));
		cp->status = 1;
		return -1;
	}
	if (side_unlinkat(&cp->dst, ddirfd, dname, 0) == -1) {
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
	const char *first = link_find(cp, st);
	int tries = 0;

	if (first == NULL)
		return 0;
	while (side_linkat(&cp->dst, cp->topfd, first, ddirfd, dname) == -1) {
		if (errno != EEXIST)
			return 0; /* EMLINK and the like: copy it instead */
		if (!retry_create(cp, ddirfd, dname, &tries))
			return 1;
	}
	verbose(cp);
	return 1;
}

/*
 * The mode a copy gets: as it was with -p, else less umask and set-ids.
 * Set-id bits are kept only with the owners (-p as root): never on a
 * file that the one copying now owns instead.
 */
static mode_t
copy_mode(const struct cp *cp, const struct stat *st)
{
	return cp_mode_of(cp->pflag, cp->owners, cp->umask, st->st_mode);
}

/*
 * A chown failed.  A file system that keeps no owners (FAT) says
 * EOPNOTSUPP or EPERM: warn once and stop trying; anything else is an
 * error of this file.
 */
static void
chown_failed(struct cp *cp, int error)
{
	if (cp->dst.u != NULL && (error == EOPNOTSUPP || error == EPERM)) {
		warnmsg("%s: the file system keeps no owners; they are not "
		        "copied",
		    cp->dst.image);
		cp->owners = 0;
		return;
	}
	cp_dsterr(cp, error);
}

/* Owner, then mode (chown clears setuid), then times, on an open file. */
static void
set_attrs_fd(struct cp *cp, int fd, const struct stat *st, int chmod_needed)
{
	struct timespec ts[2];

	if (cp->owners &&
	    side_fchown(&cp->dst, fd, st->st_uid, st->st_gid) == -1)
		chown_failed(cp, errno);
	if (chmod_needed && side_fchmod(&cp->dst, fd, copy_mode(cp, st)) == -1)
		cp_dsterr(cp, errno);
	if (cp->pflag) {
		ts[0] = st->st_atim;
		ts[1] = st->st_mtim;
		if (side_futimens(&cp->dst, fd, ts) == -1)
			cp_dsterr(cp, errno);
	}
}

/* The same for a symlink or special file, by name, not following. */
static void
set_attrs_name(
    struct cp *cp, int ddirfd, const char *dname, const struct stat *st)
{
	struct timespec ts[2];
	mode_t made;

	if (cp->owners &&
	    side_fchownat(&cp->dst, ddirfd, dname, st->st_uid, st->st_gid,
	        AT_SYMLINK_NOFOLLOW) == -1)
		chown_failed(cp, errno);
	if (!cp->pflag)
		return;
	/* what the create made: symlinks 0777 (images too), else less umask */
	made = S_ISLNK(st->st_mode) ? 0777 : st->st_mode & 0777 & ~cp->umask;
	if (copy_mode(cp, st) != made &&
	    (!S_ISLNK(st->st_mode) || cp->dst.u != NULL) &&
	    side_fchmodat(&cp->dst, ddirfd, dname, copy_mode(cp, st),
	        S_ISLNK(st->st_mode) ? AT_SYMLINK_NOFOLLOW : 0) == -1 &&
	    errno != EOPNOTSUPP)
		cp_dsterr(cp, errno);
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (side_utimensat(&cp->dst, ddirfd, dname, ts, AT_SYMLINK_NOFOLLOW) ==
	    -1)
		cp_dsterr(cp, errno);
}

/* The source's descriptor: the one the walk opened, else a new one. */
static int
open_src(struct cp *cp, int sdirfd, const char *sname)
{
	if (cp->walk->leaffd != -1)
		return cp->walk->leaffd;
	return side_openat(&cp->src, sdirfd, sname,
	    O_RDONLY | (cp->follow && cp->walk->depth == 0 ? 0 : O_NOFOLLOW),
	    0);
}

static void
close_src(struct cp *cp, int sfd)
{
	if (sfd != cp->walk->leaffd)
		side_close(&cp->src, sfd);
}

static int
copy_reg(struct cp *cp, int sdirfd, const char *sname, const struct stat *st,
    int ddirfd, const char *dname)
{
	int sfd, dfd, tries = 0, dsterr = 0, chmod_needed;
	mode_t mode = st->st_mode & 0777;

	sfd = open_src(cp, sdirfd, sname);
	if (sfd == -1) {
		cp_srcerr(cp, errno);
		return -1;
	}
	while ((dfd = side_openat(&cp->dst, ddirfd, dname,
	            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode)) == -1) {
		if (!retry_create(cp, ddirfd, dname, &tries)) {
			close_src(cp, sfd);
			return -1;
		}
	}
	verbose(cp);
	if (copy_data(cp, sfd, dfd, st, &dsterr) == -1) {
		if (dsterr)
			cp_dsterr(cp, errno);
		else
			cp_srcerr(cp, errno);
		side_close(&cp->dst, dfd);
		close_src(cp, sfd);
		return -1;
	}
	close_src(cp, sfd);
	/* the create applied the umask; -p wants the mode as it was */
	chmod_needed =
	    cp->pflag && copy_mode(cp, st) != (mode & ~cp->umask);
	set_attrs_fd(cp, dfd, st, chmod_needed);
	if (side_close(&cp->dst, dfd) == -1) {
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

	n = side_readlinkat(&cp->src, sdirfd, sname, cp->buf, CPBUF);
	if (n == -1 || n == CPBUF) {
		cp_srcerr(cp, n == -1 ? errno : ENAMETOOLONG);
		return -1;
	}
	cp->buf[n] = '\0';
	while (side_symlinkat(&cp->dst, cp->buf, ddirfd, dname) == -1)
		if (!retry_create(cp, ddirfd, dname, &tries))
			return -1;
	verbose(cp);
	set_attrs_name(cp, ddirfd, dname, st);
	return 0;
}

/* Fifos, sockets and device nodes. */
static int
copy_special(
    struct cp *cp, const struct stat *st, int ddirfd, const char *dname)
{
	mode_t type = st->st_mode & S_IFMT;
	dev_t rdev = type == S_IFCHR || type == S_IFBLK ? st->st_rdev : 0;
	int tries = 0;

	if (!cp->Rflag) {
		warnmsg("%s: not a regular file (-R copies special files)",
		    side_name(&cp->src, cp->walk->path.p));
		cp->status = 1;
		return -1;
	}
	if ((type == S_IFCHR || type == S_IFBLK) && !cp->devices) {
		warnmsg("%s: device node not copied (-p as root copies it)",
		    side_name(&cp->src, cp->walk->path.p));
		cp->status = 1;
		return -1;
	}
	while (side_mknodat(&cp->dst, ddirfd, dname,
	           type | (st->st_mode & 0777), rdev) == -1)
		if (!retry_create(cp, ddirfd, dname, &tries))
			return -1;
	verbose(cp);
	set_attrs_name(cp, ddirfd, dname, st);
	return 0;
}

/* --- the walk's callbacks ------------------------------------------------- */

/* Where the object at the walk's depth goes: directory and name. */
static int
dest_of(struct cp *cp, const char *sname, const char **dname)
{
	if (cp->walk->depth == 0) {
		*dname = cp->topname;
		return cp->topfd;
	}
	*dname = sname;
	return cp->frames[cp->walk->depth - 1].fd;
}

/* Extend dstp and rel by the object's name (not for the top object). */
static int
push_names(struct cp *cp, const char *name, size_t *dstlen, size_t *rellen)
{
	*dstlen = cp->dstp.len;
	*rellen = cp->rel.len;
	if (cp->walk->depth == 0)
		return 0;
	if (pathbuf_push(&cp->dstp, name) == (size_t)-1 ||
	    pathbuf_push(&cp->rel, name) == (size_t)-1) {
		cp_srcerr(cp, ENOMEM);
		return -1;
	}
	return 0;
}

static void
cut_names(struct cp *cp, size_t dstlen, size_t rellen)
{
	pathbuf_cut(&cp->dstp, dstlen);
	pathbuf_cut(&cp->rel, rellen);
}

static int
is_skipped(const struct cp *cp, const struct stat *st)
{
	return cp->src.u == NULL && cp->skipino != 0 &&
	    st->st_ino == cp->skipino && st->st_dev == cp->skipdev;
}

static void
cp_leaf(struct walk *w, int sdirfd, const char *sname, const struct stat *st)
{
	struct cp *cp = w->arg;
	int linked = cp->Rflag && st->st_nlink > 1;
	const char *dname;
	size_t dl, rl;
	int ddirfd, rv;

	if (is_skipped(cp, st)) {
		warnmsg(
		    "%s: the destination image itself; not copied", w->path.p);
		return;
	}
	if (push_names(cp, sname, &dl, &rl) == -1)
		return;
	progress_add(&cp->prog, 0, 1);
	ddirfd = dest_of(cp, sname, &dname);
	if (w->leaffd != -1 && cp_async_ok(cp, st) &&
	    cp_async_copy(cp, w->leaffd, st, ddirfd, dname) == 0) {
		progress_add(&cp->prog, (uint64_t)st->st_size, 0);
		cut_names(cp, dl, rl);
		return;
	}
	cp_async_sync(cp, ddirfd);
	if (linked && copy_as_link(cp, st, ddirfd, dname)) {
		cut_names(cp, dl, rl);
		return;
	}
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		rv = copy_reg(cp, sdirfd, sname, st, ddirfd, dname);
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
		warnmsg("%s: unknown file type %#o; not copied",
		    side_name(&cp->src, w->path.p),
		    (unsigned)(st->st_mode & S_IFMT));
		cp->status = 1;
		rv = -1;
	}
	if (rv == 0 && linked)
		link_add(cp, st);
	cut_names(cp, dl, rl);
}

/* Open (making it if need be) the directory copy; -1 on error. */
static int
open_dest_dir(struct cp *cp, int ddirfd, const char *dname, int *created)
{
	int fd;

	*created = 0;
	if (side_mkdirat(&cp->dst, ddirfd, dname, 0700) == 0)
		*created = 1;
	else if (errno != EEXIST) {
		cp_dsterr(cp, errno);
		return -1;
	}
	fd = side_openat(
	    &cp->dst, ddirfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd == -1) {
		if (errno == ENOTDIR || errno == ELOOP) {
			warnmsg("%s: cannot overwrite non-directory with "
			        "directory",
			    side_name(&cp->dst, cp->dstp.p));
			cp->status = 1;
		} else
			cp_dsterr(cp, errno);
	}
	return fd;
}

static struct cpframe *
push_frame(struct cp *cp)
{
	if (cp->nframes == cp->capframes) {
		size_t cap = cp->capframes ? cp->capframes * 2 : 32;
		struct cpframe *f = realloc(cp->frames, cap * sizeof(*f));

		if (f == NULL)
			return NULL;
		cp->frames = f;
		cp->capframes = cap;
	}
	return &cp->frames[cp->nframes++];
}

static int
cp_pre(struct walk *w, int sdirfd, const char *sname, const struct stat *st)
{
	struct cp *cp = w->arg;
	struct cpframe *f;
	const char *dname;
	size_t dl, rl;
	int ddirfd, fd, created = 0;

	if (push_names(cp, sname, &dl, &rl) == -1)
		return -1;
	ddirfd = dest_of(cp, sname, &dname);
	cp_async_sync(cp, ddirfd);
	fd =
	    dname != NULL ? open_dest_dir(cp, ddirfd, dname, &created) : ddirfd;
	if (fd == -1 || (f = push_frame(cp)) == NULL) {
		if (fd != -1) {
			cp_srcerr(cp, ENOMEM);
			if (dname != NULL)
				side_close(&cp->dst, fd);
		}
		cut_names(cp, dl, rl);
		return -1;
	}
	f->fd = fd;
	f->created = created;
	f->dstlen = dl;
	f->rellen = rl;
	if (created)
		verbose(cp);
	return 0;
}

static void
cp_post(struct walk *w, int sdirfd, const char *sname, const struct stat *st)
{
	struct cp *cp = w->arg;
	struct cpframe *f = &cp->frames[--cp->nframes];
	int attrs = cp->pflag || f->created;
	int doclose = w->depth > 0 || cp->topname != NULL;

	/* after the contents, which change the times and need write access */
	if (cp_async_dir(cp, f->fd, st, attrs, doclose) == 1) {
		cp_async_drain(cp); /* its files are written before it closes */
		if (attrs)
			set_attrs_fd(cp, f->fd, st, 1);
		if (doclose)
			side_close(&cp->dst, f->fd);
	}
	cut_names(cp, f->dstlen, f->rellen);
}

/* Before the walk prints: the messages of earlier files first. */
static void
cp_quiesce(struct walk *w)
{
	cp_async_drain(w->arg);
}

static const struct walk_ops cp_ops = {
    .pre = cp_pre,
    .post = cp_post,
    .leaf = cp_leaf,
    .quiesce = cp_quiesce,
    .open_regular = 1,
};

void
cp_copy(struct cp *cp, int sdirfd, const char *sname, const char *spath,
    const struct stat *st)
{
	struct walk w;

	if (walk_init(&w, &cp->src, &cp_ops, cp, spath) == -1) {
		cp->status = 1;
		return;
	}
	/* host -> image: the host's reads overlap with the image's writes */
	w.ahead = cp->src.u == NULL && cp->dst.u != NULL;
	cp->walk = &w;
	walk_tree(&w, sdirfd, sname, st);
	cp_async_drain(cp);
	if (w.status)
		cp->status = 1;
	cp->walk = NULL;
	walk_fini(&w);
}
