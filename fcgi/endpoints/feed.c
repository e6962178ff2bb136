/* feed.c - GET /feed: a search as an Atom feed (RFC 4287)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A delegate follows a search in a feed reader: the feed is the documents
 * matching the /search parameters, latest added to the archive first
 * (MS_SORT_ADDED), so a 1998 report added yesterday reaches followers.
 * The XML is written by hand rather than with a library, so everything
 * that comes from the index or the client goes through
 * ms_escape_xml_into(), which also drops what XML 1.0 cannot carry at
 * all. Links are what a reader opens: an entry links to the search page
 * showing the document (/?doc=<id>, the page's permalink rule), the feed
 * to the same search on the page (rel="alternate"); both are relative to
 * the portal root the feed is served from, as the JSON answers' links
 * are. Ids are tag: URIs (RFC 4151) built from the canonical form of the
 * request, so the same search always has the same feed id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms_buf.h"
#include "ms_date.h"
#include "ms_endpoints.h"
#include "ms_escape.h"
#include "ms_fields.h"
#include "ms_query.h"
#include "ms_schema.h"
#include "ms_shards.h"

/* The tagging entity and date of every id this server mints. */
#define TAG_PREFIX "tag:migsearch,2026:"

#define CONTENT_TYPE "application/atom+xml; charset=utf-8"

/* The subtitle of a feed some shards of the index were missing from
 * (search.partial_shards; the header X-Migsearch-Partial names them). */
#define PARTIAL_NOTE                                                                     \
    "Part of the archive did not answer: documents it holds are missing from this "      \
    "feed."

bool
ms_feed_rfc3339(char *out, size_t size, const char *date)
{
    ms_date_t d;
    int n;

    if (date == NULL || !ms_date_parse(&d, date)) {
        snprintf(out, size, "1970-01-01T00:00:00Z");
        return false;
    }
    /* ms_date_parse() gives a year of 4 digits and a month and day of 2:
     * the remainders tell gcc's check of the output's length so (at -O3 it
     * reads 'out' as the caller's buffer). Cut short (an 'out' under the 21
     * bytes asked for) is not usable. */
    n = snprintf(out, size, "%04u-%02u-%02uT00:00:00Z", d.year % 10000u,
                 (d.month != 0 ? d.month : 1) % 100u, (d.day != 0 ? d.day : 1) % 100u);
    return n > 0 && (size_t)n < size;
}

/* Append "name=<value percent-encoded>" joined by '&' to 'canonical', and
 * "name=value" joined by ' ' to 'title' (the query alone for q). */
static void
add_term(ms_buf_t *canonical, ms_buf_t *title, const char *name, const char *value)
{
    if (canonical->len > 0)
        ms_buf_putc(canonical, '&');
    ms_buf_printf(canonical, "%s=", name);
    ms_escape_url_into(canonical, value);
    if (strcmp(name, "q") != 0)
        ms_buf_printf(title, "%s%s=", title->len > 0 ? " " : "", name);
    ms_buf_puts(title, value);
}

/* The canonical query string and the title of the search 'qp'. Returns 0
 * or -1 (allocation failure). */
static int
describe(ms_buf_t *canonical, ms_buf_t *title, const ms_query_t *qp)
{
    if (qp->q[0] != '\0')
        add_term(canonical, title, "q", qp->q);
    for (size_t i = 0; i < qp->n_filters; i++) {
        /* The parameter a filter came from ("language" came as "lang"). */
        const ms_schema_field_t *field = ms_schema_field(qp->filters[i].name);

        add_term(canonical, title, field->param, qp->filters[i].value);
    }
    if (qp->from != NULL)
        add_term(canonical, title, "from", qp->from);
    if (qp->to != NULL)
        add_term(canonical, title, "to", qp->to);
    if (title->len == 0)
        ms_buf_puts(title, "all documents");
    ms_buf_append(canonical, "", 0);
    return canonical->status == MS_BUF_OK && title->status == MS_BUF_OK ? 0 : -1;
}

static void
add_element(ms_buf_t *b, const char *indent, const char *name, const char *text)
{
    ms_buf_printf(b, "%s<%s>", indent, name);
    ms_escape_xml_into(b, text);
    ms_buf_printf(b, "</%s>\n", name);
}

/* When the document was first indexed (the "added" field, already
 * RFC 3339), else its own date: what tells a reader the entry is new. */
static bool
entry_updated(char *out, size_t size, const ms_document_t *doc)
{
    const char *added = ms_fields_value(doc, "added");

    if (added != NULL && strlen(added) == 20) {
        snprintf(out, size, "%s", added);
        return true;
    }
    return ms_feed_rfc3339(out, size, doc->date);
}

