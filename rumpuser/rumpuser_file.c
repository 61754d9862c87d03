/*
 * Host files: the image files and block devices the kernel reads and
 * writes.  Transfers are completed here (short counts and EINTR are the
 * host's business, not the kernel's).
 */
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <rump/rumpuser.h>

#include "rumpuser_cimg.h"

/*
 * Compressed images open as read-only devices whose bytes are the
 * uncompressed ones: the descriptor stays the host's, and this table says
 * which descriptors go through a decoder.
 */
static pthread_mutex_t cimg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rumpuser_cimg **cimgs;
static int ncimgs;

static struct rumpuser_cimg *
cimg_of(int fd)
{
	struct rumpuser_cimg *c = NULL;

	pthread_mutex_lock(&cimg_lock);
	if (fd >= 0 && fd < ncimgs)
		c = cimgs[fd];
	pthread_mutex_unlock(&cimg_lock);
	return c;
}

static int
cimg_set(int fd, struct rumpuser_cimg *c)
{
	struct rumpuser_cimg **t;
	int n, i;

	pthread_mutex_lock(&cimg_lock);
	if (fd >= ncimgs) {
		n = fd + 16;
		t = realloc(cimgs, (size_t)n * sizeof(*t));
		if (t == NULL) {
			pthread_mutex_unlock(&cimg_lock);
			return ENOMEM;
		}
		for (i = ncimgs; i < n; i++)
			t[i] = NULL;
		cimgs = t;
		ncimgs = n;
	}
	cimgs[fd] = c;
	pthread_mutex_unlock(&cimg_lock);
	return 0;
}

/* After the host open: a compressed image is read-only, never locked. */
static int
cimg_attach(int fd, int rdwr)
{
	struct rumpuser_cimg *c;
	int error;

	error = rumpuser_cimg_open(fd, &c);
	if (error || c == NULL)
		return error;
	if (rdwr) {
		rumpuser_cimg_close(c);
		return EROFS;
	}
	error = cimg_set(fd, c);
	if (error)
		rumpuser_cimg_close(c);
	return error;
}

int
rumpuser_open(const char *path, int flags, int *fdp)
{
	int oflags, fd, lockop;

	switch (flags & (RUMPUSER_OPEN_RDONLY | RUMPUSER_OPEN_RDWR)) {
	case RUMPUSER_OPEN_RDONLY:
		oflags = O_RDONLY;
		lockop = LOCK_SH;
		break;
	case RUMPUSER_OPEN_RDWR:
		oflags = O_RDWR;
		lockop = LOCK_EX;
		break;
	default:
		return EINVAL;
	}
	/* Never create: a missing image is an error, not an empty image. */
	do
		fd = open(path, oflags | O_CLOEXEC | O_NOCTTY);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return errno;
	if (flags & RUMPUSER_OPEN_DECOMPRESS) {
		int error = cimg_attach(fd, oflags == O_RDWR);

		if (error) {
			close(fd);
			return error;
		}
	}

	if (flags & RUMPUSER_OPEN_LOCK) {
		int rv;

		do
			rv = flock(fd, lockop | LOCK_NB);
		while (rv == -1 && errno == EINTR);
		if (rv == -1) {
			int error = errno == EWOULDBLOCK ? EBUSY : errno;

			rumpuser_close(fd);
			return error;
		}
	}
	*fdp = fd;
	return 0;
}

int
rumpuser_close(int fd)
{
	struct rumpuser_cimg *c = cimg_of(fd);

	if (c != NULL) {
		cimg_set(fd, NULL);
		rumpuser_cimg_close(c);
	}
	/* Linux releases the descriptor even when close reports EINTR. */
	if (close(fd) == -1 && errno != EINTR)
		return errno;
	return 0;
}

int
rumpuser_getfilesize(int fd, uint64_t *sizep)
{
	struct rumpuser_cimg *c = cimg_of(fd);
	struct stat sb;
	off_t end;

	if (c != NULL)
		return rumpuser_cimg_size(c, sizep);
	if (fstat(fd, &sb) == -1)
		return errno;
	if (S_ISREG(sb.st_mode)) {
		*sizep = (uint64_t)sb.st_size;
		return 0;
	}
	if (S_ISBLK(sb.st_mode)) {
		uint64_t size;

		if (ioctl(fd, BLKGETSIZE64, &size) == -1)
			return errno;
		*sizep = size;
		return 0;
	}
	/* Anything else that can seek tells its size this way. */
	end = lseek(fd, 0, SEEK_END);
	if (end == -1)
		return errno == ESPIPE ? ENOTSUP : errno;
	*sizep = (uint64_t)end;
	return 0;
}

