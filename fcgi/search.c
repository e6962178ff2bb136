/* search.c - the /search handler of migsearch-fcgi and its parameters
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Parameters are checked completely before the index is touched, so a
 * malformed request costs no search and always gets the same 400 whatever
 * the state of the index. The answer has a stable shape (docs/api.md):
 * absent scalars are null and absent lists are []. /feed takes the same
 * parameters (minus paging and facets) through ms_search__parse().
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_fcgi.h"

/* More filters than this is no longer a query a person wrote. */
#define MS_MAX_FILTERS 64

/* Parameter names echoed in messages are cut at this many bytes. */
#define MS_NAME_ECHO_MAX 64

/* Request parameter -> field name in docs/index-schema.md. */
static const struct filter_name {
    const char *param;
    const char *field;
} filter_names[] = {
    {"type", "type"},       {"process", "process"}, {"meeting", "meeting"},
    {"country", "country"}, {"theme", "theme"},     {"status", "status"},
    {"lang", "language"},   {"year", "year"},
};
#define N_FILTER_NAMES (sizeof(filter_names) / sizeof(filter_names[0]))

static const struct sort_name {
    const char *name;
    ms_sort_t sort;
} sort_names[] = {
    {"relevance", MS_SORT_RELEVANCE},
    {"newest", MS_SORT_NEWEST},
    {"oldest", MS_SORT_OLDEST},
};

static const char *
filter_field(const char *param)
{
    for (size_t i = 0; i < N_FILTER_NAMES; i++) {
        if (strcmp(filter_names[i].param, param) == 0)
            return filter_names[i].field;
    }
    return NULL;
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

static bool
all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* Check 's' as "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real day, and
 * store in 'key' (9 bytes) the comparable "YYYYMMDD" of its first day
 * ('end' false) or its last ('end' true, missing parts as 99). Returns 0
 * or -1. */
static int
parse_date(char *key, const char *s, bool end)
{
    static const unsigned days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(s);
    unsigned year, month = 0, day = 0;

    if ((len != 4 && len != 7 && len != 10) || !all_digits(s, 4))
        return -1;
    year = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
                      (s[3] - '0'));
    if (len >= 7) {
        if (s[4] != '-' || !all_digits(s + 5, 2))
            return -1;
        month = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
        if (month < 1 || month > 12)
            return -1;
    }
    if (len == 10) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

        if (s[7] != '-' || !all_digits(s + 8, 2))
            return -1;
        day = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
        if (day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap))
            return -1;
    }
    snprintf(key, 9, "%04u%02u%02u", year, month != 0 ? month : (end ? 99u : 0u),
             day != 0 ? day : (end ? 99u : 0u));
    return 0;
}

static int
bad_request(json_t **out, const char *message)
{
    return ms_route__error(out, 400, "bad_request", message);
}

/* "unknown parameter 'x'", leaving the name out when it is too long to
 * be worth echoing (and might be cut inside a UTF-8 sequence). */
static int
unknown_parameter(json_t **out, const char *name)
{
    char message[128];

    if (strlen(name) > MS_NAME_ECHO_MAX)
        return bad_request(out, "unknown parameter");
    snprintf(message, sizeof(message), "unknown parameter '%s'", name);
    return bad_request(out, message);
}

static double
elapsed_ms(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) * 1e3 +
           (double)(to->tv_nsec - from->tv_nsec) / 1e6;
}

/* The stemming language for the query: the language being filtered on
 * when there is exactly one, since the hits are then in that language;
 * otherwise the configured default. 'buf' holds a lower-cased copy. */
static const char *
query_language(const ms_config_t *cfg, const ms_field_t *filters, size_t n_filters,
               char *buf, size_t buf_size)
{
    const char *found = NULL;
    size_t len;

    for (size_t i = 0; i < n_filters; i++) {
        if (strcmp(filters[i].name, "language") != 0)
            continue;
        if (found != NULL)
            return cfg->index.language;
        found = filters[i].value;
    }
    if (found == NULL || (len = strlen(found)) >= buf_size)
        return cfg->index.language;
    for (size_t i = 0; i <= len; i++)
        buf[i] = (found[i] >= 'A' && found[i] <= 'Z') ? (char)(found[i] - 'A' + 'a')
                                                      : found[i];
    return buf;
}

