/* query.cc - parsing a query: operators, plain words, synonyms, spelling
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Parsing is forgiving: a query the parser rejects is searched again as
 * plain words, and only a query with no words at all is
 * MS_INDEX_BAD_QUERY. The limits are applied to the text first (words.cc).
 *
 * Languages: the query is stemmed in its own language (STEM_SOME); a
 * query that names none (ms_search_t.every_language) is also stemmed in
 * each language of the index that writes the word's script
 * (multilingual.cc). A
 * word typed with a capital, in quotes or in a phrase is not stemmed and
 * matches the exact word, which documents in every language index beside
 * their stems; that is how an English query finds a French document by a
 * word the two languages stem differently. CJK n-grams are on for every
 * query, so Chinese text is found whatever the query language. Synonym
 * groups stored in the index expand words and phrases
 * (FLAG_AUTO_MULTIWORD_SYNONYMS), and the spelling dictionary, if the
 * indexer built one, gives the "did you mean" correction, offered only
 * when it reveals nothing of documents the viewer may not see.
 *
 * Every field of ms_schema.h with a term prefix and a param is a boolean
 * query prefix ("country:Kyrgyzstan"), except the access groups.
 */
#include <string>
#include <vector>

#include "index-words.hh"
#include "ms_limits.h"

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

/* Weight added to the document whose symbol is typed plainly in a query.
 * The BM25 weight of a whole query (at most 64 words) stays far below it,
 * so that document comes first. */
#define SYMBOL_WEIGHT 1000.0

