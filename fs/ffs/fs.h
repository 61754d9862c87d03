/*
 * The Berkeley Fast File System on disk, as NetBSD lays it out: the
 * superblock, the cylinder-group blocks with their maps, and the
 * per-group summaries.  Field offsets follow the published layout (the
 * static assertions below pin the ones tools look at); every multi-byte
 * field is in the image's byte order.
 *
 * Addresses are in fragments (fs_fsize bytes) from the start of the file
 * system.  Cylinder group c covers fragments [c * fs_fpg, (c+1) * fs_fpg)
 * and holds, at fixed offsets from its start: a superblock copy
 * (fs_sblkno), the cylinder-group block (fs_cblkno), the inodes
 * (fs_iblkno) and then data (fs_dblkno).
 */
#ifndef _FFS_FS_H_
#define _FFS_FS_H_

#include "sys/param.h"

#define SBLOCK_UFS1   8192
#define SBLOCK_UFS2   65536
#define SBLOCK_FLOPPY 0
#define SBLOCK_PIGGY  262144
#define SBLOCKSIZE    8192 /* what is reserved for the superblock */

#define FS_UFS1_MAGIC   0x011954
#define FS_UFS2_MAGIC   0x19540119
#define FS_UFS2EA_MAGIC 0x19012038 /* UFS2 with extended attributes */
#define CG_MAGIC        0x090255

#define MINBSIZE       4096
#define MAXBSIZE       65536
#define MAXFRAG        8
#define MAXMNTLEN      468
#define MAXVOLLEN      32
#define FSMAXSNAP      20
#define NOCSPTRS_BYTES 128 /* in-core pointers of the kernel: padding here */
#define FS_MAXCONTIG   16  /* longest cluster counted in the cg summary */

/* fs_clean */
#define FS_ISCLEAN  0x01
#define FS_WASCLEAN 0x02

/* fs_old_flags, and fs_flags once FS_FLAGS_UPDATED says it is valid */
#define FS_UNCLEAN       0x001
#define FS_DOSOFTDEP     0x002
#define FS_NEEDSFSCK     0x004
#define FS_FLAGS_UPDATED 0x080
#define FS_DOWAPBL       0x100

/* fs_optim */
#define FS_OPTTIME  0
#define FS_OPTSPACE 1

/* fs_old_inodefmt */
#define FS_42INODEFMT 0xffffffff
#define FS_44INODEFMT 2

#define FS_DYNAMICPOSTBLFMT 1

struct csum {
	int32_t cs_ndir;
	int32_t cs_nbfree;
	int32_t cs_nifree;
	int32_t cs_nffree;
};

struct csum_total {
	int64_t cs_ndir;
	int64_t cs_nbfree;
	int64_t cs_nifree;
	int64_t cs_nffree;
	int64_t cs_numclusters;
	int64_t cs_spare[3];
};

