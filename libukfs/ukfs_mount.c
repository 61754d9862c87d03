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

#include "../rumpuser/rumpuser_cimg.h"
#include "ukfs_img.h"
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

/*
 * Open the image and take the lock that keeps writers apart: shared for
 * reading, exclusive for writing.  Returns the descriptor, which holds the
 * lock, or -1 with ukfs_errmsg().
 */
int
ukfs_open_image(const char *image, uint64_t offset, int rdonly, int flags)
{
	struct rumpuser_cimg *c;
	struct stat st;
	int fd, error, compressed = 0;

	fd = open(image, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		ukfs_seterr(errno, "%s: %s", image, strerror(errno));
		return -1;
	}
	/* a compressed image: read-only, and its offsets are uncompressed */
	if (rumpuser_cimg_open(fd, &c) == 0 && c != NULL) {
		const char *kind = rumpuser_cimg_kind(c);

		rumpuser_cimg_close(c);
		if (!rdonly) {
			close(fd);
			ukfs_seterr(EROFS,
			    "%s: a %s-compressed image is read-only", image,
			    kind);
			return -1;
		}
		compressed = 1;
	}
	if (!rdonly) {
		close(fd);
		fd = open(image, O_RDWR | O_CLOEXEC);
		if (fd == -1) {
			ukfs_seterr(errno, "%s: %s", image, strerror(errno));
			return -1;
		}
	}
	if (fstat(fd, &st) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		ukfs_seterr(
		    EINVAL, "%s: not a regular file or block device", image);
		return -1;
	}
	/* (a compressed image's offsets are checked by the kernel) */
	if (S_ISREG(st.st_mode) && !compressed &&
	    offset >= (uint64_t)st.st_size) {
		close(fd);
		ukfs_seterr(EINVAL,
		    "%s: offset %" PRIu64 " is beyond the end of the image",
		    image, offset);
		return -1;
	}
	if (flock(fd, (rdonly ? LOCK_SH : LOCK_EX) | LOCK_NB) == -1 &&
	    !(flags & UKFS_FORCE)) {
		error = errno == EWOULDBLOCK ? EBUSY : errno;
		close(fd);
		if (error != EBUSY)
			ukfs_seterr(error, "%s: cannot lock: %s", image,
			    strerror(error));
		else if (rdonly)
			ukfs_seterr(EBUSY,
			    "%s: image is in use by another writer", image);
		else
			ukfs_seterr(EBUSY,
			    "%s: image is in use by another reader or writer",
			    image);
		return -1;
	}
	return fd;
}

void
ukfs_kernel_lock(void)
{
	pthread_mutex_lock(&mount_lock);
	ukfs_unbind(); /* the work is proc0's */
}

void
ukfs_kernel_unlock(void)
{
	pthread_mutex_unlock(&mount_lock);
}

