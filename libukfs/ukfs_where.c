/*
 * Image names with a partition suffix: "IMAGE@N", "IMAGE%DISKLABEL:x%",
 * "IMAGE%OFFSET:START,END%" (NetBSD ukfs's syntax plus "@N").  A host
 * file with the full name always wins, so odd file names keep working.
 */
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

enum suffix { SUF_NONE, SUF_NUMBER, SUF_LABEL, SUF_OFFSET };

struct parsed {
	enum suffix kind;
	size_t baselen;
	unsigned number;
	char letter;
	uint64_t start, end;
};

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 &&
	    (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
}

/* A decimal or 0x number filling [p, end); 0 or -1. */
static int
number(const char *p, const char *end, uint64_t *v)
{
	char buf[32], *e;
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= sizeof(buf) || *p == '-' || *p == '+')
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoull(buf, &e, 0);
	return *e != '\0' || errno != 0 ? -1 : 0;
}

/* The suffix of name, if it has one that parses. */
static int
parse(const char *name, struct parsed *ps)
{
	size_t len = strlen(name);
	const char *p, *comma;
	uint64_t n;

	memset(ps, 0, sizeof(*ps));
	ps->baselen = len;
	if (len > 2 && name[len - 1] == '%') {
		for (p = name + len - 2; p > name && *p != '%'; p--)
			;
		if (p == name)
			return 0;
		ps->baselen = (size_t)(p - name);
		if (strncmp(p, "%DISKLABEL:", 11) == 0 &&
		    p + 12 == name + len - 1 && p[11] >= 'a' && p[11] <= 'p') {
			ps->kind = SUF_LABEL;
			ps->letter = p[11];
			return 1;
		}
		if (strncmp(p, "%OFFSET:", 8) == 0) {
			comma = strchr(p + 8, ',');
			if (comma == NULL ||
			    number(p + 8, comma, &ps->start) == -1 ||
			    number(comma + 1, name + len - 1, &ps->end) == -1)
				return -1;
			ps->kind = SUF_OFFSET;
			return 1;
		}
		return -1;
	}
	p = strrchr(name, '@');
	if (p != NULL && p > name && p[1] != '\0' &&
	    strspn(p + 1, "0123456789") == strlen(p + 1)) {
		if (number(p + 1, name + len, &n) == -1 || n == 0 || n > 100000)
			return -1;
		ps->kind = SUF_NUMBER;
		ps->number = (unsigned)n;
		ps->baselen = (size_t)(p - name);
		return 1;
	}
	return 0;
}

int
ukfs_name_exists(const char *name)
{
	struct parsed ps;
	char *base;
	int ok;

	if (exists(name))
		return 1;
	if (parse(name, &ps) != 1)
		return 0;
	base = strndup(name, ps.baselen);
	ok = base != NULL && exists(base);
	free(base);
	return ok;
}

/* The partition the suffix names, from the image's tables. */
static int
find_part(const char *name, struct ukfs_himg *h, const struct parsed *ps,
    uint64_t *off, uint64_t *size)
{
	struct ukfs_partlist pl;
	char have[160];
	size_t i, hl = 0;
	int rv = -1;

	memset(&pl, 0, sizeof(pl));
	if (ukfs_part_read(h, &pl) == -1)
		return -1;
	have[0] = '\0';
	for (i = 0; i < pl.n; i++) {
		const struct ukfs_part *p = &pl.v[i];
		int match = ps->kind == SUF_LABEL
		    ? p->letter == ps->letter
		    : p->letter == '\0' && p->number == ps->number;

		if (hl + 8 < sizeof(have) &&
		    (ps->kind == SUF_LABEL) == (p->letter != '\0')) {
			if (p->letter)
				hl += (size_t)snprintf(have + hl,
				    sizeof(have) - hl, "%s%c", hl ? ", " : "",
				    p->letter);
			else
				hl += (size_t)snprintf(have + hl,
				    sizeof(have) - hl, "%s%u", hl ? ", " : "",
				    p->number);
		}
		if (!match || rv == 0)
			continue;
		if (p->container) {
			ukfs_seterr(EINVAL,
			    "%s: partition %u is an extended partition "
			    "(it holds the logical ones, 5 and up)",
			    name, p->number);
			goto out;
		}
		if (p->offset + p->size > pl.disksize ||
		    p->offset + p->size < p->offset) {
			ukfs_seterr(EUCLEAN,
			    "%s: the partition (bytes %" PRIu64 "-%" PRIu64
			    ") reaches past the end of the image (%" PRIu64
			    " bytes)",
			    name, p->offset, p->offset + p->size, pl.disksize);
			goto out;
		}
		*off = p->offset;
		*size = p->size;
		rv = 0;
	}
	if (rv == -1) {
		if (ps->kind == SUF_LABEL)
			ukfs_seterr(ENOENT,
			    "%s: no disklabel partition %c "
			    "(%s%s)",
			    name, ps->letter,
			    have[0] ? "have: " : "no disklabel found", have);
		else
			ukfs_seterr(ENOENT, "%s: no partition %u (%s%s)", name,
			    ps->number,
			    have[0] ? "have: " : "no MBR or GPT found", have);
	}
out:
	free(pl.v);
	return rv;
}

