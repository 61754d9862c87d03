#!/bin/sh
# ext2fs, read side (tests/ext2_read_test.c):
#  1. every reference image (testimages/mkimages.sh) against its fixture;
#  2. images with other features and geometries (ext4 defaults with
#     metadata_csum and 64bit, deep extent trees, a file over 4 GiB through
#     triple-indirect blocks and extents, inline data, meta_bg, bigalloc,
#     64 KiB blocks, sparse_super2, a journal that needs recovery), made
#     here by mke2fs from generated trees;
#  3. features that must be refused (encrypt, casefold), by name;
#  4. damaged images (tests/badimages/mkbad.sh) and 5. damaged extent
#     trees and inline data: errors, never a crash or a hang.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
T=$TOP/$B/tests/ext2_read_test
X=$TESTDATA/ext2extra
export TZ=UTC LC_ALL=C E2FSPROGS_FAKE_TIME=1234567890

JOBS="ext2-1k.img ext4-4k.img inline.img"
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

# check IMAGE SRCDIR OPTIONS...: the image must hold exactly SRCDIR.  A few
# images are read by four threads at once as well ($JOBS).
check() {
	img=$1 src=$2
	shift 2
	jobs=0
	case " $JOBS " in *" $(basename "$img") "*) jobs=4 ;; esac
	echo "== $(basename "$img") $* (-j $jobs)"
	"$T" -j $jobs "$@" "$img" "$src" >"$X/out.log" 2>&1
	rc=$?
	grep -v '^ext2fs: only read-only' "$X/out.log" | tail -15
	[ $rc -eq 0 ] || fail "$img differs from $src"
}

# --- 1. reference images ----------------------------------------------------
tab=$(printf '\t')
mkdir -p "$X"
while IFS=$tab read -r name opts; do
	# shellcheck disable=SC2086 # opts is a list of options
	check "$TESTDATA/img/$name" "$TESTDATA/fixture" $opts
done <"$TESTDATA/img/images.txt"

# --- 2. more features -------------------------------------------------------

# pat TAG OFFSET LEN: LEN bytes of "TAG@OFFSET\n" repeated
pat() {
	gawk -v t="$1" -v o="$2" -v n="$3" 'BEGIN {
		s = t "@" o "\n"
		while (length(b) < n)
			b = b s
		printf "%s", substr(b, 1, n)
	}'
}

# put FILE OFFSET LEN: write a pattern at OFFSET, leaving the rest alone
put() {
	pat "$(basename "$1")" "$2" "$3" |
	    dd of="$1" bs=64k seek="$2" oflag=seek_bytes conv=notrunc \
	    status=none
}

# frag FILE BLK N: N blocks of BLK bytes of data, each followed by a
# zero block that mke2fs leaves as a hole: N extents.  It ends in data, as
# mke2fs -O inline_data loses the size of a trailing hole.
frag() {
	tag=$(basename "$1")
	gawk -v blk="$2" -v n="$3" -v t="$tag" 'BEGIN {
		for (i = 0; i < blk; i++)
			z = z sprintf("%c", 0)
		for (i = 0; i < n; i++) {
			s = t "@" i "\n"
			b = ""
			while (length(b) < blk)
				b = b s
			printf "%s%s", substr(b, 1, blk), z
		}
		printf "end\n"
	}' >"$1"
}

# A tree with a sparse file of 5 GiB: data across the 4 GiB mark and up
# to the end.  Reading it takes a while, so few images hold it.
mkbigsrc() {
	s=$1
	mkdir -p "$s/lost+found"
	chmod 700 "$s/lost+found"
	: >"$s/big5g"
	put "$s/big5g" 0 5000
	put "$s/big5g" 4294964296 7000
	put "$s/big5g" 5368708343 777
	pat small 0 100 >"$s/small"
	find "$s" -exec touch -h -d '2009-02-13 23:31:30' {} +
}

