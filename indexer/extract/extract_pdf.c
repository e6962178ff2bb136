/* extract_pdf.c - PDF to text with poppler-glib, one '\f' between pages
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * poppler reads the file through the descriptor the parent opened. A PDF
 * that needs a password is refused; one with only an owner password (the
 * "no printing, no copying" kind) opens without one and is indexed, as
 * every PDF reader would display it. A PDF whose pages give no text at
 * all is most likely a scan: it is reported rather than indexed empty, so
 * staff learn that it needs OCR.
 */
#include <string.h>

#include <poppler.h>

#include "extract-private.h"

/* How much of poppler's error message goes into the reason. */
#define MESSAGE_MAX 120

/* A poppler string (g_free'd here) as a metadata field. */
static char *
take_field(gchar *value, int *nomem)
{
    char *field = NULL;

    if (value) {
        field = ms_extract__field(value, strlen(value), nomem);
        g_free(value);
    }
    return field;
}

static int
has_text(const ms_buf_t *text)
{
    size_t i;

    for (i = 0; i < text->len; i++) {
        unsigned char c = (unsigned char)text->data[i];

        if (c > ' ')
            return 1;
    }
    return 0;
}

ms_extract_status_t
ms_extract__pdf(ms_extract__job_t *job)
{
    ms_extract_status_t status = MS_EXTRACT_OK;
    ms_extract_result_t *r = job->result;
    PopplerDocument *document;
    GError *error = NULL;
    GDateTime *created;
    int n_pages, i, nomem = 0;

    /* poppler owns the descriptor from here on, even on failure. */
    document = poppler_document_new_from_fd(job->fd, NULL, &error);
    job->fd = -1;
    if (!document) {
        if (error && error->domain == POPPLER_ERROR &&
            error->code == POPPLER_ERROR_ENCRYPTED) {
            status = ms_extract__fail(job, MS_EXTRACT_INVALID, "PDF is encrypted");
        } else {
            const char *message =
                error && error->message ? error->message : "unknown error";
            int n = (int)strcspn(message, "\n");

            status = ms_extract__fail(job, MS_EXTRACT_INVALID, "PDF cannot be read: %.*s",
                                      n < MESSAGE_MAX ? n : MESSAGE_MAX, message);
        }
        goto out;
    }
    n_pages = poppler_document_get_n_pages(document);
    if (n_pages <= 0) {
        status = ms_extract__fail(job, MS_EXTRACT_INVALID, "PDF has no pages");
        goto out;
    }
    for (i = 0; i < n_pages && status == MS_EXTRACT_OK; i++) {
        PopplerPage *page = poppler_document_get_page(document, i);
        gchar *text;

        if (i > 0)
            status = ms_extract__text_putc(&job->text, '\f');
        if (!page || status != MS_EXTRACT_OK) {
            if (page)
                g_object_unref(page);
            continue;
        }
        text = poppler_page_get_text(page);
        if (text)
            status = ms_extract__text_append(&job->text, text, strlen(text));
        g_free(text);
        g_object_unref(page);
    }
    if (status != MS_EXTRACT_OK)
        goto out;
    if (!has_text(&job->text)) {
        status = ms_extract__fail(job, MS_EXTRACT_INVALID, "PDF has no extractable text");
        goto out;
    }
    r->n_pages = (unsigned)n_pages;
    r->title = take_field(poppler_document_get_title(document), &nomem);
    r->description = take_field(poppler_document_get_subject(document), &nomem);
    created = poppler_document_get_creation_date_time(document);
    if (created) {
        gchar *day = g_date_time_format(created, "%Y-%m-%d");

        r->date = ms_extract__iso_date(day, &nomem);
        g_free(day);
        g_date_time_unref(created);
    }
    if (nomem)
        status = MS_EXTRACT_NOMEM;
out:
    if (document)
        g_object_unref(document);
    g_clear_error(&error);
    return status;
}
