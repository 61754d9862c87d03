/*
 * makefs -t cd9660: an ISO 9660 image writer (see makefs_cd9660.h).
 *
 * The image is laid out as
 *   0-15      system area (zeros)
 *   16        primary volume descriptor, then the Joliet supplementary one
 *             if asked for, then the terminator
 *   ...       path tables (L and M) of each tree
 *             directories of the primary tree, in path-table order
 *             continuation areas of Rock Ridge entries that do not fit
 *             their records
 *             directories of the Joliet tree
 *             file data, one extent per file (hard links share theirs;
 *             files over 4 GiB - 2 KiB get several extents)
 * in two passes over the directories: the first finds every size, the
 * second writes with every location known.  Holes of the source files
 * stay holes in the image.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "makefs_cd9660.h"

#define SEC           2048
#define SYSAREA       16
#define MAXREC        255
#define PART_MAX      0xfffff800ULL /* largest extent: 4 GiB - 2 KiB */
#define JOLIET_MAXLEN 64            /* UCS-2 units */
#define CE_LEN        28

struct node {
	char *name; /* host name */
	char *path; /* host path */
	struct stat st;
	struct node *parent;
	struct node **kids;
	size_t nkids, kcap;
	char *target;       /* symlink */
	struct node *first; /* hard links: the one that owns the data */
	uint32_t nlink;     /* links within the tree */
	uint32_t serial;
	uint32_t extent; /* data (files) */
	char iso[40];
	size_t isolen;
	uint16_t jname[JOLIET_MAXLEN];
	size_t jlen;
	bool injoliet;
	/* directories */
	int depth;
	uint32_t dirnum, jdirnum;
	uint32_t dirext, dirsize, jdirext, jdirsize;
};

struct opts {
	bool rr, joliet, squash;
	int level;
	char volid[33], publisher[129], preparer[129], appid[129];
	char volset[129], sysid[33];
};

/* Continuation areas: packed into sectors, none crossing one. */
struct ce_cursor {
	uint32_t sec; /* current sector (absolute in pass 2) */
	uint32_t off;
	uint8_t *buf; /* pass 2: the whole region */
	uint32_t base;
};

struct mk {
	struct opts o;
	char *err;
	size_t errlen;
	int fd;
	int pass;
	struct node *root;
	struct node **dirs; /* path-table order */
	size_t ndirs, dcap;
	struct node **jdirs;
	size_t njdirs;
	uint32_t nserial;
	struct ce_cursor ce;
	uint32_t ce_start, ce_nsec;
	uint32_t pt_size, pt_l, pt_m, jpt_size, jpt_l, jpt_m;
	uint32_t total;
	time_t now;
	/* hard-link lookup */
	struct node **hl;
	size_t nhl, hlcap;
};

