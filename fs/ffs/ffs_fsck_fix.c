/*
 * The writing half of the ffs check (ffs_fsck.c decides what is wrong,
 * these functions put it right): clearing and patching inodes, editing
 * directory entries, rebuilding a cylinder group's maps and counts from
 * what the walk found in use, and lost+found.  Every write is synchronous, because the
 * walk reads blocks again and drops them (B_INVAL) afterwards.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/fsck.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/ffs_fsck.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"

/* Remember a fix to inode ino, made once its inode block is released. */
void
ffs_fsck_queue(struct ffs_fsck *st, ino_t ino, int what, uint64_t val)
{
	struct ffs_fsck_fix *nq;
	size_t cap;

	if (!st->fr->fr_repair)
		return;
	if (st->nfix == st->capfix) {
		cap = st->capfix ? 2 * st->capfix : 64;
		nq = kmem_alloc(cap * sizeof(*nq), KM_SLEEP);
		if (st->nfix > 0)
			memcpy(nq, st->fix, st->nfix * sizeof(*nq));
		if (st->fix != NULL)
			kmem_free(st->fix, st->capfix * sizeof(*nq));
		st->fix = nq;
		st->capfix = cap;
	}
	st->fix[st->nfix].f_ino = ino;
	st->fix[st->nfix].f_what = what;
	st->fix[st->nfix].f_val = val;
	st->nfix++;
	if (what == FFS_FIX_CLEAR)
		st->istate[ino] = FSCK_FREE; /* for the maps of this round */
	fsck_fixed(st->fr);
}

/* Remember that direct block lbn of ino, shared, needs its own copy. */
void
ffs_fsck_queue_clone(
    struct ffs_fsck *st, ino_t ino, daddr_t lbn, int64_t addr, int64_t frags)
{
	ffs_fsck_queue(st, ino, FFS_FIX_CLONE, (uint64_t)lbn);
	if (st->nfix > 0 && st->fix[st->nfix - 1].f_what == FFS_FIX_CLONE) {
		st->fix[st->nfix - 1].f_addr = addr;
		st->fix[st->nfix - 1].f_frags = frags;
	}
}

/* A free run of n fragments inside one block, claimed; 0 when none. */
static int64_t
ffs_fsck_fragalloc(struct ffs_fsck *st, int64_t n)
{
	struct fs *fs = st->fm.fm_fs;
	int64_t a, end, k;
	uint32_t c;

	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		end = ffs_cgbase(fs, c) + ffs_cg_ndblk(fs, c);
		for (a = ffs_cgdmin(fs, c); a + n <= end; a++) {
			if (ffs_fragnum(fs, a) + n > fs->fs_frag)
				continue;
			for (k = 0; k < n && !ffs_isset(st->used, a + k); k++)
				;
			if (k == n) {
				for (k = 0; k < n; k++)
					ffs_setbit(st->used, a + k);
				return a;
			}
		}
	}
	return 0;
}

/* Give direct block f_val of an inode a copy of its shared fragments. */
static int
ffs_fsck_clone(struct ffs_fsck *st, const struct ffs_fsck_fix *f)
{
	struct ufsmount *ump = &st->fm.fm_um;
	int size = (int)(f->f_frags << ump->um_fshift);
	int64_t to = ffs_fsck_fragalloc(st, f->f_frags);
	struct buf *from, *bp;
	struct inode *ip;
	uint8_t din[256];
	int error;

	if (to == 0)
		return ENOSPC;
	/* the shared fragments may be cached as part of a larger block */
	(void)vinvalbuf(ump->um_devvp, true);
	if ((error = bread(ump->um_devvp, UFS_FSBTODB(ump, f->f_addr), size, 0,
	         &from)) != 0)
		return error;
	if ((error = bread(ump->um_devvp, UFS_FSBTODB(ump, to), size, 0,
	         &bp)) != 0) {
		brelse(from, B_INVAL);
		return error;
	}
	memcpy(bp->b_data, from->b_data, (size_t)size);
	brelse(from, B_INVAL);
	if ((error = bwrite(bp)) != 0)
		return error;
	if ((error = ffs_inode_read(&st->fm, f->f_ino, din)) != 0)
		return error;
	ip = ufs_inode_alloc(ump, f->f_ino);
	(void)ufs_dinode_load(ip, din);
	ip->i_db[f->f_val] = to;
	ip->i_flag |= IN_MODIFIED;
	error = ffs_update(ip, UFS_UPDATE_WAIT);
	ufs_inode_free(ip);
	if (error == 0)
		fsck_say(st->fr, "inode %llu: block %lld copied to %lld",
		    (unsigned long long)f->f_ino, (long long)f->f_addr,
		    (long long)to);
	return error;
}

