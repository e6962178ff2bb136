/* index-facets.hh - what facets.cc and display.cc share
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: facets.cc counts the facet values of a
 * search's matches, display.cc finds how each value is shown and, for
 * the meeting facet, its label.
 */
#ifndef MS_INDEX_FACETS_HH
#define MS_INDEX_FACETS_HH

#include <string>
#include <unordered_map>
#include <vector>

#include "index-caches.hh"
#include "index-private.hh"

/* A facet value's count over the matches, and the lowest match with it. */
struct ms_index_facet_seen {
    unsigned long count = 0;
    Xapian::docid first = 0; /* lowest matching docid with the value */
};

/* A facet's values (folded, without the prefix) and what was seen. */
typedef std::unordered_map<std::string, ms_index_facet_seen> ms_index_value_counts;

/* For each facet, its values (folded) and how each is shown. */
typedef std::vector<std::unordered_map<std::string, ms_index_facet_display>>
    ms_index_facet_displays;

/* Whether the values of facet 'field' carry a label (the meeting's
 * title). */
bool ms_index__facet_labelled(const ms_index_field &field);

/* How each value of counts[f] is shown, into display[f][folded], for the
 * view idx->db (display.cc). */
void ms_index__display_forms(ms_index_facet_displays &display,
                             const std::vector<ms_index_value_counts> &counts,
                             ms_index_t *idx);

#endif /* MS_INDEX_FACETS_HH */
