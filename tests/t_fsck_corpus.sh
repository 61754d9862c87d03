#!/bin/sh
# ukfs-fsck over a corpus of damaged ext2/ext4 and FAT12/16/32 images made
# here (debugfs and dd for ext2, tests/fat_mkbad for FAT): block and inode
# bitmap bits flipped, a zeroed inode, two files sharing a block or a
# cluster, a broken directory block, wrong link and free counts, a file
# and a directory orphaned by removing their entries, FAT copies that
# differ, chains that loop or point past the end, files deleted while
# open left on the ext2 orphan list, a wrong i_blocks of the resize
# inode, and the clean images.
# For every image: ukfs-fsck -n and the ecosystem's checker (e2fsck -fn,
# fsck.fat -n) agree on whether it is clean; -n writes no byte and names
# each problem; -y repairs it (exit 1), after which both checkers find it
# clean and the tree reads back.  (ffs: tests/t_ffs_bad.sh, with our own
# check run twice as the oracle.)
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
T=$TOP/$B/tests
export TZ=UTC LC_ALL=C MTOOLS_SKIP_CHECK=1
nfail=0
nimg=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
for tool in mke2fs debugfs e2fsck mkfs.fat mcopy fsck.fat; do
	command -v $tool >/dev/null 2>&1 || {
		echo "FAIL: $tool missing (tools/deps.sh)"
		exit 1
	}
done
W=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-fsckc.XXXXXX")
trap 'rm -rf "$W"' EXIT

# oracle TYPE IMG: 0 when the ecosystem's checker finds it clean
oracle() {
	case $1 in
	ext2) e2fsck -fn "$2" >"$W/oracle.log" 2>&1 ;;
	msdos) fsck.fat -n "$2" >"$W/oracle.log" 2>&1 ;;
	esac
}

# check TYPE IMG NAME: the whole sequence on one image
check() {
	_t=$1
	_img=$2
	_what="$1 $3"
	nimg=$((nimg + 1))
	oracle "$_t" "$_img"
	_o=$?
	cp "$_img" "$W/before.img"
	"$BIN/ukfs-fsck" -t "$_t" -n "$_img" >"$W/n.log" 2>&1
	_n=$?
	cmp -s "$_img" "$W/before.img" || fail "$_what: -n wrote to the image"
	if [ $_o -eq 0 ]; then
		[ $_n -eq 0 ] && { echo "ok: $_what: clean for both"; return; }
		fail "$_what: the oracle finds it clean, ukfs-fsck -n exits $_n"
		head -3 "$W/n.log"
		return
	fi
	if [ $_n -ne 4 ]; then
		fail "$_what: the oracle finds problems, ukfs-fsck -n exits $_n"
		grep -iv '^e2fsck\|^fsck.fat\|^pass' "$W/oracle.log" | head -3
		return
	fi
	# each problem named: what and where (more than the summary)
	grep -v 'problems\? found$\|^FAT[0-9]*.*clusters used$' "$W/n.log" |
	    grep -q . || fail "$_what: -n names no problem"
	"$BIN/ukfs-fsck" -t "$_t" -y "$_img" >"$W/y.log" 2>&1
	_y=$?
	if [ $_y -ne 1 ]; then
		fail "$_what: ukfs-fsck -y exits $_y"
		tail -4 "$W/y.log"
		return
	fi
	if ! oracle "$_t" "$_img"; then
		fail "$_what: the oracle after -y:"
		grep -iv '^e2fsck\|^fsck.fat\|^pass' "$W/oracle.log" | head -5
		return
	fi
	"$BIN/ukfs-fsck" -t "$_t" -n "$_img" >"$W/n2.log" 2>&1 ||
	    { fail "$_what: ukfs-fsck -n after -y: $(head -2 "$W/n2.log")"; return; }
	rm -rf "$W/out"
	"$BIN/ukfs-cp" -R "$_img:/" "$W/out" >"$W/cp.log" 2>&1 ||
	    { fail "$_what: the tree does not read after -y: $(head -2 "$W/cp.log")"; return; }
	echo "ok: $_what: $(head -1 "$W/n.log"); repaired"
}

# --- ext2 and ext4 ------------------------------------------------------
mkdir -p "$W/tree/d/sub"
printf 'aaaa\n' >"$W/tree/a"
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "big %05d\n", i }' \
    >"$W/tree/big"
printf 'x\n' >"$W/tree/d/x"
printf 'y\n' >"$W/tree/d/sub/y"
printf 'h\n' >"$W/tree/h1"
ln "$W/tree/h1" "$W/tree/h2"

# edamage BASE NAME DEBUGFS-COMMAND...: a damaged copy, checked
edamage() {
	_base=$1
	_name=$2
	shift 2
	cp "$_base" "$W/e.img"
	for _c in "$@"; do
		debugfs -w -R "$_c" "$W/e.img" >/dev/null 2>&1
	done
	check ext2 "$W/e.img" "$(basename "$_base" .img) $_name"
}

