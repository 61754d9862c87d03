/*
 * The wire protocol between librumpclient and the rump server, version 2.
 * Both ends run on one host (a Unix-domain socket): fields are in host
 * byte order.  Every message says its whole length first; the receiver
 * checks it against RC_MAXMSG before reading the rest, and checks every
 * item of the body against what is left of it.
 *
 * Connection: the client sends struct rc_hello, the server answers with
 * struct rc_welcome.  Then requests and replies alternate: a request is
 * struct rc_reqhdr and a body of items, a reply struct rc_rephdr and the
 * result bytes of the call (its buffer or structure), if any.
 *
 * Items of a request body, each starting on an 8-byte boundary:
 *   scalar  8 bytes, a signed 64-bit value
 *   bytes   a 32-bit length (RC_NULL: a NULL pointer), 4 bytes padding,
 *           the bytes, padding to the next 8-byte boundary; a string is
 *           bytes with exactly one NUL, the last
 */
#ifndef _RC_PROTO_H_
#define _RC_PROTO_H_

#include <stdint.h>

#define RC_MAGIC   0x706d7572u /* "rump" */
#define RC_VERSION 2

#define RC_MAXIO  (1024 * 1024) /* data of one read or write */
#define RC_MAXSTR 4096          /* a path, with its NUL */
#define RC_MAXARR 16            /* group lists */
#define RC_MAXMSG (RC_MAXIO + 4 * RC_MAXSTR)
#define RC_NULL	  0xffffffffu

/* rc_hello.h_kind */
#define RC_HELLO_NEW  1 /* a new process */
#define RC_HELLO_FORK 2 /* the process made by RC_OP_FORK, h_cookie */

struct rc_hello {
	uint32_t h_magic;
	uint32_t h_version;
	uint32_t h_kind;
	uint32_t h_umask;
	uint64_t h_cookie;
};

struct rc_welcome {
	uint32_t w_magic;
	uint32_t w_version;
	int32_t w_error; /* 0, or why the connection is refused */
	int32_t w_pid;   /* the client's process in the server's kernel */
};

/*
 * rq_op: a system-call number of syscalls.master, or an operation of
 * the protocol itself.  RC_OP_FORK copies the client's process (its
 * descriptors and credentials) for a child about to be forked; the
 * reply's 8 bytes are the cookie the child gives in its hello.
 *
 * RC_OP_OPENREAD is openat, fstat and a read of the first bytes in one
 * round trip, for a program that opens a file to read it: items dirfd,
 * path, flags, mode, and how much to read at most (for a regular file
 * opened read-only); the result is the descriptor, the bytes a struct
 * rump_stat (absent when fstat failed) and then the data.
 * RC_OP_GETDENTSPLUS is getdents with, after the records, the status of
 * each entry (fstatat without following a link; zeros where it failed):
 * items fd and the size of the records' buffer; the result is the
 * records' length.
 */
#define RC_OP_FORK	   0x10000
#define RC_OP_OPENREAD	   0x10001
#define RC_OP_GETDENTSPLUS 0x10002

/* rq_flags */
#define RC_RQ_NOREPLY 0x1 /* the server sends no reply (a close to forget) */

struct rc_reqhdr {
	uint32_t rq_len; /* the whole message */
	uint32_t rq_seq;
	uint32_t rq_op;
	uint32_t rq_flags;
};

struct rc_rephdr {
	uint32_t rp_len; /* the whole message */
	uint32_t rp_seq;
	int32_t rp_error; /* errno value when rp_retval is -1 */
	uint32_t rp_pad;
	int64_t rp_retval;
};

#define RC_ALIGN(n) (((n) + 7) & ~(size_t)7)

#endif /* _RC_PROTO_H_ */
