/* budget.cc - the time budget and cancellation of one request
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept where it is public.
 *
 * Xapian cannot be told to stop a match once begun (its set_time_limit()
 * only ends the counting past check_at_least, and arms a POSIX timer
 * whose expiry starts a thread). A match can be made to stop from inside,
 * though: Xapian calls a PostingSource of the query for every document
 * it considers, and an exception thrown there leaves get_mset() and frees
 * what the match had built. watch() is such a source, a filter that keeps
 * every document, so the match of the worst query the maxima allow (a
 * thousand wildcards each walking a large part of the index) ends a few
 * milliseconds after its budget instead of running for minutes.
 */
#include <cstdint>

#include "index-budget.hh"
#include "index-partition.hh"
#include "ms_limits.h"

/* Documents the watch lets through between two looks at the clock, and
 * between two calls of the caller's callback (a poll(2) in the server):
 * one document costs the matcher about a microsecond or more, a look at
 * the clock some nanoseconds. */
#define WATCH_CLOCK_EVERY 16u
#define WATCH_CALLBACK_EVERY 1024u

thread_local std::chrono::steady_clock::time_point ms_index__deadline;

void
ms_index__call_begin(ms_index_t *idx)
{
    idx->message[0] = '\0';
    ms_index__deadline = {};
}

/* The first budget of a call sets the call's deadline; a later one (the
 * run again of ms_index__retry after a shard failed) keeps it, so that a
 * retry never starts the time over. */
ms_index_budget::ms_index_budget(unsigned time_budget_ms, bool (*callback)(void *payload),
                                 void *payload)
    : deadline_(std::chrono::steady_clock::now() +
                std::chrono::milliseconds(time_budget_ms ? time_budget_ms
                                                         : MS_LIMIT_TIME_BUDGET_MS)),
      callback_(callback), payload_(payload)
{
    if (ms_index__deadline == std::chrono::steady_clock::time_point{})
        ms_index__deadline = deadline_;
    else if (ms_index__deadline < deadline_)
        deadline_ = ms_index__deadline;
}

bool
ms_index_budget::spent()
{
    if (!cancelled_ && callback_ && callback_(payload_))
        cancelled_ = true;
    return cancelled_ || std::chrono::steady_clock::now() >= deadline_;
}

void
ms_index_budget::check()
{
    if (spent())
        throw ms_index_budget_spent{cancelled_};
}

void
ms_index_budget::check_time()
{
    if (cancelled_ || std::chrono::steady_clock::now() >= deadline_)
        throw ms_index_budget_spent{cancelled_};
}

namespace
{

/* Every document number of a database, 1 to its last, with the statistics
 * of its documents (a number left by a deleted document matches nothing
 * else, so the filter keeps the same documents); no weight. */
class Watch : public Xapian::PostingSource
{
  public:
    explicit Watch(ms_index_budget *budget) : budget_(budget)
    {
    }

    Xapian::PostingSource *clone() const override
    {
        return new Watch(budget_);
    }

    void init(const Xapian::Database &db) override
    {
        last_ = db.get_lastdocid();
        documents_ = db.get_doccount();
        current_ = 0;
        steps_ = 0;
    }

    Xapian::doccount get_termfreq_min() const override
    {
        return documents_;
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return documents_;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return documents_;
    }

    void next(double) override
    {
        step(current_ + 1);
    }

    void skip_to(Xapian::docid did, double) override
    {
        if (did > current_)
            step(did);
    }

    bool at_end() const override
    {
        return current_ > last_;
    }

    Xapian::docid get_docid() const override
    {
        return static_cast<Xapian::docid>(current_);
    }

  private:
    void step(uint64_t did)
    {
        current_ = did;
        if (++steps_ % WATCH_CALLBACK_EVERY == 0)
            budget_->check();
        else if (steps_ % WATCH_CLOCK_EVERY == 0)
            budget_->check_time();
    }

    ms_index_budget *budget_;
    Xapian::docid last_ = 0;
    Xapian::doccount documents_ = 0;
    uint64_t current_ = 0; /* wider than a docid: one past the last */
    unsigned long steps_ = 0;
};

} /* namespace */

Xapian::Query
ms_index_budget::watch()
{
    /* xapian-tcpsrv cannot run a PostingSource of ours: over remote shards
     * the match is bounded by index.remote_timeout_ms instead. */
    if (ms_index__remote_view)
        return Xapian::Query::MatchAll;
    return Xapian::Query((new Watch(this))->release());
}

/* In bit order: ms_phase_t. */
static const char *const phase_names[] = {"feedback", "match", "facets", "snippets"};

extern "C" MS_EXPORT const char *
ms_index_phase_name(unsigned phase) noexcept
{
    for (unsigned i = 0; i < sizeof phase_names / sizeof phase_names[0]; i++)
        if (phase == 1u << i)
            return phase_names[i];
    return nullptr;
}