mksrc() {
	s=$1
	mkdir -p "$s/d" "$s/inl" "$s/lost+found"
	chmod 700 "$s/lost+found"
	frag "$s/frag1k" 1024 3000
	frag "$s/frag4k" 4096 1500
	for n in 1 30 59 60 61 100 150 300; do
		pat inl "$n" "$n" >"$s/inl/f$n"
	done
	for k in 0 1 2 3 5 8; do
		mkdir "$s/inl/dir$k"
		i=0
		while [ $i -lt $k ]; do
			: >"$s/inl/dir$k/e$i"
			i=$((i + 1))
		done
	done
	ln -s "$(pat x 0 59)" "$s/inl/l59"
	ln -s "$(pat y 0 60)" "$s/inl/l60"
	ln -s "$(pat z 0 120)" "$s/inl/l120"
	i=0
	while [ $i -lt 300 ]; do
		pat "d$i" 0 $((i * 37)) >"$s/d/f$i"
		i=$((i + 1))
	done
	# every time in whole seconds: mke2fs -d drops nanoseconds
	find "$s" -exec touch -h -d '2009-02-13 23:31:30' {} +
}

# mk NAME SIZE MKE2FS-OPTIONS...: an image of $X/src, or of $X/bigsrc for
# names starting with big-
mk() {
	n=$1 size=$2 src=$X/src
	shift 2
	case $n in big-*) src=$X/bigsrc ;; esac
	rm -f "$X/$n.img"
	if ! mke2fs -q -F -U 5eed0000-0000-4000-8000-00000000e2f5 "$@" \
	    -d "$src" "$X/$n.img" "$size" >"$X/mke2fs.log" 2>&1; then
		cat "$X/mke2fs.log"
		fail "mke2fs $n $*"
		return 1
	fi
	e2fsck -fn "$X/$n.img" >"$X/fsck.log" 2>&1 ||
	    fail "$n: e2fsck -fn: $(tail -3 "$X/fsck.log")"
}

# Bump when the trees or images change, to have them made again.
XVERSION=3
if [ "$(cat "$X/.stamp" 2>/dev/null)" != "$XVERSION" ]; then
	rm -rf "$X/src" "$X/bigsrc" "$X"/*.img
	mksrc "$X/src"
	mkbigsrc "$X/bigsrc"
	mk big-ext2-1k 16M -t ext2 -b 1024 &&
	    mk big-ext2-4k 16M -t ext2 -b 4096 &&
	    mk big-ext4-4k 16M -t ext4 -b 4096 &&
	    mk ext4-1k 96M -t ext4 -b 1024 &&
	    mk ext4-4k 128M -t ext4 -b 4096 -O large_dir &&
	    mk ext2-1k 64M -t ext2 -b 1024 &&
	    mk ext2-4k 64M -t ext2 -b 4096 &&
	    mk inline 64M -t ext4 -O inline_data -I 256 &&
	    mk metabg 64M -t ext4 -O meta_bg,^resize_inode &&
	    mk bigalloc 256M -t ext4 -O bigalloc -C 65536 &&
	    mk 64k 256M -t ext4 -b 65536 &&
	    mk ss2 64M -t ext2 -O sparse_super2 &&
	    mk noflex 64M -t ext4 -O ^has_journal,^flex_bg -b 2048 &&
	    mk recover 64M -t ext3 -b 4096 &&
	    debugfs -w -R "feature needs_recovery" "$X/recover.img" \
		>/dev/null 2>&1 &&
	    echo "$XVERSION" >"$X/.stamp"
fi
for img in "$X"/*.img; do
	[ -f "$img" ] || continue
	case $img in
	*/recover.img)
		check "$img" "$X/src" -r 1 -x dirtimes
		grep -q 'journal needs recovery' "$X/out.log" ||
		    fail "no warning about the journal"
		;;
	*/big-*) check "$img" "$X/bigsrc" -r 1 -x dirtimes ;;
	*) check "$img" "$X/src" -r 1 -x dirtimes ;;
	esac
done