/* Zero inode ino on disk: it is free from now on. */
static int
ffs_fsck_clri(struct ffs_fsck *st, ino_t ino)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct fs *fs = st->fm.fm_fs;
	struct buf *bp;
	int error;

	error = bread(ump->um_devvp, UFS_FSBTODB(ump, ffs_ino_to_fsba(fs, ino)),
	    fs->fs_bsize, 0, &bp);
	if (error != 0)
		return error;
	memset((uint8_t *)bp->b_data +
	        ffs_ino_to_fsbo(fs, ino) * ump->um_dinodesize,
	    0, ump->um_dinodesize);
	return bwrite(bp);
}

/* Change one field of inode ino through the shared inode code. */
static int
ffs_fsck_patch(struct ffs_fsck *st, ino_t ino, int what, uint64_t val)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct inode *ip;
	uint8_t din[256];
	int error;

	if ((error = ffs_inode_read(&st->fm, ino, din)) != 0)
		return error;
	ip = ufs_inode_alloc(ump, ino);
	(void)ufs_dinode_load(ip, din); /* the walk found it sound */
	switch (what) {
	case FFS_FIX_BLOCKS:
		ip->i_blocks = val;
		break;
	case FFS_FIX_NLINK:
		ip->i_nlink = (int32_t)val;
		break;
	case FFS_FIX_SIZE:
		ip->i_size = val;
		break;
	}
	ip->i_flag |= IN_MODIFIED;
	error = ffs_update(ip, UFS_UPDATE_WAIT);
	ufs_inode_free(ip);
	return error;
}

/* Apply the queued inode fixes. */
void
ffs_fsck_apply(struct ffs_fsck *st)
{
	const struct ffs_fsck_fix *f;
	size_t i;
	int error;

	for (i = 0; i < st->nfix; i++) {
		f = &st->fix[i];
		if (f->f_what == FFS_FIX_CLEAR)
			error = ffs_fsck_clri(st, f->f_ino);
		else if (f->f_what == FFS_FIX_CLONE)
			error = ffs_fsck_clone(st, f);
		else
			error = ffs_fsck_patch(st, f->f_ino, f->f_what, f->f_val);
		if (error != 0)
			fsck_say(st->fr, "inode %llu: cannot repair it (error %d)",
			    (unsigned long long)f->f_ino, error);
	}
	st->nfix = 0;
}

/*
 * Drop the entry at pos of a directory chunk: the entry before it (at
 * prev, or -1 when it is the first) takes its room, or it becomes empty.
 * The rest of the chunk from pos is dropped when whole is set (the entry
 * itself is broken).
 */
void
ffs_fsck_dropent(
    struct ffs_fsck *st, uint8_t *chunk, int prev, unsigned pos, bool whole)
{
	bool ns = st->fm.fm_um.um_needswap;
	struct direct *ep = (struct direct *)(chunk + pos), *pp;
	unsigned reclen = ufs_rw16(ep->d_reclen, ns);

	if (whole)
		reclen = UFS_DIRBLKSIZ - pos;
	if (prev >= 0) {
		pp = (struct direct *)(chunk + prev);
		pp->d_reclen = ufs_rw16(
		    (uint16_t)(pos + reclen - (unsigned)prev), ns);
		return;
	}
	ep->d_ino = 0;
	ep->d_reclen = ufs_rw16((uint16_t)reclen, ns);
	if (whole) {
		ep->d_namlen = 0;
		ep->d_type = 0;
	}
}

