/*
 * ext2/3/4 superblock (at byte 1024) and group descriptors, with the
 * field names and feature names dumpe2fs uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ukfs_fsinfo.h"
#include "ukfs_int.h"

#define MAX_GROUPS (1u << 22)

struct feat {
	uint32_t bit;
	const char *name;
};

static const struct feat compat[] = {{0x1, "dir_prealloc"},
    {0x2, "imagic_inodes"}, {0x4, "has_journal"}, {0x8, "ext_attr"},
    {0x10, "resize_inode"}, {0x20, "dir_index"}, {0x40, "lazy_bg"},
    {0x80, "snapshot_bitmap"}, {0x200, "sparse_super2"}, {0x400, "fast_commit"},
    {0x800, "stable_inodes"}, {0x1000, "orphan_file"}};
static const struct feat incompat[] = {{0x1, "compression"}, {0x2, "filetype"},
    {0x4, "needs_recovery"}, {0x8, "journal_dev"}, {0x10, "meta_bg"},
    {0x40, "extent"}, {0x80, "64bit"}, {0x100, "mmp"}, {0x200, "flex_bg"},
    {0x400, "ea_inode"}, {0x1000, "dirdata"}, {0x2000, "metadata_csum_seed"},
    {0x4000, "large_dir"}, {0x8000, "inline_data"}, {0x10000, "encrypt"},
    {0x20000, "casefold"}};
static const struct feat rocompat[] = {{0x1, "sparse_super"},
    {0x2, "large_file"}, {0x4, "btree_dir"}, {0x8, "huge_file"},
    {0x10, "uninit_bg"}, {0x20, "dir_nlink"}, {0x40, "extra_isize"},
    {0x100, "quota"}, {0x200, "bigalloc"}, {0x400, "metadata_csum"},
    {0x800, "replica"}, {0x1000, "read-only"}, {0x2000, "project"},
    {0x4000, "shared_blocks"}, {0x8000, "verity"}, {0x10000, "orphan_present"}};

/* dumpe2fs's order: compat, incompat, ro_compat; unknown bits as hex. */
static void
features(char *buf, size_t len, uint32_t c, uint32_t i, uint32_t r)
{
	const struct {
		const struct feat *f;
		size_t n;
		uint32_t v;
		const char *pfx;
	} sets[] = {{compat, sizeof(compat) / sizeof(compat[0]), c, "COMPAT"},
	    {incompat, sizeof(incompat) / sizeof(incompat[0]), i, "INCOMPAT"},
	    {rocompat, sizeof(rocompat) / sizeof(rocompat[0]), r, "RO_COMPAT"}};
	size_t s, k, o = 0;
	int b;

	buf[0] = '\0';
	for (s = 0; s < 3; s++)
		for (b = 0; b < 32; b++) {
			uint32_t bit = (uint32_t)1 << b;
			const char *name = NULL;

			if (!(sets[s].v & bit))
				continue;
			for (k = 0; k < sets[s].n; k++)
				if (sets[s].f[k].bit == bit)
					name = sets[s].f[k].name;
			if (o + 40 >= len)
				return;
			o += (size_t)(name
			        ? snprintf(buf + o, len - o, "%s%s",
			              o ? " " : "", name)
			        : snprintf(buf + o, len - o, "%sFEATURE_%s_%d",
			              o ? " " : "", sets[s].pfx, b));
		}
	if (o == 0)
		snprintf(buf, len, "(none)");
}

static uint64_t
lo_hi(const unsigned char *lo, const unsigned char *hi, int wide)
{
	return ukfs_le32(lo) | (wide ? (uint64_t)ukfs_le32(hi) << 32 : 0);
}

static int
groups(const struct fi_io *io, struct ukfs_fsinfo *fi, const unsigned char *sb,
    uint64_t blocks, uint32_t bsize)
{
	unsigned char d[64];
	uint32_t first = ukfs_le32(sb + 20), bpg = ukfs_le32(sb + 32);
	int wide = (ukfs_le32(sb + 96) & 0x80) != 0;
	unsigned dsize = wide ? ukfs_le16(sb + 254) : 32;
	uint64_t ng, g, gdt, start;

	if (bpg == 0 || blocks <= first ||
	    (wide && (dsize < 64 || dsize > 1024 || (dsize & (dsize - 1))))) {
		ukfs_seterr(EUCLEAN,
		    "%s: bad blocks per group or descriptor "
		    "size in the superblock",
		    io->image);
		return -1;
	}
	ng = (blocks - first + bpg - 1) / bpg;
	if (ng > MAX_GROUPS) {
		ukfs_seterr(
		    EUCLEAN, "%s: %" PRIu64 " block groups", io->image, ng);
		return -1;
	}
	fi->group_kind = "block group";
	gdt = (uint64_t)(first + 1) * bsize;
	for (g = 0; g < ng; g++) {
		memset(d, 0, sizeof(d));
		if (fi_read(io, gdt + g * dsize, d, wide ? 64 : 32) == -1)
			return -1;
		start = first + g * bpg;
		fi_group(fi);
		fi_gnum(fi, "group", g);
		fi_gnum(fi, "first block", start);
		fi_gnum(
		    fi, "last block", (g + 1 == ng ? blocks : start + bpg) - 1);
		fi_gnum(fi, "block bitmap", lo_hi(d, d + 0x20, wide));
		fi_gnum(fi, "inode bitmap", lo_hi(d + 4, d + 0x24, wide));
		fi_gnum(fi, "inode table", lo_hi(d + 8, d + 0x28, wide));
		fi_gnum(fi, "free blocks",
		    ukfs_le16(d + 12) |
		        (wide ? (uint32_t)ukfs_le16(d + 0x2c) << 16 : 0));
		fi_gnum(fi, "free inodes",
		    ukfs_le16(d + 14) |
		        (wide ? (uint32_t)ukfs_le16(d + 0x2e) << 16 : 0));
		fi_gnum(fi, "directories",
		    ukfs_le16(d + 16) |
		        (wide ? (uint32_t)ukfs_le16(d + 0x30) << 16 : 0));
	}
	return 0;
}

