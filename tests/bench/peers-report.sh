# peers-report.sh - the Markdown section of tests/bench/peers.sh from its results
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154  # set by peers.sh
#
# Sourced by peers.sh at its end, with results (the "key value..." lines
# the parts appended), quick, rounds, secs, stream, load_start, searchd's
# and PostgreSQL's settings as peers-lib.sh and peers_engines.c give them.
# Prints the section on standard output.

# PREFIX ACTION [END]: the awk ACTION for each result line starting with
# PREFIX, its key=value fields in v["key"]; END at the end.
rows() {
    awk -v prefix="$1" '
        index($0, prefix) == 1 { split("", v)
            for (i = 1; i <= NF; i++) if ((j = index($i, "=")) > 0)
                v[substr($i, 1, j - 1)] = substr($i, j + 1)
            '"$2"' }
        END { '"${3:-}"' }' "$results"
}

sphinx_version=$(searchd --help 2>/dev/null | awk 'NR == 1 { print $2 }')
pg_version=$("$pgbin/postgres" --version | awk '{ print $3 }')
echo "## 5. Peers: Sphinx and PostgreSQL (issue 20)"
echo
echo "Written by \`tests/bench/peers.sh$([ "$quick" = 1 ] && echo " --quick")\`" \
    "($(date -u '+%Y-%m-%d %H:%M UTC'), load average $load_start at the start): every"
echo "figure of this section comes from that one invocation, so compare within it."
echo "Sphinx $sphinx_version (Debian's \`sphinxsearch\`), PostgreSQL $pg_version, Xapian" \
    "$(xapian-config --version | awk '{ print $NF }')."
echo
echo "**Same texts, same ids.** migsearch-index indexes the corpus (every .md and .txt"
echo "file of \`../shared/data/corpus\`) with the shipped settings (spelling on, jobs ="
echo "cores); \`tests/bench/peers_export.c\` reads back through the shim what the index"
echo "stored of each document (id, title, body: the text migsearch extracted) and"
echo "writes it as Sphinx's xmlpipe2 and PostgreSQL's COPY, in id order."
echo
echo "**The peers, as the bench starts them** (\`tests/bench/peers-lib.sh\`, from the"
echo "temporary folder, private ports, stopped at exit):"
echo
echo "- Sphinx: \`indexer --all\` (\`mem_limit = 256M\`) over an xmlpipe2 source;"
echo "  \`morphology = stem_en\`, \`min_word_len = 1\`, title and body fields that are"
echo "  also string attributes (\`SNIPPET()\` reads them); \`searchd\` with"
echo "  \`workers = threads\`, SphinxQL over libmariadb. Query: \`SELECT mid FROM docs"
echo "  WHERE MATCH(...) LIMIT 10 OPTION ranker=proximity_bm25,"
echo "  field_weights=(title=3, body=1)\` (the default ranker; a title word counts 3"
echo "  times, as in migsearch), any-word \`a | b\`, all-words \`a b\`; snippets"
echo "  \`SNIPPET(body, 'a b', 'limit=240', 'limit_passages=3')\`."
echo "- PostgreSQL: its own \`initdb\` cluster (\`maintenance_work_mem = 256MB\`,"
echo "  otherwise defaults), a table with a generated \`tsvector\`"
echo "  (\`setweight(to_tsvector('english', title), 'A') || setweight(..., body, 'D')\`),"
echo "  COPY, then a GIN index. Query (prepared): \`websearch_to_tsquery('english', ...)\`,"
echo "  \`ORDER BY ts_rank_cd('{0.1, 0.2, 0.4, 0.3}', tsv, q) DESC LIMIT 10\` (title A"
echo "  at 3 times the body's D), any-word \`a or b\`, all-words \`a b\`; snippets"
echo "  \`ts_headline('english', body, q, 'MaxFragments=3, MaxWords=35, MinWords=15')\`"
echo "  in an outer query over the top 10 only."
echo "- migsearch: the shim in process (\`ms_index_search\` as the server asks it:"
echo "  language en, every language, 3 snippets of 240 characters, feedback on);"
echo "  *without snippets* is its bare match, feedback off; *full* adds facets."
echo "  Any-word is its default, all-words \`+a +b\`."
echo
echo "Every engine gets the same words: \`tests/bench/peers_engines.c\` lowers the"
echo "query and keeps its words and quoted phrases, so no user text is an operator."
echo

