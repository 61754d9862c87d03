/*
 * Directories: one iterator walks the entries (checking each record
 * before trusting it) and calls back; lookup and readdir are callbacks.
 *
 * An entry's cookie (the readdir offset) is its byte offset in the
 * directory.  Inline-data directories have no "." and ".." records, so
 * they get the cookies 0 and 1; their real entries start at byte 4.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"

#define E2FS_INLINE_DOT_OFF    0
#define E2FS_INLINE_DOTDOT_OFF 1

static int
ext2fs_dir_corrupt(const struct ext2fs_inode *dp, off_t off, const char *what)
{
	fs_corrupt(E2FS_FSNAME, "directory inode %llu, offset %lld: %s",
	    (unsigned long long)dp->i_number, (long long)off, what);
	return EFSCORRUPTED;
}

/* 64 KiB blocks do not fit a 16-bit record length: it is encoded. */
size_t
ext2fs_dir_reclen(const struct ext2fs_mount *ump, uint16_t raw)
{
	size_t len = e2fs_le16(raw);

	if (ump->um_bsize < 65536)
		return len;
	if (len == 65535 || len == 0)
		return ump->um_bsize;
	return (len & 65532) | ((len & 3) << 16);
}

uint16_t
ext2fs_dir_reclen_enc(const struct ext2fs_mount *ump, size_t len)
{
	if (len < 65536)
		return e2fs_le16((uint16_t)len);
	if (len == ump->um_bsize)
		return e2fs_le16(ump->um_bsize == 65536 ? 65535 : 0);
	return e2fs_le16((uint16_t)((len & 65532) | ((len >> 16) & 3)));
}

/*
 * Walk the records of one chunk of a directory (a block, or a part of an
 * inline directory): data[0..len) sits at offset base.  Every record is
 * checked, also those before start, so that a cookie that is not the
 * start of a record resynchronises at the next one.
 */
int
ext2fs_dir_chunk(struct ext2fs_inode *dp, uint8_t *data, size_t len, off_t base,
    off_t start, int flags, bool *dirty, ext2fs_dir_cb *cb, void *arg)
{
	const struct ext2fs_mount *ump = dp->i_ump;
	bool filetype = E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE);
	struct ext2fs_dirent_info de;
	struct ext2fs_direct d;
	size_t pos, reclen, prev = SIZE_MAX;
	int error;

	de.de_chunk = data;
	de.de_dirty = dirty;
	for (pos = 0; pos < len; prev = pos, pos += reclen) {
		if (len - pos < E2FS_DIRHDR_SIZE)
			return ext2fs_dir_corrupt(
			    dp, base + (off_t)pos, "truncated record");
		memcpy(&d, data + pos, sizeof(d));
		reclen = ext2fs_dir_reclen(ump, d.e2d_reclen);
		if (reclen < E2FS_DIRSIZ(1) || (reclen & E2FS_DIR_ROUND) != 0 ||
		    reclen > len - pos || reclen < E2FS_DIRSIZ(d.e2d_namlen))
			return ext2fs_dir_corrupt(
			    dp, base + (off_t)pos, "bad record length");
		de.de_ino = e2fs_le32(d.e2d_ino);
		de.de_name = (const char *)data + pos + E2FS_DIRHDR_SIZE;
		if (de.de_ino == 0) {
			if (!(flags & E2FS_DIRWALK_EMPTY) ||
			    base + (off_t)pos < start)
				continue;
		} else if (de.de_ino > ump->um_ninodes || d.e2d_namlen == 0 ||
		    (!filetype && d.e2d_type != 0) ||
		    memchr(de.de_name, '\0', d.e2d_namlen) != NULL ||
		    memchr(de.de_name, '/', d.e2d_namlen) != NULL) {
			/* No POSIX name holds NUL or '/': damage. */
			return ext2fs_dir_corrupt(
			    dp, base + (off_t)pos, "bad entry");
		}
		if (base + (off_t)pos < start)
			continue;
		de.de_off = base + (off_t)pos;
		de.de_nextoff = de.de_off + (off_t)reclen;
		de.de_namlen = d.e2d_namlen;
		de.de_type = filetype && d.e2d_type < EXT2_FT_MAX
		    ? d.e2d_type
		    : EXT2_FT_UNKNOWN;
		de.de_pos = pos;
		de.de_prevpos = prev;
		de.de_reclen = reclen;
		/* A callback that changes the records must stop the walk. */
		if ((error = cb(arg, &de)) != 0)
			return error;
	}
	return 0;
}

