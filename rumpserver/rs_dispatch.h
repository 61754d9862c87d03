/*
 * The server's side of one request: reading the items of its body (each
 * checked against what is left of the message and against the range of
 * its C type) and building the reply.  The generated decoders
 * (rumpserver_dispatch.c) use these; a malformed request gets EBADMSG
 * and changes nothing.
 */
#ifndef _RS_DISPATCH_H_
#define _RS_DISPATCH_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rump.h>

#include "rc_proto.h"

/* Ranges of scalar arguments. */
enum rs_range { RC_INT, RC_U32, RC_I64, RC_U64, RC_SIZE, RC_IOSIZE };

struct rs_req {
	const unsigned char *q_p;   /* the next item */
	const unsigned char *q_end; /* the end of the body */
	unsigned char *q_out;       /* result bytes of the reply */
	size_t q_outmax;            /* what the call may fill */
	int q_outbuf;               /* a buffer (count = result) or a struct */
	int q_done;                 /* the reply is decided */
	int q_error;
	int64_t q_rv;
	size_t q_outlen;
};

int rs_get_scalar(struct rs_req *q, int64_t *v, enum rs_range range);
int rs_get_str(struct rs_req *q, const char **s);
int rs_get_bytes(struct rs_req *q, const void **p, size_t *len);
/* Nothing may follow the last item. */
int rs_get_end(struct rs_req *q);
/* Refuse the request as malformed. */
void rs_bad(struct rs_req *q);
/* Room for the call's results in the reply. */
void *rs_outbuf(struct rs_req *q, size_t len);
void *rs_outstruct(struct rs_req *q, size_t len);
void rs_result(struct rs_req *q, int64_t rv, int error);

struct rs_sysent {
	const char *se_name;
	void (*se_call)(struct rs_req *);
};
extern const struct rs_sysent rs_sysent[];
extern const int rs_nsys;

/* RC_OP_OPENREAD (rs_openread.c), RC_OP_GETDENTSPLUS (rs_dirplus.c). */
void rs_openread(struct rs_req *q);
void rs_getdentsplus(struct rs_req *q);

/* Decode and run one request body; the reply is in q. */
void rs_dispatch(uint32_t op, struct rs_req *q);

#endif /* _RS_DISPATCH_H_ */
