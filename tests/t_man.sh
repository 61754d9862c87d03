#!/bin/sh
# The manual: every man/*.[0-9] passes mandoc -Tlint at level warning, has
# the sections its kind of page needs and describes every option letter of
# its SYNOPSIS; every program in $B/bin and every library in $B/lib is
# named in some page (a new tool fails here until it has one).
set -u
export LC_ALL=C
B=${B:-build}
TOP=${TOP:-$(pwd)}
cd "$TOP" || exit 1
NFAIL=0
fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}

command -v mandoc >/dev/null || {
	echo "FAIL: mandoc is missing (apt-get install mandoc)"
	exit 1
}
[ -x "$B/bin/ukfs" ] || {
	echo "FAIL: $B/bin/ukfs is missing: run make first"
	exit 1
}

# The names a page documents: the .Nm lines of its NAME section.
names() {
	awk '/^\.Sh /{ s = $2 } s == "NAME" && /^\.Nm / { print $2 }' "$1"
}

# The option letters a page's SYNOPSIS shows: "Fl abc" and "Fl x Ar y".
synopsis_letters() {
	awk '/^\.Sh /{ s = $2 } s == "SYNOPSIS" {
		for (i = 1; i < NF; i++)
			if (($i == "Fl" || $i == ".Fl") && $(i + 1) ~ /^[A-Za-z0-9]+$/)
				print $(i + 1)
	}' "$1" | fold -w1 | sort -u
}

npages=0
for m in man/*.[0-9]; do
	npages=$((npages + 1))
	sec=${m##*.}
	out=$(mandoc -Tlint -W warning "$m" 2>&1)
	[ -z "$out" ] || fail "$m: mandoc -Tlint: $out"
	hdrs=$(grep '^\.Sh ' "$m" | sed 's/^\.Sh //')
	need="NAME|SYNOPSIS|DESCRIPTION|EXAMPLES|SEE ALSO"
	case $sec in
	1 | 8) need="$need|EXIT STATUS" ;;
	2 | 3) need="$need|RETURN VALUES" ;;
	esac
	oldifs=$IFS
	IFS='|'
	for h in $need; do
		printf '%s\n' "$hdrs" | grep -qx "$h" || fail "$m: no $h section"
	done
	IFS=$oldifs
	[ -n "$(names "$m")" ] || fail "$m: NAME names nothing"
	head -3 "$m" | grep -q "^\.Dt $(basename "$m" ".$sec" |
	    tr 'a-z' 'A-Z') $sec\$" || fail "$m: .Dt does not match the file name"
	case $sec in 1 | 8) ;; *) continue ;; esac
	for l in $(synopsis_letters "$m"); do
		grep -Eq "^\.It (Op )?Fl $l( |\$)|^\.It Fl [A-Za-z0-9] , Fl $l( |\$)" "$m" ||
		    fail "$m: option -$l of the SYNOPSIS is not described"
	done
done
[ "$npages" -gt 0 ] || fail "no pages in man/"

# Every program and library has a page naming it.
all=$(for m in man/*.[0-9]; do names "$m" | sed "s/\$/.${m##*.}/"; done)
for p in "$B"/bin/*; do
	n=$(basename "$p")
	printf '%s\n' "$all" | grep -Eqx "$n\.[18]" || fail "program $n has no page"
done
for l in "$B"/lib/lib*.so; do
	[ -e "$l" ] || continue
	n=$(basename "$l" .so)
	n=${n#lib}
	printf '%s\n' "$all" | grep -qx "$n\.3" || fail "library lib$n has no page $n(3)"
done
# ukfs(1) lists every tool.
for p in "$B"/bin/ukfs-*; do
	n=${p##*/}
	grep -q "^\.It Xr $n 1\$" man/ukfs.1 || fail "ukfs.1 does not list $n"
done
# Cross references to ukfs pages point at pages that exist.
for x in $(grep -ho '^\.Xr [a-z0-9_.-]* [0-9]' man/*.[0-9] | awk '{ print $2 "." $3 }' | sort -u); do
	case $x in ukfs* | rump* | p2k*) ;; *) continue ;; esac
	printf '%s\n' "$all" | grep -qx "$x" || fail "a page refers to $x, which does not exist"
done

# Every function of a public header is in its library's page.
for pair in libukfs/ukfs.h:man/ukfs.3 libp2k/p2k.h:man/p2k.3 \
    include/rump/rump.h:man/rump.3; do
	h=${pair%%:*}
	m=${pair#*:}
	[ -f "$h" ] || continue
	for f in $(grep -o '[a-z0-9_]*(' "$h" | tr -d '(' |
	    grep -E '^(ukfs|p2k|rump)_' | sort -u); do
		grep -Eq "^\.(Fn|Fo) $f( |\$)" "$m" ||
		    fail "$m: $f of $h is not documented"
	done
done

echo "$npages pages checked"
if [ "$NFAIL" -ne 0 ]; then
	echo "$NFAIL check(s) failed"
	exit 1
fi
echo "all checks passed"
