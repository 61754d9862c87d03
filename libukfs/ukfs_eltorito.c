/*
 * El Torito: the boot catalog of an ISO 9660 image, read from the image
 * file without the kernel (the cd9660 file system has no use for it).
 *
 * The boot record volume descriptor (in the descriptor set from sector
 * 16 on; the standard puts it at 17) names the catalog's sector.  The
 * catalog is a run of 32-byte slots: a validation entry, the initial
 * (default) entry, then sections, each a header and its entries, with
 * extension slots after entries that announce them.  Everything is
 * checked against the image size and a fixed walk limit: the image is
 * untrusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

#define ISO_SECTOR   2048
#define ISO_VD_FIRST 16 /* first volume descriptor */
#define ISO_VD_MAX   64 /* descriptors looked at before giving up */
#define ISO_VD_BOOT  0
#define ISO_VD_END   255

#define ET_SLOT    32
#define ET_MAXSECT 16 /* catalog sectors read at most */

#define ET_VALIDATION  0x01
#define ET_BOOTABLE    0x88
#define ET_NOTBOOTABLE 0x00
#define ET_HEADER      0x90
#define ET_LASTHEADER  0x91
#define ET_EXTENSION   0x44
#define ET_MORE        0x20 /* media byte: an extension slot follows */

static const char et_id[] = "EL TORITO SPECIFICATION";

/* The catalog as read, and where the walk is in it. */
struct catwalk {
	const char *image;
	unsigned char *buf;
	size_t nslots; /* slots in buf */
	size_t next;   /* next slot to look at */
	int short_img; /* buf ends at the image's end, not at ET_MAXSECT */
};

