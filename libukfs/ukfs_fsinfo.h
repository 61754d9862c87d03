/* Building a struct ukfs_fsinfo (ukfs_fsinfo*.c).  Not installed. */
#ifndef _UKFS_FSINFO_H_
#define _UKFS_FSINFO_H_

#include "ukfs_img.h"

/* Add a field; -1 when out of memory. */
int fi_text(struct ukfs_fsinfo *fi, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fi_num(struct ukfs_fsinfo *fi, const char *key, uint64_t v);
int fi_time(struct ukfs_fsinfo *fi, const char *key, int64_t t);
/* A fixed-size on-disk string, trailing blanks and NULs dropped. */
int fi_str(
    struct ukfs_fsinfo *fi, const char *key, const unsigned char *p, size_t n);
/* Start the next group row; group fields then go to it (fi_g*). */
int fi_group(struct ukfs_fsinfo *fi);
int fi_gnum(struct ukfs_fsinfo *fi, const char *key, uint64_t v);

struct fi_io {
	struct ukfs_himg *h;
	uint64_t base;
	const char *image;
};

int fi_read(const struct fi_io *io, uint64_t off, void *buf, size_t len);

int fsinfo_ext2(const struct fi_io *io, struct ukfs_fsinfo *fi);
int fsinfo_ffs(const struct fi_io *io, struct ukfs_fsinfo *fi);
int fsinfo_msdos(const struct fi_io *io, struct ukfs_fsinfo *fi);
int fsinfo_cd9660(const struct fi_io *io, struct ukfs_fsinfo *fi);
int fsinfo_lfs(const struct fi_io *io, struct ukfs_fsinfo *fi);

#endif /* _UKFS_FSINFO_H_ */