int
ukfs_where(
    const char *name, uint64_t offset, uint64_t size, struct ukfs_where *w)
{
	struct ukfs_himg *h;
	struct parsed ps;
	uint64_t poff = 0, psize = 0;
	int rv;

	memset(w, 0, sizeof(*w));
	rv = exists(name) ? 0 : parse(name, &ps);
	if (rv == -1) {
		ukfs_seterr(EINVAL,
		    "%s: bad partition suffix (use IMAGE@N, "
		    "IMAGE%%DISKLABEL:x%% or IMAGE%%OFFSET:START,END%%)",
		    name);
		return -1;
	}
	w->host = rv == 0 ? strdup(name) : strndup(name, ps.baselen);
	if (w->host == NULL) {
		ukfs_seterr(ENOMEM, "%s: %s", name, strerror(ENOMEM));
		return -1;
	}
	if (rv == 1 && ps.kind == SUF_OFFSET) {
		if (ps.end <= ps.start) {
			ukfs_seterr(EINVAL,
			    "%s: the end of the window must lie "
			    "after its start",
			    name);
			goto fail;
		}
		poff = ps.start;
		psize = ps.end - ps.start;
	} else if (rv == 1) {
		if (ukfs_himg_open(w->host, &h) == -1)
			goto fail;
		rv = find_part(name, h, &ps, &poff, &psize);
		ukfs_himg_close(h);
		if (rv == -1)
			goto fail;
	}
	if (psize != 0 && (offset >= psize || size > psize - offset)) {
		ukfs_seterr(EINVAL,
		    "%s: offset %" PRIu64 " and size %" PRIu64
		    " do not fit the partition (%" PRIu64 " bytes)",
		    name, offset, size, psize);
		goto fail;
	}
	w->offset = poff + offset;
	w->size = size != 0 ? size : psize != 0 ? psize - offset : 0;
	return 0;
fail:
	ukfs_where_free(w);
	return -1;
}

void
ukfs_where_free(struct ukfs_where *w)
{
	free(w->host);
	w->host = NULL;
}

int
ukfs_resolve(const char *name, char **host, uint64_t *offset, uint64_t *size)
{
	struct ukfs_where w;

	ukfs_clearerr();
	if (name == NULL || host == NULL || offset == NULL || size == NULL) {
		ukfs_seterr(EINVAL, "ukfs_resolve: NULL argument");
		return -1;
	}
	if (ukfs_where(name, 0, 0, &w) == -1)
		return -1;
	*host = w.host;
	*offset = w.offset;
	*size = w.size;
	return 0;
}

const char *
ukfs_compression(const char *name)
{
	struct ukfs_where w;
	struct ukfs_himg *h;
	const char *kind;

	ukfs_clearerr();
	if (name == NULL || ukfs_where(name, 0, 0, &w) == -1)
		return NULL;
	if (ukfs_himg_open(w.host, &h) == -1) {
		ukfs_where_free(&w);
		return NULL;
	}
	kind = ukfs_himg_kind(h);
	ukfs_himg_close(h);
	ukfs_where_free(&w);
	return kind != NULL ? kind : "";
}
