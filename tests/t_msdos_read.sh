#!/bin/sh
# msdos, read side: images made by mkfs.fat and filled by mcopy -s -p -m
# (FAT12, FAT16, FAT32) read exactly through ukfs-cp -Rp: names (long,
# short with the NT lower-case flags, UTF-8), contents, sizes and
# modification times to 2 seconds.  With codepage=850 (what mtools
# writes) everything matches; with the default CP437 only the 8.3 names
# of characters CP437 lacks differ.  The read-only VFS walk agrees with
# itself, and ukfs-fsck finds the images clean, as fsck.fat does.
. "${TOP:-.}/tests/msdos_lib.sh"

src=$TMP/src
mkfattree "$src/big" 1100
mkfattree "$src/small" 100
rm -rf "$src/big/nonbmp" "$src/small/nonbmp"
mkdir "$src/names"
cp -a "$src/small/names" "$src/small/cp850" "$src/names/"

# check_image FAT KIB TREE [mkfs.fat options]
check_image() {
	fat=$1
	kib=$2
	tree=$3
	shift 3
	name=$(basename "$tree")
	img=$TMP/fat$fat.img
	out=$TMP/out$fat
	rm -rf "$img" "$out"
	echo "== FAT$fat ($kib KiB $*) from $name"
	mkfs.fat -F "$fat" "$@" -C "$img" "$kib" >/dev/null ||
	    { fail "mkfs.fat -F $fat $*"; return; }
	mcopy -s -p -m -i "$img" "$tree" ::/ || { fail "FAT$fat: mcopy"; return; }
	fsck.fat -n "$img" >/dev/null || fail "FAT$fat: fsck.fat on mcopy's image"
	mkdir -p "$out/850" "$out/437"
	"$BIN/ukfs-cp" -Rp -o codepage=850 "$img:/$name" "$out/850/" ||
	    fail "FAT$fat: ukfs-cp -o codepage=850"
	fatcmp "$tree" "$out/850/$name" >"$TMP/cmp.log" ||
	    { fail "FAT$fat: the tree differs (codepage 850)"; head -20 "$TMP/cmp.log"; }
	"$BIN/ukfs-cp" -Rp "$img:/$name" "$out/437/" || fail "FAT$fat: ukfs-cp"
	fatcmp "$tree" "$out/437/$name" -I cp850 >"$TMP/cmp.log" ||
	    { fail "FAT$fat: the tree differs (codepage 437)"; head -20 "$TMP/cmp.log"; }
	[ -e "$out/437/$name/cp850/ø.txt" ] &&
	    fail "FAT$fat: CP850's ø read as such under CP437"
	"$TOP/$B/tests/vfs_test" -r msdos "$img" >"$TMP/vt.log" 2>&1 ||
	    { fail "FAT$fat: vfs_test -r"; tail -5 "$TMP/vt.log"; }
	"$BIN/ukfs-fsck" -t msdos -n "$img" >"$TMP/fsck.log" 2>&1 ||
	    { fail "FAT$fat: ukfs-fsck"; tail -5 "$TMP/fsck.log"; }
	rm -rf "$out"
}

check_image 12 32768 "$src/small"
check_image 16 65536 "$src/small"
check_image 32 65536 "$src/big"
# other geometries: big sectors, big clusters, one FAT, small root (mtools
# takes FAT32 to have 65525 clusters at least: sparse images)
check_image 16 65536 "$src/small" -S 4096 -s 1
check_image 32 276480 "$src/small" -S 4096 -s 1
check_image 32 2200000 "$src/small" -s 64 -f 1
check_image 12 2000 "$src/names" -s 1 -r 224

finish
