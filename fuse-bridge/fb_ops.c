/*
 * FUSE low-level operations on libp2k.  Each request runs with the
 * credentials of the process that made it, so the kernel's permission
 * checks hold whether or not the host kernel checks too
 * (default_permissions).  File handles (fi->fh) are libp2k open files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

#define FB_MAXGROUPS 16 /* what the kernel's credentials hold */

static struct fb *
fb_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

struct fb_cred {
	struct p2k_cred cr;
	gid_t groups[FB_MAXGROUPS];
};

/* The credentials of the request; root needs no group list. */
static const struct p2k_cred *
fb_cred(fuse_req_t req, struct fb_cred *fc)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	int n = 0;

	fc->cr.uid = ctx->uid;
	fc->cr.gid = ctx->gid;
	if (ctx->uid != 0) {
		n = fuse_req_getgroups(req, FB_MAXGROUPS, fc->groups);
		if (n < 0)
			n = 0;
		if (n > FB_MAXGROUPS)
			n = FB_MAXGROUPS;
	}
	fc->cr.ngroups = n;
	fc->cr.groups = fc->groups;
	return &fc->cr;
}

static struct fb_file *
fb_ff(const struct fuse_file_info *fi)
{
	return fi != NULL ? (struct fb_file *)(uintptr_t)fi->fh : NULL;
}

static struct p2k_file *
fb_file(const struct fuse_file_info *fi)
{
	struct fb_file *ff = fb_ff(fi);

	return ff != NULL ? ff->ff_pf : NULL;
}

/* Give the kernel the open file pf as fi->fh; 0 or an errno value. */
static int
fb_file_fh(struct p2k_file *pf, struct fuse_file_info *fi)
{
	struct fb_file *ff = fb_file_add(pf);

	if (ff == NULL)
		return ENOMEM;
	fi->fh = (uintptr_t)ff;
	return 0;
}

/* The node of ino, or an error reply (ESTALE) and NULL. */
static struct p2k_node *
fb_node(fuse_req_t req, fuse_ino_t ino)
{
	struct p2k_node *pn = fb_node_get(&fb_of(req)->fb_nodes, ino);

	if (pn == NULL)
		fuse_reply_err(req, ESTALE);
	return pn;
}

/* Fill e for the new reference pn; 0 or an errno value. */
static int
fb_entry(struct fb *fb, struct p2k_node *pn, struct fuse_entry_param *e)
{
	e->ino = fb_node_enter(&fb->fb_nodes, pn, &e->attr);
	if (e->ino == 0)
		return ENOMEM;
	e->generation = 0;
	e->attr_timeout = fb->fb_opts->fo_attr_timeout;
	e->entry_timeout = fb->fb_opts->fo_entry_timeout;
	return 0;
}

/* Answer a lookup-like request; a lost reply gives the lookup back. */
static void
fb_reply_entry(
    fuse_req_t req, int error, struct p2k_node *pn, struct fuse_entry_param *e)
{
	struct fb *fb = fb_of(req);

	if (error == 0)
		error = fb_entry(fb, pn, e);
	if (error != 0) {
		fuse_reply_err(req, error);
		return;
	}
	if (fuse_reply_entry(req, e) != 0)
		fb_node_forget(&fb->fb_nodes, e->ino, 1);
}

static void
fb_init(void *userdata, struct fuse_conn_info *conn)
{
	/*
	 * (libfuse 3.14 drops PARALLEL_DIROPS and HANDLE_KILLPRIV on the
	 * way to the kernel; asking costs nothing where it does not.)
	 */
	unsigned want = FUSE_CAP_ASYNC_READ | FUSE_CAP_ATOMIC_O_TRUNC |
	    FUSE_CAP_EXPORT_SUPPORT | FUSE_CAP_PARALLEL_DIROPS |
	    FUSE_CAP_HANDLE_KILLPRIV | FUSE_CAP_READDIRPLUS |
	    FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_AUTO_INVAL_DATA;

	conn->want |= want & conn->capable;
	/* Locks stay in the host kernel; data is written through. */
	conn->want &= ~(unsigned)(FUSE_CAP_POSIX_LOCKS | FUSE_CAP_FLOCK_LOCKS |
	    FUSE_CAP_WRITEBACK_CACHE);
}

static void
fb_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fb *fb = fb_of(req);
	struct fuse_entry_param e;
	struct p2k_node *dir, *pn = NULL;
	struct fb_cred fc;
	int error;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	error =
	    p2k_lookup(fb->fb_pm, fb_cred(req, &fc), dir, name, &pn, &e.attr);
	if (error == ENOENT && fb->fb_opts->fo_negative_timeout > 0) {
		/* a negative entry the kernel may cache */
		e.ino = 0;
		e.entry_timeout = fb->fb_opts->fo_negative_timeout;
		fuse_reply_entry(req, &e);
		return;
	}
	fb_reply_entry(req, error, pn, &e);
}

