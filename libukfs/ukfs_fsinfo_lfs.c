/*
 * lfs superblock summary: both checkpoints' superblocks (the one at
 * 8192 and the one its dlfs_sboffs[1] names), each checked for magic,
 * version and checksum, and the newer one's numbers.  Offsets are those
 * of struct dlfs (fs/lfs/lfs.h), little-endian.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ukfs_fsinfo.h"
#include "ukfs_int.h"

#define LFS_MAGIC   0x070162
#define LFS_VERSION 2
#define LFS_SBOFF   8192
#define LFS_SBSIZE  512
#define LFS_CKOFF   508 /* dlfs_cksum: over the bytes before it */

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)ukfs_le32(p) | (uint64_t)ukfs_le32(p + 4) << 32;
}

/* A signed count: below zero (damage) shows as 0. */
static uint64_t
nonneg(uint32_t v)
{
	return (int32_t)v < 0 ? 0 : v;
}

/* The XOR of the little-endian 16-bit words before the checksum. */
static uint32_t
sb_cksum(const unsigned char *sb)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < LFS_CKOFF; i += 2)
		sum ^= (uint32_t)sb[i] | (uint32_t)sb[i + 1] << 8;
	return sum;
}

/* NULL if sb is a good superblock, else what is wrong with it. */
static const char *
sb_bad(const unsigned char *sb)
{
	uint32_t bsize = ukfs_le32(sb + 20), fsize = ukfs_le32(sb + 24);
	uint32_t ssize = ukfs_le32(sb + 12);

	if (ukfs_le32(sb) != LFS_MAGIC)
		return "bad magic";
	if (ukfs_le32(sb + 4) != LFS_VERSION)
		return "unsupported version";
	if (sb_cksum(sb) != ukfs_le32(sb + LFS_CKOFF))
		return "bad checksum";
	if (bsize < 4096 || bsize > 65536 || (bsize & (bsize - 1)) != 0 ||
	    fsize < 512 || fsize > bsize || (fsize & (fsize - 1)) != 0)
		return "bad block or fragment size";
	if (ssize < 8 * bsize || ssize % bsize != 0 || ssize > (16u << 20))
		return "bad segment size";
	if (ukfs_le32(sb + 116) == 0)
		return "no segments";
	return NULL;
}

static void
checkpoint(struct ukfs_fsinfo *fi, const char *which, const unsigned char *sb)
{
	char key[48];

	if (sb == NULL)
		return;
	snprintf(key, sizeof(key), "checkpoint %s serial", which);
	fi_num(fi, key, le64(sb + 336));
	snprintf(key, sizeof(key), "checkpoint %s time", which);
	fi_time(fi, key, (int64_t)le64(sb + 352));
}

int
fsinfo_lfs(const struct fi_io *io, struct ukfs_fsinfo *fi)
{
	unsigned char sb0[LFS_SBSIZE], sb1[LFS_SBSIZE];
	const unsigned char *s0 = NULL, *s1 = NULL, *sb;
	const char *why0, *why1 = "not read";
	uint64_t sb1off = 0;
	int32_t a1;

	if (fi_read(io, LFS_SBOFF, sb0, sizeof(sb0)) == -1)
		return -1;
	if ((why0 = sb_bad(sb0)) == NULL) {
		s0 = sb0;
		/* dlfs_sboffs[1], a fragment address */
		a1 = (int32_t)ukfs_le32(sb0 + 192);
		if (a1 > 0) {
			sb1off = (uint64_t)a1 * ukfs_le32(sb0 + 24);
			if (fi_read(io, sb1off, sb1, sizeof(sb1)) == -1)
				ukfs_clearerr();
			else if ((why1 = sb_bad(sb1)) == NULL)
				s1 = sb1;
		}
	}
	if (s0 == NULL) {
		ukfs_seterr(EUCLEAN, "%s: lfs superblock at %d: %s", io->image,
		    LFS_SBOFF, why0);
		return -1;
	}
	/* the checkpoint a mount starts from: the higher serial */
	sb = s1 != NULL && le64(sb1 + 336) > le64(sb0 + 336) ? s1 : s0;
	fi_text(fi, "magic", "0x%06" PRIx32, ukfs_le32(sb));
	fi_num(fi, "version", ukfs_le32(sb + 4));
	fi_text(fi, "id", "%08" PRIx32, ukfs_le32(sb + 368));
	fi_num(fi, "block size", ukfs_le32(sb + 20));
	fi_num(fi, "fragment size", ukfs_le32(sb + 24));
	fi_num(fi, "segment size", ukfs_le32(sb + 12));
	fi_num(fi, "size", ukfs_le32(sb + 8));
	fi_num(fi, "data size", ukfs_le32(sb + 16));
	fi_num(fi, "segments", ukfs_le32(sb + 116));
	fi_num(fi, "clean segments", ukfs_le32(sb + 228));
	fi_num(fi, "reserved segments", ukfs_le32(sb + 328));
	fi_num(fi, "inodes", ukfs_le32(sb + 40));
	fi_num(fi, "free fragments", nonneg(ukfs_le32(sb + 36)));
	fi_num(fi, "available fragments", nonneg(ukfs_le32(sb + 44)));
	fi_num(fi, "superblock 0", LFS_SBOFF);
	if (s1 != NULL)
		fi_num(fi, "superblock 1", sb1off);
	else
		fi_text(fi, "superblock 1", "unusable (%s)", why1);
	checkpoint(fi, "0", s0);
	checkpoint(fi, "1", s1);
	fi_text(fi, "newer checkpoint", "%d (serial %" PRIu64 ")",
	    sb == s0 ? 0 : 1, le64(sb + 336));
	fi_num(fi, "ifile inode block", ukfs_le32(sb + 52));
	fi_num(fi, "current segment", ukfs_le32(sb + 68));
	fi_num(fi, "log offset", ukfs_le32(sb + 72));
	/* dlfs_pflags, bit 0: unmounted cleanly */
	fi_text(fi, "clean", "%s", (sb[322] & 1) ? "yes" : "no");
	fi_str(fi, "last mounted on", sb + 232, 90);
	return 0;
}
