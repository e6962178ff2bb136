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
 * they are searchable.
 */
#include "ms_archive.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

/* Bounds that no real meeting comes near; they keep a hostile file (YAML
 * aliases can repeat one node many times) from taking unbounded work. */
#define MAX_RECOMMENDATIONS 10000
#define MAX_REPORTS 100000

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

static void
node_error(struct recset *rs, const yaml_node_t *node, const char *key,
           const char *reason)
{
    ms_archive__set_error(rs->err, (unsigned)node->start_mark.line + 1,
                          (unsigned)node->start_mark.column + 1, "%s: %s", key, reason);
}

static const char *
node_kind(const yaml_node_t *node)
{
    return node->type == YAML_MAPPING_NODE    ? "a mapping"
           : node->type == YAML_SEQUENCE_NODE ? "a list"
                                              : "a single value";
}

/* The text of scalar 'node' for 'key', or NULL in *out when it is YAML's
 * null or empty and may be left out. */
static ms_archive_status_t
scalar(const char **out, struct recset *rs, const yaml_node_t *node, const char *key)
{
    const char *v;

    *out = NULL;
    if (node->type != YAML_SCALAR_NODE) {
        char reason[64];
        snprintf(reason, sizeof(reason), "expected a single value, found %s",
                 node_kind(node));
        node_error(rs, node, key, reason);
        return MS_ARCHIVE_INVALID;
    }
    if (memchr(node->data.scalar.value, '\0', node->data.scalar.length)) {
        node_error(rs, node, key, "value contains a NUL character");
        return MS_ARCHIVE_INVALID;
    }
    v = (const char *)node->data.scalar.value;
    if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (strcmp(v, "~") == 0 || strcmp(v, "null") == 0))
        return MS_ARCHIVE_OK;
    *out = v[0] ? v : NULL;
    return MS_ARCHIVE_OK;
}

/* Check that 'node' is a mapping with non-empty, distinct scalar keys,
 * each in the NULL-terminated 'allowed'. */
static ms_archive_status_t
check_mapping(struct recset *rs, const yaml_node_t *node, const char *what,
              const char *const *allowed, const char *expected)
{
    yaml_node_pair_t *pairs;
    size_t n;

    if (node->type != YAML_MAPPING_NODE) {
        char reason[96];
        snprintf(reason, sizeof(reason), "expected a mapping of keys to values, found %s",
                 node_kind(node));
        node_error(rs, node, what, reason);
        return MS_ARCHIVE_INVALID;
    }
    pairs = node->data.mapping.pairs.start;
    n = (size_t)(node->data.mapping.pairs.top - pairs);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *key = yaml_document_get_node(rs->yaml, pairs[i].key);
        const char *name = (const char *)key->data.scalar.value;
        bool known = false;
        if (key->type != YAML_SCALAR_NODE || key->data.scalar.length == 0 ||
            memchr(name, '\0', key->data.scalar.length)) {
            node_error(rs, key, what, "keys must be non-empty names");
            return MS_ARCHIVE_INVALID;
        }
        for (size_t j = 0; j < i; j++) {
            yaml_node_t *earlier = yaml_document_get_node(rs->yaml, pairs[j].key);
            if (strcmp((const char *)earlier->data.scalar.value, name) == 0) {
                node_error(rs, key, name, "duplicate key");
                return MS_ARCHIVE_INVALID;
            }
        }
        for (const char *const *a = allowed; *a; a++)
            known = known || strcmp(*a, name) == 0;
        if (!known) {
            char reason[200];
            snprintf(reason, sizeof(reason), "unknown key in %s; expected %s", what,
                     expected);
            node_error(rs, key, name, reason);
            return MS_ARCHIVE_INVALID;
        }
    }
    return MS_ARCHIVE_OK;
}

/* The value of 'key' in mapping 'node' (already checked), or NULL. */
static yaml_node_t *
lookup(struct recset *rs, const yaml_node_t *node, const char *key,
       yaml_node_t **key_node)
{
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(rs->yaml, p->key);
        if (strcmp((const char *)k->data.scalar.value, key) == 0) {
            if (key_node)
                *key_node = k;
            return yaml_document_get_node(rs->yaml, p->value);
        }
    }
    return NULL;
}

