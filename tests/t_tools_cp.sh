#!/bin/sh
# ukfs-cp into images (host -> image) and between images (image -> image):
# the fixture tree copied in with -Rp reads back identically through
# the host kernel (or fuse2fs), modes, owners, times, hard links, holes
# and device nodes included, and the image passes e2fsck -fn; cp(1)
# semantics for operands; copies into themselves are refused.
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
need_write ext2fs

CP=$BIN/ukfs-cp
TREECMP=$TOP/$B/tests/treecmp
own_fixture
[ -x "$TREECMP" ] || { echo "FAIL: $TREECMP not built"; exit 1; }
umask 022
cd "$TMP"

# compare IMG WHAT [treecmp options]: the image's tree equals the fixture.
compare() {
	_img=$1
	_what=$2
	shift 2
	if ! host_mount "$_img" "$TMP/mnt"; then
		fail "$_what: cannot mount $_img with the host kernel or fuse2fs"
		return
	fi
	# shellcheck disable=SC2086
	if "$TREECMP" $HOST_TREECMP "$@" "$FIX" "$TMP/mnt" >"$TMP/cmp" 2>&1; then
		note "$_what: $(tail -1 "$TMP/cmp")"
	else
		fail "$_what differs:"
		head -20 "$TMP/cmp"
	fi
	host_umount "$TMP/mnt"
}

# --- the whole fixture, host -> image -----------------------------------
restore_fixture_times
new_ext2 full.img 160M -b 4096 -I 256 -N 8192
if "$CP" -Rp "$FIX/." full.img:/ 2>err; then
	note "cp -Rp of the fixture into an image"
else
	fail "cp -Rp into an image: $(head -5 err)"
fi
e2fsck_clean full.img "after cp -Rp of the fixture"
restore_fixture_times
compare full.img "host -> image -> host kernel" -a -H

# --- image -> image -----------------------------------------------------
sum=$(sha256sum <full.img)
new_ext2 copy.img 160M -b 1024 -I 256 -N 8192
if "$CP" -Rp full.img:/ copy.img:/ 2>err; then
	note "cp -Rp image -> image"
else
	fail "cp -Rp image -> image: $(head -5 err)"
fi
e2fsck_clean copy.img "after an image -> image copy"
compare copy.img "image -> image" -a -H

# --- operands -----------------------------------------------------------
new_ext2 s.img 16M -b 1024 -I 256
mkdir -p src/dir/sub
printf 'hello\n' >src/file
printf 'in dir\n' >src/dir/sub/x
"$CP" src/file s.img:/ && [ "$(debugfs -R 'cat /file' s.img 2>/dev/null)" = hello ] &&
    note "a file into the root" || fail "a file into the root"
"$CP" src/file s.img:/renamed &&
    [ "$(debugfs -R 'cat /renamed' s.img 2>/dev/null)" = hello ] &&
    note "a file to a new name" || fail "a file to a new name"
printf 'changed\n' >src/file
"$CP" src/file s.img:/renamed &&
    [ "$(debugfs -R 'cat /renamed' s.img 2>/dev/null)" = changed ] &&
    note "an existing file is replaced" || fail "replace"
if "$CP" src/dir s.img:/ 2>err; then fail "directory without -R: status 0"; fi
grep -q "^ukfs-cp: -R not specified; omitting directory 'src/dir'$" err &&
    note "a directory needs -R" || fail "$(cat err)"
"$CP" -R src/dir s.img:/ && [ "$(dstat s.img /dir/sub/x Type)" = regular ] &&
    note "cp -R into an image directory" || fail "cp -R into a directory"
"$CP" -R src/dir s.img:/dir2 && [ "$(dstat s.img /dir2/sub/x Type)" = regular ] &&
    note "cp -R to a new name" || fail "cp -R to a new name"
if "$CP" src/file src/dir s.img:/renamed 2>err; then
	fail "several sources onto a file: status 0"
fi
grep -q "target 's.img:/renamed' is not a directory" err &&
    note "several sources need a directory" || fail "$(cat err)"
mkdir -p src2/file
if "$CP" -R src2/file s.img:/ 2>err; then fail "dir over a file: status 0"; fi
grep -q "cannot overwrite non-directory with directory" err &&
    note "a file is not replaced by a directory" || fail "$(cat err)"
"$CP" -v src/file s.img:/v >out || fail "cp -v"
grep -q "^'src/file' -> 's.img:/v'$" out && note "-v names source and copy" ||
    fail "-v: $(cat out)"
if "$CP" src/file other-host-file 2>err; then fail "host -> host: status 0"; fi
grep -q "one side must be an image" err && note "host -> host is refused" ||
    fail "host -> host: $(cat err)"
e2fsck_clean s.img "after the operand tests"

# --- inside one image ---------------------------------------------------
"$CP" -Rp s.img:/dir s.img:/dir3 && [ "$(dstat s.img /dir3/sub/x Type)" = regular ] &&
    note "a copy inside one image" || fail "a copy inside one image"
if "$CP" -R s.img:/dir s.img:/dir/sub 2>err; then
	fail "a directory into itself: status 0"
fi
grep -q "into itself" err && note "a directory is not copied into itself" ||
    fail "into itself: $(cat err)"
if "$CP" s.img:/file s.img:/file 2>err; then fail "onto itself: status 0"; fi
grep -q "are the same file" err && note "a file is not copied onto itself" ||
    fail "onto itself: $(cat err)"
e2fsck_clean s.img "after copies inside one image"

# --- holes, and the image inside its own source -------------------------
mkdir -p sp
dd if=/dev/urandom of=sp/sparse bs=4096 count=1 seek=1000 status=none
cp s.img sp/s-copy.img
"$CP" -R sp s.img:/ 2>err || fail "cp -R sp: $(cat err)"
blocks=$(dstat s.img /sp/sparse Blockcount)
[ -n "$blocks" ] && [ "$blocks" -le 40 ] &&
    note "holes stay holes ($blocks sectors)" ||
    fail "sparse file takes $blocks sectors"
mkdir self
new_ext2 self/self.img 4M
printf x >self/x
"$CP" -R self self/self.img:/ 2>err || true
grep -q "the destination image itself; not copied" err &&
    [ "$(dstat self/self.img /self/x Type)" = regular ] &&
    note "the image is not copied into itself" || fail "$(cat err)"
e2fsck_clean s.img "after the sparse copy"

# --- out of space -------------------------------------------------------
new_ext2 tiny.img 1M -b 1024
head -c 3000000 /dev/urandom >big
if "$CP" big tiny.img:/ 2>err; then fail "ENOSPC: status 0"; fi
grep -q "No space left on device" err && note "a full image gives ENOSPC" ||
    fail "ENOSPC: $(cat err)"
e2fsck_clean tiny.img "after running out of space"

[ "$(sha256sum <full.img)" = "$sum" ] && note "a source image is unchanged" ||
    fail "copying out of an image changed it"
cd "$TOP"
restore_fixture_times
finish
