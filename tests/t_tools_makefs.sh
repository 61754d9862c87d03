#!/bin/sh
# ukfs-newfs, ukfs-makefs, ukfs-fsck and ukfs-info on ext2: new file
# systems pass e2fsck -fn and dumpe2fs shows the options asked for; the
# fixture tree put in with makefs reads back identically through the host
# kernel (or fuse2fs); makefs sizes the image itself and grows it when the
# first guess is short; fsck's exit status follows fsck(8).
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
need_newfs ext2fs

TREECMP=$TOP/$B/tests/treecmp
own_fixture
umask 022
cd "$TMP"

# dumpe2fs FIELD of IMG
dfield() {
	dumpe2fs -h "$1" 2>/dev/null | sed -n "s/^$2:[[:space:]]*//p"
}

# --- newfs --------------------------------------------------------------
if "$BIN/ukfs-newfs" -t ext2fs -s 8m n.img 2>err; then
	note "newfs -s 8m"
else
	fail "newfs: $(cat err)"
fi
[ "$(stat -c %s n.img)" = 8388608 ] && note "newfs makes the file 8 MiB" ||
    fail "newfs size $(stat -c %s n.img)"
e2fsck_clean n.img "a new file system"
dumpe2fs -h n.img >/dev/null 2>&1 && note "dumpe2fs reads it" ||
    fail "dumpe2fs: $(dumpe2fs -h n.img 2>&1 | tail -3)"
"$BIN/ukfs-newfs" -t ext2 -s 32m -b 4096 -i 16384 -L mylabel n2.img 2>err ||
    fail "newfs -b -i -L: $(cat err)"
[ "$(dfield n2.img 'Block size')" = 4096 ] && note "newfs -b 4096" ||
    fail "block size $(dfield n2.img 'Block size')"
[ "$(dfield n2.img 'Filesystem volume name')" = mylabel ] &&
    note "newfs -L" || fail "label '$(dfield n2.img 'Filesystem volume name')'"
inodes=$(dfield n2.img 'Inode count')
[ -n "$inodes" ] && [ "$inodes" -ge 1800 ] && [ "$inodes" -le 2400 ] &&
    note "newfs -i 16384: $inodes inodes" || fail "newfs -i: $inodes inodes"
e2fsck_clean n2.img "newfs -b 4096 -i 16384 -L"
"$BIN/ukfs-info" n2.img >out 2>err || fail "info: $(cat err)"
grep -q "^type: *ext2fs$" out && grep -q "^label: *mylabel$" out &&
    note "info shows type and label" || fail "info: $(cat out err)"
if "$BIN/ukfs-newfs" -t ext2fs missing.img 2>err; then
	fail "newfs of a missing file without -s: status 0"
fi
grep -q "give -s SIZE" err && note "newfs needs -s for a new file" ||
    fail "$(cat err)"
if "$BIN/ukfs-newfs" -t ext2fs -F 32 -s 1m x.img 2>err; then
	fail "newfs -F for ext2: status 0"
fi
grep -q "does not apply to ext2fs" err && note "type flags are checked" ||
    fail "$(cat err)"
dd if=/dev/zero of=grow.img bs=1k count=100 status=none
"$BIN/ukfs-newfs" -t ext2fs -s 4m grow.img 2>err &&
    [ "$(stat -c %s grow.img)" = 4194304 ] &&
    note "newfs extends a short file" || fail "newfs extend: $(cat err)"

# --- makefs -------------------------------------------------------------
restore_fixture_times
if "$BIN/ukfs-makefs" -t ext2fs m.img "$FIX" 2>err; then
	note "makefs -t ext2fs of the fixture ($(stat -c %s m.img) bytes)"
else
	fail "makefs: $(head -5 err)"
