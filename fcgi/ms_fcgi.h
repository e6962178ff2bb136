/* ms_fcgi.h - internal interface of migsearch-fcgi: requests, workers, routing
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The handlers (route.c, search.c, feed.c, fragment.c, metrics.c,
 * request.c) form the static
 * library ms_fcgi_handlers. They see a request as plain C strings and answer
 * with an ms_response_t (a status, a JSON or text body, a few extra
 * headers), so they never include libfcgi headers and can be unit-tested
 * without a socket. main.c and reply.c are the only files that talk FastCGI.
 */
#ifndef MS_FCGI_H
#define MS_FCGI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "ms_config.h"
#include "ms_index.h"

/* The version reported by /health; CMake passes the project version. */
#ifndef MS_VERSION
#define MS_VERSION "0.0.0"
#endif

/* The version of the JSON schema documented in docs/api.md. */
#define MS_API_VERSION 2

/* One HTTP request as the handlers see it. Every string is borrowed from
 * the caller for the duration of ms_route(); NULL is allowed for all but
 * 'method' and 'path' and means "not sent". */
typedef struct ms_request {
    const char *method;      /* REQUEST_METHOD, e.g. "GET" */
    const char *path;        /* raw path part of REQUEST_URI, before '?' */
    const char *query;       /* raw QUERY_STRING, without '?' */
    const char *request_id;  /* REQUEST_ID (nginx's $request_id) */
    const char *remote_user; /* REMOTE_USER */
    const char *groups;      /* MS_GROUPS: comma-separated access groups of the
                                user nginx authenticated; NULL: anonymous */
} ms_request_t;

/* Most access groups taken from MS_GROUPS, and the longest group name, in
 * bytes. Groups past the first MS_VIEWER_MAX_GROUPS and longer names are
 * ignored: a viewer can only ever see less than it asked for, never more. */
#define MS_VIEWER_MAX_GROUPS 32
#define MS_VIEWER_GROUP_MAX 100

/* A viewer and the storage its group names point into. */
typedef struct ms_viewer_buf {
    ms_viewer_t viewer; /* groups point into 'names' and 'text' below */
    const char *names[MS_VIEWER_MAX_GROUPS];
    char text[MS_VIEWER_MAX_GROUPS * (MS_VIEWER_GROUP_MAX + 1)];
} ms_viewer_buf_t;

/* Most extra headers one response carries. */
#define MS_RESPONSE_MAX_HEADERS 4

typedef struct ms_header {
    const char *name; /* static, e.g. "X-Accel-Redirect" */
    char *value;      /* owned by the response */
} ms_header_t;

/* What a handler answers. The body is 'text' when it is not NULL (of
 * 'text_length' bytes, with 'content_type', a static string, or no
 * Content-Type at all when it is NULL: an X-Accel-Redirect answer, whose
 * type nginx takes from the file), else the JSON 'json'; both NULL means
 * the error document itself could not be allocated (status is then 500).
 * Everything is owned by the response and released with
 * ms_response_free(). */
typedef struct ms_response {
    int status;
    json_t *json;
    char *text;
    size_t text_length;
    const char *content_type;
    ms_header_t headers[MS_RESPONSE_MAX_HEADERS];
    size_t n_headers;
} ms_response_t;

/* Release what 'resp' owns and leave it empty (status 0, no body). Also
 * initialises a response that was only zero-filled. */
void ms_response_free(ms_response_t *resp);

/* Add the header 'name' (static; borrowed for the life of 'resp') with a
 * copy of 'value'. A value with a control byte is refused, so that no
 * handler can split the header block. Returns 0, or -1 when the value is
 * refused, the table is full or memory runs out. */
int ms_response_add_header(ms_response_t *resp, const char *name, const char *value);

/* Per-thread state of a worker. Not shared between threads.
 *
 * cfg:          borrowed; the owner may point it at a newer config between
 *               requests (after a reload), never during one.
 * idx:          owned; opened read-only from cfg->index.path on first use
 *               and reopened after failures; NULL while there is no index.
 * last_refresh: CLOCK_MONOTONIC time of the last open or refresh, so
 *               ms_index_refresh runs at most once a second.
 * revision:     the index revision 'idx' has open, reported to metrics.c.
 * hits:         set by ms_route for the log line: hits returned by a
 *               search, or -1 when the request was not a search.
 * detail:       set by ms_route: internal detail of a failure (index error
 *               text) for the log, never for the client; "" if none. */
