/*
 * ISO 9660 primary volume descriptor (sector 16), the fields isoinfo -d
 * shows, and which further descriptors (Joliet, El Torito) follow it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ukfs_fsinfo.h"
#include "ukfs_int.h"

#define SECTOR 2048

/* "YYYYMMDDHHMMSScc" + zone as "YYYY-MM-DD HH:MM:SS", or "" when unset. */
static void
vd_date(struct ukfs_fsinfo *fi, const char *key, const unsigned char *p)
{
	if (p[0] < '0' || p[0] > '9' || memcmp(p, "0000", 4) == 0) {
		fi_text(fi, key, "%s", "");
		return;
	}
	fi_text(fi, key, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s", p, p + 4, p + 6,
	    p + 8, p + 10, p + 12);
}

int
fsinfo_cd9660(const struct fi_io *io, struct ukfs_fsinfo *fi)
{
	unsigned char vd[SECTOR];
	int sec, joliet = 0, boot = 0;

	if (fi_read(io, 16 * SECTOR, vd, sizeof(vd)) == -1)
		return -1;
	if (vd[0] != 1 || memcmp(vd + 1, "CD001", 5) != 0) {
		ukfs_seterr(EUCLEAN,
		    "%s: no primary volume descriptor at "
		    "sector 16",
		    io->image);
		return -1;
	}
	fi_str(fi, "System id", vd + 8, 32);
	fi_str(fi, "Volume id", vd + 40, 32);
	fi_str(fi, "Volume set id", vd + 190, 128);
	fi_str(fi, "Publisher id", vd + 318, 128);
	fi_str(fi, "Data preparer id", vd + 446, 128);
	fi_str(fi, "Application id", vd + 574, 128);
	fi_str(fi, "Copyright File id", vd + 702, 37);
	fi_str(fi, "Abstract File id", vd + 739, 37);
	fi_str(fi, "Bibliographic File id", vd + 776, 37);
	fi_num(fi, "Volume set size", ukfs_le16(vd + 120));
	fi_num(fi, "Volume set sequence number", ukfs_le16(vd + 124));
	fi_num(fi, "Logical block size", ukfs_le16(vd + 128));
	fi_num(fi, "Volume size", ukfs_le32(vd + 80));
	vd_date(fi, "Creation date", vd + 813);
	vd_date(fi, "Modification date", vd + 830);
	vd_date(fi, "Expiration date", vd + 847);
	vd_date(fi, "Effective date", vd + 864);
	/* the descriptors after the primary, up to the terminator */
	for (sec = 17; sec < 64; sec++) {
		if (fi_read(io, (uint64_t)sec * SECTOR, vd, 8) == -1 ||
		    memcmp(vd + 1, "CD001", 5) != 0 || vd[0] == 255)
			break;
		if (vd[0] == 0)
			boot = 1;
		/* Joliet: a supplementary descriptor with a UCS-2 escape */
		if (vd[0] == 2 &&
		    fi_read(io, (uint64_t)sec * SECTOR + 88, vd, 3) == 0 &&
		    vd[0] == '%' && vd[1] == '/' &&
		    (vd[2] == '@' || vd[2] == 'C' || vd[2] == 'E'))
			joliet = 1;
	}
	ukfs_clearerr();
	fi_text(fi, "Joliet", "%s", joliet ? "yes" : "no");
	fi_text(fi, "Boot record", "%s", boot ? "yes" : "no");
	return 0;
}
