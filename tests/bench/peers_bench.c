/* peers_bench.c - migsearch, Sphinx and PostgreSQL on the same queries, one client
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: peers_bench [OPTIONS] time QUERIES ROUNDS
 *        peers_bench [OPTIONS] rps QUERIES SECONDS THREADS
 *        peers_bench [OPTIONS] run ENGINE or|and QUERIES_TSV TAG
 *        peers_bench [OPTIONS] long QUERIES LENGTHS ROUNDS
 * OPTIONS: -i INDEX (migsearch), -s PORT -S PID (searchd's SphinxQL port
 * and process), -r RANKER (Sphinx's, default proximity_bm25), -p CONNINFO
 * (PostgreSQL), -e ENGINE (repeatable: only those; default every engine of
 * peers_engines.c).
 *
 * time  every query (one a line) against every engine, interleaved (for
 *       each query: each variant, each engine, in turning order), ROUNDS
 *       times after an untimed round; a variant is any-word (or) or
 *       all-words (and), with or without snippets, top 10; migsearch also
 *       with facets (its full answer). One line per engine and variant:
 *         time engine=E op=or snippets=1 facets=0 queries=N p50_us=X
 *         p99_us=Y cpu_us=Z hits=H snippet_bytes_per_hit=B
 *       cpu_us is the server's CPU a query (searchd's threads, the
 *       postgres backend; migsearch's own thread), from schedstat. Then
 *       the overlap of the top 10s (without snippets) of each pair:
 *         overlap op=or a=E1 b=E2 jaccard=J shared=S queries=N
 *       averaged over the queries where either finds something.
 * rps   THREADS threads, each with its own connection or handle, send the
 *       queries (any-word, top 10) for SECONDS, with and without snippets:
 *         rps engine=E snippets=1 threads=T requests=N rps=R errors=F
 * run   a TREC run (top 1000, no snippets) of "qid<TAB>text" lines.
 * long  each query (a line) all-words, top 1: with a snippet minus without
 *       is the snippet's cost, grouped by the body length of the hit
 *       (LENGTHS: "n<TAB>id<TAB>bytes" lines, peers_export's ids):
 *         long engine=E bucket=B docs=N snippet_us=X plain_us=Y
 * Exit status 0, 1 when an engine fails, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "peers_engines.h"

#define MAX_QUERIES 20000
#define MAX_ENGINES 8

typedef struct bench {
    peers_conf_t conf;
    const peers_engine_t *engine[MAX_ENGINES];
    size_t n_engines;
    char *qid[MAX_QUERIES];
    peers_query_t query[MAX_QUERIES];
    size_t n_queries;
} bench_t;

static double
now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The q-quantile of n sorted values. */
static double
quantile(double *v, size_t n, double q)
{
    size_t i;

    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i];
}

/* Lines of 'path' into b's queries; with 'tsv', "qid<TAB>text". Queries
 * without a word are left out. */
static void
read_queries(bench_t *b, const char *path, int tsv)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;

    if (f == NULL) {
        perror(path);
        exit(2);
    }
    while (b->n_queries < MAX_QUERIES && getline(&line, &cap, f) > 0) {
        char *text = line, *tab = strchr(line, '\t');

        line[strcspn(line, "\r\n")] = '\0';
        if (tsv && tab != NULL) {
            *tab = '\0';
            text = tab + 1;
        }
        if (peers_query_parse(&b->query[b->n_queries], text) == 0)
            continue;
        b->qid[b->n_queries++] = strdup(tsv ? line : "");
    }
    free(line);
    fclose(f);
}

static void *
open_or_die(const peers_engine_t *engine, const peers_conf_t *conf)
{
    void *h = engine->open(conf);

    if (h == NULL) {
        fprintf(stderr, "peers_bench: %s: cannot open\n", engine->name);
        exit(1);
    }
    return h;
}

/* One search, timed: wall and CPU microseconds into *wall, *cpu. */
static void
timed(const peers_engine_t *engine, void *h, const peers_query_t *q,
      const peers_ask_t *ask, peers_hits_t *hits, double *wall, double *cpu)
{
    double c0 = engine->cpu_ns(h), t0 = now_us(), t1;

    peers_hits_clear(hits);
    if (engine->search(h, q, ask, hits) != 0)
        exit(1);
    t1 = now_us();
    *wall = t1 - t0;
    *cpu = (engine->cpu_ns(h) - c0) / 1e3;
}

/* ---- time ---- */

typedef struct variant {
    peers_ask_t ask;
    int migsearch_only;
} variant_t;

/* With snippets migsearch answers as its server does (feedback on),
 * without them it gives its bare match (feedback off). */
