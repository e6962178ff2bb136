/* remote.cc - shards a reader reaches through xapian-tcpsrv, with replicas
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A search host may hold some shards of the index (shards.cc) and reach
 * the others over the network (index.remote, docs/config.md): shard K at
 * "host:port", or at the first of several replicas that answers. A shard
 * host runs one xapian-tcpsrv per partition of its shard
 * (indexer/ms-shard-serve): "public" at the base port, the others at the
 * next ports in the order of the list the indexer keeps in the shard's
 * "public" (MS_INDEX_PARTITIONS_KEY). Each remote partition joins the
 * combined partition of its name, so access composes as for local shards:
 * the server reads each remote partition's access set from its "access"
 * key and a viewer's view holds only what the viewer may see.
 *
 * A shard none of whose endpoints answers within the connect timeout is
 * down: left out, reported (ms_index_shard_states), and probed again at
 * a refresh once index.remote_reprobe_s has passed. A search that meets a
 * NetworkError (a host gone or hung past index.remote_timeout_ms) opens
 * the shards again and runs once more (ms_index__retry): the endpoint that
 * failed, which the error's context names, is left out of that reopening,
 * so its shard fails over to its next replica or is down at once, without
 * waiting on a hung host twice.
 *
 * Xapian fixes a remote database's timeout when it is opened. The server
 * opens with at most half the search budget (fcgi/worker.c), so a search
 * that meets a hung shard has the other half to answer without it; and
 * what is opened during a call (the reopening of a retry) waits at most
 * the rest of the call's deadline (ms_index__deadline). A shard opened
 * with less than index.remote_timeout_ms that way is opened again, with
 * the whole timeout, at the next refresh.
 */
#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "index-budget.hh"
#include "index-partition.hh"
#include "ms_net.h"

thread_local bool ms_index__remote_view = false;

static double
now_seconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<unsigned>
ms_index__remote_numbers(const ms_index_handle *handle)
{
    std::vector<unsigned> numbers;
    for (const ms_index_remote_shard &shard : handle->remotes)
        numbers.push_back(shard.shard);
    return numbers;
}

/* "host:port" into its parts. Every endpoint passed ms_net_each_shard()
 * (parse_remote), which holds the rule: the last colon separates them. */
static void
split_endpoint(const std::string &endpoint, std::string &host, unsigned &port)
{
    size_t colon = endpoint.rfind(':');
    host = endpoint.substr(0, colon);
    port = static_cast<unsigned>(std::stoul(endpoint.substr(colon + 1)));
}

typedef std::vector<std::pair<std::string, Xapian::Database>> shard_parts;

/* 'configured' milliseconds (0: no limit), or less: what is left of the
 * deadline of the call running on this thread, at least 1 ms. Notes on
 * 'handle' that a wait was cut. */
static unsigned
wait_ms(ms_index_handle *handle, unsigned configured)
{
    using namespace std::chrono;
    if (ms_index__deadline == steady_clock::time_point{})
        return configured;
    long long left =
        duration_cast<milliseconds>(ms_index__deadline - steady_clock::now()).count();
    if (left < 1)
        left = 1;
    if (configured != 0 && (unsigned long long)left >= configured)
        return configured;
    handle->remote_short = true;
    return static_cast<unsigned>(left);
}

/* One partition of a shard: Xapian's remote database at host:port; the
 * context its NetworkErrors carry goes to 'contexts'. */
static Xapian::Database
open_one(ms_index_handle *handle, std::vector<std::string> &contexts,
         const std::string &host, unsigned port)
{
    unsigned connect = wait_ms(handle, handle->remote_connect_ms);
    Xapian::Database db = Xapian::Remote::open(
        host, port, wait_ms(handle, handle->remote_timeout_ms), connect);
    contexts.push_back("remote:tcp(" + host + ":" + std::to_string(port) + ")");
    return db;
}

/* Open every partition of a shard at 'endpoint', or throw if its "public"
 * does not answer; the contexts of what was opened go to 'contexts'. A
 * shard host's list may be ahead of its servers for a moment (the
 * follower's changeset reaches "public" before ms-shard-serve starts the
 * new partition's server, and a new access set moves the ports after it):
 * each port's partition is taken by the name its own "access" key gives,
 * if the list has it, and *whole says whether every partition of the list
 * was found at its port. One that was not is left out until the shard is
 * whole (ms_index__remote_moved). */
