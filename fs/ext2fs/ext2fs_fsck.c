/*
 * Checking an ext2/ext4 file system that is not mounted (vfs_fsck), in
 * the passes of e2fsck, much reduced:
 *
 *   1. inodes: each one in use has a valid type, and its blocks (data,
 *      indirect blocks, extent tree nodes, attribute block) lie inside
 *      the file system, claimed by nobody else; i_blocks counts them;
 *   2. directories: their records are sound, every entry names an inode
 *      in use, "." and ".." come first;
 *   3. connectivity: every directory is named by an entry of another;
 *   4. link counts: what each inode says against the entries naming it;
 *   5. bitmaps and counters: the block and inode bitmaps, the groups' free
 *      counts and directory counts, against what the passes found.
 *
 * With "repair", link counts, i_blocks, deletion times of inodes in use,
 * entries naming unused inodes, bitmaps, counters and the clean flag are
 * fixed; damage it cannot fix (blocks claimed twice, broken records,
 * inodes or directories nothing names) is reported.
 * e2fsck remains the real checker: this one is for images without it.
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

static int
fsck_open(struct vnode *devvp, bool repair, struct ext2fs_mount **umpp)
{
	struct ext2fs_mount *ump;
	struct vattr va;
	struct buf *bp;
	int error;

	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	vinvalbuf(devvp, false);
	error = bread(devvp, E2FS_SBOFF / DEV_BSIZE, E2FS_SBSIZE, 0, &bp);
	if (error != 0)
		return error;
	ump = kmem_zalloc(sizeof(*ump), KM_SLEEP);
	memcpy(&ump->um_sb, bp->b_data, sizeof(ump->um_sb));
	brelse(bp, 0);
	ump->um_devvp = devvp;
	ump->um_devsize = (uint64_t)va.va_size;
	ump->um_ronly = true;
	if ((error = ext2fs_sb_check(ump, ump->um_devsize)) != 0 ||
	    (error = ext2fs_groups_load(ump)) != 0) {
		kmem_free(ump, sizeof(*ump));
		return error;
	}
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_BIGALLOC) ||
	    E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_INLINE_DATA)) {
		kprintf("ext2fs: fsck: bigalloc and inline_data are not "
		        "checked; use e2fsck\n");
		ext2fs_groups_free(ump);
		kmem_free(ump, sizeof(*ump));
		return EOPNOTSUPP;
	}
	ext2fs_rw_init(ump);
	ump->um_ronly = !repair;
	*umpp = ump;
	return 0;
}

static int
ext2fs_fsck_round(
    struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	struct ext2fs_mount *ump;
	struct fsck fk;
	uint16_t state;
	size_t inobytes;
	int error;

	memset(&fk, 0, sizeof(fk));
	fk.repair = fr->fr_repair;
	fk.fr = fr;
	if ((error = fsck_open(devvp, fk.repair, &ump)) != 0)
		return error;
	if (fk.repair && (error = ext2fs_rw_check(ump, true)) != 0) {
		fsck_say(fk.fr, "cannot repair: a feature is not supported");
		fk.repair = false;
		ump->um_ronly = true;
	}
	fk.ump = ump;
	inobytes = (size_t)howmany((uint64_t)ump->um_ninodes + 1, 8);
	fk.bused = kmem_zalloc((size_t)howmany(ump->um_nblocks, 8), KM_SLEEP);
	fk.iused = kmem_zalloc(inobytes, KM_SLEEP);
	fk.isdir = kmem_zalloc(inobytes, KM_SLEEP);
	fk.nlinks = kmem_zalloc(
	    ((size_t)ump->um_ninodes + 1) * sizeof(uint16_t), KM_SLEEP);
	fk.named = kmem_zalloc(inobytes, KM_SLEEP);
	fk.parent = kmem_zalloc(
	    ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t), KM_SLEEP);
	fk.dotdot = kmem_zalloc(
	    ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t), KM_SLEEP);

	state = e2fs_le16(ump->um_sb.s_state);
	if (E2FS_HAS_INCOMPAT(ump, EXT3F_INCOMPAT_RECOVER))
		fsck_problem(fk.fr, "the journal needs recovery: use e2fsck");
	if (!(state & E2FS_ISCLEAN)) {
		fsck_problem(fk.fr, "the file system was not cleanly unmounted");
		if (fk.repair)
			fsck_fixed(fk.fr); /* marked clean at the end */
	}
	if (state & E2FS_ERRORS) {
		fsck_problem(fk.fr, "the file system has errors recorded");
		if (fk.repair)
			fsck_fixed(fk.fr);
	}
	ext2fs_fsck_orphans(&fk);
	ext2fs_fsck_pass1(&fk);
	ext2fs_fsck_pass2(&fk);
	ext2fs_fsck_pass3(&fk);
	ext2fs_fsck_pass4(&fk);
	ext2fs_fsck_pass5(&fk);

	if (fk.repair) {
		ump->um_sb.s_state = e2fs_le16(E2FS_ISCLEAN);
		ump->um_sb.s_lastcheck = e2fs_le32((uint32_t)time_second());
		error = ext2fs_sbupdate(ump, false);
	}
	kmem_free(fk.nlinks, ((size_t)ump->um_ninodes + 1) * sizeof(uint16_t));
	kmem_free(fk.parent, ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t));
	kmem_free(fk.dotdot, ((size_t)ump->um_ninodes + 1) * sizeof(uint32_t));
	kmem_free(fk.isdir, inobytes);
	kmem_free(fk.named, inobytes);
	kmem_free(fk.iused, inobytes);
	kmem_free(fk.bused, (size_t)howmany(ump->um_nblocks, 8));
	ext2fs_rw_done(ump);
	ext2fs_groups_free(ump);
	kmem_free(ump, sizeof(*ump));
	return error;
}

#define E2FSCK_ROUNDS 3 /* repair rounds after the first one */

/* vfs_fsckr */
int
ext2fs_fsck(
    struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	return fsck_rounds(devvp, options, fr, ext2fs_fsck_round, E2FSCK_ROUNDS);
}
