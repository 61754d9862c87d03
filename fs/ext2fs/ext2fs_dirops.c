/*
 * Changing directories: adding a name (in the first gap big enough,
 * splitting the record that has it, or in a new block at the end),
 * removing one (its space joins the record before it), pointing a name at
 * another inode, and the "." and ".." of a new directory.  All of it goes
 * through the one directory walk, ext2fs_dir_walk().
 *
 * A hashed (dir_index) directory that changes is no longer hashed: its
 * index flag goes, and its index blocks read as empty records.  e2fsck
 * and Linux read such a directory linearly.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"

/* The directory-entry type of a file of mode `mode`. */
static uint8_t
mode2ft(const struct ext2fs_mount *ump, uint16_t mode)
{
	if (!E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE))
		return 0;
	switch (mode & E2FS_IFMT) {
	case E2FS_IFREG:
		return EXT2_FT_REG_FILE;
	case E2FS_IFDIR:
		return EXT2_FT_DIR;
	case E2FS_IFCHR:
		return EXT2_FT_CHRDEV;
	case E2FS_IFBLK:
		return EXT2_FT_BLKDEV;
	case E2FS_IFIFO:
		return EXT2_FT_FIFO;
	case E2FS_IFSOCK:
		return EXT2_FT_SOCK;
	case E2FS_IFLNK:
		return EXT2_FT_SYMLINK;
	default:
		return EXT2_FT_UNKNOWN;
	}
}

/* Write a record header and name at data. */
static void
dirent_put(const struct ext2fs_mount *ump, uint8_t *data, ino_t ino,
    size_t reclen, const char *name, size_t namelen, uint8_t type)
{
	struct ext2fs_direct d;

	d.e2d_ino = e2fs_le32((uint32_t)ino);
	d.e2d_reclen = ext2fs_dir_reclen_enc(ump, reclen);
	d.e2d_namlen = (uint8_t)namelen;
	d.e2d_type = type;
	memcpy(data, &d, sizeof(d));
	memcpy(data + E2FS_DIRHDR_SIZE, name, namelen);
}

/* dp changed: its times. */
static void
dir_changed(struct ext2fs_inode *dp)
{
	ext2fs_itimes(dp, E2FS_MTIME | E2FS_CTIME);
}

/*
 * With metadata_csum every plain directory block ends in a checksum
 * record, which index blocks lack: give them one as they become plain.
 * The root index block is "." and a ".." that spans the index.
 */
static int
dir_unhash_block(struct ext2fs_inode *dp, daddr_t lbn)
{
	struct ext2fs_mount *ump = dp->i_ump;
	size_t bsize = ump->um_bsize, r0, r1;
	struct ext2fs_direct d0, d1;
	struct buf *bp;
	uint8_t *b;
	int error;

	if ((error = bread(ITOV(dp), lbn, (int)bsize, 0, &bp)) != 0)
		return error;
	b = bp->b_data;
	if (ext2fs_dirtail_present(ump, b)) {
		brelse(bp, 0);
		return 0;
	}
	memcpy(&d0, b, sizeof(d0));
	r0 = ext2fs_dir_reclen(ump, d0.e2d_reclen);
	if (d0.e2d_ino == 0 && r0 == bsize) {
		d0.e2d_reclen =
		    ext2fs_dir_reclen_enc(ump, bsize - E2FS_DIRTAIL_SIZE);
		memcpy(b, &d0, sizeof(d0));
	} else if (lbn == 0 && r0 == E2FS_DIRSIZ(1) &&
	    r0 + E2FS_DIRHDR_SIZE <= bsize) {
		memcpy(&d1, b + r0, sizeof(d1));
		r1 = ext2fs_dir_reclen(ump, d1.e2d_reclen);
		if (r0 + r1 != bsize ||
		    r1 < E2FS_DIRSIZ(2) + E2FS_DIRTAIL_SIZE) {
			brelse(bp, 0);
			return 0;
		}
		d1.e2d_reclen =
		    ext2fs_dir_reclen_enc(ump, r1 - E2FS_DIRTAIL_SIZE);
		memcpy(b + r0, &d1, sizeof(d1));
	} else {
		brelse(bp, 0);
		return 0;
	}
	ext2fs_dirtail_init(ump, b);
	ext2fs_dirblk_csum_set(dp, b);
	bdwrite(bp);
	return 0;
}

