/*
 * Node operations: attributes, lookups and the operations that add or
 * remove names.  Each is one kernel entry (rump_pub_p2k_*), run with the
 * request's credentials.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "p2k_int.h"

/* The kernel's answer: the node and its attributes, or nothing. */
static int
p2k_node_out(int error, struct vnode *vp, const struct rump_stat *rs,
    struct p2k_node **pnp, struct stat *st)
{
	if (error != 0)
		return error;
	*pnp = (struct p2k_node *)(void *)vp;
	p2k_stat_out(rs, st);
	return 0;
}

int
p2k_lookup(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, struct p2k_node **pnp,
    struct stat *st)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	struct vnode *vp = NULL;
	int error;

	error = rump_pub_p2k_lookup(
	    p2k_kcred(pm, cr, &kc), P2K_VP(dir), name, &vp, &rs);
	return p2k_node_out(error, vp, &rs, pnp, st);
}

int
p2k_getattr(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, struct stat *st)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	int error;

	error = rump_pub_p2k_getattr(p2k_kcred(pm, cr, &kc), P2K_VP(pn), &rs);
	if (error == 0)
		p2k_stat_out(&rs, st);
	return error;
}

static void
p2k_time_in(struct rump_timespec *out, const struct timespec *in, bool now)
{
	out->tv_sec = now ? 0 : in->tv_sec;
	out->tv_nsec = now ? RUMP_UTIME_NOW : in->tv_nsec;
}

int
p2k_setattr(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, struct p2k_file *pf, const struct stat *attr,
    int valid, struct stat *out)
{
	struct rump_p2k_cred kc;
	struct rump_p2k_setattr sa;
	struct rump_stat rs;
	int error;

	memset(&sa, 0, sizeof(sa));
	if (valid & P2K_SET_MODE) {
		sa.sa_valid |= RUMP_P2K_SA_MODE;
		sa.sa_mode = attr->st_mode & 07777;
	}
	if (valid == (P2K_SET_MODE | P2K_SET_KILLPRIV))
		sa.sa_valid |= RUMP_P2K_SA_KILLPRIV;
	if (valid & P2K_SET_UID) {
		sa.sa_valid |= RUMP_P2K_SA_UID;
		sa.sa_uid = attr->st_uid;
	}
	if (valid & P2K_SET_GID) {
		sa.sa_valid |= RUMP_P2K_SA_GID;
		sa.sa_gid = attr->st_gid;
	}
	if (valid & P2K_SET_SIZE) {
		sa.sa_valid |= RUMP_P2K_SA_SIZE;
		sa.sa_size = attr->st_size;
	}
	if (valid & (P2K_SET_ATIME | P2K_SET_ATIME_NOW)) {
		sa.sa_valid |= RUMP_P2K_SA_ATIME;
		p2k_time_in(&sa.sa_atime, &attr->st_atim,
		    (valid & P2K_SET_ATIME_NOW) != 0);
	}
	if (valid & (P2K_SET_MTIME | P2K_SET_MTIME_NOW)) {
		sa.sa_valid |= RUMP_P2K_SA_MTIME;
		p2k_time_in(&sa.sa_mtime, &attr->st_mtim,
		    (valid & P2K_SET_MTIME_NOW) != 0);
	}
	error = rump_pub_p2k_setattr(
	    p2k_kcred(pm, cr, &kc), P2K_VP(pn), P2K_FP(pf), &sa, &rs);
	if (error == 0)
		p2k_stat_out(&rs, out);
	return error;
}

int
p2k_access(struct p2k_mount *pm, const struct p2k_cred *cr, struct p2k_node *pn,
    int mode)
{
	struct rump_p2k_cred kc;
	int rmode = 0;

	if (mode & R_OK)
		rmode |= RUMP_R_OK;
	if (mode & W_OK)
		rmode |= RUMP_W_OK;
	if (mode & X_OK)
		rmode |= RUMP_X_OK;
	if (mode & ~(R_OK | W_OK | X_OK))
		return EINVAL;
	return rump_pub_p2k_access(p2k_kcred(pm, cr, &kc), P2K_VP(pn), rmode);
}