int
fsinfo_ext2(const struct fi_io *io, struct ukfs_fsinfo *fi)
{
	static const char *const os[] = {
	    "Linux", "Hurd", "Masix", "FreeBSD", "Lites"};
	unsigned char sb[1024], *u;
	char feat[1024];
	uint32_t logbs, bsize, state, errs, osid;
	uint64_t blocks;
	int wide;

	if (fi_read(io, 1024, sb, sizeof(sb)) == -1)
		return -1;
	logbs = ukfs_le32(sb + 24);
	if (ukfs_le16(sb + 56) != 0xef53 || logbs > 6) {
		ukfs_seterr(EUCLEAN, "%s: not an ext2 superblock", io->image);
		return -1;
	}
	bsize = 1024u << logbs;
	wide = (ukfs_le32(sb + 96) & 0x80) != 0;
	blocks = lo_hi(sb + 4, sb + 0x150, wide);
	fi_str(fi, "Filesystem volume name", sb + 120, 16);
	fi_str(fi, "Last mounted on", sb + 136, 64);
	u = sb + 104;
	fi_text(fi, "Filesystem UUID",
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
	    u[11], u[12], u[13], u[14], u[15]);
	fi_text(fi, "Filesystem magic number", "0xEF53");
	fi_text(fi, "Filesystem revision #", "%" PRIu32 " (%s)",
	    ukfs_le32(sb + 76), ukfs_le32(sb + 76) ? "dynamic" : "original");
	features(feat, sizeof(feat), ukfs_le32(sb + 92), ukfs_le32(sb + 96),
	    ukfs_le32(sb + 100));
	fi_text(fi, "Filesystem features", "%s", feat);
	state = ukfs_le16(sb + 58);
	fi_text(fi, "Filesystem state", "%s%s",
	    (state & 1) ? "clean" : "not clean",
	    (state & 2) ? " with errors" : "");
	errs = ukfs_le16(sb + 60);
	fi_text(fi, "Errors behavior", "%s",
	    errs == 1       ? "Continue"
	        : errs == 2 ? "Remount read-only"
	        : errs == 3 ? "Panic"
	                    : "Unknown");
	osid = ukfs_le32(sb + 72);
	fi_text(fi, "Filesystem OS type", "%s",
	    osid < 5 ? os[osid] : "(unknown os)");
	fi_num(fi, "Inode count", ukfs_le32(sb));
	fi_num(fi, "Block count", blocks);
	fi_num(fi, "Reserved block count", lo_hi(sb + 8, sb + 0x154, wide));
	fi_num(fi, "Free blocks", lo_hi(sb + 12, sb + 0x158, wide));
	fi_num(fi, "Free inodes", ukfs_le32(sb + 16));
	fi_num(fi, "First block", ukfs_le32(sb + 20));
	fi_num(fi, "Block size", bsize);
	fi_num(fi, "Blocks per group", ukfs_le32(sb + 32));
	fi_num(fi, "Inodes per group", ukfs_le32(sb + 40));
	fi_time(fi, "Filesystem created", ukfs_le32(sb + 264));
	fi_time(fi, "Last mount time", ukfs_le32(sb + 44));
	fi_time(fi, "Last write time", ukfs_le32(sb + 48));
	fi_num(fi, "Mount count", ukfs_le16(sb + 52));
	fi_text(fi, "Maximum mount count", "%d", (int16_t)ukfs_le16(sb + 54));
	fi_time(fi, "Last checked", ukfs_le32(sb + 64));
	fi_num(fi, "Inode size", ukfs_le32(sb + 76) ? ukfs_le16(sb + 88) : 128);
	if (fi->nomem)
		return 0;
	return groups(io, fi, sb, blocks, bsize);
}
