/* recset.c - recommendation sets: one YAML file per meeting, one document per
 * recommendation
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The format is described for staff in docs/staff.md ("Recommendation
 * sets"). Each recommendation becomes a document with the id
 * "<meeting>.r<number>", so a recommendation can be cited and linked, and
 * its id survives edits to the rest of the file.
 *
 * A set is all or nothing: one bad recommendation (an unknown status, a
 * number used twice) fails the whole file, and nothing of it is indexed
 * until staff fix it. Indexing the other recommendations would leave a
 * gap in a numbered list that nobody notices; a failed file is in the
 * summary of the run.
 *
 * The country reports travel as one compact JSON string in the field
 * "reports" ([{"country":..., "status":..., "date":..., "obstacles":...}]),
 * so the server can show the table of implementation by country without
 * a second lookup; the obstacles are also appended to the body so that
 * they are searchable. The status each country reported, and so the
 * recommendation's statuses, are pairs.c's rule, applied to every format
 * when the document is finished.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "archive-io.h"
#include "archive-yaml.h"
#include "ms_buf.h"

/* Bounds that no real meeting comes near; they keep a hostile file (YAML
 * aliases can repeat one node many times) from taking unbounded work. */
#define MAX_RECOMMENDATIONS 10000
#define MAX_REPORTS 100000

/* The longest title a recommendation's first sentence gives, in
 * characters (sentence.c). */
#define RECOMMENDATION_TITLE_CHARS 100

/* One recommendation, checked. Strings are borrowed from the YAML
 * document. */
struct recommendation {
    unsigned long number;
    unsigned line;
    const char *number_text;
    const char *title;
    const char *text;
    ms_archive_meta_t meta; /* themes, addressees */
    yaml_node_t *reports;   /* a list of checked mappings, or NULL */
};

struct recset {
    yaml_document_t *yaml;
    ms_archive_error_t *err;
    ms_archive_meta_t meeting; /* process, meeting, date, ... as fields */
    const char *meeting_id;
    const char *meeting_title;
    struct recommendation *recs;
    size_t n_recs;
    size_t n_reports;
};

/* The whole file is YAML, so its lines count from 1. */
static void
node_error(struct recset *rs, const yaml_node_t *node, const char *key,
           const char *reason)
{
    ms_archive__yaml_error(rs->err, 1, node, key, reason);
}

/* The text of scalar 'node' for 'key', or NULL in *out when it is YAML's
 * null or empty and may be left out. */
static ms_archive_status_t
scalar(const char **out, struct recset *rs, const yaml_node_t *node, const char *key)
{
    ms_archive_status_t status = ms_archive__yaml_scalar(node, key, 1, rs->err);

    *out = NULL;
    if (status == MS_ARCHIVE_OK && !ms_archive__yaml_null(node) &&
        node->data.scalar.length > 0)
        *out = (const char *)node->data.scalar.value;
    return status;
}

/* Check 'text', the value of metadata key 'key' at 'node'. */
static ms_archive_status_t
check_value(struct recset *rs, const yaml_node_t *node, const char *key, const char *text)
{
    ms_archive_key_t rule;
    char buf[256];
    const char *reason;

    ms_archive__key(&rule, key);
    reason = ms_archive__value_check(&rule, text, NULL, buf, sizeof(buf));
    if (reason) {
        node_error(rs, node, key, reason);
        return MS_ARCHIVE_INVALID;
    }
    return MS_ARCHIVE_OK;
}

/* Reading the set */

