/*
 * librumpclient internals shared by its files: the one connection of the
 * process to its server.
 */
#ifndef _RC_INT_H_
#define _RC_INT_H_

#include <pthread.h>
#include <stdint.h>

#include "rc_client.h"

struct rc_conn {
	pthread_mutex_t rc_lock; /* one call at a time */
	int rc_fd;               /* -1: not connected */
	int rc_minfd;            /* keep rc_fd at or above this */
	uint32_t rc_seq;
	int rc_pid;
	uint64_t rc_cookie; /* after a fork: the copy of the process to take */
	unsigned char *rc_sbuf; /* request buffer, RC_MAXMSG */
	unsigned char *rc_rbuf; /* reply buffer, RC_MAXMSG */
	char *rc_url;
};

extern struct rc_conn rc_conn;

/* With rc_lock held: connect if need be; 0 or an errno value. */
int rc_connect_locked(void);
/* With rc_lock held: drop the connection after a failure. */
void rc_disconnect_locked(void);
/* rc_call() with rc_lock already held (and kept). */
int rc_call_locked(struct rc_call *c);
/* Whole-message I/O on the connection; 0 or an errno value. */
int rc_send_all(int fd, const void *buf, size_t len);
int rc_recv_all(int fd, void *buf, size_t len);

#endif /* _RC_INT_H_ */
