/* Helpers shared by the ukfs tools. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "common.h"

const char *progname = "ukfs";
const struct toolhelp *progtool;

/*
 * A tool's usage string is its "usage:" lines (continued by lines
 * indented past "usage: ") and then notes indented by two spaces.  Print
 * the lines of one kind, with "usage:" as "Usage:".
 */
static void
print_usage_part(FILE *fp, const char *usage, int notes)
{
	const char *p, *nl;
	int isnote;

	for (p = usage; *p != '\0'; p = nl) {
		nl = strchr(p, '\n');
		nl = nl != NULL ? nl + 1 : p + strlen(p);
		isnote = strncmp(p, "usage:", 6) != 0 &&
		    strncmp(p, "       ", 7) != 0;
		if (isnote != notes)
			continue;
		if (strncmp(p, "usage:", 6) == 0) {
			fputs("Usage:", fp);
			p += 6;
		}
		fwrite(p, 1, (size_t)(nl - p), fp);
	}
}

void
usage_print(FILE *fp, const char *usage)
{
	print_usage_part(fp, usage, 0);
	fprintf(fp, "Try '%s --help' for more information.\n", progname);
}

void
usage_exit(const char *usage)
{
	usage_print(stderr, usage);
	exit(1);
}

/* Does the tool describe option letter ch itself (getopt letters or help)? */
static int
own_option(const char *toolopts, const char *opts, int ch)
{
	char pat[8];

	snprintf(pat, sizeof(pat), "  -%c ", ch);
	return strchr(toolopts, ch) != NULL ||
	    (opts != NULL && strstr(opts, pat) != NULL);
}

void
help_exit(const char *usage, const char *toolopts)
{
	const struct toolhelp *th = progtool;
	const char *opts = th != NULL ? th->opts : NULL;

	print_usage_part(stdout, usage, 0);
	if (th != NULL)
		printf("%s\n", th->what);
	printf("\nOptions:\n");
	if (opts != NULL)
		fputs(opts, stdout);
	if (!own_option(toolopts, opts, 't'))
		printf("  -t type       file-system type: ext2fs, ffs, lfs, "
		       "msdos, cd9660\n"
		       "                (default: detected from the image)\n");
	if (!own_option(toolopts, opts, 'o'))
		printf(
		    "  -o options    file-system options, comma-separated\n");
	printf("  %-14sprint this help and exit\n"
	       "      --version print the version and exit\n",
	    own_option(toolopts, opts, 'h') ? "    --help" : "-h, --help");
	if (strstr(usage, "\n  ") != NULL) {
		printf("\n");
		print_usage_part(stdout, usage, 1);
	}
	printf("\nExit status: %s.\nManual: %s(1)\n",
	    th != NULL && th->exits != NULL ? th->exits
	                                    : "0 on success, 1 on an error",
	    progname);
	fflush(stdout);
	exit(ferror(stdout) ? 1 : 0);
}

void
version_exit(void)
{
	if (strcmp(progname, "ukfs") == 0)
		printf("ukfs %s\n", UKFS_VERSION);
	else
		printf("%s (ukfs) %s\n", progname, UKFS_VERSION);
	fflush(stdout);
	exit(ferror(stdout) ? 1 : 0);
}

int
common_getopt(int argc, char **argv, const char *toolopts,
    struct common_opts *co, const char *usage)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'H'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	char optstr[64];
	int ch;

	/*
	 * A tool may take a common letter itself (chown -h, touch -t): it
	 * gets it and handles it; help is then only --help.
	 */
	snprintf(optstr, sizeof(optstr), "%s%s%s%s", toolopts,
	    strchr(toolopts, 'h') ? "" : "h", strchr(toolopts, 't') ? "" : "t:",
	    strchr(toolopts, 'o') ? "" : "o:");
	for (;;) {
		ch = getopt_long(argc, argv, optstr, longopts, NULL);
		if (ch > 0 && ch != ':' && strchr(toolopts, ch) != NULL)
			return ch;
		switch (ch) {
		case 't':
			co->fstype = optarg;
			break;
		case 'o':
			co->options = optarg;
			break;
		case 'h':
		case 'H':
			help_exit(usage, toolopts);
		case 'V':
			version_exit();
		case '?':
			usage_print(stderr, usage);
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
		return NULL;
	}
	if (flags & UKFS_RDWR)
		ukfs_umask(u, 0);
	return u;
}

int
release_image(struct ukfs *u)
{
	char *image = strdup(ukfs_image(u) ? ukfs_image(u) : "");

	if (ukfs_release(u, 0) == -1) {
		if (ukfs_errmsg()[0] != '\0')
			warnmsg("%s", ukfs_errmsg());
		else
			warnmsg("%s: %s", image ? image : "", strerror(errno));
		free(image);
		return -1;
	}
	free(image);
	return 0;
}

mode_t
host_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

int
path_operands(
    int argc, char **argv, int min, char **image, char ***paths, int *npaths)
{
	char *first;
	int i, n = 0;

	*paths = NULL;
	*npaths = 0;
	if (argc < 1 || image_operand(argv[0], image, &first) == -1)
		return -1;
	*paths = calloc((size_t)argc, sizeof(**paths));
	if (*paths == NULL) {
		free(*image);
		free(first);
		return -1;
	}
	if (first != NULL)
		(*paths)[n++] = first;
	for (i = 1; i < argc; i++)
		if (((*paths)[n++] = strdup(argv[i])) == NULL) {
			free_operands(*image, *paths, n - 1);
			return -1;
		}
	*npaths = n;
	if (n < min) {
		free_operands(*image, *paths, n);
		return -1;
	}
	return 0;
}

void
free_operands(char *image, char **paths, int npaths)
{
	int i;

	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	free(image);
}

int
parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'b':
	case 'B':
		shift = 9;
		end++;
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0' || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
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

int
image_prepare(const char *image, uint64_t size, int fresh, int *created)
{
	struct stat st;
	uint64_t poff, psize;
	char *host;
	int fd, part;

	*created = 0;
	/* a partition (IMAGE@N, ...): the table sets its size, not we */
	if (access(image, F_OK) == -1 &&
	    ukfs_resolve(image, &host, &poff, &psize) == 0) {
		part = strcmp(host, image) != 0;
		free(host);
		if (part && psize != 0 && size > psize) {
			warnmsg("%s: the partition (%llu bytes) is smaller "
			        "than the %llu bytes needed",
			    image, (unsigned long long)psize,
			    (unsigned long long)size);
			return -1;
		}
		if (part)
			return 0;
	}
	fd = open(image, O_RDWR | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		fd = open(image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		*created = fd != -1;
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		warnmsg("%s: %s", image, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* never cut an image that another program has mounted */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		warnmsg("%s: %s", image,
		    errno == EWOULDBLOCK ? "image is in use by another reader "
		                           "or writer"
		                         : strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) &&
	    ((fresh && ftruncate(fd, 0) == -1) ||
	        ((fresh || (uint64_t)st.st_size < size) &&
	            ftruncate(fd, (off_t)size) == -1))) {
		warnmsg("%s: cannot make it %llu bytes: %s", image,
		    (unsigned long long)size, strerror(errno));
		close(fd);
		if (*created)
			unlink(image);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		warnmsg("%s: not a regular file or block device", image);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
