/* util.h - small helpers under every part of a migsearch-index run
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Internal to migsearch-index. Growing an array, joining two paths and
 * measuring a span of time are written once here, below the files of a
 * run (report.c, shard.c, claims.c, ...), which all use them; this file
 * calls nothing of theirs. Strings are built with ms_buf (common/).
 */
#ifndef MS_UTIL_H
#define MS_UTIL_H

#include <stddef.h>
#include <time.h>

/* 'array' (of items of 'size' bytes, '*capacity' allocated, 'n' used)
 * with room for one more item: 'array' itself, or a larger copy with
 * *capacity updated (the old pointer is then invalid). NULL on OOM, and
 * 'array' is left as it was. */
void *ms_util_grow(void *array, size_t *capacity, size_t n, size_t size);

/* "<dir>/<name>". Caller frees with free(); NULL on OOM. */
char *ms_util_path_join(const char *dir, const char *name);

/* Print "  FILE: REASON" on stdout, both escaped (ms_utf8_escape()), for
 * the summary and `status`: a file name with a newline cannot forge a
 * line of the cron mail. NULL prints as "". */
void ms_util_print_failure(const char *file, const char *reason);

/* Print the 'n' synonym entries that searches match word by word until a
 * rebuild (ms_index_phrases_unindexed), escaped, under a line that says
 * so, for the summary and `status`; nothing when 'n' is 0. */
void ms_util_print_unindexed(const char *const *entries, size_t n);

#endif /* MS_UTIL_H */
