/* search.cc - query parsing, filtering and result pages for ms_index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning.
 *
 * Queries come straight from intranet users, so parsing is forgiving: a
 * query the parser rejects is searched again as plain words, and only a
 * query with no words at all is MS_INDEX_BAD_QUERY. A query with more
 * words than max_terms is not refused: its first max_terms words that are
 * not stop words are searched as plain words (a delegate pasting a
 * paragraph). Work per query is
 * bounded before Xapian sees it: length, number of words, bracket depth
 * (Xapian's matcher recurses once per level, so deep nesting would
 * overflow the stack; such a query is searched as plain words), and
 * wildcards expand to at most max_expansion (default 100) terms.
 *
 * Access: every query that reaches documents is filtered by
 * ms_index__visible(), so totals, hits, snippets, facets and the spelling
 * correction only ever reflect documents the viewer may see.
 *
 * Languages: the query is stemmed in its own language (STEM_SOME). A
 * word typed with a capital, in quotes or in a phrase is not stemmed and
 * matches the exact word, which documents in every language index beside
 * their stems; that is how an English query finds a French document by a
 * word the two languages stem differently. A query of three or more words
 * all in capitals is read in lower case (caps lock, not exact forms).
 * CJK n-grams are on for every query, so Chinese text is found whatever
 * the query language. Synonym groups stored in the index expand words and
 * phrases (FLAG_AUTO_MULTIWORD_SYNONYMS), and the spelling dictionary, if
 * the indexer built one, gives the "did you mean" correction.
 *
 * Ranking (measured in docs/relevance.md): BM25 with k1 1.2 and b 0.5,
 * English stop words dropped from queries (whatever the language: they
 * are the words delegates write around a question), and pseudo relevance
 * feedback for queries of words only ranked by relevance.
 *
 * Snippets are made in snippet.cc, from the words of the query as typed
 * (not the feedback terms).
 */
#include <algorithm>
#include <cassert>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "index-private.hh"
#include "stopwords.h"

/* Documents to look at before estimating totals, so that small archives
 * (the usual case) report exact counts even for a first page. */
#define MIN_CHECK_AT_LEAST 1000u

/* Longest query accepted, whatever the caller allows (the server's
 * search.max_query_length is at most this). Parsing and wildcard expansion
 * grow faster than linearly with the query; no person types more than
 * this, and it keeps a crafted query from tying up a server process for
 * seconds. */
#define MAX_QUERY_BYTES 4096

/* Terms a wildcard may expand to; the most frequent ones are kept. */
#define MAX_WILDCARD_EXPANSION 100

/* Default of ms_search_t.facet_limit. */
#define FACET_LIMIT 10000u

/* Words with capitals, and no lower-case letter anywhere, that make a
 * query read as typed with caps lock on (see in_capitals()). */
#define CAPITALS_MIN_WORDS 3u

/* Defaults of ms_search_t.max_terms and .max_depth. */
#define DEFAULT_MAX_TERMS 64u
#define DEFAULT_MAX_DEPTH 16u

/* BM25 parameters, measured on the test collections of docs/relevance.md
 * (one setting for all): k1 1.2 saturates a word's repetitions a little
 * later than Xapian's default 1; b stays at Xapian's 0.5, since b 0.75
 * cost NPL and LISA more than it gave Cranfield and MEDLINE. */
#define BM25_K1 1.2
#define BM25_B 0.5

/* Pseudo relevance feedback (docs/relevance.md): the best FEEDBACK_TERMS
 * stems of the first FEEDBACK_DOCS hits are added to a query of words
 * only, at FEEDBACK_WEIGHT of their BM25 weight. They only reorder: a
 * document must still match the query (OP_AND_MAYBE), so totals and
 * facets count what the user typed. */
#define FEEDBACK_DOCS 10u
#define FEEDBACK_TERMS 20u
#define FEEDBACK_WEIGHT 0.2

/* Weight added to the document whose symbol is typed plainly in a query.
 * The BM25 weight of a whole query (at most 64 words) stays far below it,
 * so that document comes first. */
#define SYMBOL_WEIGHT 1000.0

/* Symbols looked up per query. */
#define MAX_SYMBOLS 8u

/* Flags of every parse, the plain-words retry included. The multi-word
 * synonym flag covers single words too. */
static const unsigned LANGUAGE_FLAGS = Xapian::QueryParser::FLAG_CJK_NGRAM |
                                       Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS |
                                       Xapian::QueryParser::FLAG_SPELLING_CORRECTION;

/* No FLAG_BOOLEAN_ANY_CASE: delegates type sentences ("countries that did
 * not implement"), where a lower-case "not" must stay a word. */