static const variant_t variants[] = {
    {{0, 1, 1, 0, 10}, 0}, {{0, 0, 0, 0, 10}, 0}, {{1, 1, 1, 0, 10}, 0},
    {{1, 0, 0, 0, 10}, 0}, {{0, 1, 1, 1, 10}, 1},
};
#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))

typedef struct tally {
    double *wall;
    double cpu, hits, snippet_bytes;
    size_t n;
} tally_t;

/* The top 10 ids of one engine for one query, ' '-joined, for the overlap. */
static char *
join_ids(const peers_hits_t *hits)
{
    size_t len = 1;
    char *s;

    for (size_t i = 0; i < hits->n; i++)
        len += strlen(hits->id[i]) + 1;
    s = calloc(1, len);
    for (size_t i = 0; i < hits->n; i++) {
        strcat(s, hits->id[i]);
        strcat(s, " ");
    }
    return s;
}

/* |a and b| of two ' '-joined id lists into *shared, |a or b| returned. */
static size_t
union_of(const char *a, const char *b, size_t *shared)
{
    size_t na = 0, nb = 0, both = 0;
    char *copy = strdup(a), *save = NULL;

    for (char *t = strtok_r(copy, " ", &save); t != NULL;
         t = strtok_r(NULL, " ", &save)) {
        char key[1024];

        na++;
        snprintf(key, sizeof(key), " %s ", t);
        if (strstr(b, key + 1) == b || strstr(b, key) != NULL)
            both++;
    }
    free(copy);
    for (const char *p = b; *p != '\0'; p++)
        nb += *p == ' ';
    *shared = both;
    return na + nb - both;
}

static void
print_overlap(bench_t *b, char ***top, const char *op)
{
    for (size_t x = 0; x < b->n_engines; x++)
        for (size_t y = x + 1; y < b->n_engines; y++) {
            double jaccard = 0, shared = 0;
            size_t counted = 0;

            for (size_t q = 0; q < b->n_queries; q++) {
                size_t both, all = union_of(top[x][q], top[y][q], &both);

                if (all == 0)
                    continue;
                jaccard += (double)both / (double)all;
                shared += (double)both;
                counted++;
            }
            printf("overlap op=%s a=%s b=%s jaccard=%.3f shared=%.2f queries=%zu\n", op,
                   b->engine[x]->name, b->engine[y]->name,
                   counted ? jaccard / (double)counted : 0,
                   counted ? shared / (double)counted : 0, counted);
        }
}

static void
print_tally(const peers_engine_t *engine, const variant_t *v, tally_t *t)
{
    printf(
        "time engine=%s op=%s snippets=%d facets=%d queries=%zu p50_us=%.1f p99_us=%.1f "
        "cpu_us=%.1f hits=%.2f snippet_bytes_per_hit=%.0f\n",
        engine->name, v->ask.all_words ? "and" : "or", v->ask.snippets, v->ask.facets,
        t->n, quantile(t->wall, t->n, 0.5), quantile(t->wall, t->n, 0.99),
        t->n ? t->cpu / (double)t->n : 0, t->n ? t->hits / (double)t->n : 0,
        t->hits > 0 ? t->snippet_bytes / t->hits : 0);
}

static void
tally_add(tally_t *t, double wall, double cpu, const peers_hits_t *hits)
{
    t->wall[t->n++] = wall;
    t->cpu += cpu;
    t->hits += (double)hits->n;
    t->snippet_bytes += (double)hits->snippet_bytes;
}

static int
run_time(bench_t *b, long rounds)
{
    static tally_t tally[MAX_ENGINES][N_VARIANTS];
    void *h[MAX_ENGINES];
    char **top[2][MAX_ENGINES];
    peers_hits_t hits = {0};
    double wall, cpu;

    for (size_t e = 0; e < b->n_engines; e++) {
        h[e] = open_or_die(b->engine[e], &b->conf);
        for (size_t v = 0; v < N_VARIANTS; v++)
            tally[e][v].wall = calloc((size_t)rounds * b->n_queries, sizeof(double));
        top[0][e] = calloc(b->n_queries, sizeof(char *));
        top[1][e] = calloc(b->n_queries, sizeof(char *));
    }
    /* The order of the variants and of the engines turns with the query and
     * the round: the first search of a query pays for reading its terms, so
     * no variant or engine is always first. */
    for (long r = -1; r < rounds; r++)
        for (size_t q = 0; q < b->n_queries; q++)
            for (size_t i = 0; i < N_VARIANTS; i++)
                for (size_t j = 0; j < b->n_engines; j++) {
                    size_t turn = q + (size_t)(r + 1), v = (i + turn) % N_VARIANTS;
                    size_t e = (j + turn) % b->n_engines;

                    if (variants[v].migsearch_only &&
                        strcmp(b->engine[e]->name, "migsearch"))
                        continue;
                    timed(b->engine[e], h[e], &b->query[q], &variants[v].ask, &hits,
                          &wall, &cpu);
                    if (r < 0) { /* the warm-up: the answers, for the overlap */
                        if (!variants[v].ask.snippets)
                            top[variants[v].ask.all_words][e][q] = join_ids(&hits);
                        continue;
                    }
                    tally_add(&tally[e][v], wall, cpu, &hits);
                }
    for (size_t e = 0; e < b->n_engines; e++)
        for (size_t v = 0; v < N_VARIANTS; v++)
            if (tally[e][v].n > 0)
                print_tally(b->engine[e], &variants[v], &tally[e][v]);
    print_overlap(b, top[0], "or");
    print_overlap(b, top[1], "and");
    for (size_t e = 0; e < b->n_engines; e++) {
        printf("version engine=%s %s\n", b->engine[e]->name, b->engine[e]->version(h[e]));
        b->engine[e]->close(h[e]);
    }
    peers_hits_clear(&hits);
    return 0;
}

