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
 *
 * Generations (docs/index-schema.md, "Generations and the switch"): the
 * index path is a symbolic link to "<path>.gen-<N>", replaced in one
 * rename(2) by a rebuild. Xapian's reopen() only rereads the database it
 * has open, so a reader remembers which directory it opened (link target,
 * device and inode) and ms_index_refresh() compares that with what the
 * path names now. Every handle is an ms_index_handle, created here by
 * ms_index_open() and deleted here by ms_index_close(); the extra members
 * live in this file so the shared struct ms_index stays as it is.
 */
#include <cassert>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-private.hh"

namespace
{

/* Where a path leads: the directory (or stub file) to open, and what
 * identifies it, so that a switch can be noticed. */
struct location {
    std::string open_path; /* what to hand to Xapian */
    std::string target;    /* the link target; "" if the path is not a link */
    dev_t dev = 0;
    ino_t ino = 0;
};

/* A handle: struct ms_index plus what refreshing a reader needs. */
struct ms_index_handle : ms_index {
    std::string path; /* as given to ms_index_open() */
    location opened;  /* what the reader has open */
    /* A writer's spelling words not yet in its dictionary (document.cc). */
    ms_index_spelling_pending spelling_pending;
    /* A reader's caches (ms_index__caches). */
    ms_index_caches caches;
};

} // namespace

ms_index_spelling_pending &
ms_index__spelling_pending(ms_index_t *idx)
{
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    return static_cast<ms_index_handle *>(idx)->spelling_pending;
}

void
ms_index__spelling_flush(ms_index_t *idx)
{
    ms_index_spelling_pending &pending = ms_index__spelling_pending(idx);
    for (const auto &word : pending) {
        if (word.second > 0)
            idx->writer->add_spelling(word.first, word.second);
    }
    pending.clear();
}

ms_index_caches *
ms_index__caches(ms_index_t *idx)
{
    if (idx->writer)
        return nullptr;
    /* Every handle was made by ms_index_open() as an ms_index_handle. */
    ms_index_caches &caches = static_cast<ms_index_handle *>(idx)->caches;
    /* A rebuilt index (a new generation) may be at the same revision
     * number: the UUID tells the databases apart. */
    std::string key = idx->db->get_uuid() + '/' + std::to_string(idx->db->get_revision());
    if (key != caches.key) {
        caches.termfreqs.clear();
        caches.facet_display.clear();
        caches.key = key;
    }
    return &caches;
}

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

void
ms_index__fill_error(ms_index_error_t *err, ms_index_status_t status,
                     const char *text) noexcept
{
    if (!err)
        return;
    err->status = status;
    ms_index__set_message(err->text, sizeof err->text, text);
}

/* 'path' without trailing slashes, split into its folder and last name.
 * False for a path with no name ("", "/"). */
static bool
split_path(const char *path, std::string &norm, std::string &parent, std::string &base)
{
    norm = path;
    while (norm.size() > 1 && norm.back() == '/')
        norm.pop_back();
    size_t slash = norm.rfind('/');
    if (slash == std::string::npos) {
        parent = ".";
        base = norm;
    } else {
        parent = slash == 0 ? "/" : norm.substr(0, slash);
        base = norm.substr(slash + 1);
    }
    return !base.empty() && base != "." && base != "..";
}

static std::string
join_path(const std::string &parent, const std::string &name)
{
    return parent == "/" ? "/" + name : parent + "/" + name;
}

/* Find where 'path' leads now. False with errno set if nothing is there
 * (or a link dangles). */
static bool
locate(const std::string &path, location &out)
{
    struct stat st;
    char target[PATH_MAX];

    out = location();
    if (lstat(path.c_str(), &st) != 0)
        return false;
    out.open_path = path;
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(path.c_str(), target, sizeof target - 1);
        if (n < 0)
            return false;
        out.target.assign(target, static_cast<size_t>(n));
        if (stat(path.c_str(), &st) != 0)
            return false;
        /* Open the directory the link names now, not the link: if the link
         * is switched a moment later, what the handle has open still
         * matches 'out', and the next refresh notices the switch. */
        std::string norm, parent, base;
        if (out.target[0] == '/')
            out.open_path = out.target;
        else if (split_path(path.c_str(), norm, parent, base))
            out.open_path = join_path(parent, out.target);
    }
    out.dev = st.st_dev;
    out.ino = st.st_ino;
    return true;
}

static bool
same_location(const location &a, const location &b)
{
    return a.target == b.target && a.dev == b.dev && a.ino == b.ino;
}

