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
 */
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "index-private.hh"

/* First byte of the document data: the record format. */
#define DATA_FORMAT '\x01'

#define MAX_ID_BYTES 200

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

/* Decode one UTF-8 sequence at 's' (NUL-terminated); returns its length
 * and the code point in *cp, or 0 if the bytes are not valid UTF-8. */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
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
        size_t len = utf8_next(s, &c);
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

    Xapian::Document xdoc;
    Xapian::TermGenerator generator;
    generator.set_stemmer(ms_index__stemmer(doc->language));
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
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

    std::string id_term = "Q" + std::string(doc->id);
    xdoc.add_boolean_term(id_term);
    if (doc->language && doc->language[0])
        xdoc.add_boolean_term(ms_index__boolean_term("L", doc->language));
    if (!date.empty()) {
        xdoc.add_value(MS_INDEX_SLOT_DATE, date);
        xdoc.add_boolean_term("Y" + date.substr(0, 4));
    }
    for (size_t i = 0; i < doc->n_fields; i++) {
        const char *prefix = ms_index__prefix_for(doc->fields[i].name, false);
        if (prefix && doc->fields[i].value[0])
            xdoc.add_boolean_term(ms_index__boolean_term(prefix, doc->fields[i].value));
    }
    xdoc.set_data(encode(doc));

    ensure_transaction(idx);
    idx->writer->replace_document(id_term, xdoc);
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
