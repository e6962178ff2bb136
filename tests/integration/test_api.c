/* test_api.c - every endpoint and parameter of the API, through the real nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Each test indexes the sample archive (tests/data/archive) and starts
 * migsearch-fcgi and nginx (harness.h); that takes well under a second, so
 * the tests stay independent. Expected counts are not copied from the
 * server: a small model of the archive is read here from the archive files
 * themselves (front matter, sidecars, _defaults.yaml, recommendation sets,
 * parsed minimally, see load_model()), and the figures of
 * tests/data/archive-expected.md are checked against that model first.
 */
#define _GNU_SOURCE /* strcasestr */
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARCHIVE MS_TEST_DATA "/archive"

/* ---------------------------------------------------------------------- */
/* A model of the sample archive, read from its files                      */

#define MODEL_MAX_DOCS 128
#define MODEL_MAX_VALUES 24
#define MODEL_VALUE 96

typedef struct model_doc {
    char id[MODEL_VALUE];
    char type[MODEL_VALUE];
    char language[MODEL_VALUE];
    char date[MODEL_VALUE];
    char process[MODEL_VALUE];
    char meeting[MODEL_VALUE];
    char countries[MODEL_MAX_VALUES][MODEL_VALUE];
    int n_countries;
    char themes[MODEL_MAX_VALUES][MODEL_VALUE];
    int n_themes;
    char statuses[MODEL_MAX_VALUES][MODEL_VALUE];
    int n_statuses;
    /* (country, status): what each country reported (docs/staff.md) */
    char pair_countries[MODEL_MAX_VALUES][MODEL_VALUE];
    char pair_statuses[MODEL_MAX_VALUES][MODEL_VALUE];
    int n_pairs;
    char path[512]; /* the archive file, relative to the archive */
} model_doc_t;

static model_doc_t model[MODEL_MAX_DOCS];
static int n_model;

static void
trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    size_t start = strspn(s, " ");
    memmove(s, s + start, n - start + 1);
}

static void
unquote(char *s)
{
    trim(s);
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        memmove(s, s + 1, n - 2);
        s[n - 2] = '\0';
    }
}

/* Split a YAML scalar or flow list ("[a, "b c"]") into values. The sample
 * archive quotes no value that contains a comma. */
static int
split_list(char values[][MODEL_VALUE], const char *text)
{
    char buf[1024];
    int n = 0;
    snprintf(buf, sizeof(buf), "%s", text);
    trim(buf);
    char *s = buf;
    if (*s == '[') {
        s++;
        char *end = strrchr(s, ']');
        cr_assert(end, "unterminated list: %s", text);
        *end = '\0';
    }
    for (char *save = NULL, *item = strtok_r(s, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        cr_assert_lt(n, MODEL_MAX_VALUES);
        snprintf(values[n], MODEL_VALUE, "%s", item);
        unquote(values[n]);
        if (values[n][0])
            n++;
    }
    return n;
}

/* Apply one "key: value" line of metadata to 'doc'. A list replaces the
 * inherited one (docs/staff.md). */
static void
model_apply(model_doc_t *doc, const char *key, const char *value)
{
    char scalar[MODEL_VALUE];
    snprintf(scalar, sizeof(scalar), "%s", value);
    unquote(scalar);
    if (strcmp(key, "id") == 0)
        snprintf(doc->id, MODEL_VALUE, "%s", scalar);
    else if (strcmp(key, "type") == 0)
        snprintf(doc->type, MODEL_VALUE, "%s", scalar);
    else if (strcmp(key, "language") == 0)
        snprintf(doc->language, MODEL_VALUE, "%s", scalar);
    else if (strcmp(key, "date") == 0)
        snprintf(doc->date, MODEL_VALUE, "%s", scalar);
    else if (strcmp(key, "process") == 0)
        snprintf(doc->process, MODEL_VALUE, "%s", scalar);
    else if (strcmp(key, "meeting") == 0)
        snprintf(doc->meeting, MODEL_VALUE, "%s", scalar);
    else if (strcmp(key, "countries") == 0 || strcmp(key, "country") == 0)
        doc->n_countries = split_list(doc->countries, value);
    else if (strcmp(key, "themes") == 0 || strcmp(key, "theme") == 0)
        doc->n_themes = split_list(doc->themes, value);
    else if (strcmp(key, "status") == 0)
        doc->n_statuses = split_list(doc->statuses, value);
}

/* "key: value" at column 0 (or after 'indent' spaces); false otherwise. */
static bool
key_value(const char *line, int indent, char *key, size_t key_size, const char **value)
{
    for (int i = 0; i < indent; i++)
        if (line[i] != ' ')
            return false;
    line += indent;
    if (*line == ' ' || *line == '#')
        return false;
    const char *colon = strchr(line, ':');
    if (!colon || (colon[1] != ' ' && colon[1] != '\n' && colon[1] != '\0'))
        return false;
    snprintf(key, key_size, "%.*s", (int)(colon - line), line);
    *value = colon + 1;
    return true;
}

/* Apply the top-level keys of a YAML mapping file (_defaults, sidecar). */
static void
model_apply_file(model_doc_t *doc, const char *path)
{
    char line[1024], key[64];
    const char *value;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        if (key_value(line, 0, key, sizeof(key), &value))
            model_apply(doc, key, value);
    fclose(f);
}

static bool
ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && strcmp(name + n - m, suffix) == 0;
}

static model_doc_t *
model_new(const model_doc_t *defaults, const char *relpath)
{
    cr_assert_lt(n_model, MODEL_MAX_DOCS);
    model_doc_t *doc = &model[n_model++];
    *doc = *defaults;
    snprintf(doc->path, sizeof(doc->path), "%s", relpath);
    return doc;
}

static void
add_unique(char values[][MODEL_VALUE], int *n, const char *value)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(values[i], value) == 0)
            return;
    cr_assert_lt(*n, MODEL_MAX_VALUES);
    snprintf(values[(*n)++], MODEL_VALUE, "%s", value);
}

/* One document per recommendation (docs/staff.md, "Recommendation sets"):
 * the meeting's keys, countries = participants then reporting countries,
 * themes = the recommendation's or the meeting's, a pair per reporting
 * country and per participant that did not report ("no information"),
 * status = each distinct status of the pairs, or "no information". */
static void
model_add_pair(model_doc_t *doc, const char *country, const char *status)
{
    for (int i = 0; i < doc->n_pairs; i++)
        cr_assert(strcmp(doc->pair_countries[i], country) != 0,
                  "%s: %s reports twice; the model knows one report per country", doc->id,
                  country);
    cr_assert_lt(doc->n_pairs, MODEL_MAX_VALUES);
    snprintf(doc->pair_countries[doc->n_pairs], MODEL_VALUE, "%s", country);
    snprintf(doc->pair_statuses[doc->n_pairs++], MODEL_VALUE, "%s", status);
    add_unique(doc->statuses, &doc->n_statuses, status);
}

static void
model_finish_rec(model_doc_t *rec, bool rec_themes, const model_doc_t *meeting)
{
    if (!rec)
        return;
    if (!rec_themes) {
        memcpy(rec->themes, meeting->themes, sizeof(rec->themes));
        rec->n_themes = meeting->n_themes;
    }
    for (int c = 0; c < meeting->n_countries; c++) {
        bool reported = false;
        for (int i = 0; i < rec->n_pairs; i++)
            reported |= strcmp(rec->pair_countries[i], meeting->countries[c]) == 0;
        if (!reported)
            model_add_pair(rec, meeting->countries[c], "no information");
    }
    if (rec->n_statuses == 0)
        rec->n_statuses = split_list(rec->statuses, "no information");
}

static void
model_load_set(const model_doc_t *defaults, const char *path, const char *relpath)
{
    char line[1024], key[64];
    const char *value;
    model_doc_t meeting = *defaults;
    model_doc_t *rec = NULL;
    bool in_recs = false, rec_themes = false;
    char country[MODEL_VALUE] = "";
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        if (!in_recs && key_value(line, 0, key, sizeof(key), &value)) {
            if (strcmp(key, "recommendations") == 0)
                in_recs = true;
            else
                model_apply(&meeting, key, value);
            continue;
        }
        if (strncmp(line, "  - number:", 11) == 0) {
            model_finish_rec(rec, rec_themes, &meeting);
            rec = model_new(&meeting, relpath);
            rec->n_statuses = rec->n_pairs = 0;
            rec_themes = false;
            snprintf(rec->id, MODEL_VALUE, "%.80s.r%d", meeting.meeting, atoi(line + 11));
            if (!rec->type[0])
                snprintf(rec->type, MODEL_VALUE, "recommendation");
        } else if (rec && key_value(line, 4, key, sizeof(key), &value) &&
                   strcmp(key, "themes") == 0) {
            rec->n_themes = split_list(rec->themes, value);
            rec_themes = true;
        } else if (rec && strncmp(line, "      - country:", 16) == 0) {
            snprintf(country, sizeof(country), "%.95s", line + 16);
            unquote(country);
            add_unique(rec->countries, &rec->n_countries, country);
        } else if (rec && strncmp(line, "        status:", 15) == 0) {
            char status[MODEL_VALUE];
            snprintf(status, sizeof(status), "%.95s", line + 15);
            unquote(status);
            model_add_pair(rec, country, status);
        }
    }
    model_finish_rec(rec, rec_themes, &meeting);
    fclose(f);
}

