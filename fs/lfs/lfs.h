/*
 * NetBSD's log-structured file system, version 2 with the 32-bit layout
 * that newfs_lfs makes by default: the on-disk structures (little-endian
 * here, as the images this project makes and reads), as lfs(5) and
 * NetBSD's lfs.h describe them.  Addresses are in fragments ("fsb").
 *
 * The disk: a label pad, the first superblock at byte 8192, then
 * segments of dlfs_ssize bytes counted from byte 0 (segment 0's usable
 * space starts at dlfs_start).  Each segment holds partial segments: a
 * summary block (SEGSUM, then FINFO records growing forwards, the inode
 * block addresses growing backwards from its end) followed by the data,
 * indirect and inode blocks it describes.  The IFILE (inode 1) holds the
 * cleaner information, the segment usage table and the inode map.
 */
#ifndef _LFS_LFS_H_
#define _LFS_LFS_H_

#include "sys/param.h"

#define LFS_LABELPAD 8192 /* bytes before the first superblock */
#define LFS_SBPAD    8192 /* room a superblock takes */

#define LFS_UNUSED_INUM 0
#define LFS_IFILE_INUM  1
#define LFS_ROOTINO     2
#define LFS_FIRST_INUM  3 /* the first inode our newfs leaves free */

#define LFS_MAGIC        0x070162
#define LFS_VERSION      2
#define LFS_MAXNUMSB     10
#define LFS_MIN_SBINTERVAL 5
#define LFS_MAXNAMLEN    255
#define LFS_MAX_DADDR    0x7fffffff
#define LFS_DINODE_SIZE  128 /* the ufs1-like lfs32_dinode */
#define LFS_MNAMELEN     90
#define LFS_PF_CLEAN     0x1

/* block pointers that do not point at the disk */
#define LFS_UNASSIGNED (-1)
#define LFS_UNWRITTEN  (-2) /* in core only: allocated, not yet logged */

struct dlfs {
	uint32_t dlfs_magic;      /* 0 */
	uint32_t dlfs_version;    /* 4 */
	uint32_t dlfs_size;       /* 8: fragments in the fs */
	uint32_t dlfs_ssize;      /* 12: bytes per segment */
	uint32_t dlfs_dsize;      /* 16: fragments for data */
	uint32_t dlfs_bsize;      /* 20 */
	uint32_t dlfs_fsize;      /* 24 */
	uint32_t dlfs_frag;       /* 28 */
	uint32_t dlfs_freehd;     /* 32: head of the inode free list */
	int32_t dlfs_bfree;       /* 36: free fragments */
	uint32_t dlfs_nfiles;     /* 40: allocated inodes */
	int32_t dlfs_avail;       /* 44: fragments available for writing */
	int32_t dlfs_uinodes;     /* 48 */
	int32_t dlfs_idaddr;      /* 52: address of the IFILE's inode block */
	uint32_t dlfs_ifile;      /* 56: IFILE inode number */
	int32_t dlfs_lastseg;     /* 60: address of the last segment written */
	int32_t dlfs_nextseg;     /* 64: address of the next segment */
	int32_t dlfs_curseg;      /* 68: address of the current segment */
	int32_t dlfs_offset;      /* 72: next partial segment goes here */
	int32_t dlfs_lastpseg;    /* 76: address of the last partial */
	uint32_t dlfs_inopf;      /* 80: inodes per fragment */
	uint32_t dlfs_minfree;    /* 84 */
	uint64_t dlfs_maxfilesize; /* 88 */
	uint32_t dlfs_fsbpseg;    /* 96: fragments per segment */
	uint32_t dlfs_inopb;      /* 100: inodes per inode block */
	uint32_t dlfs_ifpb;       /* 104: IFILE entries per block */
	uint32_t dlfs_sepb;       /* 108: SEGUSE entries per block */
	uint32_t dlfs_nindir;     /* 112 */
	uint32_t dlfs_nseg;       /* 116 */
	uint32_t dlfs_nspf;       /* 120: sectors per fragment */
	uint32_t dlfs_cleansz;    /* 124: cleaner info blocks */
	uint32_t dlfs_segtabsz;   /* 128: segment table blocks */
	uint32_t dlfs_segmask;    /* 132 */
	uint32_t dlfs_segshift;   /* 136 */
	uint32_t dlfs_bshift;     /* 140 */
	uint32_t dlfs_ffshift;    /* 144 */
	uint32_t dlfs_fbshift;    /* 148 */
	uint64_t dlfs_bmask;      /* 152 */
	uint64_t dlfs_ffmask;     /* 160 */
	uint64_t dlfs_fbmask;     /* 168 */
	uint32_t dlfs_blktodb;    /* 176 */
	uint32_t dlfs_sushift;    /* 180 */
	int32_t dlfs_maxsymlinklen; /* 184 */
	int32_t dlfs_sboffs[LFS_MAXNUMSB]; /* 188: superblock addresses */
	uint32_t dlfs_nclean;     /* 228: clean segments */
	uint8_t dlfs_fsmnt[LFS_MNAMELEN]; /* 232 */
	uint16_t dlfs_pflags;     /* 322 */
	int32_t dlfs_dmeta;       /* 324 */
	uint32_t dlfs_minfreeseg; /* 328: segments not counted in bfree */
	uint32_t dlfs_sumsize;    /* 332: bytes of a summary block */
	uint64_t dlfs_serial;     /* 336: checkpoint serial number */
	uint32_t dlfs_ibsize;     /* 344: bytes of an inode block */
	int32_t dlfs_start;       /* 348: first usable fragment of seg 0 */
	uint64_t dlfs_tstamp;     /* 352: time of the checkpoint */
	uint32_t dlfs_inodefmt;   /* 360 */
	uint32_t dlfs_interleave; /* 364 */
	uint32_t dlfs_ident;      /* 368: per-fs identifier */
	uint32_t dlfs_fsbtodb;    /* 372 */
	uint32_t dlfs_resvseg;    /* 376: segments kept for the cleaner */
	int8_t dlfs_pad[128];     /* 380 */
	uint32_t dlfs_cksum;      /* 508 */
};
_Static_assert(sizeof(struct dlfs) == 512, "dlfs size");