/* The meeting: every key but "recommendations". */
static ms_archive_status_t
read_meeting(struct recset *rs, yaml_node_t *root, yaml_node_t **recommendations)
{
    static const char *const allowed[] = {
        "process",   "meeting", "title",  "date",  "venue",  "language",        "symbol",
        "countries", "country", "themes", "theme", "access", "recommendations", NULL};
    yaml_node_t *key, *value;
    ms_archive_status_t status;

    status = check_mapping(rs, root, "recommendation set", allowed,
                           "process, meeting, title, date, venue, language, symbol, "
                           "countries, themes, access, recommendations");
    if (status != MS_ARCHIVE_OK)
        return status;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        key = yaml_document_get_node(rs->yaml, p->key);
        value = yaml_document_get_node(rs->yaml, p->value);
        const char *name = (const char *)key->data.scalar.value;
        if (strcmp(name, "recommendations") == 0) {
            *recommendations = value;
            continue;
        }
        if (strcmp(name, "title") == 0) {
            status = scalar(&rs->meeting_title, rs, value, name);
        } else {
            status = ms_archive__meta_pair(&rs->meeting, rs->yaml, key, value, 1,
                                           MS_ARCHIVE_LAYER_FILE, rs->err);
            if (status == MS_ARCHIVE_OK && strcmp(name, "meeting") == 0) {
                const char *reason;
                status = scalar(&rs->meeting_id, rs, value, name);
                if (status == MS_ARCHIVE_OK && rs->meeting_id &&
                    (reason = ms_archive_id_check(rs->meeting_id)) != NULL) {
                    node_error(rs, value, name, reason);
                    status = MS_ARCHIVE_INVALID;
                }
            }
        }
        if (status != MS_ARCHIVE_OK)
            return status;
    }
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

static ms_archive_status_t
read_report(struct recset *rs, yaml_node_t *report)
{
    static const char *const allowed[] = {"country", "status", "date", "obstacles", NULL};
    yaml_node_t *key = NULL, *value;
    const char *text;
    ms_archive_status_t status;

    status =
        check_mapping(rs, report, "report", allowed, "country, status, date, obstacles");
    if (status != MS_ARCHIVE_OK)
        return status;
    value = lookup(rs, report, "country", &key);
    text = NULL;
    if (value && (status = scalar(&text, rs, value, "country")) != MS_ARCHIVE_OK)
        return status;
    if (!text) {
        node_error(rs, value ? value : report, "country",
                   "missing; say which country reports");
        return MS_ARCHIVE_INVALID;
    }
    value = lookup(rs, report, "status", &key);
    text = NULL;
    if (value && (status = scalar(&text, rs, value, "status")) != MS_ARCHIVE_OK)
        return status;
    if (!text) {
        node_error(rs, value ? value : report, "status",
                   "missing; one of implemented, partially implemented, not implemented, "
                   "no information");
        return MS_ARCHIVE_INVALID;
    }
    if (!ms_archive__status_valid(text)) {
        node_error(rs, value, "status",
                   ms_archive__value_check(MS_ARCHIVE_KEY_STATUS, text));
        return MS_ARCHIVE_INVALID;
    }
    if ((value = lookup(rs, report, "date", NULL)) != NULL) {
        if ((status = scalar(&text, rs, value, "date")) != MS_ARCHIVE_OK)
            return status;
        if (text && !ms_archive_date_valid(text)) {
            node_error(rs, value, "date",
                       ms_archive__value_check(MS_ARCHIVE_KEY_DATE, text));
            return MS_ARCHIVE_INVALID;
        }
    }
    if ((value = lookup(rs, report, "obstacles", NULL)) != NULL)
        return scalar(&text, rs, value, "obstacles");
    return MS_ARCHIVE_OK;
}

/* A recommendation number: 1 to 999999, digits only, no leading zero, so
 * that "07" and "7" cannot name the same recommendation twice. */
static bool
parse_number(const char *text, unsigned long *out)
{
    size_t len = strlen(text);

    if (len == 0 || len > 6 || text[0] == '0' || strspn(text, "0123456789") != len)
        return false;
    *out = strtoul(text, NULL, 10);
    return true;
}

