/* test_replica.c - a replica's status file as /health and /metrics show it
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The status file is what packaging/cluster/migsearch-replica writes beside
 * the index (index.path + ".replica"); tests/cluster/ runs the real
 * follower. Here: its reading, the lag, and what is shown when it is
 * missing, broken or reports a failure.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "ms_replica.h"
#include "tmpdir.h"

static char dir[PATH_MAX], index_path[PATH_MAX];

static void
setup(void)
{
    ms_test_tmpdir(dir, "ms-replica");
    ms_test_path_join(index_path, sizeof(index_path), dir, "index");
}

static void
teardown(void)
{
    ms_test_remove_tree(dir);
}

TestSuite(replica, .init = setup, .fini = teardown);

static void
write_status(const char *text)
{
    char path[PATH_MAX + 16];
    FILE *file;

    snprintf(path, sizeof(path), "%s.replica", index_path);
    file = fopen(path, "w");
    cr_assert_not_null(file);
    fputs(text, file);
    fclose(file);
}

static char *
metrics(void)
{
    ms_buf_t b = MS_BUF_INIT;
    size_t length;

    ms_replica_metrics(&b, index_path);
    return ms_buf_take(&b, &length);
}

Test(replica, a_current_replica_shows_its_generation_and_lag)
{
    char text[512], *shown;
    long long current = (long long)time(NULL) - 7;
    json_t *health;

    snprintf(text, sizeof(text),
             "{\"master\": \"10.77.0.10:7010\", \"generation\": \"index.gen-4\", "
             "\"partitions\": 3, \"current_at\": %lld, \"checked_at\": %lld, \"error\": "
             "\"\"}\n",
             current, current + 6);
    write_status(text);
    health = ms_replica_health(index_path);
    cr_assert_not_null(health);
    cr_expect_str_eq(json_string_value(json_object_get(health, "master")),
                     "10.77.0.10:7010");
    cr_expect_str_eq(json_string_value(json_object_get(health, "generation")),
                     "index.gen-4");
    cr_expect_eq(json_integer_value(json_object_get(health, "partitions")), 3);
    /* 7 s ago, give or take the second the test takes. */
    cr_expect(json_integer_value(json_object_get(health, "lag_seconds")) >= 7 &&
                  json_integer_value(json_object_get(health, "lag_seconds")) <= 9,
              "lag %lld",
              (long long)json_integer_value(json_object_get(health, "lag_seconds")));
    cr_expect_eq(strlen(json_string_value(json_object_get(health, "current_at"))), 20);
    cr_expect_null(json_object_get(health, "error"),
                   "no error when the last cycle worked");
    json_decref(health);

    shown = metrics();
    cr_expect_not_null(strstr(shown, "\nmigsearch_replication_lag_seconds "), "%s",
                       shown);
    cr_expect_not_null(strstr(shown, "\nmigsearch_replication_partitions 3\n"), "%s",
                       shown);
    cr_expect_not_null(strstr(shown, "\nmigsearch_replication_failing 0\n"), "%s", shown);
    free(shown);
}

Test(replica, a_failing_follower_shows_its_error_and_before_its_first_cycle_no_lag)
{
    char *shown;
    json_t *health;

    write_status(
        "{\"master\": \"10.77.0.10:7010\", \"generation\": \"\", \"partitions\": 0, "
        "\"current_at\": 0, \"checked_at\": 1796414213, "
        "\"error\": \"cannot replicate index.manifest from 10.77.0.10:7010\"}");
    health = ms_replica_health(index_path);
    cr_assert_not_null(health);
    cr_expect(json_is_null(json_object_get(health, "lag_seconds")));
    cr_expect(json_is_null(json_object_get(health, "current_at")));
    cr_expect_str_eq(json_string_value(json_object_get(health, "checked_at")),
                     "2026-12-04T19:56:53Z");
    cr_expect_str_eq(json_string_value(json_object_get(health, "error")),
                     "cannot replicate index.manifest from 10.77.0.10:7010");
    json_decref(health);
    shown = metrics();
    cr_expect_null(strstr(shown, "migsearch_replication_lag_seconds "), "%s", shown);
    cr_expect_not_null(strstr(shown, "\nmigsearch_replication_failing 1\n"), "%s", shown);
    free(shown);
}

Test(replica, no_file_or_a_broken_one_says_nothing_of_replication)
{
    char *shown;

    cr_expect_null(ms_replica_health(index_path));
    shown = metrics();
    cr_expect_str_eq(shown, "");
    free(shown);
    write_status("{\"master\": ");
    cr_expect_null(ms_replica_health(index_path));
    write_status("[1, 2]");
    cr_expect_null(ms_replica_health(index_path));
    shown = metrics();
    cr_expect_str_eq(shown, "");
    free(shown);
}
