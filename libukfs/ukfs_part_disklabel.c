/*
 * NetBSD/BSD disklabels (disklabel(5)): struct disklabel with d_magic and
 * d_magic2 0x82564557, a 16-bit XOR checksum over the label and its
 * partition table, and 16-byte partition entries from byte 148 (p_size,
 * p_offset in sectors of d_secsize from the start of the disk, p_fsize,
 * p_fstype, p_frag, p_cpg).  Ports put the label at different places in
 * the first sectors and in their own byte order, so both orders are
 * tried at every 4-byte boundary of the first 2 KiB.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

#define DL_MAGIC   0x82564557u
#define DL_SCAN    2048
#define DL_MAXPART 22 /* MAXPARTITIONS is 16 or 22 depending on port */
#define DL_SIZE(n) (148 + 16 * (n))

static const char *const fstypes[] = {"unused", "swap", "Version 6",
    "Version 7", "System V", "4.1BSD", "Eighth Edition", "4.2BSD", "MSDOS",
    "4.4LFS", "unknown", "HPFS", "ISO9660", "boot", "ADOS", "HFS", "FILECORE",
    "Linux Ext2", "NTFS", "RAID", "ccd", "jfs", "Apple UFS", "vinum", "UDF",
    "SysVBFS", "EFS", "ZFS", "nilfs", "cgd", "MINIX FSv3"};

static uint32_t
get32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	        (uint32_t)p[2] << 8 | p[3]
	          : ukfs_le32(p);
}

static unsigned
get16(const unsigned char *p, int be)
{
	return be ? (unsigned)p[0] << 8 | p[1] : ukfs_le16(p);
}

/* Is there a whole, checksummed label at buf + at (of len bytes)? */
static int
label_at(const unsigned char *buf, size_t len, size_t at, int be)
{
	const unsigned char *l = buf + at;
	unsigned npart, sum = 0;
	size_t i;

	if (at + DL_SIZE(0) > len || get32(l, be) != DL_MAGIC ||
	    get32(l + 132, be) != DL_MAGIC)
		return 0;
	npart = get16(l + 138, be);
	if (npart == 0 || npart > DL_MAXPART || at + DL_SIZE(npart) > len)
		return 0;
	for (i = 0; i < DL_SIZE(npart); i += 2)
		sum ^= get16(l + i, be);
	return sum == 0;
}

int
ukfs_part_disklabel(struct ukfs_himg *h, uint64_t start, unsigned number,
    struct ukfs_partlist *pl)
{
	unsigned char buf[DL_SCAN + DL_SIZE(DL_MAXPART)];
	const unsigned char *l, *e;
	struct ukfs_part p;
	uint32_t secsize, psize, poff;
	unsigned npart, i, t;
	size_t at;
	int be = 0, found = 0;

	if (start + sizeof(buf) > pl->disksize ||
	    ukfs_himg_read(h, start, buf, sizeof(buf)) == -1)
		return 0;
	for (at = 0; at < DL_SCAN && !found; at += 4)
		for (be = 0; be <= 1 && !found; be++)
			found = label_at(buf, sizeof(buf), at, be);
	if (!found)
		return 0;
	at -= 4;
	be--;
	l = buf + at;
	secsize = get32(l + 40, be);
	if (secsize < 512 || secsize > 65536 || (secsize & (secsize - 1))) {
		snprintf(pl->note, sizeof(pl->note),
		    "disklabel at byte %llu has a bad sector size %lu; "
		    "ignored",
		    (unsigned long long)(start + at), (unsigned long)secsize);
		return 0;
	}
	npart = get16(l + 138, be);
	for (i = 0; i < npart; i++) {
		e = l + 148 + 16 * i;
		psize = get32(e, be);
		poff = get32(e + 4, be);
		t = e[12];
		if (psize == 0)
			continue;
		memset(&p, 0, sizeof(p));
		p.number = number;
		p.letter = (char)('a' + i);
		snprintf(p.scheme, sizeof(p.scheme), "disklabel");
		snprintf(p.type, sizeof(p.type), "%s",
		    t < sizeof(fstypes) / sizeof(fstypes[0]) ? fstypes[t]
		                                             : "unknown");
		snprintf(p.typecode, sizeof(p.typecode), "%u%s", t,
		    be ? " (big-endian label)" : "");
		p.offset = (uint64_t)poff * secsize;
		p.size = (uint64_t)psize * secsize;
		if (ukfs_part_add(pl, &p) == -1)
			return -1;
	}
	return 1;
}
