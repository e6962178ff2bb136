/* ms_answers.h - the answers a worker gave to searches, kept for the same question
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. Users ask the same few questions again and again
 * (docs/performance.md, "Answers kept"): a worker keeps the bytes of each
 * whole answer it sent, by a key the caller makes of everything the
 * answer depends on (the request's query string and the viewer's
 * groups), and sends them again while nothing else changed. Bytes, not
 * JSON values: what is kept is what is counted (a jansson value of an
 * answer takes several times its text), and it is sent without a dump.
 * What else may change an answer is the caller's to say with
 * ms_answers_sync(): the index state the worker has open and the config
 * it serves under; any change empties the cache. The least recently used answer leaves
 * first when the bytes kept would pass the budget. Not thread-safe: one cache a worker
 * thread, like its index handle.
 */
#ifndef MS_ANSWERS_H
#define MS_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ms_answers ms_answers_t;

/* An answer as it is sent: its JSON body's bytes, and where in them the
 * value of its top-level "took_ms" is (so that an answer given again can
 * say how long that took). */
typedef struct ms_answer {
    const char *text;
    size_t length;
    size_t took_at, took_length;
    long hits; /* the results it holds, for the log line */
} ms_answer_t;

/* A new, empty cache; NULL on allocation failure. */
ms_answers_t *ms_answers_new(void);

/* Release 'a' and every answer it holds. Accepts NULL. */
void ms_answers_free(ms_answers_t *a);

/* Keep at most 'budget' bytes (0: keep nothing) of answers given for
 * 'state' under 'config' (opaque tokens the caller compares by value):
 * when either differs from what 'a' was filled under, 'a' is emptied
 * first. Call before every get and put. */
void ms_answers_sync(ms_answers_t *a, unsigned long long state, const void *config,
                     size_t budget);

/* The answer kept for 'key' ('len' bytes, any bytes) into *out, borrowed
 * until the next call on 'a'. False if none. A hit makes it the most
 * recently used. */
bool ms_answers_get(ms_answers_t *a, const char *key, size_t len, ms_answer_t *out);

/* Keep a copy of 'answer' for 'key', in place of any answer kept for it.
 * An answer larger than a quarter of the budget is not kept. Returns 0, or
 * -1 when it was not kept (too large, no budget, allocation failure: the
 * cache is still whole). */
int ms_answers_put(ms_answers_t *a, const char *key, size_t len,
                   const ms_answer_t *answer);

/* Answers kept and their bytes (as counted against the budget). */
size_t ms_answers_count(const ms_answers_t *a);
size_t ms_answers_bytes(const ms_answers_t *a);

#endif /* MS_ANSWERS_H */
