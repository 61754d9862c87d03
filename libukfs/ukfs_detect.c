/*
 * File-system type detection by on-disk signatures, read from the image
 * file directly (no kernel involved).  Each probe looks at a fixed place
 * and checks a magic number plus a field or two that a real file system
 * of that type must have sane, so that stray bytes rarely match.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

struct probe_io {
	struct ukfs_himg *h;
	uint64_t base;
};

/* Read exactly len bytes at off (relative to the file system); 0 or -1. */
static int
rd(const struct probe_io *io, uint64_t off, void *buf, size_t len)
{
	return ukfs_himg_read(io->h, io->base + off, buf, len);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[0] << 24;
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int
pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* ext2/3/4: s_magic 0xEF53 at 1024+56, s_log_block_size <= 6 (64 KiB). */
static int
probe_ext2fs(const struct probe_io *io)
{
	unsigned char sb[64];

	if (rd(io, 1024, sb, sizeof(sb)) == -1)
		return 0;
	return le16(sb + 56) == 0xEF53 && le32(sb + 24) <= 6;
}

#define FS_UFS1_MAGIC 0x00011954
#define FS_UFS2_MAGIC 0x19540119

/* One ffs superblock candidate: magic at +1372, fs_bsize at +48. */
static int
ffs_sb_at(const struct probe_io *io, uint64_t off, uint32_t magic)
{
	unsigned char m[4], b[4];
	uint32_t bsize;

	if (rd(io, off + 1372, m, 4) == -1 || rd(io, off + 48, b, 4) == -1)
		return 0;
	if (le32(m) == magic)
		bsize = le32(b);
	else if (be32(m) == magic)
		bsize = be32(b);
	else
		return 0;
	return pow2(bsize) && bsize >= 4096 && bsize <= 65536;
}

/* UFS1 at 8192; UFS2 at 65536 or (as some makefs builds put it) 8192. */
static int
probe_ffs(const struct probe_io *io)
{
	return ffs_sb_at(io, 8192, FS_UFS1_MAGIC) ||
	    ffs_sb_at(io, 65536, FS_UFS2_MAGIC) ||
	    ffs_sb_at(io, 8192, FS_UFS2_MAGIC);
}

#define LFS_MAGIC 0x00070162

/*
 * NetBSD LFS: dlfs_magic is the first word of the superblock at 8192,
 * then dlfs_version (1 or 2) and, at +20, a power-of-two dlfs_bsize.
 */
static int
probe_lfs(const struct probe_io *io)
{
	unsigned char sb[24];
	uint32_t (*get)(const unsigned char *);
	uint32_t bsize, version;

	if (rd(io, 8192, sb, sizeof(sb)) == -1)
		return 0;
	if (le32(sb) == LFS_MAGIC)
		get = le32;
	else if (be32(sb) == LFS_MAGIC)
		get = be32;
	else
		return 0;
	version = get(sb + 4);
	bsize = get(sb + 20);
	return (version == 1 || version == 2) && pow2(bsize) &&
	    bsize >= 512 && bsize <= 65536;
}

/*
 * FAT: the boot signature 0x55AA plus a BIOS parameter block that makes
 * sense, which an MBR or another file system's boot block does not have.
 */
static int
probe_msdos(const struct probe_io *io)
{
	unsigned char bs[512];
	unsigned bps, spc, rsvd, nfats;

	if (rd(io, 0, bs, sizeof(bs)) == -1)
		return 0;
	if (bs[510] != 0x55 || bs[511] != 0xAA)
		return 0;
	bps = le16(bs + 11);
	spc = bs[13];
	rsvd = le16(bs + 14);
	nfats = bs[16];
	return pow2(bps) && bps >= 512 && bps <= 4096 && pow2(spc) &&
	    rsvd >= 1 && nfats >= 1 && nfats <= 2;
}

/* ISO 9660: "CD001" in the first volume descriptor (sector 16). */
static int
probe_cd9660(const struct probe_io *io)
{
	unsigned char vd[6];

	if (rd(io, 32768, vd, sizeof(vd)) == -1)
		return 0;
	return memcmp(vd + 1, "CD001", 5) == 0;
}

static const struct {
	const char *name;
	int (*probe)(const struct probe_io *);
} probes[] = {
    {"ext2fs", probe_ext2fs},
    {"ffs", probe_ffs},
    {"lfs", probe_lfs},
    {"msdos", probe_msdos},
    {"cd9660", probe_cd9660},
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

int
ukfs_detect(const char *image, uint64_t offset, char *type, size_t len)
{
	struct probe_io io;
	struct ukfs_where w;
	char found[128];
	size_t i, nfound = 0, first = 0;

	ukfs_clearerr();
	if (image == NULL || type == NULL || len == 0) {
		ukfs_seterr(EINVAL, "ukfs_detect: bad arguments");
		return -1;
	}
	if (ukfs_where(image, offset, 0, &w) == -1)
		return -1;
	if (ukfs_himg_open(w.host, &io.h) == -1) {
		ukfs_where_free(&w);
		return -1;
	}
	io.base = w.offset;
	ukfs_where_free(&w);
	found[0] = '\0';
	for (i = 0; i < NPROBES; i++) {
		if (!probes[i].probe(&io))
			continue;
		if (nfound++ == 0)
			first = i;
		snprintf(found + strlen(found), sizeof(found) - strlen(found),
		    "%s%s", nfound > 1 ? ", " : "", probes[i].name);
	}
	ukfs_himg_close(io.h);
	if (nfound == 0) {
		ukfs_seterr(ENODEV,
		    "%s: no known file system found (tried "
		    "ext2fs, ffs, lfs, msdos, cd9660)",
		    image);
		return -1;
	}
	if (nfound > 1) {
		ukfs_seterr(EINVAL,
		    "%s: ambiguous: signatures of %s found; "
		    "name the type with -t",
		    image, found);
		return -1;
	}
	if (strlen(probes[first].name) >= len) {
		ukfs_seterr(ERANGE, "ukfs_detect: type buffer too small");
		return -1;
	}
	strcpy(type, probes[first].name);
	return 0;
}
