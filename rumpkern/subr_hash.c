/*
 * A 32-bit hash for name caches and hash tables: FNV-1a over the bytes,
 * then an xorshift-multiply finaliser (constants from the public-domain
 * hash-prospector search) so the low bits used as a table index depend on
 * every input byte.
 */
#include "sys/param.h"

#define FNV32_OFFSET 0x811c9dc5u
#define FNV32_PRIME  0x01000193u

uint32_t
hash32_buf(const void *buf, size_t len, uint32_t seed)
{
	const unsigned char *p = buf;
	uint32_t h = FNV32_OFFSET ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV32_PRIME;
	}
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}
