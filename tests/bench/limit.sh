#!/usr/bin/env bash
# limit.sh - issue 20's limit (the FastCGI floor plus Xapian's own match) beside migsearch, and migsearch's cost phase by phase
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/limit.sh [--quick] [BUILD_DIR] [OUTPUT]
#   --quick    the sample archive, 2 s a measurement (`make bench-quick`);
#              otherwise the large corpus of compare-search.sh, 10 s
#   BUILD_DIR  a release build (default build/release: `make build`)
#   OUTPUT     the Markdown section written (default: standard output)
# MS_BENCH_SECONDS overrides the seconds a measurement; MS_LIMIT_PHASE_QUERIES
# the queries profiled by phase (default 30: callgrind runs some 50 times
# slower than the machine).
#
# Part 7 of `make bench` (tests/bench/run.sh). In one invocation:
#   1. Through nginx, wrk -t1 at 1 and 16 connections, the queries of the
#      corpus rotated: the floor (tests/bench/limit_fcgi.cc answering
#      {"ok":true}, as ../shared/bench/fcgi-floor's responder), the limit
#      (the same responder doing Xapian's own match: BM25, top 10, no
#      snippets, no feedback), and migsearch-fcgi (shipped config) behind
#      render-nginx.sh's nginx: the full answer (facets, snippets,
#      feedback) and with facets=0; and Omega over the same files, as
#      compare-search.sh runs it (lib.sh, start_omega). Ratios: each row's
#      p50 and time a request (1 / requests/s) over the limit's, and at 16
#      connections the limit's and migsearch's requests/s over Omega's (the
#      issue's "20x Omega's" asks for 20).
#   2. In process, instructions a search under callgrind (the same on every
#      run, whatever else the machine does) of tests/bench/search_loop.c
#      over the same index, with phases added one at a time (no feedback,
#      no snippets, no facets; then feedback; then snippets; then facets),
#      and within a run the inclusive cost of the shim's functions for a
#      phase: the parse (ms_index__parse: words, synonyms, spelling check),
#      the hits' stored text (ms_index__hits_fill without snippets), the
#      feedback's expansion terms (ms_index__expand) and its first match
#      (the rest of ms_index__feedback). Xapian's own match is
#      limit_fcgi's loop under callgrind on the same queries. The JSON and
#      the request's path are not in process: part 1 is their measure.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
bench_args "$@"
corpus=large
[ "$quick" = 1 ] && corpus=sample
conns=(1 16)
threads=4
phase_queries=${MS_LIMIT_PHASE_QUERIES:-30}
[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
need_tools wrk nginx curl g++ xapian-config valgrind callgrind_annotate
need_omega
[ -f /usr/include/fcgiapp.h ] || { echo "needs libfcgi-dev: make deps-bench" >&2; exit 2; }

work=$(mktemp -d)
limit_pid=
# libfcgi's responder is killed outright, as the floor's run.sh does.
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; [ -n "$limit_pid" ] && kill -KILL "$limit_pid" 2>/dev/null; cleanup; exit $rc' EXIT
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== limit: $corpus" >&2
prepare "$corpus"
dir=$work/$corpus
bench_config "$dir" "$dir/archive"
"$indexer" --quiet --config "$dir/migsearch.yaml" || [ $? = 3 ]
docs=$(xapian-delve "$dir/index" 2>/dev/null | awk '/number of documents/ {print $NF}')
start_migsearch "$server" "$dir" "$dir/archive"
ms_url=http://127.0.0.1:$started_port
# Omega, the CGI the issue's "20x Omega's" is counted against, as
# compare-search.sh runs it, over the same files.
start_omega "$dir" "$dir/archive" "$threads" "$started_port"

# The limit: its responder and an nginx like the floor's.
# xapian-config prints several flags: split on purpose.
# shellcheck disable=SC2046
g++ -O2 -std=c++17 -I "$top/indexer/shim" -o "$work/limit_fcgi" \
    "$top/tests/bench/limit_fcgi.cc" $(xapian-config --cxxflags --libs) -lfcgi -lpthread
"$work/limit_fcgi" "$work/limit.sock" "$dir/index" "$threads" </dev/null >/dev/null \
    2>"$work/limit.log" &
limit_pid=$!
for _ in $(seq 100); do [ -S "$work/limit.sock" ] && break; sleep 0.05; done
limit_port=$(free_port)
[ "$limit_port" != "$started_port" ] || limit_port=$((limit_port + 1))
# Like the floor's nginx.conf.in: no access log.
start_fcgi_nginx "$work/nginx" "$limit_port" /limit "$work/limit.sock" off
limit_url=http://127.0.0.1:$limit_port
wait_http "$limit_url/limit?q=migration" ||
    { tail -3 "$work/nginx/error.log" "$work/limit.log" >&2; exit 1; }

# 1. Through nginx.
make_lua "$dir/queries" "/limit?f=" "" >"$work/floor.lua"
make_lua "$dir/queries" "/limit?q=" "" >"$work/limit.lua"
make_lua "$dir/queries" "/search?q=" "" >"$work/full.lua"
make_lua "$dir/queries" "/search?q=" "&facets=0" >"$work/nofacets.lua"
make_lua "$dir/queries" "/omega?DB=default&DEFAULTOP=or&P=" "" >"$work/omega.lua"
declare -A rps p50 p99 bad
for c in "${conns[@]}"; do
    for row in floor limit full nofacets omega; do
        url=$ms_url
        case $row in
        floor | limit) url=$limit_url ;;
        omega) url=$omega_url ;;
        esac
        read -r rps[$row,$c] p50[$row,$c] p99[$row,$c] bad[$row,$c] \
            < <(measure "$url" "$work/$row.lua" "$c")
    done
    echo "   c=$c limit ${rps[limit,$c]} full ${rps[full,$c]} omega ${rps[omega,$c]} req/s" >&2
