/* ms_answers.h - the answers the server gave to searches, kept for the same question
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Part of ms_fcgi_core. Users ask the same few questions again and again
 * (docs/performance.md, "Answers kept"): the server keeps the bytes of
 * each whole answer it sent, by a key the caller makes of everything the
 * answer depends on (the request's query string and the viewer's
 * groups), and sends them again while nothing else changed. Bytes, not
 * JSON values: what is kept is what is counted (a jansson value of an
 * answer takes several times its text), and it is sent without a dump.
 * What else may change an answer is the caller's to say with each call
 * (ms_answers_scope_t): the index state the calling thread has open and
 * the config it serves under; any change empties the cache. The least
 * recently used answer leaves first when the bytes kept would pass the
 * budget. Thread-safe: one cache serves every worker thread, so an
 * answer kept by one is there for all, and kept once.
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

/* What the answers of a call are answers to, compared by value: the
 * index state and config (opaque tokens) the caller serves, and the bytes
 * it may keep (0: none). A call whose state or config differs from the
 * cache's last empties it first; a smaller budget drops the least
 * recently used. */
typedef struct ms_answers_scope {
    unsigned long long state;
    const void *config;
    size_t budget;
} ms_answers_scope_t;

/* A new, empty cache; NULL on allocation failure. */
ms_answers_t *ms_answers_new(void);

/* Release 'a' and every answer it holds. Accepts NULL. No other call on
 * 'a' may be under way. */
void ms_answers_free(ms_answers_t *a);

/* A copy of the answer kept for 'key' ('len' bytes, any bytes) in
 * 'scope' into *out; the caller frees out->text. False if none (or no
 * memory for the copy). A hit makes it the most recently used. */
bool ms_answers_get(ms_answers_t *a, const ms_answers_scope_t *scope, const char *key,
                    size_t len, ms_answer_t *out);

/* Keep a copy of 'answer' for 'key' in 'scope', in place of any answer
 * kept for it. An answer larger than a quarter of the budget is not
 * kept. Returns 0, or -1 when it was not kept (too large, no budget,
 * allocation failure: the cache is still whole). */
int ms_answers_put(ms_answers_t *a, const ms_answers_scope_t *scope, const char *key,
                   size_t len, const ms_answer_t *answer);

/* Answers kept and their bytes (as counted against the budget). */
size_t ms_answers_count(ms_answers_t *a);
size_t ms_answers_bytes(ms_answers_t *a);

#endif /* MS_ANSWERS_H */
