# Sourced after tools_lib.sh by the tests of the writing tools
# (t_tools_*.sh): capability checks and the ecosystem's oracles.
#
#   own_fixture          FIX becomes a private copy of the fixture
#   need_write TYPE      SKIP (exit 0) unless the kernel writes TYPE images
#   need_newfs TYPE      SKIP (exit 0) unless ukfs-newfs makes TYPE
#   new_ext2 IMG SIZE [mke2fs options]   an empty ext2 image
#   e2fsck_clean IMG WHAT                e2fsck -fn finds nothing, else fail
#   host_mount IMG DIR / host_umount DIR read-only view through the host
#                                        kernel (loop) or fuse2fs; treecmp
#                                        takes $HOST_TREECMP besides
#   dstat IMG PATH FIELD                 a field of debugfs's stat

# A private copy of the fixture: other test runs may read the shared one
# at the same time, which moves its atimes under a comparison.
own_fixture() {
	cp -a "$FIX" "$TMP/fixture" &&
	    sh "$TOP/testimages/mkfixture.sh" --retime "$TMP/fixture" \
		>/dev/null 2>&1 || { echo "FAIL: cannot copy the fixture"; exit 1; }
	FIX=$TMP/fixture
}

# The tools write through the kernel; until a file system can write,
# its tests say so and pass.
need_write() {
	case "$1" in
	ext2fs)
		mke2fs -q -F -t ext2 -b 1024 "$TMP/cap.img" 2M >/dev/null 2>&1 ||
		    { echo "FAIL: mke2fs"; exit 1; }
		;;
	*)
		echo "FAIL: need_write: no test image for $1"
		exit 1
		;;
	esac
	if ! "$BIN/ukfs-mkdir" "$TMP/cap.img" /cap >/dev/null \
	    2>"$TMP/cap.err"; then
		if grep -q "Read-only file system" "$TMP/cap.err"; then
			echo "SKIP: $1 is read-only in this build" \
			    "($(head -1 "$TMP/cap.err"))"
			exit 0
		fi
		echo "FAIL: the capability check failed: $(cat "$TMP/cap.err")"
		exit 1
	fi
	rm -f "$TMP/cap.img" "$TMP/cap.err"
}

need_newfs() {
	if ! "$BIN/ukfs-newfs" -t "$1" -s 4m "$TMP/cap.img" >/dev/null \
	    2>"$TMP/cap.err"; then
		if grep -q "not supported by this build" "$TMP/cap.err"; then
			echo "SKIP: ukfs-newfs -t $1: $(head -1 "$TMP/cap.err")"
			exit 0
		fi
		echo "FAIL: ukfs-newfs -t $1: $(cat "$TMP/cap.err")"
		exit 1
	fi
	rm -f "$TMP/cap.img" "$TMP/cap.err"
}

new_ext2() {
	_img=$1
	_size=$2
	shift 2
	rm -f "$_img"
	mke2fs -q -F -t ext2 "$@" "$_img" "$_size" >/dev/null 2>&1 ||
	    { echo "FAIL: mke2fs $* $_img $_size"; exit 1; }
}

e2fsck_clean() {
	if e2fsck -fn "$1" >"$TMP/fsck.out" 2>&1; then
		note "e2fsck -fn clean: $2"
	else
		fail "e2fsck -fn finds problems $2:"
		head -20 "$TMP/fsck.out"
	fi
}

# A field of "debugfs -R 'stat PATH'" (Mode, User, Group, Size, Links...).
dstat() {
	debugfs -R "stat \"$2\"" "$1" 2>/dev/null |
	    sed -n "s/.*$3: *\([^ ]*\).*/\1/p" | head -1
}

# The host kernel shows nanoseconds; fuse2fs (FUSE 2.9) shows whole
# seconds, so HOST_TREECMP holds the treecmp options the view needs.
HOST_MOUNTED=
HOST_TREECMP=
host_mount() {
	mkdir -p "$2"
	if mount -o loop,ro "$1" "$2" 2>/dev/null; then
		HOST_MOUNTED="loop $2"
		HOST_TREECMP=
		return 0
	fi
	if fuse2fs -o ro,fakeroot "$1" "$2" >/dev/null 2>&1; then
		HOST_MOUNTED="fuse $2"
		HOST_TREECMP="-r 1"
		return 0
	fi
	return 1
}

host_umount() {
	case "$HOST_MOUNTED" in
	fuse*) fusermount3 -u "$1" 2>/dev/null || fusermount -u "$1" ;;
	loop*) umount "$1" ;;
	esac
	HOST_MOUNTED=
}

# Never leave a mount behind, whatever happens.
trap 'if [ -n "$HOST_MOUNTED" ]; then host_umount "${HOST_MOUNTED#* }"; fi
      rm -rf "$TMP"' EXIT
