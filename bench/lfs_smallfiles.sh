#!/bin/sh
# Small-file creation, LFS against FFS: 20,000 files of 1-8 KiB in 100
# directories copied into a fresh 512 MiB image of each with ukfs-cp -R
# (which unmounts at the end, so everything is synced), ROUNDS times in
# alternation; prints the median wall time of each and the ratio (ffs
# time / lfs time: LFS's point is to be faster here, target >= 1).
#
#   B=build sh bench/lfs_smallfiles.sh [ROUNDS]
#
# LFS_BENCH_TABLE=FILE also appends a row to FILE in the format of
# bench/run.sh's summary table.
set -eu
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
ROUNDS=${1:-5}
. "$TOP/bench/lfs_lib.sh"
W=$(mktemp -d "${BENCH_TMP:-/tmp}/lfsbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"
mkdir src
i=0
while [ $i -lt 100 ]; do
	mkdir src/d$i
	i=$((i + 1))
done
awk 'BEGIN { srand(1); for (i = 0; i < 20000; i++)
	printf "%d %d\n", i, 1024 + int(rand() * 7169) }' |
while read -r n sz; do
	head -c "$sz" /dev/urandom >"src/d$((n % 100))/f$n"
done
r=0
: >times
while [ $r -lt "$ROUNDS" ]; do
	for t in lfs ffs; do
		rm -f $t.img
		"$BIN/ukfs-newfs" -t $t -s 512m $t.img >/dev/null
		l=ukfs
		[ $t = ffs ] && l=peer
		lfs_timed times $l "$BIN/ukfs-cp" -R src $t.img:/src
	done
	r=$((r + 1))
done
"$BIN/ukfs-fsck" -t lfs -n lfs.img >/dev/null ||
    { echo "lfs image not clean"; exit 1; }
"$BIN/ukfs-cp" -R lfs.img:/src back
diff -r src back >/dev/null || { echo "lfs image differs"; exit 1; }
lfs_report times "lfs 20,000 small files+sync" "ffs" 1
