/*
 * vfs_fsckr for ffs: an offline check in the spirit of fsck_ffs.
 * Findings go to the report one a line; with "repair" what can be put
 * right is (ffs_fsck_fix.c writes), in rounds (fsck_rounds): clearing an
 * inode frees its blocks and orphans what it named, for the next round.
 *
 *   superblock   found and sane, summary area readable, clean flag
 *   inodes       types, sizes, every block and fragment inside the file
 *                system, claimed once, none past the end of file, block
 *                counts
 *   groups       (ffs_fsck_cg.c) group blocks sane, their maps and all
 *                the free counts agreeing with what is in use
 *   directories  entry structure, "." and "..", names of free inodes,
 *                names given twice, file types, directories named once
 *                and reachable from the root
 *   link counts  against the names found
 *
 * Repairs: inodes nothing names go to lost+found (made when missing);
 * inodes that are bad, hold bad blocks, blocks claimed before or blocks
 * past their end are cleared (and so are orphans when lost+found cannot
 * take them); block counts, link counts and directory sizes are
 * set; broken entries and names of free or out-of-range inodes, second
 * names of a directory and duplicate names are removed; "." and ".."
 * and entry types are set right; the group maps, summaries and totals
 * are rebuilt from what the walk found in use.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/fsck.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/ffs_fsck.h"
#include "ffs/fs.h"
#include "ufs/dinode.h"
#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_bswap.h"
#include "ufs/ufs_extern.h"


void
ffs_fsck_problem(struct ffs_fsck *st, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fsck_problem(st->fr, "%s", line);
}

/* Mark fragments in use; report those claimed already.  */
static int64_t
ffs_fsck_claim(struct ffs_fsck *st, int64_t addr, int64_t n)
{
	int64_t i, dups = 0;

	for (i = addr; i < addr + n; i++) {
		if (ffs_isset(st->used, i))
			dups++;
		else
			ffs_setbit(st->used, i);
	}
	return dups;
}

void
ffs_fsck_claim_range(struct ffs_fsck *st, int64_t addr, int64_t n)
{
	(void)ffs_fsck_claim(st, addr, n);
}

/* The file system's own areas: boot block, superblocks, maps, inodes. */
static void
ffs_fsck_claim_meta(struct ffs_fsck *st)
{
	struct fs *fs = st->fm.fm_fs;
	uint32_t c;

	ffs_fsck_claim_range(st, 0, ffs_cgsblock(fs, 0));
	for (c = 0; c < (uint32_t)fs->fs_ncg; c++)
		ffs_fsck_claim_range(st, ffs_cgsblock(fs, c),
		    ffs_cgdmin(fs, c) - ffs_cgsblock(fs, c));
	ffs_fsck_claim_range(
	    st, fs->fs_csaddr, howmany(fs->fs_cssize, fs->fs_fsize));
}

struct ffs_fsck_walk {
	struct ffs_fsck *st;
	struct inode *ip;
	uint64_t frags; /* fragments held, for di_blocks */
	daddr_t ndb;    /* blocks the size calls for */
	int reported;
	bool clear; /* a block is bad or taken: the inode goes (repair) */
};

