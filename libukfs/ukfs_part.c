/*
 * The partitions of an image: a GPT (behind its protective MBR), else an
 * MBR with its logical partitions, and the disklabels inside NetBSD MBR
 * partitions or, on a disk without MBR, at its start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

#define MBR_NETBSD 0xa9
#define MAX_PARTS  4096

int
ukfs_part_add(struct ukfs_partlist *pl, const struct ukfs_part *p)
{
	struct ukfs_part *v;

	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 16;

		if (cap > MAX_PARTS ||
		    (v = realloc(pl->v, cap * sizeof(*v))) == NULL) {
			ukfs_seterr(ENOMEM, "too many partitions");
			return -1;
		}
		pl->v = v;
		pl->cap = cap;
	}
	pl->v[pl->n++] = *p;
	return 0;
}

int
ukfs_part_read(struct ukfs_himg *h, struct ukfs_partlist *pl)
{
	size_t i, nmbr;
	int protective = 0, rv;

	if (ukfs_himg_size(h, &pl->disksize) == -1)
		return -1;
	rv = ukfs_part_mbr(h, pl, &protective);
	if (rv == -1)
		goto fail;
	if (protective || rv == 0) {
		/* a GPT without a protective MBR is still worth a look */
		pl->n = 0;
		rv = ukfs_part_gpt(h, pl);
		if (rv == -1)
			goto fail;
		if (rv == 1)
			return 0;
	}
	nmbr = pl->n;
	for (i = 0; i < nmbr; i++) {
		if (strcmp(pl->v[i].typecode, "0xa9") != 0)
			continue;
		if (ukfs_part_disklabel(
		        h, pl->v[i].offset, pl->v[i].number, pl) == -1)
			goto fail;
	}
	if (nmbr == 0 && ukfs_part_disklabel(h, 0, 0, pl) == -1)
		goto fail;
	return 0;
fail:
	free(pl->v);
	memset(pl, 0, sizeof(*pl));
	return -1;
}

int
ukfs_partitions(const char *image, struct ukfs_part **parts, size_t *count,
    char *note, size_t notelen)
{
	struct ukfs_partlist pl;
	struct ukfs_where w;
	struct ukfs_himg *h;
	int rv;

	ukfs_clearerr();
	if (image == NULL || parts == NULL || count == NULL) {
		ukfs_seterr(EINVAL, "ukfs_partitions: NULL argument");
		return -1;
	}
	*parts = NULL;
	*count = 0;
	if (note != NULL && notelen > 0)
		note[0] = '\0';
	if (ukfs_where(image, 0, 0, &w) == -1)
		return -1;
	rv = ukfs_himg_open(w.host, &h);
	ukfs_where_free(&w);
	if (rv == -1)
		return -1;
	memset(&pl, 0, sizeof(pl));
	rv = ukfs_part_read(h, &pl);
	ukfs_himg_close(h);
	if (rv == -1)
		return -1;
	if (note != NULL && notelen > 0)
		snprintf(note, notelen, "%s", pl.note);
	*parts = pl.v;
	*count = pl.n;
	return 0;
}
