/*
 * ukfs-makefs: make an image holding a copy of a directory tree, as
 * NetBSD's makefs(8) does: size it (unless -s), make the file system,
 * copy the tree in through the file system's own write path, keeping
 * every type, mode, owner, time and hard link.  No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "cp.h"
#include "fsopts.h"
#include "makefs.h"
#include "makefs_cd9660.h"

static const char makefs_usage[] =
    "usage: ukfs-makefs [-v] [-t type] [-s size] [-M minsize] [-b free] "
    "[-f free]\n"
    "                   [-B be|le] [-o options] image directory\n"
    "  type: ext2fs, ffs (the default), msdos, lfs, cd9660\n"
    "  free: extra free space (size, or N%%) and extra inodes (N or N%%)\n";

#define MAXTRIES 8

struct makefs {
	struct common_opts co;
	const char *type; /* canonical */
	const char *image;
	const char *dir;
	uint64_t size;     /* -s; 0: computed */
	uint64_t minsize;  /* -M */
	const char *freeb; /* -b */
	const char *freef; /* -f */
	int vflag;
	struct fsopts fo; /* -o and -B */
};

/* "N%" of base, or a size; -1 when bad. */
static int
amount(const char *s, uint64_t base, uint64_t *out)
{
	size_t n = strlen(s);
	char *end;
	unsigned long pct;

	if (n > 0 && s[n - 1] == '%') {
		errno = 0;
		pct = strtoul(s, &end, 10);
		if (errno != 0 || end != s + n - 1 || end == s || pct > 1000)
			return -1;
		*out = base / 100 * pct + base % 100 * pct / 100;
		return 0;
	}
	return parse_size(s, out);
}

/* The allocation unit to size with: the block size asked for or 4 KiB. */
static uint64_t
unit_of(const struct makefs *m)
{
	char buf[32];
	uint64_t v;

	if (fsopts_get(&m->fo, "fsize", buf, sizeof(buf)) != NULL ||
	    fsopts_get(&m->fo, "bsize", buf, sizeof(buf)) != NULL)
		if (parse_size(buf, &v) == 0 && v >= 512 && v <= 65536)
			return v;
	return 4096;
}

/* The smallest file system of the type that the kernel will make. */
static uint64_t
type_minimum(const struct makefs *m)
{
	char buf[8];

	if (strcmp(m->type, "msdos") == 0) {
		if (fsopts_get(&m->fo, "fat_type", buf, sizeof(buf)) != NULL) {
			if (strcmp(buf, "32") == 0)
				return 40ULL << 20;
			if (strcmp(buf, "16") == 0)
				return 16ULL << 20;
		}
		return 1ULL << 20;
	}
	if (strcmp(m->type, "lfs") == 0)
		return 16ULL << 20;
	if (strcmp(m->type, "ffs") == 0)
		return 4ULL << 20;
	return 1ULL << 20;
}

/*
 * The first size to try: the tree's blocks and inodes, the free space
 * asked for, and a margin for the file system's own metadata.
 */
static int
first_size(struct makefs *m, uint64_t *size, uint64_t *ninodes)
{
	struct treesize ts;
	uint64_t unit = unit_of(m), extra = 0, inodes;

	if (tree_size(m->dir, unit, &ts) == -1)
		return -1;
	inodes = ts.ninodes + 16;
	if (m->freef != NULL && amount(m->freef, inodes, &extra) == -1) {
		warnmsg("bad -f value '%s'", m->freef);
		return -1;
	}
	inodes += extra + inodes / 8;
	extra = 0;
	if (m->freeb != NULL && amount(m->freeb, ts.data, &extra) == -1) {
		warnmsg("bad -b value '%s'", m->freeb);
		return -1;
	}
	/* inode tables (256 bytes each), then 1/8 for bitmaps and the rest */
	*size = ts.data + extra + inodes * 256;
	*size += *size / 8 + (256 << 10);
	if (*size < type_minimum(m))
		*size = type_minimum(m);
	if (*size < m->minsize)
		*size = m->minsize;
	*size = (*size + 65535) & ~(uint64_t)65535;
	*ninodes = inodes;
	if (m->vflag)
		printf("%s: %llu objects, %llu bytes of blocks: trying %llu "
		       "bytes\n",
		    m->dir, (unsigned long long)ts.ninodes,
		    (unsigned long long)ts.data, (unsigned long long)*size);
	return 0;
}

