#!/bin/sh
# The name-space and attribute tools on an ext2 image: ukfs-mkdir, -write,
# -touch, -chmod, -chown, -ln, -mv, -rm, -rmdir.  Each change is read back
# with debugfs (an independent reader) and the image passes e2fsck -fn
# after every group.
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
need_write ext2fs

umask 022
I=$TMP/t.img
new_ext2 "$I" 16M -b 1024 -I 256
cd "$TMP"

# expect WHAT CMD...: the command succeeds.
expect() {
	_what=$1
	shift
	if "$@" 2>"$TMP/err"; then
		note "$_what"
	else
		fail "$_what: $(cat "$TMP/err")"
	fi
}

# refuse WHAT PATTERN CMD...: the command fails with a message matching.
refuse() {
	_what=$1
	_pat=$2
	shift 2
	if "$@" 2>"$TMP/err"; then
		fail "$_what: status 0"
	elif grep -q -- "$_pat" "$TMP/err"; then
		note "$_what"
	else
		fail "$_what: message: $(cat "$TMP/err")"
	fi
}

# is WHAT PATH FIELD VALUE: debugfs's stat of PATH shows FIELD = VALUE
# (modes without leading zeros; debugfs prints 32-bit ids signed).
is() {
	_v=$(dstat "$I" "$2" "$3")
	case "$3" in
	Mode) _v=$(echo "$_v" | sed 's/^0*//') ;;
	User | Group) _v=$(echo "$_v" | awk '{ print ($1 < 0 ? $1 + 4294967296 : $1) }') ;;
	esac
	if [ "$_v" = "$(echo "$4" | sed 's/^0*\(.\)/\1/')" ]; then
		note "$1"
	else
		fail "$1: $3 of $2 is '$_v', want '$4'"
	fi
}

# secs HEX:NSEC field -> seconds in decimal
secs() {
	_t=$(dstat "$I" "$1" "$2")
	printf '%d' "${_t%%:*}"
}

# --- mkdir ------------------------------------------------------------------
expect "mkdir" "$BIN/ukfs-mkdir" "$I" /a /b
is "mkdir makes a directory" /a Type directory
is "mkdir mode is 0777 less the umask" /a Mode 0755
expect "mkdir -p" "$BIN/ukfs-mkdir" -p "$I" /p/q/r
is "mkdir -p makes the parents" /p/q/r Type directory
expect "mkdir -p on an existing tree" "$BIN/ukfs-mkdir" -p "$I" /p/q
expect "mkdir -m 2750" "$BIN/ukfs-mkdir" -m 2750 "$I" /m
is "mkdir -m keeps set-gid" /m Mode 2750
expect "mkdir -m symbolic" "$BIN/ukfs-mkdir" -m u=rwx,g=rx,o= "$I" /m2
is "mkdir -m u=rwx,g=rx,o=" /m2 Mode 0750
refuse "mkdir of an existing name" "^ukfs-mkdir: $I:/a: File exists$" \
    "$BIN/ukfs-mkdir" "$I" /a
refuse "mkdir without the parent" "No such file or directory" \
    "$BIN/ukfs-mkdir" "$I" /no/such
expect "mkdir IMAGE:PATH PATH" "$BIN/ukfs-mkdir" "$I:/c" d
is "IMAGE:PATH form" /c Type directory
is "relative paths start at the root" /d Type directory
e2fsck_clean "$I" "after mkdir"

# --- write ------------------------------------------------------------------
head -c 300000 /dev/urandom >data
expect "write from stdin" sh -c "'$BIN/ukfs-write' '$I' /a/f <data"
debugfs -R "cat /a/f" "$I" 2>/dev/null | cmp -s - data &&
    note "debugfs reads what ukfs-write wrote" || fail "content differs"
is "a new file is 0666 less the umask" /a/f Mode 0644
printf tail | "$BIN/ukfs-write" -a "$I" /a/f || fail "write -a"
is "write -a appends" /a/f Size 300004
printf short | "$BIN/ukfs-write" "$I" /a/f2 || fail "write"
printf x | "$BIN/ukfs-write" "$I" /a/f2 || fail "write"
is "write truncates" /a/f2 Size 1
refuse "write into a missing directory" "No such file or directory" \
    sh -c "'$BIN/ukfs-write' '$I' /none/x </dev/null"
e2fsck_clean "$I" "after write"

# --- touch ------------------------------------------------------------------
expect "touch makes a file" "$BIN/ukfs-touch" "$I" /t
is "touch: empty regular file" /t Size 0
expect "touch -d" "$BIN/ukfs-touch" -d "2001-02-03 04:05:06.5Z" "$I" /t
[ "$(secs /t mtime)" = 981173106 ] && [ "$(secs /t atime)" = 981173106 ] &&
    note "touch -d sets both times" || fail "touch -d: $(secs /t mtime)"
