/* test_metrics.c - the Prometheus counters behind GET /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Criterion runs each test in its own process, so every test starts from
 * zeroed counters.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_fcgi.h"

/* The value of the sample whose name and labels are exactly 'series'. */
static double
sample(const char *text, const char *series)
{
    size_t len = strlen(series);
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, series, len) == 0 && line[len] == ' ')
            return strtod(line + len + 1, NULL);
    }
    cr_assert_fail("no sample %s in:\n%s", series, text);
    return -1;
}

static char *
render(void)
{
    size_t length = 0;
    char *text = ms_metrics_render(&length);
    cr_assert_not_null(text);
    cr_assert_eq(strlen(text), length);
    return text;
}

Test(metrics, endpoints_are_recognised_from_the_path)
{
    cr_assert_eq(ms_metrics_endpoint("/search"), MS_ENDPOINT_SEARCH);
    cr_assert_eq(ms_metrics_endpoint("/doc/x"), MS_ENDPOINT_DOC);
    cr_assert_eq(ms_metrics_endpoint("/doc/x/file"), MS_ENDPOINT_FILE);
    cr_assert_eq(ms_metrics_endpoint("/doc/file"), MS_ENDPOINT_DOC);
    cr_assert_eq(ms_metrics_endpoint("/suggest"), MS_ENDPOINT_SUGGEST);
    cr_assert_eq(ms_metrics_endpoint("/similar/x"), MS_ENDPOINT_SIMILAR);
    cr_assert_eq(ms_metrics_endpoint("/feed"), MS_ENDPOINT_FEED);
    cr_assert_eq(ms_metrics_endpoint("/fragment"), MS_ENDPOINT_FRAGMENT);
    cr_assert_eq(ms_metrics_endpoint("/fragment/x"), MS_ENDPOINT_OTHER);
    cr_assert_eq(ms_metrics_endpoint("/health"), MS_ENDPOINT_HEALTH);
    cr_assert_eq(ms_metrics_endpoint("/metrics"), MS_ENDPOINT_METRICS);
    cr_assert_eq(ms_metrics_endpoint("/searchx"), MS_ENDPOINT_OTHER);
    cr_assert_eq(ms_metrics_endpoint(NULL), MS_ENDPOINT_OTHER);
}

Test(metrics, requests_are_counted_by_endpoint_and_status)
{
    ms_metrics_record(MS_ENDPOINT_SEARCH, 200, 0.002);
    ms_metrics_record(MS_ENDPOINT_SEARCH, 200, 0.003);
    ms_metrics_record(MS_ENDPOINT_SEARCH, 400, 0.0001);
    ms_metrics_record(MS_ENDPOINT_DOC, 404, 0.0001);
    ms_metrics_record(MS_ENDPOINT_DOC, 418, 0.0001);
    ms_metrics_record(MS_ENDPOINT_FRAGMENT, 200, 0.001);
    ms_metrics_record(MS_ENDPOINT_FRAGMENT, 503, 0.001);
    char *text = render();
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"search\",status=\"200\"}"), 2);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"search\",status=\"400\"}"), 1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"doc\",status=\"404\"}"), 1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"doc\",status=\"other\"}"), 1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"health\",status=\"200\"}"), 0);
    /* /fragment is its own endpoint, and not counted as anything else. */
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"fragment\",status=\"200\"}"),
        1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"fragment\",status=\"503\"}"),
        1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"feed\",status=\"200\"}"), 0);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"health\",status=\"503\"}"), 0);
    free(text);
}

Test(metrics, the_histogram_is_cumulative_and_agrees_with_its_count)
{
    ms_metrics_record(MS_ENDPOINT_SEARCH, 200, 0.0004); /* le 0.0005 */
    ms_metrics_record(MS_ENDPOINT_SEARCH, 200, 0.004);  /* le 0.005 */
    ms_metrics_record(MS_ENDPOINT_SEARCH, 200, 0.3);    /* le 0.5 */
    ms_metrics_record(MS_ENDPOINT_SEARCH, 200, 9.0);    /* +Inf only */
    char *text = render();
    const char *b = "migsearch_request_duration_seconds_bucket{endpoint=\"search\",le=";
    char series[160];
    snprintf(series, sizeof(series), "%s\"0.0005\"}", b);
    cr_expect_eq(sample(text, series), 1);
    snprintf(series, sizeof(series), "%s\"0.001\"}", b);
    cr_expect_eq(sample(text, series), 1);
    snprintf(series, sizeof(series), "%s\"0.005\"}", b);
    cr_expect_eq(sample(text, series), 2);
    snprintf(series, sizeof(series), "%s\"0.5\"}", b);
    cr_expect_eq(sample(text, series), 3);
    snprintf(series, sizeof(series), "%s\"2.5\"}", b);
    cr_expect_eq(sample(text, series), 3);
    snprintf(series, sizeof(series), "%s\"+Inf\"}", b);
    cr_expect_eq(sample(text, series), 4);
    cr_expect_eq(
        sample(text, "migsearch_request_duration_seconds_count{endpoint=\"search\"}"), 4);
    double sum =
        sample(text, "migsearch_request_duration_seconds_sum{endpoint=\"search\"}");
    cr_expect(sum > 9.30 && sum < 9.31, "sum %f", sum);
    free(text);
}

Test(metrics, index_revision_and_reopens_are_reported)
{
    char *text = render();
    cr_expect_eq(sample(text, "migsearch_index_up"), 0);
    free(text);
    ms_metrics_index_seen(3, 30, false);
    ms_metrics_index_seen(4, 31, true);
    ms_metrics_index_seen(4, 31, false);
    text = render();
    cr_expect_eq(sample(text, "migsearch_index_up"), 1);
    cr_expect_eq(sample(text, "migsearch_index_revision"), 4);
    cr_expect_eq(sample(text, "migsearch_index_documents"), 31);
    cr_expect_eq(sample(text, "migsearch_index_reopens_total"), 1);
    free(text);
}
