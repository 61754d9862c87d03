#!/bin/sh
# ext2fs, write side: a full file system (tests/ext2_full_test.c).
# Running out of blocks and out of inodes gives ENOSPC, keeps everything
# written before, leaves e2fsck -fn clean, and removing it all gives every
# block and inode back; users stop at the blocks reserved for root.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
W=$(mktemp -d "${TMPDIR:-/tmp}/ext2f.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
for opts in "-t ext2 -b 1024 -N 512" "-t ext2 -b 4096 -I 128 -N 256" \
    "-t ext2 -b 2048 -r 0 -N 300" "-t ext4 -N 512" "-t ext4 -b 1024 -N 256"; do
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F $opts "$W/f.img" 16M >/dev/null 2>&1
	echo "== $opts"
	if "$T/ext2_full_test" "$W/f.img"; then
		:
	else
		nfail=$((nfail + 1))
	fi
done
[ $nfail -eq 0 ] || { echo "$nfail image(s) failed"; exit 1; }
echo "all checks passed"