static void
model_load_dir(const model_doc_t *inherited, const char *dir, const char *rel)
{
    static const char *const extracted[] = {".pdf", ".docx", ".odt", ".html"};
    model_doc_t defaults = *inherited;
    char path[1024], relpath[600], line[1024], key[64];
    const char *value;

    snprintf(path, sizeof(path), "%s/_defaults.yaml", dir);
    model_apply_file(&defaults, path);

    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    cr_assert(n >= 0, "cannot read %s", dir);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        snprintf(relpath, sizeof(relpath), "%s%s%s", rel, *rel ? "/" : "", name);
        if (name[0] == '.' || name[0] == '_' || lstat(path, &st) != 0) {
            free(names[i]);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            model_load_dir(&defaults, path, relpath);
        } else if (ends_with(name, ".recommendations.yaml")) {
            model_load_set(&defaults, path, relpath);
        } else if (ends_with(name, ".md")) {
            model_doc_t *doc = model_new(&defaults, relpath);
            FILE *f = fopen(path, "r");
            cr_assert(f);
            if (fgets(line, sizeof(line), f) && strcmp(line, "---\n") == 0)
                while (fgets(line, sizeof(line), f) && strcmp(line, "---\n") != 0)
                    if (key_value(line, 0, key, sizeof(key), &value))
                        model_apply(doc, key, value);
            fclose(f);
            cr_assert(doc->id[0], "%s has no id", path);
        } else if (ends_with(name, ".txt")) {
            /* No metadata: the id is the path without .txt, '/' -> '.',
             * and the text is indexed as English (archive-expected.md). */
            model_doc_t *doc = model_new(&defaults, relpath);
            snprintf(doc->id, MODEL_VALUE, "%.*s", (int)(strlen(relpath) - 4), relpath);
            for (char *c = doc->id; *c; c++)
                if (*c == '/')
                    *c = '.';
            snprintf(doc->language, MODEL_VALUE, "en");
        } else {
            for (size_t k = 0; k < sizeof(extracted) / sizeof(*extracted); k++) {
                if (!ends_with(name, extracted[k]))
                    continue;
                model_doc_t *doc = model_new(&defaults, relpath);
                char sidecar[1100];
                snprintf(sidecar, sizeof(sidecar), "%.*s.meta.yaml",
                         (int)(strlen(path) - strlen(extracted[k])), path);
                model_apply_file(doc, sidecar);
                cr_assert(doc->id[0], "%s: no id in its sidecar", path);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void
load_model(void)
{
    model_doc_t empty;
    memset(&empty, 0, sizeof(empty));
    n_model = 0;
    model_load_dir(&empty, ARCHIVE, "");
    /* Any other document: its status for each of its countries. */
    for (int i = 0; i < n_model; i++) {
        model_doc_t *doc = &model[i];
        int n_countries = doc->n_pairs == 0 ? doc->n_countries : 0;
        for (int c = 0; c < n_countries; c++)
            for (int k = 0; k < doc->n_statuses; k++) {
                memcpy(doc->pair_countries[doc->n_pairs], doc->countries[c], MODEL_VALUE);
                memcpy(doc->pair_statuses[doc->n_pairs++], doc->statuses[k], MODEL_VALUE);
            }
    }
}

static const model_doc_t *
model_find(const char *id)
{
    for (int i = 0; i < n_model; i++)
        if (strcmp(model[i].id, id) == 0)
            return &model[i];
    return NULL;
}

/* The values of 'field' of 'doc' (the filter and facet names of the API). */
static int
model_values(const model_doc_t *doc, const char *field, const char **out)
{
    static char year[MODEL_MAX_DOCS][8];
    const char *one = NULL;
    if (strcmp(field, "type") == 0)
        one = doc->type;
    else if (strcmp(field, "language") == 0 || strcmp(field, "lang") == 0)
        one = doc->language;
    else if (strcmp(field, "process") == 0)
        one = doc->process;
    else if (strcmp(field, "meeting") == 0)
        one = doc->meeting;
    else if (strcmp(field, "year") == 0) {
        char *y = year[doc - model];
        snprintf(y, 8, "%.4s", doc->date);
        one = y;
    } else {
        int n = 0;
        const char(*values)[MODEL_VALUE] = NULL;
        if (strcmp(field, "country") == 0)
            values = doc->countries, n = doc->n_countries;
        else if (strcmp(field, "theme") == 0)
            values = doc->themes, n = doc->n_themes;
        else if (strcmp(field, "status") == 0)
            values = doc->statuses, n = doc->n_statuses;
        else
            cr_assert_fail("no model field %s", field);
        for (int i = 0; i < n; i++)
            out[i] = values[i];
        return n;
    }
    if (!one[0])
        return 0;
    out[0] = one;
    return 1;
}

typedef struct filter {
    const char *field;
    const char *value;
} filter_t;

/* Whether 'value' is one of the filters on 'field' (ASCII case ignored). */
static bool
model_filtered(const filter_t *filters, size_t n, const char *field, const char *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(filters[i].field, field) == 0 &&
            strcasecmp(filters[i].value, value) == 0)
            return true;
    return false;
}

static bool
model_has_filter(const filter_t *filters, size_t n, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(filters[i].field, field) == 0)
            return true;
    return false;
}

/* Same field ORed, different fields ANDed; values compare without ASCII
 * case, as docs/index-schema.md folds them. Country and status together:
 * one of the countries reported one of the statuses (a pair). */
static bool
model_matches(const model_doc_t *doc, const filter_t *filters, size_t n)
{
    bool paired =
        model_has_filter(filters, n, "country") && model_has_filter(filters, n, "status");
    if (paired) {
        bool any = false;
        for (int p = 0; p < doc->n_pairs; p++)
            any |= model_filtered(filters, n, "country", doc->pair_countries[p]) &&
                   model_filtered(filters, n, "status", doc->pair_statuses[p]);
        if (!any)
            return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (paired && (strcmp(filters[i].field, "country") == 0 ||
                       strcmp(filters[i].field, "status") == 0))
            continue;
        bool seen_earlier = false, any = false;
        for (size_t j = 0; j < i; j++)
            seen_earlier |= strcmp(filters[j].field, filters[i].field) == 0;
        if (seen_earlier)
            continue;
        for (size_t j = i; j < n; j++) {
            if (strcmp(filters[j].field, filters[i].field) != 0)
                continue;
            const char *values[MODEL_MAX_VALUES];
            int k = model_values(doc, filters[j].field, values);
            for (int v = 0; v < k; v++)
                any |= strcasecmp(values[v], filters[j].value) == 0;
        }
        if (!any)
            return false;
    }
    return true;
}

static long
model_count(const filter_t *filters, size_t n)
{
    long count = 0;
    for (int i = 0; i < n_model; i++)
        count += model_matches(&model[i], filters, n);
    return count;
}

/* The values 'doc' counts for in the facet 'field' of a search with
 * 'filters': its own, but for the derived facets (docs/index-schema.md):
 * with a country filter, the statuses the filtered countries reported;
 * with a status filter, the countries that reported a filtered status. */
static int
model_facet_values(const model_doc_t *doc, const filter_t *filters, size_t n,
                   const char *field, const char **out)
{
    bool by_status =
        strcmp(field, "country") == 0 && model_has_filter(filters, n, "status");
    bool by_country =
        strcmp(field, "status") == 0 && model_has_filter(filters, n, "country");
    int k = 0;
    if (!by_status && !by_country)
        return model_values(doc, field, out);
    for (int p = 0; p < doc->n_pairs; p++) {
        const char *value = by_status ? doc->pair_countries[p] : doc->pair_statuses[p];
        bool wanted = by_status
                          ? model_filtered(filters, n, "status", doc->pair_statuses[p])
                          : model_filtered(filters, n, "country", doc->pair_countries[p]);
        bool known = false;
        for (int v = 0; v < k; v++)
            known |= strcmp(out[v], value) == 0;
        if (wanted && !known)
            out[k++] = value;
    }
    return k;
}

/* Documents of the model with 'field' = 'value', among those matching
 * 'filters'. */
static long
model_facet(const filter_t *filters, size_t n, const char *field, const char *value)
{
    long count = 0;
    for (int i = 0; i < n_model; i++) {
        if (!model_matches(&model[i], filters, n))
            continue;
        const char *values[MODEL_MAX_VALUES];
        int k = model_facet_values(&model[i], filters, n, field, values);
        for (int v = 0; v < k; v++)
            if (strcmp(values[v], value) == 0) {
                count++;
                break;
            }
    }
    return count;
}

/* ---------------------------------------------------------------------- */
/* HTTP helpers                                                           */

static ms_it_t it;

static void
start_sample(void)
{
    load_model();
    /* A longer query limit than the default lets deeply nested queries
     * reach the parser instead of stopping at the length check. */
    ms_it_start(&it, ARCHIVE, "search:\n  max_query_length: 4096\n");
}

static void
stop(void)
{
    ms_it_stop(&it);
}

TestSuite(api, .init = start_sample, .fini = stop, .timeout = 60);

static void get(ms_http_t *out, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void
get(ms_http_t *out, const char *format, ...)
{
    char target[4096];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(target, sizeof(target), format, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof(target));
    ms_it_request_headers(out, &it, "GET", target, NULL, NULL);
}

static void
assert_json_reply(const ms_http_t *res)
{
    char buf[128];
    cr_assert_not_null(res->json, "body is not JSON: %.300s", res->body);
    cr_assert_str_eq(ms_http_header(res, "Content-Type", buf, sizeof(buf)),
                     "application/json; charset=utf-8");
    cr_assert_str_eq(ms_http_header(res, "X-Content-Type-Options", buf, sizeof(buf)),
                     "nosniff");
}

/* 200 with JSON; returns the JSON (borrowed from res). */
static json_t *
ok(const ms_http_t *res, const char *what)
{
    cr_assert_eq(res->status, 200, "%s: %ld %.300s", what, res->status, res->body);
    assert_json_reply(res);
    return res->json;
}

static void
assert_error(const ms_http_t *res, long status, const char *code, const char *what)
{
    cr_assert_eq(res->status, status, "%s: expected %ld, got %ld: %.300s", what, status,
                 res->status, res->body);
    assert_json_reply(res);
    cr_assert_eq(json_object_size(res->json), 1, "%s: error has other keys: %s", what,
                 res->body);
    json_t *error = json_object_get(res->json, "error");
    cr_assert(json_is_object(error), "%s: no error object: %s", what, res->body);
    cr_assert_eq(json_object_size(error), 2, "%s: %s", what, res->body);
    if (code)
        cr_assert_str_eq(json_string_value(json_object_get(error, "code")), code,
                         "%s: %s", what, res->body);
    const char *message = json_string_value(json_object_get(error, "message"));
    cr_assert(message && *message, "%s: error without a message", what);
    cr_assert_null(strstr(res->body, "/tmp/"), "%s: reveals a path: %s", what, res->body);
    cr_assert_null(strstr(res->body, "Xapian"), "%s: reveals internals: %s", what,
                   res->body);
}

static void
assert_healthy(const char *after)
{
    ms_http_t res;
    get(&res, "/health");
    cr_assert_eq(res.status, 200, "unhealthy after %s: %ld %s", after, res.status,
                 res.body);
    ms_http_free(&res);
}

static json_int_t
total_of(json_t *json)
{
    json_t *total = json_object_get(json, "total");
    cr_assert(json_is_object(total), "no total");
    return json_integer_value(json_object_get(total, "estimate"));
}

static json_t *
results_of(json_t *json)
{
    json_t *results = json_object_get(json, "results");
    cr_assert(json_is_array(results), "no results array");
    return results;
}

static const char *
hit_id(json_t *hit)
{
    const char *id = json_string_value(json_object_get(hit, "id"));
    cr_assert(id, "hit without id");
    return id;
}

/* Snippet HTML is safe as element content: after removing <mark> and
 * </mark>, no markup character or quote is left unescaped. */
static void
assert_safe_html(const char *html, const char *where)
{
    char *copy = strdup(html);
    cr_assert(copy);
    for (const char *tag;
         (tag = strstr(copy, "<mark>")) || (tag = strstr(copy, "</mark>"));) {
        size_t len = tag[1] == '/' ? 7 : 6;
        memmove((char *)tag, tag + len, strlen(tag + len) + 1);
    }
    cr_assert_null(strpbrk(copy, "<>\"'"), "%s: unescaped markup in snippet: %s", where,
                   html);
    free(copy);
}

/* The search with 'query' (already URL-encoded) must return exactly the
 * documents of the model that match 'filters' (n of them). */
static void
assert_filter_set(const char *query, const filter_t *filters, size_t n)
{
    ms_http_t res;
    get(&res, "/search?per_page=100%s%s", *query ? "&" : "", query);
    json_t *json = ok(&res, query);
    long expected = model_count(filters, n);
    cr_assert_gt(expected, 0, "%s: the model matches nothing; bad test", query);
    cr_assert_eq(total_of(json), expected, "%s: total %lld, expected %ld", query,
                 (long long)total_of(json), expected);
    json_t *results = results_of(json);
    cr_assert_eq((long)json_array_size(results), expected,
                 "%s: %zu results, expected %ld", query, json_array_size(results),
                 expected);
    size_t i;
    json_t *hit;
    json_array_foreach(results, i, hit)
    {
        const model_doc_t *doc = model_find(hit_id(hit));
        cr_assert(doc, "%s: unknown id %s", query, hit_id(hit));
        cr_assert(model_matches(doc, filters, n), "%s: %s should not match", query,
                  doc->id);
    }
    ms_http_free(&res);
}

/* ---------------------------------------------------------------------- */
/* The model against archive-expected.md                                  */

Test(api, model_agrees_with_archive_expected)
{
    cr_assert_eq(n_model, 49);
    static const struct {
        const char *field, *value;
        long count;
    } table[] = {
        {"type", "recommendation", 24},
        {"type", "workshop", 14},
        {"type", "report", 8},
        {"type", "other", 1},
        {"language", "en", 37},
        {"language", "fr", 5},
        {"language", "es", 3},
        {"language", "ru", 2},
        {"language", "ar", 1},
        {"language", "zh", 1},
        {"status", "implemented", 10},
        {"status", "partially implemented", 10},
        {"status", "not implemented", 6},
        {"status", "no information", 14},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++) {
        filter_t f = {table[i].field, table[i].value};
        cr_assert_eq(model_count(&f, 1), table[i].count, "%s=%s: model %ld, expected %ld",
                     f.field, f.value, model_count(&f, 1), table[i].count);
    }
}

/* ---------------------------------------------------------------------- */
/* /search                                                                 */

Test(api, search_filters_each_field_or_within_and_across)
{
    static const filter_t kg = {"country", "Kyrgyzstan"}, kz = {"country", "Kazakhstan"},
                          traf = {"theme", "trafficking"};
    assert_filter_set("country=Kyrgyzstan", &kg, 1);
    assert_filter_set("country=kyrgyzstan", &kg, 1);
    assert_filter_set("country=Kyrgyzstan&country=Kazakhstan", (filter_t[]){kg, kz}, 2);
    assert_filter_set("country=Kyrgyzstan&theme=trafficking", (filter_t[]){kg, traf}, 2);
    assert_filter_set("country=Kyrgyzstan&country=Kazakhstan&theme=trafficking",
                      (filter_t[]){kg, kz, traf}, 3);
    assert_filter_set("type=recommendation&type=workshop",
                      (filter_t[]){{"type", "recommendation"}, {"type", "workshop"}}, 2);
    assert_filter_set("process=Issyk-Kul+Dialogue",
                      &(filter_t){"process", "Issyk-Kul Dialogue"}, 1);
    assert_filter_set("process=AU%2FIMP%20Dialogue",
                      &(filter_t){"process", "AU/IMP Dialogue"}, 1);
    assert_filter_set("meeting=ikd-2003-dushanbe",
                      &(filter_t){"meeting", "ikd-2003-dushanbe"}, 1);
    assert_filter_set("meeting=ikd-2002-cholponata",
                      &(filter_t){"meeting", "ikd-2002-cholponata"}, 1);
    assert_filter_set("country=C%C3%B4te+d%27Ivoire",
                      &(filter_t){"country", "C\xc3\xb4te d'Ivoire"}, 1);
    assert_filter_set("theme=migrants%27+rights",
                      &(filter_t){"theme", "migrants' rights"}, 1);
    assert_filter_set("status=implemented", &(filter_t){"status", "implemented"}, 1);
    assert_filter_set(
        "status=partially+implemented&status=no+information",
        (filter_t[]){{"status", "partially implemented"}, {"status", "no information"}},
        2);
    assert_filter_set("lang=fr", &(filter_t){"language", "fr"}, 1);
    assert_filter_set("lang=es&lang=ru",
                      (filter_t[]){{"language", "es"}, {"language", "ru"}}, 2);
    assert_filter_set("type=recommendation&lang=fr&country=Senegal",
                      (filter_t[]){{"type", "recommendation"},
                                   {"language", "fr"},
                                   {"country", "Senegal"}},
                      3);

    /* A query and a filter together: hawala is in one AU recommendation. */
    ms_http_t res;
    get(&res, "/search?q=hawala&process=AU%%2FIMP+Dialogue");
    json_t *json = ok(&res, "hawala in AU/IMP");
    cr_assert_eq(total_of(json), 1);
    cr_assert_str_eq(hit_id(json_array_get(results_of(json), 0)),
                     "au-2002-addis-ababa-recommendations");
    ms_http_free(&res);
    get(&res, "/search?q=hawala&process=Issyk-Kul+Dialogue");
    cr_assert_eq(total_of(ok(&res, "hawala in IKD")), 0);
    cr_assert_eq(json_array_size(results_of(res.json)), 0);
    ms_http_free(&res);

    /* A value nobody has: no results, not an error. */
    get(&res, "/search?country=Atlantis");
    cr_assert_eq(total_of(ok(&res, "Atlantis")), 0);
    ms_http_free(&res);
}

/* A date string padded for comparisons: "2001-07" -> "2001-07-00". */
static void
pad_date(char out[11], const char *date, char fill)
{
    snprintf(out, 11, "%s", date);
    for (size_t i = strlen(out); i < 10; i++)
        out[i] = (i == 4 || i == 7) ? '-' : fill;
    out[10] = '\0';
}

static void
assert_date_range(const char *params, const char *from, const char *to)
{
    char lo[11] = "0000-00-00", hi[11] = "9999-99-99";
    if (from)
        pad_date(lo, from, '0');
    if (to)
        pad_date(hi, to, '9');
    long expected = 0;
    for (int i = 0; i < n_model; i++) {
        char d[11];
        if (!model[i].date[0])
            continue;
        pad_date(d, model[i].date, '0');
        expected += strcmp(d, lo) >= 0 && strcmp(d, hi) <= 0;
    }
    cr_assert_gt(expected, 0);

    ms_http_t res;
    get(&res, "/search?per_page=100&%s", params);
    json_t *json = ok(&res, params);
    cr_assert_eq(total_of(json), expected, "%s: total %lld, expected %ld", params,
                 (long long)total_of(json), expected);
    size_t i;
    json_t *hit;
    json_array_foreach(results_of(json), i, hit)
    {
        const char *date = json_string_value(json_object_get(hit, "date"));
        char d[11];
        cr_assert(date, "%s: %s has no date", params, hit_id(hit));
        pad_date(d, date, '0');
        cr_assert(strcmp(d, lo) >= 0 && strcmp(d, hi) <= 0, "%s: %s dated %s", params,
                  hit_id(hit), date);
    }
    ms_http_free(&res);
}

Test(api, search_dates_from_to)
{
    assert_date_range("from=2004-06-01", "2004-06-01", NULL);
    assert_date_range("to=2000", NULL, "2000");
    assert_date_range("from=2001&to=2002", "2001", "2002");
    assert_date_range("from=2003-01-01&to=2003-12-31", "2003-01-01", "2003-12-31");

    /* An inverted range matches nothing; a malformed date is a 400. */
    ms_http_t res;
    get(&res, "/search?from=2004&to=2001");
    cr_assert(res.status == 200 || res.status == 400, "%ld", res.status);
    if (res.status == 200)
        cr_assert_eq(total_of(res.json), 0);
    ms_http_free(&res);
    static const char *const bad[] = {
        "from=yesterday", "to=2003-13-01", "from=2003-1-1",
        "from=",          "to=20031",      "from=2003-02-30x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        get(&res, "/search?%s", bad[i]);
        assert_error(&res, 400, "bad_request", bad[i]);
        ms_http_free(&res);
    }
}

/* Dates of the results are monotonic; undated documents come last. */
static void
assert_sorted(const char *params, int direction, const char *first_id)
{
    ms_http_t res;
    get(&res, "/search?per_page=100&%s", params);
    json_t *results = results_of(ok(&res, params));
    cr_assert_gt(json_array_size(results), 2);
    char previous[11] = "";
    bool undated = false;
    size_t i;
    json_t *hit;
    json_array_foreach(results, i, hit)
    {
        const char *date = json_string_value(json_object_get(hit, "date"));
        if (!date) {
            undated = true;
            continue;
        }
        cr_assert(!undated, "%s: dated %s after an undated document", params,
                  hit_id(hit));
        char d[11];
        pad_date(d, date, '0');
        if (previous[0])
            cr_assert(direction * strcmp(d, previous) >= 0, "%s: %s (%s) after %s",
                      params, hit_id(hit), date, previous);
        memcpy(previous, d, sizeof(previous));
    }
    if (first_id)
        cr_assert_str_eq(hit_id(json_array_get(results, 0)), first_id, "%s", params);
    ms_http_free(&res);
}

Test(api, search_sorts_newest_and_oldest)
{
    assert_sorted("sort=newest", -1, "imp-2004-final-evaluation");
    assert_sorted("sort=oldest", 1, "imp-1998-programme-document");
    assert_sorted("q=trafficking&sort=newest", -1, NULL);
    assert_sorted("q=trafficking&sort=oldest", 1, NULL);
    assert_sorted("country=Kyrgyzstan&sort=newest", -1, NULL);

    /* Relevance is the default and may be asked for by name. */
    ms_http_t a, b;
    get(&a, "/search?q=trafficking&per_page=100");
    get(&b, "/search?q=trafficking&per_page=100&sort=relevance");
    json_t *ra = results_of(ok(&a, "default")), *rb = results_of(ok(&b, "relevance"));
    cr_assert_eq(json_array_size(ra), json_array_size(rb));
    double last = 1e300;
    for (size_t i = 0; i < json_array_size(ra); i++) {
        cr_assert_str_eq(hit_id(json_array_get(ra, i)), hit_id(json_array_get(rb, i)));
        double score = json_number_value(json_object_get(json_array_get(ra, i), "score"));
        cr_assert_leq(score, last, "relevance order is not by score");
        last = score;
    }
    ms_http_free(&a);
    ms_http_free(&b);

    get(&a, "/search?sort=random");
    assert_error(&a, 400, "bad_request", "sort=random");
    ms_http_free(&a);
}

Test(api, search_pages_partition_the_results)
{
    ms_http_t all, res;
    get(&all, "/search?sort=oldest&per_page=100");
    json_t *everything = results_of(ok(&all, "all"));
    cr_assert_eq(json_array_size(everything), (size_t)n_model);
    cr_assert_eq(total_of(all.json), n_model);

    size_t seen = 0;
    for (int page = 1; page <= 10; page++) {
        get(&res, "/search?sort=oldest&per_page=7&page=%d", page);
        json_t *json = ok(&res, "page");
        json_t *results = results_of(json);
        cr_assert_eq(json_integer_value(json_object_get(json, "page")), page);
        cr_assert_eq(json_integer_value(json_object_get(json, "per_page")), 7);
        cr_assert_eq(total_of(json), n_model, "total differs on page %d", page);
        size_t expected = seen >= (size_t)n_model      ? 0
                          : (size_t)n_model - seen > 7 ? 7
                                                       : (size_t)n_model - seen;
        cr_assert_eq(json_array_size(results), expected, "page %d", page);
        for (size_t i = 0; i < json_array_size(results); i++)
            cr_assert_str_eq(hit_id(json_array_get(results, i)),
                             hit_id(json_array_get(everything, seen + i)),
                             "page %d item %zu", page, i);
        seen += json_array_size(results);
        ms_http_free(&res);
    }
    cr_assert_eq(seen, (size_t)n_model);
    ms_http_free(&all);

    /* Default per_page is search.per_page (10); the last allowed page is
     * empty, not an error. */
    get(&res, "/search");
    cr_assert_eq(json_array_size(results_of(ok(&res, "default"))), 10);
    cr_assert_eq(json_integer_value(json_object_get(res.json, "per_page")), 10);
    ms_http_free(&res);
    get(&res, "/search?page=1000");
    cr_assert_eq(json_array_size(results_of(ok(&res, "page 1000"))), 0);
    ms_http_free(&res);
    get(&res, "/search?per_page=100");
    ok(&res, "per_page 100");
    ms_http_free(&res);
    get(&res, "/search?per_page=101");
    assert_error(&res, 400, "bad_request", "per_page=101");
    ms_http_free(&res);
}

/* The count of 'value' in facet 'field' of 'json', or -1 if absent.
 * Accepts facets as {"field": [{"value": v, "count": n}, ...]} or
 * {"field": {"v": n}}. */
static long
facet_count(json_t *json, const char *field, const char *value)
{
    json_t *facets = json_object_get(json, "facets");
    cr_assert(json_is_object(facets) || json_is_array(facets), "no facets: %.300s",
              json_dumps(json, 0));
    json_t *facet = NULL;
    if (json_is_object(facets)) {
        facet = json_object_get(facets, field);
    } else {
        size_t i;
        json_t *f;
        json_array_foreach(facets, i, f)
        {
            const char *name = json_string_value(json_object_get(f, "field"));
            if (name && strcmp(name, field) == 0)
                facet = json_object_get(f, "values");
        }
    }
    cr_assert(facet, "no facet %s", field);
    if (json_is_object(facet)) {
        json_t *count = json_object_get(facet, value);
        return count ? (long)json_integer_value(count) : -1;
    }
    cr_assert(json_is_array(facet), "facet %s is neither array nor object", field);
    size_t i;
    json_t *entry;
    json_array_foreach(facet, i, entry)
    {
        const char *v = json_string_value(json_object_get(entry, "value"));
        if (v && strcmp(v, value) == 0)
            return (long)json_integer_value(json_object_get(entry, "count"));
    }
    return -1;
}

/* Number of values in facet 'field' of 'json'. */
static size_t
facet_size(json_t *json, const char *field)
{
    json_t *facets = json_object_get(json, "facets");
    json_t *facet = json_is_object(facets) ? json_object_get(facets, field) : NULL;
    if (json_is_object(facet))
        return json_object_size(facet);
    if (json_is_array(facet))
        return json_array_size(facet);
    return 0;
}

/* Every value of 'field' in the model has its exact count in the facets
 * of the search 'query' (with 'filters' as its model), and there are no
 * other values. */
static void
assert_facet(json_t *json, const char *query, const filter_t *filters, size_t n,
             const char *field, const char *api_field)
{
    const char *seen[256];
    size_t n_seen = 0;
    for (int i = 0; i < n_model; i++) {
        if (!model_matches(&model[i], filters, n))
            continue;
        const char *values[MODEL_MAX_VALUES];
        int k = model_facet_values(&model[i], filters, n, field, values);
        for (int v = 0; v < k; v++) {
            bool known = false;
            for (size_t s = 0; s < n_seen; s++)
                known |= strcmp(seen[s], values[v]) == 0;
            if (known)
                continue;
            cr_assert_lt(n_seen, sizeof(seen) / sizeof(*seen));
            seen[n_seen++] = values[v];
            long expected = model_facet(filters, n, field, values[v]);
            long got = facet_count(json, api_field, values[v]);
            cr_assert_eq(got, expected, "%s: facet %s=%s is %ld, expected %ld", query,
                         api_field, values[v], got, expected);
        }
    }
    cr_assert_eq(facet_size(json, api_field), n_seen,
                 "%s: facet %s has %zu values, "
                 "expected %zu",
                 query, api_field, facet_size(json, api_field), n_seen);
}

/* The API may call the language facet "lang" (as the filter) or
 * "language" (as the result key). */
static const char *
language_facet(json_t *json)
{
    json_t *facets = json_object_get(json, "facets");
    if (json_is_object(facets) && json_object_get(facets, "lang"))
        return "lang";
    return "language";
}

Test(api, facets_count_every_value_exactly)
{
    static const char *const fields[] = {"type",    "status",  "country", "theme",
                                         "process", "meeting", "year"};
    ms_http_t res;
    get(&res, "/search");
    json_t *json = ok(&res, "browse");
    cr_assert_eq(total_of(json), n_model);
    for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++)
        assert_facet(json, "browse", NULL, 0, fields[f], fields[f]);
    assert_facet(json, "browse", NULL, 0, "language", language_facet(json));
    /* The figures of archive-expected.md, by name, as a second opinion. */
    cr_assert_eq(facet_count(json, "type", "recommendation"), 24);
    cr_assert_eq(facet_count(json, language_facet(json), "en"), 37);
    cr_assert_eq(facet_count(json, "status", "partially implemented"), 10);
    /* Multi-valued: every document counts once under each of its
     * countries, so the country counts add up to more than the total. */
    cr_assert_eq(facet_count(json, "country", "Kazakhstan"),
                 model_facet(NULL, 0, "country", "Kazakhstan"));
    ms_http_free(&res);

    /* facets=0 skips the work. */
    get(&res, "/search?facets=0");
    cr_assert(json_is_null(json_object_get(ok(&res, "facets=0"), "facets")), "%.300s",
              res.body);
    ms_http_free(&res);

    /* Facets follow the query and the filters, not just the page. */
    static const filter_t kg = {"country", "Kyrgyzstan"};
    get(&res, "/search?country=Kyrgyzstan&per_page=1");
    json = ok(&res, "Kyrgyzstan");
    cr_assert_eq(json_array_size(results_of(json)), 1);
    for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++)
        assert_facet(json, "Kyrgyzstan", &kg, 1, fields[f], fields[f]);
    assert_facet(json, "Kyrgyzstan", &kg, 1, "language", language_facet(json));
    ms_http_free(&res);

    static const filter_t rec_or_ws[] = {
        {"type", "recommendation"}, {"type", "workshop"}, {"status", "implemented"}};
    get(&res, "/search?type=recommendation&type=workshop&status=implemented");
    json = ok(&res, "rec|ws & implemented");
    for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++)
        assert_facet(json, "rec|ws & implemented", rec_or_ws, 3, fields[f], fields[f]);
    ms_http_free(&res);
}

