/*
 * The server's images: each is locked (exclusive for read-write, as
 * libukfs does), registered as a block device and mounted at its name in
 * the kernel's root file system, where every client sees it.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <ukfs.h>

#include "rs.h"

/* mkdir -p in the kernel; the mount points belong to root. */
static int
mkdirs(const char *path)
{
	char buf[1024];
	size_t i;

	if (strlen(path) >= sizeof(buf))
		return ENAMETOOLONG;
	strcpy(buf, path);
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (rump_sys_mkdir(buf, 0755) == -1 && errno != EEXIST)
			return errno;
		buf[i] = '/';
	}
	if (rump_sys_mkdir(buf, 0755) == -1 && errno != EEXIST)
		return errno;
	return 0;
}

static int
lock_image(struct rs_image *im, int rdwr)
{
	struct stat st;

	im->ri_lockfd = open(im->ri_path, (rdwr ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (im->ri_lockfd == -1) {
		fprintf(stderr, "ukfs-server: %s: %s\n", im->ri_path,
		    strerror(errno));
		return -1;
	}
	if (fstat(im->ri_lockfd, &st) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		fprintf(stderr, "ukfs-server: %s: not a regular file or block "
		    "device\n", im->ri_path);
		return -1;
	}
	if (flock(im->ri_lockfd, (rdwr ? LOCK_EX : LOCK_SH) | LOCK_NB) == -1) {
		fprintf(stderr, "ukfs-server: %s: image is in use by another "
		    "%s\n", im->ri_path, rdwr ? "reader or writer" : "writer");
		return -1;
	}
	return 0;
}

static int
choose_type(struct rs_image *im, const struct rs_opts *o)
{
	const char *canon;

	if (o->so_type == NULL) {
		if (ukfs_detect(im->ri_path, 0, im->ri_type,
		        sizeof(im->ri_type)) == -1) {
			fprintf(stderr, "ukfs-server: %s\n", ukfs_errmsg());
			return -1;
		}
		return 0;
	}
	canon = ukfs_canon_fstype(o->so_type);
	snprintf(im->ri_type, sizeof(im->ri_type), "%s",
	    canon != NULL ? canon : o->so_type);
	return 0;
}

static int
split_spec(struct rs_image *im, const char *spec, unsigned index)
{
	const char *eq = strrchr(spec, '=');
	char name[32];

	if (eq != NULL && eq[1] == '/') {
		im->ri_path = strndup(spec, (size_t)(eq - spec));
		im->ri_mnt = strdup(eq + 1);
	} else {
		snprintf(name, sizeof(name), "/img%u", index);
		im->ri_path = strdup(spec);
		im->ri_mnt = strdup(name);
	}
	if (im->ri_path == NULL || im->ri_mnt == NULL) {
		fprintf(stderr, "ukfs-server: out of memory\n");
		return -1;
	}
	if (strcmp(im->ri_mnt, "/") == 0 || strstr(im->ri_mnt, "/..") ||
	    strstr(im->ri_mnt, "//")) {
		fprintf(stderr, "ukfs-server: %s: bad mount name %s\n",
		    im->ri_path, im->ri_mnt);
		return -1;
	}
	return 0;
}

int
rs_image_mount(struct rs_image *im, const char *spec, unsigned index,
    const struct rs_opts *o)
{
	struct rump_diskfs_args args;
	int error;

	memset(im, 0, sizeof(*im));
	im->ri_lockfd = -1;
	if (split_spec(im, spec, index) == -1 || choose_type(im, o) == -1 ||
	    lock_image(im, o->so_rdwr) == -1)
		return -1;
	snprintf(im->ri_dev, sizeof(im->ri_dev), "/dev/rsimg%u", index);
	error = rump_pub_etfs_register(im->ri_dev, im->ri_path, RUMP_ETFS_BLK,
	    0, RUMP_ETFS_SIZE_ENDOFF, o->so_rdwr ? 0 : RUMP_ETFS_RDONLY);
	if (error == -1)
		error = errno;
	if (error != 0) {
		fprintf(stderr, "ukfs-server: %s: cannot attach: %s\n",
		    im->ri_path, strerror(error));
		return -1;
	}
	if ((error = mkdirs(im->ri_mnt)) != 0) {
		fprintf(stderr, "ukfs-server: cannot make %s: %s\n",
		    im->ri_mnt, strerror(error));
		rump_pub_etfs_remove(im->ri_dev);
		return -1;
	}
	args.fspec = im->ri_dev;
	args.options = o->so_options;
	if (rump_sys_mount(im->ri_type, im->ri_mnt,
	        o->so_rdwr ? 0 : RUMP_MNT_RDONLY, &args, sizeof(args)) == -1) {
		fprintf(stderr, "ukfs-server: %s: cannot mount as %s%s: %s\n",
		    im->ri_path, im->ri_type, o->so_rdwr ? " read-write" : "",
		    strerror(errno));
		rump_pub_etfs_remove(im->ri_dev);
		return -1;
	}
	im->ri_mounted = 1;
	return 0;
}

int
rs_image_unmount(struct rs_image *im)
{
	int rv = 0;

	if (im->ri_mounted) {
		if (rump_sys_unmount(im->ri_mnt, 0) == -1) {
			fprintf(stderr, "ukfs-server: %s: cannot unmount: %s\n",
			    im->ri_path, strerror(errno));
			rv = -1;
		} else {
			rump_pub_etfs_remove(im->ri_dev);
		}
		im->ri_mounted = 0;
	}
	if (im->ri_lockfd != -1)
		close(im->ri_lockfd);
	im->ri_lockfd = -1;
	free(im->ri_path);
	free(im->ri_mnt);
	im->ri_path = im->ri_mnt = NULL;
	return rv;
}