/* An inline directory: ".", "..", then the records in i_block and value. */
static int
ext2fs_dir_iterate_inline(struct ext2fs_inode *dp, off_t start, int flags,
    ext2fs_dir_cb *cb, void *arg)
{
	struct ext2fs_dirent_info de;
	uint32_t parent;
	int error;

	if (flags & E2FS_DIRWALK_WRITE)
		return EROFS; /* read-write mounts refuse inline_data */
	memset(&de, 0, sizeof(de));
	memcpy(&parent, dp->i_din->i_block, sizeof(parent));
	parent = e2fs_le32(parent);
	if (parent == 0 || parent > dp->i_ump->um_ninodes)
		return ext2fs_dir_corrupt(dp, 0, "bad parent inode");
	de.de_type = EXT2_FT_DIR;
	if (start <= E2FS_INLINE_DOT_OFF) {
		de.de_off = E2FS_INLINE_DOT_OFF;
		de.de_nextoff = E2FS_INLINE_DOTDOT_OFF;
		de.de_ino = dp->i_number;
		de.de_namlen = 1;
		de.de_name = ".";
		if ((error = cb(arg, &de)) != 0)
			return error;
	}
	if (start <= E2FS_INLINE_DOTDOT_OFF) {
		de.de_off = E2FS_INLINE_DOTDOT_OFF;
		de.de_nextoff = E2FS_INLINE_DOTDOT_SIZE;
		de.de_ino = parent;
		de.de_namlen = 2;
		de.de_name = "..";
		if ((error = cb(arg, &de)) != 0)
			return error;
	}
	error = ext2fs_dir_chunk(dp,
	    (uint8_t *)dp->i_din->i_block + E2FS_INLINE_DOTDOT_SIZE,
	    E2FS_IBLOCK_BYTES - E2FS_INLINE_DOTDOT_SIZE,
	    E2FS_INLINE_DOTDOT_SIZE, start, flags, NULL, cb, arg);
	if (error == 0 && dp->i_inline_len > 0)
		error = ext2fs_dir_chunk(dp,
		    (uint8_t *)(uintptr_t)ext2fs_inline_value(dp),
		    dp->i_inline_len, E2FS_IBLOCK_BYTES, start, flags, NULL, cb,
		    arg);
	return error;
}

/* The cookie just past the last entry. */
static off_t
ext2fs_dir_endoff(const struct ext2fs_inode *dp)
{
	if (dp->i_flags & EXT4_INLINE_DATA_FL)
		return (off_t)ext2fs_inline_size(dp);
	return (off_t)dp->i_size;
}

/*
 * Call cb for the entries of directory dp from cookie start on (flags:
 * E2FS_DIRWALK_*).  Returns 0 at the end, or the first nonzero value cb
 * returned.  The caller holds dp's vnode locked (exclusive to write).
 */
int
ext2fs_dir_walk(struct ext2fs_inode *dp, off_t start, int flags,
    ext2fs_dir_cb *cb, void *arg)
{
	struct ext2fs_mount *ump = dp->i_ump;
	daddr_t lbn, nblocks;
	struct buf *bp;
	size_t len;
	bool dirty;
	int error = 0;

	if (start < 0)
		return EINVAL;
	if (dp->i_flags & EXT4_INLINE_DATA_FL)
		return ext2fs_dir_iterate_inline(dp, start, flags, cb, arg);
	nblocks = E2FS_LBLKNO(ump, dp->i_size);
	for (lbn = E2FS_LBLKNO(ump, start); lbn < nblocks && error == 0;
	     lbn++) {
		error = bread(ITOV(dp), lbn, (int)ump->um_bsize, 0, &bp);
		if (error != 0)
			break;
		len = ext2fs_dirblk_len(ump, bp->b_data);
		dirty = false;
		error = ext2fs_dir_chunk(dp, bp->b_data, len,
		    E2FS_LBLKTOOFF(ump, lbn), start, flags, &dirty, cb, arg);
		if (dirty) {
			KASSERT(flags & E2FS_DIRWALK_WRITE);
			ext2fs_dirblk_csum_set(dp, bp->b_data);
			bdwrite(bp);
		} else
			brelse(bp, 0);
	}
	return error;
}

