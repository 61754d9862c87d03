/*
 * newfs: make an empty FAT file system on a whole device.
 *
 * Options ("name=value,..."; the second spellings are newfs_msdos's):
 *   fat, fat_type		12, 16 or 32 (default: by size, as mkfs.fat)
 *   spc, sectors_per_cluster	a power of two, 1..128
 *   label, volume_label	up to 11 characters of the code page
 *   sectorsize, bytes_per_sector  512, 1024, 2048 or 4096
 *   nfats, num_FAT		1 or 2
 *   rootents, root_entries	root directory entries of FAT12/16
 *   volid, volume_id		the serial number (hex)
 *   codepage			of the label: 437 (default) or 850
 *
 * The defaults follow mkfs.fat: FAT32 from 512 MiB, else FAT12 while the
 * clusters fit, else FAT16; 2 KiB clusters for FAT12/16 (more as the size
 * needs), 512 B to 32 KiB for FAT32 by size; the data area aligned to
 * the cluster size.  Everything is written straight to the device.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

#define NF_ZEROCHUNK (64 * 1024)

struct nfopts {
	unsigned fat; /* 0: choose */
	unsigned spc; /* 0: choose */
	unsigned bps;
	unsigned nfats;
	unsigned rootents; /* 0: choose */
	uint32_t volid;
	bool volid_set;
	int codepage;
	char label[64];
	bool label_set;
};

/* The geometry chosen. */
struct nfgeom {
	unsigned fatbits;
	uint32_t bps, spc, rsvd, nfats, rootents, rootsecs, fatsz;
	uint64_t totsecs;
	uint32_t nclust;
	uint8_t media;
};

