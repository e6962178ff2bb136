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
 * query with no words at all is MS_INDEX_BAD_QUERY. Wildcards are bounded
 * so "a*" cannot expand to the whole vocabulary.
 *
 * Languages: the query is stemmed in its own language (STEM_SOME). A
 * word typed with a capital, in quotes or in a phrase is not stemmed and
 * matches the exact word, which documents in every language index beside
 * their stems; that is how an English query finds a French document by a
 * word the two languages stem differently. CJK n-grams are on for every
 * query, so Chinese text is found whatever the query language. Synonym
 * groups stored in the index expand words and phrases
 * (FLAG_AUTO_MULTIWORD_SYNONYMS), and the spelling dictionary, if the
 * indexer built one, gives the "did you mean" correction.
 */
#include <cassert>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "index-private.hh"

/* Documents to look at before estimating totals, so that small archives
 * (the usual case) report exact counts even for a first page. */
#define MIN_CHECK_AT_LEAST 1000u

/* Longest query accepted. Parsing and wildcard expansion grow faster than
 * linearly with the query; no person types more than this, and it keeps a
 * crafted query from tying up a server process for seconds. */
#define MAX_QUERY_BYTES 1024

/* Terms a wildcard may expand to; the most frequent ones are kept. */
#define MAX_WILDCARD_EXPANSION 100

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

} /* namespace */

static bool
is_blank(const char *text)
{
    for (; *text; text++) {
        if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r' &&
            *text != '\f' && *text != '\v')
            return false;
    }
    return true;
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

/* Parse with 'flags', expand, and keep the spelling correction. */
static Xapian::Query
parse_with(Xapian::QueryParser &parser, const std::string &query, unsigned flags,
           std::string *corrected)
{
    Xapian::Query parsed = parser.parse_query(query, flags);
    *corrected = parser.get_corrected_query_string();
    bool changed = false;
    return expand(parsed, &changed);
}

/* Parse 'query' into *out, falling back to plain words. Xapian 1.4 itself
 * re-parses some malformed queries without operators and returns that
 * silently; only the errors it throws are seen here. */
static ms_index_status_t
parse_query(Xapian::Query *out, int *plain, std::string *corrected, ms_index_t *idx,
            const Xapian::Stem &stemmer, const char *query)
{
    if (!query || is_blank(query)) {
        *out = Xapian::Query::MatchAll;
        return MS_INDEX_OK;
    }
    if (strlen(query) > MAX_QUERY_BYTES) {
        set_bad_query(idx, "query too long");
        return MS_INDEX_BAD_QUERY;
    }

    Xapian::QueryParser parser;
    parser.set_database(*idx->db);
    parser.set_stemmer(stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_max_expansion(MAX_WILDCARD_EXPANSION,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    parser.add_prefix("title", "S");
    for (const ms_index_prefix *p = ms_index__prefixes; p->name; p++)
        parser.add_boolean_prefix(p->query,
                                  (new FoldedBooleanProcessor(p->prefix))->release());

    try {
        *out = parse_with(parser, query, QUERY_FLAGS, corrected);
        if (!out->empty())
            return MS_INDEX_OK;
    } catch (const Xapian::QueryParserError &) {
        /* Fall through to plain words. */
    }
    *plain = 1;
    *out = parse_with(parser, plain_words(query), LANGUAGE_FLAGS, corrected);
    if (out->empty()) {
        set_bad_query(idx, "query has no words to search for");
        return MS_INDEX_BAD_QUERY;
    }
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

/* Xapian escapes <, > and & in snippets but not quotes; escape those too so
 * the snippet is safe anywhere HTML text may go. */
static std::string
escape_quotes(const std::string &html)
{
    std::string out;
    out.reserve(html.size());
    for (char c : html) {
        if (c == '"')
            out += "&quot;";
        else if (c == '\'')
            out += "&#39;";
        else
            out += c;
    }
    return out;
}

static void
free_results(ms_results_t *results) noexcept
{
    if (!results)
        return;
    for (size_t i = 0; i < results->n_hits; i++) {
        ms_index__document_clear(&results->hits[i].doc);
        free(const_cast<char *>(results->hits[i].snippet));
    }
    free(results->hits);
    free(results->corrected);
    free(results);
}

static ms_index_status_t
run_search(ms_results_t **out, ms_index_t *idx, const ms_search_t *search)
{
    typedef std::unique_ptr<ms_results_t, void (*)(ms_results_t *)> results_ptr;
    results_ptr results(static_cast<ms_results_t *>(calloc(1, sizeof(ms_results_t))),
                        free_results);
    if (!results)
        throw std::bad_alloc();

    Xapian::Stem stemmer = ms_index__stemmer(search->language ? search->language : "en");
    Xapian::Query query;
    std::string corrected;
    ms_index_status_t status = parse_query(&query, &results->plain_words, &corrected, idx,
                                           stemmer, search->query);
    if (status != MS_INDEX_OK)
        return status;
    if (!corrected.empty())
        results->corrected = ms_index__strdup(corrected);
    if (search->n_filters) {
        Xapian::Query filter;
        status = build_filter(&filter, idx, search);
        if (status != MS_INDEX_OK)
            return status;
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    }

    Xapian::Enquire enquire(*idx->db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());

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

    results->estimate = mset.get_matches_estimated();
    results->lower = mset.get_matches_lower_bound();
    results->upper = mset.get_matches_upper_bound();
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
        if (search->snippet_length > 0) {
            const std::string &text = stored.has_body ? stored.body : stored.title;
            std::string snippet = mset.snippet(text, search->snippet_length, stemmer,
                                               Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                                   Xapian::MSet::SNIPPET_EXHAUSTIVE |
                                                   Xapian::MSet::SNIPPET_CJK_NGRAM,
                                               "<mark>", "</mark>", "\xe2\x80\xa6");
            hit->snippet = ms_index__strdup(escape_quotes(snippet));
        }
    }

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
