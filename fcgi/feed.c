/* feed.c - GET /feed: a search as an Atom feed (RFC 4287)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A delegate follows a search in a feed reader: the feed is the newest
 * documents matching the /search parameters, always newest first. The XML
 * is written by hand rather than with a library, so everything that comes
 * from the index or the client goes through ms_feed_xml_escape(), which
 * also drops what XML 1.0 cannot carry at all. Links are relative to the
 * API root, as the JSON answers' are; ids are tag: URIs (RFC 4151) built
 * from the canonical form of the request, so the same search always has
 * the same feed id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms_fcgi.h"

/* The tagging entity and date of every id this server mints. */
#define TAG_PREFIX "tag:migsearch,2026:"

/* A growing byte buffer; after a failed allocation it only records that
 * it failed, so builders check once at the end. */
struct buf {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
};

static void
buf_add(struct buf *b, const char *text, size_t length)
{
    if (b->failed)
        return;
    if (b->capacity - b->length <= length) {
        size_t capacity = b->capacity == 0 ? 1024 : b->capacity;
        char *data;

        while (capacity - b->length <= length) {
            if (capacity > SIZE_MAX / 2) {
                b->failed = true;
                return;
            }
            capacity *= 2;
        }
        data = realloc(b->data, capacity);
        if (data == NULL) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, text, length);
    b->length += length;
    b->data[b->length] = '\0';
}

static void
buf_adds(struct buf *b, const char *text)
{
    buf_add(b, text, strlen(text));
}

/* The length of the UTF-8 sequence at 'p' ('len' bytes left) and its code
 * point, or 0 for a byte that starts no well-formed sequence. */
