/* list.c - the items of a list written in one config value (ms_list.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "ms_list.h"

#define SEPARATORS " ,\t"

size_t
ms_list_next(const char **cursor, const char **item)
{
    size_t length;

    *cursor += strspn(*cursor, SEPARATORS);
    *item = *cursor;
    length = strcspn(*cursor, SEPARATORS);
    *cursor += length;
    return length;
}
