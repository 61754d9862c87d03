#!/bin/sh
# ukfs-server and librumpclient:
#  1. rc_test runs the system calls over the socket on a read-write ext2
#     image: files larger than one message, directories, links,
#     attributes, errors, a fork that keeps the descriptors;
#  2. a client run as another user gets that user's credentials (the
#     socket's peer), not root's;
#  3. after SIGTERM the server has written everything back: e2fsck finds
#     the image clean and ukfs-ls sees what the client made;
#  4. a read-only server refuses changes (EROFS) and leaves the image as
#     it was; a second writer of the same image is refused.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
. "$TOP/tests/remote_lib.sh"
set +e
RC=$TOP/$B/tests/rc_test
command -v e2fsck >/dev/null || { echo "FAIL: no e2fsck"; exit 1; }

IMG=$TMP/rw.img
cp "$IMGDIR/ext2-4k.img" "$IMG"
server_start -o rw "$IMG" || fail "the server does not start"

# --- 1. system calls -----------------------------------------------------------
if "$RC" "$URL" /img0/rctest >"$TMP/rc.out" 2>&1; then
	note "rc_test: $(grep -c '^ok' "$TMP/rc.out") checks"
else
	grep -v '^ok' "$TMP/rc.out"
	fail "rc_test"
fi

# --- 2. credentials --------------------------------------------------------------
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$RC" -u "$URL" /img0/rctest >"$TMP/user.out" 2>&1; then
		note "as uid 65534: $(grep -c '^ok' "$TMP/user.out") checks"
	else
		grep -v '^ok' "$TMP/user.out"
		fail "the server's process does not have the client's credentials"
	fi
else
	note "SKIP credentials (needs root and setpriv)"
fi

# --- 3. written back ------------------------------------------------------------
server_stop || fail "the server exits with an error: $(cat "$TMP/server.log")"
[ -S "$SOCK" ] && fail "the socket is left behind"
e2fsck -fn "$IMG" >"$TMP/fsck.out" 2>&1 || {
	cat "$TMP/fsck.out"
	fail "e2fsck finds the image unclean"
}
out=$("$BIN/ukfs-ls" -l "$IMG" /rctest 2>&1)
echo "$out" | grep -q ' 100 .* big$' || fail "ukfs-ls: $out"
echo "$out" | grep -q 'sym -> big' || fail "ukfs-ls: no symlink: $out"
note "written back: e2fsck clean, ukfs-ls sees the client's files"

# --- 4. read-only -----------------------------------------------------------------
sum=$(md5sum <"$IMG")
server_start "$IMG" || fail "the read-only server does not start"
"$RC" "$URL" /img0/other >"$TMP/ro.out" 2>&1
grep -q "FAIL (errno 30 .*mkdir /img0/other" "$TMP/ro.out" ||
    fail "read-only: mkdir is not EROFS: $(head -3 "$TMP/ro.out")"
"$BIN/ukfs-server" -o rw -u "unix://$TMP/s2" "$IMG" 2>"$TMP/s2.log" &&
    fail "a second server wrote to an image in use"
grep -q "in use" "$TMP/s2.log" || fail "no 'in use' message: $(cat "$TMP/s2.log")"
server_stop || fail "read-only server exit status"
[ "$(md5sum <"$IMG")" = "$sum" ] || fail "the read-only server changed the image"
note "read-only: EROFS, image unchanged, a second writer refused"
finish