int
rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *done)
{
	struct rumpuser_cimg *c = cimg_of(fd);
	char *p = buf;
	size_t got = 0;
	int error = 0;

	if (c != NULL)
		return rumpuser_cimg_pread(c, buf, len, (uint64_t)off, done);
	while (got < len) {
		ssize_t n = pread(fd, p + got, len - got, (off_t)(off + got));

		if (n == -1) {
			if (errno == EINTR)
				continue;
			error = errno;
			break;
		}
		if (n == 0)
			break; /* end of file: the caller sees a short count */
		got += (size_t)n;
	}
	*done = got;
	return error;
}

/*
 * Simulated power loss, for crash tests: with UKFS_FAULT_WRITES=N in the
 * environment, every write after the Nth is dropped while reporting
 * success, as if the machine had lost power there.  UKFS_FAULT_MARK, if
 * set, names a file created when the first write is dropped, so that a
 * test can tell which of its fsyncs completed before the cut.
 */
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;
static long long fault_limit = -1; /* -1: no fault */
static long long fault_count;
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static int fault_marked;

static void
fault_init(void)
{
	const char *v = getenv("UKFS_FAULT_WRITES");
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return;
	n = strtoll(v, &end, 10);
	if (*end == '\0' && n >= 0)
		fault_limit = n;
}

static int
fault_drop(void)
{
	const char *mark;
	long long n;
	int fd;

	pthread_once(&fault_once, fault_init);
	if (fault_limit < 0)
		return 0;
	n = __atomic_add_fetch(&fault_count, 1, __ATOMIC_SEQ_CST);
	if (n <= fault_limit)
		return 0;
	/* No dropped write returns before the mark exists. */
	pthread_mutex_lock(&fault_lock);
	if (!fault_marked && (mark = getenv("UKFS_FAULT_MARK")) != NULL &&
	    (fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) != -1)
		close(fd);
	fault_marked = 1;
	pthread_mutex_unlock(&fault_lock);
	return 1;
}

int
rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off, size_t *done)
{
	struct rumpuser_iovec one = {buf, len};

	/* one loop for short writes and faults: rumpuser_pwritev's */
	return rumpuser_pwritev(fd, &one, 1, off, done);
}

int
rumpuser_pwritev(int fd, const struct rumpuser_iovec *riov, int iovcnt,
    int64_t off, size_t *done)
{
	struct iovec iov[1024];
	size_t put = 0, len = 0;
	int i, first = 0, error = 0;

	*done = 0;
	if (iovcnt < 0 || iovcnt > 1024)
		return EINVAL;
	if (cimg_of(fd) != NULL)
		return EROFS; /* compressed images are read-only */
	for (i = 0; i < iovcnt; i++) {
		iov[i].iov_base = (void *)(uintptr_t)riov[i].iov_base;
		iov[i].iov_len = riov[i].iov_len;
		len += riov[i].iov_len;
	}
	/* one write, as the fault injection counts them */
	if (fault_drop()) {
		*done = len;
		return 0;
	}
	while (put < len) {
		ssize_t n = pwritev(fd, iov + first, iovcnt - first,
		    (off_t)(off + (int64_t)put));

		if (n == -1) {
			if (errno == EINTR)
				continue;
			error = errno;
			break;
		}
		if (n == 0) {
			error = ENOSPC;
			break;
		}
		put += (size_t)n;
		/* a short write: go on from where it stopped */
		while (first < iovcnt && (size_t)n >= iov[first].iov_len) {
			n -= (ssize_t)iov[first].iov_len;
			first++;
		}
		if (first < iovcnt) {
			iov[first].iov_base = (char *)iov[first].iov_base + n;
			iov[first].iov_len -= (size_t)n;
		}
	}
	*done = put;
	return error;
}

int
rumpuser_fsync(int fd)
{
	int rv;

	do
		rv = fsync(fd);
	while (rv == -1 && errno == EINTR);
	if (rv == -1) {
		/* Files and devices that cannot sync have nothing to sync. */
		if (errno == EINVAL || errno == EROFS)
			return 0;
		return errno;
	}
	return 0;
}
