# Sourced by the FUSE bridge tests (t_fuse_*.sh), after tools_lib.sh's
# settings: mounting and unmounting with the rump_* daemons.
#
# Real mounts need root and /dev/fuse; without them a test says SKIP and
# passes.  Every mount made with fuse_mount is undone on exit, before the
# scratch directory is removed (rm -rf must never walk into a live mount).
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
RBIN=$TOP/$B/bin
TREECMP=$TOP/$B/tests/treecmp
FUSE_MOUNTS=""

# Sanitizer reports of the detached daemons (make check SANITIZE=1) go to
# files, since their stderr is gone; fuse_finish fails on any.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$TMP/san"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$TMP/san"

fuse_finish() {
	for f in "$TMP"/san.*; do
		[ -e "$f" ] || continue
		head -30 "$f"
		fail "sanitizer report: $(basename "$f")"
	done
	finish
}

skip() {
	echo "SKIP: $*"
	exit 0
}

fuse_cleanup() {
	for m in $FUSE_MOUNTS; do
		fusermount3 -u -z "$m" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap fuse_cleanup EXIT

fuse_check() {
	[ "$(id -u)" -eq 0 ] || skip "not root (FUSE mounts need root here)"
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	command -v fusermount3 >/dev/null ||
	    skip "no fusermount3 (apt-get install fuse3)"
	[ -x "$RBIN/rump_fuse" ] || {
		echo "FAIL: $RBIN/rump_fuse not built"
		exit 1
	}
	[ -x "$TREECMP" ] || {
		echo "FAIL: $TREECMP not built"
		exit 1
	}
	# /dev/fuse may be there while mounting is not allowed (containers).
	mkdir -p "$TMP/probe"
	if ! "$RBIN/rump_fuse" -t rumpfs none "$TMP/probe" 2>"$TMP/probe.log"
	then
		grep -qi "permitted\|denied\|not found\|no such device" \
		    "$TMP/probe.log" &&
		    skip "FUSE mounts are not possible here: $(tail -1 "$TMP/probe.log")"
		cat "$TMP/probe.log"
		echo "FAIL: rump_fuse cannot mount"
		exit 1
	fi
	fusermount3 -u "$TMP/probe"
	while pgrep -f -- "rump_fuse -t rumpfs none $TMP/probe\$" >/dev/null; do
		sleep 0.1
	done
}

# fuse_mount PROGRAM ARGS... IMAGE MOUNTPOINT: the daemon returns once the
# mount is there (or has failed); its messages go to $TMP/daemon.log.
fuse_mount() {
	prog=$1
	shift
	for last; do :; done
	if "$RBIN/$prog" "$@" 2>"$TMP/daemon.log"; then
		FUSE_MOUNTS="$FUSE_MOUNTS $last"
		return 0
	fi
	cat "$TMP/daemon.log"
	return 1
}

# fuse_mount_fg PROGRAM ARGS... MOUNTPOINT: the daemon in the foreground
# (-f) in the background, its output in $TMP/daemon.log and its pid in
# FUSE_PID, so that what a dying daemon says is kept.
fuse_mount_fg() {
	prog=$1
	shift
	for last; do :; done
	"$RBIN/$prog" -f "$@" >"$TMP/daemon.log" 2>&1 &
	FUSE_PID=$!
	n=0
	until grep -q " $last fuse" /proc/mounts; do
		if ! kill -0 "$FUSE_PID" 2>/dev/null; then
			wait "$FUSE_PID"
			cat "$TMP/daemon.log"
			return 1
		fi
		sleep 0.05
		n=$((n + 1))
		if [ $n -ge 600 ]; then
			cat "$TMP/daemon.log"
			fail "$prog: no mount after 30 s"
			return 1
		fi
	done
	FUSE_MOUNTS="$FUSE_MOUNTS $last"
	return 0
}

# fuse_alive: is the daemon of fuse_mount_fg still there?  Says why not.
fuse_alive() {
	kill -0 "$FUSE_PID" 2>/dev/null && return 0
	echo "--- the daemon died; its last words:"
	tail -20 "$TMP/daemon.log"
	return 1
}

# held_by_daemon IMAGE: does a rump_* daemon (of this test or any other)
# still have the image open?  Other readers of a shared test image (a
# parallel run of another test) do not count.
held_by_daemon() {
	for p in $(fuser "$1" 2>/dev/null); do
		case $(cat /proc/"$p"/comm 2>/dev/null) in
		rump_*) return 0 ;;
		esac
	done
	return 1
}

# fuse_umount MOUNTPOINT [IMAGE]: unmount, then wait (30 s at most) until
# the daemon has written everything back and let go of the image (or,
# without an image, until no daemon serves MOUNTPOINT any more).
fuse_umount() {
	fusermount3 -u "$1" || {
		fail "fusermount3 -u $1"
		return 1
	}
	n=0
	while if [ -n "${2:-}" ]; then held_by_daemon "$2"
	    else pgrep -f -- "rump_.* $1\$" >/dev/null; fi; do
		sleep 0.1
		n=$((n + 1))
		if [ $n -ge 300 ]; then
			fail "the daemon of $1 did not finish"
			return 1
		fi
	done
	return 0
}

# Sorted contents of every regular file below a directory, as one checksum.
tree_sum() {
	(cd "$1" && find . -type f | LC_ALL=C sort | tr '\n' '\0' |
	    xargs -0 cat | md5sum)
}
