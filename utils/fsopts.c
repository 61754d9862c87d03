/* Type-specific newfs flags as file-system options. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fsopts.h"

const char fsopt_letters[] = "b:i:L:O:B:f:F:c:";

enum vkind { NUM, SIZE, TEXT, ENDIAN };

/* Which flag means which option for which type. */
static const struct fsflag {
	const char *fstype;
	char flag;
	const char *name;
	enum vkind kind;
} flags[] = {
    {"ext2fs", 'b', "bsize", SIZE},
    {"ext2fs", 'i', "density", SIZE},
    {"ext2fs", 'L', "label", TEXT},
    {"ffs", 'O', "version", NUM},
    {"ffs", 'B', "endian", ENDIAN},
    {"ffs", 'b', "bsize", SIZE},
    {"ffs", 'f', "fsize", SIZE},
    {"ffs", 'i', "density", SIZE},
    {"ffs", 'L', "label", TEXT},
    {"msdos", 'F', "fat_type", NUM},
    {"msdos", 'c', "sectors_per_cluster", NUM},
    {"msdos", 'L', "volume_label", TEXT},
    {"lfs", 'b', "bsize", SIZE},
    {"lfs", 'f', "fsize", SIZE},
    {"lfs", 'B', "segsize", SIZE},
    {"cd9660", 'L', "label", TEXT},
};

static int
append(struct fsopts *o, const char *name, const char *value)
{
	size_t need = strlen(name) + (value ? 1 + strlen(value) : 0) + 2;
	char *p;

	if (o->len + need > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 128;

		while (cap < o->len + need)
			cap *= 2;
		p = realloc(o->buf, cap);
		if (p == NULL) {
			warnmsg("%s", strerror(ENOMEM));
			return -1;
		}
		o->buf = p;
		o->cap = cap;
	}
	o->len += (size_t)snprintf(o->buf + o->len, o->cap - o->len, "%s%s%s%s",
	    o->len ? "," : "", name, value ? "=" : "", value ? value : "");
	return 0;
}

int
fsopts_add(struct fsopts *o, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return 0;
	return append(o, text, NULL);
}

/* Normalise a value of the given kind into buf; -1 when it is bad. */
static int
value(enum vkind kind, const char *arg, char *buf, size_t len)
{
	uint64_t v;

	switch (kind) {
	case NUM:
		if (arg[0] == '\0' || strspn(arg, "0123456789") != strlen(arg))
			return -1;
		snprintf(buf, len, "%s", arg);
		return 0;
	case SIZE:
		if (parse_size(arg, &v) == -1 || v == 0)
			return -1;
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return 0;
	case ENDIAN:
		if (strcmp(arg, "be") == 0 || strcmp(arg, "big") == 0 ||
		    strcmp(arg, "4321") == 0)
			snprintf(buf, len, "be");
		else if (strcmp(arg, "le") == 0 || strcmp(arg, "little") == 0 ||
		    strcmp(arg, "1234") == 0)
			snprintf(buf, len, "le");
		else
			return -1;
		return 0;
	case TEXT:
		if (strpbrk(arg, ",=") != NULL || strlen(arg) >= len)
			return -1;
		snprintf(buf, len, "%s", arg);
		return 0;
	}
	return -1;
}

int
fsopts_flag(struct fsopts *o, const char *fstype, int ch, const char *arg)
{
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (flags[i].flag != ch || strcmp(flags[i].fstype, fstype) != 0)
			continue;
		if (value(flags[i].kind, arg, buf, sizeof(buf)) == -1) {
			warnmsg("-%c: bad value '%s'", ch, arg);
			return -1;
		}
		return append(o, flags[i].name, buf);
	}
	warnmsg("-%c does not apply to %s file systems", ch, fstype);
	return -1;
}

/* Where option name starts in buf, or NULL. */
static const char *
find(const struct fsopts *o, const char *name)
{
	size_t n = strlen(name);
	const char *p = o->buf;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 &&
		    (p[n] == '=' || p[n] == ',' || p[n] == '\0'))
			return p;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return NULL;
}

int
fsopts_has(const struct fsopts *o, const char *name)
{
	return find(o, name) != NULL;
}

const char *
fsopts_get(const struct fsopts *o, const char *name, char *buf, size_t len)
{
	const char *p = find(o, name);
	size_t n;

	if (p == NULL || len == 0)
		return NULL;
	p += strlen(name);
	if (*p == '=')
		p++;
	n = strcspn(p, ",");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

void
fsopts_free(struct fsopts *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}