/* ---- rps ---- */

typedef struct worker {
    bench_t *b;
    const peers_engine_t *engine;
    peers_ask_t ask;
    double deadline_us;
    size_t start;
    long done, errors;
} worker_t;

static void *
worker_main(void *arg)
{
    worker_t *w = arg;
    peers_hits_t hits = {0};
    void *h;

    mysql_thread_init();
    h = open_or_die(w->engine, &w->b->conf);
    for (size_t q = w->start; now_us() < w->deadline_us; q = (q + 1) % w->b->n_queries) {
        peers_hits_clear(&hits);
        if (w->engine->search(h, &w->b->query[q], &w->ask, &hits) != 0)
            w->errors++;
        else
            w->done++;
    }
    peers_hits_clear(&hits);
    w->engine->close(h);
    mysql_thread_end();
    return NULL;
}

static int
run_rps(bench_t *b, double seconds, int threads)
{
    pthread_t tid[256];
    worker_t w[256];

    if (threads < 1 || threads > 256)
        return 2;
    for (size_t e = 0; e < b->n_engines; e++)
        for (int snippets = 1; snippets >= 0; snippets--) {
            long done = 0, errors = 0;
            double t0 = now_us();

            for (int i = 0; i < threads; i++) {
                w[i] = (worker_t){b,
                                  b->engine[e],
                                  {0, snippets, snippets, 0, 10},
                                  t0 + seconds * 1e6,
                                  (size_t)i * 7 % b->n_queries,
                                  0,
                                  0};
                pthread_create(&tid[i], NULL, worker_main, &w[i]);
            }
            for (int i = 0; i < threads; i++) {
                pthread_join(tid[i], NULL);
                done += w[i].done;
                errors += w[i].errors;
            }
            printf(
                "rps engine=%s snippets=%d threads=%d requests=%ld rps=%.1f errors=%ld\n",
                b->engine[e]->name, snippets, threads, done,
                (double)done / ((now_us() - t0) / 1e6), errors);
            fflush(stdout);
        }
    return 0;
}

/* ---- run ---- */

static int
run_trec(bench_t *b, const char *all, const char *tag)
{
    peers_ask_t ask = {strcmp(all, "and") == 0, 0, 1, 0, PEERS_MAX_HITS};
    peers_hits_t hits = {0};
    void *h = open_or_die(b->engine[0], &b->conf);

    for (size_t q = 0; q < b->n_queries; q++) {
        peers_hits_clear(&hits);
        if (b->engine[0]->search(h, &b->query[q], &ask, &hits) != 0)
            continue; /* scored 0, as relevance-run does with a refused query */
        for (size_t i = 0; i < hits.n; i++)
            printf("%s Q0 %s %zu %zu %s\n", b->qid[q], hits.id[i], i + 1, hits.n - i,
                   tag);
    }
    peers_hits_clear(&hits);
    b->engine[0]->close(h);
    return 0;
}

/* ---- long ---- */

static const struct {
    const char *name;
    size_t below;
} buckets[] = {
    {"<10KB", 10000},
    {"10-100KB", 100000},
    {"100KB-1MB", 1000000},
    {">=1MB", (size_t)-1},
};
#define N_BUCKETS (sizeof(buckets) / sizeof(buckets[0]))

/* The body length of document 'id' in the "n<TAB>id<TAB>bytes" file. */
static size_t
length_of(const char *lengths, const char *id)
{
    char key[1100];
    const char *p;

    snprintf(key, sizeof(key), "\t%s\t", id);
    p = strstr(lengths, key);
    return p != NULL ? strtoul(p + strlen(key), NULL, 10) : 0;
}

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s;
    long size;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (s = calloc(1, (size_t)size + 1)) == NULL ||
        fread(s, 1, (size_t)size, f) != (size_t)size) {
        perror(path);
        exit(2);
    }
    fclose(f);
    return s;
}