void
ms_search__query_free(ms_query_t *qp)
{
    free(qp->filters);
    qp->filters = NULL;
    qp->n_filters = 0;
    ms_params_free(&qp->params);
}

int
ms_search__parse(ms_query_t *qp, json_t **err, const ms_config_t *cfg, const char *query,
                 ms_query_kind_t kind)
{
    const char *page_text = NULL, *per_page_text = NULL, *sort_text = NULL;
    const char *facets_text = NULL, *q = NULL;
    char message[256], from_key[9], to_key[9];
    int http = 0;

    memset(qp, 0, sizeof(*qp));
    qp->page = 1;
    qp->per_page = cfg->search.per_page;
    qp->sort = MS_SORT_RELEVANCE;
    qp->sort_name = "relevance";
    qp->facets = true;
    *err = NULL;

    switch (ms_params_parse(&qp->params, query, message, sizeof(message))) {
    case MS_REQUEST_OK:
        break;
    case MS_REQUEST_BAD:
        http = bad_request(err, message);
        goto out;
    default:
        http = ms_route__error(err, 500, "internal", "internal error");
        goto out;
    }
    qp->filters = calloc(qp->params.count + 1, sizeof(*qp->filters));
    if (qp->filters == NULL) {
        http = ms_route__error(err, 500, "internal", "internal error");
        goto out;
    }

    for (size_t i = 0; i < qp->params.count; i++) {
        const char *name = qp->params.items[i].name;
        const char *value = qp->params.items[i].value;
        const char **single = NULL;
        const char *field;

        if (strcmp(name, "q") == 0)
            single = &q;
        else if (strcmp(name, "sort") == 0)
            single = &sort_text;
        else if (strcmp(name, "from") == 0)
            single = &qp->from;
        else if (strcmp(name, "to") == 0)
            single = &qp->to;
        else if (kind == MS_QUERY_SEARCH && strcmp(name, "page") == 0)
            single = &page_text;
        else if (kind == MS_QUERY_SEARCH && strcmp(name, "per_page") == 0)
            single = &per_page_text;
        else if (kind == MS_QUERY_SEARCH && strcmp(name, "facets") == 0)
            single = &facets_text;
        if (single != NULL) {
            if (*single != NULL) {
                snprintf(message, sizeof(message), "parameter '%s' given more than once",
                         name);
                http = bad_request(err, message);
                goto out;
            }
            *single = value;
            continue;
        }
        field = filter_field(name);
        if (field == NULL) {
            http = unknown_parameter(err, name);
            goto out;
        }
        if (value[0] == '\0') {
            snprintf(message, sizeof(message), "parameter '%s' must not be empty", name);
            http = bad_request(err, message);
            goto out;
        }
        if (qp->n_filters == MS_MAX_FILTERS) {
            snprintf(message, sizeof(message), "too many filters (at most %d)",
                     MS_MAX_FILTERS);
            http = bad_request(err, message);
            goto out;
        }
        qp->filters[qp->n_filters].name = field;
        qp->filters[qp->n_filters].value = value;
        qp->n_filters++;
    }

    if (q != NULL && strlen(q) > cfg->search.max_query_length) {
        snprintf(message, sizeof(message), "parameter 'q' must be at most %u bytes long",
                 cfg->search.max_query_length);
        http = bad_request(err, message);
        goto out;
    }
    qp->q = q != NULL ? q : "";
    if (page_text != NULL &&
        parse_bounded(&qp->page, page_text, 1, cfg->search.max_page) != 0) {
        snprintf(message, sizeof(message),
                 "parameter 'page' must be an integer from 1 to %u",
                 cfg->search.max_page);
        http = bad_request(err, message);
        goto out;
    }
    if (per_page_text != NULL &&
        parse_bounded(&qp->per_page, per_page_text, 1, cfg->search.max_per_page) != 0) {
        snprintf(message, sizeof(message),
                 "parameter 'per_page' must be an integer from 1 to %u",
                 cfg->search.max_per_page);
        http = bad_request(err, message);
        goto out;
    }
    if ((unsigned long long)(qp->page - 1) * qp->per_page > UINT_MAX) {
        http = bad_request(err, "page and per_page reach past the last result");
        goto out;
    }
    if (sort_text != NULL) {
        size_t k;

        for (k = 0; k < sizeof(sort_names) / sizeof(sort_names[0]); k++) {
            if (strcmp(sort_text, sort_names[k].name) == 0)
                break;
        }
        if (k == sizeof(sort_names) / sizeof(sort_names[0])) {
            http =
                bad_request(err, "parameter 'sort' must be relevance, newest or oldest");
            goto out;
        }
        qp->sort = sort_names[k].sort;
        qp->sort_name = sort_names[k].name;
    }
    if (facets_text != NULL) {
        if (strcmp(facets_text, "0") != 0 && strcmp(facets_text, "1") != 0) {
            http = bad_request(err, "parameter 'facets' must be 0 or 1");
            goto out;
        }
        qp->facets = facets_text[0] == '1';
    }
    if (qp->from != NULL && parse_date(from_key, qp->from, false) != 0) {
        http = bad_request(err, "parameter 'from' must be a date: YYYY, YYYY-MM or "
                                "YYYY-MM-DD");
        goto out;
    }
    if (qp->to != NULL && parse_date(to_key, qp->to, true) != 0) {
        http = bad_request(err, "parameter 'to' must be a date: YYYY, YYYY-MM or "
                                "YYYY-MM-DD");
        goto out;
    }
    if (qp->from != NULL && qp->to != NULL && strcmp(from_key, to_key) > 0) {
        http = bad_request(err, "parameter 'from' is after 'to'");
        goto out;
    }
out:
    return http;
}