Test(api, search_query_language)
{
    static const struct {
        const char *q;
        long total;
        const char *first; /* the only or best hit, or NULL */
    } cases[] = {
        {"hawala", 1, "au-2002-addis-ababa-recommendations"},
        {"spokesperson", 1, "ikd-2004-press-release"},
        {"saisonniers", 1, "kmi-2003-atelier-mobilite"},
        {"symbol%3AIMP%2FIKD%2F2001%2F3", 1, "ikd-2001-bishkek-recommendations"},
        {"%22trafficking+in+human+beings%22", -1, NULL},
        {"title%3A%22key+migration+issues%22", -1, NULL},
        {"hawala+OR+spokesperson", 2, NULL},
        {"hawala+AND+spokesperson", 0, NULL},
        {"hawala+NOT+recommendations", 0, NULL},
        {"%2Bhawala+-spokesperson", 1, "au-2002-addis-ababa-recommendations"},
        {"remittances+NEAR+costs", -1, NULL},
        {"traffick*", -1, NULL},
    };
    ms_http_t res;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        get(&res, "/search?q=%s&per_page=100", cases[i].q);
        json_t *json = ok(&res, cases[i].q);
        if (cases[i].total >= 0)
            cr_assert_eq(total_of(json), cases[i].total, "%s: %lld hits", cases[i].q,
                         (long long)total_of(json));
        else
            cr_assert_gt(total_of(json), 0, "%s: no hits", cases[i].q);
        if (cases[i].first)
            cr_assert_str_eq(hit_id(json_array_get(results_of(json), 0)), cases[i].first,
                             "%s", cases[i].q);
        cr_assert_eq(json_object_get(json, "plain_words"), json_false(),
                     "%s: plain words", cases[i].q);
        ms_http_free(&res);
    }

    /* Field prefixes agree with the filters. */
    assert_filter_set("q=country%3AKyrgyzstan", &(filter_t){"country", "Kyrgyzstan"}, 1);
    assert_filter_set("q=process%3A%22Issyk-Kul+Dialogue%22",
                      &(filter_t){"process", "Issyk-Kul Dialogue"}, 1);

    /* A UN symbol typed plainly finds its document first. */
    get(&res, "/search?q=IMP%%2FIKD%%2F2001%%2F3");
    json_t *json = ok(&res, "plain symbol");
    cr_assert_gt(total_of(json), 0);
    cr_assert_str_eq(hit_id(json_array_get(results_of(json), 0)),
                     "ikd-2001-bishkek-recommendations");
    ms_http_free(&res);

    /* Invalid syntax is searched as plain words. */
    get(&res, "/search?q=trafficking+AND");
    json = ok(&res, "trafficking AND");
    cr_assert_eq(json_object_get(json, "plain_words"), json_true());
    cr_assert_gt(total_of(json), 0);
    ms_http_free(&res);

    /* The answer echoes the query and says how it was understood. */
    get(&res, "/search?q=trafficking");
    json = ok(&res, "echo");
    cr_assert_str_eq(json_string_value(json_object_get(json, "query")), "trafficking");
    const char *understood = json_string_value(json_object_get(json, "understood"));
    cr_assert(understood && strstr(understood, "traffick"), "understood: %s",
              understood ? understood : "(none)");
    cr_assert(json_is_number(json_object_get(json, "took_ms")));
    json_t *total = json_object_get(json, "total");
    cr_assert_leq(json_integer_value(json_object_get(total, "lower")), total_of(json));
    cr_assert_geq(json_integer_value(json_object_get(total, "upper")), total_of(json));
    ms_http_free(&res);
}

