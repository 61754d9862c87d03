#!/bin/sh
# librumphijack, read side: ls, cat, find, tar, cp, diff and python3 on
# images of ext2, ffs, msdos, cd9660 and lfs served by ukfs-server, against the tree
# ukfs-cp extracts and against FUSE mounts (tests/hijack_read.sh).
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
. "$TOP/tests/remote_lib.sh"
. "$TOP/tests/hijack_read.sh"
set +e
TREECMP=$TOP/$B/tests/treecmp
[ -f "$LIB/librumphijack.so" ] || { echo "FAIL: librumphijack not built"; exit 1; }

# a copy: the server holds its image, which other tests wait to be free
cp "$EXACT" "$TMP/ext2.img"
hijack_read ext2 "$TMP/ext2.img"
rm -f "$TMP/ext2.img"

if command -v makefs >/dev/null; then
	makefs -t ffs -o version=2 "$TMP/ffs.img" "$FIX" >"$TMP/mk.log" 2>&1 ||
	    fail "makefs: $(tail -1 "$TMP/mk.log")"
	hijack_read ffs "$TMP/ffs.img"
	rm -f "$TMP/ffs.img"
else
	fail "no makefs (apt-get install makefs)"
fi

if command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null; then
	mkdir -p "$TMP/fat/sub/deeper"
	cp "$FIX"/sizes/* "$TMP/fat/sub/" 2>/dev/null
	echo "hello" >"$TMP/fat/Mixed Case Name.txt"
	printf 'x%.0s' $(seq 1 5000) >"$TMP/fat/sub/deeper/long_file_name_here.dat"
	mkfs.fat -F 16 -C "$TMP/fat.img" 32768 >/dev/null &&
	    MTOOLS_SKIP_CHECK=1 mcopy -s -p -m -i "$TMP/fat.img" "$TMP"/fat/* ::/ ||
	    fail "cannot make the FAT image"
	hijack_read msdos "$TMP/fat.img"
else
	fail "no mkfs.fat/mcopy (apt-get install dosfstools mtools)"
fi

if command -v xorriso >/dev/null; then
	xorriso -as mkisofs -quiet --hardlinks -R -J -o "$TMP/cd.iso" "$FIX" \
	    >"$TMP/mk.log" 2>&1 || fail "xorriso: $(tail -1 "$TMP/mk.log")"
	hijack_read cd9660 "$TMP/cd.iso"
	rm -f "$TMP/cd.iso"
else
	fail "no xorriso (apt-get install xorriso)"
fi

"$BIN/ukfs-makefs" -t lfs "$TMP/lfs.img" "$FIX" >"$TMP/mk.log" 2>&1 ||
    fail "ukfs-makefs -t lfs: $(tail -1 "$TMP/mk.log")"
hijack_read lfs "$TMP/lfs.img"
rm -f "$TMP/lfs.img"
finish
