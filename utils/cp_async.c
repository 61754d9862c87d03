/*
 * Small regular files copied out of an image are written to the host by a
 * second thread: the walk reads a file from the image (kernel work in
 * this process) while the writer creates and fills the ones before it on
 * the host (system calls), so an extraction takes about the longer of the
 * two rather than their sum.  A directory's copy is finished (attributes,
 * close) by the writer too, after its files.
 *
 * Only what cannot change the outcome goes this way: a regular file that
 * the image holds once (no other links), into a host directory, without
 * -v.  Anything else in a directory with files still queued waits for the
 * queue to empty (cp_async_sync), and so does every message of the walk's
 * own, so that the copy and its messages come out as a copy in one
 * thread makes them.  The writer prints nothing: its messages wait in the
 * job until the walk's thread collects it.
 *
 * Jobs and their buffers belong to the walk's thread, which recycles
 * them; the writer only hands them back.  The threads wake each other
 * only when the other one sleeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"

#define ASYNC_MAXFILE (64 * 1024) /* bigger files are copied in place */
#define ASYNC_MAXDATA (4 << 20)   /* bytes queued at most */
#define ASYNC_MAXJOBS 256
#define ASYNC_BATCH   32 /* jobs that wake a sleeping writer */

enum jobkind { JOB_FILE, JOB_DIR };

struct cpjob {
	struct cpjob *next;
	enum jobkind kind;
	int ddirfd; /* JOB_FILE: the directory; JOB_DIR: the directory */
	int attrs;  /* JOB_DIR: set its attributes */
	int close;  /* JOB_DIR: close ddirfd */
	struct stat st;
	char *name;    /* JOB_FILE: the name in ddirfd */
	char *path;    /* for messages */
	size_t pathcap, namecap;
	char *data;
	size_t len, datacap; /* bytes read from the image, <= st.st_size */
	char *msgs;          /* the writer's messages, '\n'-separated */
	size_t msglen, msgcap;
	int failed;
};

struct cpasync {
	pthread_mutex_t lock;
	pthread_cond_t work; /* the writer sleeps for jobs */
	pthread_cond_t done; /* the walk sleeps for room or an empty queue */
	pthread_t thread;
	struct cpjob *head, **tail;   /* queued, oldest first */
	struct cpjob *fin, **fintail; /* written, oldest first */
	struct cpjob *spare;          /* the walk's: ready for reuse */
	struct cpjob *current;        /* the one being written */
	size_t njobs, bytes;          /* queued or being written */
	int writer_idle, walk_waits;
	int quit;
	/* copies of the settings the writer needs */
	int owners, pflag;
	mode_t umask;
};

/* --- the writer ----------------------------------------------------------- */

