#!/bin/sh
# ext2fs, write side: on fresh mke2fs images of every geometry (1, 2 and
# 4 KiB blocks, 128- and 256-byte inodes, revision 0, no filetype) and of
# ext4's (extents, flex_bg, 64bit, metadata_csum or uninit_bg, journal):
#  1. the VFS battery (tests/vfs_test.c), then e2fsck -fn;
#  2. the fixture copied in with ukfs-cp -Rp: e2fsck -fn is clean, and
#     the host kernel (or fuse2fs) reads back the same tree;
#  3. on copies of reference images: a hashed (dir_index) directory, a
#     file system with a (clean) journal, and ext4 changed by random
#     operations (tests/ext2_random_test.c -d), then e2fsck -fn;
#  4. extent trees under stress (tests/ext2_extent_test.c): thousands of
#     extents, holes, truncation, writes into fallocate'd space;
#  5. what cannot be written is refused by name (inline_data, quota,
#     bigalloc, a journal that needs recovery), and a dirty file system
#     unless forced.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
FIX=$TESTDATA/fixture
export TZ=UTC LC_ALL=C
W=$(mktemp -d "${TMPDIR:-/tmp}/ext2w.XXXXXX")
MNTED=
trap '[ -n "$MNTED" ] && umount "$W/mnt" 2>/dev/null; rm -rf "$W"' EXIT
mkdir "$W/mnt"
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
ok() {
	echo "ok: $*"
}

fsck_clean() {
	if e2fsck -fn "$1" >"$W/fsck.out" 2>&1; then
		ok "e2fsck -fn clean: $2"
	else
		fail "e2fsck -fn: $2"
		head -20 "$W/fsck.out"
	fi
}

# readback IMG TREECMP-OPTIONS: /fix in the image equals the fixture, as
# the host kernel (root) or fuse2fs (which shows no nanoseconds) reads it.
readback() {
	img=$1
	shift
	if mount -o loop,ro "$img" "$W/mnt" 2>/dev/null; then
		MNTED=1
		how="the host kernel"
	elif fuse2fs -o ro,fakeroot "$img" "$W/mnt" >/dev/null 2>&1; then
		MNTED=fuse
		how=fuse2fs
		set -- "$@" -r 1
	else
		echo "SKIP: no way to read $img back on the host"
		return
	fi
	if "$T/treecmp" -H "$@" "$FIX" "$W/mnt/fix" >"$W/cmp" 2>&1; then
		ok "read back by $how: $(tail -1 "$W/cmp")"
	else
		fail "read back by $how differs:"
		head -15 "$W/cmp"
	fi
	if [ "$MNTED" = fuse ]; then
		fusermount3 -u "$W/mnt"
	else
		umount "$W/mnt"
	fi
	MNTED=
}

# --- 1, 2: fresh images -----------------------------------------------------
for geom in "1k-128:-t ext2 -b 1024 -I 128" "2k-256:-t ext2 -b 2048 -I 256" \
    "4k-256:-t ext2 -b 4096 -I 256" "rev0:-t ext2 -b 1024 -r 0" \
    "4k-noft:-t ext2 -b 4096 -O ^filetype" "ext4:-t ext4" \
    "ext4-1k:-t ext4 -b 1024" \
    "ext4-uninit:-t ext4 -O ^metadata_csum,^64bit,uninit_bg -I 128"; do
	name=${geom%%:*}
	opts=${geom#*:}
	img=$W/$name.img
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F $opts "$img" 64M >/dev/null 2>&1 ||
	    { fail "mke2fs $opts"; continue; }
	small=
	case $opts in *"-I 128"* | *"-r 0"*) small=1 ;; esac
	echo "== $name ($opts)"
	if [ -n "$small" ]; then
		"$T/vfs_test" -X nsec ext2fs "$img" >"$W/vfs.out" 2>&1
	else
		"$T/vfs_test" ext2fs "$img" >"$W/vfs.out" 2>&1
	fi
	if [ $? -eq 0 ]; then
		ok "$(tail -1 "$W/vfs.out")"
	else
		fail "vfs_test on $name:"
		tail -15 "$W/vfs.out"
	fi
	fsck_clean "$img" "after the VFS battery ($name)"
	if "$BIN/ukfs-cp" -Rp "$FIX" "$img:/fix" 2>"$W/cp.err"; then
		ok "ukfs-cp -Rp of the fixture"
	else
		fail "ukfs-cp -Rp into $name: $(head -3 "$W/cp.err")"
	fi
	fsck_clean "$img" "after copying the fixture in ($name)"
	if [ -n "$small" ]; then
		readback "$img" -r 1 -I times-wide
	else
		readback "$img"
	fi
	"$T/vfs_test" -r ext2fs "$img" >"$W/vfs.out" 2>&1 &&
	    ok "read-only walk: $(tail -1 "$W/vfs.out")" ||
	    { fail "read-only walk of $name"; tail -5 "$W/vfs.out"; }
done

# --- 3: reference images changed in place -----------------------------------
change() {
	ref=$1 dir=$2 n=$3
	img=$W/$(basename "$ref")
	cp "$ref" "$img"
	rm -rf "$W/host"
	cp -a "$FIX/$dir" "$W/host"
	if "$T/ext2_random_test" -s 7 -n "$n" -d "$dir" "$img" "$W/host" \
	    >"$W/rnd.out" 2>&1; then
		ok "$(basename "$ref") /$dir: $(tail -1 "$W/rnd.out")"
	else
		fail "random operations on $(basename "$ref") /$dir:"
		tail -5 "$W/rnd.out"
	fi
	fsck_clean "$img" "after changing $(basename "$ref")"
}
change "$TESTDATA/img/ext2-1k-htree.img" bigdir 1500
change "$TESTDATA/img/ext3-4k.img" sizes 800
change "$TESTDATA/img/ext4-4k.img" holes 800

