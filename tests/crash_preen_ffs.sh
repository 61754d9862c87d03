#!/bin/sh
# crash_preen_ffs.sh [-k FILE] UKFS-FSCK IMAGE: the check after a crash for ffs,
# whose checker cannot repair yet.  Runs ukfs-fsck -n and passes only if
# every problem it lists is one that a crash of a correctly ordered ffs
# may leave and that fsck -p (preen) repairs without asking: the file
# system not marked clean, summary counts (of groups and of the whole),
# allocation maps (pass 5), unreferenced inodes and directories (a new
# directory is written before the entry naming it; preen reconnects it
# to lost+found), link counts above the names found, an inode's block
# count (a truncation writes the cleared indirect block before the
# inode, as NetBSD's does; preen corrects it).  Anything else (a bad
# entry, a name for a free inode, a block claimed twice, a link count
# below the names) fails, listed.
# -k FILE: keep going: append what is beyond preen to FILE, exit 0 (to
# survey the damage of an ffs whose metadata writes are not ordered).
notes=""
if [ "$1" = -k ]; then
	notes=$2
	shift 2
fi
fsck=$1
img=$2
out=$("$fsck" -t ffs -n "$img" 2>&1)
rc=$?
[ $rc -eq 0 ] && exit 0
[ $rc -eq 4 ] || { echo "$out"; exit 1; }
bad=$(printf '%s\n' "$out" | awk '
	/: clean$/ || / problems? found$/ { next }
	/^file system is not clean$/ { next }
	/^summary of group [0-9]+: / { next }
	/^superblock [0-9]+: (directories|free [a-z]+) [0-9]+, should be/ { next }
	/^cylinder group [0-9]+: (fragment|inode) map wrong / { next }
	/^cylinder group [0-9]+: cluster / { next }
	/^cylinder group [0-9]+: (directories|free [a-z]+) [0-9]+, should be/ { next }
	/^cylinder group [0-9]+: fragment summary wrong$/ { next }
	/^inode [0-9]+ is in use but has no name$/ { next }
	/^directory [0-9]+ has no name$/ { next }
	/^inode [0-9]+: block count [0-9]+, [0-9]+ held$/ { next }
	/^inode [0-9]+: link count [0-9]+, [0-9]+ names? found$/ {
		split($0, a, /link count |, | name/); if (a[2] + 0 > a[3] + 0) next
	}
	{ print }')
[ -z "$bad" ] && exit 0
if [ -n "$notes" ]; then
	printf '%s\n' "$bad" >>"$notes"
	exit 0
fi
printf 'beyond preen:\n%s\n' "$bad"
exit 1
