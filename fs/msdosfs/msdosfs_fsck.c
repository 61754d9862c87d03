/*
 * fsck: check a FAT file system on a device without mounting it.
 *
 * Checked: the boot sector (and its FAT32 backup), the clean bit, that
 * the FAT copies agree, every cluster chain (in range, not free or bad,
 * no loops, no cluster in two chains), chain lengths against file sizes,
 * directory entries ("." and "..", short names, long-name sets and their
 * checksums, duplicates), lost clusters, and the FSInfo free count.
 * With "repair": the FAT copies are made equal, chains are cut where they
 * break, loop or run into another chain, files get the size of their
 * chain (or chains the length of their size), lost clusters are freed,
 * broken entries are deleted or mended, "." and ".." fixed, FSInfo and
 * the clean bits set right.  Each fix changes what the next look sees
 * (a cut chain leaves lost clusters), so the check runs again until it
 * finds nothing; a last run counts what is left.
 *
 * The active FAT is read into memory once; a bitmap records which chain
 * owns each cluster, which finds cross-links, loops and lost clusters.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/fsck.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

#define FK_MAXCLUST  (1u << 26) /* larger volumes: not checked */
#define FK_PATHMAX   1024
#define FK_MAXDEPTH  512

struct fkdir {
	uint32_t d_clust;  /* 0: the root */
	uint32_t d_parent; /* cluster of the parent, 0: the root */
	char *d_path;
	int d_depth;
};

struct fsck {
	struct msdosfsmount *fk_pmp;
	struct fsck_report *fk_fr;
	bool fk_repair;
	uint32_t *fk_changed; /* FAT entries to write (repair) */
	bool fk_fatdirty;
	struct buf *fk_bp;    /* the directory block being read */
	bool fk_bpdirty;
	uint32_t *fk_fat;
	uint32_t *fk_claimed;
	uint32_t fk_nfiles, fk_ndirs;
	struct fkdir *fk_stack;
	size_t fk_nstack, fk_capstack;
	bool fk_sawlabel;
};

#define fk_problem(fk, ...) fsck_problem((fk)->fk_fr, __VA_ARGS__)
#define fk_note(fk, ...)    fsck_say((fk)->fk_fr, __VA_ARGS__)

/* Change FAT entry cn (written at the end of the run). */
static void
fk_setfat(struct fsck *fk, uint32_t cn, uint32_t val)
{
	fk->fk_fat[cn] = val;
	fk->fk_changed[cn / 32] |= 1u << (cn % 32);
	fk->fk_fatdirty = true;
	fsck_fixed(fk->fk_fr);
}

/* The entry de of the block being read was changed. */
static void
fk_dirty(struct fsck *fk)
{
	fk->fk_bpdirty = true;
	fsck_fixed(fk->fk_fr);
}

static void
fk_delete(struct fsck *fk, struct direntry *de)
{
	de->de_name[0] = SLOT_DELETED;
	fk_dirty(fk);
}

static bool
fk_claimed(const struct fsck *fk, uint32_t cn)
{
	return (fk->fk_claimed[cn / 32] >> (cn % 32)) & 1;
}

static void
fk_claim(struct fsck *fk, uint32_t cn)
{
	fk->fk_claimed[cn / 32] |= 1u << (cn % 32);
}

/*
 * Follow the chain at start, claiming its clusters.  list (if not NULL)
 * gets the first max clusters; *np counts them all.  With repair, a
 * chain that breaks is cut after its last good cluster; returns false
 * when not even the first cluster is good (the owner must drop it).
 */
static bool
fk_chain(struct fsck *fk, uint32_t start, const char *path, uint32_t *list,
    uint32_t max, uint32_t *np)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint32_t cn = start, n = 0, next, prev = 0;
	bool bad = false;

	for (;;) {
		if (!msdosfs_validclust(pmp, cn)) {
			fk_problem(fk,
			    "%s: cluster chain leads to invalid "
			    "cluster %#x",
			    path, cn);
			bad = true;
			break;
		}
		if (fk_claimed(fk, cn)) {
			if (n == 0)
				fk_problem(fk,
				    "%s: first cluster %u belongs to "
				    "another file or directory",
				    path, cn);
			else
				fk_problem(fk,
				    "%s: cluster %u is cross-linked "
				    "or the chain loops",
				    path, cn);
			bad = true;
			break;
		}
		fk_claim(fk, cn);
		if (list != NULL && n < max)
			list[n] = cn;
		n++;
		next = fk->fk_fat[cn];
		if (msdosfs_fat_isend(pmp, next))
			break;
		if (next == CLUST_FREE) {
			fk_problem(fk, "%s: cluster %u links to a free cluster",
			    path, cn);
			prev = cn;
			bad = true;
			break;
		}
		if (next == CLUST_BAD(pmp->pm_fatmask)) {
			fk_problem(fk, "%s: cluster %u links to a bad cluster",
			    path, cn);
			prev = cn;
			bad = true;
			break;
		}
		prev = cn;
		cn = next;
	}
	*np = n;
	if (bad && fk->fk_repair && n > 0)
		fk_setfat(fk, prev, pmp->pm_fatmask); /* the end */
	return n > 0 || !bad;
}

