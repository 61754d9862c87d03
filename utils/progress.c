/*
 * The progress line of long copies (see progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "progress.h"

#define PROGRESS_TICK_NS 250000000L
/*
 * A file costs about as much as this many bytes of data (its lookup,
 * creation and attributes), so that the time left of a tree of small
 * files is not read off its bytes alone.
 */
#define PROGRESS_FILE_BYTES 16384.0

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* "12.3 MiB": bytes in binary units, three significant figures or so. */
static void
human(char *buf, size_t len, double v)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	size_t u = 0;

	while (v >= 1024 && u < sizeof(unit) / sizeof(unit[0]) - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u == 0 ? "%.0f %s" : "%.1f %s", v, unit[u]);
}

static void
draw(struct progress *p, const struct timespec *now, int last)
{
	double secs = since(&p->start, now);
	double rate = secs > 0 ? (double)p->bytes / secs : 0;
	char done[32], speed[32], left[48] = "";

	double fb = p->tfiles > 0 ? PROGRESS_FILE_BYTES : 0;
	double work = (double)p->bytes + fb * (double)p->files;
	double all = (double)p->total + fb * (double)p->tfiles;

	human(done, sizeof(done), (double)p->bytes);
	human(speed, sizeof(speed), rate);
	/* time left: the time so far, scaled by the work still to do */
	if (all > 0 && !last && work > 0 && secs > 0 && all > work) {
		unsigned long s =
		    (unsigned long)(secs * (all - work) / work + 0.5);

		snprintf(left, sizeof(left), ", %u%%, %lu:%02lu left",
		    (unsigned)(100 * work / all), s / 60, s % 60);
	}
	fprintf(stderr, "\r%s: %llu files, %s, %s/s, %.1f s%s\033[K",
	    progname, (unsigned long long)p->files, done, speed, secs, left);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
	p->drawn = 1;
}

void
progress_init(struct progress *p, int wanted)
{
	const char *env = getenv("UKFS_PROGRESS");

	memset(p, 0, sizeof(*p));
	if (env != NULL && *env != '\0')
		p->on = strcmp(env, "0") != 0;
	else
		p->on = wanted && isatty(STDERR_FILENO);
	p->tick_ns = env != NULL && strcmp(env, "all") == 0 ? 0
	                                                    : PROGRESS_TICK_NS;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	/* ticks are measured on the cheap clock, which may lag the other */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &p->last);
}

void
progress_total(struct progress *p, uint64_t bytes)
{
	p->total = bytes;
	p->tfiles = 0;
}

void
progress_expect(struct progress *p, uint64_t files, uint64_t bytes)
{
	p->total = bytes;
	p->tfiles = files;
}

void
progress_add(struct progress *p, uint64_t bytes, uint64_t files)
{
	struct timespec now;

	p->bytes += bytes;
	p->files += files;
	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (p->tick_ns > 0 &&
	    (now.tv_sec - p->last.tv_sec) * 1000000000L +
	        (now.tv_nsec - p->last.tv_nsec) <
	    p->tick_ns)
		return;
	p->last = now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	draw(p, &now, 0);
}

void
progress_done(struct progress *p)
{
	struct timespec now;

	if (!p->on || !p->drawn)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	draw(p, &now, 1);
}
