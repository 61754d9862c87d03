/*
 * Walking directories: the one loop over directory entries that lookup,
 * readdir, the emptiness and subdirectory counts, the search for a
 * directory's own entry (for "..") and entry creation all use.  It
 * assembles long names from their VFAT entries, checking order and
 * checksum; a broken set is ignored and its short name used instead.
 *
 * Directory blocks are read from the device: a cluster at a time, or a
 * sector at a time in the fixed root of FAT12/16.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

/* Cookies of readdir: "." and "..", then entry offsets plus this. */
#define COOKIE_DOT    0
#define COOKIE_DOTDOT 32
#define COOKIE_BASE   64

uint32_t
msdosfs_de_startclust(const struct msdosfsmount *pmp, const struct direntry *de)
{
	uint32_t cn = le16get(de->de_clust_lo);

	if (pmp->pm_fatbits == 32)
		cn |= (uint32_t)le16get(de->de_clust_hi) << 16;
	return cn;
}

void
msdosfs_de_setclust(
    const struct msdosfsmount *pmp, struct direntry *de, uint32_t cn)
{
	le16put(de->de_clust_lo, (uint16_t)cn);
	le16put(
	    de->de_clust_hi, pmp->pm_fatbits == 32 ? (uint16_t)(cn >> 16) : 0);
}

/* The cluster that names directory dep in the keys of its entries. */
uint32_t
msdosfs_dirclust(const struct denode *dep)
{
	return msdosfs_isfixedroot(dep) ? 0 : dep->de_chain.ch_start;
}

uint32_t
msdosfs_dirsize(const struct denode *dep)
{
	const struct msdosfsmount *pmp = dep->de_pmp;

	if (msdosfs_isfixedroot(dep))
		return pmp->pm_rootsecs << pmp->pm_bpsshift;
	return MIN(dep->de_size, DIR_MAXSIZE);
}

/*
 * The device block that holds byte off of a directory: chain NULL means
 * the fixed root.  ENOENT past the end of the directory.
 */
int
msdosfs_dirblk(struct msdosfsmount *pmp, struct msdosfs_chain *chain,
    kmutex_t *lock, uint32_t off, daddr_t *blknop, int *bsizep)
{
	uint32_t pcn;
	int error;

	if (chain == NULL) {
		if (off >= pmp->pm_rootsecs << pmp->pm_bpsshift)
			return ENOENT;
		*blknop = msdosfs_sectodb(
		    pmp, pmp->pm_rootstart + (off >> pmp->pm_bpsshift));
		*bsizep = (int)pmp->pm_bps;
		return 0;
	}
	if (off >= DIR_MAXSIZE)
		return ENOENT;
	if (lock != NULL)
		mutex_enter(lock);
	error =
	    msdosfs_chain_map(pmp, chain, off >> pmp->pm_cshift, 0, &pcn, NULL);
	if (lock != NULL)
		mutex_exit(lock);
	if (error != 0)
		return error;
	if (pcn == 0)
		return ENOENT;
	*blknop = msdosfs_cntodb(pmp, pcn);
	*bsizep = (int)pmp->pm_csize;
	return 0;
}

void
msdosfs_dirwalk_init(struct msdosfs_dirwalk *dw, struct denode *dep)
{
	memset(dw, 0, sizeof(*dw));
	dw->dw_pmp = dep->de_pmp;
	if (!msdosfs_isfixedroot(dep)) {
		dw->dw_chain = &dep->de_chain;
		dw->dw_lock = &dep->de_lock;
	}
	dw->dw_end = msdosfs_dirsize(dep);
}

/* A walk of a directory known only by its chain (NULL: fixed root). */
void
msdosfs_dirwalk_initclust(struct msdosfs_dirwalk *dw, struct msdosfsmount *pmp,
    struct msdosfs_chain *chain)
{
	memset(dw, 0, sizeof(*dw));
	dw->dw_pmp = pmp;
	dw->dw_chain = chain;
	dw->dw_end =
	    chain == NULL ? pmp->pm_rootsecs << pmp->pm_bpsshift : DIR_MAXSIZE;
}

/* Long-name assembly state. */
struct lfnstate {
	int ls_next; /* ord of the last slot taken; 0: none pending */
	uint8_t ls_cksum;
	int ls_nslots;
	uint32_t ls_first;
};

