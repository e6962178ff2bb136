#!/usr/bin/env bash
# peers.sh - migsearch beside Sphinx and PostgreSQL: speed, snippets, rebuild and quality
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/peers.sh [--quick] [BUILD_DIR] [OUTPUT_MD]
#   --quick    a few minutes: 3 rounds of the queries, 2 s a throughput
#              measurement, the small relevance collections, no synthetic
#              archives; without it 20 rounds, 10 s, every collection and
#              rebuilds at 100k and 1M generated documents
#   BUILD_DIR  holds indexer/migsearch-index and fcgi/migsearch-fcgi
#              (default build/release: `make build`)
#   OUTPUT_MD  where the Markdown section goes (default standard output)
# MS_BENCH_SECONDS overrides the seconds a throughput measurement,
# MS_PEERS_ROUNDS the rounds, MS_PEERS_SIZES the synthetic sizes ("" none),
# MS_PEERS_RELEVANCE the folder of relevance-run and relevance-eval.
#
# Part 5 of tests/bench/run.sh (issue 20). Everything in one invocation:
#  1. the corpus (every .md and .txt file of ../shared/data/corpus, copied)
#     indexed by migsearch-index --rebuild (shipped config: spelling on,
#     jobs = cores); tests/bench/peers_export.c writes what the index
#     stored (id, title, body) for the peers; Sphinx's indexer --all and
#     PostgreSQL's COPY + GIN load it: seconds, documents/s, size on disk
#  2. tests/bench/peers_bench.c, one C client: the queries of
#     tests/bench/peers-queries.txt interleaved across the engines, any-word
#     and all-words, with and without snippets: p50/p99, server CPU, the
#     overlap of the top 10s; requests/s at 16 threads (migsearch in
#     process and, with wrk, through nginx)
#  3. long documents: a snippet's cost against the length of the hit
#  4. the Zipf stream of tests/bench/zipf-queries.sh through nginx, and
#     the peers on it (peers_bench rps); Omega through its nginx
#  5. MAP and P@10 of each engine on ../shared/data/ir (tests/relevance:
#     convert.sh, relevance-run for migsearch, relevance-eval for all)
#  6. full mode: rebuild of tests/bench/synth.c archives, all three engines
# The peers run from the temporary folder (tests/bench/peers-lib.sh) and
# stop at exit, on a failure too.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/bench
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
# shellcheck source=tests/bench/peers-lib.sh
. "$here/peers-lib.sh"
bench_args "$@"
if [ "$quick" = 1 ]; then
    rounds=${MS_PEERS_ROUNDS:-3}
    collections=(adi cranfield medline)
    sizes=${MS_PEERS_SIZES-}
    stream=2000
else
    rounds=${MS_PEERS_ROUNDS:-20}
    collections=(cranfield medline cacm npl lisa adi)
    sizes=${MS_PEERS_SIZES-100000 1000000}
    stream=20000
