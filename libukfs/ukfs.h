/*
 * libukfs: file-system images as a path-level library.
 *
 * A struct ukfs is one image mounted inside the process's rump kernel.  The
 * library boots the kernel (ukfs_init), registers the image file as a block
 * device, mounts it and gives the mount its own kernel process whose root
 * directory is the root of the image: every path passed to a ukfs_*()
 * function is a path inside the image ("/etc/passwd"; relative paths start
 * at the image root too), and absolute symlinks inside the image resolve
 * inside the image.
 *
 * Conventions:
 *  - Functions return 0 (or a count, a handle) on success and -1 with errno
 *    set on failure; errno is per thread.  ukfs_mount(), ukfs_detect() and
 *    ukfs_init() also leave a one-line explanation for the calling thread
 *    in ukfs_errmsg().
 *  - Flags and modes are the HOST's values (O_RDONLY, S_IFREG, AT_*,
 *    UTIME_NOW, dev_t from makedev()); the library translates them.
 *  - A struct ukfs may be used by several threads; its operations are
 *    serialised by a mutex.  Different mounts run in parallel.
 *  - Inside the kernel a thread works on a mount as an lwp of the mount's
 *    own process, and it stays that lwp after the call returns, so that
 *    the next call on the same mount costs no switch.  A program that
 *    calls the rump kernel's interface (rump_sys_*, rump_pub_*) itself
 *    should do so from threads that make no ukfs_*() calls on mounts.
 *  - File and directory handles belong to the ukfs that made them.
 *    ukfs_release() closes the file handles; close struct ukfs_dir
 *    objects with ukfs_closedir() before it (they are memory too).
 *  - Bad input (NULL pointers, unknown handles, corrupt images) gives an
 *    error, never a crash.
 */
#ifndef _UKFS_H_
#define _UKFS_H_

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UKFS_API __attribute__((visibility("default")))

struct ukfs;
struct ukfs_dir;

/* --- the library --------------------------------------------------------- */

/*
 * Boot the kernel.  May be called any number of times from any thread; the
 * kernel boots once.  ukfs_mount() calls it itself.
 */
UKFS_API int ukfs_init(void);

/* The file-system types this build can mount, comma-separated ("" on error). */
UKFS_API const char *ukfs_fstypes(void);

/*
 * The explanation of the calling thread's last failed ukfs_init, ukfs_mount,
 * ukfs_detect or ukfs_release, e.g. "img: image is in use by another
 * writer"; "" when there is none.  Valid until the thread's next such call.
 */
UKFS_API const char *ukfs_errmsg(void);

/*
 * NetBSD's name for a file-system type or one of its aliases (ext2, ext3,
 * ext4 -> ext2fs; ufs, ufs1, ufs2 -> ffs; fat, vfat -> msdos; iso9660,
 * iso -> cd9660); NULL when the name is unknown.
 */
UKFS_API const char *ukfs_canon_fstype(const char *name);

/*
 * Look at the image file (from byte offset on) for the signature of a known
 * file system and copy its canonical type name into type[len].  Exactly one
 * match is required: none gives ENODEV, two or more give EINVAL; both with
 * a message in ukfs_errmsg().
 */
UKFS_API int ukfs_detect(
    const char *image, uint64_t offset, char *type, size_t len);

/*
 * The volume label of the file system of type fstype in the image (at
 * offset), as its superblock or boot sector holds it, into buf[len];
 * "" when it has none or the type keeps none.
 */
UKFS_API int ukfs_label(const char *image, uint64_t offset, const char *fstype,
    char *buf, size_t len);

/* --- mounting ------------------------------------------------------------ */

/*
 * Flags.  UKFS_FORCE: for ukfs_mount(), ignore a conflicting image lock
 * and, for a read-write mount, add "force" to the mount options, which
 * makes the file system accept an image that is not marked clean or has
 * errors recorded (refused otherwise, with the reason on stderr and in
 * ukfs_errmsg()); for ukfs_release(), unmount even if busy.
 */