Test(api, search_result_shape_and_did_you_mean)
{
    ms_http_t res;
    get(&res, "/search?q=trafficing");
    json_t *json = ok(&res, "misspelt");
    const char *dym = json_string_value(json_object_get(json, "did_you_mean"));
    cr_assert(dym, "no did_you_mean: %.400s", res.body);
    cr_assert_str_eq(dym, "trafficking");
    ms_http_free(&res);

    /* A correctly spelt query has no correction (null). */
    get(&res, "/search?q=trafficking");
    json = ok(&res, "spelt");
    cr_assert(json_is_null(json_object_get(json, "did_you_mean")),
              "did_you_mean should be null: %.300s", res.body);

    static const char *const keys[] = {"id",     "title",     "date",    "language",
                                       "type",   "process",   "meeting", "status",
                                       "symbol", "countries", "themes",  "score"};
    size_t i;
    json_t *hit;
    json_array_foreach(results_of(json), i, hit)
    {
        for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
            cr_assert(json_object_get(hit, keys[k]), "hit %s lacks %s", hit_id(hit),
                      keys[k]);
        cr_assert(json_is_array(json_object_get(hit, "countries")));
        cr_assert(json_is_array(json_object_get(hit, "themes")));
        cr_assert_null(json_object_get(hit, "source"), "source path shown in JSON");
        const model_doc_t *doc = model_find(hit_id(hit));
        cr_assert(doc, "unknown id %s", hit_id(hit));
        if (doc->type[0])
            cr_assert_str_eq(json_string_value(json_object_get(hit, "type")), doc->type);
        json_t *snippets = json_object_get(hit, "snippets");
        cr_assert(json_is_array(snippets) && json_array_size(snippets) >= 1,
                  "hit %s has no snippets", hit_id(hit));
        cr_assert_leq(json_array_size(snippets), 3, "more than search.snippets");
        size_t j;
        json_t *snippet;
        json_array_foreach(snippets, j, snippet)
        {
            const char *html = json_string_value(json_object_get(snippet, "html"));
            cr_assert(html, "snippet without html in %s", hit_id(hit));
            assert_safe_html(html, hit_id(hit));
        }
    }
    ms_http_free(&res);

    /* "(< 10 per cent)" and quotes come back escaped. */
    get(&res, "/search?q=%%22per+cent%%22&per_page=100");
    json = ok(&res, "per cent");
    bool lt = false;
    json_array_foreach(results_of(json), i, hit)
    {
        const char *s = json_string_value(json_object_get(hit, "snippet"));
        if (s) {
            assert_safe_html(s, hit_id(hit));
            lt |= strstr(s, "&lt;") != NULL;
        }
    }
    cr_assert(lt, "no snippet shows the escaped '<' of kmi-2002-trafficking-workshop");
    ms_http_free(&res);
}

