/* Parsing and applying chmod(1)-style modes. */
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "mode.h"

#define ALLBITS (S_ISUID | S_ISGID | S_ISVTX | 0777)

/* One action: who, an operator and what it sets. */
struct action {
	mode_t who;  /* bits of the named users; 0: none named */
	char op;     /* '+', '-', '=' */
	mode_t perm; /* r, w, x, s, t as bits for all users */
	int X;       /* X: x if a directory or executable by anyone */
	char copy;   /* 'u', 'g', 'o': the bits of that user; 0: perm */
};

struct modeop {
	int numeric;
	mode_t num;
	int short_num; /* fewer than 5 digits: keeps a directory's set-ids */
	size_t n;
	struct action a[];
};

static struct modeop *
parse_octal(const char *s)
{
	struct modeop *m;
	unsigned long v = 0;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			return NULL;
		v = v * 8 + (unsigned long)(*p - '0');
		if (v > ALLBITS)
			return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->numeric = 1;
	m->num = (mode_t)v;
	m->short_num = p - s < 5;
	return m;
}

static mode_t
who_bits(char c)
{
	switch (c) {
	case 'u':
		return S_ISUID | S_IRWXU;
	case 'g':
		return S_ISGID | S_IRWXG;
	case 'o':
		return S_ISVTX | S_IRWXO;
	case 'a':
		return ALLBITS;
	}
	return 0;
}

/* The permission letters after an operator; 0 or -1. */
static int
parse_perms(const char **sp, struct action *a)
{
	const char *s = *sp;

	if (*s == 'u' || *s == 'g' || *s == 'o') {
		a->copy = *s++;
		*sp = s;
		return 0;
	}
	for (;; s++) {
		switch (*s) {
		case 'r':
			a->perm |= S_IRUSR | S_IRGRP | S_IROTH;
			continue;
		case 'w':
			a->perm |= S_IWUSR | S_IWGRP | S_IWOTH;
			continue;
		case 'x':
			a->perm |= S_IXUSR | S_IXGRP | S_IXOTH;
			continue;
		case 'X':
			a->X = 1;
			continue;
		case 's':
			a->perm |= S_ISUID | S_ISGID;
			continue;
		case 't':
			a->perm |= S_ISVTX;
			continue;
		}
		break;
	}
	*sp = s;
	return 0;
}

struct modeop *
mode_parse(const char *s)
{
	struct modeop *m;
	const char *p;
	size_t max;
	mode_t who;

	if (s == NULL || *s == '\0')
		return NULL;
	if (*s >= '0' && *s <= '7')
		return parse_octal(s);
	/* at most one action per character */
	max = strlen(s);
	m = calloc(1, sizeof(*m) + max * sizeof(m->a[0]));
	if (m == NULL)
		return NULL;
	for (p = s;;) {
		for (who = 0; *p != '\0' && strchr("ugoa", *p) != NULL; p++)
			who |= who_bits(*p);
		if (*p != '+' && *p != '-' && *p != '=')
			goto bad;
		while (*p == '+' || *p == '-' || *p == '=') {
			struct action *a = &m->a[m->n++];

			a->who = who;
			a->op = *p++;
			parse_perms(&p, a);
		}
		if (*p == '\0')
			return m;
		if (*p++ != ',')
			goto bad;
	}
bad:
	free(m);
	return NULL;
}

void
mode_free(struct modeop *m)
{
	free(m);
}

/* The bits of user c in mode, spread to every user's position. */
static mode_t
copy_bits(mode_t mode, char c)
{
	mode_t b;

	switch (c) {
	case 'u':
		b = (mode & S_IRWXU) >> 6;
		break;
	case 'g':
		b = (mode & S_IRWXG) >> 3;
		break;
	default:
		b = mode & S_IRWXO;
		break;
	}
	return b << 6 | b << 3 | b;
}

static mode_t
apply_action(const struct action *a, mode_t mode, int isdir, mode_t umask)
{
	mode_t who = a->who ? a->who : ALLBITS;
	mode_t val = a->copy ? copy_bits(mode, a->copy) : a->perm;
	mode_t keep;

	if (a->X && (isdir || (mode & (S_IXUSR | S_IXGRP | S_IXOTH))))
		val |= S_IXUSR | S_IXGRP | S_IXOTH;
	val &= who;
	if (a->who == 0)
		val &= ~umask;
	switch (a->op) {
	case '+':
		return mode | val;
	case '-':
		return mode & ~val;
	}
	/* '=': a directory keeps set-ids that are not named */
	keep = isdir ? (S_ISUID | S_ISGID) & ~(a->perm & who) : 0;
	return (mode & ~(who & ~keep)) | val;
}

mode_t
mode_apply(const struct modeop *m, mode_t old, mode_t umask)
{
	int isdir = S_ISDIR(old);
	mode_t mode = old & ALLBITS;
	size_t i;

	if (m->numeric) {
		if (isdir && m->short_num)
			return m->num | (mode & (S_ISUID | S_ISGID));
		return m->num;
	}
	for (i = 0; i < m->n; i++)
		mode = apply_action(&m->a[i], mode, isdir, umask);
	return mode & ALLBITS;
}
