#!/bin/sh
# Damaged LFS images (tests/lfs_mkbad.c keeps the checksums right):
# checkpoint serials out of order, a superblock or the IFILE inode
# pointing outside the file system, a bad segment summary, and random
# superblock and IFILE-pointer values.  Each gives an error or falls back
# to the other checkpoint, never a crash or a hang.
. "$(dirname "$0")/tools_lib.sh"
MKBAD=$TOP/$B/tests/lfs_mkbad
cd "$TMP"

# run CMD...: fine unless it died of a signal or hung
survive() {
	st=0
	timeout 60 "$@" >run.out 2>&1 || st=$?
	if [ $st -ge 124 ]; then
		fail "$* died or hung (status $st): $(tail -3 run.out)"
		return 1
	fi
	return 0
}

"$BIN/ukfs-newfs" -t lfs -s 16m base.img 2>err || fail "newfs: $(cat err)"
mkdir src
echo hello >src/a
head -c 300000 /dev/urandom >src/b
"$BIN/ukfs-cp" -R src base.img:/src 2>err || fail "cp: $(cat err)"
"$BIN/ukfs-mkdir" base.img /d2 2>err || fail "mkdir: $(cat err)"
set -- $("$MKBAD" base.img info)
s0=$2 s1=$4 idaddr=$6 fsize=${10}
newer=0
[ "$s1" -gt "$s0" ] && newer=1
older=$((1 - newer))
note "checkpoints: serials $s0 and $s1"

# 1. the newer checkpoint's serial below the older's: the other is used
cp base.img c1.img
"$MKBAD" c1.img sb $newer 336 1
survive "$BIN/ukfs-ls" -R c1.img / && note "serials out of order: ls status $st"
survive "$BIN/ukfs-fsck" -t lfs -n c1.img && [ $st -le 4 ] &&
    note "serials out of order: fsck status $st"

# 2. the newer superblock's IFILE address outside: the older one is used
cp base.img c2.img
"$MKBAD" c2.img sb $newer 52 0x7ffffff0
if survive "$BIN/ukfs-ls" c2.img /; then
	[ $st -eq 0 ] && note "IFILE address outside: fell back" ||
	    fail "fallback: $(cat run.out)"
fi
grep -q "unusable" run.out && note "the bad superblock is reported" ||
    fail "no report: $(cat run.out)"

# 3. both: an error, not a crash
cp base.img c3.img
"$MKBAD" c3.img sb 0 52 0x7ffffff0
"$MKBAD" c3.img sb 1 52 0x7ffffff0
if survive "$BIN/ukfs-ls" c3.img /; then
	[ $st -ne 0 ] && grep -q "IFILE inode address outside" run.out &&
	    note "both superblocks bad: $(grep -m1 -o 'IFILE inode.*' run.out)" ||
	    fail "both bad: status $st: $(cat run.out)"
fi
survive "$BIN/ukfs-fsck" -t lfs -n c3.img && [ $st -eq 4 ] &&
    note "fsck: $(head -1 run.out)" || fail "fsck status $st"

# 4. the newest IFILE inode points outside: the older checkpoint is used
for idx in 0 2 12; do
	cp base.img c4.img
	"$MKBAD" c4.img ifile-ptr $idx 0x7ffffff0 || continue
	survive "$BIN/ukfs-ls" -R c4.img / &&
	    note "IFILE pointer $idx outside: ls status $st"
	survive "$BIN/ukfs-fsck" -t lfs -n c4.img &&
	    note "IFILE pointer $idx outside: fsck status $st"
done

# 5. a bad summary in segment 0: fsck says so, reading goes on
cp base.img c5.img
"$MKBAD" c5.img sum $((16384 / fsize)) 60
survive "$BIN/ukfs-fsck" -t lfs -n c5.img
[ $st -eq 4 ] && note "bad summary: fsck finds $(tail -1 run.out)" ||
    fail "bad summary: fsck status $st: $(cat run.out)"
survive "$BIN/ukfs-cat" c5.img /src/a && [ "$(cat run.out)" = hello ] &&
    note "files read despite the summary" || fail "$(cat run.out)"

# 6. random superblock fields and IFILE pointers
i=0
while [ $i -lt 30 ]; do
	cp base.img f.img
	off=$(( ($(od -An -N2 -tu2 /dev/urandom) % 127) * 4 ))
	val=$(od -An -N4 -td4 /dev/urandom | tr -d ' ')
	"$MKBAD" f.img sb $((i % 2)) $off $val || :
	"$MKBAD" f.img ifile-ptr $((i % 15)) \
	    "$(od -An -N4 -td4 /dev/urandom | tr -d ' ')" 2>/dev/null || :
	survive "$BIN/ukfs-ls" -R f.img / || break
	survive "$BIN/ukfs-fsck" -t lfs -n f.img || break
	survive "$BIN/ukfs-mkdir" f.img /new || break
	i=$((i + 1))
done
[ $i -eq 30 ] && note "30 random damages: no crash"
finish
