/*
 * ukfs-stat: describe files in an image the way stat(1) of GNU coreutils
 * does by default.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "lsformat.h"

static const char stat_usage[] =
    "usage: ukfs-stat [-L] [-t type] [-o options] image path ...\n"
    "       ukfs-stat [-L] [-t type] [-o options] image:path [path ...]\n";

static const char *
type_name(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		return st->st_size == 0 ? "regular empty file" : "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	case S_IFCHR:
		return "character special file";
	case S_IFBLK:
		return "block special file";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	}
	return "weird file";
}

/* "2009-02-13 23:31:30.000000000 +0000", in local time. */
static void
print_time(const char *label, const struct timespec *ts)
{
	char date[64], zone[16];
	struct tm tm;
	time_t t = ts->tv_sec;

	if (localtime_r(&t, &tm) == NULL) {
		printf("%s: %" PRId64 ".%09ld\n", label, (int64_t)ts->tv_sec,
		    ts->tv_nsec);
		return;
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	printf("%s: %s.%09ld %s\n", label, date, ts->tv_nsec, zone);
}

static void
print_name(struct ukfs *u, const char *path, const struct stat *st)
{
	char target[4096];
	ssize_t n;

	/* unquoted, as GNU stat prints names when not on a terminal */
	printf("  File: %s", path);
	if (S_ISLNK(st->st_mode)) {
		n = ukfs_readlink(u, path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf(" -> %s", target);
		}
	}
	putchar('\n');
}

static void
print_stat(struct ukfs *u, const char *path, const struct ukfs_xstat *xst)
{
	const struct stat *st = &xst->st;
	char num[32], mode[12];
	const char *user, *group;

	print_name(u, path, st);
	snprintf(num, sizeof(num), "%" PRIdMAX, (intmax_t)st->st_size);
	printf("  Size: %-10s\tBlocks: %-10" PRIdMAX " IO Block: %-6ld %s\n",
	    num, (intmax_t)st->st_blocks, (long)st->st_blksize, type_name(st));
	snprintf(num, sizeof(num), "%" PRIuMAX, (uintmax_t)st->st_ino);
	printf("Device: %u,%u\tInode: %-11s Links: ", major(st->st_dev),
	    minor(st->st_dev), num);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("%-5ju Device type: %u,%u\n", (uintmax_t)st->st_nlink,
		    major(st->st_rdev), minor(st->st_rdev));
	else
		printf("%ju\n", (uintmax_t)st->st_nlink);
	mode_string(st->st_mode, mode);
	user = user_name(st->st_uid);
	group = group_name(st->st_gid);
	printf("Access: (%04o/%s)  Uid: (%5ju/%8s)   Gid: (%5ju/%8s)\n",
	    (unsigned)(st->st_mode & 07777), mode, (uintmax_t)st->st_uid,
	    user ? user : "UNKNOWN", (uintmax_t)st->st_gid,
	    group ? group : "UNKNOWN");
	print_time("Access", &st->st_atim);
	print_time("Modify", &st->st_mtim);
	print_time("Change", &st->st_ctim);
	if (xst->birthtime.tv_sec == -1)
		printf(" Birth: -\n");
	else
		print_time(" Birth", &xst->birthtime);
}

int
ukfs_stat_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct ukfs_xstat xst;
	char *image, *first;
	struct ukfs *u;
	int ch, i, follow = 0, status = 0;
	const char *path;

	while ((ch = common_getopt(argc, argv, "L", &co, stat_usage)) != -1) {
		if (ch == '?')
			return 1;
		if (ch == 'L')
			follow = 1;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || image_operand(argv[0], &image, &first) == -1)
		usage_exit(stat_usage);
	if (first == NULL && argc < 2)
		usage_exit(stat_usage);
	u = mount_image(image, &co, UKFS_RDONLY);
	if (u == NULL) {
		free(image);
		free(first);
		return 1;
	}
	for (i = first ? 0 : 1; i < argc; i++) {
		path = i == 0 ? first : argv[i];
		if (ukfs_xstat(u, AT_FDCWD, path, &xst,
		        follow ? 0 : AT_SYMLINK_NOFOLLOW) == -1) {
			warnpath(image, path, errno);
			status = 1;
			continue;
		}
		print_stat(u, path, &xst);
	}
	status = finish_stdout(status);
	if (ukfs_release(u, 0) == -1) {
		warnmsg("%s", ukfs_errmsg());
		status = 1;
	}
	free(image);
	free(first);
	return status;
}