static const unsigned QUERY_FLAGS =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_LOVEHATE |
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_WILDCARD |
    Xapian::QueryParser::FLAG_PURE_NOT | LANGUAGE_FLAGS;

namespace
{

/* "country:Kyrgyzstan" in a query must find the term written at index time
 * (XCkyrgyzstan), so query values are folded exactly like field values. */
class FoldedBooleanProcessor : public Xapian::FieldProcessor
{
  public:
    explicit FoldedBooleanProcessor(const char *prefix) : prefix_(prefix)
    {
    }

    Xapian::Query operator()(const std::string &value) override
    {
        return Xapian::Query(ms_index__boolean_term(prefix_, value));
    }

  private:
    std::string prefix_;
};

/* Sort key for the date orders: the YYYYMMDD value, and for an undated
 * document (no value) a key that sorts after every date in the chosen
 * direction: "" when sorting newest first (keys descending), "\xff"
 * when oldest first. */
class DateKey : public Xapian::KeyMaker
{
  public:
    explicit DateKey(bool newest) : undated_(newest ? "" : "\xff")
    {
    }

    std::string operator()(const Xapian::Document &doc) const override
    {
        std::string value = doc.get_value(MS_INDEX_SLOT_DATE);
        return value.empty() ? undated_ : value;
    }

  private:
    std::string undated_;
};

} /* namespace */

static bool
is_blank(const char *text)
{
    for (; *text; text++) {
        if (!ms_index__is_space(*text))
            return false;
    }
    return true;
}

/* The words of 'query' as a limit checked before parsing counts them,
 * operators included: runs of ASCII letters and digits and non-ASCII
 * bytes, each CJK character on its own. Slightly generous ("E/CN.4" is
 * three), which errs on the safe side. */
static size_t
count_terms(const char *query)
{
    size_t n = 0;
    bool in_word = false;
    const unsigned char *s = reinterpret_cast<const unsigned char *>(query);
    while (*s) {
        if (ms_index__is_cjk_at(s)) {
            n++;
            in_word = false;
            s += 3;
            continue;
        }
        bool word = *s >= 0x80 || ms_index__is_ascii_alnum(*s);
        if (word && !in_word)
            n++;
        in_word = word;
        s++;
    }
    return n;
}

/* The words of 'text' in the sense of count_terms(), CJK runs included. */
static std::vector<std::string>
words_of(const std::string &text)
{
    std::vector<std::string> words;
    size_t i = 0;
    while (i < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80 && !ms_index__is_ascii_alnum(c)) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < text.size()) {
            c = static_cast<unsigned char>(text[i]);
            if (c < 0x80 && !ms_index__is_ascii_alnum(c))
                break;
            i++;
        }
        words.push_back(text.substr(start, i - start));
    }
    return words;
}

/* The deepest bracket nesting of 'query'. Brackets inside quotes count
 * too: counting too many only sends a query to plain words. */
static size_t
bracket_depth(const char *query)
{
    size_t depth = 0, deepest = 0;
    for (const char *s = query; *s; s++) {
        if (*s == '(' && ++depth > deepest)
            deepest = depth;
        else if (*s == ')' && depth > 0)
            depth--;
    }
    return deepest;
}

/* Whether 'token' looks like a UN document symbol: ASCII letters, digits,
 * '.' and '-' in at least three non-empty parts separated by '/', first
 * a letter (E/CN.4/2003/74, A/RES/73/195). */
static bool
is_symbol(const std::string &token)
{
    unsigned char first = token.empty() ? 0 : static_cast<unsigned char>(token[0]);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')))
        return false;
    size_t slashes = 0;
    bool after_slash = false;
    for (char c : token) {
        if (c == '/') {
            if (after_slash)
                return false;
            slashes++;
            after_slash = true;
            continue;
        }
        if (!ms_index__is_ascii_alnum(static_cast<unsigned char>(c)) && c != '.' &&
            c != '-')
            return false;
        after_slash = false;
    }
    return slashes >= 2 && !after_slash;
}

/* The symbols typed plainly in 'query': space-separated tokens with
 * leading brackets, quotes and '+' and trailing brackets, quotes and
 * punctuation taken off. A token with a field prefix (symbol:...) is left
 * to the parser, and one excluded with '-' is not a symbol. */
static std::vector<std::string>
find_symbols(const char *query)
{
    std::vector<std::string> symbols;
    const char *s = query;
    while (*s && symbols.size() < MAX_SYMBOLS) {
        while (*s && ms_index__is_space(*s))
            s++;
        const char *start = s;
        while (*s && !ms_index__is_space(*s))
            s++;
        const char *end = s;
        while (start < end && (*start == '+' || *start == '(' || *start == '"'))
            start++;
        while (end > start && strchr(")\",;.", end[-1]))
            end--;
        std::string token(start, static_cast<size_t>(end - start));
        if (is_symbol(token))
            symbols.push_back(token);
    }
    return symbols;
}

