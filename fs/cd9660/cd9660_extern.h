/* Functions shared between the files of cd9660. */
#ifndef _CD9660_EXTERN_H_
#define _CD9660_EXTERN_H_

#include "cd9660/cd9660.h"

struct buf;
struct vnode;
struct uio;

/* cd9660_vnops.c */
extern int (**cd9660_vnodeop_p)(void *);
extern int (**cd9660_specop_p)(void *);
extern const struct vnodeopv_desc *const cd9660_vnodeopv_descs[];

/* cd9660_util.c: numbers, times and plain names */
int cd9660_corrupt(const char *fmt, ...) __printflike(1, 2);
bool cd9660_time7(const uint8_t *p, struct timespec *ts);
bool cd9660_time17(const uint8_t *p, struct timespec *ts);
size_t cd9660_plain_name(const struct cd9660_mount *, const uint8_t *name,
    size_t len, bool mapcase, char *out);
int cd9660_bread(struct cd9660_mount *, uint32_t sector, struct buf **);
int cd9660_check_extent(struct cd9660_mount *, uint32_t lba, uint64_t bytes,
    uint8_t fu, uint8_t gap, const char *what);

/* cd9660_joliet.c */
int cd9660_joliet_level(const uint8_t *escapes);
int cd9660_joliet_name(const uint8_t *name, size_t len, bool keepversion,
    char *out, size_t *outlen);

/* cd9660_rrip.c */
int cd9660_rrip_parse(
    struct cd9660_mount *, const struct iso_dirent *, struct cd9660_rr *);

/* cd9660_lookup.c: directory records, iteration, lookup and readdir */
struct cd9660_dircursor {
	struct cd9660_mount *c_ump;
	uint32_t c_lba;  /* first data sector of the directory */
	uint32_t c_size; /* bytes */
	off_t c_off;     /* next record's offset in the directory */
	int64_t c_sec;   /* sector (of the directory) in c_data, or -1 */
	/* a copy: parsing may read other sectors, even this one */
	uint8_t c_data[ISO_SECTOR];
};
void cd9660_dircursor_init(struct cd9660_dircursor *, struct cd9660_mount *,
    uint32_t lba, uint32_t size, off_t off);
int cd9660_dircursor_next(struct cd9660_dircursor *, struct iso_dirent *);
void cd9660_dircursor_done(struct cd9660_dircursor *);
int cd9660_dirent_parse(struct cd9660_mount *, const uint8_t *rec, size_t room,
    uint64_t addr, struct iso_dirent *);
struct cd9660_entry;
int cd9660_dir_find(struct cd9660_node *, const char *name, size_t namelen,
    struct cd9660_entry *);
int cd9660_dir_count(struct cd9660_node *, size_t *n);
int cd9660_lookup(void *);
int cd9660_readdir(void *);

/* cd9660_node.c: entries of directories and loading nodes */
struct cd9660_entry {
	off_t e_off, e_nextoff;
	char e_name[MAXNAMLEN + 1];
	size_t e_namelen;
	bool e_hidden;
	uint8_t e_dtype;
	ino_t e_fileid;
	struct cd9660_key e_key;
	struct cd9660_rr e_rr; /* scratch */
};
int cd9660_entry_fill(struct cd9660_mount *, const struct cd9660_node *dp,
    const struct iso_dirent *, struct cd9660_entry *);
void cd9660_key_dir(struct cd9660_key *, uint32_t lba);
int cd9660_dir_parent(struct cd9660_mount *, uint32_t lba, uint32_t *parent);
int cd9660_node_load(
    struct cd9660_mount *, const struct cd9660_key *, struct cd9660_node **);
void cd9660_node_free(struct cd9660_node *);

/* cd9660_read.c: file data */
int cd9660_read(void *);
int cd9660_bmap(void *);
int cd9660_strategy(void *);
int cd9660_map(const struct cd9660_node *, uint64_t off, uint32_t *sector,
    uint32_t *nsectors);
int cd9660_read_raw(struct cd9660_node *, uint64_t off, void *buf, size_t len);

/* cd9660_zisofs.c */
int cd9660_zisofs_check(struct cd9660_node *, const struct cd9660_rr *);
int cd9660_zisofs_fill(struct cd9660_node *, struct buf *);

#endif /* _CD9660_EXTERN_H_ */
