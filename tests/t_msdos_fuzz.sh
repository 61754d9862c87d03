#!/bin/sh
# msdos under the fuzzer (tests/fuzz, see t_fuzz.sh): small seed images
# made by mkfs.fat and mcopy (FAT12, FAT16, FAT32; long names, a
# subdirectory, files of several clusters, a deleted entry), then
# FUZZ_TIME seconds (default 30) of mutated images mounted and walked.
. "${TOP:-.}/tests/msdos_lib.sh"

F=$TOP/$B/fuzz
seeds=$F/seeds/msdos
rm -rf "$seeds"
mkdir -p "$seeds" "$TMP/t/sub dir"
printf 'short\n' >"$TMP/t/a.txt"
pat "three clusters" 1500 >"$TMP/t/Three Clusters.bin"
printf 'deep\n' >"$TMP/t/sub dir/Inner File With A Long Name.txt"
printf 'x\n' >"$TMP/t/sub dir/gone.txt"
: >"$TMP/t/empty"
# seed NAME KIB mkfs.fat-options...: filled by mcopy (by ukfs-cp for
# FAT32, which mtools takes for FAT16 below 65525 clusters)
seed() {
	name=$1
	kib=$2
	shift 2
	mkfs.fat "$@" -i 0badcafe -C "$seeds/$name" "$kib" >/dev/null 2>&1 ||
	    { fail "mkfs.fat $*"; return; }
	case $name in
	fat32*)
		"$BIN/ukfs-cp" -R "$TMP/t/a.txt" "$TMP/t/Three Clusters.bin" \
		    "$TMP/t/sub dir" "$TMP/t/empty" "$seeds/$name:/" &&
		    "$BIN/ukfs-rm" "$seeds/$name:/sub dir/gone.txt" ||
		    fail "ukfs-cp into $name"
		;;
	*)
		mcopy -s -p -m -i "$seeds/$name" "$TMP/t/"* ::/ &&
		    mdel -i "$seeds/$name" "::/sub dir/gone.txt" ||
		    fail "mcopy into $name"
		;;
	esac
}
seed fat12-512 160 -F 12 -s 1 -r 32
seed fat12-2k 256 -F 12 -s 4
seed fat16 2200 -F 16 -s 1 -r 64
seed fat32 1100 -F 32 -s 1
seed fat12-4k-sectors 512 -F 12 -S 4096 -s 1 -r 128
[ "$NFAIL" -eq 0 ] || finish
FUZZ_FSTYPE=msdos FUZZ_TIME=${FUZZ_TIME:-30} sh "$TOP/tests/t_fuzz.sh" || fail "fuzzing"
finish
