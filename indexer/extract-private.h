/* extract-private.h - shared by extract.c and the per-format extractors
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Everything declared here runs inside the sandboxed child that
 * ms_extract_file() forks (see extract.c). An extractor reads the open
 * file job->fd, appends plain text to job->text and sets the metadata
 * strings of job->result; it returns a status and, on failure, a reason
 * written with ms_extract__fail(). It never prints, and it does not need
 * to free what it allocated on the success path of the child (the child
 * _exit()s), but it does, so the code stays correct if it is ever reused
 * in-process.
 */
#ifndef MS_EXTRACT_PRIVATE_H
#define MS_EXTRACT_PRIVATE_H

#include <stddef.h>

#include "ms_extract.h"

/* Metadata strings (title, description) are cut to this many bytes. */
#define MS_EXTRACT__FIELD_MAX 2048

/* A growing text buffer with a hard cap. 'limit' 0 means no cap. */
typedef struct ms_extract__text {
    char *data;
    size_t length;
    size_t capacity;
    size_t limit;
    int overflow; /* set when an append went past 'limit' */
} ms_extract__text_t;

/* One extraction, as seen by the extractor in the child. */
typedef struct ms_extract__job {
    int fd;                            /* the file, opened by the parent */
    const ms_extract_limits_t *limits; /* never NULL */
    ms_extract__text_t text;           /* the body text being built */
    ms_extract_result_t *result;       /* title, description, date, language, n_pages */
    char reason[256];                  /* one line, set by ms_extract__fail() */
} ms_extract__job_t;

/* The extractors. Each returns MS_EXTRACT_OK, MS_EXTRACT_INVALID (reason
 * set), MS_EXTRACT_NOMEM (an allocation failed: in the child this is the
 * memory limit), MS_EXTRACT_LIMIT (text over max_text_bytes) or
 * MS_EXTRACT_IO (reason set). */
ms_extract_status_t ms_extract__html(ms_extract__job_t *job);
ms_extract_status_t ms_extract__pdf(ms_extract__job_t *job);
ms_extract_status_t ms_extract__docx(ms_extract__job_t *job);
ms_extract_status_t ms_extract__odt(ms_extract__job_t *job);

/* Write a one-line reason into job->reason and return 'status'. */
ms_extract_status_t ms_extract__fail(ms_extract__job_t *job, ms_extract_status_t status,
                                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append 'length' bytes to the text. Returns MS_EXTRACT_OK,
 * MS_EXTRACT_NOMEM or MS_EXTRACT_LIMIT (past the cap; overflow set). */
ms_extract_status_t ms_extract__text_append(ms_extract__text_t *text, const char *data,
                                            size_t length);

/* Append one byte; same statuses. */
ms_extract_status_t ms_extract__text_putc(ms_extract__text_t *text, char c);

/* Read the whole of job->fd into a malloc()ed, NUL-terminated buffer
 * that the caller frees. Returns MS_EXTRACT_OK, MS_EXTRACT_NOMEM or
 * MS_EXTRACT_IO (reason set). */
ms_extract_status_t ms_extract__read_all(ms_extract__job_t *job, char **out,
                                         size_t *out_length);

/* Copy 'length' bytes of 'data' into a metadata string: invalid UTF-8
 * replaced, whitespace and control characters collapsed to single
 * spaces, trimmed, cut at MS_EXTRACT__FIELD_MAX on a character boundary.
 * Returns a malloc()ed string, or NULL when nothing is left or on
 * allocation failure (*nomem is then set to 1; it may be NULL). */
char *ms_extract__field(const char *data, size_t length, int *nomem);

/* Copy the YYYY-MM-DD at the start of 's' (as in "2003-04-15T09:30:00Z")
 * into a malloc()ed string. Returns NULL when 's' does not start with a
 * plausible date or on allocation failure (*nomem set; may be NULL). */
char *ms_extract__iso_date(const char *s, int *nomem);

/* Copy 'length' bytes into a malloc()ed NUL-terminated string in which
 * every invalid UTF-8 sequence is replaced by U+FFFD and NUL bytes are
 * dropped. *out_length receives the new length. NULL on allocation
 * failure. */
char *ms_extract__utf8_clean(const char *data, size_t length, size_t *out_length);

/* Largest n <= 'length' such that data[0..n) does not end inside a
 * UTF-8 sequence. 'data' is assumed to be valid UTF-8. */
size_t ms_extract__utf8_cut(const char *data, size_t length);

#endif /* MS_EXTRACT_PRIVATE_H */
