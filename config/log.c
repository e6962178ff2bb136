/* log.c - one-line, one-write(2) log events on stderr
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each event is formatted into a stack buffer and written with a single
 * write(2) on STDERR_FILENO, so concurrent threads never interleave inside a
 * line and no lock is needed (a write to a pipe of at most PIPE_BUF bytes is
 * atomic; the buffer is kept at that size). Long messages are cut, and
 * control characters inside a message (newlines included) are escaped as
 * \xNN, so one event is always one line and no name can forge another.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ms_log.h"

/* PIPE_BUF on Linux: the largest write a pipe keeps whole. */
#define MS_LOG_LINE_MAX 4096

_Atomic int ms_log_threshold = MS_LOG_INFO;

/* Set once at start-up, before threads exist, and only read afterwards. */
static const char *log_component = "migsearch";

static const char *const level_names[] = {"err", "warn", "info", "debug"};
static const char *const level_labels[] = {"ERR", "WARN", "INFO", "DEBUG"};

void
ms_log_init(const char *component, ms_log_level_t threshold)
{
    if (component != NULL)
        log_component = component;
    ms_log_threshold = threshold;
}

void
ms_log_set_threshold(ms_log_level_t threshold)
{
    ms_log_threshold = threshold;
}

int
ms_log_level_parse(ms_log_level_t *out, const char *name)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (ms_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

const char *
ms_log_level_name(ms_log_level_t level)
{
    if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
        return "unknown";
    return level_names[level];
}

void
ms_log_write(ms_log_level_t level, const char *fmt, ...)
{
    char line[MS_LOG_LINE_MAX], message[MS_LOG_LINE_MAX];
    const char *label = "DEBUG";
    size_t used = 0, cap = sizeof(line);
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    int n;
    int saved_errno = errno; /* callers may log between a failure and strerror */

    if ((unsigned)level < sizeof(level_labels) / sizeof(level_labels[0]))
        label = level_labels[level];
    if (gmtime_r(&now, &tm) != NULL)
        used = strftime(line, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    n = snprintf(line + used, cap - used, " %s %s: ", label, log_component);
    if (n > 0)
        used += (size_t)n < cap - used ? (size_t)n : cap - used - 1;

    va_start(ap, fmt);
    n = vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    /* Control bytes (a newline in a file name, a terminal escape) are
     * written as \xNN: one event stays one line, and reads as it was. */
    for (size_t i = 0; n > 0 && i < (size_t)n && message[i] && used + 1 < cap; i++) {
        unsigned char byte = (unsigned char)message[i];
        if ((byte < 0x20 || byte == 0x7F) && used + 5 > cap)
            break; /* no room for the escape and the newline */
        if (byte < 0x20 || byte == 0x7F) {
            line[used++] = '\\';
            line[used++] = 'x';
            line[used++] = "0123456789ABCDEF"[byte >> 4];
            line[used++] = "0123456789ABCDEF"[byte & 15];
        } else {
            line[used++] = (char)byte;
        }
    }
    /* Text stops at cap - 1, where the NUL was: room for the newline. */
    line[used++] = '\n';

    for (size_t done = 0; done < used;) {
        ssize_t wrote = write(STDERR_FILENO, line + done, used - done);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0)
            break; /* nowhere left to report a logging failure */
        done += (size_t)wrote;
    }
    errno = saved_errno;
}
