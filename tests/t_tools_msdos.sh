#!/bin/sh
# The writing tools on FAT, checked by dosfstools and mtools: ukfs-newfs
# -F 12/16/32 and ukfs-makefs images pass fsck.fat -n, mcopy reads back
# what ukfs-makefs and ukfs-cp put in, and the name-space tools leave
# the image clean.
. "$(dirname "$0")/tools_lib.sh"
. "$(dirname "$0")/tools_wlib.sh"
need_newfs msdos
for t in fsck.fat mcopy; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done

umask 022
cd "$TMP"

fat_clean() {
	if fsck.fat -n "$1" >fsck.out 2>&1; then
		note "fsck.fat -n clean: $2"
	else
		fail "fsck.fat -n finds problems $2:"
		head -10 fsck.out
	fi
}

# A tree FAT can hold: files and directories, long and mixed-case names.
mkdir -p tree/Docs/Sub tree/empty
printf 'hello\n' >tree/README.txt
: >tree/zero
head -c 70000 /dev/urandom >tree/Docs/random.bin
head -c 5000000 /dev/urandom >tree/Docs/Sub/big.dat
printf x >"tree/Docs/Sub/A long file name with spaces.text"
printf y >tree/Docs/MiXeD.CaSe

for fat in 12 16 32; do
	rm -f n.img
	"$BIN/ukfs-newfs" -t msdos -F $fat -L LBL$fat -s 48m n.img 2>err ||
	    fail "newfs -F $fat: $(cat err)"
	fat_clean n.img "newfs -F $fat"
	"$BIN/ukfs-info" n.img 2>/dev/null | grep -q "^label: *LBL$fat$" &&
	    note "label of FAT$fat" || fail "label of FAT$fat"
done

for fat in 16 32; do
	rm -f m.img
	"$BIN/ukfs-makefs" -t msdos -o fat_type=$fat m.img tree 2>err ||
	    fail "makefs -t msdos FAT$fat: $(cat err)"
	fat_clean m.img "makefs FAT$fat"
	rm -rf out
	mkdir out
	if mcopy -s -n -i m.img '::/*' out/ 2>err && diff -r tree out >diff; then
		note "mcopy reads back the makefs FAT$fat image"
	else
		fail "mcopy FAT$fat: $(head -5 err diff)"
	fi
done

# Into and within an image.
rm -f c.img
"$BIN/ukfs-newfs" -t msdos -s 16m c.img 2>err || fail "newfs: $(cat err)"
"$BIN/ukfs-cp" -R tree/Docs c.img:/ 2>err || fail "cp -R: $(cat err)"
"$BIN/ukfs-mkdir" -p c.img /a/b/c && printf data | "$BIN/ukfs-write" c.img /a/b/c/f &&
    "$BIN/ukfs-mv" c.img /a/b/c/f /a/g && "$BIN/ukfs-rm" -r c.img /a/b &&
    "$BIN/ukfs-touch" -d 2020-01-01T00:00:00Z c.img /a/g &&
    note "the write tools on FAT" || fail "the write tools on FAT"
fat_clean c.img "after the write tools"
rm -rf out
mkdir out
mcopy -s -n -i c.img '::/Docs' out/ 2>err && diff -r tree/Docs out/Docs >diff &&
    note "mcopy reads back ukfs-cp's copy" || fail "cp into FAT: $(head -5 err diff)"
[ "$(mtype -i c.img ::/a/g 2>/dev/null)" = data ] && note "mtype reads ukfs-write's file" ||
    fail "mtype ::/a/g"

cd "$TOP"
finish
