/* ms_buf.h - a growable byte buffer with an optional cap
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every module that builds text (a document body, an extracted page, a
 * feed, a JSON line) appends to one of these. A failure is sticky: after
 * the first allocation failure or append past the cap, further appends do
 * nothing and return the same status, so a builder may append freely and
 * check once at the end. The data is always NUL-terminated once anything
 * was appended.
 */
#ifndef MS_BUF_H
#define MS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef enum ms_buf_status {
    MS_BUF_OK = 0,
    MS_BUF_NOMEM, /* an allocation failed */
    MS_BUF_LIMIT  /* an append would have gone past 'limit' */
} ms_buf_status_t;

/* Zero-initialise (MS_BUF_INIT), or set 'limit' first to cap the length. */
typedef struct ms_buf {
    char *data;             /* owned; NULL until the first append */
    size_t len;             /* bytes, not counting the NUL */
    size_t cap;             /* bytes allocated */
    size_t limit;           /* most bytes 'len' may reach; 0: no cap */
    ms_buf_status_t status; /* the first failure, sticky */
} ms_buf_t;

#define MS_BUF_INIT                                                                      \
    {                                                                                    \
        NULL, 0, 0, 0, MS_BUF_OK                                                         \
    }

/* Append 'n' bytes of 'data'. Returns b->status: MS_BUF_OK, MS_BUF_NOMEM
 * or MS_BUF_LIMIT (nothing of this append is kept then). */
ms_buf_status_t ms_buf_append(ms_buf_t *b, const void *data, size_t n);

/* Append one byte, or a NUL-terminated string; as ms_buf_append(). */
ms_buf_status_t ms_buf_putc(ms_buf_t *b, char c);
ms_buf_status_t ms_buf_puts(ms_buf_t *b, const char *s);

/* Append formatted text; as ms_buf_append(). */
ms_buf_status_t ms_buf_printf(ms_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The text built so far, handed to the caller, who frees it with free();
 * "" (allocated) when nothing was appended. *len (may be NULL) receives
 * its length. 'b' is left empty, its limit kept. NULL when the buffer
 * failed or memory runs out; the buffer is released then too. */
char *ms_buf_take(ms_buf_t *b, size_t *len);

/* Empty 'b' for reuse, keeping its allocation and its limit, and forget a
 * failure: the next append starts a new text. */
void ms_buf_clear(ms_buf_t *b);

/* Release the data and leave 'b' empty, its limit kept. */
void ms_buf_free(ms_buf_t *b);

/* A hash of the NUL-terminated string 's' (djb2), for the small hash
 * tables that keep a file of many values linear (YAML anchors, a
 * document's distinct metadata values). */
size_t ms_buf_hash(const char *s);

#endif /* MS_BUF_H */
