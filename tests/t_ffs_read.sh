#!/bin/sh
# ffs, read side: images made by NetBSD's makefs (Debian package makefs)
# in every combination of UFS1/UFS2, little/big-endian and 8K/16K/32K
# blocks (fragments an eighth of that), of the fixture trees (full and
# small), read back exactly: ukfs-cp -Rp extraction equals the tree
# (tests/treecmp), the read-only VFS walk agrees with itself, our checker
# finds the images clean, and reading does not change a byte of them.
#
# What makefs keeps, and so what is compared: names, types, contents,
# holes, the 12 mode bits, owners, mtimes and atimes of files, symlink
# targets, device numbers, hard links.  It drops nanoseconds (-r 1), a
# directory's atime is the moment makefs read it (atimes are not
# compared), and UFS1 times are 32-bit (times-wide/ is skipped there).
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
T=$TOP/$B/tests
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
FIX=$TESTDATA/fixture
X=$TESTDATA/ffs
export TZ=UTC LC_ALL=C

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

command -v makefs >/dev/null || { echo "FAIL: makefs not installed"; exit 1; }
[ -d "$FIX" ] || { echo "FAIL: no fixture in $FIX (run tests/run.sh)"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-ffsread.XXXXXX")
trap 'rm -rf "$W"' EXIT

# name: version endian bsize tree (the small fixture keeps this quick)
VARIANTS="u1-le-8k:1:le:8192:fixture u1-be-8k:1:be:8192:fixture
u2-le-8k:2:le:8192:fixture u2-be-8k:2:be:8192:fixture
u1-le-16k:1:le:16384:small u1-be-16k:1:be:16384:small
u2-le-16k:2:le:16384:small u2-be-16k:2:be:16384:small
u1-le-32k:1:le:32768:small u1-be-32k:1:be:32768:small
u2-le-32k:2:le:32768:small u2-be-32k:2:be:32768:fixture"

mkdir -p "$X"
if [ ! -f "$X/.stamp" ]; then
	rm -f "$X"/*.img
	for v in $VARIANTS; do
		IFS=: read -r name ver end bs tree <<EOF
$v
EOF
		makefs -t ffs -B "$end" \
		    -o version="$ver",bsize="$bs",fsize=$((bs / 8)) \
		    "$X/$name.img" "$TESTDATA/$tree" >"$W/makefs.log" 2>&1 ||
		    { cat "$W/makefs.log"; fail "makefs $name"; }
	done
	sh "$TOP/testimages/mkfixture.sh" --retime "$FIX" >/dev/null 2>&1
	sh "$TOP/testimages/mkfixture.sh" --retime "$TESTDATA/small" \
	    >/dev/null 2>&1
	[ $nfail -eq 0 ] && touch "$X/.stamp"
fi

for v in $VARIANTS; do
	IFS=: read -r name ver end bs tree <<EOF
$v
EOF
	img=$X/$name.img
	[ -f "$img" ] || continue
	opts="-H -r 1"
	[ "$ver" = 1 ] && opts="$opts -I times-wide"
	sum=$(cksum <"$img")
	rm -rf "$W/out"
	if ! "$BIN/ukfs-cp" -Rp "$img:/" "$W/out" 2>"$W/err"; then
		fail "$name: ukfs-cp -Rp: $(head -3 "$W/err")"
	else
		# shellcheck disable=SC2086 # opts is a list of options
		if "$T/treecmp" $opts "$TESTDATA/$tree" "$W/out" >"$W/cmp"; then
			echo "ok: $name: $(tail -1 "$W/cmp")"
		else
			fail "$name differs from the fixture:"
			head -20 "$W/cmp"
		fi
	fi
	"$T/vfs_test" -r ffs "$img" >"$W/vfs" 2>&1 ||
	    fail "$name: vfs_test -r: $(tail -5 "$W/vfs")"
	"$BIN/ukfs-fsck" -t ffs -n "$img" >"$W/fsck" 2>&1 ||
	    fail "$name: ukfs-fsck -n: $(head -5 "$W/fsck")"
	[ "$(cksum <"$img")" = "$sum" ] || fail "$name: reading changed it"
done

# UFS2 with the superblock at 64 KiB, as NetBSD's own newfs and makefs
# place it, is what sleuthkit reads: our newfs writes it so; check that
# the same tree reads the same either way.
if [ -f "$X/u2-le-8k.img" ]; then
	"$BIN/ukfs-makefs" -t ffs -o version=2 "$W/ours.img" "$FIX" \
	    2>"$W/err" || fail "ukfs-makefs: $(head -3 "$W/err")"
	rm -rf "$W/a" "$W/b"
	"$BIN/ukfs-cp" -Rp "$X/u2-le-8k.img:/" "$W/a" 2>/dev/null
	"$BIN/ukfs-cp" -Rp "$W/ours.img:/" "$W/b" 2>/dev/null
	"$T/treecmp" -H -r 1 "$W/a" "$W/b" >"$W/cmp" ||
	    { fail "makefs and ukfs-makefs images differ:"; head "$W/cmp"; }
	# reading the fixture moved its atimes: put them back for others
	sh "$TOP/testimages/mkfixture.sh" --retime "$FIX" >/dev/null 2>&1
fi
echo "t_ffs_read: $nfail failed"
[ $nfail -eq 0 ]
