#!/usr/bin/env bash
# peer-fts5.sh - migsearch beside SQLite FTS5 (bm25) over the same files, in one run
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/peer-fts5.sh [--quick] [BUILD_DIR] [OUTPUT_MD]
#   --quick    the sample archive only, 2 s a measurement; otherwise the
#              sample archive and the large corpus, 10 s a measurement
#   BUILD_DIR  holds indexer/migsearch-index and fcgi/migsearch-fcgi
#              (default build/release: `make build`)
#   OUTPUT_MD  where the Markdown section goes (default standard output)
# MS_BENCH_SECONDS overrides the seconds a measurement.
#
# Part 4 of issue 7 ("Peer engine"). For each corpus, in one invocation and
# one after the other: migsearch-index builds a migsearch index (the shipped
# config/migsearch.yaml apart from paths) and tests/bench/fts5_bench.c loads
# an FTS5 table from the same files; then three engines run the same query
# list, one request at a time:
#   FTS5        fts5_bench, in process, one thread (bm25, 10 hits, a snippet)
#   raw Xapian  tests/bench/raw_xapian.cc over the migsearch index, in
#               process, one thread, with the shim's settings
#   migsearch   migsearch-fcgi behind the nginx config render-nginx.sh
#               writes, /search?q=...&facets=0, wrk at 1 connection
# The first two compare the engines on the same footing; the third is what
# a user of migsearch waits for. The overlap of the answers (the share of
# FTS5's top 10 that migsearch also returns in its top 10) shows that the
# engines answer comparably, so the times compare like with like.
#
# Corpora and queries are those of compare-search.sh (part 1): "sample" is
# tests/data/archive; "large" is every .md and .txt file of
# ../shared/data/corpus plus NPL's documents one .txt file each, queried by
# NPL's 93 queries (lowered, cut to 5 words) and then the sample's list.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/bench
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_args "$@"
if [ "$quick" = 1 ]; then
    corpora=(sample)
else
    corpora=(sample large)
fi

