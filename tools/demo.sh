#!/bin/sh
# make demo: build a small ext2 image from testimages/sample with the
# standard mkfs, then list it, show a file and copy the tree out with ukfs.
set -e
B=${1:-build}
BIN=$B/bin
D=$B/demo
rm -rf "$D"
mkdir -p "$D"
cp -a testimages/sample "$D/sample"
ln -s docs/hello.txt "$D/sample/hello-link"
mke2fs -q -F -t ext2 -b 1024 -d "$D/sample" "$D/sample.ext2" 4M
echo "\$ ukfs-ls -l -R $D/sample.ext2"
"$BIN/ukfs-ls" -l -R "$D/sample.ext2"
echo
echo "\$ ukfs-cat $D/sample.ext2 /docs/hello.txt"
"$BIN/ukfs-cat" "$D/sample.ext2" /docs/hello.txt
echo
echo "\$ ukfs-cp -Rp $D/sample.ext2:/ $D/out"
"$BIN/ukfs-cp" -Rp "$D/sample.ext2:/" "$D/out"
diff -r --exclude=lost+found "$D/sample" "$D/out" && echo "the copy matches the source tree"
