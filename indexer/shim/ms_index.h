/* ms_index.h - the C API of migsearch's Xapian index layer
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * This header is plain C. Its implementation (the .cc files in shim/) is the only C++
 * in the tree: every function below is noexcept, catches every exception
 * at the boundary and maps it to an ms_index_status_t plus a message.
 * No C++ object, exception or allocator crosses into C.
 *
 * Documents are identified by a stable string id chosen by the indexer.
 * Metadata travels as (name, value) fields; a field may repeat (several
 * countries, several themes). Which fields are filterable and under which
 * term prefix is fixed by docs/index-schema.md, the one contract between
 * the indexer and the server.
 *
 * Thread-safety: an ms_index_t is not thread-safe. Use one handle per
 * thread; handles on the same path may live in different threads.
 */
#ifndef MS_INDEX_H
#define MS_INDEX_H

#include <stddef.h>

#ifdef __cplusplus
#define MS_NOEXCEPT noexcept
extern "C" {
#else
#define MS_NOEXCEPT
#endif

typedef enum ms_index_status {
    MS_INDEX_OK = 0,
    MS_INDEX_NOMEM,     /* allocation failed */
    MS_INDEX_NOT_FOUND, /* no index at the path, or no document with that id */
    MS_INDEX_BAD_QUERY, /* the query cannot be used even as plain words */
    MS_INDEX_LOCKED,    /* another writer holds the index: an indexer is running */
    MS_INDEX_MODIFIED,  /* the index changed under a reader and a reopen did not help */
    MS_INDEX_IO,        /* the index exists but cannot be opened or read */
    MS_INDEX_XAPIAN,    /* any other Xapian error; details in ms_index_errmsg */
    MS_INDEX_INTERNAL   /* an unexpected exception; a bug */
} ms_index_status_t;

typedef struct ms_index ms_index_t;

/* Filled by functions that have no handle yet (ms_index_open). Owned by
 * the caller; nothing is allocated on the error path. */
typedef struct ms_index_error {
    ms_index_status_t status;
    char text[256];
} ms_index_error_t;

typedef enum ms_index_mode {
    MS_INDEX_READ, /* read-only; the index must exist */
    MS_INDEX_WRITE /* read-write; created if missing; takes the writer lock */
} ms_index_mode_t;

/* A metadata field. In input structures the strings are borrowed from the
 * caller for the duration of the call; in output structures they are owned
 * by the enclosing object and freed with it. */
typedef struct ms_field {
    const char *name;
    const char *value;
} ms_field_t;

/* A document as the indexer hands it in, and as ms_index_get returns it.
 *
 * id:       stable identifier, 1 to 200 bytes of UTF-8, no control bytes,
 *           no whitespace and no '/'.
 * title:    may be NULL.
 * body:     the full text; may be NULL.
 * language: ISO 639-1 code choosing the stemmer ("en", "fr", "es", "ru",
 *           "ar"; anything else is indexed unstemmed); may be NULL.
 * date:     "YYYY", "YYYY-MM" or "YYYY-MM-DD"; may be NULL.
 * fields:   further metadata; names from docs/index-schema.md are
 *           filterable, any other name is stored and returned only. */
typedef struct ms_document {
    const char *id;
    const char *title;
    const char *body;
    const char *language;
    const char *date;
    const ms_field_t *fields;
    size_t n_fields;
} ms_document_t;

/* Open the index at 'path' in 'mode'.
 *
 * On success *out is a new handle the caller releases with
 * ms_index_close(). On failure *out is NULL and 'err', if not NULL, holds
 * the status and a one-line message.
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND (READ and nothing at 'path'),
 * MS_INDEX_LOCKED (WRITE and another writer is active), MS_INDEX_IO,
 * MS_INDEX_XAPIAN or MS_INDEX_NOMEM. */
ms_index_status_t ms_index_open(ms_index_t **out, const char *path, ms_index_mode_t mode,
                                ms_index_error_t *err) MS_NOEXCEPT;

/* Close 'idx', committing nothing: a writer's uncommitted changes are
 * discarded. Accepts NULL. */
void ms_index_close(ms_index_t *idx) MS_NOEXCEPT;

/* A static English name for 'status', e.g. "bad query". Never NULL. */
const char *ms_index_status_string(ms_index_status_t status) MS_NOEXCEPT;

/* The message of the last failed call on 'idx'. Borrowed, valid until the
 * next call on 'idx'. Empty string if there is none. */
const char *ms_index_errmsg(const ms_index_t *idx) MS_NOEXCEPT;

/* Pick up the newest committed revision, for a reader that outlives
 * several indexer commits. Cheap when nothing changed.
 * Returns MS_INDEX_OK, MS_INDEX_IO or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_refresh(ms_index_t *idx) MS_NOEXCEPT;

/* What /health reports about the open revision. */
typedef struct ms_index_info {
    unsigned long doc_count;
    unsigned long revision;
} ms_index_info_t;

/* Fill *out with the state of the revision 'idx' has open.
 * Returns MS_INDEX_OK or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_info(ms_index_info_t *out, ms_index_t *idx) MS_NOEXCEPT;

/* Add 'doc', or replace the document that has the same id. Needs a WRITE
 * handle. Nothing is visible to readers before ms_index_commit().
 * Returns MS_INDEX_OK, MS_INDEX_NOMEM, MS_INDEX_XAPIAN, MS_INDEX_IO, or
 * MS_INDEX_BAD_QUERY when the document is invalid: an id that breaks the
 * rules of ms_document_t ("invalid document id"), a date of another shape,
 * or a field without a name or value. MS_INDEX_INTERNAL on a READ handle. */
ms_index_status_t ms_index_put(ms_index_t *idx, const ms_document_t *doc) MS_NOEXCEPT;

/* Delete the document with 'id'. Needs a WRITE handle (else
 * MS_INDEX_INTERNAL). Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND (no such id),
 * MS_INDEX_XAPIAN or MS_INDEX_IO. */
ms_index_status_t ms_index_delete(ms_index_t *idx, const char *id) MS_NOEXCEPT;

/* Make every change since the last commit durable and visible to readers.
 * Returns MS_INDEX_OK, MS_INDEX_IO or MS_INDEX_XAPIAN; MS_INDEX_INTERNAL
 * on a READ handle. */
ms_index_status_t ms_index_commit(ms_index_t *idx) MS_NOEXCEPT;

/* Fetch the document with 'id' (body included).
 *
 * *out is owned by the caller; release it with ms_document_free().
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND, MS_INDEX_MODIFIED,
 * MS_INDEX_NOMEM or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_get(ms_document_t **out, ms_index_t *idx,
                               const char *id) MS_NOEXCEPT;

/* Free a document returned by ms_index_get(). Accepts NULL. */
void ms_document_free(ms_document_t *doc) MS_NOEXCEPT;

/* A search request. All strings are borrowed for the call.
 *
 * query:    the user's query in Xapian's query syntax; NULL or "" matches
 *           every document. Longer than 1024 bytes is MS_INDEX_BAD_QUERY.
 * language: stemmer for the query (see ms_document_t); NULL means "en".
 * filters:  boolean filters; the same field ORed, different fields ANDed.
 *           A filter on a field that is not filterable is MS_INDEX_BAD_QUERY.
 * offset, limit: the page of hits to return; limit 0 returns totals only.
 * snippet_length: characters of highlighted context per hit; 0 for none. */
typedef struct ms_search {
    const char *query;
    const char *language;
    const ms_field_t *filters;
    size_t n_filters;
    unsigned offset;
    unsigned limit;
    unsigned snippet_length;
} ms_search_t;

/* One hit. 'doc' has no body; its strings are owned by the results. */
typedef struct ms_hit {
    ms_document_t doc;
    double score;        /* BM25 weight; larger is better */
    unsigned percent;    /* Xapian's percentage, 0-100 */
    const char *snippet; /* HTML: text escaped, terms wrapped in <mark></mark>;
                            safe as element content; NULL if not asked for */
} ms_hit_t;

typedef struct ms_results {
    unsigned long estimate; /* estimated number of matches */
    unsigned long lower;    /* bounds of that estimate */
    unsigned long upper;
    int plain_words; /* 1 if the query was not valid syntax and was
                        searched as plain words instead */
    size_t n_hits;
    ms_hit_t *hits;
} ms_results_t;

/* Run 'search' against 'idx'.
 *
 * *out is owned by the caller; release it with ms_results_free().
 * A query that the parser rejects is retried as plain words (and
 * plain_words set) before it is called bad.
 * Returns MS_INDEX_OK, MS_INDEX_BAD_QUERY (message in ms_index_errmsg),
 * MS_INDEX_MODIFIED (a reopen and retry failed), MS_INDEX_NOMEM or
 * MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_search(ms_results_t **out, ms_index_t *idx,
                                  const ms_search_t *search) MS_NOEXCEPT;

/* Free results from ms_index_search(). Accepts NULL. */
void ms_results_free(ms_results_t *results) MS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MS_INDEX_H */
