/*
 * Damage an LFS image in one precise way, keeping the checksums that
 * would otherwise give the damage away (for t_lfs_bad.sh):
 *
 *   lfs_mkbad IMAGE sb SLOT OFFSET VALUE   32-bit field of superblock SLOT
 *                                          (0: byte 8192, 1: the second)
 *   lfs_mkbad IMAGE ifile-ptr INDEX VALUE  the IFILE inode's pointer INDEX
 *                                          (0-11 direct, 12-14 indirect)
 *   lfs_mkbad IMAGE sum FRAG OFFSET        flip a byte of the summary at
 *                                          fragment address FRAG
 *   lfs_mkbad IMAGE info                   print slot serials, idaddr,
 *                                          the log position and sizes
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fs/lfs/lfs.h"

static FILE *img;

static void
rd(long off, void *buf, size_t n)
{
	if (fseek(img, off, SEEK_SET) != 0 || fread(buf, n, 1, img) != 1) {
		perror("read");
		exit(1);
	}
}

static void
wr(long off, const void *buf, size_t n)
{
	if (fseek(img, off, SEEK_SET) != 0 || fwrite(buf, n, 1, img) != 1) {
		perror("write");
		exit(1);
	}
}

static long
slot_off(const struct dlfs *sb0, int slot)
{
	return slot == 0 ? LFS_LABELPAD
	                 : (long)sb0->dlfs_sboffs[1] * (long)sb0->dlfs_fsize;
}

int
main(int argc, char **argv)
{
	struct dlfs sb0, sb;
	uint8_t blk[65536];
	uint32_t num, i;
	long off;

	if (argc < 3 || (img = fopen(argv[1], "r+b")) == NULL) {
		fprintf(stderr, "usage: lfs_mkbad IMAGE sb|ifile-ptr|sum|info "
		                "...\n");
		return 2;
	}
	rd(LFS_LABELPAD, &sb0, sizeof(sb0));
	if (strcmp(argv[2], "info") == 0) {
		rd(slot_off(&sb0, 1), &sb, sizeof(sb));
		printf("serial0 %llu serial1 %llu idaddr %d offset %d "
		       "fsize %u bsize %u ssize %u nseg %u\n",
		    (unsigned long long)sb0.dlfs_serial,
		    (unsigned long long)sb.dlfs_serial, sb0.dlfs_idaddr,
		    sb0.dlfs_offset, sb0.dlfs_fsize, sb0.dlfs_bsize,
		    sb0.dlfs_ssize, sb0.dlfs_nseg);
		return 0;
	}
	if (strcmp(argv[2], "sb") == 0 && argc == 6) {
		int32_t v = (int32_t)strtol(argv[5], NULL, 0);
		size_t fo = strtoul(argv[4], NULL, 0);

		off = slot_off(&sb0, atoi(argv[3]));
		rd(off, &sb, sizeof(sb));
		if (fo + 4 > offsetof(struct dlfs, dlfs_cksum))
			return 2;
		memcpy((uint8_t *)&sb + fo, &v, 4);
		sb.dlfs_cksum = lfs_sb_cksum(&sb);
		wr(off, &sb, sizeof(sb));
	} else if (strcmp(argv[2], "ifile-ptr") == 0 && argc == 5) {
		int idx = atoi(argv[3]);
		int32_t v = (int32_t)strtol(argv[4], NULL, 0);
		struct dlfs *s = &sb0;

		/* the newer checkpoint's IFILE inode */
		rd(slot_off(&sb0, 1), &sb, sizeof(sb));
		if (sb.dlfs_serial > sb0.dlfs_serial)
			s = &sb;
		off = (long)s->dlfs_idaddr * (long)s->dlfs_fsize;
		rd(off, blk, s->dlfs_ibsize);
		for (i = 0; i < s->dlfs_inopb; i++) {
			memcpy(&num, blk + i * 128 + 4, 4);
			if (num == LFS_IFILE_INUM)
				break;
		}
		if (i == s->dlfs_inopb || idx < 0 || idx > 14)
			return 1;
		memcpy(blk + i * 128 + 0x28 + 4 * idx, &v, 4);
		wr(off, blk, s->dlfs_ibsize);
	} else if (strcmp(argv[2], "sum") == 0 && argc == 5) {
		off = strtol(argv[3], NULL, 0) * (long)sb0.dlfs_fsize +
		    strtol(argv[4], NULL, 0);
		rd(off, blk, 1);
		blk[0] ^= 0x5a;
		wr(off, blk, 1);
	} else
		return 2;
	return fclose(img) == 0 ? 0 : 1;
}
