/*
 * Directory edits for the ext2 check: finding a name, adding one where a
 * record has room (lost+found), rewriting "..".  Blocks are found through
 * the raw block map and changed in the device's buffers, with their
 * checksums set again.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_fsck.h"

int
ext2fs_fsck_dirwalk(struct ext2fs_mount *ump, ino_t dir, int flags,
    ext2fs_dir_cb *cb, void *arg)
{
	struct ext2fs_inode *dp;
	daddr_t lbn, pbn;
	struct buf *bp;
	size_t len;
	bool dirty;
	int error;

	if ((error = ext2fs_inode_load(ump, dir, &dp)) != 0)
		return error;
	if (!ext2fs_has_blockmap(dp)) {
		ext2fs_inode_free(dp);
		return EOPNOTSUPP; /* inline directories */
	}
	for (lbn = 0; lbn < E2FS_LBLKNO(ump, dp->i_size); lbn++) {
		if (ext2fs_blkmap(dp, lbn, &pbn, NULL) != 0 || pbn < 0)
			continue;
		if (ext2fs_bread(ump, (uint64_t)pbn, &bp) != 0)
			continue;
		len = ext2fs_dirblk_len(ump, bp->b_data);
		dirty = false;
		error = ext2fs_dir_chunk(dp, bp->b_data, len,
		    E2FS_LBLKTOOFF(ump, lbn), 0, flags, &dirty, cb, arg);
		if (dirty) {
			ext2fs_dirblk_csum_set(dp, bp->b_data);
			bp->b_flags |= B_META;
			bdwrite(bp);
		} else
			brelse(bp, 0);
		if (error == EJUSTRETURN)
			break;
	}
	ext2fs_inode_free(dp);
	return error;
}

struct fsck_find {
	const char *name;
	size_t namelen;
	ino_t ino;
};

static int
find_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct fsck_find *ff = arg;

	if (de->de_namlen != ff->namelen ||
	    memcmp(de->de_name, ff->name, ff->namelen) != 0)
		return 0;
	ff->ino = de->de_ino;
	return EJUSTRETURN;
}

int
ext2fs_fsck_lookup(
    struct ext2fs_mount *ump, ino_t dir, const char *name, ino_t *inop)
{
	struct fsck_find ff = {name, strlen(name), 0};
	int error;

	error = ext2fs_fsck_dirwalk(ump, dir, 0, find_cb, &ff);
	if (error == EJUSTRETURN) {
		*inop = ff.ino;
		return 0;
	}
	return error ? error : ENOENT;
}

struct fsck_enter {
	struct ext2fs_mount *ump;
	const char *name;
	size_t namelen;
	ino_t ino;
	uint8_t type;
};

static uint8_t
mode_ft(const struct ext2fs_mount *ump, uint16_t mode)
{
	static const struct {
		uint16_t fmt;
		uint8_t ft;
	} map[] = {{E2FS_IFREG, EXT2_FT_REG_FILE}, {E2FS_IFDIR, EXT2_FT_DIR},
	    {E2FS_IFCHR, EXT2_FT_CHRDEV}, {E2FS_IFBLK, EXT2_FT_BLKDEV},
	    {E2FS_IFIFO, EXT2_FT_FIFO}, {E2FS_IFSOCK, EXT2_FT_SOCK},
	    {E2FS_IFLNK, EXT2_FT_SYMLINK}};
	size_t i;

	if (!E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE))
		return EXT2_FT_UNKNOWN;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((mode & E2FS_IFMT) == map[i].fmt)
			return map[i].ft;
	return EXT2_FT_UNKNOWN;
}

/* A record with room for the new name: split it. */
static int
enter_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct fsck_enter *fe = arg;
	size_t used = de->de_ino != 0 ? E2FS_DIRSIZ(de->de_namlen) : 0;
	size_t need = E2FS_DIRSIZ(fe->namelen);
	struct ext2fs_direct d;
	uint8_t *p;

	if (de->de_reclen < used + need)
		return 0;
	p = de->de_chunk + de->de_pos;
	if (used > 0) {
		memcpy(&d, p, sizeof(d));
		d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(fe->ump, used));
		memcpy(p, &d, sizeof(d));
		p += used;
	}
	d.e2d_ino = e2fs_le32((uint32_t)fe->ino);
	d.e2d_reclen =
	    e2fs_le16(ext2fs_dir_reclen_enc(fe->ump, de->de_reclen - used));
	d.e2d_namlen = (uint8_t)fe->namelen;
	d.e2d_type = fe->type;
	memcpy(p, &d, sizeof(d));
	memcpy(p + sizeof(d), fe->name, fe->namelen);
	*de->de_dirty = true;
	return EJUSTRETURN;
}

int
ext2fs_fsck_link(struct ext2fs_mount *ump, ino_t dir, ino_t ino, uint16_t mode,
    const char *name)
{
	struct fsck_enter fe = {ump, name, strlen(name), ino, 0};
	struct ext2fs_inode *dp;
	bool hashed;
	int error;

	/* a name added to a hashed directory's leaf would break its index */
	if ((error = ext2fs_inode_load(ump, dir, &dp)) != 0)
		return error;
	hashed = (dp->i_flags & EXT2_INDEX_FL) != 0;
	ext2fs_inode_free(dp);
	if (hashed)
		return EOPNOTSUPP;

	fe.type = mode_ft(ump, mode);
	error = ext2fs_fsck_dirwalk(ump, dir,
	    E2FS_DIRWALK_EMPTY | E2FS_DIRWALK_WRITE, enter_cb, &fe);
	if (error == EJUSTRETURN)
		return 0;
	return error ? error : ENOSPC;
}

struct fsck_dotdot {
	ino_t parent;
};

static int
dotdot_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct fsck_dotdot *fd = arg;
	uint32_t v = e2fs_le32((uint32_t)fd->parent);

	if (de->de_namlen != 2 || memcmp(de->de_name, "..", 2) != 0)
		return 0;
	memcpy(de->de_chunk + de->de_pos, &v, sizeof(v));
	*de->de_dirty = true;
	return EJUSTRETURN;
}

int
ext2fs_fsck_setdotdot(struct ext2fs_mount *ump, ino_t dir, ino_t parent)
{
	struct fsck_dotdot fd = {parent};
	int error;

	error = ext2fs_fsck_dirwalk(
	    ump, dir, E2FS_DIRWALK_WRITE, dotdot_cb, &fd);
	if (error == EJUSTRETURN)
		return 0;
	return error ? error : ENOENT;
}
