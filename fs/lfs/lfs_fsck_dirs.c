/*
 * The name side of the LFS check: every directory's entries well
 * formed, "." and ".." first and right, every name pointing at an inode
 * in use, every inode in use named, and link counts equal to the names.
 */
#include "sys/param.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "lfs/lfs.h"
#include "lfs/lfs_extern.h"
#include "lfs/lfs_fsck.h"
#include "ufs/dinode.h"
#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"

struct lfs_dirwalk {
	struct lfs_fsck *st;
	uint32_t ino;
	uint64_t size;
	unsigned nent; /* entries seen so far */
	bool bad;
};

static void
lfs_fsck_entry(struct lfs_dirwalk *w, const struct direct *de, int32_t lbn,
    unsigned off)
{
	struct lfs_fsck *st = w->st;
	uint32_t t = de->d_ino;
	bool dot = de->d_namlen == 1 && de->d_name[0] == '.';
	bool dotdot = de->d_namlen == 2 && de->d_name[0] == '.' &&
	    de->d_name[1] == '.';

	if (t == 0)
		return;
	w->nent++;
	if (t >= st->ninodes || st->istate[t] != 1) {
		lfs_fsck_problem(st, "directory %u: entry \"%.*s\" names "
		                     "inode %u, which is not in use",
		    w->ino, de->d_namlen, de->d_name, t);
		return;
	}
	st->refs[t]++;
	if (w->nent == 1) {
		if (!dot || t != w->ino)
			lfs_fsck_problem(st, "directory %u: first entry is "
			                     "not \".\"",
			    w->ino);
		return;
	}
	if (w->nent == 2) {
		if (!dotdot)
			lfs_fsck_problem(st, "directory %u: second entry is "
			                     "not \"..\"",
			    w->ino);
		else if (w->ino == LFS_ROOTINO && t != LFS_ROOTINO)
			lfs_fsck_problem(st, "root: \"..\" is not the root");
		return;
	}
	if (dot || dotdot)
		lfs_fsck_problem(st, "directory %u: extra \"%.*s\" at block "
		                     "%d offset %u",
		    w->ino, de->d_namlen, de->d_name, lbn, off);
	else if ((st->mode[t] & UFS_IFMT) == UFS_IFDIR) {
		if (st->parent[t] != 0)
			lfs_fsck_problem(st, "directory %u is named in "
			                     "directories %u and %u",
			    t, st->parent[t], w->ino);
		st->parent[t] = w->ino;
	}
}

static int
lfs_fsck_dirblk(void *arg, int32_t lbn, int64_t addr, uint32_t size)
{
	struct lfs_dirwalk *w = arg;
	struct lfs_fsck *st = w->st;
	uint8_t *blk;
	const struct direct *de;
	unsigned off, chunk, end;
	uint64_t valid;

	if (lbn < 0 || w->bad)
		return 0;
	if ((uint64_t)lbn * st->lm->lm_sb.dlfs_bsize >= w->size)
		return 0;
	valid = MIN(size, w->size - (uint64_t)lbn * st->lm->lm_sb.dlfs_bsize);
	blk = kmem_alloc(size, KM_SLEEP);
	if (lfs_readfrags(st->lm, addr, blk, size) != 0) {
		lfs_fsck_problem(st, "directory %u: cannot read block %d",
		    w->ino, lbn);
		w->bad = true;
		goto out;
	}
	for (chunk = 0; chunk + UFS_DIRBLKSIZ <= valid;
	     chunk += UFS_DIRBLKSIZ) {
		end = chunk + UFS_DIRBLKSIZ;
		for (off = chunk; off < end;) {
			de = (const struct direct *)(blk + off);
			if (de->d_reclen < UFS_DIRHDRSIZ ||
			    de->d_reclen % 4 != 0 ||
			    off + de->d_reclen > end ||
			    (de->d_ino != 0 &&
			        UFS_DIRSIZ(de->d_namlen) > de->d_reclen) ||
			    (de->d_ino != 0 &&
			        memchr(de->d_name, '/', de->d_namlen) !=
			            NULL)) {
				lfs_fsck_problem(st, "directory %u: bad entry "
				                     "at block %d offset %u",
				    w->ino, lbn, off);
				break;
			}
			lfs_fsck_entry(w, de, lbn, off);
			off += de->d_reclen;
		}
	}
out:
	kmem_free(blk, size);
	return 0;
}

void
lfs_fsck_dirs(struct lfs_fsck *st)
{
	uint8_t din[LFS_DINODE_SIZE];
	const struct ufs1_dinode *dp = (const void *)din;
	struct lfs_dirwalk w;
	uint32_t ino;

	for (ino = LFS_ROOTINO; ino < st->ninodes; ino++) {
		if (st->istate[ino] != 1 ||
		    (st->mode[ino] & UFS_IFMT) != UFS_IFDIR)
			continue;
		if (lfs_iblock_find(st->lm, ino, LFS_FSCK_MAP(st, ino)->if_daddr, din) != 0)
			continue;
		if (dp->di_size % UFS_DIRBLKSIZ != 0 || dp->di_size == 0)
			lfs_fsck_problem(st, "directory %u: size %llu is not "
			                     "a whole number of chunks",
			    ino, (unsigned long long)dp->di_size);
		memset(&w, 0, sizeof(w));
		w.st = st;
		w.ino = ino;
		w.size = dp->di_size;
		(void)lfs_walk_blocks(st->lm, ino, din, lfs_fsck_dirblk, &w);
		if (w.nent < 2)
			lfs_fsck_problem(st, "directory %u: no \".\" and "
			                     "\"..\"",
			    ino);
	}
	for (ino = LFS_ROOTINO; ino < st->ninodes; ino++) {
		if (st->istate[ino] != 1)
			continue;
		if (st->refs[ino] == 0)
			lfs_fsck_problem(st, "inode %u (mode %#o) is in use "
			                     "but has no name",
			    ino, st->mode[ino]);
		else if (st->refs[ino] != st->nlink[ino])
			lfs_fsck_problem(st, "inode %u: link count %d, "
			                     "names %d",
			    ino, st->nlink[ino], st->refs[ino]);
		if ((st->mode[ino] & UFS_IFMT) == UFS_IFDIR &&
		    ino != LFS_ROOTINO && st->parent[ino] == 0 &&
		    st->refs[ino] > 0)
			lfs_fsck_problem(st, "directory %u is only named by "
			                     "itself",
			    ino);
	}
}