Test(api, snippets_of_a_pdf_carry_the_page)
{
    static const struct {
        const char *word;
        json_int_t page;
    } words[] = {{"methodology", 1}, {"scorecard", 2}, {"timetable", 3}};
    for (size_t w = 0; w < sizeof(words) / sizeof(*words); w++) {
        ms_http_t res;
        get(&res, "/search?q=%s", words[w].word);
        json_t *json = ok(&res, words[w].word);
        json_t *hit = json_array_get(results_of(json), 0);
        cr_assert(hit, "%s: no hit", words[w].word);
        cr_assert_str_eq(hit_id(hit), "crs-2003-implementation-review");
        json_t *snippets = json_object_get(hit, "snippets");
        cr_assert(json_is_array(snippets) && json_array_size(snippets) > 0);
        json_t *first = json_array_get(snippets, 0);
        const char *html = json_string_value(json_object_get(first, "html"));
        char mark[64];
        snprintf(mark, sizeof(mark), "<mark>%s</mark>", words[w].word);
        cr_assert(html && strcasestr(html, mark), "%s: snippet %s", words[w].word,
                  html ? html : "(null)");
        cr_assert_eq(json_integer_value(json_object_get(first, "page")), words[w].page,
                     "%s: page %lld", words[w].word,
                     (long long)json_integer_value(json_object_get(first, "page")));
        ms_http_free(&res);
    }

    /* Several passages of a long document, best first: one per page that
     * holds a word of the query. */
    {
        ms_http_t all;
        get(&all, "/search?q=scorecard+OR+methodology+OR+timetable");
        json_t *hit = json_array_get(results_of(ok(&all, "three words")), 0);
        cr_assert_str_eq(hit_id(hit), "crs-2003-implementation-review");
        json_t *snippets = json_object_get(hit, "snippets");
        cr_assert_eq(json_array_size(snippets), 3, "%s", all.body);
        unsigned pages = 0;
        size_t i;
        json_t *snippet;
        json_array_foreach(snippets, i, snippet)
        {
            json_int_t page = json_integer_value(json_object_get(snippet, "page"));
            const char *html = json_string_value(json_object_get(snippet, "html"));
            cr_assert(page >= 1 && page <= 3, "page %lld", (long long)page);
            cr_assert(html && strstr(html, "<mark>"), "page %lld: %s", (long long)page,
                      html ? html : "(null)");
            pages |= 1u << page;
        }
        cr_assert_eq(pages, 0xe, "not one passage per page: %s", all.body);
        ms_http_free(&all);
    }

    /* A Markdown document has no pages. */
    ms_http_t res;
    get(&res, "/search?q=hawala");
    json_t *first = json_array_get(
        json_object_get(json_array_get(results_of(ok(&res, "md")), 0), "snippets"), 0);
    json_t *page = json_object_get(first, "page");
    cr_assert(!page || json_is_null(page) || json_integer_value(page) == 0,
              "a Markdown snippet has a page");
    ms_http_free(&res);
}

/* ---------------------------------------------------------------------- */
/* /doc, /doc/{id}/file, /suggest, /similar, /feed, /health, /metrics      */

