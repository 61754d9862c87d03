/*
 * Conversions: UTF-8 names of the kernel to and from the UTF-16 of long
 * names; short (8.3) names in an OEM code page, with the Windows NT
 * lower-case flags; generation of short names for long ones; and FAT's
 * local date and time (2-second resolution, 1980-2107) to and from
 * timespecs, which we take as UTC.
 */
#include "sys/param.h"

#include "msdosfs/msdosfs.h"

/* The upper halves of the code pages (0x80-0xFF) in Unicode. */
/* clang-format off */
static const uint16_t cp437_hi[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

static const uint16_t cp850_hi[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00f8, 0x00a3, 0x00d8, 0x00d7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x00ae, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00c1, 0x00c2, 0x00c0,
	0x00a9, 0x2563, 0x2551, 0x2557, 0x255d, 0x00a2, 0x00a5, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x00e3, 0x00c3,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x00a4,
	0x00f0, 0x00d0, 0x00ca, 0x00cb, 0x00c8, 0x0131, 0x00cd, 0x00ce,
	0x00cf, 0x2518, 0x250c, 0x2588, 0x2584, 0x00a6, 0x00cc, 0x2580,
	0x00d3, 0x00df, 0x00d4, 0x00d2, 0x00f5, 0x00d5, 0x00b5, 0x00fe,
	0x00de, 0x00da, 0x00db, 0x00d9, 0x00fd, 0x00dd, 0x00af, 0x00b4,
	0x00ad, 0x00b1, 0x2017, 0x00be, 0x00b6, 0x00a7, 0x00f7, 0x00b8,
	0x00b0, 0x00a8, 0x00b7, 0x00b9, 0x00b3, 0x00b2, 0x25a0, 0x00a0,
};
/* clang-format on */

static const uint16_t *
cp_table(int cp)
{
	return cp == MSDOSFS_CP850 ? cp850_hi : cp437_hi;
}

int
msdosfs_parse_codepage(const char *s, int *cpp)
{
	if (s == NULL)
		return EINVAL;
	if (strncmp(s, "cp", 2) == 0 || strncmp(s, "CP", 2) == 0)
		s += 2;
	if (strcmp(s, "437") == 0)
		*cpp = MSDOSFS_CP437;
	else if (strcmp(s, "850") == 0)
		*cpp = MSDOSFS_CP850;
	else
		return EINVAL;
	return 0;
}

uint16_t
msdosfs_oem2uni(int cp, uint8_t c)
{
	return c < 0x80 ? c : cp_table(cp)[c - 0x80];
}

int
msdosfs_uni2oem(int cp, uint16_t u)
{
	const uint16_t *t;
	int i;

	if (u < 0x80)
		return u;
	t = cp_table(cp);
	for (i = 0; i < 128; i++)
		if (t[i] == u)
			return 0x80 + i;
	return -1;
}

/*
 * Simple case mapping for the scripts that code pages and Windows
 * upcase tables cover most: Latin-1, Latin Extended-A, Greek, Cyrillic
 * and the fullwidth Latin letters.
 */
uint16_t
msdosfs_upcase(uint16_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') ? (uint16_t)(c - 0x20) : c;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return (uint16_t)(c - 0x20);
	if (c == 0xff)
		return 0x178;
	if (c >= 0x100 && c <= 0x17f) {
		if ((c <= 0x137 || (c >= 0x14a && c <= 0x177)) && (c & 1) &&
		    c != 0x131)
			return (uint16_t)(c - 1);
		if (((c >= 0x139 && c <= 0x148) ||
		        (c >= 0x179 && c <= 0x17e)) &&
		    !(c & 1))
			return (uint16_t)(c - 1);
		return c;
	}
	if (c >= 0x3b1 && c <= 0x3cb && c != 0x3c2)
		return (uint16_t)(c - 0x20);
	if (c == 0x3c2)
		return 0x3a3;
	if (c == 0x3ac)
		return 0x386;
	if (c >= 0x3ad && c <= 0x3af)
		return (uint16_t)(c - 0x25);
	if (c == 0x3cc)
		return 0x38c;
	if (c == 0x3cd || c == 0x3ce)
		return (uint16_t)(c - 0x3f);
	if (c >= 0x430 && c <= 0x44f)
		return (uint16_t)(c - 0x20);
	if (c >= 0x450 && c <= 0x45f)
		return (uint16_t)(c - 0x50);
	if (c >= 0xff41 && c <= 0xff5a)
		return (uint16_t)(c - 0x20);
	return c;
}

uint16_t
msdosfs_lowcase(uint16_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? (uint16_t)(c + 0x20) : c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return (uint16_t)(c + 0x20);
	if (c == 0x178)
		return 0xff;
	if (c >= 0x100 && c <= 0x17f) {
		if ((c <= 0x137 || (c >= 0x14a && c <= 0x177)) && !(c & 1) &&
		    c != 0x130)
			return (uint16_t)(c + 1);
		if (((c >= 0x139 && c <= 0x148) ||
		        (c >= 0x179 && c <= 0x17e)) &&
		    (c & 1))
			return (uint16_t)(c + 1);
		return c;
	}
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
		return (uint16_t)(c + 0x20);
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return (uint16_t)(c + 0x25);
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return (uint16_t)(c + 0x3f);
	if (c >= 0x410 && c <= 0x42f)
		return (uint16_t)(c + 0x20);
	if (c >= 0x400 && c <= 0x40f)
		return (uint16_t)(c + 0x50);
	if (c >= 0xff21 && c <= 0xff3a)
		return (uint16_t)(c + 0x20);
	return c;
}

/* --- UTF-8 and UTF-16 ---------------------------------------------------- */

/*
 * Decode UTF-8 into UTF-16.  Lone surrogates encoded as three bytes are
 * accepted (and produced by the reverse direction), so that any long name
 * on disk survives the round trip through a directory listing.
 */
int
msdosfs_utf8_to_utf16(
    const char *s, size_t len, uint16_t *out, size_t max, size_t *lenp)
{
	static const uint32_t minval[4] = {0, 0x80, 0x800, 0x10000};
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	size_t n = 0;
	uint32_t c;
	int more, k;

	while (p < end) {
		c = *p++;
		if (c < 0x80)
			more = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			more = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3, c &= 0x07;
		else
			return EINVAL;
		if (end - p < more)
			return EINVAL;
		for (k = 0; k < more; k++, p++) {
			if ((*p & 0xc0) != 0x80)
				return EINVAL;
			c = (c << 6) | (*p & 0x3f);
		}
		/* no overlong forms, nothing past U+10FFFF */
		if (c < minval[more] || c > 0x10ffff)
			return EINVAL;
		if (c >= 0x10000) {
			if (n + 2 > max)
				return ENAMETOOLONG;
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | (c >> 10));
			out[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			if (n + 1 > max)
				return ENAMETOOLONG;
			out[n++] = (uint16_t)c;
		}
	}
	*lenp = n;
	return 0;
}

/* Encode UTF-16 as UTF-8; returns the length, or SIZE_MAX if over max. */
size_t
msdosfs_utf16_to_utf8(const uint16_t *in, size_t n, char *out, size_t max)
{
	uint8_t *o = (uint8_t *)out;
	size_t i, len = 0;
	uint32_t c;

	for (i = 0; i < n; i++) {
		c = in[i];
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n &&
		    in[i + 1] >= 0xdc00 && in[i + 1] <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    (in[i + 1] - 0xdc00);
			i++;
		}
		if (c < 0x80) {
			if (len + 1 > max)
				return SIZE_MAX;
			o[len++] = (uint8_t)c;
		} else if (c < 0x800) {
			if (len + 2 > max)
				return SIZE_MAX;
			o[len++] = (uint8_t)(0xc0 | (c >> 6));
			o[len++] = (uint8_t)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			if (len + 3 > max)
				return SIZE_MAX;
			o[len++] = (uint8_t)(0xe0 | (c >> 12));
			o[len++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			o[len++] = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			if (len + 4 > max)
				return SIZE_MAX;
			o[len++] = (uint8_t)(0xf0 | (c >> 18));
			o[len++] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			o[len++] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			o[len++] = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	return len;
}

/* --- short names --------------------------------------------------------- */

/* The short name as a name: "BASE.EXT", lower-cased as lcase says. */
size_t
msdosfs_sfn_decode(const uint8_t sfn[11], uint8_t lcase, int cp, uint16_t *out)
{
	size_t n = 0, i, blen = 8, elen = 3;
	uint8_t c;

	while (blen > 0 && sfn[blen - 1] == ' ')
		blen--;
	while (elen > 0 && sfn[8 + elen - 1] == ' ')
		elen--;
	for (i = 0; i < blen; i++) {
		c = (i == 0 && sfn[0] == SLOT_E5) ? 0xe5 : sfn[i];
		out[n] = msdosfs_oem2uni(cp, c);
		if (lcase & LCASE_BASE)
			out[n] = msdosfs_lowcase(out[n]);
		n++;
	}
	if (elen > 0) {
		out[n++] = '.';
		for (i = 0; i < elen; i++) {
			out[n] = msdosfs_oem2uni(cp, sfn[8 + i]);
			if (lcase & LCASE_EXT)
				out[n] = msdosfs_lowcase(out[n]);
			n++;
		}
	}
	return n;
}

uint8_t
msdosfs_sfn_cksum(const uint8_t sfn[11])
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
	return sum;
}

/* Can this be (part of) a long name?  Returns 0 or an error. */
int
msdosfs_name_check(const uint16_t *u, size_t n)
{
	size_t i;

	if (n == 0)
		return EINVAL;
	if (n > WIN_MAXLEN)
		return ENAMETOOLONG;
	for (i = 0; i < n; i++) {
		if (u[i] < 0x20)
			return EINVAL;
		switch (u[i]) {
		case '"':
		case '*':
		case '/':
		case ':':
		case '<':
		case '>':
		case '?':
		case '\\':
		case '|':
			return EINVAL;
		}
	}
	/* Windows drops trailing dots and blanks: such names cannot be */
	if (u[n - 1] == '.' || u[n - 1] == ' ')
		return EINVAL;
	return 0;
}

/* Characters a long name may have but a short name may not. */
static bool
sfn_badchar(uint16_t c)
{
	return c == '+' || c == ',' || c == ';' || c == '=' || c == '[' ||
	    c == ']';
}

struct sfn_part {
	bool lower, upper; /* saw lower / upper case letters */
};

/*
 * Put the characters u[from..to) into dst (at most max), as short-name
 * characters: upper case, in the code page.  Sets *lossy when a character
 * had to be replaced or dropped, *trunc when they did not fit.
 */
static size_t
sfn_part(const uint16_t *u, size_t from, size_t to, int cp, uint8_t *dst,
    size_t max, bool *lossy, bool *trunc, struct sfn_part *pp)
{
	size_t i, n = 0;
	uint16_t up;
	int o;

	for (i = from; i < to; i++) {
		if (u[i] == ' ' || u[i] == '.') {
			*lossy = true;
			continue;
		}
		up = msdosfs_upcase(u[i]);
		if (up != u[i])
			pp->lower = true;
		else if (msdosfs_lowcase(u[i]) != u[i])
			pp->upper = true;
		o = msdosfs_uni2oem(cp, up);
		if (o < 0x20 || sfn_badchar(up)) {
			o = '_';
			*lossy = true;
		}
		if (u[i] >= 0xd800 && u[i] <= 0xdbff && i + 1 < to)
			i++; /* one '_' for a surrogate pair */
		if (n == max) {
			*trunc = true;
			break;
		}
		dst[n++] = (uint8_t)o;
	}
	return n;
}

/*
 * Make the short name of a long name the way Windows does: the basis name
 * (upper case, in the code page, spaces and extra dots dropped, unusable
 * characters replaced by '_', cut to 8.3) and whether it needs a numeric
 * tail.  A name that is its own short name except for the case of its
 * whole base or extension needs no long entry: *lcase says which parts
 * are lower case.
 */
int
msdosfs_sfn_make(
    const uint16_t *u, size_t n, int cp, uint8_t sfn[11], uint8_t *lcase)
{
	struct sfn_part bp = {false, false}, ep = {false, false};
	uint16_t back[16];
	size_t start = 0, dot, i, bn, m;
	bool lossy = false, trunc = false;

	memset(sfn, ' ', 11);
	*lcase = 0;
	while (start < n && (u[start] == '.' || u[start] == ' ')) {
		start++;
		lossy = true;
	}
	dot = n;
	for (i = n; i > start; i--)
		if (u[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	bn = sfn_part(u, start, dot, cp, sfn, 8, &lossy, &trunc, &bp);
	if (dot < n)
		(void)sfn_part(
		    u, dot + 1, n, cp, sfn + 8, 3, &lossy, &trunc, &ep);
	if (bn == 0) {
		sfn[0] = '_';
		lossy = true;
	}
	if (sfn[0] == 0xe5)
		sfn[0] = SLOT_E5;
	if (lossy || trunc)
		return SFN_TAIL;
	if ((bp.lower && bp.upper) || (ep.lower && ep.upper))
		return SFN_LONG;
	*lcase = (bp.lower ? LCASE_BASE : 0) | (ep.lower ? LCASE_EXT : 0);
	/* The short name must give back exactly the name. */
	m = msdosfs_sfn_decode(sfn, *lcase, cp, back);
	if (m != n || memcmp(back, u, n * sizeof(*u)) != 0) {
		*lcase = 0;
		return SFN_LONG;
	}
	return SFN_EXACT;
}

/* basis with the numeric tail "~n": "LONGFI~1", "LONGF~10", ... */
void
msdosfs_sfn_tail(uint8_t sfn[11], const uint8_t basis[11], unsigned n)
{
	char tail[12];
	size_t tl, bl, keep;

	tl = (size_t)ksnprintf(tail, sizeof(tail), "~%u", n);
	if (tl > 7)
		tl = 7;
	bl = 8;
	while (bl > 0 && basis[bl - 1] == ' ')
		bl--;
	keep = MIN(bl, 8 - tl);
	memcpy(sfn, basis, 11);
	memset(sfn + keep, ' ', 8 - keep);
	memcpy(sfn + keep, tail, tl);
}

/* --- times ----------------------------------------------------------------
 * FAT dates count years from 1980 in 7 bits (to 2107); times count
 * 2-second units; creation times add a 10-ms count (0-199).
 */
#define DOS_EPOCH   315532800    /* 1980-01-01 00:00:00 UTC */
#define DOS_MAXTIME 4354819198LL /* 2107-12-31 23:59:58 UTC */

static const uint16_t mdays[12] = {
    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static bool
isleap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
monthdays(unsigned y, unsigned m)
{
	return mdays[m - 1] + (m == 2 && isleap(y) ? 1 : 0);
}

/* Days from 1980-01-01 to y-01-01 (y >= 1980), without a loop. */
static int64_t
days_before(unsigned y)
{
	unsigned n = y - 1;

	return (int64_t)365 * (y - 1980) + (n / 4 - n / 100 + n / 400) -
	    (1979 / 4 - 1979 / 100 + 1979 / 400);
}

void
msdosfs_dos2unix(uint16_t date, uint16_t time, uint8_t cs, struct timespec *ts)
{
	unsigned y = 1980 + (date >> 9), m = (date >> 5) & 0xf, d = date & 0x1f;
	unsigned h = time >> 11, mi = (time >> 5) & 0x3f, s = (time & 0x1f) * 2;
	int64_t days = 0;
	unsigned i;

	/* Damaged fields: keep them in range rather than fail. */
	if (m < 1)
		m = 1;
	if (m > 12)
		m = 12;
	if (d < 1)
		d = 1;
	if (d > monthdays(y, m))
		d = monthdays(y, m);
	if (h > 23)
		h = 23;
	if (mi > 59)
		mi = 59;
	if (s > 59)
		s = 59;
	days = days_before(y);
	for (i = 1; i < m; i++)
		days += monthdays(y, i);
	days += d - 1;
	ts->tv_sec =
	    (time_t)(DOS_EPOCH + days * 86400 + h * 3600 + mi * 60 + s);
	ts->tv_nsec = 0;
	if (cs < 200) {
		ts->tv_sec += cs / 100;
		ts->tv_nsec = (long)(cs % 100) * 10000000L;
	}
}

void
msdosfs_unix2dos(
    const struct timespec *ts, uint16_t *datep, uint16_t *timep, uint8_t *csp)
{
	int64_t t = (int64_t)ts->tv_sec, days, secs;
	unsigned y, m = 1;
	long nsec = ts->tv_nsec;

	if (t < DOS_EPOCH) {
		t = DOS_EPOCH;
		nsec = 0;
	} else if (t > DOS_MAXTIME + 1) {
		t = DOS_MAXTIME + 1;
		nsec = 0;
	}
	if (nsec < 0 || nsec >= 1000000000L)
		nsec = 0;
	t -= DOS_EPOCH;
	days = t / 86400;
	secs = t % 86400;
	/* a year never has more than 366 days: start at or before it */
	y = 1980 + (unsigned)(days / 366);
	while (days_before(y + 1) <= days)
		y++;
	days -= days_before(y);
	while (days >= monthdays(y, m)) {
		days -= monthdays(y, m);
		m++;
	}
	*datep =
	    (uint16_t)(((y - 1980) << 9) | (m << 5) | (unsigned)(days + 1));
	*timep = (uint16_t)(((secs / 3600) << 11) | (((secs / 60) % 60) << 5) |
	    ((secs % 60) / 2));
	if (csp != NULL)
		*csp = (uint8_t)((secs % 2) * 100 + nsec / 10000000L);
}