static int
nf_num(const char *v, unsigned base, uint32_t *out)
{
	uint64_t n = 0;
	unsigned d;

	if (v == NULL || *v == '\0')
		return EINVAL;
	if (base == 16 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	for (; *v != '\0'; v++) {
		if (*v >= '0' && *v <= '9')
			d = (unsigned)(*v - '0');
		else if (base == 16 && *v >= 'a' && *v <= 'f')
			d = (unsigned)(*v - 'a' + 10);
		else if (base == 16 && *v >= 'A' && *v <= 'F')
			d = (unsigned)(*v - 'A' + 10);
		else
			return EINVAL;
		n = n * base + d;
		if (n > UINT32_MAX)
			return EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

static int
nf_option(void *arg, const char *name, const char *value)
{
	struct nfopts *o = arg;
	uint32_t v = 0;
	int error = 0;

	if (strcmp(name, "fat") == 0 || strcmp(name, "fat_type") == 0) {
		error = nf_num(value, 10, &v);
		if (error == 0 && v != 12 && v != 16 && v != 32)
			error = EINVAL;
		o->fat = v;
	} else if (strcmp(name, "spc") == 0 ||
	    strcmp(name, "sectors_per_cluster") == 0) {
		error = nf_num(value, 10, &v);
		if (error == 0 && (v == 0 || v > 128 || !powerof2(v)))
			error = EINVAL;
		o->spc = v;
	} else if (strcmp(name, "sectorsize") == 0 ||
	    strcmp(name, "bytes_per_sector") == 0) {
		error = nf_num(value, 10, &v);
		if (error == 0 && (v < 512 || v > 4096 || !powerof2(v)))
			error = EINVAL;
		o->bps = v;
	} else if (strcmp(name, "nfats") == 0 || strcmp(name, "num_FAT") == 0) {
		error = nf_num(value, 10, &v);
		if (error == 0 && (v < 1 || v > 2))
			error = EINVAL;
		o->nfats = v;
	} else if (strcmp(name, "rootents") == 0 ||
	    strcmp(name, "root_entries") == 0) {
		error = nf_num(value, 10, &v);
		if (error == 0 && (v == 0 || v > 65535 - 15))
			error = EINVAL;
		o->rootents = v;
	} else if (strcmp(name, "volid") == 0 ||
	    strcmp(name, "volume_id") == 0) {
		error = nf_num(value, 16, &o->volid);
		o->volid_set = true;
	} else if (strcmp(name, "label") == 0 ||
	    strcmp(name, "volume_label") == 0) {
		if (value == NULL || strlen(value) >= sizeof(o->label))
			error = EINVAL;
		else {
			memcpy(o->label, value, strlen(value) + 1);
			o->label_set = true;
		}
	} else if (strcmp(name, "codepage") == 0) {
		error = msdosfs_parse_codepage(value, &o->codepage);
	} else {
		kprintf("msdos newfs: unknown option \"%s\"\n", name);
		return EINVAL;
	}
	if (error != 0)
		kprintf("msdos newfs: bad value for %s: \"%s\"\n", name,
		    value != NULL ? value : "");
	return error;
}

/* The label in the code page, upper case, blank padded. */
static int
nf_label(const struct nfopts *o, uint8_t lab[11])
{
	uint16_t u[64];
	size_t n, i;
	int c;

	memset(lab, ' ', 11);
	if (!o->label_set)
		return 0;
	if (msdosfs_utf8_to_utf16(o->label, strlen(o->label), u, 64, &n) != 0 ||
	    n > 11) {
		kprintf("msdos newfs: label \"%s\" is longer than 11 "
		        "characters or not UTF-8\n",
		    o->label);
		return EINVAL;
	}
	for (i = 0; i < n; i++) {
		c = msdosfs_uni2oem(o->codepage, msdosfs_upcase(u[i]));
		if (c < 0x20 || strchr("\"*+,./:;<=>?[\\]|", c) != NULL) {
			kprintf("msdos newfs: label \"%s\": character %zu "
			        "cannot be in a label\n",
			    o->label, i + 1);
			return EINVAL;
		}
		lab[i] = (uint8_t)c;
	}
	return 0;
}

/* Sectors per FAT for the clusters that fit around it (a bound). */
static uint32_t
nf_fatsz(const struct nfgeom *g)
{
	uint64_t avail = g->totsecs - g->rsvd - g->rootsecs, ncl, bytes;

	ncl = avail / g->spc;
	bytes = ((ncl + 2) * g->fatbits + 7) / 8;
	return (uint32_t)((bytes + g->bps - 1) / g->bps);
}

/* Reserved sectors, FAT size and cluster count for g's type and spc. */
static void
nf_layout(struct nfgeom *g)
{
	uint64_t meta, data;

	g->rsvd = g->fatbits == 32 ? 32 : 1;
	g->rootsecs = (g->rootents * DIRENT_SIZE + g->bps - 1) / g->bps;
	g->fatsz = nf_fatsz(g);
	/* Align the data area on a cluster, as mkfs.fat does. */
	meta = g->rsvd + (uint64_t)g->nfats * g->fatsz + g->rootsecs;
	if (meta % g->spc != 0)
		g->rsvd += (uint32_t)(g->spc - meta % g->spc);
	meta = g->rsvd + (uint64_t)g->nfats * g->fatsz + g->rootsecs;
	data = g->totsecs > meta ? g->totsecs - meta : 0;
	g->nclust = (uint32_t)MIN(data / g->spc, (uint64_t)UINT32_MAX);
}

static bool
nf_count_ok(const struct nfgeom *g)
{
	switch (g->fatbits) {
	case 12:
		return g->nclust >= 1 && g->nclust <= FAT12_MAXCLUSTERS;
	case 16:
		return g->nclust > FAT12_MAXCLUSTERS &&
		    g->nclust <= FAT16_MAXCLUSTERS;
	default:
		/* mkfs.fat makes small FAT32 too; readers go by the BPB */
		return g->nclust >= 1 && g->nclust <= FAT32_MAXCLUSTERS;
	}
}

/* FAT32 cluster sizes by volume size, as Microsoft's format and mkfs.fat. */
static unsigned
nf_fat32_spc(uint64_t bytes, unsigned bps)
{
	uint64_t csize;

	if (bytes <= (uint64_t)260 << 20)
		csize = 512;
	else if (bytes <= (uint64_t)8 << 30)
		csize = 4096;
	else if (bytes <= (uint64_t)16 << 30)
		csize = 8192;
	else if (bytes <= (uint64_t)32 << 30)
		csize = 16384;
	else
		csize = 32768;
	return csize <= bps ? 1 : (unsigned)(csize / bps);
}

static int
nf_geometry(const struct nfopts *o, uint64_t devsize, struct nfgeom *g)
{
	unsigned spc;

	memset(g, 0, sizeof(*g));
	g->bps = o->bps;
	g->nfats = o->nfats;
	g->media = 0xf8;
	g->totsecs = MIN(devsize / g->bps, (uint64_t)UINT32_MAX);
	if (g->totsecs < 64) {
		kprintf("msdos newfs: device too small (%llu bytes)\n",
		    (unsigned long long)devsize);
		return EINVAL;
	}
	g->fatbits = o->fat;
	if (g->fatbits == 0)
		g->fatbits = devsize >= (uint64_t)512 << 20 ? 32 : 12;
	g->rootents = g->fatbits == 32 ? 0 : (o->rootents ? o->rootents : 512);
	/* whole sectors of entries */
	g->rootents = (uint32_t)roundup(g->rootents, g->bps / DIRENT_SIZE);
	if (o->spc != 0) {
		g->spc = o->spc;
		nf_layout(g);
		if (o->fat == 0 && g->fatbits == 12 && !nf_count_ok(g)) {
			g->fatbits = 16;
			nf_layout(g);
		}
		if (!nf_count_ok(g))
			goto bad;
		return 0;
	}
	if (g->fatbits == 32) {
		g->spc = nf_fat32_spc(devsize, g->bps);
		nf_layout(g);
		return nf_count_ok(g) ? 0 : EINVAL;
	}
	/* FAT12/16: 2 KiB clusters, more while there are too many. */
	spc = g->bps >= 2048 ? 1 : 2048 / g->bps;
	for (;;) {
		g->spc = spc;
		nf_layout(g);
		if (g->fatbits == 12 && o->fat == 0 &&
		    g->nclust > FAT12_MAXCLUSTERS) {
			g->fatbits = 16;
			continue;
		}
		if (g->nclust > (g->fatbits == 12 ? FAT12_MAXCLUSTERS
		                                  : FAT16_MAXCLUSTERS) &&
		    spc < 128) {
			spc *= 2;
			continue;
		}
		break;
	}
	/* FAT16 needs enough clusters: smaller ones on a small device */
	while (
	    g->fatbits == 16 && g->nclust <= FAT12_MAXCLUSTERS && g->spc > 1) {
		g->spc /= 2;
		nf_layout(g);
	}
	if (nf_count_ok(g))
		return 0;
bad:
	kprintf("msdos newfs: %llu bytes cannot hold FAT%u with %u-byte "
	        "clusters (%u clusters)\n",
	    (unsigned long long)devsize, g->fatbits, g->spc * g->bps,
	    g->nclust);
	return EINVAL;
}

/* Write len bytes at byte offset off of the device, past the cache. */
static int
nf_write(struct vnode *devvp, uint64_t off, const void *data, size_t len)
{
	struct buf buf;
	int error;

	memset(&buf, 0, sizeof(buf));
	buf.b_flags = B_BUSY;
	buf.b_data = (void *)(uintptr_t)data;
	buf.b_bcount = buf.b_bufsize = len;
	buf.b_blkno = buf.b_lblkno = (daddr_t)(off >> DEV_BSHIFT);
	buf.b_vp = devvp;
	VOP_STRATEGY(devvp, &buf);
	error = biowait(&buf);
	if (error == 0 && buf.b_resid != 0)
		error = EIO;
	return error;
}

static int
nf_zero(struct vnode *devvp, uint64_t off, uint64_t len, const uint8_t *zero)
{
	size_t n;
	int error;

	while (len > 0) {
		n = (size_t)MIN(len, (uint64_t)NF_ZEROCHUNK);
		if ((error = nf_write(devvp, off, zero, n)) != 0)
			return error;
		off += n;
		len -= n;
	}
	return 0;
}

static void
nf_bootsector(const struct nfgeom *g, const struct nfopts *o,
    const uint8_t label[11], uint32_t volid, uint8_t *bs)
{
	static const uint8_t bootcode[] = {0xcd, 0x18, 0xeb, 0xfe};
	uint8_t *ext;

	memset(bs, 0, g->bps);
	bs[0] = 0xeb;
	bs[1] = g->fatbits == 32 ? 0x58 : 0x3c;
	bs[2] = 0x90;
	memcpy(bs + BS_OEMNAME, "MSWIN4.1", 8);
	le16put(bs + BPB_BYTSPERSEC, (uint16_t)g->bps);
	bs[BPB_SECPERCLUS] = (uint8_t)g->spc;
	le16put(bs + BPB_RSVDSECCNT, (uint16_t)g->rsvd);
	bs[BPB_NUMFATS] = (uint8_t)g->nfats;
	le16put(bs + BPB_ROOTENTCNT, (uint16_t)g->rootents);
	if (g->totsecs < 65536 && g->fatbits != 32)
		le16put(bs + BPB_TOTSEC16, (uint16_t)g->totsecs);
	else
		le32put(bs + BPB_TOTSEC32, (uint32_t)g->totsecs);
	bs[BPB_MEDIA] = g->media;
	le16put(bs + BPB_SECPERTRK, 32);
	le16put(bs + BPB_NUMHEADS, 64);
	if (g->fatbits == 32) {
		le32put(bs + BPB32_FATSZ32, g->fatsz);
		le32put(bs + BPB32_ROOTCLUS, CLUST_FIRST);
		le16put(bs + BPB32_FSINFO, 1);
		le16put(bs + BPB32_BKBOOTSEC, 6);
		ext = bs + BS32_DRVNUM;
		memcpy(bs + BS32_FILSYSTYPE, "FAT32   ", 8);
		memcpy(bs + BS32_BOOTCODE, bootcode, sizeof(bootcode));
	} else {
		le16put(bs + BPB_FATSZ16, (uint16_t)g->fatsz);
		ext = bs + BS16_DRVNUM;
		memcpy(bs + BS16_FILSYSTYPE,
		    g->fatbits == 12 ? "FAT12   " : "FAT16   ", 8);
		memcpy(bs + BS16_BOOTCODE, bootcode, sizeof(bootcode));
	}
	ext[0] = 0x80; /* drive number */
	ext[2] = BS_EXTBOOTSIG;
	le32put(ext + 3, volid);
	if (o->label_set)
		memcpy(ext + 7, label, 11);
	else
		memcpy(ext + 7, "NO NAME    ", 11);
	bs[BS_SIGOFF] = 0x55;
	bs[BS_SIGOFF + 1] = 0xaa;
}

/* The first sector of each FAT: the media entry and the end marks. */
static void
nf_fatstart(const struct nfgeom *g, uint8_t *sec)
{
	memset(sec, 0, g->bps);
	switch (g->fatbits) {
	case 12:
		sec[0] = g->media;
		sec[1] = 0xff;
		sec[2] = 0xff;
		break;
	case 16:
		le16put(sec, 0xff00 | g->media);
		le16put(sec + 2, 0xffff); /* clean, no errors */
		break;
	default:
		le32put(sec, 0x0fffff00 | g->media);
		le32put(sec + 4, 0x0fffffff);
		le32put(sec + 8, 0x0fffffff); /* the root directory */
		break;
	}
}

static void
nf_fsinfo(const struct nfgeom *g, uint8_t *sec)
{
	memset(sec, 0, g->bps);
	le32put(sec + FSI_LEADSIG, FSI_LEADSIG_VAL);
	le32put(sec + FSI_STRUCSIG, FSI_STRUCSIG_VAL);
	le32put(sec + FSI_FREECOUNT, g->nclust - 1);
	le32put(sec + FSI_NXTFREE, CLUST_FIRST + 1);
	le32put(sec + FSI_TRAILSIG, FSI_TRAILSIG_VAL);
}

/* The volume-label entry at the start of the root directory. */
static void
nf_labelentry(const uint8_t label[11], uint8_t *sec)
{
	struct direntry *de = (struct direntry *)sec;
	struct timespec now;
	uint16_t d, t;

	memset(de, 0, sizeof(*de));
	memcpy(de->de_name, label, 11);
	de->de_attr = ATTR_VOLUME;
	getnanotime(&now);
	msdosfs_unix2dos(&now, &d, &t, NULL);
	le16put(de->de_mtime, t);
	le16put(de->de_mdate, d);
}

static int
nf_write_all(struct vnode *devvp, const struct nfgeom *g,
    const struct nfopts *o, const uint8_t label[11], uint32_t volid)
{
	uint64_t bps = g->bps, fatoff, rootoff, rootlen;
	uint8_t *zero, *sec;
	unsigned i;
	int error;

	zero = kmem_zalloc(NF_ZEROCHUNK, KM_SLEEP);
	sec = kmem_alloc(g->bps, KM_SLEEP);
	fatoff = g->rsvd * bps;
	rootoff = fatoff + (uint64_t)g->nfats * g->fatsz * bps;
	rootlen = g->fatbits == 32 ? (uint64_t)g->spc * bps : g->rootsecs * bps;
	/* reserved area, FATs and root directory: zero */
	error = nf_zero(devvp, 0, rootoff + rootlen, zero);
	for (i = 0; error == 0 && i < g->nfats; i++) {
		nf_fatstart(g, sec);
		error = nf_write(
		    devvp, fatoff + (uint64_t)i * g->fatsz * bps, sec, g->bps);
	}
	if (error == 0 && o->label_set) {
		memset(sec, 0, g->bps);
		nf_labelentry(label, sec);
		error = nf_write(devvp, rootoff, sec, g->bps);
	}
	if (error == 0 && g->fatbits == 32) {
		nf_fsinfo(g, sec);
		error = nf_write(devvp, 1 * bps, sec, g->bps);
		if (error == 0)
			error = nf_write(devvp, 7 * bps, sec, g->bps);
	}
	/* the boot sector last: until it is there, nothing is a FAT */
	if (error == 0) {
		nf_bootsector(g, o, label, volid, sec);
		if (g->fatbits == 32)
			error = nf_write(devvp, 6 * bps, sec, g->bps);
		if (error == 0)
			error = nf_write(devvp, 0, sec, g->bps);
	}
	kmem_free(sec, g->bps);
	kmem_free(zero, NF_ZEROCHUNK);
	return error;
}

int
msdosfs_newfs(struct vnode *devvp, const char *options)
{
	struct msdosfsmount *check;
	struct nfopts o;
	struct nfgeom g;
	struct vattr va;
	struct timespec now;
	uint8_t label[11], *bs;
	uint32_t volid;
	int error;

	memset(&o, 0, sizeof(o));
	o.bps = 512;
	o.nfats = 2;
	o.codepage = MSDOSFS_CP437;
	if ((error = mount_parse_options(options, nf_option, &o)) != 0)
		return error;
	if ((error = nf_label(&o, label)) != 0)
		return error;
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	if ((error = nf_geometry(&o, (uint64_t)va.va_size, &g)) != 0)
		return error;
	getnanotime(&now);
	volid = o.volid_set ? o.volid
	                    : (uint32_t)(now.tv_sec ^ (now.tv_nsec << 12));
	if ((error = nf_write_all(devvp, &g, &o, label, volid)) != 0)
		return error;
	/* What we wrote must be what a mount reads. */
	bs = kmem_alloc(g.bps, KM_SLEEP);
	nf_bootsector(&g, &o, label, volid, bs);
	check = kmem_zalloc(sizeof(*check), KM_SLEEP);
	error = msdosfs_bpb_parse(check, bs, (uint64_t)va.va_size, false);
	if (error == 0 &&
	    (check->pm_fatbits != g.fatbits ||
	        check->pm_maxclust != g.nclust + 1)) {
		kprintf("msdos newfs: made FAT%u with %u clusters, but it "
		        "reads as FAT%u with %u\n",
		    g.fatbits, g.nclust, check->pm_fatbits,
		    check->pm_maxclust - 1);
		error = EIO;
	}
	kmem_free(check, sizeof(*check));
	kmem_free(bs, g.bps);
	return error;
}