/* One key of the meeting: a metadata key, its title, or its id. */
static ms_archive_status_t
read_meeting_key(struct recset *rs, yaml_node_t *key, yaml_node_t *value)
{
    const char *name = (const char *)key->data.scalar.value;
    const char *reason;
    ms_archive_status_t status;

    if (strcmp(name, "title") == 0)
        return scalar(&rs->meeting_title, rs, value, name);
    status = ms_archive__meta_pair(&rs->meeting, rs->yaml, key, value, 1,
                                   MS_ARCHIVE_LAYER_FILE, rs->err);
    if (status != MS_ARCHIVE_OK || strcmp(name, "meeting") != 0)
        return status;
    status = scalar(&rs->meeting_id, rs, value, name);
    if (status == MS_ARCHIVE_OK && rs->meeting_id &&
        (reason = ms_schema_id_check(rs->meeting_id)) != NULL) {
        node_error(rs, value, name, reason);
        status = MS_ARCHIVE_INVALID;
    }
    return status;
}

/* The meeting: every key but "recommendations". */
static ms_archive_status_t
read_meeting(struct recset *rs, yaml_node_t *root, yaml_node_t **recommendations)
{
    static const char *const allowed[] = {
        "process",   "meeting", "title",  "date",  "venue",  "language",        "symbol",
        "countries", "country", "themes", "theme", "access", "recommendations", NULL};
    ms_archive_status_t status;

    status = ms_archive__yaml_mapping(
        rs->yaml, root, "recommendation set", allowed,
        "process, meeting, title, date, venue, language, symbol, "
        "countries, themes, access, recommendations",
        1, rs->err);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         status == MS_ARCHIVE_OK && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *key = yaml_document_get_node(rs->yaml, p->key);
        yaml_node_t *value = yaml_document_get_node(rs->yaml, p->value);
        if (strcmp((const char *)key->data.scalar.value, "recommendations") == 0)
            *recommendations = value;
        else
            status = read_meeting_key(rs, key, value);
    }
    if (status != MS_ARCHIVE_OK)
        return status;
    if (!rs->meeting_id) {
        node_error(rs, root, "meeting",
                   "missing; the meeting id names every recommendation "
                   "(<meeting>.r<number>)");
        return MS_ARCHIVE_INVALID;
    }
    if (!rs->meeting_title) {
        node_error(rs, root, "title", "missing; give the meeting's title");
        return MS_ARCHIVE_INVALID;
    }
    if (!*recommendations) {
        node_error(rs, root, "recommendations", "missing; list the recommendations");
        return MS_ARCHIVE_INVALID;
    }
    return MS_ARCHIVE_OK;
}

/* The value of the required key 'key' of 'report', checked: 'missing'
 * says what to give when it is absent. */
static ms_archive_status_t
required(const char **out, struct recset *rs, yaml_node_t *report, const char *key,
         const char *missing)
{
    yaml_node_t *value = ms_archive__yaml_get(rs->yaml, report, key, NULL);
    ms_archive_status_t status = MS_ARCHIVE_OK;
    char reason[200];

    *out = NULL;
    if (value && (status = scalar(out, rs, value, key)) != MS_ARCHIVE_OK)
        return status;
    if (!*out) {
        snprintf(reason, sizeof(reason), "missing; %s", missing);
        node_error(rs, value ? value : report, key, reason);
        return MS_ARCHIVE_INVALID;
    }
    return check_value(rs, value, key, *out);
}

static ms_archive_status_t
read_report(struct recset *rs, yaml_node_t *report)
{
    static const char *const allowed[] = {"country", "status", "date", "obstacles", NULL};
    char statuses[200];
    yaml_node_t *value;
    const char *text;
    ms_archive_status_t status;

    status = ms_archive__yaml_mapping(rs->yaml, report, "report", allowed,
                                      "country, status, date, obstacles", 1, rs->err);
    if (status == MS_ARCHIVE_OK)
        status = required(&text, rs, report, "country", "say which country reports");
    if (status == MS_ARCHIVE_OK)
        status = required(
            &text, rs, report, "status",
            ms_schema_values_text(ms_schema_field("status"), statuses, sizeof(statuses)));
    if (status == MS_ARCHIVE_OK &&
        (value = ms_archive__yaml_get(rs->yaml, report, "date", NULL)) != NULL &&
        (status = scalar(&text, rs, value, "date")) == MS_ARCHIVE_OK && text)
        status = check_value(rs, value, "date", text);
    if (status == MS_ARCHIVE_OK &&
        (value = ms_archive__yaml_get(rs->yaml, report, "obstacles", NULL)) != NULL)
        status = scalar(&text, rs, value, "obstacles");
    return status;
}

