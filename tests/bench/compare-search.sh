#!/usr/bin/env bash
# compare-search.sh - migsearch beside Omega, the libfcgi floor and raw Xapian, in one run
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/compare-search.sh [--quick] [BUILD_DIR] [OUTPUT]
#   --quick    2 s a measurement, the sample archive only (`make bench-quick`)
#              otherwise 10 s a measurement, the sample archive and the
#              larger corpus (`make bench`)
#   BUILD_DIR  holds indexer/migsearch-index and fcgi/migsearch-fcgi
#              (default build/release: `make build`)
#   OUTPUT     the report written (default docs/benchmarks.md)
# MS_BENCH_SECONDS overrides the seconds a measurement.
# MS_BENCH_BEFORE=OTHER_BUILD_DIR adds "migsearch, before": the server of
# another build (say, of an older commit) over the same index, for
# before/after figures from one invocation.
#
# Part 1 of issue 7 ("Search through nginx"). Everything is measured in one
# invocation, one engine after the other on the same machine, so that the
# ratios hold even where the absolute figures move from run to run.
#
# Corpora. "sample": tests/data/archive, read in place by both indexers.
# "large": every .md and .txt file of ../shared/data/corpus plus the NPL
# collection (../shared/data/ir/npl/doc-text) written one document a .txt
# file. Both indexers read the same tree of files (symbolic links to the
# corpus, in place), because omindex indexes files and not JSON lines: that
# is what keeps the two indexes to the same documents.
#
# Queries. Plain words, the same list for every engine, rotated by a wrk Lua
# script: on the sample archive a list of topics its documents are about; on
# the large corpus NPL's 93 queries, lowered as tests/relevance/convert.sh
# lowers them and cut to their first 5 words, followed by the sample list.
#
# Engines, each behind its own nginx on 127.0.0.1 and driven by wrk -t1 at
# 1, 16 and 64 connections:
#   migsearch  migsearch-fcgi (4 threads, the default) behind the nginx
#              config render-nginx.sh makes for admins;
#              /search?q=...&facets=0 (10 hits, 3 snippets of 240
#              characters: the defaults) and, as a second row, the
#              portal's default request with facets
#   omega      Debian's xapian-omega CGI (default "query" template, 10 hits)
#              behind fcgiwrap (4 workers), over an index built by omindex;
#              DEFAULTOP=or, since Omega's default is AND and migsearch's OR
#   floor      ../shared/bench/fcgi-floor/run.sh: nginx + libfcgi with a
#              responder that does nothing
#   raw        tests/bench/raw_xapian.cc: the same queries in a loop over
#              libxapian with the shim's settings, one thread; its CPU time
#              per query gives the requests/s one core could serve
# The model behind "migsearch / (floor + raw)": one request costs the floor's
# time per request (1 / its requests/s at the same connections) plus raw
# Xapian's time per query on the cores the connections can keep busy,
# raw_us / min(connections, cores). 1.00 means the handler adds nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
bench_args "$@"
output=${output:-$top/docs/benchmarks.md}
if [ "$quick" = 1 ]; then
    corpora=(sample)
else
    corpora=(sample large)
fi
conns=(1 16 64)
threads=4
floor=${MS_FCGI_FLOOR:-$top/../shared/bench/fcgi-floor/run.sh}

