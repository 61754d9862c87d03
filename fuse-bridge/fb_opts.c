/*
 * Command line of the rump_* daemons:
 *
 *	rump_X [-fd] [-t type] [-o opt[,opt...]] IMAGE MOUNTPOINT
 *
 * Options after the operands work too (mount.fuse3 puts them there).  The
 * -o options are sorted into three piles: the daemon's own, FUSE's (the
 * host kernel's mount options), and the rest, which go to the file system
 * as NetBSD's mount_X(8) options would (msdos "uid=", "mask=", ...).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

/* The file-system type each program name stands for. */
static const struct {
	const char *prog, *fstype;
} fb_progs[] = {
    {"rump_ext2fs", "ext2fs"},
    {"rump_ffs", "ffs"},
    {"rump_msdos", "msdos"},
    {"rump_cd9660", "cd9660"},
    {"rump_lfs", "lfs"},
};

/* Handed to libfuse: the host's view of the mount. */
static const char *const fb_fuse_flags[] = {
    "allow_other",
    "allow_root",
    "auto_unmount",
    "default_permissions",
    "dev",
    "nodev",
    "suid",
    "nosuid",
    "exec",
    "noexec",
    "atime",
    "noatime",
    "relatime",
    "norelatime",
    "strictatime",
    "nostrictatime",
    "diratime",
    "nodiratime",
    "lazytime",
    "nolazytime",
    "sync",
    "async",
    "dirsync",
    NULL,
};
static const char *const fb_fuse_values[] = {
    "fsname",
    "subtype",
    "max_read",
    NULL,
};
/* fstab and mount(8) bookkeeping: meaningless here. */
static const char *const fb_ignored[] = {
    "user",
    "users",
    "nouser",
    "owner",
    "group",
    "auto",
    "noauto",
    "_netdev",
    "nofail",
    "defaults",
    NULL,
};

void
fb_usage(FILE *fp, const char *progname)
{
	fprintf(fp,
	    "Usage: %s [-fd]%s [-o option[,option...]] image mountpoint\n"
	    "       %s -u mountpoint\n"
	    "  -f  stay in the foreground        -d  debug (FUSE requests)\n"
	    "  -u  unmount; return when the daemon has written back and "
	    "exited\n"
	    "  -o ro / rw          mount read-only / read-write (default: "
	    "read-write\n"
	    "                      when the image and file system allow it)\n"
	    "  -o allow_other, default_permissions, fsname=, ... : FUSE's\n"
	    "  -o attr_timeout=S, entry_timeout=S, negative_timeout=S,\n"
	    "     sync_interval=S, threads=N, bsdgroups : the daemon's\n"
	    "  other options go to the file system (e.g. force, uid=, "
	    "mask=)\n"
	    "  -h, --help     print this help and exit\n"
	    "  -V, --version  print the version and exit\n",
	    progname, strcmp(progname, "rump_fuse") == 0 ? " [-t type]" : "",
	    progname);
	if (fp == stdout)
		printf("\nExit status: 0 on success, 1 on an error.\n"
		       "Manual: %s(8)\n",
		    progname);
}

static int
in_list(const char *const *list, const char *name, size_t len)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == len && strncmp(*list, name, len) == 0)
			return 1;
	return 0;
}

/* Append opt (len bytes) to the comma list *dst. */
static int
append(char **dst, const char *opt, size_t len)
{
	size_t old = *dst != NULL ? strlen(*dst) : 0;
	char *p = realloc(*dst, old + len + 2);

	if (p == NULL)
		return ENOMEM;
	if (old > 0)
		p[old++] = ',';
	memcpy(p + old, opt, len);
	p[old + len] = '\0';
	*dst = p;
	return 0;
}

static int
seconds(const char *name, const char *val, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(val, &end);
	if (errno != 0 || end == val || *end != '\0' || d < 0 || d > 1e6) {
		fprintf(stderr, "invalid %s: %s\n", name, val);
		return EINVAL;
	}
	*out = d;
	return 0;
}