static int
fail(struct mk *m, const char *fmt, ...)
{
	va_list ap;

	if (m->err != NULL && m->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(m->err, m->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size);

	if (p == NULL) {
		fprintf(stderr, "makefs: out of memory\n");
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		fprintf(stderr, "makefs: out of memory\n");
		exit(1);
	}
	return p;
}

/* --- byte helpers ----------------------------------------------------------
 */

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_723(uint8_t *p, uint16_t v)
{
	put_le16(p, v);
	put_be16(p + 2, v);
}

static void
put_733(uint8_t *p, uint32_t v)
{
	put_le32(p, v);
	put_be32(p + 4, v);
}

/* A string padded with spaces to len bytes, upper-cased if asked. */
static void
put_str(uint8_t *p, const char *s, size_t len)
{
	size_t n = strlen(s);

	memset(p, ' ', len);
	memcpy(p, s, n < len ? n : len);
}

/* Broken-down UTC time of t (years outside 1..9999 clamped). */
static void
utc(time_t t, struct tm *tm)
{
	if (gmtime_r(&t, tm) == NULL || tm->tm_year + 1900 < 1 ||
	    tm->tm_year + 1900 > 9999) {
		memset(tm, 0, sizeof(*tm));
		tm->tm_year = t < 0 ? 1 - 1900 : 9999 - 1900;
		tm->tm_mon = t < 0 ? 0 : 11;
		tm->tm_mday = t < 0 ? 1 : 31;
		if (t > 0) {
			tm->tm_hour = 23;
			tm->tm_min = 59;
			tm->tm_sec = 59;
		}
	}
}

/* A 7-byte directory record time (years 1900-2155). */
static void
put_time7(uint8_t *p, time_t t)
{
	struct tm tm;
	int y;

	utc(t, &tm);
	y = tm.tm_year;
	if (y < 0) {
		memset(p, 0, 7);
		p[1] = p[2] = 1;
		return;
	}
	if (y > 255) {
		y = 255;
		tm.tm_mon = 11;
		tm.tm_mday = 31;
		tm.tm_hour = 23;
		tm.tm_min = tm.tm_sec = 59;
	}
	p[0] = (uint8_t)y;
	p[1] = (uint8_t)(tm.tm_mon + 1);
	p[2] = (uint8_t)tm.tm_mday;
	p[3] = (uint8_t)tm.tm_hour;
	p[4] = (uint8_t)tm.tm_min;
	p[5] = (uint8_t)tm.tm_sec;
	p[6] = 0;
}

/* A 17-byte time: "YYYYMMDDHHMMSScc" and the offset from GMT. */
static void
put_time17(uint8_t *p, const struct timespec *ts)
{
	char s[80];
	struct tm tm;

	utc(ts->tv_sec, &tm);
	snprintf(s, sizeof(s), "%04d%02d%02d%02d%02d%02d%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (int)(ts->tv_nsec / 10000000L));
	memcpy(p, s, 16);
	p[16] = 0;
}

static void
put_time17_unset(uint8_t *p)
{
	memset(p, '0', 16);
	p[16] = 0;
}

/* --- the tree --------------------------------------------------------------
 */

static void
add_kid(struct node *dir, struct node *n)
{
	if (dir->nkids == dir->kcap) {
		dir->kcap = dir->kcap ? 2 * dir->kcap : 8;
		dir->kids = realloc(dir->kids, dir->kcap * sizeof(*dir->kids));
		if (dir->kids == NULL) {
			fprintf(stderr, "makefs: out of memory\n");
			exit(1);
		}
	}
	dir->kids[dir->nkids++] = n;
}

/* The node that already holds this inode's data, if any. */
static struct node *
hardlink_find(struct mk *m, struct node *n)
{
	size_t i;

	for (i = 0; i < m->nhl; i++)
		if (m->hl[i]->st.st_dev == n->st.st_dev &&
		    m->hl[i]->st.st_ino == n->st.st_ino)
			return m->hl[i];
	if (m->nhl == m->hlcap) {
		m->hlcap = m->hlcap ? 2 * m->hlcap : 64;
		m->hl = realloc(m->hl, m->hlcap * sizeof(*m->hl));
		if (m->hl == NULL) {
			fprintf(stderr, "makefs: out of memory\n");
			exit(1);
		}
	}
	m->hl[m->nhl++] = n;
	return NULL;
}

static int
walk(struct mk *m, struct node *dir)
{
	struct dirent *de;
	struct node *n, *f;
	DIR *d;
	size_t len;
	ssize_t r;

	if ((d = opendir(dir->path)) == NULL)
		return fail(m, "%s: %s", dir->path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = xcalloc(1, sizeof(*n));
		n->name = xstrdup(de->d_name);
		len = strlen(dir->path) + strlen(de->d_name) + 2;
		n->path = xcalloc(len, 1);
		snprintf(n->path, len, "%s/%s", dir->path, de->d_name);
		n->parent = dir;
		n->depth = dir->depth + 1;
		if (lstat(n->path, &n->st) != 0) {
			closedir(d);
			return fail(m, "%s: %s", n->path, strerror(errno));
		}
		if (!m->o.rr && !S_ISDIR(n->st.st_mode) &&
		    !S_ISREG(n->st.st_mode)) {
			/* plain ISO 9660 has no way to say what it is */
			free(n->name);
			free(n->path);
			free(n);
			continue;
		}
		add_kid(dir, n);
		n->first = n;
		n->nlink = 1;
		if (S_ISDIR(n->st.st_mode)) {
			n->serial = ++m->nserial;
			continue;
		}
		if (S_ISLNK(n->st.st_mode)) {
			n->target = xcalloc((size_t)n->st.st_size + 1, 1);
			r = readlink(
			    n->path, n->target, (size_t)n->st.st_size + 1);
			if (r < 0 || r > n->st.st_size) {
				closedir(d);
				return fail(
				    m, "%s: cannot read the link", n->path);
			}
			n->target[r] = '\0';
		}
		if (n->st.st_nlink > 1 && (f = hardlink_find(m, n)) != NULL) {
			n->first = f;
			f->nlink++;
		} else
			n->serial = ++m->nserial;
	}
	closedir(d);
	for (size_t i = 0; i < dir->nkids; i++)
		if (S_ISDIR(dir->kids[i]->st.st_mode) &&
		    walk(m, dir->kids[i]) != 0)
			return -1;
	return 0;
}

/* --- names -----------------------------------------------------------------
 */

static char
dchar(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return (char)c;
	return '_';
}

/* Base and extension of a plain name, within the level's limits. */
static void
iso_name(const struct mk *m, struct node *n, unsigned uniq)
{
	const char *name = n->name, *dot = NULL;
	char base[40], ext[40], suf[12];
	size_t bl = 0, el = 0, i, maxb, maxe, maxt;
	bool isdir = S_ISDIR(n->st.st_mode);

	if (!isdir)
		dot = strrchr(name, '.');
	for (i = 0; name[i] != '\0' && (dot == NULL || name + i < dot) &&
	     bl < sizeof(base) - 1;
	     i++)
		base[bl++] = dchar((unsigned char)name[i]);
	if (dot != NULL)
		for (i = 1; dot[i] != '\0' && el < sizeof(ext) - 1; i++)
			ext[el++] = dchar((unsigned char)dot[i]);
	if (m->o.level == 1) {
		maxb = 8;
		maxe = 3;
		maxt = 12;
	} else {
		maxb = isdir ? 31 : 30;
		maxe = 8;
		maxt = isdir ? 31 : 30;
	}
	if (el > maxe)
		el = maxe;
	if (bl + (el ? el + 1 : 1) > maxt && !isdir)
		bl = maxt - (el ? el + 1 : 1);
	if (bl > maxb)
		bl = maxb;
	if (bl == 0)
		base[bl++] = '_';
	if (uniq > 0) {
		snprintf(suf, sizeof(suf), "_%u", uniq);
		if (bl + strlen(suf) > maxb)
			bl = maxb > strlen(suf) ? maxb - strlen(suf) : 0;
		memcpy(base + bl, suf, strlen(suf));
		bl += strlen(suf);
	}
	memcpy(n->iso, base, bl);
	n->isolen = bl;
	if (!isdir) {
		n->iso[n->isolen++] = '.';
		memcpy(n->iso + n->isolen, ext, el);
		n->isolen += el;
		memcpy(n->iso + n->isolen, ";1", 2);
		n->isolen += 2;
	}
}

/* ECMA-119 9.3 order: name, then extension, each padded with spaces. */
static int
iso_cmp(const struct node *a, const struct node *b)
{
	size_t ai = 0, bi = 0;
	int part;

	for (part = 0; part < 2; part++) {
		for (;;) {
			int ca = ai < a->isolen && a->iso[ai] != '.' &&
			        a->iso[ai] != ';'
			    ? (unsigned char)a->iso[ai]
			    : ' ';
			int cb = bi < b->isolen && b->iso[bi] != '.' &&
			        b->iso[bi] != ';'
			    ? (unsigned char)b->iso[bi]
			    : ' ';
			if (ca == ' ' && cb == ' ')
				break;
			if (ca != cb)
				return ca - cb;
			ai++;
			bi++;
		}
		if (ai < a->isolen && a->iso[ai] == '.')
			ai++;
		if (bi < b->isolen && b->iso[bi] == '.')
			bi++;
	}
	return 0;
}

static int
iso_qcmp(const void *a, const void *b)
{
	return iso_cmp(*(struct node *const *)a, *(struct node *const *)b);
}

/* UTF-8 to UCS-2 (UTF-16 for characters outside the BMP). */
static size_t
utf8_to_ucs2(const char *s, uint16_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	uint32_t c;
	int k;

	while (*p != '\0' && n < max) {
		if (*p < 0x80) {
			c = *p++;
			k = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p++ & 0x1f;
			k = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p++ & 0x0f;
			k = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p++ & 0x07;
			k = 3;
		} else {
			p++;
			c = '_';
			k = 0;
		}
		for (; k > 0; k--) {
			if ((*p & 0xc0) != 0x80) {
				c = '_';
				break;
			}
			c = c << 6 | (*p++ & 0x3f);
		}
		if (c == '*' || c == '/' || c == ':' || c == ';' || c == '?' ||
		    c == '\\' || c < 0x20)
			c = '_';
		if (c >= 0x10000) {
			if (n + 2 > max)
				break;
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 + (c >> 10));
			out[n++] = (uint16_t)(0xdc00 + (c & 0x3ff));
		} else
			out[n++] = (uint16_t)c;
	}
	return n;
}

static void
joliet_name(struct node *n, unsigned uniq)
{
	size_t room = JOLIET_MAXLEN - (S_ISDIR(n->st.st_mode) ? 0 : 2);
	char suf[12];
	size_t i, sl;

	n->jlen = utf8_to_ucs2(n->name, n->jname, room);
	if (uniq > 0) {
		sl = (size_t)snprintf(suf, sizeof(suf), "~%u", uniq);
		if (n->jlen + sl > room)
			n->jlen = room - sl;
		for (i = 0; i < sl; i++)
			n->jname[n->jlen++] = (uint16_t)suf[i];
	}
	if (!S_ISDIR(n->st.st_mode)) {
		n->jname[n->jlen++] = ';';
		n->jname[n->jlen++] = '1';
	}
}

static int
joliet_cmp(const struct node *a, const struct node *b)
{
	size_t i;

	for (i = 0; i < a->jlen && i < b->jlen; i++)
		if (a->jname[i] != b->jname[i])
			return a->jname[i] < b->jname[i] ? -1 : 1;
	return a->jlen < b->jlen ? -1 : a->jlen > b->jlen;
}

static int
joliet_qcmp(const void *a, const void *b)
{
	return joliet_cmp(*(struct node *const *)a, *(struct node *const *)b);
}

/* Give the children of dir unique names in both trees, and sort them. */
static void
name_kids(struct mk *m, struct node *dir)
{
	size_t i, j;
	unsigned u;

	for (i = 0; i < dir->nkids; i++) {
		for (u = 0;; u++) {
			iso_name(m, dir->kids[i], u);
			for (j = 0; j < i; j++)
				if (iso_cmp(dir->kids[i], dir->kids[j]) == 0)
					break;
			if (j == i)
				break;
		}
		dir->kids[i]->injoliet = m->o.joliet &&
		    (S_ISDIR(dir->kids[i]->st.st_mode) ||
		        S_ISREG(dir->kids[i]->st.st_mode));
		if (!dir->kids[i]->injoliet)
			continue;
		for (u = 0;; u++) {
			joliet_name(dir->kids[i], u);
			for (j = 0; j < i; j++)
				if (dir->kids[j]->injoliet &&
				    joliet_cmp(dir->kids[i], dir->kids[j]) == 0)
					break;
			if (j == i)
				break;
		}
	}
	if (dir->nkids > 1)
		qsort(dir->kids, dir->nkids, sizeof(*dir->kids), iso_qcmp);
}

/* Directories in path-table order: by level, by parent, by name. */
static void
order_dirs(struct mk *m, bool joliet, struct node ***out, size_t *nout)
{
	struct node **list, **kids;
	size_t n = 1, head, i, k, nk;

	list = xcalloc(m->ndirs, sizeof(*list));
	list[0] = m->root;
	for (head = 0; head < n; head++) {
		struct node *d = list[head];
		kids = xcalloc(d->nkids, sizeof(*kids));
		for (i = nk = 0; i < d->nkids; i++)
			if (S_ISDIR(d->kids[i]->st.st_mode) &&
			    (!joliet || d->kids[i]->injoliet))
				kids[nk++] = d->kids[i];
		if (joliet)
			qsort(kids, nk, sizeof(*kids), joliet_qcmp);
		for (k = 0; k < nk; k++)
			list[n++] = kids[k];
		free(kids);
	}
	for (i = 0; i < n; i++) {
		if (joliet)
			list[i]->jdirnum = (uint32_t)i + 1;
		else
			list[i]->dirnum = (uint32_t)i + 1;
	}
	*out = list;
	*nout = n;
}

static void
count_dirs(struct mk *m, struct node *d)
{
	size_t i;

	m->ndirs++;
	name_kids(m, d);
	for (i = 0; i < d->nkids; i++)
		if (S_ISDIR(d->kids[i]->st.st_mode))
			count_dirs(m, d->kids[i]);
}

/* --- Rock Ridge entries ----------------------------------------------------
 */

/* A growing list of SUSP entries for one record. */
struct susp {
	uint8_t b[8192];
	size_t len;
	size_t ends[256]; /* end offset of each entry */
	size_t n;
};

static uint8_t *
susp_add(struct susp *s, const char *sig, size_t len)
{
	uint8_t *p;

	if (s->len + len > sizeof(s->b) || s->n == 256)
		return NULL;
	p = s->b + s->len;
	p[0] = (uint8_t)sig[0];
	p[1] = (uint8_t)sig[1];
	p[2] = (uint8_t)len;
	p[3] = 1;
	s->len += len;
	s->ends[s->n++] = s->len;
	return p;
}

static uint32_t
dir_nlink(const struct node *d)
{
	uint32_t n = 2;
	size_t i;

	for (i = 0; i < d->nkids; i++)
		if (S_ISDIR(d->kids[i]->st.st_mode))
			n++;
	return n;
}

static void
rr_px(struct mk *m, struct susp *s, const struct node *n)
{
	const struct node *f = n->first;
	uint8_t *p = susp_add(s, "PX", 44);
	uint32_t mode = (uint32_t)n->st.st_mode;

	if (p == NULL)
		return;
	if (m->o.squash)
		mode = (mode & ~07777u) |
		    (S_ISDIR(n->st.st_mode) || (mode & 0111) ? 0555 : 0444);
	put_733(p + 4, mode);
	put_733(p + 12, S_ISDIR(n->st.st_mode) ? dir_nlink(n) : f->nlink);
	put_733(p + 20, m->o.squash ? 0 : (uint32_t)n->st.st_uid);
	put_733(p + 28, m->o.squash ? 0 : (uint32_t)n->st.st_gid);
	put_733(p + 36, f->serial);
}

static void
rr_tf(struct susp *s, const struct node *n)
{
	uint8_t *p = susp_add(s, "TF", 5 + 3 * 17);

	if (p == NULL)
		return;
	p[4] = 0x02 | 0x04 | 0x08 | 0x80; /* modify, access, attributes */
	put_time17(p + 5, &n->st.st_mtim);
	put_time17(p + 22, &n->st.st_atim);
	put_time17(p + 39, &n->st.st_ctim);
}

static void
rr_pn(struct susp *s, const struct node *n)
{
	uint32_t ma = major(n->st.st_rdev), mi = minor(n->st.st_rdev);
	uint8_t *p = susp_add(s, "PN", 20);

	if (p == NULL)
		return;
	if (ma < 4096 && mi < (1u << 20)) {
		put_733(p + 4, 0);
		put_733(
		    p + 12, (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12));
	} else {
		put_733(p + 4, ma);
		put_733(p + 12, mi);
	}
}

/* NM in pieces of up to 250 bytes, each but the last flagged CONTINUE. */
static void
rr_nm(struct susp *s, const char *name)
{
	size_t len = strlen(name), n;
	uint8_t *p;

	do {
		n = len > 250 ? 250 : len;
		if ((p = susp_add(s, "NM", 5 + n)) == NULL)
			return;
		p[4] = len > n ? 0x01 : 0;
		memcpy(p + 5, name, n);
		name += n;
		len -= n;
	} while (len > 0);
}

/*
 * SL: the target split at '/' into components; ".", ".." and "/" get
 * their flags.  A further '/' (as in "a//b" or "dir/") is a ROOT
 * component in the middle, which readers (libisofs, cd9660) render as
 * one more '/';
 * a component longer than fits goes on in the next with CONTINUE; an
 * entry holds up to 250 bytes of components.
 */
/* Add one component (flags, and len bytes of t) to the SL being built. */
static void
rr_sl_comp(struct susp *s, uint8_t *comp, size_t *clen, uint8_t cflags,
    const char *t, size_t len)
{
	uint8_t *p;
	size_t n;

	do {
		n = len > 248 ? 248 : len;
		if (*clen + 2 + n > 250) { /* this SL is full: start another */
			if ((p = susp_add(s, "SL", 5 + *clen)) == NULL)
				return;
			p[4] = 0x01;
			memcpy(p + 5, comp, *clen);
			*clen = 0;
		}
		comp[*clen] = (uint8_t)(cflags | (len > n ? 0x01 : 0));
		comp[*clen + 1] = (uint8_t)n;
		memcpy(comp + *clen + 2, t, n);
		*clen += 2 + n;
		t += n;
		len -= n;
	} while (len > 0);
}

static void
rr_sl(struct susp *s, const char *t)
{
	uint8_t comp[300], *p;
	size_t clen = 0, len;
	const char *e;

	if (*t == '/') {
		rr_sl_comp(s, comp, &clen, 0x08, "", 0);
		t++;
	}
	while (*t != '\0') {
		if (*t == '/') { /* an empty component: "a//b" */
			rr_sl_comp(s, comp, &clen, 0x08, "", 0);
			t++;
			continue;
		}
		e = strchr(t, '/');
		len = e ? (size_t)(e - t) : strlen(t);
		if (len == 1 && t[0] == '.')
			rr_sl_comp(s, comp, &clen, 0x02, "", 0);
		else if (len == 2 && t[0] == '.' && t[1] == '.')
			rr_sl_comp(s, comp, &clen, 0x04, "", 0);
		else
			rr_sl_comp(s, comp, &clen, 0, t, len);
		t += len;
		if (*t == '/' && *++t == '\0') /* "dir/" */
			rr_sl_comp(s, comp, &clen, 0x08, "", 0);
	}
	if ((p = susp_add(s, "SL", 5 + clen)) == NULL)
		return;
	p[4] = 0;
	memcpy(p + 5, comp, clen);
}

static void
rr_er(struct susp *s)
{
	static const char id[] = "RRIP_1991A";
	static const char des[] = "THE ROCK RIDGE INTERCHANGE PROTOCOL "
	                          "PROVIDES SUPPORT FOR POSIX FILE SYSTEM "
	                          "SEMANTICS";
	static const char src[] = "PLEASE CONTACT DISC PUBLISHER FOR "
	                          "SPECIFICATION SOURCE.  SEE PUBLISHER "
	                          "IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR "
	                          "FOR CONTACT INFORMATION.";
	size_t li = sizeof(id) - 1, ld = sizeof(des) - 1, ls = sizeof(src) - 1;
	uint8_t *p = susp_add(s, "ER", 8 + li + ld + ls);

	if (p == NULL)
		return;
	p[4] = (uint8_t)li;
	p[5] = (uint8_t)ld;
	p[6] = (uint8_t)ls;
	p[7] = 1;
	memcpy(p + 8, id, li);
	memcpy(p + 8 + li, des, ld);
	memcpy(p + 8 + li + ld, src, ls);
}

enum role { R_DOT, R_DOTDOT, R_ENTRY };

/* The Rock Ridge entries of the record for n in its role. */
static void
rr_entries(struct mk *m, struct susp *s, const struct node *n, enum role r)
{
	s->len = s->n = 0;
	if (r == R_DOT && n == m->root) {
		uint8_t *p = susp_add(s, "SP", 7);
		if (p != NULL) {
			p[4] = 0xbe;
			p[5] = 0xef;
			p[6] = 0;
		}
	}
	rr_px(m, s, n);
	rr_tf(s, n);
	if (r == R_ENTRY) {
		if (S_ISCHR(n->st.st_mode) || S_ISBLK(n->st.st_mode))
			rr_pn(s, n);
		if (S_ISLNK(n->st.st_mode))
			rr_sl(s, n->target);
		rr_nm(s, n->name);
	}
	if (r == R_DOT && n == m->root)
		rr_er(s);
}

/*
 * Take the entries from *first on that fit into room bytes: all of them,
 * or as many as leave room for a CE entry pointing to the rest.
 */
static size_t
susp_take(const struct susp *s, size_t *first, size_t room, bool *more)
{
	size_t start = *first ? s->ends[*first - 1] : 0, i = *first;
	size_t end = start;

	if (s->len - start <= room) {
		*first = s->n;
		*more = false;
		return s->len - start;
	}
	while (i < s->n && s->ends[i] - start + CE_LEN <= room)
		end = s->ends[i++];
	*first = i;
	*more = true;
	return end - start;
}

static void
put_ce(uint8_t *p, uint32_t sec, uint32_t off, uint32_t len)
{
	p[0] = 'C';
	p[1] = 'E';
	p[2] = CE_LEN;
	p[3] = 1;
	put_733(p + 4, sec);
	put_733(p + 12, off);
	put_733(p + 20, len);
}

/* Room for a continuation area of len bytes; returns its location. */
static void
ce_alloc(struct mk *m, uint32_t len, uint32_t *sec, uint32_t *off)
{
	if (m->ce.off + len > SEC) {
		m->ce.sec++;
		m->ce.off = 0;
	}
	*sec = m->ce.sec;
	*off = m->ce.off;
	m->ce.off += len;
}

/*
 * Lay the SUSP entries s out: those that fit into the record (room
 * bytes) go to su (NULL in pass 1), the rest into chained continuation
 * areas.  Returns the bytes used in the record.
 */
static size_t
susp_layout(struct mk *m, const struct susp *s, size_t room, uint8_t *su)
{
	size_t k = 0, n, start, inl, total;
	uint8_t *cep = NULL, *area;
	uint32_t sec, off;
	bool more;

	n = susp_take(s, &k, room, &more);
	if (su != NULL) {
		memcpy(su, s->b, n);
		cep = more ? su + n : NULL;
	}
	inl = n + (more ? CE_LEN : 0);
	while (more) {
		start = k > 0 ? s->ends[k - 1] : 0;
		n = susp_take(s, &k, SEC, &more);
		total = n + (more ? CE_LEN : 0);
		ce_alloc(m, (uint32_t)total, &sec, &off);
		if (m->pass == 2) {
			area =
			    m->ce.buf + (size_t)(sec - m->ce.base) * SEC + off;
			memcpy(area, s->b + start, n);
			if (cep != NULL)
				put_ce(cep, sec, off, (uint32_t)total);
			cep = more ? area + n : NULL;
		}
	}
	return inl;
}

/* --- directory records -----------------------------------------------------
 */

/* Extent and size of what a record points to. */
static void
rec_target(const struct node *n, bool joliet, uint32_t *ext, uint64_t *size)
{
	if (S_ISDIR(n->st.st_mode)) {
		*ext = joliet ? n->jdirext : n->dirext;
		*size = joliet ? n->jdirsize : n->dirsize;
	} else if (S_ISREG(n->st.st_mode)) {
		*ext = n->first->extent;
		*size = (uint64_t)n->first->st.st_size;
	} else {
		*ext = 0;
		*size = 0;
	}
}

/*
 * Build the record(s) for node n in role r into out (NULL in pass 1);
 * returns the bytes of each record in lens[] and their count.
 */
static int
make_records(struct mk *m, const struct node *n, enum role r, bool joliet,
    uint8_t out[][MAXREC + 1], size_t *lens, size_t maxrecs)
{
	static struct susp s;
	const struct node *t = r == R_DOTDOT ? (n->parent ? n->parent : n) : n;
	uint8_t name[2 * JOLIET_MAXLEN], rec[MAXREC + 1];
	size_t nl, base, i, nrec;
	uint64_t size, left;
	uint32_t ext;

	if (r == R_ENTRY && !joliet) {
		nl = n->isolen;
		memcpy(name, n->iso, nl);
	} else if (r == R_ENTRY) {
		nl = 2 * n->jlen;
		for (i = 0; i < n->jlen; i++)
			put_be16(name + 2 * i, n->jname[i]);
	} else {
		nl = 1;
		name[0] = r == R_DOT ? 0 : 1;
	}
	rec_target(t, joliet, &ext, &size);
	nrec = size > PART_MAX ? (size_t)((size + PART_MAX - 1) / PART_MAX) : 1;
	if (nrec > maxrecs)
		return fail(m, "%s: too large", n->path);
	left = size;
	for (i = 0; i < nrec; i++) {
		uint64_t part = left > PART_MAX ? PART_MAX : left;
		memset(rec, 0, sizeof(rec));
		rec[1] = 0;
		put_733(rec + 2, ext + (uint32_t)(i * (PART_MAX / SEC)));
		put_733(rec + 10, (uint32_t)part);
		put_time7(rec + 18, t->st.st_mtim.tv_sec);
		rec[25] = (uint8_t)((S_ISDIR(t->st.st_mode) ? 0x02 : 0) |
		    (i + 1 < nrec ? 0x80 : 0));
		put_723(rec + 28, 1);
		rec[32] = (uint8_t)nl;
		memcpy(rec + 33, name, nl);
		base = 33 + nl + (nl % 2 == 0 ? 1 : 0);
		if (m->o.rr && !joliet) {
			rr_entries(m, &s, t, r);
			base += susp_layout(m, &s, MAXREC - base,
			    out != NULL ? rec + base : NULL);
		}
		if (base % 2)
			base++;
		if (base > MAXREC)
			return fail(m, "%s: record too long", n->path);
		rec[0] = (uint8_t)base;
		lens[i] = base;
		if (out != NULL)
			memcpy(out[i], rec, base);
		left -= part;
	}
	return (int)nrec;
}

/*
 * Lay out (pass 1) or write (pass 2) the directory d of one tree; sets
 * its size in pass 1.
 */
#define MAXPARTS 64
static int
do_dir(struct mk *m, struct node *d, bool joliet)
{
	static uint8_t recs[MAXPARTS][MAXREC + 1];
	size_t lens[MAXPARTS], pos = 0, i, k;
	uint8_t *buf = NULL;
	uint32_t size = joliet ? d->jdirsize : d->dirsize;
	int nr;

	if (m->pass == 2)
		buf = xcalloc(size, 1);
	for (i = 0; i < d->nkids + 2; i++) {
		const struct node *n = i < 2 ? d : d->kids[i - 2];
		enum role r = i == 0 ? R_DOT : i == 1 ? R_DOTDOT : R_ENTRY;
		if (r == R_ENTRY && joliet && !n->injoliet)
			continue;
		nr = make_records(m, n, r, joliet, m->pass == 2 ? recs : NULL,
		    lens, MAXPARTS);
		if (nr < 0) {
			free(buf);
			return -1;
		}
		for (k = 0; k < (size_t)nr; k++) {
			if (pos % SEC + lens[k] > SEC)
				pos = (pos / SEC + 1) * SEC;
			if (buf != NULL)
				memcpy(buf + pos, recs[k], lens[k]);
			pos += lens[k];
		}
	}
	pos = (pos + SEC - 1) / SEC * SEC;
	if (m->pass == 1) {
		if (joliet)
			d->jdirsize = (uint32_t)pos;
		else
			d->dirsize = (uint32_t)pos;
		return 0;
	}
	if (pwrite(m->fd, buf, size,
	        (off_t)(joliet ? d->jdirext : d->dirext) * SEC) !=
	    (ssize_t)size) {
		free(buf);
		return fail(m, "write: %s", strerror(errno));
	}
	free(buf);
	return 0;
}

/* --- path tables and volume descriptors ------------------------------------
 */

/* Build the L (le) or M path table of a tree; returns its size. */
static size_t
path_table(struct mk *m, bool joliet, bool le, uint8_t *out)
{
	struct node **list = joliet ? m->jdirs : m->dirs;
	size_t n = joliet ? m->njdirs : m->ndirs, i, pos = 0, nl, k;

	for (i = 0; i < n; i++) {
		struct node *d = list[i];
		uint32_t parent = d == m->root
		    ? 1
		    : (joliet ? d->parent->jdirnum : d->parent->dirnum);
		nl = d == m->root ? 1 : (joliet ? 2 * d->jlen : d->isolen);
		if (out != NULL) {
			uint8_t *p = out + pos;
			p[0] = (uint8_t)nl;
			p[1] = 0;
			if (le) {
				put_le32(
				    p + 2, joliet ? d->jdirext : d->dirext);
				put_le16(p + 6, (uint16_t)parent);
			} else {
				put_be32(
				    p + 2, joliet ? d->jdirext : d->dirext);
				put_be16(p + 6, (uint16_t)parent);
			}
			if (d == m->root)
				p[8] = 0;
			else if (joliet)
				for (k = 0; k < d->jlen; k++)
					put_be16(p + 8 + 2 * k, d->jname[k]);
			else
				memcpy(p + 8, d->iso, nl);
		}
		pos += 8 + nl + (nl % 2);
	}
	return pos;
}

static void
put_ucs2_str(uint8_t *p, const char *s, size_t units)
{
	uint16_t u[128];
	size_t n = utf8_to_ucs2(s, u, units), i;

	for (i = 0; i < units; i++)
		put_be16(p + 2 * i, i < n ? u[i] : ' ');
}

static void
volume_descriptor(struct mk *m, uint8_t *vd, bool joliet)
{
	struct node *root = m->root;
	struct timespec now = {m->now, 0};
	uint8_t *r;

	memset(vd, 0, SEC);
	vd[0] = joliet ? 2 : 1;
	memcpy(vd + 1, "CD001", 5);
	vd[6] = 1;
	if (joliet) {
		put_ucs2_str(vd + 8, m->o.sysid, 16);
		put_ucs2_str(vd + 40, m->o.volid, 16);
		vd[88] = '%';
		vd[89] = '/';
		vd[90] = 'E';
		put_ucs2_str(vd + 190, m->o.volset, 64);
		put_ucs2_str(vd + 318, m->o.publisher, 64);
		put_ucs2_str(vd + 446, m->o.preparer, 64);
		put_ucs2_str(vd + 574, m->o.appid, 64);
		put_ucs2_str(vd + 702, "", 18);
		put_ucs2_str(vd + 739, "", 18);
		put_ucs2_str(vd + 776, "", 18);
	} else {
		put_str(vd + 8, m->o.sysid, 32);
		put_str(vd + 40, m->o.volid, 32);
		put_str(vd + 190, m->o.volset, 128);
		put_str(vd + 318, m->o.publisher, 128);
		put_str(vd + 446, m->o.preparer, 128);
		put_str(vd + 574, m->o.appid, 128);
		put_str(vd + 702, "", 37);
		put_str(vd + 739, "", 37);
		put_str(vd + 776, "", 37);
	}
	put_733(vd + 80, m->total);
	put_723(vd + 120, 1);
	put_723(vd + 124, 1);
	put_723(vd + 128, SEC);
	put_733(vd + 132, joliet ? m->jpt_size : m->pt_size);
	put_le32(vd + 140, joliet ? m->jpt_l : m->pt_l);
	put_be32(vd + 148, joliet ? m->jpt_m : m->pt_m);
	r = vd + 156;
	r[0] = 34;
	put_733(r + 2, joliet ? root->jdirext : root->dirext);
	put_733(r + 10, joliet ? root->jdirsize : root->dirsize);
	put_time7(r + 18, root->st.st_mtim.tv_sec);
	r[25] = 0x02;
	put_723(r + 28, 1);
	r[32] = 1;
	r[33] = 0;
	put_time17(vd + 813, &now);
	put_time17(vd + 830, &now);
	put_time17_unset(vd + 847);
	put_time17(vd + 864, &now);
	vd[881] = 1;
}

/* --- file data -------------------------------------------------------------
 */

/* Copy a file's data to sector ext, leaving its holes as holes. */
static int
copy_data(struct mk *m, const struct node *n)
{
	static uint8_t buf[1 << 20];
	off_t off = 0, end = n->st.st_size, data, hole, pos;
	ssize_t r;
	int fd;

	if ((fd = open(n->path, O_RDONLY | O_NOATIME)) < 0 &&
	    (fd = open(n->path, O_RDONLY)) < 0)
		return fail(m, "%s: %s", n->path, strerror(errno));
	while (off < end) {
		data = lseek(fd, off, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break; /* a hole to the end */
			data = off;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		for (pos = data; pos < hole; pos += r) {
			size_t want = (size_t)(hole - pos) < sizeof(buf)
			    ? (size_t)(hole - pos)
			    : sizeof(buf);
			r = pread(fd, buf, want, pos);
			if (r <= 0) {
				close(fd);
				return fail(m, "%s: %s", n->path,
				    r < 0 ? strerror(errno) : "file shrank");
			}
			if (pwrite(m->fd, buf, (size_t)r,
			        (off_t)n->extent * SEC + pos) != r) {
				close(fd);
				return fail(m, "write: %s", strerror(errno));
			}
		}
		off = hole;
	}
	close(fd);
	return 0;
}

/* Give each file's data an extent from *next on. */
static void
place_data(struct node *d, uint32_t *next)
{
	size_t i;

	for (i = 0; i < d->nkids; i++) {
		struct node *n = d->kids[i];
		if (S_ISDIR(n->st.st_mode))
			place_data(n, next);
		else if (S_ISREG(n->st.st_mode) && n->first == n &&
		    n->st.st_size > 0) {
			n->extent = *next;
			*next +=
			    (uint32_t)(((uint64_t)n->st.st_size + SEC - 1) /
			        SEC);
		}
	}
}

static int
write_data(struct mk *m, struct node *d)
{
	size_t i;

	for (i = 0; i < d->nkids; i++) {
		struct node *n = d->kids[i];
		if (S_ISDIR(n->st.st_mode)) {
			if (write_data(m, n) != 0)
				return -1;
		} else if (S_ISREG(n->st.st_mode) && n->first == n &&
		    n->st.st_size > 0 && copy_data(m, n) != 0)
			return -1;
	}
	return 0;
}

/* --- options ---------------------------------------------------------------
 */

static void
copy_id(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v);
}

static int
parse_options(struct mk *m, const char *options)
{
	char *s, *tok, *save = NULL, *v;

	m->o.rr = true;
	m->o.level = 2;
	copy_id(m->o.volid, sizeof(m->o.volid), "CDROM");
	copy_id(m->o.sysid, sizeof(m->o.sysid), "LINUX");
	copy_id(m->o.preparer, sizeof(m->o.preparer), "UKFS MAKEFS");
	if (options == NULL)
		return 0;
	s = xstrdup(options);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if ((v = strchr(tok, '=')) != NULL)
			*v++ = '\0';
		if (strcmp(tok, "rockridge") == 0 && v == NULL)
			m->o.rr = true;
		else if (strcmp(tok, "norockridge") == 0 && v == NULL)
			m->o.rr = false;
		else if (strcmp(tok, "joliet") == 0 && v == NULL)
			m->o.joliet = true;
		else if (strcmp(tok, "rr-squash") == 0 && v == NULL)
			m->o.squash = m->o.rr = true;
		else if ((strcmp(tok, "label") == 0 ||
		             strcmp(tok, "volumeid") == 0) &&
		    v != NULL)
			copy_id(m->o.volid, sizeof(m->o.volid), v);
		else if (strcmp(tok, "publisher") == 0 && v != NULL)
			copy_id(m->o.publisher, sizeof(m->o.publisher), v);
		else if (strcmp(tok, "preparer") == 0 && v != NULL)
			copy_id(m->o.preparer, sizeof(m->o.preparer), v);
		else if (strcmp(tok, "applicationid") == 0 && v != NULL)
			copy_id(m->o.appid, sizeof(m->o.appid), v);
		else if (strcmp(tok, "volumesetid") == 0 && v != NULL)
			copy_id(m->o.volset, sizeof(m->o.volset), v);
		else if (strcmp(tok, "systemid") == 0 && v != NULL)
			copy_id(m->o.sysid, sizeof(m->o.sysid), v);
		else if (strcmp(tok, "isolevel") == 0 && v != NULL &&
		    (strcmp(v, "1") == 0 || strcmp(v, "2") == 0 ||
		        strcmp(v, "3") == 0))
			m->o.level = v[0] - '0';
		else if ((strcmp(tok, "allow-deep-trees") == 0 ||
		             strcmp(tok, "verbose") == 0 ||
		             strcmp(tok, "no-trailing-padding") == 0) &&
		    v == NULL)
			;
		else {
			fail(m,
			    "unknown cd9660 option \"%s\" (known: "
			    "rockridge, norockridge, joliet, label=, "
			    "volumeid=, isolevel=, publisher=, preparer=, "
			    "applicationid=, volumesetid=, systemid=, "
			    "rr-squash)",
			    tok);
			free(s);
			return -1;
		}
	}
	free(s);
	return 0;
}

