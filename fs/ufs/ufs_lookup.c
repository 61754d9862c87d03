/*
 * Directories: walking, looking up, inserting, removing and rewriting
 * entries in DIRBLKSIZ chunks, and the lookup and readdir operations.
 *
 * Every chunk is checked before it is used (entry lengths add up to the
 * chunk, names fit their entries, inode numbers are in range); a bad one
 * makes the operation fail with EFSCORRUPTED.  Free space is found in one
 * entry's slack, or by compacting a chunk whose slack adds up to enough,
 * or in a new chunk at the end; chunks that become empty at the end of a
 * directory are given back.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ufs/dinode.h"
#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"
#include "ufs/ufsmount.h"

#define DIRMASK ((off_t)UFS_DIRBLKSIZ - 1)

uint8_t
ufs_mode2dt(uint16_t mode)
{
	return (uint8_t)UFS_IFTODT(mode);
}

/* An entry decoded: the fields in host order. */
struct ufs_dent {
	uint32_t ino;
	unsigned reclen;
	unsigned namlen;
	uint8_t type;
	const char *name;
};

static void
ufs_dent_get(const struct ufsmount *ump, const uint8_t *p, struct ufs_dent *d)
{
	const struct direct *ep = (const void *)p;
	bool ns = ump->um_needswap;
	uint16_t n16;

	d->ino = ufs_rw32(ep->d_ino, ns);
	d->reclen = ufs_rw16(ep->d_reclen, ns);
	if (ump->um_oldfmt) {
		memcpy(&n16, &ep->d_type, sizeof(n16));
		d->namlen = ufs_rw16(n16, ns);
		d->type = UFS_DT_UNKNOWN;
	} else {
		d->namlen = ep->d_namlen;
		d->type = ep->d_type;
	}
	d->name = ep->d_name;
}

static void
ufs_dent_put(const struct ufsmount *ump, uint8_t *p, uint32_t ino,
    unsigned reclen, uint8_t type, const char *name, unsigned namlen)
{
	struct direct *ep = (void *)p;
	bool ns = ump->um_needswap;
	uint16_t n16;

	ep->d_ino = ufs_rw32(ino, ns);
	ep->d_reclen = ufs_rw16((uint16_t)reclen, ns);
	if (ump->um_oldfmt) {
		n16 = ufs_rw16((uint16_t)namlen, ns);
		memcpy(&ep->d_type, &n16, sizeof(n16));
	} else {
		ep->d_type = type;
		ep->d_namlen = (uint8_t)namlen;
	}
	if (name != (const char *)ep->d_name)
		memmove(ep->d_name, name, namlen);
	/* NUL-terminate and clear the padding */
	memset(ep->d_name + namlen, 0,
	    UFS_DIRSIZ(namlen) - UFS_DIRHDRSIZ - namlen);
}

static void
ufs_dent_setreclen(const struct ufsmount *ump, uint8_t *p, unsigned reclen)
{
	((struct direct *)(void *)p)->d_reclen =
	    ufs_rw16((uint16_t)reclen, ump->um_needswap);
}

static void
ufs_dent_setino(
    const struct ufsmount *ump, uint8_t *p, uint32_t ino, uint8_t type)
{
	struct direct *ep = (void *)p;

	ep->d_ino = ufs_rw32(ino, ump->um_needswap);
	if (!ump->um_oldfmt)
		ep->d_type = type;
}

static int
ufs_dir_corrupt(const struct inode *dp, off_t off, const char *why)
{
	fs_corrupt(dp->i_ump->um_fsname, "directory %llu, offset %lld: %s",
	    (unsigned long long)dp->i_number, (long long)off, why);
	return EFSCORRUPTED;
}

