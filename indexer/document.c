/* document.c - archive files to documents: extractors, front matter, ids, titles
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Nothing here logs or touches the index: every problem comes back as an
 * ms_archive_error_t so that main.c can warn and move on to the next file.
 *
 * Invalid UTF-8 is refused, not repaired: a file that is not UTF-8 is most
 * likely in a legacy encoding (Windows-1252, KOI8-R), and guessing would
 * index mojibake under a plausible-looking title. Staff convert the file
 * instead; the warning says where the first bad byte is.
 */
#include "ms_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

/* Longest title taken from a heading or a first line; a .txt file whose
 * first line is a whole paragraph should not get a paragraph as title. */
#define TITLE_MAX 200

/* More keys than this in one front matter is certainly not hand-written
 * metadata; the cap also keeps the duplicate-key check cheap. */
#define FRONT_MATTER_MAX_KEYS 256

typedef ms_archive_status_t (*extract_fn)(ms_archive_doc_t *doc, const char *text,
                                          size_t len, ms_archive_error_t *err);

static ms_archive_status_t extract_text(ms_archive_doc_t *doc, const char *text,
                                        size_t len, ms_archive_error_t *err);
static ms_archive_status_t extract_markdown(ms_archive_doc_t *doc, const char *text,
                                            size_t len, ms_archive_error_t *err);

/* One row per file type. The extension is compared without ASCII case. */
static const struct extractor {
    const char *extension;
    extract_fn extract;
} extractors[] = {
    {".txt", extract_text},
    {".md", extract_markdown},
};

/* Errors */

static void
error_reset(ms_archive_error_t *err, const char *file)
{
    if (!err)
        return;
    snprintf(err->file, sizeof(err->file), "%s", file);
    err->line = 0;
    err->column = 0;
    err->text[0] = '\0';
}