/* One block or run of fragments of the file: claim and count it. */
static void
ffs_fsck_data(struct ffs_fsck_walk *w, int64_t addr, daddr_t lbn, int64_t frags,
    bool meta)
{
	struct ffs_fsck *st = w->st;
	struct fs *fs = st->fm.fm_fs;
	int64_t dups;

	if (lbn >= w->ndb && !meta) {
		if (w->reported++ < 3)
			ffs_fsck_problem(st,
			    "inode %llu: block %lld past the "
			    "end of the file",
			    (unsigned long long)w->ip->i_number,
			    (long long)lbn);
		frags = fs->fs_frag;
		w->clear = true;
	}
	if (addr <= 0 || addr + frags > fs->fs_size ||
	    ffs_fragnum(fs, addr) + frags > fs->fs_frag) {
		w->clear = true;
		if (w->reported++ < 3)
			ffs_fsck_problem(st,
			    "inode %llu: bad block address "
			    "%lld",
			    (unsigned long long)w->ip->i_number,
			    (long long)addr);
		return;
	}
	w->frags += (uint64_t)frags;
	if ((dups = ffs_fsck_claim(st, addr, frags)) != 0) {
		/* a data block of the inode block: it gets a copy */
		if (!meta && lbn < UFS_NDADDR && st->fr->fr_repair)
			ffs_fsck_queue_clone(st, w->ip->i_number, lbn, addr,
			    frags);
		else
			w->clear = true;
	}
	if (dups != 0 && w->reported++ < 3)
		ffs_fsck_problem(st,
		    "inode %llu: block %lld claimed by "
		    "another file or the file system",
		    (unsigned long long)w->ip->i_number, (long long)addr);
}

/* An indirect block at addr of `level`, mapping from logical block base. */
static void
ffs_fsck_indir(struct ffs_fsck_walk *w, int64_t addr, int level, daddr_t base)
{
	struct ffs_fsck *st = w->st;
	struct ufsmount *ump = &st->fm.fm_um;
	uint64_t span = (uint64_t)1 << (ump->um_nindirshift * (level - 1));
	unsigned i, nindir = ump->um_nindir;
	int64_t *ptrs, dups0 = w->reported;
	struct buf *bp;

	if (!ufs_addr_valid(ump, addr, ump->um_frag) ||
	    ffs_fragnum(st->fm.fm_fs, addr) != 0) {
		w->clear = true;
		ffs_fsck_problem(st,
		    "inode %llu: bad indirect block address "
		    "%lld",
		    (unsigned long long)w->ip->i_number, (long long)addr);
		return;
	}
	ffs_fsck_data(w, addr, base, ump->um_frag, true);
	if (w->reported != dups0)
		return; /* claimed twice: do not follow it (loops) */
	if (ufs_bread_meta(ump, addr, &bp) != 0) {
		w->clear = true;
		ffs_fsck_problem(st,
		    "inode %llu: cannot read indirect block "
		    "%lld",
		    (unsigned long long)w->ip->i_number, (long long)addr);
		return;
	}
	ptrs = kmem_alloc(nindir * sizeof(*ptrs), KM_SLEEP);
	for (i = 0; i < nindir; i++)
		ptrs[i] = ufs_ind_get(ump, bp->b_data, i);
	brelse(bp, B_INVAL);
	for (i = 0; i < nindir; i++) {
		if (ptrs[i] == 0)
			continue;
		if (level > 1)
			ffs_fsck_indir(
			    w, ptrs[i], level - 1, base + (daddr_t)(i * span));
		else
			ffs_fsck_data(
			    w, ptrs[i], base + i, ump->um_frag, false);
	}
	kmem_free(ptrs, nindir * sizeof(*ptrs));
}

