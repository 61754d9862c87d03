#!/bin/sh
# The kernel core through the public interface (tests/kern_test.c): boot,
# identity system calls, processes and lwps, concurrent entries; once
# with the default number of virtual CPUs and once with the minimum.
set -e
B=${B:-build}
TOP=${TOP:-$(pwd)}
"$TOP/$B/tests/kern_test"
RUMP_NCPU=2 "$TOP/$B/tests/kern_test"
