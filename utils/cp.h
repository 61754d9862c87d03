/* ukfs-cp's internals: the state of a copy and the walk over a tree. */
#ifndef _UKFS_UTILS_CP_H_
#define _UKFS_UTILS_CP_H_

#include <sys/stat.h>

#include "common.h"

/* A copied file with other links: later links to it become hard links. */
struct linkent {
	const struct ukfs *u;
	ino_t ino;
	char *rel; /* its copy, relative to topfd */
};

struct cp {
	struct common_opts co;
	int Rflag, pflag, vflag;
	int root; /* may chown and mknod */
	mode_t umask;
	int status; /* exit status so far */
	char *buf;  /* the data buffer, CPBUF bytes */

	struct ukfs *u; /* the operand's image */
	const char *image;
	int topfd;          /* the directory the top-level copies go into */
	struct pathbuf src; /* current source path in the image */
	struct pathbuf dst; /* current destination, as the user names it */
	struct pathbuf rel; /* current destination relative to topfd */

	struct linkent *links; /* open-addressed hash on (u, ino) */
	size_t nlinks, caplinks;
	ino_t *anc; /* inodes of the directories being copied */
	size_t nanc, capanc;
};

#define CPBUF (1024 * 1024)

int cp_init(struct cp *cp);
void cp_fini(struct cp *cp);

/*
 * Copy the object st describes (source sname relative to the image
 * directory handle sdirfd) to dname in the host directory ddirfd; dname
 * NULL: a directory whose contents go into ddirfd itself.  follow: open a
 * symlink's target (top-level operands without -R).  cp->src, cp->dst and
 * cp->rel name the object.
 */
void copy_entry(struct cp *cp, int sdirfd, const char *sname,
    const struct stat *st, int ddirfd, const char *dname, int follow);

/* cp_data.c: the contents of a regular file; holes stay holes. */
int copy_data(
    struct cp *cp, int sfd, int dfd, const struct stat *st, int *dsterr);

/* Messages naming the source or the destination. */
void cp_srcerr(struct cp *cp, int error);
void cp_dsterr(struct cp *cp, int error);

#endif /* _UKFS_UTILS_CP_H_ */
