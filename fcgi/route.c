/* route.c - dispatch of migsearch-fcgi requests, /doc and /health, errors
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Handlers answer with an HTTP status and a JSON body and do no I/O other
 * than on the worker's index handle. Clients get short fixed messages;
 * whatever the index layer says (paths, Xapian descriptions) goes to
 * w->detail, which main.c writes to the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ms_fcgi.h"
#include "ms_schema.h"

/* Longest document id the indexer accepts (see ms_document_t). */
#define MS_ID_MAX 200

/* The one table from index status to HTTP. MS_INDEX_NOT_FOUND here means
 * the index itself is missing: callers that look up a document handle the
 * "no such document" meaning before they get here. Any status not listed
 * is a 500. */
static const struct index_error {
    ms_index_status_t status;
    int http;
    const char *code;
    const char *message;
} index_errors[] = {
    {MS_INDEX_BAD_QUERY, 400, "bad_query",
     "the query cannot be parsed, even as plain words"},
    {MS_INDEX_NOT_FOUND, 503, "no_index", "no search index is available"},
    {MS_INDEX_MODIFIED, 503, "no_index", "the search index is being updated; retry"},
};

void
ms_worker_init(ms_worker_t *w, const ms_config_t *cfg)
{
    memset(w, 0, sizeof(*w));
    w->cfg = cfg;
    w->idx = NULL;
    w->hits = -1;
}

void
ms_worker_fini(ms_worker_t *w)
{
    ms_index_close(w->idx);
    w->idx = NULL;
}

static void
set_detail(ms_worker_t *w, const char *what, const char *text)
{
    snprintf(w->detail, sizeof(w->detail), "%s: %s", what, text);
}

static double
elapsed_seconds(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) +
           (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

/* Tell metrics.c which revision this worker now serves. */
static void
note_revision(ms_worker_t *w, bool opened)
{
    ms_index_info_t info;

    if (ms_index_info(&info, w->idx) != MS_INDEX_OK)
        return;
    ms_metrics_index_seen(info.revision, info.doc_count,
                          !opened && info.revision != w->revision);
    w->revision = info.revision;
}

static ms_index_status_t
open_index(ms_worker_t *w, const struct timespec *now)
{
    ms_index_error_t err;
    ms_index_status_t status;

    err.text[0] = '\0';
    status = ms_index_open(&w->idx, w->cfg->index.path, MS_INDEX_READ, &err);
    if (status != MS_INDEX_OK) {
        w->idx = NULL;
        set_detail(w, "open index", err.text);
        return status;
    }
    w->last_refresh = *now;
    note_revision(w, true);
    return MS_INDEX_OK;
}

ms_index_status_t
ms_route__index(ms_worker_t *w)
{
    ms_index_status_t status;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (w->idx == NULL)
        return open_index(w, &now);
    /* A refresh is cheap but not free; once a second is enough for the
     * indexer's commits to show up promptly. */
    if (elapsed_seconds(&w->last_refresh, &now) < 1.0)
        return MS_INDEX_OK;
    status = ms_index_refresh(w->idx);
    if (status == MS_INDEX_OK) {
        w->last_refresh = now;
        note_revision(w, false);
        return MS_INDEX_OK;
    }
    /* The index may have been replaced or damaged: start over with a new
     * handle rather than keep a broken one. */
    set_detail(w, "refresh index", ms_index_errmsg(w->idx));
    ms_index_close(w->idx);
    w->idx = NULL;
    return open_index(w, &now);
}

int
ms_route__error(json_t **out, int status, const char *code, const char *message)
{
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);

    *out = body;
    return body != NULL ? status : 500;
}

