/* fts5_bench.c - migsearch's queries over the same documents in SQLite FTS5 (bm25)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: fts5_bench [--top FILE] DB ROOT QUERIES SECONDS < FILES
 *   DB       the database file to create (an existing one is replaced)
 *   ROOT     the archive folder; FILES, one a line on standard input, are
 *            paths relative to it ("./a/b.md" or "a/b.md")
 *   QUERIES  one query a line, the list raw_xapian and wrk rotate through
 *   SECONDS  run the list over and over for at least this long
 *   --top    also write each query's ten ids to FILE, one line a query:
 *            the query, a tab, the ids separated by spaces
 * Prints three lines:
 *   "docs N skipped K load_s X db_bytes Y"
 *   "queries N cpu_us_per_query X wall_us_per_query Y qps_per_core Z
 *    p50_us A p99_us B mean_us C hits_per_query H snippet_bytes_per_hit S
 *    bytes B", the requests as described below
 *   "ranking_only_queries N ..." the same fields for the same queries
 *    without the snippet, another SECONDS long: what bm25 ranking costs
 * Percentiles are of each query's wall time, nearest rank.
 *
 * Part 4 of issue 7, built by tests/bench/peer-fts5.sh with cc -O2 -lsqlite3.
 * It is the peer of raw_xapian.cc: one thread, no server, each query
 * answered as a search engine answers one request.
 *
 * Documents. Only .md and .txt files are read (the others are counted as
 * skipped): FTS5 has no extractor, and those are the only kinds in the
 * large corpus. Id and title follow docs/staff.md, simplified: the front
 * matter's "id:" and "title:" when the file has them, else the id derived
 * from the path and, for Markdown, the first "# " heading, for text the
 * first non-empty line. migsearch's splitting of recommendation sets into
 * one document a recommendation is not repeated, so ids of those differ.
 *
 * The database is a file, not ":memory:": Xapian's index is files read
 * through the page cache, and a file database is read the same way, has a
 * size to report and is what a server would open. It is loaded in one
 * transaction with SQLite's default durability (one sync at the commit,
 * as migsearch-index commits once) and then merged into one b-tree with
 * FTS5's 'optimize', the state a finished index is served in.
 *
 * Queries. The words of the query (runs of letters, digits and non-ASCII
 * bytes) are each quoted, so user text cannot be an FTS5 syntax error;
 * words inside double quotes stay together as one phrase, as migsearch's
 * parser reads them; all are joined with OR, migsearch's default operator.
 * Ranking is bm25() with the title column weighted 3, as migsearch counts
 * title words 3 times. A request reads id, title and one snippet() of up to
 * 40 tokens of the body (about 240 characters on these texts: the mean is
 * printed) for each of the 10 best hits. migsearch makes up to 3 snippets of
 * 240 characters; FTS5's snippet() gives one passage a column per call.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define HITS 10
#define SNIPPET_TOKENS 40
#define TITLE_MAX 200
#define MAX_FILE_BYTES (64u << 20)
#define MAX_QUERY_BYTES 4096

static const char SEARCH_SQL[] =
    "SELECT id, title, snippet(docs, 2, '<mark>', '</mark>', '\xe2\x80\xa6', 40) "
    "FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT 10";
/* The same without the snippet, to show what the ranking alone costs. */
static const char RANK_SQL[] =
    "SELECT id, title, '' "
    "FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT 10";

struct stats {
    unsigned long hits;
    unsigned long snippet_bytes;
};

static double
now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted array 'v' of 'n' values. */
static double
percentile(const double *v, size_t n, double p)
{
    size_t rank = (size_t)(p * n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

/* The whole file in a NUL-terminated malloc'ed buffer the caller frees, or
 * NULL if it cannot be read or is larger than MAX_FILE_BYTES. */
static char *
read_file(const char *path, size_t *out_len)
{
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f)
        goto out;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 ||
        (unsigned long long)st.st_size > MAX_FILE_BYTES)
        goto out;
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        goto out;
    *out_len = fread(buf, 1, (size_t)st.st_size, f);
    buf[*out_len] = '\0';
out:
    if (f)
        fclose(f);
    return buf;
}

/* Copy [begin, end) trimmed of spaces and one pair of quotes into 'out' (of
 * 'size' bytes), cut at a UTF-8 boundary below TITLE_MAX bytes. */
