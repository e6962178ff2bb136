/* meeting.c - GET /meeting/{id}: a meeting's recommendations by country
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The Country Reporting System's own table: one row per recommendation of
 * the meeting the viewer may see (in the order of their numbers), one
 * column per country any of them concerns (in the order they are first
 * named), and in each cell the status that country reported
 * (ms_reports.h: the latest report; a participant without one is "no
 * information"; null for a country the recommendation does not concern).
 * ?format=csv gives the same table as CSV. A meeting none of whose
 * recommendations the viewer may see is a 404, exactly as an unknown one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_csv.h"
#include "ms_endpoints.h"
#include "ms_fields.h"
#include "ms_json.h"
#include "ms_reports.h"
#include "ms_schema.h"
#include "ms_shards.h"
#include "ms_views.h"

/* The table being built. */
struct matrix {
    const ms_hit_t *any;   /* a document of the meeting, for its details */
    const ms_hit_t **hits; /* the recommendations, in row order */
    size_t n;
    json_t **cells;    /* per row: ms_reports_latest() of its document */
    json_t *countries; /* object: country -> its summary, in column order */
};

static void
matrix_free(struct matrix *m)
{
    for (size_t i = 0; m->cells != NULL && i < m->n; i++)
        json_decref(m->cells[i]);
    free(m->cells);
    free(m->hits);
    json_decref(m->countries);
}

/* Fill 'm' from the recommendations of 'results'. Returns 0 or -1. */
static int
matrix_build(struct matrix *m, const ms_results_t *results)
{
    const char *country;
    json_t *cell;

    size_t n = results->n_hits;

    m->any = &results->hits[0];
    m->hits = calloc(n, sizeof(*m->hits));
    m->cells = calloc(n, sizeof(*m->cells));
    m->countries = json_object();
    if (m->hits == NULL || m->cells == NULL || m->countries == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (ms_views_recommendation(&results->hits[i]))
            m->hits[m->n++] = &results->hits[i];
    }
    ms_views_sort_by_number(m->hits, m->n);
    for (size_t i = 0; i < m->n; i++) {
        if ((m->cells[i] = ms_reports_latest(&m->hits[i]->doc)) == NULL)
            return -1;
        json_object_foreach(m->cells[i], country, cell)
        {
            json_t *summary = ms_reports_find(m->countries, country);
            if (summary == NULL && (json_object_set_new(m->countries, country,
                                                        summary = ms_views_summary_new(
                                                            "recommendations")) != 0 ||
                                    summary == NULL))
                return -1;
            if (ms_views_summary_add(summary,
                                     json_string_value(json_object_get(cell, "status"))))
                return -1;
        }
    }
    return 0;
}

/* The value of 'field' in the first row that gives it. */
static const char *
detail(const struct matrix *m, const char *field)
{
    const char *value = NULL;

    for (size_t i = 0; i < m->n && value == NULL; i++)
        value = ms_fields_value(&m->hits[i]->doc, field);
    /* A workshop's title or symbol is not the meeting's; its process and
     * meeting_title (the meetings file's, docs/staff.md) are. */
    if (value == NULL &&
        (strcmp(field, "process") == 0 || strcmp(field, "meeting_title") == 0))
        value = ms_fields_value(&m->any->doc, field);
    return value;
}

/* The meeting's own details. */
static json_t *
meeting_json(const struct matrix *m, const char *id)
{
    static const char *const keys[] = {"title", "process", "venue", "symbol"};
    static const char *const fields[] = {"meeting_title", "process", "venue", "symbol"};
    json_t *meeting = json_object();
    const char *date = NULL;
    int rc = meeting != NULL ? 0 : -1;

    rc |= ms_json_put(meeting, "id", ms_json_string(id));
    for (size_t k = 0; k < 4; k++)
        rc |= ms_json_put(meeting, keys[k], ms_json_string(detail(m, fields[k])));
    for (size_t i = 0; i < m->n && date == NULL; i++)
        date = m->hits[i]->doc.date;
    if (date == NULL)
        date = m->any->doc.date;
    rc |= ms_json_put(meeting, "date", ms_json_string(date));
    rc |= ms_json_put(meeting, "url", ms_json_url("/meeting/", id));
    rc |= ms_json_put(
        meeting, "csv_url",
        rc == 0 ? json_sprintf("%s?format=csv",
                               json_string_value(json_object_get(meeting, "url")))
                : NULL);
    rc |= ms_json_put(meeting, "search_url", ms_json_url("/search?meeting=", id));
    if (rc != 0) {
        json_decref(meeting);
        return NULL;
    }
    return meeting;
}

