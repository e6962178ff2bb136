#!/usr/bin/env bash
# index-compare.sh - indexing speed of migsearch-index beside omindex, in one run
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/index-compare.sh [--quick] [BUILD_DIR] [OUTPUT_MD]
#   --quick    the sample archive only, one repeat
#              otherwise the sample archive and the large tree, repeated
#   BUILD_DIR  holds indexer/migsearch-index (default build/release)
#   OUTPUT_MD  where the Markdown section "## 2. Indexing" goes
#              (default: standard output); progress goes to standard error
# MS_BENCH_REPEAT sets the repeats (default 3; 1 with --quick).
# MS_BENCH_BEFORE=OTHER_BUILD_DIR adds a row "migsearch, before": the
# indexer of another build (say, of the last commit) with the same
# settings, for before/after figures from one invocation.
#
# Part 2 of issue 7 ("Indexing"). Every build is a full build from
# scratch into an empty folder, timed by GNU time (wall seconds, peak RSS),
# the engines taking turns within each repeat (the order rotates from one
# repeat to the next), so that the machine's load falls on all of them
# alike. The table gives the median of the repeats; the ratio that matters
# is migsearch's documents/s over omindex's from the same invocation.
#
# Corpora, the same files for every engine. "sample": tests/data/archive,
# read in place. "large": every .md and .txt file of ../shared/data/corpus
# (symbolic links, read in place) plus the NPL collection
# (../shared/data/ir/npl/doc-text) written one document a .txt file, the
# tree compare-search.sh builds.
#
# Engines:
#   migsearch          migsearch-index --rebuild with the shipped defaults
#                      apart from the paths (spelling dictionary on,
#                      batch_size 500, index.jobs 0: one worker per CPU, the
#                      shards merged at the end) on a path with no index
#   migsearch, jobs 1  the same with index.jobs: 1, one writer: the figure
#                      before parallel rebuilds
#   migsearch -spell   the same as "migsearch" with index.spelling: false, to
#                      show what the spelling dictionary costs
#   omindex            omindex --follow --url / -M md:text/plain
#                      -M txt:text/plain -M yaml:ignore -M yml:ignore
#                      -M jsonl:ignore (Omega's defaults otherwise)
# "MB" is the size of the files in the tree (what both read), "index" the
# size of the finished index on disk.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
bench_args "$@"
if [ "$quick" = 1 ]; then
    repeat=${MS_BENCH_REPEAT:-1}
    corpora=(sample)
else
    repeat=${MS_BENCH_REPEAT:-3}
    corpora=(sample large)
fi
before=${MS_BENCH_BEFORE:-}
engines=(migsearch migsearch-jobs1 migsearch-nospell omindex)
if [ -n "$before" ]; then
    [ -x "$before/indexer/migsearch-index" ] ||
        { echo "no indexer in MS_BENCH_BEFORE=$before" >&2; exit 2; }
    engines+=(migsearch-before)
fi

[ -x "$indexer" ] || { echo "build first: make build ($indexer)" >&2; exit 2; }
need_tools omindex xapian-delve
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
if [ "$quick" = 0 ]; then
    if [ ! -d "$shared_corpus" ] || [ ! -f "$npl/doc-text" ]; then
        echo "needs $shared_corpus and $npl" >&2
        exit 2
    fi
fi
case "$repeat" in
'' | *[!0-9]* | 0) echo "MS_BENCH_REPEAT must be a positive number" >&2; exit 2 ;;
esac

work=$(mktemp -d)
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; cleanup; exit $rc' EXIT

# Bytes of the regular files under a folder, links followed.
tree_bytes() {
    find -L "$1" -type f -printf '%s\n' | awk '{ n += $1 } END { printf "%d\n", n }'
}

doc_count() {
    xapian-delve "$1" 2>/dev/null | awk '/number of documents/ { print $NF }'
}

# One full build: engine, corpus, repeat. Appends
# "engine seconds rss_kb docs index_kb" to $work/<corpus>/runs.
build_once() {
    local engine=$1 name=$2 rep=$3 dir=$work/$2 status=0
    local run=$dir/$engine-$rep db
    mkdir -p "$run"
    case $engine in
    migsearch | migsearch-jobs1 | migsearch-nospell | migsearch-before)
        local spelling=true program=$indexer jobs=0
        [ "$engine" != migsearch-nospell ] || spelling=false
        [ "$engine" != migsearch-jobs1 ] || jobs=1
        [ "$engine" != migsearch-before ] || program=$before/indexer/migsearch-index
        printf 'index:\n  path: %s/index\n  spelling: %s\narchive:\n  path: %s/archive\n' \
            "$run" "$spelling" "$dir" >"$run/migsearch.yaml"
        # index.jobs is unknown to an older build (MS_BENCH_BEFORE).
        [ "$engine" = migsearch-before ] ||
            printf 'index:\n  path: %s/index\n  spelling: %s\n  jobs: %s\narchive:\n  path: %s/archive\n' \
                "$run" "$spelling" "$jobs" "$dir" >"$run/migsearch.yaml"
        /usr/bin/time -f '%e %M' -o "$run/time" "$program" --quiet --rebuild \
            --config "$run/migsearch.yaml" >"$run/log" 2>&1 || status=$?
        # 3: some files failed (reported, not fatal for a benchmark).
        [ "$status" = 0 ] || [ "$status" = 3 ] ||
            { tail -5 "$run/log" >&2; echo "migsearch-index: exit $status" >&2; exit 1; }
        db=$(readlink -f "$run/index")
        ;;
    omindex)
        /usr/bin/time -f '%e %M' -o "$run/time" omindex --follow --db "$run/omega" \
            --url / -M md:text/plain -M txt:text/plain -M yaml:ignore -M yml:ignore \
            -M jsonl:ignore "$dir/archive" >"$run/log" 2>&1 ||
            { tail -5 "$run/log" >&2; echo "omindex failed" >&2; exit 1; }
        db=$run/omega
        ;;
    esac
    local secs rss docs size
    read -r secs rss < <(tail -1 "$run/time")
    docs=$(doc_count "$db")
    size=$(du -sk "$db" | cut -f1)
    echo "$engine $secs $rss $docs $size" >>"$dir/runs"
    printf '  %-18s repeat %d: %6s s, %6s docs, peak RSS %s KB\n' "$engine" "$rep" \
        "$secs" "$docs" "$rss" >&2
    rm -rf "$run"
}

