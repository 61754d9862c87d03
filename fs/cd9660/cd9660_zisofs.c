/*
 * zisofs: files whose data is stored compressed, block by block, with a
 * ZF entry giving the real size.  The stored data starts with a header
 * (magic, size, header size, block size) and a table of nblocks + 1
 * offsets; block i is the zlib stream between offsets i and i + 1, or
 * zeros when the two are equal.  Blocks are decompressed on demand into
 * the file vnode's buffers, so any block can be read without the others.
 *
 * Every offset is checked against the table and the stored size, and a
 * block must inflate to exactly its size; anything else is damage.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"
#include "cd9660/rrip.h"

/*
 * zlib's one-shot inflate (the library is linked into librump).  Declared
 * here rather than by including <zlib.h>, which pulls in host headers.
 */
int uncompress(unsigned char *dest, unsigned long *destlen,
    const unsigned char *source, unsigned long sourcelen);
#define CD9660_Z_OK 0

/* A compressed block may be a little larger than its data, never more. */
#define ZISOFS_MAXSLACK 1024

static uint64_t
zisofs_nblocks(const struct cd9660_node *ip)
{
	return howmany(ip->i_size, (uint64_t)1 << ip->i_zbshift);
}

static int
zisofs_bad(const struct cd9660_node *ip, const char *what)
{
	return cd9660_corrupt("zisofs file at byte %llu: %s",
	    (unsigned long long)ip->i_key.k_addr, what);
}

/* Check the ZF entry against the file's header; set up the node. */
int
cd9660_zisofs_check(struct cd9660_node *ip, const struct cd9660_rr *rr)
{
	uint8_t hdr[ZISOFS_HDRLEN];
	uint64_t table;
	int error;

	ip->i_zisofs = true;
	ip->i_size = rr->rr_zf_size;
	if (!rr->rr_zf_known) {
		ip->i_zbshift = 0; /* read refuses it */
		return 0;
	}
	if (rr->rr_zf_bshift < ZISOFS_MIN_BSHIFT ||
	    rr->rr_zf_bshift > ZISOFS_MAX_BSHIFT ||
	    rr->rr_zf_hdr4 * 4 < ZISOFS_HDRLEN)
		return zisofs_bad(ip, "bad block or header size in ZF");
	if (ip->i_rawsize < ZISOFS_HDRLEN)
		return zisofs_bad(ip, "shorter than its header");
	if ((error = cd9660_read_raw(ip, 0, hdr, sizeof(hdr))) != 0)
		return error;
	if (memcmp(hdr, ZISOFS_MAGIC, 8) != 0 ||
	    iso_le32(hdr + 8) != rr->rr_zf_size || hdr[12] != rr->rr_zf_hdr4 ||
	    hdr[13] != rr->rr_zf_bshift)
		return zisofs_bad(ip, "header does not match its ZF entry");
	ip->i_zbshift = rr->rr_zf_bshift;
	ip->i_zhdrlen = (uint32_t)rr->rr_zf_hdr4 * 4;
	table = ip->i_zhdrlen + (zisofs_nblocks(ip) + 1) * 4;
	if (table > ip->i_rawsize)
		return zisofs_bad(ip, "block table larger than the file");
	return 0;
}

/* Fill bp (one block of bp->b_lblkno) with decompressed data. */
int
cd9660_zisofs_fill(struct cd9660_node *ip, struct buf *bp)
{
	size_t bsize = (size_t)1 << ip->i_zbshift, want, clen;
	uint64_t nblocks = zisofs_nblocks(ip), table, lbn;
	unsigned long outlen;
	uint8_t ptr[8], *cbuf;
	uint32_t p0, p1;
	int error, zerr;

	if (bp->b_lblkno < 0 || bp->b_bcount != bsize)
		return EINVAL;
	memset(bp->b_data, 0, bp->b_bcount);
	lbn = (uint64_t)bp->b_lblkno;
	if (lbn >= nblocks)
		return 0;
	want = (size_t)MIN((uint64_t)bsize, ip->i_size - lbn * bsize);
	error = cd9660_read_raw(ip, ip->i_zhdrlen + lbn * 4, ptr, sizeof(ptr));
	if (error != 0)
		return error;
	p0 = iso_le32(ptr);
	p1 = iso_le32(ptr + 4);
	table = ip->i_zhdrlen + (nblocks + 1) * 4;
	if (p0 < table || p1 < p0 || p1 > ip->i_rawsize)
		return zisofs_bad(ip, "block pointer out of range");
	clen = p1 - p0;
	if (clen == 0)
		return 0; /* a block of zeros */
	if (clen > bsize + ZISOFS_MAXSLACK)
		return zisofs_bad(ip, "compressed block too large");
	cbuf = kmem_alloc(clen, KM_SLEEP);
	error = cd9660_read_raw(ip, p0, cbuf, clen);
	if (error == 0) {
		outlen = bsize;
		zerr = uncompress(bp->b_data, &outlen, cbuf, clen);
		if (zerr != CD9660_Z_OK || outlen != want)
			error = zisofs_bad(ip, "a block does not decompress");
	}
	kmem_free(cbuf, clen);
	return error;
}
