/* ms_clock.h - monotonic time and elapsed time, written once
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#ifndef MS_CLOCK_H
#define MS_CLOCK_H

#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and rate limits. */
long long ms_clock_ms(void);

/* Seconds from 'from' to 'to' (both from the same clock). */
double ms_clock_seconds(const struct timespec *from, const struct timespec *to);

/* CPU seconds the calling process has used (CLOCK_PROCESS_CPUTIME_ID):
 * for a run's profile, phase by phase. */
double ms_clock_cpu_seconds(void);

#ifdef __cplusplus
}
#endif

#endif /* MS_CLOCK_H */