/* Cut the chain at start after n clusters (n > 0). */
static void
fk_cut(struct fsck *fk, uint32_t start, uint32_t n)
{
	uint32_t cn = start;

	while (--n > 0)
		cn = fk->fk_fat[cn];
	fk_setfat(fk, cn, fk->fk_pmp->pm_fatmask);
}

static void
fk_file(struct fsck *fk, struct direntry *de, const char *path)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint32_t start = msdosfs_de_startclust(pmp, de);
	uint32_t size = le32get(de->de_size), want, n = 0;
	uint64_t have;

	fk->fk_nfiles++;
	want =
	    (uint32_t)(((uint64_t)size + pmp->pm_csize - 1) >> pmp->pm_cshift);
	if (start != 0 && !fk_chain(fk, start, path, NULL, 0, &n) &&
	    fk->fk_repair) {
		msdosfs_de_setclust(pmp, de, 0);
		start = 0;
		fk_dirty(fk);
	}
	if (n == want)
		return;
	fk_problem(fk,
	    "%s: size %u bytes needs %u clusters, the chain "
	    "has %u",
	    path, size, want, n);
	if (!fk->fk_repair)
		return;
	if (n > want && want > 0) {
		fk_cut(fk, start, want); /* the rest is lost: freed later */
	} else if (n > want) {
		msdosfs_de_setclust(pmp, de, 0);
		fk_dirty(fk);
	} else {
		/* like fsck.fat: the chain is what is there */
		have = (uint64_t)n << pmp->pm_cshift;
		le32put(de->de_size, (uint32_t)MIN(have, UINT32_MAX));
		fk_dirty(fk);
	}
}

static void
fk_push(struct fsck *fk, uint32_t clust, uint32_t parent, const char *path,
    int depth)
{
	struct fkdir *ns;
	size_t len = strlen(path) + 1;

	if (fk->fk_nstack == fk->fk_capstack) {
		size_t cap = fk->fk_capstack ? fk->fk_capstack * 2 : 32;

		ns = kmem_alloc(cap * sizeof(*ns), KM_SLEEP);
		if (fk->fk_nstack > 0)
			memcpy(ns, fk->fk_stack, fk->fk_nstack * sizeof(*ns));
		if (fk->fk_stack != NULL)
			kmem_free(fk->fk_stack, fk->fk_capstack * sizeof(*ns));
		fk->fk_stack = ns;
		fk->fk_capstack = cap;
	}
	ns = &fk->fk_stack[fk->fk_nstack++];
	ns->d_clust = clust;
	ns->d_parent = parent;
	ns->d_path = kmem_alloc(len, KM_SLEEP);
	memcpy(ns->d_path, path, len);
	ns->d_depth = depth;
}

/* A short name a FAT implementation would write. */
static bool
fk_sfn_ok(const uint8_t *name)
{
	static const char bad[] = "\"*+,./:;<=>?[\\]|";
	int i;

	if (name[0] == ' ')
		return false;
	for (i = 0; i < 11; i++) {
		if (i == 0 && name[0] == SLOT_E5)
			continue;
		if (name[i] < 0x20 || name[i] == 0x7f ||
		    strchr(bad, name[i]) != NULL)
			return false;
	}
	return true;
}

/* Long-name assembly while checking. */
struct fklfn {
	int next; /* ord of the last slot taken, 0: none */
	int nslots;
	uint8_t cksum;
	uint16_t name[WIN_MAXSLOTS * WIN_CHARS];
	/* where the slots taken are, to delete them (repair) */
	int npos;
	struct {
		daddr_t blkno;
		int size;
		uint32_t off;
	} pos[WIN_MAXSLOTS];
};

/* Delete the long-name slots taken so far. */
static void
fk_lfn_delete(struct fsck *fk, struct fklfn *l)
{
	struct buf *bp;
	int i;

	for (i = 0; i < l->npos; i++) {
		if (fk->fk_bp != NULL && fk->fk_bp->b_lblkno == l->pos[i].blkno) {
			((uint8_t *)fk->fk_bp->b_data)[l->pos[i].off] =
			    SLOT_DELETED;
			fk->fk_bpdirty = true;
		} else if (bread(fk->fk_pmp->pm_devvp, l->pos[i].blkno,
		               l->pos[i].size, 0, &bp) == 0) {
			((uint8_t *)bp->b_data)[l->pos[i].off] = SLOT_DELETED;
			(void)bwrite(bp);
		}
	}
	l->npos = 0;
	fsck_fixed(fk->fk_fr);
}