/* The reports of a recommendation: none, or a list of reports. */
static ms_archive_status_t
read_reports(struct recset *rs, yaml_node_t *value, struct recommendation *rec)
{
    ms_archive_status_t status = MS_ARCHIVE_OK;
    const char *nothing;

    if (value->type == YAML_SCALAR_NODE) {
        status = scalar(&nothing, rs, value, "reports");
        if (status == MS_ARCHIVE_OK && nothing) {
            node_error(rs, value, "reports",
                       "expected a list of reports, found a single value");
            status = MS_ARCHIVE_INVALID;
        }
        return status;
    }
    if (value->type != YAML_SEQUENCE_NODE) {
        node_error(rs, value, "reports", "expected a list of reports, found a mapping");
        return MS_ARCHIVE_INVALID;
    }
    for (yaml_node_item_t *item = value->data.sequence.items.start;
         status == MS_ARCHIVE_OK && item < value->data.sequence.items.top; item++) {
        if (++rs->n_reports > MAX_REPORTS) {
            node_error(rs, value, "reports", "more than 100000 reports in one file");
            return MS_ARCHIVE_INVALID;
        }
        status = read_report(rs, yaml_document_get_node(rs->yaml, *item));
    }
    rec->reports = value;
    return status;
}

/* A recommendation number: 1 to 999999, digits only, no leading zero, so
 * that "07" and "7" cannot name the same recommendation twice; and not
 * one of an earlier recommendation. */
static ms_archive_status_t
read_number(struct recset *rs, yaml_node_t *node, struct recommendation *rec)
{
    yaml_node_t *value = ms_archive__yaml_get(rs->yaml, node, "number", NULL);
    ms_archive_status_t status;
    size_t len;
    char reason[96];

    if (!value) {
        node_error(rs, node, "number", "missing; number each recommendation");
        return MS_ARCHIVE_INVALID;
    }
    if ((status = scalar(&rec->number_text, rs, value, "number")) != MS_ARCHIVE_OK)
        return status;
    len = rec->number_text ? strlen(rec->number_text) : 0;
    if (len == 0 || len > 6 || rec->number_text[0] == '0' ||
        strspn(rec->number_text, "0123456789") != len) {
        node_error(rs, value, "number", "must be a whole number from 1 to 999999");
        return MS_ARCHIVE_INVALID;
    }
    rec->number = strtoul(rec->number_text, NULL, 10);
    rec->line = (unsigned)value->start_mark.line + 1;
    for (size_t i = 0; i < rs->n_recs; i++) {
        if (rs->recs[i].number == rec->number) {
            snprintf(reason, sizeof(reason), "%lu is already used at line %u",
                     rec->number, rs->recs[i].line);
            node_error(rs, value, "number", reason);
            return MS_ARCHIVE_INVALID;
        }
    }
    return MS_ARCHIVE_OK;
}