typedef struct ms_worker {
    const ms_config_t *cfg;
    ms_index_t *idx;
    struct timespec last_refresh;
    unsigned long revision; /* of the open index, for the reopen count */
    long hits;
    char detail[256];
} ms_worker_t;

/* Prepare 'w' to serve requests under 'cfg' (borrowed, must outlive 'w' or
 * be replaced). Opens nothing yet. */
void ms_worker_init(ms_worker_t *w, const ms_config_t *cfg);

/* Close the index handle of 'w'. Accepts a worker that never opened one. */
void ms_worker_fini(ms_worker_t *w);

/* Answer 'req'.
 *
 * Fills *out (which the caller releases with ms_response_free(); its old
 * contents are not freed) and returns out->status. The only I/O is on the
 * worker's index. Every index call is made for the viewer described by
 * req->groups. Not thread-safe per worker. */
int ms_route(ms_response_t *out, ms_worker_t *w, const ms_request_t *req);

/* ---- request.c: query strings and percent-encoding ---- */

typedef enum ms_request_status {
    MS_REQUEST_OK = 0,
    MS_REQUEST_NOMEM,
    MS_REQUEST_BAD /* malformed input; a message is in the error buffer */
} ms_request_status_t;

typedef struct ms_param {
    char *name;  /* decoded, NUL-terminated, valid UTF-8 */
    char *value; /* decoded; "" for "name" or "name=" */
} ms_param_t;

typedef struct ms_params {
    ms_param_t *items;
    size_t count;
} ms_params_t;

/* Decode 'len' bytes of 'in' ('%XX' escapes; '+' becomes a space when
 * 'plus_is_space'). The result is rejected unless every escape is two hex
 * digits, no escape yields a NUL byte and the decoded bytes are valid
 * UTF-8.
 * On success *out is a new string the caller frees with free().
 * Returns MS_REQUEST_OK, MS_REQUEST_BAD or MS_REQUEST_NOMEM. */
ms_request_status_t ms_request_decode(char **out, const char *in, size_t len,
                                      bool plus_is_space);

/* Split the query string 'query' (NULL or "" for none) on '&' into
 * decoded name/value pairs, in order, keeping repeats. Empty segments
 * ("a=1&&b=2") are skipped.
 * On success *out holds the pairs; release them with ms_params_free().
 * On MS_REQUEST_BAD 'err' (of 'err_size' bytes, may be NULL) holds a
 * message fit for a client. *out is empty on failure.
 * Returns MS_REQUEST_OK, MS_REQUEST_BAD or MS_REQUEST_NOMEM. */
ms_request_status_t ms_params_parse(ms_params_t *out, const char *query, char *err,
                                    size_t err_size);

/* Free the pairs of 'params' and leave it empty. Accepts an empty set. */
void ms_params_free(ms_params_t *params);

/* Percent-encode 's' for a URL: every byte but the unreserved characters
 * of RFC 3986 (letters, digits, "-._~") and those in 'keep' (may be NULL)
 * becomes %XX. Caller frees with free(); NULL on allocation failure. */
char *ms_request_encode(const char *s, const char *keep);

/* Fill 'out' from the MS_GROUPS value 'groups' (NULL: anonymous): split on
 * ',', trim spaces and tabs, skip empty names and names that are too long,
 * not UTF-8 or carry control bytes, keep at most MS_VIEWER_MAX_GROUPS.
 * out->viewer is then ready to pass to the index; it points into 'out'. */
void ms_request_viewer(ms_viewer_buf_t *out, const char *groups);

/* true if 'len' bytes at 's' are well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
bool ms_request_utf8_valid(const char *s, size_t len);

/* A copy of the NUL-terminated 's' with every byte that is not part of a
 * well-formed UTF-8 sequence replaced by U+FFFD, for data the index hands
 * back that jansson would otherwise refuse. Caller frees with free().
 * NULL on allocation failure. */
char *ms_request_utf8_repair(const char *s);

