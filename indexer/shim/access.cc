/* access.cc - which documents a viewer may see
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Access is a filter built into every query inside the shim, never a step
 * the server could forget: a document that names access groups carries the
 * marker term MS_SCHEMA_TERM_RESTRICTED ("XR") and one term per group under
 * the prefix of the field "access" in ms_schema.h ("XA<group>";
 * docs/index-schema.md, "Access"); a viewer sees documents without the
 * marker plus those of its groups.
 */
#include <string>
#include <vector>

#include "index-private.hh"

/* The access group terms of 'viewer', none for an anonymous one. */
static std::vector<Xapian::Query>
group_terms(const ms_viewer_t *viewer)
{
    std::vector<Xapian::Query> groups;
    const ms_index_field *access = ms_index__vocabulary().access;
    if (viewer == nullptr || !access)
        return groups;
    groups.reserve(viewer->n_groups);
    for (size_t i = 0; i < viewer->n_groups; i++) {
        const char *group = viewer->groups[i];
        if (group != nullptr && group[0] != '\0')
            groups.emplace_back(ms_index__boolean_term(access->prefix, group));
    }
    return groups;
}

Xapian::Query
ms_index__visible(const ms_viewer_t *viewer)
{
    /* Query(std::string()) rather than the static Query::MatchAll, whose
     * reference count is not thread-safe (xapian/query.h): every worker
     * thread builds its own. */
    Xapian::Query open_to_all(Xapian::Query::OP_AND_NOT, Xapian::Query(std::string()),
                              Xapian::Query(MS_SCHEMA_TERM_RESTRICTED));
    std::vector<Xapian::Query> groups = group_terms(viewer);
    if (groups.empty())
        return open_to_all;
    return Xapian::Query(
        Xapian::Query::OP_OR, open_to_all,
        Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end()));
}

Xapian::Query
ms_index__hidden(const ms_viewer_t *viewer)
{
    Xapian::Query restricted(MS_SCHEMA_TERM_RESTRICTED);
    std::vector<Xapian::Query> groups = group_terms(viewer);
    if (groups.empty())
        return restricted;
    return Xapian::Query(
        Xapian::Query::OP_AND_NOT, restricted,
        Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end()));
}
