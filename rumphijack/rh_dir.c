/*
 * Directory streams of the server's directories.  glibc's readdir reads
 * with its internal getdents64, out of reach of interposition, so the
 * whole DIR family is taken over: a stream of ours starts with a magic
 * number where glibc's DIR keeps its descriptor (a number no descriptor
 * reaches), which tells the two apart.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

/* readdir_r is deprecated, but programs still call it. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define RH_DIRMAGIC 0x7268444d /* larger than any descriptor */
#define DIRBUF	    32768
#define DIRSTS	    (DIRBUF / 24) /* records in DIRBUF at most */

/* The server has no RC_OP_GETDENTSPLUS: plain getdents from then on. */
static int noplus;

struct rh_dir {
	int d_magic; /* where glibc's DIR has its fd */
	int d_fd;    /* host number of the directory */
	pthread_mutex_t d_lock;
	size_t d_len, d_pos; /* records in d_buf */
	int64_t d_lastoff;   /* cookie after the last entry returned */
	char d_spath[RH_PATHMAX]; /* the directory on the server, or "" */
	bool d_first;             /* the next read starts a new listing */
	struct rump_stat *d_sts;  /* entries' status (rh_dcache.c) */
	union {
		struct dirent64 ent;
		char space[sizeof(struct dirent64) + RUMP_MAXNAMLEN + 1];
	} d_ent;
	char d_buf[DIRBUF];
};

static struct rh_dir *
ours(DIR *d)
{
	struct rh_dir *rd = (struct rh_dir *)d;

	return d != NULL && rd->d_magic == RH_DIRMAGIC ? rd : NULL;
}

static DIR *
make_dir(int fd)
{
	struct rh_dir *rd = malloc(sizeof(*rd));
	char host[RH_PATHMAX];
	int x;

	if (rd == NULL)
		return NULL;
	rd->d_magic = RH_DIRMAGIC;
	rd->d_fd = fd;
	rd->d_len = rd->d_pos = 0;
	rd->d_lastoff = 0;
	/* where the entries' status is kept: the server's name of it */
	rd->d_spath[0] = '\0';
	if (rh_fd_path(fd, host, sizeof(host)) != NULL &&
	    (rh_path(AT_FDCWD, host, rd->d_spath, &x) != RH_RUMP ||
	        rd->d_spath[0] != '/'))
		rd->d_spath[0] = '\0';
	rd->d_first = true;
	rd->d_sts = NULL;
	pthread_mutex_init(&rd->d_lock, NULL);
	return (DIR *)rd;
}

RH_API DIR *
fdopendir(int fd)
{
	struct stat st;
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(fdopendir)(fd);
	if (rh_fstat(rfd, &st) == -1)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	return make_dir(fd);
}

RH_API DIR *
opendir(const char *path)
{
	char rpath[RH_PATHMAX];
	DIR *d;
	int fd, error;

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(opendir)(path);
	case RH_ERROR:
		return NULL;
	default:
		break;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if ((d = make_dir(fd)) == NULL) {
		error = errno;
		close(fd);
		errno = error;
	}
	return d;
}

/*
 * Read the next records into d_buf, with the entries' status when the
 * server gives it, kept for the lstats that follow (rh_dcache.c).
 */
static int64_t
refill(struct rh_dir *rd, int rfd)
{
	const struct rump_dirent *rde;
	size_t nst, i, pos;
	int64_t n;

	if (rd->d_spath[0] == '\0' || __atomic_load_n(&noplus, __ATOMIC_RELAXED) ||
	    (rd->d_sts == NULL &&
	        (rd->d_sts = malloc(DIRSTS * sizeof(*rd->d_sts))) == NULL))
		return rump_sys_getdents(rfd, rd->d_buf, sizeof(rd->d_buf));
	n = rumpclient_getdentsplus(
	    rfd, rd->d_buf, sizeof(rd->d_buf), rd->d_sts, DIRSTS, &nst);
	if (n == -1 && errno == ENOSYS) {
		__atomic_store_n(&noplus, 1, __ATOMIC_RELAXED);
		return rump_sys_getdents(rfd, rd->d_buf, sizeof(rd->d_buf));
	}
	/* the records are sound (the client library counted them) */
	for (i = 0, pos = 0; n > 0 && i < nst; i++) {
		rde = (const struct rump_dirent *)(rd->d_buf + pos);
		rh_dc_add(rd->d_spath, rd->d_first, rde, &rd->d_sts[i]);
		rd->d_first = false;
		pos += rde->d_reclen;
	}
	return n;
}

