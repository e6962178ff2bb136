/* ms_query.h - the search parameters of /search, /feed and /fragment
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. One parser turns a query string into a checked
 * ms_query_t and one function turns that into the ms_search_t the index
 * runs, with the bounds of the config: every endpoint that searches, and
 * the relevance runner (tests/relevance/runner.c), go through these, so a
 * query is searched the same way wherever it comes from. Parameters are
 * checked completely before the index is touched, so a malformed request
 * costs no search and always gets the same 400 whatever the state of the
 * index. Filter parameters are the fields of the table (ms_schema.h) with
 * MS_FIELD_FILTER, by their 'param' name; dates follow ms_date.h.
 */
#ifndef MS_QUERY_H
#define MS_QUERY_H

#include <stdbool.h>

#include <jansson.h>

#include "ms_config.h"
#include "ms_index.h"
#include "ms_request.h"
#include "ms_worker.h"

/* More filters than this is no longer a query a person wrote. */
#define MS_QUERY_MAX_FILTERS 64

/* A search being answered: its parameters, checked (the strings point
 * into 'params', which the structure owns), what the index runs and what
 * it found. */
typedef struct ms_query {
    ms_params_t params;
    const char *q; /* decoded q; "" when absent */
    unsigned page; /* 1-based */
    unsigned per_page;
    ms_sort_t sort;
    const char *sort_name; /* "relevance", "newest", "oldest" or "added" */
    const char *from;      /* NULL: open */
    const char *to;
    bool facets;
    ms_field_t *filters; /* names are index field names ("language") */
    size_t n_filters;
    char language[16];     /* storage for the query language */
    ms_search_t search;    /* filled by ms_query_prepare() */
    ms_results_t *results; /* filled by ms_query_run(); owned */
} ms_query_t;

/* Which parameters a caller of ms_query_parse accepts. */
typedef enum ms_query_kind {
    MS_QUERY_SEARCH, /* every parameter of /search */
    MS_QUERY_FEED    /* /search's without page, per_page and facets */
} ms_query_kind_t;

/* Parse and check the query string 'query' into 'qp' (which the caller
 * releases with ms_query_free() whatever the result), with the defaults
 * and bounds of 'cfg'. q is not bounded here: the index cuts a long one
 * (ms_search_t.max_bytes).
 * Returns 0, or the HTTP status of the error document stored in *err. */
int ms_query_parse(ms_query_t *qp, json_t **err, const ms_config_t *cfg,
                   const char *query, ms_query_kind_t kind);

/* Release what 'qp' owns, its results included. Accepts a zero-filled
 * 'qp'. */
void ms_query_free(ms_query_t *qp);

/* The name of the i-th value of the parameter 'sort' ("relevance",
 * "newest", "oldest", "added"), or NULL past the last: static. GET
 * /schema lists them. */
const char *ms_query_sort_name(size_t i);

/* Fill qp->search from the parameters of 'qp' for 'viewer' (borrowed
 * until the search has run) with the bounds of 'cfg' (search.max_query_length
 * as max_bytes, max_terms, max_depth, max_expansion, facet_limit,
 * snippets, feedback). A caller may change qp->search before running it. */
void ms_query_prepare(ms_query_t *qp, const ms_config_t *cfg, const ms_viewer_t *viewer);

/* Run qp->search on the worker's index (opening or refreshing it first)
 * into qp->results, which ms_query_free() releases. Returns 0, or the
 * status of the error document stored in *err (ms_worker_index_error()). */
int ms_query_run(ms_query_t *qp, json_t **err, ms_worker_t *w);

#endif /* MS_QUERY_H */
