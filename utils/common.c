/* Helpers shared by the ukfs tools. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

const char *progname = "ukfs";

void
usage_exit(const char *usage)
{
	fprintf(stderr, "%s", usage);
	exit(1);
}

int
common_getopt(int argc, char **argv, const char *toolopts,
    struct common_opts *co, const char *usage)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	char optstr[64];
	int ch;

	snprintf(optstr, sizeof(optstr), "%sht:o:", toolopts);
	for (;;) {
		ch = getopt_long(argc, argv, optstr, longopts, NULL);
		switch (ch) {
		case 't':
			co->fstype = optarg;
			break;
		case 'o':
			co->options = optarg;
			break;
		case 'h':
			printf("%s", usage);
			exit(0);
		case 'V':
			printf("ukfs %s\n", UKFS_VERSION);
			exit(0);
		case '?':
			fprintf(stderr, "%s", usage);
			return '?';
		default:
			return ch;
		}
	}
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
warnpath(const char *image, const char *path, int error)
{
	warnmsg("%s:%s: %s", image, path, strerror(error));
}

struct ukfs *
mount_image(const char *image, const struct common_opts *co, int flags)
{
	struct ukfs *u;
	int error;

	u = ukfs_mount(co->fstype, image, 0, 0, flags, co->options, &error);
	if (u == NULL) {
		if (ukfs_errmsg()[0] != '\0')
			warnmsg("%s", ukfs_errmsg());
		else
			warnmsg("%s: %s", image, strerror(error));
	}
	return u;
}

int
image_operand(const char *operand, char **image, char **path)
{
	struct ukfs_spec spec;
	struct stat st;
	int rv;

	*path = NULL;
	/* a host file of that exact name is the image, ':' or not */
	if (stat(operand, &st) == 0 || strchr(operand, ':') == NULL) {
		*image = strdup(operand);
		if (*image == NULL) {
			warnmsg("%s", strerror(errno));
			return -1;
		}
		return 0;
	}
	rv = ukfs_spec_parse(operand, 0, &spec);
	if (rv == -1) {
		warnmsg("%s: %s", operand, strerror(errno));
		return -1;
	}
	if (rv == 0) {
		/* let the mount report the missing image */
		*image = strdup(operand);
		return *image ? 0 : -1;
	}
	*image = spec.image;
	*path = spec.path;
	return 0;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
finish_stdout(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(
		    stderr, "%s: write error: %s\n", progname, strerror(errno));
		return 1;
	}
	return status;
}

static int
pathbuf_room(struct pathbuf *pb, size_t need)
{
	size_t cap;
	char *p;

	if (need <= pb->cap)
		return 0;
	cap = pb->cap ? pb->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(pb->p, cap);
	if (p == NULL)
		return -1;
	pb->p = p;
	pb->cap = cap;
	return 0;
}

int
pathbuf_set(struct pathbuf *pb, const char *s)
{
	size_t n = strlen(s);

	if (pathbuf_room(pb, n + 1) == -1)
		return -1;
	memcpy(pb->p, s, n + 1);
	pb->len = n;
	return 0;
}

size_t
pathbuf_push(struct pathbuf *pb, const char *name)
{
	size_t old = pb->len, n = strlen(name);
	int slash = old > 0 && pb->p[old - 1] != '/';

	if (pathbuf_room(pb, old + slash + n + 1) == -1)
		return (size_t)-1;
	if (slash)
		pb->p[pb->len++] = '/';
	memcpy(pb->p + pb->len, name, n + 1);
	pb->len += n;
	return old;
}

void
pathbuf_cut(struct pathbuf *pb, size_t len)
{
	if (pb->p != NULL && len <= pb->len) {
		pb->len = len;
		pb->p[len] = '\0';
	}
}

void
pathbuf_free(struct pathbuf *pb)
{
	free(pb->p);
	pb->p = NULL;
	pb->len = pb->cap = 0;
}