/* The query with every ASCII byte that is not a letter or digit turned into
 * a space: no brackets, quotes, prefixes or love/hate marks remain. Bytes
 * of multi-byte UTF-8 characters are kept. */
static std::string
plain_words(const char *query)
{
    std::string out(query);
    for (char &c : out) {
        unsigned char u = static_cast<unsigned char>(c);
        bool keep = u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
                    (u >= 'A' && u <= 'Z');
        if (!keep)
            c = ' ';
    }
    return out;
}

/* The stopper every parse uses; built once, read-only afterwards. */
static const Xapian::Stopper *
stop_words()
{
    static const Xapian::SimpleStopper stopper(
        MS_STOP_WORDS, MS_STOP_WORDS + sizeof MS_STOP_WORDS / sizeof MS_STOP_WORDS[0]);
    return &stopper;
}

static bool
is_stop_word(const std::string &word)
{
    return (*stop_words())(Xapian::Unicode::tolower(word));
}

/* A query with more than 'max_terms' words, as plain words: its first
 * 'max_terms' words that are not stop words (all words if it has no
 * others). A delegate who pastes a paragraph gets results for its
 * beginning rather than an error, and the work stays bounded by the
 * limit. */
static std::string
first_words(const char *query, unsigned max_terms)
{
    std::vector<std::string> words = words_of(plain_words(query));
    bool skip_stop = !std::all_of(words.begin(), words.end(), is_stop_word);
    std::string out;
    size_t n = 0;
    for (const std::string &word : words) {
        if (skip_stop && is_stop_word(word))
            continue;
        size_t terms = count_terms(word.c_str());
        if (n + terms > max_terms)
            break;
        n += terms;
        if (!out.empty())
            out += ' ';
        out += word;
    }
    return out;
}

/* Whether 'query' is written in capitals: no lower-case letter in any
 * script, and at least CAPITALS_MIN_WORDS words with an upper-case one.
 * Such a query is read in lower case. To the parser a capital means "this
 * exact form" (not stemmed) and AND, OR, NOT are operators, but a delegate
 * with caps lock on, or pasting a heading, means the words
 * (docs/relevance.md: NPL's and LISA's queries, written in capitals, lose
 * a quarter of their MAP read as capitals). One or two words in capitals
 * ("UNHCR", "HIV AIDS") are more likely acronyms, and stay exact. */
static bool
in_capitals(const char *query)
{
    size_t words = 0;
    bool upper = false;
    for (Xapian::Utf8Iterator it(query); it != Xapian::Utf8Iterator(); ++it) {
        unsigned ch = *it;
        Xapian::Unicode::category category = Xapian::Unicode::get_category(ch);
        if (category == Xapian::Unicode::LOWERCASE_LETTER)
            return false;
        if (!Xapian::Unicode::is_wordchar(ch)) {
            words += upper;
            upper = false;
        } else if (category == Xapian::Unicode::UPPERCASE_LETTER ||
                   category == Xapian::Unicode::TITLECASE_LETTER) {
            upper = true;
        }
    }
    words += upper;
    return words >= CAPITALS_MIN_WORDS;
}

static void
set_bad_query(ms_index_t *idx, const char *text)
{
    ms_index__set_message(idx->message, sizeof idx->message, text);
}

/* Xapian 1.4 turns every synonym into a single term, so a synonym entry
 * with spaces ("money transfers", see ms_index_set_synonyms) would match
 * nothing. Rewrite such terms into the phrases they stand for; no other
 * term has a space in it.
 *
 * Only operators without parameters are rebuilt. The parser puts no
 * synonyms under the others (phrases, NEAR, wildcards, ranges), so keeping
 * those subqueries as they are loses nothing. 'changed' is set when the
 * result differs from 'query'. */
static Xapian::Query
expand(const Xapian::Query &query, bool *changed)
{
    Xapian::Query::op op = query.get_type();
    switch (op) {
    case Xapian::Query::LEAF_TERM: {
        const std::string term = *query.get_terms_begin();
        if (term.find(' ') != std::string::npos) {
            std::vector<Xapian::Query> words;
            size_t start = 0;
            while (start <= term.size()) {
                size_t end = term.find(' ', start);
                if (end == std::string::npos)
                    end = term.size();
                if (end > start)
                    words.emplace_back(term.substr(start, end - start));
                start = end + 1;
            }
            *changed = true;
            return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end());
        }
        return query;
    }
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX: {
        bool any = false;
        std::vector<Xapian::Query> subqueries;
        for (size_t i = 0; i < query.get_num_subqueries(); i++)
            subqueries.push_back(expand(query.get_subquery(i), &any));
        if (!any)
            return query;
        *changed = true;
        return Xapian::Query(op, subqueries.begin(), subqueries.end());
    }
    default:
        return query;
    }
}

