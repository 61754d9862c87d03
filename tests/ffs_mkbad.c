/*
 * ffs_mkbad: make damaged copies of a small little-endian UFS1 or UFS2
 * image for the ffs tests (tests/t_ffs_bad.sh).
 *
 *   ffs_mkbad GOOD.img OUTDIR
 *
 * GOOD.img holds (made by makefs from the tree t_ffs_bad.sh describes)
 * /small (a few KiB), /big (several hundred KiB: indirect blocks), /d (a
 * directory holding /d/x) and /slow (a symlink too long for the inode).
 * Writes OUTDIR/NAME.img for each kind of damage and OUTDIR/list.txt
 * with "NAME<TAB>what a reader must do": mount (the mount fails), error
 * (some access fails with an error) or any (anything but a crash or a
 * hang).  The image is parsed here just enough to find what to break.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *img;
static size_t imglen;
static const char *outdir;
static FILE *list;

/* the geometry of GOOD.img */
static uint64_t sbloc, fsize, bsize, fpg, ipg, iblkno, cblkno, fssize;
static int ufs2;

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
put32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t *
at(uint64_t off, size_t len)
{
	if (off > imglen || len > imglen - off) {
		fprintf(stderr, "ffs_mkbad: offset %llu out of the image\n",
		    (unsigned long long)off);
		exit(1);
	}
	return img + off;
}

static uint8_t *
inode(uint64_t ino)
{
	uint64_t cg = ino / ipg, idx = ino % ipg, dsize = ufs2 ? 256 : 128;

	return at((cg * fpg + iblkno) * fsize + idx * dsize, dsize);
}

/* Fragment address of pointer slot i (0-11 direct, 12.. indirect). */
static uint64_t
ptr(const uint8_t *di, int i)
{
	return ufs2 ? le64(di + 0x70 + 8 * i) : le32(di + 0x28 + 4 * i);
}

static void
setptr(uint8_t *di, int i, uint64_t v)
{
	if (ufs2)
		put64(di + 0x70 + 8 * i, v);
	else
		put32(di + 0x28 + 4 * i, (uint32_t)v);
}

/* Offset of the entry `name` in the root directory's first block. */
static uint64_t
rootentry(const char *name, uint64_t *ino)
{
	uint64_t blk = ptr(inode(2), 0) * fsize, pos = 0;
	const uint8_t *d;

	while (pos < 512) {
		d = at(blk + pos, 8);
		if (le32(d) != 0 && d[7] == strlen(name) &&
		    memcmp(d + 8, name, strlen(name)) == 0) {
			*ino = le32(d);
			return blk + pos;
		}
		if ((d[4] | d[5] << 8) == 0)
			break;
		pos += (uint64_t)(d[4] | d[5] << 8);
	}
	fprintf(stderr, "ffs_mkbad: no /%s in the image\n", name);
	exit(1);
}

/* Write the image with the damage applied, then undo it. */
static void
emit(const char *name, const char *expect, uint64_t off, const void *bytes,
    size_t len)
{
	uint8_t *save = malloc(len);
	char path[4096];
	FILE *f;

	memcpy(save, at(off, len), len);
	memcpy(img + off, bytes, len);
	snprintf(path, sizeof(path), "%s/%s.img", outdir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(img, 1, imglen, f) != imglen || fclose(f)) {
		perror(path);
		exit(1);
	}
	memcpy(img + off, save, len);
	free(save);
	fprintf(list, "%s\t%s\n", name, expect);
}

static void
emit32(const char *name, const char *expect, uint64_t off, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	emit(name, expect, off, b, 4);
}

static void
emitptr(
    const char *name, const char *expect, uint64_t ino, int slot, uint64_t v)
{
	uint8_t *di = inode(ino), copy[256];
	size_t dsize = ufs2 ? 256 : 128;

	memcpy(copy, di, dsize);
	setptr(copy, slot, v);
	emit(name, expect, (uint64_t)(di - img), copy, dsize);
}

