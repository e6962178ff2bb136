/* synonyms.cc - the synonym groups a writer stores for the query parser
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning (error.cc).
 *
 * A group's entries are normalised like indexed text, and each key (an
 * entry, and for a single word its stem in every language with a stemmer)
 * gets every form of the group's other entries as synonyms
 * (docs/index-schema.md, "Synonyms"). Only keys that differ are written.
 */
#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "index-handle.hh"
#include "index-synonyms.hh"

/* Longest synonym entry: keeps every synonym key and value well under
 * Xapian's term limit once prefixed. */
#define MAX_SYNONYM_BYTES 200

typedef std::map<std::string, std::set<std::string>> synonym_table;

/* The words of 'text' as TermGenerator splits and folds them for the
 * index, joined by single spaces. The query parser looks synonyms up by
 * the same form: one lower-case word, or the words of a phrase joined by
 * spaces. Empty if 'text' has no words. */
static std::string
normalise_entry(const char *text)
{
    Xapian::Document scratch;
    Xapian::TermGenerator generator;
    generator.set_document(scratch);
    generator.index_text(ms_index__composed(text));
    std::vector<std::pair<Xapian::termpos, std::string>> words;
    for (Xapian::TermIterator t = scratch.termlist_begin(); t != scratch.termlist_end();
         ++t) {
        for (Xapian::PositionIterator p = t.positionlist_begin();
             p != t.positionlist_end(); ++p)
            words.emplace_back(*p, *t);
    }
    std::sort(words.begin(), words.end());
    std::string out;
    for (const auto &word : words) {
        if (!out.empty())
            out += ' ';
        out += word.second;
    }
    return out;
}

/* Every term an entry is looked up by and matches as: its normalised form
 * and, for a single word, its stem in each language with a stemmer.
 * Entries have no language of their own, and the query parser falls back
 * to the stem (in the query's language) when the exact word is not a key,
 * so "remittance" finds the group of "remittances". A phrase is matched
 * only as written: query.cc turns a value with spaces into a phrase. */
static std::vector<std::string>
synonym_forms(const std::string &entry)
{
    std::vector<std::string> forms{entry};
    if (entry.find(' ') != std::string::npos)
        return forms;
    for (size_t i = 0; i < ms_schema_n_languages; i++) {
        if (!ms_schema_languages[i].stemmer)
            continue;
        std::string stem =
            MS_SCHEMA_PREFIX_STEM + ms_index__stemmer(ms_schema_languages[i].code)(entry);
        if (stem.size() > 1 && std::find(forms.begin(), forms.end(), stem) == forms.end())
            forms.push_back(stem);
    }
    return forms;
}

static ms_index_status_t
bad_group(ms_index_t *idx, size_t group, size_t entry, const char *what)
{
    char text[128];
    snprintf(text, sizeof text, "synonym group %zu, entry %zu: %s", group + 1, entry + 1,
             what);
    return ms_index__fail(idx, MS_INDEX_BAD_QUERY, text);
}

/* The forms of every entry of group 'g' into *out, checking each. */
static ms_index_status_t
group_forms(std::vector<std::vector<std::string>> *out, ms_index_t *idx,
            const ms_synonym_group_t &group, size_t g)
{
    if (group.n_terms < 2 || !group.terms)
        return bad_group(idx, g, 0, "a group needs at least two entries");
    for (size_t e = 0; e < group.n_terms; e++) {
        const char *term = group.terms[e];
        if (!term)
            return bad_group(idx, g, e, "entry missing");
        if (strlen(term) > MAX_SYNONYM_BYTES)
            return bad_group(idx, g, e, "entry longer than 200 bytes");
        std::string entry = normalise_entry(term);
        if (entry.empty())
            return bad_group(idx, g, e, "entry has no words");
        out->push_back(synonym_forms(entry));
    }
    return MS_INDEX_OK;
}

/* Check 'groups' and build the key -> synonyms table they stand for. */
static ms_index_status_t
build_synonyms(synonym_table *out, ms_index_t *idx, const ms_synonym_group_t *groups,
               size_t n_groups)
{
    if (n_groups && !groups)
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "synonym groups missing");
    for (size_t g = 0; g < n_groups; g++) {
        std::vector<std::vector<std::string>> forms;
        ms_index_status_t status = group_forms(&forms, idx, groups[g], g);
        if (status != MS_INDEX_OK)
            return status;
        for (size_t e = 0; e < forms.size(); e++) {
            for (const std::string &key : forms[e]) {
                std::set<std::string> &values = (*out)[key];
                for (size_t other = 0; other < forms.size(); other++) {
                    if (other != e)
                        values.insert(forms[other].begin(), forms[other].end());
                }
                /* A key never needs itself: the query already has it. */
                values.erase(key);
            }
        }
    }
    /* Two spellings of one entry in a group can leave a key with nothing. */
    for (auto it = out->begin(); it != out->end();) {
        if (it->second.empty())
            it = out->erase(it);
        else
            ++it;
    }
    return MS_INDEX_OK;
}

/* The synonym table of 'db', every key with its values. */
static synonym_table
read_synonyms(const Xapian::Database &db)
{
    synonym_table table;
    for (Xapian::TermIterator k = db.synonym_keys_begin(); k != db.synonym_keys_end();
         ++k) {
        std::set<std::string> &values = table[*k];
        for (Xapian::TermIterator v = db.synonyms_begin(*k); v != db.synonyms_end(*k);
             ++v)
            values.insert(*v);
    }
    return table;
}

/* Bring the index's synonym table to 'wanted', touching only keys that
 * differ. */
static void
write_synonyms(ms_index_t *idx, const synonym_table &wanted)
{
    Xapian::WritableDatabase *db = idx->writer;
    synonym_table current = read_synonyms(*db);
    std::vector<std::string> stale;
    for (const auto &entry : current) {
        auto it = wanted.find(entry.first);
        if (it == wanted.end() || it->second != entry.second)
            stale.push_back(entry.first);
    }
    for (const std::string &key : stale) {
        ms_index__ensure_transaction(idx);
        db->clear_synonyms(key);
    }
    for (const auto &entry : wanted) {
        auto it = current.find(entry.first);
        if (it != current.end() && it->second == entry.second)
            continue;
        ms_index__ensure_transaction(idx);
        for (const std::string &value : entry.second)
            db->add_synonym(entry.first, value);
    }
}

/* The entries of several words in 'table', keys and values. */
static std::set<std::string>
phrase_entries(const synonym_table &table)
{
    std::set<std::string> out;
    for (const auto &entry : table) {
        if (entry.first.find(' ') != std::string::npos)
            out.insert(entry.first);
        for (const std::string &value : entry.second)
            if (value.find(' ') != std::string::npos)
                out.insert(value);
    }
    return out;
}

std::set<std::string>
ms_index__synonym_phrases(const Xapian::Database &db)
{
    return phrase_entries(read_synonyms(db));
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_set_synonyms(ms_index_t *idx, const ms_synonym_group_t *groups,
                      size_t n_groups) noexcept
{
    assert(idx);
    return ms_index__call_writer(idx, [&] {
        synonym_table wanted;
        ms_index_status_t status = build_synonyms(&wanted, idx, groups, n_groups);
        if (status == MS_INDEX_OK) {
            write_synonyms(idx, wanted);
            /* The writer reads its synonym phrases again at its next put
             * (phrases.cc). Every handle was made by ms_index_open(). */
            static_cast<ms_index_handle *>(idx)->phrases_known = false;
        }
        return status;
    });
}