echo "### Per query, one client, top 10"
echo
echo "\`peers_bench time\`: the $(wc -l <"$here/peers-queries.txt") queries of"
echo "\`tests/bench/peers-queries.txt\` (2 to 4 domain words), $rounds rounds after a"
echo "warm-up, interleaved (each query: each variant, each engine, the order turning"
echo "with the query and the round, so none is always first). Wall time is the"
echo "client's; server CPU is searchd's threads' or the postgres backend's"
echo "(\`/proc/PID/task/*/schedstat\`), migsearch's own thread's in process."
echo "*vs Sphinx* is p50 over Sphinx's p50 for the same variant."
echo
echo "| engine | words | snippets | p50 ms | p99 ms | server CPU ms | hits | snippet bytes a hit | vs Sphinx |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
rows "time " 'key = v["op"] v["snippets"]; p50[v["engine"] key] = v["p50_us"]
    line[++n] = v["engine"] (v["facets"] == 1 ? " (full: facets)" : "") "|" key "|" \
        v["op"] "|" v["snippets"] "|" v["p50_us"] "|" v["p99_us"] "|" v["cpu_us"] "|" \
        v["hits"] "|" v["snippet_bytes_per_hit"]' '
    for (i = 1; i <= n; i++) { split(line[i], f, "|")
        s = p50["sphinx" f[2]]
        printf "| %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %s | %s |\n", f[1],
            f[3] == "or" ? "any" : "all", f[4] + 0 ? "yes" : "no", f[5] / 1000,
            f[6] / 1000, f[7] / 1000, f[8], f[9], (s > 0 ? sprintf("%.2f", f[5] / s) : "-") }'
echo
echo "Top-10 overlap without snippets (mean over the queries where either finds"
echo "something): Jaccard of the two top-10 sets, and the ids they share."
echo
echo "| words | engines | Jaccard | shared ids of 10 | queries |"
echo "|---|---|---:|---:|---:|"
rows "overlap " 'printf "| %s | %s / %s | %s | %s | %s |\n", v["op"] == "or" ? "any" : "all",
    v["a"], v["b"], v["jaccard"], v["shared"], v["queries"]'
echo

echo "### Requests/s at 16 connections"
echo
echo "Any-word queries, top 10, $secs s each. The peers and migsearch in process:"
echo "\`peers_bench rps\`, 16 threads with a connection (or index handle) each."
echo "Through nginx: migsearch-fcgi (shipped config, but no answers kept:"
echo "\`search.result_cache_mb: 0\`, since the peers keep none and these 30 queries asked"
echo "again and again would all be kept answers) behind \`config/render-nginx.sh\`'s"
echo "nginx, wrk (\`/search?q=...\`, with snippets and feedback; facets as shown)."
echo
echo "| engine | snippets | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---:|---:|---:|---:|"
rows "rps " 'printf "| %s%s | %s | %.0f | - | - | %s |\n", v["engine"],
    v["engine"] == "migsearch" ? " (in process)" : "", v["snippets"] + 0 ? "yes" : "no",
    v["rps"], v["errors"]'
awk '$1 == "nginx" { split($2, f, "="); split($3, c, "=")
    printf "| migsearch through nginx, %s, c=%s | yes | %.0f | %.2f | %.2f | %s |\n",
        f[2] == 1 ? "facets" : "no facets", c[2], $4, $5, $6, $7 }' "$results"
echo

echo "### Rebuild"
echo
echo "Wall time of a full rebuild from the files or the export: migsearch-index"
echo "--rebuild (spelling on, jobs = cores, extraction included), Sphinx's"
echo "\`indexer --all\` (from the xmlpipe2 file), PostgreSQL's COPY + CREATE INDEX"
echo "(GIN). Size: the index generation, Sphinx's index files, the table with its"
echo "TOAST and indexes (\`pg_total_relation_size\`). The relevance collections' loads"
echo "are left out (spelling off there)."
echo
echo "| texts | engine | documents | seconds | documents/s | MB on disk | time vs Sphinx | size vs Sphinx |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
awk '$1 == "rebuild" && ($2 == "corpus" || $2 ~ /^synth/) {
        key[++n] = $2 " " $3; d[n] = $4; s[n] = $5; b[n] = $6
        if ($3 == "sphinx") { ss[$2] = $5; sb[$2] = $6 } t[n] = $2; e[n] = $3 }
    END { for (i = 1; i <= n; i++)
        printf "| %s | %s | %d | %.2f | %.0f | %.1f | %s | %s |\n", t[i], e[i], d[i], s[i],
            (s[i] > 0 ? d[i] / s[i] : 0), b[i] / 1048576,
            (ss[t[i]] > 0 ? sprintf("%.1f", s[i] / ss[t[i]]) : "-"),
            (sb[t[i]] > 0 ? sprintf("%.1f", b[i] / sb[t[i]]) : "-") }' "$results"
[ -z "$sizes" ] && echo && echo "(No synthetic archives in this run: \`--quick\`, or MS_PEERS_SIZES empty.)"
echo

