#!/bin/sh
# ukfs-ls against ls(1) of the fixture the images were made from.
. "$(dirname "$0")/tools_lib.sh"

LS=$BIN/ukfs-ls

# Directory sizes and "total" lines depend on the file system.
norm() {
	awk '/^total / { next } /^d/ { $5 = "DIR" } { print }'
}

same() { # name file-a file-b
	if cmp -s "$2" "$3"; then
		note "$1"
	else
		fail "$1"
		diff "$2" "$3" | head -20
	fi
}

# Whole tree, long format.
"$LS" -lR "$EXACT" / | norm >"$TMP/ukfs" || fail "ukfs-ls -lR exit status"
(cd "$FIX" && ls -lR .) | sed 's|^\./|/|; s|^\.:$|/:|' | norm >"$TMP/host"
same "ls -lR of $(basename "$EXACT")" "$TMP/ukfs" "$TMP/host"

# Dot files, numeric ids, several operands, -d, relative paths.
for args in "-la /hard" "-ln /owners" "-la /perms" "-l /special" \
    "-la /links" "-l /times" "-ld links links/fast hard/three" \
    "-l links/fast hard sizes" "-1 /names" "-la /bigdir" "-lR deep"; do
	# shellcheck disable=SC2086
	set -- $args
	opts=$1
	shift
	"$LS" "$opts" "$EXACT" "$@" | norm >"$TMP/ukfs" 2>&1 ||
	    fail "ukfs-ls $args: exit status"
	(cd "$FIX" && ls "$opts" $(echo "$@" | sed 's|^/||; s| /| |g')) |
	    norm >"$TMP/host"
	# ls names an operand as given; ukfs-ls too, but ours start with /
	sed 's|^/||' "$TMP/ukfs" >"$TMP/ukfs2"
	sed 's|^/||' "$TMP/host" >"$TMP/host2"
	same "ls $args" "$TMP/ukfs2" "$TMP/host2"
done

# IMAGE:PATH as the first operand.
"$LS" -l "$EXACT" /links >"$TMP/a"
"$LS" -l "$EXACT:/links" >"$TMP/b"
same "image:path operand" "$TMP/a" "$TMP/b"

# -i: hard links share the inode number that ukfs-stat reports.
"$LS" -i "$EXACT" /hard >"$TMP/ino"
i1=$(awk '$2 == "three" { print $1 }' "$TMP/ino")
i2=$(awk '$2 == "three-same-dir" { print $1 }' "$TMP/ino")
i3=$("$BIN/ukfs-stat" "$EXACT" /hard/three | sed -n 's/.*Inode: \([0-9]*\).*/\1/p')
if [ -n "$i1" ] && [ "$i1" = "$i2" ] && [ "$i1" = "$i3" ]; then
	note "ls -i inode numbers"
else
	fail "ls -i: three=$i1 three-same-dir=$i2 stat=$i3"
fi

# Names in every reference image.
(cd "$FIX" && ls -R .) | sed 's|^\./|/|; s|^\.:$|/:|' >"$TMP/host"
while IFS="$(printf '\t')" read -r img opts; do
	if "$LS" -R "$IMGDIR/$img" >"$TMP/ukfs" 2>"$TMP/err"; then
		same "ls -R names of $img" "$TMP/ukfs" "$TMP/host"
	else
		fail "ls -R $img: $(cat "$TMP/err")"
	fi
done <"$IMGDIR/images.txt"

# Errors: message, status 1, and the other operands still listed.
if "$LS" "$EXACT" /nonexistent /hard >"$TMP/out" 2>"$TMP/err"; then
	fail "missing operand: exit status 0"
fi
if grep -q "^ukfs-ls: $EXACT:/nonexistent: No such file or directory$" \
    "$TMP/err" && grep -q "^three$" "$TMP/out"; then
	note "missing operand reported, others listed"
else
	fail "missing operand: $(cat "$TMP/err")"
fi
head -c 1048576 /dev/zero >"$TMP/zero.img"
if "$LS" "$TMP/zero.img" 2>"$TMP/err" ||
    ! grep -q "no known file system" "$TMP/err"; then
	fail "image without a file system: $(cat "$TMP/err")"
else
	note "image without a file system"
fi
"$LS" --version | grep -q '^ukfs-ls (ukfs) [0-9]' && note "--version" ||
    fail "--version"
"$BIN/ukfs" ls -h | grep -q '^Usage: ukfs-ls' && note "ukfs ls -h" ||
    fail "ukfs ls -h"
if "$LS" -Z "$EXACT" 2>/dev/null; then fail "bad option accepted"; fi

# A directory hard-linked into itself: -R reports it and ends.
mkdir -p "$TMP/loop/d/e"
mke2fs -q -F -t ext2 -b 1024 -d "$TMP/loop" "$TMP/loop.img" 2M >/dev/null
debugfs -w -R "ln /d /d/e/up" "$TMP/loop.img" >/dev/null 2>&1
if timeout 20 "$LS" -R "$TMP/loop.img" >"$TMP/out" 2>"$TMP/err"; then
	fail "directory loop: exit status 0"
elif grep -q "directory loop" "$TMP/err"; then
	note "ls -R stops at a directory loop"
else
	fail "directory loop: $(cat "$TMP/err")"
fi

restore_fixture_times
finish
