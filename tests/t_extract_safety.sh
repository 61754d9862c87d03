#!/bin/sh
# Extraction from hostile images (ukfs-cp -R): crafted ext2 and FAT
# images hold names with '/', a second "..", the same name twice (a
# symlink to a directory outside, then a directory with a file in it; a
# symlink to a file outside, then a regular file), absolute and relative
# symlinks pointing outside, device nodes, a fifo, setuid and setgid
# files.  ukfs-cp -R must write nothing outside the destination (nothing
# new or changed anywhere in the scratch directory but the destination),
# copy symlinks as links without following them, skip the impossible
# names with a message, and make neither devices nor set-id bits unless
# -p asks for them as root (then it must).  ext2 entries are made by
# debugfs -w, FAT ones by mkfs.fat and mcopy; names are then patched in
# place on the image (the tools refuse to make them).
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/extract.XXXXXX")
trap 'rm -rf "$W"' EXIT
M=$W/dmeta # the test's own files (d*: not in the snapshots)
mkdir "$M"
NFAIL=0
fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}
ok() {
	echo "ok: $*"
}
OUT=$W/outside
mkdir -p "$OUT/dir"
echo victim >"$OUT/victim"
echo data >"$W/data"
chmod 644 "$W/data"

# patch IMAGE FROM TO: the only occurrence of FROM becomes TO (same length)
patch() {
	n=$(grep -c -a -- "$2" "$1")
	[ "$n" -eq 1 ] || { fail "patch: $2 occurs $n times in $1"; return; }
	off=$(grep -obUa -- "$2" "$1" | cut -d: -f1)
	printf '%s' "$3" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

# --- ext2 --------------------------------------------------------------
E=$W/e.img
truncate -s 2M "$E"
mke2fs -q -F -t ext2 -b 1024 -O ^dir_index "$E"
debugfs -w -f - "$E" >/dev/null 2>&1 <<EOC
mkdir sub
write $W/data sub/file
symlink abs $OUT
symlink absfile $OUT/victim
symlink rel ../../../../../../../..$OUT
symlink dupA $OUT/dir
mkdir dupB
write $W/data dupB/payload
symlink fvic $OUT/victim
write $W/data fviX
mknod cdev c 1 3
mknod bdev b 7 0
mknod fifo p
write $W/data suid
sif suid mode 0104755
write $W/data sgid
sif sgid mode 0102755
mkdir sgdir
sif sgdir mode 042755
mkdir odd
write $W/data odd/first
write $W/data odd/aQb
write $W/data odd/Qj
EOC
patch "$E" dupB dupA
patch "$E" fviX fvic
patch "$E" aQb a/b
patch "$E" Qj ..

# --- FAT -------------------------------------------------------------------
F=$W/f.img
mkfs.fat -C "$F" 1024 >/dev/null 2>&1
mkdir -p "$W/fat"
echo data >"$W/fat/FIRST.TXT"
echo data >"$W/fat/AQB.TXT"
echo data >"$W/fat/QQ"
echo data >"$W/fat/LAST.TXT"
mcopy -i "$F" "$W/fat/FIRST.TXT" "$W/fat/AQB.TXT" "$W/fat/QQ" \
    "$W/fat/LAST.TXT" ::/
patch "$F" "AQB     TXT" "A/B     TXT"
patch "$F" "QQ         " "..         "

# A listing of everything under $W but the destinations, with contents.
snapshot() {
	find "$W" -path "$W/d*" -prune -o -print | sort | while read -r p; do
		if [ -L "$p" ]; then
			echo "$p -> $(readlink "$p")"
		elif [ -f "$p" ]; then
			echo "$p $(cksum <"$p")"
		else
			echo "$p"
		fi
	done
}

# extract NAME IMAGE FLAGS [keep]: copy the whole image out into $W/dNAME
# (made empty first, unless keep)
extract() {
	d=$W/d$1
	[ -n "${4:-}" ] || { rm -rf "$d"; mkdir "$d"; }
	snapshot >"$M/before"
	"$BIN/ukfs-cp" $3 "$2:/" "$d/" >"$M/cp.out" 2>&1
	rc=$?
	snapshot >"$M/after"
	if cmp -s "$M/before" "$M/after"; then
		ok "$1: nothing outside the destination changed"
	else
		fail "$1: outside the destination:"
		diff "$M/before" "$M/after" | head
	fi
	[ "$(cat "$OUT/victim")" = victim ] || fail "$1: the victim changed"
	[ -z "$(ls -A "$OUT/dir")" ] || fail "$1: written through dupA"
	# every object in the destination is inside it, as itself
	find "$d" -type l | while read -r l; do
		[ -L "$l" ] || fail "$1: $l followed"
	done
}

# no_setid_no_devices NAME
no_setid_no_devices() {
	d=$W/d$1
	s=$(find "$d" -perm /6000 | head -3)
	[ -z "$s" ] && ok "$1: no set-id bits" || fail "$1: set-id bits: $s"
	s=$(find "$d" \( -type b -o -type c \) | head -3)
	[ -z "$s" ] && ok "$1: no device nodes" || fail "$1: devices: $s"
}

extract ext2 "$E" -R
sed "s/^/  ukfs-cp: /" "$M/cp.out"
[ $rc -ne 0 ] && grep -q . "$M/cp.out" && ok "ext2: exit $rc with messages" ||
    fail "ext2: exit $rc, messages: $(head -3 "$M/cp.out")"
no_setid_no_devices ext2
d=$W/dext2
[ "$(readlink "$d/abs")" = "$OUT" ] && [ "$(readlink "$d/rel")" = \
    "../../../../../../../..$OUT" ] && [ "$(readlink "$d/absfile")" = \
    "$OUT/victim" ] && ok "ext2: symlinks copied as they are" ||
    fail "ext2: symlinks: $(ls -l "$d" | head -20)"
[ -p "$d/fifo" ] && ok "ext2: the fifo is copied" || fail "ext2: no fifo"
[ -f "$d/suid" ] && [ "$(stat -c %a "$d/suid")" = 755 ] &&
    ok "ext2: setuid file copied as 755" || fail "ext2: suid: $(ls -l "$d/suid")"
[ -f "$d/odd/first" ] && ok "ext2: the names before the bad ones copied" ||
    fail "ext2: odd/first missing"
[ -e "$d/a" ] && fail "ext2: 'a/b' made $d/a"
[ -e "$W/b" ] || [ -e "$d/b" ] && fail "ext2: 'a/b' made a b"

# Into a destination that has symlinks where the image has a directory
# and files: they are replaced or refused, never followed.
mkdir "$W/dinto"
ln -s "$OUT/dir" "$W/dinto/sub"
ln -s "$OUT/victim" "$W/dinto/suid"
ln -s "$OUT/dir" "$W/dinto/sgdir"
extract into "$E" -R keep
if [ -L "$W/dinto/sub" ]; then
	ok "into: the symlink sub is left, not entered"
elif [ -d "$W/dinto/sub" ] && [ -f "$W/dinto/sub/file" ]; then
	ok "into: the symlink sub was replaced by the directory"
else
	fail "into: sub: $(ls -l "$W/dinto")"
fi
[ -f "$W/dinto/suid" ] && [ ! -L "$W/dinto/suid" ] &&
    ok "into: the symlink suid was replaced by the file" ||
    fail "into: suid: $(ls -l "$W/dinto/suid")"

if [ "$(id -u)" -eq 0 ]; then
	extract ext2-p "$E" -Rp
	d=$W/dext2-p
	[ -c "$d/cdev" ] && [ "$(stat -c %t:%T "$d/cdev")" = 1:3 ] &&
	    [ -b "$d/bdev" ] && ok "ext2-p: devices made, as root with -p" ||
	    fail "ext2-p: devices: $(ls -l "$d" | grep dev)"
	[ "$(stat -c %a "$d/suid")" = 4755 ] &&
	    [ "$(stat -c %a "$d/sgid")" = 2755 ] &&
	    ok "ext2-p: set-id bits kept, as root with -p" ||
	    fail "ext2-p: $(ls -l "$d/suid" "$d/sgid")"
	# without root, -p makes no devices and keeps no set-id bits
	if command -v setpriv >/dev/null; then
		rm -rf "$W/dext2-user"
		mkdir "$W/dext2-user"
		chown 65534:65534 "$W/dext2-user"
		chmod 755 "$W"
		cp "$E" "$W/e-user.img"
		chmod 644 "$W/e-user.img"
		snapshot >"$M/before"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$BIN/ukfs-cp" -Rp "$W/e-user.img:/" "$W/dext2-user/" \
		    >"$M/cp.out" 2>&1
		snapshot >"$M/after"
		cmp -s "$M/before" "$M/after" &&
		    ok "ext2-user: nothing outside the destination changed" ||
		    fail "ext2-user: outside: $(diff "$M/before" "$M/after" | head -5)"
		no_setid_no_devices ext2-user
	fi
else
	echo "note: not root: -p with devices not tried"
fi

extract fat "$F" -R
d=$W/dfat
[ -f "$d/FIRST.TXT" ] && [ -f "$d/LAST.TXT" ] &&
    ok "fat: the good names copied" || fail "fat: $(ls "$d")"
[ -e "$d/A" ] && fail "fat: 'A/B.TXT' made $d/A"
[ "$(ls -A "$d" | wc -l)" -eq 2 ] && ok "fat: only the good names" ||
    fail "fat: $(ls -A "$d")"

[ "$NFAIL" -eq 0 ] || { echo "$NFAIL check(s) failed"; exit 1; }
echo "all checks passed"
