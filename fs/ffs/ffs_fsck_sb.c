/*
 * A damaged primary superblock: newfs writes a copy of the superblock
 * into every cylinder group (at cgsblock), which fsck_ffs -b takes by
 * number.  Here the copies are looked for: the device is read from the
 * end of the primary's area on, and a block that carries the magic
 * number is taken when it is a sane superblock (ffs_sb_check, against
 * the primary's place it names) that sits exactly where its own geometry
 * puts the copy of some group >= 1.  With repair the round goes on with
 * it and writes it back in the primary's place at the end.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "ffs/ffs_extern.h"
#include "ffs/ffs_fsck.h"
#include "ffs/fs.h"

#define ALTSB_CHUNK 65536                  /* bytes read at once */
#define ALTSB_LIMIT ((uint64_t)8 << 30)    /* give up past 8 GiB */
#define ALTSB_START (SBLOCK_UFS1 + SBLOCKSIZE) /* past UFS1's primary */

static bool
magic_ok(int32_t m)
{
	return m == FS_UFS1_MAGIC || m == FS_UFS2_MAGIC ||
	    m == FS_UFS2EA_MAGIC;
}

/* Is the copy at byte off, read into fs (host order), a group's copy? */
static bool
altsb_ok(struct fs *fs, uint64_t off, uint64_t devsize, int64_t *primp)
{
	char why[128];
	int64_t prim;
	int32_t c;

	if (fs->fs_magic == FS_UFS1_MAGIC)
		prim = SBLOCK_UFS1;
	else if (fs->fs_sblockloc == SBLOCK_UFS2 ||
	    fs->fs_sblockloc == SBLOCK_UFS1)
		prim = fs->fs_sblockloc;
	else
		return false;
	ffs_oldfscompat_read(fs, prim);
	if (ffs_sb_check(fs, prim, devsize, why, sizeof(why)) != 0)
		return false;
	for (c = 1; c < fs->fs_ncg; c++)
		if ((uint64_t)ffs_cgsblock(fs, (uint32_t)c) *
		        (uint64_t)fs->fs_fsize ==
		    off) {
			*primp = prim;
			return true;
		}
	return false;
}

/* Read the superblock-sized block at byte off into fs, in host order. */
static bool
altsb_read(struct vnode *devvp, uint64_t off, struct fs *fs, bool *nsp)
{
	struct buf *bp;

	if (bread(devvp, (daddr_t)(off / DEV_BSIZE), SBLOCKSIZE, 0, &bp) != 0)
		return false;
	memcpy(fs, bp->b_data, sizeof(*fs));
	brelse(bp, B_INVAL);
	if (magic_ok(fs->fs_magic)) {
		*nsp = false;
		return true;
	}
	if (magic_ok((int32_t)__builtin_bswap32((uint32_t)fs->fs_magic))) {
		ffs_sb_swap(fs, fs);
		*nsp = true;
		return true;
	}
	return false;
}

int
ffs_fsck_altsb(struct vnode *devvp, uint64_t devsize, struct fs *fs,
    int64_t *primp, bool *nsp, uint64_t *altp)
{
	uint64_t end = MIN(devsize, ALTSB_LIMIT), off, at;
	uint32_t m, sw;
	struct buf *bp;
	size_t len, k;
	int error;

	for (off = ALTSB_START; off + SBLOCKSIZE <= end; off += ALTSB_CHUNK) {
		len = (size_t)MIN((uint64_t)ALTSB_CHUNK, end - off);
		len -= len % DEV_BSIZE;
		if ((error = bread(devvp, (daddr_t)(off / DEV_BSIZE), (int)len,
		         0, &bp)) != 0)
			return error;
		for (k = 0; k + 0x560 <= len; k += DEV_BSIZE) {
			memcpy(&m, (uint8_t *)bp->b_data + k + 0x55c, 4);
			sw = __builtin_bswap32(m);
			if (!magic_ok((int32_t)m) && !magic_ok((int32_t)sw))
				continue;
			at = off + k;
			if (at + SBLOCKSIZE > devsize)
				continue;
			brelse(bp, B_INVAL);
			bp = NULL;
			if (altsb_read(devvp, at, fs, nsp) &&
			    altsb_ok(fs, at, devsize, primp)) {
				*altp = at;
				return 0;
			}
			if (bread(devvp, (daddr_t)(off / DEV_BSIZE), (int)len,
			        0, &bp) != 0)
				return EIO;
		}
		brelse(bp, B_INVAL);
	}
	return ENOENT;
}