echo "### Long documents: a snippet's cost against the hit's length"
echo
echo "\`peers_bench long\`: each query is the first words of an ASCII title (every"
echo "document of 100 KB and more, 25 of each shorter band), all-words, top 1;"
echo "best of 4 runs with a snippet minus best of 4 without (migsearch: feedback off"
echo "in both), grouped by the body length of the hit each engine returned: ms of"
echo "snippet a hit."
echo
echo "| body length | migsearch | Sphinx | PostgreSQL | queries (migsearch / Sphinx / PostgreSQL) |"
echo "|---|---:|---:|---:|---|"
rows "long " 'cost[v["bucket"], v["engine"]] = sprintf("%.2f", v["snippet_us"] / 1000)
    n[v["bucket"], v["engine"]] = v["docs"]' '
    split("<10KB 10-100KB 100KB-1MB >=1MB", b, " ")
    for (i = 1; i <= 4; i++) { k = b[i]
        if (!((k, "migsearch") in n) && !((k, "sphinx") in n) && !((k, "postgres") in n))
            continue
        printf "| %s | %s | %s | %s | %d / %d / %d |\n", k, cost[k, "migsearch"],
            cost[k, "sphinx"], cost[k, "postgres"], n[k, "migsearch"], n[k, "sphinx"],
            n[k, "postgres"] }'
echo

echo "### The Zipf stream through nginx"
echo
echo "\`tests/bench/zipf-queries.sh --distinct $((stream / 4)) --stream $stream\` over the"
echo "corpus (1 to 6 words, a phrase in one query of 10, a \`lang:\` filter in one of"
echo "10; the k-th query asked with weight 1/k), sent in stream order by wrk to"
echo "migsearch through nginx (\`facets=0\`, snippets and feedback), $secs s each: with no"
echo "answers kept (\`search.result_cache_mb: 0\`), then the shipped config, which keeps"
echo "them, each server started for it. The peers on the same stream in the same order"
echo "(\`peers_bench rps\`, 16 threads with a connection each, any-word; the phrase's"
echo "and the filter's words as words): neither keeps answers. Omega (Debian's CGI"
echo "behind fcgiwrap, as part 1 runs it) through its nginx on the same stream, keeping"
echo "none either. The last columns are requests/s over Sphinx's with snippets and"
echo "over Omega's, both at 16 connections (issue 20 asks for 5 and 20)."
echo
echo "| engine | answers kept | connections | requests/s | p50 ms | p99 ms | non-2xx | / Sphinx | / Omega |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
awk '$1 == "zipf-rps" { split("", v)
        for (i = 2; i <= NF; i++) { j = index($i, "="); v[substr($i, 1, j - 1)] = substr($i, j + 1) }
        if (v["engine"] == "sphinx" && v["snippets"] == 1) sphinx = v["rps"]
        peer[++n] = sprintf("| %s, snippets %s | none | %s | %.0f | - | - | %s |",
            v["engine"] == "sphinx" ? "Sphinx" : "PostgreSQL",
            v["snippets"] == 1 ? "yes" : "no", v["threads"], v["rps"], v["errors"])
        rate[n] = v["rps"] }
    $1 == "zipf" { split($2, c, "="); split($3, k, "=")
        ms[++m] = sprintf("| migsearch through nginx | %s | %s | %.0f | %.2f | %.2f | %s |",
            k[2] == "0" ? "none" : "shipped (search.result_cache_mb 32)", c[2], $4, $5, $6, $7)
        mrate[m] = $4 }
    $1 == "zipf-omega" { split($2, c, "=")
        ms[++m] = sprintf("| Omega through nginx | none | %s | %.0f | %.2f | %.2f | %s |",
            c[2], $3, $4, $5, $6)
        mrate[m] = $3; if (c[2] == 16) omega = $3 }
    function ratio(r, base) { return base > 0 ? sprintf(" %.1f |", r / base) : " - |" }
    END { for (i = 1; i <= m; i++) print ms[i] ratio(mrate[i], sphinx) ratio(mrate[i], omega)
          for (i = 1; i <= n; i++) print peer[i] ratio(rate[i], sphinx) ratio(rate[i], omega) }' "$results"
echo

echo "### Quality at the same time"
echo
echo "MAP and P@10 over the judged queries of each collection of \`../shared/data/ir\`"
echo "(\`tests/relevance/convert.sh\`, scored by \`relevance-eval\`, top 1000):"
echo "migsearch through \`relevance-run\` as \`make test\`'s floors run it, the peers"
echo "any-word (\`peers_bench run\`) on the same texts, exported from migsearch's index;"
echo "Sphinx also with \`ranker=bm25\` (its default ranker puts phrase proximity first)."
echo
echo "| collection | migsearch MAP | Sphinx MAP | Sphinx (bm25) MAP | PostgreSQL MAP | migsearch P@10 | Sphinx P@10 | Sphinx (bm25) P@10 | PostgreSQL P@10 | queries |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk '$1 == "quality" { if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
        map[$2, $3] = $4; p10[$2, $3] = $5; q[$2] = $6 }
    END { for (i = 1; i <= n; i++) { c = order[i]
        printf "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n", c,
            map[c, "migsearch"], map[c, "sphinx"], map[c, "sphinx_bm25"], map[c, "postgres"],
            p10[c, "migsearch"], p10[c, "sphinx"], p10[c, "sphinx_bm25"], p10[c, "postgres"],
            q[c] } }' "$results"