static void set_error(ms_archive_error_t *err, unsigned line, unsigned column,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
set_error(ms_archive_error_t *err, unsigned line, unsigned column, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
}

const char *
ms_archive_error_format(const ms_archive_error_t *err, char *buf, size_t size)
{
    if (err->line > 0)
        snprintf(buf, size, "%s:%u:%u: %s", err->file, err->line, err->column, err->text);
    else
        snprintf(buf, size, "%s: %s", err->file, err->text);
    return buf;
}

/* The 1-based line and column (in characters) of byte 'offset' of 'text'. */
static void
position_of(const char *text, size_t offset, unsigned *line, unsigned *column)
{
    unsigned l = 1, c = 1;

    for (size_t i = 0; i < offset; i++) {
        unsigned char byte = (unsigned char)text[i];
        if (byte == '\n') {
            l++;
            c = 1;
        } else if ((byte & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

/* Small helpers */

static bool
has_extension(const char *name, const char *extension)
{
    size_t n = strlen(name), e = strlen(extension);

    return n > e && strcasecmp(name + n - e, extension) == 0;
}

static const struct extractor *
extractor_for(const char *name)
{
    for (size_t i = 0; i < sizeof(extractors) / sizeof(extractors[0]); i++) {
        if (has_extension(name, extractors[i].extension))
            return &extractors[i];
    }
    return NULL;
}

bool
ms_archive_supported(const char *name)
{
    return extractor_for(name) != NULL;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A copy of 'len' bytes of 's' with blanks trimmed at both ends and cut to
 * TITLE_MAX bytes on a character boundary. NULL on OOM; "" if all blank. */
static char *
title_from(const char *s, size_t len)
{
    while (len > 0 && is_blank(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (len > TITLE_MAX) {
        len = TITLE_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    return strndup(s, len);
}

/* A growable byte buffer that remembers an allocation failure, so the
 * Markdown pass can append freely and check once at the end. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
};

static void
buf_append(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *data = realloc(b->data, cap);
        if (!data) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Document fields */

static ms_archive_status_t
doc_add_field(ms_archive_doc_t *doc, const char *name, const char *value, size_t len)
{
    if (doc->n_fields == doc->fields_capacity) {
        size_t cap = doc->fields_capacity ? doc->fields_capacity * 2 : 8;
        ms_archive_field_t *fields = realloc(doc->fields, cap * sizeof(*fields));
        if (!fields)
            return MS_ARCHIVE_NOMEM;
        doc->fields = fields;
        doc->fields_capacity = cap;
    }
    ms_archive_field_t *f = &doc->fields[doc->n_fields];
    f->name = strdup(name);
    f->value = strndup(value, len);
    if (!f->name || !f->value) {
        free(f->name);
        free(f->value);
        return MS_ARCHIVE_NOMEM;
    }
    doc->n_fields++;
    return MS_ARCHIVE_OK;
}

void
ms_archive_doc_free(ms_archive_doc_t *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_fields; i++) {
        free(doc->fields[i].name);
        free(doc->fields[i].value);
    }
    free(doc->fields);
    free(doc->view);
    free(doc->path);
    free(doc->id);
    free(doc->title);
    free(doc->body);
    free(doc->language);
    free(doc->date);
    free(doc);
}

void
ms_archive_doc_view(ms_document_t *out, const ms_archive_doc_t *doc)
{
    out->id = doc->id;
    out->title = doc->title;
    out->body = doc->body;
    out->language = doc->language;
    out->date = doc->date;
    out->fields = doc->view;
    out->n_fields = doc->n_fields;
}

/* Validation */

/* The length of the UTF-8 sequence at 'p' ('avail' bytes left), or 0 if it
 * is not a well-formed, shortest-form encoding of a scalar value. */
static size_t
utf8_sequence_length(const unsigned char *p, size_t avail)
{
    size_t n;
    unsigned long cp, min;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = p[0] & 0x1F;
        min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = p[0] & 0x0F;
        min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = p[0] & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool
ms_archive_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n = p[i] == 0 ? 0 : utf8_sequence_length(p + i, len - i);
        if (n == 0) {
            if (bad)
                *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

static bool
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

bool
ms_archive_date_valid(const char *date)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(date);
    int year, month, day;

    if (len != 4 && len != 7 && len != 10)
        return false;
    if (!all_digits(date, 4))
        return false;
    year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
           (date[3] - '0');
    if (year < 1)
        return false;
    if (len == 4)
        return true;
    if (date[4] != '-' || !all_digits(date + 5, 2))
        return false;
    month = (date[5] - '0') * 10 + (date[6] - '0');
    if (month < 1 || month > 12)
        return false;
    if (len == 7)
        return true;
    if (date[7] != '-' || !all_digits(date + 8, 2))
        return false;
    day = (date[8] - '0') * 10 + (date[9] - '0');
    if (day < 1 || day > days[month - 1])
        return false;
    if (month == 2 && day == 29) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap;
    }
    return true;
}

bool
ms_archive_type_valid(const char *type)
{
    static const char *const types[] = {"recommendation", "workshop", "report", "other"};

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(type, types[i]) == 0)
            return true;
    }
    return false;
}

const char *
ms_archive_id_check(const char *id)
{
    size_t len = strlen(id);

    if (len == 0)
        return "must not be empty";
    if (len > MS_ARCHIVE_ID_MAX)
        return "must be at most 200 bytes";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c == '/')
            return "must not contain '/'";
        if (c <= 0x20 || c == 0x7F)
            return "must not contain whitespace or control characters";
    }
    return NULL;
}

ms_archive_status_t
ms_archive_id_derive(char **out, const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t len;
    char *id;

    *out = NULL;
    base = base ? base + 1 : path;
    /* Only the last component has an extension; "v1.2/notes" keeps its dot. */
    dot = strrchr(base, '.');
    len = dot && dot != base ? (size_t)(dot - path) : strlen(path);
    if (len == 0 || len > MS_ARCHIVE_ID_MAX)
        return MS_ARCHIVE_INVALID;
    id = strndup(path, len);
    if (!id)
        return MS_ARCHIVE_NOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c == '/')
            id[i] = '.';
        else if (c <= 0x20 || c == 0x7F || strchr("?#%\"'<>\\", c))
            id[i] = '-';
    }
    *out = id;
    return MS_ARCHIVE_OK;
}

/* Front matter */

enum key_kind {
    KEY_ID,       /* scalar, checked by ms_archive_id_check */
    KEY_TITLE,    /* scalar */
    KEY_DATE,     /* scalar, checked by ms_archive_date_valid */
    KEY_LANGUAGE, /* scalar */
    KEY_TYPE,     /* scalar field, checked by ms_archive_type_valid */
    KEY_SCALAR,   /* scalar field */
    KEY_LIST      /* scalar or list of scalars; one field per value */
};

/* The known keys. Any other key is a KEY_LIST field under its own name. */
static const struct key {
    const char *name;
    enum key_kind kind;
    const char *field; /* the ms_document_t field name, for fields */
} keys[] = {
    {"id", KEY_ID, NULL},
    {"title", KEY_TITLE, NULL},
    {"date", KEY_DATE, NULL},
    {"language", KEY_LANGUAGE, NULL},
    {"type", KEY_TYPE, "type"},
    {"symbol", KEY_SCALAR, "symbol"},
    {"process", KEY_SCALAR, "process"},
    {"meeting", KEY_SCALAR, "meeting"},
    {"status", KEY_SCALAR, "status"},
    {"countries", KEY_LIST, "country"},
    {"country", KEY_LIST, "country"},
    {"themes", KEY_LIST, "theme"},
    {"theme", KEY_LIST, "theme"},
};

/* The state of one front matter parse. */
struct front_matter {
    ms_archive_doc_t *doc;
    yaml_document_t *yaml;
    unsigned first_line; /* line of the file where the YAML text starts */
    ms_archive_error_t *err;
};

static void
fm_error(struct front_matter *fm, const yaml_node_t *node, const char *key,
         const char *reason)
{
    set_error(fm->err, fm->first_line + (unsigned)node->start_mark.line,
              (unsigned)node->start_mark.column + 1, "%s: %s", key, reason);
}

/* YAML's null: an empty plain scalar, "~" or "null". Such a key counts as
 * absent, the way "date:" left blank in a template should. */
static bool
is_null(const yaml_node_t *node)
{
    const char *v = (const char *)node->data.scalar.value;

    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* Check that 'node' is a usable scalar. Double-quoted escapes can put a
 * NUL in a scalar, which no C string downstream would survive. */
static ms_archive_status_t
fm_scalar(struct front_matter *fm, const yaml_node_t *node, const char *key)
{
    if (node->type == YAML_MAPPING_NODE) {
        fm_error(fm, node, key, "expected a single value, found a mapping");
        return MS_ARCHIVE_INVALID;
    }
    if (node->type == YAML_SEQUENCE_NODE) {
        fm_error(fm, node, key, "expected a single value, found a list");
        return MS_ARCHIVE_INVALID;
    }
    if (memchr(node->data.scalar.value, '\0', node->data.scalar.length)) {
        fm_error(fm, node, key, "value contains a NUL character");
        return MS_ARCHIVE_INVALID;
    }
    return MS_ARCHIVE_OK;
}

/* Add one field per value of 'node', a scalar or a list of scalars. */
static ms_archive_status_t
fm_list(struct front_matter *fm, const yaml_node_t *node, const char *key,
        const char *field)
{
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (node->type == YAML_MAPPING_NODE) {
        fm_error(fm, node, key, "expected a value or a list of values, found a mapping");
        return MS_ARCHIVE_INVALID;
    }
    if (node->type == YAML_SCALAR_NODE) {
        status = fm_scalar(fm, node, key);
        if (status == MS_ARCHIVE_OK && !is_null(node) && node->data.scalar.length > 0)
            status = doc_add_field(fm->doc, field, (const char *)node->data.scalar.value,
                                   node->data.scalar.length);
        return status;
    }
    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++) {
        yaml_node_t *value = yaml_document_get_node(fm->yaml, *item);
        if (value->type == YAML_SEQUENCE_NODE) {
            fm_error(fm, value, key, "expected a value in the list, found a nested list");
            return MS_ARCHIVE_INVALID;
        }
        status = fm_scalar(fm, value, key);
        if (status != MS_ARCHIVE_OK)
            return status;
        if (is_null(value) || value->data.scalar.length == 0)
            continue;
        status = doc_add_field(fm->doc, field, (const char *)value->data.scalar.value,
                               value->data.scalar.length);
        if (status != MS_ARCHIVE_OK)
            return status;
    }
    return status;
}

/* Store a scalar value in *slot (one of the document's own strings). */
static ms_archive_status_t
fm_set(char **slot, const yaml_node_t *node)
{
    char *copy = strndup((const char *)node->data.scalar.value, node->data.scalar.length);

    if (!copy)
        return MS_ARCHIVE_NOMEM;
    free(*slot);
    *slot = copy;
    return MS_ARCHIVE_OK;
}

static ms_archive_status_t
fm_pair(struct front_matter *fm, const yaml_node_t *key_node, const yaml_node_t *value)
{
    const char *key = (const char *)key_node->data.scalar.value;
    const char *text;
    const struct key *known = NULL;
    ms_archive_status_t status;

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(key, keys[i].name) == 0)
            known = &keys[i];
    }
    if (!known)
        return fm_list(fm, value, key, key);
    if (known->kind == KEY_LIST)
        return fm_list(fm, value, key, known->field);

    status = fm_scalar(fm, value, key);
    if (status != MS_ARCHIVE_OK || is_null(value))
        return status;
    text = (const char *)value->data.scalar.value;
    switch (known->kind) {
    case KEY_ID: {
        const char *reason = ms_archive_id_check(text);
        if (reason) {
            fm_error(fm, value, key, reason);
            return MS_ARCHIVE_INVALID;
        }
        return fm_set(&fm->doc->id, value);
    }
    case KEY_DATE:
        if (!ms_archive_date_valid(text)) {
            fm_error(fm, value, key,
                     "must be a real date as YYYY, YYYY-MM or YYYY-MM-DD");
            return MS_ARCHIVE_INVALID;
        }
        return fm_set(&fm->doc->date, value);
    case KEY_TYPE:
        if (!ms_archive_type_valid(text)) {
            fm_error(fm, value, key,
                     "must be one of recommendation, workshop, report, other");
            return MS_ARCHIVE_INVALID;
        }
        return doc_add_field(fm->doc, known->field, text, value->data.scalar.length);
    case KEY_TITLE:
        return text[0] ? fm_set(&fm->doc->title, value) : MS_ARCHIVE_OK;
    case KEY_LANGUAGE:
        return text[0] ? fm_set(&fm->doc->language, value) : MS_ARCHIVE_OK;
    case KEY_SCALAR:
        if (!text[0])
            return MS_ARCHIVE_OK;
        return doc_add_field(fm->doc, known->field, text, value->data.scalar.length);
    case KEY_LIST:
        break;
    }
    return MS_ARCHIVE_OK;
}