/* Whether every word of 'query' (in the sense of words_of(), ASCII
 * letters lowered) is a word of the index: the exact, unprefixed term
 * every document has beside its stems. Words with other capitals, or
 * with operators and field names among them, are simply not skipped. */
static bool
all_indexed(const Xapian::Database &db, const std::string &query)
{
    for (std::string word : words_of(query)) {
        for (char &c : word) {
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        }
        if (!db.term_exists(word))
            return false;
    }
    return true;
}

/* Parse with 'flags', expand, and keep the spelling correction. */
static Xapian::Query
parse_with(Xapian::QueryParser &parser, const Xapian::Database &db,
           const std::string &query, unsigned flags, std::string *corrected)
{
    /* Xapian looks for a correction of every word, known or not, and
     * that search (trigrams, edit distances) was a tenth of a search's
     * cost. A query whose words are all in the index is not looked up:
     * a word of the archive is not a misspelling. */
    if ((flags & Xapian::QueryParser::FLAG_SPELLING_CORRECTION) && all_indexed(db, query))
        flags &= ~Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
    Xapian::Query parsed = parser.parse_query(query, flags);
    *corrected = parser.get_corrected_query_string();
    bool changed = false;
    return expand(parsed, &changed);
}

/* The query parser every parse of a search uses. */
static void
setup_parser(Xapian::QueryParser &parser, ms_index_t *idx, const Xapian::Stem &stemmer,
             unsigned max_expansion)
{
    parser.set_database(*idx->db);
    parser.set_stemmer(stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_stopper(stop_words());
    parser.set_max_expansion(max_expansion ? max_expansion : MAX_WILDCARD_EXPANSION,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    parser.add_prefix("title", "S");
    for (const ms_index_prefix *p = ms_index__prefixes; p->name; p++)
        parser.add_boolean_prefix(p->query,
                                  (new FoldedBooleanProcessor(p->prefix))->release());
}

/* Parse the query of 'search' into *out, falling back to plain words.
 * *flags and *text say how and what was finally parsed (the spelling
 * check parses the correction the same way). Xapian 1.4 itself re-parses
 * some malformed queries without operators and returns that silently;
 * only the errors it throws are seen here.
 *
 * The limits are checked on the raw text, before Xapian sees it: too many
 * words is refused, and nesting deeper than max_depth is never parsed at
 * all, since the query tree (and Xapian's recursion over it) would be as
 * deep as the brackets. */
static ms_index_status_t
parse_query(Xapian::Query *out, unsigned *flags, std::string *text, int *plain,
            std::string *corrected, ms_index_t *idx, Xapian::QueryParser &parser,
            const ms_search_t *search)
{
    const char *query = search->query;
    if (!query || is_blank(query)) {
        /* Not the shared static Query::MatchAll: its reference count is
         * not thread-safe (xapian/query.h). */
        *out = Xapian::Query(std::string());
        return MS_INDEX_OK;
    }
    if (strnlen(query, MAX_QUERY_BYTES + 1) > MAX_QUERY_BYTES) {
        set_bad_query(idx, "query too long");
        return MS_INDEX_BAD_QUERY;
    }
    std::string lowered;
    if (in_capitals(query)) {
        lowered = Xapian::Unicode::tolower(query);
        query = lowered.c_str();
    }
    unsigned max_terms = search->max_terms ? search->max_terms : DEFAULT_MAX_TERMS;
    bool too_long = count_terms(query) > max_terms;
    unsigned max_depth = search->max_depth ? search->max_depth : DEFAULT_MAX_DEPTH;

    if (!too_long && bracket_depth(query) <= max_depth) {
        try {
            *flags = QUERY_FLAGS;
            *text = query;
            *out = parse_with(parser, *idx->db, *text, QUERY_FLAGS, corrected);
            if (!out->empty())
                return MS_INDEX_OK;
        } catch (const Xapian::QueryParserError &) {
            /* Fall through to plain words. */
        }
    }
    *plain = 1;
    *flags = LANGUAGE_FLAGS;
    *text = too_long ? first_words(query, max_terms) : plain_words(query);
    *out = parse_with(parser, *idx->db, *text, LANGUAGE_FLAGS, corrected);
    if (out->empty()) {
        set_bad_query(idx, "query has no words to search for");
        return MS_INDEX_BAD_QUERY;
    }
    return MS_INDEX_OK;
}

/* Whether the spelling correction 'corrected' of the parsed text 'text'
 * may be offered to the viewer of 'visible': every word it replaced must
 * occur in a document the viewer may see, and the corrected query must
 * find one. The dictionary is built from the whole index, so without
 * this a word of a hidden document would show through "did you mean". */
static bool
correction_visible(ms_index_t *idx, Xapian::QueryParser &parser, unsigned flags,
                   const std::string &text, const std::string &corrected,
                   const Xapian::Query &visible)
{
    std::vector<std::string> before = words_of(text);
    std::vector<std::string> after = words_of(corrected);
    /* Xapian replaces words one for one; anything else is not checked
     * word by word, so it is not offered. */
    if (before.size() != after.size())
        return false;
    std::vector<Xapian::Query> checks;
    for (size_t i = 0; i < after.size(); i++) {
        /* The dictionary holds words as indexed: the exact, lower-case
         * unprefixed term, which every document has beside its stems. */
        if (before[i] != after[i])
            checks.emplace_back(Xapian::Unicode::tolower(after[i]));
    }
    if (checks.empty())
        return false;
    std::string ignored;
    try {
        Xapian::Query whole =
            parse_with(parser, *idx->db, corrected,
                       flags & ~Xapian::QueryParser::FLAG_SPELLING_CORRECTION, &ignored);
        if (whole.empty())
            return false;
        checks.push_back(whole);
    } catch (const Xapian::QueryParserError &) {
        return false;
    }
    for (const Xapian::Query &check : checks) {
        Xapian::Enquire enquire(*idx->db);
        enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, check, visible));
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        if (enquire.get_mset(0, 1).empty())
            return false;
    }
    return true;
}

