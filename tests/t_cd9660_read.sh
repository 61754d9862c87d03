#!/bin/sh
# cd9660, read side: images of the fixture made by the ecosystem's tools,
# copied out with ukfs-cp -Rp and compared with the source (treecmp):
#   xorriso -as mkisofs -R -J     (Rock Ridge; Joliet and plain views too)
#   genisoimage -R -J             (relocates deep directories: rr_moved)
#   makefs -t cd9660 -o rockridge (Debian makefs: PX serial numbers, short
#                                  TF entries, .rr_moved without RE)
#   xorriso zisofs filter         (compressed files)
#   xorriso -iso-level 3          (a sparse file over 4 GiB: multi-extent)
# vfs_test -r walks each; damaged images (tests/cd9660_mkbad.c) give
# errors, never a crash or a hang.
#
# What the images cannot hold is left out of the comparisons: times
# below a second (7-byte TF stamps) and after 2155, hard links of empty
# files and of symlinks where there are no PX serial numbers (xorriso,
# genisoimage), runs of '/' in symlink targets (makefs collapses them).
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
BIN=$TOP/$B/bin
TC=$TOP/$B/tests/treecmp
VT=$TOP/$B/tests/vfs_test
MKBAD=$TOP/$B/tests/cd9660_mkbad
FIX=$TESTDATA/fixture
SMALL=$TESTDATA/small
X=$TESTDATA/cd9660
export TZ=UTC LC_ALL=C

# scratch space of this run (the images are shared, and made once)
T=$(mktemp -d "${TMPDIR:-/tmp}/t_cd9660.XXXXXX")
trap 'rm -rf "$T"' EXIT

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

# Differences every 7-byte-TF image has.
COMMON='^(times/[tld]-ns|hard/three|hard/three-same-dir|hard/sub/three-other-dir): mtime: |^times-wide/w-2446: mtime: |^treecmp: '
NOSERIAL='^hard/(empty-[ab]|sym-a|sub/sym-b): (links|hardlinks): '
SLASHES='^links/len[0-9]+: (size|target): '

# check IMAGE SRC ALLOWED-ERE [MOUNT-OPTIONS]: copy out, compare, walk
check() {
	img=$1 src=$2 allow=$3 opts=${4:-}
	echo "== $(basename "$img") ${opts:+-o $opts}"
	rm -rf "$T/out"
	if ! "$BIN/ukfs-cp" ${opts:+-o "$opts"} -Rp "$img:/" "$T/out" \
	    >"$T/cp.log" 2>&1; then
		tail -5 "$T/cp.log"
		fail "$(basename "$img"): ukfs-cp"
	fi
	"$TC" "$T/out" "$src" >"$T/cmp.log" 2>&1
	if grep -Ev "$allow" "$T/cmp.log" >"$T/bad.log"; then
		head -20 "$T/bad.log"
		fail "$(basename "$img") differs from $(basename "$src")"
	fi
	tail -1 "$T/cmp.log"
	if [ -z "$opts" ]; then
		"$VT" -r cd9660 "$img" >"$T/vt.log" 2>&1 ||
		    { tail -5 "$T/vt.log"; fail "$(basename "$img"): vfs_test -r"; }
	fi
	rm -rf "$T/out"
}

