/* test_access.c - the access-control canary matrix, through the real nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The archive under test is a copy of tests/data/archive plus the canary
 * of tests/data/canary: a document restricted to the group "board" whose
 * id, words, process, meeting, country, theme and symbol occur nowhere
 * else (tests/data/canary/README.md). For every kind of user and every
 * endpoint, a user outside "board" must find no trace of it, anywhere in
 * the response; a "board" member must find it. A hidden document answers
 * exactly like a missing one.
 *
 * The identity comes from the test nginx config (harness.h, test identity
 * mode): X-Test-User and X-Test-Groups request headers become the
 * FastCGI params REMOTE_USER and MS_GROUPS, as auth_request would set
 * them in production.
 */
#define _GNU_SOURCE /* strcasestr */
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARCHIVE MS_TEST_DATA "/archive"
#define CANARY MS_TEST_DATA "/canary"
#define CANARY_ID "canary-2005-board-minutes"
#define CANARY_FILE "board/canary-2005-board-minutes.md"

/* Public documents of the sample archive, and of its Kyrgyzstan and
 * report ones (counted with a YAML parser over tests/data/archive: the
 * country and type facets of tests/integration/test_api.c's model). */
#define PUBLIC_DOCS 49
#define PUBLIC_KYRGYZSTAN 16
#define PUBLIC_REPORTS 8

/* Anything that would betray the canary. Compared without case. */
static const char *const traces[] = {CANARY_ID,     "zanzibarquartz", "Freedonia",
                                     "quartzology", "Obsidianwharf",  "canary-2005",
                                     "IMP/CANARY",  "IMP\\/CANARY",   "board-minutes"};

typedef struct user {
    const char *name;
    const char *headers[3]; /* NULL-terminated */
    bool sees;              /* may see the canary */
} user_t;

static const user_t anonymous = {"anonymous", {NULL}, false};
static const user_t no_groups = {
    "authenticated, no groups", {"X-Test-User: alice", NULL}, false};
static const user_t staff = {
    "staff", {"X-Test-User: bob", "X-Test-Groups: staff", NULL}, false};
static const user_t board = {
    "board", {"X-Test-User: carol", "X-Test-Groups: board", NULL}, true};
static const user_t staff_board = {
    "staff and board", {"X-Test-User: dave", "X-Test-Groups: staff,board", NULL}, true};
/* MS_GROUPS as docs/api.md parses it: spaces around names ignored, ASCII
 * case folded; names that merely resemble "board" are other groups; only
 * the first 32 groups count. */
static const user_t board_spaced = {
    "board, spaced and in capitals",
    {"X-Test-User: erin", "X-Test-Groups: staff ,  BOARD", NULL},
    true};
static const user_t lookalikes = {
    "groups resembling board",
    {"X-Test-User: frank", "X-Test-Groups: boar,boards,board-x,xboard,board*,%62oard",
     NULL},
    false};
static const user_t board_33rd = {
    "board as the 33rd group",
    {"X-Test-User: gina",
     "X-Test-Groups: g1,g2,g3,g4,g5,g6,g7,g8,g9,g10,g11,g12,g13,g14,g15,g16,g17,g18,g19,"
     "g20,g21,g22,g23,g24,g25,g26,g27,g28,g29,g30,g31,g32,board",
     NULL},
    false};
/* Headers a client might try to pass its own groups with: nginx turns them
 * into HTTP_* params, never MS_GROUPS or REMOTE_USER. */
static const user_t spoofer = {
    "spoofer", {"MS-Groups: board", "Remote-User: carol", NULL}, false};

static ms_it_t it;
static char archive[64];

/* The sample archive indexed first and the canary added a second later,
 * so that it is the latest addition (the first entry of every feed that
 * may show it). */
