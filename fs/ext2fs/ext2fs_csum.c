/*
 * Checksums of metadata written on read-write mounts.  gdt_csum (uninit_bg)
 * protects the group descriptors with a CRC16; metadata_csum protects the
 * superblock, descriptors, bitmaps, inodes, directory blocks, extent tree
 * blocks and attribute blocks with a CRC32C (Castagnoli), seeded with the
 * CRC32C of the file system's UUID (or s_checksum_seed with csum_seed).
 * The layouts follow the published ext4 disk-layout documentation.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_dir.h"
#include "ext2fs/ext2fs_extern.h"

#define CRC32C_POLY 0x82F63B78u /* reflected */
#define CRC16_POLY  0xA001u     /* x^16 + x^15 + x^2 + 1, reflected */

static uint32_t crc32c_table[256];
static uint16_t crc16_table[256];

void
ext2fs_csum_tables_init(void)
{
	uint32_t c, i, k;
	uint16_t d;

	for (i = 0; i < 256; i++) {
		c = i;
		d = (uint16_t)i;
		for (k = 0; k < 8; k++) {
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
			d = (d & 1) ? (uint16_t)((d >> 1) ^ CRC16_POLY)
			            : (uint16_t)(d >> 1);
		}
		crc32c_table[i] = c;
		crc16_table[i] = d;
	}
}

/* CRC32C without pre- or post-inversion, as ext4 chains it. */
uint32_t
ext2fs_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len-- > 0)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint16_t
crc16(uint16_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len-- > 0)
		crc = (uint16_t)(crc16_table[(crc ^ *p++) & 0xff] ^ (crc >> 8));
	return crc;
}

static uint32_t
crc32c_le32(uint32_t crc, uint32_t v)
{
	uint32_t le = e2fs_le32(v);

	return ext2fs_crc32c(crc, &le, sizeof(le));
}

void
ext2fs_csum_init(struct ext2fs_mount *ump)
{
	if (!ump->um_meta_csum)
		return;
	if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_CSUM_SEED))
		ump->um_csum_seed = e2fs_le32(ump->um_sb.s_checksum_seed);
	else
		ump->um_csum_seed = ext2fs_crc32c(
		    ~0u, ump->um_sb.s_uuid, sizeof(ump->um_sb.s_uuid));
}

void
ext2fs_sb_csum_set(struct ext2fs_mount *ump)
{
	struct ext2fs_super *sb = &ump->um_sb;

	if (!ump->um_meta_csum)
		return;
	sb->s_checksum = e2fs_le32(
	    ext2fs_crc32c(~0u, sb, offsetof(struct ext2fs_super, s_checksum)));
}

/* The checksum of descriptor raw (of group g), as stored in bg_checksum. */
void
ext2fs_gd_csum_set(struct ext2fs_mount *ump, uint32_t g, uint8_t *raw)
{
	const size_t off = offsetof(struct ext2fs_gd, bg_checksum);
	const uint16_t zero = 0;
	size_t dsz = ump->um_desc_size;
	uint32_t c;
	uint16_t crc;

	if (!ump->um_gdt_csum)
		return;
	if (ump->um_meta_csum) {
		c = crc32c_le32(ump->um_csum_seed, g);
		c = ext2fs_crc32c(c, raw, off);
		c = ext2fs_crc32c(c, &zero, sizeof(zero));
		if (dsz > off + 2)
			c = ext2fs_crc32c(c, raw + off + 2, dsz - off - 2);
		crc = (uint16_t)c;
	} else {
		uint32_t le = e2fs_le32(g);

		crc =
		    crc16(0xffff, ump->um_sb.s_uuid, sizeof(ump->um_sb.s_uuid));
		crc = crc16(crc, &le, sizeof(le));
		crc = crc16(crc, raw, off);
		if (E2FS_HAS_INCOMPAT(ump, EXT4F_INCOMPAT_64BIT) &&
		    dsz > off + 2)
			crc = crc16(crc, raw + off + 2, dsz - off - 2);
	}
	crc = e2fs_le16(crc);
	memcpy(raw + off, &crc, sizeof(crc));
}

