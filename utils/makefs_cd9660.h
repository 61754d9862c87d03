/*
 * makefs -t cd9660: write an ISO 9660 image of a host directory tree.
 *
 * int makefs_cd9660(image, srcdir, options, errbuf, errlen)
 *   Writes (creates or truncates) the file `image` with an ISO 9660 image
 *   of the tree at `srcdir` (not following symbolic links).  `options` is
 *   NULL or "name[=value],..." with NetBSD makefs(8)'s cd9660 names:
 *     rockridge          Rock Ridge (the default): modes, owners, times,
 *                        links, symlinks, devices, fifos, sockets, names
 *                        of up to 255 bytes, any depth
 *     norockridge        plain ISO 9660 only (this project's addition)
 *     joliet             add a Joliet tree (UCS-2 names, 64 characters)
 *     label=, volumeid=  volume identifier (32 characters)
 *     isolevel=1|2|3     name rules of the plain tree (default 2); files
 *                        over 4 GiB - 2 KiB are written in several
 *                        extents at any level
 *     publisher=, preparer=, applicationid=, volumesetid=, systemid=
 *     rr-squash          Rock Ridge owners 0:0, permissions as r-x
 *     allow-deep-trees, verbose, no-trailing-padding: accepted
 *   Returns 0 on success; -1 with a message in errbuf (errlen bytes)
 *   otherwise.  Times are UTC; with SOURCE_DATE_EPOCH set, the volume
 *   dates come from it, so the same tree gives the same image.
 */
#ifndef _UKFS_UTILS_MAKEFS_CD9660_H_
#define _UKFS_UTILS_MAKEFS_CD9660_H_

#include <stddef.h>

int makefs_cd9660(const char *image, const char *srcdir, const char *options,
    char *errbuf, size_t errlen);

#endif /* _UKFS_UTILS_MAKEFS_CD9660_H_ */