void
ms_search__prepare(ms_search_t *search, ms_query_t *qp, const ms_config_t *cfg,
                   const ms_viewer_t *viewer)
{
    memset(search, 0, sizeof(*search));
    search->query = qp->q;
    search->language = query_language(cfg, qp->filters, qp->n_filters, qp->language,
                                      sizeof(qp->language));
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
    search->max_terms = cfg->search.max_terms;
    search->max_depth = cfg->search.max_depth;
    search->max_expansion = cfg->search.max_expansion;
    search->facet_limit = cfg->search.facet_limit;
    search->no_feedback = !cfg->search.feedback;
}

static json_t *
number(double value)
{
    /* jansson refuses NaN and infinities; a score is never worth a 500. */
    return json_real(isfinite(value) ? value : 0.0);
}

static json_t *
snippets_json(const ms_hit_t *hit)
{
    json_t *list = json_array();
    int rc = 0;

    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < hit->n_snippets && rc == 0; i++) {
        const ms_snippet_t *snippet = &hit->snippets[i];
        json_t *item = json_object();

        if (item == NULL || json_array_append_new(list, item) != 0) {
            rc = -1;
            break;
        }
        rc |= ms_route__put(item, "html",
                            ms_route__string(snippet->html != NULL ? snippet->html : ""));
        rc |= ms_route__put(item, "page",
                            snippet->page != 0 ? json_integer((json_int_t)snippet->page)
                                               : json_null());
    }
    if (rc != 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

json_t *
ms_search__hit_json(const ms_hit_t *hit, bool with_snippets)
{
    json_t *item = ms_route__document_json(&hit->doc);
    int rc = 0;

    if (item == NULL)
        return NULL;
    rc |= ms_route__put(item, "url", ms_route__doc_url(hit->doc.id));
    rc |= ms_route__put(item, "score", number(hit->score));
    if (with_snippets) {
        rc |= ms_route__put(item, "snippet", ms_route__string(hit->snippet));
        rc |= ms_route__put(item, "snippets", snippets_json(hit));
    }
    if (rc != 0) {
        json_decref(item);
        return NULL;
    }
    return item;
}

/* Every filter field of docs/api.md, in order, with its counts; a field
 * the index reported nothing for is []. */
static json_t *
facets_json(const ms_results_t *results)
{
    static const char *const fields[] = {"type",  "process", "meeting",  "country",
                                         "theme", "status",  "language", "year"};
    json_t *object = json_object();
    int rc = 0;

    if (object == NULL)
        return NULL;
    for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]) && rc == 0; f++) {
        json_t *values = json_array();

        if (values == NULL || json_object_set_new(object, fields[f], values) != 0) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < results->n_facets && rc == 0; i++) {
            const ms_facet_t *facet = &results->facets[i];

            if (facet->field == NULL || strcmp(facet->field, fields[f]) != 0)
                continue;
            for (size_t k = 0; k < facet->n_values && rc == 0; k++) {
                const ms_facet_value_t *v = &facet->values[k];

                if (v->value == NULL)
                    continue;
                rc |= ms_route__append(values, json_pack("{s:o,s:I}", "value",
                                                         ms_route__string(v->value),
                                                         "count", (json_int_t)v->count));
            }
        }
    }
    if (rc != 0) {
        json_decref(object);
        return NULL;
    }
    return object;
}

