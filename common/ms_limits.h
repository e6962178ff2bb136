/* ms_limits.h - the default bounds on the work one query may cost
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The one place these numbers are written. config/keys.c makes them the
 * defaults of the search.* keys (docs/config.md); the index layer applies
 * them to a search that leaves its own bounds at 0 (ms_search_t in
 * ms_index.h), so a tool or test calling ms_index_search() directly is
 * bounded exactly as the server is by default.
 */
#ifndef MS_LIMITS_H
#define MS_LIMITS_H

/* Bytes of a query searched; a longer one is cut to its first words. */
#define MS_LIMIT_QUERY_BYTES 1024
/* Words and operators of a query; a longer one: its first words. */
#define MS_LIMIT_QUERY_TERMS 64
/* Bracket nesting parsed; deeper: searched as plain words. */
#define MS_LIMIT_QUERY_DEPTH 16
/* Terms one wildcard expands to, the most frequent first. */
#define MS_LIMIT_EXPANSION 100
/* Terms all wildcards of one query expand to together. */
#define MS_LIMIT_EXPANSION_TOTAL 800
/* Matches counted for facets; past it an even sample is counted. */
#define MS_LIMIT_FACET_MATCHES 10000
/* Milliseconds one search may take, checked between its phases. */
#define MS_LIMIT_TIME_BUDGET_MS 2000
/* Best matches feedback reorders, for a query whose words are in at least
 * MS_INDEX_WINDOW_FACTOR times as many documents (ms_index.h). Unlike the
 * bounds above, 0 in ms_search_t is not this default but every match, so
 * a caller asks for it: the server from search.feedback_window. */
#define MS_LIMIT_FEEDBACK_WINDOW 200

/* A limit as the text of a config default: MS_LIMIT_TEXT(MS_LIMIT_QUERY_BYTES). */
#define MS_LIMIT_TEXT(limit) MS_LIMIT_TEXT_(limit)
#define MS_LIMIT_TEXT_(limit) #limit

#endif /* MS_LIMITS_H */
