/* ms_work.h - the bounds of an index request other than a search
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Pure C, part of the public interface of ms_index (included by
 * ms_index.h). A search carries the same bounds in its ms_search_t.
 */
#ifndef MS_WORK_H
#define MS_WORK_H

#include <stdbool.h>

/* The time a request (ms_index_suggest(), ms_index_similar()) may take,
 * checked as it goes, and the caller's way to stop it; a NULL ms_work_t
 * is the default budget and no callback. Out of time, such a request is
 * MS_INDEX_OVER_BUDGET with no partial answer; stopped by the callback,
 * MS_INDEX_CANCELLED. */
typedef struct ms_work {
    unsigned time_budget_ms; /* 0: MS_LIMIT_TIME_BUDGET_MS */
    /* NULL, or asked now and then with 'cancel_payload' (cheaply, from
     * the working thread): true stops the work. */
    bool (*cancelled)(void *payload);
    void *cancel_payload;
} ms_work_t;

#endif /* MS_WORK_H */