static void
start_canary(void)
{
    char board_dir[600], aside[600];

    ms_it_canary_archive(archive, sizeof(archive), "ms-access");
    snprintf(board_dir, sizeof(board_dir), "%s/board", archive);
    snprintf(aside, sizeof(aside), "%s.board", archive);
    cr_assert_eq(rename(board_dir, aside), 0, "%s: %s", board_dir, strerror(errno));
    ms_it_start(&it, archive, NULL);
    ms_it_next_second();
    cr_assert_eq(rename(aside, board_dir), 0, "%s: %s", aside, strerror(errno));
    ms_it_reindex(&it, archive, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
    ms_it_canary_archive_remove(archive);
}

TestSuite(access, .init = start_canary, .fini = stop, .timeout = 60);

static void request(ms_http_t *out, const user_t *user, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void
request(ms_http_t *out, const user_t *user, const char *format, ...)
{
    char target[2048];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(target, sizeof(target), format, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof(target));
    ms_it_request_headers(out, &it, "GET", target, NULL, user->headers);
}

/* The first trace of the canary in 'text', or NULL. */
static const char *
trace_in(const char *text)
{
    for (size_t i = 0; i < sizeof(traces) / sizeof(*traces); i++)
        if (strcasestr(text, traces[i]))
            return traces[i];
    return NULL;
}

/* No trace of the canary anywhere in the response, headers included. With
 * 'echo' set, the query's own echo ("query", "understood") is left out
 * first, for searches whose query text is itself a canary word. */
static void
assert_no_trace(const ms_http_t *res, const user_t *user, const char *what, bool echo)
{
    const char *found = trace_in(res->headers);
    cr_assert_null(found, "%s: %s: '%s' in the headers", user->name, what, found);
    if (!echo) {
        found = trace_in(res->body);
        cr_assert_null(found, "%s: %s: '%s' in %.600s", user->name, what, found,
                       res->body);
        return;
    }
    cr_assert(json_is_object(res->json), "%s: %s: not JSON: %.300s", user->name, what,
              res->body);
    json_t *copy = json_deep_copy(res->json);
    json_object_del(copy, "query");
    json_object_del(copy, "understood");
    char *text = json_dumps(copy, 0);
    found = trace_in(text);
    cr_assert_null(found, "%s: %s: '%s' in %.600s", user->name, what, found, text);
    free(text);
    json_decref(copy);
}

static json_int_t
total_of(const ms_http_t *res, const user_t *user, const char *what)
{
    cr_assert_eq(res->status, 200, "%s: %s: %ld %.300s", user->name, what, res->status,
                 res->body);
    json_t *total = json_object_get(res->json, "total");
    cr_assert(json_is_object(total), "%s: %s: no total", user->name, what);
    json_int_t estimate = json_integer_value(json_object_get(total, "estimate"));
    /* Bounds may not betray a hidden match either. */
    cr_assert_eq(json_integer_value(json_object_get(total, "lower")), estimate,
                 "%s: %s: %s", user->name, what, res->body);
    cr_assert_eq(json_integer_value(json_object_get(total, "upper")), estimate,
                 "%s: %s: %s", user->name, what, res->body);
    return estimate;
}

static bool
has_canary_hit(const ms_http_t *res)
{
    json_t *results = json_object_get(res->json, "results");
    size_t i;
    json_t *hit;
    json_array_foreach(results, i, hit)
    {
        const char *id = json_string_value(json_object_get(hit, "id"));
        if (id && strcmp(id, CANARY_ID) == 0)
            return true;
    }
    return false;
}

/* The count of 'value' in facet 'field' (see test_api.c for both shapes). */
static long
facet_count(json_t *json, const char *field, const char *value)
{
    json_t *facet = json_object_get(json_object_get(json, "facets"), field);
    if (json_is_object(facet)) {
        json_t *count = json_object_get(facet, value);
        return count ? (long)json_integer_value(count) : 0;
    }
    cr_assert(json_is_array(facet), "no facet %s", field);
    size_t i;
    json_t *entry;
    json_array_foreach(facet, i, entry)
    {
        const char *v = json_string_value(json_object_get(entry, "value"));
        if (v && strcmp(v, value) == 0)
            return (long)json_integer_value(json_object_get(entry, "count"));
    }
    return 0;
}

/* Status, Content-Type and body of 'a' and 'b' are identical. */
static void
assert_same_answer(const ms_http_t *a, const ms_http_t *b, const user_t *user,
                   const char *what)
{
    char ta[128], tb[128];
    cr_assert_eq(a->status, b->status, "%s: %s: %ld vs %ld", user->name, what, a->status,
                 b->status);
    cr_assert_eq(a->length, b->length, "%s: %s: bodies differ:\n%s\n%s", user->name, what,
                 a->body, b->body);
    cr_assert(memcmp(a->body, b->body, a->length) == 0, "%s: %s: bodies differ:\n%s\n%s",
              user->name, what, a->body, b->body);
    const char *ca = ms_http_header(a, "Content-Type", ta, sizeof(ta));
    const char *cb = ms_http_header(b, "Content-Type", tb, sizeof(tb));
    cr_assert(ca && cb && strcmp(ca, cb) == 0, "%s: %s: Content-Type differs", user->name,
              what);
}

static char *
read_whole(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    cr_assert(data);
    cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *length = (size_t)n;
    return data;
}

/* The meeting and country views of the canary's meeting and unique
 * country (JSON and CSV): a member of "board" gets them, anyone else the
 * answer of a missing one; and a country the canary shares with public
 * documents shows no trace of it. */
static void
check_views(const user_t *user)
{
    static const char *const paths[][2] = {
        {"/meeting/canary-2005-obsidianwharf", "/meeting/no-such-meeting"},
        {"/meeting/canary-2005-obsidianwharf?format=csv",
         "/meeting/no-such-meeting?format=csv"},
        {"/country/Freedonia", "/country/Nowhereland"},
        {"/country/Freedonia?format=csv", "/country/Nowhereland?format=csv"}};
    ms_http_t res, missing;

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        request(&res, user, "%s", paths[i][0]);
        if (user->sees) {
            cr_assert_eq(res.status, 200, "%s: %s: %ld %s", user->name, paths[i][0],
                         res.status, res.body);
        } else {
            request(&missing, user, "%s", paths[i][1]);
            cr_assert_eq(missing.status, 404, "%s: %s", user->name, paths[i][1]);
            assert_same_answer(&res, &missing, user, paths[i][0]);
            assert_no_trace(&res, user, paths[i][0], false);
            ms_http_free(&missing);
        }
        ms_http_free(&res);
    }
    if (user->sees) {
        request(&res, user, "/meeting/canary-2005-obsidianwharf");
        cr_assert(strstr(res.body, "Obsidianwharf Consultation"), "%s: %s", user->name,
                  res.body);
        ms_http_free(&res);
        return;
    }
    static const char *const shared[] = {"/country/Kyrgyzstan", "/country/Kazakhstan",
                                         "/country/Kyrgyzstan?format=csv"};
    for (size_t i = 0; i < sizeof(shared) / sizeof(*shared); i++) {
        request(&res, user, "%s", shared[i]);
        cr_assert_eq(res.status, 200, "%s: %s", user->name, shared[i]);
        assert_no_trace(&res, user, shared[i], false);
        ms_http_free(&res);
    }
}

/* The whole matrix for one user. */
static void
check_user(const user_t *user)
{
    check_views(user);

    ms_http_t res, missing;
    const char *who = user->name;

    /* Search by the unique word: results and totals. */
    request(&res, user, "/search?q=zanzibarquartz");
    json_int_t total = total_of(&res, user, "search");
    if (user->sees) {
        cr_assert_eq(total, 1, "%s: search total %lld", who, (long long)total);
        cr_assert(has_canary_hit(&res), "%s: canary not found", who);
    } else {
        cr_assert_eq(total, 0, "%s: search total %lld", who, (long long)total);
        assert_no_trace(&res, user, "search", true);
    }
    ms_http_free(&res);

    /* Field queries and filters on its unique metadata. */
    static const char *const by_field[] = {
        "/search?q=country%3AFreedonia",
        "/search?country=Freedonia",
        "/search?country=Freedonia&status=not+implemented",
        "/search?theme=quartzology",
        "/search?process=Obsidianwharf+Consultation",
        "/search?meeting=canary-2005-obsidianwharf",
        "/search?q=IMP%2FCANARY%2F2005%2F1"};
    for (size_t i = 0; i < sizeof(by_field) / sizeof(*by_field); i++) {
        request(&res, user, "%s", by_field[i]);
        total = total_of(&res, user, by_field[i]);
        cr_assert_eq(total, user->sees ? 1 : 0, "%s: %s: total %lld", who, by_field[i],
                     (long long)total);
        if (user->sees)
            cr_assert(has_canary_hit(&res), "%s: %s: no canary", who, by_field[i]);
        else
            assert_no_trace(&res, user, by_field[i], true);
        ms_http_free(&res);
    }

    /* Browsing: totals and facets of everything. */
    request(&res, user, "/search?per_page=100");
    total = total_of(&res, user, "browse");
    cr_assert_eq(total, PUBLIC_DOCS + user->sees, "%s: browse total %lld", who,
                 (long long)total);
    cr_assert_eq(facet_count(res.json, "country", "Kyrgyzstan"),
                 PUBLIC_KYRGYZSTAN + user->sees, "%s: Kyrgyzstan facet", who);
    cr_assert_eq(facet_count(res.json, "type", "report"), PUBLIC_REPORTS + user->sees,
                 "%s: report facet", who);
    cr_assert_eq(facet_count(res.json, "country", "Freedonia"), user->sees,
                 "%s: Freedonia facet", who);
    cr_assert_eq(facet_count(res.json, "theme", "quartzology"), user->sees,
                 "%s: quartzology facet", who);
    if (!user->sees)
        assert_no_trace(&res, user, "browse and facets", false);
    ms_http_free(&res);

    /* Status by country: the canary's pairs filter and count for its
     * readers only, also where the country is not its own. */
    request(&res, user, "/search?status=not+implemented&per_page=100");
    cr_assert_eq(facet_count(res.json, "country", "Freedonia"), user->sees,
                 "%s: Freedonia reported", who);
    if (!user->sees)
        assert_no_trace(&res, user, "status facets", false);
    ms_http_free(&res);
    request(&res, user, "/search?country=Kyrgyzstan&status=not+implemented");
    request(&missing, &anonymous, "/search?country=Kyrgyzstan&status=not+implemented");
    cr_assert_eq(total_of(&res, user, "pair"),
                 total_of(&missing, &anonymous, "pair") + user->sees,
                 "%s: Kyrgyzstan / not implemented", who);
    cr_assert_eq(facet_count(res.json, "status", "not implemented"),
                 facet_count(missing.json, "status", "not implemented") + user->sees,
                 "%s: the status Kyrgyzstan reported", who);
    if (!user->sees)
        assert_no_trace(&res, user, "pair", true);
    ms_http_free(&res);
    ms_http_free(&missing);
    /* Latest additions (sort=added, what a feed follows): the canary, added
     * last, leads for who may see it and is nowhere for anyone else. */
    request(&res, user, "/search?sort=added&per_page=100");
    total = total_of(&res, user, "sort=added");
    cr_assert_eq(total, PUBLIC_DOCS + user->sees, "%s: sort=added total %lld", who,
                 (long long)total);
    const char *latest = json_string_value(
        json_object_get(json_array_get(json_object_get(res.json, "results"), 0), "id"));
    if (user->sees)
        cr_assert(latest && strcmp(latest, CANARY_ID) == 0,
                  "%s: sort=added starts with %s", who, latest ? latest : "(none)");
    else
        assert_no_trace(&res, user, "sort=added", false);
    ms_http_free(&res);

    /* Snippets of a word the canary shares with public documents. */
    request(&res, user, "/search?q=trafficking+shelters&per_page=100");
    total_of(&res, user, "snippets");
    if (user->sees)
        cr_assert(has_canary_hit(&res), "%s: canary not among trafficking hits", who);
    else
        assert_no_trace(&res, user, "snippets", false);
    ms_http_free(&res);

    /* Did you mean: a misspelling of the unique word. */
    request(&res, user, "/search?q=zanzibarquarts");
    total_of(&res, user, "did you mean");
    const char *dym = json_string_value(json_object_get(res.json, "did_you_mean"));
    if (user->sees)
        cr_assert(dym && strcmp(dym, "zanzibarquartz") == 0, "%s: did_you_mean %s", who,
                  dym ? dym : "(null)");
    else
        assert_no_trace(&res, user, "did you mean", false);
    ms_http_free(&res);

    /* Suggestions for its prefix. */
    request(&res, user, "/suggest?q=zanzibarq");
    cr_assert_eq(res.status, 200, "%s: suggest: %ld", who, res.status);
    if (user->sees)
        cr_assert(strstr(res.body, "\"zanzibarquartz\""), "%s: suggest: %s", who,
                  res.body);
    else
        assert_no_trace(&res, user, "suggest", false);
    ms_http_free(&res);
    request(&res, user, "/suggest?q=freedo");
    cr_assert_eq(res.status, 200, "%s: suggest: %ld", who, res.status);
    if (!user->sees)
        assert_no_trace(&res, user, "suggest freedo", false);
    ms_http_free(&res);

    /* Wildcard expansion of its prefix, "understood" included. */
    request(&res, user, "/search?q=zanzibarq*");
    total = total_of(&res, user, "wildcard");
    cr_assert_eq(total, user->sees ? 1 : 0, "%s: wildcard total %lld", who,
                 (long long)total);
    if (!user->sees)
        assert_no_trace(&res, user, "wildcard", false);
    ms_http_free(&res);

    /* Similar documents of a public document the canary paraphrases. */
    request(&res, user, "/similar/ikd-2001-bishkek-recommendations");
    cr_assert_eq(res.status, 200, "%s: similar: %ld %s", who, res.status, res.body);
    if (user->sees)
        cr_assert(has_canary_hit(&res), "%s: canary not similar to its original: %s", who,
                  res.body);
    else
        assert_no_trace(&res, user, "similar of public", false);
    ms_http_free(&res);

    /* The canary's own /similar, /doc and /doc/file. */
    static const char *const paths[][2] = {
        {"/similar/" CANARY_ID, "/similar/no-such-document"},
        {"/doc/" CANARY_ID, "/doc/no-such-document"},
        {"/doc/" CANARY_ID "/file", "/doc/no-such-document/file"}};
    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        request(&res, user, "%s", paths[i][0]);
        if (user->sees) {
            cr_assert_eq(res.status, 200, "%s: %s: %ld %s", who, paths[i][0], res.status,
                         res.body);
        } else {
            request(&missing, user, "%s", paths[i][1]);
            cr_assert_eq(missing.status, 404, "%s: %s: %ld", who, paths[i][1],
                         missing.status);
            assert_same_answer(&res, &missing, user, paths[i][0]);
            assert_no_trace(&res, user, paths[i][0], false);
            ms_http_free(&missing);
        }
        ms_http_free(&res);
    }
    if (user->sees) {
        request(&res, user, "/doc/" CANARY_ID);
        cr_assert(strstr(res.body, "zanzibarquartz"), "%s: doc without its text", who);
        ms_http_free(&res);
        char path[256];
        size_t length;
        snprintf(path, sizeof(path), "%s/%s", archive, CANARY_FILE);
        char *expected = read_whole(path, &length);
        request(&res, user, "/doc/" CANARY_ID "/file");
        cr_assert(res.length == length && memcmp(res.body, expected, length) == 0,
                  "%s: file: other bytes", who);
        free(expected);
        ms_http_free(&res);
    }

    /* The feed: the canary is the latest addition of all. */
    static const char *const feeds[] = {"/feed", "/feed?q=trafficking",
                                        "/feed?q=zanzibarquartz"};
    for (size_t i = 0; i < sizeof(feeds) / sizeof(*feeds); i++) {
        request(&res, user, "%s", feeds[i]);
        cr_assert_eq(res.status, 200, "%s: %s: %ld", who, feeds[i], res.status);
        if (user->sees) {
            const char *entry = strstr(res.body, "<entry");
            cr_assert(entry && strstr(entry, CANARY_ID), "%s: %s: no canary entry", who,
                      feeds[i]);
            const char *second = strstr(entry + 6, "<entry");
            const char *canary = strstr(entry, CANARY_ID);
            cr_assert(!second || canary < second, "%s: %s: canary is not first", who,
                      feeds[i]);
        } else if (i == 2) {
            /* The title of this feed may echo the query. */
            const char *entry = strstr(res.body, "<entry");
            cr_assert_null(entry, "%s: %s has an entry", who, feeds[i]);
            cr_assert_null(strcasestr(res.body, CANARY_ID), "%s: %s", who, feeds[i]);
        } else {
            assert_no_trace(&res, user, feeds[i], false);
        }
        ms_http_free(&res);
    }
}

