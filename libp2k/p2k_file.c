/*
 * Open files: a kernel file object per open, holding the node and the
 * opener's credentials; reads, writes and directory listings go through
 * it as read(2), write(2) and getdents(2) would.
 */
#include <errno.h>
#include <stdalign.h>

#include "p2k_int.h"

/* Directory records fetched per kernel entry. */
#define P2K_DIRBUF 8192

int
p2k_open(struct p2k_mount *pm, const struct p2k_cred *cr, struct p2k_node *pn,
    int oflags, struct p2k_file **pfp)
{
	struct rump_p2k_cred kc;
	struct file *fp = NULL;
	int error;

	error = rump_pub_p2k_open(
	    p2k_kcred(pm, cr, &kc), P2K_VP(pn), p2k_oflags(oflags), &fp);
	if (error == 0)
		*pfp = (struct p2k_file *)(void *)fp;
	return error;
}

int
p2k_close(struct p2k_file *pf)
{
	if (pf == NULL)
		return EBADF;
	return rump_pub_p2k_close(P2K_FP(pf));
}

int
p2k_read(struct p2k_file *pf, void *buf, size_t len, off_t off, size_t *done)
{
	return rump_pub_p2k_read(P2K_FP(pf), buf, len, off, done);
}

int
p2k_write(
    struct p2k_file *pf, const void *buf, size_t len, off_t off, size_t *done)
{
	return rump_pub_p2k_write(P2K_FP(pf), buf, len, off, done);
}

int
p2k_fsync(struct p2k_file *pf, int datasync)
{
	return rump_pub_p2k_fsync(P2K_FP(pf), datasync);
}

/* Hand the records in buf[0..len) to fn; 1 when fn wants no more. */
static int
p2k_dirents(
    const char *buf, size_t len, p2k_dirent_fn *fn, void *arg, int *stop)
{
	const struct rump_dirent *d;
	size_t pos;

	*stop = 0;
	for (pos = 0; pos < len; pos += d->d_reclen) {
		d = (const struct rump_dirent *)(const void *)(buf + pos);
		if (len - pos < RUMP_DIRENT_HDRSIZE ||
		    d->d_reclen < RUMP_DIRENT_SIZE(0) ||
		    d->d_reclen > len - pos ||
		    RUMP_DIRENT_SIZE(d->d_namlen) > d->d_reclen)
			return EIO; /* the kernel broke its own format */
		if (fn(arg, d->d_name, d->d_fileno, d->d_type, d->d_off)) {
			*stop = 1;
			return 0;
		}
	}
	return 0;
}

int
p2k_readdir(struct p2k_file *dir, off_t cookie, size_t hint, p2k_dirent_fn *fn,
    void *arg)
{
	alignas(8) char buf[P2K_DIRBUF];
	int64_t c = cookie;
	size_t done, len;
	int error, eof, stop;

	/* At least one record of the longest name fits. */
	len = hint == 0 || hint > sizeof(buf) ? sizeof(buf) : hint;
	if (len < RUMP_DIRENT_SIZE(RUMP_MAXNAMLEN))
		len = RUMP_DIRENT_SIZE(RUMP_MAXNAMLEN);
	for (;;) {
		eof = 0;
		error = rump_pub_p2k_readdir(
		    P2K_FP(dir), &c, buf, len, &done, &eof);
		if (error != 0 || done == 0)
			return error;
		error = p2k_dirents(buf, done, fn, arg, &stop);
		if (error != 0 || stop || eof)
			return error;
	}
}