Test(api, doc_of_a_recommendation_has_its_implementation_table)
{
    ms_http_t res;
    get(&res, "/doc/ikd-2002-cholponata.r3");
    json_t *json = ok(&res, "doc r3");
    cr_assert_str_eq(json_string_value(json_object_get(json, "id")),
                     "ikd-2002-cholponata.r3");
    cr_assert_str_eq(json_string_value(json_object_get(json, "type")), "recommendation");
    const char *text = json_string_value(json_object_get(json, "text"));
    cr_assert(text && strstr(text, "single visit and a single fee"), "text: %s",
              text ? text : "(null)");
    cr_assert(strstr(res.body, "ikd-2002-cholponata\""), "no meeting in %s", res.body);
    cr_assert_null(json_object_get(json, "source"), "source path shown in JSON");
    cr_assert_null(strstr(res.body, ".recommendations.yaml"), "file name leaked");

    /* The reports, one row per country, as in the recommendation set. */
    json_t *reports = json_object_get(json, "implementation");
    cr_assert(json_is_array(reports), "no implementation reports: %s", res.body);
    cr_assert_eq(json_array_size(reports), 2, "%s", res.body);
    static const char *const rows[][3] = {
        {"Kazakhstan", "not implemented", "2004-05"},
        {"Kyrgyzstan", "partially implemented", "2004-05"}};
    for (size_t i = 0; i < 2; i++) {
        json_t *row = json_array_get(reports, i);
        cr_assert_str_eq(json_string_value(json_object_get(row, "country")), rows[i][0]);
        cr_assert_str_eq(json_string_value(json_object_get(row, "status")), rows[i][1]);
        cr_assert_str_eq(json_string_value(json_object_get(row, "date")), rows[i][2]);
    }
    cr_assert(strstr(res.body, "two visits are still needed"), "obstacles missing");
    json_t *countries = json_object_get(json, "countries");
    cr_assert_eq(json_array_size(countries), 4, "participants: %s", res.body);
    ms_http_free(&res);

    /* An ordinary document, a missing one, and ids that try to escape. */
    get(&res, "/doc/ikd-2001-bishkek-recommendations");
    json = ok(&res, "doc bishkek");
    cr_assert_str_eq(json_string_value(json_object_get(json, "symbol")),
                     "IMP/IKD/2001/3");
    ms_http_free(&res);
    ms_http_t missing;
    get(&missing, "/doc/no-such-document");
    assert_error(&missing, 404, "not_found", "missing doc");
    /* Ids that reach migsearch-fcgi: nginx matched the location on its
     * normalised path, migsearch-fcgi routes on the raw REQUEST_URI. */
    static const char *const escapes[] = {"/doc/..%252F..%252Fetc%252Fpasswd",
                                          "/doc/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
                                          "/doc/x%2F..%2Fikd-2002-cholponata.r3",
                                          "/doc/a%2Fb",
                                          "/doc/..%5C",
                                          "/doc/..%252Fmigsearch.yaml/file",
                                          "/doc/x%2F..%2Fmigsearch.yaml/file",
                                          "/similar/..%252F..%252Fetc%252Fpasswd",
                                          "/doc/"};
    for (size_t i = 0; i < sizeof(escapes) / sizeof(*escapes); i++) {
        get(&res, "%s", escapes[i]);
        assert_error(&res, 404, "not_found", escapes[i]);
        ms_http_free(&res);
    }
    /* Ids that nginx resolves or refuses itself (400 for a path above the
     * root or with a NUL, 404 where no location matches, the landing page
     * for "/doc/.." = "/"): either way no file of the host comes back. */
    static const char *const raw[] = {"/doc/../../../../etc/passwd",
                                      "/doc/..%2F..%2Fetc%2Fpasswd",
                                      "/doc/..",
                                      "/doc/%2E%2E",
                                      "/doc/..%2Fconfig%2Fmigsearch.yaml",
                                      "/doc/..%2Fmigsearch.yaml/file",
                                      "/doc/%2E%2E%2Fmigsearch.yaml/file",
                                      "/doc/ikd-2002-cholponata.r3%00",
                                      "/doc/reports%2F..%2F..%2Fmigsearch.yaml/file",
                                      "/similar/..%2F..%2Fetc%2Fpasswd"};
    for (size_t i = 0; i < sizeof(raw) / sizeof(*raw); i++) {
        get(&res, "%s", raw[i]);
        /* nginx resolves "/doc/.." to "/", the search page. */
        cr_assert(res.status == 400 || res.status == 404 ||
                      (res.status == 200 &&
                       strstr(res.body, "<title>Migration archive search</title>")),
                  "%s: %ld %.300s", raw[i], res.status, res.body);
        cr_assert_null(strstr(res.body, "root:"), "%s", raw[i]);
        cr_assert_null(strstr(res.body, "index:"), "%s: a config file", raw[i]);
        /* nginx's own 400 is JSON too (nginx.conf.example, error_page). */
        if (res.json)
            assert_error(&res, res.status,
                         res.status == 400 ? "bad_request" : "not_found", raw[i]);
        ms_http_free(&res);
    }
    ms_http_free(&missing);
    assert_healthy("doc ids");
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

static void
assert_file(const char *id, const char *relpath, const char *content_type)
{
    char path[1024], buf[256];
    size_t length;
    snprintf(path, sizeof(path), "%s/%s", ARCHIVE, relpath);
    char *expected = read_whole(path, &length);
    ms_http_t res;
    get(&res, "/doc/%s/file", id);
    cr_assert_eq(res.status, 200, "%s/file: %ld %.300s", id, res.status, res.body);
    cr_assert_eq(res.length, length, "%s/file: %zu bytes, expected %zu", id, res.length,
                 length);
    cr_assert(memcmp(res.body, expected, length) == 0, "%s/file: other bytes", id);
    const char *type = ms_http_header(&res, "Content-Type", buf, sizeof(buf));
    cr_assert(!type || !strstr(type, "html"), "%s/file served as %s", id, type);
    if (content_type) {
        cr_assert(type && strncmp(type, content_type, strlen(content_type)) == 0,
                  "%s/file: Content-Type %s", id, type ? type : "(none)");
    }
    /* nginx consumed the internal redirect; the client never sees it. */
    cr_assert_null(ms_http_header(&res, "X-Accel-Redirect", buf, sizeof(buf)));
    ms_http_free(&res);
    free(expected);
}

Test(api, doc_file_serves_the_original_bytes)
{
    assert_file("crs-2003-implementation-review",
                "reports/crs-2003-implementation-review.pdf", "application/pdf");
    /* Text formats as plain text (nginx.conf.example's types), never as
     * HTML that would run as the portal. */
    assert_file("ikd-2001-bishkek-recommendations",
                "recommendations/ikd-2001-bishkek-recommendations.md", "text/plain");
    assert_file("reports.health-workers-2004-survey",
                "reports/health-workers-2004-survey.txt", "text/plain");
    /* A recommendation of a set has no file of its own (docs/api.md). */
    ms_http_t res;
    get(&res, "/doc/ikd-2002-cholponata.r3/file");
    assert_error(&res, 404, "not_found", "file of a recommendation");
    ms_http_free(&res);
    assert_file("ikd-2004-press-release", "reports/ikd-2004-press-release.html", NULL);

    /* The internal location itself is not reachable from outside, and
     * nothing may follow /file. */
    get(&res, "/_migsearch/files/reports/crs-2003-implementation-review.pdf");
    cr_assert_eq(res.status, 404, "internal location reachable: %ld", res.status);
    ms_http_free(&res);
    get(&res, "/doc/no-such-document/file");
    assert_error(&res, 404, "not_found", "missing file");
    ms_http_free(&res);
    get(&res, "/doc/crs-2003-implementation-review/file/");
    assert_error(&res, 404, "not_found", "file/");
    ms_http_free(&res);
    get(&res, "/doc/crs-2003-implementation-review");
    cr_assert_str_eq(json_string_value(json_object_get(ok(&res, "doc pdf"), "file")),
                     "/doc/crs-2003-implementation-review/file");
    ms_http_free(&res);
    get(&res, "/doc/ikd-2002-cholponata.r3");
    cr_assert(json_is_null(json_object_get(ok(&res, "doc r3"), "file")), "%s", res.body);
    ms_http_free(&res);
}

/* The strings of the first array of strings in 'json' (a /suggest answer). */
static json_t *
suggestions_of(json_t *json)
{
    json_t *list = json_object_get(json, "suggestions");
    if (!list && json_is_array(json))
        list = json;
    cr_assert(json_is_array(list), "no suggestions array");
    return list;
}

static bool
array_has_string(json_t *array, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            s = json_string_value(json_object_get(v, "text"));
        if (s && strcmp(s, value) == 0)
            return true;
    }
    return false;
}

Test(api, suggest_completes_words)
{
    ms_http_t res;
    get(&res, "/suggest?q=traff");
    json_t *list = suggestions_of(ok(&res, "suggest traff"));
    cr_assert(array_has_string(list, "trafficking"), "%s", res.body);
    cr_assert_leq(json_array_size(list), 8, "more than search.suggestions");
    ms_http_free(&res);

    /* The words before the last one are kept. */
    get(&res, "/suggest?q=human+traff");
    list = suggestions_of(ok(&res, "suggest human traff"));
    cr_assert(array_has_string(list, "human trafficking"), "%s", res.body);
    ms_http_free(&res);

    get(&res, "/suggest?q=zzqqxx");
    cr_assert_eq(json_array_size(suggestions_of(ok(&res, "no completion"))), 0);
    ms_http_free(&res);

    get(&res, "/suggest");
    assert_error(&res, 400, "bad_request", "suggest without q");
    ms_http_free(&res);
    get(&res, "/suggest?q=traff&bogus=1");
    assert_error(&res, 400, "bad_request", "suggest bogus");
    ms_http_free(&res);
    get(&res, "/suggest?q=%%FF");
    assert_error(&res, 400, "bad_request", "suggest bad utf-8");
    ms_http_free(&res);
}

