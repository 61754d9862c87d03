/*
 * The walk of a mounted image: every directory through getdents (also
 * from re-used and odd seek offsets), every entry through fstatat, every
 * symlink through readlink and stat, every regular file read (its first
 * 64 KiB in order, then at its end, its middle and far beyond).  Any call
 * may fail on a damaged image; what may not happen is a record or a
 * count that breaks the system-call contract.  Depth, entries and bytes
 * are capped so that no input runs for long.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rump/rump.h>

#include "fs_fuzz.h"

#define WALK_MAXDEPTH   12
#define WALK_MAXENTRIES 2048
#define WALK_MAXBYTES   (1u << 20) /* the seeds are a few hundred KiB */
#define WALK_FILEBYTES  (64u << 10) /* read in order; the rest by probes */
#define WALK_PATHMAX    1024
#define WALK_DIRBUF     2048 /* small: directories need several calls */
#define WALK_LINKMAX    4096

struct walk {
	struct fuzz_stats *st;
	size_t len; /* of path */
	char path[WALK_PATHMAX];
};

static char walk_iobuf[64 * 1024];

static void walk_dir(struct walk *, int);

/* Check one getdents record at the start of avail bytes; its length. */
static size_t
dirent_check(const char *rec, size_t avail)
{
	struct rump_dirent d;

	if (avail < RUMP_DIRENT_HDRSIZE)
		fuzz_bug("getdents: %zu bytes left, less than a header", avail);
	memcpy(&d, rec, RUMP_DIRENT_HDRSIZE);
	if (d.d_namlen > RUMP_MAXNAMLEN)
		fuzz_bug("getdents: d_namlen %u", d.d_namlen);
	if (d.d_reclen % 8 != 0 || d.d_reclen > avail ||
	    d.d_reclen < RUMP_DIRENT_HDRSIZE + d.d_namlen + 1u)
		fuzz_bug("getdents: d_reclen %u (namlen %u, %zu bytes left)",
		    d.d_reclen, d.d_namlen, avail);
	if (rec[RUMP_DIRENT_HDRSIZE + d.d_namlen] != '\0')
		fuzz_bug("getdents: name not terminated");
	return d.d_reclen;
}

static size_t
dirent_reclen(const char *rec)
{
	struct rump_dirent d;

	memcpy(&d, rec, RUMP_DIRENT_HDRSIZE);
	return d.d_reclen;
}

static int64_t
dirent_off(const char *rec)
{
	struct rump_dirent d;

	memcpy(&d, rec, RUMP_DIRENT_HDRSIZE);
	return d.d_off;
}

/* One getdents call; checks every record; the count or -1. */
static int64_t
dir_read(int fd, char *buf, size_t size)
{
	int64_t n = rump_sys_getdents(fd, buf, size);
	size_t off;

	if (n < 0)
		return -1;
	if ((uint64_t)n > size)
		fuzz_bug("getdents: returned %lld for %zu bytes", (long long)n,
		    size);
	for (off = 0; off < (size_t)n;)
		off += dirent_check(buf + off, (size_t)n - off);
	return n;
}

/* Reading again from a cookie, from the middle of a record, from far
 * beyond the end: the file system must validate the offset. */
static void
dir_reseek(int fd, int64_t cookie)
{
	static const int64_t odd[] = {1, 7, 12, 4095, INT32_MAX, INT64_MAX};
	char buf[WALK_DIRBUF] __attribute__((aligned(8)));
	size_t i;

	if (cookie >= 0 && rump_sys_lseek(fd, cookie, RUMP_SEEK_SET) == cookie)
		(void)dir_read(fd, buf, sizeof(buf));
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		if (rump_sys_lseek(fd, odd[i], RUMP_SEEK_SET) == odd[i])
			(void)dir_read(fd, buf, sizeof(buf));
	/* Too small for any record: must fail, not overrun. */
	if (rump_sys_lseek(fd, 0, RUMP_SEEK_SET) == 0)
		(void)dir_read(fd, buf, RUMP_DIRENT_HDRSIZE);
}

