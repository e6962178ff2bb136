#!/bin/sh
# test_rebuild_phases.sh - tests/bench/rebuild-phases.sh prints the profile it promises
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_rebuild_phases.sh SOURCE_DIR BUILD_DIR
# Runs the bench's quick version (a rebuild of the sample archive with
# BUILD_DIR's indexer) and checks its section: every phase has a number
# of CPU seconds, the phases the writers time are not all zero, the
# shares of the phases add up to about the total, and the size table
# names the tables of a Xapian index with a total that matches them.
# Skipped (77) without jq or GNU time, which the bench needs.
set -eu
src=$(realpath "$1")
build=$(realpath "$2")
if ! command -v jq >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "skipped: needs jq and GNU time"
    exit 77
fi
tmp=$(mktemp -d /tmp/ms-phases.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
fail() { echo "test_rebuild_phases: FAIL: $*" >&2; cat "$tmp/out.md" >&2; echo "phases: $passed passed, 1 failed"; exit 1; }
ok() { passed=$((passed + 1)); }

"$src/tests/bench/rebuild-phases.sh" --quick "$build" "$tmp/out.md" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "the bench failed"; }
grep -q '^## 7\. Rebuild phase by phase' "$tmp/out.md" || fail "no section heading"
ok
for phase in terms inversion spelling commit merge other total; do
    grep -Eq "^\| $phase \| [^|]+ \| [0-9]+\.[0-9]{2} \| [0-9]+% \|$" "$tmp/out.md" ||
        fail "no CPU seconds for $phase"
done
ok
# The writers' phases took some CPU (a profile of zeros is no profile);
# the shares of the phases and the rest make the total.
awk -F' [|] ' 'NF == 4 && $1 ~ /^[|] (terms|inversion|spelling|commit)$/ && $3 > 0 { n++ }
    END { exit n == 4 ? 0 : 1 }' "$tmp/out.md" || fail "a writer's phase is zero"
ok
awk -F' [|] ' 'NF == 4 && $1 ~ /^[|] (terms|inversion|spelling|commit|merge|other)$/ { sum += $4 }
    END { exit sum >= 95 && sum <= 105 ? 0 : 1 }' "$tmp/out.md" ||
    fail "the shares do not add up to the total"
ok
for table in postlist position termlist docdata spelling; do
    grep -Eq "^\| $table \| [1-9][0-9]* \| [0-9]+% \|$" "$tmp/out.md" || fail "no size for $table"
done
awk -F' [|] ' '$1 ~ /^[|] (postlist|position|termlist|docdata|spelling|synonym)$/ { sum += $2 }
    $1 == "| all" { all = $2 } END { exit all > 0 && sum == all ? 0 : 1 }' "$tmp/out.md" ||
    fail "the tables do not add up to the index"
ok
echo "phases: $passed passed, 0 failed"
