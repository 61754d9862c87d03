/*
 * In-core nodes (denodes): loading one from its directory entry, making
 * one for a new entry, writing the entry back, growing and truncating the
 * cluster chain, and the file numbers we report.
 *
 * The key of a denode is the position of its directory entry (or a fixed
 * key for the root).  File numbers are the first cluster, which survives
 * renames; a file without clusters is numbered by its entry's position,
 * in a range no cluster number reaches.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

/* b_private of file buffers whose b_blkno is already mapped. */
char msdosfs_premapped;

uint64_t
msdosfs_fileno(const struct msdosfsmount *pmp, uint32_t startclust,
    uint32_t dirclust, uint32_t offset)
{
	if (msdosfs_validclust(pmp, startclust))
		return startclust;
	return MSDOSFS_POSINO_BASE | ((uint64_t)dirclust << 16) |
	    (offset >> DIRENT_SHIFT);
}

uint64_t
msdosfs_de_fileno(const struct denode *dep)
{
	if (dep->de_flag & DE_ROOT)
		return MSDOSFS_ROOTINO;
	return msdosfs_fileno(dep->de_pmp, dep->de_chain.ch_start,
	    dep->de_pos.dp_dirclust, dep->de_pos.dp_offset);
}

static struct denode *
de_alloc(struct msdosfsmount *pmp, struct vnode *vp)
{
	struct denode *dep;

	dep = kmem_zalloc(sizeof(*dep), KM_SLEEP);
	dep->de_pmp = pmp;
	dep->de_vnode = vp;
	dep->de_nsubdirs = -1;
	mutex_init(&dep->de_lock);
	return dep;
}

void
msdosfs_de_free(struct denode *dep)
{
	msdosfs_dirix_drop(dep);
	mutex_destroy(&dep->de_lock);
	kmem_free(dep, sizeof(*dep));
}

void
msdosfs_de_fromentry(struct denode *dep, const struct direntry *de)
{
	memcpy(dep->de_name, de->de_name, sizeof(dep->de_name));
	dep->de_attr = de->de_attr;
	dep->de_lcase = de->de_lcase & (LCASE_BASE | LCASE_EXT);
	dep->de_ctime_cs = de->de_ctime_cs;
	dep->de_ctime = le16get(de->de_ctime);
	dep->de_cdate = le16get(de->de_cdate);
	dep->de_adate = le16get(de->de_adate);
	dep->de_mtime = le16get(de->de_mtime);
	dep->de_mdate = le16get(de->de_mdate);
	dep->de_size = le32get(de->de_size);
	dep->de_nclust =
	    (uint32_t)(((uint64_t)dep->de_size + dep->de_pmp->pm_csize - 1) >>
	        dep->de_pmp->pm_cshift);
	memset(&dep->de_chain, 0, sizeof(dep->de_chain));
	dep->de_chain.ch_start = msdosfs_de_startclust(dep->de_pmp, de);
}

void
msdosfs_de_toentry(const struct denode *dep, struct direntry *de)
{
	memcpy(de->de_name, dep->de_name, sizeof(de->de_name));
	de->de_attr = dep->de_attr;
	de->de_lcase = dep->de_lcase;
	de->de_ctime_cs = dep->de_ctime_cs;
	le16put(de->de_ctime, dep->de_ctime);
	le16put(de->de_cdate, dep->de_cdate);
	le16put(de->de_adate, dep->de_adate);
	le16put(de->de_mtime, dep->de_mtime);
	le16put(de->de_mdate, dep->de_mdate);
	msdosfs_de_setclust(dep->de_pmp, de, dep->de_chain.ch_start);
	le32put(de->de_size, msdosfs_isdir(dep) ? 0 : dep->de_size);
}

/* Size a directory by its chain, which must not be absurdly long. */
static int
de_dirsize(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t n;
	int error;

	error = msdosfs_chain_length(
	    pmp, dep->de_chain.ch_start, DIR_MAXSIZE >> pmp->pm_cshift, &n);
	if (error != 0)
		return error;
	if (n == 0) {
		fs_corrupt(MSDOSFS_NAME, "directory without clusters");
		return EFSCORRUPTED;
	}
	dep->de_size = n << pmp->pm_cshift;
	dep->de_nclust = n;
	return 0;
}

