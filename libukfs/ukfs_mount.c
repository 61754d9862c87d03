/*
 * Mounting and releasing images.  Each mount has its own kernel process
 * whose root and current directory are the mount point, so that paths and
 * absolute symlinks inside the image resolve inside the image.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_int.h"

#ifndef RUMP_RFCFDG
#define RUMP_RFCFDG 0x10 /* start with an empty descriptor table */
#endif

/* Serialises the set-up in proc0 (mount points, index numbers). */
static pthread_mutex_t mount_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned next_index;
static int have_mountdir;

/* rump_pub_* return an errno value; some return -1 and set errno. */
static int
puberr(int rv)
{
	if (rv == -1)
		return errno ? errno : EIO;
	return rv;
}

int
ukfs_check(const struct ukfs *u, const char *path)
{
	if (u == NULL || path == NULL) {
		errno = u == NULL ? EINVAL : EFAULT;
		return -1;
	}
	return 0;
}

void
ukfs_enter(struct ukfs *u)
{
	pthread_mutex_lock(&u->u_lock);
	rump_pub_lwproc_switch(u->u_lwp);
}

void
ukfs_leave(struct ukfs *u)
{
	int error = errno;

	rump_pub_lwproc_switch(NULL);
	pthread_mutex_unlock(&u->u_lock);
	errno = error;
}

