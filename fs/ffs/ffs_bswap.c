/*
 * Byte swapping of the FFS superblock and group summaries, for images in
 * the other byte order.  The superblock is a sequence of runs of 32- and
 * 64-bit fields separated by byte arrays; the table below lists the runs.
 */
#include "sys/param.h"

#include "ffs/ffs_extern.h"
#include "ffs/fs.h"
#include "ufs/ufs_bswap.h"

#define RUN(first, end, width)                                                 \
	{                                                                      \
		offsetof(struct fs, first), offsetof(struct fs, end), width    \
	}

static const struct {
	size_t start, end;
	unsigned width;
} ffs_sb_runs[] = {
    RUN(fs_firstfield, fs_fmod, 4),
    RUN(fs_swuid, fs_pad, 8),
    RUN(fs_pad, fs_ocsp, 4),
    RUN(fs_old_cpc, fs_journal_version, 4),
    RUN(fs_journal_flags, fs_journallocs, 4),
    RUN(fs_journallocs, fs_quota_magic, 8),
    RUN(fs_quota_magic, fs_quota_flags, 4),
    RUN(fs_quotafile, fs_pendinginodes, 8),
    RUN(fs_pendinginodes, fs_maxfilesize, 4),
    RUN(fs_maxfilesize, fs_state, 8),
    {offsetof(struct fs, fs_state), sizeof(struct fs), 4},
};

/* Copy the superblock from into to with every field swapped. */
void
ffs_sb_swap(const struct fs *from, struct fs *to)
{
	const uint8_t *src = (const uint8_t *)from;
	uint8_t *dst = (uint8_t *)to;
	uint32_t v32;
	uint64_t v64;
	size_t i, off;

	if (from != to)
		memcpy(to, from, sizeof(*to));
	for (i = 0; i < __arraycount(ffs_sb_runs); i++) {
		for (off = ffs_sb_runs[i].start; off < ffs_sb_runs[i].end;
		     off += ffs_sb_runs[i].width) {
			if (ffs_sb_runs[i].width == 4) {
				memcpy(&v32, src + off, 4);
				v32 = __builtin_bswap32(v32);
				memcpy(dst + off, &v32, 4);
			} else {
				memcpy(&v64, src + off, 8);
				v64 = __builtin_bswap64(v64);
				memcpy(dst + off, &v64, 8);
			}
		}
	}
}

void
ffs_csum_swap(const struct csum *from, struct csum *to, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		to[i].cs_ndir =
		    (int32_t)__builtin_bswap32((uint32_t)from[i].cs_ndir);
		to[i].cs_nbfree =
		    (int32_t)__builtin_bswap32((uint32_t)from[i].cs_nbfree);
		to[i].cs_nifree =
		    (int32_t)__builtin_bswap32((uint32_t)from[i].cs_nifree);
		to[i].cs_nffree =
		    (int32_t)__builtin_bswap32((uint32_t)from[i].cs_nffree);
	}
}
