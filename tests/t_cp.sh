#!/bin/sh
# ukfs-cp: trees copied out of every reference image equal the fixture
# (modes, owners, times, hard links, holes, specials); cp(1) semantics for
# operands; nothing lands outside the destination.
. "$(dirname "$0")/tools_lib.sh"

CP=$BIN/ukfs-cp
TREECMP=$TOP/$B/tests/treecmp
[ -x "$TREECMP" ] || { echo "FAIL: $TREECMP not built"; exit 1; }
umask 022

# Whole images, -Rp, compared with atimes and holes.
restore_fixture_times
sum=$(sha256sum <"$EXACT")
while IFS="$(printf '\t')" read -r img opts; do
	rm -rf "$TMP/out"
	if ! "$CP" -Rp "$IMGDIR/$img:/" "$TMP/out" 2>"$TMP/err"; then
		fail "cp -Rp of $img: $(head -5 "$TMP/err")"
		continue
	fi
	# shellcheck disable=SC2086
	if "$TREECMP" -a -H $opts "$FIX" "$TMP/out" >"$TMP/cmp"; then
		note "cp -Rp of $img: $(tail -1 "$TMP/cmp")"
	else
		fail "cp -Rp of $img differs:"
		head -20 "$TMP/cmp"
	fi
done <"$IMGDIR/images.txt"
[ "$(sha256sum <"$EXACT")" = "$sum" ] && note "image unchanged by reading" ||
    fail "reading changed the image"
rm -rf "$TMP/out"

I=$EXACT
mkdir "$TMP/d"
cd "$TMP"

# One file: to a new name, into a directory.
"$CP" "$I:/links/target.txt" t1 && host_cat "$FIX/links/target.txt" |
    cmp -s - t1 && note "file to a new name" || fail "file to a new name"
"$CP" "$I:/links/target.txt" d && [ -f d/target.txt ] &&
    note "file into a directory" || fail "file into a directory"
"$CP" "$I:links/target.txt" d/t2 && cmp -s t1 d/t2 &&
    note "relative path in the image" || fail "relative path in the image"

# Operand errors.
if "$CP" "$I:/links/target.txt" "$I:/links/fast" t1 2>err; then
	fail "several sources, target not a directory: status 0"
fi
grep -q "target 't1' is not a directory" err &&
    note "several sources need a directory" || fail "$(cat err)"
if "$CP" "$I:/hard" d 2>err; then fail "directory without -R: status 0"; fi
grep -q "^ukfs-cp: -R not specified; omitting directory '$I:/hard'$" err &&
    note "directory needs -R" || fail "$(cat err)"
if "$CP" "$I:/special/fifo" d 2>err; then fail "fifo without -R copied"; fi
[ ! -e d/fifo ] && note "special file needs -R" || fail "fifo without -R"
if "$CP" "$I:/nonexistent" d 2>err; then fail "missing source: status 0"; fi
grep -q "^ukfs-cp: $I:/nonexistent: No such file or directory$" err &&
    note "missing source reported" || fail "$(cat err)"
if "$CP" nonexistent.img:/x d 2>err; then fail "host source: status 0"; fi

# Symlinks: followed without -R, copied as links with -R.
"$CP" "$I:/links/chain3" c1 && [ -f c1 ] && [ ! -L c1 ] &&
    note "symlink operand followed without -R" || fail "symlink without -R"
"$CP" -R "$I:/links/chain3" c2 && [ "$(readlink c2)" = chain2 ] &&
    note "symlink copied as a link with -R" || fail "symlink with -R"

# Directories: into an existing one, to a new name, contents with "/.".
"$CP" -R "$I:/hard" d && [ -f d/hard/three ] && note "dir into a directory" ||
    fail "dir into a directory"
"$CP" -R "$I:/hard" h2 && [ -f h2/three ] && note "dir to a new name" ||
    fail "dir to a new name"
mkdir m
"$CP" -R "$I:/hard/." m && [ -f m/three ] && note "dir/. merges contents" ||
    fail "dir/. merges contents"
if [ "$(stat -c %i h2/three)" = "$(stat -c %i h2/three-same-dir)" ] &&
    [ "$(stat -c %i h2/three)" = "$(stat -c %i h2/sub/three-other-dir)" ]; then
	note "hard links stay hard links"
else
	fail "hard links became copies"
fi

# Without -p: mode minus umask and special bits, new times.
"$CP" "$I:/hard/three" p1
[ "$(stat -c %a p1)" = 755 ] && note "no -p: setuid dropped" ||
    fail "no -p: mode $(stat -c %a p1)"
"$CP" -p "$I:/hard/three" p2
[ "$(stat -c %a p2)" = 4755 ] &&
    [ "$(stat -c %Y p2)" = "$(stat -c %Y "$FIX/hard/three")" ] &&
    note "-p keeps setuid and mtime" || fail "-p: $(stat -c '%a %Y' p2)"

# -v names each copy.
"$CP" -Rv "$I:/deep/d01/d02/d03" v >out
grep -q "^'$I:/deep/d01/d02/d03' -> 'v'$" out &&
    grep -q "^'$I:/deep/d01/d02/d03/d04' -> 'v/d04'$" out &&
    note "-v" || fail "-v: $(head -3 out)"

# What is in the way: files are replaced, directories are not.
echo old >d/target.txt
"$CP" "$I:/links/target.txt" d && cmp -s t1 d/target.txt &&
    note "existing file replaced" || fail "existing file replaced"
mkdir -p d2/target.txt
if "$CP" "$I:/links/target.txt" d2 2>err; then
	fail "file over a directory: status 0"
fi
grep -q "cannot overwrite directory" err && note "directory not replaced" ||
    fail "file over a directory: $(cat err)"

# Safety: a destination symlink (left by an earlier copy) is never followed.
mkdir -p outside src1/dir src2/esc src2/dir
ln -s "$TMP/outside" src1/esc
ln -s "$TMP/outside/file" src1/dir/victim
echo payload >src2/esc/payload
echo payload >src2/dir/victim
mke2fs -q -F -t ext2 -b 1024 -d src1 e1.img 2M >/dev/null
mke2fs -q -F -t ext2 -b 1024 -d src2 e2.img 2M >/dev/null
"$CP" -R e1.img:/ safe
if "$CP" -R e2.img:/ safe 2>err; then
	fail "directory over a symlink: status 0"
fi
if [ -z "$(ls -A outside)" ] && [ "$(cat safe/dir/victim)" = payload ] &&
    [ -L safe/esc ]; then
	note "nothing written through symlinks in the destination"
else
	fail "wrote outside the destination: $(ls -la outside)"
fi

# A directory hard-linked into itself ends with a message.
mkdir -p loop/d/e
mke2fs -q -F -t ext2 -b 1024 -d loop loop.img 2M >/dev/null
debugfs -w -R "ln /d /d/e/up" loop.img >/dev/null 2>&1
if timeout 20 "$CP" -R loop.img:/ lout 2>err; then
	fail "directory loop: status 0"
fi
grep -q "directory loop" err && [ -d lout/d/e ] &&
    note "cp -R stops at a directory loop" || fail "loop: $(cat err)"

cd "$TOP"
restore_fixture_times
finish