namespace
{

/* "country:Kyrgyzstan" in a query must find the term written at index time
 * (XCkyrgyzstan), so query values are folded exactly like field values. */
class FoldedBooleanProcessor : public Xapian::FieldProcessor
{
  public:
    explicit FoldedBooleanProcessor(const std::string &prefix) : prefix_(prefix)
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

void
ms_index__parser_setup(Xapian::QueryParser &parser, ms_index_t *idx,
                       const Xapian::Stem &stemmer, unsigned max_expansion)
{
    parser.set_database(*idx->db);
    parser.set_stemmer(stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_stopper(ms_index__stop_words());
    parser.set_max_expansion(max_expansion ? max_expansion : MS_LIMIT_EXPANSION,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    parser.add_prefix("title", MS_SCHEMA_PREFIX_TITLE);
    for (const ms_index_field &field : ms_index__vocabulary().indexed) {
        if (field.schema->param && !field.access)
            parser.add_boolean_prefix(
                field.schema->param,
                (new FoldedBooleanProcessor(field.prefix))->release());
    }
}

/* Xapian 1.4 turns every synonym into a single term, so a synonym entry
 * with spaces ("money transfers", see ms_index_set_synonyms) would match
 * nothing. Rewrite such terms into the phrases they stand for; no other
 * term has a space in it. */
static bool
phrase_of(const Xapian::Query &, const std::string &term, Xapian::Query *out)
{
    if (term.find(' ') == std::string::npos)
        return false;
    std::vector<Xapian::Query> words;
    for (const std::string &word : ms_index__split(term, ' '))
        words.emplace_back(word);
    *out = Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end());
    return true;
}

/* Whether every word of 'query' (in the sense of ms_index__words_of(),
 * ASCII letters lowered) is a word of the index: the exact, unprefixed
 * term every document has beside its stems. Words with other capitals, or
 * with operators and field names among them, are simply not skipped. */
static bool
all_indexed(const Xapian::Database &db, const std::string &query)
{
    for (std::string word : ms_index__words_of(query)) {
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
    return ms_index__map_terms(parsed, phrase_of, &changed);
}

/* The number of wildcards in 'query'. */
static unsigned
count_wildcards(const Xapian::Query &query)
{
    if (query.get_type() == Xapian::Query::OP_WILDCARD)
        return 1;
    unsigned n = 0;
    for (size_t i = 0; i < query.get_num_subqueries(); i++)
        n += count_wildcards(query.get_subquery(i));
    return n;
}

/* The terms each wildcard of 'query' may expand to so that together they
 * stay within search->max_expansion_total, or 0 when the limit of one
 * wildcard, search->max_expansion, already keeps them within it. */
static unsigned
expansion_share(const Xapian::Query &query, const ms_search_t *search)
{
    unsigned one = search->max_expansion ? search->max_expansion : MS_LIMIT_EXPANSION;
    unsigned total = search->max_expansion_total ? search->max_expansion_total
                                                 : MS_LIMIT_EXPANSION_TOTAL;
    unsigned n = count_wildcards(query);
    if (n == 0 || one <= total / n)
        return 0;
    return total / n > 0 ? total / n : 1;
}

/* OR into out->ranked a boost for each document whose symbol is typed
 * plainly in the first 'len' bytes of 'text', and into out->shown (the
 * query as reported) the plain symbol term. A boolean term has no weight
 * of its own, hence the fixed weight restricted to the documents with the
 * term. */
static void
add_symbols(ms_index_parsed *out, const char *text, size_t len)
{
    out->ranked = out->shown = out->words;
    const ms_index_field *field = ms_index__vocabulary().symbol;
    if (!field)
        return;
    std::vector<std::string> symbols = ms_index__find_symbols(text, len);
    if (symbols.empty())
        return;
    std::vector<Xapian::Query> boosted{out->ranked}, plain{out->shown};
    for (const std::string &symbol : symbols) {
        Xapian::Query term(ms_index__boolean_term(field->prefix, symbol));
        Xapian::Query weight(
            (new Xapian::FixedWeightPostingSource(SYMBOL_WEIGHT))->release());
        boosted.emplace_back(Xapian::Query::OP_FILTER, weight, term);
        plain.push_back(term);
    }
    out->ranked = Xapian::Query(Xapian::Query::OP_OR, boosted.begin(), boosted.end());
    out->shown = Xapian::Query(Xapian::Query::OP_OR, plain.begin(), plain.end());
}

/* The parsed words in every language when the search names none, then
 * the symbols' boosts. */
static void
finish(ms_index_parsed *out, ms_index_t *idx, const Xapian::QueryParser &parser,
       const ms_search_t *search, size_t used)
{
    if (search->every_language)
        out->words = ms_index__in_each_language(out->words, parser, *idx->db);
    add_symbols(out, search->query, used);
}

/* Xapian 1.4 itself re-parses some malformed queries without operators
 * and returns that silently; only the errors it throws are seen here. */
ms_index_status_t
ms_index__parse(ms_index_parsed *out, ms_index_t *idx, Xapian::QueryParser &parser,
                const ms_search_t *search)
{
    size_t used = 0;
    out->wildcard = search->max_expansion ? search->max_expansion : MS_LIMIT_EXPANSION;
    ms_index_parse_as as =
        search->query ? ms_index__query_text(&out->text, &used, search->query, search)
                      : MS_INDEX_PARSE_ALL;
    if (as == MS_INDEX_PARSE_ALL) {
        /* Not the shared static Query::MatchAll: its reference count is
         * not thread-safe (xapian/query.h). */
        out->words = out->ranked = out->shown = Xapian::Query(std::string());
        return MS_INDEX_OK;
    }
    if (as == MS_INDEX_PARSE_QUERY) {
        try {
            out->flags = QUERY_FLAGS;
            out->words =
                parse_with(parser, *idx->db, out->text, QUERY_FLAGS, &out->corrected);
            /* The parser fixes each wildcard's limit as it reads it: with too
             * many wildcards for their total, read the query again. */
            if (unsigned share = expansion_share(out->words, search)) {
                out->wildcard = share;
                parser.set_max_expansion(share,
                                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
                out->words =
                    parse_with(parser, *idx->db, out->text, QUERY_FLAGS, &out->corrected);
            }
            if (!out->words.empty()) {
                finish(out, idx, parser, search, used);
                return MS_INDEX_OK;
            }
        } catch (const Xapian::QueryParserError &) {
            /* Fall through to plain words. */
        }
        out->text = ms_index__plain_words(out->text);
    }
    out->plain_words = 1;
    out->flags = LANGUAGE_FLAGS;
    out->words = parse_with(parser, *idx->db, out->text, LANGUAGE_FLAGS, &out->corrected);
    if (out->words.empty())
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY,
                              "query has no words to search for");
    finish(out, idx, parser, search, used);
    return MS_INDEX_OK;
}

/* Every word the correction replaced must occur in a document the viewer
 * may see, and the corrected query must find one: the dictionary is built
 * from the whole index, so without this a word of a hidden document would
 * show through "did you mean". */
bool
ms_index__correction_visible(ms_index_t *idx, Xapian::QueryParser &parser,
                             const ms_index_parsed &parsed, const Xapian::Query &visible)
{
    std::vector<std::string> before = ms_index__words_of(parsed.text);
    std::vector<std::string> after = ms_index__words_of(parsed.corrected);
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
        Xapian::Query whole = parse_with(
            parser, *idx->db, parsed.corrected,
            parsed.flags & ~Xapian::QueryParser::FLAG_SPELLING_CORRECTION, &ignored);
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
