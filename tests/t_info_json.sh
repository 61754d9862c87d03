#!/bin/sh
# ukfs-info's superblock and group summaries against the ecosystems' own
# inspectors: dumpe2fs -h and its group lines (ext2/3/4), sleuthkit's
# fsstat (ffs UFS1, both byte orders), mtools' minfo (FAT) and isoinfo -d
# (ISO 9660); --json parses with jq and carries the same numbers.
. "$(dirname "$0")/parts_lib.sh"

# jv IMG KEY: a superblock field from ukfs-info --json
jv() {
	"$BIN/ukfs-info" --json "$1" | jq -r --arg k "$2" '.superblock[$k]'
}

# ext2 family: every shared header field, and the groups
for img in ext2-1k.img ext2-rev0.img ext3-4k.img ext4-4k.img; do
	I=$TESTDATA/img/$img
	[ -f "$I" ] || { fail "no $I"; continue; }
	"$BIN/ukfs-info" --json "$I" >"$W/j" 2>"$W/err" || { fail "$img: $(cat "$W/err")"; continue; }
	jq -e . "$W/j" >/dev/null || { fail "$img: not JSON"; continue; }
	dumpe2fs -h "$I" 2>/dev/null >"$W/d"
	bad=0
	for k in "Filesystem UUID" "Filesystem magic number" "Filesystem revision #" \
	    "Filesystem features" "Filesystem state" "Errors behavior" "Filesystem OS type" \
	    "Inode count" "Block count" "Reserved block count" "Free blocks" "Free inodes" \
	    "First block" "Block size" "Blocks per group" "Inodes per group" \
	    "Mount count" "Maximum mount count" "Inode size"; do
		want=$(sed -n "s/^$k:[[:space:]]*//p" "$W/d" | sed 's/ *$//')
		got=$(jq -r --arg k "$k" '.superblock[$k]' "$W/j")
		# revision 0 has no inode size field: dumpe2fs prints none
		[ -z "$want" ] && [ "$k" = "Inode size" ] && want=128
		[ "$want" = "$got" ] || { fail "$img: $k: '$got' vs dumpe2fs '$want'"; bad=1; }
	done
	want=$(date -u -d "$(sed -n 's/^Last write time: *//p' "$W/d")" '+%Y-%m-%d %H:%M:%S UTC')
	[ "$(jq -r '.superblock["Last write time"]' "$W/j")" = "$want" ] || { fail "$img: last write time"; bad=1; }
	[ $bad = 0 ] && ok "$img: 20 header fields as dumpe2fs -h"
	dumpe2fs "$I" 2>/dev/null | awk '
		/^Group [0-9]+:/ { g = $2; sub(":", "", g); split($4, r, "-"); sub(/\(Blocks /, "", r[1]); sub(/\)/, "", r[2]); first = $4; }
		/free blocks, .* free inodes, .* directories/ {
			gsub(",", ""); print g, $1, $4, $7 }' >"$W/dg"
	jq -r '.groups.rows[] | "\(.group) \(.["free blocks"]) \(.["free inodes"]) \(.directories)"' "$W/j" >"$W/ug"
	cmp -s "$W/dg" "$W/ug" && ok "$img: $(wc -l <"$W/ug") groups' free blocks, inodes, directories as dumpe2fs" ||
	    fail "$img groups: $(diff "$W/ug" "$W/dg" | head -4)"
done

