/* Attribute formatting shared by ukfs-ls and ukfs-stat. */
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsformat.h"

static char
type_char(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return '-';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	}
	return '?';
}

/* x, or the special bit's letter: lower case with x, upper case without. */
static char
exec_char(mode_t mode, mode_t xbit, mode_t special, char letter)
{
	if (mode & special)
		return (mode & xbit) ? letter : (char)(letter - 'a' + 'A');
	return (mode & xbit) ? 'x' : '-';
}

void
mode_string(mode_t mode, char *buf)
{
	buf[0] = type_char(mode);
	buf[1] = (mode & S_IRUSR) ? 'r' : '-';
	buf[2] = (mode & S_IWUSR) ? 'w' : '-';
	buf[3] = exec_char(mode, S_IXUSR, S_ISUID, 's');
	buf[4] = (mode & S_IRGRP) ? 'r' : '-';
	buf[5] = (mode & S_IWGRP) ? 'w' : '-';
	buf[6] = exec_char(mode, S_IXGRP, S_ISGID, 's');
	buf[7] = (mode & S_IROTH) ? 'r' : '-';
	buf[8] = (mode & S_IWOTH) ? 'w' : '-';
	buf[9] = exec_char(mode, S_IXOTH, S_ISVTX, 't');
	buf[10] = '\0';
}

#define SIX_MONTHS (31556952 / 2) /* half a Gregorian year, in seconds */

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void
ls_time(
    const struct timespec *t, const struct timespec *now, char *buf, size_t len)
{
	/* files made together share their second: format it once */
	static char last[64];
	static time_t lastsec;
	static int lastrecent = -1;
	struct timespec old = *now;
	struct tm tm;
	time_t s = t->tv_sec;
	int recent;

	old.tv_sec -= SIX_MONTHS;
	recent = ts_before(&old, t) && ts_before(t, now);
	if (recent == lastrecent && s == lastsec) {
		snprintf(buf, len, "%s", last);
		return;
	}
	if (localtime_r(&s, &tm) == NULL) {
		snprintf(buf, len, "%" PRId64, (int64_t)t->tv_sec);
		return;
	}
	if (strftime(last, sizeof(last),
	        recent ? "%b %e %H:%M" : "%b %e  %Y", &tm) == 0) {
		lastrecent = -1;
		snprintf(buf, len, "%" PRId64, (int64_t)t->tv_sec);
		return;
	}
	lastsec = s;
	lastrecent = recent;
	snprintf(buf, len, "%s", last);
}

/* A small cache: images repeat the same few owners over many files. */
#define IDCACHE 64

struct idname {
	unsigned id;
	int used;
	char *name; /* NULL: no name on the host */
};

static const char *
lookup(struct idname *cache, unsigned id, int group)
{
	struct idname *e = &cache[id % IDCACHE];
	const char *name = NULL;

	if (e->used && e->id == id)
		return e->name;
	if (group) {
		struct group *gr = getgrgid((gid_t)id);

		name = gr ? gr->gr_name : NULL;
	} else {
		struct passwd *pw = getpwuid((uid_t)id);

		name = pw ? pw->pw_name : NULL;
	}
	free(e->name);
	e->name = name ? strdup(name) : NULL;
	e->id = id;
	e->used = 1;
	return e->name;
}

const char *
user_name(uid_t uid)
{
	static struct idname users[IDCACHE];

	return lookup(users, (unsigned)uid, 0);
}

const char *
group_name(gid_t gid)
{
	static struct idname groups[IDCACHE];

	return lookup(groups, (unsigned)gid, 1);
}