static ms_archive_status_t
read_recommendation(struct recset *rs, yaml_node_t *node, struct recommendation *rec)
{
    static const char *const allowed[] = {"number",    "title",   "text",
                                          "themes",    "theme",   "addressees",
                                          "addressee", "reports", NULL};
    yaml_node_t *value;
    ms_archive_status_t status;

    status = ms_archive__yaml_mapping(rs->yaml, node, "recommendation", allowed,
                                      "number, title, text, themes, addressees, reports",
                                      1, rs->err);
    if (status != MS_ARCHIVE_OK)
        return status;
    rec->line = (unsigned)node->start_mark.line + 1;
    if ((status = read_number(rs, node, rec)) != MS_ARCHIVE_OK)
        return status;

    value = ms_archive__yaml_get(rs->yaml, node, "text", NULL);
    if (value && (status = scalar(&rec->text, rs, value, "text")) != MS_ARCHIVE_OK)
        return status;
    if (!rec->text) {
        node_error(rs, value ? value : node, "text",
                   "missing; give the recommendation's text");
        return MS_ARCHIVE_INVALID;
    }
    if ((value = ms_archive__yaml_get(rs->yaml, node, "title", NULL)) != NULL &&
        (status = scalar(&rec->title, rs, value, "title")) != MS_ARCHIVE_OK)
        return status;

    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         status == MS_ARCHIVE_OK && p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *key = yaml_document_get_node(rs->yaml, p->key);
        const char *name = (const char *)key->data.scalar.value;
        if (strncmp(name, "theme", 5) == 0 || strncmp(name, "addressee", 9) == 0)
            status = ms_archive__meta_pair(&rec->meta, rs->yaml, key,
                                           yaml_document_get_node(rs->yaml, p->value), 1,
                                           MS_ARCHIVE_LAYER_FILE, rs->err);
    }
    if (status == MS_ARCHIVE_OK &&
        (value = ms_archive__yaml_get(rs->yaml, node, "reports", NULL)) != NULL)
        status = read_reports(rs, value, rec);
    return status;
}

/* Read and check the whole set in 'ydoc' into 'rs'. */
static ms_archive_status_t
read_set(struct recset *rs, yaml_document_t *ydoc)
{
    yaml_node_t *root = yaml_document_get_root_node(ydoc), *list = NULL;
    ms_archive_status_t status;
    size_t n_items;

    if (!root) {
        ms_file_error_set(rs->err, NULL, 0, 0, "empty file");
        return MS_ARCHIVE_INVALID;
    }
    status = read_meeting(rs, root, &list);
    if (status != MS_ARCHIVE_OK)
        return status;
    if (list->type != YAML_SEQUENCE_NODE) {
        node_error(rs, list, "recommendations",
                   list->type == YAML_MAPPING_NODE
                       ? "expected a list of recommendations, found a mapping"
                       : "expected a list of recommendations, found a single value");
        return MS_ARCHIVE_INVALID;
    }
    n_items = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (n_items == 0 || n_items > MAX_RECOMMENDATIONS) {
        node_error(rs, list, "recommendations",
                   n_items ? "more than 10000 recommendations in one file"
                           : "the list is empty");
        return MS_ARCHIVE_INVALID;
    }
    rs->recs = calloc(n_items, sizeof(*rs->recs));
    if (!rs->recs)
        return MS_ARCHIVE_NOMEM;
    for (size_t i = 0; i < n_items && status == MS_ARCHIVE_OK; i++) {
        yaml_node_t *item =
            yaml_document_get_node(ydoc, list->data.sequence.items.start[i]);
        status = read_recommendation(rs, item, &rs->recs[i]);
        rs->n_recs++; /* its meta is to be cleared even on failure */
    }
    return status;
}

/* Building documents */

static const char *
report_value(struct recset *rs, yaml_node_t *report, const char *key)
{
    yaml_node_t *value = ms_archive__yaml_get(rs->yaml, report, key, NULL);
    const char *text = NULL;

    if (value)
        scalar(&text, rs, value, key); /* checked by read_report */
    return text;
}

/* The reports of 'rec' as JSON rows in 'rows', their countries in 'own',
 * their obstacles after the text in 'body'. */
