/* index-pairs.hh - the shim's reading of (country, status) pairs (pairs.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: what filter.cc and facets.cc use of
 * pairs.cc. Kept apart from index-private.hh, which holds the rest.
 */
#ifndef MS_INDEX_PAIRS_HH
#define MS_INDEX_PAIRS_HH

#include <string>
#include <utility>
#include <vector>

#include "index-private.hh"

/* The field MS_SCHEMA_PAIR_FIELD, or NULL if the table has none. */
const ms_index_field *ms_index__pair_field();

/* The country and status filters of a search, folded like terms. */
struct ms_index_pair_filter {
    std::vector<std::string> countries;
    std::vector<std::string> statuses;
};

/* The country and status filters of 'search'. */
ms_index_pair_filter ms_index__pair_filter_of(const ms_search_t *search);

/* Whether 'field' is the country or the status field, which a search
 * filtering on both matches as pairs (the pair field exists). */
bool ms_index__pair_filtered(const ms_index_field *field);

/* The documents where one of the filter's countries reported one of its
 * statuses: the OR of their pair terms. */
Xapian::Query ms_index__pair_query(const ms_index_pair_filter &filter);

/* Counts the derived facets of one search, document by document: fed
 * each document's pair terms (take), it gives the values that document
 * counts for (finish): with a country filter, the statuses the filtered
 * countries reported (the status facet); with a status filter, the
 * countries that reported a filtered status (the country facet). */
class ms_index_pair_counter
{
  public:
    explicit ms_index_pair_counter(const ms_search_t *search);
    /* Some facet is derived. */
    bool active() const;
    /* Facet 'facet' (an index into the vocabulary's facets) is derived:
     * its own terms are not counted. */
    bool derived(size_t facet) const;
    /* If 'term' is a pair term (prefix included), note what it counts
     * for the current document and return true. */
    bool take(const std::string &term);
    /* The (facet, folded value) pairs the current document counts, each
     * once; the next document starts. */
    std::vector<std::pair<size_t, std::string>> finish();
    /* The pair field's term prefix (only when active). */
    const std::string &prefix() const;

  private:
    void note(size_t facet, const std::string &value);
    ms_index_pair_filter filter_;
    size_t country_facet_, status_facet_;
    std::vector<std::pair<size_t, std::string>> current_;
};

#endif /* MS_INDEX_PAIRS_HH */
