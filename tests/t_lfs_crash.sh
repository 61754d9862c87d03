#!/bin/sh
# LFS crash safety (tests/crash_test.c -f lfs): a writer that
# fsyncs files and logs them is killed with SIGKILL at random points.
# The next read-write mount starts from the last checkpoint and rolls
# forward the partial segments fsync wrote after it (their summary and
# data checksums checked), here through ukfs-lfs-clean, which also runs
# the cleaner; then ukfs-fsck -t lfs -n must find the image clean and
# every file fsync'd before the kill must read back intact.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/lfsc.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
for run in "5:-b 8192 -f 1024" "6:-b 4096 -f 512 -B 262144" \
    "$(date +%s):-b 16384 -f 2048"; do
	seed=${run%%:*}
	opts=${run#*:}
	rm -f "$W/c.img" "$W/c.log"
	# shellcheck disable=SC2086 # opts is a list of options
	"$BIN/ukfs-newfs" -t lfs $opts -s 64m "$W/c.img" || exit 1
	echo "== $opts, seed $seed"
	# the roll-forward mount must succeed: any failure of the cleaner
	# is 8 here (crash_test takes 1 for "repaired")
	if "$T/crash_test" -f lfs \
	    -c "sh -c '\"$BIN/ukfs-lfs-clean\" \"\$0\" || exit 8'" \
	    -C "$BIN/ukfs-fsck -t lfs -n" -s "$seed" -r 4 "$W/c.img" \
	    "$W/c.log"; then
		:
	else
		nfail=$((nfail + 1))
		mkdir -p "$TOP/$B/testlogs"
		cp "$W/c.img.crashed" "$TOP/$B/testlogs/lfs-crash-$seed.img" &&
		    echo "(the image as the crash left it:" \
		    "$B/testlogs/lfs-crash-$seed.img)"
	fi
done
[ $nfail -eq 0 ] || { echo "$nfail run(s) failed"; exit 1; }
echo "all checks passed"