static void
fk_lfn_orphan(struct fsck *fk, struct fklfn *l, const char *dpath)
{
	if (l->next != 0) {
		fk_problem(fk,
		    "%s: long-name entries without their short "
		    "entry",
		    dpath);
		if (fk->fk_repair)
			fk_lfn_delete(fk, l);
	}
	l->next = 0;
	l->npos = 0;
}

static void
fk_lfn_take(struct fsck *fk, struct fklfn *l, struct winentry *we,
    const char *dpath)
{
	int ord = we->we_ord & WIN_ORDMASK, i;
	uint16_t *p;

	if (we->we_ord & WIN_LAST) {
		fk_lfn_orphan(fk, l, dpath);
		if (ord == 0 || ord > WIN_MAXSLOTS) {
			fk_problem(fk, "%s: long-name entry with order %d",
			    dpath, ord);
			if (fk->fk_repair)
				fk_delete(fk, (struct direntry *)we);
			return;
		}
		l->nslots = ord;
		l->cksum = we->we_cksum;
	} else if (l->next == 0 || ord != l->next - 1 ||
	    we->we_cksum != l->cksum) {
		/* like fsck.fat: worth a word, but no damage */
		fk_note(
		    fk, "%s: long-name entry out of sequence (ignored)", dpath);
		l->next = 0;
		l->npos = 0;
		return;
	}
	if (l->npos < WIN_MAXSLOTS && fk->fk_bp != NULL) {
		l->pos[l->npos].blkno = fk->fk_bp->b_lblkno;
		l->pos[l->npos].size = (int)fk->fk_bp->b_bcount;
		l->pos[l->npos].off =
		    (uint32_t)((uint8_t *)we - (uint8_t *)fk->fk_bp->b_data);
		l->npos++;
	}
	l->next = ord;
	p = l->name + (ord - 1) * WIN_CHARS;
	for (i = 0; i < 5; i++)
		p[i] = le16get(we->we_name1 + 2 * i);
	for (i = 0; i < 6; i++)
		p[5 + i] = le16get(we->we_name2 + 2 * i);
	for (i = 0; i < 2; i++)
		p[11 + i] = le16get(we->we_name3 + 2 * i);
}

/* The name of short entry de (its long name when valid) in UTF-8. */
static void
fk_name(struct fsck *fk, struct fklfn *l, const struct direntry *de,
    const char *dpath, char *out, size_t outlen)
{
	uint16_t sname[13];
	size_t n = 0, len = SIZE_MAX;

	if (l->next == 1 && msdosfs_sfn_cksum(de->de_name) == l->cksum) {
		while (n < (size_t)l->nslots * WIN_CHARS && l->name[n] != 0)
			n++;
		if (n > 0 && n <= WIN_MAXLEN)
			len =
			    msdosfs_utf16_to_utf8(l->name, n, out, outlen - 1);
		else {
			fk_problem(fk, "%s: long name of bad length", dpath);
			if (fk->fk_repair)
				fk_lfn_delete(fk, l);
		}
	} else if (l->next != 0) {
		fk_note(fk,
		    "%s: a long name does not belong to the short "
		    "entry %.11s after it (ignored)",
		    dpath, (const char *)de->de_name);
	}
	l->next = 0;
	l->npos = 0;
	if (len == SIZE_MAX) {
		n = msdosfs_sfn_decode(
		    de->de_name, de->de_lcase, fk->fk_pmp->pm_codepage, sname);
		len = msdosfs_utf16_to_utf8(sname, n, out, outlen - 1);
		if (len == SIZE_MAX)
			len = 0;
	}
	out[len] = '\0';
}

/* Duplicate short names: an open-addressing set of 11-byte names. */
struct fkset {
	uint8_t (*s_names)[11];
	uint32_t s_size;
};

static bool
fk_set_add(struct fkset *s, const uint8_t *name)
{
	uint32_t h = hash32_buf(name, 11, 0) & (s->s_size - 1);

	while (s->s_names[h][0] != 0) {
		if (memcmp(s->s_names[h], name, 11) == 0)
			return false;
		h = (h + 1) & (s->s_size - 1);
	}
	memcpy(s->s_names[h], name, 11);
	return true;
}

static void
fk_label(struct fsck *fk, const uint8_t *name)
{
	char *lab = fk->fk_pmp->pm_label;
	int n = 11;

	while (n > 0 && name[n - 1] == ' ')
		n--;
	memcpy(lab, name, (size_t)n);
	lab[n] = '\0';
}

