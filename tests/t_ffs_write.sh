#!/bin/sh
# ffs, write side:
#  1. tests/ffs_write_test.c on fresh file systems of several kinds (UFS1
#     and UFS2, both byte orders, 4K..64K blocks): filling up to ENOSPC
#     and emptying again with exact free counts, random writes and
#     truncates against a model, a sparse file through the triple
#     indirect range, 20000 names in one directory; ukfs-fsck's kernel
#     side after each;
#  2. the VFS battery (vfs_test) on newfs'd images and on NetBSD makefs
#     images with room to spare, each clean afterwards;
#  3. images written here read back by an independent reader: sleuthkit's
#     fls lists the same names and inode numbers as we do, and
#     tsk_recover gives every regular file's contents (UFS1 and UFS2,
#     both byte orders);
#  4. a NetBSD makefs image changed by our tools stays clean and sleuthkit
#     reads the change.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
T=$TOP/$B/tests
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
FIX=$TESTDATA/fixture
export TZ=UTC LC_ALL=C

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

W=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-ffswrite.XXXXXX")
trap 'rm -rf "$W"' EXIT

# --- 1. write tests on fresh file systems ---------------------------------
for o in "" "version=2" "version=1,endian=be,bsize=4096,fsize=512" \
    "version=2,endian=be,bsize=32768,fsize=4096" \
    "version=1,bsize=65536,fsize=8192" "version=2,bsize=16384,fsize=16384"; do
	if "$T/ffs_write_test" -o "$o" "$W/t.img" >"$W/out" 2>&1; then
		echo "ok: ffs_write_test ($o)"
	else
		fail "ffs_write_test ($o):"
		grep -v "file system full" "$W/out" | tail -15
	fi
done

# clean IMG WHAT: our check must find nothing
clean() {
	if ! "$BIN/ukfs-fsck" -t ffs -n "$1" >"$W/fsck" 2>&1; then
		fail "$2: ukfs-fsck -n:"
		head -10 "$W/fsck"
	fi
}

# --- 2. the VFS battery ------------------------------------------------------
for o in "-O 1" "-O 2" "-O 1 -B be -b 4096 -f 512" "-O 2 -B be -b 65536" \
    "-O 2 -b 16384 -f 4096"; do
	rm -f "$W/n.img"
	# shellcheck disable=SC2086 # o is a list of flags
	"$BIN/ukfs-newfs" -t ffs -s 48m $o "$W/n.img" >"$W/out" 2>&1 ||
	    { fail "ukfs-newfs $o: $(cat "$W/out")"; continue; }
	clean "$W/n.img" "newfs $o"
	"$T/vfs_test" ffs "$W/n.img" >"$W/out" 2>&1 ||
	    { fail "vfs_test on newfs $o:"; tail -10 "$W/out"; }
	clean "$W/n.img" "newfs $o after vfs_test"
done
mkdir -p "$W/empty"
for o in "version=1 le" "version=2 be" "version=2,bsize=32768,fsize=4096 le"; do
	rm -f "$W/m.img"
	makefs -t ffs -s 48m -B "${o#* }" -o "${o% *},density=4096" "$W/m.img" \
	    "$W/empty" >/dev/null 2>&1 || { fail "makefs $o"; continue; }
	"$T/vfs_test" ffs "$W/m.img" >"$W/out" 2>&1 ||
	    { fail "vfs_test on makefs $o:"; tail -10 "$W/out"; }
	clean "$W/m.img" "makefs $o after vfs_test"
done

