#!/bin/sh
# lfs under the fuzzer (tests/t_fuzz.sh, seeds from the script that
# tests/fuzz/targets names: ukfs-newfs images of two geometries, a
# ukfs-makefs image and one that needs roll-forward), FUZZ_TIME seconds
# (default 15).
TOP=${TOP:-$(pwd)}
FUZZ_FSTYPE=lfs exec sh "$TOP/tests/t_fuzz.sh"
