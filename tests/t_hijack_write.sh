#!/bin/sh
# librumphijack, write side: the host's tar x, cp -a, rsync -aH, the
# shell's file commands and python3 write into ext2, ffs and msdos images
# served read-write by ukfs-server; after SIGTERM each image passes its
# checker (e2fsck -fn, ukfs-fsck -n, fsck.fat -n) and what ukfs-cp
# extracts is what was written (treecmp against the sources).
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
. "$TOP/tests/remote_lib.sh"
set +e
TREECMP=$TOP/$B/tests/treecmp
[ -f "$LIB/librumphijack.so" ] || { echo "FAIL: librumphijack not built"; exit 1; }

# the fixture without its 70 MB of holes: small enough for the images
SRC=$TMP/src
cp -a "$FIX" "$SRC" && rm -rf "$SRC/holes" || fail "cannot copy the fixture"
(cd "$SRC" && tar --format=posix -cf "$TMP/src.tar" .)

# The shell's commands on the image, with what they should print.
shell_ops() {
	hj sh -c 'cd /img && mkdir d && cd d && pwd && echo data >f &&
	    mv f g && ln g h && ln -s g s && chmod 640 g && chown 12:34 g &&
	    truncate -s 1000 h && cat s | wc -c && readlink s &&
	    ls -ln g h | awk "{print \$1, \$2, \$3, \$4, \$5, \$NF}" && rm s &&
	    cd .. && rm -r d && ls d' >"$TMP/ops" 2>&1
	cat >"$TMP/ops.want" <<-'E'
	/img/d
	1000
	g
	-rw-r----- 2 12 34 1000 g
	-rw-r----- 2 12 34 1000 h
	ls: cannot access 'd': No such file or directory
	E
	cmp -s "$TMP/ops" "$TMP/ops.want" || {
		diff "$TMP/ops" "$TMP/ops.want"
		fail "$1: shell commands"
	}
	hj python3 -c '
import os
with open("/img/py.txt", "w") as f:
    f.write("line\n" * 10000)
os.rename("/img/py.txt", "/img/py2.txt")
os.makedirs("/img/pyd/a/b", exist_ok=True)
with open("/img/pyd/a/b/x", "ab") as f:
    f.write(b"\0" * 70000)
print(os.stat("/img/py2.txt").st_size, os.path.getsize("/img/pyd/a/b/x"))
' >"$TMP/py" 2>&1
	[ "$(cat "$TMP/py")" = "50000 70000" ] ||
	    fail "$1: python3 writes: $(cat "$TMP/py")"
}

# write_unix NAME IMAGE CHECKER...: the full set on a Unix file system.
write_unix() {
	name=$1
	img=$2
	shift 2
	server_start -o rw -r /img0 "$img" || { fail "$name: no server"; return; }
	hj sh -c "mkdir /img/t && tar -C /img/t -xpf $TMP/src.tar" \
	    2>"$TMP/tar.err"
	grep -v "time stamp" "$TMP/tar.err" | head -5 | grep . &&
	    fail "$name: tar x reports errors"
	hj cp -a "$FIX/hard" /img/c 2>&1 | head -5 | grep . &&
	    fail "$name: cp -a reports errors"
	hj rsync -aH "$FIX/links/" /img/r/ 2>&1 | head -5 | grep . &&
	    fail "$name: rsync reports errors"
	shell_ops "$name"
	server_stop || fail "$name: server exit: $(cat "$TMP/server.log")"
	if "$@" "$img" >"$TMP/fsck" 2>&1; then
		note "$name: $* finds the image clean"
	else
		tail -15 "$TMP/fsck"
		fail "$name: $* finds problems"
	fi
	rm -rf "$TMP/out"
	mkdir "$TMP/out"
	for d in t c r; do
		"$BIN/ukfs-cp" -Rp "$img:/$d" "$TMP/out/$d" 2>&1 | head -3
	done
	"$TREECMP" "$TMP/out/t" "$SRC" >"$TMP/cmp" 2>&1 ||
	    { head "$TMP/cmp"; fail "$name: tar x result differs"; }
	"$TREECMP" "$TMP/out/c" "$FIX/hard" >"$TMP/cmp" 2>&1 ||
	    { head "$TMP/cmp"; fail "$name: cp -a result differs"; }
	"$TREECMP" "$TMP/out/r" "$FIX/links" >"$TMP/cmp" 2>&1 ||
	    { head "$TMP/cmp"; fail "$name: rsync result differs"; }
	note "$name: tar x, cp -a, rsync -aH, shell and python3 writes read back"
}

mke2fs -q -F -t ext2 "$TMP/e.img" 96M || fail "mke2fs"
write_unix ext2 "$TMP/e.img" e2fsck -fn
rm -f "$TMP/e.img"

mkdir "$TMP/empty"
makefs -t ffs -o version=2 -s 96m -f 8000 "$TMP/f.img" "$TMP/empty" >/dev/null ||
    fail "makefs"
write_unix ffs "$TMP/f.img" "$BIN/ukfs-fsck" -n
rm -f "$TMP/f.img"

# msdos: names, contents and directories (it keeps no owners or links)
mkfs.fat -F 16 -C "$TMP/m.img" 32768 >/dev/null || fail "mkfs.fat"
mkdir -p "$TMP/fat/sub/deeper"
cp "$SRC"/sizes/size-00000* "$TMP/fat/sub/"
echo hello >"$TMP/fat/Mixed Case Name.txt"
server_start -o rw -r /img0 "$TMP/m.img" || fail "msdos: no server"
hj cp -r "$TMP/fat" /img/fat 2>&1 | head -3 | grep . && fail "msdos: cp -r"
hj sh -c 'cd /img/fat && mkdir new && echo x >new/y && mv new/y new/z &&
    rm sub/size-0000000000' 2>&1 | grep . && fail "msdos: shell commands"
server_stop || fail "msdos: server exit: $(cat "$TMP/server.log")"
fsck.fat -n "$TMP/m.img" >"$TMP/fsck" 2>&1 || {
	cat "$TMP/fsck"
	fail "msdos: fsck.fat finds problems"
}
mkdir -p "$TMP/fat/new" && echo x >"$TMP/fat/new/z" &&
    rm "$TMP/fat/sub/size-0000000000"
MTOOLS_SKIP_CHECK=1 mcopy -s -n -i "$TMP/m.img" ::/fat "$TMP/mout" 2>&1 |
    head -3
diff -r "$TMP/mout" "$TMP/fat" && note "msdos: fsck.fat clean, mcopy reads back the writes" ||
    fail "msdos: mcopy reads something else"
finish
