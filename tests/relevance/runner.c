/* runner.c - relevance-run: a test collection's queries through ms_index_search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: relevance-run [--limit N] [--max-terms N] [--tag TAG] INDEX QUERIES
 * QUERIES has one "qid<TAB>text" line per query. Each text is searched
 * exactly as migsearch-fcgi searches a user's q (ms_search__prepare in
 * fcgi/search.c, with the shipped config/migsearch.yaml): the same
 * ms_search_t, zeroed and then given the query, language "en" (the
 * configured default; no language filter), no filters, relevance order,
 * no dates, an anonymous viewer, no facets, max_terms 64 and max_depth 16;
 * and no snippets, which cost time and do not change the ranking. Only the
 * limit differs: 1000 instead of a page, for MAP and Recall@100.
 * --max-terms changes search.max_terms, to measure what the limit costs
 * on long queries. The text is
 * handed over untouched, so quotes, brackets, "+", "-", "AND" and the rest
 * mean what they mean to a user, and a query the parser rejects falls back
 * to plain words inside ms_index_search, as it does for the server.
 *
 * Writes a TREC run ("qid Q0 docid rank score tag") on standard output. A
 * query the index calls bad (what a user would get as a 400) gets no lines
 * and is reported on stderr; the evaluator then scores it 0. Exit status:
 * 0; 1 when the index cannot be opened or a search fails otherwise; 2 on a
 * usage error or an unreadable query file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_index.h"

#define DEFAULT_LIMIT 1000

/* search.max_terms and search.max_depth of config/migsearch.yaml. */
#define CONFIG_MAX_TERMS 64
#define CONFIG_MAX_DEPTH 16

static int
usage(void)
{
    fprintf(
        stderr,
        "usage: relevance-run [--limit N] [--max-terms N] [--tag TAG] INDEX QUERIES\n");
    return 2;
}

/* Split "qid<TAB>text" in place; strips the line end. Returns 0 or -1. */
static int
split_query(char **qid, char **text, char *line)
{
    size_t len = strlen(line);
    char *tab;

    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    tab = strchr(line, '\t');
    if (tab == NULL || tab == line)
        return -1;
    *tab = '\0';
    for (char *c = line; *c; c++) {
        if (*c == ' ')
            return -1;
    }
    *qid = line;
    *text = tab + 1;
    return 0;
}

int
main(int argc, char **argv)
{
    const char *tag = "migsearch", *index_path, *queries_path;
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status;
    FILE *queries = NULL;
    char *line = NULL;
    size_t line_cap = 0;
    unsigned long line_no = 0, n_queries = 0, n_bad = 0, n_plain = 0;
    unsigned limit = DEFAULT_LIMIT, max_terms = CONFIG_MAX_TERMS;
    int arg = 1, rc = 1;

    while (arg < argc && strncmp(argv[arg], "--", 2) == 0) {
        if ((strcmp(argv[arg], "--limit") == 0 ||
             strcmp(argv[arg], "--max-terms") == 0) &&
            arg + 1 < argc) {
            char *end;
            unsigned long value;

            errno = 0;
            value = strtoul(argv[arg + 1], &end, 10);
            if (errno != 0 || *end != '\0' || argv[arg + 1][0] == '-' || value == 0 ||
                value > 100000)
                return usage();
            if (argv[arg][2] == 'l')
                limit = (unsigned)value;
            else
                max_terms = (unsigned)value;
        } else if (strcmp(argv[arg], "--tag") == 0 && arg + 1 < argc &&
                   argv[arg + 1][0] != '\0' && strpbrk(argv[arg + 1], " \t\n") == NULL) {
            tag = argv[arg + 1];
        } else {
            return usage();
        }
        arg += 2;
    }
    if (argc - arg != 2)
        return usage();
    index_path = argv[arg];
    queries_path = argv[arg + 1];

    queries = fopen(queries_path, "r");
    if (queries == NULL) {
        fprintf(stderr, "relevance-run: %s: %s\n", queries_path, strerror(errno));
        rc = 2;
        goto out;
    }
    status = ms_index_open(&idx, index_path, MS_INDEX_READ, &err);
    if (status != MS_INDEX_OK) {
        fprintf(stderr, "relevance-run: %s: %s\n", index_path, err.text);
        goto out;
    }

    while (getline(&line, &line_cap, queries) != -1) {
        ms_results_t *results = NULL;
        ms_search_t search;
        char *qid, *text;

        line_no++;
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        if (split_query(&qid, &text, line) != 0) {
            fprintf(stderr, "relevance-run: %s:%lu: expected qid<TAB>text\n",
                    queries_path, line_no);
            rc = 2;
            goto out;
        }
        n_queries++;

        /* As ms_search__prepare builds it for q=text and no other parameter. */
        memset(&search, 0, sizeof(search));
        search.query = text;
        search.language = "en";
        search.filters = NULL;
        search.n_filters = 0;
        search.offset = 0;
        search.limit = limit;
        search.snippet_length = 0;
        search.sort = MS_SORT_RELEVANCE;
        search.viewer = NULL;
        search.facets = 0;
        search.max_terms = max_terms;
        search.max_depth = CONFIG_MAX_DEPTH;

        status = ms_index_search(&results, idx, &search);
        if (status == MS_INDEX_BAD_QUERY) {
            fprintf(stderr, "relevance-run: query %s: %s (a user would get a 400)\n", qid,
                    ms_index_errmsg(idx));
            n_bad++;
            continue;
        }
        if (status != MS_INDEX_OK) {
            fprintf(stderr, "relevance-run: query %s: %s: %s\n", qid,
                    ms_index_status_string(status), ms_index_errmsg(idx));
            goto out;
        }
        n_plain += results->plain_words != 0;
        for (size_t i = 0; i < results->n_hits; i++) {
            printf("%s Q0 %s %zu %.6f %s\n", qid, results->hits[i].doc.id, i + 1,
                   results->hits[i].score, tag);
        }
        ms_results_free(results);
    }
    if (ferror(queries)) {
        fprintf(stderr, "relevance-run: %s: %s\n", queries_path, strerror(errno));
        rc = 2;
        goto out;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "relevance-run: writing the run: %s\n", strerror(errno));
        goto out;
    }
    fprintf(stderr, "relevance-run: %lu queries, %lu bad, %lu searched as plain words\n",
            n_queries, n_bad, n_plain);
    rc = 0;
out:
    free(line);
    if (queries != NULL)
        fclose(queries);
    ms_index_close(idx);
    return rc;
}