static ms_archive_status_t
read_recommendation(struct recset *rs, yaml_node_t *node, struct recommendation *rec)
{
    static const char *const allowed[] = {"number",    "title",   "text",
                                          "themes",    "theme",   "addressees",
                                          "addressee", "reports", NULL};
    yaml_node_t *key = NULL, *value;
    ms_archive_status_t status;

    status = check_mapping(rs, node, "recommendation", allowed,
                           "number, title, text, themes, addressees, reports");
    if (status != MS_ARCHIVE_OK)
        return status;
    rec->line = (unsigned)node->start_mark.line + 1;

    value = lookup(rs, node, "number", NULL);
    if (!value) {
        node_error(rs, node, "number", "missing; number each recommendation");
        return MS_ARCHIVE_INVALID;
    }
    if ((status = scalar(&rec->number_text, rs, value, "number")) != MS_ARCHIVE_OK)
        return status;
    if (!rec->number_text || !parse_number(rec->number_text, &rec->number)) {
        node_error(rs, value, "number", "must be a whole number from 1 to 999999");
        return MS_ARCHIVE_INVALID;
    }
    rec->line = (unsigned)value->start_mark.line + 1;
    for (size_t i = 0; i < rs->n_recs; i++) {
        if (rs->recs[i].number == rec->number) {
            char reason[96];
            snprintf(reason, sizeof(reason), "%lu is already used at line %u",
                     rec->number, rs->recs[i].line);
            node_error(rs, value, "number", reason);
            return MS_ARCHIVE_INVALID;
        }
    }

    value = lookup(rs, node, "text", NULL);
    if (value && (status = scalar(&rec->text, rs, value, "text")) != MS_ARCHIVE_OK)
        return status;
    if (!rec->text) {
        node_error(rs, value ? value : node, "text",
                   "missing; give the recommendation's text");
        return MS_ARCHIVE_INVALID;
    }
    if ((value = lookup(rs, node, "title", NULL)) != NULL &&
        (status = scalar(&rec->title, rs, value, "title")) != MS_ARCHIVE_OK)
        return status;

    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        key = yaml_document_get_node(rs->yaml, p->key);
        const char *name = (const char *)key->data.scalar.value;
        if (strncmp(name, "theme", 5) == 0 || strncmp(name, "addressee", 9) == 0) {
            status = ms_archive__meta_pair(&rec->meta, rs->yaml, key,
                                           yaml_document_get_node(rs->yaml, p->value), 1,
                                           MS_ARCHIVE_LAYER_FILE, rs->err);
            if (status != MS_ARCHIVE_OK)
                return status;
        }
    }

    value = lookup(rs, node, "reports", NULL);
    if (!value)
        return MS_ARCHIVE_OK;
    if (value->type == YAML_SCALAR_NODE) {
        const char *nothing;
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
         item < value->data.sequence.items.top; item++) {
        if (++rs->n_reports > MAX_REPORTS) {
            node_error(rs, value, "reports", "more than 100000 reports in one file");
            return MS_ARCHIVE_INVALID;
        }
        status = read_report(rs, yaml_document_get_node(rs->yaml, *item));
        if (status != MS_ARCHIVE_OK)
            return status;
    }
    rec->reports = value;
    return MS_ARCHIVE_OK;
}

/* Building documents */

/* A growable string; 'failed' remembers an allocation failure. */
struct text {
    char *data;
    size_t len, cap;
    bool failed;
};

