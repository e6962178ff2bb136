/* meetings.c - the meetings file staff keep: _meetings.yaml at the root
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A list of meetings, each with its id and title and optionally its
 * process, date, venue and symbol (docs/staff.md, "The meetings file").
 * Read once per run by migsearch-index (ms_archive_meetings_load) and
 * passed to every load in ms_archive_options_t; ms_archive__doc_finish()
 * then lays the meeting's entry over a document whose "meeting" it names:
 * over what a _defaults.yaml or the format itself says, under the
 * document's sidecar and its own metadata (the "weak" entries of
 * archive-meta.h). Its title becomes the document's "meeting_title".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive-io.h"
#include "archive-meta.h"
#include "archive-yaml.h"

/* A meetings file lists the meetings of an archive, by hand: thousands at
 * most. The caps keep a mistake (a document saved under this name) from
 * costing more than a clear error. */
#define MEETINGS_FILE_MAX (1024 * 1024)
#define MEETINGS_MAX 10000

typedef struct meeting {
    char *id;
    ms_archive_meta_t meta; /* meeting_title, and any of process, date, venue, symbol */
    unsigned line, column;  /* of the id, for the duplicate error */
} meeting_t;

struct ms_archive_meetings {
    meeting_t *list; /* sorted by id once read */
    size_t n, capacity;
};

static const char *const meeting_keys[] = {"id",    "title",  "process", "date",
                                           "venue", "symbol", NULL};
#define MEETING_KEYS_TEXT "id, title, process, date, venue, symbol"

void
ms_archive_meetings_free(ms_archive_meetings_t *meetings)
{
    if (!meetings)
        return;
    for (size_t i = 0; i < meetings->n; i++) {
        free(meetings->list[i].id);
        ms_archive__meta_clear(&meetings->list[i].meta);
    }
    free(meetings->list);
    free(meetings);
}

size_t
ms_archive_meetings_count(const ms_archive_meetings_t *meetings)
{
    return meetings ? meetings->n : 0;
}

/* The non-empty single value of 'node' for 'key', or NULL with 'err' set. */
static const char *
required_text(const yaml_node_t *node, const char *key, ms_archive_error_t *err)
{
    if (ms_archive__yaml_scalar(node, key, 1, err) != MS_ARCHIVE_OK)
        return NULL;
    if (ms_archive__yaml_null(node) || node->data.scalar.length == 0) {
        ms_archive__yaml_error(err, 1, node, key, "must not be empty");
        return NULL;
    }
    return (const char *)node->data.scalar.value;
}

/* One meeting: the mapping 'node', read into the empty 'm'. */
static ms_archive_status_t
read_meeting(meeting_t *m, yaml_document_t *ydoc, yaml_node_t *node,
             ms_archive_error_t *err)
{
    yaml_node_t *key, *value;
    const char *text, *reason;
    ms_archive_status_t status = ms_archive__yaml_mapping(
        ydoc, node, "a meeting", meeting_keys, MEETING_KEYS_TEXT, 1, err);

    if (status != MS_ARCHIVE_OK)
        return status;
    if (!(value = ms_archive__yaml_get(ydoc, node, "id", &key)) ||
        !ms_archive__yaml_get(ydoc, node, "title", NULL)) {
        ms_archive__yaml_error(err, 1, node, NULL,
                               value ? "a meeting needs a title"
                                     : "a meeting needs an id");
        return MS_ARCHIVE_INVALID;
    }
    if (!(text = required_text(value, "id", err)))
        return MS_ARCHIVE_INVALID;
    if ((reason = ms_schema_id_check(text)) != NULL) {
        ms_archive__yaml_error(err, 1, value, "id", reason);
        return MS_ARCHIVE_INVALID;
    }
    m->line = (unsigned)value->start_mark.line + 1;
    m->column = (unsigned)value->start_mark.column + 1;
    if (!(m->id = strdup(text)))
        return MS_ARCHIVE_NOMEM;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
         status == MS_ARCHIVE_OK && p < node->data.mapping.pairs.top; p++) {
        key = yaml_document_get_node(ydoc, p->key);
        value = yaml_document_get_node(ydoc, p->value);
        text = (const char *)key->data.scalar.value;
        if (strcmp(text, "title") == 0) {
            const char *title = required_text(value, "title", err);
            status = title ? ms_archive__meta_set(&m->meta, "meeting_title", title)
                           : MS_ARCHIVE_INVALID;
        } else if (strcmp(text, "id") != 0) {
            status = ms_archive__meta_pair(&m->meta, ydoc, key, value, 1,
                                           MS_ARCHIVE_LAYER_DEFAULTS, err);
        }
    }
    return status;
}

static int
by_id(const void *a, const void *b)
{
    return strcmp(((const meeting_t *)a)->id, ((const meeting_t *)b)->id);
}

