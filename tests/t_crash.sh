#!/bin/sh
# Crash safety of the writable file systems (tests/crash_test.c), one
# line of the table below each: a writer that fsyncs files and logs them
# is cut off at random points, by SIGKILL and by a simulated power loss
# (UKFS_FAULT_WRITES: every image write after the Nth is dropped); the
# file system's checker must repair the image (then check it clean), and
# every file fsync'd before the cut must read back intact.  ffs is
# checked without a repair (its repair column is "true"): each of its
# rounds starts from a fresh image, and ukfs-fsck -n may find only what
# fsck -p repairs without asking (tests/crash_preen_ffs.sh): ffs writes
# its metadata in dependency order (an inode before the entry naming
# it, an entry removed before its inode is freed, a truncated file's
# pointers cleared on disk before its blocks are free).
#
#   CRASH_ROUNDS  rounds per line and mode (default 3)
#   CRASH_SEED    seed (default: from the clock, printed)
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/crash.XXXXXX")
trap 'rm -rf "$W"' EXIT
ROUNDS=${CRASH_ROUNDS:-3}
SEED=${CRASH_SEED:-$(date +%s)}

# name | fstype | make the image IMG | repair | check | crash_test flags
# (lfs: the repair is the read-write mount, which rolls the log forward;
# 8 if it fails, as crash_test takes 1 for "repaired")
TABLE="ext2-1k|ext2fs|mke2fs -q -F -t ext2 -b 1024 IMG 64M|e2fsck -fy|e2fsck -fn|
ext4|ext2fs|mke2fs -q -F -t ext4 -O ^has_journal IMG 64M|e2fsck -fy|e2fsck -fn|
ffs-ufs1|ffs|$BIN/ukfs-newfs -t ffs -O 1 -s 64m IMG|true|sh $TOP/tests/crash_preen_ffs.sh $BIN/ukfs-fsck|
ffs-ufs2|ffs|$BIN/ukfs-newfs -t ffs -O 2 -s 64m IMG|true|sh $TOP/tests/crash_preen_ffs.sh $BIN/ukfs-fsck|
fat16|msdos|mkfs.fat -F 16 -C IMG 65536|fsck.fat -a|fsck.fat -n|
fat32|msdos|mkfs.fat -F 32 -C IMG 65536|fsck.fat -a|fsck.fat -n|
lfs|lfs|$BIN/ukfs-newfs -t lfs -b 4096 -f 512 -B 262144 -s 64m IMG|sh -c '$BIN/ukfs-lfs-clean \"\$0\" >/dev/null && exit 0; exit 8'|$BIN/ukfs-fsck -t lfs -n|-d"

ntrial=0
nfail=0
summary=""
while IFS='|' read -r name fstype mk repair check flags; do
	[ -n "$name" ] || continue
	for mode in kill power; do
		img=$W/$name.img
		rm -f "$img" "$img.crashed" "$W/log"
		cmd=$(printf '%s' "$mk" | sed "s|IMG|$img|")
		sh -c "$cmd" >/dev/null 2>&1 || {
			echo "FAIL: $cmd"
			nfail=$((nfail + 1))
			continue
		}
		pflag=""
		[ $mode = power ] && pflag=-p
		echo "== $name, $mode"
		ntrial=$((ntrial + ROUNDS))
		# Without a repair, damage would carry over to the next round:
		# each round on a fresh image then.
		rounds=$ROUNDS runs=1
		if [ "$repair" = true ]; then
			rounds=1 runs=$ROUNDS
		fi
		i=0 ok=1
		: >"$W/out"
		while [ $i -lt $runs ] && [ $ok -eq 1 ]; do
			if [ $i -gt 0 ]; then
				rm -f "$img" "$W/log"
				sh -c "$cmd" >/dev/null 2>&1
			fi
			# shellcheck disable=SC2086 # flags are lists of options
			"$T/crash_test" $pflag $flags -s "$((SEED + i))" \
			    -r "$rounds" -f "$fstype" -c "$repair" -C "$check" \
			    "$img" "$W/log" >>"$W/out" 2>&1 || ok=0
			i=$((i + 1))
		done
		if [ $ok -eq 1 ]; then
			grep -v '^ukfs: ' "$W/out"
			summary="$summary $name/$mode:ok"
		else
			grep -v '^ukfs: ' "$W/out" | tail -20
			nfail=$((nfail + 1))
			summary="$summary $name/$mode:FAIL"
			mkdir -p "$TOP/$B/testlogs"
			cp "$img.crashed" \
			    "$TOP/$B/testlogs/crash-$name-$mode-$SEED.img" &&
			    echo "(the image as the cut left it:" \
			    "$B/testlogs/crash-$name-$mode-$SEED.img)"
		fi
	done
done <<EOF2
$TABLE
EOF2
echo "seed $SEED:$summary"
echo "$ntrial rounds, $nfail failed runs"
[ $nfail -eq 0 ] || exit 1
echo "all checks passed"