static void
copy_value(char *out, size_t size, const char *begin, const char *end)
{
    while (begin < end && (*begin == ' ' || *begin == '\t' || *begin == '#'))
        begin++;
    while (end > begin && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    if (end - begin >= 2 && (*begin == '"' || *begin == '\'') && end[-1] == *begin) {
        begin++;
        end--;
    }
    size_t n = (size_t)(end - begin);
    if (n > TITLE_MAX)
        n = TITLE_MAX;
    if (n > size - 1)
        n = size - 1;
    while (n > 0 && n < (size_t)(end - begin) && ((unsigned char)begin[n] & 0xc0) == 0x80)
        n--;
    memcpy(out, begin, n);
    out[n] = '\0';
}

/* The id docs/staff.md derives from a path: no extension, '/' as '.', and
 * spaces, control characters and ? # % " ' < > \ as '-'. */
static void
path_id(char *out, size_t size, const char *path)
{
    if (strncmp(path, "./", 2) == 0)
        path += 2;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    size_t n =
        dot && dot != (slash ? slash + 1 : path) ? (size_t)(dot - path) : strlen(path);
    if (n > size - 1)
        n = size - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '/')
            c = '.';
        else if (c <= ' ' || c == 0x7f || strchr("?#%\"'<>\\", c))
            c = '-';
        out[i] = (char)c;
    }
    out[n] = '\0';
}

/* Fill id, title and the body's start from 'text' (the file at 'path'). */
static void
parse_document(const char *path, char *text, char *id, size_t id_size, char *title,
               size_t title_size, const char **out_body)
{
    int markdown = strlen(path) > 3 && strcmp(path + strlen(path) - 3, ".md") == 0;
    const char *body = text;
    id[0] = title[0] = '\0';
    if (strncmp(text, "---\n", 4) == 0 || strncmp(text, "---\r\n", 5) == 0) {
        const char *line = strchr(text, '\n') + 1;
        while (*line) {
            const char *end = strchr(line, '\n');
            const char *next = end ? end + 1 : line + strlen(line);
            if (!end)
                end = next;
            if (strncmp(line, "---", 3) == 0 || strncmp(line, "...", 3) == 0) {
                body = next;
                break;
            }
            if (strncmp(line, "id:", 3) == 0)
                copy_value(id, id_size, line + 3, end);
            else if (strncmp(line, "title:", 6) == 0)
                copy_value(title, title_size, line + 6, end);
            line = next;
        }
    }
    if (!id[0])
        path_id(id, id_size, path);
    int in_code = 0;
    for (const char *line = body; !title[0] && *line;) {
        const char *end = strchr(line, '\n');
        const char *next = end ? end + 1 : line + strlen(line);
        if (!end)
            end = next;
        if (markdown && strncmp(line, "```", 3) == 0)
            in_code = !in_code;
        else if (markdown && !in_code && strncmp(line, "# ", 2) == 0)
            copy_value(title, title_size, line + 2, end);
        else if (!markdown && strspn(line, " \t\r") < (size_t)(end - line))
            copy_value(title, title_size, line, end);
        line = next;
    }
    if (!title[0]) {
        const char *base = strrchr(path, '/');
        copy_value(title, title_size, base ? base + 1 : path, path + strlen(path));
        char *dot = strrchr(title, '.');
        if (dot && dot != title)
            *dot = '\0';
    }
    *out_body = body;
}

static int
exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fprintf(stderr, "fts5_bench: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    return rc;
}

