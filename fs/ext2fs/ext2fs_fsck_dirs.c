/*
 * Pass 2 of the ext2 check: the records of every directory are sound,
 * every entry names an inode in use, "." and ".." come first; the names
 * are counted for passes 3 and 4.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/fsck.h"
#include "sys/kauth.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"
#include "ext2fs/ext2fs_fsck.h"

struct dirck {
	struct fsck *fk;
	struct ext2fs_inode *dp;
	unsigned nrec; /* records seen in the directory */
	bool changed;
};

static int
dir_entry_cb(void *arg, const struct ext2fs_dirent_info *de)
{
	struct dirck *dc = arg;
	struct fsck *fk = dc->fk;
	bool dot = de->de_namlen == 1 && de->de_name[0] == '.';
	bool dotdot = de->de_namlen == 2 && de->de_name[0] == '.' &&
	    de->de_name[1] == '.';
	uint32_t zero = 0;

	if (dc->nrec == 0 && de->de_off == 0 &&
	    (!dot || de->de_ino != dc->dp->i_number))
		fsck_problem(fk->fr, "directory %llu: the first entry is not \".\"",
		    (unsigned long long)dc->dp->i_number);
	if (dc->nrec == 1 && de->de_off < (off_t)fk->ump->um_bsize && !dotdot)
		fsck_problem(fk->fr,
		    "directory %llu: the second entry is not "
		    "\"..\"",
		    (unsigned long long)dc->dp->i_number);
	dc->nrec++;
	if (dotdot && !isset(fk->iused, de->de_ino)) {
		/* mended in pass 3, when the parent is known */
		fsck_problem(fk->fr,
		    "directory %llu: \"..\" names unused inode %llu",
		    (unsigned long long)dc->dp->i_number,
		    (unsigned long long)de->de_ino);
		return 0;
	}
	if (!isset(fk->iused, de->de_ino)) {
		fsck_problem(fk->fr,
		    "directory %llu: entry \"%.*s\" names unused "
		    "inode %llu",
		    (unsigned long long)dc->dp->i_number,
		    (int)MIN(de->de_namlen, 60u), de->de_name,
		    (unsigned long long)de->de_ino);
		if (fk->repair) {
			memcpy(de->de_chunk + de->de_pos, &zero, sizeof(zero));
			*de->de_dirty = true;
			fsck_fixed(fk->fr);
		}
		return 0;
	}
	if (fk->nlinks[de->de_ino] < UINT16_MAX)
		fk->nlinks[de->de_ino]++;
	if (dotdot)
		fk->dotdot[dc->dp->i_number] = (uint32_t)de->de_ino;
	if (!dot && !dotdot) {
		setbit(fk->named, de->de_ino);
		if (isset(fk->isdir, de->de_ino) && fk->parent[de->de_ino] == 0)
			fk->parent[de->de_ino] = (uint32_t)dc->dp->i_number;
	}
	return 0;
}

/*
 * Make a damaged directory block empty: one unused record, or "." and
 * ".." (the root, mended in pass 3) for the first block.
 */
static void
dir_block_reset(struct fsck *fk, ino_t ino, uint8_t *blk, bool first)
{
	struct ext2fs_mount *ump = fk->ump;
	size_t len = ump->um_bsize;
	struct ext2fs_direct d;
	uint8_t ft = E2FS_HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE)
	    ? EXT2_FT_DIR
	    : EXT2_FT_UNKNOWN;
	size_t dot = E2FS_DIRSIZ(1);

	memset(blk, 0, len);
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_METADATA_CSUM)) {
		ext2fs_dirtail_init(ump, blk);
		len -= E2FS_DIRTAIL_SIZE;
	}
	memset(&d, 0, sizeof(d));
	if (!first) {
		d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(ump, len));
		memcpy(blk, &d, sizeof(d));
		return;
	}
	d.e2d_ino = e2fs_le32((uint32_t)ino);
	d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(ump, dot));
	d.e2d_namlen = 1;
	d.e2d_type = ft;
	memcpy(blk, &d, sizeof(d));
	blk[sizeof(d)] = '.';
	d.e2d_ino = e2fs_le32(E2FS_ROOTINO);
	d.e2d_reclen = e2fs_le16(ext2fs_dir_reclen_enc(ump, len - dot));
	d.e2d_namlen = 2;
	memcpy(blk + dot, &d, sizeof(d));
	memcpy(blk + dot + sizeof(d), "..", 2);
	if (fk->nlinks[ino] < UINT16_MAX)
		fk->nlinks[ino]++;
	if (fk->nlinks[E2FS_ROOTINO] < UINT16_MAX)
		fk->nlinks[E2FS_ROOTINO]++;
	fk->dotdot[ino] = E2FS_ROOTINO;
}

static void
check_dir(struct fsck *fk, ino_t ino)
{
	struct ext2fs_mount *ump = fk->ump;
	struct dirck dc = {fk, NULL, 0, false};
	struct ext2fs_inode *dp;
	daddr_t lbn, pbn;
	struct buf *bp;
	size_t len;
	bool dirty;
	int error;

	if ((error = ext2fs_inode_load(ump, ino, &dp)) != 0) {
		fsck_problem(fk->fr, "directory %llu: damaged inode (error %d)",
		    (unsigned long long)ino, error);
		return;
	}
	dc.dp = dp;
	if (!ext2fs_has_blockmap(dp)) {
		fsck_say(fk->fr, "directory %llu: inline; not checked",
		    (unsigned long long)ino);
		ext2fs_inode_free(dp);
		return;
	}
	for (lbn = 0; lbn < E2FS_LBLKNO(ump, dp->i_size); lbn++) {
		if (ext2fs_blkmap(dp, lbn, &pbn, NULL) != 0 || pbn < 0) {
			fsck_problem(fk->fr, "directory %llu: block %lld missing",
			    (unsigned long long)ino, (long long)lbn);
			continue;
		}
		if (ext2fs_bread(ump, (uint64_t)pbn, &bp) != 0)
			continue;
		len = ext2fs_dirblk_len(ump, bp->b_data);
		dirty = false;
		error = ext2fs_dir_chunk(dp, bp->b_data, len,
		    E2FS_LBLKTOOFF(ump, lbn), 0, E2FS_DIRWALK_WRITE, &dirty,
		    dir_entry_cb, &dc);
		if (error != 0) {
			fsck_problem(fk->fr,
			    "directory %llu: damaged records in "
			    "block %lld",
			    (unsigned long long)ino, (long long)lbn);
			if (fk->repair) {
				/* its names are lost: what they named goes
				 * to lost+found in the next round */
				dir_block_reset(fk, ino, bp->b_data, lbn == 0);
				dirty = true;
				fsck_fixed(fk->fr);
			}
		}
		if (dirty) {
			ext2fs_dirblk_csum_set(dp, bp->b_data);
			bdwrite(bp);
		} else
			brelse(bp, 0);
	}
	ext2fs_inode_free(dp);
}

void
ext2fs_fsck_pass2(struct fsck *fk)
{
	ino_t ino;

	for (ino = 1; ino <= fk->ump->um_ninodes; ino++)
		if (isset(fk->isdir, ino) && isset(fk->iused, ino))
			check_dir(fk, ino);
}
