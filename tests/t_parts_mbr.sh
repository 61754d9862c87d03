#!/bin/sh
# MBR disks made by sfdisk holding ext2, FAT and ffs file systems in
# primary and logical partitions, and NetBSD disklabels (our generator
# tests/mkdisklabel.c, after disklabel(5)) in a NetBSD MBR partition and
# bare in both byte orders: every file system is reached by IMAGE@N, by
# IMAGE%OFFSET:START,END% and by IMAGE%DISKLABEL:x%, and reads exactly as
# the bare image does; ukfs-parts lists what sfdisk made.
. "$(dirname "$0")/parts_lib.sh"

mkfs_all "$W"
D=$W/mbr.img
truncate -s 120M "$D"
# 1 ext2, 2 FAT16, 3 extended with 5 ffs and 6 ext2, 4 NetBSD with a label
printf '%s\n' 'label: dos' \
    'start=2048, size=32768, type=83' \
    'start=34816, size=32768, type=e' \
    'start=67584, size=100000, type=5' \
    'start=167936, size=40960, type=a9' \
    'start=69632, size=32768, type=a9' \
    'start=104448, size=32768, type=83' | sfdisk -q "$D" ||
    { echo "FAIL: sfdisk"; exit 1; }
put "$D" "$W/ext2.img" 2048
put "$D" "$W/fat.img" 34816
put "$D" "$W/ffs.img" 69632
put "$D" "$W/ext2.img" 104448
# the NetBSD partition: label in its second sector, a: ffs (big-endian)
put "$D" "$W/ffsbe.img" 167952
"$T/mkdisklabel" "$D" $((167936 * 512 + 512)) a:167952:32768:7 \
    d:0:245760:0 || fail "mkdisklabel"