/* segment summary (version 2) */
struct segsum {
	uint32_t ss_sumsum;  /* 0: checksum of the rest of the summary */
	uint32_t ss_datasum; /* 4: checksum of the first word of each block */
	uint32_t ss_magic;   /* 8 */
#define SS_MAGIC 0x061561
	int32_t ss_next;     /* 12: address of the next segment */
	uint32_t ss_ident;   /* 16: dlfs_ident */
	uint16_t ss_nfinfo;  /* 20 */
	uint16_t ss_ninos;   /* 22: inodes in this partial */
	uint16_t ss_flags;   /* 24 */
#define SS_DIROP 0x01
#define SS_CONT  0x02
#define SS_CLEAN 0x04
#define SS_RFW   0x08
	uint8_t ss_pad[6];   /* 26 */
	uint64_t ss_serial;  /* 32 */
	uint64_t ss_create;  /* 40 */
};
_Static_assert(sizeof(struct segsum) == 48, "segsum size");

/* one per file with blocks in the partial, then its lbns (int32) */
struct finfo32 {
	uint32_t fi_nblocks;
	uint32_t fi_version;
	uint32_t fi_ino;
	uint32_t fi_lastlength; /* bytes of the last block listed */
};
#define LFS_FINFOSIZE 16

/* the inode map: one per inode in the IFILE */
struct ifile32 {
	uint32_t if_version;
	int32_t if_daddr; /* 0: free */
	uint32_t if_nextfree;
	uint32_t if_atime_sec;
	uint32_t if_atime_nsec;
};
_Static_assert(sizeof(struct ifile32) == 20, "ifile32 size");
#define LFS_UNUSED_DADDR 0

struct segusage {
	uint32_t su_nbytes;   /* 0: live bytes */
	uint32_t su_olastmod; /* 4 */
	uint16_t su_nsums;    /* 8: summaries */
	uint16_t su_ninos;    /* 10: inode blocks */
	uint32_t su_flags;    /* 12 */
#define SEGUSE_ACTIVE     0x01
#define SEGUSE_DIRTY      0x02
#define SEGUSE_SUPERBLOCK 0x04
#define SEGUSE_ERROR      0x08
#define SEGUSE_EMPTY      0x10
#define SEGUSE_INVAL      0x20
	uint64_t su_lastmod;  /* 16 */
};
_Static_assert(sizeof(struct segusage) == 24, "segusage size");

struct cleanerinfo32 {
	uint32_t clean;     /* clean segments */
	uint32_t dirty;     /* dirty segments */
	int32_t bfree;      /* free fragments */
	int32_t avail;      /* fragments available for writing */
	uint32_t free_head; /* head of the inode free list */
	uint32_t free_tail; /* its tail */
	uint32_t flags;
#define LFS_CLEANER_MUST_CLEAN 0x01
};
_Static_assert(sizeof(struct cleanerinfo32) == 28, "cleanerinfo size");

/* The checksum of summaries and superblocks: XOR of 16-bit words. */
static inline uint32_t
lfs_cksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum ^= (uint32_t)b[i] | ((uint32_t)b[i + 1] << 8);
	return sum;
}

static inline uint32_t
lfs_sb_cksum(const struct dlfs *sb)
{
	return lfs_cksum(sb, offsetof(struct dlfs, dlfs_cksum));
}

#endif /* _LFS_LFS_H_ */
