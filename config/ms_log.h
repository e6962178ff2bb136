/* ms_log.h - one-line log events for the migsearch executables
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Libraries never print; only executables call ms_log. A line is
 *   2026-11-28T07:00:00Z WARN index: message key=value ...
 * written to stderr with one write(2), so lines from several threads do not
 * interleave. The macro tests the level before evaluating its arguments.
 */
#ifndef MS_LOG_H
#define MS_LOG_H

typedef enum ms_log_level {
    MS_LOG_ERR = 0,
    MS_LOG_WARN,
    MS_LOG_INFO,
    MS_LOG_DEBUG
} ms_log_level_t;

/* Atomic: SIGHUP changes it in one thread while workers read it. */
extern _Atomic int ms_log_threshold;

/* Set the component name printed on every line ("fcgi", "index") and the
 * threshold. Call before threads start. 'component' is borrowed and must
 * outlive all logging. */
void ms_log_init(const char *component, ms_log_level_t threshold);

/* Change the threshold at any time, from any thread. */
void ms_log_set_threshold(ms_log_level_t threshold);

/* Parse "err", "warn", "info" or "debug". Returns 0, or -1 if unknown. */
int ms_log_level_parse(ms_log_level_t *out, const char *name);

/* The lower-case name of 'level'. */
const char *ms_log_level_name(ms_log_level_t level);

void ms_log_write(ms_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define ms_log(level, ...)                                                               \
    do {                                                                                 \
        if ((int)(level) <= ms_log_threshold)                                            \
            ms_log_write((level), __VA_ARGS__);                                          \
    } while (0)

#endif /* MS_LOG_H */
