#!/usr/bin/env bash
# zipf-ab.sh - the Zipf stream through nginx: two builds' servers, interleaved
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/zipf-ab.sh BASE_BUILD NEW_BUILD
#   BASE_BUILD, NEW_BUILD  each holds fcgi/migsearch-fcgi (release builds of
#                          the baseline and of the change); NEW_BUILD's
#                          indexer builds the index both serve
# MS_BENCH_SECONDS sets the seconds a measurement (default 10), MS_ZIPF_TURNS
# the turns (default 3). MS_ZIPF_BASE_SEARCH and MS_ZIPF_NEW_SEARCH give a
# server "search:" settings of its own (docs/config.md), "key: value"
# pairs separated by ";" (MS_ZIPF_BASE_SEARCH="cache_mb: 8"), to weigh a
# setting with one build as both BASE_BUILD and NEW_BUILD. Unless they name
# result_cache_mb, neither server keeps answers (start_migsearch, lib.sh).
#
# Issue 20. The corpus (every .md and .txt file of ../shared/data/corpus,
# copied, as peers.sh indexes it) behind one migsearch-fcgi of each build,
# each with its own nginx (config/render-nginx.sh) over the same index; the
# stream of zipf-queries.sh (--distinct 5000 --stream 20000, as peers.sh
# asks it) sent in stream order by wrk (/search?q=...&facets=0), at 1 and
# 16 connections, the two servers taking turns (base, new, base, new...),
# each turn continuing the same server, so that its caches are as warm as
# a running server's. Prints the median requests/s, p50 and p99 of each
# build and the ratios new / base, then the peak resident memory (VmHWM) of
# each server after the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
[ $# = 2 ] || { echo "usage: zipf-ab.sh BASE_BUILD NEW_BUILD" >&2; exit 2; }
base=$1 new=$2
secs=${MS_BENCH_SECONDS:-10}
turns=${MS_ZIPF_TURNS:-3}
need_tools wrk nginx curl
for b in "$base" "$new"; do
    [ -x "$b/fcgi/migsearch-fcgi" ] || { echo "no $b/fcgi/migsearch-fcgi" >&2; exit 2; }
done
corpus=$lib_top/../shared/data/corpus
[ -d "$corpus" ] || { echo "needs $corpus" >&2; exit 2; }

work=$(mktemp -d)
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; cleanup; exit $rc' EXIT
mkdir -p "$work/archive" "$work/base" "$work/new"
(cd "$corpus" && find . -type f \( -name '*.md' -o -name '*.txt' \) \
    -exec cp --parents -t "$work/archive" {} +)
bench_config "$work/new" "$work/archive"
"$new/indexer/migsearch-index" --quiet --rebuild --config "$work/new/migsearch.yaml" ||
    [ $? = 3 ]
# The base server reads the same index, through its own socket.
sed "s#$work/new/migsearch.sock#$work/base/migsearch.sock#" "$work/new/migsearch.yaml" \
    >"$work/base/migsearch.yaml"
for which in base new; do
    lines=MS_ZIPF_${which^^}_SEARCH
    [ -n "${!lines:-}" ] || continue
    { echo "search:"; tr ';' '\n' <<<"${!lines}" | sed 's/^ */  /'; } >>"$work/$which/migsearch.yaml"
    echo "== $which: search: ${!lines}" >&2
done
"$here/zipf-queries.sh" --distinct 5000 --stream 20000 "$work/archive" >"$work/zipf.queries"
make_lua "$work/zipf.queries" "/search?q=" "&facets=0" >"$work/zipf.lua"

declare -A url pid
for which in base new; do
    b=$base
    [ "$which" = new ] && b=$new
    start_migsearch "$b/fcgi/migsearch-fcgi" "$work/$which" "$work/archive"
    # shellcheck disable=SC2154  # set by start_migsearch (lib.sh)
    url[$which]=http://127.0.0.1:$started_port pid[$which]=$started_pid
done

echo "== $turns turns of ${secs} s, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
declare -A rps p50 p99
for ((t = 0; t < turns; t++)); do
    for c in 1 16; do
        for which in base new; do
            read -r r a z bad < <(measure "${url[$which]}" "$work/zipf.lua" "$c")
            [ "$bad" = 0 ] || { echo "$which c=$c: $bad answers not 2xx" >&2; exit 1; }
            rps[$which,$c]+="$r " p50[$which,$c]+="$a " p99[$which,$c]+="$z "
            echo "   turn $t c=$c $which $r req/s p50 $a p99 $z" >&2
        done
    done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '| connections | base req/s | new req/s | new / base | base p50 ms | new p50 ms | base p99 ms | new p99 ms | p99 new / base |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for c in 1 16; do
    rb=$(median <<<"${rps[base,$c]}") rn=$(median <<<"${rps[new,$c]}")
    ab=$(median <<<"${p50[base,$c]}") an=$(median <<<"${p50[new,$c]}")
    zb=$(median <<<"${p99[base,$c]}") zn=$(median <<<"${p99[new,$c]}")
    printf '| %s | %s | %s | %.2f | %s | %s | %s | %s | %.2f |\n' "$c" "$rb" "$rn" \
        "$(awk -v a="$rb" -v b="$rn" 'BEGIN {print b / a}')" "$ab" "$an" "$zb" "$zn" \
        "$(awk -v a="$zb" -v b="$zn" 'BEGIN {print b / a}')"
done
for which in base new; do
    printf 'VmHWM %s: %s\n' "$which" \
        "$(awk '/VmHWM/ {print $2, $3}' "/proc/${pid[$which]}/status")"
done
# The share of searches given a kept answer, from the server's /metrics.
for which in base new; do
    curl -s "${url[$which]}/metrics" | awk -v w="$which" '
        $1 == "migsearch_result_cache_hits_total" { h = $2 }
        $1 == "migsearch_result_cache_misses_total" { m = $2 }
        END { printf "kept answers given %s: %d of %d (%.1f%%)\n", w, h, h + m,
              (h + m > 0 ? 100 * h / (h + m) : 0) }'
done