# --- 3. refused features ----------------------------------------------------
for f in encrypt casefold; do
	rm -f "$X/refuse.img"
	mke2fs -q -F -t ext4 -O "$f" "$X/refuse.img" 8M >/dev/null 2>&1 || {
		echo "(mke2fs cannot make $f: skipped)"
		continue
	}
	"$T" -B "$X/refuse.img" >"$X/out.log" 2>&1
	cat "$X/out.log"
	if ! grep -q "unsupported feature: $f" "$X/out.log" ||
	    ! grep -q 'mount: Operation not supported' "$X/out.log"; then
		fail "$f was not refused by name"
	fi
done
rm -f "$X/refuse.img"

# --- 4. damaged images ------------------------------------------------------
BAD=$X/bad
if [ -z "$(find "$BAD/.stamp" -newer "$TESTDATA/img/ext2-1k.img" \
    2>/dev/null)" ]; then
	rm -rf "$BAD"
	if sh "$TOP/tests/badimages/mkbad.sh" "$TESTDATA/img/ext2-1k.img" \
	    "$BAD" >"$X/mkbad.log" 2>&1; then
		touch "$BAD/.stamp"
	else
		fail "mkbad.sh: $(tail -3 "$X/mkbad.log")"
	fi
fi
for img in "$BAD"/*.img; do
	[ -f "$img" ] || continue
	timeout 120 "$T" -B "$img" >"$X/out.log" 2>&1
	rc=$?
	echo "== $(basename "$img"): $(tail -1 "$X/out.log")"
	[ $rc -eq 0 ] || fail "$(basename "$img"): exit status $rc"
	name=$(basename "$img" .img)
	case $name in
	truncated | zero-super | *blocks-per-group | huge-inode-count | \
	    bad-log-block-size | bad-group-desc)
		grep -q -- '-B .*: mount: ' "$X/out.log" ||
		    fail "$name: mounted"
		;;
	dir-loop | indirect-cycle | dind-cycle) ;; # readable, if odd
	*)
		grep -q ' [1-9][0-9]* errors$' "$X/out.log" ||
		    fail "$name: no error reported"
		;;
	esac
done

# --- 5. damaged extent trees and inline data --------------------------------
# damage NAME BASE FILE FIELD VALUE: set an inode field with debugfs; the
# file must then fail to read, and nothing may crash.
damage() {
	d=$X/dmg-$1.img
	cp "$X/$2.img" "$d"
	debugfs -w -R "sif $3 $4 $5" "$d" >/dev/null 2>&1
	timeout 120 "$T" -B "$d" >"$X/out.log" 2>&1
	rc=$?
	echo "== $1: $(tail -1 "$X/out.log")"
	[ $rc -eq 0 ] || fail "$1: exit status $rc"
	grep -q ' [1-9][0-9]* errors$' "$X/out.log" ||
	    fail "$1: no error reported"
	rm -f "$d"
}
if [ -f "$X/ext4-1k.img" ] && [ -f "$X/inline.img" ]; then
	# i_block of an extent file: [0] magic | entries << 16,
	# [1] max | depth << 16, [3] first block, [4] length, [5] start
	damage ext-magic ext4-1k /d/f10 'block[0]' 0x0001f30b
	damage ext-entries ext4-1k /d/f10 'block[0]' 0x0005f30a
	damage ext-depth ext4-1k /d/f10 'block[1]' 0x00070004
	damage ext-zero-len ext4-1k /d/f10 'block[4]' 0
	damage ext-past-end ext4-1k /d/f10 'block[5]' 0x7fffffff
	# a two-level tree claiming one level: the child's depth disagrees
	damage ext-child-depth ext4-1k /frag1k 'block[1]' 0x00010004
	# the child pointer aimed at a data block: no extent header there
	damage ext-child-magic ext4-1k /frag1k 'block[4]' 3000
	damage inline-extra inline /inl/f100 extra_isize 200
	damage dir-size ext4-1k /d size 1000
fi

echo "t_ext2_read: $nfail failed"
[ $nfail -eq 0 ]
