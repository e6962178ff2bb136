/* last_run.c - the indexer's last_run report, for /health and /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* timegm */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ms_last_run.h"

json_t *
ms_last_run_get(ms_worker_t *w)
{
    char *text = NULL;
    json_t *report;

    if (ms_index_metadata_get(&text, w->idx, "last_run") != MS_INDEX_OK)
        return NULL;
    report = json_loads(text, 0, NULL);
    ms_index_string_free(text);
    if (report && !json_is_object(report)) {
        json_decref(report);
        report = NULL;
    }
    return report;
}

/* "finished", "2026-03-02T08:15:00Z", as seconds since the epoch; -1 if it
 * is missing or not of that form. */
static double
finished_seconds(const json_t *report)
{
    const char *text = json_string_value(json_object_get(report, "finished"));
    struct tm tm = {0};
    const char *end;

    if (!text || !(end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm)) || *end)
        return -1;
    return (double)timegm(&tm);
}

/* The gauges: name, help, and where the value is in the report. */
static const struct gauge {
    const char *name, *help, *key, *sub;
} gauges[] = {
    {"migsearch_indexer_last_run_exit_status",
     "Exit status of the last migsearch-index run (0 ok, 3 some files failed).", "exit",
     NULL},
    {"migsearch_indexer_last_run_duration_seconds", "How long the last run took.",
     "elapsed", NULL},
    {"migsearch_indexer_last_run_failed_files", "Files the last run could not index.",
     "files", "failed"},
    {"migsearch_indexer_last_run_kept_files",
     "Failed files whose last good version the last run kept in the index.", "files",
     "kept"},
};

void
ms_last_run_metrics(ms_buf_t *b, const json_t *report)
{
    double finished = finished_seconds(report);

    if (!report)
        return;
    if (finished >= 0)
        ms_buf_printf(b,
                      "# HELP migsearch_indexer_last_run_finished_seconds When the last "
                      "migsearch-index run finished (Unix time).\n"
                      "# TYPE migsearch_indexer_last_run_finished_seconds gauge\n"
                      "migsearch_indexer_last_run_finished_seconds %.0f\n",
                      finished);
    for (size_t i = 0; i < sizeof(gauges) / sizeof(*gauges); i++) {
        const json_t *value = json_object_get(report, gauges[i].key);
        if (gauges[i].sub)
            value = json_object_get(value, gauges[i].sub);
        if (!json_is_number(value))
            continue;
        ms_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", gauges[i].name,
                      gauges[i].help, gauges[i].name, gauges[i].name,
                      json_number_value(value));
    }
}
