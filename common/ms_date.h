/* ms_date.h - the one date rule: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Documents are dated to the year, the month or the day. A date names a
 * real calendar day (leap years included) of the years 0001 to 9999. The
 * index stores a date as the sortable key YYYYMMDD, missing parts as 00;
 * a range bound that should take in a whole year or month uses 99 instead
 * (docs/index-schema.md, "Values").
 */
#ifndef MS_DATE_H
#define MS_DATE_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed date; month and day are 0 when the date does not give them. */
typedef struct ms_date {
    unsigned year;  /* 1 to 9999 */
    unsigned month; /* 0, or 1 to 12 */
    unsigned day;   /* 0, or 1 to the month's last day */
} ms_date_t;

/* Parse 's' (NUL-terminated) into *out (may be NULL: only check).
 * Returns true when 's' is exactly "YYYY", "YYYY-MM" or "YYYY-MM-DD"
 * naming a real day; *out is untouched otherwise. */
bool ms_date_parse(ms_date_t *out, const char *s);

/* Which end of the period a date names its key stands for. */
typedef enum ms_date_end {
    MS_DATE_FIRST, /* missing parts as 00: the stored value, a lower bound */
    MS_DATE_LAST   /* missing parts as 99: an upper bound taking in the period */
} ms_date_end_t;

/* The key "YYYYMMDD" of 'date' into 'out' (9 bytes with the NUL). Keys of
 * FIRST and LAST compare as their periods do: byte order is time order. */
void ms_date_key(char out[9], const ms_date_t *date, ms_date_end_t end);

/* The FIRST key of 'text' into 'out', or "" when 'text' is NULL or not a
 * date: "" sorts before every key, so an undated thing is older than any
 * dated one (the order of a country's reports). */
void ms_date_sort_key(char out[9], const char *text);

#ifdef __cplusplus
}
#endif

#endif /* MS_DATE_H */
