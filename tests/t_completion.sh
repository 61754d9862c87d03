#!/bin/sh
# The bash completion (completion/ukfs), sourced in bash: paths inside an
# image after "IMAGE:" (ukfs-cp) and after the image operand (ukfs-ls),
# host files for the image, options from the tool's --help, -t types,
# tool names after "ukfs".
set -u
export LC_ALL=C
B=${B:-build}
TOP=${TOP:-$(pwd)}
cd "$TOP" || exit 1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-comp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
command -v bash >/dev/null || {
	echo "FAIL: bash is missing"
	exit 1
}

mkdir -p "$TMP/tree/docs/sub" "$TMP/tree/dir two"
echo hello >"$TMP/tree/docs/hello.txt"
echo x >"$TMP/tree/docs/with space.txt"
ln -s hello.txt "$TMP/tree/docs/link"
mke2fs -q -F -t ext2 -b 1024 -d "$TMP/tree" "$TMP/disk.img" 2M \
    >/dev/null 2>&1 || {
	echo "FAIL: mke2fs"
	exit 1
}
cp "$TMP/disk.img" "$TMP/my disk.img"

cat >"$TMP/run.bash" <<'EOF'
set -u
source "$COMPFILE" || exit 1
nfail=0
# comp LINE EXPECTED...: complete LINE as bash would (words split at the
# COMP_WORDBREAKS characters) and compare the sorted replies.
comp() {
	local line=$1 got want
	shift
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDS=()
	COMP_CWORD=0
	COMPREPLY=()
	_ukfs_complete
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' '|')
	want=$(printf '%s\n' "$@" | sort | tr '\n' '|')
	[ $# -eq 0 ] && want=""
	[ ${#COMPREPLY[@]} -eq 0 ] && got=""
	if [ "$got" = "$want" ]; then
		echo "ok: '$line' -> $got"
	else
		echo "FAIL: '$line' -> '$got', not '$want'"
		nfail=$((nfail + 1))
	fi
}
I=$WORK/disk.img
cd "$WORK"
complete -p ukfs-cp >/dev/null || { echo "FAIL: ukfs-cp not registered"; nfail=1; }
# Inside the image after IMAGE: (bash's word is what follows the colon).
comp "$BIN/ukfs-cp $I:/do" /docs/
comp "$BIN/ukfs-cp $I:/docs/" /docs/hello.txt /docs/link "/docs/with space.txt" /docs/sub/
comp "$BIN/ukfs-cp -R $I:/docs/s" /docs/sub/
comp "$BIN/ukfs-cp disk.img:/d" "/dir two/" /docs/
comp "$BIN/ukfs-cp out $I:/docs/h" /docs/hello.txt
# Without ':' in COMP_WORDBREAKS the reply is the whole word.
COMP_WORDBREAKS=${COMP_WORDBREAKS//:/}
comp "$BIN/ukfs-cp disk.img:/docs/l" disk.img:/docs/link
COMP_WORDBREAKS="$COMP_WORDBREAKS:"
# After the image operand, with the tool found in PATH.
PATH=$BIN:$PATH
comp "ukfs-ls -l disk.img /docs/w" "/docs/with space.txt"
comp "ukfs-chmod 644 disk.img /di" "/dir two/"
comp "ukfs rm -r disk.img do" docs/
comp "ukfs-cat disk.img:/docs/hello.txt /docs/li" /docs/link
# Quoted and escaped words: the reply is the text after the open quote
# (or after the last unquoted ':'), unquoted; readline quotes it.
comp "ukfs-ls disk.img \"/dir t" "/dir two/"
comp "ukfs-ls disk.img '/dir t" "/dir two/"
comp "ukfs-ls disk.img /dir\\ t" "/dir two/"
comp "ukfs-ls disk.img \"/docs/\"w" "with space.txt"
comp "ukfs-cp 'disk.img:/docs/with s" "disk.img:/docs/with space.txt"
comp "ukfs-cp disk.img:\"/docs/with s" "/docs/with space.txt"
comp "ukfs-cp disk.img:/docs/with\\ s" "/docs/with space.txt"
comp "ukfs-ls \"my disk.img\" /do" /docs/
comp "ukfs-ls my\\ disk.img /do" /docs/
comp "ukfs-cp \"my disk.img\":/do" /docs/
comp "ukfs-cp \"my disk.img:/do" "my disk.img:/docs/"
comp "ukfs-ls \"my d" "my disk.img"
comp "ukfs-ls -l 'disk.img' /docs/h" /docs/hello.txt
# The image itself is a host file.
comp "ukfs-ls dis" disk.img
# Options from --help; -t types; tool names.
comp "ukfs-ls -" -1 -a -d -i -l -n -R -t -o -h --help --version
comp "ukfs-touch -t " ext2fs ffs lfs msdos cd9660
comp "ukfs-ls -t ms" msdos
comp "ukfs ch" chmod chown
exit $nfail
EOF
COMPFILE=$TOP/completion/ukfs BIN=$TOP/$B/bin WORK=$TMP \
    bash --norc "$TMP/run.bash"
rc=$?
if [ $rc -ne 0 ]; then
	echo "$rc check(s) failed"
	exit 1
fi
echo "all checks passed"
