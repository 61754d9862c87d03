#!/bin/sh
# ext2fs, write side: crash safety (tests/ext2_crash_test.c).  A writer
# that fsyncs files and logs them is killed with SIGKILL at random points;
# e2fsck -fy must repair the image (then e2fsck -fn finds it clean), and
# every file fsync'd before the kill must read back intact -- through our
# read-only mount, and for a sample through debugfs.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
W=$(mktemp -d "${TMPDIR:-/tmp}/ext2c.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
for run in "5:-t ext2 -b 1024" "6:-t ext2 -b 4096 -I 128" "7:-t ext4" \
    "$(date +%s):-t ext4 -b 2048 -O ^metadata_csum"; do
	seed=${run%%:*}
	opts=${run#*:}
	rm -f "$W/c.img" "$W/c.log"
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F $opts "$W/c.img" 64M >/dev/null 2>&1
	echo "== $opts, seed $seed"
	if "$T/ext2_crash_test" -s "$seed" -r 4 "$W/c.img" "$W/c.log"; then
		:
	else
		nfail=$((nfail + 1))
		mkdir -p "$TOP/$B/testlogs"
		cp "$W/c.img.crashed" "$TOP/$B/testlogs/ext2-crash-$seed.img" &&
		    echo "(the image as the crash left it:" \
		    "$B/testlogs/ext2-crash-$seed.img)"
		continue
	fi
	# The checker's own reader agrees on the last file logged.
	last=$(tail -1 "$W/c.log")
	id=${last% *}
	size=${last#* }
	got=$(debugfs -R "stat /d$((id % 4))/f$id" "$W/c.img" 2>/dev/null |
	    sed -n 's/.*Size: *\([0-9]*\).*/\1/p' | head -1)
	if [ "$got" = "$size" ]; then
		echo "ok: debugfs sees f$id with its $size bytes"
	else
		echo "FAIL: debugfs: f$id has size '$got', want $size"
		nfail=$((nfail + 1))
	fi
done
[ $nfail -eq 0 ] || { echo "$nfail run(s) failed"; exit 1; }
echo "all checks passed"
