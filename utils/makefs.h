/* ukfs-makefs's internals: sizing an image for a tree. */
#ifndef _UKFS_UTILS_MAKEFS_H_
#define _UKFS_UTILS_MAKEFS_H_

#include <stdint.h>

/* What a tree needs, from one walk over it. */
struct treesize {
	uint64_t data;    /* file, directory and symlink blocks, in bytes */
	uint64_t ninodes; /* objects, each inode counted once */
	uint64_t nfiles;
	int status; /* 1 when something could not be read */
};

/*
 * Walk the host directory dir and add up what copying it into a file
 * system with allocation unit unit (bytes) takes.
 */
int tree_size(const char *dir, uint64_t unit, struct treesize *ts);

#endif /* _UKFS_UTILS_MAKEFS_H_ */
