/*
 * Image operands on command lines: "IMAGE:PATH".  The split is at a ':'
 * whose left side is an existing host file (regular or block device), so
 * that host names containing ':' still work; the longest such image name
 * wins.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

/* An existing image, possibly with a partition suffix (ukfs_where.c). */
static int
is_image(const char *path)
{
	return ukfs_name_exists(path);
}

/*
 * Hook for partition syntax (a later addition): narrow the image name and
 * set spec->offset/size.  For now the whole file is the file system.
 */
static int
spec_partition(struct ukfs_spec *spec)
{
	spec->offset = 0;
	spec->size = 0;
	return 0;
}

static int
fill(struct ukfs_spec *spec, const char *image, size_t ilen, const char *path)
{
	size_t plen = strlen(path);
	int slash = path[0] != '/';

	spec->image = strndup(image, ilen);
	spec->path = malloc(plen + slash + 1);
	if (spec->image == NULL || spec->path == NULL) {
		ukfs_spec_free(spec);
		errno = ENOMEM;
		return -1;
	}
	spec->path[0] = '/';
	memcpy(spec->path + slash, path, plen + 1);
	if (spec_partition(spec) == -1) {
		ukfs_spec_free(spec);
		return -1;
	}
	return 1;
}

int
ukfs_spec_parse(const char *operand, int flags, struct ukfs_spec *spec)
{
	const char *colon;
	char *img;
	size_t ilen;

	if (operand == NULL || spec == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(spec, 0, sizeof(*spec));
	img = strdup(operand);
	if (img == NULL)
		return -1;
	for (colon = strrchr(operand, ':'); colon != NULL;) {
		ilen = (size_t)(colon - operand);
		img[ilen] = '\0';
		if (ilen > 0 && is_image(img)) {
			free(img);
			return fill(spec, operand, ilen, colon + 1);
		}
		/* next ':' to the left */
		colon = ilen > 0 ? memrchr(operand, ':', ilen) : NULL;
	}
	free(img);
	if ((flags & UKFS_SPEC_WHOLE) && is_image(operand))
		return fill(spec, operand, strlen(operand), "/");
	return 0;
}

void
ukfs_spec_free(struct ukfs_spec *spec)
{
	if (spec == NULL)
		return;
	free(spec->image);
	free(spec->path);
	spec->image = spec->path = NULL;
}
