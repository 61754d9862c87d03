#!/bin/sh
# Install the Debian packages the build, the demo and the tests need, when
# any is missing.  As root this runs apt-get; otherwise it prints the line.
PKGS="build-essential gawk e2fsprogs genext2fs fuse2fs dosfstools mtools \
xorriso genisoimage makefs sleuthkit 7zip fdisk gdisk fuse3 libfuse3-dev \
zlib1g-dev clang libclang-rt-14-dev pkg-config psmisc time hyperfine jq \
mandoc binutils"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null 2>&1 || true
	apt-get install -y -q $missing >/dev/null || {
		echo "deps: apt-get install failed:$missing" >&2
		exit 1
	}
else
	echo "deps: missing packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
