/* progress.c - the progress bar migsearch-index draws on a terminal
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * One line on stderr, redrawn in place with '\r' at most ten times a
 * second: a bar, files done of the total, the rate, the time left and the
 * file being read, cut to the terminal's width. main.c enables it only
 * when stderr is a terminal, so logs and pipes never see it. Log lines
 * erase it first (ms_progress_clear) and it comes back at the next update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ms_clock.h"
#include "ms_utf8.h"
#include "progress.h"
#include "util.h"

#define BAR_WIDTH 24

struct ms_progress {
    bool enabled;
    bool drawn; /* the line is on screen */
    size_t total;
    struct timespec start;
    double last_draw; /* seconds since start; negative before the first */
};

static double
seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return ms_clock_seconds(start, &now);
}

ms_progress_t *
ms_progress_new(bool enabled, size_t total)
{
    ms_progress_t *progress = calloc(1, sizeof(*progress));

    if (!progress)
        return NULL;
    progress->enabled = enabled;
    progress->total = total;
    progress->last_draw = -1.0;
    clock_gettime(CLOCK_MONOTONIC, &progress->start);
    return progress;
}

static unsigned
terminal_width(void)
{
    struct winsize ws;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* Append the last 'room' bytes' worth of 'name' to 'line' (keeping the end
 * of a path, which tells most), not splitting a UTF-8 character. */
static void
append_name(char *line, size_t size, const char *name, size_t room)
{
    size_t len = strlen(name), used = strlen(line);

    if (room < 4 || used + 1 >= size)
        return;
    if (len > room) {
        /* Start at the character after the one the cut falls in. */
        size_t from = len - (room - 3), start = ms_utf8_cut(name, len, from);
        if (start < from)
            start +=
                ms_utf8_decode((const unsigned char *)name + start, len - start, NULL);
        snprintf(line + used, size - used, "...%s", name + (start < from ? from : start));
    } else {
        snprintf(line + used, size - used, "%s", name);
    }
}

void
ms_progress_update(ms_progress_t *progress, size_t done, const char *current)
{
    char line[1024], eta[32] = "--:--";
    unsigned width;
    double elapsed, rate;
    size_t filled, visible;

    if (!progress || !progress->enabled)
        return;
    elapsed = seconds_since(&progress->start);
    if (progress->last_draw >= 0 && elapsed - progress->last_draw < 0.1 &&
        done < progress->total)
        return;
    progress->last_draw = elapsed;

    width = terminal_width();
    if (width > sizeof(line) - 1)
        width = sizeof(line) - 1;
    rate = elapsed > 0 ? (double)done / elapsed : 0.0;
    if (rate > 0 && done < progress->total) {
        unsigned long left =
            (unsigned long)((double)(progress->total - done) / rate + 0.5);
        snprintf(eta, sizeof(eta), "%lu:%02lu", left / 60, left % 60);
    }
    filled = progress->total ? done * BAR_WIDTH / progress->total : BAR_WIDTH;
    char bar[BAR_WIDTH + 1];
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    snprintf(line, sizeof(line), "[%s] %zu/%zu files  %.1f/s  ETA %s  ", bar, done,
             progress->total, rate, eta);
    /* Count columns as bytes for the fixed part (ASCII) and keep the file
     * name within what is left; the last column stays empty so the
     * terminal does not wrap. */
    visible = strlen(line);
    if (visible + 1 < width && current)
        append_name(line, sizeof(line), current, width - 1 - visible);
    else if (visible + 1 >= width)
        line[width - 1] = '\0';
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    progress->drawn = true;
}

void
ms_progress_clear(ms_progress_t *progress)
{
    if (!progress || !progress->drawn)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    progress->drawn = false;
    /* Draw again at the next update, whatever the throttle says. */
    progress->last_draw = -1.0;
}

void
ms_progress_free(ms_progress_t *progress)
{
    ms_progress_clear(progress);
    free(progress);
}
