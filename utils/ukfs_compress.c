/*
 * ukfs-compress: write an image as a NetBSD vndcompress image (the
 * cloop2 layout vnd(4) reads: a 128-byte shell-script header, block size
 * and block count as 32-bit big-endian numbers, n+1 64-bit big-endian
 * block offsets, then each block zlib-compressed; the last block padded
 * with zeros to the block size, as vnd(4) expects whole blocks); or, with
 * -d, write the uncompressed bytes of any image ukfs reads (vndcompress,
 * gzip, a partition).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"

static const char compress_usage[] =
    "usage: ukfs-compress [-b blocksize] [-l level] image output\n"
    "       ukfs-compress -d image output\n";

#define VND_HEAD 128
static const char vnd_script[] =
    "#!/bin/sh\n#V2.0 Format\n"
    "insmod cloop.o file=$0 && mount -r -t iso9660 /dev/cloop $1\n"
    "exit $?\n";

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
be64(unsigned char *p, uint64_t v)
{
	be32(p, (uint32_t)(v >> 32));
	be32(p + 4, (uint32_t)v);
}

static int
pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, p, len, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Read exactly len bytes (fewer at the end: the rest is zeros). */
static int
read_block(struct ukfs_raw *r, const char *in, unsigned char *buf, size_t len,
    uint64_t off)
{
	ssize_t n = ukfs_raw_pread(r, buf, len, off);

	if (n == -1) {
		warnmsg("%s: read error at byte %llu: %s", in,
		    (unsigned long long)off, strerror(errno));
		return -1;
	}
	memset(buf + n, 0, len - (size_t)n);
	return 0;
}

static int
do_compress(const char *in, const char *out, uint32_t bsize, int level)
{
	unsigned char head[VND_HEAD + 8], *blk = NULL, *z = NULL, *tab = NULL;
	struct ukfs_raw *r;
	uint64_t size, nblocks, pos, i;
	uLongf zlen;
	size_t tabsize;
	int fd = -1, rv = -1;

	if ((r = ukfs_raw_open(in)) == NULL) {
		warnmsg("%s", ukfs_errmsg());
		return -1;
	}
	ukfs_raw_size(r, &size);
	nblocks = (size + bsize - 1) / bsize;
	if (nblocks > UINT32_MAX - 1) {
		warnmsg("%s: too many blocks; use a larger -b", in);
		goto out;
	}
	tabsize = (size_t)(nblocks + 1) * 8;
	blk = malloc(bsize);
	z = malloc(compressBound(bsize));
	tab = malloc(tabsize);
	if (blk == NULL || z == NULL || tab == NULL) {
		warnmsg("%s", strerror(ENOMEM));
		goto out;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		warnmsg("%s: %s", out, strerror(errno));
		goto out;
	}
	memset(head, 0, sizeof(head));
	memcpy(head, vnd_script, sizeof(vnd_script) - 1);
	be32(head + VND_HEAD, bsize);
	be32(head + VND_HEAD + 4, (uint32_t)nblocks);
	pos = sizeof(head) + tabsize;
	for (i = 0; i < nblocks; i++) {
		if (read_block(r, in, blk, bsize, i * bsize) == -1)
			goto out;
		zlen = compressBound(bsize);
		if (compress2(z, &zlen, blk, bsize, level) != Z_OK) {
			warnmsg("%s: zlib cannot compress block %llu", out,
			    (unsigned long long)i);
			goto out;
		}
		be64(tab + 8 * i, pos);
		if (pwrite_all(fd, z, zlen, pos) == -1)
			goto werr;
		pos += zlen;
	}
	be64(tab + 8 * nblocks, pos);
	if (pwrite_all(fd, head, sizeof(head), 0) == -1 ||
	    pwrite_all(fd, tab, tabsize, sizeof(head)) == -1)
		goto werr;
	if (close(fd) == -1) {
		fd = -1;
		goto werr;
	}
	fd = -1;
	rv = 0;
	goto out;
werr:
	warnmsg("%s: write error: %s", out, strerror(errno));
out:
	if (fd != -1)
		close(fd);
	free(blk);
	free(z);
	free(tab);
	ukfs_raw_close(r);
	return rv;
}

static int
do_decompress(const char *in, const char *out)
{
	/* 64 KiB at a time: a damaged block is reported near its place */
	static unsigned char buf[1 << 16];
	struct ukfs_raw *r;
	uint64_t off = 0;
	ssize_t n;
	int fd, rv = 0;

	if ((r = ukfs_raw_open(in)) == NULL) {
		warnmsg("%s", ukfs_errmsg());
		return -1;
	}
	fd = strcmp(out, "-") == 0
	    ? STDOUT_FILENO
	    : open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		warnmsg("%s: %s", out, strerror(errno));
		ukfs_raw_close(r);
		return -1;
	}
	while ((n = ukfs_raw_pread(r, buf, sizeof(buf), off)) > 0) {
		if (write_all(fd, buf, (size_t)n) == -1) {
			warnmsg("%s: write error: %s", out, strerror(errno));
			rv = -1;
			break;
		}
		off += (uint64_t)n;
	}
	if (n == -1) {
		warnmsg("%s: read error at byte %llu: %s (damaged data?)", in,
		    (unsigned long long)off, strerror(errno));
		rv = -1;
	}
	if (fd != STDOUT_FILENO && close(fd) == -1 && rv == 0) {
		warnmsg("%s: write error: %s", out, strerror(errno));
		rv = -1;
	}
	ukfs_raw_close(r);
	return rv;
}

int
ukfs_compress_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	uint64_t bsize = 65536;
	int ch, dflag = 0, level = Z_BEST_COMPRESSION;
	char *end;

	while ((ch = common_getopt(argc, argv, "b:dl:", &co, compress_usage)) !=
	    -1) {
		switch (ch) {
		case 'b':
			if (parse_size(optarg, &bsize) == -1 || bsize == 0 ||
			    bsize % 512 != 0 || bsize > (1u << 24)) {
				warnmsg("-b %s: a multiple of 512 up to 16m",
				    optarg);
				return 1;
			}
			break;
		case 'd':
			dflag = 1;
			break;
		case 'l':
			level = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || level < 1 || level > 9) {
				warnmsg("-l %s: a level from 1 to 9", optarg);
				return 1;
			}
			break;
		default:
			return 1;
		}
	}
	if (argc - optind != 2)
		usage_exit(compress_usage);
	if (dflag)
		return do_decompress(argv[optind], argv[optind + 1]) ? 1 : 0;
	return do_compress(
	           argv[optind], argv[optind + 1], (uint32_t)bsize, level)
	    ? 1
	    : 0;
}