/* ---- search.c and route.c internals shared inside the library ---- */

/* json_object_set_new / json_array_append_new that also report a NULL
 * value (a failed allocation) as an error, so builders can OR the results
 * together. The value is stolen either way. Return 0 or -1. */
int ms_route__put(json_t *object, const char *key, json_t *value);

/* The first value of the field 'name' of 'doc', borrowed from 'doc'; NULL
 * when the document has no such field. */
const char *ms_route__field_value(const ms_document_t *doc, const char *name);
int ms_route__append(json_t *array, json_t *value);

/* Fill *out with an error document {"error":{"code":..,"message":..}} and
 * return 'status'. *out is NULL if it could not be allocated. */
int ms_route__error(json_t **out, int status, const char *code, const char *message);

/* Answer an index status other than MS_INDEX_OK the way the one status
 * table says, copy the index's message into w->detail for the log, and
 * drop the handle when the failure suggests it is stale. */
int ms_route__index_error(json_t **out, ms_worker_t *w, ms_index_status_t status);

/* Make sure w->idx is open and fresh. Returns MS_INDEX_OK or the status of
 * the failed open/refresh (w->detail holds the message then). */
ms_index_status_t ms_route__index(ms_worker_t *w);

/* The metadata of 'doc' in the stable result shape (see docs/api.md),
 * without the internal fields "source" and "reports".
 * Returns a new object, or NULL on allocation failure. */
json_t *ms_route__document_json(const ms_document_t *doc);

/* A JSON string for 's' (null for NULL), with invalid UTF-8 repaired.
 * NULL only on allocation failure. */
json_t *ms_route__string(const char *s);

/* "/doc/<id>" with 'id' percent-encoded, as a new JSON string (NULL on
 * allocation failure). */
json_t *ms_route__doc_url(const char *id);

/* The parameters shared by /search and /feed, checked. The strings point
 * into 'params', which the structure owns. */
typedef struct ms_query {
    ms_params_t params;
    const char *q; /* decoded q; "" when absent */
    unsigned page; /* 1-based */
    unsigned per_page;
    ms_sort_t sort;
    const char *sort_name; /* "relevance", "newest" or "oldest" */
    const char *from;      /* NULL: open */
    const char *to;
    bool facets;
    ms_field_t *filters; /* names are index field names ("language") */
    size_t n_filters;
    char language[16]; /* storage for the query language */
} ms_query_t;

/* Which parameters a caller of ms_search__parse accepts. */
typedef enum ms_query_kind {
    MS_QUERY_SEARCH, /* every parameter of /search */
    MS_QUERY_FEED    /* /search's without page, per_page and facets */
} ms_query_kind_t;

/* Parse and check the query string 'query' into 'qp' (which the caller
 * releases with ms_search__query_free() whatever the result).
 * Returns 0, or the HTTP status of the error document stored in *err. */
int ms_search__parse(ms_query_t *qp, json_t **err, const ms_config_t *cfg,
                     const char *query, ms_query_kind_t kind);

/* Release what 'qp' owns. Accepts a zero-filled 'qp'. */
void ms_search__query_free(ms_query_t *qp);

/* Fill 'search' from 'qp' for 'viewer' with the bounds of 'cfg'; the
 * strings stay borrowed from 'qp' (whose 'language' buffer it may fill). */
void ms_search__prepare(ms_search_t *search, ms_query_t *qp, const ms_config_t *cfg,
                        const ms_viewer_t *viewer);

/* GET /search with the query string 'query', for 'viewer'. */
int ms_search_handle(json_t **out, ms_worker_t *w, const char *query,
                     const ms_viewer_t *viewer);

/* A search hit as JSON: the document shape plus "score" and "url", and,
 * when 'with_snippets', "snippet" and "snippets". NULL on allocation
 * failure. */
json_t *ms_search__hit_json(const ms_hit_t *hit, bool with_snippets);

/* ---- feed.c: GET /feed ---- */

/* GET /feed with the query string 'query', for 'viewer': fills 'resp' with
 * an Atom document, or a JSON error. Returns resp->status. */
int ms_feed_handle(ms_response_t *resp, ms_worker_t *w, const char *query,
                   const ms_viewer_t *viewer);

