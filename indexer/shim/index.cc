/* index.cc - handles, errors and revisions of the ms_index C API
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning. The
 * document functions live in document.cc, searching in search.cc.
 *
 * A writer keeps a Xapian transaction open between commits. Xapian 1.4
 * commits pending changes when a WritableDatabase is destroyed, but
 * cancels an open transaction instead, and ms_index_close() promises to
 * discard what was not committed. A transaction also stops Xapian's
 * autoflush from publishing a half-finished indexing run to readers.
 */
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/stat.h>

#include "index-private.hh"

/* Filterable fields, from docs/index-schema.md. */
const ms_index_prefix ms_index__prefixes[] = {
    {"type", "type", "XT"},       {"process", "process", "XP"},
    {"meeting", "meeting", "XM"}, {"country", "country", "XC"},
    {"theme", "theme", "XH"},     {"status", "status", "XS"},
    {"symbol", "symbol", "XY"},   {"language", "lang", "L"},
    {"year", "year", "Y"},        {nullptr, nullptr, nullptr},
};

const char *
ms_index__prefix_for(const char *name, bool filter)
{
    for (const ms_index_prefix *p = ms_index__prefixes; p->name; p++) {
        /* Language and year come from ms_document_t.language and .date, so
         * a metadata field of that name is only stored. */
        bool derived = p->prefix[0] == 'L' || p->prefix[0] == 'Y';
        if (!filter && derived)
            continue;
        if (strcmp(name, p->name) == 0 || (filter && strcmp(name, p->query) == 0))
            return p->prefix;
    }
    return nullptr;
}

std::string
ms_index__boolean_term(const std::string &prefix, const std::string &value)
{
    std::string term = prefix;
    term.reserve(prefix.size() + value.size());
    for (char c : value)
        term += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (term.size() > MS_INDEX_MAX_TERM) {
        size_t cut = MS_INDEX_MAX_TERM;
        /* Back up over UTF-8 continuation bytes so no character is split. */
        while (cut > prefix.size() &&
               (static_cast<unsigned char>(term[cut]) & 0xC0) == 0x80)
            cut--;
        term.resize(cut);
    }
    return term;
}

