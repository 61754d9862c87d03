#!/bin/sh
# LFS crash safety (tests/crash_test.c -f lfs -d): a writer that fsyncs
# files and logs them, and between those makes a mess of directory
# operations (hard links, renames of files and directories between
# parents, mkdir, rmdir, symlinks) that is never fsync'd, is cut off at
# random points: killed with SIGKILL, and by a simulated power loss
# (UKFS_FAULT_WRITES: every image write after the Nth is dropped, so the
# cut falls between any two partial segments).  The next read-write
# mount starts from the last checkpoint and rolls forward the partial
# segments written after it (summary and data checksums checked, a run
# of SS_CONT partials only with its closing one), here through
# ukfs-lfs-clean, which also runs the cleaner; then ukfs-fsck -t lfs -n
# must find the image clean and every file fsync'd before the cut must
# read back intact.  The geometries include -b 4096 -f 512 -B 262144,
# whose small segments make fsync's writes span several partials.
#
#   LFS_CRASH_ROUNDS  rounds per geometry and mode (default 3)
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/lfsc.XXXXXX")
trap 'rm -rf "$W"' EXIT
ROUNDS=${LFS_CRASH_ROUNDS:-3}
now=$(date +%s)
nfail=0
for run in "5:-b 8192 -f 1024" "6:-b 4096 -f 512 -B 262144" \
    "$now:-b 16384 -f 2048" "$((now + 1)):-b 4096 -f 512 -B 262144"; do
	seed=${run%%:*}
	opts=${run#*:}
	for mode in kill power; do
		rm -f "$W/c.img" "$W/c.log"
		# shellcheck disable=SC2086 # opts is a list of options
		"$BIN/ukfs-newfs" -t lfs $opts -s 64m "$W/c.img" || exit 1
		echo "== $opts, seed $seed, $mode"
		pflags=""
		[ $mode = power ] && pflags="-p -w 700"
		# the roll-forward mount must succeed: any failure of the
		# cleaner is 8 here (crash_test takes 1 for "repaired").
		# After a power cut the writer goes on a little in memory
		# (reading back blocks whose writes were dropped): its kernel
		# messages are left out.
		# shellcheck disable=SC2086 # pflags is a list of options
		if "$T/crash_test" -d $pflags -f lfs \
		    -c "sh -c '\"$BIN/ukfs-lfs-clean\" \"\$0\" || exit 8'" \
		    -C "$BIN/ukfs-fsck -t lfs -n" -s "$seed" -r "$ROUNDS" \
		    "$W/c.img" "$W/c.log" >"$W/out" 2>&1; then
			grep -v '^lfs: ' "$W/out"
		else
			grep -v '^lfs: ' "$W/out"
			nfail=$((nfail + 1))
			mkdir -p "$TOP/$B/testlogs"
			cp "$W/c.img.crashed" \
			    "$TOP/$B/testlogs/lfs-crash-$seed-$mode.img" &&
			    echo "(the image as the cut left it:" \
			    "$B/testlogs/lfs-crash-$seed-$mode.img)"
		fi
	done
done
[ $nfail -eq 0 ] || { echo "$nfail run(s) failed"; exit 1; }
echo "all checks passed"
