/*
 * Listening: one host thread per connection (at most so_maxconn at once;
 * more are closed at once).  rs_server_stop() stops the accepting and
 * shuts every connection down, which ends each one's process.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rs.h"

#define MAXCONN_HARD 1024

struct conn_slot {
	int cs_fd; /* -1: free */
	pthread_t cs_thread;
	const struct rs_opts *cs_opts;
};

static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t srv_cv = PTHREAD_COND_INITIALIZER;
static struct conn_slot slots[MAXCONN_HARD];
static int nconn;
static int listen_fd = -1;
static int stopping;

static void *
conn_thread(void *arg)
{
	struct conn_slot *s = arg;

	rs_conn_serve(s->cs_fd, s->cs_opts);
	pthread_mutex_lock(&srv_lock);
	close(s->cs_fd);
	s->cs_fd = -1;
	nconn--;
	pthread_cond_broadcast(&srv_cv);
	pthread_mutex_unlock(&srv_lock);
	return NULL;
}

static int
listen_at(const char *url)
{
	struct sockaddr_un sun;
	const char *path;
	int fd;

	if (strncmp(url, "unix://", 7) != 0 || url[7] == '\0') {
		fprintf(stderr, "ukfs-server: %s: not a unix:// address\n",
		    url);
		return -1;
	}
	path = url + 7;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ukfs-server: %s: path too long\n", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0777) == -1 || listen(fd, 64) == -1) {
		fprintf(stderr, "ukfs-server: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

static void
start(int fd, const struct rs_opts *o, int maxconn)
{
	pthread_attr_t attr;
	int i;

	pthread_mutex_lock(&srv_lock);
	if (stopping || nconn >= maxconn) {
		pthread_mutex_unlock(&srv_lock);
		close(fd);
		return;
	}
	for (i = 0; slots[i].cs_fd != -1; i++)
		;
	slots[i].cs_fd = fd;
	slots[i].cs_opts = o;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&slots[i].cs_thread, &attr, conn_thread,
	        &slots[i]) != 0) {
		slots[i].cs_fd = -1;
		close(fd);
	} else {
		nconn++;
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_unlock(&srv_lock);
}

int
rs_server_run(const char *url, const struct rs_opts *o)
{
	int maxconn = o->so_maxconn > 0 && o->so_maxconn <= MAXCONN_HARD ?
	    o->so_maxconn : MAXCONN_HARD;
	int fd, i;

	for (i = 0; i < MAXCONN_HARD; i++)
		slots[i].cs_fd = -1;
	if ((fd = listen_at(url)) == -1)
		return -1;
	pthread_mutex_lock(&srv_lock);
	listen_fd = fd;
	if (stopping) /* a stop that came before there was a socket */
		shutdown(fd, SHUT_RDWR);
	pthread_mutex_unlock(&srv_lock);
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (cfd == -1) {
			if (__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
				break;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				if (errno != EINTR && errno != ECONNABORTED)
					usleep(10000);
				continue;
			}
			fprintf(stderr, "ukfs-server: accept: %s\n",
			    strerror(errno));
			break;
		}
		start(cfd, o, maxconn);
	}
	pthread_mutex_lock(&srv_lock);
	stopping = 1;
	for (i = 0; i < MAXCONN_HARD; i++)
		if (slots[i].cs_fd != -1)
			shutdown(slots[i].cs_fd, SHUT_RDWR);
	while (nconn > 0)
		pthread_cond_wait(&srv_cv, &srv_lock);
	listen_fd = -1;
	pthread_mutex_unlock(&srv_lock);
	close(fd);
	unlink(url + 7);
	return 0;
}

void
rs_server_stop(void)
{
	pthread_mutex_lock(&srv_lock);
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
	if (listen_fd != -1)
		shutdown(listen_fd, SHUT_RDWR);
	pthread_mutex_unlock(&srv_lock);
}
