/* document.cc - adding, replacing, deleting and fetching documents
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning.
 *
 * The layout written here is the one docs/index-schema.md describes. The
 * document data is a small length-prefixed record (see encode()), so any
 * byte of any field survives the round trip and a damaged record is
 * detected rather than read past its end.
 *
 * Text is indexed with the stemmer of the document's language under
 * Xapian's STEM_SOME, which writes both the Z-prefixed stem and the exact
 * word, so a query in another language can still match the exact word.
 * CJK text is always split into n-grams: Chinese has no spaces between
 * words, and a document's language field is often missing or wrong.
 */
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>

#include "index-private.hh"

/* First byte of the document data: the record format. */
#define DATA_FORMAT '\x01'

#define MAX_ID_BYTES 200

/* Longest synonym entry: keeps every synonym key and value well under
 * Xapian's term limit once prefixed. */
#define MAX_SYNONYM_BYTES 200

/* The languages whose stems become synonym keys and values; see
 * synonym_forms(). */
static const char *const STEM_LANGUAGES[] = {"en", "fr", "es", "ru", "ar"};

const char *
ms_index__field_prefix(const char *name, bool filter)
{
    if (strcmp(name, "access") == 0)
        return MS_INDEX_PREFIX_ACCESS;
    return ms_index__prefix_for(name, filter);
}

static void
put_varint(std::string &out, uint64_t n)
{
    while (n >= 0x80) {
        out += static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    out += static_cast<char>(n);
}

/* A string that may be absent is stored as length + 1, absent as 0. */
static void
put_optional(std::string &out, const char *text)
{
    if (!text) {
        put_varint(out, 0);
        return;
    }
    size_t n = strlen(text);
    put_varint(out, static_cast<uint64_t>(n) + 1);
    out.append(text, n);
}

static std::string
encode(const ms_document_t *doc)
{
    std::string out(1, DATA_FORMAT);
    put_optional(out, doc->id);
    put_optional(out, doc->title);
    put_optional(out, doc->body);
    put_optional(out, doc->language);
    put_optional(out, doc->date);
    put_varint(out, doc->n_fields);
    for (size_t i = 0; i < doc->n_fields; i++) {
        put_optional(out, doc->fields[i].name);
        put_optional(out, doc->fields[i].value);
    }
    return out;
}

namespace
{

/* Reads the record written by encode(); every read is bounds-checked. */
class Reader
{
  public:
    explicit Reader(const std::string &data) : data_(data)
    {
    }

    uint64_t varint()
    {
        uint64_t n = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (pos_ >= data_.size())
                corrupt();
            unsigned char c = static_cast<unsigned char>(data_[pos_++]);
            n |= static_cast<uint64_t>(c & 0x7f) << shift;
            if (!(c & 0x80))
                return n;
        }
        corrupt();
    }

    bool optional(std::string &out)
    {
        uint64_t n = varint();
        if (n == 0)
            return false;
        n--;
        if (n > data_.size() - pos_)
            corrupt();
        out.assign(data_, pos_, n);
        pos_ += n;
        return true;
    }

    void required(std::string &out)
    {
        if (!optional(out))
            corrupt();
    }

    size_t remaining() const
    {
        return data_.size() - pos_;
    }

    [[noreturn]] static void corrupt()
    {
        throw Xapian::DatabaseCorruptError("malformed document data");
    }

  private:
    const std::string &data_;
    size_t pos_ = 1; /* after the format byte */
};

} /* namespace */

ms_index_stored
ms_index__decode(const std::string &data)
{
    if (data.empty() || data[0] != DATA_FORMAT)
        Reader::corrupt();
    Reader reader(data);
    ms_index_stored stored;
    reader.required(stored.id);
    stored.has_title = reader.optional(stored.title);
    stored.has_body = reader.optional(stored.body);
    stored.has_language = reader.optional(stored.language);
    stored.has_date = reader.optional(stored.date);
    uint64_t n = reader.varint();
    /* Each field takes at least two bytes: refuse counts that cannot fit
     * before reserving memory for them. */
    if (n > reader.remaining() / 2)
        Reader::corrupt();
    stored.fields.resize(n);
    for (auto &field : stored.fields) {
        reader.required(field.first);
        reader.required(field.second);
    }
    if (reader.remaining() != 0)
        Reader::corrupt();
    return stored;
}

