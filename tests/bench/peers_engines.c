/* peers_engines.c - migsearch in process, Sphinx over SphinxQL, PostgreSQL over libpq
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The engine table of peers_engines.h. The settings each peer is queried
 * with are written here once, and tests/bench/peers.sh quotes them in its
 * report:
 *   sphinx    SELECT mid[, SNIPPET(body, '<words>', 'limit=240',
 *             'limit_passages=3')] FROM docs WHERE MATCH('<query>') LIMIT n
 *             OPTION ranker=proximity_bm25 (the default; peers_conf_t may
 *             name another), field_weights=
 *             (title=3, body=1): a title word counts 3 times, as in
 *             migsearch (docs/index-schema.md); any-word is "a | b"
 *   postgres  websearch_to_tsquery('english', ...), ORDER BY ts_rank_cd
 *             with weights {D 0.1, C 0.2, B 0.4, A 0.3} (title A at 3
 *             times the body's D), ts_headline in an outer query over the
 *             top n only; any-word is "a or b"
 *   migsearch ms_index_search as the server asks it (language en, every
 *             language, 3 snippets of 240 characters, the feedback window
 *             of the shipped config); any-word is its default, all-words
 *             "+a +b"
 */
#define _POSIX_C_SOURCE 200809L
#include "peers_engines.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <mysql.h>

#include "ms_index.h"
#include "ms_limits.h"

/* ---- queries ---- */

static int
word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

size_t
peers_query_parse(peers_query_t *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    memset(out, 0, sizeof(*out));
    while (*p != '\0' && out->n < PEERS_MAX_PARTS) {
        char buf[512];
        size_t len = 0;
        int phrase = *p == '"';

        if (!phrase && !word_byte(*p)) {
            p++;
            continue;
        }
        if (phrase)
            p++;
        /* A phrase: words and single blanks up to the closing quote. */
        while (*p != '\0' && len + 2 < sizeof(buf) &&
               (phrase ? *p != '"' : word_byte(*p))) {
            if (word_byte(*p))
                buf[len++] = (char)tolower(*p);
            else if (len > 0 && buf[len - 1] != ' ')
                buf[len++] = ' ';
            p++;
        }
        if (phrase && *p == '"')
            p++;
        while (len > 0 && buf[len - 1] == ' ')
            len--;
        buf[len] = '\0';
        /* "or" is websearch_to_tsquery's operator: a stop word anyway. */
        if (len == 0 || strcmp(buf, "or") == 0)
            continue;
        out->phrase[out->n] = phrase && strchr(buf, ' ') != NULL;
        out->part[out->n++] = strdup(buf);
    }
    return out->n;
}

void
peers_query_free(peers_query_t *query)
{
    for (size_t i = 0; i < query->n; i++)
        free(query->part[i]);
    query->n = 0;
}

void
peers_query_format(char *buf, size_t size, const peers_query_t *query,
                   const char *or_word, const char *and_mark)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < query->n && len < size; i++) {
        const char *q = query->phrase[i] ? "\"" : "";

        len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s%s",
                                i == 0 ? "" : (or_word != NULL ? or_word : " "),
                                and_mark != NULL ? and_mark : "", q, query->part[i], q);
    }
}

void
peers_hits_clear(peers_hits_t *hits)
{
    for (size_t i = 0; i < hits->n; i++)
        free(hits->id[i]);
    hits->n = 0;
    hits->snippet_bytes = 0;
}

/* The first field of a schedstat file: nanoseconds on a CPU. */
static double
schedstat_ns(const char *path)
{
    FILE *f = fopen(path, "r");
    double ns = 0;

    if (f != NULL) {
        if (fscanf(f, "%lf", &ns) != 1)
            ns = 0;
        fclose(f);
    }
    return ns;
}

double
peers_proc_cpu_ns(int pid)
{
    char path[320];
    struct dirent *e;
    DIR *d;
    double ns = 0;

    snprintf(path, sizeof(path), "/proc/%d/task", pid);
    d = opendir(path);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", pid, e->d_name);
        ns += schedstat_ns(path);
    }
    closedir(d);
    return ns;
}

/* ---- migsearch, in process ---- */

typedef struct ms_engine {
    ms_index_t *idx;
    peers_hits_t hits;
} ms_engine_t;

static void *
ms_open(const peers_conf_t *conf)
{
    ms_engine_t *e = calloc(1, sizeof(*e));
    ms_index_error_t err;

    if (e == NULL ||
        ms_index_open(&e->idx, conf->index, MS_INDEX_READ, &err) != MS_INDEX_OK) {
        fprintf(stderr, "migsearch: %s: %s\n", conf->index,
                e != NULL ? err.text : "no memory");
        free(e);
        return NULL;
    }
    return e;
}