struct fs {
	int32_t fs_firstfield;
	int32_t fs_unused_1;
	int32_t fs_sblkno; /* superblock copy, from a group's start */
	int32_t fs_cblkno; /* cylinder-group block */
	int32_t fs_iblkno; /* inodes */
	int32_t fs_dblkno; /* first data after the group's metadata */
	int32_t fs_old_cgoffset;
	int32_t fs_old_cgmask;
	int32_t fs_old_time;
	int32_t fs_old_size;
	int32_t fs_old_dsize;
	int32_t fs_ncg; /* cylinder groups */
	int32_t fs_bsize;
	int32_t fs_fsize;
	int32_t fs_frag;    /* fragments per block */
	int32_t fs_minfree; /* percent of blocks kept free */
	int32_t fs_old_rotdelay;
	int32_t fs_old_rps;
	int32_t fs_bmask;
	int32_t fs_fmask;
	int32_t fs_bshift;
	int32_t fs_fshift;
	int32_t fs_maxcontig;
	int32_t fs_maxbpg;
	int32_t fs_fragshift;
	int32_t fs_fsbtodb;
	int32_t fs_sbsize;
	int32_t fs_spare1[2];
	int32_t fs_nindir;
	int32_t fs_inopb;
	int32_t fs_old_nspf;
	int32_t fs_optim;
	int32_t fs_old_npsect;
	int32_t fs_old_interleave;
	int32_t fs_old_trackskew;
	int32_t fs_id[2];
	int32_t fs_old_csaddr;
	int32_t fs_cssize; /* bytes of the group summaries */
	int32_t fs_cgsize; /* bytes of a cylinder-group block */
	int32_t fs_spare2;
	int32_t fs_old_nsect;
	int32_t fs_old_spc;
	int32_t fs_old_ncyl;
	int32_t fs_old_cpg;
	int32_t fs_ipg; /* inodes per group */
	int32_t fs_fpg; /* fragments per group */
	struct csum fs_old_cstotal;
	int8_t fs_fmod;
	uint8_t fs_clean;
	int8_t fs_ronly;
	uint8_t fs_old_flags;
	uint8_t fs_fsmnt[MAXMNTLEN];
	uint8_t fs_volname[MAXVOLLEN];
	uint64_t fs_swuid;
	int32_t fs_pad;
	int32_t fs_cgrotor;
	uint8_t fs_ocsp[NOCSPTRS_BYTES];
	int32_t fs_old_cpc;
	int32_t fs_maxbsize;
	uint8_t fs_journal_version;
	uint8_t fs_journal_location;
	uint8_t fs_journal_reserved[2];
	uint32_t fs_journal_flags;
	uint64_t fs_journallocs[4];
	uint32_t fs_quota_magic;
	uint8_t fs_quota_flags;
	uint8_t fs_quota_reserved[3];
	uint64_t fs_quotafile[2];
	int64_t fs_sparecon64[9];
	int64_t fs_sblockloc; /* byte offset of this superblock */
	struct csum_total fs_cstotal;
	int64_t fs_time;
	int64_t fs_size;   /* fragments in the file system */
	int64_t fs_dsize;  /* fragments available for data */
	int64_t fs_csaddr; /* fragment address of the group summaries */
	int64_t fs_pendingblocks;
	int32_t fs_pendinginodes;
	int32_t fs_snapinum[FSMAXSNAP];
	int32_t fs_avgfilesize;
	int32_t fs_avgfpdir;
	int32_t fs_save_cgsize;
	int32_t fs_sparecon32[26];
	uint32_t fs_flags;
	int32_t fs_contigsumsize; /* cluster summary length; 0: none */
	int32_t fs_maxsymlinklen;
	int32_t fs_old_inodefmt;
	uint64_t fs_maxfilesize;
	int64_t fs_qbmask;
	int64_t fs_qfmask;
	int32_t fs_state;
	int32_t fs_old_postblformat;
	int32_t fs_old_nrpos;
	int32_t fs_spare5[2];
	int32_t fs_magic;
};
_Static_assert(offsetof(struct fs, fs_ncg) == 0x2c, "fs_ncg");
_Static_assert(offsetof(struct fs, fs_bsize) == 0x30, "fs_bsize");
_Static_assert(offsetof(struct fs, fs_ipg) == 0xb8, "fs_ipg");
_Static_assert(offsetof(struct fs, fs_old_cstotal) == 0xc0, "old_cstotal");
_Static_assert(offsetof(struct fs, fs_clean) == 0xd1, "fs_clean");
_Static_assert(offsetof(struct fs, fs_volname) == 0x2a8, "fs_volname");
_Static_assert(offsetof(struct fs, fs_maxbsize) == 0x35c, "fs_maxbsize");
_Static_assert(offsetof(struct fs, fs_sblockloc) == 0x3e8, "fs_sblockloc");
_Static_assert(offsetof(struct fs, fs_cstotal) == 0x3f0, "fs_cstotal");
_Static_assert(offsetof(struct fs, fs_size) == 0x438, "fs_size");
_Static_assert(offsetof(struct fs, fs_flags) == 0x520, "fs_flags");
_Static_assert(offsetof(struct fs, fs_maxfilesize) == 0x530, "maxfilesize");
_Static_assert(offsetof(struct fs, fs_magic) == 0x55c, "fs_magic");
_Static_assert(sizeof(struct fs) == 1376, "struct fs size");

/* The cylinder-group block; its maps follow at the offsets it records. */
struct cg {
	int32_t cg_firstfield;
	int32_t cg_magic;
	int32_t cg_old_time;
	int32_t cg_cgx; /* which group this is */
	int16_t cg_old_ncyl;
	int16_t cg_old_niblk; /* UFS1: inodes in the group */
	int32_t cg_ndblk;     /* fragments in the group */
	struct csum cg_cs;
	int32_t cg_rotor;          /* where the last block was found */
	int32_t cg_frotor;         /* ... the last fragment */
	int32_t cg_irotor;         /* ... the last inode */
	int32_t cg_frsum[MAXFRAG]; /* free runs of each length in blocks */
	int32_t cg_old_btotoff;
	int32_t cg_old_boff;
	int32_t cg_iusedoff;      /* inode map: a set bit is in use */
	int32_t cg_freeoff;       /* fragment map: a set bit is free */
	int32_t cg_nextfreeoff;   /* end of the maps */
	int32_t cg_clustersumoff; /* free clusters of each length */
	int32_t cg_clusteroff;    /* block map: a set bit is a free block */
	int32_t cg_nclusterblks;
	int32_t cg_niblk;      /* UFS2: inodes in the group */
	int32_t cg_initediblk; /* UFS2: inodes initialised on disk */
	int32_t cg_sparecon32[3];
	int64_t cg_time;
	int64_t cg_sparecon64[3];
	uint8_t cg_space[];
};
_Static_assert(offsetof(struct cg, cg_cs) == 0x18, "cg_cs");
_Static_assert(offsetof(struct cg, cg_frsum) == 0x34, "cg_frsum");
_Static_assert(offsetof(struct cg, cg_iusedoff) == 0x5c, "cg_iusedoff");
_Static_assert(offsetof(struct cg, cg_niblk) == 0x74, "cg_niblk");
_Static_assert(offsetof(struct cg, cg_time) == 0x88, "cg_time");
_Static_assert(sizeof(struct cg) == 0xa8, "struct cg size");

#endif /* _FFS_FS_H_ */