/* Write a first chunk holding only "." (dino) and ".." (parent). */
void
ffs_fsck_dots(struct ffs_fsck *st, uint8_t *chunk, ino_t dino, uint32_t parent)
{
	struct ufsmount *ump = &st->fm.fm_um;
	bool ns = ump->um_needswap;
	struct direct *ep;
	unsigned i, len;
	uint16_t n16;

	memset(chunk, 0, UFS_DIRBLKSIZ);
	for (i = 0; i < 2; i++) {
		ep = (struct direct *)(chunk + (i == 0 ? 0 : UFS_DIRSIZ(1)));
		len = i == 0 ? UFS_DIRSIZ(1) : UFS_DIRBLKSIZ - UFS_DIRSIZ(1);
		ep->d_ino = ufs_rw32(i == 0 ? (uint32_t)dino : parent, ns);
		ep->d_reclen = ufs_rw16((uint16_t)len, ns);
		if (ump->um_oldfmt) {
			n16 = ufs_rw16((uint16_t)(i + 1), ns);
			memcpy(&ep->d_type, &n16, 2);
		} else {
			ep->d_type = UFS_DT_DIR;
			ep->d_namlen = (uint8_t)(i + 1);
		}
		memcpy(ep->d_name, "..", i + 1);
	}
}

/* Make ".." of directory dino name inode to. */
int
ffs_fsck_setdotdot(struct ffs_fsck *st, ino_t dino, uint32_t to)
{
	struct ufsmount *ump = &st->fm.fm_um;
	bool ns = ump->um_needswap;
	struct inode *ip = ufs_inode_alloc(ump, dino);
	struct direct *ep;
	uint8_t din[256];
	unsigned off;
	daddr_t addr;
	struct buf *bp;
	int error;

	if ((error = ffs_inode_read(&st->fm, dino, din)) != 0 ||
	    (error = ufs_dinode_load(ip, din)) != 0 ||
	    (error = ufs_blkmap(ip, 0, &addr, NULL)) != 0)
		goto out;
	if (addr <= 0) {
		error = EFSCORRUPTED;
		goto out;
	}
	error = bread(ump->um_devvp, UFS_FSBTODB(ump, addr),
	    (int)ufs_blksize(ip, 0), 0, &bp);
	if (error != 0)
		goto out;
	ep = bp->b_data;
	off = ufs_rw16(ep->d_reclen, ns);
	ep = (struct direct *)((uint8_t *)bp->b_data + off);
	if (off < UFS_DIRHDRSIZ || off + UFS_DIRSIZ(2) > UFS_DIRBLKSIZ ||
	    ep->d_namlen != 2 || memcmp(ep->d_name, "..", 2) != 0) {
		brelse(bp, B_INVAL);
		error = EFSCORRUPTED;
		goto out;
	}
	ep->d_ino = ufs_rw32(to, ns);
	error = bwrite(bp);
out:
	ufs_inode_free(ip);
	return error;
}

/*
 * Rewrite the maps and counts of group c (cb read, w what the walk
 * found) and write it.
 */
void
ffs_fsck_cgfix(struct ffs_fsck *st, uint32_t c, struct ffs_cgbuf *cb,
    const struct ffs_cgwant *w)
{
	struct fs *fs = st->fm.fm_fs;
	int32_t ndblk = ffs_cg_ndblk(fs, c), i;
	int64_t h, nblks = howmany(ndblk, fs->fs_frag);
	int64_t nclust = ffs_fragstoblks(fs, ndblk);
	unsigned bits, full = (1u << fs->fs_frag) - 1;
	uint64_t ino;

	for (i = 0; i < fs->fs_ipg; i++) {
		ino = (uint64_t)c * (uint64_t)fs->fs_ipg + (uint64_t)i;
		if (st->istate[ino] != FSCK_FREE || (c == 0 && i < UFS_ROOTINO))
			ffs_setbit(cb->cb_inosused, i);
		else
			ffs_clrbit(cb->cb_inosused, i);
	}
	for (i = 0; i < ndblk; i++) {
		if (ffs_isset(st->used, ffs_cgbase(fs, c) + i))
			ffs_clrbit(cb->cb_blksfree, i);
		else
			ffs_setbit(cb->cb_blksfree, i);
	}
	if (cb->cb_clustersfree != NULL) {
		for (h = 0; h < nclust; h++) {
			bits = ffs_blkbits(fs, cb->cb_blksfree, h);
			if (h < nblks && bits == full)
				ffs_setbit(cb->cb_clustersfree, h);
			else
				ffs_clrbit(cb->cb_clustersfree, h);
		}
		for (i = 1; i <= fs->fs_contigsumsize; i++)
			cb->cb_clustersum[i] = (int32_t)ufs_rw32(
			    (uint32_t)w->clustersum[i], cb->cb_ns);
	}
	for (i = 1; i < fs->fs_frag; i++)
		CG_SET(cb, cg_frsum[i], w->frsum[i]);
	CG_SET(cb, cg_cs.cs_ndir, w->ndir);
	CG_SET(cb, cg_cs.cs_nbfree, w->nbfree);
	CG_SET(cb, cg_cs.cs_nifree, w->nifree);
	CG_SET(cb, cg_cs.cs_nffree, w->nffree);
	if (bwrite(cb->cb_bp) != 0)
		fsck_say(st->fr, "cylinder group %u: cannot write it", c);
	cb->cb_bp = NULL;
}