static uint32_t
bitmap_csum(struct ext2fs_mount *ump, uint64_t blk, size_t len, bool *ok)
{
	struct buf *bp;
	uint32_t c;

	*ok = false;
	if (ext2fs_bread(ump, blk, &bp) != 0)
		return 0;
	c = ext2fs_crc32c(ump->um_csum_seed, bp->b_data, len);
	brelse(bp, 0);
	*ok = true;
	return c;
}

/*
 * Recompute the bitmap checksums of group g into its in-core descriptor
 * fields (metadata_csum).  Called with um_lock held, before the
 * descriptor is encoded.
 */
void
ext2fs_bitmap_csums(struct ext2fs_mount *ump, uint32_t g)
{
	struct ext2fs_group *gp = &ump->um_groups[g];
	bool ok;
	uint32_t c;

	if (!ump->um_meta_csum)
		return;
	if (!(gp->g_flags & E2FS_BG_BLOCK_UNINIT)) {
		c = bitmap_csum(ump, gp->g_block_bitmap, ump->um_bpg / 8, &ok);
		if (ok)
			gp->g_bb_csum = c;
	}
	if (!(gp->g_flags & E2FS_BG_INODE_UNINIT)) {
		c = bitmap_csum(ump, gp->g_inode_bitmap, ump->um_ipg / 8, &ok);
		if (ok)
			gp->g_ib_csum = c;
	}
	gp->g_csum_valid = true;
}

/* The seed of an inode's checksums: its number and generation. */
static uint32_t
inode_seed(const struct ext2fs_mount *ump, ino_t ino, uint32_t gen_le)
{
	uint32_t c = crc32c_le32(ump->um_csum_seed, (uint32_t)ino);

	return ext2fs_crc32c(c, &gen_le, sizeof(gen_le));
}

/* Set the checksum of the on-disk inode raw (um_isize bytes). */
void
ext2fs_inode_csum_set(struct ext2fs_mount *ump, ino_t ino, uint8_t *raw)
{
	struct ext2fs_dinode *din = (struct ext2fs_dinode *)raw;
	const uint16_t zero = 0;
	size_t lo = offsetof(struct ext2fs_dinode, i_checksum_lo);
	size_t hi = offsetof(struct ext2fs_dinode, i_checksum_hi);
	bool hashi = false;
	uint32_t c;

	if (!ump->um_meta_csum)
		return;
	if (ump->um_isize > E2FS_GOOD_OLD_INODE_SIZE)
		hashi = E2DI_HAS_EXTRA(
		    e2fs_le16(din->i_extra_isize), i_checksum_hi);
	c = inode_seed(ump, ino, din->i_generation);
	c = ext2fs_crc32c(c, raw, lo);
	c = ext2fs_crc32c(c, &zero, sizeof(zero));
	c = ext2fs_crc32c(c, raw + lo + 2, E2FS_GOOD_OLD_INODE_SIZE - lo - 2);
	if (ump->um_isize > E2FS_GOOD_OLD_INODE_SIZE) {
		c = ext2fs_crc32c(c, raw + E2FS_GOOD_OLD_INODE_SIZE,
		    hi - E2FS_GOOD_OLD_INODE_SIZE);
		if (hashi) {
			c = ext2fs_crc32c(c, &zero, sizeof(zero));
			c = ext2fs_crc32c(
			    c, raw + hi + 2, ump->um_isize - hi - 2);
		} else
			c = ext2fs_crc32c(c, raw + hi, ump->um_isize - hi);
	}
	din->i_checksum_lo = e2fs_le16((uint16_t)c);
	if (hashi)
		din->i_checksum_hi = e2fs_le16((uint16_t)(c >> 16));
}

