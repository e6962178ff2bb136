/* test_follow.c - following a search, through the real nginx: feed links and "added"
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A delegate follows a search in a feed reader. What must hold: every
 * entry of the Atom feed links to the search page showing that document
 * (/?doc=<id>, which nginx serves as the page), the feed links back to the
 * same search on the page, and the feed lists the latest additions to the
 * archive first, so that an old document added today reaches followers.
 * The expected ids come from the API's own search answers and from the
 * documents the test writes, not from the code under test's feed.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LATE_ID "imp-1998-late-found-memo"

static ms_it_t it;
static char archive[64];

static void
start(void)
{
    /* A copy of the sample archive (with the access canary, which an
     * anonymous follower must never see), so that files can be added. */
    ms_it_canary_archive(archive, sizeof(archive), "ms-follow");
    ms_it_start(&it, archive, NULL);
}

static void
stop(void)
{
    ms_it_stop(&it);
    ms_it_canary_archive_remove(archive);
}

TestSuite(follow, .init = start, .fini = stop, .timeout = 90);

static void get(ms_http_t *out, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void
get(ms_http_t *out, const char *format, ...)
{
    char target[2048];
    va_list ap;

    va_start(ap, format);
    int n = vsnprintf(target, sizeof(target), format, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof(target));
    ms_it_get(out, &it, target);
}

static json_t *
ok_json(const ms_http_t *res, const char *what)
{
    cr_assert_eq(res->status, 200, "%s: %ld %.300s", what, res->status, res->body);
    cr_assert_not_null(res->json, "%s: not JSON", what);
    return res->json;
}

/* 'id' percent-encoded as the page's encodeURIComponent() does. */
static void
encode_component(char *out, size_t size, const char *id)
{
    static const char *const keep = "-_.!~*'()";
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)id; *p && n + 4 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr(keep, *p))
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, size - n, "%%%02X", *p);
    }
    out[n] = '\0';
}

static xmlNodePtr
child(xmlNodePtr node, const char *name, size_t nth)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 &&
            nth-- == 0)
            return c;
    }
    return NULL;
}

/* The attribute or text of 'node' into 'buf' ("" when missing). */
static const char *
prop(char *buf, size_t size, xmlNodePtr node, const char *name)
{
    xmlChar *value = node ? xmlGetProp(node, (const xmlChar *)name) : NULL;

    snprintf(buf, size, "%s", value ? (const char *)value : "");
    xmlFree(value);
    return buf;
}

static const char *
text_of(char *buf, size_t size, xmlNodePtr node)
{
    xmlChar *value = node ? xmlNodeGetContent(node) : NULL;

    snprintf(buf, size, "%s", value ? (const char *)value : "");
    xmlFree(value);
    return buf;
}

/* The link of 'parent' with rel 'rel', or NULL. */
static xmlNodePtr
link_rel(xmlNodePtr parent, const char *rel)
{
    char buf[64];

    for (size_t i = 0; child(parent, "link", i) != NULL; i++) {
        xmlNodePtr l = child(parent, "link", i);
        if (strcmp(prop(buf, sizeof(buf), l, "rel"), rel) == 0)
            return l;
    }
    return NULL;
}

static xmlDocPtr
parse_feed(const ms_http_t *res)
{
    cr_assert_eq(res->status, 200, "feed: %ld %.300s", res->status, res->body);
    xmlDocPtr doc =
        xmlReadMemory(res->body, (int)res->length, "feed.xml", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "not well-formed XML: %.300s", res->body);
    cr_assert_str_eq((const char *)xmlDocGetRootElement(doc)->name, "feed");
    return doc;
}

/* The page at 'href' (as a reader resolves it against the feed's address
 * on this server) is the search page. */
static void
assert_is_page(const char *href)
{
    ms_http_t page;
    char type[128];

    cr_assert(href[0] == '/' && href[1] == '?', "%s is not on the page", href);
    get(&page, "%s", href);
    cr_assert_eq(page.status, 200, "%s: %ld", href, page.status);
    cr_assert(ms_http_header(&page, "Content-Type", type, sizeof(type)) &&
                  strncmp(type, "text/html", 9) == 0,
              "%s is %s", href, type);
    cr_assert_not_null(strstr(page.body, "search-form"), "%s is not the search page",
                       href);
    ms_http_free(&page);
}

