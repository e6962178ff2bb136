/* formats.c - the table of archive formats, and loading any archive file
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A file's format is chosen by the ending of its name, one row per ending
 * in formats[] below; ms_archive_load_each() only loads the file's
 * metadata layers and calls its row's loader. The loaders (text.c,
 * recset.c, jsonl.c, extracted.c) never call back here, so adding a
 * format is a row and a loader file (archive-format.h), not a change to
 * the walker, the dispatch or migsearch-index.
 *
 * What a format embeds about itself (a PDF's Title, a DOCX's language) is
 * the weakest metadata layer, below even _defaults.yaml: programs fill
 * those fields with file names, template titles and the date a file was
 * converted, while everything in a _defaults.yaml or a sidecar was written
 * by staff on purpose. The loaders lay it under what is loaded here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "archive-format.h"
#include "archive-io.h"

/* clang-format off */
const ms_archive__format_t ms_archive__formats[] = {
    /* extension               loader                       parser
     *   many   variant */
    {".txt",                   ms_archive__load_text,       ms_archive__parse_text,
        false,  MS_ARCHIVE__TEXT_PLAIN},
    {".md",                    ms_archive__load_text,       ms_archive__parse_text,
        false,  MS_ARCHIVE__TEXT_MARKDOWN},
    {".markdown",              ms_archive__load_text,       ms_archive__parse_text,
        false,  MS_ARCHIVE__TEXT_MARKDOWN},
    {".html",                  ms_archive__load_extracted,  NULL,
        false,  MS_EXTRACT_HTML},
    {".htm",                   ms_archive__load_extracted,  NULL,
        false,  MS_EXTRACT_HTML},
    {".pdf",                   ms_archive__load_extracted,  NULL,
        false,  MS_EXTRACT_PDF},
    {".docx",                  ms_archive__load_extracted,  NULL,
        false,  MS_EXTRACT_DOCX},
    {".odt",                   ms_archive__load_extracted,  NULL,
        false,  MS_EXTRACT_ODT},
    {".recommendations.yaml",  ms_archive__load_recset,     NULL,
        true,   0},
    {".jsonl",                 ms_archive__load_jsonl,      NULL,
        true,   0},
};
/* clang-format on */

const size_t ms_archive__n_formats =
    sizeof(ms_archive__formats) / sizeof(ms_archive__formats[0]);

static bool
has_extension(const char *name, const char *extension)
{
    const char *base = ms_archive__base(name);
    size_t n = strlen(base), e = strlen(extension);

    /* The extension must follow a name: ".md" alone is a hidden file. */
    return n > e && strcasecmp(base + n - e, extension) == 0;
}

const ms_archive__format_t *
ms_archive__format_for(const char *name)
{
    if (ms_archive__is_helper(name))
        return NULL;
    for (size_t i = 0; i < ms_archive__n_formats; i++) {
        if (has_extension(name, ms_archive__formats[i].extension))
            return &ms_archive__formats[i];
    }
    return NULL;
}

bool
ms_archive_supported(const char *name)
{
    return ms_archive__format_for(name) != NULL;
}

/* Loading any file */

ms_archive_status_t
ms_archive_load_each(const char *root, const char *path, const ms_archive_options_t *opts,
                     ms_archive_doc_cb each, ms_archive_warning_cb warn, void *payload,
                     ms_archive_error_t *err)
{
    char full[4096];
    const ms_archive__format_t *format = ms_archive__format_for(path);
    ms_archive_meta_t staff = {0};
    ms_archive__source_t src = {path, full, &staff, opts, 0, each, warn, payload, err};
    ms_archive_status_t status;

    ms_archive__full_path(full, sizeof(full), root, path);
    ms_archive__error_reset(err, full);
    if (!format) {
        ms_file_error_set(err, NULL, 0, 0, "unsupported file type");
        return MS_ARCHIVE_INVALID;
    }
    status = ms_archive__inside(root, full, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__layers_load(&staff, root, path, format->many, err);
    if (status == MS_ARCHIVE_OK) {
        ms_archive__error_reset(err, full);
        src.variant = format->variant;
        status = format->load(&src);
    }
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
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
        return MS_ARCHIVE_NOMEM;
    }
    status =
        ms_archive_load_each(root, path, opts, collect_doc, collect_warning, set, err);
    if (status == MS_ARCHIVE_NOMEM)
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
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
    if (set) {
        while (set->n_docs > 0)
            ms_archive_doc_free(set->docs[--set->n_docs]);
        while (set->n_warnings > 0)
            free(set->warnings[--set->n_warnings]);
        free(set->docs);
        free(set->warnings);
    }
    free(set);
}

/* One document from a test */

/* The row of 'path' if it offers a parser; else NULL and the reason. */
static const ms_archive__format_t *
parser_for(const char *path, ms_archive_error_t *err)
{
    const ms_archive__format_t *format = ms_archive__format_for(path);

    if (!format || !format->parse) {
        ms_file_error_set(err, NULL, 0, 0,
                          format ? "not a text or Markdown file"
                                 : "unsupported file type");
        return NULL;
    }
    return format;
}

ms_archive_status_t
ms_archive_doc_parse(ms_archive_doc_t **out, const char *path, const char *data,
                     size_t len, const ms_archive_options_t *opts,
                     ms_archive_error_t *err)
{
    const ms_archive__format_t *format;

    *out = NULL;
    ms_archive__error_reset(err, path);
    format = parser_for(path, err);
    if (!format)
        return MS_ARCHIVE_INVALID;
    return format->parse(out, format->variant, path, data, len, NULL, opts, err);
}

ms_archive_status_t
ms_archive_doc_load(ms_archive_doc_t **out, const char *root, const char *path,
                    const ms_archive_options_t *opts, ms_archive_error_t *err)
{
    char full[4096];
    char *data = NULL;
    size_t len = 0;
    const ms_archive__format_t *format;
    ms_archive_status_t status;

    *out = NULL;
    ms_archive__error_reset(err, ms_archive__full_path(full, sizeof(full), root, path));
    format = parser_for(path, err);
    if (!format)
        return MS_ARCHIVE_INVALID;
    status = ms_archive__inside(root, full, err);
    if (status == MS_ARCHIVE_OK)
        status = ms_archive__read_document(&data, &len, full, opts, err);
    if (status == MS_ARCHIVE_OK)
        status = format->parse(out, format->variant, path, data, len, NULL, opts, err);
    free(data);
    return status;
}