/* Check the chunk at chunk (directory offset coff) entry by entry. */
static int
ufs_chunk_check(const struct inode *dp, const uint8_t *chunk, off_t coff)
{
	const struct ufsmount *ump = dp->i_ump;
	struct ufs_dent d;
	unsigned pos = 0, i;

	while (pos < UFS_DIRBLKSIZ) {
		if (UFS_DIRBLKSIZ - pos < UFS_DIRHDRSIZ)
			return ufs_dir_corrupt(dp, coff + pos, "short entry");
		ufs_dent_get(ump, chunk + pos, &d);
		if (d.reclen == 0 || (d.reclen & 3) != 0 ||
		    d.reclen > UFS_DIRBLKSIZ - pos)
			return ufs_dir_corrupt(
			    dp, coff + pos, "bad record length");
		if (d.ino != 0 || pos == 0) {
			if (d.namlen > UFS_MAXNAMLEN ||
			    (d.ino != 0 && UFS_DIRSIZ(d.namlen) > d.reclen))
				return ufs_dir_corrupt(
				    dp, coff + pos, "bad name length");
		}
		if (d.ino != 0) {
			if (d.ino >= ump->um_ninodes)
				return ufs_dir_corrupt(dp, coff + pos,
				    "inode number out of range");
			for (i = 0; i < d.namlen; i++)
				if (d.name[i] == '\0' || d.name[i] == '/')
					return ufs_dir_corrupt(dp, coff + pos,
					    "bad character in name");
			if (d.namlen == 0)
				return ufs_dir_corrupt(
				    dp, coff + pos, "empty name");
		}
		pos += d.reclen;
	}
	return 0;
}

/*
 * The buffer holding the chunk at directory offset coff (aligned), busy,
 * and the chunk in it, checked.
 */
static int
ufs_chunk_get(struct inode *dp, off_t coff, struct buf **bpp, uint8_t **chunkp)
{
	struct ufsmount *ump = dp->i_ump;
	daddr_t lbn = UFS_LBLKNO(ump, coff);
	size_t boff = UFS_BLKOFF(ump, coff);
	struct buf *bp;
	int error;

	*bpp = NULL;
	if ((error = bread(ITOV(dp), lbn, (int)ufs_blksize(dp, lbn), 0, &bp)) !=
	    0)
		return error;
	if (boff + UFS_DIRBLKSIZ > bp->b_bcount) {
		brelse(bp, 0);
		return ufs_dir_corrupt(dp, coff, "block shorter than size");
	}
	*chunkp = (uint8_t *)bp->b_data + boff;
	if ((error = ufs_chunk_check(dp, *chunkp, coff)) != 0) {
		brelse(bp, 0);
		return error;
	}
	*bpp = bp;
	return 0;
}

/*
 * Write back a directory buffer we changed.  With ordered metadata, a
 * removed or rewritten entry (order) reaches the disk now, before the
 * link count or the inode it named can drop; a new directory's first
 * block before the entry that names it.
 */
