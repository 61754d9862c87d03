/*
 * Names in directories: VOP_LOOKUP (case-insensitive, keeping the case
 * written), finding an entry by name, and adding and removing entries
 * with their long-name slots and a short name that is unique in the
 * directory (LONGFI~1.TXT, as Windows and mtools make them).
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

/* The highest numeric tail we consider; a directory has fewer entries. */
#define TAIL_MAX DIR_MAXENTRIES

/* --- finding a name ------------------------------------------------------- */

struct findctx {
	uint16_t fx_name[WIN_MAXLEN]; /* upper case */
	size_t fx_len;
	int fx_cp;
	struct msdosfs_dirslot fx_found;
	bool fx_ok;
};

static bool
name_match(const uint16_t *upname, size_t n, const uint16_t *s, size_t sn)
{
	size_t i;

	if (n != sn)
		return false;
	for (i = 0; i < n; i++)
		if (msdosfs_upcase(s[i]) != upname[i])
			return false;
	return true;
}

static int
find_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	struct findctx *fx = dw->dw_arg;
	uint16_t sname[13];
	size_t n;

	if (ds->ds_lnamelen > 0 &&
	    name_match(fx->fx_name, fx->fx_len, ds->ds_lname, ds->ds_lnamelen))
		goto found;
	if (fx->fx_len <= 12) {
		/* also by the short name, whatever the long one */
		n = msdosfs_sfn_decode(ds->ds_de.de_name, 0, fx->fx_cp, sname);
		if (name_match(fx->fx_name, fx->fx_len, sname, n))
			goto found;
	}
	return 0;
found:
	fx->fx_found = *ds;
	fx->fx_ok = true;
	return MSDOSFS_STOP;
}

/*
 * Find name in directory ddep.  The search starts where the last one
 * succeeded, so that names looked up in directory order cost one step
 * each.  ENOENT if there is no such entry.
 */
int
msdosfs_dir_find(struct denode *ddep, const char *name, size_t namelen,
    struct msdosfs_found *fp)
{
	struct msdosfs_dirindex *ix;
	struct msdosfs_dirwalk *dw;
	struct findctx *fx;
	uint32_t hint;
	size_t i;
	int error, pass;

	fx = kmem_alloc(sizeof(*fx), KM_SLEEP);
	error = msdosfs_utf8_to_utf16(
	    name, namelen, fx->fx_name, WIN_MAXLEN, &fx->fx_len);
	if (error != 0) {
		kmem_free(fx, sizeof(*fx));
		return error == ENAMETOOLONG ? error : ENOENT;
	}
	for (i = 0; i < fx->fx_len; i++)
		fx->fx_name[i] = msdosfs_upcase(fx->fx_name[i]);
	fx->fx_cp = ddep->de_pmp->pm_codepage;
	fx->fx_ok = false;
	mutex_enter(&ddep->de_lock);
	hint = ddep->de_lookhint;
	ix = ddep->de_dirindex; /* one made by adding: reads make none */
	mutex_exit(&ddep->de_lock);
	if (ix != NULL && (ix = msdosfs_dirix_get(ddep)) != NULL &&
	    !msdosfs_dirix_maybe(ix, fx->fx_name, fx->fx_len)) {
		kmem_free(fx, sizeof(*fx));
		return ENOENT;
	}
	if (hint >= msdosfs_dirsize(ddep))
		hint = 0;
	dw = kmem_alloc(sizeof(*dw), KM_SLEEP);
	for (pass = 0, error = 0; pass < 2 && error == 0 && !fx->fx_ok;
	     pass++) {
		if (pass == 1 && hint == 0)
			break;
		msdosfs_dirwalk_init(dw, ddep);
		dw->dw_fn = find_fn;
		dw->dw_arg = fx;
		/*
		 * The hint may have gone stale and now fall inside a long
		 * name: the second pass goes on past it far enough to see
		 * any entry whose slots it cut.
		 */
		if (pass == 0)
			dw->dw_start = hint;
		else
			dw->dw_end = MIN(dw->dw_end,
			    hint + (WIN_MAXSLOTS + 1) * DIRENT_SIZE);
		error = msdosfs_dirwalk(dw);
	}
	kmem_free(dw, sizeof(*dw));
	if (error == 0 && !fx->fx_ok)
		error = ENOENT;
	if (error == 0) {
		memset(&fp->f_pos, 0, sizeof(fp->f_pos));
		fp->f_pos.dp_dirclust = msdosfs_dirclust(ddep);
		fp->f_pos.dp_offset = fx->fx_found.ds_offset;
		fp->f_pos.dp_blkno = fx->fx_found.ds_blkno;
		fp->f_first = fx->fx_found.ds_first;
		fp->f_de = fx->fx_found.ds_de;
		mutex_enter(&ddep->de_lock);
		ddep->de_lookhint = fx->fx_found.ds_first;
		mutex_exit(&ddep->de_lock);
	}
	kmem_free(fx, sizeof(*fx));
	return error;
}