/* Check one short entry of directory d. */
/* Mend a short name: bad characters become '_'. */
static void
fk_sfn_mend(uint8_t *name)
{
	static const char bad[] = "\"*+,./:;<=>?[\\]|";
	int i;

	if (name[0] == ' ')
		name[0] = '_';
	for (i = 0; i < 11; i++) {
		if (i == 0 && name[0] == SLOT_E5)
			continue;
		if (name[i] < 0x20 || name[i] == 0x7f ||
		    strchr(bad, name[i]) != NULL)
			name[i] = '_';
	}
}

/* Make a short name unique in set by changing its last base character. */
static bool
fk_sfn_unique(struct fkset *set, uint8_t *name)
{
	static const char alt[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	uint8_t try[11];
	size_t i;

	memcpy(try, name, 11);
	for (i = 0; i < sizeof(alt) - 1; i++) {
		try[7] = (uint8_t)alt[i];
		if (fk_set_add(set, try)) {
			memcpy(name, try, 11);
			return true;
		}
	}
	return false;
}

static void
fk_entry(struct fsck *fk, struct fkdir *d, uint32_t idx, struct direntry *de,
    struct fklfn *l, struct fkset *set)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	char name[WIN_MAXLEN * 3 + 1], *path;
	uint32_t cn = msdosfs_de_startclust(pmp, de);
	bool isdot = memcmp(de->de_name, ".          ", 11) == 0;
	bool isdotdot = memcmp(de->de_name, "..         ", 11) == 0;

	if (de->de_attr & ATTR_VOLUME) {
		fk_lfn_orphan(fk, l, d->d_path);
		if (d->d_clust != 0 || fk->fk_sawlabel) {
			fk_problem(fk, "%s: a volume label entry out of place",
			    d->d_path);
			if (fk->fk_repair)
				fk_delete(fk, de);
		} else /* the label Windows shows: this one, not the BPB's */
			fk_label(fk, de->de_name);
		fk->fk_sawlabel = true;
		return;
	}
	if (isdot || isdotdot) {
		fk_lfn_orphan(fk, l, d->d_path);
		if (d->d_clust == 0 || idx != (isdot ? 0u : 1u)) {
			fk_problem(fk, "%s: \"%s\" entry out of place",
			    d->d_path, isdot ? "." : "..");
			if (fk->fk_repair)
				fk_delete(fk, de);
		} else if (isdot && cn != d->d_clust) {
			fk_problem(fk, "%s: \".\" points at cluster %u, not %u",
			    d->d_path, cn, d->d_clust);
			if (fk->fk_repair) {
				msdosfs_de_setclust(pmp, de, d->d_clust);
				fk_dirty(fk);
			}
		} else if (isdotdot && cn != d->d_parent &&
		    !(d->d_parent == 0 && cn == pmp->pm_rootclust)) {
			fk_problem(fk,
			    "%s: \"..\" points at cluster %u, not %u",
			    d->d_path, cn, d->d_parent);
			if (fk->fk_repair) {
				msdosfs_de_setclust(pmp, de, d->d_parent);
				fk_dirty(fk);
			}
		}
		return;
	}
	fk_name(fk, l, de, d->d_path, name, sizeof(name));
	path = kmem_alloc(FK_PATHMAX, KM_SLEEP);
	ksnprintf(
	    path, FK_PATHMAX, "%s/%s", d->d_clust == 0 ? "" : d->d_path, name);
	if (!fk_sfn_ok(de->de_name)) {
		fk_problem(fk, "%s: bad short name", path);
		if (fk->fk_repair) {
			fk_sfn_mend(de->de_name);
			fk_dirty(fk);
		}
	}
	if (!fk_set_add(set, de->de_name)) {
		fk_problem(fk, "%s: duplicate short name %.11s", path,
		    (const char *)de->de_name);
		if (fk->fk_repair && fk_sfn_unique(set, de->de_name))
			fk_dirty(fk);
	}
	if (!(de->de_attr & ATTR_DIRECTORY)) {
		fk_file(fk, de, path);
	} else {
		if (le32get(de->de_size) != 0) {
			fk_problem(fk, "%s: directory with a size (%u)", path,
			    le32get(de->de_size));
			if (fk->fk_repair) {
				le32put(de->de_size, 0);
				fk_dirty(fk);
			}
		}
		if (!msdosfs_validclust(pmp, cn)) {
			fk_problem(fk, "%s: directory at invalid cluster %#x",
			    path, cn);
			if (fk->fk_repair)
				fk_delete(fk, de);
		} else if (fk_claimed(fk, cn)) {
			fk_problem(fk,
			    "%s: directory at cluster %u, which is in "
			    "use already (a loop or a cross-link)",
			    path, cn);
			if (fk->fk_repair)
				fk_delete(fk, de);
		} else if (d->d_depth >= FK_MAXDEPTH) {
			fk_problem(fk, "%s: directories nested too deep", path);
			if (fk->fk_repair)
				fk_delete(fk, de);
		} else
			fk_push(fk, cn, d->d_clust, path, d->d_depth + 1);
	}
	kmem_free(path, FK_PATHMAX);
}

