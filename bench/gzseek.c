/*
 * gzseek: how fast the gzip image reader seeks.  Opens a .gz image through
 * the host layer's decoder (rumpuser/rumpuser_gz.c), builds the whole
 * index (timed), then reads the last MiB ten times, each from an access
 * point (median reported), and 200 random 64 KiB reads; with the plain
 * image as a second argument every read is compared with it.
 *
 *   gzseek IMAGE.gz [IMAGE]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../rumpuser/rumpuser_cimg.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
check(int pfd, const char *buf, size_t len, uint64_t off)
{
	static char want[1 << 20];
	size_t done;

	if (pfd == -1)
		return 0;
	if (rumpuser_cimg_rd(pfd, want, len, off, &done) || done != len ||
	    memcmp(want, buf, len) != 0) {
		fprintf(stderr, "gzseek: wrong bytes at %llu\n",
		    (unsigned long long)off);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct rumpuser_cimg *c;
	double t, tidx, tl[10], tr = 0;
	uint64_t size, off;
	size_t done;
	int fd, pfd = -1, i;

	if (argc < 2 || (fd = open(argv[1], O_RDONLY)) == -1 ||
	    rumpuser_cimg_open(fd, &c) != 0 || c == NULL) {
		fprintf(stderr, "usage: gzseek IMAGE.gz [IMAGE]\n");
		return 2;
	}
	if (argc > 2 && (pfd = open(argv[2], O_RDONLY)) == -1) {
		perror(argv[2]);
		return 2;
	}
	t = now();
	if (rumpuser_cimg_size(c, &size) != 0 || size < sizeof(buf)) {
		fprintf(stderr, "gzseek: cannot index %s\n", argv[1]);
		return 1;
	}
	tidx = now() - t;
	off = size - sizeof(buf);
	for (i = 0; i < 10; i++) {
		/* a read elsewhere first, so every timed read has to seek */
		if (rumpuser_cimg_pread(c, buf, 4096, 0, &done) != 0)
			return 1;
		t = now();
		if (rumpuser_cimg_pread(c, buf, sizeof(buf), off, &done) != 0 ||
		    done != sizeof(buf))
			return 1;
		tl[i] = now() - t;
		if (check(pfd, buf, sizeof(buf), off) == -1)
			return 1;
	}
	qsort(tl, 10, sizeof(tl[0]), cmpd);
	srand(1);
	for (i = 0; i < 200; i++) {
		off = ((uint64_t)rand() << 16 ^ (uint64_t)rand()) %
		    (size - 65536);
		t = now();
		if (rumpuser_cimg_pread(c, buf, 65536, off, &done) != 0 ||
		    done != 65536)
			return 1;
		tr += now() - t;
		if (check(pfd, buf, 65536, off) == -1)
			return 1;
	}
	printf("gzseek: %s: %llu bytes uncompressed\n", argv[1],
	    (unsigned long long)size);
	printf("gzseek: index build (whole stream): %.3f s\n", tidx);
	printf("gzseek: last MiB after indexing: median %.1f ms, max %.1f ms "
	       "(target < 50 ms)\n",
	    tl[5] * 1e3, tl[9] * 1e3);
	printf("gzseek: random 64 KiB reads: mean %.2f ms\n", tr / 200 * 1e3);
	rumpuser_cimg_close(c);
	return 0;
}
