#!/bin/sh
# FUSE bridge, write side: ordinary host tools change files through the
# mount, and the result is checked against the same changes made in a
# host directory.
#  A. The kernel's in-memory file system served by rump_fuse -t rumpfs:
#     the bridge and libp2k on their own, whatever the disk file systems
#     can do yet.
#  B. Disk file systems: ffs on an image made by ukfs-newfs, ext2 on a
#     copy of a reference image (SKIP while ext2fs mounts only read-only):
#     the same workload, then rump_X -u, the ecosystem's checker
#     (ukfs-fsck -n, e2fsck -fn), and a read-only mount must show the same
#     tree; then a SIGKILL in the middle of writing, repaired by the
#     checker.
# Each part: cp -a, mv, rm, ln, ln -s, chmod, touch with nanoseconds,
# truncate and holes, O_TRUNC, an unlinked file readable until closed,
# rename and rmdir errors, parallel writers, EFBIG, fallocate either right
# or EOPNOTSUPP, git and make inside the mount, and permission checks as
# an unprivileged user with and without default_permissions (the same).
TOP=${TOP:-$(pwd)}
. "$TOP/tests/fuse_lib.sh"
fuse_check
set +e
SMALL=${TESTDATA:+$TESTDATA/small}
[ -d "${SMALL:-}" ] || SMALL=$FIX
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
command -v setpriv >/dev/null || NOBODY=""
M=$TMP/mnt
H=$TMP/host
mkdir -p "$M"
chmod 755 "$TMP" # for nobody

# The same changes in directory $1 (the mount or the host mirror).
changes() {
	d=$1
	cp -a "$SMALL" "$d/tree" || return 1
	mkdir -p "$d/w/sub/deeper"
	echo hello >"$d/w/f"
	ln "$d/w/f" "$d/w/hard"
	ln -s f "$d/w/sym"
	ln -s "/absolute/target/$(printf '%0200d' 0)" "$d/w/longsym"
	mv "$d/tree/deep" "$d/w/sub/deep"
	mv "$d/w/sub/deeper" "$d/w/renamed"
	rm -r "$d/tree/bigdir"
	rm "$d/w/hard"
	ln "$d/w/f" "$d/w/sub/hard2"
	chmod 640 "$d/w/f"
	chmod 2755 "$d/w/sub"
	printf 'abcdef' >"$d/w/trunc"
	printf 'x' >"$d/w/trunc" # O_TRUNC
	truncate -s 5000000 "$d/w/sparse"
	printf 'tail' | dd of="$d/w/sparse" bs=1 seek=9000000 conv=notrunc \
	    status=none
	truncate -s 3000 "$d/w/shrunk" && truncate -s 100 "$d/w/shrunk"
	dd if=/dev/zero bs=64k count=40 status=none | tr '\0' 'z' >"$d/w/big"
	dd if="$d/w/big" of="$d/w/big2" bs=4096 conv=fsync status=none
	echo replaced >"$d/w/old" && echo new >"$d/w/new" &&
	    mv "$d/w/new" "$d/w/old"
	mkfifo "$d/w/fifo"
	mknod "$d/w/chr" c 1 7
	# Fixed times everywhere, so that both trees can be compared fully.
	find "$d/tree" "$d/w" -exec touch -h -d '2009-02-13 23:31:30.123456789' {} +
	touch -h -d '2001-02-03 04:05:06.987654321' "$d/w/f" "$d/w/sym"
}