/* --- the whole image -------------------------------------------------------
 */

static void
free_tree(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		free_tree(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->path);
	free(n->target);
	free(n);
}

static uint32_t
nsec(uint64_t bytes)
{
	return (uint32_t)((bytes + SEC - 1) / SEC);
}

/* Pass 1: sizes of the directories and of the continuation areas. */
static int
layout(struct mk *m)
{
	uint32_t next, i, vds;
	uint64_t total;

	m->pass = 1;
	memset(&m->ce, 0, sizeof(m->ce));
	for (i = 0; i < m->ndirs; i++)
		if (do_dir(m, m->dirs[i], false) != 0)
			return -1;
	m->ce_nsec = m->ce.off > 0 || m->ce.sec > 0 ? m->ce.sec + 1 : 0;
	for (i = 0; i < m->njdirs; i++)
		if (do_dir(m, m->jdirs[i], true) != 0)
			return -1;
	vds = m->o.joliet ? 3 : 2;
	next = SYSAREA + vds;
	m->pt_size = (uint32_t)path_table(m, false, true, NULL);
	m->pt_l = next;
	next += nsec(m->pt_size);
	m->pt_m = next;
	next += nsec(m->pt_size);
	if (m->o.joliet) {
		m->jpt_size = (uint32_t)path_table(m, true, true, NULL);
		m->jpt_l = next;
		next += nsec(m->jpt_size);
		m->jpt_m = next;
		next += nsec(m->jpt_size);
	}
	for (i = 0; i < m->ndirs; i++) {
		m->dirs[i]->dirext = next;
		next += nsec(m->dirs[i]->dirsize);
	}
	m->ce_start = next;
	next += m->ce_nsec;
	for (i = 0; i < m->njdirs; i++) {
		m->jdirs[i]->jdirext = next;
		next += nsec(m->jdirs[i]->jdirsize);
	}
	total = next;
	place_data(m->root, &next);
	total = next;
	if (total > UINT32_MAX)
		return fail(m, "the image would be too large");
	m->total = (uint32_t)total;
	return 0;
}

