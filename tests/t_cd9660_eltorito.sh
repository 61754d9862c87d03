#!/bin/sh
# cd9660: El Torito boot catalogs as ukfs-info lists them, compared with
# xorriso -report_el_torito plain on images made by
#   xorriso -as mkisofs   (BIOS + EFI no-emulation entries; then five
#                          entries: PPC floppy, Mac hard disk, platform
#                          0x55 with selection criteria)
#   genisoimage           (a lone 1.44M floppy default entry)
#   makefs -t cd9660      (sections ended by 0x90, not 0x91)
# and on catalogs changed by hand (not bootable, a load segment, an
# extension slot).  Damaged boot records and catalogs (bad checksum,
# key bytes, ids; a catalog past the end or running off it; too many
# entries) give a clear message and status 1, never a crash or a hang;
# the file system is listed all the same.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
export TZ=UTC LC_ALL=C

for tool in xorriso genisoimage makefs; do
	command -v $tool >/dev/null 2>&1 || {
		echo "FAIL: $tool missing (apt-get install xorriso genisoimage makefs)"
		exit 1
	}
done
[ -x "$BIN/ukfs" ] || { echo "FAIL: build first (make)"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t_cd9660_et.XXXXXX")
trap 'rm -rf "$T"' EXIT

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

# poke IMG OFFSET BYTE...: overwrite bytes (decimal values)
poke() {
	_img=$1 _off=$2
	shift 2
	_b=""
	for _v in "$@"; do
		_b="$_b$(printf '\\%03o' "$_v")"
	done
	# shellcheck disable=SC2059 # the format is the bytes
	printf "$_b" | dd of="$_img" bs=1 seek="$_off" conv=notrunc status=none
}

# le32 IMG OFFSET: the little-endian 32-bit number at OFFSET
le32() {
	od -An -tu1 -j "$2" -N 4 "$1" |
	    awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }'
}

# The listings in one form: "catalog N" and per entry
# "N platform bootable media segment systype sectors rba".
ours() {
	"$BIN/ukfs-info" "$1" 2>"$T/info.err" | awk '
	/^El Torito: *catalog at sector/ { print "catalog", $NF; next }
	/^El Torito: *entry/ {
		sub(/^El Torito: *entry /, "")
		n = $0; sub(/:.*/, "", n)
		s = $0; sub(/^[^:]*: /, "", s)
		split(s, f, ", ")
		p = f[1]; sub(/^platform /, "", p)
		split(f[4], r, " "); rba = r[3]
		split(f[5], c, " "); cnt = c[1]
		seg = c[4]
		st = f[6]; sub(/.*type /, "", st); sub(/\)$/, "", st)
		print n, p, f[2], f[3], seg, st, cnt, rba
	}'
}
theirs() {
	xorriso -indev "$1" -report_el_torito plain 2>/dev/null | awk '
	BEGIN {
		pl["BIOS"] = "x86"; pl["UEFI"] = "EFI"; pl["PPC"] = "PPC"
		pl["Mac"] = "Mac"
		em["none"] = "no emulation"; em["fd1.2"] = "1.2M floppy"
		em["fd1.4"] = "1.44M floppy"; em["fd2.8"] = "2.88M floppy"
		em["hd"] = "hard disk"
	}
	/^El Torito catalog *:/ { print "catalog", $(NF - 1); next }
	/^El Torito boot img *:/ {
		p = ($7 in pl) ? pl[$7] : $7
		b = $8 == "y" ? "bootable" : "not bootable"
		print $6, p, b, em[$9], $10, $11, $12, $13
	}'
}

# same IMG WHAT: ukfs-info lists what xorriso reports
same() {
	ours "$1" >"$T/ours"
	rc=$?
	theirs "$1" >"$T/theirs"
	if [ ! -s "$T/theirs" ]; then
		fail "$2: xorriso reports no El Torito catalog"
	elif ! cmp -s "$T/ours" "$T/theirs"; then
		fail "$2: listings differ (< ukfs-info, > xorriso)"
		diff "$T/ours" "$T/theirs"
	elif [ -s "$T/info.err" ]; then
		fail "$2: ukfs-info complained: $(cat "$T/info.err")"
	else
		echo "ok: $2: $(($(wc -l <"$T/ours") - 1)) entries, as xorriso"
	fi
}

# --- images made by the tools -------------------------------------------------
S=$T/src
mkdir -p "$S/boot"
awk 'BEGIN { for (i = 0; i < 128; i++) printf "boot sector %03d\n", i }' \
    >"$S/boot/boot.img"			# 2048 bytes