static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le32(const unsigned char *p)
{
	return le16(p) | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int corrupt(const char *image, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
corrupt(const char *image, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ukfs_seterr(EUCLEAN, "%s: El Torito boot catalog: %s", image, what);
	return -1;
}

/* Read len bytes at off or fail with a message: short means damaged. */
static int
rdat(struct ukfs_himg *fd, const char *image, uint64_t off, void *buf,
    size_t len)
{
	if (ukfs_himg_read(fd, off, buf, len) == 0)
		return 0;
	if (errno != EIO)
		ukfs_seterr(errno, "%s: %s", image, strerror(errno));
	else
		ukfs_seterr(EUCLEAN, "%s: short read at byte %llu", image,
		    (unsigned long long)off);
	return -1;
}

/*
 * The boot catalog's sector from the El Torito boot record; 0 when there
 * is none (0 is the system area, never a catalog).
 */
static int
find_catalog(
    struct ukfs_himg *fd, const char *image, uint64_t base, uint64_t end,
    uint32_t *sector)
{
	unsigned char vd[ISO_SECTOR];
	uint64_t off;
	int i;

	*sector = 0;
	for (i = ISO_VD_FIRST; i < ISO_VD_FIRST + ISO_VD_MAX; i++) {
		off = base + (uint64_t)i * ISO_SECTOR;
		if (off + ISO_SECTOR > end)
			break; /* no terminator: as good as one */
		if (rdat(fd, image, off, vd, sizeof(vd)) == -1)
			return -1;
		if (memcmp(vd + 1, "CD001", 5) != 0) {
			if (i == ISO_VD_FIRST) {
				ukfs_seterr(
				    EINVAL, "%s: not an ISO 9660 image", image);
				return -1;
			}
			break;
		}
		if (vd[0] == ISO_VD_END)
			break;
		if (vd[0] == ISO_VD_BOOT && vd[6] == 1 &&
		    memcmp(vd + 7, et_id, sizeof(et_id) - 1) == 0) {
			*sector = le32(vd + 71);
			if (*sector == 0)
				return corrupt(image, "at sector 0");
			return 0;
		}
	}
	return 0;
}

/* Read the catalog: up to ET_MAXSECT sectors, as many as the image has. */
static int
read_catalog(
    struct ukfs_himg *fd, struct catwalk *cw, uint64_t base, uint64_t end,
    uint32_t sector)
{
	uint64_t off = base + (uint64_t)sector * ISO_SECTOR;
	uint64_t len = (uint64_t)ET_MAXSECT * ISO_SECTOR;

	if (off + ISO_SECTOR > end)
		return corrupt(cw->image,
		    "sector %lu is past the end of the image",
		    (unsigned long)sector);
	if (end - off < len) {
		len = (end - off) / ISO_SECTOR * ISO_SECTOR;
		cw->short_img = 1;
	}
	cw->buf = malloc((size_t)len);
	if (cw->buf == NULL) {
		ukfs_seterr(ENOMEM, "%s: out of memory", cw->image);
		return -1;
	}
	cw->nslots = (size_t)len / ET_SLOT;
	return rdat(fd, cw->image, off, cw->buf, (size_t)len);
}

/* The next slot, or NULL (with the message) when the catalog ends early. */
static const unsigned char *
next_slot(struct catwalk *cw)
{
	if (cw->next >= cw->nslots) {
		if (cw->short_img)
			corrupt(cw->image, "runs past the end of the image");
		else
			corrupt(
			    cw->image, "longer than %d sectors", ET_MAXSECT);
		return NULL;
	}
	return cw->buf + ET_SLOT * cw->next++;
}

/* The validation entry: its header, key bytes and the 16-bit word sum. */
static int
check_validation(struct catwalk *cw, unsigned *platform)
{
	const unsigned char *p = next_slot(cw);
	uint32_t sum = 0;
	int i;

	if (p == NULL)
		return -1;
	if (p[0] != ET_VALIDATION)
		return corrupt(
		    cw->image, "bad validation entry header id 0x%02x", p[0]);
	if (p[30] != 0x55 || p[31] != 0xaa)
		return corrupt(cw->image, "bad validation entry key bytes");
	for (i = 0; i < ET_SLOT; i += 2)
		sum += le16(p + i);
	if ((sum & 0xffff) != 0)
		return corrupt(cw->image,
		    "bad validation entry checksum 0x%04x",
		    (unsigned)le16(p + 28));
	*platform = p[1];
	return 0;
}

/*
 * One initial or section entry into *e, with the extension slots that
 * follow a section entry skipped.
 */
static int
boot_entry(struct catwalk *cw, struct ukfs_boot_entry *e, unsigned section,
    unsigned platform)
{
	const unsigned char *p = next_slot(cw);
	unsigned more;

	if (p == NULL)
		return -1;
	if (p[0] != ET_BOOTABLE && p[0] != ET_NOTBOOTABLE)
		return corrupt(cw->image, "slot %zu: bad boot indicator 0x%02x",
		    cw->next, p[0]);
	if ((p[1] & 0x0f) > UKFS_BOOT_HD)
		return corrupt(cw->image, "slot %zu: unknown media type %u",
		    cw->next, p[1] & 0x0f);
	memset(e, 0, sizeof(*e));
	e->section = section;
	e->platform = platform;
	e->bootable = p[0] == ET_BOOTABLE;
	e->media = p[1] & 0x0f;
	e->load_segment = le16(p + 2);
	e->system_type = p[4];
	e->sector_count = le16(p + 6);
	e->load_rba = le32(p + 8);
	/* The initial entry has no extensions; its bit 5 is reserved. */
	more = section > 0 ? p[1] & ET_MORE : 0;
	while (more) {
		if ((p = next_slot(cw)) == NULL)
			return -1;
		if (p[0] != ET_EXTENSION)
			return corrupt(cw->image,
			    "slot %zu: bad extension id 0x%02x", cw->next,
			    p[0]);
		more = p[1] & ET_MORE;
	}
	return 0;
}

/* The sections after the initial entry, until the last header. */
static int
walk_sections(struct catwalk *cw, struct ukfs_boot_entry *ents, size_t *n)
{
	const unsigned char *p;
	unsigned section = 0, count, i;

	while (cw->next < cw->nslots) {
		p = cw->buf + ET_SLOT * cw->next;
		/*
		 * An unused slot where a header belongs: the end, also
		 * after a header (0x90) that promised another.
		 */
		if (p[0] == 0)
			return 0;
		if (p[0] != ET_HEADER && p[0] != ET_LASTHEADER)
			return corrupt(cw->image,
			    "slot %zu: bad section header id 0x%02x",
			    cw->next + 1, p[0]);
		cw->next++;
		section++;
		count = le16(p + 2);
		for (i = 0; i < count; i++) {
			if (*n >= UKFS_BOOT_MAX)
				return corrupt(cw->image,
				    "more than %d boot entries", UKFS_BOOT_MAX);
			if (boot_entry(cw, &ents[*n], section, p[1]) == -1)
				return -1;
			(*n)++;
		}
		if (p[0] == ET_LASTHEADER)
			return 0;
	}
	return 0;
}

static int
walk_catalog(struct ukfs_himg *fd, const char *image, uint64_t base, uint64_t end,
    uint32_t sector, struct ukfs_boot_entry *ents, size_t *n)
{
	struct catwalk cw;
	unsigned platform = 0;
	int rv = -1;

	memset(&cw, 0, sizeof(cw));
	cw.image = image;
	if (read_catalog(fd, &cw, base, end, sector) == 0 &&
	    check_validation(&cw, &platform) == 0 &&
	    boot_entry(&cw, &ents[0], 0, platform) == 0) {
		*n = 1;
		rv = walk_sections(&cw, ents, n);
	}
	free(cw.buf);
	return rv;
}

int
ukfs_eltorito(const char *image, uint64_t offset, uint32_t *catalog,
    struct ukfs_boot_entry **entries, size_t *count)
{
	struct ukfs_boot_entry *ents;
	uint32_t sector;
	struct ukfs_himg *fd;
	struct ukfs_where w;
	uint64_t end;
	size_t n = 0;
	int rv;

	ukfs_clearerr();
	if (image == NULL || entries == NULL || count == NULL) {
		ukfs_seterr(EINVAL, "ukfs_eltorito: NULL argument");
		return -1;
	}
	*entries = NULL;
	*count = 0;
	if (catalog != NULL)
		*catalog = 0;
	if (ukfs_where(image, offset, 0, &w) == -1)
		return -1;
	offset = w.offset;
	rv = ukfs_himg_open(w.host, &fd);
	if (rv == 0 && w.size != 0) {
		end = w.offset + w.size;
	} else if (rv == 0 && ukfs_himg_size(fd, &end) == -1) {
		ukfs_himg_close(fd);
		rv = -1;
	}
	ukfs_where_free(&w);
	if (rv == -1)
		return -1;
	if (end < offset) {
		ukfs_seterr(EINVAL, "%s: offset past the end of the image",
		    image);
		ukfs_himg_close(fd);
		return -1;
	}
	rv = find_catalog(fd, image, offset, (uint64_t)end, &sector);
	if (rv == 0 && sector != 0) {
		ents = calloc(UKFS_BOOT_MAX, sizeof(*ents));
		if (ents == NULL) {
			ukfs_seterr(ENOMEM, "%s: out of memory", image);
			rv = -1;
		} else if ((rv = walk_catalog(fd, image, offset, (uint64_t)end,
		                sector, ents, &n)) == -1) {
			free(ents);
		} else {
			*entries = ents;
			*count = n;
		}
		if (catalog != NULL)
			*catalog = sector;
	}
	ukfs_himg_close(fd);
	return rv;
}