static int
ms_search(void *handle, const peers_query_t *query, const peers_ask_t *ask,
          peers_hits_t *out)
{
    ms_engine_t *e = handle;
    ms_results_t *results = NULL;
    ms_search_t search;
    char text[4096];

    peers_query_format(text, sizeof(text), query, NULL, ask->all_words ? "+" : NULL);
    memset(&search, 0, sizeof(search));
    search.query = text;
    search.language = "en";
    search.every_language = 1;
    search.limit = ask->limit;
    search.snippet_length = ask->snippets ? 240 : 0;
    search.max_snippets = 3;
    search.no_feedback = !ask->feedback;
    search.feedback_window = MS_LIMIT_FEEDBACK_WINDOW;
    search.facets = ask->facets;
    search.time_budget_ms = 3600 * 1000;
    if (ms_index_search(&results, e->idx, &search) != MS_INDEX_OK) {
        fprintf(stderr, "migsearch: '%s': %s\n", text, ms_index_errmsg(e->idx));
        return -1;
    }
    for (size_t i = 0; i < results->n_hits && out->n < PEERS_MAX_HITS; i++) {
        const ms_hit_t *hit = &results->hits[i];

        out->id[out->n++] = strdup(hit->doc.id);
        for (size_t s = 0; s < hit->n_snippets; s++)
            out->snippet_bytes += strlen(hit->snippets[s].html);
    }
    ms_results_free(results);
    return 0;
}

