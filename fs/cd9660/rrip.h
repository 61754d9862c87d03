/*
 * System Use Sharing Protocol (SUSP 1.12) and Rock Ridge (RRIP 1.09 and
 * 1.12) entries, and the zisofs ZF entry: signatures, lengths and flags.
 * Every entry is "sig[2] len[1] version[1] data[len-4]".
 */
#ifndef _CD9660_RRIP_H_
#define _CD9660_RRIP_H_

#define SUSP_HDRLEN    4
#define SUSP_SIG(a, b) ((unsigned)(uint8_t)(a) << 8 | (uint8_t)(b))

/* SP: "BE EF" check bytes and the number of bytes to skip (LEN_SKP). */
#define SUSP_SP_LEN 7
/* CE: block, offset and length of the next continuation area (733 x3). */
#define SUSP_CE_LEN 28
/* Hops along a chain of continuation areas before it counts as a loop. */
#define SUSP_CE_MAXHOPS 32
/* Total bytes of continuation areas one record may use. */
#define SUSP_CE_MAXBYTES (64 * 1024)

/* ER: extension identifiers that mean Rock Ridge. */
#define RRIP_ID_1991A "RRIP_1991A"
#define RRIP_ID_P1282 "IEEE_P1282"
#define RRIP_ID_1282  "IEEE_1282"

/* PX: mode, links, uid, gid (733 each); RRIP 1.12 adds a serial number. */
#define RRIP_PX_LEN_109 36
#define RRIP_PX_LEN_112 44

/* PN: device number, high and low halves (733 each). */
#define RRIP_PN_LEN 20

/* SL: symbolic link; entry flags, then components "flags len bytes". */
#define RRIP_SL_CONTINUE  0x01 /* entry: the link goes on in another SL */
#define RRIP_SLC_CONTINUE 0x01 /* component goes on in the next one */
#define RRIP_SLC_CURRENT  0x02 /* "." */
#define RRIP_SLC_PARENT   0x04 /* ".." */
#define RRIP_SLC_ROOT     0x08 /* "/" */
#define RRIP_SLC_VOLROOT  0x10 /* the mount point */
#define RRIP_SLC_HOST     0x20 /* the host name */

/* NM: alternate name; flags then bytes. */
#define RRIP_NM_CONTINUE 0x01
#define RRIP_NM_CURRENT  0x02
#define RRIP_NM_PARENT   0x04
#define RRIP_NM_HOST     0x20

/* TF: flags, then one stamp per flag bit 0-6 in bit order. */
#define RRIP_TF_CREATION   0x01
#define RRIP_TF_MODIFY     0x02
#define RRIP_TF_ACCESS     0x04
#define RRIP_TF_ATTRIBUTES 0x08
#define RRIP_TF_BACKUP     0x10
#define RRIP_TF_EXPIRATION 0x20
#define RRIP_TF_EFFECTIVE  0x40
#define RRIP_TF_LONG_FORM  0x80 /* 17-byte stamps instead of 7-byte */

/* CL, PL: block of the relocated child or of the real parent (733). */
#define RRIP_LINK_LEN 12

/*
 * ZF (zisofs): "pz", header size / 4, log2 of the block size, the
 * uncompressed size (733).  The file's data starts with a 16-byte header
 * (magic, size, header size / 4, log2 block size), then a table of
 * nblocks + 1 little-endian 32-bit offsets from the start of the file.
 */
#define ZF_LEN            16
#define ZISOFS_MAGIC      "\x37\xe4\x53\x96\xc9\xdb\xd6\x07"
#define ZISOFS_HDRLEN     16
#define ZISOFS_MIN_BSHIFT 15
#define ZISOFS_MAX_BSHIFT 17

#endif /* _CD9660_RRIP_H_ */
