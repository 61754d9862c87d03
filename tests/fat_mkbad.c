/*
 * fat_mkbad: make damaged copies of a FAT12/16/32 image for the fsck
 * corpus (tests/t_fsck_corpus.sh).
 *
 *   fat_mkbad GOOD.img OUTDIR
 *
 * GOOD.img holds, in its root directory, A.TXT (one cluster), B.TXT
 * (three clusters or more), a file with a long name and the directory D
 * holding C.TXT.  Writes OUTDIR/NAME.img for each kind of damage and
 * OUTDIR/list.txt with one NAME a line.  The image is parsed here just
 * enough to find what to break.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *img, *orig;
static size_t imglen;
static const char *outdir;
static FILE *list;

/* geometry */
static uint32_t bps, spc, rsvd, nfats, rootents, fatsz, maxclust;
static uint32_t rootclus, fsinfo, fatbits;
static uint64_t fatoff, rootoff, dataoff, csize;

static uint32_t
le(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static void
put(uint8_t *p, int n, uint32_t v)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *
at(uint64_t off, size_t len)
{
	if (off > imglen || len > imglen - off) {
		fprintf(stderr, "fat_mkbad: offset %llu out of the image\n",
		    (unsigned long long)off);
		exit(1);
	}
	return img + off;
}

static uint32_t
getfat(uint32_t cn)
{
	uint8_t *p;
	uint32_t v;

	switch (fatbits) {
	case 32:
		return le(at(fatoff + 4ull * cn, 4), 4) & 0x0fffffff;
	case 16:
		return le(at(fatoff + 2ull * cn, 2), 2);
	default:
		p = at(fatoff + cn + cn / 2, 2);
		v = le(p, 2);
		return (cn & 1) ? v >> 4 : v & 0xfff;
	}
}

/* Set entry cn in FAT copy `copy` (-1: all). */
static void
setfat(uint32_t cn, uint32_t val, int copy)
{
	uint32_t c, v;
	uint8_t *p;

	for (c = 0; c < nfats; c++) {
		if (copy >= 0 && (uint32_t)copy != c)
			continue;
		switch (fatbits) {
		case 32:
			p = at(fatoff + c * (uint64_t)fatsz * bps + 4ull * cn, 4);
			put(p, 4, (le(p, 4) & 0xf0000000) | (val & 0x0fffffff));
			break;
		case 16:
			p = at(fatoff + c * (uint64_t)fatsz * bps + 2ull * cn, 2);
			put(p, 2, val);
			break;
		default:
			p = at(fatoff + c * (uint64_t)fatsz * bps + cn + cn / 2,
			    2);
			v = le(p, 2);
			if (cn & 1)
				v = (v & 0x000f) | (val << 4);
			else
				v = (v & 0xf000) | (val & 0xfff);
			put(p, 2, v);
			break;
		}
	}
}

static uint32_t
eoc(void)
{
	return fatbits == 32 ? 0x0fffffff : fatbits == 16 ? 0xffff : 0xfff;
}

static uint64_t
clusoff(uint32_t cn)
{
	return dataoff + (uint64_t)(cn - 2) * csize;
}

static uint32_t
startclust(const uint8_t *de)
{
	return le(de + 26, 2) | (fatbits == 32 ? le(de + 20, 2) << 16 : 0);
}

static void
setstart(uint8_t *de, uint32_t cn)
{
	put(de + 26, 2, cn & 0xffff);
	if (fatbits == 32)
		put(de + 20, 2, cn >> 16);
}

/* The short entry name11 in the directory at off (nent entries). */
static uint8_t *
findent(uint64_t off, uint32_t nent, const char *name11)
{
	uint32_t i;
	uint8_t *de;

	for (i = 0; i < nent; i++) {
		de = at(off + 32ull * i, 32);
		if (de[0] == 0)
			break;
		if (de[11] != 0x0f && memcmp(de, name11, 11) == 0)
			return de;
	}
	fprintf(stderr, "fat_mkbad: no %.11s\n", name11);
	exit(1);
}

static uint8_t *
rootent(const char *name11)
{
	if (fatbits == 32)
		return findent(clusoff(rootclus), (uint32_t)(csize / 32),
		    name11);
	return findent(rootoff, rootents, name11);
}

/* Write the damaged image, then restore the good one. */
static void
emit(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.img", outdir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(img, 1, imglen, f) != imglen || fclose(f)) {
		perror(path);
		exit(1);
	}
	memcpy(img, orig, imglen);
	fprintf(list, "%s\n", name);
}

