#!/bin/sh
# ukfs-cp's progress line: quiet when stderr is not a terminal, and with
# UKFS_PROGRESS forcing it, files, bytes and rate, ending in a newline
# with the totals; time left for a file operand and, from a quick count
# before the copy, for a tree (ukfs-cp -R, ukfs-makefs).
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
tr '\r' '\n' <"$TMP/err2" | grep -q "files, .*%, [0-9]*:[0-9][0-9] left" ||
    fail "no time left for a tree: $(tr '\r' '\n' <"$TMP/err2" | head -3)"
echo "$last" | grep -q left && fail "time left on the final line"
[ "$(tail -c 1 "$TMP/err2" | od -An -c | tr -d ' ')" = '\n' ] ||
    fail "the progress line does not end with a newline"
diff -r -x lost+found "$TMP/src" "$TMP/q2" >/dev/null || fail "the copy differs"

UKFS_PROGRESS=all "$BIN/ukfs-cp" "$TMP/p.img:/big" "$TMP/big" 2>"$TMP/err3" ||
    fail "ukfs-cp of a file with progress"
tr '\r' '\n' <"$TMP/err3" | grep -q "% , \|%, .* left" ||
    fail "no time left for a file operand: $(tr '\r' '\n' <"$TMP/err3" | head -3)"
cmp -s "$TMP/src/big" "$TMP/big" || fail "the file differs"

UKFS_PROGRESS=all "$BIN/ukfs-makefs" -t ffs "$TMP/m.img" "$TMP/src" \
    2>"$TMP/err5" >/dev/null || fail "ukfs-makefs with progress"
tr '\r' '\n' <"$TMP/err5" | grep -q "files, .*%, [0-9]*:[0-9][0-9] left" ||
    fail "no time left for makefs: $(tr '\r' '\n' <"$TMP/err5" | head -3)"
# the count is a look-ahead: a tree with an unreadable directory gets
# the copy's one message, not a second one from the count (run as
# nobody: root reads anything)
chmod 755 "$TMP"
mkdir -p "$TMP/nb/src/locked"
echo x >"$TMP/nb/src/locked/f"
chmod 000 "$TMP/nb/src/locked"
chown -R 65534:65534 "$TMP/nb" 2>/dev/null
AS=""
[ "$(id -u)" = 0 ] && AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
UKFS_PROGRESS=all $AS "$BIN/ukfs-makefs" -s 8m -t ffs "$TMP/nb/m.img" \
    "$TMP/nb/src" 2>"$TMP/err6" >/dev/null
n=$(tr '\r' '\n' <"$TMP/err6" | grep -c "locked")
[ "$n" -eq 1 ] || fail "unreadable directory reported $n times: $(cat "$TMP/err6")"
chmod 755 "$TMP/nb/src/locked"

UKFS_PROGRESS=0 "$BIN/ukfs-cp" -R "$TMP/p.img:/" "$TMP/q3" 2>"$TMP/err4"
[ -s "$TMP/err4" ] && fail "UKFS_PROGRESS=0 still draws"
finish