#define UKFS_RDONLY 0x0001 /* mount read-only (the default) */
#define UKFS_RDWR   0x0002 /* mount read-write */
#define UKFS_FORCE  0x0004

/*
 * Mount the file system in [offset, offset+size) of the host file image
 * (size 0: to the end of the file).  fstype NULL or "" detects the type.
 * options: the file system's mount options ("name,name=value") or NULL.
 * The image file is locked: shared for read-only, exclusive for read-write;
 * a conflicting lock fails with EBUSY.  On failure returns NULL and stores
 * the error in *errorp (when not NULL) and errno, with ukfs_errmsg() set.
 */
UKFS_API struct ukfs *ukfs_mount(const char *fstype, const char *image,
    uint64_t offset, uint64_t size, int flags, const char *options,
    int *errorp);

/*
 * Unmount and free.  The mount's kernel process goes first, closing
 * every handle; a read-write mount is then synced and unmounted, which
 * writes everything back to the image, and the image is unlocked.
 * flags: 0 or UKFS_FORCE.  The ukfs is freed even when the write-back or
 * the unmount fails (-1, with ukfs_errmsg()).
 */
UKFS_API int ukfs_release(struct ukfs *u, int flags);

/* The canonical type name and the image path of a mount. */
UKFS_API const char *ukfs_fstype(const struct ukfs *u);
UKFS_API const char *ukfs_image(const struct ukfs *u);
/*
 * Where the mount lives in the kernel's own name space ("/ukfs/N"), for
 * callers of the rump_pub_* interface such as libp2k.
 */
UKFS_API const char *ukfs_mountpoint(const struct ukfs *u);

/* --- files --------------------------------------------------------------- */

/*
 * Open a file in the image; returns a handle (a small int, valid only with
 * this ukfs).  flags are open(2)'s: O_RDONLY, O_WRONLY, O_RDWR, O_CREAT,
 * O_EXCL, O_TRUNC, O_APPEND, O_NOFOLLOW, O_DIRECTORY, O_SYNC, O_DSYNC,
 * O_NONBLOCK; O_CLOEXEC, O_NOCTTY, O_LARGEFILE and O_NOATIME are ignored.
 */
UKFS_API int ukfs_open(struct ukfs *u, const char *path, int flags, ...);
/* Relative to a directory handle (or AT_FDCWD: the image root). */
UKFS_API int ukfs_openat(
    struct ukfs *u, int dirfd, const char *path, int flags, mode_t mode);
UKFS_API int ukfs_close(struct ukfs *u, int fd);
UKFS_API ssize_t ukfs_read(struct ukfs *u, int fd, void *buf, size_t len);
UKFS_API ssize_t ukfs_pread(
    struct ukfs *u, int fd, void *buf, size_t len, off_t off);
/* whence: SEEK_SET, SEEK_CUR, SEEK_END; SEEK_DATA/SEEK_HOLE may be EINVAL. */
UKFS_API off_t ukfs_lseek(struct ukfs *u, int fd, off_t off, int whence);

/* Read up to len bytes at off of the file at path (open, pread, close). */
UKFS_API ssize_t ukfs_read_path(
    struct ukfs *u, const char *path, off_t off, void *buf, size_t len);

/* --- directories --------------------------------------------------------- */

struct ukfs_dirent {
	const char *d_name; /* NUL-terminated; valid until the next readdir */
	uint64_t d_ino;
	unsigned d_type; /* DT_REG, DT_DIR, ... or DT_UNKNOWN */
	size_t d_namlen;
};

UKFS_API struct ukfs_dir *ukfs_opendir(struct ukfs *u, const char *path);
/* Open the directory at path relative to a directory handle. */
UKFS_API struct ukfs_dir *ukfs_opendirat(
    struct ukfs *u, int dirfd, const char *path);
