#!/bin/sh
# VFS races and corner cases (tests/vfs_race_test.c) on rumpfs and on
# fresh ext2 and ffs images: a time of -1 s, open(O_CREAT) and rename
# against threads that make and remove the same names.  The images must
# pass their checkers afterwards (a name entered twice would not).
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
T=$TOP/$B/tests
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/vfsrace.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}

timeout 50 "$T/vfs_race_test" rumpfs || fail "rumpfs"

mke2fs -q -F -t ext2 -I 256 "$W/e.img" 16M >/dev/null 2>&1 ||
    fail "mke2fs"
# (on ext2 this once deadlocked: a vnode found by name while its last
# reference was being dropped was deactivated, and its inode freed and
# reused, under the finder's reference; vrele now checks under the lock)
timeout 50 "$T/vfs_race_test" ext2fs "$W/e.img" || fail "ext2fs"
e2fsck -fn "$W/e.img" >"$W/fsck.log" 2>&1 ||
    { cat "$W/fsck.log"; fail "ext2fs: e2fsck -fn after the races"; }

"$BIN/ukfs-newfs" -t ffs -s 16m "$W/f.img" >/dev/null 2>&1 || fail "newfs ffs"
timeout 50 "$T/vfs_race_test" ffs "$W/f.img" || fail "ffs"
"$BIN/ukfs-fsck" -n "$W/f.img" >"$W/fsck.log" 2>&1 ||
    { cat "$W/fsck.log"; fail "ffs: ukfs-fsck -n after the races"; }

[ $nfail -eq 0 ] && echo "t_vfs_race: ok"
[ $nfail -eq 0 ]
