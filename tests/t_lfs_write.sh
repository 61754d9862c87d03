#!/bin/sh
# LFS writing: newfs with several geometries passes the shared VFS
# battery and stays clean under ukfs-fsck -n (segment usage, inode map,
# summaries, links); the fixture tree round-trips through makefs -t lfs
# and ukfs-cp -Rp (UFS1-style 32-bit times: times-wide/ is skipped);
# many files created, removed and written again keep the checks clean.
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
TREECMP=$TOP/$B/tests/treecmp
VFS_TEST=$TOP/$B/tests/vfs_test
own_fixture
umask 022
cd "$TMP"

fsck_clean() {
	if "$BIN/ukfs-fsck" -t lfs -n "$1" >fsck.out 2>&1; then
		note "fsck -n clean: $2"
	else
		fail "fsck -n after $2: $(head -5 fsck.out)"
	fi
}

for geo in "-b 8192 -f 1024" "-b 4096 -f 512 -B 131072" \
    "-b 16384 -f 2048 -B 524288"; do
	rm -f v.img
	# shellcheck disable=SC2086
	"$BIN/ukfs-newfs" -t lfs $geo -s 48m v.img 2>err ||
	    fail "newfs $geo: $(cat err)"
	fsck_clean v.img "newfs $geo"
	if "$VFS_TEST" lfs v.img >vt.out 2>&1; then
		note "vfs_test lfs ($geo): $(tail -1 vt.out)"
	else
		fail "vfs_test lfs ($geo): $(grep FAIL vt.out | head -5)"
	fi
	fsck_clean v.img "vfs_test ($geo)"
done

# makefs round trip
"$BIN/ukfs-makefs" -t lfs m.img "$FIX" 2>err || fail "makefs: $(cat err)"
fsck_clean m.img "makefs of the fixture"
"$BIN/ukfs-info" m.img >info 2>&1 && grep -q "lfs" info &&
    note "info detects lfs" || fail "info: $(cat info)"
# the superblock read raw agrees with the mounted file system's counts
used=$(awk '/^inodes:/ { print $2 - $4 }' info)
sbino=$(awk '$1 == "inodes" { print $2 }' info)
grep -q "^  newer checkpoint  *[01] (serial [0-9]*)" info &&
    grep -q "^  clean  *yes" info && [ -n "$used" ] &&
    [ "$used" = "$sbino" ] &&
    note "info: lfs superblock summary ($sbino inodes)" ||
    fail "info: lfs summary: $(cat info)"
# a damaged second superblock is named, not trusted
sb1=$(awk '$1 == "superblock" && $2 == "1" { print $3 }' info)
cp m.img m1.img
printf 'X' | dd of=m1.img bs=1 seek=$((sb1 + 340)) conv=notrunc 2>/dev/null
"$BIN/ukfs-info" m1.img >info1 2>&1 &&
    grep -q "superblock 1  *unusable (bad checksum)" info1 &&
    grep -q "newer checkpoint  *0" info1 &&
    note "info: damaged second superblock reported" ||
    fail "info: damaged second superblock: $(cat info1)"
# a damaged first one: an error saying so, no crash
printf 'X' | dd of=m1.img bs=1 seek=8192 conv=notrunc 2>/dev/null
rc=0
"$BIN/ukfs-info" -t lfs m1.img >info1 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "superblock at 8192: bad magic" info1 &&
    note "info: damaged first superblock is an error" ||
    fail "info: damaged first superblock (exit $rc): $(cat info1)"
rm -f m1.img info1
"$BIN/ukfs-cp" -Rp m.img:/ out 2>err || fail "extract: $(cat err)"
if "$TREECMP" -I times-wide "$FIX" out >cmp.out 2>&1; then
	note "fixture round-trips through makefs -t lfs"
else
	fail "treecmp: $(head -5 cmp.out)"
fi

# a read-only walk reads everything and writes nothing
sum1=$(md5sum <m.img)
"$VFS_TEST" -r lfs m.img >vt.out 2>&1 && note "$(tail -1 vt.out)" ||
    fail "vfs_test -r: $(grep FAIL vt.out | head -3)"
[ "$(md5sum <m.img)" = "$sum1" ] && note "read-only mounts change nothing" ||
    fail "a read-only mount changed the image"

# many small files: the inode map grows, then everything goes again
mkdir many
i=0
while [ $i -lt 900 ]; do
	echo "file $i" >many/f$i
	i=$((i + 1))
done
"$BIN/ukfs-newfs" -t lfs -s 32m s.img 2>err || fail "newfs: $(cat err)"
"$BIN/ukfs-cp" -R many s.img:/many 2>err || fail "cp many: $(cat err)"
fsck_clean s.img "900 files"
"$BIN/ukfs-rm" -r s.img /many 2>err || fail "rm: $(cat err)"
fsck_clean s.img "removing them"
"$BIN/ukfs-cp" -R many s.img:/again 2>err || fail "cp again: $(cat err)"
"$BIN/ukfs-cp" -R s.img:/again back 2>err || fail "read back: $(cat err)"
"$TREECMP" -x mtime many back >cmp.out 2>&1 &&
    note "files read back" || fail "read back: $(head -3 cmp.out)"
fsck_clean s.img "writing them again"

# the cleaner on demand: after removals, segments come back clean
# (device nodes are skipped without -p, with status 1: only data matters)
"$BIN/ukfs-cp" -R "$FIX" s.img:/c1 2>/dev/null || :
"$BIN/ukfs-rm" -r s.img /c1 2>err || fail "rm c1: $(cat err)"
if "$BIN/ukfs-lfs-clean" s.img >clean.out 2>err; then
	note "$(cat clean.out)"
else
	fail "lfs-clean: $(cat err clean.out)"
fi
grep -q "segments clean" err && note "$(grep 'segments clean' err)" ||
    fail "no cleaner report: $(cat err)"
fsck_clean s.img "cleaning"
"$BIN/ukfs-cp" -R s.img:/again back2 2>err || fail "read back: $(cat err)"
"$TREECMP" -x mtime many back2 >cmp.out 2>&1 &&
    note "files read back after cleaning" || fail "$(head -3 cmp.out)"
if "$BIN/ukfs-lfs-clean" -t ffs s.img >clean.out 2>&1; then
	fail "lfs-clean -t ffs: status 0"
fi
finish
