#!/bin/sh
# msdos under the fuzzer (tests/t_fuzz.sh, seeds from the script that
# tests/fuzz/targets names: FAT12/16/32 images by mkfs.fat, mcopy and
# ukfs-cp), FUZZ_TIME seconds (default 15).
TOP=${TOP:-$(pwd)}
FUZZ_FSTYPE=msdos exec sh "$TOP/tests/t_fuzz.sh"
