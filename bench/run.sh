#!/bin/sh
# make bench: ukfs against the peer tools on the same data, in the same run.
#
#   B=build sh bench/run.sh
#
# Data (built once into $B/benchdata by bench/mkdata.sh): a 1 GiB ext2
# image holding /big (512 MiB) and /small (20,000 files of 100 B - 8 KiB
# in 250 directories), and the host tree it was made from; a FAT32 image
# of both, and FFS and ISO 9660 images of /small.  Every
# comparison prints
#	name: ukfs X s, peer Y s, ratio Y/X = R (higher is better for ukfs)
# from the median wall time over ROUNDS x RUNS runs on a warm page cache,
# then a summary table (with mean CPU times, steadier than wall time on a
# loaded machine); all of it also goes to $B/bench/results.txt.
#
# Environment: BENCH_ROUNDS (3), BENCH_RUNS (5 per round), BENCH_TMP (the
# scratch directory for extracted trees and written images: a tmpfs
# under /dev/shm when there is one, so the host disk's journal does not
# dominate; else $B/benchdata/scratch), RUMP_BUFCACHE_MB (the buffer-cache
# limit the memory check holds ukfs-cat to; default 64).
#
# Exit status: 1 when a tool errored out or gave wrong output (a benchmark
# that did not run is a failure); the write and FUSE comparisons are
# skipped with a printed reason while ukfs cannot do them yet.
set -u
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
D=$TOP/$B/benchdata
OUT=$TOP/$B/bench
ROUNDS=${BENCH_ROUNDS:-3}
RUNS=${BENCH_RUNS:-5}
CACHE_MB=${RUMP_BUFCACHE_MB:-64}
export LC_ALL=C

. "$TOP/bench/lib.sh"

for t in hyperfine jq debugfs icat fls 7zz mke2fs e2fsck /usr/bin/time \
    mkfs.fat fsck.fat mcopy mdir makefs tsk_recover xorriso tar; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "bench: $t is missing (sh tools/deps.sh)" >&2; exit 1; }
done
for t in ukfs-cat ukfs-cp ukfs-ls ukfs-makefs ukfs-newfs; do
	[ -x "$BIN/$t" ] || { echo "bench: no $BIN/$t: make first" >&2; exit 1; }
done

sh "$TOP/bench/mkdata.sh" "$D" || { echo "bench: no data sets" >&2; exit 1; }
IMG=$D/ext2.img
SRC=$D/src

if [ -n "${BENCH_TMP:-}" ]; then
	S=$BENCH_TMP
elif [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 3000000 ]; then
	S=/dev/shm/ukfs-bench.$$
else
	S=$D/scratch