sfdisk -d "$D" >"$W/sfdisk.txt"
"$BIN/ukfs-parts" "$D" >"$W/parts" 2>"$W/err" || fail "ukfs-parts: $(cat "$W/err")"
# every partition sfdisk knows, at its place, with its size and type
n=0
while read -r dev _ start _ size _ type; do
	num=${dev##*img}
	start=${start%,}; size=${size%,}; type=${type#type=}
	line=$(awk -v p="@$num" '$1 == p' "$W/parts")
	set -- $line
	if [ "${3:-}" = $((start * 512)) ] && [ "${4:-}" = $((size * 512)) ]; then
		n=$((n + 1))
	else
		fail "ukfs-parts row for $num: '$line' (sfdisk: $start $size $type)"
	fi
done <<EOT
$(grep '^/' "$W/sfdisk.txt" | tr -s ' ' | sed 's/ : / /')
EOT
[ "$n" -eq 6 ] && ok "ukfs-parts lists the 6 partitions sfdisk made" ||
    fail "ukfs-parts listed $n of 6"
for want in '@1 .*ext2fs' '@2 .*msdos' '@5 .*ffs' '@6 .*ext2fs' \
    '@3 .*(extended)' '%DISKLABEL:a% .*4.2BSD *ffs'; do
	grep -q -- "^$want" "$W/parts" || fail "ukfs-parts: no '$want' in: $(cat "$W/parts")"
done
"$BIN/ukfs-info" -p "$D" | cmp -s - "$W/parts" && ok "ukfs-info -p = ukfs-parts" ||
    fail "ukfs-info -p differs from ukfs-parts"

same "$D@1" "$W/ext2.img" "ext2 in primary partition 1"
same "$D@2" "$W/fat.img" "FAT16 in primary partition 2"
same "$D@5" "$W/ffs.img" "ffs in logical partition 5"
same "$D@6" "$W/ext2.img" "ext2 in logical partition 6"
same "$D%DISKLABEL:a%" "$W/ffsbe.img" "big-endian UFS2 in a disklabel in MBR partition 4"
same "$D%OFFSET:$((34816 * 512)),$((67584 * 512))%" "$W/fat.img" "FAT by byte window"
same "$D%OFFSET:$((69632 * 512)),$((102400 * 512))%" "$W/ffs.img" "ffs by byte window"
# a path after the suffix, and the detected type through the name
"$BIN/ukfs-cat" "$D@5:/sizes/size-0000004097" | cmp -s - "$SMALL/sizes/size-0000004097" &&
    ok "IMAGE@N:PATH operand" || fail "IMAGE@N:PATH operand"
"$BIN/ukfs-info" "$D@1" | grep -q 'type: *ext2fs' && ok "ukfs-info of a partition" ||
    fail "ukfs-info of a partition"

refused "$D@9" "no partition 9 (have: 1, 2, 3, 4, 5, 6)" "missing partition"
refused "$D@3" "extended partition" "the extended container"
refused "$D%DISKLABEL:e%" "no disklabel partition e" "missing disklabel letter"
refused "$D%OFFSET:9,2%" "must lie after" "backward window"
refused "$D@4" "no known file system found" "no file system"

# bare disklabels, both byte orders, label in sector 0 at byte 64
for order in le be; do
	L=$W/label-$order.img
	truncate -s 20M "$L"
	put "$L" "$W/ffs.img" 32
	flag=""; [ $order = be ] && flag=-B
	"$T/mkdisklabel" $flag -n 8 "$L" 64 a:32:32768:7 c:0:40960:0 || fail mkdisklabel
	same "$L%DISKLABEL:a%" "$W/ffs.img" "bare $order disklabel"
	"$BIN/ukfs-parts" "$L" | grep -q '^%DISKLABEL:c% *disklabel *0 *20971520' &&
	    ok "bare $order disklabel listed" || fail "bare $order disklabel listing"
done
# a damaged label (checksum off by one bit) is not used
L=$W/label-le.img
printf '\001' | dd of="$L" bs=1 seek=$((64 + 48)) conv=notrunc status=none
refused "$L%DISKLABEL:a%" "no disklabel found" "label with a bad checksum"

# type detection: LFS by its superblock (synthetic: no LFS maker on
# Linux), both byte orders; two signatures at once; none at all
truncate -s 1M "$W/lfs.img"
printf '\142\001\007\000\002\000\000\000' | dd of="$W/lfs.img" bs=1 seek=8192 conv=notrunc status=none
printf '\000\020\000\000' | dd of="$W/lfs.img" bs=1 seek=$((8192 + 20)) conv=notrunc status=none
"$BIN/ukfs-parts" "$W/lfs.img" | grep -q 'file system: lfs$' && ok "LFS v2 detected (little-endian)" ||
    fail "LFS not detected: $("$BIN/ukfs-parts" "$W/lfs.img" 2>&1)"
printf '\000\007\001\142\000\000\000\002' | dd of="$W/lfs.img" bs=1 seek=8192 conv=notrunc status=none
printf '\000\000\020\000' | dd of="$W/lfs.img" bs=1 seek=$((8192 + 20)) conv=notrunc status=none
"$BIN/ukfs-parts" "$W/lfs.img" | grep -q 'file system: lfs$' && ok "LFS v2 detected (big-endian)" ||
    fail "big-endian LFS not detected"
printf '\000\000\000\077' | dd of="$W/lfs.img" bs=1 seek=$((8192 + 20)) conv=notrunc status=none
"$BIN/ukfs-parts" "$W/lfs.img" | grep -q 'file system: -$' && ok "LFS magic with a bad block size is not LFS" ||
    fail "LFS sanity check"
cp "$W/ext2.img" "$W/both.img"
printf '\001CD001\001' | dd of="$W/both.img" bs=1 seek=32768 conv=notrunc status=none
refused "$W/both.img" "ambiguous: signatures of ext2fs, cd9660 found" "two signatures"
refused "$W/lfs.img" "no known file system found (tried ext2fs, ffs, lfs, msdos, cd9660)" "no signature"
finish
