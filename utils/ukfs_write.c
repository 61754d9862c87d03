/* ukfs-write: write standard input to a file in an image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define WRBUF (1024 * 1024)

static const char write_usage[] =
    "usage: ukfs-write [-a] [-t type] [-o options] image path\n"
    "       ukfs-write [-a] [-t type] [-o options] image:path\n";

/* Fill buf from standard input as far as it goes; bytes read or -1. */
static ssize_t
read_full(char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(STDIN_FILENO, buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int
copy_in(struct ukfs *u, const char *image, const char *path, int fd, char *buf)
{
	ssize_t n, w;
	size_t off;

	while ((n = read_full(buf, WRBUF)) > 0) {
		for (off = 0; off < (size_t)n; off += (size_t)w) {
			w = ukfs_write(u, fd, buf + off, (size_t)n - off);
			if (w <= 0) {
				warnpath(image, path, w == 0 ? EIO : errno);
				return -1;
			}
		}
	}
	if (n == -1) {
		warnmsg("standard input: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
ukfs_write_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct ukfs *u;
	char *image, **paths, *buf;
	int ch, n, fd, aflag = 0, status = 0;

	while ((ch = common_getopt(argc, argv, "a", &co, write_usage)) != -1) {
		if (ch != 'a')
			return 1;
		aflag = 1;
	}
	if (path_operands(
	        argc - optind, argv + optind, 1, &image, &paths, &n) == -1 ||
	    n != 1)
		usage_exit(write_usage);
	buf = malloc(WRBUF);
	u = buf ? mount_image(image, &co, UKFS_RDWR) : NULL;
	if (u == NULL) {
		if (buf == NULL)
			warnmsg("%s", strerror(ENOMEM));
		free(buf);
		free_operands(image, paths, n);
		return 1;
	}
	fd = ukfs_open(u, paths[0],
	    O_WRONLY | O_CREAT | (aflag ? O_APPEND : O_TRUNC),
	    0666 & ~host_umask());
	if (fd == -1) {
		warnpath(image, paths[0], errno);
		status = 1;
	} else {
		if (copy_in(u, image, paths[0], fd, buf) == -1)
			status = 1;
		if (ukfs_close(u, fd) == -1) {
			warnpath(image, paths[0], errno);
			status = 1;
		}
	}
	if (release_image(u) == -1)
		status = 1;
	free(buf);
	free_operands(image, paths, n);
	return status;
}