static uint32_t
freeclust(uint32_t after)
{
	uint32_t cn;

	for (cn = after; cn <= maxclust; cn++)
		if (getfat(cn) == 0)
			return cn;
	fprintf(stderr, "fat_mkbad: no free cluster\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	uint32_t totsec, datasec, a, b, b2, d, n, v;
	uint8_t *de, *ent;
	char path[4096];
	long len;
	FILE *f;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: fat_mkbad GOOD.img OUTDIR\n");
		return 2;
	}
	outdir = argv[2];
	f = fopen(argv[1], "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
		perror(argv[1]);
		return 1;
	}
	imglen = (size_t)len;
	img = malloc(imglen);
	orig = malloc(imglen);
	rewind(f);
	if (img == NULL || orig == NULL || fread(img, 1, imglen, f) != imglen) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	bps = le(at(11, 2), 2);
	spc = *at(13, 1);
	rsvd = le(at(14, 2), 2);
	nfats = *at(16, 1);
	rootents = le(at(17, 2), 2);
	totsec = le(at(19, 2), 2);
	if (totsec == 0)
		totsec = le(at(32, 4), 4);
	fatsz = le(at(22, 2), 2);
	if (fatsz == 0)
		fatsz = le(at(36, 4), 4);
	if (bps == 0 || spc == 0 || nfats == 0 || fatsz == 0) {
		fprintf(stderr, "fat_mkbad: not a FAT image\n");
		return 1;
	}
	csize = (uint64_t)bps * spc;
	fatoff = (uint64_t)rsvd * bps;
	rootoff = fatoff + (uint64_t)nfats * fatsz * bps;
	dataoff = rootoff + 32ull * rootents;
	datasec = totsec - (uint32_t)(dataoff / bps);
	maxclust = datasec / spc + 1;
	fatbits = maxclust < 4086 ? 12 : maxclust < 65526 ? 16 : 32;
	if (fatbits == 32) {
		rootclus = le(at(44, 4), 4);
		fsinfo = le(at(48, 2), 2);
	}
	memcpy(orig, img, imglen);
	snprintf(path, sizeof(path), "%s/list.txt", outdir);
	if ((list = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}

	a = startclust(rootent("A       TXT"));
	b = startclust(rootent("B       TXT"));
	b2 = getfat(b);
	d = startclust(rootent("D          "));

	emit("clean");
	/* the FAT copies differ: a free cluster in use in the second */
	if (nfats > 1) {
		setfat(freeclust(d + 10), eoc(), 1);
		emit("fat-copies-differ");
	}
	/* B's chain loops back to its start */
	for (n = b; getfat(n) >= 2 && getfat(n) < 0x0ffffff0 &&
	     getfat(n) <= maxclust;)
		n = getfat(n);
	setfat(n, b, -1);
	emit("chain-loop");
	setfat(b2, maxclust + 5, -1);
	emit("chain-past-end");
	setfat(b, freeclust(d + 10), -1);
	emit("chain-to-free");
	/* cross-linked: A starts inside B's chain */
	setstart(rootent("A       TXT"), b2);
	emit("cross-link");
	setfat(freeclust(d + 10), eoc(), -1);
	emit("lost-chain");
	put(rootent("A       TXT") + 28, 4, (uint32_t)(10 * csize));
	emit("size-too-big");
	put(rootent("B       TXT") + 28, 4, 1);
	emit("size-too-small");
	/* directory D: a broken entry, a wrong "..", a size */
	ent = findent(clusoff(d), (uint32_t)(csize / 32), "C       TXT");
	memcpy(ent, "C*?<>   T|T", 11);
	emit("dir-bad-name");
	ent = findent(clusoff(d), (uint32_t)(csize / 32), "C       TXT");
	for (i = 0; i < 32; i++)
		ent[i] = (uint8_t)(0x41 + i * 7);
	ent[11] = 0x20;
	emit("dir-entry-garbage");
	de = at(clusoff(d) + 32, 32);
	setstart(de, d);
	emit("dotdot-wrong");
	*at(clusoff(d), 1) = 0xe5;
	*at(clusoff(d) + 32, 1) = 0xe5;
	emit("dots-missing");
	put(rootent("D          ") + 28, 4, 1234);
	emit("dir-with-size");
	/* the long name loses its short entry (and its cluster) */
	de = rootent("LONGNA~1TXT");
	v = startclust(de);
	de[0] = 0xe5;
	setfat(v, 0, -1);
	emit("orphan-long-name");
	/* a broken entry past the end marker of the root (fsck.fat reads
	 * it) */
	{
		uint64_t off = fatbits == 32 ? clusoff(rootclus) : rootoff;
		uint32_t nent = fatbits == 32 ? (uint32_t)(csize / 32)
		                              : rootents;

		for (n = 0; n < nent && *at(off + 32ull * n, 1) != 0; n++)
			;
		if (n + 2 < nent) {
			de = at(off + 32ull * (n + 2), 32);
			memcpy(de, "GH*ST   TXT", 11);
			de[11] = 0x20;
			emit("entry-past-end");
		}
	}
	if (fatbits != 12) {
		v = getfat(1);
		setfat(1, v & ~(fatbits == 32 ? 0x08000000u : 0x8000u), -1);
		emit("dirty");
	}
	if (fatbits == 32 && fsinfo != 0) {
		uint8_t *p = at((uint64_t)fsinfo * bps + 488, 4);

		put(p, 4, le(p, 4) + 7);
		emit("fsinfo-free-count");
	}
	(void)a;
	fclose(list);
	return 0;
}