/*
 * dp is about to change: a hashed directory becomes a plain one, as its
 * index would no longer match.
 */
static int
dir_unhash(struct ext2fs_inode *dp)
{
	daddr_t lbn, n = E2FS_LBLKNO(dp->i_ump, dp->i_size);
	int error;

	if (!(dp->i_flags & EXT2_INDEX_FL))
		return 0;
	if (dp->i_ump->um_meta_csum) {
		for (lbn = 0; lbn < n; lbn++)
			if ((error = dir_unhash_block(dp, lbn)) != 0)
				return error;
	}
	dp->i_flags &= ~EXT2_INDEX_FL;
	dp->i_flag |= IN_MODIFIED;
	return 0;
}

/* --- adding a name ------------------------------------------------------ */

struct enter_state {
	ino_t ino;
	const char *name;
	size_t namelen;
	uint8_t type;
	off_t stop; /* give up at this cookie */
	off_t where;
};

/* The callback also needs the mount, for coding record lengths. */
struct split_state {
	struct enter_state es;
	const struct ext2fs_mount *ump;
};

static int
enter_split_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct split_state *ss = arg;
	struct enter_state *es = &ss->es;
	size_t need = E2FS_DIRSIZ(es->namelen), used;
	uint8_t *rec = de->de_chunk + de->de_pos;
	struct ext2fs_direct d;

	if (de->de_off >= es->stop)
		return ENOENT;
	used = de->de_ino == 0 ? 0 : E2FS_DIRSIZ(de->de_namlen);
	if (de->de_reclen - used < need)
		return 0;
	if (used == 0) {
		memcpy(&d, rec, sizeof(d));
		d.e2d_ino = e2fs_le32((uint32_t)es->ino);
		d.e2d_namlen = (uint8_t)es->namelen;
		d.e2d_type = es->type;
		memcpy(rec, &d, sizeof(d));
		memcpy(rec + E2FS_DIRHDR_SIZE, es->name, es->namelen);
		es->where = de->de_off;
	} else {
		memcpy(&d, rec, sizeof(d));
		d.e2d_reclen = ext2fs_dir_reclen_enc(ss->ump, used);
		memcpy(rec, &d, sizeof(d));
		dirent_put(ss->ump, rec + used, es->ino, de->de_reclen - used,
		    es->name, es->namelen, es->type);
		es->where = de->de_off + (off_t)used;
	}
	*de->de_dirty = true;
	return EJUSTRETURN;
}

