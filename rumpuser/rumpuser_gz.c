/*
 * gzip-compressed images with random access.  A deflate stream can only be
 * decoded from its start, so on the way through it we note "access
 * points" about every GZ_SPAN bytes of output, each with the 32 KiB of
 * output before it (the most a later match can refer back to) and the
 * bit position in the input; a read then starts decoding at the nearest
 * point below it.  The index grows as reads go further, and the whole of
 * it is built when the size is asked for.  Concatenated members are one
 * stream, as gzip(1) treats them; each member's CRC-32 and length are
 * checked when the index passes its end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "rumpuser_cimg.h"
#include "rumpuser_gz.h"

#define GZ_SPAN (1u << 20) /* output between access points */
#define GZ_IN   65536      /* input read at a time */

/* An inflater somewhere in the file. */
struct gz_stream {
	z_stream s;
	int init;
	int ended;        /* past the last member */
	int newmember;    /* just moved on to a further member */
	uint64_t in_next; /* file offset of the next byte to load */
	uint64_t out;     /* uncompressed offset of the next output byte */
	unsigned char in[GZ_IN];
};

struct gz {
	int fd;
	uint64_t fsize;
	struct gz_point *pts;
	size_t npts, cap;
	/* the index builder: its stream, its output ring, member totals */
	struct gz_stream b;
	unsigned char win[GZ_WIN];
	size_t wpos;
	uint64_t last_out;
	uint32_t crc;
	uint64_t member_out;
	int complete;
	/* the reader, left where the last read ended */
	struct gz_stream r;
	unsigned char scratch[GZ_WIN];
};

static int
gz_sniff(const unsigned char *h, size_t len)
{
	return len >= 10 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8;
}

/*
 * The gzip member header at off: 0 and *after, ENOENT when no member
 * starts there (the end of the file, or trailing bytes gzip would also
 * ignore), EIO when it is cut short.
 */
static int
gz_readhead(struct gz *g, uint64_t off, uint64_t *after)
{
	unsigned char h[10], b[2];
	size_t n;
	int flg, error;

	error = rumpuser_cimg_rd(g->fd, h, sizeof(h), off, &n);
	if (error)
		return error;
	if (n < sizeof(h) || h[0] != 0x1f || h[1] != 0x8b)
		return n == 0 || n < 2 || h[0] != 0x1f ? ENOENT : EIO;
	if (h[2] != 8 || (h[3] & 0xe0) != 0)
		return EIO; /* not deflate, or reserved flags */
	flg = h[3];
	off += sizeof(h);
	if (flg & 4) { /* FEXTRA */
		if ((error = rumpuser_cimg_rd(g->fd, b, 2, off, &n)) || n < 2)
			return error ? error : EIO;
		off += 2 + ((unsigned)b[0] | (unsigned)b[1] << 8);
	}
	for (int f = 8; f <= 16; f <<= 1) { /* FNAME, FCOMMENT */
		if (!(flg & f))
			continue;
		do {
			if ((error = rumpuser_cimg_rd(g->fd, b, 1, off, &n)) ||
			    n < 1)
				return error ? error : EIO;
			off++;
		} while (b[0] != 0);
	}
	if (flg & 2) /* FHCRC */
		off += 2;
	if (off >= g->fsize)
		return EIO;
	*after = off;
	return 0;
}

/* Point the stream at a raw deflate stream starting at file offset in. */
static int
gz_restart(struct gz_stream *st, uint64_t in, uint64_t out)
{
	int rv;

	if (!st->init) {
		memset(&st->s, 0, sizeof(st->s));
		if (inflateInit2(&st->s, -15) != Z_OK)
			return ENOMEM;
		st->init = 1;
	} else {
		rv = inflateReset(&st->s);
		if (rv != Z_OK)
			return EIO;
	}
	st->s.avail_in = 0;
	st->s.next_in = st->in;
	st->in_next = in;
	st->out = out;
	st->ended = 0;
	return 0;
}

/*
 * The member that just ended: check its trailer when check is set (the
 * index builder), then move to the next member or mark the end.
 */