Test(api, similar_finds_related_documents)
{
    ms_http_t res;
    get(&res, "/similar/ikd-2001-bishkek-recommendations");
    json_t *results = results_of(ok(&res, "similar"));
    cr_assert_gt(json_array_size(results), 0);
    size_t i;
    json_t *hit;
    json_array_foreach(results, i, hit)
    {
        cr_assert_str_neq(hit_id(hit), "ikd-2001-bishkek-recommendations",
                          "a document is similar to itself");
        cr_assert(model_find(hit_id(hit)), "unknown id %s", hit_id(hit));
    }
    ms_http_free(&res);

    get(&res, "/similar/ikd-2001-bishkek-recommendations?per_page=2");
    cr_assert_eq(json_array_size(results_of(ok(&res, "similar per_page"))), 2);
    ms_http_free(&res);
    get(&res, "/similar/ikd-2001-bishkek-recommendations?per_page=0");
    assert_error(&res, 400, "bad_request", "similar per_page=0");
    ms_http_free(&res);

    ms_http_t missing;
    get(&missing, "/similar/no-such-document");
    assert_error(&missing, 404, "not_found", "similar missing");
    get(&res, "/similar/..%%252F..%%252Fetc%%252Fpasswd");
    assert_error(&res, 404, "not_found", "similar ../");
    ms_http_free(&res);
    ms_http_free(&missing);
}

/* Well-formed XML (libxml2 parses it without error); returns the doc. */
static xmlDocPtr
parse_xml(const ms_http_t *res)
{
    xmlDocPtr doc =
        xmlReadMemory(res->body, (int)res->length, "feed.xml", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert(doc, "feed is not well-formed XML: %.400s", res->body);
    return doc;
}

static xmlNodePtr
child(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

Test(api, feed_is_atom_latest_added_first)
{
    ms_http_t res, newest;
    char buf[128];
    get(&res, "/feed?q=trafficking");
    cr_assert_eq(res.status, 200, "feed: %ld %.300s", res.status, res.body);
    const char *type = ms_http_header(&res, "Content-Type", buf, sizeof(buf));
    cr_assert(type && strncmp(type, "application/atom+xml", 20) == 0, "type %s",
              type ? type : "(none)");
    xmlDocPtr doc = parse_xml(&res);
    xmlNodePtr feed = xmlDocGetRootElement(doc);
    cr_assert_str_eq((const char *)feed->name, "feed");
    cr_assert(feed->ns && strcmp((const char *)feed->ns->href,
                                 "http://www.w3.org/2005/Atom") == 0,
              "not in the Atom namespace");
    cr_assert(child(feed, "id") && child(feed, "title") && child(feed, "updated"),
              "feed lacks id, title or updated");

    /* Entries: as many as the search has (at most search.feed_size), latest
     * added first, the first being the first match of sort=added. */
    get(&newest, "/search?q=trafficking&sort=added&per_page=100");
    json_t *results = results_of(ok(&newest, "newest"));
    size_t n_entries = 0;
    char previous[64] = "";
    for (xmlNodePtr e = feed->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry") != 0)
            continue;
        xmlNodePtr updated = child(e, "updated"), id = child(e, "id");
        cr_assert(updated && id && child(e, "title"), "entry %zu incomplete", n_entries);
        xmlChar *when = xmlNodeGetContent(updated);
        cr_assert(when);
        if (previous[0])
            cr_assert_leq(strcmp((const char *)when, previous), 0,
                          "entry %zu (%s) is newer than the one before (%s)", n_entries,
                          (const char *)when, previous);
        snprintf(previous, sizeof(previous), "%s", (const char *)when);
        xmlFree(when);
        if (n_entries == 0) {
            xmlChar *text = xmlNodeGetContent(id);
            const char *expected = hit_id(json_array_get(results, 0));
            xmlChar *link = NULL;
            xmlNodePtr l = child(e, "link");
            if (l)
                link = xmlGetProp(l, (const xmlChar *)"href");
            cr_assert(strstr((const char *)text, expected) ||
                          (link && strstr((const char *)link, expected)),
                      "first entry is %s, not %s", (const char *)text, expected);
            xmlFree(text);
            xmlFree(link);
        }
        n_entries++;
    }
    size_t expected = json_array_size(results) < 20 ? json_array_size(results) : 20;
    cr_assert_eq(n_entries, expected, "%zu entries, expected %zu", n_entries, expected);
    xmlFreeDoc(doc);
    ms_http_free(&res);
    ms_http_free(&newest);

    /* The same parameters as /search: a filter narrows the feed, and bad
     * parameters are rejected the same way. */
    get(&res, "/feed?q=hawala&country=Kyrgyzstan");
    cr_assert_eq(res.status, 200);
    doc = parse_xml(&res);
    cr_assert_null(child(xmlDocGetRootElement(doc), "entry"), "hawala in Kyrgyzstan");
    xmlFreeDoc(doc);
    ms_http_free(&res);
    static const char *const bad[] = {"/feed?bogus=1",    "/feed?page=2",
                                      "/feed?per_page=5", "/feed?facets=0",
                                      "/feed?q=%FF",      "/feed?from=never"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        get(&res, "%s", bad[i]);
        assert_error(&res, 400, "bad_request", bad[i]);
        ms_http_free(&res);
    }
}

Test(api, health_and_metrics)
{
    ms_http_t res;
    get(&res, "/health");
    json_t *json = ok(&res, "health");
    cr_assert_str_eq(json_string_value(json_object_get(json, "status")), "ok");
    cr_assert_eq(json_integer_value(json_object_get(json, "documents")), n_model);
    cr_assert_gt(json_integer_value(json_object_get(json, "revision")), 0);
    json_t *last = json_object_get(json, "last_commit");
    cr_assert(last && !json_is_null(last), "no last_commit: %s", res.body);
    if (json_is_string(last)) {
        /* ISO 8601, and not in the future. */
        const char *s = json_string_value(last);
        cr_assert(strlen(s) >= 19 && s[4] == '-' && s[10] == 'T', "last_commit %s", s);
        char now[32];
        time_t t = time(NULL) + 5;
        strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S", gmtime(&t));
        cr_assert_leq(strncmp(s, now, 19), 0, "last_commit %s in the future", s);
    } else {
        cr_assert(json_is_integer(last), "last_commit is neither text nor a number");
        cr_assert_leq(json_integer_value(last), (json_int_t)time(NULL) + 5);
        cr_assert_gt(json_integer_value(last), (json_int_t)time(NULL) - 3600);
    }
    ms_http_free(&res);

    /* Requests of every endpoint show up in the counters. */
    static const char *const targets[] = {
        "/search?q=trafficking", "/doc/no-such-document", "/suggest?q=traff",
        "/similar/ikd-2001-bishkek-recommendations", "/feed?q=trafficking"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(*targets); i++) {
        get(&res, "%s", targets[i]);
        ms_http_free(&res);
    }
    char buf[128];
    get(&res, "/metrics");
    cr_assert_eq(res.status, 200);
    const char *type = ms_http_header(&res, "Content-Type", buf, sizeof(buf));
    cr_assert(type && strncmp(type, "text/plain", 10) == 0);
    static const char *const series[] = {
        "migsearch_requests_total{endpoint=\"search\",status=\"200\"}",
        "migsearch_requests_total{endpoint=\"doc\",status=\"404\"}",
        "migsearch_requests_total{endpoint=\"suggest\",status=\"200\"}",
        "migsearch_requests_total{endpoint=\"similar\",status=\"200\"}",
        "migsearch_requests_total{endpoint=\"feed\",status=\"200\"}",
        "migsearch_request_duration_seconds_bucket{endpoint=\"search\"",
        "migsearch_index_revision ",
        "migsearch_index_reopens_total "};
    for (size_t i = 0; i < sizeof(series) / sizeof(*series); i++)
        cr_assert(strstr(res.body, series[i]), "no %s in /metrics", series[i]);
    ms_http_free(&res);
}

/* ---------------------------------------------------------------------- */
/* Bad input                                                               */

static long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* 'n' copies of 'unit' between 'before' and 'after'. */
static char *
repeat(const char *before, const char *unit, size_t n, const char *middle,
       const char *unit2, const char *after)
{
    size_t size = strlen(before) + n * (strlen(unit) + strlen(unit2)) + strlen(middle) +
                  strlen(after) + 1;
    char *s = malloc(size), *p = s;
    cr_assert(s);
    p += sprintf(p, "%s", before);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", unit);
    p += sprintf(p, "%s", middle);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", unit2);
    sprintf(p, "%s", after);
    return s;
}

Test(api, empty_and_oversized_queries)
{
    ms_http_t res;
    get(&res, "/search?q=");
    json_t *json = ok(&res, "empty q");
    cr_assert_eq(total_of(json), n_model, "an empty query browses everything");
    ms_http_free(&res);
    get(&res, "/search?q=+++");
    ok(&res, "blank q");
    ms_http_free(&res);

    /* 1 MB (10^6 bytes; libcurl builds no request over 2^20 bytes): nginx
     * refuses so long a request line itself (414), or it reaches
     * migsearch-fcgi, which searches the first words (200). */
    char *target = repeat("/search?q=", "a", 1000000, "", "", "");
    long start = now_ms();
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    cr_assert(res.status == 414 || res.status == 200, "1 MB q: %ld", res.status);
    if (res.status == 200)
        assert_json_reply(&res);
    cr_assert_lt(now_ms() - start, 5000, "1 MB q took %ld ms", now_ms() - start);
    ms_http_free(&res);
    free(target);
    assert_healthy("1 MB q");

    /* search.max_query_length (1024 by default, restored here) counts
     * decoded bytes: 1,024 are searched as they are; a longer q is not
     * refused but cut by the index to its first words, searched as plain
     * words (docs/api.md, "Bounds"). */
    ms_it_stop(&it);
    ms_it_start(&it, ARCHIVE, NULL);
    target = repeat("/search?q=trafficking", "+", 1024 - 11, "", "", "");
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    cr_assert_eq(res.status, 200, "1,024-byte query: %ld %.200s", res.status, res.body);
    cr_assert_gt(total_of(res.json), 0);
    ms_http_free(&res);
    free(target);
    target = repeat("/search?q=trafficking", "%20", 1024 - 10, "", "", "");
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    cr_assert_eq(res.status, 200, "1,025-byte query: %ld %.200s", res.status, res.body);
    cr_assert_eq(json_object_get(res.json, "plain_words"), json_true(), "1,025 bytes");
    cr_assert_gt(total_of(res.json), 0, "1,025 bytes: the first word is searched");
    ms_http_free(&res);
    free(target);

    /* Under both limits: a query of 947 bytes in 40 words is searched. */
    target = repeat("/search?q=trafficking", "+abcdefghijklmnopqrstuvw", 39, "", "", "");
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    cr_assert_eq(res.status, 200, "947-byte query: %ld %.200s", res.status, res.body);
    cr_assert_gt(total_of(res.json), 0);
    ms_http_free(&res);
    free(target);

    /* More terms than search.max_terms (64): the first 64 are searched as
     * plain words, not refused (a delegate pasting a paragraph). */
    target = repeat("/search?q=trafficking", "+w", 100, "", "", "");
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    cr_assert_eq(res.status, 200, "101 terms: %ld %.200s", res.status, res.body);
    cr_assert_eq(json_object_get(res.json, "plain_words"), json_true(), "101 terms");
    cr_assert_gt(total_of(res.json), 0, "the first word is searched");
    ms_http_free(&res);
    free(target);
    assert_healthy("long queries");
}

Test(api, deeply_nested_brackets_answer_fast)
{
    ms_http_t res;
    /* 10,000 levels, URL-encoded: 60 kB, which nginx may refuse (414). */
    char *target = repeat("/search?q=", "%28", 10000, "trafficking", "%29", "");
    long start = now_ms();
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    long took = now_ms() - start;
    cr_assert(res.status == 414 || res.status == 400 || res.status == 200,
              "10000 brackets: %ld", res.status);
    if (res.status != 414)
        cr_assert_not_null(res.json, "not JSON: %.200s", res.body);
    cr_assert_lt(took, 3000, "10000 brackets took %ld ms", took);
    ms_http_free(&res);
    free(target);

    /* Deep nesting that does reach the parser (raw brackets, up to 2,000
     * levels, 4 kB: under nginx's 8 kB request line and this suite's
     * max_query_length of 4096, the most the config allows). Brackets are neither words
     * nor operators, so max_terms does not apply: deeper than search.max_depth (16) is
     * searched as plain words, and "trafficking" is still found
     * (docs/api.md, "Bounds"). */
    static const size_t depths[] = {16, 17, 100, 1000, 2000};
    for (size_t d = 0; d < sizeof(depths) / sizeof(*depths); d++) {
        target = repeat("/search?q=", "(", depths[d], "trafficking", ")", "");
        start = now_ms();
        ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
        took = now_ms() - start;
        cr_assert_eq(res.status, 200, "%zu brackets: %ld %.200s", depths[d], res.status,
                     res.body);
        assert_json_reply(&res);
        cr_assert_eq(json_object_get(res.json, "plain_words"),
                     depths[d] > 16 ? json_true() : json_false(), "%zu brackets: %.200s",
                     depths[d], res.body);
        cr_assert_gt(total_of(res.json), 0, "%zu brackets: no hits", depths[d]);
        cr_assert_lt(took, 3000, "%zu brackets took %ld ms", depths[d], took);
        ms_http_free(&res);
        free(target);
    }
    /* Unbalanced: searched as plain words. */
    target = repeat("/search?q=", "(", 2500, "trafficking", "", "");
    ms_it_request_headers(&res, &it, "GET", target, NULL, NULL);
    cr_assert_eq(res.status, 200, "unbalanced: %ld %.200s", res.status, res.body);
    cr_assert_eq(json_object_get(res.json, "plain_words"), json_true());
    cr_assert_gt(total_of(res.json), 0);
    ms_http_free(&res);
    free(target);
    assert_healthy("brackets");
}

Test(api, wildcards_are_bounded)
{
    ms_http_t res;
    get(&res, "/search?q=*");
    cr_assert(res.status == 200 || res.status == 400, "*: %ld %s", res.status, res.body);
    if (res.status == 400)
        assert_error(&res, 400, "bad_query", "*");
    else
        assert_json_reply(&res);
    ms_http_free(&res);

    long start = now_ms();
    get(&res, "/search?q=a*");
    cr_assert(res.status == 200 || res.status == 400, "a*: %ld %s", res.status, res.body);
    if (res.status == 400) {
        assert_error(&res, 400, "bad_query", "a*");
    } else {
        assert_json_reply(&res);
        cr_assert_gt(total_of(res.json), 0, "a* finds nothing");
    }
    cr_assert_lt(now_ms() - start, 3000);
    ms_http_free(&res);

    get(&res, "/search?q=*a");
    cr_assert(res.status == 200 || res.status == 400, "*a: %ld", res.status);
    cr_assert_not_null(res.json);
    ms_http_free(&res);
    get(&res, "/search?q=title%%3A*+OR+country%%3A*");
    cr_assert(res.status == 200 || res.status == 400, "field *: %ld", res.status);
    cr_assert_not_null(res.json);
    ms_http_free(&res);
    assert_healthy("wildcards");
}

Test(api, bad_encoding_and_parameters_are_400)
{
    static const char *const bad[] = {
        "/search?q=%FF",       /* invalid UTF-8 */
        "/search?q=%C0%AF",    /* overlong encoding of '/' */
        "/search?q=%ED%A0%80", /* a UTF-16 surrogate */
        "/search?q=caf%C3",    /* truncated sequence */
        "/search?q=%zz",       /* bad percent-encoding */
        "/search?q=abc%",      /* % at the end */
        "/search?q=%4",        /* one hex digit */
        "/search?q=a%00b",     /* NUL */
        "/search?country=%FF", /* in a filter */
        "/search?country=",    /* empty filter value */
        "/search?foo=bar",     /* unknown parameter */
        "/search?q=a&q=b",     /* repeated q */
        "/search?page=-1",
        "/search?page=0",
        "/search?page=%2B1",
        "/search?page=1.5",
        "/search?page=",
        "/search?page=abc",
        "/search?page=1001",
        "/search?page=99999999999999999999999999",
        "/search?per_page=0",
        "/search?per_page=-5",
        "/search?per_page=18446744073709551617",
        "/search?sort=",
    };
    ms_http_t res;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        get(&res, "%s", bad[i]);
        assert_error(&res, 400, "bad_request", bad[i]);
        ms_http_free(&res);
    }
    get(&res, "/search?q=trafficking&unknown_thing=1");
    assert_error(&res, 400, "bad_request", "unknown parameter");
    cr_assert(strstr(res.body, "unknown_thing"), "message does not name it: %s",
              res.body);
    ms_http_free(&res);
    assert_healthy("bad parameters");
}

Test(api, methods_and_request_bodies)
{
    ms_http_t res;
    /* A body on GET is ignored: the query string decides. */
    ms_it_request_headers(&res, &it, "GET", "/search?q=hawala", "q=trafficking&page=-1",
                          (const char *const[]){"Content-Type: "
                                                "application/x-www-form-urlencoded",
                                                NULL});
    json_t *json = ok(&res, "GET with body");
    cr_assert_eq(total_of(json), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json, "query")), "hawala");
    ms_http_free(&res);

    /* A large body too. */
    char *body = repeat("", "x", 200000, "", "", "");
    ms_it_request_headers(&res, &it, "GET", "/search?q=hawala", body, NULL);
    cr_assert(res.status == 200 || res.status == 413, "GET with 200 kB body: %ld",
              res.status);
    ms_http_free(&res);
    free(body);

    ms_it_request_headers(&res, &it, "POST", "/search", "q=hawala", NULL);
    assert_error(&res, 405, "method_not_allowed", "POST");
    ms_http_free(&res);

    ms_it_request_headers(&res, &it, "HEAD", "/search?q=hawala", NULL, NULL);
    cr_assert_eq(res.status, 200);
    cr_assert_eq(res.length, 0);
    ms_http_free(&res);

    get(&res, "/nowhere");
    cr_assert_eq(res.status, 404);
    ms_http_free(&res);
    assert_healthy("methods");
}

