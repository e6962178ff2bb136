/* budget.cc - the time budget and cancellation of one search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every function here is extern "C" and noexcept where it is public.
 */
#include "index-budget.hh"
#include "ms_limits.h"

ms_index_budget::ms_index_budget(const ms_search_t *search)
    : deadline_(std::chrono::steady_clock::now() +
                std::chrono::milliseconds(search->time_budget_ms
                                              ? search->time_budget_ms
                                              : MS_LIMIT_TIME_BUDGET_MS)),
      callback_(search->cancelled), payload_(search->cancel_payload)
{
}

bool
ms_index_budget::spent()
{
    if (!cancelled_ && callback_ && callback_(payload_))
        cancelled_ = true;
    return cancelled_ || std::chrono::steady_clock::now() >= deadline_;
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
