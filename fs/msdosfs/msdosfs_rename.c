/*
 * VOP_RENAME.  On FAT a file is its directory entry, so a rename writes a
 * new entry (with a short name unique in the target directory) carrying
 * the same cluster, size, attributes and times, and then frees the old
 * one.  A replaced target loses its entry first, so that its slots and
 * short name can be reused; if the new entry cannot be written it gets
 * its entry back.  A directory that changes parents has its ".." fixed.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

static bool
same_entry(const struct msdosfs_found *f, const struct denode *dep)
{
	return f->f_pos.dp_dirclust == dep->de_pos.dp_dirclust &&
	    f->f_pos.dp_offset == dep->de_pos.dp_offset;
}

static void
nsubdirs_add(struct denode *ddep, int delta)
{
	mutex_enter(&ddep->de_lock);
	if (ddep->de_nsubdirs >= 0)
		ddep->de_nsubdirs += delta;
	mutex_exit(&ddep->de_lock);
}

int
msdosfs_rename(void *v)
{
	struct vop_rename_args *ap = v;
	struct vnode *fvp = ap->a_fvp, *tvp = ap->a_tvp;
	struct denode *fddep = VTODE(ap->a_fdvp), *tddep = VTODE(ap->a_tdvp);
	struct denode *fdep = VTODE(fvp), *tdep = tvp ? VTODE(tvp) : NULL;
	struct componentname *fcnp = ap->a_fcnp, *tcnp = ap->a_tcnp;
	struct msdosfs_found ff, tf;
	struct msdosfs_dirpos npos;
	struct direntry de;
	uint8_t saved[WIN_MAXSLOTS + 1];
	bool isdir = fvp->v_type == VDIR, moved, empty;
	int error;

	if (fdep->de_pmp->pm_flags & MSDOSFS_RONLY)
		return EROFS;
	/* The names must still lead to the vnodes we were given. */
	error =
	    msdosfs_dir_find(fddep, fcnp->cn_nameptr, fcnp->cn_namelen, &ff);
	if (error != 0)
		return error;
	if (!same_entry(&ff, fdep))
		return ENOENT;
	if (tdep != NULL) {
		error = msdosfs_dir_find(
		    tddep, tcnp->cn_nameptr, tcnp->cn_namelen, &tf);
		if (error != 0)
			return error;
		if (!same_entry(&tf, tdep))
			return ENOENT;
		if (tvp->v_type == VDIR) {
			if (tvp->v_mountedhere != NULL)
				return EBUSY;
			if ((error = msdosfs_dir_isempty(tdep, &empty)) != 0)
				return error;
			if (!empty)
				return ENOTEMPTY;
		}
		error = msdosfs_dir_remove_saved(
		    tddep, tf.f_first, tf.f_pos.dp_offset, saved);
		if (error != 0)
			return error;
	}
	/* The new entry: everything of the old one but the name. */
	msdosfs_deupdat(fdep, false);
	memset(&de, 0, sizeof(de));
	msdosfs_de_toentry(fdep, &de);
	error = msdosfs_dir_add(
	    tddep, tcnp->cn_nameptr, tcnp->cn_namelen, &de, &npos);
	if (error != 0) {
		if (tdep != NULL)
			(void)msdosfs_dir_unremove(
			    tddep, tf.f_first, tf.f_pos.dp_offset, saved);
		return error;
	}
	if (tdep != NULL) {
		msdosfs_de_unlink(tdep);
		if (tvp->v_type == VDIR)
			nsubdirs_add(tddep, -1);
	}
	error = msdosfs_dir_remove(fddep, ff.f_first, ff.f_pos.dp_offset);
	memcpy(fdep->de_name, de.de_name, sizeof(fdep->de_name));
	fdep->de_lcase = de.de_lcase;
	msdosfs_de_rekey(fdep, &npos);
	moved = fddep != tddep;
	if (isdir && moved) {
		int e = msdosfs_dir_setdotdot(fdep,
		    (tddep->de_flag & DE_ROOT) ? 0 : tddep->de_chain.ch_start);

		if (error == 0)
			error = e;
		nsubdirs_add(fddep, -1);
		nsubdirs_add(tddep, 1);
	}
	cache_purge(fvp);
	if (tvp != NULL)
		cache_purge(tvp);
	msdosfs_dirmodified(fddep);
	if (moved)
		msdosfs_dirmodified(tddep);
	return error;
}