/* Build the 200 body. Returns NULL on allocation failure. */
static json_t *
results_json(const ms_query_t *qp, double took_ms, const ms_results_t *results)
{
    json_t *body = json_object();
    json_t *hits = json_array();
    int rc = 0;

    if (body == NULL || hits == NULL) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < results->n_hits && rc == 0; i++)
        rc |= ms_route__append(hits, ms_search__hit_json(&results->hits[i], true));
    rc |= ms_route__put(body, "query", json_string(qp->q));
    rc |= ms_route__put(body, "understood", ms_route__string(results->understood));
    rc |= ms_route__put(body, "did_you_mean", ms_route__string(results->corrected));
    rc |= ms_route__put(body, "plain_words", json_boolean(results->plain_words != 0));
    rc |= ms_route__put(body, "sort", json_string(qp->sort_name));
    rc |= ms_route__put(body, "from", ms_route__string(qp->from));
    rc |= ms_route__put(body, "to", ms_route__string(qp->to));
    rc |= ms_route__put(body, "page", json_integer(qp->page));
    rc |= ms_route__put(body, "per_page", json_integer(qp->per_page));
    rc |= ms_route__put(
        body, "total",
        json_pack("{s:I,s:I,s:I}", "estimate", (json_int_t)results->estimate, "lower",
                  (json_int_t)results->lower, "upper", (json_int_t)results->upper));
    rc |= ms_route__put(body, "took_ms", number(took_ms));
    rc |= json_object_set(body, "results", hits);
    rc |= ms_route__put(body, "facets", qp->facets ? facets_json(results) : json_null());
    rc |=
        ms_route__put(body, "facets_estimated", json_boolean(results->facets_estimated));
out:
    json_decref(hits);
    if (rc != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

int
ms_search_handle(json_t **out, ms_worker_t *w, const char *query,
                 const ms_viewer_t *viewer)
{
    const ms_config_t *cfg = w->cfg;
    ms_query_t qp;
    ms_results_t *results = NULL;
    ms_search_t search;
    ms_index_status_t status;
    struct timespec start, end;
    int http;

    http = ms_search__parse(&qp, out, cfg, query, MS_QUERY_SEARCH);
    if (http != 0)
        goto out;
    status = ms_route__index(w);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    ms_search__prepare(&search, &qp, cfg, viewer);

    clock_gettime(CLOCK_MONOTONIC, &start);
    status = ms_index_search(&results, w->idx, &search);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    *out = results_json(&qp, elapsed_ms(&start, &end), results);
    if (*out == NULL) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    w->hits = (long)results->n_hits;
    http = 200;
out:
    ms_results_free(results);
    ms_search__query_free(&qp);
    return http;
}