static int
de_loadroot(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;

	dep->de_flag = DE_ROOT;
	dep->de_attr = ATTR_DIRECTORY;
	memset(dep->de_name, ' ', sizeof(dep->de_name));
	dep->de_mdate = dep->de_cdate = dep->de_adate = (1 << 5) | 1;
	if (pmp->pm_fatbits != 32) {
		dep->de_size = pmp->pm_rootsecs << pmp->pm_bpsshift;
		return 0;
	}
	dep->de_chain.ch_start = pmp->pm_rootclust;
	return de_dirsize(dep);
}

/* Read the entry at dep->de_pos and take its fields. */
static int
de_loadentry(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	const struct msdosfs_dirpos *pos = &dep->de_pos;
	const struct direntry *de;
	struct buf *bp;
	int bsize, error;

	bsize = (int)(pos->dp_dirclust == 0 ? pmp->pm_bps : pmp->pm_csize);
	if (pos->dp_blkno < 0 || (pos->dp_offset & (DIRENT_SIZE - 1)) != 0 ||
	    (uint64_t)pos->dp_blkno + ((uint64_t)bsize >> DEV_BSHIFT) >
	        pmp->pm_devsize >> DEV_BSHIFT)
		return ENOENT;
	error = bread(pmp->pm_devvp, pos->dp_blkno, bsize, 0, &bp);
	if (error != 0)
		return error;
	de = (const struct direntry *)((const uint8_t *)bp->b_data +
	    (pos->dp_offset & (uint32_t)(bsize - 1)));
	if (de->de_name[0] == SLOT_EMPTY || de->de_name[0] == SLOT_DELETED ||
	    dirent_is_lfn(de) || (de->de_attr & ATTR_VOLUME)) {
		brelse(bp, 0);
		return ENOENT; /* a stale key: the entry went away */
	}
	msdosfs_de_fromentry(dep, de);
	brelse(bp, 0);
	if (dep->de_attr & ATTR_DIRECTORY) {
		if (!msdosfs_validclust(pmp, dep->de_chain.ch_start)) {
			fs_corrupt(MSDOSFS_NAME,
			    "directory entry at offset %u "
			    "of directory %u: first cluster %#x",
			    pos->dp_offset, pos->dp_dirclust,
			    dep->de_chain.ch_start);
			return EFSCORRUPTED;
		}
		return de_dirsize(dep);
	}
	return 0;
}

static void
de_setvnode(struct denode *dep, struct vnode *vp)
{
	vp->v_type = msdosfs_isdir(dep) ? VDIR : VREG;
	vp->v_op = msdosfs_vnodeop_p;
	vp->v_data = dep;
	vp->v_size = vp->v_type == VDIR ? msdosfs_dirsize(dep) : dep->de_size;
	if (dep->de_flag & DE_ROOT)
		vp->v_vflag |= VV_ROOT;
}

int
msdosfs_loadvnode(struct mount *mp, struct vnode *vp, const void *key,
    size_t keylen, const void **new_key)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	struct msdosfs_dirpos pos;
	struct denode *dep;
	int error;

	KASSERT(keylen == sizeof(pos));
	memcpy(&pos, key, sizeof(pos));
	if (pos.dp_dirclust == MSDOSFS_UNLINKEDKEY)
		return ENOENT;
	dep = de_alloc(pmp, vp);
	dep->de_pos = pos;
	if (pos.dp_dirclust == MSDOSFS_ROOTKEY)
		error = de_loadroot(dep);
	else
		error = de_loadentry(dep);
	if (error != 0) {
		msdosfs_de_free(dep);
		return error;
	}
	de_setvnode(dep, vp);
	*new_key = &dep->de_pos;
	return 0;
}

