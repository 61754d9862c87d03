/*
 * ffs (UFS1, UFS2, either byte order) superblock and cylinder-group
 * summaries, the numbers NetBSD's dumpfs shows.  Offsets are those of
 * struct fs and struct cg (fs/ffs/fs.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ukfs_fsinfo.h"
#include "ukfs_int.h"

#define UFS1_MAGIC 0x00011954
#define UFS2_MAGIC 0x19540119
#define CG_MAGIC   0x00090255
#define MAX_CG     (1u << 20)

struct ffs {
	const unsigned char *sb;
	int be;
	int ufs2;
};

static uint32_t
g32(const struct ffs *f, const unsigned char *p)
{
	return f->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	        (uint32_t)p[2] << 8 | p[3]
	             : ukfs_le32(p);
}

static uint64_t
g64(const struct ffs *f, const unsigned char *p)
{
	return f->be ? (uint64_t)g32(f, p) << 32 | g32(f, p + 4)
	             : (uint64_t)g32(f, p) | (uint64_t)g32(f, p + 4) << 32;
}

static int
cgs(const struct fi_io *io, struct ukfs_fsinfo *fi, const struct ffs *f)
{
	const unsigned char *sb = f->sb;
	unsigned char cg[0xa8];
	uint32_t ncg = g32(f, sb + 44), fsize = g32(f, sb + 52);
	uint32_t fpg = g32(f, sb + 188), cblkno = g32(f, sb + 12);
	uint32_t cgoff = g32(f, sb + 24), cgmask = g32(f, sb + 28);
	uint64_t frag, c;

	if (ncg == 0 || ncg > MAX_CG || fpg == 0 || fsize < 512 ||
	    fsize > 65536) {
		ukfs_seterr(EUCLEAN,
		    "%s: bad cylinder-group geometry in the "
		    "superblock",
		    io->image);
		return -1;
	}
	fi->group_kind = "cylinder group";
	for (c = 0; c < ncg; c++) {
		frag = (uint64_t)fpg * c + cblkno;
		if (!f->ufs2)
			frag += (uint64_t)cgoff * (c & ~(uint64_t)cgmask);
		if (fi_read(io, frag * fsize, cg, sizeof(cg)) == -1)
			return -1;
		if (g32(f, cg + 4) != CG_MAGIC || g32(f, cg + 12) != c) {
			ukfs_seterr(EUCLEAN,
			    "%s: cylinder group %" PRIu64
			    " at fragment %" PRIu64 ": bad magic or number",
			    io->image, c, frag);
			return -1;
		}
		fi_group(fi);
		fi_gnum(fi, "cg", c);
		fi_gnum(fi, "fragments", g32(f, cg + 20));
		fi_gnum(fi, "directories", g32(f, cg + 0x18));
		fi_gnum(fi, "free blocks", g32(f, cg + 0x1c));
		fi_gnum(fi, "free inodes", g32(f, cg + 0x20));
		fi_gnum(fi, "free fragments", g32(f, cg + 0x24));
		fi_gnum(
		    fi, "time", f->ufs2 ? g64(f, cg + 0x88) : g32(f, cg + 8));
	}
	return 0;
}

int
fsinfo_ffs(const struct fi_io *io, struct ukfs_fsinfo *fi)
{
	static const uint64_t where[] = {8192, 65536};
	unsigned char sb[1376];
	struct ffs f;
	uint32_t m, flags;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.sb = sb;
	for (i = 0; i < 2; i++) {
		if (fi_read(io, where[i], sb, sizeof(sb)) == -1)
			continue;
		m = ukfs_le32(sb + 0x55c);
		f.be = m != UFS1_MAGIC && m != UFS2_MAGIC;
		m = g32(&f, sb + 0x55c);
		if (m == UFS2_MAGIC || (m == UFS1_MAGIC && where[i] == 8192))
			break;
	}
	if (i == 2) {
		ukfs_seterr(EUCLEAN, "%s: no ffs superblock", io->image);
		return -1;
	}
	ukfs_clearerr();
	f.ufs2 = m == UFS2_MAGIC;
	flags = g32(&f, sb + 0x520);
	if (!f.ufs2 || !(flags & 0x80))
		flags = sb[211];
	fi_text(
	    fi, "magic", "0x%08" PRIx32 " (%s)", m, f.ufs2 ? "UFS2" : "UFS1");
	fi_text(fi, "byte order", "%s", f.be ? "big-endian" : "little-endian");
	fi_num(fi, "superblock location", where[i]);
	fi_time(fi, "last written",
	    f.ufs2 ? (int64_t)g64(&f, sb + 0x430) : (int32_t)g32(&f, sb + 32));
	fi_text(fi, "id", "%08" PRIx32 " %08" PRIx32, g32(&f, sb + 144),
	    g32(&f, sb + 148));
	fi_num(fi, "cylinder groups", g32(&f, sb + 44));
	fi_num(fi, "size", f.ufs2 ? g64(&f, sb + 0x438) : g32(&f, sb + 36));
	fi_num(
	    fi, "data size", f.ufs2 ? g64(&f, sb + 0x440) : g32(&f, sb + 40));
	fi_num(fi, "block size", g32(&f, sb + 48));
	fi_num(fi, "fragment size", g32(&f, sb + 52));
	fi_num(fi, "fragments per block", g32(&f, sb + 56));
	fi_num(fi, "minfree percent", g32(&f, sb + 60));
	fi_text(fi, "optimization", "%s", g32(&f, sb + 128) ? "space" : "time");
	fi_num(fi, "inodes per group", g32(&f, sb + 184));
	fi_num(fi, "fragments per group", g32(&f, sb + 188));
	if (f.ufs2) {
		fi_num(fi, "directories", g64(&f, sb + 0x3f0));
		fi_num(fi, "free blocks", g64(&f, sb + 0x3f8));
		fi_num(fi, "free inodes", g64(&f, sb + 0x400));
		fi_num(fi, "free fragments", g64(&f, sb + 0x408));
	} else {
		fi_num(fi, "directories", g32(&f, sb + 192));
		fi_num(fi, "free blocks", g32(&f, sb + 196));
		fi_num(fi, "free inodes", g32(&f, sb + 200));
		fi_num(fi, "free fragments", g32(&f, sb + 204));
	}
	fi_text(fi, "clean", "%s", (sb[209] & 1) ? "yes" : "no");
	fi_text(fi, "flags", "0x%02" PRIx32 "%s%s%s", flags,
	    (flags & 1) ? " unclean" : "", (flags & 4) ? " needs-fsck" : "",
	    (flags & 0x100) ? " wapbl" : "");
	fi_str(fi, "last mounted on", sb + 212, 468);
	fi_str(fi, "volume name", sb + 680, 32);
	if (fi->nomem)
		return 0;
	return cgs(io, fi, &f);
}
