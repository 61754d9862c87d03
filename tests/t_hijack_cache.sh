#!/bin/sh
# librumphijack's read-ahead (an open for reading brings the file's
# status and first 64 KiB along; fstat, read, pread and lseek inside
# them cost no round trip) and a directory read bringing its entries'
# status along (lstat after readdir costs none): tests/remote/rcache.py
# does reads, seeks, pread, dup, fork, lstat by path and by directory
# descriptor, stat through a link, and write-then-read and
# chmod-then-lstat on host files and through ukfs-run on an image of the
# same files; the outputs must be the same.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
set +e
[ -x "$BIN/ukfs-run" ] || { echo "FAIL: ukfs-run not built"; exit 1; }
ASANLIB=$(ldd "$TOP/$B/lib/librumphijack.so" | awk '/libasan/ { print $3 }')
[ -z "$ASANLIB" ] ||
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

mkdir -p "$TMP/src/rw"
head -c 1000 /dev/urandom >"$TMP/src/small"
head -c 102400 /dev/urandom >"$TMP/src/big"
ln -s small "$TMP/src/lnk"
mke2fs -q -F -t ext2 -d "$TMP/src" "$TMP/img" 8M 2>/dev/null || fail "mke2fs"
python3 "$TOP/tests/remote/rcache.py" "$TMP/src" "$TMP/src/rw" \
    >"$TMP/host" 2>&1 || fail "rcache.py on host files: $(tail -1 "$TMP/host")"
LD_PRELOAD=$ASANLIB "$BIN/ukfs-run" -o rw "$TMP/img" -- \
    python3 "$TOP/tests/remote/rcache.py" /img /img/rw >"$TMP/hj" 2>&1 ||
    fail "rcache.py through ukfs-run: $(tail -1 "$TMP/hj")"
diff "$TMP/host" "$TMP/hj" >"$TMP/diff" ||
    fail "hijack and host differ: $(head -6 "$TMP/diff")"
[ $(wc -l <"$TMP/host") -ge 15 ] || fail "rcache.py printed too little"
e2fsck -fn "$TMP/img" >"$TMP/fsck" 2>&1 || fail "e2fsck: $(tail -3 "$TMP/fsck")"
note "reads, seeks, pread, dup, fork through the read-ahead as on the host"
finish
