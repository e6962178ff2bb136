/* display.cc - how facet values are shown, and the meeting facet's labels
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Terms are folded (lower case), but a delegate should read "Kyrgyzstan",
 * not "kyrgyzstan": for each value, the stored data of the first public
 * document of the index that has it gives the display form, whatever the
 * search and the viewer, so it is the same in every answer (a value only
 * restricted documents have is shown as the viewer's lowest match has it).
 * A reader caches the forms until the index changes (index-caches.hh):
 * reading documents for them (whole, decompressed) was most of the cost
 * of a facet search over 10,000 documents.
 *
 * A meeting's row also carries its title, its "label" (docs/api.md),
 * read from the same document, else from the first of the meeting's
 * public documents that has one, else from the viewer's restricted ones.
 * Looked up by fcgi/views.c after the search, one search a row, the
 * labels were most of a facet search at 1M documents (6.1 s).
 */
#include <cstring>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "index-facets.hh"

/* Display forms a reader caches; past this many the cache starts over. */
#define MAX_CACHED_DISPLAY 100000u

/* Which documents with a term lowest_documents() gives. */
enum class access_kind { any, public_only, restricted_only };

/* The lowest 'n' documents of 'db' with 'term' of access 'kind': public
 * (no access groups), restricted, or either. */
static Xapian::MSet
lowest_documents(const Xapian::Database &db, const std::string &term, access_kind kind,
                 Xapian::doccount n)
{
    Xapian::Enquire enquire(db);
    Xapian::Query query(term);
    if (kind != access_kind::any)
        query = Xapian::Query(kind == access_kind::public_only ? Xapian::Query::OP_AND_NOT
                                                               : Xapian::Query::OP_AND,
                              query, Xapian::Query(MS_SCHEMA_TERM_RESTRICTED));
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    return enquire.get_mset(0, n);
}

/* The lowest document with 'term' that every viewer may see (no access
 * groups), or 0: the display form comes from it, so that it is the same
 * for everyone and never a hidden document's spelling. Not 'public_only':
 * the lowest of the view that has it. */
static Xapian::docid
first_public(const Xapian::Database &db, const std::string &term, bool public_only = true)
{
    Xapian::MSet first = lowest_documents(
        db, term, public_only ? access_kind::public_only : access_kind::any, 1);
    return first.empty() ? 0 : *first.begin();
}

/* The stored form of 'folded' (a term of 'field' without its prefix) in
 * 'stored', or "" if the document has no such value. */
static std::string
display_value(const ms_index_stored &stored, const ms_index_field &field,
              const std::string &folded)
{
    std::string term = field.prefix + folded;
    if (field.schema->source == MS_FIELD_FROM_LANGUAGE) {
        if (stored.has_language &&
            ms_index__boolean_term(field.prefix, stored.language) == term)
            return stored.language;
        return "";
    }
    for (const auto &value : stored.fields) {
        if (value.first == field.schema->name &&
            ms_index__boolean_term(field.prefix, value.second) == term)
            return value.second;
    }
    return "";
}

/* The field whose value labels a value of facet 'field' (a meeting's
 * title labels the meeting), or NULL when its values have no label. */
static const char *
label_field(const ms_index_field &field)
{
    return strcmp(field.schema->name, "meeting") == 0 ? "meeting_title" : nullptr;
}

bool
ms_index__facet_labelled(const ms_index_field &field)
{
    return label_field(field) != nullptr;
}

/* The first value of field 'name' in 'stored', or NULL. */
static const std::string *
stored_field(const ms_index_stored &stored, const char *name)
{
    for (const auto &value : stored.fields) {
        if (value.first == name)
            return &value.second;
    }
    return nullptr;
}

/* Documents of a value read for its label when the one its display form
 * came from has none: a recommendation set gives its title to each of
 * its recommendations, so when the first few have none, none will. */
#define LABEL_LOOKS 20u

/* Look for a label of 'term' (field 'name' of its documents) in the
 * lowest LABEL_LOOKS documents with 'term' that every viewer may see or,
 * when 'restricted', in the view's restricted ones. Returns how many
 * documents were read; *label is set when one gave it. */
