#!/bin/sh
# Concurrency, processes: four processes through one FUSE mount of
# rump_ext2fs, then of rump_lfs (tests/fuse_lib.sh), at once, each writing, reading back and
# rewriting files of its own, writing its own region of two shared files
# and reading the others' regions, and making and removing names in a
# shared directory.  No process may hang (45 s for all) or see a short
# or wrong read of its own data; after the unmount every file must hold
# what its writer wrote last (read by debugfs, e2fsprogs' own reader; for
# lfs by ukfs-cat), and e2fsck -fn (ukfs-fsck -t lfs -n) must find the
# image clean.
. "${TOP:-.}/tests/fuse_lib.sh"
# ThreadSanitizer reports of the daemon (make check SANITIZE=thread) go to
# files too; fuse_finish fails on any.
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}log_path=$TMP/san"
fuse_check
command -v debugfs >/dev/null || { echo "FAIL: no debugfs"; exit 1; }

NPROC=4
ROUNDS=${STRESS_ROUNDS:-30}
M=$TMP/mnt
mkdir -p "$M" "$TMP/want"

# content P R SIZE: process P's bytes of round R (a fixed pattern)
content() {
	awk -v p="$1" -v r="$2" -v n="$3" 'BEGIN {
		s = ""; line = sprintf("process %d round %d ", p, r)
		while (length(s) < n) s = s line length(s) "\n"
		printf "%s", substr(s, 1, n) }'
}

# worker P: the process's work; exits non-zero on a wrong read
worker() {
	set +e # failures are checked where they matter
	p=$1
	mkdir -p "$M/p$p" || exit 1
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		size=$(((p + 1) * 7000 + r * 3001))
		content "$p" "$r" "$size" >"$TMP/want/p$p.$r"
		f=$M/p$p/f$((r % 3))
		cp "$TMP/want/p$p.$r" "$f" || exit 1
		cmp -s "$TMP/want/p$p.$r" "$f" || {
			echo "p$p: $f reads back wrong"
			exit 1
		}
		# its own 64 KiB region of the shared files
		for s in shared1 shared2; do
			dd if="$TMP/want/p$p.$r" of="$M/$s" bs=65536 seek="$p" \
			    count=1 conv=notrunc,sync status=none || exit 1
		done
		# the others' regions: any content, but a full read
		dd if="$M/shared1" of=/dev/null bs=65536 status=none || exit 1
		# names that come and go in a shared directory
		n=$M/common/n$(((p * 7 + r) % 10))
		mkdir "$n" 2>/dev/null && { rmdir "$n" || exit 1; }
		echo "$p $r" >"$M/common/c$p.$((r % 4))" || exit 1
		mv "$M/common/c$p.$((r % 4))" "$M/common/d$p" || exit 1
		ls -l "$M/common" >/dev/null 2>&1 # names go meanwhile
		r=$((r + 1))
	done
	echo "$p $((r - 1))" >"$TMP/want/done$p"
}

# getf PATH: a file of the unmounted image, as the checker's side reads it
getf() {
	case $daemon in
	rump_ext2fs) debugfs -R "cat $1" "$IMG" 2>/dev/null ;;
	*) "$RBIN/ukfs-cat" "$IMG" "$1" 2>/dev/null ;;
	esac
}

# run_fs DAEMON MKFS CHECK: the whole run on a fresh image
run_fs() {
	daemon=$1 check=$3
	IMG=$TMP/$daemon.img
	rm -rf "$TMP/want"/*
	sh -c "$(printf '%s' "$2" | sed "s|IMG|$IMG|")" >/dev/null 2>&1 ||
	    { fail "$2"; return; }
	if ! fuse_mount_fg "$daemon" -o rw "$IMG" "$M"; then
		fail "$daemon: cannot mount $IMG read-write"
		return
	fi
	mkdir -p "$M/common"
	: >"$M/shared1"
	: >"$M/shared2"
	pids=""
	p=0
	while [ $p -lt $NPROC ]; do
		( worker $p ) &
		pids="$pids $!"
		p=$((p + 1))
	done
	# A watchdog: a hang fails the test instead of holding it.
	( sleep 45; for q in $pids; do kill "$q" 2>/dev/null; done ) &
	dog=$!
	p=0
	for q in $pids; do
		wait "$q" || fail "process $p failed or hung"
		p=$((p + 1))
	done
	kill "$dog" 2>/dev/null
	[ "$NFAIL" -eq 0 ] && note "$daemon: $NPROC processes, $ROUNDS rounds each, no wrong read"

	"$RBIN/$daemon" -u "$M" || fail "$daemon -u"
	wait "$FUSE_PID" || fail "the daemon did not exit 0"
	FUSE_MOUNTS=""

	if sh -c "$check '$IMG'" >"$TMP/fsck" 2>&1; then
		note "$daemon: $check: clean"
	else
		tail -20 "$TMP/fsck"
		fail "$daemon: $check finds problems"
	fi
	# What each process wrote last, read from the unmounted image.
	p=0
	while [ $p -lt $NPROC ]; do
		r=$((ROUNDS - 1))
		while [ $r -ge $((ROUNDS - 3)) ]; do
			getf "/p$p/f$((r % 3))" >"$TMP/got"
			cmp -s "$TMP/got" "$TMP/want/p$p.$r" ||
			    fail "p$p/f$((r % 3)): not round $r's content"
			r=$((r - 1))
		done
		getf /shared1 >"$TMP/got"
		dd if="$TMP/got" bs=65536 skip="$p" count=1 status=none >"$TMP/reg"
		dd if="$TMP/want/p$p.$((ROUNDS - 1))" bs=65536 count=1 conv=sync \
		    status=none >"$TMP/wreg"
		cmp -s "$TMP/reg" "$TMP/wreg" || fail "shared1: region $p is wrong"
		getf "/common/d$p" | grep -qx "$p $((ROUNDS - 1))" ||
		    fail "common/d$p: not the last rename"
		p=$((p + 1))
	done
	[ "$NFAIL" -eq 0 ] && note "$daemon: every last write is on the image"
}

run_fs rump_ext2fs "mke2fs -q -F -t ext4 -O ^has_journal IMG 64M" "e2fsck -fn"
run_fs rump_lfs "$RBIN/ukfs-newfs -t lfs -s 32m IMG" "$RBIN/ukfs-fsck -t lfs -n"
fuse_finish
