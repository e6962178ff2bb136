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

#include "ms_fcgi.h"

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
static json_t *
string_or_null(const char *s)
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

/* json_object_set_new that also reports a NULL value (a failed
 * allocation) as an error, so builders can OR the results together. */
static int
put(json_t *object, const char *key, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_object_set_new(object, key, value);
}

static int
append(json_t *array, json_t *value)
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
    value = string_or_null(field->value);
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
    rc |= put(object, "id", string_or_null(doc->id));
    rc |= put(object, "title", string_or_null(doc->title));
    rc |= put(object, "date", string_or_null(doc->date));
    rc |= put(object, "language", string_or_null(doc->language));
    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
        rc |= put(object, scalars[i], json_null());

    for (size_t i = 0; i < doc->n_fields; i++) {
        const ms_field_t *field = &doc->fields[i];
        bool scalar = false;

        if (field->name == NULL || field->value == NULL)
            continue;
        if (strcmp(field->name, "country") == 0) {
            rc |= append(countries, string_or_null(field->value));
            continue;
        }
        if (strcmp(field->name, "theme") == 0) {
            rc |= append(themes, string_or_null(field->value));
            continue;
        }
        for (size_t k = 0; k < sizeof(scalars) / sizeof(scalars[0]); k++) {
            if (strcmp(field->name, scalars[k]) != 0)
                continue;
            scalar = true;
            /* A single-valued field given twice keeps its first value. */
            if (json_is_null(json_object_get(object, scalars[k])))
                rc |= put(object, scalars[k], string_or_null(field->value));
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

static int
handle_doc(json_t **out, ms_worker_t *w, const char *segment)
{
    ms_document_t *doc = NULL;
    ms_index_status_t status;
    char *id = NULL;
    json_t *body = NULL;
    int http;

    if (strchr(segment, '/') != NULL ||
        ms_request_decode(&id, segment, strlen(segment), false) != MS_REQUEST_OK ||
        !id_acceptable(id)) {
        http = ms_route__error(out, 404, "not_found", "no such document");
        goto out;
    }
    status = ms_route__index(w);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    status = ms_index_get(&doc, w->idx, id);
    if (status == MS_INDEX_NOT_FOUND) {
        http = ms_route__error(out, 404, "not_found", "no such document");
        goto out;
    }
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(out, w, status);
        goto out;
    }
    body = ms_route__document_json(doc);
    if (body == NULL || put(body, "text", string_or_null(doc->body)) != 0) {
        http = ms_route__error(out, 500, "internal", "internal error");
        goto out;
    }
    *out = body;
    body = NULL;
    http = 200;
out:
    json_decref(body);
    ms_document_free(doc);
    free(id);
    return http;
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
            *out = json_pack("{s:s,s:I,s:I,s:s}", "status", "ok", "documents",
                             (json_int_t)info.doc_count, "revision",
                             (json_int_t)info.revision, "version", MS_VERSION);
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

int
ms_route(json_t **out, ms_worker_t *w, const ms_request_t *req)
{
    const char *path = req->path != NULL ? req->path : "";

    *out = NULL;
    w->hits = -1;
    w->detail[0] = '\0';

    if (req->method == NULL ||
        (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
        return ms_route__error(out, 405, "method_not_allowed",
                               "method not allowed; use GET or HEAD");
    if (strcmp(path, "/search") == 0)
        return ms_search_handle(out, w, req->query);
    if (strcmp(path, "/health") == 0)
        return handle_health(out, w);
    if (strncmp(path, "/doc/", 5) == 0)
        return handle_doc(out, w, path + 5);
    return ms_route__error(out, 404, "not_found", "no such resource");
}
