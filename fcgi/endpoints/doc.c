/* doc.c - GET /doc/{id}: one document, its text and details
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The document shape of the search results (ms_json_document) plus what
 * only this page shows: the text (and a Markdown document's source, for
 * the page to render), the file link and, for a recommendation, its
 * number, meeting link and implementation table.
 */
#include <stdlib.h>
#include <string.h>

#include "ms_endpoints.h"
#include "ms_fields.h"
#include "ms_json.h"

/* "number" as a JSON integer when it is one, else as given. */
static json_t *
number_json(const char *text)
{
    size_t len;

    if (text == NULL)
        return json_null();
    len = strlen(text);
    if (len > 0 && len <= 9 && strspn(text, "0123456789") == len)
        return json_integer(strtol(text, NULL, 10));
    return ms_json_string(text);
}

static json_t *
report_value(json_t *report, const char *key)
{
    json_t *value = json_object_get(report, key);

    return json_is_string(value) ? ms_json_string(json_string_value(value)) : json_null();
}

/* The implementation table of a recommendation from its "reports" field
 * (a JSON array written by the indexer). NULL when the field is not such
 * an array, or on allocation failure (*failed then set). */
static json_t *
implementation_json(const char *reports, bool *failed)
{
    json_t *parsed, *list = NULL;
    size_t i;
    json_t *report;
    int rc = 0;

    parsed = json_loads(reports, 0, NULL);
    if (!json_is_array(parsed))
        goto out;
    list = json_array();
    if (list == NULL) {
        *failed = true;
        goto out;
    }
    json_array_foreach(parsed, i, report)
    {
        json_t *row;

        if (!json_is_object(report))
            continue;
        row = json_object();
        rc |= ms_json_append(list, row);
        if (rc != 0)
            break;
        rc |= ms_json_put(row, "country", report_value(report, "country"));
        rc |= ms_json_put(row, "status", report_value(report, "status"));
        rc |= ms_json_put(row, "obstacles", report_value(report, "obstacles"));
        rc |= ms_json_put(row, "date", report_value(report, "date"));
    }
    if (rc != 0) {
        *failed = true;
        json_decref(list);
        list = NULL;
    }
out:
    json_decref(parsed);
    return list;
}

/* What a recommendation shows beyond other documents. */
static int
recommendation_details(json_t *body, const ms_document_t *doc)
{
    const char *reports = ms_fields_value(doc, "reports");
    const char *meeting = ms_fields_value(doc, "meeting");
    json_t *implementation = NULL;
    bool failed = false;
    int rc = 0;

    rc |= ms_json_put(body, "number", number_json(ms_fields_value(doc, "number")));
    json_object_del(json_object_get(body, "extra"), "number");
    rc |= ms_json_put(body, "meeting_url",
                      meeting != NULL ? ms_json_url("/search?meeting=", meeting)
                                      : json_null());
    if (reports != NULL)
        implementation = implementation_json(reports, &failed);
    if (failed)
        rc = -1;
    else if (implementation != NULL)
        rc |= ms_json_put(body, "implementation", implementation);
    return rc;
}

/* Add what /doc shows beyond the result shape. Returns 0 or -1
 * (allocation failure). */
static int
doc_details(json_t *body, const ms_document_t *doc)
{
    const char *type = ms_fields_value(doc, "type");
    json_t *file = json_null();
    int rc = 0;

    rc |= ms_json_put(body, "text", ms_json_string(doc->body));
    rc |= ms_json_put(body, "markdown", ms_json_string(ms_fields_value(doc, "markdown")));
    if (ms_fields_file(doc) != NULL) {
        json_t *url = ms_json_doc_url(doc->id);

        file = url != NULL ? json_sprintf("%s/file", json_string_value(url)) : NULL;
        json_decref(url);
    }
    rc |= ms_json_put(body, "file", file);
    if (type != NULL && strcmp(type, "recommendation") == 0)
        rc |= recommendation_details(body, doc);
    return rc;
}

int
ms_endpoint_doc(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_document_t *doc = NULL;
    json_t *body = NULL;
    int http;

    http = ms_worker_document(&doc, &out->json, w, ctx->id, ctx->id_length, ctx->viewer);
    if (http != 0)
        goto out;
    body = ms_json_document(doc);
    if (body == NULL || doc_details(body, doc) != 0) {
        http = ms_response_internal(&out->json);
        goto out;
    }
    out->json = body;
    body = NULL;
    http = 200;
out:
    json_decref(body);
    ms_document_free(doc);
    return http;
}
