/*
 * Byte order of UFS images.  An image may be written in either byte
 * order; um_needswap says whether its order differs from the host's, and
 * every multi-byte field read from or written to disk passes through
 * these (each is its own inverse).
 */
#ifndef _UFS_UFS_BSWAP_H_
#define _UFS_UFS_BSWAP_H_

#include "sys/param.h"

static inline uint16_t
ufs_rw16(uint16_t x, bool needswap)
{
	return needswap ? __builtin_bswap16(x) : x;
}

static inline uint32_t
ufs_rw32(uint32_t x, bool needswap)
{
	return needswap ? __builtin_bswap32(x) : x;
}

static inline uint64_t
ufs_rw64(uint64_t x, bool needswap)
{
	return needswap ? __builtin_bswap64(x) : x;
}

/* Add to a disk-order field in place. */
#define UFS_ADD32(field, n, ns)                                                \
	((field) = ufs_rw32(ufs_rw32((field), (ns)) + (uint32_t)(n), (ns)))
#define UFS_ADD64(field, n, ns)                                                \
	((field) = ufs_rw64(ufs_rw64((field), (ns)) + (uint64_t)(n), (ns)))

/* Is the host big-endian? */
static inline bool
ufs_host_be(void)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return true;
#else
	return false;
#endif
}

#endif /* _UFS_UFS_BSWAP_H_ */
