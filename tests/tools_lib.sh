# Sourced by the ukfs tool tests (t_ls.sh, t_cat.sh, t_stat.sh, t_cp.sh).
#
# Sets BIN (the tools), FIX (the fixture tree), IMGDIR (reference images of
# FIX with images.txt), TMP (a scratch directory removed on exit), and
# defines fail/note/check_images.  Test data comes from tests/run.sh
# ($TESTDATA); run alone, a test makes a small set of its own (as root).
set -eu
export TZ=UTC LC_ALL=C
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
NFAIL=0

fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}

note() {
	echo "ok: $*"
}

# Exit with the verdict; called at the end of every test.
finish() {
	if [ "$NFAIL" -ne 0 ]; then
		echo "$NFAIL check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if [ -n "${TESTDATA:-}" ] && [ -f "$TESTDATA/img/images.txt" ]; then
	FIX=$TESTDATA/fixture
	IMGDIR=$TESTDATA/img
else
	if [ "$(id -u)" -ne 0 ]; then
		echo "FAIL: no test data (run tests/run.sh) and not root" \
		    "to make it"
		exit 1
	fi
	FIX=$TMP/fixture
	IMGDIR=$TMP/img
	sh "$TOP/testimages/mkfixture.sh" --small "$FIX" >"$TMP/mk.log" 2>&1 &&
	    sh "$TOP/testimages/mkimages.sh" "$FIX" "$IMGDIR" \
		>>"$TMP/mk.log" 2>&1 || {
		cat "$TMP/mk.log"
		echo "FAIL: cannot make test data"
		exit 1
	}
fi
[ -x "$BIN/ukfs" ] || { echo "FAIL: $BIN/ukfs not built"; exit 1; }

# The image made exactly (no treecmp exceptions), for exact comparisons.
EXACT=$(awk -F '\t' '$2 == "" { print $1; exit }' "$IMGDIR/images.txt")
[ -n "$EXACT" ] || { echo "FAIL: no exact image in images.txt"; exit 1; }
EXACT=$IMGDIR/$EXACT

# Reading directories and files on the host moves their atimes; put the
# fixture's times back for the tests that compare atimes.
restore_fixture_times() {
	sh "$TOP/testimages/mkfixture.sh" --retime "$FIX" >/dev/null 2>&1 ||
	    echo "warning: could not restore the fixture's times"
}

# Host file bytes without touching the atime.
host_cat() {
	dd if="$1" iflag=noatime bs=1M status=none
}
