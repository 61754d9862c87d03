#!/bin/sh
# The write side of libukfs (tests/libukfs_write.c) on fresh ext2 images:
# every changing call, write-back on release, the image locks; the result
# passes e2fsck -fn and debugfs reads it back.  Images that are not clean
# or have errors recorded are refused read-write unless forced, and the
# reason reaches the user.
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
need_write ext2fs

PROG=$TOP/$B/tests/libukfs_write
for bs in 1024 4096; do
	I=$TMP/w$bs.img
	new_ext2 "$I" 32M -b $bs -I 256
	if "$PROG" "$I" >"$TMP/out" 2>&1; then
		note "libukfs_write on a ${bs}-byte-block image"
	else
		fail "libukfs_write on a ${bs}-byte-block image:"
		grep -v '^ok:' "$TMP/out" | head -20
	fi
	e2fsck_clean "$I" "after libukfs_write ($bs)"
	[ "$(dstat "$I" /file Mode)" = 0640 ] &&
	    [ "$(dstat "$I" /file Size)" = 3145855 ] &&
	    [ "$(dstat "$I" /blk Mode)" = 0600 ] &&
	    debugfs -R "cat /file" "$I" 2>/dev/null | head -c 15 |
	    tail -c 5 | grep -q HELLO &&
	    note "debugfs reads back what libukfs wrote ($bs)" ||
	    fail "debugfs: $(debugfs -R 'stat /file' "$I" 2>&1 | head -5)"
done

# Not clean, or errors recorded: refused read-write, allowed with force.
for state in 0 3; do
	I=$TMP/dirty$state.img
	new_ext2 "$I" 4M
	debugfs -w -R "ssv state $state" "$I" >/dev/null 2>&1
	if "$BIN/ukfs-mkdir" "$I" /x 2>"$TMP/err"; then
		fail "state $state: mounted read-write without force"
	elif [ -s "$TMP/err" ]; then
		note "state $state: refused: $(tr '\n' ' ' <"$TMP/err")"
	else
		fail "state $state: refused without a message"
	fi
	"$BIN/ukfs-ls" "$I" / >/dev/null 2>&1 &&
	    note "state $state: still mounts read-only" ||
	    fail "state $state: read-only mount refused"
	cp "$I" "$TMP/dirty.img"
	"$PROG" -f "$TMP/dirty.img" >"$TMP/out" 2>&1 &&
	    note "state $state: UKFS_FORCE" ||
	    fail "state $state: UKFS_FORCE: $(grep -v '^ok' "$TMP/out")"
	"$BIN/ukfs-mkdir" -o force "$I" /x 2>"$TMP/err" &&
	    "$BIN/ukfs-stat" "$I" /x >/dev/null &&
	    note "state $state: -o force mounts read-write" ||
	    fail "state $state: -o force: $(cat "$TMP/err")"
done

finish