int
ext2fs_dir_iterate(
    struct ext2fs_inode *dp, off_t start, ext2fs_dir_cb *cb, void *arg)
{
	return ext2fs_dir_walk(dp, start, 0, cb, arg);
}

/* --- lookup ------------------------------------------------------------- */

struct ext2fs_lookup_state {
	const char *name;
	size_t namelen;
	off_t stop; /* give up at this cookie */
	ino_t ino;
	off_t off;
};

static int
ext2fs_lookup_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct ext2fs_lookup_state *ls = arg;

	if (de->de_off >= ls->stop)
		return ENOENT;
	if (de->de_namlen != ls->namelen ||
	    memcmp(de->de_name, ls->name, ls->namelen) != 0)
		return 0;
	ls->ino = de->de_ino;
	ls->off = de->de_off;
	return EJUSTRETURN;
}

/*
 * Find name in dp: its inode number, or ENOENT.  The search starts where
 * the last one ended and wraps around, so that looking up the names of a
 * listing in order (ls -l) costs one pass, not one per name.
 */
int
ext2fs_dir_find(
    struct ext2fs_inode *dp, const char *name, size_t namelen, ino_t *inop)
{
	struct ext2fs_lookup_state ls = {name, namelen, INT64_MAX, 0, 0};
	off_t hint = __atomic_load_n(&dp->i_diroff, __ATOMIC_RELAXED);
	int error;

	error = ext2fs_dir_iterate(dp, hint, ext2fs_lookup_cb, &ls);
	if (error == 0 && hint > 0) {
		ls.stop = hint;
		error = ext2fs_dir_iterate(dp, 0, ext2fs_lookup_cb, &ls);
	}
	if (error == 0)
		error = ENOENT;
	if (error != EJUSTRETURN)
		return error;
	if (ext2fs_ino_check(dp->i_ump, ls.ino) != 0) {
		fs_corrupt(E2FS_FSNAME,
		    "directory inode %llu, offset %lld: entry names reserved "
		    "inode %llu",
		    (unsigned long long)dp->i_number, (long long)ls.off,
		    (unsigned long long)ls.ino);
		return EFSCORRUPTED;
	}
	__atomic_store_n(&dp->i_diroff, ls.off, __ATOMIC_RELAXED);
	*inop = ls.ino;
	return 0;
}

/*
 * VOP_LOOKUP: find one component in directory dvp (locked).  The result
 * is returned referenced and unlocked; "." returns dvp itself.
 */
int
ext2fs_lookup(void *v)
{
	struct vop_lookup_args *ap = v;
	struct vnode *dvp = ap->a_dvp;
	struct componentname *cnp = ap->a_cnp;
	struct ext2fs_inode *dp = VTOI(dvp);
	struct ext2fs_mount *ump = dp->i_ump;
	bool last = (cnp->cn_flags & ISLASTCN) != 0;
	uint32_t op = cnp->cn_nameiop;
	ino_t ino;
	int error;

	*ap->a_vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if ((error = VOP_ACCESS(dvp, VEXEC, cnp->cn_cred)) != 0)
		return error;
	if (cnp->cn_namelen > E2FS_MAXNAMLEN)
		return ENAMETOOLONG;

	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.')
		ino = dp->i_number;
	else {
		error =
		    ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &ino);
		if (error == ENOENT && last && (op == CREATE || op == RENAME))
			return ump->um_ronly ? EROFS : EJUSTRETURN;
		if (error != 0)
			return error;
	}
	if (last && ump->um_ronly && (op == DELETE || op == RENAME))
		return EROFS;

	if (ino == dp->i_number) {
		vref(dvp);
		*ap->a_vpp = dvp;
		return 0;
	}
	error = vcache_get(dvp->v_mount, &ino, sizeof(ino), ap->a_vpp);
	if (error == ENOENT) {
		fs_corrupt(E2FS_FSNAME,
		    "directory inode %llu: entry names free inode %llu",
		    (unsigned long long)dp->i_number, (unsigned long long)ino);
		error = EFSCORRUPTED;
	}
	return error;
}