int
ms_route__index_error(json_t **out, ms_worker_t *w, ms_index_status_t status)
{
    if (w->detail[0] == '\0' && w->idx != NULL)
        set_detail(w, ms_index_status_string(status), ms_index_errmsg(w->idx));
    else if (w->detail[0] == '\0')
        set_detail(w, "index", ms_index_status_string(status));
    /* After these the handle may be stuck on an old or broken revision. */
    if (status == MS_INDEX_MODIFIED || status == MS_INDEX_IO ||
        status == MS_INDEX_XAPIAN || status == MS_INDEX_INTERNAL) {
        ms_index_close(w->idx);
        w->idx = NULL;
    }
    for (size_t i = 0; i < sizeof(index_errors) / sizeof(index_errors[0]); i++) {
        if (index_errors[i].status == status)
            return ms_route__error(out, index_errors[i].http, index_errors[i].code,
                                   index_errors[i].message);
    }
    return ms_route__error(out, 500, "internal", "internal error");
}

/* A JSON string for 's' (null when NULL), repairing invalid UTF-8 so that
 * one bad byte in the archive cannot turn a whole answer into a 500. */
json_t *
ms_route__string(const char *s)
{
    json_t *value;
    char *repaired;

    if (s == NULL)
        return json_null();
    if (ms_request_utf8_valid(s, strlen(s)))
        return json_string(s);
    repaired = ms_request_utf8_repair(s);
    if (repaired == NULL)
        return NULL;
    value = json_string(repaired);
    free(repaired);
    return value;
}

/* "<prefix><value percent-encoded>" as a JSON string; NULL on allocation
 * failure. */
static json_t *
url_json(const char *prefix, const char *value)
{
    char *encoded = ms_request_encode(value, NULL);
    char *url = NULL;
    json_t *out = NULL;

    if (encoded == NULL)
        goto out;
    url = malloc(strlen(prefix) + strlen(encoded) + 1);
    if (url == NULL)
        goto out;
    strcpy(url, prefix);
    strcat(url, encoded);
    out = json_string(url);
out:
    free(url);
    free(encoded);
    return out;
}

json_t *
ms_route__doc_url(const char *id)
{
    return url_json("/doc/", id != NULL ? id : "");
}

int
ms_route__put(json_t *object, const char *key, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_object_set_new(object, key, value);
}

int
ms_route__append(json_t *array, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_array_append_new(array, value);
}

/* Add a free field to "extra": a string for the first value, an array once
 * the field repeats. Names that are not valid UTF-8 are repaired. */
static int
put_extra(json_t *extra, const ms_field_t *field)
{
    char *name = NULL;
    json_t *old, *value;
    int rc = -1;

    name = ms_request_utf8_valid(field->name, strlen(field->name))
               ? strdup(field->name)
               : ms_request_utf8_repair(field->name);
    if (name == NULL)
        goto out;
    value = ms_route__string(field->value);
    if (value == NULL)
        goto out;
    old = json_object_get(extra, name);
    if (old == NULL) {
        rc = json_object_set_new(extra, name, value);
    } else if (json_is_array(old)) {
        rc = json_array_append_new(old, value);
    } else {
        json_t *list = json_array();

        if (list == NULL || json_array_append(list, old) != 0 ||
            json_array_append_new(list, value) != 0) {
            json_decref(list);
            goto out;
        }
        rc = json_object_set_new(extra, name, list);
    }
out:
    free(name);
    return rc;
}

