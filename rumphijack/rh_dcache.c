/*
 * What a directory read brought along (rumpclient_getdentsplus): the
 * status of each entry, so that the lstat a program does on every name
 * it has just read (tar, cp -R, find -ls, ls -l) costs no round trip.
 * Kept by the directory's path on the server for the last few
 * directories read, for at most RH_DCTTL (as FUSE keeps entries and
 * attributes for a second), and dropped whenever the program changes
 * anything on the server (rh_rc_changed).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rh.h"

#define RH_DCMAX 4                    /* directories kept */
#define RH_DCTTL 1000000000LL         /* ns */
#define RH_DCENT (1u << 16)           /* entries kept per directory */

struct dcent {
	char *name; /* NULL: a free slot */
	struct rump_stat st;
};

struct dcache {
	char path[RH_PATHMAX]; /* "": not in use */
	long long born;
	size_t n, cap; /* entries, slots (a power of 2) */
	struct dcent *tab;
};

static pthread_mutex_t dc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dcache dcs[RH_DCMAX];
static unsigned dc_next;
static int dc_live; /* some dcs[] in use (read without the lock) */

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t
hash(const char *s)
{
	size_t h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void
dc_clear(struct dcache *dc)
{
	size_t i;

	for (i = 0; i < dc->cap; i++)
		free(dc->tab[i].name);
	free(dc->tab);
	memset(dc, 0, sizeof(*dc));
}

static struct dcache *
dc_find(const char *path)
{
	unsigned i;

	for (i = 0; i < RH_DCMAX; i++)
		if (dcs[i].path[0] != '\0' && strcmp(dcs[i].path, path) == 0)
			return &dcs[i];
	return NULL;
}

static struct dcent *
slot(struct dcache *dc, const char *name)
{
	size_t h = hash(name) & (dc->cap - 1);

	while (dc->tab[h].name != NULL && strcmp(dc->tab[h].name, name) != 0)
		h = (h + 1) & (dc->cap - 1);
	return &dc->tab[h];
}

/* Room for one more entry; false when there is none to be had. */
static bool
grow(struct dcache *dc)
{
	struct dcent *old = dc->tab, *e;
	size_t oldcap = dc->cap, i;

	if (2 * (dc->n + 1) <= dc->cap)
		return true;
	if (dc->n >= RH_DCENT)
		return false;
	dc->cap = oldcap ? 2 * oldcap : 64;
	if ((dc->tab = calloc(dc->cap, sizeof(*dc->tab))) == NULL) {
		dc->tab = old;
		dc->cap = oldcap;
		return false;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i].name != NULL) {
			e = slot(dc, old[i].name);
			*e = old[i];
		}
	free(old);
	return true;
}

void
rh_dc_add(const char *dir, bool first, const struct rump_dirent *de,
    const struct rump_stat *st)
{
	struct dcache *dc;
	struct dcent *e;
	char name[RUMP_MAXNAMLEN + 1];

	if (strlen(dir) >= RH_PATHMAX || st->st_mode == 0)
		return;
	memcpy(name, de->d_name, de->d_namlen);
	name[de->d_namlen] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return;
	pthread_mutex_lock(&dc_lock);
	dc = dc_find(dir);
	if (dc != NULL && (first || now_ns() - dc->born > RH_DCTTL)) {
		dc_clear(dc); /* a new reading of the directory */
		dc = NULL;
	}
	if (dc == NULL) {
		dc = &dcs[dc_next++ % RH_DCMAX];
		dc_clear(dc);
		strcpy(dc->path, dir);
		dc->born = now_ns();
		__atomic_store_n(&dc_live, 1, __ATOMIC_RELAXED);
	}
	if (grow(dc)) {
		e = slot(dc, name);
		if (e->name == NULL && (e->name = strdup(name)) != NULL)
			dc->n++;
		if (e->name != NULL)
			e->st = *st;
	}
	pthread_mutex_unlock(&dc_lock);
}

void
rh_dc_dropall(void)
{
	unsigned i;

	if (!__atomic_load_n(&dc_live, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&dc_lock);
	for (i = 0; i < RH_DCMAX; i++)
		dc_clear(&dcs[i]);
	__atomic_store_n(&dc_live, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&dc_lock);
}

/* The status of name in the server directory dir, if kept: 1. */
static int
lookup(const char *dir, const char *name, struct rump_stat *st)
{
	struct dcache *dc;
	struct dcent *e;
	int found = 0;

	pthread_mutex_lock(&dc_lock);
	dc = dc_find(dir);
	if (dc != NULL && dc->n > 0 && now_ns() - dc->born <= RH_DCTTL) {
		e = slot(dc, name);
		if (e->name != NULL) {
			*st = e->st;
			found = 1;
		}
	}
	pthread_mutex_unlock(&dc_lock);
	return found;
}

int
rh_dc_rstatat(int dirfd, int rdirfd, const char *rpath, int hflags,
    struct rump_stat *rs)
{
	char dir[RH_PATHMAX], host[RH_PATHMAX];
	const char *name, *slash;
	int x;

	/* (statx's AT_STATX_FORCE_SYNC asks for the server's answer) */
	if (!__atomic_load_n(&dc_live, __ATOMIC_RELAXED) ||
	    (hflags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
	                   AT_STATX_DONT_SYNC)) != 0)
		return 0;
	if (rdirfd == RUMP_AT_FDCWD) {
		/* an absolute name on the server: its directory and last name */
		if (rpath[0] != '/' || (slash = strrchr(rpath, '/')) == NULL ||
		    (size_t)(slash - rpath) >= sizeof(dir))
			return 0;
		if (slash == rpath)
			strcpy(dir, "/");
		else {
			memcpy(dir, rpath, (size_t)(slash - rpath));
			dir[slash - rpath] = '\0';
		}
		name = slash + 1;
	} else {
		/* one name in the directory that dirfd is */
		if (strchr(rpath, '/') != NULL ||
		    rh_fd_path(dirfd, host, sizeof(host)) == NULL ||
		    rh_path(AT_FDCWD, host, dir, &x) != RH_RUMP ||
		    dir[0] != '/')
			return 0;
		name = rpath;
	}
	if (name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || !lookup(dir, name, rs))
		return 0;
	/* stat follows a link: its target is not kept */
	if (!(hflags & AT_SYMLINK_NOFOLLOW) &&
	    (rs->st_mode & RUMP_S_IFMT) == RUMP_S_IFLNK)
		return 0;
	return 1;
}

int
rh_dc_statat(int dirfd, int rdirfd, const char *rpath, int hflags,
    struct stat *st)
{
	struct rump_stat rs;

	if (!rh_dc_rstatat(dirfd, rdirfd, rpath, hflags, &rs))
		return 0;
	ukfs_conv_stat(&rs, st);
	return 1;
}