/* Claim every block of an inode and check its block count. */
static void
ffs_fsck_blocks(struct ffs_fsck *st, struct inode *ip)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct ffs_fsck_walk w = {st, ip, 0, 0, 0, false};
	uint64_t span = 1;
	daddr_t lbn, base = UFS_NDADDR;
	int level;

	if (ufs_has_blockmap(ip)) {
		w.ndb = (daddr_t)howmany(ip->i_size, (uint64_t)ump->um_bsize);
		for (lbn = 0; lbn < UFS_NDADDR; lbn++)
			if (ip->i_db[lbn] != 0)
				ffs_fsck_data(&w, ip->i_db[lbn], lbn,
				    ffs_numfrags(
				        st->fm.fm_fs, ufs_blksize(ip, lbn)),
				    false);
		for (level = 1; level <= UFS_NIADDR; level++) {
			span <<= ump->um_nindirshift;
			if (ip->i_ib[level - 1] != 0) {
				if (base >= w.ndb)
					w.clear = true;
				if (base >= w.ndb && w.reported++ < 3)
					ffs_fsck_problem(st,
					    "inode %llu: "
					    "indirect block "
					    "past the end of "
					    "the file",
					    (unsigned long long)ip->i_number);
				ffs_fsck_indir(
				    &w, ip->i_ib[level - 1], level, base);
			}
			base += (daddr_t)span;
		}
	}
	{
		int64_t xaddr[UFS_NXADDR];
		long xsize[UFS_NXADDR];
		int i, n = ffs_extblocks(ip, xaddr, xsize);

		for (i = 0; i < n; i++)
			ffs_fsck_data(&w, xaddr[i], 0,
			    ffs_numfrags(st->fm.fm_fs, xsize[i]), true);
	}
	if (w.clear) {
		/* its problems are reported; clearing repairs them all */
		ffs_fsck_queue(st, ip->i_number, FFS_FIX_CLEAR, 0);
		return;
	}
	if (w.frags * (ump->um_fsize / DEV_BSIZE) != ip->i_blocks) {
		ffs_fsck_problem(st,
		    "inode %llu: block count %llu, %llu "
		    "held",
		    (unsigned long long)ip->i_number,
		    (unsigned long long)ip->i_blocks,
		    (unsigned long long)(w.frags *
		        (ump->um_fsize / DEV_BSIZE)));
		ffs_fsck_queue(st, ip->i_number, FFS_FIX_BLOCKS,
		    w.frags * (ump->um_fsize / DEV_BSIZE));
	}
}

/* Look at one in-use inode. */
static void
ffs_fsck_inode(struct ffs_fsck *st, ino_t ino, const uint8_t *din)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct inode *ip = ufs_inode_alloc(ump, ino);
	bool dir;

	if (ufs_dinode_load(ip, din) != 0) {
		ffs_fsck_problem(st,
		    "inode %llu: bad inode (mode %#o, size "
		    "%llu)",
		    (unsigned long long)ino, ip->i_mode,
		    (unsigned long long)ip->i_size);
		st->istate[ino] = FSCK_BAD;
		st->nlink[ino] = (int16_t)ip->i_nlink;
		ufs_inode_free(ip);
		ffs_fsck_queue(st, ino, FFS_FIX_CLEAR, 0);
		return;
	}
	dir = (ip->i_mode & UFS_IFMT) == UFS_IFDIR;
	st->istate[ino] = dir ? FSCK_DIR : FSCK_FILE;
	st->dtype[ino] = ufs_mode2dt(ip->i_mode);
	st->nlink[ino] = (int16_t)ip->i_nlink;
	if (dir && (ip->i_size == 0 || ip->i_size % UFS_DIRBLKSIZ != 0)) {
		ffs_fsck_problem(st,
		    "directory %llu: size %llu is not a "
		    "multiple of %d",
		    (unsigned long long)ino, (unsigned long long)ip->i_size,
		    UFS_DIRBLKSIZ);
		if (ip->i_size == 0) {
			ffs_fsck_queue(st, ino, FFS_FIX_CLEAR, 0);
			ufs_inode_free(ip);
			return;
		}
		/* the last fragment holds the rounded-up size */
		ffs_fsck_queue(st, ino, FFS_FIX_SIZE,
		    roundup(ip->i_size, (uint64_t)UFS_DIRBLKSIZ));
	}
	if (ufs_isshortlink(ip) && ip->i_blocks != 0) {
		ffs_fsck_problem(st, "symlink %llu: short link with blocks",
		    (unsigned long long)ino);
		ffs_fsck_queue(st, ino, FFS_FIX_CLEAR, 0);
		ufs_inode_free(ip);
		return;
	}
	ffs_fsck_blocks(st, ip);
	ufs_inode_free(ip);
}