fi
[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
need_tools wrk nginx curl cc cmake searchd indexer psql xapian-delve pkg-config
need_omega
[ -x "$pgbin/initdb" ] || { echo "needs postgresql-15: make deps-bench" >&2; exit 2; }
[ -d "$shared_corpus" ] || { echo "needs $shared_corpus" >&2; exit 2; }

work=$(mktemp -d)
chmod 755 "$work" # the cluster's owner walks through it
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; peers_cleanup; exit $rc' EXIT
# shellcheck disable=SC2034  # read by peers-report.sh
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
results=$work/results # "key value..." lines, read by the report

# ---- the tools ----
bin=$work/bin
mkdir -p "$bin"
shim=(-I "$top/indexer/shim" -I "$top/common")
libs=("$build/indexer/libms_index.a" "$build/common/libms_common.a")
# pkg-config prints several flags: split on purpose.
# shellcheck disable=SC2046
cc -std=c11 -O2 "${shim[@]}" -o "$bin/peers_export" "$here/peers_export.c" "${libs[@]}" \
    $(pkg-config --libs xapian-core libutf8proc) -lstdc++ -lm
# shellcheck disable=SC2046
cc -std=c11 -O2 "${shim[@]}" $(pkg-config --cflags libmariadb) -I /usr/include/postgresql \
    -o "$bin/peers_bench" "$here/peers_bench.c" "$here/peers_engines.c" "${libs[@]}" \
    $(pkg-config --libs xapian-core libutf8proc libmariadb) -lpq -lpthread -lstdc++ -lm
# relevance-run (through the server's request parsing: ms_fcgi_core) and
# relevance-eval: from a build with tests, else built beside BUILD_DIR once.
# MS_PEERS_RELEVANCE names a folder that holds both instead.
rel=${MS_PEERS_RELEVANCE:-$build/tests/relevance}
if [ ! -x "$rel/relevance-run" ] || [ ! -x "$rel/relevance-eval" ]; then
    tools=$top/build/bench-tools
    echo "== building relevance-run and relevance-eval in $tools" >&2
    cmake -S "$top" -B "$tools" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMS_BUILD_TESTS=ON \
        >/dev/null
    cmake --build "$tools" -j2 --target relevance-run relevance-eval >/dev/null
    rel=$tools/tests/relevance
fi
runner=$rel/relevance-run
evaluator=$rel/relevance-eval

secs_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# DIR ARCHIVE [spelling]: DIR/migsearch.yaml and migsearch-index --rebuild
# of ARCHIVE into DIR/index; appends "rebuild NAME migsearch docs secs bytes".
migsearch_rebuild() {
    local dir=$1 archive=$2 spelling=${3:-true} t0 t1 status=0 docs
    bench_config "$dir" "$archive" "  spelling: $spelling"
    t0=$(date +%s.%N)
    "$indexer" --quiet --rebuild --config "$dir/migsearch.yaml" >"$dir/index.log" 2>&1 ||
        status=$?
    t1=$(date +%s.%N)
    [ "$status" = 0 ] || [ "$status" = 3 ] ||
        { tail "$dir/index.log" >&2; echo "migsearch-index: $status" >&2; exit 1; }
    docs=$(xapian-delve "$dir/index/XAPIANDB" 2>/dev/null |
        awk '/number of documents/ { print $NF }')
    echo "rebuild $(basename "$dir") migsearch $docs $(secs_of "$t0" "$t1")" \
        "$(du -sbL "$dir/index" | cut -f1)" >>"$results"
}

# DIR: the export, then both peers loaded from it (Sphinx's index built,
# not served; PostgreSQL's database named after DIR); appends their
# rebuild lines.
peers_load() {
    local dir=$1 name docs built
    name=$(basename "$dir")
    docs=$("$bin/peers_export" "$dir/index" "$dir" | sed 's/^docs=\([0-9]*\).*/\1/')
    sphinx_conf "$dir" "$(free_port)"
    # A load that fails stops the run: its time would be no rebuild's.
    built=$(sphinx_build "$dir") || { echo "Sphinx's indexer failed on $name" >&2; exit 1; }
    echo "rebuild $name sphinx $docs $built" >>"$results"
    built=$(pg_load "$name" "$dir") || { echo "PostgreSQL's load failed on $name" >&2; exit 1; }
    echo "rebuild $name postgres $docs $built" >>"$results"
}

# DIR: searchd on DIR's Sphinx index (the one served at a time); sets
# sphinx_port and the client's options for DIR in ask.
serve_peers() {
    local dir=$1
    sphinx_stop
    sphinx_port=$(sed -n 's/^ *listen = 127.0.0.1:\([0-9]*\):mysql41/\1/p' "$dir/sphinx.conf")
    sphinx_start "$dir" "$sphinx_port"
    ask=(-i "$dir/index" -s "$sphinx_port" -S "$searchd_pid"
        -p "$pg_base dbname=$(basename "$dir")")
}

pg_start

# ---- 1. the corpus ----
corpus=$work/corpus
mkdir -p "$corpus/archive"
(cd "$shared_corpus" && find . -type f \( -name '*.md' -o -name '*.txt' \) \
    -exec cp --parents -t "$corpus/archive" {} +)
echo "== corpus: $(find "$corpus/archive" -type f | wc -l) files" >&2
migsearch_rebuild "$corpus" "$corpus/archive"
peers_load "$corpus"
grep '^rebuild corpus' "$results" >&2
serve_peers "$corpus"

# ---- 2. the same queries, one client ----
queries=$here/peers-queries.txt
echo "== time: $rounds rounds of $(wc -l <"$queries") queries" >&2
"$bin/peers_bench" "${ask[@]}" time "$queries" "$rounds" | tee -a "$results" >&2
echo "== rps: 16 threads, $secs s" >&2
"$bin/peers_bench" "${ask[@]}" rps "$queries" "$secs" 16 | tee -a "$results" >&2
# The same 30 queries again and again would be answered from the answers
# a server keeps (search.result_cache_mb), which Sphinx 2.2 and PostgreSQL
# have none of: these rows are searches, with none kept (start_migsearch,
# lib.sh). The Zipf stream (4.) is measured both ways.
cp "$corpus/migsearch.yaml" "$corpus/shipped.yaml"
start_migsearch "$server" "$corpus" "$corpus/archive"
# shellcheck disable=SC2154  # set by start_migsearch (lib.sh)
url=http://127.0.0.1:$started_port
for facets in 0 1; do
    make_lua "$queries" "/search?q=" "&facets=$facets" >"$work/ms.lua"
    for c in 1 16; do
        echo "nginx facets=$facets c=$c $(measure "$url" "$work/ms.lua" "$c")" |
            tee -a "$results" >&2
    done
done

# ---- 3. long documents: each query the first words of a title ----
# Titles in ASCII only: the snippet's cost, not another language's match
# (a 5-word all-words query in Russian costs migsearch 60 to 120 ms).
pg_sql corpus -c "SELECT title FROM (SELECT title, octet_length(body) AS b,
        row_number() OVER (PARTITION BY width_bucket(octet_length(body),
        ARRAY[10000, 100000, 1000000]) ORDER BY n) AS k FROM docs
        WHERE title ~ '^[ -~]+\$') t WHERE b >= 100000 OR k <= 25" |
    awk '{ n = NF < 6 ? NF : 6; q = $1; for (i = 2; i <= n; i++) q = q " " $i; print q }' \
        >"$work/long.queries"
