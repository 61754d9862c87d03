# Timing helpers for bench/run.sh (sourced; POSIX sh).
#
# A group is a set of commands doing the same work, timed in the same run:
#	g_begin NAME
#	g_add LABEL PREPARE COMMAND VERIFY	(PREPARE/VERIFY may be "")
#	g_run				-> median wall and mean CPU per label
#	g_ratio TITLE UKFS-LABEL PEER-LABEL [SCALE [TARGET]]
# Each command first runs once as VERIFY (or COMMAND) after PREPARE: a
# tool that errors out or gives wrong output fails the group.  Then
# ROUNDS hyperfine invocations of RUNS runs each, with the command order
# rotated every round, so a change in the machine's load hits every
# command alike; the median of all ROUNDS*RUNS wall times is reported.
#
# Needs: hyperfine, jq, awk.  Uses OUT (results dir), ROUNDS, RUNS.

bench_failed=0

g_begin()
{
	g_name=$1
	g_n=0
	g_ok=1
}

g_add()
{
	g_n=$((g_n + 1))
	eval "g_label_$g_n=\$1 g_prep_$g_n=\$2 g_cmd_$g_n=\$3 g_ver_$g_n=\$4"
}

# g_verify I: run command I once (its VERIFY form) after its PREPARE.
g_verify()
{
	eval "l=\$g_label_$1 p=\$g_prep_$1 c=\$g_cmd_$1 v=\$g_ver_$1"
	[ -n "$v" ] || v=$c
	if [ -n "$p" ] && ! sh -c "$p" >>"$OUT/log" 2>&1; then
		echo "bench: $g_name: $l: preparing failed: $p" >&2
		return 1
	fi
	if ! sh -c "$v" >>"$OUT/log" 2>&1; then
		echo "bench: $g_name: $l: failed or wrong output: $v" >&2
		echo "  (output in $OUT/log)" >&2
		return 1
	fi
	return 0
}

g_run()
{
	i=1
	while [ $i -le $g_n ]; do
		echo "== $g_name: verify $(eval echo "\$g_label_$i")" >>"$OUT/log"
		g_verify $i || { g_ok=0; bench_failed=1; return 1; }
		i=$((i + 1))
	done
	rm -f "$OUT/json/$g_name".*.json
	r=1
	while [ $r -le "$ROUNDS" ]; do
		set -- hyperfine --style none --runs "$RUNS" \
		    --export-json "$OUT/json/$g_name.$r.json"
		k=0
		while [ $k -lt $g_n ]; do
			# rotate: round r starts at command r (mod n)
			i=$(((r - 1 + k) % g_n + 1))
			eval "l=\$g_label_$i p=\$g_prep_$i c=\$g_cmd_$i"
			set -- "$@" --prepare "${p:-true}" --command-name "$l" "$c"
			k=$((k + 1))
		done
		echo "== $g_name: round $r" >>"$OUT/log"
		if ! "$@" >>"$OUT/log" 2>&1; then
			echo "bench: $g_name: a command failed while timed" \
			    "(see $OUT/log)" >&2
			g_ok=0
			bench_failed=1
			return 1
		fi
		r=$((r + 1))
	done
	return 0
}

# g_wall LABEL / g_cpu LABEL: median wall time over all rounds; mean
# user+system time.
g_wall()
{
	jq -r --arg l "$1" '.results[] | select(.command == $l) | .times[]' \
	    "$OUT/json/$g_name".*.json | sort -g | awk '
	    { v[NR] = $1 }
	    END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) m = v[(NR + 1) / 2]
		else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.4f\n", m
	    }'
}

g_min()
{
	jq -r --arg l "$1" '.results[] | select(.command == $l) | .times[]' \
	    "$OUT/json/$g_name".*.json | sort -g | awk '
	    NR == 1 { printf "%.4f\n", $1 } END { if (NR == 0) print "nan" }'
}

g_cpu()
{
	jq -r --arg l "$1" \
	    '.results[] | select(.command == $l) | (.user + .system)' \
	    "$OUT/json/$g_name".*.json | awk '
	    { s += $1; n++ }
	    END { if (n) printf "%.4f\n", s / n; else print "nan" }'
}

# g_ratio TITLE UKFS PEER [SCALE [TARGET]]: one comparison line.  SCALE
# multiplies the peer's time (a peer that does more or less work, as cat
# of the whole image); TARGET is the least ratio the issues ask for.
g_ratio()
{
	title=$1 ul=$2 pl=$3 scale=${4:-1} target=${5:-}
	if [ "$g_ok" != 1 ]; then
		printf '%s: NOT RUN (a tool failed, see %s)\n' "$title" "$OUT/log"
		printf '%s|%s|-|-|-|-|-|%s|ERROR\n' "$title" "$pl" "$target" \
		    >>"$OUT/table"
		return
	fi
	uw=$(g_wall "$ul") pw=$(g_wall "$pl") uc=$(g_cpu "$ul") pc=$(g_cpu "$pl")
	um=$(g_min "$ul") pm=$(g_min "$pl")
	awk -v t="$title" -v pl="$pl" -v uw="$uw" -v pw="$pw" -v uc="$uc" \
	    -v pc="$pc" -v um="$um" -v pm="$pm" -v s="$scale" -v tg="$target" \
	    -v tab="$OUT/table" '
	BEGIN {
		pw *= s; pc *= s; pm *= s
		r = (uw > 0) ? pw / uw : 0
		rc = (uc > 0) ? pc / uc : 0
		note = ""
		if (s != 1)
			note = sprintf(" (peer scaled by %g to the same bytes)", s)
		verdict = ""
		if (tg != "")
			verdict = (r >= tg) ? "met" : "MISSED"
		printf "%s: ukfs %.3f s, peer %.3f s, ratio Y/X = %.2f " \
		    "(higher is better for ukfs)%s", t, uw, pw, r, note
		if (tg != "")
			printf " [target >= %s: %s]", tg, verdict
		printf "\n"
		printf "%s|%s|%.3f|%.3f|%.2f|%.3f|%.3f|%s|%s|%.2f\n", t, pl, uw,
		    pw, r, uc, pc, tg, verdict, (um > 0) ? pm / um : 0 >> tab
	}'
}

# table: the summary of every comparison so far.
table()
{
	awk -F'|' '
	BEGIN {
		printf "%-34s %-14s %7s %7s %5s | %5s | %6s %6s %5s | %s\n",
		    "comparison", "peer", "ukfs s", "peer s", "ratio", "min",
		    "ukfs", "peer", "cpu", "target"
	}
	$3 == "-" {
		printf "%-34s %-14s %7s %7s %5s | %5s | %6s %6s %5s | %s\n",
		    $1, $2, "-", "-", "-", "-", "-", "-", "-", "ERROR"
		next
	}
	{
		rc = ($6 > 0) ? $7 / $6 : 0
		tg = ($8 == "") ? "" : ">= " $8 " " $9
		printf "%-34s %-14s %7.3f %7.3f %5.2f | %5.2f | %6.3f %6.3f " \
		    "%5.2f | %s\n", $1, $2, $3, $4, $5, $10, $6, $7, rc, tg
	}' "$OUT/table"
}
