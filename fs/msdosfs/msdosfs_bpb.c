/*
 * The boot sector: reading and checking the BIOS parameter block, and
 * deriving the geometry every other part uses (where the FATs, the root
 * directory and the data area lie, how many clusters there are, and the
 * FAT type).  Shared by mount, newfs (to check what it wrote) and fsck.
 *
 * The FAT type follows the BPB as Linux and dosfstools read it: a BPB
 * without a 16-bit FAT size is FAT32 (mkfs.fat -F 32 makes small ones);
 * otherwise the cluster count decides between FAT12 and FAT16.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "msdosfs/msdosfs.h"

#define FATBLK_BYTES 8192 /* FAT buffers: this much, or one sector */

static int
bpb_bad(
    struct msdosfsmount *pmp, bool quiet, const char *msg, unsigned long long v)
{
	ksnprintf(pmp->pm_why, sizeof(pmp->pm_why), "%s (%llu)", msg, v);
	if (!quiet)
		fs_corrupt(MSDOSFS_NAME, "boot sector: %s", pmp->pm_why);
	return EFSCORRUPTED;
}

static unsigned
ilog2(uint32_t v)
{
	unsigned s = 0;

	while ((1u << s) < v)
		s++;
	return s;
}

/* Copy an 11-byte label, without trailing blanks; "NO NAME" is none. */
static void
bpb_label(char *dst, const uint8_t *src)
{
	int n = 11;

	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	memcpy(dst, src, (size_t)n);
	dst[n] = '\0';
	if (strcmp(dst, "NO NAME") == 0)
		dst[0] = '\0';
}

/* The FAT32 fields: root cluster, FSInfo, backup, mirroring. */
static int
bpb_fat32(struct msdosfsmount *pmp, const uint8_t *bs, bool quiet)
{
	uint16_t extflags = le16get(bs + BPB32_EXTFLAGS);
	uint32_t sec;

	if (le16get(bs + BPB32_FSVER) != 0)
		return bpb_bad(pmp, quiet, "unknown FAT32 version",
		    le16get(bs + BPB32_FSVER));
	pmp->pm_rootclust = le32get(bs + BPB32_ROOTCLUS) & FAT32_MASK;
	if (!msdosfs_validclust(pmp, pmp->pm_rootclust))
		return bpb_bad(
		    pmp, quiet, "root cluster out of range", pmp->pm_rootclust);
	sec = le16get(bs + BPB32_FSINFO);
	pmp->pm_fsinfosec = (sec == 0 || sec == 0xffff) ? 0 : sec;
	if (pmp->pm_fsinfosec >= pmp->pm_rsvdsecs)
		return bpb_bad(
		    pmp, quiet, "FSInfo sector outside the reserved area", sec);
	sec = le16get(bs + BPB32_BKBOOTSEC);
	pmp->pm_bkbootsec = (sec == 0 || sec == 0xffff) ? 0 : sec;
	if (pmp->pm_bkbootsec >= pmp->pm_rsvdsecs)
		pmp->pm_bkbootsec = 0; /* only informational */
	pmp->pm_mirror = (extflags & FAT32_EXTF_NOMIRROR) == 0;
	pmp->pm_activefat = pmp->pm_mirror ? 0 : (extflags & FAT32_EXTF_ACTIVE);
	if (pmp->pm_activefat >= pmp->pm_nfats)
		return bpb_bad(
		    pmp, quiet, "active FAT out of range", pmp->pm_activefat);
	pmp->pm_bsflags = bs[BS32_FLAGS];
	if (bs[BS32_BOOTSIG] == BS_EXTBOOTSIG) {
		pmp->pm_volid = le32get(bs + BS32_VOLID);
		bpb_label(pmp->pm_label, bs + BS32_VOLLAB);
	}
	return 0;
}

/*
 * Fill the geometry of pmp from the boot sector bs (at least 512 bytes).
 * EINVAL: not a FAT file system at all; EFSCORRUPTED: a damaged one.
 */
int
msdosfs_bpb_parse(
    struct msdosfsmount *pmp, const uint8_t *bs, uint64_t devsize, bool quiet)
{
	uint32_t fatsz16, tot16, capacity;
	uint64_t nclust, datastart, totsecs;