/* 1: *de filled; 0: end of directory; -1: error.  "." and ".." included. */
UKFS_API int ukfs_readdir(struct ukfs_dir *d, struct ukfs_dirent *de);
UKFS_API int ukfs_closedir(struct ukfs_dir *d);
/* The directory's handle, for the *at() functions. */
UKFS_API int ukfs_dirfd(struct ukfs_dir *d);

/* --- attributes ---------------------------------------------------------- */

/* Fill the host's struct stat (st_dev and st_rdev made with makedev()). */
UKFS_API int ukfs_stat(struct ukfs *u, const char *path, struct stat *st);
UKFS_API int ukfs_lstat(struct ukfs *u, const char *path, struct stat *st);
UKFS_API int ukfs_fstat(struct ukfs *u, int fd, struct stat *st);
/* flags: 0 or AT_SYMLINK_NOFOLLOW. */
UKFS_API int ukfs_fstatat(
    struct ukfs *u, int dirfd, const char *path, struct stat *st, int flags);

/* What struct stat cannot carry. */
struct ukfs_xstat {
	struct stat st;
	struct timespec birthtime; /* tv_sec == -1: not kept by the fs */
	uint32_t flags;            /* file flags (chflags), fs-specific */
	uint32_t gen;              /* inode generation */
};
/* flags: 0 or AT_SYMLINK_NOFOLLOW; path NULL or "" with dirfd: fstat. */
UKFS_API int ukfs_xstat(struct ukfs *u, int dirfd, const char *path,
    struct ukfs_xstat *xst, int flags);

/* Like readlink(2): no NUL added; returns the length. */
UKFS_API ssize_t ukfs_readlink(
    struct ukfs *u, const char *path, char *buf, size_t len);
UKFS_API ssize_t ukfs_readlinkat(
    struct ukfs *u, int dirfd, const char *path, char *buf, size_t len);

/*
 * The canonical absolute path of path inside the image (symlinks, "." and
 * ".." resolved; ".." of the root is the root) into buf[len].  Every
 * component must exist.  Returns buf or NULL.
 */
UKFS_API char *ukfs_realpath(
    struct ukfs *u, const char *path, char *buf, size_t len);

UKFS_API int ukfs_statvfs(struct ukfs *u, const char *path, struct statvfs *sv);

/* --- changes (EROFS on a read-only mount) -------------------------------- */

/*
 * The mount's file-creation mask (022 after ukfs_mount), applied by
 * ukfs_open(O_CREAT), ukfs_create, ukfs_mkdir, ukfs_mknod and ukfs_symlink
 * and their *at forms, as umask(2) is.  Returns the old mask.
 */
UKFS_API mode_t ukfs_umask(struct ukfs *u, mode_t mask);

UKFS_API int ukfs_create(struct ukfs *u, const char *path, mode_t mode);
UKFS_API ssize_t ukfs_write(
    struct ukfs *u, int fd, const void *buf, size_t len);
UKFS_API ssize_t ukfs_pwrite(
    struct ukfs *u, int fd, const void *buf, size_t len, off_t off);
/* Write len bytes at off of the file at path (open, pwrite, close). */
UKFS_API ssize_t ukfs_write_path(
    struct ukfs *u, const char *path, off_t off, const void *buf, size_t len);
UKFS_API int ukfs_mkdir(struct ukfs *u, const char *path, mode_t mode);
/* mode includes the type (S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_IFREG). */
UKFS_API int ukfs_mknod(
    struct ukfs *u, const char *path, mode_t mode, dev_t dev);
UKFS_API int ukfs_symlink(struct ukfs *u, const char *target, const char *path);
UKFS_API int ukfs_link(struct ukfs *u, const char *existing, const char *path);
UKFS_API int ukfs_remove(struct ukfs *u, const char *path);
UKFS_API int ukfs_rmdir(struct ukfs *u, const char *path);
UKFS_API int ukfs_rename(struct ukfs *u, const char *from, const char *to);
UKFS_API int ukfs_chmod(struct ukfs *u, const char *path, mode_t mode);
UKFS_API int ukfs_lchmod(struct ukfs *u, const char *path, mode_t mode);
UKFS_API int ukfs_chown(struct ukfs *u, const char *path, uid_t uid, gid_t gid);
UKFS_API int ukfs_lchown(
    struct ukfs *u, const char *path, uid_t uid, gid_t gid);
