/*
 * System Use Sharing Protocol and Rock Ridge: walk the entries of a
 * record's system use area and of the continuation areas it chains to
 * (CE), and collect what they say (struct cd9660_rr).
 *
 * Every length is checked before use: an entry that claims more bytes
 * than its area holds, a continuation area outside the volume, a chain of
 * continuation areas longer than SUSP_CE_MAXHOPS (a loop) or larger than
 * SUSP_CE_MAXBYTES, a symlink component longer than its entry, a name or
 * link too long: all are damage (EFSCORRUPTED), never a crash or a hang.
 *
 * Leniency where the intent is clear: a TF entry whose last 7-byte stamp
 * lacks its GMT offset byte (the Debian build of makefs writes these) is
 * read with offset 0.
 */
#include "sys/param.h"
#include "sys/buf.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"
#include "cd9660/rrip.h"

struct rrip_ctx {
	struct cd9660_rr *rr;
	uint64_t addr; /* of the record, for messages */
	bool sl_cont;  /* the last SL component goes on in the next */
	bool sl_done;
	bool nm_done;
	bool ce; /* a CE entry was seen in this area */
	uint32_t ce_lba, ce_off, ce_len;
};

static int
rrip_bad(const struct rrip_ctx *ctx, const char *what)
{
	return cd9660_corrupt("directory record at byte %llu: %s",
	    (unsigned long long)ctx->addr, what);
}

/* Read n both-endian 32-bit fields from p. */
static int
rrip_733s(const struct rrip_ctx *ctx, const uint8_t *p, uint32_t *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!iso_733(p + 8 * i, &v[i]))
			return rrip_bad(
			    ctx, "both-endian halves of a SUSP field differ");
	return 0;
}

static int
rrip_px(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	struct cd9660_rr *rr = ctx->rr;
	uint32_t v[5];
	int error;

	if (len < RRIP_PX_LEN_109 - SUSP_HDRLEN)
		return rrip_bad(ctx, "PX entry too short");
	if ((error = rrip_733s(ctx, d, v, 4)) != 0)
		return error;
	rr->rr_mode = v[0];
	rr->rr_nlink = v[1];
	rr->rr_uid = v[2];
	rr->rr_gid = v[3];
	rr->rr_have |= RR_PX;
	if (len >= RRIP_PX_LEN_112 - SUSP_HDRLEN) {
		if ((error = rrip_733s(ctx, d + 32, &v[4], 1)) != 0)
			return error;
		rr->rr_serial = v[4];
		rr->rr_have |= RR_SERIAL;
	}
	return 0;
}

/*
 * PN: with a zero high half the low half is a whole 32-bit device number
 * (major in bits 8-19, minor in bits 0-7 and 20-31: NetBSD's encoding and
 * Linux's "new" one); otherwise high is the major and low the minor.
 */
static int
rrip_pn(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	uint32_t v[2], ma, mi;
	int error;

	if (len < RRIP_PN_LEN - SUSP_HDRLEN)
		return rrip_bad(ctx, "PN entry too short");
	if ((error = rrip_733s(ctx, d, v, 2)) != 0)
		return error;
	if (v[0] == 0) {
		ma = (v[1] >> 8) & 0xfff;
		mi = (v[1] & 0xff) | ((v[1] >> 12) & 0xfff00);
	} else {
		ma = v[0];
		mi = v[1];
	}
	ctx->rr->rr_rdev = RUMP_MAKEDEV(ma, mi);
	ctx->rr->rr_have |= RR_PN;
	return 0;
}

static int
rrip_link_put(struct rrip_ctx *ctx, const void *p, size_t n)
{
	struct cd9660_rr *rr = ctx->rr;

	if (rr->rr_linklen + n >= MAXPATHLEN)
		return rrip_bad(ctx, "symbolic link target too long");
	memcpy(rr->rr_link + rr->rr_linklen, p, n);
	rr->rr_linklen += n;
	return 0;
}