/* The node of a directory entry found by name. */
static int
lookup_found(struct denode *ddep, struct msdosfs_found *f, struct vnode **vpp)
{
	struct msdosfsmount *pmp = ddep->de_pmp;
	uint32_t cn;

	if (f->f_de.de_attr & ATTR_DIRECTORY) {
		/* A directory that contains itself or the root would loop. */
		cn = msdosfs_de_startclust(pmp, &f->f_de);
		if (cn == ddep->de_chain.ch_start || cn == pmp->pm_rootclust) {
			fs_corrupt(MSDOSFS_NAME,
			    "directory entry at offset %u "
			    "of directory %u points back at cluster %u",
			    f->f_pos.dp_offset, msdosfs_dirclust(ddep), cn);
			return EFSCORRUPTED;
		}
	}
	return msdosfs_deget(pmp, &f->f_pos, vpp);
}

static int
lookup_dotdot(struct denode *ddep, struct vnode **vpp)
{
	struct msdosfs_dirpos pos;
	int error;

	if (ddep->de_flag & DE_ROOT) {
		vref(DETOV(ddep));
		*vpp = DETOV(ddep);
		return 0;
	}
	if ((error = msdosfs_dir_parent(ddep, &pos)) != 0)
		return error;
	return msdosfs_deget(ddep->de_pmp, &pos, vpp);
}

int
msdosfs_lookup(void *v)
{
	struct vop_lookup_args *ap = v;
	struct vnode *dvp = ap->a_dvp;
	struct componentname *cnp = ap->a_cnp;
	struct denode *ddep = VTODE(dvp);
	struct msdosfs_found f;
	int error;

	*ap->a_vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (cnp->cn_flags & ISDOTDOT)
		return lookup_dotdot(ddep, ap->a_vpp);
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*ap->a_vpp = dvp;
		return 0;
	}
	error = msdosfs_dir_find(ddep, cnp->cn_nameptr, cnp->cn_namelen, &f);
	if (error == ENOENT) {
		if ((cnp->cn_flags & ISLASTCN) &&
		    (cnp->cn_nameiop == CREATE || cnp->cn_nameiop == RENAME))
			return EJUSTRETURN;
		return ENOENT;
	}
	if (error != 0)
		return error;
	return lookup_found(ddep, &f, ap->a_vpp);
}

/* --- writing slots ----------------------------------------------------------
 */

static void
dir_chainargs(struct denode *ddep, struct msdosfs_chain **chp, kmutex_t **lkp)
{
	if (msdosfs_isfixedroot(ddep)) {
		*chp = NULL;
		*lkp = NULL;
	} else {
		*chp = &ddep->de_chain;
		*lkp = &ddep->de_lock;
	}
}

/*
 * Change the slot at off: copy in slot (32 bytes) or, with slot NULL,
 * set its first byte to mark.  *oldp (if not NULL) gets the old first
 * byte.  Returns the device block in *blknop (if not NULL).
 */
static int
dir_putslot(struct denode *ddep, uint32_t off, const void *slot, uint8_t mark,
    uint8_t *oldp, int64_t *blknop)
{
	struct msdosfsmount *pmp = ddep->de_pmp;
	struct msdosfs_chain *ch;
	kmutex_t *lk;
	struct buf *bp;
	daddr_t blkno;
	uint8_t *p;
	int bsize, error;

	dir_chainargs(ddep, &ch, &lk);
	if ((error = msdosfs_dirblk(pmp, ch, lk, off, &blkno, &bsize)) != 0)
		return error == ENOENT ? EFSCORRUPTED : error;
	if ((error = bread(pmp->pm_devvp, blkno, bsize, 0, &bp)) != 0)
		return error;
	p = (uint8_t *)bp->b_data + (off & (uint32_t)(bsize - 1));
	if (oldp != NULL)
		*oldp = p[0];
	if (slot != NULL)
		memcpy(p, slot, DIRENT_SIZE);
	else
		p[0] = mark;
	bp->b_flags |= B_META;
	bdwrite(bp);
	if (blknop != NULL)
		*blknop = blkno;
	return 0;
}

/*
 * Mark the slots of an entry, from its first long-name slot to its short
 * entry, free.  saved (if not NULL, WIN_MAXSLOTS + 1 bytes) keeps what
 * was there so that msdosfs_dir_unremove() can bring the entry back.
 */
