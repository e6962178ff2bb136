/* query.c - the search parameters of /search, /feed and /fragment
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_date.h"
#include "ms_metrics.h"
#include "ms_query.h"
#include "ms_response.h"
#include "ms_schema.h"

static const struct sort_name {
    const char *name;
    ms_sort_t sort;
} sort_names[] = {
    {"relevance", MS_SORT_RELEVANCE},
    {"newest", MS_SORT_NEWEST},
    {"oldest", MS_SORT_OLDEST},
    {"added", MS_SORT_ADDED},
};

const char *
ms_query_sort_name(size_t i)
{
    return i < sizeof(sort_names) / sizeof(sort_names[0]) ? sort_names[i].name : NULL;
}

/* The parameters that may be given at most once; those marked
 * 'search_only' are not parameters of /feed (MS_QUERY_FEED). */
enum single { Q, SORT, FROM, TO, PAGE, PER_PAGE, FACETS, N_SINGLES };
static const struct single_param {
    const char *name;
    bool search_only;
} single_params[N_SINGLES] = {
    [Q] = {"q", false},          [SORT] = {"sort", false},
    [FROM] = {"from", false},    [TO] = {"to", false},
    [PAGE] = {"page", true},     [PER_PAGE] = {"per_page", true},
    [FACETS] = {"facets", true},
};

/* The single parameter 'name' is for 'kind', or N_SINGLES. */
static enum single
single_param(const char *name, ms_query_kind_t kind)
{
    for (int i = 0; i < N_SINGLES; i++) {
        if (strcmp(single_params[i].name, name) == 0)
            return single_params[i].search_only && kind != MS_QUERY_SEARCH
                       ? N_SINGLES
                       : (enum single)i;
    }
    return N_SINGLES;
}

/* Add the filter 'name'='value' (a parameter of a field with
 * MS_FIELD_FILTER) to qp->filters. Returns 0 or the status of the error
 * document in *err. */
static int
take_filter(ms_query_t *qp, json_t **err, const char *name, const char *value)
{
    const ms_schema_field_t *field = ms_schema_param(name);
    char message[256];

    if (field == NULL || (field->flags & MS_FIELD_FILTER) == 0)
        return ms_params_unknown(err, name);
    if (value[0] == '\0') {
        snprintf(message, sizeof(message), "parameter '%s' must not be empty", name);
        return ms_response_bad_request(err, message);
    }
    if (qp->n_filters == MS_QUERY_MAX_FILTERS) {
        snprintf(message, sizeof(message), "too many filters (at most %d)",
                 MS_QUERY_MAX_FILTERS);
        return ms_response_bad_request(err, message);
    }
    qp->filters[qp->n_filters].name = field->name;
    qp->filters[qp->n_filters].value = value;
    qp->n_filters++;
    return 0;
}

/* Sort the parameters into single values ('values', by enum single) and
 * filters. Returns 0 or the status of the error document in *err. */
static int
take_params(ms_query_t *qp, const char **values, json_t **err, ms_query_kind_t kind)
{
    char message[256];
    int http = 0;

    for (size_t i = 0; http == 0 && i < qp->params.count; i++) {
        const char *name = qp->params.items[i].name;
        enum single single = single_param(name, kind);

        if (single == N_SINGLES) {
            http = take_filter(qp, err, name, qp->params.items[i].value);
        } else if (values[single] != NULL) {
            snprintf(message, sizeof(message), "parameter '%s' given more than once",
                     name);
            http = ms_response_bad_request(err, message);
        } else {
            values[single] = qp->params.items[i].value;
        }
    }
    return http;
}

/* Parse 's' as a decimal integer in [min, max]. Only digits are accepted:
 * no sign, no spaces, no exponent. Returns 0 or -1. */
static int
parse_bounded(unsigned *out, const char *s, unsigned min, unsigned max)
{
    unsigned long long value = 0;
    size_t len = strlen(s);

    if (len == 0 || len > 10)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (unsigned long long)(s[i] - '0');
    }
    if (value < min || value > max)
        return -1;
    *out = (unsigned)value;
    return 0;
}

/* 'text' (NULL: not given) into *out as an integer from 1 to 'max', or
 * the 400 naming the parameter 'name'. Returns 0 or the status. */
static int
take_number(unsigned *out, json_t **err, const char *name, const char *text, unsigned max)
{
    char message[128];

    if (text == NULL || parse_bounded(out, text, 1, max) == 0)
        return 0;
    snprintf(message, sizeof(message), "parameter '%s' must be an integer from 1 to %u",
             name, max);
    return ms_response_bad_request(err, message);
}

/* Check page, per_page, sort and facets ('values', by enum single) into
 * 'qp'. */
static int
take_options(ms_query_t *qp, json_t **err, const char *const *values,
             const ms_config_t *cfg)
{
    const char *sort = values[SORT], *facets = values[FACETS];
    size_t k, n_sorts = sizeof(sort_names) / sizeof(sort_names[0]);
    int http;

    http = take_number(&qp->page, err, "page", values[PAGE], cfg->search.max_page);
    if (http == 0)
        http = take_number(&qp->per_page, err, "per_page", values[PER_PAGE],
                           cfg->search.max_per_page);
    if (http != 0)
        return http;
    if ((unsigned long long)(qp->page - 1) * qp->per_page > UINT_MAX)
        return ms_response_bad_request(err,
                                       "page and per_page reach past the last result");
    for (k = 0; sort != NULL && k < n_sorts; k++) {
        if (strcmp(sort, sort_names[k].name) == 0)
            break;
    }
    if (k == n_sorts)
        return ms_response_bad_request(
            err, "parameter 'sort' must be relevance, newest, oldest or added");
    if (sort != NULL) {
        qp->sort = sort_names[k].sort;
        qp->sort_name = sort_names[k].name;
    }
    if (facets != NULL) {
        if (strcmp(facets, "0") != 0 && strcmp(facets, "1") != 0)
            return ms_response_bad_request(err, "parameter 'facets' must be 0 or 1");
        qp->facets = facets[0] == '1';
    }
    return 0;
}