dstat "$I" /t mtime | grep -q ':1dcd6500$\|:77359400$' &&
    note "touch -d keeps the fraction" || fail "fraction: $(dstat "$I" /t mtime)"
expect "touch -t" "$BIN/ukfs-touch" -t 199912312359.30 "$I" /t
[ "$(secs /t mtime)" = 946684770 ] && note "touch -t STAMP (TZ=UTC)" ||
    fail "touch -t: $(secs /t mtime)"
expect "touch -a -d @1000" "$BIN/ukfs-touch" -a -d @1000 "$I" /t
[ "$(secs /t atime)" = 1000 ] && [ "$(secs /t mtime)" = 946684770 ] &&
    note "touch -a changes only the atime" || fail "touch -a"
expect "touch -c" "$BIN/ukfs-touch" -c "$I" /nope
[ -z "$(dstat "$I" /nope Type)" ] && note "touch -c makes nothing" ||
    fail "touch -c made a file"
expect "touch -r" "$BIN/ukfs-touch" -r /t "$I" /a/f2
[ "$(secs /a/f2 mtime)" = 946684770 ] && [ "$(secs /a/f2 atime)" = 1000 ] &&
    note "touch -r copies the times" || fail "touch -r"
refuse "touch -d garbage" "invalid date" "$BIN/ukfs-touch" -d tomorrowish \
    "$I" /t
e2fsck_clean "$I" "after touch"

# --- ln ---------------------------------------------------------------------
expect "ln" "$BIN/ukfs-ln" "$I" /a/f /a/hard
is "ln makes a hard link" /a/f Links 2
expect "ln -s" "$BIN/ukfs-ln" -s "$I" ../a/f /b/sym
debugfs -R "stat /b/sym" "$I" 2>/dev/null | grep -q 'Fast link dest: "../a/f"' &&
    note "ln -s keeps the target as written" || fail "ln -s target"
is "symlinks are 0777" /b/sym Mode 0777
expect "ln -s into a directory" "$BIN/ukfs-ln" -s "$I" some/target /b
is "ln -s TARGET DIR names it after the target" /b/target Type symlink
refuse "ln over an existing name" "File exists" "$BIN/ukfs-ln" -s "$I" x /b/sym
expect "ln -sf" "$BIN/ukfs-ln" -sf "$I" other /b/sym
debugfs -R "stat /b/sym" "$I" 2>/dev/null | grep -q 'Fast link dest: "other"' &&
    note "ln -f replaces" || fail "ln -sf"
expect "touch -h" "$BIN/ukfs-touch" -h -d @5 "$I" /b/sym
[ "$(secs /b/sym mtime)" = 5 ] && note "touch -h changes the link itself" ||
    fail "touch -h"
e2fsck_clean "$I" "after ln"

# --- chmod ------------------------------------------------------------------
expect "chmod 4755" "$BIN/ukfs-chmod" 4755 "$I" /a/f
is "chmod octal with set-uid" /a/f Mode 4755
expect "chmod u-s,go-rx" "$BIN/ukfs-chmod" u-s,go-rx "$I" /a/f
is "chmod symbolic" /a/f Mode 0700
expect "chmod -w" "$BIN/ukfs-chmod" -w "$I" /a/f
is "chmod -w (a mode that looks like an option)" /a/f Mode 0500
expect "chmod +t" "$BIN/ukfs-chmod" +t "$I" /b
is "chmod +t" /b Mode 1755
expect "chmod g=u" "$BIN/ukfs-chmod" g=u "$I" /m2
is "chmod g=u copies" /m2 Mode 0770
expect "chmod -R" "$BIN/ukfs-chmod" -R go-rx "$I" /p
is "chmod -R: the top" /p Mode 0700
is "chmod -R: below" /p/q/r Mode 0700
expect "chmod a+rX" "$BIN/ukfs-chmod" -R a+rX "$I" /p
is "chmod X on directories" /p/q Mode 0755
refuse "chmod with a bad mode" "invalid mode" "$BIN/ukfs-chmod" 8x "$I" /a
e2fsck_clean "$I" "after chmod"

