/*
 * The volume label of a file system, read from its superblock (or boot
 * sector, or volume descriptor) in the image file, without the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ukfs_img.h"
#include "ukfs_int.h"

#define UFS2_MAGIC 0x19540119

static int
rd(struct ukfs_himg *fd, uint64_t off, void *buf, size_t len)
{
	return ukfs_himg_read(fd, off, buf, len);
}

/* Copy a fixed-size field, stopping at NUL and dropping trailing blanks. */
static void
field(char *out, size_t len, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)p[i];
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

static int
label_ext2fs(struct ukfs_himg *fd, uint64_t base, char *buf, size_t len)
{
	unsigned char name[16];

	if (rd(fd, base + 1024 + 120, name, sizeof(name)) == -1)
		return -1;
	field(buf, len, name, sizeof(name));
	return 0;
}

/* The label in the boot sector's extended BPB (FAT12/16 or FAT32). */
static int
label_msdos(struct ukfs_himg *fd, uint64_t base, char *buf, size_t len)
{
	unsigned char bs[512];
	size_t sig;

	if (rd(fd, base, bs, sizeof(bs)) == -1)
		return -1;
	sig = (bs[22] | bs[23] << 8) == 0 ? 0x42 : 0x26;
	if (bs[sig] != 0x29)
		return 0;
	field(buf, len, bs + sig + 5, 11);
	if (strcmp(buf, "NO NAME") == 0)
		buf[0] = '\0';
	return 0;
}

static int
label_cd9660(struct ukfs_himg *fd, uint64_t base, char *buf, size_t len)
{
	unsigned char id[32];

	if (rd(fd, base + 32768 + 40, id, sizeof(id)) == -1)
		return -1;
	field(buf, len, id, sizeof(id));
	return 0;
}

/* UFS2 keeps fs_volname at 680 in the superblock; UFS1 has no label. */
static int
label_ffs(struct ukfs_himg *fd, uint64_t base, char *buf, size_t len)
{
	static const uint64_t where[] = {65536, 8192};
	unsigned char m[4], name[32];
	uint32_t le, be;
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if (rd(fd, base + where[i] + 1372, m, 4) == -1)
			continue;
		le = (uint32_t)m[0] | (uint32_t)m[1] << 8 |
		    (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
		be = (uint32_t)m[3] | (uint32_t)m[2] << 8 |
		    (uint32_t)m[1] << 16 | (uint32_t)m[0] << 24;
		if (le != UFS2_MAGIC && be != UFS2_MAGIC)
			continue;
		if (rd(fd, base + where[i] + 680, name, sizeof(name)) == -1)
			return -1;
		field(buf, len, name, sizeof(name));
		return 0;
	}
	return 0;
}

int
ukfs_label(const char *image, uint64_t offset, const char *fstype, char *buf,
    size_t len)
{
	const char *type;
	struct ukfs_himg *fd;
	struct ukfs_where w;
	int rv = 0;

	ukfs_clearerr();
	if (image == NULL || buf == NULL || len == 0) {
		ukfs_seterr(EINVAL, "ukfs_label: bad arguments");
		return -1;
	}
	buf[0] = '\0';
	type = ukfs_canon_fstype(fstype);
	if (type == NULL)
		return 0;
	if (ukfs_where(image, offset, 0, &w) == -1)
		return -1;
	offset = w.offset;
	rv = ukfs_himg_open(w.host, &fd);
	ukfs_where_free(&w);
	if (rv == -1)
		return -1;
	if (strcmp(type, "ext2fs") == 0)
		rv = label_ext2fs(fd, offset, buf, len);
	else if (strcmp(type, "msdos") == 0)
		rv = label_msdos(fd, offset, buf, len);
	else if (strcmp(type, "cd9660") == 0)
		rv = label_cd9660(fd, offset, buf, len);
	else if (strcmp(type, "ffs") == 0)
		rv = label_ffs(fd, offset, buf, len);
	ukfs_himg_close(fd);
	if (rv == -1) {
		buf[0] = '\0';
		ukfs_seterr(EIO, "%s: cannot read the label", image);
	}
	return rv;
}
