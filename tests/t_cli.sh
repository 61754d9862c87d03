#!/bin/sh
# The command line as people expect it, for every program in $B/bin:
# --help (exit 0, "Usage:" on stdout, nothing on stderr) and --version
# ("ukfs-ls (ukfs) 0.1.0"); for the ukfs tools one help layout whose
# Options list every option letter of the usage lines, "ukfs TOOL" the
# same as "ukfs-TOOL", usage errors on stderr with a pointer to --help,
# and errors named "tool: image:path: message".
set -u
export LC_ALL=C TZ=UTC
B=${B:-build}
TOP=${TOP:-$(pwd)}
cd "$TOP" || exit 1
BIN=$TOP/$B/bin
NFAIL=0
fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}
note() {
	echo "ok: $*"
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
VERSION=$(sed -n 's/^VERSION[[:space:]]*:= *//p' Makefile)
[ -n "$VERSION" ] || fail "no VERSION in the Makefile"

# The option letters of a help text's usage lines: "[-abc]", "[-t type]",
# "-t type", "[-d date | -r ref]".
usage_letters() {
	awk '/^Usage:/ { u = 1 } /^[^ U]/ && !/^Usage:/ { u = 0 } u' "$1" |
	    grep -o -- '[[ |]-[A-Za-z0-9]*' | sed 's/^..//' | fold -w1 | sort -u
}

ntools=0
for p in "$BIN"/*; do
	n=${p##*/}
	"$p" --help >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 0 ] || fail "$n --help: exit $rc"
	[ -s "$TMP/err" ] && fail "$n --help wrote to stderr: $(head -2 "$TMP/err")"
	head -1 "$TMP/out" | grep -q "^Usage: " ||
	    fail "$n --help: no 'Usage:' first: $(head -1 "$TMP/out")"
	"$p" --version >"$TMP/ver" 2>&1
	rc=$?
	[ $rc -eq 0 ] || fail "$n --version: exit $rc"
	case $n in
	ukfs) want="ukfs $VERSION" ;;
	*) want="$n (ukfs) $VERSION" ;;
	esac
	case $(head -1 "$TMP/ver") in
	"$want" | "$want, "*) ;;
	*) fail "$n --version: '$(head -1 "$TMP/ver")', not '$want'" ;;
	esac
	case $n in ukfs-*) ;; *) continue ;; esac
	ntools=$((ntools + 1))

	# One layout: Usage, what it does, Options, Exit status, Manual.
	awk '/^Usage: / { s = s "U" } /^Options:$/ { s = s "O" }
	    /^Exit status: / { s = s "E" } /^Manual: / { s = s "M" }
	    END { exit s == "UOEM" ? 0 : 1 }' "$TMP/out" ||
	    fail "$n --help: not Usage/Options/Exit status/Manual"
	grep -qx "Manual: $n(1)" "$TMP/out" || fail "$n --help: no 'Manual: $n(1)'"
	[ -f "man/$n.1" ] || fail "$n --help names $n(1), which is not in man/"
	sed -n '/^Options:$/,/^$/p' "$TMP/out" >"$TMP/opts"
	for l in $(usage_letters "$TMP/out"); do
		grep -Eq "^  (-[A-Za-z0-9], )?-$l[ ,]" "$TMP/opts" ||
		    fail "$n --help: option -$l of the usage is not described"
	done
	t=${n#ukfs-}
	"$BIN/ukfs" "$t" --help >"$TMP/out2" 2>&1
	cmp -s "$TMP/out" "$TMP/out2" || fail "'ukfs $t --help' differs from '$n --help'"
	grep -q "^  $t " "$TMP/ukfs-help" 2>/dev/null ||
	    { "$BIN/ukfs" --help >"$TMP/ukfs-help" &&
	    grep -q "^  $t " "$TMP/ukfs-help"; } ||
	    fail "'ukfs --help' does not list $t"
	# -h is --help unless the tool takes -h itself.
	if ! grep -q '^      --help' "$TMP/out"; then
		"$p" -h >"$TMP/out3" 2>&1
		cmp -s "$TMP/out" "$TMP/out3" || fail "$n -h differs from $n --help"
	fi

	# A usage error: on stderr, the usage lines and a pointer to --help.
	"$p" -Z >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $n in ukfs-fsck) want=16 ;; ukfs-diff) want=2 ;; *) want=1 ;; esac
	[ $rc -eq "$want" ] || fail "$n -Z: exit $rc, not $want"
	[ -s "$TMP/out" ] && fail "$n -Z wrote to stdout"
	grep -q "^Usage: $n " "$TMP/err" &&
	    grep -qx "Try '$n --help' for more information." "$TMP/err" ||
	    fail "$n -Z: $(cat "$TMP/err")"
done
[ "$ntools" -ge 17 ] && note "$ntools ukfs tools: --help layout, --version, usage errors" ||
    fail "only $ntools ukfs tools in $BIN"

# Error messages: "tool: image:path: message", exit 1.
IMG=$TMP/d.img
mkdir -p "$TMP/tree/docs"
echo hello >"$TMP/tree/docs/hello.txt"
mke2fs -q -F -t ext2 -b 1024 -d "$TMP/tree" "$IMG" 2M >/dev/null 2>&1 ||
    fail "mke2fs"
check_err() { # expected-message tool args...
	want=$1
	shift
	"$@" </dev/null >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] && [ "$(cat "$TMP/err")" = "$want" ] ||
	    fail "$(basename "$1") $*: exit $rc, '$(cat "$TMP/err")', not '$want'"
}
NX="No such file or directory"
for t in ls cat stat rm rmdir; do
	check_err "ukfs-$t: $IMG:/nx: $NX" "$BIN/ukfs-$t" "$IMG" /nx
	check_err "ukfs-$t: $IMG:/nx: $NX" "$BIN/ukfs-$t" "$IMG:/nx"
done
check_err "ukfs-chmod: $IMG:/nx: $NX" "$BIN/ukfs-chmod" 644 "$IMG" /nx
check_err "ukfs-chown: $IMG:/nx: $NX" "$BIN/ukfs-chown" 0 "$IMG" /nx
check_err "ukfs-mkdir: $IMG:/nx/d: $NX" "$BIN/ukfs-mkdir" "$IMG" /nx/d
check_err "ukfs-write: $IMG:/nx/f: $NX" "$BIN/ukfs-write" "$IMG" /nx/f
check_err "ukfs-cp: $IMG:/nx: $NX" "$BIN/ukfs-cp" "$IMG:/nx" "$TMP/o"
check_err "ukfs-ls: $TMP/none.img: $NX" "$BIN/ukfs-ls" "$TMP/none.img"
for t in ls cat stat rm mkdir touch write; do
	check_err "ukfs-$t: $TMP/none.img: $NX" "$BIN/ukfs-$t" "$TMP/none.img" /x
done
check_err "ukfs-info: $TMP/none.img: $NX" "$BIN/ukfs-info" "$TMP/none.img"
"$BIN/ukfs-cat" "$IMG:/docs/hello.txt" | grep -qx hello ||
    fail "ukfs-cat of a file that exists"
note "error messages name tool, image and path"

if [ "$NFAIL" -ne 0 ]; then
	echo "$NFAIL check(s) failed"
	exit 1
fi
echo "all checks passed"