/* 'date' ("YYYY", "YYYY-MM" or "YYYY-MM-DD") as a bound on the YYYYMMDD
 * value of slot 0. Missing parts become 00 in a lower bound, and in an
 * upper bound values past every stored one ("2003" runs from 20030000 to
 * 20031299), so partial dates as stored (20030000, 20031200) fall inside
 * the year or month they name. "" if the date has another shape. */
static std::string
date_bound(const char *date, bool upper)
{
    size_t n = strnlen(date, 11);
    bool ok = n == 4 || n == 7 || n == 10;
    for (size_t i = 0; ok && i < n; i++)
        ok = (i == 4 || i == 7) ? date[i] == '-' : (date[i] >= '0' && date[i] <= '9');
    if (!ok)
        return "";
    std::string value(date, 4);
    if (n >= 7) {
        int month = (date[5] - '0') * 10 + (date[6] - '0');
        if (month < 1 || month > 12)
            return "";
        value.append(date + 5, 2);
    } else {
        value += upper ? "12" : "00";
    }
    if (n == 10) {
        int day = (date[8] - '0') * 10 + (date[9] - '0');
        if (day < 1 || day > 31)
            return "";
        value.append(date + 8, 2);
    } else {
        value += upper ? "99" : "00";
    }
    return value;
}

/* The date range of 'search' as a query on slot 0 in *out, with *any set
 * when there is one (an empty range is an empty query, which Xapian
 * treats as matching nothing). NULL or "" leaves that end open. Undated
 * documents have no value and so fall outside any range. */
static ms_index_status_t
build_date_range(Xapian::Query *out, bool *any, ms_index_t *idx,
                 const ms_search_t *search)
{
    std::string from, to;
    if (search->date_from && search->date_from[0]) {
        from = date_bound(search->date_from, false);
        if (from.empty()) {
            set_bad_query(idx,
                          "invalid date_from (expected YYYY, YYYY-MM or YYYY-MM-DD)");
            return MS_INDEX_BAD_QUERY;
        }
    }
    if (search->date_to && search->date_to[0]) {
        to = date_bound(search->date_to, true);
        if (to.empty()) {
            set_bad_query(idx, "invalid date_to (expected YYYY, YYYY-MM or YYYY-MM-DD)");
            return MS_INDEX_BAD_QUERY;
        }
    }
    *any = !from.empty() || !to.empty();
    if (!from.empty() && !to.empty())
        *out = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, MS_INDEX_SLOT_DATE, from, to);
    else if (!from.empty())
        *out = Xapian::Query(Xapian::Query::OP_VALUE_GE, MS_INDEX_SLOT_DATE, from);
    else if (!to.empty())
        *out = Xapian::Query(Xapian::Query::OP_VALUE_LE, MS_INDEX_SLOT_DATE, to);
    return MS_INDEX_OK;
}

/* Build the filter: one OR per field, ANDed across fields. "language" and
 * "lang" share a prefix and so a group. */
