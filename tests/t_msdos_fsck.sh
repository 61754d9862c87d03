#!/bin/sh
# msdos: ukfs-fsck -n agrees with fsck.fat -n: clean images are clean for
# both; each kind of damage (lost clusters, cross-linked chains, sizes that
# do not match chains, differing FATs, loops, links out of range or to free
# clusters, the dirty bit, orphaned long names, directories that loop or
# contain themselves, a wrong "..", broken boot sectors, a wrong FSInfo
# count) is a problem for both; a differing backup boot sector is worth a
# word but no problem to either.  ukfs-fsck -y repairs every kind of
# damage below the boot sector (exit 1) so that fsck.fat -n and
# ukfs-fsck -n find nothing and mtools reads the whole tree; a broken
# boot sector is left (exit 4).
. "${TOP:-.}/tests/msdos_lib.sh"

# verdict IMG: "clean" or "problems" from each checker
verdict() {
	if fsck.fat -n "$1" >"$TMP/fsck.fat.log" 2>&1; then a=clean; else a=problems; fi
	"$BIN/ukfs-fsck" -t msdos -n "$1" >"$TMP/ukfs.log" 2>&1
	rc=$?
	case $rc in
	0) b=clean ;;
	4) b=problems ;;
	*) b="exit $rc" ;;
	esac
}

# expect IMG WHAT clean|problems
expect() {
	verdict "$1"
	if [ "$a" != "$3" ] || [ "$b" != "$3" ]; then
		fail "$2: fsck.fat says $a, ukfs-fsck says $b (wanted $3)"
		grep -v '^fsck.fat' "$TMP/fsck.fat.log" | head -4
		head -4 "$TMP/ukfs.log"
	else
		echo "ok: $2: $3"
	fi
}

base=$TMP/base.img
mkbase "$base"
expect "$base" "mcopy's image" clean
for k in $DAMAGES; do
	cp "$base" "$TMP/d.img"
	damage "$k" "$TMP/d.img"
	expect "$TMP/d.img" "$k" problems
done

# FAT32: FSInfo and the backup boot sector
img=$TMP/f32.img
rm -f "$img"
mkfs.fat -F 32 -C "$img" 65536 >/dev/null
mcopy -s -p -m -i "$img" "$TMP/base/d" "$TMP/base/b.txt" ::/
expect "$img" "FAT32 image" clean
cp "$img" "$TMP/d.img"
n=$(le "$img" 1000 4)
n=$((n + 7))
poke "$TMP/d.img" 1000 $((n & 255)) $(((n >> 8) & 255)) $(((n >> 16) & 255)) \
    $((n >> 24))
expect "$TMP/d.img" "FSInfo free count off by 7" problems
cp "$img" "$TMP/d.img"
poke "$TMP/d.img" $((6 * 512 + 67)) 1 2 3 4 # the backup's volume id
expect "$TMP/d.img" "backup boot sector differs (harmless)" clean

# ours after writing, and after newfs
"$BIN/ukfs-cp" -R "$TMP/base" "$img:/copy" || fail "ukfs-cp"
expect "$img" "FAT32 image after ukfs-cp" clean
for fat in 12 16 32; do
	rm -f "$TMP/n.img"
	"$BIN/ukfs-newfs" -t msdos -F $fat -s 64m "$TMP/n.img"
	expect "$TMP/n.img" "ukfs-newfs -F $fat" clean
done

# repair IMG WHAT 1|4: ukfs-fsck -y exits so; after exit 1 both checkers
# find the image clean and mtools reads every file
repair() {
	"$BIN/ukfs-fsck" -t msdos -y "$1" >"$TMP/y.log" 2>&1
	rc=$?
	if [ $rc -ne "$3" ]; then
		fail "$2: ukfs-fsck -y exits $rc, not $3"
		head -4 "$TMP/y.log"
		return
	fi
	[ "$3" -eq 1 ] || { echo "ok: $2: left ($(tail -1 "$TMP/y.log"))"; return; }
	verdict "$1"
	if [ "$a" != clean ] || [ "$b" != clean ]; then
		fail "$2 after -y: fsck.fat says $a, ukfs-fsck says $b"
		grep -v '^fsck.fat' "$TMP/fsck.fat.log" | head -4
		head -4 "$TMP/ukfs.log"
		return
	fi
	rm -rf "$TMP/out"
	mkdir "$TMP/out"
	if ! mcopy -s -n -i "$1" '::*' "$TMP/out" >/dev/null 2>&1; then
		fail "$2 after -y: mcopy cannot read the tree"
		return
	fi
	echo "ok: $2: repaired"
}
cp "$base" "$TMP/d.img"
"$BIN/ukfs-fsck" -t msdos -y "$TMP/d.img" >/dev/null 2>&1 ||
    fail "ukfs-fsck -y on a clean image exits $?"
cmp -s "$base" "$TMP/d.img" || fail "ukfs-fsck -y changed a clean image"
for k in $DAMAGES; do
	cp "$base" "$TMP/d.img"
	damage "$k" "$TMP/d.img"
	case $k in
	zeroboot | bps0 | spc0 | spc3 | nfats0 | rsvd0 | bigtot | fatsz0 | root0)
		repair "$TMP/d.img" "$k" 4 ;;
	*)	repair "$TMP/d.img" "$k" 1 ;;
	esac
done
cp "$img" "$TMP/d.img"
n=$(le "$img" 1000 4)
n=$((n + 7))
poke "$TMP/d.img" 1000 $((n & 255)) $(((n >> 8) & 255)) $(((n >> 16) & 255)) \
    $((n >> 24))
repair "$TMP/d.img" "FAT32: FSInfo free count off by 7" 1

finish