unsigned
ukfs_next_index(void)
{
	return next_index++;
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

/*
 * Why a mount failed.  The file system prints its own reason (a dirty or
 * damaged image, a feature it cannot write) on stderr; the message here
 * says what the caller can do about it.
 */
static void
mount_error(struct ukfs *u, int error)
{
	const char *hint = "";

	if (!u->u_rdonly && !u->u_force && error == EUCLEAN)
		hint = " (the file system is not clean or has errors recorded: "
		       "check it with ukfs-fsck, or force with -o force)";
	ukfs_seterr(error, "%s: cannot mount as %s%s: %s%s", u->u_image,
	    u->u_fstype, u->u_rdonly ? "" : " read-write", strerror(error),
	    hint);
}

/*
 * The options for the file system: the caller's, plus "force" for a
 * forced read-write mount.  NULL stays NULL.  Free with free().
 */
static int
mount_options(struct ukfs *u, const char *options, char **out)
{
	size_t n;

	*out = NULL;
	if (!u->u_force || u->u_rdonly) {
		if (options != NULL && (*out = strdup(options)) == NULL)
			goto nomem;
		return 0;
	}
	n = (options != NULL ? strlen(options) : 0) + sizeof(",force");
	if ((*out = malloc(n)) == NULL)
		goto nomem;
	if (options != NULL && options[0] != '\0')
		snprintf(*out, n, "%s,force", options);
	else
		snprintf(*out, n, "force");
	return 0;
nomem:
	ukfs_seterr(ENOMEM, "%s: %s", u->u_image, strerror(ENOMEM));
	return -1;
}

/* Register the device, mount it; in proc0 under mount_lock. */
static int
attach(struct ukfs *u, uint64_t offset, uint64_t size, const char *options)
{
	struct rump_diskfs_args args;
	int error;

	error = puberr(rump_pub_etfs_register(u->u_dev, u->u_host,
	    RUMP_ETFS_BLK, offset, size ? size : RUMP_ETFS_SIZE_ENDOFF,
	    (u->u_rdonly ? RUMP_ETFS_RDONLY : 0) | RUMP_ETFS_DECOMPRESS));
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
		mount_error(u, error);
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
	u->u_pid = rump_pub_lwproc_getpid();
	rump_pub_lwproc_switch(NULL);
	return 0;
}

/*
 * The type to use: the caller's (canonicalised) or the detected one, and
 * one that this build has.
 */
int
ukfs_choose_type(const char *image, const char *fstype, uint64_t offset,
    char *type, size_t len)
{
	const char *canon;

	if (fstype == NULL || fstype[0] == '\0') {
		if (ukfs_detect(image, offset, type, len) == -1)
			return -1;
	} else {
		canon = ukfs_canon_fstype(fstype);
		if (canon == NULL && !kernel_has(fstype)) {
			ukfs_seterr(ENODEV,
			    "%s: unknown file system type '%s' (known: "
			    "ext2fs, ffs, lfs, msdos, cd9660 and their "
			    "aliases)",
			    image, fstype);
			return -1;
		}
		snprintf(type, len, "%s", canon ? canon : fstype);
	}
	if (!kernel_has(type)) {
		ukfs_seterr(ENODEV,
		    "%s: file system type %s is not supported "
		    "by this build (have: %s)",
		    image, type, ukfs_fstypes());
		return -1;
	}
	return 0;
}

static int
mount_locked(
    struct ukfs *u, uint64_t offset, uint64_t size, const char *options)
{
	int error;

	u->u_index = ukfs_next_index();
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
	free(u->u_host);
	free(u);
}

struct ukfs *
ukfs_mount(const char *fstype, const char *image, uint64_t offset,
    uint64_t size, int flags, const char *options, int *errorp)
{
	struct ukfs_where w;
	struct ukfs *u;
	char *opts = NULL;
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
	u->u_force = (flags & UKFS_FORCE) != 0;
	pthread_mutex_init(&u->u_lock, NULL);
	if (ukfs_where(image, offset, size, &w) == -1)
		goto fail_free;
	u->u_host = w.host;
	offset = w.offset;
	size = w.size;
	if (ukfs_choose_type(u->u_host, fstype, offset, u->u_fstype,
	        sizeof(u->u_fstype)) == -1)
		goto fail_free;
	u->u_imgfd = ukfs_open_image(u->u_host, offset, u->u_rdonly, flags);
	if (u->u_imgfd == -1 || mount_options(u, options, &opts) == -1)
		goto fail_free;
	ukfs_kernel_lock();
	error = mount_locked(u, offset, size, opts) == -1 ? errno : 0;
	ukfs_kernel_unlock();
	free(opts);
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
	ukfs_release_lwps(u);
	pthread_mutex_unlock(&u->u_lock);

	ukfs_kernel_lock();
	/* the unmount writes back too; a failed sync is worth its message */
	if (!u->u_rdonly && rump_sys_sync() == -1) {
		error = errno;
		ukfs_seterr(error, "%s: cannot write back: %s", u->u_image,
		    strerror(error));
	}
	if (rump_sys_unmount(
	        u->u_mnt, (flags & UKFS_FORCE) ? RUMP_MNT_FORCE : 0) == -1) {
		error = errno;
		ukfs_seterr(error, "%s: cannot unmount: %s", u->u_image,
		    strerror(error));
	} else {
		rump_sys_rmdir(u->u_mnt);
		rump_pub_etfs_remove(u->u_dev);
	}
	ukfs_kernel_unlock();
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

const char *
ukfs_mountpoint(const struct ukfs *u)
{
	return u != NULL ? u->u_mnt : NULL;
}
