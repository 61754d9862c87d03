/*
 * The ext2 check (vfs_fsck), one file a pass: ext2fs_fsck.c runs the
 * rounds, ext2fs_fsck_inode.c and ext2fs_fsck_blocks.c are pass 1,
 * ext2fs_fsck_dirs.c pass 2, ext2fs_fsck_links.c passes 3 and 4,
 * ext2fs_fsck_maps.c pass 5; ext2fs_fsck_dir.c edits directories.
 */
#ifndef _EXT2FS_EXT2FS_FSCK_H_
#define _EXT2FS_EXT2FS_FSCK_H_

#include "sys/fsck.h"

#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

#define E2FS_RESIZE_INO 7
#define FSCK_MAXDEPTH   (EXT4_EXT_MAX_DEPTH + 1)

struct fsck {
	struct ext2fs_mount *ump;
	struct fsck_report *fr;
	bool repair;
	uint8_t *bused; /* blocks found in use */
	uint8_t *iused; /* inodes found in use (by ino) */
	uint8_t *isdir;
	uint16_t *nlinks;  /* entries naming each inode (saturating) */
	uint8_t *named;    /* named by an entry other than "." and ".." */
	uint32_t *parent;  /* directories: the directory naming them */
	uint32_t *dotdot;  /* directories: what their ".." names (0: bad) */
	ino_t lostfound;   /* 0: not looked up yet; -1: none */
	struct e2clone {   /* direct blocks shared: copied after pass 1 */
		ino_t ino;
		int slot;
		uint64_t blk;
	} *clones;
	size_t nclones, capclones;
	uint64_t nclaimed; /* blocks of the inode being walked */
	ino_t ino;         /* the inode being walked */
	int ndups, nbad;
};

static inline bool
isset(const uint8_t *map, uint64_t i)
{
	return (map[i >> 3] & (1u << (i & 7))) != 0;
}

static inline void
setbit(uint8_t *map, uint64_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static inline void
clrbit(uint8_t *map, uint64_t i)
{
	map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* --- pass 1 (ext2fs_fsck_inode.c, ext2fs_fsck_blocks.c) ------------------ */

void ext2fs_fsck_pass1(struct fsck *);
/* Claim blk for the inode being walked; a direct block slot (repair). */
void ext2fs_fsck_claim(struct fsck *, uint64_t blk);
void ext2fs_fsck_claim_direct(struct fsck *, int slot, uint64_t blk);
void ext2fs_fsck_walk_ind(struct fsck *, uint64_t blk, int level);
void ext2fs_fsck_walk_ext(
    struct fsck *, const uint8_t *node, size_t room, int depth, int budget);
/* After pass 1: copies of the direct blocks claimed twice. */
void ext2fs_fsck_clone_blocks(struct fsck *);
/* Is ino one the superblock names (journal, quota, orphan file ...)? */
bool ext2fs_fsck_special_inode(const struct ext2fs_mount *, ino_t ino);
/* Set the link count, i_blocks, or clear the deletion time of ino. */
void ext2fs_fsck_inode_patch(struct fsck *, ino_t ino, uint16_t *links,
    uint32_t *blocks, bool nodtime);
/* Free ino as the kernel deletes (mode and links 0, a deletion time). */
void ext2fs_fsck_inode_clear(struct fsck *, ino_t ino);
/* Point direct slot `slot` of ino at blk. */
void ext2fs_fsck_inode_patch_block(
    struct fsck *, ino_t ino, int slot, uint32_t blk);

/*
 * Before pass 1 (ext2fs_fsck_orphan.c): the inodes on the orphan list
 * (deleted while still open) released, the list emptied.
 */
void ext2fs_fsck_orphans(struct fsck *);

/* --- passes 2 to 5 ------------------------------------------------------- */

void ext2fs_fsck_pass2(struct fsck *);
void ext2fs_fsck_pass3(struct fsck *);
void ext2fs_fsck_pass4(struct fsck *);
void ext2fs_fsck_pass5(struct fsck *);
/* Mark the blocks of the groups' own structures in fk->bused. */
void ext2fs_fsck_mark_layout(struct fsck *);

/* --- directory edits (ext2fs_fsck_dir.c) ----------------------------------
 * They go through the inode's block map and the device, as the check
 * reads, because the file system is not mounted (no vnodes). */

/* Call cb for the records of directory dir (flags E2FS_DIRWALK_*). */
int ext2fs_fsck_dirwalk(
    struct ext2fs_mount *, ino_t dir, int flags, ext2fs_dir_cb *, void *);
/* The inode name names in dir, or ENOENT. */
int ext2fs_fsck_lookup(
    struct ext2fs_mount *, ino_t dir, const char *name, ino_t *inop);
/* Add name for ino (of mode) to dir where a record has room: ENOSPC. */
int ext2fs_fsck_link(struct ext2fs_mount *, ino_t dir, ino_t ino,
    uint16_t mode, const char *name);
/* Make the ".." of dir name parent: ENOENT when it has none. */
int ext2fs_fsck_setdotdot(struct ext2fs_mount *, ino_t dir, ino_t parent);

#endif /* _EXT2FS_EXT2FS_FSCK_H_ */