/* ---------------------------------------------------------------------- */
/* Concurrency                                                             */

/* Every worker thread at once on the endpoints of the API: nothing shared
 * between threads may break (the access filter, the parser, the spelling
 * and facet code all run in every request). */
Test(api, concurrent_requests_never_fail)
{
    static const char *const targets[] = {
        "/search?q=trafficking",
        "/search?q=remittances+AND+diaspora&sort=newest",
        "/search?country=Kyrgyzstan&type=recommendation",
        "/search?q=trafficing",
        "/search?q=traffick*",
        "/search?q=IMP%2FIKD%2F2001%2F3",
        "/search?from=2002&to=2003&sort=oldest",
        "/search",
        "/suggest?q=traff",
        "/similar/ikd-2001-bishkek-recommendations",
        "/doc/ikd-2002-cholponata.r3",
        "/health",
        NULL};
    ms_it_load_stats_t stats;
    ms_it_load_t *load = ms_it_load_start(&it, 48, targets, NULL);
    cr_assert(load);
    usleep(8000 * 1000);
    ms_it_load_stop(load, &stats);
    cr_assert_gt(stats.ok, 100, "only %lu requests answered", stats.ok);
    cr_assert_eq(stats.non_2xx + stats.transfer_errors + stats.bad_bodies, 0,
                 "%lu non-2xx, %lu transfer errors, %lu bad bodies of %lu; first: %s",
                 stats.non_2xx, stats.transfer_errors, stats.bad_bodies, stats.ok,
                 stats.first_failure);
    assert_healthy("concurrent requests");
}
