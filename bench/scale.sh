#!/bin/sh
# make bench-scale: does ukfs scale linearly?  The same work on trees of
# 1x, 4x and 16x the files (16, 64 and 250 directories of 80 files from
# bench/mkdata.sh's /small) in ext2 images of 64 MiB, 256 MiB and 1 GiB:
#   extract   ukfs-cp -R of the image's tree to a scratch directory
#   makefs    ukfs-makefs -t ext2fs of the host tree
#   list      ukfs-ls -lR of the image
# For each, the median wall time and mean CPU time (hyperfine), the time
# per file against 1x ("per-file x": 1.00 is linear) and the peak RSS
# with a buffer cache of RUMP_BUFCACHE_MB (default 16, so that 4x and 16x
# outgrow it).  Verdicts: time per file at most 1.25x that of 1x (CPU
# time, steadier on a loaded machine), RSS at most the cache + that of
# the 1x run + 8 MiB.
#
#   B=build sh bench/scale.sh
# Environment: BENCH_RUNS (3), BENCH_TMP (scratch, as bench/run.sh).
set -u
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
D=$TOP/$B/benchdata
OUT=$TOP/$B/bench-scale
RUNS=${BENCH_RUNS:-3}
CACHE_MB=${RUMP_BUFCACHE_MB:-16}
export LC_ALL=C RUMP_BUFCACHE_MB=$CACHE_MB

for t in hyperfine jq mke2fs /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "bench-scale: $t is missing (sh tools/deps.sh)" >&2; exit 1; }
done
sh "$TOP/bench/mkdata.sh" "$D" || { echo "bench-scale: no data" >&2; exit 1; }
if [ -n "${BENCH_TMP:-}" ]; then
	S=$BENCH_TMP
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
	S=/dev/shm/ukfs-scale.$$
else
	S=$D/scratch-scale
fi
rm -rf "$OUT"
mkdir -p "$OUT" "$S"
trap 'rm -rf "$S"' EXIT
trap 'exit 130' INT TERM
: >"$OUT/log"

say()
{
	echo "$@" | tee -a "$OUT/results.txt"
}
: >"$OUT/results.txt"

# The scaled data sets: a host tree of the first N directories and an
# ext2 image of it.
for k in 1 4 16; do
	case $k in
	1) ndirs=16 size=64M ;;
	4) ndirs=64 size=256M ;;
	16) ndirs=250 size=1G ;;
	esac
	T=$D/scale$k
	if [ ! -f "$T/.done" ]; then
		rm -rf "$T"
		mkdir -p "$T/src"
		i=0
		while [ $i -lt $ndirs ]; do
			d=$(printf 'd%03d' $i)
			cp -r "$D/src/small/$d" "$T/src/$d"
			i=$((i + 1))
		done
		mke2fs -q -F -t ext2 -d "$T/src" "$T/img" $size >/dev/null &&
		    touch "$T/.done" ||
		    { echo "bench-scale: cannot make $T" >&2; exit 1; }
	fi
done

say "ukfs scaling bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "  median of $RUNS runs; buffer cache $CACHE_MB MiB; scratch $S"

# time_it NAME K PREPARE COMMAND: hyperfine; prints "wall cpu".
time_it()
{
	hyperfine --style none --runs "$RUNS" --prepare "$3" \
	    --export-json "$OUT/$1.$2.json" "$4" >>"$OUT/log" 2>&1 ||
	    { echo "nan nan"; return 1; }
	jq -r '.results[0] | "\(.median) \(.user + .system)"' "$OUT/$1.$2.json"
}

# rss_of COMMAND...: peak RSS in KiB.
rss_of()
{
	/usr/bin/time -f %M -o "$S/rss" "$@" >/dev/null 2>>"$OUT/log" ||
	    { echo 0; return; }
	tail -1 "$S/rss"
}

failed=0
printf '%-8s %3s %6s %8s %8s %9s %8s  %s\n' work x files "wall s" "cpu s" \
    "per-file" "RSS MiB" verdict | tee -a "$OUT/results.txt"
for work in extract makefs list; do
	base_cpu="" base_files="" base_rss=""
	for k in 1 4 16; do
		T=$D/scale$k
		files=$(find "$T/src" -type f | wc -l)
		case $work in
		extract)
			prep="rm -rf '$S/x'"
			cmd="'$BIN/ukfs-cp' -R '$T/img:/' '$S/x'"
			rm -rf "$S/x"
			# correct before timed
			"$BIN/ukfs-cp" -R "$T/img:/" "$S/x" &&
			    diff -r -x lost+found "$S/x" "$T/src" >>"$OUT/log" 2>&1 ||
			    { echo "bench-scale: $work $k: wrong copy" >&2;
			      failed=1; }
			rm -rf "$S/x"
			rss=$(rss_of "$BIN/ukfs-cp" -R "$T/img:/" "$S/x")
			;;
		makefs)
			prep="rm -f '$S/w.img'"
			cmd="'$BIN/ukfs-makefs' -t ext2fs -s $((k * 64))m '$S/w.img' '$T/src'"
			rm -f "$S/w.img"
			"$BIN/ukfs-makefs" -t ext2fs -s $((k * 64))m "$S/w.img" \
			    "$T/src" >>"$OUT/log" 2>&1 &&
			    e2fsck -fn "$S/w.img" >>"$OUT/log" 2>&1 ||
			    { echo "bench-scale: $work $k: bad image" >&2;
			      failed=1; }
			rm -f "$S/w.img"
			rss=$(rss_of "$BIN/ukfs-makefs" -t ext2fs -s $((k * 64))m \
			    "$S/w.img" "$T/src")
			;;
		list)
			prep="true"
			cmd="'$BIN/ukfs-ls' -lR '$T/img' / >/dev/null"
			n=$("$BIN/ukfs-ls" -lR "$T/img" / | grep -c '^-')
			[ "$n" -eq "$files" ] ||
			    { echo "bench-scale: $work $k: $n files listed" >&2;
			      failed=1; }
			rss=$(rss_of "$BIN/ukfs-ls" -lR "$T/img" /)
			;;
		esac
		set -- $(time_it "$work" "$k" "$prep" "$cmd")
		wall=$1 cpu=$2
		if [ -z "$base_cpu" ]; then
			base_cpu=$cpu base_files=$files base_rss=$rss
		fi
		awk -v w="$work" -v k="$k" -v f="$files" -v wall="$wall" \
		    -v cpu="$cpu" -v bc="$base_cpu" -v bf="$base_files" \
		    -v rss="$rss" -v brss="$base_rss" -v lim="$CACHE_MB" '
		BEGIN {
			pf = (bc > 0 && f > 0) ? (cpu / f) / (bc / bf) : 0
			tv = (pf > 0 && pf <= 1.25) ? "time ok" : "time NOT LINEAR"
			rv = (rss > 0 && rss / 1024 <= lim + brss / 1024 + 8) ?
			    "rss ok" : "rss OVER"
			printf "%-8s %3d %6d %8.3f %8.3f %8.2fx %8.1f  %s, %s\n",
			    w, k, f, wall, cpu, pf, rss / 1024, tv, rv
		}' | tee -a "$OUT/results.txt"
	done
done
grep -q "NOT LINEAR\|OVER" "$OUT/results.txt" &&
    say "scaling: MISSED (see above)" || say "scaling: met"
say "results: $OUT/results.txt (hyperfine JSON and log in $OUT)"
rm -f "$S/w.img"
rm -rf "$S/x"
[ "$failed" = 0 ]