/* Report a libyaml parse failure at its own position in the file. */
static void
fm_syntax_error(struct front_matter *fm, const yaml_parser_t *parser, const char *yaml,
                size_t len)
{
    unsigned line, column;

    if (parser->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a mark. */
        position_of(yaml, parser->problem_offset < len ? parser->problem_offset : len,
                    &line, &column);
        line += fm->first_line - 1;
    } else {
        line = fm->first_line + (unsigned)parser->problem_mark.line;
        column = (unsigned)parser->problem_mark.column + 1;
    }
    if (parser->context)
        set_error(fm->err, line, column, "invalid YAML: %s %s started at %u:%u",
                  parser->problem ? parser->problem : "syntax error", parser->context,
                  fm->first_line + (unsigned)parser->context_mark.line,
                  (unsigned)parser->context_mark.column + 1);
    else
        set_error(fm->err, line, column, "invalid YAML: %s",
                  parser->problem ? parser->problem : "syntax error");
}

static ms_archive_status_t
parse_front_matter(ms_archive_doc_t *doc, const char *yaml, size_t len,
                   unsigned first_line, ms_archive_error_t *err)
{
    yaml_parser_t parser;
    yaml_document_t ydoc;
    bool loaded = false;
    yaml_node_t *root;
    struct front_matter fm = {doc, &ydoc, first_line, err};
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (!yaml_parser_initialize(&parser))
        return MS_ARCHIVE_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (!yaml_parser_load(&parser, &ydoc)) {
        if (parser.error == YAML_MEMORY_ERROR) {
            status = MS_ARCHIVE_NOMEM;
        } else {
            fm_syntax_error(&fm, &parser, yaml, len);
            status = MS_ARCHIVE_INVALID;
        }
        goto out;
    }
    loaded = true;

    root = yaml_document_get_root_node(&ydoc);
    if (!root)
        goto out; /* "---" straight after "---": no metadata */
    if (root->type != YAML_MAPPING_NODE) {
        set_error(err, first_line + (unsigned)root->start_mark.line,
                  (unsigned)root->start_mark.column + 1,
                  "front matter must be a mapping of keys to values");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    yaml_node_pair_t *pairs = root->data.mapping.pairs.start;
    size_t n_pairs = (size_t)(root->data.mapping.pairs.top - pairs);
    if (n_pairs > FRONT_MATTER_MAX_KEYS) {
        set_error(err, first_line + (unsigned)root->start_mark.line,
                  (unsigned)root->start_mark.column + 1,
                  "front matter has more than %d keys", FRONT_MATTER_MAX_KEYS);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    for (size_t i = 0; i < n_pairs; i++) {
        yaml_node_t *key = yaml_document_get_node(&ydoc, pairs[i].key);
        yaml_node_t *value = yaml_document_get_node(&ydoc, pairs[i].value);
        if (key->type != YAML_SCALAR_NODE || key->data.scalar.length == 0 ||
            memchr(key->data.scalar.value, '\0', key->data.scalar.length)) {
            set_error(err, first_line + (unsigned)key->start_mark.line,
                      (unsigned)key->start_mark.column + 1,
                      "keys must be non-empty names");
            status = MS_ARCHIVE_INVALID;
            goto out;
        }
        for (size_t j = 0; j < i; j++) {
            yaml_node_t *earlier = yaml_document_get_node(&ydoc, pairs[j].key);
            if (strcmp((const char *)earlier->data.scalar.value,
                       (const char *)key->data.scalar.value) == 0) {
                fm_error(&fm, key, (const char *)key->data.scalar.value, "duplicate key");
                status = MS_ARCHIVE_INVALID;
                goto out;
            }
        }
        status = fm_pair(&fm, key, value);
        if (status != MS_ARCHIVE_OK)
            goto out;
    }

out:
    if (loaded)
        yaml_document_delete(&ydoc);
    yaml_parser_delete(&parser);
    return status;
}

/* Extractors */

/* The end of the line starting at 'p' (its '\n' or 'end'). */
static const char *
line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    return nl ? nl : end;
}

/* A front matter delimiter: "---" with nothing but blanks after it. */
static bool
is_delimiter(const char *p, const char *eol)
{
    if (eol - p < 3 || memcmp(p, "---", 3) != 0)
        return false;
    for (p += 3; p < eol; p++) {
        if (!is_blank(*p))
            return false;
    }
    return true;
}

static ms_archive_status_t
extract_text(ms_archive_doc_t *doc, const char *text, size_t len, ms_archive_error_t *err)
{
    const char *p = text, *end = text + len;

    (void)err;
    doc->body = strndup(text, len);
    if (!doc->body)
        return MS_ARCHIVE_NOMEM;
    while (p < end) {
        const char *eol = line_end(p, end);
        const char *q = p;
        while (q < eol && (is_blank(*q) || *q == '\f' || *q == '\v'))
            q++;
        if (q < eol) {
            doc->title = title_from(q, (size_t)(eol - q));
            return doc->title ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
        }
        p = eol + (eol < end);
    }
    return MS_ARCHIVE_OK;
}

/* Append one line of Markdown prose as plain text: links and images keep
 * their text and lose their target, '*' and '`' go. Underscores stay,
 * since they occur inside symbols and file names far more often than as
 * emphasis in this archive. */
static void
markdown_inline(struct buf *out, const char *p, const char *eol)
{
    while (p < eol) {
        const char *close, *paren_end;
        if (*p == '*' || *p == '`') {
            p++;
            continue;
        }
        if (*p == '!' && p + 1 < eol && p[1] == '[') {
            p++;
            continue;
        }
        if (*p == '[' && (close = memchr(p, ']', (size_t)(eol - p))) != NULL &&
            close + 1 < eol && close[1] == '(' &&
            (paren_end = memchr(close, ')', (size_t)(eol - close))) != NULL) {
            markdown_inline(out, p + 1, close);
            p = paren_end + 1;
            continue;
        }
        buf_append(out, p, 1);
        p++;
    }
}

/* The level of an ATX heading at 'p' (1-6), with *text set to its text,
 * or 0 if the line is not a heading. */
static int
heading_level(const char *p, const char *eol, const char **text)
{
    int level = 0, indent = 0;

    while (p < eol && *p == ' ' && indent < 3) {
        p++;
        indent++;
    }
    while (p < eol && *p == '#' && level < 7) {
        p++;
        level++;
    }
    if (level == 0 || level > 6 || (p < eol && *p != ' ' && *p != '\t' && *p != '\r'))
        return 0;
    while (p < eol && is_blank(*p))
        p++;
    *text = p;
    return level;
}

/* Convert the Markdown body to text, setting *heading to the text of its
 * first level-1 heading (NULL if none). Fenced code is kept verbatim. */
static ms_archive_status_t
markdown_body(char **body, char **heading, const char *p, const char *end)
{
    struct buf out = {0};
    bool fenced = false;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    *body = NULL;
    *heading = NULL;
    buf_append(&out, "", 0);
    while (p < end) {
        const char *eol = line_end(p, end);
        const char *lead = p, *text;
        int level;
        while (lead < eol && *lead == ' ')
            lead++;
        if (eol - lead >= 3 &&
            (memcmp(lead, "```", 3) == 0 || memcmp(lead, "~~~", 3) == 0)) {
            fenced = !fenced;
        } else if (fenced) {
            buf_append(&out, p, (size_t)(eol - p));
            buf_append(&out, "\n", 1);
        } else if ((level = heading_level(p, eol, &text)) > 0) {
            /* Drop an optional closing run of '#'. */
            const char *stop = eol;
            while (stop > text && is_blank(stop[-1]))
                stop--;
            while (stop > text && stop[-1] == '#')
                stop--;
            markdown_inline(&out, text, stop);
            buf_append(&out, "\n", 1);
            if (level == 1 && !*heading && !out.failed) {
                struct buf title = {0};
                markdown_inline(&title, text, stop);
                buf_append(&title, "", 0);
                if (!title.failed)
                    *heading = title_from(title.data, title.len);
                free(title.data);
                if (!*heading) {
                    status = MS_ARCHIVE_NOMEM;
                    goto out;
                }
                if (!(*heading)[0]) {
                    free(*heading); /* "#   " is not a title */
                    *heading = NULL;
                }
            }
        } else {
            if (*lead == '>') {
                lead++;
                if (lead < eol && *lead == ' ')
                    lead++;
                p = lead;
            }
            markdown_inline(&out, p, eol);
            buf_append(&out, "\n", 1);
        }
        p = eol + (eol < end);
    }
    if (out.failed) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    *body = out.data;
    out.data = NULL;

out:
    if (status != MS_ARCHIVE_OK) {
        free(*heading);
        *heading = NULL;
    }
    free(out.data);
    return status;
}

static ms_archive_status_t
extract_markdown(ms_archive_doc_t *doc, const char *text, size_t len,
                 ms_archive_error_t *err)
{
    const char *end = text + len, *body = text;
    const char *eol = line_end(text, end);
    char *heading = NULL;
    ms_archive_status_t status;

    if (is_delimiter(text, eol)) {
        const char *yaml = eol + (eol < end), *p = yaml;
        for (;;) {
            if (p >= end) {
                set_error(err, 1, 1, "front matter is not closed by a '---' line");
                return MS_ARCHIVE_INVALID;
            }
            eol = line_end(p, end);
            if (is_delimiter(p, eol))
                break;
            p = eol + (eol < end);
        }
        /* The YAML text starts on line 2, after the opening "---". */
        status = parse_front_matter(doc, yaml, (size_t)(p - yaml), 2, err);
        if (status != MS_ARCHIVE_OK)
            return status;
        body = eol + (eol < end);
    }
    status = markdown_body(&doc->body, &heading, body, end);
    if (status != MS_ARCHIVE_OK)
        return status;
    if (!doc->title)
        doc->title = heading;
    else
        free(heading);
    return MS_ARCHIVE_OK;
}

/* Parsing a whole file */

/* The file name of 'path' without directory or extension. */
static char *
title_from_name(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    return title_from(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

ms_archive_status_t
ms_archive_doc_parse(ms_archive_doc_t **out, const char *path, const char *data,
                     size_t len, const ms_archive_options_t *opts,
                     ms_archive_error_t *err)
{
    const struct extractor *extractor = extractor_for(path);
    ms_archive_doc_t *doc = NULL;
    ms_archive_status_t status = MS_ARCHIVE_OK;
    size_t bad;

    *out = NULL;
    error_reset(err, path);
    if (!extractor) {
        set_error(err, 0, 0, "unsupported file type");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (len == 0) {
        set_error(err, 0, 0, "empty file");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (!ms_archive_utf8_valid(data, len, &bad)) {
        unsigned line, column;
        position_of(data, bad, &line, &column);
        if (data[bad] == '\0')
            set_error(err, line, column, "contains a NUL byte; not a text file");
        else
            set_error(err, line, column,
                      "not valid UTF-8 (byte 0x%02X); convert the file",
                      (unsigned char)data[bad]);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    /* A byte order mark is legal UTF-8 but would hide a leading "---". */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }

    doc = calloc(1, sizeof(*doc));
    if (!doc || !(doc->path = strdup(path))) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = extractor->extract(doc, data, len, err);
    if (status != MS_ARCHIVE_OK)
        goto out;

    if (!doc->id) {
        status = ms_archive_id_derive(&doc->id, path);
        if (status == MS_ARCHIVE_INVALID) {
            set_error(err, 0, 0,
                      "the id derived from the path is empty or longer than "
                      "200 bytes; shorten the path or set an id");
            goto out;
        }
        if (status != MS_ARCHIVE_OK)
            goto out;
    }
    if (!doc->title || !doc->title[0]) {
        free(doc->title);
        doc->title = title_from_name(path);
    }
    if (!doc->language && opts && opts->default_language &&
        !(doc->language = strdup(opts->default_language))) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    doc->view = calloc(doc->n_fields ? doc->n_fields : 1, sizeof(*doc->view));
    if (!doc->title || !doc->view) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < doc->n_fields; i++) {
        doc->view[i].name = doc->fields[i].name;
        doc->view[i].value = doc->fields[i].value;
    }
    *out = doc;
    doc = NULL;

out:
    if (status == MS_ARCHIVE_NOMEM)
        set_error(err, 0, 0, "out of memory");
    ms_archive_doc_free(doc);
    return status;
}

ms_archive_status_t
ms_archive_doc_load(ms_archive_doc_t **out, const char *root, const char *path,
                    const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    char full[4096];
    struct stat st;
    char *data = NULL;
    size_t len = 0;
    int fd = -1;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    *out = NULL;
    snprintf(full, sizeof(full), "%s/%s", root, path);
    error_reset(err, full);
    /* O_NONBLOCK: a FIFO swapped in after the walk must not block us. */
    fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        set_error(err, 0, 0, "cannot read: %s", strerror(errno));
        status = MS_ARCHIVE_IO;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        set_error(err, 0, 0, "not a regular file");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (opts && opts->max_file_size > 0 && (size_t)st.st_size > opts->max_file_size) {
        set_error(err, 0, 0, "%lld bytes, over archive.max_file_size (%zu)",
                  (long long)st.st_size, opts->max_file_size);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    data = malloc((size_t)st.st_size + 1);
    if (!data) {
        status = MS_ARCHIVE_NOMEM;
        set_error(err, 0, 0, "out of memory");
        goto out;
    }
    /* Read what stat promised; a file growing meanwhile is cut there. */
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, data + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            set_error(err, 0, 0, "cannot read: %s", strerror(errno));
            status = MS_ARCHIVE_IO;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    status = ms_archive_doc_parse(out, path, data, len, opts, err);
    if (err)
        snprintf(err->file, sizeof(err->file), "%s", full);

out:
    if (fd >= 0)
        close(fd);
    free(data);
    return status;
}
