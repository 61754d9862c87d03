#!/bin/sh
# NetBSD vndcompress images: ukfs-compress writes the layout vnd(4) reads
# (checked field by field with od, and block 0 inflated by gzip(1) as an
# independent zlib reader), images read exactly as the uncompressed ones
# (whole-tree compare), ukfs-compress -d gives the bytes back, writes are
# refused with EROFS, and damage is reported, not read as data.
. "$(dirname "$0")/parts_lib.sh"

mkfs_all "$W"
# the on-disk layout, independently of our reader
"$BIN/ukfs-compress" -b 32k "$W/ext2.img" "$W/e.vnd" || fail "ukfs-compress"
be() { od -A n -t u1 -j "$1" -N "$2" "$W/e.vnd" | awk '{ for (i = 1; i <= NF; i++) v = v * 256 + $i } END { print v }'; }
head -c 23 "$W/e.vnd" | cmp -s - "$(printf '#!/bin/sh\n#V2.0 Format\n' >"$W/m"; echo "$W/m")" &&
    ok "header script" || fail "header script"
bs=$(be 128 4); n=$(be 132 4)
[ "$bs" = 32768 ] && [ "$n" = 512 ] && ok "block size $bs, $n blocks" ||
    fail "block size $bs, count $n"
o0=$(be 136 8); o1=$(be 144 8); olast=$(be $((136 + 8 * n)) 8)
[ "$o0" = $((136 + 8 * (n + 1))) ] && [ "$olast" = "$(stat -c %s "$W/e.vnd")" ] &&
    ok "offset table: first block after it, last offset at the end" ||
    fail "offset table: $o0 .. $olast"
{ printf '\037\213\010\000\000\000\000\000\000\377'
  dd if="$W/e.vnd" bs=1 skip=$((o0 + 2)) count=$((o1 - o0 - 2)) status=none
} | gzip -dc 2>/dev/null >"$W/b0"
head -c 32768 "$W/ext2.img" | cmp -s - "$W/b0" && ok "block 0 inflates to the image's first 32 KiB" ||
    fail "block 0 does not inflate to the image's start"

for fs in ext2 fat ffs ffsbe; do
	"$BIN/ukfs-compress" "$W/$fs.img" "$W/$fs.vnd" || fail "compress $fs"
	same "$W/$fs.vnd" "$W/$fs.img" "vndcompress'ed $fs"
	"$BIN/ukfs-compress" -d "$W/$fs.vnd" "$W/$fs.back" &&
	    cmp -s "$W/$fs.back" "$W/$fs.img" && ok "-d gives $fs back" ||
	    fail "-d of $fs"
done
# a size that is not a multiple of the block size: padded with zeros
"$BIN/ukfs-compress" -b 1536 "$W/ffs.img" "$W/odd.vnd" || fail "compress -b 1536"
same "$W/odd.vnd" "$W/ffs.img" "1536-byte blocks, last one padded"
"$BIN/ukfs-compress" -d "$W/odd.vnd" - | head -c 16777216 | cmp -s - "$W/ffs.img" &&
    ok "-d of the padded image starts with the image" || fail "-d of the padded image"
# from a gzip'ed partitioned disk to a vndcompress image of one partition
D=$W/disk.img
truncate -s 40M "$D"
printf '%s\n' 'label: dos' 'start=2048, size=32768, type=83' | sfdisk -q "$D"
put "$D" "$W/ffs.img" 2048
gzip -c "$D" >"$D.gz"
"$BIN/ukfs-compress" "$D.gz@1" "$W/p1.vnd" && "$BIN/ukfs-compress" -d "$W/p1.vnd" - |
    cmp -s - "$W/ffs.img" && ok "partition of a gzip'ed disk to vndcompress" ||
    fail "partition of a gzip'ed disk to vndcompress"

# read-only
cp "$W/ext2.vnd" "$W/keep.vnd"
if "$BIN/ukfs-mkdir" "$W/ext2.vnd:/new" 2>"$W/err"; then
	fail "mkdir in a vndcompress image succeeded"
else
	grep -q "vndcompress-compressed image is read-only" "$W/err" &&
	    ok "write refused: $(cat "$W/err")" || fail "write: $(cat "$W/err")"
fi
cmp -s "$W/keep.vnd" "$W/ext2.vnd" && ok "image unchanged" || fail "image changed"

# damage: a block table pointing past the end; a corrupt block
cp "$W/ffs.vnd" "$W/bad1.vnd"
printf '\177\377' | dd of="$W/bad1.vnd" bs=1 seek=144 conv=notrunc status=none
if "$BIN/ukfs-ls" "$W/bad1.vnd" / >/dev/null 2>"$W/err"; then
	fail "bad block table accepted"
else
	grep -q "damaged compressed image" "$W/err" && ok "bad block table: $(cat "$W/err")" ||
	    fail "bad block table: $(cat "$W/err")"
fi
cp "$W/ffs.vnd" "$W/bad2.vnd"
o=$(od -A n -t u1 -j $((136 + 8 * 3)) -N 8 "$W/bad2.vnd" | awk '{ for (i = 1; i <= NF; i++) v = v * 256 + $i } END { print v }')
printf '\377\377\377\377\377\377' | dd of="$W/bad2.vnd" bs=1 seek=$((o + 10)) conv=notrunc status=none
if "$BIN/ukfs-compress" -d "$W/bad2.vnd" "$W/bad2.out" 2>"$W/err"; then
	fail "corrupt block decompressed"
else
	grep -q "read error at byte 196608" "$W/err" && ok "corrupt block 3: $(cat "$W/err")" ||
	    fail "corrupt block: $(cat "$W/err")"
fi
finish
