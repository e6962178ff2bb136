/* index-profile.hh - a writer's CPU time, phase by phase
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * C++ only, private to the shim. document.cc and index.cc time the
 * phases of a put and a commit into the writer's ms_index_profile_t
 * (ms_index_build.h), which the indexer reads with ms_index_profile().
 * One read of the process's CPU clock at each end of a phase: a few
 * microseconds a document.
 */
#ifndef MS_INDEX_PROFILE_HH
#define MS_INDEX_PROFILE_HH

#include "ms_clock.h"
#include "ms_index_build.h"

struct ms_index;

/* The profile of writer 'idx' (borrowed, lives as long as the handle). */
ms_index_profile_t &ms_index__profile(ms_index *idx);

/* Adds the CPU seconds of its lifetime to one phase of a profile. */
class ms_index_timer
{
  public:
    explicit ms_index_timer(double &phase) : phase_(phase), start_(ms_clock_cpu_seconds())
    {
    }
    ~ms_index_timer()
    {
        phase_ += ms_clock_cpu_seconds() - start_;
    }
    ms_index_timer(const ms_index_timer &) = delete;
    ms_index_timer &operator=(const ms_index_timer &) = delete;

  private:
    double &phase_;
    double start_;
};

#endif /* MS_INDEX_PROFILE_HH */