static int
gz_member_end(struct gz *g, struct gz_stream *st, int check)
{
	unsigned char t[8];
	uint64_t trailer = st->in_next - st->s.avail_in, next;
	size_t n;
	int error;

	error = rumpuser_cimg_rd(g->fd, t, sizeof(t), trailer, &n);
	if (error)
		return error;
	if (n < sizeof(t))
		return EIO; /* cut short */
	if (check) {
		uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
		    (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
		uint32_t isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 |
		    (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;

		if (crc != g->crc || isize != (uint32_t)g->member_out)
			return EIO;
		g->crc = (uint32_t)crc32(0L, Z_NULL, 0);
		g->member_out = 0;
	}
	error = gz_readhead(g, trailer + sizeof(t), &next);
	if (error == ENOENT) {
		st->ended = 1;
		return 0;
	}
	if (error)
		return error;
	error = gz_restart(st, next, st->out);
	st->newmember = 1;
	return error;
}

/*
 * One inflate call into out[len]; *produced is what it made.  At the end
 * of a member the stream moves on to the next one (or ends).
 */
static int
gz_step(struct gz *g, struct gz_stream *st, unsigned char *out, size_t len,
    int flush, int check, size_t *produced)
{
	size_t n;
	int rv, error;

	*produced = 0;
	if (st->s.avail_in == 0) {
		error = rumpuser_cimg_rd(g->fd, st->in, GZ_IN, st->in_next, &n);
		if (error)
			return error;
		if (n == 0)
			return EIO; /* the deflate data is cut short */
		st->s.next_in = st->in;
		st->s.avail_in = (uInt)n;
		st->in_next += n;
	}
	st->s.next_out = out;
	st->s.avail_out = (uInt)len;
	rv = inflate(&st->s, flush);
	*produced = len - st->s.avail_out;
	st->out += *produced;
	if (check) {
		g->crc = (uint32_t)crc32(g->crc, out, (uInt)*produced);
		g->member_out += *produced;
	}
	switch (rv) {
	case Z_OK:
		return 0;
	case Z_STREAM_END:
		return gz_member_end(g, st, check);
	case Z_BUF_ERROR:
		/* no progress with input and room: a damaged stream */
		return *produced == 0 && st->s.avail_in > 0 ? EIO : 0;
	case Z_MEM_ERROR:
		return ENOMEM;
	default:
		return EIO;
	}
}

static int
gz_add_point(struct gz *g, uint64_t out, uint64_t in, int bits,
    const unsigned char *window)
{
	struct gz_point *p;
	size_t n;
	int error;

	if (g->npts == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;

		p = realloc(g->pts, cap * sizeof(*p));
		if (p == NULL)
			return ENOMEM;
		g->pts = p;
		g->cap = cap;
	}
	p = &g->pts[g->npts];
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->in = in;
	p->bits = bits;
	if (bits) {
		error = rumpuser_cimg_rd(g->fd, &p->prev, 1, in - 1, &n);
		if (error || n != 1)
			return error ? error : EIO;
	}
	if (window != NULL) {
		p->window = malloc(GZ_WIN);
		if (p->window == NULL)
			return ENOMEM;
		/* the ring, oldest byte first */
		memcpy(p->window, window + g->wpos, GZ_WIN - g->wpos);
		memcpy(p->window + GZ_WIN - g->wpos, window, g->wpos);
	}
	g->npts++;
	g->last_out = out;
	return 0;
}

/* Run the index builder until it has passed target or the end. */
static int
gz_extend(struct gz *g, uint64_t target)
{
	struct gz_stream *st = &g->b;
	size_t got;
	int error, type;

	while (!g->complete && st->out < target) {
		error = gz_step(g, st, g->win + g->wpos, GZ_WIN - g->wpos,
		    Z_BLOCK, 1, &got);
		if (error)
			return error;
		g->wpos = (g->wpos + got) % GZ_WIN;
		if (st->ended) {
			g->complete = 1;
			rumpuser_gzcache_save(g->fd, st->out, g->pts, g->npts);
			break;
		}
		if (st->newmember) {
			/* a member starts afresh: no window needed */
			st->newmember = 0;
			error = gz_add_point(g, st->out, st->in_next, 0, NULL);
			if (error)
				return error;
			continue;
		}
		type = st->s.data_type;
		if ((type & 128) && !(type & 64) &&
		    st->out - g->last_out >= GZ_SPAN) {
			error = gz_add_point(g, st->out,
			    st->in_next - st->s.avail_in, type & 7, g->win);
			if (error)
				return error;
		}
	}
	return 0;
}

static void
gz_free(struct gz *g)
{
	size_t i;

	for (i = 0; i < g->npts; i++)
		free(g->pts[i].window);
	free(g->pts);
	if (g->b.init)
		inflateEnd(&g->b.s);
	if (g->r.init)
		inflateEnd(&g->r.s);
	free(g);
}

static int
gz_open(int fd, uint64_t filesize, void **ctxp)
{
	struct gz *g;
	uint64_t start;
	int error;

	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return ENOMEM;
	g->fd = fd;
	g->fsize = filesize;
	g->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	error = gz_readhead(g, 0, &start);
	if (error == 0 &&
	    rumpuser_gzcache_load(fd, &g->b.out, &g->pts, &g->npts) == 0) {
		/* indexed before: the whole index, and the size, are known */
		g->cap = g->npts;
		g->complete = 1;
		*ctxp = g;
		return 0;
	}
	if (error == 0)
		error = gz_restart(&g->b, start, 0);
	if (error == 0)
		error = gz_add_point(g, 0, start, 0, NULL);
	if (error) {
		gz_free(g);
		return error == ENOENT ? EIO : error;
	}
	*ctxp = g;
	return 0;
}

/* The access point at or below off (there is always the first). */
static const struct gz_point *
gz_find(const struct gz *g, uint64_t off)
{
	size_t lo = 0, hi = g->npts;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->pts[mid].out <= off)
			lo = mid;
		else
			hi = mid;
	}
	return &g->pts[lo];
}

