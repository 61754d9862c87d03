/*
 * Entry points for the file-system tools that work on a device rather
 * than on a mounted file system: newfs and fsck.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/buf.h"
#include "sys/file.h"
#include "sys/uio.h"
#include "sys/fsck.h"
#include "rumpvfs_if_priv.h"

/* The device vnode at key, referenced and locked, opened with fmode. */
static int
dev_open(const char *key, int fmode, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, key);
	error = namei(&nd);
	if (error)
		return error;
	if (nd.ni_vp->v_type != VBLK) {
		vput(nd.ni_vp);
		return ENOTBLK;
	}
	if (nd.ni_vp->v_usecount > 1 && (fmode & FWRITE)) {
		vput(nd.ni_vp);
		return EBUSY; /* mounted */
	}
	error = VOP_OPEN(nd.ni_vp, fmode, FSCRED);
	if (error) {
		vput(nd.ni_vp);
		return error;
	}
	*vpp = nd.ni_vp;
	return 0;
}

static void
dev_close(struct vnode *vp, int fmode)
{
	VOP_FSYNC(vp, FSCRED, FSYNC_WAIT, 0, 0);
	vinvalbuf(vp, true);
	VOP_CLOSE(vp, fmode, FSCRED);
	vput(vp);
}

int
rump_vfs_newfs(const char *fstype, const char *key, const char *options)
{
	struct vfsops *vfs = vfs_getopsbyname(fstype);
	struct vnode *devvp;
	int error;

	if (vfs == NULL)
		return ENODEV;
	if (vfs->vfs_newfs == NULL)
		return EOPNOTSUPP;
	error = dev_open(key, FREAD | FWRITE, &devvp);
	if (error)
		return error;
	error = vfs->vfs_newfs(devvp, options);
	dev_close(devvp, FREAD | FWRITE);
	return error;
}

/* --- the report of a check --------------------------------------------- */

#define FSCK_MAXLINES 400 /* lines of a report; beyond, only counted */

void
fsck_report_init(struct fsck_report *fr, struct uio *uio, const char *options)
{
	memset(fr, 0, sizeof(*fr));
	fr->fr_uio = uio;
	fr->fr_repair = options != NULL && strstr(options, "repair") != NULL;
	fr->fr_maxlines = FSCK_MAXLINES;
}

static void
fsck_vline(struct fsck_report *fr, const char *fmt, va_list ap)
{
	char line[1280]; /* msdosfs paths run to 1024 bytes */
	int n;

	if (fr->fr_lines > fr->fr_maxlines)
		return;
	if (fr->fr_lines++ == fr->fr_maxlines)
		n = ksnprintf(line, sizeof(line), "(more not listed)");
	else
		n = kvsnprintf(line, sizeof(line) - 1, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (fr->fr_uio != NULL && (size_t)n <= fr->fr_uio->uio_resid)
		(void)uiomove(line, (size_t)n, fr->fr_uio);
}

void
fsck_say(struct fsck_report *fr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fsck_vline(fr, fmt, ap);
	va_end(ap);
}

void
fsck_problem(struct fsck_report *fr, const char *fmt, ...)
{
	va_list ap;

	fr->fr_found++;
	va_start(ap, fmt);
	fsck_vline(fr, fmt, ap);
	va_end(ap);
}

void
fsck_fixed(struct fsck_report *fr)
{
	if (fr->fr_fixed < fr->fr_found)
		fr->fr_fixed++;
}

void
fsck_problem_fixed(struct fsck_report *fr, const char *fmt, ...)
{
	va_list ap;

	fr->fr_found++;
	fr->fr_fixed++;
	va_start(ap, fmt);
	fsck_vline(fr, fmt, ap);
	va_end(ap);
}

int
fsck_rounds(struct vnode *devvp, const char *options, struct fsck_report *fr,
    fsck_round_fn *round, int maxrounds)
{
	struct fsck_report q;
	int error, i, left;

	error = round(devvp, options, fr);
	if (error != 0 || !fr->fr_repair || fr->fr_found == 0)
		return error;
	/* each round starts from what is on the device */
	(void)vinvalbuf(devvp, true);
	for (i = 0; i < maxrounds; i++) {
		fsck_report_init(&q, NULL, "repair");
		error = round(devvp, options, &q);
		(void)vinvalbuf(devvp, true);
		if (error != 0)
			return error;
		if (q.fr_found == 0)
			break;
	}
	fsck_report_init(&q, NULL, NULL);
	if ((error = round(devvp, options, &q)) != 0)
		return error;
	left = q.fr_found;
	if (left > 0) {
		fsck_say(fr, "left after the repair:");
		fsck_report_init(&q, fr->fr_uio, NULL);
		q.fr_maxlines = 50;
		(void)round(devvp, options, &q);
	}
	fr->fr_fixed = fr->fr_found > left ? fr->fr_found - left : 0;
	return 0;
}

int
rump_vfs_fsckr(const char *fstype, const char *key, const char *options,
    char *buf, size_t buflen, int *nfound, int *nleft)
{
	struct vfsops *vfs = vfs_getopsbyname(fstype);
	struct fsck_report fr;
	struct vnode *devvp;
	struct kiovec iov;
	struct uio uio;
	int error, fmode, n = 0;

	if (vfs == NULL)
		return ENODEV;
	if (vfs->vfs_fsckr == NULL && vfs->vfs_fsck == NULL)
		return EOPNOTSUPP;
	if (buflen == 0)
		return EINVAL;
	*nfound = *nleft = 0;
	uio_setup1(&uio, &iov, buf, buflen - 1, 0, UIO_READ);
	fsck_report_init(&fr, &uio, options);
	fmode = FREAD | (fr.fr_repair ? FWRITE : 0);
	error = dev_open(key, fmode, &devvp);
	if (error)
		return error;
	if (vfs->vfs_fsckr != NULL) {
		error = vfs->vfs_fsckr(devvp, options, &fr);
		n = fr.fr_found;
		*nleft = fr.fr_found - fr.fr_fixed;
	} else {
		/* the old hook: what it found is left unless it repaired */
		error = vfs->vfs_fsck(devvp, options, &uio, &n);
		*nleft = fr.fr_repair && error == 0 ? 0 : n;
	}
	*nfound = n;
	buf[buflen - 1 - uio.uio_resid] = '\0';
	dev_close(devvp, fmode);
	return error;
}

int
rump_vfs_fsck(const char *fstype, const char *key, const char *options,
    char *buf, size_t buflen, int *nproblems)
{
	int nleft;

	return rump_vfs_fsckr(
	    fstype, key, options, buf, buflen, nproblems, &nleft);
}
