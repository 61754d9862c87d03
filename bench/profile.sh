#!/bin/sh
# Instruction profiles of the ukfs side of the benchmarks (callgrind:
# exact counts, not disturbed by the machine's load), on the data of
# bench/run.sh.  Prints the top functions by own and by inclusive count;
# the raw files stay in $B/bench/profile for callgrind_annotate or
# kcachegrind.
#
#   B=build sh bench/profile.sh [extract|list|cat|makefs|cpin ...]
set -u
B=${B:-build}
TOP=$(pwd)
BIN=$TOP/$B/bin
D=$TOP/$B/benchdata
P=$TOP/$B/bench/profile
IMG=$D/ext2.img
SRC=$D/src
N=${PROFILE_TOP:-25}

command -v valgrind >/dev/null || { echo "profile: no valgrind" >&2; exit 1; }
sh "$TOP/bench/mkdata.sh" "$D" || exit 1
mkdir -p "$P"
S=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-prof.XXXXXX") || exit 1
trap 'rm -rf "$S"' EXIT

cg()
{
	name=$1
	shift
	echo "== $name: $*"
	valgrind --tool=callgrind --callgrind-out-file="$P/$name.out" "$@" \
	    >/dev/null 2>"$P/$name.log" || { cat "$P/$name.log" >&2; return 1; }
	grep 'refs:' "$P/$name.log"
	echo "-- own"
	callgrind_annotate "$P/$name.out" 2>/dev/null |
	    sed -n '/file:function/,$p' | sed -n "3,$((N + 2))p"
	echo "-- inclusive"
	callgrind_annotate --inclusive=yes "$P/$name.out" 2>/dev/null |
	    sed -n '/file:function/,$p' | sed -n "3,$((N + 2))p"
}

rc=0
for w in ${*:-extract list makefs cpin}; do
	case $w in
	extract)
		cg extract "$BIN/ukfs-cp" -R "$IMG:/small" "$S/x" || rc=1
		rm -rf "$S/x"
		;;
	list) cg list "$BIN/ukfs-ls" -lR "$IMG" /small || rc=1 ;;
	cat) cg cat "$BIN/ukfs-cat" "$IMG" /big || rc=1 ;;
	makefs)
		cg makefs "$BIN/ukfs-makefs" -t ffs "$S/m.img" "$SRC/small" || rc=1
		rm -f "$S/m.img"
		;;
	cpin)
		# 128 MiB is enough to show the write path's costs
		head -c 134217728 "$SRC/big" >"$S/b128"
		"$BIN/ukfs-newfs" -t ffs -s 256m "$S/w.img" >/dev/null || rc=1
		cg cpin "$BIN/ukfs-cp" "$S/b128" "$S/w.img:/" || rc=1
		rm -f "$S/w.img" "$S/b128"
		;;
	*) echo "profile: unknown workload $w" >&2; rc=1 ;;
	esac
done
exit $rc
