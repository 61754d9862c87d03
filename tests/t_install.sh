#!/bin/sh
# make install into a DESTDIR: SONAMEs, symbol versions and exports of the
# libraries (readelf, objdump); the demo run from the installed programs;
# a program built against the installed headers, ukfs.pc and libraries;
# the manual and its links; then make uninstall leaves no file behind.
set -u
export LC_ALL=C TZ=UTC
B=${B:-build}
TOP=${TOP:-$(pwd)}
cd "$TOP" || exit 1
NFAIL=0
fail() {
	echo "FAIL: $*"
	NFAIL=$((NFAIL + 1))
}
note() {
	echo "ok: $*"
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukfs-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
DEST=$TMP/root
PREFIX=/opt/ukfs
R=$DEST$PREFIX
# The sanitizer build's libraries need the sanitizer runtime in programs.
case $B in
*asan*)
	SAN=1
	SANCC="-fsanitize=address,undefined"
	;;
*)
	SAN=
	SANCC=
	;;
esac
MAKE="make -s --no-print-directory B=$B SANITIZE=$SAN PREFIX=$PREFIX DESTDIR=$DEST"

$MAKE install >"$TMP/install.log" 2>&1 || {
	cat "$TMP/install.log"
	fail "make install"
	exit 1
}
note "make install PREFIX=$PREFIX DESTDIR=..."

# Programs: every one of $B/bin, links kept as links.
for p in "$B"/bin/*; do
	n=${p##*/}
	if [ -L "$p" ]; then
		[ "$(readlink "$R/bin/$n")" = "$(readlink "$p")" ] ||
		    fail "bin/$n is not the link $(readlink "$p")"
	else
		[ -x "$R/bin/$n" ] && [ ! -L "$R/bin/$n" ] || fail "bin/$n missing"
	fi
done

# Libraries: the SONAME file, the development link, the version node and
# nothing exported outside the library's prefix.
for spec in ukfs:UKFS_1.0:ukfs_ rump:RUMP_1.0:rump_ p2k:P2K_1.0:p2k_; do
	lib=${spec%%:*}
	rest=${spec#*:}
	ver=${rest%%:*}
	pfx=${rest#*:}
	so=$R/lib/lib$lib.so.1
	[ -f "$so" ] && [ ! -L "$so" ] || {
		fail "lib$lib.so.1 not installed"
		continue
	}
	[ "$(readlink "$R/lib/lib$lib.so")" = "lib$lib.so.1" ] ||
	    fail "lib$lib.so is not a link to lib$lib.so.1"
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = "lib$lib.so.1" ] || fail "lib$lib: SONAME '$soname'"
	readelf -V "$so" | grep -q "Name: $ver\$" ||
	    fail "lib$lib: no version definition $ver"
	# objdump -T: defined symbols are "addr g DF .text size VERSION name".
	objdump -T "$so" | awk -v v="$ver" -v p="$pfx" '
	    $2 == "g" && $4 != "*UND*" && $NF != v {
		n++
		if ($(NF - 1) != v || index($NF, p) != 1) print "  " $0
	    }
	    END { exit n ? 0 : 1 }' >"$TMP/bad" 2>/dev/null
	if [ -s "$TMP/bad" ]; then
		fail "lib$lib exports symbols outside $ver/$pfx*:"
		head "$TMP/bad"
	else
		note "lib$lib.so.1: SONAME, $ver on every export"
	fi
done
objdump -T "$R/bin/ukfs" | grep -q '(UKFS_1\.0) *ukfs_mount$' &&
    note "ukfs binds ukfs_mount@UKFS_1.0" ||
    fail "the ukfs program does not bind versioned ukfs_mount"

# The demo, from the installed programs and libraries.
export LD_LIBRARY_PATH="$R/lib"
ldd "$R/bin/ukfs" | grep -q "libukfs.so.1 => $R/lib/" ||
    fail "the installed ukfs does not load the installed libukfs: $(ldd "$R/bin/ukfs")"
mkdir -p "$TMP/demo"
cp -a testimages/sample "$TMP/demo/sample"
mke2fs -q -F -t ext2 -b 1024 -d "$TMP/demo/sample" "$TMP/demo/s.ext2" 4M
if "$R/bin/ukfs-ls" -lR "$TMP/demo/s.ext2" >"$TMP/ls.out" &&
    grep -q 'hello.txt$' "$TMP/ls.out" &&
    "$R/bin/ukfs-cat" "$TMP/demo/s.ext2" /docs/hello.txt |
    cmp -s - testimages/sample/docs/hello.txt &&
    "$R/bin/ukfs" cp -Rp "$TMP/demo/s.ext2:/" "$TMP/demo/out" &&
    diff -r --exclude=lost+found "$TMP/demo/sample" "$TMP/demo/out"; then
	note "the demo runs from $PREFIX/bin"
else
	fail "the demo from the installed programs"
fi

# A program built with pkg-config against the installed files.
cat >"$TMP/prog.c" <<'EOF'
#include <stdio.h>
#include <ukfs.h>
#include <rump/rump.h>

int
main(int argc, char **argv)
{
	char buf[64];
	struct ukfs *u;
	ssize_t n;
	int error;

	u = ukfs_mount(NULL, argv[1], 0, 0, UKFS_RDONLY, NULL, &error);
	if (u == NULL || argc < 3)
		return 2;
	n = ukfs_read_path(u, argv[2], 0, buf, sizeof(buf) - 1);
	if (n < 0)
		return 3;
	buf[n] = '\0';
	fputs(buf, stdout);
	return ukfs_release(u, 0) == 0 ? 0 : 4;
}
EOF
PKG_CONFIG_PATH=$R/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$DEST \
    pkg-config --cflags --libs ukfs >"$TMP/pc" 2>&1 ||
    fail "pkg-config ukfs: $(cat "$TMP/pc")"
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Werror $SANCC -o "$TMP/prog" "$TMP/prog.c" \
    $(cat "$TMP/pc") &&
    "$TMP/prog" "$TMP/demo/s.ext2" /docs/hello.txt |
    cmp -s - testimages/sample/docs/hello.txt; then
	note "a program built with pkg-config ukfs reads the image"
else
	fail "building or running a program against the installed ukfs"
fi

# The manual: every page installed, links for the further names.
for m in man/*.[0-9]; do
	[ -f "$R/share/man/man${m##*.}/${m##*/}" ] || fail "page ${m##*/} missing"
done
[ "$(readlink "$R/share/man/man8/rump_ext2fs.8")" = rump_fuse.8 ] &&
    MANPATH=$R/share/man man -w rump_ext2fs >/dev/null 2>&1 &&
    note "manual installed, rump_ext2fs(8) links to rump_fuse(8)" ||
    fail "man page link rump_ext2fs.8"
if [ -f completion/ukfs ]; then
	[ -f "$R/share/bash-completion/completions/ukfs" ] &&
	    [ "$(readlink "$R/share/bash-completion/completions/ukfs-cp")" = ukfs ] ||
	    fail "bash completion not installed"
fi
unset LD_LIBRARY_PATH

$MAKE uninstall >"$TMP/uninstall.log" 2>&1 || fail "make uninstall"
left=$(find "$DEST" ! -type d)
if [ -z "$left" ]; then
	note "make uninstall leaves no file behind"
else
	fail "make uninstall left: $left"
fi

if [ "$NFAIL" -ne 0 ]; then
	echo "$NFAIL check(s) failed"
	exit 1
fi
echo "all checks passed"
