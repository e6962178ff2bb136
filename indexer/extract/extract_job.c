/* extract_job.c - what an extractor works with: the job, its text, its fields
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The toolkit under the extractors (extract-job.h). Text is an ms_buf_t
 * whose cap is max_text_bytes, so "too much text" is the buffer's own
 * MS_BUF_LIMIT; UTF-8 is common/'s one decoder and dates its one rule.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract-job.h"
#include "ms_date.h"
#include "ms_utf8.h"

ms_extract_status_t
ms_extract__fail(ms_extract__job_t *job, ms_extract_status_t status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(job->reason, sizeof(job->reason), fmt, ap);
    va_end(ap);
    return status;
}

/* ---- text ------------------------------------------------------------- */

ms_extract_status_t
ms_extract__text_append(ms_buf_t *text, const char *data, size_t length)
{
    switch (ms_buf_append(text, data, length)) {
    case MS_BUF_OK:
        return MS_EXTRACT_OK;
    case MS_BUF_LIMIT:
        return MS_EXTRACT_LIMIT;
    case MS_BUF_NOMEM:
        break;
    }
    return MS_EXTRACT_NOMEM;
}

ms_extract_status_t
ms_extract__text_putc(ms_buf_t *text, char c)
{
    return ms_extract__text_append(text, &c, 1);
}

ms_extract_status_t
ms_extract__text_space(ms_buf_t *text)
{
    if (text->len == 0 || text->data[text->len - 1] == ' ' ||
        text->data[text->len - 1] == '\n')
        return MS_EXTRACT_OK;
    return ms_extract__text_putc(text, ' ');
}

ms_extract_status_t
ms_extract__read_all(ms_extract__job_t *job, char **out, size_t *out_length)
{
    ms_buf_t buffer = MS_BUF_INIT;
    ms_extract_status_t status = MS_EXTRACT_OK;
    char chunk[65536];

    *out = NULL;
    *out_length = 0;
    while (status == MS_EXTRACT_OK) {
        ssize_t n = read(job->fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            status = ms_extract__fail(job, MS_EXTRACT_IO, "%s", strerror(errno));
        else if (n == 0)
            break;
        else
            status = ms_extract__text_append(&buffer, chunk, (size_t)n);
    }
    if (status == MS_EXTRACT_OK && !(*out = ms_buf_take(&buffer, out_length)))
        status = MS_EXTRACT_NOMEM;
    ms_buf_free(&buffer);
    return status;
}

/* ---- metadata fields -------------------------------------------------- */

char *
ms_extract__field(const char *data, size_t length, int *nomem)
{
    char *clean, *out = NULL;
    size_t clean_length, i, o = 0;
    int space = 0;

    clean = ms_utf8_repair(data, length, &clean_length);
    if (!clean)
        goto nomem;
    for (i = 0; i < clean_length; i++) {
        unsigned char c = (unsigned char)clean[i];

        if (c < 0x20 || c == 0x7f || c == ' ') {
            space = o > 0;
            continue;
        }
        if (space)
            clean[o++] = ' ';
        space = 0;
        clean[o++] = (char)c;
    }
    o = ms_utf8_cut(clean, o, MS_EXTRACT__FIELD_MAX);
    if (o == 0) {
        free(clean);
        return NULL;
    }
    out = realloc(clean, o + 1);
    if (!out)
        out = clean;
    out[o] = '\0';
    return out;
nomem:
    if (nomem)
        *nomem = 1;
    return NULL;
}

char *
ms_extract__iso_date(const char *s, int *nomem)
{
    char day[11];
    char *out;

    if (!s)
        return NULL;
    while (*s == ' ')
        s++;
    /* The day may be followed by a time ("T09:30:00Z"), never a digit. */
    if (strnlen(s, 10) < 10 || (s[10] >= '0' && s[10] <= '9'))
        return NULL;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!ms_date_parse(NULL, day))
        return NULL;
    out = strdup(day);
    if (!out && nomem)
        *nomem = 1;
    return out;
}
