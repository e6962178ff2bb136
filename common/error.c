/* error.c - "file:line:column: text", the one shape of an error in a file
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "ms_error.h"

void
ms_file_error_set(ms_file_error_t *err, const char *file, size_t line, size_t column,
                  const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    if (file != NULL)
        snprintf(err->file, sizeof(err->file), "%s", file);
    err->line = line > UINT_MAX ? UINT_MAX : (unsigned)line;
    err->column = column > UINT_MAX ? UINT_MAX : (unsigned)column;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
}

const char *
ms_file_error_format(const ms_file_error_t *err, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (err->file[0] == '\0')
        snprintf(buf, size, "%s", err->text);
    else if (err->line == 0)
        snprintf(buf, size, "%s: %s", err->file, err->text);
    else
        snprintf(buf, size, "%s:%u:%u: %s", err->file, err->line, err->column, err->text);
    return buf;
}
