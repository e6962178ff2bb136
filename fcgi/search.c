/* search.c - the /search handler of migsearch-fcgi
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Parameters are checked completely before the index is touched, so a
 * malformed request costs no search and always gets the same 400 whatever
 * the state of the index. The answer has a stable shape (docs/api.md):
 * absent scalars are null and absent lists are [].
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

static const char *
filter_field(const char *param)
{
    for (size_t i = 0; i < sizeof(filter_names) / sizeof(filter_names[0]); i++) {
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

static json_t *
number(double value)
{
    /* jansson refuses NaN and infinities; a score is never worth a 500. */
    return json_real(isfinite(value) ? value : 0.0);
}

static int
put(json_t *object, const char *key, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_object_set_new(object, key, value);
}

/* Build the 200 body. Returns NULL on allocation failure. */
static json_t *
results_json(const char *q, unsigned page, unsigned per_page, double took_ms,
             const ms_results_t *results)
{
    json_t *body = json_object();
    json_t *hits = json_array();
    int rc = 0;

    if (body == NULL || hits == NULL) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < results->n_hits && rc == 0; i++) {
        const ms_hit_t *hit = &results->hits[i];
        json_t *item = ms_route__document_json(&hit->doc);
        char *snippet = NULL;

        if (item == NULL) {
            rc = -1;
            break;
        }
        rc |= put(item, "score", number(hit->score));
        if (hit->snippet == NULL) {
            rc |= put(item, "snippet", json_null());
        } else if (ms_request_utf8_valid(hit->snippet, strlen(hit->snippet))) {
            rc |= put(item, "snippet", json_string(hit->snippet));
        } else {
            snippet = ms_request_utf8_repair(hit->snippet);
            rc |= put(item, "snippet", snippet != NULL ? json_string(snippet) : NULL);
            free(snippet);
        }
        rc |= json_array_append_new(hits, item);
    }
    rc |= put(body, "query", json_string(q));
    rc |= put(body, "plain_words", json_boolean(results->plain_words != 0));
    rc |= put(body, "page", json_integer(page));
    rc |= put(body, "per_page", json_integer(per_page));
    rc |=
        put(body, "total",
            json_pack("{s:I,s:I,s:I}", "estimate", (json_int_t)results->estimate, "lower",
                      (json_int_t)results->lower, "upper", (json_int_t)results->upper));
    rc |= put(body, "took_ms", number(took_ms));
    rc |= json_object_set(body, "results", hits);
out:
    json_decref(hits);
    if (rc != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

int
ms_search_handle(json_t **out, ms_worker_t *w, const char *query)
{
    const ms_config_t *cfg = w->cfg;
    ms_params_t params = {NULL, 0};
    ms_field_t *filters = NULL;
    size_t n_filters = 0;
    ms_results_t *results = NULL;
    const char *q = NULL, *page_text = NULL, *per_page_text = NULL;
    unsigned page = 1, per_page = cfg->search.per_page;
    char message[256], language[16];
    ms_search_t search;
    ms_index_status_t status;
    struct timespec start, end;
    int http;

    switch (ms_params_parse(&params, query, message, sizeof(message))) {
    case MS_REQUEST_OK:
        break;
    case MS_REQUEST_BAD:
        http = bad_request(out, message);
        goto out;
    default:
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    filters = calloc(params.count + 1, sizeof(*filters));
    if (filters == NULL) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }

    for (size_t i = 0; i < params.count; i++) {
        const char *name = params.items[i].name;
        const char *value = params.items[i].value;
        const char **single = NULL;
        const char *field;

        if (strcmp(name, "q") == 0)
            single = &q;
        else if (strcmp(name, "page") == 0)
            single = &page_text;
        else if (strcmp(name, "per_page") == 0)
            single = &per_page_text;
        if (single != NULL) {
            if (*single != NULL) {
                snprintf(message, sizeof(message), "parameter '%s' given more than once",
                         name);
                http = bad_request(out, message);
                goto out;
            }
            *single = value;
            continue;
        }
        field = filter_field(name);
        if (field == NULL) {
            http = unknown_parameter(out, name);
            goto out;
        }
        if (value[0] == '\0') {
            snprintf(message, sizeof(message), "parameter '%s' must not be empty", name);
            http = bad_request(out, message);
            goto out;
        }
        if (n_filters == MS_MAX_FILTERS) {
            snprintf(message, sizeof(message), "too many filters (at most %d)",
                     MS_MAX_FILTERS);
            http = bad_request(out, message);
            goto out;
        }
        filters[n_filters].name = field;
        filters[n_filters].value = value;
        n_filters++;
    }

    if (q != NULL && strlen(q) > cfg->search.max_query_length) {
        snprintf(message, sizeof(message), "parameter 'q' must be at most %u bytes long",
                 cfg->search.max_query_length);
        http = bad_request(out, message);
        goto out;
    }
    if (page_text != NULL &&
        parse_bounded(&page, page_text, 1, cfg->search.max_page) != 0) {
        snprintf(message, sizeof(message),
                 "parameter 'page' must be an integer from 1 to %u",
                 cfg->search.max_page);
        http = bad_request(out, message);
        goto out;
    }
    if (per_page_text != NULL &&
        parse_bounded(&per_page, per_page_text, 1, cfg->search.max_per_page) != 0) {
        snprintf(message, sizeof(message),
                 "parameter 'per_page' must be an integer from 1 to %u",
                 cfg->search.max_per_page);
        http = bad_request(out, message);
        goto out;
    }
    if ((unsigned long long)(page - 1) * per_page > UINT_MAX) {
        http = bad_request(out, "page and per_page reach past the last result");
        goto out;
    }

    status = ms_route__index(w);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    memset(&search, 0, sizeof(search));
    search.query = q != NULL ? q : "";
    search.language = query_language(cfg, filters, n_filters, language, sizeof(language));
    search.filters = filters;
    search.n_filters = n_filters;
    search.offset = (page - 1) * per_page;
    search.limit = per_page;
    search.snippet_length = cfg->search.snippet_length;

    clock_gettime(CLOCK_MONOTONIC, &start);
    status = ms_index_search(&results, w->idx, &search);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    *out = results_json(search.query, page, per_page, elapsed_ms(&start, &end), results);
    if (*out == NULL) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    w->hits = (long)results->n_hits;
    http = 200;
out:
    ms_results_free(results);
    free(filters);
    ms_params_free(&params);
    return http;
}
