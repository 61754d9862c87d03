/*
 * ukfs-fsck: check (and with -y repair) the file system in an image with
 * the kernel file system's own checker.  Exit status as fsck(8): 0 clean,
 * 1 problems found and repaired, 4 problems left, 8 the check could not
 * run, 16 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define FSCK_OK       0
#define FSCK_REPAIRED 1
#define FSCK_LEFT     4
#define FSCK_FAILED   8
#define FSCK_USAGE    16
#define REPORTSIZE    (4 << 20)

static const char fsck_usage[] =
    "usage: ukfs-fsck [-n | -y] [-t type] [-o options] image\n"
    "  -n: check only (the default); -y: repair\n"
    "  exit: 0 clean, 1 repaired, 4 problems left, 8 not checked, 16 usage\n";

int
ukfs_fsck_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	char *report, *opts;
	const char *image;
	int ch, nproblems = 0, repair = 0, status;
	size_t n;

	while ((ch = common_getopt(argc, argv, "ny", &co, fsck_usage)) != -1) {
		switch (ch) {
		case 'n':
			repair = 0;
			break;
		case 'y':
			repair = 1;
			break;
		default:
			return FSCK_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage_print(stderr, fsck_usage);
		return FSCK_USAGE;
	}
	image = argv[optind];
	report = malloc(REPORTSIZE);
	if (asprintf(&opts, "%s%s%s", co.options ? co.options : "",
	        co.options && repair ? "," : "", repair ? "repair" : "") == -1)
		opts = NULL;
	if (report == NULL || opts == NULL) {
		warnmsg("%s", strerror(ENOMEM));
		free(report);
		free(opts);
		return FSCK_FAILED;
	}
	if (ukfs_fsck(co.fstype, image, 0, 0, opts, report, REPORTSIZE,
	        &nproblems) == -1) {
		warnmsg("%s", ukfs_errmsg());
		status = FSCK_FAILED;
	} else {
		n = strlen(report);
		fputs(report, stdout);
		if (n > 0 && report[n - 1] != '\n')
			putchar('\n');
		if (n + 1 >= REPORTSIZE)
			printf("(the report was cut short)\n");
		if (nproblems == 0) {
			printf("%s: clean\n", image);
			status = FSCK_OK;
		} else {
			printf("%s: %d problem%s %s\n", image, nproblems,
			    nproblems == 1 ? "" : "s",
			    repair ? "found and repaired" : "found");
			status = repair ? FSCK_REPAIRED : FSCK_LEFT;
		}
	}
	free(report);
	free(opts);
	status = finish_stdout(status) ? (status ? status : FSCK_FAILED) : 0;
	return status;
}