int
p2k_readlink(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *pn, char *buf, size_t *len)
{
	struct rump_p2k_cred kc;

	return rump_pub_p2k_readlink(
	    p2k_kcred(pm, cr, &kc), P2K_VP(pn), buf, *len, len);
}

int
p2k_create(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, mode_t mode, int oflags,
    struct p2k_node **pnp, struct stat *st, struct p2k_file **pfp)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	struct vnode *vp = NULL;
	struct file *fp = NULL;
	int error;

	error = rump_pub_p2k_create(p2k_kcred(pm, cr, &kc), P2K_VP(dir), name,
	    mode & 07777, p2k_oflags(oflags), &vp, &rs,
	    pfp != NULL ? &fp : NULL);
	if (error == 0 && pfp != NULL)
		*pfp = (struct p2k_file *)(void *)fp;
	return p2k_node_out(error, vp, &rs, pnp, st);
}

int
p2k_mknod(struct p2k_mount *pm, const struct p2k_cred *cr, struct p2k_node *dir,
    const char *name, mode_t mode, dev_t rdev, struct p2k_node **pnp,
    struct stat *st)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	struct vnode *vp = NULL;
	int error;

	error = rump_pub_p2k_mknod(p2k_kcred(pm, cr, &kc), P2K_VP(dir), name,
	    mode, RUMP_MAKEDEV(major(rdev), minor(rdev)), &vp, &rs);
	return p2k_node_out(error, vp, &rs, pnp, st);
}

int
p2k_mkdir(struct p2k_mount *pm, const struct p2k_cred *cr, struct p2k_node *dir,
    const char *name, mode_t mode, struct p2k_node **pnp, struct stat *st)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	struct vnode *vp = NULL;
	int error;

	error = rump_pub_p2k_mkdir(
	    p2k_kcred(pm, cr, &kc), P2K_VP(dir), name, mode & 07777, &vp, &rs);
	return p2k_node_out(error, vp, &rs, pnp, st);
}

int
p2k_symlink(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name, const char *target,
    struct p2k_node **pnp, struct stat *st)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	struct vnode *vp = NULL;
	int error;

	error = rump_pub_p2k_symlink(
	    p2k_kcred(pm, cr, &kc), P2K_VP(dir), name, target, &vp, &rs);
	return p2k_node_out(error, vp, &rs, pnp, st);
}

int
p2k_remove(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *dir, const char *name)
{
	struct rump_p2k_cred kc;

	return rump_pub_p2k_remove(p2k_kcred(pm, cr, &kc), P2K_VP(dir), name);
}

int
p2k_rmdir(struct p2k_mount *pm, const struct p2k_cred *cr, struct p2k_node *dir,
    const char *name)
{
	struct rump_p2k_cred kc;

	return rump_pub_p2k_rmdir(p2k_kcred(pm, cr, &kc), P2K_VP(dir), name);
}

int
p2k_link(struct p2k_mount *pm, const struct p2k_cred *cr, struct p2k_node *pn,
    struct p2k_node *dir, const char *name, struct stat *st)
{
	struct rump_p2k_cred kc;
	struct rump_stat rs;
	int error;

	error = rump_pub_p2k_link(
	    p2k_kcred(pm, cr, &kc), P2K_VP(pn), P2K_VP(dir), name, &rs);
	if (error == 0)
		p2k_stat_out(&rs, st);
	return error;
}

int
p2k_rename(struct p2k_mount *pm, const struct p2k_cred *cr,
    struct p2k_node *fdir, const char *fname, struct p2k_node *tdir,
    const char *tname, int flags)
{
	struct rump_p2k_cred kc;

	if (flags & ~P2K_RENAME_NOREPLACE)
		return EINVAL;
	return rump_pub_p2k_rename(p2k_kcred(pm, cr, &kc), P2K_VP(fdir), fname,
	    P2K_VP(tdir), tname,
	    (flags & P2K_RENAME_NOREPLACE) ? RUMP_P2K_RENAME_NOREPLACE : 0);
}