static int
write_meta(struct mk *m)
{
	uint8_t vd[SEC], *pt;
	uint32_t i, vdsec = SYSAREA;
	size_t ptlen;

	volume_descriptor(m, vd, false);
	if (pwrite(m->fd, vd, SEC, (off_t)vdsec++ * SEC) != SEC)
		return fail(m, "write: %s", strerror(errno));
	if (m->o.joliet) {
		volume_descriptor(m, vd, true);
		if (pwrite(m->fd, vd, SEC, (off_t)vdsec++ * SEC) != SEC)
			return fail(m, "write: %s", strerror(errno));
	}
	memset(vd, 0, SEC);
	vd[0] = 255;
	memcpy(vd + 1, "CD001", 5);
	vd[6] = 1;
	if (pwrite(m->fd, vd, SEC, (off_t)vdsec * SEC) != SEC)
		return fail(m, "write: %s", strerror(errno));
	for (i = 0; i < (m->o.joliet ? 4u : 2u); i++) {
		bool j = i >= 2, le = i % 2 == 0;
		ptlen = path_table(m, j, le, NULL);
		pt = xcalloc(ptlen, 1);
		path_table(m, j, le, pt);
		if (pwrite(m->fd, pt, ptlen,
		        (off_t)(j ? (le ? m->jpt_l : m->jpt_m)
		                  : (le ? m->pt_l : m->pt_m)) *
		            SEC) != (ssize_t)ptlen) {
			free(pt);
			return fail(m, "write: %s", strerror(errno));
		}
		free(pt);
	}
	/* Pass 2: the directories, with their continuation areas. */
	m->pass = 2;
	memset(&m->ce, 0, sizeof(m->ce));
	m->ce.sec = m->ce.base = m->ce_start;
	m->ce.buf = xcalloc((size_t)m->ce_nsec * SEC + SEC, 1);
	for (i = 0; i < m->ndirs; i++)
		if (do_dir(m, m->dirs[i], false) != 0)
			return -1;
	if (m->ce_nsec > 0 &&
	    pwrite(m->fd, m->ce.buf, (size_t)m->ce_nsec * SEC,
	        (off_t)m->ce_start * SEC) != (ssize_t)m->ce_nsec * SEC)
		return fail(m, "write: %s", strerror(errno));
	for (i = 0; i < m->njdirs; i++)
		if (do_dir(m, m->jdirs[i], true) != 0)
			return -1;
	return 0;
}

