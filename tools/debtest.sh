#!/bin/sh
# Install the packages `make deb` built into this machine (root), run the
# demo and the remote tools from the installed paths, then purge them.
#   sh tools/debtest.sh [DEBDIR]      (default build/deb)
# Not part of make check: it needs root and changes the system's /usr.
set -eu
D=${1:-build/deb}
ls "$D"/libukfs1_*.deb "$D"/ukfs-tools_*.deb "$D"/libukfs-dev_*.deb >/dev/null
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "$PWD/$D"/libukfs1_*.deb "$PWD/$D"/ukfs-tools_*.deb \
    "$PWD/$D"/libukfs-dev_*.deb >/dev/null
T=$(mktemp -d)
trap 'rm -rf "$T"; apt-get purge -y -q libukfs1 libukfs-dev ukfs-tools >/dev/null 2>&1 || :' EXIT
fail() { echo "FAIL: $*"; exit 1; }

[ "$(command -v ukfs-ls)" = /usr/bin/ukfs-ls ] || fail "ukfs-ls not in /usr/bin"
ukfs-ls --version | grep -q "^ukfs-ls (ukfs) " || fail "--version"
man -w ukfs-cp >/dev/null 2>&1 || [ -f /usr/share/man/man1/ukfs-cp.1.gz ] ||
    fail "no ukfs-cp(1)"
cp -a testimages/sample "$T/sample"
mke2fs -q -F -t ext2 -b 1024 -d "$T/sample" "$T/s.img" 4M
ukfs-ls -l -R "$T/s.img" >/dev/null || fail "ukfs-ls"
ukfs-cat "$T/s.img" /docs/hello.txt | grep -q . || fail "ukfs-cat"
ukfs-cp -Rp "$T/s.img:/" "$T/out" || fail "ukfs-cp"
diff -r --exclude=lost+found "$T/sample" "$T/out" || fail "the copy differs"
# the hijack library is found beside libukfs in the multiarch directory
ukfs-run "$T/s.img" -- ls /img/docs | grep -q hello.txt || fail "ukfs-run"
# a program builds against the -dev package with pkg-config
cat >"$T/p.c" <<'C'
#include <stdio.h>
#include <ukfs.h>
int main(void) { return ukfs_init() == 0 ? 0 : 1; }
C
cc -o "$T/p" "$T/p.c" $(pkg-config --cflags --libs ukfs) || fail "build"
"$T/p" || fail "ukfs_init"
echo "debtest: installed packages work"