static int
ufs_chunk_put(struct inode *dp, struct buf *bp, bool order)
{
	dp->i_flag |= IN_CHANGE | IN_UPDATE;
	if ((ITOV(dp)->v_mount->mnt_flag & RUMP_MNT_SYNCHRONOUS) ||
	    (order && dp->i_ump->um_ordered))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/* Usable directory length: whole chunks only. */
static off_t
ufs_dir_end(const struct inode *dp)
{
	return (off_t)(dp->i_size & ~(uint64_t)DIRMASK);
}

/*
 * Call cb for each used entry at or after offset start.  A start that is
 * not the offset of an entry begins with the next one.  Returns 0 at the
 * end, or the first non-zero value of cb.
 */
int
ufs_dir_iterate(struct inode *dp, off_t start, ufs_dir_cb *cb, void *arg)
{
	struct ufsmount *ump = dp->i_ump;
	struct ufs_dirent_info de;
	struct ufs_dent d;
	struct buf *bp;
	uint8_t *chunk;
	off_t coff, end = ufs_dir_end(dp);
	unsigned pos;
	int error = 0;

	if (start < 0)
		return EINVAL;
	for (coff = start & ~DIRMASK; error == 0 && coff < end;
	     coff += UFS_DIRBLKSIZ) {
		if ((error = ufs_chunk_get(dp, coff, &bp, &chunk)) != 0)
			break;
		for (pos = 0; error == 0 && pos < UFS_DIRBLKSIZ;
		     pos += d.reclen) {
			ufs_dent_get(ump, chunk + pos, &d);
			if (d.ino == 0 || coff + pos < start)
				continue;
			de.de_off = coff + pos;
			de.de_next = coff + pos + d.reclen;
			de.de_ino = d.ino;
			de.de_namlen = d.namlen;
			de.de_type = d.type;
			de.de_name = d.name;
			error = cb(arg, &de);
		}
		brelse(bp, 0);
	}
	return error;
}

struct ufs_find {
	const char *name;
	size_t len;
	ino_t ino;
	off_t off;
};

static int
ufs_find_cb(void *arg, const struct ufs_dirent_info *de)
{
	struct ufs_find *f = arg;

	if (de->de_namlen != f->len || memcmp(de->de_name, f->name, f->len))
		return 0;
	f->ino = de->de_ino;
	f->off = de->de_off;
	return EJUSTRETURN;
}

/*
 * Does the entry at off carry name?  Sets *inop if so.  ENOENT if not,
 * or if off is no entry's offset.
 */
int
ufs_dir_match(
    struct inode *dp, off_t off, const char *name, size_t len, ino_t *inop)
{
	struct ufs_dent d;
	struct buf *bp;
	uint8_t *chunk;
	unsigned pos;
	int error;

	if (off < 0 || off >= ufs_dir_end(dp))
		return ENOENT;
	if ((error = ufs_chunk_get(dp, off & ~DIRMASK, &bp, &chunk)) != 0)
		return error;
	error = ENOENT;
	for (pos = 0; pos < UFS_DIRBLKSIZ; pos += d.reclen) {
		ufs_dent_get(dp->i_ump, chunk + pos, &d);
		if ((off_t)pos < (off & DIRMASK))
			continue;
		if ((off_t)pos == (off & DIRMASK) && d.ino != 0 &&
		    d.namlen == len && memcmp(d.name, name, len) == 0) {
			*inop = d.ino;
			error = 0;
		}
		break;
	}
	brelse(bp, 0);
	return error;
}

/* Find name in dp: its inode number and the offset of its entry. */
int
ufs_dirlook(
    struct inode *dp, const char *name, size_t len, ino_t *inop, off_t *offp)
{
	struct ufs_find f = {name, len, 0, -1};
	int error;

	error = ufs_dirhash_lookup(dp, name, len, inop, offp);
	if (error != EJUSTRETURN)
		return error;
	error = ufs_dir_iterate(dp, 0, ufs_find_cb, &f);
	if (error == EJUSTRETURN) {
		*inop = f.ino;
		*offp = f.off;
		return 0;
	}
	return error != 0 ? error : ENOENT;
}

/* Bytes of a chunk that an insertion could use, after compaction. */
static unsigned
ufs_chunk_free(const struct ufsmount *ump, const uint8_t *chunk)
{
	struct ufs_dent d;
	unsigned pos, used = 0;

	for (pos = 0; pos < UFS_DIRBLKSIZ; pos += d.reclen) {
		ufs_dent_get(ump, chunk + pos, &d);
		if (d.ino != 0)
			used += UFS_DIRSIZ(d.namlen);
	}
	return UFS_DIRBLKSIZ - used;
}

/*
 * Pack the used entries of a chunk at its start, each with just the room
 * its name needs; returns where the free space now begins.  The chunk is
 * whole again once the caller puts an entry there.
 */
static unsigned
ufs_chunk_compact(struct inode *dp, uint8_t *chunk, off_t coff)
{
	struct ufsmount *ump = dp->i_ump;
	struct ufs_dent d;
	unsigned pos, next, to = 0, size;

	for (pos = 0; pos < UFS_DIRBLKSIZ; pos = next) {
		ufs_dent_get(ump, chunk + pos, &d);
		next = pos + d.reclen;
		if (d.ino == 0)
			continue;
		size = UFS_DIRSIZ(d.namlen);
		if (to != pos) {
			memmove(chunk + to, chunk + pos, size);
			ufs_dirhash_move(dp,
			    (const char *)chunk + to + UFS_DIRHDRSIZ, d.namlen,
			    coff + pos, coff + to);
		}
		ufs_dent_setreclen(ump, chunk + to, size);
		to += size;
	}
	return to;
}

/*
 * Put a new entry into the chunk, which has at least `need` bytes free in
 * all: in one entry's slack if there is such an entry, else after
 * compacting it.  Returns the entry's offset within the chunk.
 */
static unsigned
ufs_chunk_insert(struct inode *dp, uint8_t *chunk, off_t coff, ino_t ino,
    uint8_t type, const char *name, size_t len)
{
	struct ufsmount *ump = dp->i_ump;
	unsigned need = UFS_DIRSIZ(len), pos, size, at;
	struct ufs_dent d;

	for (pos = 0; pos < UFS_DIRBLKSIZ; pos += d.reclen) {
		ufs_dent_get(ump, chunk + pos, &d);
		if (d.ino == 0 && d.reclen >= need) {
			ufs_dent_put(ump, chunk + pos, (uint32_t)ino, d.reclen,
			    type, name, (unsigned)len);
			return pos;
		}
		size = UFS_DIRSIZ(d.namlen);
		if (d.ino != 0 && d.reclen - size >= need) {
			ufs_dent_setreclen(ump, chunk + pos, size);
			at = pos + size;
			ufs_dent_put(ump, chunk + at, (uint32_t)ino,
			    d.reclen - size, type, name, (unsigned)len);
			return at;
		}
	}
	at = ufs_chunk_compact(dp, chunk, coff);
	KASSERT(UFS_DIRBLKSIZ - at >= need);
	ufs_dent_put(ump, chunk + at, (uint32_t)ino, UFS_DIRBLKSIZ - at, type,
	    name, (unsigned)len);
	return at;
}

/* Find a chunk with room for `need` bytes: its offset, or -1. */
static int
ufs_dir_findfree(struct inode *dp, unsigned need, off_t *coffp)
{
	struct ufsmount *ump = dp->i_ump;
	struct buf *bp;
	uint8_t *chunk;
	off_t coff, end = ufs_dir_end(dp);
	int error;

	/* -2: no hash to ask */
	*coffp = ufs_dirhash_findfree(dp, need);
	if (*coffp != -2)
		return 0;
	*coffp = -1;
	for (coff = 0; coff < end; coff += UFS_DIRBLKSIZ) {
		if ((error = ufs_chunk_get(dp, coff, &bp, &chunk)) != 0)
			return error;
		if (ufs_chunk_free(ump, chunk) >= need) {
			brelse(bp, 0);
			*coffp = coff;
			return 0;
		}
		brelse(bp, 0);
	}
	return 0;
}

/* Add a chunk at the end of dp holding just the new entry. */
static int
ufs_dir_append(struct inode *dp, ino_t ino, uint8_t type, const char *name,
    size_t len, kauth_cred_t cred, off_t *offp)
{
	struct ufsmount *ump = dp->i_ump;
	off_t coff = ufs_dir_end(dp);
	uint8_t *chunk;
	struct buf *bp;
	int error;

	if ((uint64_t)coff + UFS_DIRBLKSIZ > ump->um_maxfilesize)
		return EFBIG;
	error = ump->um_ops->uo_balloc(
	    dp, coff, UFS_DIRBLKSIZ, cred, UFS_BALLOC_CLRBUF, &bp);
	if (error != 0)
		return error;
	dp->i_size = (uint64_t)coff + UFS_DIRBLKSIZ;
	ITOV(dp)->v_size = (off_t)dp->i_size;
	chunk = (uint8_t *)bp->b_data + UFS_BLKOFF(ump, coff);
	memset(chunk, 0, UFS_DIRBLKSIZ);
	ufs_dent_put(ump, chunk, (uint32_t)ino, UFS_DIRBLKSIZ, type, name,
	    (unsigned)len);
	*offp = coff;
	ufs_dirhash_newsize(dp);
	/*
	 * The chunk before the inode's new size: an update of the directory
	 * (its link count, ordered) must never make the disk show a chunk
	 * that was not written.
	 */
	return ufs_chunk_put(dp, bp, true);
}

/* Enter name -> ino (of file type `type`, a DT_ value) into dp. */
int
ufs_direnter(struct inode *dp, ino_t ino, uint8_t type, const char *name,
    size_t len, kauth_cred_t cred)
{
	struct ufsmount *ump = dp->i_ump;
	unsigned need = UFS_DIRSIZ(len), at;
	uint8_t *chunk;
	struct buf *bp;
	ino_t other;
	off_t coff, off;
	int error;

	if (len == 0 || len > UFS_MAXNAMLEN)
		return len == 0 ? EINVAL : ENAMETOOLONG;
	/*
	 * The caller looked the name up, but the directory may have been
	 * unlocked since: never enter a name twice.
	 */
	error = ufs_dirlook(dp, name, len, &other, &off);
	if (error != ENOENT)
		return error == 0 ? EEXIST : error;
	if ((error = ufs_dir_findfree(dp, need, &coff)) != 0)
		return error;
	if (coff < 0) {
		error = ufs_dir_append(dp, ino, type, name, len, cred, &off);
		if (error == 0) {
			ufs_dirhash_add(dp, name, len, off);
			ufs_dirhash_setfree(
			    dp, off, UFS_DIRBLKSIZ - UFS_DIRSIZ(len));
		}
		return error;
	}
	if ((error = ufs_chunk_get(dp, coff, &bp, &chunk)) != 0)
		return error;
	if (ufs_chunk_free(ump, chunk) < need) {
		/* the hash's idea of free space was stale */
		brelse(bp, 0);
		ufs_dirhash_free(dp);
		return ufs_direnter(dp, ino, type, name, len, cred);
	}
	at = ufs_chunk_insert(dp, chunk, coff, ino, type, name, len);
	ufs_dirhash_add(dp, name, len, coff + at);
	ufs_dirhash_setfree(dp, coff, ufs_chunk_free(ump, chunk));
	return ufs_chunk_put(dp, bp, false);
}

/* Give back empty chunks at the end of dp (never the first). */
static int
ufs_dir_shrink(struct inode *dp)
{
	struct ufsmount *ump = dp->i_ump;
	struct ufs_dent d;
	struct buf *bp;
	uint8_t *chunk;
	off_t end = ufs_dir_end(dp), coff;
	int error;

	for (coff = end - UFS_DIRBLKSIZ; coff > 0; coff -= UFS_DIRBLKSIZ) {
		if ((error = ufs_chunk_get(dp, coff, &bp, &chunk)) != 0)
			return error;
		ufs_dent_get(ump, chunk, &d);
		brelse(bp, 0);
		if (d.ino != 0 || d.reclen != UFS_DIRBLKSIZ)
			break;
	}
	coff += UFS_DIRBLKSIZ;
	if (coff >= end)
		return 0;
	error = ump->um_ops->uo_truncate(dp, coff, NOCRED);
	ITOV(dp)->v_size = (off_t)dp->i_size;
	ufs_dirhash_newsize(dp);
	return error;
}

/* Remove the entry name from dp; it must name inode ino. */
int
ufs_dirremove(struct inode *dp, const char *name, size_t len, ino_t ino)
{
	struct ufsmount *ump = dp->i_ump;
	struct ufs_dent d, prev;
	unsigned pos, prevpos = 0;
	uint8_t *chunk;
	struct buf *bp;
	ino_t found;
	off_t off, coff;
	bool last;
	int error;

	if ((error = ufs_dirlook(dp, name, len, &found, &off)) != 0)
		return error;
	if (found != ino)
		return ENOENT;
	coff = off & ~DIRMASK;
	if ((error = ufs_chunk_get(dp, coff, &bp, &chunk)) != 0)
		return error;
	memset(&prev, 0, sizeof(prev));
	for (pos = 0; pos < (unsigned)(off & DIRMASK); pos += d.reclen) {
		ufs_dent_get(ump, chunk + pos, &d);
		prevpos = pos;
		prev = d;
	}
	ufs_dent_get(ump, chunk + pos, &d);
	if (pos != (unsigned)(off & DIRMASK) || d.ino != ino) {
		brelse(bp, 0);
		return ufs_dir_corrupt(dp, off, "entry moved under us");
	}
	ufs_dirhash_remove(dp, name, len, off);
	if (pos == 0)
		ufs_dent_setino(ump, chunk, 0, UFS_DT_UNKNOWN);
	else
		ufs_dent_setreclen(
		    ump, chunk + prevpos, prev.reclen + d.reclen);
	ufs_dirhash_setfree(dp, coff, ufs_chunk_free(ump, chunk));
	ufs_dent_get(ump, chunk, &d);
	last = d.ino == 0 && d.reclen == UFS_DIRBLKSIZ && coff > 0 &&
	    coff + UFS_DIRBLKSIZ == ufs_dir_end(dp);
	if ((error = ufs_chunk_put(dp, bp, true)) != 0)
		return error;
	return last ? ufs_dir_shrink(dp) : 0;
}

/* Point the entry name of dp, now naming oldino, at newino instead. */
int
ufs_dirrewrite(struct inode *dp, const char *name, size_t len, ino_t oldino,
    ino_t newino, uint8_t newtype)
{
	struct ufs_dent d;
	uint8_t *chunk;
	struct buf *bp;
	ino_t found;
	off_t off;
	int error;

	if ((error = ufs_dirlook(dp, name, len, &found, &off)) != 0)
		return error;
	if (found != oldino)
		return ENOENT;
	if ((error = ufs_chunk_get(dp, off & ~DIRMASK, &bp, &chunk)) != 0)
		return error;
	ufs_dent_get(dp->i_ump, chunk + (off & DIRMASK), &d);
	if (d.ino != oldino) {
		brelse(bp, 0);
		return ufs_dir_corrupt(dp, off, "entry moved under us");
	}
	ufs_dent_setino(
	    dp->i_ump, chunk + (off & DIRMASK), (uint32_t)newino, newtype);
	return ufs_chunk_put(dp, bp, true);
}

struct ufs_empty {
	ino_t self, parent;
	bool empty;
};

static int
ufs_empty_cb(void *arg, const struct ufs_dirent_info *de)
{
	struct ufs_empty *e = arg;

	if (de->de_namlen == 1 && de->de_name[0] == '.')
		return 0;
	if (de->de_namlen == 2 && de->de_name[0] == '.' &&
	    de->de_name[1] == '.')
		return 0;
	e->empty = false;
	return EJUSTRETURN;
}

/* Does directory ip hold nothing but "." and ".."? */
int
ufs_dirempty(struct inode *ip, ino_t parent, bool *empty)
{
	struct ufs_empty e = {ip->i_number, parent, true};
	int error;

	error = ufs_dir_iterate(ip, 0, ufs_empty_cb, &e);
	if (error == EJUSTRETURN)
		error = 0;
	*empty = e.empty;
	return error;
}

/* The first chunk of a new directory: "." and "..". */
int
ufs_dirinit(struct inode *ip, ino_t parent, kauth_cred_t cred)
{
	struct ufsmount *ump = ip->i_ump;
	unsigned dotsize = UFS_DIRSIZ(1);
	uint8_t *chunk;
	struct buf *bp;
	int error;

	error = ump->um_ops->uo_balloc(
	    ip, 0, UFS_DIRBLKSIZ, cred, UFS_BALLOC_CLRBUF, &bp);
	if (error != 0)
		return error;
	ip->i_size = UFS_DIRBLKSIZ;
	ITOV(ip)->v_size = UFS_DIRBLKSIZ;
	chunk = bp->b_data;
	memset(chunk, 0, UFS_DIRBLKSIZ);
	ufs_dent_put(
	    ump, chunk, (uint32_t)ip->i_number, dotsize, UFS_DT_DIR, ".", 1);
	ufs_dent_put(ump, chunk + dotsize, (uint32_t)parent,
	    UFS_DIRBLKSIZ - dotsize, UFS_DT_DIR, "..", 2);
	return ufs_chunk_put(ip, bp, true);
}

/* VOP_LOOKUP */
int
ufs_lookup(void *v)
{
	struct vop_lookup_args *ap = v;
	struct vnode *dvp = ap->a_dvp;
	struct inode *dp = VTOI(dvp);
	struct componentname *cnp = ap->a_cnp;
	ino_t ino;
	off_t off;
	int error;

	*ap->a_vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (cnp->cn_namelen > UFS_MAXNAMLEN)
		return ENAMETOOLONG;
	if (cnp->cn_flags & ISDOTDOT)
		error = ufs_dirlook(dp, "..", 2, &ino, &off);
	else if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*ap->a_vpp = dvp;
		return 0;
	} else
		error = ufs_dirlook(
		    dp, cnp->cn_nameptr, cnp->cn_namelen, &ino, &off);
	if (error == ENOENT) {
		if ((cnp->cn_flags & ISLASTCN) &&
		    (cnp->cn_nameiop == CREATE || cnp->cn_nameiop == RENAME))
			return EJUSTRETURN;
		return ENOENT;
	}
	if (error != 0)
		return error;
	if (ino == dp->i_number) {
		vref(dvp);
		*ap->a_vpp = dvp;
		return 0;
	}
	return VFS_VGET(dvp->v_mount, ino, LK_NONE, ap->a_vpp);
}

