/* index-budget.hh - the time budget and cancellation of one search (budget.cc)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. A search (search.cc) asks its budget
 * between phases whether to go on; the answer is sticky, so once the time
 * is spent or the caller has cancelled, every later phase is skipped too.
 */
#ifndef MS_INDEX_BUDGET_HH
#define MS_INDEX_BUDGET_HH

#include <chrono>

#include "index-private.hh"

class ms_index_budget
{
  public:
    /* From search->time_budget_ms (0: MS_LIMIT_TIME_BUDGET_MS), counted
     * from now, and search->cancelled. */
    explicit ms_index_budget(const ms_search_t *search);

    /* Whether the next phase should be skipped: the time is spent or the
     * caller cancelled. Calls the caller's callback. */
    bool spent();

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

#endif /* MS_INDEX_BUDGET_HH */
