/*
 * In-core structures of cd9660: the mount, the parsed directory record,
 * what Rock Ridge says about a record, and the node behind a vnode.
 *
 * Node identity: a directory is known by the block where its data starts
 * (its "." record), so it is the same node whether it is reached by name,
 * by "." or by "..".  Any other file is known by the address of the
 * directory record that names it (the first record, for a file in several
 * extents).  st_ino comes from the same places, except that hard links
 * share one number: the Rock Ridge serial number where the image has one,
 * else the data extent.
 */
#ifndef _CD9660_CD9660_H_
#define _CD9660_CD9660_H_

#include "sys/param.h"
#include "sys/lock.h"
#include "sys/vnode.h"

#include "cd9660/iso.h"

#define CD9660_FSNAME "cd9660"

/* Which tree the mount shows. */
enum cd9660_tree { CD9660_PLAIN, CD9660_ROCKRIDGE, CD9660_JOLIET };

/* Mount options (mount_cd9660(8) names). */
#define CD9660_OPT_NORRIP     0x01 /* ignore Rock Ridge */
#define CD9660_OPT_NOJOLIET   0x02 /* ignore Joliet */
#define CD9660_OPT_GENS       0x04 /* keep ";1" version suffixes */
#define CD9660_OPT_NOMAPLCASE 0x08 /* plain names: keep upper case */

struct cd9660_mount {
	struct mount *um_mountp;
	struct vnode *um_devvp;
	uint64_t um_devsize;
	uint32_t um_nsectors; /* readable sectors: min(volume, device) */
	uint32_t um_volsize;  /* volume space size from the descriptor */
	enum cd9660_tree um_tree;
	int um_joliet_level; /* of the chosen SVD, 0 if none */
	unsigned um_opts;
	unsigned um_susp_skip; /* SP LEN_SKP */
	uint32_t um_root;      /* first data sector of the root directory */
	uint32_t um_rootsize;
	uint32_t um_rrmoved;  /* rr_moved directory, 0 if none */
	bool um_hide_rrmoved; /* it holds nothing but relocated dirs */
	char um_volid[33];
};

#define VFSTOCD9660(mp) ((struct cd9660_mount *)(mp)->mnt_data)

/* One directory record, checked against its sector. */
struct iso_dirent {
	uint64_t d_addr; /* byte address on the device */
	uint32_t d_reclen;
	uint32_t d_extent; /* first block, extended attribute record included */
	uint32_t d_size;
	uint8_t d_xarlen;
	uint8_t d_flags;
	uint8_t d_fu, d_gap; /* interleaving, in blocks */
	const uint8_t *d_date;
	const uint8_t *d_name;
	uint8_t d_namelen;
	const uint8_t *d_su; /* system use area, LEN_SKP already skipped */
	size_t d_sulen;
};

/* What Rock Ridge (and zisofs) entries of one record say. */
struct cd9660_rr {
	unsigned rr_have;
#define RR_PX     0x0001
#define RR_PN     0x0002
#define RR_SL     0x0004
#define RR_NM     0x0008
#define RR_TF     0x0010
#define RR_CL     0x0020
#define RR_PL     0x0040
#define RR_RE     0x0080
#define RR_ZF     0x0100
#define RR_SERIAL 0x0200 /* PX carried a serial number */
#define RR_ER     0x0400 /* an ER naming Rock Ridge */
#define RR_SP     0x0800
	uint32_t rr_mode, rr_nlink, rr_uid, rr_gid;
	uint64_t rr_serial;
	uint64_t rr_rdev;
	unsigned rr_tfhave; /* RRIP_TF_* bits that were read */
	struct timespec rr_birth, rr_mtime, rr_atime, rr_ctime;
	uint32_t rr_cl, rr_pl;
	unsigned rr_sp_skip;
	/* ZF */
	uint8_t rr_zf_hdr4, rr_zf_bshift;
	uint32_t rr_zf_size;
	bool rr_zf_known; /* algorithm "pz" */
	/* NM: the name (not terminated) */
	size_t rr_namelen;
	char rr_name[MAXNAMLEN + 1];
	/* SL: filled only when the caller gives a buffer */
	char *rr_link;
	size_t rr_linklen;
};

/* A piece of a file's data on the device. */
struct cd9660_extent {
	uint64_t e_off;      /* file offset where it starts */
	uint64_t e_len;      /* bytes */
	uint32_t e_lba;      /* first data block (after the XAR) */
	uint8_t e_fu, e_gap; /* interleave: unit and gap in blocks, 0: none */
};

/* The vcache key: see the comment at the top. */
struct cd9660_key {
	uint64_t k_addr;   /* directory: first data sector * 2048; */
	                   /* other: byte address of its record */
	uint32_t k_dirend; /* other: end sector of its directory */
	uint32_t k_isdir;
};

struct cd9660_node {
	struct vnode *i_vnode;
	struct cd9660_mount *i_ump;
	struct cd9660_key i_key;
	ino_t i_number;
	enum vtype i_type;
	mode_t i_mode; /* permission bits and type (RUMP_S_IF*) */
	nlink_t i_nlink;
	uid_t i_uid;
	gid_t i_gid;
	dev_t i_rdev;
	struct timespec i_atime, i_mtime, i_ctime, i_birthtime;
	uint64_t i_size;    /* as users see it (uncompressed) */
	uint64_t i_rawsize; /* bytes on the device */
	unsigned i_nextents, i_extcap;
	struct cd9660_extent *i_extents;
	struct cd9660_extent i_ext1; /* i_extents for one extent */
	uint32_t i_parent; /* directory: first data sector of its parent, */
	                   /* 0 if not known */
	char *i_link;      /* symlink target */
	size_t i_linklen;
	/* zisofs */
	bool i_zisofs;
	uint8_t i_zbshift;
	uint32_t i_zhdrlen;
	/* hints */
	off_t i_diroff;  /* directory: where the last lookup matched */
	daddr_t i_nextr; /* expected next read block */
};

#define VTOI(vp) ((struct cd9660_node *)(vp)->v_data)
#define ITOV(ip) ((ip)->i_vnode)

#endif /* _CD9660_CD9660_H_ */
