#!/bin/sh
# mkcorpus_lfs.sh OUTDIR
#
# Seed images for fuzzing lfs, small (1 to 2 MiB, 16 segments) so that
# mutations land on the superblocks, segment summaries, inode blocks,
# the IFILE and directories, each holding one tiny tree (a directory
# over several blocks, a file with an indirect block, a sparse file,
# fast and slow symlinks, a fifo, an empty file):
#
#   newfs-4k    ukfs-newfs -b 4096 -f 512 -B 65536, then ukfs-cp and a
#               file removed (dead blocks in the log)
#   newfs-8k    ukfs-newfs -b 8192 -f 1024 -B 131072, the same
#   makefs      ukfs-makefs -t lfs (bsize 4096, fsize 1024)
#   rfw-4k      newfs-4k whose last checkpoint never reached the disk
#               (UKFS_FAULT_WRITES drops the final superblock write): a
#               read-write mount rolls the log forward
#
# Every seed must mount and read cleanly (tests/t_fuzz.sh checks that
# with fs_fuzz_replay -m).
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
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "line %06d of ind\n", i }' \
    >"$tree/dir/ind" # 76000 bytes: past 12 direct 4 KiB blocks
echo small >"$tree/dir/sub/small"
echo gone >"$tree/dir/gone"
ln -s ind "$tree/dir/fast"
ln -s "$(awk 'BEGIN { for (i = 0; i < 30; i++) printf "long/" }')target" \
    "$tree/slow"
mkfifo "$tree/fifo"
: >"$tree/empty"
printf 'start' >"$tree/sparse"
printf 'end' | dd of="$tree/sparse" bs=1 seek=200000 conv=notrunc 2>/dev/null
i=0
while [ $i -lt 60 ]; do
	echo $i >"$tree/many/entry-with-a-longish-name-$i"
	i=$((i + 1))
done
find "$tree" -exec touch -h -d @1700000000 {} +

check() {
	"$BIN/ukfs-fsck" -t lfs -n "$1" >"$work/fsck.log" 2>&1 || {
		cat "$work/fsck.log" >&2
		echo "$0: $1: ukfs-fsck -n failed" >&2
		exit 1
	}
}

# newfs, the tree copied in, one file removed
fill() {
	"$BIN/ukfs-cp" -R "$tree/dir" "$tree/many" "$tree/slow" \
	    "$tree/empty" "$tree/sparse" "$1:/"
	"$BIN/ukfs-rm" "$1:/dir/gone"
}
for v in 4k:4096:512:65536:1m 8k:8192:1024:131072:2m; do
	name=newfs-${v%%:*}
	set -- $(echo "${v#*:}" | tr : ' ')
	rm -f "$out/$name"
	"$BIN/ukfs-newfs" -t lfs -b "$1" -f "$2" -B "$3" -s "$4" \
	    "$out/$name" >/dev/null
	fill "$out/$name"
	check "$out/$name"
done

rm -f "$out/makefs"
"$BIN/ukfs-makefs" -t lfs -s 1m -o bsize=4096,fsize=1024,segsize=65536 \
    "$out/makefs" "$tree" >/dev/null
check "$out/makefs"

# rfw-4k: newfs-4k, then one more file copied in with the last write
# of that (the superblock of the unmount's checkpoint) dropped.  How
# many writes the copy takes: double, then halve the interval.
cp "$out/newfs-4k" "$work/base"
echo more >"$work/more"
cut() { # cut N IMAGE: the copy with writes after the Nth dropped
	rm -f "$work/mark"
	UKFS_FAULT_WRITES=$1 UKFS_FAULT_MARK=$work/mark \
	    "$BIN/ukfs-cp" "$work/more" "$tree/dir/ind" "$2:/many/" \
	    >/dev/null 2>&1 || true
}
n=1
while :; do
	cp "$work/base" "$work/try"
	cut $n "$work/try"
	[ -e "$work/mark" ] || break
	n=$((n * 2))
done
lo=$((n / 2)) hi=$n # the cut comes after lo writes, not after hi
while [ $((hi - lo)) -gt 1 ]; do
	mid=$(((lo + hi) / 2))
	cp "$work/base" "$work/try"
	cut $mid "$work/try"
	if [ -e "$work/mark" ]; then lo=$mid; else hi=$mid; fi
done
cp "$work/base" "$out/rfw-4k"
cut $((hi - 1)) "$out/rfw-4k"
check "$out/rfw-4k"
ls "$out"
