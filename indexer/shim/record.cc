/* record.cc - the stored document record, and documents copied out into C
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The document data is a small length-prefixed record (docs/index-schema.md,
 * "Document data"), so any byte of any field survives the round trip and a
 * damaged record is detected rather than read past its end. What leaves
 * the shim is copied into malloc'd strings that only the ms_*_free
 * functions release: no C++ object crosses into C.
 */
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "index-private.hh"

/* First byte of the document data: the record format. */
#define DATA_FORMAT '\x01'

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

std::string
ms_index__encode(const ms_document_t *doc)
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

/* Reads the record written by ms_index__encode(); every read is
 * bounds-checked. */
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

char *
ms_index__strdup(const std::string &text)
{
    char *copy = static_cast<char *>(malloc(text.size() + 1));
    if (!copy)
        throw std::bad_alloc();
    memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

ms_strings_t *
ms_index__strings(const std::vector<std::string> &items)
{
    std::unique_ptr<ms_strings_t, void (*)(ms_strings_t *)> list(
        static_cast<ms_strings_t *>(calloc(1, sizeof(ms_strings_t))), ms_strings_free);
    if (!list)
        throw std::bad_alloc();
    if (!items.empty()) {
        list->items = static_cast<char **>(calloc(items.size(), sizeof(char *)));
        if (!list->items)
            throw std::bad_alloc();
    }
    for (const std::string &item : items)
        list->items[list->n_items++] = ms_index__strdup(item);
    return list.release();
}

extern "C" MS_EXPORT void
ms_strings_free(ms_strings_t *strings) noexcept
{
    if (!strings)
        return;
    for (size_t i = 0; i < strings->n_items; i++)
        free(strings->items[i]);
    free(strings->items);
    free(strings);
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

ms_document_t *
ms_index__document_new(const ms_index_stored &stored)
{
    std::unique_ptr<ms_document_t, void (*)(ms_document_t *)> doc(
        static_cast<ms_document_t *>(calloc(1, sizeof(ms_document_t))), ms_document_free);
    if (!doc)
        throw std::bad_alloc();
    ms_index__document_fill(doc.get(), stored, true);
    return doc.release();
}

extern "C" MS_EXPORT void
ms_document_free(ms_document_t *doc) noexcept
{
    if (!doc)
        return;
    ms_index__document_clear(doc);
    free(doc);
}

bool
ms_index__possible_id(const char *id)
{
    if (!id)
        return false;
    size_t n = strnlen(id, MS_SCHEMA_ID_MAX + 1);
    return n > 0 && n <= MS_SCHEMA_ID_MAX;
}
