/*
 * The orphan list of ext2/ext3: inodes deleted (or being truncated)
 * while still open, linked from the superblock's s_last_orphan through
 * their i_dtime, for the next mount or check to finish.  An inode with
 * no links left is released here, before pass 1, as e2fsck does when it
 * is allowed to write: it gets its deletion time (pass 1 then passes it
 * by and pass 5 frees its blocks and its inode), and the list is
 * emptied.  A truncation left half done (an inode on the list that still
 * has links) is not finished here: it is reported and left for e2fsck.
 * Without repair the list is reported, each inode named.
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
#include "ext2fs/ext2fs_extern.h"
#include "ext2fs/ext2fs_fsck.h"

/*
 * Follow the list from the superblock: report each inode (report), or
 * release each one (!report).  False when it cannot be released whole:
 * a truncation to finish, or an inode that cannot be read.
 */
static bool
orphan_walk(struct fsck *fk, uint8_t *raw, bool report)
{
	struct ext2fs_mount *ump = fk->ump;
	uint32_t ino = e2fs_le32(ump->um_sb.s_last_orphan), next;
	struct ext2fs_dinode din;
	uint64_t n = 0;
	bool whole = true;

	for (; ino != 0; ino = next) {
		if (ino < ump->um_first_ino || ino > ump->um_ninodes) {
			if (report)
				fsck_problem(fk->fr,
				    "orphan list: inode %u is not one a "
				    "file can have",
				    ino);
			break; /* the rest cannot be followed */
		}
		if (n++ >= ump->um_ninodes) {
			if (report)
				fsck_problem(fk->fr, "orphan list: it loops");
			break;
		}
		if (ext2fs_dinode_read(ump, ino, raw) != 0) {
			if (report)
				fsck_problem(fk->fr,
				    "orphan list: inode %u unreadable", ino);
			return false;
		}
		memcpy(&din, raw, sizeof(din));
		next = e2fs_le32(din.i_dtime);
		if (e2fs_le16(din.i_links_count) != 0) {
			if (report)
				fsck_problem(fk->fr,
				    "orphan list: inode %u has %u links (a "
				    "truncation to finish): use e2fsck",
				    ino, e2fs_le16(din.i_links_count));
			whole = false;
			continue;
		}
		if (report)
			fsck_problem(fk->fr,
			    "orphan list: inode %u (mode %#o, size %llu) "
			    "deleted while open, not released",
			    ino, e2fs_le16(din.i_mode),
			    (unsigned long long)(e2fs_le32(din.i_size_lo) |
			        (uint64_t)e2fs_le32(din.i_size_high) << 32));
		else
			ext2fs_fsck_inode_clear(fk, ino);
	}
	return whole;
}

void
ext2fs_fsck_orphans(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	size_t rawlen = MAX((size_t)ump->um_isize, sizeof(struct ext2fs_dinode));
	uint8_t *raw;

	if (ump->um_sb.s_last_orphan == 0)
		return;
	raw = kmem_zalloc(rawlen, KM_SLEEP);
	/* all or nothing: a release breaks the links of the list */
	if (orphan_walk(fk, raw, true) && fk->repair) {
		orphan_walk(fk, raw, false);
		/* written with the superblock at the end of the round */
		ump->um_sb.s_last_orphan = 0;
		fsck_say(fk->fr, "orphan list emptied");
	}
	kmem_free(raw, rawlen);
}
