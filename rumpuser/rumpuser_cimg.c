/*
 * Which compressed format a host file is in, and the calls that hand each
 * read to that format under the image's lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rumpuser_cimg.h"

struct rumpuser_cimg {
	pthread_mutex_t lock; /* the formats keep decoder state */
	const struct rumpuser_cimg_ops *ops;
	void *ctx;
};

static const struct rumpuser_cimg_ops *const formats[] = {
    &rumpuser_cimg_gz,
    &rumpuser_cimg_vnd,
};

int
rumpuser_cimg_rd(int fd, void *buf, size_t len, uint64_t off, size_t *done)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, p + got, len - got, (off_t)(off + got));

		if (n == -1) {
			if (errno == EINTR)
				continue;
			*done = got;
			return errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*done = got;
	return 0;
}

int
rumpuser_cimg_open(int fd, struct rumpuser_cimg **cp)
{
	unsigned char head[512];
	struct stat st;
	struct rumpuser_cimg *c;
	size_t n, i;
	void *ctx;
	int error;

	*cp = NULL;
	if (fstat(fd, &st) == -1)
		return errno;
	if (!S_ISREG(st.st_mode))
		return 0; /* devices are never compressed images */
	error = rumpuser_cimg_rd(fd, head, sizeof(head), 0, &n);
	if (error)
		return error;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (!formats[i]->sniff(head, n))
			continue;
		error = formats[i]->open(fd, (uint64_t)st.st_size, &ctx);
		if (error)
			return error;
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			formats[i]->close(ctx);
			return ENOMEM;
		}
		pthread_mutex_init(&c->lock, NULL);
		c->ops = formats[i];
		c->ctx = ctx;
		*cp = c;
		return 0;
	}
	return 0;
}

int
rumpuser_cimg_pread(
    struct rumpuser_cimg *c, void *buf, size_t len, uint64_t off, size_t *done)
{
	int error;

	pthread_mutex_lock(&c->lock);
	error = c->ops->pread(c->ctx, buf, len, off, done);
	pthread_mutex_unlock(&c->lock);
	return error;
}

int
rumpuser_cimg_size(struct rumpuser_cimg *c, uint64_t *sizep)
{
	int error;

	pthread_mutex_lock(&c->lock);
	error = c->ops->size(c->ctx, sizep);
	pthread_mutex_unlock(&c->lock);
	return error;
}

const char *
rumpuser_cimg_kind(const struct rumpuser_cimg *c)
{
	return c->ops->name;
}

void
rumpuser_cimg_close(struct rumpuser_cimg *c)
{
	if (c == NULL)
		return;
	c->ops->close(c->ctx);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
