#!/bin/sh
# The LFS on-disk layout (lfs_layout_test: offsets and constants of
# NetBSD's lfs.h) and a new image's superblock and first summary.
. "$(dirname "$0")/tools_lib.sh"
cd "$TMP"
"$BIN/ukfs-newfs" -t lfs -s 16m l.img 2>err || fail "newfs: $(cat err)"
if "$TOP/$B/tests/lfs_layout_test" l.img >out 2>&1; then
	note "$(tail -1 out)"
else
	fail "$(cat out)"
fi
"$BIN/ukfs-newfs" -t lfs -b 4096 -f 512 -s 16m l2.img 2>err ||
    fail "newfs: $(cat err)"
"$TOP/$B/tests/lfs_layout_test" l2.img >out 2>&1 &&
    note "4096/512: $(tail -1 out)" || fail "$(cat out)"
finish