truncate -s 1474560 "$S/boot/efi.img" "$S/boot/fd.img"
printf 'efi\n' | dd of="$S/boot/efi.img" conv=notrunc status=none
# a hard-disk image: an MBR with one partition of type 0x83 at sector 1
truncate -s 32768 "$S/boot/hd.img"
poke "$S/boot/hd.img" 446 128 0 2 0 131 0 63 0 1 0 0 0 63 0 0 0
poke "$S/boot/hd.img" 510 85 170
echo readme >"$S/readme"

I=$T/bios-efi.iso
xorriso -as mkisofs -quiet -R -b boot/boot.img -no-emul-boot \
    -boot-load-size 4 -eltorito-alt-boot -e boot/efi.img -no-emul-boot \
    -o "$I" "$S" >"$T/mk.log" 2>&1 || fail "xorriso: $(tail -3 "$T/mk.log")"
same "$I" "xorriso BIOS+EFI"
"$BIN/ukfs-info" "$I" >"$T/info" 2>&1 || fail "ukfs-info status $?"
grep -q '^El Torito: *entry 1: platform x86, bootable, no emulation, load RBA [0-9]*, 4 sectors' \
    "$T/info" || fail "entry 1 not as expected: $(grep 'entry 1' "$T/info")"
grep -q '^El Torito: *entry 2: platform EFI, bootable, no emulation, load RBA [0-9]*, 2880 sectors' \
    "$T/info" || fail "entry 2 not as expected: $(grep 'entry 2' "$T/info")"
grep -q '^type: *cd9660' "$T/info" || fail "no type line"

I2=$T/five.iso
xorriso -as mkisofs -quiet -R -b boot/boot.img -no-emul-boot \
    -boot-load-size 4 -eltorito-alt-boot -e boot/efi.img -no-emul-boot \
    -eltorito-alt-boot -eltorito-platform PPC -b boot/fd.img \
    -eltorito-alt-boot -eltorito-platform Mac -b boot/hd.img -hard-disk-boot \
    -eltorito-alt-boot -eltorito-platform 0x55 -b boot/boot.img \
    -no-emul-boot -eltorito-selcrit 0102030405 \
    -o "$I2" "$S" >"$T/mk.log" 2>&1 || fail "xorriso: $(tail -3 "$T/mk.log")"
same "$I2" "xorriso five entries"

G=$T/genisoimage.iso
genisoimage -quiet -R -b boot/fd.img -c boot/boot.cat -o "$G" "$S" \
    >"$T/mk.log" 2>&1 || fail "genisoimage: $(tail -3 "$T/mk.log")"
same "$G" "genisoimage floppy"

M=$T/makefs.iso
(cd "$T" && makefs -t cd9660 \
    -o 'rockridge,bootimage=i386;src/boot/fd.img,bootimage=i386;src/boot/boot.img,no-emul-boot' \
    "$M" src) >"$T/mk.log" 2>&1 || fail "makefs: $(tail -3 "$T/mk.log")"
same "$M" "makefs two sections"

P=$T/plain.iso
xorriso -as mkisofs -quiet -R -o "$P" "$S" >"$T/mk.log" 2>&1 ||
    fail "xorriso: $(tail -3 "$T/mk.log")"
"$BIN/ukfs-info" "$P" >"$T/info" 2>&1 || fail "plain: ukfs-info status $?"
grep -q 'El Torito' "$T/info" && fail "plain: El Torito listed"

# --- catalogs changed by hand -------------------------------------------------
cat=$(le32 "$I2" $((17 * 2048 + 71)))
C=$((cat * 2048))
[ "$cat" -gt 17 ] || fail "five.iso: catalog sector $cat"
cp "$I2" "$T/x.iso"
poke "$T/x.iso" $((C + 32)) 0			# default entry: not bootable
poke "$T/x.iso" $((C + 32 + 2)) 192 7		# load segment 0x07c0
poke "$T/x.iso" $((C + 32 * 3 + 4)) 6		# EFI entry: system type 6
same "$T/x.iso" "not bootable, load segment, system type"
# The last entry (slot 9) announces an extension, slot 10 is one.
cp "$I2" "$T/x.iso"
poke "$T/x.iso" $((C + 32 * 9 + 1)) 32
poke "$T/x.iso" $((C + 32 * 10)) 68 0
ours "$T/x.iso" >"$T/ext"
ours "$I2" >"$T/orig"
if cmp -s "$T/ext" "$T/orig" && [ ! -s "$T/info.err" ]; then
	echo "ok: an extension slot skipped"
