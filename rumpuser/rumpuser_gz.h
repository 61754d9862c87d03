/*
 * The gzip reader's access points, shared by rumpuser_gz.c and the index
 * cache (rumpuser_gzcache.c).  Host code only.
 */
#ifndef _RUMPUSER_GZ_H_
#define _RUMPUSER_GZ_H_

#include <stddef.h>
#include <stdint.h>

#define GZ_WIN 32768 /* deflate's window */

struct gz_point {
	uint64_t out;          /* its offset in the uncompressed data */
	uint64_t in;           /* file offset of the next whole byte */
	int bits;              /* bits of the byte before in not yet used */
	unsigned char prev;    /* that byte */
	unsigned char *window; /* GZ_WIN bytes; NULL at a member's start */
};

/*
 * The whole index of the gzip file open at fd, from the cache under
 * $XDG_CACHE_HOME/ukfs (else ~/.cache/ukfs), when one was saved for this
 * very file (device, inode, size and modification time): 0 with *pts
 * (malloc'ed, windows too), *npts and *total; -1 when there is none or
 * it does not hold together.
 */
int rumpuser_gzcache_load(
    int fd, uint64_t *total, struct gz_point **pts, size_t *npts);
/* Save a complete index; failures are silent (the cache is optional). */
void rumpuser_gzcache_save(
    int fd, uint64_t total, const struct gz_point *pts, size_t npts);

#endif /* _RUMPUSER_GZ_H_ */
