/* replica.c - a search host's replication status (ms_replica.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ms_json.h"
#include "ms_replica.h"

/* The status file of 'index_path', parsed: an object, or NULL. The file is
 * small and replaced whole by rename, so one read sees one version. */
static json_t *
load(const char *index_path)
{
    char path[4200];
    json_t *status;

    if (snprintf(path, sizeof(path), "%s.replica", index_path) >= (int)sizeof(path))
        return NULL;
    status = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    if (status != NULL && !json_is_object(status)) {
        json_decref(status);
        status = NULL;
    }
    return status;
}

/* A number of the status, or 0. */
static double
number(const json_t *status, const char *key)
{
    const json_t *value = json_object_get(status, key);

    return json_is_number(value) ? json_number_value(value) : 0;
}

/* Unix seconds as "2026-12-04T19:56:00Z", or JSON null for 0. */
static json_t *
iso_time(double seconds)
{
    char text[32];
    time_t when = (time_t)seconds;
    struct tm tm;

    if (seconds <= 0 || gmtime_r(&when, &tm) == NULL)
        return json_null();
    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return ms_json_string(text);
}

/* now - current_at, never below 0; -1 before the first current cycle. */
static double
lag(const json_t *status)
{
    double current = number(status, "current_at"), now = (double)time(NULL);

    if (current <= 0)
        return -1;
    return now > current ? now - current : 0;
}

static const char *
text(const json_t *status, const char *key)
{
    const char *value = json_string_value(json_object_get(status, key));

    return value != NULL ? value : "";
}

json_t *
ms_replica_health(const char *index_path)
{
    json_t *status = load(index_path), *out;
    double behind;

    if (status == NULL)
        return NULL;
    behind = lag(status);
    out = json_pack("{s:o,s:o,s:I,s:o,s:o,s:o}", "master",
                    ms_json_string(text(status, "master")), "generation",
                    ms_json_string(text(status, "generation")), "partitions",
                    (json_int_t)number(status, "partitions"), "current_at",
                    iso_time(number(status, "current_at")), "checked_at",
                    iso_time(number(status, "checked_at")), "lag_seconds",
                    behind >= 0 ? json_integer((json_int_t)behind) : json_null());
    if (out != NULL && text(status, "error")[0] != '\0')
        json_object_set_new(out, "error", ms_json_string(text(status, "error")));
    json_decref(status);
    return out;
}

void
ms_replica_metrics(ms_buf_t *b, const char *index_path)
{
    json_t *status = load(index_path);
    double behind;

    if (status == NULL)
        return;
    behind = lag(status);
    if (behind >= 0)
        ms_buf_printf(b,
                      "# HELP migsearch_replication_lag_seconds At most how far this "
                      "replica is behind the indexing host.\n"
                      "# TYPE migsearch_replication_lag_seconds gauge\n"
                      "migsearch_replication_lag_seconds %.0f\n",
                      behind);
    ms_buf_printf(
        b,
        "# HELP migsearch_replication_current_seconds When the last replication "
        "cycle that brought every partition up to date began (Unix time).\n"
        "# TYPE migsearch_replication_current_seconds gauge\n"
        "migsearch_replication_current_seconds %.0f\n"
        "# HELP migsearch_replication_checked_seconds When the follower last "
        "asked the indexing host (Unix time).\n"
        "# TYPE migsearch_replication_checked_seconds gauge\n"
        "migsearch_replication_checked_seconds %.0f\n"
        "# HELP migsearch_replication_partitions Partitions of the replicated "
        "generation.\n"
        "# TYPE migsearch_replication_partitions gauge\n"
        "migsearch_replication_partitions %.0f\n"
        "# HELP migsearch_replication_failing 1 when the last replication cycle "
        "failed.\n"
        "# TYPE migsearch_replication_failing gauge\n"
        "migsearch_replication_failing %d\n",
        number(status, "current_at"), number(status, "checked_at"),
        number(status, "partitions"), text(status, "error")[0] != '\0');
    json_decref(status);
}
