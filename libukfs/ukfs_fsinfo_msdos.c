/*
 * FAT boot sector: the BIOS parameter block (the fields minfo shows),
 * the FAT type by cluster count, and the free clusters counted in the
 * first FAT.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_fsinfo.h"
#include "ukfs_int.h"

/* Free clusters: zero entries of the first FAT, in 64 KiB reads. */
static int
count_free(const struct fi_io *io, uint64_t fatoff, uint32_t nclus, int bits,
    uint64_t *freep)
{
	uint64_t bytes = ((uint64_t)(nclus + 2) * (uint64_t)bits + 7) / 8;
	unsigned char *fat;
	uint32_t c;
	uint64_t n = 0;

	fat = malloc((size_t)bytes + 2);
	if (fat == NULL) {
		ukfs_seterr(ENOMEM, "%s: %s", io->image, strerror(ENOMEM));
		return -1;
	}
	memset(fat, 0, (size_t)bytes + 2);
	if (fi_read(io, fatoff, fat, (size_t)bytes) == -1) {
		free(fat);
		return -1;
	}
	for (c = 2; c < nclus + 2; c++) {
		uint32_t v;

		if (bits == 12) {
			v = ukfs_le16(fat + c * 3 / 2);
			v = (c & 1) ? v >> 4 : v & 0xfff;
		} else if (bits == 16)
			v = ukfs_le16(fat + 2 * c);
		else
			v = ukfs_le32(fat + 4 * c) & 0x0fffffff;
		n += v == 0;
	}
	free(fat);
	*freep = n;
	return 0;
}

int
fsinfo_msdos(const struct fi_io *io, struct ukfs_fsinfo *fi)
{
	unsigned char b[512], *x;
	uint32_t bps, spc, rsvd, nfats, rootents, total, fatsz, rootsecs;
	uint32_t data, nclus;
	uint64_t nfree;
	int bits;

	if (fi_read(io, 0, b, sizeof(b)) == -1)
		return -1;
	bps = ukfs_le16(b + 11);
	spc = b[13];
	rsvd = ukfs_le16(b + 14);
	nfats = b[16];
	rootents = ukfs_le16(b + 17);
	total = ukfs_le16(b + 19) ? ukfs_le16(b + 19) : ukfs_le32(b + 32);
	fatsz = ukfs_le16(b + 22) ? ukfs_le16(b + 22) : ukfs_le32(b + 36);
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || spc == 0 ||
	    (spc & (spc - 1)) || nfats == 0 || fatsz == 0) {
		ukfs_seterr(EUCLEAN, "%s: bad BIOS parameter block", io->image);
		return -1;
	}
	rootsecs = (rootents * 32 + bps - 1) / bps;
	if ((uint64_t)rsvd + (uint64_t)nfats * fatsz + rootsecs >= total) {
		ukfs_seterr(EUCLEAN,
		    "%s: the FATs and root directory do not "
		    "fit the volume",
		    io->image);
		return -1;
	}
	data = total - rsvd - nfats * fatsz - rootsecs;
	nclus = data / spc;
	bits = nclus < 4085 ? 12 : nclus < 65525 ? 16 : 32;
	x = bits == 32 ? b + 64 : b + 36; /* the extended BPB */
	fi_text(fi, "FAT type", "FAT%d", bits);
	fi_str(fi, "OEM name", b + 3, 8);
	fi_num(fi, "sector size", bps);
	fi_num(fi, "cluster size", spc);
	fi_num(fi, "reserved sectors", rsvd);
	fi_num(fi, "fats", nfats);
	fi_num(fi, "root directory slots", rootents);
	fi_num(fi, "total sectors", total);
	fi_text(fi, "media descriptor", "0x%02x", b[21]);
	fi_num(fi, "sectors per fat", fatsz);
	fi_num(fi, "sectors per track", ukfs_le16(b + 24));
	fi_num(fi, "heads", ukfs_le16(b + 26));
	fi_num(fi, "hidden sectors", ukfs_le32(b + 28));
	if (bits == 32) {
		fi_num(fi, "root cluster", ukfs_le32(b + 44));
		fi_num(fi, "fsinfo sector", ukfs_le16(b + 48));
		fi_num(fi, "backup boot sector", ukfs_le16(b + 50));
	}
	fi_text(fi, "physical drive id", "0x%02x", x[0]);
	if (x[2] == 0x29) {
		fi_text(fi, "serial number", "%08" PRIX32, ukfs_le32(x + 3));
		fi_str(fi, "label", x + 7, 11);
		fi_str(fi, "fs type", x + 18, 8);
	}
	fi_num(fi, "clusters", nclus);
	if (count_free(io, (uint64_t)rsvd * bps, nclus, bits, &nfree) == -1)
		return -1;
	fi_num(fi, "free clusters", nfree);
	fi_num(fi, "free bytes", nfree * spc * bps);
	return 0;
}