/* Append "/name" to the path; false when it does not fit. */
static bool
path_push(struct walk *w, const char *name, size_t namlen)
{
	if (w->len + 1 + namlen >= sizeof(w->path))
		return false;
	w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, namlen);
	w->len += namlen;
	w->path[w->len] = '\0';
	return true;
}

static void
path_pop(struct walk *w, size_t len)
{
	w->len = len;
	w->path[len] = '\0';
}

static void
probe(int fd, int64_t off, size_t len)
{
	int64_t n = rump_sys_pread(fd, walk_iobuf, len, off);

	if (n > (int64_t)len)
		fuzz_bug("pread: %lld bytes for %zu", (long long)n, len);
}

/* Past the part read in order: the last blocks, the middle, beyond. */
static void
file_probe(int fd, int64_t size)
{
	static const int64_t far[] = {
	    (int64_t)1 << 32, (int64_t)1 << 40, INT64_MAX - 1};
	char c;
	size_t i;

	if (size > 0) {
		probe(fd, size - 1, 1);
		probe(fd, size / 2, 4096);
		probe(fd, size > 8192 ? size - 8192 : 0, 16384);
	}
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++)
		probe(fd, far[i], 4096);
	if (rump_sys_pread(fd, &c, 1, -1) >= 0)
		fuzz_bug("pread at offset -1 succeeded");
	(void)rump_sys_lseek(fd, 0, RUMP_SEEK_DATA);
	(void)rump_sys_lseek(fd, 0, RUMP_SEEK_HOLE);
	(void)rump_sys_lseek(fd, 0, RUMP_SEEK_END);
}

static void
walk_file(struct walk *w)
{
	struct rump_stat sb;
	uint64_t done = 0;
	int64_t n;
	int fd;

	fd = rump_sys_open(w->path, RUMP_O_RDONLY | RUMP_O_NOFOLLOW, 0);
	if (fd < 0) {
		w->st->errors++;
		return;
	}
	if (rump_sys_fstat(fd, &sb) != 0) {
		w->st->errors++;
		sb.st_size = 0;
	}
	for (;;) {
		/* An odd first read leaves the rest unaligned to blocks. */
		size_t want = done == 0 ? 1000 : sizeof(walk_iobuf);

		if (w->st->bytes >= WALK_MAXBYTES || done >= WALK_FILEBYTES)
			break;
		if (want > WALK_MAXBYTES - w->st->bytes)
			want = WALK_MAXBYTES - w->st->bytes;
		if (want > WALK_FILEBYTES - done)
			want = WALK_FILEBYTES - done;
		n = rump_sys_read(fd, walk_iobuf, want);
		if (n < 0)
			w->st->errors++;
		if (n <= 0)
			break;
		if ((uint64_t)n > want)
			fuzz_bug(
			    "read: %lld bytes for %zu", (long long)n, want);
		w->st->bytes += (uint64_t)n;
		done += (uint64_t)n;
	}
	file_probe(fd, sb.st_size);
	if (rump_sys_close(fd) != 0)
		fuzz_bug("close: %s", strerror(errno));
}

static void
walk_link(struct walk *w)
{
	static char target[WALK_LINKMAX];
	struct rump_stat sb;
	int64_t n;

	n = rump_sys_readlink(w->path, target, sizeof(target));
	if (n < 0)
		w->st->errors++;
	else if ((uint64_t)n > sizeof(target))
		fuzz_bug("readlink: %lld bytes for %zu", (long long)n,
		    sizeof(target));
	else
		w->st->bytes += (uint64_t)n;
	if (rump_sys_readlink(w->path, target, 1) > 1)
		fuzz_bug("readlink: more than one byte into one");
	/* Following it may go anywhere, or nowhere: any answer will do. */
	(void)rump_sys_stat(w->path, &sb);
}

