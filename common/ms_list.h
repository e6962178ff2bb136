/* ms_list.h - the items of a list written in one config value
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * server.allow_users, server.allow_groups and server.allow_addresses hold
 * lists written as one string, items separated by spaces, commas or tabs
 * ("www-data, nginx"). One rule for all of them, here.
 */
#ifndef MS_LIST_H
#define MS_LIST_H

#include <stddef.h>

/* The next item of the list at *cursor: sets *item to its first byte and
 * returns its length, moving *cursor past it; returns 0 at the end. The
 * item is not NUL-terminated. */
size_t ms_list_next(const char **cursor, const char **item);

#endif /* MS_LIST_H */
