#!/bin/sh
# ext2fs newfs (vfs_newfs through ukfs-newfs): images of many sizes and
# options pass e2fsck -fn, dumpe2fs shows what was asked for, and the new
# file systems take the VFS battery and a copy of the fixture that the host
# kernel reads back.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
FIX=$TESTDATA/fixture
export TZ=UTC LC_ALL=C
W=$(mktemp -d "${TMPDIR:-/tmp}/ext2n.XXXXXX")
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
field() {
	dumpe2fs -h "$1" 2>/dev/null | sed -n "s/^$2:[[:space:]]*//p"
}

# newfs SIZE OPTIONS: make $W/n.img; it must pass e2fsck -fn
newfs() {
	rm -f "$W/n.img"
	if ! "$BIN/ukfs-newfs" -t ext2fs -s "$1" -o "$2" "$W/n.img" \
	    2>"$W/err"; then
		fail "newfs -s $1 -o $2: $(cat "$W/err")"
		return 1
	fi
	if e2fsck -fn "$W/n.img" >"$W/fsck" 2>&1; then
		ok "newfs -s $1 -o '$2': e2fsck -fn clean ($(tail -1 "$W/fsck" |
		    sed 's/^[^:]*: //'))"
	else
		fail "newfs -s $1 -o '$2': e2fsck -fn:"
		head -15 "$W/fsck"
		return 1
	fi
	dumpe2fs "$W/n.img" >/dev/null 2>&1 || fail "dumpe2fs cannot read it"
}

for case in "100k:rev=1" "1m:rev=1" "8m:rev=1" "64m:bsize=2048" \
    "200m:bsize=4096,density=65536" "600m:rev=1" "70m:rev=0" \
    "20m:isize=128" "300m:bsize=65536" "33m:bsize=1024,density=1024"; do
	newfs "${case%%:*}" "${case#*:}"
done

# What was asked for is what dumpe2fs shows.
if newfs 32m "bsize=4096,density=16384,label=mylabel,isize=256"; then
	[ "$(field "$W/n.img" 'Block size')" = 4096 ] &&
	    [ "$(field "$W/n.img" 'Inode size')" = 256 ] &&
	    [ "$(field "$W/n.img" 'Filesystem volume name')" = mylabel ] &&
	    [ "$(field "$W/n.img" 'Inode count')" = 2048 ] &&
	    [ "$(field "$W/n.img" 'Filesystem state')" = clean ] &&
	    ok "dumpe2fs shows the block size, inode size, label, inodes" ||
	    fail "dumpe2fs: $(dumpe2fs -h "$W/n.img" 2>/dev/null | head -30)"
fi
newfs 16m rev=0 && [ "$(field "$W/n.img" 'Filesystem revision #')" = \
    "0 (original)" ] && ok "rev=0 makes a revision 0 file system" ||
    fail "rev=0: $(field "$W/n.img" 'Filesystem revision #')"
for bad in "bsize=1000" "isize=100" "rev=2" "rev=0,isize=256" "nosuch=1"; do
	if "$BIN/ukfs-newfs" -t ext2fs -s 8m -o "$bad" "$W/b.img" \
	    >"$W/err" 2>&1; then
		fail "newfs -o $bad: status 0"
	else
		ok "newfs -o $bad refused"
	fi
done
if "$BIN/ukfs-newfs" -t ext2fs -s 16k "$W/t.img" >"$W/err" 2>&1; then
	fail "newfs of 16 KiB: status 0"
else
	ok "newfs of 16 KiB refused: $(head -1 "$W/err")"
fi

# The new file systems work: the battery, then the fixture.
for opts in "bsize=1024" "bsize=4096,isize=256" "rev=0"; do
	newfs 96m "$opts" || continue
	x=
	case $opts in rev=0) x="-X nsec" ;; esac
	# shellcheck disable=SC2086 # x is empty or an option
	"$T/vfs_test" $x ext2fs "$W/n.img" >"$W/out" 2>&1 &&
	    ok "$(tail -1 "$W/out")" || { fail "vfs_test:"; tail -10 "$W/out"; }
	"$BIN/ukfs-cp" -Rp "$FIX" "$W/n.img:/fix" 2>"$W/err" ||
	    fail "ukfs-cp: $(head -3 "$W/err")"
	e2fsck -fn "$W/n.img" >"$W/fsck" 2>&1 &&
	    ok "e2fsck -fn clean with the fixture in it ($opts)" ||
	    { fail "e2fsck after the copy ($opts)"; head -15 "$W/fsck"; }
	if mount -o loop,ro "$W/n.img" "$W/mnt" 2>/dev/null; then
		MNTED=1
		tc=
		[ "$opts" = rev=0 ] && tc="-r 1 -I times-wide"
		# shellcheck disable=SC2086 # tc is a list of options
		"$T/treecmp" -H $tc "$FIX" "$W/mnt/fix" >"$W/cmp" 2>&1 &&
		    ok "the host kernel reads it back: $(tail -1 "$W/cmp")" ||
		    { fail "read back ($opts):"; head -10 "$W/cmp"; }
		umount "$W/mnt"
		MNTED=
	fi
done

[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "all checks passed"