# Median of the numbers on standard input.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The table rows of one corpus.
report_corpus() {
    local name=$1 dir=$work/$1 bytes mb engine secs rss docs size om_rate=0 rate
    bytes=$(cat "$dir/bytes")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')
    secs=$(awk '$1 == "omindex" { print $2 }' "$dir/runs" | median)
    docs=$(awk '$1 == "omindex" { print $4 }' "$dir/runs" | median)
    om_rate=$(awk -v d="$docs" -v s="$secs" 'BEGIN { print (s > 0 ? d / s : 0) }')
    for engine in "${engines[@]}"; do
        secs=$(awk -v e="$engine" '$1 == e { print $2 }' "$dir/runs" | median)
        rss=$(awk -v e="$engine" '$1 == e { print $3 }' "$dir/runs" | median)
        docs=$(awk -v e="$engine" '$1 == e { print $4 }' "$dir/runs" | median)
        size=$(awk -v e="$engine" '$1 == e { print $5 }' "$dir/runs" | median)
        rate=$(awk -v d="$docs" -v s="$secs" 'BEGIN { print (s > 0 ? d / s : 0) }')
        awk -v c="$name" -v e="$engine" -v d="$docs" -v mb="$mb" -v s="$secs" \
            -v r="$rate" -v rss="$rss" -v size="$size" -v om="$om_rate" 'BEGIN {
                label = e == "migsearch-nospell" ? "migsearch, spelling off" : e
                if (e == "migsearch-jobs1") label = "migsearch, jobs 1"
                if (e == "migsearch-before") label = "migsearch, before"
                printf "| %s | %s | %d | %.2f | %.2f | %.0f | %.2f | %.1f | %.1f | %s |\n",
                    c, label, d, mb, s, r, (s > 0 ? mb / s : 0), size / 1024, rss / 1024,
                    (e == "omindex" ? "1.00" : sprintf("%.2f", om > 0 ? r / om : 0)) }'
    done
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
for name in "${corpora[@]}"; do
    prepare "$name"
    tree_bytes "$work/$name/archive" >"$work/$name/bytes"
    : >"$work/$name/runs"
    echo "== $name: $(find -L "$work/$name/archive" -type f | wc -l) files," \
        "$repeat repeat(s)" >&2
    for ((rep = 1; rep <= repeat; rep++)); do
        # Rotate the order so that no engine always runs first.
        n=${#engines[@]}
        for ((i = 0; i < n; i++)); do
            build_once "${engines[$(((i + rep - 1) % n))]}" "$name" "$rep"
        done
    done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

section() {
    echo "## 2. Indexing"
    echo
    echo "Full builds from scratch of the same files, migsearch-index beside omindex"
    echo "(tests/bench/index-compare.sh$([ "$quick" = 1 ] && echo " --quick")): $started,"
    echo "$(nproc) cores, load average $load_start at the start and $load_end at the"
    echo "end, Xapian $(xapian-config --version 2>/dev/null | awk '{print $NF}'), the"
    echo "median of $repeat repeat(s), the engines taking turns. Seconds are wall time"
    echo "of the whole program, RSS its peak. \"MB\" is the size of the files read,"
    echo "\"index\" the finished index on disk; the last column is documents/s over"
    echo "omindex's in the same run."
    echo
    echo "| corpus | engine | documents | MB | seconds | docs/s | MB/s | index MB | peak RSS MB | docs/s vs omindex |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for name in "${corpora[@]}"; do
        report_corpus "$name"
    done
    echo
    echo "migsearch runs --rebuild with the shipped defaults apart from the paths"
    echo "(spelling dictionary on, batch_size 500: a commit every 500 documents;"
    echo "index.jobs 0: one worker process per CPU, $(nproc) here, merged at the end)"
    echo "on an empty index path; \"jobs 1\" is the same with one writer (index.jobs: 1),"
    echo "the way every rebuild ran before; \"spelling off\" is the default with"
    echo "index.spelling: false. omindex runs with --follow and -M md:text/plain -M txt:text/plain"
    echo "-M yaml:ignore -M yml:ignore -M jsonl:ignore, its defaults otherwise."
    [ -z "$before" ] || echo "\"before\": the indexer of $before, same settings."
    echo "Corpora: \"sample\" is tests/data/archive; \"large\" is every .md and .txt"
    echo "file of ../shared/data/corpus plus the NPL collection one document a file."
}

if [ -n "$output" ]; then
    section >"$output"
    echo "wrote $output" >&2
else
    section
fi
