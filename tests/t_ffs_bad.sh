#!/bin/sh
# ffs on damaged images (tests/ffs_mkbad.c makes them from a makefs image
# of a small tree, UFS1 and UFS2): the mount fails, or an access fails
# with an error, or at least nothing crashes or hangs, as each kind of
# damage calls for; the read-only walk (vfs_test -r), extraction
# (ukfs-cp -R) and ukfs-fsck -n (which must find problems) are run on
# every one, and the write battery on those that still mount.  Then
# ukfs-fsck -y repairs a copy: every damage below the superblock (group
# headers rebuilt too) must be repaired (exit 1), after which ukfs-fsck -n finds
# nothing, twice, and the tree reads (vfs_test -r, ukfs-cp -R); what it
# cannot repair must leave exit 4 and a "left" count.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
BIN=$TOP/$B/bin
T=$TOP/$B/tests
export TZ=UTC LC_ALL=C

nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

command -v makefs >/dev/null || { echo "FAIL: makefs not installed"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-ffsbad.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/tree/d"
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%c", 65 + i % 26 }' \
    >"$W/tree/small"
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "line %05d\n", i }' \
    >"$W/tree/big"
echo x >"$W/tree/d/x"
ln -s "$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "p" }')" \
    "$W/tree/slow"

# ran NAME CMD...: run with a time limit; a crash or hang is a failure.
ran() {
	_name=$1
	shift
	timeout 60 "$@" >"$W/out" 2>&1
	_rc=$?
	if [ $_rc -ge 124 ]; then
		fail "$_name: $* exited with $_rc (crash or hang)"
		tail -5 "$W/out"
	fi
	return $_rc
}

for v in 1 2; do
	mkdir -p "$W/bad$v"
	# room to spare: fsck -y makes lost+found in it
	makefs -t ffs -o version=$v -b 30% "$W/good$v.img" "$W/tree" \
	    >/dev/null ||
	    { fail "makefs version $v"; continue; }
	"$T/ffs_mkbad" "$W/good$v.img" "$W/bad$v" ||
	    { fail "ffs_mkbad version $v"; continue; }
	tab=$(printf '\t')
	while IFS=$tab read -r name expect; do
		img=$W/bad$v/$name.img
		what="UFS$v $name"
		ran "$what" "$T/vfs_test" -r ffs "$img"
		walk=$?
		mounted=yes
		grep -q "vfs_test: mount:" "$W/out" && mounted=no
		rm -rf "$W/x"
		ran "$what" "$BIN/ukfs-cp" -R "$img:/" "$W/x"
		cp=$?
		cp "$img" "$W/orig.img"
		ran "$what" "$BIN/ukfs-fsck" -t ffs -n "$img"
		fsck=$?
		cmp -s "$img" "$W/orig.img" || fail "$what: fsck -n wrote to it"
		[ $fsck -eq 4 ] || fail "$what: ukfs-fsck -n exit $fsck," \
		    "problems expected"
		case $expect in
		mount)
			[ $mounted = no ] || fail "$what: mounted"
			;;
		error)
			[ $walk -ne 0 ] || [ $cp -ne 0 ] ||
			    fail "$what: no error reported"
			;;
		any)
			# and writing to it: errors are fine, crashes not
			cp "$img" "$W/rw.img"
			ran "$what (rw)" "$T/vfs_test" ffs "$W/rw.img"
			;;
		esac
		cp "$img" "$W/fix.img"
		ran "$what" "$BIN/ukfs-fsck" -t ffs -y "$W/fix.img"
		fix=$?
		case $expect.$name in
		mount.*)
			# a superblock (these images have one group: no copy
			# to take) or the root: not repaired
			[ $fix -eq 4 ] && grep -q ' left$' "$W/out" ||
			    fail "$what: ukfs-fsck -y exit $fix, 4 expected"
			;;
		*)
			if [ $fix -ne 1 ]; then
				fail "$what: ukfs-fsck -y exit $fix"
				head -5 "$W/out"
			fi
			for again in 1 2; do
				ran "$what" "$BIN/ukfs-fsck" -t ffs -n \
				    "$W/fix.img" ||
				    fail "$what: not clean after -y ($again):" \
				        "$(head -2 "$W/out")"
			done
			ran "$what" "$T/vfs_test" -r ffs "$W/fix.img" ||
			    fail "$what: repaired image does not walk"
			rm -rf "$W/x"
			ran "$what" "$BIN/ukfs-cp" -R "$W/fix.img:/" "$W/x" ||
			    fail "$what: repaired image does not copy out"
			# an orphan is reconnected with its data
			if [ "$name" = orphan ]; then
				cmp -s "$W/x/lost+found/#3" "$W/tree/small" ||
				    fail "$what: /small is not lost+found/#3"
			fi
			;;
		esac
		echo "$what ($expect): walk $walk, cp $cp, fsck $fsck," \
		    "fsck -y $fix"
	done <"$W/bad$v/list.txt"
done
echo "t_ffs_bad: $nfail failed"
[ $nfail -eq 0 ]
