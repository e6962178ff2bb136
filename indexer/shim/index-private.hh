/* index-private.hh - C++-only internals shared by the shim's .cc files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Only the .cc files in indexer/shim/ include this file. It holds the
 * body of the opaque ms_index_t and the helpers the three translation
 * units share: the exception-to-status mapping, the reopen-and-retry
 * wrapper, term folding (so index time and query time agree) and malloc'd
 * copies for strings that cross into C.
 */
#ifndef MS_INDEX_PRIVATE_HH
#define MS_INDEX_PRIVATE_HH

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xapian.h>

/* In C++ the function ms_index_info() hides the implicit constructor of
 * struct ms_index_info, which -Wshadow reports. The C API needs both names
 * as they are, so silence that one warning for the header alone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#include "ms_index.h"
#pragma GCC diagnostic pop

/* Exported symbols of the C API; the library is built with
 * -fvisibility=hidden so everything else stays internal. */
#define MS_EXPORT __attribute__((visibility("default")))

/* The layout version written as the "schema" metadata key; see
 * docs/index-schema.md. */
#define MS_INDEX_SCHEMA "2"

/* Xapian refuses terms of 245 bytes or more. */
#define MS_INDEX_MAX_TERM 244

/* Value slot of the YYYYMMDD date. */
#define MS_INDEX_SLOT_DATE 0

/* Value slot of the document's facet terms (docs/index-schema.md), each a
 * length byte and the term, in byte order: facets.cc counts matches from
 * it without reading their term lists. */
#define MS_INDEX_SLOT_FACETS 1

/* Whether 'term' belongs in MS_INDEX_SLOT_FACETS: a term of one of the
 * facet fields (type, process, meeting, country, theme, status, language,
 * year). (facets.cc) */
bool ms_index__is_facet_term(const std::string &term);

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
    /* --- languages, spelling, synonyms (document.cc, search.cc) --- */
    /* A writer adds the words of every document it puts to the spelling
     * dictionary; set by ms_index_set_spelling(), false after open. */
    bool spelling;
};

/* A filterable field of docs/index-schema.md. */
struct ms_index_prefix {
    const char *name;   /* field name in ms_document_t.fields and filters */
    const char *query;  /* name usable as "query:value" in a query string */
    const char *prefix; /* term prefix */
};

/* The table of filterable fields, ending with a NULL name. */
extern const ms_index_prefix ms_index__prefixes[];

/* The term prefix for filter or field 'name', or NULL if it is not
 * filterable. 'filter' also accepts "language" and "lang". */
const char *ms_index__prefix_for(const char *name, bool filter);

/* '<prefix><value>' with ASCII letters of 'value' folded to lower case,
 * cut at a UTF-8 boundary so the term stays under Xapian's limit. */
std::string ms_index__boolean_term(const std::string &prefix, const std::string &value);

/* The stemmer for an ISO 639-1 code; NULL or unknown gives no stemming. */
Xapian::Stem ms_index__stemmer(const char *language);

/* Copy 'text' into 'buf' as one line, cut at a UTF-8 boundary. */
void ms_index__set_message(char *buf, size_t size, const char *text) noexcept;

/* Fill *err (if not NULL) with 'status' and 'text', for the functions
 * that have no handle to hold a message (ms_index_open and friends). */
void ms_index__fill_error(ms_index_error_t *err, ms_index_status_t status,
                          const char *text) noexcept;

/* Map the exception being handled to a status and write its message into
 * 'buf'. Must be called from inside a catch block. 'idx', if not NULL, is
 * reopened after a DatabaseModifiedError so the next call can succeed. */
ms_index_status_t ms_index__map_exception(ms_index_t *idx, char *buf,
                                          size_t size) noexcept;

/* Run 'fn'; if a reader's revision vanished underneath it
 * (DatabaseModifiedError), reopen and run it once more. A second failure
 * propagates to the caller's catch. 'fn' must leave no side effects behind
 * when it throws. */
template <typename F>
ms_index_status_t
ms_index__retry(ms_index_t *idx, F fn)
{
    try {
        return fn();
    } catch (const Xapian::DatabaseModifiedError &) {
        idx->db->reopen();
    }
    return fn();
}

/* A malloc'd copy of 'text'; throws std::bad_alloc when malloc fails. */
char *ms_index__strdup(const std::string &text);

/* Free every string a shim-built document owns and zero it. */
void ms_index__document_clear(ms_document_t *doc) noexcept;

/* The stored form of a document (document data). */
struct ms_index_stored {
    bool has_title = false, has_body = false, has_language = false, has_date = false;
    std::string id, title, body, language, date;
    std::vector<std::pair<std::string, std::string>> fields;
};

/* Parse document data; throws Xapian::DatabaseCorruptError if malformed. */
ms_index_stored ms_index__decode(const std::string &data);

/* Fill the zeroed 'out' from 'stored' with malloc'd strings. On an
 * exception 'out' is partly filled; ms_index__document_clear() frees it. */
void ms_index__document_fill(ms_document_t *out, const ms_index_stored &stored,
                             bool with_body);

/* --- languages, spelling, synonyms (document.cc, search.cc) --- */

/* Term prefix of the access groups (field "access"). Kept out of
 * ms_index__prefixes so that it is a filter but not a query prefix:
 * a user's query string cannot name access groups. */
#define MS_INDEX_PREFIX_ACCESS "XA"

/* The term prefix for field or filter 'name': ms_index__prefix_for()
 * plus the access groups. */
const char *ms_index__field_prefix(const char *name, bool filter);

/* --- access control (access.cc) --- */

/* Every document with at least one access group carries this term. */
#define MS_INDEX_TERM_RESTRICTED "XR"

