#!/usr/bin/env bash
# rebuild-phases.sh - a full rebuild's CPU time phase by phase, and the index's size by table
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/rebuild-phases.sh [--quick] [BUILD_DIR] [OUTPUT_MD]
#   --quick    the sample archive (tests/data/archive), one rebuild
#              otherwise ../shared/data/corpus, three rebuilds
#   BUILD_DIR  holds indexer/migsearch-index (default build/release)
#   OUTPUT_MD  where the Markdown section "## 7. Rebuild phase by phase"
#              goes (default: standard output); progress to standard error
# MS_BENCH_REPEAT sets the rebuilds (default 3; 1 with --quick).
# MS_BENCH_BEFORE=OTHER_BUILD_DIR rebuilds with that build's indexer too,
# the two taking turns, for before/after figures from one invocation
# (an indexer without the profile gives its total only).
#
# Part 7 of make bench (issue 20, "Rebuild ... phase by phase"). Each
# rebuild is `migsearch-index --rebuild --json` with the shipped defaults
# apart from the paths (spelling dictionary on, index.jobs 0: one worker a
# CPU, the workers' shards merged at the end) into an empty folder. The
# CPU seconds come from the indexer's own profile (cpu_seconds in --json,
# docs/staff.md): each writer's puts and commits timed on the process's
# CPU clock, summed over the workers, the merge timed in the parent, and
# "other" the rest of the total CPU of the run and its workers (the walk,
# reading and extracting the files, fingerprints, synonyms); "total" is
# GNU time's (user + system of the indexer and its workers). CPU time,
# not wall time: on a shared machine the wall time moves with the load,
# the CPU time much less. Positions, postings and stored text are
# written by the same Xapian calls (the inverter in "inversion", the
# B-trees in "commit"), so their shares are given by size: each table's
# bytes in the finished index, summed over its partitions.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
bench_args "$@"
if [ "$quick" = 1 ]; then
    repeat=${MS_BENCH_REPEAT:-1}
    archive=$top/tests/data/archive
    corpus_name="the sample archive (tests/data/archive)"
else
    repeat=${MS_BENCH_REPEAT:-3}
    archive=$shared_corpus
    corpus_name="../shared/data/corpus"
fi
before=${MS_BENCH_BEFORE:-}
builds=(tree)
[ -n "$before" ] && builds+=(before)
case "$repeat" in
'' | *[!0-9]* | 0) echo "MS_BENCH_REPEAT must be a positive number" >&2; exit 2 ;;
esac
[ -x "$indexer" ] || { echo "build first: make build ($indexer)" >&2; exit 2; }
[ -z "$before" ] || [ -x "$before/indexer/migsearch-index" ] ||
    { echo "no indexer in MS_BENCH_BEFORE=$before" >&2; exit 2; }
[ -d "$archive" ] || { echo "needs $archive" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
need_tools jq

work=$(mktemp -d)
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; cleanup; exit $rc' EXIT

phases=(terms inversion spelling commit merge other total)

# build repeat: the CPU seconds of that rebuild as GNU time saw them (the
# indexer and every process it waited for), for a build without the
# profile too.
cpu_total() {
    awk '{ printf "%.2f\n", $1 + $2 }' "$work/$1-$2.time"
}

# build repeat: one rebuild into an empty folder; its --json report to
# $work/<build>-<repeat>.json, its table sizes (KiB) to .sizes.
rebuild() {
    local build=$1 n=$2 bin=$indexer
    [ "$build" = before ] && bin=$before/indexer/migsearch-index
    rm -rf "$work/index" "$work"/index.*
    printf 'index:\n  path: %s/index\narchive:\n  path: %s\n' "$work" "$archive" \
        >"$work/config.yaml"
    /usr/bin/time -f '%U %S' -o "$work/$build-$n.time" \
        "$bin" --config "$work/config.yaml" --rebuild --json >"$work/$build-$n.json"
    find -L "$work/index" -name '*.glass' -printf '%f %k\n' |
        awk '{ sub(/\.glass$/, "", $1); kb[$1] += $2 } END { for (t in kb) print t, kb[t] }' \
            >"$work/$build-$n.sizes"
    echo "  $build rebuild $n: $(cpu_total "$build" "$n") CPU-s," \
        "$(jq -r .elapsed "$work/$build-$n.json") s wall" >&2
}

for n in $(seq 1 "$repeat"); do
    # The builds take turns, the first one rotating, so the load falls
    # on both alike.
    if [ $((n % 2)) = 0 ] && [ "${#builds[@]}" = 2 ]; then
        order=("${builds[1]}" "${builds[0]}")
    else
        order=("${builds[@]}")
    fi
    for b in "${order[@]}"; do rebuild "$b" "$n"; done
done

# The median of the numbers on standard input (empty for none).
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# build phase: the median CPU seconds of a phase over the repeats, "-"
# for a build without the profile; "other" is the total less the phases.
phase_median() {
    local n
    for n in $(seq 1 "$repeat"); do
        case $2 in
        total) cpu_total "$1" "$n" ;;
        other) jq -r --arg t "$(cpu_total "$1" "$n")" 'if .cpu_seconds then ($t | tonumber)
                - ([.cpu_seconds | .terms, .inversion, .spelling, .commit, .merge] | add)
                else empty end' "$work/$1-$n.json" ;;
        *) jq -r --arg p "$2" '.cpu_seconds[$p] // empty' "$work/$1-$n.json" ;;
        esac
    done | median | awk '{ printf "%.2f", $1 } END { if (!NR) printf "-" }'
}

