#!/bin/sh
# mkcorpus.sh OUTDIR
#
# Seed images for fuzzing ext2fs: small (64-512 KiB) so that mutations
# land on metadata, each made by the standard tools from one tiny tree
# (directories, a file with indirect blocks, sparse files reaching
# double- and triple-indirect blocks, fast and slow symlinks, a fifo, an
# empty file).
# Variants cover the layouts the reader must handle:
#
#   ext2-1k ext2-2k ext2-4k   block sizes
#   ext2-rev0                 revision 0 (no filetype, 128-byte inodes)
#   ext2-htree                a large directory, hash-indexed (e2fsck -D)
#   ext2-tiny                 64 KiB, the tree's root only: fast to fuzz
#   ext4-extents              extents and flex_bg, no checksums, 32-bit
#   ext4-csum                 metadata_csum and 64bit
#   ext4-inline               inline_data (small files in the inode)
#   ext4-frag                 a fragmented file: an extent tree of depth 1
#   genext2fs                 no features at all, zeroed indirect blocks
#                             over holes (made by genext2fs)
#
# UUID, hash seed and file-system times are fixed; inode times come from
# the host files, so images differ from run to run only there.  Every seed
# must mount and read cleanly: tests/t_fuzz.sh checks that with
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

export E2FSPROGS_FAKE_TIME=1700000000
UUID=6b2a5e2c-1f0e-4d7a-9c3b-0a1b2c3d4e5f
SEED=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0

# The tree.  Contents are generated, not random, so images repeat.
tree=$work/tree
mkdir -p "$tree/dir/sub"
awk 'BEGIN { for (i = 0; i < 1500; i++) printf "line %06d of ind\n", i }' \
    >"$tree/dir/ind" # 25500 bytes: past the 12 direct 1 KiB blocks
echo small >"$tree/dir/sub/small"
ln -s ind "$tree/dir/fast"
ln -s "$(awk 'BEGIN { for (i = 0; i < 20; i++) printf "long/" }')target" \
    "$tree/slow"
ln -s ../dir/sub "$tree/dir/sub/up"
mkfifo "$tree/fifo"
: >"$tree/empty"
# 300 KiB sparse: its data sits past block 12 + 256 with 1 KiB blocks.
printf 'start' >"$tree/sparse"
printf 'end' | dd of="$tree/sparse" bs=1 seek=307200 conv=notrunc 2>/dev/null
# 70 MiB: past 12 + 256 + 256 * 256 1 KiB blocks, triple-indirect.
printf 'far' | dd of="$tree/dir/far" bs=1 seek=73400320 conv=notrunc \
    2>/dev/null

big=$work/big
mkdir -p "$big/many"
i=0
while [ $i -lt 150 ]; do
	echo $i >"$big/many/entry-with-a-longish-name-$i"
	i=$((i + 1))
done
cp -a "$tree/dir" "$big/dir"

tiny=$work/tiny
mkdir -p "$tiny"
echo tiny >"$tiny/file"
ln -s file "$tiny/link"

check() {
	e2fsck -fn "$1" >"$work/fsck.log" 2>&1 || {
		cat "$work/fsck.log" >&2
		echo "$0: $1: e2fsck -fn failed" >&2
		exit 1
	}
}

# mkimg NAME SIZE_KIB TREE mke2fs-args...
mkimg() {
	name=$1 size=$2 src=$3
	shift 3
	rm -f "$out/$name"
	truncate -s "${size}K" "$out/$name"
	mke2fs -q -F -U "$UUID" -E hash_seed=$SEED -d "$src" "$@" \
	    "$out/$name" >/dev/null
	check "$out/$name"
}

mkimg ext2-1k 256 "$tree" -t ext2 -b 1024 -N 32 -I 128
mkimg ext2-2k 256 "$tree" -t ext2 -b 2048 -N 32
mkimg ext2-4k 512 "$tree" -t ext2 -b 4096 -N 32
mkimg ext2-rev0 256 "$tree" -t ext2 -r 0 -b 1024 -N 32
mkimg ext2-tiny 64 "$tiny" -t ext2 -b 1024 -N 16 -I 128
mkimg ext4-extents 256 "$tree" -t ext4 -b 1024 -N 32 \
    -O ^metadata_csum,^64bit,^has_journal
mkimg ext4-csum 256 "$tree" -t ext4 -b 1024 -N 32 -O ^has_journal
mkimg ext4-inline 256 "$tree" -t ext4 -b 1024 -N 32 -I 256 \
    -O ^metadata_csum,^64bit,^has_journal,inline_data
# Fragment free space, then write a file into the holes: many extents.
frag=$work/frag
mkdir -p "$frag"
i=1
while [ $i -le 40 ]; do
	printf '%01024d' $i >"$frag/f$i"
	i=$((i + 1))
done
mkimg ext4-frag 256 "$frag" -t ext4 -b 1024 -N 64 \
    -O ^metadata_csum,^64bit,^has_journal
awk 'BEGIN { for (i = 0; i < 1200; i++) printf "frag line %06d\n", i }' \
    >"$work/big.txt"
i=2
while [ $i -le 40 ]; do
	echo "rm f$i"
	i=$((i + 2))
done >"$work/frag.cmd"
echo "write $work/big.txt big" >>"$work/frag.cmd"
debugfs -w -f "$work/frag.cmd" "$out/ext4-frag" >/dev/null 2>&1
check "$out/ext4-frag"
mkimg ext2-htree 512 "$big" -t ext2 -b 1024 -N 192 -O dir_index
# Index the large directory; exit status 1 means "corrected".
e2fsck -fyD "$out/ext2-htree" >/dev/null 2>&1 || [ $? -eq 1 ]
check "$out/ext2-htree"

if command -v genext2fs >/dev/null 2>&1; then
	rm -f "$out/genext2fs"
	genext2fs -z -f -B 1024 -b 512 -N 32 -d "$tree" "$out/genext2fs" \
	    >"$work/gen.log" 2>&1 || {
		cat "$work/gen.log" >&2
		exit 1
	}
	check "$out/genext2fs"
fi
ls "$out"
