/*
 * The copy engine of ukfs-cp and ukfs-makefs: copies a tree from one side
 * (host or image) to another with the semantics of cp -R.
 */
#ifndef _UKFS_UTILS_CP_H_
#define _UKFS_UTILS_CP_H_

#include <sys/stat.h>

#include "common.h"
#include "side.h"
#include "walk.h"

/* A copied file with other links: later links to it become hard links. */
struct linkent {
	const struct ukfs *u; /* the source side */
	dev_t dev;
	ino_t ino;
	char *rel; /* its copy, relative to topfd */
};

/* A destination directory being filled. */
struct cpframe {
	int fd;
	int created;
	size_t dstlen, rellen; /* to cut cp->dst and cp->rel back to */
};

struct cp {
	struct common_opts co;
	int Rflag, pflag, vflag;
	int owners;        /* set owners (-p as root; makefs) */
	int devices;       /* make device nodes (as root; makefs) */
	int quiet_nospace; /* ENOSPC: stop without a message (makefs) */
	int nospace;       /* a write ran out of space */
	mode_t umask;
	int status; /* exit status so far */
	char *buf;  /* the data buffer, CPBUF bytes */

	struct side src, dst;
	int topfd;           /* the directory top-level copies go into */
	const char *topname; /* the top object's name in it; NULL: merge */
	int follow;          /* open a top-level symlink's target */
	struct pathbuf dstp; /* current destination, as messages name it */
	struct pathbuf rel;  /* current destination relative to topfd */
	struct walk *walk;   /* the walk of the current operand */

	struct cpframe *frames; /* destination directories, by depth */
	size_t nframes, capframes;

	/* a host file not to copy: the destination image itself */
	dev_t skipdev;
	ino_t skipino;

	struct linkent *links; /* open-addressed hash on (u, dev, ino) */
	size_t nlinks, caplinks;

	struct cpasync *async; /* the writer thread (cp_async.c), or NULL */
	int noasync;           /* copy everything in place */
};

#define CPBUF (1024 * 1024)

int cp_init(struct cp *cp);
void cp_fini(struct cp *cp);

/*
 * Copy the object st describes (sname relative to the source directory
 * handle sdirfd, named spath in messages) to cp->topname in cp->topfd,
 * or into cp->topfd itself when cp->topname is NULL (a directory's
 * contents).  cp->dstp and cp->rel name the destination.
 */
void cp_copy(struct cp *cp, int sdirfd, const char *sname, const char *spath,
    const struct stat *st);

/* cp_data.c: the contents of a regular file; holes stay holes. */
int copy_data(
    struct cp *cp, int sfd, int dfd, const struct stat *st, int *dsterr);
/*
 * Write buf[0, n) at file offset off, skipping all-zero blocks; *end is
 * moved to the end of the last byte written.
 */
int write_sparse(const struct side *s, int dfd, const char *buf, size_t n,
    off_t off, off_t *end);

/*
 * cp_async.c: a second thread writes small regular files copied from an
 * image to the host.  cp_async_ok(): may st's file go that way (the walk
 * is at it now)?  cp_async_copy(): read it from sfd and queue it for
 * dname in ddirfd; 0 when queued, 1 when the caller must copy it in
 * place.  cp_async_dir(): after queued files, finish the directory fd
 * (its attributes when attrs, close it when doclose); 0 when queued, 1 when
 * the caller must do it (nothing queued).  cp_async_drain(): wait until
 * everything queued is written and its messages printed; before printing.
 * cp_async_sync(): the same if anything queued is in ddirfd; before
 * anything else is made there.  cp_async_stop(): drain, end the thread.
 */
struct cpasync;
int cp_async_ok(const struct cp *cp, const struct stat *st);
int cp_async_copy(struct cp *cp, int sfd, const struct stat *st, int ddirfd,
    const char *dname);
int cp_async_dir(
    struct cp *cp, int fd, const struct stat *st, int attrs, int doclose);
void cp_async_drain(struct cp *cp);
void cp_async_sync(struct cp *cp, int ddirfd);
void cp_async_stop(struct cp *cp);

/* Messages naming the source or the destination; set status 1. */
void cp_srcerr(struct cp *cp, int error);
void cp_dsterr(struct cp *cp, int error);

#endif /* _UKFS_UTILS_CP_H_ */
