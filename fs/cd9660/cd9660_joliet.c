/*
 * Joliet: a supplementary volume descriptor whose escape sequences name
 * UCS-2 (levels 1-3), and names recorded as 16-bit big-endian units.
 * Writers put characters outside the BMP in as UTF-16 surrogate pairs;
 * they are decoded as such.  Names become UTF-8.
 */
#include "sys/param.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"

/* The Joliet level the 32-byte escape field announces, 0 if none. */
int
cd9660_joliet_level(const uint8_t *esc)
{
	int i;

	for (i = 0; i + 2 < 32; i++) {
		if (esc[i] != '%' || esc[i + 1] != '/')
			continue;
		switch (esc[i + 2]) {
		case JOLIET_ESC_LEVEL1:
			return 1;
		case JOLIET_ESC_LEVEL2:
			return 2;
		case JOLIET_ESC_LEVEL3:
			return 3;
		}
	}
	return 0;
}

/* Append code point c as UTF-8; false if it does not fit. */
static bool
cd9660_utf8_put(uint32_t c, char *out, size_t *n, size_t room)
{
	uint8_t b[4];
	size_t k, i;

	if (c < 0x80) {
		b[0] = (uint8_t)c;
		k = 1;
	} else if (c < 0x800) {
		b[0] = (uint8_t)(0xc0 | c >> 6);
		b[1] = (uint8_t)(0x80 | (c & 0x3f));
		k = 2;
	} else if (c < 0x10000) {
		b[0] = (uint8_t)(0xe0 | c >> 12);
		b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (c & 0x3f));
		k = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | c >> 18);
		b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (c & 0x3f));
		k = 4;
	}
	if (*n + k > room)
		return false;
	for (i = 0; i < k; i++)
		out[(*n)++] = (char)b[i];
	return true;
}

/*
 * Convert a Joliet name of len bytes to UTF-8 in out (MAXNAMLEN + 1
 * bytes); the ";1" version goes unless keepversion.  An odd length or a
 * name that does not fit is damage.
 */
int
cd9660_joliet_name(const uint8_t *name, size_t len, bool keepversion, char *out,
    size_t *outlen)
{
	size_t nunits = len / 2, i, n = 0;
	uint32_t c, lo;

	if (len % 2 != 0 || len == 0)
		return cd9660_corrupt("Joliet name of odd length %zu", len);
	if (!keepversion) {
		/* ";" followed by digits only, at the end */
		for (i = nunits; i > 0; i--) {
			c = iso_be16(name + 2 * (i - 1));
			if (c == ';') {
				nunits = i - 1;
				break;
			}
			if (c < '0' || c > '9')
				break;
		}
	}
	for (i = 0; i < nunits; i++) {
		c = iso_be16(name + 2 * i);
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < nunits) {
			lo = iso_be16(name + 2 * (i + 1));
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				i++;
			}
		}
		if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd; /* a lone surrogate */
		if (c == 0 || c == '/')
			return cd9660_corrupt("Joliet name holds NUL or '/'");
		if (!cd9660_utf8_put(c, out, &n, MAXNAMLEN))
			return cd9660_corrupt("Joliet name too long");
	}
	*outlen = n;
	return 0;
}