static int
run_long(bench_t *b, const char *lengths_path, long rounds)
{
    char *lengths = slurp(lengths_path);
    peers_hits_t hits = {0};

    for (size_t e = 0; e < b->n_engines; e++) {
        double snip[N_BUCKETS] = {0}, plain[N_BUCKETS] = {0};
        size_t n[N_BUCKETS] = {0};
        void *h = open_or_die(b->engine[e], &b->conf);

        for (size_t q = 0; q < b->n_queries; q++) {
            peers_ask_t with = {1, 1, 0, 0, 1}, without = {1, 0, 0, 0, 1};
            double best_with = 1e18, best_without = 1e18, wall, cpu;
            size_t len, k = 0;

            for (long r = 0; r <= rounds; r++) {
                timed(b->engine[e], h, &b->query[q], &with, &hits, &wall, &cpu);
                best_with = wall < best_with ? wall : best_with;
                timed(b->engine[e], h, &b->query[q], &without, &hits, &wall, &cpu);
                best_without = wall < best_without ? wall : best_without;
            }
            if (hits.n == 0)
                continue;
            len = length_of(lengths, hits.id[0]);
            while (len >= buckets[k].below)
                k++;
            snip[k] += best_with - best_without;
            plain[k] += best_without;
            n[k]++;
        }
        for (size_t k = 0; k < N_BUCKETS; k++)
            if (n[k] > 0)
                printf(
                    "long engine=%s bucket=%s docs=%zu snippet_us=%.1f plain_us=%.1f\n",
                    b->engine[e]->name, buckets[k].name, n[k], snip[k] / (double)n[k],
                    plain[k] / (double)n[k]);
        b->engine[e]->close(h);
    }
    peers_hits_clear(&hits);
    free(lengths);
    return 0;
}

static int
usage(void)
{
    fprintf(stderr,
            "usage: peers_bench [-i INDEX] [-s PORT -S PID] [-r RANKER] [-p CONNINFO]\n"
            "         [-e ENGINE]...\n"
            "         time QUERIES ROUNDS | rps QUERIES SECONDS THREADS |\n"
            "         run ENGINE or|and QUERIES_TSV TAG | long QUERIES LENGTHS ROUNDS\n");
    return 2;
}

static int
add_engine(bench_t *b, const char *name)
{
    for (size_t i = 0; i < peers_n_engines; i++)
        if (strcmp(peers_engines[i].name, name) == 0 && b->n_engines < MAX_ENGINES) {
            b->engine[b->n_engines++] = &peers_engines[i];
            return 0;
        }
    fprintf(stderr, "peers_bench: no engine '%s'\n", name);
    return -1;
}

int
main(int argc, char **argv)
{
    static bench_t b;
    int opt;

    while ((opt = getopt(argc, argv, "i:s:S:r:p:e:")) != -1) {
        switch (opt) {
        case 'i':
            b.conf.index = optarg;
            break;
        case 's':
            b.conf.sphinx_port = (unsigned)atoi(optarg);
            break;
        case 'S':
            b.conf.sphinx_pid = atoi(optarg);
            break;
        case 'r':
            b.conf.sphinx_ranker = optarg;
            break;
        case 'p':
            b.conf.pg_conninfo = optarg;
            break;
        case 'e':
            if (add_engine(&b, optarg) != 0)
                return 2;
            break;
        default:
            return usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1)
        return usage();
    if (strcmp(argv[0], "run") == 0 && argc == 5) {
        b.n_engines = 0;
        if (add_engine(&b, argv[1]) != 0)
            return 2;
        read_queries(&b, argv[3], 1);
        return run_trec(&b, argv[2], argv[4]);
    }
    if (b.n_engines == 0)
        for (size_t i = 0; i < peers_n_engines; i++)
            b.engine[b.n_engines++] = &peers_engines[i];
    if (mysql_library_init(0, NULL, NULL) != 0)
        return 1;
    if (b.n_queries == 0 && argc >= 2)
        read_queries(&b, argv[1], 0);
    if (b.n_queries == 0) {
        fprintf(stderr, "peers_bench: no query with a word\n");
        return 2;
    }
    if (strcmp(argv[0], "time") == 0 && argc == 3) {
        return run_time(&b, atol(argv[2]) > 0 ? atol(argv[2]) : 1);
    }
    if (strcmp(argv[0], "rps") == 0 && argc == 4) {
        return run_rps(&b, atof(argv[2]), atoi(argv[3]));
    }
    if (strcmp(argv[0], "long") == 0 && argc == 4) {
        return run_long(&b, argv[2], atol(argv[3]));
    }
    return usage();
}
