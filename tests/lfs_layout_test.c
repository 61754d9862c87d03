/*
 * The LFS on-disk layout against the facts of NetBSD's lfs.h and lfs(5):
 * structure sizes, field offsets, constants and the checksum; then, given
 * an image made by ukfs-newfs -t lfs, its superblock read raw from byte
 * 8192 and its first segment summary checked the same way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fs/lfs/lfs.h"

static int nfail, npass;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (cond)                                                      \
			npass++;                                               \
		else {                                                         \
			nfail++;                                               \
			printf("FAIL: %s (line %d)\n", #cond, __LINE__);       \
		}                                                              \
	} while (0)

#define OFF(type, field, want) CHECK(offsetof(type, field) == (want))

static void
layout(void)
{
	CHECK(sizeof(struct dlfs) == 512);
	OFF(struct dlfs, dlfs_magic, 0);
	OFF(struct dlfs, dlfs_version, 4);
	OFF(struct dlfs, dlfs_size, 8);
	OFF(struct dlfs, dlfs_ssize, 12);
	OFF(struct dlfs, dlfs_dsize, 16);
	OFF(struct dlfs, dlfs_bsize, 20);
	OFF(struct dlfs, dlfs_fsize, 24);
	OFF(struct dlfs, dlfs_frag, 28);
	OFF(struct dlfs, dlfs_freehd, 32);
	OFF(struct dlfs, dlfs_bfree, 36);
	OFF(struct dlfs, dlfs_nfiles, 40);
	OFF(struct dlfs, dlfs_avail, 44);
	OFF(struct dlfs, dlfs_uinodes, 48);
	OFF(struct dlfs, dlfs_idaddr, 52);
	OFF(struct dlfs, dlfs_ifile, 56);
	OFF(struct dlfs, dlfs_lastseg, 60);
	OFF(struct dlfs, dlfs_nextseg, 64);
	OFF(struct dlfs, dlfs_curseg, 68);
	OFF(struct dlfs, dlfs_offset, 72);
	OFF(struct dlfs, dlfs_lastpseg, 76);
	OFF(struct dlfs, dlfs_inopf, 80);
	OFF(struct dlfs, dlfs_minfree, 84);
	OFF(struct dlfs, dlfs_maxfilesize, 88);
	OFF(struct dlfs, dlfs_fsbpseg, 96);
	OFF(struct dlfs, dlfs_inopb, 100);
	OFF(struct dlfs, dlfs_ifpb, 104);
	OFF(struct dlfs, dlfs_sepb, 108);
	OFF(struct dlfs, dlfs_nindir, 112);
	OFF(struct dlfs, dlfs_nseg, 116);
	OFF(struct dlfs, dlfs_nspf, 120);
	OFF(struct dlfs, dlfs_cleansz, 124);
	OFF(struct dlfs, dlfs_segtabsz, 128);
	OFF(struct dlfs, dlfs_segmask, 132);
	OFF(struct dlfs, dlfs_segshift, 136);
	OFF(struct dlfs, dlfs_bshift, 140);
	OFF(struct dlfs, dlfs_ffshift, 144);
	OFF(struct dlfs, dlfs_fbshift, 148);
	OFF(struct dlfs, dlfs_bmask, 152);
	OFF(struct dlfs, dlfs_ffmask, 160);
	OFF(struct dlfs, dlfs_fbmask, 168);
	OFF(struct dlfs, dlfs_blktodb, 176);
	OFF(struct dlfs, dlfs_sushift, 180);
	OFF(struct dlfs, dlfs_maxsymlinklen, 184);
	OFF(struct dlfs, dlfs_sboffs, 188);
	OFF(struct dlfs, dlfs_nclean, 228);
	OFF(struct dlfs, dlfs_fsmnt, 232);
	OFF(struct dlfs, dlfs_pflags, 322);
	OFF(struct dlfs, dlfs_dmeta, 324);
	OFF(struct dlfs, dlfs_minfreeseg, 328);
	OFF(struct dlfs, dlfs_sumsize, 332);
	OFF(struct dlfs, dlfs_serial, 336);
	OFF(struct dlfs, dlfs_ibsize, 344);
	OFF(struct dlfs, dlfs_start, 348);
	OFF(struct dlfs, dlfs_tstamp, 352);
	OFF(struct dlfs, dlfs_inodefmt, 360);
	OFF(struct dlfs, dlfs_interleave, 364);
	OFF(struct dlfs, dlfs_ident, 368);
	OFF(struct dlfs, dlfs_fsbtodb, 372);
	OFF(struct dlfs, dlfs_resvseg, 376);
	OFF(struct dlfs, dlfs_pad, 380);
	OFF(struct dlfs, dlfs_cksum, 508);

	CHECK(sizeof(struct segsum) == 48);
	OFF(struct segsum, ss_sumsum, 0);
	OFF(struct segsum, ss_datasum, 4);
	OFF(struct segsum, ss_magic, 8);
	OFF(struct segsum, ss_next, 12);
	OFF(struct segsum, ss_ident, 16);
	OFF(struct segsum, ss_nfinfo, 20);
	OFF(struct segsum, ss_ninos, 22);
	OFF(struct segsum, ss_flags, 24);
	OFF(struct segsum, ss_serial, 32);
	OFF(struct segsum, ss_create, 40);

	CHECK(sizeof(struct finfo32) == 16 && LFS_FINFOSIZE == 16);
	OFF(struct finfo32, fi_nblocks, 0);
	OFF(struct finfo32, fi_version, 4);
	OFF(struct finfo32, fi_ino, 8);
	OFF(struct finfo32, fi_lastlength, 12);

	CHECK(sizeof(struct ifile32) == 20);
	OFF(struct ifile32, if_version, 0);
	OFF(struct ifile32, if_daddr, 4);
	OFF(struct ifile32, if_nextfree, 8);
	OFF(struct ifile32, if_atime_sec, 12);
	OFF(struct ifile32, if_atime_nsec, 16);

	CHECK(sizeof(struct segusage) == 24);
	OFF(struct segusage, su_nbytes, 0);
	OFF(struct segusage, su_olastmod, 4);
	OFF(struct segusage, su_nsums, 8);
	OFF(struct segusage, su_ninos, 10);
	OFF(struct segusage, su_flags, 12);
	OFF(struct segusage, su_lastmod, 16);

	CHECK(sizeof(struct cleanerinfo32) == 28);
	OFF(struct cleanerinfo32, clean, 0);
	OFF(struct cleanerinfo32, dirty, 4);
	OFF(struct cleanerinfo32, bfree, 8);
	OFF(struct cleanerinfo32, avail, 12);
	OFF(struct cleanerinfo32, free_head, 16);
	OFF(struct cleanerinfo32, free_tail, 20);
	OFF(struct cleanerinfo32, flags, 24);

	CHECK(LFS_MAGIC == 0x070162);
	CHECK(SS_MAGIC == 0x061561);
	CHECK(LFS_VERSION == 2);
	CHECK(LFS_LABELPAD == 8192 && LFS_SBPAD == 8192);
	CHECK(LFS_IFILE_INUM == 1 && LFS_ROOTINO == 2);
	CHECK(LFS_UNASSIGNED == -1 && LFS_UNWRITTEN == -2);
	CHECK(LFS_MAXNUMSB == 10);
	CHECK(SEGUSE_ACTIVE == 1 && SEGUSE_DIRTY == 2 &&
	    SEGUSE_SUPERBLOCK == 4 && SEGUSE_EMPTY == 0x10);
	CHECK(SS_DIROP == 1 && SS_CONT == 2 && SS_CLEAN == 4 && SS_RFW == 8);
}

/* The checksum is the XOR of the little-endian 16-bit words. */
static void
checksum(void)
{
	uint8_t b[6] = {0x01, 0x02, 0x10, 0x20, 0xff, 0x00};

	CHECK(lfs_cksum(b, 6) == (0x0201u ^ 0x2010u ^ 0x00ffu));
	CHECK(lfs_cksum(b, 5) == (0x0201u ^ 0x2010u));
	CHECK(lfs_cksum(b, 0) == 0);
}