static int
rrip_sl(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	struct cd9660_rr *rr = ctx->rr;
	size_t pos, clen;
	uint8_t cflags;
	int error = 0;

	if (len < 1)
		return rrip_bad(ctx, "SL entry too short");
	rr->rr_have |= RR_SL;
	if (ctx->sl_done || rr->rr_link == NULL)
		return 0;
	for (pos = 1; pos < len && error == 0; pos += 2 + clen) {
		if (len - pos < 2)
			return rrip_bad(ctx, "SL component header cut off");
		cflags = d[pos];
		clen = d[pos + 1];
		if (clen > len - pos - 2)
			return rrip_bad(ctx,
			    "SL component longer than its "
			    "entry");
		if (memchr(d + pos + 2, '\0', clen) != NULL)
			return rrip_bad(ctx, "SL component holds NUL");
		/*
		 * A root component is one '/', also in the middle (where it
		 * stands for an empty component, "a//b"); other components
		 * are separated by '/' except after the leading "/".
		 */
		if (cflags &
		    (RRIP_SLC_ROOT | RRIP_SLC_VOLROOT | RRIP_SLC_HOST)) {
			error = rrip_link_put(ctx, "/", 1);
			ctx->sl_cont = false;
			continue;
		}
		if (!ctx->sl_cont && rr->rr_linklen > 0 &&
		    !(rr->rr_linklen == 1 && rr->rr_link[0] == '/') &&
		    (error = rrip_link_put(ctx, "/", 1)) != 0)
			break;
		if (cflags & RRIP_SLC_CURRENT)
			error = rrip_link_put(ctx, ".", 1);
		else if (cflags & RRIP_SLC_PARENT)
			error = rrip_link_put(ctx, "..", 2);
		else
			error = rrip_link_put(ctx, d + pos + 2, clen);
		ctx->sl_cont = (cflags & RRIP_SLC_CONTINUE) != 0;
	}
	if ((d[0] & RRIP_SL_CONTINUE) == 0)
		ctx->sl_done = true;
	return error;
}

static int
rrip_nm(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	struct cd9660_rr *rr = ctx->rr;

	if (len < 1)
		return rrip_bad(ctx, "NM entry too short");
	if (ctx->nm_done ||
	    (d[0] & (RRIP_NM_CURRENT | RRIP_NM_PARENT | RRIP_NM_HOST)) != 0)
		return 0;
	if (rr->rr_namelen + len - 1 > MAXNAMLEN)
		return rrip_bad(ctx, "NM name too long");
	memcpy(rr->rr_name + rr->rr_namelen, d + 1, len - 1);
	rr->rr_namelen += len - 1;
	rr->rr_have |= RR_NM;
	if ((d[0] & RRIP_NM_CONTINUE) == 0)
		ctx->nm_done = true;
	return 0;
}

static int
rrip_tf(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	struct cd9660_rr *rr = ctx->rr;
	uint8_t flags, stamp[17];
	size_t pos = 1, ssize;
	struct timespec ts;
	unsigned bit;
	bool ok;

	if (len < 1)
		return rrip_bad(ctx, "TF entry too short");
	flags = d[0];
	ssize = (flags & RRIP_TF_LONG_FORM) ? 17 : 7;
	for (bit = 1; bit < RRIP_TF_LONG_FORM; bit <<= 1) {
		if ((flags & bit) == 0)
			continue;
		if (len - pos < ssize - 1)
			break; /* stamps missing: keep what was there */
		memset(stamp, 0, sizeof(stamp));
		memcpy(stamp, d + pos, MIN(ssize, len - pos));
		pos += MIN(ssize, len - pos);
		ok = ssize == 7 ? cd9660_time7(stamp, &ts)
		                : cd9660_time17(stamp, &ts);
		if (!ok)
			continue;
		switch (bit) {
		case RRIP_TF_CREATION:
			rr->rr_birth = ts;
			break;
		case RRIP_TF_MODIFY:
			rr->rr_mtime = ts;
			break;
		case RRIP_TF_ACCESS:
			rr->rr_atime = ts;
			break;
		case RRIP_TF_ATTRIBUTES:
			rr->rr_ctime = ts;
			break;
		default:
			continue;
		}
		rr->rr_tfhave |= bit;
	}
	rr->rr_have |= RR_TF;
	return 0;
}

