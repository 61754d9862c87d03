/* ukfs-cat: copy files from an image to standard output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define CATBUF (1024 * 1024)

static const char cat_usage[] =
    "usage: ukfs-cat [-t type] [-o options] image path ...\n"
    "       ukfs-cat [-t type] [-o options] image:path [path ...]\n";

/* Copy one file; 0, or -1 after printing a message. */
static int
cat_one(struct ukfs *u, const char *image, const char *path, char *buf)
{
	ssize_t n;
	int fd, error = 0;

	fd = ukfs_open(u, path, O_RDONLY);
	if (fd == -1) {
		warnpath(image, path, errno);
		return -1;
	}
	while ((n = ukfs_read(u, fd, buf, CATBUF)) > 0) {
		if (write_all(STDOUT_FILENO, buf, (size_t)n) == -1) {
			warnmsg("write error: %s", strerror(errno));
			ukfs_close(u, fd);
			return -2;
		}
	}
	if (n == -1) {
		error = errno;
		warnpath(image, path, error);
	}
	ukfs_close(u, fd);
	return error ? -1 : 0;
}

int
ukfs_cat_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	char *image, *first, *buf;
	struct ukfs *u;
	int ch, i, rv, status = 0;

	while ((ch = common_getopt(argc, argv, "", &co, cat_usage)) != -1)
		if (ch == '?')
			return 1;
	argc -= optind;
	argv += optind;
	if (argc < 1 || image_operand(argv[0], &image, &first) == -1)
		usage_exit(cat_usage);
	if (first == NULL && argc < 2)
		usage_exit(cat_usage);
	buf = malloc(CATBUF);
	u = buf != NULL ? mount_image(image, &co, UKFS_RDONLY) : NULL;
	if (u == NULL) {
		if (buf == NULL)
			warnmsg("%s", strerror(errno));
		free(buf);
		free(image);
		free(first);
		return 1;
	}
	if (first != NULL && cat_one(u, image, first, buf) != 0)
		status = 1;
	for (i = 1; i < argc; i++) {
		rv = cat_one(u, image, argv[i], buf);
		if (rv != 0)
			status = 1;
		if (rv == -2)
			break;
	}
	if (ukfs_release(u, 0) == -1) {
		warnmsg("%s", ukfs_errmsg());
		status = 1;
	}
	free(buf);
	free(image);
	free(first);
	return status;
}
