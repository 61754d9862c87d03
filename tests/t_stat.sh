#!/bin/sh
# ukfs-stat against stat(1) of the fixture (what the two file systems can
# share: names, sizes, types, links, modes, owners, atimes and mtimes) and
# against debugfs (inode numbers, device numbers).
. "$(dirname "$0")/tools_lib.sh"

STAT=$BIN/ukfs-stat

# Keep the lines and fields that do not depend on the file system.  Host
# stat(1) reads symlinks, which moves their atimes: those are left out.
norm() {
	awk '
	/^  File: / {
		link = index($0, " -> ") > 0
		sub(/File: \//, "File: "); print; next
	}
	/^Access: [0-9]/ && link { next }
	/^  Size: / {
		t = $0; sub(/.*IO Block: [0-9]+ +/, "", t)
		print "Size:", (t == "directory" ? "DIR" : $2), t; next
	}
	/^Device: / { l = $0; sub(/.*Links: /, "Links: ", l); print l; next }
	/^Access: / || /^Modify: / { print }'
}

# Every entry but the root, in one call each.
(cd "$FIX" && find . -mindepth 1 -printf '%P\0' | sort -z) >"$TMP/paths"
restore_fixture_times # find read the directories
n=$(tr -cd '\0' <"$TMP/paths" | wc -c)
(cd "$FIX" && xargs -0 stat --) <"$TMP/paths" | norm >"$TMP/host"
sed -z 's|^|/|' "$TMP/paths" | xargs -0 "$STAT" "$EXACT" | norm \
    >"$TMP/ukfs" || fail "ukfs-stat exit status"
if cmp -s "$TMP/ukfs" "$TMP/host"; then
	note "stat of $n entries of $(basename "$EXACT")"
else
	fail "stat differs from the fixture"
	diff "$TMP/ukfs" "$TMP/host" | head -20
fi

# Inode and device numbers as debugfs reads them.
for p in /links/fast /hard/three /special/chr-1-3 /special/blk-7-0 /perms; do
	want=$(debugfs -R "stat \"$p\"" "$EXACT" 2>/dev/null |
	    sed -n 's/^Inode: \([0-9]*\).*/\1/p')
	got=$("$STAT" "$EXACT" "$p" | sed -n 's/.*Inode: \([0-9]*\).*/\1/p')
	[ -n "$want" ] && [ "$want" = "$got" ] && note "inode of $p" ||
	    fail "inode of $p: $got, debugfs $want"
done
"$STAT" "$EXACT" /special/chr-300-70000 >"$TMP/out"
grep -q "Device type: 300,70000$" "$TMP/out" && note "large device numbers" ||
    fail "device numbers: $(cat "$TMP/out")"

# Birth is a time or "-"; the other times carry nanoseconds and a zone.
"$STAT" "$EXACT" /times/t-ns >"$TMP/out"
grep -Eq '^ Birth: (-|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\.[0-9]{9} [+-][0-9]{4})$' \
    "$TMP/out" && note "birth line" || fail "birth line: $(cat "$TMP/out")"
grep -q '^Modify: 2020-02-02 02:02:02.123456789 +0000$' "$TMP/out" &&
    note "nanosecond mtime" || fail "nanosecond mtime: $(cat "$TMP/out")"

# -L follows symlinks.
"$STAT" -L "$EXACT" /links/chain3 | grep -q "regular file$" &&
    note "-L follows" || fail "-L does not follow"
"$STAT" "$EXACT" /links/chain3 | grep -q "symbolic link$" &&
    note "no -L: the link itself" || fail "no -L"

# Errors.
if "$STAT" "$EXACT" /nonexistent /hard >"$TMP/out" 2>"$TMP/err"; then
	fail "missing file: exit status 0"
fi
grep -q "^ukfs-stat: $EXACT:/nonexistent: No such file or directory$" \
    "$TMP/err" && grep -q "File: /hard$" "$TMP/out" &&
    note "missing file reported, next operand done" ||
    fail "missing file: $(cat "$TMP/err")"

finish