fi
MNT=$S/mnt
rm -rf "$OUT"
mkdir -p "$OUT/json" "$S" "$MNT"
: >"$OUT/log"
: >"$OUT/table"
cleanup()
{
	fusermount3 -u "$MNT" 2>/dev/null
	rm -rf "$S"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Print to the terminal and to results.txt.
say()
{
	echo "$@" | tee -a "$OUT/results.txt"
}
: >"$OUT/results.txt"

ino() {
	debugfs -R "stat $1" "$IMG" 2>/dev/null |
	    awk '/^Inode:/ { print $2; exit }'
}
BIGINO=$(ino /big)
SMALLINO=$(ino /small)
IMGBYTES=$(stat -c %s "$IMG")
BIGBYTES=$(stat -c %s "$SRC/big")
[ -n "$BIGINO" ] && [ -n "$SMALLINO" ] ||
    { echo "bench: cannot find /big and /small in $IMG" >&2; exit 1; }

say "ukfs bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "  median of $ROUNDS x $RUNS runs, warm page cache; scratch: $S" \
    "($(stat -f -c %T "$S"))"

# bench/randread.c: random reads by libukfs or through a mount
RR=$S/randread
if ! cc -std=c11 -O2 -D_GNU_SOURCE -I"$TOP/libukfs" -o "$RR" \
    "$TOP/bench/randread.c" -L"$TOP/$B/lib" -lukfs \
    -Wl,-rpath,"$TOP/$B/lib" >>"$OUT/log" 2>&1; then
	say "random reads: skipped: bench/randread.c does not build (see $OUT/log)"
	RR=""
fi
export RANDREAD="$RR"

# Warm the page cache: every later run reads memory, not the disk.
cat "$IMG" "$SRC/big" >/dev/null
find "$SRC/small" -type f -exec cat {} + >/dev/null

# --- sequential read of the 512 MiB file ---------------------------------
say ""
say "# read /big (512 MiB)"
g_begin read
g_add ukfs-cat "" "'$BIN/ukfs-cat' '$IMG' /big >/dev/null" \
    "'$BIN/ukfs-cat' '$IMG' /big | cmp - '$SRC/big'"
g_add "cat image" "" "cat '$IMG' >/dev/null" ""
g_add "cat host file" "" "cat '$SRC/big' >/dev/null" ""
g_add "debugfs dump" "" \
    "debugfs -R 'dump /big /dev/null' '$IMG' 2>/dev/null" \
    "debugfs -R 'dump /big $S/dump' '$IMG' && cmp '$S/dump' '$SRC/big' &&
     rm -f '$S/dump'"
g_add icat "" "icat '$IMG' $BIGINO >/dev/null" \
    "icat '$IMG' $BIGINO | cmp - '$SRC/big'"
g_add "7zz e" "" "7zz e -so '$IMG' big >/dev/null" \
    "7zz e -so '$IMG' big | cmp - '$SRC/big'"
g_run
SCALE=$(awk -v a="$BIGBYTES" -v b="$IMGBYTES" 'BEGIN { printf "%.6f", a / b }')
{
	g_ratio "read 512 MiB vs cat image/byte" ukfs-cat "cat image" "$SCALE" 0.80
	g_ratio "read 512 MiB vs cat host file" ukfs-cat "cat host file"
	g_ratio "read 512 MiB vs debugfs dump" ukfs-cat "debugfs dump" 1 1
	g_ratio "read 512 MiB vs icat" ukfs-cat icat 1 1
	g_ratio "read 512 MiB vs 7zz e" ukfs-cat "7zz e" 1 1
} | tee -a "$OUT/results.txt"

# --- memory: reading a file 8x the buffer cache ----------------------------
say ""
say "# memory: peak RSS against the buffer-cache limit"
rss()
{
	/usr/bin/time -f %M -o "$S/rss" "$@" >/dev/null 2>>"$OUT/log" ||
	    { echo 0; return; }
	tail -1 "$S/rss"
}
base=$(rss "$BIN/ukfs-cat" "$IMG" /small/d000/f00000)
big=$(rss env RUMP_BUFCACHE_MB="$CACHE_MB" "$BIN/ukfs-cat" "$IMG" /big)
big16=$(rss env RUMP_BUFCACHE_MB=16 "$BIN/ukfs-cat" "$IMG" /big)
rm -rf "$S/x"
tree=$(rss env RUMP_BUFCACHE_MB="$CACHE_MB" "$BIN/ukfs-cp" -R "$IMG:/small" "$S/x")
rm -rf "$S/x"
tree16=$(rss env RUMP_BUFCACHE_MB=16 "$BIN/ukfs-cp" -R "$IMG:/small" "$S/x")
rm -rf "$S/x"
if [ "$base" = 0 ] || [ "$big" = 0 ] || [ "$big16" = 0 ] ||
    [ "$tree" = 0 ] || [ "$tree16" = 0 ]; then
	say "memory: NOT RUN: ukfs-cat failed (see $OUT/log)"
	echo "memory: NOT RUN" >"$OUT/memory"
	bench_failed=1
else
	awk -v base="$base" -v big="$big" -v big16="$big16" -v lim="$CACHE_MB" \
	    -v tree="$tree" -v tree16="$tree16" '
	function check(rss, l) {
		# the cache, plus what reading one small file takes, plus 8 MiB
		return (rss / 1024 <= l + base / 1024 + 8) ? "ok" : "OVER"
	}
	BEGIN {
		printf "memory: ukfs-cat /big peak RSS %.1f MiB, buffer-cache " \
		    "limit %d MiB: %s (one small file: %.1f MiB; bound = " \
		    "limit + that + 8 MiB)\n", big / 1024, lim, check(big, lim),
		    base / 1024
		printf "memory: ukfs-cat /big peak RSS %.1f MiB, buffer-cache " \
		    "limit 16 MiB: %s\n", big16 / 1024, check(big16, 16)
		# 80 MiB of small files pass through the cache: the peak
		# should move with the limit, by no more than the limit does
		d = (tree - tree16) / 1024
		printf "memory: ukfs-cp -R /small peak RSS %.1f MiB with a %d " \
		    "MiB cache, %.1f MiB with 16 MiB: %+.1f MiB for %+d MiB " \
		    "of cache (%s)\n", tree / 1024, lim, tree16 / 1024, d,
		    lim - 16, (d <= lim - 16 + 8) ? "ok" : "OVER"
	}' | tee "$OUT/memory" | tee -a "$OUT/results.txt"
fi

# --- extraction of the 20,000-file tree -----------------------------------
say ""
say "# extract /small (20,000 files) to $S"
X=$S/x
g_begin extract
g_add "ukfs-cp -R" "rm -rf '$X'" "'$BIN/ukfs-cp' -R '$IMG:/small' '$X'" \
    "'$BIN/ukfs-cp' -R '$IMG:/small' '$X' && diff -r '$X' '$SRC/small'"
g_add "debugfs rdump" "rm -rf '$X' && mkdir '$X'" \
    "debugfs -R 'rdump /small $X' '$IMG' 2>/dev/null" \
    "debugfs -R 'rdump /small $X' '$IMG' && diff -r '$X/small' '$SRC/small'"
g_add "7zz x" "rm -rf '$X' && mkdir '$X'" \
    "7zz x -y -o'$X' '$IMG' 'small/*' >/dev/null" \
    "7zz x -y -o'$X' '$IMG' 'small/*' && diff -r '$X/small' '$SRC/small'"
g_run
{
	g_ratio "extract 20,000 files vs debugfs" "ukfs-cp -R" "debugfs rdump" 1 1
	g_ratio "extract 20,000 files vs 7zz x" "ukfs-cp -R" "7zz x" 1 1
} | tee -a "$OUT/results.txt"
rm -rf "$X"

# --- listing ------------------------------------------------------------
say ""
say "# list /small recursively, with attributes"
g_begin list
g_add "ukfs-ls -lR" "" "'$BIN/ukfs-ls' -lR '$IMG' /small >/dev/null" \
    "test \$('$BIN/ukfs-ls' -lR '$IMG' /small | grep -c '^-') -eq 20000"
g_add "fls -rl" "" "fls -r -l '$IMG' $SMALLINO >/dev/null" \
    "test \$(fls -r -l '$IMG' $SMALLINO | grep -c 'r/r') -eq 20000"
g_run
g_ratio "ls -lR 20,000 files vs fls -rl" "ukfs-ls -lR" "fls -rl" |
    tee -a "$OUT/results.txt"

# --- writing -------------------------------------------------------------
say ""
say "# write: make images of /small, copy /big into an image"
mkdir -p "$S/tiny/d"
echo hello >"$S/tiny/d/f"
if "$BIN/ukfs-makefs" -t ext2fs "$S/tiny.img" "$S/tiny" >"$S/why" 2>&1; then
	g_begin mkext2
	g_add "ukfs-makefs ext2" "rm -f '$S/w.img'" \
	    "'$BIN/ukfs-makefs' -t ext2fs -s 256m '$S/w.img' '$SRC/small'" \
	    "'$BIN/ukfs-makefs' -t ext2fs -s 256m '$S/w.img' '$SRC/small' &&
	     e2fsck -fn '$S/w.img'"
	g_add "mke2fs -d" "rm -f '$S/w.img'" \
	    "mke2fs -q -F -t ext2 -d '$SRC/small' '$S/w.img' 256M >/dev/null" ""
	g_run
	g_ratio "makefs ext2 20,000 files vs mke2fs" "ukfs-makefs ext2" \
	    "mke2fs -d" 1 1 | tee -a "$OUT/results.txt"
else
	say "makefs ext2: skipped: ukfs-makefs -t ext2fs fails here:" \
	    "$(tail -1 "$S/why")"
fi
rm -f "$S/tiny.img"
if command -v makefs >/dev/null 2>&1 &&
    "$BIN/ukfs-makefs" -t ffs "$S/tiny.img" "$S/tiny" >"$S/why" 2>&1; then
	g_begin mkffs
	g_add "ukfs-makefs ffs" "rm -f '$S/w.img'" \
	    "'$BIN/ukfs-makefs' -t ffs '$S/w.img' '$SRC/small'" \
	    "'$BIN/ukfs-makefs' -t ffs '$S/w.img' '$SRC/small' &&
	     '$BIN/ukfs-fsck' -n '$S/w.img' &&
	     test \$('$BIN/ukfs-ls' -R '$S/w.img' / | grep -c '^f') -eq 20000"
	g_add "makefs ffs" "rm -f '$S/w.img'" \
	    "makefs -t ffs '$S/w.img' '$SRC/small' >/dev/null" ""
	g_run
	g_ratio "makefs ffs 20,000 files vs makefs" "ukfs-makefs ffs" \
	    "makefs ffs" 1 1 | tee -a "$OUT/results.txt"
else
	say "makefs ffs: skipped: no makefs, or ukfs-makefs -t ffs fails:" \
	    "$(tail -1 "$S/why")"
fi
rm -f "$S/tiny.img" "$S/w.img"

# Copy /big into an empty image: ext2 when ukfs can write it, else ffs.
wtype=""
for t in ext2fs ffs; do
	rm -f "$S/tiny.img"
	"$BIN/ukfs-newfs" -t $t -s 8m "$S/tiny.img" >"$S/why" 2>&1 &&
	    "$BIN/ukfs-cp" "$S/tiny/d/f" "$S/tiny.img:/" >>"$S/why" 2>&1 &&
	    { wtype=$t; break; }
	say "copy into an image: $t: not writable here: $(tail -1 "$S/why")"
done
rm -f "$S/tiny.img"
if [ -n "$wtype" ]; then
	g_begin cpin
	g_add "ukfs-cp into $wtype" \
	    "rm -f '$S/w.img' && '$BIN/ukfs-newfs' -t $wtype -s 768m '$S/w.img'" \
	    "'$BIN/ukfs-cp' '$SRC/big' '$S/w.img:/'" \
	    "'$BIN/ukfs-cp' '$SRC/big' '$S/w.img:/' &&
	     '$BIN/ukfs-cat' '$S/w.img' /big | cmp - '$SRC/big'"
	g_add "cp to host fs" "rm -f '$S/w.big'" "cp '$SRC/big' '$S/w.big'" ""
	g_run
	g_ratio "write 512 MiB into $wtype vs cp" "ukfs-cp into $wtype" \
	    "cp to host fs" 1 0.5 | tee -a "$OUT/results.txt"
	rm -f "$S/w.img" "$S/w.big"
else
	say "copy into an image: skipped: no writable type"
fi

# --- FUSE ----------------------------------------------------------------
say ""
say "# FUSE: mount read-only, work, unmount (until the daemon exits)"
why=""
[ -x "$BIN/rump_ext2fs" ] || why="no $BIN/rump_ext2fs"
[ -z "$why" ] && ! [ -c /dev/fuse ] && why="no /dev/fuse"
for t in fuse2fs fusermount3 fuser; do
	[ -z "$why" ] && ! command -v $t >/dev/null 2>&1 && why="no $t"
done
if [ -z "$why" ] && ! sh "$TOP/bench/fusecmd.sh" "$BIN/rump_ext2fs" "$IMG" \
    "$MNT" verify "$SRC" >>"$OUT/log" 2>&1; then
	why="rump_ext2fs cannot mount here (see $OUT/log)"
	fusermount3 -u "$MNT" 2>/dev/null
fi
if [ -z "$why" ]; then
	F="sh '$TOP/bench/fusecmd.sh'"
	# the host kernel's ext2 on a loop device, where root may loop-mount
	kern=""
	if [ "$(id -u)" = 0 ] && sh "$TOP/bench/fusecmd.sh" kernel "$IMG" \
	    "$MNT" verify "$SRC" >>"$OUT/log" 2>&1; then
		kern=yes
	else
		say "FUSE vs kernel ext2: skipped: no loop mount here (see $OUT/log)"
		umount "$MNT" 2>/dev/null
	fi
	for w in cat find tar; do
		g_begin fuse$w
		g_add "rump_ext2fs $w" "" "$F '$BIN/rump_ext2fs' '$IMG' '$MNT' $w" \
		    "$F '$BIN/rump_ext2fs' '$IMG' '$MNT' verify '$SRC'"
		g_add "fuse2fs $w" "" "$F fuse2fs '$IMG' '$MNT' $w" \
		    "$F fuse2fs '$IMG' '$MNT' verify '$SRC'"
		[ -n "$kern" ] && [ $w = cat ] &&
		    g_add "kernel $w" "" "$F kernel '$IMG' '$MNT' $w" \
		    "$F kernel '$IMG' '$MNT' verify '$SRC'"
		g_run
		case $w in
		cat) title="FUSE mount+cat 512 MiB vs fuse2fs" tg=1.5 ;;
		find) title="FUSE mount+find -ls vs fuse2fs" tg="" ;;
		tar) title="FUSE mount+tar cf 20,000 files vs fuse2fs" tg=1 ;;
		esac
		g_ratio "$title" "rump_ext2fs $w" "fuse2fs $w" 1 $tg |
		    tee -a "$OUT/results.txt"
		# against the host kernel: "at least 50% of the kernel's" read
		[ -n "$kern" ] && [ $w = cat ] &&
		    g_ratio "FUSE mount+cat 512 MiB vs kernel ext2" \
		    "rump_ext2fs $w" "kernel $w" 1 0.5 | tee -a "$OUT/results.txt"
	done
	# random 4 KiB reads of /big: the same 20,000 offsets every way
	# (bench/randread.c), each run mounting afresh: libukfs in the
	# process, the FUSE daemons, the host kernel
	if [ -n "$RR" ]; then
		want=$("$RR" "$SRC/big")
		g_begin randread
		g_add "libukfs randread" "" "'$RR' '$IMG:/big' >/dev/null" \
		    "test \"\$('$RR' '$IMG:/big')\" = $want"
		for d in "$BIN/rump_ext2fs" fuse2fs ${kern:+kernel}; do
			g_add "${d##*/} randread" "" \
			    "$F '$d' '$IMG' '$MNT' rand" \
			    "$F '$d' '$IMG' '$MNT' rverify $want"
		done
		g_run
		g_ratio "FUSE mount+random 4 KiB reads vs fuse2fs" \
		    "rump_ext2fs randread" "fuse2fs randread" |
		    tee -a "$OUT/results.txt"
		[ -n "$kern" ] &&
		    g_ratio "libukfs random 4 KiB reads vs kernel ext2" \
		    "libukfs randread" "kernel randread" |
		    tee -a "$OUT/results.txt"
		[ -n "$kern" ] &&
		    g_ratio "FUSE mount+random 4 KiB reads vs kernel ext2" \
		    "rump_ext2fs randread" "kernel randread" |
		    tee -a "$OUT/results.txt"
	fi
	# writing: a fresh empty image for every run
	RW=$S/rw.img
	MKRW="rm -f '$RW' && mke2fs -q -F -t ext2 '$RW' 768M"
	for w in write create; do
		g_begin fuse$w
		g_add "rump_ext2fs $w" "$MKRW" \
		    "$F '$BIN/rump_ext2fs' '$RW' '$MNT' $w '$SRC'" \
		    "$F '$BIN/rump_ext2fs' '$RW' '$MNT' wverify '$SRC' &&
		     e2fsck -fn '$RW'"
		g_add "fuse2fs $w" "$MKRW" "$F fuse2fs '$RW' '$MNT' $w '$SRC'" \
		    "$F fuse2fs '$RW' '$MNT' wverify '$SRC'"
		g_run
		case $w in
		write) title="FUSE mount+write 512 MiB vs fuse2fs" tg=1 ;;
		create) title="FUSE mount+create 800 files vs fuse2fs" tg=3 ;;
		esac
		g_ratio "$title" "rump_ext2fs $w" "fuse2fs $w" 1 $tg |
		    tee -a "$OUT/results.txt"
	done
	rm -f "$RW"