/* Directory blocks end in a 12-byte record holding their checksum. */
#define DIRTAIL_FT 0xDE

bool
ext2fs_dirtail_present(const struct ext2fs_mount *ump, const uint8_t *blk)
{
	const uint8_t *t = blk + ump->um_bsize - E2FS_DIRTAIL_SIZE;
	uint32_t ino;
	uint16_t reclen;

	memcpy(&ino, t, sizeof(ino));
	memcpy(&reclen, t + 4, sizeof(reclen));
	return ino == 0 && e2fs_le16(reclen) == E2FS_DIRTAIL_SIZE &&
	    t[6] == 0 && t[7] == DIRTAIL_FT;
}

/* The bytes of directory block blk that hold entries (not its tail). */
size_t
ext2fs_dirblk_len(const struct ext2fs_mount *ump, const uint8_t *blk)
{
	if (E2FS_HAS_ROCOMPAT(ump, EXT4F_ROCOMPAT_METADATA_CSUM) &&
	    ext2fs_dirtail_present(ump, blk))
		return ump->um_bsize - E2FS_DIRTAIL_SIZE;
	return ump->um_bsize;
}

void
ext2fs_dirtail_init(const struct ext2fs_mount *ump, uint8_t *blk)
{
	uint8_t *t = blk + ump->um_bsize - E2FS_DIRTAIL_SIZE;
	uint16_t reclen = e2fs_le16(E2FS_DIRTAIL_SIZE);

	memset(t, 0, E2FS_DIRTAIL_SIZE);
	memcpy(t + 4, &reclen, sizeof(reclen));
	t[7] = DIRTAIL_FT;
}

/* Set the checksum in the tail of directory block blk of dp. */
void
ext2fs_dirblk_csum_set(const struct ext2fs_inode *dp, uint8_t *blk)
{
	const struct ext2fs_mount *ump = dp->i_ump;
	size_t len = ump->um_bsize - E2FS_DIRTAIL_SIZE;
	uint32_t c;

	if (!ump->um_meta_csum || !ext2fs_dirtail_present(ump, blk))
		return;
	c = inode_seed(ump, dp->i_number, dp->i_din->i_generation);
	c = e2fs_le32(ext2fs_crc32c(c, blk, len));
	memcpy(blk + len + 8, &c, sizeof(c));
}

/* Set the checksum that follows the entries of an extent tree block. */
void
ext2fs_extblk_csum_set(const struct ext2fs_inode *ip, uint8_t *blk)
{
	const struct ext2fs_mount *ump = ip->i_ump;
	struct ext4_extent_header eh;
	size_t off;
	uint32_t c;

	if (!ump->um_meta_csum)
		return;
	memcpy(&eh, blk, sizeof(eh));
	off = sizeof(eh) + (size_t)e2fs_le16(eh.eh_max) * 12;
	if (off + sizeof(c) > ump->um_bsize)
		return;
	c = inode_seed(ump, ip->i_number, ip->i_din->i_generation);
	c = e2fs_le32(ext2fs_crc32c(c, blk, off));
	memcpy(blk + off, &c, sizeof(c));
}

/* Set the checksum of the extended-attribute block blk at block number bno. */
void
ext2fs_xattrblk_csum_set(
    const struct ext2fs_mount *ump, uint64_t bno, uint8_t *blk)
{
	const size_t off = 16; /* h_checksum in the block header */
	const uint32_t zero = 0;
	uint64_t le = e2fs_le64(bno);
	uint32_t c;

	if (!ump->um_meta_csum)
		return;
	c = ext2fs_crc32c(ump->um_csum_seed, &le, sizeof(le));
	c = ext2fs_crc32c(c, blk, off);
	c = ext2fs_crc32c(c, &zero, sizeof(zero));
	c = ext2fs_crc32c(c, blk + off + 4, ump->um_bsize - off - 4);
	c = e2fs_le32(c);
	memcpy(blk + off, &c, sizeof(c));
}
