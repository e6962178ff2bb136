/* status.c - `migsearch-index status`: what the index holds, and its last run
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Files are counted by their state entries (state.h), and the last run is
 * the report the run stored as last_run (report.h). Both the text and the
 * JSON are made from one object, so they cannot disagree.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ms_index_build.h"
#include "ms_log.h"
#include "state.h"
#include "status.h"
#include "util.h"

static int
count_entry(const char *key, const char *value, void *payload)
{
    (void)key;
    (void)value;
    (*(unsigned long *)payload)++;
    return 0;
}

/* The counts of 'field' as a JSON object, or NULL (message logged). */
static json_t *
counts_json(ms_index_t *idx, const char *field)
{
    ms_index_counts_t *counts;
    ms_index_status_t status = ms_index_count_by(&counts, idx, field);
    json_t *object;

    if (status != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot count documents by %s: %s: %s", field,
               ms_index_status_string(status), ms_index_errmsg(idx));
        return NULL;
    }
    object = json_object();
    for (size_t i = 0; object && i < counts->n_items; i++) {
        if (json_object_set_new(object, counts->items[i].value,
                                json_integer((json_int_t)counts->items[i].count)) != 0) {
            json_decref(object);
            object = NULL;
        }
    }
    ms_index_counts_free(counts);
    return object;
}

/* The last run stored in 'idx', or JSON null. */
static json_t *
last_run_json(ms_index_t *idx, const char *index_path)
{
    char *text = NULL;
    json_t *last = NULL;
    ms_index_status_t status = ms_index_metadata_get(&text, idx, MS_STATE_LAST_RUN);

    if (status == MS_INDEX_OK)
        last = json_loads(text, 0, NULL);
    else if (status != MS_INDEX_NOT_FOUND)
        ms_log(MS_LOG_WARN, "cannot read the last run from %s: %s", index_path,
               ms_index_errmsg(idx));
    ms_index_string_free(text);
    return last ? last : json_null();
}

/* The synonym entries searches of 'idx' match word by word until a
 * rebuild, as a JSON array; NULL on failure (logged). */
static json_t *
unindexed_json(ms_index_t *idx, const char *index_path)
{
    ms_strings_t *entries = NULL;
    json_t *list = NULL;

    if (ms_index_phrases_unindexed(&entries, idx) != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot read the synonym phrases of %s: %s", index_path,
               ms_index_errmsg(idx));
        return NULL;
    }
    list = json_array();
    for (size_t i = 0; list && i < entries->n_items; i++) {
        if (json_array_append_new(list, json_string(entries->items[i])) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    if (!list)
        ms_log(MS_LOG_ERR, "out of memory");
    ms_strings_free(entries);
    return list;
}

/* The document and file counts of 'idx' as a new JSON object. NULL on
 * failure (logged). */
static json_t *
totals_json(ms_index_t *idx, const char *index_path)
{
    ms_index_info_t info;
    unsigned long files = 0;
    ms_index_status_t status = ms_index_info(&info, idx);
    json_t *root;

    if (status == MS_INDEX_OK)
        status = ms_index_metadata_each(idx, MS_STATE_PREFIX_PATH, count_entry, &files);
    if (status == MS_INDEX_OK)
        status = ms_index_metadata_each(idx, MS_STATE_PREFIX_HASH, count_entry, &files);
    if (status != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot read the index %s: %s: %s", index_path,
               ms_index_status_string(status), ms_index_errmsg(idx));
        return NULL;
    }
    root = json_pack("{s:s, s:I, s:I, s:I}", "index", index_path, "documents",
                     (json_int_t)info.doc_count, "revision", (json_int_t)info.revision,
                     "files", (json_int_t)files);
    if (!root)
        ms_log(MS_LOG_ERR, "out of memory");
    return root;
}

