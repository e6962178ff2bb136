/* generation.cc - where an index path leads, and the rebuild's generations
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept; all C++ exceptions
 * are caught and mapped to ms_index_status_t before returning (error.cc).
 *
 * The live index at a path is a symbolic link to a sibling directory
 * "<path>.gen-<N>" (docs/index-schema.md, "Generations and the switch"). A
 * rebuild fills a new generation and swaps the link with rename(2), so a
 * reader only ever opens a complete one. These functions do not lock: the
 * caller (migsearch-index) holds its own lock around them.
 */
#include <cassert>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-partition.hh"
#include "index-private.hh"

void
ms_index__check_schema(const Xapian::Database &db)
{
    std::string schema = db.get_metadata("schema");
    /* Layout 2 is one database without partitions: read as one partition
     * (partition.cc); writers refuse it before they get here. */
    if (!schema.empty() && schema != MS_INDEX_SCHEMA && schema != "2") {
        throw Xapian::DatabaseOpeningError(
            "index schema '" + schema.substr(0, 32) +
            "' is not supported (expected '" MS_INDEX_SCHEMA "')");
    }
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

bool
ms_index__locate(const std::string &path, ms_index_location &out)
{
    struct stat st;
    char target[PATH_MAX];

    out = ms_index_location();
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

bool
ms_index__same_location(const ms_index_location &a, const ms_index_location &b)
{
    return a.target == b.target && a.dev == b.dev && a.ino == b.ino;
}

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

/* An I/O failure on 'path', as the exception the status map makes
 * MS_INDEX_IO. */
[[noreturn]] static void
io_error(const char *what, const std::string &path, const std::string &reason)
{
    throw Xapian::DatabaseOpeningError(std::string(what) + " " + path + ": " + reason);
}

/* The names of the generations of 'base' in folder 'parent'. Throws
 * Xapian::DatabaseOpeningError if the folder cannot be read. */
static std::vector<std::string>
list_generations(const std::string &parent, const std::string &base)
{
    std::vector<std::string> names;
    DIR *dir = opendir(parent.c_str());
    if (!dir)
        io_error("cannot read", parent, strerror(errno));
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
    ms_index_location loc;
    struct stat st;
    if (lstat(norm.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
        return "";
    if (!ms_index__locate(norm, loc)) {
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
        io_error("cannot remove", path, ec.message());
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

static ms_index_status_t
generation_new(char **out, const char *path, ms_index_error_t *err)
{
    std::string norm, parent, base;
    if (!split_path(path, norm, parent, base))
        return ms_index__fill_error(err, MS_INDEX_IO, "invalid index path");
    unsigned long last = generation_number(live_generation(norm, base), base);
    for (const std::string &name : list_generations(parent, base)) {
        unsigned long n = generation_number(name, base);
        if (n > last)
            last = n;
    }
    *out = ms_index__strdup(join_path(parent, base + ".gen-" + std::to_string(last + 1)));
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_generation_new(char **out, const char *path, ms_index_error_t *err) noexcept
{
    assert(out && path);
    *out = nullptr;
    return ms_index__call_unbound(
        err, [&](ms_index_error_t *own) { return generation_new(out, path, own); });
}

/* Put the link 'temp' where the index 'norm' is, in one step. */
static void
replace_with_link(const std::string &temp, const std::string &norm,
                  const std::string &parent, const std::string &base)
{
    struct stat st;
    if (lstat(norm.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (rename(temp.c_str(), norm.c_str()) != 0)
            io_error("cannot switch", norm, strerror(errno));
        return;
    }
    /* An index from before generations: a directory cannot be renamed
     * over, but Linux can exchange it with the link in one step. The old
     * directory then sits at the temporary name. */
    if (renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, norm.c_str(), RENAME_EXCHANGE) == 0)
        return;
    if (errno != EINVAL && errno != ENOSYS)
        io_error("cannot switch", norm, strerror(errno));
    /* A file system without exchange: move the directory aside first. For
     * an instant there is no index; readers that open it then retry (or
     * answer 503) and find the new one. */
    std::string aside = join_path(parent, base + ".switch-old");
    remove_tree(aside);
    if (rename(norm.c_str(), aside.c_str()) != 0 ||
        rename(temp.c_str(), norm.c_str()) != 0)
        io_error("cannot switch", norm, strerror(errno));
    remove_tree(aside);
}

static ms_index_status_t
generation_switch(const char *path, const char *generation, ms_index_error_t *err)
{
    std::string norm, parent, base, gen_norm, gen_parent, gen_name;
    if (!split_path(path, norm, parent, base) ||
        !split_path(generation, gen_norm, gen_parent, gen_name) || gen_parent != parent ||
        generation_number(gen_name, base) == 0)
        return ms_index__fill_error(err, MS_INDEX_IO,
                                    "the generation is not one beside the index");
    {
        /* Never make a link to something that is not a usable index. */
        Xapian::Database check(gen_norm);
        ms_index__check_schema(check);
    }
    /* Build the new link under a temporary name, then move it over the
     * old one: rename(2) replaces a link in one step, so a reader
     * resolving the path finds either the old generation or the new. */
    std::string temp = join_path(parent, base + ".switch");
    remove_tree(temp);
    if (symlink(gen_name.c_str(), temp.c_str()) != 0)
        io_error("cannot create", temp, strerror(errno));
    replace_with_link(temp, norm, parent, base);
    /* Make the switch itself durable before removing anything. */
    int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    remove_generations(parent, base, gen_name);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_generation_switch(const char *path, const char *generation,
                           ms_index_error_t *err) noexcept
{
    assert(path && generation);
    return ms_index__call_unbound(err, [&](ms_index_error_t *own) {
        return generation_switch(path, generation, own);
    });
}

static ms_index_status_t
generation_prune(const char *path, ms_index_error_t *err)
{
    std::string norm, parent, base;
    if (!split_path(path, norm, parent, base))
        return ms_index__fill_error(err, MS_INDEX_IO, "invalid index path");
    struct stat st;
    std::string live = live_generation(norm, base);
    /* A link that leads to no generation is left alone with everything
     * beside it: it is not ours to judge. */
    if (lstat(norm.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && live.empty())
        return MS_INDEX_OK;
    remove_generations(parent, base, live);
    return MS_INDEX_OK;
}

extern "C" MS_EXPORT ms_index_status_t
ms_index_generation_prune(const char *path, ms_index_error_t *err) noexcept
{
    assert(path);
    return ms_index__call_unbound(
        err, [&](ms_index_error_t *own) { return generation_prune(path, own); });
}

extern "C" MS_EXPORT bool
ms_index_outdated(const char *path) noexcept
{
    ms_index_location where;
    try {
        return path && ms_index__locate(path, where) &&
               ms_index__holds_database(where.open_path);
    } catch (...) {
        return false;
    }
}
