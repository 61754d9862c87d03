/*
 * librumpclient: the rump_sys_*() system calls of <rump/rump_syscalls.h>,
 * carried over a socket to a rump server (ukfs-server) instead of into a
 * kernel in this process.  A program links -lrumpclient in place of
 * -lrump and uses the same calls, with the same RUMP_* flag values and
 * structures; mount and unmount stay with the server.
 *
 * The server runs this process as a process of its kernel, with the
 * credentials the host kernel gives for this process's socket (not any
 * that the client claims), so file permissions apply as on the server's
 * images.  A fork() of this process gets a copy of that process (its
 * descriptors) on its first call; an exec() leaves it behind unless the
 * program hands the connection over (rumpclient_keepfd).
 */
#ifndef _RUMP_RUMPCLIENT_H_
#define _RUMP_RUMPCLIENT_H_

#include <rump/rumpdefs.h>
#include <rump/rump_syscalls.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Connect to the server at url ("unix:///path/to/socket"; NULL: the
 * environment variable RUMP_SERVER).  The first rump_sys_*() call
 * connects by itself; call this to learn of a failure early.  0 or -1
 * with errno.
 */
int rumpclient_init(const char *url);

/* This process's pid in the server's kernel; -1 when not connected. */
int rumpclient_getpid(void);

/*
 * The host descriptor of the connection (-1: none), so that a program
 * that closes or replaces descriptors wholesale can leave it alone.
 */
int rumpclient_fd(void);

/*
 * Move the connection to another descriptor, the lowest free one at or
 * above minfd (later connections go there too).
 */
int rumpclient_movefd(int minfd);

/*
 * Across exec: rumpclient_keepfd(1) clears close-on-exec on the
 * connection, so that the program run next can take it over, with the
 * process and its descriptors, by rumpclient_adoptfd(fd, pid);
 * rumpclient_keepfd(0) sets close-on-exec again (the exec failed).
 */
int rumpclient_keepfd(int keep);
int rumpclient_adoptfd(int fd, int pid);

/*
 * rump_sys_openat() that brings back, in the same round trip, the file's
 * status (*gotst set when st is filled) and, for a regular file opened
 * read-only, its first *len bytes at most (*len set to what was read;
 * the descriptor's offset moves past them).  Returns the descriptor.
 */
int rumpclient_openread(int dirfd, const char *path, int flags,
    uint32_t mode, struct rump_stat *st, int *gotst, void *buf, size_t *len);

/*
 * rump_sys_close() that does not wait for the answer: for a descriptor
 * with nothing to write back, whose close cannot fail in a way that
 * matters.  0, or -1 when the request could not be sent.
 */
int rumpclient_close_noreply(int fd);

/*
 * rump_sys_getdents() that brings back, after the records, the status of
 * each entry (as fstatat(fd, name, AT_SYMLINK_NOFOLLOW); all zero where
 * that failed), one in sts for each record, in order (*nst set; sts has
 * room for maxst, len / 24 at most are needed).  Returns the records'
 * length.
 */
int64_t rumpclient_getdentsplus(int fd, void *buf, size_t len,
    struct rump_stat *sts, size_t maxst, size_t *nst);

#ifdef __cplusplus
}
#endif

#endif /* _RUMP_RUMPCLIENT_H_ */
