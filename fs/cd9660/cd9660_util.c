/*
 * Small helpers of cd9660: reporting damage, reading sectors, checking
 * that an extent lies on the device, ISO 9660 time stamps, plain names.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"

/* Report damage and return the error for it. */
int
cd9660_corrupt(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_corrupt(CD9660_FSNAME, "%s", msg);
	return EFSCORRUPTED;
}

/* Read one logical block of the device through its buffer cache. */
int
cd9660_bread(struct cd9660_mount *ump, uint32_t sector, struct buf **bpp)
{
	*bpp = NULL;
	if (sector >= ump->um_nsectors)
		return cd9660_corrupt("block %u is past the end of the volume "
		                      "(%u blocks)",
		    sector, ump->um_nsectors);
	return bread(ump->um_devvp,
	    (daddr_t)sector << (ISO_SECTOR_SHIFT - DEV_BSHIFT), ISO_SECTOR, 0,
	    bpp);
}

/*
 * Does an extent of `bytes` bytes from block lba, interleaved as fu/gap
 * say, lie on the volume?
 */
int
cd9660_check_extent(struct cd9660_mount *ump, uint32_t lba, uint64_t bytes,
    uint8_t fu, uint8_t gap, const char *what)
{
	uint64_t nsec, span;

	if (bytes == 0)
		return 0;
	nsec = howmany(bytes, ISO_SECTOR);
	span = nsec;
	if (fu != 0)
		span = (nsec - 1) / fu * ((uint64_t)fu + gap) +
		    (nsec - 1) % fu + 1;
	if ((uint64_t)lba + span > ump->um_nsectors)
		return cd9660_corrupt("%s: extent at block %u, %llu bytes, "
		                      "runs past the end of the volume (%u "
		                      "blocks)",
		    what, lba, (unsigned long long)bytes, ump->um_nsectors);
	return 0;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static int64_t
cd9660_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Seconds since the epoch; the offset from GMT is in 15-minute units. */
static time_t
cd9660_mktime(int64_t y, int mo, int d, int h, int mi, int s, int8_t gmtoff)
{
	if (mo < 1 || mo > 12)
		mo = 1;
	if (d < 1 || d > 31)
		d = 1;
	return (time_t)(cd9660_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	    (int64_t)gmtoff * 15 * 60);
}

/* A 7-byte time of a directory record (9.1.5); false if unset. */
bool
cd9660_time7(const uint8_t *p, struct timespec *ts)
{
	int8_t off;

	if (p[0] == 0 && p[1] == 0 && p[2] == 0)
		return false;
	off = (int8_t)p[6];
	if (off < -48 || off > 52)
		off = 0;
	ts->tv_sec = cd9660_mktime(
	    1900 + (int64_t)p[0], p[1], p[2], p[3], p[4], p[5], off);
	ts->tv_nsec = 0;
	return true;
}

static int
cd9660_digits(const uint8_t *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

/* A 17-byte time of a descriptor or a long-form TF (8.4.26.1). */
bool
cd9660_time17(const uint8_t *p, struct timespec *ts)
{
	int y = cd9660_digits(p, 4), mo = cd9660_digits(p + 4, 2),
	    d = cd9660_digits(p + 6, 2), h = cd9660_digits(p + 8, 2),
	    mi = cd9660_digits(p + 10, 2), s = cd9660_digits(p + 12, 2),
	    cs = cd9660_digits(p + 14, 2);
	int8_t off = (int8_t)p[16];

	if (y <= 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || cs < 0)
		return false;
	if (off < -48 || off > 52)
		off = 0;
	ts->tv_sec = cd9660_mktime(y, mo, d, h, mi, s, off);
	ts->tv_nsec = (long)cs * 10000000L;
	return true;
}

/*
 * A plain ISO 9660 name as users see it: without the ";1" version
 * (unless the gens option), without the dot of an empty extension, and
 * in lower case (unless nomaplcase or mapcase is false) -- what NetBSD's
 * mount_cd9660 does by default.  out has room for len bytes.
 */
size_t
cd9660_plain_name(const struct cd9660_mount *ump, const uint8_t *name,
    size_t len, bool mapcase, char *out)
{
	size_t n = len, i;

	if ((ump->um_opts & CD9660_OPT_GENS) == 0) {
		for (i = len; i > 0; i--)
			if (name[i - 1] == ';') {
				n = i - 1;
				break;
			}
		if (n > 1 && name[n - 1] == '.')
			n--;
	}
	if (ump->um_opts & CD9660_OPT_NOMAPLCASE)
		mapcase = false;
	for (i = 0; i < n; i++) {
		uint8_t c = name[i];
		out[i] =
		    (char)(mapcase && c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c);
	}
	return n;
}
