#!/bin/sh
# Threads and mounts mixed in libukfs (tests/libukfs_bind.c).
. "$(dirname "$0")/tools_lib.sh"

"$TOP/$B/tests/libukfs_bind" "$EXACT" /links/target.txt ||
    fail "libukfs_bind"
finish