done
kill -0 "${pids[-1]}" 2>/dev/null || { echo "migsearch-fcgi DIED" >&2; exit 1; }

# 2. In process, phase by phase.
echo "== phases: callgrind over $phase_queries queries" >&2
head -"$phase_queries" "$dir/queries" >"$work/phase-queries"
nq=$(wc -l <"$work/phase-queries")
libs=("$build/indexer/libms_index.a")
[ -f "$build/common/libms_common.a" ] && libs+=("$build/common/libms_common.a")
# pkg-config prints several flags: split on purpose.
# shellcheck disable=SC2046
cc -std=c11 -O2 -DMS_LOOP_PHASES -I "$top/indexer/shim" -I "$top/common" -o "$work/search_loop" \
    "$top/tests/bench/search_loop.c" "${libs[@]}" $(pkg-config --libs xapian-core libutf8proc) -lstdc++ -lm
# The inclusive instructions of the functions matching PATTERN (a regular
# expression over callgrind_annotate's names) in the profile FILE, summed.
inclusive() { # FILE PATTERN
    callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
        awk -v re="$2" '$0 ~ re && / \[/ { gsub(/,/, "", $1); sum += $1 }
            END { printf "%.0f", sum }'
}
# A search's share of them in run NAME: profiled with one round and with
# three after the warm-up, the difference over 2 x nq searches, so that the
# start, the warm-up and the caches it fills cancel out.
per_search() { # NAME PATTERN
    local one three
    one=$(inclusive "$work/$1-1.cg" "$2")
    three=$(inclusive "$work/$1-3.cg" "$2")
    awk -v a="$one" -v b="$three" -v n="$nq" 'BEGIN { printf "%.0f", (b - a) / (2 * n) }'
}
# Run NAME: PROGRAM INDEX QUERIES ROUNDS [WORDS...] under callgrind, with
# ROUNDS 1 and 3, into NAME-1.cg and NAME-3.cg.
profile() { # NAME PROGRAM INDEX QUERIES [WORDS...]
    local name=$1 program=$2 rounds
    shift 2
    for rounds in 1 3; do
        valgrind --tool=callgrind --dump-line=no --callgrind-out-file="$work/$name-$rounds.cg" \
            "$program" "$1" "$2" "$rounds" "${@:3}" >/dev/null 2>"$work/$name.vg" ||
            { tail -5 "$work/$name.vg" >&2; exit 1; }
    done
}
profile match "$work/search_loop" "$dir/index" "$work/phase-queries" nofeedback nosnippets
profile feedback "$work/search_loop" "$dir/index" "$work/phase-queries" nosnippets
profile snippets "$work/search_loop" "$dir/index" "$work/phase-queries"
profile full "$work/search_loop" "$dir/index" "$work/phase-queries" facets
profile xapian "$work/limit_fcgi" "$dir/index" "$work/phase-queries" loop
search_fn=':ms_index_search '
declare -A ins
for run in match feedback snippets full; do
    ins[$run]=$(per_search "$run" "$search_fn")
done
ins[xapian]=$(per_search xapian ':match\(')
ins[parse]=$(per_search match ':ms_index__parse\(')
ins[stored]=$(per_search match ':ms_index__hits_fill\(')
ins[expand]=$(per_search feedback ':ms_index__expand\(')
ins[first]=$(($(per_search feedback ':ms_index__feedback\(') - ins[expand]))
ins[matchonly]=$((ins[match] - ins[parse] - ins[stored]))
ins[rematch]=$((ins[feedback] - ins[match] - ins[expand] - ins[first]))
ins[snippet]=$((ins[snippets] - ins[feedback]))
ins[facets]=$((ins[full] - ins[snippets]))

