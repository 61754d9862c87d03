#!/bin/sh
# The remote kernel against FUSE: extracting a small-file tree (tar x of
# the test fixture without its holes, about 3,300 files) into a fresh
# ext2 image, through ukfs-run (librumphijack) and through a rump_ext2fs
# FUSE mount of an identical image.  Prints the median wall time of RUNS
# runs each and checks both images with e2fsck.
#   B=build TESTDATA=build/testdata sh bench/remote.sh
# Needs root and /dev/fuse for the FUSE side.
set -u
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
FIX=${TESTDATA:-$TOP/$B/testdata}/fixture
RUNS=${BENCH_RUNS:-5}
T=$(mktemp -d "${BENCH_TMP:-/tmp}/ukfs-rbench.XXXXXX")
trap 'fusermount3 -u -z "$T/mnt" 2>/dev/null; rm -rf "$T"' EXIT
[ -d "$FIX" ] || { echo "no fixture: run tests/run.sh first"; exit 1; }
(cd "$FIX" && tar --format=posix --exclude=./holes -cf "$T/src.tar" .)
mkdir "$T/mnt"

now() { date +%s.%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

i=0
while [ $i -lt "$RUNS" ]; do
	rm -f "$T/h.img" "$T/u.img"
	mke2fs -q -F -t ext2 "$T/h.img" 128M 2>/dev/null
	cp "$T/h.img" "$T/u.img"
	t0=$(now)
	"$BIN/ukfs-run" -o rw "$T/h.img" -- \
	    sh -c "mkdir /img/t && tar -C /img/t -xpf $T/src.tar 2>/dev/null"
	t1=$(now)
	echo "$t1 - $t0" | bc >>"$T/hijack"
	e2fsck -fn "$T/h.img" >/dev/null 2>&1 || echo "hijack: e2fsck fails"
	if [ -c /dev/fuse ] && "$BIN/rump_ext2fs" -o rw "$T/u.img" "$T/mnt"; then
		t0=$(now)
		mkdir "$T/mnt/t" && tar -C "$T/mnt/t" -xpf "$T/src.tar" 2>/dev/null
		fusermount3 -u "$T/mnt"
		while fuser -s "$T/u.img" 2>/dev/null; do sleep 0.01; done
		t1=$(now)
		echo "$t1 - $t0" | bc >>"$T/fuse"
		e2fsck -fn "$T/u.img" >/dev/null 2>&1 || echo "fuse: e2fsck fails"
	fi
	i=$((i + 1))
done
h=$(median <"$T/hijack")
echo "small-file tar x, ukfs-run (hijack, server start and write-back included): $h s"
if [ -s "$T/fuse" ]; then
	f=$(median <"$T/fuse")
	echo "small-file tar x, rump_ext2fs FUSE mount (unmount and write-back included): $f s"
	echo "ratio fuse/hijack: $(echo "scale=2; $f / $h" | bc)"
fi
