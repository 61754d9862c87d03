#!/bin/sh
# ukfs-diff: an image against its exact extraction, its gzip'ed copy and
# itself in a partition (no difference, exit 0); against a changed host
# copy and a copy changed by the ukfs tools, the names only on one side
# and the files whose content differs are those diff -r finds, and every
# metadata change is reported (exit 1); trouble exits 2.
. "$(dirname "$0")/parts_lib.sh"

IMG=$TESTDATA/img/ext2-2k.img
[ -f "$IMG" ] || { echo "FAIL: no $IMG"; exit 1; }
X=$W/x
"$BIN/ukfs-cp" -Rp "$IMG:/" "$X" || { echo "FAIL: extraction"; exit 1; }

# rc WANT WHAT CMD...: the exit status and, for 0, no output
rc() {
	want=$1 what=$2
	shift 2
	"$@" >"$W/out" 2>"$W/err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$what (exit $got)"
	else
		fail "$what: exit $got, want $want: $(head -3 "$W/out" "$W/err")"
	fi
}
rc 0 "image vs its extraction" "$BIN/ukfs-diff" "$IMG" "$X"
[ -s "$W/out" ] && fail "output for identical trees: $(head -3 "$W/out")"
gzip -c "$IMG" >"$W/i.gz"
rc 0 "image vs its gzip'ed copy" "$BIN/ukfs-diff" "$IMG" "$W/i.gz"
rc 0 "subtree vs subtree" "$BIN/ukfs-diff" "$IMG:/sizes" "$X/sizes"
D=$W/disk.img
truncate -s 80M "$D"
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$D"
put "$D" "$IMG" 2048
rc 0 "image vs the same in partition 1" "$BIN/ukfs-diff" "$IMG" "$D@1"

# a changed host copy
Y=$W/y
cp -a "$X" "$Y"
echo more >>"$Y/sizes/size-0000000001"
printf 'X' | dd of="$Y/sizes/size-0000004096" conv=notrunc status=none
touch -r "$X/sizes/size-0000004096" "$Y/sizes/size-0000004096"
chmod 0600 "$Y/sizes/size-0000000002"
chown 12:34 "$Y/sizes/size-0000012288"
touch -d '2001-02-03 04:05:06' "$Y/sizes/size-0000001023"
rm "$Y/sizes/size-0000001024"
echo new >"$Y/sizes/newfile"
rm "$Y/sizes/size-0000001025" && mkdir "$Y/sizes/size-0000001025"
link=$(cd "$Y" && find links -type l | head -1)
ln -sfn elsewhere "$Y/$link"
touch -h -r "$X/$link" "$Y/$link"
rc 1 "image vs a changed copy" "$BIN/ukfs-diff" "$IMG" "$Y"
for want in "/sizes/size-0000000001: size: 1 vs 6" \
    "/sizes/size-0000004096: content differs" \
    "/sizes/size-0000000002: mode: 0644 vs 0600" \
    "/sizes/size-0000012288: owner: 0:0 vs 12:34" \
    "/sizes/size-0000001023: mtime: " \
    "/sizes/size-0000001024: only in $IMG" \
    "/sizes/newfile: only in $Y" \
    "/sizes/size-0000001025: type: regular file vs directory" \
    "/$link: link target: '"; do
	grep -qF -- "$want" "$W/out" && ok "reported: $want" ||
	    fail "not reported: $want (got: $(head -20 "$W/out"))"
done
# the content and only-in findings are diff -r's
(diff -rq "$X" "$Y" 2>&1 || true) | sed -n \
    -e "s|^Only in $X\(.*\): \(.*\)|\1/\2 A|p" -e "s|^Only in $Y\(.*\): \(.*\)|\1/\2 B|p" \
    -e "s|^Files $X\(.*\) and .* differ|\1 C|p" -e "s|^File $X\(.*\) is a regular file while file .* is a directory\$|\1 T|p" |
    sed 's|^//|/|' | sort >"$W/h"
sed -n -e "s|^\(.*\): only in $IMG\$|\1 A|p" -e "s|^\(.*\): only in $Y\$|\1 B|p" \
    -e 's|^\(.*\): content differs$|\1 C|p' -e 's|^\(.*\): type: .*|\1 T|p' \
    "$W/out" | sort >"$W/u"
# diff -r compares symlinks by their targets' contents: drop that one
grep -v "^/$link " "$W/h" >"$W/h2"; grep -v "^/$link " "$W/u" >"$W/u2"
cmp -s "$W/u2" "$W/h2" && ok "the same findings as diff -r ($(wc -l <"$W/u2"))" ||
    fail "findings differ from diff -r: $(diff "$W/u2" "$W/h2" | head -6)"
rc 1 "-q: status only" "$BIN/ukfs-diff" -q "$IMG" "$Y"
[ -s "$W/out" ] && fail "-q printed: $(head -2 "$W/out")"
rc 1 "-x ignores some fields only" "$BIN/ukfs-diff" -x mode,owner,mtime "$IMG" "$Y"
grep -q 'mode:\|owner:\|mtime:' "$W/out" && fail "-x mode,owner,mtime still reports them"

# an image changed by the ukfs tools, against the original
cp "$IMG" "$W/b.img"
"$BIN/ukfs-chmod" 0751 "$W/b.img:/sizes/size-0000000002" &&
"$BIN/ukfs-rm" "$W/b.img:/sizes/size-0000001024" &&
"$BIN/ukfs-mkdir" "$W/b.img:/sizes/newdir" || fail "changing the copy"
rc 1 "image vs changed image" "$BIN/ukfs-diff" "$IMG" "$W/b.img"
grep -q "^/sizes/size-0000000002: mode: 0644 vs 0751$" "$W/out" &&
    grep -q "^/sizes/size-0000001024: only in $IMG$" "$W/out" &&
    grep -q "^/sizes/newdir: only in $W/b.img$" "$W/out" &&
    ok "image vs image findings" || fail "image vs image: $(cat "$W/out")"

rc 2 "a missing operand" "$BIN/ukfs-diff" "$IMG" "$W/nonexistent"
rc 2 "a bad partition" "$BIN/ukfs-diff" "$IMG" "$D@7"
finish