static size_t
utf8_decode(uint32_t *cp, const unsigned char *p, size_t len)
{
    size_t n;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
    if (n > len || !ms_request_utf8_valid((const char *)p, n))
        return 0;
    if (n == 2)
        *cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
    else if (n == 3)
        *cp =
            (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
    else
        *cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
              (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
    return n;
}

static bool
xml_char(uint32_t cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

static void
xml_escape_into(struct buf *b, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len = strlen(text);

    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = utf8_decode(&cp, p + i, len - i);

        if (n == 0) {
            buf_adds(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        switch (cp) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        case '\'':
            buf_adds(b, "&#39;");
            break;
        default:
            if (xml_char(cp))
                buf_add(b, text + i, n);
        }
        i += n;
    }
}

char *
ms_feed_xml_escape(const char *text)
{
    struct buf b = {NULL, 0, 0, false};

    buf_add(&b, "", 0);
    xml_escape_into(&b, text);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* Append the UTF-8 form of 'cp' if it is a character XML can carry. */
static void
add_code_point(struct buf *b, uint32_t cp)
{
    char out[4];

    if (!xml_char(cp))
        return;
    if (cp < 0x80) {
        out[0] = (char)cp;
        buf_add(b, out, 1);
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        buf_add(b, out, 2);
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        buf_add(b, out, 3);
    } else {
        out[0] = (char)(0xf0 | cp >> 18);
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        buf_add(b, out, 4);
    }
}

/* Decode the character reference at 's' ("&...;"), appending its text.
 * Returns the bytes consumed, or 0 if 's' is not a reference this knows
 * (the '&' is then ordinary text). */
static size_t
decode_reference(struct buf *b, const char *s)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    uint32_t cp = 0;
    size_t i = 2;
    bool hex;

    for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        size_t n = strlen(named[k].name);

        if (strncmp(s, named[k].name, n) == 0) {
            buf_add(b, &named[k].c, 1);
            return n;
        }
    }
    if (s[1] != '#')
        return 0;
    hex = s[2] == 'x' || s[2] == 'X';
    if (hex)
        i++;
    for (size_t start = i; i - start < 8; i++) {
        char c = s[i];
        int digit = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;

        if (c == ';' && i > start) {
            add_code_point(b, cp);
            return i + 1;
        }
        if (digit < 0)
            return 0;
        cp = cp * (hex ? 16 : 10) + (uint32_t)digit;
    }
    return 0;
}

char *
ms_feed_snippet_text(const char *html)
{
    struct buf b = {NULL, 0, 0, false};
    struct buf plain = {NULL, 0, 0, false};
    char *escaped = NULL;

    buf_add(&b, "", 0);
    for (const char *p = html; *p != '\0';) {
        if (*p == '<') {
            const char *close = strchr(p, '>');

            if (close == NULL)
                break;
            p = close + 1;
        } else if (*p == '&') {
            size_t n = decode_reference(&b, p);

            if (n == 0) {
                buf_add(&b, p, 1);
                n = 1;
            }
            p += n;
        } else {
            size_t n = strcspn(p, "<&");

            buf_add(&b, p, n);
            p += n;
        }
    }
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    /* Drop what XML cannot carry (and repair broken UTF-8) by escaping
     * and decoding again; cheaper to reason about than a second filter. */
    escaped = ms_feed_xml_escape(b.data);
    free(b.data);
    if (escaped == NULL)
        return NULL;
    buf_add(&plain, "", 0);
    for (const char *p = escaped; *p != '\0';) {
        size_t n = *p == '&' ? decode_reference(&plain, p) : 0;

        if (n == 0) {
            n = strcspn(p + 1, "&") + 1;
            buf_add(&plain, p, n);
        }
        p += n;
    }
    free(escaped);
    if (plain.failed) {
        free(plain.data);
        return NULL;
    }
    return plain.data;
}

bool
ms_feed_rfc3339(char *out, size_t size, const char *date)
{
    size_t len = date != NULL ? strlen(date) : 0;
    bool shaped = len == 4 || len == 7 || len == 10;

    for (size_t i = 0; shaped && i < len; i++) {
        bool dash = i == 4 || i == 7;

        shaped = dash ? date[i] == '-' : date[i] >= '0' && date[i] <= '9';
    }
    if (!shaped) {
        snprintf(out, size, "1970-01-01T00:00:00Z");
        return false;
    }
    snprintf(out, size, "%.4s-%.2s-%.2sT00:00:00Z", date, len >= 7 ? date + 5 : "01",
             len == 10 ? date + 8 : "01");
    return true;
}

/* The request parameter a filter came from ("language" came as "lang"). */
static const char *
param_name(const char *field)
{
    return strcmp(field, "language") == 0 ? "lang" : field;
}

/* Append "name=<value percent-encoded>" joined by '&' to 'canonical', and
 * "name=value" joined by ' ' to 'title'. */
static void
add_term(struct buf *canonical, struct buf *title, const char *name, const char *value)
{
    char *encoded = ms_request_encode(value, NULL);

    if (encoded == NULL) {
        canonical->failed = true;
        return;
    }
    if (canonical->length > 0)
        buf_adds(canonical, "&");
    buf_adds(canonical, name);
    buf_adds(canonical, "=");
    buf_adds(canonical, encoded);
    free(encoded);
    if (strcmp(name, "q") != 0) {
        if (title->length > 0)
            buf_adds(title, " ");
        buf_adds(title, name);
        buf_adds(title, "=");
    }
    buf_adds(title, value);
}

static void
add_element(struct buf *b, const char *indent, const char *name, const char *text)
{
    buf_adds(b, indent);
    buf_adds(b, "<");
    buf_adds(b, name);
    buf_adds(b, ">");
    xml_escape_into(b, text);
    buf_adds(b, "</");
    buf_adds(b, name);
    buf_adds(b, ">\n");
}

static void
add_entry(struct buf *b, const ms_hit_t *hit)
{
    const ms_document_t *doc = &hit->doc;
    char *id = ms_request_encode(doc->id != NULL ? doc->id : "", NULL);
    char updated[32];

    if (id == NULL) {
        b->failed = true;
        return;
    }
    ms_feed_rfc3339(updated, sizeof(updated), doc->date);
    buf_adds(b, "  <entry>\n");
    add_element(b, "    ", "title",
                doc->title != NULL ? doc->title
                : doc->id != NULL  ? doc->id
                                   : "");
    buf_adds(b, "    <id>" TAG_PREFIX "doc/");
    xml_escape_into(b, id);
    buf_adds(b, "</id>\n    <link href=\"/doc/");
    xml_escape_into(b, id);
    buf_adds(b, "\"/>\n");
    add_element(b, "    ", "updated", updated);
    if (hit->snippet != NULL) {
        char *summary = ms_feed_snippet_text(hit->snippet);

        if (summary == NULL)
            b->failed = true;
        else
            add_element(b, "    ", "summary", summary);
        free(summary);
    }
    buf_adds(b, "  </entry>\n");
    free(id);
}

/* The whole feed for the search 'qp' and its 'results'. */
static char *
feed_xml(size_t *length, const ms_query_t *qp, const ms_results_t *results)
{
    struct buf b = {NULL, 0, 0, false};
    struct buf canonical = {NULL, 0, 0, false};
    struct buf title = {NULL, 0, 0, false};
    char updated[32];
    bool dated = false;

    buf_add(&canonical, "", 0);
    buf_add(&title, "", 0);
    if (qp->q[0] != '\0')
        add_term(&canonical, &title, "q", qp->q);
    for (size_t i = 0; i < qp->n_filters; i++)
        add_term(&canonical, &title, param_name(qp->filters[i].name),
                 qp->filters[i].value);
    if (qp->from != NULL)
        add_term(&canonical, &title, "from", qp->from);
    if (qp->to != NULL)
        add_term(&canonical, &title, "to", qp->to);
    if (!title.failed && title.length == 0)
        buf_adds(&title, "all documents");

    /* Sorted newest first, so the first dated hit is the newest. */
    for (size_t i = 0; i < results->n_hits && !dated; i++)
        dated = ms_feed_rfc3339(updated, sizeof(updated), results->hits[i].doc.date);
    if (!dated) {
        time_t now = time(NULL);
        struct tm tm;

        gmtime_r(&now, &tm);
        strftime(updated, sizeof(updated), "%Y-%m-%dT%H:%M:%SZ", &tm);
    }

    buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                 "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                 "  <title>migsearch: ");
    if (!title.failed)
        xml_escape_into(&b, title.data);
    buf_adds(&b, "</title>\n  <id>" TAG_PREFIX "search?");
    if (!canonical.failed)
        xml_escape_into(&b, canonical.data);
    buf_adds(&b, "</id>\n");
    add_element(&b, "  ", "updated", updated);
    buf_adds(&b, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"/feed?");
    if (!canonical.failed)
        xml_escape_into(&b, canonical.data);
    buf_adds(&b, "\"/>\n  <author><name>migsearch</name></author>\n"
                 "  <generator version=\"" MS_VERSION "\">migsearch</generator>\n");
    for (size_t i = 0; i < results->n_hits; i++)
        add_entry(&b, &results->hits[i]);
    buf_adds(&b, "</feed>\n");

    free(canonical.data);
    free(title.data);
    if (b.failed || canonical.failed || title.failed) {
        free(b.data);
        return NULL;
    }
    *length = b.length;
    return b.data;
}

int
ms_feed_handle(ms_response_t *resp, ms_worker_t *w, const char *query,
               const ms_viewer_t *viewer)
{
    const ms_config_t *cfg = w->cfg;
    ms_query_t qp;
    ms_results_t *results = NULL;
    ms_search_t search;
    ms_index_status_t status;
    int http;

    http = ms_search__parse(&qp, &resp->json, cfg, query, MS_QUERY_FEED);
    if (http != 0)
        goto out;
    status = ms_route__index(w);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(&resp->json, w, status);
        goto out;
    }
    ms_search__prepare(&search, &qp, cfg, viewer);
    /* A feed is always the newest matches, whatever 'sort' said. */
    search.sort = MS_SORT_NEWEST;
    search.offset = 0;
    search.limit = cfg->search.feed_size;
    search.facets = 0;
    search.max_snippets = 1;
    status = ms_index_search(&results, w->idx, &search);
    if (status != MS_INDEX_OK) {
        http = ms_route__index_error(&resp->json, w, status);
        goto out;
    }
    resp->text = feed_xml(&resp->text_length, &qp, results);
    if (resp->text == NULL) {
        http = ms_route__error(&resp->json, 500, "internal", "internal error");
        goto out;
    }
    resp->content_type = "application/atom+xml; charset=utf-8";
    w->hits = (long)results->n_hits;
    http = 200;
out:
    ms_results_free(results);
    ms_search__query_free(&qp);
    return http;
}