# --- 3. sleuthkit reads what we write ---------------------------------------
# "ino name" of every entry below the root, as sleuthkit's fls sees it
fls_names() {
	fls -r -p "$1" | awk -F '\t' '
	    $1 ~ /^V\/V/ { next }
	    { split($1, a, " "); ino = a[length(a)]; sub(":", "", ino)
	      n = split($2, p, "/"); print ino, p[n] }' | sort
}
# ... and as we see it (ukfs-ls -iR: a header line, then "ino name" lines)
our_names() {
	"$BIN/ukfs-ls" -aiR "$1" / | awk '
	    NR == 1 || prev == "" { prev = $0; next }
	    $0 != "" { n = $0; sub(/^ *[0-9]+ /, "", n)
	      if (n != "." && n != "..") print $1, n }
	    { prev = $0 }' | sort
}
# every non-empty regular file as tsk_recover extracts it (content only;
# it leaves out empty files) must equal the fixture's
tsk_contents() {
	rm -rf "$W/rec"
	tsk_recover -e "$1" "$W/rec" >/dev/null 2>&1
	(cd "$FIX" && find . -type f -size +0) >"$W/files"
	_n=0
	_bad=0
	while read -r path; do
		_n=$((_n + 1))
		if ! cmp -s "$FIX/$path" "$W/rec/$path"; then
			_bad=$((_bad + 1))
			[ $_bad -le 3 ] && echo "  differs: $path"
		fi
	done <"$W/files"
	echo "$_n files, $_bad differ"
	[ $_bad -eq 0 ] && [ $_n -gt 100 ]
}

# Sleuthkit refuses a sparse file longer than the whole file system
# ("Invalid address in run (too large)"), so the images get room for
# holes/sparse-big.
for o in "-o version=1" "-o version=2" "-o version=1 -B be" \
    "-o version=2,bsize=32768,fsize=4096 -B be"; do
	rm -f "$W/s.img"
	# shellcheck disable=SC2086 # o is a list of flags
	"$BIN/ukfs-makefs" -t ffs -s 96m $o "$W/s.img" "$FIX" >"$W/out" 2>&1 ||
	    { fail "ukfs-makefs $o: $(tail -3 "$W/out")"; continue; }
	clean "$W/s.img" "ukfs-makefs $o"
	fls_names "$W/s.img" >"$W/fls.txt"
	our_names "$W/s.img" >"$W/ours.txt"
	if [ "$(wc -l <"$W/fls.txt")" -lt 3000 ] ||
	    ! cmp -s "$W/fls.txt" "$W/ours.txt"; then
		fail "ukfs-makefs $o: fls and ukfs-ls -i disagree:"
		diff "$W/fls.txt" "$W/ours.txt" | head -10
	fi
	if tsk_contents "$W/s.img" >"$W/icat"; then
		echo "ok: ukfs-makefs $o: fls names, $(tail -1 "$W/icat")"
	else
		fail "ukfs-makefs $o: tsk_recover: $(cat "$W/icat")"
	fi
done

# reading the fixture moved its atimes: put them back for others
sh "$TOP/testimages/mkfixture.sh" --retime "$FIX" >/dev/null 2>&1

# --- 4. a makefs image changed by our tools ----------------------------------
mkdir -p "$W/src/sub"
printf 'original\n' >"$W/src/keep"
printf 'to be removed\n' >"$W/src/sub/gone"
makefs -t ffs -o version=1 -s 8m "$W/c.img" "$W/src" >/dev/null 2>&1 ||
    fail "makefs -s 8m"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "new line %d\n", i }' \
    >"$W/newfile"
"$BIN/ukfs-cp" "$W/newfile" "$W/c.img:/sub/new" 2>"$W/err" ||
    fail "ukfs-cp into a makefs image: $(cat "$W/err")"
"$BIN/ukfs-rm" "$W/c.img" /sub/gone 2>"$W/err" ||
    fail "ukfs-rm: $(cat "$W/err")"
"$BIN/ukfs-mkdir" "$W/c.img" /made 2>"$W/err" ||
    fail "ukfs-mkdir: $(cat "$W/err")"
clean "$W/c.img" "makefs image after changes"
ino=$(fls -r -p "$W/c.img" | awk -F '\t' '$2 == "sub/new" { split($1, a, " ");
    sub(":", "", a[2]); print a[2] }')
if [ -n "$ino" ] && icat "$W/c.img" "$ino" | cmp -s - "$W/newfile"; then
	echo "ok: sleuthkit reads a file written into a makefs image"
else
	fail "sleuthkit does not read sub/new back (inode '$ino')"
fi
fls -r -p "$W/c.img" | grep -q "	made$" || fail "fls does not list /made"
fls -r -p "$W/c.img" | grep "sub/gone" | grep -qv '\*' &&
    fail "fls still lists sub/gone as live"

echo "t_ffs_write: $nfail failed"
[ $nfail -eq 0 ]
