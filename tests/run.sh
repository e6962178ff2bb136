#!/bin/sh
# run.sh - run every test with ctest and print what ran, by kind
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/run.sh BUILD_DIR [ctest args...]
# ctest counts test programs; Criterion counts the tests inside each. This
# prints both, so a run shows how many unit, integration and browser tests
# passed. A program that is not Criterion (tests/browser/run.js) prints its
# own "N passed, N failed" line, optionally after one word and a colon.
set -u
build=$(cd "$1" && pwd)
shift
log=$build/ctest.log
(cd "$build" && ctest --output-on-failure --label-summary -V "$@") >"$log" 2>&1
rc=$?
for label in unit integration browser; do
    # "Test #3: test_index" -> 3; ctest -V prefixes each output line with "3: ".
    # -FA: without the fixtures a label's tests need (browser_packages), which
    # count no tests of their own.
    numbers=$(cd "$build" && ctest -N -L "^$label\$" -FA '.*' | sed -n 's/^ *Test *#\([0-9]*\):.*/\1/p')
    passed=0 failed=0
    for n in $numbers; do
        # Not run at all (filtered out with -R or -L): not counted.
        grep -qE "Test +#$n: " "$log" || continue
        line=$(grep -E "^$n: \[====\] Synthesis" "$log" | tail -1)
        tested=$(echo "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
        passing=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
        if [ -z "$line" ]; then
            line=$(grep -E "^$n: ([a-z]+: )?[0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
            passing=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed,.*/\1/p')
            failing=$(echo "$line" | sed -n 's/.* passed, \([0-9]*\) failed.*/\1/p')
            [ -n "$passing" ] && tested=$((passing + failing))
        fi
        if [ -z "$tested" ]; then
            failed=$((failed + 1)) # the program died before its synthesis
            continue
        fi
        passed=$((passed + passing))
        failed=$((failed + tested - passing))
    done
    printf '%s: %d passed, %d failed\n' "$label" "$passed" "$failed"
done
sed -n '/tests passed/,$p' "$log"
if [ $rc -ne 0 ]; then
    # Each failed test program (ctest's list "  45 - test_keep (Failed)"),
    # with the lines of its own output that say what failed: an assertion
    # and the message under it, a sanitizer's report, a FAIL line, a
    # timeout. Summary lines of what passed ("Failing: 0") are not quoted.
    echo "---- failing tests (full log: $log)"
    sed -n '/The following tests FAILED:/,$p' "$log" |
        sed -n 's/^[[:space:]]*\([0-9][0-9]*\) - \(.*\)$/\1 \2/p' |
        while read -r n what; do
            echo "== $what"
            grep -E "^$n: " "$log" | sed "s/^$n: //" |
                grep -v -E "Synthesis: .*Failing: 0 \| Crashing: 0|^(Test command|Working Directory|Test timeout computed|Environment variables)" |
                grep -E -A3 "FAIL|Assertion|Sanitizer|runtime error|Timeout|ERROR|not ok|SIGSEGV|SIGABRT|Aborted|Crash" |
                grep -v -E "^\[----\] *$|^--$" | head -40
        done
fi
exit $rc
