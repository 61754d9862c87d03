/*
 * Superblock summaries without mounting: the field list and group rows
 * that ukfs-info prints, filled by one reader per file system.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ukfs_fsinfo.h"
#include "ukfs_int.h"

#define MAX_FIELDS 100000000 /* groups x fields: a bound on memory */

/* Append to a field array; the value is taken over. */
static int
push(struct ukfs_info_field **v, size_t *n, size_t *cap, const char *key,
    char *value, int number)
{
	struct ukfs_info_field *t;

	if (value == NULL)
		return -1;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;

		if (c > MAX_FIELDS ||
		    (t = realloc(*v, c * sizeof(*t))) == NULL) {
			free(value);
			return -1;
		}
		*v = t;
		*cap = c;
	}
	t = &(*v)[(*n)++];
	snprintf(t->key, sizeof(t->key), "%s", key);
	t->value = value;
	t->number = number;
	return 0;
}

static char *
vfmt(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) == -1 ? NULL : s;
}

int
fi_text(struct ukfs_fsinfo *fi, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(fmt, ap);
	va_end(ap);
	if (push(&fi->fields, &fi->nfields, &fi->capfields, key, s, 0) == -1)
		fi->nomem = 1;
	return fi->nomem ? -1 : 0;
}

int
fi_num(struct ukfs_fsinfo *fi, const char *key, uint64_t v)
{
	char *s;

	if (asprintf(&s, "%" PRIu64, v) == -1 ||
	    push(&fi->fields, &fi->nfields, &fi->capfields, key, s, 1) == -1)
		fi->nomem = 1;
	return fi->nomem ? -1 : 0;
}

int
fi_time(struct ukfs_fsinfo *fi, const char *key, int64_t t)
{
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0)
		return fi_text(fi, key, "never");
	if (gmtime_r(&tt, &tm) == NULL)
		return fi_text(fi, key, "%" PRId64, t);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	return fi_text(fi, key, "%s", buf);
}

int
fi_str(
    struct ukfs_fsinfo *fi, const char *key, const unsigned char *p, size_t n)
{
	char buf[256];
	size_t i;

	for (i = 0; i < n && i + 1 < sizeof(buf) && p[i] != '\0'; i++)
		buf[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	while (i > 0 && buf[i - 1] == ' ')
		i--;
	buf[i] = '\0';
	return fi_text(fi, key, "%s", buf);
}

int
fi_group(struct ukfs_fsinfo *fi)
{
	if (fi->ngroups == 1)
		fi->per_group = fi->ngfields; /* the first row's length */
	fi->ngroups++;
	return 0;
}

int
fi_gnum(struct ukfs_fsinfo *fi, const char *key, uint64_t v)
{
	char *s;

	if (asprintf(&s, "%" PRIu64, v) == -1 ||
	    push(&fi->groups, &fi->ngfields, &fi->capgfields, key, s, 1) == -1)
		fi->nomem = 1;
	return fi->nomem ? -1 : 0;
}

int
fi_read(const struct fi_io *io, uint64_t off, void *buf, size_t len)
{
	if (ukfs_himg_read(io->h, io->base + off, buf, len) == 0)
		return 0;
	ukfs_seterr(EUCLEAN,
	    "%s: cannot read %zu bytes at byte %" PRIu64 " of the file system",
	    io->image, len, off);
	return -1;
}

static void
free_fields(struct ukfs_info_field *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].value);
	free(v);
}

void
ukfs_fsinfo_free(struct ukfs_fsinfo *fi)
{
	if (fi == NULL)
		return;
	free_fields(fi->fields, fi->nfields);
	free_fields(fi->groups, fi->ngfields);
	memset(fi, 0, sizeof(*fi));
}

int
ukfs_fsinfo(const char *image, uint64_t offset, const char *fstype,
    struct ukfs_fsinfo *fi)
{
	struct ukfs_where w;
	struct fi_io io;
	char type[32];
	int rv;

	ukfs_clearerr();
	if (image == NULL || fi == NULL) {
		ukfs_seterr(EINVAL, "ukfs_fsinfo: NULL argument");
		return -1;
	}
	memset(fi, 0, sizeof(*fi));
	if (fstype == NULL || fstype[0] == '\0') {
		if (ukfs_detect(image, offset, type, sizeof(type)) == -1)
			return -1;
	} else if (ukfs_canon_fstype(fstype) != NULL)
		snprintf(type, sizeof(type), "%s", ukfs_canon_fstype(fstype));
	else
		snprintf(type, sizeof(type), "%s", fstype);
	if (ukfs_where(image, offset, 0, &w) == -1)
		return -1;
	rv = ukfs_himg_open(w.host, &io.h);
	io.base = w.offset;
	io.image = image;
	ukfs_where_free(&w);
	if (rv == -1)
		return -1;
	if (strcmp(type, "ext2fs") == 0)
		rv = fsinfo_ext2(&io, fi);
	else if (strcmp(type, "ffs") == 0)
		rv = fsinfo_ffs(&io, fi);
	else if (strcmp(type, "msdos") == 0)
		rv = fsinfo_msdos(&io, fi);
	else if (strcmp(type, "cd9660") == 0)
		rv = fsinfo_cd9660(&io, fi);
	else if (strcmp(type, "lfs") == 0)
		rv = fsinfo_lfs(&io, fi);
	else {
		ukfs_seterr(
		    ENOTSUP, "%s: no superblock summary for %s", image, type);
		rv = -1;
	}
	ukfs_himg_close(io.h);
	if (fi->ngroups == 1)
		fi->per_group = fi->ngfields;
	if (rv == 0 && fi->ngfields != fi->ngroups * fi->per_group) {
		ukfs_seterr(EIO, "%s: uneven group rows", image);
		rv = -1;
	}
	if (rv == 0 && fi->nomem) {
		ukfs_seterr(ENOMEM, "%s: %s", image, strerror(ENOMEM));
		rv = -1;
	}
	return rv;
}
