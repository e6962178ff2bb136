#!/bin/sh
# test_run_summary.sh - tests/run.sh quotes what failed, not what passed
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_run_summary.sh SOURCE_DIR
# Runs tests/run.sh on a scratch ctest folder with a passing and a failing
# Criterion-like program: the summary must quote the failing assertion and
# its message, and none of the passing program's lines ("Crashing: 0").
set -eu
src=$(realpath "$1")
tmp=$(mktemp -d /tmp/ms-runsum.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_run_summary: FAIL: $*" >&2; cat "$tmp/out" >&2; exit 1; }
cat >"$tmp/CTestTestfile.cmake" <<'CTEST'
add_test(good "sh" "-c" "echo '[====] Synthesis: Tested: 2 | Passing: 2 | Failing: 0 | Crashing: 0 '")
set_tests_properties(good PROPERTIES LABELS unit)
add_test(bad "sh" "-c" "echo '[----] t.c:12: Assertion Failed'; echo '[----]   '; echo '[----]   the answer was 41, want 42'; echo '[FAIL] s::t: (0.01s)'; echo '[====] Synthesis: Tested: 2 | Passing: 1 | Failing: 1 | Crashing: 0 '; exit 1")
set_tests_properties(bad PROPERTIES LABELS unit)
CTEST
status=0
sh "$src/tests/run.sh" "$tmp" >"$tmp/out" 2>&1 || status=$?
[ "$status" != 0 ] || fail "run.sh exited 0 with a failing test"
grep -q "^unit: 3 passed, 1 failed$" "$tmp/out" || fail "wrong counts"
grep -q "^== bad (Failed)$" "$tmp/out" || fail "the failing program is not named"
grep -q "the answer was 41, want 42" "$tmp/out" || fail "the assertion's message is not quoted"
grep -q "Passing: 2 | Failing: 0" "$tmp/out" && fail "a passing program's line is quoted"
grep -q "Test command" "$tmp/out" && fail "ctest's command line is quoted"
echo "summary: 1 passed, 0 failed"
