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
 * line, not to the file: a line longer than that is skipped without being
 * held in memory.
 *
 * Keys are those of front matter, plus "text" (or "body") for the body.
 * JSON has types YAML front matter lacks: numbers are taken as text where
 * any text will do (title, process, free keys; true and false too, for
 * free keys), but not for id, type, date or language, where a number is
 * almost certainly an export gone wrong.
 */
#include "ms_archive.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* One line's problem: where and why. */
struct problem {
    unsigned column;
    char text[224];
};

static void problem_set(struct problem *p, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem_set(struct problem *p, unsigned column, const char *fmt, ...)
{
    va_list ap;

    p->column = column;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof(p->text), fmt, ap);
    va_end(ap);
}

/* The column (in characters) of byte 'offset' of 'line'. */
static unsigned
column_of(const char *line, size_t offset)
{
    unsigned column = 1;

    for (size_t i = 0; i < offset; i++) {
        if (((unsigned char)line[i] & 0xC0) != 0x80)
            column++;
    }
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

/* The text of one scalar JSON value for a key of 'kind' ('free': not a
 * known key), in *out (caller frees), or NULL when it is to be left out.
 * Returns a static reason on a wrong type, else NULL. */
static const char *
scalar_text(char **out, const json_t *value, ms_archive_key_kind_t kind, bool free_key)
{
    *out = NULL;
    switch (json_typeof(value)) {
    case JSON_STRING:
        *out = strndup(json_string_value(value), json_string_length(value));
        return NULL;
    case JSON_INTEGER:
    case JSON_REAL:
        if (kind == MS_ARCHIVE_KEY_ID || kind == MS_ARCHIVE_KEY_DATE ||
            kind == MS_ARCHIVE_KEY_TYPE || kind == MS_ARCHIVE_KEY_LANGUAGE)
            return "must be text (in quotes), found a number";
        *out = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
        return NULL;
    case JSON_TRUE:
    case JSON_FALSE:
        if (!free_key)
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

/* Add one checked value of key 'key' ('name', 'kind') to 'meta'. */
static ms_archive_status_t
add_value(ms_archive_meta_t *meta, struct problem *p, unsigned column, const char *key,
          const char *name, ms_archive_key_kind_t kind, const json_t *value,
          bool free_key)
{
    char *text = NULL, code[3];
    const char *reason = scalar_text(&text, value, kind, free_key);
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (reason) {
        if (strcmp(reason, "expected a single value") == 0)
            problem_set(p, column, "%s: expected a single value, found %s", key,
                        json_kind(value));
        else
            problem_set(p, column, "%s: %s", key, reason);
        return MS_ARCHIVE_INVALID;
    }
    if (json_is_null(value))
        return MS_ARCHIVE_OK;
    if (!text)
        return MS_ARCHIVE_NOMEM;
    /* As in YAML: an empty title, language or list value counts as absent,
     * an empty id, date or type is a mistake. */
    if (!text[0] && kind != MS_ARCHIVE_KEY_ID && kind != MS_ARCHIVE_KEY_DATE &&
        kind != MS_ARCHIVE_KEY_TYPE)
        goto out;
    if ((reason = ms_archive__value_check(kind, text)) != NULL) {
        problem_set(p, column, "%s: %s", key, reason);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (kind == MS_ARCHIVE_KEY_LANGUAGE && ms_archive__language_code(code, text))
        status = ms_archive__meta_add(meta, name, code, strlen(code));
    else
        status = ms_archive__meta_add(meta, name, text, strlen(text));

out:
    free(text);
    return status;
}

/* Read the members of 'object' into the layer 'meta' and the body into
 * *body (borrowed from 'object'). */
static ms_archive_status_t
read_object(ms_archive_meta_t *meta, const char **body, struct problem *p,
            const json_t *object, const char *line, size_t len)
{
    const char *key;
    json_t *value;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    *body = NULL;
    json_object_foreach((json_t *)object, key, value)
    {
        ms_archive_key_kind_t kind;
        const char *name = ms_archive__key(key, &kind);
        /* ms_archive__key() hands back 'key' itself for a free key. */
        bool free_key = name == key;
        unsigned column = value_column(line, len, key);

        if (!key[0]) {
            problem_set(p, column, "keys must be non-empty names");
            return MS_ARCHIVE_INVALID;
        }
        if (strcmp(key, "text") == 0 || strcmp(key, "body") == 0) {
            if (json_is_null(value))
                continue;
            if (!json_is_string(value)) {
                problem_set(p, column, "%s: must be text, found %s", key,
                            json_kind(value));
                return MS_ARCHIVE_INVALID;
            }
            if (*body) {
                problem_set(p, column, "%s: give either text or body, not both", key);
                return MS_ARCHIVE_INVALID;
            }
            *body = json_string_value(value);
            continue;
        }
        if (json_is_object(value)) {
            problem_set(p, column, "%s: expected %s, found an object", key,
                        kind == MS_ARCHIVE_KEY_LIST || kind == MS_ARCHIVE_KEY_STATUS
                            ? "a value or a list of values"
                            : "a single value");
            return MS_ARCHIVE_INVALID;
        }
        if (json_is_array(value)) {
            size_t i;
            json_t *item;
            if (kind != MS_ARCHIVE_KEY_LIST && kind != MS_ARCHIVE_KEY_STATUS) {
                problem_set(p, column, "%s: expected a single value, found a list", key);
                return MS_ARCHIVE_INVALID;
            }
            if ((status = ms_archive__meta_add(meta, name, NULL, 0)) != MS_ARCHIVE_OK)
                return status;
            json_array_foreach(value, i, item)
            {
                if (json_is_array(item) || json_is_object(item)) {
                    problem_set(p, column, "%s: expected a value in the list, found %s",
                                key, json_kind(item));
                    return MS_ARCHIVE_INVALID;
                }
                status = add_value(meta, p, column, key, name, kind, item, free_key);
                if (status != MS_ARCHIVE_OK)
                    return status;
            }
            continue;
        }
        status = add_value(meta, p, column, key, name, kind, value, free_key);
        if (status != MS_ARCHIVE_OK)
            return status;
    }
    return status;
}

/* The title a line's text suggests: its first non-blank line. */
static ms_archive_status_t
text_title(char **out, const char *text)
{
    const char *p = text;

    *out = NULL;
    while (*p) {
        size_t n = strcspn(p, "\n");
        size_t blank = strspn(p, " \t\r\f\v");
        if (blank < n) {
            *out = ms_archive__title_from(p, n);
            return *out ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
        }
        p += n + (p[n] == '\n');
    }
    return MS_ARCHIVE_OK;
}

/* Turn line 'number' (its 'len' bytes, no newline) into a document. A bad
 * line sets 'p' and returns MS_ARCHIVE_INVALID. */
static ms_archive_status_t
read_line(ms_archive_doc_t **out, struct problem *p, struct seen *seen, const char *line,
          size_t len, unsigned long number, const char *path,
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
    if (!ms_archive_utf8_valid(line, len, &bad)) {
        problem_set(p, column_of(line, bad), "not valid UTF-8 (byte 0x%02X)",
                    (unsigned char)line[bad]);
        goto out;
    }
    object = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!object) {
        problem_set(p, jerr.column > 0 ? (unsigned)jerr.column : 1, "invalid JSON: %s",
                    jerr.text);
        goto out;
    }
    if (!json_is_object(object)) {
        problem_set(p, 1, "expected a JSON object, found %s", json_kind(object));
        goto out;
    }
    status = read_object(&own, &body, p, object, line, len);
    if (status != MS_ARCHIVE_OK)
        goto out;
    id = ms_archive__meta_get(&own, "id");
    if (!id || id->n_values == 0) {
        problem_set(p, 1, "id: missing; every JSON line needs its own id");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    earlier = seen_find(seen, id->values[0]);
    if (earlier) {
        problem_set(p, value_column(line, len, "id"),
                    "id: %s is already used at line %lu", id->values[0], earlier);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    doc = ms_archive__doc_new(path);
    if (!doc || !(doc->body = strdup(body ? body : "")) ||
        ms_archive__meta_merge(&meta, staff) != MS_ARCHIVE_OK ||
        ms_archive__meta_merge(&meta, &own) != MS_ARCHIVE_OK ||
        text_title(&doc->title, doc->body) != MS_ARCHIVE_OK ||
        (!doc->title && !(doc->title = strdup(id->values[0])))) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = ms_archive__doc_finish(doc, &meta, opts, &err);
    if (status == MS_ARCHIVE_OK && !seen_add(seen, doc->id, number))
        status = MS_ARCHIVE_NOMEM;
    if (status == MS_ARCHIVE_INVALID)
        problem_set(p, 1, "%s", err.text);
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

/* A line being read. */
struct line {
    char *data;
    size_t len, cap;
    bool too_long; /* over the limit: the rest is read and dropped */
};

/* Read one line of 'in' (without its '\n') into 'l', keeping at most
 * 'max' bytes (0: any). Returns false at the end of the input, or on a
 * read or allocation error (errno set, l->data untouched on ENOMEM). */
static bool
next_line(struct line *l, FILE *in, size_t max, bool *nomem)
{
    int c;
    bool any = false;

    l->len = 0;
    l->too_long = false;
    while ((c = getc_unlocked(in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (l->too_long)
            continue;
        if (max > 0 && l->len >= max) {
            l->too_long = true;
            continue;
        }
        if (l->len + 2 > l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 4096;
            char *data = realloc(l->data, cap);
            if (!data) {
                *nomem = true;
                return false;
            }
            l->data = data;
            l->cap = cap;
        }
        l->data[l->len++] = (char)c;
    }
    return any;
}

ms_archive_status_t
ms_archive__jsonl_read(FILE *in, const char *path, const char *display,
                       const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
                       ms_archive_doc_cb each, ms_archive_warning_cb warn, void *payload,
                       ms_archive_error_t *err)
{
    struct line l = {0};
    struct seen seen = {0};
    struct problem first = {0, ""};
    unsigned long number = 0, first_line = 0, n_lines = 0, n_good = 0;
    size_t max = opts ? opts->max_file_size : 0;
    bool nomem = false;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    while (next_line(&l, in, max, &nomem)) {
        struct problem p = {1, ""};
        ms_archive_doc_t *doc = NULL;
        const char *text = l.data;
        size_t len = l.len;

        number++;
        if (len > 0 && text[len - 1] == '\r')
            len--;
        /* A byte order mark may open the file; it is not part of the JSON. */
        if (number == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;
            len -= 3;
        }
        if (!l.too_long && (len == 0 || strspn(text, " \t\r") >= len))
            continue; /* blank lines separate nothing and cost nothing */
        n_lines++;
        if (l.too_long) {
            problem_set(&p, 1, "line longer than archive.max_file_size (%zu bytes)", max);
            status = MS_ARCHIVE_INVALID;
        } else {
            status = read_line(&doc, &p, &seen, text, len, number, path, staff, opts);
        }
        if (status == MS_ARCHIVE_NOMEM)
            goto out;
        if (status == MS_ARCHIVE_INVALID) {
            if (warn) {
                char warning[sizeof(err->file) + sizeof(p.text) + 48];
                snprintf(warning, sizeof(warning), "%s:%lu:%u: %s", display, number,
                         p.column, p.text);
                warn(warning, payload);
            }
            if (!first_line) {
                first = p;
                first_line = number;
            }
            status = MS_ARCHIVE_OK;
            continue;
        }
        n_good++;
        status = each(doc, payload);
        if (status != MS_ARCHIVE_OK)
            goto out;
    }
    if (nomem) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    if (ferror(in)) {
        ms_archive__set_error(err, 0, 0, "cannot read: %s", strerror(errno));
        status = MS_ARCHIVE_IO;
        goto out;
    }
    if (n_lines == 0) {
        ms_archive__set_error(err, 0, 0, "empty file: no JSON lines");
        status = MS_ARCHIVE_INVALID;
    } else if (n_good == 0) {
        ms_archive__set_error(err, (unsigned)first_line, first.column,
                              "no valid line (%lu bad); the first: %s", n_lines,
                              first.text);
        status = MS_ARCHIVE_INVALID;
    }

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_archive__set_error(err, 0, 0, "out of memory");
    seen_free(&seen);
    free(l.data);
    return status;
}