int
msdosfs_deget(struct msdosfsmount *pmp, const struct msdosfs_dirpos *pos,
    struct vnode **vpp)
{
	struct msdosfs_dirpos key;

	memset(&key, 0, sizeof(key));
	key.dp_dirclust = pos->dp_dirclust;
	key.dp_offset = pos->dp_offset;
	key.dp_blkno = pos->dp_dirclust == MSDOSFS_ROOTKEY ? 0 : pos->dp_blkno;
	if (key.dp_dirclust == MSDOSFS_ROOTKEY)
		key.dp_offset = 0;
	return vcache_get(pmp->pm_mountp, &key, sizeof(key), vpp);
}

/* Stamp the times of a new entry. */
static void
de_newtimes(struct direntry *de)
{
	struct timespec now;
	uint16_t d, t;
	uint8_t cs;

	getnanotime(&now);
	msdosfs_unix2dos(&now, &d, &t, &cs);
	de->de_ctime_cs = cs;
	le16put(de->de_ctime, t);
	le16put(de->de_cdate, d);
	le16put(de->de_adate, d);
	le16put(de->de_mtime, t);
	le16put(de->de_mdate, d);
}

/* Write the "." and ".." entries of a new directory at cluster cn. */
static int
de_mkdots(struct msdosfsmount *pmp, uint32_t cn, uint32_t parent,
    const struct direntry *tmpl)
{
	struct direntry *de;
	struct buf *bp;

	bp = getblk(pmp->pm_devvp, msdosfs_cntodb(pmp, cn), (int)pmp->pm_csize);
	memset(bp->b_data, 0, pmp->pm_csize);
	de = bp->b_data;
	de[0] = *tmpl;
	memcpy(de[0].de_name, ".          ", 11);
	de[0].de_lcase = 0;
	msdosfs_de_setclust(pmp, &de[0], cn);
	de[1] = de[0];
	memcpy(de[1].de_name, "..         ", 11);
	msdosfs_de_setclust(pmp, &de[1], parent);
	bp->b_flags |= B_META;
	bdwrite(bp);
	return 0;
}

/*
 * vcache_new's half: add an entry named by the componentname in extra to
 * directory dvp and set up vp for it.  Directories get a zeroed cluster
 * with "." and "..".
 */
int
msdosfs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    struct vattr *vap, kauth_cred_t cred, void *extra, size_t *keylen,
    const void **new_key)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	struct componentname *cnp = extra;
	struct denode *ddep = VTODE(dvp), *dep;
	struct msdosfs_dirpos pos;
	struct direntry de;
	uint32_t cn = 0;
	int error;

	if (vap->va_type != VREG && vap->va_type != VDIR)
		return EOPNOTSUPP;
	memset(&de, 0, sizeof(de));
	de_newtimes(&de);
	de.de_attr = vap->va_type == VDIR ? ATTR_DIRECTORY : ATTR_ARCHIVE;
	if (vap->va_type == VREG && vap->va_mode != (mode_t)VNOVAL &&
	    (vap->va_mode & 0200) == 0)
		de.de_attr |= ATTR_RDONLY;
	if (vap->va_type == VDIR) {
		if ((error = msdosfs_fat_alloc(pmp, 0, 1, &cn)) != 0)
			return error;
		/* ".." of a directory in the root is 0, on FAT32 too */
		error = de_mkdots(pmp, cn,
		    (ddep->de_flag & DE_ROOT) ? 0 : ddep->de_chain.ch_start,
		    &de);
		if (error != 0) {
			msdosfs_fat_freechain(pmp, cn);
			return error;
		}
		msdosfs_de_setclust(pmp, &de, cn);
	}
	error =
	    msdosfs_dir_add(ddep, cnp->cn_nameptr, cnp->cn_namelen, &de, &pos);
	if (error != 0) {
		if (cn != 0) {
			msdosfs_clust_forget(pmp, cn);
			msdosfs_fat_freechain(pmp, cn);
		}
		return error;
	}
	dep = de_alloc(pmp, vp);
	dep->de_pos = pos;
	msdosfs_de_fromentry(dep, &de);
	if (vap->va_type == VDIR) {
		dep->de_size = pmp->pm_csize;
		dep->de_nclust = 1;
		dep->de_nsubdirs = 0;
		mutex_enter(&ddep->de_lock);
		if (ddep->de_nsubdirs >= 0)
			ddep->de_nsubdirs++;
		mutex_exit(&ddep->de_lock);
	}
	msdosfs_dirmodified(ddep);
	de_setvnode(dep, vp);
	*keylen = sizeof(dep->de_pos);
	*new_key = &dep->de_pos;
	return 0;
}