/*
 * Options for this attempt: the user's, plus bytes-per-inode to get
 * enough inodes when the type counts inodes by density and the user has
 * not said.
 */
static char *
attempt_options(
    const struct makefs *m, uint64_t size, uint64_t ninodes, int with_density)
{
	uint64_t density;
	char *s;

	if (!with_density || ninodes == 0 ||
	    (strcmp(m->type, "ext2fs") != 0 && strcmp(m->type, "ffs") != 0) ||
	    fsopts_has(&m->fo, "density"))
		return strdup(m->fo.buf ? m->fo.buf : "");
	density = size / ninodes;
	if (density > 65536)
		density = 65536;
	density &= ~(uint64_t)1023;
	if (density < 1024)
		density = 1024;
	if (asprintf(&s, "%s%sdensity=%llu", m->fo.buf ? m->fo.buf : "",
	        m->fo.buf && m->fo.buf[0] ? "," : "",
	        (unsigned long long)density) == -1)
		return NULL;
	return s;
}

/* Copy the tree into the mounted image; the copy's status. */
static int
copy_tree(struct makefs *m, struct ukfs *u, int quiet, int *nospace)
{
	struct stat st, ist;
	struct cp cp;
	int status;

	memset(&cp, 0, sizeof(cp));
	if (cp_init(&cp) == -1)
		return 1;
	cp.Rflag = cp.pflag = cp.owners = cp.devices = 1;
	cp.quiet_nospace = quiet;
	progress_init(&cp.prog, 1);
	cp.dst.u = u;
	cp.dst.image = m->image;
	if (stat(m->image, &ist) == 0) {
		cp.skipdev = ist.st_dev;
		cp.skipino = ist.st_ino;
	}
	cp.topfd = ukfs_open(u, "/", O_RDONLY | O_DIRECTORY);
	if (cp.topfd == -1 || stat(m->dir, &st) == -1 ||
	    pathbuf_set(&cp.dstp, "/") == -1 ||
	    pathbuf_set(&cp.rel, "") == -1) {
		warnmsg("%s: %s", cp.topfd == -1 ? m->image : m->dir,
		    strerror(errno));
		cp_fini(&cp);
		return 1;
	}
	cp.topname = NULL; /* the tree's contents go into the root */
	progress_count_tree(&cp.prog, &cp.src, AT_FDCWD, m->dir, &st);
	cp_copy(&cp, AT_FDCWD, m->dir, m->dir, &st);
	progress_done(&cp.prog);
	ukfs_close(u, cp.topfd);
	*nospace = cp.nospace;
	status = cp.status;
	cp_fini(&cp);
	return status;
}

