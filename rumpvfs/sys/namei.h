/* Path-name lookup. */
#ifndef _SYS_NAMEI_H_
#define _SYS_NAMEI_H_

#include "sys/param.h"
#include "sys/kauth.h"

struct vnode;

struct componentname {
	uint32_t cn_nameiop; /* what the lookup is for */
#define LOOKUP 0
#define CREATE 1
#define DELETE 2
#define RENAME 3
	uint32_t cn_flags;
	kauth_cred_t cn_cred;
	const char *cn_nameptr; /* this component; not NUL-terminated */
	size_t cn_namelen;
};

/* cn_flags: what the caller wants */
#define LOCKLEAF    0x0004 /* lock the result */
#define LOCKPARENT  0x0008 /* return the parent locked exclusive */
#define WANTPARENT  0x0010 /* return the parent referenced, unlocked */
#define NOCACHE	    0x0020 /* do not enter the name cache */
#define FOLLOW	    0x0040 /* follow a symlink at the end */
#define NOFOLLOW    0x0000
#define LOCKSHARED  0x0100 /* with LOCKLEAF: shared lock */
#define NOCROSSMOUNT 0x0200
/* cn_flags: set by namei for the file system */
#define ISDOTDOT    0x2000
#define MAKEENTRY   0x4000
#define ISLASTCN    0x8000
#define REQUIREDIR  0x10000 /* trailing slash: must be a directory */

struct nameidata {
	const char *ni_dirp;	 /* path to look up */
	struct vnode *ni_atdir;	 /* start for relative paths (NULL: cwd) */
	struct vnode *ni_vp;	 /* out: the vnode found, or NULL */
	struct vnode *ni_dvp;	 /* out: its parent, with LOCKPARENT/WANTPARENT */
	struct componentname ni_cnd;
	int ni_loopcnt;
	char ni_pnbuf[MAXPATHLEN];  /* the path being walked */
	char ni_linkbuf[MAXPATHLEN];
	/* out: the directory of the last name's lookup for a change, and
	 * its v_xlockgen then (it was unlocked before namei returned) */
	struct vnode *ni_gendvp;
	unsigned long ni_dvpgen;
};

void NDINIT(struct nameidata *, uint32_t op, uint32_t flags,
    const char *path);
int namei(struct nameidata *);
/* After namei of a new name: made by another since?  (vfs_vnops.c) */
int create_recheck(struct nameidata *, struct vnode *dvp,
    struct componentname *, bool *exists);

/* Name cache (vfs_cache.c). */
struct namecache;
int cache_lookup(struct vnode *dvp, const char *name, size_t namelen,
    struct vnode **vpp);
void cache_enter(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t namelen);
void cache_purge(struct vnode *vp);   /* entries naming vp or inside it */
void cache_purge_name(struct vnode *dvp, const char *name, size_t namelen);
void nchinit(void);

#endif /* _SYS_NAMEI_H_ */
