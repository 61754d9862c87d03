#!/bin/sh
# mkbad.sh GOODIMAGE|- OUTDIR
#
# Make damaged variants of a good ext2 image (indirect-block mapped, i.e. not
# ext4 extents; 1K blocks intended, e.g. ext2-1k.img from
# testimages/mkimages.sh).  With "-" a small 1K-block image is built first.
# Each variant has exactly one kind of damage; e2fsck -fn must reject every
# one of them, which the script checks.  A reader must answer each with an
# error (EIO, "structure needs cleaning"), never a crash, hang or
# out-of-bounds access.
#
#   truncated.img            image cut to half its size: blocks past the
#                            end of the file are referenced
#   zero-super.img           primary superblock (1024..2047) zeroed
#   blockptr-past-end.img    a regular file's block[0] = blocks_count + 1000
#   ind-past-end.img         a regular file's single-indirect pointer past
#                            the end
#   bad-dirent-len.img       a directory entry's rec_len = 3 (< 8, not a
#                            multiple of 4)
#   dirent-past-end.img      a directory entry's rec_len runs past the end
#                            of its block
#   bad-dirent-namelen.img   a directory entry's name_len (255) exceeds its
#                            rec_len
#   dir-loop.img             a directory holds an entry "loop" naming its own
#                            parent: an ancestor cycle
#   indirect-cycle.img       a file's single-indirect block's first entry
#                            points at the indirect block itself
#   dind-cycle.img           a file's double-indirect block's first entry
#                            points at itself (only if a file with a
#                            double-indirect block exists)
#   huge-inode-count.img     s_inodes_count = 0xfffffff0, inconsistent with
#                            groups * s_inodes_per_group
#   zero-blocks-per-group.img  s_blocks_per_group = 0 (a divisor)
#   huge-blocks-per-group.img  s_blocks_per_group = 0x7fffffff (far more
#                            than one bitmap block can describe)
#   bad-log-block-size.img   s_log_block_size = 20 (1 GiB blocks)
#   bad-group-desc.img       group 0's inode table pointer past the end
set -eu

usage() {
	echo "usage: $0 GOODIMAGE|- OUTDIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
GOOD=$1
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
export LC_ALL=C TZ=UTC E2FSPROGS_FAKE_TIME=1234567890

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() {
	echo "$0: $*" >&2
	exit 1
}

if [ "$GOOD" = "-" ]; then
	# Small tree: nested directories, a file with a single-indirect and
	# one with a double-indirect block (1K blocks); "fill" comes first and
	# pushes the others past the middle of the image, so truncated.img
	# loses blocks that are in use.
	mkdir -p "$TMP/src/top/sub/inner"
	yes 'mkbad fill' | head -c 1100000 >"$TMP/src/fill"
	yes 'mkbad single-indirect' | head -c 20000 >"$TMP/src/top/sub/ind"
	yes 'mkbad double-indirect' | head -c 300000 >"$TMP/src/top/dind"
	echo small >"$TMP/src/top/sub/small"
	ln -s sub/small "$TMP/src/top/link"
	GOOD=$TMP/good.img
	mke2fs -q -F -t ext2 -b 1024 -I 128 -d "$TMP/src" "$GOOD" 2048k \
	    >"$TMP/log" 2>&1 || { cat "$TMP/log" >&2; fail "mke2fs failed"; }
fi
[ -f "$GOOD" ] || fail "$GOOD: no such image"
e2fsck -fn "$GOOD" >"$TMP/log" 2>&1 ||
    { cat "$TMP/log" >&2; fail "$GOOD is not clean to start with"; }

sbval() { # FIELD-LABEL: a value from dumpe2fs -h
	dumpe2fs -h "$GOOD" 2>/dev/null |
	    awk -F ':' -v k="$1" '$1 == k { gsub(/ /, "", $2); print $2 }'
}
BS=$(sbval 'Block size')
NBLOCKS=$(sbval 'Block count')
FIRSTDATA=$(sbval 'First block')
case "$(sbval 'Filesystem features')" in
*extent*) fail "$GOOD uses extents; need an indirect-mapped ext2 image" ;;
esac

