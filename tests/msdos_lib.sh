# Sourced by the msdos tests (t_msdos_*.sh).  Sets B, TOP, BIN, TMP (a
# scratch directory removed on exit) and defines fail/finish, mkfattree
# (a source tree FAT can hold) and fatcmp (tree comparison as FAT keeps
# things: names, contents, sizes, times to 2 seconds).
set -u
export TZ=UTC LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
TREECMP=$TOP/$B/tests/treecmp
NFAIL=0

fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}

finish() {
	if [ "$NFAIL" -ne 0 ]; then
		echo "$NFAIL check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

for tool in mkfs.fat mcopy mdir fsck.fat; do
	command -v $tool >/dev/null 2>&1 || {
		echo "FAIL: $tool missing (apt-get install dosfstools mtools)"
		exit 1
	}
done
[ -x "$BIN/ukfs" ] && [ -x "$TREECMP" ] || {
	echo "FAIL: build first (make)"
	exit 1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-msdos.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# pat NAME LEN: LEN bytes of "NAME@offset\n" records, different per file
pat() {
	awk -v t="$1" -v n="$2" 'BEGIN {
		while (len < n) {
			s = t "@" len "\n"
			if (len + length(s) > n)
				s = substr(s, 1, n - len)
			printf "%s", s
			len += length(s)
		}
	}'
}

# mkfattree DIR [NBIG]: regular files and directories only (mtools blocks
# on fifos and follows symlinks), no two names that differ only in case.
# NBIG files in bigdir (default 1100).  cp850/ has names that read right
# only with codepage=850 (mtools' default), nonbmp/ a name mtools cannot
# write.
mkfattree() {
	d=$1
	_nbig=${2:-1100}
	mkdir -p "$d/sizes" "$d/names" "$d/bigdir" "$d/times" "$d/empty-dir" \
	    "$d/cp850" "$d/nonbmp"
	# sizes around every cluster size from 512 B to 64 KiB
	for s in 0 1 511 512 513 1023 1024 1025 2047 2048 2049 4095 4096 \
	    4097 8191 8192 8193 16383 16384 16385 32767 32768 32769 65535 \
	    65536 65537 131072 300001; do
		pat "sizes/$s" $s >"$d/sizes/size-$s"
	done
	for n in readme.txt README2.TXT Mixed.Case.Name.txt \
	    "a very long file name with spaces.text" \
	    "héllo wörld.txt" "日本語のファイル名.txt" \
	    "x+y;z=w[1],2.dat" .hidden-file multiple.dots.in.name.tar.gz \
	    UPPER.lower lower.UPPER MiXeD 12345678.123 123456789.1234 \
	    "~tilde~" "#hash" '$dollar' "percent%" "a&b" "at@sign" \
	    "(paren)" "{brace}" "apos'trophe" "back\`tick" "caret^" "excl!" \
	    "ÇÜÉ.ÄÖÜ" "café" "straße.txt" "Ω-omega" "привет.txt"; do
		printf '%s\n' "$n" >"$d/names/$n"
	done
	long=$(awk 'BEGIN { while (length(s) < 251) s = s "long-"; print substr(s, 1, 251) }')
	printf 'long\n' >"$d/names/$long.txt"
	# 8.3 names: mtools writes no long name, only the code page's bytes
	printf 'o-slash\n' >"$d/cp850/ø.txt"
	printf 'Y-acute\n' >"$d/cp850/Ý.DOC"
	# mtools cuts characters past U+FFFF to 16 bits: ours only
	printf 'emoji\n' >"$d/nonbmp/emoji-😀.txt"
	i=0
	while [ $i -lt "$_nbig" ]; do
		if [ $((i % 2)) -eq 0 ]; then
			printf '%d\n' $i >"$d/bigdir/entry with a long name $i.txt"
		else
			printf '%d\n' $i >"$d/bigdir/F$i.DAT"
		fi
		i=$((i + 1))
	done
	p=$d/deep
	i=0
	while [ $i -lt 30 ]; do
		p=$p/d$i
		i=$((i + 1))
	done
	mkdir -p "$p"
	printf 'bottom\n' >"$p/bottom.txt"
	for t in "1980-01-01 00:00:00" "1980-01-01 00:00:01" \
	    "1999-12-31 23:59:59" "2000-02-29 12:34:57" "2038-01-19 03:14:08" \
	    "2100-06-15 12:00:00" "2107-12-31 23:59:58"; do
		f="$d/times/t-$(echo "$t" | tr ' :' '_-')"
		printf '%s\n' "$t" >"$f"
		touch -d "$t" "$f"
	done
}

# poke IMG OFFSET BYTE...: overwrite bytes (decimal values) in an image
poke() {
	_pimg=$1
	_poff=$2
	shift 2
	_pbytes=""
	for _pv in "$@"; do
		_pbytes="$_pbytes$(printf '\\%03o' "$_pv")"
	done
	# shellcheck disable=SC2059 # the format is the bytes
	printf "$_pbytes" | dd of="$_pimg" bs=1 seek="$_poff" conv=notrunc \
	    status=none
}

# le IMG OFFSET N: the N-byte little-endian number at OFFSET
le() {
	od -An -tu1 -j "$2" -N "$3" "$1" |
	    awk '{ for (i = NF; i >= 1; i--) v = v * 256 + $i } END { print v + 0 }'
}

# Geometry of a FAT image: BPS SPC RSVD NFATS FATSZ ROOTOFF DATAOFF (bytes)
fatgeom() {
	bps=$(le "$1" 11 2)
	spc=$(le "$1" 13 1)
	rsvd=$(le "$1" 14 2)
	nfats=$(le "$1" 16 1)
	rootents=$(le "$1" 17 2)
	fatsz=$(le "$1" 22 2)
	[ "$fatsz" -eq 0 ] && fatsz=$(le "$1" 36 4)
	fatoff=$((rsvd * bps))
	rootoff=$(((rsvd + nfats * fatsz) * bps))
	dataoff=$((rootoff + rootents * 32))
}

# fatcmp SRC OUT [treecmp options]: the comparison FAT allows
fatcmp() {
	_fa=$1
	_fb=$2
	shift 2
	"$TREECMP" -x mode,uid,gid,dirtimes,links -r 2 "$@" "$_fa" "$_fb"
}

# mkbase IMG: a small FAT16 image of known layout (mtools allocates in
# order): root slot 0 A.TXT (cluster 2, 5 bytes), slot 1 B.TXT (clusters
# 3-6, 6500 bytes), slots 2-3 "Long Name.txt" (cluster 7), slot 4
# directory D (cluster 8) holding C.TXT (cluster 9).  2 KiB clusters.
mkbase() {
	rm -rf "$TMP/base"
	mkdir -p "$TMP/base/d"
	printf 'aaaa\n' >"$TMP/base/a.txt"
	awk 'BEGIN { for (i = 0; i < 500; i++) printf "b line %05d\n", i }' \
	    >"$TMP/base/b.txt"
	printf 'cccc\n' >"$TMP/base/d/c.txt"
	printf 'long\n' >"$TMP/base/Long Name.txt"
	rm -f "$1"
	mkfs.fat -F 16 -i 12345678 -C "$1" 16384 >/dev/null
	mcopy -p -m -i "$1" "$TMP/base/a.txt" "$TMP/base/b.txt" \
	    "$TMP/base/Long Name.txt" ::/
	mcopy -s -p -m -i "$1" "$TMP/base/d" ::/
}

# setfat IMG N VALUE [COPIES]: FAT16 entry N in the given copies (0 1)
setfat() {
	fatgeom "$1"
	for _sc in ${4:-0 1}; do
		poke "$1" $((fatoff + _sc * fatsz * bps + 2 * $2)) \
		    $(($3 & 255)) $(($3 >> 8))
	done
}

# damage KIND IMG: break a copy of mkbase's image in one way
DAMAGES="lost cross size fatdiff loop range freelink dirty orphan dirloop
dirself dotdot zeroboot bps0 spc0 spc3 nfats0 rsvd0 bigtot fatsz0 root0"
damage() {
	_dimg=$2
	fatgeom "$_dimg"
	case $1 in
	lost) setfat "$_dimg" 100 65535 ;;		# a chain nobody owns
	cross) poke "$_dimg" $((rootoff + 32 + 26)) 2 0 ;; # B.TXT starts in A.TXT
	size) poke "$_dimg" $((rootoff + 28)) 136 19 ;;	# A.TXT: 5000 bytes
	fatdiff) setfat "$_dimg" 100 65535 1 ;;		# only the second FAT
	loop) setfat "$_dimg" 5 3 ;;			# B.TXT: 3 4 5 3 ...
	range) setfat "$_dimg" 4 65520 ;;			# a link past the end
	freelink) setfat "$_dimg" 5 0 ;;			# a link to a free cluster
	dirty) setfat "$_dimg" 1 32767 ;;			# the clean bit off
	orphan) poke "$_dimg" $((rootoff + 96)) 229	# long name, no short
		setfat "$_dimg" 7 0 ;;
	dirloop) setfat "$_dimg" 8 8 ;;			# D's chain loops
	dirself) poke "$_dimg" $((dataoff + 6 * 2048 + 64 + 11)) 16
		poke "$_dimg" $((dataoff + 6 * 2048 + 64 + 26)) 8 0 ;; # D/C is D
	dotdot) poke "$_dimg" $((dataoff + 6 * 2048 + 32 + 26)) 8 0 ;; # D/.. = D
	zeroboot) dd if=/dev/zero of="$_dimg" bs=512 count=1 conv=notrunc \
		    status=none ;;
	bps0) poke "$_dimg" 11 0 0 ;;
	spc0) poke "$_dimg" 13 0 ;;
	spc3) poke "$_dimg" 13 3 ;;
	nfats0) poke "$_dimg" 16 0 ;;
	rsvd0) poke "$_dimg" 14 0 0 ;;
	bigtot) poke "$_dimg" 19 0 0
		poke "$_dimg" 32 0 0 0 16 ;;		# 2^28 sectors
	fatsz0) poke "$_dimg" 22 0 0 ;;
	root0) poke "$_dimg" 17 0 0 ;;
	*) echo "damage: unknown kind $1" >&2; return 1 ;;
	esac
}
