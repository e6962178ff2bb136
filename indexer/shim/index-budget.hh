/* index-budget.hh - the time budget and cancellation of one request (budget.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. A search (search.cc), a suggestion or a
 * similar-documents lookup (related.cc) asks its budget between phases
 * whether to go on; the answer is sticky, so once the time is spent or
 * the caller has cancelled, every later phase is skipped too.
 *
 * Work that has no phases to skip stops from inside: check() throws
 * ms_index_budget_spent, which ms_index__map_exception() (error.cc)
 * turns into MS_INDEX_OVER_BUDGET or MS_INDEX_CANCELLED, and watch()
 * gives a filter that makes a running Xapian match throw it.
 */
#ifndef MS_INDEX_BUDGET_HH
#define MS_INDEX_BUDGET_HH

#include <chrono>

#include "index-private.hh"

/* Thrown when a budget is spent inside work that cannot skip a phase. */
struct ms_index_budget_spent {
    bool cancelled; /* the caller cancelled; else the time ran out */
};

class ms_index_budget
{
  public:
    /* 'time_budget_ms' (0: MS_LIMIT_TIME_BUDGET_MS) counted from now, and
     * the caller's 'cancelled' callback (NULL: none) with its payload. */
    ms_index_budget(unsigned time_budget_ms, bool (*callback)(void *payload),
                    void *payload);

    /* From search->time_budget_ms and search->cancelled. */
    explicit ms_index_budget(const ms_search_t *search)
        : ms_index_budget(search->time_budget_ms, search->cancelled,
                          search->cancel_payload)
    {
    }

    /* From 'work' (NULL: the default budget, no callback). */
    explicit ms_index_budget(const ms_work_t *work)
        : ms_index_budget(work ? work->time_budget_ms : 0,
                          work ? work->cancelled : nullptr,
                          work ? work->cancel_payload : nullptr)
    {
    }

    /* Whether the next phase should be skipped: the time is spent or the
     * caller cancelled. Calls the caller's callback. */
    bool spent();

    /* Throw ms_index_budget_spent if spent(); check_time() does not call
     * the caller's callback, for checks too frequent for it. */
    void check();
    void check_time();

    /* A query matching every document of the database it runs on, as a
     * boolean filter, that calls check() every few documents the matcher
     * reaches through it: a match filtered by it stops soon after the
     * budget is spent, however many terms it walks. The budget must
     * outlive every match of the query. */
    Xapian::Query watch();

    /* Whether the caller cancelled (seen by an earlier spent()). */
    bool cancelled() const
    {
        return cancelled_;
    }

  private:
    std::chrono::steady_clock::time_point deadline_;
    bool (*callback_)(void *payload);
    void *payload_;
    bool cancelled_ = false;
};

/* The deadline of the C API call running on this thread: set by the
 * call's first budget, reset when a call begins (ms_index__call_begin);
 * the epoch while there is none. Remote shards opened during the call
 * wait at most until then (remote.cc). */
extern thread_local std::chrono::steady_clock::time_point ms_index__deadline;

/* 'query' with each wildcard replaced by the OP_SYNONYM of the 'limit'
 * most frequent terms of 'db' it matches (ties by term), each pattern read
 * once, checking 'budget' as it reads (wildcards.cc). */
Xapian::Query ms_index__expand_wildcards(const Xapian::Query &query,
                                         const Xapian::Database &db, unsigned limit,
                                         ms_index_budget &budget);

#endif /* MS_INDEX_BUDGET_HH */
