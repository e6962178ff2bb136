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
 * term prefix is the table of ms_schema.h (indexer/shim/fields.c), which
 * the implementation reads and keeps no copy of; docs/index-schema.md
 * describes the layout, the one contract between the indexer and the
 * server.
 *
 * Thread-safety: an ms_index_t is not thread-safe. Use one handle per
 * thread; handles on the same path may live in different threads.
 */
#ifndef MS_INDEX_H
#define MS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include "ms_work.h"

#ifdef __cplusplus
#define MS_NOEXCEPT noexcept
extern "C" {
#else
#define MS_NOEXCEPT
#endif

typedef enum ms_index_status {
    MS_INDEX_OK = 0,
    MS_INDEX_NOMEM,       /* allocation failed */
    MS_INDEX_NOT_FOUND,   /* no index at the path, or no document with that id */
    MS_INDEX_BAD_QUERY,   /* the query cannot be used even as plain words */
    MS_INDEX_LOCKED,      /* another writer holds the index: an indexer is running */
    MS_INDEX_MODIFIED,    /* the index changed under a reader and a reopen did not help */
    MS_INDEX_IO,          /* the index exists but cannot be opened or read */
    MS_INDEX_XAPIAN,      /* any other Xapian error; details in ms_index_errmsg */
    MS_INDEX_INTERNAL,    /* an unexpected exception; a bug */
    MS_INDEX_OVER_BUDGET, /* the time budget ran out before the match */
    MS_INDEX_CANCELLED    /* the caller's 'cancelled' callback said stop */
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
 * id:       stable identifier under the one id rule of ms_schema.h
 *           (ms_schema_id_check): 1 to 200 bytes of UTF-8, no control
 *           characters, no whitespace, no '/' or '\', not "." or "..".
 * title:    may be NULL.
 * body:     the full text; may be NULL.
 * language: ISO 639-1 code choosing the stemmer (ms_schema_languages: "en",
 *           "fr", "es", "ru", "ar"; anything else is indexed unstemmed);
 *           may be NULL. Chinese, Japanese and Korean text is indexed as
 *           character n-grams in every document, whatever its language.
 * date:     "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real day, month or
 *           year (the one date rule of ms_date.h); may be NULL.
 * fields:   further metadata; a field of ms_schema.h's table that has a
 *           term prefix and comes from the metadata is filterable (by its
 *           canonical name only), any other name is stored and returned
 *           only. "access" (repeated: the groups allowed to see the
 *           document) is indexed as a filter; a document without it is
 *           public. */
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

/* How a reader reaches the shards served elsewhere (docs/config.md,
 * index.remote; docs/index-schema.md, "Shards"). */
typedef struct ms_index_remote {
    const char *shards;          /* "K=host:port[,host:port...] ...": shard K and its
                                    replicas, tried in order; "" or NULL: none */
    unsigned timeout_ms;         /* of one remote operation */
    unsigned connect_timeout_ms; /* of one connection */
    unsigned reprobe_s;          /* a shard down is tried again after this */
} ms_index_remote_t;

/* ms_index_open(MS_INDEX_READ) with the shards of 'remote' reached
 * through xapian-tcpsrv instead of the folders of those numbers.
 * MS_INDEX_BAD_QUERY if 'remote->shards' is not of that form. A shard
 * that does not answer is down, not an error (ms_index_shard_states). */
ms_index_status_t ms_index_open_remote(ms_index_t **out, const char *path,
                                       const ms_index_remote_t *remote,
                                       ms_index_error_t *err) MS_NOEXCEPT;

/* One shard of a reader's index, as ms_index_shard_states() tells it. */
typedef struct ms_index_shard_state {
    unsigned shard;     /* K of shard-K (0 for an unsharded index) */
    bool remote;        /* reached through xapian-tcpsrv */
    bool up;            /* open; false: left out of every answer */
    char endpoint[128]; /* "local", or the endpoint in use (down: the first) */
} ms_index_shard_state_t;

/* The shards of reader 'idx', local ones first: up to 'max' into 'out';
 * returns how many there are. */
size_t ms_index_shard_states(ms_index_t *idx, ms_index_shard_state_t *out,
                             size_t max) MS_NOEXCEPT;

/* The shard of reader 'idx' that holds the document 'id' if it exists
 * (the stable hash of shards.cc), and whether that shard is down: what
 * the server answers for a document it cannot look up. It depends on the
 * id and the shards' states only, never on the document or who may see
 * it. false for an index of one shard. */
bool ms_index_document_shard_down(ms_index_t *idx, const char *id,
                                  unsigned *shard) MS_NOEXCEPT;

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

/* Let the reader 'idx' keep up to 'bytes' of the documents it reads
 * (hits' records with their snippet text, feedback documents' terms: half
 * each) until its index changes; 0 keeps none. A new reader keeps 8 MB.
 * Nothing of what a search answers depends on it, only its cost
 * (docs/performance.md). Less than it holds now drops the least recently
 * used. */
void ms_index_set_cache(ms_index_t *idx, size_t bytes) MS_NOEXCEPT;

/* What /health reports about the open revision. */
typedef struct ms_index_info {
    unsigned long doc_count;
    unsigned long revision;
    /* Changes whenever any partition the handle has open moves, restricted
     * ones included whatever the viewer: a hash of every partition's UUID
     * and revision (a rebuilt index may be at the same revisions). What a
     * caller keeps of answers is good while it stays the same. */
    unsigned long long state;
} ms_index_info_t;

/* Fill *out with the state of the revision 'idx' has open: every
 * document, and a revision that grows with each commit.
 * Returns MS_INDEX_OK or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_info(ms_index_info_t *out, ms_index_t *idx) MS_NOEXCEPT;

/* Add 'doc', or replace the document that has the same id. Needs a WRITE
 * handle. Nothing is visible to readers before ms_index_commit().
 * Returns MS_INDEX_OK, MS_INDEX_NOMEM, MS_INDEX_XAPIAN, MS_INDEX_IO, or
 * MS_INDEX_BAD_QUERY when the document is invalid: an id that breaks the
 * rules of ms_document_t ("invalid document id"), a date of another shape
 * or one that names no real day (2003-02-31, 0000), or a field without a
 * name or value. MS_INDEX_INTERNAL on a READ handle. */
ms_index_status_t ms_index_put(ms_index_t *idx, const ms_document_t *doc) MS_NOEXCEPT;

/* For a rebuild: documents that 'idx' (a WRITE handle) holds no older
 * copy of take the time they were first indexed (their "added" field,
 * docs/index-schema.md slot 2) from the index at 'path' (the live index
 * the rebuild replaces) when it has a document of the same id, instead of
 * now. The index at 'path' is opened for reading until ms_index_close().
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND (nothing at 'path': a first
 * build, nothing to keep), MS_INDEX_INTERNAL (a READ handle),
 * MS_INDEX_IO or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_keep_added(ms_index_t *idx, const char *path) MS_NOEXCEPT;

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
 *           every document. Over max_bytes it is cut to its first words
 *           and searched as plain words (results->plain_words set).
 * language: stemmer for the query (see ms_document_t); NULL means "en".
 *           Words typed with a capital or in quotes are not stemmed and
 *           match the exact word in a document of any language; CJK text
 *           is searched as n-grams whatever the language.
 * filters:  boolean filters; the same field ORed, different fields ANDed.
 *           A filter names a field of ms_schema.h that has a term prefix,
 *           by its name or its param ("language" or "lang"); any other
 *           name is MS_INDEX_BAD_QUERY.
 * offset, limit: the page of hits to return; limit 0 returns totals only.
 * snippet_length: characters of highlighted context per hit; 0 for none. */
typedef enum ms_sort {
    MS_SORT_RELEVANCE = 0,
    MS_SORT_NEWEST, /* by date, newest first; undated documents last */
    MS_SORT_OLDEST, /* by date, oldest first; undated documents last */
    MS_SORT_ADDED   /* by the time first indexed, latest first (the "added" field);
                       documents indexed before that was recorded last */
} ms_sort_t;

/* Who is asking, for access control. A document whose `access` field
 * names groups is visible only to a viewer in one of them; a document
 * without `access` is public. A NULL viewer, or one with no groups, is
 * anonymous and sees public documents only. Every function that takes a
 * viewer applies this inside the index layer: a hidden document is never
 * counted, matched, suggested or returned, exactly as if it did not exist. */
typedef struct ms_viewer {
    const char *const *groups; /* borrowed; folded like other field values */
    size_t n_groups;
} ms_viewer_t;

/* ms_index_info() for what 'viewer' (NULL: anonymous) may see: its
 * documents, and the commits that changed them. */
ms_index_status_t ms_index_info_visible(ms_index_info_t *out, ms_index_t *idx,
                                        const ms_viewer_t *viewer) MS_NOEXCEPT;

/* Defined since ms_search_t has every_language, for code built against
 * older and newer shims alike (tests/bench/search_loop.c). */
#define MS_SEARCH_EVERY_LANGUAGE 1

typedef struct ms_search {
    const char *query;
    const char *language;
    const ms_field_t *filters;
    size_t n_filters;
    unsigned offset;
    unsigned limit;
    unsigned snippet_length;
    /* Added for the search service; zero values keep the behaviour above. */
    ms_sort_t sort;
    const char *date_from;     /* "YYYY[-MM[-DD]]", a real date (ms_date.h),
                                  inclusive; NULL: open */
    const char *date_to;       /* inclusive: "2003" means to the end of 2003 */
    const ms_viewer_t *viewer; /* NULL: anonymous */
    int facets;                /* nonzero: fill results->facets */
    unsigned max_snippets;     /* snippets per hit; 0 means 1 */
    /* The bounds on the work of one query (docs/api.md, "Bounds"); 0 takes
     * the default of ms_limits.h, the same as the server's config. */
    unsigned max_terms;     /* a longer query: its first max_terms words that are
                               not stop words, as plain words */
    unsigned max_depth;     /* deeper bracket nesting is searched as plain
                               words */
    unsigned max_expansion; /* terms one wildcard expands to, most frequent first */
    int no_feedback;        /* nonzero: plain BM25, no pseudo relevance feedback */
    unsigned facet_limit;   /* matches counted for facets: with more, an
                               even sample of facet_limit of them is counted
                               and the counts scaled to the total
                               (results->facets_estimated) */
    unsigned max_bytes;     /* a longer query is cut at a word boundary to at
                               most max_bytes bytes (never inside a UTF-8
                               character; a first word longer than that
                               at its last whole character), then treated
                               as one over max_terms: its first words that
                               are not stop words, as plain words; not
                               refused */
    int every_language;     /* nonzero: the request named no language; each
                               stemmed word also matches its stem in every
                               other language of the index written in the
                               word's script (ms_schema_script()): "remesas"
                               its Spanish stem, an Arabic word its Arabic
                               stem */
    /* Time one search may take, checked between its phases (0:
     * MS_LIMIT_TIME_BUDGET_MS); phases not begun in time: results->skipped. */
    unsigned time_budget_ms;
    /* NULL, or asked between phases with 'cancel_payload' (cheaply, from
     * the searching thread): true stops the search, MS_INDEX_CANCELLED. */
    bool (*cancelled)(void *payload);
    void *cancel_payload;
    /* Terms all wildcards together expand to, an equal share each (at most
     * max_expansion, at least 1); 0: MS_LIMIT_EXPANSION_TOTAL. */
    unsigned max_expansion_total;
    /* Nonzero: feedback reorders only the best feedback_window matches of
     * a query whose words are in MS_INDEX_WINDOW_FACTOR times as many
     * documents, which stay first, the rest following in their own order
     * (a rerank window); for other queries, and with 0, every match. */
    unsigned feedback_window;
} ms_search_t;

/* Defined since ms_search_t has feedback_window (tests/bench/search_loop.c). */
#define MS_SEARCH_FEEDBACK_WINDOW 1

/* A feedback window is used for a query whose words (the sum of their
 * document frequencies) are in at least this many times as many documents
 * as it holds: below, finding the window costs the first match more than it
 * spares the second (docs/performance.md, "A window only where it pays"). */
#define MS_INDEX_WINDOW_FACTOR 4u

/* Phases the budget cuts (results->skipped); names static, NULL past. */
typedef enum ms_phase {
    MS_PHASE_FEEDBACK = 1 << 0, /* no pseudo relevance feedback */
    MS_PHASE_MATCH = 1 << 1,    /* the match itself ran past the budget */
    MS_PHASE_FACETS = 1 << 2,   /* facets not counted */
    MS_PHASE_SNIPPETS = 1 << 3  /* the last hits have no snippets */
} ms_phase_t;
const char *ms_index_phase_name(unsigned phase) MS_NOEXCEPT;

/* One highlighted passage of a hit. */
typedef struct ms_snippet {
    const char *html; /* text escaped, terms in <mark></mark>; safe as element content */
    unsigned page;    /* 1-based page of a paged document (PDF); 0 otherwise */
} ms_snippet_t;

/* One hit. 'doc' has no body; its strings are owned by the results. */
typedef struct ms_hit {
    ms_document_t doc;
    double score;                 /* BM25 weight; larger is better */
    unsigned percent;             /* Xapian's percentage, 0-100 */
    const char *snippet;          /* HTML: text escaped, terms wrapped in <mark></mark>;
                                     safe as element content; NULL if not asked for */
    const ms_snippet_t *snippets; /* up to max_snippets passages, best first;
                                     snippets[0].html equals 'snippet' */
    size_t n_snippets;
} ms_hit_t;

/* Counts of one filterable field's values over ALL matches (not just the
 * page), for the documents the viewer may see. A document with several
 * values (countries) counts once under each. */
typedef struct ms_facet_value {
    const char *value;   /* as stored in a document (not folded) */
    unsigned long count; /* exact */
    const char *label;   /* when the facet is 'labelled': the value's title for
                            people to read (a meeting's meeting_title), NULL
                            when the archive gives none */
} ms_facet_value_t;

typedef struct ms_facet {
    const char *field;              /* the name of a field of ms_schema.h with
                                       MS_FIELD_FACET ("type", "country", "year", ...);
                                       results->facets has one per such field, in
                                       the table's order; static */
    const ms_facet_value_t *values; /* count descending, then value ascending */
    size_t n_values;
    int labelled; /* nonzero: its values carry a label (the meeting facet) */
} ms_facet_t;

typedef struct ms_results {
    unsigned long estimate; /* estimated number of matches */
    unsigned long lower;    /* bounds of that estimate */
    unsigned long upper;
    int plain_words; /* 1 if the query was not valid syntax and was
                        searched as plain words instead */
    size_t n_hits;
    ms_hit_t *hits;
    char *corrected;          /* "did you mean": the query with misspelt words
                                 replaced from the index's spelling dictionary
                                 (see ms_index_set_spelling); NULL when there is
                                 no correction, and never a correction that would
                                 only find documents the viewer may not see.
                                 Owned by the results. */
    char *understood;         /* the query as parsed, in Xapian's query syntax
                                 (terms, operators, synonyms); owned */
    const ms_facet_t *facets; /* when search->facets; owned */
    size_t n_facets;
    int facets_estimated; /* nonzero: more matches than search->facet_limit,
                             the counts are scaled from those counted */
    unsigned skipped;     /* ms_phase_t bits the time budget cut; 0: complete */
} ms_results_t;

/* Run 'search' against 'idx'.
 *
 * *out is owned by the caller; release it with ms_results_free().
 * A query that the parser rejects, or that is over one of the bounds of
 * 'search', is searched as plain words (and plain_words set); only a
 * query with no words left is called bad. Synonym groups written by
 * ms_index_set_synonyms() expand the query; a spelling correction, if the
 * index has a dictionary and a word of the query is not in the index, is
 * in (*out)->corrected.
 * Returns MS_INDEX_OK, MS_INDEX_BAD_QUERY (no words, an unknown filter
 * field or sort order, a date bound that is not a real date; message in
 * ms_index_errmsg), MS_INDEX_MODIFIED (a reopen and retry failed),
 * MS_INDEX_OVER_BUDGET, MS_INDEX_CANCELLED (ms_search_t), MS_INDEX_NOMEM or
 * MS_INDEX_XAPIAN; a budget spent after the match: MS_INDEX_OK, ->skipped. */
ms_index_status_t ms_index_search(ms_results_t **out, ms_index_t *idx,
                                  const ms_search_t *search) MS_NOEXCEPT;

/* Free results from ms_index_search(), 'corrected' included. Accepts NULL. */
void ms_results_free(ms_results_t *results) MS_NOEXCEPT;

/* --- the search service: access-checked retrieval, suggestions, similar --- */

/* ms_index_get() for 'viewer': a document the viewer may not see is
 * MS_INDEX_NOT_FOUND, exactly like a missing one.
 * Returns as ms_index_get(). */
ms_index_status_t ms_index_get_visible(ms_document_t **out, ms_index_t *idx,
                                       const char *id,
                                       const ms_viewer_t *viewer) MS_NOEXCEPT;

/* A list of strings owned by the list. */
typedef struct ms_strings {
    char **items;
    size_t n_items;
} ms_strings_t;

/* Up to 'limit' completions of the last, unfinished word of 'prefix' (the
 * words before it kept), words of documents 'viewer' may see, most frequent
 * first, within 'work' (ms_work.h); *out: the caller's, ms_strings_free(). */
ms_index_status_t ms_index_suggest(ms_strings_t **out, ms_index_t *idx,
                                   const char *prefix, const ms_viewer_t *viewer,
                                   unsigned limit, const ms_work_t *work) MS_NOEXCEPT;

/* Free a list from ms_index_suggest(). Accepts NULL. */
void ms_strings_free(ms_strings_t *strings) MS_NOEXCEPT;

/* Up to 'limit' documents like the document 'id' (by its most telling
 * terms), that 'viewer' may see, without 'id' itself, within 'work'
 * (ms_work.h); no snippets. A hidden or missing 'id' is MS_INDEX_NOT_FOUND.
 * *out is owned by the caller; release it with ms_results_free(). */
ms_index_status_t ms_index_similar(ms_results_t **out, ms_index_t *idx, const char *id,
                                   const ms_viewer_t *viewer, unsigned limit,
                                   const ms_work_t *work) MS_NOEXCEPT;

/* --- languages, spelling and synonyms (shim-lang) --- */

/* Whether documents put through the WRITE handle 'idx' from now on add
 * their words to the index's spelling dictionary, the source of the
 * "did you mean" corrections of ms_index_search(). Off after
 * ms_index_open(). While it is on, replacing or deleting a document also
 * takes its words out of the dictionary again.
 *
 * Turning it off empties the dictionary (committed with the next
 * ms_index_commit()), so an index built without spelling gives no
 * corrections. Turning it on covers only documents put afterwards: an
 * index that already holds documents needs a full rebuild to get a
 * complete dictionary.
 * Returns MS_INDEX_OK, MS_INDEX_NOMEM, MS_INDEX_IO or MS_INDEX_XAPIAN;
 * MS_INDEX_INTERNAL on a READ handle. */
ms_index_status_t ms_index_set_spelling(ms_index_t *idx, bool enabled) MS_NOEXCEPT;

/* 'text' in Unicode's composed form (NFC), as the index composes what it
 * indexes and what it is asked (docs/index-schema.md, "Documents"): for a
 * caller that compares a value with stored ones itself. A copy the caller
 * releases with ms_index_string_free(); 'text' itself copied when it is
 * composed already or not UTF-8; NULL on OOM. */
char *ms_index_composed(const char *text) MS_NOEXCEPT;

/* A group of words or phrases that mean the same, for example
 * { "remittances", "money transfers", "remesas" }. Strings are borrowed
 * for the call; each is UTF-8 text of at most 200 bytes. */
typedef struct ms_synonym_group {
    const char *const *terms;
    size_t n_terms;
} ms_synonym_group_t;

/* Make 'groups' the index's synonyms, replacing every group written before
 * (a group left out disappears). Needs a WRITE handle; takes effect for
 * readers at the next ms_index_commit(). Unchanged synonyms are not
 * rewritten, so calling this on every run costs little.
 *
 * At search time a word or phrase of a group, as typed or (single words)
 * in another inflected form, also finds documents that contain any other
 * member of its group; phrases are matched as phrases. Entries are
 * normalised like indexed text (split into words, lower case).
 * 'groups' may be NULL when 'n_groups' is 0, which removes all synonyms.
 * Returns MS_INDEX_OK, MS_INDEX_NOMEM, MS_INDEX_IO, MS_INDEX_XAPIAN, or
 * MS_INDEX_BAD_QUERY for an invalid group (fewer than two entries, an
 * entry that is NULL, longer than 200 bytes or has no words; the message
 * names the group and entry by index); MS_INDEX_INTERNAL on a READ
 * handle. Every group is checked before anything is written, so an
 * invalid group changes nothing. */
ms_index_status_t ms_index_set_synonyms(ms_index_t *idx, const ms_synonym_group_t *groups,
                                        size_t n_groups) MS_NOEXCEPT;

/* --- index state and generations (engine: migsearch-index's incremental
 * updates and rebuilds; docs/index-schema.md, "Metadata" and
 * "Generations and the switch") --- */

/* Longest metadata key ms_index_metadata_set() accepts, in bytes. */
#define MS_INDEX_METADATA_KEY_MAX 200

/* Free a string the shim returned (ms_index_metadata_get). Accepts NULL. */
void ms_index_string_free(char *text) MS_NOEXCEPT;

/* Fetch the metadata value stored under 'key'. A writer sees its own
 * uncommitted values.
 *
 * *out is owned by the caller; release it with ms_index_string_free().
 * Returns MS_INDEX_OK, MS_INDEX_NOT_FOUND (no value under 'key'),
 * MS_INDEX_MODIFIED, MS_INDEX_NOMEM or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_metadata_get(char **out, ms_index_t *idx,
                                        const char *key) MS_NOEXCEPT;

/* Store 'value' under 'key', or remove 'key' when 'value' is NULL or "".
 * Needs a WRITE handle. The change belongs to the writer's open
 * transaction, like ms_index_put(): readers see it with the documents of
 * the next ms_index_commit(), and ms_index_close() without a commit
 * discards it. 'key' is 1 to MS_INDEX_METADATA_KEY_MAX bytes.
 * Returns MS_INDEX_OK, MS_INDEX_BAD_QUERY (invalid key), MS_INDEX_NOMEM,
 * MS_INDEX_IO or MS_INDEX_XAPIAN; MS_INDEX_INTERNAL on a READ handle. */
ms_index_status_t ms_index_metadata_set(ms_index_t *idx, const char *key,
                                        const char *value) MS_NOEXCEPT;

/* Called for each key of ms_index_metadata_each() with its value; both
 * are borrowed for the duration of the call. Return 0 to go on, anything
 * else to stop. */
typedef int (*ms_index_metadata_cb)(const char *key, const char *value, void *payload);

/* Call 'fn' for every metadata key starting with 'prefix' ("" for all), in
 * byte order of the keys. 'fn' must not change 'idx'. A writer sees its
 * uncommitted values.
 * Returns MS_INDEX_OK (also when 'fn' stopped early), MS_INDEX_MODIFIED
 * (a reader's revision vanished part-way; 'fn' may have seen some keys),
 * MS_INDEX_NOMEM or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_metadata_each(ms_index_t *idx, const char *prefix,
                                         ms_index_metadata_cb fn,
                                         void *payload) MS_NOEXCEPT;

/* Called for each document id of ms_index_each_id(); 'id' is borrowed for
 * the duration of the call. Return 0 to go on, anything else to stop. */
typedef int (*ms_index_id_cb)(const char *id, void *payload);

/* Call 'fn' for the id of every document in 'idx', in byte order. 'fn'
 * must not change 'idx'. Returns as ms_index_metadata_each() does. */
ms_index_status_t ms_index_each_id(ms_index_t *idx, ms_index_id_cb fn,
                                   void *payload) MS_NOEXCEPT;

/* How many documents have one value of a filterable field. */
typedef struct ms_index_count {
    char *value;         /* as indexed: folded to lower case, maybe cut */
    unsigned long count; /* documents with this value */
} ms_index_count_t;

typedef struct ms_index_counts {
    ms_index_count_t *items; /* in byte order of the values */
    size_t n_items;
} ms_index_counts_t;

/* Count the documents of 'idx' per value of the filterable field 'field':
 * a field of ms_schema.h with a term prefix and a param, by its name or
 * its param ("type", "status", "language" or "lang", "year", "country",
 * ...). A document with several values counts once under each; a document
 * without the field is not counted.
 *
 * *out is owned by the caller; release it with ms_index_counts_free().
 * Returns MS_INDEX_OK, MS_INDEX_BAD_QUERY (not a filterable field),
 * MS_INDEX_MODIFIED, MS_INDEX_NOMEM or MS_INDEX_XAPIAN. */
ms_index_status_t ms_index_count_by(ms_index_counts_t **out, ms_index_t *idx,
                                    const char *field) MS_NOEXCEPT;

/* Free counts from ms_index_count_by(). Accepts NULL. */
void ms_index_counts_free(ms_index_counts_t *counts) MS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MS_INDEX_H */