static int
rrip_er(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	static const char *const ids[] = {
	    RRIP_ID_1991A, RRIP_ID_P1282, RRIP_ID_1282};
	size_t idlen, i;

	if (len < 4 || (size_t)d[0] + d[1] + d[2] > len - 4)
		return rrip_bad(ctx, "ER entry lengths exceed the entry");
	idlen = d[0];
	for (i = 0; i < __arraycount(ids); i++)
		if (idlen == strlen(ids[i]) &&
		    memcmp(d + 4, ids[i], idlen) == 0)
			ctx->rr->rr_have |= RR_ER;
	return 0;
}

static int
rrip_zf(struct rrip_ctx *ctx, const uint8_t *d, size_t len)
{
	struct cd9660_rr *rr = ctx->rr;
	int error;

	if (len < ZF_LEN - SUSP_HDRLEN)
		return rrip_bad(ctx, "ZF entry too short");
	if ((error = rrip_733s(ctx, d + 4, &rr->rr_zf_size, 1)) != 0)
		return error;
	rr->rr_zf_known = d[0] == 'p' && d[1] == 'z';
	rr->rr_zf_hdr4 = d[2];
	rr->rr_zf_bshift = d[3];
	rr->rr_have |= RR_ZF;
	return 0;
}

/* One entry; *stop is set by ST. */
static int
rrip_entry(struct rrip_ctx *ctx, unsigned sig, const uint8_t *d, size_t len,
    bool *stop)
{
	struct cd9660_rr *rr = ctx->rr;
	uint32_t v[3];
	int error;

	switch (sig) {
	case SUSP_SIG('S', 'P'):
		if (len < SUSP_SP_LEN - SUSP_HDRLEN || d[0] != 0xbe ||
		    d[1] != 0xef)
			return 0; /* not an SP: ignore */
		rr->rr_sp_skip = d[2];
		rr->rr_have |= RR_SP;
		return 0;
	case SUSP_SIG('C', 'E'):
		if (len < SUSP_CE_LEN - SUSP_HDRLEN)
			return rrip_bad(ctx, "CE entry too short");
		if ((error = rrip_733s(ctx, d, v, 3)) != 0)
			return error;
		ctx->ce = true;
		ctx->ce_lba = v[0];
		ctx->ce_off = v[1];
		ctx->ce_len = v[2];
		return 0;
	case SUSP_SIG('S', 'T'):
		*stop = true;
		return 0;
	case SUSP_SIG('E', 'R'):
		return rrip_er(ctx, d, len);
	case SUSP_SIG('P', 'X'):
		return rrip_px(ctx, d, len);
	case SUSP_SIG('P', 'N'):
		return rrip_pn(ctx, d, len);
	case SUSP_SIG('S', 'L'):
		return rrip_sl(ctx, d, len);
	case SUSP_SIG('N', 'M'):
		return rrip_nm(ctx, d, len);
	case SUSP_SIG('T', 'F'):
		return rrip_tf(ctx, d, len);
	case SUSP_SIG('C', 'L'):
	case SUSP_SIG('P', 'L'):
		if (len < RRIP_LINK_LEN - SUSP_HDRLEN)
			return rrip_bad(ctx, "CL/PL entry too short");
		if ((error = rrip_733s(ctx, d, v, 1)) != 0)
			return error;
		if (sig == SUSP_SIG('C', 'L')) {
			rr->rr_cl = v[0];
			rr->rr_have |= RR_CL;
		} else {
			rr->rr_pl = v[0];
			rr->rr_have |= RR_PL;
		}
		return 0;
	case SUSP_SIG('R', 'E'):
		rr->rr_have |= RR_RE;
		return 0;
	case SUSP_SIG('Z', 'F'):
		return rrip_zf(ctx, d, len);
	default:
		return 0; /* RR, PD, SF, AL, AA, ...: nothing we use */
	}
}

