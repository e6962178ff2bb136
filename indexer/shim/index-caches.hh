/* index-caches.hh - what a reader keeps until its index changes
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: the caches a reader handle owns
 * (index-handle.hh, emptied by handle.cc), filled by expand.cc (the
 * expansion terms' frequencies) and display.cc (how facet values are
 * shown). Kept apart from index-private.hh, which holds the rest.
 */
#ifndef MS_INDEX_CACHES_HH
#define MS_INDEX_CACHES_HH

#include <string>
#include <unordered_map>

#include "index-private.hh"

/* How a facet value is shown (display.cc): as a document stores it, and
 * for a labelled facet (the meeting) its label, if one was found; when
 * none of its public documents gives one, 'restricted' says the viewer's
 * restricted documents are still to be asked. */
struct ms_index_facet_display {
    std::string shown;
    std::string label;
    bool labelled = false;
    bool restricted = false;
    unsigned publics = 0; /* when 'restricted': its public documents */
};

/* What a reader's index says until it changes (expand.cc, display.cc). */
struct ms_index_caches {
    std::string key; /* the UUID/revision they were filled at */
    /* term -> document frequency, for expansion candidates */
    std::unordered_map<std::string, Xapian::doccount> termfreqs;
    /* facet term (prefix and folded value) -> how it is shown */
    std::unordered_map<std::string, ms_index_facet_display> facet_display;
};

/* The caches of reader 'idx', emptied first if the index changed since
 * they were filled; NULL for a writer, whose counts change at the same
 * revision. Owned by the handle. */
ms_index_caches *ms_index__caches(ms_index_t *idx);

#endif /* MS_INDEX_CACHES_HH */
