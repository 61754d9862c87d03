/*
 * An in-core index of one directory, so that adding an entry and looking
 * up a name that is not there cost no walk over the directory: the set
 * of the short names in it (exact), a filter of the names it answers to
 * (hashes of the upper-cased long names and short names: a name not in
 * the filter is not in the directory), and where its free tail starts
 * while it has no freed slots before that.
 *
 * It is made by one walk when first wanted, kept up to date by adding
 * entries, and dropped by anything else that changes the directory's
 * slots (removal, restoring a removed entry), or when its vnode goes.
 * Only holders of the directory's vnode lock use it; making it may happen
 * under a shared lock, so it is installed under de_lock.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

struct msdosfs_dirindex {
	uint8_t (*ix_sfn)[11]; /* open addressing; [0] == 0: empty */
	uint32_t ix_sfnmask;
	uint32_t ix_nsfn;
	uint32_t *ix_names; /* name hashes, 0 never stored */
	uint32_t ix_namemask;
	uint32_t ix_nnames;
	uint32_t ix_end;  /* the end mark, or the directory size */
	bool ix_holes;    /* freed slots seen: ix_end says nothing */
	bool ix_broken;   /* out of memory or too big: do not use */
};

#define IX_MINSLOTS 64

static uint32_t
sfn_hash(const uint8_t sfn[11])
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 11; i++)
		h = (h ^ sfn[i]) * 16777619u;
	return h;
}

/* The hash of an upper-cased name; never 0 (0 marks an empty slot). */
uint32_t
msdosfs_dirix_namehash(const uint16_t *up, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ (up[i] & 0xff)) * 16777619u;
		h = (h ^ (up[i] >> 8)) * 16777619u;
	}
	return h != 0 ? h : 1;
}

static void
ix_free(struct msdosfs_dirindex *ix)
{
	if (ix == NULL)
		return;
	if (ix->ix_sfn != NULL)
		kmem_free(ix->ix_sfn, (ix->ix_sfnmask + 1) * sizeof(*ix->ix_sfn));
	if (ix->ix_names != NULL)
		kmem_free(
		    ix->ix_names, (ix->ix_namemask + 1) * sizeof(*ix->ix_names));
	kmem_free(ix, sizeof(*ix));
}

static uint8_t *
sfn_slot(struct msdosfs_dirindex *ix, const uint8_t sfn[11])
{
	uint32_t h;

	for (h = sfn_hash(sfn) & ix->ix_sfnmask;;
	     h = (h + 1) & ix->ix_sfnmask) {
		if (ix->ix_sfn[h][0] == 0 ||
		    memcmp(ix->ix_sfn[h], sfn, 11) == 0)
			return ix->ix_sfn[h];
	}
}

static void
sfn_add(struct msdosfs_dirindex *ix, const uint8_t sfn[11])
{
	uint8_t(*old)[11] = ix->ix_sfn, *s;
	uint32_t oldn = ix->ix_sfnmask + 1, i;

	if (sfn[0] == 0)
		return; /* never a name in use */
	if (2 * (ix->ix_nsfn + 1) > oldn) {
		if (oldn >= 4 * DIR_MAXENTRIES) {
			ix->ix_broken = true;
			return;
		}
		ix->ix_sfn = kmem_zalloc(2 * oldn * sizeof(*old), KM_SLEEP);
		ix->ix_sfnmask = 2 * oldn - 1;
		for (i = 0; i < oldn; i++)
			if (old[i][0] != 0)
				memcpy(sfn_slot(ix, old[i]), old[i], 11);
		kmem_free(old, oldn * sizeof(*old));
	}
	s = sfn_slot(ix, sfn);
	if (s[0] == 0) {
		memcpy(s, sfn, 11);
		ix->ix_nsfn++;
	}
}

static uint32_t *
name_slot(struct msdosfs_dirindex *ix, uint32_t h)
{
	uint32_t i;

	for (i = (h * 2654435761u) & ix->ix_namemask;;
	     i = (i + 1) & ix->ix_namemask)
		if (ix->ix_names[i] == 0 || ix->ix_names[i] == h)
			return &ix->ix_names[i];
}

static void
name_add(struct msdosfs_dirindex *ix, uint32_t h)
{
	uint32_t *old = ix->ix_names, oldn = ix->ix_namemask + 1, i, *s;

	if (2 * (ix->ix_nnames + 1) > oldn) {
		if (oldn >= 8 * DIR_MAXENTRIES) {
			ix->ix_broken = true;
			return;
		}
		ix->ix_names = kmem_zalloc(2 * oldn * sizeof(*old), KM_SLEEP);
		ix->ix_namemask = 2 * oldn - 1;
		for (i = 0; i < oldn; i++)
			if (old[i] != 0)
				*name_slot(ix, old[i]) = old[i];
		kmem_free(old, oldn * sizeof(*old));
	}
	s = name_slot(ix, h);
	if (*s == 0) {
		*s = h;
		ix->ix_nnames++;
	}
}

