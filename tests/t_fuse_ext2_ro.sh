#!/bin/sh
# FUSE bridge, read side (rump_ext2fs -o ro):
#  1. every reference ext2 image mounted read-only shows exactly its fixture
#     tree through the host's own system calls (treecmp: types, contents,
#     sizes, modes, owners, times with nanoseconds, symlink targets, device
#     numbers, hard links);
#  2. a parallel find -ls / cat load on one mount reads the same bytes;
#  3. changes fail with EROFS, the image is not modified, and after
#     fusermount3 -u the daemon lets go of the image;
#  4. a SIGTERM also ends the daemon cleanly; errors are reported.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/fuse_lib.sh"
fuse_check
set +e
M=$TMP/mnt
mkdir -p "$M"
tab=$(printf '\t')

# --- 1. every reference image ----------------------------------------------
while IFS=$tab read -r name opts; do
	img=$IMGDIR/$name
	sum=$(md5sum <"$img")
	if ! fuse_mount rump_ext2fs -o ro "$img" "$M"; then
		fail "$name: cannot mount"
		continue
	fi
	# shellcheck disable=SC2086 # opts is a list of options
	if "$TREECMP" $opts "$M" "$FIX" >"$TMP/cmp.out" 2>&1; then
		note "$name: $(tail -1 "$TMP/cmp.out")"
	else
		head -20 "$TMP/cmp.out"
		fail "$name: the mount differs from the fixture"
	fi
	fuse_umount "$M" "$img"
	[ "$(md5sum <"$img")" = "$sum" ] || fail "$name: the image changed"
done <"$IMGDIR/images.txt"

# --- 2. parallel load on one mount ------------------------------------------
fuse_mount rump_ext2fs -o ro "$EXACT" "$M" || fail "cannot mount $EXACT"
want=$(tree_sum "$FIX")
i=0
while [ $i -lt 4 ]; do
	tree_sum "$M" >"$TMP/sum.$i" &
	find "$M" -ls >"$TMP/ls.$i" 2>&1 &
	i=$((i + 1))
done
wait
i=0
while [ $i -lt 4 ]; do
	[ "$(cat "$TMP/sum.$i")" = "$want" ] || fail "parallel read $i differs"
	[ "$(wc -l <"$TMP/ls.$i")" -eq "$(wc -l <"$TMP/ls.0")" ] ||
	    fail "parallel find -ls $i listed a different number of entries"
	i=$((i + 1))
done
note "4 parallel tree reads and 4 find -ls agree"

# --- 3. read-only means read-only --------------------------------------------
touch "$M/newfile" 2>"$TMP/err" && fail "created a file on a read-only mount"
grep -q "Read-only file system" "$TMP/err" || fail "no EROFS: $(cat "$TMP/err")"
df -P "$M" | tail -1 | grep -q "$M" || fail "df does not show the mount"
grep -q " $M fuse.rump_ext2fs ro," /proc/mounts ||
    fail "/proc/mounts: $(grep " $M " /proc/mounts)"
fuse_umount "$M" "$EXACT"
note "EROFS, df, /proc/mounts, unmount"

# --- 4. SIGTERM, and errors ----------------------------------------------------
fuse_mount rump_ext2fs -o ro "$EXACT" "$M" || fail "cannot mount $EXACT"
# the newest: a daemon of an earlier mount may still be exiting (slow under ASan)
pid=$(pgrep -n -f -- "rump_ext2fs -o ro $EXACT $M\$")
kill -TERM "$pid"
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill -0 "$pid" 2>/dev/null && fail "the daemon ignored SIGTERM"
grep -q " $M " /proc/mounts && fail "still mounted after SIGTERM"
held_by_daemon "$EXACT" && fail "the image is still held after SIGTERM"

: >"$TMP/empty.img"
truncate -s 1M "$TMP/empty.img"
"$RBIN/rump_ext2fs" -o ro "$TMP/empty.img" "$M" 2>"$TMP/err" &&
    fail "mounted an image without a file system"
grep -q "empty.img" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
"$RBIN/rump_ext2fs" -o ro "$EXACT" "$TMP/nodir" 2>"$TMP/err" &&
    fail "mounted on a missing directory"
[ -s "$TMP/err" ] || fail "no message for a missing mount point"
"$RBIN/rump_ext2fs" "$EXACT" 2>"$TMP/err" && fail "ran without a mount point"
grep -q "Usage:" "$TMP/err" || fail "no usage message"
note "SIGTERM, bad image, bad mount point, usage"

fuse_finish
