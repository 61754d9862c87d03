#!/bin/sh
# Build the benchmark data sets once into $D (reused when present):
#   $D/src/big            512 MiB of random bytes
#   $D/src/small/dNNN/    20,000 files of 100 B - 8 KiB in 250 directories
#   $D/ext2.img           1 GiB ext2 image of $D/src (mke2fs -d)
# A stamp file marks a complete build, so an interrupted run starts over.
#
#   sh bench/mkdata.sh DIR
set -eu
D=${1:?usage: mkdata.sh DIR}

# The 1 GiB images are compared with "cat IMAGE" per byte: write their
# unused space out as zeros, or cat would race through holes the host
# file system never stores and the comparison would measure sparseness.
unsparse()
{
	cp --sparse=never "$1" "$1.full" && mv "$1.full" "$1"
}

STAMP=$D/.complete-v2
if [ ! -f "$STAMP" ]; then

echo "bench: building data sets in $D (once)"
rm -rf "$D/src" "$D/ext2.img"
mkdir -p "$D/src/small"

# Random bytes: no peer can shortcut by compression or sparseness.
head -c 536870912 /dev/urandom >"$D/src/big"

# Sizes spread over 100 B - 8 KiB by a fixed stride, so every run builds
# the same tree; contents are text cut from one long pattern.
awk -v dir="$D/src/small" 'BEGIN {
	pad = "the quick brown fox jumps over the lazy dog 0123456789\n"
	while (length(pad) < 8192)
		pad = pad pad
	for (i = 0; i < 20000; i++) {
		if (i % 80 == 0) {
			d = sprintf("%s/d%03d", dir, int(i / 80))
			system("mkdir -p " d)
		}
		f = sprintf("%s/f%05d", d, i)
		printf "%s", substr(pad, 1 + i % 50, 100 + (i * 7919) % 8093) > f
		close(f)
	}
}'

mke2fs -q -F -t ext2 -d "$D/src" "$D/ext2.img" 1G >/dev/null
e2fsck -fn "$D/ext2.img" >/dev/null
unsparse "$D/ext2.img"
touch "$STAMP"
fi

# The other file systems, each once with a stamp of its own:
#   $D/msdos.img   1 GiB FAT32 holding /big and /small (mkfs.fat, mcopy)
#   $D/ffs.img     FFS image of /small (NetBSD's makefs)
#   $D/small.iso   ISO 9660 + Rock Ridge of /small (xorriso)
#   $D/big.iso     ISO 9660 + Rock Ridge holding /big (xorriso)
#   $D/bigffs.img  FFS image holding /big (NetBSD's makefs)
if [ ! -f "$D/.msdos-v2" ]; then
	echo "bench: building the FAT image in $D (once)"
	rm -f "$D/msdos.img"
	mkfs.fat -F 32 -C "$D/msdos.img" 1048576 >/dev/null
	mcopy -i "$D/msdos.img" "$D/src/big" ::big
	mcopy -s -i "$D/msdos.img" "$D/src/small" ::
	fsck.fat -n "$D/msdos.img" >/dev/null
	unsparse "$D/msdos.img"
	touch "$D/.msdos-v2"
fi
if [ ! -f "$D/.ffs-v1" ]; then
	echo "bench: building the FFS image in $D (once)"
	rm -f "$D/ffs.img"
	makefs -t ffs "$D/ffs.img" "$D/src/small" >/dev/null
	touch "$D/.ffs-v1"
fi
if [ ! -f "$D/.bigffs-v1" ]; then
	echo "bench: building the FFS image of /big in $D (once)"
	rm -rf "$D/bigffs.img" "$D/bigsrc"
	mkdir "$D/bigsrc"
	ln "$D/src/big" "$D/bigsrc/big"
	makefs -t ffs "$D/bigffs.img" "$D/bigsrc" >/dev/null
	rm -rf "$D/bigsrc"
	touch "$D/.bigffs-v1"
fi
if [ ! -f "$D/.bigiso-v1" ]; then
	echo "bench: building the ISO image of /big in $D (once)"
	rm -f "$D/big.iso"
	xorriso -as mkisofs -R -quiet -o "$D/big.iso" -graft-points \
	    /big="$D/src/big" >/dev/null 2>&1
	touch "$D/.bigiso-v1"
fi
if [ ! -f "$D/.iso-v1" ]; then
	echo "bench: building the ISO image in $D (once)"
	rm -f "$D/small.iso"
	xorriso -as mkisofs -R -quiet -o "$D/small.iso" "$D/src/small" \
	    >/dev/null 2>&1
	touch "$D/.iso-v1"
fi