else
	say "FUSE: skipped: $why"
fi

# --- without FUSE: ukfs-run (librumphijack) against a FUSE mount -----------
# The same host programs extract /small out of the image, once through
# ukfs-run (a private server, the hijack library) and once through a
# rump_ext2fs mount; both timings include starting and stopping.
say ""
say "# without FUSE: extract /small (20,000 files) through ukfs-run vs FUSE"
why=""
[ -x "$BIN/ukfs-run" ] || why="no $BIN/ukfs-run"
[ -z "$why" ] && ! [ -x "$BIN/rump_ext2fs" ] && why="no $BIN/rump_ext2fs"
[ -z "$why" ] && ! [ -c /dev/fuse ] && why="no /dev/fuse"
for t in fusermount3 fuser; do
	[ -z "$why" ] && ! command -v $t >/dev/null 2>&1 && why="no $t"
done
if [ -z "$why" ]; then
	F="sh '$TOP/bench/fusecmd.sh'"
	MKX="rm -rf '$X' && mkdir '$X'"
	g_begin hjtar
	g_add "ukfs-run tar" "$MKX" \
	    "'$BIN/ukfs-run' '$IMG' -- tar cf - -C /img/small . |
	     tar xf - -C '$X'" \
	    "'$BIN/ukfs-run' '$IMG' -- tar cf - -C /img/small . |
	     tar xf - -C '$X' && diff -r '$X' '$SRC/small'"
	g_add "FUSE tar" "$MKX" "$F '$BIN/rump_ext2fs' '$IMG' '$MNT' xtar '$X'" \
	    "$F '$BIN/rump_ext2fs' '$IMG' '$MNT' xtar '$X' &&
	     diff -r '$X' '$SRC/small'"
	g_run
	g_ratio "ukfs-run tar c, tar x vs FUSE mount" "ukfs-run tar" "FUSE tar" \
	    1 1 | tee -a "$OUT/results.txt"
	g_begin hjcp
	g_add "ukfs-run cp -a" "$MKX" \
	    "'$BIN/ukfs-run' '$IMG' -- cp -a /img/small '$X/small'" \
	    "'$BIN/ukfs-run' '$IMG' -- cp -a /img/small '$X/small' &&
	     diff -r '$X/small' '$SRC/small'"
	g_add "FUSE cp -a" "$MKX" "$F '$BIN/rump_ext2fs' '$IMG' '$MNT' xcp '$X'" \
	    "$F '$BIN/rump_ext2fs' '$IMG' '$MNT' xcp '$X' &&
	     diff -r '$X/small' '$SRC/small'"
	g_run
	g_ratio "ukfs-run cp -a out vs FUSE mount" "ukfs-run cp -a" \
	    "FUSE cp -a" 1 1 | tee -a "$OUT/results.txt"
	rm -rf "$X"