static ms_index_status_t
build_filter(Xapian::Query *out, ms_index_t *idx, const ms_search_t *search)
{
    std::vector<std::pair<const char *, std::vector<Xapian::Query>>> groups;
    if (!search->filters) {
        set_bad_query(idx, "filters missing");
        return MS_INDEX_BAD_QUERY;
    }
    for (size_t i = 0; i < search->n_filters; i++) {
        const ms_field_t *filter = &search->filters[i];
        if (!filter->name || !filter->value) {
            set_bad_query(idx, "filter without a name or value");
            return MS_INDEX_BAD_QUERY;
        }
        const char *prefix = ms_index__field_prefix(filter->name, true);
        if (!prefix) {
            /* The name is user input: show it printable and short. */
            char name[64];
            size_t n = 0;
            for (const char *s = filter->name; *s && n + 1 < sizeof name; s++) {
                unsigned char c = static_cast<unsigned char>(*s);
                name[n++] = (c >= 0x20 && c < 0x7f) ? *s : '?';
            }
            name[n] = '\0';
            char text[128];
            snprintf(text, sizeof text, "unknown filter field '%s'", name);
            set_bad_query(idx, text);
            return MS_INDEX_BAD_QUERY;
        }
        Xapian::Query term(ms_index__boolean_term(prefix, filter->value));
        bool found = false;
        for (auto &group : groups) {
            if (strcmp(group.first, prefix) == 0) {
                group.second.push_back(term);
                found = true;
                break;
            }
        }
        if (!found)
            groups.emplace_back(prefix, std::vector<Xapian::Query>{term});
    }

    std::vector<Xapian::Query> ands;
    for (const auto &group : groups)
        ands.emplace_back(Xapian::Query::OP_OR, group.second.begin(), group.second.end());
    *out = Xapian::Query(Xapian::Query::OP_AND, ands.begin(), ands.end());
    return MS_INDEX_OK;
}

/* hit->snippet is snippets[0].html, not a copy; a hit built elsewhere
 * (ms_index_similar) may still own a separate one. */
static void
free_results(ms_results_t *results) noexcept
{
    if (!results)
        return;
    for (size_t i = 0; i < results->n_hits; i++) {
        ms_hit_t *hit = &results->hits[i];
        ms_index__document_clear(&hit->doc);
        ms_snippet_t *snippets = const_cast<ms_snippet_t *>(hit->snippets);
        bool shared = hit->n_snippets > 0 && hit->snippet == snippets[0].html;
        if (!shared)
            free(const_cast<char *>(hit->snippet));
        for (size_t j = 0; j < hit->n_snippets; j++)
            free(const_cast<char *>(snippets[j].html));
        free(snippets);
    }
    free(results->hits);
    free(results->corrected);
    free(results->understood);
    ms_index__facets_free(results);
    free(results);
}

/* OR into 'query' a boost for each document whose symbol is typed plainly
 * in the query, and into 'shown' (the query as reported) the plain symbol
 * term. A boolean term has no weight of its own, hence the fixed weight
 * restricted to the documents with the term. */
static void
add_symbols(Xapian::Query *query, Xapian::Query *shown, const char *text)
{
    std::vector<std::string> symbols = find_symbols(text);
    if (symbols.empty())
        return;
    const char *prefix = ms_index__prefix_for("symbol", false);
    std::vector<Xapian::Query> boosted{*query}, plain{*shown};
    for (const std::string &symbol : symbols) {
        Xapian::Query term(ms_index__boolean_term(prefix, symbol));
        Xapian::Query weight(
            (new Xapian::FixedWeightPostingSource(SYMBOL_WEIGHT))->release());
        boosted.emplace_back(Xapian::Query::OP_FILTER, weight, term);
        plain.push_back(term);
    }
    *query = Xapian::Query(Xapian::Query::OP_OR, boosted.begin(), boosted.end());
    *shown = Xapian::Query(Xapian::Query::OP_OR, plain.begin(), plain.end());
}

/* Whether 'query' is words only: terms, their synonyms and ORs of them,
 * no phrase, boolean operator, filter or wildcard the user asked for.
 * With 'joined' a phrase counts as words: the parser makes one of words
 * joined by a hyphen or a dot ("non-users", "e.g."), which the user typed
 * as words (docs/relevance.md: feedback for those queries too lifts
 * Cranfield's MAP from .329 to .339). */
