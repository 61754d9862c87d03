/*
 * Mounting an image for a file server: libukfs mounts it (type detection,
 * the image lock, explanations), libp2k holds its root vnode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2k_int.h"

/* Failures of our own; libukfs explains its own. */
static _Thread_local char p2k_msg[512];

const struct rump_p2k_cred *
p2k_kcred(const struct p2k_mount *pm, const struct p2k_cred *cr,
    struct rump_p2k_cred *kc)
{
	int i, n;

	if (cr == NULL)
		return NULL;
	kc->pc_uid = cr->uid;
	kc->pc_gid = cr->gid;
	kc->pc_flags =
	    (pm->pm_flags & P2K_SYSVGROUPS) ? RUMP_P2K_SYSVGROUPS : 0;
	n = cr->groups == NULL || cr->ngroups < 0 ? 0 : cr->ngroups;
	if (n > RUMP_P2K_NGROUPS)
		n = RUMP_P2K_NGROUPS;
	for (i = 0; i < n; i++)
		kc->pc_groups[i] = cr->groups[i];
	kc->pc_ngroups = (uint32_t)n;
	return kc;
}

int
p2k_oflags(int hostflags)
{
	static const struct {
		int host, rump;
	} map[] = {
	    {O_NONBLOCK, RUMP_O_NONBLOCK},
	    {O_APPEND, RUMP_O_APPEND},
	    {O_DSYNC, RUMP_O_DSYNC},
	    {O_TRUNC, RUMP_O_TRUNC},
	    {O_EXCL, RUMP_O_EXCL},
	    {O_DIRECTORY, RUMP_O_DIRECTORY},
	};
	int rf;
	size_t i;

	switch (hostflags & O_ACCMODE) {
	case O_WRONLY:
		rf = RUMP_O_WRONLY;
		break;
	case O_RDWR:
		rf = RUMP_O_RDWR;
		break;
	default:
		rf = RUMP_O_RDONLY;
		break;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (hostflags & map[i].host)
			rf |= map[i].rump;
	/* O_SYNC includes O_DSYNC's bit on Linux */
	if ((hostflags & O_SYNC) == O_SYNC)
		rf |= RUMP_O_SYNC;
	return rf;
}

void
p2k_stat_out(const struct rump_stat *rs, struct stat *st)
{
	if (st != NULL)
		ukfs_conv_stat(rs, st);
}

struct p2k_mount *
p2k_mount(const char *fstype, const char *image, uint64_t offset, uint64_t size,
    int flags, const char *options, int *errorp)
{
	struct p2k_mount *pm;
	struct rump_stat rs;
	int error, uflags;

	p2k_msg[0] = '\0';
	pm = calloc(1, sizeof(*pm));
	if (pm == NULL) {
		error = ENOMEM;
		snprintf(
		    p2k_msg, sizeof(p2k_msg), "%s: %s", image, strerror(error));
		goto fail;
	}
	pm->pm_flags = flags;
	uflags = (flags & P2K_RDWR) ? UKFS_RDWR : UKFS_RDONLY;
	if (flags & P2K_FORCE)
		uflags |= UKFS_FORCE;
	pm->pm_ukfs =
	    ukfs_mount(fstype, image, offset, size, uflags, options, &error);
	if (pm->pm_ukfs == NULL)
		goto fail;
	error =
	    rump_pub_p2k_root(ukfs_mountpoint(pm->pm_ukfs), &pm->pm_root, &rs);
	if (error != 0) {
		ukfs_release(pm->pm_ukfs, UKFS_FORCE);
		snprintf(p2k_msg, sizeof(p2k_msg),
		    "%s: cannot find the root: %s", image, strerror(error));
		goto fail;
	}
	return pm;

fail:
	free(pm);
	if (errorp != NULL)
		*errorp = error;
	errno = error;
	return NULL;
}

struct p2k_mount *
p2k_mount_memfs(int flags, int *errorp)
{
	struct p2k_mount *pm;
	struct rump_stat rs;
	int error;

	p2k_msg[0] = '\0';
	pm = calloc(1, sizeof(*pm));
	if (pm == NULL)
		error = ENOMEM;
	else if ((error = ukfs_init() == -1 ? errno : 0) == 0)
		error = rump_pub_p2k_root("/", &pm->pm_root, &rs);
	if (error != 0) {
		snprintf(p2k_msg, sizeof(p2k_msg),
		    "cannot serve the in-memory file system: %s",
		    strerror(error));
		free(pm);
		if (errorp != NULL)
			*errorp = error;
		errno = error;
		return NULL;
	}
	pm->pm_flags = (flags & ~P2K_RDONLY) | P2K_RDWR;
	return pm;
}

const char *
p2k_errmsg(void)
{
	return p2k_msg[0] != '\0' ? p2k_msg : ukfs_errmsg();
}

int
p2k_unmount(struct p2k_mount *pm, int flags)
{
	int error = 0;

	p2k_msg[0] = '\0';
	if (pm == NULL)
		return EINVAL;
	rump_pub_p2k_vrele(pm->pm_root);
	if (pm->pm_ukfs != NULL &&
	    ukfs_release(pm->pm_ukfs, (flags & P2K_FORCE) ? UKFS_FORCE : 0) ==
	        -1)
		error = errno;
	free(pm);
	return error;
}

struct p2k_node *
p2k_root(struct p2k_mount *pm)
{
	return (struct p2k_node *)(void *)pm->pm_root;
}

int
p2k_rdonly(const struct p2k_mount *pm)
{
	return !(pm->pm_flags & P2K_RDWR);
}

const char *
p2k_fstype(const struct p2k_mount *pm)
{
	return pm->pm_ukfs != NULL ? ukfs_fstype(pm->pm_ukfs) : "rumpfs";
}

int
p2k_sync(struct p2k_mount *pm)
{
	return rump_pub_p2k_sync(pm->pm_root, RUMP_MNT_WAIT);
}

int
p2k_statvfs(struct p2k_mount *pm, struct statvfs *sv)
{
	struct rump_statvfs rs;
	int error;

	error = rump_pub_p2k_statvfs(pm->pm_root, &rs);
	if (error == 0)
		ukfs_conv_statvfs(&rs, sv);
	return error;
}

void
p2k_node_ref(struct p2k_node *pn)
{
	rump_pub_p2k_vref(P2K_VP(pn));
}

void
p2k_node_release(struct p2k_node *pn)
{
	if (pn != NULL)
		rump_pub_p2k_vrele(P2K_VP(pn));
}
