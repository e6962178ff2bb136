/* jsonl.c - JSON lines: one document per line, read as a stream
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A .jsonl file is usually an export from another system, thousands of
 * records long, where one broken record should not cost the others: a bad
 * line is a warning ("file:line:column: reason") and the rest is indexed.
 * Only a file with no good line at all fails.
 *
 * The file is read a character at a time into one line buffer, and each
 * document is handed on before the next line is read, so memory does not
 * grow with the file; only the ids seen so far are kept, to catch a
 * duplicate. For the same reason archive.max_file_size applies to each
 * line: a line longer than that is skipped without being held in memory.
 * The file as a whole is held to archive.max_jsonl_size.
 *
 * Keys are those of front matter, plus "text" (or "body") for the body.
 * JSON has types YAML front matter lacks: numbers are taken as text where
 * any text will do (title, process, free keys; true and false too, for
 * free keys), but not for id, type, date or language, where a number is
 * almost certainly an export gone wrong.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "archive-io.h"
#include "ms_buf.h"
#include "ms_utf8.h"

/* Ids seen so far and the line of each: a chained hash table. */
struct seen {
    struct seen_id {
        struct seen_id *next;
        unsigned long line;
        char id[];
    } * *buckets;
    size_t n_buckets;
    size_t n;
};

static size_t
hash(const char *s)
{
    size_t h = 5381;

    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static unsigned long
seen_find(const struct seen *seen, const char *id)
{
    if (!seen->n_buckets)
        return 0;
    for (struct seen_id *e = seen->buckets[hash(id) % seen->n_buckets]; e; e = e->next) {
        if (strcmp(e->id, id) == 0)
            return e->line;
    }
    return 0;
}

static bool
seen_add(struct seen *seen, const char *id, unsigned long line)
{
    size_t len = strlen(id);
    struct seen_id *e;

    if (seen->n >= seen->n_buckets) {
        size_t n_buckets = seen->n_buckets ? seen->n_buckets * 2 : 256;
        struct seen_id **buckets = calloc(n_buckets, sizeof(*buckets));
        if (!buckets)
            return false;
        for (size_t i = 0; i < seen->n_buckets; i++) {
            while (seen->buckets[i]) {
                struct seen_id *next = seen->buckets[i]->next;
                size_t b = hash(seen->buckets[i]->id) % n_buckets;
                seen->buckets[i]->next = buckets[b];
                buckets[b] = seen->buckets[i];
                seen->buckets[i] = next;
            }
        }
        free(seen->buckets);
        seen->buckets = buckets;
        seen->n_buckets = n_buckets;
    }
    e = malloc(sizeof(*e) + len + 1);
    if (!e)
        return false;
    memcpy(e->id, id, len + 1);
    e->line = line;
    e->next = seen->buckets[hash(id) % seen->n_buckets];
    seen->buckets[hash(id) % seen->n_buckets] = e;
    seen->n++;
    return true;
}

static void
seen_free(struct seen *seen)
{
    for (size_t i = 0; i < seen->n_buckets; i++) {
        while (seen->buckets[i]) {
            struct seen_id *next = seen->buckets[i]->next;
            free(seen->buckets[i]);
            seen->buckets[i] = next;
        }
    }
    free(seen->buckets);
}

/* The column (in characters) of byte 'offset' of 'line'. */
static unsigned
column_of(const char *line, size_t offset)
{
    unsigned number, column;

    ms_archive__position(line, offset, &number, &column);
    return column;
}

/* The column where the value of top-level key 'key' starts in the JSON
 * object 'line', so a wrong value is pointed at, not just its line; 1 if
 * it cannot be found (a key written with escapes). */
static unsigned
value_column(const char *line, size_t len, const char *key)
{
    size_t klen = strlen(key);
    int depth = 0;
    bool expect_key = false;

    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        if (c == '"') {
            size_t start = ++i;
            while (i < len && line[i] != '"')
                i += line[i] == '\\' ? 2 : 1;
            if (i >= len)
                break;
            if (depth == 1 && expect_key) {
                expect_key = false;
                if (i - start == klen && memcmp(line + start, key, klen) == 0) {
                    size_t j = i + 1;
                    while (j < len && strchr(" \t:", line[j]))
                        j++;
                    return column_of(line, j);
                }
            }
        } else if (c == '{' || c == '[') {
            depth++;
            expect_key = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == ',' && depth == 1) {
            expect_key = true;
        }
    }
    return 1;
}

static const char *
json_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "text";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true or false";
    case JSON_NULL:
        break;
    }
    return "null";
}

/* The text of one scalar JSON value for 'key', in *out (caller frees), or
 * NULL when it is to be left out. Returns a static reason on a wrong
 * type, else NULL. */