static void
fb_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	fb_node_forget(&fb_of(req)->fb_nodes, ino, nlookup);
	fuse_reply_none(req);
}

static void
fb_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *fd)
{
	size_t i;

	for (i = 0; i < count; i++)
		fb_node_forget(&fb_of(req)->fb_nodes, fd[i].ino, fd[i].nlookup);
	fuse_reply_none(req);
}

static void
fb_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *pn;
	struct fb_cred fc;
	struct stat st;
	int error;

	if ((pn = fb_node(req, ino)) == NULL)
		return;
	error = p2k_getattr(fb->fb_pm, fb_cred(req, &fc), pn, &st);
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_attr(req, &st, fb->fb_opts->fo_attr_timeout);
}

static int
fb_setattr_valid(int to_set)
{
	static const struct {
		int fuse, p2k;
	} map[] = {
	    {FUSE_SET_ATTR_MODE, P2K_SET_MODE},
	    {FUSE_SET_ATTR_UID, P2K_SET_UID},
	    {FUSE_SET_ATTR_GID, P2K_SET_GID},
	    {FUSE_SET_ATTR_SIZE, P2K_SET_SIZE},
	    {FUSE_SET_ATTR_ATIME, P2K_SET_ATIME},
	    {FUSE_SET_ATTR_MTIME, P2K_SET_MTIME},
	    {FUSE_SET_ATTR_ATIME_NOW, P2K_SET_ATIME_NOW},
	    {FUSE_SET_ATTR_MTIME_NOW, P2K_SET_MTIME_NOW},
	};
	size_t i;
	int valid = 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (to_set & map[i].fuse)
			valid |= map[i].p2k;
	/*
	 * libfuse 3.14 does not pass handle_killpriv on: the host kernel
	 * clears set-id bits before a write by a mode change of its own,
	 * with the writer's credentials.
	 */
	if (valid == P2K_SET_MODE)
		valid |= P2K_SET_KILLPRIV;
	return valid;
}

static void
fb_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *pn;
	struct fb_cred fc;
	struct stat st;
	int error;

	if ((pn = fb_node(req, ino)) == NULL)
		return;
	/* ctime follows every change by itself; killing set-id is ours. */
	error = p2k_setattr(fb->fb_pm, fb_cred(req, &fc), pn, fb_file(fi), attr,
	    fb_setattr_valid(to_set), &st);
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_attr(req, &st, fb->fb_opts->fo_attr_timeout);
}

static void
fb_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *pn;
	struct fb_cred fc;
	char buf[PATH_MAX + 1];
	size_t len = sizeof(buf) - 1;
	int error;

	if ((pn = fb_node(req, ino)) == NULL)
		return;
	error = p2k_readlink(fb->fb_pm, fb_cred(req, &fc), pn, buf, &len);
	if (error != 0) {
		fuse_reply_err(req, error);
		return;
	}
	buf[len] = '\0';
	fuse_reply_readlink(req, buf);
}

static void
fb_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    dev_t rdev)
{
	struct fb *fb = fb_of(req);
	struct fuse_entry_param e;
	struct p2k_node *dir, *pn = NULL;
	struct fb_cred fc;
	int error;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	error = p2k_mknod(
	    fb->fb_pm, fb_cred(req, &fc), dir, name, mode, rdev, &pn, &e.attr);
	fb_reply_entry(req, error, pn, &e);
}

static void
fb_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct fb *fb = fb_of(req);
	struct fuse_entry_param e;
	struct p2k_node *dir, *pn = NULL;
	struct fb_cred fc;
	int error;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	error = p2k_mkdir(
	    fb->fb_pm, fb_cred(req, &fc), dir, name, mode, &pn, &e.attr);
	fb_reply_entry(req, error, pn, &e);
}

static void
fb_symlink(
    fuse_req_t req, const char *target, fuse_ino_t parent, const char *name)
{
	struct fb *fb = fb_of(req);
	struct fuse_entry_param e;
	struct p2k_node *dir, *pn = NULL;
	struct fb_cred fc;
	int error;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	error = p2k_symlink(
	    fb->fb_pm, fb_cred(req, &fc), dir, name, target, &pn, &e.attr);
	fb_reply_entry(req, error, pn, &e);
}

static void
fb_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *dir;
	struct fb_cred fc;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	fuse_reply_err(
	    req, p2k_remove(fb->fb_pm, fb_cred(req, &fc), dir, name));
}

static void
fb_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *dir;
	struct fb_cred fc;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	fuse_reply_err(req, p2k_rmdir(fb->fb_pm, fb_cred(req, &fc), dir, name));
}

