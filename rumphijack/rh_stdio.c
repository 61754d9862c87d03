/*
 * stdio streams on the server's files.  glibc's fopen opens with its
 * internal open, out of reach of interposition, so fopen and fdopen make
 * a cookie stream (fopencookie) over our descriptor for the server's
 * files; fileno() of such a stream gives that descriptor.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

#define NSTREAMS 256

/* Our cookie streams and their descriptors, for fileno(). */
static pthread_mutex_t streams_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	FILE *f;
	int fd;
} streams[NSTREAMS];

static void
remember(FILE *f, int fd)
{
	int i;

	pthread_mutex_lock(&streams_lock);
	for (i = 0; i < NSTREAMS; i++)
		if (streams[i].f == NULL || streams[i].f == f) {
			streams[i].f = f;
			streams[i].fd = fd;
			break;
		}
	pthread_mutex_unlock(&streams_lock);
}

static void
forget(int fd)
{
	int i;

	pthread_mutex_lock(&streams_lock);
	for (i = 0; i < NSTREAMS; i++)
		if (streams[i].f != NULL && streams[i].fd == fd)
			streams[i].f = NULL;
	pthread_mutex_unlock(&streams_lock);
}

static int
lookup(FILE *f)
{
	int i, fd = -1;

	pthread_mutex_lock(&streams_lock);
	for (i = 0; i < NSTREAMS; i++)
		if (streams[i].f == f) {
			fd = streams[i].fd;
			break;
		}
	pthread_mutex_unlock(&streams_lock);
	return fd;
}

static ssize_t
ck_read(void *c, char *buf, size_t n)
{
	return read((int)(intptr_t)c, buf, n);
}

static ssize_t
ck_write(void *c, const char *buf, size_t n)
{
	ssize_t w = write((int)(intptr_t)c, buf, n);

	return w < 0 ? 0 : w; /* stdio takes 0 as the error */
}

static int
ck_seek(void *c, off64_t *off, int whence)
{
	off_t r = lseek((int)(intptr_t)c, *off, whence);

	if (r == -1)
		return -1;
	*off = r;
	return 0;
}

static int
ck_close(void *c)
{
	forget((int)(intptr_t)c);
	return close((int)(intptr_t)c);
}

static const cookie_io_functions_t ck_funcs = {
	.read = ck_read,
	.write = ck_write,
	.seek = ck_seek,
	.close = ck_close,
};

/* fopen's mode string as open flags; -1 with EINVAL when bad. */
static int
mode_flags(const char *mode)
{
	int flags;
	const char *p;

	switch (mode[0]) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	for (p = mode + 1; *p != '\0' && *p != ','; p++) {
		if (*p == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (*p == 'x')
			flags |= O_EXCL;
		else if (*p == 'e')
			flags |= O_CLOEXEC;
	}
	return flags;
}

static FILE *
stream(int fd, const char *mode)
{
	FILE *f = fopencookie((void *)(intptr_t)fd, mode, ck_funcs);

	if (f != NULL) {
		remember(f, fd);
		if (mode[0] == 'a')
			fseeko(f, 0, SEEK_END);
	}
	return f;
}

RH_API FILE *
fopen(const char *path, const char *mode)
{
	char rpath[RH_PATHMAX];
	FILE *f;
	int flags, fd, error;

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(fopen)(path, mode);
	case RH_ERROR:
		return NULL;
	default:
		break;
	}
	if ((flags = mode_flags(mode)) == -1)
		return NULL;
	if ((fd = open(path, flags, 0666)) == -1)
		return NULL;
	if ((f = stream(fd, mode)) == NULL) {
		error = errno;
		close(fd);
		errno = error;
	}
	return f;
}

RH_API FILE *
fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

RH_API FILE *
fdopen(int fd, const char *mode)
{
	if (rh_rfd(fd) == -1)
		return REAL(fdopen)(fd, mode);
	if (mode_flags(mode) == -1)
		return NULL;
	return stream(fd, mode);
}

/*
 * A program started with one of the server's descriptors as standard
 * input, output or error (a shell's "cmd > /img/f"): the C library's own
 * streams write with its internal write, so they are replaced by cookie
 * streams on the descriptor (glibc lets a program assign stdin, stdout
 * and stderr).
 */
void
rh_stdio_adopt(int fd)
{
	FILE *f;

	switch (fd) {
	case 0:
		if ((f = stream(0, "r")) != NULL)
			stdin = f;
		break;
	case 1:
		if ((f = stream(1, "w")) != NULL)
			stdout = f;
		break;
	case 2:
		if ((f = stream(2, "w")) != NULL) {
			setvbuf(f, NULL, _IONBF, 0);
			stderr = f;
		}
		break;
	}
}

RH_API int
fileno(FILE *f)
{
	int fd = lookup(f);

	return fd != -1 ? fd : REAL(fileno)(f);
}

RH_API int
fileno_unlocked(FILE *f)
{
	int fd = lookup(f);

	return fd != -1 ? fd : REAL(fileno_unlocked)(f);
}