Xapian::Stem
ms_index__stemmer(const char *language)
{
    static const struct {
        const char *code;
        const char *stemmer;
    } table[] = {{"en", "english"}, {"fr", "french"}, {"es", "spanish"},
                 {"ru", "russian"}, {"ar", "arabic"}, {nullptr, nullptr}};
    if (!language)
        return Xapian::Stem();
    char code[3] = {0, 0, 0};
    for (size_t i = 0; i < 2 && language[i]; i++) {
        char c = language[i];
        code[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (!code[1] || language[2])
        return Xapian::Stem();
    for (size_t i = 0; table[i].code; i++) {
        if (strcmp(code, table[i].code) == 0)
            return Xapian::Stem(table[i].stemmer);
    }
    return Xapian::Stem();
}

void
ms_index__set_message(char *buf, size_t size, const char *text) noexcept
{
    if (size == 0)
        return;
    size_t n = 0;
    for (; text[n] && n + 1 < size; n++) {
        unsigned char c = static_cast<unsigned char>(text[n]);
        /* Messages are one line: control bytes would break log lines. */
        buf[n] = (c < 0x20 || c == 0x7f) ? ' ' : text[n];
    }
    /* Cut a truncated message at a character boundary. */
    if (text[n]) {
        while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
            n--;
    }
    buf[n] = '\0';
}

ms_index_status_t
ms_index__map_exception(ms_index_t *idx, char *buf, size_t size) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &e) {
        /* ms_index__retry already reopened once and the revision vanished
         * again. Reopen once more so the caller's next attempt can work. */
        ms_index__set_message(buf, size, e.get_description().c_str());
        if (idx) {
            try {
                idx->db->reopen();
            } catch (...) {
            }
        }
        return MS_INDEX_MODIFIED;
    } catch (const Xapian::QueryParserError &e) {
        ms_index__set_message(buf, size, e.get_description().c_str());
        return MS_INDEX_BAD_QUERY;
    } catch (const Xapian::DatabaseLockError &e) {
        ms_index__set_message(buf, size, e.get_description().c_str());
        return MS_INDEX_LOCKED;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        ms_index__set_message(buf, size, e.get_description().c_str());
        return MS_INDEX_NOT_FOUND;
    } catch (const Xapian::DatabaseOpeningError &e) {
        ms_index__set_message(buf, size, e.get_description().c_str());
        return MS_INDEX_IO;
    } catch (const Xapian::DatabaseCreateError &e) {
        /* A writer that cannot create its directory: the same as failing
         * to open it. */
        ms_index__set_message(buf, size, e.get_description().c_str());
        return MS_INDEX_IO;
    } catch (const Xapian::Error &e) {
        ms_index__set_message(buf, size, e.get_description().c_str());
        return MS_INDEX_XAPIAN;
    } catch (const std::bad_alloc &) {
        ms_index__set_message(buf, size, "out of memory");
        return MS_INDEX_NOMEM;
    } catch (const std::exception &e) {
        ms_index__set_message(buf, size, e.what());
        return MS_INDEX_INTERNAL;
    } catch (...) {
        ms_index__set_message(buf, size, "unexpected exception");
        return MS_INDEX_INTERNAL;
    }
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

/* Check the layout version an existing index declares. An index that has
 * never been committed has none, which is fine. */
static void
check_schema(const Xapian::Database &db)
{
    std::string schema = db.get_metadata("schema");
    if (!schema.empty() && schema != MS_INDEX_SCHEMA) {
        throw Xapian::DatabaseOpeningError(
            "index schema '" + schema.substr(0, 32) +
            "' is not supported (expected '" MS_INDEX_SCHEMA "')");
    }
}

static void
fill_error(ms_index_error_t *err, ms_index_status_t status, const char *text) noexcept
{
    if (!err)
        return;
    err->status = status;
    ms_index__set_message(err->text, sizeof err->text, text);
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_open(ms_index_t **out, const char *path, ms_index_mode_t mode,
              ms_index_error_t *err) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;
    ms_index_t *idx = nullptr;
    char text[sizeof err->text] = "";

    try {
        assert(out);
        *out = nullptr;
        if (!path || !*path) {
            status = mode == MS_INDEX_READ ? MS_INDEX_NOT_FOUND : MS_INDEX_IO;
            ms_index__set_message(text, sizeof text, "empty index path");
            goto out;
        }
        if (mode == MS_INDEX_READ) {
            /* Say plainly that nothing is there; Xapian's own message for
             * this ("Couldn't detect type of database") misleads. */
            struct stat st;
            if (stat(path, &st) != 0 && errno == ENOENT) {
                status = MS_INDEX_NOT_FOUND;
                ms_index__set_message(text, sizeof text, "no index exists at this path");
                goto out;
            }
        }

        idx = new ms_index_t();
        idx->message[0] = '\0';
        if (mode == MS_INDEX_READ) {
            idx->db = new Xapian::Database(path);
        } else {
            idx->writer = new Xapian::WritableDatabase(
                path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
            idx->db = idx->writer;
        }
        check_schema(*idx->db);
        if (idx->writer) {
            if (idx->writer->get_metadata("schema").empty())
                idx->writer->set_metadata("schema", MS_INDEX_SCHEMA);
            idx->writer->begin_transaction(true);
            idx->in_transaction = true;
        }
        *out = idx;
        idx = nullptr;
    } catch (...) {
        status = ms_index__map_exception(nullptr, text, sizeof text);
    }

out:
    if (idx)
        ms_index_close(idx);
    if (status != MS_INDEX_OK)
        fill_error(err, status, text);
    else if (err)
        fill_error(err, MS_INDEX_OK, "");
    return status;
}

extern "C" MS_EXPORT void
ms_index_close(ms_index_t *idx) noexcept
{
    try {
        if (!idx)
            return;
        if (idx->writer) {
            if (idx->in_transaction) {
                try {
                    idx->writer->cancel_transaction();
                } catch (...) {
                    /* Nothing useful to report from a destructor: the
                     * changes are lost either way. */
                }
            }
            delete idx->writer;
        } else {
            delete idx->db;
        }
        delete idx;
    } catch (...) {
        /* Xapian destructors do not throw; this only keeps C frames safe. */
    }
}

extern "C" MS_EXPORT const char *
ms_index_status_string(ms_index_status_t status) noexcept
{
    switch (status) {
    case MS_INDEX_OK:
        return "ok";
    case MS_INDEX_NOMEM:
        return "out of memory";
    case MS_INDEX_NOT_FOUND:
        return "not found";
    case MS_INDEX_BAD_QUERY:
        return "bad query";
    case MS_INDEX_LOCKED:
        return "locked";
    case MS_INDEX_MODIFIED:
        return "index modified";
    case MS_INDEX_IO:
        return "i/o error";
    case MS_INDEX_XAPIAN:
        return "xapian error";
    case MS_INDEX_INTERNAL:
        return "internal error";
    }
    return "unknown status";
}

extern "C" MS_EXPORT const char *
ms_index_errmsg(const ms_index_t *idx) noexcept
{
    return idx ? idx->message : "";
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_refresh(ms_index_t *idx) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx);
        idx->message[0] = '\0';
        /* A writer always sees its own latest state. */
        if (!idx->writer) {
            idx->db->reopen();
            check_schema(*idx->db);
        }
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_info(ms_index_info_t *out, ms_index_t *idx) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(out && idx);
        idx->message[0] = '\0';
        status = ms_index__retry(idx, [&] {
            out->doc_count = idx->db->get_doccount();
            out->revision = idx->db->get_revision();
            return MS_INDEX_OK;
        });
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_commit(ms_index_t *idx) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;

    try {
        assert(idx);
        idx->message[0] = '\0';
        if (!idx->writer) {
            status = MS_INDEX_INTERNAL;
            ms_index__set_message(idx->message, sizeof idx->message,
                                  "index is open read-only");
            goto out;
        }
        if (idx->in_transaction) {
            idx->in_transaction = false;
            idx->writer->commit_transaction();
        } else {
            idx->writer->commit();
        }
        idx->writer->begin_transaction(true);
        idx->in_transaction = true;
    } catch (...) {
        status = ms_index__map_exception(idx, idx->message, sizeof idx->message);
    }
out:
    return status;
}
