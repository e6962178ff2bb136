/* date.c - the one date rule: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "ms_date.h"

/* The value of the 'n' decimal digits at 's', or -1 if one is not a digit. */
static int
digits(const char *s, size_t n)
{
    int value = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

static unsigned
last_day(unsigned year, unsigned month)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

bool
ms_date_parse(ms_date_t *out, const char *s)
{
    size_t len = strnlen(s, 11);
    ms_date_t date = {0, 0, 0};
    int value;

    if (len != 4 && len != 7 && len != 10)
        return false;
    if ((value = digits(s, 4)) < 1)
        return false;
    date.year = (unsigned)value;
    if (len >= 7) {
        if (s[4] != '-' || (value = digits(s + 5, 2)) < 1 || value > 12)
            return false;
        date.month = (unsigned)value;
    }
    if (len == 10) {
        if (s[7] != '-' || (value = digits(s + 8, 2)) < 1 ||
            (unsigned)value > last_day(date.year, date.month))
            return false;
        date.day = (unsigned)value;
    }
    if (out != NULL)
        *out = date;
    return true;
}

void
ms_date_key(char out[9], const ms_date_t *date, ms_date_end_t end)
{
    unsigned missing = end == MS_DATE_LAST ? 99 : 0;

    snprintf(out, 9, "%04u%02u%02u", date->year % 10000,
             date->month != 0 ? date->month % 100 : missing,
             date->day != 0 ? date->day % 100 : missing);
}

void
ms_date_sort_key(char out[9], const char *text)
{
    ms_date_t date;

    out[0] = '\0';
    if (text != NULL && ms_date_parse(&date, text))
        ms_date_key(out, &date, MS_DATE_FIRST);
}
