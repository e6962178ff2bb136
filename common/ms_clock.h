/* ms_clock.h - monotonic time and elapsed time, written once
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#ifndef MS_CLOCK_H
#define MS_CLOCK_H

#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and rate limits. */
long long ms_clock_ms(void);

/* Seconds from 'from' to 'to' (both from the same clock). */
double ms_clock_seconds(const struct timespec *from, const struct timespec *to);

#endif /* MS_CLOCK_H */