/* The feed of the search 'query' links back to "/?<query>", and its
 * entries are the first hits of the same search sorted by "added", each
 * linking to "/?doc=<id>". */
static void
check_feed_links(const char *query)
{
    ms_http_t feed, search;
    char buf[1024], expected[1024], encoded[600];

    get(&feed, "/feed?%s", query);
    xmlDocPtr doc = parse_feed(&feed);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr alternate = link_rel(root, "alternate");
    cr_assert_not_null(alternate, "%s: no alternate link", query);
    cr_assert_str_eq(prop(buf, sizeof(buf), alternate, "type"), "text/html");
    snprintf(expected, sizeof(expected), "/?%s", query);
    cr_assert_str_eq(prop(buf, sizeof(buf), alternate, "href"), expected);
    assert_is_page(expected);

    get(&search, "/search?%s%ssort=added&per_page=100&facets=0", query,
        query[0] ? "&" : "");
    json_t *results = json_object_get(ok_json(&search, query), "results");
    size_t n = 0;
    for (xmlNodePtr e = child(root, "entry", 0); e; e = child(root, "entry", ++n)) {
        const char *id =
            json_string_value(json_object_get(json_array_get(results, n), "id"));
        cr_assert_not_null(id, "%s: entry %zu past the search's hits", query, n);
        snprintf(expected, sizeof(expected), "tag:migsearch,2026:doc/");
        encode_component(encoded, sizeof(encoded), id);
        cr_assert_str_eq(text_of(buf, sizeof(buf), child(e, "id", 0)),
                         strcat(expected, encoded), "%s: entry %zu", query, n);
        xmlNodePtr l = child(e, "link", 0);
        cr_assert_str_eq(prop(buf, sizeof(buf), l, "rel"), "alternate");
        cr_assert_str_eq(prop(buf, sizeof(buf), l, "type"), "text/html");
        snprintf(expected, sizeof(expected), "/?doc=%s", encoded);
        cr_assert_str_eq(prop(buf, sizeof(buf), l, "href"), expected, "%s: entry %zu",
                         query, n);
        cr_assert_null(strstr(buf, "/doc/"), "entry links to the JSON API: %s", buf);
        if (n == 0)
            assert_is_page(expected);
    }
    size_t hits = json_array_size(results);
    cr_assert_eq(n, hits < 20 ? hits : 20, "%s: %zu entries for %zu hits", query, n,
                 hits);
    cr_assert_gt(n, 0, "%s: an empty feed tests nothing", query);
    xmlFreeDoc(doc);
    ms_http_free(&feed);
    ms_http_free(&search);
}

Test(follow, feed_entries_link_to_the_page_and_the_feed_to_its_search)
{
    check_feed_links("q=trafficking&country=Kyrgyzstan");
    check_feed_links("q=remittances");
    check_feed_links("type=recommendation&lang=fr");
    check_feed_links("");
}

/* The "added" of /doc/{id} into 'out' (32 bytes): an RFC 3339 UTC time. */
static void
added_of(char *out, const char *id)
{
    ms_http_t res;

    get(&res, "/doc/%s", id);
    const char *added = json_string_value(json_object_get(ok_json(&res, id), "added"));
    cr_assert_not_null(added, "%s: no added: %.200s", id, res.body);
    cr_assert(strlen(added) == 20 && added[10] == 'T' && added[19] == 'Z', "added %s",
              added);
    snprintf(out, 32, "%s", added);
    ms_http_free(&res);
}