/* One attempt at size bytes: 0 done, 1 failed, 2 out of space. */
static int
attempt(struct makefs *m, uint64_t size, uint64_t ninodes, int *with_density)
{
	/* ffs: an image made from nothing needs no ordered metadata */
	struct common_opts mco = {
	    m->type, strcmp(m->type, "ffs") == 0 ? "async" : NULL};
	struct ukfs *u;
	char *opts;
	int created, rv, status, nospace = 0;

	if (image_prepare(m->image, size, 1, &created) == -1)
		return 1;
	opts = attempt_options(m, size, ninodes, *with_density);
	if (opts == NULL)
		return 1;
	rv = ukfs_newfs(m->type, m->image, 0, 0, opts);
	if (rv == -1 && errno == EINVAL &&
	    strcmp(opts, m->fo.buf ? m->fo.buf : "") != 0) {
		/* the file system does not take density: do without */
		*with_density = 0;
		free(opts);
		opts = attempt_options(m, size, ninodes, 0);
		rv = opts ? ukfs_newfs(m->type, m->image, 0, 0, opts) : -1;
	}
	free(opts);
	if (rv == -1) {
		warnmsg("%s", ukfs_errmsg());
		if (created)
			unlink(m->image);
		return 1;
	}
	/* -o is for newfs; the mount takes the defaults */
	u = mount_image(m->image, &mco, UKFS_RDWR);
	if (u == NULL)
		return 1;
	status = copy_tree(m, u, m->size == 0, &nospace);
	if (release_image(u) == -1)
		status = 1;
	if (nospace && m->size == 0)
		return 2;
	return status ? 1 : 0;
}

static int
make_image(struct makefs *m)
{
	uint64_t size = m->size, ninodes = 0;
	int tries, rv, with_density = 1;

	if (size == 0 && first_size(m, &size, &ninodes) == -1)
		return 1;
	for (tries = 0; tries < MAXTRIES; tries++) {
		rv = attempt(m, size, ninodes, &with_density);
		if (rv != 2)
			return rv;
		size += size / 2 + (1 << 20);
		size = (size + 65535) & ~(uint64_t)65535;
		if (m->vflag)
			printf("%s: out of space; trying %llu bytes\n",
			    m->image, (unsigned long long)size);
	}
	warnmsg("%s: the tree did not fit after %d tries", m->image, tries);
	return 1;
}

static int
parse(int argc, char **argv, struct makefs *m)
{
	const char *endian = NULL;
	int ch;

	while ((ch = common_getopt(
	            argc, argv, "vs:M:b:f:B:", &m->co, makefs_usage)) != -1) {
		switch (ch) {
		case 'v':
			m->vflag = 1;
			break;
		case 's':
		case 'M':
			if (parse_size(optarg,
			        ch == 's' ? &m->size : &m->minsize) == -1) {
				warnmsg("bad size '%s'", optarg);
				return -1;
			}
			break;
		case 'b':
			m->freeb = optarg;
			break;
		case 'f':
			m->freef = optarg;
			break;
		case 'B':
			endian = optarg;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind != 2)
		usage_exit(makefs_usage);
	m->image = argv[optind];
	m->dir = argv[optind + 1];
	m->type = ukfs_canon_fstype(m->co.fstype ? m->co.fstype : "ffs");
	if (m->type == NULL) {
		warnmsg("unknown file system type '%s'", m->co.fstype);
		return -1;
	}
	if (fsopts_add(&m->fo, m->co.options) == -1)
		return -1;
	if (endian != NULL && strcmp(m->type, "ffs") != 0) {
		warnmsg("-B (byte order) applies to ffs only");
		return -1;
	}
	if (endian != NULL && fsopts_flag(&m->fo, m->type, 'B', endian) == -1)
		return -1;
	return 0;
}

/* ISO images are written by a writer of their own, not by a kernel. */
static int
make_cd9660(const struct makefs *m)
{
	char err[1024] = "";

	if (makefs_cd9660(m->image, m->dir, m->co.options, err, sizeof(err)) !=
	    0) {
		warnmsg("%s", err[0] ? err : "cannot make the cd9660 image");
		return 1;
	}
	return 0;
}

int
ukfs_makefs_main(int argc, char **argv)
{
	struct makefs m;
	int status;

	memset(&m, 0, sizeof(m));
	if (parse(argc, argv, &m) == -1) {
		fsopts_free(&m.fo);
		return 1;
	}
	if (strcmp(m.type, "cd9660") == 0)
		status = make_cd9660(&m);
	else
		status = make_image(&m);
	fsopts_free(&m.fo);
	return finish_stdout(status);
}