/* --- lost+found ---------------------------------------------------------- */

/*
 * Call cb for each chunk of directory dino (through its block map); the
 * chunk is written when cb says it changed it.  Stops when cb returns
 * with *stop set.
 */
typedef bool ffs_fsck_chunk_fn(struct ffs_fsck *, uint8_t *chunk, void *arg,
    bool *stop);

static int
ffs_fsck_dirscan(
    struct ffs_fsck *st, ino_t dino, ffs_fsck_chunk_fn *cb, void *arg)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct inode *ip = ufs_inode_alloc(ump, dino);
	uint8_t din[256];
	bool stop = false, dirty;
	daddr_t lbn, addr;
	struct buf *bp;
	long size, off;
	int error;

	if ((error = ffs_inode_read(&st->fm, dino, din)) != 0 ||
	    (error = ufs_dinode_load(ip, din)) != 0)
		goto out;
	for (lbn = 0; !stop && UFS_LBLKTOSIZE(ump, lbn) < (off_t)ip->i_size;
	     lbn++) {
		size = ufs_blksize(ip, lbn);
		if (ufs_blkmap(ip, lbn, &addr, NULL) != 0 || addr <= 0 ||
		    !ufs_addr_valid(
		        ump, addr, (uint32_t)(size >> ump->um_fshift)))
			continue;
		if (bread(ump->um_devvp, UFS_FSBTODB(ump, addr), (int)size, 0,
		        &bp) != 0)
			continue;
		dirty = false;
		for (off = 0; !stop && off + UFS_DIRBLKSIZ <= size &&
		     UFS_LBLKTOSIZE(ump, lbn) + off < (off_t)ip->i_size;
		     off += UFS_DIRBLKSIZ)
			dirty |= cb(st, (uint8_t *)bp->b_data + off, arg, &stop);
		if (dirty)
			error = bwrite(bp);
		else
			brelse(bp, 0);
	}
	if (error == 0 && !stop)
		error = ENOENT;
out:
	ufs_inode_free(ip);
	return error;
}

struct ffs_fsck_name {
	const char *name;
	unsigned namlen;
	uint32_t ino;
	uint8_t type;
};

/* The entry at pos of a chunk: its length, name length, inode. */
static void
ffs_fsck_ent(struct ffs_fsck *st, const uint8_t *chunk, unsigned pos,
    unsigned *reclen, unsigned *namlen, uint32_t *ino)
{
	bool ns = st->fm.fm_um.um_needswap;
	const struct direct *ep = (const void *)(chunk + pos);
	uint16_t n16;

	*reclen = ufs_rw16(ep->d_reclen, ns);
	*ino = ufs_rw32(ep->d_ino, ns);
	*namlen = ep->d_namlen;
	if (st->fm.fm_um.um_oldfmt) {
		memcpy(&n16, &ep->d_type, 2);
		*namlen = ufs_rw16(n16, ns);
	}
}

static bool
ffs_fsck_find_cb(struct ffs_fsck *st, uint8_t *chunk, void *arg, bool *stop)
{
	struct ffs_fsck_name *fn = arg;
	unsigned pos = 0, reclen, namlen;
	uint32_t ino;

	while (pos + UFS_DIRHDRSIZ <= UFS_DIRBLKSIZ) {
		ffs_fsck_ent(st, chunk, pos, &reclen, &namlen, &ino);
		if (reclen < UFS_DIRHDRSIZ || reclen > UFS_DIRBLKSIZ - pos)
			break;
		if (ino != 0 && namlen == fn->namlen &&
		    UFS_DIRHDRSIZ + namlen <= reclen &&
		    memcmp(chunk + pos + UFS_DIRHDRSIZ, fn->name, namlen) == 0) {
			fn->ino = ino;
			*stop = true;
			break;
		}
		pos += reclen;
	}
	return false;
}