/* One record from getdents: look it up (relative to the directory's
 * descriptor; the file itself is opened by its whole path, so both ways
 * of starting a lookup are used) and go into it. */
static void
walk_entry(struct walk *w, int dfd, const char *rec, int depth)
{
	struct rump_dirent d;
	const char *name = rec + RUMP_DIRENT_HDRSIZE;
	size_t len = w->len;
	struct rump_stat sb;

	memcpy(&d, rec, RUMP_DIRENT_HDRSIZE);
	w->st->entries++;
	if ((d.d_namlen == 1 && name[0] == '.') ||
	    (d.d_namlen == 2 && name[0] == '.' && name[1] == '.'))
		return;
	if (d.d_namlen == 0 || strlen(name) != d.d_namlen ||
	    memchr(name, '/', d.d_namlen) != NULL) {
		w->st->badnames++;
		return;
	}
	if (!path_push(w, name, d.d_namlen))
		return;
	if (rump_sys_fstatat(dfd, name, &sb, RUMP_AT_SYMLINK_NOFOLLOW) != 0)
		w->st->errors++;
	else if ((sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFDIR) {
		if (w->st->dir[0] == '\0' && w->len < FUZZ_PATHMAX)
			memcpy(w->st->dir, w->path, w->len + 1);
		if (depth < WALK_MAXDEPTH)
			walk_dir(w, depth + 1);
	} else if ((sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFREG) {
		if (w->st->nfiles < 2 && w->len < FUZZ_PATHMAX)
			memcpy(w->st->files[w->st->nfiles++], w->path,
			    w->len + 1);
		walk_file(w);
	}
	else if ((sb.st_mode & RUMP_S_IFMT) == RUMP_S_IFLNK)
		walk_link(w);
	path_pop(w, len);
}

static void
walk_dir(struct walk *w, int depth)
{
	char buf[WALK_DIRBUF] __attribute__((aligned(8)));
	struct rump_stat sb;
	int64_t n = 0, cookie = -1;
	size_t off, len = w->len;
	int fd;

	fd = rump_sys_open(
	    w->path, RUMP_O_RDONLY | RUMP_O_DIRECTORY | RUMP_O_NOFOLLOW, 0);
	if (fd < 0) {
		w->st->errors++;
		return;
	}
	while (w->st->entries < WALK_MAXENTRIES &&
	    (n = dir_read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < (size_t)n;
		     off += dirent_reclen(buf + off)) {
			if (cookie < 0)
				cookie = dirent_off(buf + off);
			walk_entry(w, fd, buf + off, depth);
		}
	}
	if (n < 0)
		w->st->errors++;
	dir_reseek(fd, cookie);
	if (rump_sys_close(fd) != 0)
		fuzz_bug("close: %s", strerror(errno));
	/* ".." may name anything on a damaged image. */
	if (path_push(w, "..", 2)) {
		(void)rump_sys_lstat(w->path, &sb);
		path_pop(w, len);
	}
}

void
fs_walk(const char *root, struct fuzz_stats *st)
{
	static struct walk w;
	struct rump_statvfs sv;
	struct rump_stat sb;
	char name[300];

	memset(&w, 0, sizeof(w));
	w.st = st;
	w.len = strlen(root);
	memcpy(w.path, root, w.len + 1);
	if (rump_sys_statvfs(root, &sv) != 0)
		st->errors++;
	walk_dir(&w, 0);
	/* Lookups that find nothing, and one longer than ext2 allows. */
	memset(name, 'a', sizeof(name));
	name[255] = '\0';
	if (path_push(&w, name, 255)) {
		(void)rump_sys_lstat(w.path, &sb);
		path_pop(&w, strlen(root));
	}
	name[255] = 'a';
	name[sizeof(name) - 1] = '\0';
	if (path_push(&w, name, sizeof(name) - 1)) {
		(void)rump_sys_lstat(w.path, &sb);
		path_pop(&w, strlen(root));
	}
}
