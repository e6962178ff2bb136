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
 * the shards again, without the failed one, and runs once more
 * (ms_index__retry).
 */
#include <cassert>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

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

/* Open every partition of a shard at 'endpoint', or throw. */
static std::vector<std::pair<std::string, Xapian::Database>>
open_shard(const ms_index_handle *handle, const std::string &endpoint)
{
    std::string host;
    unsigned port;
    split_endpoint(endpoint, host, port);
    std::vector<std::pair<std::string, Xapian::Database>> got;
    Xapian::Database pub = Xapian::Remote::open(host, port, handle->remote_timeout_ms,
                                                handle->remote_connect_ms);
    std::string list = pub.get_metadata(MS_INDEX_PARTITIONS_KEY);
    got.emplace_back(MS_INDEX_PART_PUBLIC, pub);
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
        got.emplace_back(name, Xapian::Remote::open(host, port + offset,
                                                    handle->remote_timeout_ms,
                                                    handle->remote_connect_ms));
    }
    return got;
}

void
ms_index__remote_open(ms_index_handle *handle)
{
    for (ms_index_remote_shard &shard : handle->remotes) {
        shard.in_use.clear();
        for (const std::string &endpoint : shard.endpoints) {
            try {
                for (auto &part : open_shard(handle, endpoint))
                    ms_index__add_member(handle, part.first, part.second, true);
                shard.in_use = endpoint;
                break;
            } catch (const Xapian::NetworkError &) {
                /* Down, hung or refusing: the next replica. */
            } catch (const Xapian::DatabaseError &) {
                /* Not a database of ours there: the next replica. */
            }
        }
    }
    handle->probed = now_seconds();
}

bool
ms_index__remote_due(const ms_index_handle *handle)
{
    for (const ms_index_remote_shard &shard : handle->remotes) {
        if (shard.in_use.empty())
            return now_seconds() - handle->probed >= handle->remote_reprobe_s;
    }
    return false;
}

/* Called in the catch of a NetworkError (ms_index__retry). */
bool
ms_index__remote_failed(ms_index_t *idx)
{
    ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    if (handle->remotes.empty() || idx->writer)
        throw; /* not ours to mend */
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
    handle->remote_timeout_ms = remote->timeout_ms;
    handle->remote_connect_ms = remote->connect_timeout_ms;
    handle->remote_reprobe_s = remote->reprobe_s;
    return parse_remote(handle, remote->shards);
}

extern "C" MS_EXPORT size_t
ms_index_shard_states(ms_index_t *idx, ms_index_shard_state_t *out, size_t max) noexcept
{
    assert(idx);
    const ms_index_handle *handle = static_cast<ms_index_handle *>(idx);
    size_t n = 0;
    for (const std::string &shard : handle->shards) {
        if (n < max) {
            out[n].shard =
                shard.empty() ? 0 : static_cast<unsigned>(atoi(shard.c_str() + 6));
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