/* Add a block to directory dp holding just the one entry. */
static int
enter_newblock(
    struct ext2fs_inode *dp, const struct enter_state *es, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = dp->i_ump;
	daddr_t lbn = E2FS_LBLKNO(ump, dp->i_size);
	size_t len = ump->um_bsize;
	uint64_t pbn;
	struct buf *bp;
	bool isnew;
	int error;

	if ((dp->i_size + ump->um_bsize) > ext2fs_maxsize(dp) ||
	    (!E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_LARGEDIR) &&
	        dp->i_size + ump->um_bsize > UINT32_MAX))
		return EFBIG;
	if ((error = ext2fs_balloc(dp, lbn, cred, &pbn, &isnew)) != 0)
		return error;
	bp = getblk(ITOV(dp), lbn, (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	if (ump->um_meta_csum) {
		len -= E2FS_DIRTAIL_SIZE;
		ext2fs_dirtail_init(ump, bp->b_data);
	}
	dirent_put(
	    ump, bp->b_data, es->ino, len, es->name, es->namelen, es->type);
	ext2fs_dirblk_csum_set(dp, bp->b_data);
	ext2fs_buf_mapped(dp, bp, pbn);
	bdwrite(bp);
	dp->i_dirhint = lbn;
	return ext2fs_setsize(dp, dp->i_size + ump->um_bsize);
}

/*
 * Add the name (namelen <= 255) for inode ino of mode `mode` to directory
 * dp, locked exclusive.  The caller made sure the name is not there.
 */
int
ext2fs_direnter(struct ext2fs_inode *dp, ino_t ino, uint16_t mode,
    const char *name, size_t namelen, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = dp->i_ump;
	struct split_state ss;
	off_t hint;
	int error;

	KASSERT(namelen > 0 && namelen <= E2FS_MAXNAMLEN);
	if ((error = dir_unhash(dp)) != 0)
		return error;
	memset(&ss, 0, sizeof(ss));
	ss.ump = ump;
	ss.es.ino = ino;
	ss.es.name = name;
	ss.es.namelen = namelen;
	ss.es.type = mode2ft(ump, mode);
	ss.es.stop = INT64_MAX;
	/* Start where space was found last; wrap around once. */
	hint = E2FS_LBLKTOOFF(ump, dp->i_dirhint);
	if (hint < 0 || (uint64_t)hint >= dp->i_size)
		hint = 0;
	error = ext2fs_dir_walk(dp, hint,
	    E2FS_DIRWALK_EMPTY | E2FS_DIRWALK_WRITE, enter_split_cb, &ss);
	if (error == 0 && hint > 0) {
		ss.es.stop = hint;
		error = ext2fs_dir_walk(dp, 0,
		    E2FS_DIRWALK_EMPTY | E2FS_DIRWALK_WRITE, enter_split_cb,
		    &ss);
	}
	if (error == EJUSTRETURN) {
		dp->i_dirhint = E2FS_LBLKNO(ump, ss.es.where);
		error = 0;
	} else if (error == 0 || error == ENOENT)
		error = enter_newblock(dp, &ss.es, cred);
	if (error == 0)
		dir_changed(dp);
	return error;
}

/* --- removing and changing a name --------------------------------------- */

struct find_state {
	const char *name;
	size_t namelen;
	ino_t ino;    /* the entry must name this inode (0: any) */
	ino_t newino; /* rewrite: point it here */
	uint8_t newtype;
	bool remove;
	const struct ext2fs_mount *ump;
	off_t stop;
	off_t where;
};

static int
find_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct find_state *fs = arg;
	uint8_t *rec = de->de_chunk + de->de_pos, *prev;
	struct ext2fs_direct d;

	if (de->de_off >= fs->stop)
		return ENOENT;
	if (de->de_ino == 0 || de->de_namlen != fs->namelen ||
	    memcmp(de->de_name, fs->name, fs->namelen) != 0)
		return 0;
	if (fs->ino != 0 && de->de_ino != fs->ino)
		return ESTALE;
	fs->where = de->de_off;
	memcpy(&d, rec, sizeof(d));
	if (!fs->remove) {
		d.e2d_ino = e2fs_le32((uint32_t)fs->newino);
		d.e2d_type = fs->newtype;
		memcpy(rec, &d, sizeof(d));
	} else if (de->de_prevpos != SIZE_MAX) {
		/* the record before takes over the space */
		prev = de->de_chunk + de->de_prevpos;
		memcpy(&d, prev, sizeof(d));
		d.e2d_reclen = ext2fs_dir_reclen_enc(
		    fs->ump, de->de_pos - de->de_prevpos + de->de_reclen);
		memcpy(prev, &d, sizeof(d));
	} else {
		d.e2d_ino = 0;
		memcpy(rec, &d, sizeof(d));
	}
	*de->de_dirty = true;
	return EJUSTRETURN;
}

/* Find the name from the last lookup's place on, wrapping around once. */
static int
find_and_change(struct ext2fs_inode *dp, struct find_state *fs)
{
	off_t hint = __atomic_load_n(&dp->i_diroff, __ATOMIC_RELAXED);
	int error;

	if ((error = dir_unhash(dp)) != 0)
		return error;
	fs->ump = dp->i_ump;
	fs->stop = INT64_MAX;
	if (hint < 0 || (uint64_t)hint >= dp->i_size)
		hint = 0;
	error = ext2fs_dir_walk(dp, hint, E2FS_DIRWALK_WRITE, find_cb, fs);
	if (error == 0 && hint > 0) {
		fs->stop = hint;
		error = ext2fs_dir_walk(dp, 0, E2FS_DIRWALK_WRITE, find_cb, fs);
	}
	if (error == 0 || error == ESTALE)
		return ENOENT;
	if (error != EJUSTRETURN)
		return error;
	dir_changed(dp);
	return 0;
}

/*
 * Remove the entry `name` from dp; it must name inode ino (ENOENT if it
 * is gone or names another file).
 */
int
ext2fs_dirremove(
    struct ext2fs_inode *dp, const char *name, size_t namelen, ino_t ino)
{
	struct find_state fs;
	daddr_t blk;
	int error;

	memset(&fs, 0, sizeof(fs));
	fs.name = name;
	fs.namelen = namelen;
	fs.ino = ino;
	fs.remove = true;
	if ((error = find_and_change(dp, &fs)) != 0)
		return error;
	blk = E2FS_LBLKNO(dp->i_ump, fs.where);
	if (blk < dp->i_dirhint)
		dp->i_dirhint = blk;
	return 0;
}