[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
need_tools wrk nginx curl g++ xapian-config
need_omega
[ -f "$floor" ] || { echo "no fcgi floor at $floor" >&2; exit 2; }
if [ "$quick" = 0 ]; then
    [ -d "$shared_corpus" ] && [ -f "$npl/doc-text" ] ||
        { echo "needs $shared_corpus and $npl" >&2; exit 2; }
fi

work=$(mktemp -d)
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; cleanup; exit $rc' EXIT

cores=$(nproc)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
build_raw_xapian "$work/raw_xapian"

declare -A rps p50 p99 bad docs index_secs raw_line first_hits
variants=(nofb)
before=${MS_BENCH_BEFORE:-}
if [ -n "$before" ]; then
    [ -x "$before/fcgi/migsearch-fcgi" ] || { echo "no server in $before" >&2; exit 2; }
    variants+=(before)
fi

# Everything for one corpus: both indexes, both servers, the measurements.
run_corpus() {
    local name=$1 dir=$work/$1 c
    prepare "$name"
    local archive=$dir/archive nq
    nq=$(wc -l <"$dir/queries")
    echo "== $name: $nq queries" >&2

    # migsearch
    cat >"$dir/migsearch.yaml" <<YAML
index:
  path: $dir/index
archive:
  path: $archive
server:
  socket: $dir/migsearch.sock
  socket_mode: "0600"
  socket_group: ""
  threads: $threads
YAML
    local t0 t1 status=0
    t0=$(date +%s.%N)
    "$indexer" --quiet --config "$dir/migsearch.yaml" || status=$?
    t1=$(date +%s.%N)
    # 3: some files failed (reported, not fatal for a benchmark).
    [ "$status" = 0 ] || [ "$status" = 3 ] || { echo "migsearch-index: $status" >&2; exit 1; }
    index_secs[$name,migsearch]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    start_migsearch "$server" "$dir" "$archive"
    local port=$started_port
    local ms_url=http://127.0.0.1:$port
    docs[$name,migsearch]=$(xapian-delve "$dir/index" 2>/dev/null |
        awk '/number of documents/ {print $NF}')
    make_lua "$dir/queries" "/search?q=" "&facets=0" >"$dir/ms.lua"
    make_lua "$dir/queries" "/search?q=" "" >"$dir/msf.lua"

    # Omega: omindex over the same files, the CGI behind fcgiwrap.
    start_omega "$dir" "$archive" "$threads" "$port"
    index_secs[$name,omega]=$omega_index_secs
    docs[$name,omega]=$omega_docs
    local om_url=$omega_url
    make_lua "$dir/queries" "/omega?DB=default&DEFAULTOP=or&P=" "" >"$dir/om.lua"

    # Both engines find something for the first query before anything is
    # measured.
    local first hits
    first=$(head -1 "$dir/queries" | sed 's/ /+/g; s/"/%22/g')
    hits=$(curl -s "$ms_url/search?q=$first&facets=0" | grep -o '"estimate":[0-9]*' |
        head -1 || true)
    first_hits[$name,migsearch]=${hits#*:}
    echo "   migsearch: ${docs[$name,migsearch]} docs, first query: ${hits:-?}" >&2
    curl -s "$om_url/omega?DB=default&DEFAULTOP=or&P=$first" >"$dir/omega-first.html"
    hits=$(grep -o -i -E '[0-9,]+ (results|matches)|of (about |exactly )?[0-9,]+' \
        "$dir/omega-first.html" | head -1 || true)
    first_hits[$name,omega]=$hits
    echo "   omega: ${docs[$name,omega]} docs, first query: ${hits:-?}" >&2

    # Variants of migsearch over the same index, each its own server and
    # nginx: pseudo relevance feedback off (search.feedback: false), and
    # the server of another build (MS_BENCH_BEFORE), for before/after.
    local variant bin
    declare -A variant_url
    for variant in "${variants[@]}"; do
        mkdir -p "$dir/$variant"
        sed "s#$dir/migsearch.sock#$dir/$variant/migsearch.sock#" "$dir/migsearch.yaml" \
            >"$dir/$variant/migsearch.yaml"
        bin=$server
        case $variant in
        nofb) search_setting "$dir/$variant/migsearch.yaml" "feedback: false" ;;
        before) bin=$before/fcgi/migsearch-fcgi ;;
        esac
        start_migsearch "$bin" "$dir/$variant" "$archive"
        variant_url[$variant]=http://127.0.0.1:$started_port
    done

    for c in "${conns[@]}"; do
        read -r rps[$name,ms,$c] p50[$name,ms,$c] p99[$name,ms,$c] bad[$name,ms,$c] \
            < <(measure "$ms_url" "$dir/ms.lua" "$c")
        for variant in "${variants[@]}"; do
            read -r rps[$name,$variant,$c] p50[$name,$variant,$c] p99[$name,$variant,$c] \
                bad[$name,$variant,$c] < <(measure "${variant_url[$variant]}" "$dir/ms.lua" "$c")
        done
        read -r rps[$name,msf,$c] p50[$name,msf,$c] p99[$name,msf,$c] bad[$name,msf,$c] \
            < <(measure "$ms_url" "$dir/msf.lua" "$c")
        read -r rps[$name,om,$c] p50[$name,om,$c] p99[$name,om,$c] bad[$name,om,$c] \
            < <(measure "$om_url" "$dir/om.lua" "$c")
        echo "   c=$c ms ${rps[$name,ms,$c]} msf ${rps[$name,msf,$c]}" \
            "omega ${rps[$name,om,$c]} req/s" >&2
    done
    raw_line[$name]=$("$work/raw_xapian" "$dir/index" "$dir/queries" "$secs")
    echo "   raw: ${raw_line[$name]}" >&2
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
        echo "migsearch-fcgi DIED during the measurements" >&2
        exit 1
    fi
}

