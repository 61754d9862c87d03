#!/bin/sh
# Seek speed of gzip images (issue 8): the 1 GiB benchmark ext2 image
# (bench/mkdata.sh) gzip'ed, indexed once, then its last MiB read.
#   B=build sh bench/gzseek.sh [IMAGE]
set -eu
B=${B:-build}
TOP=$(pwd)
IMG=${1:-$TOP/$B/benchdata/ext2.img}
[ -f "$IMG" ] || sh "$TOP/bench/mkdata.sh" "$TOP/$B/benchdata"
S=$(mktemp -d "${BENCH_TMP:-/tmp}/ukfs-gzseek.XXXXXX")
trap 'rm -rf "$S"' EXIT
cc -std=c11 -O2 -D_GNU_SOURCE -o "$S/gzseek" "$TOP/bench/gzseek.c" \
    "$TOP/rumpuser/rumpuser_cimg.c" "$TOP/rumpuser/rumpuser_gz.c" \
    "$TOP/rumpuser/rumpuser_gzcache.c" "$TOP/rumpuser/rumpuser_vndcomp.c" \
    -lz -lpthread
gzip -1 -c "$IMG" >"$S/img.gz"
export UKFS_GZ_CACHE=0 # time the index build itself
"$S/gzseek" "$S/img.gz" "$IMG"
