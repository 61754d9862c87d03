#!/bin/sh
# mkimages.sh [--no-fixup] [--verify] FIXTUREDIR OUTDIR
#
# Build reference ext2-family images of a fixture tree (testimages/
# mkfixture.sh) with the standard tools, check each with e2fsck -fn, and
# write OUTDIR/images.txt: one line per image, "name<TAB>treecmp options"
# needed to compare the image's contents with the fixture (what the format
# or the tool cannot represent).  Images are deterministic (fixed UUID, hash
# seed and times).  They are build products: never commit them.
#
#   ext2-1k.img    mke2fs -t ext2 -b 1024 -I 128   (128-byte inodes: 1 s
#                  times, 1901..2038 only)
#   ext2-2k.img    mke2fs -t ext2 -b 2048 -I 256
#   ext2-4k.img    mke2fs -t ext2 -b 4096 -I 256
#   ext2-rev0.img  mke2fs -t ext2 -r 0 -b 1024 (revision 0: 128-byte inodes,
#                  no filetype, no large_file, no sparse_super)
#   ext3-4k.img    mke2fs -t ext3 -b 4096 -I 256 (journal)
#   ext4-4k.img    mke2fs -t ext4 -O ^metadata_csum,^64bit (extents, flex_bg)
#   ext2-1k-htree.img  ext2-1k.img after e2fsck -fyD: large directories
#                  hash-indexed (dir_index)
#   genext2fs.img  genext2fs -z -B 1024 (no features at all; 16-bit ids,
#                  old device numbers, 1 s times; left exactly as made)
#
# mke2fs -d leaves some things out, so each mke2fs image is then corrected
# with debugfs (unless --no-fixup): the root directory's mode, owner and
# times; all atimes; nanoseconds and times outside 1901..2038 (256-byte
# inodes only); and hard-linked symlinks, which mke2fs -d splits.  ctime and
# crtime are set to the mtime so that images are byte-for-byte reproducible.
#
# --verify mounts each image read-only through the host kernel (loop) and
# compares it with the fixture using tests/treecmp.c and the images.txt
# options.  The tools' reads move the fixture's atimes on the host, so this
# script puts them back once the images are made.
set -eu

usage() {
	echo "usage: $0 [--no-fixup] [--verify] FIXTUREDIR OUTDIR" >&2
	exit 2
}

FIXUP=1
VERIFY=0
while [ $# -gt 0 ]; do
	case "$1" in
	--no-fixup) FIXUP=0; shift ;;
	--verify) VERIFY=1; shift ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
[ -d "$1" ] || { echo "$0: $1: not a directory" >&2; exit 2; }
FIX=$(cd "$1" && pwd)
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)

export TZ=UTC LC_ALL=C
# mke2fs uses this for the superblock times and new inodes.
export E2FSPROGS_FAKE_TIME=1234567890
UUID=5eed0000-0000-4000-8000-00000000e2f5
HASHSEED=5eed0000-0000-4000-8000-0000000000a5

for t in mke2fs debugfs e2fsck genext2fs; do
	command -v "$t" >/dev/null || {
		echo "$0: $t not found (apt-get install e2fsprogs genext2fs)" >&2
		exit 2
	}
done

TMP=$(mktemp -d)
MNT=
cleanup() {
	[ -z "$MNT" ] || umount "$MNT" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "$0: $*" >&2
	exit 1
}

# Snapshot all times before any tool reads the fixture (reads move atimes).
# Fields: type, atime, mtime, path.
(cd "$FIX" && find . -printf '%y\t%A@\t%T@\t%P\n') >"$TMP/times"
NENT=$(wc -l <"$TMP/times")
KIB=$(du -sk "$FIX" | cut -f1)
ROOTSTAT=$(stat -c '%f %u %g' "$FIX")

