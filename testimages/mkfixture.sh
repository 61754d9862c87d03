#!/bin/sh
# mkfixture.sh [--small] OUTDIR
# mkfixture.sh --retime OUTDIR
#
# Build the fixture source tree that reference images are made from and that
# images are compared against (tests/treecmp).  Must run as root (owners,
# device nodes).  The result is deterministic: same names, contents, modes,
# owners and times on every run (inode numbers and ctimes excepted).
#
# Top-level layout:
#   sizes/       regular files at every block / indirect-block boundary for
#                1K, 2K, 4K blocks (and ffs 8K/16K/32K direct limits)
#   holes/       sparse files: leading, middle, trailing, all-hole, several
#                holes; full mode adds sparse-big, past the 1K double-indirect
#                limit (> (12+256+65536)*1024 bytes, cheap on disk)
#   names/       255-byte names (ASCII and UTF-8), UTF-8, punctuation
#   bigdir/      3100 entries (full) / 40 entries (--small)
#   deep/        40 levels of nested directories
#   links/       symlinks: fast/slow (59, 60, 61, 100, 1000 bytes), absolute,
#                relative, dangling, to a directory, chains, loops
#   hard/        hard-link groups (3 links, across directories, empty file,
#                hard-linked symlink)
#   perms/       every permission bit incl. setuid/setgid/sticky
#   owners/      several uid:gid pairs, including 32-bit ids
#   special/     fifos, character and block devices
#   times/       old, 2^31-1, pre-1970 and nanosecond times on files, dirs,
#                symlinks; a distinct atime
#   times-wide/  times after 2038 (need 256-byte ext2 inodes); exclude this
#                directory when comparing against 128-byte-inode images
#   lost+found/  empty, 0700: mke2fs -d merges it with the one it creates, so
#                ext2 images and the fixture agree on the root directory
#
# File contents come from a seeded generator: every 512-byte chunk starts with
# "relative/path@offset\n", so a misplaced block, a hole read as data or data
# read as a hole is visible.  No chunk is all zeros (mke2fs -d turns all-zero
# blocks into holes).
#
# The host updates a file's atime when it is first read (relatime), so any
# copy or mkfs -d of the fixture changes its atimes; --retime sets all times
# again on an existing fixture, before a test that compares atimes.
set -eu

usage() {
	echo "usage: $0 [--small | --retime] OUTDIR" >&2
	exit 2
}

