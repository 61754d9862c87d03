#!/bin/sh
# msdos, write side:
#  1. the VFS battery (vfs_test) on fresh images of mkfs.fat (FAT12, FAT16,
#     FAT32) and of ukfs-newfs (also 4 KiB sectors, one FAT, big clusters),
#     each followed by fsck.fat -n and ukfs-fsck: clean;
#  2. ukfs-newfs images pass fsck.fat and mtools reads them (label too);
#  3. a tree written with ukfs-cp -Rp (and one made by ukfs-makefs)
#     reads back identically through mcopy (names, contents, times to 2
#     s) and through ukfs-cp;
#  4. short names as Windows and mtools make them (LONGFI~1.TXT, ...);
#  5. filling the file system: ENOSPC, then fsck.fat finds the FSInfo
#     free count exact, and freeing gives every cluster back;
#  6. the dirty bit: set while mounted read-write, refused without force;
#  7. mount options uid=, gid=, mask=, dirmask=;
#  8. what FAT cannot do fails cleanly: bad names (EINVAL), symlinks and
#     chown (EOPNOTSUPP); chmod sets the read-only attribute.
# Before all that, msdos_test.c checks FAT's own rules (case, names, file
# numbers, unlinked open files, zero fill, cookies, modes, a full root).
. "${TOP:-.}/tests/msdos_lib.sh"

VT=$TOP/$B/tests/vfs_test

# fsck_both IMG WHAT: both checkers must find IMG clean
fsck_both() {
	fsck.fat -n "$1" >"$TMP/fsck.log" 2>&1 ||
	    { fail "$2: fsck.fat -n"; tail -8 "$TMP/fsck.log"; }
	"$BIN/ukfs-fsck" -t msdos -n "$1" >"$TMP/fsck.log" 2>&1 ||
	    { fail "$2: ukfs-fsck"; tail -8 "$TMP/fsck.log"; }
}

# --- 0. FAT's own rules (tests/msdos_test.c) ---------------------------------
for fat in 12 16 32; do
	rm -f "$TMP/m.img"
	mkfs.fat -F $fat -C "$TMP/m.img" 65536 >/dev/null
	"$TOP/$B/tests/msdos_test" "$TMP/m.img" >"$TMP/mt.log" 2>&1 ||
	    { fail "msdos_test on FAT$fat"; tail -10 "$TMP/mt.log"; }
	fsck_both "$TMP/m.img" "FAT$fat after msdos_test"
done

# --- 1. the VFS battery -----------------------------------------------------
battery() {
	what=$1
	img=$2
	"$VT" msdos "$img" >"$TMP/vt.log" 2>&1 ||
	    { fail "$what: vfs_test"; tail -10 "$TMP/vt.log"; }
	fsck_both "$img" "$what after vfs_test"
}
for fat in 12 16 32; do
	echo "== vfs_test on mkfs.fat -F $fat"
	rm -f "$TMP/v.img"
	mkfs.fat -F $fat -C "$TMP/v.img" 65536 >/dev/null
	battery "mkfs.fat -F $fat" "$TMP/v.img"
done
for args in "-F 12" "-F 16" "-F 32" "-s 64m -o sectorsize=4096" \
    "-F 32 -o sectorsize=2048" "-o nfats=1" "-F 32 -c 64" "-F 16 -c 2"; do
	echo "== vfs_test on ukfs-newfs $args"
	rm -f "$TMP/v.img"
	# shellcheck disable=SC2086 # args is a list of options
	"$BIN/ukfs-newfs" -t msdos -s 64m $args "$TMP/v.img" ||
	    { fail "ukfs-newfs $args"; continue; }
	battery "ukfs-newfs $args" "$TMP/v.img"
done

# --- 2. newfs images through the peers ---------------------------------------
for sz in 1m 8m 20m 300m 600m; do
	rm -f "$TMP/n.img"
	"$BIN/ukfs-newfs" -t msdos -s $sz -L "Vol $sz" "$TMP/n.img" ||
	    { fail "ukfs-newfs -s $sz"; continue; }
	fsck.fat -n "$TMP/n.img" >/dev/null 2>&1 || fail "newfs $sz: fsck.fat"
	mdir -i "$TMP/n.img" ::/ >"$TMP/mdir.log" 2>&1 ||
	    fail "newfs $sz: mdir"
	grep -q "Volume in drive : is VOL $(echo $sz | tr a-z A-Z)" \
	    "$TMP/mdir.log" || { fail "newfs $sz: label"; head -3 "$TMP/mdir.log"; }
done
"$BIN/ukfs-newfs" -t msdos -s 64m -F 16 -c 1 "$TMP/bad.img" 2>/dev/null &&
    fail "newfs: FAT16 with 512-byte clusters on 64 MiB is impossible"