{
    echo "## 7. Rebuild phase by phase"
    echo
    echo "A full rebuild (\`migsearch-index --rebuild\`, shipped defaults: spelling"
    echo "dictionary on, one worker a CPU, here $(nproc), the shards merged) of"
    echo "$corpus_name, $(jq -r '.documents.written' "$work/tree-1.json") documents, median of $repeat rebuilds. CPU"
    echo "seconds from the indexer's own profile (\`cpu_seconds\` of \`--json\`, summed"
    echo "over the workers; \`tests/bench/rebuild-phases.sh\`), the total from GNU time;"
    echo "$(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg)."
    if [ -n "$before" ]; then
        echo "*before*: the indexer of \`$before\` (\`MS_BENCH_BEFORE\`), rebuilding in"
        echo "turn with this tree's, medians of as many rebuilds."
    fi
    echo
    echo "| phase | what it is | CPU-s | share |$([ -n "$before" ] && echo " before |")"
    echo "|---|---|---:|---:|$([ -n "$before" ] && echo "---:|")"
    total=$(phase_median tree total)
    for p in "${phases[@]}"; do
        case $p in
        terms) what="TermGenerator: words, stems, CJK n-grams, positions; fields, values, stored record" ;;
        inversion) what="Xapian's add_document: postings and positions into the writer's buffers, term list and record into their B-trees" ;;
        spelling) what="the dictionary: words counted per document (CJK n-grams left out), added at each commit" ;;
        commit) what="the B-trees written at each commit (postings, positions, term lists, records; zlib)" ;;
        merge) what="the workers' shards merged and compacted into one database" ;;
        other) what="walk, reading and extracting the files, fingerprints, synonyms" ;;
        total) what="the run and its workers" ;;
        esac
        v=$(phase_median tree "$p")
        share=$(awk -v v="$v" -v t="$total" 'BEGIN { if (t > 0 && v != "-") printf "%.0f%%", 100 * v / t; else print "-" }')
        row="| $p | $what | $v | $share |"
        [ -n "$before" ] && row="$row $(phase_median before "$p") |"
        echo "$row"
    done
    echo
    echo "The index by table (KiB, summed over its partitions; the first rebuild):"
    echo
    echo "| table | KiB | share |$([ -n "$before" ] && echo " before |")"
    echo "|---|---:|---:|$([ -n "$before" ] && echo "---:|")"
    sum=$(awk '{ s += $2 } END { print s }' "$work/tree-1.sizes")
    sort -k2,2nr "$work/tree-1.sizes" | while read -r table kb; do
        row="| $table | $kb | $(awk -v v="$kb" -v t="$sum" 'BEGIN { printf "%.0f%%", 100 * v / t }') |"
        [ -n "$before" ] && row="$row $(awk -v t="$table" '$1 == t { print $2 }' "$work/before-1.sizes") |"
        echo "$row"
    done
    echo "| all | $sum | 100% |$([ -n "$before" ] && echo " $(awk '{ s += $2 } END { print s }' "$work/before-1.sizes") |")"
} >"$work/section.md"

if [ -n "$output" ]; then
    cp "$work/section.md" "$output"
else
    cat "$work/section.md"
fi
