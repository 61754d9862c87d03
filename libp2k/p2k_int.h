/*
 * libp2k internals: the mount object and the translation of credentials
 * and flags.  Host <-> kernel attribute conversion is libukfs's
 * (ukfs_conv.c, linked in), so there is one of it.
 */
#ifndef _P2K_INT_H_
#define _P2K_INT_H_

#include <rump/rump.h>

#include "p2k.h"
#include "ukfs_int.h"

struct p2k_mount {
	struct ukfs *pm_ukfs;
	struct vnode *pm_root;
	int pm_flags; /* P2K_* of the mount */
};

/* Nodes and files are the kernel's objects, opaque out here. */
#define P2K_VP(pn) ((struct vnode *)(void *)(pn))
#define P2K_FP(pf) ((struct file *)(void *)(pf))

/* The kernel's form of cr (NULL for NULL), filled into *kc. */
const struct rump_p2k_cred *p2k_kcred(const struct p2k_mount *pm,
    const struct p2k_cred *cr, struct rump_p2k_cred *kc);
/* Host open(2) flags -> RUMP_O_*; flags without meaning here are dropped. */
int p2k_oflags(int hostflags);
/* Kernel attributes -> host ones; st may be NULL. */
void p2k_stat_out(const struct rump_stat *rs, struct stat *st);

#endif /* _P2K_INT_H_ */
