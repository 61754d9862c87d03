#!/bin/sh
# The libukfs API (tests/t_libukfs.c) on the exact reference image.
. "$(dirname "$0")/tools_lib.sh"

"$TOP/$B/tests/t_libukfs" "$EXACT" "$FIX" || fail "t_libukfs"
restore_fixture_times
finish
