/* views.c - what the meeting and country views share (ms_views.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_escape.h"
#include "ms_fields.h"
#include "ms_json.h"
#include "ms_request.h"
#include "ms_schema.h"
#include "ms_shards.h"
#include "ms_views.h"

int
ms_views_fetch(ms_results_t **out, json_t **err, ms_worker_t *w,
               const ms_viewer_t *viewer, const char *field, const char *value,
               ms_sort_t sort)
{
    ms_field_t filters[2] = {{field, value}, {"type", "recommendation"}};
    ms_search_t search = {0};
    ms_index_status_t status = ms_worker_index(w);

    *out = NULL;
    search.filters = filters;
    search.n_filters = 2;
    search.limit = MS_VIEWS_MAX_DOCUMENTS;
    search.sort = sort;
    search.viewer = viewer;
    search.no_feedback = 1;
    if (status == MS_INDEX_OK)
        status = ms_index_search(out, w->idx, &search);
    if (status == MS_INDEX_OK && (*out)->n_hits == 0) {
        ms_results_free(*out);
        *out = NULL;
        search.n_filters = 1;
        search.limit = 1;
        status = ms_index_search(out, w->idx, &search);
    }
    if (status != MS_INDEX_OK)
        return ms_worker_index_error(err, w, status);
    w->hits = (long)(*out)->n_hits;
    return 0;
}

int
ms_views_not_found(json_t **out, ms_worker_t *w, const char *what)
{
    char missing[MS_SHARDS_LIST_SIZE];

    if (ms_shards_missing_text(w, missing, sizeof missing) > 0)
        return ms_worker_shard_down(out);
    return ms_response_error(out, 404, "not_found", what);
}

bool
ms_views_recommendation(const ms_hit_t *hit)
{
    const char *type = ms_fields_value(&hit->doc, "type");

    return type != NULL && strcmp(type, "recommendation") == 0;
}

json_t *
ms_views_row(const ms_document_t *doc)
{
    json_t *row = ms_json_document(doc);
    int rc = row != NULL ? 0 : -1;

    rc |= ms_json_put(row, "number", ms_json_string(ms_fields_value(doc, "number")));
    rc |= ms_json_put(row, "url", ms_json_doc_url(doc->id));
    /* Not repeated under "extra", as in /doc/{id}. */
    json_object_del(json_object_get(row, "extra"), "number");
    if (rc != 0) {
        json_decref(row);
        return NULL;
    }
    return row;
}

/* The number of 'hit' as a whole number; 0 when it has none. */
static unsigned long
number_of(const ms_hit_t *hit)
{
    const char *text = ms_fields_value(&hit->doc, "number");
    size_t len = text != NULL ? strlen(text) : 0;

    if (len == 0 || len > 9 || strspn(text, "0123456789") != len)
        return 0;
    return strtoul(text, NULL, 10);
}

static int
by_number(const void *a, const void *b)
{
    const ms_hit_t *x = *(const ms_hit_t *const *)a, *y = *(const ms_hit_t *const *)b;
    unsigned long m = number_of(x), n = number_of(y);

    if (m != n)
        return m == 0 ? 1 : n == 0 ? -1 : m < n ? -1 : 1;
    return strcmp(x->doc.id, y->doc.id);
}

void
ms_views_sort_by_number(const ms_hit_t **hits, size_t n)
{
    if (n > 1)
        qsort(hits, n, sizeof(*hits), by_number);
}

json_t *
ms_views_summary_new(const char *total)
{
    const ms_schema_field_t *status = ms_schema_field("status");
    json_t *summary = json_pack("{s:i}", total, 0);

    for (size_t i = 0; summary != NULL && status->values[i] != NULL; i++) {
        if (json_object_set_new(summary, status->values[i], json_integer(0)) != 0) {
            json_decref(summary);
            summary = NULL;
        }
    }
    return summary;
}

/* Add one to the integer member 'key' of 'summary' (0 when absent). */
static int
increment(json_t *summary, const char *key)
{
    json_t *count = json_object_get(summary, key);

    return json_object_set_new(summary, key, json_integer(json_integer_value(count) + 1));
}

int
ms_views_summary_add(json_t *summary, const char *status)
{
    /* The total is the first member (ms_views_summary_new). */
    return increment(summary, json_object_iter_key(json_object_iter(summary))) |
           increment(summary, status);
}

int
ms_views_format(bool *csv, json_t **err, const char *query)
{
    static const char *const allowed[] = {"format", NULL};
    ms_params_t params = {0};
    const char *format;
    int http = ms_params_parse_only(&params, err, query, allowed);

    *csv = false;
    if (http == 0) {
        format = ms_params_get(&params, "format");
        if (format != NULL && strcmp(format, "csv") == 0)
            *csv = true;
        else if (format != NULL && strcmp(format, "json") != 0)
            http = ms_response_bad_request(err, "format: expected json or csv");
    }
    ms_params_free(&params);
    return http;
}

int
ms_views_csv(ms_response_t *out, ms_buf_t *csv, const char *filename)
{
    char *disposition = ms_escape_content_disposition("attachment", filename);
    int http = 200;

    out->text = ms_buf_take(csv, &out->text_length);
    out->content_type = "text/csv; charset=utf-8";
    if (out->text == NULL || disposition == NULL ||
        ms_response_add_header(out, "Content-Disposition", disposition) != 0) {
        ms_response_drop_text(out);
        http = ms_response_internal(&out->json);
    }
    free(disposition);
    return http;
}
