/*
 * The rump server core (librumpserver): images mounted in this process's
 * kernel, served to clients over a Unix-domain socket, each client
 * connection run as a process of the kernel with the credentials of the
 * connecting host process.
 */
#ifndef _RS_H_
#define _RS_H_

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

struct rs_image {
	char *ri_path;    /* host file */
	char *ri_mnt;     /* where it is mounted in the kernel */
	char ri_type[32]; /* canonical type */
	char ri_dev[32];  /* the kernel's device for it */
	int ri_lockfd;    /* holds the image lock */
	int ri_mounted;
};

struct rs_opts {
	const char *so_type;    /* NULL: detect each image */
	const char *so_options; /* file-system options, or NULL */
	int so_rdwr;
	const char *so_root; /* clients' root directory in the kernel */
	int so_maxconn;
};

/*
 * Mount spec ("IMAGE" or "IMAGE=/name"; index gives /imgN) in the kernel.
 * 0, or -1 with a message on stderr.
 */
int rs_image_mount(struct rs_image *im, const char *spec, unsigned index,
    const struct rs_opts *o);
/* Write back and unmount; 0 or -1 with a message. */
int rs_image_unmount(struct rs_image *im);

struct rs_conn;

/*
 * A copy of a client's process made for a fork, waiting for the child's
 * connection (rs_fork.c).
 */
int rs_fork_make(struct rs_conn *owner, uid_t uid, uint64_t *cookie);
struct lwp *rs_fork_take(uint64_t cookie, uid_t uid);
/* On the owner's thread, as it ends: release the copies nobody took. */
void rs_fork_drop(struct rs_conn *owner);

/* Serve one accepted connection on this thread (the caller closes it). */
void rs_conn_serve(int fd, const struct rs_opts *o);

/*
 * Listen at url ("unix:///path"), serve until rs_server_stop(); returns
 * when every connection is over.  0 or -1 with a message.
 */
int rs_server_run(const char *url, const struct rs_opts *o);
void rs_server_stop(void);

#endif /* _RS_H_ */
