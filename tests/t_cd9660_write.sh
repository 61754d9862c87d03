#!/bin/sh
# cd9660, write side: ukfs-makefs -t cd9660 (utils/makefs_cd9660.c).
#  1. the fixture with Rock Ridge and Joliet, read back by xorriso
#     (-osirrox extract with hard links) and by ukfs-cp -Rp, compared with
#     the source; xorriso and ukfs-ls list the same names; vfs_test -r;
#  2. the Joliet tree (ukfs, -o norrip) and isoinfo -J;
#  3. plain ISO 9660 (-o norockridge): isoinfo -d accepts it, ISO levels;
#  4. a sparse file over 4 GiB: several extents, holes kept in the image.
# What the format cannot hold is left out: times below 1/100 s (TF long
# form), and xorriso does not restore the times and owners of symlinks.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
BIN=$TOP/$B/bin
TC=$TOP/$B/tests/treecmp
VT=$TOP/$B/tests/vfs_test
FIX=$TESTDATA/fixture
SMALL=$TESTDATA/small
X=$(mktemp -d "${TMPDIR:-/tmp}/t_cd9660w.XXXXXX")
trap 'rm -rf "$X"' EXIT
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1234567890

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

CENTI='^(times/[tld]-ns|hard/three|hard/three-same-dir|hard/sub/three-other-dir): mtime: |^treecmp: '

# compare OUT SRC ALLOWED-ERE WHAT
compare() {
	"$TC" "$1" "$2" >"$X/cmp.log" 2>&1
	if grep -Ev "$3" "$X/cmp.log" >"$X/bad.log"; then
		head -20 "$X/bad.log"
		fail "$4 differs from $(basename "$2")"
	fi
	echo "$4: $(tail -1 "$X/cmp.log")"
}


# --- 1. Rock Ridge and Joliet -----------------------------------------------
"$BIN/ukfs-makefs" -t cd9660 -o rockridge,joliet,label=FIXTURE \
    "$X/fix.iso" "$FIX" || fail "ukfs-makefs"
# symlinks: xorriso keeps neither their times nor their owners
SYMS=$(cd "$FIX" && find . -type l | sed 's|^\./||' | tr '\n' '|')
SYMRE="^(${SYMS%|}): (mtime|uid|gid): "
xorriso -osirrox on:device_files -hardlinks on -indev "$X/fix.iso" \
    -extract / "$X/x" >"$X/x.log" 2>&1 || { tail "$X/x.log"; fail "xorriso -extract"; }
compare "$X/x" "$FIX" "$CENTI|$SYMRE" "xorriso extract"
rm -rf "$X/x"
"$BIN/ukfs-cp" -Rp "$X/fix.iso:/" "$X/u" || fail "ukfs-cp"
compare "$X/u" "$FIX" "$CENTI" "ukfs-cp"
rm -rf "$X/u"
"$VT" -r cd9660 "$X/fix.iso" >"$X/vt.log" 2>&1 || { tail -5 "$X/vt.log"; fail "vfs_test -r"; }
# the same names in each directory, as xorriso and ukfs-ls list them
for d in / /names /links /special /deep/d01/d02 /bigdir; do
	xorriso -indev "$X/fix.iso" -ls "$d" 2>/dev/null | grep "^'" |
	    sed "s/^'//; s/'\$//; s/'\"'\"'/'/g" | sort >"$X/xl"
	"$BIN/ukfs-ls" -a "$X/fix.iso:$d" | grep -v '^\.\.\{0,1\}$' |
	    sort >"$X/ul"
	cmp -s "$X/xl" "$X/ul" || {
		diff "$X/xl" "$X/ul" | head -5
		fail "xorriso and ukfs-ls list $d differently"
	}
done

# --- 2. the Joliet tree ----------------------------------------------------------
J=$("$BIN/ukfs-ls" -o norrip "$X/fix.iso:/names")
for n in 'héllo wörld' '日本語.txt' 'emoji-😀🎉.dat' 'MixedCase.TXT' \
    'with space' 'x.tar.gz' 'UPPER' 'upper' 'trailing.'; do
	printf '%s\n' "$J" | grep -qxF "$n" || fail "Joliet: no name '$n'"
done
"$BIN/ukfs-cat" -o norrip "$X/fix.iso:/names/emoji-😀🎉.dat" |
    cmp -s - "$FIX/names/emoji-😀🎉.dat" || fail "Joliet: content differs"
isoinfo -J -l -i "$X/fix.iso" >"$X/isoinfo.log" 2>&1 ||
    fail "isoinfo -J -l: $(tail -2 "$X/isoinfo.log")"
"$VT" -r cd9660 "$X/fix.iso" >/dev/null 2>&1 || fail "vfs_test -r (Joliet)"

# --- 3. plain ISO 9660 -------------------------------------------------------------
for lvl in 1 2 3; do
	"$BIN/ukfs-makefs" -t cd9660 -o norockridge,isolevel=$lvl,label=PLAIN \
	    "$X/plain.iso" "$SMALL" || fail "ukfs-makefs plain level $lvl"
	isoinfo -d -i "$X/plain.iso" >"$X/isoinfo.log" 2>&1 &&
	    grep -q 'Volume id: PLAIN' "$X/isoinfo.log" &&
	    ! grep -q 'Rock Ridge signatures' "$X/isoinfo.log" ||
	    fail "isoinfo -d (level $lvl): $(tail -3 "$X/isoinfo.log")"
	isoinfo -l -i "$X/plain.iso" >"$X/isoinfo.log" 2>&1 ||
	    fail "isoinfo -l (level $lvl)"
	"$VT" -r cd9660 "$X/plain.iso" >"$X/vt.log" 2>&1 ||
	    { tail -3 "$X/vt.log"; fail "vfs_test -r (plain level $lvl)"; }
	# the data is all there, under plain names
	"$BIN/ukfs-cp" -R "$X/plain.iso:/" "$X/p" >/dev/null 2>&1 ||
	    fail "ukfs-cp (plain level $lvl)"
	(cd "$SMALL" && find . -type f -exec cksum {} + | cut -d' ' -f1,2 |
	    sort) >"$X/a"
	(cd "$X/p" && find . -type f -exec cksum {} + | cut -d' ' -f1,2 |
	    sort) >"$X/b"
	cmp -s "$X/a" "$X/b" || fail "plain level $lvl: the files differ"
	rm -rf "$X/p"
done
"$BIN/ukfs-makefs" -t cd9660 -o bogus "$X/bad.iso" "$SMALL" 2>/dev/null &&
    fail "an unknown option was accepted"

# --- 4. a sparse file over 4 GiB -------------------------------------------------
mkdir -p "$X/big"
truncate -s 4400000000 "$X/big/big"
for o in 0 4294965000 4294967290 4399999000; do
	printf 'data@%s\n' "$o" | dd of="$X/big/big" bs=1 seek="$o" \
	    conv=notrunc status=none
done
"$BIN/ukfs-makefs" -t cd9660 "$X/big.iso" "$X/big" || fail "ukfs-makefs big"
used=$(du -k "$X/big.iso" | cut -f1)
[ "$used" -lt 100000 ] || fail "big.iso is not sparse ($used KiB)"
s=$(xorriso -indev "$X/big.iso" -lsl /big 2>/dev/null | awk '{ print $5 }')
[ "$s" = 4400000000 ] || fail "xorriso sees big as $s bytes"
"$BIN/ukfs-cat" "$X/big.iso:/big" | cmp - "$X/big/big" ||
    fail "big: content differs"

echo "t_cd9660_write: $nfail failed"
[ $nfail -eq 0 ]