# Checks whose result is an error or a state, not a tree.
semantics() {
	d=$1
	mkdir "$d/s" && echo data >"$d/s/open" || {
		fail "semantics: cannot make files"
		return
	}
	exec 3<"$d/s/open"
	rm "$d/s/open"
	[ "$(cat <&3)" = data ] || fail "an unlinked open file is not readable"
	exec 3<&-
	[ -e "$d/s/open" ] && fail "unlinked file still there"
	mkdir -p "$d/s/a/b"
	rmdir "$d/s/a" 2>"$TMP/err" && fail "rmdir of a non-empty directory"
	grep -q "not empty" "$TMP/err" || fail "rmdir: $(cat "$TMP/err")"
	# rename(2) itself: mv(1) would refuse before asking
	perl -e 'rename($ARGV[0], $ARGV[1]) or die "$!\n"' "$d/s/a" \
	    "$d/s/a/b/c" 2>"$TMP/err" && fail "moved a dir below itself"
	grep -q "Invalid argument" "$TMP/err" || fail "rename: $(cat "$TMP/err")"
	echo 1 >"$d/s/x" && echo 2 >"$d/s/y"
	mv -T "$d/s/a" "$d/s/x" 2>/dev/null && fail "renamed a dir over a file"
	ln "$d/s/a" "$d/s/alink" 2>/dev/null && fail "hard link to a directory"
	[ "$(stat -c %h "$d/s/a")" -eq 3 ] || fail "directory link count"
	mkdir "$d/s/x" 2>/dev/null && fail "mkdir over a file"
	n=$(stat -c %h "$d/s")
	mkdir "$d/s/newdir" && [ "$(stat -c %h "$d/s")" -eq $((n + 1)) ] ||
	    fail "parent link count after mkdir"
	i=0
	pids=""
	while [ $i -lt 4 ]; do
		(
			j=0
			while [ $j -lt 100 ]; do
				echo "$i.$j" >"$d/s/par.$i.$j"
				j=$((j + 1))
			done
		) &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do # not a bare wait: a daemon may be our child
		wait "$p"
	done
	[ "$(ls "$d/s" | grep -c '^par\.')" -eq 400 ] ||
	    fail "parallel creates: $(ls "$d/s" | grep -c '^par\.') of 400"
	[ "$(cat "$d/s/par.3.99")" = 3.99 ] || fail "parallel create content"
	# Traps of today's FUSE ext2: never a silent no-op or wrong data.
	truncate -s 8E "$d/s/x" 2>"$TMP/err" && fail "truncate to 8 EiB worked"
	grep -q "too large\|Invalid argument" "$TMP/err" ||
	    fail "truncate to 8 EiB: $(cat "$TMP/err")"
	printf 'keep' >"$d/s/y"
	if fallocate -l 1M "$d/s/y" 2>"$TMP/err"; then
		[ "$(stat -c %s "$d/s/y")" -eq 1048576 ] || fail "fallocate size"
	else
		grep -q "not supported" "$TMP/err" ||
		    fail "fallocate: $(cat "$TMP/err")"
	fi
	if fallocate -p -o 0 -l 2 "$d/s/y" 2>"$TMP/err"; then
		[ "$(head -c 4 "$d/s/y" | od -An -c | tr -d ' ')" = '\0\0ep' ] ||
		    fail "punch hole: wrong data"
	else
		grep -q "not supported\|unsupported" "$TMP/err" ||
		    fail "punch hole: $(cat "$TMP/err")"
	fi
	[ "$(head -c 4 "$d/s/y")" = keep ] || [ "$(head -c 2 "$d/s/y" |
	    od -An -tx1 | tr -d ' ')" = 0000 ] || fail "fallocate changed data"
	rm -rf "$d/s" || fail "rm -rf"
}

# Programs at work in the mount: git and a C build (when installed).
tools() {
	d=$1
	mkdir "$d/tools"
	if command -v git >/dev/null; then
		(cd "$d/tools" && git init -q repo && cd repo &&
		    printf 'line\n' >a && git add a &&
		    git -c user.name=t -c user.email=t@t commit -q -m one &&
		    printf 'more\n' >>a && git mv a b &&
		    git -c user.name=t -c user.email=t@t commit -q -am two &&
		    git fsck >/dev/null 2>&1 && [ "$(git log --oneline | wc -l)" -eq 2 ]) \
		    >"$TMP/git.log" 2>&1 || {
			cat "$TMP/git.log"
			fail "git in the mount"
		}
	fi
	if command -v cc >/dev/null && command -v make >/dev/null; then
		printf '#include <stdio.h>\nint main(void) { puts("built"); return 0; }\n' \
		    >"$d/tools/hello.c"
		printf 'hello: hello.c\n\tcc -o hello hello.c\n' >"$d/tools/Makefile"
		(cd "$d/tools" && make -s && [ "$(./hello)" = built ]) \
		    >"$TMP/make.log" 2>&1 || {
			cat "$TMP/make.log"
			fail "make and run a program in the mount"
		}
	fi
	rm -rf "$d/tools"
}

