#!/bin/sh
# index-throughput.sh - indexing rate of migsearch-index on the shared corpora
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/index-throughput.sh [BUILD_DIR]   (default build/release)
# Indexes ../shared/data/corpus (read in place) and the NPL collection
# (converted to JSON lines in a temporary folder, never into the repo) with
# a full build, then an update with nothing changed, and prints documents/s
# and MB/s from the indexer's own --json report. The update pass is the
# baseline for the same run: it walks and fingerprints every file and
# parses none.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/release}
data=${MS_SHARED_DATA:-$top/../shared/data}
indexer=$build/indexer/migsearch-index
[ -x "$indexer" ] || { echo "build first: make build" >&2; exit 2; }
[ -d "$data/corpus" ] || { echo "no shared data at $data" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# NPL doc-text: an id line, text lines, then "   /". One JSON object a line.
mkdir -p "$work/npl"
awk 'function flush() { if (id != "") { gsub(/\\/, "\\\\", text); gsub(/"/, "\\\"", text);
        printf "{\"id\":\"npl-%s\",\"language\":\"en\",\"text\":\"%s\"}\n", id, text } }
     /^ *\/ *$/ { flush(); id = ""; text = ""; next }
     id == "" && /^[0-9]+ *$/ { id = $1; next }
     { sub(/^ +/, ""); text = text (text == "" ? "" : " ") $0 }
     END { flush() }' "$data/ir/npl/doc-text" >"$work/npl/npl.jsonl"

field() { sed -n "s/^  \"$2\": \([0-9.]*\),*$/\1/p" "$1"; }
files() { sed -n "/\"files\"/,/}/s/^    \"$2\": \([0-9]*\),*$/\1/p" "$1"; }

run() { # name archive
    name=$1 archive=$2
    printf 'index:\n  path: %s/%s-index\n  spelling: true\narchive:\n  path: %s\n  batch_size: 1000\n' \
        "$work" "$name" "$archive" >"$work/$name.yaml"
    "$indexer" --config "$work/$name.yaml" --rebuild --json >"$work/$name-full.json" || true
    "$indexer" --config "$work/$name.yaml" --json >"$work/$name-update.json" || true
    full=$work/$name-full.json update=$work/$name-update.json
    mb=$(awk -v b="$(field "$full" bytes_read)" 'BEGIN { printf "%.1f", b / 1048576 }')
    printf '%-8s %6s files %7s docs %6s MB | full build %6.2f s %8.0f docs/s %6.2f MB/s | unchanged update %5.2f s (%s files skipped) | ratio %.0fx\n' \
        "$name" "$(files "$full" total)" "$(sed -n '/"documents"/,/}/s/^    "written": \([0-9]*\),*$/\1/p' "$full")" "$mb" \
        "$(field "$full" elapsed)" "$(field "$full" documents_per_second)" "$(field "$full" mb_per_second)" \
        "$(field "$update" elapsed)" "$(files "$update" unchanged)" \
        "$(awk -v a="$(field "$full" elapsed)" -v b="$(field "$update" elapsed)" 'BEGIN { print (b > 0 ? a / b : 0) }')"
}

echo "migsearch-index throughput ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $build)"
run corpus "$data/corpus"
run npl "$work/npl"