int
makefs_cd9660(const char *image, const char *srcdir, const char *options,
    char *errbuf, size_t errlen)
{
	struct mk mk, *m = &mk;
	const char *sde;
	int error;

	memset(m, 0, sizeof(*m));
	m->err = errbuf;
	m->errlen = errlen;
	m->fd = -1;
	if (parse_options(m, options) != 0)
		return -1;
	sde = getenv("SOURCE_DATE_EPOCH");
	m->now = sde != NULL ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	m->root = xcalloc(1, sizeof(*m->root));
	m->root->name = xstrdup("");
	m->root->path = xstrdup(srcdir);
	m->root->first = m->root;
	m->root->nlink = 1;
	m->root->serial = ++m->nserial;
	m->root->depth = 1;
	if (lstat(srcdir, &m->root->st) != 0 || !S_ISDIR(m->root->st.st_mode)) {
		error = fail(m, "%s: %s", srcdir,
		    errno != 0 ? strerror(errno) : "not a directory");
		goto out;
	}
	if ((error = walk(m, m->root)) != 0)
		goto out;
	count_dirs(m, m->root);
	order_dirs(m, false, &m->dirs, &m->ndirs);
	if (m->o.joliet)
		order_dirs(m, true, &m->jdirs, &m->njdirs);
	if ((error = layout(m)) != 0)
		goto out;
	m->fd = open(image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (m->fd < 0) {
		error = fail(m, "%s: %s", image, strerror(errno));
		goto out;
	}
	if (ftruncate(m->fd, (off_t)m->total * SEC) != 0) {
		error = fail(m, "%s: %s", image, strerror(errno));
		goto out;
	}
	if ((error = write_meta(m)) != 0 ||
	    (error = write_data(m, m->root)) != 0)
		goto out;
	if (fsync(m->fd) != 0)
		error = fail(m, "%s: %s", image, strerror(errno));
out:
	if (m->fd >= 0 && close(m->fd) != 0 && error == 0)
		error = fail(m, "%s: %s", image, strerror(errno));
	free(m->ce.buf);
	free(m->dirs);
	free(m->jdirs);
	free(m->hl);
	if (m->root != NULL)
		free_tree(m->root);
	return error;
}
