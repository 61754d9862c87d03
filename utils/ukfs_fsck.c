/*
 * ukfs-fsck: check (and with -y repair) the file system in an image with
 * the kernel file system's own checker.  Exit status as fsck(8): 0 clean,
 * 1 problems found and all repaired, 4 problems left (found with -n, or
 * not repairable with -y), 8 the check could not run, 16 usage error.
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
    "usage: ukfs-fsck [-n | -y] [-f] [-t type] [-o options] image\n"
    "  -n: check only (the default); -y: repair; -f: accepted (the check\n"
    "  is always full)\n"
    "  exit: 0 clean, 1 repaired, 4 problems left, 8 not checked, 16 usage\n";

int
ukfs_fsck_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	char *report, *opts;
	const char *image;
	int ch, nfound = 0, nleft = 0, repair = 0, status;
	size_t n;

	while ((ch = common_getopt(argc, argv, "nyf", &co, fsck_usage)) != -1) {
		switch (ch) {
		case 'n':
			repair = 0;
			break;
		case 'y':
			repair = 1;
			break;
		case 'f':
			break; /* the checkers never skip a clean image */
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
	if (ukfs_fsck_ex(co.fstype, image, 0, 0, opts, report, REPORTSIZE,
	        &nfound, &nleft) == -1) {
		warnmsg("%s", ukfs_errmsg());
		status = FSCK_FAILED;
	} else {
		n = strlen(report);
		fputs(report, stdout);
		if (n > 0 && report[n - 1] != '\n')
			putchar('\n');
		if (n + 1 >= REPORTSIZE)
			printf("(the report was cut short)\n");
		if (nfound == 0) {
			printf("%s: clean\n", image);
			status = FSCK_OK;
		} else if (!repair) {
			printf("%s: %d problem%s found\n", image, nfound,
			    nfound == 1 ? "" : "s");
			status = FSCK_LEFT;
		} else if (nleft == 0) {
			printf("%s: %d problem%s found and repaired\n", image,
			    nfound, nfound == 1 ? "" : "s");
			status = FSCK_REPAIRED;
		} else {
			printf("%s: %d problem%s found, %d repaired, %d left\n",
			    image, nfound, nfound == 1 ? "" : "s",
			    nfound - nleft, nleft);
			status = FSCK_LEFT;
		}
	}
	free(report);
	free(opts);
	status = finish_stdout(status) ? (status ? status : FSCK_FAILED) : 0;
	return status;
}