/* Pass 1: every inode of every group. */
static void
ffs_fsck_inodes(struct ffs_fsck *st)
{
	struct fs *fs = st->fm.fm_fs;
	struct ufsmount *ump = &st->fm.fm_um;
	uint32_t c, i, n, j;
	struct ffs_cgbuf cb;
	struct buf *bp;
	ino_t ino;
	uint16_t mode;

	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		n = (uint32_t)fs->fs_ipg;
		if (ump->um_ufs2 && st->cgok[c] &&
		    ffs_cg_read(&st->fm, c, &cb) == 0) {
			n = (uint32_t)CG_GET(&cb, cg_initediblk);
			ffs_cg_release(&cb, false);
		}
		for (i = 0; i < n; i += (uint32_t)fs->fs_inopb) {
			ino = (ino_t)c * (uint32_t)fs->fs_ipg + i;
			if (bread(ump->um_devvp,
			        UFS_FSBTODB(ump, ffs_ino_to_fsba(fs, ino)),
			        fs->fs_bsize, 0, &bp) != 0) {
				ffs_fsck_problem(st,
				    "cannot read inodes "
				    "%llu..",
				    (unsigned long long)ino);
				continue;
			}
			for (j = 0; j < (uint32_t)fs->fs_inopb; j++, ino++) {
				const uint8_t *din =
				    (const uint8_t *)bp->b_data +
				    j * ump->um_dinodesize;
				if (ino < UFS_ROOTINO)
					continue;
				memcpy(&mode, din, sizeof(mode));
				if (ufs_rw16(mode, ump->um_needswap) != 0)
					ffs_fsck_inode(st, ino, din);
			}
			brelse(bp, B_INVAL);
		}
	}
	ffs_fsck_apply(st);
	if (st->istate[UFS_ROOTINO] != FSCK_DIR)
		ffs_fsck_problem(st, "root inode is not a directory");
}

/*
 * Check one directory chunk and count the names in it; with repair, drop
 * the entries that cannot stay and fix the ones that can.  Returns
 * whether the chunk changed.
 */