fi
e2fsck_clean m.img "after makefs"
fixbytes=$(du -sk --apparent-size "$FIX" | cut -f1)
imgk=$(($(stat -c %s m.img) / 1024))
[ "$imgk" -le $((fixbytes * 3 + 8192)) ] &&
    note "makefs picks a size that fits ($imgk KiB for $fixbytes KiB)" ||
    fail "makefs image is $imgk KiB for $fixbytes KiB of files"
restore_fixture_times
opts="-a -H"
[ "$(dfield m.img 'Inode size')" = 256 ] || opts="$opts -I times-wide"
if host_mount m.img "$TMP/mnt"; then
	# shellcheck disable=SC2086
	if "$TREECMP" $opts $HOST_TREECMP "$FIX" "$TMP/mnt" >cmp 2>&1; then
		note "makefs round trip through the host: $(tail -1 cmp)"
	else
		fail "makefs round trip differs:"
		head -20 cmp
	fi
	host_umount "$TMP/mnt"
else
	fail "cannot mount the makefs image"
fi

# Many small files: the first guess may be short; makefs grows and retries.
mkdir many
i=0
while [ $i -lt 2000 ]; do
	: >"many/f$i"
	i=$((i + 1))
done
"$BIN/ukfs-makefs" -t ext2fs many.img many 2>err &&
    [ "$("$BIN/ukfs-ls" many.img / | grep -c '^f')" = 2000 ] &&
    note "makefs of 2000 empty files" || fail "many files: $(cat err)"
e2fsck_clean many.img "makefs of many files"

# A fixed size that is too small is an error, not a bigger image.
if "$BIN/ukfs-makefs" -t ext2fs -s 1m small.img "$FIX" 2>err; then
	fail "makefs -s 1m of 20 MiB: status 0"
fi
grep -q "No space left on device" err && note "makefs -s too small: ENOSPC" ||
    fail "makefs -s too small: $(head -3 err)"
[ "$(stat -c %s small.img)" = 1048576 ] && note "makefs -s keeps the size" ||
    fail "makefs -s changed the size"
if "$BIN/ukfs-makefs" -t ext2fs -B be x.img many 2>err; then
	fail "makefs -B for ext2: status 0"
fi
grep -q "applies to ffs only" err && note "-B is for ffs" || fail "$(cat err)"

# --- fsck ---------------------------------------------------------------
rc=0
"$BIN/ukfs-fsck" -t ext2fs m.img >out 2>err || rc=$?
if grep -q "not supported by this build" err; then
	echo "SKIP: fsck: $(cat err)"
else
	[ $rc = 0 ] && grep -q "clean" out && note "fsck of a clean image: 0" ||
	    fail "fsck of a clean image: status $rc: $(cat out err)"
	cp n.img bad.img
	debugfs -w -R "sif <2> links_count 9" bad.img >/dev/null 2>&1
	rc=0
	"$BIN/ukfs-fsck" -n bad.img >out 2>err || rc=$?
	[ $rc = 4 ] && note "fsck -n of a damaged image: 4" ||
	    fail "fsck -n of a damaged image: status $rc: $(cat out err)"
	rc=0
	"$BIN/ukfs-fsck" -y bad.img >out 2>err || rc=$?
	if [ $rc = 8 ] && grep -q "repairing .* not supported" err; then
		echo "note: $(cat err)"
	else
		[ $rc = 1 ] && note "fsck -y repairs: 1" ||
		    fail "fsck -y: status $rc: $(cat out err)"
		e2fsck_clean bad.img "after ukfs-fsck -y"
	fi
fi
rc=0
"$BIN/ukfs-fsck" >/dev/null 2>&1 || rc=$?
[ $rc = 16 ] && note "fsck usage error: 16" || fail "fsck usage status $rc"
rc=0
"$BIN/ukfs-fsck" nonexistent.img >/dev/null 2>&1 || rc=$?
[ $rc = 8 ] && note "fsck of a missing image: 8" || fail "fsck missing: $rc"

cd "$TOP"
restore_fixture_times
finish