static shard_parts
open_shard(ms_index_handle *handle, const std::string &endpoint, bool *whole,
           std::vector<std::string> &contexts)
{
    std::string host;
    unsigned port;
    split_endpoint(endpoint, host, port);
    shard_parts got;
    contexts.clear();
    Xapian::Database pub = open_one(handle, contexts, host, port);
    std::string list = pub.get_metadata(MS_INDEX_PARTITIONS_KEY);
    got.emplace_back(MS_INDEX_PART_PUBLIC, pub);
    *whole = true;
    unsigned offset = 0;
    for (size_t start = 0, end; start < list.size(); start = end + 1, offset++) {
        end = list.find('\n', start);
        if (end == std::string::npos)
            end = list.size();
        std::string name = list.substr(start, end - start);
        if (offset == 0 || name.empty())
            continue; /* "public", at the base port */
        if (port + offset > 65535)
            throw Xapian::NetworkError("too many partitions for the ports after " +
                                       endpoint);
        try {
            Xapian::Database one = open_one(handle, contexts, host, port + offset);
            std::string served = ms_index__part_name_of(one);
            bool listed =
                ("\n" + list + "\n").find("\n" + served + "\n") != std::string::npos;
            bool taken = std::find_if(got.begin(), got.end(), [&](const auto &part) {
                             return part.first == served;
                         }) != got.end();
            *whole = *whole && served == name;
            if (listed && !taken)
                got.emplace_back(served, one);
        } catch (const Xapian::NetworkError &) {
            *whole = false; /* its server not started yet */
        }
    }
    return got;
}

/* Join the partitions of remote shard 'shard', opened at 'endpoint'. */
static void
join_shard(ms_index_handle *handle, ms_index_remote_shard &shard,
           const std::string &endpoint, const shard_parts &parts, bool whole,
           const std::vector<std::string> &contexts)
{
    for (const auto &part : parts)
        ms_index__add_member(handle, part.first, part.second, true);
    /* A shard not whole is "moved" until it is (ms_index__remote_moved). */
    shard.identity = whole ? ms_index__remote_identity(parts.front().second) : "";
    shard.in_use = endpoint;
    shard.contexts = contexts;
}

void
ms_index__remote_open(ms_index_handle *handle)
{
    handle->remote_short = false;
    for (ms_index_remote_shard &shard : handle->remotes) {
        shard.in_use.clear();
        shard.contexts.clear();
        /* The first replica whole, else the first that answers. */
        shard_parts first;
        std::string first_endpoint;
        std::vector<std::string> first_contexts;
        for (const std::string &endpoint : shard.endpoints) {
            if (endpoint == shard.failed)
                continue; /* it just failed: not again within this call */
            try {
                bool whole;
                std::vector<std::string> contexts;
                shard_parts parts = open_shard(handle, endpoint, &whole, contexts);
                if (whole) {
                    join_shard(handle, shard, endpoint, parts, true, contexts);
                    break;
                }
                if (first.empty()) {
                    first = parts;
                    first_endpoint = endpoint;
                    first_contexts = contexts;
                }
            } catch (const Xapian::NetworkError &) {
                /* Down, hung or refusing: the next replica. */
            } catch (const Xapian::DatabaseError &) {
                /* Not a database of ours there: the next replica. */
            }
        }
        if (shard.in_use.empty() && !first.empty())
            join_shard(handle, shard, first_endpoint, first, false, first_contexts);
        shard.failed.clear();
    }
    handle->probed = now_seconds();
    handle->followed = handle->probed; /* just opened: nothing moved */
}

bool
ms_index__remote_due(const ms_index_handle *handle)
{
    if (handle->remote_short)
        return true;
    for (const ms_index_remote_shard &shard : handle->remotes) {
        if (shard.in_use.empty())
            return now_seconds() - handle->probed >= handle->remote_reprobe_s;
    }
    return false;
}

/* Called in the catch of a NetworkError (ms_index__retry): the shard
 * whose endpoint 'error' names is tried at its other endpoints only. */
bool
ms_index__remote_failed(ms_index_t *idx, const Xapian::NetworkError &error)
{
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    if (handle->remotes.empty() || idx->writer)
        throw; /* not ours to mend */
    for (ms_index_remote_shard &shard : handle->remotes) {
        for (const std::string &context : shard.contexts) {
            if (context == error.get_context())
                shard.failed = shard.in_use;
        }
    }
    ms_index__parts_reopen(handle);
    return true;
}

/* One endpoint of index.remote (ms_net_each_shard): a new shard, or a
 * replica of the one before. */
static int
add_endpoint(unsigned number, const char *endpoint, size_t length, void *payload)
{
    auto *remotes = static_cast<std::vector<ms_index_remote_shard> *>(payload);
    if (remotes->empty() || remotes->back().shard != number) {
        remotes->emplace_back();
        remotes->back().shard = number;
    }
    remotes->back().endpoints.emplace_back(endpoint, length);
    return 0;
}

/* index.remote, read by the one parser the config checks it with
 * (common/ms_net.h). */
static bool
parse_remote(ms_index_handle *handle, const char *spec)
{
    char reason[256];
    return ms_net_each_shard(spec ? spec : "", add_endpoint, &handle->remotes, reason,
                             sizeof reason) == 0;
}

