/*
 * Data kept inside the inode.  With inline_data, a small file's bytes are
 * i_block (60 bytes) followed by the value of the in-inode extended
 * attribute "system.data"; a fast symlink keeps its target in i_block
 * alone.  Both are read here.
 */
#include "sys/param.h"
#include "sys/mount.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "ext2fs/ext2fs.h"
#include "ext2fs/ext2fs_dinode.h"
#include "ext2fs/ext2fs_extern.h"

static int
ext2fs_inline_corrupt(const struct ext2fs_inode *ip, const char *what)
{
	fs_corrupt(E2FS_FSNAME, "inode %llu: inline data: %s",
	    (unsigned long long)ip->i_number, what);
	return EFSCORRUPTED;
}

/*
 * Find "system.data" among the extended attributes that follow the extra
 * fields of a large inode, and check that it lies inside the inode.
 */
int
ext2fs_inline_locate(struct ext2fs_inode *ip)
{
	const uint8_t *din = (const uint8_t *)ip->i_din;
	struct ext2fs_xattr_entry xe;
	size_t start, end, pos, first, voff, vlen;
	uint32_t magic;

	ip->i_inline_off = ip->i_inline_len = 0;
	start = E2FS_GOOD_OLD_INODE_SIZE + ip->i_extra_isize;
	end = ip->i_ump->um_isize;
	if (ip->i_extra_isize == 0 || start + sizeof(magic) > end)
		goto sized;
	memcpy(&magic, din + start, sizeof(magic));
	if (e2fs_le32(magic) != EXT2_XATTR_MAGIC)
		goto sized;
	first = pos = start + sizeof(magic);
	/* Each entry takes at least 16 bytes: the walk ends. */
	while (pos + sizeof(uint32_t) <= end) {
		memcpy(&magic, din + pos, sizeof(magic));
		if (magic == 0)
			break;
		if (pos + sizeof(xe) > end)
			return ext2fs_inline_corrupt(ip, "truncated attribute");
		memcpy(&xe, din + pos, sizeof(xe));
		if (pos + EXT2_XATTR_LEN(xe.e_name_len) > end)
			return ext2fs_inline_corrupt(ip, "truncated name");
		if (xe.e_name_index == EXT2_XATTR_INDEX_SYSTEM &&
		    xe.e_name_len == 4 &&
		    memcmp(din + pos + sizeof(xe), "data", 4) == 0) {
			voff = e2fs_le16(xe.e_value_offs);
			vlen = e2fs_le32(xe.e_value_size);
			if (xe.e_value_inum != 0 || voff > end - first ||
			    vlen > end - first - voff)
				return ext2fs_inline_corrupt(
				    ip, "value outside the inode");
			ip->i_inline_off = (uint32_t)(first + voff);
			ip->i_inline_len = (uint32_t)vlen;
			break;
		}
		pos += EXT2_XATTR_LEN(xe.e_name_len);
	}
sized:
	if ((ip->i_mode & E2FS_IFMT) != E2FS_IFDIR &&
	    ip->i_size > ext2fs_inline_size(ip))
		return ext2fs_inline_corrupt(ip, "size beyond the inode");
	return 0;
}

/* Bytes the inode can hold: i_block and the "system.data" value. */
size_t
ext2fs_inline_size(const struct ext2fs_inode *ip)
{
	return E2FS_IBLOCK_BYTES + ip->i_inline_len;
}

const uint8_t *
ext2fs_inline_value(const struct ext2fs_inode *ip)
{
	return (const uint8_t *)ip->i_din + ip->i_inline_off;
}

/* Read the file's bytes (up to i_size) that the inode itself holds. */
int
ext2fs_inline_read(struct ext2fs_inode *ip, struct uio *uio)
{
	const uint8_t *src;
	uint64_t size = MIN(ip->i_size, ext2fs_inline_size(ip)), off;
	size_t n;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < size) {
		off = (uint64_t)uio->uio_offset;
		if (off < E2FS_IBLOCK_BYTES) {
			src = (const uint8_t *)ip->i_din->i_block + off;
			n = (size_t)(MIN(size, E2FS_IBLOCK_BYTES) - off);
		} else {
			src =
			    ext2fs_inline_value(ip) + (off - E2FS_IBLOCK_BYTES);
			n = (size_t)(size - off);
		}
		error = uiomove(
		    (void *)(uintptr_t)src, MIN(n, uio->uio_resid), uio);
	}
	return error;
}