static void
lfn_piece(uint16_t *dst, const uint8_t *src, int n)
{
	int i;

	for (i = 0; i < n; i++)
		dst[i] = le16get(src + 2 * i);
}

static void
lfn_take(struct lfnstate *ls, const struct winentry *we, uint32_t off,
    uint16_t *lname)
{
	int ord = we->we_ord & WIN_ORDMASK;
	uint16_t *p;

	if (we->we_ord & WIN_LAST) {
		ls->ls_next = 0;
		if (ord == 0 || ord > WIN_MAXSLOTS)
			return;
		ls->ls_nslots = ord;
		ls->ls_cksum = we->we_cksum;
		ls->ls_first = off;
	} else if (ls->ls_next == 0 || ord != ls->ls_next - 1 ||
	    we->we_cksum != ls->ls_cksum) {
		ls->ls_next = 0; /* out of order: an orphan */
		return;
	}
	ls->ls_next = ord;
	p = lname + (ord - 1) * WIN_CHARS;
	lfn_piece(p, we->we_name1, 5);
	lfn_piece(p + 5, we->we_name2, 6);
	lfn_piece(p + 11, we->we_name3, 2);
}

/* The length of the long name completed by short entry de, or 0. */
static size_t
lfn_finish(
    struct lfnstate *ls, const struct direntry *de, const uint16_t *lname)
{
	size_t n, len;

	if (ls->ls_next != 1 || msdosfs_sfn_cksum(de->de_name) != ls->ls_cksum)
		return 0;
	n = (size_t)ls->ls_nslots * WIN_CHARS;
	for (len = 0; len < n && lname[len] != 0; len++)
		continue;
	if (len == 0 || len > WIN_MAXLEN)
		return 0;
	return len;
}

static bool
is_dotname(const uint8_t *name)
{
	return memcmp(name, ".          ", 11) == 0 ||
	    memcmp(name, "..         ", 11) == 0;
}

int
msdosfs_dirwalk(struct msdosfs_dirwalk *dw)
{
	struct msdosfsmount *pmp = dw->dw_pmp;
	struct msdosfs_dirslot *ds = &dw->dw_slot;
	struct lfnstate ls = {0, 0, 0, 0};
	const struct direntry *de;
	uint32_t off, boff, end = MIN(dw->dw_end, DIR_MAXSIZE);
	uint8_t *blk = NULL;
	size_t blksize = 0;
	struct buf *bp;
	daddr_t blkno;
	int bsize, error = 0;

	off = roundup(dw->dw_start, DIRENT_SIZE);
	dw->dw_sawend = false;
	while (off < end) {
		error = msdosfs_dirblk(
		    pmp, dw->dw_chain, dw->dw_lock, off, &blkno, &bsize);
		if (error == ENOENT) {
			error = 0;
			break;
		}
		if (error != 0)
			break;
		if ((error = bread(pmp->pm_devvp, blkno, bsize, 0, &bp)) != 0)
			break;
		/* Work on a copy: fn may read this block itself. */
		if (blk == NULL) {
			blksize = (size_t)bsize;
			blk = kmem_alloc(blksize, KM_SLEEP);
		}
		KASSERT((size_t)bsize == blksize);
		memcpy(blk, bp->b_data, blksize);
		brelse(bp, 0);
		for (boff = off & (uint32_t)(bsize - 1);
		     boff < (uint32_t)bsize && off < end;
		     boff += DIRENT_SIZE, off += DIRENT_SIZE) {
			de = (const struct direntry *)(blk + boff);
			if (de->de_name[0] == SLOT_EMPTY) {
				dw->dw_sawend = true;
				if (dw->dw_slot_fn != NULL)
					dw->dw_slot_fn(dw, off, DWSLOT_END);
				goto done;
			}
			if (de->de_name[0] == SLOT_DELETED) {
				ls.ls_next = 0;
				if (dw->dw_slot_fn != NULL)
					dw->dw_slot_fn(dw, off, DWSLOT_FREE);
				continue;
			}
			if (dw->dw_slot_fn != NULL)
				dw->dw_slot_fn(dw, off, DWSLOT_USED);
			if (dirent_is_lfn(de)) {
				lfn_take(&ls, (const struct winentry *)de, off,
				    ds->ds_lname);
				continue;
			}
			if ((de->de_attr & ATTR_VOLUME) ||
			    (!dw->dw_dots && is_dotname(de->de_name))) {
				ls.ls_next = 0;
				continue;
			}
			ds->ds_offset = off;
			ds->ds_blkno = blkno;
			ds->ds_de = *de;
			ds->ds_lnamelen = lfn_finish(&ls, de, ds->ds_lname);
			ds->ds_first = ds->ds_lnamelen > 0 ? ls.ls_first : off;
			ls.ls_next = 0;
			if (dw->dw_fn == NULL)
				continue;
			error = dw->dw_fn(dw, ds);
			if (error == MSDOSFS_STOP) {
				error = 0;
				goto done;
			}
			if (error != 0)
				goto done;
		}
	}
done:
	dw->dw_stopped = off;
	if (blk != NULL)
		kmem_free(blk, blksize);
	return error;
}