/* Walk the entries of one area. */
static int
rrip_area(struct rrip_ctx *ctx, const uint8_t *a, size_t len)
{
	size_t pos, elen;
	bool stop = false;
	int error;

	for (pos = 0; len - pos >= SUSP_HDRLEN && !stop; pos += elen) {
		elen = a[pos + 2];
		if (elen < SUSP_HDRLEN) {
			if (a[pos] == 0 && a[pos + 1] == 0)
				break; /* padding */
			return rrip_bad(ctx,
			    "SUSP entry shorter than its "
			    "header");
		}
		if (elen > len - pos)
			return rrip_bad(ctx, "SUSP entry runs past its area");
		error = rrip_entry(ctx, SUSP_SIG(a[pos], a[pos + 1]),
		    a + pos + SUSP_HDRLEN, elen - SUSP_HDRLEN, &stop);
		if (error != 0)
			return error;
	}
	return 0;
}

/* Copy a continuation area into a buffer of its own. */
static int
rrip_ce_read(struct cd9660_mount *ump, struct rrip_ctx *ctx, uint8_t *dst)
{
	uint64_t start = (uint64_t)ctx->ce_lba * ISO_SECTOR + ctx->ce_off;
	uint64_t end = start + ctx->ce_len, pos;
	struct buf *bp;
	size_t boff, n;
	int error;

	if (ctx->ce_lba >= ump->um_nsectors ||
	    end > (uint64_t)ump->um_nsectors * ISO_SECTOR)
		return rrip_bad(ctx, "CE area outside the volume");
	for (pos = start; pos < end; pos += n) {
		error = cd9660_bread(ump, (uint32_t)(pos / ISO_SECTOR), &bp);
		if (error != 0)
			return error;
		boff = (size_t)(pos % ISO_SECTOR);
		n = (size_t)MIN((uint64_t)(ISO_SECTOR - boff), end - pos);
		memcpy(dst + (pos - start), (uint8_t *)bp->b_data + boff, n);
		brelse(bp, 0);
	}
	return 0;
}

/*
 * Parse the system use area of d and its continuation areas into rr.
 * rr->rr_link is kept: if not NULL (MAXPATHLEN bytes) SL assembles the
 * symbolic link there.
 */
int
cd9660_rrip_parse(
    struct cd9660_mount *ump, const struct iso_dirent *d, struct cd9660_rr *rr)
{
	struct rrip_ctx ctx;
	char *link = rr->rr_link;
	uint8_t *ce = NULL;
	size_t celen = 0, total = 0;
	int hops, error;

	memset(rr, 0, offsetof(struct cd9660_rr, rr_name));
	rr->rr_namelen = 0;
	rr->rr_link = link;
	rr->rr_linklen = 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rr = rr;
	ctx.addr = d->d_addr;
	error = rrip_area(&ctx, d->d_su, d->d_sulen);
	for (hops = 0; error == 0 && ctx.ce; hops++) {
		ctx.ce = false;
		if (hops >= SUSP_CE_MAXHOPS) {
			error = rrip_bad(&ctx,
			    "continuation areas chain too "
			    "long (a loop?)");
			break;
		}
		total += ctx.ce_len;
		if (total > SUSP_CE_MAXBYTES) {
			error = rrip_bad(&ctx, "continuation areas too large");
			break;
		}
		if (ce != NULL)
			kmem_free(ce, celen);
		celen = MAX(ctx.ce_len, 1);
		ce = kmem_alloc(celen, KM_SLEEP);
		if ((error = rrip_ce_read(ump, &ctx, ce)) == 0)
			error = rrip_area(&ctx, ce, ctx.ce_len);
	}
	if (ce != NULL)
		kmem_free(ce, celen);
	return error;
}