# --- 4: extent trees -----------------------------------------------------------
for opts in "-b 1024" "-b 4096 -O ^metadata_csum"; do
	img=$W/x.img
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F -t ext4 $opts "$img" 64M >/dev/null 2>&1
	# preallocated (unwritten) space, made by the host kernel if it can
	if mount -o loop "$img" "$W/mnt" 2>/dev/null; then
		fallocate -l 300K "$W/mnt/prealloc" || true
		umount "$W/mnt"
	fi
	if "$T/ext2_extent_test" "$img" >"$W/ext.out" 2>&1; then
		ok "extent trees ($opts): $(grep -c '^ok' "$W/ext.out") checks"
	else
		fail "extent trees ($opts):"
		tail -5 "$W/ext.out"
	fi
done

# --- link limits (counts set near the limit with debugfs) --------------------
mke2fs -q -F -t ext2 "$W/l.img" 8M >/dev/null 2>&1
"$BIN/ukfs-mkdir" "$W/l.img" /p && "$BIN/ukfs-write" "$W/l.img" /f </dev/null
debugfs -w -R "sif /p links_count 64999" "$W/l.img" >/dev/null 2>&1
debugfs -w -R "sif /f links_count 65000" "$W/l.img" >/dev/null 2>&1
if "$BIN/ukfs-mkdir" "$W/l.img" /p/a 2>"$W/err" &&
    ! "$BIN/ukfs-mkdir" "$W/l.img" /p/b 2>"$W/err" &&
    grep -q "Too many links" "$W/err"; then
	ok "without dir_nlink a directory takes 65000 links, then EMLINK"
else
	fail "directory link limit: $(cat "$W/err")"
fi
if ! "$BIN/ukfs-ln" "$W/l.img" /f /g 2>"$W/err" &&
    grep -q "Too many links" "$W/err"; then
	ok "a file with 65000 links takes no more (EMLINK)"
else
	fail "file link limit: $(cat "$W/err")"
fi
mke2fs -q -F -t ext4 "$W/l.img" 8M >/dev/null 2>&1
"$BIN/ukfs-mkdir" "$W/l.img" /p
debugfs -w -R "sif /p links_count 64999" "$W/l.img" >/dev/null 2>&1
"$BIN/ukfs-mkdir" "$W/l.img" /p/a /p/b 2>"$W/err" ||
    fail "dir_nlink: $(cat "$W/err")"
links=$(debugfs -R "stat /p" "$W/l.img" 2>/dev/null |
    sed -n 's/.*Links: *\([0-9]*\).*/\1/p')
[ "$links" = 1 ] && ok "with dir_nlink the count becomes 1 past the limit" ||
    fail "dir_nlink: links $links"
"$BIN/ukfs-rmdir" "$W/l.img" /p/b
links=$(debugfs -R "stat /p" "$W/l.img" 2>/dev/null |
    sed -n 's/.*Links: *\([0-9]*\).*/\1/p')
[ "$links" = 3 ] && ok "and is counted again below it" ||
    fail "dir_nlink recount: links $links"
fsck_clean "$W/l.img" "after the link limits"

# --- 5: refusals ------------------------------------------------------------
refused() {
	img=$1 why=$2 want=$3
	if "$BIN/ukfs-mkdir" "$img" /x >"$W/out" 2>&1; then
		fail "$why: written"
	elif grep -q "$want" "$W/out"; then
		ok "$why: refused ($(grep "$want" "$W/out" | head -1))"
	else
		fail "$why: $(cat "$W/out")"
	fi
}
mke2fs -q -F -t ext4 -O inline_data "$W/x4.img" 8M >/dev/null 2>&1
sum=$(sha256sum <"$W/x4.img")
refused "$W/x4.img" "inline data" "feature inline_data"
[ "$(sha256sum <"$W/x4.img")" = "$sum" ] && ok "a refused image is unchanged" ||
    fail "a refused image was changed"
mke2fs -q -F -t ext4 -O quota "$W/q.img" 8M >/dev/null 2>&1
refused "$W/q.img" "quota" "feature quota"
mke2fs -q -F -t ext4 -O bigalloc -C 16384 "$W/b.img" 32M >/dev/null 2>&1
refused "$W/b.img" "bigalloc" "feature bigalloc"
mke2fs -q -F -t ext3 "$W/j.img" 8M >/dev/null 2>&1
debugfs -w -R "feature needs_recovery" "$W/j.img" >/dev/null 2>&1
refused "$W/j.img" "a journal to replay" "needs_recovery"
mke2fs -q -F -t ext2 "$W/d.img" 8M >/dev/null 2>&1
debugfs -w -R "ssv state 0" "$W/d.img" >/dev/null 2>&1
refused "$W/d.img" "a dirty file system" "not cleanly unmounted"
if "$BIN/ukfs-mkdir" -o force "$W/d.img" /forced >"$W/out" 2>&1; then
	ok "a dirty file system is written with -o force"
	e2fsck -fn "$W/d.img" >/dev/null 2>&1
	[ "$(dumpe2fs -h "$W/d.img" 2>/dev/null |
	    sed -n 's/^Filesystem state: *//p')" = "not clean" ] &&
	    ok "and stays marked not clean" || fail "forced: state changed"
else
	echo "note: ukfs-mkdir -o force: $(cat "$W/out")"
fi
debugfs -w -R "ssv state 3" "$W/d.img" >/dev/null 2>&1
refused "$W/d.img" "errors recorded" "has errors recorded"

if [ $nfail -ne 0 ]; then
	echo "$nfail check(s) failed"
	exit 1
fi
echo "all checks passed"