json_t *
ms_route__document_json(const ms_document_t *doc)
{
    static const char *const scalars[] = {"type", "process", "meeting", "status",
                                          "symbol"};
    json_t *object = json_object();
    json_t *countries = json_array();
    json_t *themes = json_array();
    json_t *extra = json_object();
    int rc = 0;

    if (object == NULL || countries == NULL || themes == NULL || extra == NULL) {
        rc = -1;
        goto out;
    }
    rc |= ms_route__put(object, "id", ms_route__string(doc->id));
    rc |= ms_route__put(object, "title", ms_route__string(doc->title));
    rc |= ms_route__put(object, "date", ms_route__string(doc->date));
    rc |= ms_route__put(object, "language", ms_route__string(doc->language));
    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
        rc |= ms_route__put(object, scalars[i], json_null());

    for (size_t i = 0; i < doc->n_fields; i++) {
        const ms_field_t *field = &doc->fields[i];
        bool scalar = false;

        if (field->name == NULL || field->value == NULL)
            continue;
        /* The archive path is for X-Accel-Redirect only, and "reports" is
         * shown parsed, as "implementation", by /doc. */
        if (strcmp(field->name, "source") == 0 || strcmp(field->name, "reports") == 0)
            continue;
        if (strcmp(field->name, "country") == 0) {
            rc |= ms_route__append(countries, ms_route__string(field->value));
            continue;
        }
        if (strcmp(field->name, "theme") == 0) {
            rc |= ms_route__append(themes, ms_route__string(field->value));
            continue;
        }
        for (size_t k = 0; k < sizeof(scalars) / sizeof(scalars[0]); k++) {
            if (strcmp(field->name, scalars[k]) != 0)
                continue;
            scalar = true;
            /* A single-valued field given twice keeps its first value. */
            if (json_is_null(json_object_get(object, scalars[k])))
                rc |= ms_route__put(object, scalars[k], ms_route__string(field->value));
        }
        if (!scalar)
            rc |= put_extra(extra, field);
    }
    rc |= json_object_set(object, "countries", countries);
    rc |= json_object_set(object, "themes", themes);
    rc |= json_object_set(object, "extra", extra);
out:
    json_decref(countries);
    json_decref(themes);
    json_decref(extra);
    if (rc != 0) {
        json_decref(object);
        return NULL;
    }
    return object;
}

/* true if 'id' could name a document: ids are single path segments, and
 * nothing that looks like a path step or carries control bytes is even
 * looked up. */
static bool
id_acceptable(const char *id)
{
    size_t len = strlen(id);

    if (len == 0 || len > MS_ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];

        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
            return false;
    }
    return true;
}

/* Decode the raw path segment 'segment' into a document id. Returns the
 * id (caller frees) or NULL when it cannot name a document. */
static char *
decode_id(const char *segment, size_t len)
{
    char *id = NULL;

    if (memchr(segment, '/', len) != NULL ||
        ms_request_decode(&id, segment, len, false) != MS_REQUEST_OK)
        return NULL;
    if (!id_acceptable(id)) {
        free(id);
        return NULL;
    }
    return id;
}

static int
not_found(json_t **out)
{
    return ms_route__error(out, 404, "not_found", "no such document");
}

const char *
ms_route__field_value(const ms_document_t *doc, const char *name)
{
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (doc->fields[i].name != NULL && doc->fields[i].value != NULL &&
            strcmp(doc->fields[i].name, name) == 0)
            return doc->fields[i].value;
    }
    return NULL;
}

static bool
ends_with_ci(const char *s, const char *suffix)
{
    size_t len = strlen(s), n = strlen(suffix);

    return len >= n && strcasecmp(s + len - n, suffix) == 0;
}

/* The archive path of 'doc' if it is a file a delegate can download, or
 * NULL. JSONL files and recommendation sets hold many documents each and
 * are not what a delegate asked for. A path that is not plainly relative
 * (absolute, empty or dot segments, control bytes) is never handed to
 * nginx, whatever the index says. */
static const char *
downloadable_source(const ms_document_t *doc)
{
    const char *source = ms_route__field_value(doc, "source");
    const char *segment;
    size_t len;

    if (source == NULL || (len = strlen(source)) == 0 || len > 4096 ||
        !ms_request_utf8_valid(source, len))
        return NULL;
    if (ends_with_ci(source, ".jsonl") || ends_with_ci(source, ".recommendations.yaml"))
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)source[i];

        if (c < 0x20 || c == 0x7f)
            return NULL;
    }
    for (segment = source;; segment++) {
        size_t seg_len = strcspn(segment, "/");

        if (seg_len == 0 || (seg_len == 1 && segment[0] == '.') ||
            (seg_len == 2 && segment[0] == '.' && segment[1] == '.'))
            return NULL;
        segment += seg_len;
        if (*segment == '\0')
            break;
    }
    return source;
}

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
    return ms_route__string(text);
}