for corpus in "${corpora[@]}"; do
    run_corpus "$corpus"
done

# The floor, in the same run, with the same durations and connections.
echo "== floor" >&2
floor_out=$(bash "$floor" "$secs" "${conns[@]}" 2>"$work/floor.err") ||
    { cat "$work/floor.err" >&2; exit 1; }
while read -r path c r _ _ a _ b; do
    c=${c#c=}
    case $path in
    hello | static)
        rps[$path,$c]=$r
        p50[$path,$c]=$(awk -v v="$a" 'BEGIN { if (v ~ /us$/) v /= 1000;
            else if (v ~ /ms$/) v += 0; else if (v ~ /s$/) v *= 1000; printf "%.3f", v }')
        p99[$path,$c]=$(awk -v v="$b" 'BEGIN { if (v ~ /us$/) v /= 1000;
            else if (v ~ /ms$/) v += 0; else if (v ~ /s$/) v *= 1000; printf "%.3f", v }')
        ;;
    esac
done <<<"$floor_out"

# ---- the report ----
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$1"; }
# migsearch time a request / (floor time a request + raw us on min(c, cores))
overhead() {
    awk -v ms="$1" -v fl="$2" -v raw="$3" -v c="$4" -v cores="$cores" 'BEGIN {
        if (ms <= 0 || fl <= 0) { print "n/a"; exit }
        n = c < cores ? c : cores
        printf "%.2f", (1e6 / ms) / (1e6 / fl + raw / n) }'
}

