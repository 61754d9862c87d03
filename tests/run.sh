#!/bin/sh
# Run the test suite: every tests/t_*.sh script, each with a time limit.
# Test data (fixture trees and reference images) is made once into
# $B/testdata by the standard tools.  Ends with "N passed, N failed".
#   B=build sh tests/run.sh [PATTERN]
B=${B:-build}
export B
TOP=$(pwd)
export TOP
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
export TESTDATA
LOGDIR=$TOP/$B/testlogs
mkdir -p "$TESTDATA" "$LOGDIR"
pattern=${1:-}

if [ ! -f "$TESTDATA/.stamp" ]; then
	echo "== making test data in $TESTDATA"
	rm -rf "$TESTDATA/fixture" "$TESTDATA/small" "$TESTDATA/img"
	sh testimages/mkfixture.sh "$TESTDATA/fixture" >"$LOGDIR/mkfixture.log" 2>&1 &&
	sh testimages/mkfixture.sh --small "$TESTDATA/small" >>"$LOGDIR/mkfixture.log" 2>&1 &&
	sh testimages/mkimages.sh "$TESTDATA/fixture" "$TESTDATA/img" >"$LOGDIR/mkimages.log" 2>&1 &&
	touch "$TESTDATA/.stamp" || {
		echo "FAIL test data (see $LOGDIR/mk*.log)"
		tail -20 "$LOGDIR"/mk*.log
		echo "0 passed, 1 failed"
		exit 1
	}
fi

pass=0
fail=0
failed=""
for t in tests/t_*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in *"$pattern"*) ;; *) continue ;; esac
	start=$(date +%s)
	if timeout 600 sh "$t" >"$LOGDIR/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name ($(($(date +%s) - start))s)"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name ($(($(date +%s) - start))s)"
		tail -15 "$LOGDIR/$name.log" | sed 's/^/    /'
	fi
done
[ -n "$failed" ] && echo "failed:$failed (logs in $LOGDIR)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