static bool
words_only(const Xapian::Query &query, bool joined)
{
    switch (query.get_type()) {
    case Xapian::Query::LEAF_TERM:
        return !(*query.get_terms_begin()).empty();
    case Xapian::Query::OP_PHRASE:
        if (!joined)
            return false;
        /* fall through */
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_SCALE_WEIGHT:
        for (size_t i = 0; i < query.get_num_subqueries(); i++)
            if (!words_only(query.get_subquery(i), joined))
                return false;
        return true;
    default:
        return false;
    }
}

/* Expansion terms: stems only (the form a typed word searches), none the
 * query already has. */
class StemDecider : public Xapian::ExpandDecider
{
  public:
    explicit StemDecider(const Xapian::Query &query)
        : terms_(query.get_unique_terms_begin(), query.get_unique_terms_end())
    {
    }
    bool operator()(const std::string &term) const override
    {
        return term.size() > 1 && term[0] == 'Z' &&
               !std::binary_search(terms_.begin(), terms_.end(), term);
    }

  private:
    std::vector<std::string> terms_;
};

static ms_index_status_t
run_search(ms_results_t **out, ms_index_t *idx, const ms_search_t *search)
{
    typedef std::unique_ptr<ms_results_t, void (*)(ms_results_t *)> results_ptr;
    results_ptr results(static_cast<ms_results_t *>(calloc(1, sizeof(ms_results_t))),
                        free_results);
    if (!results)
        throw std::bad_alloc();
    /* Read as its underlying integer: C callers may store any value in
     * the enum, and loading one outside its range as the enum is
     * undefined in C++. */
    std::underlying_type<ms_sort_t>::type sort;
    memcpy(&sort, &search->sort, sizeof sort);
    if (sort != MS_SORT_RELEVANCE && sort != MS_SORT_NEWEST && sort != MS_SORT_OLDEST) {
        set_bad_query(idx, "unknown sort order");
        return MS_INDEX_BAD_QUERY;
    }

    Xapian::Stem stemmer = ms_index__stemmer(search->language ? search->language : "en");
    Xapian::QueryParser parser;
    setup_parser(parser, idx, stemmer, search->max_expansion);
    Xapian::Query query;
    std::string corrected, parsed_text;
    unsigned flags = 0;
    ms_index_status_t status =
        parse_query(&query, &flags, &parsed_text, &results->plain_words, &corrected, idx,
                    parser, search);
    if (status != MS_INDEX_OK)
        return status;
    /* The words snippets look for: the user's query only. */
    Xapian::Query words = query;
    Xapian::Query shown = query;
    if (search->query && !query.empty() && !parsed_text.empty())
        add_symbols(&query, &shown, search->query);

    std::vector<Xapian::Query> restrictions;
    if (search->n_filters) {
        Xapian::Query filter;
        status = build_filter(&filter, idx, search);
        if (status != MS_INDEX_OK)
            return status;
        restrictions.push_back(filter);
    }
    Xapian::Query dates;
    bool dated = false;
    status = build_date_range(&dates, &dated, idx, search);
    if (status != MS_INDEX_OK)
        return status;
    if (dated)
        restrictions.push_back(dates);
    Xapian::Query unrestricted = query, all_restrictions;
    if (!restrictions.empty()) {
        all_restrictions = Xapian::Query(Xapian::Query::OP_AND, restrictions.begin(),
                                         restrictions.end());
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, all_restrictions);
        shown = Xapian::Query(Xapian::Query::OP_FILTER, shown, all_restrictions);
    }
    /* Described before the access filter, whose terms name groups. */
    results->understood = ms_index__strdup(shown.get_description());

    Xapian::Query visible = ms_index__visible(search->viewer);
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, visible);
    if (!corrected.empty() &&
        correction_visible(idx, parser, flags, parsed_text, corrected, visible))
        results->corrected = ms_index__strdup(corrected);

    /* Declared before the Enquire, which only borrows them. */
    std::unique_ptr<Xapian::MatchSpy> spy;
    std::unique_ptr<DateKey> date_key;
    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight(BM25_K1, 0, 1, BM25_B, 0.5));
    /* Pseudo relevance feedback, for a query of words only ranked by
     * relevance: one more match. */
    Xapian::Query unexpanded = query;
    bool expanded = false;
    /* A phrase in a query without quotes is words the parser joined. */
    bool joined = parsed_text.find('"') == std::string::npos;
    if (!search->no_feedback && sort == MS_SORT_RELEVANCE && words_only(words, joined)) {
        Xapian::MSet top = enquire.get_mset(0, FEEDBACK_DOCS);
        if (!top.empty()) {
            std::vector<Xapian::docid> docs;
            for (Xapian::MSetIterator it = top.begin(); it != top.end(); ++it)
                docs.push_back(*it);
            /* Enquire::get_eset()'s choice, with cached frequencies. */
            StemDecider decider(words);
            std::vector<std::pair<std::string, double>> eset =
                ms_index__expand(idx, docs, FEEDBACK_TERMS, "Z", decider);
            if (!eset.empty()) {
                std::vector<Xapian::Query> more;
                for (const auto &term : eset)
                    more.emplace_back(term.first);
                Xapian::Query extra(
                    Xapian::Query::OP_SCALE_WEIGHT,
                    Xapian::Query(Xapian::Query::OP_OR, more.begin(), more.end()),
                    FEEDBACK_WEIGHT);
                query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, unrestricted, extra);
                if (!restrictions.empty())
                    query =
                        Xapian::Query(Xapian::Query::OP_FILTER, query, all_restrictions);
                query = Xapian::Query(Xapian::Query::OP_FILTER, query, visible);
                enquire.set_query(query);
                expanded = true;
            }
        }
    }
    if (sort != MS_SORT_RELEVANCE) {
        bool newest = sort == MS_SORT_NEWEST;
        date_key.reset(new DateKey(newest));
        enquire.set_sort_by_key_then_relevance(date_key.get(), newest);
    }

    /* No page may reach past the largest document number: keeps
     * offset + limit from wrapping inside Xapian. */
    Xapian::doccount first = search->offset;
    Xapian::doccount count = search->limit;
    Xapian::doccount size = idx->db->get_doccount();
    if (count > size)
        count = size;
    if (count > UINT_MAX - first)
        count = UINT_MAX - first;
    Xapian::doccount check = first + count;
    if (check < MIN_CHECK_AT_LEAST)
        check = MIN_CHECK_AT_LEAST;
    Xapian::MSet mset = enquire.get_mset(first, count, check);
    /* Facets count the matches in a pass of their own: membership only
     * (BoolWeight, the query without feedback terms, which add no match),
     * so that the ranked match above keeps its pruning instead of
     * weighing every match with the feedback terms. The spy sees every
     * match and counts at most facet_limit of them
     * (ms_index__facet_spy_new); the pass also gives exact totals. */
    Xapian::MSet counted;
    if (search->facets) {
        spy.reset(ms_index__facet_spy_new(search->facet_limit ? search->facet_limit
                                                              : FACET_LIMIT));
        Xapian::Enquire facet_enquire(*idx->db);
        facet_enquire.set_query(unexpanded);
        facet_enquire.set_weighting_scheme(Xapian::BoolWeight());
        facet_enquire.add_matchspy(spy.get());
        counted = facet_enquire.get_mset(0, 0, size);
    }
    /* Snippets mark the words typed: Xapian's own snippets (CJK queries)
     * mark the terms of the query that made the MSet, so with feedback
     * they come from an MSet of the query as typed, holding no hits. */
    std::unique_ptr<ms_index_snippets> snippets;
    Xapian::Enquire snippet_enquire(*idx->db);
    Xapian::MSet snippet_mset = mset;
    if (search->snippet_length > 0) {
        snippets.reset(new ms_index_snippets(
            *idx->db, words, stemmer, search->language ? search->language : "en",
            search->snippet_length, search->max_snippets));
        if (expanded && snippets->needs_mset()) {
            snippet_enquire.set_query(unexpanded);
            snippet_mset = snippet_enquire.get_mset(0, 0);
        }
    }

    const Xapian::MSet &totals = search->facets ? counted : mset;
    results->estimate = totals.get_matches_estimated();
    results->lower = totals.get_matches_lower_bound();
    results->upper = totals.get_matches_upper_bound();
    if (mset.size() > 0) {
        results->hits = static_cast<ms_hit_t *>(calloc(mset.size(), sizeof(ms_hit_t)));
        if (!results->hits)
            throw std::bad_alloc();
        results->n_hits = mset.size();
    }

    size_t i = 0;
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it, ++i) {
        ms_hit_t *hit = &results->hits[i];
        ms_index_stored stored = ms_index__decode(it.get_document().get_data());
        ms_index__document_fill(&hit->doc, stored, false);
        hit->score = it.get_weight();
        hit->percent = static_cast<unsigned>(it.get_percent());
        if (snippets)
            snippets->fill(hit, stored, &snippet_mset);
    }
    if (spy)
        ms_index__facets_fill(results.get(), *spy, idx, counted);

    *out = results.release();
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_search(ms_results_t **out, ms_index_t *idx, const ms_search_t *search) noexcept
{
    ms_index_status_t status;

    try {
        assert(out && idx && search);
        *out = nullptr;
        idx->message[0] = '\0';
        status = ms_index__retry(idx, [&] { return run_search(out, idx, search); });
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT void
ms_results_free(ms_results_t *results) noexcept
{
    free_results(results);
}
