#!/bin/sh
# mkcorpus_ffs.sh OUTDIR
#
# Seed images for fuzzing ffs, small (the 4 KiB-block images hold 200 to
# 400 KiB) so that mutations land on the superblock, cylinder groups,
# inodes and directories, each made from one tiny tree (a directory over
# several fragments, a file with indirect blocks, a sparse file, fast and
# slow symlinks, a fifo, an empty file):
#
#   makefs-u1-le makefs-u1-be   NetBSD makefs, UFS1, both byte orders
#   makefs-u2-le makefs-u2-be   NetBSD makefs, UFS2 (superblock at 64 KiB)
#   ukfs-u1 ukfs-u2-be          ukfs-newfs, then ukfs-cp (UKFS_BIN)
#
# Times are fixed, so images repeat.  Every seed must mount and read
# cleanly (tests/t_fuzz.sh checks that with fs_fuzz_replay -m).
set -eu

[ $# -eq 1 ] || {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
out=$1
BIN=${UKFS_BIN:?UKFS_BIN must name the ukfs tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

tree=$work/tree
mkdir -p "$tree/dir/sub" "$tree/many"
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "line %06d of ind\n", i }' \
    >"$tree/dir/ind" # 51000 bytes: past 12 direct 4 KiB blocks
echo small >"$tree/dir/sub/small"
ln -s ind "$tree/dir/fast"
ln -s "$(awk 'BEGIN { for (i = 0; i < 30; i++) printf "long/" }')target" \
    "$tree/slow"
mkfifo "$tree/fifo"
: >"$tree/empty"
printf 'start' >"$tree/sparse"
printf 'end' | dd of="$tree/sparse" bs=1 seek=200000 conv=notrunc 2>/dev/null
i=0
while [ $i -lt 40 ]; do
	echo $i >"$tree/many/entry-with-a-longish-name-$i"
	i=$((i + 1))
done
find "$tree" -exec touch -h -d @1700000000 {} +

check() {
	"$BIN/ukfs-fsck" -t ffs -n "$1" >"$work/fsck.log" 2>&1 || {
		cat "$work/fsck.log" >&2
		echo "$0: $1: ukfs-fsck -n failed" >&2
		exit 1
	}
}

for v in u1-le:1:le u1-be:1:be u2-le:2:le u2-be:2:be; do
	name=makefs-${v%%:*}
	ver=${v#*:}
	end=${ver#*:}
	ver=${ver%%:*}
	rm -f "$out/$name"
	makefs -t ffs -B "$end" -s 400k \
	    -o version="$ver",bsize=4096,fsize=512,density=4096 \
	    "$out/$name" "$tree" >"$work/makefs.log" 2>&1 || {
		cat "$work/makefs.log" >&2
		exit 1
	}
	check "$out/$name"
done

# ours: newfs, then the tree copied in
for v in u1:1:le u2-be:2:be; do
	name=ukfs-${v%%:*}
	ver=${v#*:}
	end=${ver#*:}
	ver=${ver%%:*}
	rm -f "$out/$name"
	"$BIN/ukfs-newfs" -t ffs -s 512k -O "$ver" -B "$end" -b 4096 -f 512 \
	    -i 4096 "$out/$name" >/dev/null
	"$BIN/ukfs-cp" -R "$tree/dir" "$tree/many" "$tree/slow" "$tree/empty" \
	    "$tree/sparse" "$out/$name:/"
	check "$out/$name"
done
ls "$out"