static json_t *
report_value(json_t *report, const char *key)
{
    json_t *value = json_object_get(report, key);

    return json_is_string(value) ? ms_route__string(json_string_value(value))
                                 : json_null();
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
        rc |= ms_route__append(list, row);
        if (rc != 0)
            break;
        rc |= ms_route__put(row, "country", report_value(report, "country"));
        rc |= ms_route__put(row, "status", report_value(report, "status"));
        rc |= ms_route__put(row, "obstacles", report_value(report, "obstacles"));
        rc |= ms_route__put(row, "date", report_value(report, "date"));
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

/* Add what /doc shows beyond the result shape: the text, the file link
 * and, for a recommendation, its number, meeting link and implementation
 * table. Returns 0 or -1 (allocation failure). */
static int
doc_details(json_t *body, const ms_document_t *doc)
{
    const char *type = ms_route__field_value(doc, "type");
    const char *reports = ms_route__field_value(doc, "reports");
    const char *meeting = ms_route__field_value(doc, "meeting");
    json_t *file = json_null();
    int rc = 0;

    rc |= ms_route__put(body, "text", ms_route__string(doc->body));
    if (downloadable_source(doc) != NULL) {
        json_t *url = ms_route__doc_url(doc->id);

        file = url != NULL ? json_sprintf("%s/file", json_string_value(url)) : NULL;
        json_decref(url);
    }
    rc |= ms_route__put(body, "file", file);
    if (type != NULL && strcmp(type, "recommendation") == 0) {
        bool failed = false;
        json_t *implementation = NULL;

        rc |= ms_route__put(body, "number",
                            number_json(ms_route__field_value(doc, "number")));
        json_object_del(json_object_get(body, "extra"), "number");
        rc |= ms_route__put(body, "meeting_url",
                            meeting != NULL ? url_json("/search?meeting=", meeting)
                                            : json_null());
        if (reports != NULL)
            implementation = implementation_json(reports, &failed);
        if (failed)
            rc = -1;
        else if (implementation != NULL)
            rc |= ms_route__put(body, "implementation", implementation);
    }
    return rc;
}

/* Fetch the document named by the raw path segment 'segment' for
 * 'viewer' into *doc; on failure answer the error and return its status,
 * else 0. */
static int
fetch_visible(ms_document_t **doc, json_t **out, ms_worker_t *w, const char *segment,
              size_t len, const ms_viewer_t *viewer)
{
    ms_index_status_t status;
    char *id = decode_id(segment, len);
    int http = 0;

    *doc = NULL;
    if (id == NULL) {
        http = not_found(out);
        goto out;
    }
    status = ms_route__index(w);
    if (status == MS_INDEX_OK)
        status = ms_index_get_visible(doc, w->idx, id, viewer);
    if (status == MS_INDEX_NOT_FOUND && w->idx != NULL) {
        /* Hidden and missing are the same answer, on purpose. */
        *doc = NULL;
        http = not_found(out);
    } else if (status != MS_INDEX_OK) {
        *doc = NULL;
        http = ms_route__index_error(out, w, status);
    }
out:
    free(id);
    return http;
}

static int
handle_doc(json_t **out, ms_worker_t *w, const char *segment, const ms_viewer_t *viewer)
{
    ms_document_t *doc = NULL;
    json_t *body = NULL;
    int http;

    http = fetch_visible(&doc, out, w, segment, strlen(segment), viewer);
    if (http != 0)
        goto out;
    body = ms_route__document_json(doc);
    if (body == NULL || doc_details(body, doc) != 0) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    *out = body;
    body = NULL;
    http = 200;
out:
    json_decref(body);
    ms_document_free(doc);
    return http;
}

/* The Content-Disposition value for a file named 'name': a quoted ASCII
 * fallback (anything else, quotes and backslashes become '_') and, when
 * that lost something, the exact name as an RFC 8187 extended value.
 * Caller frees; NULL on allocation failure. */
static char *
content_disposition(const char *name)
{
    size_t len = strlen(name);
    char *fallback = malloc(len + 1);
    char *encoded = NULL, *value = NULL;
    size_t n = 0;

    if (fallback == NULL)
        goto out;
    /* One '_' per character: continuation bytes of UTF-8 add nothing. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            fallback[n++] = (char)c;
        else if ((c & 0xc0) != 0x80)
            fallback[n++] = '_';
    }
    fallback[n] = '\0';
    if (strcmp(fallback, name) == 0) {
        value = malloc(len + 32);
        if (value != NULL)
            snprintf(value, len + 32, "inline; filename=\"%s\"", fallback);
        goto out;
    }
    encoded = ms_request_encode(name, NULL);
    if (encoded == NULL)
        goto out;
    value = malloc(len + strlen(encoded) + 64);
    if (value != NULL)
        snprintf(value, len + strlen(encoded) + 64,
                 "inline; filename=\"%s\"; filename*=UTF-8''%s", fallback, encoded);
out:
    free(encoded);
    free(fallback);
    return value;
}

/* GET /doc/{id}/file: no body of our own; nginx serves the file from its
 * internal location named by X-Accel-Redirect, after this access check. */
static int
handle_file(ms_response_t *resp, ms_worker_t *w, const char *segment, size_t len,
            const ms_viewer_t *viewer)
{
    ms_document_t *doc = NULL;
    const char *source, *base;
    char *encoded = NULL, *target = NULL, *disposition = NULL;
    int http;

    http = fetch_visible(&doc, &resp->json, w, segment, len, viewer);
    if (http != 0)
        goto out;
    source = downloadable_source(doc);
    if (source == NULL) {
        http =
            ms_route__error(&resp->json, 404, "not_found", "this document has no file");
        goto out;
    }
    base = strrchr(source, '/');
    base = base != NULL ? base + 1 : source;
    encoded = ms_request_encode(source, "/");
    disposition = content_disposition(base);
    if (encoded != NULL)
        target = malloc(strlen(w->cfg->server.files_location) + strlen(encoded) + 1);
    resp->text = strdup("");
    if (target == NULL || disposition == NULL || resp->text == NULL) {
        http = ms_route__error(&resp->json, 500, "internal", "internal error");
        goto out;
    }
    strcpy(target, w->cfg->server.files_location);
    strcat(target, encoded);
    if (ms_response_add_header(resp, "X-Accel-Redirect", target) != 0 ||
        ms_response_add_header(resp, "Content-Disposition", disposition) != 0) {
        http = ms_route__error(&resp->json, 500, "internal", "internal error");
        goto out;
    }
    resp->text_length = 0;
    resp->content_type = NULL;
    http = 200;
out:
    if (http != 200) {
        free(resp->text);
        resp->text = NULL;
        for (size_t i = 0; i < resp->n_headers; i++)
            free(resp->headers[i].value);
        resp->n_headers = 0;
    }
    free(target);
    free(disposition);
    free(encoded);
    ms_document_free(doc);
    return http;
}

/* Parse the query string of an endpoint that takes only the parameters
 * in 'allowed' (NULL-terminated), each at most once, into 'params'.
 * Returns 0 or the status of the error document in *out. */
static int
parse_simple(ms_params_t *params, json_t **out, const char *query,
             const char *const *allowed)
{
    char message[160];

    switch (ms_params_parse(params, query, message, sizeof(message))) {
    case MS_REQUEST_OK:
        break;
    case MS_REQUEST_BAD:
        return ms_route__error(out, 400, "bad_request", message);
    default:
        return ms_route__error(out, 500, "internal", "internal error");
    }
    for (size_t i = 0; i < params->count; i++) {
        const char *name = params->items[i].name;
        size_t k;

        for (k = 0; allowed[k] != NULL && strcmp(allowed[k], name) != 0; k++)
            ;
        if (allowed[k] == NULL) {
            if (strlen(name) > 64)
                return ms_route__error(out, 400, "bad_request", "unknown parameter");
            snprintf(message, sizeof(message), "unknown parameter '%s'", name);
            return ms_route__error(out, 400, "bad_request", message);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(params->items[j].name, name) == 0) {
                snprintf(message, sizeof(message), "parameter '%s' given more than once",
                         name);
                return ms_route__error(out, 400, "bad_request", message);
            }
        }
    }
    return 0;
}

static const char *
param_value(const ms_params_t *params, const char *name)
{
    for (size_t i = 0; i < params->count; i++) {
        if (strcmp(params->items[i].name, name) == 0)
            return params->items[i].value;
    }
    return NULL;
}

static int
handle_suggest(json_t **out, ms_worker_t *w, const char *query, const ms_viewer_t *viewer)
{
    static const char *const allowed[] = {"q", NULL};
    ms_params_t params = {NULL, 0};
    ms_strings_t *strings = NULL;
    ms_index_status_t status;
    const char *q;
    json_t *list = NULL;
    char message[96];
    int http, rc = 0;

    http = parse_simple(&params, out, query, allowed);
    if (http != 0)
        goto out;
    q = param_value(&params, "q");
    if (q == NULL) {
        http = ms_route__error(out, 400, "bad_request", "parameter 'q' is required");
        goto out;
    }
    if (strlen(q) > w->cfg->search.max_query_length) {
        snprintf(message, sizeof(message), "parameter 'q' must be at most %u bytes long",
                 w->cfg->search.max_query_length);
        http = ms_route__error(out, 400, "bad_request", message);
        goto out;
    }
    status = ms_route__index(w);
    if (status == MS_INDEX_OK)
        status =
            ms_index_suggest(&strings, w->idx, q, viewer, w->cfg->search.suggestions);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    list = json_array();
    if (list == NULL)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < strings->n_items; i++)
        rc |= ms_route__append(list, ms_route__string(strings->items[i]));
    if (rc == 0)
        *out = json_pack("{s:o,s:O}", "query", ms_route__string(q), "suggestions", list);
    if (rc != 0 || *out == NULL) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    w->hits = (long)strings->n_items;
    http = 200;
out:
    json_decref(list);
    ms_strings_free(strings);
    ms_params_free(&params);
    return http;
}

