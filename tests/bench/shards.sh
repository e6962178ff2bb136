#!/usr/bin/env bash
# shards.sh - search cost of one archive as 1, 2 and 4 shards, local and through xapian-tcpsrv
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/shards.sh [--quick] [BUILD_DIR] [OUTPUT_MD]
#   --quick    10,000 documents, 2 s a measurement; otherwise 1,000,000
#              documents (MS_SHARDS_SIZE overrides), 10 s a measurement
#   BUILD_DIR  holds indexer/migsearch-index and fcgi/migsearch-fcgi
#              (default build/release: `make build`)
#   OUTPUT_MD  the Markdown section written ("## 6. Shards"; default: stdout)
# MS_BENCH_SECONDS sets the seconds a measurement, MS_SCALE_TMP the folder
# the data goes under (default /tmp). MS_SHARDS_WORK=DIR puts the data in
# DIR instead, keeps it at exit and reuses what an earlier run of the same
# size left there (the archive, the indexes): a 1M run interrupted after
# its hour of indexing starts again from the measurements, and scale.sh
# (MS_SCALE_REUSE=DIR) searches its one database.
#
# Issue 17. The synthetic archive of scale.sh (tests/bench/synth.c, seed 1)
# is indexed once, as 4 shards (index.shards: 4, timed); the index of 2
# shards and the one database are derived from it by tests/bench/reshard.c
# (ms_index_reshard: shards {0,2} and {1,3} of 4 merged are shards 0 and
# 1 of 2, since FNV-1a(id) mod 2 = (FNV-1a(id) mod 4) mod 2; all four are
# the one database), the index a writer of 2 or 1 shard(s) leaves
# (tests/integration/test_indexer.c checks it), at a fraction of the
# indexing time. Each is searched through
# nginx + migsearch-fcgi, driven by wrk at 1 and 16 connections with the
# 200 queries of scale.sh as /search?q=...&facets=0:
#   local   every shard a folder under index.path (one database when 1)
#   remote  shard 0 local (it holds the metadata), shards 1.. each served by
#           indexer/ms-shard-serve (xapian-tcpsrv) on 127.0.0.1, as
#           index.remote names them
# On one machine the shards share its cores, so this measures what a
# shard costs (the round trips, the merge), not what spreading them over
# hosts gains; the report's estimate for 10M documents on 10 hosts is made
# from these figures on paper, and says so. Then tests/bench/update.sh times
# an update of one changed document on the one database (issue 20).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
bench_args "$@"
if [ "$quick" = 1 ]; then
    size=${MS_SHARDS_SIZE:-10000}
else
    size=${MS_SHARDS_SIZE:-1000000}
fi
case $size in '' | *[!0-9]*) echo "bad size: $size" >&2; exit 2 ;; esac
shard_counts=(1 2 4)
conns=(1 16)
corpus=$shared_corpus
seed=1

[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
need_tools wrk nginx curl cc xapian-tcpsrv setsid pkg-config strace
[ -d "$corpus" ] || { echo "needs $corpus" >&2; exit 2; }

keep=${MS_SHARDS_WORK:-}
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d "${MS_SCALE_TMP:-/tmp}/ms-shards.XXXXXX")
fi
# A kept folder is not removed by cleanup (lib.sh).
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; if [ -n "$keep" ]; then work=; fi; cleanup; exit $rc' EXIT

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cc -std=c11 -O2 -o "$work/synth" "$top/tests/bench/synth.c"
# pkg-config prints several flags: split on purpose.
# shellcheck disable=SC2046
cc -std=c11 -O2 -I "$top/indexer/shim" -o "$work/reshard" "$top/tests/bench/reshard.c" \
    "$build/indexer/libms_index.a" "$build/common/libms_common.a" \
    $(pkg-config --libs xapian-core libutf8proc) -lstdc++ -lm
"$work/synth" --seed "$seed" --queries "$work/queries" --nqueries 200 \
    "$corpus" 0 "$work/empty" 2>/dev/null