else
	say "ukfs-run vs FUSE: skipped: $why"
fi

# --- the other file systems ----------------------------------------------
# Images from bench/mkdata.sh: FAT32 with /big and /small, FFS and ISO 9660
# (Rock Ridge) of /small.
FAT=$D/msdos.img
FFS=$D/ffs.img
ISO=$D/small.iso
FATBYTES=$(stat -c %s "$FAT")

say ""
say "# msdos: read /big (512 MiB), extract /small, make an image of /small"
g_begin fatread
g_add ukfs-cat "" "'$BIN/ukfs-cat' '$FAT' /big >/dev/null" \
    "'$BIN/ukfs-cat' '$FAT' /big | cmp - '$SRC/big'"
g_add "cat image" "" "cat '$FAT' >/dev/null" ""
g_add "mcopy" "" "mcopy -n -i '$FAT' ::big '$S/mbig'" \
    "mcopy -n -i '$FAT' ::big '$S/mbig' && cmp '$S/mbig' '$SRC/big'"
g_run
SCALE=$(awk -v a="$BIGBYTES" -v b="$FATBYTES" 'BEGIN { printf "%.6f", a / b }')
{
	g_ratio "msdos read 512 MiB vs cat image/byte" ukfs-cat "cat image" \
	    "$SCALE" 0.80
	g_ratio "msdos read 512 MiB vs mcopy" ukfs-cat mcopy 1 1
} | tee -a "$OUT/results.txt"
rm -f "$S/mbig"