struct ufs_rd {
	struct uio *uio;
	off_t next; /* cookie to resume at */
	bool full;
	int nemitted;
};

static int
ufs_readdir_cb(void *arg, const struct ufs_dirent_info *de)
{
	struct ufs_rd *rd = arg;
	struct rump_dirent d;
	size_t reclen = RUMP_DIRENT_SIZE(de->de_namlen);
	int error;

	if (reclen > rd->uio->uio_resid) {
		rd->full = true;
		rd->next = de->de_off;
		return EJUSTRETURN;
	}
	memset(&d, 0, reclen);
	d.d_fileno = de->de_ino;
	d.d_off = de->de_next;
	d.d_reclen = (uint16_t)reclen;
	d.d_namlen = (uint16_t)de->de_namlen;
	d.d_type = de->de_type;
	memcpy(d.d_name, de->de_name, de->de_namlen);
	if ((error = uiomove(&d, reclen, rd->uio)) != 0)
		return error;
	rd->next = de->de_next;
	rd->nemitted++;
	return 0;
}

/* VOP_READDIR: cookies are byte offsets of entries. */
int
ufs_readdir(void *v)
{
	struct vop_readdir_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *dp = VTOI(vp);
	struct uio *uio = ap->a_uio;
	struct ufs_rd rd;
	off_t end = ufs_dir_end(dp);
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	memset(&rd, 0, sizeof(rd));
	rd.uio = uio;
	rd.next = end;
	if (uio->uio_offset >= end) {
		if (ap->a_eofflag != NULL)
			*ap->a_eofflag = 1;
		return 0;
	}
	error = ufs_dir_iterate(dp, uio->uio_offset, ufs_readdir_cb, &rd);
	if (error == EJUSTRETURN)
		error = 0;
	if (error == 0 && rd.full && rd.nemitted == 0)
		error = EINVAL;
	if (error == 0 || rd.nemitted > 0) {
		uio->uio_offset = rd.full ? rd.next : end;
		error = rd.nemitted > 0 ? 0 : error;
	}
	if (ap->a_eofflag != NULL)
		*ap->a_eofflag = !rd.full;
	return error;
}
