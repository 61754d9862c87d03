/*
 * The FUSE bridge: FUSE's low-level (inode-number) protocol served by
 * libp2k.  Internal to the rump_* daemons.
 */
#ifndef _FB_H_
#define _FB_H_

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>

#include "p2k.h"

/*
 * A node the kernel knows: FUSE's node id, the libp2k node (one reference
 * held by the table) and how many lookups the kernel has counted.
 */
struct fb_node {
	uint64_t fn_id;
	struct p2k_node *fn_pn;
	uint64_t fn_nlookup;
	struct fb_node *fn_idnext; /* hash chains */
	struct fb_node *fn_pnnext;
};

struct fb_nodes {
	pthread_rwlock_t nt_lock;
	struct fb_node **nt_byid;
	struct fb_node **nt_bypn;
	size_t nt_mask; /* buckets - 1 */
	size_t nt_count;
	uint64_t nt_nextsynth;
	struct p2k_node *nt_root;
};

struct fb_opts {
	const char *fo_progname;
	const char *fo_fstype; /* NULL: detect */
	const char *fo_image;
	const char *fo_mountpoint;
	int fo_unmount; /* -u: unmount fo_mountpoint and wait */
	int fo_foreground;
	int fo_debug;
	int fo_mode;  /* FB_MODE_* */
	int fo_force; /* mount an unclean image read-write */
	int fo_bsdgroups;
	double fo_attr_timeout;
	double fo_entry_timeout;
	double fo_negative_timeout;
	unsigned fo_sync_interval; /* seconds; 0: only on request */
	unsigned fo_threads;
	char *fo_fuseopts; /* for libfuse, escaped */
	char *fo_fsopts;   /* for the file system */
};
#define FB_MODE_DEFAULT 0 /* read-write if possible, else read-only */
#define FB_MODE_RO      1
#define FB_MODE_RW      2

struct fb {
	struct p2k_mount *fb_pm;
	struct fb_nodes fb_nodes;
	const struct fb_opts *fb_opts;
	int fb_rdonly;
};

/* fb_nodes.c */
int fb_nodes_init(struct fb_nodes *, struct p2k_node *root);
/* The libp2k node of a FUSE node id; NULL if the kernel should not know it. */
struct p2k_node *fb_node_get(struct fb_nodes *, fuse_ino_t);
/*
 * Count a lookup of pn (whose reference passes to the table) and return
 * its node id; 0 when out of memory (the reference is dropped).
 */
fuse_ino_t fb_node_enter(
    struct fb_nodes *, struct p2k_node *pn, const struct stat *st);
void fb_node_forget(struct fb_nodes *, fuse_ino_t, uint64_t nlookup);
/* Drop every node (the kernel has gone); returns how many there were. */
size_t fb_nodes_release(struct fb_nodes *);
void fb_nodes_destroy(struct fb_nodes *);

/* fb_files.c: an open file of the FUSE kernel (fi->fh) */
struct fb_file {
	struct p2k_file *ff_pf;
	struct fb_file *ff_next, *ff_prev;
};
/* NULL when out of memory (pf is closed then). */
struct fb_file *fb_file_add(struct p2k_file *pf);
int fb_file_close(struct fb_file *);
/* Close what the kernel left open; returns how many. */
size_t fb_files_close_all(void);

/* fb_ops.c */
extern const struct fuse_lowlevel_ops fb_ops;

/* fb_umount.c: unmount, wait for the daemon; an exit status */
int fb_umount(const char *progname, const char *mountpoint);

/* fb_opts.c */
int fb_opts_parse(int argc, char **argv, struct fb_opts *);
void fb_opts_free(struct fb_opts *);
void fb_usage(FILE *fp, const char *progname);

#endif /* _FB_H_ */