g_begin fatx
g_add "ukfs-cp -R" "rm -rf '$X'" "'$BIN/ukfs-cp' -R '$FAT:/small' '$X'" \
    "'$BIN/ukfs-cp' -R '$FAT:/small' '$X' && diff -r '$X' '$SRC/small'"
g_add "mcopy -s" "rm -rf '$X' && mkdir '$X'" \
    "mcopy -s -i '$FAT' ::small '$X'" \
    "mcopy -s -i '$FAT' ::small '$X' && diff -r '$X/small' '$SRC/small'"
g_run
g_ratio "msdos extract 20,000 files vs mcopy -s" "ukfs-cp -R" "mcopy -s" 1 1 |
    tee -a "$OUT/results.txt"
rm -rf "$X"

g_begin mkfat
g_add "ukfs-makefs msdos" "rm -f '$S/w.img'" \
    "'$BIN/ukfs-makefs' -t msdos -s 256m '$S/w.img' '$SRC/small'" \
    "'$BIN/ukfs-makefs' -t msdos -s 256m '$S/w.img' '$SRC/small' &&
     fsck.fat -n '$S/w.img' >/dev/null &&
     test \$(mdir -/ -b -i '$S/w.img' :: | grep -c '/f[0-9]*\$') -eq 20000"
g_add "mkfs.fat+mcopy" "rm -f '$S/w.img'" \
    "mkfs.fat -F 32 -C '$S/w.img' 262144 >/dev/null &&
     mcopy -s -i '$S/w.img' '$SRC/small' ::" ""
