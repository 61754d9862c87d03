#!/bin/sh
# Sustained writes with the LFS cleaner running: the same write load on
# a nearly full image, where the cleaner must run to make room, and on
# an image large enough that it never has to; prints the median wall
# time of each and the ratio (no-cleaner time / cleaner time: the write
# rate with the cleaner as a fraction of the rate without it).
#
# Both images first get the same cold data (files never touched again)
# and a working set of 1,000 files of 8-96 KiB; the load is ROUNDS2
# rounds of rewriting a random half of the working set (one ukfs-cp per
# round, which unmounts: a checkpoint each), several times the small
# image's size in all, so that old versions die scattered over the
# segments and the cleaner moves the live blocks around them.
#
#   B=build sh bench/lfs_clean.sh [RUNS]
#
# LFS_BENCH_TABLE=FILE also appends a row to FILE in the format of
# bench/run.sh's summary table.
set -eu
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
RUNS=${1:-3}
ROUNDS2=${LFS_CLEAN_ROUNDS:-12}
SMALL=${LFS_CLEAN_SMALL:-128m}
. "$TOP/bench/lfs_lib.sh"
W=$(mktemp -d "${BENCH_TMP:-/tmp}/lfsclean.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"

# the data: cold files and the working set, fixed by the seed
mkdir cold ws
awk 'BEGIN { srand(7); for (i = 0; i < 20; i++)
	printf "cold/c%d %d\n", i, 1048576 + int(rand() * 524288)
    for (i = 0; i < 1000; i++)
	printf "ws/w%d %d\n", i, 8192 + int(rand() * 90112) }' |
while read -r f sz; do
	head -c "$sz" /dev/urandom >"$f"
done
# the rounds: each a random half of the working set
awk -v n="$ROUNDS2" 'BEGIN { srand(11); for (r = 0; r < n; r++) {
	for (i = 0; i < 1000; i++) if (rand() < 0.5) print r, i } }' |
while read -r r i; do
	mkdir -p "r$r"
	ln "ws/w$i" "r$r/w$i"
done

# mk IMAGE SIZE: the image with the cold data and the working set
mk() {
	rm -f "$1"
	"$BIN/ukfs-newfs" -t lfs -s "$2" "$1" >/dev/null
	"$BIN/ukfs-cp" -R cold ws "$1:/"
}
# load IMAGE: the rounds of rewrites
load() {
	r=0
	while [ "$r" -lt "$ROUNDS2" ]; do
		"$BIN/ukfs-cp" "r$r"/* "$1:/ws/"
		r=$((r + 1))
	done
}
: >times
n=0
while [ $n -lt "$RUNS" ]; do
	mk full.img "$SMALL"
	lfs_timed times ukfs load full.img
	mk big.img 2g
	lfs_timed times peer load big.img
	n=$((n + 1))
done
for t in full big; do
	"$BIN/ukfs-fsck" -t lfs -n $t.img >/dev/null ||
	    { echo "lfs_clean: $t.img not clean" >&2; exit 1; }
	# every file reads back as the last round wrote it
	"$BIN/ukfs-cp" -R "$t.img:/ws" "out-$t"
	diff -r ws "out-$t" >/dev/null ||
	    { echo "lfs_clean: $t.img: the working set differs" >&2; exit 1; }
done
written=$(du -sbl r* | awk '{ s += $1 } END { printf "%d", s / 1048576 }')
[ "$written" -gt "${SMALL%m}" ] ||
    { echo "lfs_clean: $written MiB written: the cleaner need not run" >&2
      exit 1; }
lfs_report times "lfs write, cleaner running" "no cleaner" 0.5
echo "($written MiB rewritten in $ROUNDS2 rounds into a $SMALL image holding" \
    "$(du -sbl cold ws | awk '{ s += $1 } END { printf "%d", s / 1048576 }')" \
    "MiB; the same on a 2g image)"