# Permission checks as nobody; prints one line per check for comparison.
perms() {
	d=$1
	mkdir -m 1777 "$d/p" && mkdir -m 700 "$d/p/priv"
	echo root >"$d/p/rootfile" && chmod 644 "$d/p/rootfile"
	echo s >"$d/p/setid" && chmod 6777 "$d/p/setid"
	for cmd in "echo x >$d/p/priv/f" "echo x >$d/p/rootfile" \
	    "echo x >$d/p/mine" "rm -f $d/p/rootfile" "mv $d/p/rootfile $d/p/r2" \
	    "chmod 777 $d/p/rootfile" "chown nobody $d/p/rootfile" \
	    "touch $d/p/rootfile" "touch -d 2000-01-01 $d/p/setid" \
	    "touch $d/p/setid" "echo more >>$d/p/setid" "mkdir $d/p/mydir" \
	    "ls $d/p/priv" "rm $d/p/mine"; do
		if $NOBODY sh -c "$cmd" 2>/dev/null; then
			echo "ok: $cmd"
		else
			echo "denied: $cmd"
		fi
	done
	stat -c '%A %U %G %n' "$d/p/setid" "$d/p/mydir"
	rm -rf "$d/p"
}

# Expected results of perms (the same on any POSIX file system).
cat >"$TMP/perms.want" <<EOF
denied: echo x >MNT/p/priv/f
denied: echo x >MNT/p/rootfile
ok: echo x >MNT/p/mine
denied: rm -f MNT/p/rootfile
denied: mv MNT/p/rootfile MNT/p/r2
denied: chmod 777 MNT/p/rootfile
denied: chown nobody MNT/p/rootfile
denied: touch MNT/p/rootfile
denied: touch -d 2000-01-01 MNT/p/setid
ok: touch MNT/p/setid
ok: echo more >>MNT/p/setid
ok: mkdir MNT/p/mydir
denied: ls MNT/p/priv
ok: rm MNT/p/mine
-rwxrwxrwx root root MNT/p/setid
drwxr-xr-x nobody nogroup MNT/p/mydir
EOF

# workload PROGRAM TYPE-ARGS... IMAGE: all of it on one mount.
workload() {
	what=$1
	shift
	rm -rf "$H" && mkdir -p "$H"
	changes "$H"
	changes "$M" || fail "$what: the changes failed"
	if [ -n "${FUSE_PID:-}" ] && ! fuse_alive; then
		fail "$what: the daemon died"
		return 1
	fi
	if "$TREECMP" "$M/tree" "$H/tree" >"$TMP/cmp.out" 2>&1 &&
	    "$TREECMP" "$M/w" "$H/w" >>"$TMP/cmp.out" 2>&1; then
		note "$what: the changed tree is right ($(tail -1 "$TMP/cmp.out"))"
	else
		head -20 "$TMP/cmp.out"
		fail "$what: the mount differs from the host mirror"
	fi
	semantics "$M"
	note "$what: unlinked open file, rename/rmdir errors, parallel creates"
	tools "$M"
	note "$what: git and make in the mount"
}

check_perms() {
	what=$1
	if [ -z "$NOBODY" ]; then
		echo "SKIP: $what: permission checks (no setpriv)"
		return
	fi
	perms "$M" | sed "s#$M#MNT#g" >"$TMP/perms.out"
	if diff "$TMP/perms.want" "$TMP/perms.out"; then
		note "$what: permissions as nobody"
	else
		fail "$what: permissions as nobody differ"
	fi
}

# --- A. the in-memory file system --------------------------------------------
if fuse_mount rump_fuse -t rumpfs -o allow_other none "$M"; then
	workload "rumpfs"
	check_perms "rumpfs"
	fuse_umount "$M"
else
	fail "cannot serve the in-memory file system"
fi
if fuse_mount rump_fuse -t rumpfs -o allow_other,default_permissions none \
    "$M"; then
	check_perms "rumpfs, default_permissions"
	fuse_umount "$M"
else
	fail "cannot serve the in-memory file system"
fi

# --- B. disk file systems ---------------------------------------------------

