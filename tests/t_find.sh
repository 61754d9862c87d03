#!/bin/sh
# ukfs-find and ukfs-du inside an image against find(1) and du(1): find on
# the tree extracted from the image (ukfs-cp -Rp, exact) must select the
# same paths for every expression; find -ls agrees but for the inode and
# block columns; du on the image mounted by fuse2fs (the ext2 peer) gives
# the same numbers as ukfs-du, which also runs on a gzip'ed copy.
. "$(dirname "$0")/parts_lib.sh"

IMG=$TESTDATA/img/ext2-2k.img
[ -f "$IMG" ] || { echo "FAIL: no $IMG"; exit 1; }
X=$W/x
"$BIN/ukfs-cp" -Rp "$IMG:/" "$X" || { echo "FAIL: extraction"; exit 1; }

# fnd WHAT START -- EXPR...: both finds, NUL-separated, sorted
fnd() {
	what=$1 start=$2
	shift 3
	"$BIN/ukfs-find" "$IMG" "$start" "$@" -print0 2>"$W/err" | sort -z >"$W/u" ||
	    { fail "$what: ukfs-find: $(cat "$W/err")"; return; }
	(cd "$X" && find ".$start" "$@" -print0) | sed -z 's|^\./*|/|' | sort -z >"$W/h"
	if cmp -s "$W/u" "$W/h"; then
		ok "$what ($(tr -cd '\0' <"$W/u" | wc -c) paths)"
	else
		fail "$what: $(diff "$W/u" "$W/h" | tr '\0' '\n' | head -5)"
	fi
}
REF=/sizes/size-0000004096

fnd "everything" / --
fnd "-type f" / -- -type f
fnd "-type d" / -- -type d
fnd "-type l,p" / -- -type l,p
fnd "-type b -o -type c" / -- -type b -o -type c
fnd "-name glob" / -- -name '*.txt'
fnd "-iname glob" / -- -iname 'm*'
fnd "-size +2k" / -- -type f -size +2k
fnd "-size -3 (blocks)" / -- -size -3
fnd "-size 1" / -- -type f -size 1
# (directory sizes depend on the file system: files only)
fnd "-size window in bytes" / -- -type f -size +100c -size -5000c
fnd "-size M" / -- -size -1M
fnd "! and -o" / -- ! -type f -o -name 'size-*'
fnd "parentheses" / -- \( -type l -o -type d \) -a ! -name '[a-h]*'
fnd "-newer" / -- -newer "$X$REF"
fnd "-mtime" / -- -mtime +1000
fnd "-maxdepth 1" / -- -maxdepth 1
fnd "-mindepth 2 -type d" / -- -mindepth 2 -type d
fnd "start path" /sizes -- -type f -name '*1'
fnd "-not -name" /hard -- -not -name 'f*'

# -ls: the same lines but for inode and 1K-block columns
"$BIN/ukfs-find" "$IMG" /sizes -type f -ls | awk '{ $1 = $2 = ""; print }' | sort >"$W/u"
(cd "$X" && find ./sizes -type f -ls) | sed 's| \./| /|' | awk '{ $1 = $2 = ""; print }' | sort >"$W/h"
cmp -s "$W/u" "$W/h" && ok "-ls columns" || fail "-ls: $(diff "$W/u" "$W/h" | head -4)"
"$BIN/ukfs-find" "$IMG" / -type l -ls | grep -q ' -> ' && ok "-ls shows link targets" ||
    fail "-ls without link targets"
"$BIN/ukfs-find" "$IMG" / -bogus >/dev/null 2>&1 && fail "unknown primary accepted" ||
    ok "unknown primary refused"

# du: against du(1) on the image mounted by fuse2fs
M=$W/mnt
mkdir -p "$M"
if fuse2fs -o ro,fakeroot "$IMG" "$M" >/dev/null 2>&1; then
	for opts in "-a" "-s" "" "-ah"; do
		(cd "$M" && du $opts . ) | sed 's|\t\./*|\t/|' | sort -k2 >"$W/h"
		"$BIN/ukfs-du" $opts "$IMG" | sort -k2 >"$W/u"
		cmp -s "$W/u" "$W/h" && ok "du $opts = ukfs-du $opts ($(wc -l <"$W/u") lines)" ||
		    fail "du $opts: $(diff "$W/u" "$W/h" | head -6)"
	done
	(cd "$M" && du -a sizes hard) | sort -k2 >"$W/h"
	"$BIN/ukfs-du" -a "$IMG" sizes hard | sort -k2 >"$W/u"
	cmp -s "$W/u" "$W/h" && ok "du of two paths (hard links once)" ||
	    fail "du of two paths: $(diff "$W/u" "$W/h" | head -6)"
	fusermount3 -u "$M" 2>/dev/null || umount "$M"
else
	fail "fuse2fs cannot mount $IMG"
fi
# apparent sizes of files agree with the extracted tree
"$BIN/ukfs-du" -b "$IMG" /sizes/size-0000274433 | cut -f1 >"$W/u"
du -b "$X/sizes/size-0000274433" | cut -f1 | cmp -s - "$W/u" && ok "du -b of a file" ||
    fail "du -b of a file"
gzip -c "$IMG" >"$W/i.gz"
"$BIN/ukfs-du" -a "$IMG" >"$W/a" && "$BIN/ukfs-du" -a "$W/i.gz" | cmp -s - "$W/a" &&
    ok "ukfs-du of a gzip'ed image" || fail "ukfs-du of a gzip'ed image"
finish
