/*
 * Constants and structures shared by the kernel and its users.
 *
 * The kernel never sees host headers such as <fcntl.h> or <sys/stat.h>, so
 * every value that crosses the public interface is defined here once, with
 * fixed-width fields.  Values follow NetBSD where NetBSD has one.
 */
#ifndef _RUMP_RUMPDEFS_H_
#define _RUMP_RUMPDEFS_H_

#include <stdint.h>
#include <stddef.h>

/* open(2) flags */
#define RUMP_O_RDONLY	 0x00000000
#define RUMP_O_WRONLY	 0x00000001
#define RUMP_O_RDWR	 0x00000002
#define RUMP_O_ACCMODE	 0x00000003
#define RUMP_O_NONBLOCK	 0x00000004
#define RUMP_O_APPEND	 0x00000008
#define RUMP_O_SYNC	 0x00000080
#define RUMP_O_NOFOLLOW	 0x00000100
#define RUMP_O_CREAT	 0x00000200
#define RUMP_O_TRUNC	 0x00000400
#define RUMP_O_EXCL	 0x00000800
#define RUMP_O_NOCTTY	 0x00008000
#define RUMP_O_DSYNC	 0x00010000
#define RUMP_O_DIRECTORY 0x00200000
#define RUMP_O_CLOEXEC	 0x00400000

/* *at(2) */
#define RUMP_AT_FDCWD		  (-100)
#define RUMP_AT_SYMLINK_NOFOLLOW  0x0200
#define RUMP_AT_SYMLINK_FOLLOW	  0x0400
#define RUMP_AT_REMOVEDIR	  0x0800
#define RUMP_AT_EACCESS		  0x0100
#define RUMP_UTIME_NOW		  ((1L << 30) - 1L)
#define RUMP_UTIME_OMIT		  ((1L << 30) - 2L)

/* lseek(2) */
#define RUMP_SEEK_SET  0
#define RUMP_SEEK_CUR  1
#define RUMP_SEEK_END  2
#define RUMP_SEEK_DATA 3
#define RUMP_SEEK_HOLE 4

/* access(2) */
#define RUMP_F_OK 0
#define RUMP_X_OK 1
#define RUMP_W_OK 2
#define RUMP_R_OK 4

/* file types and permission bits (the traditional octal values) */
#define RUMP_S_IFMT   0170000
#define RUMP_S_IFIFO  0010000
#define RUMP_S_IFCHR  0020000
#define RUMP_S_IFDIR  0040000
#define RUMP_S_IFBLK  0060000
#define RUMP_S_IFREG  0100000
#define RUMP_S_IFLNK  0120000
#define RUMP_S_IFSOCK 0140000
#define RUMP_S_ISUID  0004000
#define RUMP_S_ISGID  0002000
#define RUMP_S_ISVTX  0001000
#define RUMP_ALLPERMS 0007777

/* dirent d_type */
#define RUMP_DT_UNKNOWN 0
#define RUMP_DT_FIFO	1
#define RUMP_DT_CHR	2
#define RUMP_DT_DIR	4
#define RUMP_DT_BLK	6
#define RUMP_DT_REG	8
#define RUMP_DT_LNK	10
#define RUMP_DT_SOCK	12

/* Device numbers: major in the high 32 bits, minor in the low 32. */
#define RUMP_MAKEDEV(ma, mi) (((uint64_t)(uint32_t)(ma) << 32) | (uint32_t)(mi))
#define RUMP_MAJOR(d)	     ((uint32_t)((uint64_t)(d) >> 32))
#define RUMP_MINOR(d)	     ((uint32_t)(d))

struct rump_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct rump_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blocks; /* in 512-byte units */
	uint32_t st_blksize;
	uint32_t st_flags;
	uint32_t st_gen;
	uint32_t st_spare;
	struct rump_timespec st_atim;
	struct rump_timespec st_mtim;
	struct rump_timespec st_ctim;
	struct rump_timespec st_birthtim; /* tv_sec -1 when not kept */
};

/*
 * getdents(2) records.  Records are packed back to back; d_reclen is the
 * distance to the next one and is a multiple of 8.  d_off is the directory
 * offset of the entry after this one (a seek cookie).
 */