int
main(int argc, char **argv)
{
	uint64_t sb, cg0, ino_small, ino_big, ino_d, ino_slow, ent, ind;
	uint8_t zero[8192];
	char path[4096];
	FILE *f;
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: ffs_mkbad GOOD.img OUTDIR\n");
		return 2;
	}
	outdir = argv[2];
	f = fopen(argv[1], "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(argv[1]);
		return 1;
	}
	imglen = (size_t)n;
	img = malloc(imglen);
	rewind(f);
	if (fread(img, 1, imglen, f) != imglen) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	for (sbloc = 8192;; sbloc = 65536) {
		if (le32(at(sbloc + 0x55c, 4)) == 0x011954 ||
		    le32(at(sbloc + 0x55c, 4)) == 0x19540119)
			break;
		if (sbloc == 65536) {
			fprintf(stderr, "ffs_mkbad: no little-endian ffs\n");
			return 1;
		}
	}
	sb = sbloc;
	ufs2 = le32(at(sb + 0x55c, 4)) == 0x19540119;
	cblkno = le32(at(sb + 0x0c, 4));
	iblkno = le32(at(sb + 0x10, 4));
	bsize = le32(at(sb + 0x30, 4));
	fsize = le32(at(sb + 0x34, 4));
	ipg = le32(at(sb + 0xb8, 4));
	fpg = le32(at(sb + 0xbc, 4));
	fssize = le64(at(sb + 0x438, 8));
	cg0 = cblkno * fsize;
	rootentry("small", &ino_small);
	rootentry("big", &ino_big);
	rootentry("d", &ino_d);
	rootentry("slow", &ino_slow);
	snprintf(path, sizeof(path), "%s/list.txt", outdir);
	if ((list = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	memset(zero, 0, sizeof(zero));

	/* the superblock */
	emit("zero-super", "mount", sb, zero, sizeof(zero));
	emit32("bad-magic", "mount", sb + 0x55c, 0x12345678);
	emit32("bad-bsize", "mount", sb + 0x30, 12345);
	emit32("bad-fsize", "mount", sb + 0x34, 3000);
	emit32("bad-frag", "mount", sb + 0x38, 16);
	emit32("huge-ncg", "mount", sb + 0x2c, 0x7fffffff);
	emit32("zero-fpg", "mount", sb + 0xbc, 0);
	emit32("huge-ipg", "mount", sb + 0xb8, 0x40000000);
	emit32("bad-iblkno", "mount", sb + 0x10, 0x7ffffff0);
	{
		uint8_t b[8];
		put64(b, fssize * 1000);
		emit("huge-size", "mount", sb + 0x438, b, 8);
		put64(b, fssize + 50);
		emit("csaddr-out", "mount", sb + 0x448, b, 8);
	}
	/* the root inode */
	{
		uint8_t *di = inode(2), b[2];
		b[0] = 0xa4;
		b[1] = 0x81; /* regular file, 0644 */
		emit("root-not-dir", "mount", (uint64_t)(di - img), b, 2);
		b[0] = b[1] = 0;
		emit("root-free", "mount", (uint64_t)(di - img), b, 2);
	}
	/* cylinder group 0 */
	emit32("cg-magic", "any", cg0 + 4, 0x11111111);
	emit32("cg-number", "any", cg0 + 0x0c, 77);
	emit32("cg-ndblk", "any", cg0 + 0x14, 0x7fffffff);
	emit32("cg-freeoff", "any", cg0 + 0x60, 0x7ffffff0);
	emit32("cg-iusedoff", "any", cg0 + 0x5c, 0xfffffff0);
	emit32("cg-nbfree", "any", cg0 + 0x1c, 0x7fffffff);
	/* block pointers of files */
	emitptr("blk-past-end", "error", ino_small, 0, fssize + 1000);
	emitptr("blk-negative", "error", ino_small, 0,
	    ufs2 ? (uint64_t)-8 : 0xfffffff8);
	emitptr("frag-cross", "error", ino_small, 0,
	    (ptr(inode(ino_small), 0) | (bsize / fsize - 1)));
	emitptr("ind-past-end", "error", ino_big, 12, fssize + 64);
	emitptr(
	    "ind-unaligned", "error", ino_big, 12, ptr(inode(ino_big), 12) + 1);
	/* an indirect block whose first pointer is itself */
	ind = ptr(inode(ino_big), 12);
	if (ufs2) {
		uint8_t b[8];
		put64(b, ind);
		emit("indirect-cycle", "any", ind * fsize, b, 8);
	} else
		emit32("indirect-cycle", "any", ind * fsize, (uint32_t)ind);
	emitptr("dind-self", "any", ino_big, 13, ind);
	/* directory entries */
	ent = rootentry("small", &ino_small);
	{
		uint8_t b[2] = {0, 0};
		emit("dir-reclen-zero", "error", ent + 4, b, 2);
		b[0] = 0x02;
		b[1] = 0x04; /* 1026: past the chunk */
		emit("dir-reclen-big", "error", ent + 4, b, 2);
		b[0] = 0x0b;
		b[1] = 0x00; /* not a multiple of 4 */
		emit("dir-reclen-odd", "error", ent + 4, b, 2);
		b[0] = 0xff;
		emit("dir-namlen", "error", ent + 7, b, 1);
	}
	emit32("dir-ino-range", "error", ent, 0x7ffffff0);
	emit32("dir-ino-free", "error", ent, (uint32_t)(ipg - 1));
	/* a second "d" in the root, where "slow" was */
	{
		uint64_t e2 = rootentry("slow", &ino_slow);
		uint8_t b[4] = {0, 1, 'd', 0};
		emit("dir-dup-name", "any", e2 + 6, b, 4);
	}
	/* /d/.. names /d: a directory loop */
	{
		uint64_t dblk = ptr(inode(ino_d), 0) * fsize;
		emit32("dir-loop", "any", dblk + 12, (uint32_t)ino_d);
		emit32("dir-dot-wrong", "any", dblk, 2);
	}
	/* inode fields */
	{
		uint8_t *di = inode(ino_slow), b[8];
		put64(b, (uint64_t)1 << 40);
		emit("slow-link-huge", "error",
		    (uint64_t)(di - img) + (ufs2 ? 0x10 : 0x08), b, 8);
		di = inode(ino_small);
		put64(b, UINT64_MAX / 2);
		emit("size-huge", "error",
		    (uint64_t)(di - img) + (ufs2 ? 0x10 : 0x08), b, 8);
		b[0] = 0x00;
		b[1] = 0xf0; /* unknown file type */
		emit("bad-type", "error", (uint64_t)(di - img), b, 2);
		b[0] = 0xff;
		b[1] = 0xff; /* link count -1 */
		emit("nlink-negative", "error", (uint64_t)(di - img) + 2, b, 2);
	}
	/* what an offline check must repair (t_ffs_bad.sh, fsck -y) */
	{
		uint64_t ioff = le32(at(cg0 + 0x5c, 4));
		uint64_t foff = le32(at(cg0 + 0x60, 4));
		uint64_t f0 = ptr(inode(ino_small), 0);
		uint8_t *p, b[1024];
		size_t dsize = ufs2 ? 256 : 128;

		/* inode map: /small's bit off; fragment map: its first
		 * fragment marked free */
		p = at(cg0 + ioff + ino_small / 8, 1);
		b[0] = (uint8_t)(*p ^ (1u << (ino_small % 8)));
		emit("imap-flip", "any", (uint64_t)(p - img), b, 1);
		p = at(cg0 + foff + f0 / 8, 1);
		b[0] = (uint8_t)(*p ^ (1u << (f0 % 8)));
		emit("fmap-flip", "any", (uint64_t)(p - img), b, 1);
		memset(b, 0, sizeof(b));
		emit("zero-inode", "any", (uint64_t)(inode(ino_small) - img), b,
		    dsize);
		emitptr("cross-link", "any", ino_small, 0,
		    ptr(inode(ino_big), 0));
		b[0] = 5;
		b[1] = 0;
		emit("nlink-wrong", "any", (uint64_t)(inode(ino_small) - img) + 2,
		    b, 2);
		emit32("orphan", "any", ent, 0);
		memset(b, 0xa5, 512);
		emit("dir-garbage", "any", ptr(inode(ino_d), 0) * fsize, b,
		    512);
	}
	/* a short image */
	snprintf(path, sizeof(path), "%s/truncated.img", outdir);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(img, 1, imglen / 2, f) != imglen / 2 ||
	    fclose(f)) {
		perror(path);
		return 1;
	}
	fprintf(list, "truncated\tmount\n");
	fclose(list);
	return 0;
}