# fixups BIGINODE: debugfs commands that make an mke2fs -d image match the
# fixture.  Paths are double-quoted for debugfs, so they must not contain '"'.
fixups() {
	# Hard-linked symlinks: keep the first path, relink the others to it.
	(cd "$FIX" && find . -type l -links +1 -printf '%i\t%P\n') |
	    sort -t "$(printf '\t')" -k1,1n -k2 | awk -F '\t' '
	function flush() {
		if (n > 1)
			printf "sif \"/%s\" links_count %d\n", keep, n
	}
	$1 != ino { flush(); ino = $1; keep = $2; n = 1; next }
	# kill_file frees the inode, clri zeroes it (rm would leave the real
	# time in it), then the name is pointed at the kept inode.
	{
		printf "kill_file \"/%s\"\nclri \"/%s\"\n", $2, $2
		printf "unlink \"/%s\"\nlink \"/%s\" \"/%s\"\n", $2, keep, $2
		n++
	}
	END { flush() }'

	# Root directory attributes (mke2fs makes its own root).
	echo "$ROOTSTAT" | awk '{
		printf "sif / mode 0x%s\nsif / uid %s\nsif / gid %s\n", $1, $2, $3
	}'

	awk -F '\t' -v big="$1" '
	# "S.FFFFFFFFFF" (find %A@/%T@) -> SEC and NSEC
	function parse(t,   i, f) {
		i = index(t, ".")
		SEC = substr(t, 1, i - 1) + 0
		f = substr(t, i + 1, 9)
		NSEC = f + 0
		if (substr(t, 1, 1) == "-" && NSEC > 0) {
			SEC -= 1
			NSEC = 1000000000 - NSEC
		}
	}
	# Set one time.  debugfs reads "@-1" as an error, so times go in as
	# their low 32 bits (unsigned) unless they need more; *_extra then
	# holds nanoseconds << 2 | epoch, epoch = (sec - (int32)sec) / 2^32.
	# 128-byte inodes keep the low 32 bits, as mke2fs does.
	function settime(p, field, t,   lo, ep) {
		parse(t)
		if (SEC < -2147483648)
			return
		lo = SEC - int((SEC + 2147483648) / 4294967296) * 4294967296
		ep = (SEC - lo) / 4294967296
		if (big && ep > 3)
			return
		printf "sif \"%s\" %s @%.0f\n", p, field, \
		    lo < 0 ? lo + 4294967296 : (big ? SEC : lo)
		if (big)
			printf "sif \"%s\" %s_extra %.0f\n", p, field, \
			    NSEC * 4 + ep
	}
	{
		p = "/" $4
		if (index(p, "\"")) {
			print "mkimages: cannot fix up " p > "/dev/stderr"
			next
		}
		# Reading a symlink moves its atime: use the mtime instead.
		settime(p, "atime", $1 == "l" ? $3 : $2)
		settime(p, "mtime", $3)
		# mke2fs copies the fixture ctime and stamps crtime with the
		# real time; pin both for reproducible images.
		settime(p, "ctime", $3)
		if (big)
			settime(p, "crtime", $3)
	}' "$TMP/times"
}

# debugfs reports errors on stderr but exits 0; anything beyond its banner
# and the echoed commands is an error.
run_debugfs() { # IMAGE CMDFILE
	debugfs -w -f "$2" "$1" >"$TMP/dbg.log" 2>&1 || true
	if grep -v -e '^debugfs ' -e '^debugfs: ' "$TMP/dbg.log" |
	    grep -q .; then
		grep -v -e '^debugfs ' -e '^debugfs: ' "$TMP/dbg.log" |
		    head -5 >&2
		fail "$1: debugfs fixups failed"
	fi
}

check_clean() { # IMAGE
	if ! e2fsck -fn "$1" >"$TMP/fsck.log" 2>&1; then
		cat "$TMP/fsck.log" >&2
		fail "$1: e2fsck -fn reports errors"
	fi
}

# Size in KiB: the fixture's allocation plus a block per entry, the inode
# table, a journal's worth, and 16 MiB free for write tests.
image_kib() { # BLOCKSIZE INODESIZE INODES
	echo $((KIB * 5 / 4 + NENT * $1 / 1024 + $3 * $2 / 1024 + 16384 + \
	    16384))
}

: >"$OUT/images.txt"
note() { # NAME TREECMP-OPTIONS
	printf '%s\t%s\n' "$1" "$2" >>"$OUT/images.txt"
	echo "made $OUT/$1 ($(du -k "$OUT/$1" | cut -f1) KiB used," \
	    "$(($(stat -c %s "$OUT/$1") / 1024)) KiB size)"
}

# mkext NAME TREECMP-OPTIONS BLOCKSIZE INODESIZE MKE2FS-OPTIONS...
mkext() {
	name=$1 opts=$2 bs=$3 isz=$4
	shift 4
	img=$OUT/$name
	inodes=$((NENT * 2 + 1024))
	rm -f "$img"
	mke2fs -q -F -b "$bs" -N "$inodes" -U "$UUID" -E "hash_seed=$HASHSEED" \
	    "$@" -d "$FIX" "$img" "$(image_kib "$bs" "$isz" "$inodes")k" \
	    >"$TMP/mke2fs.log" 2>&1 || {
		cat "$TMP/mke2fs.log" >&2
		fail "$name: mke2fs failed"
	}
	if [ "$FIXUP" -eq 1 ]; then
		big=0
		[ "$isz" -le 128 ] || big=1
		fixups "$big" >"$TMP/fix.cmds"
		run_debugfs "$img" "$TMP/fix.cmds"
	fi
	check_clean "$img"
	note "$name" "$opts"
}