/* 'text' escaped for XML character data and attribute values: &, <, >, "
 * and ' as references, bytes that are not UTF-8 as U+FFFD, and characters
 * XML 1.0 forbids (control characters but tab, newline and carriage
 * return; U+FFFE, U+FFFF) left out. Caller frees with free(); NULL on
 * allocation failure. */
char *ms_feed_xml_escape(const char *text);

/* The plain text of a snippet (HTML from the index: escaped text with
 * <mark></mark> around terms): tags removed and character references
 * decoded. Characters XML cannot carry are dropped. Caller frees with
 * free(); NULL on allocation failure. */
char *ms_feed_snippet_text(const char *html);

/* 'date' ("YYYY", "YYYY-MM" or "YYYY-MM-DD"; NULL or anything else counts
 * as undated) as an RFC 3339 time at 00:00:00Z, missing parts taken as
 * 01, into 'out' (at least 21 bytes). Undated is 1970-01-01T00:00:00Z.
 * Returns true when the date was usable. */
bool ms_feed_rfc3339(char *out, size_t size, const char *date);

/* ---- fragment.c: GET /fragment ---- */

/* GET /fragment with the query string 'query' (the parameters of /search;
 * empty values are ignored), for 'viewer': fills 'resp' with a
 * self-contained HTML fragment of results, safe to include in any page,
 * or with a short HTML error fragment (<p class="ms-error">) and the
 * status the one error table gives. Returns resp->status. */
int ms_fragment_handle(ms_response_t *resp, ms_worker_t *w, const char *query,
                       const ms_viewer_t *viewer);

/* ---- metrics.c: counters for GET /metrics (Prometheus text format) ---- */

typedef enum ms_endpoint {
    MS_ENDPOINT_SEARCH,
    MS_ENDPOINT_DOC,
    MS_ENDPOINT_FILE,
    MS_ENDPOINT_SUGGEST,
    MS_ENDPOINT_SIMILAR,
    MS_ENDPOINT_FEED,
    MS_ENDPOINT_FRAGMENT,
    MS_ENDPOINT_HEALTH,
    MS_ENDPOINT_METRICS,
    MS_ENDPOINT_OTHER,
    MS_ENDPOINT_COUNT
} ms_endpoint_t;

/* The endpoint a raw request path belongs to. */
ms_endpoint_t ms_metrics_endpoint(const char *path);

/* Count one answered request. Thread-safe, lock-free. */
void ms_metrics_record(ms_endpoint_t endpoint, int status, double seconds);

/* A worker has revision 'revision' with 'documents' documents open;
 * 'reopened' when it moved there from an older revision. Thread-safe. */
void ms_metrics_index_seen(unsigned long revision, unsigned long documents,
                           bool reopened);

/* Everything recorded so far, in Prometheus text exposition format 0.0.4.
 * Returns a new string the caller frees with free() and stores its length
 * in *length, or NULL on allocation failure. Thread-safe. */
char *ms_metrics_render(size_t *length);

/* ---- reply.c: FastCGI output (linked into the executable only) ---- */

struct FCGX_Stream;

/* Write 'resp' as an HTTP response to 'out': its status (anything but 200,
 * 400, 404, 405 and 503 is sent as 500), its body (a fixed internal-error
 * JSON document when it has none), its content type and extra headers, and
 * the common headers (nosniff, no-store, Content-Length). 'head' sends the
 * headers only. Returns 0, or -1 if the client went away. */
int ms_reply_send_response(struct FCGX_Stream *out, const ms_response_t *resp, bool head);

/* Write an HTTP response with 'status' and the compact JSON of 'body' (a
 * fixed internal-error document if 'body' is NULL or cannot be encoded) to
 * 'out'. 'head' sends the headers only, with the Content-Length of the
 * body a GET would get. Returns 0, or -1 if the client went away. */
int ms_reply_send(struct FCGX_Stream *out, int status, const json_t *body, bool head);

/* Write a 200 response of 'length' bytes of 'text' with 'content_type'
 * (NULL text: a 500 JSON error). Returns 0, or -1 if the client went away. */
int ms_reply_send_text(struct FCGX_Stream *out, const char *content_type,
                       const char *text, size_t length, bool head);

#endif /* MS_FCGI_H */