# putle IMAGE OFFSET NBYTES VALUE: store VALUE little-endian in NBYTES bytes.
putle() {
	_esc=''
	_i=0
	while [ "$_i" -lt "$3" ]; do
		_esc=$_esc$(printf '\\%03o' $((($4 >> (8 * _i)) & 255)))
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2059 # the format is the octal escapes
	printf "$_esc" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
get16() { # IMAGE OFFSET
	od -An -tu1 -j "$2" -N2 "$1" | awk '{ print $1 + 256 * $2 }'
}

dbg() { # IMAGE COMMAND
	debugfs -R "$2" "$1" 2>/dev/null
}

# --- find targets: walk directories breadth-first with "ls -p <ino>" -----
# records: parent-ino ino mode size path
: >"$TMP/tree"
echo "2 /" >"$TMP/queue"
ndirs=0
while [ -s "$TMP/queue" ] && [ $ndirs -lt 200 ]; do
	read -r dino dpath <"$TMP/queue"
	sed -i 1d "$TMP/queue"
	ndirs=$((ndirs + 1))
	dbg "$GOOD" "ls -p <$dino>" | awk -F '/' -v p="$dino" -v dp="$dpath" '
	    NF >= 7 && $6 != "." && $6 != ".." {
		path = (dp == "/" ? "" : dp) "/" $6
		printf "%s\t%s\t%s\t%s\t%s\n", p, $2, $3, $7, path
	    }' >"$TMP/ls"
	cat "$TMP/ls" >>"$TMP/tree"
	awk -F '\t' '$3 ~ /^04/ && $5 != "/lost+found" { print $2, $5 }' \
	    "$TMP/ls" >>"$TMP/queue"
done

# blockof INO TAG: the block after "(TAG):" in debugfs stat, e.g. IND, DIND.
blockof() {
	dbg "$GOOD" "stat <$1>" | tr ',' '\n' |
	    sed -n "s/.*($2):\\([0-9][0-9]*\\).*/\\1/p" | head -1
}

IND_LIMIT=$(((12 + BS / 4) * BS))
IND_FILE='' IND_BLK='' DIND_FILE='' DIND_BLK=''
while IFS="$(printf '\t')" read -r _ ino mode size path; do
	case "$mode" in 100*) ;; *) continue ;; esac
	if [ -z "$IND_FILE" ] && [ "$size" -gt $((12 * BS)) ] &&
	    [ "$size" -le "$IND_LIMIT" ]; then
		b=$(blockof "$ino" IND)
		[ -z "$b" ] || { IND_FILE=$ino IND_PATH=$path IND_BLK=$b; }
	fi
	if [ -z "$DIND_FILE" ] && [ "$size" -gt "$IND_LIMIT" ]; then
		b=$(blockof "$ino" DIND)
		[ -z "$b" ] || { DIND_FILE=$ino DIND_PATH=$path DIND_BLK=$b; }
	fi
done <"$TMP/tree"
[ -n "$IND_FILE" ] || fail "no regular file with a single-indirect block"

# A directory below another directory (not the root, if possible).
PAIR=$(awk -F '\t' '$3 ~ /^04/ && $5 != "/lost+found" {
	print ($1 == 2 ? 1 : 0) "\t" $1 "\t" $2 "\t" $5 }' "$TMP/tree" |
    sort -s -t "$(printf '\t')" -k1,1n | head -1)
[ -n "$PAIR" ] || fail "no subdirectory found"
PARENT=$(echo "$PAIR" | cut -f2)
CHILD=$(echo "$PAIR" | cut -f3)
CHILD_PATH=$(echo "$PAIR" | cut -f4)

# The parent's first directory block: ".", "..", then at least CHILD.
DIRBLK=$(dbg "$GOOD" "blocks <$PARENT>" | awk '{ print $1 }')
[ -n "$DIRBLK" ] || fail "no directory block for inode $PARENT"
DOTDOT_LEN=$(get16 "$GOOD" $((DIRBLK * BS + 12 + 4)))
ENTRY=$((12 + DOTDOT_LEN)) # offset of the third entry in the block
[ "$ENTRY" -lt "$BS" ] || fail "directory $PARENT has no third entry"

echo "good image: $GOOD (block size $BS, $NBLOCKS blocks)"

# --- variants -------------------------------------------------------------
# fresh NAME: copy the good image to OUT/NAME and set $IMG.
fresh() {
	IMG=$OUT/$1
	cp --sparse=always "$GOOD" "$IMG"
}

# expect_bad NAME WHAT: e2fsck -fn must fail (or, as it does for a short
# image, warn about the device size); show what it said.
expect_bad() {
	if e2fsck -fn "$IMG" >"$TMP/log" 2>&1 &&
	    ! grep -q 'physical size of the device' "$TMP/log"; then
		fail "$1: e2fsck -fn found nothing wrong"
	fi
	printf '%-26s %s\n' "$1" "$2"
	grep -v -e '^e2fsck [0-9]' -e '^Pass [0-9]' -e '^$' "$TMP/log" |
	    head -2 | cut -c1-100 | tr -c '[:print:]\n' '?' |
	    sed 's/^/        e2fsck: /'
}

