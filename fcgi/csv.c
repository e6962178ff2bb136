/* csv.c - CSV text (ms_csv.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "ms_csv.h"

static void
field(ms_buf_t *b, const char *text)
{
    if (text == NULL)
        return;
    if (text[strcspn(text, ",\"\r\n")] == '\0') {
        ms_buf_puts(b, text);
        return;
    }
    ms_buf_putc(b, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            ms_buf_putc(b, '"');
        ms_buf_putc(b, *p);
    }
    ms_buf_putc(b, '"');
}

void
ms_csv_record(ms_buf_t *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            ms_buf_putc(b, ',');
        field(b, fields[i]);
    }
    ms_buf_puts(b, "\r\n");
}