# ---- the report ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
share() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
report=$work/report.md
{
    echo "## 8. The limit, and migsearch phase by phase (issue 20)"
    echo
    echo "\`tests/bench/limit.sh$([ "$quick" = 1 ] && echo " --quick")\`, $(date -u '+%Y-%m-%d %H:%M UTC')," \
        "migsearch $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?'), load average" \
        "at the start $load_start. Corpus: **$corpus** ($docs documents), $(wc -l <"$dir/queries")" \
        "queries rotated (compare-search.sh's list). **floor**: \`tests/bench/limit_fcgi.cc\`" \
        "answering \`{\"ok\":true}\` through nginx and libfcgi ($threads threads); **limit**: the" \
        "same responder doing Xapian's own match of the query (QueryParser, English" \
        "STEM_SOME, the shim's stop words, BM25 k1 1.2 b 0.5, top 10, no snippets, no" \
        "feedback, no document read); **migsearch**: migsearch-fcgi (shipped config) behind" \
        "render-nginx.sh's nginx, the full answer (\`/search?q=…\`: facets, 3 snippets a hit," \
        "feedback) and with \`facets=0\`; **Omega**: Debian's CGI over the same files as part 1" \
        "runs it (omindex, fcgiwrap with $threads children, \`DEFAULTOP=or\`). wrk -t1, ${secs} s a measurement."
    echo
    echo "| request | conns | req/s | p50 ms | p99 ms | p50 / limit | time a request / limit |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for c in "${conns[@]}"; do
        for row in floor limit full nofacets omega; do
            case $row in
            floor) label=floor ;;
            limit) label="limit (floor + Xapian's match)" ;;
            full) label="migsearch, full answer" ;;
            nofacets) label="migsearch, facets=0" ;;
            omega) label="Omega (CGI behind fcgiwrap, $threads children)" ;;
            esac
            b=${bad[$row,$c]:-0}
            [ "$b" = 0 ] && b= || b=" ($b non-2xx)"
            echo "| $label | $c | ${rps[$row,$c]}$b | ${p50[$row,$c]} | ${p99[$row,$c]}" \
                "| $(ratio "${p50[$row,$c]}" "${p50[limit,$c]}")" \
                "| $(ratio "${rps[limit,$c]}" "${rps[$row,$c]}") |"
        done
    done
    echo
    c=${conns[-1]}
    echo "Against Omega at $c connections (issue 20's \"20x Omega's\", searching every request):"
    echo "20 times Omega's rate is $(awk -v a="${rps[omega,$c]}" 'BEGIN { printf "%.0f", 20 * a }') req/s;" \
        "the limit (the floor and Xapian's bare match, nothing else) gives $(ratio "${rps[limit,$c]}" "${rps[omega,$c]}")x Omega's," \
        "migsearch's full answer $(ratio "${rps[full,$c]}" "${rps[omega,$c]}")x and with \`facets=0\` $(ratio "${rps[nofacets,$c]}" "${rps[omega,$c]}")x."
    echo
    echo "In process, instructions a search (callgrind, \`tests/bench/search_loop.c\` built"
    echo "with \`-DMS_LOOP_PHASES\`, the first $nq queries, 10 hits, the index above): each"
    echo "phase is the difference between two runs that differ by it, or a shim function's"
    echo "inclusive cost within a run (each figure: three rounds less one, over the searches"
    echo "between, so the warm-up cancels out); *limit* is Xapian's own match as the limit's responder"
    echo "runs it (\`limit_fcgi INDEX QUERIES ROUNDS loop\`). The JSON and the request's path through nginx and"
    echo "FastCGI are not in process: the table above measures them (floor)."
    echo
    echo "| phase | instructions a search | share of the full answer | / Xapian's own match |"
    echo "|---|---:|---:|---:|"
    for row in xapian parse matchonly stored expand first rematch snippet facets full; do
        case $row in
        xapian) label="Xapian's own match (the limit, in process)" ;;
        parse) label="parse (words, synonyms, spelling check, filters)" ;;
        matchonly) label="match (BM25, the page, totals checked to 1000)" ;;
        stored) label="hits: stored text read and decoded" ;;
        expand) label="feedback: expansion terms (expand.cc)" ;;
        first) label="feedback: first match (the query as typed: its top 10, or the window where it pays)" ;;
        rematch) label="feedback: the page matched again with the expansion terms" ;;
        snippet) label="snippets (3 a hit)" ;;
        facets) label="facets (counting pass and values)" ;;
        full) label="**the full answer**" ;;
        esac
        echo "| $label | ${ins[$row]} | $(share "${ins[$row]}" "${ins[full]}")" \
            "| $(ratio "${ins[$row]}" "${ins[xapian]}") |"
    done
} >"$report"
emit_report "$report"
