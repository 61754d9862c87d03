#!/bin/sh
# ukfs-cp's progress line: quiet when stderr is not a terminal, and with
# UKFS_PROGRESS forcing it, files, bytes and rate, ending in a newline
# with the totals; time left only for a file operand.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
set +e

mkdir -p "$TMP/src/d"
head -c 3000000 /dev/urandom >"$TMP/src/big"
for i in 1 2 3 4 5; do echo "file $i" >"$TMP/src/d/f$i"; done
mke2fs -q -F -t ext2 -d "$TMP/src" "$TMP/p.img" 16M >/dev/null 2>&1 ||
    fail "mke2fs"

"$BIN/ukfs-cp" -R "$TMP/p.img:/" "$TMP/q1" 2>"$TMP/err1"
[ -s "$TMP/err1" ] && fail "a progress line without a terminal: $(cat "$TMP/err1")"

UKFS_PROGRESS=all "$BIN/ukfs-cp" -R "$TMP/p.img:/" "$TMP/q2" 2>"$TMP/err2" ||
    fail "ukfs-cp -R with progress"
last=$(tr '\r' '\n' <"$TMP/err2" | sed 's/\x1b\[K//' | grep . | tail -1)
case $last in
"ukfs-cp: 6 files, 2.9 MiB, "*/s,\ *\ s) echo "ok: tree: $last" ;;
*) fail "tree: last progress line: '$last'" ;;
esac
tr '\r' '\n' <"$TMP/err2" | grep -q "left" && fail "time left shown for a tree"
[ "$(tail -c 1 "$TMP/err2" | od -An -c | tr -d ' ')" = '\n' ] ||
    fail "the progress line does not end with a newline"
diff -r -x lost+found "$TMP/src" "$TMP/q2" >/dev/null || fail "the copy differs"

UKFS_PROGRESS=all "$BIN/ukfs-cp" "$TMP/p.img:/big" "$TMP/big" 2>"$TMP/err3" ||
    fail "ukfs-cp of a file with progress"
tr '\r' '\n' <"$TMP/err3" | grep -q "% , \|%, .* left" ||
    fail "no time left for a file operand: $(tr '\r' '\n' <"$TMP/err3" | head -3)"
cmp -s "$TMP/src/big" "$TMP/big" || fail "the file differs"

UKFS_PROGRESS=0 "$BIN/ukfs-cp" -R "$TMP/p.img:/" "$TMP/q3" 2>"$TMP/err4"
[ -s "$TMP/err4" ] && fail "UKFS_PROGRESS=0 still draws"
finish
