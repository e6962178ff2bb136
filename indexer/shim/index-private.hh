/* index-private.hh - C++-only internals shared by the shim's .cc files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Only the .cc files in indexer/shim/ (and the shim's C++ unit tests)
 * include this file. It holds the body of the opaque ms_index_t and what
 * the files of the shim share, grouped below by the file that implements
 * each part. The vocabulary (fields, prefixes, languages, the id rule)
 * is not here: ms_schema.h owns it, and vocabulary.cc reads it.
 */
#ifndef MS_INDEX_PRIVATE_HH
#define MS_INDEX_PRIVATE_HH

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/types.h>

#include <xapian.h>

/* In C++ the functions ms_index_info(), ms_schema_field() and
 * ms_schema_language() hide the implicit constructors of the structs of
 * the same names, which -Wshadow reports. The C APIs need both names as
 * they are, so silence that one warning for these headers alone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#include "ms_index.h"
#include "ms_index_build.h"
#include "ms_schema.h"
#pragma GCC diagnostic pop

/* Exported symbols of the C API; the library is built with
 * -fvisibility=hidden so everything else stays internal. */
#define MS_EXPORT __attribute__((visibility("default")))

/* The layout version written as the "schema" metadata key; see
 * docs/index-schema.md. */
#define MS_INDEX_SCHEMA "3"

/* Xapian refuses terms of 245 bytes or more. */
#define MS_INDEX_MAX_TERM 244

/* Value slot of the YYYYMMDD date. */
#define MS_INDEX_SLOT_DATE 0

/* Value slot of the document's facet terms (docs/index-schema.md), each a
 * length byte and the term, in byte order: facets.cc counts matches from
 * it without reading their term lists. */
#define MS_INDEX_SLOT_FACETS 1

/* Value slot of the time the document was first indexed,
 * "YYYY-MM-DDTHH:MM:SSZ" (UTC; added.cc). */
#define MS_INDEX_SLOT_ADDED 2

/* Value slot of the document id: the last key of every order, so that
 * documents equal in everything else come in an order that no other
 * document (a hidden one above all) can change. */
#define MS_INDEX_SLOT_ID 3

/* Documents to look at before estimating totals, so that small archives
 * (the usual case) report exact counts even for a first page. */
#define MS_INDEX_MIN_CHECK 1000u

struct ms_index {
    /* The open database: a Database for a reader, the WritableDatabase
     * below (as its base class) for a writer. */
    Xapian::Database *db;
    /* Non-NULL only for a writer. A writer always has a transaction open so
     * that closing without ms_index_commit() discards its changes. */
    Xapian::WritableDatabase *writer;
    bool in_transaction;
    /* The message of the last failed call; fixed size so that recording an
     * error never allocates. */
    char message[512];
    /* A writer adds the words of every document it puts to the spelling
     * dictionary; set by ms_index_set_spelling(), false after open. */
    bool spelling;
};

/* --- the C boundary: statuses and messages (error.cc) --- */

/* Copy 'text' into 'buf' as one line, cut at a UTF-8 boundary. */
void ms_index__set_message(char *buf, size_t size, const char *text) noexcept;

/* Record 'text' as the message of 'idx' and return 'status': how a
 * function reports an expected failure. */
ms_index_status_t ms_index__fail(ms_index_t *idx, ms_index_status_t status,
                                 const char *text) noexcept;

/* Fill *err (if not NULL) with 'status' and 'text', for the functions
 * that have no handle to hold a message (ms_index_open and friends), and
 * return 'status'. */
ms_index_status_t ms_index__fill_error(ms_index_error_t *err, ms_index_status_t status,
                                       const char *text) noexcept;

/* Map the exception being handled to a status and write its message into
 * 'buf'. Must be called from inside a catch block. 'idx', if not NULL, is
 * reopened after a DatabaseModifiedError so the next call can succeed. */
ms_index_status_t ms_index__map_exception(ms_index_t *idx, char *buf,
                                          size_t size) noexcept;

bool ms_index__remote_failed(ms_index_t *idx, const Xapian::NetworkError &error);
void ms_index__call_begin(ms_index_t *idx); /* budget.cc: message, the call's deadline */
/* Run 'fn'; if the revision vanished (DatabaseModifiedError), reopen; if a remote shard
 * failed (NetworkError), reopen the shards without it; then run it once more, by the same
 * deadline. A second failure propagates. 'fn' leaves no side effects when it throws. */