/* Put the name where an entry has room for it. */
static bool
ffs_fsck_enter_cb(struct ffs_fsck *st, uint8_t *chunk, void *arg, bool *stop)
{
	struct ffs_fsck_name *fn = arg;
	bool ns = st->fm.fm_um.um_needswap;
	unsigned pos = 0, reclen, namlen, used, need = UFS_DIRSIZ(fn->namlen);
	struct direct *ep;
	uint32_t ino;
	uint16_t n16;

	while (pos + UFS_DIRHDRSIZ <= UFS_DIRBLKSIZ) {
		ffs_fsck_ent(st, chunk, pos, &reclen, &namlen, &ino);
		if (reclen < UFS_DIRHDRSIZ || reclen > UFS_DIRBLKSIZ - pos)
			return false;
		used = ino != 0 ? UFS_DIRSIZ(namlen) : 0;
		if (reclen >= used + need) {
			if (used > 0) {
				ep = (struct direct *)(chunk + pos);
				ep->d_reclen = ufs_rw16((uint16_t)used, ns);
			}
			ep = (struct direct *)(chunk + pos + used);
			memset(ep, 0, need);
			ep->d_ino = ufs_rw32(fn->ino, ns);
			ep->d_reclen = ufs_rw16((uint16_t)(reclen - used), ns);
			if (st->fm.fm_um.um_oldfmt) {
				n16 = ufs_rw16((uint16_t)fn->namlen, ns);
				memcpy(&ep->d_type, &n16, 2);
			} else {
				ep->d_type = fn->type;
				ep->d_namlen = (uint8_t)fn->namlen;
			}
			memcpy(ep->d_name, fn->name, fn->namlen);
			*stop = true;
			return true;
		}
		pos += reclen;
	}
	return false;
}

static int
ffs_fsck_enter(struct ffs_fsck *st, ino_t dino, const char *name,
    uint32_t ino, uint8_t type)
{
	struct ffs_fsck_name fn = {name, (unsigned)strlen(name), ino, type};

	return ffs_fsck_dirscan(st, dino, ffs_fsck_enter_cb, &fn);
}

