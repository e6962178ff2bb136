/* runner.c - relevance-run: a test collection's queries, searched as the server does
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: relevance-run [--limit N] [--max-terms N] [--feedback-window N] [--tag TAG]
 *                      INDEX QUERIES
 * QUERIES has one "qid<TAB>text" line per query. Each text is searched
 * exactly as migsearch-fcgi searches a user's q: it becomes the query
 * string "q=<text percent-encoded>&per_page=<limit>&facets=0" and goes
 * through the server's own parameter parsing and search preparation
 * (fcgi/ms_query.h: ms_query_parse, ms_query_prepare) with the default
 * config (ms_config_defaults, the same values as the shipped
 * config/migsearch.yaml), limits included: language "en" (the configured
 * default; no language filter), relevance order, an anonymous viewer, no
 * facets, search.max_query_length as the byte limit, search.max_terms,
 * max_depth, max_expansion and feedback. Two things differ, neither of
 * which changes the ranking of what is found: the page is the limit
 * (1000 by default instead of 10, for MAP and Recall@100; the config's
 * search.max_per_page is raised to it), and no snippets are made, which
 * cost time. --max-terms changes search.max_terms, to measure what the
 * limit costs on long queries; --feedback-window search.feedback_window
 * (0: every match), to measure what the window costs the ranking. The text is otherwise
 * handed over untouched, so quotes, brackets, "+", "-", "AND" and the rest mean what they
 * mean to a user, and a query the parser rejects falls back to plain words inside
 * ms_index_search, as it does for the server.
 *
 * Writes a TREC run ("qid Q0 docid rank score tag") on standard output. A
 * query the server would answer with a 400 (bad parameters, or one the
 * index calls bad) gets no lines and is reported on stderr; the evaluator
 * then scores it 0. Exit status:
 * 0; 1 when the index cannot be opened or a search fails otherwise; 2 on a
 * usage error or an unreadable query file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_config.h"
#include "ms_escape.h"
#include "ms_index.h"
#include "ms_query.h"

#define DEFAULT_LIMIT 1000

static int
usage(void)
{
    fprintf(stderr, "usage: relevance-run [--limit N] [--max-terms N] [--feedback-window "
                    "N] [--tag TAG]\n"
                    "                     INDEX QUERIES\n");
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

/* Search 'text' for the query 'qid' as the server searches q=text, with
 * 'limit' results. Returns MS_INDEX_OK with *out set (free it with
 * ms_results_free), MS_INDEX_BAD_QUERY when a user would get a 400 (said
 * on stderr), or another status (said on stderr too). */
static ms_index_status_t
search_one(ms_results_t **out, ms_index_t *idx, const ms_config_t *cfg, const char *qid,
           const char *text, unsigned limit)
{
    ms_buf_t query = MS_BUF_INIT;
    ms_query_t qp;
    json_t *err = NULL;
    ms_index_status_t status = MS_INDEX_NOMEM;
    int http;

    *out = NULL;
    memset(&qp, 0, sizeof(qp));
    ms_buf_puts(&query, "q=");
    ms_escape_url_into(&query, text);
    if (ms_buf_printf(&query, "&per_page=%u&facets=0", limit) != MS_BUF_OK) {
        fprintf(stderr, "relevance-run: query %s: out of memory\n", qid);
        goto out;
    }
    http = ms_query_parse(&qp, &err, cfg, query.data, MS_QUERY_SEARCH);
    if (http != 0) {
        const char *message =
            json_string_value(json_object_get(json_object_get(err, "error"), "message"));

        fprintf(stderr, "relevance-run: query %s: %s (a user would get a %d)\n", qid,
                message != NULL ? message : "internal error", http);
        status = http == 400 ? MS_INDEX_BAD_QUERY : MS_INDEX_INTERNAL;
        goto out;
    }
    ms_query_prepare(&qp, cfg, NULL);
    /* Snippets cost time and do not change the ranking. */
    qp.search.snippet_length = 0;
    status = ms_index_search(out, idx, &qp.search);
    if (status == MS_INDEX_BAD_QUERY)
        fprintf(stderr, "relevance-run: query %s: %s (a user would get a 400)\n", qid,
                ms_index_errmsg(idx));
    else if (status != MS_INDEX_OK)
        fprintf(stderr, "relevance-run: query %s: %s: %s\n", qid,
                ms_index_status_string(status), ms_index_errmsg(idx));
out:
    json_decref(err);
    ms_query_free(&qp);
    ms_buf_free(&query);
    return status;
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
    unsigned limit = DEFAULT_LIMIT, max_terms = 0;
    long window = -1; /* --feedback-window; -1: the default */
    ms_config_t *cfg = NULL;
    int arg = 1, rc = 1;

    while (arg < argc && strncmp(argv[arg], "--", 2) == 0) {
        if ((strcmp(argv[arg], "--limit") == 0 || strcmp(argv[arg], "--max-terms") == 0 ||
             strcmp(argv[arg], "--feedback-window") == 0) &&
            arg + 1 < argc) {
            char *end;
            unsigned long value;

            errno = 0;
            value = strtoul(argv[arg + 1], &end, 10);
            if (errno != 0 || *end != '\0' || argv[arg + 1][0] == '-' || value > 100000 ||
                (value == 0 && argv[arg][2] != 'f'))
                return usage();
            if (argv[arg][2] == 'l')
                limit = (unsigned)value;
            else if (argv[arg][2] == 'm')
                max_terms = (unsigned)value;
            else
                window = (long)value;
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

    /* The server's defaults, with a page of 'limit' and --max-terms. */
    if (ms_config_defaults(&cfg) != 0) {
        fprintf(stderr, "relevance-run: out of memory\n");
        goto out;
    }
    if (cfg->search.max_per_page < limit)
        cfg->search.max_per_page = limit;
    if (max_terms != 0)
        cfg->search.max_terms = max_terms;
    if (window >= 0)
        cfg->search.feedback_window = (unsigned)window;

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

        status = search_one(&results, idx, cfg, qid, text, limit);
        if (status == MS_INDEX_BAD_QUERY) {
            n_bad++;
            continue;
        }
        if (status != MS_INDEX_OK)
            goto out;
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
    ms_config_free(cfg);
    return rc;
}