static bool
ffs_fsck_chunk(struct ffs_fsck *st, ino_t dino, uint8_t *chunk, off_t coff)
{
	struct ufsmount *ump = &st->fm.fm_um;
	bool ns = ump->um_needswap, fix = st->fr->fr_repair, dirty = false;
	struct direct *ep;
	unsigned pos = 0, reclen, namlen, nent = 0, here;
	int prev = -1;
	uint32_t ino;
	uint8_t type;
	char name[UFS_MAXNAMLEN + 1];

#define DROP()                                                                 \
	do {                                                                   \
		ffs_fsck_dropent(st, chunk, prev, here, false);                \
		if (prev < 0)                                                  \
			prev = (int)here;                                      \
		dirty = true;                                                  \
	} while (0)
	while (pos < UFS_DIRBLKSIZ) {
		ep = (void *)(chunk + pos);
		reclen = ufs_rw16(ep->d_reclen, ns);
		ino = ufs_rw32(ep->d_ino, ns);
		namlen = ep->d_namlen;
		type = ep->d_type;
		if (ump->um_oldfmt) {
			uint16_t n16;

			memcpy(&n16, &ep->d_type, 2);
			namlen = ufs_rw16(n16, ns);
			type = UFS_DT_UNKNOWN;
		}
		if (UFS_DIRBLKSIZ - pos < UFS_DIRHDRSIZ || reclen == 0 ||
		    (reclen & 3) || reclen > UFS_DIRBLKSIZ - pos ||
		    (ino != 0 &&
		        (namlen == 0 || namlen > UFS_MAXNAMLEN ||
		            UFS_DIRSIZ(namlen) > reclen))) {
			ffs_fsck_problem(st,
			    "directory %llu, offset %lld: "
			    "bad entry (rest of chunk skipped)",
			    (unsigned long long)dino, (long long)(coff + pos));
			if (fix && coff == 0 && pos == 0) {
				/* "." and ".." first; pass 3 mends ".." */
				ffs_fsck_dots(st, chunk, dino, UFS_ROOTINO);
				if (st->refs[dino] != UINT16_MAX)
					st->refs[dino]++;
				if (st->refs[UFS_ROOTINO] != UINT16_MAX)
					st->refs[UFS_ROOTINO]++;
				st->dotdot[dino] = UFS_ROOTINO;
				ffs_nameset_add(st->names, ".", 1);
				ffs_nameset_add(st->names, "..", 2);
				dirty = true;
			} else if (fix && UFS_DIRBLKSIZ - pos >= UFS_DIRHDRSIZ) {
				ffs_fsck_dropent(st, chunk, prev, pos, true);
				dirty = true;
			} else if (fix && prev >= 0) {
				ffs_fsck_dropent(
				    st, chunk, prev, (unsigned)prev, true);
				dirty = true;
			}
			return dirty;
		}
		here = pos;
		pos += reclen;
		if (ino == 0) {
			nent++;
			prev = (int)here;
			continue;
		}
		memcpy(name, ep->d_name, namlen);
		name[namlen] = '\0';
		if (!ffs_nameset_add(st->names, name, namlen)) {
			ffs_fsck_problem(st,
			    "directory %llu: \"%s\" is there "
			    "twice",
			    (unsigned long long)dino, name);
			if (fix) {
				DROP();
				continue;
			}
		}
		if (memchr(name, '/', namlen) != NULL ||
		    strlen(name) != namlen) {
			ffs_fsck_problem(st,
			    "directory %llu: bad character in "
			    "a name",
			    (unsigned long long)dino);
			if (fix) {
				DROP();
				continue;
			}
		}
		if (coff == 0 && nent == 0 && strcmp(name, ".") != 0)
			ffs_fsck_problem(st,
			    "directory %llu: first entry is "
			    "not \".\"",
			    (unsigned long long)dino);
		if (coff == 0 && nent == 1 && strcmp(name, "..") != 0)
			ffs_fsck_problem(st,
			    "directory %llu: second entry is "
			    "not \"..\"",
			    (unsigned long long)dino);
		nent++;
		if (ino < UFS_ROOTINO || ino >= st->ninodes) {
			ffs_fsck_problem(st,
			    "directory %llu: \"%s\" names "
			    "inode %u, out of range",
			    (unsigned long long)dino, name, ino);
			if (fix)
				DROP();
			else
				prev = (int)here;
			continue;
		}
		if (st->istate[ino] == FSCK_FREE) {
			ffs_fsck_problem(st,
			    "directory %llu: \"%s\" names "
			    "free inode %u",
			    (unsigned long long)dino, name, ino);
			if (fix)
				DROP();
			else
				prev = (int)here;
			continue;
		}
		if (strcmp(name, ".") == 0) {
			if (ino != dino) {
				ffs_fsck_problem(st,
				    "directory %llu: \".\" "
				    "names inode %u",
				    (unsigned long long)dino, ino);
				if (fix) {
					ep->d_ino = ufs_rw32((uint32_t)dino, ns);
					ino = (uint32_t)dino;
					dirty = true;
				}
			}
			if (st->refs[ino] != UINT16_MAX)
				st->refs[ino]++;
			prev = (int)here;
			continue;
		}
		if (strcmp(name, "..") == 0) {
			if (st->refs[ino] != UINT16_MAX)
				st->refs[ino]++;
			st->dotdot[dino] = ino;
			prev = (int)here;
			continue;
		}
		if (type != UFS_DT_UNKNOWN && st->istate[ino] != FSCK_BAD &&
		    type != st->dtype[ino]) {
			ffs_fsck_problem(st,
			    "directory %llu: \"%s\" has type "
			    "%u, inode %u is of type %u",
			    (unsigned long long)dino, name, type, ino,
			    st->dtype[ino]);
			if (fix) {
				ep->d_type = st->dtype[ino];
				dirty = true;
			}
		}
		if (st->istate[ino] == FSCK_DIR) {
			if (ino == UFS_ROOTINO || st->parent[ino] != 0) {
				ffs_fsck_problem(st,
				    "directory %u has more "
				    "than one name (\"%s\" in "
				    "%llu)",
				    ino, name, (unsigned long long)dino);
				if (fix) {
					DROP();
					continue;
				}
			} else
				st->parent[ino] = (uint32_t)dino;
		}
		if (st->refs[ino] != UINT16_MAX)
			st->refs[ino]++;
		prev = (int)here;
	}
#undef DROP
	return dirty;
}