static void
fb_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *fdir, *tdir;
	struct fb_cred fc;

	if ((fdir = fb_node(req, parent)) == NULL ||
	    (tdir = fb_node(req, newparent)) == NULL)
		return;
	/* RENAME_NOREPLACE is 1; RENAME_EXCHANGE is not supported. */
	if (flags & ~1u) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	fuse_reply_err(req,
	    p2k_rename(fb->fb_pm, fb_cred(req, &fc), fdir, name, tdir, newname,
	        (flags & 1u) ? P2K_RENAME_NOREPLACE : 0));
}

static void
fb_link(
    fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct fb *fb = fb_of(req);
	struct fuse_entry_param e;
	struct p2k_node *pn, *dir;
	struct fb_cred fc;
	int error;

	if ((pn = fb_node(req, ino)) == NULL ||
	    (dir = fb_node(req, newparent)) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	error =
	    p2k_link(fb->fb_pm, fb_cred(req, &fc), pn, dir, newname, &e.attr);
	if (error == 0)
		p2k_node_ref(pn); /* the kernel counts a lookup */
	fb_reply_entry(req, error, pn, &e);
}

static void
fb_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *pn;
	struct p2k_file *pf;
	struct fb_cred fc;
	int error;

	if ((pn = fb_node(req, ino)) == NULL)
		return;
	error = p2k_open(fb->fb_pm, fb_cred(req, &fc), pn, fi->flags, &pf);
	if (error == 0)
		error = fb_file_fh(pf, fi);
	if (error != 0) {
		fuse_reply_err(req, error);
		return;
	}
	/* Every change comes through this mount: cached pages stay good. */
	fi->keep_cache = 1;
	if (fuse_reply_open(req, fi) != 0)
		fb_file_close(fb_ff(fi));
}

/* One buffer per worker thread for read replies. */
static pthread_key_t fb_bufkey;
static pthread_once_t fb_bufonce = PTHREAD_ONCE_INIT;

struct fb_buf {
	size_t len;
	char data[];
};

static void
fb_buf_init(void)
{
	pthread_key_create(&fb_bufkey, free);
}

static char *
fb_buf(size_t len)
{
	struct fb_buf *b;

	pthread_once(&fb_bufonce, fb_buf_init);
	b = pthread_getspecific(fb_bufkey);
	if (b == NULL || b->len < len) {
		free(b);
		b = malloc(sizeof(*b) + len);
		pthread_setspecific(fb_bufkey, b);
		if (b == NULL)
			return NULL;
		b->len = len;
	}
	return b->data;
}

static void
fb_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	char *buf = fb_buf(size);
	size_t done;
	int error;

	if (buf == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	error = p2k_read(fb_file(fi), buf, size, off, &done);
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_buf(req, buf, done);
}

static void
fb_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
    off_t off, struct fuse_file_info *fi)
{
	size_t done;
	int error;

	error = p2k_write(fb_file(fi), buf, size, off, &done);
	if (error != 0 && done == 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_write(req, done);
}

static void
fb_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, fb_file_close(fb_ff(fi)));
}

static void
fb_fsync(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	fuse_reply_err(req, p2k_fsync(fb_file(fi), datasync));
}

static void
fb_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *pn;
	struct p2k_file *pf;
	struct fb_cred fc;
	int error;

	if ((pn = fb_node(req, ino)) == NULL)
		return;
	error = p2k_open(
	    fb->fb_pm, fb_cred(req, &fc), pn, O_RDONLY | O_DIRECTORY, &pf);
	if (error == 0)
		error = fb_file_fh(pf, fi);
	if (error != 0) {
		fuse_reply_err(req, error);
		return;
	}
	if (fuse_reply_open(req, fi) != 0)
		fb_file_close(fb_ff(fi));
}

/* A reply buffer being filled with directory entries. */
struct fb_dirbuf {
	fuse_req_t req;
	struct fb *fb;
	const struct p2k_cred *cr;
	struct p2k_node *dir;
	char *buf;
	size_t size, used;
	int plus;
};