/*
 * A subdirectory starts with "." and ".." (block bp, its first); with
 * repair, a missing one is written where its slot is free or deleted.
 */
static void
fk_dots(struct fsck *fk, const struct fkdir *d, struct buf *bp)
{
	static const char names[2][12] = {".          ", "..         "};
	struct direntry *de = bp->b_data;
	int i;

	for (i = 0; i < 2; i++) {
		if (memcmp(de[i].de_name, names[i], 11) == 0)
			continue;
		fk_problem(fk, "%s: \"%s\" entry missing", d->d_path,
		    i == 0 ? "." : "..");
		if (!fk->fk_repair || (de[i].de_name[0] != SLOT_DELETED &&
		                          de[i].de_name[0] != SLOT_EMPTY))
			continue;
		memset(&de[i], 0, sizeof(de[i]));
		memcpy(de[i].de_name, names[i], 11);
		de[i].de_attr = ATTR_DIRECTORY;
		msdosfs_de_setclust(fk->fk_pmp, &de[i],
		    i == 0 ? d->d_clust : d->d_parent);
		fk_dirty(fk);
	}
}

/* Read and check the entries of directory d. */
static void
fk_dir(struct fsck *fk, struct fkdir *d)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint32_t *list = NULL, n, maxn = DIR_MAXSIZE >> pmp->pm_cshift;
	uint32_t blk, nblk, bsize, i, idx = 0;
	struct direntry *de;
	struct fklfn *l;
	struct fkset set;
	struct buf *bp;
	daddr_t blkno;
	bool end = false;
	uint32_t nafter = 0, first = 0;

	fk->fk_ndirs++;
	if (d->d_clust == 0 && pmp->pm_fatbits != 32) {
		nblk = pmp->pm_rootsecs;
		bsize = pmp->pm_bps;
	} else {
		list = kmem_alloc((maxn + 1) * sizeof(*list), KM_SLEEP);
		fk_chain(fk, d->d_clust != 0 ? d->d_clust : pmp->pm_rootclust,
		    d->d_path, list, maxn + 1, &n);
		if (n > maxn) {
			fk_problem(fk, "%s: directory longer than %u bytes",
			    d->d_path, DIR_MAXSIZE);
			n = maxn;
			if (fk->fk_repair)
				fk_setfat(fk, list[maxn - 1], pmp->pm_fatmask);
		}
		nblk = n;
		bsize = pmp->pm_csize;
	}
	l = kmem_zalloc(sizeof(*l), KM_SLEEP);
	set.s_size = 64;
	while (set.s_size < 2 * (nblk * (bsize / DIRENT_SIZE)))
		set.s_size *= 2;
	set.s_names = kmem_zalloc(set.s_size * 11, KM_SLEEP);
	for (blk = 0; blk < nblk; blk++) {
		blkno = list != NULL
		    ? msdosfs_cntodb(pmp, list[blk])
		    : msdosfs_sectodb(pmp, pmp->pm_rootstart + blk);
		if (bread(pmp->pm_devvp, blkno, (int)bsize, 0, &bp) != 0) {
			fk_problem(
			    fk, "%s: cannot read the directory", d->d_path);
			break;
		}
		fk->fk_bp = bp;
		fk->fk_bpdirty = false;
		if (blk == 0 && d->d_clust != 0 && bsize >= 2 * DIRENT_SIZE)
			fk_dots(fk, d, bp);
		for (i = 0; i < bsize; i += DIRENT_SIZE, idx++) {
			de = (struct direntry *)((uint8_t *)bp->b_data + i);
			if (end) {
				/* past the end: fsck.fat still reads them */
				/* only what fsck.fat finds broken there */
				if (de->de_name[0] == SLOT_EMPTY ||
				    de->de_name[0] == SLOT_DELETED ||
				    dirent_is_lfn(de) || fk_sfn_ok(de->de_name))
					continue;
				if (nafter++ == 0)
					first = idx;
				if (fk->fk_repair) {
					memset(de, 0, sizeof(*de));
					fk->fk_bpdirty = true;
				}
				continue;
			}
			if (de->de_name[0] == SLOT_EMPTY) {
				end = true; /* the rest is free */
				continue;
			}
			if (de->de_name[0] == SLOT_DELETED)
				fk_lfn_orphan(fk, l, d->d_path);
			else if (dirent_is_lfn(de))
				fk_lfn_take(
				    fk, l, (struct winentry *)de, d->d_path);
			else
				fk_entry(fk, d, idx, de, l, &set);
		}
		fk->fk_bp = NULL;
		if (fk->fk_bpdirty)
			(void)bwrite(bp);
		else
			brelse(bp, 0);
	}
	fk_lfn_orphan(fk, l, d->d_path);
	if (nafter > 0) {
		fk_problem(fk,
		    "%s: %u broken entries after the end of the directory "
		    "(the first: entry %u)",
		    d->d_path, nafter, first);
		if (fk->fk_repair)
			fsck_fixed(fk->fk_fr); /* emptied */
	}
	kmem_free(set.s_names, set.s_size * 11);
	kmem_free(l, sizeof(*l));
	if (list != NULL)
		kmem_free(list, (maxn + 1) * sizeof(*list));
}