/* One daemon option; 1: not ours. */
static int
own_option(struct fb_opts *o, const char *name, size_t nl, const char *val)
{
	double d;
	int error;

#define IS(s) (nl == strlen(s) && strncmp(name, s, nl) == 0)
	if (IS("ro") && val == NULL)
		o->fo_mode = FB_MODE_RO;
	else if (IS("rw") && val == NULL)
		o->fo_mode = FB_MODE_RW;
	else if ((IS("bsdgroups") || IS("grpid")) && val == NULL)
		o->fo_bsdgroups = 1;
	else if ((IS("sysvgroups") || IS("nogrpid")) && val == NULL)
		o->fo_bsdgroups = 0;
	else if (IS("attr_timeout") && val != NULL)
		return seconds("attr_timeout", val, &o->fo_attr_timeout);
	else if (IS("entry_timeout") && val != NULL)
		return seconds("entry_timeout", val, &o->fo_entry_timeout);
	else if (IS("negative_timeout") && val != NULL)
		return seconds(
		    "negative_timeout", val, &o->fo_negative_timeout);
	else if (IS("sync_interval") && val != NULL) {
		if ((error = seconds("sync_interval", val, &d)) != 0)
			return error;
		o->fo_sync_interval = (unsigned)d;
	} else if (IS("threads") && val != NULL) {
		if ((error = seconds("threads", val, &d)) != 0)
			return error;
		o->fo_threads = d < 1 ? 1 : (unsigned)d;
	} else
		return 1;
#undef IS
	return 0;
}

/* Sort one -o argument's comma-separated options into their piles. */
static int
sort_options(struct fb_opts *o, const char *arg)
{
	const char *p, *end, *eq;
	size_t len, nl;
	int error;

	for (p = arg; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0)
			continue;
		eq = memchr(p, '=', len);
		nl = eq != NULL ? (size_t)(eq - p) : len;
		if (in_list(fb_ignored, p, nl) ||
		    (nl > 2 && p[0] == 'x' && p[1] == '-'))
			continue;
		if (eq != NULL) {
			char val[256];
			size_t vl = len - nl - 1;

			if (vl >= sizeof(val)) {
				fprintf(stderr, "option too long: %.*s\n",
				    (int)nl, p);
				return EINVAL;
			}
			memcpy(val, eq + 1, vl);
			val[vl] = '\0';
			error = own_option(o, p, nl, val);
		} else
			error = own_option(o, p, nl, NULL);
		if (error == 0)
			continue;
		if (error != 1)
			return error;
		if ((eq == NULL && in_list(fb_fuse_flags, p, nl)) ||
		    (eq != NULL && in_list(fb_fuse_values, p, nl)))
			error = append(&o->fo_fuseopts, p, len);
		else
			error = append(&o->fo_fsopts, p, len);
		if (error != 0)
			return error;
	}
	return 0;
}

static const char *
basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* 0: go on; 1: error (reported); 2: done (help, version). */
int
fb_opts_parse(int argc, char **argv, struct fb_opts *o)
{
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
	o->fo_progname = basename_of(argv[0]);
	o->fo_attr_timeout = 1.0;
	o->fo_entry_timeout = 1.0;
	o->fo_negative_timeout = 0.0;
	o->fo_sync_interval = 10;
	for (i = 0; i < sizeof(fb_progs) / sizeof(fb_progs[0]); i++)
		if (strcmp(o->fo_progname, fb_progs[i].prog) == 0)
			o->fo_fstype = fb_progs[i].fstype;
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};

	while (
	    (c = getopt_long(argc, argv, "dfho:t:uV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->fo_debug = 1;
			o->fo_foreground = 1;
			break;
		case 'f':
			o->fo_foreground = 1;
			break;
		case 'o':
			if (sort_options(o, optarg) != 0)
				return 1;
			break;
		case 't':
			o->fo_fstype = optarg;
			break;
		case 'u':
			o->fo_unmount = 1;
			break;
		case 'V':
			printf("%s (ukfs) %s, libfuse %s\n", o->fo_progname,
			    UKFS_VERSION, fuse_pkgversion());
			return 2;
		case 'h':
			fb_usage(stdout, o->fo_progname);
			return 2;
		default:
			fb_usage(stderr, o->fo_progname);
			return 1;
		}
	}
	if (o->fo_unmount && argc - optind == 1) {
		o->fo_mountpoint = argv[optind];
		return 0;
	}
	if (o->fo_unmount || argc - optind != 2) {
		fb_usage(stderr, o->fo_progname);
		return 1;
	}
	o->fo_image = argv[optind];
	o->fo_mountpoint = argv[optind + 1];
	return 0;
}

void
fb_opts_free(struct fb_opts *o)
{
	free(o->fo_fuseopts);
	free(o->fo_fsopts);
	o->fo_fuseopts = o->fo_fsopts = NULL;
}