/* Write the entry of dep back if it changed. */
int
msdosfs_deupdat(struct denode *dep, bool wait)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct direntry *de;
	struct buf *bp;
	int bsize, error;

	if (!(dep->de_flag & DE_MODIFIED))
		return 0;
	dep->de_flag &= ~DE_MODIFIED;
	if ((dep->de_flag & (DE_ROOT | DE_UNLINKED)) ||
	    (pmp->pm_flags & MSDOSFS_RONLY))
		return 0;
	bsize =
	    (int)(dep->de_pos.dp_dirclust == 0 ? pmp->pm_bps : pmp->pm_csize);
	error = bread(pmp->pm_devvp, dep->de_pos.dp_blkno, bsize, 0, &bp);
	if (error != 0) {
		dep->de_flag |= DE_MODIFIED;
		return error;
	}
	de = (struct direntry *)((uint8_t *)bp->b_data +
	    (dep->de_pos.dp_offset & (uint32_t)(bsize - 1)));
	if (memcmp(de->de_name, dep->de_name, sizeof(de->de_name)) != 0) {
		brelse(bp, 0);
		fs_corrupt(MSDOSFS_NAME,
		    "the entry of a file changed under it "
		    "(directory %u, offset %u)",
		    dep->de_pos.dp_dirclust, dep->de_pos.dp_offset);
		return EFSCORRUPTED;
	}
	msdosfs_de_toentry(dep, de);
	bp->b_flags |= B_META;
	if (wait)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

void
msdosfs_de_rekey(struct denode *dep, const struct msdosfs_dirpos *pos)
{
	dep->de_pos = *pos;
	vcache_rekey(DETOV(dep), &dep->de_pos, sizeof(dep->de_pos));
}

/*
 * The entry of dep is gone: give the node a key no entry can have.  Its
 * clusters stay until the last reference goes (VOP_INACTIVE).
 */
int
msdosfs_de_unlink(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct msdosfs_dirpos pos;
	uint64_t gen;

	mutex_enter(&pmp->pm_fatlock);
	gen = pmp->pm_unlinkgen++;
	mutex_exit(&pmp->pm_fatlock);
	memset(&pos, 0, sizeof(pos));
	pos.dp_dirclust = MSDOSFS_UNLINKEDKEY;
	pos.dp_offset = (uint32_t)gen;
	pos.dp_blkno = (int64_t)(gen >> 32);
	dep->de_flag |= DE_UNLINKED;
	dep->de_flag &= ~DE_MODIFIED;
	msdosfs_de_rekey(dep, &pos);
	return 0;
}

/* Map logical cluster lcn of dep; *pcnp 0 past the end of the chain. */
int
msdosfs_bmap_cn(struct denode *dep, uint32_t lcn, uint32_t maxrun,
    uint32_t *pcnp, uint32_t *runp)
{
	int error = 0;

	mutex_enter(&dep->de_lock);
	/* Once per file: a loop or a short chain is an error, not data. */
	if (!dep->de_chainok && !msdosfs_isdir(dep)) {
		error = msdosfs_chain_verify(
		    dep->de_pmp, dep->de_chain.ch_start, dep->de_nclust);
		dep->de_chainok = error == 0;
	}
	if (error == 0)
		error = msdosfs_chain_map(
		    dep->de_pmp, &dep->de_chain, lcn, maxrun, pcnp, runp);
	mutex_exit(&dep->de_lock);
	return error;
}

