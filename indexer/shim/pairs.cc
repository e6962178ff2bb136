/* pairs.cc - country and status read together: the (country, status) pairs
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The archive writes, for every country a document concerns, the status
 * that country reported as a term of the generated field
 * MS_SCHEMA_PAIR_FIELD: "<prefix><country>\t<status>", folded like every
 * boolean term (docs/index-schema.md, "Status by country"). This file
 * is the one place that reads them:
 *
 *  - filters (filter.cc): a search with both a country and a status
 *    filter matches the documents where one of the countries reported one
 *    of the statuses, the OR of every country x status pair, instead of
 *    the two fields ANDed (which matched Ghana on one country's status
 *    and another's "not implemented");
 *  - facets (facets.cc): with a country filter the status facet counts,
 *    for each match, the statuses the filtered countries reported; with a
 *    status filter the country facet counts the countries that reported a
 *    filtered status. Each value counts once per document. The facets are
 *    "derived"; without either filter they are the fields' own terms.
 */
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "index-pairs.hh"
#include "index-private.hh"

/* The indexed field of 'name', or NULL. */
static const ms_index_field *
named(const char *name)
{
    for (const ms_index_field &field : ms_index__vocabulary().indexed) {
        if (strcmp(field.schema->name, name) == 0)
            return &field;
    }
    return nullptr;
}

const ms_index_field *
ms_index__pair_field()
{
    static const ms_index_field *field = named(MS_SCHEMA_PAIR_FIELD);
    return field;
}

/* The folded form of a value, as boolean terms hold it. */
static std::string
folded(const char *value)
{
    return ms_index__boolean_term(std::string(), value);
}

ms_index_pair_filter
ms_index__pair_filter_of(const ms_search_t *search)
{
    ms_index_pair_filter filter;
    const ms_index_field *country = named(MS_SCHEMA_PAIR_COUNTRY);
    const ms_index_field *status = named(MS_SCHEMA_PAIR_STATUS);
    for (size_t i = 0; search->filters && i < search->n_filters; i++) {
        const ms_field_t *f = &search->filters[i];
        if (!f->name || !f->value)
            continue;
        const ms_index_field *field = ms_index__field(f->name, MS_INDEX_FOR_FILTER);
        if (field && field == country)
            filter.countries.push_back(folded(f->value));
        else if (field && field == status)
            filter.statuses.push_back(folded(f->value));
    }
    return filter;
}

bool
ms_index__pair_filtered(const ms_index_field *field)
{
    return field && ms_index__pair_field() &&
           (strcmp(field->schema->name, MS_SCHEMA_PAIR_COUNTRY) == 0 ||
            strcmp(field->schema->name, MS_SCHEMA_PAIR_STATUS) == 0);
}

Xapian::Query
ms_index__pair_query(const ms_index_pair_filter &filter)
{
    const ms_index_field *pair = ms_index__pair_field();
    std::vector<Xapian::Query> terms;
    for (const std::string &country : filter.countries) {
        for (const std::string &status : filter.statuses)
            terms.emplace_back(
                ms_index__boolean_term(pair->prefix, country + "\t" + status));
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

/* The facet index of the field 'name', or SIZE_MAX. */
static size_t
facet_index(const char *name)
{
    const std::vector<const ms_index_field *> &facets = ms_index__vocabulary().facets;
    for (size_t f = 0; f < facets.size(); f++) {
        if (strcmp(facets[f]->schema->name, name) == 0)
            return f;
    }
    return SIZE_MAX;
}

ms_index_pair_counter::ms_index_pair_counter(const ms_search_t *search)
    : filter_(ms_index__pair_filter_of(search)),
      country_facet_(filter_.statuses.empty() ? SIZE_MAX
                                              : facet_index(MS_SCHEMA_PAIR_COUNTRY)),
      status_facet_(filter_.countries.empty() ? SIZE_MAX
                                              : facet_index(MS_SCHEMA_PAIR_STATUS))
{
    if (!ms_index__pair_field())
        country_facet_ = status_facet_ = SIZE_MAX;
}

bool
ms_index_pair_counter::active() const
{
    return country_facet_ != SIZE_MAX || status_facet_ != SIZE_MAX;
}

bool
ms_index_pair_counter::derived(size_t facet) const
{
    return facet != SIZE_MAX && (facet == country_facet_ || facet == status_facet_);
}

bool
ms_index_pair_counter::take(const std::string &term)
{
    const std::string &prefix = ms_index__pair_field()->prefix;
    if (!active() || term.size() <= prefix.size() ||
        term.compare(0, prefix.size(), prefix) != 0)
        return false;
    size_t tab = term.rfind('\t');
    if (tab == std::string::npos || tab < prefix.size())
        return true;
    std::string country = term.substr(prefix.size(), tab - prefix.size());
    std::string status = term.substr(tab + 1);
    const std::vector<std::string> &countries = filter_.countries;
    const std::vector<std::string> &statuses = filter_.statuses;
    if (status_facet_ != SIZE_MAX &&
        std::find(countries.begin(), countries.end(), country) != countries.end())
        note(status_facet_, status);
    if (country_facet_ != SIZE_MAX &&
        std::find(statuses.begin(), statuses.end(), status) != statuses.end())
        note(country_facet_, country);
    return true;
}

/* Value 'value' of 'facet' for the current document, once. */
void
ms_index_pair_counter::note(size_t facet, const std::string &value)
{
    std::pair<size_t, std::string> entry(facet, value);
    if (std::find(current_.begin(), current_.end(), entry) == current_.end())
        current_.push_back(entry);
}

std::vector<std::pair<size_t, std::string>>
ms_index_pair_counter::finish()
{
    std::vector<std::pair<size_t, std::string>> done;
    done.swap(current_);
    return done;
}

const std::string &
ms_index_pair_counter::prefix() const
{
    return ms_index__pair_field()->prefix;
}
