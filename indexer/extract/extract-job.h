/* extract-job.h - what an extractor works with: the job, its text, its fields
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_extract library. The toolkit under every extractor
 * (extract_html.c, extract_pdf.c, extract_zip.c) and the sandbox's child
 * (extract_child.c): extract_job.c calls none of them, so no extractor
 * calls back into the file that dispatches to it.
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
#ifndef MS_EXTRACT_JOB_H
#define MS_EXTRACT_JOB_H

#include <stddef.h>

#include "ms_buf.h"
#include "ms_extract.h"

/* Metadata strings (title, description) are cut to this many bytes. */
#define MS_EXTRACT__FIELD_MAX 2048

/* One extraction, as seen by the extractor in the child. */
typedef struct ms_extract__job {
    int fd;                            /* the file, opened by the parent */
    const ms_extract_limits_t *limits; /* never NULL */
    ms_buf_t text;                     /* the body text, capped at max_text_bytes */
    ms_extract_result_t *result;       /* title, description, date, language, n_pages */
    char reason[256];                  /* one line, set by ms_extract__fail() */
} ms_extract__job_t;

/* An extractor: one per format (extract-private.h). Returns MS_EXTRACT_OK,
 * MS_EXTRACT_INVALID (reason set), MS_EXTRACT_NOMEM (an allocation
 * failed: in the child this is the memory limit), MS_EXTRACT_LIMIT (text
 * over max_text_bytes) or MS_EXTRACT_IO (reason set). */
typedef ms_extract_status_t (*ms_extract__extractor_t)(ms_extract__job_t *job);

/* Write a one-line reason into job->reason and return 'status'. */
ms_extract_status_t ms_extract__fail(ms_extract__job_t *job, ms_extract_status_t status,
                                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append 'length' bytes to 'text' (ms_buf_append). Returns MS_EXTRACT_OK,
 * MS_EXTRACT_NOMEM or MS_EXTRACT_LIMIT (past the buffer's limit; its
 * status says MS_BUF_LIMIT from then on). */
ms_extract_status_t ms_extract__text_append(ms_buf_t *text, const char *data,
                                            size_t length);

/* Append one byte; same statuses. */
ms_extract_status_t ms_extract__text_putc(ms_buf_t *text, char c);

/* Append a space where white space of the source separates two words: not
 * at the start of the text, nor after a space or a line break. */
ms_extract_status_t ms_extract__text_space(ms_buf_t *text);

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

/* Copy the day at the start of 's' (as in "2003-04-15T09:30:00Z") into a
 * malloc()ed "YYYY-MM-DD". Returns NULL when 's' does not start with a
 * real day (ms_date.h) or on allocation failure (*nomem set; may be
 * NULL). */
char *ms_extract__iso_date(const char *s, int *nomem);

#endif /* MS_EXTRACT_JOB_H */