/* The FAT copies must agree, block by block. */
static void
fk_fatcopies(struct fsck *fk)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint64_t fatbytes = (uint64_t)pmp->pm_fatsecs << pmp->pm_bpsshift, off;
	struct buf *bp0, *bp1, *from, *to;
	uint32_t ndiff = 0;
	int size;

	if (pmp->pm_nfats < 2 || !pmp->pm_mirror)
		return;
	for (off = 0; off < fatbytes; off += pmp->pm_fatblksize) {
		size = (int)MIN((uint64_t)pmp->pm_fatblksize, fatbytes - off);
		if (bread(pmp->pm_devvp,
		        msdosfs_sectodb(pmp, pmp->pm_fatstart) +
		            (daddr_t)(off >> DEV_BSHIFT),
		        size, 0, &bp0) != 0)
			break;
		if (bread(pmp->pm_devvp,
		        msdosfs_sectodb(
		            pmp, pmp->pm_fatstart + pmp->pm_fatsecs) +
		            (daddr_t)(off >> DEV_BSHIFT),
		        size, 0, &bp1) != 0) {
			brelse(bp0, 0);
			break;
		}
		if (memcmp(bp0->b_data, bp1->b_data, (size_t)size) != 0) {
			ndiff++;
			if (fk->fk_repair) {
				/* the copy read is the one that counts */
				from = pmp->pm_activefat == 0 ? bp0 : bp1;
				to = pmp->pm_activefat == 0 ? bp1 : bp0;
				memcpy(to->b_data, from->b_data, (size_t)size);
				brelse(from, 0);
				(void)bwrite(to);
				continue;
			}
		}
		brelse(bp1, 0);
		brelse(bp0, 0);
	}
	if (ndiff > 0) {
		fk_problem(fk, "the two FATs differ (in %u blocks of %u bytes)",
		    ndiff, pmp->pm_fatblksize);
		if (fk->fk_repair)
			fsck_fixed(fk->fk_fr);
	}
}

/* Clear the dirty flag of the boot sector (and of its FAT32 backup). */
static void
fk_bsflags(struct fsck *fk)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	unsigned off = pmp->pm_fatbits == 32 ? BS32_FLAGS : BS16_FLAGS;
	uint32_t sec[2] = {0, pmp->pm_fatbits == 32 ? pmp->pm_bkbootsec : 0};
	struct buf *bp;
	int i;

	for (i = 0; i < 2; i++) {
		if (i == 1 && sec[1] == 0)
			break;
		if (bread(pmp->pm_devvp, msdosfs_sectodb(pmp, sec[i]),
		        (int)pmp->pm_bps, 0, &bp) != 0)
			continue;
		((uint8_t *)bp->b_data)[off] &= (uint8_t)~BS_FLAG_DIRTY;
		(void)bwrite(bp);
	}
	pmp->pm_bsflags &= (uint8_t)~BS_FLAG_DIRTY;
	fsck_fixed(fk->fk_fr);
}

