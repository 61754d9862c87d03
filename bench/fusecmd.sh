#!/bin/sh
# One timed FUSE cycle for bench/run.sh: mount IMG read-only on MNT with
# DAEMON (a rump_* program, "fuse2fs", or "kernel": the host kernel's
# own ext2 on a loop device, root only), do WORK, unmount, and wait until
# the daemon has let go of the image, so the next cycle starts clean.
#
#   sh bench/fusecmd.sh DAEMON IMG MNT WORK [SRC]
# WORK: cat (read /big), find (find /small -ls), tar (tar cf /dev/null
# /small), verify (compare /big with SRC/big and count the files under
# /small); on an empty image, mounted read-write: write (copy SRC/big in),
# create (copy SRC/small/d00* in: 800 small files in 10 directories),
# wverify (both, then compare them with SRC); xtar, xcp: extract /small
# into the directory SRC (tar cf - | tar xf -, cp -a), read-only; rand:
# random 4 KiB reads of /big by $RANDREAD (bench/randread.c), rverify:
# the same, its hash compared with SRC.
set -u
daemon=$1 img=$2 mnt=$3 work=$4 src=${5:-}

case $work in
write | create | wverify) ro="" ;;
*) ro="-o ro" ;;
esac
case $daemon in
fuse2fs) fuse2fs $ro "$img" "$mnt" >/dev/null || exit 1 ;;
kernel) mount -t ext2 -o "loop${ro:+,ro}" "$img" "$mnt" || exit 1 ;;
*) "$daemon" $ro "$img" "$mnt" || exit 1 ;;
esac
rc=0
case $work in
cat) cat "$mnt/big" >/dev/null || rc=1 ;;
rand) "$RANDREAD" "$mnt/big" >/dev/null || rc=1 ;;
rverify) [ "$("$RANDREAD" "$mnt/big")" = "$src" ] || rc=1 ;;
find) find "$mnt/small" -ls >/dev/null || rc=1 ;;
tar) tar cf /dev/null -C "$mnt" small || rc=1 ;;
xtar) tar cf - -C "$mnt/small" . | tar xf - -C "$src" || rc=1 ;;
xcp) cp -a "$mnt/small" "$src/small" || rc=1 ;;
write) cp "$src/big" "$mnt/big" || rc=1 ;;
create) cp -r "$src"/small/d00? "$mnt/" || rc=1 ;;
wverify)
	cp "$src/big" "$mnt/big" && cp -r "$src"/small/d00? "$mnt/" || rc=1
	cmp "$mnt/big" "$src/big" || rc=1
	for d in "$src"/small/d00?; do
		diff -r "$d" "$mnt/${d##*/}" || rc=1
	done
	;;
verify)
	cmp "$mnt/big" "$src/big" || rc=1
	n=$(find "$mnt/small" -type f | wc -l)
	[ "$n" -eq 20000 ] || { echo "fusecmd: $n files, not 20000"; rc=1; }
	;;
*) echo "fusecmd: unknown work $work" >&2; rc=1 ;;
esac
if [ "$daemon" = kernel ]; then
	# the loop device is detached on unmount (autoclear)
	umount "$mnt" || rc=1
	exit $rc
fi
fusermount3 -u "$mnt" || rc=1
while fuser -s "$img" 2>/dev/null; do
	sleep 0.01
done
exit $rc
