/* country.c - GET /country/{name}: every recommendation for a country
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The other table of the Country Reporting System: each recommendation
 * the viewer may see that concerns the country (it took part in the
 * meeting, or it reported), grouped by meeting, the newest meeting first,
 * with the country's status (ms_reports.h) and all its reports over the
 * years, newest first. ?format=csv gives one row per report. A country
 * with no recommendation the viewer may see is a 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ms_csv.h"
#include "ms_endpoints.h"
#include "ms_fields.h"
#include "ms_json.h"
#include "ms_reports.h"
#include "ms_shards.h"
#include "ms_views.h"

/* Longest country name accepted, in bytes. */
#define NAME_MAX_BYTES 200

/* A meeting's recommendations, in the order of their numbers. */
struct group {
    const char *meeting; /* borrowed from its hits; NULL: none given */
    const ms_hit_t **hits;
    size_t n;
};

struct table {
    const char *name;     /* the country as the documents spell it */
    struct group *groups; /* the newest meeting first */
    size_t n_groups;
};

static void
table_free(struct table *t)
{
    for (size_t g = 0; g < t->n_groups; g++)
        free(t->groups[g].hits);
    free(t->groups);
}

static bool
same_meeting(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Group the hits of 'results' (newest first) by meeting. Returns 0 or -1. */
static int
table_build(struct table *t, const ms_results_t *results, const char *asked)
{
    size_t n = results->n_hits;

    t->groups = calloc(n, sizeof(*t->groups));
    if (t->groups == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const ms_hit_t *hit = &results->hits[i];
        const char *meeting = ms_fields_value(&hit->doc, "meeting");
        struct group *g = t->groups;

        if (!ms_views_recommendation(hit))
            continue;
        while (g < t->groups + t->n_groups && !same_meeting(g->meeting, meeting))
            g++;
        if (g == t->groups + t->n_groups) {
            g->meeting = meeting;
            if ((g->hits = calloc(n, sizeof(*g->hits))) == NULL)
                return -1;
            t->n_groups++;
        }
        g->hits[g->n++] = hit;
    }
    for (size_t g = 0; g < t->n_groups; g++)
        ms_views_sort_by_number(t->groups[g].hits, t->groups[g].n);
    /* The spelling of the documents, not of the address. */
    t->name = asked;
    for (size_t f = 0; n > 0 && f < results->hits[0].doc.n_fields; f++) {
        const ms_field_t *field = &results->hits[0].doc.fields[f];
        if (strcmp(field->name, "country") == 0 && strcasecmp(field->value, asked) == 0)
            t->name = field->value;
    }
    return 0;
}

/* The country's cell of 'hit' (its status by the one rule) in *cell,
 * borrowed from *cells, which the caller frees with json_decref(). */
static int
latest(json_t **cells, json_t **cell, const ms_hit_t *hit, const char *name)
{
    *cells = ms_reports_latest(&hit->doc);
    *cell = *cells != NULL ? ms_reports_find(*cells, name) : NULL;
    return *cell != NULL ? 0 : -1;
}

/* One recommendation: the document shape, its number and link, the
 * country's status and the date of that report, and all its reports. */
static json_t *
recommendation_json(const ms_hit_t *hit, const char *name, json_t *summary)
{
    json_t *item = ms_views_row(&hit->doc), *cells = NULL, *cell = NULL;
    int rc = item != NULL ? latest(&cells, &cell, hit, name) : -1;

    if (rc == 0) {
        const char *status = json_string_value(json_object_get(cell, "status"));
        rc |= ms_views_summary_add(summary, status);
        rc |= ms_json_put(item, "status", ms_json_string(status));
        rc |=
            ms_json_put(item, "reported",
                        ms_json_string(json_string_value(json_object_get(cell, "date"))));
        rc |= ms_json_put(item, "reports", ms_reports_of(&hit->doc, name));
    }
    json_decref(cells);
    if (rc != 0) {
        json_decref(item);
        return NULL;
    }
    return item;
}

static json_t *
group_json(const struct group *g, const char *name, json_t *summary)
{
    const ms_document_t *first = &g->hits[0]->doc;
    json_t *items = json_array();
    json_t *group = json_pack(
        "{s:o,s:o,s:o,s:o,s:o}", "id", ms_json_string(g->meeting), "title",
        ms_json_string(ms_fields_value(first, "meeting_title")), "process",
        ms_json_string(ms_fields_value(first, "process")), "date",
        ms_json_string(first->date), "url",
        g->meeting != NULL ? ms_json_url("/meeting/", g->meeting) : json_null());
    int rc = group != NULL && items != NULL ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < g->n; i++)
        rc |= ms_json_append(items, recommendation_json(g->hits[i], name, summary));
    rc |= ms_json_put(group, "recommendations", items);
    if (rc != 0) {
        json_decref(group);
        return NULL;
    }
    return group;
}

