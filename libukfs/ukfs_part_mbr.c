/*
 * The MBR (sector 0: four 16-byte entries at 446, 0x55 0xAA at 510) and
 * the chain of extended boot records holding logical partitions, which
 * are numbered 5 and up as on Linux.  A FAT boot sector also ends in
 * 0x55 0xAA; its BIOS parameter block tells it apart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

#define SECTOR  512
#define MAX_EBR 256

static const struct {
	unsigned code;
	const char *name;
} mbr_types[] = {
    {0x01, "FAT12"},
    {0x04, "FAT16 <32M"},
    {0x05, "Extended"},
    {0x06, "FAT16"},
    {0x07, "NTFS/exFAT"},
    {0x0b, "W95 FAT32"},
    {0x0c, "W95 FAT32 (LBA)"},
    {0x0e, "W95 FAT16 (LBA)"},
    {0x0f, "W95 Extended (LBA)"},
    {0x82, "Linux swap"},
    {0x83, "Linux"},
    {0x85, "Linux extended"},
    {0x8e, "Linux LVM"},
    {0xa5, "FreeBSD"},
    {0xa6, "OpenBSD"},
    {0xa9, "NetBSD"},
    {0xee, "GPT protective"},
    {0xef, "EFI System"},
    {0xfd, "Linux RAID"},
};

static int
is_extended(unsigned t)
{
	return t == 0x05 || t == 0x0f || t == 0x85;
}

static void
describe(struct ukfs_part *p, unsigned t)
{
	size_t i;

	snprintf(p->typecode, sizeof(p->typecode), "0x%02x", t);
	snprintf(p->type, sizeof(p->type), "unknown");
	for (i = 0; i < sizeof(mbr_types) / sizeof(mbr_types[0]); i++)
		if (mbr_types[i].code == t)
			snprintf(
			    p->type, sizeof(p->type), "%s", mbr_types[i].name);
	snprintf(p->scheme, sizeof(p->scheme), "mbr");
}

static int
pow2(unsigned v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* Sector 0 of a FAT file system: a jump and a sane BPB. */
static int
fat_boot(const unsigned char *s)
{
	unsigned bps = ukfs_le16(s + 11);

	return (s[0] == 0xeb || s[0] == 0xe9) && pow2(bps) && bps >= 512 &&
	    bps <= 4096 && pow2(s[13]) && ukfs_le16(s + 14) >= 1 &&
	    s[16] >= 1 && s[16] <= 2;
}

/* The logical partitions of the extended partition at [ext, ext+len). */
static int
logicals(
    struct ukfs_himg *h, struct ukfs_partlist *pl, uint64_t ext, uint64_t len)
{
	unsigned char s[SECTOR], *e;
	struct ukfs_part p;
	uint64_t ebr = ext, rel;
	unsigned number = 5;
	int i;

	for (i = 0; i < MAX_EBR; i++) {
		if (ukfs_himg_read(h, ebr * SECTOR, s, sizeof(s)) == -1 ||
		    s[510] != 0x55 || s[511] != 0xaa) {
			snprintf(pl->note, sizeof(pl->note),
			    "extended boot record at sector %llu is "
			    "unreadable or damaged; logical partitions "
			    "after it are not listed",
			    (unsigned long long)ebr);
			return 0;
		}
		e = s + 446;
		if (e[4] != 0 && ukfs_le32(e + 12) != 0) {
			memset(&p, 0, sizeof(p));
			describe(&p, e[4]);
			p.number = number++;
			p.offset = (ebr + ukfs_le32(e + 8)) * SECTOR;
			p.size = (uint64_t)ukfs_le32(e + 12) * SECTOR;
			if (ukfs_part_add(pl, &p) == -1)
				return -1;
		}
		e += 16;
		if (!is_extended(e[4]) || ukfs_le32(e + 12) == 0)
			return 0;
		rel = ukfs_le32(e + 8);
		/* each link must move forward inside the extended partition */
		if (ext + rel <= ebr || rel >= len)
			return 0;
		ebr = ext + rel;
	}
	return 0;
}

int
ukfs_part_mbr(struct ukfs_himg *h, struct ukfs_partlist *pl, int *protective)
{
	unsigned char s[SECTOR], *e;
	struct ukfs_part p;
	uint64_t ext = 0, extlen = 0;
	int i, any = 0;

	*protective = 0;
	if (ukfs_himg_read(h, 0, s, sizeof(s)) == -1)
		return 0;
	if (s[510] != 0x55 || s[511] != 0xaa || fat_boot(s))
		return 0;
	for (i = 0; i < 4; i++) {
		e = s + 446 + 16 * i;
		if ((e[0] & 0x7f) != 0)
			return 0; /* not a boot flag: not an MBR */
		if (e[4] != 0 && ukfs_le32(e + 12) != 0)
			any = 1;
	}
	if (!any)
		return 0;
	for (i = 0; i < 4; i++) {
		e = s + 446 + 16 * i;
		if (e[4] == 0 || ukfs_le32(e + 12) == 0)
			continue;
		if (e[4] == 0xee)
			*protective = 1;
		memset(&p, 0, sizeof(p));
		describe(&p, e[4]);
		p.number = (unsigned)i + 1;
		p.offset = (uint64_t)ukfs_le32(e + 8) * SECTOR;
		p.size = (uint64_t)ukfs_le32(e + 12) * SECTOR;
		p.container = is_extended(e[4]);
		if (p.container && ext == 0) {
			ext = ukfs_le32(e + 8);
			extlen = ukfs_le32(e + 12);
		}
		if (ukfs_part_add(pl, &p) == -1)
			return -1;
	}
	if (ext != 0 && logicals(h, pl, ext, extlen) == -1)
		return -1;
	return 1;
}