void
ms_index__document_clear(ms_document_t *doc) noexcept
{
    /* The const in ms_document_t is for callers; these strings are ours. */
    free(const_cast<char *>(doc->id));
    free(const_cast<char *>(doc->title));
    free(const_cast<char *>(doc->body));
    free(const_cast<char *>(doc->language));
    free(const_cast<char *>(doc->date));
    for (size_t i = 0; i < doc->n_fields; i++) {
        free(const_cast<char *>(doc->fields[i].name));
        free(const_cast<char *>(doc->fields[i].value));
    }
    free(const_cast<ms_field_t *>(doc->fields));
    memset(doc, 0, sizeof *doc);
}

void
ms_index__document_fill(ms_document_t *out, const ms_index_stored &stored, bool with_body)
{
    out->id = ms_index__strdup(stored.id);
    if (stored.has_title)
        out->title = ms_index__strdup(stored.title);
    if (with_body && stored.has_body)
        out->body = ms_index__strdup(stored.body);
    if (stored.has_language)
        out->language = ms_index__strdup(stored.language);
    if (stored.has_date)
        out->date = ms_index__strdup(stored.date);
    if (stored.fields.empty())
        return;
    ms_field_t *fields =
        static_cast<ms_field_t *>(calloc(stored.fields.size(), sizeof *fields));
    if (!fields)
        throw std::bad_alloc();
    /* Publish the zeroed array first so a failure below frees what exists. */
    out->fields = fields;
    out->n_fields = stored.fields.size();
    for (size_t i = 0; i < stored.fields.size(); i++) {
        fields[i].name = ms_index__strdup(stored.fields[i].first);
        fields[i].value = ms_index__strdup(stored.fields[i].second);
    }
}

