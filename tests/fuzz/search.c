/* search.c - fuzz target: the query path, from the query string to the answer
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A small real index is written once: the sample archive
 * (tests/data/archive: documents in several languages, recommendation
 * sets, restricted documents), loaded as the indexer loads it, and one
 * document with markup and quotes in its title, body and fields. Each input is a request
 * to the route table (ms_route), as migsearch-fcgi makes it: the first
 * byte picks the endpoint and whether the viewer is anonymous, the rest,
 * cut at its first NUL, is the query string ({id} routes: the id, then
 * '?' and the query string). So q and every search parameter go through
 * the request parser, the shim's query builder, the search, the snippet
 * builder and the writers of JSON, the Atom feed and the HTML fragment.
 * Properties: a status from 200 to 599 with a body; the feed is
 * well-formed XML; the fragment passes the embedding check of
 * tests/tools/embeddable.h, so no markup of the input or the index
 * got through unescaped. MS_FUZZ_VERBOSE=1 prints each answer's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "embeddable.h"
#include "fuzz.h"
#include "ms_archive.h"
#include "ms_route.h"

/* Markup and quotes in every field a page shows, beside the sample archive. */
static const ms_field_t evil_fields[] = {
    {"type", "<b>bold</b>"}, {"process", "\"><img src=x>"}, {"meeting", "a&b 'c'"}};
static const ms_document_t evil = {
    "evil",
    "<script>alert(1)</script> & \"quotes\"",
    "<p>Body with <b>markup</b> &amp; entities]]></p> migrant",
    "en",
    "1999-12-31",
    evil_fields,
    sizeof(evil_fields) / sizeof(evil_fields[0])};

/* The endpoints; a path ending in '/' takes an id from the input. */
static const char *const paths[] = {"/search",   "/feed", "/fragment", "/suggest",
                                    "/similar/", "/doc/", "/meeting/", "/country/"};
#define N_PATHS (sizeof(paths) / sizeof(paths[0]))

static ms_config_t *cfg;
static ms_worker_t worker;

/* Put every document of the sample archive into 'idx', as the indexer makes
 * them (ms_archive: metadata layers, recommendation sets, reports). */
static void
put_archive(ms_index_t *idx)
{
    static const char root[] = MS_TEST_DATA "/archive";
    ms_archive_options_t opts = {
        .default_language = "en",
        .extract = {.timeout_ms = 30000, .max_text_bytes = 1 << 24}};
    ms_archive_listing_t *listing = NULL;
    ms_archive_meetings_t *meetings = NULL;
    ms_archive_error_t err;

    if (ms_archive_walk(&listing, root, NULL, NULL) != MS_ARCHIVE_OK ||
        ms_archive_meetings_load(&meetings, root, &err) != MS_ARCHIVE_OK)
        ms_fuzz_fail("cannot read the sample archive", root, strlen(root));
    opts.meetings = meetings;
    for (size_t i = 0; i < listing->n_entries; i++) {
        ms_archive_docset_t *set = NULL;
        ms_document_t view;
        if (ms_archive_load(&set, root, listing->entries[i].path, &opts, &err) !=
            MS_ARCHIVE_OK)
            ms_fuzz_fail(err.text, root, strlen(root));
        for (size_t d = 0; d < set->n_docs; d++) {
            ms_archive_doc_view(&view, set->docs[d]);
            if (ms_index_put(idx, &view) != MS_INDEX_OK)
                ms_fuzz_fail(ms_index_errmsg(idx), root, strlen(root));
        }
        ms_archive_docset_free(set);
    }
    ms_archive_meetings_free(meetings);
    ms_archive_listing_free(listing);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[4096];
    ms_index_t *idx = NULL;
    ms_index_error_t err;

    (void)argc, (void)argv;
    snprintf(path, sizeof(path), "%s/index", ms_fuzz_dir());
    if (ms_index_open(&idx, path, MS_INDEX_WRITE, &err) != MS_INDEX_OK ||
        ms_index_set_spelling(idx, true) != MS_INDEX_OK)
        ms_fuzz_fail("cannot write the index", path, strlen(path));
    put_archive(idx);
    if (ms_index_put(idx, &evil) != MS_INDEX_OK || ms_index_commit(idx) != MS_INDEX_OK)
        ms_fuzz_fail(ms_index_errmsg(idx), path, 0);
    ms_index_close(idx);
    if (ms_config_defaults(&cfg) != 0)
        ms_fuzz_fail("no config", path, 0);
    free(cfg->index.path);
    cfg->index.path = strdup(path);
    ms_worker_init(&worker, cfg);
    return 0;
}

static void
check(const ms_response_t *resp, const char *path, const uint8_t *data, size_t size)
{
    char why[128];

    if (resp->status < 200 || resp->status > 599 ||
        (resp->json == NULL && resp->text == NULL))
        ms_fuzz_fail("no status or no body", data, size);
    if (resp->text == NULL || resp->status != 200)
        return;
    if (strcmp(path, "/fragment") == 0 &&
        !ms_test_embeddable(resp->text, why, sizeof(why)))
        ms_fuzz_fail(why, data, size);
    if (strcmp(path, "/feed") == 0) {
        xmlDocPtr doc =
            xmlReadMemory(resp->text, (int)resp->text_length, "feed.xml", NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (doc == NULL)
            ms_fuzz_fail("the feed is not well-formed XML", data, size);
        xmlFreeDoc(doc);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *base = paths[size > 0 ? data[0] % N_PATHS : 0];
    const char *groups = size > 0 && (data[0] & 0x80) ? "board" : NULL;
    size_t n = size > 0 ? strnlen((const char *)data + 1, size - 1) : 0;
    size_t base_len = strlen(base);
    char *path = malloc(base_len + n + 1), *query;
    ms_response_t resp = {0};

    if (path == NULL)
        return 0;
    /* path: base, then the input; the query string is what follows '?'
     * for an {id} route, and the whole input for the others. */
    memcpy(path, base, base_len);
    memcpy(path + base_len, data + (size > 0), n);
    path[base_len + n] = '\0';
    if (base[base_len - 1] == '/') {
        query = strchr(path + base_len, '?');
        if (query != NULL)
            *query++ = '\0';
    } else {
        query = strdup(path + base_len);
        path[base_len] = '\0';
    }
    ms_request_t req = {"GET", path, query, "fuzz", NULL, groups, NULL};
    ms_route(&resp, &worker, &req);
    if (getenv("MS_FUZZ_VERBOSE") != NULL) /* to see what seeds reach */
        fprintf(stderr, "%s?%s: %d %.200s\n", path, query ? query : "", resp.status,
                resp.text ? resp.text : json_dumps(resp.json, 0));
    check(&resp, base, data, size);
    ms_response_free(&resp);
    if (base[base_len - 1] != '/')
        free(query);
    free(path);
    return 0;
}
