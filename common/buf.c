/* buf.c - a growable byte buffer with an optional cap
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"

/* Room for 'more' bytes and the NUL, doubling from 256. */
static ms_buf_status_t
reserve(ms_buf_t *b, size_t more)
{
    size_t need, cap;
    char *data;

    if (more > SIZE_MAX - b->len - 1)
        return b->status = MS_BUF_NOMEM;
    need = b->len + more + 1;
    if (need <= b->cap)
        return MS_BUF_OK;
    cap = b->cap != 0 ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    data = realloc(b->data, cap);
    if (data == NULL)
        return b->status = MS_BUF_NOMEM;
    b->data = data;
    b->cap = cap;
    return MS_BUF_OK;
}

ms_buf_status_t
ms_buf_append(ms_buf_t *b, const void *data, size_t n)
{
    if (b->status != MS_BUF_OK)
        return b->status;
    if (b->limit != 0 && n > b->limit - b->len)
        return b->status = MS_BUF_LIMIT;
    if (reserve(b, n) != MS_BUF_OK)
        return b->status;
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return MS_BUF_OK;
}

ms_buf_status_t
ms_buf_putc(ms_buf_t *b, char c)
{
    return ms_buf_append(b, &c, 1);
}

ms_buf_status_t
ms_buf_puts(ms_buf_t *b, const char *s)
{
    return ms_buf_append(b, s, strlen(s));
}

ms_buf_status_t
ms_buf_printf(ms_buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    if (b->status != MS_BUF_OK)
        return b->status;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return b->status = MS_BUF_NOMEM;
    if ((size_t)n < sizeof(small))
        return ms_buf_append(b, small, (size_t)n);
    if (b->limit != 0 && (size_t)n > b->limit - b->len)
        return b->status = MS_BUF_LIMIT;
    if (reserve(b, (size_t)n) != MS_BUF_OK)
        return b->status;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MS_BUF_OK;
}

char *
ms_buf_take(ms_buf_t *b, size_t *len)
{
    char *data;

    if (b->status == MS_BUF_OK && b->data == NULL)
        ms_buf_append(b, "", 0);
    if (b->status != MS_BUF_OK) {
        ms_buf_free(b);
        return NULL;
    }
    data = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return data;
}

void
ms_buf_clear(ms_buf_t *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
    b->status = MS_BUF_OK;
}

void
ms_buf_free(ms_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->status = MS_BUF_OK;
}

size_t
ms_buf_hash(const char *s)
{
    size_t h = 5381;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = h * 33 + *p;
    return h;
}
