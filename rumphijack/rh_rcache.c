/*
 * What an open for reading brought back with it (rumpclient_openread):
 * the file's status and its first bytes, so that the fstat, read and
 * read-to-the-end that programs do after open cost no round trip.  Kept
 * per host descriptor for at most RH_RCTTL (as FUSE keeps attributes for
 * a second) and only while the program does nothing else with the
 * descriptor: any other call on it (rh_rfd) first moves the server's
 * offset to where the program is and forgets the cache, and so does a
 * fork or an exec.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rh.h"

#define RH_MAXFD 65536
#define RH_RCTTL 1000000000LL /* ns */

struct rh_rc {
	int rfd;
	struct rump_stat st;
	long long born;  /* CLOCK_MONOTONIC, ns */
	size_t len;      /* bytes in data */
	size_t pos;      /* the program's offset */
	int eof;         /* the server read stopped short: the file ends */
	unsigned char data[];
};

static pthread_mutex_t rc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rh_rc *rcs[RH_MAXFD];
static int nlive; /* caches in rcs (under rc_lock; read without it) */
static pthread_once_t rc_once = PTHREAD_ONCE_INIT;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
syncall_prepare(void)
{
	rh_rc_syncall();
}

/*
 * Registered after the connection's own fork handler (the first open
 * that fills a cache has connected), so it runs before it: the offsets
 * are put right while calls can still be made.
 */
static void
rc_register(void)
{
	pthread_atfork(syncall_prepare, NULL, NULL);
}

int
rh_rc_has(int fd)
{
	return fd >= 0 && fd < RH_MAXFD &&
	    __atomic_load_n(&rcs[fd], __ATOMIC_ACQUIRE) != NULL;
}

void
rh_rc_set(int fd, int rfd, const struct rump_stat *st, const void *data,
    size_t len, size_t asked)
{
	struct rh_rc *rc, *old;

	if (fd < 0 || fd >= RH_MAXFD ||
	    (rc = malloc(sizeof(*rc) + len)) == NULL)
		return; /* without a cache: the server's offset is at len */
	pthread_once(&rc_once, rc_register);
	rc->rfd = rfd;
	rc->st = *st;
	rc->born = now_ns();
	rc->len = len;
	rc->pos = 0;
	rc->eof = len < asked;
	memcpy(rc->data, data, len);
	pthread_mutex_lock(&rc_lock);
	old = rcs[fd];
	__atomic_store_n(&rcs[fd], rc, __ATOMIC_RELEASE);
	if (old == NULL)
		__atomic_store_n(&nlive, nlive + 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&rc_lock);
	free(old);
}

/* Take fd's cache out of the table (NULL: none). */
static struct rh_rc *
take(int fd)
{
	struct rh_rc *rc;

	if (!rh_rc_has(fd))
		return NULL;
	pthread_mutex_lock(&rc_lock);
	rc = rcs[fd];
	__atomic_store_n(&rcs[fd], NULL, __ATOMIC_RELEASE);
	if (rc != NULL)
		__atomic_store_n(&nlive, nlive - 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&rc_lock);
	return rc;
}

/* The server's offset to where the program is, and the cache gone. */
static void
settle(struct rh_rc *rc)
{
	if (rc == NULL)
		return;
	if (rc->pos != rc->len)
		rump_sys_lseek(rc->rfd, (int64_t)rc->pos, RUMP_SEEK_SET);
	free(rc);
}

void
rh_rc_sync(int fd)
{
	settle(take(fd));
}

int
rh_rc_drop(int fd)
{
	struct rh_rc *rc = take(fd);

	free(rc);
	return rc != NULL;
}

void
rh_rc_syncall(void)
{
	int fd;

	for (fd = 0; fd < RH_MAXFD &&
	     __atomic_load_n(&nlive, __ATOMIC_RELAXED) > 0;
	     fd++)
		if (rh_rc_has(fd))
			rh_rc_sync(fd);
}

