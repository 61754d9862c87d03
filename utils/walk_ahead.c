/*
 * Reading ahead of the walk (walk.h: walk.ahead): while the walk's
 * leaf writes one host file into an image, a second thread opens, stats
 * and reads the next regular files of the same directory, so that the
 * host's open and read of a small file overlap with the image's work
 * instead of adding to it.  Only the host side, only regular files of at
 * most AHEAD_MAXFILE bytes without holes, and at most AHEAD_MAXENTS
 * entries or AHEAD_MAXBYTES bytes ahead.  What the thread could not do
 * (an error, a file that is not regular any more) is left to the walk,
 * which then opens the name itself and reports what is wrong as usual.
 *
 * One thread serves the whole process, started once and then parked on
 * a condition variable: a thread made per directory tends to be queued
 * behind the walk on the walk's own CPU and to start only when the
 * directory is done.  It works on the innermost directory being walked
 * (the top of a stack of them: a directory's walk pushes its list and
 * pops it when done).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walk_ahead.h"

#define AHEAD_MAXFILE  (1u << 20)
#define AHEAD_MAXBYTES (16u << 20)
#define AHEAD_MAXENTS  256

enum { AH_TODO, AH_BUSY, AH_DONE, AH_WALK };

struct ahead_ent {
	char *name;
	int type;  /* DT_* from the directory */
	int state; /* AH_*: AH_WALK when the walk does it itself */
	int fd;    /* -1: not opened (the walk opens it) */
	struct stat st;
	char *data; /* the whole file, or NULL */
	size_t len;
};

struct walk_ahead {
	struct walk_ahead *up; /* the directory around this one */
	int dfd;
	struct ahead_ent *ents;
	size_t n, cap;
	size_t next;  /* the next entry the thread looks at */
	size_t taken; /* entries the walk has come to */
	size_t bytes; /* data held for entries not yet taken */
	int busy;     /* the thread is reading one of ours */
};

/* The reading thread and the stack of directories, under mu. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t work; /* the thread waits here */
	pthread_cond_t done; /* the walk waits here */
	struct walk_ahead *top;
	int started, failed, twaiting, wwaiting;
} ahead = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
    PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0, 0};