/* Row 'i': the recommendation, its cells in column order and its summary. */
static json_t *
row_json(const struct matrix *m, size_t i)
{
    const ms_document_t *doc = &m->hits[i]->doc;
    json_t *row = ms_views_row(doc), *cells = json_array();
    json_t *summary = ms_views_summary_new("countries");
    const char *country;
    json_t *ignored, *cell;
    int rc = row != NULL && cells != NULL && summary != NULL ? 0 : -1;

    json_object_foreach(m->countries, country, ignored)
    {
        cell = ms_reports_find(m->cells[i], country);
        if (cell != NULL)
            rc |= ms_views_summary_add(
                summary, json_string_value(json_object_get(cell, "status")));
        rc |= ms_json_append(cells, cell != NULL ? json_incref(cell) : json_null());
    }
    rc |= ms_json_put(row, "cells", cells);
    rc |= ms_json_put(row, "summary", summary);
    if (rc != 0) {
        json_decref(row);
        return NULL;
    }
    return row;
}

static json_t *
matrix_json(const struct matrix *m, const char *id)
{
    json_t *body = json_object(), *countries = json_array(), *rows = json_array();
    const char *country;
    json_t *summary;
    int rc = body != NULL && countries != NULL && rows != NULL ? 0 : -1;

    rc |= ms_json_put(body, "meeting", meeting_json(m, id));
    json_object_foreach(m->countries, country, summary)
    {
        rc |= ms_json_append(countries, json_pack("{s:s,s:o,s:O}", "name", country, "url",
                                                  ms_json_url("/country/", country),
                                                  "summary", summary));
    }
    for (size_t i = 0; i < m->n; i++)
        rc |= ms_json_append(rows, row_json(m, i));
    rc |= ms_json_put(body, "countries", countries);
    rc |= ms_json_put(body, "recommendations", rows);
    if (rc != 0) {
        json_decref(body);
        return NULL;
    }
    return body;
}

/* The table as CSV: a header row (id, number, title, then the countries),
 * then one row per recommendation with each country's status, empty for
 * a country it does not concern. */
static int
matrix_csv(ms_buf_t *b, const struct matrix *m)
{
    size_t width = 3 + json_object_size(m->countries), col;
    const char **fields = calloc(width, sizeof(*fields));
    const char *country;
    json_t *ignored, *cell;

    if (fields == NULL)
        return -1;
    fields[0] = "id";
    fields[1] = "number";
    fields[2] = "title";
    col = 3;
    json_object_foreach(m->countries, country, ignored) fields[col++] = country;
    ms_csv_record(b, fields, width);
    for (size_t i = 0; i < m->n; i++) {
        fields[0] = m->hits[i]->doc.id;
        fields[1] = ms_fields_value(&m->hits[i]->doc, "number");
        fields[2] = m->hits[i]->doc.title;
        col = 3;
        json_object_foreach(m->countries, country, ignored)
        {
            cell = ms_reports_find(m->cells[i], country);
            fields[col++] = json_string_value(json_object_get(cell, "status"));
        }
        ms_csv_record(b, fields, width);
    }
    free(fields);
    return b->status == MS_BUF_OK ? 0 : -1;
}

int
ms_endpoint_meeting(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_results_t *results = NULL;
    struct matrix m = {0};
    ms_buf_t csv = MS_BUF_INIT;
    char *id = NULL, filename[MS_SCHEMA_ID_MAX + 8];
    bool as_csv = false;
    int http = ms_views_format(&as_csv, &out->json, ctx->req->query);

    if (http != 0)
        goto out;
    switch (ms_request_id(&id, ctx->id, ctx->id_length)) {
    case MS_REQUEST_OK:
        break;
    case MS_REQUEST_BAD:
        http = ms_response_bad_request(&out->json, "not a meeting id");
        goto out;
    default:
        http = ms_response_internal(&out->json);
        goto out;
    }
    http = ms_views_fetch(&results, &out->json, w, ctx->viewer, "meeting", id,
                          MS_SORT_RELEVANCE);
    if (http != 0)
        goto out;
    if (results->n_hits == 0) {
        http = ms_views_not_found(&out->json, w, "no such meeting");
        goto out;
    }
    if (matrix_build(&m, results) != 0) {
        http = ms_response_internal(&out->json);
        goto out;
    }
    if (as_csv) {
        snprintf(filename, sizeof(filename), "%s.csv", id);
        http = matrix_csv(&csv, &m) == 0 ? ms_views_csv(out, &csv, filename)
                                         : ms_response_internal(&out->json);
    } else {
        http = ms_response_json(out, matrix_json(&m, id));
    }
    http = ms_shards_answer(out, w, http);
out:
    ms_buf_free(&csv);
    matrix_free(&m);
    ms_results_free(results);
    free(id);
    return http;
}