/* Clusters that a file of dep's size needs. */
static uint32_t
de_nclust(const struct denode *dep)
{
	return (
	    uint32_t)(((uint64_t)dep->de_size + dep->de_pmp->pm_csize - 1) >>
	    dep->de_pmp->pm_cshift);
}

/*
 * Grow the chain of file dep to nclust clusters.  All or nothing; a
 * file's first cluster reaches its entry at once, so that the file
 * number readdir reports agrees with stat.
 */
int
msdosfs_de_alloc(struct denode *dep, uint32_t nclust)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t have = dep->de_nclust, last = 0, first;
	int error = 0;

	if (nclust <= have)
		return 0;
	mutex_enter(&dep->de_lock);
	if (have > 0 && dep->de_chain.ch_start != 0) {
		error = msdosfs_chain_map(
		    pmp, &dep->de_chain, have - 1, 0, &last, NULL);
		if (error == 0 && last == 0) {
			fs_corrupt(MSDOSFS_NAME,
			    "file at cluster %u: chain "
			    "shorter than its size",
			    dep->de_chain.ch_start);
			error = EFSCORRUPTED;
		}
	}
	mutex_exit(&dep->de_lock);
	if (error != 0)
		return error;
	if ((error = msdosfs_fat_alloc(pmp, last, nclust - have, &first)) != 0)
		return error;
	dep->de_nclust = nclust;
	if (last == 0) {
		mutex_enter(&dep->de_lock);
		memset(&dep->de_chain, 0, sizeof(dep->de_chain));
		dep->de_chain.ch_start = first;
		mutex_exit(&dep->de_lock);
		dep->de_flag |= DE_MODIFIED;
		error = msdosfs_deupdat(dep, false);
	}
	return error;
}

/* A zeroed buffer for cluster lcn of file dep, mapped, to be written. */
static int
de_zerobuf(struct denode *dep, uint32_t lcn)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct buf *bp;
	uint32_t pcn;
	int error;

	if ((error = msdosfs_bmap_cn(dep, lcn, 0, &pcn, NULL)) != 0)
		return error;
	if (pcn == 0)
		return EFSCORRUPTED;
	bp = getblk(DETOV(dep), lcn, (int)pmp->pm_csize);
	memset(bp->b_data, 0, pmp->pm_csize);
	bp->b_blkno = msdosfs_cntodb(pmp, pcn);
	bp->b_private = &msdosfs_premapped;
	bdwrite(bp);
	return 0;
}

/*
 * Make file dep length bytes long (longer than now): FAT has no holes,
 * so the new part is allocated and zeroed, as is the rest of the old
 * last cluster.
 */
int
msdosfs_deextend(struct denode *dep, uint32_t length)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct vnode *vp = DETOV(dep);
	uint32_t have = de_nclust(dep), want, lcn, boff;
	struct buf *bp;
	int error;

	if (length <= dep->de_size)
		return 0;
	want = (uint32_t)(((uint64_t)length + pmp->pm_csize - 1) >>
	    pmp->pm_cshift);
	boff = dep->de_size & (pmp->pm_csize - 1);
	if (boff != 0) {
		error = bread(vp, dep->de_size >> pmp->pm_cshift,
		    (int)pmp->pm_csize, 0, &bp);
		if (error != 0)
			return error;
		memset((uint8_t *)bp->b_data + boff, 0, pmp->pm_csize - boff);
		bdwrite(bp);
	}
	if ((error = msdosfs_de_alloc(dep, want)) != 0)
		return error;
	for (lcn = have; lcn < want; lcn++)
		if ((error = de_zerobuf(dep, lcn)) != 0)
			return error;
	dep->de_size = length;
	vp->v_size = length;
	dep->de_flag |= DE_MODIFIED;
	return 0;
}

/*
 * Make file dep length bytes long (shorter than now): drop the cached
 * blocks past the end first, so that none is written to a cluster that
 * is freed; point the entry away before freeing the whole chain.
 */
