/* search_loop.c - ms_index_search() in a loop: the in-process cost of a search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: search_loop INDEX QUERIES ROUNDS [facets] [nofeedback] [nosnippets]
 *                    [window=N]
 *
 * Runs every query of QUERIES (one a line, or "id<TAB>text") ROUNDS times
 * against the index at INDEX, as the server's default /search asks it:
 * 10 hits, 3 snippets of 240 characters, language "en" (and, with a shim
 * that has it, every language of the index: no lang= filter), feedback
 * on, the default bounds, facets only with the word "facets". Built with
 * -DMS_LOOP_PHASES (tests/bench/limit.sh, against this tree's shim only),
 * "nofeedback" and "nosnippets" leave out feedback and snippets, so that
 * the cost of each phase is the difference between two runs. With a shim
 * that has the feedback window, it is the server's default
 * (MS_LIMIT_FEEDBACK_WINDOW, found with -I common) and "window=N" sets it
 * (search.feedback_window; window=0: feedback over every match).
 * Prints one line:
 *   searches=N cpu_us_per_search=X wall_us_per_search=Y hits=H
 * CPU time is the process's own (CLOCK_PROCESS_CPUTIME_ID), the steadiest
 * figure on a shared machine. The first round is a warm-up and not timed.
 *
 * It uses only what ms_index.h has offered since the first release of the
 * search service, so that tests/bench/inprocess.sh can build the same
 * source against an older shim and compare the two in one invocation.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms_index.h"
#if defined(__has_include)
#if __has_include("ms_limits.h")
#include "ms_limits.h"
#endif
#endif
#ifndef MS_LIMIT_FEEDBACK_WINDOW
#define MS_LIMIT_FEEDBACK_WINDOW 0 /* a tree from before the window */
#endif

#define MAX_QUERIES 10000

static double
seconds(clockid_t clock)
{
    struct timespec t;

    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Read up to MAX_QUERIES lines of 'path' into 'out'; returns their number. */
static size_t
read_queries(char **out, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;

    if (f == NULL) {
        perror(path);
        exit(2);
    }
    while (n < MAX_QUERIES && (len = getline(&line, &cap, f)) > 0) {
        char *text = strchr(line, '\t');

        text = text != NULL ? text + 1 : line;
        text[strcspn(text, "\r\n")] = '\0';
        if (text[0] != '\0')
            out[n++] = strdup(text);
    }
    free(line);
    fclose(f);
    return n;
}

/* What a round asks beside the queries: the trailing words of the usage. */
static int facets, no_feedback, no_snippets;
static unsigned window = MS_LIMIT_FEEDBACK_WINDOW; /* "window=N" */

/* One round of every query; returns the hits seen, or -1 on an error. */
static long
round_of(ms_index_t *idx, char **queries, size_t n)
{
    long hits = 0;

    for (size_t i = 0; i < n; i++) {
        ms_search_t search;
        ms_results_t *results = NULL;

        memset(&search, 0, sizeof(search));
        search.query = queries[i];
        search.language = "en";
        search.limit = 10;
        search.snippet_length = no_snippets ? 0 : 240;
        search.max_snippets = 3;
        search.facets = facets;
#ifdef MS_LOOP_PHASES
        search.no_feedback = no_feedback;
#endif
        /* The cost of the whole search, not the budget's: under callgrind
         * a search runs some 50 times slower than the default budget
         * allows. */
        search.time_budget_ms = 3600 * 1000;
#ifdef MS_SEARCH_EVERY_LANGUAGE
        /* As the server asks a search that filters on no language. */
        search.every_language = 1;
#endif
#ifdef MS_SEARCH_FEEDBACK_WINDOW
        search.feedback_window = window;
#endif
        if (ms_index_search(&results, idx, &search) != MS_INDEX_OK) {
            fprintf(stderr, "search_loop: '%s': %s\n", queries[i], ms_index_errmsg(idx));
            return -1;
        }
        hits += (long)results->n_hits;
        ms_results_free(results);
    }
    return hits;
}

int
main(int argc, char **argv)
{
    static char *queries[MAX_QUERIES];
    ms_index_error_t err;
    ms_index_t *idx = NULL;
    double cpu0, wall0, cpu, wall;
    long rounds, hits = 0;
    size_t n;

    if (argc < 4 || (rounds = strtol(argv[3], NULL, 10)) < 1) {
        fprintf(stderr, "usage: search_loop INDEX QUERIES ROUNDS [facets] [nofeedback] "
                        "[nosnippets] [window=N]\n");
        return 2;
    }
    for (int i = 4; i < argc; i++) {
        facets |= strcmp(argv[i], "facets") == 0;
        no_feedback |= strcmp(argv[i], "nofeedback") == 0;
        no_snippets |= strcmp(argv[i], "nosnippets") == 0;
        if (strncmp(argv[i], "window=", 7) == 0)
            window = (unsigned)strtoul(argv[i] + 7, NULL, 10);
    }
    n = read_queries(queries, argv[2]);
    if (ms_index_open(&idx, argv[1], MS_INDEX_READ, &err) != MS_INDEX_OK) {
        fprintf(stderr, "search_loop: %s: %s\n", argv[1], err.text);
        return 1;
    }
    if (round_of(idx, queries, n) < 0)
        return 1;
    cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    wall0 = seconds(CLOCK_MONOTONIC);
    for (long r = 0; r < rounds; r++) {
        long h = round_of(idx, queries, n);

        if (h < 0)
            return 1;
        hits += h;
    }
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    wall = seconds(CLOCK_MONOTONIC) - wall0;
    printf("searches=%ld cpu_us_per_search=%.1f wall_us_per_search=%.1f hits=%ld\n",
           rounds * (long)n, cpu * 1e6 / (double)(rounds * (long)n),
           wall * 1e6 / (double)(rounds * (long)n), hits);
    ms_index_close(idx);
    for (size_t i = 0; i < n; i++)
        free(queries[i]);
    return 0;
}
