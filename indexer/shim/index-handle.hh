/* index-handle.hh - what a handle holds beyond struct ms_index
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim: index.cc makes and deletes handles,
 * handle.cc gives the other files their members (index-private.hh). The
 * extra members live here so the shared struct ms_index stays as it is.
 */
#ifndef MS_INDEX_HANDLE_HH
#define MS_INDEX_HANDLE_HH

#include <memory>
#include <string>

#include "index-private.hh"

/* A handle: struct ms_index plus what refreshing a reader needs. */
struct ms_index_handle : ms_index {
    std::string path;         /* as given to ms_index_open() */
    ms_index_location opened; /* what the reader has open */
    /* A writer's spelling words not yet in its dictionary (spelling.cc). */
    ms_index_spelling_pending spelling_pending;
    /* A reader's caches (ms_index__caches). */
    ms_index_caches caches;
    /* A writer's index to take first-indexed times from (added.cc). */
    std::unique_ptr<Xapian::Database> added_from;
};

#endif /* MS_INDEX_HANDLE_HH */