/* --- questions about a directory ---------------------------------------- */

static int
isempty_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	*(bool *)dw->dw_arg = false;
	return MSDOSFS_STOP;
}

int
msdosfs_dir_isempty(struct denode *dep, bool *emptyp)
{
	struct msdosfs_dirwalk dw;

	*emptyp = true;
	msdosfs_dirwalk_init(&dw, dep);
	dw.dw_fn = isempty_fn;
	dw.dw_arg = emptyp;
	return msdosfs_dirwalk(&dw);
}

static int
nsubdirs_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	if (ds->ds_de.de_attr & ATTR_DIRECTORY)
		(*(int *)dw->dw_arg)++;
	return 0;
}

/* The number of subdirectories, counted once and then kept up to date. */
int
msdosfs_dir_nsubdirs(struct denode *dep, int *np)
{
	struct msdosfs_dirwalk dw;
	int n = 0, error;

	mutex_enter(&dep->de_lock);
	*np = dep->de_nsubdirs;
	mutex_exit(&dep->de_lock);
	if (*np >= 0)
		return 0;
	msdosfs_dirwalk_init(&dw, dep);
	dw.dw_fn = nsubdirs_fn;
	dw.dw_arg = &n;
	if ((error = msdosfs_dirwalk(&dw)) != 0)
		return error;
	mutex_enter(&dep->de_lock);
	dep->de_nsubdirs = n;
	mutex_exit(&dep->de_lock);
	*np = n;
	return 0;
}

/*
 * The parent recorded in the ".." entry of the directory at clust: a
 * cluster, or 0 for the root (FAT32 roots are written as 0 too, but some
 * systems write the root cluster).
 */
int
msdosfs_dir_dotdot(struct msdosfsmount *pmp, uint32_t clust, uint32_t *parentp)
{
	const struct direntry *de;
	struct buf *bp;
	int error;

	if (!msdosfs_validclust(pmp, clust)) {
		fs_corrupt(MSDOSFS_NAME, "directory at cluster %#x", clust);
		return EFSCORRUPTED;
	}
	error = bread(pmp->pm_devvp, msdosfs_cntodb(pmp, clust),
	    (int)pmp->pm_csize, 0, &bp);
	if (error != 0)
		return error;
	de = (const struct direntry *)bp->b_data + 1;
	if (memcmp(de->de_name, "..         ", 11) != 0 ||
	    !(de->de_attr & ATTR_DIRECTORY)) {
		brelse(bp, 0);
		fs_corrupt(MSDOSFS_NAME,
		    "directory at cluster %u has no \"..\"", clust);
		return EFSCORRUPTED;
	}
	*parentp = msdosfs_de_startclust(pmp, de);
	brelse(bp, 0);
	if (*parentp == pmp->pm_rootclust)
		*parentp = 0;
	if (*parentp != 0 && !msdosfs_validclust(pmp, *parentp)) {
		fs_corrupt(MSDOSFS_NAME,
		    "directory at cluster %u: \"..\" "
		    "points at %#x",
		    clust, *parentp);
		return EFSCORRUPTED;
	}
	return 0;
}