/* Open the database 'path' leads to for reading and record where that
 * was. A rebuild may switch the link and remove the old generation
 * between locate() and the open; then look again, a few times. */
static Xapian::Database *
open_reader(const std::string &path, location &opened)
{
    for (int attempt = 0;; attempt++) {
        location loc;
        if (!locate(path, loc))
            throw Xapian::DatabaseNotFoundError("no index exists at this path");
        try {
            auto *db = new Xapian::Database(loc.open_path);
            opened = loc;
            return db;
        } catch (const Xapian::DatabaseOpeningError &) {
            location now;
            if (attempt >= 3 || !locate(path, now) || same_location(now, loc))
                throw;
        }
    }
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

        ms_index_handle *handle = new ms_index_handle();
        idx = handle;
        idx->message[0] = '\0';
        handle->path = path;
        if (mode == MS_INDEX_READ) {
            idx->db = open_reader(handle->path, handle->opened);
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
        ms_index__fill_error(err, status, text);
    else if (err)
        ms_index__fill_error(err, MS_INDEX_OK, "");
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
        /* Every handle was made by ms_index_open() as an ms_index_handle. */
        delete static_cast<ms_index_handle *>(idx);
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
            ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
            location now;
            /* If the path leads elsewhere now, a rebuild has switched
             * generations: open the new one. If it leads nowhere, keep
             * serving what is open rather than fail. */
            if (locate(handle->path, now) && !same_location(now, handle->opened)) {
                std::unique_ptr<Xapian::Database> fresh(
                    new Xapian::Database(now.open_path));
                check_schema(*fresh);
                delete idx->db;
                idx->db = fresh.release();
                handle->opened = now;
            } else {
                idx->db->reopen();
                check_schema(*idx->db);
            }
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
        /* Words of documents put in this batch: in the same commit. */
        ms_index__spelling_flush(idx);
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

/* --- generations: the rebuild's atomic switch --- */

/* The number N of a name "<base>.gen-<N>", or 0 if it is not one. */
static unsigned long
generation_number(const std::string &name, const std::string &base)
{
    std::string prefix = base + ".gen-";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.size() - prefix.size() > 9)
        return 0;
    unsigned long n = 0;
    for (size_t i = prefix.size(); i < name.size(); i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        n = n * 10 + static_cast<unsigned long>(name[i] - '0');
    }
    return n;
}

/* The names of the generations of 'base' in folder 'parent'. Throws
 * Xapian::DatabaseOpeningError if the folder cannot be read. */
static std::vector<std::string>
list_generations(const std::string &parent, const std::string &base)
{
    std::vector<std::string> names;
    DIR *dir = opendir(parent.c_str());
    if (!dir)
        throw Xapian::DatabaseOpeningError("cannot read " + parent + ": " +
                                           strerror(errno));
    try {
        for (struct dirent *entry; (entry = readdir(dir)) != nullptr;) {
            if (generation_number(entry->d_name, base) > 0)
                names.emplace_back(entry->d_name);
        }
    } catch (...) {
        closedir(dir);
        throw;
    }
    closedir(dir);
    return names;
}

/* The name of the generation the link 'norm' points at, or "" when it is
 * not a link to a generation of 'base'. */
static std::string
live_generation(const std::string &norm, const std::string &base)
{
    location loc;
    struct stat st;
    if (lstat(norm.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
        return "";
    if (!locate(norm, loc)) {
        /* A dangling link still names what it points at. */
        char target[PATH_MAX];
        ssize_t n = readlink(norm.c_str(), target, sizeof target - 1);
        if (n < 0)
            return "";
        loc.target.assign(target, static_cast<size_t>(n));
    }
    std::string name = loc.target;
    size_t slash = name.rfind('/');
    if (slash != std::string::npos)
        name = name.substr(slash + 1);
    return generation_number(name, base) > 0 ? name : "";
}

/* Remove a file, link or directory tree; a missing one is fine. */
static void
remove_tree(const std::string &path)
{
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw Xapian::DatabaseOpeningError("cannot remove " + path + ": " + ec.message());
}

/* Remove every generation of 'base' in 'parent' except 'keep', and what
 * an interrupted switch left. */
static void
remove_generations(const std::string &parent, const std::string &base,
                   const std::string &keep)
{
    for (const std::string &name : list_generations(parent, base)) {
        if (name != keep)
            remove_tree(join_path(parent, name));
    }
    remove_tree(join_path(parent, base + ".switch"));
    remove_tree(join_path(parent, base + ".switch-old"));
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_generation_new(char **out, const char *path, ms_index_error_t *err) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;
    char text[sizeof err->text] = "";

    try {
        assert(out && path);
        *out = nullptr;
        std::string norm, parent, base;
        if (!split_path(path, norm, parent, base)) {
            status = MS_INDEX_IO;
            ms_index__set_message(text, sizeof text, "invalid index path");
            goto out;
        }
        unsigned long last = generation_number(live_generation(norm, base), base);
        for (const std::string &name : list_generations(parent, base)) {
            unsigned long n = generation_number(name, base);
            if (n > last)
                last = n;
        }
        *out = ms_index__strdup(
            join_path(parent, base + ".gen-" + std::to_string(last + 1)));
    } catch (...) {
        status = ms_index__map_exception(nullptr, text, sizeof text);
    }
out:
    ms_index__fill_error(err, status, status == MS_INDEX_OK ? "" : text);
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_generation_switch(const char *path, const char *generation,
                           ms_index_error_t *err) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;
    char text[sizeof err->text] = "";

    try {
        assert(path && generation);
        std::string norm, parent, base, gen_norm, gen_parent, gen_name;
        if (!split_path(path, norm, parent, base) ||
            !split_path(generation, gen_norm, gen_parent, gen_name) ||
            gen_parent != parent || generation_number(gen_name, base) == 0) {
            status = MS_INDEX_IO;
            ms_index__set_message(text, sizeof text,
                                  "the generation is not one beside the index");
            goto out;
        }
        {
            /* Never make a link to something that is not a usable index. */
            Xapian::Database check(gen_norm);
            check_schema(check);
        }

        /* Build the new link under a temporary name, then move it over the
         * old one: rename(2) replaces a link in one step, so a reader
         * resolving the path finds either the old generation or the new. */
        std::string temp = join_path(parent, base + ".switch");
        remove_tree(temp);
        if (symlink(gen_name.c_str(), temp.c_str()) != 0)
            throw Xapian::DatabaseOpeningError("cannot create " + temp + ": " +
                                               strerror(errno));
        struct stat st;
        if (lstat(norm.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            /* An index from before generations: a directory cannot be
             * renamed over, but Linux can exchange it with the link in one
             * step. The old directory then sits at the temporary name. */
            if (renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, norm.c_str(),
                          RENAME_EXCHANGE) != 0) {
                if (errno != EINVAL && errno != ENOSYS)
                    throw Xapian::DatabaseOpeningError("cannot switch " + norm + ": " +
                                                       strerror(errno));
                /* A file system without exchange: move the directory aside
                 * first. For an instant there is no index; readers that
                 * open it then retry (or answer 503) and find the new one. */
                std::string aside = join_path(parent, base + ".switch-old");
                remove_tree(aside);
                if (rename(norm.c_str(), aside.c_str()) != 0 ||
                    rename(temp.c_str(), norm.c_str()) != 0)
                    throw Xapian::DatabaseOpeningError("cannot switch " + norm + ": " +
                                                       strerror(errno));
                remove_tree(aside);
            }
        } else if (rename(temp.c_str(), norm.c_str()) != 0) {
            throw Xapian::DatabaseOpeningError("cannot switch " + norm + ": " +
                                               strerror(errno));
        }
        /* Make the switch itself durable before removing anything. */
        int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
        remove_generations(parent, base, gen_name);
    } catch (...) {
        status = ms_index__map_exception(nullptr, text, sizeof text);
    }
out:
    ms_index__fill_error(err, status, status == MS_INDEX_OK ? "" : text);
    return status;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_generation_prune(const char *path, ms_index_error_t *err) noexcept
{
    ms_index_status_t status = MS_INDEX_OK;
    char text[sizeof err->text] = "";

    try {
        assert(path);
        std::string norm, parent, base;
        if (!split_path(path, norm, parent, base)) {
            status = MS_INDEX_IO;
            ms_index__set_message(text, sizeof text, "invalid index path");
            goto out;
        }
        struct stat st;
        std::string live = live_generation(norm, base);
        /* A link that leads to no generation is left alone with everything
         * beside it: it is not ours to judge. */
        if (lstat(norm.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && live.empty())
            goto out;
        remove_generations(parent, base, live);
    } catch (...) {
        status = ms_index__map_exception(nullptr, text, sizeof text);
    }
out:
    ms_index__fill_error(err, status, status == MS_INDEX_OK ? "" : text);
    return status;
}
