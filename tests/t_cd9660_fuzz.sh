#!/bin/sh
# cd9660 under the fuzzer (tests/fuzz, see t_fuzz.sh): small seed images
# made by xorriso, genisoimage, mkzftree, NetBSD makefs and ukfs-makefs
# (tests/fuzz/mkcorpus_cd9660.sh: Rock Ridge, Joliet, plain names,
# zisofs, relocated deep directories, CE areas, two extents), then
# FUZZ_TIME seconds (default 60) of mutated images mounted and walked.
# A crash input is left in $B/fuzz/artifacts; keep it, gzipped, in
# tests/fuzz/regress/cd9660/ once it is fixed.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
cd "$TOP" || exit 1

[ -x "$BIN/ukfs-makefs" ] || { echo "FAIL: build first (make)"; exit 1; }
seeds=$TOP/$B/fuzz/seeds/cd9660
# Remade when the script changes; the images repeat (fixed times).
if [ ! -d "$seeds" ] || [ tests/fuzz/mkcorpus_cd9660.sh -nt "$seeds" ] ||
    [ "$BIN/ukfs" -nt "$seeds" ]; then
	rm -rf "$seeds.tmp"
	mkdir -p "$(dirname "$seeds")"
	UKFS_BIN=$BIN sh tests/fuzz/mkcorpus_cd9660.sh "$seeds.tmp" || {
		echo "FAIL: making the seed images"
		exit 1
	}
	rm -rf "$seeds"
	mv "$seeds.tmp" "$seeds"
fi
FUZZ_FSTYPE=cd9660 FUZZ_TIME=${FUZZ_TIME:-60} sh tests/t_fuzz.sh || {
	echo "FAIL: fuzzing cd9660"
	exit 1
}
echo "all checks passed"