/* Read directory dino through its block map, chunk by chunk. */
static void
ffs_fsck_dir(struct ffs_fsck *st, ino_t dino)
{
	struct ufsmount *ump = &st->fm.fm_um;
	struct inode *ip = ufs_inode_alloc(ump, dino);
	uint8_t din[256];
	daddr_t lbn, addr;
	struct buf *bp;
	off_t coff;
	long size;
	bool dirty;

	if (ffs_inode_read(&st->fm, dino, din) != 0 ||
	    ufs_dinode_load(ip, din) != 0)
		goto out;
	ffs_nameset_clear(st->names);
	for (coff = 0; coff + UFS_DIRBLKSIZ <= (off_t)ip->i_size;) {
		lbn = UFS_LBLKNO(ump, coff);
		size = ufs_blksize(ip, lbn);
		if (ufs_blkmap(ip, lbn, &addr, NULL) != 0 || addr < 0 ||
		    !ufs_addr_valid(
		        ump, addr, (uint32_t)(size >> ump->um_fshift))) {
			ffs_fsck_problem(st,
			    "directory %llu: block %lld "
			    "missing",
			    (unsigned long long)dino, (long long)lbn);
			coff = UFS_LBLKTOSIZE(ump, lbn + 1);
			continue;
		}
		if (bread(ump->um_devvp, UFS_FSBTODB(ump, addr), (int)size, 0,
		        &bp) != 0) {
			ffs_fsck_problem(st,
			    "directory %llu: cannot read "
			    "block %lld",
			    (unsigned long long)dino, (long long)lbn);
			coff = UFS_LBLKTOSIZE(ump, lbn + 1);
			continue;
		}
		dirty = false;
		for (; coff + UFS_DIRBLKSIZ <= (off_t)ip->i_size &&
		     UFS_LBLKNO(ump, coff) == lbn &&
		     UFS_BLKOFF(ump, coff) + UFS_DIRBLKSIZ <= (size_t)size;
		     coff += UFS_DIRBLKSIZ)
			dirty |= ffs_fsck_chunk(st, dino,
			    (uint8_t *)bp->b_data + UFS_BLKOFF(ump, coff),
			    coff);
		if (dirty) {
			if (bwrite(bp) != 0)
				fsck_say(st->fr,
				    "directory %llu: cannot write "
				    "block %lld",
				    (unsigned long long)dino, (long long)lbn);
		} else
			brelse(bp, B_INVAL);
		if (UFS_LBLKNO(ump, coff) == lbn)
			coff = UFS_LBLKTOSIZE(ump, lbn + 1);
	}
out:
	ufs_inode_free(ip);
}