/* Point the entry `name` of dp, naming oldino, at newino of mode newmode. */
int
ext2fs_dirrewrite(struct ext2fs_inode *dp, const char *name, size_t namelen,
    ino_t oldino, ino_t newino, uint16_t newmode)
{
	struct find_state fs;

	memset(&fs, 0, sizeof(fs));
	fs.name = name;
	fs.namelen = namelen;
	fs.ino = oldino;
	fs.newino = newino;
	fs.newtype = mode2ft(dp->i_ump, newmode);
	return find_and_change(dp, &fs);
}

/* --- directories as a whole --------------------------------------------- */

struct empty_state {
	bool empty;
	unsigned nsubdirs;
	bool count;
};

static int
empty_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct empty_state *es = arg;
	bool dot = de->de_namlen == 1 && de->de_name[0] == '.';
	bool dotdot = de->de_namlen == 2 && de->de_name[0] == '.' &&
	    de->de_name[1] == '.';

	if (dot || dotdot)
		return 0;
	es->empty = false;
	if (!es->count)
		return EJUSTRETURN;
	if (de->de_type == EXT2_FT_DIR)
		es->nsubdirs++;
	return 0;
}

/* Does directory ip hold nothing but "." and ".."? */
int
ext2fs_dirempty(struct ext2fs_inode *ip, bool *emptyp)
{
	struct empty_state es = {true, 0, false};
	int error;

	error = ext2fs_dir_iterate(ip, 0, empty_cb, &es);
	if (error == EJUSTRETURN)
		error = 0;
	*emptyp = es.empty;
	return error;
}

/* Subdirectories of ip, by their entries' types (needs filetype). */
int
ext2fs_dir_nsubdirs(struct ext2fs_inode *ip, unsigned *np)
{
	struct empty_state es = {true, 0, true};
	int error;

	error = ext2fs_dir_iterate(ip, 0, empty_cb, &es);
	*np = es.nsubdirs;
	return error;
}

/* Make ip's ".." name parent. */
int
ext2fs_dir_setparent(struct ext2fs_inode *ip, ino_t parent)
{
	struct find_state fs;
	int error;

	memset(&fs, 0, sizeof(fs));
	fs.name = "..";
	fs.namelen = 2;
	fs.newino = parent;
	fs.newtype = mode2ft(ip->i_ump, E2FS_IFDIR);
	fs.ump = ip->i_ump;
	fs.stop = INT64_MAX;
	error = ext2fs_dir_walk(ip, 0, E2FS_DIRWALK_WRITE, find_cb, &fs);
	if (error == EJUSTRETURN)
		return 0;
	if (error == 0) {
		fs_corrupt(E2FS_FSNAME, "directory inode %llu has no \"..\"",
		    (unsigned long long)ip->i_number);
		error = EFSCORRUPTED;
	}
	return error;
}

/* The first block of a new directory ip: "." and ".." (parent). */
int
ext2fs_dirinit(struct ext2fs_inode *ip, ino_t parent, kauth_cred_t cred)
{
	struct ext2fs_mount *ump = ip->i_ump;
	size_t len = ump->um_bsize, dotlen = E2FS_DIRSIZ(1);
	uint8_t ft = mode2ft(ump, E2FS_IFDIR);
	uint64_t pbn;
	struct buf *bp;
	bool isnew;
	int error;

	if ((error = ext2fs_balloc(ip, 0, cred, &pbn, &isnew)) != 0)
		return error;
	bp = getblk(ITOV(ip), 0, (int)ump->um_bsize);
	memset(bp->b_data, 0, ump->um_bsize);
	if (ump->um_meta_csum) {
		len -= E2FS_DIRTAIL_SIZE;
		ext2fs_dirtail_init(ump, bp->b_data);
	}
	dirent_put(ump, bp->b_data, ip->i_number, dotlen, ".", 1, ft);
	dirent_put(ump, (uint8_t *)bp->b_data + dotlen, parent, len - dotlen,
	    "..", 2, ft);
	ext2fs_dirblk_csum_set(ip, bp->b_data);
	ext2fs_buf_mapped(ip, bp, pbn);
	bdwrite(bp);
	return ext2fs_setsize(ip, ump->um_bsize);
}
