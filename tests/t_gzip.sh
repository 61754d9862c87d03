#!/bin/sh
# gzip-compressed images read directly: ext2, FAT and ffs images and a
# partitioned disk, gzip'ed whole and as several concatenated members,
# read exactly as the uncompressed ones (whole-tree compare); writes are
# refused with EROFS and leave the file alone; nothing is written beside
# the image; damaged or cut-short streams give errors, not wrong data.
. "$(dirname "$0")/parts_lib.sh"

mkfs_all "$W"
for fs in ext2 fat ffs ffsbe; do
	gzip -6 -c "$W/$fs.img" >"$W/$fs.img.gz"
	same "$W/$fs.img.gz" "$W/$fs.img" "gzip'ed $fs"
done

# the seek index is cached under $XDG_CACHE_HOME, and a damaged cache
# entry is not trusted
n=$(ls "$XDG_CACHE_HOME/ukfs" 2>/dev/null | grep -c '^gz-.*\.idx$')
[ "$n" -ge 4 ] && ok "$n seek indexes cached under \$XDG_CACHE_HOME" ||
    fail "no seek indexes cached: $(ls -la "$XDG_CACHE_HOME" 2>&1)"
for f in "$XDG_CACHE_HOME"/ukfs/gz-*.idx; do
	head -c 3000 "$f" >"$f.t" && mv "$f.t" "$f"
done
same "$W/ffs.img.gz" "$W/ffs.img" "gzip'ed ffs with cut-short cache entries"
for f in "$XDG_CACHE_HOME"/ukfs/gz-*.idx; do
	printf '\377\377\377\377\377\377\377\377' | dd of="$f" bs=1 seek=72 conv=notrunc status=none
done
same "$W/ffs.img.gz" "$W/ffs.img" "gzip'ed ffs with a bad record in the cache"
UKFS_GZ_CACHE=0 "$BIN/ukfs-cat" "$W/ext2.img.gz:/sizes/size-0000274433" | cmp -s - "$SMALL/sizes/size-0000274433" &&
    ok "UKFS_GZ_CACHE=0" || fail "UKFS_GZ_CACHE=0"

# several members: gzip(1) reads them as one stream, so do we
split -b 5000000 "$W/ffs.img" "$W/piece."
for p in "$W"/piece.*; do gzip -1 -c "$p"; done >"$W/multi.img.gz"
rm -f "$W"/piece.*
same "$W/multi.img.gz" "$W/ffs.img" "gzip with 4 members"

# a partitioned disk, gzip'ed: partitions by number and by window
D=$W/disk.img
truncate -s 40M "$D"
printf '%s\n' 'label: gpt' 'start=2048, size=32768' 'start=36864, size=32768' |
    sfdisk -q "$D" || fail sfdisk
put "$D" "$W/ext2.img" 2048
put "$D" "$W/fat.img" 36864
gzip -c "$D" >"$D.gz"
"$BIN/ukfs-parts" "$D" >"$W/p1" && "$BIN/ukfs-parts" "$D.gz" >"$W/p2" &&
    cmp -s "$W/p1" "$W/p2" && ok "ukfs-parts of the gzip'ed disk" ||
    fail "ukfs-parts of the gzip'ed disk: $(diff "$W/p1" "$W/p2")"
same "$D.gz@2" "$W/fat.img" "FAT in partition 2 of a gzip'ed disk"
same "$D.gz%OFFSET:$((2048 * 512)),$((34816 * 512))%" "$W/ext2.img" "ext2 by window in a gzip'ed disk"

# read-only: every writing tool is refused with EROFS and a message
cp "$W/ext2.img.gz" "$W/keep.gz"
echo x >"$W/err"
before=$(ls -a "$W")
for cmd in "ukfs-mkdir $W/ext2.img.gz:/newdir" "ukfs-touch $W/ext2.img.gz:/sizes/new" \
    "ukfs-rm $W/ext2.img.gz:/sizes/size-0000000001" "ukfs-cp $W/keep.gz $W/ext2.img.gz:/x"; do
	if $BIN/$cmd 2>"$W/err"; then
		fail "$cmd succeeded"
	elif grep -q "gzip-compressed image is read-only" "$W/err"; then
		ok "refused: ${cmd%% *}"
	else
		fail "$cmd: $(cat "$W/err")"
	fi
done
cmp -s "$W/keep.gz" "$W/ext2.img.gz" && ok "the image is unchanged" || fail "image changed"
after=$(ls -a "$W")
[ "$before" = "$after" ] && ok "nothing written beside the image" ||
    fail "files appeared: $before vs $after"

# damage: a flipped byte in the deflate data, and a cut-short stream
cp "$W/ffs.img.gz" "$W/bad.gz"
size=$(stat -c %s "$W/bad.gz")
printf '\377\377\377\377' | dd of="$W/bad.gz" bs=1 seek=$((size / 2)) conv=notrunc status=none
rm -rf "$W/a"
if "$BIN/ukfs-cp" -Rp "$W/bad.gz:/" "$W/a" 2>"$W/err"; then
	"$T/treecmp" "$W/a" "$SMALL" >/dev/null 2>&1 &&
	    fail "a damaged stream read as good" ||
	    ok "damaged stream: the damage never reaches a file silently"
else
	ok "damaged stream refused: $(head -1 "$W/err")"
fi
head -c $((size / 2)) "$W/ffs.img.gz" >"$W/short.gz"
if "$BIN/ukfs-info" "$W/short.gz" >/dev/null 2>"$W/err"; then
	fail "a cut-short stream mounted"
else
	ok "cut-short stream refused: $(head -1 "$W/err")"
fi
finish
