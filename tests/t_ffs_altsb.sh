#!/bin/sh
# ukfs-fsck on ffs images whose primary superblock or a group header is
# damaged.  Images of several cylinder groups (UFS1 by ukfs-makefs, UFS2
# and big-endian UFS2 by makefs): the primary zeroed, its magic number
# or its block size broken; -n names the problem and the copy it checks
# with (fsck_ffs -b) and writes nothing; -y puts the copy in its place
# (exit 1), after which -n finds the image clean, it is found without
# -t and its tree reads back as made.  An image of one group has no
# copy: -y leaves the problem (exit 4).  A group header broken (magic
# number) or made garbage is rebuilt from the superblock, the same way.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
export TZ=UTC LC_ALL=C
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
command -v makefs >/dev/null || { echo "FAIL: makefs not installed"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-altsb.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/tree/d/e"
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "line %05d\n", i }' \
    >"$W/tree/big"
echo small >"$W/tree/d/small"
echo deeper >"$W/tree/d/e/f"
ln -s d/small "$W/tree/link"

# sbfield IMG NAME: a superblock field of a little-endian image
sbfield() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
img, name = sys.argv[1], sys.argv[2]
off = {"cblkno": 0x0c, "fsize": 0x34}[name]
with open(img, "rb") as f:
    for sb in (8192, 65536):
        f.seek(sb + 0x55c)
        if struct.unpack("<I", f.read(4))[0] in (0x011954, 0x19540119):
            f.seek(sb + off)
            print(struct.unpack("<i", f.read(4))[0])
            break
PY
}

# repaired WHAT IMG: -n reports, -y repairs, then clean and as made
repaired() {
	_what=$1
	_img=$2
	cp "$_img" "$W/before.img"
	"$BIN/ukfs-fsck" -t ffs -n "$_img" >"$W/n.log" 2>&1
	_rc=$?
	[ $_rc -eq 4 ] || fail "$_what: -n exits $_rc, not 4"
	cmp -s "$_img" "$W/before.img" || fail "$_what: -n wrote to the image"
	"$BIN/ukfs-fsck" -t ffs -y "$_img" >"$W/y.log" 2>&1
	_rc=$?
	[ $_rc -eq 1 ] ||
	    { fail "$_what: -y exits $_rc, not 1: $(tail -2 "$W/y.log")"; return; }
	"$BIN/ukfs-fsck" -n "$_img" >"$W/n2.log" 2>&1 ||
	    fail "$_what: not clean after -y: $(head -3 "$W/n2.log")"
	rm -rf "$W/out"
	"$BIN/ukfs-cp" -R "$_img:/" "$W/out" >"$W/cp.log" 2>&1 ||
	    fail "$_what: the tree does not read: $(head -2 "$W/cp.log")"
	rm -rf "$W/out/lost+found"
	diff -r "$W/tree" "$W/out" >/dev/null ||
	    fail "$_what: the tree differs after -y"
	echo "ok: $_what: $(grep -m1 'superblock copy\|cylinder group' "$W/n.log")"
}

"$BIN/ukfs-makefs" -t ffs -s 64m "$W/u1.img" "$W/tree" >/dev/null ||
    fail "ukfs-makefs"
makefs -t ffs -s 64m -o version=2 "$W/u2.img" "$W/tree" >/dev/null ||
    fail "makefs UFS2"
makefs -t ffs -s 64m -o version=2 -B be "$W/u2be.img" "$W/tree" \
    >/dev/null || fail "makefs UFS2 big-endian"
for v in u1 u2 u2be; do
	img=$W/$v.img
	[ -f "$img" ] || continue
	# where the primary is: 8192 (UFS1, and makefs's UFS2) or 65536
	sb=$("$BIN/ukfs-info" "$img" |
	    awk '/superblock location/ { print $3; exit }')
	cp "$img" "$W/x.img"
	dd if=/dev/zero of="$W/x.img" bs=512 seek=$((sb / 512)) count=16 \
	    conv=notrunc status=none
	"$BIN/ukfs-fsck" -t ffs -n "$W/x.img" >"$W/n.log" 2>&1
	grep -q "superblock copy at sector [0-9]* (fsck_ffs -b" "$W/n.log" ||
	    fail "$v: -n does not name the copy: $(head -2 "$W/n.log")"
	repaired "$v primary superblock zeroed" "$W/x.img"
	[ $v = u2be ] && continue
	cp "$img" "$W/x.img"
	printf '\170\126\064\022' | dd of="$W/x.img" bs=1 \
	    seek=$((sb + 1372)) conv=notrunc status=none
	repaired "$v primary magic number broken" "$W/x.img"
	cp "$img" "$W/x.img"
	printf '\071\060\000\000' | dd of="$W/x.img" bs=1 seek=$((sb + 48)) \
	    conv=notrunc status=none
	repaired "$v primary block size broken" "$W/x.img"
	# group 0's header: its magic number, then all of it garbage
	cg0=$(($(sbfield "$img" cblkno) * $(sbfield "$img" fsize)))
	cp "$img" "$W/x.img"
	printf '\021\021\021\021' | dd of="$W/x.img" bs=1 seek=$((cg0 + 4)) \
	    conv=notrunc status=none
	repaired "$v group header magic" "$W/x.img"
	grep -q "cylinder group 0: header rebuilt" "$W/y.log" ||
	    fail "$v: no \"header rebuilt\" line"
	cp "$img" "$W/x.img"
	awk 'BEGIN { for (i = 0; i < 1024; i++) printf "%c", 33 + i % 90 }' |
	    dd of="$W/x.img" bs=1 seek=$cg0 conv=notrunc status=none
	repaired "$v group header garbage" "$W/x.img"
done

# one group: no copy to take
mkdir -p "$W/one"
echo x >"$W/one/x"
makefs -t ffs -s 1m "$W/one.img" "$W/one" >/dev/null || fail "makefs one group"
dd if=/dev/zero of="$W/one.img" bs=512 seek=16 count=16 conv=notrunc \
    status=none
"$BIN/ukfs-fsck" -t ffs -y "$W/one.img" >"$W/y.log" 2>&1
rc=$?
[ $rc -eq 4 ] || fail "one group: -y exits $rc, not 4"
grep -q "no copy of the superblock" "$W/y.log" ||
    fail "one group: $(head -2 "$W/y.log")"
echo "t_ffs_altsb: $nfail failed"
[ $nfail -eq 0 ]
