#!/bin/sh
# Concurrency, threads (tests/mt_test.c): on each writable file system of
# the table below, several threads on four virtual CPUs create, write,
# append, truncate, rename and remove files in directories of their own
# and in one they share, while a syncer runs; nothing may hang or fail,
# every thread's files must hold what it wrote, and the file system's
# checker must find the image clean.  lfs runs on images small enough
# that the cleaner must run while the threads write.
#
#   STRESS_OPS  operations per thread (default 3000)
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/stress.XXXXXX")
trap 'rm -rf "$W"' EXIT
OPS=${STRESS_OPS:-3000}
# ThreadSanitizer (make check SANITIZE=thread) runs the code ~10x slower.
case $B in *tsan*) OPS=${STRESS_OPS:-600} ;; esac

# name | fstype | make the image IMG | checker [| more mt_test options]
# (-S 0: syncs back to back, racing them against inode reuse)
TABLE="ext2-1k|ext2fs|mke2fs -q -F -t ext2 -b 1024 IMG 128M|e2fsck -fn
ext4|ext2fs|mke2fs -q -F -t ext4 IMG 128M|e2fsck -fn
ext2-sync|ext2fs|mke2fs -q -F -t ext2 -b 1024 IMG 128M|e2fsck -fn|-S 0
ffs-ufs1|ffs|$BIN/ukfs-newfs -t ffs -O 1 -s 128m IMG|$BIN/ukfs-fsck -t ffs -n
ffs-ufs2-be|ffs|$BIN/ukfs-newfs -t ffs -O 2 -B be -s 128m IMG|$BIN/ukfs-fsck -t ffs -n
ffs-sync|ffs|$BIN/ukfs-newfs -t ffs -O 2 -s 128m IMG|$BIN/ukfs-fsck -t ffs -n|-S 0
fat32|msdos|mkfs.fat -F 32 -C IMG 131072|fsck.fat -n
lfs|lfs|$BIN/ukfs-newfs -t lfs -s 32m IMG|$BIN/ukfs-fsck -t lfs -n
lfs-small-sync|lfs|$BIN/ukfs-newfs -t lfs -b 4096 -f 512 -B 262144 -s 32m IMG|$BIN/ukfs-fsck -t lfs -n|-S 0 -N 8"

nfail=0
while IFS='|' read -r name fstype mk check more; do
	[ -n "$name" ] || continue
	img=$W/$name.img
	cmd=$(printf '%s' "$mk" | sed "s|IMG|$img|")
	sh -c "$cmd" >/dev/null 2>&1 || {
		echo "FAIL: $cmd"
		nfail=$((nfail + 1))
		continue
	}
	# A hang is a failure too: the driver gets 50 s.
	# shellcheck disable=SC2086 # more is a list of options
	if RUMP_NCPU=4 timeout 50 "$T/mt_test" -f "$fstype" -t 5 -n "$OPS" \
	    ${more:-} -c "$check" "$img" >"$W/out" 2>&1; then
		echo "ok: $name: $(tail -1 "$W/out")"
	else
		echo "FAIL: $name (status $?):"
		grep -v "^ukfs: " "$W/out" | tail -30
		nfail=$((nfail + 1))
	fi
	rm -f "$img"
done <<EOT
$TABLE
EOT
[ $nfail -eq 0 ] || { echo "$nfail failed"; exit 1; }
echo "all checks passed"