# treecmp options for 128-byte ("OLD") and 256-byte ("NEW") inode images.
if [ "$FIXUP" -eq 1 ]; then
	OLD='-r 1 -I times-wide'
	NEW=''
else
	OLD='-r 1 -I times-wide -x dirtimes -I hard/sym-a -I hard/sub/sym-b'
	NEW=$OLD
fi

mkext ext2-1k.img "$OLD" 1024 128 -t ext2 -I 128
mkext ext2-2k.img "$NEW" 2048 256 -t ext2 -I 256
mkext ext2-4k.img "$NEW" 4096 256 -t ext2 -I 256
mkext ext2-rev0.img "$OLD" 1024 128 -t ext2 -r 0
mkext ext3-4k.img "$NEW" 4096 256 -t ext3 -I 256
mkext ext4-4k.img "$NEW" 4096 256 -t ext4 -I 256 -O ^metadata_csum,^64bit

# mke2fs -d never builds hashed (htree) directories; e2fsck -D indexes every
# directory of more than one block.  With 1K blocks the fixture's bigdir
# needs an almost full index block.
img=$OUT/ext2-1k-htree.img
cp "$OUT/ext2-1k.img" "$img"
e2fsck -fyD "$img" >"$TMP/fsck.log" 2>&1 || [ $? -eq 1 ] || {
	cat "$TMP/fsck.log" >&2
	fail "ext2-1k-htree.img: e2fsck -fyD failed"
}
# e2fsck stamps the real time as the last check time.
debugfs -w -R "ssv lastcheck @$E2FSPROGS_FAKE_TIME" "$img" >/dev/null 2>&1
check_clean "$img"
note ext2-1k-htree.img "$OLD"

# genext2fs: 1K blocks, -z keeps holes, -f zero times for its own inodes.
img=$OUT/genext2fs.img
rm -f "$img"
genext2fs -z -f -B 1024 -N $((NENT * 2 + 1024)) \
    -b "$(image_kib 1024 128 $((NENT * 2 + 1024)))" -d "$FIX" "$img" \
    >"$TMP/gen.log" 2>&1 || {
	cat "$TMP/gen.log" >&2
	fail "genext2fs failed"
}
check_clean "$img"
# What genext2fs cannot represent: 32-bit ids, major/minor > 255, times
# beyond 2038 and below 1 s, atimes (it copies mtimes), its own root and
# lost+found times, and hard-linked symlinks (it splits them).
note genext2fs.img "-r 1 -x dirtimes,atime -I times-wide \
-I owners/o-100000-200000 -I special/chr-300-70000 \
-I special/blk-259-1048575 -I hard/sym-a -I hard/sub/sym-b"

# Put the fixture's atimes back as they were before the tools read it
# (treecmp itself reads with O_NOATIME).
sort -t "$(printf '\t')" -k2,2 "$TMP/times" | awk -F '\t' -v tmp="$TMP" '
	# compare as strings: as numbers, times 1 ns apart can be equal
	($2 "") != cur { if (cur != "") close(f); cur = $2 ""; n++;
		f = tmp "/at." n; print cur > (tmp "/at.list") }
	{ print "./" $4 > f }'
n=0
while read -r at; do
	n=$((n + 1))
	(cd "$FIX" && tr '\n' '\0' <"$TMP/at.$n" |
	    xargs -0 touch -h -a -c -d "@$at")
done <"$TMP/at.list"

if [ "$VERIFY" -eq 1 ]; then
	cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	    -o "$TMP/treecmp" "$SRCDIR/tests/treecmp.c"
	mkdir "$TMP/mnt"
	while IFS="$(printf '\t')" read -r name opts; do
		mount -o loop,ro "$OUT/$name" "$TMP/mnt"
		MNT=$TMP/mnt
		# shellcheck disable=SC2086 # opts is a list of options
		if "$TMP/treecmp" -a -H $opts "$FIX" "$TMP/mnt" \
		    >"$TMP/cmp.log"; then
			echo "verified $name: $(tail -1 "$TMP/cmp.log")"
		else
			cat "$TMP/cmp.log" >&2
			umount "$TMP/mnt"
			MNT=
			fail "$name differs from $FIX"
		fi
		umount "$TMP/mnt"
		MNT=
	done <"$OUT/images.txt"
fi

echo "wrote $OUT/images.txt"