/* The next record as a dirent64; NULL at the end (errno kept) or error. */
static struct dirent64 *
next(struct rh_dir *rd)
{
	struct rump_dirent *rde;
	struct dirent64 *de = &rd->d_ent.ent;
	int64_t n;
	int rfd;

	if (rd->d_pos >= rd->d_len) {
		if ((rfd = rh_rfd(rd->d_fd)) == -1) {
			errno = EBADF;
			return NULL;
		}
		n = refill(rd, rfd);
		if (n <= 0)
			return NULL;
		rd->d_len = (size_t)n;
		rd->d_pos = 0;
	}
	rde = (struct rump_dirent *)(rd->d_buf + rd->d_pos);
	if (rd->d_len - rd->d_pos < RUMP_DIRENT_HDRSIZE ||
	    rde->d_reclen < RUMP_DIRENT_HDRSIZE ||
	    rde->d_reclen > rd->d_len - rd->d_pos ||
	    rde->d_namlen > RUMP_MAXNAMLEN ||
	    RUMP_DIRENT_HDRSIZE + rde->d_namlen >= rde->d_reclen) {
		errno = EIO; /* not a record: do not walk past it */
		rd->d_pos = rd->d_len;
		return NULL;
	}
	rd->d_pos += rde->d_reclen;
	de->d_ino = rde->d_fileno;
	de->d_off = rde->d_off;
	de->d_type = rde->d_type; /* DT_* have the server's values */
	memcpy(de->d_name, rde->d_name, rde->d_namlen);
	de->d_name[rde->d_namlen] = '\0';
	de->d_reclen = (unsigned short)(offsetof(struct dirent64, d_name) +
	    rde->d_namlen + 1);
	rd->d_lastoff = rde->d_off;
	return de;
}

RH_API struct dirent64 *
readdir64(DIR *d)
{
	struct rh_dir *rd = ours(d);
	struct dirent64 *de;

	if (rd == NULL)
		return REAL(readdir64)(d);
	pthread_mutex_lock(&rd->d_lock);
	de = next(rd);
	pthread_mutex_unlock(&rd->d_lock);
	return de;
}

/* On 64-bit Linux, struct dirent is struct dirent64. */
RH_API struct dirent *
readdir(DIR *d)
{
	if (ours(d) == NULL)
		return REAL(readdir)(d);
	return (struct dirent *)readdir64(d);
}

RH_API int
readdir64_r(DIR *d, struct dirent64 *entry, struct dirent64 **result)
{
	struct rh_dir *rd = ours(d);
	struct dirent64 *de;
	int error = errno, rv = 0;

	if (rd == NULL)
		return REAL(readdir64_r)(d, entry, result);
	pthread_mutex_lock(&rd->d_lock);
	errno = 0;
	de = next(rd);
	if (de != NULL) {
		if (strlen(de->d_name) >= sizeof(entry->d_name)) {
			rv = ENAMETOOLONG;
			de = NULL;
		} else {
			memcpy(entry, de, offsetof(struct dirent64, d_name));
			strcpy(entry->d_name, de->d_name);
		}
	} else {
		rv = errno;
	}
	pthread_mutex_unlock(&rd->d_lock);
	*result = de != NULL ? entry : NULL;
	errno = error;
	return rv;
}

