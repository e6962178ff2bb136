/* test_ops.c - migsearch-fcgi run for real: signals, reindexing, descriptors
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test starts its own index, migsearch-fcgi and nginx (harness.h) and
 * drives them the way production does: load from concurrent clients while
 * the server is signalled, the indexer commits, or descriptors run out.
 * "ok" below always means a 2xx answer with a complete JSON body.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARCHIVE MS_TEST_DATA "/archive"
/* Long documents (../shared, read in place): what server threads keep. */
#define TREATIES MS_SOURCE_DIR "/../shared/data/corpus/treaties"

static ms_it_t it;
static char work[64]; /* a directory of the test's own, or "" */

static void
stop(void)
{
    ms_it_stop(&it);
    ms_it_remove_tree(work);
}

TestSuite(ops, .fini = stop, .timeout = 60);

static long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait up to 'timeout_ms' for the server to exit by itself; returns the
 * milliseconds it took, or -1 (it is then killed). */
static long
wait_exit(pid_t pid, long timeout_ms, int *status)
{
    long start = now_ms();
    while (now_ms() - start < timeout_ms) {
        if (waitpid(pid, status, WNOHANG) == pid) {
            it.fcgi_pid = 0;
            return now_ms() - start;
        }
        sleep_ms(5);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    it.fcgi_pid = 0;
    return -1;
}

/* Wait up to 'timeout_ms' until the server's log holds 'needle' at least
 * 'count' times. */
static bool
wait_log(const char *needle, unsigned count, long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    while (ms_it_fcgi_log_count(&it, needle) < count) {
        if (now_ms() > deadline)
            return false;
        sleep_ms(20);
    }
    return true;
}

static bool
file_contains(const char *path, const char *needle)
{
    char line[4096];
    bool found = false;
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

/* Threads of process 'pid' according to /proc. */
static int
thread_count(pid_t pid)
{
    char path[64], line[256];
    int threads = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot read %s", path);
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    fclose(f);
    return threads;
}

/* The descriptors 'pid' has open (its /proc/PID/fd entries). */
static int
fd_count(pid_t pid)
{
    char path[64];
    int n = 0;
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    cr_assert(dir, "cannot read %s", path);
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

/* Length of "results" of GET 'target', which must answer 200. */
static size_t
result_count(const char *target)
{
    ms_http_t res;
    ms_it_get(&res, &it, target);
    cr_assert_eq(res.status, 200, "%s: status %ld: %s", target, res.status, res.body);
    json_t *results = json_object_get(res.json, "results");
    cr_assert(json_is_array(results), "%s: no results array: %s", target, res.body);
    size_t n = json_array_size(results);
    ms_http_free(&res);
    return n;
}

/* total.estimate of GET /search?q='word'. */
static long
total_for(const char *word)
{
    char target[128];
    ms_http_t res;
    snprintf(target, sizeof(target), "/search?q=%s", word);
    ms_it_get(&res, &it, target);
    cr_assert_eq(res.status, 200, "%s: status %ld: %s", target, res.status, res.body);
    json_t *estimate = json_object_get(json_object_get(res.json, "total"), "estimate");
    cr_assert(json_is_integer(estimate), "%s: no total.estimate: %s", target, res.body);
    long n = (long)json_integer_value(estimate);
    ms_http_free(&res);
    return n;
}

static void
assert_load_clean(const ms_it_load_stats_t *s, const char *what)
{
    cr_assert_gt(s->ok, 0, "%s: no request succeeded", what);
    cr_assert_eq(s->transfer_errors, 0, "%s: %lu transfer errors; first: %s", what,
                 s->transfer_errors, s->first_failure);
    cr_assert_eq(s->bad_bodies, 0, "%s: %lu incomplete bodies; first: %s", what,
                 s->bad_bodies, s->first_failure);
    cr_assert_eq(s->non_2xx, 0, "%s: %lu non-2xx answers; first: %s", what, s->non_2xx,
                 s->first_failure);
}

/* Searches that take a while under the sanitizers (about 0.1 s each). */
static const char *const slow_searches[] = {
    "/search?q=migration&per_page=100",
    "/search?q=trafficking+OR+remittances&per_page=100", "/search?q=return&per_page=100",
    NULL};

/* SIGTERM while clients keep searching: every request that got an answer
 * from migsearch-fcgi got all of it; the rest got nginx's 502 after the
 * socket was gone, never a cut connection. */
Test(ops, sigterm_finishes_requests_in_flight)
{
    ms_it_load_stats_t s;
    int status = 0;
    char errlog[256];
    struct stat st;

    ms_it_start(&it, ARCHIVE, MS_IT_NO_KEPT_ANSWERS);
    ms_it_load_t *load = ms_it_load_start(&it, 8, slow_searches, NULL);
    long deadline = now_ms() + 15000;
    do {
        sleep_ms(50);
        ms_it_load_peek(load, &s);
    } while (s.ok < 24 && now_ms() < deadline);
    cr_assert_geq(s.ok, 24, "the load did not get going: %s", s.first_failure);

    ms_it_load_mark(load);
    long took = ms_it_stop_fcgi(&it, 2000, &status);
    sleep_ms(300); /* let the clients meet the stopped server */
    ms_it_load_stop(load, &s);

    cr_assert(took >= 0, "migsearch-fcgi did not exit within 2 s of SIGTERM");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "migsearch-fcgi did not exit with status 0 (wait status %#x)", status);
    cr_assert(lstat(it.socket, &st) != 0 && errno == ENOENT,
              "the socket was not removed");
    cr_assert(ms_it_fcgi_log_contains(&it, "stopped"));

    cr_assert_eq(s.transfer_errors, 0, "%lu transfer errors; first: %s",
                 s.transfer_errors, s.first_failure);
    cr_assert_eq(s.bad_bodies, 0, "%lu truncated bodies; first: %s", s.bad_bodies,
                 s.first_failure);
    cr_assert_eq(s.non_2xx_before_mark, 0, "failures before SIGTERM; first: %s",
                 s.first_failure);
    cr_assert_eq(s.non_2xx_other, 0, "answers other than 200 and 502; first: %s",
                 s.first_failure);
    cr_assert_gt(s.spanning_ok, 0, "no request was in flight at SIGTERM");

    /* nginx saw no connection cut: only connect() failures, after the
     * socket was removed. */
    snprintf(errlog, sizeof(errlog), "%s/nginx/error.log", it.dir);
    cr_assert_not(file_contains(errlog, "prematurely closed"),
                  "a response was cut (see %s)", errlog);
    cr_assert_not(file_contains(errlog, "reset by peer"), "a connection was reset");
}

/* The body of /search at 'target', without took_ms, keys sorted, as a
 * malloc'd string. */
static char *
search_answer(const char *target)
{
    ms_http_t res;
    json_t *json = ms_it_get_json(&res, &it, target);
    cr_assert_eq(res.status, 200, "%s: %s", target, res.body);
    cr_assert_not_null(json, "%s", target);
    cr_assert_eq(json_object_del(json, "took_ms"), 0, "%s: no took_ms", target);
    char *text = json_dumps(json, JSON_SORT_KEYS | JSON_COMPACT);
    cr_assert_not_null(text);
    ms_http_free(&res);
    return text;
}

/* search.cache_mb: what each server thread keeps of the documents it read (hits'
 * records, feedback terms) changes a search's cost, never its answer: over long
 * documents, searches asked again (no whole answer kept), with caches warm, with none
 * after a reload to 0, and with room for less than one document: the same bytes. */
Test(ops, answers_do_not_depend_on_what_threads_keep)
{
    static const char *const targets[] = {
        "/search?q=rights+of+the+child",
        "/search?q=refugee+status+expulsion&per_page=20",
        "/search?q=trafficking+victims+protection&facets=0",
        "/search?q=%22domestic+workers%22",
        "/search?q=nationality+statelessness&page=2&per_page=3",
        "/search?q=migrant+workers+families+social+security&sort=relevance",
    };
    enum { N = sizeof(targets) / sizeof(targets[0]) };
    static const char *const configs[] = {
        MS_IT_NO_KEPT_ANSWERS, MS_IT_NO_KEPT_ANSWERS "  cache_mb: 0\n",
        MS_IT_NO_KEPT_ANSWERS "  cache_mb: 1\n", MS_IT_NO_KEPT_ANSWERS};
    char *first[N];

    ms_it_start(&it, TREATIES, configs[0]);
    for (size_t i = 0; i < N; i++)
        first[i] = search_answer(targets[i]);
    for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
        if (c > 0) {
            ms_it_write_config(&it, configs[c]);
            cr_assert_eq(kill(it.fcgi_pid, SIGHUP), 0);
            cr_assert(wait_log("config reloaded", (unsigned)c, 5000), "no reload logged");
        }
        /* Each target twice, and more times than there are threads, so that
         * every thread answers with what it kept. */
        for (int round = 0; round < 6; round++) {
            for (size_t i = 0; i < N; i++) {
                char *again = search_answer(targets[i]);
                cr_expect_str_eq(again, first[i], "%s (config %zu, round %d)", targets[i],
                                 c, round);
                free(again);
            }
        }
    }
    for (size_t i = 0; i < N; i++)
        free(first[i]);
}

/* SIGHUP applies a new search.per_page; an invalid file is logged and the
 * running settings stay. */
Test(ops, sighup_reloads_and_survives_a_broken_config)
{
    ms_it_start(&it, ARCHIVE, "search:\n  per_page: 3\n");
    cr_assert_eq(result_count("/search?q=migration"), 3);

    ms_it_write_config(&it, "search:\n  per_page: 5\n");
    cr_assert_eq(kill(it.fcgi_pid, SIGHUP), 0);
    cr_assert(wait_log("config reloaded", 1, 5000), "no reload logged");
    cr_assert_eq(result_count("/search?q=migration"), 5);

    ms_it_write_config(&it, "search:\n  per_page: banana\n");
    cr_assert_eq(kill(it.fcgi_pid, SIGHUP), 0);
    cr_assert(wait_log("config reload failed", 1, 5000),
              "the invalid config was not logged");
    cr_assert(ms_it_fcgi_log_contains(&it, "per_page"), "the log does not name the key");
    cr_assert_eq(result_count("/search?q=migration"), 5);
    cr_assert_eq(result_count("/search?q=migration&per_page=2"), 2);

    ms_http_t res;
    ms_it_get(&res, &it, "/health");
    cr_assert_eq(res.status, 200);
    ms_http_free(&res);
    int status;
    cr_assert_geq(ms_it_stop_fcgi(&it, 2000, &status), 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A copy of the sample archive in a directory of the test's own. */
static void
copy_archive(char *archive, size_t size)
{
    char command[1024];
    snprintf(work, sizeof(work), "/tmp/ms-ops.XXXXXX");
    cr_assert(mkdtemp(work), "mkdtemp: %s", strerror(errno));
    snprintf(archive, size, "%s/archive", work);
    snprintf(command, sizeof(command), "cp -R '%s' '%s' && mkdir '%s/live'", ARCHIVE,
             archive, archive);
    cr_assert_eq(system(command), 0, "cannot copy the sample archive");
}

static void
write_live_document(const char *archive, int n, const char *words)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/live/ops-live-%d.md", archive, n);
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fprintf(f,
            "---\nid: ops-live-%d\ntitle: Live reindexing note %d\ntype: report\n"
            "date: 2005-01-%02d\nlanguage: en\n---\n"
            "A note written while the server is under load. %s\n",
            n, n, n + 1, words);
    cr_assert_eq(fclose(f), 0);
}

/* Poll until /search?q='word' finds a document. Returns how long after
 * 'since' the last request that did NOT find it was sent (0 if none), or
 * -1 if nothing found it within 5 s. The promise is "visible within a
 * second": a request sent a second or more after the commit must see it. */
static long
stale_until(const char *word, long since)
{
    long stale = 0;
    while (now_ms() - since < 5000) {
        long sent = now_ms();
        if (total_for(word) > 0)
            return stale;
        stale = sent - since;
        sleep_ms(10);
    }
    return -1;
}

/* Clients search without pause while the indexer commits again and again
 * and once switches to a rebuilt index: no request fails, and each commit
 * is visible within a second. */
Test(ops, reindex_under_load_fails_no_request)
{
    static const char *const words[] = {"zorblaxian", "quendrithe", "vashtimore",
                                        "plinderhaft", "crovenquist"};
    static const char *const targets[] = {
        "/search?q=migration&per_page=20",
        "/search?q=remittances",
        "/search?q=zorblaxian+OR+quendrithe+OR+vashtimore",
        "/doc/ikd-2001-bishkek-recommendations",
        "/health",
        NULL};
    static const char *const rebuild[] = {"--rebuild", NULL};
    char archive[128], extra[160];
    ms_it_load_stats_t s;
    size_t n_words = sizeof(words) / sizeof(*words);

    copy_archive(archive, sizeof(archive));
    snprintf(extra, sizeof(extra), "archive:\n  path: %s\n", archive);
    ms_it_start(&it, archive, extra);
    ms_it_load_t *load = ms_it_load_start(&it, 6, targets, NULL);

    for (size_t i = 0; i < n_words; i++) {
        char previous[160];
        /* A new document, and a change to the one before it. */
        write_live_document(archive, (int)i, words[i]);
        if (i > 0) {
            snprintf(previous, sizeof(previous), "%s amended%zu", words[i - 1], i);
            write_live_document(archive, (int)i - 1, previous);
        }
        bool full = i == n_words - 2;
        int rc = ms_it_index_args(&it, archive, full ? rebuild : NULL);
        long committed = now_ms();
        cr_assert_eq(rc, 0, "migsearch-index%s failed (%d); see %s/index.log",
                     full ? " --rebuild" : "", rc, it.dir);
        long stale = stale_until(words[i], committed);
        cr_assert(stale >= 0, "'%s' never became visible after the %s", words[i],
                  full ? "rebuild" : "commit");
        cr_assert_lt(stale, 1000,
                     "'%s' still invisible to a request sent %ld ms after the %s",
                     words[i], stale, full ? "rebuild" : "commit");
        if (i > 0) {
            char amended[32];
            snprintf(amended, sizeof(amended), "amended%zu", i);
            stale = stale_until(amended, committed);
            cr_assert(stale >= 0 && stale < 1000,
                      "the change to a document was not seen "
                      "within a second (%ld ms)",
                      stale);
        }
    }
    ms_it_load_stop(load, &s);
    assert_load_clean(&s, "searching while reindexing");
    cr_assert_gt(s.ok, 20, "too few requests to mean anything (%lu)", s.ok);
}

/* A raw connection to the server's socket that sends one byte of a
 * FastCGI header and then nothing: a worker accepts it and waits. */
static int
connect_and_hold(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    strcpy(addr.sun_path, path);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0, "connect: %s",
                 strerror(errno));
    cr_assert_eq(write(fd, "\1", 1), 1);
    return fd;
}

typedef struct one_request {
    ms_it_t *it;
    pthread_barrier_t *start;
    long status;
    int curl_rc;
} one_request_t;

static void *
request_once(void *arg)
{
    one_request_t *r = arg;
    char url[256];
    CURL *curl = curl_easy_init();
    if (!curl)
        return NULL;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", r->it->port, slow_searches[0]);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, null);
    pthread_barrier_wait(r->start);
    r->curl_rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(curl);
    if (null)
        fclose(null);
    return NULL;
}

/* Out of file descriptors: with a low RLIMIT_NOFILE and more workers than
 * descriptors, held connections exhaust the table. The idle workers'
 * accept() fails with EMFILE; they say so at most once a second and keep
 * trying. Once the connections close, every thread is still there and
 * concurrent requests succeed. */
Test(ops, running_out_of_descriptors_loses_no_thread)
{
    enum { threads = 96, nofile = 64, held = 90, concurrent = 8 };
    static const char emfile[] = "accept failed: Too many open files; retrying";
    /* Every worker may wait on the held connections (server.peer_share),
     * so that they, not the share, exhaust the descriptors. */
    ms_it_options_t options = {
        .nofile = nofile, .threads = threads, .server_lines = "  peer_share: 96\n"};
    int fds[held];

    ms_it_start_with(&it, ARCHIVE, &options);
    cr_assert(wait_log("listening socket=", 1, 5000));
    cr_assert(ms_it_fcgi_log_contains(&it, "open file limit 64 is below"),
              "no warning about the low limit at startup");
    cr_assert_eq(thread_count(it.fcgi_pid), threads + 1);
    int idle_fds = fd_count(it.fcgi_pid);

    for (int i = 0; i < held; i++)
        fds[i] = connect_and_hold(it.socket);
    cr_assert(wait_log(emfile, 1, 5000), "EMFILE was not logged");
    long first = now_ms();
    sleep_ms(2500);
    unsigned logged = ms_it_fcgi_log_count(&it, emfile);
    long seconds = (now_ms() - first) / 1000;
    cr_assert_geq(logged, 2, "the workers stopped retrying (%u log lines)", logged);
    cr_assert_leq((long)logged, seconds + 2, "%u EMFILE lines in %ld s: not rate-limited",
                  logged, seconds);
    cr_assert_eq(waitpid(it.fcgi_pid, NULL, WNOHANG), 0, "migsearch-fcgi exited");
    cr_assert_eq(thread_count(it.fcgi_pid), threads + 1, "a worker thread was lost");

    for (int i = 0; i < held; i++)
        close(fds[i]);
    /* The workers close the held connections as they see them end: the
     * requests below need those descriptors back for their index handles
     * (the index's files), so wait until the server holds what it held
     * before (a request sent earlier could meet EMFILE and answer 500). */
    long until = now_ms() + 10000;
    while (fd_count(it.fcgi_pid) > idle_fds && now_ms() < until)
        sleep_ms(50);
    cr_assert_leq(fd_count(it.fcgi_pid), idle_fds, "the held connections stayed open");

    /* All at once, so that several workers open their index handles. */
    pthread_barrier_t start;
    pthread_t tids[concurrent];
    one_request_t requests[concurrent];
    cr_assert_eq(curl_global_init(CURL_GLOBAL_ALL), CURLE_OK);
    pthread_barrier_init(&start, NULL, concurrent);
    for (int i = 0; i < concurrent; i++) {
        requests[i] = (one_request_t){.it = &it, .start = &start};
        cr_assert_eq(pthread_create(&tids[i], NULL, request_once, &requests[i]), 0);
    }
    for (int i = 0; i < concurrent; i++)
        pthread_join(tids[i], NULL);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < concurrent; i++) {
        cr_assert_eq(requests[i].curl_rc, CURLE_OK, "request %d: %s", i,
                     curl_easy_strerror(requests[i].curl_rc));
        cr_assert_eq(requests[i].status, 200, "request %d: status %ld", i,
                     requests[i].status);
    }
    cr_assert_eq(thread_count(it.fcgi_pid), threads + 1);
    int status;
    cr_assert_geq(ms_it_stop_fcgi(&it, 2000, &status), 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Under spawn-fcgi the server serves the socket it finds on fd 0 and
 * leaves it alone: no socket of its own, no chmod, no unlink. */
Test(ops, spawn_fcgi_socket_is_served_and_left_alone)
{
    ms_it_options_t options = {.socket = MS_IT_SPAWN_FCGI};
    char configured[192], expect[256];
    struct stat st;
    ms_http_t res;
    int status;

    ms_it_start_with(&it, ARCHIVE, &options);
    snprintf(expect, sizeof(expect), "listening socket=fd 0 (unix:%s)", it.socket);
    cr_assert(ms_it_fcgi_log_contains(&it, expect), "the log does not say '%s'", expect);
    ms_it_get(&res, &it, "/search?q=migration");
    cr_assert_eq(res.status, 200, "%s", res.body);
    ms_http_free(&res);

    snprintf(configured, sizeof(configured), "%s/configured.sock", it.dir);
    cr_assert(lstat(configured, &st) != 0, "server.socket was created too");
    cr_assert_eq(lstat(it.socket, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600, "the socket's mode changed to %o",
                 st.st_mode & 07777);

    cr_assert_geq(ms_it_stop_fcgi(&it, 2000, &status), 0, "no exit within 2 s");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_eq(lstat(it.socket, &st), 0, "the spawner's socket was removed");
}

/* When accepting becomes impossible (here the listening socket is shut
 * down under the server), the workers stop and the process exits with
 * status 1 for its supervisor, rather than serving with fewer threads. */
Test(ops, dead_workers_end_the_process_with_status_1)
{
    ms_it_options_t options = {.socket = MS_IT_INHERIT_SOCKET};
    ms_http_t res;
    int status = 0;

    ms_it_start_with(&it, ARCHIVE, &options);
    cr_assert(ms_it_fcgi_log_contains(&it, "listening socket=fd 0"));
    ms_it_get(&res, &it, "/health");
    cr_assert_eq(res.status, 200, "%s", res.body);
    ms_http_free(&res);

    cr_assert_eq(shutdown(it.listen_fd, SHUT_RDWR), 0, "shutdown: %s", strerror(errno));
    long took = wait_exit(it.fcgi_pid, 3000, &status);
    cr_assert(took >= 0, "migsearch-fcgi went on running without its workers");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "exit status is not 1 (wait status %#x)", status);
    cr_assert(ms_it_fcgi_log_contains(&it, "worker stops"));
    cr_assert(ms_it_fcgi_log_contains(&it, "a worker thread stopped"));
}