template <typename F>
ms_index_status_t
ms_index__retry(ms_index_t *idx, F fn)
{
    try {
        return fn();
    } catch (const Xapian::DatabaseModifiedError &) {
        idx->db->reopen();
    } catch (const Xapian::NetworkError &error) {
        ms_index__remote_failed(idx, error);
    }
    return fn();
}

/* The whole body of a C API function on a handle: clear the handle's
 * message, run 'body' (which returns a status) and map any exception to a
 * status and message (CONVENTIONS.md 3, the C/C++ boundary). */
template <typename F>
ms_index_status_t
ms_index__call(ms_index_t *idx, F body) noexcept
{
    try {
        ms_index__call_begin(idx);
        return body();
    } catch (...) {
        return ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
}

/* ms_index__call() for a read that is retried once when the revision
 * vanishes (ms_index__retry). */
template <typename F>
ms_index_status_t
ms_index__call_retry(ms_index_t *idx, F body) noexcept
{
    return ms_index__call(idx, [&] { return ms_index__retry(idx, body); });
}

/* ms_index__call_retry() for a function that returns an object through
 * 'out': *out stays NULL unless 'body' succeeds. */
template <typename T, typename F>
ms_index_status_t
ms_index__call_out(T **out, ms_index_t *idx, F body) noexcept
{
    assert(out && idx);
    *out = nullptr;
    return ms_index__call_retry(idx, body);
}

/* ms_index__call() for a function that needs a WRITE handle: on a reader
 * it is MS_INDEX_INTERNAL, "index is open read-only". */
template <typename F>
ms_index_status_t
ms_index__call_writer(ms_index_t *idx, F body) noexcept
{
    return ms_index__call(idx, [&] {
        if (!idx->writer)
            return ms_index__fail(idx, MS_INDEX_INTERNAL, "index is open read-only");
        return body();
    });
}

/* ms_index__call() for a function without a handle: 'body' gets an error
 * struct of its own to fail into (ms_index__fill_error), which is copied
 * to 'err' (may be NULL) at the end, with an empty text on success. */
template <typename F>
ms_index_status_t
ms_index__call_unbound(ms_index_error_t *err, F body) noexcept
{
    ms_index_error_t own = {MS_INDEX_OK, ""};
    ms_index_status_t status;
    try {
        status = body(&own);
    } catch (...) {
        status = ms_index__map_exception(nullptr, own.text, sizeof own.text);
    }
    return ms_index__fill_error(err, status, status == MS_INDEX_OK ? "" : own.text);
}

/* --- the walks of the ms_index_*_each functions (compact.cc, state.cc) --- */

/* Call 'visit' with each term iterator from 'it' to 'end' until it
 * returns nonzero, as the callbacks of those functions stop a walk. */
template <typename F>
void
ms_index__each_term(Xapian::TermIterator it, const Xapian::TermIterator &end, F visit)
{
    for (; it != end; ++it) {
        if (visit(it) != 0)
            break;
    }
}

/* --- a handle's members and a writer's transaction (handle.cc) --- */

/* Open the writer's transaction if a failed commit ended it, so that
 * ms_index_close() still discards what follows. */
void ms_index__ensure_transaction(ms_index_t *idx);

/* Throw Xapian::DatabaseOpeningError if 'db' declares a layout other than
 * MS_INDEX_SCHEMA. An index that was never committed declares none
 * (generation.cc). */
void ms_index__check_schema(const Xapian::Database &db);

/* Words put since the last flush -> occurrences still to add to the
 * spelling dictionary (0: none). */
typedef std::unordered_map<std::string, Xapian::termcount> ms_index_spelling_pending;

/* The pending spelling words of writer 'idx', owned by the handle. */
ms_index_spelling_pending &ms_index__spelling_pending(ms_index_t *idx);

/* --- where an index path leads, and generations (generation.cc) --- */

/* Where a path leads: the directory (or stub file) to open, and what
 * identifies it, so that a switch of generations can be noticed. */
struct ms_index_location {
    std::string open_path; /* what to hand to Xapian */
    std::string target;    /* the link target; "" if the path is not a link */
    dev_t dev = 0;
    ino_t ino = 0;
};

/* Find where 'path' leads now. False with errno set if nothing is there
 * (or a link dangles). */
bool ms_index__locate(const std::string &path, ms_index_location &out);

/* Whether two locations are the same directory reached the same way. */
bool ms_index__same_location(const ms_index_location &a, const ms_index_location &b);

/* --- the vocabulary of ms_schema.h as the shim reads it (vocabulary.cc) --- */

/* A field of ms_schema_fields[] that has a term prefix. */
struct ms_index_field {
    const ms_schema_field_t *schema;
    std::string prefix;
    /* The access groups (access.cc): documents with one also get
     * MS_SCHEMA_TERM_RESTRICTED, and no query may name them. */
    bool access;
};

/* The table, read once on first use, as the jobs of the shim walk it. */
struct ms_index_vocabulary {
    std::vector<ms_index_field> indexed; /* every field with a prefix, in table order */
    std::vector<const ms_index_field *> facets; /* MS_FIELD_FACET, in table order */
    /* (prefix, index into 'facets'), in byte order of the prefixes */
    std::vector<std::pair<std::string, size_t>> facet_prefixes;
    const ms_index_field *access; /* the field "access"; NULL if none */
    const ms_index_field *symbol; /* the field "symbol"; NULL if none */
};

/* The vocabulary; built on first use (thread-safe), read-only afterwards. */
const ms_index_vocabulary &ms_index__vocabulary();

/* How a name is looked up in the vocabulary. */
enum ms_index_field_use {
    MS_INDEX_FOR_DOCUMENT, /* a field of ms_document_t.fields: by name, from META */
    MS_INDEX_FOR_FILTER,   /* an ms_search_t filter: by name or param */
    MS_INDEX_FOR_QUERY     /* a query prefix, ms_index_count_by(): by name or
                              param, of a field that has a param */
};

/* The indexed field 'name' stands for when used as 'use', or NULL. */
const ms_index_field *ms_index__field(const char *name, ms_index_field_use use);

/* '<prefix><value>' with 'value' composed (ms_index__composed) and its
 * ASCII letters folded to lower case, cut at a UTF-8 boundary so the term
 * stays under Xapian's limit. */
std::string ms_index__boolean_term(const std::string &prefix, const std::string &value);

/* The 'len' bytes at 'text' in Unicode's composed form, NFC (compose.cc),
 * into *out: true if that differs from 'text', false (*out untouched) if
 * 'text' is composed already or is not UTF-8. Throws std::bad_alloc.
 * ms_index__composed() returns the composed form. */
bool ms_index__compose(std::string *out, const char *text, size_t len);
std::string ms_index__composed(const std::string &text);

/* The stemmer for a language code of ms_schema_languages; NULL, unknown
 * or a language without a stemmer gives no stemming. */
Xapian::Stem ms_index__stemmer(const char *language);

/* --- access control (access.cc) --- */

/* The documents 'viewer' (NULL: anonymous) may see: those without
 * MS_SCHEMA_TERM_RESTRICTED, or with an access group of the viewer. Apply
 * it with Xapian::Query::OP_FILTER to every query that reaches documents:
 * searches, spelling checks, suggestions, similar documents, retrieval. */
Xapian::Query ms_index__visible(const ms_viewer_t *viewer);

/* The documents 'viewer' may not see: the complement of
 * ms_index__visible(viewer), as cheap to step (ms_index__restrict()). */
Xapian::Query ms_index__hidden(const ms_viewer_t *viewer);

/* --- the stored document and its copies into C (record.cc) --- */

/* The stored form of a document (document data). */
struct ms_index_stored {
    bool has_title = false, has_body = false, has_language = false, has_date = false;
    std::string id, title, body, language, date;
    std::vector<std::pair<std::string, std::string>> fields;
};

/* The document data of 'doc' (docs/index-schema.md, "Document data"). */
std::string ms_index__encode(const ms_document_t *doc);

/* Parse document data; throws Xapian::DatabaseCorruptError if malformed. */
ms_index_stored ms_index__decode(const std::string &data);

/* A malloc'd copy of 'text'; throws std::bad_alloc when malloc fails. */
char *ms_index__strdup(const std::string &text);

/* A list of malloc'd copies of 'items', for the caller to release with
 * ms_strings_free(); throws std::bad_alloc when malloc fails. */
ms_strings_t *ms_index__strings(const std::vector<std::string> &items);

/* Fill the zeroed 'out' from 'stored' with malloc'd strings. On an
 * exception 'out' is partly filled; ms_index__document_clear() frees it. */
void ms_index__document_fill(ms_document_t *out, const ms_index_stored &stored,
                             bool with_body);

/* Free every string a shim-built document owns and zero it. */
void ms_index__document_clear(ms_document_t *doc) noexcept;

/* A new document, filled from 'stored' with its body; caller frees with
 * ms_document_free(). Throws std::bad_alloc. */
ms_document_t *ms_index__document_new(const ms_index_stored &stored);

/* Whether 'id' could name a document of the index: 1 to MS_SCHEMA_ID_MAX
 * bytes; a longer one is not looked up, which also keeps over-long terms
 * from Xapian. ms_schema_id_check() is the rule for new documents; this
 * looser test for reads and deletes keeps the documents an older version
 * put under a looser rule within reach. */
bool ms_index__possible_id(const char *id);

/* --- the spelling words of a writer (spelling.cc) --- */

/* Take the spelling words of the stored document 'did' out of the
 * dictionary (or out of the pending words), before it is replaced or
 * deleted. Throws Xapian::Error or std::bad_alloc. */
void ms_index__spelling_remove(ms_index_t *idx, Xapian::docid did);

/* Count the spelling words of 'xdoc', just made by ms_index_put(), into
 * the writer's pending words. */
void ms_index__spelling_count(ms_index_t *idx, const Xapian::Document &xdoc);

/* Add the pending spelling words of writer 'idx' to its dictionary, one
 * add_spelling() a word, and forget them. ms_index_commit() calls it
 * before committing. Throws Xapian::Error or std::bad_alloc. */
void ms_index__spelling_flush(ms_index_t *idx);

/* --- characters (words.cc, snippet.cc) --- */

/* ASCII white space, '\f' (a page break) included. */
inline bool
ms_index__is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool
ms_index__is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A character of the scripts the indexer splits into n-grams
 * (FLAG_CJK_NGRAM): the main CJK, kana and Hangul blocks. Xapian 1.4
 * keeps its own test private; this one holds every block it names. */
inline bool
ms_index__is_cjk(unsigned c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xA700 && c <= 0xA71F) ||
           (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* A CJK character at 's' (three-byte UTF-8 in the CJK, kana, hangul and
 * compatibility blocks): the parser makes one or two terms of each, as
 * there are no spaces between words. 's' must be NUL-terminated. */
inline bool
ms_index__is_cjk_at(const unsigned char *s)
{
    if ((s[0] & 0xF0) != 0xE0 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
        return false;
    unsigned cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0xF900 && cp <= 0xFAFF);
}

/* --- a query's text under the limits (words.cc), used by query.cc --- */

/* How the text of a query is to be searched. */
enum ms_index_parse_as {
    MS_INDEX_PARSE_ALL,   /* blank: every document */
    MS_INDEX_PARSE_QUERY, /* with operators (plain words if the parser refuses) */
    MS_INDEX_PARSE_WORDS  /* as plain words only: a limit was reached */
};

/* Apply the bounds of 'search' (max_bytes, max_terms, max_depth, 0 taking
 * ms_limits.h's defaults) and the capitals rule to 'query' (not NULL):
 * *text receives what to parse, *used how many bytes of 'query' it comes
 * from (all of them unless it was over max_bytes), and the result says
 * how to parse it. */
ms_index_parse_as ms_index__query_text(std::string *text, size_t *used, const char *query,
                                       const ms_search_t *search);

/* 'query' with every ASCII byte that is not a letter or digit turned into
 * a space: what a query the parser refuses is searched as. */
std::string ms_index__plain_words(const std::string &query);

/* The words of 'text': runs of ASCII letters and digits and non-ASCII
 * bytes. */
std::vector<std::string> ms_index__words_of(const std::string &text);

/* The pieces of 'text' between the bytes 'separator', empty ones left out:
 * the words of a synonym entry (' '), the lines of a list in metadata
 * ('\n'), the groups of an access set ('\0'). */
std::vector<std::string> ms_index__split(const std::string &text, char separator);

/* The document symbols typed plainly in the first 'len' bytes of 'query'
 * (E/CN.4/2003/74), at most a few. */
std::vector<std::string> ms_index__find_symbols(const char *query, size_t len);

/* The stopper every parse uses; built once, read-only afterwards. */
const Xapian::Stopper *ms_index__stop_words();

/* --- parsing a query (query.cc), used by search.cc --- */

/* A search's query as parsed from ms_search_t.query. */
struct ms_index_parsed {
    Xapian::Query words;   /* the words typed: what snippets mark, feedback reads */
    Xapian::Query ranked;  /* 'words' with the boosts of typed symbols */
    Xapian::Query shown;   /* 'words' with the symbols' plain terms: 'understood' */
    std::string text;      /* the text finally parsed */
    unsigned flags = 0;    /* the parser flags it was parsed with */
    int plain_words = 0;   /* searched as plain words */
    std::string corrected; /* the parser's spelling correction, not yet checked */
    unsigned wildcard = 0; /* terms each wildcard expands to */
};

/* Set up 'parser' as every parse of a search needs it. */
void ms_index__parser_setup(Xapian::QueryParser &parser, ms_index_t *idx,
                            const Xapian::Stem &stemmer, unsigned max_expansion);

/* Parse the query of 'search' into *out, falling back to plain words.
 * Returns MS_INDEX_OK or MS_INDEX_BAD_QUERY (no words at all). */
ms_index_status_t ms_index__parse(ms_index_parsed *out, ms_index_t *idx,
                                  Xapian::QueryParser &parser, const ms_search_t *search);

/* Whether the spelling correction of 'parsed' may be offered to the
 * viewer of 'visible' (no word of a hidden document shows through). */
bool ms_index__correction_visible(ms_index_t *idx, Xapian::QueryParser &parser,
                                  const ms_index_parsed &parsed,
                                  const Xapian::Query &visible);

/* --- filters and dates (filter.cc), used by search.cc --- */

/* The filters and the date range of 'search' as one query in *out, with
 * *any set when there is one. Returns MS_INDEX_OK or MS_INDEX_BAD_QUERY
 * (an unknown filter field, a date that is not a real day). */
ms_index_status_t ms_index__restrictions(Xapian::Query *out, bool *any, ms_index_t *idx,
                                         const ms_search_t *search);

/* Where a search looks: the documents its viewer may see, those of its
 * filters and dates, under its budget's watch. */
struct ms_index_scope {
    const ms_viewer_t *viewer = nullptr; /* NULL: anonymous */
    Xapian::Query visible;               /* ms_index__visible() of 'viewer' */
    Xapian::Query restrictions;          /* when 'restricted' */
    bool restricted = false;
    Xapian::Query watch; /* ms_index_budget::watch() */
};

/* 'query' matched only in 'scope', with the weights it has unrestricted,
 * as the query of an Enquire. A weighted match must not put it under
 * another FILTER or AND (Xapian 1.4 can weigh a phrase wrongly there;
 * filter.cc); a count without weights (the facet pass) may. */
Xapian::Query ms_index__restrict(const Xapian::Query &query, const ms_index_scope &scope);

/* --- pseudo relevance feedback (feedback.cc, expand.cc) --- */

/* The best 'count' expansion terms of the feedback documents 'docs' among
 * those that start with 'prefix' and that 'decider' accepts, with their
 * weights, best first: what Enquire::get_eset() with its default scheme
 * and a decider refusing other prefixes chooses, computed with the term
 * frequencies idx caches. Throws Xapian::Error. (expand.cc) */
std::vector<std::pair<std::string, double>>
ms_index__expand(ms_index_t *idx, const std::vector<Xapian::docid> &docs, size_t count,
                 const std::string &prefix, const Xapian::ExpandDecider &decider);

/* How many of 'terms' (ms_index__expand()'s, best first) weigh at least
 * 'share' of the first one's weight: the first that many are kept.
 * (expand.cc) */
size_t ms_index__expand_kept(const std::vector<std::pair<std::string, double>> &terms,
                             double share);

/* The number of documents of idx->db that hold 'term', from the reader's
 * cache of them when it has one (a writer reads it every time). Throws
 * Xapian::Error. (expand.cc) */
Xapian::doccount ms_index__termfreq(ms_index_t *idx, const std::string &term);

/* What ms_index__feedback() did to a search's Enquire. */
struct ms_index_feedback {
    bool expanded = false; /* its query has expansion terms */
    /* Its query matches only the window, which holds the page: the totals
     * of the search are those of 'first', the match that found the window
     * (checked to the 'check' asked for). */
    bool window_only = false;
    Xapian::MSet first;
};

/* Pseudo relevance feedback: when 'parsed' is words only, take expansion
 * terms from the best hits of enquire's query (parsed.ranked in
 * 'scope', ms_index__restrict()) and set enquire's query
 * to that query with them added, weighted down, as optional terms: they
 * reorder the matches but add none. With 'window', for a query whose
 * words the index holds in at least MS_INDEX_WINDOW_FACTOR times 'window'
 * documents, they weigh only the best 'window' matches of the query as it
 * was, which stay first; otherwise, and with 'window' 0, every match.
 * When the window holds the page (hits up to 'page_end'), the query
 * matches the window only and the first match checks 'check' matches for
 * the totals. (feedback.cc) */
ms_index_feedback ms_index__feedback(Xapian::Enquire &enquire, ms_index_t *idx,
                                     const ms_index_parsed &parsed,
                                     const ms_index_scope &scope, Xapian::doccount window,
                                     Xapian::doccount page_end, Xapian::doccount check);

/* --- facets (facets.cc), used by search.cc --- */

/* Whether 'term' belongs in MS_INDEX_SLOT_FACETS: a term of a field with
 * MS_FIELD_FACET, or a pair term (the derived facets read them). */
bool ms_index__is_facet_term(const std::string &term);

/* The facets' own pass over the matches of a search (facets.cc): the spy
 * that saw them and how many there are. */
struct ms_index_counted {
    std::unique_ptr<Xapian::MatchSpy> spy;
    Xapian::doccount estimate = 0, lower = 0, upper = 0;
};

/* Walk the matches of 'query' (membership only: BoolWeight) with a facet
 * spy: ours, which keeps an even sample of at most 'limit' of the matches
 * it sees, or over remote shards Xapian's own, which xapian-tcpsrv runs.
 * Exact for up to twice 'limit' matches; past that, and over remote shards
 * past 'limit', from a sample, and the estimate is scaled from it. Throws
 * Xapian::Error or what 'query''s own filters throw (a budget's watch). */
ms_index_counted ms_index__count_matches(ms_index_t *idx, const Xapian::Query &query,
                                         size_t limit);

/* Count the facet values of the documents 'spy' saw in idx->db into
 * results->facets, with the display forms idx caches. When the spy kept a
 * sample, or 'total' (ms_index_counted.estimate) is more than the spy
 * saw, the counts are scaled to it and results->facets_estimated is set.
 * With a country or a status filter in 'search', the status and country
 * facets are derived from the pair terms (ms_index_pair_counter). Throws
 * std::bad_alloc or Xapian::Error. */
void ms_index__facets_fill(ms_results_t *results, const Xapian::MatchSpy &spy,
                           ms_index_t *idx, Xapian::doccount total,
                           const ms_search_t *search);

/* Free results->facets. */
void ms_index__facets_free(ms_results_t *results) noexcept;

/* --- results (search.cc), used by related.cc --- */

/* A new, zeroed ms_results_t owned by the pointer; throws std::bad_alloc. */
typedef std::unique_ptr<ms_results_t, void (*)(ms_results_t *)> ms_index_results_ptr;
ms_index_results_ptr ms_index__results_new();

/* Fill results->hits from 'mset' (found in the reader 'idx', whose record
 * cache it uses): stored fields without the body, score
 * and percentage, and passages when 'snippets' is not NULL (from
 * 'snippet_mset' when it needs one) while 'budget' (NULL: none) is not
 * spent; hits past that have none, and MS_PHASE_SNIPPETS is set in
 * results->skipped. On a throw the hits filled so far are counted in
 * n_hits, so that ms_results_free() frees them. */
class ms_index_budget;
class ms_index_snippets;
void ms_index__hits_fill(ms_results_t *results, ms_index_t *idx, const Xapian::MSet &mset,
                         ms_index_snippets *snippets, const Xapian::MSet *snippet_mset,
                         ms_index_budget *budget = nullptr);

#endif /* MS_INDEX_PRIVATE_HH */
