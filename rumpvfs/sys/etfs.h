/*
 * Host files seen as devices inside the kernel ("extra-terrestrial file
 * system", as NetBSD calls it).  Each registration names a key (a path in
 * the in-memory root file system) and a window [begin, begin+size) of a
 * host file; the device vnode's strategy turns buffers into host I/O.
 */
#ifndef _SYS_ETFS_H_
#define _SYS_ETFS_H_

struct buf;
struct vnode;

struct etfs_dev {
	char *ed_key;
	char *ed_hostpath;
	int ed_fd;
	enum rump_etfs_type ed_type;
	uint64_t ed_begin;
	uint64_t ed_size;
	int ed_flags; /* RUMP_ETFS_RDONLY */
	uint64_t ed_reads, ed_writes; /* counters, for tests */
};

/* Do the transfer a buffer describes; sets b_error/b_resid. */
void etfs_strategy(struct etfs_dev *, struct buf *);
int etfs_sync(struct etfs_dev *);

/*
 * Write gathering: between etfs_plug() and etfs_unplug() this thread's
 * writes of buffers marked B_GATHER that continue one another on one
 * device reach the host as one write (at a gap, a read, another write,
 * the size limit or the unplug), straight from the buffers: their owner
 * keeps them busy and unchanged until the unplug.  etfs_unplug() returns
 * the first error of those writes.
 */
void etfs_plug(void);
int etfs_unplug(void);

#endif /* _SYS_ETFS_H_ */
