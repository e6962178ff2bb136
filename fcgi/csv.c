/* csv.c - CSV text (ms_csv.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "ms_csv.h"

/* Whether a spreadsheet would take 'text' for a formula: it starts with
 * one of the characters OWASP lists ("CSV injection"). A title or a
 * country written "=HYPERLINK(...)" by whoever edits the archive must
 * open as text, not run. */
static int
formula_like(const char *text)
{
    return text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
}

static void
field(ms_buf_t *b, const char *text)
{
    if (text == NULL)
        return;
    int formula = formula_like(text);
    if (!formula && text[strcspn(text, ",\"\r\n")] == '\0') {
        ms_buf_puts(b, text);
        return;
    }
    ms_buf_putc(b, '"');
    if (formula)
        ms_buf_putc(b, '\'');
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
