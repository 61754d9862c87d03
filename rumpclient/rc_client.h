/*
 * librumpclient internals: one call being built and its reply (the
 * generated stubs use these).  A call holds the connection from
 * rc_begin() to rc_end(), which returns the call's result (or -1 with
 * errno) and lets the connection go.
 */
#ifndef _RC_CLIENT_H_
#define _RC_CLIENT_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpclient.h>

#include "rc_proto.h"

#define RC_PUBLIC __attribute__((visibility("default")))

struct rc_call {
	unsigned char *c_buf; /* the request, header first */
	size_t c_len;
	int c_error;          /* a problem building or reading: errno value */
	int64_t c_rv;
	const unsigned char *c_rp; /* result bytes of the reply */
	size_t c_rlen;
	uint32_t c_flags; /* RC_RQ_* */
};

int rc_begin(struct rc_call *c, uint32_t op);
void rc_put_scalar(struct rc_call *c, int64_t v);
void rc_put_str(struct rc_call *c, const char *s);
void rc_put_bytes(struct rc_call *c, const void *p, size_t len);
/* Send, wait for the reply; -1 (errno set, connection let go) on failure. */
int rc_call(struct rc_call *c);
/* Result bytes: at most len and exactly the result count; exactly len. */
void rc_get_upto(struct rc_call *c, void *buf, size_t len);
void rc_get_exact(struct rc_call *c, void *buf, size_t len);
int64_t rc_end(struct rc_call *c);
/* All result bytes, whatever their count (c_rv is not a length). */
const void *rc_get_all(struct rc_call *c, size_t *len);

#endif /* _RC_CLIENT_H_ */
