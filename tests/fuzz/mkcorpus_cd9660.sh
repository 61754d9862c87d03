#!/bin/sh
# mkcorpus_cd9660.sh OUTDIR
#
# Seed images for fuzzing cd9660: small (about 40-120 KiB, no padding) so
# that mutations land on volume descriptors, path tables, directory
# records and system-use areas, each made by a standard tool from one
# tiny tree (a directory over several sectors, a two-sector file, an
# empty file, a hard link, short and long symlinks, a fifo, a device when
# run as root, a long name, directories nine levels deep).
# Variants cover the layouts the reader must handle:
#
#   xorriso-rr-joliet    Rock Ridge and Joliet (xorriso -as mkisofs -R -J)
#   xorriso-joliet       Joliet only: UCS-2 names, no Rock Ridge
#   xorriso-plain        ISO 9660 level 1 names only
#   xorriso-level3       -iso-level 3 and Rock Ridge, long symlink
#                        targets in CE continuation areas
#   xorriso-zisofs       zisofs-compressed files (ZF), xorriso's filter
#   genisoimage-deep     genisoimage -R -J: deep directories relocated to
#                        rr_moved (CL, PL, RE)
#   genisoimage-zisofs   mkzftree + genisoimage -R -z
#   makefs-rr            Debian's NetBSD makefs -o rockridge: PX serial
#                        numbers, .rr_moved
#   multi-extent         a plain image whose file "A" has two extents (made
#                        from two files by setting the multi-extent flag
#                        and renaming the second record)
#   ukfs-makefs          this project's writer (-o rockridge,joliet), when
#                        UKFS_BIN names the directory of ukfs-makefs
#
# Times are fixed (SOURCE_DATE_EPOCH, touch), so images repeat.  Every
# seed must mount and read cleanly: tests/t_fuzz.sh checks that with
# fs_fuzz_replay -m.
set -eu

[ $# -eq 1 ] || {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1700000000

for tool in xorriso genisoimage makefs mkzftree; do
	command -v $tool >/dev/null 2>&1 || {
		echo "$0: $tool missing" >&2
		exit 1
	}
done

# run CMD...: quietly, unless it fails
run() {
	"$@" >"$work/log" 2>&1 || {
		cat "$work/log" >&2
		echo "$0: failed: $*" >&2
		exit 1
	}
}

# The tree.  Contents are generated, not random, so images repeat.
tree=$work/tree
mkdir -p "$tree/dir/sub" "$tree/many"
echo "a small file" >"$tree/dir/file.txt"
awk 'BEGIN { for (i = 0; i < 200; i++) printf "two sectors %04d\n", i }' \
    >"$tree/dir/two-sectors" # 3400 bytes
: >"$tree/empty"
ln "$tree/dir/file.txt" "$tree/dir/sub/hard"
ln -s dir/file.txt "$tree/link"
ln -s "../$(awk 'BEGIN { for (i = 0; i < 30; i++) printf "comp%02d/./", i }')../end" \
    "$tree/dir/longlink" # 300 bytes, many components: a CE area
ln -s /absolute/target "$tree/dir/sub/abs"
mkfifo "$tree/fifo"
if [ "$(id -u)" -eq 0 ]; then
	mknod "$tree/dir/null" c 1 3
fi
echo long >"$tree/A File Name Longer Than ISO 9660 Allows, With Spaces.text"
i=0
while [ $i -lt 40 ]; do
	: >"$tree/many/entry-with-a-longish-name-$i" # no data sector
	i=$((i + 1))
done
d=$tree/deep
i=1
while [ $i -le 9 ]; do
	d=$d/level$i
	i=$((i + 1))
done
mkdir -p "$d"
echo bottom >"$d/bottom.txt"
find "$tree" -exec touch -h -d '2023-11-14 22:13:20' {} +

# Compressible files for zisofs: several 32 KiB zisofs blocks each.
ztree=$work/ztree
mkdir -p "$ztree/sub"
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "zisofs line %05d\n", i }' \
    >"$ztree/z.txt" # 72000 bytes: three blocks
