#!/bin/sh
# run.sh - run the fuzz targets one after the other and print one table
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# BUILD_DIR holds a build with MS_FUZZ=ON (make fuzz makes build/fuzz).
# Each target (all of them when none is named) runs alone under libFuzzer
# for SECONDS, niced, starting from its seeds (tests/fuzz/corpus/NAME) and
# what earlier runs found (BUILD_DIR/fuzz-corpus/NAME, where new inputs
# go). An input that crashes, hangs (-timeout, 10 s), leaks or trips a
# sanitizer is saved as tests/fuzz/crashes/NAME/crash-<sha1> (or leak-,
# timeout-, oom-), where `make test` replays it: fix the bug, keep the
# file. Prints per target: executions, coverage (libFuzzer's "cov", edges
# reached) and features ("ft"), the inputs of the corpus, and the new
# crash files. Exits 1 if any target found one. Logs: BUILD_DIR/fuzz-logs/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
seconds=$2
shift 2
targets=$*
if [ -z "$targets" ]; then
    targets=$(sed -n 's/^ *"\([a-z_]*\):.*/\1/p' "$here/CMakeLists.txt")
fi
mkdir -p "$build/fuzz-logs"
found=0
rows=
for t in $targets; do
    bin=$build/tests/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "run.sh: no $bin (build with MS_FUZZ=ON)" >&2; exit 2; }
    mkdir -p "$build/fuzz-corpus/$t" "$here/crashes/$t"
    before=$(ls "$here/crashes/$t" | wc -l)
    # The row "name:dictionary:libraries" of CMakeLists.txt names its dictionary.
    d=$(sed -n "s/^ *\"$t:\([a-z_-]*\):.*/\1/p" "$here/CMakeLists.txt")
    dict=
    [ -f "$here/dict/$d.dict" ] && dict="-dict=$here/dict/$d.dict"
    log=$build/fuzz-logs/$t.log
    seeds=
    [ -d "$here/corpus/$t" ] && seeds=$here/corpus/$t
    # -fork=1: one fuzzing process that outlives a crash, so a run goes on
    # for its whole time and every crash it finds is saved.
    # lsan.supp: leaks inside libraries, each with its input (see the file).
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        LSAN_OPTIONS=suppressions=$here/lsan.supp \
        nice "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$here/crashes/$t/" -print_final_stats=1 $dict \
        "$build/fuzz-corpus/$t" $seeds >"$log" 2>&1
    after=$(ls "$here/crashes/$t" | wc -l)
    crashes=$((after - before))
    [ "$crashes" -gt 0 ] && found=1
    # fork mode's status lines: "#N: cov: C ft: F corp: K exec/s: E oom/timeout/crash: ..."
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    rows="$rows$(printf '%-12s %12s %8s %8s %8s %8s' "$t" "${execs:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}" "$crashes")
"
done
printf '%-12s %12s %8s %8s %8s %8s\n' target execs cov ft corpus crashes
printf '%s' "$rows"
exit $found