/* Passes 2 and 3: directory contents, then their shape. */
static void
ffs_fsck_dirs(struct ffs_fsck *st)
{
	uint64_t ino, cur, steps;
	bool fix = st->fr->fr_repair;

	st->names = ffs_nameset_new();
	for (ino = UFS_ROOTINO; ino < st->ninodes; ino++)
		if (st->istate[ino] == FSCK_DIR)
			ffs_fsck_dir(st, ino);
	ffs_nameset_free(st->names);
	for (ino = UFS_ROOTINO; ino < st->ninodes; ino++) {
		if (st->istate[ino] != FSCK_DIR)
			continue;
		if (ino == UFS_ROOTINO) {
			if (st->dotdot[ino] != UFS_ROOTINO) {
				ffs_fsck_problem(st,
				    "root directory: \"..\" "
				    "is not the root");
				if (fix)
					(void)ffs_fsck_setdotdot(
					    st, ino, UFS_ROOTINO);
			}
			continue;
		}
		if (st->parent[ino] == 0) {
			ffs_fsck_problem(st, "directory %llu has no name",
			    (unsigned long long)ino);
			/* into lost+found, or cleared with its files */
			if (fix && !ffs_fsck_reconnect(st, ino))
				ffs_fsck_queue(st, ino, FFS_FIX_CLEAR, 0);
			continue;
		}
		if (st->dotdot[ino] != st->parent[ino]) {
			ffs_fsck_problem(st,
			    "directory %llu: \"..\" is %u, "
			    "but it is named in %u",
			    (unsigned long long)ino, st->dotdot[ino],
			    st->parent[ino]);
			if (fix && st->dotdot[ino] != 0)
				(void)ffs_fsck_setdotdot(
				    st, ino, st->parent[ino]);
		}
		for (cur = ino, steps = 0;
		     cur != UFS_ROOTINO && cur != 0 && steps < st->ninodes;
		     steps++)
			cur = st->parent[cur];
		if (cur != UFS_ROOTINO) {
			ffs_fsck_problem(st,
			    "directory %llu is not connected "
			    "to the root",
			    (unsigned long long)ino);
			ffs_fsck_queue(st, ino, FFS_FIX_CLEAR, 0);
		}
	}
	ffs_fsck_apply(st);
}

/* Pass 4: link counts against the names found. */
static void
ffs_fsck_links(struct ffs_fsck *st)
{
	uint64_t ino;

	for (ino = UFS_ROOTINO; ino < st->ninodes; ino++) {
		if (st->istate[ino] == FSCK_FREE)
			continue;
		if (st->refs[ino] == 0) {
			ffs_fsck_problem(st,
			    "inode %llu is in use but has no "
			    "name",
			    (unsigned long long)ino);
			/* into lost+found, or cleared */
			if (st->fr->fr_repair && !ffs_fsck_reconnect(st, ino))
				ffs_fsck_queue(st, ino, FFS_FIX_CLEAR, 0);
		} else if (st->refs[ino] != (uint16_t)st->nlink[ino]) {
			ffs_fsck_problem(st,
			    "inode %llu: link count %d, %u "
			    "names found",
			    (unsigned long long)ino, st->nlink[ino],
			    st->refs[ino]);
			ffs_fsck_queue(st, ino, FFS_FIX_NLINK, st->refs[ino]);
		}
	}
	ffs_fsck_apply(st);
}

static void
ffs_fsck_free(struct ffs_fsck *st)
{
	struct fs *fs = st->fm.fm_fs;
	size_t n = (size_t)st->ninodes;

	if (st->used != NULL)
		kmem_free(st->used, (size_t)howmany(fs->fs_size, 8));
	if (st->istate != NULL) {
		kmem_free(st->istate, n);
		kmem_free(st->dtype, n);
		kmem_free(st->nlink, n * sizeof(*st->nlink));
		kmem_free(st->refs, n * sizeof(*st->refs));
		kmem_free(st->parent, n * sizeof(*st->parent));
		kmem_free(st->dotdot, n * sizeof(*st->dotdot));
		kmem_free(st->cgok, (size_t)fs->fs_ncg);
	}
	if (st->fix != NULL)
		kmem_free(st->fix, st->capfix * sizeof(*st->fix));
	if (st->fm.fm_cs != NULL)
		kmem_free(
		    st->fm.fm_cs, (size_t)fs->fs_ncg * sizeof(struct csum));
	kmem_free(fs, sizeof(*fs));
	mutex_destroy(&st->fm.fm_um.um_lock);
}