g_run
g_ratio "makefs msdos vs mkfs.fat+mcopy -s" "ukfs-makefs msdos" \
    "mkfs.fat+mcopy" 1 1 | tee -a "$OUT/results.txt"
rm -f "$S/w.img"

say ""
say "# ffs: extract /small (20,000 files)"
g_begin ffsx
g_add "ukfs-cp -R" "rm -rf '$X'" "'$BIN/ukfs-cp' -R '$FFS:/' '$X'" \
    "'$BIN/ukfs-cp' -R '$FFS:/' '$X' && diff -r '$X' '$SRC/small'"
g_add "tsk_recover" "rm -rf '$X' && mkdir '$X'" \
    "tsk_recover -e '$FFS' '$X' >/dev/null" \
    "tsk_recover -e '$FFS' '$X' >/dev/null && diff -r '$X' '$SRC/small'"
g_run
g_ratio "ffs extract 20,000 files vs tsk_recover" "ukfs-cp -R" \
    "tsk_recover" 1 1 | tee -a "$OUT/results.txt"
rm -rf "$X"

say ""
say "# ffs: read /big (512 MiB) from an FFS image holding only it"
BIGFFS=$D/bigffs.img
g_begin ffsread
g_add ukfs-cat "" "'$BIN/ukfs-cat' '$BIGFFS' /big >/dev/null" \
    "'$BIN/ukfs-cat' '$BIGFFS' /big | cmp - '$SRC/big'"