static void
image(const char *path)
{
	struct dlfs sb;
	struct segsum ss;
	uint8_t *sum;
	FILE *f = fopen(path, "rb");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK(fseek(f, LFS_LABELPAD, SEEK_SET) == 0 &&
	    fread(&sb, sizeof(sb), 1, f) == 1);
	CHECK(sb.dlfs_magic == LFS_MAGIC && sb.dlfs_version == 2);
	CHECK(lfs_sb_cksum(&sb) == sb.dlfs_cksum);
	CHECK(sb.dlfs_sboffs[0] == (int32_t)(LFS_LABELPAD / sb.dlfs_fsize));
	CHECK(sb.dlfs_frag == sb.dlfs_bsize / sb.dlfs_fsize);
	CHECK(sb.dlfs_fsbpseg == sb.dlfs_ssize / sb.dlfs_fsize);
	CHECK(sb.dlfs_ifpb == sb.dlfs_bsize / 20 &&
	    sb.dlfs_sepb == sb.dlfs_bsize / 24 &&
	    sb.dlfs_nindir == sb.dlfs_bsize / 4);
	CHECK(sb.dlfs_inopb == sb.dlfs_ibsize / 128);
	CHECK((1u << sb.dlfs_bshift) == sb.dlfs_bsize &&
	    (1u << sb.dlfs_ffshift) == sb.dlfs_fsize &&
	    (1u << sb.dlfs_segshift) == sb.dlfs_ssize);
	CHECK(sb.dlfs_bmask == sb.dlfs_bsize - 1 &&
	    sb.dlfs_ffmask == sb.dlfs_fsize - 1);
	CHECK((uint64_t)sb.dlfs_nseg * sb.dlfs_fsbpseg <= sb.dlfs_size);
	CHECK(sb.dlfs_ifile == LFS_IFILE_INUM);
	CHECK(sb.dlfs_start == (int32_t)((LFS_LABELPAD + LFS_SBPAD) /
	                           sb.dlfs_fsize));
	/* the first partial segment, at the start of segment 0 */
	sum = malloc(sb.dlfs_sumsize);
	CHECK(sum != NULL && fseek(f, (long)sb.dlfs_start * sb.dlfs_fsize,
	                         SEEK_SET) == 0 &&
	    fread(sum, sb.dlfs_sumsize, 1, f) == 1);
	if (sum != NULL) {
		memcpy(&ss, sum, sizeof(ss));
		CHECK(ss.ss_magic == SS_MAGIC);
		CHECK(ss.ss_ident == sb.dlfs_ident);
		CHECK(lfs_cksum(sum + 4, sb.dlfs_sumsize - 4) == ss.ss_sumsum);
		CHECK(ss.ss_ninos >= 2 && ss.ss_nfinfo >= 2);
		free(sum);
	}
	fclose(f);
}

int
main(int argc, char **argv)
{
	layout();
	checksum();
	if (argc > 1)
		image(argv[1]);
	printf("lfs_layout_test: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