# disk TYPE IMAGE CHECKER...: the workload on a writable disk file system,
# then rump_TYPE -u (unmount and wait), the checker, and a read-only
# mount that must show the same tree.
disk() {
	type=$1 img=$2
	shift 2
	DISK_RAN=0
	if ! fuse_mount_fg "rump_$type" -o rw,allow_other "$img" "$M" \
	    >"$TMP/mount.out"; then
		if grep -q "Read-only file system" "$TMP/mount.out"; then
			echo "SKIP: $type read-write: $(tail -1 "$TMP/mount.out")"
			return
		fi
		cat "$TMP/mount.out"
		fail "$type: cannot mount read-write"
		return
	fi
	DISK_RAN=1
	if ! workload "$type"; then
		fusermount3 -u "$M" 2>/dev/null
		return
	fi
	check_perms "$type"
	long=$(printf '%0256d' 0)
	touch "$M/$long" 2>"$TMP/err" && fail "$type: a 256-byte name"
	grep -q "File name too long" "$TMP/err" ||
	    fail "$type: 256-byte name: $(cat "$TMP/err")"
	touch "$M/$(printf '%0255d' 0)" || fail "$type: a 255-byte name"
	rm -f "$M/$(printf '%0255d' 0)"
	"$RBIN/rump_$type" -u "$M" || fail "$type: rump_$type -u"
	held_by_daemon "$img" && fail "$type: image still held after -u"
	wait "$FUSE_PID" || {
		tail "$TMP/daemon.log"
		fail "$type: the daemon did not exit 0 after the unmount"
	}
	FUSE_PID=
	if "$@" "$img" >"$TMP/fsck.out" 2>&1; then
		note "$type: $* finds the image clean"
	else
		tail -20 "$TMP/fsck.out"
		fail "$type: $* complains"
	fi
	fuse_mount "rump_$type" -o ro "$img" "$M" || fail "$type: no remount"
	if "$TREECMP" "$M/w" "$H/w" >"$TMP/cmp.out" 2>&1 &&
	    "$TREECMP" "$M/tree" "$H/tree" >>"$TMP/cmp.out" 2>&1; then
		note "$type: the tree read back after the unmount is right"
	else
		head -20 "$TMP/cmp.out"
		fail "$type: the tree read back differs"
	fi
	fuse_umount "$M" "$img"
}

# killed TYPE IMAGE REPAIR CHECK: SIGKILL during writes leaves an image
# that the checker repairs.
killed() {
	type=$1 img=$2 repair=$3 check=$4
	fuse_mount "rump_$type" -o rw,sync_interval=1 "$img" "$M" || return
	cp -a "$SMALL" "$M/k1"
	sleep 1.5
	cp -a "$SMALL" "$M/k2" 2>/dev/null &
	cpid=$!
	sleep 0.2
	pkill -KILL -f -- "rump_$type -o rw,sync_interval=1 $img $M\$"
	wait "$cpid"
	fusermount3 -u "$M" 2>/dev/null || umount -l "$M"
	while held_by_daemon "$img"; do sleep 0.1; done
	$repair "$img" >"$TMP/fsck.out" 2>&1
	if grep -q "not supported" "$TMP/fsck.out"; then
		echo "SKIP: $type after SIGKILL: $(head -1 "$TMP/fsck.out")"
		return
	fi
	if $check "$img" >>"$TMP/fsck.out" 2>&1; then
		note "$type: after SIGKILL the checker repairs the image"
	else
		tail -20 "$TMP/fsck.out"
		fail "$type: the image is damaged beyond repair after SIGKILL"
	fi
}

if [ -x "$RBIN/ukfs-newfs" ] && [ -x "$RBIN/rump_ffs" ]; then
	truncate -s 64M "$TMP/ffs.img"
	if "$RBIN/ukfs-newfs" -t ffs "$TMP/ffs.img" >"$TMP/newfs.log" 2>&1; then
		disk ffs "$TMP/ffs.img" "$RBIN/ukfs-fsck" -n
		[ "$DISK_RAN" = 1 ] && killed ffs "$TMP/ffs.img" "$RBIN/ukfs-fsck -y" \
		    "$RBIN/ukfs-fsck -n"
	else
		echo "SKIP: ffs: $(tail -1 "$TMP/newfs.log")"
	fi
fi
cp "$EXACT" "$TMP/ext2.img"
disk ext2fs "$TMP/ext2.img" e2fsck -fn
if [ "$DISK_RAN" = 1 ]; then
	cp "$EXACT" "$TMP/ext2k.img"
	killed ext2fs "$TMP/ext2k.img" "e2fsck -fy" "e2fsck -fn"
fi

fuse_finish
