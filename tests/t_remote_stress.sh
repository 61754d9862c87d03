#!/bin/sh
# ukfs-server under load and abuse, on a read-write ext2 image:
#  1. 8 clients at once, 4 copying trees in and 4 copying one out
#     (cp -a through the hijack), each result exact;
#  2. a client killed with SIGKILL in the middle of writing;
#  3. garbage on the socket (tests/remote/garbage.py): random bytes,
#     bad versions, huge, tiny and truncated lengths, malformed bodies,
#     silent connections -- refused, and the server goes on serving;
#  4. after SIGTERM: exit 0, e2fsck -fn clean, the copies read back.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
. "$TOP/tests/remote_lib.sh"
set +e
TREECMP=$TOP/$B/tests/treecmp
command -v python3 >/dev/null || { echo "FAIL: no python3"; exit 1; }

IMG=$TMP/s.img
mke2fs -q -F -t ext2 "$IMG" 128M 2>/dev/null || fail "mke2fs"
server_start -o rw -r /img0 "$IMG" || fail "no server"
hj cp -a "$FIX/bigdir" /img/base || fail "cp -a of the base tree"

# --- 1. eight at once -----------------------------------------------------------
pids=""
for i in 1 2 3 4; do
	hj mkdir "/img/in$i" || fail "mkdir in$i"
	mkdir -p "$TMP/out$i"
done
for i in 1 2 3 4; do
	hj cp -a "$FIX/deep" "$FIX/names" "$FIX/links" "/img/in$i/" \
	    2>"$TMP/in$i.err" &
	pids="$pids $!"
	hj cp -a /img/base "$TMP/out$i/" 2>"$TMP/out$i.err" &
	pids="$pids $!"
done
# shellcheck disable=SC2086 # a list of pids
wait $pids
for i in 1 2 3 4; do
	[ -s "$TMP/in$i.err" ] && { head -3 "$TMP/in$i.err"; fail "copy in $i"; }
	[ -s "$TMP/out$i.err" ] && { head -3 "$TMP/out$i.err"; fail "copy out $i"; }
	"$TREECMP" -q "$TMP/out$i/base" "$FIX/bigdir" >"$TMP/cmp" 2>&1 ||
	    { cat "$TMP/cmp"; fail "copy out $i differs"; }
done
note "8 clients at once"

# --- 2. SIGKILL in the middle of a write -----------------------------------------
LD_PRELOAD=$HJ_PRELOAD RUMP_SERVER=$URL RUMPHIJACK=path=/img python3 -c '
import os
fd = os.open("/img/killed", os.O_WRONLY | os.O_CREAT, 0o644)
while True:
    os.write(fd, b"x" * 65536)
    os.lseek(fd, 0, 0)
' &
victim=$!
# once it writes (a sanitizer build starts slowly), kill it mid-stream
n=0
until [ "$(hj stat -c %s /img/killed 2>/dev/null)" -gt 0 ] 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 200 ] || { fail "the writer never wrote"; break; }
	sleep 0.1
done
sleep 0.3
kill -KILL $victim
wait $victim 2>/dev/null
kill -0 "$SERVER_PID" || fail "the server died with its client"
hj stat -c %s /img/killed >/dev/null || fail "the server does not serve after the kill"
note "a client killed mid-write"

# --- 3. garbage --------------------------------------------------------------------
python3 "$TOP/tests/remote/garbage.py" "$SOCK" >"$TMP/garbage" 2>&1 || {
	grep -v "^ok" "$TMP/garbage"
	fail "garbage cases"
}
kill -0 "$SERVER_PID" || fail "the server died of garbage"
out=$(hj ls /img/base | wc -l)
[ "$out" -eq "$(ls "$FIX/bigdir" | wc -l)" ] ||
    fail "the server does not serve after the garbage"
note "garbage refused ($(grep -c '^ok' "$TMP/garbage") cases), still serving"

# --- 4. written back ----------------------------------------------------------------
server_stop || fail "the server exits with an error: $(cat "$TMP/server.log")"
e2fsck -fn "$IMG" >"$TMP/fsck" 2>&1 || { tail -20 "$TMP/fsck"; fail "e2fsck"; }
for i in 1 2 3 4; do
	rm -rf "$TMP/back"
	"$BIN/ukfs-cp" -Rp "$IMG:/in$i/deep" "$TMP/back" &&
	    "$TREECMP" -q "$TMP/back" "$FIX/deep" >"$TMP/cmp" 2>&1 ||
	    { cat "$TMP/cmp"; fail "copy in $i reads back differently"; }
done
note "e2fsck clean after SIGTERM, the copies read back"
finish
