#!/bin/sh
# mkcorpus_msdos.sh OUTDIR
#
# Seed images for fuzzing msdos, made by mkfs.fat and filled by mcopy
# (by ukfs-cp for FAT32, which mtools takes for FAT16 below 65525
# clusters; UKFS_BIN names the directory of the ukfs tools): FAT12,
# FAT16, FAT32, 4 KiB sectors; long names, a subdirectory, a file of
# several clusters, an empty file, a deleted entry.  Volume ids are
# fixed.  Every seed must mount and read cleanly (tests/t_fuzz.sh).
set -eu

[ $# -eq 1 ] || {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
out=$1
BIN=${UKFS_BIN:?UKFS_BIN must name the ukfs tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/t/sub dir"

printf 'short\n' >"$work/t/a.txt"
awk 'BEGIN { while (len < 1500) { s = "three clusters@" len "\n";
	printf "%s", s; len += length(s) } }' >"$work/t/Three Clusters.bin"
printf 'deep\n' >"$work/t/sub dir/Inner File With A Long Name.txt"
printf 'x\n' >"$work/t/sub dir/gone.txt"
: >"$work/t/empty"

# seed NAME KIB mkfs.fat-options...
seed() {
	name=$1
	kib=$2
	shift 2
	rm -f "$out/$name"
	mkfs.fat "$@" -i 0badcafe -C "$out/$name" "$kib" >/dev/null 2>&1
	case $name in
	fat32*)
		"$BIN/ukfs-cp" -R "$work/t/a.txt" "$work/t/Three Clusters.bin" \
		    "$work/t/sub dir" "$work/t/empty" "$out/$name:/"
		"$BIN/ukfs-rm" "$out/$name:/sub dir/gone.txt"
		;;
	*)
		mcopy -s -p -m -i "$out/$name" "$work/t/"* ::/
		mdel -i "$out/$name" "::/sub dir/gone.txt"
		;;
	esac
	fsck.fat -n "$out/$name" >/dev/null 2>&1
}
seed fat12-512 160 -F 12 -s 1 -r 32
seed fat12-2k 256 -F 12 -s 4
seed fat16 2200 -F 16 -s 1 -r 64
seed fat32 1100 -F 32 -s 1
seed fat12-4k-sectors 512 -F 12 -S 4096 -s 1 -r 128
ls "$out"
