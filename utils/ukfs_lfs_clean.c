/*
 * ukfs-lfs-clean: run the LFS cleaner over an image now.  The image is
 * mounted read-write with the mount option "clean": the kernel cleans
 * every dirty segment it can (by cost-benefit, rewriting live blocks at
 * the head of the log) and writes a checkpoint; the unmount writes the
 * last one.  The free space before and after is printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char lfs_clean_usage[] =
    "usage: ukfs-lfs-clean [-o options] image\n";

static int
lfs_free_bytes(const char *image, const struct common_opts *co, int flags,
    unsigned long long *freep)
{
	struct statvfs sv;
	struct ukfs *u;

	if ((u = mount_image(image, co, flags)) == NULL)
		return -1;
	if (ukfs_statvfs(u, "/", &sv) == -1) {
		warnmsg("%s: %s", image, ukfs_errmsg());
		(void)release_image(u);
		return -1;
	}
	*freep = (unsigned long long)sv.f_bfree * sv.f_frsize;
	return release_image(u);
}

int
ukfs_lfs_clean_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	unsigned long long before, after;
	const char *image;
	char *opts;
	int ch;

	while ((ch = common_getopt(argc, argv, "", &co, lfs_clean_usage)) !=
	    -1)
		return 1;
	if (argc - optind != 1)
		usage_exit(lfs_clean_usage);
	image = argv[optind];
	if (co.fstype != NULL && strcmp(co.fstype, "lfs") != 0) {
		warnmsg("%s: only lfs images have a cleaner", image);
		return 1;
	}
	co.fstype = "lfs";
	if (lfs_free_bytes(image, &co, UKFS_RDONLY, &before) == -1)
		return 1;
	if (asprintf(&opts, "%s%sclean", co.options ? co.options : "",
	        co.options ? "," : "") == -1) {
		warnmsg("%s", strerror(ENOMEM));
		return 1;
	}
	co.options = opts;
	if (lfs_free_bytes(image, &co, UKFS_RDWR, &after) == -1) {
		free(opts);
		return 1;
	}
	free(opts);
	printf("%s: cleaned: %llu bytes free before, %llu after\n", image,
	    before, after);
	return 0;
}