static void
add_entry(ms_buf_t *b, const ms_hit_t *hit)
{
    const ms_document_t *doc = &hit->doc;
    char *id = ms_escape_url(doc->id != NULL ? doc->id : "", NULL);
    char *summary = NULL;
    char updated[32];

    if (id == NULL || (hit->snippet != NULL &&
                       (summary = ms_escape_snippet_text(hit->snippet)) == NULL)) {
        b->status = MS_BUF_NOMEM;
        goto out;
    }
    entry_updated(updated, sizeof(updated), doc);
    ms_buf_puts(b, "  <entry>\n");
    add_element(b, "    ", "title",
                doc->title != NULL ? doc->title
                : doc->id != NULL  ? doc->id
                                   : "");
    ms_buf_puts(b, "    <id>" TAG_PREFIX "doc/");
    ms_escape_xml_into(b, id);
    ms_buf_puts(b, "</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"/?doc=");
    ms_escape_xml_into(b, id);
    ms_buf_puts(b, "\"/>\n");
    add_element(b, "    ", "updated", updated);
    if (summary != NULL)
        add_element(b, "    ", "summary", summary);
    ms_buf_puts(b, "  </entry>\n");
out:
    free(summary);
    free(id);
}

/* The time of the latest hit (sorted latest added first, so the first
 * with a time), or now when none has one. */
static void
feed_updated(char *out, size_t size, const ms_results_t *results)
{
    time_t now;
    struct tm tm;

    for (size_t i = 0; i < results->n_hits; i++) {
        if (entry_updated(out, size, &results->hits[i].doc))
            return;
    }
    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The whole feed for the search 'qp' and its 'results'; 'partial': some
 * shards of the index did not answer, which the subtitle says. */
static char *
feed_xml(size_t *length, const ms_query_t *qp, bool partial)
{
    const ms_results_t *results = qp->results;
    ms_buf_t b = MS_BUF_INIT, canonical = MS_BUF_INIT, title = MS_BUF_INIT;
    char updated[32];

    if (describe(&canonical, &title, qp) != 0)
        b.status = MS_BUF_NOMEM;
    feed_updated(updated, sizeof(updated), results);
    ms_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                    "  <title>migsearch: ");
    ms_escape_xml_into(&b, title.data != NULL ? title.data : "");
    ms_buf_puts(&b, "</title>\n  <id>" TAG_PREFIX "search?");
    ms_escape_xml_into(&b, canonical.data != NULL ? canonical.data : "");
    ms_buf_puts(&b, "</id>\n");
    add_element(&b, "  ", "updated", updated);
    if (partial)
        add_element(&b, "  ", "subtitle", PARTIAL_NOTE);
    ms_buf_puts(&b, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"/feed?");
    ms_escape_xml_into(&b, canonical.data != NULL ? canonical.data : "");
    ms_buf_puts(&b, "\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"/?");
    ms_escape_xml_into(&b, canonical.data != NULL ? canonical.data : "");
    ms_buf_puts(&b, "\"/>\n  <author><name>migsearch</name></author>\n"
                    "  <generator version=\"" MS_VERSION "\">migsearch</generator>\n");
    for (size_t i = 0; i < results->n_hits; i++)
        add_entry(&b, &results->hits[i]);
    ms_buf_puts(&b, "</feed>\n");
    ms_buf_free(&canonical);
    ms_buf_free(&title);
    return ms_buf_take(&b, length);
}

int
ms_endpoint_feed(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_query_t qp;
    int http;

    http = ms_query_parse(&qp, &out->json, w->cfg, ctx->req->query, MS_QUERY_FEED);
    if (http != 0)
        goto out;
    ms_query_prepare(&qp, w->cfg, ctx->viewer);
    /* A feed is always the latest additions, whatever 'sort' said. */
    qp.search.sort = MS_SORT_ADDED;
    qp.search.offset = 0;
    qp.search.limit = w->cfg->search.feed_size;
    qp.search.facets = 0;
    qp.search.max_snippets = 1;
    http = ms_query_run(&qp, &out->json, w);
    if (http != 0)
        goto out;
    char missing[MS_SHARDS_LIST_SIZE];
    out->text = feed_xml(&out->text_length, &qp,
                         ms_shards_missing_text(w, missing, sizeof missing) > 0);
    out->content_type = CONTENT_TYPE;
    http = out->text != NULL ? 200 : ms_response_internal(&out->json);
    http = ms_shards_answer(out, w, http);
out:
    ms_query_free(&qp);
    return http;
}
