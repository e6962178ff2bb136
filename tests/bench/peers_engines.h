/* peers_engines.h - one search interface over migsearch, Sphinx and PostgreSQL
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The engines of tests/bench/peers_bench.c, a row each in peers_engines[]:
 *   migsearch  the shim in process (ms_index_search, as the server asks it)
 *   sphinx     searchd over SphinxQL (libmariadb)
 *   postgres   a backend over libpq
 * Each handle belongs to one thread. A query is given as its words and
 * phrases (peers_query_parse), so that every engine gets the same words
 * in its own syntax and no user text is an operator or a syntax error.
 */
#ifndef PEERS_ENGINES_H
#define PEERS_ENGINES_H

#include <stddef.h>

#define PEERS_MAX_PARTS 32
#define PEERS_MAX_HITS 1000

/* Where the engines are; strings borrowed for the program's life. */
typedef struct peers_conf {
    const char *index;         /* the migsearch index */
    unsigned sphinx_port;      /* searchd's SphinxQL port on 127.0.0.1 */
    int sphinx_pid;            /* searchd's process, for its CPU time */
    const char *sphinx_ranker; /* NULL: proximity_bm25, Sphinx's default */
    const char *pg_conninfo;
} peers_conf_t;

/* A query: lowered words and double-quoted phrases ("a b"), owned. */
typedef struct peers_query {
    char *part[PEERS_MAX_PARTS];
    int phrase[PEERS_MAX_PARTS];
    size_t n;
} peers_query_t;

/* What a search asks: all words (AND) or any (OR), snippets, hits.
 * 'feedback' and 'facets' are migsearch's alone (its server's answer has
 * both; its bare match neither); the peers have no such thing. */
typedef struct peers_ask {
    int all_words;
    int snippets;
    int feedback;
    int facets;
    unsigned limit; /* at most PEERS_MAX_HITS */
} peers_ask_t;

/* The answer: ids best first, owned by the handle until its next search;
 * the bytes of snippet text received. */
typedef struct peers_hits {
    char *id[PEERS_MAX_HITS];
    size_t n;
    size_t snippet_bytes;
} peers_hits_t;

typedef struct peers_engine {
    const char *name;
    /* A new handle, or NULL (a message printed). */
    void *(*open)(const peers_conf_t *conf);
    /* 0, or -1 on an error (a message printed). */
    int (*search)(void *handle, const peers_query_t *query, const peers_ask_t *ask,
                  peers_hits_t *out);
    /* CPU nanoseconds the server (or, in process, this thread) has used. */
    double (*cpu_ns)(void *handle);
    const char *(*version)(void *handle); /* borrowed */
    void (*close)(void *handle);
} peers_engine_t;

extern const peers_engine_t peers_engines[];
extern const size_t peers_n_engines;

/* Split 'text' into *out (words lowered: ASCII letters and digits and
 * every byte of a multibyte character; phrases between double quotes);
 * returns the parts found. Free with peers_query_free. */
size_t peers_query_parse(peers_query_t *out, const char *text);
void peers_query_free(peers_query_t *query);

/* The query in one engine's syntax into 'buf': 'or' between parts (NULL:
 * a blank), 'and' before each part (NULL: nothing), phrases quoted. */
void peers_query_format(char *buf, size_t size, const peers_query_t *query,
                        const char *or_word, const char *and_mark);

/* Frees the ids of 'hits' and empties it. */
void peers_hits_clear(peers_hits_t *hits);

/* CPU nanoseconds of process 'pid', every thread (/proc/PID/task/ * /schedstat). */
double peers_proc_cpu_ns(int pid);

#endif /* PEERS_ENGINES_H */
