# Sourced by the remote tests (t_remote*.sh, t_hijack*.sh), after
# tools_lib.sh: starting and stopping ukfs-server.
#   server_start ARGS...   start it in the background on $SOCK (its messages
#                          go to $TMP/server.log); fails if it does not come up
#   server_stop            SIGTERM, and wait for it to write back and exit
# the socket is for every user (the credentials tests)
chmod 755 "$TMP"
SOCK=$TMP/sock
URL=unix://$SOCK
LIB=$TOP/$B/lib
SERVER_PID=""

server_start() {
	rm -f "$SOCK"
	"$BIN/ukfs-server" -u "$URL" "$@" 2>"$TMP/server.log" &
	SERVER_PID=$!
	i=0
	while [ ! -S "$SOCK" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			cat "$TMP/server.log"
			SERVER_PID=""
			return 1
		fi
		i=$((i + 1))
		[ $i -lt 300 ] || { cat "$TMP/server.log"; return 1; }
		sleep 0.05
	done
}

# The server's exit status.
server_stop() {
	[ -n "$SERVER_PID" ] || return 1
	kill -TERM "$SERVER_PID"
	st=0
	wait "$SERVER_PID" || st=$?
	SERVER_PID=""
	return $st
}

# hj COMMAND...: run a host command with the hijack on $URL, the image's
# root at /img (the server runs with -r /img0).
# A sanitizer build of the library needs its runtime loaded first; the
# host programs' own leaks are not ours to report.
HJ_PRELOAD=$LIB/librumphijack.so
HJ_ASAN=$(ldd "$HJ_PRELOAD" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$HJ_ASAN" ]; then
	HJ_PRELOAD="$HJ_ASAN $HJ_PRELOAD"
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
hj() {
	LD_PRELOAD=$HJ_PRELOAD RUMP_SERVER=$URL RUMPHIJACK=path=/img "$@"
}

remote_cleanup() {
	[ -z "$SERVER_PID" ] || kill -KILL "$SERVER_PID" 2>/dev/null
	for m in ${FUSE_MOUNTS:-}; do
		fusermount3 -u -z "$m" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap remote_cleanup EXIT