report=$work/report.md
{
    echo "# Benchmarks"
    echo
    echo "Written by \`tests/bench/run.sh$([ "$quick" = 1 ] && echo " --quick")\`"
    echo "(\`make bench$([ "$quick" = 1 ] && echo "-quick")\`); do not edit by hand. Every figure"
    echo "below comes from one run on one machine, each part measuring its engines one"
    echo "after the other, so compare figures within a part (ratios above all), not"
    echo "across machines or runs."
    echo
    echo "## Machine and run"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $cores cores"
    echo "- memory: $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)"
    echo "- system: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "- Xapian $(xapian-config --version | awk '{print $NF}'), nginx" \
        "$(nginx -v 2>&1 | sed 's/.*\///'), wrk $(dpkg-query -W -f='${Version}' wrk)," \
        "xapian-omega $(dpkg-query -W -f='${Version}' xapian-omega)"
    echo "- migsearch: $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(git -C "$top" diff --quiet 2>/dev/null || echo '(with uncommitted changes)')," \
        "release build ($build), server.threads $threads"
    echo "- wrk -t1, ${secs} s a measurement, at ${conns[*]} connections; wrk, nginx and the"
    echo "  servers share the machine's $cores cores"
    echo "- load average at the start: $load_start (anything else running skews every"
    echo "  figure, the ratios less)"
    echo "- every bench's migsearch-fcgi keeps no answers to give again"
    echo "  (\`search.result_cache_mb: 0\`, set by \`start_migsearch\` in \`tests/bench/lib.sh\`)"
    echo "  unless the bench names the setting: benches ask the same queries again and again, and"
    echo "  every answer after the first would be a kept one. Only part 5's Zipf stream and"
    echo "  \`zipf-ab.sh\` with \`MS_ZIPF_*_SEARCH\` measure answers kept (since session 13,"
    echo "  2026-12-05; parts written before then had no such thing to leave out)."
    echo
    echo "## 1. Search through nginx"
    echo
    echo "Engines: **migsearch** is migsearch-fcgi behind the nginx config that"
    echo "\`config/render-nginx.sh\` gives admins, asked \`/search?q=…&facets=0\` (10 hits,"
    echo "3 snippets of 240 characters each, pseudo relevance feedback: the shipped"
    echo "defaults); **migsearch, feedback off** is the same server with"
    echo "\`search.feedback: false\` (plain BM25 ranking, docs/relevance.md);"
    [ -z "$before" ] || echo "**migsearch, before** is the server of \`$before\` over the same index;"
    echo "**migsearch+facets** is the portal's default request, with facets. **Omega** is"
    echo "Debian's xapian-omega CGI, default \`query\` template (10 hits, one snippet"
    echo "from the 512-character sample omindex stores), behind fcgiwrap with $threads"
    echo "workers, over an index omindex built from the same files, asked"
    echo "\`omega?DEFAULTOP=or&P=…\` (Omega's default operator is AND, migsearch's OR)."
    echo "**floor** is \`../shared/bench/fcgi-floor/run.sh\`: nginx + libfcgi with a"
    echo "responder that does nothing. **raw Xapian** is \`tests/bench/raw_xapian.cc\`: the"
    echo "same queries in a one-thread loop doing the shim's work with Xapian's own"
    echo "functions and the shim's settings (parser flags and stop words, English"
    echo "stemming STEM_SOME, the access filter, BM25 k1 1.2 b 0.5, feedback with"
    echo "\`Enquire::get_eset()\`, 10 hits, up to 3 snippets of 240 characters with"
    echo "\`MSet::snippet()\` from the best 2000-byte chunks); it leaves out synonyms, the"
    echo "symbol boost, the spelling check and the JSON. The shim replaced two of those"
    echo "Xapian calls by cheaper code of its own (expansion with cached frequencies,"
    echo "its own highlighter: docs/performance.md), so migsearch can cost less than"
    echo "floor + raw."
    echo
    echo "Corpora:"
    echo
    for corpus in "${corpora[@]}"; do
        case $corpus in
        sample) echo "- **sample**: \`tests/data/archive\`, read in place;" \
            "$(wc -l <"$work/sample/queries") queries, topics of its documents." ;;
        large) echo "- **large**: every .md and .txt file of \`../shared/data/corpus\`" \
            "(read in place) plus NPL's 11,429 documents (\`../shared/data/ir/npl/doc-text\`," \
            "one .txt file each); $(wc -l <"$work/large/queries") queries: NPL's 93," \
            "lower-cased and cut to 5 words, then the sample's list." ;;
        esac
        echo "  Documents indexed: migsearch ${docs[$corpus,migsearch]:-?}," \
            "Omega ${docs[$corpus,omega]:-?}; index build" \
            "${index_secs[$corpus,migsearch]} s vs ${index_secs[$corpus,omega]} s" \
            "(indicative only: part 2 measures indexing properly). First query" \
            "\"$(head -1 "$work/$corpus/queries")\": migsearch estimates" \
            "${first_hits[$corpus,migsearch]:-?} matches, Omega says" \
            "\"${first_hits[$corpus,omega]:-?}\"."
    done
    echo
    echo "Requests/s, p50 and p99 in milliseconds (non-2xx answers in brackets when any):"
    echo
    echo "| corpus | engine | conns | req/s | p50 ms | p99 ms |"
    echo "|---|---|---:|---:|---:|---:|"
    for corpus in "${corpora[@]}"; do
        for engine in ms "${variants[@]}" msf om; do
            case $engine in
            ms) label=migsearch ;;
            nofb) label="migsearch, feedback off" ;;
            before) label="migsearch, before" ;;
            msf) label=migsearch+facets ;;
            om) label=Omega ;;
            esac
            for c in "${conns[@]}"; do
                b=${bad[$corpus,$engine,$c]:-0}
                [ "$b" = 0 ] && b= || b=" ($b non-2xx)"
                echo "| $corpus | $label | $c | ${rps[$corpus,$engine,$c]:-?}$b" \
                    "| ${p50[$corpus,$engine,$c]:-?} | ${p99[$corpus,$engine,$c]:-?} |"
            done
        done
    done
    for c in "${conns[@]}"; do
        echo "| - | floor (hello fcgi) | $c | ${rps[hello,$c]:-?} | ${p50[hello,$c]:-?}" \
            "| ${p99[hello,$c]:-?} |"
    done
    for c in "${conns[@]}"; do
        echo "| - | nginx \`return 200\` | $c | ${rps[static,$c]:-?} |" \
            "${p50[static,$c]:-?} | ${p99[static,$c]:-?} |"
    done
    echo
    echo "Raw Xapian, one thread:"
    echo
    echo "| corpus | queries run | CPU µs a query | wall µs a query | implied req/s a core |"
    echo "|---|---:|---:|---:|---:|"
    for corpus in "${corpora[@]}"; do
        line=${raw_line[$corpus]}
        echo "| $corpus | $(field "$line" queries) | $(field "$line" cpu_us_per_query)" \
            "| $(field "$line" wall_us_per_query) | $(field "$line" qps_per_core) |"
    done
    echo
    echo "Ratios. *migsearch/Omega* is requests/s of migsearch (facets=0) over Omega's"
    echo "(target: at least 20 at 16 connections). *vs floor + raw* is migsearch's time a"
    echo "request (1 / its requests/s) over the floor's time a request plus raw Xapian's"
    echo "CPU time a query spread over min(connections, $cores cores); 1.00 means the"
    echo "handler adds nothing (target: within 1.15)."
    echo
    before_head='' before_rule=''
    if [ -n "$before" ]; then
        before_head=" migsearch/before |"
        before_rule="---:|"
    fi
    echo "| corpus | conns | migsearch/Omega | feedback off/Omega | migsearch vs floor + raw" \
        "| migsearch+facets/migsearch |$before_head"
    echo "|---|---:|---:|---:|---:|---:|$before_rule"
    for corpus in "${corpora[@]}"; do
        raw_us=$(field "${raw_line[$corpus]}" cpu_us_per_query)
        for c in "${conns[@]}"; do
            before_cell=
            [ -z "$before" ] ||
                before_cell=" $(div "${rps[$corpus,ms,$c]}" "${rps[$corpus,before,$c]}") |"
            echo "| $corpus | $c | $(div "${rps[$corpus,ms,$c]}" "${rps[$corpus,om,$c]}")" \
                "| $(div "${rps[$corpus,nofb,$c]}" "${rps[$corpus,om,$c]}")" \
                "| $(overhead "${rps[$corpus,ms,$c]}" "${rps[hello,$c]:-0}" "$raw_us" "$c")" \
                "| $(div "${rps[$corpus,msf,$c]}" "${rps[$corpus,ms,$c]}") |$before_cell"
        done
    done
    echo
    if [ "$quick" = 1 ]; then
        echo "This is the quick run (\`make bench-quick\`): the sample archive only, ${secs} s a"
        echo "measurement. \`make bench\` adds the large corpus and longer measurements."
        echo
    fi
} >"$report"

mkdir -p "$(dirname "$output")"
cp "$report" "$output"
cat "$report"
echo "written: $output" >&2