/* Create the table at 'db' and load the files listed on standard input. */
static int
load(sqlite3 *db, const char *root, unsigned long *out_docs, unsigned long *out_skipped)
{
    sqlite3_stmt *insert = NULL;
    char *line = NULL, *text = NULL;
    size_t cap = 0;
    int rc = exec(db, "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                      "tokenize = 'porter unicode61')");
    if (rc != SQLITE_OK)
        goto out;
    if ((rc = exec(db, "BEGIN")) != SQLITE_OK)
        goto out;
    rc = sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, body) VALUES (?1, ?2, ?3)",
                            -1, &insert, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "fts5_bench: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    for (ssize_t n; (n = getline(&line, &cap, stdin)) > 0;) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        size_t len = strlen(line);
        if (len < 4 ||
            (strcmp(line + len - 3, ".md") != 0 && strcmp(line + len - 4, ".txt") != 0)) {
            (*out_skipped)++;
            continue;
        }
        char path[4096], id[256], title[TITLE_MAX + 1];
        const char *body;
        size_t bytes;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", root, line) >= sizeof path ||
            !(text = read_file(path, &bytes))) {
            fprintf(stderr, "fts5_bench: cannot read %s\n", path);
            (*out_skipped)++;
            continue;
        }
        parse_document(line, text, id, sizeof id, title, sizeof title, &body);
        sqlite3_bind_text(insert, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 2, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, body, (int)(bytes - (size_t)(body - text)),
                          SQLITE_STATIC);
        rc = sqlite3_step(insert);
        sqlite3_reset(insert);
        free(text);
        text = NULL;
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "fts5_bench: insert %s: %s\n", path, sqlite3_errmsg(db));
            goto out;
        }
        (*out_docs)++;
    }
    if ((rc = exec(db, "COMMIT")) != SQLITE_OK)
        goto out;
    rc = exec(db, "INSERT INTO docs(docs) VALUES ('optimize')");
out:
    sqlite3_finalize(insert);
    free(text);
    free(line);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The FTS5 expression for the user's 'text' in 'out' (of 'size' bytes):
 * each word quoted, a double-quoted run of words kept as one phrase, all
 * joined with OR. Empty when the text has no word. */
static void
match_expression(char *out, size_t size, const char *text)
{
    size_t len = 0;
    int in_phrase = 0, phrase_open = 0, in_word = 0;
    for (const unsigned char *p = (const unsigned char *)text;; p++) {
        int word = *p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= 'A' && *p <= 'Z');
        /* Room for this byte, " OR ", two quotes and the NUL; a longer
         * query is cut there, whatever it is in. */
        if (len + 8 >= size) {
            if (in_word || phrase_open)
                out[len++] = '"';
            break;
        }
        if (word && !in_word) {
            if (phrase_open) {
                out[len++] = ' ';
            } else {
                if (len > 0) {
                    memcpy(out + len, " OR ", 4);
                    len += 4;
                }
                out[len++] = '"';
                phrase_open = in_phrase;
            }
        } else if (!word && in_word && !in_phrase) {
            out[len++] = '"';
        }
        in_word = word;
        if (word)
            out[len++] = (char)*p;
        if (*p == '"') {
            if (phrase_open)
                out[len++] = '"';
            phrase_open = 0;
            in_phrase = !in_phrase;
        }
        if (*p == '\0') {
            if (phrase_open)
                out[len++] = '"';
            break;
        }
    }
    out[len] = '\0';
}

/* One request: returns bytes of output, so the work cannot be skipped. If
 * 'top' is not NULL, the hits' ids go to it after the query. */
static size_t
search(sqlite3_stmt *stmt, const char *text, struct stats *stats, FILE *top)
{
    char expression[MAX_QUERY_BYTES];
    size_t bytes = 0;
    int first = 1;
    match_expression(expression, sizeof expression, text);
    if (top)
        fprintf(top, "%s\t", text);
    if (expression[0]) {
        sqlite3_bind_text(stmt, 1, expression, -1, SQLITE_STATIC);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(stmt, 0);
            bytes += (size_t)sqlite3_column_bytes(stmt, 0);
            bytes += (size_t)sqlite3_column_bytes(stmt, 1);
            size_t snippet = (size_t)sqlite3_column_bytes(stmt, 2);
            bytes += snippet;
            stats->hits++;
            stats->snippet_bytes += snippet;
            if (top)
                fprintf(top, "%s%s", first ? "" : " ", id ? id : "");
            first = 0;
        }
        sqlite3_reset(stmt);
    }
    if (top)
        fputc('\n', top);
    return bytes;
}

/* Run the 'n' queries over and over with 'stmt' for at least 'seconds' and
 * print their figures on one line starting with 'label'. */
