#!/bin/sh
# ukfs-run IMAGE -- COMMAND: a private server for one command.
#  1. read-only: ls and cat see the image at /img, the exit status is the
#     command's, the image does not change;
#  2. -o rw: cp -a into the image; after ukfs-run returns, everything is
#     written back (e2fsck clean, ukfs-cp reads it back);
#  3. -p: another prefix; a bad image or a missing command fail cleanly.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
set +e
TREECMP=$TOP/$B/tests/treecmp
[ -x "$BIN/ukfs-run" ] || { echo "FAIL: ukfs-run not built"; exit 1; }
# a sanitizer build of the library needs its runtime preloaded first
ASANLIB=$(ldd "$TOP/$B/lib/librumphijack.so" | awk '/libasan/ { print $3 }')
[ -z "$ASANLIB" ] ||
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
RUN=$TMP/run
printf '#!/bin/sh\nLD_PRELOAD=%s exec %s "$@"\n' "$ASANLIB" \
    "$BIN/ukfs-run" >"$RUN"
chmod +x "$RUN"

# a copy: the server holds its image, which other tests wait to be free
cp "$EXACT" "$TMP/exact.img"
EXACT=$TMP/exact.img
sum=$(md5sum <"$EXACT")
out=$("$RUN" "$EXACT" -- cat /img/links/target.txt | md5sum)
[ "$out" = "$(md5sum <"$FIX/links/target.txt")" ] || fail "cat through ukfs-run"
"$RUN" "$EXACT" -- ls /img >"$TMP/ls1" 2>&1
(cd "$FIX" && ls) >"$TMP/ls2"
cmp -s "$TMP/ls1" "$TMP/ls2" || fail "ls /img: $(head -3 "$TMP/ls1")"
"$RUN" "$EXACT" -- sh -c 'exit 7'
[ $? -eq 7 ] || fail "the command's exit status is not passed on"
"$RUN" "$EXACT" -- ls /img/no-such-file 2>/dev/null
[ $? -eq 2 ] || fail "ls of a missing file: not status 2"
[ "$(md5sum <"$EXACT")" = "$sum" ] || fail "a read-only run changed the image"
note "read-only: ls, cat, exit statuses"

mke2fs -q -F -t ext2 "$TMP/w.img" 64M 2>/dev/null || fail "mke2fs"
"$RUN" -o rw "$TMP/w.img" -- cp -a "$FIX/links" "$FIX/perms" /img/ ||
    fail "cp -a into the image"
e2fsck -fn "$TMP/w.img" >"$TMP/fsck" 2>&1 || {
	cat "$TMP/fsck"
	fail "e2fsck after ukfs-run -o rw"
}
"$BIN/ukfs-cp" -Rp "$TMP/w.img:/links" "$TMP/l" &&
    "$TREECMP" "$TMP/l" "$FIX/links" >"$TMP/cmp" 2>&1 ||
    { head "$TMP/cmp"; fail "the written tree differs"; }
note "read-write: written back and clean"

# a shell's redirections hand the server's descriptors to the programs it
# runs (standard input, output and error, and others)
"$RUN" -o rw "$TMP/w.img" -- sh -c 'echo hi >/img/x; echo more >>/img/x;
    sort -r </img/x >/img/z; cat /img/z | tr a-z A-Z >/img/up; cat /img/up;
    wc -l </img/x; ls /no-such 2>/img/err; grep -c "No such" /img/err;
    exec 4>/img/four; /bin/echo via-4 >&4; cat /img/four' >"$TMP/redir" 2>&1
printf 'MORE\nHI\n2\n1\nvia-4\n' >"$TMP/redir.want"
cmp -s "$TMP/redir" "$TMP/redir.want" || {
	diff "$TMP/redir" "$TMP/redir.want"
	fail "redirections to and from the image"
}
e2fsck -fn "$TMP/w.img" >/dev/null 2>&1 || fail "e2fsck after the redirections"
note "shell redirections across exec"

"$RUN" -p /mnt/x "$EXACT" -- cat /mnt/x/links/target.txt >/dev/null ||
    fail "-p /mnt/x"
"$RUN" "$TMP/missing.img" -- true 2>"$TMP/err" &&
    fail "a missing image succeeded"
grep -q "missing.img" "$TMP/err" || fail "no message for a missing image"
"$RUN" "$EXACT" -- /no/such/command 2>/dev/null
[ $? -eq 127 ] || fail "a missing command: not status 127"
ls -d /tmp/ukfs-run.* 2>/dev/null | while read -r d; do
	[ -S "$d/sock" ] || continue
	fuser -s "$d/sock" 2>/dev/null || fail "a socket is left behind: $d"
done
note "prefix, errors"
finish
