/*
 * The on-disk format of the FAT file system (FAT12, FAT16, FAT32 with
 * VFAT long names), from Microsoft's published FAT specification: byte
 * offsets in the boot sector and the FSInfo sector, the 32-byte directory
 * entries, and the values found in the file allocation table.  All
 * multi-byte fields are little endian and need not be aligned, so they
 * are read and written through the helpers at the end.
 */
#ifndef _MSDOSFS_MSDOSFS_FS_H_
#define _MSDOSFS_MSDOSFS_FS_H_

#include "sys/param.h"

/* --- boot sector and BIOS parameter block (byte offsets) --------------- */
#define BS_JMPBOOT     0  /* EB xx 90 or E9 xx xx */
#define BS_OEMNAME     3  /* 8 bytes */
#define BPB_BYTSPERSEC 11 /* u16: 512, 1024, 2048 or 4096 */
#define BPB_SECPERCLUS 13 /* u8: power of two, 1..128 */
#define BPB_RSVDSECCNT 14 /* u16: sectors before the first FAT, >= 1 */
#define BPB_NUMFATS    16 /* u8 */
#define BPB_ROOTENTCNT 17 /* u16: root entries of FAT12/16; 0 on FAT32 */
#define BPB_TOTSEC16   19 /* u16: 0 when TOTSEC32 holds the count */
#define BPB_MEDIA      21 /* u8: F0 or F8..FF */
#define BPB_FATSZ16    22 /* u16: sectors per FAT; 0 on FAT32 */
#define BPB_SECPERTRK  24 /* u16 */
#define BPB_NUMHEADS   26 /* u16 */
#define BPB_HIDDSEC    28 /* u32 */
#define BPB_TOTSEC32   32 /* u32 */

/* Extended boot record of FAT12 and FAT16. */
#define BS16_DRVNUM     36
#define BS16_FLAGS      37 /* "reserved"; bit 0 is a dirty flag to Linux */
#define BS16_BOOTSIG    38 /* 0x29: the next three fields are valid */
#define BS16_VOLID      39 /* u32 */
#define BS16_VOLLAB     43 /* 11 bytes */
#define BS16_FILSYSTYPE 54 /* 8 bytes, informational only */
#define BS16_BOOTCODE   62

/* FAT32 BPB and extended boot record. */
#define BPB32_FATSZ32   36 /* u32 */
#define BPB32_EXTFLAGS  40 /* u16: bit 7 no mirroring, bits 0-3 active FAT */
#define BPB32_FSVER     42 /* u16: must be 0 */
#define BPB32_ROOTCLUS  44 /* u32 */
#define BPB32_FSINFO    48 /* u16: sector of the FSInfo structure */
#define BPB32_BKBOOTSEC 50 /* u16: sector of the backup boot sector */
#define BS32_DRVNUM     64
#define BS32_FLAGS      65
#define BS32_BOOTSIG    66
#define BS32_VOLID      67
#define BS32_VOLLAB     71
#define BS32_FILSYSTYPE 82
#define BS32_BOOTCODE   90

#define BS_EXTBOOTSIG 0x29
#define BS_SIGOFF     510 /* 0x55 0xAA */
#define BS_FLAG_DIRTY 0x01

#define FAT32_EXTF_NOMIRROR 0x0080
#define FAT32_EXTF_ACTIVE   0x000f

/* --- FSInfo sector (FAT32) -------------------------------------------- */
#define FSI_LEADSIG      0
#define FSI_STRUCSIG     484
#define FSI_FREECOUNT    488 /* u32: 0xFFFFFFFF when unknown */
#define FSI_NXTFREE      492 /* u32: hint, 0xFFFFFFFF when unknown */
#define FSI_TRAILSIG     508
#define FSI_LEADSIG_VAL  0x41615252u
#define FSI_STRUCSIG_VAL 0x61417272u
#define FSI_TRAILSIG_VAL 0xaa550000u
#define FSI_UNKNOWN      0xffffffffu