# --- 3. a tree written by us, read by mtools and by us -----------------------
src=$TMP/src
mkfattree "$src/tree" 300
for fat in 12 16 32; do
	echo "== round trip through FAT$fat"
	img=$TMP/w$fat.img
	rm -rf "$img" "$TMP/mo" "$TMP/uo"
	mkfs.fat -F $fat -C "$img" 65536 >/dev/null
	"$BIN/ukfs-cp" -Rp "$src/tree" "$img:/" >"$TMP/cp.log" 2>&1 ||
	    { fail "FAT$fat: ukfs-cp -Rp into the image"; tail -5 "$TMP/cp.log"; }
	fsck_both "$img" "FAT$fat after ukfs-cp"
	mkdir -p "$TMP/mo" "$TMP/uo"
	mcopy -s -p -m -i "$img" ::/tree "$TMP/mo/" || fail "FAT$fat: mcopy out"
	# mtools cuts non-BMP characters, misreads years past 2100 and
	# lower-cases only ASCII in 8.3 names when it extracts
	fatcmp "$src/tree" "$TMP/mo/tree" -I nonbmp -I 'times/t-21*' \
	    -I 'names/caf*' >"$TMP/cmp.log" ||
	    { fail "FAT$fat: mcopy reads back a different tree"; head -20 "$TMP/cmp.log"; }
	"$BIN/ukfs-cp" -Rp "$img:/tree" "$TMP/uo/" || fail "FAT$fat: ukfs-cp out"
	fatcmp "$src/tree" "$TMP/uo/tree" >"$TMP/cmp.log" ||
	    { fail "FAT$fat: we read back a different tree"; head -20 "$TMP/cmp.log"; }
done

# ... and through ukfs-makefs
echo "== ukfs-makefs -t msdos"
img=$TMP/mk.img
rm -rf "$img" "$TMP/mo"
"$BIN/ukfs-makefs" -t msdos "$img" "$src/tree" >"$TMP/mk.log" 2>&1 ||
    { fail "ukfs-makefs -t msdos"; tail -5 "$TMP/mk.log"; }
fsck_both "$img" "ukfs-makefs"
mkdir -p "$TMP/mo"
mcopy -s -p -m -i "$img" ::/ "$TMP/mo/" || fail "makefs: mcopy out"
fatcmp "$src/tree" "$TMP/mo" -I nonbmp -I 'times/t-21*' -I 'names/caf*' \
    >"$TMP/cmp.log" ||
    { fail "makefs: mcopy reads back a different tree"; head -20 "$TMP/cmp.log"; }

# --- 4. short names ------------------------------------------------------------
img=$TMP/s.img
rm -f "$img"
mkfs.fat -F 16 -C "$img" 16384 >/dev/null
for n in "Long File Name.txt" "LongFileName.txt" "longfilename.txt1" \
    readme.txt README.TXT2 Mixed.Txt "x+y.dat"; do
	printf '%s' "$n" | "$BIN/ukfs-write" "$img:/$n" 2>/dev/null ||
	    fail "write $n"
done
# names are found whatever their case: this writes LongFileName.txt
printf overwritten | "$BIN/ukfs-write" "$img:/LONGFILENAME.TXT" ||
    fail "write LONGFILENAME.TXT"
mdir -i "$img" ::/ >"$TMP/mdir.log" 2>&1
for want in "LONGFI~1 TXT.*Long File Name.txt" \
    "LONGFI~2 TXT  *11 .*LongFileName.txt" "LONGFI~3 TXT.*longfilename.txt1" \
    "readme   txt" "README~1 TXT.*README.TXT2" "MIXED    TXT.*Mixed.Txt" \
    "X_Y~1    DAT.*x+y.dat"; do
	grep -q "^$want" "$TMP/mdir.log" ||
	    { fail "short names: no '$want'"; cat "$TMP/mdir.log"; }
done
[ "$(mdir -i "$img" ::/ | grep -c '^LONG')" -eq 3 ] ||
    fail "a name differing in case only made a new file"
[ "$("$BIN/ukfs-cat" "$img:/longfi~2.txt" 2>/dev/null)" = overwritten ] ||
    fail "lookup by short name, any case"
fsck_both "$img" "short names"

# --- 5. full ----------------------------------------------------------------
img=$TMP/full.img
rm -f "$img"
mkfs.fat -F 32 -C "$img" 40000 >/dev/null
free0=$("$BIN/ukfs-info" "$img" | awk '/^blocks:/ { print $4 }')
head -c 60000000 /dev/zero | "$BIN/ukfs-write" "$img:/big" 2>"$TMP/w.log" &&
    fail "60 MB fit in 40 MB"