else
	fail "an extension slot changes the listing: $(cat "$T/info.err")"
fi

# --- damaged ------------------------------------------------------------------
# damaged NAME MESSAGE-ERE: ukfs-info on $T/x.iso fails cleanly
damaged() {
	timeout 30 "$BIN/ukfs-info" "$T/x.iso" >"$T/info" 2>"$T/info.err"
	rc=$?
	if [ $rc -ne 1 ]; then
		fail "$1: ukfs-info status $rc (want 1)"
	elif ! grep -Eq "^ukfs-info: .*x\.iso: El Torito boot catalog: $2" \
	    "$T/info.err"; then
		fail "$1: message: $(cat "$T/info.err")"
	elif ! grep -q '^type: *cd9660' "$T/info"; then
		fail "$1: the file system was not listed"
	else
		echo "ok: $1: $(cat "$T/info.err")"
	fi
}
size=$(wc -c <"$I")
last=$((size / 2048 - 1))
c1=$(le32 "$I" $((17 * 2048 + 71)))
C1=$((c1 * 2048))

cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1 + 28)) 0 0
damaged checksum 'bad validation entry checksum'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1 + 30)) 85 85
damaged "key bytes" 'bad validation entry key bytes'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1)) 2
damaged "validation id" 'bad validation entry header id 0x02'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((17 * 2048 + 71)) 0 255 255 255
damaged "catalog far past the end" 'sector 4294967040 is past the end'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((17 * 2048 + 71)) $(((last + 1) & 255)) \
    $(((last + 1) >> 8)) 0 0
damaged "catalog just past the end" "sector $((last + 1)) is past the end"
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((17 * 2048 + 71)) 0 0 0 0
damaged "catalog at sector 0" 'at sector 0'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1 + 32)) 119
damaged "boot indicator" 'slot 2: bad boot indicator 0x77'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1 + 32 + 1)) 9
damaged "media type" 'slot 2: unknown media type 9'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1 + 64)) 146
damaged "section header" 'slot 3: bad section header id 0x92'
cp "$I" "$T/x.iso"
poke "$T/x.iso" $((C1 + 96 + 1)) 32		# an extension that is not one
damaged "extension" 'slot 5: bad extension id 0x00'
# The catalog in the image's last sector, its section running off the end.
cp "$I" "$T/x.iso"
dd if="$I" of="$T/x.iso" bs=2048 skip="$c1" seek="$last" count=1 \
    conv=notrunc status=none
poke "$T/x.iso" $((17 * 2048 + 71)) $((last & 255)) $((last >> 8)) 0 0
ours "$T/x.iso" >"$T/moved"
grep -q "^catalog $last\$" "$T/moved" && [ ! -s "$T/info.err" ] ||
    fail "catalog in the last sector: $(cat "$T/info.err")"
poke "$T/x.iso" $((last * 2048 + 64 + 2)) 200 0
damaged "catalog off the end" 'runs past the end of the image'
# Near the end, in xorriso's padding (zeros: unused, not bootable
# entries), with a section of 65535 entries.
mid=$((last - 8))
dd if="$I" of="$T/x.iso" bs=2048 skip="$c1" seek="$mid" count=1 \
    conv=notrunc status=none
poke "$T/x.iso" $((17 * 2048 + 71)) $((mid & 255)) $((mid >> 8)) 0 0
poke "$T/x.iso" $((mid * 2048 + 64 + 2)) 255 255
damaged "too many entries" 'more than [0-9]+ boot entries'
# Every byte of the boot record and the catalog's first slots flipped in
# turn: never a crash or a hang.
n=0
for off in $(seq $((17 * 2048)) $((17 * 2048 + 80))) \
    $(seq "$C1" $((C1 + 127))); do
	cp "$I" "$T/x.iso"
	v=$(od -An -tu1 -j "$off" -N 1 "$I")
	poke "$T/x.iso" "$off" $((v ^ 255))
	timeout 30 "$BIN/ukfs-info" "$T/x.iso" >/dev/null 2>&1
	rc=$?
	[ $rc -le 1 ] || fail "byte $off flipped: ukfs-info status $rc"
	n=$((n + 1))
done
echo "ok: $n single-byte changes, no crash"

echo "t_cd9660_eltorito: $nfail failed"
[ $nfail -eq 0 ]
