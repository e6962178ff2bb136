/* document.c - archive files to documents: formats, text, Markdown, ids, titles
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
 *
 * What a format embeds about itself (a PDF's Title, a DOCX's language) is
 * the weakest metadata layer, below even _defaults.yaml: programs fill
 * those fields with file names, template titles and the date a file was
 * converted, while everything in a _defaults.yaml or a sidecar was written
 * by staff on purpose. It still beats a title guessed from the first line.
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

/* The config key behind opts->max_file_size, for error messages. */
#define MAX_SIZE_KEY "archive.max_file_size"

enum format_kind {
    FORMAT_TEXT,     /* plain text, title from the first line */
    FORMAT_MARKDOWN, /* front matter, title from the first level-1 heading */
    FORMAT_EXTRACT,  /* through ms_extract_file() */
    FORMAT_RECSET,   /* a recommendation set: one document per recommendation */
    FORMAT_JSONL     /* JSON lines: one document per line */
};

/* One row per format. The extension is compared without ASCII case. */
static const struct format {
    const char *extension;
    enum format_kind kind;
    ms_extract_format_t extract; /* for FORMAT_EXTRACT */
} formats[] = {
    {".txt", FORMAT_TEXT, 0},
    {".md", FORMAT_MARKDOWN, 0},
    {".markdown", FORMAT_MARKDOWN, 0},
    {".html", FORMAT_EXTRACT, MS_EXTRACT_HTML},
    {".htm", FORMAT_EXTRACT, MS_EXTRACT_HTML},
    {".pdf", FORMAT_EXTRACT, MS_EXTRACT_PDF},
    {".docx", FORMAT_EXTRACT, MS_EXTRACT_DOCX},
    {".odt", FORMAT_EXTRACT, MS_EXTRACT_ODT},
    {".recommendations.yaml", FORMAT_RECSET, 0},
    {".jsonl", FORMAT_JSONL, 0},
};

/* Errors */

void
ms_archive__error_reset(ms_archive_error_t *err, const char *file)
{
    if (!err)
        return;
    snprintf(err->file, sizeof(err->file), "%s", file);
    err->line = 0;
    err->column = 0;
    err->text[0] = '\0';
}

void
ms_archive__set_error(ms_archive_error_t *err, unsigned line, unsigned column,
                      const char *fmt, ...)
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

void
ms_archive__position(const char *text, size_t offset, unsigned *line, unsigned *column)
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

/* Formats */

static bool
has_extension(const char *name, const char *extension)
{
    const char *base = strrchr(name, '/');
    size_t n, e = strlen(extension);

    /* The extension must follow a name: ".md" alone is a hidden file. */
    base = base ? base + 1 : name;
    n = strlen(base);
    return n > e && strcasecmp(base + n - e, extension) == 0;
}

static const struct format *
format_for(const char *name)
{
    if (ms_archive__is_helper(name))
        return NULL;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (has_extension(name, formats[i].extension))
            return &formats[i];
    }
    return NULL;
}

