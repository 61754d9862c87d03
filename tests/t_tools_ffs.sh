#!/bin/sh
# The writing tools on ffs, whose only checker on Linux is our own: the
# fixture put in with ukfs-makefs (UFS2 little-endian, UFS1 big-endian)
# and with ukfs-cp -Rp comes back identical through extraction, and
# ukfs-fsck -n finds nothing; image -> image copies between ffs and ext2
# (when ext2 writes) likewise.
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
need_newfs ffs

TREECMP=$TOP/$B/tests/treecmp
own_fixture
umask 022
cd "$TMP"

# roundtrip IMG WHAT [treecmp options]: extract the image and compare.
roundtrip() {
	_img=$1
	_what=$2
	shift 2
	rm -rf out
	rc=0
	"$BIN/ukfs-fsck" -n "$_img" >fsck.out 2>&1 || rc=$?
	[ $rc = 0 ] && note "$_what: ukfs-fsck -n clean" ||
	    fail "$_what: ukfs-fsck -n: status $rc: $(tail -5 fsck.out)"
	if ! "$BIN/ukfs-cp" -Rp "$_img:/" out 2>err; then
		fail "$_what: extraction: $(head -3 err)"
		return
	fi
	if "$TREECMP" "$@" "$FIX" out >cmp 2>&1; then
		note "$_what: $(tail -1 cmp)"
	else
		fail "$_what differs:"
		head -20 cmp
	fi
}

restore_fixture_times
"$BIN/ukfs-makefs" -t ffs -o version=2 m2.img "$FIX" 2>err ||
    fail "makefs -t ffs -o version=2: $(head -3 err)"
restore_fixture_times
roundtrip m2.img "makefs UFS2" -a -H

"$BIN/ukfs-makefs" -t ffs -o version=1 -B be m1.img "$FIX" 2>err ||
    fail "makefs -t ffs UFS1 -B be: $(head -3 err)"
restore_fixture_times
roundtrip m1.img "makefs UFS1 big-endian" -a -H -I times-wide

"$BIN/ukfs-newfs" -t ffs -O 2 -s 128m c.img 2>err ||
    fail "newfs -t ffs: $(cat err)"
"$BIN/ukfs-cp" -Rp "$FIX/." c.img:/ 2>err ||
    fail "cp -Rp into ffs: $(head -3 err)"
restore_fixture_times
roundtrip c.img "cp -Rp host -> ffs" -a -H

"$BIN/ukfs-newfs" -t ffs -O 2 -s 128m c2.img 2>err ||
    fail "newfs -t ffs: $(cat err)"
"$BIN/ukfs-cp" -Rp m2.img:/ c2.img:/ 2>err ||
    fail "cp -Rp ffs -> ffs: $(head -3 err)"
restore_fixture_times
roundtrip c2.img "cp -Rp ffs -> ffs" -a -H

# Without root: makefs still keeps owners and makes device nodes; cp -Rp
# into an image keeps modes and times but not owners, and skips devices.
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$TMP"
	mkdir -m 755 nr nr/tree
	printf 'owned\n' >nr/tree/f
	chown 1234:5678 nr/tree/f
	mknod nr/tree/chr c 4 64
	chmod 644 nr/tree/chr
	chown 65534 nr
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$NOBODY "$BIN/ukfs-makefs" -t ffs nr/m.img nr/tree 2>err ||
	    fail "makefs as nobody: $(cat err)"
	"$BIN/ukfs-stat" nr/m.img /f /chr >st 2>&1
	grep -q "Uid: ( *1234/" st && grep -q "character special" st &&
	    note "makefs without root keeps owners and devices" ||
	    fail "makefs as nobody: $(cat st)"
	$NOBODY "$BIN/ukfs-newfs" -t ffs -s 8m nr/c.img 2>err ||
	    fail "newfs as nobody: $(cat err)"
	rc=0
	$NOBODY "$BIN/ukfs-cp" -Rp nr/tree/. nr/c.img:/ 2>err || rc=$?
	"$BIN/ukfs-stat" nr/c.img /f >st 2>&1
	[ $rc = 1 ] && grep -q "device node not copied" err &&
	    grep -q "Uid: ( *0/" st &&
	    note "cp -Rp without root: no owners, no devices" ||
	    fail "cp -Rp as nobody: status $rc: $(cat err st)"
fi

# The write tools, checked by ukfs-fsck after the lot.
I=c.img
"$BIN/ukfs-mkdir" -p "$I" /new/a/b && "$BIN/ukfs-touch" "$I" /new/a/b/f &&
    "$BIN/ukfs-ln" -s "$I" b/f /new/a/l && "$BIN/ukfs-chmod" -R go-rwx "$I" /new &&
    "$BIN/ukfs-chown" -R 5:6 "$I" /new && "$BIN/ukfs-mv" "$I" /new /new2 &&
    "$BIN/ukfs-rm" -r "$I" /bigdir /new2 && note "the write tools on ffs" ||
    fail "the write tools on ffs"
rc=0
"$BIN/ukfs-fsck" -n "$I" >fsck.out 2>&1 || rc=$?
[ $rc = 0 ] && note "ukfs-fsck clean after the write tools" ||
    fail "after the write tools: $(tail -5 fsck.out)"

cd "$TOP"
restore_fixture_times
finish
