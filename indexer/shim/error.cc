/* error.cc - statuses and messages at the C/C++ boundary of the ms_index C API
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every C API function runs its body through one of the ms_index__call
 * templates of index-private.hh, which catch every exception and hand it
 * to ms_index__map_exception() here: one map from exceptions to
 * ms_index_status_t for the whole shim (CONVENTIONS.md 3). Messages are
 * written into fixed buffers, so recording an error never allocates.
 */
#include <cstring>
#include <new>

#include "index-budget.hh"
#include "index-private.hh"
#include "ms_utf8.h"

void
ms_index__set_message(char *buf, size_t size, const char *text) noexcept
{
    if (size == 0)
        return;
    /* Cut a message that does not fit at a character boundary. */
    size_t n = ms_utf8_cut(text, strnlen(text, size), size - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        /* Messages are one line: control bytes would break log lines. */
        buf[i] = (c < 0x20 || c == 0x7f) ? ' ' : text[i];
    }
    buf[n] = '\0';
}

ms_index_status_t
ms_index__fail(ms_index_t *idx, ms_index_status_t status, const char *text) noexcept
{
    ms_index__set_message(idx->message, sizeof idx->message, text);
    return status;
}

ms_index_status_t
ms_index__fill_error(ms_index_error_t *err, ms_index_status_t status,
                     const char *text) noexcept
{
    if (err) {
        err->status = status;
        ms_index__set_message(err->text, sizeof err->text, text);
    }
    return status;
}

/* Whether the exception being handled is an E. Xapian's exception
 * classes have no virtual functions, so only a catch can tell them
 * apart. */
template <typename E>
static bool
handling() noexcept
{
    try {
        throw;
    } catch (const E &) {
        return true;
    } catch (...) {
        return false;
    }
}

/* The status of each Xapian error but DatabaseModifiedError (the
 * caller's), the first that matches; any other is MS_INDEX_XAPIAN. A
 * writer that cannot create its directory fails as one that cannot open
 * it. */
static const struct {
    bool (*is)() noexcept;
    ms_index_status_t status;
} XAPIAN_STATUSES[] = {
    {handling<Xapian::QueryParserError>, MS_INDEX_BAD_QUERY},
    {handling<Xapian::DatabaseLockError>, MS_INDEX_LOCKED},
    {handling<Xapian::DatabaseNotFoundError>, MS_INDEX_NOT_FOUND},
    {handling<Xapian::DatabaseOpeningError>, MS_INDEX_IO},
    {handling<Xapian::DatabaseCreateError>, MS_INDEX_IO},
};

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
    } catch (const Xapian::Error &e) {
        ms_index__set_message(buf, size, e.get_description().c_str());
        for (const auto &map : XAPIAN_STATUSES) {
            if (map.is())
                return map.status;
        }
        return MS_INDEX_XAPIAN;
    } catch (const ms_index_budget_spent &spent) {
        ms_index__set_message(buf, size,
                              spent.cancelled ? "the request was cancelled"
                                              : "the time budget ran out");
        return spent.cancelled ? MS_INDEX_CANCELLED : MS_INDEX_OVER_BUDGET;
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
    case MS_INDEX_OVER_BUDGET:
        return "over budget";
    case MS_INDEX_CANCELLED:
        return "cancelled";
    }
    return "unknown status";
}

extern "C" MS_EXPORT const char *
ms_index_errmsg(const ms_index_t *idx) noexcept
{
    return idx ? idx->message : "";
}