	if (bs[BS_SIGOFF] != 0x55 || bs[BS_SIGOFF + 1] != 0xaa) {
		ksnprintf(pmp->pm_why, sizeof(pmp->pm_why),
		    "no boot sector signature");
		if (!quiet)
			kprintf("msdos: no boot sector signature: not a FAT "
			        "file system\n");
		return EINVAL;
	}
	pmp->pm_bps = le16get(bs + BPB_BYTSPERSEC);
	if (pmp->pm_bps < 512 || pmp->pm_bps > 4096 || !powerof2(pmp->pm_bps))
		return bpb_bad(pmp, quiet, "bad sector size", pmp->pm_bps);
	pmp->pm_bpsshift = ilog2(pmp->pm_bps);
	pmp->pm_spc = bs[BPB_SECPERCLUS];
	if (pmp->pm_spc == 0 || !powerof2(pmp->pm_spc))
		return bpb_bad(
		    pmp, quiet, "bad sectors per cluster", pmp->pm_spc);
	pmp->pm_csize = pmp->pm_bps * pmp->pm_spc;
	pmp->pm_cshift = ilog2(pmp->pm_csize);
	pmp->pm_rsvdsecs = le16get(bs + BPB_RSVDSECCNT);
	if (pmp->pm_rsvdsecs == 0)
		return bpb_bad(pmp, quiet, "no reserved sectors", 0);
	pmp->pm_nfats = bs[BPB_NUMFATS];
	if (pmp->pm_nfats < 1 || pmp->pm_nfats > 2)
		return bpb_bad(pmp, quiet, "bad number of FATs", pmp->pm_nfats);
	pmp->pm_media = bs[BPB_MEDIA];
	if (pmp->pm_media != 0xf0 && pmp->pm_media < 0xf8)
		return bpb_bad(pmp, quiet, "bad media byte", pmp->pm_media);
	tot16 = le16get(bs + BPB_TOTSEC16);
	totsecs = tot16 != 0 ? tot16 : le32get(bs + BPB_TOTSEC32);
	if (totsecs == 0)
		return bpb_bad(pmp, quiet, "zero sectors", 0);
	if (totsecs > devsize >> pmp->pm_bpsshift)
		return bpb_bad(pmp, quiet,
		    "file system larger than the device (sectors)", totsecs);
	pmp->pm_totsecs = (uint32_t)totsecs;
	fatsz16 = le16get(bs + BPB_FATSZ16);
	pmp->pm_fatsecs = fatsz16 != 0 ? fatsz16 : le32get(bs + BPB32_FATSZ32);
	if (pmp->pm_fatsecs == 0)
		return bpb_bad(pmp, quiet, "zero FAT size", 0);
	pmp->pm_rootents = le16get(bs + BPB_ROOTENTCNT);
	if (fatsz16 == 0 && pmp->pm_rootents != 0)
		return bpb_bad(pmp, quiet, "FAT32 with a fixed root directory",
		    pmp->pm_rootents);
	if (fatsz16 != 0 && pmp->pm_rootents == 0)
		return bpb_bad(pmp, quiet, "no root directory entries", 0);
	pmp->pm_rootsecs = (pmp->pm_rootents * DIRENT_SIZE + pmp->pm_bps - 1) >>
	    pmp->pm_bpsshift;
	pmp->pm_fatstart = pmp->pm_rsvdsecs;
	pmp->pm_rootstart = (uint32_t)MIN((uint64_t)pmp->pm_fatstart +
	        (uint64_t)pmp->pm_nfats * pmp->pm_fatsecs,
	    UINT32_MAX);
	datastart = (uint64_t)pmp->pm_rootstart + pmp->pm_rootsecs;
	if (datastart >= totsecs)
		return bpb_bad(
		    pmp, quiet, "no room for data after the FATs", datastart);
	pmp->pm_datastart = (uint32_t)datastart;
	nclust = (totsecs - datastart) / pmp->pm_spc;
	if (nclust == 0)
		return bpb_bad(pmp, quiet, "no clusters", 0);

	if (fatsz16 == 0) {
		pmp->pm_fatbits = 32;
		pmp->pm_fatmask = FAT32_MASK;
		if (nclust > FAT32_MAXCLUSTERS)
			nclust = FAT32_MAXCLUSTERS;
	} else if (nclust <= FAT12_MAXCLUSTERS) {
		pmp->pm_fatbits = 12;
		pmp->pm_fatmask = FAT12_MASK;
	} else {
		pmp->pm_fatbits = 16;
		pmp->pm_fatmask = FAT16_MASK;
		if (nclust > FAT16_MAXCLUSTERS)
			nclust = FAT16_MAXCLUSTERS;
	}
	/* A FAT too small for the data area limits the clusters used. */
	capacity = (uint32_t)MIN(
	    (uint64_t)pmp->pm_fatsecs * pmp->pm_bps * 8 / pmp->pm_fatbits,
	    UINT32_MAX);
	if (capacity < 3)
		return bpb_bad(pmp, quiet, "FAT too small", pmp->pm_fatsecs);
	if (nclust + 2 > capacity)
		nclust = capacity - 2;
	pmp->pm_maxclust = (uint32_t)nclust + 1;
	pmp->pm_fatblksize = MAX(pmp->pm_bps, FATBLK_BYTES);
	pmp->pm_activefat = 0;
	pmp->pm_mirror = true;
	pmp->pm_label[0] = '\0';
	pmp->pm_volid = 0;
	if (pmp->pm_fatbits == 32)
		return bpb_fat32(pmp, bs, quiet);
	pmp->pm_rootclust = 0;
	pmp->pm_fsinfosec = 0;
	pmp->pm_bkbootsec = 0;
	pmp->pm_bsflags = bs[BS16_FLAGS];
	if (bs[BS16_BOOTSIG] == BS_EXTBOOTSIG) {
		pmp->pm_volid = le32get(bs + BS16_VOLID);
		bpb_label(pmp->pm_label, bs + BS16_VOLLAB);
	}
	return 0;
}

/*
 * Read the boot sector of devvp and parse it.  The 512 bytes are read
 * and dropped from the cache at once: later the sector is read in its
 * real size, and two buffers must never overlap.
 */
int
msdosfs_bpb_read(
    struct msdosfsmount *pmp, struct vnode *devvp, uint64_t devsize, bool quiet)
{
	uint8_t bs[512];
	struct buf *bp;
	int error;

	if (devsize < 512) {
		if (!quiet)
			kprintf("msdos: device too small (%llu bytes)\n",
			    (unsigned long long)devsize);
		return EINVAL;
	}
	if ((error = bread(devvp, 0, 512, 0, &bp)) != 0)
		return error;
	memcpy(bs, bp->b_data, sizeof(bs));
	brelse(bp, B_INVAL);
	pmp->pm_devvp = devvp;
	pmp->pm_devsize = devsize;
	return msdosfs_bpb_parse(pmp, bs, devsize, quiet);
}
