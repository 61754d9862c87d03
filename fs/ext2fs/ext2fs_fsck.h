/*
 * Directory edits of the ext2 check (ext2fs_fsck_dir.c): they go through
 * the inode's block map and the device, as the check reads, because the
 * file system is not mounted (no vnodes).
 */
#ifndef _EXT2FS_EXT2FS_FSCK_H_
#define _EXT2FS_EXT2FS_FSCK_H_

#include "ext2fs/ext2fs_extern.h"

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
