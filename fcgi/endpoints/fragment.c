/* fragment.c - GET /fragment: search results as an HTML fragment for SSI
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Portal pages that cannot run JavaScript include this fragment with
 * nginx SSI (docs/admins.md), so it must be safe to drop into any page:
 * no <html> or <body>, no scripts, no event handlers, no style
 * attributes, and only classes prefixed "ms-". Everything that comes from
 * the client or the index is escaped with ms_escape_xml_into() (which
 * also repairs UTF-8 and drops control characters); URLs are built from
 * ms_escape_url()d parts and then escaped as attribute values.
 * Snippets are HTML from the index, but are filtered here once more so
 * that only <mark> tags and character references survive whatever the
 * index hands back. Errors are fragments too (<p class="ms-error">), as
 * the text lands inside the including page.
 *
 * SSI templates can only substitute variables, which are empty when the
 * page was asked for without the parameter ("q=$arg_q&page=$arg_page"),
 * so parameters with an empty value are ignored here rather than
 * rejected as /search does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_endpoints.h"
#include "ms_escape.h"
#include "ms_fields.h"
#include "ms_query.h"
#include "ms_shards.h"
#include "ms_utf8.h"

#define CONTENT_TYPE "text/html; charset=utf-8"

/* Before the results some shards of the index were missing from
 * (search.partial_shards; the header X-Migsearch-Partial names them). */
#define PARTIAL_NOTE                                                                     \
    "<p class=\"ms-partial\">Part of the archive did not answer: these results may "     \
    "be incomplete.</p>\n"

/* The fragment is built in an ms_buf_t: a failed append sticks, so the
 * writers below append freely and the end checks once. */

static void
put_raw(ms_buf_t *h, const char *s)
{
    ms_buf_puts(h, s);
}

/* 's' (NULL: nothing) as character data or a quoted attribute value. */
static void
put_text(ms_buf_t *h, const char *s)
{
    if (s != NULL)
        ms_escape_xml_into(h, s);
}

static void
put_number(ms_buf_t *h, unsigned long n)
{
    ms_buf_printf(h, "%lu", n);
}

static bool
is_digit(char c, bool hex)
{
    return (c >= '0' && c <= '9') ||
           (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

static bool
is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of the character reference at 's' ("&amp;", "&#39;", "&#x27;"),
 * or 0 when 's' does not start one. */
static size_t
reference_length(const char *s)
{
    size_t i, start;

    if (s[1] == '#') {
        bool hex = s[2] == 'x' || s[2] == 'X';

        start = i = hex ? 3 : 2;
        while (i - start < 7 && is_digit(s[i], hex))
            i++;
    } else {
        start = i = 1;
        while (i - start < 32 &&
               (is_letter(s[i]) || (i > start && is_digit(s[i], false))))
            i++;
    }
    return i > start && s[i] == ';' ? i + 1 : 0;
}

/* A snippet from the index: <mark> and </mark> and character references
 * are kept, every other markup character is escaped, control characters
 * but tab and newline are dropped and broken UTF-8 is repaired. The index
 * already promises this much; the fragment does not depend on it. */
static void
put_snippet(ms_buf_t *h, const char *snippet)
{
    char *text = ms_utf8_repair(snippet, strlen(snippet), NULL);
    char one[2] = {0, 0};

    if (text == NULL) {
        h->status = MS_BUF_NOMEM;
        return;
    }
    for (const char *p = text; *p != '\0';) {
        unsigned char c = (unsigned char)*p;
        size_t n;

        if (strncmp(p, "<mark>", 6) == 0 || strncmp(p, "</mark>", 7) == 0) {
            n = p[1] == '/' ? 7 : 6;
            ms_buf_append(h, p, n);
            p += n;
            continue;
        }
        if (c == '&' && (n = reference_length(p)) > 0) {
            ms_buf_append(h, p, n);
            p += n;
            continue;
        }
        if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') {
            one[0] = (char)c;
            put_text(h, one);
        } else if (c >= 0x20 || c == '\t' || c == '\n') {
            ms_buf_putc(h, (char)c);
        }
        p++;
    }
    free(text);
}

/* 'query' without its parameters whose value is empty ("q=", "page"), as
 * a new string the caller frees; NULL on allocation failure. A segment
 * without a name ("=x") is kept, so that it is rejected as /search does. */
static char *
drop_empty(const char *query)
{
    size_t len = query != NULL ? strlen(query) : 0;
    char *out = malloc(len + 1);
    size_t n = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t seg = strcspn(query + i, "&");
        const char *eq = memchr(query + i, '=', seg);
        bool empty = eq != query + i && (eq == NULL || eq == query + i + seg - 1);

        if (seg > 0 && !empty) {
            if (n > 0)
                out[n++] = '&';
            memcpy(out + n, query + i, seg);
            n += seg;
        }
        i += seg + (query[i + seg] == '&' ? 1 : 0);
    }
    out[n] = '\0';
    return out;
}

