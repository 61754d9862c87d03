#!/bin/sh
# GPT disks made by sfdisk and sgdisk holding ext2, FAT and ffs: each file
# system is reached by IMAGE@N and by byte window and reads exactly as the
# bare image; ukfs-parts shows sgdisk's types and names.  A damaged
# primary header, or damaged primary entries, is replaced by the backup
# (with a note); both copies damaged means no table.
. "$(dirname "$0")/parts_lib.sh"

mkfs_all "$W"
D=$W/gpt.img
truncate -s 80M "$D"
printf '%s\n' 'label: gpt' \
    'start=2048, size=32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"' \
    'start=36864, size=32768, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="data"' \
    'start=71680, size=32768, type=49F48D5A-B10E-11DC-B99B-0019D1879648, name="netbsd"' |
    sfdisk -q "$D" || { echo "FAIL: sfdisk"; exit 1; }
put "$D" "$W/ext2.img" 2048
put "$D" "$W/fat.img" 36864
put "$D" "$W/ffs.img" 71680
# a fourth entry in slot 7 by sgdisk, empty slots between
sgdisk -n 7:106496:+8M -t 7:8300 -c 7:extra "$D" >/dev/null ||
    fail "sgdisk -n"

"$BIN/ukfs-parts" "$D" >"$W/parts" 2>"$W/err" || fail "ukfs-parts: $(cat "$W/err")"
sgdisk -p "$D" | awk '$1 ~ /^[0-9]+$/ { print $1, $2, $3, $NF }' >"$W/sg"
n=0
while read -r num first last name; do
	line=$(awk -v p="@$num" '$1 == p' "$W/parts")
	set -- $line
	if [ "${2:-}" = gpt ] && [ "${3:-}" = $((first * 512)) ] &&
	    [ "${4:-}" = $(((last - first + 1) * 512)) ] &&
	    [ "$(echo "$line" | awk '{ print $NF }')" = "$name" ]; then
		n=$((n + 1))
	else
		fail "ukfs-parts row for $num: '$line' (sgdisk: $first $last $name)"
	fi
done <"$W/sg"
[ "$n" -eq 4 ] && ok "ukfs-parts agrees with sgdisk -p on 4 partitions" ||
    fail "ukfs-parts agreed on $n of 4"
for want in '@1 .*Linux filesystem *ext2fs *root' \
    '@2 .*Microsoft basic data *msdos *data' '@3 .*NetBSD FFS *ffs *netbsd'; do
	grep -q -- "^$want" "$W/parts" || fail "ukfs-parts: no '$want' in: $(cat "$W/parts")"
done

same "$D@1" "$W/ext2.img" "ext2 in GPT partition 1"
same "$D@2" "$W/fat.img" "FAT in GPT partition 2"
same "$D@3" "$W/ffs.img" "ffs in GPT partition 3"
same "$D%OFFSET:$((71680 * 512)),$((104448 * 512))%" "$W/ffs.img" "ffs by byte window"
refused "$D@4" "no partition 4 (have: 1, 2, 3, 7)" "empty GPT slot"

# damaged primary header: the backup is used, with a note
cp "$D" "$W/hdr.img"
printf 'XXXX' | dd of="$W/hdr.img" bs=1 seek=$((512 + 24)) conv=notrunc status=none
"$BIN/ukfs-parts" "$W/hdr.img" >"$W/parts2" 2>"$W/err"
grep -q "primary GPT header at LBA 1 is damaged (header CRC mismatch); using the backup" "$W/err" &&
    ok "damaged primary header reported" || fail "no note: $(cat "$W/err")"
cmp -s "$W/parts" "$W/parts2" && ok "backup table lists the same partitions" ||
    fail "backup listing differs: $(diff "$W/parts" "$W/parts2")"
same "$W/hdr.img@3" "$W/ffs.img" "ffs through the backup GPT"
# damaged primary entries (header intact): the backup too
cp "$D" "$W/ent.img"
printf 'ZZ' | dd of="$W/ent.img" bs=1 seek=$((1024 + 56)) conv=notrunc status=none
"$BIN/ukfs-parts" "$W/ent.img" 2>"$W/err" | cmp -s - "$W/parts" &&
    grep -q "entry array CRC mismatch" "$W/err" && ok "damaged primary entries" ||
    fail "damaged primary entries: $(cat "$W/err")"
same "$W/ent.img@1" "$W/ext2.img" "ext2 through the backup entries"
# the FUSE daemons take the names too: a partition, and a gzip'ed
# image (mounted read-only by itself)
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v fusermount3 >/dev/null; then
	M=$W/mnt
	mkdir -p "$M"
	"$BIN/ukfs-cp" -Rp "$W/ffs.img:/" "$W/bare" 2>/dev/null
	for src in "$D@3" "$D%OFFSET:$((71680 * 512)),$((104448 * 512))%"; do
		if "$BIN/rump_ffs" -o ro "$src" "$M" 2>"$W/err"; then
			"$T/treecmp" "$M" "$W/bare" >"$W/cmp" 2>&1 &&
			    ok "rump_ffs of $(basename "$src")" ||
			    fail "rump_ffs of $src: $(head -3 "$W/cmp")"
			fusermount3 -u "$M"
		else
			fail "rump_ffs $src: $(cat "$W/err")"
		fi
	done
	gzip -c "$W/ext2.img" >"$W/e.gz"
	if "$BIN/rump_ext2fs" "$W/e.gz" "$M" 2>"$W/err"; then
		grep -q " $M .*\bro\b" /proc/mounts && ok "rump_ext2fs mounts a gzip'ed image read-only" ||
		    fail "gzip'ed image mounted writable: $(grep " $M " /proc/mounts)"
		fusermount3 -u "$M"
	else
		fail "rump_ext2fs of a gzip'ed image: $(cat "$W/err")"
	fi
fi

# both damaged: no table (the protective MBR alone is listed)
printf 'XXXX' | dd of="$W/ent.img" bs=1 seek=$((80 * 1024 * 1024 - 512 + 24)) conv=notrunc status=none
refused "$W/ent.img@2" "no partition 2" "both GPT copies damaged"
finish
