/* answers.c - the answers the server gave to searches, kept for the same question
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A hash table of entries chained by slot, and the same entries on a list
 * from the most to the least recently used, behind one mutex: a call
 * holds it for a look-up and a copy, or an insertion and what leaves for
 * it, some microseconds against the hundreds of a search. See
 * ms_answers.h.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ms_answers.h"
#include "ms_hash.h"

/* What an entry costs beyond itself, its key and text: malloc's own, its
 * slot. */
#define ENTRY_OVERHEAD 32
#define FIRST_SLOTS 64

typedef struct entry {
    struct entry *next;          /* in its slot */
    struct entry *newer, *older; /* on the list of use */
    uint64_t hash;
    size_t bytes; /* counted against the budget: all of the entry */
    size_t len;   /* of the key */
    size_t text_length, took_at, took_length;
    long hits;
    char key[]; /* the key's bytes, then the text's */
} entry_t;

struct ms_answers {
    pthread_mutex_t lock; /* guards everything below */
    entry_t **slots;
    size_t n_slots; /* a power of two */
    size_t count, bytes, budget;
    entry_t *newest, *oldest;
    unsigned long long state;
    const void *config;
};

ms_answers_t *
ms_answers_new(void)
{
    ms_answers_t *a = calloc(1, sizeof(*a));

    if (a == NULL)
        return NULL;
    a->slots = calloc(FIRST_SLOTS, sizeof(*a->slots));
    if (a->slots == NULL || pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a->slots);
        free(a);
        return NULL;
    }
    a->n_slots = FIRST_SLOTS;
    return a;
}

static void
unlink_use(ms_answers_t *a, entry_t *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        a->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        a->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void
push_newest(ms_answers_t *a, entry_t *e)
{
    e->older = a->newest;
    e->newer = NULL;
    if (a->newest)
        a->newest->newer = e;
    a->newest = e;
    if (a->oldest == NULL)
        a->oldest = e;
}

/* Take 'e' out of the table and the list, and free it. */
static void
drop(ms_answers_t *a, entry_t *e)
{
    entry_t **at = &a->slots[e->hash & (a->n_slots - 1)];

    while (*at != e)
        at = &(*at)->next;
    *at = e->next;
    unlink_use(a, e);
    a->count--;
    a->bytes -= e->bytes;
    free(e);
}

static void
clear(ms_answers_t *a)
{
    while (a->oldest)
        drop(a, a->oldest);
}

void
ms_answers_free(ms_answers_t *a)
{
    if (a == NULL)
        return;
    clear(a);
    free(a->slots);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* Take the lock, and make what 'a' holds that of 'scope': emptied if it
 * was filled for another index state or config, within its budget. Two
 * threads whose scopes differ (one has reopened the index, the other not
 * yet) empty it in turns until they agree; neither ever gets the other's
 * answers. */
static void
enter(ms_answers_t *a, const ms_answers_scope_t *scope)
{
    pthread_mutex_lock(&a->lock);
    if (a->state != scope->state || a->config != scope->config)
        clear(a);
    a->state = scope->state;
    a->config = scope->config;
    a->budget = scope->budget;
    while (a->bytes > a->budget && a->oldest)
        drop(a, a->oldest);
}

static entry_t *
find(const ms_answers_t *a, const char *key, size_t len, uint64_t hash)
{
    for (entry_t *e = a->slots[hash & (a->n_slots - 1)]; e; e = e->next)
        if (e->hash == hash && e->len == len && memcmp(e->key, key, len) == 0)
            return e;
    return NULL;
}

bool
ms_answers_get(ms_answers_t *a, const ms_answers_scope_t *scope, const char *key,
               size_t len, ms_answer_t *out)
{
    uint64_t hash = ms_hash(MS_HASH_INIT, key, len); /* before the lock */
    entry_t *e;
    char *text = NULL;

    enter(a, scope);
    e = find(a, key, len, hash);
    if (e != NULL && (text = malloc(e->text_length)) != NULL) {
        unlink_use(a, e);
        push_newest(a, e);
        memcpy(text, e->key + e->len, e->text_length);
        out->text = text;
        out->length = e->text_length;
        out->took_at = e->took_at;
        out->took_length = e->took_length;
        out->hits = e->hits;
    }
    pthread_mutex_unlock(&a->lock);
    return text != NULL;
}

/* Twice the slots, when there are more entries than slots; a failure to
 * grow leaves the table as it was (longer chains). */
static void
grow(ms_answers_t *a)
{
    size_t n = a->n_slots * 2;
    entry_t **slots;

    if (a->count < a->n_slots || n < a->n_slots)
        return;
    slots = calloc(n, sizeof(*slots));
    if (slots == NULL)
        return;
    for (size_t i = 0; i < a->n_slots; i++) {
        for (entry_t *e = a->slots[i], *next; e; e = next) {
            next = e->next;
            e->next = slots[e->hash & (n - 1)];
            slots[e->hash & (n - 1)] = e;
        }
    }
    free(a->slots);
    a->slots = slots;
    a->n_slots = n;
}

int
ms_answers_put(ms_answers_t *a, const ms_answers_scope_t *scope, const char *key,
               size_t len, const ms_answer_t *answer)
{
    uint64_t hash = ms_hash(MS_HASH_INIT, key, len);
    size_t bytes = sizeof(entry_t) + len + answer->length + ENTRY_OVERHEAD;
    entry_t *e, *old;

    if (bytes > scope->budget / 4 ||
        answer->took_at + answer->took_length > answer->length)
        return -1;
    /* Made before the lock is taken: the copy is most of the work. */
    e = malloc(sizeof(*e) + len + answer->length);
    if (e == NULL)
        return -1;
    memcpy(e->key, key, len);
    memcpy(e->key + len, answer->text, answer->length);
    e->len = len;
    e->hash = hash;
    e->bytes = bytes;
    e->text_length = answer->length;
    e->took_at = answer->took_at;
    e->took_length = answer->took_length;
    e->hits = answer->hits;
    enter(a, scope);
    if ((old = find(a, key, len, hash)) != NULL)
        drop(a, old);
    while (a->bytes + bytes > a->budget && a->oldest)
        drop(a, a->oldest);
    e->next = a->slots[hash & (a->n_slots - 1)];
    a->slots[hash & (a->n_slots - 1)] = e;
    push_newest(a, e);
    a->count++;
    a->bytes += bytes;
    grow(a);
    pthread_mutex_unlock(&a->lock);
    return 0;
}

size_t
ms_answers_count(ms_answers_t *a)
{
    pthread_mutex_lock(&a->lock);
    size_t count = a->count;
    pthread_mutex_unlock(&a->lock);
    return count;
}

size_t
ms_answers_bytes(ms_answers_t *a)
{
    pthread_mutex_lock(&a->lock);
    size_t bytes = a->bytes;
    pthread_mutex_unlock(&a->lock);
    return bytes;
}
