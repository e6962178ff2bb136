/* document.cc - adding, replacing, deleting and fetching documents
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning (error.cc).
 *
 * The layout written here is the one docs/index-schema.md describes: the
 * id term, the text, one boolean term per value of each field of
 * ms_schema.h that has a term prefix, the date value and the facet value;
 * the document data is record.cc's. Each document goes into the
 * partition of its access set (partition.cc).
 *
 * Text is indexed with the stemmer of the document's language under
 * Xapian's STEM_SOME, which writes both the Z-prefixed stem and the exact
 * word, so a query in another language can still match the exact word.
 * CJK text is always split into n-grams: Chinese has no spaces between
 * words, and a document's language field is often missing or wrong.
 * The values of the fields marked MS_FIELD_TEXT are words of the document
 * too (index_tag_words()).
 */
#include <cassert>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "index-added.hh"
#include "index-partition.hh"
#include "index-phrases.hh"
#include "index-profile.hh"
#include "index-private.hh"
#include "ms_date.h"

/* The document that has the term 'id_term', or 0 if none; *only is false
 * when more than one has it (an index damaged by hand). */
static Xapian::docid
find_document(ms_index_t *idx, const std::string &id_term, bool *only)
{
    Xapian::PostingIterator it = idx->writer->postlist_begin(id_term);
    *only = true;
    if (it == idx->writer->postlist_end(id_term))
        return 0;
    Xapian::docid did = *it;
    *only = ++it == idx->writer->postlist_end(id_term);
    return did;
}

/* Check 'doc' against the rules of ms_index_put(), with the date as the
 * YYYYMMDD value into *date ("" for an undated document). */
static ms_index_status_t
check_document(ms_index_t *idx, const ms_document_t *doc, std::string *date)
{
    if (!doc->id || ms_schema_id_check(doc->id))
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "invalid document id");
    if (doc->date) {
        ms_date_t parsed;
        char key[9];
        if (!ms_date_parse(&parsed, doc->date))
            return ms_index__fail(idx, MS_INDEX_BAD_QUERY,
                                  "invalid date (expected YYYY, YYYY-MM or YYYY-MM-DD)");
        ms_date_key(key, &parsed, MS_DATE_FIRST);
        *date = key;
    }
    if (doc->n_fields && !doc->fields)
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "fields missing");
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (!doc->fields[i].name || !doc->fields[i].name[0] || !doc->fields[i].value)
            return ms_index__fail(idx, MS_INDEX_BAD_QUERY,
                                  "field without a name or value");
    }
    return MS_INDEX_OK;
}

/* The title and body of 'doc' as positional terms of 'xdoc'. */
static void
index_text(Xapian::Document &xdoc, const ms_document_t *doc)
{
    Xapian::TermGenerator generator;
    generator.set_stemmer(ms_index__stemmer(doc->language));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    /* The spelling words are counted from the finished document instead
     * of FLAG_SPELLING: see ms_index__spelling_count(). */
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    generator.set_document(xdoc);
    if (doc->title) {
        generator.index_text(doc->title, 1, MS_SCHEMA_PREFIX_TITLE);
        /* The gaps keep phrases from matching across title and body. */
        generator.increase_termpos(100);
        generator.index_text(doc->title, 3);
        generator.increase_termpos(100);
    }
    if (doc->body)
        generator.index_text(doc->body);
}

/* The stemmer for the tag value 'value' of a document in 'language': the
 * document's own when it writes the value's script, else the first
 * language of the table that does (English for a Latin name in a Russian
 * or Arabic document: tag values are English names whatever the
 * document's language, tests/data/ARCHIVE.md). One stemmer per value, so
 * that a tag word weighs one word however many languages a query is
 * stemmed in (multilingual.cc). */
static Xapian::Stem
tag_stemmer(const char *value, const char *language)
{
    ms_schema_script_t script = ms_schema_script(value, strlen(value));
    const ms_schema_language_t *own = language ? ms_schema_language(language) : nullptr;
    if (own && own->stemmer && own->script == script)
        return ms_index__stemmer(own->code);
    for (size_t i = 0; i < ms_schema_n_languages; i++) {
        if (ms_schema_languages[i].stemmer && ms_schema_languages[i].script == script)
            return ms_index__stemmer(ms_schema_languages[i].code);
    }
    return Xapian::Stem();
}

/* The words of the values of 'doc''s MS_FIELD_TEXT fields (theme, country)
 * as unpositioned terms of 'xdoc', each once per value like a
 * word of the body (a title word counts three times): a query word that
 * is a tag finds the document that has the tag ("remittances" with
 * process=Issyk-Kul Dialogue finds the recommendation tagged
 * remittances). Words of other languages reach them through the
 * synonyms. */