/* Remember an entry: its short name and the names it answers to. */
static void
ix_enter(struct msdosfs_dirindex *ix, const uint8_t sfn[11], int cp,
    const uint16_t *lname, size_t lnamelen)
{
	uint16_t up[WIN_MAXSLOTS * WIN_CHARS];
	size_t i, n;

	sfn_add(ix, sfn);
	if (lnamelen > 0 && lnamelen <= WIN_MAXSLOTS * WIN_CHARS) {
		for (i = 0; i < lnamelen; i++)
			up[i] = msdosfs_upcase(lname[i]);
		name_add(ix, msdosfs_dirix_namehash(up, lnamelen));
	}
	/* as msdosfs_dir_find() decodes it: case flags do not matter */
	n = msdosfs_sfn_decode(sfn, 0, cp, up);
	for (i = 0; i < n; i++)
		up[i] = msdosfs_upcase(up[i]);
	name_add(ix, msdosfs_dirix_namehash(up, n));
}

static int
build_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	struct msdosfs_dirindex *ix = dw->dw_arg;

	ix_enter(ix, ds->ds_de.de_name, dw->dw_pmp->pm_codepage, ds->ds_lname,
	    ds->ds_lnamelen);
	return ix->ix_broken ? MSDOSFS_STOP : 0;
}

static void
build_slot_fn(struct msdosfs_dirwalk *dw, uint32_t off, int kind)
{
	struct msdosfs_dirindex *ix = dw->dw_arg;

	if (kind == DWSLOT_FREE)
		ix->ix_holes = true;
	else if (kind == DWSLOT_END)
		ix->ix_end = off;
}

/* One walk over the directory; NULL if it fails or is too big. */
static struct msdosfs_dirindex *
ix_build(struct denode *ddep)
{
	struct msdosfs_dirindex *ix;
	struct msdosfs_dirwalk *dw;
	int error;

	ix = kmem_zalloc(sizeof(*ix), KM_SLEEP);
	ix->ix_sfnmask = IX_MINSLOTS - 1;
	ix->ix_sfn = kmem_zalloc(IX_MINSLOTS * sizeof(*ix->ix_sfn), KM_SLEEP);
	ix->ix_namemask = 2 * IX_MINSLOTS - 1;
	ix->ix_names =
	    kmem_zalloc(2 * IX_MINSLOTS * sizeof(*ix->ix_names), KM_SLEEP);
	ix->ix_end = msdosfs_dirsize(ddep);
	dw = kmem_alloc(sizeof(*dw), KM_SLEEP);
	msdosfs_dirwalk_init(dw, ddep);
	dw->dw_dots = true; /* as adding sees them */
	dw->dw_fn = build_fn;
	dw->dw_slot_fn = build_slot_fn;
	dw->dw_arg = ix;
	error = msdosfs_dirwalk(dw);
	kmem_free(dw, sizeof(*dw));
	if (error != 0 || ix->ix_broken) {
		ix_free(ix);
		return NULL;
	}
	return ix;
}

/*
 * The directory's index, made now if it has none; NULL when it cannot be
 * had (the caller walks the directory itself).  The caller holds the
 * directory's vnode lock.
 */
struct msdosfs_dirindex *
msdosfs_dirix_get(struct denode *ddep)
{
	struct msdosfs_dirindex *ix, *other;

	mutex_enter(&ddep->de_lock);
	ix = ddep->de_dirindex;
	mutex_exit(&ddep->de_lock);
	if (ix != NULL)
		return ix->ix_broken ? NULL : ix;
	if ((ix = ix_build(ddep)) == NULL)
		return NULL;
	mutex_enter(&ddep->de_lock);
	other = ddep->de_dirindex;
	if (other == NULL)
		ddep->de_dirindex = ix;
	mutex_exit(&ddep->de_lock);
	if (other != NULL) {
		/* another lookup under a shared lock made one first */
		ix_free(ix);
		ix = other;
	}
	return ix->ix_broken ? NULL : ix;
}

/* May the directory hold a name with this upper-cased form? */
bool
msdosfs_dirix_maybe(struct msdosfs_dirindex *ix, const uint16_t *up, size_t n)
{
	return *name_slot(ix, msdosfs_dirix_namehash(up, n)) != 0;
}

bool
msdosfs_dirix_sfn_used(struct msdosfs_dirindex *ix, const uint8_t sfn[11])
{
	return sfn[0] != 0 && sfn_slot(ix, sfn)[0] != 0;
}

/*
 * Where adding an entry goes when the directory has no freed slots: its
 * free tail (which may start at its end).  false: walk to find out.
 */
bool
msdosfs_dirix_tail(struct msdosfs_dirindex *ix, uint32_t *endp)
{
	if (ix->ix_holes)
		return false;
	*endp = ix->ix_end;
	return true;
}

/*
 * An entry was added (under the exclusive lock); end: the offset just
 * past its short entry, when it went to the free tail, else 0.
 */
void
msdosfs_dirix_added(struct denode *ddep, const uint8_t sfn[11],
    const uint16_t *lname, size_t lnamelen, uint32_t end)
{
	struct msdosfs_dirindex *ix = ddep->de_dirindex;

	if (ix == NULL)
		return;
	ix_enter(ix, sfn, ddep->de_pmp->pm_codepage, lname, lnamelen);
	if (end > ix->ix_end)
		ix->ix_end = end;
	if (ix->ix_broken)
		msdosfs_dirix_drop(ddep);
}

/* The directory's slots changed otherwise: forget the index. */
void
msdosfs_dirix_drop(struct denode *ddep)
{
	struct msdosfs_dirindex *ix;

	mutex_enter(&ddep->de_lock);
	ix = ddep->de_dirindex;
	ddep->de_dirindex = NULL;
	mutex_exit(&ddep->de_lock);
	ix_free(ix);
}