# ffs: UFS1 in both byte orders, against fsstat
for order in le be; do
	makefs -t ffs -o version=1 -B $order -s 24m "$W/u1$order.img" "$SMALL" >/dev/null ||
	    { fail "makefs"; continue; }
	fsstat "$W/u1$order.img" >"$W/f" 2>&1 || { fail "fsstat $order: $(head -2 "$W/f")"; continue; }
	"$BIN/ukfs-info" --json "$W/u1$order.img" >"$W/j" || { fail "ukfs-info ffs $order"; continue; }
	bad=0
	for pair in "Num of Avail Full Blocks:free blocks" "Num of Avail Fragments:free fragments" \
	    "Num of Avail Inodes:free inodes" "Num of Directories:directories" \
	    "Number of Cylinder Groups:cylinder groups" "Inodes per group:inodes per group" \
	    "Fragments per group:fragments per group" "Block Size:block size" \
	    "Fragment Size:fragment size"; do
		fk=${pair%%:*} uk=${pair#*:}
		want=$(sed -n "s/^$fk: *//p" "$W/f" | head -1)
		got=$(jq -r --arg k "$uk" '.superblock[$k]' "$W/j")
		[ "$want" = "$got" ] || { fail "ffs $order: $uk: $got vs fsstat $want"; bad=1; }
	done
	[ $bad = 0 ] && ok "ffs UFS1 $order: 9 fields as fsstat"
	sum=$(jq '[.groups.rows[]["free blocks"]] | add' "$W/j")
	[ "$sum" = "$(jq '.superblock["free blocks"]' "$W/j")" ] &&
	    ok "ffs $order: cylinder groups add up to the superblock ($(jq '.groups.rows | length' "$W/j") groups)" ||
	    fail "ffs $order: cg free blocks $sum"
done
makefs -t ffs -o version=2 -B be -s 24m "$W/u2.img" "$SMALL" >/dev/null
"$BIN/ukfs-info" --json "$W/u2.img" | jq -e '.superblock.magic == "0x19540119 (UFS2)" and .superblock["byte order"] == "big-endian" and (.groups.rows | length) > 0' >/dev/null &&
    ok "ffs UFS2 big-endian summary" || fail "ffs UFS2 big-endian summary"

# FAT12/16/32 against minfo
for bits in 12 16 32; do
	F=$W/fat$bits.img
	size=16384; [ $bits = 32 ] && size=40000
	mkfs.fat -F $bits -n LBL$bits -C "$F" $size >/dev/null || { fail "mkfs.fat"; continue; }
	mcopy -s -i "$F" "$SMALL/sizes" ::/
	minfo -i "$F" :: >"$W/m"
	"$BIN/ukfs-info" --json "$F" >"$W/j" || { fail "ukfs-info fat$bits"; continue; }
	bad=0
	for pair in "sector size:sector size" "cluster size:cluster size" \
	    "reserved (boot) sectors:reserved sectors" "fats:fats" \
	    "max available root directory slots:root directory slots" \
	    "sectors per track:sectors per track" "heads:heads" "hidden sectors:hidden sectors" \
	    "serial number:serial number" "disk type:fs type" "disk label:label"; do
		mk=${pair%%:*} uk=${pair#*:}
		want=$(sed -n -e "s/^$mk: *//p" -e "s/^$mk=\"*\([^\"]*\)\"*/\1/p" "$W/m" | head -1 |
		    sed 's/ bytes$//; s/ sectors$//; s/ *$//')
		got=$(jq -r --arg k "$uk" '.superblock[$k]' "$W/j")
		[ "$want" = "$got" ] || { fail "fat$bits: $uk: '$got' vs minfo '$want'"; bad=1; }
	done
	[ "$(jq -r '.superblock["FAT type"]' "$W/j")" = "FAT$bits" ] || { fail "fat$bits: type"; bad=1; }
	# free clusters: what the mounted file system reports
	[ "$(jq '.superblock["free bytes"]' "$W/j")" = "$(jq '.bytes_free // (.blocks_free * .fragment_size)' "$W/j")" ] ||
	    { fail "fat$bits: free bytes vs statvfs"; bad=1; }
	[ $bad = 0 ] && ok "FAT$bits: 13 fields as minfo, free space as statvfs"
done

# ISO 9660 against isoinfo -d
xorriso -as mkisofs -quiet -R -J -V MYVOL -publisher PUB -A APPX -sysid SYS \
    -o "$W/t.iso" "$SMALL/sizes" 2>/dev/null || fail xorriso
isoinfo -d -i "$W/t.iso" >"$W/i"
"$BIN/ukfs-info" --json "$W/t.iso" >"$W/j" || fail "ukfs-info iso"
bad=0
for pair in "System id:System id" "Volume id:Volume id" "Publisher id:Publisher id" \
    "Data preparer id:Data preparer id" "Application id:Application id" \
    "Volume set size is:Volume set size" "Logical block size is:Logical block size" \
    "Volume size is:Volume size"; do
	ik=${pair%%:*} uk=${pair#*:}
	want=$(sed -n "s/^$ik: *//p" "$W/i" | sed 's/ *$//')
	got=$(jq -r --arg k "$uk" '.superblock[$k]' "$W/j")
	[ "$want" = "$got" ] || { fail "iso: $uk: '$got' vs isoinfo '$want'"; bad=1; }
done
grep -q "^Joliet with UCS" "$W/i" && [ "$(jq -r '.superblock.Joliet' "$W/j")" = yes ] || { fail "iso: Joliet"; bad=1; }
[ $bad = 0 ] && ok "ISO 9660: 9 fields as isoinfo -d"

# a gzip'ed image and several images: still JSON, compression named
gzip -c "$W/fat16.img" >"$W/f.gz"
"$BIN/ukfs-info" --json "$W/f.gz" "$W/t.iso" | jq -e 'length == 2 and .[0].compression == "gzip" and .[1].compression == null and .[1].type == "cd9660"' >/dev/null &&
    ok "--json of two images, one gzip'ed" || fail "--json of two images"
finish