/* Read the whole of a small regular file; the data stays NULL if not. */
static void
ahead_read(struct ahead_ent *e, int dfd)
{
	size_t got = 0;
	ssize_t r;

	e->fd = openat(dfd, e->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (e->fd == -1)
		return;
	/*
	 * A file with other names is left to the walk: reading it here could
	 * change its access time before the walk stats one of the names.
	 */
	if (fstat(e->fd, &e->st) == -1 || e->st.st_nlink > 1) {
		close(e->fd);
		e->fd = -1;
		return;
	}
	if (!S_ISREG(e->st.st_mode) || e->st.st_size > AHEAD_MAXFILE ||
	    (off_t)e->st.st_blocks * 512 < e->st.st_size)
		return; /* the walk reads it through the descriptor */
	e->data = malloc(e->st.st_size > 0 ? (size_t)e->st.st_size : 1);
	if (e->data == NULL)
		return;
	while (got < (size_t)e->st.st_size) {
		r = pread(e->fd, e->data + got, (size_t)e->st.st_size - got,
		    (off_t)got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)e->st.st_size) {
		/* changed or failing: the walk reads it again and reports */
		free(e->data);
		e->data = NULL;
		return;
	}
	e->len = got;
}

/* The next entry of a that the thread should read, or NULL. */
static struct ahead_ent *
ahead_next(struct walk_ahead *a)
{
	struct ahead_ent *e;

	if (a->next < a->taken)
		a->next = a->taken; /* the walk did those itself */
	while (a->next < a->n && a->next - a->taken < AHEAD_MAXENTS &&
	    a->bytes < AHEAD_MAXBYTES) {
		e = &a->ents[a->next++];
		if (e->type == DT_REG && e->state == AH_TODO)
			return e;
	}
	return NULL;
}

static void *
ahead_thread(void *arg)
{
	struct walk_ahead *a;
	struct ahead_ent *e;

	(void)arg;
	pthread_mutex_lock(&ahead.mu);
	for (;;) {
		a = ahead.top;
		if (a == NULL || (e = ahead_next(a)) == NULL) {
			ahead.twaiting = 1;
			pthread_cond_wait(&ahead.work, &ahead.mu);
			ahead.twaiting = 0;
			continue;
		}
		e->state = AH_BUSY;
		a->busy = 1;
		pthread_mutex_unlock(&ahead.mu);
		ahead_read(e, a->dfd);
		pthread_mutex_lock(&ahead.mu);
		e->state = AH_DONE;
		a->bytes += e->len;
		a->busy = 0;
		if (ahead.wwaiting)
			pthread_cond_broadcast(&ahead.done);
	}
	return NULL;
}

struct walk_ahead *
walk_ahead_new(int dfd)
{
	struct walk_ahead *a = calloc(1, sizeof(*a));

	if (a != NULL)
		a->dfd = dfd;
	return a;
}

int
walk_ahead_add(struct walk_ahead *a, const char *name, int type)
{
	struct ahead_ent *e;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;

		e = realloc(a->ents, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		a->ents = e;
		a->cap = cap;
	}
	e = &a->ents[a->n];
	memset(e, 0, sizeof(*e));
	if ((e->name = strdup(name)) == NULL)
		return -1;
	e->type = type;
	e->fd = -1;
	a->n++;
	return 0;
}

void
walk_ahead_start(struct walk_ahead *a)
{
	pthread_t t;
	sigset_t all, old;
	size_t i, nreg = 0;

	for (i = 0; i < a->n; i++)
		nreg += a->ents[i].type == DT_REG;
	pthread_mutex_lock(&ahead.mu);
	a->up = ahead.top;
	ahead.top = a;
	if (!ahead.started && !ahead.failed && nreg >= 2) {
		/* no signals for it: they stay the walk's */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		if (pthread_create(&t, NULL, ahead_thread, NULL) == 0) {
			pthread_detach(t);
			ahead.started = 1;
		} else
			ahead.failed = 1;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (ahead.twaiting && nreg >= 2)
		pthread_cond_signal(&ahead.work);
	pthread_mutex_unlock(&ahead.mu);
}

size_t
walk_ahead_count(const struct walk_ahead *a)
{
	return a->n;
}

void
walk_ahead_get(struct walk_ahead *a, size_t i, const char **name, int *type)
{
	*name = a->ents[i].name;
	*type = a->ents[i].type;
}

int
walk_ahead_take(struct walk_ahead *a, size_t i, int *fd, struct stat *st,
    char **data, size_t *len)
{
	struct ahead_ent *e = &a->ents[i];
	int done;

	pthread_mutex_lock(&ahead.mu);
	a->taken = i + 1;
	if (e->state == AH_TODO)
		e->state = AH_WALK; /* the thread is behind: ours */
	while (e->state == AH_BUSY) {
		ahead.wwaiting = 1;
		pthread_cond_wait(&ahead.done, &ahead.mu);
	}
	ahead.wwaiting = 0;
	done = e->state == AH_DONE && e->fd != -1;
	if (e->state == AH_DONE)
		a->bytes -= e->len;
	/* the thread waits for room: wake it when there is much again */
	if (ahead.twaiting && ahead.top == a &&
	    (a->next < a->taken || a->next - a->taken <= AHEAD_MAXENTS / 2) &&
	    a->bytes <= AHEAD_MAXBYTES / 2 && a->next < a->n)
		pthread_cond_signal(&ahead.work);
	pthread_mutex_unlock(&ahead.mu);
	if (!done)
		return 0;
	*fd = e->fd;
	*st = e->st;
	*data = e->data;
	*len = e->len;
	e->fd = -1;
	e->data = NULL;
	return 1;
}

void
walk_ahead_free(struct walk_ahead *a)
{
	struct walk_ahead **pp;
	size_t i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&ahead.mu);
	/* pushed by walk_ahead_start: off the stack, the thread done with it */
	for (pp = &ahead.top; *pp != NULL; pp = &(*pp)->up)
		if (*pp == a) {
			*pp = a->up;
			break;
		}
	while (a->busy) {
		ahead.wwaiting = 1;
		pthread_cond_wait(&ahead.done, &ahead.mu);
	}
	ahead.wwaiting = 0;
	/* back to the directory around this one */
	if (ahead.twaiting && ahead.top != NULL)
		pthread_cond_signal(&ahead.work);
	pthread_mutex_unlock(&ahead.mu);
	for (i = 0; i < a->n; i++) {
		if (a->ents[i].fd != -1)
			close(a->ents[i].fd);
		free(a->ents[i].data);
		free(a->ents[i].name);
	}
	free(a->ents);
	free(a);
}