static int
dir_mark(struct denode *ddep, uint32_t first, uint32_t offset,
    const uint8_t *marks, uint8_t *saved)
{
	uint32_t off, i;
	int error;

	if (offset < first || (offset - first) / DIRENT_SIZE > WIN_MAXSLOTS)
		return EFSCORRUPTED;
	msdosfs_dirix_drop(ddep); /* freed slots: the free tail is unknown */
	for (off = first, i = 0; off <= offset; off += DIRENT_SIZE, i++) {
		error = dir_putslot(ddep, off, NULL,
		    marks != NULL ? marks[i] : SLOT_DELETED,
		    saved != NULL ? &saved[i] : NULL, NULL);
		if (error != 0)
			return error;
	}
	return 0;
}

int
msdosfs_dir_remove(struct denode *ddep, uint32_t first, uint32_t offset)
{
	return dir_mark(ddep, first, offset, NULL, NULL);
}

int
msdosfs_dir_remove_saved(
    struct denode *ddep, uint32_t first, uint32_t offset, uint8_t *saved)
{
	return dir_mark(ddep, first, offset, NULL, saved);
}

int
msdosfs_dir_unremove(
    struct denode *ddep, uint32_t first, uint32_t offset, const uint8_t *saved)
{
	return dir_mark(ddep, first, offset, saved, NULL);
}

/* --- adding an entry ----------------------------------------------------- */

struct addctx {
	uint8_t ac_basis[11];
	bool ac_basis_used;
	uint8_t *ac_tails; /* bit n: "~n" of the basis is taken */
	uint32_t ac_need;  /* consecutive free slots wanted */
	uint32_t ac_runstart;
	uint32_t ac_runlen;
	bool ac_found;      /* a run of ac_need inside the directory */
	uint32_t ac_endoff; /* the end mark, or the directory size */
};

static void
add_slot_fn(struct msdosfs_dirwalk *dw, uint32_t off, int kind)
{
	struct addctx *ac = dw->dw_arg;

	if (ac->ac_found)
		return;
	if (kind == DWSLOT_USED) {
		ac->ac_runlen = 0;
		return;
	}
	if (kind == DWSLOT_END)
		ac->ac_endoff = off;
	if (ac->ac_runlen == 0)
		ac->ac_runstart = off;
	ac->ac_runlen++;
	if (kind == DWSLOT_FREE && ac->ac_runlen == ac->ac_need)
		ac->ac_found = true;
}

/* Does sfn look like basis with a numeric tail?  Note which. */
static void
add_tail_seen(struct addctx *ac, const uint8_t *sfn)
{
	uint8_t tmp[11];
	unsigned n = 0;
	int i, tilde = -1;

	/* cheap refusals first: this runs for every entry */
	if (memcmp(sfn + 8, ac->ac_basis + 8, 3) != 0 ||
	    (sfn[0] != ac->ac_basis[0] && sfn[0] != '~'))
		return;
	for (i = 0; i < 8; i++)
		if (sfn[i] == '~')
			tilde = i;
	if (tilde < 0 || tilde == 7 || sfn[tilde + 1] == '0')
		return;
	for (i = tilde + 1; i < 8 && sfn[i] != ' '; i++) {
		if (sfn[i] < '0' || sfn[i] > '9')
			return;
		n = n * 10 + (unsigned)(sfn[i] - '0');
		if (n > TAIL_MAX)
			return;
	}
	if (n == 0)
		return;
	msdosfs_sfn_tail(tmp, ac->ac_basis, n);
	if (memcmp(tmp, sfn, 11) == 0)
		ac->ac_tails[n / 8] |= (uint8_t)(1u << (n % 8));
}

static int
add_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	struct addctx *ac = dw->dw_arg;

	if (memcmp(ds->ds_de.de_name, ac->ac_basis, 11) == 0)
		ac->ac_basis_used = true;
	add_tail_seen(ac, ds->ds_de.de_name);
	return 0;
}

/*
 * Walk the directory once: note the short names taken and find the first
 * run of ac_need free slots, else where the directory's free tail starts
 * (*atp), which may run past its end.
 */