/* Make /lost+found: a directory of one fragment. */
static uint32_t
ffs_fsck_mklf(struct ffs_fsck *st)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct fs *fs = st->fm.fm_fs;
	int64_t addr, end = ffs_cgbase(fs, 0) + ffs_cg_ndblk(fs, 0);
	struct ffs_cgbuf cb;
	struct inode *ip;
	uint32_t ino, nino = (uint32_t)fs->fs_ipg, off, c;
	struct buf *bp;

	if (st->istate[UFS_ROOTINO] != FSCK_DIR ||
	    ffs_cg_read(&st->fm, 0, &cb) != 0)
		return 0;
	if (ump->um_ufs2)
		nino = (uint32_t)CG_GET(&cb, cg_initediblk);
	for (ino = UFS_ROOTINO + 1; ino < nino; ino++)
		if (st->istate[ino] == FSCK_FREE)
			break;
	if (ino >= nino && ump->um_ufs2 &&
	    nino + (uint32_t)fs->fs_inopb <= (uint32_t)fs->fs_ipg &&
	    bread(ump->um_devvp, UFS_FSBTODB(ump, ffs_ino_to_fsba(fs, nino)),
	        fs->fs_bsize, 0, &bp) == 0) {
		/* UFS2: initialise one more block of inodes */
		memset(bp->b_data, 0, (size_t)fs->fs_bsize);
		if (bwrite(bp) == 0) {
			CG_SET(&cb, cg_initediblk, nino + (uint32_t)fs->fs_inopb);
			ino = nino;
			nino += (uint32_t)fs->fs_inopb;
			(void)bwrite(cb.cb_bp);
			cb.cb_bp = NULL;
		}
	}
	ffs_cg_release(&cb, false);
	for (c = 0, addr = end; c < (uint32_t)fs->fs_ncg && addr >= end; c++) {
		end = ffs_cgbase(fs, c) + ffs_cg_ndblk(fs, c);
		for (addr = ffs_cgdmin(fs, c); addr < end; addr++)
			if (!ffs_isset(st->used, addr))
				break;
	}
	if (ino >= nino || addr >= end || fs->fs_fsize < UFS_DIRBLKSIZ)
		return 0;
	if (bread(ump->um_devvp, UFS_FSBTODB(ump, addr), fs->fs_fsize, 0,
	        &bp) != 0)
		return 0;
	memset(bp->b_data, 0, (size_t)fs->fs_fsize);
	ffs_fsck_dots(st, bp->b_data, ino, UFS_ROOTINO);
	for (off = UFS_DIRBLKSIZ; off < (uint32_t)fs->fs_fsize;
	     off += UFS_DIRBLKSIZ)
		((struct direct *)((uint8_t *)bp->b_data + off))->d_reclen =
		    ufs_rw16(UFS_DIRBLKSIZ, ump->um_needswap);
	if (bwrite(bp) != 0)
		return 0;
	ip = ufs_inode_alloc(ump, ino);
	ip->i_mode = UFS_IFDIR | 0700;
	ip->i_nlink = 2;
	ip->i_size = (uint64_t)fs->fs_fsize;
	ip->i_blocks = (uint64_t)fs->fs_fsize / DEV_BSIZE;
	ip->i_db[0] = addr;
	ip->i_flag |= IN_MODIFIED | IN_CHANGE | IN_UPDATE | IN_ACCESS;
	if (ffs_update(ip, UFS_UPDATE_WAIT) != 0) {
		ufs_inode_free(ip);
		return 0;
	}
	ufs_inode_free(ip);
	/* in use from now on, for the maps of this round */
	ffs_setbit(st->used, addr);
	st->istate[ino] = FSCK_DIR;
	st->dtype[ino] = UFS_DT_DIR;
	st->nlink[ino] = 2; /* its name and "." */
	st->refs[ino] = 2;
	st->parent[ino] = UFS_ROOTINO;
	st->dotdot[ino] = UFS_ROOTINO;
	if (ffs_fsck_enter(st, UFS_ROOTINO, "lost+found", ino, UFS_DT_DIR) != 0)
		return 0; /* the next round clears it */
	fsck_say(st->fr, "made /lost+found (inode %u)", ino);
	return ino;
}

/* The inode of /lost+found, made when missing; 0 when impossible. */
static uint32_t
ffs_fsck_lostfound(struct ffs_fsck *st)
{
	struct ffs_fsck_name fn = {"lost+found", 10, 0, 0};

	if (st->lostfound != 0)
		return st->lostfound == UINT32_MAX ? 0 : st->lostfound;
	st->lostfound = UINT32_MAX;
	if (ffs_fsck_dirscan(st, UFS_ROOTINO, ffs_fsck_find_cb, &fn) == 0) {
		if (fn.ino >= UFS_ROOTINO && fn.ino < st->ninodes &&
		    st->istate[fn.ino] == FSCK_DIR)
			st->lostfound = fn.ino;
	} else if ((fn.ino = ffs_fsck_mklf(st)) != 0)
		st->lostfound = fn.ino;
	return st->lostfound == UINT32_MAX ? 0 : st->lostfound;
}

/*
 * Name inode ino "#ino" in lost+found (a directory's ".." follows); the
 * link counts are set by the next round.  False when there is no room.
 */
bool
ffs_fsck_reconnect(struct ffs_fsck *st, ino_t ino)
{
	uint32_t lf = ffs_fsck_lostfound(st);
	char name[24];

	if (lf == 0 || lf == ino)
		return false;
	ksnprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
	if (ffs_fsck_enter(st, lf, name, (uint32_t)ino, st->dtype[ino]) != 0)
		return false;
	if (st->refs[ino] != UINT16_MAX)
		st->refs[ino]++;
	if (st->istate[ino] == FSCK_DIR)
		(void)ffs_fsck_setdotdot(st, ino, lf);
	fsck_say(st->fr, "inode %llu: now lost+found/%s",
	    (unsigned long long)ino, name);
	return true;
}