RH_API int
readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
	if (ours(d) == NULL)
		return REAL(readdir_r)(d, entry, result);
	return readdir64_r(
	    d, (struct dirent64 *)entry, (struct dirent64 **)result);
}

RH_API int
closedir(DIR *d)
{
	struct rh_dir *rd = ours(d);
	int fd;

	if (rd == NULL)
		return REAL(closedir)(d);
	fd = rd->d_fd;
	rd->d_magic = 0;
	pthread_mutex_destroy(&rd->d_lock);
	free(rd->d_sts);
	free(rd);
	return close(fd);
}

RH_API int
dirfd(DIR *d)
{
	struct rh_dir *rd = ours(d);

	if (rd == NULL)
		return REAL(dirfd)(d);
	return rd->d_fd;
}

static void
seek_to(struct rh_dir *rd, long off)
{
	pthread_mutex_lock(&rd->d_lock);
	if (rump_sys_lseek(rh_rfd(rd->d_fd), off, RUMP_SEEK_SET) != -1) {
		rd->d_len = rd->d_pos = 0;
		rd->d_lastoff = off;
		rd->d_first = off == 0;
	}
	pthread_mutex_unlock(&rd->d_lock);
}

RH_API void
rewinddir(DIR *d)
{
	struct rh_dir *rd = ours(d);

	if (rd == NULL) {
		REAL(rewinddir)(d);
		return;
	}
	seek_to(rd, 0);
}

RH_API void
seekdir(DIR *d, long off)
{
	struct rh_dir *rd = ours(d);

	if (rd == NULL) {
		REAL(seekdir)(d, off);
		return;
	}
	seek_to(rd, off);
}

RH_API long
telldir(DIR *d)
{
	struct rh_dir *rd = ours(d);
	long off;

	if (rd == NULL)
		return REAL(telldir)(d);
	pthread_mutex_lock(&rd->d_lock);
	off = (long)rd->d_lastoff;
	pthread_mutex_unlock(&rd->d_lock);
	return off;
}

/* getdents64 on a server directory: its records in Linux's layout. */
RH_API ssize_t
getdents64(int fd, void *buf, size_t len)
{
	char rbuf[8192];
	struct rump_dirent *rde;
	size_t pos = 0, out = 0, reclen;
	int64_t n, lastoff = -1;
	int rfd = rh_rfd(fd);

	if (rfd == -1)
		return REAL(getdents64)(fd, buf, len);
	/* ask for no more than the caller can take in our layout */
	n = rump_sys_getdents(rfd, rbuf, len < sizeof(rbuf) ? len : sizeof(rbuf));
	if (n <= 0)
		return n;
	while (pos + RUMP_DIRENT_HDRSIZE <= (size_t)n) {
		struct dirent64 *de;

		rde = (struct rump_dirent *)(rbuf + pos);
		if (rde->d_reclen < RUMP_DIRENT_HDRSIZE ||
		    rde->d_reclen > (size_t)n - pos ||
		    rde->d_namlen > RUMP_MAXNAMLEN)
			break;
		reclen = (offsetof(struct dirent64, d_name) + rde->d_namlen +
		             1 + 7) & ~(size_t)7;
		if (out + reclen > len)
			break;
		de = (struct dirent64 *)((char *)buf + out);
		de->d_ino = rde->d_fileno;
		de->d_off = rde->d_off;
		de->d_reclen = (unsigned short)reclen;
		de->d_type = rde->d_type;
		memcpy(de->d_name, rde->d_name, rde->d_namlen);
		de->d_name[rde->d_namlen] = '\0';
		out += reclen;
		pos += rde->d_reclen;
		lastoff = rde->d_off;
	}
	if (out == 0) {
		errno = EINVAL; /* buffer too small for one record */
		return -1;
	}
	if (pos < (size_t)n) /* leave the rest for the next call */
		rump_sys_lseek(rfd, lastoff, RUMP_SEEK_SET);
	return (ssize_t)out;
}