static int
add_scan(struct denode *ddep, struct addctx *ac, uint32_t *atp)
{
	struct msdosfs_dirwalk *dw;
	int error;

	ac->ac_found = false;
	ac->ac_runlen = 0;
	ac->ac_basis_used = false;
	ac->ac_endoff = msdosfs_dirsize(ddep);
	if (ac->ac_tails == NULL)
		ac->ac_tails = kmem_alloc(TAIL_MAX / 8 + 1, KM_SLEEP);
	memset(ac->ac_tails, 0, TAIL_MAX / 8 + 1);
	dw = kmem_alloc(sizeof(*dw), KM_SLEEP);
	msdosfs_dirwalk_init(dw, ddep);
	dw->dw_dots = true; /* slots like any other; they never match */
	dw->dw_fn = add_fn;
	dw->dw_slot_fn = add_slot_fn;
	dw->dw_arg = ac;
	error = msdosfs_dirwalk(dw);
	kmem_free(dw, sizeof(*dw));
	if (error != 0)
		return error;
	if (ac->ac_found)
		*atp = ac->ac_runstart;
	else if (ac->ac_runlen > 0)
		*atp = ac->ac_runstart; /* free to the end of the directory */
	else
		*atp = msdosfs_dirsize(ddep);
	return 0;
}

/* Grow directory ddep by nclust zeroed clusters. */
static int
dir_extend(struct denode *ddep, uint32_t nclust)
{
	struct msdosfsmount *pmp = ddep->de_pmp;
	uint32_t have = ddep->de_nclust, last, first, i, pcn;
	int error;

	if (msdosfs_isfixedroot(ddep))
		return ENOSPC;
	if ((uint64_t)ddep->de_size + ((uint64_t)nclust << pmp->pm_cshift) >
	    DIR_MAXSIZE)
		return ENOSPC;
	mutex_enter(&ddep->de_lock);
	error =
	    msdosfs_chain_map(pmp, &ddep->de_chain, have - 1, 0, &last, NULL);
	mutex_exit(&ddep->de_lock);
	if (error == 0 && last == 0)
		error = EFSCORRUPTED;
	if (error != 0)
		return error;
	if ((error = msdosfs_fat_alloc(pmp, last, nclust, &first)) != 0)
		return error;
	for (i = 0; i < nclust && error == 0; i++) {
		mutex_enter(&ddep->de_lock);
		error = msdosfs_chain_map(
		    pmp, &ddep->de_chain, have + i, 0, &pcn, NULL);
		mutex_exit(&ddep->de_lock);
		if (error == 0 && pcn == 0)
			error = EFSCORRUPTED;
		if (error == 0)
			error = msdosfs_clust_zero(pmp, pcn, false);
	}
	ddep->de_nclust += nclust;
	if (error == 0)
		ddep->de_size += nclust << pmp->pm_cshift;
	return error;
}

/* Fill long-name slot `ord` (1-based) of name u[0..n). */
static void
lfn_fill(struct winentry *we, const uint16_t *u, size_t n, int ord, bool last,
    uint8_t cksum)
{
	uint16_t chars[WIN_CHARS];
	size_t i, k;
	int j;

	for (i = 0; i < WIN_CHARS; i++) {
		k = (size_t)(ord - 1) * WIN_CHARS + i;
		chars[i] = k < n ? u[k] : k == n ? 0x0000 : 0xffff;
	}
	memset(we, 0, sizeof(*we));
	we->we_ord = (uint8_t)(ord | (last ? WIN_LAST : 0));
	we->we_attr = ATTR_WIN;
	we->we_cksum = cksum;
	for (j = 0; j < 5; j++)
		le16put(we->we_name1 + 2 * j, chars[j]);
	for (j = 0; j < 6; j++)
		le16put(we->we_name2 + 2 * j, chars[5 + j]);
	for (j = 0; j < 2; j++)
		le16put(we->we_name3 + 2 * j, chars[11 + j]);
}

/* The smallest tail number not taken, from the scan or the index. */
static unsigned
add_pick_tail(const struct addctx *ac, struct msdosfs_dirindex *ix)
{
	uint8_t tmp[11];
	unsigned n;

	for (n = 1; n <= TAIL_MAX; n++) {
		if (ix != NULL) {
			msdosfs_sfn_tail(tmp, ac->ac_basis, n);
			if (!msdosfs_dirix_sfn_used(ix, tmp))
				return n;
		} else if (!(ac->ac_tails[n / 8] & (1u << (n % 8))))
			return n;
	}
	return 0;
}

/*
 * What add_scan() finds, from the index when the directory has one and
 * no freed slots: the entry goes to the free tail.  *ixp: the index
 * used, or NULL when the directory was walked.
 */
static int
add_survey(struct denode *ddep, struct addctx *ac, uint32_t *atp,
    struct msdosfs_dirindex **ixp)
{
	struct msdosfs_dirindex *ix = msdosfs_dirix_get(ddep);

