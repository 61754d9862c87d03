#!/bin/sh
# Fuzz a file system with damaged images (tests/fuzz/): build the
# libFuzzer targets (make fuzz-build), replay the saved crash inputs in
# tests/fuzz/regress/*/ (the directory names the file-system type), check
# that every seed image mounts and reads cleanly, then fuzz for FUZZ_TIME
# seconds (default 60).  A crash, kernel bug, leak, timeout or running out
# of memory fails the test; the input is left in $B/fuzz/artifacts for
# fs_fuzz_replay.
#
#   FUZZ_FSTYPE  file-system type (default ext2fs), one of
#                tests/fuzz/targets
#   FUZZ_TIME    seconds of fuzzing (default 15)
#   FUZZ_ARGS    more libFuzzer options (e.g. -jobs=4 -workers=4)
#
# The corpus grows across runs in $B/fuzz/corpus/FSTYPE; the seeds are
# in $B/fuzz/seeds/FSTYPE, made by the script tests/fuzz/targets names.
# make fuzz FS=ffs SECONDS=600 runs this for one long run.
set -eu
B=${B:-build}
TOP=${TOP:-$(pwd)}
FS=${FUZZ_FSTYPE:-ext2fs}
TIME=${FUZZ_TIME:-15}
F=$TOP/$B/fuzz
cd "$TOP"

# clang with libFuzzer and the sanitizers: install when missing.
have_libfuzzer() {
	tmp=$(mktemp -d)
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	    '{ return 0; }' >"$tmp/t.c"
	${FUZZ_CC:-clang} -fsanitize=fuzzer,address,undefined -o "$tmp/t" \
	    "$tmp/t.c" >/dev/null 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}
if ! have_libfuzzer; then
	echo "clang/libFuzzer missing: running tools/deps.sh"
	sh tools/deps.sh
	have_libfuzzer || {
		echo "FAIL: clang -fsanitize=fuzzer does not work" >&2
		exit 1
	}
fi

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
make -s -j"$jobs" B="$B" fuzz-build

# Saved crash inputs first, of every file system: each was a bug once.
# A failure here fails the test, but the fuzzing below still runs.
failed=""
for dir in tests/fuzz/regress/*/; do
	[ -d "$dir" ] && [ -n "$(ls "$dir")" ] || continue
	echo "== replaying $dir"
	FUZZ_FSTYPE=$(basename "$dir") "$F/fs_fuzz_replay" "$dir" \
	    >"$F/replay.out" 2>&1 || true
	if ! grep -a -q '^[a-z0-9]*: 0 failed$' "$F/replay.out"; then
		grep -a -v '^ukfs: ' "$F/replay.out" | head -40
		echo "FAIL: a saved input of $(basename "$dir") fails again"
		failed="$failed $dir"
	fi
done

# The seeds: made by the script the table names, again when it changes.
seeds=$F/seeds/$FS
mk=$(awk -v fs="$FS" '$1 == fs { print $2 }' tests/fuzz/targets)
[ -n "$mk" ] || {
	echo "FAIL: no $FS in tests/fuzz/targets" >&2
	exit 1
}
if [ ! -d "$seeds" ] || [ "tests/fuzz/$mk" -nt "$seeds" ] ||
    [ "$B/bin/ukfs" -nt "$seeds" ]; then
	rm -rf "$seeds.tmp"
	UKFS_BIN=$TOP/$B/bin sh "tests/fuzz/$mk" "$seeds.tmp" >/dev/null || {
		echo "FAIL: making the seed images (tests/fuzz/$mk)" >&2
		exit 1
	}
	rm -rf "$seeds"
	mv "$seeds.tmp" "$seeds"
fi
echo "== seeds must mount and read cleanly"
FUZZ_FSTYPE=$FS "$F/fs_fuzz_replay" -m "$seeds"

corpus=$F/corpus/$FS
log=$F/fuzz-$FS.log
mkdir -p "$corpus" "$F/artifacts"
# Each run adds a few hundred images: keep only those that add coverage.
if [ "$(ls "$corpus" | wc -l)" -gt 1000 ]; then
	echo "== merging the corpus"
	rm -rf "$corpus.new"
	mkdir "$corpus.new"
	FUZZ_FSTYPE=$FS "$F/fs_fuzz" -merge=1 -timeout=10 -rss_limit_mb=2048 \
	    "$corpus.new" "$corpus" >"$F/merge-$FS.log" 2>&1
	rm -rf "$corpus"
	mv "$corpus.new" "$corpus"
fi
echo "== fuzzing $FS for ${TIME}s (log in $log)"
rc=0
# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
"$F/fs_fuzz_$FS" -max_total_time="$TIME" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$F/artifacts/$FS-" ${FUZZ_ARGS:-} \
    "$corpus" "$seeds" >"$log" 2>&1 || rc=$?

grep -a -E '^(#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' \
    "$log" || true
if [ "$rc" -ne 0 ]; then
	echo "FAIL: fs_fuzz exited with $rc"
	# From the first report of trouble on, without the kernel's chatter.
	start=$(grep -a -n -m1 -E '==[0-9]+==ERROR|fs_fuzz: BUG|^panic:|deadly signal|ALARM|out-of-memory|runtime error' \
	    "$log" | cut -d: -f1)
	sed -n "${start:-1},\$p" "$log" | grep -a -v '^ukfs: ' | head -60
	tail -5 "$log"
	echo "replay: FUZZ_FSTYPE=$FS $F/fs_fuzz_replay $F/artifacts/$FS-*"
	exit 1
fi
echo "$(ls "$corpus" | wc -l) inputs in $corpus"
if [ -n "$failed" ]; then
	echo "FAIL: saved inputs that fail again:$failed"
	exit 1
fi
