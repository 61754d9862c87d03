/*
 * cd9660_mkbad: make damaged copies of a small Rock Ridge image for the
 * cd9660 tests (tests/t_cd9660_read.sh).
 *
 *   cd9660_mkbad GOOD.iso OUTDIR        (image of the tree described in
 *                                        t_cd9660_read.sh: f, l -> a/b/c,
 *                                        d/e/, z (zisofs) ...)
 *
 * Writes OUTDIR/NAME.iso for each kind of damage, and OUTDIR/list.txt
 * with "NAME<TAB>what a reader must do" (mount: the mount fails; error:
 * some access fails with an error; any: anything but a crash or a hang).
 * The image is parsed here just enough to find what to break.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 2048

static uint8_t *img;
static size_t imglen;

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put733(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

/* The system use area of the record at off. */
static uint8_t *
su_of(size_t off, size_t *len)
{
	uint8_t *r = img + off;
	size_t nl = r[32], s = 33 + nl + (nl % 2 == 0);

	*len = r[0] > s ? r[0] - s : 0;
	return r + s;
}

/* A SUSP entry with signature sig in the record at off, or NULL. */
static uint8_t *
su_find(size_t off, const char *sig)
{
	size_t len, pos;
	uint8_t *su = su_of(off, &len);

	for (pos = 0; pos + 4 <= len && su[pos + 2] >= 4; pos += su[pos + 2])
		if (su[pos] == (uint8_t)sig[0] &&
		    su[pos + 1] == (uint8_t)sig[1])
			return su + pos;
	return NULL;
}

/* The record named name (Rock Ridge NM) in the directory at lba. */
static size_t
find(uint32_t lba, const char *name)
{
	size_t off = (size_t)lba * SEC, end = off + le32(img + off + 10);
	uint8_t *nm;

	while (off < end) {
		if (img[off] == 0) {
			off = (off / SEC + 1) * SEC;
			continue;
		}
		nm = su_find(off, "NM");
		if (nm != NULL && nm[2] - 5 == (int)strlen(name) &&
		    memcmp(nm + 5, name, strlen(name)) == 0)
			return off;
		off += img[off];
	}
	fprintf(stderr, "cd9660_mkbad: %s not found\n", name);
	exit(2);
}

static FILE *list;
static const char *outdir;

static void
emit(const char *name, const char *expect, const uint8_t *data)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.iso", outdir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, imglen, f) != imglen || fclose(f) != 0) {
		fprintf(
		    stderr, "cd9660_mkbad: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fprintf(list, "%s\t%s\n", name, expect);
}

/* Copy the good image, let fn damage it, write it. */
#define BAD(name, expect, code)                                                \
	do {                                                                   \
		uint8_t *good = img;                                           \
		img = malloc(imglen);                                          \
		memcpy(img, good, imglen);                                     \
		code;                                                          \
		emit(name, expect, img);                                       \
		free(img);                                                     \
		img = good;                                                    \
	} while (0)

int
main(int argc, char **argv)
{
	uint32_t root, dlba, elba;
	size_t f, l, d, e, z, dot, len;
	uint8_t *p, *su;
	char path[4096];
	FILE *in;

	if (argc != 3) {
		fprintf(stderr, "usage: cd9660_mkbad GOOD.iso OUTDIR\n");
		return 2;
	}
	outdir = argv[2];
	if ((in = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	fseek(in, 0, SEEK_END);
	imglen = (size_t)ftell(in);
	rewind(in);
	img = malloc(imglen);
	if (fread(img, 1, imglen, in) != imglen)
		return 2;
	fclose(in);
	snprintf(path, sizeof(path), "%s/list.txt", outdir);
	if ((list = fopen(path, "w")) == NULL) {
		perror(path);
		return 2;
	}
	root = le32(img + 16 * SEC + 156 + 2);
	dot = (size_t)root * SEC;
	f = find(root, "f");
	l = find(root, "l");
	d = find(root, "d");
	z = find(root, "z");
	dlba = le32(img + d + 2);
	e = find(dlba, "e");
	elba = le32(img + e + 2);

	BAD("no-pvd", "mount", memcpy(img + 16 * SEC + 1, "XXXXX", 5));
	BAD("pvd-halves", "mount", img[16 * SEC + 80 + 4] ^= 0x55);
	BAD("pvd-blocksize", "mount", img[16 * SEC + 129] = 2;
	    img[16 * SEC + 130] = 2);
	BAD("root-past-end", "mount",
	    put733(img + 16 * SEC + 156 + 2, 0x7fffff00));
	BAD("file-past-end", "error", put733(img + f + 2, 0x7fffff00));
	BAD("file-size-huge", "error", put733(img + f + 10, 0xfffff800));
	BAD("reclen-short", "error", img[f] = 5);
	BAD("dirsize-huge", "error",
	    put733(img + (size_t)dlba * SEC + 10, 0x7ffff800));
	BAD("extent-halves", "error", img[f + 2 + 4] ^= 0x40);
	/* SUSP entry lengths */
	BAD("susp-len-past-area", "error", p = su_find(f, "PX"); p[2] = 250);
	BAD("susp-len-short", "error", p = su_find(f, "PX"); p[2] = 2);
	BAD("sl-comp-len", "error", p = su_find(l, "SL"); p[6] = 200);
	/* continuation areas */
	BAD("ce-loop", "mount", p = su_find(dot, "CE"); su = su_of(dot, &len);
	    put733(p + 4, root);
	    put733(p + 12, (uint32_t)(su - img - (size_t)root * SEC));
	    put733(p + 20, (uint32_t)len));
	BAD("ce-outside", "mount", p = su_find(dot, "CE");
	    put733(p + 4, 0x7ffffff0));
	BAD("ce-huge", "mount", p = su_find(dot, "CE");
	    put733(p + 20, 0x7ffffff0));
	/* directory loops */
	BAD("dir-is-root", "error", put733(img + e + 2, root));
	BAD("dir-is-self", "error", put733(img + e + 2, dlba));
	BAD("cl-to-root", "error", p = su_find(e, "PX"); len = p[2]; p[0] = 'C';
	    p[1] = 'L'; p[2] = 12; put733(p + 4, root);
	    memset(p + 12, 0, len - 12); p[12] = 'P'; p[13] = 'D';
	    p[14] = (uint8_t)(len - 12); p[15] = 1; (void)elba);
	/* zisofs */
	BAD("zisofs-garbage", "error",
	    p = img + (size_t)le32(img + z + 2) * SEC;
	    memset(p + le32(p + 16) + 2, 0x5a, 100));
	BAD("zisofs-pointers", "error",
	    p = img + (size_t)le32(img + z + 2) * SEC;
	    p[16 + 4] = 0xff; p[16 + 5] = 0xff; p[16 + 6] = 0xff);
	BAD("zisofs-header", "error", p = img + (size_t)le32(img + z + 2) * SEC;
	    p[0] ^= 0xff);
	imglen = (size_t)root * SEC + SEC; /* last: it changes imglen */
	emit("truncated", "any", img);
	fclose(list);
	return 0;
}
