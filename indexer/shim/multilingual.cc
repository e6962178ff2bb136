/* multilingual.cc - a query that names no language, matched in each one
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Documents are stemmed in their own language (document.cc), a query in
 * one language (query.cc): the configured default unless the request
 * filters on exactly one language. A delegate who types "remesas" or an
 * Arabic word without lang= would get the default (English) stem of it,
 * which no Spanish or Arabic document has. So, when the search names no
 * language, each stemmed word of the parsed query becomes a synonym
 * (OP_SYNONYM: one term to the weighting) of its stems by every language
 * that documents of the index are in and that writes the word's script
 * (ms_schema_script()): a Latin word gets the English, French and Spanish
 * stems, a Cyrillic one the Russian, an Arabic one the Arabic. Chinese
 * needs nothing: it is searched as n-grams in every language.
 *
 * An index of one language (the test collections of docs/relevance.md)
 * gets the query back unchanged, so its ranking is what it was. The cost
 * is a term look-up per language of ms_schema_languages and one stemming
 * per word and language (docs/benchmarks.md, "Query languages").
 */
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "index-words.hh"

namespace
{

struct held_language {
    ms_schema_script_t script;
    Xapian::Stem stem;
};

} /* namespace */

/* The languages with a stemmer that documents of 'db' are in: the terms
 * of the language field (MS_FIELD_FROM_LANGUAGE). */
static std::vector<held_language>
held_languages(const Xapian::Database &db)
{
    std::vector<held_language> held;
    const ms_index_field *field = nullptr;
    for (const ms_index_field &f : ms_index__vocabulary().indexed) {
        if (f.schema->source == MS_FIELD_FROM_LANGUAGE)
            field = &f;
    }
    if (!field)
        return held;
    for (size_t i = 0; i < ms_schema_n_languages; i++) {
        const ms_schema_language_t &language = ms_schema_languages[i];
        if (language.stemmer &&
            db.term_exists(ms_index__boolean_term(field->prefix, language.code)))
            held.push_back({language.script, ms_index__stemmer(language.code)});
    }
    return held;
}

Xapian::Query
ms_index__in_each_language(const Xapian::Query &query, const Xapian::QueryParser &parser,
                           const Xapian::Database &db)
{
    std::vector<held_language> held = held_languages(db);
    if (held.empty())
        return query;
    auto each_language = [&](const Xapian::Query &leaf, const std::string &term,
                             Xapian::Query *out) {
        if (term.compare(0, strlen(MS_SCHEMA_PREFIX_STEM), MS_SCHEMA_PREFIX_STEM) != 0)
            return false;
        std::set<std::string> stems{term};
        std::vector<Xapian::Query> alternatives{leaf};
        /* The words the parser stemmed to 'term', as typed (lower case). */
        for (Xapian::TermIterator u = parser.unstem_begin(term);
             u != parser.unstem_end(term); ++u) {
            const std::string word = *u;
            ms_schema_script_t script = ms_schema_script(word.data(), word.size());
            for (const held_language &language : held) {
                if (language.script != script)
                    continue;
                std::string stem = MS_SCHEMA_PREFIX_STEM + language.stem(word);
                if (stems.insert(stem).second)
                    alternatives.emplace_back(stem);
            }
        }
        if (alternatives.size() == 1)
            return false;
        *out = Xapian::Query(Xapian::Query::OP_SYNONYM, alternatives.begin(),
                             alternatives.end());
        return true;
    };
    bool changed = false;
    return ms_index__map_terms(query, each_language, &changed);
}
