/*
 * Passes 3 and 4 of the ext2 check: every directory is named by another
 * and its ".." names that one; every inode's link count is the number of
 * entries naming it; what nothing names goes to lost+found with repair.
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

/* lost+found's inode, or 0 when there is none. */
static ino_t
lostfound(struct fsck *fk)
{
	ino_t ino;

	if (fk->lostfound == 0) {
		fk->lostfound = (ino_t)-1;
		if (ext2fs_fsck_lookup(fk->ump, E2FS_ROOTINO, "lost+found",
		        &ino) == 0 &&
		    ino <= fk->ump->um_ninodes && isset(fk->iused, ino) &&
		    isset(fk->isdir, ino))
			fk->lostfound = ino;
	}
	return fk->lostfound == (ino_t)-1 ? 0 : fk->lostfound;
}

/* Name ino "#ino" in lost+found; the counts follow. */
static bool
reconnect(struct fsck *fk, ino_t ino)
{
	struct ext2fs_dinode din;
	uint8_t *raw;
	char name[32];
	ino_t lf = lostfound(fk);
	uint16_t mode;
	int error;

	if (lf == 0 || lf == ino) {
		fsck_say(fk->fr, "inode %llu: no lost+found to put it in",
		    (unsigned long long)ino);
		return false;
	}
	raw = kmem_zalloc(MAX(fk->ump->um_isize, sizeof(din)), KM_SLEEP);
	error = ext2fs_dinode_read(fk->ump, ino, raw);
	memcpy(&din, raw, sizeof(din));
	kmem_free(raw, MAX(fk->ump->um_isize, sizeof(din)));
	if (error != 0)
		return false;
	mode = e2fs_le16(din.i_mode);
	ksnprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
	if ((error = ext2fs_fsck_link(fk->ump, lf, ino, mode, name)) != 0) {
		fsck_say(fk->fr, "inode %llu: cannot enter it in lost+found "
		                 "(error %d)",
		    (unsigned long long)ino, error);
		return false;
	}
	fsck_say(fk->fr, "inode %llu: now lost+found/%s",
	    (unsigned long long)ino, name);
	if (fk->nlinks[ino] < UINT16_MAX)
		fk->nlinks[ino]++;
	setbit(fk->named, ino);
	if (isset(fk->isdir, ino))
		fk->parent[ino] = (uint32_t)lf;
	return true;
}

/* Make the ".." of directory ino name parent; the counts follow. */
static bool
set_dotdot(struct fsck *fk, ino_t ino, uint32_t parent)
{
	uint32_t old = fk->dotdot[ino];

	if (ext2fs_fsck_setdotdot(fk->ump, ino, parent) != 0)
		return false;
	if (old != 0 && fk->nlinks[old] > 0)
		fk->nlinks[old]--;
	if (fk->nlinks[parent] < UINT16_MAX)
		fk->nlinks[parent]++;
	fk->dotdot[ino] = parent;
	return true;
}

void
ext2fs_fsck_pass3(struct fsck *fk)
{
	ino_t ino;

	for (ino = 1; ino <= fk->ump->um_ninodes; ino++) {
		if (!isset(fk->isdir, ino) || !isset(fk->iused, ino) ||
		    ext2fs_fsck_special_inode(fk->ump, ino))
			continue;
		if (ino != E2FS_ROOTINO && !isset(fk->named, ino)) {
			fsck_problem(fk->fr,
			    "directory %llu is not connected to the tree",
			    (unsigned long long)ino);
			if (fk->repair && reconnect(fk, ino))
				fsck_fixed(fk->fr);
		}
		if (ino == E2FS_ROOTINO)
			fk->parent[ino] = E2FS_ROOTINO;
		if (fk->parent[ino] == 0 || fk->dotdot[ino] == fk->parent[ino])
			continue;
		fsck_problem(fk->fr,
		    "directory %llu: \"..\" names %u, but %u names it",
		    (unsigned long long)ino, fk->dotdot[ino], fk->parent[ino]);
		if (fk->repair && set_dotdot(fk, ino, fk->parent[ino]))
			fsck_fixed(fk->fr);
	}
}

/* --- pass 4: link counts ------------------------------------------------ */

void
ext2fs_fsck_pass4(struct fsck *fk)
{
	struct ext2fs_mount *ump = fk->ump;
	struct ext2fs_dinode din;
	uint8_t *raw;
	uint16_t have, want;
	ino_t ino;

	raw = kmem_zalloc(MAX(ump->um_isize, sizeof(din)), KM_SLEEP);
	for (ino = 1; ino <= ump->um_ninodes; ino++) {
		if (!isset(fk->iused, ino) || ext2fs_fsck_special_inode(ump, ino))
			continue;
		if (ext2fs_dinode_read(ump, ino, raw) != 0)
			continue;
		memcpy(&din, raw, sizeof(din));
		have = e2fs_le16(din.i_links_count);
		want = fk->nlinks[ino];
		if (want == 0) {
			fsck_problem(fk->fr,
			    "inode %llu is in use but no "
			    "directory names it",
			    (unsigned long long)ino);
			if (!fk->repair || !reconnect(fk, ino))
				continue;
			fsck_fixed(fk->fr);
			want = fk->nlinks[ino];
		}
		if (isset(fk->isdir, ino) && have == 1 &&
		    want >= E2FS_LINK_MAX &&
		    E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_DIR_NLINK))
			continue;
		if (have != want) {
			fsck_problem(fk->fr,
			    "inode %llu: link count %u, should be "
			    "%u",
			    (unsigned long long)ino, have, want);
			if (fk->repair)
				ext2fs_fsck_inode_patch(fk, ino, &want, NULL, false);
		}
	}
	kmem_free(raw, MAX(ump->um_isize, sizeof(din)));
}
