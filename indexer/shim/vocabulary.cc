/* vocabulary.cc - the fields and languages of ms_schema.h, read by the shim
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_schema.h owns the vocabulary: the fields with their term prefixes,
 * request parameters and flags, the languages, the reserved prefixes and
 * the id rule. The shim keeps no copy of it. This file reads the field
 * table once, on first use, into the lists each job walks: the terms
 * ms_index_put() writes (document.cc), the filters and query prefixes of
 * a search (filter.cc, query.cc), the facets (facets.cc) and
 * ms_index_count_by() (state.cc). A field added to the table with a term
 * prefix is therefore written, filtered, searched by its param, counted
 * and (with MS_FIELD_FACET) faceted without an edit here.
 *
 * Two fields have a meaning beyond the table, and this file is the one
 * place that names them: "access", since who may see a document is the
 * shim's own business (access.cc), so that field is never a query prefix
 * and its documents also carry MS_SCHEMA_TERM_RESTRICTED; and "symbol",
 * whose value typed plainly in a query lifts its document to the top
 * (query.cc).
 */
#include <algorithm>
#include <cstring>
#include <string>

#include "index-private.hh"
#include "ms_utf8.h"

/* The field whose values are the groups that may see a document. */
#define ACCESS_FIELD "access"

/* The field of a document's symbol (E/CN.4/2003/74). */
#define SYMBOL_FIELD "symbol"

static ms_index_vocabulary
read_table()
{
    ms_index_vocabulary vocabulary;
    for (size_t i = 0; i < ms_schema_n_fields; i++) {
        const ms_schema_field_t *field = &ms_schema_fields[i];
        if (field->prefix)
            vocabulary.indexed.push_back(
                {field, field->prefix, strcmp(field->name, ACCESS_FIELD) == 0});
    }
    /* 'indexed' is complete: pointers into it stay valid from here on. */
    vocabulary.access = vocabulary.symbol = nullptr;
    for (const ms_index_field &field : vocabulary.indexed) {
        if (field.access)
            vocabulary.access = &field;
        if (strcmp(field.schema->name, SYMBOL_FIELD) == 0)
            vocabulary.symbol = &field;
        if (field.schema->flags & MS_FIELD_FACET) {
            vocabulary.facet_prefixes.emplace_back(field.prefix,
                                                   vocabulary.facets.size());
            vocabulary.facets.push_back(&field);
        }
    }
    std::sort(vocabulary.facet_prefixes.begin(), vocabulary.facet_prefixes.end());
    /* Returned without a copy (elided, or moved: a moved vector keeps its
     * elements where they are), so the pointers above stay valid. */
    return vocabulary;
}

const ms_index_vocabulary &
ms_index__vocabulary()
{
    static const ms_index_vocabulary vocabulary = read_table();
    return vocabulary;
}

const ms_index_field *
ms_index__field(const char *name, ms_index_field_use use)
{
    for (const ms_index_field &field : ms_index__vocabulary().indexed) {
        const ms_schema_field_t *schema = field.schema;
        bool by_name = strcmp(name, schema->name) == 0;
        bool by_param = schema->param && strcmp(name, schema->param) == 0;
        switch (use) {
        case MS_INDEX_FOR_DOCUMENT:
            /* Language and year come from ms_document_t.language and
             * .date, so a metadata field of that name is only stored. */
            if (by_name && schema->source == MS_FIELD_FROM_META)
                return &field;
            break;
        case MS_INDEX_FOR_FILTER:
            if (by_name || by_param)
                return &field;
            break;
        case MS_INDEX_FOR_QUERY:
            if ((by_name || by_param) && schema->param && !field.access)
                return &field;
            break;
        }
    }
    return nullptr;
}

std::string
ms_index__boolean_term(const std::string &prefix, const std::string &value)
{
    std::string term = prefix, composed;
    const std::string &text =
        ms_index__compose(&composed, value.data(), value.size()) ? composed : value;
    term.reserve(prefix.size() + text.size());
    for (char c : text)
        term += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (term.size() > MS_INDEX_MAX_TERM) {
        /* Cut the value, never the prefix, before a split character. */
        term.resize(prefix.size() + ms_utf8_cut(term.data() + prefix.size(),
                                                term.size() - prefix.size(),
                                                MS_INDEX_MAX_TERM - prefix.size()));
    }
    return term;
}

Xapian::Stem
ms_index__stemmer(const char *language)
{
    const ms_schema_language_t *known = language ? ms_schema_language(language) : nullptr;
    if (!known || !known->stemmer)
        return Xapian::Stem();
    return Xapian::Stem(known->stemmer);
}