static int
handle_similar(json_t **out, ms_worker_t *w, const char *segment, const char *query,
               const ms_viewer_t *viewer)
{
    static const char *const allowed[] = {"per_page", NULL};
    ms_params_t params = {NULL, 0};
    ms_results_t *results = NULL;
    ms_index_status_t status;
    const char *per_page_text;
    unsigned long limit = 10;
    char *id = NULL, message[96];
    json_t *list = NULL;
    int http, rc = 0;

    http = parse_simple(&params, out, query, allowed);
    if (http != 0)
        goto out;
    per_page_text = param_value(&params, "per_page");
    if (limit > w->cfg->search.max_per_page)
        limit = w->cfg->search.max_per_page;
    if (per_page_text != NULL) {
        size_t len = strlen(per_page_text);

        if (len > 0 && len <= 10 && strspn(per_page_text, "0123456789") == len)
            limit = strtoul(per_page_text, NULL, 10);
        else
            limit = 0;
        if (limit < 1 || limit > w->cfg->search.max_per_page) {
            snprintf(message, sizeof(message),
                     "parameter 'per_page' must be an integer from 1 to %u",
                     w->cfg->search.max_per_page);
            http = ms_route__error(out, 400, "bad_request", message);
            goto out;
        }
    }
    id = decode_id(segment, strlen(segment));
    if (id == NULL) {
        http = not_found(out);
        goto out;
    }
    status = ms_route__index(w);
    if (status == MS_INDEX_OK)
        status = ms_index_similar(&results, w->idx, id, viewer, (unsigned)limit);
    if (status == MS_INDEX_NOT_FOUND && w->idx != NULL) {
        http = not_found(out);
        goto out;
    }
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    list = json_array();
    if (list == NULL)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < results->n_hits; i++)
        rc |= ms_route__append(list, ms_search__hit_json(&results->hits[i], false));
    if (rc == 0)
        *out = json_pack("{s:o,s:O}", "id", ms_route__string(id), "results", list);
    if (rc != 0 || *out == NULL) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    w->hits = (long)results->n_hits;
    http = 200;