static ms_archive_status_t
add_reports(json_t *rows, ms_archive_meta_t *own, ms_buf_t *body, struct recset *rs,
            const struct recommendation *rec)
{
    size_t n_reports = rec->reports ? (size_t)(rec->reports->data.sequence.items.top -
                                               rec->reports->data.sequence.items.start)
                                    : 0;
    bool first_obstacles = true;

    for (size_t i = 0; i < n_reports; i++) {
        yaml_node_t *report =
            yaml_document_get_node(rs->yaml, rec->reports->data.sequence.items.start[i]);
        const char *country = report_value(rs, report, "country");
        const char *state = report_value(rs, report, "status");
        const char *date = report_value(rs, report, "date");
        const char *obstacles = report_value(rs, report, "obstacles");
        json_t *row = json_object();
        if (!row || json_array_append_new(rows, row) != 0 ||
            json_object_set_new(row, "country", json_string(country)) != 0 ||
            json_object_set_new(row, "status", json_string(state)) != 0 ||
            (date && json_object_set_new(row, "date", json_string(date)) != 0) ||
            (obstacles &&
             json_object_set_new(row, "obstacles", json_string(obstacles)) != 0))
            return MS_ARCHIVE_NOMEM;
        if (ms_archive__meta_add_distinct(own, "country", country) != MS_ARCHIVE_OK)
            return MS_ARCHIVE_NOMEM;
        if (obstacles) {
            ms_buf_printf(body, "%s%s: %s", first_obstacles ? "\n\n" : "\n", country,
                          obstacles);
            first_obstacles = false;
        }
    }
    /* The statuses follow from the reports when the document is finished
     * (pairs.c): a participant that did not report is "no information". */
    return body->status == MS_BUF_OK ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
}

/* The metadata of recommendation 'rec' alone: what the meeting does not
 * say. 'body' receives the text and the obstacles. */
static ms_archive_status_t
recommendation_meta(ms_archive_meta_t *own, ms_buf_t *body, struct recset *rs,
                    const struct recommendation *rec)
{
    const ms_archive_meta_entry_t *participants =
        ms_archive__meta_get(&rs->meeting, "country");
    json_t *reports = json_array();
    char id[MS_SCHEMA_ID_MAX + 64];
    char *json = NULL, *title = NULL;
    ms_archive_status_t status = MS_ARCHIVE_NOMEM;
    size_t text_len = strlen(rec->text);

    if (!reports)
        goto out;
    snprintf(id, sizeof(id), "%s.r%lu", rs->meeting_id, rec->number);
    if (strlen(id) > MS_SCHEMA_ID_MAX) {
        ms_file_error_set(rs->err, NULL, rec->line, 1,
                          "number: the id %.40s... would be over 200 bytes; shorten "
                          "the meeting id",
                          id);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    /* Without a title from staff, what it says: its number and meeting
     * are fields of their own. */
    title = rec->title ? strdup(rec->title)
                       : ms_archive__sentence_title(rec->text, strlen(rec->text),
                                                    RECOMMENDATION_TITLE_CHARS);
    if (!title || ms_archive__meta_set(own, "id", id) != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "title", title) != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "type", "recommendation") != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "number", rec->number_text) != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "meeting_title", rs->meeting_title) != MS_ARCHIVE_OK ||
        ms_archive__meta_merge(own, &rec->meta) != MS_ARCHIVE_OK)
        goto out;
    /* Countries are set only if the set names some; otherwise those of
     * the _defaults.yaml files or the sidecar stay. */
    for (size_t i = 0; participants && i < participants->n_values; i++) {
        if (ms_archive__meta_add_distinct(own, "country", participants->values[i]) !=
            MS_ARCHIVE_OK)
            goto out;
    }
    /* A block scalar ("text: |") ends in a newline; the obstacles follow
     * after one blank line either way. */
    while (text_len > 0 && strchr(" \t\r\n", rec->text[text_len - 1]))
        text_len--;
    ms_buf_append(body, rec->text, text_len);
    if (add_reports(reports, own, body, rs, rec) != MS_ARCHIVE_OK)
        goto out;
    json = json_dumps(reports, JSON_COMPACT);
    if (json && ms_archive__meta_set(own, "reports", json) == MS_ARCHIVE_OK)
        status = MS_ARCHIVE_OK;

