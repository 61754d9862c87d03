#!/bin/sh
# The in-core index of FAT directories (short names, names, free tail)
# under a long run of changes in one mount: long names sharing one
# short-name basis (numeric tails, one taken beforehand by a name of that
# form), removals that leave holes, entries that reuse them, renames in
# and between directories, rmdir and mkdir again, lookups by the short
# name and in another case.  The same script runs on a host directory;
# what mcopy extracts from the image must be that tree, and fsck.fat -n
# must find the image clean.  FAT16 (the fixed root) and FAT32.
TOP=${TOP:-$(pwd)}
. "$TOP/tests/tools_lib.sh"
set +e
for t in fsck.fat mcopy mdir; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done
[ -x "$BIN/ukfs-run" ] || { echo "FAIL: ukfs-run not built"; exit 1; }
ASANLIB=$(ldd "$TOP/$B/lib/librumphijack.so" | awk '/libasan/ { print $3 }')
[ -z "$ASANLIB" ] ||
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# work R: the changes, under root R (no two names differ only in case)
cat >"$TMP/work.sh" <<'EOF'
set -e
R=$1
cd "$R"
mkdir d e
echo taken >d/LONGNA~5.TXT
i=1
while [ $i -le 40 ]; do
	echo "file $i" >"d/Long name $i.txt"
	echo "root $i" >"Root entry $i.dat"
	i=$((i + 1))
done
echo short >d/readme.txt
for i in 3 7 8 9 20 33; do rm "d/Long name $i.txt"; done
rm "Root entry 2.dat" "Root entry 3.dat"
i=41
while [ $i -le 60 ]; do
	echo "again $i" >"d/Long name $i.txt"
	i=$((i + 1))
done
echo hole >"Root entry 99.dat"
mv "d/Long name 1.txt" "d/Renamed one.txt"
mv "d/Long name 2.txt" "e/Moved two.txt"
mv "e/Moved two.txt" "d/Back again.txt"
mkdir d/sub && echo in >d/sub/x && rm d/sub/x && rmdir d/sub
mkdir d/sub && echo in2 >d/sub/y
echo after >"d/Long name 7.txt"
EOF

# look NAME...: which names the directory answers to, in one mount
cat >"$TMP/look.sh" <<'EOF'
cd "$1"
for n in d/README.TXT d/Readme.Txt d/LONGNA~5.TXT "d/LONG NAME 40.TXT" \
    "d/Long name 3.txt" "d/long name 7.TXT" "ROOT ENTRY 99.DAT" \
    "Root entry 2.dat" d/nothing; do
	if [ -e "$n" ]; then echo "yes $n"; else echo "no $n"; fi
done
EOF
cat >"$TMP/look.want" <<'EOF'
yes d/README.TXT
yes d/Readme.Txt
yes d/LONGNA~5.TXT
yes d/LONG NAME 40.TXT
no d/Long name 3.txt
yes d/long name 7.TXT
yes ROOT ENTRY 99.DAT
no Root entry 2.dat
no d/nothing
EOF

mkdir "$TMP/host"
sh "$TMP/work.sh" "$TMP/host" || fail "the changes on the host"

for fat in 16 32; do
	img=$TMP/f$fat.img
	"$BIN/ukfs-newfs" -t msdos -F $fat -s 64m "$img" >/dev/null 2>&1 ||
	    { fail "newfs -F $fat"; continue; }
	LD_PRELOAD=$ASANLIB "$BIN/ukfs-run" -o rw "$img" -- \
	    sh -c "sh '$TMP/work.sh' /img && sh '$TMP/look.sh' /img" \
	    >"$TMP/look" 2>"$TMP/err" ||
	    fail "FAT$fat: the changes in the image: $(head -3 "$TMP/err")"
	cmp -s "$TMP/look" "$TMP/look.want" || {
		diff "$TMP/look.want" "$TMP/look"
		fail "FAT$fat: lookups after the changes"
	}
	fsck.fat -n "$img" >"$TMP/fsck" 2>&1 ||
	    { fail "FAT$fat: fsck.fat -n:"; head -5 "$TMP/fsck"; }
	rm -rf "$TMP/out" && mkdir "$TMP/out"
	mcopy -s -n -i "$img" '::*' "$TMP/out/" 2>"$TMP/err" ||
	    fail "FAT$fat: mcopy: $(head -3 "$TMP/err")"
	diff -r "$TMP/host" "$TMP/out" >"$TMP/diff" 2>&1 ||
	    { fail "FAT$fat: mcopy's tree is not the host's:"; head "$TMP/diff"; }
	# the short names: the taken tail 5 skipped, holes' tails reused
	mdir -i "$img" ::d >"$TMP/mdir" 2>&1
	n=$(grep -cE '^LONGN(A~[0-9]|~[0-9][0-9]) ' "$TMP/mdir")
	[ "$n" -eq 54 ] || fail "FAT$fat: $n LONGNA~ short names, not 54"
	[ "$(grep -c '^LONGNA~5 ' "$TMP/mdir")" -eq 1 ] ||
	    fail "FAT$fat: LONGNA~5 taken twice or lost"
	# as a walk finds them: the smallest free tail, the first hole
	grep -q '^LONGNA~3 TXT .* Long name 41\.txt$' "$TMP/mdir" ||
	    fail "FAT$fat: Long name 41.txt did not get the freed LONGNA~3"
	[ "$(grep -n 'Long name 41\.txt$' "$TMP/mdir" | cut -d: -f1)" -lt \
	    "$(grep -n 'Long name 4\.txt$' "$TMP/mdir" | cut -d: -f1)" ] ||
	    fail "FAT$fat: Long name 41.txt did not go into the first hole"
	note "FAT$fat: index kept right through adds, holes, renames, rmdir"
done
finish