out:
    json_decref(list);
    ms_results_free(results);
    ms_params_free(&params);
    free(id);
    return http;
}

/* "finished" of the indexer's last_run report, or JSON null when there is
 * none or it cannot be read: /health must not fail over a report. */
static json_t *
last_commit(ms_worker_t *w)
{
    char *text = NULL;
    json_t *report, *value;

    if (ms_index_metadata_get(&text, w->idx, "last_run") != MS_INDEX_OK)
        return json_null();
    report = json_loads(text, 0, NULL);
    ms_index_string_free(text);
    value = json_object_get(report, "finished");
    value =
        json_is_string(value) ? ms_route__string(json_string_value(value)) : json_null();
    json_decref(report);
    return value;
}

static int
handle_health(json_t **out, ms_worker_t *w)
{
    ms_index_info_t info;
    ms_index_status_t status;
    json_t *error = NULL;
    int http;

    status = ms_route__index(w);
    if (status == MS_INDEX_OK) {
        status = ms_index_info(&info, w->idx);
        if (status == MS_INDEX_OK) {
            *out = json_pack("{s:s,s:I,s:I,s:o?,s:s,s:i}", "status", "ok", "documents",
                             (json_int_t)info.doc_count, "revision",
                             (json_int_t)info.revision, "last_commit", last_commit(w),
                             "version", MS_VERSION, "api", MS_API_VERSION);
            return *out != NULL ? 200 : 500;
        }
    }
    /* Health checks want "unavailable", whatever the cause: reuse the
     * error table for the code and message, but always answer 503. */
    ms_route__index_error(&error, w, status);
    if (error == NULL) {
        *out = NULL;
        return 500;
    }
    *out = json_pack("{s:s,s:O}", "status", "unavailable", "error",
                     json_object_get(error, "error"));
    http = *out != NULL ? 503 : 500;
    json_decref(error);
    return http;
}

