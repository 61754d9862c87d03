/*
 * Copies of client processes made for a fork(): the parent's connection
 * asks for one just before the fork, the child's connection takes it by
 * its cookie (a random 64-bit number) and must come from the same host
 * user.  Copies nobody takes go when the parent's connection ends.
 */
#include <sys/random.h>
#include <errno.h>
#include <stdlib.h>

#include <rump/rump.h>

#include "rs.h"

#define FORK_MAX 64 /* waiting copies, all connections together */

struct pending {
	struct pending *next;
	struct rs_conn *owner;
	uint64_t cookie;
	uid_t uid;
	struct lwp *lwp;
};

static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pending *pending;
static int npending;

/* Release l, a process's only lwp, from the thread that owns me. */
static void
release(struct lwp *me, struct lwp *l)
{
	rump_pub_lwproc_switch(l);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
}

int
rs_fork_make(struct rs_conn *owner, uid_t uid, uint64_t *cookie)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct pending *p;
	int error;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ENOMEM;
	if (getrandom(&p->cookie, sizeof(p->cookie), 0) !=
	        sizeof(p->cookie) || p->cookie == 0) {
		free(p);
		return EAGAIN;
	}
	pthread_mutex_lock(&fork_lock);
	error = npending >= FORK_MAX ? EAGAIN : 0;
	if (error == 0)
		npending++;
	pthread_mutex_unlock(&fork_lock);
	if (error != 0) {
		free(p);
		return error;
	}
	error = rump_pub_lwproc_rfork(RUMP_RFFDG);
	if (error != 0) {
		pthread_mutex_lock(&fork_lock);
		npending--;
		pthread_mutex_unlock(&fork_lock);
		free(p);
		return error;
	}
	p->lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(me);
	p->owner = owner;
	p->uid = uid;
	*cookie = p->cookie;
	pthread_mutex_lock(&fork_lock);
	p->next = pending;
	pending = p;
	pthread_mutex_unlock(&fork_lock);
	return 0;
}

struct lwp *
rs_fork_take(uint64_t cookie, uid_t uid)
{
	struct pending **pp, *p;
	struct lwp *l = NULL;

	pthread_mutex_lock(&fork_lock);
	for (pp = &pending; (p = *pp) != NULL; pp = &p->next) {
		if (p->cookie != cookie)
			continue;
		if (p->uid == uid) {
			*pp = p->next;
			npending--;
			l = p->lwp;
			free(p);
		}
		break;
	}
	pthread_mutex_unlock(&fork_lock);
	return l;
}

void
rs_fork_drop(struct rs_conn *owner)
{
	struct lwp *me = rump_pub_lwproc_curlwp();
	struct pending **pp, *p, *mine = NULL;

	pthread_mutex_lock(&fork_lock);
	for (pp = &pending; (p = *pp) != NULL;) {
		if (p->owner == owner) {
			*pp = p->next;
			npending--;
			p->next = mine;
			mine = p;
		} else {
			pp = &p->next;
		}
	}
	pthread_mutex_unlock(&fork_lock);
	while ((p = mine) != NULL) {
		mine = p->next;
		release(me, p->lwp);
		free(p);
	}
}