Test(access, anonymous_sees_no_trace)
{
    check_user(&anonymous);
}

Test(access, user_without_groups_sees_no_trace)
{
    check_user(&no_groups);
}

Test(access, other_group_sees_no_trace)
{
    check_user(&staff);
}

Test(access, client_headers_cannot_claim_groups)
{
    check_user(&spoofer);
}

Test(access, board_sees_the_canary_everywhere)
{
    check_user(&board);
}

Test(access, member_of_several_groups_sees_the_canary)
{
    check_user(&staff_board);
}

Test(access, group_names_are_parsed_as_documented)
{
    check_user(&board_spaced);
}

Test(access, lookalike_groups_see_no_trace)
{
    check_user(&lookalikes);
}

Test(access, groups_past_the_32nd_are_ignored)
{
    check_user(&board_33rd);
}

/* /health counts every indexed document (an operator's figure, see
 * docs/api.md), but neither it nor /metrics may name one. */
Test(access, health_and_metrics_name_no_document)
{
    ms_http_t res;
    request(&res, &anonymous, "/health");
    cr_assert_eq(res.status, 200);
    assert_no_trace(&res, &anonymous, "health", false);
    ms_http_free(&res);
    request(&res, &anonymous, "/metrics");
    cr_assert_eq(res.status, 200);
    assert_no_trace(&res, &anonymous, "metrics", false);
    ms_http_free(&res);
}