out:
    free(title);
    free(json);
    json_decref(reports);
    return status;
}

static ms_archive_status_t
build_doc(ms_archive_doc_t **out, struct recset *rs, const struct recommendation *rec,
          const char *path, const ms_archive_meta_t *staff,
          const ms_archive_options_t *opts)
{
    ms_archive_meta_t meta = {0}, own = {0};
    ms_buf_t body = MS_BUF_INIT;
    ms_archive_doc_t *doc = ms_archive__doc_new(path);
    ms_archive_status_t status = doc ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;

    *out = NULL;
    if (status == MS_ARCHIVE_OK)
        status = recommendation_meta(&own, &body, rs, rec);
    if (status == MS_ARCHIVE_OK &&
        (ms_archive__meta_merge(&meta, staff) != MS_ARCHIVE_OK ||
         ms_archive__meta_merge(&meta, &rs->meeting) != MS_ARCHIVE_OK ||
         ms_archive__meta_merge(&meta, &own) != MS_ARCHIVE_OK ||
         !(doc->body = ms_buf_take(&body, NULL))))
        status = MS_ARCHIVE_NOMEM;
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__doc_finish(doc, &meta, opts, rs->err);
    if (status == MS_ARCHIVE_OK) {
        *out = doc;
        doc = NULL;
    }
    ms_buf_free(&body);
    ms_archive__meta_clear(&own);
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

/* Make every document of the set, then pass them on: only once the whole
 * set is good does any of it go out. */
static ms_archive_status_t
pass_on(struct recset *rs, const char *path, const ms_archive_meta_t *staff,
        const ms_archive_options_t *opts, ms_archive_doc_cb each, void *payload)
{
    ms_archive_doc_t **docs = calloc(rs->n_recs, sizeof(*docs));
    ms_archive_status_t status = docs ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
    size_t n_docs = 0;

    for (; status == MS_ARCHIVE_OK && n_docs < rs->n_recs; n_docs++) {
        status = build_doc(&docs[n_docs], rs, &rs->recs[n_docs], path, staff, opts);
        if (status != MS_ARCHIVE_OK)
            break;
    }
    for (size_t i = 0; status == MS_ARCHIVE_OK && i < n_docs; i++) {
        ms_archive_doc_t *doc = docs[i];
        docs[i] = NULL;
        status = each(doc, payload);
    }
    for (size_t i = 0; i < n_docs; i++)
        ms_archive_doc_free(docs[i]);
    free(docs);
    return status;
}

ms_archive_status_t
ms_archive__recset_read(const char *path, const char *data, size_t len,
                        const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
                        ms_archive_doc_cb each, void *payload, ms_archive_error_t *err)
{
    yaml_document_t ydoc;
    struct recset rs = {&ydoc, err, {0}, NULL, NULL, NULL, 0, 0};
    ms_archive_status_t status;

    status = ms_archive__text_check(data, len, MS_ARCHIVE__TEXT_NOT_EMPTY, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__yaml_load(&ydoc, data, len, 1, err);
    if (status != MS_ARCHIVE_OK)
        return status;
    status = read_set(&rs, &ydoc);
    if (status == MS_ARCHIVE_OK)
        status = pass_on(&rs, path, staff, opts, each, payload);
    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < rs.n_recs; i++)
        ms_archive__meta_clear(&rs.recs[i].meta);
    free(rs.recs);
    ms_archive__meta_clear(&rs.meeting);
    yaml_document_delete(&ydoc);
    return status;
}

ms_archive_status_t
ms_archive__load_recset(const ms_archive__source_t *src)
{
    char *data = NULL;
    size_t len = 0;
    ms_archive_status_t status;

    status = ms_archive__read_document(&data, &len, src->full, src->opts, src->err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__recset_read(src->path, data, len, src->staff, src->opts,
                                         src->each, src->payload, src->err);
    free(data);
    return status;
}