/* Sort by id and refuse an id given twice, at its second place. */
static ms_archive_status_t
sort_meetings(ms_archive_meetings_t *meetings, ms_archive_error_t *err)
{
    /* An empty file ("[]") has no list at all: qsort() takes no NULL. */
    if (meetings->n > 1)
        qsort(meetings->list, meetings->n, sizeof(*meetings->list), by_id);
    for (size_t i = 1; i < meetings->n; i++) {
        meeting_t *a = &meetings->list[i - 1], *b = &meetings->list[i];
        if (strcmp(a->id, b->id) == 0) {
            meeting_t *later = a->line > b->line ? a : b;
            ms_file_error_set(err, NULL, later->line, later->column,
                              "id: duplicate meeting '%s' (also on line %u)", later->id,
                              (later == a ? b : a)->line);
            return MS_ARCHIVE_INVALID;
        }
    }
    return MS_ARCHIVE_OK;
}

/* The meetings of the list 'root' of 'ydoc' into 'meetings'. */
static ms_archive_status_t
read_list(ms_archive_meetings_t *meetings, yaml_document_t *ydoc, yaml_node_t *root,
          ms_archive_error_t *err)
{
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (!root)
        return MS_ARCHIVE_OK;
    if (root->type != YAML_SEQUENCE_NODE) {
        ms_archive__yaml_error(err, 1, root, NULL,
                               "must be a list of meetings (\"- id: ...\", "
                               "\"  title: ...\")");
        return MS_ARCHIVE_INVALID;
    }
    for (yaml_node_item_t *item = root->data.sequence.items.start;
         status == MS_ARCHIVE_OK && item < root->data.sequence.items.top; item++) {
        if (meetings->n == MEETINGS_MAX) {
            ms_archive__yaml_error(err, 1, yaml_document_get_node(ydoc, *item), NULL,
                                   "more than 10000 meetings in one file");
            return MS_ARCHIVE_INVALID;
        }
        if (!ms_archive__grow(&meetings->list, &meetings->capacity, meetings->n,
                              sizeof(*meetings->list), 16))
            return MS_ARCHIVE_NOMEM;
        memset(&meetings->list[meetings->n], 0, sizeof(*meetings->list));
        meetings->n++;
        status = read_meeting(&meetings->list[meetings->n - 1], ydoc,
                              yaml_document_get_node(ydoc, *item), err);
    }
    return status == MS_ARCHIVE_OK ? sort_meetings(meetings, err) : status;
}

ms_archive_status_t
ms_archive__meetings_read(ms_archive_meetings_t **out, const char *text, size_t len,
                          ms_archive_error_t *err)
{
    ms_archive_meetings_t *meetings = calloc(1, sizeof(*meetings));
    yaml_document_t ydoc;
    ms_archive_status_t status = MS_ARCHIVE_NOMEM;

    *out = NULL;
    if (!meetings)
        goto out;
    status = ms_archive__text_check(text, len, 0, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__yaml_load(&ydoc, text, len, 1, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    status = read_list(meetings, &ydoc, yaml_document_get_root_node(&ydoc), err);
    yaml_document_delete(&ydoc);
    if (status == MS_ARCHIVE_OK) {
        *out = meetings; /* ownership passes to the caller */
        meetings = NULL;
    }

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    ms_archive_meetings_free(meetings);
    return status;
}

ms_archive_status_t
ms_archive_meetings_load(ms_archive_meetings_t **out, const char *root,
                         ms_archive_error_t *err)
{
    char full[4096];
    char *data = NULL;
    size_t len = 0;
    struct stat st;
    ms_archive_status_t status;

    *out = NULL;
    ms_archive__full_path(full, sizeof(full), root, MS_ARCHIVE_MEETINGS_NAME);
    ms_archive__error_reset(err, full);
    /* lstat: a dangling link must not pass for a missing file. */
    if (lstat(full, &st) != 0 && errno == ENOENT)
        return MS_ARCHIVE_OK;
    status = ms_archive__inside(root, full, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__read_file(&data, &len, full, MEETINGS_FILE_MAX,
                                       "the limit for metadata files", err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__meetings_read(out, data, len, err);
    free(data);
    return status;
}

ms_archive_status_t
ms_archive__meetings_apply(ms_archive_meta_t *meta, const ms_archive_meetings_t *meetings)
{
    const ms_archive_meta_entry_t *ids = ms_archive__meta_get(meta, "meeting");
    const meeting_t *m = NULL;

    for (size_t i = 0; meetings && ids && !m && i < ids->n_values; i++) {
        meeting_t key = {.id = ids->values[i]};
        m = bsearch(&key, meetings->list, meetings->n, sizeof(*meetings->list), by_id);
    }
    for (size_t i = 0; m && i < m->meta.n_entries; i++) {
        const ms_archive_meta_entry_t *from = &m->meta.entries[i];
        const ms_archive_meta_entry_t *have = ms_archive__meta_get(meta, from->name);
        ms_archive_meta_t one = {(ms_archive_meta_entry_t *)from, 1, 1};

        if ((!have || have->weak) && ms_archive__meta_merge(meta, &one) != MS_ARCHIVE_OK)
            return MS_ARCHIVE_NOMEM;
    }
    return MS_ARCHIVE_OK;
}
