/*
 * randread: random 4 KiB reads of one file, for the random-read rows of
 * make bench.  The same offsets (from the seed) are read whichever way
 * the file is reached, and an FNV-1a hash of the first and last 16 bytes
 * of every block read is printed, so two runs that must agree can be
 * compared (hashing every byte would time the hash, not the reads).
 *
 *   randread [-n COUNT] [-b BYTES] [-s SEED] FILE
 *	pread on a host path (a FUSE mount, a loop mount, the host file)
 *   randread [-n COUNT] [-b BYTES] [-s SEED] IMAGE:PATH
 *	libukfs: the image mounted read-only in this process
 *
 * Offsets are multiples of BYTES (default 4096) below the file size;
 * COUNT defaults to 20000.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ukfs.h"

/* xorshift64*: the same sequence on every host */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint64_t
fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: randread [-n COUNT] [-b BYTES] [-s SEED] "
	    "FILE|IMAGE:PATH\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	unsigned long count = 20000, bsize = 4096, i;
	uint64_t seed = 1, h = 14695981039346656037ULL, size, nblk, off;
	struct ukfs *u = NULL;
	struct stat st;
	char *arg, *colon, *buf;
	ssize_t got;
	int c, fd;

	while ((c = getopt(argc, argv, "n:b:s:")) != -1) {
		switch (c) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			bsize = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || bsize == 0 || bsize > (1u << 24))
		usage();
	arg = argv[optind];
	if (seed == 0)
		seed = 1;
	if ((buf = malloc(bsize)) == NULL)
		return 1;
	colon = strchr(arg, ':');
	if (colon != NULL) {
		*colon = '\0';
		u = ukfs_mount(NULL, arg, 0, 0, UKFS_RDONLY, NULL, NULL);
		if (u == NULL) {
			fprintf(stderr, "randread: %s\n", ukfs_errmsg());
			return 1;
		}
		fd = ukfs_open(u, colon + 1, O_RDONLY);
		if (fd == -1 || ukfs_fstat(u, fd, &st) == -1) {
			fprintf(stderr, "randread: %s:%s: %s\n", arg, colon + 1,
			    strerror(errno));
			return 1;
		}
	} else {
		fd = open(arg, O_RDONLY);
		if (fd == -1 || fstat(fd, &st) == -1) {
			fprintf(
			    stderr, "randread: %s: %s\n", arg, strerror(errno));
			return 1;
		}
	}
	size = (uint64_t)st.st_size;
	nblk = size / bsize;
	if (nblk == 0) {
		fprintf(stderr, "randread: %s: shorter than %lu bytes\n", arg,
		    bsize);
		return 1;
	}
	for (i = 0; i < count; i++) {
		off = next_rand(&seed) % nblk * bsize;
		got = u != NULL ? ukfs_pread(u, fd, buf, bsize, (off_t)off)
		                : pread(fd, buf, bsize, (off_t)off);
		if (got != (ssize_t)bsize) {
			fprintf(stderr,
			    "randread: %s: read at %" PRIu64 ": %s\n", arg, off,
			    got == -1 ? strerror(errno) : "short read");
			return 1;
		}
		h = fnv(h, (const unsigned char *)buf, bsize < 16 ? bsize : 16);
		if (bsize > 16)
			h = fnv(h, (const unsigned char *)buf + bsize - 16, 16);
	}
	printf("%016" PRIx64 "\n", h);
	if (u != NULL) {
		ukfs_close(u, fd);
		if (ukfs_release(u, 0) == -1)
			return 1;
	} else
		close(fd);
	free(buf);
	return 0;
}