grep -q "No space left" "$TMP/w.log" || fail "no ENOSPC: $(cat "$TMP/w.log")"
fsck_both "$img" "full by one file"
"$BIN/ukfs-mkdir" "$img:/d" 2>/dev/null && fail "mkdir on a full file system"
"$BIN/ukfs-rm" "$img:/big" || fail "rm big"
free1=$("$BIN/ukfs-info" "$img" | awk '/^blocks:/ { print $4 }')
[ "$free0" = "$free1" ] || fail "free clusters: $free0 before, $free1 after"
fsck_both "$img" "emptied"
# many small files until the directory cannot grow any more
"$BIN/ukfs-mkdir" "$img:/many" || fail "mkdir many"
i=0
while [ $i -lt 2000 ]; do
	head -c 300000 /dev/zero | "$BIN/ukfs-write" "$img:/many/file-$i" \
	    2>/dev/null || break
	i=$((i + 1))
done
[ $i -lt 2000 ] || fail "2000 files of 300 KB fit in 40 MB"
fsck_both "$img" "full by many files"
"$BIN/ukfs-rm" -r "$img:/many" || fail "rm -r many"
free1=$("$BIN/ukfs-info" "$img" | awk '/^blocks:/ { print $4 }')
[ "$free0" = "$free1" ] || fail "free clusters: $free0 before, $free1 after"
fsck_both "$img" "emptied again"

# --- 6. the dirty bit ----------------------------------------------------------
img=$TMP/dirty.img
rm -f "$img"
mkfs.fat -F 16 -C "$img" 16384 >/dev/null
fatgeom "$img"
poke "$img" $((fatoff + 3)) 127 # FAT[1]: clean bit off (first FAT)
poke "$img" $((fatoff + fatsz * bps + 3)) 127
"$BIN/ukfs-mkdir" "$img:/x" 2>/dev/null && fail "rw mount of a dirty FAT16"
"$BIN/ukfs-ls" "$img:/" >/dev/null || fail "ro mount of a dirty FAT16"
"$BIN/ukfs-mkdir" -o force "$img:/x" || fail "rw mount with force"
[ "$(le "$img" $((fatoff + 3)) 1)" -ge 128 ] ||
    fail "the clean bit is not set after a clean unmount"

# --- 7. mount options: owner, masks ------------------------------------------
img=$TMP/o.img
rm -f "$img"
mkfs.fat -F 16 -C "$img" 16384 >/dev/null
"$BIN/ukfs-mkdir" "$img:/dir" && printf x | "$BIN/ukfs-write" "$img:/dir/f" ||
    fail "mkdir, write"
opts=uid=1000,gid=100,mask=750,dirmask=700 # NetBSD: the bits kept
"$BIN/ukfs-stat" -o $opts "$img:/dir/f" >"$TMP/st.log" || fail "stat -o $opts"
grep -q "rwxr-x---" "$TMP/st.log" && grep -q "1000" "$TMP/st.log" &&
    grep -q "100" "$TMP/st.log" || { fail "file under $opts"; cat "$TMP/st.log"; }
"$BIN/ukfs-stat" -o $opts "$img:/dir" | grep -q "drwx------" ||
    fail "dirmask=700"
"$BIN/ukfs-stat" -o mask=9 "$img:/dir" >/dev/null 2>&1 &&
    fail "mask=9 accepted"
"$BIN/ukfs-stat" -o nosuchoption "$img:/dir" >/dev/null 2>&1 &&
    fail "an unknown option accepted"

# --- 8. what FAT cannot hold ---------------------------------------------------
img=$TMP/c.img
rm -f "$img"
mkfs.fat -F 12 -C "$img" 4096 >/dev/null
for n in 'a*b' 'a?b' 'a<b' 'a>b' 'a|b' 'a"b' 'a:b' 'a\b' "$(printf 'a\tb')" \
    'dot.' 'blank '; do
	printf x | "$BIN/ukfs-write" "$img:/$n" 2>"$TMP/e.log" &&
	    fail "created '$n'"
	grep -q "Invalid argument" "$TMP/e.log" ||
	    fail "'$n': not EINVAL: $(cat "$TMP/e.log")"
done
"$BIN/ukfs-ln" -s "$img" target /link 2>"$TMP/e.log" && fail "symlink"
grep -q "not supported" "$TMP/e.log" || fail "symlink: $(cat "$TMP/e.log")"
printf x | "$BIN/ukfs-write" "$img:/f" || fail "write f"
"$BIN/ukfs-chown" 1000 "$img" /f 2>"$TMP/e.log" && fail "chown"
grep -q "not supported" "$TMP/e.log" || fail "chown: $(cat "$TMP/e.log")"
"$BIN/ukfs-chmod" a-w "$img:/f" || fail "chmod a-w"
mattrib -i "$img" ::/f | grep -q "^  *R\|^ *A *R\| R " ||
    fail "chmod a-w: no read-only attribute: $(mattrib -i "$img" ::/f)"
"$BIN/ukfs-stat" "$img:/f" | grep -q 'r-xr-xr-x' ||
    fail "read-only file mode: $("$BIN/ukfs-stat" "$img:/f")"
"$BIN/ukfs-chmod" u+w "$img:/f" || fail "chmod u+w"
mattrib -i "$img" ::/f | grep -q " R " && fail "chmod u+w left R"
fsck_both "$img" "refusals"

finish