/* Point the ".." entry of dep at parentclust (0: the root). */
int
msdosfs_dir_setdotdot(struct denode *dep, uint32_t parentclust)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct direntry *de;
	struct buf *bp;
	int error;

	error =
	    bread(pmp->pm_devvp, msdosfs_cntodb(pmp, dep->de_chain.ch_start),
	        (int)pmp->pm_csize, 0, &bp);
	if (error != 0)
		return error;
	de = (struct direntry *)bp->b_data + 1;
	if (memcmp(de->de_name, "..         ", 11) != 0) {
		brelse(bp, 0);
		fs_corrupt(MSDOSFS_NAME,
		    "directory at cluster %u has no \"..\"",
		    dep->de_chain.ch_start);
		return EFSCORRUPTED;
	}
	msdosfs_de_setclust(pmp, de, parentclust);
	bdwrite(bp);
	return 0;
}

struct findclust {
	uint32_t fc_clust;
	struct msdosfs_dirslot fc_found;
	bool fc_ok;
};

static int
findclust_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	struct findclust *fc = dw->dw_arg;

	if (!(ds->ds_de.de_attr & ATTR_DIRECTORY) ||
	    msdosfs_de_startclust(dw->dw_pmp, &ds->ds_de) != fc->fc_clust)
		return 0;
	fc->fc_found = *ds;
	fc->fc_ok = true;
	return MSDOSFS_STOP;
}

/*
 * Where the entry of directory dep's parent lives: its ".." names the
 * parent's cluster, the parent's ".." the grandparent, in which we look
 * for the entry that points at the parent.  The root has a fixed key.
 */
int
msdosfs_dir_parent(struct denode *dep, struct msdosfs_dirpos *pos)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct msdosfs_dirwalk *dw;
	struct msdosfs_chain gch;
	struct findclust *fc;
	uint32_t parent, grand;
	int error;

	memset(pos, 0, sizeof(*pos));
	if ((error = msdosfs_dir_dotdot(
	         pmp, dep->de_chain.ch_start, &parent)) != 0)
		return error;
	if (parent == 0) {
		pos->dp_dirclust = MSDOSFS_ROOTKEY;
		return 0;
	}
	if (parent == dep->de_chain.ch_start) {
		fs_corrupt(MSDOSFS_NAME,
		    "directory at cluster %u is its own "
		    "parent",
		    parent);
		return EFSCORRUPTED;
	}
	if ((error = msdosfs_dir_dotdot(pmp, parent, &grand)) != 0)
		return error;
	memset(&gch, 0, sizeof(gch));
	gch.ch_start = grand != 0 ? grand : pmp->pm_rootclust;
	dw = kmem_alloc(sizeof(*dw), KM_SLEEP);
	fc = kmem_zalloc(sizeof(*fc), KM_SLEEP);
	msdosfs_dirwalk_initclust(dw, pmp, gch.ch_start != 0 ? &gch : NULL);
	fc->fc_clust = parent;
	dw->dw_fn = findclust_fn;
	dw->dw_arg = fc;
	error = msdosfs_dirwalk(dw);
	if (error == 0 && !fc->fc_ok) {
		fs_corrupt(MSDOSFS_NAME,
		    "directory at cluster %u is not in "
		    "its parent (cluster %u)",
		    parent, grand);
		error = EFSCORRUPTED;
	}
	if (error == 0) {
		pos->dp_dirclust = gch.ch_start;
		pos->dp_offset = fc->fc_found.ds_offset;
		pos->dp_blkno = fc->fc_found.ds_blkno;
	}
	kmem_free(fc, sizeof(*fc));
	kmem_free(dw, sizeof(*dw));
	return error;
}

/* --- readdir -------------------------------------------------------------- */

struct rdctx {
	struct uio *rc_uio;
	struct denode *rc_dep;
	off_t rc_next; /* cookie to continue at */
	bool rc_full;
	bool rc_any;
	char rc_name[RUMP_MAXNAMLEN + 1];
};

static int
rd_emit(struct rdctx *rc, uint64_t fileno, const char *name, size_t len,
    uint8_t type, off_t next)
{
	struct rump_dirent d;
	size_t reclen = RUMP_DIRENT_SIZE(len);
	int error;

	if (reclen > rc->rc_uio->uio_resid) {
		rc->rc_full = true;
		return MSDOSFS_STOP;
	}
	memset(&d, 0, reclen);
	d.d_fileno = fileno;
	d.d_off = next;
	d.d_reclen = (uint16_t)reclen;
	d.d_namlen = (uint16_t)len;
	d.d_type = type;
	memcpy(d.d_name, name, len);
	if ((error = uiomove(&d, reclen, rc->rc_uio)) != 0)
		return error;
	rc->rc_next = next;
	rc->rc_any = true;
	return 0;
}