/* --- the file allocation table ----------------------------------------- */
#define FAT12_MASK 0x00000fffu
#define FAT16_MASK 0x0000ffffu
#define FAT32_MASK 0x0fffffffu /* the top four bits are reserved */

#define CLUST_FREE       0u
#define CLUST_FIRST      2u /* the first cluster of the data area */
#define CLUST_BAD(mask)  ((mask)&0xfffffff7u)
#define CLUST_EOFS(mask) ((mask)&0xfffffff8u) /* this and above: end */

/* Cluster counts that decide the FAT type of a FAT12/16 BPB. */
#define FAT12_MAXCLUSTERS 4084
#define FAT16_MAXCLUSTERS 65524
/* The largest cluster count a FAT32 table can address. */
#define FAT32_MAXCLUSTERS 0x0ffffff5u

/* Clean-shutdown and no-I/O-error bits in entry 1 of FAT16 and FAT32. */
#define FAT16_CLEANBIT 0x8000u
#define FAT16_NOERRBIT 0x4000u
#define FAT32_CLEANBIT 0x08000000u
#define FAT32_NOERRBIT 0x04000000u

/* --- directory entries ------------------------------------------------- */
#define DIRENT_SIZE  32
#define DIRENT_SHIFT 5

struct direntry {
	uint8_t de_name[11]; /* 8.3, blank padded, no dot */
	uint8_t de_attr;
	uint8_t de_lcase;    /* Windows NT: base/extension in lower case */
	uint8_t de_ctime_cs; /* creation time, 10 ms units (0-199) */
	uint8_t de_ctime[2];
	uint8_t de_cdate[2];
	uint8_t de_adate[2];    /* last access date */
	uint8_t de_clust_hi[2]; /* FAT32: high 16 bits of the cluster */
	uint8_t de_mtime[2];
	uint8_t de_mdate[2];
	uint8_t de_clust_lo[2];
	uint8_t de_size[4];
};

/* A long-name (VFAT) entry: 13 UTF-16 units in three pieces. */
struct winentry {
	uint8_t we_ord; /* 1..20, WIN_LAST on the first entry */
	uint8_t we_name1[10];
	uint8_t we_attr;  /* ATTR_WIN */
	uint8_t we_type;  /* 0 */
	uint8_t we_cksum; /* of the short name it belongs to */
	uint8_t we_name2[12];
	uint8_t we_clust[2]; /* 0 */
	uint8_t we_name3[4];
};

#define SLOT_EMPTY   0x00 /* this and every later entry are free */
#define SLOT_DELETED 0xe5
#define SLOT_E5      0x05 /* a first character 0xE5 is stored as 0x05 */

#define ATTR_RDONLY    0x01
#define ATTR_HIDDEN    0x02
#define ATTR_SYSTEM    0x04
#define ATTR_VOLUME    0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_ARCHIVE   0x20
#define ATTR_WIN       0x0f /* R|H|S|V: a long-name entry */
#define ATTR_WINMASK   0x3f

#define LCASE_BASE 0x08
#define LCASE_EXT  0x10

#define WIN_LAST     0x40
#define WIN_ORDMASK  0x1f
#define WIN_CHARS    13  /* UTF-16 units per long-name entry */
#define WIN_MAXLEN   255 /* UTF-16 units in a long name */
#define WIN_MAXSLOTS 20

/* A directory holds at most this many entries (2 MiB). */
#define DIR_MAXENTRIES 65536
#define DIR_MAXSIZE    ((uint32_t)DIR_MAXENTRIES * DIRENT_SIZE)

/* The largest file: sizes are 32 bits. */
#define MSDOSFS_FILESIZE_MAX 0xffffffffu

/* --- little-endian access ---------------------------------------------- */
static inline uint16_t
le16get(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
le32get(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[3] << 24);
}

static inline void
le16put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
le32put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline bool
dirent_is_lfn(const struct direntry *de)
{
	return (de->de_attr & ATTR_WINMASK) == ATTR_WIN;
}

#endif /* _MSDOSFS_MSDOSFS_FS_H_ */