[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
need_tools wrk nginx curl jq cc g++ xapian-config xapian-delve
[ -f /usr/include/sqlite3.h ] || { echo "needs libsqlite3-dev" >&2; exit 2; }
if [ "$quick" = 0 ]; then
    [ -d "$shared_corpus" ] && [ -f "$npl/doc-text" ] ||
        { echo "needs $shared_corpus and $npl" >&2; exit 2; }
fi

work=$(mktemp -d)
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; cleanup; exit $rc' EXIT

# LINE KEY -> the value after KEY in a "key value key value" line
field() {
    awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$1"
}
div() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cc -O2 -std=c11 -o "$work/fts5_bench" "$here/fts5_bench.c" -lsqlite3
build_raw_xapian "$work/raw_xapian"

declare -A docs index_secs index_bytes fts_load fts_run fts_rank raw_run ms_rps ms_p50 \
    ms_p99 ms_bad ms_snippet overlap overlap_n examples

# The ids of a recommendation set's file as the meeting migsearch names its
# recommendations after ("<meeting>.r<n>"), so both engines' hits compare
# by source file: FTS5 indexes the set as one document.
set_ids() {
    (cd "$1" && find -L . -type f -name '*.md' -print0 | xargs -0 -r awk '
        function flush() { if (id != "" && m != "" && r) print id, m }
        FNR == 1 { flush(); id = m = ""; r = 0; front = $0 == "---"; next }
        !front { next }
        /^(---|\.\.\.)$/ { front = 0; next }
        /^id:/ { id = $2 } /^meeting:/ { m = $2 } /^type: *recommendation/ { r = 1 }
        END { flush() }')
}

run_corpus() {
    local name=$1 dir=$work/$1
    prepare "$name"
    local archive=$dir/archive nq
    nq=$(wc -l <"$dir/queries")
    echo "== $name: $nq queries" >&2

    # migsearch: the shipped config, paths changed (the socket's group left
    # to the process, as the benchmark does not run as www-data).
    cat >"$dir/migsearch.yaml" <<YAML
index:
  path: $dir/index
  synonyms: $top/config/synonyms.yaml
archive:
  path: $archive
server:
  socket: $dir/migsearch.sock
  socket_mode: "0600"
  socket_group: ""
YAML
    local t0 t1 status=0
    t0=$(date +%s.%N)
    "$indexer" --quiet --config "$dir/migsearch.yaml" || status=$?
    t1=$(date +%s.%N)
    # 3: some files failed (reported, not fatal for a benchmark).
    [ "$status" = 0 ] || [ "$status" = 3 ] ||
        { echo "migsearch-index: $status" >&2; exit 1; }
    index_secs[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
    index_bytes[$name]=$(du -sb "$(readlink -f "$dir/index")" | cut -f1)
    docs[$name]=$(xapian-delve "$dir/index" 2>/dev/null |
        awk '/number of documents/ {print $NF}')
    echo "   migsearch-index: ${docs[$name]} docs, ${index_secs[$name]} s" >&2

    # FTS5: load the same files, then the queries.
    local out
    out=$( (cd "$archive" && find -L . -type f | LC_ALL=C sort) |
        "$work/fts5_bench" --top "$dir/fts5.top" "$dir/fts5.db" "$archive" \
            "$dir/queries" "$secs")
    fts_load[$name]=$(head -1 <<<"$out")
    fts_run[$name]=$(grep '^queries ' <<<"$out")
    fts_rank[$name]=$(grep '^ranking_only_queries ' <<<"$out")
    echo "   fts5: $out" >&2

    raw_run[$name]=$("$work/raw_xapian" "$dir/index" "$dir/queries" "$secs")
    echo "   raw: ${raw_run[$name]}" >&2

    # migsearch through nginx.
    start_migsearch "$server" "$dir" "$archive"
    # shellcheck disable=SC2154  # set by start_migsearch (lib.sh)
    local url=http://127.0.0.1:$started_port

    # Overlap, before the timing (which it also warms): per query, the
    # share of FTS5's top 10 found in migsearch's top 10, by source file.
    set_ids "$archive" >"$dir/sets"
    local q ids
    : >"$dir/ms.top"
    while IFS= read -r q; do
        # ids, a tab, the bytes of all the hits' snippets
        ids=$(curl -sf "$url/search?q=$(printf '%s' "$q" | jq -sRr @uri)&facets=0" |
            jq -r '([.results[].id] | join(" ")) + "\t" +
                ([.results[].snippets[]?.html | utf8bytelength] | add // 0 | tostring)') ||
            ids=
        printf '%s\t%s\n' "$q" "$ids" >>"$dir/ms.top"
    done <"$dir/queries"
    read -r overlap[$name] overlap_n[$name] < <(
        awk -F'\t' -v sets="$dir/sets" '
            BEGIN { while ((getline l < sets) > 0) { split(l, p, " ")
                set[p[1]] = p[2] } }
            function norm(id) { if (id in set) return set[id]
                sub(/\.r[0-9]+$/, "", id); return id }
            FNR == 1 { file++ }
            file == 1 { fts[FNR] = $2; next }
            { delete ms; n = split($2, a, " ")
              for (i = 1; i <= n; i++) ms[norm(a[i])] = 1
              delete seen; k = split(fts[FNR], b, " "); hits = 0; both = 0
              for (i = 1; i <= k; i++) { id = norm(b[i]); if (id in seen) continue
                  seen[id] = 1; hits++; if (id in ms) both++ }
              if (hits > 0) { sum += both / hits; queries++ } }
            END { printf "%.2f %d\n", queries ? sum / queries : 0, queries }' \
            "$dir/fts5.top" "$dir/ms.top")
    examples[$name]=$(awk -F'\t' 'FNR == 1 { file++ }
            file == 1 { f[FNR] = split($2, a, " "); next } { m = split($2, a, " ") }
            FNR <= 3 || $1 == "trafficking" || $1 == "trafficing" {
                printf "%s`%s` (FTS5 %d, migsearch %d hits)", sep, $1, f[FNR], m
                sep = "; " }' \
        "$dir/fts5.top" "$dir/ms.top")

    ms_snippet[$name]=$(awk -F'\t' '{ hits += split($2, a, " "); bytes += $3 }
        END { printf "%.0f", hits ? bytes / hits : 0 }' "$dir/ms.top")

    make_lua "$dir/queries" "/search?q=" "&facets=0" >"$dir/ms.lua"
    read -r ms_rps[$name] ms_p50[$name] ms_p99[$name] ms_bad[$name] \
        < <(measure "$url" "$dir/ms.lua" 1)
    echo "   migsearch c=1: ${ms_rps[$name]} req/s, p50 ${ms_p50[$name]} ms," \
        "overlap ${overlap[$name]} over ${overlap_n[$name]} queries" >&2
    # shellcheck disable=SC2154  # set by start_migsearch (lib.sh)
    if ! kill -0 "$started_pid" 2>/dev/null; then
        echo "migsearch-fcgi DIED during the measurements" >&2
        exit 1
    fi
    stop_migsearch "$dir"
}

for corpus in "${corpora[@]}"; do
    run_corpus "$corpus"
done

# ---- the report ----
report=$work/report.md
us_ms() {
    awk -v v="$1" 'BEGIN { if (v == "") print "?"; else printf "%.3f", v / 1000 }'
}
# an in-process run's line -> queries/s of wall time
qps() { awk -v w="$(field "$1" wall_us_per_query)" 'BEGIN { printf "%.0f", 1e6 / w }'; }
# One table row, the ratios against $base_p50 and $base_qps (FTS5's):
# corpus engine docs load size p50_ms p99_ms queries/s cpu_us [note]
row() {
    echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8${10:-} | $9 | $(div "$6" "$base_p50")" \
        "| $(div "$8" "$base_qps") |"
}
{
    echo "## 4. Peer engine: SQLite FTS5"
    echo
    echo "Written by \`tests/bench/peer-fts5.sh$([ "$quick" = 1 ] && echo " --quick")\`;" \
        "every figure comes from one invocation ($(date -u '+%Y-%m-%d %H:%M UTC')," \
        "SQLite $(sqlite3 --version | cut -d' ' -f1), Xapian" \
        "$(xapian-config --version | awk '{print $NF}'), ${secs} s a measurement, load" \
        "average $load_start at the start), so compare within this section."
    echo
    echo "Engines, one request at a time: **FTS5** is \`tests/bench/fts5_bench.c\`, an"
    echo "FTS5 table (\`tokenize = 'porter unicode61'\`, in a database file) queried in"
    echo "process by one thread; **raw Xapian** is \`tests/bench/raw_xapian.cc\` over the"
    echo "migsearch index, in process, one thread, with the shim's settings;"
    echo "**migsearch** is migsearch-fcgi (shipped config apart from paths) behind the"
    echo "nginx config \`config/render-nginx.sh\` writes, asked \`/search?q=…&facets=0\`"
    echo "by wrk at 1 connection, so its times include HTTP, nginx, FastCGI and JSON."
    echo "Load/index time is the wall time to build the database or index from the"
    echo "files (FTS5: insert in one transaction, then \`optimize\`); size is the file"
    echo "or the index generation on disk. p50/p99 are of each query's wall time;"
    echo "queries/s is one thread's (the in-process loops) or one connection's;"
    echo "CPU µs a query is the in-process loop's own CPU time, the steadiest figure"
    echo "on a shared machine."
    echo "*FTS5 without snippets* runs the same queries again reading id and title"
    echo "only: what bm25 ranking costs without snippet(), which re-reads and"
    echo "tokenises the whole body of each hit (migsearch's snippets read at most"
    echo "3 chunks of 2000 bytes)."
    echo "Ratios are against FTS5 on the same corpus: *time ratio* is p50 over FTS5's"
    echo "p50, *speed ratio* queries/s over FTS5's (above 1: faster than FTS5)."
    echo
    echo "| corpus | engine | docs | load/index s | size MB | p50 ms | p99 ms" \
        "| queries/s | CPU µs a query | time ratio | speed ratio |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for corpus in "${corpora[@]}"; do
        fl=${fts_load[$corpus]} fr=${fts_run[$corpus]} fk=${fts_rank[$corpus]}
        rr=${raw_run[$corpus]} base_p50=$(us_ms "$(field "$fr" p50_us)")
        base_qps=$(qps "$fr")
        size=$(mb "${index_bytes[$corpus]}")
        row "$corpus" FTS5 "$(field "$fl" docs)" "$(field "$fl" load_s)" \
            "$(mb "$(field "$fl" db_bytes)")" "$base_p50" \
            "$(us_ms "$(field "$fr" p99_us)")" "$base_qps" "$(field "$fr" cpu_us_per_query)"
        row "$corpus" "FTS5 without snippets" "$(field "$fl" docs)" - - \
            "$(us_ms "$(field "$fk" p50_us)")" "$(us_ms "$(field "$fk" p99_us)")" \
            "$(qps "$fk")" "$(field "$fk" cpu_us_per_query)"
        row "$corpus" "raw Xapian" "${docs[$corpus]}" "${index_secs[$corpus]}" "$size" \
            "$(us_ms "$(field "$rr" p50_us)")" "$(us_ms "$(field "$rr" p99_us)")" \
            "$(qps "$rr")" "$(field "$rr" cpu_us_per_query)"
        bad=${ms_bad[$corpus]:-0}
        [ "$bad" = 0 ] && bad= || bad=" ($bad non-2xx)"
        row "$corpus" "migsearch (nginx, c=1)" "${docs[$corpus]}" \
            "${index_secs[$corpus]}" "$size" "${ms_p50[$corpus]}" "${ms_p99[$corpus]}" \
            "${ms_rps[$corpus]}" - "$bad"
    done
    echo
    echo "Answers. Share of FTS5's top 10 that migsearch also returns in its top 10,"
    echo "averaged over the queries where FTS5 finds anything (compared by source"
    echo "file: migsearch makes one document of each recommendation, FTS5 one of the"
    echo "whole set):"
    echo
    for corpus in "${corpora[@]}"; do
        echo "- $corpus: ${overlap[$corpus]} over ${overlap_n[$corpus]} of" \
            "$(wc -l <"$work/$corpus/queries") queries; hits per query FTS5" \
            "$(field "${fts_run[$corpus]}" hits_per_query); for example" \
            "${examples[$corpus]}."
    done
    echo
    echo "What differs:"
    echo
    echo "- **Documents.** FTS5 reads only the .md and .txt files (it has no"
    echo "  extractor): on the sample archive it skips the PDF, DOCX, ODT, HTML and"
    echo "  YAML recommendation sets migsearch indexes, and takes a recommendation set"
    echo "  as one document where migsearch makes one a recommendation; the large"
    echo "  corpus is .md and .txt only, so there both hold the same files. Titles:"
    echo "  front matter, else the first heading or line, as migsearch takes them."
    echo "- **Tokeniser and stemming.** FTS5's unicode61 folds case and diacritics and"
    echo "  its porter stemmer is the original English Porter algorithm applied to"
    echo "  every word of every language; migsearch stems with Snowball (Porter 2)"
    echo "  in each document's language, keeps unstemmed terms too (STEM_SOME: a"
    echo "  capitalised query word matches exactly), indexes CJK as n-grams and"
    echo "  counts title words 3 times (FTS5 gets the same with bm25 column weights"
    echo "  0, 3, 1). migsearch drops its English stop words from a query (\"of\","
    echo "  \"in\", ...: indexer/shim/search.cc); FTS5 and raw Xapian keep them, so"
    echo "  they score many more documents for NPL's queries."
    echo "- **Operators.** Both OR the words and keep a double-quoted phrase; FTS5"
    echo "  is given each word quoted, so no user text is an FTS5 syntax error, and"
    echo "  gets none of migsearch's query syntax (title:, +/-, wildcards, NOT),"
    echo "  synonyms or spelling suggestions (migsearch's did_you_mean)."
    echo "  FTS5 scores every match for ORDER BY bm25() LIMIT 10 and counts nothing;"
    echo "  Xapian stops early where it can and estimates the total (checked over at"
    echo "  least 1000 documents). raw Xapian also hides restricted documents."
    echo "- **Snippets.** FTS5 gives one snippet() of up to 40 tokens from the body"
    echo "  of each hit; migsearch and raw Xapian give up to 3 of 240 characters,"
    echo "  from the best 2000-byte chunks of the body. Bytes of snippet a hit, marks"
    echo "  included, FTS5 / migsearch:"
    for corpus in "${corpora[@]}"; do
        echo "  $corpus $(field "${fts_run[$corpus]}" snippet_bytes_per_hit) /" \
            "${ms_snippet[$corpus]};"
    done
    echo "  FTS5's snippet() reads and tokenises the whole body of every hit, so its"
    echo "  cost grows with the length of the documents (compare the *without"
    echo "  snippets* row), where migsearch's is bounded by the chunks."
    echo "- **Load.** migsearch-index also extracts PDF/Office/HTML, fills the"
    echo "  spelling dictionary and synonyms and writes a state entry a file, and"
    echo "  switches generations; FTS5 inserts and merges. Both store the full text."
} >"$report"

emit_report "$report"