/* Open the image and take the lock that keeps writers apart. */
static int
open_image(struct ukfs *u, uint64_t offset, int flags)
{
	struct stat st;
	int fd;

	fd = open(u->u_image, (u->u_rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd == -1) {
		ukfs_seterr(errno, "%s: %s", u->u_image, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		ukfs_seterr(EINVAL, "%s: not a regular file or block device",
		    u->u_image);
		return -1;
	}
	if (S_ISREG(st.st_mode) && offset >= (uint64_t)st.st_size) {
		close(fd);
		ukfs_seterr(EINVAL,
		    "%s: offset %" PRIu64 " is beyond the end of the image",
		    u->u_image, offset);
		return -1;
	}
	if (flock(fd, (u->u_rdonly ? LOCK_SH : LOCK_EX) | LOCK_NB) == -1 &&
	    !(flags & UKFS_FORCE)) {
		int error = errno == EWOULDBLOCK ? EBUSY : errno;

		close(fd);
		if (error != EBUSY)
			ukfs_seterr(error, "%s: cannot lock: %s", u->u_image,
			    strerror(error));
		else if (u->u_rdonly)
			ukfs_seterr(EBUSY,
			    "%s: image is in use by another "
			    "writer",
			    u->u_image);
		else
			ukfs_seterr(EBUSY,
			    "%s: image is in use by another "
			    "reader or writer",
			    u->u_image);
		return -1;
	}
	u->u_imgfd = fd;
	return 0;
}

static int
mkdir_ok(const char *path)
{
	if (rump_sys_mkdir(path, 0755) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* Is type among the kernel's comma-separated type names? */
static int
kernel_has(const char *type)
{
	const char *p = ukfs_fstypes();
	size_t n = strlen(type);

	while (*p != '\0') {
		if (strncmp(p, type, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

/* Register the device, mount it; in proc0 under mount_lock. */
static int
attach(struct ukfs *u, uint64_t offset, uint64_t size, const char *options)
{
	struct rump_diskfs_args args;
	int error;

	error = puberr(rump_pub_etfs_register(u->u_dev, u->u_image,
	    RUMP_ETFS_BLK, offset, size ? size : RUMP_ETFS_SIZE_ENDOFF,
	    u->u_rdonly ? RUMP_ETFS_RDONLY : 0));
	if (error != 0) {
		ukfs_seterr(error, "%s: cannot attach the image: %s",
		    u->u_image, strerror(error));
		return -1;
	}
	if ((!have_mountdir && mkdir_ok("/ukfs") == -1) ||
	    mkdir_ok(u->u_mnt) == -1) {
		error = errno;
		rump_pub_etfs_remove(u->u_dev);
		ukfs_seterr(error, "cannot make mount point %s: %s", u->u_mnt,
		    strerror(error));
		return -1;
	}
	have_mountdir = 1;
	args.fspec = u->u_dev;
	args.options = options;
	if (rump_sys_mount(u->u_fstype, u->u_mnt,
	        u->u_rdonly ? RUMP_MNT_RDONLY : 0, &args, sizeof(args)) == -1) {
		error = errno;
		rump_sys_rmdir(u->u_mnt);
		rump_pub_etfs_remove(u->u_dev);
		ukfs_seterr(error, "%s: cannot mount as %s: %s", u->u_image,
		    u->u_fstype, strerror(error));
		return -1;
	}
	return 0;
}

static void
detach(struct ukfs *u, int mntflags)
{
	rump_sys_unmount(u->u_mnt, mntflags);
	rump_sys_rmdir(u->u_mnt);
	rump_pub_etfs_remove(u->u_dev);
}

/* Give the mount a process rooted at the mount point. */
static int
make_process(struct ukfs *u)
{
	int error;

	error = puberr(rump_pub_lwproc_rfork(RUMP_RFCFDG));
	if (error != 0) {
		ukfs_seterr(error, "%s: cannot make a kernel process: %s",
		    u->u_image, strerror(error));
		return -1;
	}
	if (rump_sys_chdir(u->u_mnt) == -1 || rump_sys_chroot(u->u_mnt) == -1) {
		error = errno;
		rump_pub_lwproc_releaselwp();
		ukfs_seterr(error, "%s: cannot enter the mount: %s", u->u_image,
		    strerror(error));
		return -1;
	}
	u->u_lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(NULL);
	return 0;
}

/* The type to mount: the caller's (canonicalised) or the detected one. */
static int
choose_type(struct ukfs *u, const char *fstype, uint64_t offset)
{
	const char *canon;

	if (fstype == NULL || fstype[0] == '\0')
		return ukfs_detect(
		    u->u_image, offset, u->u_fstype, sizeof(u->u_fstype));
	canon = ukfs_canon_fstype(fstype);
	if (canon == NULL && !kernel_has(fstype)) {
		ukfs_seterr(ENODEV,
		    "%s: unknown file system type '%s' (known: "
		    "ext2fs, ffs, lfs, msdos, cd9660 and their aliases)",
		    u->u_image, fstype);
		return -1;
	}
	snprintf(
	    u->u_fstype, sizeof(u->u_fstype), "%s", canon ? canon : fstype);
	return 0;
}

static int
mount_locked(
    struct ukfs *u, uint64_t offset, uint64_t size, const char *options)
{
	int error;

	u->u_index = next_index++;
	snprintf(u->u_dev, sizeof(u->u_dev), "/dev/ukfs%u", u->u_index);
	snprintf(u->u_mnt, sizeof(u->u_mnt), "/ukfs/%u", u->u_index);
	if (attach(u, offset, size, options) == -1)
		return -1;
	if (make_process(u) == -1) {
		error = errno;
		detach(u, 0);
		errno = error;
		return -1;
	}
	return 0;
}

static void
free_ukfs(struct ukfs *u)
{
	if (u->u_imgfd != -1)
		close(u->u_imgfd); /* drops the lock */
	pthread_mutex_destroy(&u->u_lock);
	free(u->u_image);
	free(u);
}

struct ukfs *
ukfs_mount(const char *fstype, const char *image, uint64_t offset,
    uint64_t size, int flags, const char *options, int *errorp)
{
	struct ukfs *u;
	int error;

	ukfs_clearerr();
	if (image == NULL || image[0] == '\0') {
		ukfs_seterr(EINVAL, "no image given");
		goto fail;
	}
	if (ukfs_init() == -1)
		goto fail;
	u = calloc(1, sizeof(*u));
	if (u == NULL || (u->u_image = strdup(image)) == NULL) {
		free(u);
		ukfs_seterr(ENOMEM, "%s: %s", image, strerror(ENOMEM));
		goto fail;
	}
	u->u_imgfd = -1;
	u->u_rdonly = !(flags & UKFS_RDWR);
	pthread_mutex_init(&u->u_lock, NULL);
	if (choose_type(u, fstype, offset) == -1)
		goto fail_free;
	if (!kernel_has(u->u_fstype)) {
		ukfs_seterr(ENODEV,
		    "%s: file system type %s is not supported "
		    "by this build (have: %s)",
		    image, u->u_fstype, ukfs_fstypes());
		goto fail_free;
	}
	if (open_image(u, offset, flags) == -1)
		goto fail_free;
	pthread_mutex_lock(&mount_lock);
	error = mount_locked(u, offset, size, options) == -1 ? errno : 0;
	pthread_mutex_unlock(&mount_lock);
	if (error != 0) {
		errno = error;
		goto fail_free;
	}
	return u;

fail_free:
	error = errno;
	free_ukfs(u);
	errno = error;
fail:
	if (errorp != NULL)
		*errorp = errno;
	return NULL;
}

int
ukfs_release(struct ukfs *u, int flags)
{
	int error = 0;

	ukfs_clearerr();
	if (u == NULL) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * The process goes first: its root and current directory and any
	 * open handles hold vnodes of the mount, which would keep the
	 * unmount from succeeding.
	 */
	pthread_mutex_lock(&u->u_lock);
	rump_pub_lwproc_switch(u->u_lwp);
	rump_pub_lwproc_releaselwp();
	pthread_mutex_unlock(&u->u_lock);

	pthread_mutex_lock(&mount_lock);
	if (rump_sys_unmount(
	        u->u_mnt, (flags & UKFS_FORCE) ? RUMP_MNT_FORCE : 0) == -1) {
		error = errno;
		ukfs_seterr(error, "%s: cannot unmount: %s", u->u_image,
		    strerror(error));
	} else {
		rump_sys_rmdir(u->u_mnt);
		rump_pub_etfs_remove(u->u_dev);
	}
	pthread_mutex_unlock(&mount_lock);
	free_ukfs(u);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}

const char *
ukfs_fstype(const struct ukfs *u)
{
	return u != NULL ? u->u_fstype : NULL;
}

const char *
ukfs_image(const struct ukfs *u)
{
	return u != NULL ? u->u_image : NULL;
}