static json_t *
table_json(const struct table *t)
{
    json_t *summary = ms_views_summary_new("recommendations"), *meetings = json_array();
    json_t *url = ms_json_url("/country/", t->name), *country = NULL, *body = NULL;
    int rc = summary != NULL && meetings != NULL && url != NULL ? 0 : -1;

    for (size_t g = 0; rc == 0 && g < t->n_groups; g++)
        rc |= ms_json_append(meetings, group_json(&t->groups[g], t->name, summary));
    if (rc == 0)
        country = json_pack(
            "{s:o,s:O,s:o,s:O}", "name", ms_json_string(t->name), "url", url, "csv_url",
            json_sprintf("%s?format=csv", json_string_value(url)), "summary", summary);
    if (country != NULL)
        body = json_pack("{s:o,s:O}", "country", country, "meetings", meetings);
    json_decref(summary);
    json_decref(meetings);
    json_decref(url);
    return body;
}

/* One CSV record per report of 'hit' by the country, newest first; one
 * with the status alone when there is none. */
static int
hit_csv(ms_buf_t *b, const struct group *g, const ms_hit_t *hit, const char *name)
{
    json_t *reports = ms_reports_of(&hit->doc, name), *cells = NULL, *cell = NULL;
    const char *fields[8] = {g->meeting, ms_fields_value(&hit->doc, "meeting_title"),
                             hit->doc.id, ms_fields_value(&hit->doc, "number"),
                             hit->doc.title};
    json_t *report;
    size_t i;
    int rc = reports != NULL ? 0 : -1;

    json_array_foreach(reports, i, report)
    {
        fields[5] = json_string_value(json_object_get(report, "status"));
        fields[6] = json_string_value(json_object_get(report, "date"));
        fields[7] = json_string_value(json_object_get(report, "obstacles"));
        ms_csv_record(b, fields, 8);
    }
    if (rc == 0 && json_array_size(reports) == 0 &&
        (rc = latest(&cells, &cell, hit, name)) == 0) {
        fields[5] = json_string_value(json_object_get(cell, "status"));
        ms_csv_record(b, fields, 8);
    }
    json_decref(cells);
    json_decref(reports);
    return rc;
}

static int
table_csv(ms_buf_t *b, const struct table *t)
{
    static const char *const header[] = {"meeting", "meeting_title", "id",   "number",
                                         "title",   "status",        "date", "obstacles"};
    int rc = 0;

    ms_csv_record(b, header, 8);
    for (size_t g = 0; rc == 0 && g < t->n_groups; g++) {
        for (size_t i = 0; rc == 0 && i < t->groups[g].n; i++)
            rc = hit_csv(b, &t->groups[g], t->groups[g].hits[i], t->name);
    }
    return rc == 0 && b->status == MS_BUF_OK ? 0 : -1;
}

/* The country named by the path segment of 'ctx' into *out (caller
 * frees): decoded, 1 to 200 bytes of UTF-8 without control characters,
 * composed as the index composes the names it holds.
 * Returns 0, or the status of the error document in *err. */
static int
country_name(char **out, json_t **err, const ms_context_t *ctx)
{
    ms_request_status_t status = ms_request_decode(out, ctx->id, ctx->id_length, false);
    size_t len;

    if (status == MS_REQUEST_OK)
        status = ms_request_compose(out);
    len = *out != NULL ? strlen(*out) : 0;
    if (status == MS_REQUEST_NOMEM)
        return ms_response_internal(err);
    if (status == MS_REQUEST_OK && len > 0 && len <= NAME_MAX_BYTES) {
        size_t i = 0;
        while (i < len && (unsigned char)(*out)[i] >= 0x20 && (*out)[i] != 0x7f)
            i++;
        if (i == len)
            return 0;
    }
    return ms_response_bad_request(err, "not a country name");
}

/* Answer 'csv' as the download "<name>.csv". */
static int
country_csv(ms_response_t *out, ms_buf_t *csv, const char *name)
{
    char filename[NAME_MAX_BYTES + 8];

    snprintf(filename, sizeof(filename), "%s.csv", name);
    return ms_views_csv(out, csv, filename);
}

int
ms_endpoint_country(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_results_t *results = NULL;
    struct table t = {0};
    ms_buf_t csv = MS_BUF_INIT;
    char *name = NULL;
    bool as_csv = false;
    int http = ms_views_format(&as_csv, &out->json, ctx->req->query);

    if (http == 0)
        http = country_name(&name, &out->json, ctx);
    if (http == 0)
        http = ms_views_fetch(&results, &out->json, w, ctx->viewer, "country", name,
                              MS_SORT_NEWEST);
    if (http != 0)
        goto out;
    if (results->n_hits == 0) {
        http = ms_views_not_found(&out->json, w, "no such country");
        goto out;
    }
    if (table_build(&t, results, name) != 0) {
        http = ms_response_internal(&out->json);
        goto out;
    }
    if (!as_csv)
        http = ms_response_json(out, table_json(&t));
    else if (table_csv(&csv, &t) != 0)
        http = ms_response_internal(&out->json);
    else
        http = country_csv(out, &csv, t.name);
    http = ms_shards_answer(out, w, http);
out:
    ms_buf_free(&csv);
    table_free(&t);
    ms_results_free(results);
    free(name);
    return http;
}