size_t
ms_index__utf8_next(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the NUL */
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static bool
is_space_or_control(uint32_t c)
{
    return c < 0x21 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* An id becomes the unique term, a URL path segment in the server and a
 * file-name-like key in the indexer's logs, hence the narrow alphabet. */
static bool
valid_id(const char *id)
{
    if (!id)
        return false;
    size_t n = strlen(id);
    if (n == 0 || n > MAX_ID_BYTES)
        return false;
    const unsigned char *s = reinterpret_cast<const unsigned char *>(id);
    while (*s) {
        uint32_t c;
        size_t len = ms_index__utf8_next(s, &c);
        if (len == 0 || c == '/' || is_space_or_control(c))
            return false;
        s += len;
    }
    return true;
}

static bool
two_digits_in(const char *s, int low, int high)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= low && v <= high;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" to the YYYYMMDD value, or "" if the
 * date has another shape. */
static std::string
date_value(const char *date)
{
    for (int i = 0; i < 4; i++) {
        if (date[i] < '0' || date[i] > '9')
            return "";
    }
    std::string value(date, 4);
    if (date[4] == '\0')
        return value + "0000";
    if (date[4] != '-' || !two_digits_in(date + 5, 1, 12))
        return "";
    value.append(date + 5, 2);
    if (date[7] == '\0')
        return value + "00";
    if (date[7] != '-' || !two_digits_in(date + 8, 1, 31) || date[10] != '\0')
        return "";
    value.append(date + 8, 2);
    return value;
}

static ms_index_status_t
bad_document(ms_index_t *idx, const char *text)
{
    ms_index__set_message(idx->message, sizeof idx->message, text);
    return MS_INDEX_BAD_QUERY;
}

static ms_index_status_t
read_only(ms_index_t *idx)
{
    ms_index__set_message(idx->message, sizeof idx->message, "index is open read-only");
    return MS_INDEX_INTERNAL;
}

/* Resume the writer's transaction if a failed commit ended it, so close
 * still discards what follows. */
static void
ensure_transaction(ms_index_t *idx)
{
    if (!idx->in_transaction) {
        idx->writer->begin_transaction(true);
        idx->in_transaction = true;
    }
}

/* The words TermGenerator adds to the spelling dictionary when it indexes
 * 'title' and 'body' as put_document() does: each unprefixed word once
 * per occurrence (the title's wdf of 3 does not count, CJK bigrams do).
 * They come back as the terms of a scratch document, count as wdf. */
static Xapian::Document
spelling_words(const ms_index_stored &stored)
{
    Xapian::Document words;
    Xapian::TermGenerator generator;
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    generator.set_document(words);
    if (stored.has_title)
        generator.index_text(stored.title);
    if (stored.has_body)
        generator.index_text(stored.body);
    return words;
}

/* Xapian never takes a replaced or deleted document's words out of the
 * spelling dictionary itself; without this, words of documents long gone
 * would still be offered as corrections.
 *
 * The words may still be pending (ms_index__spelling_pending). Taking a
 * count r off a word with p pending occurrences gives what adding the p
 * and then removing the r would give: p - r stay pending if p >= r, else
 * r - p go from the dictionary, which Xapian floors at zero as it would
 * have floored (stored + p) - r. */
static void
remove_spelling_of_document(ms_index_t *idx, Xapian::docid did)
{
    ms_index_stored stored = ms_index__decode(idx->writer->get_document(did).get_data());
    Xapian::Document words = spelling_words(stored);
    ms_index_spelling_pending &pending = ms_index__spelling_pending(idx);
    for (Xapian::TermIterator t = words.termlist_begin(); t != words.termlist_end();
         ++t) {
        Xapian::termcount remove = t.get_wdf();
        auto found = pending.find(*t);
        if (found != pending.end()) {
            Xapian::termcount held = std::min(found->second, remove);
            found->second -= held;
            remove -= held;
        }
        if (remove > 0)
            idx->writer->remove_spelling(*t, remove);
    }
}

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

static void
remove_spelling_of(ms_index_t *idx, const std::string &id_term)
{
    bool only;
    Xapian::docid did = find_document(idx, id_term, &only);
    if (did)
        remove_spelling_of_document(idx, did);
}

/* Count the spelling words of 'xdoc', just made by put_document(), into
 * the writer's pending words: the words TermGenerator's FLAG_SPELLING
 * would have added one add_spelling() an occurrence, which costs a map
 * lookup and often a B-tree lookup each. Added at the commit, once a word,
 * they give the same dictionary (Xapian sums the counts).
 *
 * Those words are the unprefixed terms (prefixes are upper case, and the
 * generator lower-cases words). Each occurrence of a word has a position,
 * except CJK bigrams, which TermGenerator indexes without positions: a
 * bigram's occurrences are its wdf less twice the wdf of its S term, as
 * the title gives it wdf 3 unprefixed and 1 under S, the body wdf 1. */
static void
count_spelling_words(ms_index_t *idx, const Xapian::Document &xdoc)
{
    ms_index_spelling_pending &pending = ms_index__spelling_pending(idx);
    for (Xapian::TermIterator t = xdoc.termlist_begin(); t != xdoc.termlist_end(); ++t) {
        const std::string &term = *t;
        if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z'))
            continue;
        Xapian::termcount occurrences = t.positionlist_count();
        if (occurrences == 0) {
            Xapian::termcount title = 0;
            Xapian::TermIterator s = xdoc.termlist_begin();
            s.skip_to("S" + term);
            if (s != xdoc.termlist_end() && *s == "S" + term)
                title = s.get_wdf();
            Xapian::termcount wdf = t.get_wdf();
            occurrences = wdf > 2 * title ? wdf - 2 * title : 0;
        }
        if (occurrences > 0)
            pending[term] += occurrences;
    }
}

static ms_index_status_t
put_document(ms_index_t *idx, const ms_document_t *doc)
{
    if (!valid_id(doc->id))
        return bad_document(idx, "invalid document id");
    std::string date;
    if (doc->date) {
        date = date_value(doc->date);
        if (date.empty())
            return bad_document(idx,
                                "invalid date (expected YYYY, YYYY-MM or YYYY-MM-DD)");
    }
    if (doc->n_fields && !doc->fields)
        return bad_document(idx, "fields missing");
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (!doc->fields[i].name || !doc->fields[i].name[0] || !doc->fields[i].value)
            return bad_document(idx, "field without a name or value");
    }

    /* Taking the old words out of the dictionary writes: the transaction
     * must be open first. */
    ensure_transaction(idx);
    std::string id_term = "Q" + std::string(doc->id);
    /* One look-up of the id serves the spelling and the write: each one
     * makes a glass writer flush its buffered positions. */
    bool only;
    Xapian::docid existing = find_document(idx, id_term, &only);
    if (idx->spelling && existing)
        remove_spelling_of_document(idx, existing);

    Xapian::Document xdoc;
    Xapian::TermGenerator generator;
    generator.set_stemmer(ms_index__stemmer(doc->language));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    /* The spelling words are counted from the finished document instead
     * of FLAG_SPELLING: see count_spelling_words(). */
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    generator.set_document(xdoc);
    if (doc->title) {
        generator.index_text(doc->title, 1, "S");
        /* The gaps keep phrases from matching across title and body. */
        generator.increase_termpos(100);
        generator.index_text(doc->title, 3);
        generator.increase_termpos(100);
    }
    if (doc->body)
        generator.index_text(doc->body);

    xdoc.add_boolean_term(id_term);
    if (doc->language && doc->language[0])
        xdoc.add_boolean_term(ms_index__boolean_term("L", doc->language));
    if (!date.empty()) {
        xdoc.add_value(MS_INDEX_SLOT_DATE, date);
        xdoc.add_boolean_term("Y" + date.substr(0, 4));
    }
    for (size_t i = 0; i < doc->n_fields; i++) {
        const char *prefix = ms_index__field_prefix(doc->fields[i].name, false);
        if (prefix && doc->fields[i].value[0]) {
            std::string term = ms_index__boolean_term(prefix, doc->fields[i].value);
            xdoc.add_boolean_term(term);
            /* The marker that makes ms_index__visible() cheap: restricted
             * documents are "XR", public ones have no access term at all. */
            if (strcmp(prefix, MS_INDEX_PREFIX_ACCESS) == 0)
                xdoc.add_boolean_term(MS_INDEX_TERM_RESTRICTED);
        }
    }
    /* The facet terms again, in one value, for facets.cc: reading a value
     * of each match is far cheaper than reading its term list. Terms come
     * out of the document in byte order and once each. */
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
    xdoc.set_data(encode(doc));
    if (!existing)
        idx->writer->add_document(xdoc);
    else if (only)
        idx->writer->replace_document(existing, xdoc);
    else
        idx->writer->replace_document(id_term, xdoc); /* and drop the others */
    if (idx->spelling)
        count_spelling_words(idx, xdoc);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_put(ms_index_t *idx, const ms_document_t *doc) noexcept
{
    ms_index_status_t status;

    try {
        assert(idx && doc);
        idx->message[0] = '\0';
        if (!idx->writer)
            status = read_only(idx);
        else
            status = put_document(idx, doc);
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_delete(ms_index_t *idx, const char *id) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx);
        idx->message[0] = '\0';
        if (!idx->writer) {
            status = read_only(idx);
            goto out;
        }
        /* An id put would refuse cannot be in the index; checking first
         * also keeps over-long terms away from Xapian. */
        if (!valid_id(id) || !idx->writer->term_exists("Q" + std::string(id))) {
            status = MS_INDEX_NOT_FOUND;
            ms_index__set_message(idx->message, sizeof idx->message,
                                  "no document with this id");
            goto out;
        }
        ensure_transaction(idx);
        if (idx->spelling)
            remove_spelling_of(idx, "Q" + std::string(id));
        idx->writer->delete_document("Q" + std::string(id));
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    return status;
}

static void
free_document(ms_document_t *doc) noexcept
{
    if (!doc)
        return;
    ms_index__document_clear(doc);
    free(doc);
}

static ms_index_status_t
get_document(ms_document_t **out, ms_index_t *idx, const char *id)
{
    if (!valid_id(id)) {
        ms_index__set_message(idx->message, sizeof idx->message,
                              "no document with this id");
        return MS_INDEX_NOT_FOUND;
    }
    std::string term = "Q" + std::string(id);
    Xapian::PostingIterator it = idx->db->postlist_begin(term);
    if (it == idx->db->postlist_end(term)) {
        ms_index__set_message(idx->message, sizeof idx->message,
                              "no document with this id");
        return MS_INDEX_NOT_FOUND;
    }
    ms_index_stored stored = ms_index__decode(idx->db->get_document(*it).get_data());

    std::unique_ptr<ms_document_t, void (*)(ms_document_t *)> doc(
        static_cast<ms_document_t *>(calloc(1, sizeof(ms_document_t))), free_document);
    if (!doc)
        throw std::bad_alloc();
    ms_index__document_fill(doc.get(), stored, true);
    *out = doc.release();
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_get(ms_document_t **out, ms_index_t *idx, const char *id) noexcept
{
    ms_index_status_t status;

    try {
        assert(out && idx);
        *out = nullptr;
        idx->message[0] = '\0';
        status = ms_index__retry(idx, [&] { return get_document(out, idx, id); });
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT void
ms_document_free(ms_document_t *doc) noexcept
{
    free_document(doc);
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_set_spelling(ms_index_t *idx, bool enabled) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx);
        idx->message[0] = '\0';
        if (!idx->writer) {
            status = read_only(idx);
            goto out;
        }
        idx->spelling = enabled;
        if (!enabled) {
            ms_index__spelling_pending(idx).clear();
            /* Empty the dictionary so that turning the option off also
             * stops the suggestions. Collect first: the iterator need not
             * survive changes to what it walks. */
            std::vector<std::pair<std::string, Xapian::termcount>> words;
            for (Xapian::TermIterator it = idx->writer->spellings_begin();
                 it != idx->writer->spellings_end(); ++it)
                words.emplace_back(*it, it.get_termfreq());
            if (!words.empty())
                ensure_transaction(idx);
            for (const auto &word : words)
                idx->writer->remove_spelling(word.first, word.second);
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    return status;
}

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
    generator.index_text(text);
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
 * and, for a single word, its Z-stem in each supported language. Entries
 * have no language of their own, and the query parser falls back to the
 * stem (in the query's language) when the exact word is not a key, so
 * "remittance" finds the group of "remittances". A phrase is matched only
 * as written: search.cc turns a value with spaces into a phrase query. */
static std::vector<std::string>
synonym_forms(const std::string &entry)
{
    std::vector<std::string> forms{entry};
    if (entry.find(' ') != std::string::npos)
        return forms;
    for (const char *language : STEM_LANGUAGES) {
        std::string stem = "Z" + ms_index__stemmer(language)(entry);
        if (stem.size() > 1 && std::find(forms.begin(), forms.end(), stem) == forms.end())
            forms.push_back(stem);
    }
    return forms;
}

typedef std::map<std::string, std::set<std::string>> synonym_table;

static ms_index_status_t
bad_group(ms_index_t *idx, size_t group, size_t entry, const char *what)
{
    char text[128];
    snprintf(text, sizeof text, "synonym group %zu, entry %zu: %s", group + 1, entry + 1,
             what);
    return bad_document(idx, text);
}

/* Check 'groups' and build the key -> synonyms table they stand for. */
static ms_index_status_t
build_synonyms(synonym_table *out, ms_index_t *idx, const ms_synonym_group_t *groups,
               size_t n_groups)
{
    if (n_groups && !groups)
        return bad_document(idx, "synonym groups missing");
    for (size_t g = 0; g < n_groups; g++) {
        if (groups[g].n_terms < 2 || !groups[g].terms)
            return bad_group(idx, g, 0, "a group needs at least two entries");
        std::vector<std::vector<std::string>> forms;
        for (size_t e = 0; e < groups[g].n_terms; e++) {
            const char *term = groups[g].terms[e];
            if (!term)
                return bad_group(idx, g, e, "entry missing");
            if (strlen(term) > MAX_SYNONYM_BYTES)
                return bad_group(idx, g, e, "entry longer than 200 bytes");
            std::string entry = normalise_entry(term);
            if (entry.empty())
                return bad_group(idx, g, e, "entry has no words");
            forms.push_back(synonym_forms(entry));
        }
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

/* Bring the index's synonym table to 'wanted', touching only keys that
 * differ. */
static void
write_synonyms(ms_index_t *idx, const synonym_table &wanted)
{
    Xapian::WritableDatabase *db = idx->writer;
    std::vector<std::string> stale;
    synonym_table current;
    for (Xapian::TermIterator k = db->synonym_keys_begin(); k != db->synonym_keys_end();
         ++k) {
        std::set<std::string> &values = current[*k];
        for (Xapian::TermIterator v = db->synonyms_begin(*k); v != db->synonyms_end(*k);
             ++v)
            values.insert(*v);
    }
    for (const auto &entry : current) {
        auto it = wanted.find(entry.first);
        if (it == wanted.end() || it->second != entry.second)
            stale.push_back(entry.first);
    }
    bool changed = false;
    for (const std::string &key : stale) {
        if (!changed)
            ensure_transaction(idx);
        changed = true;
        db->clear_synonyms(key);
    }
    for (const auto &entry : wanted) {
        auto it = current.find(entry.first);
        if (it != current.end() && it->second == entry.second)
            continue;
        if (!changed)
            ensure_transaction(idx);
        changed = true;
        for (const std::string &value : entry.second)
            db->add_synonym(entry.first, value);
    }
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_set_synonyms(ms_index_t *idx, const ms_synonym_group_t *groups,
                      size_t n_groups) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx);
        idx->message[0] = '\0';
        if (!idx->writer) {
            status = read_only(idx);
            goto out;
        }
        {
            synonym_table wanted;
            status = build_synonyms(&wanted, idx, groups, n_groups);
            if (status != MS_INDEX_OK)
                goto out;
            write_synonyms(idx, wanted);
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    return status;
}