echo "== $size documents" >&2
# A folder reused holds the archive of one size: anything else starts over.
if [ "$(cat "$work/archive.size" 2>/dev/null)" != "$size" ]; then
    rm -rf "$work/archive" "$work/archive.size" "$work"/s[0-9]*
    "$work/synth" --seed "$seed" "$corpus" "$size" "$work/archive" 2>/dev/null
    echo "$size" >"$work/archive.size"
fi
make_lua "$work/queries" "/search?q=" "&facets=0" >"$work/plain.lua"

declare -A idx_s idx_how rps p50 p99 bad

# DIR SHARDS [REMOTE]: the config of one setup.
write_config() {
    cat >"$1/migsearch.yaml" <<YAML
index:
  path: $1/index
  synonyms: $top/config/synonyms.yaml
  shards: $2
  remote: "${3:-}"
archive:
  path: $work/archive
server:
  socket: $1/migsearch.sock
  socket_mode: "0600"
  socket_group: ""
YAML
}

# DIR SHARDS: shards 1.. of DIR's index served on loopback; sets remote to
# the index.remote value. Not run in a $(...) subshell: the servers' groups
# must reach this shell's groups, which the loop and cleanup stop.
serve_shards() {
    local dir=$1 n=$2 k port
    remote=""
    for ((k = 1; k < n; k++)); do
        port=$(free_port)
        setsid "$top/indexer/ms-shard-serve" "$dir/index/shard-$k" "$port" \
            >"$dir/shard-$k.log" 2>&1 &
        groups+=("$!")
        for _ in $(seq 100); do
            grep -q "on 127.0.0.1:$port" "$dir/shard-$k.log" && break
            sleep 0.05
        done
        remote="$remote${remote:+ }$k=127.0.0.1:$port"
    done
}

# DIR LABEL: measure the running server at each connection count.
measure_setup() {
    local url=http://127.0.0.1:$started_port label=$2 c
    for c in "${conns[@]}"; do
        read -r rps[$label,$c] p50[$label,$c] p99[$label,$c] bad[$label,$c] \
            < <(measure "$url" "$work/plain.lua" "$c")
        echo "   $label c=$c: ${rps[$label,$c]} req/s p50 ${p50[$label,$c]}" \
            "p99 ${p99[$label,$c]} ms, non-2xx ${bad[$label,$c]}" >&2
    done
}

# The index of 4 shards, timed; "N SECONDS" in s4/index.secs once done.
dir=$work/s4
if [ "$(cut -d' ' -f1 "$dir/index.secs" 2>/dev/null)" != 4 ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    write_config "$dir" 4
    t0=$(date +%s.%N)
    "$indexer" --rebuild --quiet --config "$dir/migsearch.yaml" || [ $? = 3 ]
    t1=$(date +%s.%N)
    echo "4 $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", b - a}')" >"$dir/index.secs"