/* A link back to the including page, relative ("?q=...&page=2"): the
 * parameters of 'qp' in their order except page and facets, with q
 * replaced by 'q' when it is not NULL, then page=<page> when 'page' is
 * not 0. Written as an attribute value: percent-encoded text is only
 * unreserved characters and %XX, which need no escaping there; the '&'
 * between parameters is written "&amp;". */
static void
put_self_link(ms_buf_t *h, const ms_query_t *qp, const char *q, unsigned page)
{
    const char *sep = "?";
    bool q_done = false;

    for (size_t i = 0; i < qp->params.count; i++) {
        const char *name = qp->params.items[i].name;
        const char *value = qp->params.items[i].value;

        if (strcmp(name, "page") == 0 || strcmp(name, "facets") == 0)
            continue;
        if (strcmp(name, "q") == 0) {
            if (q_done)
                continue;
            q_done = true;
            if (q != NULL)
                value = q;
        }
        put_raw(h, sep);
        ms_escape_url_into(h, name);
        put_raw(h, "=");
        ms_escape_url_into(h, value);
        sep = "&amp;";
    }
    if (q != NULL && !q_done) {
        put_raw(h, sep);
        put_raw(h, "q=");
        ms_escape_url_into(h, q);
        sep = "&amp;";
    }
    if (page != 0) {
        put_raw(h, sep);
        put_raw(h, "page=");
        put_number(h, page);
    }
}

/* true if 'lang' looks like a language tag ("en", "pt-BR"): only such a
 * value goes into a lang attribute. */