/* The clean bit, the backup boot sector, FSInfo. */
static void
fk_bootarea(struct fsck *fk, uint32_t nfree)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint32_t fat1 = fk->fk_fat[1], v;
	struct buf *bp0, *bp1;
	bool dirty = false;
	uint8_t *p;

	uint32_t cleanbit = pmp->pm_fatbits == 32 ? FAT32_CLEANBIT
	                                          : FAT16_CLEANBIT;
	uint32_t noerrbit = pmp->pm_fatbits == 32 ? FAT32_NOERRBIT
	                                          : FAT16_NOERRBIT;

	if ((pmp->pm_fatbits != 12 && !(fat1 & cleanbit)) ||
	    (pmp->pm_bsflags & BS_FLAG_DIRTY)) {
		fk_problem(fk,
		    "the file system was not unmounted cleanly "
		    "(dirty bit set)");
		if (fk->fk_repair) {
			if (pmp->pm_fatbits != 12 && !(fat1 & cleanbit))
				fk_setfat(fk, 1, fat1 | cleanbit);
			if (pmp->pm_bsflags & BS_FLAG_DIRTY)
				fk_bsflags(fk);
		}
	}
	if (pmp->pm_fatbits != 12 && !(fat1 & noerrbit)) {
		fk_problem(fk, "I/O errors were recorded (FAT[1])");
		if (fk->fk_repair)
			fk_setfat(fk, 1, fk->fk_fat[1] | noerrbit);
	}
	if (pmp->pm_fatbits != 32)
		return;
	if (pmp->pm_bkbootsec != 0 &&
	    bread(pmp->pm_devvp, 0, (int)pmp->pm_bps, 0, &bp0) == 0) {
		if (bread(pmp->pm_devvp,
		        msdosfs_sectodb(pmp, pmp->pm_bkbootsec),
		        (int)pmp->pm_bps, 0, &bp1) == 0) {
			/* like fsck.fat: mostly harmless */
			if (memcmp(bp0->b_data, bp1->b_data, 512) != 0)
				fk_note(fk,
				    "the backup boot sector (sector %u) "
				    "differs from the boot sector",
				    pmp->pm_bkbootsec);
			brelse(bp1, 0);
		}
		brelse(bp0, B_INVAL);
	}
	if (pmp->pm_fsinfosec == 0 ||
	    bread(pmp->pm_devvp, msdosfs_sectodb(pmp, pmp->pm_fsinfosec),
	        (int)pmp->pm_bps, 0, &bp0) != 0)
		return;
	p = bp0->b_data;
	if (le32get(p + FSI_LEADSIG) != FSI_LEADSIG_VAL ||
	    le32get(p + FSI_STRUCSIG) != FSI_STRUCSIG_VAL ||
	    le32get(p + FSI_TRAILSIG) != FSI_TRAILSIG_VAL) {
		fk_problem(fk, "FSInfo sector %u has bad signatures",
		    pmp->pm_fsinfosec);
		if (fk->fk_repair) {
			le32put(p + FSI_LEADSIG, FSI_LEADSIG_VAL);
			le32put(p + FSI_STRUCSIG, FSI_STRUCSIG_VAL);
			le32put(p + FSI_TRAILSIG, FSI_TRAILSIG_VAL);
			le32put(p + FSI_FREECOUNT, nfree);
			le32put(p + FSI_NXTFREE, FSI_UNKNOWN);
			dirty = true;
		}
	} else {
		v = le32get(p + FSI_FREECOUNT);
		if (v != FSI_UNKNOWN && v != nfree) {
			fk_problem(fk,
			    "FSInfo free count is %u, the FAT has "
			    "%u free clusters",
			    v, nfree);
			if (fk->fk_repair) {
				le32put(p + FSI_FREECOUNT, nfree);
				dirty = true;
			}
		}
		v = le32get(p + FSI_NXTFREE);
		if (v != FSI_UNKNOWN && v != 0 && v != 1 &&
		    !msdosfs_validclust(pmp, v)) {
			fk_problem(fk,
			    "FSInfo next-free hint %u is out of "
			    "range",
			    v);
			if (fk->fk_repair) {
				le32put(p + FSI_NXTFREE, FSI_UNKNOWN);
				dirty = true;
			}
		}
	}
	if (dirty) {
		if (bwrite(bp0) == 0)
			fsck_fixed(fk->fk_fr);
	} else
		brelse(bp0, 0);
}

/* Clusters in use that no file or directory owns. */
static uint32_t
fk_lost(struct fsck *fk, uint32_t *nfreep)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint32_t cn, nlost = 0, first = 0, nbad = 0, nfree = 0, v;

	for (cn = CLUST_FIRST; cn <= pmp->pm_maxclust; cn++) {
		v = fk->fk_fat[cn];
		if (v == CLUST_FREE) {
			nfree++;
			continue;
		}
		if (v == CLUST_BAD(pmp->pm_fatmask)) {
			nbad++;
			continue;
		}
		if (!fk_claimed(fk, cn)) {
			if (nlost++ == 0)
				first = cn;
		}
	}
	if (nlost > 0) {
		fk_problem(fk,
		    "%u lost clusters (in use but in no file), the "
		    "first at cluster %u",
		    nlost, first);
		/* like fsck.fat -a: freed, not salvaged */
		for (cn = CLUST_FIRST; fk->fk_repair && cn <= pmp->pm_maxclust;
		     cn++) {
			v = fk->fk_fat[cn];
			if (v != CLUST_FREE && v != CLUST_BAD(pmp->pm_fatmask) &&
			    !fk_claimed(fk, cn)) {
				fk_setfat(fk, cn, CLUST_FREE);
				nfree++;
			}
		}
	}
	if (nbad > 0)
		fk_note(fk, "%u clusters are marked bad", nbad);
	*nfreep = nfree;
	return nfree;
}

