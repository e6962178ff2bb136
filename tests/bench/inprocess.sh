#!/usr/bin/env bash
# inprocess.sh - the in-process cost of a search: this tree against a baseline commit
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/inprocess.sh [--quick] [--instructions] BASE [BUILD_DIR]
#   BASE       the commit to compare with (say, the one before a change)
#   BUILD_DIR  a release build of this tree (default build/release: make build)
#   --instructions  count instructions with valgrind's callgrind instead of
#              timing: the same count on every run, whatever else the
#              machine does (slower: minutes)
#
# Builds the ms_index library of BASE in a temporary worktree, compiles
# tests/bench/search_loop.c against it and against this tree's, indexes three
# archives (the sample archive; 10,000 synthetic documents from
# ../shared/data/corpus by synth.c with its 100 queries; and "zipf": every
# .md and .txt file of ../shared/data/corpus, as peers.sh indexes it, asked
# a stream of 2000 queries from zipf-queries.sh, 500 distinct, in stream
# order) once with each tree's own indexer (BASE's is built too: the
# index layout may differ between them, as schema 2 and 3 do), then runs the two loops in turns, ROUNDS times each (5; 3 with
# --quick), with and without facets. Prints the least and the median CPU
# microseconds a search of each over the turns (the least is the one least
# disturbed by the rest of a shared machine) and the ratios this/base:
# below 1 is faster than BASE (with
# --instructions: instructions a search, from the difference between three
# rounds and one, so the start-up and the warm-up cancel out). Each loop
# reads the index its own tree's indexer wrote from the same files.
# Absolute figures move with the machine's load; the ratios come from one
# invocation with the two builds taking turns.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
quick=0 instructions=0
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --instructions) instructions=1 ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || { echo "usage: $0 [--quick] BASE [BUILD_DIR]" >&2; exit 2; }
base=$(git -C "$top" rev-parse --verify "$1^{commit}")
build=${2:-$top/build/release}
turns=5 rounds_sample=200 rounds_synth=5
[ "$quick" = 1 ] && turns=3 rounds_sample=50 rounds_synth=2
corpus=$top/../shared/data/corpus
[ -x "$build/indexer/migsearch-index" ] || { echo "build first: make build" >&2; exit 2; }
[ -d "$corpus" ] || { echo "needs $corpus" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
    git -C "$top" worktree remove --force "$work/base" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# search_loop against the ms_index (and ms_common, where it exists) of a
# source tree SRC built in BUILD, into OUT.
loop_for() { # SRC BUILD OUT
    local libs=("$2/indexer/libms_index.a")
    [ -f "$2/common/libms_common.a" ] && libs+=("$2/common/libms_common.a")
    cc -std=c11 -O2 -I "$1/indexer/shim" -I "$1/common" -o "$3" "$top/tests/bench/search_loop.c" \
        "${libs[@]}" $(pkg-config --libs xapian-core libutf8proc) -lstdc++ -lm
}

echo "== building $base (ms_index, release)" >&2
git -C "$top" worktree add --detach -q "$work/base" "$base"
cmake -S "$work/base" -B "$work/base-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMS_BUILD_TESTS=OFF >/dev/null
cmake --build "$work/base-build" -j"$(nproc)" --target ms_index migsearch-index >/dev/null
[ -f "$work/base-build/common/libms_common.a" ] ||
    cmake --build "$work/base-build" --target ms_common >/dev/null 2>&1 || true
loop_for "$work/base" "$work/base-build" "$work/loop-base"
loop_for "$top" "$build" "$work/loop-this"

echo "== indexing the sample archive, 10,000 synthetic documents and the corpus" >&2
index_of() { # ARCHIVE DIR: DIR/this and DIR/base, by each tree's indexer
    local which bin
    for which in this base; do
        bin=$build/indexer/migsearch-index
        [ "$which" = base ] && bin=$work/base-build/indexer/migsearch-index
        mkdir -p "$2/$which"
        printf 'index:\n  path: %s/index\narchive:\n  path: %s\n' "$2/$which" "$1" \
            >"$2/$which.yaml"
        "$bin" --rebuild --quiet --config "$2/$which.yaml" || [ $? = 3 ]
    done
}
mkdir -p "$work/sample" "$work/synth"
index_of "$top/tests/data/archive" "$work/sample"
cut -f2 "$top/tests/relevance/sample-questions.tsv" >"$work/sample-queries"
cc -std=c11 -O2 -o "$work/synth-gen" "$top/tests/bench/synth.c"
"$work/synth-gen" --seed 1 --queries "$work/synth-queries" --nqueries 100 "$corpus" 10000 \
    "$work/synth-archive" 2>/dev/null
index_of "$work/synth-archive" "$work/synth"
mkdir -p "$work/zipf-archive" "$work/zipf"
(cd "$corpus" && find . -type f \( -name '*.md' -o -name '*.txt' \) \
    -exec cp --parents -t "$work/zipf-archive" {} +)
index_of "$work/zipf-archive" "$work/zipf"
"$top/tests/bench/zipf-queries.sh" --distinct 500 --stream 2000 "$work/zipf-archive" \
    >"$work/zipf-queries"

# One measurement: cpu_us_per_search of LOOP over INDEX.
measure() { # LOOP INDEX QUERIES ROUNDS [facets]
    "$@" | sed -n 's/.*cpu_us_per_search=\([0-9.]*\).*/\1/p'
}
# Instructions of one run of LOOP under callgrind.
collected() { # LOOP INDEX QUERIES ROUNDS [facets]
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
# Instructions a search: (three rounds - one round) / (2 x queries).
count() { # LOOP INDEX QUERIES [facets]
    local one three n
    n=$(wc -l <"$3")
    one=$(collected "$1" "$2" "$3" 1 ${4:-})
    three=$(collected "$1" "$2" "$3" 3 ${4:-})
    awk -v a="$one" -v b="$three" -v n="$n" 'BEGIN {printf "%.0f", (b - a) / (2 * n)}'
}

if [ "$instructions" = 1 ]; then
    command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
    printf '| archive | facets | %s instructions | this tree | this / base |\n' "${base:0:7}"
    printf '|---|---|---:|---:|---:|\n'
    for set in sample synth zipf; do
        for facets in "" facets; do
            ma=$(count "$work/loop-base" "$work/$set/base/index" "$work/$set-queries" $facets)
            mb=$(count "$work/loop-this" "$work/$set/this/index" "$work/$set-queries" $facets)
            printf '| %s | %s | %s | %s | %s |\n' "$set" "${facets:-no}" "$ma" "$mb" \
                "$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.3f", b / a}')"
        done
    done
    exit 0
fi
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
least() { sort -g | head -1; }

printf '| archive | facets | %s µs, least (median) | this tree µs, least (median) | this / base, least (median) |\n' "${base:0:7}"
printf '|---|---|---:|---:|---:|\n'
for set in sample synth zipf; do
    rounds=$rounds_sample
    [ "$set" = synth ] && rounds=$rounds_synth
    # The stream once, after the warm-up round: a server's caches are warm.
    [ "$set" = zipf ] && rounds=1
    for facets in "" facets; do
        a=() b=()
        for ((t = 0; t < turns; t++)); do
            a+=("$(measure "$work/loop-base" "$work/$set/base/index" "$work/$set-queries" \
                "$rounds" $facets)")
            b+=("$(measure "$work/loop-this" "$work/$set/this/index" "$work/$set-queries" \
                "$rounds" $facets)")
        done
        la=$(printf '%s\n' "${a[@]}" | least) lb=$(printf '%s\n' "${b[@]}" | least)
        ma=$(printf '%s\n' "${a[@]}" | median) mb=$(printf '%s\n' "${b[@]}" | median)
        printf '| %s | %s | %s (%s) | %s (%s) | %s (%s) |\n' "$set" "${facets:-no}" \
            "$la" "$ma" "$lb" "$mb" \
            "$(awk -v a="$la" -v b="$lb" 'BEGIN {printf "%.2f", b / a}')" \
            "$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b / a}')"
    done
done
