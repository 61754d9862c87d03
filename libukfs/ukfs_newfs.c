/*
 * Work on an image that is not mounted: making a file system (newfs) and
 * checking one (fsck).  The image is locked, attached as a device for
 * the duration of the call, and detached again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

/* rump_pub_* return an errno value; some return -1 and set errno. */
static int
puberr(int rv)
{
	if (rv == -1)
		return errno ? errno : EIO;
	return rv;
}

struct offline {
	char type[UKFS_TYPELEN];
	char dev[32];
	int fd; /* holds the image lock */
};

/* Lock the image and attach it as a device (under the kernel lock). */
static int
offline_begin(struct offline *o, const char *fstype, const char *image,
    uint64_t offset, uint64_t size, int rdonly)
{
	struct ukfs_where w;
	int error;

	ukfs_clearerr();
	if (image == NULL || image[0] == '\0') {
		ukfs_seterr(EINVAL, "no image given");
		return -1;
	}
	if (ukfs_init() == -1 || ukfs_where(image, offset, size, &w) == -1)
		return -1;
	offset = w.offset;
	size = w.size;
	if (ukfs_choose_type(w.host, fstype, offset, o->type,
	        sizeof(o->type)) == -1 ||
	    (o->fd = ukfs_open_image(w.host, offset, rdonly, 0)) == -1) {
		ukfs_where_free(&w);
		return -1;
	}
	ukfs_kernel_lock();
	snprintf(o->dev, sizeof(o->dev), "/dev/ukfs%u", ukfs_next_index());
	error = puberr(rump_pub_etfs_register(o->dev, w.host, RUMP_ETFS_BLK,
	    offset, size ? size : RUMP_ETFS_SIZE_ENDOFF,
	    (rdonly ? RUMP_ETFS_RDONLY : 0) | RUMP_ETFS_DECOMPRESS));
	ukfs_where_free(&w);
	if (error != 0) {
		ukfs_kernel_unlock();
		close(o->fd);
		ukfs_seterr(error, "%s: cannot attach the image: %s", image,
		    strerror(error));
		return -1;
	}
	return 0;
}

static void
offline_end(struct offline *o)
{
	rump_pub_etfs_remove(o->dev);
	ukfs_kernel_unlock();
	close(o->fd);
}

int
ukfs_newfs(const char *fstype, const char *image, uint64_t offset,
    uint64_t size, const char *options)
{
	struct offline o;
	int error;

	if (fstype == NULL || fstype[0] == '\0') {
		ukfs_clearerr();
		ukfs_seterr(EINVAL, "%s: no file system type given",
		    image ? image : "");
		return -1;
	}
	if (offline_begin(&o, fstype, image, offset, size, 0) == -1)
		return -1;
	error = puberr(rump_pub_vfs_newfs(o.type, o.dev, options));
	offline_end(&o);
	if (error == EOPNOTSUPP)
		ukfs_seterr(error,
		    "%s: making %s file systems is not "
		    "supported by this build",
		    image, o.type);
	else if (error != 0)
		ukfs_seterr(error, "%s: cannot make the %s file system: %s",
		    image, o.type, strerror(error));
	return error ? -1 : 0;
}

int
ukfs_fsck_ex(const char *fstype, const char *image, uint64_t offset,
    uint64_t size, const char *options, char *report, size_t len, int *nfound,
    int *nleft)
{
	struct offline o;
	int error, repair;

	if (report == NULL || len == 0 || nfound == NULL || nleft == NULL) {
		ukfs_clearerr();
		ukfs_seterr(
		    EINVAL, "%s: no room for the report", image ? image : "");
		return -1;
	}
	report[0] = '\0';
	*nfound = *nleft = 0;
	repair = options != NULL && strstr(options, "repair") != NULL;
	if (offline_begin(&o, fstype, image, offset, size, !repair) == -1)
		return -1;
	error = puberr(
	    rump_pub_vfs_fsckr(
	        o.type, o.dev, options, report, len, nfound, nleft));
	offline_end(&o);
	report[len - 1] = '\0';
	if (error == EOPNOTSUPP)
		ukfs_seterr(error,
		    "%s: %s %s file systems is not supported by this build",
		    image, repair ? "repairing" : "checking", o.type);
	else if (error != 0)
		ukfs_seterr(error, "%s: cannot check the %s file system: %s",
		    image, o.type, strerror(error));
	return error ? -1 : 0;
}

int
ukfs_fsck(const char *fstype, const char *image, uint64_t offset, uint64_t size,
    const char *options, char *report, size_t len, int *nproblems)
{
	int nleft;

	return ukfs_fsck_ex(fstype, image, offset, size, options, report, len,
	    nproblems, &nleft);
}