static void
index_tag_words(Xapian::Document &xdoc, const ms_document_t *doc)
{
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ms_field_t &value = doc->fields[i];
        const ms_index_field *field = ms_index__field(value.name, MS_INDEX_FOR_DOCUMENT);
        if (!field || !(field->schema->flags & MS_FIELD_TEXT) || !value.value[0])
            continue;
        Xapian::TermGenerator generator;
        generator.set_stemmer(tag_stemmer(value.value, doc->language));
        generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
        generator.set_document(xdoc);
        generator.index_text_without_positions(value.value);
    }
}

/* The boolean terms of every field of the vocabulary that 'doc' has a
 * value of, and the date value 'date' (YYYYMMDD, or ""). */
static void
add_field_terms(Xapian::Document &xdoc, const ms_document_t *doc, const std::string &date)
{
    if (!date.empty())
        xdoc.add_value(MS_INDEX_SLOT_DATE, date);
    for (const ms_index_field &field : ms_index__vocabulary().indexed) {
        if (field.schema->source == MS_FIELD_FROM_LANGUAGE && doc->language &&
            doc->language[0])
            xdoc.add_boolean_term(ms_index__boolean_term(field.prefix, doc->language));
        else if (field.schema->source == MS_FIELD_FROM_YEAR && !date.empty())
            xdoc.add_boolean_term(
                ms_index__boolean_term(field.prefix, date.substr(0, 4)));
    }
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ms_field_t &value = doc->fields[i];
        const ms_index_field *field = ms_index__field(value.name, MS_INDEX_FOR_DOCUMENT);
        if (!field || !value.value[0])
            continue;
        xdoc.add_boolean_term(ms_index__boolean_term(field->prefix, value.value));
        /* The marker that makes ms_index__visible() cheap: restricted
         * documents have it, public ones have no access term at all. */
        if (field->access)
            xdoc.add_boolean_term(MS_SCHEMA_TERM_RESTRICTED);
    }
}

/* The facet terms again, in one value, for facets.cc: reading a value of
 * each match is far cheaper than reading its term list. Terms come out of
 * the document in byte order and once each. */
static void
add_facet_value(Xapian::Document &xdoc)
{
    std::string facet_terms;
    for (Xapian::TermIterator t = xdoc.termlist_begin(); t != xdoc.termlist_end(); ++t) {
        const std::string &term = *t;
        if (ms_index__is_facet_term(term) && term.size() <= 255) {
            facet_terms += static_cast<char>(term.size());
            facet_terms += term;
        }
    }
    if (!facet_terms.empty())
        xdoc.add_value(MS_INDEX_SLOT_FACETS, facet_terms);
}

/* While alive, the writer's active partition may change; at its end the
 * public one is active again, where the metadata and synonyms go. */
class activating
{
  public:
    explicit activating(ms_index_t *idx) : handle_(static_cast<ms_index_handle *>(idx))
    {
    }
    ~activating()
    {
        ms_index__part_activate(handle_, &ms_index__part_public(handle_));
    }
    activating(const activating &) = delete;
    activating &operator=(const activating &) = delete;

    void operator()(ms_index_part &part)
    {
        ms_index__part_activate(handle_, &part);
    }

  private:
    ms_index_handle *handle_;
};

/* Take every document with 'id_term' out of the active partition, and
 * their words out of its spelling dictionary. */
static void
remove_from_active(ms_index_t *idx, const std::string &id_term)
{
    ms_index__ensure_transaction(idx);
    if (idx->spelling) {
        bool only;
        Xapian::docid did = find_document(idx, id_term, &only);
        if (did)
            ms_index__spelling_remove(idx, did);
    }
    idx->writer->delete_document(id_term);
}

/* Write 'doc' into the active partition; 'added' is the first-indexed
 * time it had in another partition, or "". */
static void
put_in_active(ms_index_t *idx, const ms_document_t *doc, const std::string &id_term,
              const std::string &date, const std::string &added)
{
    ms_index_profile_t &profile = ms_index__profile(idx);
    /* Taking the old words out of the dictionary writes: the transaction
     * must be open first. */
    ms_index__ensure_transaction(idx);
    /* One look-up of the id serves the spelling and the write: each one
     * makes a glass writer flush its buffered positions. */
    bool only;
    Xapian::docid existing;
    {
        ms_index_timer timer(profile.inversion);
        existing = find_document(idx, id_term, &only);
    }
    if (idx->spelling && existing) {
        ms_index_timer timer(profile.spelling);
        ms_index__spelling_remove(idx, existing);
    }

    Xapian::Document xdoc;
    {
        ms_index_timer timer(profile.terms);
        index_text(xdoc, doc);
        index_tag_words(xdoc, doc);
        xdoc.add_boolean_term(id_term);
        xdoc.add_value(MS_INDEX_SLOT_ID, doc->id);
        add_field_terms(xdoc, doc, date);
        add_facet_value(xdoc);
        ms_index__phrases_put(idx, xdoc);
        xdoc.add_value(MS_INDEX_SLOT_ADDED,
                       added.empty() ? ms_index__added_value(idx, existing, id_term)
                                     : added);
        xdoc.set_data(ms_index__encode(doc));
    }
    {
        ms_index_timer timer(profile.inversion);
        if (!existing)
            idx->writer->add_document(xdoc);
        else if (only)
            idx->writer->replace_document(existing, xdoc);
        else
            idx->writer->replace_document(id_term, xdoc); /* and drop the others */
    }
    if (idx->spelling) {
        ms_index_timer timer(profile.spelling);
        ms_index__spelling_count(idx, xdoc);
    }
}

