# Sourced by the partition and compressed-image tests: file-system images
# made by the ecosystems' tools from the small fixture, and a comparison
# of what ukfs reads through a name with what it reads from the bare image.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
T=$TOP/$B/tests
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
SMALL=$TESTDATA/small
export TZ=UTC LC_ALL=C

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
ok() {
	echo "ok: $*"
}
finish() {
	if [ "$nfail" -ne 0 ]; then
		echo "$nfail check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

[ -d "$SMALL" ] || { echo "FAIL: no fixture in $SMALL (run tests/run.sh)"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-parts.XXXXXX")
trap 'rm -rf "$W"' EXIT
# gzip seek indexes are cached here, not in the user's ~/.cache
export XDG_CACHE_HOME="$W/cache"

# mkfs_all DIR: ext2.img, fat.img, ffs.img (little-endian UFS1) and
# ffsbe.img (big-endian UFS2) of 16 MiB each in DIR.
mkfs_all() {
	mkdir -p "$1/fatsrc"
	cp -a "$SMALL/sizes" "$SMALL/deep" "$1/fatsrc/"
	mke2fs -q -F -t ext2 -d "$SMALL" "$1/ext2.img" 16M >/dev/null 2>&1 &&
	mkfs.fat -C -F 16 "$1/fat.img" 16384 >/dev/null &&
	mcopy -s -p -m -i "$1/fat.img" "$1/fatsrc"/* ::/ &&
	makefs -t ffs -o version=1 -s 16m "$1/ffs.img" "$SMALL" >/dev/null &&
	makefs -t ffs -o version=2 -B be -s 16m "$1/ffsbe.img" "$SMALL" \
	    >/dev/null || { echo "FAIL: cannot make the file systems"; exit 1; }
}

# put IMG FS SECTOR: write FS into IMG at a 512-byte sector.
put() {
	dd if="$2" of="$1" bs=512 seek="$3" conv=notrunc status=none
}

# same NAME BARE WHAT: the tree read through NAME equals the bare image's.
same() {
	rm -rf "$W/a" "$W/b"
	if ! "$BIN/ukfs-cp" -Rp "$1:/" "$W/a" 2>"$W/err"; then
		fail "$3: ukfs-cp of $1: $(head -3 "$W/err")"
		return
	fi
	"$BIN/ukfs-cp" -Rp "$2:/" "$W/b" 2>/dev/null
	if "$T/treecmp" "$W/a" "$W/b" >"$W/cmp" 2>&1; then
		ok "$3"
	else
		fail "$3: $(head -5 "$W/cmp")"
	fi
}

# refused NAME PATTERN WHAT: a tool fails on NAME with a message matching.
refused() {
	if "$BIN/ukfs-ls" "$1" / >/dev/null 2>"$W/err"; then
		fail "$3: $1 was accepted"
	elif grep -q -- "$2" "$W/err"; then
		ok "$3"
	else
		fail "$3: message: $(cat "$W/err")"
	fi
}
