#!/usr/bin/env bash
# run.sh - every benchmark of issue 7, one part after the other, into docs/benchmarks.md
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/run.sh [--quick] [BUILD_DIR] [OUTPUT]
#   --quick    the smoke version (`make bench-quick`): each part's --quick
#   BUILD_DIR  a release build with migsearch-index and migsearch-fcgi
#              (default build/release: `make build`)
#   OUTPUT     the report (default docs/benchmarks.md)
#
# The parts, each a script that measures its engines in one invocation and
# writes one Markdown section:
#   1. compare-search.sh  search through nginx: migsearch, Omega, the libfcgi
#                         floor, raw Xapian (also writes the page's header)
#   2. index-compare.sh   indexing: migsearch-index beside omindex
#   3. scale.sh           synthetic archives of 10k, 100k and 1M documents
#   4. peer-fts5.sh       the same queries in SQLite FTS5
#   5. peers.sh           Sphinx and PostgreSQL beside migsearch: speed,
#                         snippets, rebuild, quality (issue 20)
#   6. shards.sh          1M documents as 1, 2 and 4 shards, local and remote
#   7. rebuild-phases.sh  a rebuild's CPU time phase by phase, the index's
#                         size by table (issue 20)
#   8. limit.sh           the limit (the FastCGI floor plus Xapian's own
#                         match) beside migsearch, and migsearch's cost
#                         phase by phase (issue 20)
# A part that fails stops the run and leaves OUTPUT as it was. Sections of
# OUTPUT numbered after the last part, measured by hand, are kept at the
# end of the new OUTPUT.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/bench
quick=()
if [ "${1:-}" = "--quick" ]; then
    quick=(--quick)
    shift
fi
build=${1:-$top/build/release}
output=${2:-$top/docs/benchmarks.md}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

part() { # number script
    echo "== part $1: $2 ${quick[*]}" >&2
    "$here/$2" "${quick[@]}" "$build" "$work/$1.md"
}
part 1 compare-search.sh
part 2 index-compare.sh
part 3 scale.sh
part 4 peer-fts5.sh
part 5 peers.sh
part 6 shards.sh
part 7 rebuild-phases.sh
part 8 limit.sh
last=8
{
    for n in $(seq 1 "$last"); do
        cat "$work/$n.md"
        echo
    done
    if [ -f "$output" ]; then
        awk -v last="$last" '/^## [0-9]+\. / { if ($2 + 0 > last) kept = 1 } kept' "$output"
    fi
} | cat -s >"$work/all.md"
mkdir -p "$(dirname "$output")"
cp "$work/all.md" "$output"
echo "written: $output" >&2