/* One whole check (and repair, as fr says) of the file system. */
static int
ffs_fsck_round(struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	struct ffs_fsck st;
	struct vattr va;
	char why[160];
	uint64_t alt;
	int64_t loc;
	bool ns;
	int error;

	(void)options;
	memset(&st, 0, sizeof(st));
	st.fr = fr;
	vattr_null(&va);
	if ((error = VOP_GETATTR(devvp, &va, FSCRED)) != 0)
		return error;
	st.fm.fm_fs = kmem_zalloc(sizeof(struct fs), KM_SLEEP);
	mutex_init(&st.fm.fm_um.um_lock);
	error = ffs_sb_find(devvp, (uint64_t)va.va_size, st.fm.fm_fs, &loc, &ns,
	    why, sizeof(why));
	if (error != 0) {
		ffs_fsck_problem(&st, "superblock: %s", why);
		if (ffs_fsck_altsb(devvp, (uint64_t)va.va_size, st.fm.fm_fs,
		        &loc, &ns, &alt) != 0) {
			fsck_say(fr, "no copy of the superblock found in the "
			             "cylinder groups");
			ffs_fsck_free(&st);
			return 0;
		}
		/* checked with the copy; with repair, written back */
		fsck_say(fr,
		    "using the superblock copy at sector %llu (fsck_ffs -b "
		    "%llu)%s",
		    (unsigned long long)(alt / DEV_BSIZE),
		    (unsigned long long)(alt / DEV_BSIZE),
		    fr->fr_repair ? "; it replaces the primary" : "");
		st.fm.fm_fmod = true;
		error = 0;
	}
	st.fm.fm_um.um_devvp = devvp;
	st.fm.fm_um.um_ronly = !fr->fr_repair;
	st.fm.fm_um.um_ops = &ffs_ufsops;
	ffs_ump_setup(&st.fm, ns);
	if ((error = ffs_csum_read(&st.fm)) != 0) {
		ffs_fsck_problem(&st, "cannot read the group summaries");
		ffs_fsck_free(&st);
		return 0;
	}
	if (!(st.fm.fm_fs->fs_clean & FS_ISCLEAN)) {
		ffs_fsck_problem(&st, "file system is not clean");
		st.fm.fm_fmod = true; /* marked clean below */
	}
	st.ninodes = st.fm.fm_um.um_ninodes;
	st.used =
	    kmem_zalloc((size_t)howmany(st.fm.fm_fs->fs_size, 8), KM_SLEEP);
	st.istate = kmem_zalloc((size_t)st.ninodes, KM_SLEEP);
	st.dtype = kmem_zalloc((size_t)st.ninodes, KM_SLEEP);
	st.nlink =
	    kmem_zalloc((size_t)st.ninodes * sizeof(*st.nlink), KM_SLEEP);
	st.refs = kmem_zalloc((size_t)st.ninodes * sizeof(*st.refs), KM_SLEEP);
	st.parent =
	    kmem_zalloc((size_t)st.ninodes * sizeof(*st.parent), KM_SLEEP);
	st.dotdot =
	    kmem_zalloc((size_t)st.ninodes * sizeof(*st.dotdot), KM_SLEEP);
	st.cgok = kmem_zalloc((size_t)st.fm.fm_fs->fs_ncg, KM_SLEEP);
	ffs_fsck_claim_meta(&st);
	ffs_fsck_cgcheck(&st);
	ffs_fsck_inodes(&st);
	ffs_fsck_dirs(&st);
	ffs_fsck_links(&st);
	ffs_fsck_maps(&st);
	if (fr->fr_repair && st.fm.fm_fmod) {
		st.fm.fm_fs->fs_clean = FS_ISCLEAN;
		st.fm.fm_fs->fs_time = time_second();
		if ((error = ffs_sbupdate(&st.fm, true)) != 0)
			fsck_say(fr, "cannot write the superblock (error %d)",
			    error);
	}
	ffs_fsck_free(&st);
	return error;
}

#define FFS_FSCK_ROUNDS 4 /* repair rounds after the first one */

/* vfs_fsckr */
int
ffs_fsck(struct vnode *devvp, const char *options, struct fsck_report *fr)
{
	return fsck_rounds(devvp, options, fr, ffs_fsck_round, FFS_FSCK_ROUNDS);
}