SMALL=0
RETIME=0
case "${1:-}" in
--small) SMALL=1; shift ;;
--retime) RETIME=1; shift ;;
esac
[ $# -eq 1 ] || usage
OUT=$1

if [ "$(id -u)" -ne 0 ]; then
	echo "$0: must run as root (chown, mknod)" >&2
	exit 2
fi
if [ "$RETIME" -eq 1 ]; then
	# touch -h on every path below OUT: make sure it is a fixture.
	if [ ! -f "$OUT/times/t-ns" ] || [ ! -d "$OUT/times-wide" ]; then
		echo "$0: $OUT is not a fixture made by this script" >&2
		exit 2
	fi
elif [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
	echo "$0: $OUT exists and is not empty" >&2
	exit 2
fi

export TZ=UTC LC_ALL=C
umask 022
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"

# Default times: files, symlinks and specials get T_FILE, directories T_DIR.
T_FILE='2009-02-13 23:31:30'
T_DIR='2011-11-11 11:11:11'
DEEPEST=deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20/d21/d22/d23/d24/d25/d26/d27/d28/d29/d30/d31/d32/d33/d34/d35/d36/d37/d38/d39/d40

# Set every time in the tree.  Reading a file on the host updates its atime
# (relatime), so --retime re-applies these before atime-sensitive tests.
set_times() {
	find . ! -type d -exec touch -h -d "$T_FILE" {} +
	touch -h -d '1975-03-04 05:06:07' times/t-1975 times/l-1975 times/d-1975/inside
	touch -h -d '2001-09-09 01:46:40' times/t-1e9
	touch -h -d '2038-01-19 03:14:07' times/t-2038 times/l-2038
	touch -h -d '2020-02-02 02:02:02.123456789' times/t-ns
	touch -h -d '2020-02-02 02:02:02.987654321' times/l-ns
	touch -h -d '1970-01-01 00:00:00' times/t-epoch
	touch -h -d '1969-12-31 23:59:59' times/t-neg1
	touch -h -d '1901-12-13 20:45:52' times/t-min32
	touch -h -d '2010-01-01 00:00:00' times/t-atime
	touch -h -a -d '2015-06-15 12:00:00.5' times/t-atime
	touch -h -d '2001-09-09 01:46:41' times/t-odd
	touch -h -d '2100-01-01 00:00:00' times-wide/w-2100 times-wide/l-2100
	touch -h -d '2106-02-07 06:28:16' times-wide/w-2106
	# largest time a 256-byte ext2 inode holds: 3 * 2^32 + 2^31 - 1
	touch -h -d '@15032385535' times-wide/w-2446
	touch -h -d '1999-12-31 23:59:59.999999999' hard/three

	# directories last, deepest first, once nothing changes inside them
	find . -depth -type d -exec touch -h -d "$T_DIR" {} +
	touch -h -d '1975-03-04 05:06:07' times/d-1975
	touch -h -d '2020-02-02 02:02:02.5' times/d-ns
	touch -h -d '2038-01-19 03:14:07' times/d-2038
	touch -h -d '2100-01-01 00:00:00' times-wide/d-2100
	touch -h -d '2100-06-01 00:00:00' times-wide
	touch -h -d '2000-01-01 00:00:00' "$DEEPEST"
}

if [ "$RETIME" -eq 1 ]; then
	set_times
	exit 0
fi

# Deterministic content writer.  Reads "path<TAB>offset<TAB>length" lines and
# writes that byte range in place (like dd conv=notrunc seek=), creating the
# file if needed.  Content of a range depends only on (path, absolute offset).
# shellcheck disable=SC2016 # perl code, not shell
GEN='
use strict; use warnings; use Fcntl;
my $PS = 65536;
my $x = 2463534242;
my $pool = "";
for (1 .. $PS / 4) {
	$x ^= ($x << 13) & 0xffffffff; $x ^= $x >> 17;
	$x ^= ($x << 5) & 0xffffffff;
	$pool .= pack("V", $x);
}
sub chunk {
	my ($tag, $c) = @_;
	my $h = sprintf("%s@%d\n", $tag, $c);
	$h = substr($h, 0, 512);
	my $sum = unpack("%32C*", $tag);
	my $start = ($sum * 2654435761 + ($c / 512) * 40503) % ($PS - 512);
	return $h . substr($pool, $start, 512 - length($h));
}
while (my $line = <STDIN>) {
	chomp $line;
	my ($path, $off, $len) = split /\t/, $line;
	my $end = $off + $len;
	my $buf = "";
	my $first = int($off / 512) * 512;
	for (my $c = $first; $c < $end; $c += 512) {
		$buf .= chunk($path, $c);
	}
	$buf = substr($buf, $off - $first, $len);
	sysopen(my $fh, $path, O_WRONLY | O_CREAT, 0644) or die "$path: $!";
	defined(sysseek($fh, $off, 0)) or die "$path: seek: $!";
	my $done = 0;
	while ($done < $len) {
		my $n = syswrite($fh, $buf, $len - $done, $done);
		die "$path: write: $!" unless defined $n;
		$done += $n;
	}
	close($fh) or die "$path: $!";
}
'
GENLIST=$(mktemp)
trap 'rm -f "$GENLIST"' EXIT

# data PATH OFFSET LENGTH: queue a data range (written by flush_data).
data() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$GENLIST"
}
flush_data() {
	perl -e "$GEN" <"$GENLIST"
	: >"$GENLIST"
}

# rep STRING COUNT: STRING repeated COUNT times.
rep() {
	_r=""
	_i=0
	while [ "$_i" -lt "$2" ]; do
		_r="$_r$1"
		_i=$((_i + 1))
	done
	printf '%s' "$_r"
}

mkdir lost+found sizes holes names bigdir deep links hard perms owners \
    special times times-wide
chmod 0700 lost+found

# --- sizes: around block, direct-block and indirect-block limits ---------
# 12*B: direct limit for B = 1K, 2K, 4K (ext2) and 8K, 16K, 32K (ffs);
# (12+B/4)*B: single-indirect limit for B = 1K, 2K, 4K.
if [ "$SMALL" -eq 1 ]; then
	BOUNDS="1024 4096 12288 49152 274432"
else
	BOUNDS="512 1024 2048 4096 8192 12288 24576 49152 98304 196608 \
	    393216 274432 1073152 4243456"
fi
for b in $BOUNDS; do
	for s in $((b - 1)) $b $((b + 1)); do
		f=$(printf 'sizes/size-%010d' "$s")
		data "$f" 0 "$s"
	done
done
: >sizes/size-0000000000
data sizes/size-0000000001 0 1
data sizes/size-0000000002 0 2

# --- holes: all holes are 64K-aligned so they are holes at any block size
K=1024
data holes/lead-hole $((128 * K)) 5000
data holes/mid-hole 0 $((64 * K))
data holes/mid-hole $((256 * K)) 100
data holes/trail-hole 0 3000
data holes/multi-hole 0 $((64 * K))
data holes/multi-hole $((192 * K)) $((64 * K))
data holes/multi-hole $((448 * K)) $((64 * K + 7))
data holes/ind-only $((64 * K)) $((4 * K))
data holes/dind-only $((4608 * K)) 777
# a hole smaller than a host block: data at 0 and 5000, zeros between
data holes/unaligned-hole 0 1000
data holes/unaligned-hole 5000 1000
if [ "$SMALL" -eq 0 ]; then
	# 1K blocks: single-indirect ends at 274432, double at 67383296.
	data holes/sparse-big 0 4096
	data holes/sparse-big $((274432 - 2048)) 4096
	data holes/sparse-big $((32 * K * K)) 4096
	data holes/sparse-big $((67383296 - 2048)) 4096
	data holes/sparse-big 67390000 1000
fi
flush_data
truncate -s $((256 * K)) holes/trail-hole
truncate -s $((1024 * K)) holes/all-hole

# --- names ----------------------------------------------------------------
n255="L255-$(rep x 250)"
u255="$(rep 'é' 127)z"
# shellcheck disable=SC2016 # literal names
for n in "$n255" "$u255" 'héllo wörld' '日本語.txt' 'emoji-😀🎉.dat' \
    'Ünïcödé' 'with space' "it's" '-leading-dash' '.hidden' '..dots..' \
    'a' 'UPPER' 'upper' 'semi;colon' 'back\slash' 'star*' 'question?' \
    'percent%20' '#hash' '~tilde' 'colon:name' 'equals=sign' 'brackets[1]' \
    'braces{a}' 'dollar$HOME' 'trailing.' 'x.tar.gz' 'MixedCase.TXT' \
    'eight.ext' 'longer-than-eight-chars.extension'; do
	data "names/$n" 0 $((${#n} * 3 + 1))
done
mkdir 'names/dir-ünï' "names/d$(rep y 250)"
data 'names/dir-ünï/inside' 0 10
data "names/d$(rep y 250)/$n255" 0 300
flush_data

# --- bigdir: names of varying length so rec_len patterns vary -------------
if [ "$SMALL" -eq 1 ]; then NBIG=40; else NBIG=3100; fi
SUF=abcdefghijklmnopqrstuvwxyz0123456789ABCD
i=0
while [ $i -lt $NBIG ]; do
	n=$(printf "e%04d%.*s" $i $((i % 40)) "$SUF")
	if [ $((i % 500)) -eq 250 ]; then
		mkdir "bigdir/$n"
	elif [ $((i % 100)) -eq 7 ]; then
		data "bigdir/$n" 0 $((i + 1))
	else
		: >"bigdir/$n"
	fi
	i=$((i + 1))
done
flush_data

# --- deep: 40 nested directories ------------------------------------------
mkdir -p "$DEEPEST"
data "$DEEPEST/bottom.txt" 0 100
data deep/d01/top.txt 0 10
flush_data

# --- symlinks ---------------------------------------------------------------
# "./////target" resolves like "target" but has any length we want:
# len(".") + m slashes + len(target).
padlink() { # LEN TARGET
	printf '.%s%s' "$(rep / $(($1 - 1 - ${#2})))" "$2"
}
data links/target.txt 0 333
flush_data
ln -s target.txt links/fast
ln -s "$(padlink 59 target.txt)" links/len59
ln -s "$(padlink 60 target.txt)" links/len60
ln -s "$(padlink 61 target.txt)" links/len61
ln -s "$(padlink 100 target.txt)" links/len100
ln -s "$(padlink 1000 target.txt)" links/len1000
ln -s /etc/passwd links/absolute
ln -s '../names/héllo wörld' links/relative-utf8
ln -s does-not-exist links/dangling
ln -s "$(rep nowhere/ 20)x" links/dangling-slow
ln -s ../deep/d01 links/to-dir
ln -s fast links/chain2
ln -s chain2 links/chain3
ln -s loop-b links/loop-a
ln -s loop-a links/loop-b
ln -s self links/self
ln -s .. links/dotdot
ln -s target.txt 'links/lien-é'
chown -h 1234:5678 links/chain3

# --- hard links -------------------------------------------------------------
mkdir hard/sub hard/other
data hard/three 0 20000
data hard/pair-a 0 5000
data hard/big 0 50000
flush_data
ln hard/three hard/three-same-dir
ln hard/three hard/sub/three-other-dir
ln hard/pair-a hard/other/pair-b
ln hard/big hard/sub/big-link
: >hard/empty-a
ln hard/empty-a hard/empty-b
ln -s target-of-hardlinked-symlink hard/sym-a
ln -P hard/sym-a hard/sub/sym-b

# --- permissions (chmod after all chowns: chown clears setuid/setgid) ------
for m in 4755 2755 6755 1777 7777 0000 0777 0644 0600 0444 0111 2745 4000; do
	data "perms/f-$m" 0 64
done
flush_data
for m in 1777 2755 3777 0700 0555 0000 0711; do
	mkdir "perms/d-$m"
done
data perms/d-0700/inside 0 10
data perms/d-2755/inside 0 10
flush_data

# --- owners -------------------------------------------------------------------
for o in 0:0 1000:1000 1234:5678 65534:65534 100000:200000 0:5678 4321:0; do
	f="owners/o-$(echo "$o" | tr : -)"
	data "$f" 0 32
done
flush_data
for o in 0:0 1000:1000 1234:5678 65534:65534 100000:200000 0:5678 4321:0; do
	chown "$o" "owners/o-$(echo "$o" | tr : -)"
done
mkdir owners/dir-1000
data owners/dir-1000/file-1234 0 10
flush_data
chown 1000:1000 owners/dir-1000
chown 1234:5678 owners/dir-1000/file-1234
ln -s o-1234-5678 owners/symlink-1234
chown -h 1234:5678 owners/symlink-1234
mkfifo owners/fifo-65534
chown 65534:65534 owners/fifo-65534

# --- special files --------------------------------------------------------------
mkfifo special/fifo
mkfifo -m 0600 special/fifo-0600
mknod -m 0666 special/chr-1-3 c 1 3
mknod -m 0660 special/blk-7-0 b 7 0
mknod -m 0600 special/chr-0-0 c 0 0
# major > 255 or minor > 255 needs ext2's "new" device encoding
mknod -m 0640 special/chr-300-70000 c 300 70000
mknod -m 0640 special/blk-259-1048575 b 259 1048575
chown 0:6 special/blk-7-0

# --- times (content first; times are applied below) --------------------------
for t in 1975 1e9 2038 ns epoch neg1 min32 atime odd; do
	data "times/t-$t" 0 40
done
mkdir times/d-1975 times/d-ns times/d-2038
data times/d-1975/inside 0 10
for t in 2100 2106 2446; do
	data "times-wide/w-$t" 0 40
done
mkdir times-wide/d-2100
flush_data
ln -s t-1975 times/l-1975
ln -s t-ns times/l-ns
ln -s t-2038 times/l-2038
ln -s w-2100 times-wide/l-2100

# --- modes, after every chown ---------------------------------------------------
for m in 4755 2755 6755 1777 7777 0000 0777 0644 0600 0444 0111 2745 4000; do
	chmod "$m" "perms/f-$m"
done
for m in 1777 2755 3777 0700 0555 0000 0711; do
	chmod "$m" "perms/d-$m"
done
chmod 0755 owners/o-* owners/dir-1000
chmod 4750 owners/o-1234-5678
chmod 2711 owners/o-0-5678
chmod 0640 owners/dir-1000/file-1234 owners/fifo-65534
chmod 0600 hard/pair-a
chmod 4755 hard/three

# Counting reads the directories, so do it before their atimes are set.
SUMMARY="$(find . | wc -l) entries, $(du -sk . | cut -f1) KiB allocated,\
 $(du -sk --apparent-size . | cut -f1) KiB apparent"
set_times
echo "fixture: $OUT ($SUMMARY)"