static int
readdir_fn(struct msdosfs_dirwalk *dw, struct msdosfs_dirslot *ds)
{
	struct rdctx *rc = dw->dw_arg;
	struct msdosfsmount *pmp = dw->dw_pmp;
	const struct direntry *de = &ds->ds_de;
	uint16_t sname[13];
	size_t len = SIZE_MAX, n;
	int error;

	if (ds->ds_lnamelen > 0)
		len = msdosfs_utf16_to_utf8(
		    ds->ds_lname, ds->ds_lnamelen, rc->rc_name, RUMP_MAXNAMLEN);
	if (len == SIZE_MAX) {
		/* no long name, or one too long for us in UTF-8 */
		n = msdosfs_sfn_decode(
		    de->de_name, de->de_lcase, pmp->pm_codepage, sname);
		len = msdosfs_utf16_to_utf8(
		    sname, n, rc->rc_name, RUMP_MAXNAMLEN);
		if (len == SIZE_MAX || len == 0)
			return 0;
	}
	error = rd_emit(rc,
	    msdosfs_fileno(pmp, msdosfs_de_startclust(pmp, de),
	        msdosfs_dirclust(rc->rc_dep), ds->ds_offset),
	    rc->rc_name, len,
	    (de->de_attr & ATTR_DIRECTORY) ? RUMP_DT_DIR : RUMP_DT_REG,
	    COOKIE_BASE + ds->ds_offset + DIRENT_SIZE);
	if (error == MSDOSFS_STOP)
		rc->rc_next = COOKIE_BASE + ds->ds_first;
	return error;
}

/* The file number of the parent of dep, for "..". */
static uint64_t
readdir_parentino(struct denode *dep)
{
	uint32_t parent;

	if ((dep->de_flag & DE_ROOT) ||
	    msdosfs_dir_dotdot(dep->de_pmp, dep->de_chain.ch_start, &parent) !=
	        0 ||
	    parent == 0)
		return MSDOSFS_ROOTINO;
	return parent;
}

/*
 * VOP_READDIR.  Cookies: 0 is ".", 32 is "..", and COOKIE_BASE plus the
 * offset of an entry's first slot is that entry; any other value is
 * rounded up to the next slot, so a garbage cookie lands somewhere sane.
 */
int
msdosfs_readdir(void *v)
{
	struct vop_readdir_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct denode *dep = VTODE(vp);
	struct uio *uio = ap->a_uio;
	struct msdosfs_dirwalk *dw;
	struct rdctx *rc;
	off_t off = uio->uio_offset;
	int error = 0;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (off < 0)
		return EINVAL;
	rc = kmem_zalloc(sizeof(*rc), KM_SLEEP);
	rc->rc_uio = uio;
	rc->rc_dep = dep;
	rc->rc_next = off;
	if (off <= COOKIE_DOT) {
		error = rd_emit(rc, msdosfs_de_fileno(dep), ".", 1, RUMP_DT_DIR,
		    COOKIE_DOTDOT);
		off = COOKIE_DOTDOT;
	}
	if (error == 0 && off <= COOKIE_DOTDOT) {
		error = rd_emit(rc, readdir_parentino(dep), "..", 2,
		    RUMP_DT_DIR, COOKIE_BASE);
		off = COOKIE_BASE;
	}
	if (error == 0 && off - COOKIE_BASE < (off_t)DIR_MAXSIZE) {
		dw = kmem_alloc(sizeof(*dw), KM_SLEEP);
		msdosfs_dirwalk_init(dw, dep);
		dw->dw_start = (uint32_t)(off - COOKIE_BASE);
		dw->dw_fn = readdir_fn;
		dw->dw_arg = rc;
		error = msdosfs_dirwalk(dw);
		kmem_free(dw, sizeof(*dw));
	}
	if (error == MSDOSFS_STOP)
		error = 0;
	if (error == 0 && rc->rc_full && !rc->rc_any)
		error = EINVAL; /* not even one entry fits */
	uio->uio_offset = rc->rc_next;
	if (ap->a_eofflag != NULL)
		*ap->a_eofflag = error == 0 && !rc->rc_full;
	kmem_free(rc, sizeof(*rc));
	return error;
}
