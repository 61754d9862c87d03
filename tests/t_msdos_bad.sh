#!/bin/sh
# msdos: damaged images give errors, never a crash or a hang.  Each image
# of tests/msdos_lib.sh's damage list is copied out (ukfs-cp -R), listed
# (ukfs-ls -lR), written to and checked; every run must end by itself in
# a few seconds with an ordinary exit status.  Damage that makes data
# unreadable must say so ("Structure needs cleaning"); a broken boot
# sector must keep the image from mounting.
. "${TOP:-.}/tests/msdos_lib.sh"

# run WHAT CMD...: no signal, no timeout; sets rc
run() {
	what=$1
	shift
	timeout 30 "$@" >"$TMP/run.log" 2>&1
	rc=$?
	if [ $rc -ge 124 ]; then
		fail "$what: exit status $rc (crash or hang)"
		tail -5 "$TMP/run.log"
	fi
}

base=$TMP/base.img
mkbase "$base"
for k in $DAMAGES; do
	img=$TMP/$k.img
	cp "$base" "$img"
	damage "$k" "$img"
	rm -rf "$TMP/out"
	mkdir "$TMP/out"
	run "$k: ukfs-cp -R" "$BIN/ukfs-cp" -R "$img:/" "$TMP/out/"
	cprc=$rc
	cp "$TMP/run.log" "$TMP/cp.log"
	run "$k: ukfs-ls -lR" "$BIN/ukfs-ls" -lR "$img:/"
	case $k in
	zeroboot | bps0 | spc0 | spc3 | nfats0 | rsvd0 | bigtot | fatsz0 | root0)
		[ $cprc -ne 0 ] && [ $rc -ne 0 ] ||
		    fail "$k: a broken boot sector mounted"
		;;
	cross | size | loop | range | freelink | dirloop | dirself)
		[ $cprc -ne 0 ] && grep -q "Structure needs cleaning" \
		    "$TMP/cp.log" || { fail "$k: no error reading"; cat "$TMP/cp.log"; }
		;;
	*)
		[ $cprc -eq 0 ] || { fail "$k: harmless damage stops ukfs-cp"; cat "$TMP/cp.log"; }
		;;
	esac
	# writing into damaged images: errors are fine, crashes are not
	run "$k: write" sh -c "printf data | '$BIN/ukfs-write' -o force '$img:/b.txt'"
	run "$k: mkdir" "$BIN/ukfs-mkdir" -o force "$img:/d/new"
	run "$k: rm" "$BIN/ukfs-rm" -r -o force "$img:/d"
	run "$k: fsck" "$BIN/ukfs-fsck" -t msdos -n "$img"
	echo "ok: $k"
done

# FAT32 roots: out of range, looping
img=$TMP/f32.img
rm -f "$img"
mkfs.fat -F 32 -C "$img" 65536 >/dev/null
mcopy -s -p -m -i "$img" "$TMP/base/d" "$TMP/base/b.txt" ::/
fatgeom "$img"
cp "$img" "$TMP/r.img"
poke "$TMP/r.img" 44 255 255 255 15
run "root cluster out of range" "$BIN/ukfs-ls" "$TMP/r.img:/"
[ $rc -ne 0 ] || fail "root cluster out of range: mounted"
cp "$img" "$TMP/r.img"
poke "$TMP/r.img" $((fatoff + 8)) 2 0 0 0
poke "$TMP/r.img" $((fatoff + fatsz * bps + 8)) 2 0 0 0
run "root chain loops" "$BIN/ukfs-ls" "$TMP/r.img:/"
[ $rc -ne 0 ] || fail "root chain loops: mounted"

finish