/* Start the reader at the access point below off, unless it is closer. */
static int
gz_seek(struct gz *g, uint64_t off)
{
	const struct gz_point *p = gz_find(g, off);
	struct gz_stream *st = &g->r;
	int error;

	if (st->init && !st->ended && st->out <= off && st->out >= p->out)
		return 0; /* going on from here is the shorter way */
	error = gz_restart(st, p->in, p->out);
	if (error)
		return error;
	if (p->bits &&
	    inflatePrime(&st->s, p->bits, p->prev >> (8 - p->bits)) != Z_OK)
		return EIO;
	if (p->window != NULL &&
	    inflateSetDictionary(&st->s, p->window, GZ_WIN) != Z_OK)
		return EIO;
	return 0;
}

static int
gz_pread(void *ctx, void *buf, size_t len, uint64_t off, size_t *done)
{
	struct gz *g = ctx;
	struct gz_stream *st = &g->r;
	size_t got = 0, n;
	int error = 0;

	*done = 0;
	if (off + len > g->b.out && !g->complete &&
	    (error = gz_extend(g, off + len)) != 0)
		return error;
	if (g->complete && off >= g->b.out)
		return 0;
	if ((error = gz_seek(g, off)) != 0)
		return error;
	while (st->out < off && !st->ended) {
		uint64_t skip = off - st->out;

		error = gz_step(g, st, g->scratch,
		    skip < GZ_WIN ? (size_t)skip : GZ_WIN, Z_NO_FLUSH, 0, &n);
		if (error) {
			st->out = UINT64_MAX; /* start afresh next time */
			return error;
		}
	}
	while (got < len && !st->ended) {
		error = gz_step(g, st, (unsigned char *)buf + got, len - got,
		    Z_NO_FLUSH, 0, &n);
		got += n;
		if (error) {
			st->out = UINT64_MAX;
			break;
		}
	}
	*done = got;
	return got == len || st->ended ? 0 : error;
}

static int
gz_size(void *ctx, uint64_t *sizep)
{
	struct gz *g = ctx;
	int error;

	error = gz_extend(g, UINT64_MAX);
	if (error)
		return error;
	*sizep = g->b.out;
	return 0;
}

static void
gz_close(void *ctx)
{
	gz_free(ctx);
}

const struct rumpuser_cimg_ops rumpuser_cimg_gz = {
    .name = "gzip",
    .sniff = gz_sniff,
    .open = gz_open,
    .pread = gz_pread,
    .size = gz_size,
    .close = gz_close,
};
