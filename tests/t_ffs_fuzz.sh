#!/bin/sh
# ffs under the fuzzer (tests/t_fuzz.sh, seeds from the script that
# tests/fuzz/targets names: UFS1/UFS2 images of both byte orders by
# NetBSD makefs and ukfs-newfs), FUZZ_TIME seconds (default 15).
TOP=${TOP:-$(pwd)}
FUZZ_FSTYPE=ffs exec sh "$TOP/tests/t_fuzz.sh"