bool
ms_archive_supported(const char *name)
{
    return format_for(name) != NULL;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A copy of 'len' bytes of 's' with blanks trimmed at both ends and cut to
 * TITLE_MAX bytes on a character boundary. NULL on OOM; "" if all blank. */
char *
ms_archive__title_from(const char *s, size_t len)
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

/* Read the front matter YAML text, which starts on line 'first_line' of
 * the file, as the file's own metadata layer. */
static ms_archive_status_t
parse_front_matter(ms_archive_meta_t *out, const char *yaml, size_t len,
                   unsigned first_line, ms_archive_error_t *err)
{
    yaml_document_t ydoc;
    yaml_node_t *root;
    ms_archive_status_t status = ms_archive__yaml_load(&ydoc, yaml, len, first_line, err);

    if (status != MS_ARCHIVE_OK)
        return status;
    root = yaml_document_get_root_node(&ydoc);
    if (!root)
        goto out; /* "---" straight after "---": no metadata */
    if (root->type != YAML_MAPPING_NODE) {
        ms_archive__set_error(err, first_line + (unsigned)root->start_mark.line,
                              (unsigned)root->start_mark.column + 1,
                              "front matter must be a mapping of keys to values");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    status =
        ms_archive__meta_yaml(out, &ydoc, root, first_line, MS_ARCHIVE_LAYER_FILE, err);

out:
    yaml_document_delete(&ydoc);
    return status;
}

/* Text and Markdown */

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

/* The first non-blank line of 'len' bytes of 'text' as a title, or NULL
 * in *out if there is none. */
static ms_archive_status_t
first_line_title(char **out, const char *text, size_t len)
{
    const char *p = text, *end = text + len;

    *out = NULL;
    while (p < end) {
        const char *eol = line_end(p, end);
        const char *q = p;
        while (q < eol && (is_blank(*q) || *q == '\f' || *q == '\v'))
            q++;
        if (q < eol) {
            *out = ms_archive__title_from(q, (size_t)(eol - q));
            return *out ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
        }
        p = eol + (eol < end);
    }
    return MS_ARCHIVE_OK;
}

static ms_archive_status_t
extract_text(ms_archive_doc_t *doc, const char *text, size_t len)
{
    doc->body = strndup(text, len);
    if (!doc->body)
        return MS_ARCHIVE_NOMEM;
    return first_line_title(&doc->title, text, len);
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
                    *heading = ms_archive__title_from(title.data, title.len);
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
extract_markdown(ms_archive_doc_t *doc, ms_archive_meta_t *own, const char *text,
                 size_t len, ms_archive_error_t *err)
{
    const char *end = text + len, *body = text;
    const char *eol = line_end(text, end);
    ms_archive_status_t status;

    if (is_delimiter(text, eol)) {
        const char *yaml = eol + (eol < end), *p = yaml;
        for (;;) {
            if (p >= end) {
                ms_archive__set_error(err, 1, 1,
                                      "front matter is not closed by a '---' line");
                return MS_ARCHIVE_INVALID;
            }
            eol = line_end(p, end);
            if (is_delimiter(p, eol))
                break;
            p = eol + (eol < end);
        }
        /* The YAML text starts on line 2, after the opening "---". */
        status = parse_front_matter(own, yaml, (size_t)(p - yaml), 2, err);
        if (status != MS_ARCHIVE_OK)
            return status;
        body = eol + (eol < end);
    }
    return markdown_body(&doc->body, &doc->title, body, end);
}

/* Completing a document */

/* The file name of 'path' without directory or extension. */
static char *
title_from_name(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    return ms_archive__title_from(base, dot && dot != base ? (size_t)(dot - base)
                                                           : strlen(base));
}

ms_archive_doc_t *
ms_archive__doc_new(const char *path)
{
    ms_archive_doc_t *doc = calloc(1, sizeof(*doc));

    if (doc && !(doc->path = strdup(path))) {
        free(doc);
        doc = NULL;
    }
    return doc;
}

/* Replace *slot by a copy of the single value of entry 'name', if any. */
static ms_archive_status_t
take_value(char **slot, const ms_archive_meta_t *meta, const char *name)
{
    const ms_archive_meta_entry_t *entry = ms_archive__meta_get(meta, name);
    char *copy;

    if (!entry || entry->n_values == 0)
        return MS_ARCHIVE_OK;
    copy = strdup(entry->values[entry->n_values - 1]);
    if (!copy)
        return MS_ARCHIVE_NOMEM;
    free(*slot);
    *slot = copy;
    return MS_ARCHIVE_OK;
}

static bool
is_slot(const char *name)
{
    return strcmp(name, "id") == 0 || strcmp(name, "title") == 0 ||
           strcmp(name, "date") == 0 || strcmp(name, "language") == 0;
}

ms_archive_status_t
ms_archive__doc_finish(ms_archive_doc_t *doc, const ms_archive_meta_t *meta,
                       const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    ms_archive_status_t status;

    if (!doc->body && !(doc->body = strdup("")))
        goto nomem;
    if (take_value(&doc->id, meta, "id") != MS_ARCHIVE_OK ||
        take_value(&doc->title, meta, "title") != MS_ARCHIVE_OK ||
        take_value(&doc->date, meta, "date") != MS_ARCHIVE_OK ||
        take_value(&doc->language, meta, "language") != MS_ARCHIVE_OK)
        goto nomem;
    if (!doc->id) {
        status = ms_archive_id_derive(&doc->id, doc->path);
        if (status == MS_ARCHIVE_INVALID) {
            ms_archive__set_error(err, 0, 0,
                                  "the id derived from the path is empty or longer than "
                                  "200 bytes; shorten the path or set an id");
            return status;
        }
        if (status != MS_ARCHIVE_OK)
            goto nomem;
    }
    if (!doc->title || !doc->title[0]) {
        free(doc->title);
        if (!(doc->title = title_from_name(doc->path)))
            goto nomem;
    }
    if (!doc->language && opts && opts->default_language &&
        !(doc->language = strdup(opts->default_language)))
        goto nomem;
    for (size_t i = 0; meta && i < meta->n_entries; i++) {
        const ms_archive_meta_entry_t *entry = &meta->entries[i];
        if (is_slot(entry->name))
            continue;
        for (size_t j = 0; j < entry->n_values; j++) {
            if (doc_add_field(doc, entry->name, entry->values[j],
                              strlen(entry->values[j])) != MS_ARCHIVE_OK)
                goto nomem;
        }
    }
    free(doc->view);
    doc->view = calloc(doc->n_fields ? doc->n_fields : 1, sizeof(*doc->view));
    if (!doc->view)
        goto nomem;
    for (size_t i = 0; i < doc->n_fields; i++) {
        doc->view[i].name = doc->fields[i].name;
        doc->view[i].value = doc->fields[i].value;
    }
    return MS_ARCHIVE_OK;

nomem:
    ms_archive__set_error(err, 0, 0, "out of memory");
    return MS_ARCHIVE_NOMEM;
}

/* Parsing a text or Markdown file */

/* The document for 'len' bytes of 'data', the text or Markdown file at
 * 'path', its own metadata laid over 'staff' (may be NULL). */
static ms_archive_status_t
parse_text(ms_archive_doc_t **out, const struct format *format, const char *path,
           const char *data, size_t len, const ms_archive_meta_t *staff,
           const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    ms_archive_doc_t *doc = NULL;
    ms_archive_meta_t meta = {0}, own = {0};
    ms_archive_status_t status = MS_ARCHIVE_OK;
    size_t bad;

    *out = NULL;
    if (len == 0) {
        ms_archive__set_error(err, 0, 0, "empty file");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (!ms_archive_utf8_valid(data, len, &bad)) {
        unsigned line, column;
        ms_archive__position(data, bad, &line, &column);
        if (data[bad] == '\0')
            ms_archive__set_error(err, line, column,
                                  "contains a NUL byte; not a text file");
        else
            ms_archive__set_error(err, line, column,
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

    doc = ms_archive__doc_new(path);
    if (!doc) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    if (format->kind == FORMAT_MARKDOWN)
        status = extract_markdown(doc, &own, data, len, err);
    else
        status = extract_text(doc, data, len);
    if (status != MS_ARCHIVE_OK)
        goto out;
    if (ms_archive__meta_merge(&meta, staff) != MS_ARCHIVE_OK ||
        ms_archive__meta_merge(&meta, &own) != MS_ARCHIVE_OK) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = ms_archive__doc_finish(doc, &meta, opts, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    *out = doc;
    doc = NULL;

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_archive__set_error(err, 0, 0, "out of memory");
    ms_archive__meta_clear(&own);
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

ms_archive_status_t
ms_archive_doc_parse(ms_archive_doc_t **out, const char *path, const char *data,
                     size_t len, const ms_archive_options_t *opts,
                     ms_archive_error_t *err)
{
    const struct format *format = format_for(path);

    *out = NULL;
    ms_archive__error_reset(err, path);
    if (!format || (format->kind != FORMAT_TEXT && format->kind != FORMAT_MARKDOWN)) {
        ms_archive__set_error(
            err, 0, 0, format ? "not a text or Markdown file" : "unsupported file type");
        return MS_ARCHIVE_INVALID;
    }
    return parse_text(out, format, path, data, len, NULL, opts, err);
}

/* Reading files */

/* Open 'full' for reading and check it is a regular file of at most 'max'
 * bytes (0: any size; 'limit' names the limit in the error). Returns the
 * descriptor in *fd (also on failure, -1 if not opened) and the size in
 * *size. */
static ms_archive_status_t
open_regular(int *fd, off_t *size, const char *full, size_t max, const char *limit,
             ms_archive_error_t *err)
{
    struct stat st;

    /* O_NONBLOCK: a FIFO swapped in after the walk must not block us. */
    *fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0 || fstat(*fd, &st) != 0) {
        ms_archive__set_error(err, 0, 0, "cannot read: %s", strerror(errno));
        return MS_ARCHIVE_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        ms_archive__set_error(err, 0, 0, "not a regular file");
        return MS_ARCHIVE_INVALID;
    }
    if (max > 0 && (size_t)st.st_size > max) {
        ms_archive__set_error(err, 0, 0, "%lld bytes, over %s (%zu)",
                              (long long)st.st_size, limit, max);
        return MS_ARCHIVE_INVALID;
    }
    *size = st.st_size;
    return MS_ARCHIVE_OK;
}

ms_archive_status_t
ms_archive__read_file(char **out, size_t *len, const char *full, size_t max,
                      const char *limit, ms_archive_error_t *err)
{
    char *data = NULL;
    size_t n = 0;
    off_t size = 0;
    int fd = -1;
    ms_archive_status_t status;

    *out = NULL;
    *len = 0;
    status = open_regular(&fd, &size, full, max, limit, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    data = malloc((size_t)size + 1);
    if (!data) {
        ms_archive__set_error(err, 0, 0, "out of memory");
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    /* Read what stat promised; a file growing meanwhile is cut there. */
    while (n < (size_t)size) {
        ssize_t got = read(fd, data + n, (size_t)size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ms_archive__set_error(err, 0, 0, "cannot read: %s", strerror(errno));
            status = MS_ARCHIVE_IO;
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    data = NULL;

out:
    if (fd >= 0)
        close(fd);
    free(data);
    return status;
}

ms_archive_status_t
ms_archive_doc_load(ms_archive_doc_t **out, const char *root, const char *path,
                    const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    char full[4096];
    char *data = NULL;
    size_t len = 0, max = opts ? opts->max_file_size : 0;
    const struct format *format = format_for(path);
    ms_archive_status_t status;

    *out = NULL;
    snprintf(full, sizeof(full), "%s/%s", root, path);
    ms_archive__error_reset(err, full);
    if (!format || (format->kind != FORMAT_TEXT && format->kind != FORMAT_MARKDOWN)) {
        ms_archive__set_error(
            err, 0, 0, format ? "not a text or Markdown file" : "unsupported file type");
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__read_file(&data, &len, full, max, MAX_SIZE_KEY, err);
    if (status == MS_ARCHIVE_OK)
        status = parse_text(out, format, path, data, len, NULL, opts, err);
    free(data);
    return status;
}

/* Extracted formats */

/* Lay what the extractor found in the file under 'staff' in *meta: only
 * values that are usable, since nobody can fix a PDF's embedded date. */
static ms_archive_status_t
embedded_layer(ms_archive_meta_t *meta, const ms_extract_result_t *result)
{
    char code[3], date[11];
    char *title = NULL, *description = NULL;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (result->title &&
        ms_archive_utf8_valid(result->title, strlen(result->title), NULL)) {
        title = ms_archive__title_from(result->title, strlen(result->title));
        if (!title)
            return MS_ARCHIVE_NOMEM;
        if (title[0])
            status = ms_archive__meta_set(meta, "title", title);
    }
    if (status == MS_ARCHIVE_OK && result->description &&
        ms_archive_utf8_valid(result->description, strlen(result->description), NULL)) {
        size_t n = strlen(result->description);
        const char *d = result->description;
        while (n > 0 && strchr(" \t\r\n", *d)) {
            d++;
            n--;
        }
        while (n > 0 && strchr(" \t\r\n", d[n - 1]))
            n--;
        description = strndup(d, n);
        if (!description)
            status = MS_ARCHIVE_NOMEM;
        else if (description[0])
            status = ms_archive__meta_set(meta, "description", description);
    }
    /* "2003-05-01" or "2003-05-01T10:20:00Z": the day is what counts. */
    if (status == MS_ARCHIVE_OK && result->date) {
        snprintf(date, sizeof(date), "%s", result->date);
        if (ms_archive_date_valid(date))
            status = ms_archive__meta_set(meta, "date", date);
    }
    if (status == MS_ARCHIVE_OK && result->language &&
        ms_archive__language_code(code, result->language))
        status = ms_archive__meta_set(meta, "language", code);
    free(title);
    free(description);
    return status;
}

ms_archive_status_t
ms_archive__doc_from_extract(ms_archive_doc_t **out, const char *path,
                             const ms_extract_result_t *result,
                             const ms_archive_meta_t *staff,
                             const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    ms_archive_doc_t *doc = NULL;
    ms_archive_meta_t meta = {0};
    ms_archive_status_t status = MS_ARCHIVE_OK;
    size_t bad;

    *out = NULL;
    if (!result->text || result->text_length == 0) {
        ms_archive__set_error(err, 0, 0, "no text in the file");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (!ms_archive_utf8_valid(result->text, result->text_length, &bad)) {
        ms_archive__set_error(err, 0, 0, "extracted text is not valid UTF-8 at byte %zu",
                              bad);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    doc = ms_archive__doc_new(path);
    if (!doc || !(doc->body = strndup(result->text, result->text_length))) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = first_line_title(&doc->title, result->text, result->text_length);
    if (status == MS_ARCHIVE_OK)
        status = embedded_layer(&meta, result);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__meta_merge(&meta, staff);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__doc_finish(doc, &meta, opts, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    *out = doc;
    doc = NULL;

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_archive__set_error(err, 0, 0, "out of memory");
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

static ms_archive_status_t
load_extracted(const struct format *format, const char *root, const char *path,
               const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
               ms_archive_doc_cb each, void *payload, ms_archive_error_t *err)
{
    static const ms_extract_limits_t no_limits = {0, 0, 0};
    char full[4096], reason[256];
    size_t max = opts ? opts->max_file_size : 0;
    ms_extract_result_t *result = NULL;
    ms_archive_doc_t *doc = NULL;
    off_t size;
    int fd;
    ms_archive_status_t status;

    snprintf(full, sizeof(full), "%s/%s", root, path);
    status = open_regular(&fd, &size, full, max, MAX_SIZE_KEY, err);
    if (fd >= 0)
        close(fd);
    if (status != MS_ARCHIVE_OK)
        return status;
    if (size == 0) {
        ms_archive__set_error(err, 0, 0, "empty file");
        return MS_ARCHIVE_INVALID;
    }
    reason[0] = '\0';
    switch (ms_extract_file(&result, full, format->extract,
                            opts ? &opts->extract : &no_limits, reason, sizeof(reason))) {
    case MS_EXTRACT_OK:
        break;
    case MS_EXTRACT_NOMEM:
        ms_archive__set_error(err, 0, 0, "out of memory");
        return MS_ARCHIVE_NOMEM;
    case MS_EXTRACT_IO:
        ms_archive__set_error(err, 0, 0, "%s", reason[0] ? reason : "cannot read");
        return MS_ARCHIVE_IO;
    case MS_EXTRACT_INVALID:
    case MS_EXTRACT_LIMIT:
    default:
        ms_archive__set_error(err, 0, 0, "%s",
                              reason[0] ? reason : "cannot extract text");
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__doc_from_extract(&doc, path, result, staff, opts, err);
    ms_extract_free(result);
    if (status != MS_ARCHIVE_OK)
        return status;
    return each(doc, payload);
}

/* Loading any file */

ms_archive_status_t
ms_archive_load_each(const char *root, const char *path, const ms_archive_options_t *opts,
                     ms_archive_doc_cb each, ms_archive_warning_cb warn, void *payload,
                     ms_archive_error_t *err)
{
    char full[4096];
    const struct format *format = format_for(path);
    ms_archive_meta_t staff = {0};
    ms_archive_doc_t *doc = NULL;
    char *data = NULL;
    size_t len = 0, max = opts ? opts->max_file_size : 0;
    FILE *in = NULL;
    ms_archive_status_t status;

    snprintf(full, sizeof(full), "%s/%s", root, path);
    ms_archive__error_reset(err, full);
    if (!format) {
        ms_archive__set_error(err, 0, 0, "unsupported file type");
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__layers_load(
        &staff, root, path, format->kind == FORMAT_RECSET || format->kind == FORMAT_JSONL,
        err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    ms_archive__error_reset(err, full);

    switch (format->kind) {
    case FORMAT_TEXT:
    case FORMAT_MARKDOWN:
        status = ms_archive__read_file(&data, &len, full, max, MAX_SIZE_KEY, err);
        if (status == MS_ARCHIVE_OK)
            status = parse_text(&doc, format, path, data, len, &staff, opts, err);
        if (status == MS_ARCHIVE_OK)
            status = each(doc, payload);
        break;
    case FORMAT_EXTRACT:
        status = load_extracted(format, root, path, &staff, opts, each, payload, err);
        break;
    case FORMAT_RECSET:
        status = ms_archive__read_file(&data, &len, full, max, MAX_SIZE_KEY, err);
        if (status == MS_ARCHIVE_OK)
            status = ms_archive__recset_read(path, data, len, &staff, opts, each, payload,
                                             err);
        break;
    case FORMAT_JSONL: {
        /* No size limit on the file: it is read a line at a time, and the
         * limit applies to each line (jsonl.c). */
        int fd;
        off_t size;
        status = open_regular(&fd, &size, full, 0, MAX_SIZE_KEY, err);
        if (status == MS_ARCHIVE_OK && !(in = fdopen(fd, "r"))) {
            ms_archive__set_error(err, 0, 0, "cannot read: %s", strerror(errno));
            status = MS_ARCHIVE_IO;
        }
        if (!in && fd >= 0)
            close(fd);
        if (status == MS_ARCHIVE_OK)
            status = ms_archive__jsonl_read(in, path, full, &staff, opts, each, warn,
                                            payload, err);
        break;
    }
    }

out:
    if (in)
        fclose(in);
    free(data);
    ms_archive__meta_clear(&staff);
    return status;
}

/* Docsets */

/* Append 'item' to the array *items of *n elements, growing it at powers
 * of two so that a set of a million lines is not a million reallocs. */
static bool
append_pointer(void ***items, size_t *n, void *item)
{
    if (*n == 0 || (*n & (*n - 1)) == 0) {
        void **grown = realloc(*items, (*n ? *n * 2 : 1) * sizeof(*grown));
        if (!grown)
            return false;
        *items = grown;
    }
    (*items)[(*n)++] = item;
    return true;
}

static ms_archive_status_t
collect_doc(ms_archive_doc_t *doc, void *payload)
{
    ms_archive_docset_t *set = payload;

    if (!append_pointer((void ***)&set->docs, &set->n_docs, doc)) {
        ms_archive_doc_free(doc);
        return MS_ARCHIVE_NOMEM;
    }
    return MS_ARCHIVE_OK;
}

/* A warning that cannot be kept for lack of memory is lost; the documents
 * matter more, and the next allocation will fail the load anyway. */
static void
collect_warning(const char *warning, void *payload)
{
    ms_archive_docset_t *set = payload;
    char *copy = strdup(warning);

    if (copy && !append_pointer((void ***)&set->warnings, &set->n_warnings, copy))
        free(copy);
}

ms_archive_status_t
ms_archive_load(ms_archive_docset_t **out, const char *root, const char *path,
                const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    ms_archive_docset_t *set = calloc(1, sizeof(*set));
    ms_archive_status_t status;

    *out = NULL;
    if (!set) {
        ms_archive__error_reset(err, path);
        ms_archive__set_error(err, 0, 0, "out of memory");
        return MS_ARCHIVE_NOMEM;
    }
    status =
        ms_archive_load_each(root, path, opts, collect_doc, collect_warning, set, err);
    if (status == MS_ARCHIVE_NOMEM)
        ms_archive__set_error(err, 0, 0, "out of memory");
    if (status != MS_ARCHIVE_OK) {
        ms_archive_docset_free(set);
        return status;
    }
    *out = set;
    return MS_ARCHIVE_OK;
}

void
ms_archive_docset_free(ms_archive_docset_t *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n_docs; i++)
        ms_archive_doc_free(set->docs[i]);
    for (size_t i = 0; i < set->n_warnings; i++)
        free(set->warnings[i]);
    free(set->docs);
    free(set->warnings);
    free(set);
}
