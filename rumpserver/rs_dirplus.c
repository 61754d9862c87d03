/*
 * RC_OP_GETDENTSPLUS: getdents and, for every record read, the entry's
 * status (fstatat, not following a symbolic link) in one request, so
 * that a client walking a tree does not pay a round trip for each name
 * it lstats after reading its directory.  The reply is the records,
 * then one struct rump_stat for each, in their order (all zero where
 * the status could not be had).
 */
#include <string.h>

#include "rs_dispatch.h"

void
rs_getdentsplus(struct rs_req *q)
{
	struct rump_stat st;
	struct rump_dirent *de;
	int64_t fd, count, n;
	unsigned char *out;
	char name[RUMP_MAXNAMLEN + 1];
	size_t pos, nrec = 0, end;

	if (rs_get_scalar(q, &fd, RC_INT) == -1 ||
	    rs_get_scalar(q, &count, RC_IOSIZE) == -1 || rs_get_end(q) == -1)
		return;
	/* the smallest record is 24 bytes: the statuses must fit too */
	if ((uint64_t)count > RC_MAXIO / (1 + sizeof(st) / 24)) {
		rs_bad(q);
		return;
	}
	out = rs_outstruct(q, 0);
	n = rump_sys_getdents((int)fd, out, (size_t)count);
	if (n < 0) {
		rs_result(q, -1, errno);
		return;
	}
	end = (size_t)n;
	for (pos = 0; pos + RUMP_DIRENT_HDRSIZE <= (size_t)n;
	     pos += de->d_reclen) {
		de = (struct rump_dirent *)(out + pos);
		if (de->d_reclen < RUMP_DIRENT_HDRSIZE ||
		    de->d_reclen > (size_t)n - pos ||
		    de->d_namlen > RUMP_MAXNAMLEN ||
		    RUMP_DIRENT_HDRSIZE + de->d_namlen >= de->d_reclen)
			break;
		memcpy(name, de->d_name, de->d_namlen);
		name[de->d_namlen] = '\0';
		if (rump_sys_fstatat((int)fd, name, &st,
		        RUMP_AT_SYMLINK_NOFOLLOW) == -1)
			memset(&st, 0, sizeof(st));
		memcpy(out + end + nrec * sizeof(st), &st, sizeof(st));
		nrec++;
	}
	if (pos != (size_t)n) {
		/* records the kernel made are sound: this is a bug */
		rs_result(q, -1, EIO);
		return;
	}
	rs_outstruct(q, end + nrec * sizeof(st));
	rs_result(q, n, 0);
}