/*
 * times[0] atime, times[1] mtime, with nanoseconds; UTIME_NOW and
 * UTIME_OMIT as in utimensat(2); times NULL: both now.  flags: 0 or
 * AT_SYMLINK_NOFOLLOW (change the symlink itself).
 */
UKFS_API int ukfs_utimens(struct ukfs *u, const char *path,
    const struct timespec times[2], int flags);
UKFS_API int ukfs_truncate(struct ukfs *u, const char *path, off_t length);

/*
 * The same relative to a directory handle (or AT_FDCWD), as the *at(2)
 * system calls: flags AT_SYMLINK_NOFOLLOW (fchmodat, fchownat,
 * utimensat), AT_SYMLINK_FOLLOW (linkat), AT_REMOVEDIR (unlinkat).
 */
UKFS_API int ukfs_mkdirat(
    struct ukfs *u, int dirfd, const char *path, mode_t mode);
UKFS_API int ukfs_mknodat(
    struct ukfs *u, int dirfd, const char *path, mode_t mode, dev_t dev);
UKFS_API int ukfs_symlinkat(
    struct ukfs *u, const char *target, int dirfd, const char *path);
UKFS_API int ukfs_linkat(struct ukfs *u, int olddirfd, const char *existing,
    int newdirfd, const char *path, int flags);
UKFS_API int ukfs_unlinkat(
    struct ukfs *u, int dirfd, const char *path, int flags);
UKFS_API int ukfs_renameat(struct ukfs *u, int fromdirfd, const char *from,
    int todirfd, const char *to);
UKFS_API int ukfs_fchmodat(
    struct ukfs *u, int dirfd, const char *path, mode_t mode, int flags);
UKFS_API int ukfs_fchownat(struct ukfs *u, int dirfd, const char *path,
    uid_t uid, gid_t gid, int flags);
UKFS_API int ukfs_utimensat(struct ukfs *u, int dirfd, const char *path,
    const struct timespec times[2], int flags);
/* On a file handle. */
UKFS_API int ukfs_fchmod(struct ukfs *u, int fd, mode_t mode);
UKFS_API int ukfs_fchown(struct ukfs *u, int fd, uid_t uid, gid_t gid);
UKFS_API int ukfs_futimens(
    struct ukfs *u, int fd, const struct timespec times[2]);
UKFS_API int ukfs_ftruncate(struct ukfs *u, int fd, off_t length);
UKFS_API int ukfs_fsync(struct ukfs *u, int fd);
/* Write everything of this mount back to the image. */
UKFS_API int ukfs_sync(struct ukfs *u);

/* --- making and checking file systems ----------------------------------- */

/*
 * Make an empty file system of type fstype in [offset, offset+size) of the
 * existing host file image (size 0: to the end of the file), which must
 * already be as large as the file system is to be.  options: the file
 * system's own "name=value,..." settings (see ukfs-newfs(1)) or NULL.
 * The image is locked exclusively meanwhile.  0, or -1 with errno and
 * ukfs_errmsg().
 */
UKFS_API int ukfs_newfs(const char *fstype, const char *image, uint64_t offset,
    uint64_t size, const char *options);

/*
 * Check the file system in the image offline (not mounted); options
 * "repair" also repairs it.  The findings, as text, go to report[len]
 * (NUL-terminated, cut short when it does not fit); *nproblems counts
 * them.  fstype NULL or "" detects the type.  Returns 0 when the check
 * ran, whether or not it found anything; -1 with errno and ukfs_errmsg()
 * when it could not (EOPNOTSUPP: the file system has no checker).
 */