static bool
language_tag(const char *lang)
{
    size_t len = lang != NULL ? strlen(lang) : 0;

    if (len == 0 || len > 15 ||
        !((lang[0] >= 'a' && lang[0] <= 'z') || (lang[0] >= 'A' && lang[0] <= 'Z')))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = lang[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

static void
put_hit(ms_buf_t *h, const ms_hit_t *hit)
{
    const ms_document_t *doc = &hit->doc;
    const char *id = doc->id != NULL ? doc->id : "";
    const char *meta[4];
    char *enc_id = ms_escape_url(id, NULL);
    bool first = true;

    if (enc_id == NULL) {
        h->status = MS_BUF_NOMEM;
        return;
    }
    meta[0] = ms_fields_value(doc, "type");
    meta[1] = doc->date;
    meta[2] = ms_fields_value(doc, "process");
    meta[3] = ms_fields_value(doc, "meeting");

    put_raw(h, "<li class=\"ms-result\"");
    if (language_tag(doc->language)) {
        put_raw(h, " lang=\"");
        put_text(h, doc->language);
        put_raw(h, "\"");
    }
    put_raw(h, ">\n<h2 class=\"ms-title\"><a href=\"/?doc=");
    put_text(h, enc_id);
    put_raw(h, "\" dir=\"auto\">");
    put_text(h, doc->title != NULL && doc->title[0] != '\0' ? doc->title : id);
    put_raw(h, "</a></h2>\n");
    for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
        if (meta[i] == NULL || meta[i][0] == '\0')
            continue;
        put_raw(h, first ? "<p class=\"ms-meta\">" : " \xC2\xB7 ");
        put_text(h, meta[i]);
        first = false;
    }
    if (!first)
        put_raw(h, "</p>\n");
    if (hit->n_snippets > 0 && hit->snippets[0].html != NULL &&
        hit->snippets[0].html[0] != '\0') {
        put_raw(h, "<p class=\"ms-snippet\" dir=\"auto\">");
        put_snippet(h, hit->snippets[0].html);
        if (hit->snippets[0].page != 0) {
            put_raw(h, " <a class=\"ms-page-link\" href=\"/doc/");
            put_text(h, enc_id);
            put_raw(h, "/file#page=");
            put_number(h, hit->snippets[0].page);
            put_raw(h, "\">page ");
            put_number(h, hit->snippets[0].page);
            put_raw(h, "</a>");
        }
        put_raw(h, "</p>\n");
    } else if (hit->snippet != NULL && hit->snippet[0] != '\0') {
        put_raw(h, "<p class=\"ms-snippet\" dir=\"auto\">");
        put_snippet(h, hit->snippet);
        put_raw(h, "</p>\n");
    }
    put_raw(h, "</li>\n");
    free(enc_id);
}

/* The whole 200 fragment for the search 'qp' and its 'results'. */
static void
put_results(ms_buf_t *h, const ms_query_t *qp, unsigned max_page)
{
    const ms_results_t *results = qp->results;
    unsigned long pages = (results->estimate + qp->per_page - 1) / qp->per_page;

    if (pages > max_page)
        pages = max_page;
    put_raw(h, "<section class=\"ms-results\" aria-label=\"Search results\">\n");
    if (results->corrected != NULL && results->corrected[0] != '\0') {
        put_raw(h, "<p class=\"ms-did-you-mean\">Did you mean <a href=\"");
        put_self_link(h, qp, results->corrected, 0);
        put_raw(h, "\">");
        put_text(h, results->corrected);
        put_raw(h, "</a>?</p>\n");
    }
    put_raw(h, "<p class=\"ms-count\">");
    put_number(h, results->estimate);
    put_raw(h, results->estimate == 1 ? " result" : " results");
    put_raw(h, "</p>\n");

    if (results->estimate == 0) {
        put_raw(h, "<h2 class=\"ms-empty\">No documents match</h2>\n"
                   "<p class=\"ms-hint\">");
        if (qp->q[0] != '\0') {
            put_raw(h, "Nothing was found for <q>");
            put_text(h, qp->q);
            put_raw(h, "</q>. ");
        }
        put_raw(h, "Check the spelling, try other or fewer words, or remove "
                   "filters.</p>\n");
    } else if (results->n_hits == 0) {
        put_raw(h, "<p class=\"ms-hint\">There are no results on this page.</p>\n");
    } else {
        put_raw(h, "<ol class=\"ms-list\" start=\"");
        put_number(h, (unsigned long)(qp->page - 1) * qp->per_page + 1);
        put_raw(h, "\">\n");
        for (size_t i = 0; i < results->n_hits; i++)
            put_hit(h, &results->hits[i]);
        put_raw(h, "</ol>\n");
    }

    if (pages > 1 || qp->page > 1) {
        put_raw(h, "<nav class=\"ms-pages\" aria-label=\"Pages\">\n");
        if (qp->page > 1) {
            put_raw(h, "<a class=\"ms-prev\" rel=\"prev\" href=\"");
            put_self_link(h, qp, NULL, qp->page - 1);
            put_raw(h, "\">Previous page</a>\n");
        }
        put_raw(h, "<span class=\"ms-page\">Page ");
        put_number(h, qp->page);
        if (pages > 0) {
            put_raw(h, " of ");
            put_number(h, pages);
        }
        put_raw(h, "</span>\n");
        if (qp->page < pages) {
            put_raw(h, "<a class=\"ms-next\" rel=\"next\" href=\"");
            put_self_link(h, qp, NULL, qp->page + 1);
            put_raw(h, "\">Next page</a>\n");
        }
        put_raw(h, "</nav>\n");
    }
    put_raw(h, "</section>\n");
}

/* Hand the text of 'h' to 'resp' with 'status'. Returns the status, or
 * 500 when the text could not be written (resp->text is then NULL). */
static int
html_close(ms_response_t *resp, ms_buf_t *h, int status)
{
    resp->text = ms_buf_take(h, &resp->text_length);
    if (resp->text == NULL)
        return 500;
    resp->content_type = CONTENT_TYPE;
    return status;
}

/* The fragment of a failed request: 'status' from the JSON error document
 * 'error' (which is released), with a message for the person reading the
 * page. Only a 400 shows the API's own message, which says what was wrong
 * with the parameters; other failures get a fixed sentence. */
static int
error_fragment(ms_response_t *resp, int status, json_t *error)
{
    const char *message =
        json_string_value(json_object_get(json_object_get(error, "error"), "message"));
    ms_buf_t h = MS_BUF_INIT;
    int http;

    put_raw(&h, "<p class=\"ms-error\">");
    if (status == 400) {
        put_raw(&h, "The search could not be run: ");
        put_text(&h, message != NULL ? message : "bad request");
        put_raw(&h, ".");
    } else if (status == 503) {
        put_raw(&h, "The search service is not available right now. Please try again "
                    "in a few minutes.");
    } else {
        status = 500;
        put_raw(&h, "The search failed because of an internal error.");
    }
    put_raw(&h, "</p>\n");
    http = html_close(resp, &h, status);
    json_decref(error);
    return http;
}

int
ms_endpoint_fragment(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_query_t qp;
    json_t *error = NULL;
    ms_buf_t h = MS_BUF_INIT;
    char *filtered = drop_empty(ctx->req->query);
    int http;

    memset(&qp, 0, sizeof(qp));
    if (filtered == NULL)
        return error_fragment(out, 500, NULL);
    http = ms_query_parse(&qp, &error, w->cfg, filtered, MS_QUERY_SEARCH);
    if (http == 0) {
        ms_query_prepare(&qp, w->cfg, ctx->viewer);
        /* A fragment shows no facets and one snippet per hit. */
        qp.search.facets = 0;
        qp.search.max_snippets = 1;
        http = ms_query_run(&qp, &error, w);
    }
    if (http == 0) {
        char missing[MS_SHARDS_LIST_SIZE];
        if (ms_shards_missing_text(w, missing, sizeof missing) > 0)
            put_raw(&h, PARTIAL_NOTE);
        put_results(&h, &qp, w->cfg->search.max_page);
        http = ms_shards_answer(out, w, html_close(out, &h, 200));
        if (http == 503) { /* search.partial_shards: false */
            error = out->json;
            out->json = NULL;
            http = error_fragment(out, http, error);
        }
    } else {
        http = error_fragment(out, http, error);
    }
    if (http == 500 && out->text == NULL)
        http = error_fragment(out, 500, NULL);
    ms_query_free(&qp);
    free(filtered);
    return http;
}