fi
idx_s[4]=$(cut -d' ' -f2 "$dir/index.secs")
idx_how[4]=indexed
echo "   4 shards: indexed in ${idx_s[4]} s" >&2
# 2 and 1 merged from it; the seconds of the merge in sN/merge.secs.
for n in 2 1; do
    dir=$work/s$n
    if [ ! -s "$dir/merge.secs" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        write_config "$dir" "$n"
        "$work/reshard" "$work/s4/index" "$n" "$dir/index" >"$dir/merge.tmp"
        mv "$dir/merge.tmp" "$dir/merge.secs"
    fi
    idx_s[$n]=$(awk '{printf "%.0f", $1}' "$dir/merge.secs")
    idx_how[$n]="merged from 4"
    echo "   $n shard(s): merged from 4 in ${idx_s[$n]} s" >&2
done

for n in "${shard_counts[@]}"; do
    dir=$work/s$n
    write_config "$dir" "$n"
    start_migsearch "$server" "$dir" "$work/archive"
    measure_setup "$dir" "local-$n"
    stop_migsearch "$dir"
    if [ "$n" -gt 1 ]; then
        serve_shards "$dir" "$n"
        write_config "$dir" "$n" "$remote"
        start_migsearch "$server" "$dir" "$work/archive"
        for _ in $(seq 100); do
            curl -s "http://127.0.0.1:$started_port/health" | grep -q '"down"' || break
            sleep 0.1
        done
        measure_setup "$dir" "remote-$n"
        stop_migsearch "$dir"
        for p in "${groups[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
        groups=()
        write_config "$dir" "$n"
    fi
done

# Issue 20: an update of one changed document, on the one database.
"$top/tests/bench/update.sh" "$build" "$work" "$work/update.md"

# ---- the report ----
est() { awk "BEGIN {printf \"%.1f\", $1}"; }
{
    echo "## 6. Shards (issue 17)"
    echo
    echo "Written by \`tests/bench/shards.sh$([ "$quick" = 1 ] && echo " --quick")\`" \
        "(MS_SHARDS_SIZE=$size); $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load"
    echo "average $load_start at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end."
    echo "$size synthetic documents (tests/bench/synth.c, seed $seed, as in part 3), indexed"
    echo "once as 4 shards (\`migsearch-index --rebuild\`, index.shards 4, index.jobs ="
    echo "cores); the 2 shards and the one database merged from those 4 by"
    echo "\`tests/bench/reshard.c\` (\`ms_index_reshard\`: the index a writer of 2 or 1"
    echo "shard(s) leaves, checked against one in \`tests/integration/test_indexer.c\`); the"
    echo "200 queries of part 3 as \`/search?q=...&facets=0\`"
    echo "through nginx, wrk -t1, ${secs} s a measurement. *local*: every shard a folder"
    echo "of the search host; *remote*: shard 0 local, the others each served by"
    echo "\`indexer/ms-shard-serve\` (xapian-tcpsrv) on 127.0.0.1. All on one machine:"
    echo "the shards share its cores."
    echo
    echo "| setup | built in (s) | req/s c=1 | p50 c=1 (ms) | p99 c=1 (ms) | req/s c=16 | p50 c=16 (ms) | p99 c=16 (ms) |"
    echo "|---|---|---|---|---|---|---|---|"
    for n in "${shard_counts[@]}"; do
        for kind in local remote; do
            [ "$kind" = remote ] && [ "$n" = 1 ] && continue
            l=$kind-$n
            echo "| $n shard(s), $kind$([ "$n" = 1 ] && echo " (one database)") |" \
                "${idx_s[$n]} (${idx_how[$n]}) | ${rps[$l,1]} | ${p50[$l,1]} | ${p99[$l,1]} |" \
                "${rps[$l,16]} | ${p50[$l,16]} | ${p99[$l,16]} |"
        done
    done
    echo
    one=${p50[local-1,1]}
    hop=$(est "(${p50[remote-4,1]} - ${p50[local-4,1]}) / 3")
    echo "**Estimate, on paper, not measured: 10M documents on 10 hosts.** With one shard a"
    echo "host, each host holds 1M documents and answers its part of a search in parallel"
    echo "with the others; the search host adds a round trip and the merge per remote"
    echo "shard. From this run: one database of $size documents answers a search in"
    echo "$one ms (p50, c=1); a remote shard adds about $hop ms over a local one"
    echo "((remote-4 − local-4) / 3 remote shards, p50, c=1). So a search over 10 hosts of"
    echo "1M documents would take about p50(1M, one database) + 9 × $hop ms of round"
    echo "trips and merging$([ "$size" = 1000000 ] && echo ": $(est "$one + 9 * $hop") ms" ||
        echo " (p50 at 1M is in part 3; this run had $size documents)")," \
        "where one host with all 10M"
    echo "documents would take part 3's growth from 1M to 10M. The page cache of each host"
    echo "then holds one tenth of the index, which is what the sharding buys."
    echo
    echo "### One changed document (issue 20)"
    echo
    cat "$work/update.md"
} >"$work/report.md"
if [ -n "$output" ]; then cp "$work/report.md" "$output"; else cat "$work/report.md"; fi