mkdir -p "$X"
if [ ! -f "$X/.stamp" ]; then
	rm -rf "$X"/*
	# genisoimage spins forever on symlinks of ~600 bytes and more
	cp -a "$FIX" "$X/gsrc" && rm "$X/gsrc/links/len1000" &&
	    touch -h -d '2011-11-11 11:11:11' "$X/gsrc/links" &&
	    xorriso -as mkisofs -quiet -input-charset utf-8 -R -J \
		-o "$X/xorriso.iso" "$FIX" \
		>"$X/mk.log" 2>&1 &&
	    timeout 120 genisoimage -quiet -input-charset utf-8 -R -J \
		-o "$X/genisoimage.iso" "$X/gsrc" >>"$X/mk.log" 2>&1 &&
	    makefs -t cd9660 -o rockridge "$X/makefs.iso" "$FIX" \
		>>"$X/mk.log" 2>&1 &&
	    xorriso -outdev "$X/zisofs.iso" -zisofs level=6 -map "$SMALL" / \
		-set_filter_r --zisofs / -- -commit >>"$X/mk.log" 2>&1 &&
	    touch "$X/.stamp" || { tail "$X/mk.log"; fail "making images"; }
fi
check "$X/xorriso.iso" "$FIX" "$COMMON|$NOSERIAL"
check "$X/genisoimage.iso" "$X/gsrc" "$COMMON|$NOSERIAL"
check "$X/makefs.iso" "$FIX" "$COMMON|$SLASHES"
check "$X/zisofs.iso" "$SMALL" "$COMMON|$NOSERIAL"
n=$("$BIN/ukfs-ls" -l -R "$X/zisofs.iso:/" 2>/dev/null | wc -l)
[ "$n" -gt 100 ] || fail "zisofs.iso: listing too short ($n)"

# --- Joliet and plain views of the xorriso image ----------------------------
J=$("$BIN/ukfs-ls" -o norrip "$X/xorriso.iso:/names" 2>&1)
for n in 'héllo wörld' '日本語.txt' 'MixedCase.TXT' \
    'with space' 'x.tar.gz' 'UPPER' 'upper' 'trailing.'; do
	printf '%s\n' "$J" | grep -qxF "$n" || fail "Joliet: no name '$n'"
done
"$BIN/ukfs-cat" -o norrip "$X/xorriso.iso:/names/日本語.txt" |
    cmp -s - "$FIX/names/日本語.txt" || fail "Joliet: content differs"
P=$("$BIN/ukfs-ls" -o norrip,nojoliet "$X/xorriso.iso:/sizes" 2>&1)
printf '%s\n' "$P" | grep -q ';\|[A-Z]' && fail "plain names keep ';' or upper case"
[ "$(printf '%s\n' "$P" | wc -l)" -eq "$(ls "$FIX/sizes" | wc -l)" ] ||
    fail "plain view: $(printf '%s\n' "$P" | wc -l) names in sizes/"
"$BIN/ukfs-ls" -o norrip,nojoliet,gens,nomaplcase "$X/xorriso.iso:/SIZES" \
    2>&1 | grep -q '^SIZE.*;1$' || fail "gens,nomaplcase: no SIZE...;1 names"
for o in norrip norrip,nojoliet; do
	"$VT" -r cd9660 "$X/xorriso.iso" >/dev/null 2>&1 ||
	    fail "vfs_test -r with $o"
done
"$BIN/ukfs-ls" -o bogus "$X/xorriso.iso:/" >/dev/null 2>&1 &&
    fail "an unknown mount option was accepted"

# --- a file over 4 GiB, in two extents (made sparse) ------------------------
if [ ! -f "$X/big.stamp" ]; then
	rm -rf "$X/bigsrc" "$X/big.iso"
	mkdir -p "$X/bigsrc"
	truncate -s 4400000000 "$X/bigsrc/big"
	for o in 0 4294965000 4294967290 4399999000; do
		printf 'data@%s\n' "$o" | dd of="$X/bigsrc/big" bs=1 seek="$o" \
		    conv=notrunc status=none
	done
	echo small >"$X/bigsrc/small"
	xorriso -as mkisofs -quiet -R -iso-level 3 -o "$X/big.iso" \
	    "$X/bigsrc" >"$X/mk.log" 2>&1 &&
	    { fallocate --dig-holes "$X/big.iso" 2>/dev/null || true; } &&
	    touch "$X/big.stamp" || fail "making big.iso: $(tail -3 "$X/mk.log")"
fi
if [ -f "$X/big.stamp" ]; then
	echo "== big.iso"
	s=$("$BIN/ukfs-stat" -c %s "$X/big.iso:/big" 2>/dev/null ||
	    "$BIN/ukfs-ls" -l "$X/big.iso:/big" | awk '{ print $5 }')
	[ "$s" = 4400000000 ] || fail "big: size $s"
	"$BIN/ukfs-cat" "$X/big.iso:/big" | cmp - "$X/bigsrc/big" ||
	    fail "big: content differs"
	"$VT" -r cd9660 "$X/big.iso" >/dev/null 2>&1 || fail "big: vfs_test -r"
fi

# --- damaged images -----------------------------------------------------------
BAD=$X/bad
if [ ! -f "$BAD/.stamp" ]; then
	rm -rf "$BAD" "$X/badsrc"
	mkdir -p "$BAD" "$X/badsrc/d/e"
	head -c 5000 "$FIX/sizes/size-0000004096" >"$X/badsrc/f"
	ln -s a/b/c "$X/badsrc/l"
	echo x >"$X/badsrc/d/e/x"
	i=0
	while [ $i -lt 3000 ]; do
		echo "line $i of a compressible file"
		i=$((i + 1))
	done >"$X/badsrc/z"
	xorriso -outdev "$BAD/good.img" -map "$X/badsrc" / \
	    -set_filter --zisofs /z -- -commit >"$X/mk.log" 2>&1 &&
	    "$MKBAD" "$BAD/good.img" "$BAD" && touch "$BAD/.stamp" ||
	    fail "making damaged images: $(tail -3 "$X/mk.log")"
fi
check "$BAD/good.img" "$X/badsrc" "^treecmp: |: mtime: "
tab=$(printf '\t')
while IFS=$tab read -r name expect; do
	img=$BAD/$name.iso
	rm -rf "$T/out"
	timeout 60 "$BIN/ukfs-cp" -Rp "$img:/" "$T/out" >"$T/cp.log" 2>&1
	rc=$?
	timeout 60 "$VT" -r cd9660 "$img" >"$T/vt.log" 2>&1
	vrc=$?
	echo "== $name: cp $rc, vfs_test $vrc: $(grep -v '^  ' "$T/cp.log" | tail -1)"
	[ $rc -ge 124 ] && fail "$name: ukfs-cp crashed or hung (status $rc)"
	[ $vrc -ge 124 ] && fail "$name: vfs_test crashed or hung (status $vrc)"
	case $expect in
	mount | error)
		[ $rc -ne 0 ] || fail "$name: no error"
		grep -qi 'structure needs cleaning\|invalid argument\|not supported\|input/output\|no known file system' \
		    "$T/cp.log" || fail "$name: no clear error message"
		;;
	esac
	[ "$expect" = mount ] &&
	    ! grep -q 'cannot mount\|no known file system' "$T/cp.log" &&
	    fail "$name: mounted"
done <"$BAD/list.txt"
rm -rf "$T/out"

echo "t_cd9660_read: $nfail failed"
[ $nfail -eq 0 ]
