#!/bin/sh
# ext2fs, write side: random operations (tests/ext2_random_test.c) on
# fresh images of several geometries (ext2 and ext4), mirrored on a host directory and
# compared every hundred operations (with remounts between), with a small
# buffer cache so that blocks are written back and read again all the
# time; e2fsck -fn at the end.  A failure prints the seed: replay it with
#   build/tests/ext2_random_test -s SEED -n OPS IMAGE NEWDIR
# Then several threads at once on four virtual CPUs (tests/mt_test.c).
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
W=$(mktemp -d "${TMPDIR:-/tmp}/ext2r.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
export RUMP_BUFCACHE_MB=4

# Fixed seeds (reproducible) and one new one per run (coverage).
for run in "11:-t ext2 -b 1024 -I 128" "22:-t ext4" "33:-t ext2 -b 2048 -r 0" \
    "44:-t ext2 -b 4096 -O ^filetype" \
    "$(date +%s):-t ext4 -b 1024 -O ^metadata_csum,^64bit,uninit_bg"; do
	seed=${run%%:*}
	opts=${run#*:}
	rm -rf "$W/host" "$W/r.img"
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F $opts "$W/r.img" 48M >/dev/null 2>&1
	if "$T/ext2_random_test" -s "$seed" -n 1500 "$W/r.img" "$W/host" \
	    >"$W/out" 2>&1; then
		echo "ok ($opts): $(tail -1 "$W/out")"
	else
		echo "FAIL ($opts, seed $seed):"
		tail -5 "$W/out"
		nfail=$((nfail + 1))
		continue
	fi
	if e2fsck -fn "$W/r.img" >"$W/fsck" 2>&1; then
		echo "ok: e2fsck -fn clean"
	else
		echo "FAIL: e2fsck -fn after seed $seed ($opts):"
		head -20 "$W/fsck"
		nfail=$((nfail + 1))
	fi
done
for opts in "-t ext2 -b 1024" "-t ext4"; do
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F $opts "$W/mt.img" 128M >/dev/null 2>&1
	if RUMP_NCPU=4 "$T/mt_test" -t 6 -n 1500 "$W/mt.img" \
	    >"$W/out" 2>&1; then
		echo "ok ($opts): $(tail -1 "$W/out")"
	else
		echo "FAIL: threads ($opts):"
		tail -5 "$W/out"
		nfail=$((nfail + 1))
	fi
done
[ $nfail -eq 0 ] || { echo "$nfail run(s) failed"; exit 1; }
echo "all runs passed"