static int
fk_option(void *arg, const char *name, const char *value)
{
	struct msdosfsmount *pmp = arg;

	if (strcmp(name, "codepage") == 0)
		return msdosfs_parse_codepage(value, &pmp->pm_codepage);
	return 0; /* options of other checkers are no business of ours */
}

static void
fk_run(struct fsck *fk)
{
	struct msdosfsmount *pmp = fk->fk_pmp;
	uint32_t nfree;
	struct fkdir d;

	fk_fatcopies(fk);
	fk_push(fk, 0, 0, "/", 0);
	while (fk->fk_nstack > 0) {
		d = fk->fk_stack[--fk->fk_nstack];
		fk_dir(fk, &d);
		kmem_free(d.d_path, strlen(d.d_path) + 1);
	}
	fk_lost(fk, &nfree);
	fk_bootarea(fk, nfree);
	fk_note(fk,
	    "FAT%u%s%s%s: %u files, %u directories, %u of %u clusters "
	    "used",
	    pmp->pm_fatbits, pmp->pm_label[0] ? " \"" : "", pmp->pm_label,
	    pmp->pm_label[0] ? "\"" : "", fk->fk_nfiles, fk->fk_ndirs,
	    pmp->pm_maxclust - 1 - nfree, pmp->pm_maxclust - 1);
}

/* One whole check (and repair, as fr says). */
static int
fk_round(struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	struct msdosfsmount *pmp;
	struct fsck fk;
	struct vattr va;
	size_t words;
	int error;

	memset(&fk, 0, sizeof(fk));
	fk.fk_fr = fr;
	fk.fk_repair = fr->fr_repair;
	pmp = kmem_zalloc(sizeof(*pmp), KM_SLEEP);
	pmp->pm_codepage = MSDOSFS_CP437;
	fk.fk_pmp = pmp;
	if ((error = mount_parse_options(options, fk_option, pmp)) != 0)
		goto out;
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		goto out;
	error = msdosfs_bpb_read(pmp, devvp, (uint64_t)va.va_size, true);
	if (error == EINVAL || error == EFSCORRUPTED) {
		fk_problem(&fk, "boot sector: %s",
		    pmp->pm_why[0] != '\0' ? pmp->pm_why : "unreadable");
		error = 0;
		goto out;
	}
	if (error != 0)
		goto out;
	if (pmp->pm_maxclust > FK_MAXCLUST) {
		fk_note(
		    &fk, "%u clusters: too many to check", pmp->pm_maxclust);
		error = EFBIG;
		goto out;
	}
	mutex_init(&pmp->pm_fatlock);
	fk.fk_fat = kmem_alloc(
	    ((size_t)pmp->pm_maxclust + 1) * sizeof(uint32_t), KM_SLEEP);
	words = ((size_t)pmp->pm_maxclust + 32) / 32;
	fk.fk_claimed = kmem_zalloc(words * sizeof(uint32_t), KM_SLEEP);
	fk.fk_changed = kmem_zalloc(words * sizeof(uint32_t), KM_SLEEP);
	error = msdosfs_fat_readcopy(
	    pmp, pmp->pm_activefat, 0, pmp->pm_maxclust + 1, fk.fk_fat);
	if (error == 0)
		fk_run(&fk);
	if (error == 0 && fk.fk_fatdirty &&
	    (error = msdosfs_fat_update(pmp, fk.fk_fat, fk.fk_changed)) != 0)
		fk_note(&fk, "cannot write the FAT (error %d)", error);
	kmem_free(fk.fk_changed, words * sizeof(uint32_t));
	kmem_free(fk.fk_claimed, words * sizeof(uint32_t));
	kmem_free(fk.fk_fat, ((size_t)pmp->pm_maxclust + 1) * sizeof(uint32_t));
	if (fk.fk_stack != NULL)
		kmem_free(fk.fk_stack, fk.fk_capstack * sizeof(*fk.fk_stack));
	mutex_destroy(&pmp->pm_fatlock);
out:
	kmem_free(pmp, sizeof(*pmp));
	return error;
}

#define FK_ROUNDS 4 /* repair rounds after the first one */

/* vfs_fsckr */
int
msdosfs_fsck(
    struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	return fsck_rounds(devvp, options, fr, fk_round, FK_ROUNDS);
}