static void
job_msg(struct cpjob *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
job_msg(struct cpjob *j, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	size_t n;
	char *m;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	j->failed = 1;
	if (j->msglen + n + 2 > j->msgcap) {
		m = realloc(j->msgs, j->msglen + n + 2);
		if (m == NULL)
			return; /* the status still says so */
		j->msgs = m;
		j->msgcap = j->msglen + n + 2;
	}
	memcpy(j->msgs + j->msglen, line, n);
	j->msgs[j->msglen + n] = '\n';
	j->msgs[j->msglen + n + 1] = '\0';
	j->msglen += n + 1;
}

static void
job_err(struct cpjob *j, int error)
{
	job_msg(j, "%s: %s", j->path, strerror(error));
}

/* As cp_walk.c's make_room(): clear the name unless it is a directory. */
static int
job_make_room(struct cpjob *j)
{
	struct stat st;

	if (fstatat(j->ddirfd, j->name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		job_err(j, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		job_msg(j, "%s: cannot overwrite directory with non-directory",
		    j->path);
		return -1;
	}
	if (unlinkat(j->ddirfd, j->name, 0) == -1) {
		job_err(j, errno);
		return -1;
	}
	return 0;
}

static int
job_create(struct cpjob *j)
{
	int fd, tries = 0;

	while ((fd = openat(j->ddirfd, j->name,
	            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	            j->st.st_mode & 0777)) == -1) {
		if (errno != EEXIST || tries++ > 0) {
			job_err(j, errno);
			return -1;
		}
		if (job_make_room(j) == -1)
			return -1;
	}
	return fd;
}

/*
 * Owner, mode, times: as cp_walk.c's set_attrs_fd() on a host file or
 * directory (a file's create applied the umask to mode & 0777).
 */
static void
job_attrs(struct cpasync *a, struct cpjob *j, int fd, int chmod_needed)
{
	const struct stat *st = &j->st;
	mode_t mode = a->pflag ? st->st_mode & 07777
	                       : st->st_mode & 0777 & ~a->umask;
	struct timespec ts[2];

	if (a->owners && fchown(fd, st->st_uid, st->st_gid) == -1)
		job_err(j, errno);
	if (chmod_needed && fchmod(fd, mode) == -1)
		job_err(j, errno);
	if (a->pflag) {
		ts[0] = st->st_atim;
		ts[1] = st->st_mtim;
		if (futimens(fd, ts) == -1)
			job_err(j, errno);
	}
}

static void
job_file(struct cpasync *a, struct cpjob *j)
{
	struct side host = {NULL, NULL, 0};
	off_t end = 0;
	int fd;

	if ((fd = job_create(j)) == -1)
		return;
	if (write_sparse(&host, fd, j->data, j->len, 0, &end) == -1 ||
	    (end < j->st.st_size && ftruncate(fd, j->st.st_size) == -1)) {
		job_err(j, errno);
		close(fd);
		return;
	}
	job_attrs(a, j, fd,
	    a->pflag &&
	        (j->st.st_mode & 07777) != (j->st.st_mode & 0777 & ~a->umask));
	if (close(fd) == -1)
		job_err(j, errno);
}

static void
job_dir(struct cpasync *a, struct cpjob *j)
{
	if (j->attrs)
		job_attrs(a, j, j->ddirfd, 1);
	if (j->close)
		close(j->ddirfd);
}

static void *
writer(void *arg)
{
	struct cpasync *a = arg;
	struct cpjob *j;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (a->head == NULL && !a->quit) {
			a->writer_idle = 1;
			pthread_cond_wait(&a->work, &a->lock);
			a->writer_idle = 0;
		}
		if ((j = a->head) == NULL)
			break;
		if ((a->head = j->next) == NULL)
			a->tail = &a->head;
		a->current = j;
		pthread_mutex_unlock(&a->lock);

		if (j->kind == JOB_FILE)
			job_file(a, j);
		else
			job_dir(a, j);

		pthread_mutex_lock(&a->lock);
		a->current = NULL;
		j->next = NULL;
		*a->fintail = j;
		a->fintail = &j->next;
		a->njobs--;
		a->bytes -= j->len;
		/* the walk waits for room (half the queue) or for the end */
		if (a->walk_waits &&
		    (a->njobs == 0 || a->njobs <= ASYNC_MAXJOBS / 2))
			pthread_cond_signal(&a->done);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/* --- the walk's side ------------------------------------------------------ */

static void
job_free(struct cpjob *j)
{
	free(j->data);
	free(j->name);
	free(j->path);
	free(j->msgs);
	free(j);
}

/* Report the written jobs and keep them for reuse; with the lock held. */
static void
collect_locked(struct cp *cp, struct cpasync *a)
{
	struct cpjob *j;
	char *line, *nl;

	while ((j = a->fin) != NULL) {
		if ((a->fin = j->next) == NULL)
			a->fintail = &a->fin;
		for (line = j->msgs; j->msglen > 0 && *line != '\0';
		    line = nl + 1) {
			nl = strchr(line, '\n');
			*nl = '\0';
			warnmsg("%s", line);
		}
		if (j->failed)
			cp->status = 1;
		j->msglen = 0;
		j->failed = 0;
		j->len = 0;
		j->next = a->spare;
		a->spare = j;
	}
}

/* Wait until no more than max jobs are queued; with the lock held. */
static void
wait_locked(struct cp *cp, struct cpasync *a, size_t max, size_t bytes)
{
	collect_locked(cp, a);
	while (a->njobs > max ||
	    (a->njobs > 0 && a->bytes + bytes > ASYNC_MAXDATA)) {
		if (a->writer_idle)
			pthread_cond_signal(&a->work);
		a->walk_waits = 1;
		pthread_cond_wait(&a->done, &a->lock);
		a->walk_waits = 0;
		collect_locked(cp, a);
	}
}

void
cp_async_drain(struct cp *cp)
{
	struct cpasync *a = cp->async;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	wait_locked(cp, a, 0, 0);
	pthread_mutex_unlock(&a->lock);
}

void
cp_async_sync(struct cp *cp, int ddirfd)
{
	struct cpasync *a = cp->async;
	struct cpjob *j;
	int pending = 0;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	pending = a->current != NULL && a->current->ddirfd == ddirfd;
	for (j = a->head; j != NULL && !pending; j = j->next)
		pending = j->ddirfd == ddirfd;
	if (pending)
		wait_locked(cp, a, 0, 0);
	pthread_mutex_unlock(&a->lock);
}

static int
async_start(struct cp *cp)
{
	struct cpasync *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -1;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->work, NULL);
	pthread_cond_init(&a->done, NULL);
	a->tail = &a->head;
	a->fintail = &a->fin;
	a->owners = cp->owners;
	a->pflag = cp->pflag;
	a->umask = cp->umask;
	if (pthread_create(&a->thread, NULL, writer, a) != 0) {
		pthread_cond_destroy(&a->done);
		pthread_cond_destroy(&a->work);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return -1;
	}
	cp->async = a;
	return 0;
}

void
cp_async_stop(struct cp *cp)
{
	struct cpasync *a = cp->async;
	struct cpjob *j;

	if (a == NULL)
		return;
	cp_async_drain(cp);
	pthread_mutex_lock(&a->lock);
	a->quit = 1;
	pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	while ((j = a->spare) != NULL) {
		a->spare = j->next;
		job_free(j);
	}
	pthread_cond_destroy(&a->done);
	pthread_cond_destroy(&a->work);
	pthread_mutex_destroy(&a->lock);
	free(a);
	cp->async = NULL;
}

int
cp_async_ok(const struct cp *cp, const struct stat *st)
{
	return cp->src.u != NULL && cp->dst.u == NULL && !cp->vflag &&
	    !cp->noasync && cp->walk->depth > 0 && S_ISREG(st->st_mode) &&
	    st->st_nlink == 1 && st->st_size <= ASYNC_MAXFILE;
}

/* Grow *buf to hold n bytes; -1 when out of memory. */
static int
reserve(char **buf, size_t *cap, size_t n)
{
	char *p;

	if (n <= *cap)
		return 0;
	if ((p = realloc(*buf, n)) == NULL)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static int
set_str(char **buf, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (reserve(buf, cap, n) == -1)
		return -1;
	memcpy(*buf, s, n);
	return 0;
}

/* A job of the walk's (a spare one if there is), NULL when out of memory. */
static struct cpjob *
job_get(struct cpasync *a)
{
	struct cpjob *j;

	pthread_mutex_lock(&a->lock);
	if ((j = a->spare) != NULL)
		a->spare = j->next;
	pthread_mutex_unlock(&a->lock);
	if (j == NULL)
		j = calloc(1, sizeof(*j));
	return j;
}

/* Give the writer a job (with its data, len bytes). */
static void
job_queue(struct cp *cp, struct cpasync *a, struct cpjob *j)
{
	pthread_mutex_lock(&a->lock);
	wait_locked(cp, a, ASYNC_MAXJOBS - 1, j->len);
	j->next = NULL;
	*a->tail = j;
	a->tail = &j->next;
	a->njobs++;
	a->bytes += j->len;
	/* a sleeping writer gets a batch: fewer wake-ups */
	if (a->writer_idle && a->njobs >= ASYNC_BATCH)
		pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->lock);
}

/* Back to the spares: a job the walk did not queue. */
static void
job_unget(struct cpasync *a, struct cpjob *j)
{
	pthread_mutex_lock(&a->lock);
	j->next = a->spare;
	a->spare = j;
	pthread_mutex_unlock(&a->lock);
}

/* Read the whole file (up to its size; less at an early end). */
static int
read_all(struct cp *cp, int sfd, char *buf, size_t size, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < size) {
		n = side_pread(
		    &cp->src, sfd, buf + *len, size - *len, (off_t)*len);
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

int
cp_async_copy(struct cp *cp, int sfd, const struct stat *st, int ddirfd,
    const char *dname)
{
	struct cpasync *a;
	struct cpjob *j;

	if (cp->async == NULL && async_start(cp) == -1) {
		cp->noasync = 1; /* no thread: copy in place from now on */
		return 1;
	}
	a = cp->async;
	if ((j = job_get(a)) == NULL)
		return 1;
	if (reserve(&j->data, &j->datacap,
	        st->st_size > 0 ? (size_t)st->st_size : 1) == -1 ||
	    set_str(&j->name, &j->namecap, dname) == -1 ||
	    set_str(&j->path, &j->pathcap, cp->dstp.p) == -1 ||
	    read_all(cp, sfd, j->data, (size_t)st->st_size, &j->len) == -1) {
		/* in place, where an error shows as it always does */
		j->len = 0;
		job_unget(a, j);
		return 1;
	}
	j->kind = JOB_FILE;
	j->ddirfd = ddirfd;
	j->st = *st;
	job_queue(cp, a, j);
	return 0;
}

int
cp_async_dir(struct cp *cp, int fd, const struct stat *st, int attrs,
    int doclose)
{
	struct cpasync *a = cp->async;
	struct cpjob *j;
	size_t queued;

	/* only behind queued files; and only a host directory's */
	if (a == NULL || cp->dst.u != NULL)
		return 1;
	pthread_mutex_lock(&a->lock);
	queued = a->njobs;
	pthread_mutex_unlock(&a->lock);
	if (queued == 0 || (j = job_get(a)) == NULL)
		return 1;
	if (set_str(&j->path, &j->pathcap, cp->dstp.p) == -1) {
		job_unget(a, j);
		return 1;
	}
	j->kind = JOB_DIR;
	j->ddirfd = fd;
	j->st = *st;
	j->attrs = attrs;
	j->close = doclose;
	job_queue(cp, a, j);
	return 0;
}