json_t *
ms_status_json(const char *index_path)
{
    static const char *const fields[][2] = {
        {"by_type", "type"}, {"by_language", "language"}, {"by_status", "status"}};
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(&idx, index_path, MS_INDEX_READ, &err);
    json_t *root = NULL, *last;
    char target[PATH_MAX];
    ssize_t n;

    if (status != MS_INDEX_OK) {
        ms_log(MS_LOG_ERR, "cannot open the index %s: %s: %s", index_path,
               ms_index_status_string(status), err.text);
        return NULL;
    }
    last = last_run_json(idx, index_path);
    root = totals_json(idx, index_path);
    if (!root)
        goto out;
    n = readlink(index_path, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = '\0';
    json_object_set_new(root, "generation", n > 0 ? json_string(target) : json_null());
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *counts = counts_json(idx, fields[i][1]);
        if (!counts) {
            json_decref(root);
            root = NULL;
            goto out;
        }
        json_object_set_new(root, fields[i][0], counts);
    }
    json_t *unindexed = unindexed_json(idx, index_path);
    if (!unindexed) {
        json_decref(root);
        root = NULL;
        goto out;
    }
    json_object_set_new(root, "unindexed_synonym_phrases", unindexed);
    json_object_set_new(root, "last_run", last);
    last = NULL;

out:
    json_decref(last);
    ms_index_close(idx);
    return root;
}

static void
print_counts(const char *label, json_t *counts)
{
    const char *value;
    json_t *count;
    bool first = true;

    printf("  by %-9s", label);
    json_object_foreach(counts, value, count)
    {
        printf("%s%s %" JSON_INTEGER_FORMAT, first ? " " : ", ", value,
               json_integer_value(count));
        first = false;
    }
    printf("%s\n", first ? " (none)" : "");
}

static json_int_t
int_at(json_t *object, const char *a, const char *b)
{
    return json_integer_value(json_object_get(json_object_get(object, a), b));
}

/* The last run of 'status', with the files that failed in it. */
static void
print_last_run(json_t *last)
{
    json_t *failures = json_object_get(last, "failures"), *item;
    size_t i;

    printf("last run: %s, %s to %s (%.2f s), exit %" JSON_INTEGER_FORMAT "\n",
           json_string_value(json_object_get(last, "mode")),
           json_string_value(json_object_get(last, "started")),
           json_string_value(json_object_get(last, "finished")),
           json_real_value(json_object_get(last, "elapsed")),
           json_integer_value(json_object_get(last, "exit")));
    printf("  files: %" JSON_INTEGER_FORMAT " added, %" JSON_INTEGER_FORMAT
           " updated, %" JSON_INTEGER_FORMAT " deleted, %" JSON_INTEGER_FORMAT
           " unchanged, %" JSON_INTEGER_FORMAT " failed\n",
           int_at(last, "files", "added"), int_at(last, "files", "updated"),
           int_at(last, "files", "deleted"), int_at(last, "files", "unchanged"),
           int_at(last, "files", "failed"));
    if (json_array_size(failures) > 0)
        printf("failed files:\n");
    json_array_foreach(failures, i, item)
    {
        ms_util_print_failure(json_string_value(json_object_get(item, "file")),
                              json_string_value(json_object_get(item, "reason")));
    }
}

void
ms_status_print(json_t *status)
{
    json_t *last = json_object_get(status, "last_run");
    const char *generation = json_string_value(json_object_get(status, "generation"));

    printf("index %s%s%s\n", json_string_value(json_object_get(status, "index")),
           generation ? " -> " : "", generation ? generation : "");
    printf("  documents: %" JSON_INTEGER_FORMAT " from %" JSON_INTEGER_FORMAT " files\n",
           json_integer_value(json_object_get(status, "documents")),
           json_integer_value(json_object_get(status, "files")));
    print_counts("type:", json_object_get(status, "by_type"));
    print_counts("language:", json_object_get(status, "by_language"));
    print_counts("status:", json_object_get(status, "by_status"));
    if (json_is_object(last))
        print_last_run(last);
    else
        printf("last run: none recorded\n");
    json_t *unindexed = json_object_get(status, "unindexed_synonym_phrases");
    size_t n = json_array_size(unindexed);
    const char **entries = n ? calloc(n, sizeof(*entries)) : NULL;
    for (size_t i = 0; entries && i < n; i++)
        entries[i] = json_string_value(json_array_get(unindexed, i));
    ms_util_print_unindexed(entries, entries ? n : 0);
    free(entries);
}