static void
write_file(const char *path, const char *text, const char *mode)
{
    FILE *f = fopen(path, mode);

    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

Test(follow, an_old_document_added_later_comes_first)
{
    char before[32], kept[32], late[32], path[256], buf[256];
    ms_http_t res;

    added_of(before, "imp-1998-programme-document");
    /* Every result shows when it was added. */
    get(&res, "/search?q=&per_page=100&facets=0");
    json_t *results = json_object_get(ok_json(&res, "all"), "results");
    cr_assert_gt(json_array_size(results), 0);
    for (size_t i = 0; i < json_array_size(results); i++) {
        const char *added =
            json_string_value(json_object_get(json_array_get(results, i), "added"));
        cr_assert(added && strlen(added) == 20, "result %zu: added %s", i,
                  added ? added : "-");
    }
    ms_http_free(&res);

    /* A second later: a memo of 1998 is found and added, and an existing
     * document of 1998 is corrected. */
    ms_it_next_second();
    snprintf(path, sizeof(path), "%s/reports/" LATE_ID ".md", archive);
    write_file(path,
               "---\nid: " LATE_ID "\ntitle: Memo on trafficking routes, found late\n"
               "type: report\ndate: 1998-05\nlanguage: en\n---\n"
               "A memo of 1998 on trafficking routes, found in a cupboard.\n",
               "w");
    snprintf(path, sizeof(path), "%s/reports/imp-1998-programme-document.md", archive);
    write_file(path, "\nA corrected paragraph.\n", "a");
    ms_it_reindex(&it, archive, NULL);

    added_of(late, LATE_ID);
    added_of(kept, "imp-1998-programme-document");
    cr_assert_str_eq(kept, before, "a changed document is not a new addition");
    cr_assert_gt(strcmp(late, before), 0, "%s added %s, not after %s", LATE_ID, late,
                 before);

    /* First by "added", and first in the feeds that match it; not first by
     * date. */
    get(&res, "/search?q=&sort=added&per_page=1&facets=0");
    json_t *first = json_array_get(json_object_get(ok_json(&res, "added"), "results"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(first, "id")), LATE_ID);
    cr_assert_str_eq(json_string_value(json_object_get(first, "added")), late);
    cr_assert_str_eq(json_string_value(json_object_get(res.json, "sort")), "added");
    ms_http_free(&res);
    get(&res, "/search?q=&sort=newest&per_page=1&facets=0");
    first = json_array_get(json_object_get(ok_json(&res, "newest"), "results"), 0);
    cr_assert_str_neq(json_string_value(json_object_get(first, "id")), LATE_ID);
    ms_http_free(&res);
    static const char *const feeds[] = {"/feed", "/feed?q=trafficking",
                                        "/feed?type=report"};
    for (size_t i = 0; i < sizeof(feeds) / sizeof(*feeds); i++) {
        get(&res, "%s", feeds[i]);
        xmlDocPtr doc = parse_feed(&res);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        xmlNodePtr entry = child(root, "entry", 0);
        cr_assert_str_eq(text_of(buf, sizeof(buf), child(entry, "id", 0)),
                         "tag:migsearch,2026:doc/" LATE_ID, "%s", feeds[i]);
        cr_assert_str_eq(text_of(buf, sizeof(buf), child(entry, "updated", 0)), late);
        cr_assert_str_eq(text_of(buf, sizeof(buf), child(root, "updated", 0)), late);
        /* The rest were added with the archive, before it (the first
         * indexing may have taken more than one second). */
        text_of(buf, sizeof(buf), child(child(root, "entry", 1), "updated", 0));
        cr_assert(strlen(buf) == 20 && strcmp(buf, late) < 0, "%s: second entry added %s",
                  feeds[i], buf);
        xmlFreeDoc(doc);
        ms_http_free(&res);
    }
    /* A rebuild (a new index from scratch; by parallel workers on a machine
     * of two or more CPUs, else by one writer) keeps every time. */
    static const char *const rebuild[] = {"--rebuild", NULL};
    ms_it_next_second();
    ms_it_reindex(&it, archive, rebuild);
    added_of(kept, LATE_ID);
    cr_assert_str_eq(kept, late, "--rebuild moved %s", LATE_ID);
    added_of(kept, "imp-1998-programme-document");
    cr_assert_str_eq(kept, before, "--rebuild moved imp-1998-programme-document");

    get(&res, "/search?q=&sort=latest");
    cr_assert_eq(res.status, 400);
    cr_assert_not_null(strstr(res.body, "added"), "%s", res.body);
    ms_http_free(&res);
}