/* --- readdir ---------------------------------------------------------------
 */

static const uint8_t ext2fs_ft2dt[EXT2_FT_MAX] = {
    [EXT2_FT_UNKNOWN] = RUMP_DT_UNKNOWN,
    [EXT2_FT_REG_FILE] = RUMP_DT_REG,
    [EXT2_FT_DIR] = RUMP_DT_DIR,
    [EXT2_FT_CHRDEV] = RUMP_DT_CHR,
    [EXT2_FT_BLKDEV] = RUMP_DT_BLK,
    [EXT2_FT_FIFO] = RUMP_DT_FIFO,
    [EXT2_FT_SOCK] = RUMP_DT_SOCK,
    [EXT2_FT_SYMLINK] = RUMP_DT_LNK,
};

struct ext2fs_readdir_state {
	struct ext2fs_inode *dp;
	struct uio *uio;
	int nents;
	off_t next;   /* cookie after the last entry returned */
	void *dinbuf; /* for file types the entries do not carry */
};

/* Without the filetype feature, the type comes from the inode. */
static uint8_t
ext2fs_readdir_type(struct ext2fs_readdir_state *rs, ino_t ino)
{
	struct ext2fs_mount *ump = rs->dp->i_ump;
	struct ext2fs_dinode *din;

	if (E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE))
		return RUMP_DT_UNKNOWN;
	if (rs->dinbuf == NULL)
		rs->dinbuf =
		    kmem_alloc(MAX(ump->um_isize, sizeof(*din)), KM_SLEEP);
	if (ext2fs_dinode_read(ump, ino, rs->dinbuf) != 0)
		return RUMP_DT_UNKNOWN;
	din = rs->dinbuf;
	return vtype2dt(ext2fs_mode2vtype(e2fs_le16(din->i_mode)));
}

static int
ext2fs_readdir_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct ext2fs_readdir_state *rs = arg;
	struct rump_dirent d;
	size_t reclen = RUMP_DIRENT_SIZE(de->de_namlen);
	int error;

	if (reclen > rs->uio->uio_resid)
		return EJUSTRETURN;
	memset(&d, 0, reclen);
	d.d_fileno = de->de_ino;
	d.d_off = de->de_nextoff;
	d.d_reclen = (uint16_t)reclen;
	d.d_namlen = (uint16_t)de->de_namlen;
	d.d_type = de->de_type != EXT2_FT_UNKNOWN
	    ? ext2fs_ft2dt[de->de_type]
	    : ext2fs_readdir_type(rs, de->de_ino);
	memcpy(d.d_name, de->de_name, de->de_namlen);
	if ((error = uiomove(&d, reclen, rs->uio)) != 0)
		return error;
	rs->nents++;
	rs->next = de->de_nextoff;
	return 0;
}

/*
 * VOP_READDIR: whole rump_dirent records from cookie uio_offset on, as
 * many as fit; uio_offset becomes the cookie of the next entry.
 */
int
ext2fs_readdir(void *v)
{
	struct vop_readdir_args *ap = v;
	struct uio *uio = ap->a_uio;
	struct ext2fs_inode *dp = VTOI(ap->a_vp);
	struct ext2fs_readdir_state rs = {dp, uio, 0, 0, NULL};
	off_t start = uio->uio_offset;
	int error, eof = 0;

	if (ap->a_vp->v_type != VDIR)
		return ENOTDIR;
	if (start < 0)
		return EINVAL;
	error = ext2fs_dir_iterate(dp, start, ext2fs_readdir_cb, &rs);
	if (rs.dinbuf != NULL)
		kmem_free(rs.dinbuf,
		    MAX(dp->i_ump->um_isize, sizeof(struct ext2fs_dinode)));
	if (error == 0) {
		eof = 1;
		rs.next = MAX(start, ext2fs_dir_endoff(dp));
	} else if (error == EJUSTRETURN) {
		/* the buffer is full */
		error = rs.nents == 0 ? EINVAL : 0;
	} else if (rs.nents > 0) {
		/* return what we have; the damage shows on the next call */
		error = 0;
	}
	if (rs.nents > 0 || eof)
		uio->uio_offset = rs.next;
	if (ap->a_eofflag != NULL)
		*ap->a_eofflag = eof;
	return error;
}