g_add "cat image" "" "cat '$BIGFFS' >/dev/null" ""
g_run
SCALE=$(awk -v a="$BIGBYTES" -v b="$(stat -c %s "$BIGFFS")" \
    'BEGIN { printf "%.6f", a / b }')
g_ratio "ffs read 512 MiB vs cat image/byte" ukfs-cat "cat image" \
    "$SCALE" 0.80 | tee -a "$OUT/results.txt"

say ""
say "# cd9660: read /big (512 MiB) from an ISO image holding only it"
BIGISO=$D/big.iso
g_begin isoread
g_add ukfs-cat "" "'$BIN/ukfs-cat' '$BIGISO' /big >/dev/null" \
    "'$BIN/ukfs-cat' '$BIGISO' /big | cmp - '$SRC/big'"
g_add "cat image" "" "cat '$BIGISO' >/dev/null" ""
g_run
SCALE=$(awk -v a="$BIGBYTES" -v b="$(stat -c %s "$BIGISO")" \
    'BEGIN { printf "%.6f", a / b }')
g_ratio "cd9660 read 512 MiB vs cat image/byte" ukfs-cat "cat image" \
    "$SCALE" 0.80 | tee -a "$OUT/results.txt"

say ""
say "# cd9660: extract /small (20,000 files, Rock Ridge)"
g_begin isox
g_add "ukfs-cp -R" "rm -rf '$X'" "'$BIN/ukfs-cp' -R '$ISO:/' '$X'" \
    "'$BIN/ukfs-cp' -R '$ISO:/' '$X' && diff -r '$X' '$SRC/small'"
