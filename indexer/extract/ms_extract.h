/* ms_extract.h - text out of binary and markup formats, in a sandbox
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. One function, ms_extract_file(), turns an
 * HTML, PDF, DOCX or ODT file into plain UTF-8 text plus what the format
 * itself says about the document (title, description, date). Extraction
 * runs in a forked child under CPU-time, wall-clock and address-space
 * limits, so a crash, hang or memory blow-up inside a library on one file
 * becomes an error for that file and nothing more. The libraries used and
 * why are in docs/architecture.md.
 */
#ifndef MS_EXTRACT_H
#define MS_EXTRACT_H

#include <stddef.h>

typedef enum ms_extract_format {
    MS_EXTRACT_HTML, /* .html, .htm: libxml2's HTML parser */
    MS_EXTRACT_PDF,  /* .pdf: poppler-glib, text per page */
    MS_EXTRACT_DOCX, /* .docx: libzip + libxml2 */
    MS_EXTRACT_ODT   /* .odt: libzip + libxml2 */
} ms_extract_format_t;

typedef enum ms_extract_status {
    MS_EXTRACT_OK = 0,
    MS_EXTRACT_NOMEM,   /* allocation failed in this process */
    MS_EXTRACT_INVALID, /* corrupt, encrypted, not the format, no text, zip bomb */
    MS_EXTRACT_LIMIT,   /* the child hit the time or memory limit, or crashed */
    MS_EXTRACT_IO       /* the file cannot be read, or fork/pipe failed */
} ms_extract_status_t;

typedef struct ms_extract_limits {
    unsigned timeout_ms;   /* wall clock per file; 0: no limit */
    size_t memory_bytes;   /* address space of the child; 0: no limit */
    size_t max_text_bytes; /* text longer than this is an error; 0: no limit */
} ms_extract_limits_t;

/* What came out of one file. Every string is owned by the result and
 * freed by ms_extract_free(); NULL when the format does not say. */
typedef struct ms_extract_result {
    char *text; /* UTF-8, never NULL; PDF pages separated by '\f' */
    size_t text_length;
    unsigned n_pages;  /* PDF: number of pages; others: 0 */
    char *title;       /* HTML <title>, PDF Info Title, DOCX/ODT core title */
    char *description; /* HTML meta description, DOCX/ODT subject/description */
    char *date;        /* creation date as YYYY-MM-DD when the format has one */
    char *language;    /* HTML lang attribute, DOCX/ODT language, as given */
} ms_extract_result_t;

/* Extract the text of the file at 'path' (a full path) as 'format'.
 *
 * On success *out is owned by the caller, who frees it with
 * ms_extract_free(). On failure *out is NULL and 'reason' (which may be
 * NULL) receives a one-line reason of at most 'reason_size' bytes, e.g.
 * "PDF is encrypted", "zip entry word/document.xml expands beyond 64 MiB",
 * "extraction took longer than 30 s".
 * Returns MS_EXTRACT_OK, MS_EXTRACT_INVALID, MS_EXTRACT_LIMIT, MS_EXTRACT_IO
 * or MS_EXTRACT_NOMEM. Not for multi-threaded callers: it forks, and the
 * child runs library code that is only safe after fork in a process with
 * one thread. The indexer is single-threaded. */
ms_extract_status_t ms_extract_file(ms_extract_result_t **out, const char *path,
                                    ms_extract_format_t format,
                                    const ms_extract_limits_t *limits, char *reason,
                                    size_t reason_size);

/* Free a result. Accepts NULL. */
void ms_extract_free(ms_extract_result_t *result);

#endif /* MS_EXTRACT_H */
