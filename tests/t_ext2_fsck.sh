#!/bin/sh
# ext2fs fsck (vfs_fsck through ukfs-fsck), with e2fsck as the oracle:
# every reference image and images written by us check clean; damage made
# with debugfs is found (exit 4) whenever e2fsck finds it, and repaired
# (exit 1: bitmaps, counters, link counts, i_blocks, deletion times,
# entries naming free inodes, files and directories nothing names (to
# lost+found), "..", cross-linked or out-of-range blocks and broken
# extent trees (the second file is cleared)) so that e2fsck -fn finds
# nothing afterwards.
set -u
B=${B:-build}
TOP=${TOP:-$(pwd)}
TESTDATA=${TESTDATA:-$TOP/$B/testdata}
BIN=$TOP/$B/bin
W=$(mktemp -d "${TMPDIR:-/tmp}/ext2k.XXXXXX")
trap 'rm -rf "$W"' EXIT
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
ok() {
	echo "ok: $*"
}

for img in "$TESTDATA"/img/*.img; do
	cp "$img" "$W/t.img"
	if "$BIN/ukfs-fsck" -n "$W/t.img" >"$W/out" 2>&1; then
		ok "$(basename "$img") checks clean"
	else
		fail "$(basename "$img"): $(head -5 "$W/out")"
	fi
done
for opts in "-t ext2 -b 1024" "-t ext4" "-t ext4 -b 1024 -O ^metadata_csum,^64bit,uninit_bg"; do
	# shellcheck disable=SC2086 # opts is a list of options
	mke2fs -q -F $opts "$W/t.img" 32M >/dev/null 2>&1
	"$BIN/ukfs-cp" -Rp "$TESTDATA/small" "$W/t.img:/s" 2>/dev/null
	if "$BIN/ukfs-fsck" -n "$W/t.img" >"$W/out" 2>&1; then
		ok "a tree written into $opts checks clean"
	else
		fail "$opts after ukfs-cp: $(head -5 "$W/out")"
	fi
done

# damage BASE DEBUGFS-COMMAND REPAIRABLE
mke2fs -q -F -t ext2 -b 1024 "$W/base.img" 16M >/dev/null 2>&1
"$BIN/ukfs-cp" -Rp "$TESTDATA/small" "$W/base.img:/s" 2>/dev/null
mke2fs -q -F -t ext4 "$W/base4.img" 32M >/dev/null 2>&1
"$BIN/ukfs-cp" -Rp "$TESTDATA/small" "$W/base4.img:/s" 2>/dev/null
damage() {
	cp "$1" "$W/d.img"
	debugfs -w -R "$2" "$W/d.img" >/dev/null 2>&1
	e2fsck -fn "$W/d.img" >/dev/null 2>&1
	e=$?
	rc=0
	"$BIN/ukfs-fsck" -n "$W/d.img" >"$W/out" 2>&1 || rc=$?
	if [ $e -ne 0 ] && [ $rc -ne 4 ]; then
		fail "[$2] e2fsck finds damage, ukfs-fsck -n exits $rc"
		return
	fi
	rc=0
	"$BIN/ukfs-fsck" -y "$W/d.img" >"$W/out2" 2>&1 || rc=$?
	if [ "$3" = no ]; then
		# exit 1 (all repaired) must be true; 4 says what is left
		if [ $rc -eq 4 ] && grep -q ' left$' "$W/out2"; then
			ok "[$2] found, left: $(tail -1 "$W/out2")"
		elif [ $rc -eq 1 ] && e2fsck -fn "$W/d.img" >/dev/null 2>&1; then
			ok "[$2] found and repaired: $(head -1 "$W/out")"
		else
			fail "[$2] ukfs-fsck -y exits $rc: $(tail -1 "$W/out2")"
		fi
		return
	fi
	if [ $rc -ne 1 ]; then
		fail "[$2] ukfs-fsck -y exits $rc: $(head -3 "$W/out2")"
	elif e2fsck -fn "$W/d.img" >"$W/fsck" 2>&1; then
		ok "[$2] found and repaired: $(head -1 "$W/out")"
	else
		fail "[$2] e2fsck after the repair:"
		grep -v '^Pass\|^e2fsck' "$W/fsck" | head -5
	fi
}
for base in "$W/base.img" "$W/base4.img"; do
	damage "$base" "freeb 300" yes
	damage "$base" "setb 7000" yes
	damage "$base" "sif <2> links_count 9" yes
	damage "$base" "sif <2> blocks 40" yes
	damage "$base" "kill_file /s/bigdir" yes
	damage "$base" "freei /s" yes
	damage "$base" "set_bg 0 free_blocks_count 7" yes
	damage "$base" "set_bg 0 used_dirs_count 9" yes
	damage "$base" "ssv state 0" yes
	damage "$base" "clri /s/hard" yes
	damage "$base" "unlink /s" yes
	damage "$base" "unlink /s/sizes/size-0000001023" yes
	damage "$base" "clri /s/sizes/size-0000004096" yes
	damage "$base" "sif /s/sizes/size-0000004096 mode 0170644" yes
	# cross-linked: a second file points at the first block of another
	x=$(debugfs -R "bmap /s/sizes/size-0000012287 0" "$base" 2>/dev/null)
	if [ "$base" = "$W/base4.img" ]; then
		damage "$base" "sif /s/sizes/size-0000004097 block[5] $x" yes
		damage "$base" "sif /s/sizes/size-0000004097 block[0] 7" yes
	else
		damage "$base" "sif /s/sizes/size-0000004097 block[0] $x" yes
		damage "$base" "sif /s/sizes/size-0000012287 block[1] 99999999" yes
	fi
done

[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "all checks passed"
