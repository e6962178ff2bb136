/* extracted.c - HTML, PDF, DOCX and ODT files: one document each, by ms_extract
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The glue between the sandboxed extractors (ms_extract.h) and the
 * archive model: the extracted text is the body, and what the format says
 * about itself (title, description, date, language) is the weakest
 * metadata layer, laid under the staff's _defaults.yaml files and
 * sidecar. Only usable embedded values are taken, since nobody can fix a
 * PDF's embedded date: an unusable one is dropped, not reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "archive-io.h"
#include "ms_date.h"
#include "ms_utf8.h"

/* A copy of embedded string 's' trimmed of white space at both ends, or
 * "" when it is not UTF-8. NULL on OOM. */
static char *
embedded_text(const char *s)
{
    size_t n = strlen(s);

    if (!ms_utf8_valid(s, n, NULL))
        return strdup("");
    while (n > 0 && strchr(" \t\r\n", *s)) {
        s++;
        n--;
    }
    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        n--;
    return strndup(s, n);
}

/* Lay what the extractor found in the file in *meta: only values that
 * are usable. */
static ms_archive_status_t
embedded_layer(ms_archive_meta_t *meta, const ms_extract_result_t *result)
{
    char date[11];
    char *title = NULL, *description = NULL;
    const char *code;
    ms_archive_status_t status = MS_ARCHIVE_OK;

    if (result->title && ms_utf8_valid(result->title, strlen(result->title), NULL)) {
        title = ms_archive__title_from(result->title, strlen(result->title));
        if (!title)
            return MS_ARCHIVE_NOMEM;
        if (title[0])
            status = ms_archive__meta_set(meta, "title", title);
    }
    if (status == MS_ARCHIVE_OK && result->description) {
        description = embedded_text(result->description);
        if (!description)
            status = MS_ARCHIVE_NOMEM;
        else if (description[0])
            status = ms_archive__meta_set(meta, "description", description);
    }
    /* "2003-05-01" or "2003-05-01T10:20:00Z": the day is what counts. */
    if (status == MS_ARCHIVE_OK && result->date) {
        snprintf(date, sizeof(date), "%s", result->date);
        if (ms_date_parse(NULL, date))
            status = ms_archive__meta_set(meta, "date", date);
    }
    if (status == MS_ARCHIVE_OK && result->language &&
        (code = ms_archive__language_code(result->language)) != NULL)
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
        ms_file_error_set(err, NULL, 0, 0, "no text in the file");
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    if (!ms_utf8_valid(result->text, result->text_length, &bad)) {
        ms_file_error_set(err, NULL, 0, 0,
                          "extracted text is not valid UTF-8 at byte %zu", bad);
        status = MS_ARCHIVE_INVALID;
        goto out;
    }
    doc = ms_archive__doc_new(path);
    if (!doc || !(doc->body = strndup(result->text, result->text_length))) {
        status = MS_ARCHIVE_NOMEM;
        goto out;
    }
    status = ms_archive__first_line_title(&doc->title, result->text, result->text_length);
    if (status == MS_ARCHIVE_OK)
        status = embedded_layer(&meta, result);
    ms_archive__meta_weaken(&meta);
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
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
    ms_archive__meta_clear(&meta);
    ms_archive_doc_free(doc);
    return status;
}

/* The archive's status for an extraction that failed, the reason in 'err'. */
static ms_archive_status_t
extract_failed(ms_extract_status_t status, const char *reason, ms_archive_error_t *err)
{
    switch (status) {
    case MS_EXTRACT_NOMEM:
        ms_file_error_set(err, NULL, 0, 0, "out of memory");
        return MS_ARCHIVE_NOMEM;
    case MS_EXTRACT_IO:
        ms_file_error_set(err, NULL, 0, 0, "%s", reason[0] ? reason : "cannot read");
        return MS_ARCHIVE_IO;
    case MS_EXTRACT_OK:
    case MS_EXTRACT_INVALID:
    case MS_EXTRACT_LIMIT:
        break;
    }
    ms_file_error_set(err, NULL, 0, 0, "%s", reason[0] ? reason : "cannot extract text");
    return MS_ARCHIVE_INVALID;
}

ms_archive_status_t
ms_archive__load_extracted(const ms_archive__source_t *src)
{
    static const ms_extract_limits_t no_limits = {0, 0, 0};
    char reason[256];
    ms_extract_result_t *result = NULL;
    ms_archive_doc_t *doc = NULL;
    ms_extract_status_t extracted;
    off_t size;
    int fd;
    ms_archive_status_t status;

    status = ms_archive__open_regular(&fd, &size, src->full,
                                      src->opts ? src->opts->max_file_size : 0,
                                      MS_ARCHIVE__MAX_SIZE_KEY, src->err);
    if (fd >= 0)
        close(fd);
    if (status != MS_ARCHIVE_OK)
        return status;
    if (size == 0) {
        ms_file_error_set(src->err, NULL, 0, 0, "empty file");
        return MS_ARCHIVE_INVALID;
    }
    reason[0] = '\0';
    extracted = ms_extract_file(&result, src->full, (ms_extract_format_t)src->variant,
                                src->opts ? &src->opts->extract : &no_limits, reason,
                                sizeof(reason));
    if (extracted != MS_EXTRACT_OK)
        return extract_failed(extracted, reason, src->err);
    status = ms_archive__doc_from_extract(&doc, src->path, result, src->staff, src->opts,
                                          src->err);
    ms_extract_free(result);
    if (status != MS_ARCHIVE_OK)
        return status;
    return src->each(doc, src->payload);
}