#define RUMP_MAXNAMLEN 511
struct rump_dirent {
	uint64_t d_fileno;
	int64_t d_off;
	uint16_t d_reclen;
	uint16_t d_namlen;
	uint8_t d_type;
	char d_name[RUMP_MAXNAMLEN + 1];
};
#define RUMP_DIRENT_HDRSIZE offsetof(struct rump_dirent, d_name)
#define RUMP_DIRENT_SIZE(namlen)                                               \
	((RUMP_DIRENT_HDRSIZE + (namlen) + 1 + 7) & ~(size_t)7)

/* mount(2) flags (NetBSD's values) */
#define RUMP_MNT_RDONLY	     0x00000001
#define RUMP_MNT_SYNCHRONOUS 0x00000002
#define RUMP_MNT_NOEXEC	     0x00000004
#define RUMP_MNT_NOSUID	     0x00000008
#define RUMP_MNT_NODEV	     0x00000010
#define RUMP_MNT_NOATIME     0x04000000
#define RUMP_MNT_FORCE	     0x00080000
#define RUMP_MNT_UPDATE	     0x00010000
#define RUMP_MNT_LOG	     0x02000000

/* Mount arguments of every disk file system. */
struct rump_diskfs_args {
	const char *fspec;   /* path of the block device in the kernel */
	const char *options; /* comma-separated "name" or "name=value" */
};

#define RUMP_MNAMELEN	1024
#define RUMP_FSTYPENAMELEN 32
struct rump_statvfs {
	uint64_t f_flag;
	uint64_t f_bsize;
	uint64_t f_frsize;
	uint64_t f_iosize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_bresvd;
	uint64_t f_files;
	uint64_t f_ffree;
	uint64_t f_favail;
	uint64_t f_fresvd;
	uint64_t f_fsid;
	uint64_t f_namemax;
	char f_fstypename[RUMP_FSTYPENAMELEN];
	char f_mntonname[RUMP_MNAMELEN];
	char f_mntfromname[RUMP_MNAMELEN];
};

/* sync flags for fsync_range and VFS_SYNC */
#define RUMP_MNT_WAIT	1
#define RUMP_MNT_NOWAIT 2

/* Host files exposed inside the kernel (etfs). */
enum rump_etfs_type {
	RUMP_ETFS_REG,
	RUMP_ETFS_BLK,
	RUMP_ETFS_CHR,
};
#define RUMP_ETFS_SIZE_ENDOFF ((uint64_t)-1)

/* rump_pub_lwproc_rfork() flags */
#define RUMP_RFFDG  0x04 /* copy the descriptor table */
#define RUMP_RFCFDG 0x10 /* start with an empty descriptor table */

/* etfs open flags */
#define RUMP_ETFS_RDONLY 0x1
/* A compressed image file (gzip, vndcompress) is seen uncompressed. */
#define RUMP_ETFS_DECOMPRESS 0x2

/*
 * libp2k: node operations on vnodes (rumpvfs/vfs_p2k.c), each run with
 * the credentials of whoever asked (a NULL credential: the kernel's).
 */
#define RUMP_P2K_NGROUPS    16
#define RUMP_P2K_SYSVGROUPS 0x1 /* new files: creator's group, unless the
				   directory is set-group-id */
struct rump_p2k_cred {
	uint32_t pc_uid;
	uint32_t pc_gid;
	uint32_t pc_flags;
	uint32_t pc_ngroups;
	uint32_t pc_groups[RUMP_P2K_NGROUPS];
};

/* Attribute changes: sa_valid names the fields that are set. */
#define RUMP_P2K_SA_MODE  0x01
#define RUMP_P2K_SA_UID	  0x02
#define RUMP_P2K_SA_GID	  0x04
#define RUMP_P2K_SA_SIZE  0x08
#define RUMP_P2K_SA_ATIME 0x10 /* tv_nsec RUMP_UTIME_NOW: the time now */
#define RUMP_P2K_SA_MTIME 0x20
/*
 * With RUMP_P2K_SA_MODE alone: a mode change that only clears the set-id
 * bits is what a write does, so whoever may write the file may make it
 * (a FUSE kernel asks for it so, with the writer's credentials).
 */
#define RUMP_P2K_SA_KILLPRIV 0x40
struct rump_p2k_setattr {
	uint32_t sa_valid;
	uint32_t sa_mode;
	uint32_t sa_uid;
	uint32_t sa_gid;
	int64_t sa_size;
	struct rump_timespec sa_atime;
	struct rump_timespec sa_mtime;
};

/* rump_pub_p2k_rename() flags */
#define RUMP_P2K_RENAME_NOREPLACE 0x1

#endif /* _RUMP_RUMPDEFS_H_ */
