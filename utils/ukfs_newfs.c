/* ukfs-newfs: make an empty file system in an image file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "fsopts.h"

static const char newfs_usage[] =
    "usage: ukfs-newfs -t type [-s size] [-o options] [type flags] image\n"
    "  ext2fs: -b blocksize -i bytes-per-inode -L label\n"
    "  ffs:    -O 1|2 -B be|le -b bsize -f fsize -i bytes-per-inode -L "
    "label\n"
    "  msdos:  -F 12|16|32 -c sectors-per-cluster -L label\n"
    "  lfs:    -b bsize -f fsize -B segment-size\n"
    "  size: bytes, or with a suffix k, m, g, t\n";

/* Type flags seen before -t may be: kept until the type is known. */
struct pending {
	int ch;
	const char *arg;
};

static int
parse(int argc, char **argv, struct common_opts *co, uint64_t *size,
    struct pending *pend, int *npend)
{
	char letters[64];
	int ch;

	snprintf(letters, sizeof(letters), "s:%s", fsopt_letters);
	while (
	    (ch = common_getopt(argc, argv, letters, co, newfs_usage)) != -1) {
		if (ch == '?')
			return -1;
		if (ch == 's') {
			if (parse_size(optarg, size) == -1 || *size == 0) {
				warnmsg("bad size '%s'", optarg);
				return -1;
			}
			continue;
		}
		pend[*npend].ch = ch;
		pend[(*npend)++].arg = optarg;
	}
	return 0;
}

int
ukfs_newfs_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct fsopts fo = {NULL, 0, 0};
	struct pending *pend;
	const char *type, *image;
	uint64_t size = 0;
	int i, npend = 0, created = 0, status = 1;

	pend = calloc((size_t)argc + 1, sizeof(*pend));
	if (pend == NULL || parse(argc, argv, &co, &size, pend, &npend) == -1) {
		free(pend);
		return 1;
	}
	if (argc - optind != 1 || co.fstype == NULL) {
		free(pend);
		usage_exit(newfs_usage);
	}
	image = argv[optind];
	type = ukfs_canon_fstype(co.fstype);
	if (type == NULL) {
		warnmsg("unknown file system type '%s'", co.fstype);
		goto out;
	}
	if (fsopts_add(&fo, co.options) == -1)
		goto out;
	for (i = 0; i < npend; i++)
		if (fsopts_flag(&fo, type, pend[i].ch, pend[i].arg) == -1)
			goto out;
	if (size == 0 && access(image, F_OK) == -1) {
		warnmsg(
		    "%s: %s (give -s SIZE to make it)", image, strerror(errno));
		goto out;
	}
	if (size != 0 && image_prepare(image, size, 0, &created) == -1)
		goto out;
	if (ukfs_newfs(type, image, 0, size, fo.buf) == -1) {
		warnmsg("%s", ukfs_errmsg());
		if (created)
			unlink(image);
		goto out;
	}
	status = 0;
out:
	fsopts_free(&fo);
	free(pend);
	return status;
}