	if (ix != NULL && msdosfs_dirix_tail(ix, atp)) {
		ac->ac_basis_used = msdosfs_dirix_sfn_used(ix, ac->ac_basis);
		ac->ac_endoff = *atp;
		*ixp = ix;
		return 0;
	}
	*ixp = NULL;
	return add_scan(ddep, ac, atp);
}

/*
 * Add an entry for name to directory ddep: de is the short entry to
 * write (attributes, times, cluster, size); its name and case flags are
 * chosen here.  *posp gets the position of the short entry.
 */
int
msdosfs_dir_add(struct denode *ddep, const char *name, size_t namelen,
    struct direntry *de, struct msdosfs_dirpos *posp)
{
	struct msdosfsmount *pmp = ddep->de_pmp;
	struct msdosfs_dirindex *ix;
	struct addctx ac;
	struct winentry we;
	uint16_t *u;
	size_t n;
	uint32_t at, dirsize, nlfn, off, need;
	uint8_t lcase, cksum;
	int kind, error, i;
	bool extended = false;
	int64_t blkno = 0;

	u = kmem_alloc(WIN_MAXLEN * sizeof(*u), KM_SLEEP);
	memset(&ac, 0, sizeof(ac)); /* ac_tails: made by add_scan() */
	error = msdosfs_utf8_to_utf16(name, namelen, u, WIN_MAXLEN, &n);
	if (error == 0)
		error = msdosfs_name_check(u, n);
	if (error != 0)
		goto out;
	kind = msdosfs_sfn_make(u, n, pmp->pm_codepage, ac.ac_basis, &lcase);
	nlfn = (uint32_t)howmany(n, WIN_CHARS);
	ac.ac_need = kind == SFN_EXACT ? 1 : nlfn + 1;
	if ((error = add_survey(ddep, &ac, &at, &ix)) != 0)
		goto out;
	if (kind == SFN_EXACT && ac.ac_basis_used) {
		/* the name is free but its short form is taken */
		kind = SFN_TAIL;
		ac.ac_need = nlfn + 1;
		if (ix == NULL && (error = add_scan(ddep, &ac, &at)) != 0)
			goto out;
	}
	if (kind == SFN_LONG && ac.ac_basis_used)
		kind = SFN_TAIL;
	memcpy(de->de_name, ac.ac_basis, 11);
	de->de_lcase = 0;
	if (kind == SFN_EXACT) {
		de->de_lcase = lcase;
		nlfn = 0;
	} else if (kind == SFN_TAIL) {
		unsigned t = add_pick_tail(&ac, ix);

		if (t == 0) {
			error = ENOSPC;
			goto out;
		}
		msdosfs_sfn_tail(de->de_name, ac.ac_basis, t);
	}
	need = nlfn + 1;
	/* Room: inside the directory, or grow it. */
	dirsize = msdosfs_dirsize(ddep);
	if ((uint64_t)at + need * DIRENT_SIZE > dirsize) {
		error = dir_extend(ddep,
		    (uint32_t)howmany(
		        (uint64_t)at + need * DIRENT_SIZE - dirsize,
		        pmp->pm_csize));
		if (error != 0)
			goto out;
		extended = true;
	}
	cksum = msdosfs_sfn_cksum(de->de_name);
	off = at;
	for (i = (int)nlfn; i >= 1; i--, off += DIRENT_SIZE) {
		lfn_fill(&we, u, n, i, i == (int)nlfn, cksum);
		if ((error = dir_putslot(ddep, off, &we, 0, NULL, NULL)) != 0)
			goto out;
	}
	if ((error = dir_putslot(ddep, off, de, 0, NULL, &blkno)) != 0)
		goto out;
	memset(posp, 0, sizeof(*posp));
	posp->dp_dirclust = msdosfs_dirclust(ddep);
	posp->dp_offset = off;
	posp->dp_blkno = blkno;
	/*
	 * Slots after an end mark are free but may hold old data: keep the
	 * directory ending right after the new entry.
	 */
	off += DIRENT_SIZE;
	if ((off > ac.ac_endoff || extended) && off < msdosfs_dirsize(ddep))
		error = dir_putslot(ddep, off, NULL, SLOT_EMPTY, NULL, NULL);
	if (error == 0)
		msdosfs_dirix_added(ddep, de->de_name, nlfn > 0 ? u : NULL,
		    nlfn > 0 ? n : 0, ix != NULL ? off : 0);
out:
	if (error != 0)
		msdosfs_dirix_drop(ddep); /* slots half written, maybe */
	if (ac.ac_tails != NULL)
		kmem_free(ac.ac_tails, TAIL_MAX / 8 + 1);
	kmem_free(u, WIN_MAXLEN * sizeof(*u));
	return error;
}