static void
text_addn(struct text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *data = realloc(t->data, cap);
        if (!data) {
            t->failed = true;
            return;
        }
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void
text_add(struct text *t, const char *s)
{
    text_addn(t, s, strlen(s));
}

/* Add 'value' to entry 'name' of 'meta' unless it is there already. */
static ms_archive_status_t
add_distinct(ms_archive_meta_t *meta, const char *name, const char *value)
{
    const ms_archive_meta_entry_t *entry = ms_archive__meta_get(meta, name);

    for (size_t i = 0; entry && i < entry->n_values; i++) {
        if (strcmp(entry->values[i], value) == 0)
            return MS_ARCHIVE_OK;
    }
    return ms_archive__meta_add(meta, name, value, strlen(value));
}

static const char *
report_value(struct recset *rs, yaml_node_t *report, const char *key)
{
    yaml_node_t *value = lookup(rs, report, key, NULL);
    const char *text = NULL;

    if (value)
        scalar(&text, rs, value, key); /* checked by read_report */
    return text;
}

/* The metadata of recommendation 'rec' alone: what the meeting does not
 * say. 'body' receives the text and the obstacles. */
static ms_archive_status_t
recommendation_meta(ms_archive_meta_t *own, struct text *body, struct recset *rs,
                    const struct recommendation *rec)
{
    const ms_archive_meta_entry_t *participants =
        ms_archive__meta_get(&rs->meeting, "country");
    json_t *reports = json_array();
    char id[MS_ARCHIVE_ID_MAX + 64], title[512];
    char *json = NULL;
    ms_archive_status_t status = MS_ARCHIVE_NOMEM;
    size_t n_reports = rec->reports ? (size_t)(rec->reports->data.sequence.items.top -
                                               rec->reports->data.sequence.items.start)
                                    : 0;

    if (!reports)
        goto out;
    snprintf(id, sizeof(id), "%s.r%lu", rs->meeting_id, rec->number);
    if (strlen(id) > MS_ARCHIVE_ID_MAX) {
        ms_archive__set_error(rs->err, rec->line, 1,
                              "number: the id %.40s... would be over 200 bytes; shorten "
                              "the meeting id",
                              id);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (rec->title)
        snprintf(title, sizeof(title), "%s", rec->title);
    else
        snprintf(title, sizeof(title), "Recommendation %lu of %s", rec->number,
                 rs->meeting_title);
    if (ms_archive__meta_set(own, "id", id) != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "title", title) != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "type", "recommendation") != MS_ARCHIVE_OK ||
        ms_archive__meta_set(own, "number", rec->number_text) != MS_ARCHIVE_OK ||
        ms_archive__meta_merge(own, &rec->meta) != MS_ARCHIVE_OK)
        goto out;
    /* Countries are set only if the set names some; otherwise those of
     * the _defaults.yaml files or the sidecar stay. */
    for (size_t i = 0; participants && i < participants->n_values; i++) {
        if (add_distinct(own, "country", participants->values[i]) != MS_ARCHIVE_OK)
            goto out;
    }

    /* A block scalar ("text: |") ends in a newline; the obstacles follow
     * after one blank line either way. */
    size_t text_len = strlen(rec->text);
    while (text_len > 0 && strchr(" \t\r\n", rec->text[text_len - 1]))
        text_len--;
    text_addn(body, rec->text, text_len);
    bool first_obstacles = true;
    for (size_t i = 0; i < n_reports; i++) {
        yaml_node_t *report =
            yaml_document_get_node(rs->yaml, rec->reports->data.sequence.items.start[i]);
        const char *country = report_value(rs, report, "country");
        const char *state = report_value(rs, report, "status");
        const char *date = report_value(rs, report, "date");
        const char *obstacles = report_value(rs, report, "obstacles");
        json_t *row = json_object();
        if (!row || json_array_append_new(reports, row) != 0 ||
            json_object_set_new(row, "country", json_string(country)) != 0 ||
            json_object_set_new(row, "status", json_string(state)) != 0 ||
            (date && json_object_set_new(row, "date", json_string(date)) != 0) ||
            (obstacles &&
             json_object_set_new(row, "obstacles", json_string(obstacles)) != 0))
            goto out;
        if (add_distinct(own, "country", country) != MS_ARCHIVE_OK ||
            add_distinct(own, "status", state) != MS_ARCHIVE_OK)
            goto out;
        if (obstacles) {
            text_add(body, first_obstacles ? "\n\n" : "\n");
            first_obstacles = false;
            text_add(body, country);
            text_add(body, ": ");
            text_add(body, obstacles);
        }
    }
    /* Nobody reported: that is what "no information" means. */
    if (n_reports == 0 && add_distinct(own, "status", "no information") != MS_ARCHIVE_OK)
        goto out;
    json = json_dumps(reports, JSON_COMPACT);
    if (!json || body->failed ||
        ms_archive__meta_set(own, "reports", json) != MS_ARCHIVE_OK)
        goto out;
    status = MS_ARCHIVE_OK;

out:
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
    struct text body = {0};
    ms_archive_doc_t *doc = ms_archive__doc_new(path);
    ms_archive_status_t status = doc ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;

    *out = NULL;
    if (status == MS_ARCHIVE_OK)
        status = recommendation_meta(&own, &body, rs, rec);
    if (status == MS_ARCHIVE_OK &&
        (ms_archive__meta_merge(&meta, staff) != MS_ARCHIVE_OK ||
         ms_archive__meta_merge(&meta, &rs->meeting) != MS_ARCHIVE_OK ||
         ms_archive__meta_merge(&meta, &own) != MS_ARCHIVE_OK))
        status = MS_ARCHIVE_NOMEM;
    if (status == MS_ARCHIVE_OK) {
        doc->body = body.data;
        body.data = NULL;
        status = ms_archive__doc_finish(doc, &meta, opts, rs->err);
    }
    if (status == MS_ARCHIVE_OK) {
        *out = doc;
        doc = NULL;
    }
    free(body.data);
    ms_archive__meta_clear(&own);
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

ms_archive_status_t
ms_archive__recset_read(const char *path, const char *data, size_t len,
                        const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
                        ms_archive_doc_cb each, void *payload, ms_archive_error_t *err)
{
    yaml_document_t ydoc;
    bool loaded = false;
    yaml_node_t *root, *list = NULL;
    struct recset rs = {&ydoc, err, {0}, NULL, NULL, NULL, 0, 0};
    ms_archive_doc_t **docs = NULL;
    size_t n_items = 0, n_docs = 0, bad;
    ms_archive_status_t status;

    if (len == 0) {
        ms_archive__set_error(err, 0, 0, "empty file");
        return MS_ARCHIVE_INVALID;
    }
    if (!ms_archive_utf8_valid(data, len, &bad)) {
        unsigned line, column;
        ms_archive__position(data, bad, &line, &column);
        ms_archive__set_error(err, line, column, "not valid UTF-8 (byte 0x%02X)",
                              (unsigned char)data[bad]);
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__yaml_load(&ydoc, data, len, 1, err);
    if (status != MS_ARCHIVE_OK)
        return status;
    loaded = true;
    root = yaml_document_get_root_node(&ydoc);
    if (!root) {
        ms_archive__set_error(err, 0, 0, "empty file");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    status = read_meeting(&rs, root, &list);
    if (status != MS_ARCHIVE_OK)
        goto out;
    if (list->type != YAML_SEQUENCE_NODE) {
        node_error(&rs, list, "recommendations",
                   list->type == YAML_MAPPING_NODE
                       ? "expected a list of recommendations, found a mapping"
                       : "expected a list of recommendations, found a single value");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    n_items = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (n_items == 0 || n_items > MAX_RECOMMENDATIONS) {
        node_error(&rs, list, "recommendations",
                   n_items ? "more than 10000 recommendations in one file"
                           : "the list is empty");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    rs.recs = calloc(n_items, sizeof(*rs.recs));
    docs = calloc(n_items, sizeof(*docs));
    if (!rs.recs || !docs) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n_items; i++) {
        yaml_node_t *item =
            yaml_document_get_node(&ydoc, list->data.sequence.items.start[i]);
        status = read_recommendation(&rs, item, &rs.recs[i]);
        rs.n_recs++; /* its meta is to be cleared even on failure */
        if (status != MS_ARCHIVE_OK)
            goto out;
    }
    for (size_t i = 0; i < n_items; i++) {
        status = build_doc(&docs[i], &rs, &rs.recs[i], path, staff, opts);
        if (status != MS_ARCHIVE_OK)
            goto out;
        n_docs++;
    }
    /* Only now that the whole set is good does any of it go out. */
    for (size_t i = 0; i < n_docs; i++) {
        ms_archive_doc_t *doc = docs[i];
        docs[i] = NULL;
        status = each(doc, payload);
        if (status != MS_ARCHIVE_OK)
            goto out;
    }

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_archive__set_error(err, 0, 0, "out of memory");
    for (size_t i = 0; i < n_docs; i++)
        ms_archive_doc_free(docs[i]);
    free(docs);
    for (size_t i = 0; i < rs.n_recs; i++)
        ms_archive__meta_clear(&rs.recs[i].meta);
    free(rs.recs);
    ms_archive__meta_clear(&rs.meeting);
    if (loaded)
        yaml_document_delete(&ydoc);
    return status;
}