/* Check from and to with the one date rule: each a date, from not after
 * to (compared as the keys of the first day of from and the last of to). */
static int
take_dates(const ms_query_t *qp, json_t **err)
{
    ms_date_t from, to;
    char from_key[9], to_key[9];

    if (qp->from != NULL && !ms_date_parse(&from, qp->from))
        return ms_response_bad_request(err, "parameter 'from' must be a date: YYYY, "
                                            "YYYY-MM or YYYY-MM-DD");
    if (qp->to != NULL && !ms_date_parse(&to, qp->to))
        return ms_response_bad_request(err, "parameter 'to' must be a date: YYYY, "
                                            "YYYY-MM or YYYY-MM-DD");
    if (qp->from == NULL || qp->to == NULL)
        return 0;
    ms_date_key(from_key, &from, MS_DATE_FIRST);
    ms_date_key(to_key, &to, MS_DATE_LAST);
    if (strcmp(from_key, to_key) > 0)
        return ms_response_bad_request(err, "parameter 'from' is after 'to'");
    return 0;
}

void
ms_query_free(ms_query_t *qp)
{
    ms_results_free(qp->results);
    free(qp->filters);
    ms_params_free(&qp->params);
    memset(qp, 0, sizeof(*qp));
}

int
ms_query_parse(ms_query_t *qp, json_t **err, const ms_config_t *cfg, const char *query,
               ms_query_kind_t kind)
{
    const char *values[N_SINGLES] = {NULL};
    int http;

    memset(qp, 0, sizeof(*qp));
    qp->page = 1;
    qp->per_page = cfg->search.per_page;
    qp->sort = MS_SORT_RELEVANCE;
    qp->sort_name = "relevance";
    qp->facets = true;
    *err = NULL;

    http = ms_params_read(&qp->params, err, query);
    if (http != 0)
        return http;
    qp->filters = calloc(qp->params.count + 1, sizeof(*qp->filters));
    if (qp->filters == NULL)
        return ms_response_internal(err);
    http = take_params(qp, values, err, kind);
    if (http != 0)
        return http;
    qp->q = values[Q] != NULL ? values[Q] : "";
    qp->from = values[FROM];
    qp->to = values[TO];
    http = take_options(qp, err, values, cfg);
    if (http != 0)
        return http;
    return take_dates(qp, err);
}

/* The stemming language for the query: the language being filtered on
 * when there is exactly one, since the hits are then in that language;
 * otherwise NULL (none named: the configured default, and every language
 * of the index besides). 'buf' holds a lower-cased copy. */
static const char *
query_language(const ms_field_t *filters, size_t n_filters, char *buf, size_t buf_size)
{
    const char *found = NULL;
    size_t len;

    for (size_t i = 0; i < n_filters; i++) {
        if (strcmp(filters[i].name, "language") != 0)
            continue;
        if (found != NULL)
            return NULL;
        found = filters[i].value;
    }
    if (found == NULL || (len = strlen(found)) >= buf_size)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        buf[i] = (found[i] >= 'A' && found[i] <= 'Z') ? (char)(found[i] - 'A' + 'a')
                                                      : found[i];
    return buf;
}

void
ms_query_prepare(ms_query_t *qp, const ms_config_t *cfg, const ms_viewer_t *viewer)
{
    ms_search_t *search = &qp->search;

    memset(search, 0, sizeof(*search));
    search->query = qp->q;
    search->language =
        query_language(qp->filters, qp->n_filters, qp->language, sizeof(qp->language));
    search->every_language = search->language == NULL;
    if (search->language == NULL)
        search->language = cfg->index.language;
    search->filters = qp->filters;
    search->n_filters = qp->n_filters;
    search->offset = (qp->page - 1) * qp->per_page;
    search->limit = qp->per_page;
    search->snippet_length = cfg->search.snippet_length;
    search->sort = qp->sort;
    search->date_from = qp->from;
    search->date_to = qp->to;
    search->viewer = viewer;
    search->facets = qp->facets;
    search->max_snippets = cfg->search.snippets;
    search->max_bytes = cfg->search.max_query_length;
    search->max_terms = cfg->search.max_terms;
    search->max_depth = cfg->search.max_depth;
    search->max_expansion = cfg->search.max_expansion;
    search->max_expansion_total = cfg->search.max_expansion_total;
    search->facet_limit = cfg->search.facet_limit;
    search->no_feedback = !cfg->search.feedback;
    search->feedback_window = cfg->search.feedback_window;
    search->time_budget_ms = cfg->search.time_budget_ms;
}

int
ms_query_run(ms_query_t *qp, json_t **err, ms_worker_t *w)
{
    ms_index_status_t status = ms_worker_index(w);

    qp->search.cancelled = ms_worker_client_gone;
    qp->search.cancel_payload = &w->conn_fd;
    if (status == MS_INDEX_OK) {
        ms_metrics_search_begin();
        status = ms_index_search(&qp->results, w->idx, &qp->search);
        ms_metrics_search_end(status == MS_INDEX_CANCELLED);
    }
    if (status != MS_INDEX_OK)
        return ms_worker_index_error(err, w, status);
    w->hits = (long)qp->results->n_hits;
    return 0;
}