g_add "xorriso" "rm -rf '$X' && mkdir '$X'" \
    "xorriso -osirrox on -indev '$ISO' -extract / '$X' >/dev/null 2>&1" \
    "xorriso -osirrox on -indev '$ISO' -extract / '$X' &&
     diff -r '$X' '$SRC/small'"
g_add "7zz x" "rm -rf '$X' && mkdir '$X'" \
    "7zz x -y -o'$X' '$ISO' >/dev/null" \
    "7zz x -y -o'$X' '$ISO' >/dev/null && diff -r '$X' '$SRC/small'"
g_run
{
	g_ratio "cd9660 extract 20,000 files vs xorriso" "ukfs-cp -R" \
	    xorriso 1 1
	g_ratio "cd9660 extract 20,000 files vs 7zz x" "ukfs-cp -R" "7zz x" 1 1
} | tee -a "$OUT/results.txt"
rm -rf "$X"

# --- lfs -----------------------------------------------------------------
# Scripts of their own (fresh images each run): small-file creation
# against ffs, and sustained writes with the cleaner running against the
# same writes with no cleaning needed.
say ""
say "# lfs: 20,000 small files vs ffs; writes with the cleaner running"
for s in lfs_smallfiles lfs_clean; do
	if (cd "$TOP" && B=$B BENCH_TMP=$S LFS_BENCH_TABLE=$OUT/table \
	    sh "bench/$s.sh") >"$S/lfs.out" 2>>"$OUT/log"; then
		tee -a "$OUT/results.txt" <"$S/lfs.out"
	else
		cat "$S/lfs.out"
		say "$s: NOT RUN (failed, see $OUT/log)"
		printf '%s|%s|-|-|-|-|-|%s|ERROR\n' "bench/$s.sh" "-" "" \
		    >>"$OUT/table"
		bench_failed=1
	fi
done
rm -f "$S/lfs.out"

# --- summary --------------------------------------------------------------
say ""
say "# summary: ratio = peer time / ukfs time (> 1: ukfs is faster), from"
say "# the medians of wall time; min: the same from the fastest runs; cpu:"
say "# mean user+system seconds and their ratio (steadier under load)"
table | tee -a "$OUT/results.txt"
tee -a "$OUT/results.txt" <"$OUT/memory"
say "(for FUSE, cpu is the client's only: the daemon has detached)"
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
say "results: $OUT/results.txt (hyperfine JSON in $OUT/json, log in $OUT/log)"
if [ "$bench_failed" != 0 ]; then
	echo "bench: some benchmarks did not run (see above)" >&2
	exit 1
fi
exit 0