bool
ms_index__remote_setup(ms_index_handle *handle, const ms_index_remote_t *remote)
{
    if (!remote)
        return true;
    ms_index__deadline = {}; /* an open waits as configured, not for a past call */
    handle->remote_timeout_ms = remote->timeout_ms;
    handle->remote_connect_ms = remote->connect_timeout_ms;
    handle->remote_reprobe_s = remote->reprobe_s;
    return parse_remote(handle, remote->shards);
}

/* xapian-tcpsrv opens its databases for each connection, through the path
 * it was given: on a shard host that path goes through the link
 * migsearch-replica switches (index -> index.view-N), so a new connection
 * sees the host's current generation. One already open cannot be relied on:
 * its reopen() reads the path's version file again, and moves to the new
 * generation if that revision differs from the one it has, but stays on
 * the old files if it is the same (checked by hand with xapian-tcpsrv
 * 1.4.22, docs/admins.md "Scaling out"). And a new access set makes a new
 * partition, with a port of its own (indexer/ms-shard-serve). So each
 * index.remote_reprobe_s a reader opens one new connection to every remote
 * shard in use and compares what it serves (ms_index__remote_identity) with
 * what the reader has open; on a difference, once every port of the shard
 * is ready (a list ahead of its servers is not), it opens its partitions again
 * (ms_index__parts_refresh), and a search in flight ends on the connections
 * it had, whose files the shard host keeps (the view before the live one). */
std::string
ms_index__remote_identity(const Xapian::Database &pub)
{
    return pub.get_uuid() + "\n" + pub.get_metadata(MS_INDEX_PARTITIONS_KEY);
}

bool
ms_index__remote_moved(ms_index_handle *handle)
{
    if (handle->remotes.empty() ||
        now_seconds() - handle->followed < handle->remote_reprobe_s)
        return false;
    handle->followed = now_seconds();
    for (const ms_index_remote_shard &shard : handle->remotes) {
        if (shard.in_use.empty())
            continue; /* down: ms_index__remote_due probes it */
        std::string host;
        unsigned port;
        split_endpoint(shard.in_use, host, port);
        try {
            Xapian::Database pub = Xapian::Remote::open(
                host, port, handle->remote_timeout_ms, handle->remote_connect_ms);
            if (ms_index__remote_identity(pub) == shard.identity)
                continue;
            bool whole;
            std::vector<std::string> contexts; /* a probe's, not the shard's */
            open_shard(handle, shard.in_use, &whole, contexts);
            if (whole)
                return true; /* every port of it ready */
        } catch (const Xapian::Error &) {
            /* Not ready, or gone: the connections open serve on; a search
             * that loses one opens the shards again (ms_index__retry). */
        }
    }
    return false;
}

/* K of a local shard's folder "shard-K/" (shards.cc); 0 for "". */
static unsigned
folder_number(const std::string &folder)
{
    return folder.empty() ? 0 : static_cast<unsigned>(atoi(folder.c_str() + 6));
}

extern "C" MS_EXPORT size_t
ms_index_shard_states(ms_index_t *idx, ms_index_shard_state_t *out, size_t max) noexcept
{
    assert(idx);
    const ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    size_t n = 0;
    for (const std::string &shard : handle->shards) {
        if (n < max) {
            out[n].shard = folder_number(shard);
            out[n].remote = false;
            out[n].up = true;
            snprintf(out[n].endpoint, sizeof out[n].endpoint, "%s", "local");
        }
        n++;
    }
    for (const ms_index_remote_shard &shard : handle->remotes) {
        if (n < max) {
            out[n].shard = shard.shard;
            out[n].remote = true;
            out[n].up = !shard.in_use.empty();
            snprintf(out[n].endpoint, sizeof out[n].endpoint, "%s",
                     shard.in_use.empty() ? shard.endpoints[0].c_str()
                                          : shard.in_use.c_str());
        }
        n++;
    }
    return n;
}

extern "C" MS_EXPORT bool
ms_index_document_shard_down(ms_index_t *idx, const char *id, unsigned *shard) noexcept
{
    assert(idx && id && shard);
    const ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    unsigned count = 0;
    for (const std::string &folder : handle->shards) {
        if (!folder.empty())
            count = std::max(count, folder_number(folder) + 1);
    }
    for (const ms_index_remote_shard &remote : handle->remotes)
        count = std::max(count, remote.shard + 1);
    *shard = 0;
    if (count < 2)
        return false;
    *shard = static_cast<unsigned>(ms_index__fnv1a(id) % count);
    for (const ms_index_remote_shard &remote : handle->remotes) {
        if (remote.shard == *shard)
            return remote.in_use.empty();
    }
    return false; /* a local shard: always open */
}