static const char *
scalar_text(char **out, const json_t *value, const ms_archive_key_t *key)
{
    *out = NULL;
    switch (json_typeof(value)) {
    case JSON_STRING:
        *out = strndup(json_string_value(value), json_string_length(value));
        return NULL;
    case JSON_INTEGER:
    case JSON_REAL:
        if (key->text_only)
            return "must be text (in quotes), found a number";
        *out = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
        return NULL;
    case JSON_TRUE:
    case JSON_FALSE:
        if (!ms_archive__key_free(key))
            return "must be text, found true or false";
        *out = strdup(json_is_true(value) ? "true" : "false");
        return NULL;
    case JSON_NULL:
        return NULL;
    case JSON_OBJECT:
    case JSON_ARRAY:
        break;
    }
    return "expected a single value";
}

/* Add one checked value of 'key' (written as 'written') to 'meta'. */
static ms_archive_status_t
add_value(ms_archive_meta_t *meta, ms_archive_error_t *p, unsigned column,
          const char *written, const ms_archive_key_t *key, const json_t *value)
{
    char *text = NULL, buf[256];
    const char *reason = scalar_text(&text, value, key), *stored;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (reason) {
        if (strcmp(reason, "expected a single value") == 0)
            ms_file_error_set(p, NULL, 0, column, "%s: expected a single value, found %s",
                              written, json_kind(value));
        else
            ms_file_error_set(p, NULL, 0, column, "%s: %s", written, reason);
        return MS_ARCHIVE_INVALID;
    }
    if (json_is_null(value))
        return MS_ARCHIVE_OK;
    if (!text)
        return MS_ARCHIVE_NOMEM;
    /* As in YAML: an empty title, language or list value counts as absent,
     * an empty id, date or type is a mistake. */
    if (!text[0] && !key->check_empty)
        goto out;
    reason = ms_archive__value_check(key, text, &stored, buf, sizeof(buf));
    if (reason) {
        ms_file_error_set(p, NULL, 0, column, "%s: %s", written, reason);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    status = ms_archive__meta_add(meta, key->name, stored, strlen(stored));

out:
    free(text);
    return status;
}

/* The body of a line: "text" or "body", text or null, not both. */
static ms_archive_status_t
read_body(const char **body, ms_archive_error_t *p, unsigned column, const char *key,
          const json_t *value)
{
    if (json_is_null(value))
        return MS_ARCHIVE_OK;
    if (!json_is_string(value)) {
        ms_file_error_set(p, NULL, 0, column, "%s: must be text, found %s", key,
                          json_kind(value));
        return MS_ARCHIVE_INVALID;
    }
    if (*body) {
        ms_file_error_set(p, NULL, 0, column, "%s: give either text or body, not both",
                          key);
        return MS_ARCHIVE_INVALID;
    }
    *body = json_string_value(value);
    return MS_ARCHIVE_OK;
}

/* The values of metadata key 'written' ('key'): one, or a list when the
 * key takes one. */
static ms_archive_status_t
read_values(ms_archive_meta_t *meta, ms_archive_error_t *p, unsigned column,
            const char *written, const ms_archive_key_t *key, const json_t *value)
{
    ms_archive_status_t status;
    json_t *item;
    size_t i;

    if (json_is_object(value)) {
        ms_file_error_set(p, NULL, 0, column, "%s: expected %s, found an object", written,
                          key->list ? "a value or a list of values" : "a single value");
        return MS_ARCHIVE_INVALID;
    }
    if (!json_is_array(value))
        return add_value(meta, p, column, written, key, value);
    if (!key->list) {
        ms_file_error_set(p, NULL, 0, column, "%s: expected a single value, found a list",
                          written);
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__meta_add(meta, key->name, NULL, 0);
    json_array_foreach(value, i, item)
    {
        if (status != MS_ARCHIVE_OK)
            break;
        if (json_is_array(item) || json_is_object(item)) {
            ms_file_error_set(p, NULL, 0, column,
                              "%s: expected a value in the list, found %s", written,
                              json_kind(item));
            return MS_ARCHIVE_INVALID;
        }
        status = add_value(meta, p, column, written, key, item);
    }
    return status;
}

/* Read the members of 'object' into the layer 'meta' and the body into
 * *body (borrowed from 'object'). */
static ms_archive_status_t
read_object(ms_archive_meta_t *meta, const char **body, ms_archive_error_t *p,
            const json_t *object, const char *line, size_t len)
{
    const char *written;
    json_t *value;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    *body = NULL;
    json_object_foreach((json_t *)object, written, value)
    {
        unsigned column = value_column(line, len, written);
        ms_archive_key_t key;

        if (!written[0]) {
            ms_file_error_set(p, NULL, 0, column, "keys must be non-empty names");
            return MS_ARCHIVE_INVALID;
        }
        ms_archive__key(&key, written);
        if (strcmp(written, "text") == 0 || strcmp(written, "body") == 0)
            status = read_body(body, p, column, written, value);
        else
            status = read_values(meta, p, column, written, &key, value);
        if (status != MS_ARCHIVE_OK)
            return status;
    }
    return status;
}

/* Turn line 'number' (its 'len' bytes, no newline) into a document. A bad
 * line sets 'p' and returns MS_ARCHIVE_INVALID. */
static ms_archive_status_t
read_line(ms_archive_doc_t **out, ms_archive_error_t *p, struct seen *seen,
          const char *line, size_t len, unsigned long number, const char *path,
          const ms_archive_meta_t *staff, const ms_archive_options_t *opts)
{
    json_error_t jerr;
    json_t *object = NULL;
    ms_archive_meta_t own = {0}, meta = {0};
    const ms_archive_meta_entry_t *id;
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;
    const char *body;
    unsigned long earlier;
    size_t bad;
    ms_archive_status_t status = MS_ARCHIVE_INVALID;

    *out = NULL;
    if (!ms_utf8_valid(line, len, &bad)) {
        ms_file_error_set(p, NULL, 0, column_of(line, bad),
                          "not valid UTF-8 (byte 0x%02X)", (unsigned char)line[bad]);
        goto out;
    }
    object = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!object) {
        ms_file_error_set(p, NULL, 0, jerr.column > 0 ? (unsigned)jerr.column : 1,
                          "invalid JSON: %s", jerr.text);
        goto out;
    }
    if (!json_is_object(object)) {
        ms_file_error_set(p, NULL, 0, 1, "expected a JSON object, found %s",
                          json_kind(object));
        goto out;
    }
    status = read_object(&own, &body, p, object, line, len);
    if (status != MS_ARCHIVE_OK)
        goto out;
    id = ms_archive__meta_get(&own, "id");
    if (!id || id->n_values == 0) {
        ms_file_error_set(p, NULL, 0, 1, "id: missing; every JSON line needs its own id");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    earlier = seen_find(seen, id->values[0]);
    if (earlier) {
        ms_file_error_set(p, NULL, 0, value_column(line, len, "id"),
                          "id: %s is already used at line %lu", id->values[0], earlier);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    doc = ms_archive__doc_new(path);
    if (!doc || !(doc->body = strdup(body ? body : "")) ||
        ms_archive__meta_merge(&meta, staff) != MS_ARCHIVE_OK ||
        ms_archive__meta_merge(&meta, &own) != MS_ARCHIVE_OK ||
        ms_archive__first_line_title(&doc->title, doc->body, strlen(doc->body)) !=
            MS_ARCHIVE_OK ||
        (!doc->title && !(doc->title = strdup(id->values[0])))) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = ms_archive__doc_finish(doc, &meta, opts, &err);
    if (status == MS_ARCHIVE_OK && !seen_add(seen, doc->id, number))
        status = MS_ARCHIVE_NOMEM;
    if (status == MS_ARCHIVE_INVALID)
        ms_file_error_set(p, NULL, 0, 1, "%s", err.text);
    if (status != MS_ARCHIVE_OK)
        goto out;
    *out = doc;
    doc = NULL;

out:
    json_decref(object);
    ms_archive__meta_clear(&own);
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

/* The state of reading one file. */
struct reader {
    FILE *in;
    const char *path;    /* relative to the archive root */
    const char *display; /* the file as warnings name it */
    const ms_archive_meta_t *staff;
    const ms_archive_options_t *opts;
    ms_archive_doc_cb each;
    ms_archive_warning_cb warn;
    void *payload;
    ms_buf_t line;         /* the line being read, capped at max_file_size */
    struct seen seen;      /* the ids of the good lines so far */
    unsigned long number;  /* of the line being read */
    unsigned long n_lines; /* lines not blank */
    unsigned long n_good;
    ms_archive_error_t first; /* the first bad line's problem, at line first_line */
    unsigned long first_line;
};

/* Read one line of r->in (without its '\n') into r->line, keeping no
 * more than its limit; *too_long says the rest was dropped. Returns false
 * at the end of the input, on a read error (ferror) or when memory runs
 * out (r->line.status is MS_BUF_NOMEM then). */
static bool
next_line(struct reader *r, bool *too_long)
{
    int c;
    bool any = false;

    /* The allocation is kept for the next line. */
    ms_buf_clear(&r->line);
    *too_long = false;
    while ((c = getc_unlocked(r->in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (!*too_long && ms_buf_putc(&r->line, (char)c) == MS_BUF_LIMIT)
            *too_long = true;
    }
    return any && r->line.status != MS_BUF_NOMEM;
}

/* A bad line: a warning, and the first one kept for the error if there
 * is no good line at all. */
static void
bad_line(struct reader *r, const ms_archive_error_t *p)
{
    char warning[sizeof(p->file) + sizeof(p->text) + 48];

    if (r->warn) {
        snprintf(warning, sizeof(warning), "%s:%lu:%u: %s", r->display, r->number,
                 p->column, p->text);
        r->warn(warning, r->payload);
    }
    if (!r->first_line) {
        r->first = *p;
        r->first_line = r->number;
    }
}

/* Take the line just read. Returns MS_ARCHIVE_OK to go on to the next. */
static ms_archive_status_t
take_line(struct reader *r, bool too_long)
{
    ms_archive_error_t p = {.line = 0};
    ms_archive_doc_t *doc = NULL;
    const char *text = r->line.data ? r->line.data : "";
    size_t len = r->line.len, max = r->line.limit;
    ms_archive_status_t status;

    r->number++;
    if (len > 0 && text[len - 1] == '\r')
        len--;
    /* A byte order mark may open the file; it is not part of the JSON. */
    if (r->number == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (!too_long && (len == 0 || strspn(text, " \t\r") >= len))
        return MS_ARCHIVE_OK; /* blank lines separate nothing and cost nothing */
    r->n_lines++;
    if (too_long) {
        ms_file_error_set(&p, NULL, 0, 1,
                          "line longer than " MS_ARCHIVE__MAX_SIZE_KEY " (%zu bytes)",
                          max);
        status = MS_ARCHIVE_INVALID;
    } else {
        status = read_line(&doc, &p, &r->seen, text, len, r->number, r->path, r->staff,
                           r->opts);
    }
    if (status == MS_ARCHIVE_INVALID) {
        bad_line(r, &p);
        return MS_ARCHIVE_OK;
    }
    if (status != MS_ARCHIVE_OK)
        return status;
    r->n_good++;
    return r->each(doc, r->payload);
}

ms_archive_status_t
ms_archive__jsonl_read(FILE *in, const char *path, const char *display,
                       const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
                       ms_archive_doc_cb each, ms_archive_warning_cb warn, void *payload,
                       ms_archive_error_t *err)
{
    struct reader r = {.in = in,
                       .path = path,
                       .display = display,
                       .staff = staff,
                       .opts = opts,
                       .each = each,
                       .warn = warn,
                       .payload = payload};
    ms_archive_status_t status = MS_ARCHIVE_OK;
    bool too_long;

    r.line.limit = opts ? opts->max_file_size : 0;
    while (status == MS_ARCHIVE_OK && next_line(&r, &too_long))
        status = take_line(&r, too_long);
    if (status != MS_ARCHIVE_OK)
        goto out;
    if (r.line.status == MS_BUF_NOMEM) {
        status = MS_ARCHIVE_NOMEM;
    } else if (ferror(in)) {
        ms_file_error_set(err, NULL, 0, 0, "cannot read: %s", strerror(errno));
        status = MS_ARCHIVE_IO;
    } else if (r.n_lines == 0) {
        ms_file_error_set(err, NULL, 0, 0, "empty file: no JSON lines");
        status = MS_ARCHIVE_INVALID;
    } else if (r.n_good == 0) {
        ms_file_error_set(err, NULL, (unsigned)r.first_line, r.first.column,
                          "no valid line (%lu bad); the first: %s", r.n_lines,
                          r.first.text);
        status = MS_ARCHIVE_INVALID;
    }

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    seen_free(&r.seen);
    ms_buf_free(&r.line);
    return status;
}

ms_archive_status_t
ms_archive__load_jsonl(const ms_archive__source_t *src)
{
    ms_archive_status_t status;
    FILE *in = NULL;
    off_t size;
    int fd;

    /* The file is read a line at a time, and max_file_size applies to each
     * line; the file itself has a cap of its own, so that a sparse file of
     * 20 GB is not read to its end on every run. */
    status = ms_archive__open_regular(&fd, &size, src->full,
                                      src->opts ? src->opts->max_jsonl_size : 0,
                                      "archive.max_jsonl_size", src->err);
    if (status == MS_ARCHIVE_OK && !(in = fdopen(fd, "r"))) {
        ms_file_error_set(src->err, NULL, 0, 0, "cannot read: %s", strerror(errno));
        status = MS_ARCHIVE_IO;
    }
    if (!in && fd >= 0)
        close(fd);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__jsonl_read(in, src->path, src->full, src->staff, src->opts,
                                        src->each, src->warn, src->payload, src->err);
    if (in)
        fclose(in);
    return status;
}