echo "== long: $(wc -l <"$work/long.queries") titles" >&2
"$bin/peers_bench" "${ask[@]}" long "$work/long.queries" "$corpus/ids" 3 |
    tee -a "$results" >&2

# ---- 4. the Zipf stream through nginx ----
"$here/zipf-queries.sh" --distinct $((stream / 4)) --stream "$stream" "$corpus/archive" \
    >"$work/zipf.queries"
make_lua "$work/zipf.queries" "/search?q=" "&facets=0" >"$work/zipf.lua"
for c in 1 16; do
    echo "zipf c=$c kept=0 $(measure "$url" "$work/zipf.lua" "$c")" | tee -a "$results" >&2
done
stop_migsearch "$corpus"
# The peers on the same stream, as on the 30 queries (2.): 16 threads, a
# connection each, with and without snippets. Neither keeps answers.
echo "== zipf: the peers, 16 threads, $secs s" >&2
"$bin/peers_bench" "${ask[@]}" -e sphinx -e postgres rps "$work/zipf.queries" "$secs" 16 |
    sed 's/^rps /zipf-rps /' | tee -a "$results" >&2
# Answers kept, at the shipped default (docs/config.md).
cp "$corpus/shipped.yaml" "$corpus/migsearch.yaml"
search_setting "$corpus/migsearch.yaml" "result_cache_mb: 32"
start_migsearch "$server" "$corpus" "$corpus/archive"
url=http://127.0.0.1:$started_port
for c in 1 16; do
    echo "zipf c=$c kept=shipped $(measure "$url" "$work/zipf.lua" "$c")" |
        tee -a "$results" >&2
done
stop_migsearch "$corpus"
# Omega on the same stream, as compare-search.sh runs it (the CGI behind
# fcgiwrap, omindex over the same files): issue 20's "20x Omega's" beside
# its "5x Sphinx's". Omega keeps no answers; its query parser reads the
# filters' lang:en as words.
start_omega "$corpus" "$corpus/archive" 4 0
make_lua "$work/zipf.queries" "/omega?DB=default&DEFAULTOP=or&P=" "" >"$work/zipf-omega.lua"
for c in 1 16; do
    echo "zipf-omega c=$c $(measure "$omega_url" "$work/zipf-omega.lua" "$c")" |
        tee -a "$results" >&2
done

# ---- 5. quality ----
data=${MS_RELEVANCE_DATA:-$top/../shared/data/ir}
for name in "${collections[@]}"; do
    dir=$work/$name
    mkdir -p "$dir/archive"
    [ -d "$data/$name" ] || { echo "no collection $data/$name" >&2; exit 2; }
    sh "$top/tests/relevance/convert.sh" "$name" "$data/$name" "$dir" 2>/dev/null
    mv "$dir/docs.jsonl" "$dir/archive/$name.jsonl"
    # As tests/relevance/run.sh indexes: spelling off (it ranks nothing).
    migsearch_rebuild "$dir" "$dir/archive" false
    peers_load "$dir"
    serve_peers "$dir"
    "$runner" --tag migsearch "$dir/index" "$dir/queries.tsv" >"$dir/run.migsearch" \
        2>/dev/null
    for engine in sphinx postgres; do
        "$bin/peers_bench" "${ask[@]}" run "$engine" or "$dir/queries.tsv" "$engine" \
            >"$dir/run.$engine"
    done
    # Sphinx's plain BM25 ranker too: its default weighs phrase proximity
    # first, which long any-word queries suffer from.
    "$bin/peers_bench" "${ask[@]}" -r bm25 run sphinx or "$dir/queries.tsv" sphinx \
        >"$dir/run.sphinx_bm25"
    for engine in migsearch sphinx sphinx_bm25 postgres; do
        echo "quality $name $engine $("$evaluator" "$dir/qrels" "$dir/run.$engine" |
            awk '$1 == "map" { m = $2 } $1 == "p10" { p = $2 } $1 == "queries" { q = $2 }
                 END { print m, p, q }')" | tee -a "$results" >&2
    done
done
sphinx_stop

# ---- 6. rebuild at scale ----
if [ -n "$sizes" ]; then
    cc -std=c11 -O2 -o "$bin/synth" "$here/synth.c"
    for n in $sizes; do
        dir=$work/synth$n
        mkdir -p "$dir"
        echo "== synthetic: $n documents" >&2
        "$bin/synth" "$shared_corpus" "$n" "$dir/archive" 2>/dev/null
        migsearch_rebuild "$dir" "$dir/archive"
        rm -rf "$dir/archive"
        peers_load "$dir"
        rm -f "$dir/sphinx.xml" "$dir/pg.copy"
        grep "^rebuild synth$n " "$results" >&2
    done
fi

# shellcheck source=tests/bench/peers-report.sh
. "$here/peers-report.sh" >"$work/report.md"
emit_report "$work/report.md"
