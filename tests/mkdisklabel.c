/*
 * mkdisklabel: write a NetBSD disklabel (disklabel(5) layout) into a file,
 * for the partition tests; written from the documented layout, in either
 * byte order.
 *
 * usage: mkdisklabel [-B] [-s secsize] [-n npart] FILE BYTEOFF
 *            LETTER:START:SIZE:FSTYPE ...
 * START and SIZE are in sectors from the start of the disk; FSTYPE is the
 * numeric p_fstype (7 = 4.2BSD, 8 = MSDOS, 17 = Linux Ext2).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DL_MAGIC 0x82564557u

static int be;

static void
put32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static void
put16(unsigned char *p, unsigned v)
{
	p[be ? 1 : 0] = (unsigned char)v;
	p[be ? 0 : 1] = (unsigned char)(v >> 8);
}

static unsigned
get16(const unsigned char *p)
{
	return be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

int
main(int argc, char **argv)
{
	unsigned char l[148 + 16 * 22];
	unsigned secsize = 512, npart = 16, sum = 0, i;
	long long off;
	int ch, fd;

	while ((ch = getopt(argc, argv, "Bs:n:")) != -1) {
		switch (ch) {
		case 'B':
			be = 1;
			break;
		case 's':
			secsize = (unsigned)atoi(optarg);
			break;
		case 'n':
			npart = (unsigned)atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2 || npart < 1 || npart > 22) {
		fprintf(stderr,
		    "usage: mkdisklabel [-B] [-s secsize] "
		    "FILE BYTEOFF L:START:SIZE:TYPE ...\n");
		return 2;
	}
	memset(l, 0, sizeof(l));
	put32(l, DL_MAGIC);
	put16(l + 4, 1); /* d_type: a SCSI-ish disk */
	memcpy(l + 8, "ukfs-test", 9);
	put32(l + 40, secsize); /* d_secsize */
	put32(l + 44, 32);      /* d_nsectors */
	put32(l + 48, 64);      /* d_ntracks */
	put32(l + 52, 100);     /* d_ncylinders */
	put32(l + 56, 32 * 64); /* d_secpercyl */
	put32(l + 60, 32 * 64 * 100);
	put16(l + 72, 3600); /* d_rpm */
	put16(l + 74, 1);    /* d_interleave */
	put32(l + 132, DL_MAGIC);
	put16(l + 138, npart);
	put32(l + 140, 8192);  /* d_bbsize */
	put32(l + 144, 65536); /* d_sbsize */
	for (i = (unsigned)optind + 2; i < (unsigned)argc; i++) {
		char letter;
		unsigned long start, size;
		unsigned type;
		unsigned char *e;

		if (sscanf(argv[i], "%c:%lu:%lu:%u", &letter, &start, &size,
		        &type) != 4 ||
		    letter < 'a' || (unsigned)(letter - 'a') >= npart) {
			fprintf(
			    stderr, "mkdisklabel: bad partition %s\n", argv[i]);
			return 2;
		}
		e = l + 148 + 16 * (letter - 'a');
		put32(e, (uint32_t)size);
		put32(e + 4, (uint32_t)start);
		put32(e + 8, 1024);
		e[12] = (unsigned char)type;
		e[13] = 8;
	}
	for (i = 0; i < 148 + 16 * npart; i += 2)
		sum ^= get16(l + i);
	put16(l + 136, sum);
	off = atoll(argv[optind + 1]);
	fd = open(argv[optind], O_WRONLY);
	if (fd == -1 ||
	    pwrite(fd, l, 148 + 16 * npart, (off_t)off) !=
	        (ssize_t)(148 + 16 * npart)) {
		perror(argv[optind]);
		return 1;
	}
	close(fd);
	return 0;
}