static Xapian::doccount
look_for_label(const Xapian::Database &db, const std::string &term, const char *name,
               bool restricted, ms_index_facet_display *label)
{
    Xapian::MSet docs = lowest_documents(
        db, term, restricted ? access_kind::restricted_only : access_kind::public_only,
        LABEL_LOOKS);
    Xapian::doccount read = 0;
    for (Xapian::MSetIterator d = docs.begin(); d != docs.end() && !label->labelled;
         ++d) {
        read++;
        ms_index_stored stored = ms_index__decode(d.get_document().get_data());
        const std::string *found = stored_field(stored, name);
        if (found && !found->empty()) {
            label->label = *found;
            label->labelled = true;
        }
    }
    return read;
}

/* The label of 'term' from its public documents when the one its display
 * form came from gave none: the first found. When they are all read and
 * none has one, shown->restricted is set: a viewer's restricted documents
 * may still give it (restricted_label()). What is found here is the same
 * for every viewer, so it may be cached with the display form. */
static void
public_label(const Xapian::Database &db, const std::string &term, const char *name,
             ms_index_facet_display *shown)
{
    Xapian::doccount read = look_for_label(db, term, name, false, shown);
    if (read < LABEL_LOOKS && !shown->labelled) {
        shown->restricted = true;
        shown->publics = read;
    }
}

/* The label of 'term' from the restricted documents this view has, for a
 * value public_label() found none for. Asked on every search (never
 * cached): the answer depends on the viewer. A view whose documents with
 * 'term' are all public (its frequency is their number) is not asked. */
static void
restricted_label(const Xapian::Database &db, const std::string &term, const char *name,
                 ms_index_facet_display *shown)
{
    if (shown->restricted && !shown->labelled && db.get_termfreq(term) > shown->publics)
        look_for_label(db, term, name, true, shown);
}

/* Each value is shown as the reader's cache has it, else as the data of
 * the first document of the index with the value has it, each document
 * read once. A value of a labelled facet
 * takes its label from that document too, or, when it has none, from the
 * first of its others that has one (public_label, restricted_label). */
void
ms_index__display_forms(ms_index_facet_displays &display,
                        const std::vector<ms_index_value_counts> &counts, ms_index_t *idx)
{
    const std::vector<const ms_index_field *> &facets = ms_index__vocabulary().facets;
    ms_index_caches *caches = ms_index__caches(idx);
    std::map<Xapian::docid, std::vector<std::pair<size_t, const std::string *>>> wanted;
    std::unordered_set<std::string> uncached;
    for (size_t f = 0; f < facets.size(); f++) {
        for (const auto &value : counts[f]) {
            /* A year term is the year itself, already as stored. */
            if (facets[f]->schema->source == MS_FIELD_FROM_YEAR) {
                display[f][value.first].shown = value.first;
                continue;
            }
            std::string term = facets[f]->prefix + value.first;
            if (caches) {
                auto hit = caches->facet_display.find(term);
                if (hit != caches->facet_display.end()) {
                    ms_index_facet_display &shown = display[f][value.first];
                    shown = hit->second;
                    if (const char *name = label_field(*facets[f]))
                        restricted_label(*idx->db, term, name, &shown);
                    continue;
                }
            }
            /* A value only restricted documents spell: from the lowest
             * match this viewer sees, not cached. */
            Xapian::docid docid = first_public(*idx->db, term);
            Xapian::docid from = docid ? docid : value.second.first;
            if (!from)
                from = first_public(*idx->db, term, false);
            wanted[from].emplace_back(f, &value.first);
            if (!docid)
                uncached.insert(term);
        }
    }
    for (const auto &doc : wanted) {
        ms_index_stored stored =
            ms_index__decode(idx->db->get_document(doc.first).get_data());
        for (const auto &value : doc.second) {
            const ms_index_field &field = *facets[value.first];
            ms_index_facet_display shown;
            shown.shown = display_value(stored, field, *value.second);
            if (shown.shown.empty())
                shown.shown = *value.second;
            std::string term = field.prefix + *value.second;
            const char *name = label_field(field);
            const std::string *label = name ? stored_field(stored, name) : nullptr;
            if (label && !label->empty()) {
                shown.label = *label;
                shown.labelled = true;
            } else if (name) {
                public_label(*idx->db, term, name, &shown);
            }
            if (caches && !uncached.count(term)) {
                if (caches->facet_display.size() >= MAX_CACHED_DISPLAY)
                    caches->facet_display.clear();
                caches->facet_display[term] = shown;
            }
            if (name)
                restricted_label(*idx->db, term, name, &shown);
            display[value.first][*value.second] = std::move(shown);
        }
    }
}
