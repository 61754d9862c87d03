/*
 * A cache of gzip seek indexes, so that each program (and the second
 * opener in one program) need not decode a whole image again.  It lives
 * under $XDG_CACHE_HOME/ukfs (else ~/.cache/ukfs), never beside the
 * image; a file's entry is named after its device, inode, size and
 * modification time, which the entry repeats inside.  UKFS_GZ_CACHE=0
 * turns it off.  Entries are written to a temporary name and renamed.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpuser_cimg.h"
#include "rumpuser_gz.h"

#define MAGIC   "UKFSGZ01"
#define MAX_PTS (1u << 24)

struct head {
	char magic[8];
	uint64_t dev, ino, size, mtime, mtime_ns, total, npts;
};

struct rec {
	uint64_t out, in;
	int32_t bits;
	uint8_t prev, haswin, pad[2];
};

/* The entry's path for the file at fd, and its identity; -1: no cache. */
static int
entry(int fd, char *path, size_t len, struct head *h)
{
	const char *env = getenv("UKFS_GZ_CACHE"), *xdg, *home;
	struct stat st;
	char dir[4096];

	if (env != NULL && strcmp(env, "0") == 0)
		return -1;
	if (fstat(fd, &st) == -1)
		return -1;
	xdg = getenv("XDG_CACHE_HOME");
	home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/')
		snprintf(dir, sizeof(dir), "%s/ukfs", xdg);
	else if (home != NULL && home[0] == '/')
		snprintf(dir, sizeof(dir), "%s/.cache/ukfs", home);
	else
		return -1;
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, MAGIC, 8);
	h->dev = (uint64_t)st.st_dev;
	h->ino = (uint64_t)st.st_ino;
	h->size = (uint64_t)st.st_size;
	h->mtime = (uint64_t)st.st_mtim.tv_sec;
	h->mtime_ns = (uint64_t)st.st_mtim.tv_nsec;
	if ((size_t)snprintf(path, len, "%s/gz-%llx-%llx-%llx-%llx.%llx.idx",
	        dir, (unsigned long long)h->dev, (unsigned long long)h->ino,
	        (unsigned long long)h->size, (unsigned long long)h->mtime,
	        (unsigned long long)h->mtime_ns) >= len)
		return -1;
	return 0;
}

static int
rd(int fd, void *buf, size_t len)
{
	size_t done;

	return rumpuser_cimg_rd(fd, buf, len, (uint64_t)lseek(fd, 0, SEEK_CUR),
	           &done) == 0 &&
	        done == len && lseek(fd, (off_t)len, SEEK_CUR) != -1
	    ? 0
	    : -1;
}

int
rumpuser_gzcache_load(
    int fd, uint64_t *total, struct gz_point **pts, size_t *npts)
{
	struct head want, h;
	struct gz_point *p = NULL;
	struct rec r;
	char path[4200];
	uint64_t i = 0, last = 0;
	int cfd;

	if (entry(fd, path, sizeof(path), &want) == -1)
		return -1;
	cfd = open(path, O_RDONLY | O_CLOEXEC);
	if (cfd == -1)
		return -1;
	if (rd(cfd, &h, sizeof(h)) == -1 ||
	    memcmp(&h, &want, offsetof(struct head, total)) != 0 ||
	    h.npts == 0 || h.npts > MAX_PTS ||
	    (p = calloc((size_t)h.npts, sizeof(*p))) == NULL)
		goto bad;
	for (i = 0; i < h.npts; i++) {
		if (rd(cfd, &r, sizeof(r)) == -1 || r.out < last ||
		    r.out > h.total || r.in > h.size || r.bits < 0 ||
		    r.bits > 7 || r.haswin > 1)
			goto bad;
		p[i].out = last = r.out;
		p[i].in = r.in;
		p[i].bits = r.bits;
		p[i].prev = r.prev;
		if (r.haswin &&
		    ((p[i].window = malloc(GZ_WIN)) == NULL ||
		        rd(cfd, p[i].window, GZ_WIN) == -1))
			goto bad;
	}
	close(cfd);
	*total = h.total;
	*pts = p;
	*npts = (size_t)h.npts;
	return 0;
bad:
	/* calloc'ed: the windows not reached are NULL */
	for (i = 0; p != NULL && i < h.npts; i++)
		free(p[i].window);
	free(p);
	close(cfd);
	return -1;
}

void
rumpuser_gzcache_save(
    int fd, uint64_t total, const struct gz_point *pts, size_t npts)
{
	struct head h;
	struct rec r;
	char path[4200], tmp[4300], *slash;
	size_t i;
	int cfd, ok = 1;

	if (entry(fd, path, sizeof(path), &h) == -1)
		return;
	h.total = total;
	h.npts = npts;
	/* make the directory (and ~/.cache) as needed, private */
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir(path, 0700) == -1 && errno == ENOENT) {
		char *up = strrchr(path, '/');

		*up = '\0';
		mkdir(path, 0700);
		*up = '/';
		mkdir(path, 0700);
	}
	*slash = '/';
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	cfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (cfd == -1)
		return;
	ok = write(cfd, &h, sizeof(h)) == (ssize_t)sizeof(h);
	for (i = 0; ok && i < npts; i++) {
		memset(&r, 0, sizeof(r));
		r.out = pts[i].out;
		r.in = pts[i].in;
		r.bits = pts[i].bits;
		r.prev = pts[i].prev;
		r.haswin = pts[i].window != NULL;
		ok = write(cfd, &r, sizeof(r)) == (ssize_t)sizeof(r) &&
		    (!r.haswin ||
		        write(cfd, pts[i].window, GZ_WIN) == (ssize_t)GZ_WIN);
	}
	if (close(cfd) == -1)
		ok = 0;
	if (!ok || rename(tmp, path) == -1)
		unlink(tmp);
}