int
msdosfs_detrunc(struct denode *dep, uint32_t length)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct vnode *vp = DETOV(dep);
	uint32_t keep, old, last;
	int error = 0;

	if (length >= dep->de_size)
		return 0;
	keep = (uint32_t)(((uint64_t)length + pmp->pm_csize - 1) >>
	    pmp->pm_cshift);
	vtruncbuf(vp, keep);
	mutex_enter(&dep->de_lock);
	if (keep == 0) {
		old = dep->de_chain.ch_start;
		memset(&dep->de_chain, 0, sizeof(dep->de_chain));
		mutex_exit(&dep->de_lock);
		dep->de_size = 0;
		dep->de_nclust = 0;
		vp->v_size = 0;
		dep->de_flag |= DE_MODIFIED;
		if ((error = msdosfs_deupdat(dep, false)) != 0)
			return error;
		return msdosfs_fat_freechain(pmp, old);
	}
	error =
	    msdosfs_chain_map(pmp, &dep->de_chain, keep - 1, 0, &last, NULL);
	mutex_exit(&dep->de_lock);
	if (error == 0 && last != 0)
		error = msdosfs_fat_cut(pmp, last);
	dep->de_nclust = keep;
	dep->de_size = length;
	vp->v_size = length;
	dep->de_flag |= DE_MODIFIED;
	return error;
}

/* Mark times: access (date only) and modification. */
void
msdosfs_de_touch(struct denode *dep, bool access, bool modify)
{
	struct timespec now;
	uint16_t d, t;

	if (dep->de_flag & DE_ROOT)
		return;
	getnanotime(&now);
	msdosfs_unix2dos(&now, &d, &t, NULL);
	if (modify) {
		dep->de_mdate = d;
		dep->de_mtime = t;
		if (!(dep->de_attr & ATTR_DIRECTORY))
			dep->de_attr |= ATTR_ARCHIVE; /* "needs a backup" */
		dep->de_flag |= DE_MODIFIED;
	}
	if ((access || modify) && dep->de_adate != d) {
		dep->de_adate = d;
		dep->de_flag |= DE_MODIFIED;
	}
}

/* A directory's contents changed: its modification time moves. */
int
msdosfs_dirmodified(struct denode *ddep)
{
	if (ddep->de_pmp->pm_mountp->mnt_flag & MNT_RDONLY)
		return 0;
	msdosfs_de_touch(ddep, false, true);
	return 0;
}

/* Zero cluster cn through the device's cache (directory clusters). */
int
msdosfs_clust_zero(struct msdosfsmount *pmp, uint32_t cn, bool sync)
{
	struct buf *bp;

	bp = getblk(pmp->pm_devvp, msdosfs_cntodb(pmp, cn), (int)pmp->pm_csize);
	memset(bp->b_data, 0, pmp->pm_csize);
	bp->b_flags |= B_META;
	if (sync)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/*
 * Drop the device's cached copy of cluster cn, dirty or not: it is being
 * freed, and a late write must not land on the next owner's data.
 */
void
msdosfs_clust_forget(struct msdosfsmount *pmp, uint32_t cn)
{
	daddr_t blk = msdosfs_cntodb(pmp, cn);
	struct buf *bp;

	if (incore(pmp->pm_devvp, blk) == NULL)
		return;
	bp = getblk(pmp->pm_devvp, blk, (int)pmp->pm_csize);
	bp->b_flags &= ~B_DELWRI;
	brelse(bp, B_INVAL);
}

/* Forget the cached clusters of directory dep (being freed). */
int
msdosfs_dir_forget(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t lcn, n = dep->de_nclust, pcn;
	int error;

	for (lcn = 0; lcn < n; lcn++) {
		if ((error = msdosfs_bmap_cn(dep, lcn, 0, &pcn, NULL)) != 0)
			return error;
		if (pcn == 0)
			break;
		msdosfs_clust_forget(pmp, pcn);
	}
	return 0;
}