UKFS_API int ukfs_fsck(const char *fstype, const char *image, uint64_t offset,
    uint64_t size, const char *options, char *report, size_t len,
    int *nproblems);
/*
 * ukfs_fsck, counting apart the problems found (*nfound) and those left
 * unrepaired (*nleft: all of them without "repair"); fsck(8)'s exit
 * status follows: 0 none found, 1 all repaired, 4 some left.
 */
UKFS_API int ukfs_fsck_ex(const char *fstype, const char *image,
    uint64_t offset, uint64_t size, const char *options, char *report,
    size_t len, int *nfound, int *nleft);

/* --- El Torito boot catalogs (cd9660) ----------------------------------- */

/* One boot image named by an El Torito boot catalog. */
struct ukfs_boot_entry {
	unsigned section;      /* 0: the initial/default entry; N: section N */
	unsigned platform;     /* UKFS_BOOT_X86 ... (of the entry's section) */
	int bootable;          /* boot indicator 0x88 (else 0x00) */
	unsigned media;        /* UKFS_BOOT_NOEMUL ... UKFS_BOOT_HD */
	unsigned load_segment; /* 0: the BIOS default, 0x7c0 */
	unsigned system_type;  /* partition type of a hard-disk image */
	unsigned sector_count; /* 512-byte sectors to load */
	uint32_t load_rba;     /* the image's first 2048-byte block */
};
#define UKFS_BOOT_X86    0x00 /* platform ids */
#define UKFS_BOOT_PPC    0x01
#define UKFS_BOOT_MAC    0x02
#define UKFS_BOOT_EFI    0xef
#define UKFS_BOOT_NOEMUL 0 /* media types */
#define UKFS_BOOT_FD12   1 /* 1.2M floppy */
#define UKFS_BOOT_FD144  2 /* 1.44M floppy */
#define UKFS_BOOT_FD288  3 /* 2.88M floppy */
#define UKFS_BOOT_HD     4
#define UKFS_BOOT_MAX    64 /* entries read at most */

/*
 * The El Torito boot catalog of the ISO 9660 image file (at byte offset),
 * read directly, not mounted: *catalog (when not NULL) gets its sector,
 * *entries a malloc'ed array of *count entries in catalog order (free()
 * it; NULL and 0 when the image has no boot record).  A damaged boot
 * record or catalog gives -1 with EUCLEAN and ukfs_errmsg().
 */
UKFS_API int ukfs_eltorito(const char *image, uint64_t offset,
    uint32_t *catalog, struct ukfs_boot_entry **entries, size_t *count);

/* --- naming images on command lines -------------------------------------- */

/*
 * An operand "IMAGE:PATH" names PATH inside the image file IMAGE.  It is
 * split at a ':' whose left side exists on the host as a regular file or
 * block device; when several ':' qualify, the longest image name wins, so
 * host file names may contain ':'.  "IMAGE:" means the root, and PATH is
 * made absolute ("img:etc" is "/etc").
 */
struct ukfs_spec {
	char *image;     /* host path of the image file */
	char *path;      /* absolute path inside the image */
	uint64_t offset; /* byte range of the file system in the image */
	uint64_t size;   /* 0: to the end */
};

/* An operand without ':' that names an existing image is its root. */
#define UKFS_SPEC_WHOLE 0x01

/*
 * Parse an operand.  Returns 1 and fills *spec when it names a path in an
 * image, 0 when it does not (a host path), -1 on error (errno).  Free with
 * ukfs_spec_free().
 */
UKFS_API int ukfs_spec_parse(
    const char *operand, int flags, struct ukfs_spec *spec);
UKFS_API void ukfs_spec_free(struct ukfs_spec *spec);

/* --- partitions and image names ------------------------------------------ */

/*
 * Everywhere an image name is taken it may name part of the image:
 *   IMAGE@N                   the Nth MBR or GPT partition (MBR logical
 *                             partitions are 5, 6, ... as on Linux)
 *   IMAGE%DISKLABEL:x%        partition x of a NetBSD/BSD disklabel (bare,
 *                             or in a NetBSD MBR partition)
 *   IMAGE%OFFSET:START,END%   bytes [START, END) of the image
 * A host file whose whole name is that wins.  Compressed images (gzip,
 * NetBSD vndcompress) are read as their uncompressed bytes, read-only.
 */
