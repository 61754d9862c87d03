#!/bin/sh
# libp2k on its own, no FUSE needed (tests/p2k_test.c): node identity and
# lifetimes, readdir cookies across calls and deletions, rename and link
# rules, request credentials, on the in-memory file system; then an ext2
# reference image read-only.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
set +e
T=$TOP/$B/tests/p2k_test
[ -x "$T" ] || {
	echo "FAIL: $T not built"
	exit 1
}
"$T" "$EXACT" "$FIX" || fail "p2k_test"
finish
