/* text.c - plain text and Markdown files: one document each
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A .txt file is indexed as it is, titled by its first line. A Markdown
 * file may open with front matter (YAML between two "---" lines, the
 * file's own metadata layer, the strongest); its body loses the Markdown
 * syntax that would only be noise in a search index and in snippets
 * (markdown.c), its first level-1 heading is its title, and its source
 * is kept in the field "markdown" for the document view.
 *
 * Invalid UTF-8 is refused, not repaired: a file that is not UTF-8 is most
 * likely in a legacy encoding (Windows-1252, KOI8-R), and guessing would
 * index mojibake under a plausible-looking title. Staff convert the file
 * instead; the error says where the first bad byte is.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "archive-io.h"
#include "archive-yaml.h"
#include "ms_buf.h"

/* Front matter */

/* A front matter delimiter: "---" with nothing but blanks after it. */
static bool
is_delimiter(const char *p, const char *eol)
{
    if (eol - p < 3 || memcmp(p, "---", 3) != 0)
        return false;
    for (p += 3; p < eol; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r')
            return false;
    }
    return true;
}

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
        ms_archive__yaml_error(err, first_line, root, NULL,
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

/* Split off the front matter of 'len' bytes of 'text' into 'own'; *body
 * is where the Markdown starts. */
static ms_archive_status_t
front_matter(ms_archive_meta_t *own, const char **body, const char *text, size_t len,
             ms_archive_error_t *err)
{
    const char *end = text + len, *eol = ms_archive__line_end(text, end), *yaml, *p;
    ms_archive_status_t status;

    *body = text;
    if (!is_delimiter(text, eol))
        return MS_ARCHIVE_OK;
    yaml = p = eol + (eol < end);
    for (;;) {
        if (p >= end) {
            ms_file_error_set(err, NULL, 1, 1,
                              "front matter is not closed by a '---' line");
            return MS_ARCHIVE_INVALID;
        }
        eol = ms_archive__line_end(p, end);
        if (is_delimiter(p, eol))
            break;
        p = eol + (eol < end);
    }
    /* The YAML text starts on line 2, after the opening "---". */
    status = parse_front_matter(own, yaml, (size_t)(p - yaml), 2, err);
    *body = eol + (eol < end);
    return status;
}

/* Parsing a file */

/* The document for 'len' bytes of 'data', the text or Markdown file at
 * 'path', its own metadata laid over 'staff' (may be NULL). */
static ms_archive_status_t
parse(ms_archive_doc_t **out, bool markdown, const char *path, const char *data,
      size_t len, const ms_archive_meta_t *staff, const ms_archive_options_t *opts,
      ms_archive_error_t *err)
{
    ms_archive_doc_t *doc = NULL;
    ms_archive_meta_t meta = {0}, own = {0};
    const char *body = data;
    char *source = NULL;
    ms_archive_status_t status;

    *out = NULL;
    status = ms_archive__text_check(
        data, len, MS_ARCHIVE__TEXT_NOT_EMPTY | MS_ARCHIVE__TEXT_DOCUMENT, err);
    if (status != MS_ARCHIVE_OK)
        goto out;
    /* A byte order mark is legal UTF-8 but would hide a leading "---". */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    doc = ms_archive__doc_new(path);
    status = doc ? MS_ARCHIVE_OK : MS_ARCHIVE_NOMEM;
    if (status == MS_ARCHIVE_OK && markdown)
        status = front_matter(&own, &body, data, len, err);
    if (status == MS_ARCHIVE_OK && markdown)
        status = ms_archive__markdown_text(&doc->body, &doc->title, body, data + len);
    if (status == MS_ARCHIVE_OK && !markdown) {
        doc->body = strndup(data, len);
        status = doc->body ? ms_archive__first_line_title(&doc->title, data, len)
                           : MS_ARCHIVE_NOMEM;
    }
    if (status == MS_ARCHIVE_OK &&
        (ms_archive__meta_merge(&meta, staff) != MS_ARCHIVE_OK ||
         ms_archive__meta_merge(&meta, &own) != MS_ARCHIVE_OK))
        status = MS_ARCHIVE_NOMEM;
    /* The source beside its text, for the document view to render
     * (markdown.c); it replaces any "markdown" key staff wrote. */
    if (status == MS_ARCHIVE_OK && markdown &&
        (!(source = strndup(body, (size_t)(data + len - body))) ||
         ms_archive__meta_set(&meta, "markdown", source) != MS_ARCHIVE_OK))
        status = MS_ARCHIVE_NOMEM;
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__doc_finish(doc, &meta, opts, err);
    if (status == MS_ARCHIVE_OK) {
        *out = doc;
        doc = NULL;
    }

out:
    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    free(source);
    ms_archive__meta_clear(&own);
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

ms_archive_status_t
ms_archive__parse_text(ms_archive_doc_t **out, int variant, const char *path,
                       const char *data, size_t len, const ms_archive_meta_t *staff,
                       const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    return parse(out, variant == MS_ARCHIVE__TEXT_MARKDOWN, path, data, len, staff, opts,
                 err);
}

ms_archive_status_t
ms_archive__load_text(const ms_archive__source_t *src)
{
    ms_archive_doc_t *doc = NULL;
    char *data = NULL;
    size_t len = 0;
    ms_archive_status_t status;

    status = ms_archive__read_document(&data, &len, src->full, src->opts, src->err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__parse_text(&doc, src->variant, src->path, data, len,
                                        src->staff, src->opts, src->err);
    if (status == MS_ARCHIVE_OK)
        status = src->each(doc, src->payload);
    free(data);
    return status;
}
