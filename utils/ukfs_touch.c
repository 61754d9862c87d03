/* ukfs-touch: change file times in an image, making files, as touch(1). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "common.h"

static const char touch_usage[] =
    "usage: ukfs-touch [-acmh] [-d date | -r ref | -t stamp] [-t type] "
    "[-o options]\n"
    "                  image path ...  (or image:path [path ...])\n"
    "  date: YYYY-MM-DD[ HH:MM[:SS[.frac]]][Z|+HH:MM], or @SECONDS[.frac]\n"
    "  stamp: [[CC]YY]MMDDhhmm[.ss] (-t with digits; else -t is the type)\n"
    "  ref: a file in the image\n";

/* Up to 9 fraction digits after a '.' into nanoseconds. */
static int
parse_frac(const char **sp, long *nsec)
{
	const char *s = *sp;
	long v = 0;
	int n = 0;

	*nsec = 0;
	if (*s != '.' && *s != ',')
		return 0;
	s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++)
		if (n < 9) {
			v = v * 10 + (*s - '0');
			n++;
		}
	while (n++ < 9)
		v *= 10;
	*nsec = v;
	*sp = s;
	return 0;
}

/* Exactly n digits. */
static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

/* "", "Z", "UTC", "+HH:MM", "-HHMM": *utc set, *off seconds east. */
static int
parse_zone(const char *s, int *utc, long *off)
{
	int h, m = 0, sign;

	*utc = 0;
	*off = 0;
	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	*utc = 1;
	if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0 ||
	    strcmp(s, "GMT") == 0)
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 2, &h) == -1)
		return -1;
	if (*s == ':')
		s++;
	if (*s != '\0' && digits(&s, 2, &m) == -1)
		return -1;
	if (*s != '\0' || h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

/* The time tm describes, in UTC (utc) or local time. */
static int
make_time(struct tm *tm, int utc, long off, struct timespec *ts)
{
	struct tm check = *tm;
	time_t t;

	tm->tm_isdst = -1;
	t = utc ? timegm(tm) : mktime(tm);
	if (t == (time_t)-1 && (check.tm_year != 69 || check.tm_mon != 11))
		return -1;
	/* reject 2023-02-30 and the like, which mktime moves on */
	if (tm->tm_mday != check.tm_mday || tm->tm_mon != check.tm_mon)
		return -1;
	ts->tv_sec = t - off;
	return 0;
}

/* -d: ISO 8601-like dates, or @seconds. */
static int
parse_date(const char *s, struct timespec *ts)
{
	struct tm tm;
	long off;
	int utc, y, mo, d, h = 0, mi = 0, sec = 0;
	char *end;

	if (strcmp(s, "now") == 0)
		return clock_gettime(CLOCK_REALTIME, ts);
	if (s[0] == '@') {
		errno = 0;
		ts->tv_sec = (time_t)strtoll(s + 1, &end, 10);
		if (errno != 0 || end == s + 1)
			return -1;
		s = end;
		return parse_frac(&s, &ts->tv_nsec) == -1 || *s != '\0' ? -1
		                                                        : 0;
	}
	ts->tv_nsec = 0;
	if (digits(&s, 4, &y) == -1 || *s++ != '-' ||
	    digits(&s, 2, &mo) == -1 || *s++ != '-' || digits(&s, 2, &d) == -1)
		return -1;
	if (*s == 'T' || (*s == ' ' && isdigit((unsigned char)s[1]))) {
		s++;
		if (digits(&s, 2, &h) == -1 || *s++ != ':' ||
		    digits(&s, 2, &mi) == -1)
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec) == -1 ||
			    parse_frac(&s, &ts->tv_nsec) == -1)
				return -1;
		}
	}
	if (parse_zone(s, &utc, &off) == -1 || mo < 1 || mo > 12 || d < 1 ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return make_time(&tm, utc, off, ts);
}

/* -t STAMP: [[CC]YY]MMDDhhmm[.ss] in local time. */
static int
parse_stamp(const char *s, struct timespec *ts)
{
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	struct tm tm;
	time_t now = time(NULL);
	int cc = -1, yy = -1, v;

	memset(&tm, 0, sizeof(tm));
	if (strspn(s, "0123456789") != n || (n != 8 && n != 10 && n != 12))
		return -1;
	if (n == 12 && digits(&s, 2, &cc) == -1)
		return -1;
	if (n >= 10 && digits(&s, 2, &yy) == -1)
		return -1;
	if (yy == -1) {
		localtime_r(&now, &tm);
		v = tm.tm_year + 1900;
	} else if (cc == -1)
		v = yy < 69 ? 2000 + yy : 1900 + yy; /* as POSIX says */
	else
		v = cc * 100 + yy;
	tm.tm_year = v - 1900;
	if (digits(&s, 2, &v) == -1 || v < 1 || v > 12)
		return -1;
	tm.tm_mon = v - 1;
	if (digits(&s, 2, &tm.tm_mday) == -1 || digits(&s, 2, &tm.tm_hour) ||
	    digits(&s, 2, &tm.tm_min) == -1 || tm.tm_mday < 1 ||
	    tm.tm_hour > 23 || tm.tm_min > 59)
		return -1;
	tm.tm_sec = 0;
	if (*s == '.') {
		s++;
		if (digits(&s, 2, &tm.tm_sec) == -1 || *s != '\0' ||
		    tm.tm_sec > 60)
			return -1;
	}
	ts->tv_nsec = 0;
	return make_time(&tm, 0, 0, ts);
}