fresh truncated.img
SIZE=$(stat -c %s "$IMG")
truncate -s $((SIZE / 2)) "$IMG"
expect_bad truncated.img "size $SIZE -> $((SIZE / 2)) bytes"

fresh zero-super.img
dd if=/dev/zero of="$IMG" bs=1024 seek=1 count=1 conv=notrunc status=none
dbg "$IMG" stats | grep -q 'Block count' &&
    fail "zero-super.img: debugfs still opens it"
expect_bad zero-super.img "bytes 1024..2047 zeroed"

fresh blockptr-past-end.img
debugfs -w -R "sif <$IND_FILE> block[0] $((NBLOCKS + 1000))" "$IMG" \
    >/dev/null 2>&1
expect_bad blockptr-past-end.img \
    "inode $IND_FILE ($IND_PATH): block[0] := $((NBLOCKS + 1000))"

fresh ind-past-end.img
debugfs -w -R "sif <$IND_FILE> block[IND] $((NBLOCKS + 7))" "$IMG" \
    >/dev/null 2>&1
expect_bad ind-past-end.img \
    "inode $IND_FILE ($IND_PATH): block[IND] $IND_BLK := $((NBLOCKS + 7))"

fresh bad-dirent-len.img
putle "$IMG" $((DIRBLK * BS + ENTRY + 4)) 2 3
expect_bad bad-dirent-len.img \
    "dir inode $PARENT, block $DIRBLK, entry at $ENTRY: rec_len := 3"

fresh dirent-past-end.img
LEN=$((BS - ENTRY + 256))
putle "$IMG" $((DIRBLK * BS + ENTRY + 4)) 2 $LEN
expect_bad dirent-past-end.img \
    "dir inode $PARENT, block $DIRBLK, entry at $ENTRY: rec_len := $LEN"

fresh bad-dirent-namelen.img
putle "$IMG" $((DIRBLK * BS + ENTRY + 6)) 1 255
expect_bad bad-dirent-namelen.img \
    "dir inode $PARENT, block $DIRBLK, entry at $ENTRY: name_len := 255"

fresh dir-loop.img
debugfs -w -R "link <$PARENT> <$CHILD>/loop" "$IMG" >"$TMP/log" 2>&1
dbg "$IMG" "ls -l <$CHILD>" | grep -q " loop" ||
    fail "dir-loop.img: debugfs link failed: $(cat "$TMP/log")"
expect_bad dir-loop.img \
    "$CHILD_PATH/loop -> inode $PARENT, the parent of $CHILD_PATH"

fresh indirect-cycle.img
putle "$IMG" $((IND_BLK * BS)) 4 "$IND_BLK"
expect_bad indirect-cycle.img \
    "inode $IND_FILE ($IND_PATH): indirect block $IND_BLK, entry 0 := $IND_BLK"

if [ -n "$DIND_FILE" ]; then
	fresh dind-cycle.img
	putle "$IMG" $((DIND_BLK * BS)) 4 "$DIND_BLK"
	expect_bad dind-cycle.img \
	    "inode $DIND_FILE ($DIND_PATH): double-indirect block $DIND_BLK, entry 0 := $DIND_BLK"
else
	echo "dind-cycle.img            skipped: no file with a double-indirect block"
fi

# Superblock fields: s_inodes_count at 0, s_log_block_size at 24,
# s_blocks_per_group at 32.
fresh huge-inode-count.img
putle "$IMG" $((1024 + 0)) 4 4294967280
expect_bad huge-inode-count.img "s_inodes_count := 0xfffffff0"

fresh zero-blocks-per-group.img
putle "$IMG" $((1024 + 32)) 4 0
expect_bad zero-blocks-per-group.img "s_blocks_per_group := 0"

fresh huge-blocks-per-group.img
putle "$IMG" $((1024 + 32)) 4 2147483647
expect_bad huge-blocks-per-group.img "s_blocks_per_group := 0x7fffffff"

fresh bad-log-block-size.img
putle "$IMG" $((1024 + 24)) 4 20
expect_bad bad-log-block-size.img "s_log_block_size := 20"

# Group descriptors start in the block after the superblock's; the inode
# table pointer is at offset 8 of a descriptor.
fresh bad-group-desc.img
GDT=$(((FIRSTDATA + 1) * BS))
putle "$IMG" $((GDT + 8)) 4 $((NBLOCKS + 100))
expect_bad bad-group-desc.img \
    "group 0: bg_inode_table := $((NBLOCKS + 100)) (descriptor at byte $GDT)"