/* The documents 'viewer' (NULL: anonymous) may see: those without
 * MS_INDEX_TERM_RESTRICTED, or with an access group of the viewer. Apply it
 * with Xapian::Query::OP_FILTER to every query that reaches documents:
 * searches, spelling checks, suggestions, similar documents, retrieval. */
Xapian::Query ms_index__visible(const ms_viewer_t *viewer);

/* Decode one UTF-8 sequence at 's' (NUL-terminated); returns its length
 * and the code point in *cp, or 0 if the bytes are not valid UTF-8.
 * (document.cc) */
size_t ms_index__utf8_next(const unsigned char *s, uint32_t *cp);

/* --- facets (facets.cc), used by search.cc --- */

/* A new match spy that records the matching documents for facet counts,
 * an even sample of at most 'limit' when there are more; the caller owns
 * it (delete). */
Xapian::MatchSpy *ms_index__facet_spy_new(size_t limit);

/* Count the facet values of the documents 'spy' saw in 'db' into
 * results->facets, with the display forms idx caches. When the spy kept a sample, or
 * 'mset' (the search's) estimates more matches than the spy saw, the counts are scaled to
 * that estimate and results->facets_estimated is set. Throws std::bad_alloc or
 * Xapian::Error. */
void ms_index__facets_fill(ms_results_t *results, const Xapian::MatchSpy &spy,
                           ms_index_t *idx, const Xapian::MSet &mset);

/* Free results->facets. */
void ms_index__facets_free(ms_results_t *results) noexcept;

/* --- characters (search.cc, snippet.cc) --- */

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

/* --- snippets (snippet.cc), used by search.cc --- */

struct ms_index_chunk;
struct ms_index_word;

/* The snippets of one search's hits: the query's words, their weights and
 * a cache of the words of the text already stemmed. One per search and
 * thread; it borrows nothing after construction. */
class ms_index_snippets
{
  public:
    /* 'words' is the query as typed (no feedback terms, no filters);
     * 'length' the bytes of text a passage aims at; 'max_snippets' the
     * passages a hit gets (0: one). Throws Xapian::Error. */
    ms_index_snippets(const Xapian::Database &db, const Xapian::Query &words,
                      const Xapian::Stem &stemmer, const char *language, unsigned length,
                      size_t max_snippets);

    /* The query has CJK words, which only MSet::snippet() marks: fill()
     * then needs an MSet of 'words'. */
    bool needs_mset() const
    {
        return cjk_;
    }

    /* Fill hit->snippets (and hit->snippet, their first) from the best
     * passages of the stored body, or of the title when there is none.
     * 'mset' is used only when needs_mset(). Throws std::bad_alloc;
     * on a throw, the hit holds what was allocated (free_results()). */
    void fill(ms_hit_t *hit, const ms_index_stored &stored, const Xapian::MSet *mset);

  private:
    void add_wildcards(const Xapian::Query &query);
    int match(const std::string &lower);
    std::vector<ms_index_word> words_of(const std::string &text, size_t begin,
                                        size_t end);
    std::string passage(const std::string &text, const ms_index_chunk &part);
    std::string xapian_passage(const Xapian::MSet &mset, const std::string &text,
                               const ms_index_chunk &part) const;

    Xapian::Stem stemmer_;
    unsigned length_;
    size_t wanted_;
    bool cjk_ = false;
    bool prefix_filter_ = false;
    /* Weight of each query word (exact, stem or wildcard) by index. */
    std::vector<double> weights_;
    std::unordered_map<std::string, size_t> exact_, stems_;
    std::vector<std::pair<std::string, size_t>> wildcards_;
    /* Words of the texts seen so far -> the stem's index or -1. */
    std::unordered_map<std::string, int> stemmed_;
    /* Strings looked for when ranking chunks. */
    std::vector<std::string> forms_;
};

/* --- the spelling words of a writer (document.cc, index.cc) --- */

/* Words put since the last flush -> occurrences still to add to the
 * spelling dictionary (0: none). */
typedef std::unordered_map<std::string, Xapian::termcount> ms_index_spelling_pending;

/* The pending spelling words of writer 'idx', owned by the handle. */
ms_index_spelling_pending &ms_index__spelling_pending(ms_index_t *idx);

/* Add the pending spelling words of writer 'idx' to its dictionary, one
 * add_spelling() a word, and forget them. ms_index_commit() calls it
 * before committing. Throws Xapian::Error or std::bad_alloc. */
void ms_index__spelling_flush(ms_index_t *idx);

/* --- a reader's caches --- */

/* What a reader's index says until it changes (expand.cc, facets.cc). */
struct ms_index_caches {
    std::string key; /* the UUID/revision they were filled at */
    /* term -> document frequency, for expansion candidates */
    std::unordered_map<std::string, Xapian::doccount> termfreqs;
    /* facet term (prefix and folded value) -> the value as stored */
    std::unordered_map<std::string, std::string> facet_display;
};

/* The caches of reader 'idx', emptied first if the index changed since
 * they were filled; NULL for a writer, whose counts change at the same
 * revision. Owned by the handle. (index.cc) */
ms_index_caches *ms_index__caches(ms_index_t *idx);

/* --- pseudo relevance feedback (expand.cc), used by search.cc --- */

/* The best 'count' expansion terms of the feedback documents 'docs' among
 * those that start with 'prefix' and that 'decider' accepts, with their
 * weights, best first: what Enquire::get_eset() with its default scheme
 * and a decider refusing other prefixes chooses, computed with the term
 * frequencies idx caches. Throws Xapian::Error. */
std::vector<std::pair<std::string, double>>
ms_index__expand(ms_index_t *idx, const std::vector<Xapian::docid> &docs, size_t count,
                 const std::string &prefix, const Xapian::ExpandDecider &decider);

#endif /* MS_INDEX_PRIVATE_HH */