/* One field of GET /schema: the public vocabulary, no internal field. */
static json_t *
schema_field_json(const ms_schema_field_t *f)
{
    json_t *values = json_null();

    if (f->values != NULL) {
        values = json_array();
        for (const char *const *v = f->values; values != NULL && *v != NULL; v++) {
            if (ms_route__append(values, json_string(*v)) != 0) {
                json_decref(values);
                values = NULL;
            }
        }
    }
    if (values == NULL)
        return NULL;
    return json_pack(
        "{s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:o}", "name", f->name, "label", f->label, "param",
        ms_route__string(f->param), "key", ms_route__string(f->json), "multiple",
        (f->flags & MS_FIELD_MULTI) != 0, "filter", (f->flags & MS_FIELD_FILTER) != 0,
        "facet", (f->flags & MS_FIELD_FACET) != 0, "values", values);
}

/* GET /schema: the fields and languages the index knows, from the one
 * table of ms_schema.h, so that the search page builds its filters from
 * the server instead of a copy of its own. */
static int
handle_schema(json_t **out)
{
    json_t *fields = json_array(), *languages = json_array();
    int rc = fields != NULL && languages != NULL ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < ms_schema_n_fields; i++) {
        if (ms_schema_fields[i].label != NULL)
            rc |= ms_route__append(fields, schema_field_json(&ms_schema_fields[i]));
    }
    for (size_t i = 0; rc == 0 && i < ms_schema_n_languages; i++)
        rc |= ms_route__append(languages,
                               json_pack("{s:s,s:s}", "code", ms_schema_languages[i].code,
                                         "label", ms_schema_languages[i].label));
    if (rc == 0)
        *out =
            json_pack("{s:i,s:O,s:O,s:[sss]}", "api", MS_API_VERSION, "fields", fields,
                      "languages", languages, "sorts", "relevance", "newest", "oldest");
    json_decref(fields);
    json_decref(languages);
    if (rc != 0 || *out == NULL)
        return ms_route__error(out, 500, "internal", "internal error");
    return 200;
}