static int
fb_isdot(const char *name)
{
	return name[0] == '.' &&
	    (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* readdirplus: the entry with its node, or without (e->ino 0). */
static void
fb_dirent_node(
    struct fb_dirbuf *db, const char *name, struct fuse_entry_param *e)
{
	struct p2k_node *pn;
	struct stat st;

	/* The kernel takes no reference for "." and "..". */
	if (fb_isdot(name))
		return;
	if (p2k_lookup(db->fb->fb_pm, db->cr, db->dir, name, &pn, &st) != 0)
		return; /* gone meanwhile: a plain entry */
	e->attr = st;
	if (fb_entry(db->fb, pn, e) != 0)
		memset(e, 0, sizeof(*e));
}

static int
fb_dirent(void *arg, const char *name, uint64_t ino, unsigned type, off_t next)
{
	struct fb_dirbuf *db = arg;
	struct fuse_entry_param e;
	size_t left = db->size - db->used, need;
	char *p = db->buf + db->used;

	memset(&e, 0, sizeof(e));
	e.attr.st_ino = (ino_t)ino;
	e.attr.st_mode = (mode_t)type << 12; /* DTTOIF */
	if (!db->plus) {
		need = fuse_add_direntry(db->req, p, left, name, &e.attr, next);
	} else {
		/* Look the name up only if its entry fits. */
		need = fuse_add_direntry_plus(db->req, NULL, 0, name, &e, next);
		if (need <= left) {
			fb_dirent_node(db, name, &e);
			need = fuse_add_direntry_plus(
			    db->req, p, left, name, &e, next);
		}
	}
	if (need > left)
		return 1;
	db->used += need;
	return 0;
}

static void
fb_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi, int plus)
{
	struct fb *fb = fb_of(req);
	struct fb_dirbuf db;
	struct fb_cred fc;
	int error;

	memset(&db, 0, sizeof(db));
	db.req = req;
	db.fb = fb;
	db.plus = plus;
	db.size = size;
	db.buf = fb_buf(size);
	if (db.buf == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (plus) {
		if ((db.dir = fb_node(req, ino)) == NULL)
			return;
		db.cr = fb_cred(req, &fc);
	}
	/* FUSE's records are about the size of the kernel's, plus more. */
	error = p2k_readdir(
	    fb_file(fi), off, plus ? size / 4 : size, fb_dirent, &db);
	if (error != 0 && db.used == 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_buf(req, db.buf, db.used);
}

static void
fb_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	fb_readdir_common(req, ino, size, off, fi, 0);
}

static void
fb_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	fb_readdir_common(req, ino, size, off, fi, 1);
}

static void
fb_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, fb_file_close(fb_ff(fi)));
}

static void
fb_fsyncdir(
    fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	fuse_reply_err(req, p2k_fsync(fb_file(fi), datasync));
}

static void
fb_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;
	int error;

	error = p2k_statvfs(fb_of(req)->fb_pm, &sv);
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_statfs(req, &sv);
}

static void
fb_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct fb *fb = fb_of(req);
	struct p2k_node *pn;
	struct fb_cred fc;

	if ((pn = fb_node(req, ino)) == NULL)
		return;
	fuse_reply_err(req, p2k_access(fb->fb_pm, fb_cred(req, &fc), pn, mask));
}

static void
fb_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    struct fuse_file_info *fi)
{
	struct fb *fb = fb_of(req);
	struct fuse_entry_param e;
	struct p2k_node *dir, *pn;
	struct p2k_file *pf;
	struct fb_cred fc;
	int error;

	if ((dir = fb_node(req, parent)) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	error = p2k_create(fb->fb_pm, fb_cred(req, &fc), dir, name, mode,
	    fi->flags, &pn, &e.attr, &pf);
	if (error == 0 && (error = fb_file_fh(pf, fi)) != 0)
		p2k_node_release(pn);
	if (error == 0 && (error = fb_entry(fb, pn, &e)) != 0)
		fb_file_close(fb_ff(fi));
	if (error != 0) {
		fuse_reply_err(req, error);
		return;
	}
	fi->keep_cache = 1;
	if (fuse_reply_create(req, &e, fi) != 0) {
		fb_file_close(fb_ff(fi));
		fb_node_forget(&fb->fb_nodes, e.ino, 1);
	}
}

static void
fb_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
    off_t length, struct fuse_file_info *fi)
{
	/* Not done rather than done wrong; posix_fallocate() writes zeros. */
	fuse_reply_err(req, EOPNOTSUPP);
}

/*
 * No flush: data is in the kernel's buffer cache at write time already,
 * and without the operation the host kernel stops sending one per close.
 * No xattrs, locks or ioctls: ENOSYS once, then the host handles them.
 */
const struct fuse_lowlevel_ops fb_ops = {
    .init = fb_init,
    .lookup = fb_lookup,
    .forget = fb_forget,
    .forget_multi = fb_forget_multi,
    .getattr = fb_getattr,
    .setattr = fb_setattr,
    .readlink = fb_readlink,
    .mknod = fb_mknod,
    .mkdir = fb_mkdir,
    .symlink = fb_symlink,
    .unlink = fb_unlink,
    .rmdir = fb_rmdir,
    .rename = fb_rename,
    .link = fb_link,
    .open = fb_open,
    .read = fb_read,
    .write = fb_write,
    .release = fb_release,
    .fsync = fb_fsync,
    .opendir = fb_opendir,
    .readdir = fb_readdir,
    .readdirplus = fb_readdirplus,
    .releasedir = fb_releasedir,
    .fsyncdir = fb_fsyncdir,
    .statfs = fb_statfs,
    .access = fb_access,
    .create = fb_create,
    .fallocate = fb_fallocate,
};
