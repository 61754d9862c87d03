#!/bin/sh
# Small-file creation, LFS against FFS: 20,000 files of 1-8 KiB in 100
# directories copied into a fresh 512 MiB image of each with ukfs-cp -R
# (which unmounts at the end, so everything is synced), ROUNDS times in
# alternation; prints the median wall time of each and the ratio.
#
#   B=build sh bench/lfs_smallfiles.sh [ROUNDS]
set -eu
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
ROUNDS=${1:-5}
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
		s=$(date +%s.%N)
		"$BIN/ukfs-cp" -R src $t.img:/src
		e=$(date +%s.%N)
		echo "$t $(echo "$e - $s" | bc)" >>times
	done
	r=$((r + 1))
done
"$BIN/ukfs-fsck" -t lfs -n lfs.img >/dev/null ||
    { echo "lfs image not clean"; exit 1; }
med() {
	awk -v t="$1" '$1 == t { print $2 }' times | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
l=$(med lfs)
f=$(med ffs)
echo "small files (20,000 x 1-8 KiB, then sync): lfs ${l} s, ffs ${f} s," \
    "ratio ffs/lfs = $(echo "scale=2; $f / $l" | bc)"
