/*
 * ukfs-info: what an image holds: the detected file-system type, its
 * label, and the statvfs numbers of the mounted file system.
 */
#include <sys/statvfs.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char info_usage[] =
    "usage: ukfs-info [-t type] [-o options] image ...\n";

static void
human(char *buf, size_t len, unsigned long long bytes)
{
	static const char units[] = "KMGTP";
	double v = (double)bytes;
	int i = -1;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu B", bytes);
	else
		snprintf(buf, len, "%.1f %ciB", v, units[i]);
}

static int
info_one(const char *image, const struct common_opts *co)
{
	char label[128], hsize[32], hfree[32];
	struct statvfs sv;
	struct ukfs *u;
	unsigned long long unit;

	u = mount_image(image, co, UKFS_RDONLY);
	if (u == NULL)
		return -1;
	if (ukfs_statvfs(u, "/", &sv) == -1) {
		warnpath(image, "/", errno);
		release_image(u);
		return -1;
	}
	if (ukfs_label(image, 0, ukfs_fstype(u), label, sizeof(label)) == -1)
		label[0] = '\0';
	unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	human(hsize, sizeof(hsize), (unsigned long long)sv.f_blocks * unit);
	human(hfree, sizeof(hfree), (unsigned long long)sv.f_bavail * unit);
	printf("image:        %s\n", image);
	printf("type:         %s\n", ukfs_fstype(u));
	printf("label:        %s\n", label);
	printf("block size:   %lu\n", (unsigned long)sv.f_bsize);
	printf("fragment:     %lu\n", (unsigned long)sv.f_frsize);
	printf("blocks:       %llu total, %llu free, %llu available\n",
	    (unsigned long long)sv.f_blocks, (unsigned long long)sv.f_bfree,
	    (unsigned long long)sv.f_bavail);
	printf("size:         %s, %s available\n", hsize, hfree);
	printf("inodes:       %llu total, %llu free\n",
	    (unsigned long long)sv.f_files, (unsigned long long)sv.f_ffree);
	printf("name max:     %lu\n", (unsigned long)sv.f_namemax);
	return release_image(u);
}

int
ukfs_info_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	int ch, i, status = 0;

	while ((ch = common_getopt(argc, argv, "", &co, info_usage)) != -1)
		if (ch == '?')
			return 1;
	if (argc - optind < 1)
		usage_exit(info_usage);
	for (i = optind; i < argc; i++) {
		if (i > optind)
			putchar('\n');
		if (info_one(argv[i], &co) == -1)
			status = 1;
	}
	return finish_stdout(status);
}