struct touch {
	struct ukfs *u;
	const char *image;
	int cflag, hflag;
	int which; /* 1 atime, 2 mtime, 3 both */
	struct timespec ts[2];
	int given; /* ts holds -d, -r or -t times (else now) */
};

static int
touch_one(struct touch *t, const char *path)
{
	struct timespec ts[2];
	struct stat st;
	int fd, i;

	if (!t->cflag && !t->hflag && ukfs_lstat(t->u, path, &st) == -1 &&
	    errno == ENOENT) {
		fd = ukfs_open(t->u, path, O_WRONLY | O_CREAT | O_NONBLOCK,
		    0666 & ~host_umask());
		if (fd == -1) {
			warnpath(t->image, path, errno);
			return -1;
		}
		ukfs_close(t->u, fd);
	}
	for (i = 0; i < 2; i++) {
		if (!(t->which & (1 << i))) {
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_OMIT;
		} else if (t->given)
			ts[i] = t->ts[i];
		else {
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_NOW;
		}
	}
	if (ukfs_utimens(t->u, path, ts, t->hflag ? AT_SYMLINK_NOFOLLOW : 0) ==
	    -1) {
		if (errno == ENOENT && (t->cflag || t->hflag))
			return 0;
		warnpath(t->image, path, errno);
		return -1;
	}
	return 0;
}

static int
parse_opts(int argc, char **argv, struct common_opts *co, struct touch *t,
    const char **date, const char **ref, const char **stamp)
{
	int ch;

	while ((ch = common_getopt(
	            argc, argv, "acmhd:r:t:", co, touch_usage)) != -1) {
		switch (ch) {
		case 'a':
			t->which |= 1;
			break;
		case 'm':
			t->which |= 2;
			break;
		case 'c':
			t->cflag = 1;
			break;
		case 'h':
			t->hflag = 1;
			break;
		case 'd':
			*date = optarg;
			break;
		case 'r':
			*ref = optarg;
			break;
		case 't':
			/* a stamp is all digits; a type name never is */
			if (optarg[0] >= '0' && optarg[0] <= '9')
				*stamp = optarg;
			else
				co->fstype = optarg;
			break;
		default:
			return -1;
		}
	}
	if (t->which == 0)
		t->which = 3;
	if ((*date != NULL) + (*ref != NULL) + (*stamp != NULL) > 1) {
		warnmsg("give only one of -d, -r and -t STAMP");
		return -1;
	}
	if (*date != NULL && parse_date(*date, &t->ts[0]) == -1) {
		warnmsg("invalid date '%s'", *date);
		return -1;
	}
	if (*stamp != NULL && parse_stamp(*stamp, &t->ts[0]) == -1) {
		warnmsg("invalid date format '%s'", *stamp);
		return -1;
	}
	t->ts[1] = t->ts[0];
	t->given = *date != NULL || *stamp != NULL || *ref != NULL;
	return 0;
}

int
ukfs_touch_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	const char *date = NULL, *ref = NULL, *stamp = NULL;
	struct touch t;
	struct stat st;
	char *image, **paths;
	int i, n, status = 0;

	memset(&t, 0, sizeof(t));
	if (parse_opts(argc, argv, &co, &t, &date, &ref, &stamp) == -1)
		return 1;
	if (path_operands(
	        argc - optind, argv + optind, 1, &image, &paths, &n) == -1)
		usage_exit(touch_usage);
	t.image = image;
	t.u = mount_image(image, &co, UKFS_RDWR);
	if (t.u == NULL) {
		free_operands(image, paths, n);
		return 1;
	}
	if (ref != NULL && ukfs_stat(t.u, ref, &st) == -1) {
		warnpath(image, ref, errno);
		status = 1;
	} else {
		if (ref != NULL) {
			t.ts[0] = st.st_atim;
			t.ts[1] = st.st_mtim;
		}
		for (i = 0; i < n; i++)
			if (touch_one(&t, paths[i]) == -1)
				status = 1;
	}
	if (release_image(t.u) == -1)
		status = 1;
	free_operands(image, paths, n);
	return finish_stdout(status);
}