awk 'BEGIN { for (i = 0; i < 300; i++) printf "small %03d\n", i }' \
    >"$ztree/sub/small.txt"
echo plain >"$ztree/plain"
ln -s z.txt "$ztree/zlink"
find "$ztree" -exec touch -h -d '2023-11-14 22:13:20' {} +

mkiso() {
	rm -f "$out/$1"
	name=$1
	shift
	run xorriso -as mkisofs -quiet -no-pad "$@" -o "$out/$name" "$tree"
}
mkiso xorriso-rr-joliet -R -J
mkiso xorriso-joliet -J
mkiso xorriso-plain
mkiso xorriso-level3 -R -iso-level 3

rm -f "$out/xorriso-zisofs"
run xorriso -outdev "$out/xorriso-zisofs" -padding 0 -rockridge on \
    -zisofs level=9 -map "$ztree" / -set_filter_r --zisofs / -- -commit

rm -f "$out/genisoimage-deep"
run genisoimage -quiet -no-pad -R -J -o "$out/genisoimage-deep" "$tree"

rm -f "$out/genisoimage-zisofs"
run mkzftree "$ztree" "$work/zf"
run genisoimage -quiet -no-pad -R -z -o "$out/genisoimage-zisofs" "$work/zf"

rm -f "$out/makefs-rr"
run makefs -t cd9660 -o rockridge "$out/makefs-rr" "$tree"
# makefs pads 150 sectors past the volume: keep the volume only.
nsec=$(od -An -tu1 -j $((16 * 2048 + 80)) -N 4 "$out/makefs-rr" |
    awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }')
truncate -s $((nsec * 2048)) "$out/makefs-rr"

# Two files A and B, plain names: flag A's record "more extents follow"
# and call B "A", and A is one file of two extents.  Extents before the
# last must be whole sectors: A is 4096 bytes.
mtree=$work/mtree
mkdir -p "$mtree"
awk 'BEGIN { for (i = 0; i < 256; i++) printf "first ext. %04d\n", i }' \
    >"$mtree/a"
echo "second extent" >"$mtree/b"
find "$mtree" -exec touch -h -d '2023-11-14 22:13:20' {} +
m=$out/multi-extent
rm -f "$m"
run xorriso -as mkisofs -quiet -no-pad -o "$m" "$mtree"
root=$(od -An -tu1 -j $((16 * 2048 + 156 + 2)) -N 4 "$m" |
    awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }')
# Offsets of the records named "A.;1" and "B.;1" in the root directory.
set -- $(od -An -tu1 -v -j $((root * 2048)) -N 2048 "$m" | awk -v base=$((root * 2048)) '
{ for (i = 1; i <= NF; i++) b[n++] = $i }
END {
	for (o = 0; o < n && b[o] > 0; o += b[o]) {
		name = ""
		for (j = 0; j < b[o + 32]; j++)
			name = name sprintf("%c", b[o + 33 + j])
		if (name == "A.;1") a = o
		if (name == "B.;1") bb = o
	}
	if (a != "" && bb != "" && bb == a + b[a])
		print base + a, base + bb
}')
[ $# -eq 2 ] || {
	echo "$0: multi-extent: records A and B not found next to each other" >&2
	exit 1
}
printf '\200' | dd of="$m" bs=1 seek=$(($1 + 25)) conv=notrunc status=none
printf 'A' | dd of="$m" bs=1 seek=$(($2 + 33)) conv=notrunc status=none

if [ -n "${UKFS_BIN:-}" ] && [ -x "$UKFS_BIN/ukfs-makefs" ]; then
	rm -f "$out/ukfs-makefs"
	run "$UKFS_BIN/ukfs-makefs" -t cd9660 -o rockridge,joliet \
	    "$out/ukfs-makefs" "$tree"
fi
ls -l "$out"