static double
ms_cpu_ns(void *handle)
{
    struct timespec t;

    (void)handle;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static const char *
ms_version(void *handle)
{
    (void)handle;
    return "the shim of this tree";
}

static void
ms_close(void *handle)
{
    ms_engine_t *e = handle;

    if (e != NULL)
        ms_index_close(e->idx);
    free(e);
}

/* ---- Sphinx, SphinxQL over the MySQL protocol ---- */

typedef struct sphinx_engine {
    MYSQL *conn;
    int pid;
    const char *ranker;
} sphinx_engine_t;

static void *
sphinx_open(const peers_conf_t *conf)
{
    sphinx_engine_t *e = calloc(1, sizeof(*e));

    if (e == NULL)
        return NULL;
    e->pid = conf->sphinx_pid;
    e->ranker = conf->sphinx_ranker != NULL ? conf->sphinx_ranker : "proximity_bm25";
    e->conn = mysql_init(NULL);
    /* A server that stops answering fails the run rather than hangs it. */
    if (e->conn != NULL) {
        unsigned timeout = 60;

        mysql_options(e->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        mysql_options(e->conn, MYSQL_OPT_READ_TIMEOUT, &timeout);
        mysql_options(e->conn, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
    }
    if (e->conn == NULL || mysql_real_connect(e->conn, "127.0.0.1", "", "", NULL,
                                              conf->sphinx_port, NULL, 0) == NULL) {
        fprintf(stderr, "sphinx: %s\n",
                e->conn != NULL ? mysql_error(e->conn) : "no memory");
        if (e->conn != NULL)
            mysql_close(e->conn);
        free(e);
        return NULL;
    }
    return e;
}

static int
sphinx_search(void *handle, const peers_query_t *query, const peers_ask_t *ask,
              peers_hits_t *out)
{
    sphinx_engine_t *e = handle;
    char match[4096], words[4096], sql[16384], snippet[512] = "";
    MYSQL_RES *res;
    MYSQL_ROW row;

    peers_query_format(match, sizeof(match), query, ask->all_words ? NULL : " | ", NULL);
    if (ask->snippets) {
        peers_query_format(words, sizeof(words), query, NULL, NULL);
        /* Words only: quotes are not needed to highlight. */
        for (char *p = words; *p != '\0'; p++)
            if (*p == '"')
                *p = ' ';
        snprintf(snippet, sizeof(snippet),
                 ", SNIPPET(body, '%.400s', 'limit=240', 'limit_passages=3')", words);
    }
    snprintf(sql, sizeof(sql),
             "SELECT mid%s FROM docs WHERE MATCH('%s') LIMIT %u OPTION "
             "ranker=%s, field_weights=(title=3, body=1), max_matches=%u",
             snippet, match, ask->limit, e->ranker,
             ask->limit < 1000 ? 1000 : ask->limit);
    if (mysql_query(e->conn, sql) != 0 || (res = mysql_store_result(e->conn)) == NULL) {
        fprintf(stderr, "sphinx: %s: %s\n", sql, mysql_error(e->conn));
        return -1;
    }
    while ((row = mysql_fetch_row(res)) != NULL && out->n < PEERS_MAX_HITS) {
        out->id[out->n++] = strdup(row[0]);
        if (ask->snippets && row[1] != NULL)
            out->snippet_bytes += strlen(row[1]);
    }
    mysql_free_result(res);
    return 0;
}

static double
sphinx_cpu_ns(void *handle)
{
    return peers_proc_cpu_ns(((sphinx_engine_t *)handle)->pid);
}

static const char *
sphinx_version(void *handle)
{
    return mysql_get_server_info(((sphinx_engine_t *)handle)->conn);
}

static void
sphinx_close(void *handle)
{
    sphinx_engine_t *e = handle;

    if (e != NULL)
        mysql_close(e->conn);
    free(e);
}

/* ---- PostgreSQL ---- */

#define PG_RANK "ts_rank_cd('{0.1, 0.2, 0.4, 0.3}', tsv, q)"
#define PG_MATCH                                                                         \
    "SELECT id, n, body, q, " PG_RANK                                                    \
    " AS r FROM docs, websearch_to_tsquery('english', "                                  \
    "$1) AS q WHERE tsv @@ q ORDER BY r DESC, n LIMIT $2::int"

typedef struct pg_engine {
    PGconn *conn;
    int pid;
    char version[64];
} pg_engine_t;

static void *
pg_open(const peers_conf_t *conf)
{
    pg_engine_t *e = calloc(1, sizeof(*e));
    PGresult *r1 = NULL, *r2 = NULL;

    if (e == NULL)
        return NULL;
    e->conn = PQconnectdb(conf->pg_conninfo);
    if (PQstatus(e->conn) != CONNECTION_OK)
        goto fail;
    r1 = PQprepare(e->conn, "plain", "SELECT id FROM (" PG_MATCH ") t ORDER BY r DESC, n",
                   0, NULL);
    if (PQresultStatus(r1) != PGRES_COMMAND_OK)
        goto fail;
    r2 = PQprepare(e->conn, "snippets",
                   "SELECT id, ts_headline('english', body, q, 'MaxFragments=3, "
                   "MaxWords=35, MinWords=15') FROM (" PG_MATCH ") t ORDER BY r DESC, n",
                   0, NULL);
    if (PQresultStatus(r2) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(r1);
    PQclear(r2);
    e->pid = PQbackendPID(e->conn);
    snprintf(e->version, sizeof(e->version), "%d", PQserverVersion(e->conn));
    return e;
fail:
    fprintf(stderr, "postgres: %s", PQerrorMessage(e->conn));
    PQclear(r1);
    PQclear(r2);
    PQfinish(e->conn);
    free(e);
    return NULL;
}

static int
pg_search(void *handle, const peers_query_t *query, const peers_ask_t *ask,
          peers_hits_t *out)
{
    pg_engine_t *e = handle;
    char text[4096], limit[16];
    const char *params[2] = {text, limit};
    PGresult *res;
    int rows;

    peers_query_format(text, sizeof(text), query, ask->all_words ? NULL : " or ", NULL);
    snprintf(limit, sizeof(limit), "%u", ask->limit);
    res = PQexecPrepared(e->conn, ask->snippets ? "snippets" : "plain", 2, params, NULL,
                         NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "postgres: '%s': %s", text, PQerrorMessage(e->conn));
        PQclear(res);
        return -1;
    }
    rows = PQntuples(res);
    for (int i = 0; i < rows && out->n < PEERS_MAX_HITS; i++) {
        out->id[out->n++] = strdup(PQgetvalue(res, i, 0));
        if (ask->snippets)
            out->snippet_bytes += strlen(PQgetvalue(res, i, 1));
    }
    PQclear(res);
    return 0;
}

static double
pg_cpu_ns(void *handle)
{
    return peers_proc_cpu_ns(((pg_engine_t *)handle)->pid);
}

static const char *
pg_version(void *handle)
{
    return ((pg_engine_t *)handle)->version;
}

static void
pg_close(void *handle)
{
    pg_engine_t *e = handle;

    if (e != NULL)
        PQfinish(e->conn);
    free(e);
}

const peers_engine_t peers_engines[] = {
    {"migsearch", ms_open, ms_search, ms_cpu_ns, ms_version, ms_close},
    {"sphinx", sphinx_open, sphinx_search, sphinx_cpu_ns, sphinx_version, sphinx_close},
    {"postgres", pg_open, pg_search, pg_cpu_ns, pg_version, pg_close},
};
const size_t peers_n_engines = sizeof(peers_engines) / sizeof(peers_engines[0]);
