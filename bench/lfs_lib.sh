# Shared by bench/lfs_*.sh (sourced): timing and the report line.
#
# lfs_timed FILE LABEL CMD...: runs CMD, appends "LABEL WALL CPU" to FILE
# (seconds; CPU is user+system of the children).
# lfs_report FILE TITLE PEER-NAME TARGET: from the LABELs ukfs and peer
# in FILE prints
#	TITLE: ukfs X s, peer Y s, ratio Y/X = R (higher is better for ukfs)
# from the medians, with the verdict against TARGET, and with
# LFS_BENCH_TABLE=TABLE appends the row bench/run.sh's summary prints.

lfs_cpu() {
	awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat
}

lfs_timed() {
	_f=$1 _l=$2
	shift 2
	_c0=$(lfs_cpu)
	_s=$(date +%s.%N)
	"$@"
	_e=$(date +%s.%N)
	_c1=$(lfs_cpu)
	echo "$_l $(echo "$_e - $_s" | bc) $(echo "scale=3; ($_c1 - $_c0) / $(getconf CLK_TCK)" | bc)" >>"$_f"
}

lfs_report() {
	awk -v t="$2" -v pn="$3" -v tg="$4" -v tab="${LFS_BENCH_TABLE:-}" '
	function med(a, n,    i, j, x) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				x = a[j]; a[j] = a[j - 1]; a[j - 1] = x
			}
		return a[int((n + 1) / 2)]
	}
	$1 == "ukfs" { uw[++nu] = $2; uc += $3; if (um == "" || $2 < um) um = $2 }
	$1 == "peer" { pw[++np] = $2; pc += $3; if (pm == "" || $2 < pm) pm = $2 }
	END {
		u = med(uw, nu); p = med(pw, np); uc /= nu; pc /= np
		r = u > 0 ? p / u : 0
		verdict = r >= tg ? "met" : "MISSED"
		printf "%s: ukfs %.3f s, peer %.3f s, ratio Y/X = %.2f " \
		    "(higher is better for ukfs; peer: %s) [target >= %s: %s]\n",
		    t, u, p, r, pn, tg, verdict
		if (tab != "")
			printf "%s|%s|%.3f|%.3f|%.2f|%.3f|%.3f|%s|%s|%.2f\n", t,
			    pn, u, p, r, uc, pc, tg, verdict,
			    (um > 0 ? pm / um : 0) >> tab
	}' "$1"
}
