#!/bin/sh
# cd9660 under the fuzzer (tests/t_fuzz.sh, seeds from the script that
# tests/fuzz/targets names: ISO 9660 images by xorriso, genisoimage,
# makefs and ukfs-makefs), FUZZ_TIME seconds (default 15).
TOP=${TOP:-$(pwd)}
FUZZ_FSTYPE=cd9660 exec sh "$TOP/tests/t_fuzz.sh"
