/*
 * Translation between the host's values (what callers of libukfs pass)
 * and the kernel's (rumpdefs.h).  Type and permission bits share their
 * octal values; flags and device numbers do not.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "ukfs_int.h"

static const struct {
	int host;
	int rump;
} oflags[] = {
    {O_NONBLOCK, RUMP_O_NONBLOCK},
    {O_APPEND, RUMP_O_APPEND},
    {O_SYNC, RUMP_O_SYNC},
    {O_DSYNC, RUMP_O_DSYNC},
    {O_NOFOLLOW, RUMP_O_NOFOLLOW},
    {O_CREAT, RUMP_O_CREAT},
    {O_TRUNC, RUMP_O_TRUNC},
    {O_EXCL, RUMP_O_EXCL},
    {O_DIRECTORY, RUMP_O_DIRECTORY},
};

/* Host flags that mean nothing inside the image. */
#ifndef O_LARGEFILE
#define O_LARGEFILE 0
#endif
#define OFLAGS_IGNORED (O_CLOEXEC | O_NOCTTY | O_LARGEFILE | O_NOATIME)

int
ukfs_conv_oflags(int hostflags, int *rumpflags)
{
	int rest, rf;
	size_t i;

	switch (hostflags & O_ACCMODE) {
	case O_RDONLY:
		rf = RUMP_O_RDONLY;
		break;
	case O_WRONLY:
		rf = RUMP_O_WRONLY;
		break;
	case O_RDWR:
		rf = RUMP_O_RDWR;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	rest = hostflags & ~(O_ACCMODE | OFLAGS_IGNORED);
	for (i = 0; i < sizeof(oflags) / sizeof(oflags[0]); i++) {
		/* O_SYNC includes O_DSYNC's bit on Linux */
		if ((rest & oflags[i].host) == oflags[i].host) {
			rf |= oflags[i].rump;
			rest &= ~oflags[i].host;
		}
	}
	if (rest != 0) {
		errno = EINVAL;
		return -1;
	}
	*rumpflags = rf;
	return 0;
}

int
ukfs_conv_atflags(int hostflags, int *rumpflags)
{
	int rf = 0;

	if (hostflags & AT_SYMLINK_NOFOLLOW)
		rf |= RUMP_AT_SYMLINK_NOFOLLOW;
	if (hostflags & AT_SYMLINK_FOLLOW)
		rf |= RUMP_AT_SYMLINK_FOLLOW;
	if (hostflags & AT_REMOVEDIR)
		rf |= RUMP_AT_REMOVEDIR;
	if (hostflags &
	    ~(AT_SYMLINK_NOFOLLOW | AT_SYMLINK_FOLLOW | AT_REMOVEDIR)) {
		errno = EINVAL;
		return -1;
	}
	*rumpflags = rf;
	return 0;
}

int
ukfs_conv_dirfd(int hostfd)
{
	return hostfd == AT_FDCWD ? RUMP_AT_FDCWD : hostfd;
}

static struct timespec
conv_ts(const struct rump_timespec *rt)
{
	struct timespec ts;

	ts.tv_sec = (time_t)rt->tv_sec;
	ts.tv_nsec = (long)rt->tv_nsec;
	return ts;
}

void
ukfs_conv_stat(const struct rump_stat *rs, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(RUMP_MAJOR(rs->st_dev), RUMP_MINOR(rs->st_dev));
	st->st_ino = (ino_t)rs->st_ino;
	st->st_mode = (mode_t)rs->st_mode;
	st->st_nlink = (nlink_t)rs->st_nlink;
	st->st_uid = (uid_t)rs->st_uid;
	st->st_gid = (gid_t)rs->st_gid;
	st->st_rdev = makedev(RUMP_MAJOR(rs->st_rdev), RUMP_MINOR(rs->st_rdev));
	st->st_size = (off_t)rs->st_size;
	st->st_blksize = (blksize_t)rs->st_blksize;
	st->st_blocks = (blkcnt_t)rs->st_blocks;
	st->st_atim = conv_ts(&rs->st_atim);
	st->st_mtim = conv_ts(&rs->st_mtim);
	st->st_ctim = conv_ts(&rs->st_ctim);
}

void
ukfs_conv_xstat(const struct rump_stat *rs, struct ukfs_xstat *xst)
{
	memset(xst, 0, sizeof(*xst));
	ukfs_conv_stat(rs, &xst->st);
	xst->birthtime = conv_ts(&rs->st_birthtim);
	if (rs->st_birthtim.tv_sec == -1)
		xst->birthtime.tv_nsec = 0;
	xst->flags = rs->st_flags;
	xst->gen = rs->st_gen;
}

void
ukfs_conv_statvfs(const struct rump_statvfs *rs, struct statvfs *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = rs->f_bsize;
	sv->f_frsize = rs->f_frsize;
	sv->f_blocks = rs->f_blocks;
	sv->f_bfree = rs->f_bfree;
	sv->f_bavail = rs->f_bavail;
	sv->f_files = rs->f_files;
	sv->f_ffree = rs->f_ffree;
	sv->f_favail = rs->f_favail;
	sv->f_fsid = rs->f_fsid;
	sv->f_namemax = rs->f_namemax;
	if (rs->f_flag & RUMP_MNT_RDONLY)
		sv->f_flag |= ST_RDONLY;
	if (rs->f_flag & RUMP_MNT_NOSUID)
		sv->f_flag |= ST_NOSUID;
	if (rs->f_flag & RUMP_MNT_NODEV)
		sv->f_flag |= ST_NODEV;
	if (rs->f_flag & RUMP_MNT_NOEXEC)
		sv->f_flag |= ST_NOEXEC;
	if (rs->f_flag & RUMP_MNT_SYNCHRONOUS)
		sv->f_flag |= ST_SYNCHRONOUS;
	if (rs->f_flag & RUMP_MNT_NOATIME)
		sv->f_flag |= ST_NOATIME;
}

static int
conv_one_time(const struct timespec *in, struct rump_timespec *out)
{
	out->tv_sec = in->tv_sec;
	if (in->tv_nsec == UTIME_NOW)
		out->tv_nsec = RUMP_UTIME_NOW;
	else if (in->tv_nsec == UTIME_OMIT)
		out->tv_nsec = RUMP_UTIME_OMIT;
	else if (in->tv_nsec >= 0 && in->tv_nsec < 1000000000L)
		out->tv_nsec = in->tv_nsec;
	else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* in[2] or NULL (both now) -> out[2]. */
int
ukfs_conv_times(const struct timespec *in, struct rump_timespec *out)
{
	if (in == NULL) {
		out[0].tv_sec = out[1].tv_sec = 0;
		out[0].tv_nsec = out[1].tv_nsec = RUMP_UTIME_NOW;
		return 0;
	}
	if (conv_one_time(&in[0], &out[0]) == -1 ||
	    conv_one_time(&in[1], &out[1]) == -1)
		return -1;
	return 0;
}

uint64_t
ukfs_conv_dev(dev_t dev)
{
	return RUMP_MAKEDEV(major(dev), minor(dev));
}
