#!/bin/sh
# ukfs-cat: the bytes of every regular file of every reference image equal
# the fixture's; errors are reported per operand.
. "$(dirname "$0")/tools_lib.sh"

CAT=$BIN/ukfs-cat

# All regular files of the fixture, in one order, NUL-separated.
(cd "$FIX" && find . -type f -print0 | sort -z) >"$TMP/files"
nfiles=$(tr -cd '\0' <"$TMP/files" | wc -c)
(cd "$FIX" && xargs -0 sh -c 'for f; do
	dd if="$f" iflag=noatime bs=1M status=none; done' sh) \
    <"$TMP/files" >"$TMP/host"

while IFS="$(printf '\t')" read -r img opts; do
	if (cd "$FIX" && xargs -0 "$CAT" "$IMGDIR/$img") <"$TMP/files" \
	    >"$TMP/ukfs" 2>"$TMP/err" && cmp -s "$TMP/ukfs" "$TMP/host"; then
		note "cat of $nfiles files of $img"
	else
		fail "cat of $img: $(cmp "$TMP/ukfs" "$TMP/host" 2>&1;
		    head -5 "$TMP/err")"
	fi
done <"$IMGDIR/images.txt"

# Through symlinks, which resolve inside the image.
host_cat "$FIX/links/target.txt" >"$TMP/want"
"$CAT" "$EXACT" /links/chain3 >"$TMP/got" && cmp -s "$TMP/got" "$TMP/want" &&
    note "cat through a symlink chain" || fail "cat through a symlink chain"
if "$CAT" "$EXACT" /links/absolute >/dev/null 2>"$TMP/err"; then
	fail "absolute symlink reached the host's /etc/passwd"
else
	note "absolute symlink stays inside the image"
fi
"$CAT" "$EXACT:/links/target.txt" >"$TMP/got" &&
    cmp -s "$TMP/got" "$TMP/want" && note "image:path operand" ||
    fail "image:path operand"

# Errors: a message per bad operand, status 1, the others still copied.
if "$CAT" "$EXACT" /nonexistent /links/target.txt /hard >"$TMP/got" \
    2>"$TMP/err"; then
	fail "bad operands: exit status 0"
fi
cmp -s "$TMP/got" "$TMP/want" && note "good operand copied after a bad one" ||
    fail "good operand after a bad one"
grep -q "^ukfs-cat: $EXACT:/nonexistent: No such file or directory$" \
    "$TMP/err" && note "missing file reported" ||
    fail "missing file: $(cat "$TMP/err")"
grep -q "^ukfs-cat: $EXACT:/hard: Is a directory$" "$TMP/err" &&
    note "directory reported" || fail "directory: $(cat "$TMP/err")"
if "$CAT" "$EXACT" 2>/dev/null; then fail "no path accepted"; fi
if "$CAT" "$TMP/nonexistent.img" /x 2>"$TMP/err" ||
    ! grep -q "No such file or directory" "$TMP/err"; then
	fail "missing image: $(cat "$TMP/err")"
else
	note "missing image reported"
fi

restore_fixture_times
finish
