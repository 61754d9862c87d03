# Sourced by t_hijack_read*.sh: hijack_read NAME IMAGE [TREECMP-OPTIONS]
# serves IMAGE read-only (root at /img) and runs the host's tools on it
# through librumphijack, each checked against REF, the tree that
# ukfs-cp -Rp extracts from the image:
#   tar c (pax, nanosecond times) extracted again   = REF (treecmp)
#   cp -a                                           = REF (treecmp)
#   diff -r --no-dereference                        no difference
#   cat of every file, in name order                same bytes
#   find -printf (type, mode, owner, size, times)   same lines
#   ls -R, python3 os.walk with lstat               same lines
# and, where FUSE mounts work, find -ls and ls -lR exactly as through
# rump_fuse on the same image.  The image must not change.
hijack_read() {
	name=$1
	img=$2
	shift 2
	sum=$(md5sum <"$img")
	ref=$TMP/ref-$name
	rm -rf "$ref" "$TMP/o1" "$TMP/o2"
	"$BIN/ukfs-cp" -Rp "$img:/" "$ref" 2>"$TMP/cp.err" || {
		cat "$TMP/cp.err"
		fail "$name: ukfs-cp cannot extract the reference"
		return
	}
	server_start -r /img0 "$img" || {
		fail "$name: the server does not start"
		return
	}
	mkdir "$TMP/o1"
	hj tar -C /img --format=posix -cf - . 2>"$TMP/tar.err" |
	    tar -C "$TMP/o1" --numeric-owner -xpf - 2>/dev/null
	grep -v "time stamp" "$TMP/tar.err" | head -5
	if "$TREECMP" "$@" "$TMP/o1" "$ref" >"$TMP/cmp" 2>&1; then
		note "$name: tar round trip: $(tail -1 "$TMP/cmp")"
	else
		head -10 "$TMP/cmp"
		fail "$name: tar round trip differs"
	fi
	hj cp -a /img "$TMP/o2" 2>"$TMP/cpa.err" || {
		head -5 "$TMP/cpa.err"
		fail "$name: cp -a reports errors"
	}
	if "$TREECMP" "$@" "$TMP/o2" "$ref" >"$TMP/cmp" 2>&1; then
		note "$name: cp -a: $(tail -1 "$TMP/cmp")"
	else
		head -10 "$TMP/cmp"
		fail "$name: cp -a differs"
	fi
	hj diff -r --no-dereference /img "$ref" >"$TMP/diff" 2>&1
	grep -v "^File .* is a .* while file .* is a " "$TMP/diff" |
	    head -5 | grep . && fail "$name: diff -r finds differences"
	a=$(hj sh -c 'cd /img && find . -type f -print0 | sort -z |
	    xargs -0 cat' | md5sum)
	b=$(cd "$ref" && find . -type f -print0 | sort -z | xargs -0 cat |
	    md5sum)
	[ "$a" = "$b" ] || fail "$name: cat of every file differs"
	# directories' sizes and link counts are the host's in REF
	fmt='%y %m %U %G %T@ %P %l\n'
	ffmt='%y %m %n %U %G %s %T@ %P %l\n'
	hj find /img -mindepth 1 -type d -printf "$fmt" | sort >"$TMP/f1"
	hj find /img ! -type d -printf "$ffmt" | sort >>"$TMP/f1"
	find "$ref" -mindepth 1 -type d -printf "$fmt" | sort >"$TMP/f2"
	find "$ref" ! -type d -printf "$ffmt" | sort >>"$TMP/f2"
	cmp -s "$TMP/f1" "$TMP/f2" || {
		diff "$TMP/f1" "$TMP/f2" | head -6
		fail "$name: find -printf differs"
	}
	(cd "$ref" && ls -R) >"$TMP/l2"
	hj sh -c 'cd /img && ls -R' >"$TMP/l1"
	cmp -s "$TMP/l1" "$TMP/l2" || fail "$name: ls -R differs"
	walk='import os, sys
for r, ds, fs in os.walk(sys.argv[1]):
    ds.sort()
    for n in sorted(fs):
        s = os.lstat(os.path.join(r, n))
        print(os.path.relpath(os.path.join(r, n), sys.argv[1]),
              s.st_mode, s.st_size, s.st_mtime_ns, s.st_uid, s.st_gid)'
	hj python3 -c "$walk" /img >"$TMP/w1" 2>&1
	python3 -c "$walk" "$ref" >"$TMP/w2" 2>&1
	cmp -s "$TMP/w1" "$TMP/w2" || {
		diff "$TMP/w1" "$TMP/w2" | head -6
		fail "$name: python3 os.walk differs"
	}
	note "$name: diff -r, cat, find -printf, ls -R, os.walk agree" \
	    "($(wc -l <"$TMP/w1") files)"
	hijack_fuse "$name" "$img"
	server_stop || fail "$name: server exit status: $(cat "$TMP/server.log")"
	[ "$(md5sum <"$img")" = "$sum" ] || fail "$name: the image changed"
}

# find -ls and ls -lR through the hijack = through a FUSE mount.
hijack_fuse() {
	M=$TMP/mnt
	[ "$(id -u)" -eq 0 ] && [ -c /dev/fuse ] && [ -x "$BIN/rump_fuse" ] &&
	    command -v fusermount3 >/dev/null || {
		note "SKIP FUSE comparison for $1 (needs root, /dev/fuse, rump_fuse)"
		return
	}
	mkdir -p "$M"
	if ! "$BIN/rump_fuse" -o ro "$2" "$M" 2>"$TMP/fuse.log"; then
		note "SKIP FUSE comparison for $1: $(tail -1 "$TMP/fuse.log")"
		return
	fi
	FUSE_MOUNTS=$M
	(cd "$M" && find . -ls && ls -lR --time-style=full-iso) >"$TMP/u1" 2>&1
	hj sh -c 'cd /img && find . -ls && ls -lR --time-style=full-iso' \
	    >"$TMP/u2" 2>&1
	fusermount3 -u "$M"
	FUSE_MOUNTS=""
	# the server holds the image too: wait for the daemon itself
	n=0
	while pgrep -f -- "rump_fuse -o ro $2 $M\$" >/dev/null; do
		sleep 0.1
		n=$((n + 1))
		[ $n -lt 300 ] || { fail "$1: the FUSE daemon does not end"; break; }
	done
	if cmp -s "$TMP/u1" "$TMP/u2"; then
		note "$1: find -ls and ls -lR as through FUSE ($(wc -l <"$TMP/u1") lines)"
	else
		diff "$TMP/u1" "$TMP/u2" | head -8
		fail "$1: find -ls / ls -lR differ from the FUSE mount"
	fi
}