/* A document with its title, text and field values composed
 * (compose.cc): what is indexed and stored. The strings that changed are
 * held here; the others are the caller's. */
class composed_document
{
  public:
    explicit composed_document(const ms_document_t *doc)
        : doc_(*doc), fields_(doc->fields, doc->fields + doc->n_fields)
    {
        doc_.title = composed(doc->title);
        doc_.body = composed(doc->body);
        for (ms_field_t &field : fields_)
            field.value = composed(field.value);
        doc_.fields = fields_.data();
    }
    const ms_document_t *get() const
    {
        return &doc_;
    }

  private:
    const char *composed(const char *text)
    {
        std::string out;
        if (!text || !ms_index__compose(&out, text, strlen(text)))
            return text;
        held_.push_back(std::move(out)); /* a deque: earlier ones stay put */
        return held_.back().c_str();
    }

    ms_document_t doc_;
    std::vector<ms_field_t> fields_;
    std::deque<std::string> held_;
};

/* Put 'given' into the partition of its access set, taking it out of the
 * one that held it if its access set changed (keeping the time it was
 * first indexed). */
static ms_index_status_t
put_document(ms_index_t *idx, const ms_document_t *given)
{
    composed_document composed(given);
    const ms_document_t *doc = composed.get();
    std::string date;
    ms_index_status_t status = check_document(idx, doc, &date);
    if (status != MS_INDEX_OK)
        return status;

    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    std::string id_term = MS_SCHEMA_PREFIX_ID + std::string(doc->id);
    activating activate(idx);
    ms_index_part &target =
        ms_index__part_for(handle, ms_index__access_set(doc), doc->id);
    std::string added;
    for (auto &entry : handle->parts) {
        ms_index_part &part = *entry.second;
        if (&part == &target || !part.writer->term_exists(id_term))
            continue;
        activate(part);
        bool only;
        if (added.empty())
            added = idx->writer->get_document(find_document(idx, id_term, &only))
                        .get_value(MS_INDEX_SLOT_ADDED);
        remove_from_active(idx, id_term);
    }
    activate(target);
    put_in_active(idx, doc, id_term, date, added);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_put(ms_index_t *idx, const ms_document_t *doc) noexcept
{
    assert(idx && doc);
    return ms_index__call_writer(idx, [&] { return put_document(idx, doc); });
}

static ms_index_status_t
delete_document(ms_index_t *idx, const char *id)
{
    /* An id no document can have is not looked up: that also keeps
     * over-long terms away from Xapian. */
    std::string id_term = MS_SCHEMA_PREFIX_ID + std::string(id ? id : "");
    if (!ms_index__possible_id(id))
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no document with this id");
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    activating activate(idx);
    bool found = false;
    for (auto &entry : handle->parts) {
        if (!entry.second->writer->term_exists(id_term))
            continue;
        activate(*entry.second);
        remove_from_active(idx, id_term);
        found = true;
    }
    if (!found)
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no document with this id");
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_delete(ms_index_t *idx, const char *id) noexcept
{
    assert(idx);
    return ms_index__call_writer(idx, [&] { return delete_document(idx, id); });
}

static ms_index_status_t
get_document(ms_document_t **out, ms_index_t *idx, const char *id)
{
    if (!ms_index__possible_id(id))
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no document with this id");
    std::string term = MS_SCHEMA_PREFIX_ID + std::string(id);
    Xapian::PostingIterator it = idx->db->postlist_begin(term);
    if (it == idx->db->postlist_end(term))
        return ms_index__fail(idx, MS_INDEX_NOT_FOUND, "no document with this id");
    Xapian::Document xdoc = idx->db->get_document(*it);
    *out = ms_index__document_new(ms_index__decode(xdoc.get_data()));
    ms_index__added_fill(*out, xdoc);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_get(ms_document_t **out, ms_index_t *idx, const char *id) noexcept
{
    return ms_index__call_out(out, idx, [&] { return get_document(out, idx, id); });
}
