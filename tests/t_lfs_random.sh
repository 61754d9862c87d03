#!/bin/sh
# LFS under pressure: a 16 MiB image 80% filled by one file, random
# operations (tests/ext2_random_test.c -f lfs) in a directory beside it
# keeping it about 90% full (writes stop below 10% free), mirrored on a
# host directory and compared every hundred operations with remounts;
# then a 1 MB file rewritten until more than ten times the image has
# been written.  The log wraps, so the cleaner must run; fsck -n must
# stay clean and the big file intact.  A failure prints the seed: replay
#   build/tests/ext2_random_test -f lfs -d work -F MINFREE -s SEED IMG DIR
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/lfsr.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
export RUMP_BUFCACHE_MB=4
cd "$W" || exit 1

fsck_clean() {
	if "$BIN/ukfs-fsck" -t lfs -n r.img >fsck.out 2>&1; then
		echo "ok: fsck -n clean ($1)"
	else
		echo "FAIL: fsck -n after $1:"
		head -10 fsck.out
		nfail=$((nfail + 1))
	fi
}

for seed in 71 "$(date +%s)"; do
	rm -rf r.img host
	"$BIN/ukfs-newfs" -t lfs -s 16m r.img || exit 1
	tot=$("$BIN/ukfs-info" r.img |
	    sed -n 's/^blocks: *\([0-9]*\) total.*/\1/p')
	head -c $((tot * 1024 * 80 / 100)) /dev/urandom >ballast
	"$BIN/ukfs-cp" ballast r.img:/ballast &&
	    "$BIN/ukfs-mkdir" r.img /work && mkdir host || exit 1
	if "$T/ext2_random_test" -f lfs -d work -F $((tot * 1024 / 10)) \
	    -s "$seed" -n 4000 r.img host >out 2>&1; then
		echo "ok: $(tail -1 out)"
	else
		echo "FAIL (seed $seed):"
		tail -5 out
		nfail=$((nfail + 1))
		continue
	fi
	fsck_clean "random operations, seed $seed"
done

# rewrite one file until ten times the image has gone through the log
head -c 1000000 /dev/urandom >chunk
i=0
while [ $i -lt 170 ]; do
	"$BIN/ukfs-cp" chunk r.img:/work/churn 2>err || {
		echo "FAIL: rewrite $i: $(cat err)"
		nfail=$((nfail + 1))
		break
	}
	i=$((i + 1))
done
echo "ok: 1 MB written $i times into a 16 MiB image 90% full"
fsck_clean "the rewrites"
"$BIN/ukfs-cat" r.img /work/churn | cmp -s - chunk &&
    echo "ok: the rewritten file reads back" || {
	echo "FAIL: the rewritten file differs"
	nfail=$((nfail + 1))
}
"$BIN/ukfs-cat" r.img /ballast | cmp -s - ballast &&
    echo "ok: the big file is intact" || {
	echo "FAIL: the big file differs"
	nfail=$((nfail + 1))
}
[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "all runs passed"