void
ms_response_free(ms_response_t *resp)
{
    json_decref(resp->json);
    free(resp->text);
    for (size_t i = 0; i < resp->n_headers && i < MS_RESPONSE_MAX_HEADERS; i++)
        free(resp->headers[i].value);
    memset(resp, 0, sizeof(*resp));
}

int
ms_response_add_header(ms_response_t *resp, const char *name, const char *value)
{
    char *copy;

    if (resp->n_headers == MS_RESPONSE_MAX_HEADERS)
        return -1;
    for (const char *p = value; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1;
    }
    copy = strdup(value);
    if (copy == NULL)
        return -1;
    resp->headers[resp->n_headers].name = name;
    resp->headers[resp->n_headers].value = copy;
    resp->n_headers++;
    return 0;
}

/* If 'path' is "<prefix><segment>" with a non-empty rest, the rest. */
static const char *
after_prefix(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static int
dispatch(ms_response_t *out, ms_worker_t *w, const ms_request_t *req,
         const ms_viewer_t *viewer)
{
    const char *path = req->path != NULL ? req->path : "";
    const char *rest;

    if (req->method == NULL ||
        (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
        return ms_route__error(&out->json, 405, "method_not_allowed",
                               "method not allowed; use GET or HEAD");
    if (strcmp(path, "/search") == 0)
        return ms_search_handle(&out->json, w, req->query, viewer);
    if (strcmp(path, "/feed") == 0)
        return ms_feed_handle(out, w, req->query, viewer);
    if (strcmp(path, "/fragment") == 0)
        return ms_fragment_handle(out, w, req->query, viewer);
    if (strcmp(path, "/suggest") == 0)
        return handle_suggest(&out->json, w, req->query, viewer);
    if (strcmp(path, "/health") == 0)
        return handle_health(&out->json, w);
    if (strcmp(path, "/schema") == 0)
        return handle_schema(&out->json);
    if ((rest = after_prefix(path, "/doc/")) != NULL) {
        const char *slash = strchr(rest, '/');

        if (slash == NULL)
            return handle_doc(&out->json, w, rest, viewer);
        if (strcmp(slash, "/file") == 0)
            return handle_file(out, w, rest, (size_t)(slash - rest), viewer);
        return not_found(&out->json);
    }
    if ((rest = after_prefix(path, "/similar/")) != NULL)
        return handle_similar(&out->json, w, rest, req->query, viewer);
    return ms_route__error(&out->json, 404, "not_found", "no such resource");
}

int
ms_route(ms_response_t *out, ms_worker_t *w, const ms_request_t *req)
{
    ms_viewer_buf_t viewer;

    memset(out, 0, sizeof(*out));
    w->hits = -1;
    w->detail[0] = '\0';
    ms_request_viewer(&viewer, req->groups);
    out->status = dispatch(out, w, req, &viewer.viewer);
    if (out->json == NULL && out->text == NULL)
        out->status = 500;
    return out->status;
}