for kind in ext2 ext4; do
	base=$W/$kind.img
	if [ $kind = ext2 ]; then
		mke2fs -q -F -t ext2 -b 1024 -d "$W/tree" "$base" 8M
	else
		mke2fs -q -F -t ext4 -d "$W/tree" "$base" 16M
	fi
	check ext2 "$base" "$kind clean"
	bsize=$(dumpe2fs -h "$base" 2>/dev/null | awk '/^Block size:/ { print $3 }')
	bigblk=$(debugfs -R "bmap /big 0" "$base" 2>/dev/null)
	dblk=$(debugfs -R "bmap /d 0" "$base" 2>/dev/null)
	freeblk=$(debugfs -R "ffb 1 2000" "$base" 2>/dev/null | awk '{ print $NF }')
	edamage "$base" "block bitmap: a used block free" "freeb $bigblk"
	edamage "$base" "block bitmap: a free block used" "setb $freeblk"
	edamage "$base" "inode bitmap: a file free" "freei /d/x"
	edamage "$base" "zeroed inode" "clri /a"
	if [ $kind = ext2 ]; then
		edamage "$base" "cross-linked block" "sif /a block[0] $bigblk"
	else
		edamage "$base" "cross-linked block" "sif /a block[5] $bigblk"
	fi
	edamage "$base" "link count" "sif /a links_count 5"
	edamage "$base" "directory link count" "sif /d links_count 9"
	edamage "$base" "group free counts" "set_bg 0 free_blocks_count 7" \
	    "set_bg 0 free_inodes_count 3"
	edamage "$base" "orphan file" "unlink /d/x"
	edamage "$base" "orphan directory" "unlink /d/sub"
	edamage "$base" "\"..\" wrong" "unlink /d/sub/.." "link / /d/sub/.."
	# files deleted while open: on the orphan list, chained by dtime
	ia=$(debugfs -R "stat /a" "$base" 2>/dev/null | awk '/^Inode:/ { print $2 }')
	ib=$(debugfs -R "stat /big" "$base" 2>/dev/null | awk '/^Inode:/ { print $2 }')
	edamage "$base" "orphan list" "unlink /a" "sif <$ia> links_count 0" \
	    "ssv last_orphan $ia"
	edamage "$base" "orphan list of two" "unlink /a" "unlink /big" \
	    "sif <$ia> links_count 0" "sif <$ib> links_count 0" \
	    "sif <$ia> dtime $ib" "ssv last_orphan $ia"
	edamage "$base" "resize inode i_blocks" "sif <7> blocks 100"
	# a directory block of garbage
	cp "$base" "$W/e.img"
	awk -v n="$bsize" 'BEGIN { for (i = 0; i < n; i++) printf "%c", 65 + i % 7 }' |
	    dd of="$W/e.img" bs="$bsize" seek="$dblk" conv=notrunc status=none
	check ext2 "$W/e.img" "$kind broken directory block"
done

# A truncation left half done (an inode on the orphan list that still
# has its links) is named and left for e2fsck: -y exits 4.
cp "$W/ext2.img" "$W/e.img"
ia=$(debugfs -R "stat /a" "$W/e.img" 2>/dev/null | awk '/^Inode:/ { print $2 }')
debugfs -w -R "ssv last_orphan $ia" "$W/e.img" >/dev/null 2>&1
"$BIN/ukfs-fsck" -t ext2 -y "$W/e.img" >"$W/y.log" 2>&1
rc=$?
nimg=$((nimg + 1))
if [ $rc -eq 4 ] && grep -q "orphan list: inode $ia has 1 links" "$W/y.log"; then
	echo "ok: ext2 orphan list with a truncation to finish: left (exit 4)"
else
	fail "ext2 truncation orphan: -y exits $rc: $(head -2 "$W/y.log")"
fi

# --- FAT12, FAT16, FAT32 ------------------------------------------------
mkdir -p "$W/fat/d"
printf 'aaaa\n' >"$W/fat/a.txt"
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "b line %05d\n", i }' \
    >"$W/fat/b.txt"
printf 'cccc\n' >"$W/fat/d/c.txt"
printf 'long\n' >"$W/fat/Long Name.txt"
for fat in 12 16 32; do
	case $fat in
	12) kb=8192 ;;
	16) kb=16384 ;;
	32) kb=65536 ;;
	esac
	img=$W/fat$fat.img
	mkfs.fat -F $fat -C "$img" $kb >/dev/null
	mcopy -p -m -i "$img" "$W/fat/a.txt" "$W/fat/b.txt" \
	    "$W/fat/Long Name.txt" ::/
	mcopy -s -p -m -i "$img" "$W/fat/d" ::/
	mkdir -p "$W/bad$fat"
	"$T/fat_mkbad" "$img" "$W/bad$fat" || { fail "fat_mkbad FAT$fat"; continue; }
	while read -r name; do
		check msdos "$W/bad$fat/$name.img" "FAT$fat $name"
	done <"$W/bad$fat/list.txt"
done

echo "t_fsck_corpus: $nimg images, $nfail failed"
[ $nfail -eq 0 ]