struct ukfs_part {
	unsigned number;  /* N of IMAGE@N; for disklabel entries, the MBR
	                     partition holding the label (0: bare label) */
	char letter;      /* a disklabel partition's letter, else '\0' */
	char scheme[12];  /* "mbr", "gpt", "disklabel" */
	char type[48];    /* the type as a name ("Linux", "NetBSD FFS", ...) */
	char typecode[40];/* MBR type byte "0x83", GPT type GUID, fstype */
	char name[72];    /* GPT partition name (UTF-8) or "" */
	uint64_t offset;  /* bytes from the start of the image */
	uint64_t size;    /* bytes */
	int container;    /* an MBR extended partition (holds others) */
};

/*
 * The partitions of an image (MBR with logical partitions, GPT, and
 * disklabels), in table order: *parts is malloc'ed (free() it), *count
 * may be 0.  note (when not NULL) gets what the caller should hear about,
 * such as a damaged primary GPT replaced by its backup, or "".
 */
UKFS_API int ukfs_partitions(const char *image, struct ukfs_part **parts,
    size_t *count, char *note, size_t notelen);

/*
 * Resolve an image name to the host file and byte window it names;
 * *host is malloc'ed.  -1 with ukfs_errmsg() on a bad name.
 */
UKFS_API int ukfs_resolve(const char *name, char **host, uint64_t *offset,
    uint64_t *size);

/* "gzip", "vndcompress" or "" (uncompressed) for the named image; NULL on error. */
UKFS_API const char *ukfs_compression(const char *name);

/*
 * The bytes of a named image as the file systems see them: a partition
 * name gives that partition's bytes, a compressed image its uncompressed
 * bytes.  Read-only.  NULL or -1 with ukfs_errmsg() on error.
 */
struct ukfs_raw;
UKFS_API struct ukfs_raw *ukfs_raw_open(const char *name);
/* Up to len bytes at off; fewer only at the end; -1 on error. */
UKFS_API ssize_t ukfs_raw_pread(
    struct ukfs_raw *r, void *buf, size_t len, uint64_t off);
UKFS_API int ukfs_raw_size(struct ukfs_raw *r, uint64_t *sizep);
UKFS_API void ukfs_raw_close(struct ukfs_raw *r);

/*
 * What a file system's superblock (boot sector, volume descriptor) says,
 * read without mounting, as dumpe2fs -h, dumpfs, fsstat and isoinfo -d
 * show it: named fields in on-disk order, and for ext2 block groups and
 * ffs cylinder groups one row of fields per group.  A value is text;
 * number is set when it is a decimal number (JSON prints it bare).
 */
struct ukfs_info_field {
	char key[40];
	char *value;
	int number;
};

struct ukfs_fsinfo {
	struct ukfs_info_field *fields;
	size_t nfields, capfields;
	const char *group_kind; /* "block group", "cylinder group" or NULL */
	/* row r, field k: groups[r * per_group + k] */
	struct ukfs_info_field *groups;
	size_t ngroups, per_group;
	size_t ngfields, capgfields;
	int nomem; /* set while filling when memory ran out */
};

/*
 * Fill *fi for the file system of type fstype (NULL: detected) at offset
 * in the named image.  Damaged fields give -1 with EUCLEAN and
 * ukfs_errmsg(); free with ukfs_fsinfo_free() either way.
 */
UKFS_API int ukfs_fsinfo(const char *image, uint64_t offset,
    const char *fstype, struct ukfs_fsinfo *fi);
UKFS_API void ukfs_fsinfo_free(struct ukfs_fsinfo *fi);

#ifdef __cplusplus
}
#endif

#endif /* _UKFS_H_ */
