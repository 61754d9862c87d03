/*
 * RC_OP_OPENREAD: openat, fstat and a first read in one request, so that
 * a client reading many small files pays one round trip for each
 * instead of three or four.  The read is done only for a regular file
 * opened read-only; the descriptor's offset moves past what was read,
 * as the client's own read would have moved it.
 */
#include <string.h>

#include "rs_dispatch.h"

void
rs_openread(struct rs_req *q)
{
	struct rump_stat st;
	int64_t dirfd, flags, mode, max;
	const char *path;
	unsigned char *out;
	int fd;
	int64_t n = 0;

	if (rs_get_scalar(q, &dirfd, RC_INT) == -1 ||
	    rs_get_str(q, &path) == -1 ||
	    rs_get_scalar(q, &flags, RC_INT) == -1 ||
	    rs_get_scalar(q, &mode, RC_U32) == -1 ||
	    rs_get_scalar(q, &max, RC_IOSIZE) == -1 || rs_get_end(q) == -1)
		return;
	if ((uint64_t)max > RC_MAXIO - sizeof(st)) {
		rs_bad(q);
		return;
	}
	fd = rump_sys_openat((int)dirfd, path, (int)flags, (uint32_t)mode);
	if (fd == -1) {
		rs_result(q, -1, errno);
		return;
	}
	if (rump_sys_fstat(fd, &st) == -1) {
		rs_result(q, fd, 0); /* the open alone */
		return;
	}
	out = rs_outstruct(q, 0);
	memcpy(out, &st, sizeof(st));
	if ((flags & RUMP_O_ACCMODE) == RUMP_O_RDONLY && max > 0 &&
	    (st.st_mode & RUMP_S_IFMT) == RUMP_S_IFREG &&
	    (n = rump_sys_read(fd, out + sizeof(st), (size_t)max)) < 0)
		n = 0; /* the client's own read will meet the error */
	rs_outstruct(q, sizeof(st) + (size_t)n);
	rs_result(q, fd, 0);
}
