/*
 * realpath inside an image.  The kernel has no getcwd, so the walk is done
 * here: one lstat per component, symlinks spliced into the rest of the
 * path, ".." taken lexically on the already resolved (symlink-free) part.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ukfs_int.h"

#define MAXSYMLINKS 40

struct walk {
	char res[PATH_MAX]; /* resolved so far: "" is the root */
	size_t reslen;
	char todo[PATH_MAX]; /* what is left, from todo + tpos */
	size_t tpos;
};

/* Replace the unwalked part with target + "/" + rest. */
static int
splice_link(struct walk *w, const char *target, size_t tlen)
{
	const char *rest = w->todo + w->tpos;
	size_t rlen = strlen(rest);
	char tmp[PATH_MAX];

	if (tlen + 1 + rlen + 1 > sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, target, tlen);
	tmp[tlen] = '/';
	memcpy(tmp + tlen + 1, rest, rlen + 1);
	memcpy(w->todo, tmp, tlen + 1 + rlen + 1);
	w->tpos = 0;
	if (target[0] == '/')
		w->reslen = 0;
	w->res[w->reslen] = '\0';
	return 0;
}

/* Walk one component; 0 to go on, -1 on error. */
static int
step(struct ukfs *u, struct walk *w, const char *name, size_t nlen, int *nlinks)
{
	char target[PATH_MAX];
	struct stat st;
	size_t save = w->reslen;
	ssize_t tlen;

	if (nlen == 0 || (nlen == 1 && name[0] == '.'))
		return 0;
	if (nlen == 2 && name[0] == '.' && name[1] == '.') {
		while (w->reslen > 0 && w->res[w->reslen - 1] != '/')
			w->reslen--;
		if (w->reslen > 0)
			w->reslen--;
		w->res[w->reslen] = '\0';
		return 0;
	}
	if (w->reslen + 1 + nlen + 1 > sizeof(w->res)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	w->res[w->reslen++] = '/';
	memcpy(w->res + w->reslen, name, nlen);
	w->reslen += nlen;
	w->res[w->reslen] = '\0';
	if (ukfs_lstat(u, w->res, &st) == -1)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		if (++*nlinks > MAXSYMLINKS) {
			errno = ELOOP;
			return -1;
		}
		tlen = ukfs_readlink(u, w->res, target, sizeof(target));
		if (tlen == -1)
			return -1;
		if (tlen == 0 || (size_t)tlen >= sizeof(target)) {
			errno = tlen == 0 ? ENOENT : ENAMETOOLONG;
			return -1;
		}
		w->reslen = save;
		w->res[w->reslen] = '\0';
		return splice_link(w, target, (size_t)tlen);
	}
	if (!S_ISDIR(st.st_mode) && w->todo[w->tpos] != '\0') {
		/* only empty or "." components may follow a non-directory */
		const char *p = w->todo + w->tpos;

		for (; *p != '\0'; p++)
			if (*p != '/') {
				errno = ENOTDIR;
				return -1;
			}
	}
	return 0;
}

char *
ukfs_realpath(struct ukfs *u, const char *path, char *buf, size_t len)
{
	struct walk *w;
	int nlinks = 0;
	char *out = NULL;

	if (ukfs_check(u, path) == -1 || ukfs_check(u, buf) == -1)
		return NULL;
	if (path[0] == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (strlen(path) >= sizeof(w->todo)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	w = malloc(sizeof(*w));
	if (w == NULL)
		return NULL;
	strcpy(w->todo, path);
	w->tpos = 0;
	w->reslen = 0;
	w->res[0] = '\0';
	while (w->todo[w->tpos] != '\0') {
		const char *name = w->todo + w->tpos;
		size_t nlen = strcspn(name, "/");

		w->tpos += nlen;
		if (w->todo[w->tpos] == '/')
			w->tpos++;
		/* step() may rewrite todo; name stays valid until then */
		if (step(u, w, name, nlen, &nlinks) == -1)
			goto done;
	}
	if (w->reslen == 0)
		strcpy(w->res, "/");
	if (strlen(w->res) >= len) {
		errno = ERANGE;
		goto done;
	}
	strcpy(buf, w->res);
	out = buf;
done:
	free(w);
	return out;
}
