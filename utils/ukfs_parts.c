/*
 * ukfs-parts: the partitions of an image (MBR with logical partitions,
 * GPT, disklabels), each with the name that reaches it, its place, its
 * type and the file system found in it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char parts_usage[] = "usage: ukfs-parts image ...\n";

/* The file system in [offset, ...) of host, or why there is none. */
static void
fs_of(const char *host, uint64_t offset, int container, char *buf, size_t len)
{
	if (container) {
		snprintf(buf, len, "(extended)");
		return;
	}
	if (ukfs_detect(host, offset, buf, len) == 0)
		return;
	snprintf(buf, len, "%s",
	    errno == ENODEV       ? "-"
	        : errno == EINVAL ? "ambiguous"
	                          : "?");
}

int
parts_print(const char *image)
{
	struct ukfs_part *p;
	char note[256], fs[32], addr[32], *host;
	uint64_t base, size;
	size_t i, n;

	if (ukfs_resolve(image, &host, &base, &size) == -1 ||
	    ukfs_partitions(image, &p, &n, note, sizeof(note)) == -1) {
		warnmsg("%s", ukfs_errmsg());
		return -1;
	}
	if (note[0] != '\0')
		warnmsg("%s: %s", image, note);
	if (n == 0) {
		printf("%s: no partition table", image);
		fs_of(host, base, 0, fs, sizeof(fs));
		printf("; file system: %s\n", fs);
		free(host);
		return 0;
	}
	printf("%-16s %-9s %14s %14s %-26s %-10s %s\n", "PARTITION", "SCHEME",
	    "START", "SIZE", "TYPE", "FS", "NAME");
	for (i = 0; i < n; i++) {
		if (p[i].letter)
			snprintf(addr, sizeof(addr), "%%DISKLABEL:%c%%",
			    p[i].letter);
		else
			snprintf(addr, sizeof(addr), "@%u", p[i].number);
		fs_of(host, base + p[i].offset, p[i].container, fs, sizeof(fs));
		printf("%-16s %-9s %14" PRIu64 " %14" PRIu64
		       " %-26.26s %-10s %s\n",
		    addr, p[i].scheme, p[i].offset, p[i].size, p[i].type, fs,
		    p[i].name);
	}
	free(p);
	free(host);
	return 0;
}

int
ukfs_parts_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	int ch, i, status = 0;

	while ((ch = common_getopt(argc, argv, "", &co, parts_usage)) != -1)
		if (ch == '?')
			return 1;
	if (argc - optind < 1)
		usage_exit(parts_usage);
	for (i = optind; i < argc; i++) {
		if (argc - optind > 1)
			printf("%s%s:\n", i > optind ? "\n" : "", argv[i]);
		if (parts_print(argv[i]) == -1)
			status = 1;
	}
	return finish_stdout(status);
}
