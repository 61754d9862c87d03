/*
 * GUID partition tables (UEFI spec, ch. 5): the header at LBA 1 and its
 * copy at the last LBA, each with a CRC-32 of itself and of its entry
 * array.  A damaged primary is replaced by the backup, and the caller
 * hears about it.  512- and 4096-byte sectors are tried.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

#define MAX_ENTRIES_BYTES (1u << 20)

struct gpt {
	uint64_t my_lba, first, last, entries_lba;
	uint32_t nentries, entsize, entcrc;
	unsigned char *ents;
};

static const struct {
	const char *guid;
	const char *name;
} gpt_types[] = {
    {"C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System"},
    {"21686148-6449-6E6F-744E-656564454649", "BIOS boot"},
    {"0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"},
    {"0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"},
    {"E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"},
    {"EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"},
    {"49F48D5A-B10E-11DC-B99B-0019D1879648", "NetBSD FFS"},
    {"49F48D82-B10E-11DC-B99B-0019D1879648", "NetBSD LFS"},
    {"49F48D32-B10E-11DC-B99B-0019D1879648", "NetBSD swap"},
    {"516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS"},
    {"516E7CB5-6ECF-11D6-8FF8-00022D09712B", "FreeBSD swap"},
};

/* A GUID in its usual text form (the first three fields little-endian). */
static void
guid_text(const unsigned char *g, char *out, size_t len)
{
	snprintf(out, len,
	    "%08" PRIX32 "-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
	    ukfs_le32(g), ukfs_le16(g + 4), ukfs_le16(g + 6), g[8], g[9], g[10],
	    g[11], g[12], g[13], g[14], g[15]);
}

/* The UTF-16LE name as UTF-8 (characters outside the BMP become '?'). */
static void
name_utf8(const unsigned char *u, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < 36; i++) {
		unsigned c = ukfs_le16(u + 2 * i);

		if (c == 0)
			break;
		if (c >= 0xd800 && c <= 0xdfff)
			c = '?';
		if (c < 0x80 && o + 1 < len)
			out[o++] = (char)c;
		else if (c < 0x800 && o + 2 < len) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c >= 0x800 && o + 3 < len) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
}

/*
 * The header at lba and its entries; NULL why on success, else what is
 * wrong with it.
 */
static const char *
load(struct ukfs_himg *h, unsigned ss, uint64_t lba, uint64_t nlbas,
    struct gpt *g)
{
	unsigned char hd[4096];
	uint32_t hsize, crc;
	uint64_t bytes;

	memset(g, 0, sizeof(*g));
	if (ukfs_himg_read(h, lba * ss, hd, ss) == -1)
		return "unreadable";
	if (memcmp(hd, "EFI PART", 8) != 0)
		return "no signature";
	hsize = ukfs_le32(hd + 12);
	if (hsize < 92 || hsize > ss)
		return "bad header size";
	crc = ukfs_le32(hd + 16);
	memset(hd + 16, 0, 4);
	if ((uint32_t)crc32(0L, hd, hsize) != crc)
		return "header CRC mismatch";
	g->my_lba = ukfs_le64(hd + 24);
	g->first = ukfs_le64(hd + 40);
	g->last = ukfs_le64(hd + 48);
	g->entries_lba = ukfs_le64(hd + 72);
	g->nentries = ukfs_le32(hd + 80);
	g->entsize = ukfs_le32(hd + 84);
	g->entcrc = ukfs_le32(hd + 88);
	if (g->my_lba != lba)
		return "header in the wrong place";
	if (g->entsize < 128 || g->entsize % 8 != 0 || g->entsize > 4096 ||
	    g->nentries == 0 || g->nentries > MAX_ENTRIES_BYTES / g->entsize)
		return "bad entry array size";
	bytes = (uint64_t)g->nentries * g->entsize;
	if (g->entries_lba < 2 || g->entries_lba >= nlbas ||
	    (bytes + ss - 1) / ss > nlbas - g->entries_lba ||
	    g->first > g->last || g->last >= nlbas)
		return "bad layout";
	g->ents = malloc((size_t)bytes);
	if (g->ents == NULL)
		return "out of memory";
	if (ukfs_himg_read(h, g->entries_lba * ss, g->ents, (size_t)bytes) ==
	        -1 ||
	    (uint32_t)crc32(0L, g->ents, (uInt)bytes) != g->entcrc) {
		free(g->ents);
		g->ents = NULL;
		return "entry array CRC mismatch";
	}
	return NULL;
}

static int
entries(const struct gpt *g, unsigned ss, struct ukfs_partlist *pl)
{
	static const unsigned char zero[16];
	struct ukfs_part p;
	const unsigned char *e;
	uint64_t first, last;
	uint32_t i;
	size_t t;

	for (i = 0; i < g->nentries; i++) {
		e = g->ents + (size_t)i * g->entsize;
		if (memcmp(e, zero, 16) == 0)
			continue;
		first = ukfs_le64(e + 32);
		last = ukfs_le64(e + 40);
		memset(&p, 0, sizeof(p));
		p.number = i + 1;
		snprintf(p.scheme, sizeof(p.scheme), "gpt");
		guid_text(e, p.typecode, sizeof(p.typecode));
		snprintf(p.type, sizeof(p.type), "unknown");
		for (t = 0; t < sizeof(gpt_types) / sizeof(gpt_types[0]); t++)
			if (strcmp(gpt_types[t].guid, p.typecode) == 0)
				snprintf(p.type, sizeof(p.type), "%s",
				    gpt_types[t].name);
		name_utf8(e + 56, p.name, sizeof(p.name));
		if (last < first || last > g->last || first < g->first) {
			/* listed, but any use of it fails its bounds check */
			p.offset = first * ss;
			p.size = UINT64_MAX - p.offset;
		} else {
			p.offset = first * ss;
			p.size = (last - first + 1) * ss;
		}
		if (ukfs_part_add(pl, &p) == -1)
			return -1;
	}
	return 0;
}

int
ukfs_part_gpt(struct ukfs_himg *h, struct ukfs_partlist *pl)
{
	static const unsigned sizes[] = {512, 4096};
	struct gpt g;
	const char *why, *bwhy;
	uint64_t nlbas;
	size_t i;
	int rv;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned ss = sizes[i];

		nlbas = pl->disksize / ss;
		if (nlbas < 4)
			continue;
		why = load(h, ss, 1, nlbas, &g);
		if (why == NULL) {
			rv = entries(&g, ss, pl);
			free(g.ents);
			return rv == -1 ? -1 : 1;
		}
		bwhy = load(h, ss, nlbas - 1, nlbas, &g);
		if (bwhy != NULL)
			continue;
		snprintf(pl->note, sizeof(pl->note),
		    "primary GPT header at LBA 1 is damaged (%s); using the "
		    "backup at LBA %llu",
		    why, (unsigned long long)(nlbas - 1));
		rv = entries(&g, ss, pl);
		free(g.ents);
		return rv == -1 ? -1 : 1;
	}
	return 0;
}