# --- chown ------------------------------------------------------------------
expect "chown 1234:5678" "$BIN/ukfs-chown" 1234:5678 "$I" /a/f
is "chown: owner" /a/f User 1234
is "chown: group" /a/f Group 5678
expect "chown :GROUP" "$BIN/ukfs-chown" :99 "$I" /a/f
is "chown :GROUP keeps the owner" /a/f User 1234
is "chown :GROUP sets the group" /a/f Group 99
expect "chown a name" "$BIN/ukfs-chown" root:root "$I" /a/f
is "owner names from the host database" /a/f User 0
expect "chown -R" "$BIN/ukfs-chown" -R 42:43 "$I" /p
is "chown -R: below" /p/q/r User 42
expect "chown -h" "$BIN/ukfs-chown" -h 7 "$I" /b/sym
is "chown -h changes the link" /b/sym User 7
expect "chown 32-bit" "$BIN/ukfs-chown" 4000000000 "$I" /c
is "chown to a 32-bit id" /c User 4000000000
refuse "chown of an unknown name" "invalid user" \
    "$BIN/ukfs-chown" no-such-user-xyz "$I" /a
e2fsck_clean "$I" "after chown"

# --- mv ---------------------------------------------------------------------
expect "mv" "$BIN/ukfs-mv" "$I" /a/hard /b/moved
[ -z "$(dstat "$I" /a/hard Type)" ] || fail "mv left the old name"
is "mv renames" /b/moved Links 2
expect "mv into a directory" "$BIN/ukfs-mv" "$I" /p /b
is "mv DIR DIR moves it inside" /b/p/q/r Type directory
refuse "mv into itself" "subdirectory of itself" \
    "$BIN/ukfs-mv" "$I" /b /b/p/q
expect "mv several" "$BIN/ukfs-mv" "$I" /t /a/f2 /c
is "mv several: one" /c/t Type "regular"
is "mv several: two" /c/f2 Type "regular"
refuse "mv several onto a file" "is not a directory" \
    "$BIN/ukfs-mv" "$I" /c/t /c/f2 /a/f
e2fsck_clean "$I" "after mv"

# --- rm, rmdir --------------------------------------------------------------
expect "rm" "$BIN/ukfs-rm" "$I" /c/t
[ -z "$(dstat "$I" /c/t Type)" ] && note "rm removes" || fail "rm"
refuse "rm of a directory" "Is a directory" "$BIN/ukfs-rm" "$I" /b
refuse "rm of a missing file" "^ukfs-rm: $I:/nope: No such file or directory$" \
    "$BIN/ukfs-rm" "$I" /nope
expect "rm -f of a missing file" "$BIN/ukfs-rm" -f "$I" /nope
refuse "rm of ." "refusing to remove" "$BIN/ukfs-rm" -r "$I" /b/.
expect "rm -r" "$BIN/ukfs-rm" -r "$I" /b
[ -z "$(dstat "$I" /b Type)" ] && note "rm -r removes the tree" ||
    fail "rm -r"
is "rm -r of a hard link leaves the other" /a/f Links 1
refuse "rmdir of a non-empty directory" "Directory not empty" \
    "$BIN/ukfs-rmdir" "$I" /a
expect "rmdir" "$BIN/ukfs-rmdir" "$I" /m
"$BIN/ukfs-mkdir" -p "$I" /x/y/z || fail "mkdir -p /x/y/z"
expect "rmdir -p" "$BIN/ukfs-rmdir" -p "$I" /x/y/z
[ -z "$(dstat "$I" /x Type)" ] && note "rmdir -p removes the parents" ||
    fail "rmdir -p"
# many entries: removing while reading the directory loses none
"$BIN/ukfs-mkdir" "$I" /many || fail "mkdir /many"
i=0
while [ $i -lt 300 ]; do
	echo "/many/file-with-a-long-name-$i"
	i=$((i + 1))
done | xargs "$BIN/ukfs-touch" "$I" || fail "touch of 300 files"
expect "rm -r of 300 entries" "$BIN/ukfs-rm" -r "$I" /many
expect "rm -r /: the root stays" "$BIN/ukfs-rm" -r "$I" /
[ -z "$("$BIN/ukfs-ls" "$I" /)" ] && [ "$(dstat "$I" / Type)" = directory ] &&
    note "rm -r / empties the file system" ||
    fail "rm -r /: $("$BIN/ukfs-ls" "$I" /)"
e2fsck_clean "$I" "after rm"

# --- errors -----------------------------------------------------------------
refuse "a missing image" "nonexistent.img" \
    "$BIN/ukfs-mkdir" nonexistent.img /x
refuse "usage" "Usage: ukfs-rm" "$BIN/ukfs-rm"
cp "$I" ro.img
chmod 444 ro.img
if [ "$(id -u)" -ne 0 ]; then
	refuse "a read-only image file" "Permission denied" \
	    "$BIN/ukfs-mkdir" ro.img /x
fi

cd "$TOP"
finish
