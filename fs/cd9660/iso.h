/*
 * The on-disk layout of ISO 9660 (ECMA-119), as byte offsets into the
 * volume descriptors and directory records, and the helpers that decode
 * its numbers.  Numeric fields are little-endian (7.2.1/7.3.1),
 * big-endian (7.2.2/7.3.2) or both, little half first (7.2.3/7.3.3).
 */
#ifndef _CD9660_ISO_H_
#define _CD9660_ISO_H_

#include "sys/param.h"

#define ISO_SECTOR_SHIFT    11
#define ISO_SECTOR          (1 << ISO_SECTOR_SHIFT) /* logical block size */
#define ISO_SYSAREA_SECTORS 16  /* volume descriptors start here */
#define ISO_MAX_VDS         256 /* descriptors read before giving up */

/* Volume descriptors: type byte, "CD001", version. */
#define ISO_VD_TYPE          0
#define ISO_VD_ID            1
#define ISO_VD_VERSION       6
#define ISO_VD_BOOT          0
#define ISO_VD_PRIMARY       1
#define ISO_VD_SUPPLEMENTARY 2
#define ISO_VD_PARTITION     3
#define ISO_VD_TERMINATOR    255
#define ISO_STANDARD_ID      "CD001"

/* Primary and supplementary descriptor fields. */
#define ISO_PVD_FLAGS           7   /* SVD: volume flags */
#define ISO_PVD_SYSTEM_ID       8   /* 32 bytes */
#define ISO_PVD_VOLUME_ID       40  /* 32 bytes */
#define ISO_PVD_VOLUME_SIZE     80  /* 733: logical blocks */
#define ISO_PVD_ESCAPES         88  /* SVD: 32 bytes of escape sequences */
#define ISO_PVD_SET_SIZE        120 /* 723 */
#define ISO_PVD_SEQ_NUMBER      124 /* 723 */
#define ISO_PVD_BLOCK_SIZE      128 /* 723 */
#define ISO_PVD_PATH_TABLE_SIZE 132 /* 733 */
#define ISO_PVD_ROOT            156 /* 34-byte directory record */
#define ISO_PVD_CREATION        813 /* 17-byte dec-digit time */
#define ISO_PVD_MODIFICATION    830
#define ISO_PVD_FILE_STRUCTURE  881

/* Directory record fields (9.1). */
#define ISO_DR_LENGTH     0
#define ISO_DR_XAR_LENGTH 1
#define ISO_DR_EXTENT     2  /* 733 */
#define ISO_DR_SIZE       10 /* 733 */
#define ISO_DR_DATE       18 /* 7 bytes */
#define ISO_DR_FLAGS      25
#define ISO_DR_FU_SIZE    26 /* interleave: file unit size */
#define ISO_DR_GAP_SIZE   27 /* interleave: gap size */
#define ISO_DR_SEQ        28 /* 723 */
#define ISO_DR_NAMELEN    32
#define ISO_DR_NAME       33
#define ISO_DR_MINLEN     34 /* header and a name of one byte */

#define ISO_FLAG_HIDDEN      0x01
#define ISO_FLAG_DIRECTORY   0x02
#define ISO_FLAG_ASSOCIATED  0x04
#define ISO_FLAG_RECORD      0x08
#define ISO_FLAG_PROTECTION  0x10
#define ISO_FLAG_MULTIEXTENT 0x80

/* Bytes in a descriptor's escape field that announce Joliet levels 1-3. */
#define JOLIET_ESC_LEVEL1 '@'
#define JOLIET_ESC_LEVEL2 'C'
#define JOLIET_ESC_LEVEL3 'E'

static inline uint16_t
iso_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
iso_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[3] << 24);
}

static inline uint16_t
iso_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
iso_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* A both-endian 32-bit field: false if the halves disagree. */
static inline bool
iso_733(const uint8_t *p, uint32_t *vp)
{
	*vp = iso_le32(p);
	return *vp == iso_be32(p + 4);
}

static inline bool
iso_723(const uint8_t *p, uint16_t *vp)
{
	*vp = iso_le16(p);
	return *vp == iso_be16(p + 2);
}

#endif /* _CD9660_ISO_H_ */