void
rh_rc_changed(void)
{
	if (__atomic_load_n(&nlive, __ATOMIC_RELAXED) > 0)
		rh_rc_syncall();
	rh_dc_dropall();
}

/*
 * Serve from fd's cache: read (off -1) or pread at off.  0: the server
 * has to answer (for a read, the cache is settled and gone); 1: served,
 * *rv set; 2 (read only): *rv bytes served, the rest of the n is to be
 * read from the server, whose offset is now right (the cache is gone).
 * A read is never cut short at the end of the cache: programs take a
 * short read of a regular file for its end.
 */
static int
serve(int fd, void *buf, size_t n, long long off, ssize_t *rv)
{
	struct rh_rc *rc;
	size_t at, k;
	int more;

	if (!rh_rc_has(fd))
		return 0;
	pthread_mutex_lock(&rc_lock);
	rc = rcs[fd];
	if (rc == NULL || now_ns() - rc->born > RH_RCTTL)
		goto out;
	if (off >= 0 && (unsigned long long)off > rc->len)
		goto out;
	at = off < 0 ? rc->pos : (size_t)off;
	more = !rc->eof && n > rc->len - at;
	if (more && off >= 0)
		goto out;
	k = rc->len - at < n ? rc->len - at : n;
	memcpy(buf, rc->data + at, k);
	*rv = (ssize_t)k;
	if (off >= 0) {
		pthread_mutex_unlock(&rc_lock);
		return 1;
	}
	rc->pos += k;
	pthread_mutex_unlock(&rc_lock);
	if (!more)
		return 1;
	rh_rc_sync(fd); /* at the end of the cache: no seek */
	return 2;
out:
	pthread_mutex_unlock(&rc_lock);
	if (off < 0)
		rh_rc_sync(fd);
	return 0;
}

ssize_t
rh_rc_read(int fd, int rfd, void *buf, size_t n)
{
	ssize_t k = 0, m;

	switch (serve(fd, buf, n, -1, &k)) {
	case 1:
		return k;
	case 2:
		m = rump_sys_read(rfd, (char *)buf + k, n - (size_t)k);
		if (m == -1)
			return k > 0 ? k : -1;
		return k + m;
	default:
		return rump_sys_read(rfd, buf, n);
	}
}

int
rh_rc_pread(int fd, void *buf, size_t n, off_t off, ssize_t *rv)
{
	if (off < 0)
		return 0;
	return serve(fd, buf, n, off, rv) == 1;
}

int
rh_rc_fstat(int fd, struct rump_stat *st)
{
	struct rh_rc *rc;
	int ok = 0;

	if (!rh_rc_has(fd))
		return 0;
	pthread_mutex_lock(&rc_lock);
	rc = rcs[fd];
	if (rc != NULL && now_ns() - rc->born <= RH_RCTTL) {
		*st = rc->st;
		ok = 1;
	}
	pthread_mutex_unlock(&rc_lock);
	return ok;
}

int
rh_rc_lseek(int fd, off_t off, int whence, off_t *rv)
{
	struct rh_rc *rc;
	long long to;
	int ok = 0;

	if (!rh_rc_has(fd))
		return 0;
	pthread_mutex_lock(&rc_lock);
	rc = rcs[fd];
	if (rc == NULL || now_ns() - rc->born > RH_RCTTL)
		goto out;
	switch (whence) {
	case SEEK_SET:
		to = off;
		break;
	case SEEK_CUR:
		to = (long long)rc->pos + off;
		break;
	case SEEK_END: /* the end is known when the whole file came */
		if (!rc->eof)
			goto out;
		to = (long long)rc->len + off;
		break;
	default:
		goto out;
	}
	if (to >= 0 && (unsigned long long)to <= rc->len) {
		rc->pos = (size_t)to;
		*rv = (off_t)to;
		ok = 1;
	}
out:
	pthread_mutex_unlock(&rc_lock);
	return ok;
}