static int
run(sqlite3_stmt *stmt, char **queries, size_t n, double seconds, const char *label)
{
    struct stats stats = {0, 0};
    size_t bytes = 0, ntimes = 0, cap = 0;
    double *times = NULL, sum = 0;
    double wall0 = now(CLOCK_MONOTONIC), cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
    do {
        for (size_t i = 0; i < n; i++) {
            if (ntimes == cap) {
                cap = cap ? cap * 2 : 4096;
                double *grown = realloc(times, cap * sizeof *times);
                if (!grown) {
                    free(times);
                    return -1;
                }
                times = grown;
            }
            double t0 = now(CLOCK_MONOTONIC);
            bytes += search(stmt, queries[i], &stats, NULL);
            times[ntimes++] = now(CLOCK_MONOTONIC) - t0;
        }
    } while (now(CLOCK_MONOTONIC) - wall0 < seconds);
    double wall = now(CLOCK_MONOTONIC) - wall0;
    double cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    for (size_t i = 0; i < ntimes; i++)
        sum += times[i];
    qsort(times, ntimes, sizeof *times, compare_double);
    printf("%s %zu cpu_us_per_query %.1f wall_us_per_query %.1f qps_per_core %.0f "
           "p50_us %.1f p99_us %.1f mean_us %.1f hits_per_query %.2f "
           "snippet_bytes_per_hit %.0f bytes %zu\n",
           label, ntimes, cpu / ntimes * 1e6, wall / ntimes * 1e6, ntimes / cpu,
           percentile(times, ntimes, 0.50) * 1e6, percentile(times, ntimes, 0.99) * 1e6,
           sum / ntimes * 1e6, (double)stats.hits / ntimes,
           stats.hits ? (double)stats.snippet_bytes / stats.hits : 0.0, bytes);
    fflush(stdout);
    free(times);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *top_path = NULL;
    if (argc > 2 && strcmp(argv[1], "--top") == 0) {
        top_path = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc != 5) {
        fprintf(stderr,
                "usage: fts5_bench [--top FILE] DB ROOT QUERIES SECONDS < FILES\n");
        return 2;
    }
    const char *db_path = argv[1], *root = argv[2];
    double seconds = atof(argv[4]);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    char **queries = NULL;
    size_t nqueries = 0, cap = 0;
    int status = 1;

    FILE *in = fopen(argv[3], "r");
    if (!in) {
        fprintf(stderr, "fts5_bench: %s: %s\n", argv[3], strerror(errno));
        return 2;
    }
    char *line = NULL;
    size_t line_cap = 0;
    for (ssize_t n; (n = getline(&line, &line_cap, in)) > 0;) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (nqueries == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(queries, cap * sizeof *queries);
            if (!grown)
                abort();
            queries = grown;
        }
        if (!(queries[nqueries++] = strdup(line)))
            abort();
    }
    free(line);
    fclose(in);
    if (nqueries == 0) {
        fprintf(stderr, "fts5_bench: no queries in %s\n", argv[3]);
        status = 2;
        goto out;
    }

    unlink(db_path);
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        fprintf(stderr, "fts5_bench: %s: %s\n", db_path, sqlite3_errmsg(db));
        goto out;
    }
    unsigned long docs = 0, skipped = 0;
    double load0 = now(CLOCK_MONOTONIC);
    if (load(db, root, &docs, &skipped) != SQLITE_OK)
        goto out;
    double load_s = now(CLOCK_MONOTONIC) - load0;
    struct stat st;
    if (stat(db_path, &st) != 0) {
        fprintf(stderr, "fts5_bench: %s: %s\n", db_path, strerror(errno));
        goto out;
    }
    printf("docs %lu skipped %lu load_s %.2f db_bytes %lld\n", docs, skipped, load_s,
           (long long)st.st_size);
    fflush(stdout);

    if (sqlite3_prepare_v2(db, SEARCH_SQL, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_bench: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    struct stats warm = {0, 0};
    /* One warm-up pass, as raw_xapian makes; it writes the ids if asked. */
    FILE *top = top_path ? fopen(top_path, "w") : NULL;
    if (top_path && !top) {
        fprintf(stderr, "fts5_bench: %s: %s\n", top_path, strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < nqueries; i++)
        search(stmt, queries[i], &warm, top);
    if (top)
        fclose(top);

    if (run(stmt, queries, nqueries, seconds, "queries") != 0)
        goto out;
    sqlite3_finalize(stmt);
    stmt = NULL;
    if (sqlite3_prepare_v2(db, RANK_SQL, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_bench: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    for (size_t i = 0; i < nqueries; i++)
        search(stmt, queries[i], &warm, NULL);
    if (run(stmt, queries, nqueries, seconds, "ranking_only_queries") != 0)
        goto out;
    status = 0;
out:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    for (size_t i = 0; i < nqueries; i++)
        free(queries[i]);
    free(queries);
    return status;
}
